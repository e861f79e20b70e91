"""Load issues (errors and warnings) with plain messages in the language of the run (Polish msgids)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ebok.core import i18n
from ebok.core.i18n import N_, _

MAX_ERRORS = 50  # collect this many errors per run, then stop looking
PER_CHECK = 10  # at most this many errors of one kind in one column

# code: Polish message (the msgid); {placeholders} are filled from Issue.params.
MESSAGES: dict[str, str] = {
    "folder_missing": N_("Katalog eksportu {path} nie istnieje."),
    "folder_empty": N_("Katalog eksportu jest pusty."),
    "manifest_missing": N_(
        "Eksport bez pliku manifest.csv: liczby wierszy i sumy kontrolne nie były sprawdzane; "
        "chronią go porównania z poprzednią wersją danych."
    ),
    "file_missing": N_("Brak wymaganego pliku {file}."),
    "not_in_manifest": N_("Plik nie jest wymieniony w manifest.csv."),
    "manifest_lists_missing": N_("manifest.csv wymienia plik {value}, którego nie ma w katalogu eksportu."),
    "unknown_file": N_("Nieznany plik – pominięty."),
    "utf16": N_("Plik jest zapisany w UTF-16; wymagane UTF-8 albo Windows-1250."),
    "bad_bytes": N_("Bajty {value} nie są poprawnym tekstem ani w UTF-8, ani w Windows-1250."),
    "bad_utf8": N_("Niepoprawny znak UTF-8 (bajty {value}) w pliku oznaczonym jako UTF-8."),
    "iso88592": N_("Tekst „{value}” wygląda na zapisany w ISO-8859-2; wymagane UTF-8 albo Windows-1250."),
    "mojibake": N_("Tekst „{value}” wygląda na źle przekodowany (UTF-8 odczytane jako Windows-1250)."),
    "empty_file": N_("Plik jest pusty (brak wiersza nagłówka)."),
    "missing_column": N_("Brak wymaganej kolumny {column}."),
    "unknown_column": N_("Nieznana kolumna {column} – pominięta."),
    "duplicate_column": N_("Kolumna {column} występuje w nagłówku więcej niż raz."),
    "too_many_columns": N_("Za dużo pól w wierszu (oczekiwano {expected}, jest {found})."),
    "too_few_columns": N_(
        "Za mało pól w wierszu (oczekiwano {expected}, jest {found}); plik może być ucięty."
    ),
    "csv_error": N_("Błąd struktury pliku CSV: {value}."),
    "rows_mismatch": N_(
        "Liczba wierszy danych w pliku: {found}, a manifest.csv podaje {expected}; plik jest "
        "niekompletny albo manifest nieaktualny."
    ),
    "sha_mismatch": N_(
        "Suma SHA-256 pliku nie zgadza się z manifest.csv (plik zmieniony albo niekompletny)."
    ),
    "required": N_("Brak wartości w wymaganej kolumnie."),
    "bad_int": N_("„{value}” nie jest liczbą całkowitą."),
    "bad_dec": N_(
        "„{value}” nie jest liczbą (np. 1 234,56 albo 1234.56) albo ma za dużo miejsc po "
        "przecinku (najwyżej {scale})."
    ),
    "bad_date": N_("„{value}” nie jest poprawną datą (RRRR-MM-DD albo DD.MM.RRRR)."),
    "bad_datetime": N_(
        "„{value}” nie jest poprawną datą z godziną (RRRR-MM-DD GG:MM[:SS] albo DD.MM.RRRR GG:MM[:SS])."
    ),
    "bad_month": N_("„{value}” nie jest poprawnym miesiącem (RRRR-MM albo MM.RRRR)."),
    "bad_bool": N_("„{value}” nie jest wartością tak/nie (dozwolone: {choices})."),
    "bad_choice": N_("„{value}” nie jest dozwoloną wartością (dozwolone: {choices})."),
    "bad_pattern": N_("„{value}” ma niepoprawny format."),
    "bad_code": N_(
        "Kod rejestracji ma niepoprawny format: 8–32 litery lub cyfry, między nimi pojedyncze "
        "spacje lub myślniki (wartości kodu nie pokazujemy)."
    ),
    "duplicate_code": N_(
        "Ten sam kod rejestracji jest już w wierszu {first}; każdy klient musi mieć inny kod "
        "(wartości kodu nie pokazujemy)."
    ),
    "below_min": N_("Wartość {value} jest mniejsza niż {min}."),
    "bad_nrb": N_("„{value}” nie jest poprawnym numerem rachunku NRB (26 cyfr z sumą kontrolną)."),
    "bad_nip": N_("„{value}” nie jest poprawnym NIP (10 cyfr z sumą kontrolną)."),
    "bad_email": N_("„{value}” nie jest poprawnym adresem e-mail."),
    "bad_postcode": N_("„{value}” nie jest kodem pocztowym w postaci NN-NNN."),
    "pdf_missing": N_("Brak pliku {value} w katalogu documents/ eksportu."),
    "pdf_invalid": N_("Plik {value} nie jest plikiem PDF."),
    "pdf_path": N_("„{value}” nie jest prostą nazwą pliku w katalogu documents/."),
    "duplicate": N_("Wartość „{value}” powtarza się (pierwszy raz w wierszu {first})."),
    "bad_ref": N_("Wartość „{value}” nie występuje w pliku {target}."),
    "sign_payment": N_("Wpłata musi mieć kwotę ujemną (jest {value})."),
    "sign_debit": N_("Zapis rodzaju {kind} musi mieć kwotę dodatnią (jest {value})."),
    "due_required": N_("Brak terminu płatności dla zapisu rodzaju {kind}."),
    "reading_before_install": N_(
        "Odczyt z dnia {value} jest wcześniejszy niż montaż licznika {meter} ({installed})."
    ),
    "busy": N_("Inne ładowanie jest w toku; spróbuj później."),
    "busy_by": N_(
        "Trwa ładowanie danych: rozpoczęte {since} przez {actor} ({what}). Spróbuj "
        "ponownie, gdy się zakończy."
    ),
    "internal": N_("Błąd wewnętrzny ładowania: {value}"),
    "killed": N_("Ładowanie przerwane (proces zakończony przed końcem)."),
    "profile_invalid": "{value}",  # the profile's problems, already in the language of the run
    "profile_source_missing": N_("Brak pliku źródłowego pasującego do „{value}” (wymagany przez profil)."),
    "profile_source_ambiguous": N_("Do „{value}” pasuje kilka plików ({files}); zostaw w katalogu jeden."),
    "profile_sheet_missing": N_("Skoroszyt nie ma arkusza „{value}” (są: {choices})."),
    "profile_column_missing": N_("Brak kolumny {column}, z której profil bierze dane."),
    "profile_unmapped": N_(
        "Wartość „{value}” nie ma odpowiednika w mapie wartości profilu (znane: {choices})."
    ),
    "profile_unreadable": N_("Nie można odczytać pliku: {value}."),
    "implausible_premises_gone": N_(
        "Lokale: w nowym eksporcie brakuje {gone} z {before} ({share} %), dopuszczalne {limit} "
        "% (np. {sample})."
    ),
    "implausible_customers_gone": N_(
        "Klienci: w nowym eksporcie brakuje {gone} z {before} ({share} %), dopuszczalne "
        "{limit} % (np. {sample})."
    ),
    "implausible_month_changed": N_(
        "Księga: zapisy za zamknięty miesiąc {month} zmieniły się: było {rows_before} na "
        "{sum_before}, jest {rows_after} na {sum_after}."
    ),
    "implausible_month_replaced": N_(
        "Księga: zapisy za zamknięty miesiąc {month} zmieniły się: ta sama liczba "
        "({rows_after}) i suma ({sum_after}), ale inne zapisy (identyfikator, lokal, data albo "
        "kwota)."
    ),
    "implausible_month_vanished": N_(
        "Księga: zniknęły wszystkie zapisy za zamknięty miesiąc {month} (było {rows_before} na {sum_before})."
    ),
    "implausible_months_more": N_(
        "Księga: zmieniła się też historia {count} kolejnych zamkniętych miesięcy (lista na "
        "stronie Stan danych)."
    ),
    "implausible_balance": N_(
        "Saldo łączne lokali zmieniło się o {change} (było {before}, jest {after}), dopuszczalne {limit}."
    ),
    "implausible_empty": N_("Plik jest pusty, a w obsługiwanej dotąd hurtowni ma {before}."),
    "forced": N_(
        "Opublikowano mimo odrzucenia przez kontrolę wiarygodności; zdecydował(a) {actor}, powód: {reason}."
    ),
    "superseded": N_(
        "Przygotowany import zastąpiło nowsze ładowanie ({value}); ten nie zostanie opublikowany."
    ),
    "discarded": N_("Przygotowany import wycofał(a) {actor}; hurtownia bez zmian."),
}

# Where an issue is, by what it names (file, line, column): one whole text for each combination.
WHERE: dict[tuple[bool, bool, bool], str] = {
    (True, True, True): N_("plik {file}, wiersz {line}, kolumna {column}: {message}"),
    (True, True, False): N_("plik {file}, wiersz {line}: {message}"),
    (True, False, True): N_("plik {file}, kolumna {column}: {message}"),
    (True, False, False): N_("plik {file}: {message}"),
    (False, True, True): N_("wiersz {line}, kolumna {column}: {message}"),
    (False, True, False): N_("wiersz {line}: {message}"),
    (False, False, True): N_("kolumna {column}: {message}"),
}
WARNING = N_("ostrzeżenie: {text}")


class Later:
    """A message parameter rendered when the message is: in the language of that moment.

    An issue is recorded once and its message written in every language (Issue.as_dict), so a
    parameter that is a text, a count with its noun, an amount or a date is kept as a Later.
    """

    def __init__(self, render: Callable[[], str]) -> None:
        self.render = render

    def __str__(self) -> str:
        return self.render()

    def __format__(self, spec: str) -> str:
        return format(self.render(), spec)

    def __repr__(self) -> str:
        return f"Later({self.render()!r})"

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


@dataclass
class Issue:
    """One problem found in the export: where it is and what is wrong."""

    code: str
    file: str | None = None
    line: int | None = None
    column: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    level: str = "error"  # error or warning

    def message(self, lang: str | None = None) -> str:
        """Return the message alone, in LANG (None: the language of this run)."""
        with i18n.use(lang or i18n.current()):
            template = _(MESSAGES[self.code])
            values = {"column": self.column, "file": self.file, **self.params}
            try:
                return template.format(**values)
            except (KeyError, IndexError):
                return template

    def render(self, lang: str | None = None) -> str:
        """Return 'plik X, wiersz N, kolumna C: message' in LANG (None: the language of this run)."""
        with i18n.use(lang or i18n.current()):
            message = self.message()
            key = (bool(self.file), self.line is not None, bool(self.column))
            if any(key):
                message = _(WHERE[key]).format(
                    file=self.file, line=self.line, column=self.column, message=message
                )
            return _(WARNING).format(text=message) if self.level == "warning" else message

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form stored in load_runs.errors and etl_loads.errors (message_pl, _en, _uk)."""
        return {
            "level": self.level,
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            **{f"message_{lang}": self.message(lang) for lang in i18n.LANGS},
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

    texts: dict[str, str] = field(default_factory=dict)  # language -> message

    def message(self, lang: str | None = None) -> str:
        """Return the recorded message in LANG (None: the language of this run), else the Polish one."""
        return self.texts.get(i18n.normalize(lang or i18n.current())) or self.texts.get(i18n.DEFAULT, "")


def stored(items: list[dict[str, Any]]) -> Issues:
    """Return the Issues recorded as ITEMS (Issues.as_list()), every one kept."""
    issues = Issues(limit=max(MAX_ERRORS, len(items)))
    for e in items:
        texts = {lang: str(e.get(f"message_{lang}") or "") for lang in i18n.LANGS}
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
