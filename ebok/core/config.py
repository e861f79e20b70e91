"""The office's config (company data, portal, SMTP, modules, texts): validated YAML, typed and cached.

`load()` returns a frozen `Config` and re-reads the file only when its mtime or size changes. A file
that became invalid never takes the portal down: `load()` keeps the last good config (or the default
template at start-up) and `last_error()` tells the admin page what is wrong, key by key, in Polish.
`save()` validates first, then writes atomically under a file lock and keeps a backup.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import os
import re
import shutil
import threading
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from filelock import FileLock
from stdnum import exceptions as stdnum_exc
from stdnum import iban
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import regon as stdnum_regon

from ebok.core import settings

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "assets" / "config.default.yaml"
MODULE_NAMES = ("meters", "settlements", "contact", "faults", "voting", "waste")
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


class ConfigError(ValueError):
    """The config is not valid; `problems` lists Polish messages, each naming its key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


# --- typed config -------------------------------------------------------------------------------
# Field metadata: "check" names an extra validator (nip, regon, nrb, email, url, day, port, ...),
# "min"/"max" bound numbers, "label" is the Polish name the admin form shows.


def _f(default: Any, label: str, **meta: Any) -> Any:
    """Declare a config field with its Polish label and validation metadata."""
    return field(default=default, metadata={"label": label, **meta})


@dataclass(frozen=True)
class Company:
    """Who runs the portal: shown on pages, printouts and payment data."""

    name: str = _f("", "Nazwa", required=True)
    address: str = _f("", "Adres")
    nip: str = _f("", "NIP", check="nip")
    regon: str = _f("", "REGON", check="regon")
    bank_account: str = _f("", "Rachunek bankowy (NRB)", check="nrb")
    bank_name: str = _f("", "Bank")
    phones: tuple[str, ...] = _f((), "Telefony")
    email: str = _f("", "E-mail biura", check="email")
    office_hours: str = _f("", "Godziny pracy biura", multiline=True)

    @property
    def bank_account_display(self) -> str:
        """Return the NRB grouped as printed on bills: 61 1090 1014 0000 0712 1981 2874."""
        d = self.bank_account
        return f"{d[:2]} " + " ".join(d[i : i + 4] for i in range(2, len(d), 4)) if d else ""


@dataclass(frozen=True)
class Portal:
    """Where the portal lives (links in e-mails)."""

    base_url: str = _f("http://localhost:8501", "Adres portalu (base_url)", check="url")


@dataclass(frozen=True)
class Smtp:
    """Outgoing mail server; the password preferably comes from the environment variable."""

    host: str = _f("localhost", "Serwer SMTP")
    port: int = _f(25, "Port", min=1, max=65535)
    security: Literal["none", "starttls", "ssl"] = _f("none", "Szyfrowanie")
    username: str = _f("", "Użytkownik")
    password: str = _f("", "Hasło (lepiej w zmiennej środowiskowej)", secret=True)
    password_env: str = _f("EBOK_SMTP_PASSWORD", "Zmienna środowiskowa z hasłem", check="envname")
    sender: str = _f("", "Adres nadawcy", check="email")
    sender_name: str = _f("", "Nazwa nadawcy")

    def resolved_password(self) -> str | None:
        """Return the password from the environment variable, else from the file, else None."""
        if self.password_env and os.environ.get(self.password_env):
            return os.environ[self.password_env]
        return self.password or None


@dataclass(frozen=True)
class ReadingWindow:
    """Days of the month when residents may submit meter readings (may wrap over month end)."""

    always_open: bool = _f(False, "Zawsze otwarte")
    first_day: int = _f(20, "Pierwszy dzień", min=1, max=31)
    last_day: int = _f(5, "Ostatni dzień", min=1, max=31)

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

    def next_opening(self, day: dt.date) -> dt.date:
        """Return DAY if the window is open, else the first later day it opens."""
        probe = day
        for _ in range(62):
            if self.is_open(probe):
                return probe
            probe += dt.timedelta(days=1)
        return probe  # unreachable for valid days 1..31

    def current_close(self, day: dt.date) -> dt.date | None:
        """Return the last day of the window open on DAY (None when closed or always open)."""
        if self.always_open or not self.is_open(day):
            return None
        probe = day
        while self.is_open(probe + dt.timedelta(days=1)):
            probe += dt.timedelta(days=1)
        return probe

    def describe(self) -> str:
        """Return the window in words, e.g. 'od 20. dnia miesiąca do 5. dnia następnego miesiąca'."""
        if self.always_open:
            return "przez cały miesiąc"
        if self.first_day <= self.last_day:
            return f"od {self.first_day}. do {self.last_day}. dnia miesiąca"
        return f"od {self.first_day}. dnia miesiąca do {self.last_day}. dnia następnego miesiąca"


@dataclass(frozen=True)
class Modules:
    """Parts of the portal the office switches on or off."""

    meters: bool = _f(True, "Liczniki i odczyty")
    settlements: bool = _f(True, "Rozliczenia liczników")
    contact: bool = _f(True, "Napisz do nas")
    faults: bool = _f(True, "Zgłoszenia awarii")
    voting: bool = _f(True, "Uchwały i głosowanie")
    waste: bool = _f(True, "Odpady i wywozy")


@dataclass(frozen=True)
class Texts:
    """Texts the office writes: announcement on the login page, RODO, accessibility."""

    login_announcement: str = _f("", "Komunikat na stronie logowania", multiline=True)
    privacy: str = _f("", "Informacja o przetwarzaniu danych (RODO)", multiline=True)
    accessibility: str = _f("", "Deklaracja dostępności", multiline=True)


@dataclass(frozen=True)
class Registration:
    """Self-registration: automatic approval and the regulations residents accept."""

    auto_approve_when_proof_matches: bool = _f(False, "Zatwierdzaj automatycznie, gdy dowód się zgadza")
    regulations_version: str = _f("1", "Wersja regulaminu", required=True)
    regulations_text: str = _f("", "Treść regulaminu", multiline=True)


@dataclass(frozen=True)
class Security:
    """Session lifetimes."""

    idle_timeout_minutes: int = _f(15, "Wylogowanie po bezczynności (minuty)", min=1, max=1440)
    absolute_timeout_hours: int = _f(12, "Maksymalny czas sesji (godziny)", min=1, max=168)


@dataclass(frozen=True)
class Meters:
    """Meter warnings."""

    legalisation_warning_days: int = _f(90, "Ostrzeżenie o legalizacji (dni przed)", min=0, max=3650)
    implausible_factor: float = _f(
        3.0, "Próg odczytu nieprawdopodobnego (krotność średniej)", min=1.0, max=100.0
    )


@dataclass(frozen=True)
class Config:
    """The whole office config."""

    company: Company = field(default_factory=Company, metadata={"label": "Dane firmy"})
    portal: Portal = field(default_factory=Portal, metadata={"label": "Portal"})
    smtp: Smtp = field(default_factory=Smtp, metadata={"label": "Poczta wychodząca (SMTP)"})
    reading_window: ReadingWindow = field(
        default_factory=ReadingWindow, metadata={"label": "Okno podawania odczytów"}
    )
    modules: Modules = field(default_factory=Modules, metadata={"label": "Moduły"})
    texts: Texts = field(default_factory=Texts, metadata={"label": "Teksty"})
    registration: Registration = field(default_factory=Registration, metadata={"label": "Rejestracja"})
    security: Security = field(default_factory=Security, metadata={"label": "Bezpieczeństwo"})
    meters: Meters = field(default_factory=Meters, metadata={"label": "Liczniki"})

    # Shortcuts named in docs/TEAM.md.
    @property
    def base_url(self) -> str:
        return self.portal.base_url

    @property
    def auto_approve_registration(self) -> bool:
        return self.registration.auto_approve_when_proof_matches

    @property
    def regulations_version(self) -> str:
        return self.registration.regulations_version

    @property
    def company_name(self) -> str:
        return self.company.name

    @property
    def idle_timeout_minutes(self) -> int:
        return self.security.idle_timeout_minutes

    @property
    def absolute_timeout_hours(self) -> int:
        return self.security.absolute_timeout_hours

    @property
    def legalisation_warning_days(self) -> int:
        return self.meters.legalisation_warning_days

    @property
    def implausible_reading_factor(self) -> float:
        return self.meters.implausible_factor

    def module_on(self, name: str) -> bool:
        """Return whether module NAME (meters, settlements, contact, faults, voting, waste) is on."""
        if name not in MODULE_NAMES:
            raise KeyError(name)
        return bool(getattr(self.modules, name))


# --- validation ---------------------------------------------------------------------------------

_TYPE_WORDS = {str: "tekst", int: "liczba całkowita", float: "liczba", bool: "tak/nie (true/false)"}


def _describe(value: Any) -> str:
    """Name the YAML type of VALUE in Polish for error messages."""
    if isinstance(value, bool):
        return "wartość logiczna"
    if isinstance(value, int):
        return "liczba całkowita"
    if isinstance(value, float):
        return "liczba"
    if isinstance(value, str):
        return "tekst"
    if isinstance(value, list):
        return "lista"
    if isinstance(value, dict):
        return "sekcja"
    return type(value).__name__


def _stdnum_reason(exc: Exception) -> str:
    """Translate a python-stdnum exception into Polish."""
    if isinstance(exc, stdnum_exc.InvalidChecksum):
        return "błędna suma kontrolna"
    if isinstance(exc, stdnum_exc.InvalidLength):
        return "błędna długość"
    if isinstance(exc, stdnum_exc.InvalidFormat):
        return "niedozwolone znaki"
    return "błędny numer"


def _check_value(check: str, key: str, value: str, problems: list[str]) -> str:
    """Run the named extra check on a non-empty string; return the normalised value."""
    if check == "nip":
        try:
            return stdnum_nip.validate(value)
        except stdnum_exc.ValidationError as exc:
            problems.append(f"{key}: nieprawidłowy NIP ({_stdnum_reason(exc)})")
    elif check == "regon":
        try:
            return stdnum_regon.validate(value)
        except stdnum_exc.ValidationError as exc:
            problems.append(f"{key}: nieprawidłowy REGON ({_stdnum_reason(exc)})")
    elif check == "nrb":
        digits = re.sub(r"[\s-]", "", value)
        if digits.upper().startswith("PL"):
            digits = digits[2:]
        if not digits.isdigit() or len(digits) != 26:
            problems.append(f"{key}: nieprawidłowy numer rachunku (NRB ma 26 cyfr)")
        else:
            try:
                iban.validate("PL" + digits)
                return digits
            except stdnum_exc.ValidationError as exc:
                problems.append(f"{key}: nieprawidłowy numer rachunku ({_stdnum_reason(exc)})")
    elif check == "email":
        if not EMAIL_RE.match(value):
            problems.append(f"{key}: nieprawidłowy adres e-mail")
    elif check == "url":
        if not URL_RE.match(value):
            problems.append(f"{key}: adres musi zaczynać się od http:// albo https://")
        return value.rstrip("/")
    elif check == "envname":
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            problems.append(f"{key}: nieprawidłowa nazwa zmiennej środowiskowej")
    return value


def _convert(key: str, hint: Any, meta: Any, value: Any, problems: list[str]) -> Any:
    """Check VALUE against the field's type hint and metadata; return it converted or None."""
    origin = typing.get_origin(hint)
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            problems.append(f"{key}: niedozwolona wartość {value!r} (dozwolone: {', '.join(allowed)})")
            return None
        return value
    if origin is tuple:
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            problems.append(f"{key}: oczekiwano listy tekstów, jest {_describe(value)}")
            return None
        return tuple(i.strip() for i in items if i.strip())
    if hint is str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            hint_text = " (ujmij wartość w cudzysłów)" if isinstance(value, int | float) else ""
            problems.append(f"{key}: oczekiwano tekstu, jest {_describe(value)}{hint_text}")
            return None
        value = value.strip("\n") if meta.get("multiline") else value.strip()
        if not value:
            if meta.get("required"):
                problems.append(f"{key}: wartość jest wymagana")
            return value
        if meta.get("check"):
            return _check_value(meta["check"], key, value, problems)
        return value
    if hint is bool:
        if not isinstance(value, bool):
            problems.append(f"{key}: oczekiwano wartości tak/nie (true/false), jest {_describe(value)}")
            return None
        return value
    if hint in (int, float):
        ok = isinstance(value, int) and not isinstance(value, bool)
        if hint is float and isinstance(value, float):
            ok = True
        if not ok:
            problems.append(f"{key}: oczekiwano: {_TYPE_WORDS[hint]}, jest {_describe(value)}")
            return None
        value = hint(value)
        low, high = meta.get("min"), meta.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            problems.append(f"{key}: wartość {value} poza zakresem {low}–{high}")
            return None
        return value
    raise TypeError(f"unsupported config type {hint!r} for {key}")  # programming error


def _section(cls: type, data: Any, prefix: str, problems: list[str]) -> Any:
    """Build the dataclass CLS from the mapping DATA, collecting problems under PREFIX."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(
            f"{prefix or 'plik konfiguracji'}: oczekiwano sekcji (klucz: wartość), jest {_describe(data)}"
        )
        return cls()
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for name in data:
        if name not in fields:
            where = f"{prefix}.{name}" if prefix else str(name)
            problems.append(f"{where}: nieznany klucz (dozwolone: {', '.join(fields)})")
    values: dict[str, Any] = {}
    for name, fld in fields.items():
        key = f"{prefix}.{name}" if prefix else name
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            values[name] = _section(hint, data.get(name), key, problems)
            continue
        if name not in data:
            if fld.metadata.get("required") and not (fld.default or ""):
                problems.append(f"{key}: brak wymaganego klucza")
            continue  # the dataclass default applies
        converted = _convert(key, hint, fld.metadata, data[name], problems)
        if converted is not None:
            values[name] = converted
    return cls(**values)


def _cross_checks(cfg: Config, problems: list[str]) -> None:
    """Rules that involve several keys."""
    if cfg.smtp.security == "ssl" and cfg.smtp.port == 25:
        problems.append("smtp.port: dla szyfrowania ssl użyj portu 465 (port 25 to połączenie bez SSL)")
    if cfg.smtp.username and not (cfg.smtp.password or cfg.smtp.password_env):
        problems.append("smtp.password_env: podaj zmienną środowiskową z hasłem albo hasło")


def from_dict(data: Any) -> Config:
    """Validate a parsed YAML mapping and return the typed config; raise ConfigError listing problems."""
    problems: list[str] = []
    cfg = _section(Config, data, "", problems)
    if not problems:
        _cross_checks(cfg, problems)
    if problems:
        raise ConfigError(problems)
    return cfg


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice (plain YAML would silently keep the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"klucz {key!r} występuje dwa razy", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse(text: str) -> Config:
    """Parse and validate YAML TEXT; raise ConfigError (also for invalid YAML)."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" w wierszu {mark.line + 1}, kolumnie {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"plik konfiguracji: nieprawidłowy YAML{where} ({problem})"]) from exc
    if data is None:
        data = {}
    return from_dict(data)


def to_dict(cfg: Config) -> dict[str, Any]:
    """Return CFG as plain YAML-ready data (tuples become lists)."""

    def plain(value: Any) -> Any:
        if dataclasses.is_dataclass(value):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, tuple):
            return [plain(v) for v in value]
        return value

    return plain(cfg)


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


def field_labels(cls: type) -> dict[str, str]:
    """Return {field name: Polish label} for a config section class (for the admin form)."""
    return {f.name: f.metadata.get("label", f.name) for f in dataclasses.fields(cls)}


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


def form_sections() -> list[tuple[str, str, list[FormField]]]:
    """Return [(section, Polish title, fields)] describing every key, in file order."""
    out = []
    for top in dataclasses.fields(Config):
        cls = typing.get_type_hints(Config)[top.name]
        hints = typing.get_type_hints(cls)
        items = []
        for f in dataclasses.fields(cls):
            hint, meta = hints[f.name], f.metadata
            options: tuple[str, ...] = ()
            if typing.get_origin(hint) is Literal:
                kind, options = "choice", typing.get_args(hint)
            elif typing.get_origin(hint) is tuple:
                kind = "lines"
            elif hint is bool:
                kind = "bool"
            elif hint is int:
                kind = "int"
            elif hint is float:
                kind = "float"
            elif meta.get("secret"):
                kind = "secret"
            else:
                kind = "multiline" if meta.get("multiline") else "text"
            items.append(
                FormField(
                    top.name,
                    f.name,
                    meta.get("label", f.name),
                    kind,
                    options,
                    meta.get("min"),
                    meta.get("max"),
                )
            )
        out.append((top.name, top.metadata.get("label", top.name), items))
    return out


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
    error: ConfigError | None = None


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


def load(path: Path | None = None) -> Config:
    """Return the config in force: the file's if valid, else the last good one, else the default."""
    path = path or settings.config_file()
    with _lock:
        state = _states.setdefault(path, _State())
        try:
            _ensure_file(path)
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)  # os.replace changes the inode
        except OSError as exc:
            state.error = ConfigError(
                [f"plik konfiguracji: nie można odczytać pliku {path} ({exc.strerror})"]
            )
            state.stamp = None
            return state.good or default()
        if stamp == state.stamp and state.good is not None:
            return state.good
        if stamp != state.stamp:
            state.stamp = stamp
            try:
                state.good = parse(path.read_text(encoding="utf-8"))
                state.error = None
            except ConfigError as exc:
                state.error = exc
            except (OSError, UnicodeDecodeError) as exc:
                state.error = ConfigError([f"plik konfiguracji: nie można odczytać pliku ({exc})"])
        return state.good or default()


def last_error(path: Path | None = None) -> ConfigError | None:
    """Return the problem with the config file as last read (None when it is valid)."""
    path = path or settings.config_file()
    load(path)  # re-check the file so the admin page sees hand edits at once
    with _lock:
        state = _states.get(path)
        return state.error if state else None


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
    # Re-validate a Config too: dataclasses accept any values when built by hand.
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
    return dataclasses.replace(cfg, **{section: dataclasses.replace(getattr(cfg, section), **changes)})


def clear_cache() -> None:
    """Forget every cached config (tests)."""
    with _lock:
        _states.clear()


__all__ = [
    "Company",
    "Config",
    "FormField",
    "ConfigError",
    "Meters",
    "Modules",
    "Portal",
    "ReadingWindow",
    "Registration",
    "Security",
    "Smtp",
    "Texts",
    "backup_path",
    "clear_cache",
    "default",
    "dump",
    "field_labels",
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
