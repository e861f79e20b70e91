"""The sidebar menu in a real browser: fully expanded, Polish only; the premises selector in the page.

Streamlit folds a long `st.navigation` behind an English "View N more" link; app.py passes
`expanded=True`, so every page of the role is listed. The premises selector ("Lokal") therefore sits
in the page under its title (ebok.web.premises.select_premises), not below the long menu.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.test_accessibility import ACCOUNTS, _pages
from tests.helpers import browser as B

pytestmark = pytest.mark.browser

SIDEBAR = '[data-testid="stSidebar"]'
NAV = '[data-testid="stSidebarNav"]'
# Streamlit's English fold/unfold texts: "View 5 more", "View less".
ENGLISH_FOLD = re.compile(r"\b(view|more|less)\b", re.I)


def premises_selector(page):  # type: ignore[no-untyped-def]
    """Return the "Lokal" selectbox in the main area (residents with several premises)."""
    return page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(
        has=page.get_by_text("Lokal", exact=True)
    )


def pick_premises(page, premises_id: str) -> None:  # type: ignore[no-untyped-def]
    """Choose PREMISES_ID in the selector under the page title and wait for the rerun."""
    B.wait_idle(page)
    premises_selector(page).first.click()
    page.get_by_role("option").filter(has_text=premises_id).first.click()
    B.settle(page)


def premises_heading(page) -> str:  # type: ignore[no-untyped-def]
    """Return the page's "Lokal …" subheading (Saldo, Moje dane i lokale)."""
    heading = page.locator('[data-testid="stMain"] h3').filter(has_text=re.compile(r"^\s*Lokal "))
    return heading.first.inner_text().strip()


def anna_premises() -> tuple[str, ...]:
    """anna.nowak's premises ids in the selector's order (the first is shown first)."""
    from ebok.auth import premises, users

    record = users.get("anna.nowak")
    assert record is not None, "anna.nowak missing from the test auth.yaml"
    return tuple(p.premises_id for p in premises.premises_of(record.customer_id, record.premises))


@pytest.mark.parametrize("role", ["resident", "admin"])
def test_sidebar_lists_every_page_without_english_fold(role, page, server_store):
    """At desktop width the sidebar shows a link for every page of the role and no "View N more"."""
    username, password = ACCOUNTS[role]
    B.login(page, username, password)
    nav = page.locator(NAV)
    missing = [
        spec.title
        for spec in _pages(role)
        if not nav.get_by_role("link", name=spec.title, exact=True).is_visible()
    ]
    assert not missing, f"pages not listed in the expanded sidebar: {missing}"
    text = page.locator(SIDEBAR).inner_text()
    assert not ENGLISH_FOLD.search(text), text
    assert nav.get_by_role("button", name=re.compile(r"view|more|less", re.I)).count() == 0
    page.screenshot(path=str(B.SCREENSHOTS / f"navigation-{role}-sidebar.png"), full_page=True)


def test_premises_selector_in_the_page_header_switches_saldo(page, server_store):
    """Anna (flat + garage) picks her premises under the title of Saldo; the "Lokal …" subheading,
    the address and the next page follow the choice."""
    first, second = anna_premises()[:2]
    B.login(page, "anna.nowak", B.RESIDENT_PASSWORD)
    B.nav_to(page, "Saldo")
    assert page.locator(f"{SIDEBAR} [data-testid='stSelectbox']").count() == 0
    selector = premises_selector(page)
    assert selector.count() == 1
    # Shown first: the flat, which has something to pay (not the garage, whose id sorts first).
    if not premises_heading(page).startswith(f"Lokal {first}:"):
        first, second = second, first
    assert premises_heading(page).startswith(f"Lokal {first}:")

    # Right under the title, before the content.
    title = page.locator('[data-testid="stMain"] h1').first.bounding_box()
    box = selector.first.bounding_box()
    sub = page.locator('[data-testid="stMain"] h3').first.bounding_box()
    assert title["y"] < box["y"] < sub["y"], (title, box, sub)

    pick_premises(page, second)
    assert premises_heading(page).startswith(f"Lokal {second}:")
    assert parse_qs(urlsplit(page.url).query).get("lokal") == [second]
    page.screenshot(path=str(B.SCREENSHOTS / "navigation-saldo-premises-switched.png"), full_page=True)

    # The choice persists on the next page (same session keys as before).
    B.nav_to(page, "Moje dane i lokale")
    assert premises_heading(page) == f"Lokal {second}"
    shown = premises_selector(page).first
    assert second in shown.inner_text() + shown.locator("input").first.input_value()


def selected_premises(page) -> str:  # type: ignore[no-untyped-def]
    """Return the text the "Lokal" selector shows (its chosen option)."""
    B.wait_idle(page)
    shown = premises_selector(page).first
    return shown.inner_text() + " " + shown.locator("input").first.input_value()


def test_chosen_premises_holds_on_every_page_and_after_a_reload(page, server_store):
    """Anna picks her second premises; every resident page after that, back and forth, and a reload
    keep it (the defect: on the second page change the selector fell back to the first premises)."""
    first, second = anna_premises()[:2]
    B.login(page, "anna.nowak", B.RESIDENT_PASSWORD)
    B.nav_to(page, "Saldo")
    if second in selected_premises(page):  # pick the one not shown first
        first, second = second, first
    pick_premises(page, second)
    titles = ["Rachunki i płatności", "Faktury i kalendarz", "Zapłać", "Dokumenty", "Moje dane i lokale"]
    for title in [*titles, *reversed(titles[:-1]), "Saldo"]:
        B.nav_to(page, title)
        shown = selected_premises(page)
        assert second in shown and first not in shown, (title, shown)
        assert parse_qs(urlsplit(page.url).query).get("lokal") == [second], (title, page.url)
    page.reload()
    B.settle(page)
    assert second in selected_premises(page)
    assert premises_heading(page).startswith(f"Lokal {second}:")
