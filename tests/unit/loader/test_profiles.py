"""Mapping profiles: validation in Polish, the example profiles' samples load to the same numbers as the
contract, source file/line/column in every message, `profile check`, an optional manifest."""

from __future__ import annotations

import csv
import io
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from ebok import loader
from ebok.cli import main
from ebok.core import settings
from ebok.core.errors import FormError
from ebok.domain import modules
from ebok.loader import mapping, profile_check, profiles
from ebok.loader.messages import Issues
from ebok.storage import warehouse
from tests.helpers.loader import write_export

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "profiles"
MEDIUM = {"ZW": "cold_water", "CW": "hot_water", "CO": "heat", "G": "gas", "EE": "electricity"}


def run(folder: Path, profile: str | None = None) -> tuple[loader.LoadResult, str]:
    out = io.StringIO()
    result = loader.load(folder, stream=out, profile=profile)
    return result, out.getvalue()


def balances() -> dict[str, Decimal]:
    """Sum of ledger amounts per premises, straight from the served warehouse."""
    with warehouse.cursor() as cur:
        rows = cur.execute("SELECT premises_id, sum(amount) FROM ledger GROUP BY 1 ORDER BY 1").fetchall()
    return {p: Decimal(a) for p, a in rows}


def consumption() -> dict[tuple[str, str, str], Decimal]:
    """Consumption per premises, medium and month from the served warehouse's monthly_consumption."""
    with warehouse.cursor() as cur:
        rows = cur.execute("SELECT premises_id, medium, strftime(month, '%Y-%m'), consumption "
                           "FROM monthly_consumption").fetchall()  # fmt: skip
    return {(p, m, month): Decimal(c).normalize() for p, m, month, c in rows}


def _polish_csv(name: str) -> list[dict[str, str]]:
    with open(SAMPLES / "generic-pl-csv" / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def _pl_number(text: str) -> Decimal:
    return Decimal(text.replace(" ", "").replace(",", "."))


def _pl_month(text: str) -> str:
    day, month, year = text.split(".")
    return f"{year}-{month}"


def expected_from_polish_csv() -> tuple[dict[str, Decimal], dict[tuple[str, str, str], Decimal]]:
    """Balances and monthly consumption computed in Python from the Polish CSV sample itself."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in _polish_csv("kartoteka.csv"):
        totals[row["Numer lokalu"]] += _pl_number(row["Kwota"])
    meters = {r["Licznik"]: r for r in _polish_csv("liczniki.csv")}
    by_meter: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for row in _polish_csv("odczyty.csv"):
        day, month, year = row["Data odczytu"].split(".")
        by_meter[row["Licznik"]].append((f"{year}-{month}-{day}", _pl_number(row["Stan"])))
    used: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for meter_id, readings in by_meter.items():
        meter = meters[meter_id]
        previous = _pl_number(meter["Stan początkowy"])
        for when, value in sorted(readings):
            key = (meter["Numer lokalu"], MEDIUM[meter["Medium"]], when[:7])
            used[key] += value - previous
            previous = value
    return dict(totals), {k: v.normalize() for k, v in used.items()}


# --- validation --------------------------------------------------------------------------------------


def test_builtin_profiles_are_valid():
    assert set(profiles.available()) >= {"contract", "generic-pl-csv", "xlsx-workbook"}
    assert profiles.load_profile("contract").identity
    generic = profiles.load_profile("generic-pl-csv")
    assert {"documents", "waste_points", "resolutions"} <= set(generic.absent)
    assert profiles.load_profile("xlsx-workbook").file("ledger").sheet == "Kartoteka"


def test_validation_names_every_problem_by_key_path():
    data = {
        "format": {"data": "dzień", "przecinek": ";"},
        "pliki": {
            "customers": "brak",
            "premises": {"plik": "lokale.csv", "kolumny": {"premises_id": "Nr", "area": "Pow."}},
            "ledger": {"kolumny": {"amount": {"eval": "1+1"}}},
            "meters": {"plik": "l.csv", "kolumny": {"medium": {"split": {"column": "A", "part": 0}}}},
        },
        "nieznany": 1,
    }
    with pytest.raises(FormError) as err:
        profiles.from_dict(data, "generic-pl")
    messages = err.value.messages
    assert "Profil „generic-pl”, pliki.premises.kolumny.area: nieznana kolumna kontraktu „area”" in messages
    assert (
        "Profil „generic-pl”, nieznany: nieznany klucz (dozwolone: nazwa, opis, kontrakt, format, pliki)"
        in messages
    )
    assert any(
        m.startswith("Profil „generic-pl”, format.data: „dzień” nie jest formatem daty") for m in messages
    )
    assert any(
        m.startswith("Profil „generic-pl”, format.przecinek: „;” nie jest dozwoloną wartością")
        for m in messages
    )
    assert (
        "Profil „generic-pl”, pliki.customers: plik customers.csv jest wymagany przez kontrakt; nie może być „brak”"
        in messages
    )
    assert (
        "Profil „generic-pl”, pliki.premises.kolumny: brak wymaganej kolumny kontraktu „area_m2”" in messages
    )
    assert (
        "Profil „generic-pl”, pliki.ledger.plik: podaj nazwę pliku albo wzorzec, np. ledger*.csv" in messages
    )
    assert any(
        "pliki.ledger.kolumny.amount: oczekiwano nazwy kolumny źródłowej albo jednego z" in m
        for m in messages
    )
    assert any(
        m.startswith("Profil „generic-pl”, pliki.meters.kolumny.medium.split.part: oczekiwano numeru")
        for m in messages
    )
    assert "Profil „generic-pl”, pliki.charges: brak opisu wymaganego pliku charges.csv" in messages


def test_unknown_profile_and_broken_yaml(tmp_path, monkeypatch):
    with pytest.raises(FormError) as err:
        profiles.load_profile("sm2000")
    assert err.value.messages[0].startswith("Profil „sm2000”: nie ma takiego profilu (są: contract, ")
    own = settings.data_dir() / "profiles"
    own.mkdir()
    (own / "sm2000.yaml").write_text("pliki: [\n", encoding="utf-8")
    with pytest.raises(FormError) as err:
        profiles.load_profile("sm2000")
    assert err.value.messages == ["Profil „sm2000”: nieprawidłowy YAML w wierszu 2, kolumnie 1"]


def test_expressions():
    row = {"adres": "ul. 3 Maja 12/4a", "ulica": "Lipowa", "nr": "7", "kod": "w"}
    split = profiles.Expr("split", value=" ", parts=(profiles.Expr("column", column="Adres"),), span=(1, -2))
    assert split.evaluate(row) == "ul. 3 Maja"
    last = profiles.Expr("split", value=" ", parts=(profiles.Expr("column", column="adres"),), span=(-1, -1))
    unit = profiles.Expr("split", value="/", parts=(last,), span=(2, None))
    assert unit.evaluate(row) == "4a"
    joined = profiles.Expr("join", value=" ", parts=(profiles.Expr("column", column="Ulica"),
                                                     profiles.Expr("column", column="Nr")))  # fmt: skip
    assert joined.evaluate(row) == "Lipowa 7"
    mapped = profiles.Expr(
        "map", parts=(profiles.Expr("column", column="kod"),), values=(("W", "cold_water"),)
    )
    assert mapped.evaluate(row) == "cold_water"  # codes match without regard to case
    with pytest.raises(profiles.Unmapped):
        mapped.evaluate({"kod": "X"})


def test_value_conversion():
    fmt = profiles.Formats(date="DD.MM.YYYY", month="MM.YYYY", decimal=",", thousands=" ")
    assert mapping.convert("1 234,56", "dec", fmt) == "1234.56"
    assert mapping.convert("-1\u00a0234,5", "dec", fmt) == "-1234.5"
    assert mapping.convert("12,3x", "dec", fmt) == "12,3x"  # left for the loader to report
    assert mapping.convert("1.9.2026", "date", fmt) == "2026-09-01"
    assert mapping.convert("31.12.2026 08:00", "datetime", fmt) == "2026-12-31 08:00"
    assert mapping.convert("06.2026", "month", fmt) == "2026-06"
    assert mapping.cell_text(0.1 + 0.2) == "0.30000000000000004"  # exact float text, never rounded silently
    assert mapping.cell_text(53.76) == "53.76"


# --- the samples load to the contract's numbers -------------------------------------------------------


@pytest.fixture(scope="module")
def contract_numbers(tmp_path_factory):
    """Balances and consumption of the reference export loaded through the contract (no manifest)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("EBOK_DATA_DIR", str(tmp_path_factory.mktemp("contract-data")))
    try:
        result, report = run(SAMPLES / "contract", profile="contract")
        assert result.status == "ok", report
        assert "Eksport bez pliku manifest.csv: liczby wierszy i sumy kontrolne nie były sprawdzane" in report
        return balances(), consumption()
    finally:
        mp.undo()


@pytest.mark.parametrize("profile", ["generic-pl-csv", "xlsx-workbook"])
def test_sample_loads_to_the_same_numbers_as_the_contract(profile, contract_numbers):
    result, report = run(SAMPLES / profile, profile=profile)
    assert result.status == "ok", report
    assert "Eksport bez pliku manifest.csv" in report
    want_balances, want_consumption = expected_from_polish_csv()
    assert balances() == contract_numbers[0] == want_balances
    assert consumption() == contract_numbers[1] == want_consumption
    assert len(want_balances) > 10 and len(want_consumption) > 50  # the sample really has data


def test_generic_export_hides_the_modules_it_has_no_data_for():
    result, report = run(SAMPLES / "generic-pl-csv", profile="generic-pl-csv")
    assert result.status == "ok", report
    found = modules.by_premises(["B0001/M001", "D00001"])
    assert "meters" in found["B0001/M001"]
    assert not {"waste", "voting"} & found["D00001"]  # no waste points, no communities in the export
    with warehouse.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def test_contract_export_without_meters_readings_and_documents_loads(tmp_path):
    folder = write_export(tmp_path / "exp", manifest=False)
    for name in ("meters.csv", "readings.csv", "documents.csv", "settlements.csv"):
        (folder / name).unlink(missing_ok=True)
    result, report = run(folder)
    assert result.status == "ok", report
    assert modules.applicable(["P1", "P2", "P3"]) == frozenset()


def test_office_config_names_the_profile():
    settings.config_file().write_text(
        "company:\n  name: SM Test\nexport:\n  profile: generic-pl-csv\n", encoding="utf-8"
    )
    result, report = run(SAMPLES / "generic-pl-csv")
    assert result.status == "ok", report


# --- messages name the source ------------------------------------------------------------------------


def _copy(profile: str, tmp_path: Path) -> Path:
    target = tmp_path / profile
    shutil.copytree(SAMPLES / profile, target)
    return target


def _edit_csv(path: Path, line: int, column: str, value: str) -> None:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    rows[line - 1][rows[0].index(column)] = value
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\r\n").writerows(rows)


def test_bad_cell_is_reported_with_the_source_file_line_and_column(tmp_path):
    folder = _copy("generic-pl-csv", tmp_path)
    _edit_csv(folder / "kartoteka.csv", 7, "Kwota", "12,3x")
    _edit_csv(folder / "lokale.csv", 4, "Rodzaj", "Q")
    result, report = run(folder, profile="generic-pl-csv")
    assert result.status == "rejected", report
    assert "plik kartoteka.csv, wiersz 7, kolumna Kwota: „12,3x” nie jest liczbą" in report
    assert (
        "plik lokale.csv, wiersz 4, kolumna Rodzaj: Wartość „Q” nie ma odpowiednika w mapie wartości"
        in report
    )
    assert [(i.file, i.line, i.column) for i in result.issues.errors] == [
        ("lokale.csv", 4, "Rodzaj"),  # the map's error, not the contract's bad_choice a second time
        ("kartoteka.csv", 7, "Kwota"),
    ]


def test_bad_cell_in_a_workbook_names_the_sheet_and_row(tmp_path):
    folder = _copy("xlsx-workbook", tmp_path)
    book = openpyxl.load_workbook(folder / "eksport.xlsx")
    sheet = book["Kartoteka"]
    column = [c.value for c in sheet[1]].index("Data") + 1
    sheet.cell(row=5, column=column, value="32.13.2026")
    book.save(folder / "eksport.xlsx")
    result, report = run(folder, profile="xlsx-workbook")
    assert result.status == "rejected", report
    assert (
        "plik eksport.xlsx, arkusz Kartoteka, wiersz 5, kolumna Data: „32.13.2026” nie jest poprawną datą"
        in report
    )


def test_missing_source_column_and_file(tmp_path):
    folder = _copy("generic-pl-csv", tmp_path)
    (folder / "naliczenia.csv").unlink()
    text = (folder / "lokale.csv").read_text(encoding="utf-8-sig").replace("Adres", "Adres lokalu", 1)
    (folder / "lokale.csv").write_text(text, encoding="utf-8-sig")
    result, report = run(folder, profile="generic-pl-csv")
    assert result.status == "rejected", report
    assert (
        "plik lokale.csv, wiersz 1, kolumna Adres: Brak kolumny Adres, z której profil bierze dane." in report
    )
    assert "plik charges.csv: Brak pliku źródłowego pasującego do „naliczenia*.csv”" in report
    codes = [i.code for i in result.issues.errors]
    assert "file_missing" not in codes  # not repeated as the contract's "Brak wymaganego pliku"


def test_source_manifest_is_checked(tmp_path):
    folder = _copy("generic-pl-csv", tmp_path)
    (folder / "manifest.csv").write_text(
        "file;rows;sha256;exported_at\nkartoteka.csv;235;" + "0" * 64 + ";2026-11-20 02:00\n",
        encoding="utf-8",
    )
    result, report = run(folder, profile="generic-pl-csv")
    assert result.status == "rejected", report
    assert "plik kartoteka.csv: Suma SHA-256 pliku nie zgadza się z manifest.csv" in report


# --- profile check -----------------------------------------------------------------------------------


def test_profile_check_shows_the_mapping_and_first_rows(capsys):
    code = main(["profile", "check", str(SAMPLES / "generic-pl-csv"), "--profile", "generic-pl-csv"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "premises.csv ← lokale.csv (20 wierszy)" in out
    assert "    street ← podziel(„Adres”; separator „ ”; części 1..-2)" in out
    assert "    kind ← mapa(„Rodzaj”: M→residential, U→commercial, G→garage)" in out
    assert "    | B0001/G001 | L0001 | B0001 | ul. Ząbkowska | 7 | G1 | 03-735 | Warszawa | garage |" in out
    assert "documents.csv: brak w eksporcie (profil: „brak”)" in out
    assert out.count("    | K0000") == 3  # the first three ledger rows


def test_profile_check_reports_problems_and_exits_1(tmp_path):
    folder = _copy("xlsx-workbook", tmp_path)
    book = openpyxl.load_workbook(folder / "eksport.xlsx")
    book["Lokale"].title = "Lokale 2026"
    book.save(folder / "eksport.xlsx")
    text, clean = profile_check.check_text(folder, "xlsx-workbook")
    assert not clean
    assert "Skoroszyt nie ma arkusza „Lokale” (są: Kontrahenci, Lokale 2026, Wspólnoty," in text
    assert "premises.csv ← eksport*.xlsx, arkusz Lokale: nie wczytano (zob. problemy)" in text


def test_profile_check_of_an_invalid_profile(tmp_path):
    path = tmp_path / "zly.yaml"
    path.write_text("pliki:\n  premises: {plik: a.csv, kolumny: {area: X}}\n", encoding="utf-8")
    issues = Issues()
    assert mapping.apply(tmp_path, str(path), tmp_path / "out", issues).folder is None
    assert "Profil „zly”, pliki.premises.kolumny.area: nieznana kolumna kontraktu „area”" in [
        i.message() for i in issues.errors
    ]
