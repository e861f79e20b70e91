"""Notifications residents control (issue 16), through a real SMTP server and the controllable clock.

For every event: with the event on, triggering it reaches the resident exactly once; after the resident
turns it off, a new occurrence reaches them 0 times (and once more when they turn it back on: the
occurrence was there, only the switch held it). Dates and amounts are written out by hand here.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from ebok.auth import service, users
from ebok.core import clock, config
from ebok.core.errors import FormError
from ebok.domain import inbox, meters, notifications, notify, voting
from ebok.storage import outbox, store
from ebok.storage.tables import notifications_sent, office_messages
from tests.helpers import inbox as inbox_helpers
from tests.helpers import tiny_warehouse as tw

# Saturday 21.11.2026, 09:00 UTC (10:00 in Warsaw); the reading window is open 20.11–05.12.
T = dt.datetime(2026, 11, 21, 9, 0)
ANNA = "anna@example.pl"


@pytest.fixture
def mail(monkeypatch):
    """A real SMTP server; the test's clock at T; Anna's account and consent. Yields the mail counter."""
    now = [T]
    clock.set_clock(lambda: now[0])
    with inbox_helpers.smtp_server() as (port, received):
        smtp = outbox.SmtpSettings(host="127.0.0.1", port=port, sender="ebok@example.pl")
        monkeypatch.setattr(outbox, "smtp_settings", lambda: smtp)
        users.add_user("anna", {"name": "Anna", "email": ANNA, "roles": ["resident"], "customer_id": "L0001"})
        world()
        notifications.record_consent("L0001", True, "anna")
        yield Mail(now, received)
    clock.set_clock(None)


class Mail:
    """The clock and what the SMTP server received."""

    def __init__(self, now, received):
        self.now = now
        self.received = received
        self.mark = 0  # what the previous count() saw: mails sent at once (inbox replies) count too

    def at(self, when: dt.datetime) -> None:
        self.now[0] = when

    def count(self, event: str, due: bool | None = None) -> int:
        """Run notify (after-load and daily runs), flush the outbox; return new mails of EVENT to Anna."""
        if due is not False:
            notify.run(due=True)
        if due is not True:
            notify.run()
        outbox.flush()
        new = self.received[self.mark :]
        self.mark = len(self.received)
        return sum(1 for rcpt, msg in new if rcpt == [ANNA] and msg["X-Ebok-Event"] == event)

    def last(self, event: str):
        return next(msg for rcpt, msg in reversed(self.received) if msg["X-Ebok-Event"] == event)


def _ledger(eid, kind, day, due, doc, amount):
    return {
        "entry_id": eid,
        "premises_id": "P1",
        "kind": kind,
        "entry_date": day,
        "due_date": due,
        "document_no": doc,
        "description": "Opłaty za lokal" if kind != "payment" else "Wpłata",
        "amount": Decimal(amount),
    }


def _doc(did, kind, day, title):
    return {
        "document_id": did,
        "premises_id": "P1",
        "kind": kind,
        "title": title,
        "issued_on": day,
        "file": f"{did}.pdf",
    }


# What world() builds; tests add rows and call world() again (a new warehouse version, like a load).
EXTRA: dict[str, list] = {}


@pytest.fixture(autouse=True)
def _fresh_extra():
    EXTRA.clear()
    yield
    EXTRA.clear()


def world(**extra: list) -> None:
    """Build the warehouse: Anna (L0001, P1 in building B1, community C1) and Maria (no consent)."""
    for table, rows in extra.items():
        EXTRA.setdefault(table, []).extend(rows)
    customers = [
        {"customer_id": "L0001", "name": "Anna Nowak", "email": ANNA, "email_consent": False},
        {
            "customer_id": "L0002",
            "name": "Maria Zielińska",
            "email": "maria@example.pl",
            "email_consent": False,
        },
    ]
    tables = {
        "customers": customers,
        "communities": [{"community_id": "C1", "name": "Wspólnota Lipowa 7"}],
        "premises": [
            tw.premises("P1", "L0001", "B1", unit_no="12", community_id="C1", share=Decimal("0.5")),
            tw.premises("P2", "L0002", "B1", unit_no="14", community_id="C1", share=Decimal("0.5")),
        ],
    }
    for table, rows in EXTRA.items():
        tables.setdefault(table, []).extend(rows)
    tw.build(tables)


def _switch(event: str, on: bool) -> None:
    notifications.set_event("L0001", event, on, "anna")


# --- every event: 1 with the event on, 0 after the resident turns it off --------------------------


def _invoice(step: int, mail: Mail) -> None:
    day = T.date() - dt.timedelta(days=1)
    world(
        ledger=[
            _ledger(f"E{step}", "invoice", day, day + dt.timedelta(days=14), f"FV/2026/11/000{step}", "10.00")
        ]
    )


def _document(step: int, mail: Mail) -> None:
    world(documents=[_doc(f"D{step}", "notice", T.date(), f"Zawiadomienie {step}")])


def _settlement(step: int, mail: Mail) -> None:
    world(documents=[_doc(f"S{step}", "water_settlement", T.date(), f"Rozliczenie wody {step}")])


def _office_message(step: int, mail: Mail) -> None:
    audience, target = ("building", "B1") if step == 1 else ("customer", "L0001")
    row = {
        "message_id": f"M{step}",
        "audience": audience,
        "target": target,
        "published_on": T.date(),
        "subject": f"Przegląd instalacji gazowej {step}",
        "body": "Prosimy o udostępnienie lokali.",
    }
    world(messages=[row])


def _payment_due(step: int, mail: Mail) -> None:
    # Step 1: due in 2 days (within 3); step 2: a month later, the next one due in 3 days.
    day = T.date() + dt.timedelta(days=30 * (step - 1))
    mail.at(T + dt.timedelta(days=30 * (step - 1)))
    world(
        ledger=[
            _ledger(
                f"D{step}",
                "charge",
                day - dt.timedelta(days=5),
                day + dt.timedelta(days=step + 1),
                None,
                "250.00",
            )
        ]
    )
    # Paid up to now: only the new charge is open (no overdue mails in the way).
    if step == 2:
        world(ledger=[_ledger("PAY1", "payment", day - dt.timedelta(days=1), None, None, "-250.00")])


def _overdue(step: int, mail: Mail) -> None:
    if step == 1:
        world(ledger=[_ledger("O1", "charge", dt.date(2026, 10, 20), dt.date(2026, 11, 10), None, "300.00")])
    else:  # the office's repeat interval (14 days) later, still unpaid
        mail.at(T + dt.timedelta(days=14))


def _window_open(step: int, mail: Mail) -> None:
    if step == 1:
        world(meters=[tw.meter("M1", "P1")])
    else:
        mail.at(dt.datetime(2026, 12, 21, 9))  # the next window


def _window_closing(step: int, mail: Mail) -> None:
    if step == 1:
        world(meters=[tw.meter("M1", "P1")])
        mail.at(dt.datetime(2026, 12, 4, 9))  # the window closes 05.12: 1 day left (≤ 2)
    else:
        mail.at(dt.datetime(2027, 1, 4, 9))


def _legalisation(step: int, mail: Mail) -> None:
    until = T.date() + dt.timedelta(days=20 + step)
    world(meters=[tw.meter(f"L{step}", "P1", legalisation_until=until)])


def _resolution(rid: str, start: dt.datetime, end: dt.datetime) -> dict:
    return {
        "resolution_id": rid,
        "community_id": "C1",
        "number": f"{rid}/2026",
        "title": "Remont dachu",
        "vote_from": start,
        "vote_to": end,
    }


def _vote_open(step: int, mail: Mail) -> None:
    world(resolutions=[_resolution(f"R{step}", T - dt.timedelta(days=1), T + dt.timedelta(days=10))])


def _vote_closing(step: int, mail: Mail) -> None:
    # Open for 10 days; on the 9th (1 day left, ≤ 2) without the premises' vote.
    world(resolutions=[_resolution(f"R{step}", T - dt.timedelta(days=1), T + dt.timedelta(days=10 * step))])
    mail.at(T + dt.timedelta(days=10 * step - 1))


def _contact() -> str:
    sub = inbox.submit_contact(
        username="anna",
        premises_id="P1",
        topic="oplaty",
        text="Proszę o wyjaśnienie naliczenia.",
        idempotency_key=uuid.uuid4().hex,
        customer_id="L0001",
        email=ANNA,
    )
    return sub.item_id


def _inbox_update(step: int, mail: Mail) -> None:
    item_id = _contact()
    if step == 1:
        inbox.reply(item_id, "Naliczenie jest zgodne z uchwałą.", actor="biuro")
    else:
        inbox.set_status(item_id, "zakonczone", actor="biuro")


def _payment(event: str):
    def trigger(step: int, mail: Mail) -> None:
        notifications.payment_result(
            "L0001", "P1", f"PAY-{event}-{step}", event == "payment_confirmed", "250,00 zł"
        )

    return trigger


SCENARIOS = {
    "invoice": (_invoice, False),
    "document": (_document, False),
    "settlement": (_settlement, False),
    "office_message": (_office_message, None),
    "payment_due": (_payment_due, True),
    "overdue": (_overdue, True),
    "reading_window_open": (_window_open, True),
    "reading_window_closing": (_window_closing, True),
    "legalisation": (_legalisation, True),
    "vote_open": (_vote_open, None),
    "vote_closing": (_vote_closing, True),
    "inbox_update": (_inbox_update, None),
    "payment_confirmed": (_payment("payment_confirmed"), None),
    "payment_failed": (_payment("payment_failed"), None),
}


def test_every_event_has_a_scenario():
    assert set(SCENARIOS) == set(notifications.EVENTS)


@pytest.mark.parametrize("event", list(SCENARIOS))
def test_event_reaches_once_then_not_after_turning_it_off(mail, event):
    trigger, due = SCENARIOS[event]
    trigger(1, mail)
    assert mail.count(event, due) == 1
    assert mail.count(event, due) == 0  # the same occurrence never again
    _switch(event, False)
    trigger(2, mail)
    assert mail.count(event, due) == 0
    if event in ("payment_confirmed", "payment_failed"):
        return  # announced when the bank answers: no later run looks for them
    _switch(event, True)
    assert mail.count(event, due) == 1  # the new occurrence was there: only the switch held it


# --- time-based rules with the clock --------------------------------------------------------------


def test_payment_due_in_n_days_with_amount_and_transfer_details(mail):
    world(ledger=[_ledger("C1", "charge", dt.date(2026, 11, 15), dt.date(2026, 11, 28), None, "412.37")])
    assert mail.count("payment_due", True) == 0  # 7 days before: more than 3
    mail.at(dt.datetime(2026, 11, 25, 6))
    assert mail.count("payment_due", True) == 1  # 3 days before
    body = mail.last("payment_due").get_body(("plain",)).get_content()
    assert "412,37 zł do zapłaty do 28.11.2026" in body
    assert "Numer rachunku: 61 1090 1014 0000 0712 1981 2874" in body
    assert "Tytuł przelewu: Opłaty za lokal P1 L0001" in body
    mail.at(dt.datetime(2026, 11, 27, 6))
    assert mail.count("payment_due", True) == 0  # once per due date


def test_resident_chooses_days_before_due(mail):
    world(ledger=[_ledger("C1", "charge", dt.date(2026, 11, 15), dt.date(2026, 11, 28), None, "100.00")])
    prefs = notifications.preferences("L0001")
    notifications.save_preferences("L0001", "anna", prefs.events, "", due_days_before=7, digest=False)
    assert mail.count("payment_due", True) == 1  # 7 days before, as she chose


def test_overdue_once_then_not_more_often_than_the_office_sets(mail):
    world(ledger=[_ledger("O1", "charge", dt.date(2026, 10, 20), dt.date(2026, 11, 10), None, "300.00")])
    assert mail.count("overdue", True) == 1
    body = mail.last("overdue").get_body(("plain",)).get_content()
    assert "zaległość po terminie 300,00 zł" in body
    for days in (1, 7, 13):
        mail.at(T + dt.timedelta(days=days))
        assert mail.count("overdue", True) == 0, days
    mail.at(T + dt.timedelta(days=14))
    assert mail.count("overdue", True) == 1  # overdue_repeat_days = 14
    world(ledger=[_ledger("PAY", "payment", dt.date(2026, 12, 6), None, None, "-300.00")])
    mail.at(T + dt.timedelta(days=40))
    assert mail.count("overdue", True) == 0  # paid: nothing overdue


def test_window_closing_only_near_the_end_and_only_meters_without_a_reading(mail):
    world(meters=[tw.meter("M1", "P1"), tw.meter("M2", "P1", medium="hot_water")])
    world(readings=[tw.reading("R1", "M2", "P1", dt.date(2026, 11, 22), "12.5")])  # booked in this window
    mail.at(dt.datetime(2026, 12, 2, 9))  # 3 days left: more than 2
    assert mail.count("reading_window_closing", True) == 0
    mail.at(dt.datetime(2026, 12, 3, 9))  # 2 days left
    assert mail.count("reading_window_closing", True) == 1
    body = mail.last("reading_window_closing").get_body(("plain",)).get_content()
    assert "nr SN-M1" in body and "SN-M2" not in body and "podaj stan do 05.12.2026" in body


def test_window_closing_skips_a_meter_read_in_e_bok(mail):
    world(meters=[tw.meter("M1", "P1")])
    meters.submit_reading(
        premises_id="P1",
        meter_id="M1",
        value="5",
        username="anna",
        now=dt.datetime(2026, 12, 1, 10),
        idempotency_key=uuid.uuid4().hex,
        confirmed=True,
    )
    mail.at(dt.datetime(2026, 12, 4, 9))
    assert mail.count("reading_window_closing", True) == 0


def test_legalisation_within_n_days(mail):
    world(meters=[tw.meter("M1", "P1", legalisation_until=dt.date(2027, 1, 5))])
    assert mail.count("legalisation", True) == 0  # 45 days ahead: more than 30
    mail.at(dt.datetime(2026, 12, 6, 9))  # 30 days ahead
    assert mail.count("legalisation", True) == 1
    assert "legalizacja kończy się 05.01.2027" in mail.last("legalisation").get_body(("plain",)).get_content()


def test_vote_closing_only_without_the_premises_vote(mail):
    world(resolutions=[_resolution("R1", T - dt.timedelta(days=1), T + dt.timedelta(days=10))])
    assert mail.count("vote_closing", True) == 0  # 10 days left
    mail.at(T + dt.timedelta(days=8, hours=1))  # 1 day 23 hours left
    voting.cast_vote(
        premises_id="P1", resolution_id="R1", choice="for", username="anna", now=clock.local_now()
    )
    assert mail.count("vote_closing", True) == 0  # she has voted
    world(resolutions=[_resolution("R2", T, T + dt.timedelta(days=9, hours=12))])
    assert mail.count("vote_closing", True) == 1  # R2: 1 day 11 hours left, no vote


# --- unsubscribe ---------------------------------------------------------------------------------


def _unsubscribe_token(msg) -> str:
    header = msg["List-Unsubscribe"]
    url = header.strip("<>")
    assert url.startswith("http://localhost:8501/_ebok/unsubscribe?t=")
    return parse_qs(urlsplit(url).query)["t"][0]


def test_unsubscribe_link_works_once_without_login_and_refuses_a_changed_one(mail):
    _document(1, mail)
    assert mail.count("document", False) == 1
    msg = mail.last("document")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = _unsubscribe_token(msg)
    assert token in msg.get_body(("plain",)).get_content() and token in msg.get_body(("html",)).get_content()
    link_id, mac = token.split(".")
    forged = [f"{link_id}.{mac[:-1]}{'0' if mac[-1] != '0' else '1'}", f"{link_id[:-1]}x.{mac}", "", "abc"]
    for bad in forged:
        assert notifications.unsubscribe(bad).state == "invalid", bad
    assert notifications.preferences("L0001").wants("document")
    assert notifications.peek_unsubscribe(token).state == "ok"
    done = notifications.unsubscribe(token)
    assert (done.state, done.event_label) == ("done", "Nowy dokument")
    assert not notifications.preferences("L0001").wants("document")
    assert notifications.preferences("L0001").wants("invoice")  # only that event
    assert notifications.unsubscribe(token).state == "used"
    _switch("document", True)
    assert notifications.unsubscribe(token).state == "used"  # once: turning it on again is not undone
    assert notifications.preferences("L0001").wants("document")


def test_links_carry_no_secrets(mail):
    _invoice(1, mail)
    assert mail.count("invoice", False) == 1
    msg = mail.last("invoice")
    text = msg.get_body(("plain",)).get_content()
    assert "L0001" not in _unsubscribe_token(msg)  # a random id and its signature only
    assert "token=" not in text and "password" not in text.lower()
    assert "biuro@sm-przykladowa.pl" in text and "+48 22 123 45 67" in text  # the office's contact
    assert "e-BOK: http://localhost:8501" in text


# --- consent -------------------------------------------------------------------------------------


def test_consent_recorded_with_version_and_withdrawal_stops_all_but_account_mail(mail):
    record = notifications.consent_record("L0001")
    assert [(r["Zgoda"], r["Wersja treści"], r["Kto"]) for r in record] == [("udzielona", "2026-12", "anna")]
    assert "Wyrażam zgodę" in record[0]["Treść"]
    withdrawn = notifications.record_consent("L0001", False, "anna", client_address="10.0.0.7")
    assert (withdrawn.given, withdrawn.version) == (False, "2026-12")
    assert notifications.consent("L0001").given is False
    for event, (trigger, due) in SCENARIOS.items():
        trigger(1, mail)
        assert mail.count(event, due) == 0, event
    before = len(mail.received)
    service.request_reset(ANNA)
    outbox.flush()
    assert [rcpt for rcpt, _ in mail.received[before:]] == [[ANNA]]  # account mail still goes out
    assert notifications.consent_record("L0001")[0]["Adres IP"] == "10.0.0.7"


def test_consent_from_the_export_counts_until_the_resident_decides():
    tw.build({"customers": [{"customer_id": "L9", "name": "X", "email_consent": True}]})
    assert notifications.consent("L9").given is True and notifications.consent("L9").method == "export"
    notifications.record_consent("L9", False, "x")
    assert notifications.consent("L9").given is False
    csv_text = notifications.consent_csv("L9").decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Klient;Zgoda;Kiedy;Wersja treści")
    assert "L9;wycofana" in csv_text


# --- preferences ---------------------------------------------------------------------------------


def test_office_defaults_then_resident_overrides(mail):
    cfg = config.load()
    off = config.replace_section(cfg, "notifications", vote_open=False)
    config.save(off)
    assert not notifications.preferences("L0001").wants("vote_open")
    prefs = notifications.preferences("L0001")
    notifications.save_preferences("L0001", "anna", {**prefs.events, "vote_open": True}, "inna@example.pl")
    assert notifications.preferences("L0001").wants("vote_open")
    assert notifications.preferences("L0001").email == "inna@example.pl"
    _vote_open(1, mail)
    before = len(mail.received)
    notify.run()
    outbox.flush()
    assert [rcpt for rcpt, _ in mail.received[before:]] == [["inna@example.pl"]]


def test_bad_preferences_are_refused_with_the_field_named():
    with pytest.raises(FormError) as err:
        notifications.save_preferences("L0001", "anna", {"nonsense": True}, "bez-malpy", due_days_before=99)
    assert err.value.fields == {
        "Adres e-mail do powiadomień",
        "Dni przed terminem płatności",
        "Powiadomienia",
    }


def test_weekly_digest_instead_of_single_mails(mail):
    prefs = notifications.preferences("L0001")
    notifications.save_preferences("L0001", "anna", prefs.events, "", digest=True)
    _invoice(1, mail)
    _document(1, mail)
    assert mail.count("invoice", False) == 0 and mail.count("document", False) == 0
    result = notifications.send_digests()
    assert (result.emails, result.items) == (1, 2)
    outbox.flush()
    digest = mail.last("digest")
    text = digest.get_body(("plain",)).get_content()
    assert "== Nowa faktura ==" in text and "== Nowy dokument ==" in text
    assert text.count("/_ebok/unsubscribe?t=") == 2  # one link per event
    assert notifications.send_digests().emails == 0  # sent once
    # The digest's header unsubscribes from every event (its body has a link per event).
    assert notifications.peek_unsubscribe(_unsubscribe_token(digest)).event_label == "Wszystkie powiadomienia"
    assert notifications.unsubscribe(_unsubscribe_token(digest)).state == "done"
    assert not any(notifications.preferences("L0001").events.values())


# --- two runs at once ----------------------------------------------------------------------------


def test_two_runs_at_once_send_each_mail_once(mail):
    _invoice(1, mail)
    _document(1, mail)
    start = threading.Barrier(2)
    errors = []

    def run():
        try:
            start.wait()
            notify.run()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(outbox.pending()) == 2  # one invoice mail and one document mail
    with store.engine().connect() as con:
        keys = sorted(con.execute(select(notifications_sent.c.item_key)).scalars())
    assert keys == ["document:D1", "invoice:P1:FV/2026/11/0001"]


def test_office_message_published_in_e_bok_reaches_its_building(mail):
    with store.engine().begin() as con:
        con.execute(
            office_messages.insert().values(
                message_id="OM1",
                audience="building",
                target="B1",
                subject="Wyłączenie wody",
                body="We wtorek.",
                author="biuro",
                published_at=T - dt.timedelta(hours=1),
            )
        )
    assert mail.count("office_message", False) == 1
    assert "„Wyłączenie wody”" in mail.last("office_message").get_body(("plain",)).get_content()


def test_counts_per_event_for_the_office(mail):
    _invoice(1, mail)
    _document(1, mail)
    mail.count("invoice", False)
    by_event = {c.event: c for c in notifications.counts()}
    assert (by_event["invoice"].queued, by_event["invoice"].sent) == (1, 1)
    assert (by_event["document"].queued, by_event["document"].sent) == (1, 1)
    assert by_event["overdue"].queued == 0
