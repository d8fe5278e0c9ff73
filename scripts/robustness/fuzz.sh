#!/usr/bin/env bash
# fuzz.sh — fuzzes the search request path (fuzz/fuzz_targets/search_request.rs) for a bounded
# time with cargo-fuzz, installed pinned under .cache/ (git-ignored).
#
# Usage: scripts/robustness/fuzz.sh [SECONDS]   (default 60)
#
# cargo-fuzz needs a nightly toolchain. Without one (`rustup toolchain list` shows none) the
# fuzzing is skipped with a note, and tests/ops_fuzz_seeds.rs still replays the seeds and
# every saved regression on stable Rust. A failing input is saved under fuzz/artifacts/;
# copy it to fuzz/regressions/search_request/ with the fix.
set -euo pipefail

seconds="${1:-60}"
version="0.13.2"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
root="$repo/.cache/cargo-fuzz-$version"

log() {
    echo "[fuzz] $*" >&2
}

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    log "skipped: no nightly toolchain (cargo fuzz needs one)"
    exit 0
fi
if [ ! -x "$root/bin/cargo-fuzz" ]; then
    log "installing cargo-fuzz $version into $root"
    cargo install --quiet --locked --root "$root" cargo-fuzz --version "$version"
fi

corpus="$repo/.cache/fuzz-corpus/search_request"
mkdir -p "$corpus"
cd "$repo"
log "fuzzing search_request for ${seconds}s"
PATH="$root/bin:$PATH" cargo +nightly fuzz run search_request "$corpus" \
    fuzz/seeds/search_request -- -max_total_time="$seconds" -rss_limit_mb=4096
