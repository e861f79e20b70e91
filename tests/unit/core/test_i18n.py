"""ebok.core.i18n: the run's language, a recipient's language in a block, catalogs read from .po."""

from __future__ import annotations

import threading

import pytest

from ebok.core import fmt, i18n
from ebok.core.i18n import _, ngettext


@pytest.fixture(autouse=True)
def polish():
    """Each test starts (and leaves the thread) in Polish."""
    i18n.set_language("pl")
    yield
    i18n.set_language("pl")


@pytest.mark.parametrize(
    "given,expected",
    [("uk", "uk"), ("uk-UA", "uk"), ("en_GB", "en"), ("EN", "en"), ("de", "pl"), (None, "pl"), ("", "pl")],
)
def test_normalize_keeps_known_languages_and_falls_back_to_polish(given, expected):
    assert i18n.normalize(given) == expected


def test_use_sets_the_language_for_the_block_only():
    with i18n.use("uk") as lang:
        assert lang == "uk" and i18n.current() == "uk"
        with i18n.use("en"):
            assert i18n.current() == "en"
        assert i18n.current() == "uk"
    assert i18n.current() == "pl"


def test_a_new_thread_starts_in_polish_whatever_another_thread_set():
    """Streamlit runs each session's script in its own thread: one resident's language never leaks."""
    i18n.set_language("uk")
    seen: list[str] = []
    worker = threading.Thread(target=lambda: seen.append(i18n.current()))
    worker.start()
    worker.join()
    assert seen == ["pl"] and i18n.current() == "uk"


def test_texts_come_from_the_catalog_of_the_language():
    with i18n.use("en"):
        assert _("Wyloguj się") == "Sign out"
    with i18n.use("uk"):
        assert _("Wyloguj się") == "Вийти"
    assert _("Wyloguj się") == "Wyloguj się"


def test_plural_forms_follow_each_language_rules():
    """Polish and Ukrainian have three forms (1, 2–4, 5–21), English two."""
    out = {}
    for lang in i18n.LANGS:
        with i18n.use(lang):
            out[lang] = [ngettext("{n} odczyt", "{n} odczyty", n).format(n=n) for n in (1, 2, 5, 22, 25)]
    assert out["pl"] == ["1 odczyt", "2 odczyty", "5 odczytów", "22 odczyty", "25 odczytów"]
    assert out["en"] == ["1 meter reading"] + [f"{n} meter readings" for n in (2, 5, 22, 25)]
    assert out["uk"] == ["1 показання", "2 показання", "5 показань", "22 показання", "25 показань"]


def test_money_and_dates_in_each_language():
    import datetime as dt
    from decimal import Decimal

    amount, day = Decimal("1234.56"), dt.date(2026, 11, 21)
    assert (fmt.money(amount), fmt.date(day)) == ("1\xa0234,56 zł", "21.11.2026")
    with i18n.use("en"):
        assert (fmt.money(amount), fmt.date(day)) == ("1,234.56 zł", "21/11/2026")
    with i18n.use("uk"):
        assert (fmt.money(amount), fmt.date(day)) == ("1\xa0234,56 zł", "21.11.2026")
        assert fmt.month(day) == "листопад 2026"


def test_a_new_catalog_adds_a_language_without_code(tmp_path, monkeypatch):
    """A volunteer adds German with `python -m ebok i18n update --add de`: its .po alone makes it offered."""
    import shutil

    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    (locale / "de" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(locale / "en" / "LC_MESSAGES" / "ebok.po", locale / "de" / "LC_MESSAGES" / "ebok.po")
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    assert i18n._languages() == ("pl", "de", "en", "uk")
    assert [i18n._own_name(c) for c in ("pl", "de", "en", "uk")] == [
        "Polski",
        "Deutsch",
        "English",
        "Українська",
    ]
