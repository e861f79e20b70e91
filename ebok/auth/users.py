"""auth.yaml: the user list. Read with reload-by-mtime; written only here, under a file lock.

streamlit-authenticator rewrites its credentials file on every login without a lock when given a
path, so the app hands it a dict and every change goes through update(): lock, re-read the file
from disk, change, write a temporary file, fsync, os.replace. Concurrent writers (threads or
processes) therefore never lose each other's changes, and a hand edit made while the app runs is
picked up on the next read because the cache is keyed on the file's mtime, size and inode.

A change that also writes the store (registration, office accounts, approvals, disabling, premises)
goes through writing(): one unit of work, so auth.yaml and the store never disagree.
"""

from __future__ import annotations

import copy
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from filelock import FileLock
from sqlalchemy import Connection

from ebok.core import settings
from ebok.core.errors import FormError, Problem
from ebok.core.i18n import N_
from ebok.storage import store

ROLES = ("resident", "admin")
# Marked for the catalogs, kept Polish: callers compare it and show it translated (_(TAKEN.field) …).
TAKEN = Problem(N_("Nazwa użytkownika"), N_("jest już zajęta, wybierz inną."))


Change = Callable[[dict[str, dict[str, Any]]], Any]

# libyaml is ~20x faster than the pure-Python parser: thousands of residents parse in well under a second.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

_cache_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[int, int, int], dict[str, Any]]] = {}


@dataclass(frozen=True)
class UserRecord:
    """One account as stored in auth.yaml (the password hash never leaves this module's callers)."""

    username: str
    name: str
    email: str
    password: str  # bcrypt hash
    roles: tuple[str, ...]
    customer_id: str | None = None
    premises: tuple[str, ...] = ()
    disabled: bool = False
    must_change_password: bool = False
    approved: bool = True  # False while a self-registration waits for the office
    email_verified: bool = True  # False until the activation link is used
    password_changed_at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        """True when the account may sign in."""
        return not self.disabled and self.approved and self.email_verified


def _empty() -> dict[str, Any]:
    return {"credentials": {"usernames": {}}}


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _read_disk(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _empty()
    data = yaml.load(text, Loader=_Loader) or {}  # noqa: S506 - a safe loader (C or Python)
    data.setdefault("credentials", {})
    if not isinstance(data["credentials"].get("usernames"), dict):
        data["credentials"]["usernames"] = {}
    return data


def _cached(path: Path | None = None) -> dict[str, Any]:
    """Return the shared parsed file (never mutate it); re-read from disk whenever it changed."""
    path = path or settings.auth_file()
    stamp = _stamp(path)
    with _cache_lock:
        hit = _cache.get(path)
        if hit is None or hit[0] != stamp:
            hit = (stamp or (0, 0, 0), _read_disk(path))
            _cache[path] = hit
        return hit[1]


def load(path: Path | None = None) -> dict[str, Any]:
    """Return a deep copy of the whole file (callers may change it freely)."""
    return copy.deepcopy(_cached(path))


def _record(username: str, raw: dict[str, Any]) -> UserRecord:
    known = set(UserRecord.__dataclass_fields__) - {"username", "extra"}
    return UserRecord(
        username=username,
        name=str(raw.get("name") or username),
        email=str(raw.get("email") or ""),
        password=str(raw.get("password") or ""),
        roles=tuple(raw.get("roles") or ("resident",)),
        customer_id=raw.get("customer_id") or None,
        premises=tuple(str(p) for p in raw.get("premises") or ()),
        disabled=bool(raw.get("disabled", False)),
        must_change_password=bool(raw.get("must_change_password", False)),
        approved=bool(raw.get("approved", True)),
        email_verified=bool(raw.get("email_verified", True)),
        password_changed_at=raw.get("password_changed_at"),
        extra=copy.deepcopy({k: v for k, v in raw.items() if k not in known}),
    )


def get(username: str, path: Path | None = None) -> UserRecord | None:
    """Return the user called USERNAME (case-insensitive), or None."""
    key = (username or "").strip().lower()
    raw = _cached(path)["credentials"]["usernames"].get(key)
    return _record(key, raw) if isinstance(raw, dict) else None


def all_users(path: Path | None = None) -> list[UserRecord]:
    """Return every user, sorted by username."""
    users = _cached(path)["credentials"]["usernames"]
    return [_record(name, raw) for name, raw in sorted(users.items()) if isinstance(raw, dict)]


def find_by_email(email: str, path: Path | None = None) -> list[UserRecord]:
    """Return the users with this e-mail address (case-insensitive)."""
    wanted = (email or "").strip().lower()
    return [u for u in all_users(path) if u.email.strip().lower() == wanted and wanted]


def _dump(data: dict[str, Any]) -> bytes:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False).encode("utf-8")


def _write_atomic(path: Path, raw: bytes) -> None:
    """Write RAW to PATH: temporary file in the same folder, fsync, os.replace, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _forget(path: Path) -> None:
    with _cache_lock:
        _cache.pop(path, None)


def lock_for(path: Path) -> FileLock:
    """Return the inter-process lock guarding PATH."""
    return FileLock(str(path) + ".lock", timeout=30)


def update(change: Change, path: Path | None = None) -> Any:
    """Apply CHANGE to the usernames mapping read fresh from disk under the lock; return its result."""
    path = path or settings.auth_file()
    try:
        with lock_for(path):
            data = _read_disk(path)  # never the cache: another process may have just written
            result = change(data["credentials"]["usernames"])
            _write_atomic(path, _dump(data))
    finally:
        _forget(path)
    return result


@contextmanager
def writing(change: Change, path: Path | None = None) -> Iterator[tuple[Connection, Any]]:
    """One unit of work over auth.yaml and the store: yield (store transaction, CHANGE's result).

    The caller writes its store rows on the yielded connection (audit, outbox, tokens and sessions
    take it as con=), so either everything lands or nothing does. The order makes every undo exact:
      1. lock auth.yaml and apply CHANGE to a fresh copy; CHANGE may refuse (nothing written yet);
      2. the caller's store writes, inside one open transaction;
      3. auth.yaml replaced atomically; a failure in 2 or 3 rolls the store back and leaves the
         file as it was (os.replace either happened or not);
      4. commit; if the commit fails, auth.yaml gets its previous bytes back. That is exact because
         the lock is still held: no other writer can have changed the file since step 1.
    """
    path = path or settings.auth_file()
    try:
        with lock_for(path):
            before = path.read_bytes() if path.exists() else None
            data = _read_disk(path)
            result = change(data["credentials"]["usernames"])
            with store.engine().connect() as con:
                txn = con.begin()  # left uncommitted on failure: closing the connection rolls it back
                yield con, result
                _write_atomic(path, _dump(data))
                try:
                    txn.commit()
                except BaseException:
                    _restore(path, before)
                    raise
    finally:
        _forget(path)


def _restore(path: Path, before: bytes | None) -> None:
    """Put auth.yaml back as it was before a unit of work whose store commit failed."""
    if before is None:
        path.unlink(missing_ok=True)
    else:
        _write_atomic(path, before)


def setting(username: str, **fields: Any) -> Change:
    """Return the change that sets FIELDS on an existing user (KeyError when the user is missing)."""
    key = username.strip().lower()

    def change(users: dict[str, dict[str, Any]]) -> None:
        if key not in users:
            raise KeyError(key)
        users[key].update(fields)

    return change


def adding(username: str, record: dict[str, Any]) -> Change:
    """Return the change that creates a user; FormError(TAKEN) when the name exists."""
    key = username.strip().lower()

    def change(users: dict[str, dict[str, Any]]) -> None:
        if key in users:
            raise FormError(TAKEN)
        users[key] = record

    return change


def set_fields(username: str, path: Path | None = None, **fields: Any) -> None:
    """Set FIELDS on an existing user; KeyError when the user is missing."""
    update(setting(username, **fields), path)


def add_user(username: str, record: dict[str, Any], path: Path | None = None) -> None:
    """Create a user; FormError(TAKEN) when the username is taken."""
    update(adding(username, record), path)


def stauth_credentials_for(username: str, path: Path | None = None) -> dict[str, Any]:
    """Return {username: record} for streamlit-authenticator, only when the account is active."""
    user = get(username, path)
    if user is None or not user.active:
        return {}
    return {
        user.username: {
            "name": user.name,
            "email": user.email,
            "password": user.password,
            "roles": list(user.roles),
        }
    }
