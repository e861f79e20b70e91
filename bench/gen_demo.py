"""Benchmark the demo generator: wall and CPU time, peak memory, rows and bytes written.

Usage: .venv/bin/python bench/gen_demo.py --premises 10000 [--out /tmp/demo-bench] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ebok.demo import generate  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--premises", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--as-of", default="2026-11-21")
    parser.add_argument("--out", default=None, help="output folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the output folder")
    args = parser.parse_args()
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="ebok-demo-bench-"))
    wall, cpu = time.perf_counter(), time.process_time()
    counts = generate(out, premises=args.premises, seed=args.seed, as_of=dt.date.fromisoformat(args.as_of))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    rows = sum(counts.values())
    print(f"premises={args.premises} wall={wall:.1f}s cpu={cpu:.1f}s peak_rss={peak_mb:.0f}MB "
          f"rows={rows} ({rows / wall / 1e6:.2f} M rows/s wall) size={size_mb:.0f}MB")  # fmt: skip
    for name, n in counts.items():
        print(f"  {name:<16} {n:>12}")
    if not args.keep and not args.out:
        shutil.rmtree(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
