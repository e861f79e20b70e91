"""ebok.domain.payments: transfer details and the ZBP 2D payment QR payload, checked field by field."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import segno
from PIL import Image
from stdnum import iban
from stdnum.pl import nip as pl_nip

from ebok.core import config
from ebok.domain import finance, payments
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


def test_transfer_for_reads_nothing_more(wh):
    # Zapłać builds the transfer from the shared account (ebok.web.cached.account): the same
    # transfer as reading the warehouse, with the amounts of the arrears case above.
    a = finance.account("M-001", F.TODAY)
    t = payments.transfer_for(a.info, a.entries, F.TODAY)
    assert t == payments.transfer("M-001", F.TODAY)
    assert (t.amount, t.overdue, t.next_due) == (Decimal("742.35"), Decimal("222.35"), dt.date(2026, 11, 25))


def test_transfer_unknown_premises(wh):
    assert payments.transfer("NOPE", dt.date(2026, 11, 21)) is None


# --- the error correction level, read back from the PNG's pixels ---------------------------------

# The 2-bit error correction indicator of ISO/IEC 18004 format information (L=01, M=00, Q=11, H=10).
EC_BITS = {"L": 0b01, "M": 0b00, "Q": 0b11, "H": 0b10}
# Where the 15 format bits sit beside the top-left finder pattern, most significant bit first
# (row, column of the module).
FORMAT_MODULES = [(8, c) for c in (0, 1, 2, 3, 4, 5, 7, 8)] + [(r, 8) for r in (7, 5, 4, 3, 2, 1, 0)]


def _format_word(data: int) -> int:
    """BCH(15,5) code of 5 format data bits, XOR-masked as the standard prescribes."""
    rem = data << 10
    for shift in range(14, 9, -1):
        if rem & (1 << shift):
            rem ^= 0b10100110111 << (shift - 10)
    return ((data << 10) | rem) ^ 0b101010000010010


def png_error_level(png: bytes, scale: int = 6, border: int = 4) -> str:
    """Return the error level (L/M/Q/H) written in a QR PNG's format information."""
    img = Image.open(io.BytesIO(png)).convert("L")
    bits = 0
    for r, c in FORMAT_MODULES:
        x, y = (c + border) * scale + scale // 2, (r + border) * scale + scale // 2
        bits = (bits << 1) | (img.getpixel((x, y)) < 128)
    (level,) = [
        lvl for lvl, ec in EC_BITS.items() for mask in range(8) if _format_word(ec << 3 | mask) == bits
    ]
    return level


def test_reader_tells_levels_apart():
    # The reader itself must be able to fail: symbols made at each level read back as that level.
    for level in "LMQH":
        out = io.BytesIO()
        segno.make_qr("test", error=level, boost_error=False).save(out, kind="png", scale=6, border=4)
        assert png_error_level(out.getvalue()) == level


def test_qr_uses_error_level_l_and_keeps_the_payload():
    payload = payments.qr_payload(
        "5260001246", F.NRB_A, Decimal("742.35"), "Spółdzielnia", "Opłaty za lokal M-001"
    )
    assert payments.qr_symbol(payload).error == "L"
    assert png_error_level(payments.qr_png(payload)) == "L"
    # Same payload as before the change of level: every field and the amount remaining.
    assert payload == "5260001246|PL|61109010140000071219812874|074235|Spółdzielnia|Opłaty za lokal M-001|||"


def test_amount_text_words(wh):
    # M-001 on 21.11: 222,35 zł past due, 520 zł due 25.11 (tests/helpers/finance.py, by hand).
    assert payments.amount_text(payments.transfer("M-001", F.TODAY)) == (
        "Do zapłaty: **742,35 zł** (zaległość po terminie 222,35 zł, do zapłaty do 25.11.2026 520,00 zł)."
    )
    # On 1.10 nothing is late: 220 zł due 15.10 and 522,35 zł later.
    assert payments.amount_text(payments.transfer("M-001", dt.date(2026, 10, 1))) == (
        "Do zapłaty: **742,35 zł** (do zapłaty do 15.10.2026 220,00 zł, w kolejnych terminach 522,35 zł)."
    )
