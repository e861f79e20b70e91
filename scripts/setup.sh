# Shared install steps for run.sh and test.sh (sourced, not executed).

ebok_install() {
  # A virtualenv beside the code, with the pinned requirements; reinstalled when requirements.txt changes.
  local stamp=.venv/.requirements.sha256
  local want
  want=$(sha256sum requirements.txt | cut -d' ' -f1)
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
  # Debian's chromium (Playwright cannot download a browser here) and PostgreSQL, nginx for issue 6 tests.
  local need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium chromium-driver)
  [ -x /usr/lib/postgresql/*/bin/initdb ] 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v nginx >/dev/null 2>&1 || need+=(nginx)
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then return 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
}

ebok_start_postgres() {
  # A throw-away PostgreSQL cluster on loopback for the store tests; exports EBOK_TEST_PG_URL.
  local initdb
  initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1) || return 1
  [ -n "$initdb" ] || return 1
  local bindir pgdir port
  bindir=$(dirname "$initdb")
  pgdir=$(mktemp -d /tmp/ebok-pg.XXXXXX)
  chown postgres "$pgdir" 2>/dev/null || true
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  local as=()
  [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$bindir/initdb" -D "$pgdir/data" -A trust -U ebok >/dev/null || return 1
  "${as[@]}" "$bindir/pg_ctl" -D "$pgdir/data" -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1" -l "$pgdir/log" -w start >/dev/null || return 1
  "$bindir/createdb" -h 127.0.0.1 -p "$port" -U ebok ebok_test || return 1
  export EBOK_TEST_PG_URL="postgresql+psycopg://ebok@127.0.0.1:$port/ebok_test"
  trap '"${as[@]}" "$bindir/pg_ctl" -D "$pgdir/data" -m fast stop >/dev/null 2>&1 || true' EXIT
}
