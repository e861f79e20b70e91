"""The nightly export contract: files, columns, types and rules, in one place.

The loader validates against it, the demo generator writes it, the warehouse
tables and their COMMENTs are derived from it, and docs/import-format.md
describes it (a unit test keeps the two in step).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ebok.core.i18n import N_

# Column types understood by the loader; the DuckDB type each becomes.
SQL_TYPES = {
    "str": "VARCHAR",
    "int": "INTEGER",
    "dec": "DECIMAL(14,2)",
    "dec4": "DECIMAL(18,4)",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "bool": "BOOLEAN",
    "month": "DATE",  # YYYY-MM, stored as the first day of the month
}


@dataclass(frozen=True)
class Column:
    """One column of an export file."""

    name: str
    type: str
    comment: str
    required: bool = True
    unique: bool = False
    ref: str | None = None  # "file.column" that must contain this value
    choices: tuple[str, ...] = ()
    pattern: str | None = None  # regular expression the whole value must match
    check: str | None = None  # named extra check: nrb, nip, email, postcode, pdf_file, registration_code
    min_value: float | None = None


@dataclass(frozen=True)
class FileSpec:
    """One file of the export and the warehouse table it becomes."""

    name: str  # table name; the file is NAME.csv
    comment: str
    columns: tuple[Column, ...]
    sort_by: tuple[str, ...] = ()
    required: bool = True
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        """Return the column called NAME."""
        return next(c for c in self.columns if c.name == name)


C = Column

# A registration code: 8–32 letters or digits, single spaces or hyphens allowed between them
# (printed in groups, e.g. K7QM-4XPR-2HTD). Compared without spaces, hyphens and case.
REGISTRATION_CODE_PATTERN = r"[A-Za-z0-9](?:[ -]?[A-Za-z0-9]){7,31}"
REGISTRATION_CODE_SEPARATORS = re.compile(r"[\s-]+")


def registration_code_digest(code: str) -> str:
    """Return the SHA-256 (hex) the warehouse keeps of CODE: spaces and hyphens dropped, upper case.

    The loader computes the same digest in SQL (ebok_code_digest in ebok/loader/parse.py).
    """
    plain = REGISTRATION_CODE_SEPARATORS.sub("", code or "").upper()
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


MEDIA = ("cold_water", "hot_water", "heat", "gas", "electricity")
# Polish names of the media and units, as residents read them on every page: the media's names are
# msgids (N_), translated where shown, _(MEDIUM_NAMES[medium]); the units are the same in every language.
MEDIUM_NAMES = {
    "cold_water": N_("Woda zimna"),
    "hot_water": N_("Woda ciepła"),
    "heat": N_("Ciepło"),
    "gas": N_("Gaz"),
    "electricity": N_("Energia elektryczna"),
}
UNIT_NAMES = {"m3": "m³", "GJ": "GJ", "kWh": "kWh"}
FRACTIONS = ("mixed", "paper", "glass", "metals_plastics", "bio")

CUSTOMERS = FileSpec(
    "customers",
    "Klienci (kontrahenci) z systemu księgowego: lokatorzy, właściciele, najemcy lokali użytkowych, odbiorcy wody.",
    (
        C(
            "customer_id",
            "str",
            "Symbol klienta: wielka litera i cztery cyfry, np. L0000.",
            unique=True,
            pattern=r"[A-Z][0-9]{4}",
        ),
        C("name", "str", "Imię i nazwisko albo nazwa firmy."),
        C("email", "str", "Adres e-mail do korespondencji.", required=False, check="email"),
        C("phone", "str", "Numer telefonu.", required=False),
        C("email_consent", "bool", "Zgoda na korespondencję e-mailową (tak/nie)."),
        C("nip", "str", "NIP (dla firm), 10 cyfr z sumą kontrolną.", required=False, check="nip"),
        C(
            "registration_code",
            "str",
            "Jednorazowy kod rejestracji w e-BOK, drukowany na papierowym rachunku lub zawiadomieniu; "
            "w hurtowni zapisywany tylko jako skrót SHA-256.",
            required=False,
            unique=True,
            pattern=REGISTRATION_CODE_PATTERN,
            check="registration_code",
        ),
    ),
    sort_by=("customer_id",),
)

COMMUNITIES = FileSpec(
    "communities",
    "Wspólnoty mieszkaniowe obsługiwane przez zarządcę.",
    (
        C("community_id", "str", "Identyfikator wspólnoty.", unique=True),
        C("name", "str", "Nazwa wspólnoty, np. Wspólnota Mieszkaniowa Lipowa 7."),
        C("nip", "str", "NIP wspólnoty.", required=False, check="nip"),
    ),
    sort_by=("community_id",),
    required=False,
)

PREMISES = FileSpec(
    "premises",
    "Lokale (mieszkania, lokale użytkowe, garaże, domy) i ich parametry naliczeń.",
    (
        C(
            "premises_id",
            "str",
            "Identyfikator lokalu w systemie księgowym.",
            unique=True,
            pattern=r"[A-Za-z0-9/._-]{1,20}",
        ),
        C("customer_id", "str", "Symbol klienta, do którego należy lokal.", ref="customers.customer_id"),
        C("building_id", "str", "Identyfikator budynku (do komunikatów i średnich zużyć)."),
        C("street", "str", "Ulica."),
        C("building_no", "str", "Numer budynku."),
        C("unit_no", "str", "Numer lokalu (pusty dla domu).", required=False),
        C("postcode", "str", "Kod pocztowy NN-NNN.", check="postcode"),
        C("city", "str", "Miejscowość."),
        C("kind", "str", "Rodzaj lokalu.", choices=("residential", "commercial", "garage")),
        C(
            "tenure",
            "str",
            "Tytuł prawny.",
            choices=("municipal_rent", "social", "tbs", "coop_right", "ownership"),
        ),
        C("area_m2", "dec", "Powierzchnia użytkowa w m².", min_value=0),
        C("persons", "int", "Liczba osób zamieszkałych (podstawa opłat od osoby).", min_value=0),
        C("storage_m2", "dec", "Powierzchnia komórki lokatorskiej w m².", required=False, min_value=0),
        C(
            "community_id",
            "str",
            "Wspólnota, do której należy lokal.",
            required=False,
            ref="communities.community_id",
        ),
        C(
            "share",
            "dec4",
            "Udział w nieruchomości wspólnej (ułamek 0–1), waga głosu.",
            required=False,
            min_value=0,
        ),
        C("bank_account", "str", "Indywidualny rachunek do wpłat (NRB, 26 cyfr).", check="nrb"),
    ),
    sort_by=("premises_id",),
)

CHARGES = FileSpec(
    "charges",
    "Składniki opłaty miesięcznej lokalu w danym okresie.",
    (
        C("premises_id", "str", "Lokal.", ref="premises.premises_id"),
        C("period", "month", "Miesiąc naliczenia (RRRR-MM), zapisany jako pierwszy dzień miesiąca."),
        C("component", "str", "Kod składnika, np. maintenance, repair_fund, cold_water, heating, waste."),
        C("component_name", "str", "Nazwa składnika dla mieszkańca, np. Eksploatacja."),
        C("basis", "str", "Podstawa naliczenia.", choices=("m2", "person", "piece", "flat", "m3", "gj")),
        C("quantity", "dec4", "Ilość podstawy (m², osoby, sztuki, m³).", min_value=0),
        C("rate", "dec4", "Stawka w zł za jednostkę podstawy."),
        C("amount", "dec", "Kwota składnika w zł."),
    ),
    sort_by=("premises_id", "period", "component"),
)

LEDGER = FileSpec(
    "ledger",
    "Zapisy konta lokalu: naliczenia, faktury, korekty, rozliczenia mediów, odsetki i wpłaty. "
    "Kwota dodatnia zwiększa należność, ujemna ją zmniejsza (wpłata, korekta na minus).",
    (
        C("entry_id", "str", "Identyfikator zapisu.", unique=True),
        C("premises_id", "str", "Lokal.", ref="premises.premises_id"),
        C(
            "kind",
            "str",
            "Rodzaj zapisu.",
            choices=("charge", "invoice", "correction", "settlement", "interest", "payment"),
        ),
        C("entry_date", "date", "Data zapisu (wystawienia dokumentu albo wpłaty)."),
        C("due_date", "date", "Termin płatności (dla należności).", required=False),
        C("document_no", "str", "Numer dokumentu, np. FV/2026/11/0001.", required=False),
        C("description", "str", "Opis zapisu dla mieszkańca."),
        C("amount", "dec", "Kwota w zł: dodatnia = należność, ujemna = wpłata lub uznanie."),
        C(
            "payment_ref",
            "str",
            "Identyfikator płatności online e-BOK (np. EB26120312AB34CD) przy wpłacie, która przyszła z bramki "
            "płatności (plik docs/payments-export-format.md); po nim e-BOK przestaje pokazywać tę wpłatę jako "
            "„w trakcie księgowania”. Może go też zastąpić tytuł „e-BOK EB…” w opisie zapisu.",
            required=False,
        ),
    ),
    sort_by=("premises_id", "entry_date", "entry_id"),
)

METERS = FileSpec(
    "meters",
    "Liczniki (wodomierze, ciepłomierze, gazomierze, liczniki energii) w lokalach.",
    (
        C("meter_id", "str", "Identyfikator licznika.", unique=True),
        C("premises_id", "str", "Lokal, w którym licznik jest zamontowany.", ref="premises.premises_id"),
        C("medium", "str", "Medium.", choices=MEDIA),
        C("serial_no", "str", "Numer fabryczny licznika."),
        C("unit", "str", "Jednostka odczytu.", choices=("m3", "GJ", "kWh")),
        C("installed_on", "date", "Data montażu."),
        C("removed_on", "date", "Data demontażu (pusta dla licznika czynnego).", required=False),
        C("legalisation_until", "date", "Data ważności legalizacji.", required=False),
        C("initial_value", "dec4", "Stan początkowy przy montażu.", min_value=0),
    ),
    sort_by=("premises_id", "meter_id"),
    required=False,  # an office without meters (or PDFs) exports none; the module is hidden
)

READINGS = FileSpec(
    "readings",
    "Zaksięgowane odczyty liczników.",
    (
        C("reading_id", "str", "Identyfikator odczytu.", unique=True),
        C("meter_id", "str", "Licznik.", ref="meters.meter_id"),
        C("reading_date", "date", "Data odczytu."),
        C("value", "dec4", "Stan licznika w jednostce licznika.", min_value=0),
        C("source", "str", "Źródło odczytu.", choices=("collector", "radio", "resident", "estimate")),
        C(
            "submission_id",
            "str",
            "Identyfikator zgłoszenia mieszkańca z e-BOK, jeśli odczyt z niego pochodzi.",
            required=False,
        ),
    ),
    sort_by=("meter_id", "reading_date"),
    extra={"premises_id": "Lokal licznika (dodane przy ładowaniu, do szybkich zapytań)."},
    required=False,  # an office without meters (or PDFs) exports none; the module is hidden
)

DOCUMENTS = FileSpec(
    "documents",
    "Dokumenty PDF: faktury, rozliczenia wody, zawiadomienia (dla lokalu) i regulaminy (dla wszystkich).",
    (
        C("document_id", "str", "Identyfikator dokumentu.", unique=True),
        C(
            "premises_id",
            "str",
            "Lokal; pusty dla dokumentu ogólnego.",
            required=False,
            ref="premises.premises_id",
        ),
        C(
            "kind",
            "str",
            "Rodzaj dokumentu.",
            choices=("invoice", "water_settlement", "notice", "regulation", "other"),
        ),
        C("title", "str", "Tytuł dokumentu."),
        C("issued_on", "date", "Data wystawienia."),
        C("file", "str", "Nazwa pliku PDF w katalogu documents/ eksportu.", check="pdf_file"),
        C("document_no", "str", "Numer dokumentu księgowego, jeśli dotyczy.", required=False),
    ),
    sort_by=("premises_id", "issued_on", "document_id"),
    required=False,  # an office without meters (or PDFs) exports none; the module is hidden
)

MESSAGES = FileSpec(
    "messages",
    "Komunikaty biura do mieszkańców.",
    (
        C("message_id", "str", "Identyfikator komunikatu.", unique=True),
        C("audience", "str", "Adresaci.", choices=("all", "building", "community", "customer")),
        C(
            "target",
            "str",
            "building_id, community_id albo customer_id adresata; pusty dla all.",
            required=False,
        ),
        C("published_on", "date", "Data publikacji."),
        C("subject", "str", "Temat."),
        C("body", "str", "Treść."),
        C("valid_until", "date", "Data, po której komunikat znika.", required=False),
    ),
    sort_by=("published_on", "message_id"),
    required=False,
)

RESOLUTIONS = FileSpec(
    "resolutions",
    "Uchwały wspólnot poddane pod głosowanie.",
    (
        C("resolution_id", "str", "Identyfikator uchwały.", unique=True),
        C("community_id", "str", "Wspólnota.", ref="communities.community_id"),
        C("number", "str", "Numer uchwały, np. 3/2026."),
        C("title", "str", "Tytuł uchwały."),
        C("body", "str", "Treść uchwały.", required=False),
        C("file", "str", "Plik PDF uchwały w katalogu documents/.", required=False, check="pdf_file"),
        C("vote_from", "datetime", "Początek głosowania."),
        C("vote_to", "datetime", "Koniec głosowania."),
    ),
    sort_by=("community_id", "resolution_id"),
    required=False,
)

WASTE_POINTS = FileSpec(
    "waste_points",
    "Punkty odbioru odpadów klienta (nieruchomość z pojemnikami).",
    (
        C("point_id", "str", "Identyfikator punktu odbioru.", unique=True),
        C("premises_id", "str", "Lokal lub nieruchomość klienta.", ref="premises.premises_id"),
        C("address", "str", "Adres punktu odbioru."),
        C("route_id", "str", "Rejon wywozu (harmonogram)."),
        C("containers", "str", "Pojemniki, np. 2 x 120 l zmieszane; 1 x 240 l bio."),
        C("fee_basis", "str", "Podstawa opłaty za odpady.", choices=("persons", "containers")),
        C("declared_persons", "int", "Liczba osób z deklaracji.", required=False, min_value=0),
        C("rate", "dec", "Stawka w zł (za osobę albo za pojemnik) na miesiąc.", min_value=0),
    ),
    sort_by=("premises_id", "point_id"),
    required=False,
)

WASTE_SCHEDULE = FileSpec(
    "waste_schedule",
    "Harmonogram wywozu odpadów per rejon i frakcja.",
    (
        C("route_id", "str", "Rejon wywozu."),
        C("fraction", "str", "Frakcja odpadów.", choices=FRACTIONS),
        C("collection_date", "date", "Dzień odbioru."),
    ),
    sort_by=("route_id", "collection_date", "fraction"),
    required=False,
)

SETTLEMENTS = FileSpec(
    "settlements",
    "Rozliczenia mediów za okres: zaliczki, zużycie, koszt i wynik.",
    (
        C("settlement_id", "str", "Identyfikator rozliczenia.", unique=True),
        C("premises_id", "str", "Lokal.", ref="premises.premises_id"),
        C("medium", "str", "Medium.", choices=MEDIA),
        C("period_from", "date", "Początek okresu rozliczeniowego."),
        C("period_to", "date", "Koniec okresu rozliczeniowego."),
        C("advances", "dec", "Suma zaliczek naliczonych w okresie, zł."),
        C("consumption", "dec4", "Rzeczywiste zużycie w okresie w jednostce medium.", min_value=0),
        C("unit", "str", "Jednostka zużycia.", choices=("m3", "GJ", "kWh")),
        C("cost", "dec", "Rzeczywisty koszt zużycia, zł."),
        C("document_id", "str", "Dokument rozliczenia (PDF).", required=False, ref="documents.document_id"),
    ),
    sort_by=("premises_id", "period_to", "settlement_id"),
    required=False,
)

MANIFEST = FileSpec(
    "manifest",
    "Spis plików eksportu: liczba wierszy danych i suma SHA-256 każdego pliku.",
    (
        C("file", "str", "Nazwa pliku eksportu.", unique=True),
        C("rows", "int", "Liczba wierszy danych (bez nagłówka).", min_value=0),
        C("sha256", "str", "Suma SHA-256 pliku (małe litery hex); może być pusta.", required=False),
        C("exported_at", "datetime", "Chwila wykonania eksportu w systemie księgowym (dane na dzień)."),
    ),
)

# In dependency order: a file's references point only to files before it.
FILES: tuple[FileSpec, ...] = (
    CUSTOMERS,
    COMMUNITIES,
    PREMISES,
    CHARGES,
    LEDGER,
    METERS,
    READINGS,
    DOCUMENTS,
    MESSAGES,
    RESOLUTIONS,
    WASTE_POINTS,
    WASTE_SCHEDULE,
    SETTLEMENTS,
)
DOCUMENTS_DIR = "documents"

# Accepted spellings of booleans, lower-cased.
TRUE_WORDS = ("t", "tak", "y", "yes", "true", "1", "prawda")
FALSE_WORDS = ("n", "nie", "no", "false", "0", "fałsz", "falsz")
