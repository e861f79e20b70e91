"""Shared fixtures: every test gets its own data directory, never the real data/."""

from __future__ import annotations

import pytest

from ebok.storage import store, warehouse


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Point EBOK_DATA_DIR (and the auth and config files) at a fresh temporary folder."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("EBOK_DATA_DIR", str(path))
    monkeypatch.setenv("EBOK_AUTH_FILE", str(path / "auth.yaml"))
    monkeypatch.setenv("EBOK_CONFIG", str(path / "config.yaml"))
    monkeypatch.delenv("EBOK_STORE_URL", raising=False)
    # A developer's demo shell must not route the tests' mail to a catcher or their links to a port.
    monkeypatch.delenv("EBOK_DEMO", raising=False)
    monkeypatch.delenv("EBOK_BASE_URL", raising=False)
    yield path
    warehouse.close_all()
    store.dispose_all()
