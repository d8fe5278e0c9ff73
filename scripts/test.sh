#!/usr/bin/env bash
# test.sh — moat's whole test suite, against real Elasticsearch and OpenSearch servers.
#
# Usage: scripts/test.sh [extra cargo test arguments]
#
# 1. Installs what the suite needs and the machine lacks (Maven, unzip; as root, with apt).
# 2. Fetches the pinned engine distributions (scripts/engines/fetch.sh) and starts a
#    single-node Elasticsearch and a single-node OpenSearch on free loopback ports, unless
#    MOAT_TEST_ES_URL / MOAT_TEST_OPENSEARCH_URL already name servers to use.
# 3. Installs the pinned robustness tools under .cache/ (scripts/robustness/).
# 4. Runs `cargo test` with every backend and tool required, then fuzzes the search request
#    path for MOAT_FUZZ_SECONDS (default 60; scripts/robustness/fuzz.sh), then stops the
#    engines it started.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

log() {
    echo "[test] $*" >&2
}

install_missing() {
    local missing=()
    command -v mvn >/dev/null 2>&1 || missing+=(maven)
    command -v unzip >/dev/null 2>&1 || missing+=(unzip)
    python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
    [ ${#missing[@]} -eq 0 ] && return 0

    if [ "$(id -u)" -ne 0 ]; then
        echo "error: missing ${missing[*]}: install them (Debian: apt-get install" \
            "${missing[*]}) and rerun" >&2
        exit 1
    fi
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The engines run as an unprivileged user when we are root, so their files must sit where
# that user can reach them; a checkout under a private home directory is not such a place.
choose_engines_dir() {
    [ -n "${MOAT_ENGINES_DIR:-}" ] && return 0
    [ "$(id -u)" -eq 0 ] || return 0

    local dir="$repo"
    while [ "$dir" != "/" ]; do
        if [ "$(( $(stat -c '%a' "$dir") % 10 & 1 ))" -eq 0 ]; then
            export MOAT_ENGINES_DIR=/var/tmp/moat-engines
            log "the checkout is not reachable by other users; engines go to $MOAT_ENGINES_DIR"
            return 0
        fi
        dir="$(dirname "$dir")"
    done
}

free_port() {
    local port="$1"
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    echo "$port"
}

started=()
stop_engines() {
    for name in "${started[@]}"; do
        scripts/engines/stop.sh "$name" || true
    done
}
trap stop_engines EXIT

start_engine() {
    local name="$1" variable="$2" base_port="$3"
    if [ -n "${!variable:-}" ]; then
        log "$name: using $variable=${!variable}"
        return 0
    fi

    local port
    port="$(free_port "$base_port")"
    scripts/engines/start.sh "$name" "$port"
    started+=("$name")
    export "$variable=http://127.0.0.1:$port"
    log "$name: started on ${!variable}"
}

install_missing
choose_engines_dir

need_fetch=()
[ -n "${MOAT_TEST_ES_URL:-}" ] || need_fetch+=(elasticsearch)
[ -n "${MOAT_TEST_OPENSEARCH_URL:-}" ] || need_fetch+=(opensearch)
if [ ${#need_fetch[@]} -gt 0 ]; then
    scripts/engines/fetch.sh "${need_fetch[@]}"
fi

start_engine elasticsearch MOAT_TEST_ES_URL 39200
start_engine opensearch MOAT_TEST_OPENSEARCH_URL 39400

export MOAT_TEST_REQUIRE_ENGINES=1
MOAT_SCHEMATHESIS="$(scripts/robustness/install-schemathesis.sh)"
export MOAT_SCHEMATHESIS MOAT_TEST_REQUIRE_TOOLS=1
cargo test --locked "$@"
scripts/robustness/fuzz.sh "${MOAT_FUZZ_SECONDS:-60}"
