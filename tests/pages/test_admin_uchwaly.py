"""Uchwały (office page): create resolutions once, turnout and weighted result, record downloads."""

from __future__ import annotations

import datetime as dt

import pytest

from ebok.core import clock
from ebok.domain import voting
from tests.helpers import tiny_warehouse as tw
from tests.helpers.auth import page
from tests.unit.domain.test_voting import tables

OPEN_UTC = dt.datetime(2026, 11, 21, 11, 0)


@pytest.fixture(autouse=True)
def _setup():
    clock.set_clock(lambda: OPEN_UTC)
    tw.build(tables())
    yield
    clock.set_clock(None)


def run(at=None, username: str = "admin"):
    at = at or page("pages/admin_uchwaly.py", username)
    at.run()
    assert not at.exception, at.exception
    return at


def office() -> list:
    return [r for r in voting.all_resolutions() if r.source == "office"]


def fill(
    at, number="4/2026", title="Fundusz remontowy", body="Podnosimy fundusz.", to_day=dt.date(2026, 12, 5)
):
    at.selectbox(key="nr-community").set_value("WM1")
    at.text_input(key="nr-number").input(number)
    at.text_input(key="nr-title").input(title)
    at.text_area(key="nr-body").input(body)
    at.date_input(key="nr-to-day").set_value(to_day)
    next(b for b in at.button if b.label == "Dodaj uchwałę").click()
    return run(at)


def test_turnout_and_record_while_open():
    voting.cast_vote(
        premises_id="P4", resolution_id="U1", choice="for", username="m", now=dt.datetime(2026, 11, 20, 9)
    )
    voting.cast_vote(
        premises_id="P6", resolution_id="U1", choice="abstain", username="f", now=dt.datetime(2026, 11, 20, 9)
    )
    at = run()
    at.selectbox(key="uchwaly-chosen").set_value("U1")
    at = run(at)
    metrics = [(m.label, m.value) for m in at.metric]
    assert ("Frekwencja (lokale)", "2 z 3 (66,67%)") in metrics
    assert ("Frekwencja (udziały)", "0,6500 z 1,0000 (65,00%)") in metrics
    result, record = at.dataframe[0].value, at.dataframe[1].value
    assert list(result["Suma udziałów"]) == ["0,2500", "0,0000", "0,4000"]
    assert list(record["Głos"]) == ["za", "nie głosował", "wstrzymuję się"]
    assert len(at.get("download_button")) == 2


def test_create_once_and_refuse_bad_input():
    at = fill(run())
    assert any("Dodano uchwałę nr 4/2026" in s.value for s in at.success)
    next(b for b in at.button if b.label == "Dodaj uchwałę").click()  # double click
    at = run(at)
    assert len(office()) == 1
    created = office()[0]
    assert (created.community_id, created.vote_to) == ("WM1", dt.datetime(2026, 12, 5, 20, 0))
    at = fill(at, number="5/2026", title="")
    assert "Tytuł: podaj tytuł uchwały." in [e.value for e in at.error]
    at = fill(at, number="5/2026", title="X", to_day=dt.date(2026, 11, 1))
    assert "Koniec głosowania: musi być później niż początek głosowania." in [e.value for e in at.error]
    at = fill(at, number="3/2026", title="X")
    assert "Numer uchwały: uchwała nr 3/2026 tej wspólnoty już istnieje." in [e.value for e in at.error]
    assert len(office()) == 1


def test_residents_refused():
    at = run(username="maria.zielinska")
    assert "Nie masz dostępu do tej strony." in [e.value for e in at.error]
