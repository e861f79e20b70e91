"""Contact messages and fault reports: submission, status history, assignment and office replies.

Pure logic over the operational store (tables inbox_items and inbox_events). Resident functions take
the username and a premises_id already checked by the guard and only ever see rows matching both.
Attachments live under data/uploads/inbox with a random name; the user's file name is display only.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ebok.auth import users
from ebok.core import i18n, uploads
from ebok.core.errors import FormError, Problems
from ebok.core.i18n import N_, _
from ebok.core.text import clean_text, escape_markdown  # noqa: F401 - inbox.escape_markdown for pages
from ebok.core.uploads import Attachment, Checked, Kind, Upload
from ebok.domain import notifications
from ebok.storage import audit, outbox, store, warehouse
from ebok.storage.tables import inbox_events, inbox_items, notifications_sent

KIND_LABELS = {"contact": N_("Wiadomość"), "fault": N_("Awaria")}

CONTACT_TOPICS: dict[str, str] = {
    "oplaty": N_("Opłaty i rozliczenia"),
    "odczyty": N_("Odczyty liczników"),
    "usterka": N_("Usterka w lokalu"),
    "dokumenty": N_("Dokumenty i zaświadczenia"),
    "dane": N_("Zmiana danych"),
    "inne": N_("Inne"),
}

FAULT_CATEGORIES: dict[str, str] = {
    "woda": N_("Woda i kanalizacja"),
    "ogrzewanie": N_("Ogrzewanie"),
    "elektryka": N_("Elektryka"),
    "gaz": N_("Gaz"),
    "winda": N_("Winda"),
    "domofon": N_("Domofon"),
    "dach_elewacja": N_("Dach / elewacja"),
    "inne": N_("Inne"),
}

# "lokal" is the resident's own premises; the rest are common areas of the building.
FAULT_PLACES: dict[str, str] = {
    "lokal": N_("Mój lokal"),
    "klatka": N_("Klatka schodowa"),
    "piwnica": N_("Piwnica"),
    "dach": N_("Dach"),
    "teren": N_("Teren wokół budynku"),
    "winda": N_("Winda"),
    "garaz": N_("Garaż / hala garażowa"),
    "inne": N_("Inna część wspólna"),
}

STATUSES: dict[str, str] = {"nowe": N_("Nowe"), "w_toku": N_("W toku"), "zakonczone": N_("Zakończone")}

TEXT_MIN = 10
TEXT_MAX = 5000
REPLY_MAX = 5000
COMMENT_MAX = 1000
PLACE_DETAIL_MAX = 200


_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


class NotFound(LookupError):
    """No such item for this user (also when it belongs to someone else)."""


@dataclass(frozen=True)
class Event:
    """One line of an item's history."""

    at: datetime  # UTC
    username: str
    kind: str  # created, status, assign, reply
    status: str | None
    assigned_to: str | None
    text: str | None
    visible: bool

    @property
    def label(self) -> str:
        """Return a short description of the event in the run's language (no user text)."""
        if self.kind == "created":
            return _("Zgłoszenie przyjęte")
        if self.kind == "reply":
            return _("Odpowiedź biura")
        if self.kind == "assign":
            if self.assigned_to:
                return _("Przydzielono: {user}").format(user=self.assigned_to)
            return _("Cofnięto przydział")
        return _("Status: {status}").format(status=_status_name(self.status))


@dataclass(frozen=True)
class Item:
    """A contact message or a fault report with its history (oldest event first)."""

    item_id: str
    kind: str
    username: str
    customer_id: str | None
    premises_id: str
    topic: str
    place: str | None
    place_detail: str | None
    body: str
    contact_email: str | None
    attachment_name: str | None
    attachment_type: str | None
    attachment_size: int | None
    status: str
    assigned_to: str | None
    created_at: datetime
    updated_at: datetime
    events: tuple[Event, ...] = field(default=())

    @property
    def reference(self) -> str:
        """Return the short number shown to the resident and the office, e.g. A-3F9C21D0."""
        return _reference(self.kind, self.item_id)

    @property
    def topic_label(self) -> str:
        """Return the name of the topic or fault category in the run's language."""
        names = CONTACT_TOPICS if self.kind == "contact" else FAULT_CATEGORIES
        return _(names[self.topic]) if self.topic in names else self.topic

    @property
    def place_label(self) -> str | None:
        """Return the name of the fault's place in the run's language, None for a contact message."""
        if not self.place:
            return None
        return _(FAULT_PLACES[self.place]) if self.place in FAULT_PLACES else self.place

    @property
    def status_label(self) -> str:
        """Return the status name in the run's language."""
        return _status_name(self.status)

    @property
    def replies(self) -> tuple[Event, ...]:
        """Return the office's replies, oldest first."""
        return tuple(e for e in self.events if e.kind == "reply")


@dataclass(frozen=True)
class Submitted:
    """Result of a submission: the item and whether this call created it (False on a repeat)."""

    item_id: str
    reference: str
    created: bool


# --- helpers -----------------------------------------------------------------------------------


def _status_name(status: str | None) -> str:
    """Return the name of STATUS in the run's language (an unknown one as it is)."""
    return _(STATUSES[status]) if status in STATUSES else (status or "")


def now() -> datetime:
    """Return the current time as naive UTC, what the store's DateTime columns hold."""
    return datetime.now(UTC).replace(tzinfo=None)


def _check_body(value: str, field_name: str, problems: Problems) -> str:
    """Validate a resident's text of TEXT_MIN..TEXT_MAX characters; return it cleaned."""
    text = clean_text(value)
    if not text:
        problems.add(field_name, _("pole jest wymagane."))
    elif len(text) < TEXT_MIN:
        problems.add(
            field_name,
            _("wpisz co najmniej {limit} znaków (jest {count}).").format(limit=TEXT_MIN, count=len(text)),
        )
    elif len(text) > TEXT_MAX:
        problems.add(field_name, _too_long(TEXT_MAX, len(text)))
    return text


def _too_long(limit: int, count: int) -> str:
    """Return the problem of a text longer than LIMIT characters."""
    return _("najwyżej {limit} znaków (jest {count}).").format(limit=limit, count=count)


def _check_key(key: str) -> None:
    """Refuse a malformed idempotency key (a programming error, not user input)."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError("idempotency_key: 8–64 znaków [A-Za-z0-9_-]")


# --- submissions ---------------------------------------------------------------------------------


def _submit(values: dict[str, Any], file: Checked | None, kind: Kind, idempotency_key: str) -> Submitted:
    """Insert the item, its first event and its file together; a repeated key returns the first."""
    username = values["username"]
    existing = _find_by_key(username, idempotency_key)
    if existing is not None:
        return existing
    item_id = uuid.uuid4().hex
    at = now()
    row = values | dict(
        item_id=item_id,
        status="nowe",
        created_at=at,
        updated_at=at,
        idempotency_key=idempotency_key,
        attachment_name=file.display_name if file else None,
        attachment_type=file.mime if file else None,
        attachment_size=file.size if file else None,
    )
    try:
        with uploads.saving(file, kind, store.engine().begin()) as (con, stored):
            con.execute(insert(inbox_items).values(**row, attachment_file=stored))
            con.execute(
                insert(inbox_events).values(
                    item_id=item_id, at=at, username=username, kind="created", status="nowe", visible=1
                )
            )
            # In the same transaction: a store that refuses the audit entry (disk full) keeps no
            # message the resident was told was not sent.
            audit.record(
                f"inbox.{row['kind']}_submitted",
                username,
                row["premises_id"],
                con=con,
                item_id=item_id,
                topic=row["topic"],
                place=row.get("place"),
                has_attachment=stored is not None,
            )
    except IntegrityError:
        # A concurrent double click won the race (our file is already gone): report its item.
        existing = _find_by_key(username, idempotency_key)
        if existing is None:
            raise
        return existing
    return Submitted(item_id, _reference(row["kind"], item_id), True)


def _reference(kind: str, item_id: str) -> str:
    """Return the short number shown to the resident and the office, e.g. A-3F9C21D0."""
    return f"{'W' if kind == 'contact' else 'A'}-{item_id[:8].upper()}"


def _find_by_key(username: str, key: str) -> Submitted | None:
    """Return the submission already saved under (username, key), if any."""
    query = select(inbox_items.c.item_id, inbox_items.c.kind).where(
        inbox_items.c.username == username, inbox_items.c.idempotency_key == key
    )
    with store.engine().connect() as con:
        row = con.execute(query).first()
    if row is None:
        return None
    return Submitted(row.item_id, _reference(row.kind, row.item_id), False)


def submit_contact(
    *,
    username: str,
    premises_id: str,
    topic: str,
    text: str,
    idempotency_key: str,
    customer_id: str | None = None,
    email: str | None = None,
    attachment: Upload | None = None,
) -> Submitted:
    """Save a resident's contact message; raise FormError naming every bad field."""
    _check_key(idempotency_key)
    problems = Problems()
    if topic not in CONTACT_TOPICS:
        problems.add(_("Temat"), _("wybierz temat z listy."))
    body = _check_body(text, _("Treść"), problems)
    file = uploads.check(attachment, uploads.INBOX_ATTACHMENT, _("Załącznik"), problems)
    problems.raise_if_any()
    values = dict(
        kind="contact",
        username=username,
        customer_id=customer_id,
        premises_id=premises_id,
        topic=topic,
        body=body,
        contact_email=(email or None),
    )
    return _submit(values, file, uploads.INBOX_ATTACHMENT, idempotency_key)


def submit_fault(
    *,
    username: str,
    premises_id: str,
    category: str,
    place: str,
    description: str,
    idempotency_key: str,
    place_detail: str = "",
    customer_id: str | None = None,
    email: str | None = None,
    photo: Upload | None = None,
) -> Submitted:
    """Save a resident's fault report; raise FormError naming every bad field."""
    _check_key(idempotency_key)
    problems = Problems()
    if category not in FAULT_CATEGORIES:
        problems.add(_("Kategoria"), _("wybierz kategorię awarii z listy."))
    if place not in FAULT_PLACES:
        problems.add(_("Miejsce"), _("wybierz, gdzie jest awaria (Twój lokal albo część wspólna)."))
    detail = clean_text(place_detail).replace("\n", " ")
    if len(detail) > PLACE_DETAIL_MAX:
        problems.add(_("Dokładne miejsce"), _too_long(PLACE_DETAIL_MAX, len(detail)))
    body = _check_body(description, _("Opis"), problems)
    file = uploads.check(photo, uploads.FAULT_PHOTO, _("Zdjęcie"), problems)
    problems.raise_if_any()
    values = dict(
        kind="fault",
        username=username,
        customer_id=customer_id,
        premises_id=premises_id,
        topic=category,
        place=place,
        place_detail=detail or None,
        body=body,
        contact_email=(email or None),
    )
    return _submit(values, file, uploads.FAULT_PHOTO, idempotency_key)


# --- reading -----------------------------------------------------------------------------------


def _events(con: Connection, item_ids: list[str], resident: bool) -> dict[str, list[Event]]:
    """Return the events of ITEM_IDS by item, oldest first (resident: visible ones only)."""
    result: dict[str, list[Event]] = {i: [] for i in item_ids}
    if not item_ids:
        return result
    query = select(inbox_events).where(inbox_events.c.item_id.in_(item_ids))
    if resident:
        query = query.where(inbox_events.c.visible == 1)
    query = query.order_by(inbox_events.c.at, inbox_events.c.event_id)
    for row in con.execute(query):
        result[row.item_id].append(
            Event(
                at=row.at,
                username=row.username,
                kind=row.kind,
                status=row.status,
                assigned_to=row.assigned_to,
                text=row.text,
                visible=bool(row.visible),
            )
        )
    return result


def _items(where: Any, resident: bool, limit: int | None = None) -> list[Item]:
    """Return items matching WHERE, newest first, with their events."""
    c = inbox_items.c
    query = select(inbox_items).where(where).order_by(c.created_at.desc(), c.item_id)
    if limit:
        query = query.limit(limit)
    with store.engine().connect() as con:
        rows = list(con.execute(query))
        events = _events(con, [r.item_id for r in rows], resident)
    return [
        Item(
            item_id=r.item_id,
            kind=r.kind,
            username=r.username,
            customer_id=r.customer_id,
            premises_id=r.premises_id,
            topic=r.topic,
            place=r.place,
            place_detail=r.place_detail,
            body=r.body,
            contact_email=r.contact_email,
            attachment_name=r.attachment_name,
            attachment_type=r.attachment_type,
            attachment_size=r.attachment_size,
            status=r.status,
            assigned_to=r.assigned_to,
            created_at=r.created_at,
            updated_at=r.updated_at,
            events=tuple(events[r.item_id]),
        )
        for r in rows
    ]


def _owner(username: str, premises_id: str) -> Any:
    """Return the condition scoping rows to one resident on one premises."""
    return and_(inbox_items.c.username == username, inbox_items.c.premises_id == premises_id)


def resident_items(username: str, premises_id: str, kind: str | None = None) -> list[Item]:
    """Return the resident's own messages/reports for the premises, newest first."""
    where = _owner(username, premises_id)
    if kind is not None:
        where = and_(where, inbox_items.c.kind == kind)
    return _items(where, resident=True)


def office_items(
    kind: str | None = None,
    status: str | None = None,
    assigned_to: str | None = None,
    limit: int | None = 500,
) -> list[Item]:
    """Return items for the office inbox, newest first, filtered by kind, status and assignee."""
    c = inbox_items.c
    conditions = []
    if kind is not None:
        conditions.append(c.kind == kind)
    if status is not None:
        conditions.append(c.status == status)
    if assigned_to is not None:
        conditions.append(c.assigned_to.is_(None) if assigned_to == "" else c.assigned_to == assigned_to)
    where = and_(*conditions) if conditions else c.item_id.is_not(None)
    return _items(where, resident=False, limit=limit)


def office_item(item_id: str) -> Item:
    """Return one item with its whole history (also office-only events)."""
    found = _items(inbox_items.c.item_id == str(item_id), resident=False)
    if not found:
        raise NotFound(_("Nie znaleziono zgłoszenia."))
    return found[0]


def status_counts(kind: str | None = None) -> dict[str, int]:
    """Return how many items are in each status (every status listed, zero included)."""
    c = inbox_items.c
    query = select(c.status, func.count()).group_by(c.status)
    if kind is not None:
        query = query.where(c.kind == kind)
    counts = dict.fromkeys(STATUSES, 0)
    with store.engine().connect() as con:
        for status, n in con.execute(query):
            counts[status] = n
    return counts


def _attachment(item_id: str, where: Any) -> Attachment | None:
    """Read the stored file of the item matching WHERE, None when it has none."""
    c = inbox_items.c
    query = select(c.attachment_file, c.attachment_name, c.attachment_type).where(where)
    with store.engine().connect() as con:
        row = con.execute(query).first()
    if row is None:
        raise NotFound(_("Nie znaleziono zgłoszenia."))
    data = uploads.read(row.attachment_file, uploads.INBOX_ATTACHMENT)
    if data is None:
        return None
    return Attachment(
        data=data, filename=row.attachment_name or row.attachment_file, mime=row.attachment_type
    )


def resident_attachment(username: str, premises_id: str, item_id: str) -> Attachment | None:
    """Return the attachment of the resident's own item (NotFound for anyone else's)."""
    where = and_(_owner(username, premises_id), inbox_items.c.item_id == str(item_id))
    return _attachment(item_id, where)


def office_attachment(item_id: str) -> Attachment | None:
    """Return an item's attachment for the office."""
    return _attachment(item_id, inbox_items.c.item_id == str(item_id))


# --- office actions ------------------------------------------------------------------------------


def _office_update(
    con: Connection, item_id: str, at: datetime, values: dict[str, Any], event: dict[str, Any], actor: str
) -> int:
    """Update the item and append its event inside the caller's transaction; return the event's id."""
    result = con.execute(
        update(inbox_items).where(inbox_items.c.item_id == item_id).values(updated_at=at, **values)
    )
    if result.rowcount != 1:
        raise NotFound(_("Nie znaleziono zgłoszenia."))
    added = con.execute(insert(inbox_events).values(item_id=item_id, at=at, username=actor, **event))
    return int(added.inserted_primary_key[0])


def set_status(item_id: str, status: str, *, actor: str, comment: str = "") -> Item:
    """Change an item's status with an optional comment the resident sees."""
    problems = Problems()
    if status not in STATUSES:
        problems.add(_("Status"), _("wybierz status z listy."))
    text = clean_text(comment)
    if len(text) > COMMENT_MAX:
        problems.add(_("Komentarz"), _too_long(COMMENT_MAX, len(text)))
    problems.raise_if_any()
    at = now()
    with store.engine().begin() as con:
        event = dict(kind="status", status=status, text=text or None, visible=1)
        event_id = _office_update(con, item_id, at, {"status": status}, event, actor)
    item = office_item(item_id)
    mailed = _notify(item, event_id, "status")
    audit.record(
        "inbox.status_changed", actor, item.premises_id, item_id=item_id, status=status, emailed=mailed
    )
    return item


def office_users() -> list[str]:
    """Return the usernames of active office accounts (role admin), sorted, for assignment."""

    return sorted(u.username for u in users.all_users() if "admin" in u.roles and u.active)


def assign(item_id: str, assignee: str | None, *, actor: str, office_users: Iterable[str]) -> Item:
    """Assign the item to an office user (None or "" clears it); office-only history entry."""
    who = (assignee or "").strip() or None
    if who is not None and who not in set(office_users):
        raise FormError.one(_("Przydziel do"), _("wybierz pracownika biura z listy."))
    at = now()
    with store.engine().begin() as con:
        event = dict(kind="assign", assigned_to=who, visible=0)
        _office_update(con, item_id, at, {"assigned_to": who}, event, actor)
    item = office_item(item_id)
    audit.record("inbox.assigned", actor, item.premises_id, item_id=item_id, assigned_to=who)
    return item


def status_after_reply(current: str | None) -> str | None:
    """Return the status a reply leaves when the office picks none: "nowe" becomes "w_toku"."""
    return "w_toku" if current == "nowe" else current


def reply(item_id: str, text: str, *, actor: str, status: str | None = None) -> tuple[Item, bool]:
    """Add the office's reply and set the status; e-mail the resident if they agreed.

    STATUS None keeps the status, except that a "nowe" item moves to "w_toku": a reply means the
    office has taken it up, and the resident's list should say so. Returns the item and whether an
    e-mail was queued.
    """
    problems = Problems()
    body = clean_text(text)
    if not body:
        problems.add(_("Odpowiedź"), _("pole jest wymagane."))
    elif len(body) > REPLY_MAX:
        problems.add(_("Odpowiedź"), _too_long(REPLY_MAX, len(body)))
    if status is not None and status not in STATUSES:
        problems.add(_("Status"), _("wybierz status z listy."))
    problems.raise_if_any()
    at = now()
    with store.engine().begin() as con:
        current = con.execute(select(inbox_items.c.status).where(inbox_items.c.item_id == item_id)).scalar()
        target = status or status_after_reply(current)
        values = {"status": target} if target != current else {}
        event = dict(kind="reply", status=target, text=body, visible=1)
        event_id = _office_update(con, item_id, at, values, event, actor)
    item = office_item(item_id)
    mailed = _notify(item, event_id, "reply")
    audit.record(
        "inbox.replied",
        actor,
        item.premises_id,
        item_id=item_id,
        status=item.status,
        previous_status=current,
        emailed=mailed,
    )
    return item, mailed


# --- e-mail --------------------------------------------------------------------------------------


def occurrence(
    event_id: int,
    change: str,
    status: str | None,
    kind: str,
    item_id: str,
    customer_id: str,
    premises_id: str,
    lang: str | None = None,
) -> notifications.Occurrence:
    """Return the notification of one reply or status change (the nightly scan uses the same key).

    Its line and subject are in LANG, the resident's language (None: the language of this run).
    """
    ref = _reference(kind, item_id)
    with i18n.use(lang or i18n.current()):
        line, subject = _occurrence_words(change, kind)
        line, subject = line.format(ref=ref, status=_status_name(status)), subject.format(ref=ref)
    # The e-mail says only that something changed; the reply itself is read after signing in.
    return notifications.Occurrence(
        "inbox_update", customer_id, str(event_id), line, premises_id, subject=subject
    )


def _occurrence_words(change: str, kind: str) -> tuple[str, str]:
    """Return the (line, subject) of a reply or status change, {ref} and {status} still to fill."""
    # Whole sentences: Polish declines the pronoun with the noun ("na Twoją wiadomość").
    if change == "reply" and kind == "contact":
        return (
            _("Odpowiedź biura na Twoją wiadomość {ref}. Aktualny status: {status}."),
            _("Odpowiedź na Twoją wiadomość {ref}"),
        )
    if change == "reply":
        return (
            _("Odpowiedź biura na Twoje zgłoszenie awarii {ref}. Aktualny status: {status}."),
            _("Odpowiedź na Twoje zgłoszenie awarii {ref}"),
        )
    if kind == "contact":
        return (
            _("Twoja wiadomość {ref} ma nowy status. Aktualny status: {status}."),
            _("Nowy status: Twoja wiadomość {ref}"),
        )
    return (
        _("Twoje zgłoszenie awarii {ref} ma nowy status. Aktualny status: {status}."),
        _("Nowy status: Twoje zgłoszenie awarii {ref}"),
    )


def _notify(item: Item, event_id: int, change: str) -> bool:
    """Notify the resident of a reply or a status change, as they chose; return whether an e-mail was queued."""
    if not item.customer_id:
        return False
    occ = occurrence(
        event_id,
        change,
        item.status,
        item.kind,
        item.item_id,
        item.customer_id,
        item.premises_id,
        lang=notifications.language_of(item.customer_id),
    )
    # The address the resident wrote from, unless they chose one for notifications.
    occ = replace(occ, address=item.contact_email)
    try:
        result = notifications.deliver([occ])
    except (FileNotFoundError, warehouse.WarehouseUnavailable):  # no consent known, so no e-mail
        return False
    if result.emails:
        outbox.try_send_now()  # best effort; the outbox retries whatever the SMTP server refuses
    return bool(result.emails)


def reply_mail_state(item: Item) -> outbox.MailState | None:
    """Return the real state of the newest e-mail about ITEM's replies or status (None when none was queued)."""
    with store.engine().connect() as con:
        event_ids = con.execute(
            select(inbox_events.c.event_id).where(inbox_events.c.item_id == item.item_id)
        ).scalars()
        keys = [f"inbox_update:{e}" for e in event_ids]
        found = con.execute(
            select(notifications_sent.c.outbox_id)
            .where(
                notifications_sent.c.customer_id == (item.customer_id or ""),
                notifications_sent.c.item_key.in_(keys),
                notifications_sent.c.outbox_id.is_not(None),
            )
            .order_by(notifications_sent.c.outbox_id.desc())
        ).first()
    return outbox.state_of(found[0]) if found else None
