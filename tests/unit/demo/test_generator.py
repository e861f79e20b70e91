"""Demo export generator: contract shape, reproducibility, personas, checksums and money rules."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from stdnum import iban
from stdnum.pl import nip

from ebok.cli import main
from ebok.core import contract
from ebok.demo import PERSONAS, generate

AS_OF = dt.date(2026, 11, 21)
N = 30


def read(out: Path, name: str, encoding: str = "utf-8", delimiter: str = ";") -> list[dict[str, str]]:
    with open(out / f"{name}.csv", encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def dec(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("demo") / "export"
    counts = generate(out, premises=N, seed=7, as_of=AS_OF, pdf_sample=3)
    return out, counts


def test_every_contract_file_with_its_columns_and_manifest(export):
    out, counts = export
    assert set(counts) == {f.name for f in contract.FILES}
    for spec in contract.FILES:
        with open(out / spec.filename, encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh, delimiter=";"))
        assert header == [c.name for c in spec.columns], spec.name
        assert counts[spec.name] == len(read(out, spec.name)), spec.name
        assert counts[spec.name] > 0, spec.name
    manifest = {r["file"]: r for r in read(out, "manifest")}
    assert set(manifest) == {f.filename for f in contract.FILES}
    for spec in contract.FILES:
        row = manifest[spec.filename]
        assert int(row["rows"]) == counts[spec.name]
        assert row["sha256"] == hashlib.sha256((out / spec.filename).read_bytes()).hexdigest()
        assert row["exported_at"] == "2026-11-21 02:00:00"
    assert len(read(out, "premises")) == N


def test_values_follow_column_rules(export):
    out, _ = export
    for spec in contract.FILES:
        rows = read(out, spec.name)
        for col in spec.columns:
            values = [r[col.name] for r in rows]
            if col.required:
                assert all(values), (spec.name, col.name)
            if col.unique:
                assert len(set(values)) == len(values), (spec.name, col.name)
            if col.choices:
                assert {v for v in values if v} <= set(col.choices), (spec.name, col.name)
            if col.pattern:
                assert all(re.fullmatch(col.pattern, v) for v in values if v), (spec.name, col.name)
            if col.check == "postcode":
                assert all(re.fullmatch(r"\d{2}-\d{3}", v) for v in values), (spec.name, col.name)
            if col.ref:
                table, column = col.ref.split(".")
                known = {r[column] for r in read(out, table)}
                assert {v for v in values if v} <= known, (spec.name, col.name)


def test_same_seed_and_date_give_byte_identical_files(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, premises=20, seed=3, as_of=AS_OF, pdf_sample=1)
    generate(b, premises=20, seed=3, as_of=AS_OF, pdf_sample=1)
    generate(c, premises=20, seed=4, as_of=AS_OF, pdf_sample=1)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    assert any(str(f).endswith(".pdf") for f in files_a)
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert (a / "ledger.csv").read_bytes() != (c / "ledger.csv").read_bytes()


def _persona_view(out: Path) -> dict[str, object]:
    pids = ("B0001/M001", "B0001/G001", "B0001/U001", "WM001/M001", "D00001")
    premises = {r["premises_id"]: r for r in read(out, "premises") if r["premises_id"] in pids}
    for r in premises.values():
        r.pop("share")  # depends on the neighbours' areas
    ledger = [(r["premises_id"], r["kind"], r["entry_date"], r["amount"]) for r in read(out, "ledger")
              if r["premises_id"] in pids]  # fmt: skip
    return {"premises": premises, "ledger": ledger}


def test_personas_do_not_depend_on_seed_or_size(export, tmp_path):
    out, _ = export
    other = tmp_path / "other"
    generate(other, premises=45, seed=99, as_of=AS_OF, pdf_sample=0)
    assert _persona_view(out) == _persona_view(other)


def test_personas_have_the_documented_shapes(export):
    out, _ = export
    customers = {r["customer_id"]: r for r in read(out, "customers")}
    assert customers["L0001"]["name"] == "Anna Nowak"
    assert customers["L0001"]["email"] == "anna.nowak@example.pl"
    assert customers["U0001"]["name"] == "Zakład Fryzjerski Błażej Wiśniewski"
    assert nip.is_valid(customers["U0001"]["nip"])
    assert customers["L0002"]["name"] == "Maria Zielińska"
    assert customers["W0001"]["name"] == "Jan Kowalski"
    for cid in ("L0001", "L0002", "U0001", "W0001"):
        assert customers[cid]["email_consent"] == "tak"

    premises = read(out, "premises")
    by_customer = defaultdict(list)
    for r in premises:
        by_customer[r["customer_id"]].append(r)
    for username, (cid, pids) in PERSONAS.items():
        assert {r["premises_id"] for r in by_customer[cid]} == set(pids), username
        assert customers[cid]["email"] == f"{username}@example.pl"
    anna = {r["kind"]: r for r in by_customer["L0001"]}
    assert set(anna) == {"residential", "garage"}
    assert anna["residential"]["tenure"] == "coop_right"
    (shop,) = by_customer["U0001"]
    assert (shop["kind"], shop["tenure"]) == ("commercial", "municipal_rent")
    (maria,) = by_customer["L0002"]
    assert maria["community_id"] and dec(maria["share"]) > 0
    (jan,) = by_customer["W0001"]
    assert jan["unit_no"] == "" and jan["kind"] == "residential"

    meters = read(out, "meters")
    anna_meters = [m for m in meters if m["premises_id"] == anna["residential"]["premises_id"]]
    assert {m["medium"] for m in anna_meters} == {"cold_water", "hot_water"}
    assert sum(1 for m in anna_meters if m["removed_on"]) == 1
    assert any(m["premises_id"] == jan["premises_id"] and m["medium"] == "cold_water" for m in meters)
    assert any(w["premises_id"] == jan["premises_id"] for w in read(out, "waste_points"))

    ledger = read(out, "ledger")
    invoices = [r for r in ledger if r["premises_id"] == shop["premises_id"] and r["kind"] == "invoice"]
    assert len(invoices) == 60
    assert all(re.fullmatch(r"FV/\d{4}/\d{2}/\d{4}", r["document_no"]) for r in invoices)
    assert invoices[-1]["document_no"] == "FV/2026/11/0001"
    # The shop has not paid October and November: October's invoice is overdue on as_of.
    balance = -sum(dec(r["amount"]) for r in ledger if r["premises_id"] == shop["premises_id"])
    assert balance == -(dec(invoices[-1]["amount"]) + dec(invoices[-2]["amount"]))
    vat = [
        r for r in read(out, "charges") if r["premises_id"] == shop["premises_id"] and r["component"] == "vat"
    ]
    assert len(vat) == 60


def test_bank_accounts_and_nips_have_valid_checksums(export):
    out, _ = export
    accounts = [r["bank_account"] for r in read(out, "premises")]
    assert len(set(accounts)) == len(accounts)
    for number in accounts:
        assert re.fullmatch(r"\d{26}", number)
        assert iban.is_valid("PL" + number), number
    nips = [r["nip"] for r in read(out, "customers") if r["nip"]] + [
        r["nip"] for r in read(out, "communities")
    ]
    assert len(nips) >= 2
    assert all(nip.is_valid(n) for n in nips)


def test_community_shares_sum_to_one(export):
    out, _ = export
    shares = defaultdict(Decimal)
    for r in read(out, "premises"):
        if r["community_id"]:
            shares[r["community_id"]] += dec(r["share"])
    assert shares and all(total == Decimal(1) for total in shares.values())


def test_ledger_signs_due_dates_and_monthly_charge_equals_components(export):
    out, _ = export
    ledger = read(out, "ledger")
    kinds = {r["kind"] for r in ledger}
    assert {"charge", "invoice", "payment", "interest", "settlement"} <= kinds
    for r in ledger:
        amount = dec(r["amount"])
        if r["kind"] == "payment":
            assert amount < 0 and not r["due_date"]
        elif r["kind"] in ("charge", "invoice", "interest"):
            assert amount > 0 and r["due_date"] and day(r["due_date"]) >= day(r["entry_date"])
        elif amount > 0:  # settlement or correction owed by the resident
            assert r["due_date"]
        assert day(r["entry_date"]) <= AS_OF
    components = defaultdict(Decimal)
    for r in read(out, "charges"):
        components[(r["premises_id"], r["period"])] += dec(r["amount"])
    monthly = [r for r in ledger if r["kind"] in ("charge", "invoice")]
    assert len(monthly) == N * 60
    for r in monthly:
        assert day(r["due_date"]).day in (10, 15)
        assert components[(r["premises_id"], r["entry_date"][:7])] == dec(r["amount"])
    # Some premises are in arrears and some have overpaid.
    balances = defaultdict(Decimal)
    for r in ledger:
        balances[r["premises_id"]] -= dec(r["amount"])
    assert any(b < 0 for b in balances.values()) and any(b > 0 for b in balances.values())


def test_meters_readings_and_replacement(export):
    out, _ = export
    meters = {m["meter_id"]: m for m in read(out, "meters")}
    readings = defaultdict(list)
    for r in read(out, "readings"):
        readings[r["meter_id"]].append(r)
    assert {r["source"] for rows in readings.values() for r in rows} >= {"radio", "resident", "collector"}
    replaced = [m for m in meters.values() if m["removed_on"]]
    assert replaced
    for old in replaced:
        (new,) = [m for m in meters.values() if m["premises_id"] == old["premises_id"]
                  and m["medium"] == old["medium"] and m["installed_on"] == old["removed_on"]]  # fmt: skip
        first = readings[new["meter_id"]][0]
        assert day(first["reading_date"]) > day(new["installed_on"])
        assert dec(first["value"]) >= dec(new["initial_value"])
        assert readings[old["meter_id"]][-1]["reading_date"] == old["removed_on"]
    for meter_id, rows in readings.items():
        values = [dec(r["value"]) for r in rows]
        assert values == sorted(values), meter_id
        assert dec(meters[meter_id]["initial_value"]) <= values[0]
        assert all(day(r["reading_date"]) < AS_OF for r in rows)
    soon = [m for m in meters.values() if not m["removed_on"]
            and AS_OF < day(m["legalisation_until"]) <= AS_OF + dt.timedelta(days=92)]  # fmt: skip
    assert soon


def test_settlements_match_readings_and_ledger(export):
    out, _ = export
    meters = {m["meter_id"]: m for m in read(out, "meters")}
    use = defaultdict(Decimal)
    previous: dict[str, Decimal] = {}
    for r in read(out, "readings"):
        m = meters[r["meter_id"]]
        value = dec(r["value"])
        prev = previous.get(r["meter_id"], dec(m["initial_value"]))
        use[(m["premises_id"], m["medium"], r["reading_date"][:4])] += value - prev
        previous[r["meter_id"]] = value
    ledger = [r for r in read(out, "ledger") if r["kind"] == "settlement"]
    settlements = read(out, "settlements")
    assert settlements
    assert {r["medium"] for r in settlements} == {"cold_water", "hot_water"}
    for s in settlements:
        assert dec(s["consumption"]) == use[(s["premises_id"], s["medium"], s["period_from"][:4])]
    results = sorted(dec(s["cost"]) - dec(s["advances"]) for s in settlements)
    booked = sorted(dec(r["amount"]) for r in ledger)
    assert [x for x in results if x] == booked
    assert results[0] < 0 < results[-1]  # overpayments and underpayments


def test_pdfs_are_real_and_render_polish(export):
    out, _ = export
    docs = read(out, "documents")
    kinds = {d["kind"] for d in docs}
    assert {"invoice", "water_settlement", "notice", "regulation"} <= kinds
    assert any(d["kind"] == "regulation" and d["premises_id"] == "" for d in docs)
    files = [d["file"] for d in docs] + [r["file"] for r in read(out, "resolutions") if r["file"]]
    for name in files:
        path = out / contract.DOCUMENTS_DIR / name
        assert path.read_bytes()[:5] == b"%PDF-"
    text = " ".join(
        PdfReader(out / contract.DOCUMENTS_DIR / d["file"]).pages[0].extract_text()
        for d in docs
        if d["premises_id"] in ("B0001/U001", "") or d["kind"] == "water_settlement"
    )
    for word in (
        "Spółdzielnia",
        "Faktura VAT nr FV/2026/11/0001",
        "Zakład Fryzjerski Błażej Wiśniewski",
        "zł",
    ):
        assert word in text, word
    assert re.search(r"[ąćęłńóśźż]", text)
    settlement = [d for d in docs if d["kind"] == "water_settlement"]
    ids = {s["document_id"] for s in read(out, "settlements") if s["document_id"]}
    assert ids == {d["document_id"] for d in settlement}


def test_community_resolutions_messages_and_waste(export):
    out, _ = export
    resolutions = read(out, "resolutions")
    now = dt.datetime.combine(AS_OF, dt.time(12))
    windows = [
        (dt.datetime.fromisoformat(r["vote_from"]), dt.datetime.fromisoformat(r["vote_to"]))
        for r in resolutions
    ]
    assert any(start <= now <= end for start, end in windows)
    assert any(end < now for _, end in windows)
    audiences = {m["audience"] for m in read(out, "messages")}
    assert audiences == {"all", "building", "community", "customer"}
    routes = {w["route_id"] for w in read(out, "waste_points")}
    schedule = read(out, "waste_schedule")
    assert routes <= {s["route_id"] for s in schedule}
    assert {s["fraction"] for s in schedule} == set(contract.FRACTIONS)
    dates = [day(s["collection_date"]) for s in schedule]
    assert min(dates) < AS_OF < max(dates)
    assert all(d.weekday() != 6 for d in dates)
    assert all(w["customer_id"].startswith("W") for w in read(out, "premises") if w["premises_id"] in
               {p["premises_id"] for p in read(out, "waste_points")})  # fmt: skip


def test_cp1250_and_decimal_dot_dialect(tmp_path):
    out = tmp_path / "cp"
    generate(out, premises=20, seed=1, as_of=AS_OF, encoding="cp1250", decimal="dot", pdf_sample=0)
    raw = (out / "customers.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "Zielińska" in raw.decode("cp1250")
    premises = read(out, "premises", encoding="cp1250")
    assert all(re.fullmatch(r"\d+\.\d{2}", r["area_m2"]) for r in premises)
    ledger = read(out, "ledger", encoding="cp1250")
    assert all("," not in r["amount"] for r in ledger)


def test_loader_accepts_the_export(tmp_path):
    from ebok import loader

    out = tmp_path / "export"
    generate(out, premises=20, seed=2, as_of=AS_OF, encoding="cp1250", decimal="dot", pdf_sample=1)
    result = loader.load(out)
    assert result.exit_code == 0, result


def test_cli_writes_an_export(tmp_path, capsys):
    out = tmp_path / "cli"
    code = main(["demo", "--out", str(out), "--premises", "20", "--seed", "5", "--as-of", "2026-01-05",
                 "--pdf-sample", "0"])  # fmt: skip
    assert code == 0
    assert (out / "manifest.csv").exists()
    assert "ledger.csv" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["demo", "--out", str(out), "--premises", "5"])


def test_comma_delimiter_quotes_texts_with_commas(tmp_path):
    out = tmp_path / "comma"
    counts = generate(out, premises=20, seed=1, as_of=AS_OF, decimal="dot", delimiter=",", pdf_sample=0)
    ledger = read(out, "ledger", delimiter=",")
    assert len(ledger) == counts["ledger"]
    assert any("," in r["description"] for r in ledger)  # "Woda, ścieki i odpady – …"
    assert all(r["entry_id"].startswith("K") and re.fullmatch(r"-?\d+\.\d{2}", r["amount"]) for r in ledger)
    readings = read(out, "readings", delimiter=",")
    assert all(re.fullmatch(r"\d+\.\d{3}", r["value"]) for r in readings)


def test_fast_quote_matches_csv_module():
    """The big files' lines are joined from quote(); they must read as csv.writer would write them."""
    import io

    from ebok.demo.csvout import quote

    rows = [("a", 'b "c"', "d;e", ""), ("x,y", "line\nbreak", "ż", "1,5")]
    for delimiter in (";", ","):
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
        assert "".join(delimiter.join(quote(v, delimiter) for v in r) + "\n" for r in rows) == buf.getvalue()


def test_personas_and_size_hold_for_small_exports_and_any_seed():
    from ebok.demo.generator import PERSONA_PREMISES, Planner

    for n in (20, 21, 23, 27, 31, 40, 57):
        for seed in range(25):
            plan = Planner(n, seed, AS_OF).build()
            ids = [p.premises_id for p in plan.premises]
            assert len(ids) == n, (n, seed)
            assert set(PERSONA_PREMISES) <= set(ids), (n, seed)


def test_every_customer_has_a_distinct_registration_code_without_ambiguous_characters(export):
    out, _ = export
    codes = [r["registration_code"] for r in read(out, "customers")]
    assert codes and len(set(codes)) == len(codes)
    # Three groups of four, none of 0, O, 1, I, L: a resident copies it from paper.
    assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){2}", code) for code in codes), codes
