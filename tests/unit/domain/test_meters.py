"""ebok.domain.meters on a tiny hand-made warehouse: every query, the consumption figures and submissions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from ebok.core import uploads
from ebok.core.config import ReadingWindow
from ebok.core.errors import FormError
from ebok.domain import meters
from ebok.domain.meters import MeterPolicy, NeedsConfirmation
from ebok.storage import store, warehouse
from ebok.storage.tables import reading_submissions
from tests.helpers import tiny_warehouse as tw

NOW = dt.datetime(2026, 11, 21, 10, 0)
POL = MeterPolicy(
    window=ReadingWindow(first_day=20, last_day=5), legalisation_warning_days=90, implausible_factor=3.0
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 32


def base_tables() -> dict:
    """Anna (P1 flat + P2 garage) and Bob (P3) in building B1, a stranger (P9) in B2."""
    r = tw.reading
    return {
        "customers": [
            tw.customer("L0001", "Anna Nowak"),
            tw.customer("L0003", "Bob"),
            tw.customer("L0009", "X"),
        ],
        "premises": [
            tw.premises("P1", "L0001", "B1", persons=2),
            tw.premises("P2", "L0001", "B1", persons=0, kind="garage"),
            tw.premises("P3", "L0003", "B1", persons=3),
            tw.premises("P9", "L0009", "B2", persons=1),
        ],
        "meters": [
            tw.meter("M1", "P1", initial_value=D("100"), legalisation_until=dt.date(2027, 1, 10)),
            tw.meter("M2", "P1", "hot_water", initial_value=D("50"), removed_on=dt.date(2026, 6, 30)),
            tw.meter(
                "M3",
                "P1",
                "hot_water",
                installed_on=dt.date(2026, 6, 30),
                legalisation_until=dt.date(2032, 6, 30),
            ),
            tw.meter("M4", "P3"),
            tw.meter("M9", "P9"),
        ],
        "readings": [
            r("R1", "M1", "P1", dt.date(2025, 10, 31), "110"),
            r("R2", "M1", "P1", dt.date(2026, 9, 30), "120"),
            r("R3", "M1", "P1", dt.date(2026, 10, 31), "132"),
            r("R4", "M2", "P1", dt.date(2026, 5, 31), "60"),
            r("R5", "M2", "P1", dt.date(2026, 6, 30), "63"),
            r("R6", "M3", "P1", dt.date(2026, 10, 31), "4"),
            r("R7", "M4", "P3", dt.date(2026, 10, 31), "18"),
            r("R9", "M9", "P9", dt.date(2026, 10, 31), "1000"),
        ],
    }


@pytest.fixture
def wh():
    """Publish the base warehouse."""
    return tw.build(base_tables())


def count_rows() -> int:
    """Return the number of saved submissions."""
    with store.engine().connect() as con:
        return con.execute(select(func.count()).select_from(reading_submissions)).scalar_one()


def photos() -> list[str]:
    """Return the names of stored reading photos (a staged .part included)."""
    return sorted(p.name for p in uploads.uploads_dir(uploads.READING_PHOTO).iterdir())


def submit(value="140", key="k1", meter_id="M1", premises_id="P1", **kw):
    """Submit with defaults."""
    return meters.submit_reading(
        premises_id=premises_id,
        meter_id=meter_id,
        value=value,
        username="anna.nowak",
        now=kw.pop("now", NOW),
        idempotency_key=key,
        pol=kw.pop("pol", POL),
        **kw,
    )


def test_meters_list_with_legalisation_warning(wh):
    ms = meters.meters_for_premises("P1", NOW.date(), POL)
    assert [m.meter_id for m in ms] == ["M1", "M3", "M2"]  # active first, removed last
    m1, m3, m2 = ms
    assert m1.legalisation_warning and "10.01.2027" in m1.legalisation_text(NOW.date())
    assert not m3.legalisation_warning
    assert not m2.is_active(NOW.date()) and not m2.legalisation_warning
    assert (m1.last_value, m1.last_date) == (D("132"), dt.date(2026, 10, 31))
    assert m3.start_value == D("4")
    # A shorter warning period drops the warning (legalisation is 50 days away).
    assert not meters.meters_for_premises("P1", NOW.date(), MeterPolicy(legalisation_warning_days=30))[
        0
    ].legalisation_warning
    assert meters.meters_for_premises("P2", NOW.date(), POL) == []


def test_booked_readings_consumption(wh):
    rows = meters.booked_readings("P1")
    cons = {r["reading_id"]: r["consumption"] for r in rows}
    assert cons == {"R1": 10, "R2": 10, "R3": 12, "R4": 10, "R5": 3, "R6": 4}
    assert rows[0]["reading_date"] == dt.date(2026, 10, 31)
    assert all(r["reading_id"] not in {"R7", "R9"} for r in rows)


def test_monthly_and_comparison(wh):
    monthly = {(r["medium"], r["month"]): r["consumption"] for r in meters.monthly_consumption("P1")}
    assert monthly == {
        ("cold_water", dt.date(2025, 10, 1)): 10,
        ("cold_water", dt.date(2026, 9, 1)): 10,
        ("cold_water", dt.date(2026, 10, 1)): 12,
        ("hot_water", dt.date(2026, 5, 1)): 10,
        ("hot_water", dt.date(2026, 6, 1)): 3,
        ("hot_water", dt.date(2026, 10, 1)): 4,
    }
    comp = {(c.medium, c.month): c for c in meters.comparison("P1")}
    oct_cold = comp[("cold_water", dt.date(2026, 10, 1))]
    assert oct_cold.consumption == 12 and oct_cold.last_year == 10
    assert oct_cold.per_person == 6
    assert oct_cold.building_per_person == D(12 + 18) / 5  # P1 + P3, 2 + 3 persons; B2 not counted
    assert comp[("cold_water", dt.date(2026, 9, 1))].last_year is None
    assert comp[("hot_water", dt.date(2026, 10, 1))].building_per_person == 2  # 4 m³ / 2 persons


def test_building_average_query(wh):
    avg = meters.building_average("P3")
    assert avg[("cold_water", dt.date(2026, 10, 1))] == 6
    assert avg[("cold_water", dt.date(2025, 10, 1))] == 5  # only P1 had a reading: 10 / 2
    assert meters.building_average("P9") == {("cold_water", dt.date(2026, 10, 1)): 1000}


def test_meter_average_query(wh):
    rows = warehouse.rows("meters_meter_average", premises_id="P1", medium="cold_water")
    assert rows[0]["months"] == 3 and rows[0]["average"] == D("10.6667")  # (10 + 10 + 12) / 3
    rows = warehouse.rows("meters_meter_average", premises_id="P2", medium="cold_water")
    assert rows[0]["average"] is None


def test_premises_query(wh):
    assert warehouse.rows("meters_premises", premises_id="P1") == [
        {"premises_id": "P1", "building_id": "B1", "persons": 2}
    ]


def test_submit_saved_once_on_double_click(wh):
    first = submit("140,5")
    second = submit("140,5")
    assert first.created and not second.created
    assert first.submission_id == second.submission_id
    assert count_rows() == 1
    subs = meters.submissions_for_premises("P1")
    assert [s.value for s in subs] == [D("140.5")]
    assert subs[0].status == meters.STATUS_PENDING and not subs[0].implausible
    with store.engine().connect() as con:  # kept for the office's export: the last booked state
        assert con.execute(select(reading_submissions.c.previous_value)).scalar_one() == D("132")
    from ebok.storage import audit

    entries = audit.entries("reading_submitted")
    assert len(entries) == 1 and entries[0]["details"]["submission_id"] == first.submission_id
    assert entries[0]["premises_id"] == "P1"


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"value": "131"}, "Stan licznika", "niższa"),
        ({"value": ""}, "Stan licznika", "podaj"),
        ({"value": "abc"}, "Stan licznika", "liczba"),
        ({"value": "-1"}, "Stan licznika", "ujemny"),
        ({"value": "140,12345"}, "Stan licznika", "4 cyfry"),
        (
            {"value": "100000000000000"},
            "Stan licznika",
            "nie może przekraczać 99\xa0999\xa0999\xa0999\xa0999,9999",
        ),
        ({"meter_id": "M2", "value": "70"}, "Licznik", "zdemontowany"),
        ({"meter_id": "M4"}, "Licznik", "wybierz"),  # Bob's meter from Anna's premises
        ({"meter_id": "NOPE"}, "Licznik", "wybierz"),
        ({"now": dt.datetime(2026, 11, 10, 9)}, "Data odczytu", "poza okresem"),
        ({"photo": b"GIF89a" + b"\0" * 10}, "Zdjęcie licznika", "JPEG"),
        ({"photo": b"\xff\xd8\xff" + b"\0" * uploads.READING_PHOTO.max_bytes}, "Zdjęcie licznika", "za duży"),
        ({"key": ""}, "Formularz", "odśwież"),
    ],
)
def test_bad_input_refused_nothing_written(wh, kwargs, field, fragment):
    with pytest.raises(FormError) as err:
        submit(**kwargs)
    assert any(p.field == field and fragment in p.message for p in err.value.problems)
    assert count_rows() == 0
    assert photos() == []


def test_largest_value_is_what_the_store_column_holds():
    """The input limit is the column's: NUMERIC(18, 4) holds 99 999 999 999 999,9999 and nothing above."""
    assert meters.VALUE_MAX == D("99999999999999.9999") and meters.VALUE_PLACES == 4
    assert meters.parse_value("99 999 999 999 999,9999") == meters.VALUE_MAX
    with pytest.raises(FormError):
        meters.parse_value("99999999999999,99999")  # a 5th place would round it up, out of the column


def test_replaced_meter_starts_from_initial_value(wh):
    sub = submit("5", meter_id="M3")  # last booked 4 on the new meter, not the old 63
    assert sub.value == 5
    with pytest.raises(FormError):
        submit("3", meter_id="M3", key="k2")


def test_implausible_needs_confirmation_and_is_flagged(wh):
    # Average 10,667 m³/month, factor 3, one month since the last reading: limit 32 m³.
    assert not submit("162", key="ok").implausible
    with pytest.raises(NeedsConfirmation) as err:
        submit("172", key="jump")
    assert len(err.value.messages) == 1 and "Potwierdzam" in err.value.messages[0]
    assert count_rows() == 1
    sub = submit("172", key="jump", confirmed=True)
    assert sub.implausible
    assert {s.submission_id: s.implausible for s in meters.submissions_for_premises("P1")}[sub.submission_id]


def test_window_wraps_month_end():
    pol = MeterPolicy(window=ReadingWindow(first_day=20, last_day=5))
    assert pol.window_open(dt.date(2026, 11, 20)) and pol.window_open(dt.date(2026, 12, 5))
    assert not pol.window_open(dt.date(2026, 12, 6)) and not pol.window_open(dt.date(2026, 11, 19))
    assert MeterPolicy(window=ReadingWindow(always_open=True)).window_open(dt.date(2026, 1, 15))


def test_photo_stored_by_magic_bytes(wh):
    sub = submit(photo=PNG)
    assert sub.photo.endswith(".png")
    assert uploads.read(sub.photo, uploads.READING_PHOTO) == PNG
    sub2 = submit("141", key="k2", photo=JPEG)
    assert sub2.photo.endswith(".jpg")
    assert photos() == sorted([sub.photo, sub2.photo])


def test_every_problem_reported_at_once(wh):
    with pytest.raises(FormError) as err:
        submit("abc", key="", meter_id="NOPE", photo=b"GIF89a" + b"\0" * 10, now=dt.datetime(2026, 11, 10, 9))
    assert [p.field for p in err.value.problems] == [
        "Formularz",
        "Zdjęcie licznika",
        "Licznik",
        "Data odczytu",
        "Stan licznika",
    ]
    assert "Zdjęcie licznika: dozwolone są tylko pliki JPEG, PNG (sprawdzamy zawartość pliku)." in (
        err.value.messages
    )
    assert count_rows() == 0 and photos() == []


def test_implausible_with_another_problem_is_a_refusal_not_a_question(wh):
    with pytest.raises(FormError) as err:
        submit("172", photo=b"GIF89a")  # far above the average, and the photo is refused
    assert not isinstance(err.value, NeedsConfirmation)
    assert [p.field for p in err.value.problems] == ["Zdjęcie licznika"]


def test_failed_insert_leaves_no_photo(wh, monkeypatch):
    def failing_insert(table):
        raise RuntimeError("baza niedostępna")

    monkeypatch.setattr(meters, "insert", failing_insert)
    with pytest.raises(RuntimeError):
        submit(photo=PNG)
    assert count_rows() == 0 and photos() == []


def test_failed_move_leaves_no_row(wh, monkeypatch):
    def failing_replace(self, target):
        raise OSError("dysk pełny")

    with monkeypatch.context() as patch, pytest.raises(OSError, match="dysk pełny"):
        patch.setattr(uploads.Path, "replace", failing_replace)
        submit(photo=PNG)
    assert count_rows() == 0 and photos() == []
    assert submit(photo=PNG).photo in photos()  # the same key goes through once the disk is back


def test_pending_until_booked(wh):
    sub = submit("140")
    assert meters.submissions_for_premises("P1")[0].status == "przyjęty, oczekuje na zaksięgowanie"
    tables = base_tables()
    tables["readings"].append(
        tw.reading(
            "E1", "M1", "P1", dt.date(2026, 11, 21), "140", source="resident", submission_id=sub.submission_id
        )
    )
    tw.build(tables)
    assert meters.submissions_for_premises("P1")[0].status == "zaksięgowany"
    assert meters.meters_for_premises("P1", NOW.date(), POL)[0].last_value == D("140")


def test_other_premises_sees_nothing(wh):
    submit("140")
    assert meters.submissions_for_premises("P3") == []
    assert meters.booked_readings("P3")[0]["reading_id"] == "R7" and len(meters.booked_readings("P3")) == 1
    # A key used by Anna's premises cannot be replayed for another premises.
    with pytest.raises(FormError):
        submit("20", meter_id="M4", premises_id="P3")


def test_policy_reads_office_config(data_dir):
    from ebok.core import config

    text = (
        config.DEFAULT_TEMPLATE.read_text(encoding="utf-8")
        .replace("first_day: 20", "first_day: 1")
        .replace("last_day: 5", "last_day: 7")
        .replace("legalisation_warning_days: 90", "legalisation_warning_days: 30")
        .replace("implausible_factor: 3.0", "implausible_factor: 5")
    )
    (data_dir / "config.yaml").write_text(text, encoding="utf-8")
    pol = meters.policy()
    assert (pol.window.first_day, pol.window.last_day) == (1, 7)
    assert (pol.legalisation_warning_days, pol.implausible_factor) == (30, 5.0)
    assert pol.window_open(dt.date(2026, 11, 7)) and not pol.window_open(dt.date(2026, 11, 8))


def test_concurrent_double_click_saves_once(wh):
    import threading

    results, barrier = [], threading.Barrier(4)

    def click() -> None:
        barrier.wait()
        results.append(submit("150", key="same"))

    threads = [threading.Thread(target=click) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert count_rows() == 1
    assert len({r.submission_id for r in results}) == 1 and sum(r.created for r in results) == 1


def test_no_warehouse_yet():
    assert meters.meters_for_premises("P1", NOW.date(), POL) == []
    assert meters.comparison("P1") == [] and meters.submissions_for_premises("P1") == []
    with pytest.raises(FormError):
        submit()


# --- names: medium and serial number, never the internal id


def test_meter_name_is_medium_and_serial():
    assert meters.meter_name("cold_water", "ZW26787177") == "Woda zimna, nr ZW26787177"
    assert meters.meter_name("heat", "C-1") == "Ciepło, nr C-1"


def test_meter_names_from_meters_and_rows(wh):
    ms = meters.meters_for_premises("P1", NOW.date(), POL)
    assert meters.meter_names(ms) == {
        "M1": "Woda zimna, nr SN-M1",
        "M2": "Woda ciepła, nr SN-M2",
        "M3": "Woda ciepła, nr SN-M3",
    }
    rows = meters.reading_rows(meters.booked_readings("P1"))
    assert {r["Licznik"] for r in rows} == {
        "Woda zimna, nr SN-M1",
        "Woda ciepła, nr SN-M2",
        "Woda ciepła, nr SN-M3",
    }
    assert [m.label() for m in ms] == [
        "Woda zimna, nr SN-M1 (m³)",
        "Woda ciepła, nr SN-M3 (m³)",
        "Woda ciepła, nr SN-M2 (m³)",
    ]


def _row(mid: str, medium: str = "cold_water", serial: str = "X1", **extra) -> dict:
    return {"meter_id": mid, "medium": medium, "serial_no": serial, **extra}


def test_same_serial_told_apart_by_place_then_installation_date():
    day = dt.date(2021, 3, 1)
    # Another medium with the same serial is no clash.
    assert meters.meter_names([_row("A"), _row("B", "hot_water")]) == {
        "A": "Woda zimna, nr X1",
        "B": "Woda ciepła, nr X1",
    }
    # Two premises: their addresses.
    assert meters.meter_names([_row("A", place="Lipowa 7/1"), _row("B", place="Lipowa 7/2")]) == {
        "A": "Woda zimna, nr X1, lokal Lipowa 7/1",
        "B": "Woda zimna, nr X1, lokal Lipowa 7/2",
    }
    # One premises, mounted again after legalisation: the installation dates.
    assert meters.meter_names(
        [_row("A", installed_on=day), _row("B", installed_on=dt.date(2026, 6, 30))]
    ) == {
        "A": "Woda zimna, nr X1, zamontowany 01.03.2021",
        "B": "Woda zimna, nr X1, zamontowany 30.06.2026",
    }
    # Three meters: two in one flat (dates needed) and one elsewhere (the address is enough).
    names = meters.meter_names(
        [
            _row("A", place="Lipowa 7/1", installed_on=day),
            _row("B", place="Lipowa 7/1", installed_on=dt.date(2026, 6, 30)),
            _row("C", place="Lipowa 7/2", installed_on=day),
        ]
    )
    assert names == {
        "A": "Woda zimna, nr X1, lokal Lipowa 7/1, zamontowany 01.03.2021",
        "B": "Woda zimna, nr X1, lokal Lipowa 7/1, zamontowany 30.06.2026",
        "C": "Woda zimna, nr X1, lokal Lipowa 7/2",
    }
    # Nothing else to go by: numbered, still without the id.
    assert meters.meter_names([_row("M0000007"), _row("M0000003")]) == {
        "M0000007": "Woda zimna, nr X1 (2)",
        "M0000003": "Woda zimna, nr X1 (1)",
    }


def test_office_meter_names_across_premises(wh):
    assert meters.office_meter_names(["M1", "M4", "M1"]) == {
        "M1": "Woda zimna, nr SN-M1",
        "M4": "Woda zimna, nr SN-M4",
    }
    assert meters.office_meter_names([]) == {}
    assert meters.office_meter_names(["NOPE"]) == {}


def test_submission_rows_name_meters(wh):
    sub = submit()
    ms = meters.meters_for_premises("P1", NOW.date(), POL)
    (row,) = meters.submission_rows([sub], ms)
    assert row["Licznik"] == "Woda zimna, nr SN-M1"
    (gone,) = meters.submission_rows([sub], [m for m in ms if m.meter_id != "M1"])
    assert gone["Licznik"] == "licznik usunięty z ewidencji lokalu"
