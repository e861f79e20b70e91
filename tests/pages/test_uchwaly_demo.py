"""Voting on the loaded demo: Maria votes on the open resolution; results equal the shares in premises.csv."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ebok.core import clock
from ebok.domain import voting
from tests.helpers import meters_demo as md
from tests.helpers.auth import page


@pytest.fixture(autouse=True)
def _demo(data_dir):
    md.use(data_dir)
    clock.set_clock(lambda: md.NOW_UTC)
    yield
    clock.set_clock(None)


def run(at=None, username: str = "maria.zielinska"):
    at = at or page("pages/uchwaly.py", username)
    at.run()
    assert not at.exception, at.exception
    return at


def pct(x: Decimal) -> str:
    return f"{x * 100:.2f}%".replace(".", ",")


def test_maria_votes_and_results_match_csv():
    export = md.demo()[0]
    (open_res,) = [
        r for r in md.read(export, "resolutions")
        if r["vote_from"] <= "2026-11-21 10:00:00" < r["vote_to"]
    ]  # fmt: skip
    premises = [
        p
        for p in md.read(export, "premises")
        if p["community_id"] == open_res["community_id"] and md.dec(p["share"]) > 0
    ]
    maria = next(p for p in premises if p["premises_id"] == md.MARIA_FLAT)
    at = run()
    assert open_res["file"] and len(at.get("download_button")) == 2  # both resolutions have a PDF
    at.radio(key=f"choice-{md.MARIA_FLAT}-{open_res['resolution_id']}").set_value("for")
    next(b for b in at.button if b.label == "Oddaj głos").click()
    at = run(at)
    receipt = voting.vote_of(md.MARIA_FLAT, open_res["resolution_id"])
    assert receipt.share == md.dec(maria["share"])
    assert any(receipt.receipt_code in s.value for s in at.success)
    # Two other owners vote against, then the window closes.
    others = [p for p in premises if p["premises_id"] != md.MARIA_FLAT][:2]
    for p in others:
        voting.cast_vote(premises_id=p["premises_id"], resolution_id=open_res["resolution_id"], choice="against",
                         username=p["customer_id"], now=dt.datetime(2026, 11, 22, 9))  # fmt: skip
    clock.set_clock(lambda: dt.datetime(2026, 12, 6, 9, 0))
    at = run()
    total = sum(md.dec(p["share"]) for p in premises)
    voted = md.dec(maria["share"]) + sum(md.dec(p["share"]) for p in others)
    against = sum(md.dec(p["share"]) for p in others)
    metrics = [(m.label, m.value) for m in at.metric]
    assert metrics[:2] == [
        ("Frekwencja (lokale)", f"3 z {len(premises)} ({pct(Decimal(3) / len(premises))})"),
        (
            "Frekwencja (udziały)",
            f"{voted:.4f}".replace(".", ",")
            + " z "
            + f"{total:.4f}".replace(".", ",")
            + f" ({pct(voted / total)})",
        ),
    ]
    df = at.dataframe[0].value
    assert list(df["Suma udziałów"]) == [
        f"{md.dec(maria['share']):.4f}".replace(".", ","),
        f"{against:.4f}".replace(".", ","),
        "0,0000",
    ]
    adopted = md.dec(maria["share"]) * 2 > total
    assert any(("Uchwała przyjęta" if adopted else "Uchwała nieprzyjęta") in m.value for m in at.markdown)
