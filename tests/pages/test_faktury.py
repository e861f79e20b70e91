"""Faktury i kalendarz (AppTest): remaining per charge (FIFO) and the calendar vs ledger.csv."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tests.helpers import money

PAGE = "pages/faktury.py"


@pytest.fixture
def demo(data_dir):
    d = money.demo_loaded()
    money.use_demo(d, data_dir)
    return d


@pytest.mark.parametrize("username", ["anna.nowak", "blazej.wisniewski"])
def test_remaining_and_calendar(demo, username):
    today = dt.date.today()
    for pid in money.premises_of(demo.export_dir, money.RESIDENTS[username]):
        exp = money.expected(demo.export_dir, pid, today)
        at = money.run_page(PAGE, username, pid)
        m = {x.label: x.value for x in at.metric}
        assert m["Po terminie"] == money.pl_money(exp.overdue)
        assert m["Do zapłaty w terminie"] == money.pl_money(exp.open_total - exp.overdue)
        unpaid = {k: v for k, v in exp.remaining.items() if v > 0}
        if unpaid:
            items = money.frame_with(at, "Pozostało")
            assert len(items) == len(unpaid)
            assert sum(money.parse_money(v) for v in items["Pozostało"]) == exp.open_total
            days = money.frame_with(at, "Dotyczy")
            assert sum(money.parse_money(v) for v in days["Kwota"]) == exp.open_total
        else:
            assert any("Nie ma nieopłaconych" in s.value for s in at.success)


def test_all_items_and_chart(demo):
    today = dt.date.today()
    pid = next(
        p
        for p in money.premises_of(demo.export_dir, "L0001")
        if money.expected(demo.export_dir, p, today).open_total
    )
    exp = money.expected(demo.export_dir, pid, today)
    at = money.run_page(PAGE, "anna.nowak", pid)
    at.toggle(key="faktury_open").set_value(False).run()
    items = money.frame_with(at, "Pozostało")
    assert len(items) == len(exp.remaining)
    assert sum(money.parse_money(v) for v in items["Pozostało"]) == exp.open_total
    at.toggle(key="faktury_chart_on").set_value(True).run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    total = sum(Decimal(str(y)) for trace in spec["data"] for y in trace.get("y", []))
    assert total == exp.open_total


def test_foreign_premises_refused(demo):
    blazej = money.premises_of(demo.export_dir, "U0001")[0]
    at = money.run_page(PAGE, "anna.nowak", lokal=blazej)
    assert blazej not in money.all_text(at)
