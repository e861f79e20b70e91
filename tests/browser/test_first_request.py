"""A fresh server whose very first request names a page (a bookmark, a reload after a restart).

Streamlit treats an app with a pages/ folder as a legacy multipage app until app.py's st.navigation
runs once; without ebok.web.guard.ensure_app_navigation every session of that process then ran pages on
their own: no sidebar, no logout button, Streamlit's own menu of every file in pages/.
"""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest
import websockets

from tests.helpers import browser as B
from tests.helpers.streamlit_ws import Tab, login_cookie

pytestmark = pytest.mark.slow


async def _first_visits(url: str, cookie: str, pages: list[str]) -> list[list[str]]:
    async with websockets.connect(
        url, subprotocols=["streamlit"], max_size=2**26, additional_headers={"Cookie": cookie}
    ) as ws:
        tab = Tab(ws)
        seen = []
        for page in pages:
            ok, problem = await tab.run(page)
            assert ok, problem
            seen.append(tab.texts())
        return seen


def test_first_request_for_a_page_still_runs_the_app_navigation(demo_env, server_store, tmp_path) -> None:
    """The first run of a new process, for /saldo, shows the page with the app's sidebar and logout."""
    server = B.start_streamlit("app.py", demo_env, tmp_path / "app.log")
    try:
        cookie = login_cookie("anna.nowak")
        url = f"ws://127.0.0.1:{server.port}/_stcore/stream"
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            runs = pool.submit(asyncio.run, _first_visits(url, cookie, ["saldo", "media"])).result(180)
    finally:
        server.stop()
    for texts, title in zip(runs, ["Saldo", "Media i odczyty"], strict=True):
        assert title in texts
        assert "Wyloguj się" in texts  # app.py's sidebar ran
        assert "Anna Nowak" in " ".join(texts)
