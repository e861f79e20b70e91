"""Stan danych page: loads listed with rejected rows and why, warning when the nightly load is missing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from ebok.core import settings, text
from ebok.domain import data_status
from ebok.loader import run as loader
from tests.helpers import loader as lh
from tests.helpers import online
from tests.helpers.auth import page


def run(username: str = "admin"):
    at = page("pages/admin_dane.py", username)
    at.run()
    assert not at.exception, at.exception
    return at


def test_resident_is_refused():
    at = run("anna.nowak")
    assert [e.value for e in at.error] == ["Nie masz dostępu do tej strony."]


def test_no_loads_yet():
    at = run()
    assert [w.value for w in at.warning] == [
        "Nie było jeszcze udanego ładowania danych z systemu księgowego."
    ]
    assert "python -m ebok rollback" in [c.value for c in at.code]


def test_ok_and_rejected_loads_with_reasons(tmp_path):
    assert loader.load(lh.write_export(tmp_path / "good"), stream=io.StringIO()).status == "ok"
    data = lh.rows()
    data["customers"][1]["nip"] = "5260250275"
    assert loader.load(lh.write_export(tmp_path / "bad", data), stream=io.StringIO()).status == "rejected"
    at = run()
    assert not at.warning  # the ok load just happened
    loads = at.dataframe[0].value
    assert list(loads["Status"]) == ["odrzucone", "udane"]
    assert list(loads["Błędów"])[0] >= 1
    # The newest (rejected) load is selected: its reasons are listed by file, row and column.
    assert at.error[0].value.startswith("Ładowanie odrzucone:")
    assert list(loads["Błędów"])[0] == 1  # the one wrong NIP: "1 błąd", not "1 błędów"
    assert at.error[0].value.startswith("Ładowanie odrzucone: 1 błąd. ")
    problems = at.dataframe[1].value
    nip = problems[problems["Kolumna"] == "nip"].iloc[0]
    assert (nip["Plik"], nip["Rodzaj"]) == ("customers.csv", "błąd")
    assert "NIP" in nip["Powód"]
    # Choosing the ok load shows its row counts.
    at.selectbox(key="load_chosen").set_value(at.selectbox(key="load_chosen").options[1].split(" · ")[-1])
    at.run()
    counts = at.dataframe[1].value
    assert dict(zip(counts["Tabela"], counts["Wierszy"], strict=True))["premises"] == 3


BROKEN = "wh-20261130T020000000000Z.duckdb"


def _point_at_text_file() -> Path:
    """Point CURRENT at a text file posing as the newest warehouse version; return its path."""
    path = settings.warehouse_dir() / BROKEN
    path.write_text("to nie jest hurtownia\n", encoding="utf-8")
    (settings.warehouse_dir() / "CURRENT").write_text(BROKEN + "\n", encoding="utf-8")
    return path


def test_broken_current_with_a_good_version_names_the_cause_and_the_rollback(tmp_path):
    good = loader.load(lh.write_export(tmp_path / "good"), stream=io.StringIO()).warehouse_file
    broken = _point_at_text_file()
    at = run()
    assert len(at.error) == 1
    message = at.error[0].value.replace("\\", "")  # as shown: Markdown escapes removed
    assert "Plik hurtowni wskazany w CURRENT nie nadaje się do użycia:" in message
    assert str(broken) in message and "to nie jest plik bazy DuckDB" in message
    assert f"poprzedniej dobrej wersji {good}" in message
    assert f"python -m ebok rollback {good}" in [c.value for c in at.code]
    assert at.metric[0].value == good  # "Hurtownia w użyciu": the version served
    # The command does what the page says: CURRENT goes to the good version and the fault is gone.
    assert loader.rollback(stream=io.StringIO(), version=good) == 0
    assert not run().error


@pytest.mark.parametrize("with_history", [False, True])
def test_broken_current_without_a_good_version(tmp_path, with_history):
    if with_history:  # the only good version was deleted: the store still lists its load
        good = loader.load(lh.write_export(tmp_path / "good"), stream=io.StringIO()).warehouse_file
        (settings.warehouse_dir() / good).unlink()
    broken = _point_at_text_file()
    at = run()  # no exception element: the page itself asserts it
    assert len(at.error) == 1
    message = at.error[0].value.replace("\\", "")  # as shown: Markdown escapes removed
    assert str(broken) in message and "to nie jest plik bazy DuckDB" in message
    assert "mieszkańcy widzą komunikat „Dane są chwilowo niedostępne”" in message
    assert "python -m ebok rollback WERSJA" in message
    assert data_status.LOAD_COMMAND in [c.value for c in at.code]
    assert at.metric[0].value == "brak"


def test_refused_load_shows_the_refusals_and_the_comparison(tmp_path):
    """A premises gone from the export: the refusal names the numbers; premises, balance, months shown."""
    assert loader.load(lh.write_export(tmp_path / "good"), stream=io.StringIO()).status == "ok"
    data = lh.rows()
    data["premises"] = [p for p in data["premises"] if p["premises_id"] != "P2"]
    data["ledger"] = [e for e in data["ledger"] if e["premises_id"] != "P2"]  # E4 80,00 and E5 -100,00
    assert loader.load(lh.write_export(tmp_path / "smaller", data), stream=io.StringIO()).status == "rejected"
    at = run()
    assert list(at.dataframe[0].value["Status"]) == ["odrzucone", "udane"]
    refusal = at.error[0].value
    assert refusal.startswith("Kontrola wiarygodności odrzuciła eksport")
    expected = "Lokale: w nowym eksporcie brakuje 1 z 3 lokali (33,3 %), dopuszczalne 2 % (np. P2)."
    assert text.escape_markdown(expected) in refusal  # Markdown source: the colon is escaped
    summary = at.dataframe[1].value
    premises = summary[summary["Co"] == "Lokale"].iloc[0]
    assert (premises["Było"], premises["Jest"], premises["Usunięte"], premises["Przykłady usuniętych"]) == (
        "3", "2", "−1", "P2",
    )  # fmt: skip
    balance = summary[summary["Co"].str.startswith("Saldo")].iloc[0]
    # Before: -(500 + 500 - 700 + 80 - 100 + 1234,56) = -1514,56; without P2: -1534,56.
    assert (balance["Było"], balance["Jest"]) == ("-1\xa0514,56 zł", "-1\xa0534,56 zł")
    months = at.dataframe[2].value
    october = months[months["Miesiąc"] == "październik 2026"].iloc[0]
    # October: E2 500, E3 -700, E4 80, E5 -100 before; E2 and E3 after (P2's history left with it).
    assert (october["Zapisów było"], october["Suma była"], october["Zapisów jest"], october["Suma jest"]) == (
        "4", "-220,00 zł", "2", "-200,00 zł",
    )  # fmt: skip
    assert october["Zmiana"] == ""  # the premises kept have the same October


def test_confirmed_online_payments_not_booked_listed_oldest_first():
    # Issue 15: what accounting has still to book. Times are naive UTC (Warsaw is UTC+1 in winter).
    older = online.add("B1/M2", 12_345, confirmed_at=dt.datetime(2026, 11, 2, 9, 0), exported_batch="BATCH-1")
    newer = online.add("B1/M1", 100, confirmed_at=dt.datetime(2026, 11, 3, 9, 0))
    online.add("B1/M1", 5_000, confirmed_at=dt.datetime(2026, 11, 1, 9, 0), booked_load="LOAD-1")
    online.add("B1/M1", 7_000, status="pending")
    at = run()
    rows = next(df.value for df in at.dataframe if "Nr płatności" in df.value.columns)
    assert list(rows["Nr płatności"]) == [older, newer]
    assert list(rows["Kwota"]) == ["123,45 zł", "1,00 zł"]
    assert list(rows["Opłacona"]) == ["02.11.2026 10:00", "03.11.2026 10:00"]
    assert list(rows["Eksport"]) == ["paczka BATCH-1", "jeszcze nie wyeksportowana"]
    assert any("**2**" in m.value and "124,45 zł" in m.value for m in at.markdown)


def test_no_unbooked_online_payments():
    online.add("B1/M1", 5_000, booked_load="LOAD-1")
    at = run()
    assert "Wszystkie potwierdzone płatności online zostały zaksięgowane." in [c.value for c in at.caption]
