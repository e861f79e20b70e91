"""ebok.core.fmt: account numbers (bills, statements, transfers), moments, and amounts and dates as babel gives them."""

import datetime as dt
import decimal
import random
from decimal import Decimal

import pytest
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

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


# --- the fast number and date formatting against babel's own ------------------------------------


def _values() -> list[Decimal]:
    rng = random.Random(20261205)
    fixed = ["0", "-0.00", "0.005", "0.015", "-0.004", "2.675", "999.995", "1000", "-1234.5", "1234567.891"]
    drawn = [Decimal(rng.randint(-(10**9), 10**9)).scaleb(-rng.randint(0, 4)) for _ in range(3000)]
    return [Decimal(v) for v in fixed] + drawn


@pytest.mark.parametrize("lang", ["pl", "en", "uk"])
def test_money_and_number_are_babels(lang):
    # fmt formats without babel's per-call pattern machinery; every value must still come out as
    # babel's format_decimal gives it in that language, rounding half to even included.
    locale = fmt.LOCALES[lang]
    for v in _values():
        assert fmt.money(v, lang) == format_decimal(v, "#,##0.00", locale=locale) + " zł", v
        for digits, pattern in ((0, "#,##0"), (1, "#,##0.0"), (3, "#,##0.000")):
            assert fmt.number(v, digits, lang) == format_decimal(v, pattern, locale=locale), (v, digits)
    assert fmt.money(7, lang) == format_decimal(Decimal(7), "#,##0.00", locale=locale) + " zł"


def test_money_in_polish_groups_with_a_no_break_space():
    assert fmt.money(Decimal("1234.56"), "pl") == "1\xa0234,56 zł"
    assert fmt.money(Decimal("-1234567.891"), "pl") == "-1\xa0234\xa0567,89 zł"
    assert fmt.money(Decimal("1234.56"), "en") == "1,234.56 zł"


def test_rounding_ignores_the_thread_decimal_context():
    with decimal.localcontext() as ctx:
        ctx.rounding = decimal.ROUND_UP
        assert fmt.money(Decimal("0.125"), "pl") == "0,12 zł"


@pytest.mark.parametrize("lang", ["pl", "en", "uk"])
def test_dates_are_babels(lang):
    pattern = fmt._DATE[lang]
    day = dt.date(2024, 1, 1)
    for n in range(0, 800, 7):
        d = day + dt.timedelta(days=n)
        assert fmt.date(d, lang) == format_date(d, format=pattern, locale=fmt.LOCALES[lang])
        moment = dt.datetime.combine(d, dt.time(n % 24, n % 60))
        assert fmt.datetime(moment, lang) == format_datetime(
            moment, format=pattern + " HH:mm", locale=fmt.LOCALES[lang]
        )
    assert fmt.date(dt.date(2026, 11, 21), "pl") == "21.11.2026"
    assert fmt.date(dt.date(2026, 11, 21), "en") == "21/11/2026"
