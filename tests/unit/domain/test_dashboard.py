"""Pulpit biura: registrations and new inbox items waiting, the newest load; counts made by the test itself."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import insert

from ebok.core import idempotency
from ebok.domain import dashboard, inbox
from ebok.storage import store
from ebok.storage.tables import load_runs
from tests.helpers import auth_admin
from tests.helpers.auth import resident_warehouse, write_demo_auth

NOW = dt.datetime(2026, 11, 21, 9, 0)  # Polish local time, like the loader's


@pytest.fixture(autouse=True)
def _accounts(monkeypatch):
    monkeypatch.setenv("EBOK_BCRYPT_ROUNDS", "4")
    write_demo_auth()
    resident_warehouse()


def load(load_id: str, started: dt.datetime, status: str, warehouse_file: str | None = None) -> None:
    """Record one load attempt as the loader does."""
    with store.engine().begin() as con:
        con.execute(
            insert(load_runs).values(
                load_id=load_id,
                started_at=started,
                finished_at=started + dt.timedelta(minutes=3),
                source="/srv/eksport",
                status=status,
                warehouse_file=warehouse_file,
                row_counts=json.dumps({}),
                errors=json.dumps([]),
            )
        )


def contact(text: str) -> str:
    """Submit a contact message from Anna; return its id."""
    return inbox.submit_contact(
        username="anna.nowak",
        premises_id="P1",
        topic="oplaty",
        text=text,
        idempotency_key=idempotency.new_key(),
    ).item_id


def test_nothing_waiting_and_no_load_yet():
    board = dashboard.office_dashboard(NOW)
    assert (board.pending_registrations, board.new_items, board.last_load) == (0, 0, None)
    assert board.load_outcome == "brak" and not board.load_failed
    assert board.load_text() == "Nie było jeszcze żadnego ładowania danych z systemu księgowego."
    assert board.missed_warning == "Nie było jeszcze udanego ładowania danych z systemu księgowego."


def test_counts_what_waits_and_reads_the_newest_load():
    auth_admin.submit_registration("maria.z", "maria@example.com")
    auth_admin.submit_registration("maria.y", "maria.y@example.com")
    first, second, third = (contact(f"Pytanie numer {n} o naliczenie.") for n in (1, 2, 3))
    inbox.reply(first, "Odpowiadamy.", actor="admin")  # a reply takes it up: no longer new
    inbox.set_status(second, "zakonczone", actor="admin")
    load("L1", NOW - dt.timedelta(hours=7), "ok", "wh-L1.duckdb")
    board = dashboard.office_dashboard(NOW)
    assert board.pending_registrations == 2
    assert board.new_items == 1  # only `third`
    assert board.load_outcome == "OK" and not board.load_failed
    assert board.load_text() == "21.11.2026 02:03 · wersja wh-L1.duckdb"
    assert board.missed_warning is None
    assert [i.item_id for i in inbox.office_items(status="nowe")] == [third]


def test_a_failed_newest_load_is_reported_as_such():
    load("L1", NOW - dt.timedelta(hours=30), "ok", "wh-L1.duckdb")
    load("L2", NOW - dt.timedelta(hours=6), "rejected")
    board = dashboard.office_dashboard(NOW)
    assert board.last_load.load_id == "L2"
    assert board.load_outcome == "odrzucone" and board.load_failed
    assert board.load_text() == "21.11.2026 03:03 · bez nowej wersji danych"
    assert "nocne ładowanie się nie odbyło" in board.missed_warning
