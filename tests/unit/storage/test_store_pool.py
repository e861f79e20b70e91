"""The store's bounded connection pool: under overload a page waits for a connection, never fails.

A server store (PostgreSQL) gets pool_size + max_overflow connections per process at most
(EBOK_STORE_POOL_SIZE, EBOK_STORE_MAX_OVERFLOW, EBOK_STORE_POOL_TIMEOUT); the SQLite store keeps
SQLAlchemy's own pool. The PostgreSQL test runs when EBOK_TEST_PG_URL names a server (test.sh).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import QueuePool

from ebok.core import settings
from ebok.storage import store
from tests.helpers.stores import empty_store_url

THREADS = 24
BOUND = (2, 1)  # pool_size, max_overflow: at most 3 connections


@pytest.fixture
def tiny_pool(monkeypatch):
    """Bound the pool to 2 + 1 connections, with a timeout far above the test's waits."""
    monkeypatch.setenv("EBOK_STORE_POOL_SIZE", str(BOUND[0]))
    monkeypatch.setenv("EBOK_STORE_MAX_OVERFLOW", str(BOUND[1]))
    monkeypatch.setenv("EBOK_STORE_POOL_TIMEOUT", "60")
    store.dispose_all()
    yield sum(BOUND)
    store.dispose_all()


def test_pool_defaults_and_bad_values(monkeypatch):
    """Without settings the pool is 5 + 5 with a 30 s wait; unreadable or negative values fall back."""
    for name in ("EBOK_STORE_POOL_SIZE", "EBOK_STORE_MAX_OVERFLOW", "EBOK_STORE_POOL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    assert settings.store_pool() == {"size": 5, "overflow": 5, "timeout": 30.0}
    monkeypatch.setenv("EBOK_STORE_POOL_SIZE", "many")
    monkeypatch.setenv("EBOK_STORE_MAX_OVERFLOW", "-3")
    monkeypatch.setenv("EBOK_STORE_POOL_TIMEOUT", "2.5")
    assert settings.store_pool() == {"size": 5, "overflow": 5, "timeout": 2.5}
    monkeypatch.setenv("EBOK_STORE_POOL_SIZE", "0")
    assert settings.store_pool()["size"] == 1


def test_server_store_gets_a_bounded_queue_pool(tiny_pool):
    """A PostgreSQL URL is given the bounded pool (no server needed to build the engine's options)."""
    options = store._pool_options("postgresql+psycopg://ebok@127.0.0.1:1/ebok")
    assert options["poolclass"] is QueuePool
    assert (options["pool_size"], options["max_overflow"], options["pool_timeout"]) == (2, 1, 60.0)
    assert options["pool_pre_ping"] is True


def test_sqlite_store_is_unaffected(tiny_pool, data_dir):
    """The SQLite store keeps SQLAlchemy's own pool: the pool settings do not apply to it."""
    assert store._pool_options(settings.store_url()) == {}
    eng = store.engine()
    assert eng.dialect.name == "sqlite"
    assert eng.pool.size() != BOUND[0]  # SQLAlchemy's default, not the server store's bound


def _hammer(eng: sa.Engine, hold: float, probe: str) -> tuple[int, list[BaseException]]:
    """Run THREADS queries at once, each holding its connection HOLD s; return (most open, errors).

    The count of connections open is the pool's own (checked-out connections), sampled by every
    thread while it holds one.
    """
    start = threading.Barrier(THREADS)
    most = 0
    lock = threading.Lock()
    errors: list[BaseException] = []

    def one(_i: int) -> None:
        nonlocal most
        start.wait()
        try:
            with eng.connect() as con:
                with lock:
                    most = max(most, eng.pool.checkedout())
                con.execute(sa.text(probe))
                time.sleep(hold)
        except BaseException as exc:  # noqa: BLE001 - every failure is the test's finding
            errors.append(exc)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(one, range(THREADS)))
    return most, errors


def test_overload_waits_within_the_bound_on_a_queue_pool(tiny_pool, data_dir):
    """Many threads at once on a pool of 2 + 1: every call succeeds and at most 3 are open.

    Runs on a SQLite file with the server store's pool options, so it needs no server; the
    PostgreSQL test below checks the same against the server's own count.
    """
    options = store._pool_options("postgresql+psycopg://ebok@127.0.0.1:1/ebok")
    eng = sa.create_engine(f"sqlite:///{data_dir / 'pool.sqlite'}", **options)
    try:
        most, errors = _hammer(eng, 0.05, "SELECT 1")
    finally:
        eng.dispose()
    assert errors == []
    assert 1 <= most <= tiny_pool


@pytest.mark.postgres
def test_postgresql_overload_waits_and_never_opens_more(tiny_pool, data_dir, monkeypatch):
    """On PostgreSQL: 24 threads at once, pool 2 + 1; all succeed, the server sees at most 3."""
    with empty_store_url("postgresql", data_dir, "pool") as url:
        monkeypatch.setenv("EBOK_STORE_URL", url)
        eng = store.engine()
        database = eng.url.database
        seen = 0
        done = threading.Event()
        watcher = sa.create_engine(url, poolclass=sa.pool.NullPool)

        def watch() -> None:
            nonlocal seen
            with watcher.connect() as con:
                mine = con.execute(sa.text("SELECT pg_backend_pid()")).scalar()
                while not done.is_set():
                    count = con.execute(
                        sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND pid <> :me"),
                        {"d": database, "me": mine},
                    ).scalar()
                    seen = max(seen, int(count or 0))
                    time.sleep(0.01)

        thread = threading.Thread(target=watch)
        thread.start()
        try:
            most, errors = _hammer(eng, 0.0, "SELECT pg_sleep(0.1)")
        finally:
            done.set()
            thread.join()
            watcher.dispose()
        assert errors == []
        assert 1 <= most <= tiny_pool
        assert 1 <= seen <= tiny_pool
