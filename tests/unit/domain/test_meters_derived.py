"""The Media page's queries on the precomputed tables give exactly the results of the old queries.

The old queries ran lag() over the readings at every page visit; the loader now builds
monthly_consumption and building_monthly_consumption once per warehouse version and the
query files only look rows up. OLD_* below are the query files as they were before the
switch (commit 062a4a3), kept here verbatim: results, Python types and DuckDB column types
must be equal row for row, on the loaded demo warehouse and on a hand-made one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal as D

import pytest

from ebok.core.contract import MEDIA
from ebok.storage import warehouse
from tests.helpers import meters_demo as md
from tests.helpers import tiny_warehouse as tw

OLD_MONTHLY = """
-- Monthly consumption of one premises per medium (all its meters of that medium summed,
-- so a replaced meter's old and new counters add up), in the medium's unit.
-- Same arithmetic as v_monthly_consumption, but the premises' readings are picked before lag():
-- the view's window runs over every reading of the warehouse and no filter can pass below it.
WITH deltas AS (
    SELECT
        m.medium, m.unit, r.reading_date,
        r.value - coalesce(
            lag(r.value) OVER (PARTITION BY r.meter_id ORDER BY r.reading_date),
            m.initial_value
        ) AS consumption  -- meter's unit
    FROM readings r
    JOIN meters m USING (meter_id)
    WHERE r.premises_id = $premises_id
)
SELECT
    medium,
    any_value(unit) AS unit,
    date_trunc('month', reading_date)::DATE AS month,  -- first day of the month
    sum(consumption) AS consumption                    -- m3, GJ or kWh
FROM deltas
GROUP BY medium, month
ORDER BY medium, month
"""

OLD_BUILDING_AVERAGE = """
-- The building's consumption per person per medium and month: the consumption of every
-- premises in the same building_id divided by the persons living in those premises that
-- have a consumption of that medium in that month (premises without meters do not dilute it).
-- Result in the medium's unit per person; NULL where nobody is registered.
-- Same arithmetic as v_monthly_consumption, but only the building's readings enter lag():
-- readings are sorted by premises_id, so the building's premises are a few row groups.
WITH building_premises AS (
    SELECT premises_id, persons
    FROM premises
    WHERE building_id = (SELECT building_id FROM premises WHERE premises_id = $premises_id)
),
deltas AS (
    SELECT
        r.premises_id, m.medium, r.reading_date,
        r.value - coalesce(
            lag(r.value) OVER (PARTITION BY r.meter_id ORDER BY r.reading_date),
            m.initial_value
        ) AS consumption  -- meter's unit
    FROM readings r
    JOIN meters m USING (meter_id)
    WHERE r.premises_id IN (SELECT premises_id FROM building_premises)
),
per_premises AS (
    SELECT premises_id, medium, date_trunc('month', reading_date)::DATE AS month,
           sum(consumption) AS consumption
    FROM deltas
    GROUP BY ALL
)
SELECT
    pp.medium,
    pp.month,
    sum(pp.consumption) AS consumption,       -- whole building, medium's unit
    sum(p.persons) AS persons,
    sum(pp.consumption) / nullif(sum(p.persons), 0) AS per_person
FROM per_premises pp
JOIN building_premises p USING (premises_id)
GROUP BY pp.medium, pp.month
ORDER BY pp.medium, pp.month
"""

OLD_METER_AVERAGE = """
-- Average monthly consumption of one medium in one premises over the booked history
-- (months with a booked reading), in the medium's unit per month; NULL without history.
-- The implausibility check compares a new submission's jump with N times this value.
-- Same arithmetic as v_monthly_consumption, but the premises' readings are picked before lag():
-- the view's window runs over every reading of the warehouse and no filter can pass below it.
WITH deltas AS (
    SELECT
        r.reading_date,
        r.value - coalesce(
            lag(r.value) OVER (PARTITION BY r.meter_id ORDER BY r.reading_date),
            m.initial_value
        ) AS consumption  -- meter's unit
    FROM readings r
    JOIN meters m USING (meter_id)
    WHERE r.premises_id = $premises_id AND m.medium = $medium
),
monthly AS (
    SELECT date_trunc('month', reading_date)::DATE AS month, sum(consumption) AS consumption
    FROM deltas
    GROUP BY month
)
SELECT avg(consumption)::DECIMAL(18, 4) AS average, count(*) AS months  -- per month
FROM monthly
"""

OLD = {
    "meters_monthly": OLD_MONTHLY,
    "meters_building_average": OLD_BUILDING_AVERAGE,
    "meters_meter_average": OLD_METER_AVERAGE,
}


def run_both(cur, name: str, **params) -> tuple[list[tuple], list[tuple]]:
    """Return (old, new) of query NAME: rows plus the column names and DuckDB types."""
    out = []
    for sql in (OLD[name], warehouse.query_text(name)):
        result = cur.execute(sql, params)
        columns = [(d[0], str(d[1])) for d in result.description]
        rows = result.fetchall()
        out.append([tuple(columns)] + [tuple((v, type(v).__name__) for v in row) for row in rows])
    return out[0], out[1]


def compare_every_premises(cur) -> dict[str, int]:
    """Compare old and new queries for every premises (and every medium); return row counts seen."""
    ids = [r[0] for r in cur.execute("SELECT premises_id FROM premises ORDER BY 1").fetchall()]
    seen: dict[str, int] = defaultdict(int)
    for pid in ids:
        for name in ("meters_monthly", "meters_building_average"):
            old, new = run_both(cur, name, premises_id=pid)
            assert new == old, (name, pid)
            seen[name] += len(old) - 1
        for medium in MEDIA:
            old, new = run_both(cur, "meters_meter_average", premises_id=pid, medium=medium)
            assert new == old, ("meters_meter_average", pid, medium)
            seen["months"] += old[1][1][0]
    return seen


def test_loaded_demo_old_and_new_queries_are_identical(data_dir):
    md.use(data_dir)
    with warehouse.cursor() as cur:
        seen = compare_every_premises(cur)
        # The comparison is not vacuous: many months, and a building month where nobody is registered.
        assert seen["meters_monthly"] > 100 and seen["meters_building_average"] > 100 and seen["months"] > 100
        nulls = cur.execute(
            "SELECT count(*) FROM building_monthly_consumption WHERE per_person IS NULL"
        ).fetchone()[0]
        assert nulls > 0


def test_loaded_demo_tables_equal_csv_arithmetic(data_dir):
    """The derived tables against the CSV files read with the csv module (each reading minus the previous)."""
    export = md.use(data_dir)
    premises = {p["premises_id"]: p for p in md.read(export, "premises")}
    expected = md.monthly_use(export, set(premises))
    with warehouse.cursor() as cur:
        got = {
            (p, medium, month.strftime("%Y-%m")): value
            for p, medium, month, value in cur.execute(
                "SELECT premises_id, medium, month, consumption FROM monthly_consumption"
            ).fetchall()
        }
        assert got == expected
        building: dict[tuple[str, str, str], list] = defaultdict(lambda: [D(0), 0])
        for (p, medium, month), value in expected.items():
            entry = building[(premises[p]["building_id"], medium, month)]
            entry[0] += value
            entry[1] += int(premises[p]["persons"])
        rows = cur.execute(
            "SELECT building_id, medium, month, consumption, persons, per_person FROM building_monthly_consumption"
        ).fetchall()
        assert {(b, m, mo.strftime("%Y-%m")): [c, n] for b, m, mo, c, n, _ in rows} == dict(building)
        for _b, _m, _mo, c, n, per_person in rows:
            assert per_person == (pytest.approx(float(c / n)) if n else None)
        # One premises' rows are contiguous: the table is sorted by premises_id.
        order = [r[0] for r in cur.execute("SELECT premises_id FROM monthly_consumption").fetchall()]
        assert order == sorted(order)


def edge_tables() -> dict:
    """A replaced meter, two readings in one month, a building whose only user has nobody registered."""
    r = tw.reading
    return {
        "customers": [tw.customer("L0001", "Anna Nowak"), tw.customer("U0001", "Sklep")],
        "premises": [
            tw.premises("P1", "L0001", "B1", persons=2),
            tw.premises("P2", "L0001", "B1", persons=0, kind="garage"),
            tw.premises("P3", "L0001", "B1", persons=3),
            tw.premises("S1", "U0001", "B2", persons=0, kind="commercial"),
        ],
        "meters": [
            tw.meter("M1", "P1", initial_value=D("100.1234")),
            tw.meter("M2", "P1", "hot_water", initial_value=D("50"), removed_on=dt.date(2026, 6, 30)),
            tw.meter("M3", "P1", "hot_water", installed_on=dt.date(2026, 6, 30)),
            tw.meter("M4", "P3"),
            tw.meter("M5", "P2", "electricity", unit="kWh"),
            tw.meter("M6", "S1", "heat", unit="GJ", initial_value=D("7.5")),
        ],
        "readings": [
            r("R1", "M1", "P1", dt.date(2025, 10, 31), "110.0001"),
            r("R2", "M1", "P1", dt.date(2026, 9, 1), "120"),
            r("R3", "M1", "P1", dt.date(2026, 9, 30), "132.5"),
            r("R4", "M2", "P1", dt.date(2026, 5, 31), "60"),
            r("R5", "M2", "P1", dt.date(2026, 6, 30), "63.3333"),
            r("R6", "M3", "P1", dt.date(2026, 6, 30), "0.2"),
            r("R7", "M3", "P1", dt.date(2026, 10, 31), "4"),
            r("R8", "M4", "P3", dt.date(2026, 9, 15), "18.75"),
            r("R9", "M5", "P2", dt.date(2026, 9, 15), "1234.5"),
            r("R10", "M6", "S1", dt.date(2026, 10, 31), "9.125"),
        ],
    }


def test_hand_made_warehouse_old_and_new_queries_are_identical():
    tw.build(edge_tables())
    with warehouse.cursor() as cur:
        compare_every_premises(cur)
        # Numbers a resident would see, by hand: P1 cold water 9.8767 in 10/2025, 22.4999 in 09/2026.
        monthly = cur.execute(warehouse.query_text("meters_monthly"), {"premises_id": "P1"}).fetchall()
        assert monthly == [
            ("cold_water", "m3", dt.date(2025, 10, 1), D("9.8767")),
            ("cold_water", "m3", dt.date(2026, 9, 1), D("22.4999")),
            ("hot_water", "m3", dt.date(2026, 5, 1), D("10.0000")),
            ("hot_water", "m3", dt.date(2026, 6, 1), D("3.5333")),
            ("hot_water", "m3", dt.date(2026, 10, 1), D("3.8000")),
        ]
        building = cur.execute(
            warehouse.query_text("meters_building_average"), {"premises_id": "P2"}
        ).fetchall()
        sept = [row for row in building if row[1] == dt.date(2026, 9, 1)]
        # Cold water 09/2026: P1 22.4999 + P3 18.75 over 2 + 3 persons; electricity: the garage, nobody.
        assert sept == [
            ("cold_water", dt.date(2026, 9, 1), D("41.2499"), 5, pytest.approx(41.2499 / 5)),
            ("electricity", dt.date(2026, 9, 1), D("1234.5000"), 0, None),
        ]
        shop = cur.execute(warehouse.query_text("meters_building_average"), {"premises_id": "S1"}).fetchall()
        assert shop == [("heat", dt.date(2026, 10, 1), D("1.6250"), 0, None)]
        average = cur.execute(
            warehouse.query_text("meters_meter_average"), {"premises_id": "P1", "medium": "hot_water"}
        ).fetchall()
        assert average == [(D("5.7778"), 3)]  # (10 + 3.5333 + 3.8) / 3 months
        none = cur.execute(
            warehouse.query_text("meters_meter_average"), {"premises_id": "P3", "medium": "gas"}
        ).fetchall()
        assert none == [(None, 0)]
