"""Outgoing e-mail through an outbox table: queue() never talks to SMTP, flush() sends and retries.

A down SMTP server loses nothing: a failed message stays in the outbox with a later
next_attempt_at (backoff) until it is accepted. `python -m ebok mail-flush` sends what is due.
A message that still fails GIVE_UP_AFTER after it was queued is given up (`mail-flush --retry`
queues those again). state_for() tells the office what really happened to a message: queued,
sent, failing (with the server's answer and the next try) or given up, never more than that.

Flushes may overlap (the cron every minute, a page's try_send_now, a slow run of 500 messages):
each one first claims its due messages atomically (PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED,
then the lease, in one transaction; SQLite: one UPDATE … WHERE id IN (SELECT … LIMIT n)
RETURNING, which SQLite's single writer makes atomic). A claim is a lease: next_attempt_at moves
LEASE ahead and claim_token names the flush. Just before sending each message the flush renews
its lease under its own token, so a message is sent only by the flush that holds it, however long
the run; one whose lease ran out and was taken by another flush is skipped. A sender that dies
(killed, crashed, machine down) holds its messages until the lease runs out; the next flush sends
them then, so nothing is lost.

Delivery is at least once, not exactly once: SMTP has no two-phase commit. If the sender dies
after the server accepted a message (its reply to DATA) and before the row is marked sent, or
the store cannot be written just then, the message is sent again once the lease runs out, and
the resident gets a second copy. That window is one database write long; a sender that dies
before the server accepted the message (connecting, during DATA) never causes a second copy.

In demo mode (settings.demo_mode()) every message goes to the local mail catcher that run.sh
starts, whatever the config says, so demo data never e-mails a real address.
"""

from __future__ import annotations

import argparse
import json
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any
from uuid import uuid4

from sqlalchemy import ColumnElement, Connection, delete, insert, select, update

from ebok.core import clock, config, fmt, settings, slots
from ebok.core.i18n import _, ngettext
from ebok.storage import store
from ebok.storage.tables import mail_outbox

MAX_BACKOFF = timedelta(hours=1)
# Activation and reset links are long expired by then; the office sees "nie wysłano" and the reason.
GIVE_UP_AFTER = timedelta(days=2)
# A flush holds a message this long from its claim or its last renewal (just before sending it);
# far above one message's SMTP exchange (a few timeouts), short enough to retry a dead sender's mail soon.
LEASE = timedelta(minutes=5)


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
    """Return the SMTP settings from the office config (its last good version when the file broke).

    In demo mode: the local mail catcher's address (settings.mail_catcher_address()).
    """
    smtp = config.load().smtp
    if settings.demo_mode():
        host, port = settings.mail_catcher_address()
        return SmtpSettings(
            host=host, port=port, sender=smtp.sender or SmtpSettings.sender, sender_name=smtp.sender_name
        )
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
    recipient: str,
    subject: str,
    body: str,
    now: datetime | None = None,
    con: Connection | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """Put a message in the outbox (on CON: the caller's open transaction) and return its id.

    HTML is sent as the alternative of the plain-text BODY; HEADERS (List-Unsubscribe) are added as given.
    """
    if not recipient or "@" not in recipient or "\n" in recipient or "\r" in recipient:
        raise ValueError(_("E-mail: nieprawidłowy adres odbiorcy."))
    if any("\n" in f"{k}{v}" or "\r" in f"{k}{v}" for k, v in (headers or {}).items()):
        raise ValueError("E-mail: nagłówek z końcem wiersza.")
    now = now or clock.now()
    stmt = insert(mail_outbox).values(
        created_at=now,
        recipient=recipient.strip(),
        subject=subject.replace("\n", " ").replace("\r", " ")[:200],
        body=body,
        html=html,
        headers=json.dumps(headers, ensure_ascii=False) if headers else None,
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
    for name, value in json.loads(row.get("headers") or "{}").items():
        msg[name] = value
    msg.set_content(row["body"], charset="utf-8")
    if row.get("html"):
        msg.add_alternative(row["html"], subtype="html", charset="utf-8")
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


@dataclass(frozen=True)
class _Run:
    """One flush: its claim token, where it sends, and its own clock (NOW moves on as real time passes)."""

    token: str
    cfg: SmtpSettings
    now: datetime
    started: datetime

    def at(self) -> datetime:
        """Return this run's current time: NOW plus the time the run has taken so far."""
        return self.now + (clock.now() - self.started)


def flush(
    now: datetime | None = None, limit: int = 100, settings: SmtpSettings | None = None
) -> dict[str, int]:
    """Send due messages; return {'sent': n, 'failed': n}. Failures are rescheduled, never dropped."""
    started = clock.now()
    run = _Run(token=uuid4().hex, cfg=settings or smtp_settings(), now=now or started, started=started)
    rows = _claim(run, limit)
    counts = {"sent": 0, "failed": 0}
    if not rows:
        return counts
    # Inside a page run the script slot is given back while the SMTP server answers (up to the
    # timeout per step), so a slow mail server cannot stall other residents' pages.
    with slots.slot_released():
        _send_rows(rows, run, counts)
    return counts


def _due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """The messages to send at NOW: unsent, due (no one holds a lease on them), not given up."""
    return (
        mail_outbox.c.sent_at.is_(None),
        mail_outbox.c.next_attempt_at <= now,
        (mail_outbox.c.attempts == 0) | (mail_outbox.c.created_at > now - GIVE_UP_AFTER),
    )


def _claim(run: _Run, limit: int) -> list[dict[str, Any]]:
    """Lease up to LIMIT due messages to RUN in one transaction; another flush never gets the same ones."""
    due = select(mail_outbox.c.id).where(*_due(run.now)).order_by(mail_outbox.c.id).limit(limit)
    with store.engine().begin() as con:
        if con.dialect.name == "sqlite":
            # One writer at a time: this UPDATE takes the write lock before its subquery reads, so
            # choosing the rows and leasing them is one step that a second flush waits for.
            chosen: Any = due
        else:
            # Lock the due rows; rows another flush is claiming right now are skipped, not waited
            # for, and a row whose claim committed meanwhile is re-checked and is no longer due.
            chosen = list(con.execute(due.with_for_update(skip_locked=True)).scalars())
            if not chosen:
                return []
        claimed = con.execute(
            update(mail_outbox)
            .where(mail_outbox.c.id.in_(chosen), *_due(run.now))
            .values(next_attempt_at=run.now + LEASE, claim_token=run.token)
            .returning(*mail_outbox.c)
        )
        return sorted((dict(r) for r in claimed.mappings()), key=lambda r: r["id"])


def _renew(row: dict[str, Any], run: _Run) -> bool:
    """Hold ROW for another LEASE before sending it; False when RUN no longer holds it (do not send).

    A long run's lease may have run out before it reached ROW, and another flush took it (its
    token is on the row now) or sent it.
    """
    with store.engine().begin() as con:
        held = con.execute(
            update(mail_outbox)
            .where(
                mail_outbox.c.id == row["id"],
                mail_outbox.c.claim_token == run.token,
                mail_outbox.c.sent_at.is_(None),
            )
            .values(next_attempt_at=run.at() + LEASE)
        )
    return held.rowcount == 1


def _send_rows(rows: list[dict[str, Any]], run: _Run, counts: dict[str, int]) -> None:
    """Send ROWS over one SMTP connection, counting into COUNTS; failures are rescheduled."""
    smtp: smtplib.SMTP | None = None
    try:
        smtp = _connect(run.cfg)
    except (OSError, smtplib.SMTPException) as exc:
        for row in rows:
            counts["failed"] += _failed(row, f"{type(exc).__name__}: {exc}", run)
        return
    try:
        for row in rows:
            if not _renew(row, run):
                continue
            try:
                smtp.send_message(_message(row, run.cfg))
            except (OSError, smtplib.SMTPException) as exc:
                counts["failed"] += _failed(row, f"{type(exc).__name__}: {exc}", run)
                continue
            _sent(row, run)
            counts["sent"] += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass


def _sent(row: dict[str, Any], run: _Run) -> None:
    """Record that the server accepted ROW.

    Not conditional on the lease: the acceptance is a fact, and a flush that took the row over
    meanwhile then sees it sent and does not send it again.
    """
    with store.engine().begin() as con:
        con.execute(
            update(mail_outbox)
            .where(mail_outbox.c.id == row["id"], mail_outbox.c.sent_at.is_(None))
            .values(sent_at=run.now, attempts=mail_outbox.c.attempts + 1, last_error=None, claim_token=None)
        )


def _failed(row: dict[str, Any], error: str, run: _Run) -> int:
    """Reschedule ROW after a refusal, if RUN still holds it; return 1 when it did, else 0."""
    attempts = row["attempts"] + 1  # exact: only the holder of the token changes the row
    with store.engine().begin() as con:
        done = con.execute(
            update(mail_outbox)
            .where(
                mail_outbox.c.id == row["id"],
                mail_outbox.c.claim_token == run.token,
                mail_outbox.c.sent_at.is_(None),
            )
            .values(
                attempts=attempts,
                last_error=error[:500],
                next_attempt_at=run.now + _backoff(attempts),
                claim_token=None,
            )
        )
    return int(done.rowcount)


def cancel(message_ids: Iterable[int], con: Connection) -> list[int]:
    """Delete the still unsent messages of MESSAGE_IDS on CON; return the ids deleted.

    A flush that has already claimed one fails its renewal just before sending and skips it.
    """
    ids = list(message_ids)
    if not ids:
        return []
    done = con.execute(
        delete(mail_outbox)
        .where(mail_outbox.c.id.in_(ids), mail_outbox.c.sent_at.is_(None))
        .returning(mail_outbox.c.id)
    )
    return sorted(done.scalars())


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


QUEUED, SENT, FAILING, GIVEN_UP = "queued", "sent", "failing", "given_up"


@dataclass(frozen=True)
class MailState:
    """What really happened to one outbox message (the office reads label; code reads state)."""

    message_id: int
    recipient: str
    subject: str
    state: str  # QUEUED, SENT, FAILING or GIVEN_UP
    created_at: datetime  # naive UTC, as stored
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None  # only while FAILING

    @property
    def label(self) -> str:
        """Return the state in the run's language, local time: never "wysłano" before the server accepted it."""
        if self.state == SENT and self.sent_at is not None:
            return _("wysłano {when}").format(when=_when(self.sent_at))
        if self.state == QUEUED:
            return _("w kolejce do wysłania (od {when})").format(when=_when(self.created_at))
        error = self.last_error or "—"
        if self.state == GIVEN_UP:
            text = ngettext(
                "nie wysłano: zaniechano po {n} próbie; ostatni błąd: {error}",
                "nie wysłano: zaniechano po {n} próbach; ostatni błąd: {error}",
                self.attempts,
            )
            return text.format(n=self.attempts, error=error)
        if self.next_attempt_at:
            text = _("jeszcze nie wysłano, nieudane próby: {n}; ostatni błąd: {error}; kolejna próba {when}")
            return text.format(n=self.attempts, error=error, when=_when(self.next_attempt_at))
        text = _("jeszcze nie wysłano, nieudane próby: {n}; ostatni błąd: {error}")
        return text.format(n=self.attempts, error=error)

    @property
    def queued_local(self) -> str:
        """Return when the message was queued, Polish local time."""
        return _when(self.created_at)


def _when(value: datetime) -> str:
    """Format a stored UTC moment in Polish local time: 21.11.2026 14:05."""
    return fmt.datetime(clock.local_time(value).replace(tzinfo=None))


def _state(row: dict[str, Any], now: datetime) -> MailState:
    """Derive the state of one outbox row at NOW (the table keeps facts; the state follows from them)."""
    if row["sent_at"] is not None:
        state = SENT
    elif not row["attempts"]:
        state = QUEUED
    elif row["created_at"] <= now - GIVE_UP_AFTER:
        state = GIVEN_UP
    else:
        state = FAILING
    return MailState(
        message_id=row["id"],
        recipient=row["recipient"],
        subject=row["subject"],
        state=state,
        created_at=row["created_at"],
        sent_at=row["sent_at"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        next_attempt_at=row["next_attempt_at"] if state == FAILING else None,
    )


def recent(
    recipient: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> list[MailState]:
    """Return the newest messages first (to RECIPIENT, queued at or after SINCE, when given)."""
    now = now or clock.now()
    stmt = select(mail_outbox).order_by(mail_outbox.c.id.desc()).limit(limit)
    if recipient is not None:
        stmt = stmt.where(mail_outbox.c.recipient == recipient.strip())
    if since is not None:
        stmt = stmt.where(mail_outbox.c.created_at >= since)
    with store.engine().connect() as con:
        return [_state(dict(r), now) for r in con.execute(stmt).mappings()]


def state_for(recipient: str, since: datetime | None = None, now: datetime | None = None) -> MailState | None:
    """Return the newest message to RECIPIENT (queued at or after SINCE), or None when there is none.

    The office shows its label next to an account (its e-mail) or an inbox item (the resident's
    address, SINCE the office's reply).
    """
    found = recent(recipient, since, limit=1, now=now)
    return found[0] if found else None


def state_of(message_id: int, now: datetime | None = None) -> MailState | None:
    """Return the state of the message queue() returned MESSAGE_ID for."""
    with store.engine().connect() as con:
        row = con.execute(select(mail_outbox).where(mail_outbox.c.id == message_id)).mappings().first()
    return _state(dict(row), now or clock.now()) if row else None


def resend(message_id: int, now: datetime | None = None) -> int | None:
    """Queue a copy of message MESSAGE_ID as a new message (the office's "wyślij ponownie"); its new id."""
    with store.engine().begin() as con:
        row = con.execute(select(mail_outbox).where(mail_outbox.c.id == message_id)).mappings().first()
        if row is None:
            return None
        return queue(
            row["recipient"],
            row["subject"],
            row["body"],
            now=now,
            con=con,
            html=row["html"],
            headers=json.loads(row["headers"]) if row["headers"] else None,
        )


def retry_given_up(now: datetime | None = None) -> int:
    """Queue the given-up messages again (after the office fixed the SMTP settings); return how many."""
    now = now or clock.now()
    with store.engine().begin() as con:
        done = con.execute(
            update(mail_outbox)
            .where(
                mail_outbox.c.sent_at.is_(None),
                mail_outbox.c.attempts > 0,
                mail_outbox.c.created_at <= now - GIVE_UP_AFTER,
            )
            .values(created_at=now, attempts=0, next_attempt_at=now)
        )
    return int(done.rowcount)


def _cmd_flush(args: argparse.Namespace) -> int:
    if args.retry:
        print(_("Ponownie w kolejce (wcześniej zaniechane): {n}").format(n=retry_given_up()))
    counts = flush(limit=args.limit)
    print(
        _("Wysłano: {sent}, nieudane (ponowienie później): {failed}").format(
            sent=counts["sent"], failed=counts["failed"]
        )
    )
    for mail in recent(limit=args.limit):
        if mail.state in (FAILING, GIVEN_UP):
            print(f"  {mail.recipient} „{mail.subject}”: {mail.label}")
    return 0 if counts["failed"] == 0 else 1


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `mail-flush`."""
    p = subparsers.add_parser("mail-flush", help="Wyślij zaległe e-maile z kolejki (ponawia nieudane).")
    p.add_argument("--limit", type=int, default=500, help="Najwięcej wiadomości w jednym przebiegu.")
    p.add_argument(
        "--retry",
        action="store_true",
        help=f"Najpierw przywróć do kolejki wiadomości zaniechane po {GIVE_UP_AFTER.days} dniach prób.",
    )
    p.set_defaults(func=_cmd_flush)
