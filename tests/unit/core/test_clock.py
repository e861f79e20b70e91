"""The clock: naive UTC underneath, the Polish date and time on top, whatever the server's zone."""

from __future__ import annotations

import datetime as dt

import pytest

from ebok.core import clock


@pytest.fixture
def at():
    """Set the clock to a naive UTC moment for one test."""

    def move(moment: dt.datetime) -> None:
        clock.set_clock(lambda: moment)

    yield move
    clock.set_clock(None)


@pytest.mark.parametrize(
    ("utc", "polish_date"),
    [
        (dt.datetime(2026, 12, 5, 22, 59), dt.date(2026, 12, 5)),  # 23:59 CET
        (dt.datetime(2026, 12, 5, 23, 0), dt.date(2026, 12, 6)),  # midnight CET, still the 5th in UTC
        (dt.datetime(2026, 7, 1, 21, 59), dt.date(2026, 7, 1)),  # 23:59 CEST
        (dt.datetime(2026, 7, 1, 22, 0), dt.date(2026, 7, 2)),  # midnight CEST
    ],
)
def test_today_is_the_polish_date(at, utc, polish_date):
    at(utc)
    assert clock.today() == polish_date


def test_local_now_follows_summer_time(at):
    at(dt.datetime(2026, 3, 29, 0, 59))
    assert clock.local_now() == dt.datetime(2026, 3, 29, 1, 59)
    at(dt.datetime(2026, 3, 29, 1, 0))  # 02:00 CET becomes 03:00 CEST
    assert clock.local_now() == dt.datetime(2026, 3, 29, 3, 0)
