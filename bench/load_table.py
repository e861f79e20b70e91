"""One table of a bench/run_load.sh run: every figure of issue 18 against its target.

    .venv/bin/python bench/load_table.py [artifacts/bench]

Reads the JSON files the run wrote (load-1proc.json, load-2proc.json, load-pg.json, soak.json,
lcp.json, per-page.json; a missing one is shown as "not run") and prints one Markdown table:
check | target | measured | met. Nothing is measured here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

NOT_RUN = "not run"


def _load(folder: Path, name: str) -> dict | None:
    path = folder / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _step(run: dict | None, prefix: str, users: int, cold: bool = False) -> dict | None:
    """Return the step of RUN whose target starts with PREFIX, with USERS users (cold or warm)."""
    for step in (run or {}).get("steps", []):
        if step["target"].startswith(prefix) and step["users"] == users and bool(step.get("cold")) == cold:
            return step
    return None


def _cold(run: dict | None, prefix: str) -> dict | None:
    return next(
        (s for s in (run or {}).get("steps", []) if s["target"].startswith(prefix) and s.get("cold")), None
    )


def _yes(ok: bool | None) -> str:
    return NOT_RUN if ok is None else ("yes" if ok else "**no**")


def _bounded(value: float | None, target: float, summary: dict, mine: str, theirs: str = "") -> str:
    """Return whether VALUE (a rate, or MINE's rate over THEIRS') meets TARGET, as far as the steps tell.

    A rate whose steps never went past the p95 target is a lower bound: enough to say "yes" when it
    already meets a "≥" target on its own (no anchor below it), never enough to say "no".
    """
    if value is None:
        return NOT_RUN
    exact = summary.get(f"{mine}_p95_target_bracketed", True)
    anchor_exact = not theirs or summary.get(f"{theirs}_p95_target_bracketed", True)
    if exact and anchor_exact:
        return _yes(value >= target)
    if value >= target and not theirs:
        return "yes"
    return "? (a step past p95 = 1 s is missing)"


def _rate(summary: dict, kind: str) -> str:
    """Reruns/s at the p95 target, marked as a lower bound when no step went past the target."""
    value = summary.get(f"{kind}_reruns_per_s_at_p95_target")
    if value is None:
        return "?"
    return f"{value:.1f}" + (
        "" if summary.get(f"{kind}_p95_target_bracketed", True) else " (≥, no step above)"
    )


def rows(folder: Path) -> list[tuple[str, str, str, str]]:  # noqa: C901, PLR0912, PLR0915 - one row per check
    """Return (check, target, measured, met) for every figure of the run."""
    one, two, pg, soak, lcp = (_load(folder, n) for n in ("load-1proc.json", "load-2proc.json", "load-pg.json",
                                                            "soak.json", "lcp.json"))  # fmt: skip
    out: list[tuple[str, str, str, str]] = []
    for label, run in (("1 process", one), ("2 processes", two)):
        s = (run or {}).get("summary", {})
        if "cpu_per_rerun_x_floor" in s:
            ratio = s["cpu_per_rerun_x_floor"]
            out.append((f"CPU per rerun, {label}", "≤ 2× the floor page's",
                        f"{s['app_cpu_ms_per_rerun_median']:.1f} ms vs floor {s['floor_cpu_ms_per_rerun_median']:.1f} ms"
                        f" = {ratio:.2f}×", _yes(ratio <= 2)))  # fmt: skip
        else:
            out.append((f"CPU per rerun, {label}", "≤ 2× the floor page's", NOT_RUN, NOT_RUN))
    cold100, warm100, warm200 = (
        _step(one, "app×1", 100, cold=True),
        _step(one, "app×1", 100),
        _step(one, "app×1", 200),
    )
    if cold100 or warm100:
        worst = max(s["p95_ms"] for s in (cold100, warm100) if s)
        text = ", ".join(
            f"{name} {s['p95_ms']:.0f} ms" for name, s in (("cold", cold100), ("warm", warm100)) if s
        )
        out.append(
            ("p95 at 100 residents, 1 process", "≤ 300 ms, cold start included", text, _yes(worst <= 300))
        )
    else:
        first = _cold(one, "app×1")
        measured = f"cold step at {first['users']} users: {first['p95_ms']:.0f} ms" if first else NOT_RUN
        out.append(("p95 at 100 residents, 1 process", "≤ 300 ms, cold start included", measured, NOT_RUN))
    out.append(("p95 at 200 residents, 1 process", "≤ 1 s",
                f"{warm200['p95_ms']:.0f} ms" if warm200 else NOT_RUN,
                _yes(warm200["p95_ms"] <= 1000 if warm200 else None)))  # fmt: skip
    for label, run in (("1 process", one), ("2 processes", two)):
        s = (run or {}).get("summary", {})
        ratio = s.get("throughput_at_p95_target_x_idiomatic")
        measured = (f"{_rate(s, 'app')} vs idiomatic {_rate(s, 'idiomatic')} reruns/s = {ratio:.2f}×"
                    if ratio is not None else NOT_RUN)  # fmt: skip
        out.append((f"Throughput at p95 = 1 s, {label}", "≥ 5× the idiomatic page's", measured,
                    _bounded(ratio, 5, s, "app", "idiomatic")))  # fmt: skip
    s2 = (two or {}).get("summary", {})
    value = s2.get("app_reruns_per_s_at_p95_target")
    out.append(("Throughput at p95 = 1 s, 2 processes behind nginx", "≥ 100 reruns/s",
                f"{_rate(s2, 'app')} reruns/s" if value is not None else NOT_RUN,
                _bounded(value, 100, s2, "app")))  # fmt: skip
    for label, run in (("1 process", one), ("2 processes", two)):
        for step in (run or {}).get("steps", []):
            if step.get("cold"):
                out.append((f"Cold first step, {label}: {step['target']}", "reported apart",
                            f"{step['users']} users: p95 {step['p95_ms']:.0f} ms, {step['reruns_per_s']:.1f} reruns/s, "
                            f"{step['cpu_ms_per_rerun']:.1f} ms CPU/rerun, {step['errors']} errors", "—"))  # fmt: skip
    if pg:
        s = pg["summary"]
        steps = [x for x in pg["steps"] if x["target"].startswith("app")]
        for step in steps:
            conns = step.get("store_connections", {})
            out.append((f"PostgreSQL, {step['target']}{' cold' if step.get('cold') else ''}, {step['users']} users",
                        "p95, throughput, store connections",
                        f"p95 {step['p95_ms']:.0f} ms, {step['reruns_per_s']:.1f} reruns/s, {step['errors']} errors, "
                        f"connections ≤ {conns.get('total', 0)} (active ≤ {conns.get('active', 0)})", "—"))  # fmt: skip
        out.append(("PostgreSQL, throughput at p95 = 1 s", "reported", f"{_rate(s, 'app')} reruns/s", "—"))
        for st in s.get("postgresql", {}).get("slowest_statements", [])[:3]:
            out.append(("PostgreSQL, slowest store statement", "reported",
                        f"{st['mean_ms']:.2f} ms mean, {st['max_ms']:.1f} ms max, {st.get('calls', st.get('calls_over_log_ms'))}"
                        f" calls: `{st['query'][:70]}`", "—"))  # fmt: skip
        for st in s.get("postgresql", {}).get("busiest_statements", [])[:2]:
            out.append(("PostgreSQL, most store time in total", "reported",
                        f"{st['total_ms']:.0f} ms in {st.get('calls', st.get('calls_over_log_ms'))} calls "
                        f"({st['mean_ms']:.2f} ms mean): `{st['query'][:70]}`", "—"))  # fmt: skip
    else:
        out.append(
            ("PostgreSQL under load", "p95, throughput, connections, slowest statements", NOT_RUN, NOT_RUN)
        )
    if soak:
        sub, job = soak["submissions"], soak.get("job", {})
        load, sync = job.get("load_and_swap", {}), job.get("sync_to_replica_b", {})
        step = soak["step"]
        out.append((f"Soak: {soak['users']} residents, 2 processes, PostgreSQL, nightly load + sync",
                    "0 errors, 0 lost submissions",
                    f"{soak['errors']} errors, {sub['lost']} lost ({sub['confirmed']} confirmed, "
                    f"{sub['rows_in_store']} in the store, {sub['forms_without_confirmation']} unconfirmed); "
                    f"p95 {step['p95_ms']:.0f} ms over {step['seconds']:.0f} s; load+swap {load.get('seconds', '?')} s "
                    f"(exit {load.get('exit_code', '?')}), sync {sync.get('seconds', '?')} s "
                    f"(exit {sync.get('exit_code', '?')}); replicas on the new version: "
                    f"{'yes' if soak.get('swapped_and_synced') else 'no'}",
                    _yes(soak["errors"] == 0 and sub["lost"] == 0 and sub["confirmed"] > 0
                         and bool(soak.get("swapped_and_synced")))))  # fmt: skip
    else:
        out.append(
            ("Soak (nightly load + sync under load)", "0 errors, 0 lost submissions", NOT_RUN, NOT_RUN)
        )
    if lcp:
        target = lcp["target_ms"]
        for key, label in (("cold_lcp", "1×"), (f"cold_{lcp['throttle']}x_lcp", f"{lcp['throttle']}× CPU")):
            pages = lcp["pages"]
            worst = max(pages, key=lambda p: p[key])
            met = sum(1 for p in pages if p[key] <= target)
            floor = lcp.get("floor", {}).get(key)  # Streamlit's own first paint, same run
            out.append((f"LCP on a phone, cold cache, {label}", f"≤ {target / 1000:.1f} s on every page",
                        f"{met} of {len(pages)} pages; slowest {worst['title']} {worst[key]} ms"
                        + (f"; the floor page {floor} ms" if floor is not None else ""),
                        _yes(met == len(pages))))  # fmt: skip
    else:
        out.append(("LCP on a phone, cold cache", "≤ 2.5 s on every page", NOT_RUN, NOT_RUN))
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the table."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0] if args else "artifacts/bench")
    print("| check | target | measured | met |")
    print("|---|---|---|---|")
    for row in rows(folder):
        print("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
