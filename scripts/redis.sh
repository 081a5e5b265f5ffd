#!/usr/bin/env bash
# Debian's redis-server on 127.0.0.1, daemonized, for the job queue.
#
#   scripts/redis.sh start|stop|status
#
# Environment:
#   HERITAGE_REDIS_PORT     port (default 6379)
#   HERITAGE_REDIS_PERSIST  0 (default, tests and CI): nothing written to disk
#                           (--save "" --appendonly no); 1 (`make run`): AOF
#                           persistence, so queued jobs survive a restart
# If a redis already answers on the port, start leaves it as it is (whatever
# its mode) and says which mode it runs in.
# Pid file, log and AOF data live in ${HERITAGE_CACHE_DIR:-~/.cache/heritage}/redis/.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$SCRIPT_DIR/lib.sh"
# shellcheck disable=SC2034 # read by log() in lib.sh
HERITAGE_LOG_TAG=redis

PORT="${HERITAGE_REDIS_PORT:-6379}"
check_port HERITAGE_REDIS_PORT "$PORT"
PERSIST="${HERITAGE_REDIS_PERSIST:-0}"
[[ $PERSIST == 0 || $PERSIST == 1 ]] || die "HERITAGE_REDIS_PERSIST must be 0 or 1, got '$PERSIST'"

CACHE_DIR="$(heritage_cache_dir)/redis"
PID_FILE="$CACHE_DIR/redis-$PORT.pid"
LOG_FILE="$CACHE_DIR/redis-$PORT.log"
# Per port, so a test instance never touches the AOF of the `make run` one.
DATA_DIR="$CACHE_DIR/data-$PORT"

cli() { redis-cli -h 127.0.0.1 -p "$PORT" "$@"; }
answers() { [[ "$(cli ping 2>/dev/null)" == PONG ]]; }

running_pid() {
    local pid
    pid="$(pid_from_file "$PID_FILE")" || return 1
    pid_matches "$pid" redis-server || return 1
    printf '%s\n' "$pid"
}

mode() {
    local aof
    aof="$(cli config get appendonly 2>/dev/null | sed -n 2p)"
    if [[ $aof == yes ]]; then echo "AOF persistence"; else echo "no persistence"; fi
}

cmd_start() {
    command -v redis-server >/dev/null || die "redis-server not found: run scripts/install-system.sh"
    if answers; then
        log "already running on 127.0.0.1:$PORT ($(mode))"
        return 0
    fi
    if port_in_use "$PORT"; then
        die "port $PORT on 127.0.0.1 is taken by something that does not answer PING"
    fi
    mkdir -p "$CACHE_DIR" "$DATA_DIR"
    local -a args=(
        --daemonize yes
        --bind 127.0.0.1
        --port "$PORT"
        --protected-mode yes
        --pidfile "$PID_FILE"
        --logfile "$LOG_FILE"
        --dir "$DATA_DIR"
    )
    if [[ $PERSIST == 1 ]]; then
        # AOF (fsync every second) is what keeps queued jobs across restarts;
        # RDB snapshots would only duplicate it.
        args+=(--appendonly yes --appendfsync everysec --save "")
    else
        args+=(--save "" --appendonly no)
    fi
    local t0=$SECONDS
    # Only this start's part of the (appended) log counts when looking for errors.
    LOG_START=$(($(stat -c %s "$LOG_FILE" 2>/dev/null || echo 0) + 1))
    # Daemonized redis-server returns at once; failures (port taken, bad
    # option) show up in its log.
    if ! redis-server "${args[@]}" >>"$LOG_FILE" 2>&1; then
        show_log_tail "$LOG_FILE" 20
        die "redis-server failed to start"
    fi
    if ! wait_for 30 up_or_failed || ! answers; then
        show_log_tail "$LOG_FILE" 20
        die "redis not answering on 127.0.0.1:$PORT after 30s"
    fi
    log "ready on 127.0.0.1:$PORT ($(mode), $((SECONDS - t0))s; log $LOG_FILE)"
}

# Stop waiting as soon as redis answers, or reports that it is giving up.
up_or_failed() {
    answers && return 0
    local recent
    recent="$(tail -c "+$LOG_START" "$LOG_FILE" 2>/dev/null)" || return 1
    grep -qiE 'aborting|fatal|bad directive' <<<"$recent"
}

cmd_stop() {
    local pid
    if pid="$(running_pid)"; then
        log "stopping pid $pid"
        # SIGTERM is redis' clean shutdown (flushes the AOF in persistent mode).
        stop_pid "$pid" 30 || true
        rm -f "$PID_FILE"
        log "stopped"
    elif answers; then
        log "a redis answers on 127.0.0.1:$PORT but was not started by this script (no pid file); left alone"
    else
        rm -f "$PID_FILE"
        log "not running"
    fi
}

cmd_status() {
    local pid=""
    pid="$(running_pid)" || pid=""
    if answers; then
        echo "redis: running on 127.0.0.1:$PORT, $(mode)${pid:+, pid $pid}"
        return 0
    fi
    echo "redis: not running on 127.0.0.1:$PORT"
    return 3
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
*)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
