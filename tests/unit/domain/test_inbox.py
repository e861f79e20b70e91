"""Contact messages and fault reports: validation, idempotency, scoping, office actions, e-mail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ebok.core import idempotency, uploads
from ebok.core.errors import FormError
from ebok.core.uploads import Upload
from ebok.domain import inbox
from ebok.storage import audit, outbox, store
from ebok.storage.tables import inbox_events, inbox_items
from tests.helpers import inbox as inbox_helpers
from tests.helpers import tiny_warehouse

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"\x00" * 100
TEXT = "Proszę o korektę naliczenia za wodę w październiku."

A = {"username": "anna.nowak", "premises_id": "P001", "customer_id": "L0001", "email": "anna@example.pl"}
B = {
    "username": "maria.zielinska",
    "premises_id": "P002",
    "customer_id": "L0002",
    "email": "maria@example.pl",
}


def contact(who=A, **kw):
    """Submit a valid contact message with overrides."""
    args = dict(who, topic="oplaty", text=TEXT, idempotency_key=idempotency.new_key())
    args.update(kw)
    return inbox.submit_contact(**args)


def fault(who=A, **kw):
    """Submit a valid fault report with overrides."""
    args = dict(
        who,
        category="woda",
        place="klatka",
        place_detail="Klatka B, 3. piętro",
        description="Cieknie rura pod sufitem klatki schodowej.",
        idempotency_key=idempotency.new_key(),
    )
    args.update(kw)
    return inbox.submit_fault(**args)


def own_item(username: str, premises_id: str, item_id: str) -> inbox.Item:
    """Return one of the resident's items as the resident sees it (events visible to them only)."""
    [item] = [i for i in inbox.resident_items(username, premises_id) if i.item_id == item_id]
    return item


def count(table) -> int:
    """Return the row count of TABLE."""
    with store.engine().connect() as con:
        return con.execute(select(func.count()).select_from(table)).scalar_one()


def uploaded_files() -> list[str]:
    """Return the names of stored attachments."""
    return sorted(p.name for p in uploads.uploads_dir(uploads.INBOX_ATTACHMENT).iterdir())


@pytest.fixture
def queued_mail(monkeypatch):
    """Return a function listing queued e-mails as (recipient, subject, body); no SMTP attempt."""
    monkeypatch.setattr(outbox, "try_send_now", lambda: None)
    return lambda: [(m["recipient"], m["subject"], m["body"]) for m in outbox.pending()]


# --- submission and validation ---


def test_contact_saved_with_history_and_audit_without_body():
    sub = contact(attachment=Upload("skan umowy.pdf", PDF))
    assert sub.created and sub.reference.startswith("W-") and len(sub.reference) == 10
    item = own_item("anna.nowak", "P001", sub.item_id)
    assert item.kind == "contact" and item.topic_label == "Opłaty i rozliczenia"
    assert item.body == TEXT and item.status == "nowe" and item.status_label == "Nowe"
    assert [e.kind for e in item.events] == ["created"]
    assert item.attachment_name == "skan umowy.pdf" and item.attachment_type == "application/pdf"
    assert item.attachment_size == len(PDF)
    entries = audit.entries(action="inbox.contact_submitted")
    assert len(entries) == 1
    assert entries[0]["username"] == "anna.nowak" and entries[0]["premises_id"] == "P001"
    assert entries[0]["details"]["has_attachment"] is True
    assert TEXT not in str(entries[0]) and "Proszę" not in str(entries[0])


def test_attachment_stored_under_random_name_never_users_name():
    sub = contact(attachment=Upload("../../etc/passwd.png", PNG))
    files = uploaded_files()
    assert len(files) == 1 and files[0].endswith(".png") and "passwd" not in files[0]
    assert len(files[0]) == 36  # 32 hex + ".png"
    att = inbox.resident_attachment("anna.nowak", "P001", sub.item_id)
    assert att.data == PNG and att.mime == "image/png"
    assert att.filename == "passwd.png"  # base name only, for the download dialog


def test_attachment_name_gets_extension_of_detected_type():
    sub = contact(attachment=Upload('zdj<ęcie>"1', JPEG))
    att = inbox.office_attachment(sub.item_id)
    assert att.filename == "zdj_ęcie__1.jpg" and att.mime == "image/jpeg"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"topic": "spam"}, "Temat: wybierz temat z listy."),
        ({"text": "za krótko"}, "Treść: wpisz co najmniej 10 znaków (jest 9)."),
        ({"text": "   \n\t  "}, "Treść: pole jest wymagane."),
        ({"text": "x" * 5001}, "Treść: najwyżej 5000 znaków (jest 5001)."),
        ({"attachment": Upload("a.pdf", b"")}, "Załącznik: plik jest pusty."),
        (
            {"attachment": Upload("wirus.pdf", b"MZ\x90\x00" + b"\x00" * 50)},
            "Załącznik: dozwolone są tylko pliki JPEG, PNG, PDF (sprawdzamy zawartość pliku).",
        ),
        (
            {"attachment": Upload("a.gif", b"GIF89a" + b"\x00" * 50)},
            "Załącznik: dozwolone są tylko pliki JPEG, PNG, PDF (sprawdzamy zawartość pliku).",
        ),
        (
            {"attachment": Upload("duzy.pdf", b"%PDF-" + b"\x00" * (5 * 1024 * 1024))},
            "Załącznik: plik „duzy.pdf” jest za duży (5,0 MB), dopuszczalne 5 MB. Formularza nie wysłano; wybierz mniejszy plik.",
        ),
    ],
)
def test_contact_bad_input_refused_with_field_named(kwargs, message):
    with pytest.raises(FormError) as exc:
        contact(**kwargs)
    assert message in exc.value.messages
    assert count(inbox_items) == 0 and count(inbox_events) == 0 and uploaded_files() == []


def test_text_limits_counted_after_trimming_and_exact_bounds_accepted():
    contact(text="  " + "a" * 10 + "  ")
    contact(text="b" * 5000)
    with pytest.raises(FormError):
        contact(text=" " + "a" * 9 + " ")
    assert count(inbox_items) == 2


def test_all_errors_reported_together():
    with pytest.raises(FormError) as exc:
        fault(
            category="",
            place="kosmos",
            description="krótko",
            photo=Upload("a.pdf", PDF),
            place_detail="x" * 201,
        )
    assert [m.split(":")[0] for m in exc.value.messages] == [
        "Kategoria",
        "Miejsce",
        "Dokładne miejsce",
        "Opis",
        "Zdjęcie",
    ]
    assert "Zdjęcie: dozwolone są tylko pliki JPEG, PNG (sprawdzamy zawartość pliku)." in exc.value.messages


def test_fault_saved_with_place_and_photo():
    sub = fault(photo=Upload("IMG_001.JPG", JPEG))
    assert sub.reference.startswith("A-")
    [item] = inbox.resident_items("anna.nowak", "P001", kind="fault")
    assert item.topic == "woda" and item.topic_label == "Woda i kanalizacja"
    assert item.place == "klatka" and item.place_label == "Klatka schodowa"
    assert item.place_detail == "Klatka B, 3. piętro"
    assert item.attachment_name == "IMG_001.JPG"
    assert audit.entries(action="inbox.fault_submitted")[0]["details"]["place"] == "klatka"


def test_control_characters_dropped_and_line_ends_normalised():
    sub = contact(text="Linia pierwsza\r\nLinia\x00 druga\x1b[31m")
    assert inbox.office_item(sub.item_id).body == "Linia pierwsza\nLinia druga[31m"


# --- idempotency and atomicity ---


def test_double_submit_saves_once():
    key = idempotency.new_key()
    first = contact(idempotency_key=key, attachment=Upload("a.png", PNG))
    second = contact(idempotency_key=key, attachment=Upload("a.png", PNG))
    assert first.created and not second.created and first.item_id == second.item_id
    assert count(inbox_items) == 1 and count(inbox_events) == 1
    assert len(uploaded_files()) == 1
    assert len(audit.entries(action="inbox.contact_submitted")) == 1


def test_same_key_of_another_user_is_a_different_submission():
    key = idempotency.new_key()
    contact(idempotency_key=key)
    contact(B, idempotency_key=key)
    assert count(inbox_items) == 2


def test_race_lost_on_unique_key_returns_the_winner(monkeypatch):
    key = idempotency.new_key()
    winner = contact(idempotency_key=key)
    # Simulate the second click having checked before the first committed.
    real = inbox._find_by_key
    calls = iter([None])
    monkeypatch.setattr(inbox, "_find_by_key", lambda u, k: next(calls, None) or real(u, k))
    again = contact(idempotency_key=key, attachment=Upload("a.jpg", JPEG))
    assert again.item_id == winner.item_id and not again.created
    assert count(inbox_items) == 1 and uploaded_files() == []


def test_nothing_half_written_when_the_history_insert_fails(monkeypatch):
    # A failing second statement must roll back the item and remove the stored file.
    real_insert = inbox.insert

    def failing_insert(table):
        if table is inbox_events:
            raise RuntimeError("dysk pełny")
        return real_insert(table)

    monkeypatch.setattr(inbox, "insert", failing_insert)
    with pytest.raises(RuntimeError):
        contact(attachment=Upload("a.pdf", PDF))
    assert count(inbox_items) == 0 and uploaded_files() == []
    assert audit.entries(action="inbox.contact_submitted") == []


def test_bad_idempotency_key_is_a_programming_error():
    with pytest.raises(ValueError):
        contact(idempotency_key="../x")


# --- scoping ---


def test_resident_sees_only_own_items_for_the_chosen_premises():
    a1 = contact()
    a_other_premises = contact(dict(A, premises_id="G001"))
    b1 = fault(B)
    assert [i.item_id for i in inbox.resident_items("anna.nowak", "P001")] == [a1.item_id]
    assert [i.item_id for i in inbox.resident_items("anna.nowak", "G001")] == [a_other_premises.item_id]
    assert [i.item_id for i in inbox.resident_items("maria.zielinska", "P002")] == [b1.item_id]
    assert inbox.resident_items("anna.nowak", "P001", kind="fault") == []


def test_resident_cannot_read_another_residents_item_by_id():
    b1 = fault(B, photo=Upload("a.png", PNG))
    for user, premises in [("anna.nowak", "P001"), ("anna.nowak", "P002"), ("maria.zielinska", "P001")]:
        assert b1.item_id not in [i.item_id for i in inbox.resident_items(user, premises)]
        with pytest.raises(inbox.NotFound):
            inbox.resident_attachment(user, premises, b1.item_id)
    assert own_item("maria.zielinska", "P002", b1.item_id).item_id == b1.item_id


def test_same_premises_shared_by_two_accounts_still_separate():
    contact()
    contact(dict(B, premises_id="P001"))
    assert len(inbox.resident_items("anna.nowak", "P001")) == 1
    assert len(inbox.resident_items("maria.zielinska", "P001")) == 1


def test_resident_history_hides_office_only_assignment():
    sub = contact()
    inbox.assign(sub.item_id, "admin", actor="admin", office_users=["admin"])
    inbox.set_status(sub.item_id, "w_toku", actor="admin", comment="Sprawdzamy.")
    resident = own_item("anna.nowak", "P001", sub.item_id)
    office = inbox.office_item(sub.item_id)
    assert [e.kind for e in resident.events] == ["created", "status"]
    assert [e.kind for e in office.events] == ["created", "assign", "status"]
    assert office.assigned_to == "admin"


# --- office ---


def test_status_history_records_who_when_and_comment():
    sub = fault()
    inbox.set_status(sub.item_id, "w_toku", actor="admin", comment="Hydraulik jutro.")
    item = inbox.set_status(sub.item_id, "zakonczone", actor="biuro2")
    assert item.status == "zakonczone"
    history = [(e.kind, e.status, e.username, e.text) for e in item.events]
    assert history == [
        ("created", "nowe", "anna.nowak", None),
        ("status", "w_toku", "admin", "Hydraulik jutro."),
        ("status", "zakonczone", "biuro2", None),
    ]
    assert all(a.at <= b.at for a, b in zip(item.events, item.events[1:], strict=False))
    assert [e["details"]["status"] for e in audit.entries(action="inbox.status_changed")] == [
        "zakonczone",
        "w_toku",
    ]


def test_bad_status_and_long_comment_refused():
    sub = fault()
    with pytest.raises(FormError) as exc:
        inbox.set_status(sub.item_id, "usunięte", actor="admin", comment="x" * 1001)
    assert exc.value.messages == [
        "Status: wybierz status z listy.",
        "Komentarz: najwyżej 1000 znaków (jest 1001).",
    ]
    assert inbox.office_item(sub.item_id).status == "nowe"


def test_office_action_on_unknown_item_is_not_found():
    for action in (
        lambda: inbox.set_status("nope", "w_toku", actor="admin"),
        lambda: inbox.assign("nope", "admin", actor="admin", office_users=["admin"]),
        lambda: inbox.reply("nope", "Odpowiedź", actor="admin"),
        lambda: inbox.office_item("nope"),
        lambda: inbox.office_attachment("nope"),
    ):
        with pytest.raises(inbox.NotFound):
            action()
    assert count(inbox_events) == 0


def test_assign_only_to_office_users_and_clear():
    sub = contact()
    with pytest.raises(FormError) as exc:
        inbox.assign(sub.item_id, "anna.nowak", actor="admin", office_users=["admin", "biuro2"])
    assert exc.value.messages == ["Przydziel do: wybierz pracownika biura z listy."]
    assert (
        inbox.assign(sub.item_id, "biuro2", actor="admin", office_users=["admin", "biuro2"]).assigned_to
        == "biuro2"
    )
    assert [i.item_id for i in inbox.office_items(assigned_to="biuro2")] == [sub.item_id]
    assert inbox.assign(sub.item_id, None, actor="admin", office_users=[]).assigned_to is None
    assert [i.item_id for i in inbox.office_items(assigned_to="")] == [sub.item_id]


def test_office_filters_and_counts():
    c1 = contact()
    f1 = fault()
    f2 = fault(B)
    inbox.set_status(f1.item_id, "w_toku", actor="admin")
    inbox.set_status(f2.item_id, "zakonczone", actor="admin")
    assert {i.item_id for i in inbox.office_items()} == {c1.item_id, f1.item_id, f2.item_id}
    assert [i.item_id for i in inbox.office_items(kind="contact")] == [c1.item_id]
    assert [i.item_id for i in inbox.office_items(kind="fault", status="w_toku")] == [f1.item_id]
    assert inbox.office_items(status="w_toku", kind="contact") == []
    assert inbox.status_counts() == {"nowe": 1, "w_toku": 1, "zakonczone": 1}
    assert inbox.status_counts("fault") == {"nowe": 0, "w_toku": 1, "zakonczone": 1}


def test_reply_shows_in_resident_history_and_optionally_changes_status(queued_mail):
    sub = contact()
    item, _ = inbox.reply(
        sub.item_id, "Korekta zostanie wystawiona w listopadzie.", actor="admin", status="zakonczone"
    )
    assert item.status == "zakonczone"
    resident = own_item("anna.nowak", "P001", sub.item_id)
    assert [(r.username, r.text) for r in resident.replies] == [
        ("admin", "Korekta zostanie wystawiona w listopadzie.")
    ]
    item2, _ = inbox.reply(sub.item_id, "Druga odpowiedź.", actor="admin")
    assert item2.status == "zakonczone" and item2.events[-1].status == "zakonczone"
    entry = audit.entries(action="inbox.replied")[0]
    assert "Druga" not in str(entry) and entry["details"]["item_id"] == sub.item_id


def test_reply_without_a_chosen_status_moves_a_new_item_to_in_progress(queued_mail):
    sub = contact()
    item, _ = inbox.reply(sub.item_id, "Sprawdzamy naliczenie, odezwiemy się.", actor="admin")
    assert item.status == "w_toku"
    resident = own_item("anna.nowak", "P001", sub.item_id)
    assert resident.status_label == "W toku"
    assert [(e.kind, e.status) for e in resident.events] == [("created", "nowe"), ("reply", "w_toku")]
    assert inbox.status_counts() == {"nowe": 0, "w_toku": 1, "zakonczone": 0}
    [entry] = audit.entries(action="inbox.replied")
    assert entry["details"]["status"] == "w_toku" and entry["details"]["previous_status"] == "nowe"


def test_reply_keeps_a_status_the_office_chose_or_one_past_new(queued_mail):
    kept = contact()
    item, _ = inbox.reply(kept.item_id, "Na razie bez zmian.", actor="admin", status="nowe")
    assert item.status == "nowe" and own_item("anna.nowak", "P001", kept.item_id).status_label == "Nowe"
    done = contact()
    inbox.set_status(done.item_id, "zakonczone", actor="admin")
    item, _ = inbox.reply(done.item_id, "Jeszcze jedna informacja.", actor="admin")
    assert item.status == "zakonczone"


def test_empty_reply_refused():
    sub = contact()
    with pytest.raises(FormError) as exc:
        inbox.reply(sub.item_id, "  ", actor="admin")
    assert exc.value.messages == ["Odpowiedź: pole jest wymagane."]
    with pytest.raises(FormError) as exc:
        inbox.reply(sub.item_id, "x" * 5001, actor="admin", status="zle")
    assert exc.value.messages == [
        "Odpowiedź: najwyżej 5000 znaków (jest 5001).",
        "Status: wybierz status z listy.",
    ]
    assert count(inbox_events) == 1


# --- e-mail on reply ---


def _customers(consent_a: bool, consent_b: bool) -> None:
    tiny_warehouse.build(
        {
            "customers": [
                {
                    "customer_id": "L0001",
                    "name": "Anna Nowak",
                    "email": "anna.hurtownia@example.pl",
                    "email_consent": consent_a,
                },
                {
                    "customer_id": "L0002",
                    "name": "Maria Zielińska",
                    "email": None,
                    "email_consent": consent_b,
                },
            ]
        }
    )


def test_reply_emails_resident_who_agreed(queued_mail):
    _customers(True, False)
    sub = contact()
    _, mailed = inbox.reply(sub.item_id, "Tajna treść odpowiedzi.", actor="admin")
    assert mailed
    [(recipient, subject, body)] = queued_mail()
    assert recipient == "anna@example.pl"
    assert sub.reference in subject and "Odpowiedź" in subject
    assert "Tajna treść" not in body and "zalogowaniu" in body
    assert audit.entries(action="inbox.replied")[0]["details"]["emailed"] is True


def test_office_sees_the_reply_mail_as_queued_not_sent(queued_mail):
    _customers(True, False)
    sub = contact()
    assert inbox.reply_mail_state(inbox.office_item(sub.item_id)) is None  # nothing queued yet
    inbox.reply(sub.item_id, "Odpowiedź.", actor="admin")
    state = inbox.reply_mail_state(inbox.office_item(sub.item_id))
    assert state is not None and state.state == outbox.QUEUED
    assert state.label.startswith("w kolejce do wysłania")
    assert sub.reference in state.subject


def test_reply_not_emailed_without_consent_or_warehouse(queued_mail):
    sub_b = fault(B)
    assert inbox.reply(sub_b.item_id, "Bez hurtowni.", actor="admin")[1] is False
    _customers(True, False)
    assert inbox.reply(sub_b.item_id, "Bez zgody.", actor="admin")[1] is False
    assert queued_mail() == []


def test_reply_uses_warehouse_address_when_account_has_none(queued_mail):
    _customers(True, True)
    sub = contact(dict(A, email=None))
    assert inbox.reply(sub.item_id, "Odpowiedź.", actor="admin")[1] is True
    assert queued_mail()[0][0] == "anna.hurtownia@example.pl"


# --- inert rendering helper ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
        ("[x](javascript:alert(1))", "\\[x\\]\\(javascript\\:alert\\(1\\)\\)"),
        ("**bold**", "\\*\\*bold\\*\\*"),
        (":material/home: $x$", "\\:material/home\\: \\$x\\$"),
        ("a\nb", "a  \nb"),
        ("", ""),
    ],
)
def test_escape_markdown(text, expected):
    assert inbox.escape_markdown(text) == expected


# --- e-mail delivered to a real SMTP server on loopback ---


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback: (port, received)."""
    with inbox_helpers.smtp_server() as server:
        yield server


def test_reply_email_received_by_smtp_server(smtp_server, monkeypatch):
    port, received = smtp_server
    settings = outbox.SmtpSettings(host="127.0.0.1", port=port, sender="biuro@spoldzielnia.example")
    monkeypatch.setattr(outbox, "smtp_settings", lambda: settings)
    _customers(True, True)
    sub = fault()
    inbox.reply(sub.item_id, "Hydraulik przyjdzie w czwartek.", actor="admin", status="w_toku")
    outbox.flush(settings=settings)  # try_send_now already sent it; a second flush sends nothing new
    assert len(received) == 1
    rcpt, msg = received[0]
    assert rcpt == ["anna@example.pl"]
    assert msg["Subject"] == f"Odpowiedź na Twoje zgłoszenie awarii {sub.reference}"
    body = msg.get_body(("plain",)).get_content()
    assert sub.reference in body and "Aktualny status: W toku." in body
    assert "Hydraulik" not in body
    assert outbox.pending() == []


def test_office_users_are_active_admins_only():
    from ebok.auth import users
    from tests.helpers.auth import write_demo_auth

    write_demo_auth()
    assert inbox.office_users() == ["admin"]
    users.add_user(
        "biuro2",
        {
            "name": "Ewa Biuro",
            "email": "ewa@example.pl",
            "password": "x",
            "roles": ["admin"],
            "disabled": True,
        },
    )
    assert inbox.office_users() == ["admin"]
    users.set_fields("biuro2", disabled=False)
    assert inbox.office_users() == ["admin", "biuro2"]
