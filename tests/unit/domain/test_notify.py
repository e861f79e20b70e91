"""Notifications after the nightly load: once per item, only with consent, through a real SMTP server."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import email
import io
import socket
from decimal import Decimal
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from ebok import cli
from ebok.auth import users
from ebok.domain import notifications, notify
from ebok.storage import outbox, store
from ebok.storage.tables import notifications_sent
from tests.helpers import tiny_warehouse as tw

TODAY = dt.date(2026, 11, 21)


def _ledger(eid, pid, kind, day, doc, amount="100.00", desc="Faktura za wodę"):
    return {
        "entry_id": eid,
        "premises_id": pid,
        "kind": kind,
        "entry_date": day,
        "due_date": day + dt.timedelta(days=14) if kind != "payment" else None,
        "document_no": doc,
        "description": desc,
        "amount": Decimal(amount),
    }


def _doc(did, pid, kind, day, title, doc_no=None):
    return {
        "document_id": did,
        "premises_id": pid,
        "kind": kind,
        "title": title,
        "issued_on": day,
        "file": f"{did}.pdf",
        "document_no": doc_no,
    }


def _customer(cid, name, email_, consent):
    return {"customer_id": cid, "name": name, "email": email_, "email_consent": consent}


def build(extra_ledger=(), extra_docs=()):
    return tw.build(
        {
            "customers": [
                _customer("L0001", "Anna Nowak", "anna@example.pl", True),
                _customer("L0002", "Maria Zielińska", "maria@example.pl", False),
                _customer("W0001", "Jan Kowalski", None, True),
            ],
            "premises": [
                tw.premises("P1", "L0001", "B1", unit_no="12"),
                tw.premises("G1", "L0001", "B1", unit_no="G3"),
                tw.premises("P2", "L0002", "B1"),
                tw.premises("H1", "W0001", "B2", unit_no=None),
            ],
            "ledger": [
                _ledger("E1", "P1", "invoice", dt.date(2026, 11, 1), "FV/2026/11/0001"),
                _ledger("E2", "P1", "payment", dt.date(2026, 11, 5), None, "-100.00", "Wpłata"),
                _ledger("E3", "P1", "charge", dt.date(2026, 11, 1), None, desc="Opłata bez dokumentu"),
                _ledger("E4", "P1", "invoice", dt.date(2026, 6, 1), "FV/2026/06/0001"),  # old history
                _ledger("E5", "P2", "invoice", dt.date(2026, 11, 1), "FV/2026/11/0002"),  # no consent
                _ledger("E6", "H1", "invoice", dt.date(2026, 11, 2), "FV/2026/11/0003"),
                *extra_ledger,
            ],
            "documents": [
                _doc(
                    "D1", "P1", "invoice", dt.date(2026, 11, 1), "Faktura FV/2026/11/0001", "FV/2026/11/0001"
                ),
                _doc("D2", "G1", "notice", dt.date(2026, 11, 10), "Zawiadomienie o zmianie opłat"),
                _doc("D3", None, "regulation", dt.date(2026, 11, 10), "Regulamin rozliczeń"),
                *extra_docs,
            ],
        }
    )


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback collecting what it receives."""

    class Collect:
        def __init__(self):
            self.received = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            self.received.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, outbox.SmtpSettings(host="127.0.0.1", port=port, sender="ebok@example.pl")
    controller.stop()


def _body(msg) -> str:
    """Return the plain-text part of a received message."""
    part = msg.get_body(("plain",)) if hasattr(msg, "get_body") else None
    if part is not None:
        return part.get_content()
    for sub in msg.walk():
        if sub.get_content_type() == "text/plain":
            return sub.get_payload(decode=True).decode("utf-8")
    raise AssertionError("no text/plain part")


def test_one_email_per_person_and_event_with_consent_once_per_item(smtp_server):
    handler, smtp = smtp_server
    build()
    users.add_user(
        "jan", {"name": "Jan", "email": "jan.konto@example.pl", "roles": ["resident"], "customer_id": "W0001"}
    )
    result = notify.run(today=TODAY)
    # Anna: FV/2026/11/0001 (ledger + its PDF = one item) and the garage notice (two events: two
    # e-mails, each with its own unsubscribe link); Jan: FV/2026/11/0003. Maria has no consent.
    assert (result.emails, result.items, result.no_consent, result.no_address) == (3, 3, 1, 0)
    assert outbox.flush(settings=smtp) == {"sent": 3, "failed": 0}
    by_subject = {(tuple(r), m["Subject"]): m for r, m in handler.received}
    invoice = _body(by_subject[(("anna@example.pl",), "e-BOK: nowa faktura")])
    assert "FV/2026/11/0001 z 01.11.2026, termin płatności 15.11.2026" in invoice
    assert "FV/2026/06/0001" not in invoice and "100,00" not in invoice
    assert "http://localhost:8501/faktury?lokal=P1" in invoice
    notice = _body(by_subject[(("anna@example.pl",), "e-BOK: nowy dokument")])
    assert "Zawiadomienie: Zawiadomienie o zmianie opłat z 10.11.2026" in notice and "Regulamin" not in notice
    jan = by_subject[(("jan.konto@example.pl",), "e-BOK: nowa faktura")]  # no export address: the account's
    assert "?lokal=H1" in _body(jan)

    # A second run after the same load sends nothing.
    again = notify.run(today=TODAY)
    assert (again.emails, again.items, again.already_sent) == (0, 0, 3)
    assert outbox.flush(settings=smtp) == {"sent": 0, "failed": 0}
    assert len(handler.received) == 3


def test_next_load_announces_only_the_new_item(smtp_server):
    handler, smtp = smtp_server
    build()
    notify.run(today=TODAY)
    outbox.flush(settings=smtp)
    build(extra_ledger=[_ledger("E7", "G1", "invoice", dt.date(2026, 11, 20), "FV/2026/11/0009")])
    result = notify.run(today=TODAY)
    assert (result.emails, result.items) == (1, 1)
    outbox.flush(settings=smtp)
    rcpts, msg = handler.received[-1]
    assert rcpts == ["anna@example.pl"]
    assert "FV/2026/11/0009" in _body(msg) and "FV/2026/11/0001" not in _body(msg)


def test_baseline_records_without_sending():
    build()
    result = notify.run(today=TODAY, baseline=True)
    assert result.baseline == 4  # includes the no-consent customer's invoice: never announced later
    assert outbox.pending() == []
    assert notify.run(today=TODAY).emails == 0


def test_dry_run_writes_nothing():
    build()
    result = notify.run(today=TODAY, dry_run=True)
    assert (result.emails, result.items) == (2, 2)  # Jan has no address without an account
    assert result.no_address == 1
    with store.engine().connect() as con:
        assert con.execute(select(notifications_sent)).all() == []
    assert outbox.pending() == []


def test_refused_address_is_retried_next_run(monkeypatch):
    build()
    real = outbox.queue

    def broken(*args, **kwargs):
        raise ValueError("E-mail: nieprawidłowy adres odbiorcy.")

    monkeypatch.setattr(outbox, "queue", broken)
    result = notify.run(today=TODAY)
    assert result.emails == 0 and result.failed == ["L0001: E-mail: nieprawidłowy adres odbiorcy."] * 2
    with store.engine().connect() as con:  # the claim went with the failed transaction
        assert con.execute(select(notifications_sent)).all() == []
    monkeypatch.setattr(outbox, "queue", real)
    assert notify.run(today=TODAY).items == 2


def test_crash_after_claim_before_commit_leaves_nothing_and_next_run_sends(monkeypatch):
    build()
    real = outbox.queue

    def crash(*args, **kwargs):
        real(*args, **kwargs)  # the message is written on the run's transaction …
        raise KeyboardInterrupt  # … and the process dies before the commit

    monkeypatch.setattr(outbox, "queue", crash)
    with pytest.raises(KeyboardInterrupt):
        notify.run(today=TODAY)
    assert outbox.pending() == []
    with store.engine().connect() as con:
        assert con.execute(select(notifications_sent)).all() == []
    monkeypatch.setattr(outbox, "queue", real)
    assert notify.run(today=TODAY).items == 2  # never skipped
    assert len(outbox.pending()) == 2


def test_link_quotes_premises_id():
    occ = notifications.Occurrence("document", "L0001", "D1", "Dokument", "B0001/M001")
    section = notifications.Section(notifications.EVENTS["document"], [occ], "", "")
    assert notifications._page_link(section.event, [occ]).endswith("/dokumenty?lokal=B0001%2FM001")


def test_outbox_id_recorded():
    build()
    notify.run(today=TODAY)
    with store.engine().connect() as con:
        rows = con.execute(select(notifications_sent.c.item_key, notifications_sent.c.outbox_id)).all()
    ids = {k: o for k, o in rows}
    pending = {m["subject"]: m["id"] for m in outbox.pending()}
    assert ids["invoice:P1:FV/2026/11/0001"] == pending["e-BOK: nowa faktura"]
    assert ids["document:D2"] == pending["e-BOK: nowy dokument"]


def test_cli_command(capsys):
    build()
    parser = argparse.ArgumentParser()
    notify.register(parser.add_subparsers())
    args = parser.parse_args(["notify", "--days", "35", "--today", "2026-11-21"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "E-maile w kolejce: 2 (pozycji: 2)" in out and "bez adresu: 1" in out


def test_consent_list_cli_prints_and_exports_the_register(capsys):
    notifications.record_consent("L0001", True, "anna", client_address="10.0.0.9")
    assert cli.main(["consent", "record", "wycofana", "--customer", "L0002", "--by", "biuro"]) == 0
    assert notifications.consent("L0002").method == "office" and not notifications.consent("L0002").given
    capsys.readouterr()
    assert cli.main(["consent", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "L0002  wycofana  wersja 2026-12  w biurze" in lines[0]
    assert "L0001  udzielona" in lines[1] and "10.0.0.9" in lines[1]
    assert cli.main(["consent", "list", "--csv", "--customer", "L0001"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out), delimiter=";"))
    assert [(r["Klient"], r["Zgoda"], r["Wersja treści"], r["Adres IP"]) for r in rows] == [
        ("L0001", "udzielona", "2026-12", "10.0.0.9")
    ]
    assert rows[0]["Treść"].startswith("Wyrażam zgodę")


def test_systemd_units_run_commands_that_exist():
    root = Path(__file__).resolve().parents[3] / "deploy" / "systemd"
    parser = cli.build_parser()
    commands = []
    for name in ("ebok-notify.service", "ebok-notify-due.service", "ebok-notify-messages.service"):
        for line in (root / name).read_text(encoding="utf-8").splitlines():
            if line.startswith(("ExecStart=", "ExecStartPost=")):
                argv = line.split("-m ebok ", 1)[1].split()
                parser.parse_args(argv)  # exits on an unknown command or option
                commands.append(" ".join(argv))
    assert commands == [
        "notify",
        "mail-flush",
        "notify --due",
        "mail-flush",
        "notify --events office_message",
        "mail-flush",
    ]
    assert "OnSuccess=ebok-notify.service" in (root / "ebok-load.service").read_text(encoding="utf-8")
    assert "Unit=ebok-notify-due.service" in (root / "ebok-notify-due.timer").read_text(encoding="utf-8")


def test_events_option_runs_only_those_rules(capsys):
    build()
    assert cli.main(["notify", "--events", "document", "--today", "2026-11-21"]) == 0
    assert [m["subject"] for m in outbox.pending()] == ["e-BOK: nowy dokument"]  # Anna's notice only
    with pytest.raises(SystemExit):
        cli.main(["notify", "--events", "nonsense"])
    assert "nieznane zdarzenie: nonsense" in capsys.readouterr().err
