"""Two app processes behind nginx on loopback (deploy/nginx/ebok.conf): health, WebSocket reruns,
stickiness by the ebok_node cookie, and one login valid on every replica (shared store + key)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import urllib.request
from pathlib import Path

import pytest
import websockets

from tests.helpers import browser as B
from tests.helpers.streamlit_ws import Tab, login_cookie

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(B.NGINX).exists(), reason="nginx not installed (test.sh installs it as root)"
    ),
]


@pytest.fixture
def replicas(demo_env, tmp_path):  # type: ignore[no-untyped-def]
    """Two `streamlit run app.py` processes on the demo data directory and nginx in front."""
    servers = []
    nginx = None
    try:
        for i in range(2):
            servers.append(B.start_streamlit("app.py", demo_env, tmp_path / f"app-{i}.log"))
        nginx = B.start_nginx([s.port for s in servers], tmp_path / "nginx")
        yield nginx, servers
    finally:
        if nginx is not None:
            nginx.stop()
        for server in servers:
            server.stop()


async def _visit(url: str, cookie: str, page: str = "", signed_in: bool = True) -> Tab:
    async with websockets.connect(
        url,
        subprotocols=["streamlit"],
        max_size=2**26,
        additional_headers={"Cookie": cookie},
        open_timeout=30,
    ) as ws:
        tab = Tab(ws)
        ok, problem = await tab.run(page)
        assert ok or (not signed_in and problem.startswith("login form")), problem
        return tab


def _run(coro):  # type: ignore[no-untyped-def]
    """Run CORO in its own thread: Playwright's sync API may own this thread's event loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result(timeout=180)


def _upstream_of(nginx: B.Nginx, node: str) -> list[str]:
    return re.findall(rf"GET /_stcore/stream[^\n]* upstream=(\S+) node={node} ", nginx.access_log())


def test_health_and_anonymous_rerun_through_nginx(replicas):
    """/_stcore/health answers through nginx and a WebSocket script run renders the login page."""
    nginx, _servers = replicas
    with urllib.request.urlopen(f"{nginx.url}/_stcore/health", timeout=10) as resp:  # noqa: S310
        assert resp.status == 200
        assert resp.read().strip() == b"ok"
    with urllib.request.urlopen(f"{nginx.url}/", timeout=10) as resp:  # noqa: S310
        assert any(h.startswith("ebok_node=") for h in resp.headers.get_all("Set-Cookie") or [])
    tab = _run(_visit(f"ws://127.0.0.1:{nginx.port}/_stcore/stream", "ebok_node=anon1", signed_in=False))
    assert not tab.signed_in()
    assert "Nazwa użytkownika" in tab.texts()


def test_static_files_compressed_and_kept_a_year_through_nginx(replicas):
    """Streamlit's hashed bundle comes gzipped and cacheable for a year; the page itself is not cached."""
    nginx, _servers = replicas
    with urllib.request.urlopen(f"{nginx.url}/", timeout=10) as resp:  # noqa: S310
        index = resp.read().decode()
        assert "immutable" not in (resp.headers.get("Cache-Control") or "")
    script = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', index)
    assert script, "no static/js bundle named in index.html"
    plain = urllib.request.urlopen(f"{nginx.url}/{script.group(1)}", timeout=10)  # noqa: S310
    request = urllib.request.Request(f"{nginx.url}/{script.group(1)}", headers={"Accept-Encoding": "gzip"})
    with plain, urllib.request.urlopen(request, timeout=10) as packed:  # noqa: S310
        size, body = len(plain.read()), packed.read()
        assert packed.headers.get("Content-Encoding") == "gzip"
        assert len(body) < size / 2  # JavaScript compresses at least 2:1
        assert "max-age=31536000" in packed.headers.get("Cache-Control", "")
        assert packed.headers.get("X-Content-Type-Options") == "nosniff"


def test_sticky_sessions_and_login_valid_on_every_replica(replicas, server_store):
    """The same ebok_node always reaches the same replica; one login works on both replicas."""
    nginx, servers = replicas
    url = f"ws://127.0.0.1:{nginx.port}/_stcore/stream"
    cookie = login_cookie("anna.nowak")
    reached: dict[str, str] = {}
    for i in range(24):  # bounded: with 2 replicas, 24 random nodes miss one with p = 2**-23
        node = f"node{i}"
        tab = _run(_visit(url, f"{cookie}; ebok_node={node}", "saldo"))
        assert tab.signed_in(), tab.texts()[:10]
        assert any(t == "Saldo" for t in tab.texts())
        upstream = _upstream_of(nginx, node)
        assert len(upstream) == 1
        reached.setdefault(upstream[0], node)
        if len(reached) == 2:
            break
    assert set(reached) == {f"127.0.0.1:{s.port}" for s in servers}
    for upstream, node in reached.items():
        for _ in range(3):
            _run(_visit(url, f"{cookie}; ebok_node={node}", "saldo"))
        assert set(_upstream_of(nginx, node)) == {upstream}
