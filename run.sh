#!/usr/bin/env bash
# e-BOK: install everything, generate and load demo data if there is none, start the app.
# Usage: bash run.sh [--port 8501]   (extra arguments go to `streamlit run`)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh
ebok_install
if [ -z "$(.venv/bin/python -c 'from ebok.storage import warehouse; print(warehouse.current_version() or "")')" ]; then
  echo "Brak hurtowni danych: generuję dane demo i ładuję je…"
  .venv/bin/python -m ebok demo --out "${EBOK_DATA_DIR:-data}/export-demo"
  .venv/bin/python -m ebok load "${EBOK_DATA_DIR:-data}/export-demo"
fi
exec .venv/bin/streamlit run app.py "$@"
