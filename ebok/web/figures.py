"""A row of labelled figures (balances, totals, consumption) as one HTML block: one way for every resident page.

Why not st.metric in st.columns: a row of four was nine messages on every rerun (a block per column
and an element per figure), about 2 ms of server CPU, where one HTML block costs 0.1 ms
(docs/benchmarks.md, finding 24). The figures wrap onto the next line on a narrow screen and a value
never breaks inside, so no amount is cut off at 390 px; a figure's explanation opens under its label
with a tap or a key (a <details> beside the label, no script). No delta is ever drawn: an arrow would
read as a change that did not happen. Every text is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

import streamlit as st

from ebok.core import fmt
from ebok.core.i18n import _
from ebok.domain import finance

_CSS = """<style>
dl.ebok-figures { display: flex; flex-wrap: wrap; gap: 0.75rem 2rem; margin: 0 0 1rem 0; padding: 0; }
dl.ebok-figures > div { display: flex; flex-direction: column; flex: 1 1 10rem; margin: 0; }
dl.ebok-figures dt { margin: 0; font-size: 0.875rem; font-weight: 400; }
dl.ebok-figures dd { margin: 0; padding: 0; }
.ebok-figure-value { font-size: 1.75rem; line-height: 1.25; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
details.ebok-figure-help { display: inline; margin-left: 0.35rem; }
details.ebok-figure-help > summary { display: inline-block; cursor: pointer; list-style: none;
  border: 1px solid currentColor; border-radius: 50%; width: 1.25rem; height: 1.25rem;
  line-height: 1.1rem; text-align: center; font-size: 0.8rem; }
details.ebok-figure-help > summary::-webkit-details-marker { display: none; }
details.ebok-figure-help > p { margin: 0.25rem 0; max-width: 22rem; }
</style>"""


@dataclass(frozen=True)
class Figure:
    """One figure: its label, its formatted value and an optional explanation."""

    label: str
    value: str
    help: str | None = None


def figures_html(items: Iterable[Figure], key: str) -> str:
    """Return ITEMS as one escaped HTML block (a description list) marked with KEY."""
    e = html.escape
    explain = e(_("Wyjaśnienie"), quote=True)  # outside the f-string, where extraction finds it
    parts = []
    for f in items:
        explained = (
            f'<details class="ebok-figure-help"><summary aria-label="{explain}: {e(f.label, quote=True)}">?'
            f"</summary><p>{e(f.help)}</p></details>"
            if f.help
            else ""
        )
        parts.append(
            f'<div><dt><span class="ebok-figure-label">{e(f.label)}</span>{explained}</dt>'
            f'<dd class="ebok-figure-value">{e(f.value)}</dd></div>'
        )
    return f'{_CSS}<dl class="ebok-figures" data-figures="{e(key, quote=True)}">{"".join(parts)}</dl>'


def amounts(items: Iterable[finance.Figure]) -> list[Figure]:
    """Return the domain's money figures (Decimal amounts) formatted in the run's language."""
    return [Figure(f.label, fmt.money(f.amount), f.help) for f in items]


def show(items: Iterable[Figure], key: str) -> None:
    """Draw ITEMS in one element (see the module's docstring); KEY names the row for tests."""
    st.html(figures_html(items, key))
