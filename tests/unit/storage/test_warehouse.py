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
