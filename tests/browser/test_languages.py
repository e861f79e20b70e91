"""A resident in Ukrainian and in English: chosen on the login page, every page of the menu, no Polish left.

The language is chosen with the switch on the login page (the browser keeps it in a cookie, the page
reloads), then the resident signs in with the form in that language and opens every page of the menu.
Each page is scanned, text and the attributes a screen reader reads, for tests/helpers/polish_words.py's
words, and on a Ukrainian page for tests/helpers/english.py's words too; `<html lang>` must be the
language. Data from the export (names, addresses, ledger descriptions) stays as written, by design.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ebok.auth import language
from ebok.core import i18n
from tests.browser.test_accessibility import ACCOUNTS
from tests.helpers import browser as B
from tests.helpers.english import ENGLISH_WORDS, SCAN_JS
from tests.helpers.polish_words import POLISH_WORDS

pytestmark = pytest.mark.browser

MAIN = '[data-testid="stMain"]'
NAV = '[data-testid="stSidebarNav"]'


def t(lang: str, text: str) -> str:
    """Return TEXT in LANG, from the catalogs."""
    with i18n.use(lang):
        return i18n._(text)


def _flat(text: str) -> str:
    return " ".join(text.split())


def kept_as_written(export: Path) -> list[str]:
    """Return texts shown as written in every language: the office's consent wording, the export's messages."""
    from ebok.core import config

    with (export / "messages.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    texts = [str(config.load().notifications.consent_text)] + [
        r[k] for r in rows for k in ("subject", "body")
    ]
    return [_flat(t) for t in texts if t]


def scan(page, lang: str, where: str, kept: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Return '<where>: <place>: <text>' for every Polish (and, in Ukrainian, English) word shown."""
    words = list(POLISH_WORDS) + (list(ENGLISH_WORDS) if lang == "uk" else [])
    found = page.evaluate(SCAN_JS, {"words": words, "lang": lang})
    return [f"{where}: {place}: {text!r}" for place, text in found if not any(_flat(text) in k for k in kept)]


def choose_on_login_page(page, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Pick LANG with the login page's switch; wait for the reloaded page in that language."""
    B.open_page(page)
    page.get_by_role("radio", name=i18n.NAMES[lang], exact=True).click()
    page.get_by_label(t(lang, "Nazwa użytkownika")).wait_for(timeout=60_000)
    # The browser remembers it: a fresh visit opens in LANG without choosing again.
    B.open_page(page)
    page.get_by_label(t(lang, "Nazwa użytkownika")).wait_for()


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_resident_sees_every_page_in_the_language_chosen_at_login(lang, page, server_store, demo_export):
    username, password = ACCOUNTS["resident"]
    kept = kept_as_written(demo_export)
    try:
        choose_on_login_page(page, lang)
        assert page.evaluate("document.documentElement.lang") == lang
        found = scan(page, lang, "login page", kept)
        page.get_by_label(t(lang, "Nazwa użytkownika")).fill(username)
        page.get_by_label(t(lang, "Hasło"), exact=True).fill(password)
        page.get_by_role("button", name=t(lang, "Zaloguj się")).click()
        page.locator(f"{B.SIDEBAR} button").filter(has_text=t(lang, "Wyloguj się")).wait_for(timeout=60_000)
        B.settle(page)
        assert language.saved(username) == lang  # chosen before login: the account keeps it (and its mail)
        titles = [x.strip().splitlines()[-1].strip() for x in page.locator(f"{NAV} a").all_inner_texts()]
        assert t(lang, "Saldo") in titles and t(lang, "Saldo") != "Saldo"
        for title in titles:
            page.locator(NAV).get_by_role("link", name=title, exact=True).click()
            page.wait_for_timeout(300)
            B.wait_idle(page)
            page.locator(f"{MAIN} h1").first.wait_for()
            found += scan(page, lang, title, kept)
        assert not found, f"Polish or English on {lang} pages:\n" + "\n".join(found)
    finally:
        language.save(username, None, "pl")  # the other browser tests sign Anna in in Polish
