"""ebok.core.fmt.nrb: the one way an account number is shown (bills, statements, transfer details, demo PDFs)."""

import datetime as dt

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
