"""Issue 16's first check on demo data: every event reaches a real demo resident once, then 0 after they turn it off.

The cooperative is the demo export (20 premises, seed 7, as of 21.11.2026) loaded by the real loader,
after the first deployment's `notify --baseline`. New occurrences come as they would in production:
rows appended to the export and loaded again (invoices, documents, settlements, next month's charges,
export messages), messages and resolutions the office publishes in e-BOK, the office's reply to the
resident's message, a payment through the fake gateway; date-driven ones by moving the controllable
clock. Each count runs `notify` and `notify --due` and flushes the outbox to a real aiosmtpd server.
The resident turns an event off with the function the Powiadomienia page calls. Amounts, dates and
meters are computed from the export's CSV files (tests/helpers/money, meters_demo), never by ebok.
Every test runs on SQLite and, with EBOK_TEST_PG_URL, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from ebok.auth import service, users
from ebok.core import config
from ebok.demo import PERSONAS
from ebok.domain import gateways, inbox, messages, meters, notifications, notify, online_payments, voting
from ebok.domain.gateways import payu
from ebok.storage import outbox, store
from ebok.storage.tables import notifications_sent
from ebok.web import asgi
from tests.helpers import money
from tests.helpers import notify_demo as nd
from tests.helpers.payments import configure, new_fake, serving
from tests.helpers.stores import empty_store_url

ANNA, (ANNA_FLAT, _ANNA_GARAGE) = PERSONAS["anna.nowak"]
MARIA, (MARIA_FLAT,) = PERSONAS["maria.zielinska"]
T0 = dt.datetime(2026, 11, 21, 9, 0)  # 10:00 in Warsaw, the demo's day; the reading window is open


def _address(world: nd.World, customer_id: str) -> str:
    return next(r["email"] for r in nd.read(world.export_dir, "customers") if r["customer_id"] == customer_id)


def _premises(world: nd.World, premises_id: str) -> dict[str, str]:
    return next(r for r in nd.read(world.export_dir, "premises") if r["premises_id"] == premises_id)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request, data_dir, monkeypatch):
    """The store on SQLite, and on PostgreSQL when EBOK_TEST_PG_URL names a server."""
    with empty_store_url(request.param, data_dir, "notify-demo") as url:
        monkeypatch.setenv("EBOK_STORE_URL", url)
        store.dispose_all()
        yield request.param
        store.dispose_all()


@pytest.fixture
def world(backend, data_dir, tmp_path, monkeypatch):
    """The demo cooperative after the first deployment's baseline: nothing is pending."""
    with nd.world(data_dir, tmp_path / "export", monkeypatch) as w:
        users.add_user(
            "anna.nowak",
            {"name": "Anna Nowak", "email": _address(w, ANNA), "roles": ["resident"], "customer_id": ANNA},
        )
        notify.run(baseline=True)
        notify.run(baseline=True, due=True)
        assert w.run() == []
        yield w


def _plain(text: str) -> str:
    """Return TEXT with non-breaking spaces as spaces (amounts group thousands with them)."""
    return text.replace("\xa0", " ")


def switch(customer_id: str, event: str, on: bool) -> None:
    """Turn EVENT on or off as the Powiadomienia page saves it (every field as the form submits it)."""
    prefs = notifications.preferences(customer_id)
    notifications.save_preferences(
        customer_id,
        "anna.nowak" if customer_id == ANNA else "maria.zielinska",
        {**prefs.events, event: on},
        prefs.email or "",
        prefs.due_days_before,
        prefs.digest,
    )


# --- the triggers: step 1 is the first occurrence, step 2 a new one after the resident said no -------


def _invoice(w: nd.World, step: int) -> str:
    day = w.now[0].date()
    number = f"FV/2026/11/90{step:02d}"
    w.add(
        "ledger",
        [
            {
                "entry_id": f"K9900000{step:02d}",
                "premises_id": ANNA_FLAT,
                "kind": "invoice",
                "entry_date": day.isoformat(),
                "due_date": (day + dt.timedelta(days=14)).isoformat(),
                "document_no": number,
                "description": "Refaktura za wymianę domofonu",
                "amount": "120,00",
            }
        ],
    )
    return f"nr {number} z {day:%d.%m.%Y}, termin płatności {day + dt.timedelta(days=14):%d.%m.%Y}"


def _document(w: nd.World, step: int) -> str:
    source = w.export_dir / "documents" / "DOK000104.pdf"
    shutil.copy(source, w.export_dir / "documents" / f"DOK99000{step}.pdf")
    title = f"Zawiadomienie o przeglądzie kominiarskim {step}"
    w.add(
        "documents",
        [
            {
                "document_id": f"DOK99000{step}",
                "premises_id": ANNA_FLAT,
                "kind": "notice",
                "title": title,
                "issued_on": w.now[0].date().isoformat(),
                "file": f"DOK99000{step}.pdf",
            }
        ],
    )
    return f"Zawiadomienie: {title} z {w.now[0]:%d.%m.%Y}"


def _settlement(w: nd.World, step: int) -> str:
    advances, cost = Decimal("512.40"), Decimal("478.15") + step
    w.add(
        "settlements",
        [
            {
                "settlement_id": f"RZ990000{step:02d}",
                "premises_id": ANNA_FLAT,
                "medium": "cold_water",
                "period_from": "2026-05-01",
                "period_to": "2026-10-31",
                "advances": str(advances).replace(".", ","),
                "consumption": "31,200",
                "unit": "m3",
                "cost": str(cost).replace(".", ","),
            }
        ],
    )
    return f"Woda zimna za okres 01.05.2026–31.10.2026: nadpłata {money.pl_money(advances - cost)}"


def _office_message(audience: str, target: str | None) -> Callable[[nd.World, int], str]:
    def trigger(w: nd.World, step: int) -> str:
        subject = f"Wyłączenie ciepłej wody ({audience}, {step})"
        messages.publish("biuro", audience, target, subject, "W środę od 8:00 do 14:00.")
        return f"„{subject}”"

    return trigger


def _export_message(w: nd.World, step: int) -> str:
    subject = f"Odbiór gabarytów ({step})"
    day = w.now[0].date().isoformat()
    w.add(
        "messages",
        [
            {
                "message_id": f"KOM99{step:02d}",
                "audience": "customer",
                "target": ANNA,
                "published_on": day,
                "subject": subject,
                "body": "Gabaryty odbieramy w pierwszy wtorek miesiąca.",
            }
        ],
    )
    return f"„{subject}” z {w.now[0]:%d.%m.%Y}"


def _payment_due(w: nd.World, step: int) -> str:
    # The next month's charges come with the next export; 3 days before their due date (the default).
    month = dt.date(2026, 12, 1) if step == 1 else dt.date(2027, 1, 1)
    due = month.replace(day=10)
    w.add(
        "ledger",
        [
            {
                "entry_id": f"K9910000{step:02d}",
                "premises_id": ANNA_FLAT,
                "kind": "charge",
                "entry_date": month.isoformat(),
                "due_date": due.isoformat(),
                "description": f"Opłaty za lokal za {month:%m.%Y}",
                "amount": "955,32",
            }
        ],
    )
    w.at(dt.datetime.combine(due - dt.timedelta(days=3), dt.time(6)))
    expected = money.expected(w.export_dir, ANNA_FLAT, w.now[0].date())
    assert expected.next_due == due
    return f"{money.pl_money(expected.next_due_amount)} do zapłaty do {due:%d.%m.%Y}"


def _overdue(w: nd.World, step: int) -> str:
    # The baseline recorded the demo's arrears on 21.11; the office's 14 days later, still unpaid.
    w.at(T0 + dt.timedelta(days=14 * step))
    expected = money.expected(w.export_dir, ANNA_FLAT, w.now[0].date())
    assert expected.overdue > 0
    return f"zaległość po terminie {money.pl_money(expected.overdue)}"


def _window_open(w: nd.World, step: int) -> str:
    first = dt.date(2026, 12, 20) if step == 1 else dt.date(2027, 1, 20)
    w.at(dt.datetime.combine(first, dt.time(9)))
    last = (first.replace(day=28) + dt.timedelta(days=10)).replace(day=5)
    return f"odczyty przyjmujemy od {first:%d.%m.%Y} do {last:%d.%m.%Y}"


def _unread_meters(w: nd.World, since: dt.date, premises_id: str = ANNA_FLAT) -> list[str]:
    """Serial numbers of the premises' mounted meters without a reading on or after SINCE (from the CSVs)."""
    mounted = [
        m for m in nd.read(w.export_dir, "meters") if m["premises_id"] == premises_id and not m["removed_on"]
    ]
    read_ids = {
        r["meter_id"] for r in nd.read(w.export_dir, "readings") if r["reading_date"][:10] >= str(since)
    }
    return sorted(m["serial_no"] for m in mounted if m["meter_id"] not in read_ids)


def _window_closing(w: nd.World, step: int) -> str:
    # The window of 20.11–05.12 (then 20.12–05.01) has 2 days left (the office's default).
    first = dt.date(2026, 11, 20) if step == 1 else dt.date(2026, 12, 20)
    last = (first.replace(day=28) + dt.timedelta(days=10)).replace(day=5)
    w.at(dt.datetime.combine(last - dt.timedelta(days=2), dt.time(9)))
    unread = _unread_meters(w, first)
    assert unread
    return f"nr {unread[0]}"


def _legalisation(w: nd.World, step: int) -> str:
    # 30 days (the office's default) before a mounted meter's legalisation ends: the earliest, then the next.
    meters = sorted(
        (m["legalisation_until"], m["serial_no"])
        for m in nd.read(w.export_dir, "meters")
        if m["premises_id"] == ANNA_FLAT and not m["removed_on"] and m["legalisation_until"]
    )
    until, serial = meters[step - 1]
    end = dt.date.fromisoformat(until)
    w.at(dt.datetime.combine(end - dt.timedelta(days=30), dt.time(9)))
    return f"nr {serial} (lokal ul. Ząbkowska 7/1, Warszawa): legalizacja kończy się {end:%d.%m.%Y}"


def _community(w: nd.World) -> str:
    return _premises(w, MARIA_FLAT)["community_id"]


def _vote_open(w: nd.World, step: int) -> str:
    title = f"w sprawie wymiany domofonów ({step})"
    local = w.now[0] + dt.timedelta(hours=1)  # Warsaw time in November
    voting.create_resolution(
        community_id=_community(w),
        number=f"{10 + step}/2026",
        title=title,
        body="Właściciele wyrażają zgodę.",
        pdf=None,
        vote_from=local - dt.timedelta(minutes=5),
        vote_to=local + dt.timedelta(days=10),
        username="biuro",
        now=local,
    )
    return title


def _vote_closing(w: nd.World, step: int) -> str:
    if step == 1:  # the demo's resolution 2/2026 closes 05.12.2026 20:00; Maria has not voted
        res = max(
            (r for r in nd.read(w.export_dir, "resolutions") if r["community_id"] == _community(w)),
            key=lambda r: r["vote_to"],
        )
        vote_to = dt.datetime.fromisoformat(res["vote_to"])
        title = res["title"]
    else:
        title = "w sprawie zmiany regulaminu parkingu"
        vote_to = dt.datetime(2026, 12, 20, 20, 0)
        voting.create_resolution(
            community_id=_community(w),
            number="12/2026",
            title=title,
            body="Właściciele przyjmują regulamin.",
            pdf=None,
            vote_from=dt.datetime(2026, 12, 10, 8, 0),
            vote_to=vote_to,
            username="biuro",
            now=w.now[0],
        )
    w.at(vote_to - dt.timedelta(days=1, hours=11))  # 1 day 10 hours left in Warsaw (UTC+1)
    return f"{title}; głosowanie trwa do {vote_to:%d.%m.%Y %H:%M}"


def _inbox_update(w: nd.World, step: int) -> str:
    sub = inbox.submit_contact(
        username="anna.nowak",
        premises_id=ANNA_FLAT,
        topic="oplaty",
        text="Proszę o wyjaśnienie naliczenia za wodę.",
        idempotency_key=uuid.uuid4().hex,
        customer_id=ANNA,
        email=_address(w, ANNA),
    )
    if step == 1:
        inbox.reply(sub.item_id, "Naliczenie jest zgodne z odczytem.", actor="biuro")
        return f"Odpowiedź na Twoją wiadomość {sub.reference}"  # the subject
    inbox.set_status(sub.item_id, "zakonczone", actor="biuro")
    return f"Nowy status: Twoja wiadomość {sub.reference}"


@pytest.fixture
def payu_gateway(monkeypatch):
    """PayU through the fake gateway; its notifications go straight to the domain, as the receiver's."""
    payu.clear_tokens()
    monkeypatch.setattr(gateways, "timeout", httpx.Timeout(1.0))

    def deliver(url: str, headers: dict[str, str], body: bytes) -> None:
        online_payments.handle_notification(url.rsplit("/", 1)[1], headers, body, "192.0.2.7")

    fake = new_fake(notify=deliver)
    fake.notify_delay = 0
    with serving(fake.app) as url:
        configure("payu", url)
        yield fake
    payu.clear_tokens()


def _payment(action: str) -> Callable[[nd.World, int], str]:
    def trigger(w: nd.World, step: int) -> str:
        overdue = money.expected(w.export_dir, ANNA_FLAT, w.now[0].date()).overdue
        grosze = int(overdue * 100) + step  # a new payment each step
        payment, _ = online_payments.start(
            ANNA_FLAT, "anna.nowak", grosze, [], _address(w, ANNA), "10.0.0.1", "http://portal/platnosc"
        )
        w.gateway.pay(payment.payment_id, action)
        assert online_payments.get(payment.payment_id, ANNA_FLAT).status == (
            "confirmed" if action == "pay" else "cancelled"
        )
        return f"{money.pl_money(Decimal(grosze) / 100)}, lokal {ANNA_FLAT}"

    return trigger


# event, who, trigger, whether a later run finds the occurrence again (then turning it on sends it)
SCENARIOS: dict[str, tuple[str, str, Callable[[nd.World, int], str], bool]] = {
    "invoice": ("invoice", ANNA, _invoice, True),
    "document": ("document", ANNA, _document, True),
    "settlement": ("settlement", ANNA, _settlement, True),
    "office_message-all": ("office_message", ANNA, _office_message("all", None), True),
    "office_message-building": ("office_message", ANNA, _office_message("building", "B0001"), True),
    "office_message-community": ("office_message", MARIA, _office_message("community", "WM001"), True),
    "office_message-customer": ("office_message", ANNA, _office_message("customer", ANNA), True),
    "office_message-export": ("office_message", ANNA, _export_message, True),
    "payment_due": ("payment_due", ANNA, _payment_due, True),
    "overdue": ("overdue", ANNA, _overdue, True),
    "reading_window_open": ("reading_window_open", ANNA, _window_open, True),
    "reading_window_closing": ("reading_window_closing", ANNA, _window_closing, True),
    "legalisation": ("legalisation", ANNA, _legalisation, True),
    "vote_open": ("vote_open", MARIA, _vote_open, True),
    "vote_closing": ("vote_closing", MARIA, _vote_closing, True),
    "inbox_update": ("inbox_update", ANNA, _inbox_update, True),
    "payment_confirmed": ("payment_confirmed", ANNA, _payment("pay"), False),
    "payment_failed": ("payment_failed", ANNA, _payment("cancel"), False),
}


def test_every_event_has_a_demo_scenario():
    assert {event for event, *_ in SCENARIOS.values()} == set(notifications.EVENTS)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_event_on_demo_data_reaches_the_resident_once_then_not_after_turning_it_off(world, name, request):
    event, who, trigger, found_again = SCENARIOS[name]
    if event.startswith("payment_"):
        world.gateway = request.getfixturevalue("payu_gateway")
    to = _address(world, who)
    seen = trigger(world, 1)
    assert world.count(event, to) == 1
    assert _plain(seen) in _shown(world.last(event, to))
    assert world.count(event, to) == 0 and world.total(event, to) == 1  # once per occurrence
    switch(who, event, False)
    seen = trigger(world, 2)
    assert world.count(event, to) == 0
    if found_again:  # the new occurrence was there: only the switch held it
        switch(who, event, True)
        assert world.count(event, to) == 1
        assert _plain(seen) in _shown(world.last(event, to))
    assert world.total(event, to) == (2 if found_again else 1)


def _shown(mail: nd.Mail) -> str:
    """Return what the person reads: the subject and the plain text."""
    return _plain(f"{mail.msg['Subject']}\n{mail.text}")


def test_office_message_reaches_only_its_audience(world):
    anna, maria = _address(world, ANNA), _address(world, MARIA)
    assert _premises(world, ANNA_FLAT)["building_id"] != _premises(world, MARIA_FLAT)["building_id"]
    for audience, target, reached in (
        ("all", None, [anna, maria]),
        ("building", _premises(world, ANNA_FLAT)["building_id"], [anna]),
        ("community", _community(world), [maria]),
        ("customer", ANNA, [anna]),
    ):
        _office_message(audience, target)(world, 1)
        mine = sorted(m.to for m in world.run() if m.event == "office_message" and m.to in (anna, maria))
        assert mine == sorted(reached), audience


# --- time-based rules on demo data, with the controllable clock ------------------------------------


def test_payment_due_only_within_the_residents_days_with_the_amounts_remaining(world):
    to = _address(world, ANNA)
    _payment_due(world, 1)  # December's charge, due 10.12.2026; the clock 3 days before
    world.at(dt.datetime(2026, 12, 6, 9))  # 4 days before: more than the office's 3
    assert world.count("payment_due", to) == 0
    world.at(dt.datetime(2026, 12, 7, 9))
    assert world.count("payment_due", to) == 1
    expected = money.expected(world.export_dir, ANNA_FLAT, dt.date(2026, 12, 7))
    account = _premises(world, ANNA_FLAT)["bank_account"]
    text = _shown(world.last("payment_due", to))
    assert _plain(f"{money.pl_money(expected.next_due_amount)} do zapłaty do 10.12.2026") in text
    assert _plain(f"Do zapłaty łącznie: {money.pl_money(expected.open_total)}") in text  # arrears + December
    assert f"{account[:2]} " + " ".join(account[i : i + 4] for i in range(2, 26, 4)) in text
    assert f"Tytuł przelewu: Opłaty za lokal {ANNA_FLAT} {ANNA}" in text
    world.at(dt.datetime(2026, 12, 10, 9))
    assert world.count("payment_due", to) == 0  # once per due date
    # Anna wants a week's notice: January's charge reminds her 7 days before, not 8.
    prefs = notifications.preferences(ANNA)
    notifications.save_preferences(ANNA, "anna.nowak", prefs.events, "", 7, prefs.digest)
    _payment_due(world, 2)
    world.at(dt.datetime(2027, 1, 2, 9))
    assert world.count("payment_due", to) == 0
    world.at(dt.datetime(2027, 1, 3, 9))
    assert world.count("payment_due", to) == 1


def test_overdue_no_more_often_than_the_office_sets(world):
    cfg = config.load()
    config.save(config.replace_section(cfg, "notifications", overdue_repeat_days=7))
    to = _address(world, ANNA)
    for days, mails in ((6, 0), (7, 1), (8, 0), (13, 0), (14, 1)):  # the baseline's reminder was on day 0
        world.at(T0 + dt.timedelta(days=days))
        assert world.count("overdue", to) == mails, days
    overdue = money.expected(world.export_dir, ANNA_FLAT, (T0 + dt.timedelta(days=14)).date()).overdue
    assert _plain(f"zaległość po terminie {money.pl_money(overdue)}") in _shown(world.last("overdue", to))


def test_window_closing_near_the_end_skips_a_meter_read_in_e_bok(world):
    maria = _address(world, MARIA)
    unread = _unread_meters(world, dt.date(2026, 11, 20), MARIA_FLAT)
    assert len(unread) == 2
    meters.submit_reading(
        premises_id=MARIA_FLAT,
        meter_id=next(
            m["meter_id"] for m in nd.read(world.export_dir, "meters") if m["serial_no"] == unread[0]
        ),
        value="999",
        username="maria.zielinska",
        now=dt.datetime(2026, 12, 1, 10),
        idempotency_key=uuid.uuid4().hex,
        confirmed=True,
    )
    world.at(dt.datetime(2026, 12, 2, 9))  # 3 days left: more than 2
    assert world.count("reading_window_closing", maria) == 0
    world.at(dt.datetime(2026, 12, 3, 9))
    assert world.count("reading_window_closing", maria) == 1
    text = _shown(world.last("reading_window_closing", maria))
    assert f"nr {unread[1]}" in text and unread[0] not in text


def test_legalisation_within_n_days(world):
    to = _address(world, ANNA)
    until = _legalisation(world, 1).rsplit(" ", 1)[1]
    end = dt.datetime.strptime(until, "%d.%m.%Y")
    world.at(end - dt.timedelta(days=31, hours=-9))  # 31 days before, 09:00
    assert world.count("legalisation", to) == 0
    world.at(end - dt.timedelta(days=30, hours=-9))
    assert world.count("legalisation", to) == 1


def test_vote_closing_only_near_the_end_and_without_the_premises_vote(world):
    maria = _address(world, MARIA)
    res = max(
        (r for r in nd.read(world.export_dir, "resolutions") if r["community_id"] == _community(world)),
        key=lambda r: r["vote_to"],
    )
    vote_to = dt.datetime.fromisoformat(res["vote_to"])  # Warsaw time; UTC is one hour behind
    world.at(vote_to - dt.timedelta(days=2, hours=2))  # 2 days 1 hour left
    assert world.count("vote_closing", maria) == 0
    world.at(vote_to - dt.timedelta(days=1, hours=11))
    voting.cast_vote(
        premises_id=MARIA_FLAT,
        resolution_id=res["resolution_id"],
        choice="for",
        username="maria.zielinska",
        now=world.now[0] + dt.timedelta(hours=1),
    )
    # Her neighbour gave her consent in the office and has not voted: she is reminded, Maria is not.
    neighbour = next(
        r["customer_id"]
        for r in nd.read(world.export_dir, "premises")
        if r["community_id"] == _community(world)
        and r["customer_id"] != MARIA
        and _address(world, r["customer_id"])
    )
    notifications.record_consent(neighbour, True, "biuro", method="office")
    new = world.run()
    assert [m.to for m in new if m.event == "vote_closing"] == [_address(world, neighbour)]


# --- unsubscribe, consent ---------------------------------------------------------------------------


def test_unsubscribe_link_of_a_received_mail_works_once_without_login(world):
    web = TestClient(Starlette(routes=asgi.routes()))  # no cookie, no session: a mail provider's POST
    to = _address(world, ANNA)
    _document(world, 1)
    assert world.count("document", to) == 1
    mail = world.last("document", to)
    assert mail.msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = mail.msg["List-Unsubscribe"].strip("<>").removeprefix(config.base_url().rstrip("/"))
    assert path.startswith("/_ebok/unsubscribe?t=") and ANNA not in path
    tampered = path[:-1] + ("0" if path[-1] != "0" else "1")
    assert web.post(tampered, content="List-Unsubscribe=One-Click").status_code == 400
    _document(world, 2)
    assert world.count("document", to) == 1  # the tampered link changed nothing
    done = web.post(path, content="List-Unsubscribe=One-Click")
    assert done.status_code == 200 and "Gotowe" in done.text
    _document(world, 3)
    assert world.count("document", to) == 0
    assert "już użyty" in web.post(path, content="List-Unsubscribe=One-Click").text
    _invoice(world, 1)
    assert world.count("invoice", to) == 1  # only that event was switched off


def test_consent_on_record_with_its_version_and_a_new_wording(world):
    paper = next(r for r in nd.read(world.export_dir, "customers") if r["customer_id"] == ANNA)
    assert paper["email_consent"] == "tak"
    assert (notifications.consent(ANNA).given, notifications.consent(ANNA).method) == (True, "export")
    to = _address(world, ANNA)
    notifications.record_consent(ANNA, False, "anna.nowak", email=to, client_address="10.0.0.7")
    cfg = config.load()
    config.save(
        config.replace_section(
            cfg, "notifications", consent_version="2027-01", consent_text="Nowa treść zgody na e-maile."
        )
    )
    notifications.record_consent(ANNA, True, "anna.nowak", email=to, client_address="10.0.0.8")
    record = notifications.consent_record(ANNA)
    assert [(r["Zgoda"], r["Wersja treści"], r["Treść"][:10], r["Adres IP"]) for r in record] == [
        ("udzielona", "2027-01", "Nowa treść", "10.0.0.8"),
        ("wycofana", "2026-12", "Wyrażam zg", "10.0.0.7"),
    ]
    assert notifications.consent(ANNA).version == "2027-01"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_withdrawn_consent_stops_every_event_on_demo_data(world, name, request):
    event, who, trigger, found_again = SCENARIOS[name]
    if event.startswith("payment_"):
        world.gateway = request.getfixturevalue("payu_gateway")
    to = _address(world, who)
    username = "anna.nowak" if who == ANNA else "maria.zielinska"
    notifications.record_consent(who, False, username, email=to)  # the page's "Wycofuję zgodę"
    trigger(world, 1)
    assert [m.event for m in world.run() if m.to == to] == []  # nothing at all
    if found_again:  # the occurrence was there: only the missing consent held it
        notifications.record_consent(who, True, username, email=to)
        assert world.count(event, to) == 1


def test_withdrawn_consent_drops_the_waiting_weekly_digest(world):
    to = _address(world, ANNA)
    prefs = notifications.preferences(ANNA)
    notifications.save_preferences(ANNA, "anna.nowak", prefs.events, "", prefs.due_days_before, True)
    _invoice(world, 1)
    _document(world, 1)
    assert [m for m in world.run() if m.to == to] == []  # waiting for the digest
    notifications.record_consent(ANNA, False, "anna.nowak", email=to)
    assert notifications.send_digests().emails == 0
    outbox.flush()
    assert [m for m in world.run() if m.to == to] == []
    notifications.record_consent(ANNA, True, "anna.nowak", email=to)
    _invoice(world, 2)
    world.run()
    digest = notifications.send_digests()
    assert (digest.emails, digest.items) == (1, 1)  # only the new invoice: the dropped ones stay dropped
    assert [m.event for m in world.run() if m.to == to] == ["digest"]


def test_withdrawing_consent_stops_a_notification_still_in_the_outbox(world):
    to = _address(world, ANNA)
    _invoice(world, 1)
    _document(world, 1)
    assert (
        notify.run().emails == 2
    )  # queued; the SMTP server has not taken them yet (down, or before the flush)
    notifications.record_consent(ANNA, False, "anna.nowak", email=to)
    assert [m.event for m in world.run() if m.to == to] == []
    assert [m["recipient"] for m in outbox.pending()] == []
    by_event = {c.event: c for c in notifications.counts()}
    assert (by_event["invoice"].queued, by_event["document"].queued) == (0, 0)
    notifications.record_consent(ANNA, True, "anna.nowak", email=to)
    assert [m.event for m in world.run() if m.to == to] == []  # withdrawn, not postponed


def test_turning_an_event_off_stops_its_mail_still_in_the_outbox_and_keeps_the_others(world):
    to = _address(world, ANNA)
    _invoice(world, 1)
    _document(world, 1)
    assert notify.run().emails == 2  # queued; the SMTP server has not taken them yet
    notifications.set_event(ANNA, "invoice", False, "anna.nowak")  # as the page and the unsubscribe link do
    assert [m.event for m in world.run() if m.to == to] == ["document"]
    by_event = {c.event: c for c in notifications.counts()}
    assert (by_event["invoice"].queued, by_event["document"].queued) == (0, 1)  # e-mailed occurrences
    notifications.set_event(ANNA, "invoice", True, "anna.nowak")
    assert [m.event for m in world.run() if m.to == to] == []  # dropped, not postponed


def test_withdrawn_consent_still_lets_account_mail_through(world):
    to = _address(world, ANNA)
    notifications.record_consent(ANNA, False, "anna.nowak", email=to)
    service.request_reset(to)
    outbox.flush()
    assert [(m.to, m.event) for m in world.run()] == [(to, None)]  # the password reset link


def test_a_resident_who_chose_ukrainian_reads_her_mail_in_ukrainian_and_her_neighbour_in_polish(world):
    """Issue 17: e-mails go out in the recipient's language (her account's choice, saved in the store)."""
    from ebok.auth import language
    from ebok.core import i18n
    from tests.helpers.polish_words import POLISH_WORDS

    language.save("anna.nowak", ANNA, "uk")
    users.add_user(
        "maria.zielinska",
        {"name": "Maria", "email": _address(world, MARIA), "roles": ["resident"], "customer_id": MARIA},
    )
    _payment_due(world, 1)
    world.at(dt.datetime(2026, 12, 7, 9))
    anna = _address(world, ANNA)
    assert world.count("payment_due", anna) == 1
    mail = world.last("payment_due", anna)
    expected = money.expected(world.export_dir, ANNA_FLAT, dt.date(2026, 12, 7))
    # Amounts and dates as a Ukrainian reads them (computed from the export, formatted here).
    amount = money.pl_money(expected.next_due_amount)  # uk groups and separates as pl: 1 234,56 zł
    with i18n.use("uk"):
        line = i18n._("{amount} do zapłaty do {date} {place}").split("{place}")[0]
        total = i18n._("Do zapłaty łącznie")
        footer = i18n._("Wiadomość wysłano automatycznie, prosimy na nią nie odpowiadać.")
    assert line.startswith("{amount} ") and "zapłaty" not in line  # the catalog really has Ukrainian
    shown = " ".join(_shown(mail).split())  # the plain text is wrapped at 96 characters
    assert _plain(line.format(amount=amount, date="10.12.2026")) in shown
    assert f"{total}: {_plain(money.pl_money(expected.open_total))}" in shown
    assert _plain(footer.split(",")[0]) in shown
    assert 'lang="uk"' in mail.msg.get_body(("html",)).get_content()
    left = [w for w in POLISH_WORDS if f" {w} " in f" {shown} "]
    assert not left, left
    # The same run writes Polish to a neighbour who chose nothing: one person's language never leaks.
    service.request_reset(_address(world, MARIA))
    outbox.flush()
    reset = [m for m in world.run() if m.to == _address(world, MARIA)]
    assert len(reset) == 1 and "hasł" in reset[0].text


# --- two runs at once --------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[3]
# One notify process at T0 (argv[1]): `notify --due` when argv[4] is "due", else the after-load `notify`.
# It waits for the go file (argv[3]) so that the two runs really overlap.
_RUN = """
import datetime as dt, json, sys, time
from pathlib import Path
from ebok.core import clock
from ebok.domain import notify
clock.set_clock(lambda: dt.datetime.fromisoformat(sys.argv[1]))
Path(sys.argv[2]).touch()
while not Path(sys.argv[3]).exists():
    time.sleep(0.005)
r = notify.run(due=sys.argv[4] == "due")
print(json.dumps([r.emails, r.items, r.failed]))
"""


def _expected(events: tuple[str, ...]) -> tuple[int, int]:
    """Return (e-mails, occurrences) one run of EVENTS must send: one per person and event, each once."""
    ctx = notify.context()
    found = [
        o
        for o in notify.occurrences(ctx, events)
        if ctx.who.may_receive(o.customer_id, o.event, o.address) is None
    ]
    return len({(o.customer_id, o.event) for o in found}), len({(o.customer_id, o.item_key) for o in found})


@pytest.mark.parametrize("runs", [("due", "due"), ("load", "due")], ids=["due+due", "load+due"])
def test_two_runs_at_once_send_each_mail_once(backend, data_dir, tmp_path, monkeypatch, runs):
    with nd.world(data_dir, tmp_path / "export", monkeypatch) as w:
        # No baseline: every current occurrence of the demo is new; the two runs race for all of them.
        events = tuple(
            dict.fromkeys(e for r in runs for e in (notify.DUE_EVENTS if r == "due" else notify.LOAD_EVENTS))
        )
        emails, items = _expected(events)
        assert emails > 10
        go = tmp_path / "go"
        ready = [tmp_path / f"ready{i}" for i in range(2)]
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _RUN, T0.isoformat(), str(flag), str(go), kind],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for flag, kind in zip(ready, runs, strict=True)
        ]
        while not all(f.exists() for f in ready) and all(p.poll() is None for p in procs):
            time.sleep(0.01)
        go.touch()
        outs = [p.communicate(timeout=300) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outs
        results = [json.loads(out.strip().splitlines()[-1]) for out, _err in outs]
        assert [failed for *_n, failed in results] == [[], []]
        assert (sum(r[0] for r in results), sum(r[1] for r in results)) == (emails, items)
        outbox.flush()
        sent = Counter((rcpt[0], msg["X-Ebok-Event"]) for rcpt, msg in w.received)
        assert len(w.received) == emails and set(sent.values()) == {1}
        with store.engine().connect() as con:
            assert con.execute(select(func.count()).select_from(notifications_sent)).scalar() == items
