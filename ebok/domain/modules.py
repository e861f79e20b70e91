"""Which optional modules (meters, settlements, waste, voting) apply to a resident's premises.

The office's module switches say what the portal offers at all; this says what applies to one
customer: voting only for owners in a community, waste only with a collection point, meters and
settlements only with meters. A resident with several premises gets a module when any of them has it.
"""

from __future__ import annotations

from collections.abc import Iterable

from ebok.storage import warehouse

# The config modules that depend on the premises; the others (contact, faults) apply to everyone.
PER_PREMISES = ("meters", "settlements", "waste", "voting")


def by_premises(premises_ids: Iterable[str]) -> dict[str, frozenset[str]]:
    """Return the PER_PREMISES modules that apply to each of PREMISES_IDS found in the warehouse."""
    ids = sorted(set(premises_ids))
    if not ids:
        return {}
    found = warehouse.rows("modules_premises", premises_ids=ids)
    return {r["premises_id"]: frozenset(m for m in PER_PREMISES if r[m]) for r in found}


def applicable(premises_ids: Iterable[str]) -> frozenset[str]:
    """Return the PER_PREMISES modules that apply to at least one of PREMISES_IDS (none before a load)."""
    return frozenset().union(*by_premises(premises_ids).values())
