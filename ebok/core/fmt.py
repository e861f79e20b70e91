"""Money, dates and numbers in the language of this run (ebok.core.i18n), through babel.

Money is always in złoty: the amount in the locale's digits, then "zł" (1 234,56 zł; 1,234.56 zł).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date

from ebok.core import clock, i18n

LOCALES = {"pl": "pl_PL", "en": "en_GB", "uk": "uk_UA"}
# Dates as people write them: Polish and Ukrainian with dots, British English with slashes.
_DATE = {"pl": "dd.MM.yyyy", "en": "dd/MM/yyyy", "uk": "dd.MM.yyyy"}


def _lang(lang: str | None) -> str:
    """Return LANG, or the language of this run when None."""
    return lang if lang in i18n.LANGS else i18n.current()


def money(value: Decimal | float | int | None, lang: str | None = None) -> str:
    """Format an amount in złoty: 1 234,56 zł."""
    if value is None:
        return "—"
    return f"{_fixed(value, 2, _lang(lang))} zł"


def number(value: Decimal | float | int | None, digits: int = 2, lang: str | None = None) -> str:
    """Format a number with a fixed count of decimal digits: 12,345."""
    if value is None:
        return "—"
    return _fixed(value, digits, _lang(lang))


@lru_cache(maxsize=8)
def _symbols(lang: str) -> dict[int, str]:
    """Return str.translate's table from Python's ',', '.' and '-' to LANG's group, decimal and minus signs."""
    symbols = _locale(lang).number_symbols["latn"]
    return str.maketrans({",": symbols["group"], ".": symbols["decimal"], "-": symbols["minusSign"]})


def _fixed(value: Decimal | float | int, digits: int, lang: str) -> str:
    """Return VALUE grouped by thousands with DIGITS decimals (half to even) in LANG's signs.

    What babel's format_decimal gives for the pattern "#,##0.00…" (tests/unit/core/test_fmt.py
    compares them over thousands of values in every language) at a twentieth of its cost: a
    resident page's first visit formats several hundred amounts (docs/benchmarks.md finding 29).
    """
    # Rounded here, half to even as babel does, so the thread's decimal context never changes it.
    exact = Decimal(value).quantize(_QUANTUM[digits], rounding=ROUND_HALF_EVEN)
    return format(exact, f",.{digits}f").translate(_symbols(lang))


_QUANTUM = [Decimal(1).scaleb(-digits) for digits in range(10)]


@lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    """Return the babel Locale of LANG."""
    return Locale.parse(LOCALES.get(lang, lang))


def date(value: dt.date | None, lang: str | None = None) -> str:
    """Format a date as 21.11.2026 (dd/MM/yyyy in English)."""
    if value is None:
        return "—"
    return _day(value, _lang(lang))


def datetime(value: dt.datetime | None, lang: str | None = None) -> str:
    """Format a naive moment as it stands, 21.11.2026 14:05 (store times in UTC: local_datetime)."""
    if value is None:
        return "—"
    return f"{_day(value, _lang(lang))} {value.hour:02d}:{value.minute:02d}"


def _day(value: dt.date, lang: str) -> str:
    """Return VALUE as LANG's _DATE pattern: only digits and a separator, so no locale data is needed.

    babel's format_date gives the same (tests/unit/core/test_fmt.py compares them) at about twenty
    times the cost, and a first visit of a page formats a few hundred dates.
    """
    sep = "/" if _DATE.get(lang) == "dd/MM/yyyy" else "."
    return f"{value.day:02d}{sep}{value.month:02d}{sep}{value.year:04d}"


def local_datetime(value: dt.datetime | None, lang: str | None = None) -> str:
    """Format a stored moment (naive = UTC, as the store keeps it) in Polish time: 21.11.2026 15:05.

    The one formatter for times shown to people; a naive value that is already Polish local time
    (warehouse vote windows, export and load times) goes to datetime() instead.
    """
    if value is None:
        return "—"
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return datetime(aware.astimezone(clock.LOCAL_TZ).replace(tzinfo=None), lang)


def month(value: dt.date, lang: str | None = None) -> str:
    """Format a month as 'listopad 2026'."""
    return format_date(value, format="LLLL yyyy", locale=LOCALES.get(_lang(lang), _lang(lang)))


def nrb(number: str | None) -> str:
    """Return an account number (NRB) grouped as on bills: '61 1090 1014 0000 0712 1981 2874'.

    Spaces, dashes and any other non-digits in NUMBER are dropped first; no digits gives ''.
    """
    d = re.sub(r"\D", "", number or "")
    return f"{d[:2]} " + " ".join(d[i : i + 4] for i in range(2, len(d), 4)) if d else ""
