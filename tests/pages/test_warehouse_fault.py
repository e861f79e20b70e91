"""A broken warehouse file (CURRENT naming a missing, corrupt or foreign file) as residents see it.

With no good version a resident is told the data are temporarily unavailable, never that no premises
are assigned to the account; with an older good version they see its data as usual.
"""

from __future__ import annotations

import pytest
import yaml

from ebok.core import settings
from ebok.storage import warehouse
from ebok.web import guard
from ebok.web.session import PREMISES_KEY
from tests.helpers import auth
from tests.helpers import tiny_warehouse as tw

NO_PREMISES = "Do Twojego konta nie przypisano jeszcze żadnego lokalu. Skontaktuj się z biurem."
BROKEN = "wh-20261130T020000000000Z.duckdb"


def break_current(kind: str) -> None:
    """Point CURRENT at a BROKEN file of KIND: missing, random bytes or text."""
    path = settings.warehouse_dir() / BROKEN
    if kind == "random_bytes":
        path.write_bytes(bytes(range(256)) * 64)
    elif kind == "text":
        path.write_text("to nie jest hurtownia\n", encoding="utf-8")
    (settings.warehouse_dir() / "CURRENT").write_text(BROKEN + "\n", encoding="utf-8")


def shown(at) -> list[str]:
    return [e.value for kind in ("info", "warning", "error", "caption") for e in getattr(at, kind)]


@pytest.mark.parametrize("kind", ["missing", "random_bytes", "text"])
@pytest.mark.parametrize("page", ["pages/saldo.py", "pages/dokumenty.py", "app.py"])
def test_resident_is_told_data_are_unavailable_not_that_no_premises(kind, page):
    break_current(kind)
    at = auth.page(page, "anna.nowak")
    at.run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == [guard.UNAVAILABLE_TEXT]
    assert guard.UNAVAILABLE_TEXT == "Dane są chwilowo niedostępne. Spróbuj ponownie za kilka minut."
    assert NO_PREMISES not in shown(at)


def test_resident_with_office_assigned_premises_through_the_menu():
    """Premises the office assigned are known without the warehouse: the menu must not read it then."""
    path = auth.write_demo_auth()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["credentials"]["usernames"]["anna.nowak"]["premises"] = ["L0001-M1"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    break_current("text")
    at = auth.page("app.py", "anna.nowak")
    at.run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == [guard.UNAVAILABLE_TEXT]


def test_resident_sees_the_last_good_version_meanwhile():
    auth.resident_warehouse()
    good = warehouse.current_version()
    break_current("random_bytes")
    assert warehouse.current_version() == good
    at = auth.page("pages/saldo.py", "anna.nowak")
    at.run()
    assert not at.exception, at.exception
    assert guard.UNAVAILABLE_TEXT not in shown(at) and NO_PREMISES not in shown(at)
    assert [s.label for s in at.selectbox] == ["Lokal"]  # her flat and garage, from the good version
    assert at.session_state[PREMISES_KEY] in ("L0001-M1", "L0001-G1")


def test_no_premises_is_still_said_when_the_warehouse_is_readable():
    tw.build({"customers": [tw.customer("L0002", "Maria Zielińska")]})  # Anna's customer is not in it
    at = auth.page("pages/saldo.py", "anna.nowak")
    at.run()
    assert not at.exception, at.exception
    assert [i.value for i in at.info] == [NO_PREMISES]
    assert guard.UNAVAILABLE_TEXT not in shown(at)
