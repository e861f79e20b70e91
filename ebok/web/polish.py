"""Streamlit's own widget texts in Polish: a small translation layer installed once per browser tab.

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

SCRIPT_FILE = Path(__file__).with_name("polish.js")
# Installed with it: a form is not sent while its uploader holds a file the browser refused.
GUARD_FILE = Path(__file__).with_name("upload_guard.js")

# Attributes whose text is announced by a screen reader or shown as a tooltip. `data-title` is the
# tooltip of the chart toolbar (plotly's modebar draws it from that attribute).
ATTRIBUTES: tuple[str, ...] = ("aria-label", "title", "placeholder", "data-title", "alt")

# Whole texts (a text node or an attribute value, trimmed), exactly as Streamlit 1.67 writes them.
EXACT: dict[str, str] = {
    # The frame: sidebar, menu, status, dialogs
    "Collapse sidebar": "Zwiń panel boczny",
    "Expand sidebar": "Rozwiń panel boczny",
    "App pages": "Strony portalu",
    "Sidebar": "Panel boczny",
    "View less": "Pokaż mniej",
    "Skip to main content": "Przejdź do treści",
    "Main menu": "Menu główne",
    "Running...": "Trwa wczytywanie…",
    "Rerun": "Odśwież",
    "Connecting": "Łączenie",
    "Connection error": "Błąd połączenia",
    "Connection lost. Please wait for the app to reconnect, then try again.": (
        "Połączenie przerwane. Poczekaj, aż portal połączy się ponownie, i spróbuj jeszcze raz."
    ),
    "Please wait...": "Proszę czekać…",
    "Page not found": "Nie znaleziono strony",
    "Close": "Zamknij",
    "Scroll tabs left": "Przewiń karty w lewo",
    "Scroll tabs right": "Przewiń karty w prawo",
    # Text input, select box, multiselect
    "Show password": "Pokaż hasło",
    "Hide password": "Ukryj hasło",
    "Clear entry": "Wyczyść",
    "Open": "Rozwiń listę",
    "Clear value": "Wyczyść",
    "Clear all": "Wyczyść wszystko",
    "No results": "Brak wyników",
    "Selectbox options": "Opcje do wyboru",
    "Multiselect options": "Opcje do wyboru",
    "Selected values": "Wybrane wartości",
    "Select all": "Zaznacz wszystkie",
    "Choose an option": "Wybierz",
    "Choose options": "Wybierz",
    "No options to select": "Brak opcji do wyboru",
    "Loading...": "Wczytywanie…",
    # Number input
    "Increment": "Zwiększ",
    "Decrement": "Zmniejsz",
    # Date input
    "Choose date": "Wybierz datę",
    "Choose date range": "Wybierz zakres dat",
    "Clear date": "Wyczyść datę",
    "Clear dates": "Wyczyść daty",
    "Date range": "Zakres dat",
    "Quick select a date range": "Szybki wybór zakresu dat",
    "Select...": "Wybierz…",
    "Previous month": "Poprzedni miesiąc",
    "Next month": "Następny miesiąc",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.": (
        "Strzałki zmieniają dzień, Enter wybiera, Escape zamyka."
    ),
    # File uploader
    "Upload": "Wybierz plik",
    "Drag and drop a file here": "Przeciągnij plik tutaj",
    "Drag and drop files here": "Przeciągnij pliki tutaj",
    "File type not allowed.": "Niedozwolony rodzaj pliku.",
    # Markdown, help icons, code blocks
    "Link to heading": "Odnośnik do nagłówka",
    "Help": "Pomoc",
    "Copy to clipboard": "Kopiuj do schowka",
    "Copied": "Skopiowano",
    # Element toolbar (dataframe, chart, image)
    "Fullscreen": "Pełny ekran",
    "Close fullscreen": "Zamknij pełny ekran",
    "Download as CSV": "Pobierz jako CSV",
    "Search": "Szukaj",
    "Show/hide columns": "Pokaż/ukryj kolumny",
    "Close Search": "Zamknij wyszukiwanie",
    "Next Result": "Następny wynik",
    "Previous Result": "Poprzedni wynik",
    "Type to search": "Wpisz, aby wyszukać",
    "Sort ascending": "Sortuj rosnąco",
    "Sort descending": "Sortuj malejąco",
    "Hide column": "Ukryj kolumnę",
    "Pin column": "Przypnij kolumnę",
    "Unpin column": "Odepnij kolumnę",
    "Autosize": "Dopasuj szerokość",
    "Copy column name": "Kopiuj nazwę kolumny",
    "Format": "Format",
    # Chart toolbar (plotly modebar tooltips)
    "Download plot as a PNG": "Pobierz wykres jako PNG",
    "Download plot": "Pobierz wykres",
    "Zoom": "Powiększ obszar",
    "Pan": "Przesuń",
    "Box Select": "Zaznacz prostokątem",
    "Lasso Select": "Zaznacz lassem",
    "Zoom in": "Powiększ",
    "Zoom out": "Pomniejsz",
    "Autoscale": "Dopasuj skalę",
    "Reset axes": "Przywróć osie",
    "Toggle Spike Lines": "Linie pomocnicze",
    "Show closest data on hover": "Pokaż najbliższy punkt",
    "Compare data on hover": "Porównaj dane",
    "Produced with Plotly.js": "Wykres: Plotly.js",
}

# Texts with a variable part: (JavaScript regex, replacement with $1…, a fixed piece of the
# English text as it stands in Streamlit's bundle, which the unit test looks for).
PATTERNS: tuple[tuple[str, str, str], ...] = (
    (r"^Help for (.+)$", "Pomoc: $1", "Help for "),
    (r"^Remove (.+)$", "Usuń $1", "Remove "),
    (r"^Cancel upload of (.+)$", "Anuluj wysyłanie $1", "Cancel upload of "),
    (r"^Add: (.+)$", "Dodaj: $1", "Add: "),
    (r"^(\d+(?:[.,]\d+)?) ?([KMGT]?B) per file$", "do $1 $2 na plik", " per file"),
    # Files over server.maxUploadSize never reach Python: the uploader's own refusal must be Polish.
    # Streamlit writes the limit with a decimal point ("5.0MB"): a Polish number has a comma.
    (
        r"^File must be (\d+)\.(\d+) ?([KMGT]?B) or smaller\.$",
        "Plik może mieć najwyżej $1,$2 $3.",
        " or smaller.",
    ),
    (r"^File must be ([\d.,]+) ?([KMGT]?B) or smaller\.$", "Plik może mieć najwyżej $1 $2.", " or smaller."),
    (r"^(.+) files are not allowed\.$", "Pliki typu $1 są niedozwolone.", " files are not allowed."),
    (r"^Press Enter to apply$", "Naciśnij Enter, aby zatwierdzić", "Press Enter to "),
    (r"^Press Enter to submit form$", "Naciśnij Enter, aby wysłać formularz", "submit form"),
    (r"^Press (?:⌘|Ctrl)\+Enter to apply$", "Naciśnij Ctrl+Enter, aby zatwierdzić", "+Enter to "),
    (r"^Press (?:⌘|Ctrl)\+Enter to submit form$", "Naciśnij Ctrl+Enter, aby wysłać formularz", "+Enter to "),
    (r"^Choose date range, (.+)$", "Wybierz zakres dat, $1", "Choose date range"),
    (r"^Choose date, (.+)$", "Wybierz datę, $1", "Choose date"),
    (r"^(.+) start date$", "$1: data początkowa", " start date"),
    (r"^(.+) end date$", "$1: data końcowa", " end date"),
    (r"^View (\d+) more$", "Pokaż $1 więcej", "more`"),
    (
        r"^The page that you have requested does not seem to exist\. Running the app's main page\.$",
        "Nie ma takiej strony. Otwieramy stronę główną portalu.",
        "Running the app's main page.",
    ),
)

# Texts the dataframe paints on its canvas (glide-data-grid): an empty table shows "empty".
CANVAS: dict[str, str] = {"empty": "brak danych"}


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


DICTIONARY = _Dictionary(EXACT, PATTERNS, ATTRIBUTES, CANVAS)


def translate(text: str) -> str | None:
    """Return TEXT in Polish as polish.js would, or None when it holds no known English text."""
    key = text.strip()
    if not key:
        return None
    out = EXACT.get(key)
    if out is None:
        for source, replacement, _ in PATTERNS:
            if re.search(source, key):
                out = re.sub(source, re.sub(r"\$(\d)", r"\\\1", replacement), key, count=1)
                break
    if out is None:
        head, colon, rest = key.partition(": ")
        if colon and head in EXACT:  # a toolbar button names its element: "Fullscreen: <label>"
            out = f"{EXACT[head]}: {rest}"
    if out is None or out == key:
        return None
    return text.replace(key, out, 1)


@functools.cache
def html() -> str:
    """Return the <script> element that installs the layer (built once per process)."""
    lines = [
        *SCRIPT_FILE.read_text(encoding="utf-8").splitlines(),
        *GUARD_FILE.read_text(encoding="utf-8").splitlines(),
    ]
    # Whole-line comments are for readers of the .js files, not bytes to send on every rerun.
    script = "\n".join(line for line in lines if not line.lstrip().startswith("//"))
    install = f"ebokPolishInstall({DICTIONARY.as_json()});\nebokUploadGuardInstall();"
    return f'<script id="ebok-polish">{script}\n{install}</script>'


def install() -> None:
    """Put the translation layer into the page (it installs itself once per browser tab)."""
    st.html(html(), unsafe_allow_javascript=True)
