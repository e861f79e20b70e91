"""The analysts' SQL shell opens the current warehouse read-only, beside the app's connection."""

from __future__ import annotations

import duckdb
import pytest

from ebok import cli
from ebok.core import settings
from ebok.storage import schema, warehouse


@pytest.fixture
def tiny_warehouse():
    """Publish a warehouse with one customer and one premises."""
    path = settings.warehouse_dir() / "wh-20260101T000000-1.duckdb"
    con = duckdb.connect(str(path))
    schema.create_empty(con)
    con.execute(
        "INSERT INTO customers (customer_id, name, email, phone, email_consent, nip) "
        "VALUES ('L0001', 'Anna Nowak', NULL, NULL, true, NULL)"
    )
    con.close()
    warehouse.publish(path)
    return path


def test_query_prints_rows(tiny_warehouse, capsys):
    app_cursor = warehouse.connect()  # the app holds its own read-only connection meanwhile
    status = cli.main(["sql", "-c", "SELECT name FROM customers"])
    assert status == 0
    assert "Anna Nowak" in capsys.readouterr().out
    assert app_cursor.execute("SELECT count(*) FROM customers").fetchone() == (1,)


def test_writes_are_refused(tiny_warehouse, capsys):
    status = cli.main(["sql", "-c", "DELETE FROM customers"])
    assert status == 1
    assert "read-only" in capsys.readouterr().err.lower()


def test_no_warehouse_is_a_clear_error(capsys):
    assert cli.main(["sql", "-c", "SELECT 1"]) == 1
    assert "Brak hurtowni" in capsys.readouterr().err
