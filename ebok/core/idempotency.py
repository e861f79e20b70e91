"""Idempotency keys: one per form render, so the same form sent twice (a double click) saves once."""

from __future__ import annotations

import uuid


def new_key() -> str:
    """Return a fresh key for one form instance (32 hex characters)."""
    return uuid.uuid4().hex
