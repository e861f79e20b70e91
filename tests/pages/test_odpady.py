"""Odpady i wywozy (resident page): next collection, fee basis, calendar, scoping."""

from __future__ import annotations

import datetime as dt

import pytest

from ebok.core import clock
from tests.helpers import tiny_warehouse as tw
from tests.helpers.auth import page
from tests.unit.domain.test_waste import tables

NOW_UTC = dt.datetime(2026, 11, 21, 9, 0)


def jan_tables() -> dict:
    """The waste fixture with Jan Kowalski's house as W0001 (P6) and Anna (L0001) without a point."""
    t = tables()
    t["customers"].append(tw.customer("L0001", "Anna Nowak"))
    t["premises"].append(tw.premises("P1", "L0001", "B1"))
    return t


@pytest.fixture(autouse=True)
def _setup():
    clock.set_clock(lambda: NOW_UTC)
    tw.build(jan_tables())
    yield
    clock.set_clock(None)


def run(username: str = "jan.kowalski", at=None, **query):
    at = at or page("pages/odpady.py", username, **query)
    at.run()
    assert not at.exception, at.exception
    return at


def test_next_collection_fee_and_calendar():
    at = run()
    assert [s.value for s in at.success] == ["Najbliższy wywóz: 24.11.2026 (za 3 dni): papier, szkło"]
    assert "**ul\\. Polna 3, Wólka** (rejon R1)" in [m.value for m in at.markdown]
    assert "Pojemniki: 1 x 120 l zmieszane; 1 x 240 l bio" in [c.value for c in at.caption]
    # Fee computed independently: 3 declared persons × 32,00 zł.
    assert [(m.label, m.value) for m in at.metric] == [("Opłata za odpady miesięcznie", f"{3 * 32},00 zł")]
    table = at.table[0].value
    assert list(table.columns) == ["Pn", "Wt", "Śr", "Cz", "Pt", "So", "Nd"]
    cells = [c for c in table.to_numpy().ravel() if c]
    assert "24: Papier, Szkło" in cells and "20: Zmieszane" in cells and "27: Zmieszane" in cells
    assert len(cells) == 30
    fr = at.dataframe[0].value
    assert list(fr["Frakcja"]) == ["Zmieszane", "Papier", "Szkło"]
    assert list(fr["Pojemnik"]) == ["czarny", "niebieski", "zielony"]
    assert any(c.value.startswith("Kolory pojemników: Zmieszane – czarny") for c in at.caption)
    assert list(fr["Terminy odbioru"]) == ["20.11, 27.11", "24.11", "24.11"]


def test_next_month_calendar():
    at = run()
    at.selectbox(key="odpady-month").set_value(dt.date(2026, 12, 1))
    at = run(at=at)
    fr = at.dataframe[0].value
    assert list(fr["Frakcja"]) == ["Metale i tworzywa", "Bio"]
    assert list(fr["Terminy odbioru"]) == ["03.12", "01.12"]


def test_no_point_and_scoping():
    at = run("anna.nowak")
    assert "Do tego lokalu nie jest przypisany punkt odbioru odpadów." in [i.value for i in at.info]
    at = run("anna.nowak", lokal="P6")  # Jan's house by query parameter
    assert any("nie należy do Twojego konta" in w.value for w in at.warning)
    assert not at.success and not at.metric
