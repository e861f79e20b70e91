"""Settings the auth code reads from the office config, with safe defaults until it exists."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from ebok.core import config

MODULE_NAMES = ("meters", "settlements", "contact", "faults", "voting", "waste")


@dataclass(frozen=True)
class AuthConfig:
    """What login, sessions, registration and e-mail links need from the office config."""

    idle_timeout_minutes: int = 15
    absolute_timeout_hours: int = 12
    auto_approve_registration: bool = False
    base_url: str = "http://localhost:8501"
    login_announcement: str = ""
    regulations_version: str = "1"
    regulations_text: str = ""
    company_name: str = "e-BOK"
    modules: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(MODULE_NAMES, True))


def _office_config() -> Any | None:
    """Return ebok.core.config.load() or None while that module is missing or the file is invalid."""
    try:
        return config.load()
    except Exception:  # noqa: BLE001 - a broken config must not lock everyone out; defaults apply
        return None


def _get(obj: Any, name: str, default: Any) -> Any:
    """Read NAME from an object or a dict, DEFAULT when absent or None."""
    if obj is None:
        return default
    value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return default if value is None else value


def load() -> AuthConfig:
    """Return the auth settings: office config values over defaults; EBOK_BASE_URL wins for links."""
    cfg = _office_config()
    defaults = AuthConfig()
    texts = _get(cfg, "texts", None)
    company = _get(cfg, "company", None)
    modules_obj = _get(cfg, "modules", None)
    registration = _get(cfg, "registration", None)
    modules = {name: bool(_get(modules_obj, name, True)) for name in MODULE_NAMES}
    base_url = os.environ.get("EBOK_BASE_URL") or _get(cfg, "base_url", defaults.base_url)
    return AuthConfig(
        idle_timeout_minutes=int(_get(cfg, "idle_timeout_minutes", defaults.idle_timeout_minutes)),
        absolute_timeout_hours=int(_get(cfg, "absolute_timeout_hours", defaults.absolute_timeout_hours)),
        auto_approve_registration=bool(
            _get(cfg, "auto_approve_registration", defaults.auto_approve_registration)
        ),
        base_url=str(base_url).rstrip("/"),
        login_announcement=str(_get(texts, "login_announcement", "")),
        regulations_version=str(_get(registration, "regulations_version", defaults.regulations_version)),
        regulations_text=str(_get(registration, "regulations_text", "")),
        company_name=str(_get(company, "name", defaults.company_name)),
        modules=modules,
    )
