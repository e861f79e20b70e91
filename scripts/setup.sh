# Shared steps for run.sh and test.sh (sourced, not executed).

ebok_install() {
  # A virtualenv beside the code with the pinned packages the app needs to run (requirements.txt);
  # reinstalled when requirements.txt or constraints.txt changes. Test tools: ebok_install_dev.
  _ebok_pip_install requirements.txt .venv/.requirements.sha256
}

ebok_install_dev() {
  # The runtime packages plus the test and lint tools (requirements-dev.txt), for test.sh and CI.
  ebok_install
  _ebok_pip_install requirements-dev.txt .venv/.requirements-dev.sha256
}

_ebok_pip_install() {
  local file=$1 stamp=$2 want
  want=$(cat $(printf '%s\n' requirements.txt "$file" | sort -u) constraints.txt | sha256sum | cut -d' ' -f1)
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r "$file"
    echo "$want" > "$stamp"
  fi
}

ebok_mark_demo() {
  # Mark the data directory $1 as a demo: e-mails go to the local mail catcher, never to real addresses.
  mkdir -p "$1"
  printf '%s\n' \
    "Dane demonstracyjne wygenerowane przez run.sh. W trybie demo e-maile trafiają do lokalnej" \
    "skrzynki demo (python -m ebok mailbox), nie do prawdziwych adresów. Przed uruchomieniem" \
    "produkcyjnym usuń ten plik razem z danymi demo." > "$1/DEMO"
}

ebok_public_address() {
  # Export EBOK_BASE_URL for e-mail links when streamlit's arguments ($@) choose another port or
  # address and the configured portal.base_url is a local one (a real public address is kept).
  [ -n "${EBOK_BASE_URL:-}" ] && return 0
  local port="" address=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --server.port=*) port="${1#*=}" ;;
      --server.port) port="${2:-}"; shift ;;
      --server.address=*) address="${1#*=}" ;;
      --server.address) address="${2:-}"; shift ;;
    esac
    shift
  done
  [ -z "$port$address" ] && return 0
  local url
  url=$(EBOK_RUN_PORT="$port" EBOK_RUN_ADDRESS="$address" .venv/bin/python - <<'PY'
import os
from urllib.parse import urlsplit

from ebok.core import config

parts = urlsplit(config.load().portal.base_url)
if parts.hostname in ("localhost", "127.0.0.1", "::1", "0.0.0.0"):
    address = os.environ["EBOK_RUN_ADDRESS"]
    host = address if address and address not in ("0.0.0.0", "::") else (parts.hostname or "localhost")
    host = f"[{host}]" if ":" in host else host
    port = os.environ["EBOK_RUN_PORT"] or str(parts.port or 8501)
    print(f"{parts.scheme}://{host}:{port}{parts.path.rstrip('/')}")
PY
)
  if [ -n "$url" ]; then
    export EBOK_BASE_URL="$url"
    echo "Linki w e-mailach: $EBOK_BASE_URL"
  fi
}

ebok_start_mail_catcher() {
  # In demo mode only: the local mail catcher in the background, ending with this shell's process
  # (run.sh execs streamlit, which keeps the pid). Its log: $1/mailbox/catcher.log.
  [ "$(.venv/bin/python -c 'from ebok.core import settings; print(int(settings.demo_mode()))')" = 1 ] || return 0
  mkdir -p "$1/mailbox"
  .venv/bin/python -m ebok mailcatcher --parent-pid $$ >>"$1/mailbox/catcher.log" 2>&1 &
  echo "Tryb demo: e-maile trafiają do lokalnej skrzynki ($1/mailbox); podgląd: .venv/bin/python -m ebok mailbox"
}

ebok_start_payments() {
  # In demo mode only: the local fake payment gateway (127.0.0.1:8590, imitating the Przelewy24 sandbox)
  # and the notification receiver (127.0.0.1:8591), so a payment can be clicked through end to end.
  # --setup-demo writes demo keys to the secrets file and switches payments_online on. Log: $1/payments.log.
  [ "$(.venv/bin/python -c 'from ebok.core import settings; print(int(settings.demo_mode()))')" = 1 ] || return 0
  .venv/bin/python -m ebok fake-gateway --setup-demo --port 8590 --receiver-url http://127.0.0.1:8591 \
    --parent-pid $$ >>"$1/payments.log" 2>&1 &
  .venv/bin/python -m ebok receiver --port 8591 --parent-pid $$ >>"$1/payments.log" 2>&1 &
  echo "Tryb demo: płatności online przez lokalną bramkę testową (http://127.0.0.1:8590, odbiornik :8591)"
}

ebok_system_packages() {
  # Debian's chromium (Playwright cannot download a browser here), PostgreSQL, nginx and rsync for the
  # issue 6 tests and benchmarks. Only root can install; without root the tests that need them skip.
  local need=()
  [ -x /usr/bin/chromium ] || need+=(chromium chromium-driver)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)
  command -v rsync >/dev/null 2>&1 || need+=(rsync)
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then return 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null 2>&1
}

ebok_start_postgres() {
  # A throw-away PostgreSQL cluster on loopback for the store tests; exports EBOK_TEST_PG_URL and stops
  # the cluster (and removes its folder) when the calling shell exits. Skipped when already set.
  [ -n "${EBOK_TEST_PG_URL:-}" ] && return 0
  local initdb
  initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)
  [ -n "$initdb" ] || return 1
  local bindir pgdir port as=""
  bindir=$(dirname "$initdb")
  pgdir=$(mktemp -d /tmp/ebok-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
    id postgres >/dev/null 2>&1 || { rm -rf "$pgdir"; return 1; }
    chown postgres "$pgdir"
    as="runuser -u postgres --"
  fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  $as "$bindir/initdb" -D "$pgdir/data" -A trust -U ebok >/dev/null 2>&1 || { rm -rf "$pgdir"; return 1; }
  $as "$bindir/pg_ctl" -D "$pgdir/data" -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off" \
    -l "$pgdir/log" -w -t 60 start >/dev/null || { rm -rf "$pgdir"; return 1; }
  # Values are expanded now: the function's locals are gone when the EXIT trap runs.
  trap "$as '$bindir/pg_ctl' -D '$pgdir/data' -m fast -w stop >/dev/null 2>&1; rm -rf '$pgdir'" EXIT
  "$bindir/createdb" -h 127.0.0.1 -p "$port" -U ebok ebok_test || return 1
  export EBOK_TEST_PG_URL="postgresql+psycopg://ebok@127.0.0.1:$port/ebok_test"
  echo "PostgreSQL do testów: 127.0.0.1:$port (EBOK_TEST_PG_URL)"
}
