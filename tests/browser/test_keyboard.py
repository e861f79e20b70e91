"""Keyboard only (WCAG 2.1.1): signing in and submitting a meter reading without a mouse."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.helpers import browser as B

pytestmark = pytest.mark.browser

MAX_TABS = 80  # bounded: a control that cannot be reached in 80 Tabs counts as unreachable

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el) return {};
    const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
    const form = el.closest('[data-testid="stForm"]');
    return {
        tag: el.tagName.toLowerCase(),
        role: el.getAttribute('role') || '',
        type: el.type || '',
        aria: el.getAttribute('aria-label') || '',
        label: label,
        text: (el.innerText || '').trim(),
        numberInput: !!el.closest('[data-testid="stNumberInput"]'),
        submit: !!el.closest('[data-testid="stFormSubmitButton"]'),
        formHasNumber: !!(form && form.querySelector('[data-testid="stNumberInput"]')),
    };
}"""


def tab_to(page, want) -> dict:  # type: ignore[no-untyped-def]
    """Press Tab until WANT(focused element info) is true; fail after MAX_TABS presses."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUSED)
        if want(info):
            return info
        seen.append(f"{info.get('tag')}:{info.get('aria') or info.get('label') or info.get('text')[:30]}")
    raise AssertionError(f"not reachable with Tab; focus went through: {seen}")


def _named(name: str):  # type: ignore[no-untyped-def]
    return lambda info: name in (info.get("aria"), info.get("label").strip())


def keyboard_login(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in with Tab, typing and Enter only."""
    B.open_page(page)
    page.locator("body").focus()
    tab_to(page, _named("Nazwa użytkownika"))
    page.keyboard.type(username)
    tab_to(page, _named("Hasło"))
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.get_by_role("button", name=B.LOGOUT).wait_for()
    B.settle(page)


def test_login_with_keyboard_only(page):
    """Tab to the fields, type, Enter: signed in."""
    keyboard_login(page, "maria.zielinska", B.RESIDENT_PASSWORD)
    assert B.signed_in(page)


def test_reading_submission_with_keyboard_only(page, server_store):
    """Jan signs in and submits a water reading without touching the mouse."""
    from ebok.auth import premises, users
    from ebok.storage import store
    from ebok.storage.tables import reading_submissions as rs

    def count() -> int:
        with store.engine().connect() as con:
            return con.execute(
                sa.select(sa.func.count()).select_from(rs).where(rs.c.username == "jan.kowalski")
            ).scalar()

    record = users.get("jan.kowalski")
    house = premises.premises_of(record.customer_id, record.premises)[0].premises_id
    _label, start = B.first_meter_start(house)
    keyboard_login(page, "jan.kowalski", B.RESIDENT_PASSWORD)
    B.open_page(page, "media")
    page.get_by_role("button", name=B.LOGOUT).wait_for()
    before = count()
    page.locator("body").focus()
    # ARIA tabs: Tab reaches the selected tab, the arrow keys move between tabs.
    tab_to(page, lambda i: i.get("role") == "tab")
    for _ in range(6):
        if page.evaluate(FOCUSED).get("text") == "Podaj odczyt":
            break
        page.keyboard.press("ArrowRight")
    assert page.evaluate(FOCUSED).get("text") == "Podaj odczyt"
    page.keyboard.press("Enter")
    B.settle(page)
    tab_to(page, _named("Stan licznika"))
    page.keyboard.type(f"{start + Decimal('2.25'):.3f}".replace(".", ","))
    tab_to(page, lambda i: i.get("type") == "checkbox")
    page.keyboard.press("Space")
    tab_to(page, lambda i: i.get("submit"))
    page.keyboard.press("Enter")
    B.settle(page)
    assert count() == before + 1, B.main_text(page)[:800]


def test_premises_switch_with_keyboard_only(page, server_store):
    """Anna reaches the "Lokal" selector under the page title with Tab and picks her other premises
    with the arrow keys and Enter; the page then shows that premises."""
    from tests.browser.test_navigation import anna_premises, premises_heading

    ids = anna_premises()
    first, second = ids[:2]
    keyboard_login(page, "anna.nowak", B.RESIDENT_PASSWORD)  # lands on Saldo, the first page
    # Shown first: the premises with something to pay (the flat), whatever its id's place.
    if not premises_heading(page).startswith(f"Lokal {first}:"):
        first, second = second, first
    assert premises_heading(page).startswith(f"Lokal {first}:")
    page.locator("body").focus()
    tab_to(page, lambda i: i.get("role") == "combobox" and i.get("aria") == "Lokal")
    page.keyboard.press("ArrowDown")  # opens the list
    for _ in range(4):
        active = page.evaluate(
            """() => {
                const id = document.activeElement.getAttribute('aria-activedescendant');
                const el = id && document.getElementById(id);
                return el ? el.innerText : '';
            }"""
        )
        if second in active:
            break
        page.keyboard.press("ArrowDown" if ids.index(second) > ids.index(first) else "ArrowUp")
    assert second in active, active
    page.keyboard.press("Enter")
    B.settle(page)
    assert premises_heading(page).startswith(f"Lokal {second}:")
