"""No English seen or heard: every page of the menu, signed out, as a resident and as the office.

Streamlit writes English into its own widgets ("Upload", "Press Enter to apply") and into the
`aria-label`s a screen reader announces ("Open", "Increment", "Collapse sidebar"); ebok/web/polish.py
translates them. This test opens every page, then the parts that appear only on demand (a select
box's list, a date picker's calendar, the dataframe toolbar, a chart's toolbar, a help tooltip) and
scans visible text and attributes for tests/helpers/english.py's words.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.test_accessibility import ACCOUNTS, _pages
from tests.helpers import browser as B
from tests.helpers.english import ENGLISH_WORDS, SCAN_JS

pytestmark = pytest.mark.browser
# Skipped with the folder when Playwright is missing (tests/browser/conftest.py says why).
PlaywrightTimeout = pytest.importorskip("playwright.sync_api").TimeoutError

MAIN = '[data-testid="stMain"]'
NAV_LINKS = '[data-testid="stSidebarNav"] a'
POLISH_MONTHS = re.compile(
    r"styczeń|luty|marzec|kwiecień|maj|czerwiec|lipiec|sierpień|wrzesień|październik|listopad|grudzień", re.I
)


def menu_titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the sidebar links' titles (the last line: the icon's ligature name comes first)."""
    return [t.strip().splitlines()[-1].strip() for t in page.locator(NAV_LINKS).all_inner_texts()]


def settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait for the rerun an action just started (a beat for it to start, then notRunning)."""
    page.wait_for_timeout(300)
    B.wait_idle(page)


def scan(page, where: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Return '<where>: <place>: <text>' for every English word on the page right now."""
    return [f"{where}: {place}: {text!r}" for place, text in page.evaluate(SCAN_JS, list(ENGLISH_WORDS))]


def open_select(page, where: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Open the page's first select box and first multiselect with their arrow button, scan, close."""
    found = []
    for widget in ("stSelectbox", "stMultiSelect"):
        arrows = page.locator(f'{MAIN} [data-testid="{widget}"]:visible button[aria-haspopup="listbox"]')
        if arrows.count() == 0:
            arrows = page.locator(f'{MAIN} [data-testid="{widget}"]:visible [role="combobox"]')
        if arrows.count() == 0:
            continue
        listbox = page.locator('[role="listbox"]').first  # a multiselect with all chosen lists none
        for _ in range(3):  # a click that lands while React re-renders the widget is lost
            arrows.first.click()
            try:
                listbox.wait_for(timeout=5_000)
                break
            except PlaywrightTimeout:
                B.wait_idle(page)
        else:
            found.append(f"{where}: the {widget}'s list did not open")
            continue
        found += scan(page, f"{where} ({widget} open)")
        page.keyboard.press("Escape")
        page.locator('[role="listbox"]').first.wait_for(state="hidden")
    return found


def open_date(page, where: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Open the page's first date input's calendar, scan it and check its month is Polish."""
    fields = page.locator(f'{MAIN} [data-testid="stDateInput"]:visible')
    if fields.count() == 0:
        return []
    fields.first.locator('[role="button"], button').last.click()
    grid = page.locator('[role="grid"], [role="dialog"]').last
    grid.wait_for()
    found = scan(page, f"{where} (calendar open)")
    heading = page.locator('[role="dialog"]').last.inner_text()
    if not POLISH_MONTHS.search(heading):
        found.append(f"{where}: calendar month not Polish: {heading[:80]!r}")
    page.keyboard.press("Escape")
    return found


def hover_toolbars(page, where: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Hover the first dataframe and the first chart: their toolbars (and one tooltip) appear."""
    found = []
    frames = page.locator(f'{MAIN} [data-testid="stDataFrame"]:visible')
    if frames.count():
        frame = frames.first
        frame.hover()
        # The toolbar of THIS frame: every dataframe has one in the DOM (also in a closed tab).
        container = frame.locator("xpath=ancestor::*[@data-testid='stElementContainer'][1]")
        toolbar = container.locator('[data-testid="stElementToolbar"]')
        toolbar.wait_for()
        # force: the toolbar takes pointer events only while its frame is hovered. When the layout
        # shifted under load after frame.hover() (a chart above drawn late), the pointer was no longer
        # over the frame, the hidden toolbar let the grid take the hit test, and Playwright's
        # actionability check waited 30 s without ever moving the pointer back (a flake in 2 of 6
        # runs under load). Moving the pointer onto the button hovers the frame again.
        toolbar.locator("button").first.hover(force=True)
        page.wait_for_timeout(600)  # the tooltip opens after a short delay
        found += scan(page, f"{where} (dataframe toolbar)")
    charts = page.locator(f'{MAIN} [data-testid="stPlotlyChart"]:visible')
    if charts.count():
        charts.first.hover()
        page.wait_for_timeout(300)
        found += scan(page, f"{where} (chart toolbar)")
    return found


def visit(page, title: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Open TITLE from the sidebar and scan it, with its on-demand parts opened one after another."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).click()
    settle(page)
    page.locator(f"{MAIN} h1").filter(has_text=title).first.wait_for()
    found = scan(page, title)
    found += hover_toolbars(page, title)
    found += open_select(page, title)
    found += open_date(page, title)
    return found


def sign_in(page, username: str, password: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Sign in through the form, scanning it on the way (password eye, "Press Enter" hint)."""
    # Not goto + wait_idle: the login form's cookie-manager frame reports its value once loaded and
    # starts one more rerun, which drops what was typed before it (B.open_page waits for it; the
    # login was lost so once in three runs under load).
    B.open_page(page)
    page.get_by_label("Nazwa użytkownika").fill(username)
    page.get_by_label("Hasło", exact=True).fill(password)
    found = scan(page, "login form (filled)")
    page.get_by_role("button", name="Zaloguj się").click()
    # As B.login: a login (bcrypt, the session, the start page's first run) may take more than
    # 30 s on a machine under load; it failed once so, with the office's dashboard as start page.
    page.locator(f"{B.SIDEBAR} button").filter(has_text=B.LOGOUT).wait_for(timeout=60_000)
    settle(page)
    return found


def test_layer_installed_once_without_taking_room(page, server_store):
    """<html lang="pl">, the layer's element is hidden (no gap above the title), one observer per tab."""
    page.goto("/")
    B.wait_idle(page)
    page.get_by_label("Nazwa użytkownika").wait_for()
    assert page.evaluate("document.documentElement.lang") == "pl"
    assert page.evaluate("window.__ebokPolish") is True
    holder = page.locator('[data-testid="stElementContainer"]:has(#ebok-polish)')
    assert holder.count() == 1
    assert holder.evaluate("el => getComputedStyle(el).display") == "none"
    rules = (
        "Array.from(document.querySelectorAll('style')).filter(s => s.textContent.includes('#ebok-polish'))"
    )
    assert page.evaluate(f"{rules}.length") == 1  # installed once, though Streamlit re-ran the script


def test_signed_out_pages_have_no_english(page, server_store):
    """The login page and every public page in the menu, with their forms partly filled."""
    page.goto("/")
    B.wait_idle(page)
    page.get_by_label("Nazwa użytkownika").fill("ktos")
    found = scan(page, "login")
    titles = menu_titles(page)
    assert titles, "no public page in the menu"
    for title in titles:
        if title != "Logowanie":
            found += visit(page, title)
    assert not found, "English on signed-out pages:\n" + "\n".join(found)


@pytest.mark.parametrize("role", ["resident", "admin"])
def test_every_page_of_the_menu_has_no_english(role, page, server_store):
    """Every page a resident (anna.nowak) or the office sees: text and attributes in Polish only."""
    username, password = ACCOUNTS[role]
    found = sign_in(page, username, password)
    found += scan(page, "start page")
    titles = menu_titles(page)
    assert len(titles) == len(_pages(role)), f"menu {titles} is not every {role} page"
    for title in titles:
        found += visit(page, title)
    assert not found, f"English for {role}:\n" + "\n".join(found)
