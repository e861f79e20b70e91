"""Validation of the staged export against the contract, in SQL with rowid -> line numbers.

The file is read once, straight into typed_<file>: the typed values and _bad, true on a row
where a value breaks a column rule. t_<file> is typed_<file> with _row = rowid (0 = line 2,
after the header). Only when some row is bad is the file read again as text (raw_<file>) to
report each broken rule with its value. Every check reports file, line and column.
"""

# SQL here is assembled from contract identifiers (quoted with ident/lit), never from
# export data, which is only ever read as CSV values: S608 does not apply.
# ruff: noqa: S608

from __future__ import annotations

from pathlib import Path

import duckdb
from stdnum import iban
from stdnum.pl import nip

from ebok.core.contract import SQL_TYPES, Column, FileSpec
from ebok.loader.messages import Issues
from ebok.loader.parse import BAD_CODES, PARSERS

EMAIL_RE = r"[^@\s]+@[^@\s]+\.[^@\s]+"
POSTCODE_RE = r"[0-9]{2}-[0-9]{3}"
FIRST_LINE = 2  # rowid 0 is the first data line, after the header


def lit(text: str) -> str:
    """Quote TEXT as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """Quote NAME as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _short(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


PYTHON_CHECKS = ("nrb", "nip", "pdf_file")


def typed_expr(spec: FileSpec, column: str, present: set[str]) -> str:
    """Return the SQL producing COLUMN's typed value from raw text (NULL if absent)."""
    col = spec.column(column)
    if column not in present:
        return f"CAST(NULL AS {SQL_TYPES[col.type]})"
    if col.check in ("nrb", "nip"):
        return f"ebok_digits({ident(column)})"  # stored normalised: digits only
    if col.check == "registration_code":
        # Only the digest reaches the warehouse: the code itself is a password printed on paper.
        return f"ebok_code_digest({ident(column)})"
    return f"{PARSERS[col.type]}({ident(column)})"


def typed_select(spec: FileSpec, present: set[str], source: str) -> str:
    """SELECT turning SOURCE's text columns into typed_<file>'s row: typed values and _bad.

    Every value is parsed and every column rule evaluated in this one scan of the file; _bad
    says whether any rule broke on the row. NRB, NIP and PDF names keep their text (_r_<column>)
    for the checks done in Python.
    """
    cols = [c for c in spec.columns if c.name in present]
    typed = [f"{typed_expr(spec, c.name, present)} AS {ident(c.name)}" for c in spec.columns]
    raws = [f"{ident(c.name)} AS {ident('_raw_' + c.name)}" for c in cols]
    inner = f"SELECT {', '.join(typed + raws)} FROM {source}"
    # The warehouse's own column types: a table in key order becomes the warehouse table as it is.
    outer = [f"CAST(t.{ident(c.name)} AS {SQL_TYPES[c.type]}) AS {ident(c.name)}" for c in spec.columns]
    conds = [
        cond
        for col in cols
        for cond in _bad_conds(col, f"t.{ident('_raw_' + col.name)}", f"t.{ident(col.name)}")
    ]
    outer.append(f"({' OR '.join(conds) or 'false'}) AS _bad")
    outer += [
        f"t.{ident('_raw_' + c.name)} AS {ident('_r_' + c.name)}" for c in cols if c.check in PYTHON_CHECKS
    ]
    return f"SELECT {', '.join(outer)} FROM ({inner}) t"


def _bad_conds(col: Column, raw: str, typed: str) -> list[str]:
    """COL's rule_cases as conditions that are true exactly when a rule breaks, cheapest form.

    A plain text column's typed value is ebok_txt(raw) itself, so its rules read the typed
    value; a required typed column breaks 'required' or its type exactly when the typed
    value is NULL (every parser returns NULL for an empty text).
    """
    cases = rule_cases(col, raw, typed)
    if col.type == "str" and col.check not in ("nrb", "nip", "registration_code"):
        cases = rule_cases(col, raw, typed, txt=typed)
    elif col.required and col.type != "str":
        cases = [(f"{typed} IS NULL", "required"), *cases[2:]]
    # NULL conditions are not true, so optional empty values pass every rule but 'required'.
    return [f"coalesce({cond}, false)" for cond, _code in cases]


def check_columns(con: duckdb.DuckDBPyConnection, spec: FileSpec, present: set[str],
                  issues: Issues, export_dir: Path, raw: str | None = None) -> None:  # fmt: skip
    """Report every column's broken rules (required, type, choices, pattern, minimum, checks).

    RAW names the file's text table (same rows as t_<file>), read only when some row is _bad.
    """
    for col in spec.columns:
        if issues.full or col.name not in present:
            continue
        cases = rule_cases(col, f"r.{ident(col.name)}", f"t.{ident(col.name)}")
        if cases and raw:
            _report_rule_breaks(con, spec, col, cases, issues, raw)
        if col.check in PYTHON_CHECKS:
            _python_check(con, spec, col.name, col.check, issues, export_dir)


def rule_cases(col: Column, raw: str, typed: str, txt: str | None = None) -> list[tuple[str, str]]:
    """(SQL condition on RAW text and TYPED value, error code) for every rule COL has, in order.

    TXT is the SQL of the trimmed text or NULL, ebok_txt(RAW) unless given.
    """
    txt = txt or f"ebok_txt({raw})"
    cases: list[tuple[str, str]] = []
    if col.required:
        cases.append((f"{txt} IS NULL", "required"))
    if col.type != "str":
        cases.append((f"{txt} IS NOT NULL AND {typed} IS NULL", BAD_CODES[col.type]))
    if col.choices:
        choices = ", ".join(lit(v) for v in col.choices)
        cases.append((f"{txt} NOT IN ({choices})", "bad_choice"))
    if col.pattern:
        bad = "bad_code" if col.check == "registration_code" else "bad_pattern"
        cases.append((f"NOT regexp_full_match({txt}, {lit(col.pattern)})", bad))
    if col.min_value is not None:
        cases.append((f"{typed} < {col.min_value}", "below_min"))
    if col.check == "email":
        cases.append((f"NOT regexp_full_match({txt}, {lit(EMAIL_RE)})", "bad_email"))
    if col.check == "postcode":
        cases.append((f"NOT regexp_full_match({txt}, {lit(POSTCODE_RE)})", "bad_postcode"))
    return cases


def _report_rule_breaks(con: duckdb.DuckDBPyConnection, spec: FileSpec, col: Column,
                        cases: list[tuple[str, str]], issues: Issues, raw: str) -> None:  # fmt: skip
    """Report each row of COL that breaks a rule, with the first rule it breaks (as many as there is room for)."""
    c = ident(col.name)
    source = f"{raw} r POSITIONAL JOIN t_{spec.name} t"
    # NULL conditions are not true, so optional empty values pass every rule but 'required'.
    code_sql = "CASE " + " ".join(f"WHEN {cond} THEN {lit(code)}" for cond, code in cases) + " END"
    sql = (
        f"SELECT _row, raw_value, code FROM (SELECT t._row, r.{c} AS raw_value, {code_sql} AS code "
        f"FROM {source} WHERE t._bad) WHERE code IS NOT NULL ORDER BY _row LIMIT {issues.room()}"
    )
    for rowid, value, code in con.execute(sql).fetchall():
        issues.error(code, spec.filename, rowid + FIRST_LINE, col.name, **_rule_params(col, code, value))


def _rule_params(col: Column, code: str, value: object) -> dict[str, object]:
    """The message parameters of a broken rule: the value, and what the rule allows where the message says it."""
    if col.check == "registration_code":
        return {}  # a registration code is never echoed into a report or a log
    params: dict[str, object] = {"value": _short(value)}
    if code == "bad_dec":
        params["scale"] = 4 if col.type == "dec4" else 2
    if code == "bad_bool":
        params["choices"] = "tak/nie, t/n, yes/no, true/false, 1/0"
    if code == "bad_choice":
        params["choices"] = ", ".join(col.choices)
    if code == "below_min":
        params["min"] = f"{col.min_value:g}"
    return params


def _python_check(con: duckdb.DuckDBPyConnection, spec: FileSpec, column: str, check: str,
                  issues: Issues, export_dir: Path) -> None:  # fmt: skip
    """Run a check python-stdnum or the file system must do, row by row."""
    text = f"ebok_txt({ident('_r_' + column)})"
    cur = con.execute(f"SELECT _row, {text} FROM t_{spec.name} WHERE {text} IS NOT NULL ORDER BY _row")
    found = 0
    docs = (export_dir / "documents").resolve()
    while rows := cur.fetchmany(10_000):
        for rowid, value in rows:
            code = _value_problem(check, value, docs)
            if code:
                issues.error(code, spec.filename, rowid + FIRST_LINE, column, value=_short(value))
                found += 1
                if found >= 10 or issues.full:
                    return


def _value_problem(check: str, value: str, docs: Path) -> str | None:
    """Return the error code of VALUE under CHECK (nrb, nip or pdf_file), or None if it passes."""
    if check == "nrb":
        rest = value.upper().removeprefix("PL")
        digits = "".join(ch for ch in rest if ch.isdigit())
        ok = len(digits) == 26 and not any(ch.isalpha() for ch in rest)
        return None if ok and iban.is_valid("PL" + digits) else "bad_nrb"
    if check == "nip":
        return None if nip.is_valid(value) else "bad_nip"
    if check == "pdf_file":
        return pdf_problem(docs, value)
    return None


def pdf_problem(docs: Path, name: str) -> str | None:
    """Return an error code if NAME is not a PDF file directly inside DOCS, else None."""
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
        return "pdf_path"
    path = docs / name
    if not path.is_file():
        return "pdf_missing"
    with open(path, "rb") as fh:
        if fh.read(5) != b"%PDF-":
            return "pdf_invalid"
    return None


def check_unique(con: duckdb.DuckDBPyConnection, spec: FileSpec, issues: Issues) -> None:
    """Report values of unique columns that occur more than once."""
    for col in spec.columns:
        if not col.unique or issues.full:
            continue
        c = ident(col.name)
        rows = con.execute(
            f"SELECT {c}, min(_row), max(_row) FROM t_{spec.name} WHERE {c} IS NOT NULL "
            f"GROUP BY {c} HAVING count(*) > 1 ORDER BY 3 LIMIT {issues.room()}"
        ).fetchall()
        for value, first, last in rows:
            if col.check == "registration_code":  # the value is a digest of a secret: name the lines only
                issues.error(
                    "duplicate_code", spec.filename, last + FIRST_LINE, col.name, first=first + FIRST_LINE
                )
                continue
            issues.error(
                "duplicate", spec.filename, last + FIRST_LINE, col.name,
                value=_short(value), first=first + FIRST_LINE,
            )  # fmt: skip


def check_refs(con: duckdb.DuckDBPyConnection, spec: FileSpec, usable: set[str], issues: Issues) -> None:
    """Report values that do not exist in the file.column they refer to."""
    for col in spec.columns:
        if not col.ref or issues.full:
            continue
        target, target_col = col.ref.split(".")
        if target not in usable:
            continue  # the target file is broken; its own errors are reported
        c = ident(col.name)
        rows = con.execute(
            f"SELECT s._row, s.{c} FROM t_{spec.name} s WHERE s.{c} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM t_{target} t WHERE t.{ident(target_col)} = s.{c}) "
            f"ORDER BY s._row LIMIT {issues.room()}"
        ).fetchall()
        for row, value in rows:
            issues.error("bad_ref", spec.filename, row + FIRST_LINE, col.name,
                         value=_short(value), target=f"{target}.csv ({target_col})")  # fmt: skip


def check_ledger(con: duckdb.DuckDBPyConnection, issues: Issues) -> None:
    """Ledger sign rules and due dates: payments < 0; charges, invoices, interest > 0 with a due date."""
    debit_kinds = "('charge', 'invoice', 'interest')"
    rows = con.execute(
        "SELECT _row, kind, amount, CASE WHEN kind = 'payment' THEN 'sign_payment' ELSE 'sign_debit' END "
        f"FROM t_ledger WHERE (kind = 'payment' AND amount >= 0) OR (kind IN {debit_kinds} AND amount <= 0) "
        f"ORDER BY _row LIMIT {issues.room()}"
    ).fetchall()
    for row, kind, amount, code in rows:
        issues.error(
            code, "ledger.csv", row + FIRST_LINE, "amount", kind=kind, value=str(amount).replace(".", ",")
        )
    rows = con.execute(
        f"SELECT _row, kind FROM t_ledger WHERE kind IN {debit_kinds} AND due_date IS NULL "
        f"ORDER BY _row LIMIT {issues.room()}"
    ).fetchall()
    for row, kind in rows:
        issues.error("due_required", "ledger.csv", row + FIRST_LINE, "due_date", kind=kind)


def check_readings(con: duckdb.DuckDBPyConnection, issues: Issues) -> None:
    """A reading of a meter may not be dated before the meter was installed."""
    rows = con.execute(
        "SELECT r._row, r.reading_date, m.meter_id, m.installed_on FROM t_readings r "
        "JOIN t_meters m USING (meter_id) WHERE r.reading_date < m.installed_on "
        f"ORDER BY r._row LIMIT {issues.room()}"
    ).fetchall()
    for row, day, meter, installed in rows:
        issues.error("reading_before_install", "readings.csv", row + FIRST_LINE, "reading_date",
                     value=day.strftime("%d.%m.%Y"), meter=meter, installed=installed.strftime("%d.%m.%Y"))  # fmt: skip
