"""What one Streamlit element costs the server: the floor page against the same page with more elements.

Each variant is a page with no data and no login (like bench/floor_app.py), served by its own fresh
`streamlit run` on loopback; one simulated tab asks for WARMUP reruns, then RERUNS more one after
another, and the server's CPU (utime+stime of its processes, /proc) is divided by RERUNS. One tab at a
time, so this is the cost of the elements themselves, without queueing or contention:
  * floor      one st.write (bench/floor_app.py's page);
  * md30       30 st.markdown;
  * md30_fast  the same 30 with ebok/web/streamlit_speed.py's patches applied (as the app does);
  * metrics12  12 st.metric in 3 rows of st.columns(4) (27 messages: 12 elements, 15 blocks);
  * html3      the same 12 figures as 3 markdown blocks of HTML (3 messages).
The variants run in turn, ROUNDS times, so a drift in the machine's speed hits all alike.
Usage: python bench/element_cost.py [--reruns 400] [--rounds 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402
from load_bench import _descendants, cpu_seconds  # noqa: E402 - bench/ is the script's own folder

from tests.helpers import browser as stack  # noqa: E402
from tests.helpers.streamlit_ws import Tab  # noqa: E402

HEAD = f"""import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from ebok.web import process, streamlit_speed
process.no_delay_once()
"""
VARIANTS = {
    "floor": 'st.write("Strona minimalna")\n',
    "md30": 'for i in range(30):\n    st.markdown(f"Wiersz {i}")\n',
    "md30_fast": 'streamlit_speed.apply()\nfor i in range(30):\n    st.markdown(f"Wiersz {i}")\n',
    "metrics12": (
        "for r in range(3):\n"
        "    for c, i in zip(st.columns(4), range(4)):\n"
        '        c.metric(f"Etykieta {i}", f"{i} 234,56 zł", help="Pomoc")\n'
    ),
    "html3": (
        "for r in range(3):\n"
        '    st.markdown("".join(f"<div><p>Etykieta {i}</p><p>{i} 234,56 zł</p></div>" for i in range(4)),'
        " unsafe_allow_html=True)\n"
    ),
}
WARMUP = 20


async def measure(script: Path, reruns: int, log: Path) -> dict[str, float]:
    """Serve SCRIPT on a fresh server and return its CPU and latency per rerun for one tab."""
    server = stack.start_streamlit(script, {}, log, extra_args=("--runner.postScriptGC", "false"))
    try:
        pids = [server.proc.pid, *_descendants(server.proc.pid)]
        url = server.url.replace("http", "ws", 1) + "/_stcore/stream"
        async with websockets.connect(url, subprotocols=["streamlit"], max_size=2**26) as ws:
            tab = Tab(ws)
            for _ in range(WARMUP):
                await tab.run("")
            cpu0, start = cpu_seconds(pids), time.perf_counter()
            for _ in range(reruns):
                await tab.run("")
            return {
                "cpu_ms": round((cpu_seconds(pids) - cpu0) * 1000 / reruns, 2),
                "wall_ms": round((time.perf_counter() - start) * 1000 / reruns, 2),
                "elements": len(tab.elements),
                "blocks": len(tab.blocks),
            }
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    """Measure every variant ROUNDS times in turn and print CPU per rerun against the floor's."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results: dict[str, list[dict[str, float]]] = {name: [] for name in VARIANTS}
    with tempfile.TemporaryDirectory(prefix="ebok-elements-") as tmp:
        for name, body in VARIANTS.items():
            (Path(tmp) / f"{name}.py").write_text(HEAD + body, encoding="utf-8")
        for _ in range(args.rounds):
            for name in VARIANTS:
                found = asyncio.run(measure(Path(tmp) / f"{name}.py", args.reruns, Path(tmp) / "server.log"))
                results[name].append(found)
                print(f"  {name:10s} {found}", flush=True)
    floor = statistics.fmean(r["cpu_ms"] for r in results["floor"])
    print(f"\n| page | elements + blocks | CPU per rerun (ms, mean of {args.rounds}) | × floor |")
    print("|---|---:|---:|---:|")
    summary = {}
    for name, runs in results.items():
        cpu = statistics.fmean(r["cpu_ms"] for r in runs)
        summary[name] = {"cpu_ms": round(cpu, 2), "x_floor": round(cpu / floor, 2), "runs": runs}
        print(f"| {name} | {runs[0]['elements']} + {runs[0]['blocks']} | {cpu:.2f} | {cpu / floor:.2f} |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
