"""Benchmark of the nightly loader: load time and peak memory, and per-premises query time.

    .venv/bin/python bench/bench_loader.py --premises 10000 100000

For each size it generates a demo export (python -m ebok demo, cached in --work), loads it
in a child process into a fresh data directory (peak RSS from os.wait4 of that child), then
times the balance query of many random premises against the new warehouse, read-only.
Results go to docs/benchmarks.md, section "Loader" (other sections are kept).
"""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
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


def bench(premises: int, work: Path, queries: int) -> dict[str, object]:
    """Generate (if needed), load and query one size."""
    folder, gen_seconds = ensure_export(work, premises)
    data = work / f"data{premises}"
    shutil.rmtree(data, ignore_errors=True)
    env = {**os.environ, "EBOK_DATA_DIR": str(data), "EBOK_CONFIG": str(data / "config.yaml")}
    env.pop("EBOK_STORE_URL", None)
    status, seconds, rss = run_child([PY, "-m", "ebok.loader", "load", str(folder)], env)
    if status != 0:
        raise SystemExit(f"load of {folder} failed with status {status}")
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
        "peak_rss_mib": rss,
        "warehouse_mb": path.stat().st_size / 2**20,
        "generate_s": gen_seconds,
        **time_queries(path, queries),
    }
    print(result, file=sys.stderr)
    return result


def render(results: list[dict[str, object]], queries: int) -> str:
    """Return the markdown section."""
    lines = [
        "## Loader",
        "",
        f"Measured {date.today().isoformat()} by `bench/bench_loader.py` on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
        f"loader memory_limit {os.environ.get('EBOK_LOADER_MEMORY', '1GB')}. Demo export (`python -m ebok demo`, "
        "seed 1, UTF-8, `;`, decimal comma). Load = `python -m ebok.loader load DIR` in a child process: "
        "validation of every file + build + swap; peak RSS of that child from `os.wait4`. Queries: "
        f"{queries} random premises each, read-only connection, warm. Load average at the end: "
        f"{os.getloadavg()[0]:.1f} (the machine is shared, so times are upper bounds).",
        "",
        "| premises | ledger rows | charges rows | readings rows | export CSV MB | load s | peak RSS MiB "
        "| warehouse MB | balance ms median / p95 | open items ms median / p95 | ledger list ms median / p95 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['premises']:,} | {r['ledger']:,} | {r['charges']:,} | {r['readings']:,} | {r['export_mb']:.0f} "
            f"| {r['load_s']:.1f} | {r['peak_rss_mib']:.0f} | {r['warehouse_mb']:.0f} "
            f"| {r['balance_median']:.2f} / {r['balance_p95']:.2f} "
            f"| {r['open_items_median']:.2f} / {r['open_items_p95']:.2f} "
            f"| {r['ledger_median']:.2f} / {r['ledger_p95']:.2f} |".replace(",", " ")
        )
    return "\n".join(lines) + "\n"


def write_section(section: str) -> None:
    """Replace (or append) the '## Loader' section of docs/benchmarks.md."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    start = text.find("## Loader\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    DOC.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--premises", type=int, nargs="+", default=[10_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/ebok-bench"), help="exports and data dirs")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/benchmarks.md")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = [bench(n, args.work, args.queries) for n in args.premises]
    section = render(results, args.queries)
    print(section)
    if not args.no_write:
        write_section(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
