"""The optional customers.registration_code column: accepted, stored only as a digest, refused by line."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import duckdb

from ebok import loader
from ebok.storage import warehouse
from tests.helpers.loader import rows, write_export

CODE = "k7qm 4xpr-2htd"  # as a clerk might type it: lower case, a space and a hyphen
DIGEST = hashlib.sha256(b"K7QM4XPR2HTD").hexdigest()


def run(folder: Path) -> tuple[loader.LoadResult, str]:
    out = io.StringIO()
    result = loader.load(folder, stream=out)
    return result, out.getvalue()


def with_codes(*codes: str) -> dict[str, list[dict]]:
    data = rows()
    for customer, code in zip(data["customers"], codes, strict=True):
        customer["registration_code"] = code
    return data


def stored_codes() -> dict[str, str | None]:
    con = duckdb.connect(str(warehouse.current_path()), read_only=True)
    try:
        return dict(con.execute("SELECT customer_id, registration_code FROM customers").fetchall())
    finally:
        con.close()


def test_codes_are_stored_as_digests_and_an_empty_one_as_null(tmp_path):
    result, report = run(write_export(tmp_path / "exp", with_codes(CODE, "")))
    assert result.status == "ok", report
    assert stored_codes() == {"L0001": DIGEST, "U0001": None}


def test_an_export_without_the_column_still_loads(tmp_path):
    result, report = run(write_export(tmp_path / "exp"))
    assert result.status == "ok", report
    assert stored_codes() == {"L0001": None, "U0001": None}
    assert not result.issues.warnings


def test_a_malformed_code_is_refused_by_file_line_and_column_without_its_value(tmp_path):
    result, report = run(write_export(tmp_path / "exp", with_codes("K7QM", "AB--CD12-3456")))
    assert result.status == "rejected", report
    assert [(i.code, i.file, i.line, i.column) for i in result.issues.errors] == [
        ("bad_code", "customers.csv", 2, "registration_code"),
        ("bad_code", "customers.csv", 3, "registration_code"),
    ]
    assert (
        "plik customers.csv, wiersz 2, kolumna registration_code: Kod rejestracji ma niepoprawny format"
        in report
    )
    assert "K7QM" not in report and "AB--CD12" not in report


def test_the_same_code_twice_is_refused_naming_both_lines_without_the_value(tmp_path):
    result, report = run(write_export(tmp_path / "exp", with_codes(CODE, "K7QM-4XPR-2HTD")))
    assert result.status == "rejected", report
    assert [(i.code, i.file, i.line, i.column) for i in result.issues.errors] == [
        ("duplicate_code", "customers.csv", 3, "registration_code")
    ]
    assert "Ten sam kod rejestracji jest już w wierszu 2" in report
    assert "K7QM" not in report.upper() and DIGEST not in report
