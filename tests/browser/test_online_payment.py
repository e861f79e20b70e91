"""Online payment end to end in chromium: Zapłać → the fake gateway → the receiver → Saldo → export → load.

Everything runs as in run.sh's demo mode: the Streamlit server, the fake Przelewy24 gateway and the
notification receiver are separate processes on loopback (tests/browser/conftest.py), the gateway
posts its signed notification to the receiver over HTTP. Every amount the test expects is computed
here from the export's CSV files with Decimal (tests/helpers/money.py), never by ebok's finance code.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import shutil
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from ebok.core import clock
from ebok.domain import online_payments
from tests.browser.conftest import new_context
from tests.helpers import browser as B
from tests.helpers import money

pytestmark = pytest.mark.browser

ANNA = "anna.nowak"
PENDING = "wpłata w trakcie księgowania"
METRIC = '[data-testid="stMain"] [data-testid="stMetric"]'
FIGURE = '[data-testid="stMain"] dl.ebok-figures > div'  # ebok.web.figures: a row of figures in one block


def _plain(text: str) -> str:
    """Return TEXT with non-breaking and narrow spaces as plain spaces (the DOM may keep either)."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _owing_premises(export: Path, today: dt.date) -> tuple[str, money.Expected]:
    """Return Anna's premises with the most to pay, and what the export says it owes."""
    found = [(p, money.expected(export, p, today)) for p in money.premises_of(export, "L0001")]
    pid, exp = max(found, key=lambda f: f[1].open_total)
    assert exp.open_total > 0, f"the demo gives anna.nowak nothing to pay: {found}"
    return pid, exp


def _gateway_amount(value: Decimal) -> str:
    """Format zł as the fake gateway's page does: '1 234,56 PLN' (plain spaces)."""
    return _plain(money.pl_money(value)).replace(" zł", " PLN")


def _figures(exp: money.Expected) -> dict[str, str]:
    """Return Saldo's summary metrics (label -> amount) computed from EXP, as the page must show them."""
    due_later = exp.open_total - exp.overdue - exp.next_due_amount
    out = {"Zaległość po terminie": exp.overdue}
    if exp.next_due is not None:
        out[f"Do zapłaty do {exp.next_due:%d.%m.%Y}"] = exp.next_due_amount
    else:
        out["Do zapłaty w terminie"] = Decimal(0)
    if due_later > 0:
        out["Do zapłaty w kolejnych terminach"] = due_later
    if exp.balance > 0:
        out["Nadpłata"] = exp.balance
    else:
        out["Razem do zapłaty"] = max(Decimal(0), exp.open_total)
    return {label: _plain(money.pl_money(amount)) for label, amount in out.items()}


def _metrics(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Return the main area's figures (ebok.web.figures) and metrics as label -> value text."""
    out = {}
    for figure in page.locator(FIGURE).all():
        label = _plain(figure.locator(".ebok-figure-label").inner_text()).strip()
        out[label] = _plain(figure.locator(".ebok-figure-value").inner_text()).strip()
    for metric in page.locator(METRIC).all():
        label = _plain(metric.locator('[data-testid="stMetricLabel"]').inner_text()).strip()
        out[label] = _plain(metric.locator('[data-testid="stMetricValue"]').inner_text()).strip()
    return out


def _arrived(page) -> None:  # type: ignore[no-untyped-def]
    """Wait for a page the browser was sent to (not opened by the test) to finish its runs."""
    page.wait_for_selector('[data-testid="stApp"]')
    B.settle(page)
    page.wait_for_function(B.FRAMES_LOADED)
    B.settle(page)


def _booking_export(source: Path, target: Path, pid: str, payment: dict[str, str]) -> Path:
    """Copy the export SOURCE to TARGET plus the ledger row that books PAYMENT (payment_ref); fix the manifest."""
    shutil.copytree(source, target)
    ledger = target / "ledger.csv"
    with open(ledger, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh, delimiter=";"))
    assert header[-1] == "payment_ref", header
    row = {
        "entry_id": f"ONLINE-{payment['payment_id']}",
        "premises_id": pid,
        "kind": "payment",
        "entry_date": payment["confirmed_at"][:10],
        "due_date": "",
        "document_no": "",
        "description": "Wpłata online (Przelewy24)",
        "amount": "-" + payment["amount"],
        "payment_ref": payment["payment_id"],
    }
    with open(ledger, "a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, header, delimiter=";", lineterminator="\n").writerow(row)
    manifest = target / "manifest.csv"
    with open(manifest, encoding="utf-8", newline="") as fh:
        entries = list(csv.DictReader(fh, delimiter=";"))
    for entry in entries:
        if entry["file"] == "ledger.csv":
            entry["rows"] = str(int(entry["rows"]) + 1)
            entry["sha256"] = hashlib.sha256(ledger.read_bytes()).hexdigest()
    with open(manifest, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(entries[0]), delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(entries)
    return target


def test_pay_online_pending_then_booked_once(
    chromium, app_server, payment_services, demo_export, server_store, tmp_path
):
    """Anna pays what her flat owes through the fake gateway: Saldo shows it pending at once, with the
    balance including it; after export-payments and a load that books it, it is counted once."""
    today = clock.today()
    pid, exp = _owing_premises(demo_export, today)
    paid = exp.open_total
    ctx = new_context(chromium, app_server, allow=(payment_services.gateway_url,))
    try:
        page = ctx.new_page()
        B.login(page, ANNA, B.RESIDENT_PASSWORD)
        B.wait_login_cookie(ctx)  # the gateway's redirect back is a new page load: the cookie signs her in

        # Zapłać: the default is the whole amount remaining, as the export computes it.
        B.open_page(page, f"zaplac?lokal={pid}")
        online = page.locator('[data-testid="stMain"] .st-key-zaplac_online')
        online.get_by_text(f"Całą kwotę do zapłaty: {_plain(money.pl_money(paid))}").wait_for()
        page.screenshot(path=str(B.SCREENSHOTS / "online-payment-zaplac.png"), full_page=True)
        online.get_by_role("button", name="Zapłać online").click()
        page.wait_for_url(f"{payment_services.gateway_url}/trnRequest/**")

        # The gateway's page asks for exactly that amount; paying sends her back to "Status płatności".
        assert page.locator("#kwota").inner_text() == _gateway_amount(paid)
        page.get_by_role("button", name="Zapłać", exact=True).click()
        page.wait_for_url(f"{app_server.url}/platnosc?**")
        query = parse_qs(urlsplit(page.url).query)
        assert query["lokal"] == [pid]
        (payment_id,) = query["platnosc"]
        _arrived(page)
        # The notification reaches the receiver a moment after the redirect; the page re-reads the store.
        page.get_by_text("Płatność opłacona — dziękujemy").wait_for(timeout=60_000)
        B.wait_idle(page)
        assert _metrics(page)["Kwota"] == _plain(money.pl_money(paid))
        page.screenshot(path=str(B.SCREENSHOTS / "online-payment-returned.png"), full_page=True)

        # Confirmed by the gateway's signed notification, received by the receiver process over HTTP.
        events = online_payments.events(payment_id)
        accepted = [e for e in events if e["kind"] == "accepted"]
        assert [e["detail"].get("source") for e in accepted] == ["notification"], events
        assert accepted[0]["remote_addr"] == "127.0.0.1"

        # Saldo: pending at once, the balance with it, nothing left to pay.
        B.nav_to(page, "Saldo")
        text = _plain(B.main_text(page))
        assert f"Lokal {pid}:" in text
        assert PENDING in text, text
        with_payment = money.expected(demo_export, pid, today, extra_paid=paid)
        assert with_payment.balance == exp.balance + paid
        shown = _metrics(page)
        assert shown["Saldo według księgowości"] == _plain(money.pl_money(exp.balance))
        assert shown["Wpłaty w trakcie księgowania"] == _plain(money.pl_money(paid))
        assert shown["Saldo po uwzględnieniu wpłat w trakcie księgowania"] == _plain(
            money.pl_money(with_payment.balance)
        )
        assert {k: v for k, v in shown.items() if k in _figures(with_payment)} == _figures(with_payment)
        page.screenshot(path=str(B.SCREENSHOTS / "online-payment-pending.png"), full_page=True)

        # The office hands it to accounting: one CSV row, the amount as the export computed it.
        out = tmp_path / "platnosci.csv"
        B.run_cli(["export-payments", "--out", str(out)], server_store)
        with open(out, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter=";"))
        assert [(r["payment_id"], r["premises_id"], r["currency"]) for r in rows] == [
            (payment_id, pid, "PLN")
        ]
        (row,) = rows
        assert money.dec(row["amount"]) == paid
        # Exported exactly once: a second run finds nothing new and writes no file.
        B.run_cli(["export-payments", "--out", str(tmp_path / "again.csv")], server_store)
        assert not (tmp_path / "again.csv").exists()

        # The accounting system books it; the nightly load brings its ledger row back with payment_ref.
        booked = _booking_export(demo_export, tmp_path / "export-booked", pid, row)
        B.run_cli(["load", str(booked)], server_store)
        after = money.expected(booked, pid, today)
        assert after.balance == exp.balance + paid  # the booking counted once, computed from the CSV

        # Saldo is a resident's start page: its address is the portal's root (/saldo is "not found").
        B.open_page(page, f"?lokal={pid}")
        page.locator(B.PAGE_TITLE).filter(has_text="Saldo").wait_for()
        assert page.locator('[role="dialog"]').count() == 0, B.main_text(page)
        text = _plain(B.main_text(page))
        assert f"Lokal {pid}:" in text
        assert PENDING not in text and "Wpłaty w trakcie księgowania" not in text
        assert _metrics(page) == _figures(after)
        page.screenshot(path=str(B.SCREENSHOTS / "online-payment-booked.png"), full_page=True)
    finally:
        ctx.close()
        # Later tests read the demo export's numbers: serve the demo export again.
        B.run_cli(["load", str(demo_export)], server_store)
