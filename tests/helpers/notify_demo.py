"""The demo export as a live cooperative for the notification tests: new export rows, a real SMTP server.

`World` holds a test's private copy of the demo export (tests/helpers/meters_demo: 20 premises, seed 7,
as of 21.11.2026) loaded into its data directory, the controllable clock and what a real aiosmtpd
server received. `add(table, rows)` appends rows to the export files (fixing manifest.csv) and loads
them with the real loader, as the next nightly load would; `run()` is what the timers run: `notify`,
`notify --due`, then the outbox flush.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from ebok import loader
from ebok.core import clock
from ebok.domain import notifications, notify
from ebok.storage import outbox
from tests.helpers import inbox as inbox_helpers
from tests.helpers import meters_demo


def read(export_dir: Path, table: str) -> list[dict[str, str]]:
    """Return TABLE.csv rows as dicts of strings (demo dialect: ';', UTF-8)."""
    return meters_demo.read(export_dir, table)


def append_rows(export_dir: Path, table: str, rows: list[dict[str, str]]) -> None:
    """Append ROWS (cells already in the demo dialect) to TABLE.csv and fix its manifest.csv line."""
    path = export_dir / f"{table}.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh, delimiter=";"))
    with open(path, "a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, delimiter=";", lineterminator="\n")
        writer.writerows({name: row.get(name, "") for name in header} for row in rows)
    manifest = read(export_dir, "manifest")
    for line in manifest:
        if line["file"] == f"{table}.csv":
            line["rows"] = str(int(line["rows"]) + len(rows))
            line["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    with open(export_dir / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(manifest[0]), delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(manifest)


@dataclass(frozen=True)
class Mail:
    """One e-mail the SMTP server accepted."""

    to: str
    event: str | None  # X-Ebok-Event; None for account mail
    msg: EmailMessage

    @property
    def text(self) -> str:
        """Return the plain-text part."""
        return self.msg.get_body(("plain",)).get_content()


@dataclass
class World:
    """The demo cooperative of one test: its export, clock and received mail."""

    export_dir: Path
    now: list[dt.datetime]
    received: list
    mark: int = 0
    results: list[notifications.Result] = field(default_factory=list)
    gateway: Any = None  # the fake payment gateway, when a test pays online

    def at(self, when: dt.datetime) -> None:
        """Move the clock to WHEN (naive UTC)."""
        self.now[0] = when

    def add(self, table: str, rows: list[dict[str, str]]) -> None:
        """Append ROWS to the export and load it (the next nightly load)."""
        append_rows(self.export_dir, table, rows)
        result = loader.load(self.export_dir)
        assert result.exit_code == 0, result

    def run(self) -> list[Mail]:
        """Run `notify` and `notify --due`, flush the outbox; return the mails received since the last run."""
        self.results = [notify.run(), notify.run(due=True)]
        assert [r.failed for r in self.results] == [[], []]
        outbox.flush()
        new = [Mail(rcpt[0], msg["X-Ebok-Event"], msg) for rcpt, msg in self.received[self.mark :]]
        self.mark = len(self.received)
        return new

    def count(self, event: str, to: str) -> int:
        """Run the timers' commands; return how many new mails of EVENT reached TO."""
        return sum(1 for m in self.run() if (m.event, m.to) == (event, to))

    def total(self, event: str, to: str) -> int:
        """Return how many mails of EVENT reached TO so far."""
        return sum(1 for rcpt, msg in self.received if rcpt == [to] and msg["X-Ebok-Event"] == event)

    def last(self, event: str, to: str) -> Mail:
        """Return the newest mail of EVENT to TO."""
        return next(
            Mail(to, event, msg)
            for rcpt, msg in reversed(self.received)
            if rcpt == [to] and msg["X-Ebok-Event"] == event
        )


@contextmanager
def world(data_dir: Path, export_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """Yield the demo cooperative at 21.11.2026 10:00 (Warsaw), mail going to a real SMTP server."""
    meters_demo.use(data_dir)
    meters_demo.export_copy(export_dir)
    now = [meters_demo.NOW_UTC]
    clock.set_clock(lambda: now[0])
    try:
        with inbox_helpers.smtp_server() as (port, received):
            smtp = outbox.SmtpSettings(host="127.0.0.1", port=port, sender="ebok@example.pl")
            monkeypatch.setattr(outbox, "smtp_settings", lambda: smtp)
            yield World(export_dir, now, received)
    finally:
        clock.set_clock(None)
