#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# fetch.sh — download and unpack the Elasticsearch and OpenSearch test engines.
#
# Usage: scripts/engines/fetch.sh [elasticsearch|opensearch ...]   (default: both)
#
# Fetches the official integ-test-zip distributions pinned in versions.env with
# Maven (`dependency:copy`) into .cache/engines/ under the repo root (git-ignored)
# and unpacks them there. Idempotent: an engine already unpacked is skipped.
# Fails (non-zero) with a clear message when mvn, unzip or a Java >= 21 is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

engines=("$@")
[ ${#engines[@]} -gt 0 ] || engines=(elasticsearch opensearch)

command -v mvn >/dev/null 2>&1 \
    || die "'mvn' not found: install Maven (Debian: apt-get install maven)."
command -v unzip >/dev/null 2>&1 \
    || die "'unzip' not found: install it (Debian: apt-get install unzip)."
command -v sha256sum >/dev/null 2>&1 \
    || die "'sha256sum' not found: install coreutils."
java_home="$(find_java_home)"
log "java for the engines: $java_home (Java $(java_major "$java_home/bin/java"))"

mkdir -p "$ENGINES_DIR/dist"

# fetch_one NAME GROUP ARTIFACT VERSION SHA256
fetch_one() {
    local name="$1" group="$2" artifact="$3" version="$4" sha="$5"
    local home="$ENGINES_DIR/$name-$version"
    local zip="$ENGINES_DIR/dist/$artifact-$version.zip"

    if [ -f "$home/.unpacked" ]; then
        log "$name $version already unpacked in $home"
        return 0
    fi

    if [ ! -f "$zip" ]; then
        log "fetching $group:$artifact:$version:zip with Maven"
        # The 9.x/3.x integ-test zips are published without a POM; Maven then
        # warns and still copies the zip. -q keeps that noise out; on failure
        # we rerun the output through so the reason is visible.
        local out
        # Run from the cache dir so no stray pom.xml is picked up.
        if ! out="$(cd "$ENGINES_DIR" && mvn -B -q "$MVN_DEPENDENCY_PLUGIN:copy" \
                "-Dartifact=$group:$artifact:$version:zip" \
                "-DoutputDirectory=$ENGINES_DIR/dist" 2>&1)"; then
            echo "$out" >&2
            die "Maven could not fetch $group:$artifact:$version:zip" \
                "(check the version in scripts/engines/versions.env)."
        fi
        [ -f "$zip" ] || die "Maven reported success but $zip is missing."
    fi

    local actual
    actual="$(sha256sum "$zip" | cut -d' ' -f1)"
    if [ -z "$sha" ]; then
        log "no checksum pinned for $name $version; its SHA-256 is $actual" \
            "(put it in scripts/engines/versions.env)"
    elif [ "$actual" != "$sha" ]; then
        rm -f "$zip"
        die "checksum mismatch for $zip: expected $sha, got $actual (file removed)."
    fi

    log "unpacking $zip"
    local tmp
    tmp="$(mktemp -d "$ENGINES_DIR/.unpack.XXXXXX")"
    unzip -q "$zip" -d "$tmp"
    [ -d "$tmp/$artifact-$version" ] \
        || die "unexpected layout in $zip (no top-level $artifact-$version/)."
    rm -rf "$home"
    mv "$tmp/$artifact-$version" "$home"
    rmdir "$tmp"
    # Engines may run as an unprivileged user: the tree must be world-readable.
    chmod -R a+rX "$home"
    touch "$home/.unpacked"
    log "$name $version ready in $home"
}

for name in "${engines[@]}"; do
    case "$name" in
        elasticsearch)
            fetch_one elasticsearch "$ES_GROUP" "$ES_ARTIFACT" "$ES_VERSION" "$ES_SHA256" ;;
        opensearch)
            fetch_one opensearch "$OS_GROUP" "$OS_ARTIFACT" "$OS_VERSION" "$OS_SHA256" ;;
        *) die "unknown engine '$name' (expected elasticsearch or opensearch)" ;;
    esac
done
