"""`python -m ebok sql`: a read-only SQL shell on the current warehouse, for analysts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from ebok.storage import warehouse

BANNER = """e-BOK: hurtownia {path} (tylko do odczytu).
Zakończ zapytanie średnikiem; .tables wypisuje tabele i widoki, .quit kończy.
Opisy kolumn: SELECT table_name, column_name, comment FROM duckdb_columns() WHERE NOT internal;"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `sql` subcommand."""
    p = sub.add_parser("sql", help="powłoka SQL (tylko odczyt) na bieżącej hurtowni")
    p.add_argument("-c", "--command", help="wykonaj jedno zapytanie i zakończ")
    p.add_argument("--file", type=Path, help="plik hurtowni (domyślnie wskazany przez CURRENT)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run one query (-c) or an interactive loop on a read-only connection."""
    path = args.file or warehouse.current_path()
    if path is None or not Path(path).exists():
        print("Brak hurtowni danych: najpierw `python -m ebok load KATALOG`.", file=sys.stderr)
        return 1
    # A private read-only connection: the analyst's session never blocks the loader or the app.
    con = duckdb.connect(str(path), read_only=True)
    if args.command:
        return _execute(con, args.command)
    print(BANNER.format(path=path))
    buffer: list[str] = []
    while True:
        try:
            line = input("ebok> " if not buffer else "  ...> ")
        except EOFError:
            print()
            return 0
        if not buffer and line.strip() in (".quit", ".exit", "\\q"):
            return 0
        if not buffer and line.strip() == ".tables":
            _execute(
                con,
                "SELECT table_name, table_type, comment FROM duckdb_tables() "
                "UNION ALL SELECT view_name, 'VIEW', comment FROM duckdb_views() WHERE NOT internal "
                "ORDER BY 1",
            )
            continue
        buffer.append(line)
        if line.rstrip().endswith(";"):
            _execute(con, "\n".join(buffer))
            buffer.clear()


def _execute(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """Run SQL and print the result as a table; errors are printed, not raised."""
    try:
        rel = con.sql(sql)
        if rel is not None:
            rel.show(max_rows=200, max_width=200)
        return 0
    except duckdb.Error as exc:
        print(f"Błąd: {exc}", file=sys.stderr)
        return 1
