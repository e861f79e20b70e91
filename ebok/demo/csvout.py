"""CSV output in the export's dialects: delimiter, encoding and decimal separator."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ebok.core.contract import FileSpec

ENCODINGS = ("utf-8", "utf-8-sig", "cp1250")
DECIMALS = {"comma": ",", "dot": "."}
# Identifiers (premises ids contain / . _ -) are written unquoted, so only these separators.
DELIMITERS = (";", ",", "\t", "|")


@dataclass(frozen=True)
class Dialect:
    """How values are spelled in the files: delimiter, encoding, decimal separator, booleans."""

    delimiter: str = ";"
    encoding: str = "utf-8"
    decimal: str = "comma"

    def __post_init__(self) -> None:
        if self.encoding not in ENCODINGS:
            raise ValueError(f"encoding must be one of {ENCODINGS}")
        if self.decimal not in DECIMALS:
            raise ValueError(f"decimal must be one of {tuple(DECIMALS)}")
        if self.delimiter not in DELIMITERS or self.delimiter == DECIMALS[self.decimal]:
            raise ValueError(f"delimiter must be one of {DELIMITERS} and differ from the decimal separator")

    @property
    def point(self) -> str:
        return DECIMALS[self.decimal]


class Numbers:
    """Exact formatting of fixed-point integers (grosze, ten-thousandths) in one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self.point = dialect.point
        self.true = "tak"
        self.false = "nie"

    def money(self, cents: int) -> str:
        """Format grosze as a dec column: -1234,50."""
        sign = "-" if cents < 0 else ""
        cents = abs(cents)
        return f"{sign}{cents // 100}{self.point}{cents % 100:02d}"

    def dec4(self, units: int) -> str:
        """Format ten-thousandths as a dec4 column with 2 to 4 decimals: 3,00 or 0,0125."""
        sign = "-" if units < 0 else ""
        units = abs(units)
        frac = f"{units % 10000:04d}"
        if frac[3] == "0":
            frac = frac[:3] if frac[2] != "0" else frac[:2]
        return f"{sign}{units // 10000}{self.point}{frac}"

    def boolean(self, value: bool) -> str:
        return self.true if value else self.false


def iso_date(value: dt.date | None) -> str:
    """Format a date as YYYY-MM-DD; empty for None."""
    return value.isoformat() if value else ""


def iso_datetime(value: dt.datetime) -> str:
    """Format a moment as YYYY-MM-DD HH:MM:SS."""
    return value.strftime("%Y-%m-%d %H:%M:%S")


class TableWriter:
    """A streaming writer of one export file; counts the data rows."""

    def __init__(self, path: Path, spec: FileSpec, dialect: Dialect) -> None:
        self.path = path
        self.spec = spec
        self.rows = 0
        # newline='' lets the csv module own line endings; strict errors surface texts
        # that the chosen encoding cannot represent instead of silently mangling them.
        self._file: IO[str] = open(path, "w", encoding=dialect.encoding, newline="", errors="strict")
        self._csv = csv.writer(self._file, delimiter=dialect.delimiter, lineterminator="\n")
        self._csv.writerow([c.name for c in spec.columns])

    def write(self, row: tuple[str, ...] | list[str]) -> None:
        self._csv.writerow(row)
        self.rows += 1

    def write_many(self, rows: list[tuple[str, ...]]) -> None:
        self._csv.writerows(rows)
        self.rows += len(rows)

    def write_lines(self, lines: list[str]) -> None:
        """Write rows already encoded with quote (the fast path for the big files)."""
        self._file.write("".join(lines))
        self.rows += len(lines)

    def close(self) -> None:
        self._file.close()


def quote(value: str, delimiter: str) -> str:
    """Quote one field the way csv.QUOTE_MINIMAL does (delimiter, quote or line break inside)."""
    if delimiter in value or '"' in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def sha256_file(path: Path) -> str:
    """Return the SHA-256 of a file as lower-case hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
