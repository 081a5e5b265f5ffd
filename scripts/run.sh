#!/usr/bin/env bash
# `make run`: workers in the background, the sample scans ingested once, the web server in front.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${HERITAGE_CACHE_DIR:-$HOME/.cache/heritage}/run"
mkdir -p "$cache"
heritage=.venv/bin/heritage
port="${PORT:-8000}"
export HERITAGE_BASE_URL="${HERITAGE_BASE_URL:-http://127.0.0.1:$port}"

worker_running() { [ -f "$cache/worker.pid" ] && kill -0 "$(cat "$cache/worker.pid")" 2>/dev/null; }

case "${1:-start}" in
  start)
    if ! worker_running; then
      setsid nohup "$heritage" worker > "$cache/worker.log" 2>&1 &
      echo $! > "$cache/worker.pid"
      echo "workers started (log: $cache/worker.log)"
    fi
    if [ -z "$("$heritage" status)" ]; then
      for collection in scans/*/; do
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
    if worker_running; then
      kill -- "-$(cat "$cache/worker.pid")" 2>/dev/null || kill "$(cat "$cache/worker.pid")"
      rm -f "$cache/worker.pid"
      echo "workers stopped"
    fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
