"""Saldo page (AppTest) on the loaded demo data, numbers checked against ledger.csv read independently."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from decimal import Decimal

import pytest
from sqlalchemy import insert, update

from ebok import loader
from ebok.core import clock
from ebok.storage import store
from ebok.storage.tables import online_payments, reading_submissions
from ebok.web.session import PREMISES_KEY
from tests.helpers import auth, cards, money, online
from tests.helpers import loader as loader_helpers

PAGE = "pages/saldo.py"


@pytest.fixture
def demo(data_dir):
    d = money.demo_loaded()
    money.use_demo(d, data_dir)
    return d


def run(username: str, premises_id: str | None = None, **query: str):
    at = auth.page(PAGE, username, **query)
    if premises_id:
        at.session_state[PREMISES_KEY] = premises_id
    at.run()
    assert not at.exception, at.exception
    return at


def all_text(at) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "info", "success", "error", "warning", "subheader", "title")
        for e in getattr(at, kind)
    ]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [f"{label} {value}" for label, value in cards.figure_list(at)]
    parts += [str(df.value.to_dict()) for df in at.dataframe]
    parts += [str(sb.options) for sb in at.selectbox]
    return "\n".join(parts)


def pl_date(day: dt.date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def expected_state(exp: money.Expected) -> str:
    """The account's words, by the rule of Polish e-BOKs: only what is past due is arrears."""
    if exp.overdue > 0:
        return "zaległość po terminie"
    if exp.next_due:
        return f"do zapłaty do {pl_date(exp.next_due)}"
    return "nadpłata" if exp.balance > 0 else "rozliczone"


def expected_metrics(exp: money.Expected) -> dict[str, str]:
    """The Saldo metrics for one premises, from ledger.csv read independently."""
    got = {"Zaległość po terminie": money.pl_money(exp.overdue)}
    if exp.next_due:
        got[f"Do zapłaty do {pl_date(exp.next_due)}"] = money.pl_money(exp.next_due_amount)
    else:
        got["Do zapłaty w terminie"] = money.pl_money(Decimal(0))
    later = exp.open_total - exp.overdue - exp.next_due_amount
    if later > 0:
        got["Do zapłaty w kolejnych terminach"] = money.pl_money(later)
    if exp.balance > 0:
        got["Nadpłata"] = money.pl_money(exp.balance)
    else:
        got["Razem do zapłaty"] = money.pl_money(exp.open_total)
    return got


@pytest.mark.parametrize("username", ["anna.nowak", "blazej.wisniewski"])
def test_numbers_per_premises(demo, username):
    today = clock.today()
    own = money.premises_of(demo.export_dir, money.RESIDENTS[username])
    assert own, "persona has premises in the demo"
    for pid in own:
        exp = money.expected(demo.export_dir, pid, today)
        at = run(username, pid)
        assert cards.figures(at) == expected_metrics(exp), pid
        # No delta on any metric: Streamlit would draw an up-arrow beside a value that is no change.
        assert cards.no_deltas(at), pid
        if exp.open_total > 0:
            assert any(money.pl_money(exp.open_total) in i.value for i in at.info)


def test_charge_not_yet_due_is_not_arrears(demo):
    # Anna's flat owes a charge due on the 10th that is not late yet (issue 12 §2).
    today = clock.today()
    pid = next(
        p
        for p in money.premises_of(demo.export_dir, "L0001")
        if (e := money.expected(demo.export_dir, p, today)).open_total > 0 and e.overdue == 0
    )
    exp = money.expected(demo.export_dir, pid, today)
    at = run("anna.nowak", pid)
    metrics = cards.figures(at)
    assert metrics["Zaległość po terminie"] == money.pl_money(Decimal(0))
    assert metrics[f"Do zapłaty do {pl_date(exp.next_due)}"] == money.pl_money(exp.next_due_amount)
    assert not at.error
    # "zaległość" appears only as the label of the zero overdue amount.
    assert [label for label in cards.figures(at) if "zaległość" in label.lower()] == ["Zaległość po terminie"]
    assert not any("zaległość" in t.value.lower() for t in (*at.info, *at.success, *at.error))


def test_overpaid_premises_says_nadplata(demo):
    today = clock.today()
    pid = next(
        p
        for p in money.premises_of(demo.export_dir, "L0001")
        if money.expected(demo.export_dir, p, today).balance > 0
    )
    exp = money.expected(demo.export_dir, pid, today)
    at = run("anna.nowak", pid)
    assert cards.figures(at)["Nadpłata"] == money.pl_money(exp.balance)
    assert any(f"Nadpłata {money.pl_money(exp.balance)}" in s.value for s in at.success)


def test_anna_sees_all_her_premises_table(demo):
    own = money.premises_of(demo.export_dir, "L0001")
    assert len(own) >= 2
    at = run("anna.nowak")
    table = at.dataframe[0].value
    assert sorted(table["Lokal"]) == own
    # The amounts right after the premises: they stay in sight when the table is narrow.
    assert list(table.columns)[:4] == ["Lokal", "Saldo", "Po terminie", "Stan"]
    today = clock.today()
    for _, row in table.iterrows():
        exp = money.expected(demo.export_dir, row["Lokal"], today)
        assert row["Saldo"] == money.pl_money(abs(exp.balance))
        assert row["Po terminie"] == money.pl_money(exp.overdue)
        assert row["Stan"] == expected_state(exp)
    # The same rows as phone cards: the premises, its state, then the amounts first.
    shown = cards.cards(at, "saldo_all")
    assert [c.head for c in shown] == [
        [f"Lokal {p}", expected_state(money.expected(demo.export_dir, p, today))] for p in own
    ]
    for pid, card in zip(own, shown, strict=True):
        exp = money.expected(demo.export_dir, pid, today)
        assert card.money == [
            ("Saldo", money.pl_money(abs(exp.balance))),
            ("Po terminie", money.pl_money(exp.overdue)),
        ]


def test_other_residents_premises_never_shown(demo):
    blazej = money.premises_of(demo.export_dir, "U0001")
    anna = money.premises_of(demo.export_dir, "L0001")
    # ?lokal= with someone else's premises, and the same id planted in session state.
    at = auth.page(PAGE, "anna.nowak", lokal=blazej[0])
    at.session_state[PREMISES_KEY] = blazej[0]
    at.run()
    assert not at.exception
    text = all_text(at)
    assert blazej[0] not in text
    assert any(p in text for p in anna)
    assert any("nie należy do Twojego konta" in w.value for w in at.warning)
    # The premises selector only offers her own premises.
    assert sorted(at.selectbox[0].options) != [] and all(blazej[0] not in o for o in at.selectbox[0].options)


def test_selector_value_of_another_premises_is_ignored(demo):
    blazej = money.premises_of(demo.export_dir, "U0001")[0]
    at = auth.page(PAGE, "anna.nowak")
    at.session_state["_ebok_premises_select_anna.nowak"] = blazej
    at.run()
    assert not at.exception
    assert blazej not in all_text(at)


def test_pending_submission_until_booked(demo):
    pid = money.premises_of(demo.export_dir, "L0001")[-1]
    now = clock.now().replace(microsecond=0)
    with store.engine().begin() as con:
        con.execute(
            insert(reading_submissions),
            [
                dict(submission_id="SUB-WAIT-1", premises_id=pid, meter_id="X1", reading_date=now,
                     value=12.5, username="anna.nowak", submitted_at=now, implausible=0),
            ],
        )  # fmt: skip
    at = run("anna.nowak", pid)
    tables = [df.value for df in at.dataframe]
    pending = [t for t in tables if "Licznik" in t.columns]
    assert pending and list(pending[0]["Licznik"]) == ["licznik usunięty z ewidencji lokalu"]
    assert pending[0]["Stan"][0] == "12,500"


def test_signed_out_sees_login(demo):
    at = auth.page(PAGE)
    at.run()
    assert not at.metric and not cards.figures(at)


def test_next_waste_collection_for_water_customer(demo):
    from ebok.domain import waste

    pid = money.premises_of(demo.export_dir, "W0001")[0]
    today = clock.today()
    schedule = money.read(demo.export_dir, "waste_schedule")
    points = [r for r in money.read(demo.export_dir, "waste_points") if r["premises_id"] == pid]
    routes = {p["route_id"] for p in points}
    future = sorted(money.day(r["collection_date"]) for r in schedule if r["route_id"] in routes)
    future = [d for d in future if d >= today]
    at = money.run_page(PAGE, "jan.kowalski", pid)
    text = money.all_text(at)
    if future:
        assert f"{future[0]:%d.%m.%Y}" in text
        assert waste.next_collection(pid, today).date == future[0]
    else:
        assert "Najbliższy wywóz" not in text


def test_admin_gets_no_resident_data(demo):
    at = auth.page(PAGE, "admin")
    at.run()
    assert not at.metric and not cards.figures(at) and not at.dataframe
    assert any("Nie masz dostępu" in e.value for e in at.error)


# --- online payments not booked yet (issue 15) ----------------------------------------------------

BALANCE_WITH = "Saldo po uwzględnieniu wpłat w trakcie księgowania"


def owing_premises(demo) -> tuple[str, money.Expected]:
    today = clock.today()
    for pid in money.premises_of(demo.export_dir, "L0001"):
        exp = money.expected(demo.export_dir, pid, today)
        if exp.overdue > 0 or exp.open_total > 0:
            return pid, exp
    raise AssertionError("the demo gives Anna something to pay")


def test_confirmed_online_payment_shows_at_once_and_counts_once(demo):
    today = clock.today()
    pid, exp = owing_premises(demo)
    # Two payments: a part of the debt and 0,01 zł, confirmed by the gateway, not booked yet.
    part = int(exp.open_total * 100) // 2
    online.add(pid, part)
    online.add(pid, 1)
    booked = online.add(pid, 50_000, booked_load="LOAD-1")  # the ledger has it: never counted again
    online.add(pid, 70_000, status="pending")  # not confirmed: not counted
    blazej = money.premises_of(demo.export_dir, "U0001")[0]
    online.add(blazej, 90_000, username="blazej.wisniewski")  # another premises: not counted here
    paid = Decimal(part + 1) / 100
    after = money.expected(demo.export_dir, pid, today, extra_paid=paid)

    at = run("anna.nowak", pid)
    metrics = cards.figures(at)
    assert metrics == expected_metrics(after) | {
        "Saldo według księgowości": money.pl_money(exp.balance),
        "Wpłaty w trakcie księgowania": money.pl_money(paid),
        BALANCE_WITH: money.pl_money(exp.balance + paid),
    }
    assert cards.no_deltas(at)
    listed = money.frame_with(at, "Rodzaj", "Wpłata online (w trakcie księgowania)")
    assert sorted(money.parse_money(v) for v in listed["Wpłata"]) == [Decimal("0.01"), Decimal(part) / 100]
    assert booked not in all_text(at) and "900,00" not in all_text(at)
    # The table of all her premises counts it too, and says so.
    table = money.frame_with(at, "Lokal", pid)
    row = table[table["Lokal"] == pid].iloc[0]
    assert row["Saldo"] == money.pl_money(abs(exp.balance + paid))
    assert "w trakcie księgowania" in row["Stan"]

    # Once a load books them they are no longer pending: the page shows the ledger alone.
    with store.engine().begin() as con:
        con.execute(
            update(online_payments)
            .where(online_payments.c.premises_id == pid)
            .values(booked_load="LOAD-2", booked_at=dt.datetime(2026, 12, 4))
        )
    at = run("anna.nowak", pid)
    assert cards.figures(at) == expected_metrics(exp)
    assert "w trakcie księgowania" not in all_text(at)


def test_a_load_that_books_the_online_payment_counts_it_once(demo, tmp_path):
    """Issue 15: pending until the export books it (its id in the ledger), then in the ledger only."""
    today = clock.today()
    pid, exp = owing_premises(demo)
    amount = int(exp.open_total * 100) // 2 or 1
    payment = online.add(pid, amount)
    assert set(cards.figures(run("anna.nowak", pid))) >= {BALANCE_WITH}

    # The accounting system books it: one more ledger row, our id in its description.
    export = tmp_path / "export"
    shutil.copytree(demo.export_dir, export)
    with open(export / "ledger.csv", encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=";")
        header, rows = reader.fieldnames, list(reader)
    booked_row = dict.fromkeys(header, "")
    zl = Decimal(amount) / 100
    booked_row.update(entry_id="K999999999", premises_id=pid, kind="payment", entry_date=today.isoformat(),
                      description=f"Wpłata online e-BOK {payment}", amount=f"-{zl}".replace(".", ","))  # fmt: skip
    with open(export / "ledger.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows([*rows, booked_row])
    loader_helpers.rewrite_manifest(export)
    report = io.StringIO()
    result = loader.load(export, stream=report)
    assert result.exit_code == 0, report.getvalue()

    after = money.expected(export, pid, today)  # the new ledger alone, read independently
    assert after.balance == exp.balance + zl
    at = run("anna.nowak", pid)
    assert cards.figures(at) == expected_metrics(after)
    assert "w trakcie księgowania" not in all_text(at)
