"""Rozliczenia liczników (AppTest): advances, cost and result per settlement vs settlements.csv."""

from __future__ import annotations

import pytest

from ebok.domain import documents
from tests.helpers import money

PAGE = "pages/rozliczenia.py"


@pytest.fixture
def demo(data_dir):
    d = money.demo_loaded()
    money.use_demo(d, data_dir)
    return d


@pytest.mark.parametrize("username", ["anna.nowak", "blazej.wisniewski"])
def test_settlements(demo, username):
    rows = money.read(demo.export_dir, "settlements")
    for pid in money.premises_of(demo.export_dir, money.RESIDENTS[username]):
        own = [r for r in rows if r["premises_id"] == pid]
        at = money.run_page(PAGE, username, pid)
        if not own:
            assert any("nie ma jeszcze rozliczeń" in i.value for i in at.info)
            continue
        table = money.frame_with(at, "Zaliczki")
        assert len(table) == len(own)
        assert sum(money.parse_money(v) for v in table["Zaliczki"]) == sum(
            money.dec(r["advances"]) for r in own
        )
        assert sum(money.parse_money(v) for v in table["Koszt"]) == sum(money.dec(r["cost"]) for r in own)
        results = []
        for v in table["Wynik"]:
            amount = money.parse_money(v.split(" ", 1)[1])
            results.append(-amount if v.startswith("niedopłata") else amount)
        expected = sorted(money.dec(r["advances"]) - money.dec(r["cost"]) for r in own)
        assert sorted(results) == expected
        with_doc = [r for r in own if r["document_id"]]
        assert len(at.get("download_button")) == len(with_doc)
        for r in with_doc:
            assert documents.read_pdf(pid, r["document_id"])[:5] == b"%PDF-"


def test_foreign_settlement_document_refused(demo):
    anna = money.premises_of(demo.export_dir, "L0001")
    foreign = [
        r
        for r in money.read(demo.export_dir, "settlements")
        if r["document_id"] and r["premises_id"] not in anna
    ]
    for r in foreign[:3]:
        with pytest.raises(documents.DocumentNotAvailable):
            documents.read_pdf(anna[-1], r["document_id"])
