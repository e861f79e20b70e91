"""Whose X-Forwarded-For counts, on a real server: one setting (FORWARDED_ALLOW_IPS) decides (issue 13 §2).

Each case starts its own server and data directory: five failed logins lock a client address for
15 minutes, and every other browser test signs in from loopback.
"""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest
import sqlalchemy as sa
import websockets

from ebok.auth import throttle
from tests.helpers import browser as B
from tests.helpers.auth import RESIDENT_PASSWORD
from tests.helpers.streamlit_ws import Tab

pytestmark = pytest.mark.slow

FORGED = [f"203.0.113.{i}" for i in range(1, 7)]


async def _login(url: str, username: str, password: str, forwarded: str | None) -> bool:
    """Open a tab (with X-Forwarded-For FORWARDED if given), submit the login form; return signed in."""
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    async with websockets.connect(
        url, subprotocols=["streamlit"], max_size=2**26, additional_headers=headers
    ) as ws:
        tab = Tab(ws)
        await tab.run()
        await tab.run(widget_states=tab.login_states(username, password))
        return tab.signed_in()


def _attempts(env, forwarded: list[str | None], tmp_path) -> tuple[list[str | None], bool]:  # type: ignore[no-untyped-def]
    """Six failed logins (one per FORWARDED header), then anna.nowak's right password from a 7th.

    Return the client addresses the store recorded for the failures and whether anna got in.
    """
    server = B.start_streamlit("app.py", env, tmp_path / "app.log")
    url = f"ws://127.0.0.1:{server.port}/_stcore/stream"

    async def all_attempts() -> bool:
        for i, header in enumerate(forwarded):
            assert not await _login(url, f"ktos.obcy{i}", "zle-haslo-123", header)
        return await _login(url, "anna.nowak", RESIDENT_PASSWORD, "198.51.100.77" if forwarded[0] else None)

    try:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            signed_in = pool.submit(asyncio.run, all_attempts()).result(300)
    finally:
        server.stop()
    engine = sa.create_engine(f"sqlite:///{env['EBOK_DATA_DIR']}/ebok.sqlite")
    with engine.connect() as con:
        rows = con.execute(
            sa.text("SELECT client_address FROM auth_attempts WHERE username LIKE 'ktos%'")
        ).all()
    engine.dispose()
    return [r[0] for r in rows], signed_in


@pytest.fixture
def fresh_env(tmp_path) -> dict[str, str]:
    """A data directory of its own (its throttle counts must not lock other tests out)."""
    return B.demo_environment(tmp_path / "env", premises=20, seed=3)


def test_forged_forwarded_for_from_an_untrusted_peer_is_ignored(fresh_env, tmp_path):
    """Loopback is not the configured proxy: rotating headers are one client, locked after five."""
    env = {**fresh_env, "FORWARDED_ALLOW_IPS": "192.0.2.254/32"}
    addresses, signed_in = _attempts(env, FORGED, tmp_path)
    assert len(addresses) >= 5 and set(addresses) <= {None, throttle.UNKNOWN_ADDRESS}
    assert not signed_in  # the right password, but from the client that failed five times


def test_without_any_proxy_header_clients_share_one_limit(fresh_env, tmp_path):
    """No header, loopback peer (Streamlit gives no address): still throttled, as one address."""
    addresses, signed_in = _attempts(dict(fresh_env), [None] * 6, tmp_path)
    assert len(addresses) >= 5 and set(addresses) <= {None, throttle.UNKNOWN_ADDRESS}
    assert not signed_in


def test_the_configured_proxy_s_forwarded_for_names_each_client(fresh_env, tmp_path):
    """nginx on loopback, listed in FORWARDED_ALLOW_IPS: each resident is their own client."""
    env = {**fresh_env, "FORWARDED_ALLOW_IPS": "127.0.0.1"}
    addresses, signed_in = _attempts(env, FORGED, tmp_path)
    assert sorted(addresses) == sorted(FORGED)
    assert signed_in  # another client: not locked by the six failures
