"""Media i odczyty on the loaded demo: figures equal the CSV, and the round trip to accounting and back."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ebok import loader
from ebok.core import clock
from ebok.domain import charts, meters, readings_export
from ebok.storage import warehouse
from tests.helpers import cards
from tests.helpers import meters_demo as md
from tests.helpers.auth import page


@pytest.fixture(autouse=True)
def _demo(data_dir):
    md.use(data_dir)
    clock.set_clock(lambda: md.NOW_UTC)
    yield
    clock.set_clock(None)


def run(at=None, username: str = "anna.nowak", tab: str | None = None, **query):
    """Run the page; TAB opens that tab first (the tabs are lazy: only the open one is sent)."""
    at = at or page("pages/media.py", username, **query)
    if tab is not None:
        at.session_state["media_tab"] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def num(value: Decimal) -> str:
    return f"{value:.3f}".replace(".", ",")


def test_anna_figures_equal_export_csv():
    export = md.demo()[0]
    at = run(lokal=md.ANNA_FLAT)
    use = md.monthly_use(export, {md.ANNA_FLAT})
    figs = {
        json.loads(c.proto.spec)["layout"]["title"]["text"]: json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
    }
    for medium, name in (("cold_water", "Woda zimna"), ("hot_water", "Woda ciepła")):
        expected = sorted((month, v) for (p, m, month), v in use.items() if m == medium)
        assert len(expected) > charts.CHART_MONTHS  # the demo has five years; the chart the last two
        expected = expected[-charts.CHART_MONTHS :]
        fig = figs[f"{name}: zużycie miesięczne (m³)"]
        assert [x[:7] for x in fig["data"][0]["x"]] == [m for m, _ in expected]
        assert fig["data"][0]["y"] == pytest.approx([float(v) for _, v in expected])
    # Latest cold water month: the metric equals the CSV; the building average per person likewise.
    premises = {p["premises_id"]: p for p in md.read(export, "premises")}
    building = {
        pid for pid, p in premises.items() if p["building_id"] == premises[md.ANNA_FLAT]["building_id"]
    }
    all_use = md.monthly_use(export, building)
    month = max(m for (p, med, m) in use if med == "cold_water")
    mine = use[(md.ANNA_FLAT, "cold_water", month)]
    users = {p for (p, med, m) in all_use if med == "cold_water" and m == month}
    total = sum(all_use[(p, "cold_water", month)] for p in users)
    persons = sum(int(premises[p]["persons"]) for p in users)
    metrics = cards.figure_list(at)
    assert metrics[0][1] == f"{num(mine)} m³"
    assert ("Na osobę w lokalu", f"{num(mine / int(premises[md.ANNA_FLAT]['persons']))} m³") == metrics[2]
    assert metrics[3] == ("Średnio na osobę w budynku", f"{num(total / persons)} m³")
    # The hot water meter's legalisation ends within 90 days: a warning names it.
    hot = next(
        m
        for m in md.read(export, "meters")
        if m["premises_id"] == md.ANNA_FLAT and m["medium"] == "hot_water"
    )
    assert any(hot["serial_no"] in w.value for w in at.warning)


def shown_texts(at) -> list[str]:
    """Every text the page shows: messages, captions, widget labels and options, table cells."""
    out = [
        e.value
        for kind in ("markdown", "caption", "success", "info", "warning", "error")
        for e in at.get(kind)
    ]
    out += [str(o) for r in at.radio for o in r.options] + [str(o) for s in at.selectbox for o in s.options]
    for df in at.dataframe:
        out += [str(v) for v in df.value.to_numpy().ravel()] + [str(c) for c in df.value.columns]
    out += [
        json.dumps(json.loads(c.proto.spec)["layout"], ensure_ascii=False) for c in at.get("plotly_chart")
    ]
    return out


def test_meters_named_by_medium_and_serial_never_by_id():
    export = md.demo()[0]
    mine = [m for m in md.read(export, "meters") if m["premises_id"] == md.ANNA_FLAT]
    cold = next(m for m in mine if m["medium"] == "cold_water" and not m["removed_on"])
    assert cold["meter_id"].startswith("M000")  # the demo's internal ids look like M0000002
    # A submission, so "Moje zgłoszenia" has a row too.
    at = run(lokal=md.ANNA_FLAT, tab="Podaj odczyt")
    radio = at.radio(key=f"r-meter-{md.ANNA_FLAT}")
    assert f"Woda zimna, nr {cold['serial_no']} (m³)" in radio.options
    last = max(
        (r["reading_date"], md.dec(r["value"]))
        for r in md.read(export, "readings")
        if r["meter_id"] == cold["meter_id"]
    )[1]
    radio.set_value(cold["meter_id"])
    at.text_input(key=f"r-value-{md.ANNA_FLAT}").input(num(last + 1))
    next(b for b in at.button if b.label == "Wyślij odczyt").click()
    at = run(at)
    assert any(f"Woda zimna, nr {cold['serial_no']}" in s.value for s in at.success)
    seen = []
    for tab in ("Zużycie", "Odczyty", "Podaj odczyt", "Moje zgłoszenia"):
        seen += shown_texts(run(lokal=md.ANNA_FLAT, tab=tab))
    assert any(f"Woda zimna, nr {cold['serial_no']}" in t for t in seen)
    assert not [t for t in seen if "M000" in t]
    # The office's readings page names the meter the same way, with no internal id either.
    office = page("pages/admin_odczyty.py", "admin")
    office.run()
    assert not office.exception, office.exception
    texts = shown_texts(office)
    assert f"Woda zimna, nr {cold['serial_no']}" in list(office.dataframe[0].value["Licznik"])
    assert not [t for t in texts if "M000" in t]


def test_round_trip_submit_export_load_booked(tmp_path):
    export = md.export_copy(tmp_path / "export")
    active = next(
        m for m in md.read(export, "meters")
        if m["premises_id"] == md.ANNA_FLAT and m["medium"] == "cold_water" and not m["removed_on"]
    )  # fmt: skip
    last = max(
        (r["reading_date"], md.dec(r["value"]))
        for r in md.read(export, "readings")
        if r["meter_id"] == active["meter_id"]
    )[1]
    value = last + Decimal("1.5")
    # 1. Anna submits on the page.
    at = run(lokal=md.ANNA_FLAT, tab="Podaj odczyt")
    key = md.ANNA_FLAT
    at.radio(key=f"r-meter-{key}").set_value(active["meter_id"])
    at.text_input(key=f"r-value-{key}").input(num(value))
    next(b for b in at.button if b.label == "Wyślij odczyt").click()
    at = run(at)
    assert any("przyjęty" in s.value for s in at.success), [e.value for e in at.error + at.warning]
    (sub,) = meters.submissions_for_premises(md.ANNA_FLAT)
    assert sub.status == "przyjęty, oczekuje na zaksięgowanie"
    # 2. The office exports it.
    batch = readings_export.export_new(now=meters.local_now(), username="admin")
    assert batch.rows == 1
    # 3. Accounting imports it and the next nightly export carries it: append + manifest, then load.
    assert md.append_readings(export, batch.content) == 1
    warehouse.close_all()
    result = loader.load(export)
    assert result.exit_code == 0, result
    # 4. Anna sees it booked, with the new meter state.
    at = run(lokal=md.ANNA_FLAT, tab="Moje zgłoszenia")
    assert list(at.dataframe[-1].value["Status"]) == ["zaksięgowany"]
    meter_row = next(
        m for m in meters.meters_for_premises(md.ANNA_FLAT, md.AS_OF) if m.meter_id == active["meter_id"]
    )
    assert meter_row.last_value == value
    booked = [r for r in meters.booked_readings(md.ANNA_FLAT) if r["submission_id"] == sub.submission_id]
    assert (
        booked
        and booked[0]["source"] == "resident"
        and booked[0]["reading_id"] == "EBOK-" + sub.submission_id
    )
    # The analysts' copy of the store table came along with the load (schema ops).
    with warehouse.cursor() as cur:
        copied = cur.execute("SELECT submission_id, export_batch FROM ops.reading_submissions").fetchall()
    assert copied == [(sub.submission_id, batch.batch_id)]
    # 5. A second export does not include it.
    assert readings_export.export_new(now=meters.local_now()).rows == 0
    assert readings_export.period_submissions()[0]["booked"]
