"""A local fake of the Przelewy24 and PayU sandboxes, written from their published documentation.

One Starlette app serves both providers' paths, so the demo (run.sh) and the tests pay end to end
without the internet. It checks what e-BOK sends as the real gateway would (Przelewy24: Basic auth
and the SHA-384 `sign`; PayU: OAuth bearer token, merchantPosId, totalAmount = sum of products),
shows a plain Polish "Zapłać / Anuluj" page at the redirect URL, sends signed notifications to
urlStatus / notifyUrl and answers the status APIs. Its failures are switchable (FakeGateway.failures,
or POST /_fake/failures with a JSON list), one per name in FAILURES.
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import html
import itertools
import json
import logging
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx2 as httpx
import uvicorn
import yaml
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ebok.core import clock, config, lifetime, settings

log = logging.getLogger("ebok.fake_gateway")

FAILURES = {
    "timeout": "rejestracja i zapytania o stan odpowiadają dopiero po FakeGateway.delay sekundach",
    "server_error": "rejestracja, weryfikacja i stan odpowiadają 500",
    "bad_signature": "powiadomienia podpisane złym kluczem",
    "replay": "każde powiadomienie o wpłacie wysłane dwa razy",
    "amount_mismatch": "powiadomienie podaje kwotę o 1 grosz większą (poprawnie podpisane)",
    "early_notify": "powiadomienie wysłane, zanim mieszkaniec wróci do portalu",
    "no_notify": "żadnych powiadomień (zostaje tylko API stanu)",
}
DEMO_KEYS = {
    "przelewy24_api_key": "demo-p24-api-key",
    "przelewy24_crc": "demo-p24-crc",
    "payu_client_secret": "demo-payu-client-secret",
    "payu_second_key": "demo-payu-second-key",
}
DEMO_MERCHANT_ID = 100200
DEMO_PAYU_POS = 300746
DEMO_PAYU_CLIENT = "300746"

Notifier = Callable[[str, dict[str, str], bytes], None]


@dataclass(frozen=True)
class Keys:
    """The merchant's credentials the fake expects (the same the portal reads from its secrets file)."""

    merchant_id: int
    pos_id: int
    api_key: str
    crc: str
    payu_pos_id: int
    payu_client_id: str
    payu_client_secret: str
    payu_second_key: str


def p24_sign(values: dict[str, Any]) -> str:
    """SHA-384 of the JSON object as Przelewy24 documents it: keys in the given order, no spaces,
    unicode and slashes unescaped (PHP's JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES)."""
    text = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha384(text.encode("utf-8")).hexdigest()


def _post(url: str, headers: dict[str, str], body: bytes) -> None:
    """Deliver one notification over HTTP, as the gateway does (a failure is only logged)."""
    try:
        httpx.post(url, content=body, headers=headers, timeout=10.0)
    except httpx.HTTPError as exc:
        log.warning("Powiadomienie na %s nie doszło: %s", url, exc)


@dataclass
class Transaction:
    """One payment the fake knows."""

    provider: str  # przelewy24, payu
    session_id: str  # sessionId / extOrderId
    order_id: str  # P24 orderId (digits) / PayU orderId
    amount: int
    currency: str
    description: str
    return_url: str
    notify_url: str
    state: str = "new"  # new, paid, verified, cancelled
    request: dict[str, Any] = field(default_factory=dict)


class FakeGateway:
    """The fake's state: transactions, switchable failures, the notifications it sent."""

    def __init__(self, keys: Keys, notify: Notifier | None = None) -> None:
        self.keys = keys
        self.failures: set[str] = set()
        self.delay = 3.0  # seconds a "timeout" answer waits
        self.notify_delay = 0.3  # a notification follows the resident's return by this much
        self.transactions: dict[str, Transaction] = {}  # by token (P24) or orderId (PayU)
        self.registrations: list[str] = []  # every sessionId / extOrderId registered, in order
        self.sent: list[tuple[str, dict[str, str], bytes]] = []
        self.tokens: set[str] = set()  # PayU OAuth tokens issued
        self.calls: list[str] = []  # every API call received: "POST /api/v1/transaction/register"
        self._notify = notify or _post
        self._lock = threading.Lock()
        self._orders = itertools.count(300_000_001)
        self.app = Starlette(routes=self._routes())

    # --- plumbing -------------------------------------------------------------------------------

    def _routes(self) -> list[Route]:
        """Return both providers' routes and the switches."""
        endpoint = functools.partial(self._endpoint, self.calls)
        return [
            Route("/api/v1/transaction/register", endpoint(self.p24_register), methods=["POST"]),
            Route("/api/v1/transaction/verify", endpoint(self.p24_verify), methods=["PUT"]),
            Route(
                "/api/v1/transaction/by/sessionId/{session_id}", endpoint(self.p24_status), methods=["GET"]
            ),
            Route("/trnRequest/{token}", endpoint(self.pay_page), methods=["GET", "POST"]),
            Route("/pl/standard/user/oauth/authorize", endpoint(self.payu_oauth), methods=["POST"]),
            Route("/api/v2_1/orders", endpoint(self.payu_create), methods=["POST"]),
            Route("/api/v2_1/orders/ext/{ext_id}", endpoint(self.payu_status_ext), methods=["GET"]),
            Route("/api/v2_1/orders/{order_id}", endpoint(self.payu_status), methods=["GET"]),
            Route("/payu/pay/{token}", endpoint(self.pay_page), methods=["GET", "POST"]),
            Route("/_fake/failures", endpoint(self.switch), methods=["GET", "POST"]),
        ]

    @staticmethod
    def _endpoint(
        calls: list[str], handler: Callable[[Request, bytes], Response]
    ) -> Callable[[Request], Awaitable[Response]]:
        """Read the body, then run the (blocking: it may sleep or notify) HANDLER in a worker thread."""

        async def endpoint(request: Request) -> Response:
            body = await request.body()
            calls.append(f"{request.method} {request.url.path}")
            return await run_in_threadpool(handler, request, body)

        return endpoint

    def _fail_now(self) -> Response | None:
        """Apply the timeout / server_error switches to an API call."""
        if "timeout" in self.failures:
            time.sleep(self.delay)
        if "server_error" in self.failures:
            return JSONResponse({"error": "Internal Server Error", "code": 500}, status_code=500)
        return None

    def find(self, session_id: str) -> Transaction | None:
        """Return the transaction of our payment id, if registered."""
        with self._lock:
            return next((t for t in self.transactions.values() if t.session_id == session_id), None)

    def switch(self, request: Request, body: bytes) -> Response:
        """GET: the failures switched on; POST a JSON list: switch exactly those on."""
        if request.method == "POST":
            names = json.loads(body or b"[]")
            unknown = sorted(set(names) - set(FAILURES))
            if unknown:
                return JSONResponse({"unknown": unknown}, status_code=400)
            self.failures = set(names)
        return JSONResponse(sorted(self.failures))

    # --- Przelewy24 -------------------------------------------------------------------------------

    def _p24_auth_ok(self, request: Request) -> bool:
        """Basic auth: posId and the API key."""
        expected = base64.b64encode(f"{self.keys.pos_id}:{self.keys.api_key}".encode()).decode()
        return request.headers.get("authorization", "") == f"Basic {expected}"

    def p24_register(self, request: Request, body: bytes) -> Response:
        """POST /api/v1/transaction/register: check auth, fields and sign; answer a token."""
        failed = self._fail_now()
        if failed is not None:
            return failed
        if not self._p24_auth_ok(request):
            return JSONResponse({"error": "Incorrect authentication", "code": 401}, status_code=401)
        data = json.loads(body)
        required = ("merchantId", "posId", "sessionId", "amount", "currency", "description", "email")
        missing = [k for k in (*required, "country", "language", "urlReturn", "sign") if k not in data]
        if missing or data["merchantId"] != self.keys.merchant_id or data["posId"] != self.keys.pos_id:
            return JSONResponse({"error": f"Invalid input data: {missing or 'merchantId'}", "code": 400}, 400)
        expected = p24_sign(
            {
                "sessionId": data["sessionId"],
                "merchantId": data["merchantId"],
                "amount": data["amount"],
                "currency": data["currency"],
                "crc": self.keys.crc,
            }
        )
        if data["sign"] != expected:
            return JSONResponse({"error": "Incorrect CRC value", "code": 400}, status_code=400)
        if not isinstance(data["amount"], int) or data["amount"] <= 0:
            return JSONResponse({"error": "Invalid amount", "code": 400}, status_code=400)
        if self.find(data["sessionId"]) is not None:
            return JSONResponse({"error": "sessionId already used", "code": 400}, status_code=400)
        token = secrets.token_hex(16).upper()
        with self._lock:
            self.registrations.append(data["sessionId"])
            self.transactions[token] = Transaction(
                "przelewy24",
                data["sessionId"],
                str(next(self._orders)),
                data["amount"],
                data["currency"],
                data["description"],
                data["urlReturn"],
                data.get("urlStatus", ""),
                request=data,
            )
        return JSONResponse({"data": {"token": token}, "responseCode": 0})

    def p24_notification(self, t: Transaction, amount: int | None = None) -> bytes:
        """Return the urlStatus notification body of a paid transaction, signed as documented."""
        crc = "zly-klucz" if "bad_signature" in self.failures else self.keys.crc
        values: dict[str, Any] = {
            "merchantId": self.keys.merchant_id,
            "posId": self.keys.pos_id,
            "sessionId": t.session_id,
            "amount": t.amount if amount is None else amount,
            "originAmount": t.amount,
            "currency": t.currency,
            "orderId": int(t.order_id),
            "methodId": 25,
            "statement": f"p24-{t.order_id[-6:]}/{t.session_id}/opłata",
        }
        values["sign"] = p24_sign({**values, "crc": crc})
        return json.dumps(values, ensure_ascii=False).encode("utf-8")

    def p24_verify(self, request: Request, body: bytes) -> Response:
        """PUT /api/v1/transaction/verify: check the sign and that the paid amount matches."""
        failed = self._fail_now()
        if failed is not None:
            return failed
        if not self._p24_auth_ok(request):
            return JSONResponse({"error": "Incorrect authentication", "code": 401}, status_code=401)
        data = json.loads(body)
        t = self.find(str(data.get("sessionId")))
        expected = p24_sign(
            {
                "sessionId": data.get("sessionId"),
                "orderId": data.get("orderId"),
                "amount": data.get("amount"),
                "currency": data.get("currency"),
                "crc": self.keys.crc,
            }
        )
        if data.get("sign") != expected:
            return JSONResponse({"error": "Incorrect CRC value", "code": 400}, status_code=400)
        if t is None or t.state not in ("paid", "verified") or str(data["orderId"]) != t.order_id:
            return JSONResponse({"error": "Transaction not found", "code": 400}, status_code=400)
        if data["amount"] != t.amount or data["currency"] != t.currency:
            return JSONResponse({"error": "Invalid amount", "code": 400}, status_code=400)
        t.state = "verified"
        return JSONResponse({"data": {"status": "success"}, "responseCode": 0})

    def p24_status(self, request: Request, body: bytes) -> Response:
        """GET /api/v1/transaction/by/sessionId/{sessionId}: 0 none, 1 paid (unverified), 2 verified."""
        failed = self._fail_now()
        if failed is not None:
            return failed
        if not self._p24_auth_ok(request):
            return JSONResponse({"error": "Incorrect authentication", "code": 401}, status_code=401)
        t = self.find(request.path_params["session_id"])
        if t is None:
            return JSONResponse({"error": "Transaction not found", "code": 404}, status_code=404)
        status = {"paid": 1, "verified": 2}.get(t.state, 0)
        return JSONResponse(
            {
                "data": {
                    "statement": f"p24-{t.order_id[-6:]}",
                    "orderId": int(t.order_id),
                    "sessionId": t.session_id,
                    "status": status,
                    "amount": t.amount,
                    "currency": t.currency,
                    "description": t.description,
                },
                "responseCode": 0,
            }
        )

    # --- PayU -------------------------------------------------------------------------------------

    def payu_oauth(self, request: Request, body: bytes) -> Response:
        """POST /pl/standard/user/oauth/authorize (client_credentials)."""
        form = dict(parse_qsl(body.decode("utf-8")))
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_id") != self.keys.payu_client_id
            or form.get("client_secret") != self.keys.payu_client_secret
        ):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        token = secrets.token_hex(16)
        self.tokens.add(token)
        return JSONResponse(
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": 43199,
                "grant_type": "client_credentials",
            }
        )

    def _payu_auth_ok(self, request: Request) -> bool:
        """A bearer token this fake issued."""
        header = request.headers.get("authorization", "")
        return header.startswith("Bearer ") and header[7:] in self.tokens

    def payu_create(self, request: Request, body: bytes) -> Response:
        """POST /api/v2_1/orders: check the order; answer 302 with JSON (redirectUri, orderId)."""
        failed = self._fail_now()
        if failed is not None:
            return failed
        if not self._payu_auth_ok(request):
            return JSONResponse({"status": {"statusCode": "UNAUTHORIZED"}}, status_code=401)
        data = json.loads(body)
        problem = _payu_order_problem(data, self.keys.payu_pos_id)
        if problem:
            return JSONResponse({"status": {"statusCode": "ERROR_VALUE_INVALID", "statusDesc": problem}}, 400)
        if self.find(data["extOrderId"]) is not None:
            return JSONResponse({"status": {"statusCode": "ERROR_ORDER_NOT_UNIQUE"}}, status_code=400)
        order_id = f"{secrets.token_hex(5).upper()}{clock.today():%y%m%d}GUEST000P01"
        with self._lock:
            self.registrations.append(data["extOrderId"])
            self.transactions[order_id] = Transaction(
                "payu",
                data["extOrderId"],
                order_id,
                int(data["totalAmount"]),
                data["currencyCode"],
                data["description"],
                data.get("continueUrl", ""),
                data["notifyUrl"],
                request=data,
            )
        uri = f"{str(request.base_url).rstrip('/')}/payu/pay/{order_id}"
        body = {
            "status": {"statusCode": "SUCCESS"},
            "redirectUri": uri,
            "orderId": order_id,
            "extOrderId": data["extOrderId"],
        }
        return JSONResponse(body, status_code=302, headers={"Location": uri})

    def payu_notification(
        self, t: Transaction, status: str, amount: int | None = None
    ) -> tuple[dict[str, str], bytes]:
        """Return the headers and body of a PayU notification, signed as documented."""
        order = {
            "orderId": t.order_id,
            "extOrderId": t.session_id,
            "orderCreateDate": clock.local_time(clock.now()).isoformat(timespec="milliseconds"),
            "notifyUrl": t.notify_url,
            "customerIp": t.request.get("customerIp", "127.0.0.1"),
            "merchantPosId": str(self.keys.payu_pos_id),
            "description": t.description,
            "currencyCode": t.currency,
            "totalAmount": str(t.amount if amount is None else amount),
            "buyer": t.request.get("buyer", {}),
            "payMethod": {"type": "PBL"},
            "status": status,
            "products": t.request.get("products", []),
        }
        body = json.dumps(
            {"order": order, "properties": [{"name": "PAYMENT_ID", "value": "5000001"}]}
        ).encode()
        key = "zly-klucz" if "bad_signature" in self.failures else self.keys.payu_second_key
        signature = hashlib.md5(body + key.encode()).hexdigest()
        header = f"sender=checkout;signature={signature};algorithm=MD5;content=DOCUMENT"
        return {"Content-Type": "application/json", "OpenPayu-Signature": header}, body

    def _payu_order(self, t: Transaction | None) -> Response:
        """The GET /orders answer for T."""
        if t is None:
            return JSONResponse({"status": {"statusCode": "DATA_NOT_FOUND"}}, status_code=404)
        status = {"paid": "COMPLETED", "verified": "COMPLETED", "cancelled": "CANCELED"}.get(
            t.state, "PENDING"
        )
        order = {
            "orderId": t.order_id,
            "extOrderId": t.session_id,
            "totalAmount": str(t.amount),
            "currencyCode": t.currency,
            "status": status,
        }
        return JSONResponse({"orders": [order], "status": {"statusCode": "SUCCESS"}})

    def payu_status(self, request: Request, body: bytes) -> Response:
        """GET /api/v2_1/orders/{orderId}."""
        failed = self._fail_now()
        if failed is not None:
            return failed
        if not self._payu_auth_ok(request):
            return JSONResponse({"status": {"statusCode": "UNAUTHORIZED"}}, status_code=401)
        with self._lock:
            t = self.transactions.get(request.path_params["order_id"])
        return self._payu_order(t)

    def payu_status_ext(self, request: Request, body: bytes) -> Response:
        """GET /api/v2_1/orders/ext/{extOrderId}."""
        failed = self._fail_now()
        if failed is not None:
            return failed
        if not self._payu_auth_ok(request):
            return JSONResponse({"status": {"statusCode": "UNAUTHORIZED"}}, status_code=401)
        return self._payu_order(self.find(request.path_params["ext_id"]))

    # --- the resident's page and the notifications ---------------------------------------------------

    def pay_page(self, request: Request, body: bytes) -> Response:
        """GET: the "Zapłać / Anuluj" page; POST: pay or cancel, notify, send the resident back."""
        with self._lock:
            t = self.transactions.get(request.path_params["token"])
        if t is None:
            return HTMLResponse("<h1>Nieznana transakcja</h1>", status_code=404)
        if request.method == "GET":
            return HTMLResponse(_page(t))
        action = dict(parse_qsl(body.decode("utf-8"))).get("action")
        if t.state == "new":
            t.state = "paid" if action == "pay" else "cancelled"
            self.deliver(t)
        return RedirectResponse(t.return_url, status_code=303)

    def notifications(self, t: Transaction) -> list[tuple[dict[str, str], bytes]]:
        """Return what the provider sends after the resident's choice (failures applied)."""
        amount = t.amount + 1 if "amount_mismatch" in self.failures else None
        if t.provider == "przelewy24":
            if t.state != "paid":
                return []  # Przelewy24 notifies only a payment made
            sent = [({"Content-Type": "application/json"}, self.p24_notification(t, amount))]
        elif t.state == "paid":
            sent = [self.payu_notification(t, "PENDING"), self.payu_notification(t, "COMPLETED", amount)]
        else:
            sent = [self.payu_notification(t, "CANCELED")]
        if "replay" in self.failures:
            sent.append(sent[-1])
        return sent

    def deliver(self, t: Transaction) -> None:
        """Send T's notifications: now (early_notify), a moment after the redirect, or never (no_notify)."""
        if "no_notify" in self.failures:
            return
        batch = self.notifications(t)

        def send() -> None:
            for headers, body in batch:
                self.sent.append((t.notify_url, headers, body))
                self._notify(t.notify_url, headers, body)

        if "early_notify" in self.failures or self.notify_delay <= 0:
            send()
            return
        timer = threading.Timer(self.notify_delay, send)
        timer.daemon = True
        timer.start()

    def pay(self, session_id: str, action: str = "pay") -> Transaction:
        """What the resident's click does, for tests: pay (or cancel) and notify."""
        t = self.find(session_id)
        assert t is not None, session_id
        if t.state == "new":
            t.state = "paid" if action == "pay" else "cancelled"
            self.deliver(t)
        return t


def _payu_order_problem(data: dict[str, Any], pos_id: int) -> str:
    """Return what PayU would refuse in an order (empty when it is fine)."""
    for key in (
        "notifyUrl",
        "customerIp",
        "merchantPosId",
        "description",
        "currencyCode",
        "totalAmount",
        "extOrderId",
        "products",
    ):
        if not data.get(key):
            return f"brak pola {key}"
    if str(data["merchantPosId"]) != str(pos_id):
        return "merchantPosId"
    if not isinstance(data["totalAmount"], str) or not data["totalAmount"].isdigit():
        return "totalAmount (grosze jako tekst)"
    total = sum(int(p["unitPrice"]) * int(p["quantity"]) for p in data["products"])
    return "" if total == int(data["totalAmount"]) else "suma produktów różna od totalAmount"


def _page(t: Transaction) -> str:
    """The gateway's Polish payment page: who, how much, two buttons."""
    name = "Przelewy24" if t.provider == "przelewy24" else "PayU"
    amount = f"{t.amount // 100:,}".replace(",", " ") + f",{t.amount % 100:02d} {html.escape(t.currency)}"
    return f"""<!doctype html><html lang="pl"><head><meta charset="utf-8">
<title>{name} — bramka testowa</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 3rem auto">
<h1>{name} <small>(bramka testowa e-BOK)</small></h1>
<p>{html.escape(t.description)}</p>
<p>Kwota: <strong id="kwota">{amount}</strong></p>
<form method="post">
<button name="action" value="pay" type="submit">Zapłać</button>
<button name="action" value="cancel" type="submit">Anuluj</button>
</form>
<p><small>To nie jest prawdziwa płatność: żadne pieniądze nie zostaną pobrane.</small></p>
</body></html>"""


# --- command line: the demo's gateway ---------------------------------------------------------------


def installation_keys() -> Keys:
    """Return the credentials this installation's config and secrets file give the portal."""
    cfg = config.load().payments_online
    path = settings.secrets_file()
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None) or {}
    return Keys(
        merchant_id=cfg.merchant_id or DEMO_MERCHANT_ID,
        pos_id=cfg.pos_id or cfg.merchant_id or DEMO_MERCHANT_ID,
        api_key=str(data.get("przelewy24_api_key") or DEMO_KEYS["przelewy24_api_key"]),
        crc=str(data.get("przelewy24_crc") or DEMO_KEYS["przelewy24_crc"]),
        payu_pos_id=cfg.pos_id or DEMO_PAYU_POS,
        payu_client_id=cfg.client_id or DEMO_PAYU_CLIENT,
        payu_client_secret=str(data.get("payu_client_secret") or DEMO_KEYS["payu_client_secret"]),
        payu_second_key=str(data.get("payu_second_key") or DEMO_KEYS["payu_second_key"]),
    )


def setup_demo(gateway_port: int, receiver_url: str, gateway: str = "przelewy24") -> None:
    """Point a DEMO installation at the local fake: demo keys in the secrets file, payments_online on."""
    path = settings.secrets_file()
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None) or {}
    for key, value in DEMO_KEYS.items():
        data.setdefault(key, value)
    tmp = path.with_suffix(".payments.tmp")
    tmp.write_text(yaml.safe_dump(data), encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    cfg = config.load()
    changes = {
        "enabled": True,
        "gateway": gateway,
        "sandbox": True,
        "merchant_id": DEMO_MERCHANT_ID,
        "pos_id": DEMO_MERCHANT_ID if gateway == "przelewy24" else DEMO_PAYU_POS,
        "client_id": DEMO_PAYU_CLIENT,
        "api_url": f"http://127.0.0.1:{gateway_port}",
        "notify_base_url": receiver_url,
    }
    config.save(config.replace_section(cfg, "payments_online", **changes))


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `fake-gateway`."""
    p = subparsers.add_parser(
        "fake-gateway",
        help="Tryb demo i testy: lokalna bramka płatności udająca sandbox Przelewy24 i PayU.",
        description="Uruchamia lokalną bramkę testową (127.0.0.1). Z --setup-demo najpierw kieruje na nią "
        "instalację demo: wpisuje klucze demo do pliku sekretów i włącza payments_online w konfiguracji. "
        "Awarie: " + "; ".join(f"{k} — {v}" for k, v in FAILURES.items()),
    )
    p.add_argument("--port", type=int, default=8590, help="port na 127.0.0.1 (domyślnie 8590)")
    p.add_argument("--setup-demo", action="store_true", help="skieruj instalację demo na tę bramkę")
    p.add_argument("--receiver-url", default="http://127.0.0.1:8591", help="adres odbiornika powiadomień")
    p.add_argument("--gateway", choices=("przelewy24", "payu"), default="przelewy24")
    p.add_argument("--parent-pid", type=int, default=None, help="tryb demo: zakończ razem z aplikacją")
    p.add_argument("--fail", action="append", default=[], choices=sorted(FAILURES), help="włącz awarię")
    p.set_defaults(func=_cli)


def _cli(args: argparse.Namespace) -> int:
    """Run `fake-gateway`."""
    if args.setup_demo:
        if not settings.demo_mode():
            print("--setup-demo działa tylko w instalacji demo (dane z run.sh).")
            return 2
        setup_demo(args.port, args.receiver_url, args.gateway)
    lifetime.end_with_parent(args.parent_pid)
    fake = FakeGateway(installation_keys())
    fake.failures = set(args.fail)
    print(
        f"Bramka testowa na http://127.0.0.1:{args.port} (awarie: {', '.join(sorted(fake.failures)) or 'brak'})."
    )
    uvicorn.run(fake.app, host="127.0.0.1", port=args.port, log_level="warning")
    return 0
