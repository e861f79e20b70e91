"""The login guard and shared page furniture. Every page calls require_login() first.

Authentication is a server-side session (ebok.auth.sessions) checked on every rerun; the id lives
in st.session_state but means nothing unless the store has it alive, so planting session_state
keys (authentication_status, roles, …) never signs anyone in. A browser reload restores the
session from the login cookie only while its session row is alive (not logged out, not expired,
password unchanged, account enabled).
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime as dt
import functools
import ipaddress
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import streamlit as st
import yaml
from filelock import FileLock

from ebok import audit, fmt, navigation, settings, uploads, warehouse
from ebok.auth import clock, conf, premises, service, sessions, users

SID_KEY = "_ebok_sid"
PREMISES_KEY = "_ebok_premises"
_LOKAL_WRITTEN = "_ebok_lokal_written"
COOKIE_NAME = "ebok_auth"
_PENDING_COOKIE = "_ebok_cookie_pending"
_DELETE_COOKIE = "_ebok_cookie_delete"
_FLASH = "_ebok_flash"
STAUTH_KEYS = ("name", "username", "authentication_status", "email", "roles")
LOGIN_FIELDS = {
    "Form name": "Logowanie",
    "Username": "Nazwa użytkownika",
    "Password": "Hasło",
    "Login": "Zaloguj się",
    "Captcha": "Przepisz kod",
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user as pages see it."""

    username: str
    name: str
    email: str
    roles: tuple[str, ...]
    customer_id: str | None
    premises_ids: tuple[str, ...]
    must_change_password: bool = False
    session_id: str = ""

    def has_role(self, role: str) -> bool:
        """Return True when the user may open pages of ROLE ('any' = every signed-in user)."""
        return role == "any" or role in self.roles


@functools.cache
def favicon() -> str:
    """Return the portal's favicon as a data: URL (read once per process; app.py asks on every rerun).

    A :material/…: page icon makes the browser fetch it from a font CDN; a file path is re-served
    from /media on every rerun, one more request per click (and a favicon request Chromium sometimes
    leaves pending, which kept the browser tests from ever seeing the network idle).
    """
    data = (settings.ROOT / "ebok/assets/favicon.png").read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


# --- installation secrets --------------------------------------------------------------------


def cookie_key() -> str:
    """Return the per-installation cookie signing key, created on first use (never committed)."""
    path = settings.secrets_file()
    with FileLock(str(path) + ".lock", timeout=30):
        data: dict[str, Any] = {}
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not data.get("cookie_key"):
            data["cookie_key"] = secrets.token_urlsafe(48)
            tmp = path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                yaml.safe_dump(data, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
    return str(data["cookie_key"])


# --- client address --------------------------------------------------------------------------


def _is_proxy(address: str | None) -> bool:
    """Return True for a peer whose X-Forwarded-For we trust (EBOK_TRUSTED_PROXIES, default loopback)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    trusted = os.environ.get("EBOK_TRUSTED_PROXIES", "127.0.0.1/32,::1/128")
    for net in trusted.split(","):
        try:
            if net.strip() and ip in ipaddress.ip_network(net.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address() -> str | None:
    """Return the client's address: behind our nginx (a local/private peer) the last X-Forwarded-For."""
    try:
        peer = st.context.ip_address
        headers = st.context.headers
    except Exception:  # noqa: BLE001 - no request context (AppTest, bare mode)
        return None
    return address_from(peer if isinstance(peer, str) else None, headers)


def address_from(peer: str | None, headers: Any) -> str | None:
    """Return the client address from the peer address and the request headers (see client_address)."""
    try:
        forwarded = headers.get("X-Forwarded-For") if headers else None
        real = headers.get("X-Real-IP") if headers else None
    except Exception:  # noqa: BLE001 - headers unavailable
        forwarded = real = None
    forwarded = forwarded if isinstance(forwarded, str) else None
    real = real if isinstance(real, str) else None
    if forwarded and _is_proxy(peer):
        # nginx appends the address it saw; earlier entries come from the client and can be forged.
        last = forwarded.split(",")[-1].strip()
        if last:
            return last[:64]
    if real and _is_proxy(peer):
        return real.strip()[:64]
    return peer


# --- sessions --------------------------------------------------------------------------------


def _clear_login_state() -> None:
    for key in (SID_KEY, PREMISES_KEY, *STAUTH_KEYS):
        if key in st.session_state:
            del st.session_state[key]


def session_from_token(token: str | None) -> sessions.SessionInfo | None:
    """Return the live session a login cookie value belongs to; None if forged, expired or revoked."""
    if not token or not isinstance(token, str):
        return None
    try:
        claims = jwt.decode(token, cookie_key(), algorithms=["HS256"])
        username = str(claims["username"])
        exp_date = float(claims["exp_date"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None
    if exp_date <= clock.now().replace(tzinfo=dt.UTC).timestamp():
        return None
    return sessions.validate_cookie(username, exp_date)


def make_cookie_token(username: str, session_id: str) -> tuple[str, dt.datetime]:
    """Return a login cookie value (stauth's JWT: username + exp_date) bound to SESSION_ID, and its expiry."""
    hours = conf.load().absolute_timeout_hours
    expires = clock.now().replace(tzinfo=dt.UTC) + dt.timedelta(hours=hours)
    # exp_date carries microseconds, so it is unique per login and keys the session row.
    exp_date = expires.timestamp()
    token = jwt.encode({"username": username, "exp_date": exp_date}, cookie_key(), algorithm="HS256")
    sessions.bind_cookie(session_id, username, exp_date)
    return token, expires


def _session_from_cookie() -> sessions.SessionInfo | None:
    """Restore a session after a browser reload from the signed login cookie, if its row is alive."""
    if st.session_state.get(_DELETE_COOKIE):
        return None
    try:
        token = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no request context
        return None
    return session_from_token(token if isinstance(token, str) else None)


# The user app.py checked at the top of this script run, for the page it runs next (a 1-tuple, so a
# signed-out run is remembered too). Unset when a page runs on its own (AppTest, fragments).
_CHECKED: contextvars.ContextVar[tuple[CurrentUser | None] | None] = contextvars.ContextVar(
    "ebok_checked_user", default=None
)


@contextlib.contextmanager
def checked_user(user: CurrentUser | None) -> Iterator[None]:
    """Let the page run inside this block reuse USER, just checked by app.py, instead of checking again."""
    token = _CHECKED.set((user,))
    try:
        yield
    finally:
        _CHECKED.reset(token)


def current_user() -> CurrentUser | None:
    """Return the signed-in user after checking the server-side session, else None."""
    checked = _CHECKED.get()
    if checked is not None:  # app.py checked it a moment ago in this same run
        return checked[0]
    sid = st.session_state.get(SID_KEY)
    info = sessions.validate(sid) if sid else None
    if sid and info is None:
        _clear_login_state()
        st.session_state[_FLASH] = "Sesja wygasła albo została zakończona. Zaloguj się ponownie."
    if info is None:
        info = _session_from_cookie()
        if info is None:
            return None
        st.session_state[SID_KEY] = info.session_id
    record = users.get(info.username)
    if record is None or not record.active:
        sessions.revoke(info.session_id, "account_disabled")
        _clear_login_state()
        return None
    refs = premises.premises_of(record.customer_id, record.premises) if "resident" in record.roles else ()
    return CurrentUser(
        username=record.username,
        name=record.name,
        email=record.email,
        roles=record.roles,
        customer_id=record.customer_id,
        premises_ids=tuple(p.premises_id for p in refs),
        must_change_password=record.must_change_password,
        session_id=info.session_id,
    )


def _remember_cookie(username: str, session_id: str) -> None:
    """Bind a fresh login cookie to the session; it is written to the browser on the next run."""
    token, expires = make_cookie_token(username, session_id)
    st.session_state[_PENDING_COOKIE] = (token, expires.isoformat())
    st.session_state.pop(_DELETE_COOKIE, None)


def _browser_sent(token: str) -> bool:
    """Return True when this connection's request already carried TOKEN as the login cookie."""
    try:
        return st.context.cookies.get(COOKIE_NAME) == token
    except Exception:  # noqa: BLE001 - no request context (AppTest, bare mode)
        return False


def sync_cookie() -> None:
    """Write or delete the login cookie in the browser; the write stays pending until confirmed."""
    pending = st.session_state.get(_PENDING_COOKIE)
    delete = st.session_state.get(_DELETE_COOKIE)
    if not pending and not delete:
        return
    from ebok.auth import cookies

    try:
        if pending:
            token, expires = pending
            https = conf.load().base_url.startswith("https://")
            # Pending until the browser confirms it: a rerun that comes first (a click, another
            # component) removes the iframe before it ran, and the cookie would never be written.
            written = cookies.write(COOKIE_NAME, token, dt.datetime.fromisoformat(expires), secure=https)
            if written or _browser_sent(token):
                st.session_state.pop(_PENDING_COOKIE, None)
        elif delete:
            cookies.delete(COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no cookie only means no restore after a reload
        st.session_state.pop(_PENDING_COOKIE, None)


def start_session(result: service.LoginResult) -> None:
    """Put a successful login into this browser session."""
    _clear_login_state()
    st.session_state[SID_KEY] = result.session_id
    st.session_state.pop(_FLASH, None)
    if result.username and result.session_id:
        _remember_cookie(result.username, result.session_id)


def logout(user: CurrentUser | None = None) -> None:
    """Revoke the server-side session, forget it here and delete the cookie on the next run."""
    sid = st.session_state.get(SID_KEY)
    service.logout(sid, user.username if user else None, client_address())
    _clear_login_state()
    st.session_state.pop(_PENDING_COOKIE, None)
    st.session_state[_DELETE_COOKIE] = True
    st.session_state["logout"] = True


def login_form() -> CurrentUser | None:
    """Render the login form (streamlit-authenticator, credentials as a dict) and sign in on submit."""
    import streamlit_authenticator as stauth
    from streamlit_authenticator.utilities import LoginError

    flash = st.session_state.pop(_FLASH, None)
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
        cookie_name=COOKIE_NAME + "_stauth",
        cookie_key=cookie_key(),
        cookie_expiry_days=0,  # 0 = it never sets its own cookie; ours is bound to a session row
        auto_hash=False,
        login_sleep_time=0.05,
    )
    model = authenticator.authentication_controller.authentication_model
    address = client_address()
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
    try:
        authenticator.login(location="main", fields=LOGIN_FIELDS, key="ebok_login")
    except LoginError:  # its own limits (unused here): same message as a wrong password
        outcome.setdefault("result", service.LoginResult(False, service.LOGIN_FAILED))
    result = outcome.get("result")
    if result is None:
        return None
    if not result.ok:
        for key in STAUTH_KEYS:
            st.session_state[key] = None
        st.error(result.message)
        return None
    start_session(result)
    st.rerun()
    return None  # pragma: no cover - st.rerun() does not return


# --- the guard -------------------------------------------------------------------------------


def password_change_form(user: CurrentUser, *, forced: bool = False) -> bool:
    """Render the password change form; return True after a successful change."""
    if forced:
        st.warning("Przy pierwszym logowaniu musisz ustawić własne hasło.")
    with st.form("ebok_password_change", clear_on_submit=True):
        st.subheader("Zmiana hasła")
        old = st.text_input("Obecne hasło", type="password", autocomplete="current-password")
        new = st.text_input(
            "Nowe hasło",
            type="password",
            autocomplete="new-password",
            help="8–128 znaków, polskie litery dozwolone; nie może zawierać Twojej nazwy użytkownika, "
            "imienia i nazwiska, e-maila ani symbolu klienta i nie może być popularnym hasłem.",
        )
        repeat = st.text_input("Powtórz nowe hasło", type="password", autocomplete="new-password")
        submitted = st.form_submit_button("Zmień hasło")
    if not submitted:
        return False
    problems, session_id = service.change_password(user.username, old, new, repeat, client_address())
    if problems:
        for problem in problems:
            st.error(problem)
        return False
    start_session(service.LoginResult(True, "", user.username, session_id))
    st.success("Hasło zostało zmienione. Pozostałe sesje zostały wylogowane.")
    return True


def ensure_app_navigation() -> None:
    """Rerun through app.py when Streamlit ran this page on its own (its legacy pages/ folder mode).

    Streamlit decides per process, on the first session, that an app with a pages/ folder is a v1
    multipage app, and only app.py's st.navigation switches that off. When the first request after
    a start named a page (a bookmark, a reload), every session ran pages without app.py: no
    sidebar, no logout button, Streamlit's own list of every file in pages/, and a folder scan on
    every rerun. One rerun of the first such run puts the whole process on app.py's navigation.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def require_login(role: str = "any") -> CurrentUser:
    """Return the signed-in user allowed to open a ROLE page; otherwise render login/refusal and stop."""
    ensure_app_navigation()
    user = current_user()
    if user is None:
        login_form()
        st.stop()
    assert user is not None
    if user.must_change_password:
        if password_change_form(user, forced=True):
            st.rerun()
        st.stop()
    if not user.has_role(role):
        audit.record("access_denied", user.username, client_address=client_address(), role=role)
        st.error("Nie masz dostępu do tej strony.")
        st.stop()
    return user


def select_premises(user: CurrentUser) -> str:
    """Return the premises the page shows: the user's own only (selector, ?lokal=, session)."""
    ids = user.premises_ids
    if not ids:
        st.info("Do Twojego konta nie przypisano jeszcze żadnego lokalu. Skontaktuj się z biurem.")
        st.stop()
    url = st.query_params.get("lokal")
    if url and url not in ids:
        audit.record(
            "premises_denied", user.username, client_address=client_address(), requested=str(url)[:40]
        )
        st.warning("Lokal z adresu strony nie należy do Twojego konta; pokazujemy Twój lokal.")
        url = None
    current = st.session_state.get(PREMISES_KEY)
    if current not in ids:
        current = ids[0]
    # ?lokal= we did not write ourselves comes from a link or a typed address: it wins once.
    from_url = bool(url) and url != st.session_state.get(_LOKAL_WRITTEN)
    if from_url:
        current = url
    if len(ids) > 1:
        widget = f"_ebok_premises_select_{user.username}"
        if from_url or st.session_state.get(widget) not in ids:
            st.session_state[widget] = current
        labels = {p.premises_id: p.label for p in premises.premises_of(user.customer_id, ())}
        # In the page, under its title: the sidebar is a long expanded menu, so a selector there
        # would sit below it, out of sight (and out of a keyboard user's quick reach).
        picked = st.selectbox(
            "Lokal",
            ids,
            key=widget,
            format_func=lambda pid: labels.get(pid, pid),
            placeholder="Wybierz lokal",  # Streamlit's default is English
            width=480,
        )
        if picked in ids:
            current = picked
        if st.query_params.get("lokal") != current:
            st.query_params["lokal"] = current
        st.session_state[_LOKAL_WRITTEN] = current
    st.session_state[PREMISES_KEY] = current
    return current


@functools.cache
def _page_file_exists(file: str) -> bool:
    """Return True when the page file is installed (a deployment's files change only with a restart)."""
    return (settings.ROOT / file).exists()


def allowed_pages(user: CurrentUser | None, existing_only: bool = True) -> list[navigation.PageSpec]:
    """Return the navigation entries USER may see (None = signed out: public pages only)."""
    modules = conf.load().modules
    out = []
    for spec in navigation.PAGES:
        if existing_only and not _page_file_exists(spec.file):
            continue
        if spec.module and not modules.get(spec.module, False):
            continue
        if spec.role == "everyone":
            allowed = True
        elif user is None:
            allowed = spec.role == "public"
        else:
            allowed = spec.role != "public" and user.has_role(spec.role)
        if allowed:
            out.append(spec)
    return out


def guard_public_page() -> CurrentUser | None:
    """Start a page open to signed-out visitors (registration, password reset); return the user if any."""
    ensure_app_navigation()
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.warning(flash)
    return current_user()


def require_module(name: str) -> None:
    """Stop the page when the office switched module NAME off."""
    if not conf.load().modules.get(name, False):
        st.info("Ta część portalu jest wyłączona przez biuro.")
        st.stop()


NO_DATA_TEXT = "Brak danych z systemu księgowego. Spróbuj później."


def require_resident_page(
    title: str, module: str | None = None, *, need_data: bool = False
) -> tuple[CurrentUser, str, str | None]:
    """Start a resident page: guard, premises, module switch, title, data caption; return (user, premises, version).

    With NEED_DATA the page stops with a notice before the first load, so version is then a str.
    """
    user = require_login("resident")
    st.title(title)  # first, so the premises selector sits right under it
    premises_id = select_premises(user)
    if module is not None:
        require_module(module)
    data_as_of()
    version = warehouse.current_version()
    if need_data and version is None:
        st.info(NO_DATA_TEXT)
        st.stop()
    return user, premises_id, version


def data_as_of_time() -> dt.datetime | None:
    """Return when the data in force were exported/loaded (warehouse.data_as_of(), else file mtime)."""
    fn = getattr(warehouse, "data_as_of", None)
    if callable(fn):
        try:
            value = fn()
        except Exception:  # noqa: BLE001 - the caption must never break a page
            value = None
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time())
    path = warehouse.current_path()
    if path is None or not path.exists():
        return None
    return dt.datetime.fromtimestamp(path.stat().st_mtime)


def data_as_of() -> None:
    """Show the caption 'Dane na dzień …'."""
    st.caption(_data_as_of_text(warehouse.current_version()))


@functools.lru_cache(maxsize=8)
def _data_as_of_text(version: str | None) -> str:
    """Return the caption for a warehouse version (a published version never changes)."""
    when = data_as_of_time()
    return "Brak danych z systemu księgowego." if when is None else f"Dane na dzień {fmt.datetime(when)}"


# --- safe rendering and uploads --------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=])")


def escape_markdown(text: str) -> str:
    """Escape every Markdown/HTML-significant character so resident text renders literally."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def safe_text(text: str) -> None:
    """Render a resident's text literally (no links, images, HTML or formatting)."""
    st.text(str(text))


class UploadRejected(ValueError):
    """The uploaded file is not an allowed type or too large."""


def check_upload(file: Any, max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[str, bytes]:
    """Return (mime type, bytes) of an upload that is a JPEG, PNG or PDF by content; else raise."""
    if file is None:
        raise UploadRejected("Plik: nie wybrano pliku.")
    data = file.getvalue() if hasattr(file, "getvalue") else bytes(file)
    if len(data) > max_bytes:
        raise UploadRejected(f"Plik: jest za duży (najwyżej {max_bytes // (1024 * 1024)} MB).")
    kind = uploads.sniff(data)
    if kind is not None:
        return kind[0], data
    raise UploadRejected("Plik: dozwolone są tylko zdjęcia JPEG lub PNG i dokumenty PDF.")
