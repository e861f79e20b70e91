"""Faktury i kalendarz (AppTest): remaining per charge (FIFO) and the calendar vs ledger.csv."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from ebok.core import clock
from tests.helpers import cards, money, online

PAGE = "pages/faktury.py"


@pytest.fixture
def demo(data_dir):
    d = money.demo_loaded()
    money.use_demo(d, data_dir)
    return d


@pytest.mark.parametrize("username", ["anna.nowak", "blazej.wisniewski"])
def test_remaining_and_calendar(demo, username):
    today = clock.today()
    for pid in money.premises_of(demo.export_dir, money.RESIDENTS[username]):
        exp = money.expected(demo.export_dir, pid, today)
        at = money.run_page(PAGE, username, pid)
        m = cards.figures(at)
        assert m["Zaległość po terminie"] == money.pl_money(exp.overdue)
        assert cards.no_deltas(at)
        assert m["Do zapłaty w terminie"] == money.pl_money(exp.open_total - exp.overdue)
        unpaid = {k: v for k, v in exp.remaining.items() if v > 0}
        if unpaid:
            items = money.frame_with(at, "Pozostało")
            assert len(items) == len(unpaid)
            assert sum(money.parse_money(v) for v in items["Pozostało"]) == exp.open_total
            # Amounts right after the due date, in the table and on the phone cards.
            assert list(items.columns)[:3] == ["Termin", "Pozostało", "Kwota"]
            shown = cards.cards(at, "faktury_items")
            assert len(shown) == len(unpaid)
            assert sum(money.parse_money(dict(c.money)["Pozostało"]) for c in shown) == exp.open_total
            assert [c.money[0][0] for c in shown] == ["Pozostało"] * len(shown)
            days = money.frame_with(at, "Dotyczy")
            assert sum(money.parse_money(v) for v in days["Kwota"]) == exp.open_total
        else:
            assert any("Nie ma nieopłaconych" in s.value for s in at.success)


def test_all_items_and_chart(demo):
    today = clock.today()
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


def own_pdfs(demo, premises_id: str) -> dict[str, str]:
    """Document number -> document id of the premises' own PDFs, from documents.csv."""
    return {
        r["document_no"]: r["document_id"]
        for r in money.read(demo.export_dir, "documents")
        if r["premises_id"] == premises_id and r["document_no"]
    }


def test_invoices_link_their_pdf(demo):
    # Błażej's commercial unit gets VAT invoices with PDFs in the export (issue 12 §2).
    pid = money.premises_of(demo.export_dir, "U0001")[0]
    pdfs = own_pdfs(demo, pid)
    ledger = [r for r in money.read(demo.export_dir, "ledger") if r["premises_id"] == pid]
    invoices = {r["document_no"] for r in ledger if r["kind"] == "invoice" and r["document_no"] in pdfs}
    assert invoices, "the demo has invoice PDFs for the commercial tenant"
    at = money.run_page(PAGE, "blazej.wisniewski", pid)
    at.toggle(key="faktury_open").set_value(False).run()
    items = money.frame_with(at, "Pozostało")
    links = dict(zip(items["Dokument"], items["PDF"], strict=True))
    for number, link in links.items():
        if number in pdfs:
            query = parse_qs(urlsplit(link).query)
            assert urlsplit(link).path == "dokumenty"
            assert query == {"lokal": [pid], "dokument": [pdfs[number]]}, number
        else:
            assert link == "", number
    assert invoices <= {n for n, link in links.items() if link}
    # The phone cards carry the same link.
    card_links = {href for c in cards.cards(at, "faktury_items") for href, _ in c.links}
    assert card_links == {link for link in links.values() if link}
    assert all(text == "Pobierz PDF" for c in cards.cards(at, "faktury_items") for _, text in c.links)


def test_pdf_link_opens_the_document_ready_to_download(demo):
    pid = money.premises_of(demo.export_dir, "U0001")[0]
    number, doc_id = sorted(own_pdfs(demo, pid).items())[-1]
    at = money.run_page("pages/dokumenty.py", "blazej.wisniewski", lokal=pid, dokument=doc_id)
    assert at.selectbox(key=f"dokumenty_wybor_{pid}").value == doc_id
    assert not at.warning
    assert any(b.proto.label == "Pobierz PDF" for b in at.get("download_button"))


def test_no_links_to_other_premises_documents(demo):
    anna = money.premises_of(demo.export_dir, "L0001")
    others = {
        r["document_id"] for r in money.read(demo.export_dir, "documents") if r["premises_id"] not in anna
    }
    for pid in anna:
        at = money.run_page(PAGE, "anna.nowak", pid)
        at.toggle(key="faktury_open").set_value(False).run()
        text = money.all_text(at) + "".join(h.proto.body for h in at.get("html"))
        assert not any(f"dokument={d}" in text for d in others), pid


def test_online_payment_in_booking_counts_on_invoices_and_calendar(demo):
    # Issue 15: a confirmed, unbooked online payment pays the oldest-due charges first, marked.
    today = clock.today()
    pid, exp = max(
        ((p, money.expected(demo.export_dir, p, today)) for p in money.premises_of(demo.export_dir, "L0001")),
        key=lambda found: found[1].open_total,
    )
    unpaid = [e for e, left in exp.remaining.items() if left > 0]
    assert unpaid, "the demo gives Anna something to pay"
    # Pay the oldest unpaid charge whole and one grosz of the next (or of nothing).
    first = exp.remaining[unpaid[0]]
    paid = first + Decimal("0.01")
    online.add(pid, int(paid * 100))
    after = money.expected(demo.export_dir, pid, today, extra_paid=paid)
    at = money.run_page(PAGE, "anna.nowak", pid)
    m = cards.figures(at)
    assert m["Zaległość po terminie"] == money.pl_money(after.overdue)
    assert m["Do zapłaty w terminie"] == money.pl_money(after.open_total - after.overdue)
    assert any("w trakcie księgowania" in i.value and money.pl_money(paid) in i.value for i in at.info)
    items = money.frame_with(at, "Pozostało")
    # Still listed as unpaid (accounting has not booked it), with what remains after the payment.
    assert len(items) == len(unpaid)
    assert sum(money.parse_money(v) for v in items["Pozostało"]) == after.open_total
    statuses = list(items["Status"])
    assert statuses.count("opłacone online — w trakcie księgowania") == 1
    if len(unpaid) > 1:
        assert statuses.count("częściowo opłacone online — w trakcie księgowania") == 1
    if after.open_total:
        days = money.frame_with(at, "Dotyczy")
        assert sum(money.parse_money(v) for v in days["Kwota"]) == after.open_total


def test_overdue_from_the_polish_date_not_the_servers(demo):
    """At 23:30 UTC it is already the next day in Poland: an item due on the UTC date is overdue there."""
    today = clock.today()
    pid, due = next(
        (p, exp.next_due)
        for p in money.premises_of(demo.export_dir, "L0001")
        if (exp := money.expected(demo.export_dir, p, today)).next_due is not None
    )
    polish_day = due + dt.timedelta(days=1)
    exp = money.expected(demo.export_dir, pid, polish_day)
    assert (
        exp.overdue != money.expected(demo.export_dir, pid, due).overdue
    )  # the check can tell the days apart
    clock.set_clock(lambda: dt.datetime.combine(due, dt.time(23, 30)))
    try:
        at = money.run_page(PAGE, "anna.nowak", pid)
    finally:
        clock.set_clock(None)
    assert not at.exception
    assert cards.figures(at)["Zaległość po terminie"] == money.pl_money(exp.overdue)
