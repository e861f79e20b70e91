"""ebok.auth.language: an account's language is kept in the store and gives its mails' language."""

from __future__ import annotations

import datetime as dt

from ebok.auth import language


def test_an_account_without_a_choice_has_none_and_gets_polish_mail():
    assert language.saved("anna") is None
    assert language.for_user("anna") == "pl"
    assert language.for_customer("K001") == "pl"
    assert language.for_user(None) == "pl" and language.for_customer(None) == "pl"


def test_a_choice_is_kept_changed_and_normalised():
    assert language.save("anna", "K001", "uk-UA") == "uk"
    assert language.saved("anna") == "uk" and language.for_user("anna") == "uk"
    language.save("anna", "K001", "en")
    assert language.saved("anna") == "en"
    assert language.save("anna", "K001", "klingon") == "pl"  # unknown: Polish, never an error


def test_a_customer_mail_takes_the_latest_choice_of_their_accounts():
    t = dt.datetime(2026, 12, 4, 10, 0)
    language.save("anna", "K001", "uk", now=t)
    language.save("jan", "K001", "en", now=t + dt.timedelta(minutes=1))
    language.save("ola", "K002", "uk", now=t + dt.timedelta(minutes=2))
    assert language.for_customer("K001") == "en"
    assert language.for_customer("K002") == "uk"
    assert language.for_customer("K003") == "pl"


def test_by_customer_gives_each_customer_the_latest_choice():
    t = dt.datetime(2026, 12, 4, 10, 0)
    language.save("anna", "K001", "uk", now=t)
    language.save("jan", "K001", "en", now=t + dt.timedelta(minutes=1))
    language.save("office", None, "en", now=t)
    assert language.by_customer() == {"K001": "en"}
