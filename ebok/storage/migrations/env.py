"""Alembic environment for the operational store, configured from ebok.storage.migrations (no alembic.ini).

Online runs use the connection ebok.storage.migrations puts in config.attributes (it holds the migration
lock); offline runs (`python -m ebok migrate --sql`) render SQL for the URL's dialect.
"""

from __future__ import annotations

from alembic import context

from ebok.storage.tables import metadata

config = context.config


def _options(dialect_name: str) -> dict[str, object]:
    """Options shared by online and offline runs."""
    # SQLite cannot ALTER most things in place: batch mode copies the table (alembic's "move and copy").
    return {"target_metadata": metadata, "render_as_batch": dialect_name == "sqlite", "compare_type": True}


def run_offline() -> None:
    """Print the SQL of the requested range instead of running it (for a DBA)."""
    url = config.get_main_option("sqlalchemy.url")
    dialect_name = url.split(":", 1)[0].split("+", 1)[0] if url else "sqlite"
    context.configure(url=url, literal_binds=True, **_options(dialect_name))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on the caller's connection, inside its transaction."""
    connection = config.attributes["connection"]
    context.configure(connection=connection, **_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
