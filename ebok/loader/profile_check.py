"""`python -m ebok profile check DIR --profile NAME`: how a profile reads an export, before any load.

Per contract file: the source file (and sheet), each contract column ← the source expression and the
first normalised rows; then every problem, with the source's file, line and column, in the language of the run.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from ebok.core.contract import FILES
from ebok.core.errors import FormError
from ebok.core.i18n import _, ngettext
from ebok.loader import mapping
from ebok.loader.messages import Issues
from ebok.loader.profiles import available, load_profile

SAMPLE_ROWS = 3


def _first_rows(path: Path, limit: int = SAMPLE_ROWS) -> list[list[str]]:
    """Return the header and the first LIMIT records of a contract CSV (delimiter sniffed)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        head = fh.readline()
        fh.seek(0)
        reader = csv.reader(fh, delimiter=";" if head.count(";") >= head.count(",") else ",")
        return [row for _, row in zip(range(limit + 1), reader, strict=False)]


def _file_lines(folder: Path, normalised: mapping.Normalised) -> list[str]:
    """Describe each contract file: where it comes from, its columns and its first rows."""
    profile = normalised.profile
    assert profile is not None
    lines = []
    for spec in FILES:
        fmap = profile.file(spec.name)
        origin = normalised.origins.get(spec.filename)
        written = folder / spec.filename
        if profile.identity:
            source = _("ten sam plik") if written.is_file() else _("brak w eksporcie")
            lines.append(f"{spec.filename} ← {source}")
        elif fmap is None:
            lines.append(_("{file}: brak w eksporcie (profil: „brak”)").format(file=spec.filename))
            continue
        elif origin is None:
            if fmap.sheet:
                text = _("{file} ← {pattern}, arkusz {sheet}: nie wczytano (zob. problemy)")
            else:
                text = _("{file} ← {pattern}: nie wczytano (zob. problemy)")
            lines.append(text.format(file=spec.filename, pattern=fmap.pattern, sheet=fmap.sheet))
            continue
        else:
            n = len(origin.lines)
            lines.append(
                ngettext("{file} ← {source} ({n} wiersz)", "{file} ← {source} ({n} wiersze)", n).format(
                    file=spec.filename, source=origin.label, n=n
                )
            )
            lines += [f"    {col} ← {expr.describe()}" for col, expr in fmap.columns]
        if written.is_file():
            rows = _first_rows(written)
            lines += ["    | " + " | ".join(row) for row in rows]
    return lines


def check_text(source: Path, name: str) -> tuple[str, bool]:
    """Return the check's report of export SOURCE read through profile NAME, and whether it is clean."""
    issues = Issues()
    with tempfile.TemporaryDirectory(prefix="ebok-profile-") as tmp:
        normalised = mapping.apply(source, name, Path(tmp) / "contract", issues)
        lines = []
        if normalised.profile is not None:
            p = normalised.profile
            lines.append(
                _("Profil {name}: {description} ({path})").format(
                    name=p.name, description=p.description, path=p.path
                )
            )
            if not source.is_dir():
                issues.error("folder_missing", path=str(source))
            elif normalised.folder is not None:
                lines += _file_lines(normalised.folder, normalised)
        normalised.translate(issues)
    if issues.errors:
        lines.append(_("Problemy ({count}):").format(count=len(issues.errors)))
        lines += ["  " + i.render() for i in issues.errors]
    if issues.warnings:
        lines.append(_("Ostrzeżenia ({count}):").format(count=len(issues.warnings)))
        lines += ["  " + i.render() for i in issues.warnings]
    if not issues.errors:
        lines.append(_("Profil pasuje do eksportu; pełne sprawdzenie danych wykona python -m ebok load."))
    return "\n".join(lines), not issues.errors


def list_text() -> str:
    """Return the available profiles, one per line: name, description and file."""
    lines = []
    for name, path in available().items():
        try:
            description = load_profile(name).description
        except FormError as err:  # a broken office profile is listed with its problems, not fatal
            description = _("BŁĄD: {problems}").format(problems="; ".join(err.messages))
        lines.append(f"{name:<20} {description}  [{path}]")
    return "\n".join(lines)
