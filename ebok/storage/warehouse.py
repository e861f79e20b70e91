"""The DuckDB warehouse: versioned files behind a CURRENT pointer, opened read-only.

A load builds wh-<stamp>.building.duckdb, renames it to wh-<stamp>.duckdb and
only then rewrites CURRENT atomically. Readers open the file CURRENT names, so a
connection opened before a swap keeps its old file and a new one sees the new
file; DuckDB's same-path connection cache can never hand out a stale database.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from ebok.core import settings

QUERIES_DIR = Path(__file__).resolve().parent / "sql" / "queries"
POINTER = "CURRENT"
PREFIX = "wh-"
SUFFIX = ".duckdb"
BUILDING_SUFFIX = ".building.duckdb"

_lock = threading.Lock()
_connections: dict[Path, duckdb.DuckDBPyConnection] = {}


# CURRENT's contents keyed on its (inode, size, mtime): publish() replaces the file, so a new
# version is a new inode and is seen at once; an unchanged pointer costs a stat, not a read.
_pointer_cache: dict[str, tuple[tuple[int, int, int], str | None]] = {}


def current_version(directory: Path | None = None) -> str | None:
    """Return the file name CURRENT points to, or None before the first load."""
    pointer = os.path.join(directory or settings.warehouse_dir(), POINTER)
    try:
        st = os.stat(pointer)
    except FileNotFoundError:
        return None
    stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
    cached = _pointer_cache.get(pointer)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        with open(pointer, encoding="utf-8") as fh:
            name = fh.read().strip() or None
    except FileNotFoundError:
        return None
    _pointer_cache[pointer] = (stamp, name)
    return name


def current_path(directory: Path | None = None) -> Path | None:
    """Return the path of the warehouse file in force, or None."""
    directory = directory or settings.warehouse_dir()
    name = current_version(directory)
    return directory / name if name else None


def published_versions(directory: Path | None = None) -> list[str]:
    """Return the complete warehouse files, oldest first (the names sort by time)."""
    directory = directory or settings.warehouse_dir()
    return sorted(
        p.name for p in directory.glob(f"{PREFIX}*{SUFFIX}") if not p.name.endswith(BUILDING_SUFFIX)
    )


def publish(path: Path) -> None:
    """Point CURRENT at PATH atomically: temporary file, fsync, rename, fsync the folder."""
    directory = path.parent
    tmp = directory / f".{POINTER}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(path.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, directory / POINTER)
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def connect(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Return a shared read-only connection to PATH (default: the current warehouse).

    Connections are shared per file within the process; take a cursor() per
    thread. The previous version stays open so queries in flight finish.
    """
    path = path or current_path()
    if path is None:
        raise FileNotFoundError("Brak hurtowni danych: uruchom `python -m ebok load KATALOG`.")
    with _lock:
        con = _connections.get(path)
        if con is None:
            con = duckdb.connect(str(path), read_only=True)
            _connections[path] = con
            # Keep this and the previous version; close older ones.
            for old in list(_connections)[:-2]:
                _connections.pop(old).close()
        return con


@contextmanager
def cursor(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a fresh cursor on the current warehouse, for one thread's queries."""
    cur = connect(path).cursor()
    try:
        yield cur
    finally:
        cur.close()


def close_all() -> None:
    """Close every cached connection (tests, shutdown)."""
    with _lock:
        for con in _connections.values():
            con.close()
        _connections.clear()


@cache
def query_text(name: str) -> str:
    """Return the text of ebok/storage/sql/queries/NAME.sql (read once per process)."""
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def rows(name: str, **params: Any) -> list[dict[str, Any]]:
    """Run query NAME with bound $PARAMS on the current warehouse; rows as dicts ([] before the first load)."""
    if current_version() is None:
        return []
    with cursor() as cur:
        result = cur.execute(query_text(name), params)
        cols = [d[0] for d in result.description]
        return [dict(zip(cols, row, strict=True)) for row in result.fetchall()]


def one(name: str, **params: Any) -> dict[str, Any] | None:
    """Run query NAME like rows() and return its first row, or None."""
    found = rows(name, **params)
    return found[0] if found else None


class LoadInfo(NamedTuple):
    """When the data of a warehouse version were exported and when they were loaded."""

    exported_at: datetime | None  # the accounting system's export moment (manifest.csv)
    loaded_at: datetime | None  # when the loader built this version
    version: str  # the warehouse file name


def load_info(path: Path | None = None) -> LoadInfo | None:
    """Return export and load moments of the current warehouse (None before the first load)."""
    path = path or current_path()
    stamp = file_stamp(path)
    if path is None or stamp is None:
        return None
    return _load_info(path, stamp)


def file_stamp(path: Path | None) -> tuple[int, int, int] | None:
    """Return PATH's (inode, size, mtime ns): a cache key part (a published version never changes)."""
    if path is None:
        return None
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=8)
def _load_info(path: Path, stamp: tuple[int, int, int]) -> LoadInfo:
    """Read meta of PATH once per file version (the guard asks on every rerun of every page)."""
    with cursor(path) as cur:
        try:
            row = cur.execute("SELECT exported_at, loaded_at FROM meta LIMIT 1").fetchone()
        except duckdb.CatalogException:
            row = None
    return LoadInfo(row[0] if row else None, row[1] if row else None, path.name)


def data_as_of(path: Path | None = None) -> datetime | None:
    """Return the moment for "Dane na dzień …": the export time, else the load time, else None."""
    info = load_info(path)
    if info is None:
        return None
    return info.exported_at or info.loaded_at


def documents_dir() -> Path:
    """Return the folder holding the loaded PDFs, content-addressed: <2 hex>/<sha256>.pdf."""
    path = settings.data_dir() / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def document_path(file: str, path: Path | None = None) -> Path:
    """Return the stored copy of export PDF FILE (documents.file, resolutions.file).

    Falls back to documents_dir()/FILE (hand-made fixtures); check is_file() before use.
    """
    fallback = documents_dir() / Path(file).name
    try:
        with cursor(path) as cur:
            row = cur.execute("SELECT sha256 FROM document_files WHERE file = ?", [file]).fetchone()
    except (FileNotFoundError, duckdb.CatalogException):
        return fallback
    if not row:
        return fallback
    return documents_dir() / row[0][:2] / f"{row[0]}.pdf"
