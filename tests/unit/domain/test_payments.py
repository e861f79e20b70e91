"""ebok.domain.payments: transfer details and the ZBP 2D payment QR payload, checked field by field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from stdnum import iban
from stdnum.pl import nip as pl_nip

from ebok.core import config
from ebok.domain import payments
from tests.helpers import finance as F


@pytest.fixture
def wh():
    F.build()


def fields(payload: str) -> list[str]:
    parts = payload.split("|")
    assert len(parts) == 9, payload
    return parts


def test_payload_fields():
    p = payments.qr_payload(
        "526-000-12-46", F.NRB_A, Decimal("742.35"), "Spółdzielnia „Lipowa” | Zarząd", "Opłaty|za lokal"
    )
    nip, country, account, amount, name, title, r1, r2, r3 = fields(p)
    assert nip == "5260001246" and pl_nip.is_valid(nip)
    assert country == "PL"
    assert account == F.NRB_A and iban.is_valid("PL" + account)
    assert amount == "074235"
    assert name == "Spółdzielnia Lipowa" and len(name) <= 20
    assert title == "Opłaty za lokal"
    assert (r1, r2, r3) == ("", "", "")


def test_payload_lengths_and_rounding():
    p = payments.qr_payload("", F.NRB_A, Decimal("0.005"), "X" * 50, "T" * 50)
    nip, _, _, amount, name, title, *_ = fields(p)
    assert nip == "" and amount == "000001" and len(name) == 20 and len(title) == 32
    assert fields(payments.qr_payload("", F.NRB_A, Decimal("9999.99"), "a", "b"))[3] == "999999"
    # Above the 6-digit field the amount is left for the resident to type.
    assert fields(payments.qr_payload("", F.NRB_A, Decimal("10000.00"), "a", "b"))[3] == "000000"


@pytest.mark.parametrize(
    ("nip", "account", "amount", "field"),
    [
        ("", "123", Decimal(1), "Numer rachunku"),
        ("12345", F.NRB_A, Decimal(1), "NIP"),
        ("", F.NRB_A, Decimal(-1), "Kwota"),
    ],
)
def test_payload_refuses_bad_input(nip, account, amount, field):
    with pytest.raises(ValueError, match=field):
        payments.qr_payload(nip, account, amount, "a", "b")


def test_qr_png_is_png():
    png = payments.qr_png(payments.qr_payload("5260001246", F.NRB_A, Decimal("1.00"), "a", "b"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_transfer_for_arrears(wh):
    cfg = config.load()
    t = payments.transfer("M-001", F.TODAY)
    assert t.account == F.NRB_A and t.account_display == "61 1090 1014 0000 0712 1981 2874"
    assert t.recipient_name == cfg.company.name
    assert t.title == "Opłaty za lokal M-001 L0001"
    assert t.amount == Decimal("742.35") and t.overdue == Decimal("222.35")
    nip, country, account, amount, name, title, *_ = fields(t.payload)
    assert pl_nip.is_valid(nip) and nip == payments.digits(cfg.company.nip)
    assert iban.is_valid(country + account) and account == F.NRB_A
    assert int(amount) == 74235 and len(amount) == 6
    assert title == "Opłaty za lokal M-001 L0001"
    assert name == payments.clean_text(cfg.company.name, 20)


def test_transfer_overpaid_is_zero(wh):
    t = payments.transfer("G-001", F.TODAY)
    assert t.amount == 0 and t.overpaid and fields(t.payload)[3] == "000000"


def test_transfer_unknown_premises(wh):
    assert payments.transfer("NOPE", dt.date(2026, 11, 21)) is None
