"""Status płatności (AppTest): the status of the resident's own payment from our store, nothing else."""

from __future__ import annotations

import dataclasses

import pytest

from ebok.domain import online_payments
from tests.helpers import money, online

PAGE = "pages/platnosc.py"


@pytest.fixture
def demo(data_dir):
    d = money.demo_loaded()
    money.use_demo(d, data_dir)
    return d


def anna_and_blazej(demo) -> tuple[str, str]:
    return money.premises_of(demo.export_dir, "L0001")[0], money.premises_of(demo.export_dir, "U0001")[0]


@pytest.mark.parametrize(
    "status,tone,headline",
    [
        ("pending", "info", "Płatność czeka na potwierdzenie"),
        ("new", "info", "Płatność czeka na potwierdzenie"),
        ("confirmed", "success", "Płatność opłacona"),
        ("failed", "error", "Płatność nieudana"),
        ("cancelled", "warning", "Płatność anulowana"),
        ("expired", "warning", "Płatność wygasła"),
    ],
)
def test_own_payment_shows_its_status_from_the_store(demo, status, tone, headline):
    anna, _ = anna_and_blazej(demo)
    pid = online.add(anna, 12345, status)
    # The gateway may append anything to the return address: only ?platnosc= is read.
    at = money.run_page(PAGE, "anna.nowak", lokal=anna, platnosc=pid, status="success", amount="1")
    messages = [m.value for m in getattr(at, tone)]
    assert any(headline in m for m in messages), messages
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Kwota"] == "123,45 zł"
    assert metrics["Status"] == online_payments.STATUS_LABELS[status]
    assert pid in money.all_text(at)


def test_someone_elses_payment_shows_nothing(demo):
    anna, blazej = anna_and_blazej(demo)
    theirs = online.add(blazej, 98765, "confirmed", username="blazej.wisniewski")
    at = money.run_page(PAGE, "anna.nowak", lokal=anna, platnosc=theirs)
    text = money.all_text(at)
    assert "Nie znaleziono płatności" in text
    assert theirs not in text and "987,65" not in text and blazej not in text
    assert not at.metric and not at.success
    # Naming the other premises in the address does not help: the guard keeps Anna on her own.
    at = money.run_page(PAGE, "anna.nowak", lokal=blazej, platnosc=theirs)
    text = money.all_text(at)
    assert "Nie znaleziono płatności" in text and "987,65" not in text


def test_unknown_or_missing_id(demo):
    anna, _ = anna_and_blazej(demo)
    for query in ({"platnosc": "EB000000000000XX"}, {}):
        at = money.run_page(PAGE, "anna.nowak", lokal=anna, **query)
        assert "Nie znaleziono płatności" in money.all_text(at)


def test_refresh_asks_the_gateway_for_this_premises_only(demo, monkeypatch):
    anna, _ = anna_and_blazej(demo)
    pid = online.add(anna, 5000, "pending")
    asked = []

    def fake_refresh(payment_id: str, premises_id: str):
        asked.append((payment_id, premises_id))
        found = online_payments.get(payment_id, premises_id)
        return dataclasses.replace(found, status="confirmed") if found else None

    monkeypatch.setattr(online_payments, "refresh", fake_refresh)
    at = money.run_page(PAGE, "anna.nowak", lokal=anna, platnosc=pid)
    assert any("czeka na potwierdzenie" in m.value for m in at.info)
    assert asked == []  # opening the page reads the store only
    at.button(key="platnosc_refresh").click().run()
    assert asked == [(pid, anna)]
    assert any("Płatność opłacona" in m.value for m in at.success)
