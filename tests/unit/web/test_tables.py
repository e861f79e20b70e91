"""ebok.web.tables: column order, and phone cards built from escaped values only."""

from __future__ import annotations

from ebok.web import tables
from tests.helpers import cards

LAYOUT = tables.Layout(
    head="Data", money=("Naliczenie", "Wpłata"), rest=("Opis",), badge="Rodzaj", link="PDF"
)
ROWS = [
    {
        "Opis": '<script>alert("x")</script> & <b>',
        "Rodzaj": "Naliczenie",
        "Data": "01.12.2026",
        "Wpłata": "",
        "Naliczenie": "955,32 zł",
        "PDF": 'dokumenty?lokal=A&dokument="><img src=x onerror=alert(1)>',
        "Extra": "e",
    }
]


def test_columns_put_head_and_amounts_first_and_keep_unknown_last():
    assert list(tables.ordered(ROWS, LAYOUT)[0]) == [
        "Data",
        "Naliczenie",
        "Wpłata",
        "Rodzaj",
        "PDF",
        "Opis",
        "Extra",
    ]
    assert tables.ordered([], LAYOUT) == []


def test_card_escapes_every_value_and_skips_empty_amounts():
    html = tables.cards_html(tables.ordered(ROWS, LAYOUT), LAYOUT, 'k"1')
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert 'data-table="k&quot;1"' in html
    (card,) = cards.parse(html)
    assert card.head == ["Data 01.12.2026", "Naliczenie"]
    assert card.money == [("Naliczenie", "955,32 zł")]  # no empty "Wpłata"
    assert card.rest == 'Opis: <script>alert("x")</script> & <b>'  # shown as text
    assert card.links == [('dokumenty?lokal=A&dokument="><img src=x onerror=alert(1)>', "PDF")]


def test_no_link_when_the_row_has_none():
    row = dict(ROWS[0], PDF="")
    assert "<a " not in tables.cards_html([row], LAYOUT, "k")
