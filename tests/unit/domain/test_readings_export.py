"""ebok.domain.readings_export: CSV format, marking in one transaction, batches, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal as D

import duckdb
import pytest

from ebok.core.config import ReadingWindow
from ebok.core.errors import FormError
from ebok.domain import meters, readings_export
from ebok.domain.meters import MeterPolicy
from ebok.loader.run import copy_ops
from tests.helpers import tiny_warehouse as tw
from tests.helpers.stores import empty_store_url
from tests.unit.domain.test_meters import base_tables

NOW = dt.datetime(2026, 11, 21, 10, 0)
POL = MeterPolicy(window=ReadingWindow(always_open=True))


@pytest.fixture
def subs():
    """Three submissions: two ordinary, one implausible (confirmed)."""
    tw.build(base_tables())
    out = []
    for key, meter_id, value, confirmed in (
        ("a", "M1", "140,25", False),
        ("b", "M3", "5", False),
        ("c", "M1", "500", True),
    ):
        out.append(
            meters.submit_reading(
                premises_id="P1",
                meter_id=meter_id,
                value=value,
                username="anna.nowak",
                now=NOW,
                idempotency_key=key,
                confirmed=confirmed,
                pol=POL,
            )
        )
    return out


def parse(content: bytes) -> list[dict[str, str]]:
    """Read the export back with the csv module."""
    return list(csv.DictReader(io.StringIO(content.decode("utf-8")), delimiter=";"))


def test_format_value():
    assert readings_export.format_value(D("140.2500")) == "140,25"
    assert readings_export.format_value(D("5")) == "5"
    assert readings_export.format_value(D("0.0125")) == "0,0125"
    assert readings_export.format_value(D("99999999999999.9999")) == "99999999999999,9999"
    assert readings_export.format_value(D("0.0000")) == "0"


def test_export_marks_once_and_matches_readings_columns(subs):
    first = readings_export.export_new(now=NOW, username="admin")
    assert first.rows == 3 and first.batch_id
    rows = parse(first.content)
    assert list(rows[0]) == ["reading_id", "meter_id", "reading_date", "value", "source", "submission_id"]
    by_sub = {r["submission_id"]: r for r in rows}
    a = by_sub[subs[0].submission_id]
    assert a == {
        "reading_id": "EBOK-" + subs[0].submission_id,
        "meter_id": "M1",
        "reading_date": "2026-11-21",
        "value": "140,25",
        "source": "resident",
        "submission_id": subs[0].submission_id,
    }
    assert first.content.startswith(b"reading_id;") and b"\r\n" not in first.content
    second = readings_export.export_new(now=NOW + dt.timedelta(minutes=1))
    assert second.rows == 0 and parse(second.content) == []
    again = readings_export.batch(first.batch_id)
    assert again.content == first.content and again.rows == 3
    assert readings_export.batch("nope") is None
    listed = readings_export.batches()
    assert [(b["batch_id"], b["rows"], b["implausible"]) for b in listed] == [(first.batch_id, 3, 1)]
    from ebok.storage import audit

    assert audit.entries("readings_exported")[0]["details"]["rows"] == 3


def test_skip_implausible_keeps_it_for_later(subs):
    first = readings_export.export_new(now=NOW, include_implausible=False)
    assert first.rows == 2
    assert subs[2].submission_id not in {r["submission_id"] for r in parse(first.content)}
    later = readings_export.export_new(now=NOW)
    assert [r["submission_id"] for r in parse(later.content)] == [subs[2].submission_id]


def test_failed_write_exports_nothing(subs, tmp_path):
    target = tmp_path / "missing-dir-is-a-file"
    target.write_text("x")
    with pytest.raises(OSError):
        readings_export.export_new(now=NOW, write_to=target / "out.csv")
    assert all(r["export_batch"] is None for r in readings_export.period_submissions())
    assert readings_export.export_new(now=NOW).rows == 3


def test_period_submissions(subs):
    rows = readings_export.period_submissions(dt.date(2026, 11, 1))
    assert len(rows) == 3 and [r["implausible"] for r in rows].count(True) == 1
    assert not any(r["booked"] for r in rows)
    assert readings_export.period_submissions(dt.date(2026, 10, 1)) == []
    readings_export.export_new(now=NOW)
    assert readings_export.period_submissions(dt.date(2026, 11, 1), only_pending=True) == []


def run_cli(argv: list[str]) -> int:
    """Run `python -m ebok` ARGV with only this module's commands (others may be half-built)."""
    import argparse

    from ebok import cli

    assert "ebok.domain.readings_export" in cli.COMMAND_MODULES
    parser = argparse.ArgumentParser()
    readings_export.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli(subs, tmp_path):

    out = tmp_path / "odczyty.csv"
    assert run_cli(["export-readings", "--out", str(out)]) == 0
    rows = parse(out.read_bytes())
    assert len(rows) == 3
    batch_id = readings_export.batches()[0]["batch_id"]
    out2 = tmp_path / "znowu.csv"
    assert run_cli(["export-readings", "--out", str(out2), "--batch", batch_id]) == 0
    assert out2.read_bytes() == out.read_bytes()
    assert run_cli(["export-readings", "--out", str(tmp_path / "x.csv"), "--batch", "nope"]) == 1
    assert run_cli(["export-readings", "--out", str(tmp_path / "empty.csv")]) == 0
    assert parse((tmp_path / "empty.csv").read_bytes()) == []


def test_concurrent_exports_are_disjoint(subs):
    import threading

    batches, barrier = [], threading.Barrier(3)

    def export() -> None:
        barrier.wait()
        batches.append(readings_export.export_new(now=NOW))

    threads = [threading.Thread(target=export) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    exported = [r["submission_id"] for b in batches for r in parse(b.content)]
    assert sorted(exported) == sorted(s.submission_id for s in subs)  # each exactly once


def test_office_rows_name_meters_csv_keeps_ids(subs):
    rows = readings_export.period_submissions(dt.date(2026, 11, 1))
    shown = readings_export.office_rows(rows)
    # The same order as the rows (submission time, then id); people read medium and serial number.
    expected = {"M1": "Woda zimna, nr SN-M1", "M3": "Woda ciepła, nr SN-M3"}
    assert [r["Licznik"] for r in shown] == [expected[r["meter_id"]] for r in rows]
    assert not any(r["Licznik"] in {"M1", "M3"} for r in shown)
    # The accounting system's file keeps the internal ids.
    content = readings_export.export_new(now=NOW).content
    assert sorted(r["meter_id"] for r in parse(content)) == ["M1", "M1", "M3"]
    # A meter the warehouse no longer lists: the id is the office's only lead, said so.
    assert readings_export.meter_label("M7", {}) == "licznik usunięty z ewidencji (id M7)"
    assert readings_export.photo_label(
        rows[0], {"M1": "Woda zimna, nr SN-M1", "M3": "Woda ciepła, nr SN-M3"}
    ) == (f"{rows[0]['submission_id']} — {expected[rows[0]['meter_id']]}, lokal P1")


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1 odczyt"), (2, "2 odczyty"), (5, "5 odczytów"), (12, "12 odczytów"), (22, "22 odczyty")],
)
def test_readings_count(n, text):
    assert readings_export.readings_count(n) == text


def test_cli_counts_in_polish(subs, tmp_path, capsys):
    assert run_cli(["export-readings", "--out", str(tmp_path / "o.csv")]) == 0
    assert ": zapisano 3 odczyty do " in capsys.readouterr().out


# --- numbers stored exactly: typed = stored = exported = copied to the warehouse -----------------

# As a resident types them; each is also the export's text for it (decimal comma, no trailing zeros).
EDGE_VALUES = (
    "99999999999999,9999",  # the largest NUMERIC(18,4) holds: SQLite's double made it 100000000000000
    "12345678901234,5678",  # every decimal place used: the double gave …,5684
    "0",
    "0,0001",  # the smallest step
    "1234567,891",
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, data_dir, monkeypatch):
    """Point the operational store at an empty database of the requested backend."""
    with empty_store_url(request.param, data_dir, "exact-test") as url:
        monkeypatch.setenv("EBOK_STORE_URL", url)
        yield url


def test_edge_values_are_stored_exported_and_copied_exactly(store_url):
    """A meter state the resident types is the store's, the accounting export's and the warehouse's value."""
    tables = base_tables()
    tables["meters"].append(tw.meter("M5", "P1", initial_value=D("0")))  # new: any state from 0 is valid
    tw.build(tables)
    typed = {}
    for i, text in enumerate(EDGE_VALUES):
        sub = meters.submit_reading(
            premises_id="P1",
            meter_id="M5",
            value=text,
            username="anna.nowak",
            now=NOW,
            idempotency_key=f"edge-{i}",
            confirmed=True,  # the big ones are far above the premises' average use
            pol=POL,
        )
        typed[sub.submission_id] = text
    expected = {sid: D(text.replace(",", ".")) for sid, text in typed.items()}

    stored = {r["submission_id"]: r["value"] for r in readings_export.period_submissions()}
    assert stored == expected
    assert {s.submission_id: s.value for s in meters.submissions_for_premises("P1")} == expected

    exported = parse(readings_export.export_new(now=NOW, username="admin").content)
    assert {r["submission_id"]: r["value"] for r in exported} == typed

    ops = duckdb.connect()
    copy_ops(ops)
    copied = dict(ops.execute("SELECT submission_id, value FROM ops.reading_submissions").fetchall())
    assert copied == expected


@pytest.mark.parametrize("text", ["100000000000000", "100 000 000 000 000,0001", "1e20"])
def test_above_the_column_is_refused_in_polish(store_url, text):
    """A state the store's column cannot hold is refused by name, with the real maximum; nothing is saved."""
    tw.build(base_tables())
    with pytest.raises(FormError) as err:
        meters.submit_reading(
            premises_id="P1",
            meter_id="M1",
            value=text,
            username="anna.nowak",
            now=NOW,
            idempotency_key="too-big",
            confirmed=True,
            pol=POL,
        )
    assert err.value.messages == [
        "Stan licznika: stan nie może przekraczać 99\xa0999\xa0999\xa0999\xa0999,9999."
    ]
    assert readings_export.period_submissions() == []
