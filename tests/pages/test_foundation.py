"""Issue 2 end to end: a demo account signs in through the real login form and sees its balance.

The expected balance is the ledger sum computed here from the export's ledger.csv with the csv
module (tests/helpers/money.py), never through ebok.domain.finance.
"""

from __future__ import annotations

from ebok.core import clock
from tests.helpers import auth, cards, money


def test_demo_account_logs_in_and_sees_the_ledger_sum(data_dir):
    demo = money.demo_loaded()
    money.use_demo(demo, data_dir)
    auth.write_demo_auth()

    at = auth.page("pages/saldo.py")  # signed out: the guard shows the login form itself
    at.run()
    assert not at.metric and not cards.figures(at)
    fields = {t.label: t for t in at.text_input}
    fields["Nazwa użytkownika"].input("anna.nowak")
    fields["Hasło"].input(auth.RESIDENT_PASSWORD)
    next(b for b in at.button if b.label == "Zaloguj się").click()
    at.run()
    assert not at.exception, at.exception

    # Shown first: the premises with most to pay (overdue first), else the first one.
    today = clock.today()
    owned = money.premises_of(demo.export_dir, "L0001")
    owing = {p: money.expected(demo.export_dir, p, today) for p in owned}
    owing = {p: e for p, e in owing.items() if e.open_total > 0}
    premises_id = max(owing, key=lambda p: (owing[p].overdue, owing[p].open_total)) if owing else owned[0]
    ledger = [r for r in money.read(demo.export_dir, "ledger") if r["premises_id"] == premises_id]
    balance = -sum(money.dec(r["amount"]) for r in ledger)
    assert ledger, "the persona's flat has ledger rows"

    metrics = cards.figures(at)
    label = "Nadpłata" if balance > 0 else "Razem do zapłaty"
    assert metrics[label] == money.pl_money(abs(balance))
    assert metrics["Zaległość po terminie"] == money.pl_money(
        money.expected(demo.export_dir, premises_id, today).overdue
    )
    assert any("Dane na dzień" in c.value for c in at.caption)
