"""Single-use e-mail tokens (password reset, activation): only their SHA-256 is stored.

Also the installation's secret keys (data/secrets.yaml, created on first use) and HMAC-signed
link values (sign/verify): a link that carries only a random id and its signature.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import datetime, timedelta
from typing import Any

import yaml
from filelock import FileLock
from sqlalchemy import Connection, insert, select, update

from ebok.core import clock, settings
from ebok.storage import store
from ebok.storage.tables import auth_tokens

LIFETIME = {"reset": timedelta(minutes=30), "activate": timedelta(days=3)}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(purpose: str, username: str, now: datetime | None = None, con: Connection | None = None) -> str:
    """Return a new token for PURPOSE (on CON: the caller's open transaction); earlier ones stop working."""
    now = now or clock.now()
    token = secrets.token_urlsafe(32)
    if con is not None:
        _store(con, purpose, username, token, now)
        return token
    with store.engine().begin() as own:
        _store(own, purpose, username, token, now)
    return token


def _store(con: Connection, purpose: str, username: str, token: str, now: datetime) -> None:
    con.execute(
        update(auth_tokens)
        .where(
            auth_tokens.c.username == username,
            auth_tokens.c.purpose == purpose,
            auth_tokens.c.used_at.is_(None),
        )
        .values(used_at=now)
    )
    con.execute(
        insert(auth_tokens).values(
            token_hash=_digest(token),
            purpose=purpose,
            username=username,
            created_at=now,
            expires_at=now + LIFETIME[purpose],
        )
    )


def peek(purpose: str, token: str, now: datetime | None = None) -> str | None:
    """Return the username of a valid unused token without using it (to show the form), else None."""
    if not token or len(token) > 200:
        return None
    now = now or clock.now()
    with store.engine().connect() as con:
        row = (
            con.execute(
                select(auth_tokens).where(
                    auth_tokens.c.token_hash == _digest(token), auth_tokens.c.purpose == purpose
                )
            )
            .mappings()
            .first()
        )
    if row is None or row["used_at"] is not None or row["expires_at"] <= now:
        return None
    return str(row["username"])


def consume(
    purpose: str, token: str, now: datetime | None = None, con: Connection | None = None
) -> str | None:
    """Use the token once (on CON: the caller's open transaction): its username, or None when spent."""
    if not token or len(token) > 200:
        return None
    now = now or clock.now()
    if con is not None:
        return _use(con, purpose, token, now)
    with store.engine().begin() as own:
        return _use(own, purpose, token, now)


def _use(con: Connection, purpose: str, token: str, now: datetime) -> str | None:
    # One UPDATE decides: two concurrent uses cannot both see used_at IS NULL.
    result = con.execute(
        update(auth_tokens)
        .where(
            auth_tokens.c.token_hash == _digest(token),
            auth_tokens.c.purpose == purpose,
            auth_tokens.c.used_at.is_(None),
            auth_tokens.c.expires_at > now,
        )
        .values(used_at=now)
    )
    if not result.rowcount:
        return None
    row = con.execute(
        select(auth_tokens.c.username).where(auth_tokens.c.token_hash == _digest(token))
    ).first()
    return str(row[0]) if row else None


def installation_secret(name: str) -> str:
    """Return the per-installation secret NAME from data/secrets.yaml, created on first use (never committed)."""
    path = settings.secrets_file()
    with FileLock(str(path) + ".lock", timeout=30):
        data: dict[str, Any] = {}
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not data.get(name):
            data[name] = secrets.token_urlsafe(48)
            tmp = path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                yaml.safe_dump(data, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
    return str(data[name])


def _mac(purpose: str, value: str) -> str:
    key = installation_secret("link_key").encode("utf-8")
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def sign(purpose: str, value: str) -> str:
    """Return VALUE.signature: VALUE (a random id, never a secret) signed for PURPOSE with the link key."""
    return f"{value}.{_mac(purpose, value)}"


def verify(purpose: str, signed: str) -> str | None:
    """Return the value of a link SIGNED for PURPOSE, or None when it was changed or made up."""
    if not signed or len(signed) > 200 or signed.count(".") != 1:
        return None
    value, mac = signed.split(".")
    return value if value and hmac.compare_digest(mac, _mac(purpose, value)) else None
