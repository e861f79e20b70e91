"""The app's money summary (Python FIFO on one premises' ledger) agrees with the analysts' views.

finance.summaries/open_items compute from the premises' own entries; analysts read v_open_items and
v_premises_balance. Both must give the same numbers on every premises of a loaded demo warehouse.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ebok.core import clock
from ebok.domain import finance
from ebok.storage import warehouse
from tests.helpers import finance as F
from tests.helpers.money import demo_loaded, use_demo

# The summary the app used to read from the views (kept here as the reference implementation).
SUMMARY_FROM_VIEWS = """
WITH items AS (
    SELECT premises_id, coalesce(due_date, entry_date) AS due, remaining
    FROM v_open_items WHERE remaining > 0
)
SELECT
    b.premises_id, b.debits, b.credits, b.balance,
    coalesce((SELECT sum(remaining) FROM items i WHERE i.premises_id = b.premises_id
              AND due < $today), 0) AS overdue,
    (SELECT min(due) FROM items i WHERE i.premises_id = b.premises_id AND due >= $today) AS next_due,
    coalesce((SELECT sum(remaining) FROM items i WHERE i.premises_id = b.premises_id AND due = (
        SELECT min(due) FROM items j WHERE j.premises_id = b.premises_id AND due >= $today)), 0)
        AS next_due_amount,
    coalesce((SELECT sum(remaining) FROM items i WHERE i.premises_id = b.premises_id), 0) AS open_total
FROM v_premises_balance b
ORDER BY b.premises_id
"""
OPEN_ITEMS_FROM_VIEW = """
SELECT entry_id, kind, entry_date, coalesce(due_date, entry_date) AS due_date, document_no,
       description, amount, remaining
FROM v_open_items WHERE premises_id = $premises_id
ORDER BY coalesce(due_date, entry_date), entry_date, entry_id
"""


@pytest.fixture
def demo(data_dir):  # type: ignore[no-untyped-def]
    use_demo(demo_loaded(), data_dir)


@pytest.mark.parametrize("shift_days", [-400, -30, 0, 45])
def test_summaries_equal_the_views_on_every_premises(demo, shift_days: int) -> None:
    today = clock.today() + dt.timedelta(days=shift_days)
    with warehouse.cursor() as cur:
        result = cur.execute(SUMMARY_FROM_VIEWS, {"today": today})
        cols = [d[0] for d in result.description]
        expected = [dict(zip(cols, row, strict=True)) for row in result.fetchall()]
    got = {s.premises_id: s for s in finance.summaries([e["premises_id"] for e in expected], today)}
    assert len(got) == len(expected) >= 20
    for e in expected:
        s = got[e["premises_id"]]
        assert (s.debits, s.credits, s.balance) == (e["debits"], e["credits"], e["balance"]), e
        assert (s.overdue, s.next_due, s.next_due_amount, s.open_total) == (
            e["overdue"],
            e["next_due"],
            e["next_due_amount"],
            e["open_total"],
        ), e


def _open_items_agree() -> dict[str, int]:
    """Compare finance.open_items with v_open_items for every premises; count the FIFO cases seen."""
    with warehouse.cursor() as cur:
        ids = [r[0] for r in cur.execute("SELECT premises_id FROM premises ORDER BY 1").fetchall()]
    cases = {"paid": 0, "partly": 0, "unpaid": 0}
    for pid in ids:
        with warehouse.cursor() as cur:
            result = cur.execute(OPEN_ITEMS_FROM_VIEW, {"premises_id": pid})
            cols = [d[0] for d in result.description]
            expected = [dict(zip(cols, row, strict=True)) for row in result.fetchall()]
        got = [i.__dict__ for i in finance.open_items(pid)]
        assert got == expected, pid
        for e in expected:
            kind = "paid" if e["remaining"] == 0 else "unpaid" if e["remaining"] == e["amount"] else "partly"
            cases[kind] += 1
    return cases


def test_open_items_equal_the_view_on_every_demo_premises(demo) -> None:
    cases = _open_items_agree()
    assert cases["paid"] > 0 and cases["unpaid"] > 0


def test_open_items_equal_the_view_with_partial_payments() -> None:
    F.build()  # hand-made ledger with a charge paid in part
    assert _open_items_agree()["partly"] > 0
