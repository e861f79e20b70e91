"""The clock every auth decision reads: naive UTC, replaceable in tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

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
