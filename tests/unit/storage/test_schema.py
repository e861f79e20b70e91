"""Warehouse DDL and the analysts' views, checked against numbers computed in Python."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pytest

from ebok.core import clock
from ebok.core.contract import FILES, SQL_TYPES
from ebok.storage import schema


@pytest.fixture
def con():
    c = duckdb.connect()
    schema.create_empty(c)
    yield c
    c.close()


def premises_row(pid: str) -> tuple:
    return (pid, "L0001", "B1", "Lipowa", "7", "1", "00-950", "Łódź", "residential", "coop_right",
            Decimal("50"), 2, None, None, None, "61109010140000071219812874")  # fmt: skip


def random_ledger(seed: int) -> list[tuple]:
    """Charges with due dates in the past and the future, payments, corrections; 4 premises."""
    rng = random.Random(seed)
    out = []
    for p in range(4):
        pid = f"P{p}"
        for i in range(rng.randint(0, 12)):
            kind = rng.choice(["charge", "invoice", "payment", "payment", "correction", "interest"])
            day = date(2020, 1, 1) + timedelta(days=rng.randint(0, 3000))
            cents = rng.randint(1, 100_000)
            amount = Decimal(cents) / 100
            if kind == "payment" or (kind == "correction" and rng.random() < 0.5):
                amount = -amount
            due = day + timedelta(days=14) if amount > 0 else None
            if rng.random() < 0.2 and amount > 0:
                due = clock.today() + timedelta(days=30)  # not yet due
            out.append((f"{pid}-{i:03d}", pid, kind, day, due, None, "opis", amount))
    return out


def fill(con, ledger: list[tuple]) -> None:
    for p in range(4):
        con.execute("INSERT INTO premises VALUES (" + ",".join("?" * 16) + ")", premises_row(f"P{p}"))  # noqa: S608
    if ledger:
        con.executemany(
            "INSERT INTO ledger (entry_id, premises_id, kind, entry_date, due_date, document_no, description, amount)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ledger,
        )


def expected_open_items(ledger: list[tuple]) -> dict[str, Decimal]:
    """FIFO in Python: credits pay the debits with the oldest due date first."""
    remaining = {}
    by_premises = defaultdict(list)
    for row in ledger:
        by_premises[row[1]].append(row)
    for rows in by_premises.values():
        paid = -sum((r[7] for r in rows if r[7] < 0), Decimal(0))
        debits = sorted((r for r in rows if r[7] > 0), key=lambda r: (r[4] or r[3], r[3], r[0]))
        for r in debits:
            covered = min(paid, r[7])
            paid -= covered
            remaining[r[0]] = r[7] - covered
    return remaining


@pytest.mark.parametrize("seed", range(8))
def test_premises_balance(con, seed):
    ledger = random_ledger(seed)
    fill(con, ledger)
    expected = {f"P{p}": Decimal("0.00") for p in range(4)}
    for row in ledger:
        expected[row[1]] -= row[7]  # balance = -(sum of amount): positive = overpayment
    got = dict(con.execute("SELECT premises_id, balance FROM v_premises_balance").fetchall())
    assert got == expected
    debits = dict(con.execute("SELECT premises_id, debits FROM v_premises_balance").fetchall())
    for pid in expected:
        assert debits[pid] == sum((r[7] for r in ledger if r[1] == pid and r[7] > 0), Decimal(0))


@pytest.mark.parametrize("seed", range(8))
def test_open_items_fifo(con, seed):
    ledger = random_ledger(seed)
    fill(con, ledger)
    got = dict(con.execute("SELECT entry_id, remaining FROM v_open_items").fetchall())
    assert got == expected_open_items(ledger)


def overdue_on_one_day(con) -> tuple[date, dict[str, tuple[Decimal, int]]]:
    """Read v_overdue_invoices with the Polish date it was read on (again if midnight passed meanwhile)."""
    while True:
        today = clock.today()
        got = {e: (rem, days) for e, rem, days in con.execute(
            "SELECT entry_id, remaining, days_overdue FROM v_overdue_invoices").fetchall()}  # fmt: skip
        if clock.today() == today:
            return today, got


@pytest.mark.parametrize("seed", range(8))
def test_overdue_invoices(con, seed):
    ledger = random_ledger(seed)
    fill(con, ledger)
    remaining = expected_open_items(ledger)
    due = {r[0]: r[4] for r in ledger}
    today, got = overdue_on_one_day(con)
    expected = {e: (rem, (today - due[e]).days) for e, rem in remaining.items() if rem > 0 and due[e] < today}
    assert got == expected


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_overdue_counts_polish_days_whatever_the_session_zone(con, zone):
    """UTC+14 and UTC-11: at any hour one of them is on another date than Poland, and the view must not follow it."""
    due = {f"D{n}": clock.today() - timedelta(days=n) for n in range(0, 4)}
    fill(con, [(e, "P0", "charge", d, d, None, "opłata", Decimal("10.00")) for e, d in due.items()])
    con.execute(f"SET TimeZone = '{zone}'")
    today, got = overdue_on_one_day(con)
    assert got == {e: (Decimal("10.00"), (today - d).days) for e, d in due.items() if d < today}


def test_open_items_by_hand(con):
    """Paid 700 against 500 due in September and 500 due in October: 300 left of October."""
    fill(con, [
        ("E1", "P0", "charge", date(2026, 9, 1), date(2026, 9, 10), None, "wrzesień", Decimal("500.00")),
        ("E2", "P0", "charge", date(2026, 10, 1), date(2026, 10, 10), None, "październik", Decimal("500.00")),
        ("E3", "P0", "payment", date(2026, 10, 5), None, None, "wpłata", Decimal("-700.00")),
    ])  # fmt: skip
    assert con.execute("SELECT entry_id, remaining FROM v_open_items ORDER BY 1").fetchall() == [
        ("E1", Decimal("0.00")),
        ("E2", Decimal("300.00")),
    ]
    assert con.execute("SELECT balance FROM v_premises_balance WHERE premises_id = 'P0'").fetchone()[
        0
    ] == Decimal("-300.00")


def test_monthly_consumption(con):
    rng = random.Random(5)
    fill(con, [])
    meters = [
        ("M1", "P0", Decimal("10.0000"), date(2024, 1, 1)),
        ("M2", "P0", Decimal("0.0000"), date(2025, 6, 1)),
    ]
    readings = []
    for meter, pid, initial, start in meters:
        con.execute(
            "INSERT INTO meters VALUES (?, ?, 'cold_water', 'S', 'm3', ?, NULL, NULL, ?)",
            [meter, pid, start, initial],
        )
        value = initial
        day = start
        for i in range(15):
            day += timedelta(days=rng.randint(10, 40))
            value += Decimal(rng.randint(0, 5000)) / 1000
            readings.append((f"{meter}-{i}", meter, day, value, "collector", None, pid))
    rng.shuffle(readings)
    con.executemany("INSERT INTO readings VALUES (?, ?, ?, ?, ?, ?, ?)", readings)
    expected: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    for meter, _pid, initial, _start in meters:
        previous = initial
        for r in sorted((r for r in readings if r[1] == meter), key=lambda r: r[2]):
            expected[(meter, r[2].replace(day=1))] += r[3] - previous
            previous = r[3]
    got = {(m, month): c for m, month, c in con.execute(
        "SELECT meter_id, month, consumption FROM v_monthly_consumption").fetchall()}  # fmt: skip
    assert got == dict(expected)


def test_every_table_column_and_view_column_commented(con):
    assert (
        con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal AND (comment IS NULL OR comment = '')"
        ).fetchall()
        == []
    )
    assert (
        con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal AND comment IS NULL").fetchone()[
            0
        ]
        == 0
    )


def test_tables_match_contract_types(con):
    for spec in FILES:
        got = con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
            [spec.name],
        ).fetchall()
        want = [(c.name, SQL_TYPES[c.type]) for c in spec.columns] + [(n, "VARCHAR") for n in spec.extra]
        assert got == want, spec.name
