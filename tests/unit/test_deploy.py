"""deploy/: the warehouse copy to other machines (file first, pointer last) and the nginx config."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ebok.storage import warehouse
from tests.helpers import browser as B

SYNC = B.ROOT / "deploy" / "sync-warehouse.sh"
needs_rsync = pytest.mark.skipif(
    shutil.which("rsync") is None, reason="rsync not installed (test.sh installs it)"
)


def _versions(folder: Path, stamps: list[str], current: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stamp in stamps:
        (folder / f"wh-{stamp}.duckdb").write_bytes(f"warehouse {stamp}".encode() * 100)
    (folder / "CURRENT").write_text(f"wh-{current}.duckdb\n", encoding="utf-8")


def _sync(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SYNC), *args], capture_output=True, text=True, timeout=60)  # noqa: S603


@needs_rsync
def test_sync_copies_the_file_then_moves_the_pointer(tmp_path):
    """The target ends on the source's version with identical bytes; older versions are pruned."""
    src, dst = tmp_path / "src", tmp_path / "dst"
    _versions(src, ["20261120T020000", "20261121T020000"], "20261121T020000")
    _versions(
        dst, ["20261117T020000", "20261118T020000", "20261119T020000", "20261120T020000"], "20261120T020000"
    )
    result = _sync("--keep", "2", str(src), str(dst))
    assert result.returncode == 0, result.stderr
    assert warehouse.pointer(dst) == "wh-20261121T020000.duckdb"
    assert (dst / "wh-20261121T020000.duckdb").read_bytes() == (
        src / "wh-20261121T020000.duckdb"
    ).read_bytes()
    assert warehouse.published_versions(dst) == ["wh-20261120T020000.duckdb", "wh-20261121T020000.duckdb"]
    assert not list(dst.glob(".*CURRENT*")) and not (dst / ".rsync-partial").exists()


@needs_rsync
def test_sync_never_points_at_a_missing_file(tmp_path):
    """When the file cannot be copied the target keeps its old CURRENT and nothing is deleted."""
    src, dst = tmp_path / "src", tmp_path / "dst"
    _versions(src, [], "20261121T020000")  # CURRENT names a file that is not there
    _versions(dst, ["20261119T020000", "20261120T020000"], "20261120T020000")
    result = _sync(str(src), str(dst))
    assert result.returncode != 0
    assert warehouse.pointer(dst) == "wh-20261120T020000.duckdb"
    assert len(warehouse.published_versions(dst)) == 2


@needs_rsync
def test_sync_keeps_the_version_in_force_even_if_old(tmp_path):
    """A target rolled back to an old version by the office keeps that file when pruning."""
    src, dst = tmp_path / "src", tmp_path / "dst"
    _versions(src, ["20261101T020000", "20261121T020000"], "20261101T020000")
    _versions(dst, ["20261118T020000", "20261119T020000", "20261120T020000"], "20261120T020000")
    result = _sync("--keep", "1", str(src), str(dst))
    assert result.returncode == 0, result.stderr
    assert warehouse.pointer(dst) == "wh-20261101T020000.duckdb"
    assert "wh-20261101T020000.duckdb" in warehouse.published_versions(dst)


def test_sync_without_targets_does_nothing(tmp_path, monkeypatch):
    """No EBOK_REPLICA_TARGETS (one machine): exit 0, nothing touched."""
    monkeypatch.delenv("EBOK_REPLICA_TARGETS", raising=False)
    _versions(tmp_path / "src", ["20261121T020000"], "20261121T020000")
    result = _sync(str(tmp_path / "src"))
    assert result.returncode == 0
    assert "nic do zrobienia" in result.stdout


def test_nginx_site_config_is_rewritten_only_in_ports(tmp_path):
    """The tests and the benchmark run the shipped config with only ports and log path changed."""
    original = B.SITE_CONF.read_text(encoding="utf-8")
    text = B.site_config([9101, 9102, 9103], 9100, tmp_path / "access.log")
    assert "listen 127.0.0.1:9100;" in text
    for port in (9101, 9102, 9103):
        assert f"server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;" in text
    assert "127.0.0.1:8501" not in text
    for line in (
        "hash $ebok_node consistent;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_read_timeout 1d;",
    ):
        assert line in original and line in text


@pytest.mark.skipif(not Path(B.NGINX).exists(), reason="nginx not installed (test.sh installs it)")
def test_nginx_accepts_the_config(tmp_path):
    """`nginx -t` on the shipped site config (inside a minimal main config)."""
    site = tmp_path / "site.conf"
    site.write_text(B.site_config([9101, 9102], 9100, tmp_path / "access.log"), encoding="utf-8")
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{ client_body_temp_path {tmp_path / 'b'}; proxy_temp_path {tmp_path / 'p'}; include {site}; }}\n",
        encoding="utf-8",
    )
    result = subprocess.run(  # noqa: S603
        [B.NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
