"""Real-browser helpers: a Streamlit server on loopback, Debian's chromium, waiting for reruns.

Used by tests/browser/ and bench/multi_replica.py. Every wait is bounded; nothing outlives the caller.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Streamlit marks the app root with the script state; typing while a rerun is in flight is lost.
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# Streamlit folds the sidebar after a menu tap only for a phone user agent (UAParser "mobile").
IPHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
SIDEBAR = '[data-testid="stSidebar"]'
SIDEBAR_NAV = '[data-testid="stSidebarNav"]'
EXPAND_SIDEBAR = '[data-testid="stExpandSidebarButton"]'
PAGE_TITLE = '[data-testid="stMain"] h1'
STALE_GONE = '() => !document.querySelector(\'[data-testid="stMain"] [data-stale="true"]\')'


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 90.0, proc: subprocess.Popen | None = None) -> None:
    """Poll URL until it answers 200; raise with the reason after TIMEOUT seconds or if PROC dies."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - loopback only
                if resp.status == 200:
                    return
        except OSError as exc:
            last = repr(exc)
        time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s ({last})")


@dataclass
class Server:
    """One running `streamlit run` process."""

    proc: subprocess.Popen
    port: int
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Base URL on loopback."""
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Terminate the process group, kill it after 15 s."""
        stop_process(self.proc)


def stop_process(proc: subprocess.Popen, grace: float = 15.0) -> None:
    """Send SIGTERM to PROC's group, wait GRACE seconds, then SIGKILL."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=grace)


def start_streamlit(
    script: str | Path,
    env: Mapping[str, str],
    log: Path,
    port: int | None = None,
    extra_args: tuple[str, ...] = (),
    timeout: float = 90.0,
) -> Server:
    """Start `streamlit run SCRIPT` headless on 127.0.0.1 and wait for /_stcore/health."""
    port = port or free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--browser.gatherUsageStats",
        "false",
        *extra_args,
    ]
    full_env = {**os.environ, **env}
    log.parent.mkdir(parents=True, exist_ok=True)
    out = open(log, "ab")  # noqa: SIM115 - the child owns it until it exits
    proc = subprocess.Popen(  # noqa: S603 - fixed command
        cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    out.close()
    server = Server(proc, port, log, dict(env))
    try:
        wait_http(f"{server.url}/_stcore/health", timeout, proc)
    except BaseException:
        server.stop()
        raise
    return server


def start_mail_catcher(env: Mapping[str, str], log: Path, parent_pid: int, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    """Start `python -m ebok mailcatcher` on a free port; return the process once it wrote its address.

    The catcher (demo mode only) writes mailbox/ADDRESS when it listens; the outbox sends there.
    Raise, with the process's output, if it exits or never listens within TIMEOUT seconds.
    """
    address = Path(env["EBOK_DATA_DIR"]) / "mailbox" / "ADDRESS"
    proc = _spawn(["mailcatcher", "--port", "0", "--parent-pid", str(parent_pid)], env, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"demo mail catcher exited with {proc.returncode}:\n{log.read_text(errors='replace')}"
            )
        if address.exists():
            return proc
        time.sleep(0.2)
    stop_process(proc)
    raise TimeoutError(f"demo mail catcher wrote no {address} within {timeout:.0f} s")


@dataclass
class PaymentServices:
    """The demo's fake payment gateway and the notification receiver, each its own process on loopback."""

    gateway: subprocess.Popen
    receiver: subprocess.Popen
    gateway_port: int
    receiver_port: int
    log: Path

    @property
    def gateway_url(self) -> str:
        """Base URL of the fake gateway (the browser is sent there and back)."""
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def receiver_url(self) -> str:
        """Base URL of the receiver; the gateway posts to /platnosci/<gateway> under it."""
        return f"http://127.0.0.1:{self.receiver_port}"

    def stop(self) -> None:
        """Stop both processes."""
        stop_process(self.gateway)
        stop_process(self.receiver)


def _spawn(args: list[str], env: Mapping[str, str], log: Path) -> subprocess.Popen:
    """Start `python -m ebok ARGS` in its own process group, its output appended to LOG."""
    log.parent.mkdir(parents=True, exist_ok=True)
    out = open(log, "ab")  # noqa: SIM115 - the child owns it until it exits
    proc = subprocess.Popen(  # noqa: S603 - fixed command
        [sys.executable, "-m", "ebok", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out.close()
    return proc


def start_payment_services(
    env: Mapping[str, str], log: Path, parent_pid: int, timeout: float = 60.0
) -> PaymentServices:
    """Start the receiver and the fake gateway on free ports as run.sh's demo mode does; wait for both.

    `fake-gateway --setup-demo` writes the demo keys to the secrets file and points payments_online
    (on, Przelewy24, api_url, notify_base_url) at the two; ENV must be a demo installation (EBOK_DEMO=1).
    """
    receiver_port = free_port()
    gateway_port = free_port()
    while gateway_port == receiver_port:
        gateway_port = free_port()
    receiver = _spawn(["receiver", "--port", str(receiver_port), "--parent-pid", str(parent_pid)], env, log)
    gateway = _spawn(
        ["fake-gateway", "--setup-demo", "--port", str(gateway_port), "--parent-pid", str(parent_pid),
         "--receiver-url", f"http://127.0.0.1:{receiver_port}"],
        env,
        log,
    )  # fmt: skip
    services = PaymentServices(gateway, receiver, gateway_port, receiver_port, log)
    try:
        wait_http(f"{services.receiver_url}/platnosci/health", timeout, receiver)
        wait_http(f"{services.gateway_url}/_fake/failures", timeout, gateway)
    except BaseException as exc:
        services.stop()
        raise RuntimeError(f"payment services did not start:\n{log.read_text(errors='replace')}") from exc
    return services


def run_cli(args: list[str], env: Mapping[str, str], timeout: float = 600.0) -> None:
    """Run `python -m ebok ARGS` with ENV; raise with its output when it fails."""
    result = subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "-m", "ebok", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"python -m ebok {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def demo_environment(root: Path, premises: int = 60, seed: int = 1) -> dict[str, str]:
    """Build a data directory with a loaded demo warehouse and a copy of auth.yaml; return its env."""
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    auth = root / "auth.yaml"
    shutil.copyfile(ROOT / "auth.yaml", auth)
    env = {
        "EBOK_DATA_DIR": str(data),
        "EBOK_AUTH_FILE": str(auth),
        "EBOK_CONFIG": str(data / "config.yaml"),
        "EBOK_STORE_URL": "",
    }
    export = root / "export"
    run_cli(["demo", "--out", str(export), "--premises", str(premises), "--seed", str(seed)], env)
    run_cli(["load", str(export)], env)
    return env


def wait_idle(page, timeout: float = 30_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until the script run finished (input typed during a rerun is lost)."""
    page.wait_for_selector(IDLE, timeout=timeout)


def settle(page, timeout: float = 30_000, expect=None) -> None:  # type: ignore[no-untyped-def]
    """Wait for the rerun a click or keypress just started to finish, then for EXPECT if given.

    The state flips to running a moment after the event reaches the server, so give it a beat to
    start, then wait for notRunning. Never "networkidle": Streamlit keeps its WebSocket open and
    may fetch media at any time, so the network is not a signal that the page is drawn. EXPECT (a
    CSS selector or a Playwright locator) is the element the rerun must show; the wait is bounded.
    """
    page.wait_for_timeout(300)
    wait_idle(page, timeout)
    # Elements of the previous run stay, marked stale, until the new run replaced or dropped them.
    page.wait_for_function(STALE_GONE, timeout=timeout)
    if expect is not None:
        target = page.locator(expect).first if isinstance(expect, str) else expect.first
        target.wait_for(state="visible", timeout=timeout)
        wait_idle(page, timeout)


def launch_chromium(playwright):  # type: ignore[no-untyped-def]
    """Launch Debian's chromium headless (Playwright cannot download its own browser here)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def main_overflow(page) -> int:  # type: ignore[no-untyped-def]
    """Return by how many CSS pixels the main content is wider than the viewport (0 = no scroll)."""
    return int(
        page.evaluate(
            """() => {
                const main = document.querySelector('[data-testid="stMain"]')
                    || document.querySelector('section.main') || document.body;
                const vw = document.documentElement.clientWidth;
                let widest = Math.max(main.scrollWidth, document.documentElement.scrollWidth);
                return Math.max(0, widest - vw);
            }"""
        )
    )


NGINX = "/usr/sbin/nginx"
SITE_CONF = ROOT / "deploy" / "nginx" / "ebok.conf"


@dataclass
class Nginx:
    """nginx running deploy/nginx/ebok.conf on loopback from a temporary prefix."""

    proc: subprocess.Popen
    port: int
    prefix: Path

    @property
    def url(self) -> str:
        """Base URL on loopback."""
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        """Return the master and worker pids."""
        out = [self.proc.pid]
        try:
            for task in os.listdir(f"/proc/{self.proc.pid}/task"):
                out += [
                    int(c) for c in Path(f"/proc/{self.proc.pid}/task/{task}/children").read_text().split()
                ]
        except OSError:
            pass
        return out

    def access_log(self) -> str:
        """Return the access log (upstream=<replica> per request)."""
        path = self.prefix / "access.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def stop(self) -> None:
        """Stop nginx (SIGTERM to the group, SIGKILL after 15 s)."""
        stop_process(self.proc)


def site_config(upstream_ports: list[int], listen_port: int, access_log: Path) -> str:
    """Return deploy/nginx/ebok.conf with only the listen port, replicas and log path rewritten."""

    text = SITE_CONF.read_text(encoding="utf-8")
    servers = "".join(
        f"    server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n" for port in upstream_ports
    )
    text, n = re.subn(r"(?m)^    server 127\.0\.0\.1:\d+ [^\n]*\n", "", text)
    assert n >= 1, "deploy/nginx/ebok.conf: no upstream server lines found"
    text = text.replace("    keepalive 16;", servers + "    keepalive 16;", 1)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{listen_port};", 1)
    return text.replace("/var/log/nginx/ebok.access.log", str(access_log), 1)


def start_nginx(upstream_ports: list[int], prefix: Path, port: int | None = None) -> Nginx:
    """Start nginx in the foreground from PREFIX with the project's site config; wait for health."""
    port = port or free_port()
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "site.conf").write_text(
        site_config(upstream_ports, port, prefix / "access.log"), encoding="utf-8"
    )
    temp = "".join(
        f"    {name}_temp_path {prefix / ('tmp-' + name)};\n"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'} warn;\n"
        "events { worker_connections 4096; }\n"
        f"http {{\n{temp}    include {prefix / 'site.conf'};\n}}\n",
        encoding="utf-8",
    )
    out = open(prefix / "stdout.log", "ab")  # noqa: SIM115 - the child owns it until it exits
    proc = subprocess.Popen(  # noqa: S603 - fixed command
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out.close()
    server = Nginx(proc, port, prefix)
    try:
        wait_http(f"{server.url}/_stcore/health", 30, proc)
    except BaseException:
        server.stop()
        raise
    return server


# --- portal actions (Polish labels from ebok.web) ----------------------------------------------

RESIDENT_PASSWORD = "Mieszkaniec-2026!"  # docs/demo-data.md demo personas
ADMIN_PASSWORD = "Biuro-ebok-2026!"
LOGOUT = "Wyloguj się"


def url_path(file: str) -> str:
    """Return the URL path Streamlit gives a page file (pages/saldo.py -> saldo)."""
    return Path(file).stem


# Every component iframe (the login form's cookie manager) has loaded: a loaded component reports
# its value, which starts one more rerun; a click that lands before that rerun is lost.
FRAMES_LOADED = """() => [...document.querySelectorAll('iframe')].every(
    (f) => { try { return f.contentDocument && f.contentDocument.readyState === 'complete'; }
             catch (e) { return true; } })"""


def open_page(page, path: str = "", timeout: float = 30_000) -> None:  # type: ignore[no-untyped-def]
    """Load /PATH and wait until the script run, and the rerun its components start, finished."""
    page.goto(f"/{path}")
    page.wait_for_selector('[data-testid="stApp"]')
    settle(page, timeout)
    page.wait_for_function(FRAMES_LOADED, timeout=timeout)
    settle(page, timeout)


def login(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the login form and wait for the signed-in sidebar."""
    open_page(page)
    page.get_by_label("Nazwa użytkownika").fill(username)
    page.get_by_label("Hasło", exact=True).fill(password)
    page.get_by_role("button", name="Zaloguj się").click()
    # On a phone the sidebar (and its logout button) is folded away: present, not visible.
    page.locator(f"{SIDEBAR} button").filter(has_text=LOGOUT).wait_for(state="attached", timeout=60_000)
    settle(page)


def wait_login_cookie(context, name: str = "ebok_auth", seconds: int = 20) -> list[dict]:  # type: ignore[no-untyped-def]
    """Return the context's cookies once the login cookie is there (the page posts its ticket to
    /_ebok/session after the login rerun, so asynchronously); fail, naming the problem, if it never appears."""
    for _ in range(seconds * 4):
        cookies = context.cookies()
        if any(c["name"] == name for c in cookies):
            return cookies
        context.pages[0].wait_for_timeout(250)
    raise AssertionError(
        f"login cookie {name!r} never written to the browser (ebok.web.cookie.sync_cookie); cookies: "
        f"{[c['name'] for c in context.cookies()]}"
    )


def logout(page) -> None:  # type: ignore[no-untyped-def]
    """Sign out from the sidebar and wait for the login form."""
    page.get_by_role("button", name=LOGOUT).click()
    page.get_by_label("Nazwa użytkownika").wait_for()
    settle(page)


def signed_in(page) -> bool:  # type: ignore[no-untyped-def]
    """Return True when the sidebar shows the logout button."""
    return page.get_by_role("button", name=LOGOUT).count() > 0


def sidebar_collapsed(page) -> bool:  # type: ignore[no-untyped-def]
    """Return True when the sidebar is folded away (Streamlit's data-collapsed attribute)."""
    return page.locator(SIDEBAR).first.get_attribute("data-collapsed") == "true"


def open_sidebar(page, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    """Unfold the sidebar when it is folded (a phone after login or after a menu tap).

    Acts on what the page shows now, in a bounded loop: right after a viewport change Streamlit
    folds or unfolds the sidebar by itself a moment later, so the expand button seen a moment ago
    may be gone (clicking it then waited 30 s for nothing).
    """
    nav = page.locator(SIDEBAR_NAV).first
    expand = page.locator(EXPAND_SIDEBAR).first
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not sidebar_collapsed(page) and nav.is_visible():
            return
        if expand.is_visible():
            try:
                expand.click(timeout=2_000)
            except Exception:  # noqa: BLE001 - the button went away as Streamlit unfolded the menu itself
                pass
        page.wait_for_timeout(200)
    raise AssertionError(f"the sidebar did not unfold within {timeout:.0f} s")


def nav_link(page, title: str):  # type: ignore[no-untyped-def]
    """Return the sidebar's link to the page titled TITLE."""
    return page.locator(SIDEBAR_NAV).get_by_role("link", name=title, exact=True)


def nav_to(page, title: str, tap: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Open a page by its sidebar link title (keeps the WebSocket session, like a resident).

    On a phone the menu is unfolded first; TAP touches the link instead of clicking it. Returns once
    the new page's script run finished and its title (h1) containing TITLE is shown.
    """
    # app.py expands the whole menu (no "View N more" fold), so every page's link is there.
    open_sidebar(page)
    link = nav_link(page, title)
    if tap:
        link.tap()
    else:
        link.click()
    # "Faktury i kalendarz" is titled "Faktury i kalendarz płatności": the h1 contains the link text.
    settle(page, expect=page.locator(PAGE_TITLE).filter(has_text=title))


def main_text(page) -> str:  # type: ignore[no-untyped-def]
    """Return the visible text of the main area (without the sidebar)."""
    return page.locator('[data-testid="stMain"]').inner_text()


def anna_flat_with_meters() -> str:
    """Return anna.nowak's premises that has active meters (her flat, not the garage)."""
    from ebok.auth import premises, users
    from ebok.core import clock
    from ebok.domain import meters

    record = users.get("anna.nowak")
    assert record is not None
    for ref in premises.premises_of(record.customer_id, record.premises):
        if any(
            m.is_active(clock.today()) for m in meters.meters_for_premises(ref.premises_id, clock.today())
        ):
            return ref.premises_id
    raise AssertionError("anna.nowak has no premises with an active meter")


def first_meter_start(premises_id: str):  # type: ignore[no-untyped-def]
    """Return (label, start value) of the meter the reading form selects first (first active one)."""
    from ebok.core import clock
    from ebok.domain import meters

    active = [m for m in meters.meters_for_premises(premises_id, clock.today()) if m.is_active(clock.today())]
    assert active, f"{premises_id}: no active meter"
    return active[0].label(), active[0].start_value
