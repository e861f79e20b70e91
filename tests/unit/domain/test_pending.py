"""Pending online payments ("wpłata w trakcie księgowania"): counted FIFO like a booked payment, in grosze.

Expected numbers are worked out by hand in each test's comments, never by the code under test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ebok.domain import finance, payments, pending
from ebok.domain.finance import Entry, Summary
from ebok.domain.online_payments import OnlinePayment
from tests.helpers import online

TODAY = dt.date(2026, 11, 20)
D = Decimal


def entry(
    entry_id: str, day: dt.date, amount: str, due: dt.date | None = None, doc: str | None = None
) -> Entry:
    return Entry(entry_id, "charge" if D(amount) > 0 else "payment", day, due, doc, entry_id, D(amount), D(0))


def booked_entries() -> list[Entry]:
    """Three charges of 300,00 zł due 10.10, 10.11 and 10.12 and one payment of 300,00 zł on 5.10."""
    raw = [
        entry("K1", dt.date(2026, 10, 1), "300.00", dt.date(2026, 10, 10), "FV/10"),
        entry("P1", dt.date(2026, 10, 5), "-300.00"),
        entry("K2", dt.date(2026, 11, 1), "300.00", dt.date(2026, 11, 10), "FV/11"),
        entry("K3", dt.date(2026, 12, 1), "300.00", dt.date(2026, 12, 10), "FV/12"),
    ]
    # Running balance in the resident's sign: -300, 0, -300, -600.
    balances = [D("-300.00"), D("0.00"), D("-300.00"), D("-600.00")]
    return [Entry(**{**e.__dict__, "balance_after": b}) for e, b in zip(raw, balances, strict=True)]


def booked_summary() -> Summary:
    return Summary(
        premises_id="P1",
        address="ul. Lipowa 1",
        kind="residential",
        debits=D("900.00"),
        credits=D("300.00"),
        balance=D("-600.00"),
        overdue=D("300.00"),  # FV/11, due 10.11
        next_due=dt.date(2026, 12, 10),
        next_due_amount=D("300.00"),
        open_total=D("600.00"),
    )


def paid(
    grosze: int, n: int = 1, at: dt.datetime | None = None, invoices: tuple[str, ...] = ()
) -> OnlinePayment:
    moment = at or dt.datetime(2026, 11, 19, 23, 30)  # UTC: 20.11 00:30 in Warsaw
    return OnlinePayment(
        payment_id=f"EB2611190000000{n}",
        premises_id="P1",
        username="anna.nowak",
        gateway="przelewy24",
        amount_grosze=grosze,
        currency="PLN",
        invoices=invoices,
        status="confirmed",
        gateway_ref="ORD",
        created_at=moment - dt.timedelta(minutes=2),
        updated_at=moment,
        confirmed_at=moment,
        problem=None,
        exported_batch=None,
        booked_load=None,
    )


def test_booked_summary_of_the_hand_ledger_matches_the_hand_numbers():
    # The fixture itself, through finance's own arithmetic: the starting point the tests build on.
    assert finance.summary_from(
        {"premises_id": "P1", "kind": "residential", "street": "ul. Lipowa", "building_no": "1",
         "unit_no": "", "postcode": "00-001", "city": "Miasto"},
        booked_entries(),
        TODAY,
    ) == Summary(**{**booked_summary().__dict__, "address": "ul. Lipowa 1, 00-001 Miasto"})  # fmt: skip


def test_no_pending_payment_changes_nothing():
    assert pending.summary(booked_summary(), booked_entries(), (), TODAY) == booked_summary()


def test_pending_payment_covers_the_oldest_due_charge_first():
    # 450,00 zł: 300,00 pays the overdue FV/11, the remaining 150,00 goes to FV/12 (300 -> 150).
    got = pending.summary(booked_summary(), booked_entries(), [paid(45000)], TODAY)
    assert got.overdue == D("0.00")
    assert got.next_due == dt.date(2026, 12, 10)
    assert got.next_due_amount == D("150.00")
    assert got.open_total == D("150.00")
    assert got.to_pay == D("150.00")
    assert got.balance == D("-150.00")  # -600 + 450
    assert (got.premises_id, got.address) == ("P1", "ul. Lipowa 1")


def test_pending_payments_above_the_debt_make_an_overpayment():
    # 600,00 owed; 700,00 paid online in two payments (650,00 + 50,00): 100,00 overpaid, nothing due.
    got = pending.summary(booked_summary(), booked_entries(), [paid(65000, 1), paid(5000, 2)], TODAY)
    assert (got.overdue, got.open_total, got.to_pay, got.next_due) == (D(0), D(0), D(0), None)
    assert got.balance == D("100.00")
    assert got.state == "nadpłata"


def test_amounts_are_summed_in_grosze_exactly():
    # 100,10 + 0,05 + 0,01 = 100,16 zł; the overdue 300,00 drops to 199,84.
    items = [paid(10010, 1), paid(5, 2), paid(1, 3)]
    assert pending.total_grosze(items) == 10016
    assert pending.total(items) == D("100.16")
    got = pending.summary(booked_summary(), booked_entries(), items, TODAY)
    assert got.overdue == D("199.84")
    assert got.balance == D("-499.84")


def test_ledger_puts_pending_after_booked_with_the_balance_carried_on():
    out = pending.ledger(booked_entries(), [paid(45000, 1), paid(10000, 2)])
    assert [e.entry_id for e in out[-2:]] == ["online:EB26111900000001", "online:EB26111900000002"]
    assert [e.balance_after for e in out[-2:]] == [D("-150.00"), D("-50.00")]  # -600 + 450, + 100
    assert out[-1].entry_date == dt.date(2026, 11, 20)  # 23:30 UTC is the next day in Warsaw
    assert out[-1].kind == "payment" and out[-1].payment == D("100.00")


def test_item_rows_say_which_charges_a_pending_payment_covers():
    entries = booked_entries()
    booked = finance.open_items_from(entries)
    adjusted = pending.open_items(entries, [paid(45000)])
    rows = {r["Dokument"]: r for r in pending.items_rows(booked, adjusted, TODAY)}
    assert rows["FV/10"]["Status"] == "zapłacone"  # booked before
    assert rows["FV/11"]["Status"] == "opłacone online — w trakcie księgowania"
    assert rows["FV/11"]["Pozostało"] == "0,00 zł"
    assert rows["FV/12"]["Status"] == "częściowo opłacone online — w trakcie księgowania"
    assert rows["FV/12"]["Pozostało"] == "150,00 zł"
    # The unpaid list keeps what accounting still counts unpaid, so FV/11 does not vanish.
    assert [i.document_no for i in pending.unpaid_booked(adjusted, booked)] == ["FV/11", "FV/12"]


def test_history_rows_newest_first_with_balances():
    rows = pending.rows([paid(45000, 1), paid(10000, 2)], D("-600.00"))
    assert [r["Wpłata"] for r in rows] == ["100,00 zł", "450,00 zł"]
    assert [r["Saldo po"] for r in rows] == ["-50,00 zł", "-150,00 zł"]
    assert all(r["Rodzaj"] == "Wpłata online (w trakcie księgowania)" for r in rows)
    assert rows[0]["Data"] == "20.11.2026"


def test_balance_figures_are_booked_pending_and_their_sum():
    figures = pending.balance_figures(D("-600.00"), [paid(45000), paid(1, 2)])
    assert [(f.label, f.amount) for f in figures] == [
        ("Saldo według księgowości", D("-600.00")),
        ("Wpłaty w trakcie księgowania", D("450.01")),
        ("Saldo po uwzględnieniu wpłat w trakcie księgowania", D("-149.99")),
    ]


def test_transfer_and_qr_ask_only_for_what_remains():
    booked = payments.Transfer(
        premises_id="P1", customer_id="C1", recipient_name="Spółdzielnia", recipient_address="",
        nip="5260001246", account="61109010140000071219812874", title="Opłaty za lokal P1 C1",
        amount=D("600.00"), overdue=D("300.00"), balance=D("-600.00"), next_due=dt.date(2026, 12, 10),
        next_due_amount=D("300.00"), payload="",
    )  # fmt: skip
    adjusted = pending.summary(booked_summary(), booked_entries(), [paid(45000)], TODAY)
    got = pending.transfer(booked, adjusted)
    assert got.amount == D("150.00")
    assert got.payload.split("|")[3] == "015000"  # grosze, 6 digits


def test_for_premises_reads_only_confirmed_unbooked_payments_of_that_premises(data_dir):
    older = online.add("P1", 1000, confirmed_at=dt.datetime(2026, 11, 1, 10, 0))
    newer = online.add("P1", 2000, confirmed_at=dt.datetime(2026, 11, 2, 10, 0))
    online.add("P1", 3000, status="pending")
    online.add("P1", 4000, booked_load="L1")
    online.add("P1", 5000, status="failed", problem="kwota niezgodna")
    online.add("P2", 6000)
    got = pending.for_premises("P1")
    assert [p.payment_id for p in got] == [older, newer]
    assert pending.total(got) == D("30.00")


@pytest.mark.parametrize("count,word", [(1, "wpłatę"), (3, "wpłaty"), (5, "wpłat")])
def test_notice_words(count, word):
    text = pending.notice([paid(100, n) for n in range(count)])
    assert f"{count} {word} online" in text
    assert "w trakcie księgowania" in text
