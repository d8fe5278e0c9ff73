#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# stop.sh — stop an engine started by start.sh and wait until it has exited.
#
# Usage: scripts/engines/stop.sh elasticsearch|opensearch
#
# Reads .cache/engines/run/NAME/pid (the process group start.sh created), sends
# SIGTERM to that group (launcher and server JVM), waits up to
# MOAT_ENGINE_STOP_TIMEOUT seconds (default 60), then SIGKILLs what is left.
# Stopping an engine that is not running is not an error. Data and logs stay in
# the run dir for inspection until the next start.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[ $# -eq 1 ] || die "usage: $0 elasticsearch|opensearch"
name="$1"
engine_version "$name" >/dev/null
timeout_s="${MOAT_ENGINE_STOP_TIMEOUT:-60}"

run="$ENGINES_DIR/run/$name"
pidfile="$run/pid"
if [ ! -f "$pidfile" ]; then
    log "$name: no pid file, not running"
    exit 0
fi
pid="$(cat "$pidfile")"
[[ "$pid" =~ ^[0-9]+$ ]] || die "bad pid file $pidfile"

# start.sh made the engine the leader of its own process group (setsid), so
# signal that whole group: the launcher and the server JVM it spawned. The
# group outlives its leader if only the JVM is left, so test the group itself.
alive() {
    kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null
}
signal() {
    kill "-$1" -- "-$pid" 2>/dev/null || kill "-$1" "$pid" 2>/dev/null || true
}

if ! alive; then
    log "$name: not running (stale pid $pid)"
    rm -f "$pidfile"
    exit 0
fi

log "stopping $name (pid $pid)"
signal TERM
deadline=$(( $(date +%s) + timeout_s ))
while alive; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
        log "$name did not stop within ${timeout_s}s, sending SIGKILL"
        signal KILL
        sleep 1
        break
    fi
    sleep 0.5
done
alive && die "$name (pid $pid) is still running"
rm -f "$pidfile"
log "$name stopped"
