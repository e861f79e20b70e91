"""Read the phone cards of ebok.web.tables back from an AppTest run, with the stdlib HTML parser.

A card is what a resident sees at 390 px: its heading, the amounts (label -> value, in order), the
descriptive text and the links. Tests compare them with numbers computed from the export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Card:
    """One card: heading texts, amounts in order, the rest of the text, link targets and texts."""

    head: list[str] = field(default_factory=list)
    money: list[tuple[str, str]] = field(default_factory=list)
    rest: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)


class _Parser(HTMLParser):
    """Collect the cards of one <ul class="ebok-cards">."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[Card] = []
        self.where: str | None = None
        self.dt = ""
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "li":
            self.cards.append(Card())
        elif tag == "p" and a.get("class") == "ebok-card-head":
            self.where = "head"
        elif tag == "p" and a.get("class") == "ebok-card-rest":
            self.where = "rest"
        elif tag in ("dt", "dd"):
            self.where = tag
        elif tag == "a":
            self.href = a.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "dt", "dd"):
            self.where = None
        elif tag == "a":
            self.href = None

    def handle_data(self, data: str) -> None:
        card = self.cards[-1] if self.cards else None
        if card is None or self.where is None:
            return
        if self.href is not None:
            card.links.append((self.href, data))
        elif self.where == "head":
            card.head.append(data)
        elif self.where == "rest":
            card.rest += data
        elif self.where == "dt":
            self.dt = data
        elif self.where == "dd":
            card.money.append((self.dt, data))


def cards(at, key: str) -> list[Card]:  # noqa: ANN001
    """Return the cards of the table shown with KEY (ebok.web.tables.show), in order."""
    marker = f'data-table="{key}"'
    bodies = [h.proto.body for h in at.get("html") if marker in h.proto.body]
    assert len(bodies) == 1, f"{key}: {len(bodies)} card lists"
    return parse(bodies[0])


def parse(body: str) -> list[Card]:
    """Return the cards of one card list's HTML."""
    parser = _Parser()
    parser.feed(body)
    return parser.cards


ARROWS = ("↑", "↓", "▲", "▼", "⬆", "⬇")  # what a delta would put beside a value


def no_deltas(at) -> bool:  # noqa: ANN001
    """Whether the page drew its figures and no delta beside any (no st.metric delta, no arrow in a figure).

    Fails on a page that drew no figures at all, so it cannot pass by having nothing to check.
    """
    drawn = figure_list(at)
    arrows = any(a in label + value for label, value in drawn for a in ARROWS)
    return bool(drawn) and not arrows and all(not m.proto.delta for m in at.metric)


class _FigureParser(HTMLParser):
    """Collect (label, value) of one <dl class="ebok-figures"> (ebok.web.figures), explanations left out."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[str, str]] = []
        self.where: str | None = None
        self.label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = dict(attrs).get("class")
        if tag == "span" and kind == "ebok-figure-label":
            self.where, self.label = "label", ""
        elif tag == "dd" and kind == "ebok-figure-value":
            self.where = "value"
            self.items.append((self.label, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("span", "dd"):
            self.where = None

    def handle_data(self, data: str) -> None:
        if self.where == "label":
            self.label += data
        elif self.where == "value":
            label, value = self.items[-1]
            self.items[-1] = (label, value + data)


def figure_list(at, key: str | None = None) -> list[tuple[str, str]]:  # noqa: ANN001
    """Return (label, value) of every figure the run drew (ebok.web.figures), in order; only row KEY if given."""
    marker = "data-figures=" if key is None else f'data-figures="{key}"'
    out: list[tuple[str, str]] = []
    for h in at.get("html"):
        if marker in h.proto.body:
            parser = _FigureParser()
            parser.feed(h.proto.body)
            out += parser.items
    return out


def figures(at, key: str | None = None) -> dict[str, str]:  # noqa: ANN001
    """Return the figures the run drew as label -> value (see figure_list)."""
    return dict(figure_list(at, key))
