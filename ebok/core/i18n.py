"""Translations: gettext catalogs in ebok/locale read through babel, and the language of this run.

Source texts are Polish (the default language). A text shown to people is written as _("…"),
a count as ngettext("{n} odczyt", "{n} odczyty", n).format(n=n) (Polish and Ukrainian have three
forms, the catalogs hold them), and a module-level constant as N_("…"), translated where it is shown
with _(CONSTANT). Placeholders are named, {name}, filled by str.format after translating.

The language is per thread of work: the web sets it at the start of every script run (each
Streamlit session runs its script in its own thread, which starts in a fresh context), and a mail
or a PDF for one person is built inside `with use(their_language):`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext as _gettext
import io
from collections.abc import Iterator
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DEFAULT = "pl"
DOMAIN = "ebok"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def _languages() -> tuple[str, ...]:
    """Return Polish, then every language with a catalog in ebok/locale (a new .po adds one, no code)."""
    found = sorted(po.parent.parent.name for po in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (DEFAULT, *(code for code in found if code != DEFAULT))


LANGS: tuple[str, ...] = _languages()


# Each language's name in itself (babel's CLDR data): what the switch offers, whatever the page's language.
def _own_name(code: str) -> str:
    """Return the language's name in itself, capitalised: Polski, English, Українська."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


NAMES: dict[str, str] = {code: _own_name(code) for code in LANGS}

_current: contextvars.ContextVar[str] = contextvars.ContextVar("ebok_lang", default=DEFAULT)


def normalize(lang: str | None) -> str:
    """Return LANG if e-BOK speaks it ('uk-UA' counts as 'uk'), else the default, Polish."""
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGS else DEFAULT


def current() -> str:
    """Return the language of this run (pl, en or uk)."""
    return _current.get()


def set_language(lang: str | None) -> str:
    """Make LANG the language of this thread's work from now on; return the one set."""
    code = normalize(lang)
    _current.set(code)
    return code


@contextlib.contextmanager
def use(lang: str | None) -> Iterator[str]:
    """Within the block, texts come in LANG (a mail or a PDF in its recipient's language)."""
    token = _current.set(normalize(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """Return MESSAGE in the language of this run."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int | float) -> str:
    """Return the form of a counted text the language's plural rules choose for N."""
    return translations(_current.get()).ngettext(singular, plural, _plural_count(n))


def pgettext(context: str, message: str) -> str:
    """Return MESSAGE in the language of this run, told apart from the same text by CONTEXT."""
    return translations(_current.get()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark MESSAGE for the catalog without translating it (translate it where shown, with _())."""
    return message


def _plural_count(n: int | float) -> int:
    """Return N as gettext's plural rules want it: a whole number (a fraction counts as 'few'-like 2)."""
    value = abs(n)
    whole = int(value)
    # gettext's C-style rules take integers; Polish and Ukrainian put fractions with the
    # genitive singular ("1,5 odczytu"), which the 'few' form (2) carries in both catalogs.
    return whole if whole == value else 2


def catalog_path(lang: str) -> Path:
    """Return the .po file of LANG."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str) -> _gettext.NullTranslations:
    """Return LANG's compiled catalog: the .mo beside it when current, else built from the .po."""
    po = catalog_path(lang)
    mo = po.with_suffix(".mo")
    if mo.exists() and po.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    if not po.exists():
        return _gettext.NullTranslations()
    # A fresh clone has only the .po files (compiled files are not committed): compile in memory.
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)
