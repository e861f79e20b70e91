"""The typed scan's _bad flag is true exactly where a column rule breaks (the report's rules)."""

# SQL built from contract names only: S608 does not apply.
# ruff: noqa: S608

from __future__ import annotations

import duckdb
import pytest

from ebok.core.contract import FILES, Column, FileSpec
from ebok.loader import parse, validate
from ebok.loader.validate import ident
from tests.helpers.loader import fmt, rows

# Empty, blank, good and bad texts of every type, with the edges the parsers treat specially.
VALUES = [
    None, "", "  ", "\u00a0", "x", "abc", "0", "-1", "1", "12", "1 234", "1.234", "1.234,56", "12,5",
    "12,345", "-0,01", "+3", "99999999999", "2026-11-20", "20.11.2026", "2026-13-01", "2026-11",
    "11.2026", "2026-11-20 10:00", "tak", "nie", "TRUE", "Yes", "t", "m2", "gj", "payment", "charge",
    "jan@example.pl", "jan@", "00-950", "00950", "PL61109010140000071219812874", "61 1090 1014 0000 0712 1981 2874",
    "5260250274", "526-025-02-74", "ABCD-EFGH-JKLM", "abcd efgh jklm", "a.pdf", "../a.pdf",
]  # fmt: skip


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    parse.install(con)
    yield con
    con.close()


def _breaks(con: duckdb.DuckDBPyConnection, spec: FileSpec, col: Column, value: str | None) -> bool:
    """Whether VALUE breaks a rule of COL, by the report's rules."""
    typed = validate.typed_expr(spec, col.name, {col.name}).replace(ident(col.name), "r.v")
    cases = validate.rule_cases(col, "r.v", "t.v")
    any_rule = " OR ".join(f"coalesce({c}, false)" for c, _ in cases) or "false"
    sql = f"SELECT {any_rule} FROM (SELECT CAST(? AS VARCHAR) AS v) r, (SELECT {typed} AS v FROM (SELECT CAST(? AS VARCHAR) AS v) r) t"
    return con.execute(sql, [value, value]).fetchone()[0]


def _good_row(con: duckdb.DuckDBPyConnection, spec: FileSpec) -> list[str | None]:
    """The first record of the tests' tiny export, or else per column the first value breaking no rule."""
    record = (rows().get(spec.name) or [{}])[0]
    good = []
    for col in spec.columns:
        value = fmt(record[col.name]) if col.name in record else None
        if value is None or _breaks(con, spec, col, value):
            value = next((v for v in [*col.choices, *VALUES] if not _breaks(con, spec, col, v)), None)
        good.append(value)
    return good


@pytest.mark.parametrize("spec", FILES, ids=lambda s: s.name)
def test_bad_flag_equals_the_rules(con, spec):
    names = [c.name for c in spec.columns]
    good = _good_row(con, spec)
    # The good row, then every value in one column at a time with the other columns good.
    table = [good] + [good[:j] + [v] + good[j + 1 :] for j in range(len(names)) for v in VALUES]
    cols = ", ".join(f"CAST(NULL AS VARCHAR) AS {ident(n)}" for n in names)
    con.execute(f"CREATE OR REPLACE TABLE src AS SELECT {cols} LIMIT 0")
    con.executemany(f"INSERT INTO src VALUES ({', '.join('?' for _ in names)})", table)
    con.execute(f"CREATE OR REPLACE TABLE typed AS {validate.typed_select(spec, set(names), 'src')}")
    typed = ", ".join(f"{validate.typed_expr(spec, n, set(names))} AS {ident(n)}" for n in names)
    cases = [
        cond
        for col in spec.columns
        for cond, _ in validate.rule_cases(col, f"r.{ident(col.name)}", f"t.{ident(col.name)}")
    ]
    any_rule = " OR ".join(f"coalesce({c}, false)" for c in cases)
    got = [r[0] for r in con.execute("SELECT _bad FROM typed").fetchall()]
    want = [
        r[0]
        for r in con.execute(
            f"SELECT {any_rule} FROM src r POSITIONAL JOIN (SELECT {typed} FROM src) t"
        ).fetchall()
    ]
    assert got == want
    assert want[0] is False  # the good row is good, so each other row tests its one column
    assert sum(want) > len(names)  # and the values do break rules
