"""Odczyty liczników (office page): the period's submissions, implausible flagged, export once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools

import pytest

from ebok.core import clock
from ebok.core.config import ReadingWindow
from ebok.domain import meters, readings_export
from tests.helpers import tiny_warehouse as tw
from tests.helpers.auth import page
from tests.pages.test_media import tables

NOW_UTC = dt.datetime(2026, 11, 21, 9, 0)
POL = meters.MeterPolicy(window=ReadingWindow(always_open=True))


@pytest.fixture(autouse=True)
def _setup():
    clock.set_clock(lambda: NOW_UTC)
    tw.build(tables())
    yield
    clock.set_clock(None)


_second = itertools.count()


def add(key: str, value: str, meter: str = "M1", premises: str = "P1", confirmed: bool = False, photo=None):
    return meters.submit_reading(
        premises_id=premises,
        meter_id=meter,
        value=value,
        username="x",
        now=dt.datetime(2026, 11, 21, 10) + dt.timedelta(seconds=next(_second)),
        idempotency_key=key,
        confirmed=confirmed,
        pol=POL,
        photo=photo,
    )


def run(at=None, username: str = "admin"):
    at = at or page("pages/admin_odczyty.py", username)
    at.run()
    assert not at.exception, at.exception
    return at


def test_list_flags_and_export_once():
    a = add("a", "140")
    b = add("b", "300", confirmed=True)
    c = add("c", "55", meter="M5", premises="P4")
    at = run()
    assert [m.value for m in at.metric] == ["3", "1", "3"]
    df = at.dataframe[0].value
    assert list(df["Nr zgłoszenia"]) == [a.submission_id, b.submission_id, c.submission_id]
    assert list(df["Nietypowy"]) == ["", "⚠ tak", ""]
    assert list(df["Zużycie"]) == ["8,000", "168,000", "5,000"]
    # Meters by medium and serial number, never by the internal id (the CSV keeps the id).
    assert list(df["Licznik"]) == ["Woda zimna, nr SN-M1", "Woda zimna, nr SN-M1", "Woda zimna, nr SN-M5"]
    at.button(key="odczyty-export").click()
    at = run(at)
    assert any(": 3 odczyty. Pobierz" in s for s in [x.value for x in at.success])
    assert len(at.get("download_button")) == 1
    assert [m.value for m in at.metric] == ["3", "1", "0"]
    # Second click: nothing new, no second batch.
    at.button(key="odczyty-export").click()
    at = run(at)
    assert "Nie ma nowych odczytów do eksportu." in [i.value for i in at.info]
    batches = readings_export.batches()
    assert len(batches) == 1
    rows = list(
        csv.DictReader(
            io.StringIO(readings_export.batch(batches[0]["batch_id"]).content.decode()), delimiter=";"
        )
    )
    assert sorted(r["submission_id"] for r in rows) == sorted(
        [a.submission_id, b.submission_id, c.submission_id]
    )


def test_skip_implausible():
    add("a", "140")
    b = add("b", "300", confirmed=True)
    at = run()
    at.checkbox(key="odczyty-skip").check()
    at.button(key="odczyty-export").click()
    at = run(at)
    assert [m.value for m in at.metric] == ["2", "1", "1"]
    assert [r["submission_id"] for r in readings_export.period_submissions(only_pending=True)] == [
        b.submission_id
    ]


def test_other_month_empty():
    add("a", "140")
    at = run()
    at.selectbox(key="odczyty-month").set_value(dt.date(2026, 10, 1))
    at = run(at)
    assert "Brak zgłoszeń w tym miesiącu." in [i.value for i in at.info]


def test_residents_refused():
    add("a", "140")
    at = run(username="anna.nowak")
    assert "Nie masz dostępu do tej strony." in [e.value for e in at.error]
    assert not at.dataframe
    assert readings_export.batches() == []


def test_photo_shown_to_office():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buf, "PNG")
    png = buf.getvalue()
    a = add("a", "140", photo=png)
    add("b", "141")
    at = run()
    assert at.selectbox(key="odczyty-photo").options == [
        f"{a.submission_id} — Woda zimna, nr SN-M1, lokal P1"
    ]
    assert readings_export.photo(a.submission_id) == png
    assert len(at.get("image")) == 1


def test_batch_list_counts_in_polish():
    add("a", "140")
    at = run()
    at.button(key="odczyty-export").click()
    at = run(at)
    assert any(": 1 odczyt. Pobierz" in x.value for x in at.success)
    (option,) = at.selectbox(key="odczyty-batch").options
    assert option.endswith(", 1 odczyt")


def test_same_serial_in_two_flats_told_apart_by_address():
    t = tables()
    # The accounting system gives P4's meter the serial number of Anna's cold-water meter.
    t["meters"] = [m | {"serial_no": "SN-M1"} if m["meter_id"] == "M5" else m for m in t["meters"]]
    tw.build(t)
    add("a", "140")
    add("c", "55", meter="M5", premises="P4")
    df = run().dataframe[0].value
    assert list(df["Licznik"]) == [
        "Woda zimna, nr SN-M1, lokal ul. Lipowa 7/P1",
        "Woda zimna, nr SN-M1, lokal ul. Lipowa 7/P4",
    ]
