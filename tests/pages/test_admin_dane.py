"""Stan danych page: loads listed with rejected rows and why, warning when the nightly load is missing."""

from __future__ import annotations

import io

from ebok.loader import run as loader
from tests.helpers import loader as lh
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
