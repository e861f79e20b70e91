"""ebok.domain.waste on a tiny warehouse: points, fee basis, schedule, next collection, calendar."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from ebok.domain import waste
from tests.helpers import tiny_warehouse as tw


def tables() -> dict:
    """Jan (P6) has a house on route R1 (persons basis); P7 a business on R2 (containers basis)."""
    sched = []
    for day, fraction in (
        ("2026-11-20", "mixed"),
        ("2026-11-24", "paper"),
        ("2026-11-24", "glass"),
        ("2026-11-27", "mixed"),
        ("2026-12-01", "bio"),
        ("2026-12-03", "metals_plastics"),
    ):
        sched.append({"route_id": "R1", "fraction": fraction, "collection_date": dt.date.fromisoformat(day)})
    sched.append({"route_id": "R2", "fraction": "mixed", "collection_date": dt.date(2026, 11, 22)})
    return {
        "customers": [tw.customer("W0001", "Jan Kowalski"), tw.customer("W0002", "Firma")],
        "premises": [
            tw.premises("P6", "W0001", "B6", persons=3, kind="residential"),
            tw.premises("P7", "W0002", "B7", persons=0, kind="commercial"),
            tw.premises("P8", "W0002", "B8", persons=0, kind="garage"),
        ],
        "waste_points": [
            {
                "point_id": "WP1",
                "premises_id": "P6",
                "address": "ul. Polna 3, Wólka",
                "route_id": "R1",
                "containers": "1 x 120 l zmieszane; 1 x 240 l bio",
                "fee_basis": "persons",
                "declared_persons": 3,
                "rate": D("32.00"),
            },
            {
                "point_id": "WP2",
                "premises_id": "P7",
                "address": "ul. Rynek 1, Wólka",
                "route_id": "R2",
                "containers": "2 x 1100 l zmieszane; 1 × 240 l papier",
                "fee_basis": "containers",
                "rate": D("45.50"),
            },
        ],
        "waste_schedule": sched,
    }


@pytest.fixture
def wh():
    """Publish the waste warehouse."""
    return tw.build(tables())


def test_points_and_fee(wh):
    (p,) = waste.points("P6")
    assert (p.address, p.quantity, p.monthly_fee) == ("ul. Polna 3, Wólka", 3, D("96.00"))
    assert p.basis_text() == "Liczba osób z deklaracji: 3 osoby × 32,00 zł = 96,00 zł miesięcznie"
    (q,) = waste.points("P7")
    assert (q.quantity, q.monthly_fee) == (3, D("136.50"))
    assert "3 pojemniki" in q.basis_text()
    assert waste.monthly_fee("P6") == D("96.00") and waste.monthly_fee("P8") == 0
    assert waste.points("P8") == []


def test_container_count():
    assert waste.container_count("2 x 120 l zmieszane; 1 x 240 l bio") == 3
    assert waste.container_count("120 l zmieszane; 240 l bio") == 2
    assert waste.container_count("") == 0


def test_schedule_by_fraction(wh):
    by = waste.schedule_by_fraction("P6", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert list(by) == ["mixed", "paper", "glass"]
    assert by["mixed"] == [dt.date(2026, 11, 20), dt.date(2026, 11, 27)]
    days = waste.schedule("P6", dt.date(2026, 11, 24), dt.date(2026, 11, 24))
    assert days == {dt.date(2026, 11, 24): ("paper", "glass")}
    assert dt.date(2026, 11, 22) not in waste.schedule(
        "P6", dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    )  # R2


def test_next_collection(wh):
    nxt = waste.next_collection("P6", dt.date(2026, 11, 21))
    assert nxt.date == dt.date(2026, 11, 24) and nxt.fraction_names == ("papier", "szkło")
    assert nxt.text(dt.date(2026, 11, 21)) == "Najbliższy wywóz: 24.11.2026 (za 3 dni): papier, szkło"
    assert waste.next_collection("P6", dt.date(2026, 11, 24)).date == dt.date(2026, 11, 24)  # today counts
    assert waste.next_collection("P6", dt.date(2026, 12, 2)).fraction_names == ("metale i tworzywa sztuczne",)
    assert waste.next_collection("P6", dt.date(2026, 12, 4)) is None
    assert waste.next_collection("P8", dt.date(2026, 11, 21)) is None


def test_month_calendar(wh):
    weeks = waste.month_calendar("P6", 2026, 11)
    assert all(len(w) == 7 for w in weeks)
    assert weeks[0][:6] == [(None, ())] * 6 and weeks[0][6] == (
        dt.date(2026, 11, 1),
        (),
    )  # 1.11.2026 is a Sunday
    cells = {d: f for w in weeks for d, f in w if d}
    assert cells[dt.date(2026, 11, 24)] == ("paper", "glass") and len(cells) == 30
    table = waste.calendar_table("P6", 2026, 11)
    assert list(table[0]) == list(waste.WEEKDAYS)
    assert any(row["Wt"] == "24: Papier, Szkło" for row in table)
    assert table[0]["Nd"] == "1" and table[0]["Pn"] == ""  # no collection on 1.11; October's days empty


def test_calendar_entries_say_the_fraction_in_words():
    day = dt.date(2026, 12, 3)
    assert waste.day_entry(day, ("mixed", "paper", "glass", "metals_plastics", "bio")) == (
        "3: Zmieszane, Papier, Szkło, Metale i tworzywa, Bio"
    )
    assert waste.day_entry(day, ()) == "3"
    # No colour emoji anywhere a resident reads (boxes without an emoji font; colour alone fails WCAG 1.4.1).
    shown = [waste.legend_text()] + [waste.day_entry(day, (f,)) for f in waste.FRACTION_NAMES]
    assert all(ch.isascii() or ch.isalpha() or ch in "–·" for text in shown for ch in text)
    assert waste.legend_text() == (
        "Kolory pojemników: Zmieszane – czarny · Papier – niebieski · Szkło – zielony · "
        "Metale i tworzywa – żółty · Bio – brązowy"
    )


@pytest.mark.parametrize(
    ("basis", "persons", "containers", "text"),
    [
        ("persons", 1, "", "1 osoba"),
        ("persons", 2, "", "2 osoby"),
        ("persons", 5, "", "5 osób"),
        ("persons", 12, "", "12 osób"),
        ("persons", 22, "", "22 osoby"),
        ("containers", None, "1 x 120 l", "1 pojemnik"),
        ("containers", None, "3 x 120 l", "3 pojemniki"),
        ("containers", None, "2 x 120 l; 3 x 240 l", "5 pojemników"),
    ],
)
def test_basis_text_plural(basis, persons, containers, text):
    point = waste.WastePoint("W", "P", "a", "R", containers, basis, persons, D("10.00"))
    assert f": {text} × 10,00 zł = " in point.basis_text()


def test_no_warehouse_yet():
    assert waste.points("P6") == [] and waste.next_collection("P6", dt.date(2026, 11, 21)) is None
