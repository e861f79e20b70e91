"""Online payments in tests: the fake gateway on a real local port, the office's config and keys."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
import yaml

from ebok.core import config, settings
from ebok.demo.fake_gateway import FakeGateway, Keys

KEYS = Keys(
    merchant_id=100200,
    pos_id=100200,
    api_key="test-api-key",
    crc="test-crc/ó",  # a slash and a Polish letter: the sign must leave both unescaped
    payu_pos_id=300746,
    payu_client_id="300746",
    payu_client_secret="test-client-secret",
    payu_second_key="test-second-key",
)
SECRETS = {
    "przelewy24_api_key": KEYS.api_key,
    "przelewy24_crc": KEYS.crc,
    "payu_client_secret": KEYS.payu_client_secret,
    "payu_second_key": KEYS.payu_second_key,
}


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve the ASGI APP with uvicorn on a free local port in a thread; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def configure(
    gateway: str, api_url: str, notify_base_url: str = "http://127.0.0.1:9", **changes: Any
) -> None:
    """Switch online payments on for GATEWAY at API_URL, with the test keys in the secrets file."""
    settings.secrets_file().write_text(yaml.safe_dump(SECRETS, allow_unicode=True), encoding="utf-8")
    values = {
        "enabled": True,
        "gateway": gateway,
        "merchant_id": KEYS.merchant_id,
        "pos_id": KEYS.pos_id if gateway == "przelewy24" else KEYS.payu_pos_id,
        "client_id": KEYS.payu_client_id,
        "api_url": api_url,
        "notify_base_url": notify_base_url,
        **changes,
    }
    config.save(config.replace_section(config.load(), "payments_online", **values))


def new_fake(**kwargs: Any) -> FakeGateway:
    """Return a fake gateway with the test keys."""
    return FakeGateway(KEYS, **kwargs)
