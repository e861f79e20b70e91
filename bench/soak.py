"""Soak: residents on 2 processes over PostgreSQL while the nightly load, the swap and the sync run.

    .venv/bin/python bench/soak.py --data-dir DIR --export EXPORT_DIR [--users 100] [--seconds 60]

Issue 18 §3. What runs, all on loopback, all started fresh and stopped at the end:
  * a throw-away PostgreSQL cluster (bench/pg_cluster.py, like the tests'), migrated to the newest
    schema (python -m ebok migrate): the operational store of both processes;
  * replica A: `streamlit run app.py` on the bench data directory DIR;
  * replica B: `streamlit run app.py` on a data directory of its own (DIR/../replica-b/data) that holds
    a warehouse copy made by deploy/sync-warehouse.sh, the same secrets.yaml (the login cookie key)
    and links to A's documents and uploads; accounts and config are A's files (EBOK_AUTH_FILE,
    EBOK_CONFIG) — the "several machines" layout of deploy/README.md on one machine;
  * nginx in front of both with deploy/nginx/ebok.conf (tests/helpers/browser.start_nginx);
  * USERS simulated residents (bench/load_bench.py's mixed resident load with the reading form) for
    SECONDS after a warm-up. JOB_DELAY s into that minute the nightly job starts: `python -m ebok load`
    of a changed export (EXPORT hard-linked, with one more office message and a new export time, so
    the load builds and swaps in a new warehouse version), then deploy/sync-warehouse.sh to replica B.
    The minute is stretched until the job is over, so the swap and the sync happen under load.
Reported: the step's figures, errors (exceptions, login form shown, timeouts, dropped connections),
the job's timings and exit codes, both replicas' CURRENT after the sync, the store connections used,
and lost submissions: every reading whose page confirmed it with a submission number must be a row of
the store (confirmed but missing = lost; target 0). Forms without a confirmation are listed apart.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import hashlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_bench as lb  # noqa: E402 - bench/ is the script's own folder on sys.path
import pg_cluster  # noqa: E402

ROOT = lb.ROOT
SYNC = ROOT / "deploy" / "sync-warehouse.sh"


def changed_export(base: Path, out: Path) -> Path:
    """Write OUT: BASE hard-linked (no copy of the big files), with one more message and a new export time.

    messages.csv and manifest.csv are written anew (never through a link: the base stays as it is).
    """
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(base, out, copy_function=os.link)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    messages = out / "messages.csv"
    text = messages.read_text(encoding="utf-8")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    header = text.split("\n", 1)[0].rstrip("\r").split(delimiter)
    row = {
        "message_id": f"KOMSOAK{now:%H%M%S}",
        "audience": "all",
        "target": "",
        "published_on": now.date().isoformat(),
        "subject": "Test nocnego ładowania",
        "body": "Komunikat dodany przez bench/soak.py.",
        "valid_until": (now.date() + dt.timedelta(days=30)).isoformat(),
    }
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerow([row.get(h, "") for h in header])
    new = text.rstrip("\n") + "\n" + buffer.getvalue()
    messages.unlink()
    messages.write_text(new, encoding="utf-8")
    manifest = out / "manifest.csv"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    rows = [lines[0]]
    for line in lines[1:]:
        parts = line.split(";")
        if parts[0].lower() == "messages.csv":
            parts[1] = str(sum(1 for r in new.splitlines()[1:] if r.strip()))
            parts[2] = hashlib.sha256(new.encode("utf-8")).hexdigest()
        if len(parts) > 3:
            parts[3] = f"{now:%Y-%m-%d %H:%M:%S}"
        rows.append(";".join(parts))
    manifest.unlink()
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return out


def replica_b(data: Path, env: dict[str, str]) -> tuple[Path, dict[str, str]]:
    """Prepare replica B's data directory (warehouse synced, same key, shared documents); return it and its env."""
    root = data.parent / "replica-b"
    folder = root / "data"
    if root.exists():
        shutil.rmtree(root)
    folder.mkdir(parents=True)
    shutil.copy2(data / "secrets.yaml", folder / "secrets.yaml")
    for name in ("documents", "uploads"):
        (data / name).mkdir(exist_ok=True)
        (folder / name).symlink_to(data / name, target_is_directory=True)
    sync(data / "warehouse", folder / "warehouse")
    return folder, {**env, "EBOK_DATA_DIR": str(folder)}


def sync(source: Path, target: Path) -> subprocess.CompletedProcess:
    """Run deploy/sync-warehouse.sh SOURCE TARGET; raise when it fails."""
    done = subprocess.run(  # noqa: S603 - fixed command
        ["bash", str(SYNC), str(source), str(target)], capture_output=True, text=True, timeout=1800
    )
    if done.returncode != 0:
        raise RuntimeError(f"sync-warehouse.sh failed: {done.stdout}\n{done.stderr}")
    return done


class NightlyJob:
    """The nightly load of a changed export, then the sync to replica B, in a thread of its own."""

    def __init__(self, export: Path, env: dict[str, str], source: Path, target: Path, delay: float) -> None:
        self.export, self.env, self.source, self.target, self.delay = export, env, source, target, delay
        self.report: dict[str, object] = {}
        self._first: float | None = None
        self._thread: threading.Thread | None = None
        self._t0 = 0.0

    def busy(self) -> bool:
        """Called every second of the measured window: start the job after DELAY; True while it runs."""
        now = time.monotonic()
        if self._first is None:
            self._first = now
        if self._thread is None and now - self._first >= self.delay:
            self._t0 = now
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self._thread is None or self._thread.is_alive()

    def _step(self, name: str, cmd: list[str], env: dict[str, str] | None) -> int:
        start = time.monotonic()
        done = subprocess.run(  # noqa: S603 - fixed commands
            cmd, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=3600
        )
        self.report[name] = {
            "started_s": round(start - self._t0 + self.delay, 1),  # seconds into the measured window
            "seconds": round(time.monotonic() - start, 1),
            "exit_code": done.returncode,
            "output_tail": (done.stdout + done.stderr).strip().splitlines()[-3:],
        }
        return done.returncode

    def _run(self) -> None:
        load = [sys.executable, "-m", "ebok", "load", "--quiet", str(self.export)]
        if self._step("load_and_swap", load, self.env) == 0:
            self._step("sync_to_replica_b", ["bash", str(SYNC), str(self.source), str(self.target)], None)


def current(folder: Path) -> str:
    """Return the warehouse folder's CURRENT pointer."""
    try:
        return (folder / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def lost_submissions(samples: list[lb.Sample]) -> dict[str, object]:
    """Compare the readings the pages confirmed with the store's rows: confirmed but missing = lost."""
    from sqlalchemy import select

    from ebok.storage import store
    from ebok.storage.tables import reading_submissions as t

    forms = [s for s in samples if s.kind == "form"]
    confirmed = {s.submission for s in forms if s.submission}
    with store.engine().connect() as con:
        found = set(con.execute(select(t.c.submission_id).where(t.c.submission_id.in_(confirmed))).scalars())
    return {
        "forms_sent": len(forms),
        "confirmed": len(confirmed),
        "rows_in_store": len(found),
        "lost": len(confirmed - found),
        "lost_ids": sorted(confirmed - found)[:10],
        "forms_without_confirmation": sum(1 for s in forms if not s.submission),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the soak; print the step and the verdict (and JSON with --json). Exit 1 on errors or losses."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, help="bench data directory with a loaded warehouse")
    parser.add_argument(
        "--export", required=True, type=Path, help="the export that warehouse was loaded from"
    )
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="measured time (stretched until the job ends)"
    )
    parser.add_argument("--think", type=float, default=2.0)
    parser.add_argument(
        "--job-delay", type=float, default=5.0, help="seconds into the minute the nightly job starts"
    )
    parser.add_argument("--pages", help="comma-separated URL paths to visit (default: all resident pages)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench_args = argparse.Namespace(data_dir=args.data_dir)
    data, env = lb.bench_env(bench_args)
    lb.choose_pages(args.pages)
    random.seed(args.seed)
    logs = Path(tempfile.mkdtemp(prefix="ebok-soak-"))
    cluster = pg_cluster.start()
    handles: list = []
    report: dict[str, object] = {"kind": "soak", "users": args.users, "replicas": 2, "store": "postgresql"}
    try:
        env["EBOK_STORE_URL"] = os.environ["EBOK_STORE_URL"] = cluster.url
        lb.migrate(env)
        report["postgresql"] = {"settings": cluster.settings(), "statements_from": cluster.statements}
        cookies = [c for _u, c in lb.prepare_users(args.users, args.seed)]
        changed = changed_export(args.export.resolve(), data.parent / "export-changed")
        folder_b, env_b = replica_b(data, env)
        cluster.reset_statements()
        url, handles, pids = lb.start_stack("app.py", "app", [env, env_b], logs)
        job = NightlyJob(changed, env, data / "warehouse", folder_b / "warehouse", args.job_delay)
        before = {"a": current(data / "warehouse"), "b": current(folder_b / "warehouse")}
        samples: list[lb.Sample] = []
        step = asyncio.run(
            lb.run_step(
                "soak app×2 pg", url, cookies, args.users, args.seconds, args.think, pids, False,
                connections=cluster.connections, busy=job.busy, keep=samples,
            )
        )  # fmt: skip
        lb.show(step)
        after = {"a": current(data / "warehouse"), "b": current(folder_b / "warehouse")}
        report["step"] = asdict(step)
        report["job"] = job.report
        report["current_before"], report["current_after"] = before, after
        report["swapped_and_synced"] = after["a"] != before["a"] and after["a"] == after["b"]
        report["submissions"] = lost_submissions(samples)
        report["postgresql"]["slowest_statements"] = cluster.slowest()  # type: ignore[index]
        report["postgresql"]["busiest_statements"] = cluster.slowest(5, by="total")  # type: ignore[index]
        report["nginx_upstreams"] = _upstreams(handles[-1].access_log())
    finally:
        for handle in reversed(handles):
            handle.stop()
        cluster.stop()
    report["errors"] = report["step"]["errors"]  # type: ignore[index]
    report["lost"] = report["submissions"]["lost"]  # type: ignore[index]
    # "0 lost" proves nothing unless readings were confirmed during the swap.
    report["confirmed"] = report["submissions"]["confirmed"]  # type: ignore[index]
    report["ok"] = (
        report["errors"] == 0
        and report["lost"] == 0
        and report["confirmed"] > 0
        and report["swapped_and_synced"]
    )
    print(json.dumps({k: v for k, v in report.items() if k != "step"}, indent=2, ensure_ascii=False))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"server logs: {logs}")
    return 0 if report["ok"] else 1


def _upstreams(log: str) -> dict[str, int]:
    """Count the requests nginx passed to each replica (upstream= in the access log)."""
    counts: dict[str, int] = {}
    for part in log.split():
        if part.startswith("upstream="):
            counts[part[9:]] = counts.get(part[9:], 0) + 1
    return counts


if __name__ == "__main__":
    raise SystemExit(main())
