"""Copy a staged table into the warehouse in its key order, without a sort when the rows are nearly in that order.

Accounting programs write their exports in account order, so the rows usually arrive sorted by
the contract's key already, and sorting them again was the largest single cost of the build (17 s
for the 30 M charges rows of a 100 000-premises export). DuckDB 2.0.0 may also store a batch of a
parallel CSV read out of its place (seen on 30 M rows): the table is then a few sorted runs.

So: one streaming pass finds where the key goes down (the runs); the runs are split at each
other's first keys (binary search by rowid) until no two pieces overlap; the pieces are inserted
one after another in key order. An export in another order (more than MAX_RUNS runs, or pieces
that really interleave) gets the full sort as before. Whatever the path, the copied table is
checked in one more streaming pass and sorted again if it is not in key order, so a wrong plan
costs time, never order.
"""

from __future__ import annotations

# SQL here is built from contract names and staging table names, never from export data: S608 does not apply.
# ruff: noqa: S608
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from ebok.loader.validate import ident

MAX_RUNS = 16  # more runs than this: the export is in another order, sort it
MAX_PIECES = 64  # splitting that far means the runs interleave: sort
MAX_ROUNDS = 8


@dataclass(frozen=True)
class Copy:
    """How a table was copied: 'stored' (no sort), 'pieces' (N pieces, no sort) or 'sorted'."""

    how: str
    pieces: int = 1


def _key(row: Sequence[object]) -> tuple:
    """A Python sort key that orders like DuckDB's ORDER BY (ASC, NULLS LAST)."""
    return tuple((1, 0) if v is None else (0, v) for v in row)


def breaks(
    con: duckdb.DuckDBPyConnection, table: str, keys: Sequence[str], limit: int = MAX_RUNS
) -> list[int]:
    """Rowids of TABLE (in stored order) where KEYS go down; at most LIMIT of them."""
    cols = ", ".join(ident(k) for k in keys)
    lags = ", ".join(f"lag({ident(k)}) OVER () AS _l{i}" for i, k in enumerate(keys))
    previous = ", ".join(f"_l{i}" for i in range(len(keys)))
    # A row comparison orders NULL fields last, as ORDER BY does; OVER () is the stored order. The
    # first row is the one without a previous rowid (rowids of uncommitted rows do not start at 0).
    sql = (
        f"SELECT _pos FROM (SELECT rowid AS _pos, lag(rowid) OVER () AS _prev, {cols}, {lags} FROM {table}) "
        f"WHERE _prev IS NOT NULL AND NOT (({cols}) >= ({previous})) LIMIT {int(limit)}"
    )
    return sorted(r[0] for r in con.execute(sql).fetchall())


class _Table:
    """Point reads of one staged table's key by rowid (2 ms each on 30 M rows)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str, keys: Sequence[str]) -> None:
        self.con = con
        self.sql = f"SELECT {', '.join(ident(k) for k in keys)} FROM {table} WHERE rowid = ?"
        self.cache: dict[int, tuple] = {}

    def key(self, pos: int) -> tuple:
        """The sort key of the row at rowid POS."""
        if pos not in self.cache:
            self.cache[pos] = _key(self.con.execute(self.sql, [pos]).fetchone())
        return self.cache[pos]

    def first_at_least(self, lo: int, hi: int, bound: tuple) -> int:
        """In the sorted rowid range [LO, HI), the first rowid whose key is >= BOUND (HI when none)."""
        while lo < hi:
            mid = (lo + hi) // 2
            if self.key(mid) < bound:
                lo = mid + 1
            else:
                hi = mid
        return lo


def plan(
    con: duckdb.DuckDBPyConnection, table: str, keys: Sequence[str], rows: int
) -> list[tuple[int, int]] | None:
    """Rowid ranges of TABLE that, concatenated, are in KEYS order; None when only a sort will do."""
    starts = breaks(con, table, keys, MAX_RUNS)
    if len(starts) >= MAX_RUNS:
        return None
    edges = [0, *starts, rows]
    pieces = [(a, b) for a, b in zip(edges, edges[1:], strict=False) if a < b]
    t = _Table(con, table, keys)
    for _ in range(MAX_ROUNDS):
        bounds = sorted({t.key(a) for a, _b in pieces})
        pieces = [p for a, b in pieces for p in _split(t, a, b, bounds)]
        if len(pieces) > MAX_PIECES:
            return None
        pieces.sort(key=lambda p: t.key(p[0]))
        if all(t.key(b1 - 1) <= t.key(a2) for (_a1, b1), (a2, _b2) in zip(pieces, pieces[1:], strict=False)):
            return pieces
    return None


def _split(t: _Table, lo: int, hi: int, bounds: list[tuple]) -> list[tuple[int, int]]:
    """Cut the sorted range [LO, HI) at every bound inside it."""
    cuts = [lo]
    for bound in bounds:
        if t.key(lo) < bound <= t.key(hi - 1):
            cuts.append(t.first_at_least(cuts[-1], hi, bound))
    cuts.append(hi)
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if a < b]


def copy(
    con: duckdb.DuckDBPyConnection,
    target: str,
    insert: str,
    source: str,
    keys: Sequence[str],
    order_by: str,
    rows: int,
    may_skip_sort: bool = True,
) -> Copy:
    """Run INSERT (an INSERT ... SELECT ... FROM SOURCE s ...) so that TARGET ends up in key order.

    KEYS are the columns (same names in SOURCE and TARGET) whose order is the target's order;
    ORDER_BY is the full sort used when the rows are not nearly in order.
    The INSERT must not join: DuckDB writes a join's rows in thread order, not in SOURCE's.
    """
    ranges = plan(con, source, keys, rows) if may_skip_sort and rows else None
    if ranges is not None:
        for a, b in ranges:
            con.execute(f"{insert} WHERE s.rowid >= {int(a)} AND s.rowid < {int(b)}")
        if not breaks(con, target, keys, 1):
            return Copy("stored" if len(ranges) == 1 else "pieces", len(ranges))
        con.execute(f"DELETE FROM {target}")  # the plan was wrong: never leave a table out of order
    con.execute(f"{insert} ORDER BY {order_by}")
    return Copy("sorted")
