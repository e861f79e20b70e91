"""Notifications residents control: the events, each person's choices, consent, delivery, unsubscribe.

A person is a customer of the cooperative (customer_id): the preferences and the consent belong to
the customer, whichever of their accounts changed them. Every event has its own rule
(ebok.domain.notify finds the occurrences); deliver() sends each occurrence to a person at most once:
the row (customer, "<event>:<occurrence>") in notifications_sent is unique, and it is inserted in the
same transaction as the outbox message it announces. A crash before the commit leaves neither (the
next run sends it), a second run at the same time fails on the unique key and sends nothing twice.

Without consent to electronic correspondence (mail_consents, newest row in force; before the first
row, the export's customers.email_consent, given on paper in the office) nothing here is sent; account
and security mail (activation, password reset) does not go through this module and is always sent.
Every e-mail carries a signed one-click unsubscribe link for its event (unsubscribe_links: a random id
and its HMAC, used once), also as List-Unsubscribe / List-Unsubscribe-Post headers (RFC 8058).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ebok.auth import language, tokens, users
from ebok.core import clock, config, fmt, i18n
from ebok.core.errors import Problems
from ebok.core.i18n import N_, _
from ebok.storage import audit, outbox, store, warehouse
from ebok.storage.tables import (
    mail_consents,
    mail_outbox,
    notification_prefs,
    notifications_sent,
    unsubscribe_links,
)


@dataclass(frozen=True)
class EventKind:
    """One kind of notification: its switch (a config key under notifications:), words and page."""

    key: str
    label: str  # the switch on the resident's page and the office's counts
    subject: str  # the e-mail's subject for one occurrence
    intro: str  # the e-mail's first sentence
    page: str  # the portal page the e-mail links to (url path)
    module: str | None = None  # the config module it belongs to: hidden on the page while that is off


EVENTS: dict[str, EventKind] = {
    e.key: e
    for e in (
        EventKind(
            "invoice",
            N_("Nowa faktura"),
            N_("e-BOK: nowa faktura"),
            N_("wystawiliśmy nową fakturę:"),
            "faktury",
        ),
        EventKind(
            "document",
            N_("Nowy dokument"),
            N_("e-BOK: nowy dokument"),
            N_("w e-BOK jest nowy dokument:"),
            "dokumenty",
        ),
        EventKind(
            "settlement",
            N_("Rozliczenie mediów"),
            N_("e-BOK: rozliczenie mediów"),
            N_("rozliczyliśmy media:"),
            "rozliczenia",
            "settlements",
        ),
        EventKind(
            "office_message",
            N_("Komunikat biura"),
            N_("e-BOK: komunikat biura"),
            N_("biuro przesłało komunikat:"),
            "wiadomosci",
        ),
        EventKind(
            "payment_due",
            N_("Zbliża się termin płatności"),
            N_("e-BOK: zbliża się termin płatności"),
            N_("przypominamy o zbliżającym się terminie płatności:"),
            "zaplac",
        ),
        EventKind(
            "overdue",
            N_("Zaległość po terminie"),
            N_("e-BOK: zaległość w opłatach"),
            N_("na koncie lokalu jest zaległość po terminie płatności:"),
            "zaplac",
        ),
        EventKind(
            "reading_window_open",
            N_("Otwarcie okna odczytów"),
            N_("e-BOK: można podać odczyty liczników"),
            N_("rozpoczęło się okno podawania odczytów liczników:"),
            "media",
            "meters",
        ),
        EventKind(
            "reading_window_closing",
            N_("Koniec okna odczytów bez odczytu"),
            N_("e-BOK: kończy się okno odczytów"),
            N_("kończy się okno podawania odczytów, a dla tych liczników nie podano jeszcze stanu:"),
            "media",
            "meters",
        ),
        EventKind(
            "legalisation",
            N_("Kończy się legalizacja licznika"),
            N_("e-BOK: kończy się legalizacja licznika"),
            N_("kończy się legalizacja licznika; biuro umówi wymianę:"),
            "media",
            "meters",
        ),
        EventKind(
            "vote_open",
            N_("Rozpoczęcie głosowania"),
            N_("e-BOK: rozpoczęło się głosowanie"),
            N_("rozpoczęło się głosowanie nad uchwałą:"),
            "uchwaly",
            "voting",
        ),
        EventKind(
            "vote_closing",
            N_("Koniec głosowania bez Twojego głosu"),
            N_("e-BOK: kończy się głosowanie"),
            N_("kończy się głosowanie, a z Twojego lokalu nie oddano jeszcze głosu:"),
            "uchwaly",
            "voting",
        ),
        EventKind(
            "inbox_update",
            N_("Odpowiedź lub zmiana statusu zgłoszenia"),
            N_("e-BOK: odpowiedź na Twoje zgłoszenie"),
            N_("biuro odpowiedziało albo zmieniło status Twojego zgłoszenia:"),
            "kontakt",
        ),
        # Online payments (issue 15) call payment_result() with these two kinds.
        EventKind(
            "payment_confirmed",
            N_("Płatność online potwierdzona"),
            N_("e-BOK: płatność przyjęta"),
            N_("bank potwierdził Twoją płatność:"),
            "rachunki",
        ),
        EventKind(
            "payment_failed",
            N_("Płatność online nieudana"),
            N_("e-BOK: płatność nieudana"),
            N_("płatność online nie powiodła się; możesz zapłacić ponownie:"),
            "zaplac",
        ),
    )
}
ALL_EVENTS = "all"  # an unsubscribe link (a digest's header) that switches every event off
ALL_EVENTS_LABEL = N_("Wszystkie powiadomienia")
PAYMENT_CONFIRMED = "payment_confirmed"
PAYMENT_FAILED = "payment_failed"

QUEUED, DIGEST, BASELINE, DROPPED = "queued", "digest", "baseline", "dropped"
UNSUBSCRIBE_PATH = "_ebok/unsubscribe"
_PURPOSE = "unsubscribe"
LINK_USER = "link rezygnacji"  # who changed the preferences when a link did
METHODS = {
    "portal": N_("w e-BOK (Ustawienia → Powiadomienia)"),
    "office": N_("w biurze (zapisane przez pracownika)"),
    "unsubscribe": N_("link rezygnacji w e-mailu"),
    "export": N_("w systemie księgowym (przed e-BOK)"),
}
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("mail_templates")),
    autoescape=jinja2.select_autoescape(["html", "html.j2"]),  # notice.html.j2 is HTML
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
# {{ _("…") }} in the templates: the text in the language of the block render() runs in.
_TEMPLATES.globals["_"] = _


def visible_events(cfg: config.Config | None = None) -> list[EventKind]:
    """Return the events a resident may switch: those of modules the office has switched off are hidden."""
    cfg = cfg or config.load()
    return [e for e in EVENTS.values() if e.module is None or cfg.module_on(e.module)]


# --- preferences ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preferences:
    """What one person receives: office defaults with their own choices over them."""

    customer_id: str
    events: dict[str, bool]  # every event in EVENTS
    email: str | None  # their own address for notifications; None = the one on file
    due_days_before: int
    digest: bool

    def wants(self, event: str) -> bool:
        """Return whether the person receives EVENT."""
        return self.events.get(event, False)


def _defaults(cfg: config.Config) -> dict[str, bool]:
    """Return the office's default switch of every event."""
    return {key: bool(getattr(cfg.notifications, key)) for key in EVENTS}


def _prefs_from(row: Any, customer_id: str, cfg: config.Config) -> Preferences:
    """Build Preferences from a notification_prefs ROW (None: the office's defaults)."""
    events = _defaults(cfg)
    n = cfg.notifications
    if row is None:
        return Preferences(customer_id, events, None, n.due_days_before, n.digest)
    events.update({k: bool(v) for k, v in json.loads(row.events or "{}").items() if k in EVENTS})
    return Preferences(
        customer_id=customer_id,
        events=events,
        email=row.email,
        due_days_before=n.due_days_before if row.due_days_before is None else int(row.due_days_before),
        digest=n.digest if row.digest is None else bool(row.digest),
    )


def preferences(customer_id: str, cfg: config.Config | None = None) -> Preferences:
    """Return the person's preferences (the office's defaults until they change something)."""
    with store.engine().connect() as con:
        row = con.execute(
            select(notification_prefs).where(notification_prefs.c.customer_id == customer_id)
        ).first()
    return _prefs_from(row, customer_id, cfg or config.load())


def all_preferences(cfg: config.Config | None = None) -> dict[str, Preferences]:
    """Return {customer_id: Preferences} of everyone who changed something (one read for a run)."""
    cfg = cfg or config.load()
    with store.engine().connect() as con:
        rows = con.execute(select(notification_prefs)).all()
    return {r.customer_id: _prefs_from(r, r.customer_id, cfg) for r in rows}


def _check_email(value: str, problems: Problems) -> str | None:
    """Return the cleaned address (None when blank) or add the Polish problem."""
    email = (value or "").strip()
    if not email:
        return None
    local, _at, domain = email.partition("@")
    if not local or "." not in domain or any(c.isspace() for c in email) or len(email) > 254:
        problems.add(_("Adres e-mail do powiadomień"), _("podaj poprawny adres, np. jan.nowak@example.pl."))
    return email


def save_preferences(
    customer_id: str,
    username: str,
    events: dict[str, bool],
    email: str = "",
    due_days_before: int | None = None,
    digest: bool | None = None,
    now: dt.datetime | None = None,
) -> Preferences:
    """Store the person's choices (only what differs from the office's defaults); refuse bad input."""
    cfg = config.load()
    problems = Problems()
    address = _check_email(email, problems)
    if due_days_before is not None and not 0 <= due_days_before <= 30:
        problems.add(_("Dni przed terminem płatności"), _("podaj liczbę od 0 do 30."))
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        problems.add(_("Powiadomienia"), _("nieznane zdarzenie: {names}.").format(names=", ".join(unknown)))
    problems.raise_if_any()
    defaults = _defaults(cfg)
    before = preferences(customer_id, cfg)
    # A switch turned off also stops that event's mails not sent yet: "I turned it off and still got one" is a lie.
    turned_off = {e for e in EVENTS if before.wants(e) and not events.get(e, defaults[e])}
    n = cfg.notifications
    values = {
        "email": address,
        "events": json.dumps({k: v for k, v in sorted(events.items()) if defaults[k] != v}) or None,
        "due_days_before": None if due_days_before in (None, n.due_days_before) else due_days_before,
        "digest": None if digest is None or digest == n.digest else int(digest),
        "updated_at": now or clock.now(),
        "updated_by": username,
    }
    with store.engine().begin() as con:
        _upsert_prefs(con, customer_id, values)
        dropped = _drop_unsent(con, customer_id, turned_off) if turned_off else 0
    audit.record("notify.preferences", username, None, customer_id=customer_id, dropped=dropped)
    return preferences(customer_id, cfg)


def _upsert_prefs(con: Connection, customer_id: str, values: dict[str, Any]) -> None:
    """Update the person's row, or insert it when there is none (two saves at once: the last wins)."""
    done = con.execute(
        update(notification_prefs).where(notification_prefs.c.customer_id == customer_id).values(**values)
    )
    if done.rowcount == 0:
        try:
            with con.begin_nested():
                con.execute(insert(notification_prefs).values(customer_id=customer_id, **values))
        except IntegrityError:
            con.execute(
                update(notification_prefs)
                .where(notification_prefs.c.customer_id == customer_id)
                .values(**values)
            )


def set_event(customer_id: str, event: str, on: bool, username: str, now: dt.datetime | None = None) -> None:
    """Switch one EVENT on or off for the person, keeping their other choices."""
    current = preferences(customer_id)
    save_preferences(
        customer_id,
        username,
        {**current.events, event: on},
        current.email or "",
        current.due_days_before,
        current.digest,
        now,
    )


# --- consent to electronic correspondence ---------------------------------------------------------


@dataclass(frozen=True)
class Consent:
    """The consent in force for a person."""

    given: bool
    method: str  # a key of METHODS
    version: str | None = None
    at: dt.datetime | None = None  # UTC; None for a consent from the export
    username: str | None = None

    @property
    def label(self) -> str:
        """Return the consent in the run's language: 'udzielona 03.12.2026 19:40 w e-BOK (…), wersja 2026-12'."""
        method = _(METHODS[self.method])
        if self.at is None:
            if self.given:
                return _("udzielona ({method})").format(method=method)
            return _("brak ({method})").format(method=method)
        if self.given:
            text = _("udzielona {when} {method}, wersja treści {version}")
        else:
            text = _("wycofana {when} {method}, wersja treści {version}")
        return text.format(when=fmt.local_datetime(self.at), method=method, version=self.version)


def _export_customers() -> dict[str, tuple[str, str | None, bool]]:
    """Return {customer_id: (name, e-mail, email_consent)} from the current warehouse ({} before a load)."""
    try:
        with warehouse.cursor() as cur:
            rows = cur.execute("SELECT customer_id, name, email, email_consent FROM customers").fetchall()
    except FileNotFoundError:
        return {}
    return {c: (n, e, bool(ok)) for c, n, e, ok in rows}


def _latest_consents(customer_ids: Iterable[str] | None = None) -> dict[str, Any]:
    """Return {customer_id: the newest mail_consents row} (of CUSTOMER_IDS, or everyone)."""
    newest = select(mail_consents.c.customer_id, func.max(mail_consents.c.id).label("id")).group_by(
        mail_consents.c.customer_id
    )
    if customer_ids is not None:
        newest = newest.where(mail_consents.c.customer_id.in_(list(customer_ids)))
    ids = newest.subquery()
    with store.engine().connect() as con:
        rows = con.execute(select(mail_consents).join(ids, ids.c.id == mail_consents.c.id)).all()
    return {r.customer_id: r for r in rows}


def _consent_from(row: Any, export_flag: bool) -> Consent:
    if row is None:
        return Consent(given=export_flag, method="export")
    return Consent(bool(row.given), row.method, row.text_version, row.at, row.username)


def consent(customer_id: str) -> Consent:
    """Return the consent in force for the person."""
    row = _latest_consents([customer_id]).get(customer_id)
    flag = _export_customers().get(customer_id, ("", None, False))[2] if row is None else False
    return _consent_from(row, flag)


def record_consent(
    customer_id: str,
    given: bool,
    username: str,
    method: str = "portal",
    email: str | None = None,
    client_address: str | None = None,
    now: dt.datetime | None = None,
) -> Consent:
    """Record that the person gave (GIVEN) or withdrew their consent, with the wording in force."""
    if method not in METHODS or method == "export":
        raise ValueError(method)
    n = config.load().notifications
    at = now or clock.now()
    dropped = 0
    with store.engine().begin() as con:
        if not given:
            dropped = _drop_unsent(con, customer_id)
        con.execute(
            insert(mail_consents).values(
                customer_id=customer_id,
                given=int(given),
                text_version=n.consent_version,
                text=n.consent_text,
                method=method,
                username=username,
                email=email,
                client_address=client_address,
                at=at,
            )
        )
    audit.record(
        "notify.consent", username, None, customer_id=customer_id, given=given, method=method, dropped=dropped
    )
    return Consent(given, method, n.consent_version, at, username)


def _drop_unsent(con: Connection, customer_id: str, events: set[str] | None = None) -> int:
    """Drop the person's notifications not sent yet (in the outbox, or waiting for the digest); return how many.

    A withdrawn consent (EVENTS None: all) or an event switched off stops what was queued before it
    too: a mail the SMTP server has not taken yet (it was down, or the flush had not run) would
    otherwise go out after it. A queued mail that also carries another event is kept whole.
    """
    person = notifications_sent.c.customer_id == customer_id
    mine = person if events is None else person & notifications_sent.c.event.in_(sorted(events))
    waiting = set(
        con.execute(
            select(notifications_sent.c.outbox_id)
            .where(mine, notifications_sent.c.status == QUEUED, notifications_sent.c.outbox_id.is_not(None))
            .distinct()
        ).scalars()
    )
    if events is not None and waiting:
        shared = con.execute(
            select(notifications_sent.c.outbox_id).where(
                person,
                notifications_sent.c.outbox_id.in_(sorted(waiting)),
                notifications_sent.c.event.not_in(sorted(events)) | notifications_sent.c.event.is_(None),
            )
        ).scalars()
        waiting -= set(shared)
    cancelled = outbox.cancel(sorted(waiting), con)
    done = con.execute(
        update(notifications_sent)
        .where(
            mine,
            (notifications_sent.c.status == DIGEST) | notifications_sent.c.outbox_id.in_(cancelled),
        )
        .values(status=DROPPED, outbox_id=None)
    )
    return int(done.rowcount)


def consent_record(customer_id: str | None = None) -> list[dict[str, str]]:
    """Return the consent history (newest first) in Polish columns, for the office to show or export."""
    query = select(mail_consents).order_by(mail_consents.c.id.desc())
    if customer_id:
        query = query.where(mail_consents.c.customer_id == customer_id)
    with store.engine().connect() as con:
        rows = con.execute(query).all()
    return [
        {
            "Klient": r.customer_id,
            "Zgoda": _("udzielona") if r.given else _("wycofana"),
            "Kiedy": fmt.local_datetime(r.at),
            "Wersja treści": r.text_version,
            "Sposób": _(METHODS[r.method]) if r.method in METHODS else r.method,
            "Kto": r.username,
            "E-mail": r.email or "",
            "Adres IP": r.client_address or "",
            "Treść": r.text,
        }
        for r in rows
    ]


def consent_csv(customer_id: str | None = None) -> bytes:
    """Return consent_record() as a CSV file (UTF-8 with BOM, ';'), as the office's spreadsheet opens it."""
    rows = consent_record(customer_id)
    out = io.StringIO()
    columns = ["Klient", "Zgoda", "Kiedy", "Wersja treści", "Sposób", "Kto", "E-mail", "Adres IP", "Treść"]
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- occurrences and delivery ---------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event for one person: what the rule found."""

    event: str
    customer_id: str
    key: str  # unique within the event and the person, e.g. "P1:FV/2026/11/0001"
    line: str  # the occurrence in one line, in the recipient's language
    premises_id: str | None = None
    details: tuple[tuple[str, str], ...] = ()  # (label, value) rows, e.g. the transfer details
    subject: str | None = None  # instead of the event's subject when it is the only one in a mail
    address: str | None = None  # where it belongs (a form's reply address) unless the person chose one

    @property
    def item_key(self) -> str:
        """Return the unique key stored with the person: '<event>:<occurrence>'."""
        return f"{self.event}:{self.key}"[:120]


@dataclass
class Result:
    """What a run did, in occurrences (items) and e-mails."""

    emails: int = 0
    items: int = 0
    already_sent: int = 0
    no_consent: int = 0
    no_address: int = 0
    turned_off: int = 0
    digest: int = 0
    baseline: int = 0
    failed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Audience:
    """Who may receive what, read once per run."""

    customers: dict[str, tuple[str, str | None, bool]]  # the export's name, e-mail, paper consent
    consents: dict[str, Any]  # newest mail_consents row per customer
    prefs: dict[str, Preferences]  # only people who changed something
    accounts: dict[str, str]  # customer_id -> an active resident account's e-mail
    cfg: config.Config
    languages: dict[str, str]  # customer_id -> the language their accounts chose (else Polish)

    def consent(self, customer_id: str) -> Consent:
        """Return the consent in force for the person."""
        flag = self.customers.get(customer_id, ("", None, False))[2]
        return _consent_from(self.consents.get(customer_id), flag)

    def preferences(self, customer_id: str) -> Preferences:
        """Return the person's preferences."""
        return self.prefs.get(customer_id) or _prefs_from(None, customer_id, self.cfg)

    def recipient(self, customer_id: str) -> str | None:
        """Return the address: the person's own choice, else the export's, else their account's."""
        own = self.preferences(customer_id).email
        on_file = (self.customers.get(customer_id, ("", None, False))[1] or "").strip()
        return own or on_file or self.accounts.get(customer_id)

    def name(self, customer_id: str) -> str:
        """Return the person's name from the export (or the account), for the greeting."""
        return self.customers.get(customer_id, (customer_id, None, False))[0] or customer_id

    def language(self, customer_id: str) -> str | None:
        """Return the language the person reads their e-mail in: their account's choice, else Polish."""
        return self.languages.get(customer_id, i18n.DEFAULT)

    def may_receive(self, customer_id: str, event: str, address: str | None = None) -> str | None:
        """Return None when the person receives EVENT now, else why not (a Result counter's name)."""
        if not self.consent(customer_id).given:
            return "no_consent"
        if not self.preferences(customer_id).wants(event):
            return "turned_off"
        return None if self.recipient(customer_id) or address else "no_address"


def language_of(customer_id: str) -> str | None:
    """Return the language CUSTOMER_ID reads e-BOK's e-mail in: their account's choice, else Polish."""
    return language.for_customer(customer_id)


def in_language_of(customer_id: str) -> contextlib.AbstractContextManager[str]:
    """Return a `with` block in which texts come in CUSTOMER_ID's language (a line of their e-mail)."""
    return i18n.use(language_of(customer_id) or i18n.current())


def _account_emails() -> dict[str, str]:
    """Return {customer_id: e-mail of an active resident account}, the fallback address."""
    out: dict[str, str] = {}
    for user in users.all_users():
        if user.customer_id and user.email and user.active and "resident" in user.roles:
            out.setdefault(user.customer_id, user.email)
    return out


def audience() -> Audience:
    """Read everything deliver() needs about people, once."""
    cfg = config.load()
    return Audience(
        _export_customers(),
        _latest_consents(),
        all_preferences(cfg),
        _account_emails(),
        cfg,
        language.by_customer(),
    )


def _claimed(customer_id: str, keys: list[str]) -> set[str]:
    """Return which of KEYS the person has already been sent (or has waiting for the digest)."""
    with store.engine().connect() as con:
        return set(
            con.execute(
                select(notifications_sent.c.item_key).where(
                    notifications_sent.c.customer_id == customer_id, notifications_sent.c.item_key.in_(keys)
                )
            ).scalars()
        )


def _claim_rows(
    con: Connection, items: list[Occurrence], recipient: str | None, status: str, now: dt.datetime
) -> None:
    """Insert the unique rows of ITEMS on CON; IntegrityError when another run claimed one first."""
    con.execute(
        insert(notifications_sent),
        [
            {
                "customer_id": i.customer_id,
                "item_key": i.item_key,
                "premises_id": i.premises_id,
                "recipient": recipient,
                "sent_at": now,
                "event": i.event,
                "status": status,
                "line": i.line,
            }
            for i in items
        ],
    )


def _unsubscribe_link(con: Connection, customer_id: str, event: str, now: dt.datetime) -> str:
    """Store a new one-click link for the person and EVENT; return its URL (a random id and its signature)."""
    link_id = secrets.token_urlsafe(12)
    con.execute(
        insert(unsubscribe_links).values(
            link_id=link_id, customer_id=customer_id, event=event, created_at=now
        )
    )
    return f"{config.base_url().rstrip('/')}/{UNSUBSCRIBE_PATH}?t={tokens.sign(_PURPOSE, link_id)}"


@dataclass(frozen=True)
class Section:
    """One event's part of an e-mail."""

    event: EventKind
    items: list[Occurrence]
    link: str  # the portal page
    unsubscribe: str


def _page_link(event: EventKind, items: list[Occurrence]) -> str:
    """Return the portal page for the items (with ?lokal= when they concern one premises)."""
    premises = sorted({i.premises_id for i in items if i.premises_id})
    query = f"?lokal={quote(premises[0], safe='')}" if len(premises) == 1 else ""
    return f"{config.base_url().rstrip('/')}/{event.page}{query}"


def _translated(section: Section) -> Section:
    """Return SECTION with its event's words in the language of this run."""
    event = section.event
    words = replace(event, label=_(event.label), subject=_(event.subject), intro=_(event.intro))
    return replace(section, event=words)


def render(
    name: str, sections: list[Section], cfg: config.Config, digest: bool = False, lang: str | None = None
) -> tuple[str, str, str]:
    """Return (subject, plain text, HTML) of an e-mail with SECTIONS in LANG (None: the run's language)."""
    with i18n.use(lang or i18n.current()):
        return _render(name, [_translated(s) for s in sections], cfg, digest)


def _render(name: str, sections: list[Section], cfg: config.Config, digest: bool) -> tuple[str, str, str]:
    """Return (subject, plain text, HTML) of an e-mail with SECTIONS, from the Jinja2 templates."""
    if digest:
        subject = _("e-BOK: zestawienie powiadomień z ostatniego tygodnia")
    elif len(sections[0].items) == 1 and sections[0].items[0].subject:
        subject = sections[0].items[0].subject or ""
    else:
        count = len(sections[0].items)
        subject = sections[0].event.subject + (f" ({count})" if count > 1 else "")
    company = cfg.company
    context = {
        "lang": i18n.current(),
        "name": name,
        "sections": sections,
        "digest": digest,
        "company": company,
        "phones": ", ".join(company.phones),
        "portal": config.base_url(),
    }
    text = _TEMPLATES.get_template("notice.txt.j2").render(context)
    html = _TEMPLATES.get_template("notice.html.j2").render(context)
    return subject, text, html


def _queue_mail(
    con: Connection,
    recipient: str,
    name: str,
    groups: dict[str, list[Occurrence]],
    now: dt.datetime,
    digest: bool,
    lang: str | None = None,
) -> int:
    """Queue one e-mail with a section per event of GROUPS on CON in LANG; return its outbox id."""
    cfg = config.load()
    sections = []
    for event, items in groups.items():
        kind = EVENTS[event]
        link = _unsubscribe_link(con, items[0].customer_id, event, now)
        sections.append(Section(kind, items, _page_link(kind, items), link))
    subject, text, html = render(name, sections, cfg, digest, lang)
    # Which event the mail announces: mail filters and the office's tools can sort by it.
    headers = {"X-Ebok-Event": "digest" if digest else sections[0].event.key}
    # One event per mail: the header unsubscribes from exactly that event; a digest of several
    # events: from all of them (the body has a link per event).
    if len(sections) == 1:
        header_link = sections[0].unsubscribe
    else:
        header_link = _unsubscribe_link(con, sections[0].items[0].customer_id, ALL_EVENTS, now)
    headers["List-Unsubscribe"] = f"<{header_link}>"
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return outbox.queue(recipient, subject, text, now=now, con=con, html=html, headers=headers)


def _send_group(items: list[Occurrence], who: Audience, now: dt.datetime, result: Result) -> None:
    """Claim ITEMS (one person, one event) and queue their e-mail in one transaction."""
    customer_id, event = items[0].customer_id, items[0].event
    recipient = who.preferences(customer_id).email or items[0].address or who.recipient(customer_id) or ""
    for _attempt in range(3):  # another run may claim some of them meanwhile: retry with the rest
        fresh_keys = {i.item_key for i in items} - _claimed(customer_id, [i.item_key for i in items])
        fresh = [i for i in items if i.item_key in fresh_keys]
        result.already_sent += len(items) - len(fresh)
        items = fresh
        if not items:
            return
        try:
            with store.engine().begin() as con:
                if who.preferences(customer_id).digest:
                    _claim_rows(con, items, recipient, DIGEST, now)
                    result.digest += len(items)
                    return
                _claim_rows(con, items, recipient, QUEUED, now)
                outbox_id = _queue_mail(
                    con,
                    recipient,
                    who.name(customer_id),
                    {event: items},
                    now,
                    False,
                    who.language(customer_id),
                )
                _set_outbox(con, customer_id, [i.item_key for i in items], outbox_id)
        except IntegrityError:
            continue
        except ValueError as exc:  # an address the outbox refuses: nothing claimed, counted
            result.failed.append(f"{customer_id}: {exc}")
            return
        result.emails += 1
        result.items += len(items)
        return


def _set_outbox(con: Connection, customer_id: str, keys: list[str], outbox_id: int) -> None:
    con.execute(
        update(notifications_sent)
        .where(notifications_sent.c.customer_id == customer_id, notifications_sent.c.item_key.in_(keys))
        .values(outbox_id=outbox_id, status=QUEUED)
    )


def deliver(
    occurrences: Iterable[Occurrence],
    now: dt.datetime | None = None,
    who: Audience | None = None,
    dry_run: bool = False,
) -> Result:
    """Send each occurrence to its person once: one e-mail per person and event (or the digest)."""
    now = now or clock.now()
    who = who or audience()
    result = Result()
    groups: dict[tuple[str, str], list[Occurrence]] = {}
    for occ in occurrences:
        groups.setdefault((occ.customer_id, occ.event), []).append(occ)
    for (customer_id, event), items in sorted(groups.items()):
        why_not = who.may_receive(customer_id, event, items[0].address)
        if why_not is not None:
            setattr(result, why_not, getattr(result, why_not) + len(items))
            continue
        if dry_run:
            fresh = set(i.item_key for i in items) - _claimed(customer_id, [i.item_key for i in items])
            result.emails += bool(fresh)
            result.items += len(fresh)
            result.already_sent += len(items) - len(fresh)
            continue
        _send_group(items, who, now, result)
    return result


def baseline(occurrences: Iterable[Occurrence], now: dt.datetime | None = None) -> int:
    """Record OCCURRENCES as already announced without e-mailing (first deployment); return how many."""
    now = now or clock.now()
    done = 0
    for occ in occurrences:
        try:
            with store.engine().begin() as con:
                _claim_rows(con, [occ], None, BASELINE, now)
        except IntegrityError:
            continue
        done += 1
    return done


def payment_result(
    customer_id: str,
    premises_id: str,
    payment_id: str,
    ok: bool,
    amount_text: str,
    reason: str = "",
    lang: str | None = None,
) -> Result:
    """Announce an online payment's outcome (issue 15 calls this once the bank has answered).

    LANG is the person's language (None: the run's); AMOUNT_TEXT and REASON should be in it too.
    """
    event = PAYMENT_CONFIRMED if ok else PAYMENT_FAILED
    with i18n.use(lang or i18n.current()):
        if reason and not ok:
            line = _("{amount}, lokal {premises} — {reason}").format(
                amount=amount_text, premises=premises_id, reason=reason
            )
        else:
            line = _("{amount}, lokal {premises}").format(amount=amount_text, premises=premises_id)
    return deliver([Occurrence(event, customer_id, payment_id, line, premises_id)])


# --- weekly digest -------------------------------------------------------------------------------


def _digest_rows(con: Connection) -> dict[str, list[Any]]:
    rows = con.execute(
        select(notifications_sent)
        .where(notifications_sent.c.status == DIGEST)
        .order_by(notifications_sent.c.customer_id, notifications_sent.c.id)
    ).all()
    out: dict[str, list[Any]] = {}
    for r in rows:
        out.setdefault(r.customer_id, []).append(r)
    return out


class _Lost(Exception):
    """Another digest run took these rows first."""


def _send_digest(customer_id: str, rows: list[Any], who: Audience, now: dt.datetime) -> bool:
    """Take the person's waiting ROWS and queue their digest in one transaction; False when none is sent."""
    ids = [r.id for r in rows]
    recipient = who.recipient(customer_id)
    allowed = bool(recipient) and who.consent(customer_id).given
    with store.engine().begin() as con:
        # Taking the rows is the claim: a second digest run at once changes none and sends nothing.
        taken = con.execute(
            update(notifications_sent)
            .where(notifications_sent.c.id.in_(ids), notifications_sent.c.status == DIGEST)
            .values(status=QUEUED if allowed else DROPPED)
        )
        if taken.rowcount != len(ids):
            raise _Lost
        if not allowed:  # consent withdrawn (or no address) since: the waiting lines are dropped
            return False
        groups: dict[str, list[Occurrence]] = {}
        for r in rows:
            key = r.item_key.partition(":")[2]
            groups.setdefault(r.event, []).append(
                Occurrence(r.event, customer_id, key, r.line or "", r.premises_id)
            )
        outbox_id = _queue_mail(
            con, recipient or "", who.name(customer_id), groups, now, True, who.language(customer_id)
        )
        con.execute(
            update(notifications_sent).where(notifications_sent.c.id.in_(ids)).values(outbox_id=outbox_id)
        )
    return True


def send_digests(now: dt.datetime | None = None) -> Result:
    """Send every person's waiting occurrences as one e-mail, a section per event (the weekly digest)."""
    now = now or clock.now()
    who = audience()
    result = Result()
    with store.engine().connect() as con:
        waiting = _digest_rows(con)
    for customer_id, rows in waiting.items():
        try:
            sent = _send_digest(customer_id, rows, who, now)
        except _Lost:
            result.already_sent += len(rows)
            continue
        if not sent:
            result.no_consent += len(rows)
            continue
        result.emails += 1
        result.items += len(rows)
    return result


# --- unsubscribe ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unsubscribe:
    """What a link asked for and whether it can still be used."""

    state: str  # ok (may be used), used, invalid
    event_label: str = ""


def _link(token: str) -> Any:
    link_id = tokens.verify(_PURPOSE, token)
    if link_id is None:
        return None
    with store.engine().connect() as con:
        return con.execute(select(unsubscribe_links).where(unsubscribe_links.c.link_id == link_id)).first()


def peek_unsubscribe(token: str) -> Unsubscribe:
    """Return what TOKEN would do, without using it (the page shown before the click)."""
    row = _link(token)
    if row is None:
        return Unsubscribe("invalid")
    return Unsubscribe("used" if row.used_at else "ok", _link_label(row.event))


def unsubscribe(token: str, now: dt.datetime | None = None) -> Unsubscribe:
    """Use TOKEN once: switch its event off for its person. A changed or made-up link does nothing."""
    row = _link(token)
    if row is None:
        return Unsubscribe("invalid")
    now = now or clock.now()
    with store.engine().begin() as con:
        done = con.execute(
            update(unsubscribe_links)
            .where(unsubscribe_links.c.link_id == row.link_id, unsubscribe_links.c.used_at.is_(None))
            .values(used_at=now)
        )
    label = _link_label(row.event)
    if done.rowcount != 1:
        return Unsubscribe("used", label)
    if row.event == ALL_EVENTS:
        current = preferences(row.customer_id)
        off = dict.fromkeys(EVENTS, False)
        save_preferences(
            row.customer_id, LINK_USER, off, current.email or "", current.due_days_before, current.digest, now
        )
    else:
        set_event(row.customer_id, row.event, False, LINK_USER, now)
    return Unsubscribe("done", label)


def _link_label(event: str) -> str:
    """Return the event's name in the run's language (the unsubscribe page)."""
    return _(ALL_EVENTS_LABEL if event == ALL_EVENTS else EVENTS[event].label)


# --- what the office sees ------------------------------------------------------------------------


@dataclass(frozen=True)
class EventCount:
    """Occurrences of one event: e-mailed, waiting for the digest, and their e-mails' fate."""

    event: str
    label: str
    queued: int
    digest: int
    sent: int
    failing: int


def counts(since: dt.datetime | None = None) -> list[EventCount]:
    """Return per event how many occurrences went out (since SINCE), for "Stan danych"."""
    query = (
        select(
            notifications_sent.c.event,
            notifications_sent.c.status,
            mail_outbox.c.sent_at.is_not(None).label("sent"),
            mail_outbox.c.attempts,
            func.count().label("n"),
        )
        .select_from(
            notifications_sent.outerjoin(mail_outbox, mail_outbox.c.id == notifications_sent.c.outbox_id)
        )
        .group_by(notifications_sent.c.event, notifications_sent.c.status, "sent", mail_outbox.c.attempts)
    )
    if since is not None:
        query = query.where(notifications_sent.c.sent_at >= since)
    tally: dict[str, list[int]] = {key: [0, 0, 0, 0] for key in EVENTS}
    with store.engine().connect() as con:
        for event, status, sent, attempts, n in con.execute(query).all():
            row = tally.setdefault(event or "?", [0, 0, 0, 0])
            row[0] += n if status == QUEUED else 0
            row[1] += n if status == DIGEST else 0
            row[2] += n if sent else 0
            row[3] += n if (status == QUEUED and not sent and attempts) else 0
    return [EventCount(k, _(EVENTS[k].label) if k in EVENTS else k, *v) for k, v in tally.items()]


def events_of_messages(outbox_ids: Iterable[int]) -> dict[int, str]:
    """Return {outbox id: the event's label} for the office's mail list."""
    ids = list(outbox_ids)
    if not ids:
        return {}
    with store.engine().connect() as con:
        rows = con.execute(
            select(notifications_sent.c.outbox_id, notifications_sent.c.event)
            .where(notifications_sent.c.outbox_id.in_(ids))
            .distinct()
        ).all()
    out: dict[int, str] = {}
    for outbox_id, event in rows:
        label = _(EVENTS[event].label) if event in EVENTS else _("Nowe dokumenty")
        out[outbox_id] = label if outbox_id not in out else _("Zestawienie tygodniowe")
    return out
