"""The DuckDB warehouse: versioned files behind a CURRENT pointer, opened read-only.

A load builds wh-<stamp>.building.duckdb, renames it to wh-<stamp>.duckdb and
only then rewrites CURRENT atomically. Readers open the file CURRENT names, so a
connection opened before a swap keeps its old file and a new one sees the new
file; DuckDB's same-path connection cache can never hand out a stale database.

CURRENT's file is checked once per version (it exists, opens read-only, has the contract
tables). When it is unusable (missing, corrupt, not a warehouse, CURRENT garbled) the newest good
version is served instead and the fault is kept for the office (fault(), Stan danych) and logged
once; with no good version at all, reads raise WarehouseUnavailable instead of answering empty.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from ebok.core import settings
from ebok.core.contract import FILES

QUERIES_DIR = Path(__file__).resolve().parent / "sql" / "queries"
POINTER = "CURRENT"
PREFIX = "wh-"
SUFFIX = ".duckdb"
BUILDING_SUFFIX = ".building.duckdb"

_lock = threading.Lock()
_connections: dict[Path, duckdb.DuckDBPyConnection] = {}


# CURRENT's contents keyed on its (inode, size, mtime): publish() replaces the file, so a new
# version is a new inode and is seen at once; an unchanged pointer costs a stat, not a read.
_pointer_cache: dict[str, tuple[tuple[int, int, int], str]] = {}


def pointer(directory: Path | None = None) -> str | None:
    """Return CURRENT's text as written (stripped; "" when empty), or None when there is no CURRENT."""
    path = os.path.join(directory or settings.warehouse_dir(), POINTER)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
    cached = _pointer_cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            name = fh.read(4096).strip()
    except FileNotFoundError:
        return None
    _pointer_cache[path] = (stamp, name)
    return name


@dataclass(frozen=True)
class Fault:
    """Why the file CURRENT names cannot be used, and the good version served instead (if any)."""

    named: str  # CURRENT's text
    path: Path  # the file it names (the CURRENT file itself when the text is no file name)
    reason: str  # what failed, in Polish, for the office
    fallback: str | None  # the newest good version used instead; None: no data can be served

    @property
    def unavailable(self) -> bool:
        """Return True when no good version exists, so no data can be shown at all."""
        return self.fallback is None


class Status(NamedTuple):
    """The version in force and, when CURRENT's file is unusable, why."""

    version: str | None  # the file served: CURRENT's, or the fallback; None when nothing can be
    fault: Fault | None


class WarehouseUnavailable(Exception):
    """CURRENT names an unusable file and no good version exists: no data can be read."""

    def __init__(self, fault: Fault) -> None:
        self.fault = fault
        super().__init__(f"Hurtownia danych jest niedostępna: {fault.path}: {fault.reason}")


# The tables every reader relies on; a file without them is not a warehouse (a wrong copy, an
# empty database someone created). meta, etl_loads and document_files are tolerated missing.
REQUIRED_TABLES = frozenset(spec.name for spec in FILES)

# Each file's verdict keyed on its stamp (a published version never changes): checked once per
# version and process, not on every rerun.
_checked: dict[Path, tuple[tuple[int, int, int], str | None]] = {}
# The resolution per CURRENT file, keyed on (CURRENT's text, its file's stamp, the folder's mtime):
# a new load, a rollback, a file removed or restored each changes the key.
_status_cache: dict[str, tuple[tuple[Any, ...], Status]] = {}
_logged: set[tuple[str, str, str | None]] = set()
log = logging.getLogger("ebok.warehouse")


def _name_problem(name: str) -> str | None:
    """Return why NAME cannot be a warehouse file name, or None."""
    if not name:
        return "plik CURRENT jest pusty"
    if Path(name).name != name or not name.startswith(PREFIX) or not name.endswith(SUFFIX):
        shown = "".join(c if c.isprintable() else "?" for c in name[:80])  # the office sees it
        return f"plik CURRENT zawiera „{shown}”, a to nie jest nazwa pliku hurtowni ({PREFIX}….duckdb)"
    if name.endswith(BUILDING_SUFFIX):
        return "plik CURRENT wskazuje niedokończony plik ładowania (.building)"
    return None


def _first_line(exc: BaseException) -> str:
    """Return the first line of EXC's message, short enough for a status page."""
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def check(path: Path) -> str | None:
    """Return why PATH is no usable warehouse file (Polish), or None when it is one.

    A usable file exists, opens read-only as DuckDB and has every contract table. The verdict is
    kept per file stamp, so each version is opened for checking once per process.
    """
    stamp = file_stamp(path)
    if stamp is None:
        return "plik nie istnieje"
    cached = _checked.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    reason = _open_problem(path)
    if len(_checked) > 256:  # tests make a folder each; a server has a handful of versions
        _checked.clear()
    _checked[path] = (stamp, reason)
    return reason


def _open_problem(path: Path) -> str | None:
    """Open PATH read-only (reusing the shared connection), list its tables; keep it open when good."""
    with _lock:
        con = _connections.get(path)
    fresh = con is None
    try:
        if con is None:
            con = duckdb.connect(str(path), read_only=True)
        cur = con.cursor()
        try:
            found = {r[0] for r in cur.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        finally:
            cur.close()
    except duckdb.Error as exc:
        if fresh and con is not None:
            con.close()
        if "not a valid DuckDB database file" in str(exc):
            return "to nie jest plik bazy DuckDB (uszkodzony albo inny plik)"
        return f"plik nie otwiera się jako baza DuckDB ({_first_line(exc)})"
    missing = sorted(REQUIRED_TABLES - found)
    if missing:
        if fresh:
            con.close()
        more = f" i {len(missing) - 5} innych" if len(missing) > 5 else ""
        return f"w pliku brakuje tabel hurtowni: {', '.join(missing[:5])}{more}"
    if fresh:
        _keep(path, con)
    return None


def status(directory: Path | None = None) -> Status:
    """Return the version in force: CURRENT's file when usable, else the newest good one, with the fault.

    Costs three stats per call while nothing changes; a change is checked once and a fault logged once.
    """
    directory = directory or settings.warehouse_dir()
    name = pointer(directory)
    if name is None:
        return Status(None, None)  # before the first load
    bad_name = _name_problem(name)
    target = directory / POINTER if bad_name else directory / name
    key = (name, file_stamp(target), _mtime(directory))
    slot = str(directory)
    cached = _status_cache.get(slot)
    if cached is not None and cached[0] == key:
        return cached[1]
    reason = bad_name or check(target)
    if reason is None:
        found = Status(name, None)
    else:
        fault = Fault(name, target, reason, _fallback(directory, name))
        found = Status(fault.fallback, fault)
        _log_once(fault)
    _status_cache[slot] = (key, found)
    return found


def _mtime(directory: Path) -> int | None:
    """Return the folder's mtime in ns (changes when a version appears or goes), None if absent."""
    try:
        return os.stat(directory).st_mtime_ns
    except FileNotFoundError:
        return None


def _fallback(directory: Path, name: str) -> str | None:
    """Return the newest good version older than NAME, else the newest good one at all, else None."""
    versions = [v for v in published_versions(directory) if v != name]
    older = [v for v in versions if v < name]
    newer = [v for v in versions if v > name]
    for candidate in [*reversed(older), *reversed(newer)]:
        if check(directory / candidate) is None:
            return candidate
    return None


def _log_once(fault: Fault) -> None:
    """Log a fault once per process and kind, not on every rerun of every page."""
    key = (str(fault.path), fault.reason, fault.fallback)
    if key in _logged:
        return
    _logged.add(key)
    if fault.fallback:
        log.error("CURRENT → %s: %s; serving %s instead", fault.path, fault.reason, fault.fallback)
    else:
        log.error("CURRENT → %s: %s; no good warehouse version, no data served", fault.path, fault.reason)


def fault(directory: Path | None = None) -> Fault | None:
    """Return why CURRENT's file is not served, or None when it is (or before the first load)."""
    return status(directory).fault


def current_version(directory: Path | None = None) -> str | None:
    """Return the warehouse file in force: CURRENT's when usable, else the newest good one; None if none."""
    return status(directory).version


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
    if path is None:
        path = _path_in_force()
    with _lock:
        con = _connections.get(path)
        if con is not None:
            return con
    return _keep(path, duckdb.connect(str(path), read_only=True))


def _keep(path: Path, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Share CON as PATH's connection (or the one another thread kept first); close all but two."""
    with _lock:
        kept = _connections.get(path)
        if kept is not None:
            if kept is not con:
                con.close()
            return kept
        _connections[path] = con
        # Keep this and the previous version; close older ones.
        for old in list(_connections)[:-2]:
            _connections.pop(old).close()
        return con


def _path_in_force() -> Path:
    """Return the file in force; raise FileNotFoundError before the first load, WarehouseUnavailable if broken."""
    directory = settings.warehouse_dir()
    found = status(directory)
    if found.version is not None:
        return directory / found.version
    if found.fault is not None:
        raise WarehouseUnavailable(found.fault)
    raise FileNotFoundError("Brak hurtowni danych: uruchom `python -m ebok load KATALOG`.")


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
    """Run query NAME with bound $PARAMS on the current warehouse; rows as dicts ([] before the first load).

    Raises WarehouseUnavailable when CURRENT names a broken file and no good version exists: an
    empty answer would tell a resident they owe nothing or have no premises.
    """
    directory = settings.warehouse_dir()
    found = status(directory)
    if found.version is None:
        if found.fault is not None:
            raise WarehouseUnavailable(found.fault)
        return []
    with cursor(directory / found.version) as cur:
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
