# shellcheck shell=bash source-path=SCRIPTDIR
# common.sh — helpers shared by fetch.sh, start.sh and stop.sh (sourced, not run).
#
# Defines paths (repo root, engine cache), loads versions.env, and finds a
# Java >= ENGINE_JAVA_MIN. Environment overrides:
#   MOAT_ENGINES_DIR     cache dir (default: <repo>/.cache/engines)
#   MOAT_ENGINE_JAVA     JDK home to use (default: JAVA_HOME, else newest in /usr/lib/jvm)
#   MOAT_ENGINE_USER     unprivileged user engines run as when we are root
#                        (default: moat-engine, created on demand)

ENGINES_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$ENGINES_SCRIPT_DIR/../.." && pwd)"
source "$ENGINES_SCRIPT_DIR/versions.env"

ENGINES_DIR="${MOAT_ENGINES_DIR:-$REPO_ROOT/.cache/engines}"
# shellcheck disable=SC2034  # used by the scripts that source this file
ENGINE_USER="${MOAT_ENGINE_USER:-moat-engine}"

die() {
    echo "error: $*" >&2
    exit 1
}

log() {
    echo "[engines] $*" >&2
}

# engine_version NAME -> version pinned for that engine
engine_version() {
    case "$1" in
        elasticsearch) echo "$ES_VERSION" ;;
        opensearch) echo "$OS_VERSION" ;;
        *) die "unknown engine '$1' (expected elasticsearch or opensearch)" ;;
    esac
}

# engine_home NAME -> directory the distribution is unpacked to
engine_home() {
    local version
    version="$(engine_version "$1")" || exit 1
    echo "$ENGINES_DIR/$1-$version"
}

# java_major JAVA_BIN -> feature release number (17, 21, 25 ...), or nothing
java_major() {
    "$1" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9]*\).*/\1/p' | head -n 1
}

# find_java_home -> prints a JDK home whose java is >= ENGINE_JAVA_MIN, or fails
# with a message that says what to install.
find_java_home() {
    local candidates=() c major
    [ -n "${MOAT_ENGINE_JAVA:-}" ] && candidates+=("$MOAT_ENGINE_JAVA")
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    # Then every JDK in /usr/lib/jvm, newest first: sort on the first number in
    # the directory name (java-1.17.0-... counts as 17).
    while IFS= read -r c; do
        candidates+=("$c")
    done < <(for c in /usr/lib/jvm/*; do [ -d "$c" ] && printf '%s\n' "$c"; done \
        | awk '{ v = $0; sub(/.*\//, "", v); gsub(/[^0-9]+/, " ", v); split(v, n, " ");
                 print (n[1] == 1 ? n[2] : n[1]) + 0 "\t" $0 }' \
        | sort -t "$(printf '\t')" -k1,1nr | cut -f2)
    for c in "${candidates[@]}"; do
        [ -x "$c/bin/java" ] || continue
        major="$(java_major "$c/bin/java")"
        if [ -n "$major" ] && [ "$major" -ge "$ENGINE_JAVA_MIN" ]; then
            echo "$c"
            return 0
        fi
    done
    die "no Java >= $ENGINE_JAVA_MIN found (looked at MOAT_ENGINE_JAVA, JAVA_HOME and" \
        "/usr/lib/jvm/*). Elasticsearch $ES_VERSION and OpenSearch $OS_VERSION need it." \
        "Install a JDK >= $ENGINE_JAVA_MIN under /usr/lib/jvm (Debian 13:" \
        "'apt-get install openjdk-21-jdk-headless'; Debian 12 packages only 17, so use" \
        "e.g. Temurin 21/25) or point JAVA_HOME at one."
}

# port_in_use PORT -> true when something already listens on 127.0.0.1:PORT
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
