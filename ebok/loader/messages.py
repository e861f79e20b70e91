"""Load issues (errors and warnings) with plain Polish and English messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_ERRORS = 50  # collect this many errors per run, then stop looking
PER_CHECK = 10  # at most this many errors of one kind in one column

# code: (Polish, English); {placeholders} are filled from Issue.params.
MESSAGES: dict[str, tuple[str, str]] = {
    "folder_missing": ("Katalog eksportu {path} nie istnieje.", "Export folder {path} does not exist."),
    "folder_empty": ("Katalog eksportu jest pusty.", "The export folder is empty."),
    "manifest_missing": (
        "Eksport bez pliku manifest.csv: liczby wierszy i sumy kontrolne nie były sprawdzane; chronią go "
        "porównania z poprzednią wersją danych.",
        "Export without manifest.csv: row counts and checksums were not checked; comparisons with the "
        "previous version of the data protect it.",
    ),
    "file_missing": ("Brak wymaganego pliku {file}.", "Required file {file} is missing."),
    "not_in_manifest": (
        "Plik nie jest wymieniony w manifest.csv.",
        "The file is not listed in manifest.csv.",
    ),
    "manifest_lists_missing": (
        "manifest.csv wymienia plik {value}, którego nie ma w katalogu eksportu.",
        "manifest.csv lists {value}, which is not in the export folder.",
    ),
    "unknown_file": ("Nieznany plik – pominięty.", "Unknown file – ignored."),
    "utf16": (
        "Plik jest zapisany w UTF-16; wymagane UTF-8 albo Windows-1250.",
        "The file is UTF-16; UTF-8 or Windows-1250 is required.",
    ),
    "bad_bytes": (
        "Bajty {value} nie są poprawnym tekstem ani w UTF-8, ani w Windows-1250.",
        "Bytes {value} are valid text neither in UTF-8 nor in Windows-1250.",
    ),
    "bad_utf8": (
        "Niepoprawny znak UTF-8 (bajty {value}) w pliku oznaczonym jako UTF-8.",
        "Invalid UTF-8 character (bytes {value}) in a file marked as UTF-8.",
    ),
    "iso88592": (
        "Tekst „{value}” wygląda na zapisany w ISO-8859-2; wymagane UTF-8 albo Windows-1250.",
        "Text '{value}' looks like ISO-8859-2; UTF-8 or Windows-1250 is required.",
    ),
    "mojibake": (
        "Tekst „{value}” wygląda na źle przekodowany (UTF-8 odczytane jako Windows-1250).",
        "Text '{value}' looks wrongly converted (UTF-8 read as Windows-1250).",
    ),
    "empty_file": ("Plik jest pusty (brak wiersza nagłówka).", "The file is empty (no header line)."),
    "missing_column": ("Brak wymaganej kolumny {column}.", "Required column {column} is missing."),
    "unknown_column": ("Nieznana kolumna {column} – pominięta.", "Unknown column {column} – ignored."),
    "duplicate_column": (
        "Kolumna {column} występuje w nagłówku więcej niż raz.",
        "Column {column} appears more than once in the header.",
    ),
    "too_many_columns": (
        "Za dużo pól w wierszu (oczekiwano {expected}, jest {found}).",
        "Too many fields in the line (expected {expected}, found {found}).",
    ),
    "too_few_columns": (
        "Za mało pól w wierszu (oczekiwano {expected}, jest {found}); plik może być ucięty.",
        "Too few fields in the line (expected {expected}, found {found}); the file may be truncated.",
    ),
    "csv_error": ("Błąd struktury pliku CSV: {value}.", "CSV structure error: {value}."),
    "rows_mismatch": (
        "Liczba wierszy danych w pliku: {found}, a manifest.csv podaje {expected}; plik jest niekompletny "
        "albo manifest nieaktualny.",
        "The file has {found} data rows but manifest.csv says {expected}; the file is incomplete "
        "or the manifest is out of date.",
    ),
    "sha_mismatch": (
        "Suma SHA-256 pliku nie zgadza się z manifest.csv (plik zmieniony albo niekompletny).",
        "The file's SHA-256 does not match manifest.csv (file changed or incomplete).",
    ),
    "required": ("Brak wartości w wymaganej kolumnie.", "Missing value in a required column."),
    "bad_int": ("„{value}” nie jest liczbą całkowitą.", "'{value}' is not a whole number."),
    "bad_dec": (
        "„{value}” nie jest liczbą (np. 1 234,56 albo 1234.56) albo ma za dużo miejsc po przecinku "
        "(najwyżej {scale}).",
        "'{value}' is not a number (e.g. 1 234,56 or 1234.56) or has too many decimal places "
        "(at most {scale}).",
    ),
    "bad_date": (
        "„{value}” nie jest poprawną datą (RRRR-MM-DD albo DD.MM.RRRR).",
        "'{value}' is not a valid date (YYYY-MM-DD or DD.MM.YYYY).",
    ),
    "bad_datetime": (
        "„{value}” nie jest poprawną datą z godziną (RRRR-MM-DD GG:MM[:SS] albo DD.MM.RRRR GG:MM[:SS]).",
        "'{value}' is not a valid date and time (YYYY-MM-DD HH:MM[:SS] or DD.MM.YYYY HH:MM[:SS]).",
    ),
    "bad_month": (
        "„{value}” nie jest poprawnym miesiącem (RRRR-MM albo MM.RRRR).",
        "'{value}' is not a valid month (YYYY-MM or MM.YYYY).",
    ),
    "bad_bool": (
        "„{value}” nie jest wartością tak/nie (dozwolone: {choices}).",
        "'{value}' is not a yes/no value (allowed: {choices}).",
    ),
    "bad_choice": (
        "„{value}” nie jest dozwoloną wartością (dozwolone: {choices}).",
        "'{value}' is not an allowed value (allowed: {choices}).",
    ),
    "bad_pattern": ("„{value}” ma niepoprawny format.", "'{value}' has an invalid format."),
    "bad_code": (
        "Kod rejestracji ma niepoprawny format: 8–32 litery lub cyfry, między nimi pojedyncze spacje "
        "lub myślniki (wartości kodu nie pokazujemy).",
        "The registration code has an invalid format: 8–32 letters or digits, single spaces or hyphens "
        "between them (the code itself is not shown).",
    ),
    "duplicate_code": (
        "Ten sam kod rejestracji jest już w wierszu {first}; każdy klient musi mieć inny kod "
        "(wartości kodu nie pokazujemy).",
        "The same registration code is already on line {first}; every customer needs a different code "
        "(the code itself is not shown).",
    ),
    "below_min": ("Wartość {value} jest mniejsza niż {min}.", "Value {value} is less than {min}."),
    "bad_nrb": (
        "„{value}” nie jest poprawnym numerem rachunku NRB (26 cyfr z sumą kontrolną).",
        "'{value}' is not a valid Polish bank account number (NRB, 26 digits with checksum).",
    ),
    "bad_nip": (
        "„{value}” nie jest poprawnym NIP (10 cyfr z sumą kontrolną).",
        "'{value}' is not a valid NIP (10 digits with checksum).",
    ),
    "bad_email": ("„{value}” nie jest poprawnym adresem e-mail.", "'{value}' is not a valid e-mail address."),
    "bad_postcode": (
        "„{value}” nie jest kodem pocztowym w postaci NN-NNN.",
        "'{value}' is not a postcode of the form NN-NNN.",
    ),
    "pdf_missing": (
        "Brak pliku {value} w katalogu documents/ eksportu.",
        "File {value} is missing from the export's documents/ folder.",
    ),
    "pdf_invalid": ("Plik {value} nie jest plikiem PDF.", "File {value} is not a PDF file."),
    "pdf_path": (
        "„{value}” nie jest prostą nazwą pliku w katalogu documents/.",
        "'{value}' is not a plain file name inside documents/.",
    ),
    "duplicate": (
        "Wartość „{value}” powtarza się (pierwszy raz w wierszu {first}).",
        "Value '{value}' is repeated (first seen on line {first}).",
    ),
    "bad_ref": (
        "Wartość „{value}” nie występuje w pliku {target}.",
        "Value '{value}' does not exist in {target}.",
    ),
    "sign_payment": (
        "Wpłata musi mieć kwotę ujemną (jest {value}).",
        "A payment must have a negative amount (found {value}).",
    ),
    "sign_debit": (
        "Zapis rodzaju {kind} musi mieć kwotę dodatnią (jest {value}).",
        "An entry of kind {kind} must have a positive amount (found {value}).",
    ),
    "due_required": (
        "Brak terminu płatności dla zapisu rodzaju {kind}.",
        "Missing due date for an entry of kind {kind}.",
    ),
    "reading_before_install": (
        "Odczyt z dnia {value} jest wcześniejszy niż montaż licznika {meter} ({installed}).",
        "Reading of {value} is earlier than the installation of meter {meter} ({installed}).",
    ),
    "busy": (
        "Inne ładowanie jest w toku; spróbuj później.",
        "Another load is in progress; try again later.",
    ),
    "busy_by": (
        "Trwa ładowanie danych: rozpoczęte {since} przez {actor} ({what_pl}). Spróbuj ponownie, gdy się "
        "zakończy.",
        "A load is in progress: started {since} by {actor} ({what_en}). Try again when it has finished.",
    ),
    "internal": ("Błąd wewnętrzny ładowania: {value}", "Internal load error: {value}"),
    "killed": (
        "Ładowanie przerwane (proces zakończony przed końcem).",
        "Load interrupted (the process ended before finishing).",
    ),
    # Mapping profiles (ebok/loader/profiles.py, mapping.py): file, line and column are the source's.
    "profile_invalid": ("{value}", "{value}"),
    "profile_source_missing": (
        "Brak pliku źródłowego pasującego do „{value}” (wymagany przez profil).",
        "No source file matches '{value}' (required by the profile).",
    ),
    "profile_source_ambiguous": (
        "Do „{value}” pasuje kilka plików ({files}); zostaw w katalogu jeden.",
        "Several files match '{value}' ({files}); keep one in the folder.",
    ),
    "profile_sheet_missing": (
        "Skoroszyt nie ma arkusza „{value}” (są: {choices}).",
        "The workbook has no sheet '{value}' (sheets: {choices}).",
    ),
    "profile_column_missing": (
        "Brak kolumny {column}, z której profil bierze dane.",
        "Column {column}, which the profile reads, is missing.",
    ),
    "profile_unmapped": (
        "Wartość „{value}” nie ma odpowiednika w mapie wartości profilu (znane: {choices}).",
        "Value '{value}' has no entry in the profile's value map (known: {choices}).",
    ),
    "profile_unreadable": ("Nie można odczytać pliku: {value}.", "The file cannot be read: {value}."),
    # The comparison with the warehouse served (ebok.loader.compare); numbers come pre-formatted.
    "implausible_premises_gone": (
        "Lokale: w nowym eksporcie brakuje {gone} z {before} ({share} %), dopuszczalne {limit} %"
        " (np. {sample}).",
        "Premises: the new export lacks {gone} of {before} ({share} %), the limit is {limit} %"
        " (e.g. {sample}).",
    ),
    "implausible_customers_gone": (
        "Klienci: w nowym eksporcie brakuje {gone} z {before} ({share} %), dopuszczalne {limit} %"
        " (np. {sample}).",
        "Customers: the new export lacks {gone} of {before} ({share} %), the limit is {limit} %"
        " (e.g. {sample}).",
    ),
    "implausible_month_changed": (
        "Księga: zapisy za zamknięty miesiąc {month} zmieniły się: było {rows_before} na {sum_before},"
        " jest {rows_after} na {sum_after}.",
        "Ledger: the entries of the closed month {month} changed: {rows_before} for {sum_before} before,"
        " {rows_after} for {sum_after} now.",
    ),
    "implausible_month_replaced": (
        "Księga: zapisy za zamknięty miesiąc {month} zmieniły się: ta sama liczba ({rows_after}) i suma"
        " ({sum_after}), ale inne zapisy (identyfikator, lokal, data albo kwota).",
        "Ledger: the entries of the closed month {month} changed: the same count ({rows_after}) and sum"
        " ({sum_after}), but different entries (id, premises, date or amount).",
    ),
    "implausible_month_vanished": (
        "Księga: zniknęły wszystkie zapisy za zamknięty miesiąc {month} (było {rows_before}"
        " na {sum_before}).",
        "Ledger: every entry of the closed month {month} is gone ({rows_before} for {sum_before} before).",
    ),
    "implausible_months_more": (
        "Księga: zmieniła się też historia {count} kolejnych zamkniętych miesięcy (lista na stronie"
        " Stan danych).",
        "Ledger: the history of {count} more closed months changed too (listed on the data status page).",
    ),
    "implausible_balance": (
        "Saldo łączne lokali zmieniło się o {change} (było {before}, jest {after}), dopuszczalne {limit}.",
        "The total balance of all premises moved by {change} ({before} before, {after} now), the limit"
        " is {limit}.",
    ),
    "implausible_empty": (
        "Plik jest pusty, a w obsługiwanej dotąd hurtowni ma {before}.",
        "The file is empty, but the warehouse served so far has {before}.",
    ),
    "forced": (
        "Opublikowano mimo odrzucenia przez kontrolę wiarygodności; zdecydował(a) {actor}, powód: {reason}.",
        "Published despite the plausibility checks; decided by {actor}, reason: {reason}.",
    ),
    "superseded": (
        "Przygotowany import zastąpiło nowsze ładowanie ({value}); ten nie zostanie opublikowany.",
        "A newer load ({value}) replaced this prepared import; it will not be published.",
    ),
    "discarded": (
        "Przygotowany import wycofał(a) {actor}; hurtownia bez zmian.",
        "{actor} discarded the prepared import; the warehouse is unchanged.",
    ),
}

LABELS = {
    "pl": {"file": "plik", "line": "wiersz", "column": "kolumna", "warning": "ostrzeżenie"},
    "en": {"file": "file", "line": "line", "column": "column", "warning": "warning"},
}


@dataclass
class Issue:
    """One problem found in the export: where it is and what is wrong."""

    code: str
    file: str | None = None
    line: int | None = None
    column: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    level: str = "error"  # error or warning

    def message(self, lang: str = "pl") -> str:
        """Return the message alone, in LANG (pl or en)."""
        pl, en = MESSAGES[self.code]
        template = en if lang == "en" else pl
        values = {"column": self.column, "file": self.file, **self.params}
        try:
            return template.format(**values)
        except (KeyError, IndexError):
            return template

    def render(self, lang: str = "pl") -> str:
        """Return 'plik X, wiersz N, kolumna C: message' in LANG."""
        words = LABELS.get(lang, LABELS["pl"])
        where = []
        if self.file:
            where.append(f"{words['file']} {self.file}")
        if self.line is not None:
            where.append(f"{words['line']} {self.line}")
        if self.column:
            where.append(f"{words['column']} {self.column}")
        prefix = f"{words['warning']}: " if self.level == "warning" else ""
        return prefix + (", ".join(where) + ": " if where else "") + self.message(lang)

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form stored in load_runs.errors and etl_loads.errors."""
        return {
            "level": self.level,
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message_pl": self.message("pl"),
            "message_en": self.message("en"),
        }


class Issues:
    """Collects errors (up to MAX_ERRORS) and warnings for one load."""

    def __init__(self, limit: int = MAX_ERRORS) -> None:
        self.limit = limit
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.truncated = False

    def add(self, issue: Issue) -> None:
        """Record ISSUE unless the error limit is reached."""
        if issue.level == "warning":
            if len(self.warnings) < self.limit:
                self.warnings.append(issue)
            return
        if len(self.errors) >= self.limit:
            self.truncated = True
            return
        self.errors.append(issue)

    def error(self, code: str, file: str | None = None, line: int | None = None,
              column: str | None = None, **params: Any) -> None:  # fmt: skip
        """Record an error."""
        self.add(Issue(code, file, line, column, params))

    def warning(self, code: str, file: str | None = None, line: int | None = None,
                column: str | None = None, **params: Any) -> None:  # fmt: skip
        """Record a warning."""
        self.add(Issue(code, file, line, column, params, level="warning"))

    @property
    def full(self) -> bool:
        """True once MAX_ERRORS errors are collected (a check asking then is skipped: truncated)."""
        if len(self.errors) >= self.limit:
            self.truncated = True
        return self.truncated

    def room(self, per_check: int = PER_CHECK) -> int:
        """Return how many more errors one check may report."""
        return max(0, min(per_check, self.limit - len(self.errors)))

    def as_list(self) -> list[dict[str, Any]]:
        """Return errors then warnings as dicts."""
        return [i.as_dict() for i in self.errors + self.warnings]


@dataclass
class StoredIssue(Issue):
    """An issue read back from load_runs.errors: its messages as they were recorded."""

    texts: tuple[str, str] = ("", "")  # (Polish, English)

    def message(self, lang: str = "pl") -> str:
        """Return the recorded message in LANG."""
        return self.texts[1] if lang == "en" else self.texts[0]


def stored(items: list[dict[str, Any]]) -> Issues:
    """Return the Issues recorded as ITEMS (Issues.as_list()), every one kept."""
    issues = Issues(limit=max(MAX_ERRORS, len(items)))
    for e in items:
        texts = (str(e.get("message_pl") or ""), str(e.get("message_en") or e.get("message_pl") or ""))
        issues.add(
            StoredIssue(
                str(e.get("code") or ""),
                e.get("file"),
                e.get("line"),
                e.get("column"),
                level=str(e.get("level") or "error"),
                texts=texts,
            )  # fmt: skip
        )
    return issues
