"""Which premises a user may see: the warehouse's premises of their customer + office extras."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ebok import warehouse


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
    found: dict[str, PremisesRef] = {}
    if warehouse.current_version() is not None:
        try:
            with warehouse.cursor() as cur:
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
