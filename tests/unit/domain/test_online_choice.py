"""What a resident pays online: the remaining amount, chosen charges or another amount, within limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ebok.core.errors import FormError
from ebok.domain import online_choice as oc
from ebok.domain.finance import OpenItem

LIMITS = (100, 500_000)  # 1,00 zł .. 5 000,00 zł


def item(entry_id: str, due: int, remaining: str, doc: str | None = None) -> OpenItem:
    return OpenItem(
        entry_id, "charge", dt.date(2026, 11, 1), dt.date(2026, 11, due), doc, f"Opłata {entry_id}",
        Decimal("300.00"), Decimal(remaining),
    )  # fmt: skip


ITEMS = [item("K2", 20, "120.50", "FV/2"), item("K1", 10, "300.00"), item("K3", 25, "0.00", "FV/3")]


def test_remaining_amount_in_grosze():
    assert oc.choose(oc.REMAINING, Decimal("420.50"), ITEMS, [], "", LIMITS) == oc.Choice(42050)


def test_nothing_remaining_points_to_another_amount():
    with pytest.raises(FormError) as err:
        oc.choose(oc.REMAINING, Decimal("0.00"), ITEMS, [], "", LIMITS)
    assert err.value.fields == {"Kwota"}
    assert "Inną kwotę" in err.value.messages[0]


def test_chosen_items_sum_their_remaining_and_name_them():
    # K1 (no document number: its entry id) 300,00 + FV/2 120,50 = 420,50; oldest due first.
    got = oc.choose(oc.ITEMS, Decimal("999"), ITEMS, ["FV/2", "K1", "FV/2"], "", LIMITS)
    assert got == oc.Choice(42050, ("K1", "FV/2"))


def test_paid_or_unknown_items_are_not_payable():
    assert [oc.reference(i) for i in oc.payable(ITEMS)] == ["K1", "FV/2"]
    with pytest.raises(FormError) as err:
        oc.choose(oc.ITEMS, Decimal("999"), ITEMS, ["FV/3", "XX"], "", LIMITS)
    assert err.value.messages == ["Należności: wybierz co najmniej jedną fakturę lub naliczenie do zapłaty."]


@pytest.mark.parametrize(
    "typed,grosze",
    [("150", 15000), ("150,5", 15050), ("1 234,56", 123456), ("1\xa0234,56 zł", 123456), ("0.99", 99)],
)
def test_other_amount_parsed_to_grosze(typed, grosze):
    assert oc.parse_amount(typed) == grosze


@pytest.mark.parametrize("typed", ["", "abc", "12,345", "-5", "1e3", "12,"])
def test_other_amount_refused_naming_the_field(typed):
    with pytest.raises(FormError) as err:
        oc.choose(oc.OTHER, Decimal("0"), ITEMS, [], typed, LIMITS)
    assert err.value.fields == {"Kwota"}
    assert err.value.messages[0].startswith("Kwota: ")


def test_limits_name_the_field_and_the_bounds():
    with pytest.raises(FormError) as low:
        oc.choose(oc.OTHER, Decimal("0"), ITEMS, [], "0,50", LIMITS)
    assert low.value.messages == ["Kwota: płatność online musi wynosić od 1,00 zł do 5\xa0000,00 zł."]
    with pytest.raises(FormError) as high:
        oc.choose(oc.REMAINING, Decimal("5000.01"), ITEMS, [], "", LIMITS)
    assert high.value.fields == {"Kwota"}
    assert "5\xa0000,01 zł przekracza limit" in high.value.messages[0]
    # The bounds themselves are allowed.
    assert oc.choose(oc.OTHER, Decimal("0"), ITEMS, [], "1", LIMITS).amount_grosze == 100
    assert oc.choose(oc.OTHER, Decimal("0"), ITEMS, [], "5000", LIMITS).amount_grosze == 500_000
