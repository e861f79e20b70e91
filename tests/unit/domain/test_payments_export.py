"""`python -m ebok export-payments`: confirmed online payments to accounting, each exactly once."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from ebok import cli
from tests.helpers import online

HEADER = ["payment_id", "premises_id", "amount", "currency", "confirmed_at", "gateway", "gateway_ref", "title", "invoices"]  # fmt: skip


def read(path) -> list[dict[str, str]]:
    """Parse the file as docs/payments-export-format.md describes it: UTF-8, ';', header row."""
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), delimiter=";"))
    assert rows[0] == HEADER
    return [dict(zip(HEADER, r, strict=True)) for r in rows[1:]]


def test_export_writes_confirmed_payments_once_and_a_batch_again(data_dir, tmp_path, capsys):
    # 12,34 zł confirmed 1.11 10:00 UTC (11:00 in Warsaw); 1 000,05 zł confirmed later; others stay out.
    first = online.add("B1/M1", 1234, confirmed_at=dt.datetime(2026, 11, 1, 10, 0), invoices=("FV/1", "FV/2"))
    second = online.add("B1/M2", 100005, confirmed_at=dt.datetime(2026, 11, 2, 10, 0))
    online.add("B1/M1", 500, status="pending")
    online.add("B1/M1", 700, status="failed")

    out = tmp_path / "a" / "platnosci.csv"
    assert cli.main(["export-payments", "--out", str(out)]) == 0
    rows = read(out)
    assert [r["payment_id"] for r in rows] == [first, second]
    assert [Decimal(r["amount"].replace(",", ".")) for r in rows] == [Decimal("12.34"), Decimal("1000.05")]
    assert rows[0]["confirmed_at"] == "2026-11-01 11:00:00"
    assert rows[0]["title"] == f"e-BOK {first}"
    assert rows[0]["invoices"] == "FV/1,FV/2"
    assert rows[0]["currency"] == "PLN"
    said = capsys.readouterr().out
    assert "2 płatności na kwotę 1\xa0012,39 zł" in said
    batch_id = said.split()[1].rstrip(":")

    # Nothing new: no second file, the payments are not exported twice.
    again = tmp_path / "b.csv"
    assert cli.main(["export-payments", "--out", str(again)]) == 0
    assert not again.exists()
    assert "Brak nowych" in capsys.readouterr().out

    # A new confirmed payment goes into a new batch alone.
    third = online.add("B1/M1", 99, confirmed_at=dt.datetime(2026, 11, 3, 10, 0))
    assert cli.main(["export-payments", "--out", str(again)]) == 0
    assert [r["payment_id"] for r in read(again)] == [third]
    capsys.readouterr()

    # The first batch can be written again, byte for byte.
    copy = tmp_path / "copy.csv"
    assert cli.main(["export-payments", "--batch", batch_id, "--out", str(copy)]) == 0
    assert copy.read_bytes() == out.read_bytes()
    capsys.readouterr()
    assert cli.main(["export-payments", "--list"]) == 0
    listed = capsys.readouterr().out
    assert batch_id in listed and "1 płatność" in listed


def test_unknown_batch_is_an_error(data_dir, tmp_path, capsys):
    assert cli.main(["export-payments", "--batch", "NOPE", "--out", str(tmp_path / "x.csv")]) == 1
    assert "Nie ma paczki eksportu NOPE" in capsys.readouterr().out
    assert not (tmp_path / "x.csv").exists()
