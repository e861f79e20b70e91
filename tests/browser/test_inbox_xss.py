"""The office inbox in a real browser: resident text with XSS payloads stays inert text."""

from __future__ import annotations

import pytest

from tests.helpers import browser as B
from tests.helpers import inbox as h

pytestmark = pytest.mark.browser

ALL = " | ".join(h.XSS_PAYLOADS)


def _submit(premises_id: str) -> None:
    """Save a fault and then a contact message of anna.nowak full of payloads (contact is newest)."""
    from ebok.core import idempotency, uploads
    from ebok.domain import inbox

    inbox.submit_fault(
        username="anna.nowak",
        premises_id=premises_id,
        category="inne",
        place="teren",
        place_detail=h.XSS_PAYLOADS[1],
        description=f"Awaria: {ALL}",
        idempotency_key=idempotency.new_key(),
    )
    inbox.submit_contact(
        username="anna.nowak",
        premises_id=premises_id,
        topic="inne",
        text=f"Wiadomość: {ALL}",
        attachment=uploads.Upload(f"{h.XSS_PAYLOADS[0]}.png", h.PNG),
        idempotency_key=idempotency.new_key(),
    )


def _assert_inert(page) -> None:  # type: ignore[no-untyped-def]
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("img[src='x']").count() == 0
    assert main.locator("a[href^='javascript']").count() == 0
    # The only script is the Polish translation layer app.py puts on every page (ebok/web/polish.py).
    assert main.locator("script:not(#ebok-polish)").count() == 0
    assert main.locator("script#ebok-polish").count() <= 1
    assert main.locator("strong", has_text="bold").count() == 0


def test_admin_sees_payloads_as_text_and_no_script_runs(context, page, server_store):
    from ebok.auth import premises, users

    record = users.get("anna.nowak")
    flat = premises.premises_of(record.customer_id, record.premises)[0].premises_id
    _submit(flat)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    B.login(page, "admin", B.ADMIN_PASSWORD)
    B.nav_to(page, "Skrzynka zgłoszeń")
    text = B.main_text(page)
    assert f"Wiadomość: {ALL}" in text
    _assert_inert(page)
    page.screenshot(path=str(B.SCREENSHOTS / "inbox-xss-admin-contact.png"), full_page=True)

    # The fault report: switch the kind filter to faults.
    page.locator('[data-testid="stSelectbox"]', has_text="Rodzaj").click()
    page.get_by_role("option", name="Awarie").click()
    B.settle(page)
    text = B.main_text(page)
    assert f"Awaria: {ALL}" in text and h.XSS_PAYLOADS[1] in text
    _assert_inert(page)
    assert dialogs == []
