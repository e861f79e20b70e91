"""Money tables that keep the amounts in sight on a phone: one way for every resident finance page.

A table is a list of display rows (Polish column name -> formatted text, from ebok.domain); the
column names are msgids, translated here where they are drawn. `show`
puts the amounts right after a short heading column (a date, a due date, a premises) and draws the
rows twice: as an st.dataframe for wide screens and as a list of cards for narrow ones (up to
640 px, where Streamlit itself switches to its phone layout). CSS media queries pick one, so no
script is needed and nothing sticks out of a 390 px screen: a card wraps its text instead of
scrolling sideways. Every value is HTML-escaped before it goes into a card.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from ebok.core.i18n import N_, _
from ebok.domain import finance

# Streamlit's own phone breakpoint (the sidebar collapses below it).
NARROW_MAX_PX = 640
WIDE_PREFIX = "ebok_wide_"
CARDS_PREFIX = "ebok_cards_"
FLAG_CSS = "background-color: rgba(198, 40, 40, 0.15)"  # rows that need the office's attention

_CSS = f"""<style>
@media (max-width: {NARROW_MAX_PX}px) {{
  [class*="st-key-{WIDE_PREFIX}"] {{ display: none !important; }}
}}
@media (min-width: {NARROW_MAX_PX + 1}px) {{
  [class*="st-key-{CARDS_PREFIX}"] {{ display: none !important; }}
}}
ul.ebok-cards {{ list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column;
  gap: 0.5rem; max-width: 100%; }}
ul.ebok-cards > li {{ margin: 0; padding: 0.5rem 0.75rem; border: 1px solid rgba(128, 128, 128, 0.45);
  border-radius: 0.5rem; overflow-wrap: anywhere; min-width: 0; }}
.ebok-card-head {{ display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0 0.75rem;
  margin: 0; font-weight: 600; }}
dl.ebok-card-money {{ display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; margin: 0.25rem 0; }}
dl.ebok-card-money > div {{ display: flex; flex-direction: column; }}
dl.ebok-card-money dt {{ font-size: 0.8rem; font-weight: 400; margin: 0; }}
dl.ebok-card-money dd {{ margin: 0; font-weight: 600; white-space: nowrap;
  font-variant-numeric: tabular-nums; }}
.ebok-card-rest {{ margin: 0; font-size: 0.875rem; }}
ul.ebok-cards > li.ebok-card-flag {{ border-left: 0.35rem solid #c62828; background: rgba(198, 40, 40, 0.08); }}
</style>"""


@dataclass(frozen=True)
class Layout:
    """Which columns of a money table are its heading, its amounts and its description."""

    head: str  # short column that names a row (a date, a due date, a premises)
    money: tuple[str, ...]  # amount columns, shown right after the heading
    rest: tuple[str, ...] = ()  # descriptive columns, after the amounts
    badge: str | None = None  # short status shown beside the heading of a card
    link: str | None = None  # column holding a relative URL ('' = no link in that row)
    link_text: str = "PDF"  # a msgid (N_) when it is a sentence; shown with _()

    def columns(self, rows: Sequence[dict[str, str]]) -> list[str]:
        """Return the columns of ROWS in display order: heading, amounts, badge, link, the rest."""
        present = set(rows[0]) if rows else set()
        wanted = [self.head, *self.money, self.badge, self.link, *self.rest]
        ordered = [c for c in dict.fromkeys(wanted) if c and c in present]
        return ordered + [c for c in (rows[0] if rows else {}) if c not in ordered]


# The finance pages' tables (column names as ebok.domain.finance writes them: Polish msgids, N_;
# show() and the cards translate them with _() where they are drawn).
HISTORY = Layout(
    head=N_("Data"),
    money=(N_("Naliczenie"), N_("Wpłata"), N_("Saldo po")),
    rest=(N_("Opis"), N_("Dokument")),
    badge=N_("Rodzaj"),
)
ITEMS = Layout(
    head=N_("Termin"),
    money=(N_("Pozostało"), N_("Kwota")),
    rest=(N_("Dokument"), N_("Opis"), N_("Wystawiono")),
    badge=N_("Status"),
    link=N_("PDF"),
    link_text=N_("Pobierz PDF"),
)
CALENDAR = Layout(head=N_("Termin"), money=(N_("Kwota"),), rest=(N_("Dotyczy"),), badge=N_("Status"))
PREMISES = Layout(
    head=N_("Lokal"),
    money=(N_("Saldo"), N_("Po terminie")),
    rest=(N_("Najbliższy termin"), N_("Adres")),
    badge=N_("Stan"),
)
COMPONENTS = Layout(head=N_("Składnik"), money=(N_("Kwota"),), rest=(N_("Podstawa"), N_("Stawka")))
# Online payments (issue 15): the office's list and the confirmed ones no load has booked yet.
ONLINE_PAYMENTS = Layout(
    head=N_("Utworzona"),
    money=(N_("Kwota"),),
    rest=(
        N_("Lokal"),
        N_("Uwagi"),
        N_("Księgowość"),
        N_("Opłacona"),
        N_("Operator"),
        N_("Id operatora"),
        N_("Nr płatności"),
        N_("Mieszkaniec"),
    ),
    badge=N_("Status"),
)
UNBOOKED_PAYMENTS = Layout(
    head=N_("Opłacona"),
    money=(N_("Kwota"),),
    rest=(N_("Lokal"), N_("Czeka"), N_("Eksport"), N_("Nr płatności")),
)


def ordered(rows: Sequence[dict[str, str]], layout: Layout) -> list[dict[str, str]]:
    """Return ROWS with their columns in LAYOUT's display order."""
    cols = layout.columns(rows)
    return [{c: r.get(c, "") for c in cols} for r in rows]


def _card(row: dict[str, str], layout: Layout, flagged: bool = False) -> str:
    """Return one row as an escaped HTML card: heading and badge, amounts, description, link."""
    e = html.escape
    badge = row.get(layout.badge, "") if layout.badge else ""
    head = f"<span>{e(_(layout.head))} {e(row.get(layout.head, ''))}</span>"
    head += f"<span>{e(badge)}</span>" if badge else ""
    amounts = "".join(
        f"<div><dt>{e(_(c))}</dt><dd>{e(row[c])}</dd></div>" for c in layout.money if row.get(c)
    )
    rest = " · ".join(f"{e(_(c))}: {e(row[c])}" for c in layout.rest if row.get(c))
    parts = [f'<p class="ebok-card-head">{head}</p>']
    if amounts:
        parts.append(f'<dl class="ebok-card-money">{amounts}</dl>')
    if rest:
        parts.append(f'<p class="ebok-card-rest">{rest}</p>')
    url = row.get(layout.link, "") if layout.link else ""
    if url:
        parts.append(
            f'<p class="ebok-card-rest"><a href="{e(url, quote=True)}">{e(_(layout.link_text))}</a></p>'
        )
    # One line: newlines inside values would only add stray whitespace.
    opening = '<li class="ebok-card-flag">' if flagged else "<li>"
    return opening + "".join(parts).replace("\n", " ") + "</li>"


def cards_html(
    rows: Sequence[dict[str, str]], layout: Layout, key: str, flagged: Sequence[bool] | None = None
) -> str:
    """Return ROWS as an HTML list of cards (values escaped), amounts first; FLAGGED ones highlighted."""
    marks = list(flagged) if flagged is not None else [False] * len(rows)
    items = "".join(_card(r, layout, f) for r, f in zip(rows, marks, strict=True))
    return f'<ul class="ebok-cards" data-table="{html.escape(key, quote=True)}">{items}</ul>'


def _column_config(layout: Layout, columns: Sequence[str]) -> dict[str, object]:
    """Return st.dataframe column settings (keyed by the translated names the table shows).

    Amounts right-aligned, the link column as a link.
    """
    config: dict[str, object] = {
        _(c): st.column_config.TextColumn(_(c), alignment="right") for c in layout.money if c in columns
    }
    if layout.link and layout.link in columns:
        config[_(layout.link)] = st.column_config.LinkColumn(_(layout.link), display_text=_(layout.link_text))
    return config


def translated(rows: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """Return ROWS with their column names (Polish msgids) in the run's language."""
    return [{_(c): v for c, v in r.items()} for r in rows]


def _highlighted(rows: list[dict[str, str]], flagged: Sequence[bool]) -> Any:
    """Return ROWS as a pandas Styler whose FLAGGED rows have a light red background (problems)."""
    import pandas as pd  # only the office's flagged tables need it; resident tables stay Arrow

    marks = list(flagged)
    data = pd.DataFrame(rows)
    return data.style.apply(lambda row: [FLAG_CSS if marks[row.name] else "" for _ in row], axis=1)


def show(
    rows: Sequence[dict[str, str]], layout: Layout, key: str, flagged: Sequence[bool] | None = None
) -> None:
    """Show ROWS as a table on wide screens and as cards on phones, the amounts first in both.

    FLAGGED (one bool a row) highlights rows that need attention, in the table and on the cards.
    """
    shown = ordered(rows, layout)
    wide = translated(shown)
    with st.container(key=f"{WIDE_PREFIX}{key}"):
        st.dataframe(
            _highlighted(wide, flagged) if flagged and any(flagged) else finance.frame(wide),
            hide_index=True,
            key=key,
            column_config=_column_config(layout, layout.columns(rows)),
        )
    with st.container(key=f"{CARDS_PREFIX}{key}"):
        # The style rides with the cards (one element, not two; it applies while its block is hidden).
        st.html(_CSS + cards_html(shown, layout, key, flagged))
