# shellcheck shell=bash
# Shared helpers for the service scripts (sourced, never run directly).
# Everything they download or write lives in the cache dir, outside the repo.

# Cache root: HERITAGE_CACHE_DIR wins; otherwise ~/.cache/heritage. HOME can be
# unset in some CI shells, so fall back to the passwd entry.
heritage_cache_dir() {
    local home="${HOME:-}"
    if [[ -z $home ]]; then
        home="$(getent passwd "$(id -u)" | cut -d: -f6)"
    fi
    printf '%s\n' "${HERITAGE_CACHE_DIR:-$home/.cache/heritage}"
}

# Messages go to stderr so callers can capture stdout if they ever need to.
log() { printf '[%s] %s\n' "${HERITAGE_LOG_TAG:-heritage}" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# Reject anything that is not a plain TCP port number (the value ends up in
# command lines and file names).
check_port() {
    local name="$1" value="$2"
    if ! [[ $value =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
        die "$name must be a TCP port number, got '$value'"
    fi
}

# True if something accepts TCP connections on 127.0.0.1:PORT (bash's
# /dev/tcp, so no extra tool is needed).
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_for SECONDS CMD...: poll CMD every half second until it succeeds;
# returns 1 on timeout.
wait_for() {
    local timeout="$1"
    shift
    local deadline=$((SECONDS + timeout))
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.5
    done
}

# wait_for_url SECONDS URL: until URL answers with a 2xx status.
wait_for_url() {
    wait_for "$1" curl -fsS -o /dev/null --max-time 5 "$2"
}

# pid_from_file FILE: print the pid stored in FILE if that process is alive.
pid_from_file() {
    local file="$1" pid
    [[ -r $file ]] || return 1
    read -r pid <"$file" || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    printf '%s\n' "$pid"
}

# pid_matches PID PATTERN: the process's command line contains PATTERN, so a
# stale pid file whose pid was reused by another program is not trusted.
pid_matches() {
    local cmdline
    cmdline="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" || return 1
    [[ $cmdline == *"$2"* ]]
}

pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# stop_pid PID SECONDS: SIGTERM, wait up to SECONDS, then SIGKILL.
# Returns 1 if the process had to be killed (it did not exit cleanly).
stop_pid() {
    local pid="$1" timeout="$2"
    kill -TERM "$pid" 2>/dev/null || return 0
    wait_for "$timeout" pid_gone "$pid" && return 0
    log "pid $pid still alive after ${timeout}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_for 10 pid_gone "$pid" || true
    return 1
}

# Last lines of a log, to explain a failed start.
show_log_tail() {
    local file="$1" lines="${2:-40}"
    if [[ -s $file ]]; then
        log "last $lines lines of $file:"
        tail -n "$lines" "$file" >&2
    else
        log "no log output in $file"
    fi
}
