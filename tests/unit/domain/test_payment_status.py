"""Online payments in words: the return page's message and what the office must look at."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from ebok.domain import payment_status as ps
from ebok.domain.online_payments import OnlinePayment

NOW = dt.datetime(2026, 12, 3, 12, 0)
BASE = OnlinePayment(
    "EB26120300000001", "B1/M1", "anna.nowak", "przelewy24", 12_345, "PLN", ("FV/1",), "pending", "317",
    NOW - dt.timedelta(minutes=10), NOW - dt.timedelta(minutes=10), None, None, None, None,
)  # fmt: skip


def payment(**changes) -> OnlinePayment:
    return dataclasses.replace(BASE, **changes)


@pytest.mark.parametrize(
    "status,tone,label",
    [("new", "info", "czeka na potwierdzenie"), ("pending", "info", "czeka na potwierdzenie"),
     ("confirmed", "success", "opłacona"), ("failed", "error", "nieudana"),
     ("cancelled", "warning", "anulowana"), ("expired", "warning", "wygasła")],
)  # fmt: skip
def test_describe_follows_the_stored_status(status, tone, label):
    state = ps.describe(payment(status=status))
    assert (state.tone, state.label, state.waiting) == (tone, label, tone == "info")


def test_confirmed_says_whether_it_is_booked():
    assert "w trakcie księgowania" in ps.describe(payment(status="confirmed")).text
    assert "zaksięgowana" in ps.describe(payment(status="confirmed", booked_load="L1")).text
    assert "123,45 zł" in ps.describe(payment(status="confirmed")).text


def test_needs_attention():
    assert ps.needs_attention(payment(), NOW) == ""
    assert ps.needs_attention(payment(status="failed"), NOW) == "płatność nieudana"
    assert ps.needs_attention(payment(problem="kwota niezgodna"), NOW) == "kwota niezgodna"
    stuck = payment(created_at=NOW - dt.timedelta(hours=1, seconds=1))
    assert "ponad godzinę" in ps.needs_attention(stuck, NOW)
    assert ps.needs_attention(payment(status="confirmed", created_at=NOW - dt.timedelta(days=3)), NOW) == ""


def test_keep_watching_only_while_waiting_and_not_for_ever():
    assert ps.keep_watching(payment(), NOW)
    assert not ps.keep_watching(payment(status="confirmed"), NOW)
    assert not ps.keep_watching(payment(created_at=NOW - dt.timedelta(minutes=15)), NOW)


def test_office_rows_and_totals():
    items = [
        payment(status="confirmed", confirmed_at=NOW, exported_batch="B1"),
        payment(status="confirmed", amount_grosze=1, confirmed_at=NOW),
        payment(status="failed", amount_grosze=99_900),
    ]
    rows = ps.office_rows(items, NOW)
    assert [r["Status"] for r in rows] == ["opłacona", "opłacona", "⚠ nieudana"]
    assert ps.flagged(rows) == [False, False, True]
    assert [r["Księgowość"] for r in rows] == ["wyeksportowana (paczka B1)", "czeka na eksport", "—"]
    assert rows[0]["Utworzona"] == "03.12.2026 12:50"  # UTC 11:50 is 12:50 in Warsaw
    assert ps.totals(items, NOW) == ps.Totals(count=3, confirmed_grosze=12_346, problems=1, waiting_export=1)


@pytest.mark.parametrize(
    "delta,text",
    [(dt.timedelta(minutes=59), "mniej niż godzinę"), (dt.timedelta(hours=5), "5 godz."),
     (dt.timedelta(days=1, hours=2), "1 dzień 2 godz."), (dt.timedelta(days=3), "3 dni 0 godz.")],
)  # fmt: skip
def test_age(delta, text):
    assert ps.age(delta) == text
