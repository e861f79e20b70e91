"""Uploaded files: the one check (type by magic bytes, size, allowed kinds) and the one way to store one.

The user's file name and declared type are never trusted: the type comes from the first bytes and
the stored name is random; the user's name is kept for display and download only. Every write path
(reading photos, inbox attachments, office messages, resolution PDFs) stores its file through
`saving`, so a file exists exactly when its database row does.
"""

from __future__ import annotations

import io
import re
import secrets
import zipfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from ebok.core import fmt, settings
from ebok.core.errors import Problems
from ebok.core.i18n import N_, _
from ebok.core.text import clean_text

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
ZIP = "application/zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"  # a ZIP with xl/ inside
CSV = "text/csv"  # no magic bytes: text, recognised by the absence of NUL bytes (see _is_text)
# Magic bytes -> (MIME type, extension).
MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", JPEG, "jpg"),
    (b"\x89PNG\r\n\x1a\n", PNG, "png"),
    (b"%PDF-", PDF, "pdf"),
    (b"PK\x03\x04", ZIP, "zip"),
    (b"PK\x05\x06", ZIP, "zip"),  # an empty archive
)
ALL_TYPES = (JPEG, PNG, PDF)
PHOTO_TYPES = (JPEG, PNG)
EXPORT_TYPES = (CSV, XLSX, ZIP)
TYPE_NAMES = {JPEG: "JPEG", PNG: "PNG", PDF: "PDF", ZIP: "ZIP", XLSX: "XLSX", CSV: "CSV"}
# Our random names; plus the names reading photos and resolution PDFs got before they were stored
# here (submission / resolution id), so files already on disk stay readable.
STORED_NAME = re.compile(
    r"[0-9a-f]{32}\.(jpg|png|pdf)|S\d{8}-[0-9A-F]{10}\.(jpg|png)|EB-\d{8}-[0-9A-F]{6}\.pdf"
)
MB = 1024 * 1024
# What a file uploader lets through to the server, in MB: server.maxUploadSize in
# .streamlit/config.toml and every form's uploader (max_upload_size). Well above every kind's limit:
# a file the browser refused would simply be missing, and the form would go without it; one that
# arrives is refused by check() with its name and the limit, and the whole form with it. Bounded,
# because Streamlit keeps an uploaded file in memory while its widget holds it. It equals the
# accounting export's limit (EXPORT below), the one kind that needs more than 60 MB: the server
# refuses anything bigger before any page sees it, so it cannot be a page's own setting.
RECEIVE_MAX_MB = 200
# What the server takes from anyone who is not signed in as the office (ebok/web/asgi.py): above
# every resident form's own limit, far below the office's export. A resident's browser refuses a
# bigger file itself; only a hand-made request could send one, and it must not fill the memory.
PUBLIC_RECEIVE_MAX_MB = 20

T = TypeVar("T")


@dataclass(frozen=True)
class Kind:
    """One kind of uploaded file: its folder under data/uploads, its size limit and allowed types."""

    subdir: str
    max_bytes: int
    allowed: tuple[str, ...]
    allowed_text: str = ""  # how the refusal names the types (a msgid, N_); default "JPEG, PNG, PDF"

    @property
    def max_mb(self) -> int:
        """Return the size limit in whole megabytes (for help texts)."""
        return self.max_bytes // MB

    @property
    def types_text(self) -> str:
        """Return the allowed types in words, in the language of this run."""
        return _(self.allowed_text) if self.allowed_text else ", ".join(TYPE_NAMES[t] for t in self.allowed)


# The one table of upload kinds and their limits.
READING_PHOTO = Kind("readings", 5 * MB, PHOTO_TYPES)
INBOX_ATTACHMENT = Kind("inbox", 5 * MB, ALL_TYPES)  # a phone photo or a scanned page
FAULT_PHOTO = Kind("inbox", 5 * MB, PHOTO_TYPES)
MESSAGE_ATTACHMENT = Kind("messages", 10 * MB, ALL_TYPES, N_("PDF, JPEG i PNG"))  # a scanned notice
RESOLUTION_PDF = Kind("resolutions", 10 * MB, (PDF,))
# The accounting export on the office's import page: a ZIP of the export folder, or its CSV/XLSX
# files. 200 MB holds a zipped export of some 20 000 premises (CSV compresses about 8:1); bigger
# offices use the nightly drop folder. Unpacked under the loader's folder, not data/uploads.
EXPORT = Kind("exports", 200 * MB, EXPORT_TYPES, N_("CSV, XLSX i ZIP"))


@dataclass(frozen=True)
class Upload:
    """A file as received from the browser: the user's name for it and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Checked:
    """An upload that passed the check: bytes, type by content and a harmless display name."""

    data: bytes
    mime: str
    ext: str
    display_name: str

    @property
    def size(self) -> int:
        """Return the size in bytes."""
        return len(self.data)


@dataclass(frozen=True)
class Attachment:
    """A stored attachment ready to download."""

    data: bytes
    filename: str  # safe download name
    mime: str


def sniff(data: bytes) -> tuple[str, str] | None:
    """Return (MIME type, extension) recognised from the magic bytes, None when unknown."""
    for magic, mime, ext in MAGIC:
        if data.startswith(magic):
            return (XLSX, "xlsx") if mime == ZIP and _is_workbook(data) else (mime, ext)
    return None


def _is_workbook(data: bytes) -> bool:
    """Return True for a ZIP that is an Excel workbook (Office Open XML with an xl/ folder)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # a broken archive: the unpacking names it
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def _is_text(data: bytes) -> bool:
    """Return True for text such as a CSV file: no NUL byte at its start, or a UTF-16 mark.

    UTF-16 passes so the loader can say in its own words that the file needs re-saving.
    """
    return data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in data[: 64 * 1024]


def display_name(name: str, ext: str) -> str:
    """Return a harmless display/download name: base name only, no control or path characters."""
    base = clean_text(Path(name.replace("\\", "/")).name)
    base = re.sub(r'[/\\:*?"<>|]', "_", base).strip(" .")[:120] or "zalacznik"
    if not base.lower().endswith("." + ext) and not (ext == "jpg" and base.lower().endswith(".jpeg")):
        base = f"{base}.{ext}"
    return base


def check(upload: Upload | None, kind: Kind, field: str, problems: Problems) -> Checked | None:
    """Validate an optional upload of KIND; return it checked, or None (a refusal goes to PROBLEMS).

    FIELD: the form's name of the field (translated, or a msgid); the refusals are in the run's language.
    """
    if upload is None:
        return None
    size = len(upload.data)
    if size == 0:
        problems.add(field, _("plik jest pusty."))
        return None
    if size > kind.max_bytes:
        name = clean_text(Path(upload.name.replace("\\", "/")).name)[:120] or _("bez nazwy")
        problems.add(
            field,
            _(
                "plik „{name}” jest za duży ({size} MB), dopuszczalne {limit} MB. Formularza nie wysłano; "
                "wybierz mniejszy plik."
            ).format(name=name, size=fmt.number(Decimal(size) / MB, 1), limit=kind.max_mb),
        )
        return None
    found = sniff(upload.data)
    if found is None and CSV in kind.allowed and _is_text(upload.data):
        found = (CSV, "csv")
    if found is None or found[0] not in kind.allowed:
        problems.add(
            field,
            _("dozwolone są tylko pliki {types} (sprawdzamy zawartość pliku).").format(types=kind.types_text),
        )
        return None
    mime, ext = found
    return Checked(upload.data, mime, ext, display_name(upload.name, ext))


def uploads_dir(kind: Kind) -> Path:
    """Return data/uploads/<kind's folder>, created on first use."""
    path = settings.data_dir() / "uploads" / kind.subdir
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def saving(
    file: Checked | None, kind: Kind, transaction: AbstractContextManager[T]
) -> Iterator[tuple[T, str | None]]:
    """Store FILE (if any) together with the rows written in TRANSACTION; yield (connection, stored name).

    The file is staged as a hidden `.part`, the caller inserts its rows, the file is moved into place
    while the transaction is still open, then the transaction commits. Any failure leaves nothing:
    a failed insert or move rolls the rows back and removes the `.part`; a failed commit removes the
    moved file. The stored name is random; the user's name is only ever display text.
    """
    folder = uploads_dir(kind)
    name = f"{secrets.token_hex(16)}.{file.ext}" if file is not None else None
    part = folder / f".{name}.part" if name else None
    placed: Path | None = None
    if part is not None and file is not None:
        with open(part, "xb") as fh:  # exclusive create: never overwrite another upload
            fh.write(file.data)
    try:
        with transaction as con:
            yield con, name
            if part is not None and name is not None:
                placed = part.replace(folder / name)
    except BaseException:
        if part is not None:
            part.unlink(missing_ok=True)
        if placed is not None:  # moved, then the commit failed: the row is gone, so is the file
            placed.unlink(missing_ok=True)
        raise


def read(name: str | None, kind: Kind) -> bytes | None:
    """Return the bytes of stored file NAME of KIND; None when NAME is not ours or the file is gone."""
    if not name or not STORED_NAME.fullmatch(name):
        return None
    path = uploads_dir(kind) / name
    return path.read_bytes() if path.is_file() else None
