"""Fixtures for the message pages: demo residents in two buildings, one community, a few export messages."""

from __future__ import annotations

import datetime as dt

from ebok.core import clock
from tests.helpers import tiny_warehouse as tw

ANNA_FLAT, ANNA_GARAGE, MARIA_FLAT, JAN_HOUSE = "L0001-M01", "L0001-G01", "L0002-M01", "W0001-D01"
PDF = b"%PDF-1.7\n" + b"\x00" * 64


def export_message(
    mid: str, audience: str, target: str | None, day: dt.date, subject: str, body: str
) -> dict:
    """Return a row of the export's messages table."""
    return {
        "message_id": mid,
        "audience": audience,
        "target": target,
        "published_on": day,
        "subject": subject,
        "body": body,
        "valid_until": None,
    }


def build_warehouse() -> None:
    """Anna (flat + garage, building B1), Maria (B1, community W1), Jan (B2); two export messages."""
    today = clock.today()
    tw.build(
        {
            "customers": [
                tw.customer("L0001", "Anna Nowak"),
                tw.customer("L0002", "Maria Zielińska"),
                tw.customer("W0001", "Jan Kowalski"),
            ],
            "communities": [{"community_id": "W1", "name": "Wspólnota Mieszkaniowa Lipowa 7"}],
            "premises": [
                tw.premises(ANNA_FLAT, "L0001", "B1"),
                tw.premises(ANNA_GARAGE, "L0001", "B1", kind="garage", unit_no="G1"),
                tw.premises(MARIA_FLAT, "L0002", "B1", community_id="W1"),
                tw.premises(JAN_HOUSE, "W0001", "B2"),
            ],
            "messages": [
                export_message(
                    "M1",
                    "all",
                    None,
                    today - dt.timedelta(days=10),
                    "Zmiana godzin pracy biura",
                    "Od grudnia biuro pracuje do 16:00.",
                ),
                export_message(
                    "M2",
                    "community",
                    "W1",
                    today - dt.timedelta(days=3),
                    "Zebranie wspólnoty",
                    "Zapraszamy na zebranie 5 grudnia.",
                ),
            ],
        }
    )
