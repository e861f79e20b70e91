"""Starlette app: POST /platnosci/przelewy24 and /platnosci/payu, GET /platnosci/health.

A notification is read whole (at most MAX_BODY bytes), handed to the domain in a worker thread (it
writes the store and may call the gateway's verify) and answered with the status the domain chose:
200 once applied or replayed, 400 when refused, 503 when the gateway's verify failed (the gateway
sends it again). The client address is the peer's, or nginx's X-Real-IP when the peer is local.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ebok.domain import online_payments
from ebok.storage import store

log = logging.getLogger("ebok.receiver")

MAX_BODY = 64 * 1024  # a notification is a few hundred bytes; anything this big is not one
GATEWAYS = ("przelewy24", "payu")
_LOCAL = {"127.0.0.1", "::1", "localhost"}


def client_address(request: Request) -> str | None:
    """Return the sender's address: nginx's X-Real-IP when nginx (a local peer) forwarded it."""
    peer = request.client.host if request.client else None
    if peer in _LOCAL:
        forwarded = (
            request.headers.get("x-real-ip") or request.headers.get("x-forwarded-for", "").split(",")[0]
        )
        return forwarded.strip() or peer
    return peer


async def notification(request: Request) -> Response:
    """Receive one gateway notification and answer what the domain decided."""
    name = request.path_params["gateway"]
    if name not in GATEWAYS:
        return PlainTextResponse("nieznana bramka", status_code=404)
    declared = request.headers.get("content-length", "0")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return PlainTextResponse("za duże", status_code=413)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return PlainTextResponse("za duże", status_code=413)
    result = await run_in_threadpool(
        online_payments.handle_notification, name, dict(request.headers), body, client_address(request)
    )
    return PlainTextResponse(result.body, status_code=result.status_code)


def _store_ok() -> bool:
    """True when the store answers a trivial query."""
    try:
        with store.engine().connect() as con:
            con.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure means "not healthy"; the reason goes to the log
        log.exception("Odbiornik płatności: magazyn danych nie odpowiada")
        return False


async def health(request: Request) -> Response:
    """GET /platnosci/health: 200 when the store answers (monitoring, nginx checks)."""
    ok = await run_in_threadpool(_store_ok)
    return JSONResponse({"status": "ok" if ok else "store_unavailable"}, status_code=200 if ok else 503)


def create_app() -> Starlette:
    """Return the receiver's ASGI app."""
    return Starlette(
        routes=[
            Route("/platnosci/health", health, methods=["GET"]),
            Route("/platnosci/{gateway}", notification, methods=["POST"]),
        ]
    )


app = create_app()
