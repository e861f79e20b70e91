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


# --- legible on a 390 px phone: short Polish month ticks, room for labels, legend under the chart


def test_month_label_is_short_polish():
    import datetime as dt

    months = [dt.date(2026, m, 1) for m in range(1, 13)]
    assert [charts.month_label(m) for m in months] == [
        "sty 26",
        "lut 26",
        "mar 26",
        "kwi 26",
        "maj 26",
        "cze 26",
        "lip 26",
        "sie 26",
        "wrz 26",
        "paź 26",
        "lis 26",
        "gru 26",
    ]


def _months(count: int) -> list:
    import datetime as dt

    return [
        meters.MonthComparison(
            "cold_water", "m3", dt.date(2025 + i // 12, i % 12 + 1, 1), D(i), None, None, None
        )
        for i in range(count)  # from January 2025
    ]


def test_meter_charts_layout_fits_a_phone():
    for fig in (
        charts.meter_consumption(_months(24), "Woda zimna", "m3"),
        charts.meter_per_person(_months(24), "Woda zimna", "m3"),
    ):
        layout = fig.to_dict()["layout"]
        x = layout["xaxis"]
        # 24 months, every third labelled back from the newest (December 2026): eight ticks.
        assert x["tickmode"] == "array"
        assert x["ticktext"] == [
            "mar 25",
            "cze 25",
            "wrz 25",
            "gru 25",
            "mar 26",
            "cze 26",
            "wrz 26",
            "gru 26",
        ]
        assert x["tickvals"][0] == "2025-03-01" and x["tickvals"][-1] == "2026-12-01"
        assert "tickformat" not in x  # never "12.2026", which a phone cut to "12.202"
        assert x["tickangle"] == -45 and x["automargin"] is True
        assert layout["yaxis"]["automargin"] is True
        # The legend lies across, at the figure's bottom edge, under the month labels.
        legend = layout["legend"]
        assert legend["orientation"] == "h"
        assert (legend["yref"], legend["y"], legend["yanchor"]) == ("container", 0, "bottom")
        assert layout["title"]["x"] == 0 and layout["title"]["xanchor"] == "left"
        assert layout["margin"] == {"l": 10, "r": 10, "t": 50, "b": 10}


def test_few_months_all_labelled():
    fig = charts.meter_consumption(_months(3), "Woda zimna", "m3")
    assert fig.to_dict()["layout"]["xaxis"]["ticktext"] == ["sty 25", "lut 25", "mar 25"]


def test_pages_hide_the_toolbar():
    assert charts.CONFIG == {"displayModeBar": False}
