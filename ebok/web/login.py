"""The login form (streamlit-authenticator with our own credential check) and the password change form."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ebok.auth import service, sessions, users
from ebok.core.errors import FormError
from ebok.core.i18n import N_, _
from ebok.web import client, cookie, failure, forms, session
from ebok.web.session import CurrentUser

# streamlit-authenticator's field names -> our msgids (translated with _() when the form is drawn).
LOGIN_FIELDS = {
    "Form name": N_("Logowanie"),
    "Username": N_("Nazwa użytkownika"),
    "Password": N_("Hasło"),
    "Login": N_("Zaloguj się"),
    "Captcha": N_("Przepisz kod"),
}
# Said first when the store refuses to record a login (disk full, read-only): ebok/web/failure.py.
LOGIN_NOT_SAVED = N_("Nie udało się zalogować")  # msgid: shown with _()


def login_form() -> CurrentUser | None:
    """Render the login form (streamlit-authenticator, credentials as a dict) and sign in on submit."""
    import streamlit_authenticator as stauth
    from streamlit_authenticator.utilities import LoginError

    flash = st.session_state.pop(session.FLASH, None)
    if flash:
        st.warning(flash)
    # Its own cookie re-login is off ('logout' makes its get_cookie() return False): we restore
    # sessions ourselves, only while the server-side row is alive.
    st.session_state["logout"] = True
    st.session_state["authentication_status"] = None
    # Credentials as a dict (never a path: stauth would rewrite auth.yaml unlocked on every login).
    # It starts empty; check_credentials below adds only the user who just proved their password.
    credentials: dict[str, Any] = {"usernames": {}}
    authenticator = stauth.Authenticate(
        credentials,
        cookie_name=cookie.COOKIE_NAME + "_stauth",
        cookie_key=cookie.cookie_key(),
        cookie_expiry_days=0,  # 0 = it never sets its own cookie; ours is bound to a session row
        auto_hash=False,
        login_sleep_time=0.05,
    )
    model = authenticator.authentication_controller.authentication_model
    address = client.client_address()
    outcome: dict[str, service.LoginResult] = {}

    def check_credentials(username: str, password: str) -> bool:
        result = service.authenticate(username, password, address)
        outcome["result"] = result
        if not result.ok or not result.username:
            return False
        record = users.stauth_credentials_for(result.username)
        if not record:  # disabled between the check and now
            if result.session_id:
                sessions.revoke(result.session_id, "account_disabled")
            outcome["result"] = service.LoginResult(False, service.LOGIN_FAILED)
            return False
        model.credentials["usernames"].update(record)
        return True

    # Throttle, disabled accounts and the server-side session live in service.authenticate.
    model.check_credentials = check_credentials
    # A store that cannot record the attempt (throttle, session row) refuses the login: it is told
    # as such, never as a wrong password, and never lets anyone in unthrottled.
    with failure.writing(_(LOGIN_NOT_SAVED)):
        try:
            authenticator.login(
                location="main",
                fields={name: _(text) for name, text in LOGIN_FIELDS.items()},
                key="ebok_login",
            )
        except LoginError:  # its own limits (unused here): same message as a wrong password
            outcome.setdefault("result", service.LoginResult(False, service.LOGIN_FAILED))
        result = outcome.get("result")
        if result is None:
            return None
        if not result.ok:
            for key in session.STAUTH_KEYS:
                st.session_state[key] = None
            st.error(result.message)
            return None
        try:
            session.start_session(result)
        except Exception:
            session.clear()  # the cookie could not be bound: this tab is not half signed in either
            raise
        st.rerun()
    return None


def password_change_form(user: CurrentUser, *, forced: bool = False) -> bool:
    """Render the password change form; return True after a successful change."""
    if forced:
        st.warning(_("Przy pierwszym logowaniu musisz ustawić własne hasło."))
    with st.form("ebok_password_change", clear_on_submit=True):
        st.subheader(_("Zmiana hasła"))
        old = st.text_input(_("Obecne hasło"), type="password", autocomplete="current-password")
        new = st.text_input(
            _("Nowe hasło"),
            type="password",
            autocomplete="new-password",
            help=_(
                "8–128 znaków, polskie litery dozwolone; nie może zawierać Twojej nazwy użytkownika, "
                "imienia i nazwiska, e-maila ani symbolu klienta i nie może być popularnym hasłem."
            ),
        )
        repeat = st.text_input(_("Powtórz nowe hasło"), type="password", autocomplete="new-password")
        submitted = st.form_submit_button(_("Zmień hasło"))
    if not submitted:
        return False
    try:
        session_id = service.change_password(user.username, old, new, repeat, client.client_address())
    except FormError as err:
        forms.show_problems(err)
        return False
    session.start_session(service.LoginResult(True, "", user.username, session_id))
    st.success(_("Hasło zostało zmienione. Pozostałe sesje zostały wylogowane."))
    return True
