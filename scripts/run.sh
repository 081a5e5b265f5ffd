#!/usr/bin/env bash
# `make run`: workers and the hot folder (scans/inbox) in the background, an administrator account
# on first start, the sample scans ingested once, the web server in front.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${HERITAGE_CACHE_DIR:-$HOME/.cache/heritage}/run"
mkdir -p "$cache"
heritage=.venv/bin/heritage
port="${PORT:-8000}"
export HERITAGE_BASE_URL="${HERITAGE_BASE_URL:-http://127.0.0.1:$port}"

running() { [ -f "$cache/$1.pid" ] && kill -0 "$(cat "$cache/$1.pid")" 2>/dev/null; }

start_background() {  # name, then the heritage subcommand and its arguments
  local name="$1"
  shift
  if ! running "$name"; then
    setsid nohup "$heritage" "$@" > "$cache/$name.log" 2>&1 &
    echo $! > "$cache/$name.pid"
    echo "$name started (log: $cache/$name.log)"
  fi
}

stop_background() {
  if running "$1"; then
    kill -- "-$(cat "$cache/$1.pid")" 2>/dev/null || kill "$(cat "$cache/$1.pid")"
    echo "$1 stopped"
  fi
  rm -f "$cache/$1.pid"
}

case "${1:-start}" in
  start)
    start_background worker worker
    mkdir -p scans/inbox
    start_background watch watch scans/inbox
    if [ -z "$("$heritage" user list)" ]; then
      password="$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')"
      echo "$password" | "$heritage" user add admin --admin --name Administrator --password-stdin
      (umask 077 && echo "$password" > "$cache/admin-password")
      echo "workspace: log in at $HERITAGE_BASE_URL/login as admin with the password in $cache/admin-password"
    fi
    if [ -z "$("$heritage" status)" ]; then
      for collection in scans/*/; do
        [ -f "$collection/COLLECTION" ] || continue
        name="$(cat "$collection/COLLECTION")"
        "$heritage" ingest --collection "$name" "$collection"*/
      done
      "$heritage" status
      echo "the workers are processing the samples: \`.venv/bin/heritage status\` shows where they stand"
    fi
    echo "Heritage is running at $HERITAGE_BASE_URL/ (IIIF collection: $HERITAGE_BASE_URL/iiif/collection)"
    exec "$heritage" serve --host 127.0.0.1 --port "$port"
    ;;
  stop)
    stop_background watch
    stop_background worker
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
