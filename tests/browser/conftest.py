"""Real-browser fixtures: one demo warehouse + `streamlit run app.py` per test session, Debian chromium.

The server gets its own temporary EBOK_DATA_DIR (small demo warehouse: 60 premises, seed 1) and a
temporary copy of auth.yaml; it listens on a free loopback port and is stopped at the end.
Tests skip, saying why, only when /usr/bin/chromium (or nginx, for the replica test) is missing;
test.sh installs both as root, so CI runs them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import browser as B

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Skip this folder's browser tests when chromium or Playwright is missing."""
    reason = None
    if not B.CHROMIUM.exists():
        reason = "no /usr/bin/chromium: install Debian's chromium (test.sh does it as root)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright not installed (pip install -r requirements.txt)"
    if reason is None:
        return
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(HERE) and item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def demo_env(tmp_path_factory) -> dict[str, str]:
    """Return the environment of a data directory holding a loaded small demo warehouse.

    The reading window is set to always open so the reading tests do not depend on today's date.
    """
    from ebok.core import config

    env = B.demo_environment(tmp_path_factory.mktemp("ebok-browser"), premises=60, seed=1)
    path = Path(env["EBOK_CONFIG"])
    config.save(config.replace_section(config.load(path), "reading_window", always_open=True), path)
    config.clear_cache()
    return env


@pytest.fixture(scope="session")
def app_server(demo_env, tmp_path_factory) -> Iterator[B.Server]:
    """Run `streamlit run app.py` on a free loopback port for the whole session."""
    log = tmp_path_factory.mktemp("ebok-browser-logs") / "app.log"
    server = B.start_streamlit("app.py", demo_env, log)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's chromium through Playwright, headless, for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = B.launch_chromium(pw)
        yield browser
        browser.close()


@pytest.fixture
def server_store(demo_env, data_dir, monkeypatch) -> dict[str, str]:
    """Point this test process at the server's data directory (store, auth.yaml, warehouse)."""
    from ebok.storage import store, warehouse

    store.dispose_all()
    warehouse.close_all()
    for key, value in demo_env.items():
        if value:
            monkeypatch.setenv(key, value)
        else:
            monkeypatch.delenv(key, raising=False)
    return demo_env


# Requests the browser tried to send anywhere but the test server (blocked, recorded per session).
OUTSIDE_REQUESTS: list[str] = []


def new_context(chromium, app_server, **kwargs):  # type: ignore[no-untyped-def]
    """Return a browser context at desktop size, Polish locale, that can reach only the test server."""
    ctx = chromium.new_context(
        base_url=app_server.url, viewport=B.DESKTOP, locale="pl-PL", accept_downloads=True, **kwargs
    )
    ctx.set_default_timeout(30_000)

    def block(route) -> None:  # type: ignore[no-untyped-def]
        OUTSIDE_REQUESTS.append(route.request.url)
        route.abort()

    ctx.route(lambda url: not url.startswith(app_server.url), block)
    return ctx


@pytest.fixture
def context(chromium, app_server):  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies); all traffic stays on loopback."""
    ctx = new_context(chromium, app_server)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):  # type: ignore[no-untyped-def]
    """A page in a fresh context."""
    return context.new_page()


@pytest.fixture(autouse=True)
def _screenshots_dir() -> None:
    os.makedirs(B.SCREENSHOTS, exist_ok=True)
