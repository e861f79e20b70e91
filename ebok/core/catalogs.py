"""The translation catalogs' chores: extract, update, compile and check (python -m ebok i18n …).

pybabel does the work with the configuration in the repository (babel.cfg); this module only
passes the project's paths, fills the Polish catalog's singular texts (the source texts are Polish)
and checks that every language is complete: no missing or fuzzy message, the same placeholders.
"""

from __future__ import annotations

import argparse
import string
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from ebok.core import i18n

ROOT = i18n.LOCALE_DIR.parent.parent
MAPPING = ROOT / "babel.cfg"
TEMPLATE = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
# What the catalogs cover: the app, its pages and the ebok package except the demo generator
# (demo data stands for an office's export, which is never translated) and the migrations.
SOURCES = ("app.py", "pages", "ebok")
IGNORED_DIRS = ("demo", "migrations", "locale", ".*", "_*")


def _pybabel(*args: str) -> None:
    """Run one pybabel command with ARGS."""
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output: Path = TEMPLATE) -> Path:
    """Write the template of every marked text to OUTPUT (the .pot) and return it."""
    output.parent.mkdir(parents=True, exist_ok=True)
    ignores = [f"--ignore-dirs={d}" for d in IGNORED_DIRS]
    _pybabel(
        "extract",
        "-F",
        str(MAPPING),
        "--no-wrap",
        "--sort-by-file",
        "--project=e-BOK",
        "--copyright-holder=e-BOK",
        "--msgid-bugs-address=",
        *ignores,
        "-o",
        str(output),
        *[str(ROOT / s) for s in SOURCES],
    )
    return output


def update(add: str | None = None) -> None:
    """Extract, then bring every language's .po (and ADD's, a new one) up to the template (new texts empty)."""
    extract()
    for lang in dict.fromkeys([*i18n.LANGS, *([add] if add else [])]):
        po = i18n.catalog_path(lang)
        command = "update" if po.exists() else "init"
        extra = ["--no-fuzzy-matching", "--ignore-obsolete"] if command == "update" else []
        _pybabel(
            command,
            "-i",
            str(TEMPLATE),
            "-d",
            str(i18n.LOCALE_DIR),
            "-D",
            i18n.DOMAIN,
            "-l",
            lang,
            "--no-wrap",
            *extra,
        )
    fill_polish()


def fill_polish() -> int:
    """Copy each Polish singular source text into its empty msgstr; return how many were filled.

    The plural ones stay for a person: the source has two forms and Polish needs three.
    """
    po = i18n.catalog_path("pl")
    catalog = _read(po)
    filled = 0
    for message in catalog:
        if message.id and not message.pluralizable and not message.string:
            message.string = message.id
            filled += 1
    with po.open("wb") as fp:
        write_po(fp, catalog, width=0, ignore_obsolete=True)
    return filled


def compile_all() -> None:
    """Compile every .po into its .mo beside it (the app compiles in memory when one is missing)."""
    _pybabel("compile", "-d", str(i18n.LOCALE_DIR), "-D", i18n.DOMAIN, "--statistics")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalog, said for a translator."""

    lang: str
    msgid: str
    what: str

    def __str__(self) -> str:
        return f"{self.lang}: {self.what}: {self.msgid!r}"


def _read(po: Path, lang: str | None = None) -> Catalog:
    """Return the catalog in PO."""
    with po.open("rb") as fp:
        return read_po(fp, locale=lang or po.parent.parent.name, domain=i18n.DOMAIN)


def placeholders(text: str) -> set[str]:
    """Return the names of TEXT's str.format fields ({name}); a broken brace gives {'<błąd>'}."""
    try:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError:
        return {"<błąd>"}


def _message_problems(lang: str, message: Message) -> list[Problem]:
    """Return what is wrong with one MESSAGE of LANG's catalog."""
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    if message.fuzzy:
        return [Problem(lang, msgid, "niepewne tłumaczenie (fuzzy)")]
    forms = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
    if not all(forms):
        return [Problem(lang, msgid, "brak tłumaczenia")]
    if isinstance(message.id, str):
        expected = placeholders(message.id)
        if any(placeholders(f) != expected for f in forms):
            return [Problem(lang, msgid, f"inne pola niż w oryginale {sorted(expected)}")]
        return []
    names = placeholders(message.id[0]) | placeholders(message.id[1])
    # A singular form may say the count in words ("jeden odczyt"), so {n} may be left out of one form.
    if any(not placeholders(f) <= names or (names - {"n"}) - placeholders(f) for f in forms):
        return [Problem(lang, msgid, f"inne pola niż w oryginale {sorted(names)}")]
    return []


def check(template: Path | None = None) -> list[Problem]:
    """Return every problem of every language's catalog against a fresh extraction of the sources."""
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory() as tmp:
        pot = _read(template or extract(Path(tmp) / "ebok.pot"), "pl")
    wanted = {m.id if isinstance(m.id, str) else m.id[0]: m for m in pot if m.id}
    for lang in i18n.LANGS:
        po = i18n.catalog_path(lang)
        if not po.exists():
            problems.append(Problem(lang, str(po), "brak katalogu"))
            continue
        catalog = _read(po, lang)
        for key, source in wanted.items():
            message = catalog.get(source.id, context=source.context)
            if message is None:
                problems.append(Problem(lang, key, "tekstu nie ma w katalogu (python -m ebok i18n update)"))
                continue
            problems += _message_problems(lang, message)
    return problems


def _run(args: argparse.Namespace) -> int:
    """Handle `python -m ebok i18n ACTION`."""
    if args.action == "extract":
        print(extract())
    elif args.action == "update":
        update(args.add)
    elif args.action == "compile":
        compile_all()
    else:
        problems = check()
        for problem in problems:
            print(problem)
        print(f"Problemów: {len(problems)}")
        return 1 if problems else 0
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `i18n` to the command line."""
    p = sub.add_parser("i18n", help="katalogi tłumaczeń: extract, update, compile, check")
    p.add_argument("action", choices=("extract", "update", "compile", "check"))
    p.add_argument("--add", metavar="JĘZYK", help="z update: załóż katalog nowego języka, np. --add de")
    p.set_defaults(func=_run)
