#!/bin/sh
# Runs every benchmark script bench/<module>/run.sh with the bench build.
# Usage: scripts/bench.sh BUILD_DIR
set -eu
build=$(cd "${1:?usage: bench.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
status=0
for script in $(find "$here/bench" -mindepth 2 -maxdepth 2 -name run.sh | sort); do
    echo "== $(basename "$(dirname "$script")")"
    sh "$script" "$build" || status=1
    echo
done
exit $status
