"""ebok.core.fmt.nrb: the one way an account number is shown (bills, statements, transfer details, demo PDFs)."""

from decimal import Decimal

from ebok.core import fmt


def test_nrb_groups_two_then_fours():
    assert fmt.nrb("61109010140000071219812874") == "61 1090 1014 0000 0712 1981 2874"


def test_nrb_drops_spaces_dashes_and_country_code():
    assert fmt.nrb("61 1090-1014 0000 0712 1981 2874") == "61 1090 1014 0000 0712 1981 2874"
    assert fmt.nrb("PL61109010140000071219812874") == "61 1090 1014 0000 0712 1981 2874"


def test_nrb_without_digits_is_empty():
    assert fmt.nrb("") == ""
    assert fmt.nrb(None) == ""
    assert fmt.nrb(" - ") == ""


# --- plural: Polish forms by CLDR's rules (one: 1; few: 2–4 except 12–14 in the last two digits; many: the rest)

FORMS = ("odczyt", "odczyty", "odczytów")


def test_plural_integers_follow_polish_rules():
    # Written out by hand from the Polish grammar, not from babel.
    expected = {
        0: "odczytów",
        1: "odczyt",
        2: "odczyty",
        4: "odczyty",
        5: "odczytów",
        11: "odczytów",
        12: "odczytów",
        14: "odczytów",
        21: "odczytów",
        22: "odczyty",
        25: "odczytów",
        101: "odczytów",
        102: "odczyty",
        112: "odczytów",
        122: "odczyty",
        1000: "odczytów",
    }
    assert {n: fmt.plural(n, *FORMS) for n in expected} == expected


def test_plural_fractions_take_the_other_form():
    assert fmt.plural(Decimal("1.5"), "metr", "metry", "metrów", "metra") == "metra"
    assert fmt.plural(0.5, "metr", "metry", "metrów", "metra") == "metra"
    # Without an explicit fraction form the few form stands in.
    assert fmt.plural(Decimal("2.5"), *FORMS) == "odczyty"


def test_plural_negative_counts_like_positive():
    assert fmt.plural(-1, *FORMS) == "odczyt"
    assert fmt.plural(-3, *FORMS) == "odczyty"
    assert fmt.plural(Decimal("-5"), *FORMS) == "odczytów"
