"""Wiadomości page: messages for the chosen premises, unread marked, opening marks read, literal text."""

from __future__ import annotations

import pytest

from ebok.domain import messages
from tests.helpers import messages as h
from tests.helpers.auth import page


@pytest.fixture(autouse=True)
def _warehouse():
    h.build_warehouse()


def run(username: str = "anna.nowak", premises: str = h.ANNA_FLAT):
    at = page("pages/wiadomosci.py", username, lokal=premises)
    at.run()
    assert not at.exception, at.exception
    return at


def message_buttons(at):
    return [b for b in at.button if b.key and b.key.startswith("msg-")]


def test_list_newest_first_with_unread_marks():
    messages.publish("admin", "building", "B1", "Wyłączenie wody", "We wtorek 8–12.")
    at = run()
    labels = [b.label for b in message_buttons(at)]
    assert len(labels) == 2
    assert labels[0].startswith(":blue[●] **Wyłączenie wody**")
    assert labels[1].startswith(":blue[●] **Zmiana godzin pracy biura**")
    assert "Nieprzeczytane: 2 z 2" in [c.value for c in at.caption]


def test_opening_marks_read_and_shows_body_literally():
    messages.publish("admin", "all", None, "Uwaga *ważne*", "<b>Treść</b> [link](javascript:alert(1))")
    at = run()
    first = message_buttons(at)[0]
    first.click()
    at.run()
    assert not at.exception, at.exception
    assert "<b>Treść</b> [link](javascript:alert(1))" in [t.value for t in at.text]
    assert at.subheader[0].value == "Uwaga \\*ważne\\*"
    assert "Nieprzeczytane: 1 z 2" in [c.value for c in at.caption]
    assert not message_buttons(at)[0].label.startswith(":blue")
    # Read state belongs to Anna only: Maria still sees it unread.
    maria = run("maria.zielinska", h.MARIA_FLAT)
    assert message_buttons(maria)[0].label.startswith(":blue[●] **Uwaga")


def test_audience_scoping_per_premises():
    messages.publish("admin", "customer", "W0001", "Dla Jana", "Prywatne")
    maria = run("maria.zielinska", h.MARIA_FLAT)
    assert [b.label.split("  \n")[0] for b in message_buttons(maria)] == [
        ":blue[●] **Zebranie wspólnoty**",
        ":blue[●] **Zmiana godzin pracy biura**",
    ]
    anna = run()
    assert all("Dla Jana" not in b.label for b in message_buttons(anna))
    jan = run("jan.kowalski", h.JAN_HOUSE)
    assert message_buttons(jan)[0].label.startswith(":blue[●] **Dla Jana**")


def test_attachment_offered_for_download():
    messages.publish("admin", "all", None, "Harmonogram", "W załączniku.", messages.Upload("plan.pdf", h.PDF))
    at = run()
    message_buttons(at)[0].click()
    at.run()
    assert not at.exception, at.exception
    downloads = [e for e in at.get("download_button")]
    assert len(downloads) == 1


def test_admin_is_refused():
    at = page("pages/wiadomosci.py", "admin")
    at.run()
    assert [e.value for e in at.error] == ["Nie masz dostępu do tej strony."]
