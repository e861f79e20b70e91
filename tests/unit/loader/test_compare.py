"""The loader compares a new export with the warehouse served and refuses an implausible one.

The served warehouse is a demo export (30 premises, data as of 20.11.2026); each test alters a
copy of that export the way a broken accounting export would. Expected numbers come from the CSV
files themselves (csv module, Decimal), never from the comparison under test.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import getpass
import hashlib
import io
import json
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel import Locale

from ebok import demo, loader
from ebok.core import fmt
from ebok.core.errors import FormError
from ebok.loader import run as loader_run
from ebok.storage import audit, store, tables, warehouse


def _polish_plural(n: int, one: str, few: str, many: str) -> str:
    """Return the Polish noun form for N by CLDR's rules, independently of the app's catalogs."""
    return {"one": one, "few": few}.get(Locale.parse("pl").plural_form(n), many)


AS_OF = dt.date(2026, 11, 20)
PREMISES = 30


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory) -> Path:
    """The demo export the served warehouse is loaded from (written once for the module)."""
    folder = tmp_path_factory.mktemp("compare") / "served"
    demo.generate(
        folder, premises=PREMISES, seed=11, as_of=AS_OF, encoding="utf-8", decimal="dot", delimiter=","
    )
    return folder


def run(folder: Path, **options) -> tuple[loader.LoadResult, str]:
    out = io.StringIO()
    result = loader.load(folder, stream=out, **options)
    return result, out.getvalue()


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write(folder: Path, name: str, records: list[dict[str, str]], header: list[str] | None = None) -> None:
    """Write NAME's records back and make manifest.csv agree (rows and SHA-256)."""
    header = header or list(records[0])
    with open(folder / name, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(records)
    manifest = read(folder, "manifest.csv")
    for entry in manifest:
        path = folder / entry["file"]
        with open(path, encoding="utf-8", newline="") as fh:
            entry["rows"] = str(sum(1 for _ in csv.DictReader(fh)))
        entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(manifest[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(manifest)


def header(folder: Path, name: str) -> list[str]:
    with open(folder / name, encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


@pytest.fixture
def served(demo_export: Path) -> str:
    """Load the demo export; return the version served."""
    result, report = run(demo_export)
    assert result.status == "ok", report
    return result.warehouse_file


@pytest.fixture
def export(demo_export: Path, tmp_path: Path) -> Path:
    """A copy of the served export for a test to break."""
    return Path(shutil.copytree(demo_export, tmp_path / "new"))


# --- the alterations -------------------------------------------------------------------------------


def drop_premises(folder: Path, ids: set[str]) -> None:
    """Remove premises IDS with every row that refers to them (a consistent, smaller export)."""
    meters = {m["meter_id"] for m in read(folder, "meters.csv") if m["premises_id"] in ids}
    documents = {d["document_id"] for d in read(folder, "documents.csv") if d["premises_id"] in ids}
    for name in ("premises.csv", "charges.csv", "ledger.csv", "meters.csv", "documents.csv",
                 "waste_points.csv", "settlements.csv"):  # fmt: skip
        kept = [
            r
            for r in read(folder, name)
            if r["premises_id"] not in ids and r.get("document_id") not in documents
        ]
        write(folder, name, kept, header(folder, name))
    kept = [r for r in read(folder, "readings.csv") if r["meter_id"] not in meters]
    write(folder, "readings.csv", kept, header(folder, "readings.csv"))


def ledger_by_month(folder: Path) -> dict[dt.date, tuple[int, Decimal]]:
    out: dict[dt.date, tuple[int, Decimal]] = {}
    for r in read(folder, "ledger.csv"):
        month = dt.date.fromisoformat(r["entry_date"]).replace(day=1)
        n, total = out.get(month, (0, Decimal(0)))
        out[month] = (n + 1, total + Decimal(r["amount"]))
    return out


def total_balance(folder: Path) -> Decimal:
    return -sum((Decimal(r["amount"]) for r in read(folder, "ledger.csv")), Decimal(0))


def stored_diff(load_id: str) -> dict:
    with store.engine().connect() as con:
        raw = con.execute(
            sa.select(tables.load_runs.c.diff).where(tables.load_runs.c.load_id == load_id)
        ).scalar()
    return json.loads(raw) if raw else {}


def leftovers() -> list[str]:
    wdir = warehouse.current_path().parent
    return sorted(p.name for p in wdir.iterdir() if ".pending" in p.name or ".building" in p.name)


# --- the first load and the numbers --------------------------------------------------------------


def test_first_load_skips_the_comparison_and_says_so(demo_export):
    result, report = run(demo_export)
    assert result.status == "ok", report
    assert result.diff is None
    assert "Pierwsze ładowanie: nie ma obsługiwanej hurtowni do porównania" in report
    assert stored_diff(result.load_id) == {}


def test_diff_numbers_match_the_csv_files(served, demo_export, export):
    """Drop one premises: premises, customers, months, balance and file rows as counted in the CSVs."""
    gone = sorted(r["premises_id"] for r in read(export, "premises.csv"))[3]
    drop_premises(export, {gone})
    result, report = run(export, force=True, reason="test", actor="t")
    assert result.status == "ok", report
    d = result.diff
    before_ids = {r["premises_id"] for r in read(demo_export, "premises.csv")}
    assert (d.premises.before, d.premises.after, d.premises.added, d.premises.gone) == (
        len(before_ids), len(before_ids) - 1, 0, 1,
    )  # fmt: skip
    assert d.premises.gone_ids == (gone,)
    customers = len(read(demo_export, "customers.csv"))
    assert (d.customers.before, d.customers.after, d.customers.gone) == (customers, customers, 0)
    old, new = ledger_by_month(demo_export), ledger_by_month(export)
    assert {m.month: (m.rows_before, m.sum_before) for m in d.ledger} == {
        k: old.get(k, (0, Decimal(0))) for k in old | new
    }
    assert {m.month: (m.rows_after, m.sum_after) for m in d.ledger} == {
        k: new.get(k, (0, Decimal(0))) for k in old | new
    }
    assert (d.balance_before, d.balance_after) == (total_balance(demo_export), total_balance(export))
    rows = {f.file: (f.before, f.after) for f in d.files}
    assert rows["premises.csv"] == (len(before_ids), len(before_ids) - 1)
    assert rows["ledger.csv"] == (len(read(demo_export, "ledger.csv")), len(read(export, "ledger.csv")))
    assert d.closed_before == dt.date(2026, 11, 1)  # the served data are as of 20.11.2026
    assert stored_diff(result.load_id)["premises"]["gone_ids"] == [gone]
    assert stored_diff(result.load_id)["balance_after"] == str(total_balance(export))
    # Analysts read the same comparison from the warehouse itself, read-only.
    with warehouse.cursor() as cur:
        history = dict(cur.execute("SELECT load_id, diff FROM etl_loads").fetchall())
    assert json.loads(history[result.load_id])["premises"]["gone_ids"] == [gone]
    assert json.loads(history[result.load_id])["balance_after"] == str(total_balance(export))
    assert [v for k, v in history.items() if k != result.load_id] == [None]  # the first load compared nothing


# --- each rule refuses, and --force publishes with an audit record -------------------------------


def break_premises(folder: Path) -> str:
    """Drop 1 of 30 premises (3,3 %)."""
    gone = sorted(r["premises_id"] for r in read(folder, "premises.csv"))[-1]
    drop_premises(folder, {gone})
    share = fmt.number(Decimal(100) / PREMISES, 1)
    return (
        f"Lokale: w nowym eksporcie brakuje 1 z {PREMISES} lokali ({share} %), dopuszczalne 2 % (np. {gone})."
    )


def break_customers(folder: Path) -> str:
    """Drop one customer; their premises pass to another customer (the premises stay)."""
    customers = read(folder, "customers.csv")
    gone, heir = customers[-1]["customer_id"], customers[0]["customer_id"]
    premises = read(folder, "premises.csv")
    for r in premises:
        if r["customer_id"] == gone:
            r["customer_id"] = heir
    write(folder, "premises.csv", premises)
    write(folder, "customers.csv", customers[:-1])
    n = len(customers)
    share = fmt.number((Decimal(100) / n).quantize(Decimal("0.1")), 1)
    return f"Klienci: w nowym eksporcie brakuje 1 z {n} klientów ({share} %), dopuszczalne 2 % (np. {gone})."


def break_closed_month(folder: Path) -> str:
    """Change the amount of one September entry (September is closed in November's data)."""
    ledger = read(folder, "ledger.csv")
    september = [r for r in ledger if r["entry_date"].startswith("2026-09")]
    rows, total = len(september), sum((Decimal(r["amount"]) for r in september), Decimal(0))
    target = next(r for r in september if Decimal(r["amount"]) > 0)
    target["amount"] = str(Decimal(target["amount"]) + Decimal("10.00"))
    write(folder, "ledger.csv", ledger)
    entries = f"{rows} {_polish_plural(rows, 'zapis', 'zapisy', 'zapisów')}"
    return (
        f"Księga: zapisy za zamknięty miesiąc {fmt.month(dt.date(2026, 9, 1))} zmieniły się: było {entries} "
        f"na {fmt.money(total)}, jest {entries} na {fmt.money(total + Decimal('10.00'))}."
    )


def break_balance(folder: Path) -> str:
    """Book a charge of 1 500 000 zł in November (open, so only the balance rule fires)."""
    ledger = read(folder, "ledger.csv")
    before = total_balance(folder)
    target = next(r for r in ledger if r["entry_date"].startswith("2026-11") and Decimal(r["amount"]) > 0)
    target["amount"] = str(Decimal(target["amount"]) + Decimal("1500000.00"))
    write(folder, "ledger.csv", ledger)
    after = before - Decimal("1500000.00")
    return (
        f"Saldo łączne lokali zmieniło się o {fmt.money(after - before)} (było {fmt.money(before)}, "
        f"jest {fmt.money(after)}), dopuszczalne {fmt.money(1_000_000)}."
    )


def break_file(folder: Path) -> str:
    """Empty messages.csv (header only)."""
    n = len(read(folder, "messages.csv"))
    write(folder, "messages.csv", [], header(folder, "messages.csv"))
    return f"plik messages.csv: Plik jest pusty, a w obsługiwanej dotąd hurtowni ma {n} {_polish_plural(n, 'wiersz', 'wiersze', 'wierszy')}."


RULES = {
    "implausible_premises_gone": break_premises,
    "implausible_customers_gone": break_customers,
    "implausible_month_changed": break_closed_month,
    "implausible_balance": break_balance,
    "implausible_empty": break_file,
}


@pytest.mark.parametrize("code", list(RULES))
def test_rule_refuses_and_the_served_version_stays(served, export, code):
    message = RULES[code](export)
    result, report = run(export)
    assert result.status == "rejected" and result.exit_code == 1, report
    assert [i.code for i in result.refusals] == [code]
    assert message in report
    assert "--force --reason" in report
    assert warehouse.current_version() == served
    assert leftovers() == []  # the built file was removed, as for any rejected export
    assert stored_diff(result.load_id)["served"] == served
    assert not audit.entries(action="load_forced")


@pytest.mark.parametrize("code", list(RULES))
def test_force_with_a_reason_publishes_and_is_audited(served, export, code):
    message = RULES[code](export).removeprefix("plik messages.csv: ")
    result, report = run(export, force=True, reason="Sprzedaż budynku Lipowa 7", actor="jan.kowalski")
    assert result.status == "ok", report
    assert warehouse.current_version() == result.warehouse_file != served
    assert "Opublikowano mimo odrzucenia przez kontrolę wiarygodności; zdecydował(a) jan.kowalski" in report
    assert not result.issues.errors and code in [w.code for w in result.issues.warnings]
    (entry,) = audit.entries(action="load_forced")
    assert entry["username"] == "jan.kowalski"
    assert entry["details"]["reason"] == "Sprzedaż budynku Lipowa 7"
    assert entry["details"]["load_id"] == result.load_id
    assert entry["details"]["overridden"] == [message]


def test_cli_force_needs_a_reason_and_records_the_os_user(served, export, capsys):
    break_premises(export)
    parser = argparse.ArgumentParser()
    loader.register(parser.add_subparsers())
    args = parser.parse_args(["load", str(export), "--force"])
    assert args.func(args) == 2
    assert "reason: podaj powód publikacji mimo odrzucenia" in capsys.readouterr().err
    assert warehouse.current_version() == served
    args = parser.parse_args(["load", str(export), "--force", "--reason", "lokal wyburzony"])
    assert args.func(args) == 0
    (entry,) = audit.entries(action="load_forced")
    assert (entry["username"], entry["details"]["reason"]) == (getpass.getuser(), "lokal wyburzony")


def test_a_plausible_change_publishes_without_force(served, export):
    """A larger payment in November (still open): nothing refused, the diff says what changed."""
    ledger = read(export, "ledger.csv")
    target = next(r for r in ledger if r["entry_date"].startswith("2026-11") and r["kind"] == "payment")
    target["amount"] = str(Decimal(target["amount"]) - Decimal("100.00"))
    write(export, "ledger.csv", ledger)
    result, report = run(export)
    assert result.status == "ok", report
    assert result.diff.balance_change == Decimal("100.00")
    assert [m.month for m in result.diff.ledger if m.changed] == [dt.date(2026, 11, 1)]
    assert not result.diff.closed_changed


# --- the two-phase API of the office's import page ----------------------------------------------


def test_prepare_then_publish(served, export):
    result = loader.prepare(export, stream=io.StringIO())
    assert result.status == "pending" and not result.refusals
    assert warehouse.current_version() == served
    assert loader_run.pending_path(result.load_id).exists()
    assert warehouse.published_versions() == [served]  # a pending build is no version
    done = loader.publish(result.load_id, actor="anna.biuro", stream=io.StringIO())
    assert done.status == "ok"
    assert warehouse.current_version() == done.warehouse_file
    assert not loader_run.pending_path(result.load_id).exists()
    assert not audit.entries(action="load_forced")  # nothing was overridden


def test_prepare_refused_then_discard_keeps_the_served_version(served, export):
    break_premises(export)
    result = loader.prepare(export, stream=io.StringIO())
    assert result.status == "pending" and [i.code for i in result.refusals] == ["implausible_premises_gone"]
    with pytest.raises(FormError) as err:
        loader.publish(result.load_id, actor="anna.biuro")
    assert err.value.fields == {"force"}
    with pytest.raises(FormError) as err:
        loader.publish(result.load_id, actor="anna.biuro", force=True, reason="  ")
    assert err.value.fields == {"reason"}
    gone = loader.discard(result.load_id, actor="anna.biuro", stream=io.StringIO())
    assert gone.status == "discarded"
    assert warehouse.current_version() == served and leftovers() == []
    assert [e["details"]["load_id"] for e in audit.entries(action="load_discarded")] == [result.load_id]
    with pytest.raises(FormError):
        loader.publish(result.load_id, actor="anna.biuro", force=True, reason="za późno")


def test_prepare_refused_then_forced_publish_from_the_page(served, export):
    break_balance(export)
    result = loader.prepare(export, stream=io.StringIO())
    done = loader.publish(
        result.load_id, actor="anna.biuro", force=True, reason="Nota księgowa", stream=io.StringIO()
    )
    assert done.status == "ok" and warehouse.current_version() == done.warehouse_file
    (entry,) = audit.entries(action="load_forced")
    assert (entry["username"], entry["details"]["reason"]) == ("anna.biuro", "Nota księgowa")


def test_a_newer_load_supersedes_a_pending_one(served, export, demo_export):
    first = loader.prepare(export, stream=io.StringIO())
    second, report = run(demo_export)  # the nightly load comes while the office decides
    assert second.status == "ok", report
    with store.engine().connect() as con:
        status = con.execute(
            sa.select(tables.load_runs.c.status).where(tables.load_runs.c.load_id == first.load_id)
        ).scalar()
    assert status == "discarded"
    assert not loader_run.pending_path(first.load_id).exists()
    with pytest.raises(FormError):
        loader.publish(first.load_id, actor="anna.biuro")
    assert warehouse.current_version() == second.warehouse_file


def test_an_orphaned_pending_file_is_cleaned_up(served):
    orphan = loader_run.pending_path("20260101T000000000000Z")
    orphan.write_bytes(b"")
    loader_run.cleanup_leftovers()
    assert not orphan.exists()
    assert Counter(r.status for r in loader_run._load_runs()) == Counter({"ok": 1})
