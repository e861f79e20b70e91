"""Schema migrations of the operational store, on SQLite and (with EBOK_TEST_PG_URL) PostgreSQL.

An office that upgrades e-BOK keeps its store: a store of the previous release must be upgraded in
place with its rows, and the revisions must build exactly the schema of ebok/tables.py (so adding a
column without a revision fails here).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from ebok import cli
from ebok.storage import migrations, store
from ebok.storage.tables import metadata, reading_submissions, registrations, votes
from tests.helpers.stores import empty_store_url

ROOT = Path(__file__).resolve().parents[3]
WHEN = datetime(2026, 11, 1, 9, 30)
PREVIOUS_RELEASE = "0001"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request, data_dir):
    """Yield a store URL on an empty database of the requested backend (as in test_store.py)."""
    with empty_store_url(request.param, data_dir, "migrate-test") as value:
        yield value


def _alembic(url: str, fn, *args) -> None:  # type: ignore[no-untyped-def]
    """Run an alembic command (upgrade, downgrade) on URL in one transaction."""
    eng = sa.create_engine(url)
    try:
        with eng.begin() as con:
            fn(migrations.alembic_config(con), *args)
    finally:
        eng.dispose()


def _previous_release_store(url: str, *, with_version_table: bool) -> None:
    """Build the store the previous release left behind, with one registration and one audit row.

    Revision 0001 is that release's create_all; without_version_table it is exactly what the
    release created (it had no migrations), with it a store already stamped at 0001.
    """
    _alembic(url, command.upgrade, PREVIOUS_RELEASE)
    eng = sa.create_engine(url)
    try:
        with eng.begin() as con:
            if not with_version_table:
                con.execute(sa.text("DROP TABLE alembic_version"))
            columns = {c["name"] for c in sa.inspect(con).get_columns("registrations")}
            assert "proof_amount" not in columns
            con.execute(
                sa.text(
                    "INSERT INTO registrations (registration_id, username, customer_id, email, name,"
                    " proof_document, proof_matches, regulations_version, regulations_accepted_at,"
                    " status, created_at) VALUES ('r-old', 'anna.nowak', 'L0001', 'anna@example.pl',"
                    " 'Anna Nowak', 'FV/2026/10/001', 1, '2026-01', :at, 'pending', :at)"
                ),
                {"at": WHEN},
            )
            con.execute(
                sa.text("INSERT INTO audit_log (at, username, action) VALUES (:at, 'admin', 'old.row')"),
                {"at": WHEN},
            )
    finally:
        eng.dispose()


def _differences(url: str) -> list:  # type: ignore[type-arg]
    """Return alembic's autogenerate differences between the store at URL and tables.metadata."""
    eng = sa.create_engine(url)
    try:
        with eng.connect() as con:
            return compare_metadata(MigrationContext.configure(con, opts={"compare_type": True}), metadata)
    finally:
        eng.dispose()


@pytest.mark.parametrize("with_version_table", [False, True], ids=["pre-migrations", "stamped-0001"])
def test_previous_release_store_is_upgraded_in_place(url, with_version_table):
    """store.engine() adds registrations.proof_amount; old rows stay, new rows can use the column."""
    _previous_release_store(url, with_version_table=with_version_table)

    eng = store.engine(url)

    with eng.connect() as con:
        assert migrations.current(con) == (migrations.head(),)
        columns = {c["name"] for c in sa.inspect(con).get_columns("registrations")}
        assert "proof_amount" in columns
        old = con.execute(sa.select(registrations).where(registrations.c.registration_id == "r-old"))
        row = old.mappings().one()
        assert (row["username"], row["customer_id"], row["proof_document"]) == (
            "anna.nowak",
            "L0001",
            "FV/2026/10/001",
        )
        assert row["proof_amount"] is None
        assert row["proof_kind"] == "document"  # 0003: it was proven with a document number
        assert con.execute(sa.text("SELECT action FROM audit_log")).scalars().all() == ["old.row"]
    with eng.begin() as con:
        con.execute(registrations.update().values(proof_amount=Decimal("1234.56")))
    with eng.connect() as con:
        assert con.execute(sa.select(registrations.c.proof_amount)).scalar() == Decimal("1234.56")
    assert _differences(url) == []


def test_revisions_build_exactly_tables_py(url):
    """Every revision from an empty database gives tables.metadata: a column without a revision fails.

    The fix for a failure here: `python -m ebok migrate revision -m "what changed"`, review the file.
    """
    eng = sa.create_engine(url)
    try:
        migrations.upgrade(eng, create_all_when_empty=False)
    finally:
        eng.dispose()
    assert _differences(url) == []


def test_new_store_is_created_at_head(url):
    """An empty database gets the whole schema, recorded at the newest revision."""
    eng = store.engine(url)
    with eng.connect() as con:
        assert migrations.current(con) == (migrations.head(),)
    assert _differences(url) == []


def test_store_at_head_runs_no_migration(url, monkeypatch):
    """The next process start only reads alembic_version: no alembic command runs."""
    store.engine(url)
    store.dispose_all()

    def refuse(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("a store at head must not be migrated again")

    monkeypatch.setattr(command, "upgrade", refuse)
    monkeypatch.setattr(metadata, "create_all", refuse)
    eng = store.engine(url)
    with eng.connect() as con:
        assert migrations.current(con) == (migrations.head(),)


def _decimal_types(url: str) -> dict[str, str]:
    """Return the store's declared types of the decimal columns, e.g. {'votes.share': 'BIGINT'}."""
    eng = sa.create_engine(url)
    try:
        with eng.connect() as con:
            inspector = sa.inspect(con)
            return {
                f"{table}.{c['name']}": str(c["type"])
                for table, names in EXACT_COLUMNS.items()
                for c in inspector.get_columns(table)
                if c["name"] in names
            }
    finally:
        eng.dispose()


EXACT_COLUMNS = {
    "reading_submissions": ("value", "previous_value"),
    "votes": ("share",),
    "registrations": ("proof_amount",),
}


def test_exact_decimal_revision_downgrades_and_upgrades_again(url):
    """0006 taken back leaves the decimal columns NUMERIC as before; applied again, they are exact."""
    store.engine(url)
    store.dispose_all()
    _alembic(url, command.downgrade, "0005")
    assert set(_decimal_types(url).values()) == {"NUMERIC(18, 4)", "NUMERIC(14, 2)"}
    store.engine(url)
    assert _differences(url) == []
    store.dispose_all()


def test_latest_revision_downgrades_and_upgrades_again(url):
    """The newest revisions can be taken back (with their columns) and applied again."""
    store.engine(url)
    store.dispose_all()
    # Back to before 0005 (0006 changes nothing on PostgreSQL: its own test is above).
    _alembic(url, command.downgrade, "0004")
    store.dispose_all()
    assert _differences(url) != []  # what 0005 added (mail_outbox.claim_token) is missing again
    store.engine(url)
    assert _differences(url) == []


def test_load_runs_diff_revision_downgrades_and_upgrades_again(url):
    """0007 taken back drops load_runs.diff (the schema differs); applied again, it matches tables.py."""
    store.engine(url)
    store.dispose_all()
    _alembic(url, command.downgrade, "0006")
    eng = sa.create_engine(url)
    try:
        with eng.connect() as con:
            names = {c["name"] for c in sa.inspect(con).get_columns("load_runs")}
    finally:
        eng.dispose()
    assert "diff" not in names and "errors" in names
    assert _differences(url) != []
    store.engine(url)
    assert _differences(url) == []
    store.dispose_all()


def test_online_payments_revision_downgrades_and_upgrades_again(url):
    """0008 taken back drops both payment tables; applied again, the store matches tables.py."""
    store.engine(url)
    store.dispose_all()
    _alembic(url, command.downgrade, "0007")
    eng = sa.create_engine(url)
    try:
        with eng.connect() as con:
            names = set(sa.inspect(con).get_table_names())
    finally:
        eng.dispose()
    assert "online_payments" not in names and "online_payment_events" not in names and "load_runs" in names
    assert _differences(url) != []
    store.engine(url)
    assert _differences(url) == []
    store.dispose_all()


def _store_at_0003_with_decimals(url: str) -> None:
    """Build a store of revision 0003 holding one reading, one vote and one registration amount."""
    _alembic(url, command.upgrade, "0003")
    eng = sa.create_engine(url)
    try:
        with eng.begin() as con:
            con.execute(
                sa.text(
                    "INSERT INTO reading_submissions (submission_id, premises_id, meter_id, reading_date,"
                    " value, username, submitted_at, implausible, idempotency_key, unit, previous_value)"
                    " VALUES ('S1', 'P1', 'M1', :at, :value, 'anna.nowak', :at, 0, 'k1', 'm3', :previous)"
                ),
                {"at": WHEN, "value": 132.45, "previous": 0.0001},
            )
            con.execute(
                sa.text(
                    "INSERT INTO votes (vote_id, resolution_id, premises_id, choice, share, username,"
                    " voted_at, receipt_code) VALUES ('V1', 'R1', 'P1', 'for', :share, 'anna.nowak', :at, 'C1')"
                ),
                {"at": WHEN, "share": 0.0123},
            )
            con.execute(
                sa.text(
                    "INSERT INTO registrations (registration_id, username, customer_id, email, name,"
                    " proof_document, proof_matches, regulations_version, regulations_accepted_at,"
                    " status, created_at, proof_amount, proof_kind) VALUES ('r1', 'anna.nowak', 'L0001',"
                    " 'anna@example.pl', 'Anna Nowak', '', 1, '2026-01', :at, 'pending', :at, :amount, 'amount')"
                ),
                {"at": WHEN, "amount": 1410.5},
            )
    finally:
        eng.dispose()


def test_decimals_stored_before_0006_come_back_exact(url):
    """Readings, shares and amounts an older release stored keep their value, and the store is exact since."""
    _store_at_0003_with_decimals(url)

    eng = store.engine(url)

    with eng.connect() as con:
        reading = con.execute(sa.select(reading_submissions)).mappings().one()
        assert (reading["value"], reading["previous_value"]) == (Decimal("132.45"), Decimal("0.0001"))
        assert con.execute(sa.select(votes.c.share)).scalar_one() == Decimal("0.0123")
        assert con.execute(sa.select(registrations.c.proof_amount)).scalar_one() == Decimal("1410.50")
        # the index and the unique key survived SQLite's table rebuild
        indexes = {i["name"] for i in sa.inspect(con).get_indexes("reading_submissions")}
        assert {"ix_reading_submissions_premises_id", "ix_reading_submissions_export_batch"} <= indexes
    big = Decimal("12345678901234.5678")
    with eng.begin() as con:
        con.execute(reading_submissions.update().values(value=big))
    with eng.connect() as con:
        assert con.execute(sa.select(reading_submissions.c.value)).scalar_one() == big
    if eng.dialect.name == "sqlite":
        assert set(_decimal_types(url).values()) == {"BIGINT"}  # whole units: no double in between
    assert _differences(url) == []


def test_processes_starting_at_once_migrate_once(url):
    """Three app processes opening a previous-release store together all start, and it ends at head."""
    _previous_release_store(url, with_version_table=False)
    code = "import sys; from ebok.storage import store; store.engine(sys.argv[1]); print('ok')"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, url],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _out, err in results]
    assert all(out.strip() == "ok" for out, _err in results)
    eng = sa.create_engine(url)
    try:
        with eng.connect() as con:
            assert migrations.current(con) == (migrations.head(),)
            assert con.execute(sa.text("SELECT count(*) FROM registrations")).scalar() == 1
    finally:
        eng.dispose()
    assert _differences(url) == []


def test_failed_upgrade_leaves_the_store_as_it_was(url, monkeypatch):
    """A migration that fails half-way is rolled back whole: no version recorded, no new column."""
    _previous_release_store(url, with_version_table=False)
    real_upgrade = command.upgrade

    def upgrade_then_fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        real_upgrade(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(command, "upgrade", upgrade_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        store.engine(url)
    eng = sa.create_engine(url)
    try:
        with eng.connect() as con:
            assert "alembic_version" not in sa.inspect(con).get_table_names()
            assert "proof_amount" not in {c["name"] for c in sa.inspect(con).get_columns("registrations")}
            assert con.execute(sa.text("SELECT count(*) FROM registrations")).scalar() == 1
    finally:
        eng.dispose()
    monkeypatch.setattr(command, "upgrade", real_upgrade)
    store.engine(url)
    assert _differences(url) == []


def test_store_with_only_some_tables_is_refused(data_dir):
    """A database that is neither empty nor a whole first-release store is not guessed at."""
    url = f"sqlite:///{data_dir / 'odd.sqlite'}"
    eng = sa.create_engine(url)
    with eng.begin() as con:
        con.execute(sa.text("CREATE TABLE registrations (registration_id VARCHAR(40) PRIMARY KEY)"))
    eng.dispose()
    with pytest.raises(migrations.MigrationError, match="brak tabel: load_runs"):
        store.engine(url)


def test_cli_current_upgrade_sql_and_history(data_dir, capsys):
    """`migrate current` says the store needs an upgrade, `migrate` does it, `--sql` prints SQL."""
    url = f"sqlite:///{data_dir / 'cli.sqlite'}"
    _previous_release_store(url, with_version_table=False)

    assert cli.main(["migrate", "--sql", "--url", url]) == 0
    sql = capsys.readouterr().out
    assert "INSERT INTO alembic_version (version_num) VALUES ('0001')" in sql
    assert "ALTER TABLE registrations ADD COLUMN proof_amount NUMERIC(14, 2)" in sql

    assert cli.main(["migrate", "current", "--url", url]) == 1
    assert "sprzed migracji, odpowiada wersji 0001" in capsys.readouterr().out

    assert cli.main(["migrate", "--url", url]) == 0
    assert f"teraz {migrations.head()} (aktualna)" in capsys.readouterr().out
    assert cli.main(["migrate", "current", "--url", url]) == 0

    assert cli.main(["migrate", "--sql", "--url", url]) == 0
    assert "nic do zrobienia" in capsys.readouterr().out

    assert cli.main(["migrate", "history"]) == 0
    history = capsys.readouterr().out.splitlines()
    ids = [line.split(":")[0] for line in history]
    assert ids[0] == f"{migrations.head()} (najnowsza)"  # newest first, each revision once
    numbers = [i.split()[0] for i in ids]
    assert numbers == sorted(set(numbers), reverse=True) and numbers[-3:] == ["0003", "0002", "0001"]


def test_cli_sql_for_postgresql_without_a_server(capsys):
    """A DBA gets PostgreSQL DDL for the whole schema from an empty database (--from base)."""
    url = "postgresql+psycopg://dba@127.0.0.1:1/ebok"
    assert cli.main(["migrate", "--sql", "--from", "base", "--url", url]) == 0
    sql = capsys.readouterr().out
    assert "CREATE TABLE registrations" in sql
    assert "ALTER TABLE registrations ADD COLUMN proof_amount NUMERIC(14, 2)" in sql
    # + alembic_version + registration_codes_used (0003) + online_payments, online_payment_events (0008)
    # + the three notification tables (0009) + account_languages (0010)
    assert sql.count("CREATE TABLE") == len(migrations.BASELINE_TABLES) + 4 + 3 + 1
    assert "CREATE TABLE registration_codes_used" in sql
