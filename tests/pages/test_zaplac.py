"""Zapłać (AppTest): transfer details and the ZBP 2D QR payload, field by field, vs the export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from stdnum import iban
from stdnum.pl import nip as pl_nip

from ebok.core import clock, config
from ebok.domain import online_choice, online_payments
from tests.helpers import cards, money, online
from tests.helpers import payments as gateway_helpers

PAGE = "pages/zaplac.py"


@pytest.fixture
def demo(data_dir):
    d = money.demo_loaded()
    money.use_demo(d, data_dir)
    return d


def grouped(nrb: str) -> str:
    return nrb[:2] + " " + " ".join(nrb[i : i + 4] for i in range(2, 26, 4))


@pytest.mark.parametrize("username", ["anna.nowak", "blazej.wisniewski"])
def test_transfer_and_qr(demo, username):
    today = clock.today()
    customer = money.RESIDENTS[username]
    premises = {r["premises_id"]: r for r in money.read(demo.export_dir, "premises")}
    company = config.load().company
    for pid in money.premises_of(demo.export_dir, customer):
        exp = money.expected(demo.export_dir, pid, today)
        at = money.run_page(PAGE, username, pid)
        codes = [c.value for c in at.code]
        nrb = premises[pid]["bank_account"]
        assert grouped(nrb) in codes
        title = f"Opłaty za lokal {pid} {customer}"
        assert title in codes
        payload = codes[-1]
        fields = payload.split("|")
        assert len(fields) == 9
        nip, country, account, amount, name, qr_title, r1, r2, r3 = fields
        assert pl_nip.is_valid(nip) and nip == "".join(ch for ch in company.nip if ch.isdigit())
        assert country == "PL"
        assert account == nrb and iban.is_valid("PL" + account)
        assert len(amount) == 6 and amount.isdigit()
        assert int(amount) == int(exp.open_total * 100)
        assert 0 < len(name) <= 20 and company.name.startswith(name.split(" ")[0])
        assert qr_title == title[:32]
        assert (r1, r2, r3) == ("", "", "")
        assert len(at.get("image")) == 1
        if exp.open_total == 0:
            assert amount == "000000"
            if exp.balance > 0:
                assert any("nadpłatę" in s.value for s in at.success)
        else:
            assert any(money.pl_money(exp.open_total).replace("\xa0", "\xa0") in i.value for i in at.info)


def test_foreign_premises_refused(demo):
    blazej = money.premises_of(demo.export_dir, "U0001")[0]
    anna_nrbs = {
        r["bank_account"] for r in money.read(demo.export_dir, "premises") if r["customer_id"] == "L0001"
    }
    blazej_nrb = next(
        r["bank_account"] for r in money.read(demo.export_dir, "premises") if r["premises_id"] == blazej
    )
    at = money.run_page(PAGE, "anna.nowak", lokal=blazej)
    text = money.all_text(at)
    assert blazej not in text and blazej_nrb not in text and grouped(blazej_nrb) not in text
    assert any(n in at.code[-1].value for n in anna_nrbs)


def test_amount_words(demo):
    """Due later is "do zapłaty do …", past due is "zaległość po terminie" (issue 12 §2)."""
    today = clock.today()
    seen = set()
    for username in ("anna.nowak", "blazej.wisniewski"):
        for pid in money.premises_of(demo.export_dir, money.RESIDENTS[username]):
            exp = money.expected(demo.export_dir, pid, today)
            if exp.open_total == 0:
                continue
            at = money.run_page(PAGE, username, pid)
            (info,) = [i.value for i in at.info]
            due = f"do zapłaty do {exp.next_due:%d.%m.%Y}" if exp.next_due else None
            if exp.overdue > 0:
                assert f"zaległość po terminie {money.pl_money(exp.overdue)}" in info
                seen.add("overdue")
            else:
                assert "zaległość" not in info.lower()
                seen.add("not late")
            if due:
                assert due.lower() in info.lower()
    assert seen == {"overdue", "not late"}, "the demo has both cases"


# --- Zapłać online (issue 15) ---------------------------------------------------------------------

GATEWAY_URL = "https://sandbox.przelewy24.pl/trnRequest/ABC-123"


def owing(demo) -> tuple[str, money.Expected]:
    """Anna's premises with something to pay, and what the export says she owes there."""
    today = clock.today()
    for pid in money.premises_of(demo.export_dir, "L0001"):
        exp = money.expected(demo.export_dir, pid, today)
        if exp.open_total > 0:
            return pid, exp
    raise AssertionError("the demo gives Anna something to pay")


class FakeStart:
    """Stands in for online_payments.start (pay-core's tests cover the gateway): records the call."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, premises_id, username, amount_grosze, invoices, email, customer_ip, return_url):
        self.calls.append(dict(premises_id=premises_id, username=username, amount_grosze=amount_grosze,
                               invoices=list(invoices), email=email, return_url=return_url))  # fmt: skip
        now = dt.datetime(2026, 12, 3, 10, 0)
        payment = online_payments.OnlinePayment(
            "EB26120300000001", premises_id, username, "przelewy24", amount_grosze, "PLN", tuple(invoices),
            "new", None, now, now, None, None, None, None,
        )  # fmt: skip
        return payment, GATEWAY_URL


@pytest.fixture
def fake_start(monkeypatch):
    fake = FakeStart()
    monkeypatch.setattr(online_payments, "start", fake)
    return fake


def mode_key(pid: str) -> str:
    return f"zaplac_online_mode_{pid}"


def test_online_section_only_when_the_office_enables_it(demo):
    pid, exp = owing(demo)
    at = money.run_page(PAGE, "anna.nowak", pid)
    assert "Zapłać online" not in [s.value for s in at.subheader]
    online.enable()
    at = money.run_page(PAGE, "anna.nowak", pid)
    assert "Zapłać online" in [s.value for s in at.subheader]
    radio = at.radio(key=mode_key(pid))
    assert radio.value == online_choice.REMAINING  # the default
    assert radio.options[0] == f"Całą kwotę do zapłaty: {money.pl_money(exp.open_total)}"
    # The ZBP QR transfer stays below it.
    assert "Przelew lub kod QR" in [s.value for s in at.subheader]
    assert len(at.get("image")) == 1


def test_pay_remaining_amount_redirects_to_the_gateway(demo, fake_start):
    pid, exp = owing(demo)
    online.enable(max_amount=1_000_000)
    at = money.run_page(PAGE, "anna.nowak", pid)
    at.button(key="zaplac_online_go").click().run()
    assert not at.exception, at.exception
    (call,) = fake_start.calls
    assert call["amount_grosze"] == int(exp.open_total * 100)
    assert (call["premises_id"], call["username"], call["invoices"]) == (pid, "anna.nowak", [])
    base = config.base_url()
    assert call["return_url"] == f"{base}/platnosc?{urlencode({'lokal': pid})}&platnosc={{payment_id}}"
    links = [b.proto.url for b in at.get("link_button")]
    assert GATEWAY_URL in links
    scripts = [h.proto.body for h in at.get("html") if "location.assign" in h.proto.body]
    assert scripts == [f'<script>window.location.assign("{GATEWAY_URL}");</script>']
    # A rerun neither starts a second payment nor sends the browser away again.
    at.run()
    assert len(fake_start.calls) == 1
    assert not [h for h in at.get("html") if "location.assign" in h.proto.body]
    assert GATEWAY_URL in [b.proto.url for b in at.get("link_button")]


def test_pay_chosen_charges(demo, fake_start):
    today = clock.today()
    pid, exp = max(
        ((p, money.expected(demo.export_dir, p, today)) for p in money.premises_of(demo.export_dir, "L0001")),
        key=lambda found: sum(1 for v in found[1].remaining.values() if v > 0),
    )
    docs = {
        r["entry_id"]: r["document_no"]
        for r in money.read(demo.export_dir, "ledger")
        if r["premises_id"] == pid
    }
    unpaid = [e for e, left in exp.remaining.items() if left > 0]  # oldest due first
    online.enable(max_amount=1_000_000)
    at = money.run_page(PAGE, "anna.nowak", pid)
    at.radio(key=mode_key(pid)).set_value(online_choice.ITEMS).run()
    box = at.multiselect(key="zaplac_online_items")
    assert len(box.options) == len(unpaid)
    picked = unpaid[-2:]  # the newest one or two: not what "the amount remaining" would pay
    box.set_value([docs[e] or e for e in picked]).run()
    at.button(key="zaplac_online_go").click().run()
    (call,) = fake_start.calls
    assert call["amount_grosze"] == int(sum(exp.remaining[e] for e in picked) * 100)
    assert call["invoices"] == [docs[e] or e for e in picked]


def test_other_amount_outside_the_limits_is_refused_naming_the_field(demo, fake_start):
    pid, _exp = owing(demo)
    online.enable(min_amount=5, max_amount=100)
    at = money.run_page(PAGE, "anna.nowak", pid)
    at.radio(key=mode_key(pid)).set_value(online_choice.OTHER).run()
    at.text_input(key="zaplac_online_amount").input("1,50").run()
    at.button(key="zaplac_online_go").click().run()
    assert [e.value for e in at.error] == ["Kwota: płatność online musi wynosić od 5,00 zł do 100,00 zł."]
    at.text_input(key="zaplac_online_amount").input("abc").run()
    at.button(key="zaplac_online_go").click().run()
    assert [e.value for e in at.error][0].startswith("Kwota: wpisz kwotę cyframi")
    at.text_input(key="zaplac_online_amount").input("99,99").run()
    at.button(key="zaplac_online_go").click().run()
    assert not at.error
    assert [c["amount_grosze"] for c in fake_start.calls] == [9999]


def test_pending_online_payment_lowers_the_amount_and_the_qr_code(demo):
    pid, exp = owing(demo)
    # Pay a part of the debt: 1/3 of it rounded down to the grosz, confirmed but not booked.
    part = int(exp.open_total * 100) // 3
    online.add(pid, part)
    online.add(pid, 500, booked_load="LOAD-1")  # booked: the ledger has it, never counted again
    online.add(pid, 700, status="pending")  # not confirmed: not counted
    after = money.expected(demo.export_dir, pid, clock.today(), extra_paid=Decimal(part) / 100)
    at = money.run_page(PAGE, "anna.nowak", pid)
    payload = at.code[-1].value
    assert int(payload.split("|")[3]) == int(after.open_total * 100)
    texts = [i.value for i in at.info]
    assert any("w trakcie księgowania" in t and money.pl_money(Decimal(part) / 100) in t for t in texts)
    assert any(money.pl_money(after.open_total) in t for t in texts)


def test_end_to_end_through_the_fake_przelewy24(demo):
    """Pay the amount remaining through the real start() and the fake gateway, back to the return page."""
    pid, exp = owing(demo)
    results = []

    def notify(url: str, headers: dict[str, str], body: bytes) -> None:
        # What the receiver does with the POST (ebok/receiver): the domain verifies and applies it.
        results.append(online_payments.handle_notification("przelewy24", headers, body, "127.0.0.1"))

    fake = gateway_helpers.new_fake(notify=notify)
    fake.notify_delay = 0  # the notification comes at once, before the resident is back
    with gateway_helpers.serving(fake.app) as api:
        gateway_helpers.configure("przelewy24", api, max_amount=1_000_000)
        at = money.run_page(PAGE, "anna.nowak", pid)
        at.button(key="zaplac_online_go").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        (t,) = fake.transactions.values()
        assert t.amount == int(exp.open_total * 100)
        assert (
            t.return_url
            == f"{config.base_url()}/platnosc?{urlencode({'lokal': pid})}&platnosc={t.session_id}"
        )
        (url,) = [b.proto.url for b in at.get("link_button") if b.proto.url.startswith(api)]
        assert url.startswith(f"{api}/trnRequest/")

        back = money.run_page("pages/platnosc.py", "anna.nowak", lokal=pid, platnosc=t.session_id)
        assert any("czeka na potwierdzenie" in m.value for m in back.info)
        fake.pay(t.session_id)
        assert [r.outcome for r in results] == ["accepted"]
        back = money.run_page("pages/platnosc.py", "anna.nowak", lokal=pid, platnosc=t.session_id)
        assert any("Płatność opłacona" in m.value for m in back.success)

    # Saldo counts it at once: nothing left to pay, the balance shown with it, clearly marked.
    saldo = money.run_page("pages/saldo.py", "anna.nowak", pid)
    metrics = cards.figures(saldo)
    assert metrics["Wpłaty w trakcie księgowania"] == money.pl_money(exp.open_total)
    assert metrics["Saldo po uwzględnieniu wpłat w trakcie księgowania"] == money.pl_money(
        exp.balance + exp.open_total
    )
    assert metrics["Razem do zapłaty"] == money.pl_money(Decimal(0))
