"""docs/import-format.md describes every file and column of the contract and is up to date."""

from __future__ import annotations

from ebok.core.contract import FILES, MANIFEST
from ebok.loader import docgen


def test_document_is_generated_from_the_current_contract():
    text = docgen.DOC.read_text(encoding="utf-8")
    assert text == docgen.render(), "run: python -m ebok.loader.docgen"


def test_every_file_and_column_appears_in_the_document():
    text = docgen.DOC.read_text(encoding="utf-8")
    for spec in (MANIFEST, *FILES):
        section = text.split(f"{spec.filename}", 1)
        assert len(section) == 2, spec.filename
        for col in spec.columns:
            assert f"| `{col.name}` |" in text, f"{spec.filename}: {col.name}"
            assert col.comment in text, f"{spec.filename}: {col.name} comment"


def test_every_text_column_has_an_example():
    for spec in (MANIFEST, *FILES):
        for col in spec.columns:
            if col.type == "str" and not col.choices:
                assert col.name in docgen.TEXT_EXAMPLES, f"{spec.filename}: {col.name}"
