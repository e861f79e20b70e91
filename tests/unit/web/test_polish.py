"""ebok.web.polish: the dictionary still matches Streamlit's frontend, and the script runs as written."""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import streamlit

from ebok.web import polish

BUNDLE_DIR = Path(streamlit.__file__).parent / "static" / "static" / "js"


@functools.cache
def bundle() -> str:
    """Return Streamlit's installed frontend JavaScript, all chunks in one string."""
    files = sorted(BUNDLE_DIR.glob("*.js"))
    assert files, f"no frontend bundle under {BUNDLE_DIR}"
    return "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files)


@pytest.mark.parametrize("english", sorted(polish.EXACT))
def test_every_english_text_is_still_in_streamlits_frontend(english):
    """A Streamlit upgrade that rewords a text fails here instead of leaking English past the layer."""
    assert english in bundle(), f"{english!r} no longer in Streamlit's frontend: update ebok/web/polish.py"


@pytest.mark.parametrize("source,replacement,witness", polish.PATTERNS)
def test_every_pattern_still_has_its_english_in_streamlits_frontend(source, replacement, witness):
    """Each pattern's fixed English piece is still written by Streamlit."""
    assert witness in bundle(), f"{witness!r} ({source}) no longer in Streamlit's frontend"


def test_canvas_text_is_still_painted_by_the_dataframe():
    """The empty table's painted text is still Streamlit's `empty`."""
    for english in polish.CANVAS:
        assert f"displayData:`{english}`" in bundle()


def test_translations_are_polish_and_differ_from_the_english():
    """No value is left in English (only "Format" is the same word in both languages)."""
    same = {k for k, v in polish.EXACT.items() if k == v}
    assert same == {"Format"}
    for value in list(polish.EXACT.values()) + [r for _, r, _ in polish.PATTERNS]:
        assert not re.search(r"\b(the|to|and|of|for|per|file|Press|Choose|Open|Clear)\b", value), value


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Open", "Rozwiń listę"),
        ("  Upload ", "  Wybierz plik "),  # surrounding spaces kept
        ("Help for Hasło", "Pomoc: Hasło"),
        ("Remove skan.pdf", "Usuń skan.pdf"),
        ("10MB per file", "do 10 MB na plik"),
        ("File must be 5.0MB or smaller.", "Plik może mieć najwyżej 5,0 MB."),
        ("200.0MB per file", "do 200.0 MB na plik"),
        ("Press Enter to submit form", "Naciśnij Enter, aby wysłać formularz"),
        ("Press ⌘+Enter to apply", "Naciśnij Ctrl+Enter, aby zatwierdzić"),
        ("Fullscreen: Kod QR przelewu", "Pełny ekran: Kod QR przelewu"),
        ("Choose date range, listopad 2026", "Wybierz zakres dat, listopad 2026"),
        ("Okres start date", "Okres: data początkowa"),
        ("View 4 more", "Pokaż 4 więcej"),
        ("Saldo", None),  # Polish stays as it is
        ("Opening hours", None),  # only whole texts, never words inside a sentence
        ("Zamknij", None),
        ("", None),
    ],
)
def test_translate(text, expected):
    """The Python mirror of polish.js: whole texts, patterns and "Toolbar: label" prefixes."""
    assert polish.translate(text) == expected


def test_translations_are_fixed_points():
    """Translating a translation changes nothing: the observer's own edits end the loop."""
    for value in polish.EXACT.values():
        assert polish.translate(value) is None, value


def test_html_is_one_script_without_markup_inside():
    """DOMPurify (st.html) silently drops a <script> whose text contains markup-like `<x`."""
    html = polish.html()
    assert html.startswith('<script id="ebok-polish">') and html.endswith("</script>")
    inner = html[len('<script id="ebok-polish">') : -len("</script>")]
    assert "<" not in inner
    assert "ebokPolishInstall(" in inner
    assert "ebokUploadGuardInstall();" in inner  # forms with a refused file are not sent
    assert len(html) < 10_000  # sent with every rerun


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize(
    "text", ["Open", " Upload ", "Help for Hasło", "10MB per file", "Fullscreen: Wykres", "Saldo", "Opening"]
)
def test_javascript_translates_as_the_python_mirror(text, tmp_path):
    """polish.js's translate() gives the same answer as polish.translate() (run in node)."""
    dictionary = json.loads(polish.DICTIONARY.as_json().replace("\\u003c", "<"))
    harness = tmp_path / "run.js"
    harness.write_text(
        polish.SCRIPT_FILE.read_text(encoding="utf-8")
        + f"\nconst t = ebokPolishTranslator({json.dumps(dictionary)});"
        + f"\nprocess.stdout.write(JSON.stringify(t({json.dumps(text)})));",
        encoding="utf-8",
    )
    out = subprocess.run([NODE, str(harness)], capture_output=True, text=True, timeout=30, check=True)  # noqa: S603
    assert json.loads(out.stdout) == polish.translate(text)


def test_install_puts_the_script_into_the_page(monkeypatch):
    """install() hands the script to st.html with JavaScript allowed."""
    calls = []
    monkeypatch.setattr(polish.st, "html", lambda body, **kw: calls.append((body, kw)))
    polish.install()
    assert calls == [(polish.html(), {"unsafe_allow_javascript": True})]
