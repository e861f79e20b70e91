"""The menu fits the customer: per-premises modules on top of the office's switches; start pages by role."""

from __future__ import annotations

import pytest

from ebok.core import config
from ebok.web import navigation
from ebok.web.session import CurrentUser
from tests.helpers import meters_demo as md

MODULE_PAGES = {
    "meters": "pages/media.py",
    "settlements": "pages/rozliczenia.py",
    "waste": "pages/odpady.py",
    "voting": "pages/uchwaly.py",
}


@pytest.fixture
def export(data_dir):
    navigation.customer_modules.clear()
    return md.use(data_dir)


def resident(export, customer_id: str) -> CurrentUser:
    """The customer's account with the premises the export gives them."""
    owned = tuple(r["premises_id"] for r in md.read(export, "premises") if r["customer_id"] == customer_id)
    return CurrentUser(customer_id.lower(), customer_id, "", ("resident",), customer_id, owned)


def files(user: CurrentUser | None) -> set[str]:
    return {p.file for p in navigation.allowed_pages(user)}


def test_each_persona_sees_only_the_modules_their_premises_have(export):
    anna, maria, jan = (resident(export, c) for c in ("L0001", "L0002", "W0001"))
    # From the export: Anna's flat has meters (her garage none), Maria's community flat has a share,
    # Jan's house has a waste point; nobody else here has any other of the four.
    assert {r["premises_id"] for r in md.read(export, "waste_points")} & set(anna.premises_ids) == set()
    assert files(anna) & set(MODULE_PAGES.values()) == {"pages/media.py", "pages/rozliczenia.py"}
    assert files(maria) & set(MODULE_PAGES.values()) == {
        "pages/media.py",
        "pages/rozliczenia.py",
        "pages/uchwaly.py",
    }
    assert files(jan) & set(MODULE_PAGES.values()) == {
        "pages/media.py",
        "pages/rozliczenia.py",
        "pages/odpady.py",
    }
    for user in (anna, maria, jan):  # pages that apply to everyone stay
        assert {"pages/saldo.py", "pages/kontakt.py", "pages/awarie.py", "pages/konto.py"} <= files(user)


def test_a_customer_with_only_a_garage_gets_none_of_them(export):
    garage_only = CurrentUser("g", "G", "", ("resident",), "L0001", ("B0001/G001",))
    assert files(garage_only) & set(MODULE_PAGES.values()) == set()
    nothing = CurrentUser("n", "N", "", ("resident",), "L9999", ())
    assert files(nothing) & set(MODULE_PAGES.values()) == set()


def test_the_office_switch_still_wins_and_office_pages_are_not_limited(export):
    maria = resident(export, "L0002")
    config.save(config.replace_section(config.load(), "modules", voting=False))
    assert "pages/uchwaly.py" not in files(maria)
    config.save(config.replace_section(config.load(), "modules", voting=True))
    office = CurrentUser("admin", "Biuro", "", ("admin",), None, ())
    assert {"pages/admin_odczyty.py", "pages/admin_uchwaly.py"} <= files(office)


def test_before_the_first_load_no_per_premises_module_is_offered(data_dir):
    navigation.customer_modules.clear()
    anna = CurrentUser("anna.nowak", "Anna", "", ("resident",), "L0001", ("B0001/M001",))
    assert files(anna) & set(MODULE_PAGES.values()) == set()


def test_start_page_is_saldo_for_residents_and_the_dashboard_for_the_office(export):
    anna = resident(export, "L0001")
    office = CurrentUser("admin", "Biuro", "", ("admin",), None, ())
    assert navigation.start_page(navigation.allowed_pages(anna)).file == "pages/saldo.py"
    assert navigation.start_page(navigation.allowed_pages(office)).file == "pages/admin_start.py"
    assert navigation.start_page(navigation.allowed_pages(None)) is None  # app.py's login page
    office_menu = navigation.allowed_pages(office)
    assert office_menu[0].section == "Biuro"  # the office's menu starts with its own pages
