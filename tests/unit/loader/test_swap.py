"""Loader: atomic swap, killed loads, readers across a swap, retention, rollback."""

from __future__ import annotations

import argparse
import io
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import sqlalchemy as sa

from ebok import loader
from ebok.core import settings
from ebok.loader import run as loader_run
from ebok.storage import schema, store, tables, warehouse
from tests.helpers.loader import rows, write_export

ROOT = Path(__file__).resolve().parents[3]


def load(folder: Path) -> loader.LoadResult:
    return loader.load(folder, stream=io.StringIO())


def balance(con: duckdb.DuckDBPyConnection, premises: str = "P1") -> Decimal:
    return con.execute("SELECT balance FROM v_premises_balance WHERE premises_id = ?", [premises]).fetchone()[
        0
    ]


def export_with_payment(folder: Path, payment: str) -> Path:
    """The tiny export with P1's payment of PAYMENT booked in November, the month still open."""
    data = rows()
    data["ledger"][2]["amount"] = Decimal(payment)
    # In October (a closed month by November's data) a changed payment is refused (test_compare.py).
    data["ledger"][2]["entry_date"] = date(2026, 11, 5)
    return write_export(folder, data)


def test_load_killed_during_build_leaves_previous_warehouse(tmp_path, data_dir):
    first = load(export_with_payment(tmp_path / "v1", "-700.00"))
    assert first.status == "ok"
    env = {**os.environ, "EBOK_LOADER_PAUSE_AT": "build", "EBOK_LOADER_PAUSE_SECONDS": "60"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ebok.loader", "load", str(export_with_payment(tmp_path / "v2", "-900.00"))],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    marker = loader_run.loader_dir() / "paused-build"
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the loader never reached the build step"
        building = list(settings.warehouse_dir().glob("*.building.duckdb"))
        assert len(building) == 1  # the new file is being written
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # The last good warehouse is still served and opens.
    assert warehouse.current_version() == first.warehouse_file
    with warehouse.cursor() as cur:
        assert balance(cur) == Decimal("-300.00")
    # The next load cleans up and succeeds.
    third = load(export_with_payment(tmp_path / "v3", "-1000.00"))
    assert third.status == "ok"
    assert not list(settings.warehouse_dir().glob("*.building*"))
    assert not list(loader_run.loader_dir().glob("staging-*"))
    with warehouse.cursor() as cur:
        assert balance(cur) == Decimal("0.00")
    with store.engine().connect() as conn:
        statuses = dict(conn.execute(sa.select(tables.load_runs.c.load_id, tables.load_runs.c.status)).all())
    assert sorted(statuses.values()) == ["failed", "ok", "ok"]  # the killed run is marked failed


def test_reader_opened_before_swap_keeps_old_data(tmp_path):
    first = load(export_with_payment(tmp_path / "v1", "-700.00"))
    old = warehouse.connect()
    old_cursor = old.cursor()
    assert balance(old_cursor) == Decimal("-300.00")
    second = load(export_with_payment(tmp_path / "v2", "-1000.00"))
    assert second.status == "ok" and second.warehouse_file != first.warehouse_file
    # The connection opened before the swap still answers, from the old file.
    assert balance(old_cursor) == Decimal("-300.00")
    assert balance(old.cursor()) == Decimal("-300.00")
    # A new connection sees the new version.
    new = warehouse.connect()
    assert new is not old
    assert balance(new.cursor()) == Decimal("0.00")
    with warehouse.cursor() as cur:
        assert balance(cur) == Decimal("0.00")


def test_keeps_three_versions_and_never_current(tmp_path):
    names = []
    for i in range(5):
        result = load(export_with_payment(tmp_path / f"v{i}", f"-{700 + i}.00"))
        assert result.status == "ok"
        names.append(result.warehouse_file)
    assert warehouse.published_versions() == names[-3:]
    assert warehouse.current_version() == names[-1]
    # After a rollback to an old version, pruning keeps CURRENT even when it is not among the newest.
    warehouse.publish(settings.warehouse_dir() / names[2])
    assert loader_run.prune_versions(keep=1) == [names[3]]
    assert warehouse.published_versions() == [names[2], names[4]]


def test_rollback_and_status(tmp_path, capsys):
    assert loader.rollback(stream=io.StringIO()) == 1  # nothing loaded yet
    a = load(export_with_payment(tmp_path / "a", "-700.00"))
    assert loader.rollback(stream=io.StringIO()) == 1  # only one version
    b = load(export_with_payment(tmp_path / "b", "-800.00"))
    out = io.StringIO()
    assert loader.rollback(stream=out) == 0
    assert warehouse.current_version() == a.warehouse_file
    assert a.warehouse_file in out.getvalue()
    with warehouse.cursor() as cur:
        assert balance(cur) == Decimal("-300.00")
    assert loader.rollback(stream=io.StringIO()) == 1  # no version before a
    text = loader.status_text()
    assert f"Bieżąca hurtownia: {a.warehouse_file}" in text
    assert b.load_id in text and a.load_id in text


def test_cli_subprocess_exit_codes(tmp_path):
    env = dict(os.environ)
    good = subprocess.run(
        [sys.executable, "-m", "ebok.loader", "load", str(write_export(tmp_path / "ok"))],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert "Eksport załadowany" in good.stderr
    (tmp_path / "empty").mkdir()
    bad = subprocess.run(
        [sys.executable, "-m", "ebok.loader", "load", str(tmp_path / "empty"), "--lang", "en"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode == 1
    assert "The export folder is empty." in bad.stderr
    status = subprocess.run([sys.executable, "-m", "ebok.loader", "status"], cwd=ROOT, env=env,
                            capture_output=True, text=True)  # fmt: skip
    assert status.returncode == 0 and "rejected" in status.stdout


def test_failed_build_leaves_no_building_file(tmp_path, monkeypatch):
    first = load(write_export(tmp_path / "v1"))

    def boom(_con):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader_run, "copy_ops", boom)
    result = load(write_export(tmp_path / "v2"))
    assert result.status == "failed" and result.exit_code == 2
    assert "RuntimeError: disk full" in result.issues.errors[0].message("en")
    assert warehouse.current_version() == first.warehouse_file
    assert not list(settings.warehouse_dir().glob("*.building*"))


def test_failed_derived_tables_leave_previous_warehouse(tmp_path, monkeypatch):
    first = load(write_export(tmp_path / "v1"))

    def boom(_con):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(loader_run.schema, "create_derived", boom)
    result = load(export_with_payment(tmp_path / "v2", "-900.00"))
    assert result.status == "failed"
    assert warehouse.current_version() == first.warehouse_file
    assert not list(settings.warehouse_dir().glob("*.building*"))
    with warehouse.cursor() as cur:
        assert balance(cur) == Decimal("-300.00")
        assert cur.execute("SELECT count(*) FROM monthly_consumption").fetchone()[0] == 2


def test_version_renamed_but_never_published_is_removed(tmp_path):
    """A load killed between the rename and CURRENT: its complete file is not left as a version."""
    first = load(write_export(tmp_path / "v1"))
    orphan_id = "20991231T235959000000Z"
    orphan = settings.warehouse_dir() / f"wh-{orphan_id}.duckdb"
    orphan.write_bytes((settings.warehouse_dir() / first.warehouse_file).read_bytes())
    with store.engine().begin() as conn:
        conn.execute(tables.load_runs.insert().values(
            load_id=orphan_id, started_at=first_started(), source="x", status="running"))  # fmt: skip
    second = load(write_export(tmp_path / "v2"))
    assert second.status == "ok"
    assert not orphan.exists()
    assert warehouse.published_versions() == [first.warehouse_file, second.warehouse_file]


def first_started():
    from datetime import datetime

    return datetime(2026, 1, 1)


def test_second_load_while_one_runs_is_refused_and_recorded(tmp_path, monkeypatch):
    from filelock import FileLock

    monkeypatch.setattr(loader_run.FileLock, "acquire", _timeout_acquire)
    result = load(write_export(tmp_path / "v1"))
    assert result.status == "failed"
    assert result.issues.errors[0].code == "busy"
    with store.engine().connect() as conn:
        assert conn.execute(sa.select(tables.load_runs.c.status)).scalars().all() == ["failed"]
    assert FileLock  # the real class is untouched outside this test


def test_busy_answer_names_who_is_loading_since_when_and_what(tmp_path, monkeypatch):
    """A load holding the lock is described by the note beside it; the note goes with the lock."""
    from filelock import FileLock

    from ebok.core.errors import FormError

    monkeypatch.delenv("INVOCATION_ID", raising=False)
    other = FileLock(str(loader_run.loader_dir() / "load.lock"))
    monkeypatch.setattr(loader_run.clock, "local_now", lambda: datetime(2026, 12, 3, 17, 41))
    upload = loader_run.uploads_dir() / "20261203-abc"
    upload.mkdir(parents=True)
    loader_run._take(other, "anna.kowalska", loader_run._source_kind(upload), str(upload))
    try:
        expected = (
            "Trwa ładowanie danych: rozpoczęte 03.12.2026 17:41 przez anna.kowalska (import z przeglądarki). "
            "Spróbuj ponownie, gdy się zakończy."
        )
        assert loader_run.busy_text() == expected
        out = io.StringIO()
        result = loader.load(write_export(tmp_path / "v1"), stream=out)  # the CLI's report says it too
        assert [i.code for i in result.issues.errors] == ["busy_by"]
        assert expected in out.getvalue()
        try:
            loader.publish("20261203T000000000000Z", actor="jan")
        except FormError as err:
            assert err.messages == [f"Import: {expected}"]
        else:
            raise AssertionError("publish ran while another load held the lock")
    finally:
        loader_run._release(other)
    assert loader_run.busy_text() is None
    assert not (loader_run.loader_dir() / loader_run.HOLDER_FILE).exists()
    assert load(write_export(tmp_path / "v2")).status == "ok"  # the lock is free again


def test_a_note_left_by_a_killed_load_is_not_read(tmp_path):
    """Nobody holds the lock: a stale note (a load killed with -9) says nothing and is removed."""
    note = loader_run.loader_dir() / loader_run.HOLDER_FILE
    note.write_text('{"actor": "ebok", "since": "2026-12-03T02:00:00", "kind": "folder", "source": "/x"}')
    assert loader_run.busy_text() is None
    assert not note.exists()


def test_the_nightly_timer_is_named_as_the_system(monkeypatch):
    monkeypatch.setenv("INVOCATION_ID", "0123abcd")  # set by systemd for ebok-load.service
    assert loader_run._os_user().startswith("system (timer, ")


def _timeout_acquire(self, *args, **kwargs):
    from filelock import Timeout

    raise Timeout(self.lock_file)


# Rollback never publishes a broken file, and takes the version to go back to when given.

V1, V2, V3 = (f"wh-2026112{i}T020000000000Z.duckdb" for i in (0, 1, 2))


def _version(name: str, broken: bool = False) -> Path:
    """Write warehouse version NAME, empty but complete, or as a text file when BROKEN."""
    path = settings.warehouse_dir() / name
    if broken:
        path.write_text("to nie jest hurtownia\n", encoding="utf-8")
    else:
        with duckdb.connect(str(path)) as con:
            schema.create_empty(con)
    return path


def test_rollback_skips_a_broken_version():
    _version(V1)
    _version(V2, broken=True)
    warehouse.publish(_version(V3))
    out = io.StringIO()
    assert loader.rollback(stream=out) == 0
    assert warehouse.pointer() == V1
    assert f"Pomijam {V2}: to nie jest plik bazy DuckDB" in out.getvalue()
    assert out.getvalue().endswith(f"Bieżąca hurtownia: {V1}\n")


def test_rollback_from_a_broken_current_makes_the_served_version_current():
    _version(V1)
    _version(V2)
    warehouse.publish(_version(V3, broken=True))
    assert warehouse.current_version() == V2 and warehouse.fault() is not None  # served meanwhile
    assert loader.rollback(stream=io.StringIO()) == 0
    assert warehouse.pointer() == V2
    assert warehouse.fault() is None


def test_rollback_when_current_names_a_missing_file():
    _version(V1)
    (settings.warehouse_dir() / "CURRENT").write_text("wh-20261130T020000000000Z.duckdb\n", encoding="utf-8")
    assert loader.rollback(stream=io.StringIO()) == 0
    assert warehouse.pointer() == V1


def test_rollback_to_a_named_version():
    _version(V1)
    _version(V2, broken=True)
    warehouse.publish(_version(V3))
    out = io.StringIO()
    assert loader.rollback(stream=out, version=V2) == 1
    assert f"Pomijam {V2}: to nie jest plik bazy DuckDB" in out.getvalue()
    out = io.StringIO()
    assert loader.rollback(stream=out, version="wh-20261101T020000000000Z.duckdb") == 1
    assert out.getvalue() == f"Nie ma wersji wh-20261101T020000000000Z.duckdb; dostępne: {V1}, {V2}, {V3}\n"
    assert warehouse.pointer() == V3  # nothing changed by the refusals
    assert loader.rollback(stream=io.StringIO(), version=str(settings.warehouse_dir() / V1)) == 0
    assert warehouse.pointer() == V1
    assert loader.rollback(stream=io.StringIO(), version=V3) == 0  # forward again, e.g. after a mistake
    assert warehouse.pointer() == V3


def test_rollback_cli_takes_the_version(capsys):
    _version(V1)
    warehouse.publish(_version(V2))
    parser = argparse.ArgumentParser()
    loader.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["rollback", V1])
    assert args.func(args) == 0
    assert warehouse.pointer() == V1
    assert f"Bieżąca hurtownia: {V1}" in capsys.readouterr().err


def test_status_and_prune_with_a_broken_current():
    for name in (V1, V2):
        _version(name)
    warehouse.publish(_version(V3, broken=True))
    text = loader.status_text()
    assert f"Bieżąca hurtownia: {V2}" in text
    assert f"UWAGA: CURRENT → {settings.warehouse_dir() / V3}: to nie jest plik bazy DuckDB" in text
    assert f"python -m ebok rollback {V2}" in text
    # The version served in place of the broken one is never pruned, nor CURRENT's own file.
    assert loader_run.prune_versions(keep=1) == [V1]
    assert warehouse.published_versions() == [V2, V3]
