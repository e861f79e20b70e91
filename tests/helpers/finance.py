"""A tiny published warehouse for the money modules' unit tests (no demo, no loader needed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb

from ebok.core import settings
from ebok.storage import schema, warehouse

D = dt.date
# Valid NRB numbers (checksums pass python-stdnum pl iban checks).
NRB_A = "61109010140000071219812874"
NRB_B = "27114020040000300201355387"
NRB_C = "17102028920000500201796783"

CUSTOMERS = [
    ("L0001", "Anna Nowak", "anna@example.pl", None, True, None),
    ("U0001", "Zakład Fryzjerski Błażej Wiśniewski", "blazej@example.pl", None, True, "5260250274"),
]
PREMISES = [
    # premises_id, customer, building, street, no, unit, postcode, city, kind, tenure, area, persons, storage, community, share, nrb
    (
        "M-001",
        "L0001",
        "B1",
        "ul. Lipowa",
        "7",
        "12",
        "00-001",
        "Miasteczko",
        "residential",
        "coop_right",
        Decimal("48.50"),
        2,
        Decimal("3.00"),
        None,
        None,
        NRB_A,
    ),
    (
        "G-001",
        "L0001",
        "B1",
        "ul. Lipowa",
        "7",
        "G3",
        "00-001",
        "Miasteczko",
        "garage",
        "coop_right",
        Decimal("16.00"),
        0,
        None,
        None,
        None,
        NRB_B,
    ),
    (
        "U-001",
        "U0001",
        "B2",
        "ul. Rynek",
        "1",
        None,
        "00-002",
        "Miasteczko",
        "commercial",
        "municipal_rent",
        Decimal("60.00"),
        0,
        None,
        None,
        None,
        NRB_C,
    ),
]
# entry_id, premises, kind, entry_date, due_date, document_no, description, amount
LEDGER = [
    (
        "E01",
        "M-001",
        "charge",
        D(2026, 9, 1),
        D(2026, 9, 15),
        "N/2026/09/1",
        "Opłaty za wrzesień 2026",
        Decimal("500.00"),
    ),
    ("E02", "M-001", "payment", D(2026, 9, 10), None, None, "Wpłata", Decimal("-500.00")),
    (
        "E03",
        "M-001",
        "charge",
        D(2026, 10, 1),
        D(2026, 10, 15),
        "N/2026/10/1",
        "Opłaty za październik 2026",
        Decimal("520.00"),
    ),
    ("E04", "M-001", "payment", D(2026, 10, 20), None, None, "Wpłata", Decimal("-300.00")),
    ("E05", "M-001", "interest", D(2026, 10, 31), D(2026, 11, 14), "NO/2026/10", "Odsetki", Decimal("2.35")),
    (
        "E06",
        "M-001",
        "charge",
        D(2026, 11, 1),
        D(2026, 11, 25),
        "N/2026/11/1",
        "Opłaty za listopad 2026",
        Decimal("520.00"),
    ),
    ("E07", "G-001", "charge", D(2026, 10, 1), D(2026, 10, 15), None, "Garaż październik", Decimal("80.00")),
    ("E08", "G-001", "payment", D(2026, 10, 5), None, None, "Wpłata", Decimal("-200.00")),
    ("E09", "G-001", "charge", D(2026, 11, 1), D(2026, 11, 15), None, "Garaż listopad", Decimal("80.00")),
    (
        "E10",
        "U-001",
        "invoice",
        D(2026, 11, 1),
        D(2026, 11, 14),
        "FV/2026/11/0001",
        "Czynsz listopad",
        Decimal("1230.00"),
    ),
    (
        "E11",
        "U-001",
        "correction",
        D(2026, 11, 5),
        D(2026, 11, 14),
        "KOR/2026/11/1",
        "Korekta",
        Decimal("-30.00"),
    ),
]
# Expected, as of TODAY (computed by hand):
TODAY = D(2026, 11, 21)
# M-001: debits 1542.35, credits 800.00 -> balance -742.35; FIFO: E01 paid, E03 remaining 220, E05 2.35
#        (due 14.11, overdue), E06 520 (due 25.11) -> overdue 222.35, next due 25.11 520.00.
# G-001: debits 160, credits 200 -> balance +40.00, nothing open.
# U-001: 1230 - 30 -> balance -1200.00, overdue 1200.00 (due 14.11), nothing upcoming.

CHARGES = [
    # premises, period, component, name, basis, quantity, rate, amount
    (
        "M-001",
        D(2025, 11, 1),
        "maintenance",
        "Eksploatacja",
        "m2",
        Decimal("48.5"),
        Decimal("4.00"),
        Decimal("194.00"),
    ),
    (
        "M-001",
        D(2025, 11, 1),
        "cold_water",
        "Zimna woda",
        "person",
        Decimal("2"),
        Decimal("60.00"),
        Decimal("120.00"),
    ),
    (
        "M-001",
        D(2026, 11, 1),
        "maintenance",
        "Eksploatacja",
        "m2",
        Decimal("48.5"),
        Decimal("4.40"),
        Decimal("213.40"),
    ),
    (
        "M-001",
        D(2026, 11, 1),
        "cold_water",
        "Zimna woda",
        "person",
        Decimal("2"),
        Decimal("65.00"),
        Decimal("130.00"),
    ),
    (
        "M-001",
        D(2026, 11, 1),
        "repair_fund",
        "Fundusz remontowy",
        "m2",
        Decimal("48.5"),
        Decimal("1.00"),
        Decimal("48.50"),
    ),
]
METERS = [
    ("W1", "M-001", "cold_water", "SN1", "m3", D(2020, 1, 1), D(2025, 6, 30), None, Decimal("0")),
    ("W2", "M-001", "cold_water", "SN2", "m3", D(2025, 6, 30), None, D(2031, 6, 30), Decimal("0")),
    ("W3", "M-001", "hot_water", "SN3", "m3", D(2020, 1, 1), None, D(2030, 1, 1), Decimal("0")),
]
READINGS = [
    ("R1", "W2", D(2026, 9, 30), Decimal("12.5"), "resident", "SUB-BOOKED", "M-001"),
]
DOCUMENTS = [
    ("DOC-M1", "M-001", "water_settlement", "Rozliczenie wody 2026", D(2026, 7, 10), "rozl_m001.pdf", None),
    (
        "DOC-U1",
        "U-001",
        "invoice",
        "Faktura FV/2026/11/0001",
        D(2026, 11, 1),
        "fv_u001.pdf",
        "FV/2026/11/0001",
    ),
    ("DOC-ALL", None, "regulation", "Regulamin rozliczeń", D(2026, 1, 2), "regulamin.pdf", None),
]
SETTLEMENTS = [
    (
        "S1",
        "M-001",
        "cold_water",
        D(2026, 1, 1),
        D(2026, 6, 30),
        Decimal("360.00"),
        Decimal("30.5"),
        "m3",
        Decimal("320.25"),
        "DOC-M1",
    ),
    (
        "S2",
        "M-001",
        "hot_water",
        D(2026, 1, 1),
        D(2026, 6, 30),
        Decimal("200.00"),
        Decimal("12.0"),
        "m3",
        Decimal("260.00"),
        None,
    ),
]


def pdf_bytes(text: str) -> bytes:
    """Return a minimal stand-in PDF file body."""
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def build(path: Path | None = None) -> Path:
    """Write the tiny warehouse, publish it and copy its PDFs to data/documents; return its path."""
    path = path or settings.warehouse_dir() / "wh-20261121T010000.duckdb"
    con = duckdb.connect(str(path))
    schema.create_empty(con)
    con.executemany(
        "INSERT INTO customers (customer_id, name, email, phone, email_consent, nip) VALUES (?, ?, ?, ?, ?, ?)",
        CUSTOMERS,
    )
    con.executemany("INSERT INTO premises VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", PREMISES)
    con.executemany(
        "INSERT INTO ledger (entry_id, premises_id, kind, entry_date, due_date, document_no, description, amount)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        LEDGER,
    )
    con.executemany("INSERT INTO charges VALUES (?, ?, ?, ?, ?, ?, ?, ?)", CHARGES)
    con.executemany("INSERT INTO meters VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", METERS)
    con.executemany("INSERT INTO readings VALUES (?, ?, ?, ?, ?, ?, ?)", READINGS)
    con.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)", DOCUMENTS)
    con.executemany("INSERT INTO settlements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", SETTLEMENTS)
    con.close()
    docs = settings.data_dir() / "documents"
    docs.mkdir(parents=True, exist_ok=True)
    for doc in DOCUMENTS:
        (docs / doc[5]).write_bytes(pdf_bytes(doc[0]))
    warehouse.publish(path)
    return path
