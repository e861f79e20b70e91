"""Moje dane i lokale (AppTest): customer, premises parameters, fee components and the fee chart."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

import pytest

from ebok.core import clock
from tests.helpers import cards, money

PAGE = "pages/moje_dane.py"


@pytest.fixture
def demo(data_dir):
    d = money.demo_loaded()
    money.use_demo(d, data_dir)
    return d


@pytest.mark.parametrize("username", ["anna.nowak", "blazej.wisniewski"])
def test_data_and_components(demo, username):
    customer = money.RESIDENTS[username]
    premises = {r["premises_id"]: r for r in money.read(demo.export_dir, "premises")}
    charges = money.read(demo.export_dir, "charges")
    for pid in money.premises_of(demo.export_dir, customer):
        at = money.run_page(PAGE, username, pid)
        client = dict(
            zip(
                money.frame_with(at, "Pole", "Symbol klienta")["Pole"],
                money.frame_with(at, "Pole", "Symbol klienta")["Wartość"],
                strict=True,
            )
        )
        assert client["Symbol klienta"] == customer
        details = money.frame_with(at, "Pole", "Adres")
        d = dict(zip(details["Pole"], details["Wartość"], strict=True))
        p = premises[pid]
        assert d["Rachunek do wpłat"].replace(" ", "") == p["bank_account"]
        assert d["Powierzchnia użytkowa"] == f"{p['area_m2']} m²"
        assert d["Liczba osób"] == p["persons"]
        assert p["street"] in d["Adres"] and p["city"] in d["Adres"]
        own = [c for c in charges if c["premises_id"] == pid]
        if not own:
            continue
        last = max(c["period"] for c in own)
        latest = [c for c in own if c["period"] == last]
        comp = money.frame_with(at, "Składnik")
        assert sorted(comp["Składnik"]) == sorted(c["component_name"] for c in latest)
        total = sum(money.dec(c["amount"]) for c in latest)
        assert {m.label: m.value for m in at.metric}["Razem miesięcznie"] == money.pl_money(total)
        # On a phone each component is a card whose first line under the name is its amount.
        shown = cards.cards(at, "moje_skladniki")
        assert sum(money.parse_money(dict(c.money)["Kwota"]) for c in shown) == total
        assert sorted(c.head[0] for c in shown) == sorted(f"Składnik {c['component_name']}" for c in latest)


def test_fee_chart_per_month(demo):
    pid = [p for p in money.premises_of(demo.export_dir, "L0001") if "/M" in p][0]
    charges = [c for c in money.read(demo.export_dir, "charges") if c["premises_id"] == pid]
    per_month: dict[str, Decimal] = defaultdict(Decimal)
    names = set()
    for c in charges:
        per_month[c["period"]] += money.dec(c["amount"])
        names.add(c["component_name"])
    at = money.run_page(PAGE, "anna.nowak", pid)
    assert not at.get("plotly_chart")
    at.toggle(key="moje_wykres_on").set_value(True).run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert {t["name"] for t in spec["data"]} == names
    assert spec["layout"]["barmode"] == "stack"
    got: dict[str, Decimal] = defaultdict(Decimal)
    for trace in spec["data"]:
        for x, y in zip(trace["x"], trace["y"], strict=True):
            got[x[:7]] += Decimal(str(y))
    assert got == per_month


def test_only_own_premises_listed(demo):
    blazej = money.premises_of(demo.export_dir, "U0001")[0]
    at = money.run_page(PAGE, "anna.nowak", lokal=blazej)
    assert blazej not in money.all_text(at)
    own = money.premises_of(demo.export_dir, "L0001")
    table = money.frame_with(at, "Lokal")
    assert sorted(table["Lokal"]) == own
    assert list(table.columns)[:3] == ["Lokal", "Saldo", "Po terminie"]
    today = clock.today()
    shown = cards.cards(at, "moje_lokale")
    assert [c.head[0] for c in shown] == [f"Lokal {p}" for p in own]
    for pid, card in zip(own, shown, strict=True):
        exp = money.expected(demo.export_dir, pid, today)
        assert card.money == [
            ("Saldo", money.pl_money(abs(exp.balance))),
            ("Po terminie", money.pl_money(exp.overdue)),
        ]
