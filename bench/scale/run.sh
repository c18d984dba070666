#!/bin/sh
# bench/scale: events/s durably accepted by 1, 2 and 3 dacc serve --store
# nodes on one PostgreSQL server against one SQLite node, same run, same
# workload (bench/scale/bench_scale.c). The server is a private one
# (tests/support/pg.sh: initdb in a temporary directory, a Unix socket,
# fsync and synchronous_commit on, as nobody when run as root), stopped
# afterwards. Usage: bench/scale/run.sh BUILD_DIR [EVENTS]
set -eu
build=${1:?usage: run.sh BUILD_DIR [EVENTS]}
here=$(cd "$(dirname "$0")" && pwd)
dir="$build/bench-data/scale"
rm -rf "$dir"
mkdir -p "$dir"
pg=$(mktemp -d /tmp/dacc-bench-pg.XXXXXX)
trap 'sh "$here/../../tests/support/pg.sh" stop "$pg"' EXIT INT TERM
url=$(sh "$here/../../tests/support/pg.sh" start "$pg")
"$build/bench/scale/bench_scale" "$build/dacc" "$dir" "$url" "$pg/data/postmaster.pid" "${2:-20000}"
