"""Idiomatic anchor for the load benchmark: a resident page written the way Streamlit's docs teach.

The same question the balance page answers (one premises' ledger by month), with Streamlit's own
tools: a read-only DuckDB connection kept by st.cache_resource (one per warehouse file, so a nightly
swap opens the new file), the query result kept per premises by st.cache_data, a Plotly Express
chart and a table. No login. bench/load_bench.py reports the portal's throughput at p95 = 1 s as a
multiple of this page's (issue 18 §1). ?unit=N picks the N-th premises (modulo their number); each
simulated resident keeps one, as a resident looks at their own flat.
Run: streamlit run bench/idiomatic_app.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd
import plotly.express as px
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ebok.storage import warehouse  # noqa: E402 - the project root is added above
from ebok.web import process  # noqa: E402

# The same server fix the portal has (TCP_NODELAY): it fixes Streamlit's server, not the page.
process.no_delay_once()

LEDGER = """
SELECT date_trunc('month', entry_date) AS month,
       sum(amount) FILTER (WHERE amount > 0) AS charged_zl,
       -sum(amount) FILTER (WHERE amount < 0) AS paid_zl
FROM ledger WHERE premises_id = ?
GROUP BY ALL
ORDER BY month
"""


@st.cache_resource
def connection(path: str) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file read-only once per process (and per file)."""
    return duckdb.connect(path, read_only=True)


@st.cache_data
def premises_ids(path: str) -> list[str]:
    """Return every premises id of the warehouse, in order."""
    cur = connection(path).cursor()  # a cursor per thread: one connection, many script threads
    try:
        return [
            row[0] for row in cur.execute("SELECT premises_id FROM premises ORDER BY premises_id").fetchall()
        ]
    finally:
        cur.close()


@st.cache_data
def ledger(path: str, premises_id: str) -> pd.DataFrame:
    """Return one premises' charges and payments by month."""
    cur = connection(path).cursor()
    try:
        return cur.execute(LEDGER, [premises_id]).df()
    finally:
        cur.close()


st.title("Strona idiomatyczna")
current = warehouse.current_path()
if current is None:
    st.error("Brak hurtowni danych.")
    st.stop()
ids = premises_ids(str(current))
unit = int(st.query_params.get("unit", "0") or 0)
premises_id = ids[unit % len(ids)]
frame = ledger(str(current), premises_id)
st.subheader(f"Lokal {premises_id}")
st.plotly_chart(px.bar(frame, x="month", y=["charged_zl", "paid_zl"], barmode="group"))
st.dataframe(frame)
