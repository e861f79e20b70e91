"""Which premises a user may see: the warehouse's premises of their customer + office extras."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb

from ebok.storage import warehouse


@dataclass(frozen=True)
class PremisesRef:
    """A premises id with a label for the selector."""

    premises_id: str
    label: str


def _label(row: tuple) -> str:
    pid, _cust, street, building_no, unit_no, city, _kind = row
    address = f"{street} {building_no}" + (f"/{unit_no}" if unit_no else "")
    return f"{address}, {city} ({pid})"


def premises_of(customer_id: str | None, extras: tuple[str, ...] = ()) -> tuple[PremisesRef, ...]:
    """Return the user's premises: their customer's premises ∪ office extras (extras kept if unknown)."""
    path = warehouse.current_path()
    return _premises_of(customer_id, tuple(extras), path, warehouse.file_stamp(path))


# The guard asks on every rerun; the answer only changes with the customer, the extras or the
# warehouse file, all in the key. Bounded: at most this many (customer, version) entries.
@lru_cache(maxsize=4096)
def _premises_of(
    customer_id: str | None, extras: tuple[str, ...], path: Path | None, stamp: tuple[int, int, int] | None
) -> tuple[PremisesRef, ...]:
    """Compute premises_of() for one warehouse file version (PATH, STAMP = warehouse.file_stamp)."""
    found: dict[str, PremisesRef] = {}
    if path is not None and stamp is not None:
        try:
            with warehouse.cursor(path) as cur:
                rows = cur.execute(
                    warehouse.query_text("auth_customer_premises"),
                    {"customer_id": customer_id or "", "extra": list(extras)},
                ).fetchall()
        except (duckdb.Error, FileNotFoundError):
            rows = []
        for row in rows:
            found[row[0]] = PremisesRef(row[0], _label(row))
    for pid in extras:
        found.setdefault(pid, PremisesRef(pid, pid))
    return tuple(sorted(found.values(), key=lambda p: p.premises_id))
