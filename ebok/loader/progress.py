"""Progress of a load: stages with row counts, elapsed time and an estimate of the rest.

The loader calls a `Progress` (stage, advance, done) and never prints itself. Four kinds:
a rich bar for a terminal, one plain line per stage for logs and systemd's journal, silence
for `--quiet` and tests, and a plain callable (the office page turns it into st.progress).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import BarColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.progress import Progress as RichBar

from ebok.core import i18n
from ebok.core.i18n import N_, _

# The stages' Polish names identify them; shown, they are translated (Snapshot.label).
VALIDATING = N_("Sprawdzanie plików")
TYPING = N_("Typowanie")
CHECKING = N_("Sprawdzanie powiązań")
BUILDING = N_("Budowanie hurtowni")
DERIVED = N_("Tabele pochodne")
COPYING = N_("Kopiowanie danych portalu")
PUBLISHING = N_("Publikacja")
STAGES = (VALIDATING, TYPING, CHECKING, BUILDING, DERIVED, COPYING, PUBLISHING)


def _english() -> bool:
    """True when this run speaks English (thousands with a comma, a decimal point)."""
    return i18n.current() == "en"


def _rows(n: int) -> str:
    """Thousands with a space, as Polish and Ukrainian texts write them (a comma in English)."""
    return f"{n:,}" if _english() else f"{n:,}".replace(",", " ")


def _seconds(s: float) -> str:
    """Seconds with a decimal comma (a point in English), or minutes and seconds from a minute on."""
    if s < 60:
        text = f"{s:.1f}"
        return _("{seconds} s").format(seconds=text if _english() else text.replace(".", ","))
    return _("{minutes} min {seconds} s").format(minutes=int(s // 60), seconds=f"{int(s % 60):02d}")


@dataclass(frozen=True)
class Snapshot:
    """Where a load is: the stage (number `index` of `count`), rows done of `total`, times."""

    stage: str
    index: int
    count: int
    rows: int
    total: int | None
    elapsed: float
    remaining: float | None  # None until there is something to estimate from
    item: str | None = None  # the file (or table) being worked on
    finished: bool = False

    @property
    def fraction(self) -> float:
        """Share of the stage done, 0..1 (0 when the total is unknown)."""
        return min(1.0, self.rows / self.total) if self.total else (1.0 if self.finished else 0.0)

    def label(self) -> str:
        """The stage, its number and the file: 'Typowanie (2/7): charges.csv', in the language of this run."""
        name = _(self.stage) if self.stage else ""
        if self.item:
            return _("{stage} ({index}/{count}): {item}").format(
                stage=name, index=self.index, count=self.count, item=self.item
            )
        return _("{stage} ({index}/{count})").format(stage=name, index=self.index, count=self.count)

    def rows_text(self) -> str:
        """Rows done (of the total): '1 234 567 / 6 102 993 wierszy', '' when there is nothing to say."""
        if self.total:
            return _("{rows} / {total} wierszy").format(rows=_rows(self.rows), total=_rows(self.total))
        if self.rows:
            return _("{rows} wierszy").format(rows=_rows(self.rows))
        return ""

    def text(self) -> str:
        """One line: 'Typowanie (2/7): charges.csv, 1 234 567 / 6 102 993 wierszy, 12,3 s, zostało ok. 45,0 s'."""
        parts = [self.label(), self.rows_text(), _seconds(self.elapsed)]
        if self.remaining is not None and not self.finished:
            parts.append(_("zostało ok. {time}").format(time=_seconds(self.remaining)))
        return ", ".join(p for p in parts if p)


class Progress(Protocol):
    """What the loader reports to: a stage starts, rows get done, the stage ends."""

    def stage(self, name: str, total: int | None = None) -> None:
        """Start stage NAME (one of STAGES) with TOTAL rows to do, if known."""

    def advance(self, rows: int = 0, item: str | None = None) -> None:
        """ROWS more rows are done; ITEM names the file or table now worked on."""

    def done(self) -> None:
        """End the current stage."""

    def close(self) -> None:
        """The load is over (ends a stage left open)."""


class Tracker:
    """Counts rows and time of the current stage and hands a Snapshot to `show`."""

    def __init__(self, show: Callable[[Snapshot], None], clock: Callable[[], float] = time.monotonic) -> None:
        self.show = show
        self.clock = clock
        self.name: str | None = None
        self.total: int | None = None
        self.rows = 0
        self.item: str | None = None
        self.started = 0.0

    def stage(self, name: str, total: int | None = None) -> None:
        """Start stage NAME (ending the previous one, if still open)."""
        if self.name is not None:
            self.done()
        self.name, self.total, self.rows, self.item = name, total, 0, None
        self.started = self.clock()
        self.show(self.snapshot())

    def advance(self, rows: int = 0, item: str | None = None) -> None:
        """Count ROWS more and show where the stage is."""
        if self.name is None:
            return
        self.rows += rows
        self.item = item or self.item
        self.show(self.snapshot())

    def done(self) -> None:
        """Show the stage as finished."""
        if self.name is None:
            return
        self.show(self.snapshot(finished=True))
        self.name = None

    def close(self) -> None:
        """End a stage left open (a load that stopped early)."""
        self.done()

    def snapshot(self, finished: bool = False) -> Snapshot:
        """The current stage's Snapshot; the estimate assumes the rest goes as fast as what is done."""
        name = self.name or ""
        elapsed = self.clock() - self.started
        remaining = None
        if self.total and self.rows and not finished:
            remaining = elapsed * max(self.total - self.rows, 0) / self.rows
        index = STAGES.index(name) + 1 if name in STAGES else 0
        return Snapshot(name, index, len(STAGES), self.rows, self.total, elapsed, remaining,
                        None if finished else self.item, finished)  # fmt: skip


class Quiet:
    """Reports nothing (`--quiet`, tests, the library default)."""

    def stage(self, name: str, total: int | None = None) -> None:
        """Ignore."""

    def advance(self, rows: int = 0, item: str | None = None) -> None:
        """Ignore."""

    def done(self) -> None:
        """Ignore."""

    def close(self) -> None:
        """Ignore."""


class Callback(Tracker):
    """Hands every Snapshot to a plain callable (the office page draws st.progress from it)."""

    def __init__(self, fn: Callable[[Snapshot], None]) -> None:
        super().__init__(fn)


class Lines(Tracker):
    """One line per finished stage (non-terminal stderr, systemd's journal): no bars, no carriage returns."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(self._line)
        self.stream = stream

    def _line(self, snap: Snapshot) -> None:
        if snap.finished:
            print(snap.text(), file=self.stream or sys.stderr, flush=True)


class Bar(Tracker):
    """A rich progress bar per stage on a terminal, kept on screen when the stage ends."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(self._draw)
        self.bar = RichBar(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[rows]}"),
            TimeElapsedColumn(),
            TextColumn(_("zostało")),
            TimeRemainingColumn(),
            console=Console(file=stream or sys.stderr),
        )
        self.task: int | None = None

    def _draw(self, snap: Snapshot) -> None:
        if self.task is None:
            self._new_task(snap)
        rows = snap.rows_text() or _("{rows} wierszy").format(rows=_rows(snap.rows))
        label = snap.label()
        assert self.task is not None
        self.bar.update(self.task, completed=snap.rows, description=label, rows=rows)
        if snap.finished:
            self.bar.update(self.task, total=max(snap.rows, 1), completed=max(snap.rows, 1))
            self.bar.stop_task(self.task)
            self.task = None

    def _new_task(self, snap: Snapshot) -> None:
        if not self.bar.live.is_started:
            self.bar.start()
        self.task = self.bar.add_task(snap.label(), total=snap.total, rows="")

    def close(self) -> None:
        """End a stage left open and stop drawing (the last frame stays on screen)."""
        super().close()
        if self.bar.live.is_started:
            self.bar.stop()


def in_journal() -> bool:
    """True under systemd (its journal wants plain lines, not redrawn bars)."""
    return bool(os.environ.get("INVOCATION_ID") or os.environ.get("JOURNAL_STREAM"))


def for_cli(quiet: bool = False, stream: TextIO | None = None) -> Quiet | Lines | Bar:
    """The reporter for `python -m ebok load`: silent, one line per stage, or a rich bar on a terminal."""
    if quiet:
        return Quiet()
    out = stream or sys.stderr
    if in_journal() or not out.isatty():
        return Lines(out)
    return Bar(out)
