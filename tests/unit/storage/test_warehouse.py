"""warehouse: versioned files behind CURRENT, read-only connections, data as of, PDF lookup."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from ebok.core import settings
from ebok.storage import schema, warehouse


def make_version(name: str, exported: datetime | None = None, docs: list[tuple] | None = None) -> Path:
    path = settings.warehouse_dir() / name
    con = duckdb.connect(str(path))
    schema.create_empty(con)
    if exported:
        con.execute(
            "INSERT INTO meta VALUES ('x', ?, ?, 'src', '{}')", [exported, datetime(2026, 11, 21, 3, 0)]
        )
    for row in docs or []:
        con.execute("INSERT INTO document_files VALUES (?, ?, ?)", row)
    con.close()
    return path


def test_no_warehouse_yet():
    assert warehouse.current_version() is None
    assert warehouse.current_path() is None
    assert warehouse.data_as_of() is None
    assert warehouse.load_info() is None
    with pytest.raises(FileNotFoundError, match="Brak hurtowni"):
        warehouse.connect()
    assert warehouse.document_path("a.pdf") == warehouse.documents_dir() / "a.pdf"


def test_publish_and_versions():
    a = make_version("wh-20261120T010000000000Z.duckdb")
    b = make_version("wh-20261121T010000000000Z.duckdb")
    (settings.warehouse_dir() / "wh-20261122T010000000000Z.building.duckdb").write_bytes(b"")
    assert warehouse.published_versions() == [a.name, b.name]  # building files are not versions
    warehouse.publish(a)
    assert warehouse.current_version() == a.name
    assert warehouse.current_path() == a
    warehouse.publish(b)
    assert (settings.warehouse_dir() / "CURRENT").read_text(encoding="utf-8") == b.name + "\n"
    assert not list(settings.warehouse_dir().glob(".CURRENT*"))


def test_connect_is_read_only_and_shared():
    path = make_version("wh-20261120T010000000000Z.duckdb")
    warehouse.publish(path)
    con = warehouse.connect()
    assert warehouse.connect() is con
    with pytest.raises(duckdb.Error):
        con.execute("CREATE TABLE x (a INT)")
    with warehouse.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM ledger").fetchone()[0] == 0


def test_data_as_of_and_load_info():
    path = make_version("wh-20261120T010000000000Z.duckdb", exported=datetime(2026, 11, 20, 22, 15))
    warehouse.publish(path)
    assert warehouse.data_as_of() == datetime(2026, 11, 20, 22, 15)
    info = warehouse.load_info()
    assert info == (datetime(2026, 11, 20, 22, 15), datetime(2026, 11, 21, 3, 0), path.name)


def test_data_as_of_without_meta_row():
    warehouse.publish(make_version("wh-20261120T010000000000Z.duckdb"))
    assert warehouse.data_as_of() is None


def test_document_path_content_addressed():
    sha = "ab" + "0" * 62
    warehouse.publish(make_version("wh-20261120T010000000000Z.duckdb", docs=[("fv.pdf", sha, 10)]))
    assert warehouse.document_path("fv.pdf") == warehouse.documents_dir() / "ab" / f"{sha}.pdf"
    assert warehouse.document_path("inny.pdf") == warehouse.documents_dir() / "inny.pdf"
    assert warehouse.document_path("../../etc/passwd") == warehouse.documents_dir() / "passwd"


# CURRENT naming an unusable file: the newest good version is served and the fault is kept; with no
# good version reads fail loudly (WarehouseUnavailable) instead of answering empty.

OLD = "wh-20261120T010000000000Z.duckdb"
NEW = "wh-20261121T010000000000Z.duckdb"


def _missing(path: Path) -> None:
    """Leave PATH absent (a deleted or never copied version)."""


def _random_bytes(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def _text(path: Path) -> None:
    path.write_text("to nie jest hurtownia\n", encoding="utf-8")


def _no_tables(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE notatki (tekst VARCHAR)")
    con.close()


BROKEN = {
    "missing": (_missing, "plik nie istnieje"),
    "random_bytes": (_random_bytes, "to nie jest plik bazy DuckDB"),
    "text": (_text, "to nie jest plik bazy DuckDB"),
    "no_tables": (_no_tables, "brakuje tabel hurtowni: "),
}


def _point_at_broken(kind: str) -> Path:
    """Write NEW broken in the KIND way and point CURRENT at it; return its path."""
    path = settings.warehouse_dir() / NEW
    BROKEN[kind][0](path)
    (settings.warehouse_dir() / "CURRENT").write_text(NEW + "\n", encoding="utf-8")
    return path


def _customer_premises() -> list[dict]:
    return warehouse.rows("auth_customer_premises", customer_id="K1", extra=[])


@pytest.mark.parametrize("kind", list(BROKEN))
def test_broken_current_falls_back_to_the_older_good_version(kind):
    good = make_version(OLD)
    with duckdb.connect(str(good)) as con:
        con.execute("INSERT INTO premises (premises_id, customer_id) VALUES ('M1', 'K1')")
    broken = _point_at_broken(kind)
    assert warehouse.current_version() == OLD
    assert warehouse.current_path() == good
    fault = warehouse.fault()
    assert fault is not None and not fault.unavailable
    assert (fault.named, fault.path, fault.fallback) == (NEW, broken, OLD)
    assert BROKEN[kind][1] in fault.reason
    assert [r["premises_id"] for r in _customer_premises()] == ["M1"]  # the good version's data
    with warehouse.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM premises").fetchone()[0] == 1


@pytest.mark.parametrize("kind", list(BROKEN))
def test_broken_current_without_a_good_version_is_unavailable(kind):
    broken = _point_at_broken(kind)
    assert warehouse.current_version() is None
    assert warehouse.current_path() is None
    fault = warehouse.fault()
    assert fault is not None and fault.unavailable
    assert (fault.path, fault.fallback) == (broken, None)
    assert BROKEN[kind][1] in fault.reason
    # Never an empty answer (no premises, nothing owed): a typed error the guard can tell apart.
    with pytest.raises(warehouse.WarehouseUnavailable) as raised:
        _customer_premises()
    assert raised.value.fault == fault
    with pytest.raises(warehouse.WarehouseUnavailable):
        warehouse.connect()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "plik CURRENT jest pusty"),
        ("../../etc/passwd", "nie jest nazwa pliku hurtowni"),
        ("\x00\x01śmieci", "nie jest nazwa pliku hurtowni"),
        ("wh-20261122T010000000000Z.building.duckdb", "niedokończony plik"),
    ],
)
def test_garbled_current_falls_back(text, reason):
    make_version(OLD)
    (settings.warehouse_dir() / "CURRENT").write_text(text, encoding="utf-8")
    assert warehouse.current_version() == OLD
    fault = warehouse.fault()
    assert fault is not None and reason in fault.reason
    assert fault.path == settings.warehouse_dir() / "CURRENT"
    assert fault.reason.isprintable()


def test_fallback_prefers_the_newest_older_version_over_a_newer_one():
    for name in ("wh-20261118T010000000000Z.duckdb", "wh-20261119T010000000000Z.duckdb", NEW):
        make_version(name)
    _text(settings.warehouse_dir() / "wh-20261119T500000000000Z.duckdb")  # broken, newest before OLD
    (settings.warehouse_dir() / OLD).write_bytes(b"")  # CURRENT's file: broken
    warehouse.publish(settings.warehouse_dir() / OLD)
    assert warehouse.current_version() == "wh-20261119T010000000000Z.duckdb"  # not NEW (rolled back from)
    (settings.warehouse_dir() / "wh-20261119T010000000000Z.duckdb").unlink()
    (settings.warehouse_dir() / "wh-20261118T010000000000Z.duckdb").unlink()
    assert warehouse.current_version() == NEW  # nothing older is good: newer beats no data


def test_good_current_has_no_fault_and_is_checked_once(monkeypatch):
    warehouse.publish(make_version(OLD))
    assert warehouse.status() == (OLD, None)
    assert warehouse.fault() is None

    def boom(path):
        raise AssertionError(f"checked again: {path}")

    with monkeypatch.context() as patched:  # not monkeypatch.undo(): that would drop the data dir too
        patched.setattr(warehouse, "_open_problem", boom)
        for _ in range(3):
            assert warehouse.current_version() == OLD
    warehouse.publish(make_version(NEW))  # a new version is checked
    assert warehouse.current_version() == NEW


def test_fault_is_logged_once_and_cleared_by_a_good_publish(caplog):
    make_version(OLD)
    _point_at_broken("text")
    with caplog.at_level("ERROR", logger="ebok.warehouse"):
        for _ in range(5):
            assert warehouse.current_version() == OLD
    assert len(caplog.records) == 1
    assert NEW in caplog.records[0].getMessage() and OLD in caplog.records[0].getMessage()
    warehouse.publish(settings.warehouse_dir() / OLD)  # the rollback
    assert warehouse.status() == (OLD, None)


def test_restored_file_is_picked_up_without_touching_current():
    _point_at_broken("missing")
    assert warehouse.fault().unavailable
    make_version(NEW)  # the operator copies the file back from the backup
    assert warehouse.status() == (NEW, None)
