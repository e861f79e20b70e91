"""Reference page for the load benchmark: the straightforward way to write a resident page.

One DuckDB query on the current warehouse (a fresh read-only connection every run), one Plotly chart
and one dataframe; no caching, no login. bench/load_bench.py measures the portal's resident pages
against this page's throughput at the same p95. Run: streamlit run bench/reference_app.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import plotly.express as px
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ebok.storage import warehouse
from ebok.web import process  # noqa: E402 - the project root is added above

# The same server fix the portal has (TCP_NODELAY, ebok/process.py): without it every rerun of
# this page would wait 40 ms for a delayed ACK. It fixes Streamlit's server, not the page.
process.no_delay_once()

# The same question the balance page answers: the premises' ledger by month.
# ?unit=N picks the N-th premises (modulo their number), like the load generator asks.
QUERY = """
WITH picked AS (
    SELECT premises_id FROM premises ORDER BY premises_id
    LIMIT 1 OFFSET (? % (SELECT count(*) FROM premises))
)
SELECT l.premises_id,
       date_trunc('month', l.entry_date) AS month,
       sum(l.amount) FILTER (WHERE l.amount > 0) AS charged_zl,   -- zł
       -sum(l.amount) FILTER (WHERE l.amount < 0) AS paid_zl      -- zł
FROM ledger l JOIN picked USING (premises_id)
GROUP BY ALL
ORDER BY month
"""

st.title("Strona referencyjna")
path = warehouse.current_path()
if path is None:
    st.error("Brak hurtowni danych.")
    st.stop()
con = duckdb.connect(str(path), read_only=True)
try:
    unit = int(st.query_params.get("unit", "0") or 0)
    frame = con.execute(QUERY, [unit]).df()
finally:
    con.close()
st.subheader(f"Lokal {frame['premises_id'].iloc[0] if len(frame) else '—'}")
st.plotly_chart(px.bar(frame, x="month", y=["charged_zl", "paid_zl"], barmode="group"))
st.dataframe(frame)
