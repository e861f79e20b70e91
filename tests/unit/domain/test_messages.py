"""Messages: audience resolution, read state per user, office publishing with attachments and reads."""

from __future__ import annotations

import datetime as dt

import pytest

from ebok.auth import users
from ebok.core import clock, uploads
from ebok.core.errors import FormError
from ebok.domain import messages
from ebok.domain.messages import NotFound, Upload
from tests.helpers import tiny_warehouse as tw

TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 10, 0)  # UTC
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _msg(mid: str, audience: str, target: str | None, day: dt.date, subject: str, until=None) -> dict:
    return {
        "message_id": mid,
        "audience": audience,
        "target": target,
        "published_on": day,
        "subject": subject,
        "body": f"Treść {subject}",
        "valid_until": until,
    }


@pytest.fixture
def world():
    """Three premises in two buildings, one community; five accounts."""
    tw.build(
        {
            "customers": [
                tw.customer("L0001", "Anna"),
                tw.customer("L0002", "Maria"),
                tw.customer("L0003", "Jan"),
            ],
            "communities": [{"community_id": "W1", "name": "WM Lipowa 7"}],
            "premises": [
                tw.premises("P1", "L0001", "B1"),
                tw.premises("P2", "L0002", "B1", community_id="W1"),
                tw.premises("P3", "L0003", "B2", community_id="W1"),
            ],
            "messages": [
                _msg("M1", "all", None, dt.date(2026, 11, 1), "Do wszystkich"),
                _msg("M2", "building", "B1", dt.date(2026, 11, 5), "Budynek B1"),
                _msg("M3", "community", "W1", dt.date(2026, 11, 10), "Wspólnota W1"),
                _msg("M4", "customer", "L0003", dt.date(2026, 11, 12), "Dla Jana"),
                _msg("M5", "all", None, dt.date(2026, 10, 1), "Wygasły", until=dt.date(2026, 11, 20)),
                _msg("M6", "all", None, dt.date(2026, 11, 30), "Przyszły"),
            ],
        }
    )
    for name, cust, extra in (("anna", "L0001", []), ("maria", "L0002", []), ("jan", "L0003", ["P1"])):
        users.add_user(
            name,
            {
                "name": name.title(),
                "email": f"{name}@example.pl",
                "roles": ["resident"],
                "customer_id": cust,
                "premises": extra,
                "password": "x",
            },
        )
    users.add_user("admin", {"name": "Admin", "email": "a@example.pl", "roles": ["admin"], "password": "x"})
    users.add_user(
        "gone",
        {
            "name": "Gone",
            "email": "g@example.pl",
            "roles": ["resident"],
            "customer_id": "L0002",
            "disabled": True,
            "password": "x",
        },
    )
    clock.set_clock(lambda: NOW)
    yield
    clock.set_clock(None)


def subjects(username: str, premises_id: str) -> list[str]:
    return [m.subject for m in messages.for_premises(username, premises_id, TODAY)]


def unread(username: str, premises_id: str) -> int:
    """Return how many of the premises' messages the user has not opened (as the page counts them)."""
    return sum(1 for m in messages.for_premises(username, premises_id, TODAY) if not m.read)


def open_message(username: str, premises_id: str, key: str) -> messages.Message:
    """Open message KEY from the premises' list, as the page does."""
    return messages.open_from(username, messages.for_premises(username, premises_id, TODAY), key)


def test_audience_resolution_from_premises(world):
    assert subjects("anna", "P1") == ["Budynek B1", "Do wszystkich"]
    assert subjects("maria", "P2") == ["Wspólnota W1", "Budynek B1", "Do wszystkich"]
    assert subjects("jan", "P3") == ["Dla Jana", "Wspólnota W1", "Do wszystkich"]
    # Expired (valid_until yesterday) and future messages never show.
    assert "Wygasły" not in subjects("jan", "P3") and "Przyszły" not in subjects("jan", "P3")


def test_valid_until_is_inclusive(world):
    shown = [m.subject for m in messages.for_premises("anna", "P1", dt.date(2026, 11, 20))]
    assert "Wygasły" in shown


def test_office_messages_mix_with_export_newest_first(world):
    messages.publish("admin", "building", "B1", "Wyłączenie wody", "We wtorek 8–12.")
    messages.publish("admin", "customer", "L0003", "Dla Jana z biura", "Prosimy o kontakt.")
    assert subjects("anna", "P1") == ["Wyłączenie wody", "Budynek B1", "Do wszystkich"]
    assert subjects("jan", "P3")[0] == "Dla Jana z biura"
    assert "Wyłączenie wody" not in subjects("jan", "P3")


def test_read_state_is_per_user_and_opening_marks_read(world):
    key = "export:M2"
    assert unread("anna", "P1") == 2
    opened = messages.open_from("anna", messages.for_premises("anna", "P1", TODAY), key)
    assert opened.subject == "Budynek B1"
    assert unread("anna", "P1") == 1
    assert [m.read for m in messages.for_premises("anna", "P1", TODAY)] == [True, False]
    # Jan sees P1 too (extra premises) and has not read it.
    assert not next(m for m in messages.for_premises("jan", "P1", TODAY) if m.key == key).read
    assert messages.mark_read("anna", key) is False  # second time: nothing new


def test_open_from_the_page_list_keeps_the_first_read_mark(world, monkeypatch):
    key = "export:M2"
    items = messages.for_premises("anna", "P1", TODAY)
    first = messages.open_from("anna", items, key)
    assert first.read and first.subject == "Budynek B1"
    assert unread("anna", "P1") == 1
    # The page keeps the message open over later reruns: no second read mark is written.
    writes = []
    monkeypatch.setattr(messages, "mark_read", lambda *a, **k: writes.append(a) or True)
    again = messages.open_from("anna", messages.for_premises("anna", "P1", TODAY), key)
    assert again.read and writes == []
    with pytest.raises(NotFound):
        messages.open_from("anna", items, "export:M4")  # not in Anna's list


def test_cannot_open_someone_elses_message(world):
    with pytest.raises(NotFound):
        open_message("anna", "P1", "export:M4")
    with pytest.raises(NotFound):
        open_message("anna", "P1", "nonsense")
    mid = messages.publish("admin", "customer", "L0003", "Tylko Jan", "Treść", Upload("a.pdf", PDF))
    with pytest.raises(NotFound):
        messages.resident_attachment("anna", "P1", f"office:{mid}")
    att = messages.resident_attachment("jan", "P3", f"office:{mid}")
    assert att.data == PDF and att.mime == "application/pdf" and att.filename == "a.pdf"


def test_publish_validation_names_fields(world):
    with pytest.raises(FormError) as info:
        messages.publish("admin", "building", "B9", "", "  ", Upload("x.pdf", b"MZ\x90\x00 not a pdf"))
    errors = info.value.messages
    assert errors[0].startswith("Adresaci: budynek B9 nie istnieje")
    assert "Temat: pole jest wymagane." in errors
    assert "Treść: pole jest wymagane." in errors
    assert any(e.startswith("Załącznik: dozwolone są tylko pliki PDF, JPEG i PNG") for e in errors)
    with pytest.raises(FormError) as info:
        messages.publish("admin", "community", None, "Temat", "Treść")
    assert info.value.messages == ["Adresaci: wybierz wspólnota."]
    assert messages.office_overview(include_export=False) == []


def test_attachment_stored_under_random_name_typed_by_magic(world):
    mid = messages.publish("admin", "all", "ignored", "Plan", "Zdjęcie", Upload("../../etc/plan.png", PNG))
    att = messages.office_attachment(mid)
    assert att.mime == "image/png" and att.filename == "plan.png" and att.data == PNG
    stored = list(uploads.uploads_dir(uploads.MESSAGE_ATTACHMENT).iterdir())
    assert len(stored) == 1 and stored[0].name != "plan.png" and stored[0].suffix == ".png"
    view = messages.office_overview(include_export=False)[0]
    assert view.target is None and view.attachment_name == "plan.png"


def test_office_sees_recipients_and_readers(world):
    mid = messages.publish("admin", "building", "B1", "Wyłączenie wody", "We wtorek.")
    key = f"office:{mid}"
    # B1 holds P1 (anna; jan via extra premises) and P2 (maria); the disabled account is not counted.
    view = next(v for v in messages.office_overview() if v.key == key)
    assert (view.recipients, view.reads) == (3, 0)
    clock.set_clock(lambda: NOW + dt.timedelta(minutes=5))
    open_message("maria", "P2", key)
    clock.set_clock(lambda: NOW + dt.timedelta(minutes=9))
    open_message("jan", "P1", key)
    view = next(v for v in messages.office_overview() if v.key == key)
    assert (view.recipients, view.reads) == (3, 2)
    done, pending = messages.readers(key)
    assert [(r.username, r.read_at) for r in done] == [
        ("maria", NOW + dt.timedelta(minutes=5)),
        ("jan", NOW + dt.timedelta(minutes=9)),
    ]
    assert pending == [("anna", "Anna")]
    everyone = next(v for v in messages.office_overview() if v.key == "export:M1")
    assert everyone.recipients == 3
    community = next(v for v in messages.office_overview() if v.key == "export:M3")
    assert community.recipients == 2  # maria (P2) and jan (P3)


def test_withdrawn_message_disappears_for_residents(world):
    mid = messages.publish("admin", "all", None, "Pomyłka", "Do usunięcia")
    assert "Pomyłka" in subjects("anna", "P1")
    messages.withdraw(mid, "admin")
    assert "Pomyłka" not in subjects("anna", "P1")
    with pytest.raises(NotFound):
        messages.withdraw(mid, "admin")
    assert messages.office_overview(include_export=False)[0].withdrawn


def test_office_valid_until(world):
    messages.publish("admin", "all", None, "Do jutra", "x", valid_until=TODAY + dt.timedelta(days=1))
    assert "Do jutra" in subjects("anna", "P1")
    later = [m.subject for m in messages.for_premises("anna", "P1", TODAY + dt.timedelta(days=2))]
    assert "Do jutra" not in later
    with pytest.raises(FormError) as info:
        messages.publish("admin", "all", None, "Wczoraj", "x", valid_until=TODAY - dt.timedelta(days=1))
    assert info.value.messages == ["Ważny do: data nie może być w przeszłości."]


def test_no_warehouse_yet_shows_office_messages_for_all():
    messages.publish("admin", "all", None, "Witamy", "Portal działa.")
    assert [m.subject for m in messages.for_premises("anna", "P1", TODAY)] == ["Witamy"]


def test_audience_targets(world):
    targets = messages.audience_targets()
    assert [t for t, _ in targets["building"]] == ["B1", "B2"]
    assert targets["community"] == [("W1", "W1 — WM Lipowa 7")]
    assert [t for t, _ in targets["customer"]] == ["L0001", "L0002", "L0003"]


def test_markdown_is_escaped():
    assert messages.escape_markdown("[klik](http://x) <b>") == "\\[klik\\]\\(http\\://x\\) &lt;b&gt;"
