"""ebok.core.fmt.nrb: the one way an account number is shown (bills, statements, transfer details, demo PDFs)."""

import datetime as dt
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


def test_local_datetime_shows_a_winter_utc_moment_one_hour_later():
    # 21 Nov: Poland is on CET, UTC+1.
    assert fmt.local_datetime(dt.datetime(2026, 11, 21, 13, 5)) == "21.11.2026 14:05"


def test_local_datetime_shows_a_summer_utc_moment_two_hours_later_across_midnight():
    # 15 Jul: CEST, UTC+2; 22:30 UTC is already the next day in Warsaw.
    assert fmt.local_datetime(dt.datetime(2026, 7, 15, 22, 30)) == "16.07.2026 00:30"


def test_local_datetime_converts_aware_moments_and_shows_a_dash_for_none():
    new_york = dt.timezone(dt.timedelta(hours=-5))
    assert fmt.local_datetime(dt.datetime(2026, 1, 2, 7, 0, tzinfo=new_york)) == "02.01.2026 13:00"
    assert fmt.local_datetime(None) == "—"


def test_local_datetime_around_the_autumn_change():
    # 25 Oct 2026, 01:00 UTC: clocks go back from 03:00 CEST to 02:00 CET.
    assert fmt.local_datetime(dt.datetime(2026, 10, 25, 0, 59)) == "25.10.2026 02:59"
    assert fmt.local_datetime(dt.datetime(2026, 10, 25, 1, 0)) == "25.10.2026 02:00"
