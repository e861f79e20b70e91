"""A resident in a real browser: balance, meter chart, reading, document, logout, replayed cookie."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.browser.conftest import OUTSIDE_REQUESTS, new_context
from tests.browser.test_navigation import pick_premises, premises_selector
from tests.helpers import browser as B

pytestmark = pytest.mark.browser

ANNA = "anna.nowak"


def _anna_premises() -> tuple[str, ...]:
    """Anna's premises ids in the selector's order (sorted by id)."""
    from ebok.auth import premises, users

    record = users.get(ANNA)
    assert record is not None, "anna.nowak missing from the test auth.yaml"
    return tuple(p.premises_id for p in premises.premises_of(record.customer_id, record.premises))


def _balance(premises_id: str) -> Decimal:
    """Balance computed here from the ledger: -(sum of amounts); > 0 overpayment, < 0 arrears."""
    from ebok.storage import warehouse

    with warehouse.cursor() as cur:
        total = cur.execute(
            "SELECT coalesce(sum(amount), 0) FROM ledger WHERE premises_id = ?", [premises_id]
        )
        return -Decimal(str(total.fetchone()[0]))


def _submissions(premises_id: str) -> list[dict]:
    from ebok.storage import store
    from ebok.storage.tables import reading_submissions as rs

    with store.engine().connect() as con:
        rows = con.execute(sa.select(rs).where(rs.c.premises_id == premises_id)).mappings().all()
    return [dict(r) for r in rows]


def test_resident_journey_and_logout_kills_the_cookie(context, page, chromium, app_server, server_store):
    """Anna signs in, reads her balance, picks her flat under the page title, opens a meter chart,
    submits a reading, downloads a PDF, logs out; her saved cookie works in a fresh browser before
    logout and not after."""
    from ebok.core import fmt

    meter_flat = B.anna_flat_with_meters()  # her flat; the garage has no meters
    B.login(page, ANNA, B.RESIDENT_PASSWORD)
    B.wait_login_cookie(context)
    page.screenshot(path=str(B.SCREENSHOTS / "journey-01-after-login.png"), full_page=True)

    # Balance: the number she sees equals the ledger sum computed independently, for the premises
    # shown first and for the one she picks in the selector under the page title.
    B.nav_to(page, "Saldo")
    # Shown first: the premises with something to pay; she then looks at the other one and picks
    # her flat again for the meters.
    shown = next(p for p in _anna_premises() if f"Lokal {p}:" in B.main_text(page))
    other = next(p for p in _anna_premises() if p != shown)
    current = shown
    for premises_id in (shown, other, meter_flat):
        if premises_id != current:
            pick_premises(page, premises_id)
            current = premises_id
        balance = _balance(premises_id)
        text = B.main_text(page)
        assert f"Lokal {premises_id}:" in text
        assert fmt.money(abs(balance)) in text, (balance, text[:500])
        assert ("nadpłata" if balance > 0 else "zaległość" if balance < 0 else "") in text.lower()

    # Meter chart: the picked flat stays chosen on the next page.
    B.nav_to(page, "Media i odczyty")
    assert meter_flat in premises_selector(page).first.locator("input").first.input_value()
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.wait_for()
    assert chart.bounding_box()["height"] > 100
    page.screenshot(path=str(B.SCREENSHOTS / "journey-02-meters.png"), full_page=True)

    # Reading: the form's first meter, a little above its last booked value.
    label, start = B.first_meter_start(meter_flat)
    new_value = start + Decimal("1.5")
    before = len(_submissions(meter_flat))
    page.get_by_role("tab", name="Podaj odczyt").click()
    B.settle(page)
    form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_label("Stan licznika"))
    assert label in form.inner_text()
    form.get_by_label("Stan licznika").fill(f"{new_value:.3f}".replace(".", ","))
    form.get_by_text("Potwierdzam, że stan jest prawidłowy").click()
    form.get_by_role("button", name="Wyślij odczyt").click()
    B.settle(page)
    rows = _submissions(meter_flat)
    assert len(rows) == before + 1, B.main_text(page)[:800]
    assert max(Decimal(str(r["value"])) for r in rows) == new_value
    assert all(r["username"] == ANNA for r in rows)

    # Document download: a real PDF reaches the browser.
    B.nav_to(page, "Dokumenty")
    with page.expect_download() as info:
        page.get_by_role("button", name="Pobierz PDF").click()
    download = info.value
    assert download.suggested_filename.lower().endswith(".pdf")
    assert open(download.path(), "rb").read(5) == b"%PDF-"

    # The cookie restores the session in a fresh browser while the session is alive...
    cookies = B.wait_login_cookie(context)
    replay = new_context(chromium, app_server)
    try:
        other = replay.new_page()
        replay.add_cookies(cookies)
        B.open_page(other, "saldo")
        other.get_by_role("button", name=B.LOGOUT).wait_for()
        assert B.signed_in(other)
    finally:
        replay.close()

    # ...and not after logout.
    B.logout(page)
    assert not B.signed_in(page)
    replay = new_context(chromium, app_server)
    try:
        other = replay.new_page()
        replay.add_cookies(cookies)
        B.open_page(other, "saldo")
        other.get_by_label("Nazwa użytkownika").wait_for()
        assert not B.signed_in(other)
        assert "Saldo" not in B.main_text(other).split("\n")[:3]
    finally:
        replay.close()


def test_wrong_password_is_refused(page):
    """A wrong password shows the Polish refusal and does not sign in."""
    B.open_page(page)
    page.get_by_label("Nazwa użytkownika").fill(ANNA)
    page.get_by_label("Hasło", exact=True).fill("zle-haslo-123")
    page.get_by_role("button", name="Zaloguj się").click()
    page.get_by_text("Nieprawidłowa nazwa użytkownika lub hasło.").wait_for()
    assert not B.signed_in(page)


def test_the_browser_talks_only_to_the_portal(page):
    """Residents' browsers must not contact third parties (privacy: no Google Fonts/CDN requests)."""
    B.login(page, "maria.zielinska", B.RESIDENT_PASSWORD)
    B.nav_to(page, "Saldo")
    outside = sorted({url.split("?")[0] for url in OUTSIDE_REQUESTS})
    assert not outside, f"the browser tried to reach other hosts: {outside}"
