"""ebok.web.figures: a row of figures as one escaped HTML block, read back as a resident sees it."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from ebok.domain import finance
from ebok.web import figures
from tests.helpers import cards


class _Run:
    """The part of an AppTest run that cards.figures reads: its html elements."""

    def __init__(self, *bodies: str) -> None:
        self.bodies = bodies

    def get(self, kind: str) -> list[SimpleNamespace]:
        assert kind == "html"
        return [SimpleNamespace(proto=SimpleNamespace(body=b)) for b in self.bodies]


def test_labels_values_and_order_read_back():
    body = figures.figures_html(
        [
            figures.Figure("Saldo", "1 234,56 zł", "Dodatnie to nadpłata."),
            figures.Figure("Wpłaty", "0,00 zł"),
        ],
        "saldo",
    )
    assert body.count("<dt>") == 2 and 'data-figures="saldo"' in body
    # The explanation is not part of the value a resident reads beside the label.
    assert cards.figure_list(_Run(body)) == [("Saldo", "1 234,56 zł"), ("Wpłaty", "0,00 zł")]
    assert body.count("<details") == 1 and "Dodatnie to nadpłata." in body


def test_every_text_is_escaped():
    body = figures.figures_html([figures.Figure("<b>x</b>", "<script>1</script>", 'a"b<i>')], 'k"<')
    assert "<script>" not in body and "<b>x</b>" not in body and "<i>" not in body
    assert "&lt;script&gt;1&lt;/script&gt;" in body and 'data-figures="k&quot;&lt;"' in body
    assert cards.figure_list(_Run(body)) == [("<b>x</b>", "<script>1</script>")]


def test_money_figures_are_formatted_in_polish():
    shown = figures.amounts([finance.Figure("Nadpłata", Decimal("-1234.5"), "h")])
    assert shown == [figures.Figure("Nadpłata", "-1\xa0234,50 zł", "h")]


def test_a_row_is_read_by_its_key_only():
    a = figures.figures_html([figures.Figure("A", "1")], "first")
    b = figures.figures_html([figures.Figure("B", "2")], "second")
    assert cards.figures(_Run(a, b), "second") == {"B": "2"}
    assert cards.figures(_Run(a, b)) == {"A": "1", "B": "2"}


def test_no_deltas_fails_without_figures_or_with_an_arrow():
    plain = figures.figures_html([figures.Figure("Saldo", "1,00 zł")], "k")
    arrow = figures.figures_html([figures.Figure("Saldo", "↑ 1,00 zł")], "k")
    run = _Run(plain)
    run.metric = []
    assert cards.no_deltas(run)
    for bodies in ((), (arrow,)):
        other = _Run(*bodies)
        other.metric = []
        assert not cards.no_deltas(other)
