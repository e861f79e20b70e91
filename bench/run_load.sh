#!/usr/bin/env bash
# Load benchmark of record (issue 18): build (once) the 100k-premises demo warehouse in a bench data
# directory, then, each on freshly started servers whose first step is measured cold and reported apart:
#   1. one resident, one page at a time (--per-page 20);
#   2. the app in 1 process against the floor page and the idiomatic page in 1 process each;
#   3. the app in 2 processes behind nginx against 2 floor and 2 idiomatic processes behind nginx;
#   4. the app in 2 processes behind nginx on PostgreSQL (bench/pg_cluster.py, like the tests'):
#      p95, throughput, store connections used and the slowest store statements;
#   5. the soak: one minute of 100 residents on 2 processes on PostgreSQL while a nightly load of a
#      changed export swaps the warehouse and deploy/sync-warehouse.sh copies it to the second replica
#      (bench/soak.py): errors and lost submissions, target 0 and 0;
#   6. first paint on a phone (bench/bench_lcp.py, chromium, 390 px, cold and warm, 1x and 4x CPU);
# and prints ONE table of every figure against its target (bench/load_table.py).
# Results: artifacts/bench/*.json (gitignored); copy the table to docs/benchmarks.md.
#
# Usage: bash bench/run_load.sh [BENCH_DIR]   (default /tmp/ebok-bench100k; env: PREMISES, STEPS,
#        STEPS2, FLOOR_STEPS, FLOOR_STEPS2, REF_STEPS, REF_STEPS2 (idiomatic page), PG_STEPS,
#        COLD_USERS, STEP_SECONDS, THINK, PAGES, SOAK_USERS, SOAK_SECONDS, LCP_REPEAT, SKIP (space-
#        separated parts to leave out: perpage 1proc 2proc pg soak lcp)). Everything runs on 127.0.0.1
#        and stops by itself.
# runner.postScriptGC = false comes from .streamlit/config.toml (finding 1 in docs/benchmarks.md).
# PAGES: every resident page, "media" included (with the reading form submitted on 15 % of its visits).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/ebok-bench100k}
premises=${PREMISES:-100000}
steps=${STEPS:-50,100,150,200,250,300}
steps2=${STEPS2:-100,200,300,400,500}
floor_steps=${FLOOR_STEPS:-$steps}
floor_steps2=${FLOOR_STEPS2:-$steps2}
ref_steps=${REF_STEPS:-10,20,30,40,50}
ref_steps2=${REF_STEPS2:-25,50,75,100}
pg_steps=${PG_STEPS:-100,200,300,400}
cold_users=${COLD_USERS:-100}
seconds=${STEP_SECONDS:-30}
think=${THINK:-2}
pages=${PAGES:-saldo,rachunki,faktury,zaplac,media,dokumenty,wiadomosci,moje_dane,rozliczenia}
soak_users=${SOAK_USERS:-100}
soak_seconds=${SOAK_SECONDS:-60}
lcp_repeat=${LCP_REPEAT:-3}
skip=" ${SKIP:-} "
out=artifacts/bench
mkdir -p "$dir" "$out"
rm -f "$out"/load-1proc.json "$out"/load-2proc.json "$out"/load-pg.json "$out"/soak.json "$out"/lcp.json
export EBOK_DATA_DIR="$dir/data" EBOK_AUTH_FILE="$dir/auth.bench.yaml" EBOK_CONFIG="$dir/data/config.yaml"
[ -f "$EBOK_AUTH_FILE" ] || cp auth.yaml "$EBOK_AUTH_FILE"
if [ ! -f "$dir/export/manifest.csv" ]; then
  # The soak loads a changed copy of this export; the same seed gives the same files again.
  echo "Generating the ${premises}-premises demo export in $dir/export (once; takes a while)…"
  .venv/bin/python -m ebok demo --out "$dir/export" --premises "$premises" --seed 1
fi
if [ -z "$(.venv/bin/python -c 'from ebok.storage import warehouse; print(warehouse.current_version() or "")')" ]; then
  echo "Loading the demo warehouse in $dir (once; takes a while)…"
  .venv/bin/python -m ebok load "$dir/export"
fi
status=0
part() { [[ "$skip" != *" $1 "* ]]; }
common=(--data-dir "$EBOK_DATA_DIR" --step-seconds "$seconds" --think "$think" --pages "$pages")
if part perpage; then
  .venv/bin/python bench/load_bench.py --data-dir "$EBOK_DATA_DIR" --steps "" --per-page 20 \
    --json "$out"/per-page.json || status=1
fi
# 1 process against the floor and the idiomatic page in 1 process each, then 2 against 2 (like for
# like); the app's and the anchors' steps alternate within each run (load_bench.py), so all see the
# same machine; each run's first step per target is cold (fresh processes) and reported apart.
if part 1proc; then
  .venv/bin/python bench/load_bench.py "${common[@]}" --steps "$steps" --cold-users "$cold_users" \
    --anchor floor,idiomatic --floor-steps "$floor_steps" --idiomatic-steps "$ref_steps" \
    --json "$out"/load-1proc.json || status=1
fi
if part 2proc; then
  .venv/bin/python bench/load_bench.py "${common[@]}" --steps "$steps2" --cold-users "$cold_users" --replicas 2 \
    --anchor floor,idiomatic --anchor-replicas 2 --floor-steps "$floor_steps2" --idiomatic-steps "$ref_steps2" \
    --json "$out"/load-2proc.json || status=1
fi
if part pg; then
  .venv/bin/python bench/load_bench.py "${common[@]}" --steps "$pg_steps" --cold-users "$cold_users" --replicas 2 \
    --store postgresql --json "$out"/load-pg.json || status=1
fi
if part soak; then
  .venv/bin/python bench/soak.py --data-dir "$EBOK_DATA_DIR" --export "$dir/export" --users "$soak_users" \
    --seconds "$soak_seconds" --think "$think" --pages "$pages" --json "$out"/soak.json || status=1
fi
if part lcp; then
  .venv/bin/python bench/bench_lcp.py --repeat "$lcp_repeat" --json "$out"/lcp.json || status=1
fi
echo
echo "Issue 18, $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg):"
.venv/bin/python bench/load_table.py "$out"
exit $status
