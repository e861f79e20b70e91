"""ebok.ui helpers that need no browser: upload check, client address, login cookie replay, escaping."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from ebok import settings, ui
from ebok.auth import clock, service, sessions
from tests.helpers.auth import RESIDENT_PASSWORD, write_demo_auth

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20
PDF = b"%PDF-1.7\n%..."


@pytest.mark.parametrize(
    ("data", "mime"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (PDF, "application/pdf")]
)
def test_check_upload_accepts_images_and_pdf_by_content(data, mime):
    assert ui.check_upload(io.BytesIO(data)) == (mime, data)


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"<html><script>alert(1)</script>",
        b"MZ\x90\x00",  # a Windows executable renamed to .jpg
        b"GIF89a",
        b"",
    ],
)
def test_check_upload_refuses_everything_else(data):
    with pytest.raises(ui.UploadRejected, match="Plik"):
        ui.check_upload(io.BytesIO(data))


def test_check_upload_refuses_big_files():
    with pytest.raises(ui.UploadRejected, match="za duży"):
        ui.check_upload(io.BytesIO(PDF + b"0" * (10 * 1024 * 1024)))


def test_client_address_trusts_forwarded_for_only_from_the_proxy():
    headers = {"X-Forwarded-For": "6.6.6.6, 203.0.113.5"}
    assert ui.address_from("127.0.0.1", headers) == "203.0.113.5"  # nginx appended the real one
    assert ui.address_from("198.51.100.7", headers) == "198.51.100.7"  # direct client: header ignored
    assert ui.address_from("127.0.0.1", {"X-Real-IP": "203.0.113.9"}) == "203.0.113.9"
    assert ui.address_from(None, headers) is None


def test_trusted_proxies_are_configurable(monkeypatch):
    monkeypatch.setenv("EBOK_TRUSTED_PROXIES", "10.0.0.0/8")
    assert ui.address_from("10.1.2.3", {"X-Forwarded-For": "203.0.113.5"}) == "203.0.113.5"
    assert ui.address_from("127.0.0.1", {"X-Forwarded-For": "203.0.113.5"}) == "127.0.0.1"


def test_cookie_key_is_generated_once_per_installation_and_private():
    key = ui.cookie_key()
    assert len(key) >= 40 and ui.cookie_key() == key
    assert settings.secrets_file().stat().st_mode & 0o077 == 0
    assert str(settings.secrets_file()).startswith(str(settings.data_dir()))


def _login_cookie(username="anna.nowak"):
    write_demo_auth()
    sid = service.authenticate(username, RESIDENT_PASSWORD, None).session_id
    token, _expires = ui.make_cookie_token(username, sid)
    return sid, token


def test_login_cookie_restores_the_live_session():
    sid, token = _login_cookie()
    assert ui.session_from_token(token).session_id == sid


def test_cookie_replayed_after_logout_password_change_or_disabling_is_rejected():
    sid, token = _login_cookie()
    service.logout(sid, "anna.nowak")
    assert ui.session_from_token(token) is None

    sid, token = _login_cookie()
    problems, _new = service.change_password(
        "anna.nowak", RESIDENT_PASSWORD, "Kwitnace-Jablonie-9", "Kwitnace-Jablonie-9"
    )
    assert problems == []
    assert ui.session_from_token(token) is None

    sid, token = _login_cookie("jan.kowalski")
    service.set_disabled("jan.kowalski", True, by="admin")
    assert ui.session_from_token(token) is None


def test_forged_or_expired_cookie_is_rejected():
    import jwt

    sid, token = _login_cookie()
    claims = jwt.decode(token, ui.cookie_key(), algorithms=["HS256"])
    forged = jwt.encode({**claims, "username": "admin"}, "not-the-key-" * 4, algorithm="HS256")
    assert ui.session_from_token(forged) is None
    assert ui.session_from_token("garbage") is None
    start = clock.now()
    clock.set_clock(lambda: start + timedelta(hours=12, minutes=1))
    try:
        assert ui.session_from_token(token) is None  # cookie and session both past 12 h
        assert sessions.validate(sid) is None
    finally:
        clock.set_clock(None)


def test_escape_markdown_neutralises_links_images_and_html():
    out = ui.escape_markdown("[a](javascript:x) ![i](http://e/x.png) <b>**x**</b>")
    assert "[" not in out.replace("\\[", "") and "<" not in out.replace("\\<", "")
    assert "*" not in out.replace("\\*", "")
