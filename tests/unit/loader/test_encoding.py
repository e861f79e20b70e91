"""Encoding check: a problem far into a big file is reported at its real line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from ebok.loader import encoding
from ebok.loader.messages import Issues

HEADER = "customer_id;name;email\r\n"


def lines(n: int) -> list[str]:
    return [f"L{i:04d};Józef Kowalski {i};j{i}@example.pl\r\n" for i in range(n)]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    """64-byte chunks: the problem lies many chunks after the first, as in a 4 GB export."""
    monkeypatch.setattr(encoding, "CHUNK", 64)


def errors(path: Path, tmp_path: Path) -> list[tuple]:
    issues = Issues()
    encoding.prepare(path, tmp_path, issues)
    return [(i.code, i.file, i.line, i.column) for i in issues.errors]


@pytest.mark.parametrize("bom", [False, True])
def test_iso_8859_2_letter_deep_in_the_file(tmp_path, bom):
    rows = lines(40)
    rows[30] = "L0030;Ma±gorzata Nowak;m@example.pl\r\n"  # 'ą' written in ISO-8859-2, read as cp1250
    path = tmp_path / "customers.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + (HEADER + "".join(rows)).encode("utf-8"))
    assert errors(path, tmp_path) == [("iso88592", "customers.csv", 32, "name")]  # header is line 1


def test_bytes_valid_in_no_encoding_deep_in_the_file(tmp_path):
    data = (HEADER + "".join(lines(40))).encode("utf-8")
    at = data.index(b"j25@")  # line 27: the 26th data line
    path = tmp_path / "customers.csv"
    path.write_bytes(data[:at] + b"\x81\x98" + data[at:])
    assert errors(path, tmp_path) == [("bad_bytes", "customers.csv", 27, "email")]


def test_windows_1250_file_is_accepted_whole(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes((HEADER + "".join(lines(40))).encode("cp1250"))
    issues = Issues()
    prepared = encoding.prepare(path, tmp_path, issues)
    assert prepared.encoding == "cp1250" and not issues.errors
    assert prepared.path.read_text(encoding="utf-8").splitlines()[31].startswith("L0030;Józef")
