"""Warehouse DDL derived from the export contract: tables, COMMENTs and views."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ebok.contract import FILES, SQL_TYPES, FileSpec

SQL_DIR = Path(__file__).parent / "sql"

ETL_LOADS_DDL = """
CREATE TABLE etl_loads (
    load_id VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP, source VARCHAR,
    status VARCHAR, warehouse_file VARCHAR, exported_at TIMESTAMP,
    row_counts VARCHAR, errors VARCHAR
)
"""
ETL_LOADS_COMMENTS = {
    "": "Historia ładowań eksportu: każda próba, udana i odrzucona.",
    "load_id": "Identyfikator ładowania.",
    "started_at": "Początek ładowania (czas lokalny serwera).",
    "finished_at": "Koniec ładowania.",
    "source": "Katalog eksportu, z którego ładowano.",
    "status": "ok, rejected albo failed.",
    "warehouse_file": "Plik hurtowni zbudowany przez to ładowanie (pusty, jeśli odrzucone).",
    "exported_at": "Chwila eksportu z systemu księgowego (dane na dzień).",
    "row_counts": "Liczby wierszy per tabela, JSON.",
    "errors": "Powody odrzucenia, JSON (pierwsze błędy z plikiem, wierszem i kolumną).",
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
    "loaded_at": "Chwila zbudowania tej wersji hurtowni (czas lokalny serwera).",
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


def create_empty(con: duckdb.DuckDBPyConnection) -> None:
    """Create every contract table (empty), etl_loads and the views: for tests and fixtures."""
    for spec in FILES:
        con.execute(create_table_sql(spec))
        for stmt in comment_sql(spec):
            con.execute(stmt)
    create_etl_loads(con)
    create_meta(con)
    create_document_files(con)
    create_views(con)
