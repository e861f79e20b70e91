"""Registration on the demo export, end to end, for a cooperative (L), a utility (W) and a shop (U) customer.

Expected amounts and codes are read from the export's CSV files with the csv module only: the last
charges and payments of each premises, and customers.registration_code.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ebok.auth import premises, registration, service, users
from ebok.core import clock
from ebok.storage import outbox
from tests.helpers import meters_demo

T0 = datetime(2026, 11, 21, 12, 0)
CH = registration.Challenge("Ile to jest dwa dodać trzy?", 5)
PASSWORD = "Pelargonie-Na-Oknie-7"
PERSONAS = {"L0001", "L0002", "U0001", "W0001"}


def read(export: Path, name: str) -> list[dict[str, str]]:
    with open(export / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def money(text: str) -> Decimal:
    return abs(Decimal(text.replace(" ", "").replace(",", ".")))


class Customer:
    """One demo customer as the CSV files describe it."""

    def __init__(self, export: Path, customer_id: str) -> None:
        self.customer_id = customer_id
        self.code = next(r for r in read(export, "customers") if r["customer_id"] == customer_id)[
            "registration_code"
        ]
        self.premises = sorted(
            r["premises_id"] for r in read(export, "premises") if r["customer_id"] == customer_id
        )
        moves = defaultdict(list)
        for r in read(export, "ledger"):
            if r["premises_id"] in self.premises and r["kind"] in ("charge", "invoice", "payment"):
                moves[r["premises_id"]].append((r["entry_date"], r["entry_id"], money(r["amount"])))
        newest = {pid: sorted(rows, reverse=True) for pid, rows in moves.items()}
        self.recent = {amount for rows in newest.values() for _, _, amount in rows[:6]}
        # The oldest of the six, and an amount only older entries have (not proof any more).
        first = newest[self.premises[0]]
        self.sixth = first[5][2]
        self.too_old = next(a for _, _, a in first[6:] if a not in self.recent)


@pytest.fixture
def export(data_dir, monkeypatch) -> Path:
    monkeypatch.setenv("EBOK_BCRYPT_ROUNDS", "4")
    clock.set_clock(lambda: T0)
    yield meters_demo.use(data_dir)
    clock.set_clock(None)


def kinds(export: Path) -> dict[str, str]:
    """Return one customer of each kind (L, W, U): the last non-persona one, else the persona."""
    chosen: dict[str, str] = {}
    for r in read(export, "customers"):
        cid = r["customer_id"]
        if cid[0] not in chosen or cid not in PERSONAS:
            chosen[cid[0]] = cid
    return {letter: chosen[letter] for letter in "LWU"}


def form(customer_id: str, **kw: str) -> registration.RegistrationForm:
    base = dict(
        customer_id=customer_id,
        email=f"{customer_id.lower()}@example.com",
        username=f"nowy.{customer_id.lower()}",
        password=PASSWORD,
        repeat=PASSWORD,
        accept_regulations=True,
        bot_answer="5",
    )
    base.update(kw)
    return registration.RegistrationForm(**base)


def first_login(username: str) -> None:
    """Follow the activation link from the queued e-mail, let the office approve, sign in."""
    body = outbox.pending()[-1]["body"]
    assert "/rejestracja?aktywacja=" in body
    registration.activate(body.split("aktywacja=")[1].split()[0])
    waiting = next(r for r in registration.pending() if r["username"] == username)
    registration.approve(waiting["registration_id"], "admin")
    assert service.authenticate(username, PASSWORD, None).ok


@pytest.mark.parametrize("letter", ["L", "W", "U"])
def test_an_amount_from_the_ledger_registers_to_the_first_login(export, letter):
    c = Customer(export, kinds(export)[letter])
    typed = f"{c.sixth:,.2f}".replace(",", " ").replace(".", ",") + " zł"  # e.g. "1 234,56 zł"
    reg = registration.register(form(c.customer_id, amount=typed), CH, "192.0.2.1")
    assert not reg.manual
    username = f"nowy.{c.customer_id.lower()}"
    first_login(username)
    user = users.get(username)
    assert user.customer_id == c.customer_id
    assert [p.premises_id for p in premises.premises_of(user.customer_id)] == c.premises


@pytest.mark.parametrize("letter", ["L", "W", "U"])
def test_the_registration_code_registers_once_with_the_premises_number(export, letter):
    c = Customer(export, kinds(export)[letter])
    typed = " " + c.code.lower().replace("-", " ") + " "
    username = f"nowy.{c.customer_id.lower()}"
    registration.register(form(c.premises[0], code=typed, username=username), CH, "192.0.2.2")
    first_login(username)
    with pytest.raises(registration.ProofFailed) as err:
        registration.register(form(c.customer_id, code=c.code, username="drugi.raz"), CH, "192.0.2.3")
    assert err.value.messages == [str(registration.CODE_USED)]
    asked = registration.register(
        form(c.customer_id, code=c.code, username="drugi.raz"), CH, "192.0.2.3", manual=True
    )
    assert asked.manual


@pytest.mark.parametrize("letter", ["L", "W", "U"])
def test_an_older_amount_or_another_customers_code_fails_and_goes_to_the_office(export, letter):
    chosen = kinds(export)
    c = Customer(export, chosen[letter])
    other = Customer(export, chosen["L" if letter != "L" else "W"])
    for wrong in ({"amount": str(c.too_old).replace(".", ",")}, {"code": other.code}):
        with pytest.raises(registration.ProofFailed):
            registration.register(form(c.customer_id, **wrong), CH, f"192.0.2.{len(wrong) + 10}")
    asked = registration.register(form(c.customer_id, code=other.code), CH, "192.0.2.20", manual=True)
    assert asked.manual and users.get(f"nowy.{c.customer_id.lower()}").approved is False
    assert registration.pending()[0]["status"] == "manual"
