"""Plotly figures for the portal's pages (no Streamlit here: pages call st.plotly_chart).

Each helper keeps its functions in its own marked section. Figures carry plain Python numbers
(float zł) per x value so tests can check their data.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal

import plotly.graph_objects as go
import plotly.io as pio
from babel.dates import format_date

from ebok.core import fmt, i18n
from ebok.core.i18n import N_, _

# Every page draws with st.plotly_chart(fig, config=charts.CONFIG): plotly's toolbar (zoom, pan,
# download) sits over the title on a 390 px phone and residents have no use for it.
CONFIG = {"displayModeBar": False}

POLISH_LAYOUT = {
    "separators": ", ",  # decimal comma, thin space for thousands
    "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
    # Under the chart, across: the figure's bottom edge (container), so the slanted month labels
    # above it never run into the legend, whatever the plot's height.
    "legend": {
        "orientation": "h",
        "x": 0,
        "xanchor": "left",
        "xref": "container",
        "y": 0,
        "yanchor": "bottom",
        "yref": "container",
    },
    "hovermode": "x unified",
}
# Plotly's decimal and thousands separators per language, as fmt.number writes them.
SEPARATORS = {"pl": ", ", "en": ".,", "uk": ", "}
# Month ticks shown on a phone's width; the data keep every month (hover shows each one).
MAX_MONTH_TICKS = 8


def layout(title: str, xaxis: dict | None = None, yaxis: dict | None = None, **extra: object) -> dict:
    """Return a figure layout: POLISH_LAYOUT, the title at the left, axes that make room for their labels.

    automargin lets plotly widen the margins for slanted or long tick labels instead of cutting
    them ("12.202"); the legend's own height is added to the bottom margin by plotly.
    """
    return {
        **POLISH_LAYOUT,
        "separators": SEPARATORS.get(i18n.current(), POLISH_LAYOUT["separators"]),
        "title": {"text": title, "x": 0, "xanchor": "left", "xref": "container", "font": {"size": 15}},
        "xaxis": {**(xaxis or {}), "automargin": True},
        "yaxis": {**(yaxis or {}), "automargin": True},
        **extra,
    }


def month_label(month: dt.date) -> str:
    """Return a short month for an axis tick: 'gru 26' (babel's abbreviation and two-digit year).

    In the language of this run.
    """
    return format_date(month, format="LLL yy", locale=fmt.LOCALES.get(i18n.current(), i18n.current()))


def _day_format(*parts: str) -> str:
    """Return a plotly date format of PARTS ('%d', '%m', '%Y') joined as the run's language writes dates."""
    return ("/" if i18n.current() == "en" else ".").join(parts)


def month_axis(months: Sequence[dt.date]) -> dict:
    """Return an x axis of MONTHS (first days) labelled 'paź 26', at most MAX_MONTH_TICKS of them.

    Ticks are spaced evenly back from the latest month, so the newest bar always has its label;
    tickangle slants them so that eight fit on a 390 px phone.
    """
    step = max(1, -(-len(months) // MAX_MONTH_TICKS))  # ceiling division
    ticks = list(months)[::-1][::step][::-1]
    return {
        "type": "date",
        "tickmode": "array",
        "tickvals": [m.isoformat() for m in ticks],
        "ticktext": [month_label(m) for m in ticks],
        "tickangle": -45,
        "hoverformat": _day_format("%m", "%Y"),
    }


class Chart(go.Figure):
    """A figure kept as its complete dict spec; plotly's object tree is built only when read.

    st.plotly_chart needs only to_dict() and then writes JSON. Building plotly's objects (about
    1 ms a chart) and copying them back out with the template (another 0.8 ms) was most of a
    chart's cost on every rerun, and Media draws four. Reading an attribute (fig.data,
    fig.layout, as the tests do) builds the real go.Figure once, without per-point validation:
    the specs are fixed by this module and tests/unit/test_charts*.py rebuild every figure with
    validation on and check that the JSON is the same either way.
    """

    def __init__(self, spec: dict) -> None:
        object.__setattr__(self, "_ebok_spec", spec)
        object.__setattr__(self, "_ebok_built", False)

    def _ebok_build(self) -> None:
        """Turn the spec into plotly's objects (first attribute read)."""
        object.__setattr__(self, "_ebok_built", True)
        go.Figure.__init__(self, self._ebok_spec, _validate=False)

    def __getattr__(self, name: str) -> object:
        """Build the figure when an attribute plotly keeps in its object tree is first read."""
        if name.startswith("_ebok") or self._ebok_built:
            raise AttributeError(name)
        self._ebok_build()
        return getattr(self, name)

    def to_dict(self) -> dict:
        """Return the spec with the default template, as go.Figure.to_dict() would."""
        if self._ebok_built:
            return super().to_dict()
        spec = self._ebok_spec
        layout = spec.get("layout", {})
        if "template" not in layout:
            layout = {**layout, "template": _default_template(pio.templates.default)}
        return {"data": spec.get("data", []), "layout": layout}

    def to_plotly_json(self) -> dict:
        """Same as to_dict() (plotly's JSON encoder calls this)."""
        return self.to_dict()


@functools.lru_cache(maxsize=4)
def _default_template(name: str) -> dict:
    """Return the plotly template NAME as a dict (Streamlit makes "streamlit" the default)."""
    return pio.templates[name].to_plotly_json()


def figure(spec: dict) -> go.Figure:
    """Return a figure from a complete dict spec (a Chart: no per-property validation, built lazily).

    Dates go in as ISO text ('2026-11-01'): plotly reads them as dates, and they serialise
    without a per-value fallback.
    """
    return Chart(spec)


# ==============================================================================================
# --- money pages (finance helper): fee history, payment calendar, account balance ------------
# ==============================================================================================


FEE_TITLE = N_("Opłata miesięczna wg składników")
CALENDAR_TITLE = N_("Do zapłaty wg terminu")
SETTLEMENT_TITLE = N_("Zaliczki a koszt rozliczenia")


def fee_history(components: Iterable, title: str | None = None) -> go.Figure:
    """Return a stacked bar chart of the monthly fee per component (finance.Component items).

    One trace per component name, x = first day of each period, y = zł. TITLE: FEE_TITLE by default.
    """
    periods: set[dt.date] = set()
    # Summed as Decimal (money), turned into plotly's floats only when the figure is written.
    per_name: dict[str, dict[dt.date, Decimal]] = {}
    for c in components:
        periods.add(c.period)
        series = per_name.setdefault(c.component_name, {})
        series[c.period] = series.get(c.period, Decimal(0)) + c.amount
    months = sorted(periods)
    names = sorted(per_name, key=lambda n: -sum(per_name[n].values()))
    return figure(
        {
            "data": [
                {
                    "type": "bar",
                    "name": name,
                    "x": [m.isoformat() for m in months],
                    "y": [float(per_name[name].get(m, Decimal(0))) for m in months],
                    "hovertemplate": "%{y:,.2f} zł",
                }
                for name in names
            ],
            "layout": layout(
                title or _(FEE_TITLE),
                xaxis=month_axis(months),
                yaxis={"title": {"text": _("zł / miesiąc")}},
                barmode="stack",
            ),
        }
    )


def payment_calendar(days: Sequence, today: dt.date, title: str | None = None) -> go.Figure:
    """Return a bar chart of unpaid amounts per due date (finance.DueDay items).

    Two traces: 'Po terminie' (due before TODAY) and 'Do zapłaty' (due today or later), x = due date.
    TITLE: CALENDAR_TITLE by default.
    """
    traces = []
    hover = _day_format("%{x|%d", "%m", "%Y}") + ": %{y:,.2f} zł<extra></extra>"
    for name, overdue, colour in ((_("Po terminie"), True, "#c62828"), (_("Do zapłaty"), False, "#1565c0")):
        chosen = [d for d in days if d.overdue == overdue]
        traces.append(
            {
                "type": "bar",
                "name": name,
                "x": [d.due_date.isoformat() for d in chosen],
                "y": [float(d.amount) for d in chosen],
                "marker": {"color": colour},
                "text": [fmt.money(d.amount) for d in chosen],
                "hovertemplate": hover,
            }
        )
    today_line = {
        "type": "line",
        "x0": today.isoformat(),
        "x1": today.isoformat(),
        "xref": "x",
        "y0": 0,
        "y1": 1,
        "yref": "y domain",
        "line": {"dash": "dot", "color": "#555"},
    }
    return figure(
        {
            "data": traces,
            "layout": layout(
                title or _(CALENDAR_TITLE),
                # Day and month only: the year is in the hover text, and "21.11.2026" was cut on phones.
                xaxis={
                    "tickformat": _day_format("%d", "%m"),
                    "type": "date",
                    "tickangle": -45,
                    "hoverformat": _day_format("%d", "%m", "%Y"),
                },
                yaxis={"title": {"text": "zł"}},
                shapes=[today_line],
                hovermode="closest",
            ),
        }
    )


def settlement_results(items: Sequence, title: str | None = None) -> go.Figure:
    """Return grouped bars of advances and actual cost per settlement (finance.Settlement items).

    x = 'medium okres', traces 'Zaliczki' and 'Koszt' in zł. TITLE: SETTLEMENT_TITLE by default.
    """
    # Two lines per label (medium, then the period): one line was too wide for a phone.
    labels = [f"{s.medium_name}<br>{fmt.date(s.period_from)}–{fmt.date(s.period_to)}" for s in items]
    return figure(
        {
            "data": [
                {"type": "bar", "name": _("Zaliczki"), "x": labels, "y": [float(s.advances) for s in items]},
                {"type": "bar", "name": _("Koszt"), "x": labels, "y": [float(s.cost) for s in items]},
            ],
            "layout": layout(title or _(SETTLEMENT_TITLE), yaxis={"title": {"text": "zł"}}, barmode="group"),
        }
    )


# ==============================================================================================
# --- end of money pages section ---------------------------------------------------------------
# ==============================================================================================


# ==============================================================================================
# --- meters (meters helper): monthly consumption, last year, building average per person -----
# ==============================================================================================

METER_UNITS = {"m3": "m³", "GJ": "GJ", "kWh": "kWh"}
# The consumption charts show the last two years: enough for "the same month a year earlier", and
# monthly ticks stay readable (five years of bars were 60 crowded labels and 2.5x the data on every
# visit). The whole history stays in the page's "Odczyty" table.
CHART_MONTHS = 24


def meter_consumption(items: Sequence, medium_name: str, unit: str) -> go.Figure:
    """Return bars of monthly consumption with the same month a year earlier (meters.MonthComparison items).

    The last CHART_MONTHS months. Trace 0 "Zużycie": x = first day of each month (ISO text),
    y = consumption (float, meter unit);
    trace 1 "Rok wcześniej": the same months' consumption a year earlier (None when unknown).
    """
    rows = sorted(items, key=lambda c: c.month)[-CHART_MONTHS:]
    months = [c.month.isoformat() for c in rows]  # ISO text: plotly encodes date objects ~2x slower
    unit_name = METER_UNITS.get(unit, unit)
    # One dict for the whole figure: add_bar/update_layout re-validate per call (~10x slower, and
    # the page draws two charts per medium on every rerun).
    return figure(
        {
            "data": [
                {
                    "type": "bar",
                    "name": _("Zużycie"),
                    "x": months,
                    "y": [float(c.consumption) for c in rows],
                    "marker": {"color": "#1f77b4"},
                },
                {
                    "type": "bar",
                    "name": _("Ten sam miesiąc rok wcześniej"),
                    "x": months,
                    "y": [None if c.last_year is None else float(c.last_year) for c in rows],
                    "marker": {"color": "#9ecae1"},
                },
            ],
            "layout": layout(
                _("{medium}: zużycie miesięczne ({unit})").format(medium=medium_name, unit=unit_name),
                xaxis=month_axis([c.month for c in rows]),
                yaxis={"title": {"text": unit_name}},
                barmode="group",
            ),
        }
    )


def meter_per_person(items: Sequence, medium_name: str, unit: str) -> go.Figure:
    """Return lines of the premises' consumption per person against the building's average per person.

    Trace 0 "Twój lokal (na osobę)", trace 1 "Średnia budynku (na osobę)": x = months, y = float or None.
    """
    rows = sorted(items, key=lambda c: c.month)[-CHART_MONTHS:]
    months = [c.month.isoformat() for c in rows]  # ISO text: plotly encodes date objects ~2x slower
    unit_name = METER_UNITS.get(unit, unit)

    def val(x: object) -> float | None:
        return None if x is None else float(x)

    return figure(
        {
            "data": [
                {
                    "type": "scatter",
                    "name": _("Twój lokal (na osobę)"),
                    "x": months,
                    "y": [val(c.per_person) for c in rows],
                    "mode": "lines+markers",
                },
                {
                    "type": "scatter",
                    "name": _("Średnia budynku (na osobę)"),
                    "x": months,
                    "y": [val(c.building_per_person) for c in rows],
                    "mode": "lines+markers",
                    "line": {"dash": "dash"},
                },
            ],
            "layout": layout(
                _("{medium}: zużycie na osobę ({unit})").format(medium=medium_name, unit=unit_name),
                xaxis=month_axis([c.month for c in rows]),
                yaxis={"title": {"text": _("{unit} na osobę").format(unit=unit_name)}},
            ),
        }
    )


VOTING_TITLE = N_("Wynik głosowania (udziały)")


def voting_result(shares: dict, names: dict, title: str | None = None) -> go.Figure:
    """Return bars of the share-weighted result: x = choice names, y = share sums (float).

    TITLE: VOTING_TITLE by default.
    """
    return figure(
        {
            "data": [
                {
                    "type": "bar",
                    "x": [names[c] for c in shares],
                    "y": [float(v) for v in shares.values()],
                    "marker": {"color": "#2e8b3a"},
                }
            ],
            "layout": layout(title or _(VOTING_TITLE), yaxis={"title": {"text": _("suma udziałów")}}),
        }
    )


# --- end of meters section --------------------------------------------------------------------
