"""Append-only audit log: who did what, when and from where; never secrets or message bodies."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from ebok.core import clock
from ebok.storage import store
from ebok.storage.tables import audit_log

# Detail keys that could carry a secret or a resident's text; record() refuses them outright so a
# careless caller fails loudly in tests instead of leaking into the log.
_FORBIDDEN = re.compile(
    r"pass|hasł|haslo|token|secret|body|cookie|content|answer|^message$|^text$|^hash$", re.IGNORECASE
)


def record(
    action: str,
    username: str | None = None,
    premises_id: str | None = None,
    client_address: str | None = None,
    *,
    at: datetime | None = None,
    con: Connection | None = None,
    **details: Any,
) -> None:
    """Append one entry (on CON: the caller's open transaction); details are JSON, free of secrets."""
    bad = sorted(key for key in details if _FORBIDDEN.search(key))
    if bad:
        raise ValueError(f"audit.record: niedozwolone pola w dzienniku zdarzeń: {', '.join(bad)}")
    stmt = insert(audit_log).values(
        at=at or clock.now(),
        username=(username or None) and str(username)[:120],
        action=action[:60],
        premises_id=premises_id,
        client_address=(client_address or None) and str(client_address)[:64],
        details=json.dumps(details, ensure_ascii=False, default=str, sort_keys=True) if details else None,
    )
    if con is not None:
        con.execute(stmt)  # lands or rolls back with the caller's unit of work
        return
    with store.engine().begin() as own:
        own.execute(stmt)


def entries(
    action: str | None = None, username: str | None = None, limit: int = 1000
) -> list[dict[str, Any]]:
    """Return the newest entries first, optionally filtered (office pages, tests)."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if action:
        query = query.where(audit_log.c.action == action)
    if username:
        query = query.where(audit_log.c.username == username)
    with store.engine().connect() as con:
        rows = [dict(row._mapping) for row in con.execute(query)]
    for row in rows:
        row["details"] = json.loads(row["details"]) if row["details"] else {}
    return rows
