"""An empty operational-store database per test, on SQLite or on the PostgreSQL server test.sh starts."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from ebok.storage import store

PG_URL = os.environ.get("EBOK_TEST_PG_URL")


@contextmanager
def empty_store_url(backend: str, data_dir: Path, name: str) -> Iterator[str]:
    """Yield the URL of a new empty database NAME on BACKEND ('sqlite' or 'postgresql'), dropped after.

    PostgreSQL needs EBOK_TEST_PG_URL (test.sh starts a throw-away cluster); without it the test skips.
    """
    if backend == "sqlite":
        yield f"sqlite:///{data_dir / f'{name}.sqlite'}"
        return
    if not PG_URL:
        pytest.skip("EBOK_TEST_PG_URL not set: no PostgreSQL server (test.sh starts one when installed)")
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    database = f"ebok_{name[:8]}_{uuid.uuid4().hex[:12]}".replace("-", "_")
    with admin.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{database}"'))
    try:
        yield sa.engine.make_url(PG_URL).set(database=database).render_as_string(hide_password=False)
    finally:
        store.dispose_all()
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
