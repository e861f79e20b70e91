"""The HTTP routes Streamlit cannot offer: set and clear the HttpOnly login cookie, one-click unsubscribe.

`streamlit run app.py` finds `app = st.App(...)` in app.py and serves it with uvicorn: Streamlit's
own routes plus these (Streamlit 1.67's supported way to add routes, st.App). A script run answers
over the WebSocket and cannot send a Set-Cookie header; a plain HTTP response can, so the cookie is
HttpOnly (no script in the page can read it), SameSite=Strict and Secure over HTTPS. docs/auth.md.

/_ebok/unsubscribe is the link in every notification e-mail (and its List-Unsubscribe header). It is a
route, not a Streamlit page: a mail provider's one-click unsubscribe (RFC 8058) is a POST without a
browser, which a Streamlit page cannot receive, and a page would act on GET, which mail scanners
fetch on their own. So GET only shows what the link would do, with a button; POST does it, once.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ebok.auth import sessions, users
from ebok.core import config, i18n, uploads
from ebok.core.i18n import N_, _
from ebok.domain import notifications
from ebok.web import cookie, language

log = logging.getLogger("ebok.asgi")
T = TypeVar("T")

# Seen by the route as given; a ticket is 43 characters (secrets.token_urlsafe(32)).
_MAX_BODY = 200


def _same_origin(request: Request) -> bool:
    """Return True when the browser says the request comes from a page of this very site."""
    origin = request.headers.get("origin")
    host = request.headers.get("host")
    return bool(origin and host and urlsplit(origin).netloc == host)


def _secure(request: Request) -> bool:
    """Secure cookies when the browser reached us over HTTPS (directly or via a trusted proxy)."""
    return request.url.scheme == "https" or config.base_url().startswith("https://")


def _open(ticket: str) -> tuple[str, object] | None:
    """Spend TICKET and return a fresh login cookie value and its expiry, or None."""
    session = sessions.redeem_ticket(ticket)
    if session is None:
        return None
    return cookie.make_cookie_token(session.username, session.session_id)


async def open_session(request: Request) -> Response:
    """POST /_ebok/session with a one-time ticket: answer with the HttpOnly login cookie."""
    if not _same_origin(request):
        return Response(status_code=403)
    body = (await request.body())[:_MAX_BODY].decode("utf-8", errors="replace").strip()
    made = await run_in_threadpool(_open, body)  # the store is synchronous: off the event loop
    if made is None:
        return Response(status_code=409)
    token, expires = made
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        cookie.COOKIE_NAME,
        token,
        expires=expires,  # type: ignore[arg-type]
        path=cookie.base_path(),
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )
    return response


def _close(token: str | None) -> None:
    """End the session TOKEN belongs to (the page's logout has usually ended it already)."""
    session = cookie.session_from_token(token)
    if session is not None:
        sessions.revoke(session.session_id, "logout")


async def close_session(request: Request) -> Response:
    """POST /_ebok/logout: end the cookie's session and clear the cookie."""
    if not _same_origin(request):
        return Response(status_code=403)
    await run_in_threadpool(_close, request.cookies.get(cookie.COOKIE_NAME))
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(
        cookie.COOKIE_NAME, path=cookie.base_path(), secure=_secure(request), httponly=True, samesite="strict"
    )
    return response


# msgids, translated in the language of the browser's `ebok_lang` cookie (the page runs outside Streamlit).
_UNSUBSCRIBE_TEXTS = {
    "ok": N_("Czy na pewno nie chcesz otrzymywać e-maili: {label}?"),
    "done": N_(
        "Gotowe: nie będziesz już otrzymywać e-maili: {label}. Możesz to zmienić w e-BOK "
        "(Ustawienia → Powiadomienia)."
    ),
    "used": N_(
        "Ten link został już użyty. Ustawienia powiadomień zmienisz w e-BOK (Ustawienia → Powiadomienia)."
    ),
    "invalid": N_(
        "Link jest nieprawidłowy albo niepełny. Skopiuj cały link z e-maila albo zmień ustawienia "
        "w e-BOK (Ustawienia → Powiadomienia)."
    ),
}


def request_language(request: Request) -> str:
    """Return the language of a request outside a Streamlit run: its `ebok_lang` cookie, else Polish."""
    return i18n.normalize(request.cookies.get(language.COOKIE))


def _in_language(lang: str, func: Callable[..., T], *args: object) -> T:
    """Run FUNC(*ARGS) with LANG as the language (in the threadpool: texts it builds come in LANG)."""
    with i18n.use(lang):
        return func(*args)


def _unsubscribe_page(state: notifications.Unsubscribe, token: str, lang: str = i18n.DEFAULT) -> HTMLResponse:
    """Return the small page of an unsubscribe link in STATE, in LANG (the button only while it may be used)."""
    with i18n.use(lang) as code:
        return _unsubscribe_html(state, token, code)


def _unsubscribe_html(state: notifications.Unsubscribe, token: str, lang: str) -> HTMLResponse:
    """Return the unsubscribe page in the run's language LANG (see _unsubscribe_page)."""
    label = html.escape(state.event_label.lower())
    quoted = _("„{label}”").format(label=label)
    text = html.escape(_(_UNSUBSCRIBE_TEXTS[state.state]), quote=False).format(label=quoted)
    e = html.escape
    # Texts outside the f-strings: the catalog extractor does not look inside them.
    unsubscribe_label, title = e(_("Wypisz mnie")), e(_("e-BOK: rezygnacja z powiadomień"))
    heading, back = e(_("Rezygnacja z powiadomień e-mail")), e(_("Przejdź do e-BOK"))
    button = ""
    if state.state == "ok":
        button = (
            f'<form method="post" action="?t={html.escape(token, quote=True)}">'
            '<button type="submit" name="List-Unsubscribe" value="One-Click">'
            f"{unsubscribe_label}</button></form>"
        )
    portal = html.escape(config.base_url(), quote=True)
    body = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        '<body style="font-family: Arial, sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em;">'
        f"<h1>{heading}</h1><p>{text}</p>{button}"
        f'<p><a href="{portal}">{back}</a></p></body></html>'
    )
    status = 400 if state.state == "invalid" else 200
    return HTMLResponse(
        body, status_code=status, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    )


async def unsubscribe(request: Request) -> Response:
    """GET /_ebok/unsubscribe?t=…: what the link would do; POST: do it (one click, no login, once)."""
    token = request.query_params.get("t", "")[:_MAX_BODY]
    lang = request_language(request)
    action = notifications.unsubscribe if request.method == "POST" else notifications.peek_unsubscribe
    # The event's name is translated where the state is built: in the threadpool, so in LANG there.
    state = await run_in_threadpool(_in_language, lang, action, token)
    return _unsubscribe_page(state, token, lang)


def routes() -> list[BaseRoute]:
    """Return our routes under Streamlit's base path."""
    return [
        Route(cookie.route_path("session"), open_session, methods=["POST"]),
        Route(cookie.route_path("logout"), close_session, methods=["POST"]),
        Route(cookie.route_path("unsubscribe"), unsubscribe, methods=["GET", "POST"]),
    ]


def _may_send_exports(token: str | None) -> bool:
    """Return True when the login cookie belongs to a live office session (the export upload)."""
    session = cookie.session_from_token(token)
    record = users.get(session.username) if session else None
    return bool(record and record.active and "admin" in record.roles)


class UploadCap:
    """Refuse an upload bigger than its sender may send, before Streamlit reads it into memory.

    Streamlit enforces one cap for every uploader (server.maxUploadSize = the office's 200 MB
    export); each uploader's own limit is checked only in the browser. So a hand-made request from
    anyone could put 200 MB into the server's memory, again and again. Only a live office session
    (its HttpOnly cookie) may send that much; everyone else gets uploads.PUBLIC_RECEIVE_MAX_MB.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass everything on, except an upload over its sender's cap (413) or of unknown size (411)."""
        if (
            scope["type"] != "http"
            or "/_stcore/upload_file/" not in scope["path"]
            or scope["method"] != "PUT"
        ):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length", "")
        if not length.isdigit():  # the frontend always sends one; a stream of unknown size is refused
            await PlainTextResponse("Length Required", status_code=411)(scope, receive, send)
            return
        limit = uploads.PUBLIC_RECEIVE_MAX_MB * uploads.MB
        if int(length) > limit:
            token = Request(scope).cookies.get(cookie.COOKIE_NAME)
            if await run_in_threadpool(_may_send_exports, token):
                limit = uploads.RECEIVE_MAX_MB * uploads.MB + uploads.MB  # + the multipart envelope
        if int(length) > limit:
            log.warning("Odrzucono przesyłany plik: %s bajtów, limit dla nadawcy %s", length, limit)
            await PlainTextResponse("File too large", status_code=413)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def middleware() -> list[Middleware]:
    """Return our middleware, run before Streamlit's own."""
    return [Middleware(UploadCap)]
