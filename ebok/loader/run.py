"""One nightly load: validate the export folder, build a new warehouse file, swap it in.

Steps: lock, clean leftovers of killed loads, stage every file as text in a staging
DuckDB file (transcoded to UTF-8 first), validate in SQL, then build
wh-<stamp>.building.duckdb, CHECKPOINT and close it (no .wal), rename it to
wh-<stamp>.duckdb and publish it (CURRENT). Anything short of that leaves the last
good warehouse in force.
"""

# SQL here is assembled from contract identifiers (quoted with ident/lit), never from
# export data, which is only ever read as CSV values: S608 does not apply.
# ruff: noqa: S608

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import duckdb
import pandas as pd
import sqlalchemy as sa
from filelock import FileLock, Timeout

from ebok.core import clock, config, fmt, i18n, settings
from ebok.core.contract import FILES, MANIFEST, FileSpec
from ebok.core.errors import FormError
from ebok.core.i18n import N_, _
from ebok.domain import load_diff, online_payments
from ebok.loader import compare, encoding, mapping, messages, order, parse, validate
from ebok.loader import progress as stages
from ebok.loader.messages import Issue, Issues
from ebok.loader.validate import ident, lit
from ebok.storage import audit, schema, store, tables, warehouse

KEEP_VERSIONS = 3
MEMORY_LIMIT = os.environ.get("EBOK_LOADER_MEMORY", "1GB")
ROW_GROUP_SIZE = 16_384
# Built by a join with meters (premises_id), so always copied: typed outside the warehouse file.
ALWAYS_COPIED = frozenset({"readings"})
# wh-<id>.duckdb.pending: built and compared, waiting for publish() or discard(); not a version
# (published_versions() lists only names ending in .duckdb).
PENDING_SUFFIX = ".pending"
FIRST_LOAD = N_(
    "Pierwsze ładowanie: nie ma obsługiwanej hurtowni do porównania, kontrolę wiarygodności eksportu pominięto."
)
STATUS_WORDS = {"running": N_("w toku"), "pending": N_("czeka na decyzję"), "ok": N_("opublikowane"),
                "rejected": N_("odrzucone"), "failed": N_("błąd"), "discarded": N_("wycofane")}  # fmt: skip
# The report's first line, by the load's status.
HEADS = {
    "ok": N_("Eksport załadowany: {source} ({load_id})"),
    "rejected": N_("Eksport odrzucony – hurtownia bez zmian: {source} ({load_id})"),
    "failed": N_("Ładowanie nie powiodło się – hurtownia bez zmian: {source} ({load_id})"),
    "pending": N_("Eksport przygotowany – czeka na publikację albo wycofanie: {source} ({load_id})"),
    "discarded": N_("Import wycofany – hurtownia bez zmian: {source} ({load_id})"),
}


@dataclass
class LoadResult:
    """Outcome of one load attempt."""

    load_id: str
    status: str  # pending (prepare), ok, rejected, failed, discarded
    issues: Issues
    warehouse_file: str | None = None
    exported_at: datetime | None = None
    row_counts: dict[str, int] = field(default_factory=dict)
    diff: load_diff.Diff | None = None  # None: nothing was served to compare with (or not built)

    @property
    def exit_code(self) -> int:
        """0 ok, 1 rejected (by validation or by the comparison), 2 failed."""
        return {"ok": 0, "rejected": 1}.get(self.status, 2)

    @property
    def refusals(self) -> list[Issue]:
        """Return the comparison's reasons to refuse the export (still errors: not overridden)."""
        return [i for i in self.issues.errors if i.code.startswith(compare.PREFIX)]


def _final_name(load_id: str) -> str:
    """Return the version file name of LOAD_ID: wh-<id>.duckdb."""
    return f"{warehouse.PREFIX}{load_id}{warehouse.SUFFIX}"


def pending_path(load_id: str) -> Path:
    """Return where LOAD_ID's build waits for a decision: wh-<id>.duckdb.pending."""
    return settings.warehouse_dir() / (_final_name(load_id) + PENDING_SUFFIX)


def loader_dir() -> Path:
    """Return the loader's working folder (lock, staging, reports) in the data directory."""
    path = settings.data_dir() / "loader"
    path.mkdir(parents=True, exist_ok=True)
    return path


def documents_dir() -> Path:
    """Return the folder of content-addressed PDF copies (documents/<2 hex>/<sha256>.pdf)."""
    return warehouse.documents_dir()


def _pause(point: str) -> None:
    """Test hook: sleep at POINT when EBOK_LOADER_PAUSE_AT names it (kill -9 tests)."""
    if os.environ.get("EBOK_LOADER_PAUSE_AT") == point:
        (loader_dir() / f"paused-{point}").write_text(str(os.getpid()))
        time.sleep(float(os.environ.get("EBOK_LOADER_PAUSE_SECONDS", "60")))


def _stamp() -> str:
    """Return a UTC time stamp that sorts in load order."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def cleanup_leftovers() -> None:
    """Remove .building files and staging folders of loads that were killed; mark their runs failed."""
    wdir = settings.warehouse_dir()
    for path in wdir.glob(f"{warehouse.PREFIX}*{warehouse.BUILDING_SUFFIX}*"):
        path.unlink(missing_ok=True)
    for path in wdir.glob(f".{warehouse.POINTER}.*.tmp"):
        path.unlink(missing_ok=True)
    for path in loader_dir().glob("staging-*"):
        shutil.rmtree(path, ignore_errors=True)
    for path in loader_dir().glob("paused-*"):
        path.unlink(missing_ok=True)
    current = warehouse.pointer(wdir)  # what CURRENT names, even if that file is broken
    with store.engine().connect() as conn:
        running = conn.execute(
            sa.select(tables.load_runs.c.load_id).where(tables.load_runs.c.status == "running")
        ).scalars()
        for load_id in running:
            # Killed after the rename but before CURRENT moved: complete, but never published.
            name = f"{warehouse.PREFIX}{load_id}{warehouse.SUFFIX}"
            if name != current:
                (wdir / name).unlink(missing_ok=True)
            pending_path(load_id).unlink(missing_ok=True)
    _settle_pending(wdir, current)
    killed = [Issue("killed").as_dict()]
    with store.engine().begin() as conn:
        conn.execute(
            tables.load_runs.update()
            .where(tables.load_runs.c.status == "running")
            .values(status="failed", errors=json.dumps(killed, ensure_ascii=False))
        )


def _settle_pending(wdir: Path, current: str | None) -> None:
    """Keep pending builds whose run waits for a decision; settle what a killed publish left behind."""
    t = tables.load_runs
    with store.engine().connect() as conn:
        waiting = set(conn.execute(sa.select(t.c.load_id).where(t.c.status == "pending")).scalars())
    for path in wdir.glob(f"{warehouse.PREFIX}*{warehouse.SUFFIX}{PENDING_SUFFIX}"):
        if path.name.removeprefix(warehouse.PREFIX).split(".")[0] not in waiting:
            path.unlink(missing_ok=True)  # no run waits for it (killed before it was recorded)
    for load_id in waiting:
        if pending_path(load_id).exists():
            continue
        # A publish killed after renaming the build: published if CURRENT names it, else undone.
        name = _final_name(load_id)
        if name == current:
            _record({"load_id": load_id, "status": "ok", "warehouse_file": name})
            continue
        (wdir / name).unlink(missing_ok=True)
        _record({"load_id": load_id, "status": "running"})  # marked failed (killed) with the others


def prune_versions(keep: int = KEEP_VERSIONS) -> list[str]:
    """Delete published versions beyond the newest KEEP (never CURRENT's, nor the one served); return them."""
    wdir = settings.warehouse_dir()
    # When CURRENT's file is broken the app serves an older good one: that one must stay too.
    spared = {warehouse.pointer(wdir), warehouse.current_version(wdir)}
    versions = warehouse.published_versions(wdir)
    deleted = []
    for name in versions[:-keep] if keep else versions:
        if name in spared:
            continue
        (wdir / name).unlink(missing_ok=True)
        (wdir / (name + ".wal")).unlink(missing_ok=True)
        deleted.append(name)
    return deleted


class Loader:
    """State of one load attempt."""

    def __init__(
        self,
        source: Path,
        load_id: str,
        started: datetime,
        building: Path,
        progress: stages.Progress | None = None,
    ) -> None:
        self.source = source
        self.building = building  # the new warehouse file: typed tables are written straight into it
        self.progress = progress or stages.Quiet()
        self.load_id = load_id
        self.started = started
        self.issues = Issues()
        self.staging = loader_dir() / f"staging-{load_id}"
        self.present: dict[str, set[str]] = {}  # file -> contract columns present
        self.layout: dict[str, tuple[encoding.Prepared, list[str]]] = {}  # file -> how it was read
        self.usable: set[str] = set()  # files whose typed table can be trusted for refs
        self.row_counts: dict[str, int] = {}
        self.exported_at: datetime | None = None
        self.manifest: dict[str, tuple[int | None, str | None]] = {}
        self.con: duckdb.DuckDBPyConnection | None = None
        self.copies: dict[str, order.Copy] = {}  # table -> how the build put it in key order

    # --- staging -------------------------------------------------------------------
    def open_staging(self) -> duckdb.DuckDBPyConnection:
        """Open the new warehouse file for validation, with bounded memory and spilling to the data directory."""
        self.staging.mkdir(parents=True)
        (self.staging / "tmp").mkdir()
        con = duckdb.connect()
        # Each file is typed straight into the warehouse being built (compressed, in its small row
        # groups): a table already in key order then becomes the warehouse table by a rename, where a
        # staging copy cost a second write of every row (24 s of 106 at 100 000 premises). The
        # validation's own objects (t_, raw_, ...) are dropped before the build commits; a rejected
        # export's file is deleted.
        con.execute(f"ATTACH {lit(str(self.building))} AS wh (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
        # A table the build always copies (ALWAYS_COPIED) is typed into a scratch file instead, so its
        # typed copy leaves no free blocks in the warehouse (15 M readings: 335 MB). A file, not
        # memory: beyond memory_limit DuckDB spills in-memory tables uncompressed.
        con.execute(f"ATTACH {lit(str(self.staging / 'stage.duckdb'))} AS stage")
        con.execute("USE wh")
        con.execute(f"SET memory_limit = {lit(MEMORY_LIMIT)}")
        con.execute(f"SET temp_directory = {lit(str(self.staging / 'tmp'))}")
        con.execute("SET enable_progress_bar = false")
        con.execute("SET preserve_insertion_order = true")
        # DuckDB turns a long `IN (...)` list (a column's allowed values) into a join, and a plan with
        # a join writes the typed table in thread order, not file order: rowid stops being the line
        # number the report names, and the build must sort rows the export had in order.
        con.execute("SET disabled_optimizers = 'in_clause'")
        con.execute("BEGIN TRANSACTION")  # staging is scratch: one commit, not one per table
        parse.install(con)
        self.con = con
        return con

    def stage_file(self, spec: FileSpec, path: Path) -> bool:
        """Check PATH's encoding and checksum, then read it typed into typed_<name> (see read_file)."""
        prepared = encoding.prepare(path, self.staging, self.issues)
        return prepared.path is not None and self.read_file(spec, path, prepared)

    def read_file(self, spec: FileSpec, path: Path, prepared: encoding.Prepared) -> bool:
        """Read the prepared file into typed_<name> (values typed, rules checked), check header and structure."""
        known = {c.name for c in spec.columns}
        names = self._header_names(spec, prepared.header, known)
        missing = [c.name for c in spec.columns if c.required and c.name not in names]
        for col in missing:
            self.issues.error("missing_column", spec.filename, 1, col)
        self.present[spec.name] = {c for c in names if c in known}
        rows = self._read_typed(spec, prepared, names)
        rejects = self._report_rejects(spec, prepared.delimiter, len(names))
        self.row_counts[spec.name] = rows
        if spec is not MANIFEST:
            self._check_manifest_entry(spec.filename, prepared.sha256, rows + len({r[0] for r in rejects}))
        # With a missing column or a rejected line, row checks would report shifted lines or cascade.
        return not missing and not rejects

    def _header_names(self, spec: FileSpec, header: list[str], known: set[str]) -> list[str]:
        """Column names to read the file with: duplicates and unknown columns renamed (and reported)."""
        seen: set[str] = set()
        names = []
        for i, col in enumerate(header):
            if col in seen:
                self.issues.error("duplicate_column", spec.filename, 1, col)
                col = f"_dup{i}"
            elif col not in known:
                self.issues.warning("unknown_column", spec.filename, 1, col or f"#{i + 1}")
                col = f"_extra{i}"
            seen.add(col)
            names.append(col)
        return names

    def _csv(self, spec: FileSpec, prepared: encoding.Prepared, names: list[str], rejects: str) -> str:
        """read_csv of the prepared file, every column as text, bad lines into table REJECTS."""
        columns = "{" + ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names) + "}"
        return (
            f"read_csv({lit(str(prepared.path))}, "
            f"columns = {columns}, header = true, auto_detect = false, delim = {lit(prepared.delimiter)}, "
            f"quote = '\"', escape = '\"', store_rejects = true, rejects_table = '{rejects}', "
            f"rejects_scan = 'scan_{rejects}')"
        )

    def _read_typed(self, spec: FileSpec, prepared: encoding.Prepared, names: list[str]) -> int:
        """Read the file once into typed_<name> (bad lines into rej_<name>), view t_<name> over it; return rows."""
        con = self.con
        assert con is not None
        self.layout[spec.name] = (prepared, names)
        source = self._csv(spec, prepared, names, f"rej_{spec.name}")
        # Typed and checked in the same scan as the read: the text is neither stored nor parsed again.
        typed = self.typed_table(spec)
        # A transaction writes to one attached database only: readings' typed table is in the stage.
        con.execute("COMMIT")
        con.execute("BEGIN TRANSACTION")
        con.execute(f"CREATE TABLE {typed} AS {validate.typed_select(spec, self.present[spec.name], source)}")
        # rowid of uncommitted rows is offset; commit so rowid 0 is the first data line.
        con.execute("COMMIT")
        con.execute("BEGIN TRANSACTION")
        con.execute(f"CREATE VIEW t_{spec.name} AS SELECT rowid AS _row, * FROM {typed}")
        return con.execute(f"SELECT count(*) FROM {typed}").fetchone()[0]

    def typed_table(self, spec: FileSpec) -> str:
        """The typed table of SPEC's file: in the new warehouse, or in the stage when the build always copies it."""
        return f"stage.main.typed_{spec.name}" if spec.name in ALWAYS_COPIED else f"typed_{spec.name}"

    def raw_table(self, spec: FileSpec) -> str | None:
        """When a row of the file broke a rule: read it again as text into raw_<name> and name that table."""
        con = self.con
        if not con.execute(f"SELECT bool_or(_bad) FROM {self.typed_table(spec)}").fetchone()[0]:
            return None
        prepared, names = self.layout[spec.name]
        source = self._csv(spec, prepared, names, f"rej2_{spec.name}")
        con.execute(f"CREATE TABLE raw_{spec.name} AS SELECT * FROM {source}")
        con.execute("COMMIT")  # rowid 0 = the first data line, as in typed_<name>
        con.execute("BEGIN TRANSACTION")
        return f"raw_{spec.name}"

    def _report_rejects(self, spec: FileSpec, delimiter: str, expected: int) -> list[tuple]:
        """Report the lines DuckDB rejected (as many as the issue list has room for); return them all."""
        rejects = self.con.execute(
            f"SELECT line, error_type, column_name, error_message, csv_line FROM rej_{spec.name} ORDER BY line"
        ).fetchall()
        name = spec.filename
        for line, error_type, _column, message, csv_line in rejects[: self.issues.room()]:
            found = (csv_line or "").count(delimiter) + 1
            if error_type == "MISSING COLUMNS":
                self.issues.error("too_few_columns", name, line, None, expected=expected, found=found)
            elif error_type == "TOO MANY COLUMNS":
                self.issues.error("too_many_columns", name, line, None, expected=expected, found=found)
            else:
                self.issues.error(
                    "csv_error", name, line, None, value=(message or error_type).splitlines()[0]
                )
        return rejects

    def _check_manifest_entry(self, name: str, sha256: str, total: int) -> None:
        """Compare the file's data lines (read or rejected) and sha256 with what the manifest says."""
        exp_rows, exp_sha = self.manifest.get(name, (None, None))
        if exp_rows is not None and exp_rows != total:
            self.issues.error("rows_mismatch", name, total + 2 if total < exp_rows else None, None,
                              found=total, expected=exp_rows)  # fmt: skip
        if exp_sha and sha256 != exp_sha.lower():
            self.issues.error("sha_mismatch", name)

    def empty_file(self, spec: FileSpec) -> None:
        """Create view t_<name> with no rows, for an optional file that is absent."""
        cols = ", ".join(
            f"{validate.typed_expr(spec, c.name, set())} AS {ident(c.name)}" for c in spec.columns
        )
        self.con.execute(f"CREATE VIEW t_{spec.name} AS SELECT CAST(NULL AS BIGINT) AS _row, {cols} LIMIT 0")

    def read_manifest(self, files: dict[str, Path]) -> None:
        """Stage and check manifest.csv; remember rows, sha256 and exported_at per file."""
        path = files.pop(MANIFEST.filename, None)
        if path is None:  # optional: without it the load relies on its other checks, and says so
            self.issues.warning("manifest_missing", MANIFEST.filename)
            return
        if not self.stage_file(MANIFEST, path):
            return
        validate.check_columns(self.con, MANIFEST, self.present["manifest"], self.issues, self.source,
                               self.raw_table(MANIFEST))  # fmt: skip
        validate.check_unique(self.con, MANIFEST, self.issues)
        rows = self.con.execute(
            "SELECT _row, lower(file), rows, sha256, exported_at FROM t_manifest"
        ).fetchall()
        for row, file, count, sha, exported in rows:
            if file is None:
                continue
            self.manifest[file] = (count, sha)
            if exported and (self.exported_at is None or exported > self.exported_at):
                self.exported_at = exported
            if file not in files and file.removesuffix(".csv") in {f.name for f in FILES}:
                self.issues.error("manifest_lists_missing", MANIFEST.filename, row + 2, "file", value=file)

    # --- the whole validation -------------------------------------------------------
    def validate(self) -> None:
        """Stage and check every file; fill self.issues."""
        if not self.source.is_dir():
            self.issues.error("folder_missing", path=str(self.source))
            return
        files = {p.name.lower(): p for p in self.source.iterdir() if p.is_file()}
        if not files:
            self.issues.error("folder_empty")
            return
        self.open_staging()
        self.read_manifest(files)
        contract_names = {spec.filename for spec in FILES}
        for name in sorted(set(files) - contract_names):
            self.issues.warning("unknown_file", name)
        expected = self._expected_rows(files)
        self.progress.stage(stages.VALIDATING, expected)
        prepared = {spec.name: self._prepare_file(spec, files.get(spec.filename)) for spec in FILES}
        self.progress.stage(stages.TYPING, expected)
        for spec in FILES:
            self._check_file(spec, files.get(spec.filename), prepared[spec.name])
        self.progress.stage(stages.CHECKING, sum(self.row_counts.get(s.name, 0) for s in FILES))
        self._cross_check()
        self.progress.done()

    def _expected_rows(self, files: dict[str, Path]) -> int | None:
        """Data lines the manifest announces for the files present (None without a manifest)."""
        counts = [
            self.manifest.get(spec.filename, (None, None))[0] for spec in FILES if spec.filename in files
        ]
        return sum(n or 0 for n in counts) if self.manifest else None

    def _prepare_file(self, spec: FileSpec, path: Path | None) -> encoding.Prepared | None:
        """Check the encoding of one file and hash it (one read); None when absent."""
        if path is None:
            return None
        if self.manifest and spec.filename not in self.manifest:
            self.issues.error("not_in_manifest", spec.filename)
        prepared = encoding.prepare(path, self.staging, self.issues)
        self.progress.advance(self.manifest.get(spec.filename, (0, None))[0] or 0, spec.filename)
        return prepared

    def _check_file(self, spec: FileSpec, path: Path | None, prepared: encoding.Prepared | None) -> None:
        """Read and check one contract file on its own; an absent optional file becomes an empty table."""
        if path is None or prepared is None:
            if spec.required:
                self.issues.error("file_missing", spec.filename)
                return
            self.empty_file(spec)
            self.usable.add(spec.name)
            self.row_counts[spec.name] = 0
            return
        if prepared.path is not None and self.read_file(spec, path, prepared):
            validate.check_columns(self.con, spec, self.present[spec.name], self.issues, self.source,
                                   self.raw_table(spec))  # fmt: skip
            self.usable.add(spec.name)
        self.progress.advance(self.row_counts.get(spec.name, 0), spec.filename)

    def _cross_check(self) -> None:
        """Checks across rows and files (keys, references, ledger, readings), on the files that can be trusted."""
        for spec in FILES:
            if spec.name in self.usable and spec.name in self.present:
                validate.check_unique(self.con, spec, self.issues)
                validate.check_refs(self.con, spec, self.usable, self.issues)
            self.progress.advance(self.row_counts.get(spec.name, 0), spec.filename)
        if "ledger" in self.usable and "ledger" in self.present:
            validate.check_ledger(self.con, self.issues)
        if {"readings", "meters"} <= self.usable and "readings" in self.present:
            validate.check_readings(self.con, self.issues)

    # --- the build ------------------------------------------------------------------
    def copy_documents(self) -> list[tuple[str, str, int]]:
        """Copy every referenced PDF into the content-addressed store; return (file, sha256, bytes)."""
        con = self.con
        names = {
            r[0]
            for spec in FILES
            for col in spec.columns
            if col.check == "pdf_file"
            for r in con.execute(
                f"SELECT DISTINCT {ident(col.name)} FROM t_{spec.name} WHERE {ident(col.name)} IS NOT NULL"
            ).fetchall()
        }
        out = []
        target_root = documents_dir()
        for name in sorted(names):
            src = self.source / "documents" / name
            digest = hashlib.sha256()
            with open(src, "rb") as fh:
                while block := fh.read(1 << 20):
                    digest.update(block)
            sha = digest.hexdigest()
            target = target_root / sha[:2] / f"{sha}.pdf"
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(f".{self.load_id}.tmp")
                shutil.copyfile(src, tmp)
                os.replace(tmp, target)
            out.append((name, sha, src.stat().st_size))
        return out

    def _adopt(self, spec: FileSpec) -> order.Copy | None:
        """Make typed_<name> the warehouse table of SPEC when it is in key order already: renamed, not copied."""
        con = self.con
        keys = list(spec.sort_by)
        if spec.name in ALWAYS_COPIED or not keys or spec.name not in self.layout:
            return None
        typed = self.typed_table(spec)
        if order.breaks(con, typed, keys, 1):
            return None
        columns = {r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'wh' AND table_name = ?", [typed]
        ).fetchall()}  # fmt: skip
        for extra in sorted(columns - {c.name for c in spec.columns}):  # _bad and the kept texts _r_<column>
            con.execute(f"ALTER TABLE {typed} DROP COLUMN {ident(extra)}")
        con.execute(f"ALTER TABLE {typed} RENAME TO {spec.name}")
        return order.Copy("stored")

    def _copy_sorted(self, spec: FileSpec) -> order.Copy:
        """Fill the warehouse table of SPEC from its typed table, in the contract's sort order."""
        con = self.con
        adopted = self._adopt(spec)
        if adopted is not None:
            return adopted
        con.execute(schema.create_table_sql(spec))
        select = ", ".join(f"s.{ident(c.name)}" for c in spec.columns)
        rows = self.row_counts.get(spec.name, 0)
        # An absent optional file has only its empty view t_<name>: nothing to order.
        source = self.typed_table(spec) if spec.name in self.layout else f"t_{spec.name}"
        if spec.name != "readings":
            keys = list(spec.sort_by)
            order_by = ", ".join(f"s.{ident(c)}" for c in keys) or (
                "s.rowid" if spec.name in self.layout else "s._row"
            )
            insert = f"INSERT INTO {spec.name} SELECT {select} FROM {source} s"
            skip = bool(keys) and spec.name in self.layout
            return order.copy(con, spec.name, insert, source, keys, order_by, rows, may_skip_sort=skip)
        # premises_id first: per-premises queries read one contiguous range. Always sorted: without
        # the sort the join's premises_id would have to be filled by an UPDATE, which held 15 M
        # rows' updates in memory (peak 1.49 GB at 100 000 premises instead of 1.3).
        insert = (
            f"INSERT INTO readings SELECT {select}, m.premises_id FROM {source} s "
            "LEFT JOIN meters m USING (meter_id)"
        )
        return order.copy(con, "readings", insert, source, [], "m.premises_id, s.meter_id, s.reading_date", rows,
                          may_skip_sort=False)  # fmt: skip

    def build(self, final_name: str) -> None:
        """Finish the new warehouse: tables sorted per contract, derived tables, comments, history, views."""
        con = self.con
        assert con is not None
        documents = self.copy_documents()
        con.execute("COMMIT")
        con.execute("BEGIN TRANSACTION")  # one commit for the whole build, not one per statement
        self.progress.stage(stages.BUILDING, sum(self.row_counts.get(spec.name, 0) for spec in FILES))
        for spec in FILES:
            self.progress.advance(0, spec.filename)
            self.copies[spec.name] = self._copy_sorted(spec)
            for stmt in schema.comment_sql(spec):
                con.execute(stmt)
            self.progress.advance(self.row_counts.get(spec.name, 0), spec.filename)
        self._drop_validation_objects()
        self.progress.stage(stages.DERIVED)
        # The Media page's per-premises figures, computed once here instead of at every visit;
        # sorted by premises_id / building_id and in the same small row groups as the tables above.
        schema.create_derived(con)
        schema.create_indexes(con)
        _pause("build")
        schema.create_document_files(con)
        if documents:
            con.executemany("INSERT INTO document_files VALUES (?, ?, ?)", documents)
        loaded_at = clock.local_now()
        counts = json.dumps(self.row_counts)
        schema.create_meta(con)
        con.execute(
            "INSERT INTO meta VALUES (?, ?, ?, ?, ?)",
            [self.load_id, self.exported_at, loaded_at, str(self.source), counts],
        )
        schema.create_etl_loads(con)
        history = [
            (
                r.load_id,
                r.started_at,
                r.finished_at,
                r.source,
                r.status,
                r.warehouse_file,
                r.exported_at,
                r.row_counts,
                r.errors,
                r.diff,
            )  # fmt: skip
            for r in _load_runs(exclude=self.load_id)
        ]
        history.append((self.load_id, self.started, loaded_at, str(self.source), "ok", final_name,
                        self.exported_at, counts, json.dumps(self.issues.as_list(), ensure_ascii=False), None))  # fmt: skip
        con.executemany("INSERT INTO etl_loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", history)
        self.progress.stage(stages.COPYING)
        copy_ops(con)
        copied = [
            con.execute(f"SELECT count(*) FROM ops.{ident(n)}").fetchone()[0]
            for n in tables.COPIED_TO_WAREHOUSE
        ]
        self.progress.advance(sum(copied))
        schema.create_views(con)
        con.execute("COMMIT")
        con.execute("USE memory")
        con.execute("CHECKPOINT wh")
        con.execute("DETACH wh")

    def _drop_validation_objects(self) -> None:
        """Drop what the validation left in the new warehouse: views t_<file>, typed tables copied, raw texts.

        Only t_ views exist in wh before create_views; DuckDB keeps the rejects tables in temp.
        """
        con = self.con
        found = con.execute(
            "SELECT 'VIEW', view_name FROM duckdb_views() WHERE database_name = 'wh' AND NOT internal "
            "UNION ALL SELECT 'TABLE', table_name FROM duckdb_tables() WHERE database_name = 'wh' "
            "AND schema_name = 'main' AND regexp_matches(table_name, '^(typed|raw)_')"
        ).fetchall()
        for kind, name in found:  # views first: they read the tables
            con.execute(f"DROP {kind} {ident(name)}")


def _load_runs(exclude: str | None = None, limit: int | None = None) -> list[sa.Row]:
    """Return load_runs rows, oldest first (or the newest LIMIT, newest first)."""
    t = tables.load_runs
    query = sa.select(t)
    if exclude:
        query = query.where(t.c.load_id != exclude)
    query = query.order_by(t.c.started_at.desc() if limit else t.c.started_at, t.c.load_id)
    if limit:
        query = query.limit(limit)
    with store.engine().connect() as conn:
        return list(conn.execute(query))


def _duck_type(column: sa.Column) -> str:
    """Map a SQLAlchemy column type to a DuckDB type."""
    t = column.type
    if isinstance(t, sa.Boolean):
        return "BOOLEAN"
    if isinstance(t, sa.Integer):
        return "BIGINT"
    if isinstance(t, sa.Numeric):
        return f"DECIMAL({t.precision or 18},{t.scale or 4})"
    if isinstance(t, sa.DateTime):
        return "TIMESTAMP"
    if isinstance(t, sa.Date):
        return "DATE"
    return "VARCHAR"


def copy_ops(con: duckdb.DuckDBPyConnection) -> None:
    """Copy the store tables in tables.COPIED_TO_WAREHOUSE into schema ops, with comments."""
    con.execute("CREATE SCHEMA ops")
    for name in tables.COPIED_TO_WAREHOUSE:
        table = tables.metadata.tables[name]
        cols = ", ".join(f"{ident(c.name)} {_duck_type(c)}" for c in table.columns)
        con.execute(f"CREATE TABLE ops.{ident(name)} ({cols})")
        con.execute(
            f"COMMENT ON TABLE ops.{ident(name)} IS "
            f"{lit(table.comment or f'Kopia tabeli {name} z bazy operacyjnej e-BOK (stan z chwili ładowania).')}"
        )
        for c in table.columns:
            text = c.comment or f"Kolumna {c.name} tabeli {name} bazy operacyjnej."
            con.execute(f"COMMENT ON COLUMN ops.{ident(name)}.{ident(c.name)} IS {lit(text)}")
        with store.engine().connect() as conn:
            result = conn.execute(sa.select(table))
            while chunk := result.fetchmany(50_000):
                frame = pd.DataFrame(chunk, columns=list(result.keys()))  # noqa: F841 (read by DuckDB)
                con.execute(f"INSERT INTO ops.{ident(name)} SELECT * FROM frame")


def _record(values: dict, conn: sa.Connection | None = None) -> None:
    """Insert or update this run's row in load_runs (on CONN: the caller's transaction)."""
    if conn is None:
        with store.engine().begin() as own:
            _record(values, own)
        return
    t = tables.load_runs
    done = conn.execute(t.update().where(t.c.load_id == values["load_id"]).values(**values)).rowcount
    if not done:
        conn.execute(t.insert().values(**values))


def report_text(result: LoadResult, source: Path, lang: str | None = None) -> str:
    """Return the human report of RESULT in LANG (None: the language of this run)."""
    with i18n.use(lang or i18n.current()):
        lines = [_(HEADS[result.status]).format(source=source, load_id=result.load_id)]
        if result.status == "ok":
            lines += _published_lines(result)
        if result.diff is not None:
            lines += _diff_lines(result.diff)
        elif result.status in ("ok", "pending"):
            lines.append(_(FIRST_LOAD))
        lines += _issue_lines(result.issues)
        if result.status == "rejected" and result.refusals:
            lines.append(
                _(
                    'Jeśli zmiana jest prawdziwa, opublikuj mimo to: python -m ebok load KATALOG --force --reason "…"'
                )
            )
        return "\n".join(lines)


def _diff_lines(d: load_diff.Diff) -> list[str]:
    """The report's summary of the comparison with the warehouse served."""
    p, c = d.premises, d.customers
    return [
        _(
            "Porównanie z {served}: lokale {premises_before} → {premises_after} (+{premises_added} −{premises_gone}), "
            "klienci {customers_before} → {customers_after} (+{customers_added} −{customers_gone}), "
            "saldo łączne {balance_before} → {balance_after}"
        ).format(
            served=d.served,
            premises_before=p.before,
            premises_after=p.after,
            premises_added=p.added,
            premises_gone=p.gone,
            customers_before=c.before,
            customers_after=c.after,
            customers_added=c.added,
            customers_gone=c.gone,
            balance_before=fmt.money(d.balance_before),
            balance_after=fmt.money(d.balance_after),
        )  # fmt: skip
    ]


def _published_lines(result: LoadResult) -> list[str]:
    """The report's lines about a published warehouse: its file, data date and row counts."""
    lines = [_("Nowa hurtownia: {file}").format(file=result.warehouse_file)]
    if result.exported_at:
        lines.append(_("Dane na dzień: {date}").format(date=result.exported_at.strftime("%d.%m.%Y %H:%M")))
    counts = ", ".join(f"{k} {v}" for k, v in result.row_counts.items())
    lines.append(_("Wiersze: {counts}").format(counts=counts))
    return lines


def _issue_lines(issues: Issues, lang: str | None = None) -> list[str]:
    """The report's lines listing errors (with a note when some were cut off) and then warnings."""
    with i18n.use(lang or i18n.current()):
        lines = []
        if issues.errors:
            count = f"{len(issues.errors)}{'+' if issues.truncated else ''}"
            lines.append(_("Błędy ({count}):").format(count=count))
            lines += ["  " + i.render() for i in issues.errors]
            if issues.truncated:
                lines.append("  " + _("(kolejne błędy pominięto)"))
        if issues.warnings:
            lines.append(_("Ostrzeżenia ({count}):").format(count=len(issues.warnings)))
            lines += ["  " + i.render() for i in issues.warnings]
        return lines


def _locked() -> FileLock:
    """Return the load lock: one load, publish, discard or rollback at a time."""
    return FileLock(str(loader_dir() / "load.lock"))


# Who holds the load lock, written beside it once taken, removed before it is released: the busy
# answer says who is loading and since when. A note left by a killed process is overwritten by the
# next holder and never read while nobody holds the lock.
HOLDER_FILE = "load.holder.json"
HOLDER_WHAT = {
    "folder": N_("katalog {source}"),
    "browser": N_("import z przeglądarki"),
    "publish": N_("publikacja importu"),
    "discard": N_("wycofanie importu"),
    "rollback": N_("przywracanie wersji hurtowni"),
}


@dataclass(frozen=True)
class Holder:
    """Who holds the load lock, since when, doing what."""

    actor: str
    since: datetime
    kind: str  # a key of HOLDER_WHAT
    source: str = ""

    def what(self, lang: str | None = None) -> str:
        """Return what the holder does, in LANG (None: the language of this run)."""
        with i18n.use(lang or i18n.current()):
            return _(HOLDER_WHAT.get(self.kind, HOLDER_WHAT["folder"])).format(source=self.source)


def uploads_dir() -> Path:
    """Return where the office's import page unpacks uploaded exports (one fresh folder each)."""
    return loader_dir() / "uploads"


def _source_kind(source: Path) -> str:
    """Return how the holder note names SOURCE: an upload of the import page, or a folder."""
    return "browser" if source.is_relative_to(uploads_dir()) else "folder"


def _take(lock: FileLock, actor: str, kind: str, source: str = "") -> None:
    """Acquire LOCK (Timeout when another process holds it) and note who holds it."""
    lock.acquire(timeout=5)
    note = {"actor": actor, "since": clock.local_now().isoformat(timespec="seconds"), "kind": kind,
            "source": source, "pid": os.getpid()}  # fmt: skip
    path = loader_dir() / HOLDER_FILE
    tmp = path.with_name(f".{HOLDER_FILE}.{os.getpid()}.tmp")
    try:  # a courtesy for the busy answer: the lock alone keeps loads apart
        tmp.write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def _release(lock: FileLock) -> None:
    """Remove the holder note, then release LOCK (never the next holder's note)."""
    (loader_dir() / HOLDER_FILE).unlink(missing_ok=True)
    lock.release()


def holder() -> Holder | None:
    """Return who holds the load lock now, None when nobody does (or the note is unreadable)."""
    probe = _locked()
    try:
        probe.acquire(timeout=0)
    except Timeout:
        pass
    else:  # nobody holds it: a note left behind is stale
        _release(probe)
        return None
    try:
        note = json.loads((loader_dir() / HOLDER_FILE).read_text(encoding="utf-8"))
        return Holder(str(note["actor"]), datetime.fromisoformat(note["since"]), str(note["kind"]),
                      str(note.get("source") or ""))  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError):
        return None


def busy_text(lang: str | None = None) -> str | None:
    """Return the busy answer (who is loading, since when, what) in LANG (None: the language of this
    run), None when no load holds the lock."""
    found = holder()
    if found is None:
        return None
    return Issue("busy_by", params=_holder_params(found)).message(lang)


def _holder_params(found: Holder) -> dict[str, Any]:
    """Return the busy_by message's parameters for FOUND (what it does: in the language shown)."""
    return {"since": found.since.strftime("%d.%m.%Y %H:%M"), "actor": found.actor,
            "what": messages.Later(found.what)}  # fmt: skip


def _os_user() -> str:
    """Return who runs the command (the audit log's actor for the CLI; the nightly timer says so)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        name = f"uid {os.getuid()}"
    # systemd sets INVOCATION_ID for a unit it runs: here, ebok-load.service started by its timer.
    return f"system (timer, {name})" if os.environ.get("INVOCATION_ID") else name


def _reason_required(force: bool, reason: str | None) -> None:
    """Refuse a forced publication without a reason: the audit log must say why."""
    if force and not (reason or "").strip():
        raise FormError.one("reason", _('podaj powód publikacji mimo odrzucenia (--reason "…")'))


def load(
    source: Path | str,
    lang: str | None = None,
    stream: TextIO | None = None,
    *,
    profile: str | None = None,
    force: bool = False,
    reason: str | None = None,
    actor: str | None = None,
    progress: stages.Progress | None = None,
) -> LoadResult:
    """Validate the export in SOURCE (read through mapping PROFILE, default the office config's), build
    and compare it; publish it unless implausible (or FORCE)."""
    _reason_required(force, reason)
    progress = progress or stages.Quiet()
    source = Path(source).resolve() if Path(source).exists() else Path(source)
    stream = stream if stream is not None else sys.stderr
    lock = _locked()
    load_id = _stamp()
    started = clock.local_now()
    actor = actor or _os_user()
    try:
        _take(lock, actor, _source_kind(source), str(source))
    except Timeout:
        return _busy(load_id, started, source, lang, stream)
    try:
        result = _prepare(source, load_id, started, profile, progress)
        if result.status == "pending":
            progress.stage(stages.PUBLISHING)
            result = _decide(result, force, reason, actor)
        progress.close()
        _report(result, source, lang, stream)
        return result
    finally:
        _release(lock)


def prepare(
    source: Path | str,
    lang: str | None = None,
    stream: TextIO | None = None,
    profile: str | None = None,
    *,
    actor: str | None = None,
    progress: stages.Progress | None = None,
) -> LoadResult:
    """Validate, build and compare SOURCE, leaving the new warehouse pending for publish() or discard().

    The office's import page calls this, shows the comparison and the refusals, and decides later
    (without holding the load lock meanwhile). A later prepare() or load() supersedes it. ACTOR
    (default: the OS user) is named by the busy answer of a load that finds this one running.
    """
    source = Path(source).resolve() if Path(source).exists() else Path(source)
    stream = stream if stream is not None else sys.stderr
    lock = _locked()
    load_id = _stamp()
    started = clock.local_now()
    try:
        _take(lock, actor or _os_user(), _source_kind(source), str(source))
    except Timeout:
        return _busy(load_id, started, source, lang, stream)
    try:
        progress = progress or stages.Quiet()
        result = _prepare(source, load_id, started, profile, progress)
        progress.close()
        _report(result, source, lang, stream)
        return result
    finally:
        _release(lock)


def publish(
    load_id: str,
    *,
    actor: str,
    force: bool = False,
    reason: str | None = None,
    lang: str | None = None,
    stream: TextIO | None = None,
) -> LoadResult:
    """Publish the pending load LOAD_ID; with refusals only when FORCE, with a REASON (audited as ACTOR).

    Raises FormError when the load is not pending, the served version changed since it was
    prepared, it was refused and not forced, or a force has no reason.
    """
    _reason_required(force, reason)
    with _lock_or_refuse(actor, "publish"):
        result = _publish(load_id, force=force, reason=reason, actor=actor)
    _report(result, Path(_run_row(load_id).source), lang, stream if stream is not None else sys.stderr)
    return result


def discard(load_id: str, *, actor: str, lang: str | None = None, stream: TextIO | None = None) -> LoadResult:
    """Discard the pending load LOAD_ID: its file is removed, the warehouse served stays (audited)."""
    with _lock_or_refuse(actor, "discard"):
        result = _close_pending(load_id, "discarded", "discarded", actor=actor)
        audit.record("load_discarded", username=actor, load_id=load_id)
    _report(result, Path(_run_row(load_id).source), lang, stream if stream is not None else sys.stderr)
    return result


@contextlib.contextmanager
def _lock_or_refuse(actor: str, kind: str) -> Iterator[None]:
    """Hold the load lock as ACTOR doing KIND, or refuse (FormError: who and since when) while another holds it."""
    lock = _locked()
    try:
        _take(lock, actor, kind)
    except Timeout:
        busy = busy_text() or _("Trwa inne ładowanie danych. Spróbuj ponownie, gdy się zakończy.")
        raise FormError.one("Import", busy) from None
    try:
        yield
    finally:
        _release(lock)


def _busy(load_id: str, started: datetime, source: Path, lang: str | None, stream: TextIO) -> LoadResult:
    """Record and report a load that found another one holding the lock."""
    issues = Issues()
    found = holder()
    if found is None:
        issues.error("busy")
    else:
        issues.error("busy_by", **_holder_params(found))
    result = LoadResult(load_id, "failed", issues)
    _record({"load_id": load_id, "started_at": started, "finished_at": clock.local_now(), "source": str(source),
             "status": "failed", "errors": json.dumps(issues.as_list(), ensure_ascii=False)})  # fmt: skip
    print(report_text(result, source, lang), file=stream)
    return result


def _prepare(
    source: Path, load_id: str, started: datetime, profile: str | None, progress: stages.Progress
) -> LoadResult:
    """Under the lock: validate (through mapping PROFILE), build wh-<id>.duckdb.pending, compare it."""
    cleanup_leftovers()
    _supersede(load_id)
    _record({"load_id": load_id, "started_at": started, "source": str(source), "status": "running"})
    final_name = _final_name(load_id)
    building = settings.warehouse_dir() / f"{warehouse.PREFIX}{load_id}{warehouse.BUILDING_SUFFIX}"
    loader = Loader(source, load_id, started, building, progress)
    pending = pending_path(load_id)
    result = LoadResult(load_id, "failed", loader.issues)
    mapped = loader_dir() / f"staging-{load_id}-profile"
    try:
        normalised = mapping.apply(source, profile or config.load().export.profile, mapped, loader.issues)
        if normalised.folder is not None:
            loader.source = normalised.folder
            loader.validate()
            loader.source = source  # the history names the office's folder, not the staging copy
        normalised.translate(loader.issues)
        _pause("validate")
        if loader.issues.errors:
            result.status = "rejected"
        else:
            loader.build(final_name)
            loader.con.close()
            loader.con = None
            wal = building.with_name(building.name + ".wal")
            if wal.exists():
                raise RuntimeError(f"{wal.name} left after CHECKPOINT")
            _fsync(building)
            os.replace(building, pending)
            _compare(result, pending)
            result.status = "pending"
    except Exception as exc:  # report every failure; the last good warehouse stays
        loader.issues.error("internal", value=f"{type(exc).__name__}: {exc}".splitlines()[0][:300])
        result.status = "failed"
    finally:
        if loader.con is not None:
            loader.con.close()
        if result.status != "pending":
            for path in (building, building.with_name(building.name + ".wal"), pending):
                path.unlink(missing_ok=True)
        shutil.rmtree(loader.staging, ignore_errors=True)
        shutil.rmtree(mapped, ignore_errors=True)
    result.exported_at = loader.exported_at
    result.row_counts = loader.row_counts
    _record({
        "load_id": load_id, "started_at": started, "finished_at": clock.local_now(), "source": str(source),
        "status": result.status, "exported_at": loader.exported_at, "row_counts": json.dumps(loader.row_counts),
        "errors": json.dumps(loader.issues.as_list(), ensure_ascii=False),
        "diff": result.diff.to_json() if result.diff else None,
    })  # fmt: skip
    return result


def _compare(result: LoadResult, built: Path) -> None:
    """Compare BUILT with the version served; add the refusals (or the first-load note) to the issues."""
    served = warehouse.current_path()
    if served is None:
        return  # the first load: nothing to compare with (the report says so)
    result.diff = compare.diff(built, served)
    for refusal in compare.check(result.diff):
        result.issues.add(refusal.issue())
    # Analysts query DuckDB, not the store: the new version carries its own comparison in etl_loads.
    con = duckdb.connect(str(built))
    try:
        con.execute(
            "UPDATE etl_loads SET diff = ? WHERE load_id = ?", [result.diff.to_json(), result.load_id]
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _decide(result: LoadResult, force: bool, reason: str | None, actor: str) -> LoadResult:
    """load()'s decision on its pending build: publish it, unless refused and not forced."""
    if result.refusals and not force:
        return _close_pending(result.load_id, "rejected")
    try:
        return _publish(result.load_id, force=force, reason=reason, actor=actor)
    except Exception as exc:  # the served version stays; the report says why
        result.issues.error("internal", value=f"{type(exc).__name__}: {exc}".splitlines()[0][:300])
        pending_path(result.load_id).unlink(missing_ok=True)
        result.status = "failed"
        _record({"load_id": result.load_id, "status": "failed", "finished_at": clock.local_now(),
                 "errors": json.dumps(result.issues.as_list(), ensure_ascii=False)})  # fmt: skip
        return result


def _run_row(load_id: str) -> sa.Row | None:
    """Return LOAD_ID's row of load_runs, or None."""
    t = tables.load_runs
    with store.engine().connect() as conn:
        return conn.execute(sa.select(t).where(t.c.load_id == load_id)).first()


def _pending_row(load_id: str) -> sa.Row:
    """Return LOAD_ID's row when it waits for a decision; refuse (FormError) otherwise."""
    row = _run_row(load_id)
    if row is None:
        raise FormError.one("load_id", _("nie ma ładowania {load_id}").format(load_id=load_id))
    if row.status != "pending":
        label = _(STATUS_WORDS[row.status]) if row.status in STATUS_WORDS else row.status
        raise FormError.one(
            "load_id",
            _("ładowanie {load_id} nie czeka na publikację (jest: {status})").format(
                load_id=load_id, status=label
            ),
        )
    if not pending_path(load_id).exists():
        raise FormError.one(
            "load_id",
            _("brak pliku przygotowanej hurtowni {file}").format(file=pending_path(load_id).name),
        )
    return row


def _result(row: sa.Row, status: str, issues: Issues, warehouse_file: str | None = None) -> LoadResult:
    """Return the LoadResult of a pending load ROW once decided."""
    return LoadResult(
        row.load_id, status, issues, warehouse_file, row.exported_at,
        json.loads(row.row_counts or "{}"), load_diff.from_json(row.diff),
    )  # fmt: skip


def _refusals_to_publish(row: sa.Row, issues: Issues, force: bool) -> list[Issue]:
    """Return the refusals FORCE overrides; refuse (FormError) a stale or unforced publication."""
    compared = load_diff.from_json(row.diff)
    served = warehouse.current_version()
    if (compared.served if compared else None) != served:
        raise FormError.one(
            "load_id",
            _(
                "od przygotowania importu zmieniła się hurtownia w użyciu (teraz: {served}); "
                "przygotuj import ponownie"
            ).format(served=served or _("brak")),
        )
    refusals = [i for i in issues.errors if i.code.startswith(compare.PREFIX)]
    if refusals and not force:
        raise FormError.one(
            "force",
            _(
                "kontrola wiarygodności odrzuciła ten eksport ({count}); opublikować go "
                "można tylko świadomie, z potwierdzeniem i powodem"
            ).format(count=len(refusals)),
        )
    return refusals


def _override(issues: Issues, refusals: list[Issue], actor: str, reason: str) -> None:
    """Keep the overridden REFUSALS as warnings, followed by who decided and why."""
    for issue in refusals:
        issue.level = "warning"  # still reported, no longer a reason to refuse
    issues.errors = [i for i in issues.errors if i not in refusals]
    issues.warnings[:0] = refusals
    issues.warning("forced", actor=actor, reason=reason)


def _publish(load_id: str, *, force: bool, reason: str | None, actor: str) -> LoadResult:
    """Under the lock: rename the pending build to its version name, point CURRENT at it, record, audit."""
    _reason_required(force, reason)
    row = _pending_row(load_id)
    issues = messages.stored(json.loads(row.errors or "[]"))
    refusals = _refusals_to_publish(row, issues, force)
    final_name = _final_name(load_id)
    final = settings.warehouse_dir() / final_name
    os.replace(pending_path(load_id), final)
    warehouse.publish(final)
    # Confirmed online payments this ledger booked stop showing as pending.
    online_payments.book_load(load_id, final)
    why = (reason or "").strip()
    if refusals:
        _override(issues, refusals, actor, why)
    with store.engine().begin() as conn:
        _record({"load_id": load_id, "status": "ok", "warehouse_file": final_name, "finished_at": clock.local_now(),
                 "errors": json.dumps(issues.as_list(), ensure_ascii=False)}, conn)  # fmt: skip
        if refusals:
            audit.record("load_forced", username=actor, con=conn, load_id=load_id, warehouse_file=final_name,
                         reason=why, overridden=[i.message("pl") for i in refusals])  # fmt: skip
    prune_versions()
    return _result(row, "ok", issues, final_name)


def _close_pending(load_id: str, status: str, code: str | None = None, **params: str) -> LoadResult:
    """Remove LOAD_ID's pending build and record STATUS (rejected, discarded) with an optional note CODE."""
    row = _pending_row(load_id)
    pending_path(load_id).unlink(missing_ok=True)
    issues = messages.stored(json.loads(row.errors or "[]"))
    if code:
        issues.warning(code, **params)
    _record({"load_id": load_id, "status": status, "finished_at": clock.local_now(),
             "errors": json.dumps(issues.as_list(), ensure_ascii=False)})  # fmt: skip
    return _result(row, status, issues)


def _supersede(newer: str) -> None:
    """Discard every build still pending: the newest export wins, and its comparison is with what is served."""
    t = tables.load_runs
    with store.engine().connect() as conn:
        waiting = conn.execute(sa.select(t.c.load_id).where(t.c.status == "pending")).scalars().all()
    for load_id in waiting:
        if pending_path(load_id).exists():
            _close_pending(load_id, "discarded", "superseded", value=newer)


def _report(result: LoadResult, source: Path, lang: str | None, stream: TextIO) -> None:
    """Keep RESULT's report beside the others (reports/<id>.txt, overwritten on a decision) and print it."""
    text = report_text(result, source, lang)
    reports = loader_dir() / "reports"
    reports.mkdir(exist_ok=True)
    (reports / f"{result.load_id}.txt").write_text(text + "\n", encoding="utf-8")
    print(text, file=stream)


def _fsync(path: Path) -> None:
    """Flush PATH to disk before it is renamed and published."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def rollback(stream: TextIO | None = None, lang: str | None = None, version: str | None = None) -> int:
    """Point CURRENT at VERSION, or at the newest good version before CURRENT's; 1 if there is none.

    Messages come in LANG (None: the language of this run).
    """
    stream = stream if stream is not None else sys.stderr
    with i18n.use(lang or i18n.current()):
        lock = _locked()
        try:
            _take(lock, _os_user(), "rollback")
        except Timeout:
            print(busy_text() or _("Trwa ładowanie; spróbuj później."), file=stream)
            return 2
        try:
            return _rollback(stream, version)
        finally:
            _release(lock)


def _rollback(stream: TextIO, version: str | None) -> int:
    """Rollback under the load lock: a broken version is never published."""
    wdir = settings.warehouse_dir()
    versions = warehouse.published_versions(wdir)
    if version is not None:
        wanted = Path(version).name  # a path to the file works as well as its name
        if wanted not in versions:
            known = ", ".join(versions) or "-"
            print(
                _("Nie ma wersji {version}; dostępne: {known}").format(version=wanted, known=known),
                file=stream,
            )
            return 1
        candidates = [wanted]
    else:
        current = warehouse.pointer(wdir)
        # CURRENT naming a missing or garbled file: every version is "before" it.
        candidates = versions[: versions.index(current)] if current in versions else versions
        candidates = candidates[::-1]
    for name in candidates:
        problem = warehouse.check(wdir / name)
        if problem is None:
            warehouse.publish(wdir / name)
            print(_("Bieżąca hurtownia: {version}").format(version=name), file=stream)
            return 0
        print(_("Pomijam {version}: {problem}").format(version=name, problem=problem), file=stream)
    print(_("Brak wcześniejszej dobrej wersji hurtowni do przywrócenia."), file=stream)
    return 1


def status_text(limit: int = 10, lang: str | None = None) -> str:
    """Return CURRENT and the last LIMIT load attempts as text, in LANG (None: the language of this run)."""
    with i18n.use(lang or i18n.current()):
        lines = [_("Bieżąca hurtownia: {version}").format(version=warehouse.current_version() or "-")]
        fault = warehouse.fault()
        if fault is not None:
            lines.append(_fault_line(fault))
        runs = _load_runs(limit=limit)
        if not runs:
            lines.append(_("Nie było jeszcze ładowań."))
        for r in runs:
            lines += _run_lines(r)
        return "\n".join(lines)


def _fault_line(fault: warehouse.Fault) -> str:
    """Say that CURRENT's file is unusable, why, what is served instead and how to fix it."""
    if fault.fallback:
        return _(
            "UWAGA: CURRENT → {path}: {reason}; używana jest {fallback}; utrwal: python -m ebok rollback {fallback}"
        ).format(path=fault.path, reason=fault.reason, fallback=fault.fallback)
    return _(
        "UWAGA: CURRENT → {path}: {reason}; brak dobrej wersji, mieszkańcy nie widzą danych; "
        "załaduj eksport ponownie"
    ).format(path=fault.path, reason=fault.reason)


def _run_lines(r: sa.Row) -> list[str]:
    """One load attempt's status line and its first three errors."""
    errors = [e for e in json.loads(r.errors or "[]") if e.get("level") == "error"]
    rows = sum(json.loads(r.row_counts or "{}").values())
    when = r.started_at.strftime("%Y-%m-%d %H:%M:%S")
    asof = r.exported_at.strftime("%d.%m.%Y %H:%M") if r.exported_at else "-"
    lines = [
        _("{when}  {status}  {load_id}  wierszy {rows}  błędów {errors}  dane na {asof}  {source}").format(
            when=when,
            status=f"{r.status:<8}",
            load_id=r.load_id,
            rows=rows,
            errors=len(errors),
            asof=asof,
            source=r.source,
        )  # fmt: skip
    ]
    lang = i18n.current()
    for e in errors[:3]:
        where = ", ".join(str(x) for x in (e.get("file"), e.get("line"), e.get("column")) if x)
        lines.append(f"    {where}: {e.get(f'message_{lang}') or e.get('message_pl') or ''}")
    return lines
