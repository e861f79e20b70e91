"""Real-browser helpers: a Streamlit server on loopback, Debian's chromium, waiting for reruns.

Used by tests/browser/ and bench/multi_replica.py. Every wait is bounded; nothing outlives the caller.
"""

from __future__ import annotations

import os
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


def settle(page, timeout: float = 30_000) -> None:  # type: ignore[no-untyped-def]
    """Wait for the rerun a click or keypress just started to finish.

    The state flips to running a moment after the event reaches the server, so give it a beat to
    start, then wait for notRunning and for the network to go quiet.
    """
    page.wait_for_timeout(300)
    wait_idle(page, timeout)
    page.wait_for_load_state("networkidle", timeout=timeout)
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
