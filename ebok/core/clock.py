"""The clock every auth decision reads: naive UTC, replaceable in tests; Polish local time from it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Warsaw")

_clock: Callable[[], datetime] | None = None


def now() -> datetime:
    """Return the current time as naive UTC (what the store's DateTime columns hold)."""
    if _clock is not None:
        return _clock()
    return datetime.now(UTC).replace(tzinfo=None)


def set_clock(fn: Callable[[], datetime] | None) -> None:
    """Make now() return fn() (tests move time); None restores the real clock."""
    global _clock
    _clock = fn


def local_time(value: datetime) -> datetime:
    """Convert a stored naive UTC moment to Polish local time (aware)."""
    return value.replace(tzinfo=UTC).astimezone(LOCAL_TZ)


def local_now() -> datetime:
    """Return the current Polish local time, naive, from the replaceable clock."""
    return local_time(now()).replace(tzinfo=None)


def today() -> date:
    """Return today's date in Poland, the office's day, whatever the server's own time zone."""
    return local_now().date()
