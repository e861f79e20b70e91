"""Where e-BOK keeps its files: one data directory, overridable for tests and benchmarks."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_made: set[str] = set()  # folders this process already made sure exist (asked for on every rerun)


def _ensure(path: Path) -> Path:
    """Create PATH once per process; later calls cost a set lookup."""
    key = str(path)
    if key not in _made:
        path.mkdir(parents=True, exist_ok=True)
        _made.add(key)
    return path


def data_dir() -> Path:
    """Return the data directory (EBOK_DATA_DIR, else data/ beside app.py)."""
    return _ensure(Path(os.environ.get("EBOK_DATA_DIR") or ROOT / "data"))


def warehouse_dir() -> Path:
    """Return the folder of versioned warehouse files and their CURRENT pointer."""
    return _ensure(data_dir() / "warehouse")


def auth_file() -> Path:
    """Return the credentials file (EBOK_AUTH_FILE, else auth.yaml beside app.py)."""
    return Path(os.environ.get("EBOK_AUTH_FILE") or ROOT / "auth.yaml")


def config_file() -> Path:
    """Return the office's config file (EBOK_CONFIG, else config.yaml in the data directory)."""
    return Path(os.environ.get("EBOK_CONFIG") or data_dir() / "config.yaml")


def store_url() -> str:
    """Return the operational store URL (EBOK_STORE_URL, else SQLite in the data directory)."""
    return os.environ.get("EBOK_STORE_URL") or f"sqlite:///{data_dir() / 'ebok.sqlite'}"


def secrets_file() -> Path:
    """Return the per-installation secrets file (cookie key), never committed."""
    return data_dir() / "secrets.yaml"
