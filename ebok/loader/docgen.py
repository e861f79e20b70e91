"""Generate docs/import-format.md (the export format, in Polish) from ebok.core.contract.

Run `python -m ebok.loader.docgen` after changing the contract; a unit test fails
when the document and the contract disagree.
"""

from __future__ import annotations

import sys

from ebok.core import settings
from ebok.core.contract import DOCUMENTS_DIR, FALSE_WORDS, FILES, MANIFEST, TRUE_WORDS, Column, FileSpec
from ebok.loader.messages import MAX_ERRORS, PER_CHECK

DOC = settings.ROOT / "docs" / "import-format.md"

TYPES_PL = {
    "str": "tekst",
    "int": "liczba całkowita",
    "dec": "kwota (2 miejsca po przecinku)",
    "dec4": "liczba (do 4 miejsc po przecinku)",
    "date": "data",
    "datetime": "data i godzina",
    "bool": "tak/nie",
    "month": "miesiąc",
}
EXAMPLES = {
    "int": "3",
    "dec": "1 234,56 · 1234.56 · -700,00",
    "dec4": "12,345 · 0.0525",
    "date": "2026-11-20 · 20.11.2026",
    "datetime": "2026-11-20 22:15 · 20.11.2026 22:15:00",
    "bool": "tak · nie",
    "month": "2026-11 · 11.2026",
}
# Examples for text columns, by column name (the same name means the same thing in every file).
TEXT_EXAMPLES = {
    "file": "ledger.csv · fv_2026_11_0001.pdf",
    "sha256": "9f86d081…0f00a08 (64 znaki)",
    "payment_ref": "EB26120312AB34CD",
    "customer_id": "L0001",
    "name": "Anna Nowak",
    "email": "anna.nowak@example.pl",
    "phone": "600 100 200",
    "nip": "526-025-02-74",
    "community_id": "W01",
    "premises_id": "L0001/01",
    "building_id": "LIP7",
    "street": "ul. Lipowa",
    "building_no": "7A",
    "unit_no": "12",
    "postcode": "00-950",
    "city": "Łódź",
    "bank_account": "61 1090 1014 0000 0712 1981 2874",
    "component": "maintenance",
    "component_name": "Eksploatacja",
    "entry_id": "Z000123",
    "document_no": "FV/2026/11/0001",
    "description": "Opłaty za 11/2026",
    "meter_id": "WZ-000123",
    "serial_no": "AP0123456",
    "reading_id": "O000456",
    "submission_id": "9b1c2d3e",
    "document_id": "D000789",
    "title": "Faktura FV/2026/11/0001",
    "message_id": "K0012",
    "target": "LIP7",
    "subject": "Przegląd instalacji gazowej",
    "body": "W dniach 1–3 grudnia …",
    "resolution_id": "U3-2026",
    "number": "3/2026",
    "point_id": "PO-0042",
    "address": "ul. Polna 5, Zgierz",
    "route_id": "R03",
    "containers": "2 x 120 l zmieszane; 1 x 240 l bio",
    "settlement_id": "R2026-000123",
    "registration_code": "K7QM-4XPR-2HTD",
}

CHECKS_PL = {
    "nrb": "numer rachunku NRB: 26 cyfr z poprawną sumą kontrolną (spacje i prefiks PL dozwolone; "
    "w hurtowni zapisywane same cyfry)",
    "nip": "NIP: 10 cyfr z poprawną sumą kontrolną (kreski dozwolone; w hurtowni same cyfry)",
    "email": "adres e-mail (nazwa@domena.pl)",
    "postcode": "kod pocztowy NN-NNN",
    "registration_code": "porównywany bez spacji, myślników i wielkości liter; w raporcie ładowania "
    "wartość nie jest pokazywana",
    "pdf_file": f"nazwa pliku PDF leżącego bezpośrednio w katalogu {DOCUMENTS_DIR}/; plik musi zaczynać się od %PDF",
}


def _rules(col: Column) -> str:
    """Return the column's rules in Polish."""
    out = []
    if col.unique:
        out.append("wartości niepowtarzalne")
    if col.ref:
        table, column = col.ref.split(".")
        out.append(f"musi istnieć w {table}.csv ({column})")
    if col.choices:
        out.append("jedna z: " + ", ".join(f"`{c}`" for c in col.choices))
    if col.pattern:
        out.append(f"format (wyrażenie regularne): `{col.pattern}`")
    if col.min_value is not None:
        out.append(f"co najmniej {col.min_value:g}")
    if col.check:
        out.append(CHECKS_PL[col.check])
    return "; ".join(out)


def _table(spec: FileSpec) -> list[str]:
    lines = [
        "| kolumna | typ | wymagana | znaczenie | zasady | przykład |",
        "|---|---|---|---|---|---|",
    ]
    for col in spec.columns:
        if col.choices:
            example = " · ".join(f"`{c}`" for c in col.choices[:2])
        elif col.type == "str":
            example = TEXT_EXAMPLES.get(col.name, "")
        else:
            example = EXAMPLES[col.type]
        lines.append(
            f"| `{col.name}` | {TYPES_PL[col.type]} | {'tak' if col.required else 'nie'} | {col.comment} "
            f"| {_rules(col)} | {example} |"
        )
    return lines


def render() -> str:
    """Return the whole document."""
    out = _intro() + _manifest_and_documents()
    for spec in FILES:
        out += _data_file(spec)
    out += _errors()
    return "\n".join(out)


def _intro() -> list[str]:
    """The title, what the load does, and the rules every file follows."""
    return [
        "# Format eksportu z systemu księgowego do e-BOK",
        "",
        "<!-- Plik generowany: python -m ebok.loader.docgen (z ebok/core/contract.py). Nie edytuj ręcznie. -->",
        "",
        "Każdej nocy system księgowy zapisuje do jednego katalogu komplet plików CSV, plik `manifest.csv` "
        f"i katalog `{DOCUMENTS_DIR}/` z dokumentami PDF. Polecenie `python -m ebok load KATALOG` sprawdza "
        "**każdy** plik i dopiero gdy wszystko jest poprawne, buduje nową wersję hurtowni danych i "
        "podmienia ją w jednej chwili. Eksport z choćby jednym błędem jest odrzucany w całości, a "
        "mieszkańcy nadal widzą dane z ostatniego poprawnego ładowania.",
        "",
        "## Zasady wspólne dla wszystkich plików",
        "",
        "- **Kodowanie:** UTF-8 albo Windows-1250 (CP1250), z BOM albo bez. Pliki w UTF-16, ISO-8859-2 "
        "(np. „Wi¶niewski” zamiast „Wiśniewski”) lub z bajtami niepoprawnymi w obu kodowaniach są "
        "odrzucane z podaniem wiersza i kolumny.",
        "- **Separator pól:** średnik `;` albo przecinek `,` – rozpoznawany z wiersza nagłówka. Pola "
        'zawierające separator lub cudzysłów ujmuje się w cudzysłowy `"`, a cudzysłów w polu podwaja `""`.',
        "- **Nagłówek:** pierwszy wiersz zawiera nazwy kolumn (wielkość liter bez znaczenia). Kolejność "
        "kolumn jest dowolna. Brak kolumny wymaganej odrzuca eksport; nieznana kolumna daje tylko "
        "ostrzeżenie i jest pomijana. Kolumnę niewymaganą można pominąć w całości.",
        "- **Puste pole** (także same spacje) oznacza brak wartości; w kolumnie wymaganej to błąd.",
        "- **Liczby i kwoty:** przecinek albo kropka dziesiętna; spacja (także niełamiąca) jako separator "
        "tysięcy; `1.234,56` (kropka tysięcy z przecinkiem dziesiętnym) też jest poprawne. Zapis `1.234` "
        "oznacza 1,234 – dla kwot (2 miejsca po przecinku) jest więc błędem, a nie liczbą 1234. Minus "
        "przed liczbą: `-700,00`.",
        "- **Daty:** `RRRR-MM-DD` albo `DD.MM.RRRR` (np. `2026-11-20`, `20.11.2026`, także `1.9.2026`). "
        "**Data z godziną:** data, spacja (lub `T`) i `GG:MM` albo `GG:MM:SS`. **Miesiąc:** `RRRR-MM` albo "
        "`MM.RRRR`; zapisywany jako pierwszy dzień miesiąca.",
        "- **Tak/nie:** "
        + ", ".join(f"`{w}`" for w in TRUE_WORDS)
        + " oznacza tak; "
        + ", ".join(f"`{w}`" for w in FALSE_WORDS)
        + " oznacza nie (wielkość liter bez znaczenia).",
        "- **Wiersze:** jeden rekord w jednym wierszu; zakończenia wierszy CRLF albo LF (jednolite w pliku).",
        "",
    ]


def _manifest_and_documents() -> list[str]:
    """The manifest.csv section, the PDF folder section and the heading of the data files."""
    return [
        "## Plik manifest.csv (zalecany)",
        "",
        "Spis plików eksportu: jeden wiersz na każdy plik CSV eksportu (bez samego manifestu). Liczba "
        "wierszy pozwala wykryć plik ucięty na granicy wiersza, suma SHA-256 – każdą inną zmianę. "
        "`exported_at` to chwila eksportu: e-BOK pokazuje ją mieszkańcom jako „Dane na dzień …”. "
        "Eksport bez manifestu też jest ładowany (np. pliki zapisane ponownie w Excelu albo eksport "
        "programu, który manifestu nie tworzy): raport ładowania mówi wtedy, że liczby wierszy i sumy "
        "kontrolne nie były sprawdzane, a „Dane na dzień” to chwila ładowania. Eksport w układzie "
        "innego programu (własne nazwy plików i kolumn, XLSX) czyta profil eksportu: "
        "[import-profiles.md](import-profiles.md).",
        "",
        *_table(MANIFEST),
        "",
        "Przykład:",
        "",
        "```",
        "file;rows;sha256;exported_at",
        "customers.csv;1520;3f1c…(64 znaki hex);2026-11-20 22:15",
        "ledger.csv;182311;;2026-11-20 22:15",
        "```",
        "",
        "Plik obecny w katalogu, a nieopisany w manifeście, oraz plik z manifestu, którego brak w "
        "katalogu, odrzucają eksport.",
        "",
        f"## Katalog {DOCUMENTS_DIR}/",
        "",
        "Dokumenty PDF (faktury, rozliczenia, zawiadomienia, regulaminy, uchwały). Kolumny `file` w "
        "`documents.csv` i `resolutions.csv` podają samą nazwę pliku z tego katalogu (bez podkatalogów). "
        "Każdy wskazany plik musi istnieć i zaczynać się od `%PDF`. Przy ładowaniu pliki są kopiowane do "
        "katalogu danych e-BOK, więc katalog eksportu można potem usunąć.",
        "",
        "## Pliki danych",
        "",
        "Pliki wymienione jako nieobowiązkowe mogą nie występować (odpowiednia tabela będzie pusta). "
        "Odwołania (`musi istnieć w …`) sprawdzane są między plikami.",
        "",
    ]


def _data_file(spec: FileSpec) -> list[str]:
    """One data file's section: heading, meaning, column table and its extra rules."""
    out = [
        f"### {spec.filename} ({'wymagany' if spec.required else 'nieobowiązkowy'})",
        "",
        spec.comment,
        "",
        *_table(spec),
        "",
    ]
    if spec.name == "customers":
        out += [
            "Kod rejestracji (`registration_code`, nieobowiązkowy): system księgowy może nadać każdemu "
            "klientowi losowy, jednorazowy kod i wydrukować go na papierowym rachunku lub zawiadomieniu. "
            "Mieszkaniec wpisuje go w formularzu rejestracji e-BOK zamiast kwoty jednej z ostatnich opłat "
            "lub wpłat. Kod działa raz: po rejestracji nie da się go użyć ponownie, a nowy kod (np. na "
            "kolejnym rachunku) działa od następnego eksportu. Zalecamy co najmniej 12 znaków z alfabetu "
            "bez łatwych do pomylenia znaków (bez 0/O, 1/I/L). Kod nie trafia do hurtowni: loader "
            "zapisuje tylko jego skrót SHA-256, a raport błędów nigdy nie pokazuje wartości. Bez tej "
            "kolumny rejestracja działa na podstawie kwoty.",
            "",
        ]
    if spec.name == "ledger":
        out += [
            "Dodatkowe zasady: wpłata (`payment`) ma kwotę ujemną; `charge`, `invoice` i `interest` mają "
            "kwotę dodatnią i wymagają terminu płatności `due_date`; `correction` i `settlement` mogą "
            "mieć dowolny znak. Saldo lokalu = −(suma kwot): dodatnie to nadpłata, ujemne zaległość. "
            "Wpłata online przekazana przez e-BOK (docs/payments-export-format.md) powinna mieć w "
            "`payment_ref` identyfikator płatności (albo tytuł „e-BOK EB…” w `description`): po imporcie, "
            "który ją zaksięgował, e-BOK nie liczy jej już jako wpłaty w trakcie księgowania.",
            "",
        ]
    if spec.name == "readings":
        out += [
            "Dodatkowa zasada: odczyt nie może mieć daty wcześniejszej niż data montażu licznika "
            "(`meters.installed_on`). W hurtowni tabela dostaje kolumnę `premises_id` (lokal licznika).",
            "",
        ]
    return out


def _errors() -> list[str]:
    """How errors are reported, and the helper commands."""
    return [
        "## Jak zgłaszane są błędy",
        "",
        "Każdy błąd podaje **plik**, **wiersz** (fizyczny numer wiersza w pliku, nagłówek to wiersz 1) i "
        "**kolumnę** oraz opis po polsku (z `--lang en` po angielsku), np.:",
        "",
        "```",
        "Eksport odrzucony – hurtownia bez zmian: /srv/eksport/2026-11-20 (20261120T231501123456Z)",
        "Błędy (3):",
        "  plik ledger.csv, wiersz 4, kolumna amount: „-7OO,00” nie jest liczbą (np. 1 234,56 albo 1234.56) …",
        "  plik ledger.csv, wiersz 7, kolumna premises_id: Wartość „P99” nie występuje w pliku premises.csv …",
        "  plik customers.csv, wiersz 3, kolumna name: Tekst „Wi¶niewski” wygląda na zapisany w ISO-8859-2 …",
        "```",
        "",
        f"Ładowanie zbiera do {MAX_ERRORS} błędów (najwyżej {PER_CHECK} jednego rodzaju w jednej kolumnie), "
        "zamiast zatrzymywać się na pierwszym. Raport trafia na standardowe wyjście błędów, do tabeli "
        "`load_runs` bazy operacyjnej, do pliku `loader/reports/<id>.txt` w katalogu danych oraz do tabeli "
        "`etl_loads` następnej wersji hurtowni. Kod wyjścia: 0 – załadowano, 1 – eksport odrzucony, "
        "2 – błąd ładowania (np. brak miejsca na dysku).",
        "",
        "Polecenia pomocnicze: `python -m ebok status` (bieżąca wersja i ostatnie ładowania), "
        "`python -m ebok rollback` (powrót do poprzedniej wersji hurtowni; przechowywane są 3 ostatnie).",
        "",
    ]


def main() -> int:
    """Write docs/import-format.md."""
    DOC.write_text(render(), encoding="utf-8")
    print(f"Zapisano {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
