"""Mapping profiles: how an accounting program's own CSV or XLSX export maps onto the contract.

A profile is a YAML file (ebok/loader/builtin_profiles/NAME.yaml, or the office's own in
$EBOK_DATA_DIR/profiles/NAME.yaml) validated here with messages (in the language of the run) naming the key path.
Applying a profile writes the export as contract CSV files (UTF-8, ';', contract column names,
the source's row order) into a staging folder the loader then checks and builds unchanged;
`Normalised.translate` turns the loader's file/line/column back into the source's.
The built-in profile `contract` is today's format: no normalisation at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from ebok.core import settings
from ebok.core.contract import FILES, FileSpec
from ebok.core.errors import FormError, Problems
from ebok.core.i18n import _

BUILTIN_DIR = Path(__file__).with_name("builtin_profiles")
CONTRACT = "contract"
NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
SPECS = {spec.name: spec for spec in FILES}
ABSENT = "brak"  # pliki.NAME: brak – the export has no such file

TOP_KEYS = ("nazwa", "opis", "kontrakt", "format", "pliki")
FORMAT_KEYS = ("kodowanie", "separator", "data", "miesiac", "przecinek", "tysiace")
FILE_KEYS = ("plik", "arkusz", "format", "kolumny")
ENCODINGS = ("auto", "utf-8", "cp1250")
SEPARATORS = {";": ";", ",": ",", "tab": "\t", "|": "|"}
DATE_TOKENS = {"DD": r"(?P<d>\d{1,2})", "MM": r"(?P<m>\d{1,2})", "YYYY": r"(?P<y>\d{4})",
               "RRRR": r"(?P<y>\d{4})", "YY": r"(?P<yy>\d{2})", "RR": r"(?P<yy>\d{2})"}  # fmt: skip
DATE_TOKEN_RE = re.compile("|".join(sorted(DATE_TOKENS, key=len, reverse=True)))


# --- expressions -----------------------------------------------------------------------------------


class Unmapped(ValueError):
    """A value map has no entry for the source value."""

    def __init__(self, value: str, known: Iterable[str]) -> None:
        super().__init__(value)
        self.value = value
        self.known = ", ".join(known)


@dataclass(frozen=True)
class Expr:
    """A declarative, side-effect-free expression over one source row (no eval)."""

    op: str  # column, const, join, split, map
    column: str = ""  # op column: the source column's name as in the header
    value: str = ""  # op const: the text; join/split: the separator
    parts: tuple[Expr, ...] = ()  # join: the pieces; split/map: (the expression split or mapped,)
    span: tuple[int, int | None] = (1, 1)  # split: first and last piece, 1-based, negative from the end
    values: tuple[tuple[str, str], ...] = ()  # map: source value -> contract value
    default: str | None = None  # map: value for anything not in values (None: an error)

    def sources(self) -> list[str]:
        """Return the source columns the expression reads, in order."""
        if self.op == "column":
            return [self.column]
        return [name for part in self.parts for name in part.sources()]

    def evaluate(self, row: dict[str, str]) -> str:
        """Return the contract value for ROW (source column name, case-folded -> text)."""
        if self.op == "column":
            return row.get(self.column.casefold(), "")
        if self.op == "const":
            return self.value
        if self.op == "join":
            return self.value.join(p for p in (part.evaluate(row) for part in self.parts) if p.strip())
        inner = self.parts[0].evaluate(row).strip()
        return self._split(inner) if self.op == "split" else self._map(inner)

    def _split(self, text: str) -> str:
        """Return the pieces self.span of TEXT cut at the separator (any whitespace for a space)."""
        spaces = not self.value.strip()
        pieces = text.split() if spaces else text.split(self.value)
        first, last = self.span
        start = first - 1 if first > 0 else len(pieces) + first
        stop = len(pieces) if last is None else (last if last > 0 else len(pieces) + last + 1)
        return (" " if spaces else self.value).join(pieces[max(start, 0) : stop])

    def _map(self, text: str) -> str:
        """Return the contract value of source value TEXT; raise Unmapped when the map has none."""
        if text == "":
            return ""
        found = self.lookup.get(text.casefold())
        if found is not None:
            return found
        if self.default is not None:
            return text if self.default == "=" else self.default
        raise Unmapped(text, (k for k, _v in self.values))

    @cached_property
    def lookup(self) -> dict[str, str]:
        """The value map keyed by case-folded source value: codes match without regard to case."""
        return {k.casefold(): v for k, v in self.values}

    def describe(self) -> str:
        """Return the expression as a short Polish text for `profile check`."""
        if self.op == "column":
            return f"„{self.column}”"
        if self.op == "const":
            return _("stała „{value}”").format(value=self.value)
        if self.op == "join":
            parts = ", ".join(p.describe() for p in self.parts)
            return _("połącz({parts}; separator „{separator}”)").format(parts=parts, separator=self.value)
        if self.op == "split":
            first, last = self.span
            which = (
                _("część {first}").format(first=first)
                if first == last
                else _("części {first}..{last}").format(first=first, last="" if last is None else last)
            )
            return _("podziel({source}; separator „{separator}”; {which})").format(
                source=self.parts[0].describe(), separator=self.value, which=which
            )
        pairs = ", ".join(f"{k}→{v}" for k, v in self.values)
        return _("mapa({source}: {pairs})").format(source=self.parts[0].describe(), pairs=pairs)


# --- the profile -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formats:
    """How the source writes text, dates and numbers (None: as the contract, left unchanged)."""

    encoding: str = "auto"
    delimiter: str | None = None
    date: str | None = None
    month: str | None = None
    decimal: str | None = None
    thousands: str = ""


@dataclass(frozen=True)
class FileMap:
    """Where one contract file comes from and how its columns are computed."""

    spec: FileSpec
    pattern: str  # file name or glob pattern in the export folder
    sheet: str | None
    formats: Formats
    columns: tuple[tuple[str, Expr], ...]  # contract column -> expression, in contract order


@dataclass(frozen=True)
class Profile:
    """A validated mapping profile."""

    name: str
    description: str
    identity: bool  # the contract itself: files are read as they are
    files: tuple[FileMap, ...] = ()
    absent: tuple[str, ...] = ()  # contract files the export does not have
    path: Path | None = None

    def file(self, name: str) -> FileMap | None:
        """Return the mapping of contract file NAME, None when the export has none."""
        return next((f for f in self.files if f.spec.name == name), None)


class _Walker:
    """Collects the profile's problems, each named by its key path."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems = Problems()

    def add(self, path: str, message: str) -> None:
        where = (
            _("Profil „{name}”, {path}").format(name=self.name, path=path)
            if path
            else _("Profil „{name}”").format(name=self.name)
        )
        self.problems.add(where, message)

    def mapping(self, value: Any, path: str, keys: Iterable[str]) -> dict[str, Any]:
        """Return VALUE if it is a mapping of known KEYS (unknown keys reported), else {}."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(path, _("oczekiwano słownika (klucz: wartość), jest {kind}").format(kind=_kind(value)))
            return {}
        allowed = tuple(keys)
        for key in value:
            if key not in allowed:
                self.add(
                    _join(path, str(key)),
                    _("nieznany klucz (dozwolone: {allowed})").format(allowed=", ".join(allowed)),
                )
        return value

    def text(self, value: Any, path: str, choices: Iterable[str] = (), empty: bool = False) -> str | None:
        """Return VALUE as text (numbers allowed), None (reported) if it is not text or not a choice."""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(path, _("oczekiwano tekstu, jest {kind}").format(kind=_kind(value)))
            return None
        text = str(value)
        allowed = tuple(choices)
        if allowed and text not in allowed:
            self.add(
                path,
                _("„{value}” nie jest dozwoloną wartością (dozwolone: {allowed})").format(
                    value=text, allowed=", ".join(allowed)
                ),
            )
            return None
        if not empty and not text.strip():
            self.add(path, _("wartość nie może być pusta"))
            return None
        return text


def _kind(value: Any) -> str:
    """Name the YAML type of VALUE in the language of the run."""
    if value is None:
        return _("wartość pusta")
    if isinstance(value, bool):
        return _("wartość logiczna")
    if isinstance(value, int | float):
        return _("liczba")
    if isinstance(value, str):
        return _("tekst")
    if isinstance(value, list):
        return _("lista")
    return _("słownik")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _formats(walk: _Walker, raw: Any, path: str, base: Formats) -> Formats:
    """Return BASE overridden by the format keys in RAW."""
    data = walk.mapping(raw, path, FORMAT_KEYS)
    values = dict(base.__dict__)
    if "kodowanie" in data:
        values["encoding"] = walk.text(data["kodowanie"], _join(path, "kodowanie"), ENCODINGS) or "auto"
    if "separator" in data:
        sep = walk.text(data["separator"], _join(path, "separator"), SEPARATORS, empty=True)
        values["delimiter"] = SEPARATORS.get(sep or "")
    for key, attr, needs in (("data", "date", ("DD", "MM")), ("miesiac", "month", ("MM",))):
        if key in data:
            values[attr] = _date_format(walk, data[key], _join(path, key), needs)
    if "przecinek" in data:
        values["decimal"] = walk.text(data["przecinek"], _join(path, "przecinek"), (",", "."))
    if "tysiace" in data:
        values["thousands"] = (
            walk.text(data["tysiace"], _join(path, "tysiace"), ("", " ", ".", ","), True) or ""
        )
    if values["decimal"] and values["decimal"] == values["thousands"]:
        walk.add(_join(path, "tysiace"), _("separator tysięcy musi być inny niż przecinek dziesiętny"))
    return Formats(**values)


def _date_format(walk: _Walker, raw: Any, path: str, needs: tuple[str, ...]) -> str | None:
    """Return the date format RAW (e.g. DD.MM.YYYY) if it has the day, month and year tokens it NEEDS."""
    text = walk.text(raw, path)
    tokens = set(DATE_TOKEN_RE.findall(text or ""))
    if text and not (set(needs) <= tokens and {"YYYY", "RRRR", "YY", "RR"} & tokens):
        walk.add(path, _("„{value}” nie jest formatem daty (np. DD.MM.YYYY, YYYY-MM-DD)").format(value=text))
    return text or None


def _expr(walk: _Walker, raw: Any, path: str) -> Expr | None:
    """Return the expression written as RAW (a column name or a one-key mapping), None if invalid."""
    if isinstance(raw, str | int) and not isinstance(raw, bool):
        if str(raw).strip():
            return Expr("column", column=str(raw))
        walk.add(path, _("pusta nazwa kolumny źródłowej"))
        return None
    ops = ("column", "const", "join", "split", "map")
    if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in ops:
        walk.add(
            path,
            _("oczekiwano nazwy kolumny źródłowej albo jednego z: {choices}").format(choices=", ".join(ops)),
        )
        return None
    op, arg = next(iter(raw.items()))
    here = _join(path, op)
    if op == "column":
        name = walk.text(arg, here)
        return Expr("column", column=name) if name else None
    if op == "const":
        text = walk.text("" if arg is None else arg, here, empty=True)
        return Expr("const", value=text) if text is not None else None
    if op == "join":
        return _join_expr(walk, arg, here)
    return _split_expr(walk, arg, here) if op == "split" else _map_expr(walk, arg, here)


def _inner(walk: _Walker, data: dict[str, Any], path: str) -> Expr | None:
    """Return the expression a split or map works on: `column: NAME` or `value: EXPRESSION`."""
    if ("column" in data) == ("value" in data):
        walk.add(path, _("podaj dokładnie jedno z: column (kolumna źródłowa), value (wyrażenie)"))
        return None
    if "column" in data:
        name = walk.text(data["column"], _join(path, "column"))
        return Expr("column", column=name) if name else None
    return _expr(walk, data["value"], _join(path, "value"))


def _join_expr(walk: _Walker, arg: Any, path: str) -> Expr | None:
    """join: [expr, ...] (pieces joined by a space) or {parts: [...], sep: TEXT}."""
    data = {"parts": arg} if isinstance(arg, list) else walk.mapping(arg, path, ("parts", "sep"))
    parts = data.get("parts")
    if not isinstance(parts, list) or not parts:
        walk.add(_join(path, "parts"), _("oczekiwano niepustej listy wyrażeń"))
        return None
    exprs = [_expr(walk, p, f"{_join(path, 'parts')}[{i + 1}]") for i, p in enumerate(parts)]
    sep = walk.text(data.get("sep", " "), _join(path, "sep"), empty=True)
    if sep is None or any(e is None for e in exprs):
        return None
    return Expr("join", value=sep, parts=tuple(e for e in exprs if e is not None))


def _split_expr(walk: _Walker, arg: Any, path: str) -> Expr | None:
    """split: {column|value, sep, part} or {column|value, sep, from, to}; pieces 1-based, -1 the last."""
    data = walk.mapping(arg, path, ("column", "value", "sep", "part", "from", "to"))
    inner = _inner(walk, data, path)
    sep = walk.text(data.get("sep", " "), _join(path, "sep"), empty=True)
    where = _span(walk, data, path)
    if inner is None or sep is None or where is None:
        return None
    return Expr("split", value=sep, parts=(inner,), span=where)


def _span(walk: _Walker, data: dict[str, Any], path: str) -> tuple[int, int | None] | None:
    """Return the (first, last) pieces a split keeps from `part` or `from`/`to`; None if invalid."""
    span: list[int | None] = []
    for key in ("part", "from", "to"):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value == 0):
            walk.add(_join(path, key), _("oczekiwano numeru części: 1, 2, … albo -1 (ostatnia), -2, …"))
            return None
        span.append(value)
    part, first, last = span
    if part is not None and (first is not None or last is not None):
        walk.add(path, _("podaj part albo from/to, nie oba"))
        return None
    if part is None and first is None and last is None:
        walk.add(path, _("podaj part (numer części) albo from i to"))
        return None
    return (part, part) if part is not None else (first or 1, last)


def _map_expr(walk: _Walker, arg: Any, path: str) -> Expr | None:
    """map: {column|value, values: {source: contract}, default: TEXT or '=' (keep the source value)}."""
    data = walk.mapping(arg, path, ("column", "value", "values", "default"))
    inner = _inner(walk, data, path)
    raw = data.get("values")
    if not isinstance(raw, dict) or not raw:
        walk.add(_join(path, "values"), _("oczekiwano słownika wartość źródłowa: wartość kontraktu"))
        return None
    values = []
    for key, value in raw.items():
        source = walk.text(key, _join(path, f"values.{key}"), empty=True)
        target = walk.text("" if value is None else value, _join(path, f"values.{key}"), empty=True)
        if source is not None and target is not None:
            values.append((source.strip(), target))
    default = walk.text(data["default"], _join(path, "default"), empty=True) if "default" in data else None
    if inner is None:
        return None
    return Expr("map", parts=(inner,), values=tuple(values), default=default)


def _columns(walk: _Walker, spec: FileSpec, raw: Any, path: str) -> dict[str, Expr | None]:
    """Return {contract column: expression} of a file's `kolumny`; every required column must be there."""
    known = [c.name for c in spec.columns]
    if raw is not None and not isinstance(raw, dict):
        walk.add(
            path,
            _("oczekiwano słownika kolumna kontraktu: kolumna źródłowa, jest {kind}").format(kind=_kind(raw)),
        )
    columns = raw if isinstance(raw, dict) else {}
    for name in columns:
        if name not in known:
            walk.add(_join(path, str(name)), _("nieznana kolumna kontraktu „{column}”").format(column=name))
    if not columns:
        walk.add(path, _("brak kolumn: podaj, z czego powstaje każda kolumna kontraktu"))
        return {}
    for col in spec.columns:
        if col.required and col.name not in columns:
            walk.add(path, _("brak wymaganej kolumny kontraktu „{column}”").format(column=col.name))
    return {c: _expr(walk, columns[c], _join(path, c)) for c in known if c in columns}


def _file_map(walk: _Walker, spec: FileSpec, raw: Any, path: str, base: Formats) -> FileMap | None:
    """Return the mapping of contract file SPEC from its profile entry RAW."""
    data = walk.mapping(raw, path, FILE_KEYS)
    pattern = walk.text(data["plik"], _join(path, "plik")) if "plik" in data else None
    if "plik" not in data:
        walk.add(
            _join(path, "plik"),
            _("podaj nazwę pliku albo wzorzec, np. {example}").format(example=f"{spec.name}*.csv"),
        )
    sheet = walk.text(data["arkusz"], _join(path, "arkusz")) if "arkusz" in data else None
    formats = _formats(walk, data.get("format"), _join(path, "format"), base)
    exprs = _columns(walk, spec, data.get("kolumny"), _join(path, "kolumny"))
    if sheet is not None and pattern and not pattern.lower().endswith((".xlsx", ".xlsm", "*")):
        walk.add(_join(path, "arkusz"), _("arkusz ma sens tylko dla skoroszytu .xlsx"))
    if pattern is None or any(e is None for e in exprs.values()):
        return None
    return FileMap(spec, pattern, sheet, formats, tuple((k, v) for k, v in exprs.items() if v is not None))


def from_dict(data: Any, name: str, path: Path | None = None) -> Profile:
    """Validate parsed YAML DATA as the profile NAME; raise FormError with every problem."""
    walk = _Walker(name)
    top = walk.mapping(data, "", TOP_KEYS)
    if not top and not walk.problems.problems:
        walk.add("", _("profil jest pusty"))
    description = walk.text(top.get("opis", ""), "opis", empty=True) or ""
    if top.get("kontrakt") is True:
        walk.problems.raise_if_any()
        return Profile(name, description, identity=True, path=path)
    if "kontrakt" in top and top["kontrakt"] is not False:
        walk.add("kontrakt", _("oczekiwano true albo false"))
    base = _formats(walk, top.get("format"), "format", Formats())
    entries = walk.mapping(top.get("pliki"), "pliki", SPECS)
    files, absent = [], []
    for spec in FILES:
        raw = entries.get(spec.name)
        here = f"pliki.{spec.name}"
        if raw == ABSENT or (spec.name not in entries and not spec.required):
            if spec.required:
                walk.add(
                    here,
                    _("plik {file} jest wymagany przez kontrakt; nie może być „{absent}”").format(
                        file=spec.filename, absent=ABSENT
                    ),
                )
            absent.append(spec.name)
        elif spec.name not in entries:
            walk.add(here, _("brak opisu wymaganego pliku {file}").format(file=spec.filename))
        elif (mapped := _file_map(walk, spec, raw, here, base)) is not None:
            files.append(mapped)
    walk.problems.raise_if_any()
    return Profile(name, description, identity=False, files=tuple(files), absent=tuple(absent), path=path)


def office_dir() -> Path:
    """Return the folder of the office's own profiles ($EBOK_DATA_DIR/profiles)."""
    return settings.data_dir() / "profiles"


def available() -> dict[str, Path]:
    """Return {name: path} of every profile: built-in ones, then the office's (which win)."""
    found = {p.stem: p for p in sorted(BUILTIN_DIR.glob("*.yaml"))}
    folder = office_dir()
    if folder.is_dir():
        found.update({p.stem: p for p in sorted(folder.glob("*.yaml")) if NAME_RE.fullmatch(p.stem)})
    return found


def load_profile(name: str) -> Profile:
    """Return the validated profile NAME (or a path to a .yaml file); raise FormError."""
    path = Path(name)
    if not name.endswith((".yaml", ".yml")):
        known = available()
        if name not in known:
            raise FormError.one(
                _("Profil „{name}”").format(name=name),
                _("nie ma takiego profilu (są: {known})").format(known=", ".join(known)),
            )
        path = known[name]
    elif not path.is_file():
        raise FormError.one(_("Profil „{name}”").format(name=name), _("nie ma takiego pliku"))
    label = path.stem
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = (
            _("nieprawidłowy YAML w wierszu {line}, kolumnie {column}").format(
                line=mark.line + 1, column=mark.column + 1
            )
            if mark
            else _("nieprawidłowy YAML")
        )
        raise FormError.one(_("Profil „{name}”").format(name=label), problem) from exc
    return from_dict(data, label, path)


def default_name(read_config: Callable[[], str | None]) -> str:
    """Return the profile named in the office config (READ_CONFIG), else the contract."""
    return read_config() or CONTRACT
