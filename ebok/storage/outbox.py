"""Outgoing e-mail through an outbox table: queue() never talks to SMTP, flush() sends and retries.

A down SMTP server loses nothing: a failed message stays in the outbox with a later
next_attempt_at (backoff) until it is accepted. `python -m ebok mail-flush` sends what is due.
"""

from __future__ import annotations

import argparse
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from sqlalchemy import Connection, insert, select, update

from ebok.core import clock, config, slots
from ebok.storage import store
from ebok.storage.tables import mail_outbox

MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send."""

    host: str = "localhost"
    port: int = 25
    username: str | None = None
    password: str | None = None
    security: str = "none"  # none, starttls, ssl
    sender: str = "ebok@localhost"
    sender_name: str = "e-BOK"
    timeout: float = 10.0


def smtp_settings() -> SmtpSettings:
    """Return the SMTP settings from the office config (its last good version when the file broke)."""
    smtp = config.load().smtp
    defaults = SmtpSettings()
    return SmtpSettings(
        host=smtp.host,
        port=smtp.port,
        username=smtp.username or None,
        password=smtp.resolved_password(),
        security=smtp.security,
        sender=smtp.sender or defaults.sender,
        sender_name=smtp.sender_name or defaults.sender_name,
    )


def queue(
    recipient: str, subject: str, body: str, now: datetime | None = None, con: Connection | None = None
) -> int:
    """Put a message in the outbox (on CON: the caller's open transaction) and return its id."""
    if not recipient or "@" not in recipient or "\n" in recipient or "\r" in recipient:
        raise ValueError("E-mail: nieprawidłowy adres odbiorcy.")
    now = now or clock.now()
    stmt = insert(mail_outbox).values(
        created_at=now,
        recipient=recipient.strip(),
        subject=subject.replace("\n", " ").replace("\r", " ")[:200],
        body=body,
        attempts=0,
        next_attempt_at=now,
    )
    if con is not None:
        return int(con.execute(stmt).inserted_primary_key[0])  # sent only if the caller commits
    with store.engine().begin() as own:
        return int(own.execute(stmt).inserted_primary_key[0])


def _message(row: dict[str, Any], cfg: SmtpSettings) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = formataddr((cfg.sender_name, cfg.sender))
    msg["To"] = row["recipient"]
    msg["Subject"] = row["subject"]
    msg["Message-ID"] = make_msgid(domain=cfg.sender.split("@")[-1] or None)
    msg.set_content(row["body"], charset="utf-8")
    return msg


def _connect(cfg: SmtpSettings) -> smtplib.SMTP:
    """Open a logged-in SMTP connection (the outbox and the office's test message share it)."""
    if cfg.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            cfg.host, cfg.port, timeout=cfg.timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        if cfg.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if cfg.username:
        smtp.login(cfg.username, cfg.password or "")
    return smtp


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(0, attempts - 1)), MAX_BACKOFF)


def flush(
    now: datetime | None = None, limit: int = 100, settings: SmtpSettings | None = None
) -> dict[str, int]:
    """Send due messages; return {'sent': n, 'failed': n}. Failures are rescheduled, never dropped."""
    now = now or clock.now()
    cfg = settings or smtp_settings()
    with store.engine().connect() as con:
        rows = [
            dict(r)
            for r in con.execute(
                select(mail_outbox)
                .where(mail_outbox.c.sent_at.is_(None), mail_outbox.c.next_attempt_at <= now)
                .order_by(mail_outbox.c.id)
                .limit(limit)
            ).mappings()
        ]
    counts = {"sent": 0, "failed": 0}
    if not rows:
        return counts
    # Inside a page run the script slot is given back while the SMTP server answers (up to the
    # timeout per step), so a slow mail server cannot stall other residents' pages.
    with slots.slot_released():
        _send_rows(rows, cfg, now, counts)
    return counts


def _send_rows(rows: list[dict[str, Any]], cfg: SmtpSettings, now: datetime, counts: dict[str, int]) -> None:
    """Send ROWS over one SMTP connection, counting into COUNTS; failures are rescheduled."""
    smtp: smtplib.SMTP | None = None
    try:
        smtp = _connect(cfg)
    except (OSError, smtplib.SMTPException) as exc:
        for row in rows:
            _failed(row, f"{type(exc).__name__}: {exc}", now)
        counts["failed"] = len(rows)
        return
    try:
        for row in rows:
            try:
                smtp.send_message(_message(row, cfg))
            except (OSError, smtplib.SMTPException) as exc:
                _failed(row, f"{type(exc).__name__}: {exc}", now)
                counts["failed"] += 1
                continue
            with store.engine().begin() as con:
                con.execute(
                    update(mail_outbox)
                    .where(mail_outbox.c.id == row["id"])
                    .values(sent_at=now, attempts=row["attempts"] + 1, last_error=None)
                )
            counts["sent"] += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass


def _failed(row: dict[str, Any], error: str, now: datetime) -> None:
    attempts = row["attempts"] + 1
    with store.engine().begin() as con:
        con.execute(
            update(mail_outbox)
            .where(mail_outbox.c.id == row["id"])
            .values(attempts=attempts, last_error=error[:500], next_attempt_at=now + _backoff(attempts))
        )


def pending() -> list[dict[str, Any]]:
    """Return unsent messages (office status page, tests)."""
    with store.engine().connect() as con:
        return [
            dict(r)
            for r in con.execute(
                select(mail_outbox).where(mail_outbox.c.sent_at.is_(None)).order_by(mail_outbox.c.id)
            ).mappings()
        ]


def try_send_now() -> None:
    """Best-effort immediate flush after queueing (the CLI/cron retries whatever fails)."""
    try:
        flush(limit=20)
    except Exception:  # noqa: BLE001 - the message is safe in the outbox; a later flush sends it
        pass


def _cmd_flush(args: argparse.Namespace) -> int:
    counts = flush(limit=args.limit)
    print(f"Wysłano: {counts['sent']}, nieudane (ponowienie później): {counts['failed']}")
    return 0 if counts["failed"] == 0 else 1


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `mail-flush`."""
    p = subparsers.add_parser("mail-flush", help="Wyślij zaległe e-maile z kolejki (ponawia nieudane).")
    p.add_argument("--limit", type=int, default=500, help="Najwięcej wiadomości w jednym przebiegu.")
    p.set_defaults(func=_cmd_flush)
