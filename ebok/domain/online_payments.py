"""Online payments: a resident pays through Przelewy24 or PayU; the office hands them to accounting.

A payment is stored first (status "new"), then registered once with the gateway under our payment
id (its sessionId / extOrderId), so a retry never opens a second payment for the same id. Only a
notification whose signature, amount and currency match our record (and, for Przelewy24, which
the gateway's verify call accepted) confirms it; every notification is logged in
online_payment_events: accepted, replayed (changes nothing) or refused (and audited). Confirmation
is a conditional UPDATE ... WHERE status IN (...): two copies of one notification at once confirm
it once. A payment without a notification is checked against the gateway's status API and then
expires. Confirmed payments show as "wpłata w trakcie księgowania" until a load books them
(ledger.payment_ref or the id in the ledger description), and are exported to accounting once.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import logging
import re
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, bindparam, func, insert, or_, select, update

from ebok.core import clock, config, fmt, settings
from ebok.core.errors import FormError
from ebok.core.i18n import N_, _
from ebok.domain import finance, gateways, notifications
from ebok.domain.gateways.base import (
    Gateway,
    GatewayError,
    Notification,
    PaymentRequest,
    RemoteStatus,
    SignatureError,
)
from ebok.storage import audit, store, warehouse
from ebok.storage.tables import online_payment_events as E
from ebok.storage.tables import online_payments as T

log = logging.getLogger("ebok.payments")

STATUS_LABELS: dict[str, str] = {
    "new": N_("czeka na potwierdzenie"),
    "pending": N_("czeka na potwierdzenie"),
    "confirmed": N_("opłacona"),
    "failed": N_("nieudana"),
    "cancelled": N_("anulowana"),
    "expired": N_("wygasła"),
}
OPEN = ("new", "pending")
# A payment the gateway confirms is money received: it wins over what we concluded locally.
CONFIRMABLE = ("new", "pending", "expired", "failed", "cancelled")
CURRENCY = "PLN"
PAYMENT_ID_RE = re.compile(r"EB[0-9A-Z]{14}")
TITLE_PREFIX = "e-BOK "
GRACE = dt.timedelta(minutes=10)  # after the gateway's time limit, before we ask and expire
EXPORT_COLUMNS = (
    "payment_id",
    "premises_id",
    "amount",
    "currency",
    "confirmed_at",
    "gateway",
    "gateway_ref",
    "title",
    "invoices",
)
UNAVAILABLE = N_(
    "Bramka płatności jest chwilowo niedostępna. Nic nie zostało pobrane; spróbuj ponownie za kilka minut."
)


class GatewayUnavailable(Exception):
    """The gateway cannot take a payment now; str(exc) is the Polish message for the resident."""


@dataclass(frozen=True)
class OnlinePayment:
    """One online payment as stored."""

    payment_id: str
    premises_id: str
    username: str
    gateway: str
    amount_grosze: int
    currency: str
    invoices: tuple[str, ...]
    status: str
    gateway_ref: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    confirmed_at: dt.datetime | None
    problem: str | None
    exported_batch: str | None
    booked_load: str | None

    @property
    def amount(self) -> Decimal:
        """Return the amount in złoty."""
        return Decimal(self.amount_grosze) / 100

    @property
    def is_pending_booking(self) -> bool:
        """True while confirmed but not yet booked by a load ("wpłata w trakcie księgowania")."""
        return self.status == "confirmed" and self.booked_load is None

    @property
    def label(self) -> str:
        """Return the status in the language of this run."""
        return _(STATUS_LABELS.get(self.status, self.status))

    @property
    def title(self) -> str:
        """Return the transfer title that carries our id to the accounting system."""
        return TITLE_PREFIX + self.payment_id


@dataclass(frozen=True)
class NotificationResult:
    """What the receiver answers a gateway: HTTP status and what we made of the notification."""

    status_code: int
    outcome: str  # accepted, replayed, refused, retry
    payment_id: str | None = None
    reason: str | None = None

    @property
    def body(self) -> str:
        """Return the response text (Przelewy24 and PayU only look at the status code)."""
        return "OK" if self.status_code == 200 else (self.reason or self.outcome)


@dataclass(frozen=True)
class ExportBatch:
    """One hand-off batch: confirmed payments exported together, and its CSV."""

    batch_id: str
    exported_at: dt.datetime
    rows: int
    total_grosze: int
    content: bytes

    @property
    def filename(self) -> str:
        """Return the suggested file name."""
        return f"platnosci-online-{self.batch_id}.csv"


@dataclass(frozen=True)
class BatchInfo:
    """A batch in the list of earlier batches."""

    batch_id: str
    exported_at: dt.datetime
    rows: int
    total_grosze: int


# --- configuration and gateway ------------------------------------------------------------------


def _settings() -> config.PaymentsOnline:
    """Return the payments_online section of the office's config."""
    return config.load().payments_online


def _secrets() -> dict[str, Any]:
    """Return the secrets file's keys (data/secrets.yaml, never committed); {} when absent."""
    path = settings.secrets_file()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, yaml.YAMLError):
        log.exception("Nie można odczytać pliku sekretów %s", path)
        return {}
    return data if isinstance(data, dict) else {}


def gateway(name: str | None = None) -> Gateway:
    """Return the adapter for NAME (default: the configured one); raise GatewayError if not set up."""
    cfg = _settings()
    return gateways.build(name or cfg.gateway, cfg, _secrets())


def enabled() -> bool:
    """True when online payments are switched on and the gateway's keys are in the secrets file."""
    cfg = _settings()
    if not cfg.enabled:
        return False
    keys = _secrets()
    return all(str(keys.get(key) or "") for key in gateways.SECRET_KEYS[cfg.gateway])


def limits() -> tuple[int, int]:
    """Return the (smallest, largest) amount a resident may pay, in grosze."""
    cfg = _settings()
    return cfg.min_amount * 100, cfg.max_amount * 100


def notify_url(name: str) -> str:
    """Return the public URL the gateway NAME sends notifications to (the receiver behind nginx)."""
    base = _settings().notify_base_url or config.base_url()
    return f"{base.rstrip('/')}/platnosci/{name}"


def new_payment_id(now: dt.datetime | None = None) -> str:
    """Return a fresh id: EB, the date (yymmdd) and 8 random hex digits, e.g. EB26120312AB34CD."""
    return f"EB{(now or clock.now()):%y%m%d}{secrets.token_hex(4).upper()}"


def return_url_for(template: str, payment_id: str) -> str:
    """Return the resident's return URL: {payment_id} in TEMPLATE replaced, else ?platnosc=<id> added."""
    if "{payment_id}" in template:
        return template.replace("{payment_id}", payment_id)
    return f"{template}{'&' if '?' in template else '?'}platnosc={payment_id}"


# --- reading -----------------------------------------------------------------------------------


def _payment(row: Mapping[str, Any]) -> OnlinePayment:
    """Return the dataclass of a stored row."""
    return OnlinePayment(
        payment_id=row["payment_id"],
        premises_id=row["premises_id"],
        username=row["username"],
        gateway=row["gateway"],
        amount_grosze=int(row["amount_grosze"]),
        currency=row["currency"],
        invoices=tuple(json.loads(row["invoices"] or "[]")),
        status=row["status"],
        gateway_ref=row["gateway_ref"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        confirmed_at=row["confirmed_at"],
        problem=row["problem"],
        exported_batch=row["exported_batch"],
        booked_load=row["booked_load"],
    )


def _load(payment_id: str, con: Connection | None = None) -> OnlinePayment | None:
    """Return the payment PAYMENT_ID of any premises."""
    query = select(T).where(T.c.payment_id == payment_id)
    if con is not None:
        row = con.execute(query).mappings().first()
    else:
        with store.engine().connect() as own:
            row = own.execute(query).mappings().first()
    return _payment(row) if row is not None else None


def get(payment_id: str, premises_id: str) -> OnlinePayment | None:
    """Return the payment if it belongs to PREMISES_ID (the guard checked the resident may see it)."""
    found = _load(payment_id)
    return found if found is not None and found.premises_id == premises_id else None


# Built once: the resident pages run it on every rerun, and building it again (and walking its cache
# key) cost more than the query itself (docs/benchmarks.md "Load").
_UNBOOKED = (
    select(T)
    .where(T.c.premises_id == bindparam("premises_id"), T.c.status == "confirmed", T.c.booked_load.is_(None))
    .order_by(T.c.confirmed_at, T.c.payment_id)
)


def unbooked_confirmed(premises_id: str) -> list[OnlinePayment]:
    """Return the premises' confirmed payments no load has booked yet, oldest first."""
    with store.engine().connect() as con:
        return [_payment(r) for r in con.execute(_UNBOOKED, {"premises_id": premises_id}).mappings()]


def unbooked_total_grosze(premises_id: str) -> int:
    """Return the sum of unbooked_confirmed(PREMISES_ID), in grosze."""
    return sum(p.amount_grosze for p in unbooked_confirmed(premises_id))


def search(
    status: str | Iterable[str] | None = None,
    premises_id: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    problems_only: bool = False,
    limit: int = 5000,
) -> list[OnlinePayment]:
    """Return payments for the office, newest first; dates are days of created_at (UTC), inclusive."""
    query = select(T).order_by(T.c.created_at.desc(), T.c.payment_id.desc()).limit(limit)
    if status:
        query = query.where(T.c.status.in_([status] if isinstance(status, str) else list(status)))
    if premises_id:
        query = query.where(T.c.premises_id == premises_id)
    if date_from:
        query = query.where(T.c.created_at >= dt.datetime.combine(date_from, dt.time()))
    if date_to:
        query = query.where(T.c.created_at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()))
    if problems_only:
        query = query.where(or_(T.c.problem.is_not(None), T.c.status == "failed"))
    with store.engine().connect() as con:
        return [_payment(r) for r in con.execute(query).mappings()]


def events(payment_id: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Return the notification log, newest first (detail decoded), optionally of one payment."""
    query = select(E).order_by(E.c.id.desc()).limit(limit)
    if payment_id:
        query = query.where(E.c.payment_id == payment_id)
    with store.engine().connect() as con:
        rows = [dict(r) for r in con.execute(query).mappings()]
    for row in rows:
        row["detail"] = json.loads(row["detail"]) if row["detail"] else {}
    return rows


# --- writing -----------------------------------------------------------------------------------


def _event(
    con: Connection, payment_id: str | None, kind: str, remote_addr: str | None = None, **detail: Any
) -> None:
    """Append one line to the notification log on CON's transaction."""
    con.execute(
        insert(E).values(
            payment_id=payment_id,
            at=clock.now(),
            kind=kind[:24],
            detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True) if detail else None,
            remote_addr=(remote_addr or None) and str(remote_addr)[:64],
        )
    )


def _set(con: Connection, payment_id: str, allowed: Iterable[str], **values: Any) -> bool:
    """UPDATE the payment WHERE its status is still one of ALLOWED; True if this call changed it."""
    stmt = (
        update(T)
        .where(T.c.payment_id == payment_id, T.c.status.in_(list(allowed)))
        .values(updated_at=clock.now(), **values)
    )
    return con.execute(stmt).rowcount == 1


def _check_amount(amount_grosze: Any) -> int:
    """Return the amount if it is whole grosze within the office's limits; raise FormError."""
    low, high = limits()
    if not isinstance(amount_grosze, int) or isinstance(amount_grosze, bool):
        raise FormError.one(_("Kwota"), _("kwota musi być podana w pełnych groszach"))
    if not low <= amount_grosze <= high:
        raise FormError.one(
            _("Kwota"),
            _("kwota płatności online musi wynosić od {low} do {high}").format(
                low=fmt.money(Decimal(low) / 100), high=fmt.money(Decimal(high) / 100)
            ),
        )
    return amount_grosze


def start(
    premises_id: str,
    username: str,
    amount_grosze: int,
    invoices: Iterable[str],
    email: str,
    customer_ip: str,
    return_url: str,
) -> tuple[OnlinePayment, str]:
    """Store a new payment, register it once with the gateway and return it with the redirect URL.

    Raises FormError for a refused amount or a missing e-mail, GatewayUnavailable when the gateway
    cannot take it. A timeout leaves the payment "new" (the status check later settles it); nobody
    was sent to pay it, so a second attempt, under a new id, can never pay twice.
    """
    if not enabled():
        raise FormError.one(_("Płatność online"), _("płatności online są wyłączone"))
    amount = _check_amount(amount_grosze)
    if not (email or "").strip():
        raise FormError.one(_("E-mail"), _("podaj adres e-mail, na który bramka wyśle potwierdzenie"))
    cfg = _settings()
    try:
        gw = gateway(cfg.gateway)
    except GatewayError as exc:
        log.error("Bramka płatności nie jest skonfigurowana: %s", exc)
        raise GatewayUnavailable(_(UNAVAILABLE)) from exc
    now = clock.now()
    payment_id = new_payment_id(now)
    numbers = [str(n) for n in invoices]
    with store.engine().begin() as con:
        con.execute(
            insert(T).values(
                payment_id=payment_id,
                premises_id=premises_id,
                username=username,
                gateway=cfg.gateway,
                amount_grosze=amount,
                currency=CURRENCY,
                invoices=json.dumps(numbers, ensure_ascii=False),
                status="new",
                created_at=now,
                updated_at=now,
            )
        )
    request = PaymentRequest(
        payment_id=payment_id,
        amount_grosze=amount,
        currency=CURRENCY,
        description=f"{TITLE_PREFIX}{payment_id}, lokal {premises_id}",
        email=email.strip(),
        customer_ip=customer_ip or "127.0.0.1",
        return_url=return_url_for(return_url, payment_id),
        notify_url=notify_url(cfg.gateway),
        expiry_minutes=cfg.expiry_minutes,
        product=f"Opłaty za lokal {premises_id}",
    )
    return _register(gw, request, premises_id, username)


def _register(
    gw: Gateway, request: PaymentRequest, premises_id: str, username: str
) -> tuple[OnlinePayment, str]:
    """Register REQUEST (never retried); record the outcome; return the payment and its redirect."""
    pid = request.payment_id
    try:
        reg = gw.register(request)
    except GatewayError as exc:
        with store.engine().begin() as con:
            # A definite refusal fails the payment; after a timeout it may exist at the gateway:
            # it stays "new" until the status check settles it.
            values: dict[str, Any] = {"problem": f"rejestracja: {exc}"[:500]}
            if not exc.transient:
                values["status"] = "failed"
            _set(con, pid, ("new",), **values)
            _event(
                con, pid, "register_failed", gateway=gw.name, reason=str(exc)[:300], transient=exc.transient
            )
        audit.record("online_payment_failed", username, premises_id, payment=pid, reason=str(exc)[:200])
        raise GatewayUnavailable(_(UNAVAILABLE)) from exc
    with store.engine().begin() as con:
        _set(con, pid, ("new",), status="pending", gateway_ref=reg.gateway_ref, redirect_url=reg.redirect_url)
        _event(con, pid, "registered", gateway=gw.name, gateway_ref=reg.gateway_ref)
        payment = _load(pid, con)
    audit.record(
        "online_payment_started", username, premises_id, payment=pid, amount_grosze=request.amount_grosze
    )
    assert payment is not None
    return payment, reg.redirect_url


# --- notifications ---------------------------------------------------------------------------------


def _refuse(
    name: str, reason: str, remote_addr: str | None, payment: OnlinePayment | None = None, **detail: Any
) -> NotificationResult:
    """Log and audit a refused notification; a mismatch on a known open payment is marked on it."""
    pid = payment.payment_id if payment else None
    with store.engine().begin() as con:
        _event(con, pid, "refused", remote_addr, gateway=name, reason=reason, **detail)
        if payment is not None and reason in ("amount_mismatch", "currency_mismatch"):
            _set(con, payment.payment_id, OPEN, problem=f"powiadomienie odrzucone: {_REASONS[reason]}")
    audit.record(
        "online_payment_refused",
        None,
        payment.premises_id if payment else None,
        remote_addr,
        gateway=name,
        reason=reason,
        payment=pid or detail.get("claimed_payment"),
    )
    log.warning("Odrzucone powiadomienie %s (%s) z %s: %s", name, reason, remote_addr, detail)
    return NotificationResult(400, "refused", pid, reason)


_REASONS = {
    "amount_mismatch": "kwota niezgodna z płatnością",
    "currency_mismatch": "waluta niezgodna z płatnością",
}


def handle_notification(
    name: str, headers: Mapping[str, str], body: bytes, remote_addr: str | None
) -> NotificationResult:
    """Verify one notification from gateway NAME and apply it once; every outcome is logged."""
    try:
        gw = gateway(name) if name == _settings().gateway else None
    except GatewayError as exc:
        log.error("Powiadomienie %s, ale bramka nie jest skonfigurowana: %s", name, exc)
        gw = None
    if gw is None:
        return _refuse(name, "gateway_not_configured", remote_addr)
    try:
        note = gw.parse_notification(headers, body)
    except SignatureError as exc:
        return _refuse(name, "bad_signature", remote_addr, why=str(exc))
    payment = _load(note.payment_id)
    if payment is None or payment.gateway != name:
        return _refuse(name, "unknown_session", remote_addr, claimed_payment=note.payment_id[:40])
    if note.currency != payment.currency:
        return _refuse(name, "currency_mismatch", remote_addr, payment, got=note.currency[:8])
    if note.amount_grosze != payment.amount_grosze:
        return _refuse(
            name,
            "amount_mismatch",
            remote_addr,
            payment,
            got=note.amount_grosze,
            expected=payment.amount_grosze,
        )
    return _apply(gw, payment, note, remote_addr)


def _apply(
    gw: Gateway, payment: OnlinePayment, note: Notification, remote_addr: str | None
) -> NotificationResult:
    """Apply a verified notification: confirm (after the gateway's verify), cancel or note progress."""
    pid = payment.payment_id
    if note.state == "paid":
        if payment.status == "confirmed":
            return _replayed(payment, note, remote_addr)
        try:
            gw.confirm(note)
        except GatewayError as exc:
            with store.engine().begin() as con:
                _event(con, pid, "verify_failed", remote_addr, gateway=gw.name, reason=str(exc)[:300])
            # Not 200: the gateway sends the notification again later.
            return NotificationResult(503, "retry", pid, "verify_failed")
        return _confirm(payment, note.gateway_ref, remote_addr, "notification", dict(note.detail))
    if note.state in ("cancelled", "failed"):
        with store.engine().begin() as con:
            changed = _set(
                con, pid, OPEN, status=note.state, gateway_ref=note.gateway_ref or payment.gateway_ref
            )
            _event(
                con, pid, "accepted" if changed else "replayed", remote_addr, state=note.state, **note.detail
            )
        if changed:
            _announce(payment, ok=False, reason=STATUS_LABELS.get(note.state, note.state))
        return NotificationResult(200, "accepted" if changed else "replayed", pid)
    with store.engine().begin() as con:
        changed = _set(
            con, pid, ("new",), status="pending", gateway_ref=note.gateway_ref or payment.gateway_ref
        )
        _event(con, pid, "progress" if changed else "replayed", remote_addr, state=note.state, **note.detail)
    return NotificationResult(200, "accepted" if changed else "replayed", pid)


def _replayed(payment: OnlinePayment, note: Notification, remote_addr: str | None) -> NotificationResult:
    """Log a notification for a payment already confirmed: it changes nothing."""
    with store.engine().begin() as con:
        _event(con, payment.payment_id, "replayed", remote_addr, state=note.state, **note.detail)
    return NotificationResult(200, "replayed", payment.payment_id)


def _confirm(
    payment: OnlinePayment,
    gateway_ref: str | None,
    remote_addr: str | None,
    source: str,
    detail: dict[str, Any],
) -> NotificationResult:
    """Mark the payment confirmed unless another delivery already did (the conditional UPDATE decides)."""
    pid = payment.payment_id
    now = clock.now()
    with store.engine().begin() as con:
        changed = _set(
            con,
            pid,
            CONFIRMABLE,
            status="confirmed",
            confirmed_at=now,
            gateway_ref=gateway_ref or payment.gateway_ref,
            problem=None,
        )
        _event(con, pid, "accepted" if changed else "replayed", remote_addr, source=source, **detail)
        if changed:
            audit.record(
                "online_payment_confirmed",
                payment.username,
                payment.premises_id,
                remote_addr,
                con=con,
                payment=pid,
                amount_grosze=payment.amount_grosze,
                source=source,
            )
    if changed:
        _announce(payment, ok=True)
    return NotificationResult(200, "accepted" if changed else "replayed", pid)


def _announce(payment: OnlinePayment, ok: bool, reason: str = "") -> None:
    """Tell the resident the bank's answer by e-mail (their notification settings decide); never fails the caller."""
    try:
        info = finance.premises_info(payment.premises_id, clock.local_now().date())
        if info is not None:
            # Written in the resident's language, whoever's request (or the gateway's) got here.
            with notifications.in_language_of(info.customer_id) as lang:
                notifications.payment_result(
                    info.customer_id,
                    payment.premises_id,
                    payment.payment_id,
                    ok,
                    fmt.money(payment.amount),
                    _(reason) if reason else "",
                    lang=lang,
                )
    except Exception:  # a mail problem must not undo what the gateway confirmed; the outbox page shows it
        log.exception("Nie udało się zapowiedzieć e-maila o płatności %s", payment.payment_id)


# --- status checks and expiry ------------------------------------------------------------------------


def _check(payment: OnlinePayment, expire: bool) -> str:
    """Ask the gateway about an open payment; confirm, cancel or (EXPIRE) expire it. Return what happened."""
    pid = payment.payment_id
    try:
        gw = gateway(payment.gateway)
        remote = gw.status(pid, payment.gateway_ref)
    except GatewayError as exc:
        with store.engine().begin() as con:
            _set(con, pid, (payment.status,), last_checked_at=clock.now())
            _event(con, pid, "status_failed", reason=str(exc)[:300])
        return "unreachable"
    with store.engine().begin() as con:
        _set(con, pid, (payment.status,), last_checked_at=clock.now())
        _event(con, pid, "status_checked", state=remote.state, gateway_ref=remote.gateway_ref)
    if remote.state == "paid":
        return _settle_paid(gw, payment, remote)
    if remote.state in ("cancelled", "failed"):
        with store.engine().begin() as con:
            changed = _set(con, pid, OPEN, status=remote.state)
        return remote.state if changed else "unchanged"
    if expire:
        with store.engine().begin() as con:
            changed = _set(con, pid, OPEN, status="expired", problem=None)
            if changed:
                _event(con, pid, "expired", state=remote.state)
        return "expired" if changed else "unchanged"
    return "pending"


def _settle_paid(gw: Gateway, payment: OnlinePayment, remote: RemoteStatus) -> str:
    """The status API says paid: check amount and currency, verify with the gateway, confirm."""
    pid = payment.payment_id
    amount = remote.amount_grosze if remote.amount_grosze is not None else payment.amount_grosze
    currency = remote.currency or payment.currency
    if amount != payment.amount_grosze or currency != payment.currency:
        _refuse(payment.gateway, "amount_mismatch", None, payment, got=amount, source="status")
        return "mismatch"
    note = Notification(pid, remote.gateway_ref or payment.gateway_ref, amount, currency, "paid")
    if remote.needs_confirm:
        try:
            gw.confirm(note)
        except GatewayError as exc:
            with store.engine().begin() as con:
                _event(con, pid, "verify_failed", reason=str(exc)[:300], source="status")
            return "unreachable"
    result = _confirm(payment, note.gateway_ref, None, "status", {})
    return "confirmed" if result.outcome == "accepted" else "unchanged"


def refresh(payment_id: str, premises_id: str) -> OnlinePayment | None:
    """Return the premises' payment, first asking the gateway if it still waits for confirmation."""
    payment = get(payment_id, premises_id)
    if payment is not None and payment.status in OPEN:
        _check(payment, expire=False)
        payment = get(payment_id, premises_id)
    return payment


def expire_stale(now: dt.datetime | None = None) -> int:
    """Check every open payment past its time limit with the gateway, then expire it; return how many expired."""
    now = now or clock.now()
    cutoff = now - dt.timedelta(minutes=_settings().expiry_minutes) - GRACE
    query = select(T).where(T.c.status.in_(OPEN), T.c.created_at < cutoff).order_by(T.c.created_at)
    with store.engine().connect() as con:
        stale = [_payment(r) for r in con.execute(query).mappings()]
    outcomes = [_check(p, expire=True) for p in stale]
    return outcomes.count("expired")


# --- booking by a load ----------------------------------------------------------------------------


def mark_booked(load_id: str, payment_ids: Iterable[str]) -> int:
    """Mark the payments a load's ledger booked (no longer shown as pending); return how many changed."""
    ids = sorted({p for p in payment_ids if PAYMENT_ID_RE.fullmatch(p or "")})
    changed = 0
    now = clock.now()
    with store.engine().begin() as con:
        for start_at in range(0, len(ids), 500):
            chunk = ids[start_at : start_at + 500]
            stmt = (
                update(T)
                .where(T.c.payment_id.in_(chunk), T.c.booked_load.is_(None))
                .values(booked_load=load_id, booked_at=now, updated_at=now)
            )
            changed += con.execute(stmt).rowcount
    if changed:
        audit.record("online_payments_booked", "loader", load_id=load_id, payments=changed)
    return changed


def _unbooked_ids() -> set[str]:
    """Return the ids of payments no load has booked yet (what a new ledger may book)."""
    with store.engine().connect() as con:
        return set(con.execute(select(T.c.payment_id).where(T.c.booked_load.is_(None))).scalars())


def booked_refs(warehouse_file: Path) -> set[str]:
    """Return the payment ids a warehouse's ledger payments name: payment_ref, or an id in the description."""
    refs: set[str] = set()
    with warehouse.cursor(warehouse_file) as cur:
        rows = cur.execute(
            "SELECT payment_ref, description FROM ledger WHERE kind = 'payment' "
            "AND (payment_ref IS NOT NULL OR regexp_matches(description, 'EB[0-9A-Z]{14}'))"
        ).fetchall()
    for ref, description in rows:
        if ref:
            refs.add(str(ref).strip().upper())
        refs.update(PAYMENT_ID_RE.findall(description or ""))
    return refs


def book_load(load_id: str, warehouse_file: Path) -> int:
    """After a publish: mark what the new warehouse's ledger booked; never fails the published load."""
    try:
        waiting = _unbooked_ids()
        # Most loads find nothing to book: the ledger is read only while a payment waits for it.
        return mark_booked(load_id, booked_refs(warehouse_file) & waiting) if waiting else 0
    except Exception:  # the next load books them again: each export carries the whole ledger
        log.exception("Nie udało się oznaczyć zaksięgowanych płatności online po imporcie %s", load_id)
        return 0


# --- hand-off to accounting ---------------------------------------------------------------------------


def _export_rows(payments: list[OnlinePayment]) -> bytes:
    """Return the batch CSV (UTF-8, ';', decimal comma, Polish local time) of PAYMENTS."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for p in payments:
        confirmed = clock.local_time(p.confirmed_at).strftime("%Y-%m-%d %H:%M:%S") if p.confirmed_at else ""
        writer.writerow(
            [
                p.payment_id,
                p.premises_id,
                format(p.amount.quantize(Decimal("0.01")), "f").replace(".", ","),
                p.currency,
                confirmed,
                p.gateway,
                p.gateway_ref or "",
                p.title,
                ",".join(p.invoices),
            ]
        )
    return buf.getvalue().encode("utf-8")


def _batch_payments(con: Connection, batch_id: str) -> list[OnlinePayment]:
    """Return a batch's payments in the file's order (confirmation time, then id)."""
    query = select(T).where(T.c.exported_batch == batch_id).order_by(T.c.confirmed_at, T.c.payment_id)
    return [_payment(r) for r in con.execute(query).mappings()]


def export_batch(actor: str, now: dt.datetime | None = None) -> ExportBatch | None:
    """Put every confirmed, not yet exported payment into a new batch (exactly once); None if none."""
    now = now or clock.now()
    batch_id = f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6].upper()}"
    with store.engine().begin() as con:
        # The UPDATE claims the rows: a concurrent export finds them taken (exported_batch set).
        con.execute(
            update(T)
            .where(T.c.status == "confirmed", T.c.exported_batch.is_(None))
            .values(exported_batch=batch_id, exported_at=now)
        )
        payments = _batch_payments(con, batch_id)
    if not payments:
        return None
    total = sum(p.amount_grosze for p in payments)
    audit.record(
        "online_payments_exported",
        actor,
        at=now,
        batch=batch_id,
        rows=len(payments),
        total_grosze=total,
        payments=[p.payment_id for p in payments],
    )
    return ExportBatch(batch_id, now, len(payments), total, _export_rows(payments))


def batch(batch_id: str) -> ExportBatch | None:
    """Return an earlier batch again (same rows, same order), None if unknown."""
    with store.engine().connect() as con:
        payments = _batch_payments(con, batch_id)
        exported = con.execute(
            select(func.min(T.c.exported_at)).where(T.c.exported_batch == batch_id)
        ).scalar_one_or_none()
    if not payments:
        return None
    total = sum(p.amount_grosze for p in payments)
    return ExportBatch(batch_id, exported, len(payments), total, _export_rows(payments))


def batch_csv(batch_id: str) -> bytes:
    """Return an earlier batch's CSV again; raise KeyError for an unknown batch."""
    found = batch(batch_id)
    if found is None:
        raise KeyError(batch_id)
    return found.content


def batches() -> list[BatchInfo]:
    """Return the export batches, newest first."""
    query = (
        select(
            T.c.exported_batch,
            func.min(T.c.exported_at),
            func.count(),
            func.sum(T.c.amount_grosze),
        )
        .where(T.c.exported_batch.is_not(None))
        .group_by(T.c.exported_batch)
        .order_by(func.min(T.c.exported_at).desc(), T.c.exported_batch.desc())
    )
    with store.engine().connect() as con:
        return [BatchInfo(b, at, int(n), int(total or 0)) for b, at, n, total in con.execute(query)]


# --- command line ---------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `payments check` to the CLI."""
    p = subparsers.add_parser(
        "payments",
        help="płatności online: sprawdzenie w bramce płatności bez potwierdzenia",
        description="`payments check` pyta bramkę o stan płatności, które czekają na potwierdzenie dłużej niż "
        "czas na opłacenie (payments_online.expiry_minutes), potwierdza opłacone, a pozostałe oznacza jako "
        "wygasłe. Uruchamiaj co kilka minut (cron albo timer systemd).",
    )
    sub = p.add_subparsers(dest="payments_command", metavar="POLECENIE", required=True)
    check = sub.add_parser("check", help="sprawdź w bramce i wygaś zaległe płatności")
    check.set_defaults(func=_cli_check)


def _cli_check(args: argparse.Namespace) -> int:
    """Run `payments check`."""
    expired = expire_stale()
    open_now = len(search(status=OPEN))
    print(f"Wygasłe płatności: {expired}; nadal czeka na potwierdzenie: {open_now}.")
    return 0
