"""The operational store behaves the same on SQLite (default) and PostgreSQL (EBOK_TEST_PG_URL).

Every test runs once per backend. The PostgreSQL run gets its own throw-away database created from
EBOK_TEST_PG_URL (test.sh starts a loopback cluster via scripts/setup.sh) and is skipped, with the
reason, when that variable is not set.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
from datetime import datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from ebok.core import settings
from ebok.storage import decimals, store
from ebok.storage.tables import metadata
from tests.helpers.stores import empty_store_url

WHEN = datetime(2026, 11, 21, 12, 34, 56)
TEXT = "Zażółć gęślą jaźń — ŹDŹBŁO 100 zł"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request, data_dir):
    """Yield a store URL on an empty database of the requested backend."""
    with empty_store_url(request.param, data_dir, "store-test") as value:
        yield value


def _value(column: sa.Column, seq: int = 0):  # type: ignore[type-arg]
    """Return a sample value for COLUMN that survives a round trip unchanged on both backends."""
    kind = column.type
    if isinstance(kind, sa.Numeric):
        scale = kind.scale if kind.scale is not None else 4
        return (Decimal("12345.6789") + seq).quantize(Decimal(1).scaleb(-scale))
    if isinstance(kind, sa.Integer):
        return 7 + seq
    if isinstance(kind, sa.DateTime):
        return WHEN
    if isinstance(kind, sa.String | sa.Text):
        length = getattr(kind, "length", None) or 200
        return f"{seq}-{TEXT}"[:length]
    raise AssertionError(f"no sample value for {column} of type {kind!r}; extend _value()")


def _sample_row(table: sa.Table, inserted: dict[tuple[str, str], object], seq: int = 0) -> dict[str, object]:
    """Return a full row for TABLE (SEQ varies unique columns); foreign keys point at rows inserted before."""
    row: dict[str, object] = {}
    for column in table.columns:
        if column.primary_key and column.autoincrement is True and isinstance(column.type, sa.Integer):
            continue
        fks = list(column.foreign_keys)
        if fks:
            target = fks[0].column
            row[column.name] = inserted[(target.table.name, target.name)]
            continue
        row[column.name] = _value(column, seq)
    return row


def test_default_store_is_sqlite_in_the_data_directory(data_dir):
    """Without EBOK_STORE_URL the store is a SQLite file inside EBOK_DATA_DIR."""
    assert settings.store_url() == f"sqlite:///{data_dir / 'ebok.sqlite'}"
    eng = store.engine()
    assert eng.dialect.name == "sqlite"
    assert (data_dir / "ebok.sqlite").exists()


def test_store_url_from_environment(monkeypatch, data_dir):
    """EBOK_STORE_URL replaces the default (how a replica points at PostgreSQL)."""
    monkeypatch.setenv("EBOK_STORE_URL", "postgresql+psycopg://ebok@127.0.0.1:5432/ebok")
    assert settings.store_url() == "postgresql+psycopg://ebok@127.0.0.1:5432/ebok"


def test_engine_is_cached_and_creates_every_table(url):
    """One engine per URL per process, and the whole schema exists after the first call."""
    eng = store.engine(url)
    assert store.engine(url) is eng
    assert set(sa.inspect(eng).get_table_names()) >= set(metadata.tables)
    store.dispose_all()
    assert store.engine(url) is not eng


def test_engine_creation_is_idempotent_on_an_existing_schema(url):
    """A second process (or a restart) opening a store whose tables exist must not fail."""
    store.engine(url)
    store.dispose_all()
    eng = store.engine(url)
    assert set(sa.inspect(eng).get_table_names()) >= set(metadata.tables)


def test_every_table_round_trips_a_full_row(url):
    """Each module's table stores and returns Polish text, exact decimals and timestamps unchanged."""
    eng = store.engine(url)
    inserted: dict[tuple[str, str], object] = {}
    with eng.begin() as con:
        for table in metadata.sorted_tables:
            row = _sample_row(table, inserted)
            result = con.execute(table.insert().values(**row))
            pk = dict(
                zip([c.name for c in table.primary_key.columns], result.inserted_primary_key, strict=True)
            )
            for name, value in {**row, **pk}.items():
                inserted[(table.name, name)] = value
    with eng.connect() as con:
        for table in metadata.sorted_tables:
            got = con.execute(sa.select(table)).mappings().one()
            for column in table.columns:
                assert got[column.name] == inserted[(table.name, column.name)], (table.name, column.name)


def test_decimal_values_keep_four_places(url):
    """Meter readings are exact to 4 places on both backends, up to the column's largest value.

    SQLite kept NUMERIC as a double: 12345678901234.5678 came back as 12345678901234.5684 and
    99999999999999.9999 as 100000000000000. SQL comparisons, ORDER BY and sums stay numeric.
    """
    from ebok.storage.tables import reading_submissions as rs

    eng = store.engine(url)
    values = [
        Decimal("0"),
        Decimal("0.0001"),
        Decimal("9.5"),
        Decimal("10"),
        Decimal("123456.7891"),
        Decimal("12345678901234.5678"),
        Decimal("99999999999999.9999"),
    ]
    assert decimals.largest(rs.c.value.type) == values[-1]
    with eng.begin() as con:
        for i, value in enumerate(values):
            con.execute(
                rs.insert().values({**_sample_row(rs, {}, seq=i), "submission_id": f"s{i}", "value": value})
            )
    with eng.connect() as con:
        got = con.execute(sa.select(rs.c.value).order_by(rs.c.submission_id)).scalars().all()
        ordered = con.execute(sa.select(rs.c.value).order_by(rs.c.value.desc())).scalars().all()
        small = con.execute(sa.select(sa.func.sum(rs.c.value)).where(rs.c.value < 100)).scalar_one()
        between = con.execute(sa.select(rs.c.value).where(rs.c.value.between(9, 10))).scalars().all()
    assert got == values
    assert [str(v) for v in got] == [f"{v:.4f}" for v in values]  # always 4 places, as NUMERIC(18,4)
    assert ordered == sorted(values, reverse=True)
    assert small == Decimal("19.5001")
    assert sorted(between) == [Decimal("9.5"), Decimal("10")]


def test_a_value_the_column_cannot_hold_is_refused(url):
    """Above the largest value both backends raise instead of storing another number."""
    from ebok.storage.tables import reading_submissions as rs

    eng = store.engine(url)
    row = {**_sample_row(rs, {}), "value": decimals.largest(rs.c.value.type) + Decimal("0.0001")}
    with pytest.raises(sa.exc.StatementError), eng.begin() as con:
        con.execute(rs.insert().values(row))
    with eng.connect() as con:
        assert con.execute(sa.select(sa.func.count()).select_from(rs)).scalar_one() == 0


def test_duplicate_primary_key_is_rejected(url):
    """Both backends raise IntegrityError, which callers turn into a Polish message."""
    from ebok.storage.tables import load_runs

    eng = store.engine(url)
    row = _sample_row(load_runs, {})
    with eng.begin() as con:
        con.execute(load_runs.insert().values(row))
    with pytest.raises(IntegrityError), eng.begin() as con:
        con.execute(load_runs.insert().values(row))


def test_failed_transaction_leaves_nothing_behind(url):
    """A write that fails half-way is rolled back as a whole."""
    from ebok.storage.tables import audit_log, load_runs

    eng = store.engine(url)
    row = _sample_row(load_runs, {})
    with pytest.raises(IntegrityError), eng.begin() as con:
        con.execute(audit_log.insert().values(at=WHEN, action="test.first"))
        con.execute(load_runs.insert().values(row))
        con.execute(load_runs.insert().values(row))
    with eng.connect() as con:
        assert con.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar() == 0
        assert con.execute(sa.select(sa.func.count()).select_from(load_runs)).scalar() == 0


def test_concurrent_writers_from_threads_all_land(url):
    """Streamlit runs each session in its own thread: parallel appends must all be stored."""
    from ebok.storage.tables import audit_log

    eng = store.engine(url)
    threads_n, per_thread = 8, 25
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(per_thread):
                with eng.begin() as con:
                    con.execute(audit_log.insert().values(at=WHEN, action="bench.write", details=f"{n}:{i}"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    with eng.connect() as con:
        ids = con.execute(sa.select(audit_log.c.id)).scalars().all()
        details = set(con.execute(sa.select(audit_log.c.details)).scalars())
    assert len(ids) == len(set(ids)) == threads_n * per_thread
    assert details == {f"{n}:{i}" for n in range(threads_n) for i in range(per_thread)}


def test_second_engine_sees_committed_rows(url):
    """Two app replicas (two engines) share one store: a commit in one is visible in the other."""
    from ebok.storage.tables import audit_log

    first = store.engine(url)
    second = sa.create_engine(url)
    try:
        with first.begin() as con:
            con.execute(audit_log.insert().values(at=WHEN, action="replica.one", details=TEXT))
        with second.connect() as con:
            assert con.execute(sa.select(audit_log.c.details)).scalars().all() == [TEXT]
    finally:
        second.dispose()


def test_sqlite_uses_wal_and_foreign_keys(data_dir):
    """WAL lets the app read while the loader writes; foreign keys are enforced."""
    eng = store.engine(f"sqlite:///{data_dir / 'wal.sqlite'}")
    with eng.connect() as con:
        assert con.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
        assert con.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert con.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


# --- write_refusal: a full disk or a read-only store, told apart from every other error -------------


def _insert_audit(eng: sa.Engine, n: int = 1) -> None:
    from ebok.storage.tables import audit_log

    with eng.begin() as con:
        for _ in range(n):
            con.execute(audit_log.insert().values(at=WHEN, action="test.fill", details=TEXT * 3))


def _refused(eng: sa.Engine) -> BaseException:
    with pytest.raises(DBAPIError) as caught:
        _insert_audit(eng, 10_000)
    return caught.value


def test_a_full_sqlite_store_is_recognised_from_the_drivers_own_error(data_dir):
    eng = store.engine(f"sqlite:///{data_dir / 'full.sqlite'}")
    sa.event.listen(eng, "connect", lambda dbapi, _r: dbapi.execute("PRAGMA max_page_count = 1"))
    eng.dispose()  # the file may not grow from now on
    exc = _refused(eng)
    assert "database or disk is full" in str(exc)  # SQLite's own words: a real SQLITE_FULL
    assert store.write_refusal(exc) == "disk_full"


def test_a_read_only_sqlite_store_is_recognised(data_dir):
    eng = store.engine(f"sqlite:///{data_dir / 'ro.sqlite'}")
    sa.event.listen(eng, "connect", lambda dbapi, _r: dbapi.execute("PRAGMA query_only = ON"))
    eng.dispose()
    exc = _refused(eng)
    assert "attempt to write a readonly database" in str(exc)
    assert store.write_refusal(exc) == "read_only"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes a read-only file anyway")
def test_a_sqlite_file_without_write_permission_is_read_only(data_dir):
    path = data_dir / "perm.sqlite"
    eng = store.engine(f"sqlite:///{path}")
    _insert_audit(eng)  # schema and WAL in place
    store.dispose_all()
    for p in (path, *path.parent.glob("perm.sqlite-*"), path.parent):
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        exc = _refused(sa.create_engine(f"sqlite:///{path}"))
        assert store.write_refusal(exc) == "read_only"
    finally:
        for p in (path.parent, path, *path.parent.glob("perm.sqlite-*")):
            p.chmod(0o755 if p.is_dir() else 0o644)


@pytest.mark.postgres
def test_a_read_only_postgresql_transaction_is_recognised(data_dir):
    from ebok.storage.tables import audit_log

    with empty_store_url("postgresql", data_dir, "ro-test") as value:
        eng = store.engine(value)
        with pytest.raises(DBAPIError) as caught, eng.begin() as con:
            con.execute(sa.text("SET TRANSACTION READ ONLY"))  # what a hot standby answers
            con.execute(audit_log.insert().values(at=WHEN, action="test.ro"))
        assert caught.value.orig.sqlstate == "25006"
        assert store.write_refusal(caught.value) == "read_only"


def test_a_full_postgresql_disk_is_recognised_by_its_sqlstate():
    import psycopg

    # The server's own words for a full disk; filling the test server's disk is not an option.
    orig = psycopg.errors.DiskFull('could not extend file "base/16384/2619": No space left on device')
    exc = OperationalError("INSERT INTO inbox_items ...", {}, orig)
    assert orig.sqlstate == "53100" and store.write_refusal(exc) == "disk_full"


@pytest.mark.parametrize(
    ("code", "expected"),
    [(errno.ENOSPC, "disk_full"), (errno.EDQUOT, "disk_full"), (errno.EROFS, "read_only")],
)
def test_an_upload_file_meeting_a_full_or_read_only_disk_is_recognised(code, expected):
    assert store.write_refusal(OSError(code, os.strerror(code))) == expected


def test_a_refusal_raised_again_by_our_own_code_is_still_recognised():
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as exc:
            raise RuntimeError("zapis nie powiódł się") from exc
    except RuntimeError as outer:
        assert store.write_refusal(outer) == "disk_full"


def test_other_errors_are_not_store_refusals(data_dir):
    from ebok.storage.tables import load_runs

    eng = store.engine(f"sqlite:///{data_dir / 'other.sqlite'}")
    row = _sample_row(load_runs, {})
    with eng.begin() as con:
        con.execute(load_runs.insert().values(row))
    with pytest.raises(IntegrityError) as dup, eng.begin() as con:
        con.execute(load_runs.insert().values(row))
    assert store.write_refusal(dup.value) is None
    holder = sqlite3.connect(data_dir / "other.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    waiter = sqlite3.connect(data_dir / "other.sqlite", timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError) as busy:
            waiter.execute("INSERT INTO audit_log (at, action) VALUES ('2026-11-21', 'x')")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        waiter.close()
    locked = OperationalError("INSERT", {}, busy.value)
    assert (
        "database is locked" in str(locked) and store.write_refusal(locked) is None
    )  # busy is not full: waiting helps, saying "full" would lie
    assert store.write_refusal(RuntimeError("database or disk is full")) is None  # words alone are not enough
    assert store.write_refusal(OSError(errno.EACCES, "Permission denied")) is None
