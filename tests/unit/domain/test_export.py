"""ebok.domain.export: CSV and XLSX of the account history, read back independently."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ebok.domain import export, finance
from tests.helpers import finance as F


@pytest.fixture
def history():
    F.build()
    return finance.history("M-001")


def test_csv(history):
    data = export.history_csv(history)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(export.COLUMNS)
    body = rows[1:]
    assert len(body) == 6
    assert body[0][:2] == ["2026-09-01", "Naliczenie"]
    charged = sum(Decimal(r[5].replace(",", ".")) for r in body)
    paid = sum(Decimal(r[6].replace(",", ".")) for r in body)
    assert charged == Decimal("1542.35") and paid == Decimal("800.00")
    assert body[-1][7] == "-742,35"


def test_xlsx(history):
    wb = load_workbook(io.BytesIO(export.history_xlsx(history)))
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == export.COLUMNS
    assert len(rows) == 7
    assert rows[1][0].date().isoformat() == "2026-09-01"
    assert round(sum(r[5] for r in rows[1:]), 2) == 1542.35
    assert rows[-1][7] == -742.35


def test_filename():
    assert export.filename("M/001 x", "csv") == "historia_M_001_x.csv"
