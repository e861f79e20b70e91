"""Encoding detection and streaming transcoding of export files to UTF-8 for DuckDB.

Old Polish accounting programs write UTF-8 or Windows-1250, with or without BOM,
with ';' or ',' as the delimiter. Files are read in chunks cut at line ends, so
memory stays bounded and every decoding error maps to an exact line and column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ebok.loader.messages import Issues

CHUNK = 8 << 20
BOM = b"\xef\xbb\xbf"
# ISO-8859-2 ą ś ź Ą Ś Ź decoded as Windows-1250 become ± ¶ Ľ ˇ ¦ ¬ (and ¼ via Latin-1).
_ISO_CHARS = "±¶¼Ľˇ¦¬"
ISO_RE = re.compile(rf"(?:[^\W\d_][{_ISO_CHARS}]|[{_ISO_CHARS}][^\W\d_])")
# UTF-8 Polish letters read as Windows-1250 and saved again: ą→Ä…, ł→Ĺ‚, ó→Ăł, ...
MOJIBAKE_RE = re.compile("Ä[…™‡]|Ĺ[‚„›şź]|Ă[łł“]")


@dataclass
class Prepared:
    """An export file ready for DuckDB: UTF-8 path, delimiter and header names."""

    path: Path | None  # None when the file is unusable
    encoding: str = ""
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    sha256: str = ""  # of the file as exported (BOM included)


def sniff_delimiter(first_line: bytes) -> str:
    """Return ';' or ',' whichever occurs more often in the header line (ties: ';')."""
    return ";" if first_line.count(b";") >= first_line.count(b",") and b";" in first_line else ","


def parse_header(line: str, delimiter: str) -> list[str]:
    """Return the normalised column names of a header line."""
    row = next(csv.reader(io.StringIO(line.lstrip("\ufeff")), delimiter=delimiter), [])
    return [name.strip().lower() for name in row]


def _chunks(path: Path, skip: int) -> Iterator[tuple[bytes, int]]:
    """Yield (bytes ending at a line end, its byte offset in the file) from byte SKIP on."""
    with open(path, "rb") as fh:
        fh.seek(skip)
        rest = b""
        offset = skip
        while True:
            block = fh.read(CHUNK)
            if not block:
                if rest:
                    yield rest, offset
                return
            data = rest + block
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                rest = data
                continue
            yield data[:cut], offset
            offset += cut
            rest = data[cut:]


def _first_line(path: Path, skip: int, offset: int) -> int:
    """Number of the line starting at byte OFFSET: counted only when a problem is reported, never per chunk."""
    lines = 1
    with open(path, "rb") as fh:
        fh.seek(skip)
        left = offset - skip
        while left > 0 and (block := fh.read(min(CHUNK, left))):
            lines += block.count(b"\n")
            left -= len(block)
    return lines


def _column_at(line_prefix: str, delimiter: str, header: list[str]) -> str | None:
    """Return the header name of the field that LINE_PREFIX ends in (quotes ignored)."""
    index = line_prefix.count(delimiter)
    return header[index] if index < len(header) else None


def _decode(path: Path, skip: int, encoding: str) -> tuple[int, int, bytes] | None:
    """Return (line, byte offset in line, bad bytes) of the first error, or None if all decodes."""
    for chunk, offset in _chunks(path, skip):
        try:
            chunk.decode(encoding)
        except UnicodeDecodeError as exc:
            line = _first_line(path, skip, offset) + chunk.count(b"\n", 0, exc.start)
            start = chunk.rfind(b"\n", 0, exc.start) + 1
            return line, exc.start - start, chunk[start : exc.end]
    return None


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of PATH, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def prepare(src: Path, staging: Path, issues: Issues) -> Prepared:
    """Check SRC's encoding and return a UTF-8 file DuckDB can read (a copy when transcoded).

    A UTF-8 file is read once: SHA-256, decoding and the scan for mis-encoded letters share
    one pass. Only a file that is not valid UTF-8 is read again, to try Windows-1250.
    """
    name = src.name
    with open(src, "rb") as fh:
        head = fh.read(64 * 1024)
    problem = _head_problem(head)
    if problem:
        issues.error(problem, name, 1)
        return Prepared(None)
    has_bom = head.startswith(BOM)
    skip = len(BOM) if has_bom else 0
    first = head[skip:].split(b"\n", 1)[0].rstrip(b"\r")
    delimiter = sniff_delimiter(first)
    try:
        header = parse_header(first.decode("utf-8"), delimiter)
    except UnicodeDecodeError:
        header = None
    if header is not None:
        target = staging / f"{src.stem}.utf8.csv" if has_bom else src
        passed = _utf8_pass(src, skip, None if target is src else target, (delimiter, header))
        if passed is not None:
            digest, found = passed
            if found:
                code, line, column, word = found
                issues.error(code, name, line, column, value=word)
                return Prepared(None)
            return Prepared(target, "utf-8", delimiter, header, digest)
    return _prepare_slow(src, staging, issues, (has_bom, skip, first, delimiter))


def _utf8_pass(
    src: Path, skip: int, target: Path | None, layout: tuple[str, list[str]]
) -> tuple[str, tuple[str, int, str | None, str] | None] | None:
    """Hash, decode as UTF-8 and scan SRC in one read; None if it is not UTF-8.

    Returns (sha256, first mis-encoded letter or None). The scan result is only reported
    when the whole file decodes, as the two-pass check did: bad bytes take precedence.
    """
    digest = hashlib.sha256()
    with open(src, "rb") as fh:
        digest.update(fh.read(skip))
    found = None
    out = None if target is None else open(target, "w", encoding="utf-8", newline="")
    # hashlib lets go of the GIL: a chunk is hashed beside its decoding and scan.
    with ThreadPoolExecutor(1) as hasher:
        try:
            for chunk, offset in _chunks(src, skip):
                hashed = hasher.submit(digest.update, chunk)
                try:
                    text = chunk.decode("utf-8")
                except UnicodeDecodeError:
                    return None
                if out is not None:
                    out.write(text)
                if found is None and _may_be_misencoded(chunk, text):
                    found = _misencoded(text, *layout)
                    if found:
                        code, line, column, word = found
                        found = (code, _first_line(src, skip, offset) + line, column, word)
                hashed.result()
        finally:
            if out is not None:
                out.close()
    return digest.hexdigest(), found


def _may_be_misencoded(chunk: bytes, text: str) -> bool:
    """False when no mark _misencoded looks for occurs (most chunks), cheaply.

    In UTF-8, ± ¶ ¼ ¦ ¬ start with byte C2 and ˇ with CB, which Polish text never needs, so
    one byte search stands for six character searches; Ľ Ä Ĺ Ă are searched as characters (as
    bytes they start with C4 or C3, the lead bytes of ą ć ę ó, so a byte search is slower).
    """
    return b"\xc2" in chunk or b"\xcb" in chunk or any(mark in text for mark in "ĽÄĹĂ")


def _prepare_slow(src: Path, staging: Path, issues: Issues, head: tuple[bool, int, bytes, str]) -> Prepared:
    """Pick UTF-8 or Windows-1250 for a file that is not valid UTF-8, transcode and scan it."""
    has_bom, skip, first, delimiter = head
    encoding = _pick_encoding(src, skip, has_bom, first, delimiter, issues)
    if encoding is None:
        return Prepared(None)
    header = parse_header(first.decode(encoding), delimiter)
    # Transcode (or strip the BOM) into staging, scanning for mis-encoded Polish letters.
    plain_utf8 = encoding == "utf-8" and not has_bom
    target = src if plain_utf8 else staging / f"{src.stem}.utf8.csv"
    if not _transcode(src, skip, encoding, None if plain_utf8 else target, (delimiter, header), issues):
        return Prepared(None)
    return Prepared(target, encoding, delimiter, header, sha256_of(src))


def _head_problem(head: bytes) -> str | None:
    """Return the error code of a file that starts empty or in UTF-16, else None."""
    if not head.strip():
        return "empty_file"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        return "utf16"
    return None


def _pick_encoding(
    src: Path, skip: int, has_bom: bool, first: bytes, delimiter: str, issues: Issues
) -> str | None:
    """Return utf-8 or cp1250, whichever decodes the whole file, or None (reported) if neither does."""
    failure = _decode(src, skip, "utf-8")
    if failure is None:
        return "utf-8"
    if has_bom:
        _report_bytes(issues, "bad_utf8", src.name, failure, first, delimiter, "utf-8")
        return None
    bad = _decode(src, skip, "cp1250")
    if bad is None:
        return "cp1250"
    # Valid in neither: the later failure is the real culprit (a cp1250 file fails
    # UTF-8 at its first Polish letter; a UTF-8 file fails cp1250 at e.g. 'Ł' = C5 81).
    later = max(failure, bad, key=lambda f: (f[0], f[1]))
    _report_bytes(issues, "bad_bytes", src.name, later, first, delimiter, "cp1250")
    return None


def _transcode(src: Path, skip: int, encoding: str, target: Path | None, layout: tuple[str, list[str]],
               issues: Issues) -> bool:  # fmt: skip
    """Write SRC as UTF-8 to TARGET (None: only scan) and report the first mis-encoded letter; False if found.

    LAYOUT is (delimiter, header), to name the column a garbled word is in.
    """
    out = None if target is None else open(target, "w", encoding="utf-8", newline="")
    try:
        for chunk, offset in _chunks(src, skip):
            text = chunk.decode(encoding)
            if out is not None:
                out.write(text)
            found = _misencoded(text, *layout)
            if found:
                code, line, column, word = found
                issues.error(code, src.name, _first_line(src, skip, offset) + line, column, value=word)
                return False
    finally:
        if out is not None:
            out.close()
    return True


def _misencoded(text: str, delimiter: str, header: list[str]) -> tuple[str, int, str | None, str] | None:
    """Return (code, line within TEXT from 0, column, word) of the first ISO-8859-2 or mojibake letter, or None."""
    for regex, code, marks in ((ISO_RE, "iso88592", _ISO_CHARS), (MOJIBAKE_RE, "mojibake", "ÄĹĂ")):
        # str.find per rare character is fast; the regex only runs where one occurs.
        if not any(mark in text for mark in marks):
            continue
        match = regex.search(text)
        if match:
            pos = match.start()
            line = text.count("\n", 0, pos)
            start = text.rfind("\n", 0, pos) + 1
            end = text.find("\n", pos)
            line_text = text[start : end if end >= 0 else None]
            word = _word_at(line_text, pos - start)
            return code, line, _column_at(text[start:pos], delimiter, header), word
    return None


def _word_at(text: str, pos: int) -> str:
    """Return the word around POS (for showing the garbled text)."""
    start = pos
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in ';,"':
        start -= 1
    end = pos
    while end < len(text) and not text[end].isspace() and text[end] not in ';,"':
        end += 1
    return text[start:end][:40]


def _report_bytes(issues: Issues, code: str, name: str, failure: tuple[int, int, bytes],
                  first: bytes, delimiter: str, encoding: str) -> None:  # fmt: skip
    """Record an undecodable-bytes error with its line, column and the bytes in hex."""
    line, offset, line_bytes = failure
    prefix = line_bytes[:offset].decode(encoding, errors="replace")
    header = parse_header(first.decode(encoding, errors="replace"), delimiter)
    column = _column_at(prefix, delimiter, header) if line > 1 else None
    bad = line_bytes[offset:].hex(" ").upper()
    issues.error(code, name, line, column, value=bad)
