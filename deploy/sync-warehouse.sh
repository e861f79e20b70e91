#!/usr/bin/env bash
# Copy the warehouse version in force to other machines' data directories: FILE FIRST, POINTER LAST.
#
# Usage: deploy/sync-warehouse.sh [--keep N] [SOURCE_WAREHOUSE_DIR [TARGET ...]]
#   SOURCE_WAREHOUSE_DIR  default: $EBOK_DATA_DIR/warehouse
#   TARGET                rsync destinations (user@host:/var/lib/ebok/data/warehouse or a local path);
#                         default: $EBOK_REPLICA_TARGETS (space-separated); none = nothing to do.
#   --keep N              versions to keep on each target (default 3; the current one is never removed).
#
# The CURRENT protocol (ebok/warehouse.py): a replica opens the file CURRENT names, read-only. So a
# target must never have a CURRENT naming a file that is missing or half-copied:
#   1. copy wh-<stamp>.duckdb; rsync writes it under a temporary name in the target folder and renames it
#      only when complete (--fsync: flushed to disk first); a failed copy leaves the old CURRENT in force;
#   2. then copy CURRENT the same way: the rename replaces the pointer atomically, so a replica reads
#      either the old name or the new one, never a mix; queries in flight keep their old file open;
#   3. then remove versions older than the newest N (not the one in force).
# Run by ebok-load.service after each successful load (ExecStartPost); safe to run again by hand.
set -euo pipefail

keep=3
if [ "${1:-}" = "--keep" ]; then keep=$2; shift 2; fi
src=${1:-${EBOK_DATA_DIR:-/var/lib/ebok/data}/warehouse}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ] && [ -n "${EBOK_REPLICA_TARGETS:-}" ]; then
  read -r -a targets <<< "$EBOK_REPLICA_TARGETS"
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "sync-warehouse: brak maszyn docelowych (EBOK_REPLICA_TARGETS) — nic do zrobienia."
  exit 0
fi

name=$(tr -d '[:space:]' < "$src/CURRENT")
case "$name" in
  wh-*.duckdb) ;;
  *) echo "sync-warehouse: CURRENT w $src nie wskazuje pliku hurtowni: '$name'" >&2; exit 1 ;;
esac
[ -f "$src/$name" ] || { echo "sync-warehouse: brak pliku $src/$name" >&2; exit 1; }

fsync=()
rsync --help 2>/dev/null | grep -q -- '--fsync' && fsync=(--fsync)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%s\n' "$name" > "$tmp/CURRENT"

# Run a shell snippet in the target folder (over ssh for host:path targets).
at_target() {
  local target=$1 script=$2
  if [[ "$target" == *:* ]]; then
    ssh -o BatchMode=yes "${target%%:*}" "cd $(printf '%q' "${target#*:}") && $script"
  else
    (cd "$target" && bash -c "$script")
  fi
}

status=0
for target in "${targets[@]}"; do
  echo "sync-warehouse: $name -> $target"
  if [[ "$target" != *:* ]]; then mkdir -p "$target"; fi
  # 1. the file (temporary name + rename by rsync), 2. only then the pointer.
  if rsync -a "${fsync[@]}" --partial-dir=.rsync-partial "$src/$name" "$target/" &&
     rsync -a --ignore-times "${fsync[@]}" "$tmp/CURRENT" "$target/CURRENT"; then
    # 3. prune: keep the newest $keep versions and always the one in force.
    at_target "$target" "ls -1 wh-*.duckdb 2>/dev/null | grep -v '\\.building\\.duckdb\$' | sort | head -n -$keep | grep -vx '$name' | xargs -r rm -f --" ||
      echo "sync-warehouse: $target: nie udało się usunąć starych wersji" >&2
  else
    echo "sync-warehouse: $target: kopiowanie nieudane; ta maszyna zostaje na poprzedniej wersji" >&2
    status=1
  fi
done
exit $status
