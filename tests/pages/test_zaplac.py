"""Zapłać (AppTest): transfer details and the ZBP 2D QR payload, field by field, vs the export."""

from __future__ import annotations

import datetime as dt

import pytest
from stdnum import iban
from stdnum.pl import nip as pl_nip

from ebok.core import config
from tests.helpers import money

PAGE = "pages/zaplac.py"


@pytest.fixture
def demo(data_dir):
    d = money.demo_loaded()
    money.use_demo(d, data_dir)
    return d


def grouped(nrb: str) -> str:
    return nrb[:2] + " " + " ".join(nrb[i : i + 4] for i in range(2, 26, 4))


@pytest.mark.parametrize("username", ["anna.nowak", "blazej.wisniewski"])
def test_transfer_and_qr(demo, username):
    today = dt.date.today()
    customer = money.RESIDENTS[username]
    premises = {r["premises_id"]: r for r in money.read(demo.export_dir, "premises")}
    company = config.load().company
    for pid in money.premises_of(demo.export_dir, customer):
        exp = money.expected(demo.export_dir, pid, today)
        at = money.run_page(PAGE, username, pid)
        codes = [c.value for c in at.code]
        nrb = premises[pid]["bank_account"]
        assert grouped(nrb) in codes
        title = f"Opłaty za lokal {pid} {customer}"
        assert title in codes
        payload = codes[-1]
        fields = payload.split("|")
        assert len(fields) == 9
        nip, country, account, amount, name, qr_title, r1, r2, r3 = fields
        assert pl_nip.is_valid(nip) and nip == "".join(ch for ch in company.nip if ch.isdigit())
        assert country == "PL"
        assert account == nrb and iban.is_valid("PL" + account)
        assert len(amount) == 6 and amount.isdigit()
        assert int(amount) == int(exp.open_total * 100)
        assert 0 < len(name) <= 20 and company.name.startswith(name.split(" ")[0])
        assert qr_title == title[:32]
        assert (r1, r2, r3) == ("", "", "")
        assert len(at.get("image")) == 1
        if exp.open_total == 0:
            assert amount == "000000"
            if exp.balance > 0:
                assert any("nadpłatę" in s.value for s in at.success)
        else:
            assert any(money.pl_money(exp.open_total).replace("\xa0", "\xa0") in i.value for i in at.info)


def test_foreign_premises_refused(demo):
    blazej = money.premises_of(demo.export_dir, "U0001")[0]
    anna_nrbs = {
        r["bank_account"] for r in money.read(demo.export_dir, "premises") if r["customer_id"] == "L0001"
    }
    blazej_nrb = next(
        r["bank_account"] for r in money.read(demo.export_dir, "premises") if r["premises_id"] == blazej
    )
    at = money.run_page(PAGE, "anna.nowak", lokal=blazej)
    text = money.all_text(at)
    assert blazej not in text and blazej_nrb not in text and grouped(blazej_nrb) not in text
    assert any(n in at.code[-1].value for n in anna_nrbs)


def test_amount_words(demo):
    """Due later is "do zapłaty do …", past due is "zaległość po terminie" (issue 12 §2)."""
    today = dt.date.today()
    seen = set()
    for username in ("anna.nowak", "blazej.wisniewski"):
        for pid in money.premises_of(demo.export_dir, money.RESIDENTS[username]):
            exp = money.expected(demo.export_dir, pid, today)
            if exp.open_total == 0:
                continue
            at = money.run_page(PAGE, username, pid)
            (info,) = [i.value for i in at.info]
            due = f"do zapłaty do {exp.next_due:%d.%m.%Y}" if exp.next_due else None
            if exp.overdue > 0:
                assert f"zaległość po terminie {money.pl_money(exp.overdue)}" in info
                seen.add("overdue")
            else:
                assert "zaległość" not in info.lower()
                seen.add("not late")
            if due:
                assert due.lower() in info.lower()
    assert seen == {"overdue", "not late"}, "the demo has both cases"
