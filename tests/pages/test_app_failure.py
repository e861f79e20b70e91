"""app.py's one handler: an unexpected exception on a page is told in Polish, never in English."""

from __future__ import annotations

import logging
import re

import pytest
from streamlit.testing.v1 import AppTest

from ebok.core import clock, settings
from ebok.domain import finance
from ebok.web import failure, navigation
from tests.helpers import meters_demo as md
from tests.helpers.auth import login_as, write_demo_auth

APP = str(settings.ROOT / "app.py")


@pytest.fixture(autouse=True)
def _demo(data_dir):
    write_demo_auth()
    md.use(data_dir)
    navigation.customer_modules.clear()
    clock.set_clock(lambda: md.NOW_UTC)
    yield
    clock.set_clock(None)


def test_an_unexpected_error_on_a_page_is_shown_in_polish_with_a_logged_reference(monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk I/O error")  # what a failing machine throws, in English

    # Saldo reads the pending readings outside the cache on every run: break that call.
    monkeypatch.setattr(finance, "pending_submissions", broken)
    at = AppTest.from_file(APP, default_timeout=60)
    login_as(at, "anna.nowak")
    with caplog.at_level(logging.ERROR, logger="ebok.failure"):
        at.run()
    assert not at.exception  # Streamlit's English exception box is never drawn
    [shown] = [e.value for e in at.error if "nieoczekiwany błąd" in e.value]
    ref = re.search(r"podaj biuru jego numer: ([0-9A-F]{8})\.", shown)
    assert ref and shown == failure.MESSAGE.format(ref=ref.group(1))
    assert "disk I/O error" not in shown  # the cause goes to the log, not to the resident
    [record] = [r for r in caplog.records if r.name == "ebok.failure"]
    assert ref.group(1) in record.getMessage() and "disk I/O error" in record.exc_text


def test_stop_and_rerun_pass_through_the_handler():
    at = AppTest.from_file(APP, default_timeout=60)
    login_as(at, "anna.nowak")
    at.run()
    assert not at.exception
    assert not [e.value for e in at.error if "nieoczekiwany błąd" in e.value]
    assert at.title[0].value == "Saldo"  # the page ran to its end


def test_a_page_reading_an_unavailable_warehouse_says_so_not_that_something_broke(monkeypatch):
    """Registration and office pages read the warehouse without the resident guard: same honest text."""
    from pathlib import Path

    from ebok.storage import warehouse

    fault = warehouse.Fault("wh-x.duckdb", Path("wh-x.duckdb"), "plik nie istnieje", None)

    def unavailable(*_args, **_kwargs):
        raise warehouse.WarehouseUnavailable(fault)

    monkeypatch.setattr(finance, "pending_submissions", unavailable)
    at = AppTest.from_file(APP, default_timeout=60)
    login_as(at, "anna.nowak")
    at.run()
    assert not at.exception
    assert failure.UNAVAILABLE_TEXT in [w.value for w in at.warning]
    assert not [e.value for e in at.error if "nieoczekiwany błąd" in e.value]
