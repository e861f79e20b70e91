"""ebok.domain.charts (money section): figures checked through their data."""

from __future__ import annotations

import datetime as dt

import pytest

from ebok.domain import charts, finance
from tests.helpers import finance as F

D = dt.date


@pytest.fixture
def wh():
    F.build()


def test_fee_history_stacked_per_month(wh):
    fig = charts.fee_history(finance.charge_components("M-001"))
    traces = {t.name: t for t in fig.data}
    assert set(traces) == {"Eksploatacja", "Zimna woda", "Fundusz remontowy"}
    assert fig.layout.barmode == "stack"
    months = [D.fromisoformat(str(x)[:10]) for x in traces["Eksploatacja"].x]
    assert months == [D(2025, 11, 1), D(2026, 11, 1)]
    assert list(traces["Eksploatacja"].y) == [194.0, 213.4]
    assert list(traces["Fundusz remontowy"].y) == [0.0, 48.5]
    per_month = [sum(t.y[i] for t in fig.data) for i in range(2)]
    assert per_month == pytest.approx([314.0, 391.9])


def test_payment_calendar_figure(wh):
    days = finance.payment_calendar(finance.open_items("M-001"), F.TODAY)
    fig = charts.payment_calendar(days, F.TODAY)
    late, due = fig.data
    assert late.name == "Po terminie" and list(late.y) == [220.0, 2.35]
    assert due.name == "Do zapłaty" and list(due.y) == [520.0]
    assert [str(x)[:10] for x in due.x] == ["2026-11-25"]


def test_settlement_results(wh):
    fig = charts.settlement_results(finance.settlements("M-001"))
    adv, cost = fig.data
    assert list(adv.y) == [360.0, 200.0] and list(cost.y) == [320.25, 260.0]


def _validated(fig):  # type: ignore[no-untyped-def]
    """Rebuild FIG with plotly's validation on (charts.figure skips it); raises on a wrong property."""
    import plotly.graph_objects as go

    again = go.Figure(fig.to_dict())
    assert again.to_dict() == fig.to_dict()
    return again


def _all_figures() -> list:
    """One figure of every kind charts.py makes, from the tiny finance warehouse."""
    from ebok.domain import meters

    items = finance.open_items("M-001")
    month = D(2026, 10, 1)
    comparison = [
        meters.MonthComparison("water_cold", "m3", month, finance.ZERO + 3, None, finance.ZERO + 1, None),
        meters.MonthComparison(
            "water_cold", "m3", D(2026, 11, 1), finance.ZERO + 4, finance.ZERO + 2, None, None
        ),
    ]
    return [
        charts.fee_history(finance.charge_components("M-001")),
        charts.payment_calendar(finance.payment_calendar(items, F.TODAY), F.TODAY),
        charts.settlement_results(finance.settlements("M-001")),
        charts.meter_consumption(comparison, "Zimna woda", "m3"),
        charts.meter_per_person(comparison, "Zimna woda", "m3"),
        charts.voting_result({"for": 3.0, "against": 1.0}, {"for": "Za", "against": "Przeciw"}),
    ]


def test_chart_sends_what_the_built_figure_would(wh):
    """A Chart hands st.plotly_chart its spec: the same JSON as the built go.Figure, template included."""
    import json

    import plotly.graph_objects as go
    import plotly.io as pio
    import plotly.tools
    import streamlit  # noqa: F401 - makes "streamlit" plotly's default template, as in the app

    lazy = [fig for fig in _all_figures() if isinstance(fig, charts.Chart)]
    assert len(lazy) >= 5  # the money and meter charts; voting and balance use plotly's builders
    for fig in lazy:
        assert not fig._ebok_built
        # What st.plotly_chart does with a figure before it writes the JSON.
        sent = plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True)
        built = go.Figure(fig._ebok_spec, _validate=False)
        assert json.loads(pio.to_json(sent, validate=False)) == json.loads(pio.to_json(built, validate=False))
        assert sent["layout"]["template"] == built.to_dict()["layout"]["template"]
        assert not fig._ebok_built  # sending did not build plotly's objects
    fig = _all_figures()[0]
    assert fig.layout.barmode == "stack" and fig._ebok_built  # reading an attribute builds it once
    assert json.loads(pio.to_json(fig, validate=False)) == json.loads(
        pio.to_json(built := go.Figure(fig._ebok_spec, _validate=False), validate=False)
    )
    assert built.layout.barmode == "stack"


def test_every_figure_passes_plotly_validation(wh):
    figures = _all_figures()
    for fig in figures:
        _validated(fig)
    # A wrong property is caught by the rebuild even though charts.figure() did not check it.
    with pytest.raises(ValueError):
        _validated(charts.figure({"data": [{"type": "bar", "colour": "red"}]}))


def test_money_charts_fit_a_phone(wh):
    fee = charts.fee_history(finance.charge_components("M-001")).to_dict()["layout"]
    assert fee["xaxis"]["ticktext"] == ["lis 25", "lis 26"] and fee["xaxis"]["automargin"] is True
    days = finance.payment_calendar(finance.open_items("M-001"), F.TODAY)
    cal = charts.payment_calendar(days, F.TODAY).to_dict()["layout"]
    assert cal["xaxis"]["tickformat"] == "%d.%m" and cal["xaxis"]["automargin"] is True
    settled = charts.settlement_results(finance.settlements("M-001"))
    assert all("<br>" in label for label in settled.data[0].x)  # medium, then the period below it
    for layout in (fee, cal, settled.to_dict()["layout"]):
        assert layout["legend"]["orientation"] == "h" and layout["legend"]["yref"] == "container"
