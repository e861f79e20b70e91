"""ebok.domain.finance on a tiny hand-made warehouse (numbers computed by hand in tests/helpers/finance.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert

from ebok.domain import finance
from ebok.storage import store
from ebok.storage.tables import reading_submissions
from tests.helpers import finance as F

D = dt.date


@pytest.fixture
def wh():
    F.build()


def test_summaries_balance_overdue_next_due(wh):
    got = {s.premises_id: s for s in finance.summaries(["M-001", "G-001", "U-001"], F.TODAY)}
    m = got["M-001"]
    assert m.balance == Decimal("-742.35") and m.state == "zaległość po terminie"
    assert m.overdue == Decimal("222.35")
    assert (m.next_due, m.next_due_amount) == (D(2026, 11, 25), Decimal("520.00"))
    assert m.to_pay == Decimal("742.35")
    g = got["G-001"]
    assert g.balance == Decimal("40.00") and g.state == "nadpłata" and g.to_pay == 0 and g.next_due is None
    u = got["U-001"]
    assert u.balance == Decimal("-1200.00") and u.overdue == Decimal("1200.00") and u.next_due is None


def test_account_is_the_premises_data_and_ledger(wh):
    # What the pages share (ebok.web.cached.account): the same ledger and the same summary figures
    # as the separate reads, checked against the hand-computed amounts above.
    a = finance.account("M-001", F.TODAY)
    assert a.info.premises_id == "M-001" and a.info.customer_id == "L0001"
    assert list(a.entries) == finance.history("M-001")
    s = a.summary(F.TODAY)
    assert s == finance.summary("M-001", F.TODAY)
    assert (s.balance, s.overdue, s.to_pay) == (Decimal("-742.35"), Decimal("222.35"), Decimal("742.35"))
    assert finance.account("NOPE", F.TODAY) is None


def figures(s: finance.Summary) -> list[tuple[str, Decimal]]:
    return [(f.label, f.amount) for f in finance.summary_figures(s)]


def test_not_yet_due_is_never_called_arrears(wh):
    # On 1.10 nothing is past its due date: E01 is paid, E03 (220 zł left after FIFO) is due 15.10,
    # E05 2,35 zł on 14.11 and E06 520 zł on 25.11 come later (by hand from the ledger).
    s = finance.summary("M-001", D(2026, 10, 1))
    assert s.state == "do zapłaty do 15.10.2026"
    assert s.not_due == Decimal("742.35") and s.due_later == Decimal("522.35")
    assert figures(s) == [
        ("Zaległość po terminie", Decimal("0.00")),
        ("Do zapłaty do 15.10.2026", Decimal("220.00")),
        ("Do zapłaty w kolejnych terminach", Decimal("522.35")),
        ("Razem do zapłaty", Decimal("742.35")),
    ]
    assert "zaległość" not in s.state


def test_figures_overdue_and_overpaid(wh):
    m = finance.summary("M-001", F.TODAY)
    assert figures(m) == [
        ("Zaległość po terminie", Decimal("222.35")),
        ("Do zapłaty do 25.11.2026", Decimal("520.00")),
        ("Razem do zapłaty", Decimal("742.35")),
    ]
    g = finance.summary("G-001", F.TODAY)
    assert g.state == "nadpłata"
    assert figures(g) == [
        ("Zaległość po terminie", Decimal("0.00")),
        ("Do zapłaty w terminie", Decimal("0.00")),
        ("Nadpłata", Decimal("40.00")),
    ]
    u = finance.summary("U-001", F.TODAY)
    assert u.state == "zaległość po terminie" and figures(u)[-1] == ("Razem do zapłaty", Decimal("1200.00"))


def test_rows_put_amounts_first_and_link_pdfs(wh):
    s = finance.summaries(["M-001"], F.TODAY)
    assert list(finance.summaries_rows(s)[0])[:3] == ["Lokal", "Saldo", "Po terminie"]
    assert list(finance.history_rows(finance.history("M-001"))[0])[:4] == [
        "Data",
        "Naliczenie",
        "Wpłata",
        "Saldo po",
    ]
    items = finance.open_items("M-001")
    plain = finance.items_rows(items, F.TODAY)
    assert list(plain[0])[:3] == ["Termin", "Pozostało", "Kwota"] and "PDF" not in plain[0]
    linked = finance.items_rows(items, F.TODAY, {"N/2026/11/1": "dokumenty?dokument=X"})
    assert {r["Dokument"]: r["PDF"] for r in linked} == {
        "N/2026/09/1": "",
        "N/2026/10/1": "",
        "NO/2026/10": "",
        "N/2026/11/1": "dokumenty?dokument=X",
    }


def test_summary_depends_on_today(wh):
    early = finance.summary("M-001", D(2026, 11, 1))
    # On 1.11 only the October remainder (due 15.10) is late; interest due 14.11 is next.
    assert early.overdue == Decimal("220.00")
    assert (early.next_due, early.next_due_amount) == (D(2026, 11, 14), Decimal("2.35"))
    late = finance.summary("M-001", D(2026, 12, 1))
    assert late.overdue == Decimal("742.35") and late.next_due is None


def test_summaries_only_asked_premises(wh):
    assert [s.premises_id for s in finance.summaries(["G-001"], F.TODAY)] == ["G-001"]
    assert finance.summaries([], F.TODAY) == []
    assert finance.summary("NOPE", F.TODAY) is None


def test_history_running_balance_and_months(wh):
    h = finance.history("M-001")
    assert [e.entry_id for e in h] == ["E01", "E02", "E03", "E04", "E05", "E06"]
    assert [e.balance_after for e in h] == [
        Decimal(x) for x in ("-500", "0", "-520", "-220", "-222.35", "-742.35")
    ]
    months = finance.by_month(h)
    assert [g.month for g in months] == [D(2026, 11, 1), D(2026, 10, 1), D(2026, 9, 1)]
    assert months[1].charges == Decimal("522.35") and months[1].payments == Decimal("300.00")
    assert months[1].closing_balance == Decimal("-222.35")
    assert months[1].title == "październik 2026"
    assert [e.entry_id for e in months[1].entries] == ["E05", "E04", "E03"]


def test_filter_history_and_balances(wh):
    h = finance.history("M-001")
    only_pay = finance.filter_history(h, kinds=["payment"])
    assert [e.entry_id for e in only_pay] == ["E02", "E04"]
    oct_ = finance.filter_history(h, D(2026, 10, 1), D(2026, 10, 31))
    assert [e.entry_id for e in oct_] == ["E03", "E04", "E05"]
    assert finance.balance_before(h, D(2026, 10, 1)) == Decimal("0")
    assert finance.balance_on(h, D(2026, 10, 20)) == Decimal("-220")
    assert finance.balance_before(h, D(2026, 1, 1)) == Decimal("0")


def test_history_is_per_premises(wh):
    assert {e.entry_id for e in finance.history("G-001")} == {"E07", "E08", "E09"}


def test_open_items_fifo_and_status(wh):
    items = {i.entry_id: i for i in finance.open_items("M-001")}
    assert items["E01"].remaining == 0 and items["E01"].status(F.TODAY) == "zapłacone"
    assert items["E03"].remaining == Decimal("220.00") and items["E03"].status(F.TODAY) == "po terminie"
    assert items["E06"].remaining == Decimal("520.00") and items["E06"].status(F.TODAY) == "do zapłaty"
    assert items["E03"].status(D(2026, 10, 14)) == "częściowo zapłacone"
    # Credits cover the garage completely; the commercial correction reduces the invoice.
    assert all(i.remaining == 0 for i in finance.open_items("G-001"))
    assert [i.remaining for i in finance.open_items("U-001")] == [Decimal("1200.00")]


def test_payment_calendar_and_grid(wh):
    days = finance.payment_calendar(finance.open_items("M-001"), F.TODAY)
    assert [(d.due_date, d.amount, d.overdue) for d in days] == [
        (D(2026, 10, 15), Decimal("220.00"), True),
        (D(2026, 11, 14), Decimal("2.35"), True),
        (D(2026, 11, 25), Decimal("520.00"), False),
    ]
    grid = finance.month_grid(2026, 11, days)
    assert grid[0] == ["", "", "", "", "", "", "1"]  # 1.11.2026 is a Sunday
    assert "25: 520,00 zł" in grid[4]
    assert any(cell.startswith("14: 2,35 zł") and "⚠" in cell for cell in grid[2])


def test_premises_info_and_components(wh):
    info = finance.premises_info("M-001", F.TODAY)
    assert info.customer_id == "L0001" and info.customer_name == "Anna Nowak"
    assert info.address == "ul. Lipowa 7/12, 00-001 Miasteczko"
    assert info.meters == 2  # W1 removed on 30.06.2025
    assert info.area_m2 == Decimal("48.50") and info.persons == 2 and info.storage_m2 == Decimal("3.00")
    assert info.tenure_name == "spółdzielcze prawo do lokalu"
    comps = finance.charge_components("M-001")
    latest = finance.latest_components(comps)
    assert {c.component for c in latest} == {"maintenance", "cold_water", "repair_fund"}
    assert sum(c.amount for c in latest) == Decimal("391.90")
    assert finance.monthly_fee(comps) == {
        D(2025, 11, 1): Decimal("314.00"),
        D(2026, 11, 1): Decimal("391.90"),
    }
    rows = finance.components_rows(latest)
    assert {
        "Składnik": "Eksploatacja",
        "Podstawa": "48,50 m²",
        "Stawka": "4,40 zł/m²",
        "Kwota": "213,40 zł",
    } in rows


def test_settlements(wh):
    s = finance.settlements("M-001")
    assert [(x.settlement_id, x.result, x.result_word) for x in s] == [
        ("S1", Decimal("39.75"), "nadpłata"),
        ("S2", Decimal("-60.00"), "niedopłata"),
    ]
    assert s[0].document_title == "Rozliczenie wody 2026" and s[1].document_id is None
    assert finance.settlements("U-001") == []


def test_pending_submissions(wh):
    now = dt.datetime(2026, 11, 20, 12, 0)
    rows = [
        dict(
            submission_id="SUB-BOOKED",
            premises_id="M-001",
            meter_id="W2",
            reading_date=now,
            value=Decimal("12.5"),
            username="anna.nowak",
            submitted_at=now,
            implausible=0,
        ),
        dict(
            submission_id="SUB-NEW",
            premises_id="M-001",
            meter_id="W3",
            reading_date=now,
            value=Decimal("5.0"),
            username="anna.nowak",
            submitted_at=now,
            implausible=0,
        ),
        dict(
            submission_id="SUB-OTHER",
            premises_id="G-001",
            meter_id="X",
            reading_date=now,
            value=Decimal("1.0"),
            username="x",
            submitted_at=now,
            implausible=0,
        ),
    ]
    with store.engine().begin() as con:
        con.execute(insert(reading_submissions), rows)
    assert [s.submission_id for s in finance.pending_submissions("M-001")] == ["SUB-NEW"]


def test_history_rows_formats(wh):
    rows = finance.history_rows(finance.history("M-001")[:2])
    assert (
        rows[0]["Data"] == "01.09.2026" and rows[0]["Naliczenie"] == "500,00 zł" and rows[0]["Wpłata"] == ""
    )
    assert rows[1]["Wpłata"] == "500,00 zł" and rows[1]["Saldo po"] == "0,00 zł"


def test_small_helpers(wh):
    assert finance.months_back(D(2026, 11, 21), 11) == D(2025, 12, 1)
    assert finance.months_back(D(2026, 1, 5), 1) == D(2025, 12, 1)
    days = finance.payment_calendar(finance.open_items("M-001"), F.TODAY)
    assert finance.calendar_totals(days) == (Decimal("222.35"), Decimal("520.00"))
    assert finance.calendar_months(days, F.TODAY) == [D(2026, 10, 1), D(2026, 11, 1)]
    h = finance.history("M-001")
    oct_ = finance.filter_history(h, D(2026, 10, 1), D(2026, 10, 31))
    t = finance.period_totals(h, oct_, D(2026, 10, 1), D(2026, 10, 31))
    assert (t.opening, t.charges, t.payments, t.closing) == (
        0,
        Decimal("522.35"),
        Decimal("300.00"),
        Decimal("-222.35"),
    )
    assert finance.history_bounds(h) == (D(2026, 9, 1), D(2026, 11, 1))
    assert finance.history_bounds([]) is None
    table = finance.frame(finance.history_rows(h))
    assert table.num_rows == 6 and "Saldo po" in table.column_names
    s = finance.settlements("M-001")[1]
    assert "niedopłata **60,00 zł**" in finance.settlement_text(s)
    info = finance.premises_info("M-001", F.TODAY)
    rows = {r["Pole"]: r["Wartość"] for r in finance.premises_rows(info)}
    assert rows["Rachunek do wpłat"] == "61 1090 1014 0000 0712 1981 2874" and rows["Liczba liczników"] == "2"
