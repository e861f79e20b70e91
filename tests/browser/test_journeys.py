"""Journeys of every persona through every page of its menu, at 1280 px and on a 390 px phone.

For each demo persona (anna.nowak L0001 with a flat and a garage, maria.zielinska L0002 in a
community, blazej.wisniewski U0001 commercial tenant, jan.kowalski W0001 water customer, the office's
admin) and each width, one browser context signs in and opens every page its sidebar lists, in
order, as a resident would (a phone taps the menu). On every page:

- a full-page screenshot goes to artifacts/screenshots/journeys/<persona>-<width>-<page>.png;
- a resident page shows the chosen premises (id or address) and its own numbers, computed here from
  the demo export's CSV files (tests/helpers/journeys.py), never by ebok's finance code;
- at 390 px nothing reaches past the right edge, and the menu folded away after the tap;
- no English word in the text, aria-label, title or placeholder (tests/helpers/english.py).

A resident with two premises picks the second one first, walks every page and back, and reloads:
the choice holds everywhere. Each journey collects every finding and fails once, listing them all.
Registration end to end for an L, a W and a U customer runs through the demo mailbox to the first login.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import yaml

from ebok.core import clock
from ebok.web import navigation
from tests.browser.conftest import sized_context
from tests.helpers import browser as B
from tests.helpers import english
from tests.helpers import journeys as J

pytestmark = pytest.mark.browser

CASES = [(name, width) for name in J.PERSONAS for width in J.WIDTHS]


def _english_findings(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the English words the page shows (text, aria-label, title, placeholder), one line each.

    The word list and the scan are tests/helpers/english.py's (ENGLISH_WORDS, SCAN_JS), shared with
    tests/browser/test_polish.py, which also opens select boxes, calendars and toolbars.
    """
    return [
        f"{place}: {text!r}" for place, text in page.evaluate(english.SCAN_JS, list(english.ENGLISH_WORDS))
    ]


# --- the menu ------------------------------------------------------------------------------------


def _menu(page, role: str) -> tuple[list[navigation.PageSpec], list[str]]:  # type: ignore[no-untyped-def]
    """Return the pages the sidebar links to (in PAGES order) and problems with the menu itself."""
    B.open_sidebar(page)
    nav = page.locator(B.SIDEBAR_NAV)
    specs = [spec for spec in navigation.PAGES if B.nav_link(page, spec.title).count() == 1]
    problems = []
    links = nav.locator("a").count()
    if links != len(specs):
        names = nav.locator("a").evaluate_all("els => els.map((e) => e.innerText.trim())")
        problems.append(f"menu: {links} links, {len(specs)} known pages: {names}")
    allowed = {role, "any", "everyone"}
    problems += [f"menu: {s.title!r} is a {s.role} page" for s in specs if s.role not in allowed]
    return specs, problems


# --- what a page must show -----------------------------------------------------------------------


def _premises_problems(page, spec, chosen: str, several: bool, export: J.Export) -> list[str]:  # type: ignore[no-untyped-def]
    """The resident page shows the chosen premises: in the selector (several) and by id or address."""
    problems = []
    text = J.main_text(page)
    if several and J.shown_premises(page) != chosen:
        problems.append(f"{spec.title}: selector shows {J.shown_premises(page)!r}, chosen {chosen!r}")
    if chosen not in text and J.normalise(export.address(chosen)) not in text:
        problems.append(
            f"{spec.title}: neither the premises id {chosen} nor {export.address(chosen)!r} shown"
        )
    return problems


def _number_problems(page, spec, chosen: str, export: J.Export, today: dt.date) -> list[str]:  # type: ignore[no-untyped-def]
    """The page's own numbers for the chosen premises, computed from the export, are all shown."""
    money = J.money_of(export.ledger(chosen), today)
    text = J.main_text(page)
    return [
        f"{spec.title} ({chosen}): {what} {amount!r} not shown"
        for what, amount in J.expected_amounts(spec.file, money, export, chosen).items()
        if not J.shows_amount(text, J.normalise(amount))
    ]


def _page_problems(page, spec, persona: J.Persona, width: int, state: dict, suffix: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    """Every check of one page just opened from the menu; the screenshot is written first."""
    J.screenshot(page, persona.username, width, spec.file, suffix)
    problems = []
    if width <= B.PHONE["width"]:
        if not B.sidebar_collapsed(page):
            problems.append(f"{spec.title}: the menu stayed open after the tap")
        problems += [f"{spec.title} @{width}px: {f}" for f in J.overflow_findings(page, width)]
    problems += [f"{spec.title}: English: {f}" for f in _english_findings(page)]
    # Settings ("Ustawienia", e.g. Powiadomienia) belong to the person, not to one premises.
    if spec.role == "resident" and spec.section != "Ustawienia":
        problems += _premises_problems(page, spec, state["chosen"], state["several"], state["export"])
        problems += _number_problems(page, spec, state["chosen"], state["export"], state["today"])
    return problems


def _choose_second_premises(page, persona: J.Persona, export: J.Export) -> tuple[str, bool]:  # type: ignore[no-untyped-def]
    """On the first resident page pick the premises not shown first; return (chosen, several)."""
    own = export.premises_of(persona.customer_id or "")
    assert own, f"{persona.username}: no premises of {persona.customer_id} in the export"
    if len(own) == 1:
        return own[0], False
    first = J.shown_premises(page)
    assert first in own, f"{persona.username}: the selector shows {first!r}, not one of {own}"
    second = next(pid for pid in own if pid != first)
    J.pick_premises(page, second)
    return second, True


@pytest.mark.parametrize(("persona", "width"), CASES, ids=[f"{p}-{w}" for p, w in CASES])
def test_journey_through_every_page(persona, width, chromium, app_server, demo_export, server_store):
    """PERSONA at WIDTH px opens every menu page (and, with two premises, back); every finding listed."""
    who = J.PERSONAS[persona]
    phone = width <= B.PHONE["width"]
    ctx = sized_context(chromium, app_server, width)
    try:
        page = ctx.new_page()
        B.login(page, who.username, who.password)
        specs, problems = _menu(page, who.role)
        assert specs, f"{persona}: the menu lists no page"
        state = {"export": J.Export(demo_export), "today": clock.today(), "chosen": "", "several": False}
        resident_pages = [s for s in specs if s.role == "resident"]
        if resident_pages:
            B.nav_to(page, resident_pages[0].title, tap=phone)
            state["chosen"], state["several"] = _choose_second_premises(page, who, state["export"])
        for spec in specs:
            B.nav_to(page, spec.title, tap=phone)
            problems += _page_problems(page, spec, who, width, state)
        if state["several"]:  # and back, the other way round: the choice must hold
            for spec in reversed(resident_pages[:-1]):
                B.nav_to(page, spec.title, tap=phone)
                problems += _premises_problems(page, spec, state["chosen"], True, state["export"])
                problems += _number_problems(page, spec, state["chosen"], state["export"], state["today"])
        if resident_pages:
            B.nav_to(page, resident_pages[0].title, tap=phone)
            page.reload()
            B.settle(page, expect=page.locator(B.PAGE_TITLE).filter(has_text=resident_pages[0].title))
            problems += [
                f"after a reload: {p}"
                for p in _page_problems(page, resident_pages[0], who, width, state, "-reload")
            ]
    finally:
        ctx.close()
    assert not problems, f"{persona} @{width}px:\n" + "\n".join(problems)


def test_lokal_link_opens_that_premises_and_the_choice_holds(context, page, demo_export, server_store):
    """A ?lokal= link opens the resident's premises it names, the next page keeps it; a foreign id
    in the link shows a warning and the resident's own premises, never the other one's numbers."""
    export = J.Export(demo_export)
    today = clock.today()
    anna = J.PERSONAS["anna.nowak"]
    own = export.premises_of(anna.customer_id or "")
    B.login(page, anna.username, anna.password)
    problems = []
    by_title = {s.title: s for s in navigation.PAGES}
    for pid in own:
        B.open_page(page, f"zaplac?lokal={pid}")
        page.locator(B.PAGE_TITLE).filter(has_text="Zapłać").wait_for()
        problems += _premises_problems(page, by_title["Zapłać"], pid, True, export)
        problems += _number_problems(page, by_title["Zapłać"], pid, export, today)
        B.nav_to(page, "Saldo")
        problems += _premises_problems(page, by_title["Saldo"], pid, True, export)
        problems += _number_problems(page, by_title["Saldo"], pid, export, today)
    foreign = next(r["premises_id"] for r in export.rows("premises") if r["customer_id"] != anna.customer_id)
    B.open_page(page, f"saldo?lokal={foreign}")
    page.locator(B.PAGE_TITLE).filter(has_text="Saldo").wait_for()
    text = J.main_text(page)
    if "nie należy do Twojego konta" not in text:
        problems.append(f"?lokal={foreign}: no warning that the premises is not the resident's")
    if foreign in text or J.shown_premises(page) not in own:
        problems.append(f"?lokal={foreign}: shows {J.shown_premises(page)!r}, not one of {own}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("persona", ["anna.nowak", "admin"])
def test_menu_folds_after_a_tap_on_a_phone(persona, chromium, app_server, server_store):
    """On a 390 px phone (iPhone user agent, touch) the menu folds away once the tapped page is shown."""
    who = J.PERSONAS[persona]
    ctx = sized_context(chromium, app_server, 390)
    try:
        page = ctx.new_page()
        B.login(page, who.username, who.password)
        assert B.sidebar_collapsed(page), "the menu is open on a phone right after login"
        specs, _ = _menu(page, who.role)
        stayed = []
        for spec in specs[:3]:
            B.nav_to(page, spec.title, tap=True)
            if not B.sidebar_collapsed(page):
                stayed.append(spec.title)
    finally:
        ctx.close()
    assert not stayed, f"the menu stayed open after tapping: {stayed}"


# --- registration, end to end through the demo mailbox ---------------------------------------------

NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        "zero jeden dwa trzy cztery pięć sześć siedem osiem dziewięć dziesięć jedenaście dwanaście "
        "trzynaście czternaście piętnaście szesnaście siedemnaście osiemnaście dziewiętnaście "
        "dwadzieścia".split()
    )
}
QUESTION = re.compile(r"Ile to jest (\w+) (dodać|odjąć) (\w+)")
PASSWORD = "Zielone-Jabłko-2026!"
FILL_SECONDS = 5.5  # the form refuses a submission sooner than 5 s after it was shown (anti-bot)


def _answer(question: str) -> str:
    """Answer 'Ile to jest cztery dodać trzy? …' in digits."""
    found = QUESTION.search(question)
    assert found, f"unexpected control question: {question!r}"
    a, op, b = NUMBER_WORDS[found[1]], found[2], NUMBER_WORDS[found[3]]
    return str(a + b if op == "dodać" else a - b)


def _newcomer(kind: str, export: J.Export, auth_file: Path) -> str:
    """Return the last customer of KIND (L, W, U) with premises and, where there is one, no account yet.

    The demo has a single U customer, U0001, whose owner already has an account (blazej.wisniewski):
    the U journey is then the firm's second person registering with the firm's own proof.
    """
    users = yaml.safe_load(auth_file.read_text(encoding="utf-8"))["credentials"]["usernames"]
    taken = {u.get("customer_id") for u in users.values()}
    with_premises = {r["customer_id"] for r in export.rows("premises")}
    mine = [
        r["customer_id"]
        for r in export.rows("customers")
        if r["customer_id"].startswith(kind) and r["customer_id"] in with_premises
    ]
    assert mine, f"no {kind} customer with premises in the demo export"
    free = [cid for cid in mine if cid not in taken]
    return (free or mine)[-1]  # the last: tests/browser/test_admin.py registers the first free customer


def _proof(customer_id: str, export: J.Export) -> str:
    """The customer's one-time registration code, printed on paper bills (customers.csv)."""
    assert "registration_code" in export.columns("customers"), "customers.csv has no registration_code"
    row = next(r for r in export.rows("customers") if r["customer_id"] == customer_id)
    assert row["registration_code"], f"{customer_id}: empty registration_code in customers.csv"
    return row["registration_code"]


def _fill_registration(page, customer_id: str, username: str, email: str, code: str) -> None:  # type: ignore[no-untyped-def]
    """Fill the registration form as a resident would and send it (not before the anti-bot delay)."""
    shown = time.monotonic()
    form = page.locator('[data-testid="stForm"]')

    def field(label: str, how: str = "="):  # type: ignore[no-untyped-def]
        # By the input's own aria-label: get_by_label also finds the "Help for …" button beside it.
        return form.locator(f'input[aria-label{how}"{label}" i]').first

    field("Symbol klienta", "^=").fill(customer_id)  # "Symbol klienta lub numer lokalu"
    field("E-mail").fill(email)
    field("Nazwa użytkownika").fill(username)
    field("Hasło").fill(PASSWORD)
    field("Powtórz hasło").fill(PASSWORD)
    field("Kod rejestracji", "^=").fill(code)
    form.get_by_text(re.compile("^Akceptuję regulamin")).click()
    question = field("Pytanie kontrolne", "^=")
    question.fill(_answer(question.get_attribute("aria-label") or ""))
    left = FILL_SECONDS - (time.monotonic() - shown)
    if left > 0:  # a person takes longer than 5 s; the form is built to refuse anything faster
        page.wait_for_timeout(left * 1000)
    form.get_by_role("button", name="Zarejestruj się").click()
    B.settle(page, expect='[data-testid="stAlert"]')


def _mail_to(mailbox: Path, email: str, count: int, timeout: float = 60.0) -> list:
    """Return the messages to EMAIL in the demo mailbox once there are COUNT of them, oldest first."""
    deadline = time.monotonic() + timeout
    found: list = []
    while time.monotonic() < deadline:
        found = []
        for path in sorted(mailbox.glob("*.eml")) if mailbox.is_dir() else []:
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            if email in str(message["To"]):
                found.append(message)
        if len(found) >= count:
            return found
        time.sleep(0.5)
    names = sorted(p.name for p in mailbox.glob("*")) if mailbox.is_dir() else "no such folder"
    raise AssertionError(
        f"{len(found)} of {count} e-mails to {email} in {mailbox} after {timeout:.0f} s: {names}"
    )


def _body(message) -> str:  # type: ignore[no-untyped-def]
    """Return the plain-text body of MESSAGE."""
    return message.get_body(preferencelist=("plain",)).get_content()


def _office_approves(chromium, app_server, username: str) -> None:  # type: ignore[no-untyped-def]
    """The office approves USERNAME's registration on "Konta i rejestracje"."""
    ctx = sized_context(chromium, app_server, 1280)
    try:
        page = ctx.new_page()
        B.login(page, "admin", B.ADMIN_PASSWORD)
        B.nav_to(page, "Konta i rejestracje")
        card = page.get_by_text(f"Nazwa użytkownika: {username}", exact=True).locator(
            "xpath=ancestor::div[.//button[normalize-space()='Zatwierdź']][1]"
        )
        card.get_by_role("button", name="Zatwierdź").click()
        B.settle(page, expect=page.get_by_text(f"Zatwierdzono konto {username}"))
    finally:
        ctx.close()


@pytest.mark.parametrize("kind", ["L", "W", "U"])
def test_registration_end_to_end_through_the_demo_mailbox(
    kind, chromium, app_server, mail_catcher, demo_env, demo_export, server_store
):
    """A KIND customer registers, opens the activation link from the demo mailbox, is approved by the
    office when the config wants it, gets told so by e-mail, and signs in for the first time."""
    export = J.Export(demo_export)
    customer_id = _newcomer(kind, export, Path(demo_env["EBOK_AUTH_FILE"]))
    username, email = f"e2e.{customer_id.lower()}", f"e2e.{customer_id.lower()}@example.com"
    proof = _proof(customer_id, export)
    width = 390 if kind == "W" else 1280  # one of the three on a phone
    ctx = sized_context(chromium, app_server, width)
    try:
        page = ctx.new_page()
        B.open_page(page, "rejestracja")
        _fill_registration(page, customer_id, username, email, proof)
        J.screenshot(page, f"registration-{kind}", width, "sent")
        alerts = " | ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
        assert page.locator('[data-testid="stAlertContentSuccess"]').count() == 1, alerts

        body = _body(_mail_to(mail_catcher, email, 1)[0])
        links = [u for u in re.findall(r"https?://\S+", body) if "aktywacja=" in u]
        assert len(links) == 1, f"activation e-mail to {email} holds {links}"
        assert links[0].startswith(app_server.url + "/rejestracja?"), links[0]
        page.goto(links[0])
        B.settle(page, expect='[data-testid="stAlert"]')
        status = J.main_text(page)
        assert "Adres e-mail potwierdzony" in status, status
        if "zatwierdzenie" in status:  # the config leaves the decision to the office
            _office_approves(chromium, app_server, username)
            approval = _body(_mail_to(mail_catcher, email, 2)[-1])
            assert username in approval or "zatwierdz" in approval.lower(), approval

        B.login(page, username, PASSWORD)
        text = J.main_text(page)
        J.screenshot(page, f"registration-{kind}", width, "first-login")
    finally:
        ctx.close()
    own = export.premises_of(customer_id)
    assert any(pid in text or J.normalise(export.address(pid)) in text for pid in own), (own, text[:500])
