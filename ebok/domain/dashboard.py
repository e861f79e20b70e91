"""Pulpit biura: what waits for the office (registrations, new inbox items) and how the last load went."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ebok.auth import registration
from ebok.core import fmt
from ebok.core.i18n import N_, _
from ebok.domain import data_status, inbox
from ebok.storage import warehouse

LOAD_OUTCOME = {"ok": N_("OK"), "rejected": N_("odrzucone"), "failed": N_("błąd"), "running": N_("w toku")}


@dataclass(frozen=True)
class OfficeDashboard:
    """The office's start page in numbers."""

    pending_registrations: int  # registrations waiting for approval or refusal
    new_items: int  # inbox items still "Nowe": nobody has answered or taken them up yet
    last_load: data_status.LoadRun | None  # the newest load attempt, whatever its outcome
    warehouse_version: str | None  # the warehouse file residents see now
    missed_warning: str | None  # no successful load within a night and a bit

    @property
    def load_outcome(self) -> str:
        """Return the last load's outcome (OK, odrzucone, błąd, w toku) or 'brak', in the run's language."""
        if self.last_load is None:
            return _("brak")
        status = self.last_load.status
        return _(LOAD_OUTCOME[status]) if status in LOAD_OUTCOME else status

    @property
    def load_failed(self) -> bool:
        """Return True when the newest load attempt ended rejected or failed (the old data stay)."""
        return self.last_load is not None and self.last_load.status in ("rejected", "failed")

    def load_text(self) -> str:
        """Return when the last load ran (Polish time, as the loader writes it) and what it built."""
        run = self.last_load
        if run is None:
            return _("Nie było jeszcze żadnego ładowania danych z systemu księgowego.")
        when = fmt.datetime(run.finished_at or run.started_at)
        if run.warehouse_file:
            return _("{when} · wersja {file}").format(when=when, file=run.warehouse_file)
        return _("{when} · bez nowej wersji danych").format(when=when)


def office_dashboard(now: dt.datetime | None = None) -> OfficeDashboard:
    """Count what waits for the office and read the newest load (NOW: Polish local time, for tests)."""
    runs = data_status.runs(limit=200)
    return OfficeDashboard(
        pending_registrations=len(registration.pending()),
        new_items=inbox.status_counts()["nowe"],
        last_load=runs[0] if runs else None,
        warehouse_version=warehouse.current_version(),
        missed_warning=data_status.missed_nightly(now, runs),
    )
