"""Płatności online (AppTest): every payment with its status, filters, problems highlighted, export batches."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from ebok.core import clock
from ebok.storage import store
from ebok.storage.tables import online_payments
from tests.helpers import online
from tests.helpers.auth import page

PAGE = "pages/admin_platnosci.py"
LIST = "platnosci_lista"


def run(username: str = "admin"):
    at = page(PAGE, username)
    at.run()
    assert not at.exception, at.exception
    return at


def payments_table(at):
    return next(df.value for df in at.dataframe if "Nr płatności" in df.value.columns)


def card_flags(at) -> list[bool]:
    """Per card of the list (phone layout): whether it is highlighted."""
    (body,) = [h.proto.body for h in at.get("html") if f'data-table="{LIST}"' in h.proto.body]
    return [tag == ' class="ebok-card-flag"' for tag in re.findall(r"<li([^>]*)>", body)]


def seed() -> dict[str, str]:
    now = clock.now()
    return {
        "ok": online.add("B1/M1", 12_345, created_at=now - dt.timedelta(minutes=30)),
        "mismatch": online.add(
            "B1/M2",
            10_000,
            "pending",
            created_at=now - dt.timedelta(minutes=20),
            problem="odrzucone powiadomienie: kwota 100,00 zł zamiast 123,45 zł",
        ),  # fmt: skip
        "failed": online.add("B1/M1", 5_000, "failed", created_at=now - dt.timedelta(minutes=10)),
        "stuck": online.add("B1/M3", 7_000, "pending", created_at=now - dt.timedelta(hours=3)),
        "fresh": online.add("B1/M3", 8_000, "new", created_at=now - dt.timedelta(minutes=1)),
        "old": online.add("B1/M1", 9_900, created_at=now - dt.timedelta(days=60)),
    }


def test_resident_is_refused():
    at = run("anna.nowak")
    assert [e.value for e in at.error] == ["Nie masz dostępu do tej strony."]


def test_every_payment_listed_failures_and_mismatches_highlighted():
    ids = seed()
    at = run()
    table = payments_table(at)
    # Newest first, the last 30 days by default (the 60-day-old one is outside).
    assert list(table["Nr płatności"]) == [ids[k] for k in ("fresh", "failed", "mismatch", "ok", "stuck")]
    by_id = {r["Nr płatności"]: r for r in table.to_dict("records")}
    assert by_id[ids["ok"]]["Kwota"] == "123,45 zł"
    assert by_id[ids["ok"]]["Status"] == "opłacona"
    assert by_id[ids["ok"]]["Lokal"] == "B1/M1"
    assert by_id[ids["ok"]]["Id operatora"] == "ORD-1"
    assert by_id[ids["ok"]]["Uwagi"] == "" and by_id[ids["fresh"]]["Uwagi"] == ""
    assert "kwota 100,00 zł zamiast 123,45 zł" in by_id[ids["mismatch"]]["Uwagi"]
    assert by_id[ids["failed"]]["Status"] == "⚠ nieudana"
    assert "brak powiadomienia" in by_id[ids["stuck"]]["Uwagi"]
    flagged = [bool(r["Uwagi"]) for r in table.to_dict("records")]
    assert flagged == [False, True, True, False, True]
    assert card_flags(at) == flagged
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Wymagają uwagi"] == "3"
    assert metrics["Opłacone (suma)"] == "123,45 zł"
    assert any("Wymagają uwagi: 3" in e.value for e in at.error)


def test_filters():
    ids = seed()
    at = run()
    at.selectbox(key="platnosci_status").set_value("waiting").run()
    assert list(payments_table(at)["Nr płatności"]) == [ids["fresh"], ids["mismatch"], ids["stuck"]]
    at.selectbox(key="platnosci_status").set_value("").run()
    at.text_input(key="platnosci_lokal").input("B1/M1").run()
    assert list(payments_table(at)["Nr płatności"]) == [ids["failed"], ids["ok"]]
    at.text_input(key="platnosci_lokal").input("").run()
    at.toggle(key="platnosci_problemy").set_value(True).run()
    assert list(payments_table(at)["Nr płatności"]) == [ids["failed"], ids["mismatch"], ids["stuck"]]
    at.toggle(key="platnosci_problemy").set_value(False).run()
    today = clock.today()
    at.date_input(key="platnosci_okres").set_value((today - dt.timedelta(days=90), today)).run()
    assert ids["old"] in list(payments_table(at)["Nr płatności"])
    at.date_input(key="platnosci_okres").set_value(
        (today - dt.timedelta(days=90), today - dt.timedelta(days=30))
    ).run()
    assert list(payments_table(at)["Nr płatności"]) == [ids["old"]]


def test_export_batch_and_download_again():
    ids = seed()
    at = run()
    at.button(key="platnosci_eksport").click().run()
    (done,) = [s.value for s in at.success]
    # Two confirmed payments: 123,45 + 99,00 zł.
    assert re.match(r"Paczka \d{8}-\d{6}-[0-9A-F]{6}: 2 płatności na kwotę 222,45 zł\.", done)
    batch_id = done.split()[1].rstrip(":")
    with store.engine().connect() as con:
        exported = dict(
            con.execute(select(online_payments.c.payment_id, online_payments.c.exported_batch)).all()
        )
    assert {k for k, b in exported.items() if b == batch_id} == {ids["ok"], ids["old"]}
    assert all(b is None for k, b in exported.items() if k not in (ids["ok"], ids["old"]))
    labels = [b.proto.label for b in at.get("download_button")]
    assert f"Pobierz platnosci-online-{batch_id}.csv" in labels
    # A second export finds nothing new; the batch stays downloadable.
    at.button(key="platnosci_eksport").click().run()
    assert [i.value for i in at.info][-1] == "Brak nowych opłaconych płatności do eksportu."
    box = at.selectbox(key="platnosci_paczka")
    assert box.value == batch_id
    assert "2 płatności" in box.options[0] and "222,45 zł" in box.options[0]
    assert "Pobierz paczkę ponownie" in [b.proto.label for b in at.get("download_button")]
