"""Uchwały i głosowanie (resident page): vote once with a receipt, results only after close, scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from ebok.core import clock
from ebok.core.errors import FormError
from ebok.domain import voting
from ebok.storage import store
from ebok.storage.tables import votes
from tests.helpers import tiny_warehouse as tw
from tests.helpers.auth import page
from tests.unit.domain.test_voting import tables

OPEN_UTC = dt.datetime(2026, 11, 21, 11, 0)  # 12:00 in Warsaw
CLOSED_UTC = dt.datetime(2026, 12, 1, 9, 0)


@pytest.fixture(autouse=True)
def _setup():
    clock.set_clock(lambda: OPEN_UTC)
    tw.build(tables())
    yield
    clock.set_clock(None)


def run(username: str = "maria.zielinska", premises: str | None = None, at=None):
    if at is None:
        at = page("pages/uchwaly.py", username, **({"lokal": premises} if premises else {}))
    at.run()
    assert not at.exception, at.exception
    return at


def count() -> int:
    with store.engine().connect() as con:
        return con.execute(select(func.count()).select_from(votes)).scalar_one()


def vote(at, choice: str | None):
    if choice:
        at.radio(key="choice-P4-U1").set_value(choice)
    next(b for b in at.button if b.label == "Oddaj głos").click()
    return run(at=at)


def test_open_resolution_vote_once_with_receipt():
    at = run()
    assert [e.label for e in at.expander] == [
        "Uchwała nr 3/2026: Remont dachu — głosowanie trwa",
        "Uchwała nr 9/2025: Stara — głosowanie zakończone",
    ]
    assert "Wyniki zobaczysz po zakończeniu głosowania." in [c.value for c in at.caption]
    at = vote(at, "for")
    receipt = voting.vote_of("P4", "U1")
    assert receipt.share == D("0.25") and receipt.username == "maria.zielinska"
    assert any(
        receipt.receipt_code in s and "21.11.2026 12:00" in s and "„za”" in s
        for s in [x.value for x in at.success]
    )
    # Double click: the second submit finds the same vote.
    next(b for b in at.button if b.label == "Oddaj głos").click()
    at = run(at=at)
    assert count() == 1
    # Next visit shows the receipt instead of the form.
    at = run()
    assert not [b for b in at.button if b.label == "Oddaj głos"]
    assert any(receipt.receipt_code in s.value for s in at.success)


def test_no_choice_refused():
    at = vote(run(), None)
    assert "Głos: wybierz: za, przeciw albo wstrzymuję się." in [e.value for e in at.error]
    assert count() == 0


def test_results_only_after_close():
    for pid, choice in (("P4", "for"), ("P5", "against"), ("P6", "for")):
        voting.cast_vote(
            premises_id=pid, resolution_id="U1", choice=choice, username=pid, now=dt.datetime(2026, 11, 20, 9)
        )
    at = run()
    # While U1 is open only the closed 2025 resolution (no votes) shows results.
    assert [(m.label, m.value) for m in at.metric] == [
        ("Frekwencja (lokale)", "0 z 3 (0,00%)"),
        ("Frekwencja (udziały)", "0,0000 z 1,0000 (0,00%)"),
    ]
    clock.set_clock(lambda: CLOSED_UTC)
    at = run()
    metrics = [(m.label, m.value) for m in at.metric]
    # Independent: 3 of 3 premises; shares 0,25 + 0,35 + 0,40 = 1; for = 0,65 → adopted.
    assert ("Frekwencja (lokale)", "3 z 3 (100,00%)") in metrics
    assert ("Frekwencja (udziały)", "1,0000 z 1,0000 (100,00%)") in metrics
    df = at.dataframe[0].value
    assert list(df["Suma udziałów"]) == ["0,6500", "0,3500", "0,0000"]
    assert any("Uchwała przyjęta" in m.value for m in at.markdown)
    assert not [b for b in at.button if b.label == "Oddaj głos"]


def test_closed_vote_refused_even_if_form_was_open():
    at = run()
    at.radio(key="choice-P4-U1").set_value("against")
    clock.set_clock(lambda: CLOSED_UTC)  # the window closes while the form is on screen
    next(b for b in at.button if b.label == "Oddaj głos").click()
    at = run(at=at)
    assert count() == 0


def test_premises_outside_community_and_other_residents():
    at = run("anna.nowak")
    assert "Ten lokal nie należy do wspólnoty mieszkaniowej, więc nie głosuje nad uchwałami." in [
        i.value for i in at.info
    ]
    at = run("anna.nowak", premises="P4")  # Maria's flat by query parameter
    assert any("nie należy do Twojego konta" in w.value for w in at.warning)
    assert not [b for b in at.button if b.label == "Oddaj głos"]
    with pytest.raises(FormError):  # the domain refuses a premises outside the community
        voting.cast_vote(
            premises_id="P1",
            resolution_id="U1",
            choice="for",
            username="anna.nowak",
            now=dt.datetime(2026, 11, 21, 12),
        )
    assert count() == 0


def test_premises_without_a_share_reads_but_has_no_vote_form():
    data = tables()
    data["premises"] = [
        dict(p, share=None, tenure="rental") if p["premises_id"] == "P4" else p for p in data["premises"]
    ]
    tw.build(data)
    at = run()
    assert "Ten lokal nie ma udziału we wspólnocie, więc nie głosuje; możesz czytać uchwały i wyniki." in [
        i.value for i in at.info
    ]
    assert [e.label for e in at.expander][0] == "Uchwała nr 3/2026: Remont dachu — głosowanie trwa"
    assert not [b for b in at.button if b.label == "Oddaj głos"]
