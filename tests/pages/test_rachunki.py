"""Rachunki i płatności (AppTest): history totals, months, filters and exports vs ledger.csv."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ebok.core import clock
from ebok.domain import export, finance
from tests.helpers import cards, money, online

PAGE = "pages/rachunki.py"


@pytest.fixture
def demo(data_dir):
    d = money.demo_loaded()
    money.use_demo(d, data_dir)
    return d


def ledger(demo, pid):
    return [r for r in money.read(demo.export_dir, "ledger") if r["premises_id"] == pid]


@pytest.mark.parametrize("username", ["anna.nowak", "blazej.wisniewski"])
def test_whole_history_totals(demo, username):
    for pid in money.premises_of(demo.export_dir, money.RESIDENTS[username]):
        rows = ledger(demo, pid)
        dates = [money.day(r["entry_date"]) for r in rows]
        first, last = min(dates), max(max(dates), clock.today())
        at = money.run_page(PAGE, username, pid)
        at.date_input(key=f"rachunki_okres_{pid}").set_value((first, last)).run()
        assert not at.exception
        m = cards.figures(at)
        amounts = [money.dec(r["amount"]) for r in rows]
        assert m["Saldo na początek okresu"] == money.pl_money(Decimal("0.00"))
        assert m["Naliczenia w okresie"] == money.pl_money(sum(a for a in amounts if a > 0))
        assert m["Wpłaty i uznania w okresie"] == money.pl_money(-sum(a for a in amounts if a < 0))
        assert m["Saldo na koniec okresu"] == money.pl_money(-sum(amounts))
        assert cards.no_deltas(at)
        months = {d.replace(day=1) for d in dates}
        assert len(at.expander) == len(months)
        # Newest month first, expanded, its rows are that month's entries.
        newest = max(months)
        newest_rows = [r for r in rows if money.day(r["entry_date"]).replace(day=1) == newest]
        assert len(at.dataframe[0].value) == len(newest_rows)


def test_default_period_and_running_balance(demo):
    pid = money.premises_of(demo.export_dir, "L0001")[-1]
    rows = ledger(demo, pid)
    at = money.run_page(PAGE, "anna.nowak", pid)
    m = cards.figures(at)
    assert m["Saldo na koniec okresu"] == money.pl_money(-sum(money.dec(r["amount"]) for r in rows))
    first_shown = at.date_input(key=f"rachunki_okres_{pid}").value[0]
    before = sum(
        (money.dec(r["amount"]) for r in rows if money.day(r["entry_date"]) < first_shown), Decimal(0)
    )
    assert m["Saldo na początek okresu"] == money.pl_money(-before)
    # The last column of the newest month's newest row is the current balance.
    assert at.dataframe[0].value["Saldo po"][0] == money.pl_money(-sum(money.dec(r["amount"]) for r in rows))


def test_kind_filter(demo):
    pid = money.premises_of(demo.export_dir, "L0001")[-1]
    rows = ledger(demo, pid)
    dates = [money.day(r["entry_date"]) for r in rows]
    at = money.run_page(PAGE, "anna.nowak", pid)
    at.date_input(key=f"rachunki_okres_{pid}").set_value((min(dates), max(max(dates), clock.today())))
    at.pills(key="rachunki_rodzaj").set_value(["payment"]).run()
    # Month tables are sent only for open months: open them all, as a resident would one by one.
    assert len(at.dataframe) == 1 < len(at.expander)
    paid_months = {money.day(r["entry_date"]).replace(day=1) for r in rows if r["kind"] == "payment"}
    for month in paid_months:
        at.session_state[f"rachunki_mies_{pid}_{month.isoformat()}"] = True
    at.run()
    assert len(at.dataframe) == len(at.expander)
    m = cards.figures(at)
    assert m["Naliczenia w okresie"] == money.pl_money(Decimal("0.00"))
    paid = -sum(money.dec(r["amount"]) for r in rows if r["kind"] == "payment")
    assert m["Wpłaty i uznania w okresie"] == money.pl_money(paid)
    shown = sum(len(df.value) for df in at.dataframe)
    assert shown == sum(1 for r in rows if r["kind"] == "payment")
    assert all(set(df.value["Rodzaj"]) == {"Wpłata"} for df in at.dataframe)


def test_export_files_match_ledger(demo):
    for pid in money.premises_of(demo.export_dir, "L0001") + money.premises_of(demo.export_dir, "U0001"):
        rows = ledger(demo, pid)
        kinds = tuple(finance.KIND_NAMES)
        data = export.premises_csv(pid, dt.date(2000, 1, 1), clock.today(), kinds)
        got = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert len(got) == len(rows)
        charged = sum(money.dec(r["Naliczenie [zł]"]) for r in got)
        paid = sum(money.dec(r["Wpłata [zł]"]) for r in got)
        amounts = [money.dec(r["amount"]) for r in rows]
        assert charged == sum(a for a in amounts if a > 0)
        assert paid == -sum(a for a in amounts if a < 0)
        assert money.dec(got[-1]["Saldo po zapisie [zł]"]) == -sum(amounts)
        assert {r["Data"] for r in got} == {r["entry_date"] for r in rows}
        wb = load_workbook(io.BytesIO(export.premises_xlsx(pid, dt.date(2000, 1, 1), clock.today(), kinds)))
        values = list(wb.active.iter_rows(values_only=True))[1:]
        assert len(values) == len(rows)
        assert round(sum(v[5] for v in values), 2) == float(sum(a for a in amounts if a > 0))


def test_download_buttons_present_and_no_foreign_data(demo):
    blazej = money.premises_of(demo.export_dir, "U0001")[0]
    at = money.run_page(PAGE, "anna.nowak", lokal=blazej)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Pobierz CSV", "Pobierz XLSX"]
    assert blazej not in money.all_text(at)
    foreign = {r["description"] for r in ledger(demo, blazej)} - {
        r["description"] for p in money.premises_of(demo.export_dir, "L0001") for r in ledger(demo, p)
    }
    text = money.all_text(at)
    assert not any(d in text for d in foreign)


def test_switching_premises_in_one_session(demo):
    own = money.premises_of(demo.export_dir, "L0001")
    at = money.run_page(PAGE, "anna.nowak", own[0])
    for pid in own[1:]:
        at.selectbox(key="_ebok_premises_select_anna.nowak").set_value(pid).run()
        assert not at.exception
        rows = ledger(demo, pid)
        m = cards.figures(at)
        assert m["Saldo na koniec okresu"] == money.pl_money(-sum(money.dec(r["amount"]) for r in rows))


def test_month_amounts_first_in_table_and_cards(demo):
    pid = money.premises_of(demo.export_dir, "L0001")[-1]
    rows = ledger(demo, pid)
    newest = max(money.day(r["entry_date"]).replace(day=1) for r in rows)
    month_rows = [r for r in rows if money.day(r["entry_date"]).replace(day=1) == newest]
    at = money.run_page(PAGE, "anna.nowak", pid)
    table = at.dataframe[0].value
    assert list(table.columns)[:4] == ["Data", "Naliczenie", "Wpłata", "Saldo po"]
    shown = cards.cards(at, "rachunki_m0")
    assert len(shown) == len(month_rows)
    # Each card: its date, then only the amounts it has (a charge or a payment) and the balance after.
    charged = sum(money.parse_money(v) for c in shown for k, v in c.money if k == "Naliczenie")
    paid = sum(money.parse_money(v) for c in shown for k, v in c.money if k == "Wpłata")
    amounts = [money.dec(r["amount"]) for r in month_rows]
    assert charged == sum(a for a in amounts if a > 0)
    assert paid == -sum(a for a in amounts if a < 0)
    assert all(c.money[-1][0] == "Saldo po" and len(c.money) == 2 for c in shown)
    assert shown[0].money[-1][1] == money.pl_money(-sum(money.dec(r["amount"]) for r in rows))
    assert {c.head[0] for c in shown} == {f"Data {money.day(r['entry_date']):%d.%m.%Y}" for r in month_rows}


def test_online_payment_in_booking_heads_the_history_with_the_balance(demo):
    # Issue 15: a confirmed online payment not booked yet is in the history at once, marked.
    pid = money.premises_of(demo.export_dir, "L0001")[-1]
    booked = -sum((money.dec(r["amount"]) for r in ledger(demo, pid)), Decimal(0))
    first = online.add(pid, 12_345)
    second = online.add(pid, 1)
    online.add(pid, 99_900, status="failed")
    at = money.run_page(PAGE, "anna.nowak", pid)
    m = cards.figures(at)
    assert m["Saldo według księgowości"] == money.pl_money(booked)
    assert m["Wpłaty w trakcie księgowania"] == money.pl_money(Decimal("123.46"))
    assert m["Saldo po uwzględnieniu wpłat w trakcie księgowania"] == money.pl_money(
        booked + Decimal("123.46")
    )
    # The period's booked totals do not change.
    assert m["Saldo na koniec okresu"] == money.pl_money(booked)
    rows = money.frame_with(at, "Rodzaj", "Wpłata online (w trakcie księgowania)")
    assert list(rows["Wpłata"]) == [money.pl_money(Decimal("0.01")), money.pl_money(Decimal("123.45"))]
    assert list(rows["Saldo po"]) == [
        money.pl_money(booked + Decimal("123.46")),
        money.pl_money(booked + Decimal("123.45")),
    ]
    assert second in rows["Opis"][0] and first in rows["Opis"][1]
    assert "999,00" not in money.all_text(at)
