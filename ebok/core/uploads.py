"""Uploaded files: what the browser sent, type by content (magic bytes), size checks, random-name storage.

The user's file name and declared type are never trusted: the type comes from the first bytes and
the stored name is random; the user's name is kept for display and download only.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ebok.core import settings
from ebok.core.text import clean_text

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
# Magic bytes -> (MIME type, extension).
MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", JPEG, "jpg"),
    (b"\x89PNG\r\n\x1a\n", PNG, "png"),
    (b"%PDF-", PDF, "pdf"),
)
ALL_TYPES = (JPEG, PNG, PDF)
PHOTO_TYPES = (JPEG, PNG)
TYPE_NAMES = {JPEG: "JPEG", PNG: "PNG", PDF: "PDF"}
STORED_NAME = re.compile(r"[0-9a-f]{32}\.(jpg|png|pdf)")


class FieldErrors(ValueError):
    """Input refused; Polish messages, each starting with the field's name."""

    def __init__(self, errors: Iterable[str]) -> None:
        self.errors = list(errors)
        super().__init__(" ".join(self.errors))


@dataclass(frozen=True)
class Upload:
    """A file as received from the browser: the user's name for it and its bytes."""

    name: str
    data: bytes


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
            return mime, ext
    return None


def display_name(name: str, ext: str) -> str:
    """Return a harmless display/download name: base name only, no control or path characters."""
    base = clean_text(Path(name.replace("\\", "/")).name)
    base = re.sub(r'[/\\:*?"<>|]', "_", base).strip(" .")[:120] or "zalacznik"
    if not base.lower().endswith("." + ext) and not (ext == "jpg" and base.lower().endswith(".jpeg")):
        base = f"{base}.{ext}"
    return base


def check(
    upload: Upload | None,
    field_name: str,
    errors: list[str],
    *,
    max_bytes: int,
    allowed: tuple[str, ...] = ALL_TYPES,
    allowed_text: str | None = None,
) -> tuple[str, str] | None:
    """Validate an optional upload; return (mime, ext) or None, appending Polish messages to ERRORS."""
    if upload is None:
        return None
    size = len(upload.data)
    if size == 0:
        errors.append(f"{field_name}: plik jest pusty.")
        return None
    if size > max_bytes:
        limit = max_bytes // (1024 * 1024)
        errors.append(
            f"{field_name}: plik jest za duży ({size / 1024 / 1024:.1f} MB), dopuszczalne {limit} MB."
        )
        return None
    kind = sniff(upload.data)
    if kind is None or kind[0] not in allowed:
        names = allowed_text or ", ".join(TYPE_NAMES[t] for t in allowed)
        errors.append(f"{field_name}: dozwolone są tylko pliki {names} (sprawdzamy zawartość pliku).")
        return None
    return kind


def folder(subdir: str) -> Path:
    """Return data/uploads/SUBDIR, created on first use."""
    path = settings.data_dir() / "uploads" / subdir
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(data: bytes, ext: str, subdir: str) -> str:
    """Write DATA under data/uploads/SUBDIR with a random name (exclusive create); return that name."""
    name = f"{secrets.token_hex(16)}.{ext}"
    with open(folder(subdir) / name, "xb") as fh:
        fh.write(data)
    return name


def remove(name: str | None, subdir: str) -> None:
    """Delete a stored file written for something that did not go through (random names only)."""
    if name and STORED_NAME.fullmatch(name):
        (folder(subdir) / name).unlink(missing_ok=True)


def read(name: str | None, subdir: str) -> bytes | None:
    """Return the bytes of stored file NAME, None when NAME is not one of our random names."""
    if not name or not STORED_NAME.fullmatch(name):
        return None
    return (folder(subdir) / name).read_bytes()
