"""run.sh and scripts/setup.sh: what the first start installs, starts and tells e-mail links."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from ebok.core import config, settings

ROOT = settings.ROOT


def _public_address(*args: str, **env: str) -> str:
    """Run ebok_public_address ARGS in a shell; return the EBOK_BASE_URL it leaves ('' when none)."""
    script = 'source scripts/setup.sh; ebok_public_address "$@" >/dev/null; printf %s "${EBOK_BASE_URL:-}"'
    out = subprocess.run(  # noqa: S603
        ["bash", "-c", script, "bash", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return out.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--server.port", "8600"], "http://localhost:8600"),
        (["--server.headless", "true", "--server.port=8700"], "http://localhost:8700"),
        (["--server.address", "127.0.0.1", "--server.port", "8600"], "http://127.0.0.1:8600"),
        (["--server.address=0.0.0.0"], "http://localhost:8501"),
        ([], ""),
    ],
)
def test_links_follow_the_port_run_sh_is_given(args, expected):
    assert _public_address(*args) == expected


def test_a_real_public_address_is_kept(data_dir):
    config.save(config.replace_section(config.default(), "portal", base_url="https://ebok.sm-lipowa.pl"))
    assert _public_address("--server.port", "8600") == ""  # the config's address stays in force


def test_ebok_base_url_set_by_hand_wins():
    assert (
        _public_address("--server.port", "8600", EBOK_BASE_URL="https://ebok.example.pl")
        == "https://ebok.example.pl"
    )


def test_the_link_really_uses_that_address(data_dir):
    """What run.sh exports is what config.base_url() gives every e-mail link."""
    url = _public_address("--server.port", "8600")
    assert (
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", "from ebok.core import config; print(config.base_url())"],
            cwd=ROOT,
            env={**os.environ, "EBOK_BASE_URL": url},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        == "http://localhost:8600"
    )


def test_usage_names_only_real_streamlit_options():
    usage = (ROOT / "run.sh").read_text(encoding="utf-8").split("set -euo")[0]
    assert "--server.port" in usage
    assert not re.search(r"--port\b", usage)  # `streamlit run` has no --port


def _names(path: str) -> set[str]:
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    return {
        re.split(r"[=\[<>]", line)[0].strip().lower()
        for line in lines
        if line and not line.startswith(("#", "-"))
    }


def test_run_sh_installs_only_what_running_needs():
    run_sh = (ROOT / "run.sh").read_text(encoding="utf-8")
    assert "ebok_install\n" in run_sh and "ebok_install_dev" not in run_sh
    runtime = _names("requirements.txt")
    assert {"streamlit", "duckdb", "aiosmtpd"} <= runtime
    assert not runtime & {
        "pytest",
        "playwright",
        "ruff",
        "import-linter",
        "radon",
        "axe-playwright-python",
        "py-spy",
    }
    assert {"pytest", "playwright", "ruff", "import-linter", "radon"} <= _names("requirements-dev.txt")
    pinned = _names("constraints.txt")
    assert runtime | _names("requirements-dev.txt") <= pinned


def test_test_sh_and_ci_install_the_test_tools():
    assert "ebok_install_dev" in (ROOT / "test.sh").read_text(encoding="utf-8")
    assert "bash test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_mail_catcher_starts_only_in_demo_mode():
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    body = setup.split("ebok_start_mail_catcher() {")[1].split("\n}")[0]
    assert "settings.demo_mode()" in body and "|| return 0" in body
    assert "ebok_mark_demo" in (ROOT / "run.sh").read_text(encoding="utf-8").split("ebok load")[1]


def test_readme_names_the_data_directory_variable():
    assert "EBOK_DATA_DIR" in (ROOT / "README.md").read_text(encoding="utf-8")
