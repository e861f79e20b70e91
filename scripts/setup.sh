# Shared install steps for run.sh and test.sh (sourced, not executed).

ebok_install() {
  # A virtualenv beside the code, with the pinned requirements; reinstalled when requirements.txt changes.
  local stamp=.venv/.requirements.sha256
  local want
  want=$(cat requirements.txt constraints.txt | sha256sum | cut -d' ' -f1)
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r requirements.txt
    echo "$want" > "$stamp"
  fi
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
