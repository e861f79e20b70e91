"""Shared fixtures: every test gets its own data directory, never the real data/."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from ebok.core import clock
from ebok.storage import store, warehouse

# Longer than any one test takes (a browser journey is about a minute).
MIDNIGHT_MARGIN_S = 300


@pytest.fixture(autouse=True)
def one_polish_day():
    """Start no test in the last minutes of a Polish day, so none straddles the date it checks against."""
    # A test works out what a page shows "today" and the page works it out again a moment later (in a
    # server process, for the browser tests): across midnight the two would be different days.
    # The real clock, not clock.now(): a fake time a test forgot to reset must not make this wait.
    now = dt.datetime.now(clock.LOCAL_TZ).replace(tzinfo=None)
    left = (dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time()) - now).total_seconds()
    if left < MIDNIGHT_MARGIN_S:
        time.sleep(left + 1)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Point EBOK_DATA_DIR (and the auth and config files) at a fresh temporary folder."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("EBOK_DATA_DIR", str(path))
    monkeypatch.setenv("EBOK_AUTH_FILE", str(path / "auth.yaml"))
    monkeypatch.setenv("EBOK_CONFIG", str(path / "config.yaml"))
    monkeypatch.delenv("EBOK_STORE_URL", raising=False)
    # A developer's demo shell must not route the tests' mail to a catcher or their links to a port.
    monkeypatch.delenv("EBOK_DEMO", raising=False)
    monkeypatch.delenv("EBOK_BASE_URL", raising=False)
    yield path
    warehouse.close_all()
    store.dispose_all()
