"""`python -m ebok migrate`: bring the operational store to the newest schema, show or print it."""

from __future__ import annotations

import argparse
import sys
import tempfile

import sqlalchemy as sa
from alembic import command

from ebok.core import settings
from ebok.storage import migrations, store

ACTIONS = ("upgrade", "current", "history", "revision")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `migrate`."""
    p = subparsers.add_parser(
        "migrate",
        help="Zaktualizuj schemat bazy operacyjnej do najnowszej wersji (migracje Alembic).",
        description=(
            "Aktualizacja schematu bazy operacyjnej (SQLite lub EBOK_STORE_URL). Bez argumentu: "
            "aktualizacja do najnowszej wersji (aplikacja robi to też sama przy starcie). "
            "Najpierw zrób kopię zapasową bazy."
        ),
    )
    p.add_argument(
        "action",
        nargs="?",
        choices=ACTIONS,
        default="upgrade",
        help=(
            "upgrade: aktualizuj (domyślnie); current: pokaż wersję bazy; history: lista wersji; "
            "revision: (dla programistów) nowa wersja z różnic między migracjami a ebok/tables.py."
        ),
    )
    p.add_argument("-m", "--message", help="Z revision: opis zmiany (nazwa pliku i opis wersji).")
    p.add_argument(
        "--sql",
        action="store_true",
        help="Nie zmieniaj bazy: wypisz SQL aktualizacji (dla administratora bazy danych).",
    )
    p.add_argument(
        "--from",
        dest="start",
        metavar="WERSJA",
        help="Z --sql: wersja, od której wypisać SQL ('base' = pusta baza); domyślnie odczytana z bazy.",
    )
    p.add_argument("--url", help="Adres bazy (domyślnie EBOK_STORE_URL lub data/ebok.sqlite).")
    p.set_defaults(func=run)


def _shown(url: str) -> str:
    """Return URL without its password, for messages."""
    return sa.make_url(url).render_as_string(hide_password=True)


def _state(url: str) -> tuple[tuple[str, ...], str | None]:
    """Return (recorded revisions, revision a pre-migration store matches) without changing the store."""
    eng = sa.create_engine(url)
    try:
        with eng.connect() as con:
            heads = migrations.current(con)
            return heads, None if heads else migrations.legacy_revision(con)
    finally:
        eng.dispose()


def run(args: argparse.Namespace) -> int:
    """Dispatch to the requested action; exit 1 when the store cannot be read or migrated."""
    url = args.url or settings.store_url()
    try:
        if args.action == "history":
            return _history()
        if args.action == "revision":
            return _revision(args.message)
        if args.sql:
            return _print_sql(url, args.start)
        if args.action == "current":
            return _current(url)
        return _upgrade(url)
    except (sa.exc.SQLAlchemyError, migrations.MigrationError) as exc:
        print(f"Błąd bazy operacyjnej {_shown(url)}: {exc}", file=sys.stderr)
        return 1


def _history() -> int:
    """List the revisions, newest first."""
    for rev in migrations.script_directory().walk_revisions():
        mark = " (najnowsza)" if rev.revision == migrations.head() else ""
        first_line = (rev.doc or "").strip().splitlines()[0] if rev.doc else ""
        print(f"{rev.revision}{mark}: {first_line}")
    return 0


def _describe(heads: tuple[str, ...], legacy: str | None) -> str:
    """Return the store's version in words."""
    if heads:
        state = "aktualna" if heads == (migrations.head(),) else f"do aktualizacji do {migrations.head()}"
        return f"{', '.join(heads)} ({state})"
    if legacy:
        return f"sprzed migracji, odpowiada wersji {legacy} (do aktualizacji do {migrations.head()})"
    return "pusta baza (zostanie utworzona)"


def _current(url: str) -> int:
    """Print the store's revision; exit 0 when it is at head, 1 when it needs `migrate`."""
    heads, legacy = _state(url)
    print(f"Baza {_shown(url)}: wersja {_describe(heads, legacy)}")
    return 0 if heads == (migrations.head(),) else 1


def _upgrade(url: str) -> int:
    """Upgrade the store to head and say from which revision."""
    before = _describe(*_state(url))
    store.engine(url)
    print(f"Baza {_shown(url)}: było {before}; teraz {_describe(*_state(url))}.")
    return 0


def _print_sql(url: str, start: str | None) -> int:
    """Print the SQL that upgrades the store (or START) to head, without touching the store."""
    if start is None:
        heads, legacy = _state(url)
        if len(heads) > 1:
            print("Baza ma kilka wersji naraz; podaj --from.", file=sys.stderr)
            return 1
        start = heads[0] if heads else None
        if legacy:
            # A store created before migrations has no alembic_version yet: record where it stands.
            command.stamp(migrations.alembic_config(url=url), legacy, sql=True)
            start = legacy
    elif start == "base":
        start = None
    if start == migrations.head():
        print(f"-- Baza jest w najnowszej wersji ({start}): nic do zrobienia.")
        return 0
    migrations.offline_sql(url, start)
    return 0


def _revision(message: str | None) -> int:
    """Write the next revision file from the differences between head and tables.py (for developers)."""
    if not message:
        print("Podaj opis zmiany: -m 'co się zmieniło'.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        # Autogenerate compares a database at head with tables.metadata: build one from the revisions.
        eng = sa.create_engine(f"sqlite:///{tmp}/head.sqlite")
        try:
            migrations.upgrade(eng, create_all_when_empty=False)
            with eng.begin() as con:
                rev_id = f"{int(migrations.head()) + 1:04d}"
                script = command.revision(
                    migrations.alembic_config(con), message=message, autogenerate=True, rev_id=rev_id
                )
        finally:
            eng.dispose()
    path = script.path if script is not None and not isinstance(script, list) else "?"
    print(f"Nowa wersja {rev_id}: {path} — przejrzyj plik (SQLite batch, PostgreSQL) przed commitem.")
    return 0
