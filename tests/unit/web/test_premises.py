"""ebok.web.premises.default_premises: which premises a resident sees first after login."""

from __future__ import annotations

from decimal import Decimal

from ebok.domain.finance import Summary
from ebok.web.premises import default_premises


def summary(pid: str, kind: str, overdue: str = "0", open_total: str = "0") -> Summary:
    """A premises' money summary with only what the choice reads."""
    return Summary(
        pid,
        "ul. Lipowa 7",
        kind,
        Decimal(0),
        Decimal(0),
        Decimal(0),
        Decimal(overdue),
        None,
        Decimal(0),
        Decimal(open_total),
    )


def test_the_premises_with_most_overdue_comes_first_then_most_to_pay():
    ids = ("G1", "M1", "U1")
    found = [
        summary("G1", "garage", open_total="40"),
        summary("M1", "residential", open_total="955.32"),
        summary("U1", "commercial", overdue="10", open_total="10"),
    ]
    assert default_premises(ids, found) == "U1"  # something overdue beats a larger amount not yet due
    found[2] = summary("U1", "commercial")
    assert default_premises(ids, found) == "M1"


def test_nothing_to_pay_shows_the_residential_premises_not_the_first_id():
    ids = ("G1", "M1")
    assert default_premises(ids, [summary("G1", "garage"), summary("M1", "residential")]) == "M1"
    assert default_premises(ids, []) == "G1"  # no data: the first one
