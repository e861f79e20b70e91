"""Fail when a function in ebok/, pages/ or app.py is longer than 80 lines or has cyclomatic complexity over 15.

Usage: .venv/bin/python scripts/check_complexity.py [PATH ...]   (default: ebok pages app.py, from the repo root)
Prints one line per offence, ``file:line name measure value``, and exits 1 if there is any.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class, Function

MAX_LINES = 80
MAX_COMPLEXITY = 15
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATHS = ("ebok", "pages", "app.py")
# Alembic revisions are generated and then frozen: once applied somewhere they must not be rewritten,
# so their length is not something a refactor may fix.
EXCLUDED = ("ebok/storage/migrations/",)


def python_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every .py file under the given files or folders, minus the excluded folders, in a stable order."""
    for path in paths:
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            if not any(part in file.as_posix() for part in EXCLUDED):
                yield file


def _functions(blocks: Iterable[Function | Class]) -> Iterator[Function]:
    """Radon's functions and methods, nested closures included (radon keeps those inside their parent)."""
    for block in blocks:
        if isinstance(block, Function):
            yield block
            yield from _functions(block.closures)


def _defs(node: ast.AST, classname: str | None = None) -> Iterator[tuple[ast.AST, str]]:
    """Every def under node with radon's name for it (``Class.method`` for a method, else the bare name)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            yield child, f"{classname}.{child.name}" if classname else child.name
            yield from _defs(child)
        elif isinstance(child, ast.ClassDef):
            yield from _defs(child, child.name)
        else:
            yield from _defs(child, classname)


def too_long(source: str, max_lines: int = MAX_LINES) -> list[tuple[int, str, int]]:
    """(line, name, length) of every def whose span, decorators excluded, is over max_lines lines."""
    found = []
    for node, name in _defs(ast.parse(source)):
        length = node.end_lineno - node.lineno + 1
        if length > max_lines:
            found.append((node.lineno, name, length))
    return found


def too_complex(source: str, max_complexity: int = MAX_COMPLEXITY) -> list[tuple[int, str, int]]:
    """(line, name, complexity) of every function or method whose cyclomatic complexity is over the limit."""
    return [
        (function.lineno, function.fullname, function.complexity)
        for function in _functions(cc_visit(source))
        if function.complexity > max_complexity
    ]


def offences(paths: Iterable[Path], base: Path = ROOT) -> list[str]:
    """One ``file:line name measure value`` line per offence, sorted by file and line."""
    lines = []
    for file in python_files(paths):
        source = file.read_text(encoding="utf-8")
        shown = file.relative_to(base) if file.is_relative_to(base) else file
        found = [(line, name, "lines", value) for line, name, value in too_long(source)]
        found += [(line, name, "complexity", value) for line, name, value in too_complex(source)]
        for line, name, measure, value in sorted(found):
            lines.append(f"{shown}:{line} {name} {measure} {value}")
    return lines


def main(argv: list[str]) -> int:
    """Print the offences and return 1 if there are any, else 0."""
    paths = [Path(arg).resolve() for arg in argv] or [ROOT / name for name in DEFAULT_PATHS]
    found = offences(paths)
    for line in found:
        print(line)
    if found:
        print(
            f"{len(found)} function(s) over {MAX_LINES} lines or cyclomatic complexity {MAX_COMPLEXITY}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
