"""Data status: load history from the store and the warehouse, rejected rows, missed nightly load."""

from __future__ import annotations

import datetime as dt
import io
import json

from sqlalchemy import insert

from ebok.core import clock, settings
from ebok.domain import data_status, notifications
from ebok.loader import run as loader
from ebok.storage import store, warehouse
from ebok.storage.tables import load_runs
from tests.helpers import loader as lh
from tests.helpers import tiny_warehouse as tw

NOW = dt.datetime(2026, 11, 21, 9, 0)


def _row(load_id, started, status, errors=None, counts=None):
    with store.engine().begin() as con:
        con.execute(
            insert(load_runs).values(
                load_id=load_id,
                started_at=started,
                finished_at=started + dt.timedelta(minutes=2),
                source="/srv/eksport",
                status=status,
                row_counts=json.dumps(counts or {}),
                errors=json.dumps(errors or []),
            )
        )


def test_no_load_ever():
    assert (
        data_status.missed_nightly(NOW) == "Nie było jeszcze udanego ładowania danych z systemu księgowego."
    )


def test_ok_load_within_26_hours_is_fine():
    _row("a", dt.datetime(2026, 11, 20, 7, 0), "ok")  # finished 07:02, 25 h 58 min before NOW
    assert data_status.missed_nightly(NOW) is None


def test_missed_nightly_load_counts_failed_attempts():
    _row("a", dt.datetime(2026, 11, 20, 6, 0), "ok")  # finished 06:02: 26 h 58 min before NOW
    _row("b", dt.datetime(2026, 11, 21, 2, 0), "rejected")
    warning = data_status.missed_nightly(NOW)
    assert warning.startswith("Ostatnie udane ładowanie było 26 godz. temu — nocne ładowanie się nie odbyło.")
    assert "Od tego czasu 1 próba zakończona odrzuceniem lub błędem." in warning


def test_runs_newest_first_with_problems_and_counts():
    errors = [
        {"level": "error", "file": "customers.csv", "line": 3, "column": "nip", "message_pl": "zły NIP",
         "message_en": "bad NIP"},
        {"level": "warning", "file": "ledger.csv", "line": None, "column": None, "message_pl": "uwaga",
         "message_en": "note"},
    ]  # fmt: skip
    _row("a", dt.datetime(2026, 11, 19, 2, 0), "ok", counts={"customers": 2, "premises": 3})
    _row("b", dt.datetime(2026, 11, 20, 2, 0), "rejected", errors=errors)
    items = data_status.runs()
    assert [r.load_id for r in items] == ["b", "a"]
    assert items[0].status_label == "odrzucone"
    assert [(p.file, p.line, p.column, p.message) for p in items[0].errors] == [
        ("customers.csv", 3, "nip", "zły NIP")
    ]
    assert len(items[0].warnings) == 1
    assert items[1].total_rows == 5
    assert data_status.last_ok(items).load_id == "a"
    assert data_status.runs(lang="en")[0].errors[0].message == "bad NIP"


def test_real_loads_ok_then_rejected(tmp_path):
    good = lh.write_export(tmp_path / "good")
    assert loader.load(good, stream=io.StringIO()).status == "ok"
    data = lh.rows()
    data["customers"][1]["nip"] = "5260250275"  # bad check digit
    bad = lh.write_export(tmp_path / "bad", data)
    assert loader.load(bad, stream=io.StringIO()).status == "rejected"
    latest, first = data_status.runs()[:2]
    assert (latest.status, first.status) == ("rejected", "ok")
    assert any(p.file == "customers.csv" and p.column == "nip" for p in latest.errors)
    assert first.row_counts["customers"] == 2 and first.row_counts["premises"] == 3
    history = data_status.warehouse_loads()
    assert [r.status for r in history] == ["ok"]  # the warehouse records the load that built it
    current, published = data_status.versions()
    assert current == first.warehouse_file and published == [current]
    assert data_status.missed_nightly(first.finished_at + dt.timedelta(hours=1)) is None


def test_outbox_summary():
    from ebok.storage import outbox

    assert data_status.outbox_state() == data_status.Outbox(0, 0, None)
    outbox.queue("anna@example.pl", "Temat", "Treść")
    second = outbox.queue("jan@example.pl", "Temat", "Treść")
    # Nothing listens on port 9 of loopback: the attempt fails and is rescheduled.
    outbox.flush(settings=outbox.SmtpSettings(host="127.0.0.1", port=9, timeout=2))
    box = data_status.outbox_state()
    assert (box.pending, box.failing) == (2, 2)
    assert box.last_error and second


def _broken_current(name: str = "wh-20261130T020000000000Z.duckdb") -> str:
    """Point CURRENT at NAME, which holds random bytes; return the path."""
    path = settings.warehouse_dir() / name
    path.write_bytes(bytes(range(256)) * 8)
    warehouse.publish(path)
    return str(path)


def test_warehouse_problem_none_when_in_order():
    assert data_status.warehouse_problem() is None  # before the first load
    tw.build({})
    assert data_status.warehouse_problem() is None


def test_warehouse_problem_with_a_good_version_served():
    good = tw.build({}).name
    path = _broken_current()
    problem = data_status.warehouse_problem()
    assert problem == data_status.WarehouseProblem(
        f"Plik hurtowni wskazany w CURRENT nie nadaje się do użycia: {path} — to nie jest plik bazy DuckDB "
        f"(uszkodzony albo inny plik). Portal pokazuje teraz dane z poprzedniej dobrej wersji {good}. "
        "Sprawdź przyczynę (dysk, niedokończona kopia, ręczna zmiana) i utrwal tę wersję poleceniem:",
        f"python -m ebok rollback {good}",
        unavailable=False,
    )
    assert data_status.versions()[0] == good  # "Hurtownia w użyciu"


def test_warehouse_problem_without_a_good_version():
    path = _broken_current()
    problem = data_status.warehouse_problem()
    assert problem is not None and problem.unavailable
    assert problem.text.startswith(f"Plik hurtowni wskazany w CURRENT nie nadaje się do użycia: {path} — ")
    assert "„Dane są chwilowo niedostępne”" in problem.text
    assert problem.command == "python -m ebok load KATALOG_EKSPORTU"
    assert data_status.warehouse_loads() == []  # the history inside the warehouse: none readable


def test_notification_counts_per_event_for_the_last_month():
    tw.build({"customers": [{"customer_id": "L0001", "name": "Anna", "email": "anna@example.pl"}]})
    notifications.record_consent("L0001", True, "anna")
    occurrences = [
        notifications.Occurrence("invoice", "L0001", "P1:FV/1", "FV/1"),
        notifications.Occurrence("invoice", "L0001", "P1:FV/2", "FV/2"),
        notifications.Occurrence("overdue", "L0001", "P1:2026-11-21", "zaległość"),
    ]
    notifications.deliver(occurrences)
    rows = {r["Zdarzenie"]: r for r in data_status.notification_rows()}
    assert rows["Nowa faktura"]["Wysłane e-mailem"] == 2  # two invoices, one e-mail
    assert rows["Zaległość po terminie"]["Wysłane e-mailem"] == 1
    assert rows["Nowy dokument"]["Wysłane e-mailem"] == 0
    assert rows["Nowa faktura"]["Przyjęte przez serwer poczty"] == 0  # queued, not yet sent
    later = data_status.notification_rows(now=clock.now() + dt.timedelta(days=31))
    assert all(r["Wysłane e-mailem"] == 0 for r in later)
