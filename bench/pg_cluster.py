"""A throw-away PostgreSQL cluster on loopback for the benchmarks, started the way the tests do.

Debian's PostgreSQL (the newest /usr/lib/postgresql/*/bin), `initdb -A trust -U ebok` in a fresh
temporary folder (owned by the postgres user when run as root: PostgreSQL refuses to run as root),
`pg_ctl start` on a free port with fsync=off — the same as scripts/setup.sh ebok_start_postgres.
On top of the tests' cluster: pg_stat_statements preloaded, so the bench can report the slowest
store statements; when the extension cannot be loaded, log_min_duration_statement logs statements
slower than LOG_MS and the bench parses the server log instead.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

LOG_MS = 20  # log_min_duration_statement when pg_stat_statements is not available
_DURATION = re.compile(r"duration: ([\d.]+) ms\s+(?:statement|execute [^:]*): (.*)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """One running cluster: its folder, port, the bench database's URL and how statements are seen."""

    folder: Path
    bindir: Path
    port: int
    run_as: list[str]
    statements: str = "pg_stat_statements"  # or "log" (log_min_duration_statement)
    url: str = ""
    _sampler: object = field(default=None, repr=False)

    def _pg_ctl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - fixed command
            [*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if self._sampler is not None:
            self._sampler.close()  # type: ignore[attr-defined]
            self._sampler = None
        self._pg_ctl("-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def _con(self):  # type: ignore[no-untyped-def]
        import psycopg

        if self._sampler is None:
            self._sampler = psycopg.connect(
                self.url.replace("postgresql+psycopg", "postgresql"), autocommit=True
            )
        return self._sampler

    def reset_statements(self) -> None:
        """Forget the statements seen so far (setup, migrations, bench sign-in)."""
        if self.statements == "pg_stat_statements":
            self._con().execute("SELECT pg_stat_statements_reset()")
        else:
            self._log_mark = (self.folder / "log").stat().st_size

    def connections(self) -> dict[str, int]:
        """Return the bench database's backends right now, by state (the sampler's own not counted)."""
        rows = (
            self._con()
            .execute(
                "SELECT coalesce(state, '?'), count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1"
            )
            .fetchall()
        )
        out = {state.replace(" ", "_"): int(n) for state, n in rows}
        out["total"] = sum(out.values())
        return out

    def slowest(self, limit: int = 8, by: str = "mean") -> list[dict[str, object]]:
        """Return the slowest store statements: by mean time (called at least 3 times), or by total time."""
        order = "total_exec_time" if by == "total" else "mean_exec_time"
        if self.statements == "pg_stat_statements":
            # ORDER BY one of two fixed column names.
            query = (
                "SELECT query, calls, mean_exec_time, max_exec_time, total_exec_time FROM pg_stat_statements "  # noqa: S608
                "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND calls >= 3 "
                f"AND query NOT ILIKE '%%pg_stat%%' ORDER BY {order} DESC LIMIT %s"
            )
            rows = self._con().execute(query, [limit]).fetchall()
            return [
                {"query": " ".join(q.split())[:160], "calls": int(c), "mean_ms": round(m, 2),
                 "max_ms": round(x, 2), "total_ms": round(t, 1)}
                for q, c, m, x, t in rows
            ]  # fmt: skip
        text = (self.folder / "log").read_text(errors="replace")[getattr(self, "_log_mark", 0) :]
        by_query: dict[str, list[float]] = {}
        for ms, query in _DURATION.findall(text):
            by_query.setdefault(" ".join(query.split())[:160], []).append(float(ms))
        ranked = sorted(by_query.items(), key=lambda kv: -sum(kv[1]) / (1 if by == "total" else len(kv[1])))
        return [
            {"query": q, "calls_over_log_ms": len(v), "mean_ms": round(sum(v) / len(v), 2),
             "max_ms": round(max(v), 2), "total_ms": round(sum(v), 1)}
            for q, v in ranked[:limit]
        ]  # fmt: skip

    def settings(self) -> dict[str, str]:
        """Return the server settings that matter for reading the figures."""
        names = ("server_version", "max_connections", "fsync", "shared_buffers", "synchronous_commit")
        return {n: str(self._con().execute(f"SHOW {n}").fetchone()[0]) for n in names}


def start(database: str = "ebok_bench") -> Cluster:
    """Start a cluster with DATABASE; return it (call stop() when done). Raise when PostgreSQL is missing."""
    initdbs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not initdbs:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    bindir = Path(initdbs[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="ebok-pg-bench-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    subprocess.run(  # noqa: S603 - fixed command
        [*run_as, str(bindir / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "ebok"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    cluster = Cluster(folder, bindir, _free_port(), run_as)
    base = f"-p {cluster.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    started = cluster._pg_ctl(
        "-o", base + " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top",
        "-l", str(folder / "log"), "-w", "-t", "60", "start",
    )  # fmt: skip
    if started.returncode != 0:
        cluster.statements = "log"
        started = cluster._pg_ctl(
            "-o", base + f" -c log_min_duration_statement={LOG_MS}", "-l", str(folder / "log"), "-w", "-t", "60",
            "start",
        )  # fmt: skip
        if started.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            raise RuntimeError(f"PostgreSQL did not start: {started.stderr}")
    try:
        subprocess.run(  # noqa: S603 - fixed command
            [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "ebok", database],
            check=True,
            capture_output=True,
            timeout=60,
        )
        cluster.url = f"postgresql+psycopg://ebok@127.0.0.1:{cluster.port}/{database}"
        if cluster.statements == "pg_stat_statements":
            cluster._con().execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    except BaseException:
        cluster.stop()
        raise
    return cluster
