"""Copying staged tables in key order: no sort when nearly sorted, the same rows as ORDER BY always."""

from __future__ import annotations

import random

import duckdb
import pytest

from ebok.loader import order


def _staged(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """A connection with table src(k VARCHAR, n INTEGER, v INTEGER) holding ROWS in that stored order, and an empty dst."""
    con = duckdb.connect()
    con.execute("CREATE TABLE src (k VARCHAR, n INTEGER, v INTEGER)")
    con.executemany("INSERT INTO src VALUES (?, ?, ?)", rows)
    con.execute("CREATE TABLE dst (k VARCHAR, n INTEGER, v INTEGER)")
    return con


def _copy(con: duckdb.DuckDBPyConnection) -> order.Copy:
    n = con.execute("SELECT count(*) FROM src").fetchone()[0]
    insert = "INSERT INTO dst SELECT s.k, s.n, s.v FROM src s"
    return order.copy(con, "dst", insert, "src", ["k", "n"], "s.k, s.n", n)


def _sorted_rows(rows: list[tuple]) -> list[tuple]:
    """ROWS in (k, n) order with NULLs last, computed in Python."""
    return sorted(rows, key=lambda r: tuple((1, 0) if x is None else (0, x) for x in r[:2]))


def _rows(count: int) -> list[tuple]:
    return [(f"P{i // 7:05d}", i % 7, i) for i in range(count)]


def test_sorted_table_is_copied_without_a_sort() -> None:
    rows = _rows(5000)
    con = _staged(rows)
    assert _copy(con) == order.Copy("stored", 1)
    assert con.execute("SELECT * FROM dst").fetchall() == rows


def test_a_batch_stored_out_of_place_is_put_back_without_a_sort() -> None:
    rows = _rows(10_000)
    # What DuckDB did with one batch of a parallel read: lines 1200-2399 stored after line 8000.
    stored = rows[:1200] + rows[2400:8000] + rows[1200:2400] + rows[8000:]
    con = _staged(stored)
    copied = _copy(con)
    assert copied.how == "pieces" and copied.pieces == 4
    assert con.execute("SELECT * FROM dst").fetchall() == rows


def test_an_export_in_another_order_is_sorted() -> None:
    rows = _rows(3000)
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    con = _staged(shuffled)
    assert _copy(con) == order.Copy("sorted")
    assert con.execute("SELECT * FROM dst").fetchall() == rows


@pytest.mark.parametrize("seed", range(6))
def test_any_few_runs_give_the_rows_of_order_by(seed: int) -> None:
    """Interleaving runs, equal keys across runs and NULL keys: always exactly ORDER BY's rows, in order."""
    rng = random.Random(seed)
    rows = [(rng.choice(["A", "B", "C", None]), rng.choice([1, 2, None]), i) for i in range(400)]
    runs = [_sorted_rows(rows[i : i + 100]) for i in range(0, 400, 100)]
    stored = [r for run in runs for r in run]
    con = _staged(stored)
    _copy(con)
    got = con.execute("SELECT k, n FROM dst").fetchall()
    assert got == [r[:2] for r in _sorted_rows(stored)]
    assert sorted(con.execute("SELECT v FROM dst").fetchall()) == [(i,) for i in range(400)]


def test_breaks_finds_where_the_key_goes_down() -> None:
    con = _staged([("A", 1, 0), ("B", 1, 1), ("A", 2, 2), ("C", 1, 3), (None, 1, 4), ("D", 1, 5)])
    assert order.breaks(con, "src", ["k", "n"]) == [2, 5]


def test_inside_the_build_transaction_a_sorted_table_needs_no_sort() -> None:
    """The build copies in one transaction, where new rows' rowids do not start at 0."""
    rows = _rows(5000)
    con = _staged(rows)
    con.execute("BEGIN TRANSACTION")
    assert _copy(con) == order.Copy("stored", 1)
    con.execute("COMMIT")
    assert con.execute("SELECT * FROM dst").fetchall() == rows
