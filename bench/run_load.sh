#!/usr/bin/env bash
# Load benchmark of record: build (once) the 100k-premises demo warehouse in a bench data directory,
# then load the app with 1 process against the reference page in 1 process, and 2 processes behind
# nginx against 2 reference processes behind the same nginx config.
# Results: artifacts/bench/load-*.json (gitignored) and the printed table; copy them to
# docs/benchmarks.md ("Load", "Scaling").
#
# Usage: bash bench/run_load.sh [BENCH_DIR]   (default /tmp/ebok-bench100k; env: PREMISES, STEPS,
#        STEP_SECONDS, THINK, PAGES). Everything runs on 127.0.0.1 and stops by itself.
# runner.postScriptGC = false comes from .streamlit/config.toml (finding 1 in docs/benchmarks.md).
# PAGES: every resident page, "media" included (with the reading form submitted on 15 % of its visits).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/ebok-bench100k}
premises=${PREMISES:-100000}
steps=${STEPS:-50,100,150,200,250,300}
steps2=${STEPS2:-100,200,300,400,500}
ref_steps=${REF_STEPS:-10,20,30,40,50}
ref_steps2=${REF_STEPS2:-25,50,75,100}
seconds=${STEP_SECONDS:-30}
think=${THINK:-2}
pages=${PAGES:-saldo,rachunki,faktury,zaplac,media,dokumenty,wiadomosci,moje_dane,rozliczenia}
mkdir -p "$dir" artifacts/bench
export EBOK_DATA_DIR="$dir/data" EBOK_AUTH_FILE="$dir/auth.bench.yaml" EBOK_CONFIG="$dir/data/config.yaml"
[ -f "$EBOK_AUTH_FILE" ] || cp auth.yaml "$EBOK_AUTH_FILE"
if [ -z "$(.venv/bin/python -c 'from ebok.storage import warehouse; print(warehouse.current_version() or "")')" ]; then
  echo "Building the ${premises}-premises demo warehouse in $dir (once; takes a while)…"
  .venv/bin/python -m ebok demo --out "$dir/export" --premises "$premises" --seed 1
  .venv/bin/python -m ebok load "$dir/export"
fi
.venv/bin/python bench/load_bench.py --data-dir "$EBOK_DATA_DIR" --steps "" --per-page 20 \
  --json artifacts/bench/per-page.json
common=(--data-dir "$EBOK_DATA_DIR" --step-seconds "$seconds" --think "$think" --pages "$pages")
# 1 process against the reference page in 1 process, then 2 against 2 (like for like); the app and
# reference steps alternate within each run (load_bench.py), so both see the same machine.
.venv/bin/python bench/load_bench.py "${common[@]}" --steps "$steps" --reference --reference-steps "$ref_steps" \
  --json artifacts/bench/load-1proc.json
.venv/bin/python bench/load_bench.py "${common[@]}" --steps "$steps2" --replicas 2 --reference \
  --reference-replicas 2 --reference-steps "$ref_steps2" --json artifacts/bench/load-2proc.json
