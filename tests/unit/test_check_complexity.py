"""scripts/check_complexity.py: flags a too-long and a too-complex function, passes a small one."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_complexity.py"

SMALL = '''def small(x):
    """Small and simple."""
    if x:
        return 1
    return 2
'''

# 81 lines from "def" to the last statement: one over the limit.
LONG = "def long_one():\n" + "".join(f"    a{i} = {i}\n" for i in range(79)) + "    return a0\n"

# 16 decisions: complexity 17, two over the limit.
COMPLEX = (
    "class Box:\n    def branchy(self, x):\n"
    + "".join(f"        if x == {i}:\n            return {i}\n" for i in range(16))
    + "        return -1\n"
)


def run(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    """Write source to a module in tmp_path and run the check on it."""
    module = tmp_path / "module.py"
    module.write_text(source, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(module)], capture_output=True, text=True, check=False
    )


def test_small_function_passes(tmp_path):
    result = run(tmp_path, SMALL)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_long_function_is_flagged_with_its_length(tmp_path):
    assert LONG.count("\n") == 81
    result = run(tmp_path, SMALL + "\n\n" + LONG)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{tmp_path / 'module.py'}:8 long_one lines 81"]


def test_exactly_80_lines_passes(tmp_path):
    eighty = "def ok():\n" + "".join(f"    a{i} = {i}\n" for i in range(78)) + "    return a0\n"
    assert run(tmp_path, eighty).returncode == 0


def test_complex_method_is_flagged_with_its_complexity(tmp_path):
    result = run(tmp_path, COMPLEX)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{tmp_path / 'module.py'}:2 Box.branchy complexity 17"]


def test_migrations_are_not_checked(tmp_path):
    folder = tmp_path / "ebok" / "storage" / "migrations"
    folder.mkdir(parents=True)
    (folder / "rev.py").write_text(LONG, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout
