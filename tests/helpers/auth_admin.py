"""Fixtures for the office account tests: demo users, a tiny warehouse and auth.yaml read from disk."""

from __future__ import annotations

from typing import Any

import yaml
from sqlalchemy import select

from ebok.auth import registration
from ebok.core import settings
from ebok.storage import store
from ebok.storage.tables import auth_sessions, registrations

CHALLENGE = registration.Challenge("Ile to jest dwa dodać trzy?", 5)
NEW_PASSWORD = "Pelargonie-Na-Oknie-7"


def on_disk() -> dict[str, dict[str, Any]]:
    """Return the users as auth.yaml holds them now (read from disk, no cache)."""
    data = yaml.safe_load(settings.auth_file().read_text(encoding="utf-8"))
    return data["credentials"]["usernames"]


def raw_bytes() -> bytes:
    """Return auth.yaml byte for byte (to prove nothing was written)."""
    return settings.auth_file().read_bytes()


def session_rows(username: str) -> list[dict[str, Any]]:
    """Return the server-side session rows of USERNAME."""
    with store.engine().connect() as con:
        return [
            dict(r)
            for r in con.execute(select(auth_sessions).where(auth_sessions.c.username == username)).mappings()
        ]


def registration_row(registration_id: str) -> dict[str, Any]:
    """Return one registrations row."""
    with store.engine().connect() as con:
        return dict(
            con.execute(select(registrations).where(registrations.c.registration_id == registration_id))
            .mappings()
            .one()
        )


def submit_registration(
    username: str = "maria.z", email: str = "maria@example.com", *, manual: bool = False
) -> str:
    """Register Maria (L0002) with a matching proof from the tiny warehouse; return the registration id.

    MANUAL: a wrong amount sent to the office for a manual check instead.
    """
    form = registration.RegistrationForm(
        customer_id="L0002",
        email=email,
        username=username,
        password=NEW_PASSWORD,
        repeat=NEW_PASSWORD,
        amount="999,99" if manual else "410,50",  # October's charge in resident_warehouse()
        accept_regulations=True,
        bot_answer="5",
    )
    return registration.register(
        form, CHALLENGE, "192.0.2.7", elapsed_seconds=30.0, manual=manual
    ).registration_id
