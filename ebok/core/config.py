"""The office's config (company data, portal, SMTP, modules, texts): validated YAML, typed and cached.

The schema is declarative (pydantic models below); pydantic's errors are translated into problems
in the language of the run (Polish by default), each naming its key ("smtp.port: ..."), and raised
together as one `FormError`. The fields' titles are Polish msgids (N_), translated by form_sections().
`load()` returns a frozen `Config` and re-reads the file only when its mtime or size changes. A file
that became invalid never takes the portal down: `load()` keeps the last good config (or the default
template at start-up) and `last_error()` tells the admin page what is wrong, key by key, in the
language of its run.
`save()` validates first, then writes atomically under a file lock and keeps a backup.
`base_url()` is the one place where EBOK_BASE_URL overrides the portal's address for links.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import shutil
import threading
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import annotated_types
import yaml
from filelock import FileLock
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError
from stdnum import exceptions as stdnum_exc
from stdnum import iban
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import regon as stdnum_regon

from ebok.core import i18n, settings
from ebok.core.errors import FormError, Problem, Problems
from ebok.core.i18n import N_, _

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "assets" / "config.default.yaml"
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
FILE = N_("plik konfiguracji")  # what a problem of the whole file names instead of a key (a msgid)


# --- value types: each checks one kind of value and says what is wrong (in the run's language) --


def _refuse(message: str) -> PydanticCustomError:
    """Return the error a validator raises; MESSAGE is translated already and shown after the key."""
    return PydanticCustomError("ebok", message)


@dataclass(frozen=True)
class _Kind:
    """Marks how the admin form edits a text field (multiline, secret)."""

    name: str


def _blank_if_none(value: Any) -> Any:
    """An empty YAML value ('key:') means an empty text."""
    return "" if value is None else value


def _required(value: str) -> str:
    """Refuse an empty text."""
    if not value:
        raise _refuse(_("wartość jest wymagana"))
    return value


def _stdnum_reason(exc: Exception) -> str:
    """Translate a python-stdnum exception into the language of this run."""
    if isinstance(exc, stdnum_exc.InvalidChecksum):
        return _("błędna suma kontrolna")
    if isinstance(exc, stdnum_exc.InvalidLength):
        return _("błędna długość")
    if isinstance(exc, stdnum_exc.InvalidFormat):
        return _("niedozwolone znaki")
    return _("błędny numer")


def _nip(value: str) -> str:
    """Return the NIP as 10 digits; an empty one stays empty."""
    try:
        return stdnum_nip.validate(value) if value else value
    except stdnum_exc.ValidationError as exc:
        raise _refuse(_("nieprawidłowy NIP ({reason})").format(reason=_stdnum_reason(exc))) from None


def _regon(value: str) -> str:
    """Return the REGON as 9 or 14 digits; an empty one stays empty."""
    try:
        return stdnum_regon.validate(value) if value else value
    except stdnum_exc.ValidationError as exc:
        raise _refuse(_("nieprawidłowy REGON ({reason})").format(reason=_stdnum_reason(exc))) from None


def _nrb(value: str) -> str:
    """Return the 26 digits of a Polish account number (spaces, dashes and PL removed)."""
    if not value:
        return value
    digits = re.sub(r"[\s-]", "", value)
    if digits.upper().startswith("PL"):
        digits = digits[2:]
    if not digits.isdigit() or len(digits) != 26:
        raise _refuse(_("nieprawidłowy numer rachunku (NRB ma 26 cyfr)"))
    try:
        iban.validate("PL" + digits)
    except stdnum_exc.ValidationError as exc:
        raise _refuse(
            _("nieprawidłowy numer rachunku ({reason})").format(reason=_stdnum_reason(exc))
        ) from None
    return digits


def _email(value: str) -> str:
    """Refuse a text that is not an e-mail address (empty is allowed)."""
    if value and not EMAIL_RE.match(value):
        raise _refuse(_("nieprawidłowy adres e-mail"))
    return value


def _url(value: str) -> str:
    """Refuse an address without http(s)://; drop the trailing slash links add themselves."""
    if value and not URL_RE.match(value):
        raise _refuse(_("adres musi zaczynać się od http:// albo https://"))
    return value.rstrip("/")


def _env_name(value: str) -> str:
    """Refuse a text that cannot name an environment variable (empty is allowed)."""
    if value and not ENV_NAME_RE.fullmatch(value):
        raise _refuse(_("nieprawidłowa nazwa zmiennej środowiskowej"))
    return value


def _lines(value: Any) -> Any:
    """Accept one text or a list of texts; drop empty items."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise _refuse(_("oczekiwano listy tekstów, jest {kind}").format(kind=_describe(value)))
    return tuple(i.strip() for i in items if i.strip())


Line = Annotated[str, BeforeValidator(_blank_if_none), AfterValidator(str.strip)]
Block = Annotated[
    str, BeforeValidator(_blank_if_none), AfterValidator(lambda s: s.strip("\n")), _Kind("multiline")
]
Secret = Annotated[Line, _Kind("secret")]
RequiredLine = Annotated[Line, AfterValidator(_required)]
Nip = Annotated[Line, AfterValidator(_nip)]
Regon = Annotated[Line, AfterValidator(_regon)]
Nrb = Annotated[Line, AfterValidator(_nrb)]
Email = Annotated[Line, AfterValidator(_email)]
Url = Annotated[Line, AfterValidator(_url)]
EnvName = Annotated[Line, AfterValidator(_env_name)]
Lines = Annotated[tuple[str, ...], BeforeValidator(_lines)]


# --- typed config -------------------------------------------------------------------------------
# Each field's title is the Polish label the admin form shows (a msgid, N_: form_sections() translates
# it); ge/le bound numbers.


class _Section(BaseModel):
    """A frozen config section: exact types (no "15" for 15), unknown keys refused."""

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _empty_section(cls, data: Any) -> Any:
        """A section written as 'key:' with nothing under it takes every default."""
        return {} if data is None else data


class Company(_Section):
    """Who runs the portal: shown on pages, printouts and payment data."""

    name: RequiredLine = Field(title=N_("Nazwa"))
    address: Line = Field("", title=N_("Adres"))
    nip: Nip = Field("", title=N_("NIP"))
    regon: Regon = Field("", title=N_("REGON"))
    bank_account: Nrb = Field("", title=N_("Rachunek bankowy (NRB)"))
    bank_name: Line = Field("", title=N_("Bank"))
    phones: Lines = Field((), title=N_("Telefony"))
    email: Email = Field("", title=N_("E-mail biura"))
    office_hours: Block = Field("", title=N_("Godziny pracy biura"))


class Portal(_Section):
    """Where the portal lives; links in e-mails use base_url() (EBOK_BASE_URL may override it)."""

    base_url: Url = Field("http://localhost:8501", title=N_("Adres portalu (base_url)"))


class Smtp(_Section):
    """Outgoing mail server; the password preferably comes from the environment variable."""

    host: Line = Field("localhost", title=N_("Serwer SMTP"))
    port: int = Field(25, ge=1, le=65535, title=N_("Port"))
    security: Literal["none", "starttls", "ssl"] = Field("none", title=N_("Szyfrowanie"))
    username: Line = Field("", title=N_("Użytkownik"))
    password: Secret = Field("", title=N_("Hasło (lepiej w zmiennej środowiskowej)"))
    password_env: EnvName = Field("EBOK_SMTP_PASSWORD", title=N_("Zmienna środowiskowa z hasłem"))
    sender: Email = Field("", title=N_("Adres nadawcy"))
    sender_name: Line = Field("", title=N_("Nazwa nadawcy"))

    def resolved_password(self) -> str | None:
        """Return the password from the environment variable, else from the file, else None."""
        if self.password_env and os.environ.get(self.password_env):
            return os.environ[self.password_env]
        return self.password or None


class ReadingWindow(_Section):
    """Days of the month when residents may submit meter readings (may wrap over month end)."""

    always_open: bool = Field(False, title=N_("Zawsze otwarte"))
    first_day: int = Field(20, ge=1, le=31, title=N_("Pierwszy dzień"))
    last_day: int = Field(5, ge=1, le=31, title=N_("Ostatni dzień"))

    def _bounds(self, year: int, month: int) -> tuple[int, int]:
        """Clamp the days to the month's length (31 means the last day in February)."""
        days = calendar.monthrange(year, month)[1]
        return min(self.first_day, days), min(self.last_day, days)

    def is_open(self, day: dt.date) -> bool:
        """Return whether submissions are accepted on DAY."""
        if self.always_open:
            return True
        first, last = self._bounds(day.year, day.month)
        if self.first_day <= self.last_day:
            return first <= day.day <= last
        return day.day >= first or day.day <= last

    def describe(self) -> str:
        """Return the window in words in the run's language, e.g. 'od 20. dnia miesiąca do 5. dnia następnego miesiąca'."""
        if self.always_open:
            return _("przez cały miesiąc")
        days = {"first": self.first_day, "last": self.last_day}
        if self.first_day <= self.last_day:
            return _("od {first}. do {last}. dnia miesiąca").format(**days)
        return _("od {first}. dnia miesiąca do {last}. dnia następnego miesiąca").format(**days)


class Modules(_Section):
    """Parts of the portal the office switches on or off."""

    meters: bool = Field(True, title=N_("Liczniki i odczyty"))
    settlements: bool = Field(True, title=N_("Rozliczenia liczników"))
    contact: bool = Field(True, title=N_("Napisz do nas"))
    faults: bool = Field(True, title=N_("Zgłoszenia awarii"))
    voting: bool = Field(True, title=N_("Uchwały i głosowanie"))
    waste: bool = Field(True, title=N_("Odpady i wywozy"))


MODULE_NAMES = tuple(Modules.model_fields)


class Texts(_Section):
    """Texts the office writes: announcement on the login page, RODO, accessibility."""

    login_announcement: Block = Field("", title=N_("Komunikat na stronie logowania"))
    privacy: Block = Field("", title=N_("Informacja o przetwarzaniu danych (RODO)"))
    accessibility: Block = Field("", title=N_("Deklaracja dostępności"))


class Registration(_Section):
    """Self-registration: automatic approval and the regulations residents accept."""

    auto_approve_when_proof_matches: bool = Field(
        False, title=N_("Zatwierdzaj automatycznie, gdy dowód się zgadza")
    )
    regulations_version: RequiredLine = Field("1", title=N_("Wersja regulaminu"))
    regulations_text: Block = Field("", title=N_("Treść regulaminu"))


class Security(_Section):
    """Session lifetimes."""

    idle_timeout_minutes: int = Field(15, ge=1, le=1440, title=N_("Wylogowanie po bezczynności (minuty)"))
    absolute_timeout_hours: int = Field(12, ge=1, le=168, title=N_("Maksymalny czas sesji (godziny)"))


class Meters(_Section):
    """Meter warnings."""

    legalisation_warning_days: int = Field(
        90, ge=0, le=3650, title=N_("Ostrzeżenie o legalizacji (dni przed)")
    )
    implausible_factor: float = Field(
        3.0, ge=1.0, le=100.0, title=N_("Próg odczytu nieprawdopodobnego (krotność średniej)")
    )


class Export(_Section):
    """The accounting program's nightly export: which mapping profile `python -m ebok load` applies."""

    profile: RequiredLine = Field("contract", title=N_("Profil eksportu (contract = format e-BOK)"))


class ImportChecks(_Section):
    """How far a new export may differ from the data served before the loader refuses it."""

    max_gone_percent: float = Field(
        2.0, ge=0.0, le=100.0, title=N_("Dopuszczalny ubytek lokali i klientów (% stanu poprzedniego)")
    )
    # Whole złoty: the total balance moves every month by the month's charges and payments.
    max_balance_change: int = Field(
        1_000_000, ge=0, le=1_000_000_000_000, title=N_("Dopuszczalna zmiana salda łącznego lokali (zł)")
    )


class PaymentsOnline(_Section):
    """Online payments through a gateway (Przelewy24 or PayU); keys and CRC live in the secrets file."""

    enabled: bool = Field(False, title=N_("Płatności online włączone"))
    gateway: Literal["przelewy24", "payu"] = Field("przelewy24", title=N_("Bramka płatności"))
    sandbox: bool = Field(True, title=N_("Środowisko testowe bramki (sandbox)"))
    merchant_id: int = Field(
        0, ge=0, le=2_147_483_647, title=N_("Przelewy24: identyfikator sprzedawcy (merchantId)")
    )
    pos_id: int = Field(
        0, ge=0, le=2_147_483_647, title=N_("Identyfikator punktu (Przelewy24 posId, PayU POS ID)")
    )
    client_id: Line = Field("", title=N_("PayU: client_id (OAuth)"))
    min_amount: int = Field(1, ge=1, le=1_000_000, title=N_("Najmniejsza kwota wpłaty (zł)"))
    max_amount: int = Field(20_000, ge=1, le=1_000_000, title=N_("Największa kwota wpłaty (zł)"))
    expiry_minutes: int = Field(30, ge=5, le=1440, title=N_("Czas na opłacenie (minuty)"))
    notify_base_url: Url = Field("", title=N_("Publiczny adres odbioru powiadomień (puste = adres portalu)"))
    api_url: Url = Field(
        "", title=N_("Adres API bramki (puste = sandbox albo produkcja; demo: lokalna bramka)")
    )


class Notifications(_Section):
    """E-mail notifications: the office's defaults, each of which a resident may change for themselves."""

    invoice: bool = Field(True, title=N_("Nowa faktura"))
    document: bool = Field(True, title=N_("Nowy dokument"))
    settlement: bool = Field(True, title=N_("Rozliczenie mediów"))
    office_message: bool = Field(True, title=N_("Komunikat biura"))
    payment_due: bool = Field(True, title=N_("Zbliża się termin płatności"))
    overdue: bool = Field(True, title=N_("Zaległość po terminie"))
    reading_window_open: bool = Field(True, title=N_("Otwarcie okna odczytów"))
    reading_window_closing: bool = Field(True, title=N_("Koniec okna odczytów bez odczytu"))
    legalisation: bool = Field(True, title=N_("Kończy się legalizacja licznika"))
    vote_open: bool = Field(True, title=N_("Rozpoczęcie głosowania"))
    vote_closing: bool = Field(True, title=N_("Koniec głosowania bez głosu"))
    inbox_update: bool = Field(True, title=N_("Odpowiedź lub zmiana statusu zgłoszenia"))
    payment_confirmed: bool = Field(True, title=N_("Płatność online potwierdzona"))
    payment_failed: bool = Field(True, title=N_("Płatność online nieudana"))
    due_days_before: int = Field(3, ge=0, le=30, title=N_("Przypomnienie o płatności (dni przed terminem)"))
    overdue_repeat_days: int = Field(
        14, ge=1, le=365, title=N_("Ponowne przypomnienie o zaległości nie częściej niż co (dni)")
    )
    reading_window_closing_days: int = Field(2, ge=0, le=31, title=N_("Koniec okna odczytów (dni przed)"))
    legalisation_days: int = Field(30, ge=0, le=3650, title=N_("Legalizacja licznika (dni przed końcem)"))
    vote_closing_days: int = Field(2, ge=0, le=60, title=N_("Koniec głosowania (dni przed)"))
    lookback_days: int = Field(35, ge=1, le=365, title=N_("Ogłaszaj nowe pozycje z ostatnich (dni)"))
    digest: bool = Field(False, title=N_("Domyślnie zestawienie tygodniowe zamiast pojedynczych e-maili"))
    digest_weekday: int = Field(1, ge=1, le=7, title=N_("Dzień wysyłki zestawienia (1 = poniedziałek)"))
    consent_version: RequiredLine = Field("2026-12", title=N_("Wersja treści zgody na korespondencję"))
    consent_text: Block = Field(
        "Wyrażam zgodę na otrzymywanie od Spółdzielni korespondencji drogą elektroniczną na podany "
        "adres e-mail: zawiadomień o fakturach, dokumentach, rozliczeniach, terminach płatności, "
        "odczytach liczników, głosowaniach i odpowiedziach na moje zgłoszenia. Zgodę mogę w każdej "
        "chwili wycofać w e-BOK (Ustawienia → Powiadomienia) albo w biurze.",
        title=N_("Treść zgody na korespondencję elektroniczną"),
    )


class Config(_Section):
    """The whole office config (company is required: it has the required name)."""

    company: Company = Field(title=N_("Dane firmy"))
    portal: Portal = Field(default_factory=Portal, title=N_("Portal"))
    smtp: Smtp = Field(default_factory=Smtp, title=N_("Poczta wychodząca (SMTP)"))
    reading_window: ReadingWindow = Field(default_factory=ReadingWindow, title=N_("Okno podawania odczytów"))
    modules: Modules = Field(default_factory=Modules, title=N_("Moduły"))
    texts: Texts = Field(default_factory=Texts, title=N_("Teksty"))
    registration: Registration = Field(default_factory=Registration, title=N_("Rejestracja"))
    security: Security = Field(default_factory=Security, title=N_("Bezpieczeństwo"))
    meters: Meters = Field(default_factory=Meters, title=N_("Liczniki"))
    export: Export = Field(default_factory=Export, title=N_("Eksport z systemu księgowego"))
    import_checks: ImportChecks = Field(default_factory=ImportChecks, title=N_("Kontrola importu danych"))
    payments_online: PaymentsOnline = Field(default_factory=PaymentsOnline, title=N_("Płatności online"))
    notifications: Notifications = Field(default_factory=Notifications, title=N_("Powiadomienia e-mail"))

    def module_on(self, name: str) -> bool:
        """Return whether module NAME (meters, settlements, contact, faults, voting, waste) is on."""
        if name not in MODULE_NAMES:
            raise KeyError(name)
        return bool(getattr(self.modules, name))


# --- pydantic's errors in the run's language (Polish by default) ----------------------------------

_TYPE_WORDS = {"int_type": N_("liczba całkowita"), "float_type": N_("liczba")}
# The YAML types by name (msgids): what a message says a value is.
_VALUE_WORDS: tuple[tuple[type, str], ...] = (
    (bool, N_("wartość logiczna")),  # before int: a bool is an int
    (int, N_("liczba całkowita")),
    (float, N_("liczba")),
    (str, N_("tekst")),
    (list, N_("lista")),
    (dict, N_("sekcja")),
)


def _describe(value: Any) -> str:
    """Name the YAML type of VALUE for error messages, in the language of this run."""
    word = next((w for kind, w in _VALUE_WORDS if isinstance(value, kind)), None)
    return _(word) if word else type(value).__name__


def _owner(loc: tuple[int | str, ...]) -> type[BaseModel]:
    """Return the section class that holds the key at LOC (Config for a top-level key)."""
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        model = model.model_fields[str(part)].annotation  # type: ignore[assignment]
    return model


def _unknown(err: ErrorDetails) -> str:
    """Name the keys the section allows."""
    return _("nieznany klucz (dozwolone: {keys})").format(keys=", ".join(_owner(err["loc"]).model_fields))


def _not_text(err: ErrorDetails) -> str:
    """A number where text belongs is usually an unquoted NIP or phone: say how to fix it."""
    kind = _describe(err["input"])
    if isinstance(err["input"], int | float):
        return _("oczekiwano tekstu, jest {kind} (ujmij wartość w cudzysłów)").format(kind=kind)
    return _("oczekiwano tekstu, jest {kind}").format(kind=kind)


def _out_of_range(err: ErrorDetails) -> str:
    """Name both bounds of the field (pydantic reports only the one crossed)."""
    info = _owner(err["loc"]).model_fields[str(err["loc"][-1])]
    low = next(m.ge for m in info.metadata if isinstance(m, annotated_types.Ge))
    high = next(m.le for m in info.metadata if isinstance(m, annotated_types.Le))
    return _("wartość {value} poza zakresem {low}–{high}").format(value=err["input"], low=low, high=high)


def _not_allowed(err: ErrorDetails) -> str:
    """Name the allowed values of a choice."""
    info = _owner(err["loc"]).model_fields[str(err["loc"][-1])]
    allowed = ", ".join(typing.get_args(info.annotation))
    return _("niedozwolona wartość {value} (dozwolone: {allowed})").format(
        value=repr(err["input"]), allowed=allowed
    )


def _not_number(err: ErrorDetails) -> str:
    """Name the kind of number expected and the kind of value found."""
    expected = _TYPE_WORDS[err["type"]]
    return _("oczekiwano: {expected}, jest {kind}").format(expected=_(expected), kind=_describe(err["input"]))


_MESSAGES: dict[str, Callable[[ErrorDetails], str]] = {
    "ebok": lambda err: err["msg"],  # our validators' messages are translated already
    "extra_forbidden": _unknown,
    "missing": lambda err: _("brak wymaganego klucza"),
    "string_type": _not_text,
    "int_type": _not_number,
    "float_type": _not_number,
    "bool_type": lambda err: _("oczekiwano wartości tak/nie (true/false), jest {kind}").format(
        kind=_describe(err["input"])
    ),
    "greater_than_equal": _out_of_range,
    "less_than_equal": _out_of_range,
    "literal_error": _not_allowed,
    "model_type": lambda err: _("oczekiwano sekcji (klucz: wartość), jest {kind}").format(
        kind=_describe(err["input"])
    ),
}


def _problem(err: ErrorDetails) -> Problem:
    """Translate one pydantic error into a problem (in the run's language) named by its dotted key."""
    key = ".".join(str(part) for part in err["loc"]) or FILE
    translate = _MESSAGES.get(err["type"])
    return Problem(
        key, translate(err) if translate else _("nieprawidłowa wartość ({detail})").format(detail=err["msg"])
    )


def _cross_checks(cfg: Config) -> Problems:
    """Rules that involve several keys (checked once every key is valid on its own)."""
    problems = Problems()
    if cfg.smtp.security == "ssl" and cfg.smtp.port == 25:
        problems.add("smtp.port", _("dla szyfrowania ssl użyj portu 465 (port 25 to połączenie bez SSL)"))
    if cfg.smtp.username and not (cfg.smtp.password or cfg.smtp.password_env):
        problems.add("smtp.password_env", _("podaj zmienną środowiskową z hasłem albo hasło"))
    pay = cfg.payments_online
    if pay.min_amount > pay.max_amount:
        problems.add("payments_online.min_amount", _("najmniejsza kwota jest większa od największej"))
    if pay.enabled and pay.gateway == "przelewy24" and not (pay.merchant_id and pay.pos_id):
        problems.add("payments_online.merchant_id", _("Przelewy24 wymaga merchantId i posId"))
    if pay.enabled and pay.gateway == "payu" and not (pay.pos_id and pay.client_id):
        problems.add("payments_online.client_id", _("PayU wymaga POS ID i client_id"))
    return problems


def from_dict(data: Any) -> Config:
    """Validate a parsed YAML mapping and return the typed config; raise FormError listing problems."""
    try:
        cfg = Config.model_validate(data)
    except ValidationError as exc:
        raise FormError(_problem(err) for err in exc.errors()) from None
    _cross_checks(cfg).raise_if_any()
    return cfg


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice (plain YAML would silently keep the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, _("klucz {key} występuje dwa razy").format(key=repr(key)), key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse(text: str) -> Config:
    """Parse and validate YAML TEXT; raise FormError (also for invalid YAML)."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark:
            message = _("nieprawidłowy YAML w wierszu {line}, kolumnie {column} ({problem})").format(
                line=mark.line + 1, column=mark.column + 1, problem=problem
            )
        else:
            message = _("nieprawidłowy YAML ({problem})").format(problem=problem)
        raise FormError.one(FILE, message) from exc
    return from_dict({} if data is None else data)


def to_dict(cfg: Config) -> dict[str, Any]:
    """Return CFG as plain YAML-ready data (tuples become lists)."""
    return cfg.model_dump(mode="json")


def dump(cfg: Config) -> str:
    """Return CFG as YAML text, multi-line texts in block style."""

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    header = "# Konfiguracja biura e-BOK, zapisana z panelu administratora.\n"
    return header + yaml.dump(to_dict(cfg), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


_default: Config | None = None


def default() -> Config:
    """Return the config of the bundled default template (parsed once)."""
    global _default
    if _default is None:
        _default = parse(DEFAULT_TEMPLATE.read_text(encoding="utf-8"))
    return _default


# --- the admin form -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FormField:
    """One editable key for the admin form."""

    section: str
    name: str
    label: str
    kind: str  # text, multiline, secret, lines, bool, int, float, choice
    options: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None

    @property
    def key(self) -> str:
        """Return the dotted key, e.g. company.nip (what error messages name)."""
        return f"{self.section}.{self.name}"


_KINDS: dict[Any, str] = {bool: "bool", int: "int", float: "float", tuple[str, ...]: "lines"}


def _form_field(section: str, name: str, info: Any) -> FormField:
    """Describe one key of SECTION from its pydantic field INFO (type, title, bounds, kind marker)."""
    marker = next((m.name for m in info.metadata if isinstance(m, _Kind)), None)
    options: tuple[str, ...] = ()
    if typing.get_origin(info.annotation) is Literal:
        kind, options = "choice", typing.get_args(info.annotation)
    else:
        kind = marker or _KINDS.get(info.annotation, "text")
    low = next((m.ge for m in info.metadata if isinstance(m, annotated_types.Ge)), None)
    high = next((m.le for m in info.metadata if isinstance(m, annotated_types.Le)), None)
    return FormField(section, name, _(info.title) if info.title else name, kind, options, low, high)


def form_sections() -> list[tuple[str, str, list[FormField]]]:
    """Return [(section, title, fields)] describing every key, in file order, titles in the run's language."""
    return [
        (
            section,
            _(top.title) if top.title else section,
            [_form_field(section, name, info) for name, info in top.annotation.model_fields.items()],
        )
        for section, top in Config.model_fields.items()
    ]


def from_form(current: Config, values: dict[str, Any], clear_secrets: bool = False) -> dict[str, Any]:
    """Return the mapping to save from form VALUES keyed 'section.name' (unvalidated; save() checks).

    Lists come as text, one item per line; an empty secret keeps the current one unless CLEAR_SECRETS.
    """
    data = to_dict(current)
    for section, _title, fields in form_sections():
        for f in fields:
            if f.key not in values:
                continue
            value = values[f.key]
            if f.kind == "lines" and isinstance(value, str):
                value = [line.strip() for line in value.splitlines() if line.strip()]
            elif f.kind == "secret":
                if not value:
                    value = "" if clear_secrets else data[section][f.name]
            elif f.kind == "int" and isinstance(value, float) and value.is_integer():
                value = int(value)
            data[section][f.name] = value
    return data


# --- loading and saving -------------------------------------------------------------------------


@dataclass
class _State:
    stamp: tuple[int, int, int] | None = None  # (mtime_ns, size, inode) of the file last read
    good: Config | None = None
    error: FormError | None = None
    error_lang: str = i18n.DEFAULT  # the language ERROR's messages were worded in


_lock = threading.Lock()
_states: dict[Path, _State] = {}


def _ensure_file(path: Path) -> None:
    """Copy the default template to PATH on first use."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        if not path.exists():
            _atomic_write(path, DEFAULT_TEMPLATE.read_text(encoding="utf-8"))


def _read(path: Path, state: _State) -> None:
    """Re-read PATH into STATE: a valid file becomes the good config, else its problem is kept."""
    state.error_lang = i18n.current()
    try:
        state.good = parse(path.read_text(encoding="utf-8"))
        state.error = None
    except FormError as exc:
        state.error = exc
    except (OSError, UnicodeDecodeError) as exc:
        state.error = FormError.one(FILE, _("nie można odczytać pliku ({error})").format(error=exc))


def load(path: Path | None = None) -> Config:
    """Return the config in force: the file's if valid, else the last good one, else the default.

    Cheap on every page rerun: the file is parsed and validated only when its stamp changes.
    """
    path = path or settings.config_file()
    with _lock:
        state = _states.setdefault(path, _State())
        try:
            _ensure_file(path)
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)  # os.replace changes the inode
        except OSError as exc:
            state.error = FormError.one(
                FILE, _("nie można odczytać pliku {path} ({error})").format(path=path, error=exc.strerror)
            )
            state.error_lang = i18n.current()
            state.stamp = None
            return state.good or default()
        if stamp != state.stamp:
            state.stamp = stamp
            _read(path, state)
        return state.good or default()


def base_url() -> str:
    """Return the portal's address for links and cookies: EBOK_BASE_URL wins over portal.base_url."""
    return (os.environ.get("EBOK_BASE_URL") or load().portal.base_url).rstrip("/")


def last_error(path: Path | None = None) -> FormError | None:
    """Return the problem with the config file as last read (None when it is valid), in the run's language."""
    path = path or settings.config_file()
    load(path)  # re-check the file so the admin page sees hand edits at once
    with _lock:
        state = _states.get(path)
        if state is None or state.error is None:
            return None
        if state.error_lang != i18n.current() and state.stamp is not None:
            # Worded for a run in another language (whoever read the file first): word it again.
            _read(path, state)  # a failing read leaves the last good config in place
        return state.error


def backup_path(path: Path | None = None) -> Path:
    """Return where save() keeps the previous version of the file."""
    path = path or settings.config_file()
    return path.with_name(path.name + ".bak")


def _atomic_write(path: Path, text: str) -> None:
    """Write TEXT to PATH via a temporary file, fsync and os.replace, then fsync the folder."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def save(new: Config | dict[str, Any], path: Path | None = None) -> Config:
    """Validate NEW (a Config or a plain mapping), back up the file and write it atomically."""
    path = path or settings.config_file()
    # Re-validate a Config too: replace_section() copies without validating.
    cfg = from_dict(to_dict(new) if isinstance(new, Config) else new)
    text = dump(cfg)
    parse(text)  # the written file must read back to the same config
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        if path.exists():
            shutil.copy2(path, backup_path(path))
        _atomic_write(path, text)
    with _lock:
        _states.pop(path, None)
    return load(path)


def replace_section(cfg: Config, section: str, **changes: Any) -> Config:
    """Return a copy of CFG with fields of one section changed (not validated; save() validates)."""
    return cfg.model_copy(update={section: getattr(cfg, section).model_copy(update=changes)})


def clear_cache() -> None:
    """Forget every cached config (tests)."""
    with _lock:
        _states.clear()


__all__ = [
    "MODULE_NAMES",
    "Company",
    "Config",
    "FormField",
    "ImportChecks",
    "Meters",
    "Modules",
    "Portal",
    "ReadingWindow",
    "Registration",
    "Security",
    "Smtp",
    "Texts",
    "backup_path",
    "base_url",
    "clear_cache",
    "default",
    "dump",
    "form_sections",
    "from_dict",
    "from_form",
    "last_error",
    "load",
    "parse",
    "replace_section",
    "save",
    "to_dict",
]
