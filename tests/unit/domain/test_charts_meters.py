"""Meters section of ebok.domain.charts: the figures' data per month."""

from __future__ import annotations

from decimal import Decimal as D

from ebok.domain import charts, meters
from tests.helpers import tiny_warehouse as tw
from tests.unit.domain.test_meters import base_tables


def test_consumption_and_per_person_figures():
    tw.build(base_tables())
    cold = [c for c in meters.comparison("P1") if c.medium == "cold_water"]
    fig = charts.meter_consumption(cold, "Zimna woda", "m3")
    assert [t.name for t in fig.data] == ["Zużycie", "Ten sam miesiąc rok wcześniej"]
    assert list(fig.data[0].x) == ["2025-10-01", "2026-09-01", "2026-10-01"]  # ISO dates
    assert list(fig.data[0].y) == [10.0, 10.0, 12.0]
    assert list(fig.data[1].y) == [None, None, 10.0]
    assert "m³" in fig.layout.title.text
    per = charts.meter_per_person(cold, "Zimna woda", "m3")
    assert list(per.data[0].y) == [5.0, 5.0, 6.0]  # 2 persons
    assert list(per.data[1].y) == [5.0, 5.0, 6.0]  # (12 + 18) / (2 + 3) in October 2026


def test_voting_result_figure():
    fig = charts.voting_result(
        {"for": D("0.25"), "against": D("0.35"), "abstain": D("0")},
        {"for": "za", "against": "przeciw", "abstain": "wstrzymuję się"},
    )
    assert list(fig.data[0].x) == ["za", "przeciw", "wstrzymuję się"]
    assert list(fig.data[0].y) == [0.25, 0.35, 0.0]


def test_consumption_charts_show_the_last_two_years():
    import datetime as dt

    items = [
        meters.MonthComparison(
            "cold_water", "m3", dt.date(2024 + i // 12, i % 12 + 1, 1), D(i), None, None, None
        )
        for i in range(30)  # January 2024 .. June 2026
    ]
    for fig in (
        charts.meter_consumption(items, "Zimna woda", "m3"),
        charts.meter_per_person(items, "Zimna woda", "m3"),
    ):
        assert len(fig.data[0].x) == charts.CHART_MONTHS == 24
        assert (fig.data[0].x[0], fig.data[0].x[-1]) == ("2024-07-01", "2026-06-01")
    assert list(charts.meter_consumption(items, "Zimna woda", "m3").data[0].y) == [
        float(i) for i in range(6, 30)
    ]
