"""Load benchmark: simulated residents speaking Streamlit's own WebSocket protocol (no browser).

Each simulated resident opens /_stcore/stream once (like a browser tab), asks for script runs of the
resident pages (BackMsg.rerun_script with page_name = the page's URL path), waits for
script_finished, thinks ~THINK s (uniform 0.5–1.5 × THINK) and goes on; now and then it submits the
meter-reading form of "Media i odczyty" (widget states: the form's number inputs + its submit
trigger, exactly what the browser sends). Like a browser, a page the menu lists is asked for by its
script hash.

Anchors (issue 18 §1), loaded in the same run with the same think time, steps alternating with the
app's (all servers up, the idle ones cost nothing), so a drift in the machine's speed hits all alike:
  * floor      bench/floor_app.py: one st.write; the app's CPU per rerun is reported as a multiple of it;
  * idiomatic  bench/idiomatic_app.py: cached read-only DuckDB connection, st.cache_data per premises,
               a Plotly Express chart, a table; the app's throughput at p95 = --p95-target-ms is
               reported as a multiple of it;
  * reference  bench/reference_app.py (the older anchor of issue 6: a fresh connection every rerun).
Every run starts its servers fresh; the first step of each target is measured COLD (no warm-up left
out: the first script runs, imports and caches count) and reported separately; the steps after it are
measured warm (the first seconds of each step, while the residents connect, are left out).

--store postgresql runs the operational store on a throw-away PostgreSQL cluster started like the
tests' (bench/pg_cluster.py: Debian's PostgreSQL on loopback, fsync=off, pg_stat_statements), brings it
to the newest schema (python -m ebok migrate) and reports the store connections used per step
(pg_stat_activity sampled every second: the most at once, and the most running a statement) and the
slowest store statements of the run. Without --store the store is the data directory's SQLite file.

How the simulated residents sign in (bench only, against a bench data directory, never production):
  * bench users `bench.NNNN` are added to the bench copy of auth.yaml for random resident customers
    of the warehouse (one bcrypt hash of a random password shared by all; nobody types it);
  * for each, ebok.auth.sessions.create() starts a real server-side session, and a login cookie is
    minted exactly like ebok.web.cookie.remember() does: JWT HS256 {username, exp_date} signed
    with the installation key (ebok.web.cookie.cookie_key(), data/secrets.yaml), bound to the session row
    with sessions.bind_cookie();
  * the WebSocket handshake carries `Cookie: ebok_auth=<jwt>`; the app's guard
    (ebok.web.session.current_user -> _session_from_cookie) restores the session from it on the first run
    and then checks the session row on every rerun, as for a browser reload. Nothing in the app is
    bypassed or special-cased for the bench.

Measured per step (a number of concurrent users held for STEP_SECONDS): reruns, reruns/s, p50/p95/
p99 latency (send -> script_finished), errors (exception elements, login form shown, timeouts),
server CPU per rerun (utime+stime deltas from /proc/<pid>/stat over all server processes, divided
by reruns), server RSS (max VmRSS) and the load generator's own CPU (it shares the machine).

Usage (see bench/run_load.sh, which also builds the 100k-premises warehouse):
  python bench/load_bench.py --data-dir DIR --steps 25,50,100 --step-seconds 30 [--replicas 2]
      [--anchor floor,idiomatic] [--floor-steps 50,100] [--idiomatic-steps 10,20] [--anchor-replicas 2]
      [--store postgresql] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pg_cluster  # noqa: E402 - bench/ is the script's own folder on sys.path
import websockets  # noqa: E402

from tests.helpers import browser as stack  # noqa: E402
from tests.helpers.streamlit_ws import Tab, login_cookie  # noqa: E402

# Resident pages a simulated resident opens (URL paths of navigation.PAGES), with weights: the
# balance and bills are what residents open most.
RESIDENT_PAGES = {
    "saldo": 5,
    "rachunki": 3,
    "faktury": 2,
    "zaplac": 1,
    "media": 3,
    "dokumenty": 2,
    "wiadomosci": 1,
    "moje_dane": 1,
    "rozliczenia": 1,
}
# Saldo is the residents' start page: Streamlit gives the default page the address "/" (empty
# path), so a browser asks for it as "" ("saldo" would get a "page not found" notice first).
URL_PATH = {"saldo": ""}
FORM_PAGE = "media"
FORM_TAB = "Podaj odczyt"
FORM_PROBABILITY = 0.15  # share of visits to FORM_PAGE that also submit the reading form
# A step with this many visits to FORM_PAGE and no form submitted measured a load without forms
# (the reading window closed, the form moved): the run fails instead of passing for a mixed load.
FORMLESS_VISITS = 40
RERUN_TIMEOUT = 60.0
# The pages a run can measure against the app (see the module docstring).
ANCHORS = {
    "floor": "bench/floor_app.py",
    "idiomatic": "bench/idiomatic_app.py",
    "reference": "bench/reference_app.py",
}
# A saved reading's confirmation names its submission (pages/media.py, meters.submit_reading).
SUBMISSION = re.compile(r"nr zgłoszenia (S\d{8}-[0-9A-F]{10})")


@dataclass
class Sample:
    """One measured script run."""

    page: str
    ms: float
    kind: str  # "page" or "form"
    ok: bool
    saved: bool = False  # a form run whose page confirmed the reading ("… przyjęty")
    submission: str = ""  # the submission number the confirmation named
    at: float = 0.0  # time.monotonic() when the run was asked for
    first: bool = False  # the resident's first run (the session starts on it)


@dataclass
class StepResult:
    """What one load step measured."""

    target: str
    users: int
    seconds: float
    reruns: int
    reruns_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    forms: int
    forms_saved: int
    cpu_ms_per_rerun: float
    server_cpu_percent: float
    server_rss_mb: float
    client_cpu_percent: float
    first_errors: list[str] = field(default_factory=list)
    per_page_p95_ms: dict[str, float] = field(default_factory=dict)
    cold: bool = False  # the target's first step on fresh server processes, first runs included
    store_connections: dict[str, int] = field(default_factory=dict)  # the most at once (PostgreSQL)
    first_runs_p95_ms: float = float("nan")  # p95 of the residents' first runs within the step
    timeline: list[list[float]] = field(default_factory=list)  # [from s, reruns, p95 ms] per 5 s
    form_page_visits: int = 0  # visits to FORM_PAGE within the step (each may submit the form)


# --- /proc accounting ------------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    """Return PID and its child processes (streamlit runs as one process; nginx has workers)."""
    out = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
            for child in children:
                out.extend(_descendants(int(child)))
    except OSError:
        pass
    return out


def cpu_seconds(pids: list[int]) -> float:
    """Return utime+stime of PIDS in seconds (from /proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
    return total / tick


def rss_mb(pids: list[int]) -> float:
    """Return the summed VmRSS of PIDS in MiB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


# --- bench sign-in ---------------------------------------------------------------------------


def prepare_users(count: int, seed: int) -> list[tuple[str, str]]:
    """Create COUNT bench residents with live sessions; return (username, cookie header) pairs.

    Runs in this process with EBOK_DATA_DIR / EBOK_AUTH_FILE of the bench data directory.
    """
    import bcrypt

    from ebok.auth import users
    from ebok.storage import warehouse

    with warehouse.cursor() as cur:
        customers = [
            row[0]
            for row in cur.execute(
                "SELECT DISTINCT customer_id FROM premises WHERE kind = 'residential' ORDER BY customer_id"
            ).fetchall()
        ]
    rng = random.Random(seed)
    picked = rng.sample(customers, min(count, len(customers)))
    password = bcrypt.hashpw(os.urandom(16).hex().encode(), bcrypt.gensalt(rounds=4)).decode()
    names = [f"bench.{i:04d}" for i in range(len(picked))]

    def add(all_users: dict) -> None:
        for name, customer in zip(names, picked, strict=True):
            all_users[name] = {
                "name": f"Mieszkaniec testowy {name[-4:]}",
                "email": f"{name}@example.invalid",
                "password": password,
                "roles": ["resident"],
                "customer_id": customer,
                "premises": [],
                "disabled": False,
                "must_change_password": False,
            }

    users.update(add)
    forget_submissions(picked)
    out = [(name, login_cookie(name)) for name in names]
    from ebok.storage import store

    store.dispose_all()  # the bench's own idle store connection must not count as the app's
    return out


def forget_submissions(customers: list[str]) -> int:
    """Delete the bench customers' reading submissions left by earlier runs; return how many.

    Every run starts as after a nightly load, which would have booked them: without this the
    "waiting for booking" lists of the bench premises grow by every run's forms (30 rows and more
    after a few runs, where a resident has a handful at most) and each run measures longer pages.
    """
    from sqlalchemy import delete

    from ebok.storage import store, warehouse
    from ebok.storage.tables import reading_submissions as t

    with warehouse.cursor() as cur:
        premises = [
            row[0]
            for row in cur.execute(
                "SELECT premises_id FROM premises WHERE customer_id IN (SELECT unnest(?))", [customers]
            ).fetchall()
        ]
    with store.engine().begin() as con:
        return con.execute(delete(t).where(t.c.premises_id.in_(premises))).rowcount


# --- the protocol ----------------------------------------------------------------------------


async def resident(
    url: str,
    cookie: str,
    pages: dict[str, int],
    think: float,
    stop_at: float,
    samples: list[Sample],
    errors: list[str],
    reference: bool,
    deadline: list[float] | None = None,
) -> None:
    """One simulated resident: connect, open pages with think time until STOP_AT (or DEADLINE[0]).

    On an anchor page (REFERENCE) the resident keeps one premises (?unit=N), as a resident looks at
    their own flat: a page that caches per premises gets the hits it would get in real use.
    """
    deadline = deadline if deadline is not None else [stop_at]
    unit = random.randrange(1_000_000)
    await asyncio.sleep(random.random() * min(2.0, think))  # ramp-up
    node = os.urandom(8).hex()
    headers = {"Cookie": f"{cookie}; ebok_node={node}" if cookie else f"ebok_node={node}"}
    names, weights = list(pages), list(pages.values())
    try:
        async with websockets.connect(
            url,
            subprotocols=["streamlit"],
            max_size=2**26,
            additional_headers=headers,
            open_timeout=60,
            ping_interval=None,
        ) as ws:
            tab = Tab(ws)
            visits = 0
            while time.monotonic() < deadline[0]:
                page = "" if reference else random.choices(names, weights)[0]
                query = f"unit={unit}" if reference else ""
                start, at = time.perf_counter(), time.monotonic()
                ok, problem = await tab.run(URL_PATH.get(page, page), query)
                ms = (time.perf_counter() - start) * 1000
                samples.append(Sample(page or "reference", ms, "page", ok, at=at, first=not visits))
                visits += 1
                if problem:
                    errors.append(f"{page}: {problem}")
                if page == FORM_PAGE and random.random() < FORM_PROBABILITY:
                    # The form sits in the lazy tab "Podaj odczyt": opening it is a rerun of its own.
                    opened = tab.tab_states(FORM_TAB)
                    if opened is not None:
                        await asyncio.sleep(think * random.uniform(0.25, 0.75))
                        start, at = time.perf_counter(), time.monotonic()
                        ok, problem = await tab.run(page, "", opened)
                        samples.append(Sample(page, (time.perf_counter() - start) * 1000, "page", ok, at=at))
                        if problem:
                            errors.append(f"{page} tab: {problem}")
                    states = tab.reading_form(keep=opened)
                    if states is not None:
                        await asyncio.sleep(think * random.uniform(0.5, 1.5))
                        start, at = time.perf_counter(), time.monotonic()
                        ok, problem = await tab.run(page, "", states)
                        found = [m.group(1) for t in tab.texts() for m in [SUBMISSION.search(t)] if m]
                        samples.append(
                            Sample(page, (time.perf_counter() - start) * 1000, "form", ok, bool(found),
                                   found[0] if found else "", at)
                        )  # fmt: skip
                        if problem:
                            errors.append(f"{page} form: {problem}")
                await asyncio.sleep(think * random.uniform(0.5, 1.5))
    except Exception as exc:  # noqa: BLE001 - counted, the run goes on
        errors.append(f"connection: {exc!r}"[:200])


def _q(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


async def run_step(
    target: str,
    url: str,
    cookies: list[str],
    users: int,
    seconds: float,
    think: float,
    server_pids: list[int],
    reference: bool,
    cold: bool = False,
    connections: Callable[[], dict[str, int]] | None = None,
    busy: Callable[[], bool] | None = None,
    keep: list[Sample] | None = None,
) -> StepResult:
    """Hold USERS concurrent residents for SECONDS and measure.

    COLD: measure from the first connection (the step right after the servers started). CONNECTIONS:
    sampled every second, the most of each count kept (the store's backends). BUSY: the step goes on
    past SECONDS while it returns True (the soak waits for its nightly job). KEEP gets every sample.
    """
    samples: list[Sample] = []
    errors: list[str] = []
    warmup = 0.0 if cold else min(2.0 * think + 2.0, seconds / 3)
    start = time.monotonic()
    stop_at = start + warmup + seconds
    deadline = [stop_at]
    tasks = [
        asyncio.create_task(
            resident(
                url,
                cookies[i % len(cookies)] if cookies else "",
                RESIDENT_PAGES,
                think,
                stop_at,
                samples,
                errors,
                reference,
                deadline,
            )
        )
        for i in range(users)
    ]
    await asyncio.sleep(warmup)  # connections opened, first runs done
    first = len(samples)
    cpu0, t0, own0 = cpu_seconds(server_pids), time.monotonic(), time.process_time()
    rss = 0.0
    most: dict[str, int] = {}
    while time.monotonic() < deadline[0]:
        await asyncio.sleep(1.0)
        rss = max(rss, rss_mb(server_pids))
        if connections is not None:
            for key, value in connections().items():
                most[key] = max(most.get(key, 0), value)
        if busy is not None and busy() and deadline[0] - time.monotonic() < 2.0:
            deadline[0] += 1.0
    cpu1, t1, own1 = cpu_seconds(server_pids), time.monotonic(), time.process_time()
    measured = samples[first:]
    if keep is not None:
        keep.extend(samples)
    await asyncio.wait(tasks, timeout=RERUN_TIMEOUT + 3 * think + 10)
    for task in tasks:
        task.cancel()
    elapsed = t1 - t0
    ms = [s.ms for s in measured]
    by_page: dict[str, list[float]] = {}
    for s in measured:
        by_page.setdefault(s.page if s.kind == "page" else f"{s.page}+form", []).append(s.ms)
    reruns = len(measured)
    return StepResult(
        target=target,
        users=users,
        seconds=round(elapsed, 1),
        reruns=reruns,
        reruns_per_s=round(reruns / elapsed, 2),
        p50_ms=round(_q(ms, 0.50), 1),
        p95_ms=round(_q(ms, 0.95), 1),
        p99_ms=round(_q(ms, 0.99), 1),
        max_ms=round(max(ms), 1) if ms else float("nan"),
        errors=len(errors),
        forms=sum(1 for s in measured if s.kind == "form"),
        forms_saved=sum(1 for s in measured if s.kind == "form" and s.saved),
        cpu_ms_per_rerun=round((cpu1 - cpu0) * 1000 / reruns, 2) if reruns else float("nan"),
        server_cpu_percent=round((cpu1 - cpu0) * 100 / elapsed, 1),
        server_rss_mb=round(rss, 1),
        client_cpu_percent=round((own1 - own0) * 100 / elapsed, 1),
        first_errors=sorted(set(errors))[:5],
        per_page_p95_ms={k: round(_q(v, 0.95), 1) for k, v in sorted(by_page.items())},
        cold=cold,
        store_connections=most,
        first_runs_p95_ms=round(_q([s.ms for s in measured if s.first], 0.95), 1),
        form_page_visits=sum(1 for s in measured if s.page == FORM_PAGE and s.kind == "page"),
        timeline=_timeline(measured, start + warmup),
    )


def _timeline(samples: list[Sample], since: float, width: float = 5.0) -> list[list[float]]:
    """Return [seconds from SINCE, reruns, p95 ms] per WIDTH-second window of the runs' start times."""
    windows: dict[int, list[float]] = {}
    for s in samples:
        windows.setdefault(int((s.at - since) // width), []).append(s.ms)
    return [[k * width, len(v), round(_q(v, 0.95), 1)] for k, v in sorted(windows.items())]


async def per_page(url: str, cookie: str, pages: list[str], repeats: int, server_pids: list[int]) -> dict:
    """One resident, each page REPEATS times in turn: latency and server CPU per page (nothing else runs)."""
    out: dict[str, dict[str, float]] = {}
    async with websockets.connect(
        url,
        subprotocols=["streamlit"],
        max_size=2**26,
        additional_headers={"Cookie": cookie},
        open_timeout=60,
    ) as ws:
        tab = Tab(ws)
        await tab.run("")  # session restored from the cookie
        for page in pages:
            times, cpus, problems = [], [], []
            for _ in range(repeats):
                cpu0, start = cpu_seconds(server_pids), time.perf_counter()
                ok, problem = await tab.run(URL_PATH.get(page, page))
                times.append((time.perf_counter() - start) * 1000)
                cpus.append((cpu_seconds(server_pids) - cpu0) * 1000)
                if problem:
                    problems.append(problem)
            # /proc CPU comes in 10 ms clock ticks: the mean over the later runs is the figure to use.
            later = cpus[1:] or cpus
            out[page] = {
                "first_ms": round(times[0], 1),
                "median_ms": round(statistics.median(times), 1),
                "first_cpu_ms": round(cpus[0], 1),
                "median_cpu_ms": round(statistics.median(cpus), 1),
                "mean_cpu_ms": round(statistics.fmean(later), 1),
                "problems": sorted(set(problems))[:2],
            }
            print(
                f"  page {page:12s} first={times[0]:8.1f}ms median={statistics.median(times):8.1f}ms "
                f"cpu first={cpus[0]:7.1f}ms mean={statistics.fmean(later):7.1f}ms {problems[:1]}",
                flush=True,
            )
    return out


def capacity(steps: list[StepResult], p95_target_ms: float) -> float:
    """Return the best reruns/s among steps whose p95 met the target (0 when none did)."""
    good = [s.reruns_per_s for s in steps if s.p95_ms <= p95_target_ms and s.errors == 0]
    return max(good, default=0.0)


def capacity_at(steps: list[StepResult], p95_target_ms: float) -> float:
    """Return reruns/s at exactly the p95 target, interpolated between the two steps around it.

    Steps are coarse (25 users apart), so the best step under the target can sit far below the
    real capacity; comparing two systems at the same p95 needs the value at the target itself.
    Without a step above the target it is the best step's figure (a lower bound).
    """
    ordered = sorted((s for s in steps if s.errors == 0), key=lambda s: s.users)
    below = [s for s in ordered if s.p95_ms <= p95_target_ms]
    if not below:
        return 0.0
    low = below[-1]
    above = [s for s in ordered if s.users > low.users and s.p95_ms > p95_target_ms]
    if not above:
        return low.reruns_per_s
    high = above[0]
    share = (p95_target_ms - low.p95_ms) / (high.p95_ms - low.p95_ms)
    return round(low.reruns_per_s + share * (high.reruns_per_s - low.reruns_per_s), 2)


def start_stack(
    script: str, name: str, envs: list[dict[str, str]], logs: Path
) -> tuple[str, list, list[int]]:
    """Start SCRIPT once per env in ENVS (more than one: behind nginx); return (ws url, handles, pids)."""
    if len(envs) <= 1:
        server = stack.start_streamlit(script, envs[0], logs / f"{name}.log")
        return f"ws://127.0.0.1:{server.port}/_stcore/stream", [server], [server.proc.pid]
    servers = []
    try:
        for i, env in enumerate(envs):
            servers.append(stack.start_streamlit(script, env, logs / f"{name}-{i}.log"))
        nginx = stack.start_nginx([s.port for s in servers], logs / f"nginx-{name}")
    except BaseException:
        for server in servers:
            server.stop()
        raise
    pids = [s.proc.pid for s in servers] + nginx.pids()
    return f"ws://127.0.0.1:{nginx.port}/_stcore/stream", [*servers, nginx], pids


def start_app_stack(args: argparse.Namespace, env: dict[str, str], logs: Path) -> tuple[str, list, list[int]]:
    """Start the app (1 process, or N replicas behind nginx); return (ws url, handles, pids)."""
    return start_stack("app.py", "app", [env] * max(1, args.replicas), logs)


def migrate(env: dict[str, str]) -> None:
    """Bring the store ENV names to the newest schema, as an upgrade does (python -m ebok migrate)."""
    stack.run_cli(["migrate"], env)


def parse_steps(text: str | None) -> list[int]:
    """Return the users per step of a comma-separated list."""
    return [int(x) for x in (text or "").split(",") if x.strip()]


def build_parser() -> argparse.ArgumentParser:
    """Return the command line parser (shared with bench/soak.py's options)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, help="bench data directory with a loaded warehouse")
    parser.add_argument("--steps", default="25,50,100", help="concurrent users per step, comma-separated")
    parser.add_argument("--step-seconds", type=float, default=30.0)
    parser.add_argument("--think", type=float, default=2.0, help="mean think time in seconds")
    parser.add_argument("--replicas", type=int, default=1, help="app processes (>1: behind nginx)")
    parser.add_argument(
        "--anchor",
        action="append",
        default=[],
        help="anchor page(s) to load against the app: floor, idiomatic, reference (comma-separated or repeated)",
    )
    parser.add_argument(
        "--reference", action="store_true", help="same as --anchor reference (issue 6's anchor)"
    )
    parser.add_argument("--no-app", action="store_true", help="only the anchor page(s)")
    for name in ANCHORS:
        parser.add_argument(f"--{name}-steps", help=f"users per step for the {name} page (default: --steps)")
    parser.add_argument(
        "--anchor-replicas",
        "--reference-replicas",
        dest="anchor_replicas",
        type=int,
        default=1,
        help="processes per anchor page (>1: behind the same nginx config, for a like-for-like ratio)",
    )
    parser.add_argument("--no-cold", action="store_true", help="skip the cold first step of each target")
    parser.add_argument(
        "--cold-users", type=int, help="users of the app's cold first step (default: the first of --steps)"
    )
    parser.add_argument(
        "--store",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the operational store under the app",
    )
    parser.add_argument("--p95-target-ms", type=float, default=1000.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument(
        "--pages", help="comma-separated URL paths to visit (default: all resident pages, weighted)"
    )
    parser.add_argument("--per-page", type=int, default=0, help="first measure each page N times, 1 user")
    return parser


def bench_env(args: argparse.Namespace) -> tuple[Path, dict[str, str]]:
    """Return the data directory and the servers' environment; set it in this process too."""
    data = Path(args.data_dir).resolve()
    auth = data.parent / "auth.bench.yaml"
    if not auth.exists():
        auth.write_bytes((ROOT / "auth.yaml").read_bytes())
    env = {
        "EBOK_DATA_DIR": str(data),
        "EBOK_AUTH_FILE": str(auth),
        "EBOK_CONFIG": str(data / "config.yaml"),
        "EBOK_STORE_URL": os.environ.get("EBOK_STORE_URL", ""),
    }
    os.environ.update(env)
    open_reading_window()
    return data, env


def open_reading_window() -> None:
    """Accept readings on every day in the bench's config: the mixed load submits forms whatever the date."""
    from ebok.core import config

    cfg = config.load()
    if not cfg.reading_window.always_open:
        # The default window (20th to 5th) is shut from the 6th to the 19th: a run then has no forms.
        config.save(config.replace_section(cfg, "reading_window", always_open=True))


def formless_steps(results: list[StepResult]) -> list[str]:
    """Return the steps that visited FORM_PAGE often and never submitted its form (a run without forms)."""
    return [
        f"{r.target} {r.users} users: {r.form_page_visits} visits to {FORM_PAGE}, no form"
        for r in results
        if r.form_page_visits >= FORMLESS_VISITS and r.forms == 0
    ]


def choose_pages(text: str | None) -> None:
    """Keep only the resident pages TEXT names (comma-separated URL paths)."""
    if not text:
        return
    chosen = [p.strip() for p in text.split(",") if p.strip()]
    for name in list(RESIDENT_PAGES):
        if name not in chosen:
            del RESIDENT_PAGES[name]
    for name in chosen:
        RESIDENT_PAGES.setdefault(name, 1)


def show(r: StepResult) -> None:
    """Print one step's line."""
    conns = ""
    if r.store_connections:
        conns = f" store_conns={r.store_connections.get('total', 0)} (active {r.store_connections.get('active', 0)})"
    print(
        f"{r.target:>12}{' cold' if r.cold else '     '} users={r.users:4d} reruns={r.reruns:6d} "
        f"{r.reruns_per_s:7.2f}/s p50={r.p50_ms:7.1f}ms p95={r.p95_ms:7.1f}ms p99={r.p99_ms:7.1f}ms "
        f"errors={r.errors} forms={r.forms}/{r.forms_saved} saved cpu/rerun={r.cpu_ms_per_rerun:6.2f}ms "
        f"server_cpu={r.server_cpu_percent:5.1f}% rss={r.server_rss_mb:7.1f}MB "
        f"client_cpu={r.client_cpu_percent:5.1f}%{conns}",
        flush=True,
    )
    if r.first_errors:
        print("           first errors:", r.first_errors, flush=True)


def anchors_of(args: argparse.Namespace) -> list[str]:
    """Return the anchors asked for, in order, without repeats."""
    names = [n.strip() for value in args.anchor for n in value.split(",") if n.strip()]
    if args.reference:
        names.append("reference")
    if args.no_app and not names:
        names.append("reference")
    unknown = sorted(set(names) - set(ANCHORS))
    if unknown:
        raise SystemExit(f"unknown anchor(s): {', '.join(unknown)} (known: {', '.join(ANCHORS)})")
    return list(dict.fromkeys(names))


def make_plan(
    args: argparse.Namespace, app_steps: list[int], anchor_steps: dict[str, list[int]], app_warmed: bool
) -> list[tuple[str, int, bool]]:
    """Return (target, users, cold) in order: each target's cold step first, then the steps alternating.

    Steps alternate between the app and the anchors (all servers up, the idle ones cost nothing):
    this VM's speed drifts by ±20 % over minutes, and alternating gives all the same drift instead of
    measuring one of them in a slower quarter of an hour.
    """
    lists = {"app": app_steps, **anchor_steps}
    plan: list[tuple[str, int, bool]] = []
    if not args.no_cold:
        for kind, steps in lists.items():
            if steps and not (kind == "app" and app_warmed):
                plan.append((kind, (args.cold_users or steps[0]) if kind == "app" else steps[0], True))
    for row in itertools.zip_longest(*lists.values()):
        for kind, users in zip(lists, row, strict=True):
            if users is not None:
                plan.append((kind, users, False))
    return plan


def summarize(
    args: argparse.Namespace, results: list[StepResult], replicas: dict[str, int], data: Path
) -> dict[str, object]:
    """Return the run's summary: cold steps apart, CPU against the floor, throughput against the anchors."""
    summary: dict[str, object] = {
        "kind": "load",
        "pages": dict(RESIDENT_PAGES),
        "p95_target_ms": args.p95_target_ms,
        "think_s": args.think,
        "replicas": args.replicas,
        "anchor_replicas": args.anchor_replicas,
        "store": args.store,
        "cores": os.cpu_count(),
        "warehouse": str(data),
    }
    warm = {
        kind: [r for r in results if r.target == f"{kind}×{n}" and not r.cold] for kind, n in replicas.items()
    }
    summary["cold"] = {r.target: asdict(r) for r in results if r.cold}
    target = args.p95_target_ms
    for kind, steps in warm.items():
        if not steps:
            continue
        summary[f"{kind}_cpu_ms_per_rerun_median"] = statistics.median(r.cpu_ms_per_rerun for r in steps)
        summary[f"{kind}_capacity_reruns_per_s"] = capacity(steps, target)
        summary[f"{kind}_reruns_per_s_at_p95_target"] = capacity_at(steps, target)
        # False: no step went past the target, so the figure is the best step's, a lower bound.
        summary[f"{kind}_p95_target_bracketed"] = any(r.p95_ms > target for r in steps)
    app = warm.get("app") or []
    if app and warm.get("floor"):
        floor = float(summary["floor_cpu_ms_per_rerun_median"])  # type: ignore[arg-type]
        if floor:
            summary["cpu_per_rerun_x_floor"] = round(float(summary["app_cpu_ms_per_rerun_median"]) / floor, 2)  # type: ignore[arg-type]
    for kind in ("idiomatic", "reference"):
        if app and warm.get(kind):
            other = float(summary[f"{kind}_reruns_per_s_at_p95_target"])  # type: ignore[arg-type]
            if other:
                mine = float(summary["app_reruns_per_s_at_p95_target"])  # type: ignore[arg-type]
                summary[f"throughput_at_p95_target_x_{kind}"] = round(mine / other, 2)
    if app and warm.get("reference"):  # the names issue 6's runs used
        summary["reference_capacity_reruns_per_s"] = summary["reference_capacity_reruns_per_s"]
        summary["throughput_ratio_at_p95_target"] = summary.get("throughput_at_p95_target_x_reference")
    return summary


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per step plus a summary (and JSON with --json)."""
    args = build_parser().parse_args(argv)
    data, env = bench_env(args)
    # SIGTERM (timeout, kill) unwinds like Ctrl+C, so the servers started here are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    choose_pages(args.pages)
    steps = parse_steps(args.steps)
    anchors = anchors_of(args)
    anchor_steps = {name: parse_steps(getattr(args, f"{name}_steps") or args.steps) for name in anchors}
    random.seed(args.seed)
    logs = Path(tempfile.mkdtemp(prefix="ebok-bench-"))
    results: list[StepResult] = []
    per_page_results: dict = {}
    want_app = not args.no_app
    stacks: dict[str, tuple[str, list, list[int]]] = {}
    replicas = {"app": args.replicas} if want_app else {}
    replicas.update({name: args.anchor_replicas for name in anchors})
    cluster = None
    pg: dict[str, object] = {}
    try:
        if args.store == "postgresql":
            cluster = pg_cluster.start()
            env["EBOK_STORE_URL"] = os.environ["EBOK_STORE_URL"] = cluster.url
            migrate(env)
            pg["settings"] = cluster.settings()
            pg["statements_from"] = cluster.statements
            print(f"PostgreSQL {pg['settings']['server_version']} on {cluster.url}", flush=True)  # type: ignore[index]
        cookies = (
            [c for _u, c in prepare_users(max([*steps, args.cold_users or 1]), args.seed)] if want_app else []
        )
        if cluster is not None:
            cluster.reset_statements()  # only the app's statements from here on
        if want_app:
            stacks["app"] = start_app_stack(args, env, logs)
        for name in anchors:
            stacks[name] = start_stack(ANCHORS[name], name, [env] * max(1, args.anchor_replicas), logs)
        if want_app and args.per_page:
            url, _h, pids = stacks["app"]
            print(f"per page, 1 user, {args.per_page} runs each:", flush=True)
            per_page_results.update(
                asyncio.run(per_page(url, cookies[0], list(RESIDENT_PAGES), args.per_page, pids))
            )
        plan = make_plan(args, steps if want_app else [], anchor_steps, bool(per_page_results))
        for kind, users, cold in plan:
            url, _h, pids = stacks[kind]
            anchor = kind != "app"
            r = asyncio.run(
                run_step(
                    f"{kind}×{replicas[kind]}",
                    url,
                    [] if anchor else cookies,
                    users,
                    args.step_seconds,
                    args.think,
                    pids,
                    anchor,
                    cold=cold,
                    connections=cluster.connections if cluster is not None and not anchor else None,
                )
            )
            results.append(r)
            show(r)
        if cluster is not None:
            pg["slowest_statements"] = cluster.slowest()
            pg["busiest_statements"] = cluster.slowest(5, by="total")
    finally:
        for _url, handles, _pids in stacks.values():
            for handle in reversed(handles):
                handle.stop()
        if cluster is not None:
            cluster.stop()

    summary = summarize(args, results, replicas, data)
    if per_page_results:
        summary["per_page"] = per_page_results
    if pg:
        summary["postgresql"] = pg
    print(json.dumps({k: v for k, v in summary.items() if k != "cold"}, indent=2, ensure_ascii=False))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {"summary": summary, "steps": [asdict(r) for r in results]}, indent=2, ensure_ascii=False
            ),
            encoding="utf-8",
        )
    print(f"server logs: {logs}")
    formless = formless_steps(results)
    for line in formless:
        print(
            f"error: {line} (the reading form never appeared: is the reading window open?)", file=sys.stderr
        )
    return 1 if formless else 0


if __name__ == "__main__":
    raise SystemExit(main())
