"""The demo export for the meters, voting and waste pages, at a fixed date, plus independent CSV readers.

`demo()` generates one export (ebok.demo.generate, 20 premises, as of 21.11.2026) and loads it once
per process; `use(data_dir)` copies the loaded warehouse into a test's data directory and
`export_copy(dir)` gives a private copy of the export files (the round trip appends to them).
Expected numbers come from the CSV files through the csv module only, never through ebok.
"""

from __future__ import annotations

import atexit
import csv
import datetime as dt
import functools
import hashlib
import shutil
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from ebok.storage import store, warehouse

AS_OF = dt.date(2026, 11, 21)
NOW_UTC = dt.datetime(2026, 11, 21, 9, 0)  # 10:00 in Warsaw: inside the 20th–5th reading window
ANNA_FLAT, MARIA_FLAT, JAN_HOUSE = "B0001/M001", "WM001/M001", "D00001"


@functools.cache
def demo() -> tuple[Path, Path]:
    """Return (export dir, loaded data dir), generated and loaded once per process."""
    from ebok import demo as demo_mod
    from ebok import loader

    root = Path(tempfile.mkdtemp(prefix="ebok-meters-demo-"))
    atexit.register(shutil.rmtree, root, True)
    export_dir, data = root / "export", root / "data"
    data.mkdir()
    demo_mod.generate(export_dir, premises=20, seed=7, as_of=AS_OF)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EBOK_DATA_DIR", str(data))
        mp.setenv("EBOK_CONFIG", str(root / "config.yaml"))
        mp.delenv("EBOK_STORE_URL", raising=False)
        result = loader.load(export_dir)
        assert result.exit_code == 0, result
        warehouse.close_all()
        store.dispose_all()
    return export_dir, data


def use(data_dir: Path) -> Path:
    """Copy the loaded demo warehouse and PDFs into DATA_DIR; return the pristine export dir."""
    export_dir, data = demo()
    for name in ("warehouse", "documents"):
        if (data / name).exists():
            shutil.copytree(data / name, data_dir / name, dirs_exist_ok=True)
    return export_dir


def export_copy(target: Path) -> Path:
    """Return a private copy of the demo export in TARGET."""
    shutil.copytree(demo()[0], target)
    return target


def read(export_dir: Path, table: str) -> list[dict[str, str]]:
    """Return TABLE.csv rows as dicts of strings (demo dialect: ';', UTF-8)."""
    with open(export_dir / f"{table}.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def dec(text: str) -> Decimal:
    """Parse a demo number with a decimal comma."""
    return Decimal(text.replace(" ", "").replace(",", ".")) if text else Decimal(0)


def monthly_use(export_dir: Path, premises_ids: set[str]) -> dict[tuple[str, str, str], Decimal]:
    """Return {(premises, medium, 'YYYY-MM'): consumption}: each reading minus the previous one of its meter."""
    meters = {m["meter_id"]: m for m in read(export_dir, "meters") if m["premises_id"] in premises_ids}
    by_meter: dict[str, list[tuple[str, str, Decimal]]] = defaultdict(list)
    for r in read(export_dir, "readings"):
        if r["meter_id"] in meters:
            by_meter[r["meter_id"]].append((r["reading_date"], r["reading_id"], dec(r["value"])))
    out: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for meter_id, rows in by_meter.items():
        m = meters[meter_id]
        prev = dec(m["initial_value"])
        for day, _rid, value in sorted(rows):
            out[(m["premises_id"], m["medium"], day[:7])] += value - prev
            prev = value
    return dict(out)


def append_readings(export_dir: Path, csv_bytes: bytes) -> int:
    """Append the data rows of a readings export to readings.csv and fix manifest.csv; return rows added."""
    lines = csv_bytes.decode("utf-8").splitlines()[1:]
    path = export_dir / "readings.csv"
    with open(path, "a", encoding="utf-8", newline="") as fh:
        for line in lines:
            fh.write(line + "\n")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest = read(export_dir, "manifest")
    for row in manifest:
        if row["file"] == "readings.csv":
            row["rows"] = str(int(row["rows"]) + len(lines))
            row["sha256"] = digest
    with open(export_dir / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(manifest[0]), delimiter=";", lineterminator="\n")
        w.writeheader()
        w.writerows(manifest)
    return len(lines)
