"""Pulpit: the office lands on it after signing in; numbers counted by the test, links to the pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

from ebok.core import clock, idempotency, settings
from ebok.domain import inbox
from ebok.storage import store
from ebok.storage.tables import load_runs
from tests.helpers import auth_admin
from tests.helpers.auth import login_as, resident_warehouse, write_demo_auth

APP = str(settings.ROOT / "app.py")


@pytest.fixture(autouse=True)
def _accounts(monkeypatch):
    monkeypatch.setenv("EBOK_BCRYPT_ROUNDS", "4")
    write_demo_auth()
    resident_warehouse()


def signed_in(username: str) -> AppTest:
    """Run app.py signed in as USERNAME: the page it lands on."""
    at = AppTest.from_file(APP, default_timeout=30)
    login_as(at, username)
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_office_lands_on_its_dashboard_with_the_numbers():
    auth_admin.submit_registration()
    for n in range(3):
        inbox.submit_contact(
            username="anna.nowak",
            premises_id="P1",
            topic="inne",
            text=f"Wiadomość numer {n} do biura.",
            idempotency_key=idempotency.new_key(),
        )
    started = clock.local_now() - dt.timedelta(hours=5)
    with store.engine().begin() as con:
        con.execute(
            insert(load_runs).values(
                load_id="L1",
                started_at=started,
                finished_at=started + dt.timedelta(minutes=2),
                source="/srv/eksport",
                status="failed",
                row_counts="{}",
                errors=json.dumps([]),
            )  # fmt: skip
        )
    at = signed_in("admin")
    assert [t.value for t in at.title] == ["Pulpit"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Rejestracje do zatwierdzenia": "1",
        "Nowe zgłoszenia": "3",
        "Ostatnie ładowanie danych": "błąd",
    }
    shown = f"{(started + dt.timedelta(minutes=2)):%d.%m.%Y %H:%M} · bez nowej wersji danych"
    assert shown in [c.value for c in at.caption]
    assert [e.value for e in at.error] == [
        "Ostatnie ładowanie nie zmieniło danych — sprawdź przyczynę w „Stan danych”."
    ]
    links = at.get("page_link")
    assert [link.proto.label for link in links] == ["Konta i rejestracje", "Skrzynka zgłoszeń", "Stan danych"]


def test_residents_still_land_on_saldo():
    at = signed_in("anna.nowak")
    assert [t.value for t in at.title] == ["Saldo"]
