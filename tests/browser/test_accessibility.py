"""WCAG 2.1 AA in a real browser: axe-core on every page of every persona, at 1280 px and on a phone.

For each demo persona (tests/helpers/journeys.py) and width (1280 px, and 390 px with an iPhone user
agent and touch), each page the sidebar lists is opened through it (the resident's own WebSocket
session), checked with axe-core (bundled offline in axe-playwright-python) for WCAG 2.0/2.1 A and AA
rules, and must have no serious or critical violation other than the exact rule + selector pairs in
STREAMLIT_EXCEPTIONS (Streamlit's own markup we cannot change; each is explained in
docs/accessibility.md). The signed-out pages likewise. Screenshots go to artifacts/screenshots/
(gitignored); sideways overflow at 390 px is checked, element by element, in test_journeys.py.
"""

from __future__ import annotations

import pytest

from ebok.web import navigation
from tests.browser.conftest import sized_context
from tests.helpers import browser as B
from tests.helpers import journeys as J

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = ("serious", "critical")

# (axe rule id, CSS selector of the Streamlit-owned element the violating node must lie inside) ->
# why e-BOK cannot fix it. Keep in sync with docs/accessibility.md ("Known issues in Streamlit").
# Never a whole rule: the same rule anywhere else on the page still fails the test.
STREAMLIT_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("list", '[data-testid="stSidebarNav"] ul'): (
        "Streamlit's sidebar navigation renders each section as a <div> directly inside its <ul>"
    ),
    ("listitem", '[data-testid="stSidebarNav"] ul'): (
        "the same navigation list: axe then also flags its <li> items as outside a valid list"
    ),
}

INSIDE = """([target, container]) => {
    const el = document.querySelector(target);
    return !!(el && (el.matches(container) || el.closest(container)));
}"""

J_CASES = [(name, width) for name in J.PERSONAS for width in J.WIDTHS]
ACCOUNTS = {
    "resident": ("anna.nowak", B.RESIDENT_PASSWORD),
    "admin": ("admin", B.ADMIN_PASSWORD),
}


# The demo's Anna has a cooperative flat with meters and a garage: no waste point, no community share,
# so her menu has no "Odpady" and no "Uchwały" (issue 12: the menu fits the customer).
ANNA_LACKS = {"waste", "voting"}


def _pages(role: str) -> list[navigation.PageSpec]:
    """Pages the ROLE sees in the sidebar: file exists, role matches, config module on (as ui.allowed_pages)."""
    from ebok.core import config

    cfg = config.load()
    out = []
    for spec in navigation.PAGES:
        if not (B.ROOT / spec.file).exists() or spec.hidden:  # hidden: reached by a link, not the menu
            continue
        if spec.module and not cfg.module_on(spec.module):
            continue
        if role == "resident" and spec.role == "resident" and spec.module in ANNA_LACKS:
            continue
        if spec.role in (role, "everyone") or (spec.role == "any" and role != "public"):
            out.append(spec)
    return out


def _blocking(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Run axe-core on PAGE; return serious/critical violations not excepted, one line per node."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    problems = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            if _excepted(page, violation["id"], node["target"]):
                continue
            problems.append(
                f"{violation['id']} ({violation['impact']}): {target} — {node.get('failureSummary', '')[:200]}"
            )
    return problems


def _excepted(page, rule: str, target: list) -> bool:  # type: ignore[no-untyped-def]
    """Return True when the node is inside a Streamlit-owned element excepted for RULE."""
    if len(target) != 1:  # inside an iframe/shadow DOM: never excepted
        return False
    return any(
        page.evaluate(INSIDE, [str(target[0]), container])
        for (rule_id, container) in STREAMLIT_EXCEPTIONS
        if rule_id == rule
    )


def _check_here(page, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Axe on the page as it is drawn now, and its screenshot."""
    problems = [f"[{name}] {p}" for p in _blocking(page)]
    page.screenshot(path=str(B.SCREENSHOTS / f"{name}.png"), full_page=True)
    return problems


@pytest.mark.parametrize(("persona", "width"), J_CASES, ids=[f"{p}-{w}" for p, w in J_CASES])
def test_every_page_passes_axe(persona, width, chromium, app_server, server_store):
    """Signed in as PERSONA at WIDTH px, every page of the menu has no blocking axe violation."""
    who = J.PERSONAS[persona]
    phone = width <= B.PHONE["width"]
    ctx = sized_context(chromium, app_server, width)
    problems: list[str] = []
    try:
        page = ctx.new_page()
        B.login(page, who.username, who.password)
        B.open_sidebar(page)
        specs = [s for s in navigation.PAGES if B.nav_link(page, s.title).count() == 1]
        assert specs, f"{persona}: the menu lists no page"
        for spec in specs:
            B.nav_to(page, spec.title, tap=phone)
            problems += _check_here(page, f"axe-{persona}-{width}-{B.url_path(spec.file)}")
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", J.WIDTHS)
def test_signed_out_pages_pass_axe(width, chromium, app_server, server_store):
    """The login page and the public pages (registration, password reset), at both widths."""
    ctx = sized_context(chromium, app_server, width)
    try:
        page = ctx.new_page()
        B.open_page(page)
        problems = _check_here(page, f"axe-public-{width}-login")
        for spec in _pages("public"):
            B.open_page(page, B.url_path(spec.file))
            problems += _check_here(page, f"axe-public-{width}-{B.url_path(spec.file)}")
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)
