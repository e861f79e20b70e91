"""The catalogs are complete: every marked text in every language, not fuzzy, the same placeholders."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import write_po
from babel.support import Translations

from ebok.core import catalogs, i18n


def test_every_text_of_the_sources_is_translated_in_every_language():
    """Extracts the sources afresh: a new _("…") without its translations fails here."""
    problems = catalogs.check()
    assert not problems, "\n".join(map(str, problems[:50])) + f"\n… {len(problems)} in all"


def test_check_finds_a_text_missing_from_the_catalogs(tmp_path):
    template = Catalog(locale="pl", domain=i18n.DOMAIN)
    template.add("Tekst, którego żaden katalog nie zna")
    pot = tmp_path / "ebok.pot"
    with pot.open("wb") as fp:
        write_po(fp, template)
    found = catalogs.check(pot)
    assert {(p.lang, p.what.split(" (")[0]) for p in found} == {
        (lang, "tekstu nie ma w katalogu") for lang in i18n.LANGS
    }


@pytest.mark.parametrize(
    "message,what",
    [
        (Message("Saldo", ""), "brak tłumaczenia"),
        (Message("Saldo", "Balance", flags=["fuzzy"]), "niepewne tłumaczenie (fuzzy)"),
        (Message("Do zapłaty: {amount}", "Amount due: {kwota}"), "inne pola"),
        (Message("Do zapłaty: {amount}", "Amount due"), "inne pola"),
        (Message("Do zapłaty: {amount", "Amount due: {amount"), None),  # same broken brace: same fields
        (Message(("{n} odczyt", "{n} odczyty"), ("{n} reading", "")), "brak tłumaczenia"),
        (
            Message(("{n} odczyt z {total}", "{n} odczyty z {total}"), ("one reading", "{n} of {total}")),
            "inne pola",
        ),
        (
            Message(("{n} odczyt z {total}", "{n} odczyty z {total}"), ("one of {total}", "{n} of {total}")),
            None,
        ),
    ],
)
def test_check_finds_missing_fuzzy_and_different_placeholders(message, what):
    found = catalogs._message_problems("en", message)
    assert [p.what[: len(what or "")] for p in found] == ([what] if what else [])


def test_polish_and_ukrainian_plurals_have_three_forms_english_two():
    for lang, forms in (("pl", 3), ("uk", 3), ("en", 2)):
        catalog = catalogs._read(i18n.catalog_path(lang), lang)
        assert catalog.num_plurals == forms
        plurals = [m for m in catalog if m.id and m.pluralizable]
        assert plurals, lang
        assert all(len(m.string) == forms and all(m.string) for m in plurals), lang


def test_pybabel_compiles_every_catalog_and_the_compiled_texts_are_the_ones_served(tmp_path):
    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    done = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(locale), "-D", i18n.DOMAIN],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for lang in i18n.LANGS:
        with (locale / lang / "LC_MESSAGES" / "ebok.mo").open("rb") as fp:
            compiled = Translations(fp, domain=i18n.DOMAIN)
        catalog = catalogs._read(i18n.catalog_path(lang), lang)
        for message in catalog:
            if message.id and not message.pluralizable:
                assert compiled.gettext(message.id) == i18n.translations(lang).gettext(message.id) != ""
