"""Compare a newly built warehouse with the one served and refuse an implausible export.

Without a manifest of expected totals from the accounting system, the data served are the only
yardstick: an export that lost many premises or customers, rewrote the history of closed months,
moved the total balance by a fortune or came with a file suddenly empty is almost always a broken
export (a filter left on in the accounting program, a half-written file), not real news.

Closed months are the months before the month of the served data's export ("data as of"): when
those data were exported, every earlier month was over, so its entries must come again unchanged.
The month of that export was still open and may change (late payments and corrections are booked
into it). A served warehouse without an export time falls back to its newest ledger month.

Both files are attached READ_ONLY to a private in-memory DuckDB: the served one stays open, shared
read-only, in the app; the new one was checkpointed and closed by the build.
"""

# SQL here is assembled from contract identifiers (quoted with ident), never from export data.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ebok.core import config, fmt
from ebok.core.contract import FILES
from ebok.core.i18n import ngettext
from ebok.domain.load_diff import SAMPLE, Diff, FileRows, Keys, Month
from ebok.loader.messages import Issue, Later
from ebok.loader.validate import ident, lit
from ebok.storage import warehouse

PREFIX = "implausible_"  # the codes of the refusals (ebok.loader.messages)
MONTHS_LISTED = 12  # changed closed months named one by one in the report; the rest are counted


@dataclass(frozen=True)
class Refusal:
    """One reason the new export looks implausible, with the numbers its message names."""

    code: str
    file: str | None
    params: dict[str, str | Later] = field(default_factory=dict)  # Later: shown in the language of the moment

    def issue(self) -> Issue:
        """Return the refusal as a load issue (an error, or a warning when the load was forced)."""
        return Issue(self.code, self.file, None, None, dict(self.params))

    @property
    def message(self) -> str:
        """Return the message in the language of this run, e.g. 'Lokale: w nowym eksporcie brakuje 3 z 40 lokali …'."""
        return self.issue().message()


def _rows(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run query NAME (ebok/storage/sql/queries/NAME.sql) with bound PARAMS; rows as dicts."""
    result = con.execute(warehouse.query_text(name), params)
    cols = [d[0] for d in result.description]
    return [dict(zip(cols, row, strict=True)) for row in result.fetchall()]


def _keys(con: duckdb.DuckDBPyConnection, name: str) -> Keys:
    """Premises or customers (query NAME) on both sides."""
    r = _rows(con, name, sample=SAMPLE)[0]
    return Keys(r["before"], r["after"], r["added"], r["gone"], tuple(r["added_ids"]), tuple(r["gone_ids"]))


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> set[str]:
    """Return the table names of the attached database CATALOG."""
    found = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = $db AND schema_name = 'main'",
        {"db": catalog},
    ).fetchall()
    return {r[0] for r in found}


def _file_rows(con: duckdb.DuckDBPyConnection) -> tuple[FileRows, ...]:
    """Data rows of every export file on both sides (None where the served warehouse lacks the table)."""
    served = _tables(con, "served")
    out = []
    for spec in FILES:
        table = ident(spec.name)
        after = con.execute(f"SELECT count(*) FROM incoming.{table}").fetchone()[0]
        before = (
            con.execute(f"SELECT count(*) FROM served.{table}").fetchone()[0] if spec.name in served else None
        )
        out.append(FileRows(spec.filename, before, after))
    return tuple(out)


def _closed_before(
    con: duckdb.DuckDBPyConnection, months: list[dict[str, Any]]
) -> tuple[dt.datetime | None, dt.date | None]:
    """Return the served data's export time and the first month that is not closed."""
    as_of = _rows(con, "compare_served_as_of")[0]["exported_at"] if "meta" in _tables(con, "served") else None
    if as_of is not None:
        return as_of, as_of.date().replace(day=1)
    served = [m["month"] for m in months if m["rows_before"]]
    return None, max(served) if served else None


def _month(m: dict[str, Any], closed_before: dt.date | None) -> Month:
    """One row of compare_ledger.sql as a Month."""
    return Month(
        m["month"], m["rows_before"], Decimal(m["sum_before"]), m["rows_after"], Decimal(m["sum_after"]),
        m["kept_rows_before"], Decimal(m["kept_sum_before"]), m["kept_rows_after"],
        Decimal(m["kept_sum_after"]), bool(m["same_entries"]),
        closed_before is not None and m["month"] < closed_before,
    )  # fmt: skip


def diff(new_path: Path, served_path: Path) -> Diff:
    """Compare the warehouse file NEW_PATH (built, not yet published) with SERVED_PATH."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {lit(str(new_path))} AS incoming (READ_ONLY)")
        con.execute(f"ATTACH {lit(str(served_path))} AS served (READ_ONLY)")
        months = _rows(con, "compare_ledger")
        as_of, closed_before = _closed_before(con, months)
        balance = _rows(con, "compare_balance")[0]
        return Diff(
            served=served_path.name,
            served_as_of=as_of,
            closed_before=closed_before,
            premises=_keys(con, "compare_premises"),
            customers=_keys(con, "compare_customers"),
            ledger=tuple(_month(m, closed_before) for m in months),
            balance_before=Decimal(balance["balance_before"]),
            balance_after=Decimal(balance["balance_after"]),
            files=_file_rows(con),
        )
    finally:
        con.close()


# --- the rules -----------------------------------------------------------------------------------


def _percent(value: Decimal | float) -> Later:
    """Format a percentage with at most one decimal, as the language shown writes it: 3,1 / 2."""
    value = Decimal(str(value)).quantize(Decimal("0.1"))
    return Later(lambda: fmt.number(value, 1 if value != value.to_integral_value() else 0))


def _count(n: int) -> Later:
    """Format a count with the thousands of the language shown: 10 000."""
    return Later(lambda: fmt.number(n, 0))


def _money(amount: Decimal) -> Later:
    """Format an amount in złoty as the language shown writes it."""
    return Later(lambda: fmt.money(amount))


def _entries(n: int) -> Later:
    """Say '1 zapis', '3 zapisy', '12 zapisów' in the language shown."""
    return Later(lambda: ngettext("{n} zapis", "{n} zapisy", n).format(n=fmt.number(n, 0)))


def _premises(n: int) -> Later:
    """Say 'z 1 lokalu', 'z 40 lokali' (the count after 'z') in the language shown."""
    return Later(lambda: ngettext("{n} lokalu", "{n} lokali", n).format(n=fmt.number(n, 0)))


def _customers(n: int) -> Later:
    """Say 'z 1 klienta', 'z 40 klientów' (the count after 'z') in the language shown."""
    return Later(lambda: ngettext("{n} klienta", "{n} klientów", n).format(n=fmt.number(n, 0)))


def _gone(keys: Keys, limit: Decimal, code: str, file: str, noun: Callable[[int], Later]) -> list[Refusal]:
    """Refuse when more than LIMIT percent of the KEYS served are gone (NOUN counts them)."""
    if not keys.before or keys.gone * 100 <= limit * keys.before:
        return []
    params = {
        "gone": _count(keys.gone),
        "before": noun(keys.before),
        "share": _percent(keys.gone_share),
        "limit": _percent(limit),
        "sample": ", ".join(keys.gone_ids[:5]) + (", …" if keys.gone > 5 else ""),
    }
    return [Refusal(code, file, params)]


def _month_refusal(m: Month) -> Refusal:
    """The refusal for one closed month whose entries changed or vanished."""
    params = {
        "month": Later(lambda: fmt.month(m.month)),
        "rows_before": _entries(m.kept_rows_before),
        "sum_before": _money(m.kept_sum_before),
        "rows_after": _entries(m.kept_rows_after),
        "sum_after": _money(m.kept_sum_after),
    }
    if not m.kept_rows_after:
        return Refusal("implausible_month_vanished", "ledger.csv", params)
    if (m.kept_rows_before, m.kept_sum_before) == (m.kept_rows_after, m.kept_sum_after):
        return Refusal("implausible_month_replaced", "ledger.csv", params)
    return Refusal("implausible_month_changed", "ledger.csv", params)


def _ledger(d: Diff) -> list[Refusal]:
    """Refuse every closed month whose history changed (the first MONTHS_LISTED named, the rest counted)."""
    changed = d.closed_changed
    out = [_month_refusal(m) for m in changed[:MONTHS_LISTED]]
    if len(changed) > MONTHS_LISTED:
        out.append(
            Refusal("implausible_months_more", "ledger.csv", {"count": _count(len(changed) - MONTHS_LISTED)})
        )
    return out


def _balance(d: Diff, limit: Decimal) -> list[Refusal]:
    """Refuse when the total balance moved by more than LIMIT zł."""
    if abs(d.balance_change) <= limit:
        return []
    params = {
        "change": _money(d.balance_change),
        "before": _money(d.balance_before),
        "after": _money(d.balance_after),
        "limit": _money(limit),
    }
    return [Refusal("implausible_balance", "ledger.csv", params)]


def _rows_count(n: int) -> Later:
    """Say '1 wiersz', '3 wiersze', '12 wierszy' in the language shown."""
    return Later(lambda: ngettext("{n} wiersz", "{n} wiersze", n).format(n=fmt.number(n, 0)))


def _emptied(d: Diff) -> list[Refusal]:
    """Refuse every file that had rows in the warehouse served and has none now."""
    return [
        Refusal(
            "implausible_empty",
            f.file,
            {"before": _rows_count(f.before)},
        )
        for f in d.files
        if f.before and not f.after
    ]


def check(d: Diff, limits: config.ImportChecks | None = None) -> list[Refusal]:
    """Return why the export compared in D is implausible under LIMITS (default: the office's config)."""
    limits = limits or config.load().import_checks
    share = Decimal(str(limits.max_gone_percent))
    return [
        *_gone(d.premises, share, "implausible_premises_gone", "premises.csv", _premises),
        *_gone(d.customers, share, "implausible_customers_gone", "customers.csv", _customers),
        *_ledger(d),
        *_balance(d, Decimal(limits.max_balance_change)),
        *_emptied(d),
    ]
