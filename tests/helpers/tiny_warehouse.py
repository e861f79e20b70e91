"""Tiny hand-made warehouses for domain tests (meters, voting, waste) before the demo data exist."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ebok.core import settings
from ebok.core.contract import FILES
from ebok.storage import schema, warehouse

_counter = itertools.count(1)


def build(tables: dict[str, list[dict[str, Any]]]) -> Path:
    """Write a warehouse with ROWS per table (missing columns NULL) and make it current."""
    directory = settings.warehouse_dir()
    path = directory / f"wh-20261121T0000{next(_counter):02d}.duckdb"
    con = duckdb.connect(str(path))
    try:
        schema.create_empty(con)
        for table, rows in tables.items():
            cols = [n for n, _, _ in schema.table_columns({f.name: f for f in FILES}[table])]
            for row in rows:
                unknown = set(row) - set(cols)
                assert not unknown, f"{table}: unknown columns {unknown}"
                marks = ", ".join("?" for _ in cols)
                con.execute(f"INSERT INTO {table} VALUES ({marks})", [row.get(c) for c in cols])  # noqa: S608
    finally:
        con.close()
    warehouse.publish(path)
    return path


D = Decimal


def premises(pid: str, customer: str, building: str, persons: int = 2, **extra: Any) -> dict[str, Any]:
    """Return a premises row with harmless defaults."""
    row = {
        "premises_id": pid,
        "customer_id": customer,
        "building_id": building,
        "street": "ul. Lipowa",
        "building_no": "7",
        "unit_no": pid[-2:],
        "postcode": "00-950",
        "city": "Warszawa",
        "kind": "residential",
        "tenure": "coop_right",
        "area_m2": D("50.00"),
        "persons": persons,
        "bank_account": "61109010140000071219812874",
    }
    row.update(extra)
    return row


def customer(cid: str, name: str) -> dict[str, Any]:
    """Return a customer row."""
    return {"customer_id": cid, "name": name, "email_consent": True}


def meter(mid: str, pid: str, medium: str = "cold_water", **extra: Any) -> dict[str, Any]:
    """Return a meter row (m3, installed 2020-01-01, initial 0)."""
    row = {
        "meter_id": mid,
        "premises_id": pid,
        "medium": medium,
        "serial_no": f"SN-{mid}",
        "unit": "m3",
        "installed_on": dt.date(2020, 1, 1),
        "initial_value": D("0"),
    }
    row.update(extra)
    return row


def reading(rid: str, mid: str, pid: str, day: dt.date, value: str, **extra: Any) -> dict[str, Any]:
    """Return a booked reading row."""
    row = {
        "reading_id": rid,
        "meter_id": mid,
        "premises_id": pid,
        "reading_date": day,
        "value": D(value),
        "source": "collector",
    }
    row.update(extra)
    return row
