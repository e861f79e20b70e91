"""Floor anchor for the load benchmark: the least a Streamlit page can cost.

One st.write and nothing else: no data, no login, no caching. The only thing it shares with the
portal is the server fix (TCP_NODELAY, ebok/web/process.py) and .streamlit/config.toml (no GC after
each run), so its server CPU per rerun is Streamlit's own floor on this machine, and
bench/load_bench.py reports the portal's CPU per rerun as a multiple of it (issue 18 §1).
Run: streamlit run bench/floor_app.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ebok.web import process  # noqa: E402 - the project root is added above

# Without it every rerun would wait 40 ms for a delayed ACK: it fixes Streamlit's server, not the page.
process.no_delay_once()

st.write("Strona minimalna")
