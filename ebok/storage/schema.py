"""Warehouse DDL derived from the export contract: tables, COMMENTs and views."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from ebok.core.contract import FILES, SQL_TYPES, FileSpec

SQL_DIR = Path(__file__).parent / "sql"

ETL_LOADS_DDL = """
CREATE TABLE etl_loads (
    load_id VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP, source VARCHAR,
    status VARCHAR, warehouse_file VARCHAR, exported_at TIMESTAMP,
    row_counts VARCHAR, errors VARCHAR, diff VARCHAR
)
"""
ETL_LOADS_COMMENTS = {
    "": "Historia ładowań eksportu: każda próba, udana i odrzucona.",
    "load_id": "Identyfikator ładowania.",
    "started_at": "Początek ładowania (czas polski, Europe/Warsaw).",
    "finished_at": "Koniec ładowania.",
    "source": "Katalog eksportu, z którego ładowano.",
    "status": "ok, rejected albo failed.",
    "warehouse_file": "Plik hurtowni zbudowany przez to ładowanie (pusty, jeśli odrzucone).",
    "exported_at": "Chwila eksportu z systemu księgowego (dane na dzień).",
    "row_counts": "Liczby wierszy per tabela, JSON.",
    "errors": "Powody odrzucenia, JSON (pierwsze błędy z plikiem, wierszem i kolumną).",
    "diff": "Porównanie z wersją udostępnianą przed tym ładowaniem, JSON: lokale i klienci dodani i ubyli, "
    "wiersze i sumy kartoteki per miesiąc, saldo łączne, wiersze plików (pusty przy pierwszym ładowaniu).",
}


META_DDL = """
CREATE TABLE meta (
    load_id VARCHAR, exported_at TIMESTAMP, loaded_at TIMESTAMP, source VARCHAR, row_counts VARCHAR
)
"""
META_COMMENTS = {
    "": "Metryka tej wersji hurtowni: jeden wiersz, z którego aplikacja pokazuje „Dane na dzień …”.",
    "load_id": "Identyfikator ładowania, które zbudowało ten plik (jak w etl_loads).",
    "exported_at": "Chwila eksportu z systemu księgowego (dane na dzień), z manifest.csv.",
    "loaded_at": "Chwila zbudowania tej wersji hurtowni (czas polski, Europe/Warsaw).",
    "source": "Katalog eksportu, z którego ładowano.",
    "row_counts": "Liczby wierszy per tabela, JSON.",
}

DOCUMENT_FILES_DDL = """
CREATE TABLE document_files (file VARCHAR, sha256 VARCHAR, bytes BIGINT)
"""
DOCUMENT_FILES_COMMENTS = {
    "": "Pliki PDF eksportu skopiowane do katalogu danych e-BOK (adresowane treścią: "
    "documents/<2 znaki sha256>/<sha256>.pdf).",
    "file": "Nazwa pliku w katalogu documents/ eksportu (jak w documents.file i resolutions.file).",
    "sha256": "Suma SHA-256 treści pliku (małe litery hex); wyznacza ścieżkę kopii.",
    "bytes": "Rozmiar pliku w bajtach.",
}


@dataclass(frozen=True)
class Derived:
    """A table the loader computes from the export tables, once per warehouse version."""

    name: str
    comment: str
    select: str  # the whole computation; ends with the ORDER BY that sorts the table
    comments: dict[str, str]  # column -> COMMENT
    # The same computation for the loader, whose tables are stored in their contract order: it may
    # read that order (lag() OVER () streams) where `select` must sort. None: `select` serves both.
    select_stored_order: str | None = None


# Per-premises figures of the Media page, computed at load instead of at every visit: lag() over
# a premises' readings cost 8-16 ms a visit and the building's average 47-85 ms at 100k premises.
# Consumption: a reading minus the previous reading of the same meter (the first reading minus
# the meter's initial value), booked to the month of the reading; a medium's meters are summed,
# so a replaced meter's old and new counters add up. Units: m3, GJ or kWh, the meters' own.
MONTHLY_CONSUMPTION = Derived(
    "monthly_consumption",
    "Zużycie lokalu per medium i miesiąc (wszystkie liczniki medium zsumowane), w jednostce "
    "licznika; liczone przy ładowaniu z readings i meters. Per premises, medium and month.",
    """
WITH deltas AS (
    SELECT
        r.premises_id, m.medium, m.unit, r.reading_date,
        r.value - coalesce(
            lag(r.value) OVER (PARTITION BY r.meter_id ORDER BY r.reading_date),
            m.initial_value
        ) AS consumption  -- meter's unit
    FROM readings r
    JOIN meters m USING (meter_id)
)
SELECT
    premises_id,
    medium,
    any_value(unit) AS unit,
    date_trunc('month', reading_date)::DATE AS month,  -- first day of the month
    sum(consumption) AS consumption                    -- m3, GJ or kWh
FROM deltas
GROUP BY premises_id, medium, month
ORDER BY premises_id, medium, month
""",
    {
        "premises_id": "Lokal (readings.premises_id).",
        "medium": "Medium (cold_water, hot_water, heat, gas, electricity).",
        "unit": "Jednostka zużycia: m3, GJ albo kWh (jednostka liczników medium).",
        "month": "Miesiąc odczytu (pierwszy dzień miesiąca).",
        "consumption": "Zużycie w miesiącu w jednostce licznika (m3, GJ, kWh): suma po licznikach medium "
        "(odczyt minus poprzedni odczyt licznika; pierwszy: minus stan początkowy).",
    },
    # The loader's readings are stored sorted by premises_id, meter_id, reading_date, so a meter's
    # previous reading is the previous stored row when it has the same meter: one streaming pass
    # instead of partitioning and sorting 15 M rows (CPU 23-25 s -> 17 s at 100 000 premises).
    # tests/unit/domain/test_meters_derived.py compares the result with the page's old queries.
    """
WITH steps AS (
    SELECT
        premises_id, meter_id, reading_date, value,
        CASE WHEN lag(meter_id) OVER () = meter_id THEN lag(value) OVER () END AS previous
    FROM readings
)
SELECT
    s.premises_id,
    m.medium,
    any_value(m.unit) AS unit,
    date_trunc('month', s.reading_date)::DATE AS month,
    sum(s.value - coalesce(s.previous, m.initial_value)) AS consumption
FROM steps s
JOIN meters m USING (meter_id)
GROUP BY s.premises_id, m.medium, month
ORDER BY s.premises_id, m.medium, month
""",
)

# The building's consumption per person: every premises of the building with a consumption of
# the medium in the month, divided by the persons of those premises (premises without meters
# do not dilute it); NULL where nobody is registered.
BUILDING_MONTHLY_CONSUMPTION = Derived(
    "building_monthly_consumption",
    "Zużycie budynku per medium i miesiąc oraz na osobę (osoby z lokali, które mają zużycie tego "
    "medium w tym miesiącu); liczone przy ładowaniu z monthly_consumption i premises.",
    """
SELECT
    p.building_id,
    c.medium,
    c.month,
    sum(c.consumption) AS consumption,                          -- whole building, m3, GJ or kWh
    sum(p.persons) AS persons,
    sum(c.consumption) / nullif(sum(p.persons), 0) AS per_person  -- unit per person
FROM monthly_consumption c
JOIN premises p USING (premises_id)
GROUP BY p.building_id, c.medium, c.month
ORDER BY p.building_id, c.medium, c.month
""",
    {
        "building_id": "Budynek (premises.building_id).",
        "medium": "Medium (cold_water, hot_water, heat, gas, electricity).",
        "month": "Miesiąc odczytu (pierwszy dzień miesiąca).",
        "consumption": "Zużycie wszystkich lokali budynku w miesiącu, w jednostce licznika (m3, GJ, kWh).",
        "persons": "Suma osób zameldowanych w lokalach budynku, które mają zużycie tego medium w tym miesiącu.",
        "per_person": "Zużycie na osobę w jednostce licznika (m3, GJ, kWh) na osobę; puste, gdy nikt "
        "nie jest zameldowany.",
    },
)

DERIVED = (MONTHLY_CONSUMPTION, BUILDING_MONTHLY_CONSUMPTION)  # in build order

# ART indexes for the lookups a resident's first visit makes by one key with a handful of rows
# each: a read with a bound key then jumps to its rows instead of scanning the whole row group
# (premises and customers are one row group of 100 000 rows). Measured at 100 000 premises
# (docs/benchmarks.md, finding 30): the premises and customer read 7.5 -> 3.1 ms, the modules
# query 7.0 -> 2.0 ms, the premises list of a login 3.1 -> 0.8 ms. Tables with a hundred rows and
# more per premises (ledger, charges, readings) are left to their sort order's zone maps: an index
# made the readings of one premises slower there (2.0 -> 4.6 ms).
INDEXES = (
    ("premises_by_id", "premises", "premises_id"),
    ("premises_by_customer", "premises", "customer_id"),
    ("customers_by_id", "customers", "customer_id"),
    ("meters_by_premises", "meters", "premises_id"),
    ("settlements_by_premises", "settlements", "premises_id"),
    ("waste_points_by_premises", "waste_points", "premises_id"),
)


def quote(text: str) -> str:
    """Quote TEXT as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def table_columns(spec: FileSpec) -> list[tuple[str, str, str]]:
    """Return (name, SQL type, comment) for each warehouse column of SPEC."""
    cols = [(c.name, SQL_TYPES[c.type], c.comment) for c in spec.columns]
    cols += [(name, "VARCHAR", comment) for name, comment in spec.extra.items()]
    return cols


def create_table_sql(spec: FileSpec, name: str | None = None) -> str:
    """Return CREATE TABLE for SPEC's warehouse table."""
    body = ",\n    ".join(f"{n} {t}" for n, t, _ in table_columns(spec))
    return f"CREATE TABLE {name or spec.name} (\n    {body}\n)"


def comment_sql(spec: FileSpec) -> list[str]:
    """Return the COMMENT ON statements for SPEC's table and every column."""
    out = [f"COMMENT ON TABLE {spec.name} IS {quote(spec.comment)}"]
    for n, _, comment in table_columns(spec):
        out.append(f"COMMENT ON COLUMN {spec.name}.{n} IS {quote(comment)}")
    return out


def create_etl_loads(con: duckdb.DuckDBPyConnection) -> None:
    """Create the load history table with its comments."""
    _create_with_comments(con, ETL_LOADS_DDL, "etl_loads", ETL_LOADS_COMMENTS)


def _create_with_comments(
    con: duckdb.DuckDBPyConnection, ddl: str, table: str, comments: dict[str, str]
) -> None:
    """Run DDL, then COMMENT ON the table and each column."""
    con.execute(ddl)
    for col, comment in comments.items():
        target = f"TABLE {table}" if not col else f"COLUMN {table}.{col}"
        con.execute(f"COMMENT ON {target} IS {quote(comment)}")


def create_meta(con: duckdb.DuckDBPyConnection) -> None:
    """Create the one-row metadata table (data as of, loaded at) with its comments."""
    _create_with_comments(con, META_DDL, "meta", META_COMMENTS)


def create_document_files(con: duckdb.DuckDBPyConnection) -> None:
    """Create the table mapping export PDF names to their content-addressed copies."""
    _create_with_comments(con, DOCUMENT_FILES_DDL, "document_files", DOCUMENT_FILES_COMMENTS)


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create the analysts' views (sql/views.sql), each followed by its COMMENT."""
    script = (SQL_DIR / "views.sql").read_text(encoding="utf-8")
    for statement in script.split(";\n"):
        if statement.strip() and not all(
            line.strip().startswith("--") or not line.strip() for line in statement.splitlines()
        ):
            con.execute(statement)


def create_derived(con: duckdb.DuckDBPyConnection, materialize: bool = True) -> None:
    """Compute the derived tables from the loaded export tables, sorted, with their comments.

    materialize=False creates views of the same SELECTs instead: a hand-made warehouse whose
    rows are inserted afterwards (tests) then answers like a loaded one.
    """
    kind = "TABLE" if materialize else "VIEW"
    for d in DERIVED:
        # A view follows rows a fixture inserts in any order: only the loader's tables may use stored order.
        select = d.select_stored_order if materialize and d.select_stored_order else d.select
        con.execute(f"CREATE {kind} {d.name} AS {select}")
        con.execute(f"COMMENT ON {kind} {d.name} IS {quote(d.comment)}")
        for col, comment in d.comments.items():
            con.execute(f"COMMENT ON COLUMN {d.name}.{col} IS {quote(comment)}")


def create_indexes(con: duckdb.DuckDBPyConnection) -> None:
    """Create the INDEXES on the loaded tables (after their rows: one build per index)."""
    for name, table, column in INDEXES:
        con.execute(f"CREATE INDEX {name} ON {table} ({column})")


def create_empty(con: duckdb.DuckDBPyConnection) -> None:
    """Create every contract table (empty), etl_loads and the views: for tests and fixtures.

    The derived tables are views here, so they follow whatever rows a fixture inserts.
    """
    for spec in FILES:
        con.execute(create_table_sql(spec))
        for stmt in comment_sql(spec):
            con.execute(stmt)
    create_indexes(con)
    create_etl_loads(con)
    create_meta(con)
    create_document_files(con)
    create_derived(con, materialize=False)
    create_views(con)
