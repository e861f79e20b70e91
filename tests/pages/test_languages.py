"""Every page in Polish, English and Ukrainian (AppTest): its title, an amount or a date, no Polish left.

The person's language is saved to their account in the store, as the switch under Ustawienia does,
and the page is run as the guard runs it. Expected texts: the title seen in Polish translated through
the catalog (and different from the Polish), amounts computed from the demo export's CSV files and
formatted here, independently of ebok.core.fmt, in each language's way.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from ebok.auth import language
from ebok.core import clock, i18n
from ebok.web import navigation
from ebok.web.session import PREMISES_KEY
from tests.helpers import auth, money
from tests.helpers.polish_words import POLISH_WORDS

RESIDENT, CUSTOMER = "anna.nowak", "L0001"
# Maria's premises belong to a housing community (votes), Jan's have a waste point; Anna's neither.
PAGE_USER = {"pages/uchwaly.py": "maria.zielinska", "pages/odpady.py": "jan.kowalski"}
# The pages reached by a link with a query (a payment's status) show their refusal without one.
MONEY_PAGES = ("pages/saldo.py", "pages/rachunki.py", "pages/faktury.py", "pages/zaplac.py")
_POLISH = re.compile(
    r"(?<![\w])(" + "|".join(re.escape(w) for w in sorted(POLISH_WORDS, key=len, reverse=True)) + r")(?![\w])"
)


def _specs() -> list[navigation.PageSpec]:
    return [s for s in navigation.PAGES if (auth.settings.ROOT / s.file).exists()]


def _user(spec: navigation.PageSpec) -> str | None:
    if spec.role == "public":
        return None
    if spec.role == "admin":
        return "admin"
    return PAGE_USER.get(spec.file, RESIDENT)


def formatted(value: Decimal, lang: str) -> str:
    """Return VALUE in złoty as LANG writes it: 1 234,56 zł (pl, uk), 1,234.56 zł (en)."""
    sign = "-" if value < 0 else ""
    whole, frac = f"{abs(value):.2f}".split(".")
    groups = [whole[max(i - 3, 0) : i] for i in range(len(whole), 0, -3)][::-1]
    if lang == "en":
        return f"{sign}{','.join(groups)}.{frac} zł"
    return f"{sign}{chr(160).join(groups)},{frac} zł"


def formatted_date(day: dt.date, lang: str) -> str:
    """Return DAY as LANG writes it: 21.11.2026 (pl, uk), 21/11/2026 (en)."""
    sep = "/" if lang == "en" else "."
    return f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}"


@pytest.fixture(scope="module")
def demo_data():
    return money.demo_loaded()


@pytest.fixture
def demo(demo_data, data_dir):
    money.use_demo(demo_data, data_dir)
    auth.write_demo_auth()
    return demo_data


def flat(demo: money.Demo) -> str:
    """Return Anna's flat (her customer has a flat and garages)."""
    return next(p for p in money.premises_of(demo.export_dir, CUSTOMER) if p.endswith("/M001"))


def run(spec: navigation.PageSpec, lang: str, premises_id: str):  # noqa: ANN201
    """Open SPEC's page through app.py for its user, whose account chose LANG (signed out: the session's)."""
    username = _user(spec)
    at = auth.page("app.py", username)
    if username:
        language.save(username, None, lang)
        if username == RESIDENT:
            at.session_state[PREMISES_KEY] = premises_id
    else:
        at.session_state["_ebok_lang"] = (None, lang)
    at.run()
    try:
        at.switch_page(spec.file)
    except ValueError:  # app.py's navigation did not register it for this user
        pytest.skip(f"{spec.file} is not in {username}'s menu in this demo (its module does not apply)")
    at.run()
    assert not at.exception, at.exception
    return at


def office_and_export_texts(demo: money.Demo) -> list[str]:
    """Return texts shown as written in every language: the office's consent wording, the export's messages."""
    from ebok.core import config

    rows = money.read(demo.export_dir, "messages")
    ledger = {r["description"] for r in money.read(demo.export_dir, "ledger")}
    kept = [str(config.load().notifications.consent_text)] + [r[k] for r in rows for k in ("subject", "body")]
    return kept + sorted(ledger, key=len, reverse=True)


@pytest.mark.parametrize("lang", ["en", "uk"])
@pytest.mark.parametrize("spec", _specs(), ids=lambda s: s.file.removeprefix("pages/").removesuffix(".py"))
def test_page_in_each_language(spec, lang, demo):
    premises_id = flat(demo)
    polish = run(spec, "pl", premises_id)
    at = run(spec, lang, premises_id)
    titles_pl = [t.value for t in polish.title]
    assert titles_pl, f"{spec.file} shows no title"
    with i18n.use(lang):
        expected = [i18n._(t) if t != "e-BOK" else t for t in titles_pl]
    assert [t.value for t in at.title] == expected
    assert all(e != p for e, p in zip(expected, titles_pl, strict=True) if p != "e-BOK"), expected

    text = money.all_text(at)
    if spec.file in MONEY_PAGES:
        exp = money.expected(demo.export_dir, premises_id, clock.today())
        figures = {exp.balance, -exp.balance, exp.overdue, exp.open_total, exp.next_due_amount} - {Decimal(0)}
        shown = [formatted(v, lang) for v in figures if formatted(v, lang) in text]
        assert shown, f"none of {[formatted(v, lang) for v in figures]} on {spec.file} in {lang}"
        assert not any(money.pl_money(v) in text for v in figures if v >= 1000) or lang == "uk"
    elif spec.role in ("resident",):
        assert formatted_date(clock.today(), lang) in text or "—" in text

    for kept in office_and_export_texts(demo):
        text = text.replace(kept, "")
    leftovers = sorted({m.group(1) for m in _POLISH.finditer(text)})
    assert not leftovers, f"Polish on {spec.file} in {lang}: {leftovers}"
