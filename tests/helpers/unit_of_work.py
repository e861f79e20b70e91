"""Failure injection for units of work that span auth.yaml and the store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine.base import RootTransaction

from ebok.auth import users
from ebok.core import settings
from ebok.storage import store
from ebok.storage.tables import audit_log, auth_tokens, mail_outbox, registrations


@contextmanager
def store_refuses(table: str, when: str = "1") -> Iterator[None]:
    """Make the real store refuse INSERTs into TABLE (a SQLite trigger) while inside the block."""
    with store.engine().begin() as con:
        con.execute(
            text(
                f"CREATE TRIGGER test_refuse BEFORE INSERT ON {table} WHEN {when} "
                "BEGIN SELECT RAISE(ABORT, 'awaria bazy (test)'); END"
            )
        )
    try:
        yield
    finally:
        with store.engine().begin() as con:
            con.execute(text("DROP TRIGGER test_refuse"))


@contextmanager
def auth_yaml_write_fails() -> Iterator[None]:
    """Make the atomic replace of auth.yaml fail like a full disk while inside the block."""

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("dysk pełny (test)")

    # Its own MonkeyPatch: undoing the test's would also undo conftest's EBOK_AUTH_FILE.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(users.os, "replace", broken_replace)
        yield


@contextmanager
def commit_fails() -> Iterator[None]:
    """Make every store commit fail after its writes (as a lost connection would) inside the block."""
    store.engine()  # migrate first: the schema's own commits must not be the ones that fail

    def broken_commit(self: RootTransaction) -> None:
        raise OSError("połączenie zerwane przy zatwierdzaniu (test)")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(RootTransaction, "commit", broken_commit)
        yield


def raw_auth_yaml() -> bytes | None:
    """Return auth.yaml byte for byte, None when it does not exist."""
    path = settings.auth_file()
    return path.read_bytes() if path.exists() else None


def left_in_store() -> dict[str, int]:
    """Count the rows a registration or an office action leaves: registrations, tokens, e-mails, audit."""
    with store.engine().connect() as con:
        return {
            table.name: int(con.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (registrations, auth_tokens, mail_outbox, audit_log)
        }
