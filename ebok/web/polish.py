"""Streamlit's own widget texts in the page's language: a small translation layer installed once per tab.

The dictionary's values are Polish source texts in the catalogs (N_), so Ukrainian comes from the
uk catalog like every other text; English needs none, Streamlit's own texts are English.

Streamlit 1.67 has no locale option: its frontend writes English into buttons ("Upload"), hints
("Press Enter to apply"), tooltips and the `aria-label`s a screen reader announces ("Open",
"Increment", "Collapse sidebar"). `install()` (app.py, right after st.set_page_config) puts
ebok/web/polish.js into the page with this module's dictionary; it sets `<html lang="pl">` and
translates those texts as they appear. tests/unit/web/test_polish.py checks that every English key
still occurs in the installed Streamlit frontend (an upgrade that rewords a text fails there
instead of leaking English); tests/browser/test_polish.py scans every page for English words.
How to add a text: docs/accessibility.md "Polish only".
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ebok.core import i18n
from ebok.core.i18n import N_, _

SCRIPT_FILE = Path(__file__).with_name("polish.js")
# Installed with it: a form is not sent while its uploader holds a file the browser refused.
GUARD_FILE = Path(__file__).with_name("upload_guard.js")

# Attributes whose text is announced by a screen reader or shown as a tooltip. `data-title` is the
# tooltip of the chart toolbar (plotly's modebar draws it from that attribute).
ATTRIBUTES: tuple[str, ...] = ("aria-label", "title", "placeholder", "data-title", "alt")

# Whole texts (a text node or an attribute value, trimmed), exactly as Streamlit 1.67 writes them.
EXACT: dict[str, str] = {
    # The frame: sidebar, menu, status, dialogs
    "Collapse sidebar": N_("Zwiń panel boczny"),
    "Expand sidebar": N_("Rozwiń panel boczny"),
    "App pages": N_("Strony portalu"),
    "Sidebar": N_("Panel boczny"),
    "View less": N_("Pokaż mniej"),
    "Skip to main content": N_("Przejdź do treści"),
    "Main menu": N_("Menu główne"),
    "Running...": N_("Trwa wczytywanie…"),
    "Rerun": N_("Odśwież"),
    "Connecting": N_("Łączenie"),
    "Connection error": N_("Błąd połączenia"),
    "Connection lost. Please wait for the app to reconnect, then try again.": (
        "Połączenie przerwane. Poczekaj, aż portal połączy się ponownie, i spróbuj jeszcze raz."
    ),
    "Please wait...": N_("Proszę czekać…"),
    "Page not found": N_("Nie znaleziono strony"),
    "Close": N_("Zamknij"),
    "Scroll tabs left": N_("Przewiń karty w lewo"),
    "Scroll tabs right": N_("Przewiń karty w prawo"),
    # Text input, select box, multiselect
    "Show password": N_("Pokaż hasło"),
    "Hide password": N_("Ukryj hasło"),
    "Clear entry": N_("Wyczyść"),
    "Open": N_("Rozwiń listę"),
    "Clear value": N_("Wyczyść"),
    "Clear all": N_("Wyczyść wszystko"),
    "No results": N_("Brak wyników"),
    "Selectbox options": N_("Opcje do wyboru"),
    "Multiselect options": N_("Opcje do wyboru"),
    "Selected values": N_("Wybrane wartości"),
    "Select all": N_("Zaznacz wszystkie"),
    "Choose an option": N_("Wybierz"),
    "Choose options": N_("Wybierz"),
    "No options to select": N_("Brak opcji do wyboru"),
    "Loading...": N_("Wczytywanie…"),
    # Number input
    "Increment": N_("Zwiększ"),
    "Decrement": N_("Zmniejsz"),
    # Date input
    "Choose date": N_("Wybierz datę"),
    "Choose date range": N_("Wybierz zakres dat"),
    "Clear date": N_("Wyczyść datę"),
    "Clear dates": N_("Wyczyść daty"),
    "Date range": N_("Zakres dat"),
    "Quick select a date range": N_("Szybki wybór zakresu dat"),
    "Select...": N_("Wybierz…"),
    "Previous month": N_("Poprzedni miesiąc"),
    "Next month": N_("Następny miesiąc"),
    "Use arrow keys to navigate dates. Enter to select. Escape to close.": (
        "Strzałki zmieniają dzień, Enter wybiera, Escape zamyka."
    ),
    # File uploader
    "Upload": N_("Wybierz plik"),
    "Drag and drop a file here": N_("Przeciągnij plik tutaj"),
    "Drag and drop files here": N_("Przeciągnij pliki tutaj"),
    "File type not allowed.": N_("Niedozwolony rodzaj pliku."),
    # Markdown, help icons, code blocks
    "Link to heading": N_("Odnośnik do nagłówka"),
    "Help": N_("Pomoc"),
    "Copy to clipboard": N_("Kopiuj do schowka"),
    "Copied": N_("Skopiowano"),
    # Element toolbar (dataframe, chart, image)
    "Fullscreen": N_("Pełny ekran"),
    "Close fullscreen": N_("Zamknij pełny ekran"),
    "Download as CSV": N_("Pobierz jako CSV"),
    "Search": N_("Szukaj"),
    "Show/hide columns": N_("Pokaż/ukryj kolumny"),
    "Close Search": N_("Zamknij wyszukiwanie"),
    "Next Result": N_("Następny wynik"),
    "Previous Result": N_("Poprzedni wynik"),
    "Type to search": N_("Wpisz, aby wyszukać"),
    "Sort ascending": N_("Sortuj rosnąco"),
    "Sort descending": N_("Sortuj malejąco"),
    "Hide column": N_("Ukryj kolumnę"),
    "Pin column": N_("Przypnij kolumnę"),
    "Unpin column": N_("Odepnij kolumnę"),
    "Autosize": N_("Dopasuj szerokość"),
    "Copy column name": N_("Kopiuj nazwę kolumny"),
    "Format": N_("Format"),
    # Chart toolbar (plotly modebar tooltips)
    "Download plot as a PNG": N_("Pobierz wykres jako PNG"),
    "Download plot": N_("Pobierz wykres"),
    "Zoom": N_("Powiększ obszar"),
    "Pan": N_("Przesuń"),
    "Box Select": N_("Zaznacz prostokątem"),
    "Lasso Select": N_("Zaznacz lassem"),
    "Zoom in": N_("Powiększ"),
    "Zoom out": N_("Pomniejsz"),
    "Autoscale": N_("Dopasuj skalę"),
    "Reset axes": N_("Przywróć osie"),
    "Toggle Spike Lines": N_("Linie pomocnicze"),
    "Show closest data on hover": N_("Pokaż najbliższy punkt"),
    "Compare data on hover": N_("Porównaj dane"),
    "Produced with Plotly.js": N_("Wykres: Plotly.js"),
}

# Texts with a variable part: (JavaScript regex, replacement with $1…, a fixed piece of the
# English text as it stands in Streamlit's bundle, which the unit test looks for).
PATTERNS: tuple[tuple[str, str, str], ...] = (
    (r"^Help for (.+)$", N_("Pomoc: $1"), "Help for "),
    (r"^Remove (.+)$", N_("Usuń $1"), "Remove "),
    (r"^Cancel upload of (.+)$", N_("Anuluj wysyłanie $1"), "Cancel upload of "),
    (r"^Add: (.+)$", N_("Dodaj: $1"), "Add: "),
    (r"^(\d+(?:[.,]\d+)?) ?([KMGT]?B) per file$", N_("do $1 $2 na plik"), " per file"),
    # Files over server.maxUploadSize never reach Python: the uploader's own refusal must be Polish.
    # Streamlit writes the limit with a decimal point ("5.0MB"): a Polish number has a comma.
    (
        r"^File must be (\d+)\.(\d+) ?([KMGT]?B) or smaller\.$",
        N_("Plik może mieć najwyżej $1,$2 $3."),
        " or smaller.",
    ),
    (
        r"^File must be ([\d.,]+) ?([KMGT]?B) or smaller\.$",
        N_("Plik może mieć najwyżej $1 $2."),
        " or smaller.",
    ),
    (r"^(.+) files are not allowed\.$", N_("Pliki typu $1 są niedozwolone."), " files are not allowed."),
    (r"^Press Enter to apply$", N_("Naciśnij Enter, aby zatwierdzić"), "Press Enter to "),
    (r"^Press Enter to submit form$", N_("Naciśnij Enter, aby wysłać formularz"), "submit form"),
    (r"^Press (?:⌘|Ctrl)\+Enter to apply$", N_("Naciśnij Ctrl+Enter, aby zatwierdzić"), "+Enter to "),
    (
        r"^Press (?:⌘|Ctrl)\+Enter to submit form$",
        N_("Naciśnij Ctrl+Enter, aby wysłać formularz"),
        "+Enter to ",
    ),
    (r"^Choose date range, (.+)$", N_("Wybierz zakres dat, $1"), "Choose date range"),
    (r"^Choose date, (.+)$", N_("Wybierz datę, $1"), "Choose date"),
    (r"^(.+) start date$", N_("$1: data początkowa"), " start date"),
    (r"^(.+) end date$", N_("$1: data końcowa"), " end date"),
    (r"^View (\d+) more$", N_("Pokaż $1 więcej"), "more`"),
    (
        r"^The page that you have requested does not seem to exist\. Running the app's main page\.$",
        N_("Nie ma takiej strony. Otwieramy stronę główną portalu."),
        "Running the app's main page.",
    ),
)

# Texts the dataframe paints on its canvas (glide-data-grid): an empty table shows "empty".
CANVAS: dict[str, str] = {"empty": N_("brak danych")}


@dataclass(frozen=True)
class _Dictionary:
    """The translation tables as polish.js reads them."""

    exact: dict[str, str]
    patterns: tuple[tuple[str, str, str], ...]
    attributes: tuple[str, ...]
    canvas: dict[str, str]

    def as_json(self) -> str:
        """Return the tables as JSON for the script (witnesses are for the tests, not the browser)."""
        return json.dumps(
            {
                "exact": self.exact,
                "patterns": [[source, replacement] for source, replacement, _ in self.patterns],
                "attributes": list(self.attributes),
                "canvas": self.canvas,
            },
            ensure_ascii=False,
        ).replace("<", "\\u003c")  # DOMPurify drops a script whose text looks like markup


DICTIONARY = _Dictionary(EXACT, PATTERNS, ATTRIBUTES, CANVAS)  # Polish: the source texts themselves


@functools.cache
def dictionary(lang: str) -> _Dictionary:
    """Return the tables for LANG: the Polish texts through LANG's catalog; none for English."""
    if lang == "en":  # Streamlit's own English stays
        return _Dictionary({}, (), ATTRIBUTES, {})
    with i18n.use(lang):
        return _Dictionary(
            {english: _(polish) for english, polish in EXACT.items()},
            tuple((source, _(replacement), witness) for source, replacement, witness in PATTERNS),
            ATTRIBUTES,
            {english: _(polish) for english, polish in CANVAS.items()},
        )


def translate(text: str, lang: str = "pl") -> str | None:
    """Return TEXT in LANG as polish.js would, or None when it holds no known English text."""
    key = text.strip()
    if not key:
        return None
    tables = dictionary(lang)
    exact = tables.exact
    out = exact.get(key)
    if out is None:
        for source, replacement, _witness in tables.patterns:
            if re.search(source, key):
                out = re.sub(source, re.sub(r"\$(\d)", r"\\\1", replacement), key, count=1)
                break
    if out is None:
        head, colon, rest = key.partition(": ")
        if colon and head in exact:  # a toolbar button names its element: "Fullscreen: <label>"
            out = f"{exact[head]}: {rest}"
    if out is None or out == key:
        return None
    return text.replace(key, out, 1)


@functools.cache
def html(lang: str = "pl") -> str:
    """Return the <script> element that installs the layer in LANG (built once per process)."""
    lines = [
        *SCRIPT_FILE.read_text(encoding="utf-8").splitlines(),
        *GUARD_FILE.read_text(encoding="utf-8").splitlines(),
    ]
    # Whole-line comments are for readers of the .js files, not bytes to send on every rerun.
    script = "\n".join(line for line in lines if not line.lstrip().startswith("//"))
    install = (
        f"ebokPolishInstall({dictionary(lang).as_json()}, {json.dumps(lang)});\nebokUploadGuardInstall();"
    )
    return f'<script id="ebok-polish">{script}\n{install}</script>'


def install() -> None:
    """Put the translation layer for the run's language into the page (once per browser tab)."""
    st.html(html(i18n.current()), unsafe_allow_javascript=True)
