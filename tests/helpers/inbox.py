"""Fixtures for the contact/fault/inbox page tests: a tiny warehouse of the demo residents."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.helpers import tiny_warehouse

ANNA_FLAT, ANNA_GARAGE, MARIA_FLAT = "L0001-M01", "L0001-G01", "L0002-M01"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64

XSS_PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "**bold**",
)


def build_warehouse(anna_consent: bool = True) -> None:
    """Publish a warehouse with Anna (flat + garage) and Maria (flat) and their e-mail consent."""
    tiny_warehouse.build(
        {
            "customers": [
                {
                    "customer_id": "L0001",
                    "name": "Anna Nowak",
                    "email": "anna@example.pl",
                    "email_consent": anna_consent,
                },
                {
                    "customer_id": "L0002",
                    "name": "Maria Zielińska",
                    "email": "maria@example.pl",
                    "email_consent": False,
                },
            ],
            "premises": [
                tiny_warehouse.premises(ANNA_FLAT, "L0001", "B1"),
                tiny_warehouse.premises(ANNA_GARAGE, "L0001", "B1", kind="garage", unit_no="G1"),
                tiny_warehouse.premises(MARIA_FLAT, "L0002", "B2"),
            ],
        }
    )


def texts(at) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the values of every st.text element of the run."""
    return [t.value for t in at.text]


def markdown_sources(at) -> list[str]:  # type: ignore[no-untyped-def]
    """Return every Markdown source the run sent (markdown, captions, expander labels, metrics…)."""
    out = [m.value for m in at.markdown] + [c.value for c in at.caption]
    out += [e.label for e in at.expander] + [s.value for s in at.subheader] + [t.value for t in at.title]
    out += [m.value for m in at.success] + [m.value for m in at.error] + [m.value for m in at.info]
    out += [m.value for m in at.warning]
    return out


@contextmanager
def smtp_server() -> Iterator[tuple[int, list[tuple[list[str], EmailMessage]]]]:
    """Run a real aiosmtpd server on 127.0.0.1; yield (port, [(recipients, message)])."""
    received: list[tuple[list[str], EmailMessage]] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            received.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
            return "250 OK"

    with socket.socket() as probe:  # a free loopback port (the controller's self-check needs a real one)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()
