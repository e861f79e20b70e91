"""Benchmark of the nightly loader: load time and peak memory, its floor, and per-premises query time.

    .venv/bin/python bench/bench_loader.py --premises 10000 100000

For each size it generates a demo export (python -m ebok demo, cached in --work), loads it
in a child process into a fresh data directory (peak RSS from os.wait4 of that child), then
times the balance query of many random premises against the new warehouse, read-only.
The floor: in another child, DuckDB's own `read_csv` (types auto-detected) of the same files
into tables of one fresh database, each sorted by its contract key, with the loader's
memory_limit. Printed: loader s, raw s, their ratio and both peaks.
Results go to docs/benchmarks.md, section "Loader" (other sections are kept).
"""

from __future__ import annotations

# SQL here is built from contract names and the bench's own paths, never from export data: S608 does not apply.
# ruff: noqa: S608
import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docs_section import write_section  # noqa: E402 - bench/ is the script's own folder on sys.path

from ebok.core.contract import FILES  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

BALANCE_SQL = "SELECT balance FROM v_premises_balance WHERE premises_id = ?"
OPEN_ITEMS_SQL = "SELECT sum(remaining) FROM v_open_items WHERE premises_id = ?"
LEDGER_SQL = "SELECT entry_date, description, amount FROM ledger WHERE premises_id = ? ORDER BY entry_date"


def run_child(argv: list[str], env: dict[str, str]) -> tuple[int, float, float]:
    """Run ARGV; return (exit status, wall seconds, peak RSS in MiB of that child)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(err.decode("utf-8", "replace")[-3000:])
    return proc.returncode, elapsed, usage.ru_maxrss / 1024  # Linux: KiB


def raw_load(folder: Path, db: Path) -> None:
    """The floor: every contract file read by DuckDB's read_csv into a table, sorted by the contract's key."""
    tmp = db.parent / (db.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db))
    try:
        con.execute(f"SET memory_limit = '{os.environ.get('EBOK_LOADER_MEMORY', '1GB')}'")
        con.execute(f"SET temp_directory = '{tmp}'")
        for spec in FILES:
            path = folder / spec.filename
            if not path.exists():
                continue
            order = f" ORDER BY {', '.join(spec.sort_by)}" if spec.sort_by else ""
            con.execute(
                f"CREATE TABLE {spec.name} AS SELECT * FROM read_csv('{path}', header = true, delim = ';', "
                f"decimal_separator = ','){order}"
            )
        con.execute("CHECKPOINT")
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)


def time_raw(folder: Path, work: Path) -> tuple[float, float]:
    """Run raw_load in a child process; return (wall seconds, peak RSS MiB)."""
    db = work / "raw.duckdb"
    db.unlink(missing_ok=True)
    status, seconds, rss = run_child([PY, __file__, "--raw", str(folder), str(db)], dict(os.environ))
    db.unlink(missing_ok=True)
    if status != 0:
        raise SystemExit(f"raw read_csv of {folder} failed with status {status}")
    return seconds, rss


def ensure_export(work: Path, premises: int) -> tuple[Path, float | None]:
    """Return the demo export for PREMISES (generated once) and the generation time if generated now."""
    folder = work / f"demo{premises}"
    if (folder / "manifest.csv").exists():
        return folder, None
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [PY, "-m", "ebok", "demo", "--out", str(folder), "--premises", str(premises), "--seed", "1",
         "--as-of", "2026-11-20"],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return folder, time.perf_counter() - started


def time_queries(path: Path, queries: int) -> dict[str, float]:
    """Median and 95th percentile, in ms, of per-premises queries on random premises."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        ids = [r[0] for r in con.execute("SELECT premises_id FROM premises").fetchall()]
        rng = random.Random(0)
        out = {}
        for name, sql in (("balance", BALANCE_SQL), ("open_items", OPEN_ITEMS_SQL), ("ledger", LEDGER_SQL)):
            cur = con.cursor()
            cur.execute(sql, [ids[0]]).fetchall()  # warm up
            samples = []
            for pid in rng.choices(ids, k=queries):
                t = time.perf_counter()
                cur.execute(sql, [pid]).fetchall()
                samples.append((time.perf_counter() - t) * 1000)
            samples.sort()
            out[f"{name}_median"] = statistics.median(samples)
            out[f"{name}_p95"] = samples[int(len(samples) * 0.95) - 1]
        return out
    finally:
        con.close()


def time_load(folder: Path, data: Path) -> tuple[float, float]:
    """Load FOLDER into the fresh data directory DATA in a child process; return (wall seconds, peak RSS MiB)."""
    shutil.rmtree(data, ignore_errors=True)
    env = {**os.environ, "EBOK_DATA_DIR": str(data), "EBOK_CONFIG": str(data / "config.yaml")}
    env.pop("EBOK_STORE_URL", None)
    status, seconds, rss = run_child([PY, "-m", "ebok.loader", "load", "--quiet", str(folder)], env)
    if status != 0:
        raise SystemExit(f"load of {folder} failed with status {status}")
    return seconds, rss


def bench(premises: int, work: Path, queries: int, repeat: int = 1) -> dict[str, object]:
    """Generate (if needed), load and query one size; raw and loader alternate REPEAT times, best of each kept."""
    folder, gen_seconds = ensure_export(work, premises)
    data = work / f"data{premises}"
    raws, loads = [], []
    for _ in range(repeat):  # alternating, so both see the same (shared, drifting) machine
        raws.append(time_raw(folder, work))
        loads.append(time_load(folder, data))
        print(f"{premises} premises: loader {loads[-1][0]:.1f} s, raw read_csv {raws[-1][0]:.1f} s, "
              f"ratio {loads[-1][0] / raws[-1][0]:.2f}, peak RSS {loads[-1][1]:.0f} / {raws[-1][1]:.0f} MiB",
              file=sys.stderr)  # fmt: skip
    raw_s, raw_rss = min(r[0] for r in raws), max(r[1] for r in raws)
    seconds, rss = min(r[0] for r in loads), max(r[1] for r in loads)
    wdir = data / "warehouse"
    path = wdir / (wdir / "CURRENT").read_text().strip()
    con = duckdb.connect(str(path), read_only=True)
    try:
        ledger = con.execute("SELECT count(*) FROM ledger").fetchone()[0]
        readings = con.execute("SELECT count(*) FROM readings").fetchone()[0]
        charges = con.execute("SELECT count(*) FROM charges").fetchone()[0]
    finally:
        con.close()
    export_mb = sum(p.stat().st_size for p in folder.glob("*.csv")) / 2**20
    result = {
        "premises": premises,
        "ledger": ledger,
        "charges": charges,
        "readings": readings,
        "export_mb": export_mb,
        "load_s": seconds,
        "raw_s": raw_s,
        "ratio": seconds / raw_s,
        "raw_rss_mib": raw_rss,
        "peak_rss_mib": rss,
        "warehouse_mb": path.stat().st_size / 2**20,
        "generate_s": gen_seconds,
        **time_queries(path, queries),
    }
    print(result, file=sys.stderr)
    return result


def render(results: list[dict[str, object]], queries: int, repeat: int = 1) -> str:
    """Return the markdown section."""
    lines = [
        "## Loader",
        "",
        f"Measured {date.today().isoformat()} by `bench/bench_loader.py` on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
        f"loader memory_limit {os.environ.get('EBOK_LOADER_MEMORY', '1GB')}. Demo export (`python -m ebok demo`, "
        "seed 1, UTF-8, `;`, decimal comma). Load = `python -m ebok.loader load DIR` in a child process: "
        "validation of every file + build + derived tables + publish; peak RSS of that child from `os.wait4`. "
        "Raw = DuckDB's `read_csv` (types auto-detected, decimal comma) of the same files into tables of one fresh "
        "database, each `ORDER BY` its contract key, same memory_limit, in a child process (the floor). Queries: "
        f"{queries} random premises each, read-only connection, warm. Load average at the end: "
        f"{os.getloadavg()[0]:.1f} (the machine is shared, so times are upper bounds). Best of {repeat} alternating "
        "raw and loader runs per size; peaks are the highest.",
        "",
        "| premises | ledger rows | charges rows | readings rows | export CSV MB | load s | raw read_csv s | ratio "
        "| peak RSS MiB (load / raw) | warehouse MB | balance ms median / p95 | open items ms median / p95 "
        "| ledger list ms median / p95 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['premises']:,} | {r['ledger']:,} | {r['charges']:,} | {r['readings']:,} | {r['export_mb']:.0f} "
            f"| {r['load_s']:.1f} | {r['raw_s']:.1f} | {r['ratio']:.2f} "
            f"| {r['peak_rss_mib']:.0f} / {r['raw_rss_mib']:.0f} | {r['warehouse_mb']:.0f} "
            f"| {r['balance_median']:.2f} / {r['balance_p95']:.2f} "
            f"| {r['open_items_median']:.2f} / {r['open_items_p95']:.2f} "
            f"| {r['ledger_median']:.2f} / {r['ledger_p95']:.2f} |".replace(",", " ")
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--premises", type=int, nargs="+", default=[10_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/ebok-bench"), help="exports and data dirs")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=1, help="raw and loader runs per size (best kept)")
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/benchmarks.md")
    parser.add_argument("--raw", nargs=2, type=Path, metavar=("EXPORT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw:  # the child process of time_raw
        raw_load(*args.raw)
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    results = [bench(n, args.work, args.queries, args.repeat) for n in args.premises]
    section = render(results, args.queries, args.repeat)
    print(section)
    if not args.no_write:
        write_section("## Loader", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
