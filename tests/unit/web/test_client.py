"""ebok.web helpers that need no browser: client address, login cookie replay, escaping."""

from __future__ import annotations

from datetime import timedelta

from ebok.auth import service, sessions
from ebok.core import clock, settings, text
from ebok.web import client, cookie
from tests.helpers.auth import RESIDENT_PASSWORD, write_demo_auth


def test_client_address_is_the_one_streamlit_gives_after_uvicorn_s_proxy_rule(monkeypatch):
    class Context:
        ip_address = "203.0.113.5"  # uvicorn already replaced a trusted proxy's address
        headers = {"X-Forwarded-For": "6.6.6.6", "X-Real-IP": "6.6.6.7"}  # never read a second time

    monkeypatch.setattr(client.st, "context", Context())
    assert client.client_address() == "203.0.113.5"


def test_start_up_warns_without_the_proxy_setting_and_names_the_retired_one(monkeypatch, caplog):
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    monkeypatch.setenv("EBOK_TRUSTED_PROXIES", "10.0.0.0/8")
    with caplog.at_level("WARNING", logger="ebok.client"):
        client.check_proxy_setting()
    levels = {r.levelname: r.getMessage() for r in caplog.records if r.name == "ebok.client"}
    assert "EBOK_TRUSTED_PROXIES nie jest już czytane" in levels["ERROR"]
    assert "FORWARDED_ALLOW_IPS nie jest ustawione" in levels["WARNING"]
    caplog.clear()
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "127.0.0.1")
    monkeypatch.delenv("EBOK_TRUSTED_PROXIES")
    client.check_proxy_setting()
    assert not [r for r in caplog.records if r.name == "ebok.client"]


def test_cookie_key_is_generated_once_per_installation_and_private():
    key = cookie.cookie_key()
    assert len(key) >= 40 and cookie.cookie_key() == key
    assert settings.secrets_file().stat().st_mode & 0o077 == 0
    assert str(settings.secrets_file()).startswith(str(settings.data_dir()))


def _login_cookie(username="anna.nowak"):
    write_demo_auth()
    sid = service.authenticate(username, RESIDENT_PASSWORD, None).session_id
    token, _expires = cookie.make_cookie_token(username, sid)
    return sid, token


def test_login_cookie_restores_the_live_session():
    sid, token = _login_cookie()
    assert cookie.session_from_token(token).session_id == sid


def test_cookie_replayed_after_logout_password_change_or_disabling_is_rejected():
    sid, token = _login_cookie()
    service.logout(sid, "anna.nowak")
    assert cookie.session_from_token(token) is None

    sid, token = _login_cookie()
    service.change_password("anna.nowak", RESIDENT_PASSWORD, "Kwitnace-Jablonie-9", "Kwitnace-Jablonie-9")
    assert cookie.session_from_token(token) is None

    sid, token = _login_cookie("jan.kowalski")
    service.set_disabled("jan.kowalski", True, by="admin")
    assert cookie.session_from_token(token) is None


def test_forged_or_expired_cookie_is_rejected():
    import jwt

    sid, token = _login_cookie()
    claims = jwt.decode(token, cookie.cookie_key(), algorithms=["HS256"])
    forged = jwt.encode({**claims, "username": "admin"}, "not-the-key-" * 4, algorithm="HS256")
    assert cookie.session_from_token(forged) is None
    assert cookie.session_from_token("garbage") is None
    start = clock.now()
    clock.set_clock(lambda: start + timedelta(hours=12, minutes=1))
    try:
        assert cookie.session_from_token(token) is None  # cookie and session both past 12 h
        assert sessions.validate(sid) is None
    finally:
        clock.set_clock(None)


def test_escape_markdown_neutralises_links_images_and_html():
    out = text.escape_markdown("[a](javascript:x) ![i](http://e/x.png) <b>**x**</b>")
    assert "[" not in out.replace("\\[", "") and "<" not in out.replace("\\<", "")
    assert "*" not in out.replace("\\*", "")


def test_an_unknown_client_address_is_logged_once_as_a_deployment_warning(monkeypatch, caplog):
    class Context:
        ip_address = None  # what Streamlit gives for a loopback peer
        headers: dict[str, str] = {}

    monkeypatch.setattr(client.st, "context", Context())
    monkeypatch.setattr(client, "_warned", client.threading.Event())
    with caplog.at_level("WARNING", logger="ebok.client"):
        assert client.client_address() is None
        assert client.client_address() is None
    [record] = [r for r in caplog.records if r.name == "ebok.client"]
    assert "FORWARDED_ALLOW_IPS" in record.getMessage() and "wspólny limit" in record.getMessage()


def test_forged_tokens_of_every_kind_are_refused():
    """alg=none, HS512 with the right key, the wrong key, expired: none restores a session."""
    import base64
    import json

    import jwt

    sid, token = _login_cookie()
    claims = jwt.decode(token, cookie.cookie_key(), algorithms=["HS256"])

    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
    assert cookie.session_from_token(unsigned) is None
    hs512 = jwt.encode(claims, cookie.cookie_key(), algorithm="HS512")
    assert cookie.session_from_token(hs512) is None  # only HS256 is accepted, even with our key
    wrong_key = jwt.encode(claims, "x" * 64, algorithm="HS256")
    assert cookie.session_from_token(wrong_key) is None
    past = jwt.encode({**claims, "exp_date": claims["exp_date"] - 13 * 3600}, cookie.cookie_key())
    assert cookie.session_from_token(past) is None
    assert cookie.session_from_token(token).session_id == sid  # the real one still works


def test_every_login_gets_a_new_session_and_its_own_ticket():
    """Session fixation: an id known before login is never the one after; a ticket opens only its own."""
    write_demo_auth()
    first = service.authenticate("anna.nowak", RESIDENT_PASSWORD, None).session_id
    second = service.authenticate("anna.nowak", RESIDENT_PASSWORD, None).session_id
    assert first != second
    ticket = sessions.issue_ticket(second)
    assert sessions.redeem_ticket(ticket).session_id == second
