"""Apply a mapping profile: write the source export as contract CSV files, remember where rows came from.

The loader then checks the contract files as it always does; `Normalised.translate` rewrites each
issue's file, line and column into the source's (file and sheet, source row, source column), so
an office reads "plik lokale.csv, wiersz 7, kolumna Powierzchnia [m²]" and finds the cell.
"""

from __future__ import annotations

import csv
import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl

from ebok.core.contract import FILES, MANIFEST
from ebok.core.errors import FormError
from ebok.loader import encoding
from ebok.loader.messages import Issue, Issues
from ebok.loader.profiles import DATE_TOKEN_RE, DATE_TOKENS, FileMap, Formats, Profile, Unmapped, load_profile

NUMBER_TYPES = ("int", "dec", "dec4")
PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
WORKBOOKS = (".xlsx", ".xlsm")


@dataclass
class Origin:
    """Where the records of one normalised contract file come from."""

    label: str  # source file name, with the sheet for a workbook
    header_line: int = 1
    lines: list[int] = field(default_factory=list)  # source line (row) of each normalised record
    columns: dict[str, str] = field(default_factory=dict)  # contract column -> source column(s)


@dataclass
class Normalised:
    """The outcome of applying a profile: the folder the loader reads and the way back to the source."""

    folder: Path | None  # None when the profile could not be applied at all
    profile: Profile | None = None
    origins: dict[str, Origin] = field(default_factory=dict)  # contract file name -> origin
    failed: set[str] = field(default_factory=set)  # contract files not written (already reported)
    reported: set[tuple[str, int, str]] = field(default_factory=set)  # cells reported by the profile

    def translate(self, issues: Issues) -> None:
        """Rewrite ISSUES' contract file/line/column into the source's; drop echoes of profile errors."""
        issues.errors = [i for i in issues.errors if self._keep(i)]
        issues.warnings = [i for i in issues.warnings if self._keep(i)]
        for issue in issues.errors + issues.warnings:
            origin = self.origins.get(issue.file or "")
            if origin is None or issue.code.startswith("profile_"):
                continue
            issue.file = origin.label
            if issue.line is not None:
                index = issue.line - 2
                issue.line = (
                    origin.header_line
                    if issue.line == 1
                    else (origin.lines[index] if 0 <= index < len(origin.lines) else None)
                )
            if issue.column:
                issue.column = origin.columns.get(issue.column, issue.column)

    def _keep(self, issue: Issue) -> bool:
        """False for a loader issue that only repeats a problem the profile already reported."""
        code, file, line, column = issue.code, issue.file, issue.line, issue.column
        if code.startswith("profile_"):
            return True
        if code == "file_missing" and file in self.failed:
            return False
        return (file, line, column) not in self.reported


# --- values ----------------------------------------------------------------------------------------


def _date_regex(fmt: str) -> re.Pattern[str]:
    """Return the regular expression of a date format such as DD.MM.YYYY."""
    out, pos = [], 0
    for m in DATE_TOKEN_RE.finditer(fmt):
        out += [re.escape(fmt[pos : m.start()]), DATE_TOKENS[m.group()]]
        pos = m.end()
    out.append(re.escape(fmt[pos:]))
    return re.compile("".join(out))


def _iso_date(value: str, fmt: str | None, month: bool = False) -> str:
    """Return VALUE (in FMT) as YYYY-MM-DD (YYYY-MM for a month); unchanged when it does not fit."""
    if not fmt:
        return value
    m = _date_regex(fmt).fullmatch(value)
    if m is None:
        return value
    parts = m.groupdict()
    year = int(parts["y"]) if parts.get("y") else 2000 + int(parts["yy"])
    if month:
        return f"{year:04d}-{int(parts['m']):02d}"
    return f"{year:04d}-{int(parts['m']):02d}-{int(parts['d']):02d}"


def _number(value: str, formats: Formats) -> str:
    """Return VALUE with the profile's thousands and decimal separators turned into a plain number."""
    if formats.decimal is None:
        return value
    text = value.replace("\u00a0", " ")
    if formats.thousands:
        text = text.replace(formats.thousands, "")
    text = text.replace(" ", "").replace(formats.decimal, ".")
    return text if PLAIN_NUMBER.fullmatch(text) else value


def convert(value: str, kind: str, formats: Formats) -> str:
    """Return the source text VALUE of a contract column of type KIND in the contract's own format."""
    value = value.strip()
    if not value:
        return ""
    if kind in NUMBER_TYPES:
        return _number(value, formats)
    if kind == "date":
        return _iso_date(value, formats.date)
    if kind == "month":
        return _iso_date(value, formats.month, month=True)
    if kind == "datetime":
        day, _, time = value.partition(" ")
        return (_iso_date(day, formats.date) + " " + time).strip()
    return value


def cell_text(value: object) -> str:
    """Return a workbook cell as text: dates ISO, numbers exact (no float noise), yes/no for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f") if value == value else ""
    return str(value)


# --- sources ---------------------------------------------------------------------------------------


def _csv_rows(path: Path, fmap: FileMap, scratch: Path, issues: Issues) -> Iterator[tuple[int, list[str]]]:
    """Yield (source line, fields) of a CSV file, the header first; encoding problems reported."""
    enc = fmap.formats.encoding
    if enc == "auto":
        prepared = encoding.prepare(path, scratch, issues)
        if prepared.path is None:
            return
        path, enc, sniffed = prepared.path, "utf-8-sig", prepared.delimiter
    else:
        with open(path, encoding=enc, errors="replace") as fh:
            first = fh.readline()
        sniffed = ";" if first.count(";") >= first.count(",") else ","
    try:
        with open(path, encoding=enc, newline="") as fh:
            reader = csv.reader(fh, delimiter=fmap.formats.delimiter or sniffed)
            line = 1
            for fields in reader:
                yield line, fields
                line = reader.line_num + 1
    except (UnicodeDecodeError, csv.Error) as exc:
        issues.error("profile_unreadable", path.name, None, None, value=str(exc).splitlines()[0][:200])


def _sheet_rows(path: Path, fmap: FileMap, issues: Issues) -> Iterator[tuple[int, list[str]]]:
    """Yield (sheet row, cells as text) of the mapped sheet of a workbook, empty rows skipped."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken or foreign file
        issues.error("profile_unreadable", path.name, None, None, value=f"{type(exc).__name__}: {exc}"[:200])
        return
    try:
        if fmap.sheet is not None and fmap.sheet not in book.sheetnames:
            issues.error("profile_sheet_missing", path.name, None, None, value=fmap.sheet,
                         choices=", ".join(book.sheetnames))  # fmt: skip
            return
        sheet = book[fmap.sheet] if fmap.sheet is not None else book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [cell_text(v) for v in values]
            if any(c.strip() for c in cells):
                yield number, cells
    finally:
        book.close()


def _label(path: Path, fmap: FileMap) -> str:
    """Name the source as the report shows it: the file, and the sheet of a workbook."""
    if path.suffix.lower() in WORKBOOKS:
        return f"{path.name}, arkusz {fmap.sheet}" if fmap.sheet else path.name
    return path.name


def _find(source: Path, fmap: FileMap, issues: Issues) -> Path | None:
    """Return the one source file matching the mapping's pattern (none or several: reported)."""
    pattern = fmap.pattern.lower()
    found = sorted(
        p for p in source.iterdir() if p.is_file() and fnmatch.fnmatchcase(p.name.lower(), pattern)
    )
    if len(found) > 1:
        issues.error("profile_source_ambiguous", fmap.spec.filename, None, None, value=fmap.pattern,
                     files=", ".join(p.name for p in found))  # fmt: skip
        return None
    if not found and fmap.spec.required:
        issues.error("profile_source_missing", fmap.spec.filename, None, None, value=fmap.pattern)
    return found[0] if found else None


# --- writing ---------------------------------------------------------------------------------------


def _header(rows: Iterator[tuple[int, list[str]]], origin: Origin, path: Path, issues: Issues,
            fmap: FileMap | None = None) -> dict[str, int] | None:  # fmt: skip
    """Read the header row: {case-folded source column: index}; None (reported) when a needed one is missing."""
    first = next(rows, None)
    if first is None:
        if not issues.errors or issues.errors[-1].file not in (path.name, origin.label):
            issues.error("empty_file", origin.label, 1)
        return None
    origin.header_line, header = first
    index = {h.strip().casefold(): i for i, h in enumerate(header)}
    sources = [s for _col, e in (fmap.columns if fmap else ()) for s in e.sources()]
    missing = [s for s in dict.fromkeys(sources) if s.strip().casefold() not in index]
    for source_column in missing:
        issues.error("profile_column_missing", origin.label, origin.header_line, source_column)
    return None if missing else index


def _normalise_file(path: Path, fmap: FileMap, target: Path, out: Normalised, issues: Issues) -> None:
    """Write one contract file from PATH; record its origin (or mark it failed)."""
    name = fmap.spec.filename
    origin = Origin(_label(path, fmap))
    origin.columns = {col: ", ".join(e.sources()) or e.describe() for col, e in fmap.columns}
    if path.suffix.lower() in WORKBOOKS:
        rows = _sheet_rows(path, fmap, issues)
    else:
        rows = _csv_rows(path, fmap, target / ".scratch", issues)
    index = _header(rows, origin, path, issues, fmap)
    if index is None:
        out.failed.add(name)
        return
    out.origins[name] = origin
    with open(target / name, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\n")
        writer.writerow([col for col, _e in fmap.columns])
        for line, fields in rows:
            record = {h: fields[i] if i < len(fields) else "" for h, i in index.items()}
            writer.writerow(_record(fmap, record, line, origin, out, issues))
            origin.lines.append(line)


def _record(fmap: FileMap, record: dict[str, str], line: int, origin: Origin, out: Normalised,
            issues: Issues) -> list[str]:  # fmt: skip
    """Return one normalised record; an unmapped value is reported at its source cell and kept as is."""
    values = []
    for col, expr in fmap.columns:
        try:
            text = expr.evaluate(record)
        except Unmapped as exc:
            issues.error("profile_unmapped", origin.label, line, origin.columns[col], value=exc.value,
                         choices=exc.known)  # fmt: skip
            out.reported.add((fmap.spec.filename, len(origin.lines) + 2, col))
            text = exc.value
        values.append(convert(text, fmap.spec.column(col).type, fmap.formats))
    return values


def _read_manifest(path: Path) -> list[dict[str, str]]:
    """Return the rows of a manifest.csv (';' or ',' sniffed from the header)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        head = fh.readline()
        fh.seek(0)
        return list(csv.DictReader(fh, delimiter=";" if head.count(";") >= head.count(",") else ","))


def _manifest(source: Path, target: Path, used: set[str], issues: Issues) -> None:
    """Check the source's own manifest.csv (SHA-256 of the files it lists) and carry its export moment."""
    path = next((p for p in source.iterdir() if p.name.lower() == MANIFEST.filename), None)
    if path is None:
        return
    rows = _read_manifest(path)
    for number, row in enumerate(rows, start=2):
        file = (row.get("file") or "").strip()
        listed = source / file
        if file.lower() not in used and not listed.is_file():
            issues.error("manifest_lists_missing", MANIFEST.filename, number, "file", value=file)
        elif listed.is_file() and row.get("sha256") and encoding.sha256_of(listed) != row["sha256"].lower():
            issues.error("sha_mismatch", file)
    _write_manifest(target, max((r.get("exported_at") or "" for r in rows), default=""))


def _write_manifest(target: Path, exported: str) -> None:
    """Give the normalised files their own manifest: the loader reads the export moment EXPORTED from it."""
    lines = ["file;rows;sha256;exported_at"]
    for spec in FILES:
        written = target / spec.filename
        if written.is_file():
            with open(written, encoding="utf-8", newline="") as fh:
                count = sum(1 for _ in csv.reader(fh, delimiter=";")) - 1
            lines.append(f"{spec.filename};{count};{encoding.sha256_of(written)};{exported}")
    (target / MANIFEST.filename).write_text("\n".join(lines) + "\n", encoding="utf-8")


def apply(source: Path, name: str, target: Path, issues: Issues) -> Normalised:
    """Apply profile NAME to the export in SOURCE, writing contract files into TARGET; report into ISSUES."""
    try:
        profile = load_profile(name)
    except FormError as err:
        for message in err.messages:
            issues.error("profile_invalid", value=message)
        return Normalised(None)
    if profile.identity or not source.is_dir():
        return Normalised(source, profile)
    out = Normalised(target, profile)
    target.mkdir(parents=True, exist_ok=True)
    (target / ".scratch").mkdir(exist_ok=True)
    used: set[str] = set()
    for fmap in profile.files:
        path = _find(source, fmap, issues)
        if path is None:
            if fmap.spec.required:
                out.failed.add(fmap.spec.filename)
            continue
        used.add(path.name.lower())
        _normalise_file(path, fmap, target, out, issues)
    for path in sorted(source.iterdir()):
        if path.is_file() and path.name.lower() not in used | {MANIFEST.filename}:
            issues.warning("unknown_file", path.name)
    if (source / "documents").is_dir():
        (target / "documents").symlink_to((source / "documents").resolve(), target_is_directory=True)
    _manifest(source, target, used, issues)
    return out
