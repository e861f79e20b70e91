"""Saldo page (AppTest) on the loaded demo data, numbers checked against ledger.csv read independently."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from ebok.storage import store
from ebok.storage.tables import reading_submissions
from ebok.web.session import PREMISES_KEY
from tests.helpers import auth, money

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
    parts += [str(df.value.to_dict()) for df in at.dataframe]
    parts += [str(sb.options) for sb in at.selectbox]
    return "\n".join(parts)


@pytest.mark.parametrize("username", ["anna.nowak", "blazej.wisniewski"])
def test_numbers_per_premises(demo, username):
    today = dt.date.today()
    own = money.premises_of(demo.export_dir, money.RESIDENTS[username])
    assert own, "persona has premises in the demo"
    for pid in own:
        exp = money.expected(demo.export_dir, pid, today)
        at = run(username, pid)
        metrics = {m.label: m.value for m in at.metric}
        label = "Saldo (nadpłata)" if exp.balance > 0 else "Saldo (zaległość)" if exp.balance < 0 else "Saldo"
        assert metrics[label] == money.pl_money(abs(exp.balance)), pid
        assert metrics["Po terminie"] == money.pl_money(exp.overdue), pid
        if exp.next_due:
            assert metrics["Najbliższa płatność"] == money.pl_money(exp.next_due_amount)
            assert any(f"{exp.next_due:%d.%m.%Y}" in str(m.proto.delta) for m in at.metric)
        else:
            assert metrics["Najbliższa płatność"] == "—"
        if exp.open_total > 0:
            assert any(money.pl_money(exp.open_total) in i.value for i in at.info)


def test_anna_sees_all_her_premises_table(demo):
    own = money.premises_of(demo.export_dir, "L0001")
    assert len(own) >= 2
    at = run("anna.nowak")
    table = at.dataframe[0].value
    assert sorted(table["Lokal"]) == own
    today = dt.date.today()
    for _, row in table.iterrows():
        exp = money.expected(demo.export_dir, row["Lokal"], today)
        assert row["Saldo"] == money.pl_money(abs(exp.balance))
        assert row["Po terminie"] == money.pl_money(exp.overdue)


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
    now = dt.datetime.now().replace(microsecond=0)
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
    assert pending and list(pending[0]["Licznik"]) == ["X1"]
    assert pending[0]["Stan"][0] == "12,500"


def test_signed_out_sees_login(demo):
    at = auth.page(PAGE)
    at.run()
    assert not at.metric


def test_next_waste_collection_for_water_customer(demo):
    from ebok.domain import waste

    pid = money.premises_of(demo.export_dir, "W0001")[0]
    today = dt.date.today()
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
    assert not at.metric and not at.dataframe
    assert any("Nie masz dostępu" in e.value for e in at.error)
