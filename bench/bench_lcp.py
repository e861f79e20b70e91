"""First paint on a phone: LCP and time to interactive of every resident page in a real chromium.

    .venv/bin/python bench/bench_lcp.py [--repeat 3] [--write]

Builds a small demo data directory the way the browser tests do (tests/helpers/browser.py:
60 premises, seed 1, demo mode), starts `streamlit run app.py` on a free loopback port and drives
Debian's chromium through Playwright at 390 px (iPhone user agent, touch). It signs in as the demo
resident anna.nowak, reads her menu from the sidebar and, for every page in it, loads the page's
address (a full load, which is what LCP is about):
- cold: a fresh browser context holding only the login cookie (empty HTTP cache);
- warm: the same address again in that context (cache filled by the cold visit);
each without and with 4x CPU throttling (CDP Emulation.setCPUThrottlingRate, a mid-range phone).
LCP comes from a PerformanceObserver ('largest-contentful-paint', buffered) added by an init script;
"interactive" is the first moment the app root says notRunning and the page's h1 is shown (never
"networkidle": Streamlit keeps its WebSocket open). Both are ms since the navigation started.
One unmeasured pass over all pages first, so the server's first-run imports are not counted.
Prints one table; --write puts it into docs/benchmarks.md, section "First paint on a phone (LCP)".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docs_section import write_section  # noqa: E402 - bench/ is the script's own folder on sys.path

from tests.helpers import browser as B  # noqa: E402

HEADING = "## First paint on a phone (LCP)"
TARGET_MS = 2500.0
RESIDENT = "anna.nowak"
THROTTLE = 4
FLOOR_TEXT = "Strona minimalna"  # what bench/floor_app.py writes

# Runs before any page script: records the latest LCP candidate and the first moment the page is usable.
PROBE = """(() => {
  window.__lcp = null; window.__lcpWhat = null; window.__interactive = null;
  const describe = (el) => !el ? '?' : (el.closest('[data-testid]')?.getAttribute('data-testid') || el.tagName)
      + ' ' + el.tagName.toLowerCase();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { window.__lcp = e.startTime; window.__lcpWhat = describe(e.element); }
  }).observe({type: 'largest-contentful-paint', buffered: true});
  const check = () => {
    if (window.__interactive !== null) return;
    const idle = document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]');
    const h1 = document.querySelector('[data-testid="stMain"] h1');
    if (idle && h1 && h1.getBoundingClientRect().height > 0) window.__interactive = performance.now();
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true,
      attributeFilter: ['data-test-script-state']});
})();"""

READ = """() => {
  const res = performance.getEntriesByType('resource');
  const nav = performance.getEntriesByType('navigation')[0];
  return {lcp: window.__lcp, what: window.__lcpWhat, interactive: window.__interactive, now: performance.now(),
          requests: res.length + 1,
          kib: (res.reduce((s, r) => s + (r.transferSize || 0), 0) + (nav ? nav.transferSize : 0)) / 1024,
          top: res.sort((a, b) => b.transferSize - a.transferSize).slice(0, 4)
              .map((r) => [new URL(r.name).pathname, r.transferSize / 1024, r.decodedBodySize / 1024])};
}"""


def phone_context(browser, base_url: str, state: dict | None = None):  # type: ignore[no-untyped-def]
    """Return a fresh 390 px phone context (no routes: Playwright routing switches the HTTP cache off)."""
    ctx = browser.new_context(
        base_url=base_url,
        locale="pl-PL",
        viewport={"width": B.PHONE["width"], "height": B.PHONE["height"]},
        user_agent=B.IPHONE_UA,
        is_mobile=True,
        has_touch=True,
        storage_state=state,
    )
    ctx.set_default_timeout(90_000)
    ctx.add_init_script(PROBE)
    return ctx


def resident_menu(browser, base_url: str) -> tuple[list[tuple[str, str]], dict]:
    """Sign in as the demo resident; return her menu [(title, path)] and the signed-in storage state."""
    ctx = phone_context(browser, base_url)
    try:
        page = ctx.new_page()
        B.login(page, RESIDENT, B.RESIDENT_PASSWORD)
        B.wait_login_cookie(ctx)
        links = page.eval_on_selector_all(
            f"{B.SIDEBAR_NAV} a", "els => els.map(a => [a.innerText.trim(), new URL(a.href).pathname])"
        )
        # the link text starts with the icon's ligature name ("account_balance_wallet\n\nSaldo")
        return [(title.splitlines()[-1], path) for title, path in links], ctx.storage_state()
    finally:
        ctx.close()


def visit(page, path: str) -> dict:  # type: ignore[no-untyped-def]
    """Load PATH in full; return LCP and interactive ms (since navigation start) once the page is usable."""
    page.goto(path, wait_until="commit")
    page.wait_for_selector(B.IDLE, timeout=90_000)
    page.locator(B.PAGE_TITLE).first.wait_for(state="visible", timeout=90_000)
    out = settled(page)
    if out["interactive"] is None:  # the observer missed the last flip: the wait above is the bound
        out["interactive"] = out["now"]
    if not page.locator(f'{B.SIDEBAR} button:has-text("{B.LOGOUT}")').count():
        raise RuntimeError(f"{path}: not signed in (the login cookie did not restore the session)")
    return out


def measure_page(browser, base_url: str, state: dict, path: str, rate: int) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    """Return (cold, warm) of PATH at CPU throttling RATE: a fresh context, then the same address again."""
    ctx = phone_context(browser, base_url, state)
    try:
        page = throttled_page(ctx, rate)
        return visit(page, path), visit(page, path)
    finally:
        ctx.close()


def throttled_page(ctx, rate: int):  # type: ignore[no-untyped-def]
    """Return a new page of CTX whose CPU runs RATE times slower (CDP), as on a mid-range phone."""
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    return page


def settled(page) -> dict:  # type: ignore[no-untyped-def]
    """Read the probe's figures once later paints had their chance to replace the LCP candidate."""
    page.wait_for_timeout(1500)
    return page.evaluate(READ)


def measure_floor(browser, repeat: int) -> dict[int, float]:  # type: ignore[no-untyped-def]
    """Median cold LCP of the floor page (bench/floor_app.py, one st.write) per CPU throttling rate.

    Streamlit's own first paint on the same phone and machine in the same run: what no page of the
    portal can go below, so a missed 4x target can be told apart from a slow machine.
    """
    root = Path(tempfile.mkdtemp(prefix="ebok-lcp-floor-"))
    server = B.start_streamlit("bench/floor_app.py", dict(os.environ), root / "floor.log", B.free_port())
    try:
        out: dict[int, float] = {}
        for rate in (1, THROTTLE):
            lcps = []
            for _n in range(repeat + 1):  # the first pass unmeasured, as for the pages
                ctx = phone_context(browser, server.url)
                try:
                    page = throttled_page(ctx, rate)
                    page.goto("/", wait_until="commit")
                    page.wait_for_selector(B.IDLE, timeout=90_000)
                    page.get_by_text(FLOOR_TEXT).first.wait_for(state="visible", timeout=90_000)
                    lcps.append(settled(page)["lcp"] or 0.0)
                finally:
                    ctx.close()
            out[rate] = statistics.median(lcps[1:])
            print(
                f"floor page {rate}x: cold LCP {out[rate]:.0f} (runs {[round(v) for v in lcps]})",
                file=sys.stderr,
            )
        return out
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def static_headers(base_url: str) -> dict[str, str]:
    """Return Content-Encoding and Cache-Control the server sends for its main JS bundle (gzip asked)."""
    with urllib.request.urlopen(base_url + "/", timeout=10) as resp:  # noqa: S310 - loopback only
        html = resp.read().decode("utf-8", "replace")
    start = html.find("static/js/")
    if start < 0:
        return {}
    src = html[start : html.find('"', start)]
    req = urllib.request.Request(f"{base_url}/{src}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - loopback only
        body = resp.read()
        return {
            "file": src,
            "kib": f"{len(body) / 1024:.0f}",
            "encoding": resp.headers.get("Content-Encoding") or "none",
            "cache": resp.headers.get("Cache-Control") or "none",
        }


def run(
    repeat: int, keep: Path | None, only: list[str]
) -> tuple[list[tuple[str, str]], dict, dict, str, dict[int, float]]:
    """Start the demo server and chromium; return the menu, medians per cell, static headers, version, floor."""
    from playwright.sync_api import sync_playwright

    root = keep or Path(tempfile.mkdtemp(prefix="ebok-lcp-"))
    print(f"building the demo data directory in {root}", file=sys.stderr)
    env = B.demo_environment(root, premises=60, seed=1)
    env["EBOK_DEMO"] = "1"
    port = B.free_port()
    server = B.start_streamlit(
        "app.py", {**env, "EBOK_BASE_URL": f"http://127.0.0.1:{port}"}, root / "app.log", port
    )
    samples: dict[tuple[str, int, str], list[dict]] = {}
    try:
        headers = static_headers(server.url)
        with sync_playwright() as pw:
            browser = B.launch_chromium(pw)
            try:
                menu, state = resident_menu(browser, server.url)
                menu = [m for m in menu if not only or m[1].strip("/") in only]
                print(f"menu: {menu}", file=sys.stderr)
                for _title, path in menu:  # unmeasured: the server's first run of each page
                    measure_page(browser, server.url, state, path, 1)
                for n in range(repeat):
                    for rate in (1, THROTTLE):
                        for title, path in menu:
                            cold, warm = measure_page(browser, server.url, state, path, rate)
                            samples.setdefault((path, rate, "cold"), []).append(cold)
                            samples.setdefault((path, rate, "warm"), []).append(warm)
                            print(f"run {n + 1} {title} {rate}x: cold LCP {cold['lcp']:.0f} ({cold['what']}) "
                                  f"int {cold['interactive']:.0f}, warm LCP {warm['lcp']:.0f} "
                                  f"int {warm['interactive']:.0f}", file=sys.stderr)  # fmt: skip
                version = browser.version
                floor = measure_floor(browser, repeat)
            finally:
                browser.close()
    finally:
        server.stop()
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
    cells = {key: median_cell(runs) for key, runs in samples.items()}
    return menu, cells, headers, version, floor


def median_cell(runs: list[dict]) -> dict:
    """Median LCP and interactive of RUNS; requests, KiB and the LCP element of the first run."""
    return {
        "lcp": statistics.median(r["lcp"] or 0.0 for r in runs),
        "interactive": statistics.median(r["interactive"] for r in runs),
        "what": runs[0]["what"],
        "requests": runs[0]["requests"],
        "kib": runs[0]["kib"],
        "top": runs[0]["top"],
    }


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo (or the machine type)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def render(
    menu: list[tuple[str, str]],
    cells: dict,
    headers: dict,
    version: str,
    repeat: int,
    floor: dict[int, float],
) -> str:
    """Return the markdown section: setup, the table, which pages meet the target, next steps."""
    import streamlit

    def ok(path: str, rate: int) -> bool:
        return cells[(path, rate, "cold")]["lcp"] <= TARGET_MS

    lines = [
        HEADING,
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `bench/bench_lcp.py` on {platform.machine()}, "
        f"{cpu_model()}, {os.cpu_count()} CPUs (shared), load average {os.getloadavg()[0]:.1f} at the end; "
        f"Chromium {version} headless through Playwright, Streamlit {streamlit.__version__}, "
        "`streamlit run app.py` straight on loopback (no nginx), demo warehouse 60 premises. "
        f"Phone: 390×844, iPhone user agent, touch; resident {RESIDENT}. Cold = a fresh browser context "
        "with only the login cookie (empty HTTP cache); warm = the same address again in that context. "
        f"4× = CDP CPU throttling rate {THROTTLE}. No network throttling (loopback). LCP and interactive "
        "(app root notRunning and the page's h1 shown) in ms since the navigation started; "
        f"median of {repeat} run(s) after one unmeasured pass. Requests and KiB: the cold load, unthrottled.",
        "",
        f"**Target: LCP ≤ {TARGET_MS / 1000:.1f} s on every page with a cold cache.**",
        "",
        "| page | cold LCP | cold interactive | warm LCP | warm interactive | cold 4× LCP | cold 4× interactive "
        "| warm 4× LCP | warm 4× interactive | requests / KiB cold | LCP element | cold ≤ 2.5 s (1× / 4×) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for title, path in menu:
        row = [title]
        for rate in (1, THROTTLE):
            for kind in ("cold", "warm"):
                c = cells[(path, rate, kind)]
                row += [f"{c['lcp']:.0f}", f"{c['interactive']:.0f}"]
        c = cells[(path, 1, "cold")]
        row += [f"{c['requests']} / {c['kib']:.0f}", f"`{c['what']}`",
                f"{'yes' if ok(path, 1) else '**no**'} / {'yes' if ok(path, THROTTLE) else '**no**'}"]  # fmt: skip
        lines.append("| " + " | ".join(row) + " |")
    meet1 = [t for t, p in menu if ok(p, 1)]
    miss1 = [t for t, p in menu if not ok(p, 1)]
    meet4 = [t for t, p in menu if ok(p, THROTTLE)]
    miss4 = [t for t, p in menu if not ok(p, THROTTLE)]
    lines += [
        "",
        f"- Without throttling, cold: {len(meet1)} of {len(menu)} pages meet the target"
        + (f"; missed by {', '.join(miss1)}." if miss1 else " (all)."),
        f"- With 4× CPU throttling, cold: {len(meet4)} of {len(menu)} pages meet the target"
        + (f"; missed by {', '.join(miss4)}." if miss4 else " (all)."),
        f"- The floor page (`bench/floor_app.py`, one `st.write`, no login) in the same run: cold LCP "
        f"{floor[1]:.0f} ms, {floor[THROTTLE]:.0f} ms at {THROTTLE}×: Streamlit's own first paint on this machine.",
    ]
    heaviest = max(menu, key=lambda m: cells[(m[1], 1, "cold")]["kib"])
    for title, path in dict.fromkeys([menu[0], heaviest]):
        top = ", ".join(
            f"`{name}` {sent:.0f} KiB sent / {body:.0f} KiB"
            for name, sent, body in cells[(path, 1, "cold")]["top"]
        )
        lines.append(f"- Largest downloads of a cold {title}: {top}.")
    if headers:
        lines.append(
            f"- Streamlit's main bundle `{headers['file']}` ({headers['kib']} KiB as sent) is served with "
            f"Content-Encoding `{headers['encoding']}` and Cache-Control `{headers['cache']}` (asked with gzip)."
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="measured runs per cell (median kept)")
    parser.add_argument("--work", type=Path, help="data directory to build in (default: a new temp dir)")
    parser.add_argument("--pages", nargs="*", default=[], help="only these paths (saldo is ''), for a trial")
    parser.add_argument("--write", action="store_true", help="put the section into docs/benchmarks.md")
    parser.add_argument(
        "--json", type=Path, help="also write the medians per page here (bench/load_table.py)"
    )
    args = parser.parse_args()
    if not B.CHROMIUM.exists():
        raise SystemExit("no /usr/bin/chromium: install Debian's chromium (test.sh does it as root)")
    started = time.monotonic()
    menu, cells, headers, version, floor = run(args.repeat, args.work, args.pages)
    section = render(menu, cells, headers, version, args.repeat, floor)
    print(section)
    print(f"({time.monotonic() - started:.0f} s)", file=sys.stderr)
    if args.write:
        write_section(HEADING, section)
    if args.json:
        pages = [
            {"title": title, "path": path,
             **{f"{kind}{'' if rate == 1 else f'_{rate}x'}_{what}": round(cells[(path, rate, kind)][what])
                for rate in (1, THROTTLE) for kind in ("cold", "warm") for what in ("lcp", "interactive")}}
            for title, path in menu
        ]  # fmt: skip
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"kind": "lcp", "target_ms": TARGET_MS, "throttle": THROTTLE, "pages": pages,
                        "floor": {"cold_lcp": round(floor[1]), f"cold_{THROTTLE}x_lcp": round(floor[THROTTLE])}},
                       indent=2, ensure_ascii=False),
            encoding="utf-8",
        )  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
