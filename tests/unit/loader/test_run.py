"""Loader: clean exports load, in every accepted format, into a commented, sorted warehouse."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from ebok import loader
from ebok.core.contract import FILES
from ebok.domain import online_payments
from ebok.storage import schema, store, tables, warehouse
from tests.helpers.loader import EXPORTED_AT, NRB, PDF, rows, write_export


def run(folder: Path, lang: str = "pl") -> tuple[loader.LoadResult, str]:
    out = io.StringIO()
    result = loader.load(folder, lang=lang, stream=out)
    return result, out.getvalue()


def query(sql: str, params: list | None = None) -> list[tuple]:
    with warehouse.cursor() as cur:
        return cur.execute(sql, params or []).fetchall()


def test_clean_export_loads_and_is_published(tmp_path):
    result, report = run(write_export(tmp_path / "exp"))
    assert result.exit_code == 0, report
    assert result.status == "ok"
    assert warehouse.current_version() == result.warehouse_file
    assert "Eksport załadowany" in report
    assert "Dane na dzień: 20.11.2026 22:15" in report
    wdir = warehouse.current_path().parent
    assert not list(wdir.glob("*.building*")) and not list(wdir.glob("*.wal"))
    # The numbers a resident would see, computed by hand from tests/helpers/loader.py.
    assert query("SELECT premises_id, balance FROM v_premises_balance ORDER BY 1") == [
        ("P1", Decimal("-300.00")),  # 500 + 500 charged, 700 paid
        ("P2", Decimal("20.00")),  # 80 charged, 100 paid: overpayment
        ("P3", Decimal("-1234.56")),
    ]
    assert query("SELECT count(*) FROM ledger")[0][0] == 6
    assert query("SELECT bank_account FROM premises WHERE premises_id = 'P1'")[0][0] == NRB
    assert query("SELECT premises_id FROM readings ORDER BY reading_id") == [("P1",), ("P1",)]
    assert query("SELECT email_consent FROM customers ORDER BY customer_id") == [(True,), (False,)]


def test_polish_program_format_is_accepted(tmp_path):
    """Windows-1250, ';', decimal comma with space thousands, DD.MM.YYYY, MM.YYYY, tak/nie."""
    folder = write_export(
        tmp_path / "exp", encoding="cp1250", delimiter=";", decimal_comma=True, polish_dates=True
    )
    raw = (folder / "ledger.csv").read_bytes()
    assert b"1 234,56" in raw and b"01.11.2026" in raw and b";" in raw
    assert "Wiśniewski".encode("cp1250") in (folder / "customers.csv").read_bytes()
    result, report = run(folder)
    assert result.status == "ok", report
    assert query("SELECT amount, entry_date, due_date FROM ledger WHERE entry_id = 'E6'") == [
        (Decimal("1234.56"), date(2026, 11, 1), date(2026, 11, 15))
    ]
    assert query("SELECT name FROM customers WHERE customer_id = 'U0001'") == [
        ("Zakład Fryzjerski Błażej Wiśniewski",)
    ]
    assert query("SELECT period FROM charges") == [(date(2026, 11, 1),)]
    assert query("SELECT city FROM premises LIMIT 1") == [("Łódź",)]
    assert warehouse.data_as_of() == EXPORTED_AT


@pytest.mark.parametrize("bom", [True, False])
def test_utf8_with_or_without_bom_and_semicolons(tmp_path, bom):
    folder = write_export(tmp_path / "exp", bom=bom, delimiter=";")
    result, report = run(folder)
    assert result.status == "ok", report
    assert query("SELECT customer_id FROM customers ORDER BY 1") == [("L0001",), ("U0001",)]


def test_value_formats_one_by_one(tmp_path):
    """Each accepted spelling of numbers, dates, datetimes, months and booleans."""
    data = rows()
    data["ledger"][0]["amount"] = "1.234,50"  # dot thousands, decimal comma
    data["ledger"][1]["amount"] = "1 000"  # space thousands, no decimals
    data["ledger"][5]["amount"] = " 99.9 "  # decimal point, spaces around
    data["ledger"][0]["entry_date"] = "1.9.2026"  # one-digit day and month
    data["charges"][0]["period"] = "2026-11"
    data["customers"][0]["email_consent"] = "TAK"
    data["customers"][1]["email_consent"] = "N"
    result, report = run(write_export(tmp_path / "exp", data))
    assert result.status == "ok", report
    amounts = dict(query("SELECT entry_id, amount FROM ledger"))
    assert amounts["E1"] == Decimal("1234.50")
    assert amounts["E2"] == Decimal("1000.00")
    assert amounts["E6"] == Decimal("99.90")
    assert query("SELECT entry_date FROM ledger WHERE entry_id = 'E1'") == [(date(2026, 9, 1),)]
    assert query("SELECT email_consent FROM customers ORDER BY customer_id") == [(True,), (False,)]


def test_column_order_is_free_and_unknown_columns_only_warn(tmp_path):
    data = rows()
    data["customers"] = [{"zzz_extra": "x", **dict(reversed(list(r.items())))} for r in data["customers"]]
    result, report = run(write_export(tmp_path / "exp", data))
    assert result.status == "ok", report
    assert "ostrzeżenie: plik customers.csv, wiersz 1, kolumna zzz_extra: Nieznana kolumna" in report
    assert query("SELECT name FROM customers WHERE customer_id = 'L0001'") == [("Anna Nowak",)]


def test_optional_files_may_be_absent_and_become_empty_tables(tmp_path):
    result, report = run(write_export(tmp_path / "exp"))
    assert result.status == "ok", report
    for name in ("communities", "messages", "resolutions", "waste_points", "waste_schedule", "settlements"):
        assert query(f"SELECT count(*) FROM {name}") == [(0,)]  # noqa: S608


def test_every_table_and_column_has_a_comment(tmp_path):
    result, _ = run(write_export(tmp_path / "exp"))
    assert result.status == "ok"
    missing = query(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal "
        "AND (comment IS NULL OR comment = '')"
    )
    assert missing == []
    assert (
        query(
            "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND (comment IS NULL OR comment = '')"
        )
        == []
    )
    assert (
        query("SELECT view_name FROM duckdb_views() WHERE NOT internal AND (comment IS NULL OR comment = '')")
        == []
    )
    names = {r[0] for r in query("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'")}
    assert {f.name for f in FILES} | {"etl_loads", "meta", "document_files"} <= names
    assert {d.name for d in schema.DERIVED} <= names  # tables in a loaded warehouse, not views


def test_derived_consumption_tables_are_built_and_sorted(tmp_path):
    """M1 (P1, building B1, 2 persons): initial 10, 20.5 on 30.09, 24.25 on 31.10 (tests/helpers/loader.py)."""
    data = rows()
    data["readings"].reverse()
    data["premises"].reverse()
    result, report = run(write_export(tmp_path / "exp", data))
    assert result.status == "ok", report
    assert query("SELECT premises_id, medium, unit, month, consumption FROM monthly_consumption") == [
        ("P1", "cold_water", "m3", date(2026, 9, 1), Decimal("10.5000")),
        ("P1", "cold_water", "m3", date(2026, 10, 1), Decimal("3.7500")),
    ]
    assert query(
        "SELECT building_id, medium, month, consumption, persons, per_person FROM building_monthly_consumption"
    ) == [
        ("B1", "cold_water", date(2026, 9, 1), Decimal("10.5000"), 2, 5.25),
        ("B1", "cold_water", date(2026, 10, 1), Decimal("3.7500"), 2, 1.875),
    ]


def test_point_read_keys_are_indexed_and_used(tmp_path):
    """Each schema.INDEXES entry exists in the loaded file, and a bound premises read jumps to its row."""
    result, report = run(write_export(tmp_path / "exp"))
    assert result.status == "ok", report
    found = query("SELECT index_name, table_name, expressions FROM duckdb_indexes() ORDER BY 1")
    assert found == sorted((name, table, f"[{column}]") for name, table, column in schema.INDEXES)
    plan = query("EXPLAIN ANALYZE SELECT * FROM premises WHERE premises_id = $1", ["P2"])[0][1]
    assert "Index Scan" in plan
    assert query("SELECT premises_id FROM premises WHERE premises_id = $1", ["P2"]) == [("P2",)]


def test_derived_tables_are_rebuilt_by_every_load(tmp_path):
    first, _ = run(write_export(tmp_path / "v1"))
    data = rows()
    data["readings"][1]["value"] = Decimal("30.5")
    data["premises"][0]["persons"] = 4
    second, report = run(write_export(tmp_path / "v2", data))
    assert first.status == second.status == "ok", report
    assert query("SELECT month, consumption FROM monthly_consumption WHERE month = '2026-10-01'") == [
        (date(2026, 10, 1), Decimal("10.0000"))
    ]
    assert query("SELECT persons, per_person FROM building_monthly_consumption ORDER BY month") == [
        (4, 2.625),
        (4, 2.5),
    ]


def test_tables_are_sorted_by_contract_sort_keys(tmp_path):
    data = rows()
    data["ledger"].reverse()
    data["premises"].reverse()
    result, _ = run(write_export(tmp_path / "exp", data))
    assert result.status == "ok"
    assert [r[0] for r in query("SELECT premises_id FROM premises")] == ["P1", "P2", "P3"]  # physical order
    got = query("SELECT premises_id, entry_date, entry_id FROM ledger")
    assert got == sorted(got)


def test_load_runs_and_etl_loads_record_history(tmp_path):
    bad = write_export(tmp_path / "bad", manifest=False)
    (bad / "premises.csv").unlink()
    first, _ = run(bad)
    assert first.status == "rejected"
    ok, _ = run(write_export(tmp_path / "ok"))
    assert ok.status == "ok"
    with store.engine().connect() as conn:
        runs = conn.execute(sa.select(tables.load_runs).order_by(tables.load_runs.c.started_at)).all()
    assert [r.status for r in runs] == ["rejected", "ok"]
    assert json.loads(runs[0].errors)[0]["code"] == "file_missing"
    assert json.loads(runs[1].row_counts)["ledger"] == 6
    history = query("SELECT load_id, status, warehouse_file, row_counts FROM etl_loads ORDER BY started_at")
    assert [(h[0], h[1]) for h in history] == [(first.load_id, "rejected"), (ok.load_id, "ok")]
    assert history[1][2] == warehouse.current_version()
    assert json.loads(history[1][3])["premises"] == 3
    assert query("SELECT load_id, exported_at, source FROM meta") == [
        (ok.load_id, EXPORTED_AT, str(tmp_path / "ok"))
    ]


def test_operational_store_tables_are_copied_into_ops(tmp_path):
    with store.engine().begin() as conn:
        conn.execute(
            tables.reading_submissions.insert().values(
                submission_id="S1", premises_id="P1", meter_id="M1", reading_date=datetime(2026, 11, 20),
                value=Decimal("25.125"), username="anna.nowak", submitted_at=datetime(2026, 11, 20, 8, 0),
                implausible=0,
            )
        )  # fmt: skip
    result, _ = run(write_export(tmp_path / "exp"))
    assert result.status == "ok"
    assert query("SELECT submission_id, premises_id, value, username FROM ops.reading_submissions") == [
        ("S1", "P1", Decimal("25.1250"), "anna.nowak")
    ]
    comments = query(
        "SELECT comment FROM duckdb_columns() WHERE schema_name = 'ops' AND table_name = 'reading_submissions'"
    )
    assert comments and all(c[0] for c in comments)


def test_pdfs_are_copied_and_served_after_the_export_is_gone(tmp_path):
    folder = write_export(tmp_path / "exp")
    result, _ = run(folder)
    assert result.status == "ok"
    for pdf in (folder / "documents").iterdir():
        pdf.unlink()
    stored = loader.document_path("fv_2026_11_1.pdf")
    assert stored.is_file() and stored.read_bytes() == PDF
    assert stored.parent.parent == warehouse.documents_dir()
    assert not loader.document_path("nie_ma.pdf").is_file()


def test_english_report(tmp_path):
    result, report = run(write_export(tmp_path / "exp"), lang="en")
    assert result.status == "ok"
    assert "Export loaded" in report and "Data as of: 20.11.2026 22:15" in report


def test_views_work_in_a_loaded_warehouse_opened_read_only(tmp_path):
    result, _ = run(write_export(tmp_path / "exp"))
    con = duckdb.connect(str(warehouse.current_path()), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM v_open_items").fetchone()[0] == 4
        assert con.execute("SELECT sum(consumption) FROM v_monthly_consumption").fetchone()[0] == Decimal(
            "14.25"
        )
    finally:
        con.close()
    assert result.status == "ok"
    assert schema.SQL_DIR.exists()


def test_cli_status_and_parser(tmp_path, capsys):
    run(write_export(tmp_path / "exp"))
    import argparse

    parser = argparse.ArgumentParser()
    loader.register(parser.add_subparsers())
    args = parser.parse_args(["status"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "Bieżąca hurtownia: wh-" in out and " ok " in out


@pytest.mark.parametrize("encoding, decimal, delimiter", [("utf-8", "dot", ","), ("cp1250", "comma", ";")])
def test_demo_export_loads(tmp_path, encoding, decimal, delimiter):
    """The demo generator's export loads; balances equal sums computed from ledger.csv in Python."""
    demo = pytest.importorskip("ebok.demo", reason="ebok.demo (demo helper) is not available")
    folder = tmp_path / "demo"
    counts = demo.generate(folder, premises=40, seed=3, as_of=date(2026, 11, 20), encoding=encoding,
                           decimal=decimal, delimiter=delimiter)  # fmt: skip
    result, report = run(folder)
    assert result.status == "ok", report
    for table, n in counts.items():
        assert result.row_counts[table] == n
    import csv

    expected: dict[str, Decimal] = {}
    with open(folder / "ledger.csv", encoding=encoding, newline="") as fh:
        for rec in csv.DictReader(fh, delimiter=delimiter):
            amount = Decimal(rec["amount"].replace(" ", "").replace("\xa0", "").replace(",", "."))
            expected[rec["premises_id"]] = expected.get(rec["premises_id"], Decimal(0)) - amount
    got = {p: b for p, b in query("SELECT premises_id, balance FROM v_premises_balance") if p in expected}
    assert got == expected
    assert query("SELECT count(*) FROM premises")[0][0] == 40
    assert warehouse.data_as_of() is not None


def test_typed_tables_in_key_order_become_the_warehouse_tables(tmp_path):
    """The export is typed straight into the new file; nothing of the validation is left in it."""
    result, report = run(write_export(tmp_path / "exp"))
    assert result.status == "ok", report
    with warehouse.cursor() as cur:
        tables_left = {
            r[0]
            for r in cur.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
            ).fetchall()
        }
        views = {
            r[0] for r in cur.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
        }
        columns = cur.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'ledger' ORDER BY column_index"
        ).fetchall()
    assert not {t for t in tables_left | views if t.startswith(("typed_", "raw_", "t_", "rej"))}
    assert {f.name for f in FILES} <= tables_left
    ledger = next(f for f in FILES if f.name == "ledger")
    assert [c[0] for c in columns] == [c.name for c in ledger.columns]
    assert dict(columns)["amount"] == "DECIMAL(14,2)"


def _confirmed_online_payment(payment_id: str, premises_id: str, grosze: int) -> None:
    """Store a confirmed online payment waiting to be booked (as the receiver leaves it)."""
    now = datetime(2026, 11, 20, 12, 0)
    with store.engine().begin() as con:
        con.execute(
            tables.online_payments.insert().values(
                payment_id=payment_id, premises_id=premises_id, username="anna.nowak", gateway="przelewy24",
                amount_grosze=grosze, currency="PLN", invoices="[]", status="confirmed", created_at=now,
                updated_at=now, confirmed_at=now,
            )
        )  # fmt: skip


def test_a_published_load_books_the_online_payments_its_ledger_names(tmp_path):
    _confirmed_online_payment("EB261120AAAA0001", "P1", 70000)
    _confirmed_online_payment("EB261120AAAA0002", "P2", 10000)
    _confirmed_online_payment("EB261120AAAA0003", "P2", 5000)
    data = rows()
    for entry in data["ledger"]:
        entry["payment_ref"] = ""
    data["ledger"][2]["payment_ref"] = "EB261120AAAA0001"  # E3: the new column
    data["ledger"][4]["description"] = "Wpłata online e-BOK EB261120AAAA0002"  # E5: the title only
    result, report = run(write_export(tmp_path / "exp", data))
    assert result.status == "ok", report
    assert query("SELECT payment_ref FROM ledger WHERE entry_id = 'E3'") == [("EB261120AAAA0001",)]
    assert [p.payment_id for p in online_payments.unbooked_confirmed("P1")] == []
    assert [p.payment_id for p in online_payments.unbooked_confirmed("P2")] == ["EB261120AAAA0003"]
    assert online_payments.get("EB261120AAAA0002", "P2").booked_load == result.load_id
