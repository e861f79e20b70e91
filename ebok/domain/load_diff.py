"""A load's comparison with the warehouse served before it: what the loader stores, what Stan danych shows.

The loader (ebok.loader.compare) computes it before publishing and keeps it as JSON in
load_runs.diff (Stan danych reads it there) and in the new warehouse's etl_loads.diff (analysts read it
there, from DuckDB). Money is Decimal,
kept in the JSON as text so no amount passes through a float.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

SAMPLE = 20  # ids listed per side (added, gone); the counts are always complete


@dataclass(frozen=True)
class Keys:
    """Premises or customers in the warehouse served and in the new export."""

    before: int
    after: int
    added: int
    gone: int
    added_ids: tuple[str, ...] = ()  # the first SAMPLE, sorted
    gone_ids: tuple[str, ...] = ()

    @property
    def gone_share(self) -> Decimal:
        """Return the gone ones as a percentage of those served (0 when none were served)."""
        return Decimal(self.gone) * 100 / self.before if self.before else Decimal(0)


@dataclass(frozen=True)
class Month:
    """One month of the ledger (by entry_date) in both warehouses."""

    month: dt.date  # the first day of the month
    rows_before: int  # every entry of the month
    sum_before: Decimal
    rows_after: int
    sum_after: Decimal
    # Only the entries of premises present on both sides: a premises gone takes its history along
    # and is counted as gone, not as a changed month.
    kept_rows_before: int
    kept_sum_before: Decimal
    kept_rows_after: int
    kept_sum_after: Decimal
    same_entries: bool  # those entries are the same (id, premises, date, amount) on both sides
    closed: bool  # before the served data's month: its history must not change

    @property
    def changed(self) -> bool:
        """Return True when the entries of the premises kept differ between the two warehouses."""
        before = (self.kept_rows_before, self.kept_sum_before)
        return not self.same_entries or before != (self.kept_rows_after, self.kept_sum_after)


@dataclass(frozen=True)
class FileRows:
    """One export file's data rows in the warehouse served (None: it had no such table) and the new one."""

    file: str
    before: int | None
    after: int


@dataclass(frozen=True)
class Diff:
    """The new warehouse against the one served: premises, customers, ledger per month, balance, files."""

    served: str  # the warehouse file served when the load compared
    served_as_of: dt.datetime | None  # its "data as of" (export time)
    closed_before: dt.date | None  # months before this one are closed
    premises: Keys
    customers: Keys
    ledger: tuple[Month, ...]
    balance_before: Decimal  # total balance of all premises: payments minus charges (resident's sign)
    balance_after: Decimal
    files: tuple[FileRows, ...]

    @property
    def balance_change(self) -> Decimal:
        """Return how much the total balance moved."""
        return self.balance_after - self.balance_before

    @property
    def closed_changed(self) -> tuple[Month, ...]:
        """Return the closed months whose entries changed or vanished."""
        return tuple(m for m in self.ledger if m.closed and m.changed)

    def to_json(self) -> str:
        """Return the JSON kept in load_runs.diff (dates ISO, money as text)."""
        return json.dumps(asdict(self), ensure_ascii=False, default=_plain, sort_keys=True)


def _plain(value: Any) -> str:
    """Serialise dates and Decimals as text."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def _keys(data: dict[str, Any]) -> Keys:
    """Rebuild Keys from their JSON."""
    return Keys(
        int(data["before"]),
        int(data["after"]),
        int(data["added"]),
        int(data["gone"]),
        tuple(data["added_ids"]),
        tuple(data["gone_ids"]),
    )


def _month(data: dict[str, Any]) -> Month:
    """Rebuild a Month from its JSON."""
    return Month(
        dt.date.fromisoformat(data["month"]),
        int(data["rows_before"]),
        Decimal(data["sum_before"]),
        int(data["rows_after"]),
        Decimal(data["sum_after"]),
        int(data["kept_rows_before"]),
        Decimal(data["kept_sum_before"]),
        int(data["kept_rows_after"]),
        Decimal(data["kept_sum_after"]),
        bool(data["same_entries"]),
        bool(data["closed"]),
    )


def from_json(text: str | None) -> Diff | None:
    """Return the Diff kept in load_runs.diff, or None (no comparison, or unreadable JSON)."""
    try:
        data = json.loads(text or "null")
        if not isinstance(data, dict):
            return None
        as_of, closed = data["served_as_of"], data["closed_before"]
        return Diff(
            served=str(data["served"]),
            served_as_of=dt.datetime.fromisoformat(as_of) if as_of else None,
            closed_before=dt.date.fromisoformat(closed) if closed else None,
            premises=_keys(data["premises"]),
            customers=_keys(data["customers"]),
            ledger=tuple(_month(m) for m in data["ledger"]),
            balance_before=Decimal(data["balance_before"]),
            balance_after=Decimal(data["balance_after"]),
            files=tuple(FileRows(f["file"], f["before"], int(f["after"])) for f in data["files"]),
        )
    except (ValueError, KeyError, TypeError, ArithmeticError):
        return None
