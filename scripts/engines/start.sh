#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# start.sh — start a single-node Elasticsearch or OpenSearch on loopback for tests.
#
# Usage: scripts/engines/start.sh NAME PORT [TRANSPORT_PORT]
#   NAME            elasticsearch | opensearch (unpacked first by fetch.sh)
#   PORT            HTTP port on 127.0.0.1 (plain HTTP, no security)
#   TRANSPORT_PORT  port or range for the transport layer on 127.0.0.1
#                   (default: PORT+100 to PORT+199, the engine takes the first free)
#
# Runs the engine in the background as a single node with a small heap
# (MOAT_ENGINE_HEAP, default 512m), data and logs in .cache/engines/run/NAME/
# (wiped at each start), disk watermarks and downloaders off, and waits up to
# MOAT_ENGINE_START_TIMEOUT seconds (default 180) for yellow cluster health.
# Writes .cache/engines/run/NAME/pid (its process group; stop.sh uses it).
#
# Both engines refuse to run as root and have no switch to allow it, so as root
# (CI, dev machines) the engine runs as the unprivileged user MOAT_ENGINE_USER
# (default moat-engine, created here as a system user if missing) via setpriv.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    die "usage: $0 elasticsearch|opensearch PORT [TRANSPORT_PORT]"
fi
name="$1"
port="$2"
engine_version "$name" >/dev/null
if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65435 ]; then
    die "PORT must be a number from 1024 to 65435, got '$port'"
fi
transport="${3:-$((port + 100))-$((port + 199))}"
heap="${MOAT_ENGINE_HEAP:-512m}"
timeout_s="${MOAT_ENGINE_START_TIMEOUT:-180}"

home="$(engine_home "$name")"
version="$(engine_version "$name")"
[ -f "$home/.unpacked" ] \
    || die "$name $version is not unpacked in $home: run scripts/engines/fetch.sh first."
command -v curl >/dev/null 2>&1 \
    || die "'curl' not found: install it (Debian: apt-get install curl)."
java_home="$(find_java_home)"

run="$ENGINES_DIR/run/$name"
if [ -f "$run/pid" ] && kill -0 "$(cat "$run/pid")" 2>/dev/null; then
    die "$name is already running (pid $(cat "$run/pid")): scripts/engines/stop.sh $name"
fi
if port_in_use "$port"; then
    die "127.0.0.1:$port is already in use: pick another PORT."
fi

# Fresh state for every start.
rm -rf "$run"
mkdir -p "$run/data" "$run/logs" "$run/tmp" "$run/config"
cp -R "$home/config/." "$run/config/"

# The shipped jvm.options write the GC log, heap dumps and crash logs relative
# to the working directory (OpenSearch cds into its install dir); send them to
# the run dir instead. Options in jvm.options.d come last and win.
sed -i -e "s#file=logs/gc\.log#file=$run/logs/gc.log#" \
       -e "s#file=gc\.log#file=$run/logs/gc.log#" \
       -e "s#HeapDumpPath=data#HeapDumpPath=$run/data#" \
       -e "s#ErrorFile=logs/#ErrorFile=$run/logs/#" \
       -e "s#ErrorFile=hs_err#ErrorFile=$run/logs/hs_err#" \
       "$run/config/jvm.options"
mkdir -p "$run/config/jvm.options.d"
printf -- '-Xms%s\n-Xmx%s\n' "$heap" "$heap" >"$run/config/jvm.options.d/moat-heap.options"

# Node settings. Settings of modules that a distribution lacks are rejected at
# start-up, so each optional one is written only when its module is present.
has_module() { [ -d "$home/modules/$1" ] || [ -d "$home/plugins/$1" ]; }
config_file="$run/config/$name.yml"
{
    echo "# Written by scripts/engines/start.sh; regenerated at every start."
    echo "cluster.name: moat-test-$name"
    echo "node.name: $name-$port"
    echo "path.data: $run/data"
    echo "path.logs: $run/logs"
    echo "network.host: 127.0.0.1"
    echo "http.port: $port"
    echo "transport.port: $transport"
    echo "discovery.type: single-node"
    echo "cluster.routing.allocation.disk.threshold_enabled: false"
    if [ "$name" = elasticsearch ]; then
        has_module x-pack-security && echo "xpack.security.enabled: false"
        has_module x-pack-ml && echo "xpack.ml.enabled: false"
        has_module x-pack-monitoring && echo "xpack.monitoring.collection.enabled: false"
        has_module ingest-geoip && echo "ingest.geoip.downloader.enabled: false"
    else
        has_module opensearch-security && echo "plugins.security.disabled: true"
    fi
    true
} >"$config_file"

env_vars=(PATH=/usr/local/bin:/usr/bin:/bin "HOME=$run" LANG=C.UTF-8)
if [ "$name" = elasticsearch ]; then
    env_vars+=("ES_JAVA_HOME=$java_home" "ES_PATH_CONF=$run/config" "ES_TMPDIR=$run/tmp")
else
    env_vars+=("OPENSEARCH_JAVA_HOME=$java_home" "OPENSEARCH_PATH_CONF=$run/config"
               "OPENSEARCH_TMPDIR=$run/tmp")
fi

run_as=()
if [ "$(id -u)" = 0 ]; then
    command -v setpriv >/dev/null 2>&1 \
        || die "'setpriv' not found: install util-linux (Debian: apt-get install util-linux)."
    if ! id -u "$ENGINE_USER" >/dev/null 2>&1; then
        command -v useradd >/dev/null 2>&1 \
            || die "'useradd' not found: install passwd, or create user $ENGINE_USER."
        log "creating system user $ENGINE_USER to run the engines (they refuse root)"
        # Two engines may start at once: tolerate losing the race (user exists
        # by then, or /etc/passwd was locked for a moment).
        for _ in 1 2 3 4 5; do
            useradd --system --user-group --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin "$ENGINE_USER" 2>/dev/null && break
            id -u "$ENGINE_USER" >/dev/null 2>&1 && break
            sleep 1
        done
        id -u "$ENGINE_USER" >/dev/null 2>&1 || die "could not create user $ENGINE_USER"
    fi
    chown -R "$ENGINE_USER:" "$run"
    run_as=(setpriv "--reuid=$ENGINE_USER" "--regid=$ENGINE_USER" --clear-groups --)
    if ! "${run_as[@]}" test -x "$home/bin/$name" -a -w "$run/data"; then
        die "user $ENGINE_USER cannot reach $home or $run (a parent directory is" \
            "probably not world-searchable, e.g. /root is 0700). Put the cache in a" \
            "reachable place, e.g. MOAT_ENGINES_DIR=/var/tmp/moat-engines, and rerun fetch.sh."
    fi
fi

log "starting $name $version on http://127.0.0.1:$port (transport $transport, heap $heap)"
started=$(date +%s)
cd "$run"
# setsid: own process group, so stop.sh can end the launcher and the server JVM.
setsid "${run_as[@]}" env -i "${env_vars[@]}" "$home/bin/$name" -p "$run/$name.pid" \
    >"$run/logs/console.log" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$run/pid"

show_logs() {
    echo "---- $run/logs/console.log (tail) ----" >&2
    tail -n 40 "$run/logs/console.log" >&2 2>/dev/null || true
    local main_log="$run/logs/moat-test-$name.log"
    if [ -f "$main_log" ]; then
        echo "---- $main_log (tail) ----" >&2
        tail -n 60 "$main_log" >&2
    fi
}

url="http://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&timeout=5s"
while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
        show_logs
        rm -f "$run/pid"
        die "$name exited during start-up (see the logs above, all in $run/logs)."
    fi
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$url" || true)"
    [ "$code" = 200 ] && break
    if [ $(( $(date +%s) - started )) -ge "$timeout_s" ]; then
        show_logs
        "$ENGINES_SCRIPT_DIR/stop.sh" "$name" >&2 || true
        die "$name did not reach yellow health within ${timeout_s}s."
    fi
    sleep 1
done

log "$name $version is up on http://127.0.0.1:$port after $(( $(date +%s) - started ))s" \
    "(pid $pid, logs in $run/logs)"
