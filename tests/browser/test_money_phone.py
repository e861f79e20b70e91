"""At 390 px the money tables are cards with the amounts in sight; an invoice's PDF is two clicks away.

Issue 12 §2 and §4: the month tables of Rachunki, "Wszystkie Twoje lokale" on Saldo and Moje dane
and the invoice list of Faktury showed their descriptive columns and hid the amounts behind a
sideways scroll. ebok.web.tables draws a table for wide screens and cards for phones; CSS picks one.
"""

from __future__ import annotations

import pytest

from tests.helpers import browser as B

pytestmark = pytest.mark.browser

AMOUNTS_IN_VIEW = """(key) => {
    const list = document.querySelector(`ul.ebok-cards[data-table="${key}"]`);
    if (!list || list.offsetParent === null) return null;
    const vw = document.documentElement.clientWidth;
    return [...list.querySelectorAll('dd')].map(dd => {
        const r = dd.getBoundingClientRect();
        return r.width > 0 && r.left >= 0 && r.right <= vw;
    });
}"""


def _wide_and_cards(page, key: str) -> tuple[bool, bool]:  # type: ignore[no-untyped-def]
    """Return whether the wide table and the cards of table KEY are displayed."""
    wide = page.locator(f".st-key-ebok_wide_{key}").first.is_visible()
    cards = page.locator(f'ul.ebok-cards[data-table="{key}"]').first.is_visible()
    return wide, cards


def _check(page, title: str, key: str) -> None:  # type: ignore[no-untyped-def]
    """Open TITLE at desktop size (table), then at 390 px (cards, amounts in view, no sideways scroll)."""
    page.set_viewport_size(B.DESKTOP)
    B.nav_to(page, title)
    assert _wide_and_cards(page, key) == (True, False), title
    page.set_viewport_size(B.PHONE)
    B.settle(page)
    assert _wide_and_cards(page, key) == (False, True), title
    in_view = page.evaluate(AMOUNTS_IN_VIEW, key)
    assert in_view and all(in_view), (title, in_view)
    assert B.main_overflow(page) == 0, title
    page.screenshot(path=str(B.SCREENSHOTS / f"money-{key}-phone.png"), full_page=True)


def test_money_cards_on_a_phone(page, server_store):
    B.login(page, "anna.nowak", B.RESIDENT_PASSWORD)
    for title, key in (
        ("Saldo", "saldo_all"),
        ("Rachunki i płatności", "rachunki_m0"),
        ("Moje dane i lokale", "moje_lokale"),
    ):
        _check(page, title, key)


def test_invoice_pdf_from_a_phone(page, server_store):
    B.login(page, "blazej.wisniewski", B.RESIDENT_PASSWORD)
    page.set_viewport_size(B.DESKTOP)
    B.nav_to(page, "Faktury i kalendarz")
    page.get_by_text("Tylko nieopłacone").click()  # every invoice, paid ones too
    B.settle(page)
    page.set_viewport_size(B.PHONE)
    B.settle(page)
    assert B.main_overflow(page) == 0
    link = page.locator('ul.ebok-cards[data-table="faktury_items"] a', has_text="Pobierz PDF").first
    link.click()
    page.wait_for_url("**/dokumenty?*")
    B.settle(page)
    with page.expect_download() as got:
        page.get_by_role("button", name="Pobierz PDF").click()
    assert got.value.suggested_filename.endswith(".pdf")
