"""Loader: every bad input is rejected, names the place, and leaves the last good warehouse served."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import duckdb
import pytest

from ebok import loader
from ebok.storage import warehouse
from tests.helpers.loader import rewrite_manifest, rows, write_export


def run(folder: Path, lang: str = "pl") -> tuple[loader.LoadResult, str]:
    out = io.StringIO()
    result = loader.load(folder, lang=lang, stream=out)
    return result, out.getvalue()


@pytest.fixture
def served(tmp_path):
    """A first good load; yields its warehouse file name."""
    result, report = run(write_export(tmp_path / "good"))
    assert result.status == "ok", report
    return result.warehouse_file


def assert_still_served(name: str) -> None:
    """CURRENT unchanged, the old file still opens with its data, no leftovers."""
    assert warehouse.current_version() == name
    path = warehouse.current_path()
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM ledger").fetchone()[0] == 6
    finally:
        con.close()
    assert not list(path.parent.glob("*.building*"))
    assert warehouse.published_versions() == [name]


def reject(folder: Path, served: str, lang: str = "pl") -> tuple[list[tuple], str]:
    result, report = run(folder, lang)
    assert result.status == "rejected", report
    assert result.exit_code == 1
    assert_still_served(served)
    return [(i.code, i.file, i.line, i.column) for i in result.issues.errors], report


def test_iso_8859_2_is_rejected_naming_line_and_column(tmp_path, served):
    folder = write_export(tmp_path / "exp")
    path = folder / "customers.csv"
    path.write_bytes(path.read_bytes().decode("utf-8").encode("iso-8859-2"))
    rewrite_manifest(folder)
    errors, report = reject(folder, served)
    assert errors == [("iso88592", "customers.csv", 3, "name")]
    assert (
        "plik customers.csv, wiersz 3, kolumna name: Tekst „Wi¶niewski” wygląda na zapisany w ISO-8859-2"
        in report
    )


def test_bytes_invalid_in_utf8_and_cp1250(tmp_path, served):
    folder = write_export(tmp_path / "exp")
    path = folder / "premises.csv"
    lines = path.read_bytes().split(b"\r\n")
    lines[2] = lines[2].replace(b"Lipowa", b"Lip\x81wa")
    path.write_bytes(b"\r\n".join(lines))
    rewrite_manifest(folder)
    errors, report = reject(folder, served)
    assert errors == [("bad_bytes", "premises.csv", 3, "street")]
    assert "Bajty 81" in report


def test_utf16_is_rejected(tmp_path, served):
    folder = write_export(tmp_path / "exp")
    path = folder / "ledger.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    rewrite_manifest(folder)
    errors, _ = reject(folder, served)
    assert ("utf16", "ledger.csv", 1, None) in errors


def test_missing_required_column(tmp_path, served):
    data = rows()
    for r in data["ledger"]:
        del r["amount"]
    errors, report = reject(write_export(tmp_path / "exp", data), served)
    assert errors == [("missing_column", "ledger.csv", 1, "amount")]
    assert "plik ledger.csv, wiersz 1, kolumna amount: Brak wymaganej kolumny amount." in report


def test_duplicate_id(tmp_path, served):
    data = rows()
    data["ledger"][3]["entry_id"] = "E2"  # line 5 repeats line 3
    errors, report = reject(write_export(tmp_path / "exp", data), served)
    assert errors == [("duplicate", "ledger.csv", 5, "entry_id")]
    assert "Wartość „E2” powtarza się (pierwszy raz w wierszu 3)" in report


def test_amount_that_is_not_a_number(tmp_path, served):
    data = rows()
    data["ledger"][2]["amount"] = "-7OO,00"
    errors, report = reject(write_export(tmp_path / "exp", data), served, lang="en")
    assert errors == [("bad_dec", "ledger.csv", 4, "amount")]
    assert "file ledger.csv, line 4, column amount: '-7OO,00' is not a number" in report


def test_ledger_row_for_unknown_premises(tmp_path, served):
    data = rows()
    data["ledger"][5]["premises_id"] = "P99"
    errors, report = reject(write_export(tmp_path / "exp", data), served)
    assert errors == [("bad_ref", "ledger.csv", 7, "premises_id")]
    assert "Wartość „P99” nie występuje w pliku premises.csv (premises_id)" in report


def test_file_truncated_at_a_line_boundary(tmp_path, served):
    folder = write_export(tmp_path / "exp", sha=False)
    path = folder / "ledger.csv"
    lines = path.read_bytes().split(b"\r\n")
    path.write_bytes(b"\r\n".join(lines[:5]) + b"\r\n")  # header + 4 of 6 rows
    errors, report = reject(folder, served)
    assert errors == [("rows_mismatch", "ledger.csv", 6, None)]
    assert "Liczba wierszy danych w pliku: 4, a manifest.csv podaje 6" in report


def test_file_truncated_mid_line(tmp_path, served):
    folder = write_export(tmp_path / "exp")
    path = folder / "ledger.csv"
    raw = path.read_bytes()
    path.write_bytes(raw[: raw.rstrip().rfind(b",")])  # last line lost its amount and ending
    errors, report = reject(folder, served)
    assert ("too_few_columns", "ledger.csv", 7, None) in errors
    assert ("sha_mismatch", "ledger.csv", None, None) in errors
    assert "wiersz 7: Za mało pól w wierszu (oczekiwano 8, jest 7)" in report


def test_empty_folder(tmp_path, served):
    (tmp_path / "empty").mkdir()
    errors, report = reject(tmp_path / "empty", served)
    assert errors == [("folder_empty", None, None, None)]
    assert "Katalog eksportu jest pusty." in report


def test_missing_folder(tmp_path, served):
    errors, _ = reject(tmp_path / "nope", served)
    assert errors == [("folder_missing", None, None, None)]


def test_required_file_missing_without_a_manifest(tmp_path, served):
    folder = write_export(tmp_path / "exp", manifest=False)
    (folder / "premises.csv").unlink()
    errors, report = reject(folder, served)
    assert ("file_missing", "premises.csv", None, None) in errors
    assert "manifest_missing" not in [e[0] for e in errors]  # a warning now, not an error
    assert "ostrzeżenie: plik manifest.csv: Eksport bez pliku manifest.csv" in report


def test_manifest_lists_a_missing_file(tmp_path, served):
    folder = write_export(tmp_path / "exp")
    (folder / "premises.csv").unlink()  # required, and listed in the manifest
    errors, _ = reject(folder, served)
    assert ("file_missing", "premises.csv", None, None) in errors
    assert any(e[0] == "manifest_lists_missing" and e[1] == "manifest.csv" for e in errors)


def test_empty_file(tmp_path, served):
    folder = write_export(tmp_path / "exp")
    (folder / "meters.csv").write_bytes(b"")
    rewrite_manifest(folder)
    errors, _ = reject(folder, served)
    assert ("empty_file", "meters.csv", 1, None) in errors


def test_contract_rules(tmp_path, served):
    """Types, choices, pattern, minimum, checks, sign rules, due dates and reading dates, all in one run."""
    data = rows()
    data["customers"][0]["customer_id"] = "X1"  # pattern (and breaks refs to L0001)
    data["customers"][1]["email"] = "not-an-email"
    data["customers"][1]["nip"] = "5260250275"  # bad checksum
    data["customers"][1]["email_consent"] = "może"
    data["premises"][0]["postcode"] = "00950"
    data["premises"][1]["bank_account"] = "61109010140000071219812875"  # bad checksum
    data["premises"][2]["kind"] = "castle"
    data["premises"][2]["persons"] = -1
    data["ledger"][2]["amount"] = "700,00"  # payment must be negative
    data["ledger"][5]["due_date"] = None  # invoice needs a due date
    data["ledger"][4]["entry_date"] = "2026-02-30"
    data["readings"][0]["reading_date"] = "2023-12-31"  # before the meter was installed
    data["charges"][0]["period"] = "13.2026"
    data["documents"][0]["file"] = "brak.pdf"
    folder = write_export(tmp_path / "exp", data)
    (folder / "documents" / "brak.pdf").unlink()
    errors, report = reject(folder, served)
    expected = {
        ("bad_pattern", "customers.csv", 2, "customer_id"),
        ("bad_email", "customers.csv", 3, "email"),
        ("bad_nip", "customers.csv", 3, "nip"),
        ("bad_bool", "customers.csv", 3, "email_consent"),
        ("bad_postcode", "premises.csv", 2, "postcode"),
        ("bad_nrb", "premises.csv", 3, "bank_account"),
        ("bad_choice", "premises.csv", 4, "kind"),
        ("below_min", "premises.csv", 4, "persons"),
        ("bad_ref", "premises.csv", 2, "customer_id"),
        ("sign_payment", "ledger.csv", 4, "amount"),
        ("due_required", "ledger.csv", 7, "due_date"),
        ("bad_date", "ledger.csv", 6, "entry_date"),
        ("reading_before_install", "readings.csv", 2, "reading_date"),
        ("bad_month", "charges.csv", 2, "period"),
        ("pdf_missing", "documents.csv", 2, "file"),
    }
    assert expected <= set(errors), sorted(set(errors) ^ expected)
    assert "Wpłata musi mieć kwotę ujemną (jest 700,00)." in report


def test_pdf_that_is_not_a_pdf_and_path_escape(tmp_path, served):
    data = rows()
    data["documents"][1]["file"] = "../secret.pdf"
    folder = write_export(tmp_path / "exp", data)
    (folder / "documents" / "fv_2026_11_1.pdf").write_bytes(b"<html>")
    errors, _ = reject(folder, served)
    assert ("pdf_invalid", "documents.csv", 2, "file") in errors
    assert ("pdf_path", "documents.csv", 3, "file") in errors


def test_errors_are_collected_up_to_the_limit(tmp_path, served):
    data = rows()
    base = data["ledger"][0]
    data["ledger"] = [{**base, "entry_id": f"E{i}", "amount": "zero"} for i in range(200)]
    result, report = run(write_export(tmp_path / "exp", data))
    assert result.status == "rejected"
    assert len(result.issues.errors) == 10  # at most 10 of one kind in one column
    assert [i.line for i in result.issues.errors] == list(range(2, 12))
    data["ledger"] = [{**base, "entry_id": f"E{i}", "amount": "zero", "kind": "x", "entry_date": "x",
                       "premises_id": "", "description": ""} for i in range(200)]  # fmt: skip
    result, report = run(write_export(tmp_path / "exp2", data))
    assert len(result.issues.errors) == 50 and result.issues.truncated
    assert "(kolejne błędy pominięto)" in report
    assert_still_served(served)


def test_unknown_files_warn_and_not_listed_in_manifest_rejects(tmp_path, served):
    folder = write_export(tmp_path / "exp")
    shutil.copy(folder / "ledger.csv", folder / "notes.txt")
    data = rows()
    (folder / "communities.csv").write_text(
        "community_id,name,nip\r\nW1,Wspólnota Lipowa 7,\r\n", encoding="utf-8"
    )
    errors, report = reject(folder, served)
    assert errors == [("not_in_manifest", "communities.csv", None, None)]
    assert "ostrzeżenie: plik notes.txt: Nieznany plik" in report
    assert data  # unchanged helper data


def test_reports_are_stored(tmp_path, served):
    result, report = run(tmp_path / "nope")
    stored = (loader.run.loader_dir() / "reports" / f"{result.load_id}.txt").read_text(encoding="utf-8")
    assert stored.strip() == report.strip()


def test_lines_are_named_right_in_a_file_read_in_many_parallel_batches(tmp_path, served):
    """Far past DuckDB's first CSV batches the report still names the file's own line numbers.

    The typed table's rowid is the line number only while DuckDB writes it in file order; a plan
    with a join (a long allowed-values list) once wrote it in thread order, naming wrong lines.
    """
    data = rows()
    first = data["ledger"][0]
    data["ledger"] += [{**first, "entry_id": f"X{i:06d}"} for i in range(300_000)]
    bad = 250_000  # index in data["ledger"]; its line is index + 2 (the header is line 1)
    data["ledger"][bad]["amount"] = "12,3,4"
    data["ledger"][bad + 20_000]["kind"] = "prezent"
    errors, _report = reject(write_export(tmp_path / "exp", data), served)
    assert sorted(errors, key=lambda e: e[2]) == [
        ("bad_dec", "ledger.csv", bad + 2, "amount"),
        ("bad_choice", "ledger.csv", bad + 20_002, "kind"),
    ]
