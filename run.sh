#!/usr/bin/env bash
# e-BOK: install what running needs, generate and load demo data if there is none, start the app.
# Usage: bash run.sh [streamlit options]      e.g. bash run.sh --server.port 8600
#   Every argument goes to `streamlit run` (`streamlit run --help` lists them). Links in e-mails follow
#   --server.port/--server.address while portal.base_url is a local address; EBOK_BASE_URL wins over both.
#   With demo data (generated here on the first start, marked by data/DEMO) a local mail catcher runs
#   beside the app: `.venv/bin/python -m ebok mailbox` shows what the portal e-mailed. Test tools: test.sh.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh
ebok_install
case "${1:-}" in
  -h | --help)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
esac
data="${EBOK_DATA_DIR:-data}"
if [ -z "$(.venv/bin/python -c 'from ebok.storage import warehouse; print(warehouse.current_version() or "")')" ]; then
  echo "Brak hurtowni danych: generuję dane demo i ładuję je…"
  .venv/bin/python -m ebok demo --out "$data/export-demo"
  .venv/bin/python -m ebok load "$data/export-demo"
  ebok_mark_demo "$data"
fi
ebok_public_address "$@"
ebok_start_mail_catcher "$data"
ebok_start_payments "$data"
exec .venv/bin/streamlit run app.py "$@"
