"""Audit log: append-only entries, secrets and message bodies refused."""

from __future__ import annotations

import pytest

from ebok.storage import audit


def test_record_and_read_back():
    audit.record("login", "anna.nowak", client_address="10.0.0.1", premises_id="P1", method="form")
    (entry,) = audit.entries("login")
    assert entry["username"] == "anna.nowak" and entry["client_address"] == "10.0.0.1"
    assert entry["premises_id"] == "P1" and entry["details"] == {"method": "form"}


@pytest.mark.parametrize(
    "key", ["password", "new_password", "token", "reset_token", "body", "message", "secret", "cookie"]
)
def test_secrets_and_bodies_are_refused(key):
    with pytest.raises(ValueError):
        audit.record("x", "anna.nowak", **{key: "value"})
    assert audit.entries("x") == []


def test_entries_are_newest_first_and_filterable():
    audit.record("a", "u1")
    audit.record("b", "u2")
    audit.record("a", "u2")
    assert [e["action"] for e in audit.entries()] == ["a", "b", "a"]
    assert [e["username"] for e in audit.entries("a")] == ["u2", "u1"]
    assert len(audit.entries(username="u2")) == 2


def test_module_offers_no_update_or_delete():
    assert not [name for name in dir(audit) if name.startswith(("delete", "update", "clear", "remove"))]
