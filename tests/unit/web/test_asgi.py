"""The login cookie's routes over HTTP: a one-time ticket buys an HttpOnly cookie; logout clears it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from ebok.auth import service, sessions
from ebok.core import clock
from ebok.domain import notifications
from ebok.storage import outbox
from ebok.web import asgi, cookie
from tests.helpers import tiny_warehouse as tw
from tests.helpers.auth import ADMIN_PASSWORD, RESIDENT_PASSWORD, write_demo_auth

ORIGIN = {"Origin": "http://testserver"}


@pytest.fixture
def web() -> TestClient:
    """Our two routes on a bare Starlette app (Streamlit's own routes are not needed here)."""
    return TestClient(Starlette(routes=asgi.routes()))


def _login(username: str = "anna.nowak") -> tuple[str, str]:
    """Sign USERNAME in as the login form does; return the session id and its cookie ticket."""
    write_demo_auth()
    sid = service.authenticate(username, RESIDENT_PASSWORD, None).session_id
    return sid, sessions.issue_ticket(sid)


def _set_cookie(response) -> str:  # type: ignore[no-untyped-def]
    [header] = response.headers.get_list("set-cookie")
    return header


def test_ticket_buys_an_httponly_strict_cookie_for_its_session_once(web):
    sid, ticket = _login()
    response = web.post("/_ebok/session", content=ticket, headers=ORIGIN)
    assert response.status_code == 204
    header = _set_cookie(response)
    assert header.startswith(f"{cookie.COOKIE_NAME}=")
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert {"httponly", "samesite", "path", "expires"} <= attributes and "secure" not in attributes
    assert "samesite=strict" in header.lower() and "Path=/" in header
    token = header.split(";")[0].split("=", 1)[1]
    assert cookie.session_from_token(token).session_id == sid  # the cookie restores this session
    assert not sessions.ticket_pending(sid)
    # Spent: a copied ticket (from the page, a proxy log) is worth nothing.
    again = web.post("/_ebok/session", content=ticket, headers=ORIGIN)
    assert again.status_code == 409 and "set-cookie" not in again.headers


def test_cookie_is_secure_over_https():
    _sid, ticket = _login()
    secure = TestClient(Starlette(routes=asgi.routes()), base_url="https://testserver")
    response = secure.post("/_ebok/session", content=ticket, headers={"Origin": "https://testserver"})
    assert response.status_code == 204 and "; secure" in _set_cookie(response).lower()


def test_ticket_from_another_site_stale_or_of_an_ended_session_buys_nothing(web):
    sid, ticket = _login()
    forged = web.post("/_ebok/session", content=ticket, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403
    assert web.post("/_ebok/session", content=ticket).status_code == 403  # no Origin at all
    assert web.post("/_ebok/session", content="made-up", headers=ORIGIN).status_code == 409
    start = clock.now()
    clock.set_clock(lambda: start + sessions.TICKET_TTL + timedelta(seconds=1))
    try:
        assert not sessions.ticket_pending(sid)
        assert web.post("/_ebok/session", content=ticket, headers=ORIGIN).status_code == 409
    finally:
        clock.set_clock(None)
    sid2, ticket2 = _login()
    service.logout(sid2, "anna.nowak")
    assert web.post("/_ebok/session", content=ticket2, headers=ORIGIN).status_code == 409


def test_logout_route_ends_the_cookie_s_session_and_clears_the_cookie(web):
    sid, ticket = _login()
    token = web.post("/_ebok/session", content=ticket, headers=ORIGIN).cookies[cookie.COOKIE_NAME]
    web.cookies.set(cookie.COOKIE_NAME, token)
    response = web.post("/_ebok/logout", headers=ORIGIN)
    assert response.status_code == 204
    header = _set_cookie(response)
    assert header.startswith(f'{cookie.COOKIE_NAME}=""') or header.startswith(f"{cookie.COOKIE_NAME}=;")
    assert "max-age=0" in header.lower() and "httponly" in header.lower()
    assert sessions.validate(sid) is None  # replaying the old cookie restores nothing
    assert cookie.session_from_token(token) is None


def _upload_client() -> TestClient:
    """UploadCap in front of a stand-in for Streamlit's upload route (it answers 204 and the size)."""

    async def upload(request):  # type: ignore[no-untyped-def]
        body = await request.body()
        return Response(status_code=204, headers={"x-received": str(len(body))})

    routes = [*asgi.routes(), Route("/_stcore/upload_file/{sid}/{fid}", upload, methods=["PUT"])]
    return TestClient(Starlette(routes=routes, middleware=asgi.middleware()))


def test_only_the_office_may_send_an_upload_bigger_than_a_resident_form_needs():
    """Streamlit's one cap is the office's 200 MB export: a resident's or stranger's 30 MB is refused."""
    web = _upload_client()
    url = "/_stcore/upload_file/s1/f1"
    thirty_mb = b"0" * (30 * 1024 * 1024)
    assert web.put(url, content=b"0" * (4 * 1024 * 1024)).status_code == 204  # a resident's photo
    assert web.put(url, content=thirty_mb).status_code == 413  # nobody signed in
    _sid, ticket = _login("anna.nowak")  # a resident
    web.post("/_ebok/session", content=ticket, headers=ORIGIN)
    assert web.put(url, content=thirty_mb).status_code == 413
    admin_sid = service.authenticate("admin", ADMIN_PASSWORD, None).session_id
    office = _upload_client()
    office.post("/_ebok/session", content=sessions.issue_ticket(admin_sid), headers=ORIGIN)
    response = office.put(url, content=thirty_mb)
    assert response.status_code == 204 and response.headers["x-received"] == str(len(thirty_mb))


# --- one-click unsubscribe (issue 16) ---------------------------------------------------------------


def _unsubscribe_link() -> str:
    """Send Anna (L0001, with consent) one notification and return its unsubscribe path and query."""
    tw.build({"customers": [{"customer_id": "L0001", "name": "Anna", "email": "anna@example.pl"}]})
    notifications.record_consent("L0001", True, "anna")
    occ = notifications.Occurrence("document", "L0001", "D1", "Zawiadomienie")
    assert notifications.deliver([occ]).emails == 1
    [queued] = outbox.pending()
    url = json.loads(queued["headers"])["List-Unsubscribe"].strip("<>")
    return url.removeprefix("http://localhost:8501")


def test_unsubscribe_get_only_asks_post_unsubscribes_once_without_login(web):
    link = _unsubscribe_link()
    page = web.get(link)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and "Wypisz mnie" in page.text and "„nowy dokument”" in page.text
    assert notifications.preferences("L0001").wants("document")
    # The mail provider's one-click POST (RFC 8058): no cookie, no origin.
    done = web.post(link, content="List-Unsubscribe=One-Click")
    assert done.status_code == 200 and "Gotowe" in done.text and "Wypisz mnie" not in done.text
    assert not notifications.preferences("L0001").wants("document")
    again = web.post(link, content="List-Unsubscribe=One-Click")
    assert "już użyty" in again.text
    assert done.headers["cache-control"] == "no-store"


def test_unsubscribe_refuses_a_changed_link(web):
    link = _unsubscribe_link()
    tampered = link[:-1] + ("0" if link[-1] != "0" else "1")
    response = web.post(tampered)
    assert response.status_code == 400 and "nieprawidłowy" in response.text
    assert notifications.preferences("L0001").wants("document")
    assert web.get("/_ebok/unsubscribe").status_code == 400
