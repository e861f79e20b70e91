"""Messages to residents: the nightly export's `messages` plus what the office publishes in the app.

A message reaches a premises by audience: all, its building, its community or its customer (all
resolved from the warehouse `premises` row). Read state is per user (store table message_reads).
Office messages live in the store (office_messages) with an optional PDF/JPEG/PNG attachment under
data/uploads/messages; the office sees, per message, how many accounts it reaches and who read it.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ebok.auth import users
from ebok.core import clock, fmt, uploads
from ebok.core.clock import local_time
from ebok.core.errors import Problems
from ebok.core.i18n import N_, _
from ebok.core.text import clean_text, escape_markdown  # noqa: F401 - messages.escape_markdown for callers
from ebok.core.uploads import Attachment, Upload
from ebok.storage import audit, store, warehouse
from ebok.storage.tables import message_reads, office_messages

AUDIENCES: dict[str, str] = {
    "all": N_("Wszyscy mieszkańcy"),
    "building": N_("Budynek"),
    "community": N_("Wspólnota"),
    "customer": N_("Jeden klient"),
}
# Whole sentences per audience: Polish declines the noun ("wybierz wspólnotę").
CHOOSE_TARGET = {
    "building": N_("wybierz budynek."),
    "community": N_("wybierz wspólnota."),
    "customer": N_("wybierz jeden klient."),
}
MISSING_TARGET = {
    "building": N_("budynek {target} nie istnieje w danych."),
    "community": N_("wspólnota {target} nie istnieje w danych."),
    "customer": N_("jeden klient {target} nie istnieje w danych."),
}
SOURCE_OFFICE = "office"
SOURCE_EXPORT = "export"
SUBJECT_MAX = 200
BODY_MAX = 20_000
_KEY = re.compile(r"(office|export):([^\x00-\x1f]{1,110})")  # fits message_reads.message_key

# Warehouse queries (DuckDB, bound parameters).
_PREMISES_SQL = "SELECT building_id, community_id, customer_id FROM premises WHERE premises_id = ?"
_EXPORT_SQL = """
-- Export messages addressed to the whole portal or to this premises' building, community or customer,
-- still valid on the given day (valid_until inclusive).
SELECT message_id, audience, target, published_on, subject, body, valid_until
FROM messages
WHERE (audience = 'all'
       OR (audience = 'building' AND target = $building)
       OR (audience = 'community' AND target = $community)
       OR (audience = 'customer' AND target = $customer))
  AND published_on <= $today
  AND (valid_until IS NULL OR valid_until >= $today)
"""
_EXPORT_ALL_SQL = "SELECT message_id, audience, target, published_on, subject, valid_until FROM messages"
_ALL_PREMISES_SQL = "SELECT premises_id, customer_id, building_id, community_id FROM premises"
_BUILDINGS_SQL = """
-- One label per building: the most common street and number among its premises.
SELECT building_id, min(street || ' ' || building_no || ', ' || city) AS label, count(*) AS premises
FROM premises GROUP BY building_id ORDER BY building_id
"""
_COMMUNITIES_SQL = "SELECT community_id, name FROM communities ORDER BY community_id"
_CUSTOMERS_SQL = "SELECT customer_id, name FROM customers ORDER BY customer_id"


class NotFound(LookupError):
    """No such message for this premises (also when it is addressed to someone else)."""


@dataclass(frozen=True)
class Message:
    """One message as a resident sees it."""

    key: str  # "office:<id>" or "export:<id>", stable across loads
    source: str  # office or export
    audience: str
    subject: str
    body: str
    published_at: dt.datetime  # naive UTC for office messages, midnight of the day for export ones
    valid_until: dt.date | None
    read: bool
    attachment_name: str | None = None
    attachment_type: str | None = None
    attachment_size: int | None = None

    @property
    def published_label(self) -> str:
        """Return the publication date (and time for office messages) in Polish format."""

        if self.source == SOURCE_OFFICE:
            return fmt.local_datetime(self.published_at)
        return fmt.date(self.published_at.date())

    @property
    def audience_label(self) -> str:
        """Return who the message is for, in the run's language."""
        return _audience_name(self.audience)


@dataclass(frozen=True)
class Reader:
    """An account that read a message."""

    username: str
    name: str
    read_at: dt.datetime  # naive UTC


@dataclass(frozen=True)
class OfficeView:
    """A message as the office sees it: reach and reads."""

    key: str
    source: str
    audience: str
    target: str | None
    subject: str
    published_at: dt.datetime
    author: str | None
    attachment_name: str | None
    withdrawn: bool
    recipients: int  # active resident accounts the message reaches
    reads: int  # of those, how many opened it

    @property
    def audience_label(self) -> str:
        """Return who the message is for, in the run's language: 'Budynek: B1'."""
        label = _audience_name(self.audience)
        return _("{audience}: {target}").format(audience=label, target=self.target) if self.target else label


# --- helpers -------------------------------------------------------------------------------------


def _audience_name(audience: str) -> str:
    """Return the name of AUDIENCE in the run's language (an unknown one as it is)."""
    return _(AUDIENCES[audience]) if audience in AUDIENCES else audience


def _parse_key(key: str) -> tuple[str, str]:
    match = _KEY.fullmatch(key or "")
    if not match:
        raise NotFound(key)
    return match.group(1), match.group(2)


def _warehouse_rows(sql: str, params: Any = None) -> list[tuple] | None:
    """Run a warehouse query; None when there is no warehouse yet."""
    try:
        with warehouse.cursor() as cur:
            return cur.execute(sql, params or []).fetchall()
    except FileNotFoundError:
        return None


def premises_audience(premises_id: str) -> dict[str, str | None]:
    """Return the building_id, community_id and customer_id of a premises (None when unknown)."""
    rows = _warehouse_rows(_PREMISES_SQL, [premises_id])
    if not rows:
        return {"building": None, "community": None, "customer": None}
    building, community, customer = rows[0]
    return {"building": building, "community": community, "customer": customer}


def _reaches(audience: str, target: str | None, who: dict[str, str | None]) -> bool:
    """Return whether a message for AUDIENCE/TARGET reaches a premises described by WHO."""
    if audience == "all":
        return True
    return target is not None and who.get(audience) == target


# --- resident side -------------------------------------------------------------------------------


# Built once: Wiadomości reads it on every rerun (building it each time cost more than the query).
_READ_KEYS = select(message_reads.c.message_key, message_reads.c.read_at).where(
    message_reads.c.username == bindparam("username")
)


def _read_keys(username: str) -> dict[str, dt.datetime]:
    with store.engine().connect() as con:
        rows = con.execute(_READ_KEYS, {"username": username}).all()
    return {k: t for k, t in rows}


def _office_visible(who: dict[str, str | None], today: dt.date) -> list[dict[str, Any]]:
    """Office messages not withdrawn, valid today and addressed to this premises."""
    t = office_messages
    addressed = [t.c.audience == "all"] + [
        and_(t.c.audience == audience, t.c.target == target) for audience, target in who.items() if target
    ]
    query = select(t).where(t.c.withdrawn_at.is_(None), or_(*addressed))
    with store.engine().connect() as con:
        rows = [dict(r) for r in con.execute(query).mappings()]
    out = []
    for row in rows:
        until = row["valid_until"].date() if row["valid_until"] else None
        if until is not None and until < today:
            continue
        if _reaches(row["audience"], row["target"], who):
            out.append(row)
    return out


def _export_visible(who: dict[str, str | None], today: dt.date) -> list[tuple]:
    params = {
        "building": who["building"],
        "community": who["community"],
        "customer": who["customer"],
        "today": today,
    }
    return _warehouse_rows(_EXPORT_SQL, params) or []


def for_premises(username: str, premises_id: str, today: dt.date | None = None) -> list[Message]:
    """Return the messages for a premises (already checked by the guard), newest first, with read state."""
    today = today or clock.today()
    who = premises_audience(premises_id)
    read = _read_keys(username)
    out: list[Message] = []
    for row in _office_visible(who, today):
        key = f"{SOURCE_OFFICE}:{row['message_id']}"
        out.append(
            Message(
                key=key,
                source=SOURCE_OFFICE,
                audience=row["audience"],
                subject=row["subject"],
                body=row["body"],
                published_at=row["published_at"],
                valid_until=row["valid_until"].date() if row["valid_until"] else None,
                read=key in read,
                attachment_name=row["attachment_name"],
                attachment_type=row["attachment_type"],
                attachment_size=row["attachment_size"],
            )
        )
    for message_id, audience, _target, published_on, subject, body, valid_until in _export_visible(
        who, today
    ):
        key = f"{SOURCE_EXPORT}:{message_id}"
        out.append(
            Message(
                key=key,
                source=SOURCE_EXPORT,
                audience=audience,
                subject=subject,
                body=body,
                published_at=dt.datetime.combine(published_on, dt.time()),
                valid_until=valid_until,
                read=key in read,
            )
        )
    # Newest first by the Polish calendar day, then by time (export messages carry no time).
    out.sort(key=lambda m: (_local_day(m), m.published_at, m.key), reverse=True)
    return out


def _local_day(message: Message) -> dt.date:
    if message.source == SOURCE_OFFICE:
        return local_time(message.published_at).date()
    return message.published_at.date()


def open_from(username: str, items: list[Message], key: str) -> Message:
    """Return message KEY of ITEMS (the premises' list from for_premises) marked read for the user.

    The page already holds the list, and keeps a message open over its later reruns: reading the
    list again and re-inserting an existing read mark on each of them was work done twice.
    """
    _parse_key(key)
    for message in items:
        if message.key == key:
            if not message.read:
                mark_read(username, key)
            return replace(message, read=True)
    raise NotFound(key)


def mark_read(username: str, key: str, at: dt.datetime | None = None) -> bool:
    """Record that USERNAME read message KEY; return False when it was already read."""
    _parse_key(key)
    try:
        with store.engine().begin() as con:
            con.execute(
                insert(message_reads).values(username=username, message_key=key, read_at=at or clock.now())
            )
    except IntegrityError:
        return False
    return True


def resident_attachment(username: str, premises_id: str, key: str) -> Attachment:
    """Return the attachment of an office message addressed to the premises."""
    source, message_id = _parse_key(key)
    if source != SOURCE_OFFICE:
        raise NotFound(key)
    if not any(m.key == key for m in for_premises(username, premises_id)):
        raise NotFound(key)
    return office_attachment(message_id)


# --- office side ---------------------------------------------------------------------------------


def audience_targets() -> dict[str, list[tuple[str, str]]]:
    """Return the choices for each audience: [(id, label)] of buildings, communities and customers."""
    buildings = _warehouse_rows(_BUILDINGS_SQL) or []
    communities = _warehouse_rows(_COMMUNITIES_SQL) or []
    customers = _warehouse_rows(_CUSTOMERS_SQL) or []
    return {
        "all": [],
        "building": [
            (b, _("{building} — {address} ({n} lok.)").format(building=b, address=label, n=n))
            for b, label, n in buildings
        ],
        "community": [(c, f"{c} — {name}") for c, name in communities],
        "customer": [(c, f"{c} — {name}") for c, name in customers],
    }


def _checked_target(audience: str, target: str | None, problems: Problems) -> str | None:
    """Return the target for AUDIENCE (None for everyone), adding its problem to PROBLEMS."""
    if audience not in AUDIENCES:
        problems.add(_("Adresaci"), _("nieznana grupa {audience}.").format(audience=repr(audience)))
        return None
    if audience == "all":
        return None
    if not target:
        problems.add(_("Adresaci"), _(CHOOSE_TARGET[audience]))
    elif target not in {t for t, _label in audience_targets()[audience]}:
        problems.add(_("Adresaci"), _(MISSING_TARGET[audience]).format(target=target))
    return target


def _checked_text(value: str, field: str, limit: int, problems: Problems) -> str:
    """Return a required text cleaned, adding to PROBLEMS when it is empty or longer than LIMIT."""
    if not value:
        problems.add(field, _("pole jest wymagane."))
    elif len(value) > limit:
        problems.add(
            field, _("najwyżej {limit} znaków (jest {count}).").format(limit=limit, count=len(value))
        )
    return value


def publish(
    author: str,
    audience: str,
    target: str | None,
    subject: str,
    body: str,
    attachment: Upload | None = None,
    valid_until: dt.date | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Validate and publish an office message; return its id. FormError names every refused field."""
    problems = Problems()
    now = now or clock.now()
    target = _checked_target(audience, clean_text(target) or None, problems)
    subject = _checked_text(clean_text(subject).replace("\n", " "), _("Temat"), SUBJECT_MAX, problems)
    body = _checked_text(clean_text(body), _("Treść"), BODY_MAX, problems)
    if valid_until is not None and valid_until < local_time(now).date():
        problems.add(_("Ważny do"), _("data nie może być w przeszłości."))
    checked = uploads.check(attachment, uploads.MESSAGE_ATTACHMENT, _("Załącznik"), problems)
    problems.raise_if_any()
    message_id = uuid.uuid4().hex
    with uploads.saving(checked, uploads.MESSAGE_ATTACHMENT, store.engine().begin()) as (con, stored):
        con.execute(
            insert(office_messages).values(
                message_id=message_id,
                audience=audience,
                target=target,
                subject=subject,
                body=body,
                attachment_file=stored,
                attachment_name=checked.display_name if checked else None,
                attachment_type=checked.mime if checked else None,
                attachment_size=checked.size if checked else None,
                author=author,
                published_at=now,
                valid_until=dt.datetime.combine(valid_until, dt.time()) if valid_until else None,
            )
        )
    audit.record("messages.published", author, message_id=message_id, audience=audience, target=target)
    return message_id


def withdraw(message_id: str, actor: str, now: dt.datetime | None = None) -> None:
    """Hide an office message from residents (kept for the record)."""
    with store.engine().begin() as con:
        result = con.execute(
            update(office_messages)
            .where(office_messages.c.message_id == message_id, office_messages.c.withdrawn_at.is_(None))
            .values(withdrawn_at=now or clock.now(), withdrawn_by=actor)
        )
    if result.rowcount == 0:
        raise NotFound(message_id)
    audit.record("messages.withdrawn", actor, message_id=message_id)


def office_attachment(message_id: str) -> Attachment:
    """Return an office message's attachment."""
    with store.engine().connect() as con:
        row = (
            con.execute(select(office_messages).where(office_messages.c.message_id == message_id))
            .mappings()
            .first()
        )
    data = uploads.read(row["attachment_file"], uploads.MESSAGE_ATTACHMENT) if row is not None else None
    if row is None or data is None:
        raise NotFound(message_id)
    return Attachment(data=data, filename=row["attachment_name"], mime=row["attachment_type"])


def _resident_reach() -> list[tuple[str, str, list[dict[str, str | None]]]]:
    """Return [(username, name, [audience of each premises])] for every active resident account."""

    rows = _warehouse_rows(_ALL_PREMISES_SQL) or []
    by_premises = {p: {"building": b, "community": c, "customer": cust} for p, cust, b, c in rows}
    by_customer: dict[str, list[str]] = {}
    for p, cust, _b, _c in rows:
        by_customer.setdefault(cust, []).append(p)
    out = []
    for user in users.all_users():
        if "resident" not in user.roles or not user.active:
            continue
        own = set(by_customer.get(user.customer_id or "", [])) | set(user.premises)
        out.append((user.username, user.name, [by_premises[p] for p in sorted(own) if p in by_premises]))
    return out


def _recipients(audience: str, target: str | None, reach: list) -> list[tuple[str, str]]:
    return [
        (username, name)
        for username, name, premises in reach
        if (audience == "all" and premises) or any(_reaches(audience, target, who) for who in premises)
    ]


def _reads_by_key() -> dict[str, dict[str, dt.datetime]]:
    with store.engine().connect() as con:
        rows = con.execute(select(message_reads)).all()
    out: dict[str, dict[str, dt.datetime]] = {}
    for username, key, at in rows:
        out.setdefault(key, {})[username] = at
    return out


def office_overview(include_export: bool = True) -> list[OfficeView]:
    """Return every office message (and export message) newest first, with recipients and reads."""
    reach = _resident_reach()
    reads = _reads_by_key()
    with store.engine().connect() as con:
        rows = [dict(r) for r in con.execute(select(office_messages)).mappings()]
    views: list[OfficeView] = []
    for row in rows:
        key = f"{SOURCE_OFFICE}:{row['message_id']}"
        recipients = {u for u, _name in _recipients(row["audience"], row["target"], reach)}
        views.append(
            OfficeView(
                key=key,
                source=SOURCE_OFFICE,
                audience=row["audience"],
                target=row["target"],
                subject=row["subject"],
                published_at=row["published_at"],
                author=row["author"],
                attachment_name=row["attachment_name"],
                withdrawn=row["withdrawn_at"] is not None,
                recipients=len(recipients),
                reads=len(recipients & set(reads.get(key, {}))),
            )
        )
    if include_export:
        for message_id, audience, target, published_on, subject, _until in (
            _warehouse_rows(_EXPORT_ALL_SQL) or []
        ):
            key = f"{SOURCE_EXPORT}:{message_id}"
            recipients = {u for u, _name in _recipients(audience, target, reach)}
            views.append(
                OfficeView(
                    key=key,
                    source=SOURCE_EXPORT,
                    audience=audience,
                    target=target,
                    subject=subject,
                    published_at=dt.datetime.combine(published_on, dt.time()),
                    author=None,
                    attachment_name=None,
                    withdrawn=False,
                    recipients=len(recipients),
                    reads=len(recipients & set(reads.get(key, {}))),
                )
            )
    views.sort(key=lambda v: (v.published_at, v.key), reverse=True)
    return views


def readers(key: str) -> tuple[list[Reader], list[tuple[str, str]]]:
    """Return (accounts that read message KEY, oldest read first; accounts it reaches that did not)."""
    source, message_id = _parse_key(key)
    if source == SOURCE_OFFICE:
        with store.engine().connect() as con:
            row = con.execute(
                select(office_messages.c.audience, office_messages.c.target).where(
                    office_messages.c.message_id == message_id
                )
            ).first()
    else:
        found = _warehouse_rows("SELECT audience, target FROM messages WHERE message_id = ?", [message_id])
        row = found[0] if found else None
    if row is None:
        raise NotFound(key)
    recipients = _recipients(row[0], row[1], _resident_reach())
    read = _reads_by_key().get(key, {})
    done = sorted(
        (Reader(username=u, name=n, read_at=read[u]) for u, n in recipients if u in read),
        key=lambda r: r.read_at,
    )
    pending = [(u, n) for u, n in recipients if u not in read]
    return done, pending
