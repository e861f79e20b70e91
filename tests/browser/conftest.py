"""Real-browser fixtures: one demo warehouse + `streamlit run app.py` per test session, Debian chromium.

The server gets its own temporary EBOK_DATA_DIR (small demo warehouse: 60 premises, seed 1, in demo
mode) and a temporary copy of auth.yaml; it listens on a free loopback port (which is also the portal
address its e-mails link to) and is stopped at the end. The registration journey adds the demo mail
catcher (`python -m ebok mailcatcher`), which keeps every e-mail in $EBOK_DATA_DIR/mailbox/.
The online payment test adds, as run.sh's demo mode does, the fake payment gateway and the notification
receiver (`python -m ebok fake-gateway --setup-demo`, `python -m ebok receiver`), each on a free port.
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
            reason = "playwright not installed (pip install -r requirements-dev.txt)"
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
    # Demo mode: e-mail goes to the local mail catcher, never to a real address.
    env["EBOK_DEMO"] = "1"
    path = Path(env["EBOK_CONFIG"])
    config.save(config.replace_section(config.load(path), "reading_window", always_open=True), path)
    config.clear_cache()
    return env


@pytest.fixture(scope="session")
def demo_export(demo_env) -> Path:
    """Return the folder of the demo export the warehouse was loaded from (CSV files, read by tests)."""
    return Path(demo_env["EBOK_DATA_DIR"]).parent / "export"


@pytest.fixture(scope="session")
def app_server(demo_env, tmp_path_factory) -> Iterator[B.Server]:
    """Run `streamlit run app.py` on a free loopback port for the whole session.

    EBOK_BASE_URL is that address, so the links in its e-mails lead back to this server.
    """
    log = tmp_path_factory.mktemp("ebok-browser-logs") / "app.log"
    port = B.free_port()
    env = {**demo_env, "EBOK_BASE_URL": f"http://127.0.0.1:{port}"}
    server = B.start_streamlit("app.py", env, log, port=port)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mail_catcher(demo_env, app_server, tmp_path_factory) -> Iterator[Path]:
    """Run the demo mail catcher for the session; return the mailbox folder it writes .eml files to."""
    log = tmp_path_factory.mktemp("ebok-mailcatcher") / "mailcatcher.log"
    proc = B.start_mail_catcher(demo_env, log, app_server.proc.pid)
    yield Path(demo_env["EBOK_DATA_DIR"]) / "mailbox"
    B.stop_process(proc)


@pytest.fixture(scope="session")
def payment_services(demo_env, app_server, tmp_path_factory) -> Iterator[B.PaymentServices]:
    """Run the notification receiver and the fake gateway for the session, as run.sh's demo mode does.

    The gateway's --setup-demo switches online payments on in the server's config (the app reads it
    again on its next run), so from then on "Zapłać" offers "Zapłać online" through the two.
    """
    log = tmp_path_factory.mktemp("ebok-payments") / "payments.log"
    services = B.start_payment_services(demo_env, log, app_server.proc.pid)
    yield services
    services.stop()


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


def new_context(chromium, app_server, allow: tuple[str, ...] = (), **kwargs):  # type: ignore[no-untyped-def]
    """Return a desktop-size, Polish-locale context that reaches only the test server and ALLOW's origins."""
    kwargs.setdefault("viewport", B.DESKTOP)
    ctx = chromium.new_context(base_url=app_server.url, locale="pl-PL", accept_downloads=True, **kwargs)
    ctx.set_default_timeout(30_000)

    def block(route) -> None:  # type: ignore[no-untyped-def]
        OUTSIDE_REQUESTS.append(route.request.url)
        route.abort()

    reachable = (app_server.url, *allow)
    ctx.route(lambda url: not any(url == o or url.startswith(o + "/") for o in reachable), block)
    return ctx


def sized_context(chromium, app_server, width: int):  # type: ignore[no-untyped-def]
    """Return a context WIDTH px wide: 390 is a phone (iPhone user agent, touch), wider a desktop."""
    if width <= B.PHONE["width"]:
        return new_context(
            chromium,
            app_server,
            viewport={"width": width, "height": B.PHONE["height"]},
            user_agent=B.IPHONE_UA,
            is_mobile=True,
            has_touch=True,
        )
    return new_context(chromium, app_server, viewport={"width": width, "height": B.DESKTOP["height"]})


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
