"""The login cookie in a real browser: restores a live session, dead after logout and password change."""

from __future__ import annotations

import pytest

from tests.browser.conftest import new_context
from tests.helpers import browser as B

pytestmark = pytest.mark.browser


def _replay(chromium, app_server, cookies) -> bool:  # type: ignore[no-untyped-def]
    """Open Saldo in a fresh browser holding COOKIES; return whether it is signed in."""
    replay = new_context(chromium, app_server)
    try:
        other = replay.new_page()
        replay.add_cookies(cookies)
        B.open_page(other, "saldo")
        other.locator(
            f'button:has-text("{B.LOGOUT}"), input[aria-label="Nazwa użytkownika"]'
        ).first.wait_for()
        return B.signed_in(other)
    finally:
        replay.close()


def test_cookie_restores_until_logout(context, page, chromium, app_server, server_store):
    B.login(page, "maria.zielinska", B.RESIDENT_PASSWORD)
    cookies = B.wait_login_cookie(context)
    cookie = next(c for c in cookies if c["name"] == "ebok_auth")
    assert cookie["sameSite"] == "Strict"
    assert cookie["httpOnly"] is True  # set by the server's response, not by a script
    assert (
        cookie["secure"] is False
    )  # plain HTTP on loopback; Secure over HTTPS (tests/unit/web/test_asgi.py)
    # No script in the page can read the session token (issue 13 §1: an XSS could have stolen it).
    visible = page.evaluate("document.cookie")
    assert "ebok_auth" not in visible and cookie["value"] not in visible
    assert _replay(chromium, app_server, cookies)
    B.logout(page)
    assert not B.signed_in(page)
    assert not _replay(chromium, app_server, cookies)
    # The server cleared the cookie (an HttpOnly cookie can only be deleted by a response).
    for _ in range(40):
        if not any(c["name"] == "ebok_auth" for c in context.cookies()):
            break
        page.wait_for_timeout(250)
    assert [c["name"] for c in context.cookies() if c["name"] == "ebok_auth"] == []
