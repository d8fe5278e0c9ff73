#!/usr/bin/env bash
# install-schemathesis.sh — installs the pinned schemathesis into a virtual environment under
# .cache/ (git-ignored) and prints the path of its command.
#
# Usage: scripts/robustness/install-schemathesis.sh
set -euo pipefail

version="4.32.5"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$repo/.cache/schemathesis-$version"
command="$venv/bin/st"

if [ ! -x "$command" ]; then
    echo "[schemathesis] installing schemathesis $version into $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
fi
echo "$command"
