"""Media i odczyty page (AppTest): meters, warnings, consumption figures, submissions, isolation."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from ebok.core import clock, uploads
from ebok.core.errors import FormError
from ebok.domain import meters
from ebok.storage import store
from ebok.storage.tables import reading_submissions
from ebok.web.session import PREMISES_KEY
from tests.helpers import cards
from tests.helpers import tiny_warehouse as tw
from tests.helpers.auth import page
from tests.unit.domain.test_meters import base_tables

NOW_UTC = dt.datetime(2026, 11, 21, 9, 0)  # 10:00 in Warsaw, inside the 20th–5th window


def tables() -> dict:
    """The meters fixture plus Maria (L0002) with her own flat P4 and meter M5."""
    t = base_tables()
    t["customers"].append(tw.customer("L0002", "Maria Zielińska"))
    t["premises"].append(tw.premises("P4", "L0002", "B1", persons=1))
    t["meters"].append(tw.meter("M5", "P4"))
    t["readings"].append(tw.reading("R10", "M5", "P4", dt.date(2026, 10, 31), "50"))
    return t


@pytest.fixture(autouse=True)
def _setup():
    clock.set_clock(lambda: NOW_UTC)
    tw.build(tables())
    yield
    clock.set_clock(None)


def run(username: str = "anna.nowak", premises: str | None = "P1", at=None, tab: str = "Podaj odczyt"):
    """Run the page with TAB open (the tabs are lazy: only the open one's content is sent)."""
    if at is None:
        at = (
            page("pages/media.py", username, lokal=premises) if premises else page("pages/media.py", username)
        )
        at.session_state["media_tab"] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def count() -> int:
    with store.engine().connect() as con:
        return con.execute(select(func.count()).select_from(reading_submissions)).scalar_one()


def submit(at, value: str, meter: str = "M1", confirm: bool = False):
    at.radio(key="r-meter-P1").set_value(meter)
    at.text_input(key="r-value-P1").input(value)
    at.checkbox(key="r-confirm-P1").set_value(confirm)
    next(b for b in at.button if b.label == "Wyślij odczyt").click()
    return run(at=at)


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def test_meters_table_and_legalisation_warning():
    at = run()
    df = at.dataframe[0].value
    assert list(df["Nr licznika"]) == ["SN-M1", "SN-M3", "SN-M2"]
    assert list(df["Status"]) == ["czynny", "czynny", "zdemontowany 30.06.2026"]
    assert list(df["Ostatni stan"]) == ["132,000", "4,000", "63,000"]
    assert any("SN-M1" in w and "10.01.2027" in w and "za 50 dni" in w for w in texts(at.warning))


def test_consumption_metrics_and_figures():
    at = run(tab="Zużycie")
    values = cards.figure_list(at)
    # Cold water, October 2026: 12 m³, +2 against October 2025 (10), 12 / 2 persons; the building B1:
    # P1 12 + P3 18 + P4 50 m³ over 2 + 3 + 1 persons.
    building = f"{(12 + 18 + 50) / 6:.3f}".replace(".", ",")
    assert values[:4] == [
        ("Zużycie (październik 2026)", "12,000 m³"),
        ("Zmiana wobec roku wcześniej", "+2,000 m³"),
        ("Na osobę w lokalu", "6,000 m³"),
        ("Średnio na osobę w budynku", f"{building} m³"),
    ]
    assert values[4:6] == [
        ("Zużycie (październik 2026)", "4,000 m³"),
        ("Zmiana wobec roku wcześniej", "brak danych"),
    ]
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    cold_use = next(
        f for f in figs if f["layout"]["title"]["text"].startswith("Woda zimna: zużycie miesięczne")
    )
    assert cold_use["data"][0]["y"] == [10.0, 10.0, 12.0]
    assert [x[:7] for x in cold_use["data"][0]["x"]] == ["2025-10", "2026-09", "2026-10"]
    hot_use = next(
        f for f in figs if f["layout"]["title"]["text"].startswith("Woda ciepła: zużycie miesięczne")
    )
    assert hot_use["data"][0]["y"] == [10.0, 3.0, 4.0]


def test_submit_once_even_on_double_click():
    at = run()
    at = submit(at, "140,5")
    assert "Woda zimna, nr SN-M1, stan 140,500 m³" in texts(at.success)[0]
    assert count() == 1
    # The same form sent again (second click) finds the first row instead of adding another.
    next(b for b in at.button if b.label == "Wyślij odczyt").click()
    at = run(at=at)
    assert count() == 1
    at.session_state["media_tab"] = "Moje zgłoszenia"
    df = run(at=at).dataframe[-1].value
    assert list(df["Status"]) == ["przyjęty, oczekuje na zaksięgowanie"]
    # A different reading afterwards is a new submission.
    at.session_state["media_tab"] = "Podaj odczyt"
    at = submit(run(at=at), "141")
    assert count() == 2


@pytest.mark.parametrize(
    ("value", "meter", "message"),
    [
        ("131", "M1", "Stan licznika: wartość nie może być niższa niż ostatni zaksięgowany stan 132,000 m³."),
        ("", "M1", "Stan licznika: podaj stan licznika, np. 123,456."),
        ("12a", "M1", "Stan licznika: to nie jest liczba; wpisz np. 123,456."),
        ("3", "M3", "Stan licznika: wartość nie może być niższa niż ostatni zaksięgowany stan 4,000 m³."),
    ],
)
def test_bad_input_refused_with_field(value, meter, message):
    at = submit(run(), value, meter)
    assert message in texts(at.error)
    assert count() == 0


def test_implausible_needs_confirmation():
    at = submit(run(), "200")  # 68 m³ against an average of 10,667 m³ a month
    assert any("Potwierdzam, że stan jest prawidłowy" in w for w in texts(at.warning))
    assert count() == 0
    at = submit(at, "200", confirm=True)
    assert count() == 1
    assert meters.submissions_for_premises("P1")[0].implausible


def test_removed_meter_not_offered_and_window_closed():
    at = run()
    assert at.radio(key="r-meter-P1").options == [
        "Woda zimna, nr SN-M1 (m³)",
        "Woda ciepła, nr SN-M3 (m³)",
    ]
    clock.set_clock(lambda: dt.datetime(2026, 11, 10, 9, 0))
    at = run()
    assert any("Teraz nie przyjmujemy odczytów" in i for i in texts(at.info))


def test_booked_after_load():
    at = submit(run(), "140")
    sub = meters.submissions_for_premises("P1")[0]
    t = tables()
    t["readings"].append(
        tw.reading(
            "E1", "M1", "P1", dt.date(2026, 11, 21), "140", source="resident", submission_id=sub.submission_id
        )
    )
    tw.build(t)
    at = run(tab="Moje zgłoszenia")
    assert list(at.dataframe[-1].value["Status"]) == ["zaksięgowany"]


def test_resident_cannot_reach_other_premises():
    # Maria submits on her own meter.
    maria = page("pages/media.py", "maria.zielinska")
    maria.run()
    assert not maria.exception
    # Anna asks for Maria's premises by query parameter: refused, her own premises shown.
    at = run(premises="P4")
    assert any("nie należy do Twojego konta" in w for w in texts(at.warning))
    assert "SN-M5" not in list(at.dataframe[0].value["Nr licznika"])
    # … and by session state.
    at = page("pages/media.py", "anna.nowak")
    at.session_state[PREMISES_KEY] = "P4"
    at = run(at=at)
    assert "SN-M5" not in list(at.dataframe[0].value["Nr licznika"])
    # The domain refuses Maria's meter id for Anna's premises.
    with pytest.raises(FormError):
        meters.submit_reading(
            premises_id="P1",
            meter_id="M5",
            value="60",
            username="anna.nowak",
            now=dt.datetime(2026, 11, 21, 10),
            idempotency_key="x",
        )
    assert count() == 0


def test_garage_has_no_meters():
    at = run(premises="P2")
    assert "W tym lokalu nie ma liczników rozliczanych przez e-BOK." in texts(at.info)


def test_readings_and_submissions_name_meters():
    at = submit(run(), "140,5")
    at.session_state["media_tab"] = "Moje zgłoszenia"
    mine = run(at=at).dataframe[-1].value
    assert list(mine["Licznik"]) == ["Woda zimna, nr SN-M1"]
    booked = run(tab="Odczyty").dataframe[-1].value
    # Newest first; meter names, not ids (M1, M2, M3) nor separate medium and number columns.
    assert list(booked["Licznik"][:3]) == [
        "Woda zimna, nr SN-M1",
        "Woda ciepła, nr SN-M3",
        "Woda zimna, nr SN-M1",
    ]
    assert "Medium" not in booked.columns


def test_warning_names_the_meter_and_counts_days_in_polish():
    (warning,) = [w for w in texts(run().warning) if "legalizacja" in w]
    assert warning == (
        "Woda zimna, nr SN-M1: legalizacja licznika kończy się 10.01.2027 (za 50 dni). Biuro umówi wymianę."
    )
    clock.set_clock(lambda: dt.datetime(2027, 1, 9, 9, 0))  # one day before: "za 1 dzień"
    assert any("(za 1 dzień)" in w for w in texts(run(tab="Zużycie").warning))


def test_same_serial_twice_told_apart_by_installation_date():
    t = tables()
    # The hot-water meter came back from legalisation with its old plate: same medium and serial.
    t["meters"] = [m | {"serial_no": "SN-M2"} if m["meter_id"] == "M3" else m for m in t["meters"]]
    tw.build(t)
    at = run()
    assert at.radio(key="r-meter-P1").options == [
        "Woda zimna, nr SN-M1 (m³)",
        "Woda ciepła, nr SN-M2, zamontowany 30.06.2026 (m³)",
    ]
    booked = run(tab="Odczyty").dataframe[-1].value
    assert set(booked["Licznik"]) == {
        "Woda zimna, nr SN-M1",
        "Woda ciepła, nr SN-M2, zamontowany 01.01.2020",
        "Woda ciepła, nr SN-M2, zamontowany 30.06.2026",
    }


def test_charts_without_toolbar():
    at = run(tab="Zużycie")
    charts_sent = at.get("plotly_chart")
    assert charts_sent
    for chart in charts_sent:
        assert json.loads(chart.proto.config)["displayModeBar"] is False


def test_a_50_mb_meter_photo_reaches_the_check_and_refuses_the_reading():
    at = run()
    uploader = at.file_uploader(key="r-photo-P1")
    # The uploader states our own limit; a bigger file is refused in the browser and the form
    # is not sent (tests/browser/test_uploads.py). Past the browser (no script), the server refuses:
    assert uploader.proto.max_upload_size_mb == uploads.READING_PHOTO.max_mb
    uploader.set_value(("licznik.jpg", b"\xff\xd8\xff" + b"0" * (50 * 1024 * 1024 - 3), "image/jpeg"))
    at = submit(at, "130,5")
    assert any("jest za duży (50,0 MB), dopuszczalne 5 MB" in e.value for e in at.error)
    assert count() == 0 and not at.success
