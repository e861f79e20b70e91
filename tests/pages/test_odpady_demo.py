"""Waste on the loaded demo: Jan's next collection and fee equal the export CSV."""

from __future__ import annotations

import pytest

from ebok.core import clock
from tests.helpers import meters_demo as md
from tests.helpers.auth import page

NAMES = {
    "mixed": "zmieszane",
    "paper": "papier",
    "glass": "szkło",
    "metals_plastics": "metale i tworzywa sztuczne",
    "bio": "bio",
}


@pytest.fixture(autouse=True)
def _demo(data_dir):
    md.use(data_dir)
    clock.set_clock(lambda: md.NOW_UTC)
    yield
    clock.set_clock(None)


def test_jan_next_collection_and_fee():
    export = md.demo()[0]
    (point,) = [p for p in md.read(export, "waste_points") if p["premises_id"] == md.JAN_HOUSE]
    days = sorted(
        (s["collection_date"], s["fraction"])
        for s in md.read(export, "waste_schedule")
        if s["route_id"] == point["route_id"] and s["collection_date"] >= md.AS_OF.isoformat()
    )
    first = days[0][0]
    fractions = [NAMES[f] for f in NAMES if (first, f) in days]
    at = page("pages/odpady.py", "jan.kowalski")
    at.run()
    assert not at.exception, at.exception
    y, m, d = first.split("-")
    (success,) = [s.value for s in at.success]
    assert success.startswith(f"Najbliższy wywóz: {d}.{m}.{y}") and success.endswith(
        ": " + ", ".join(fractions)
    )
    assert point["fee_basis"] == "persons"
    fee = int(point["declared_persons"]) * md.dec(point["rate"])
    assert [(x.label, x.value) for x in at.metric] == [
        ("Opłata za odpady miesięcznie", f"{fee:.2f}".replace(".", ",") + " zł")
    ]
