#!/bin/sh
# bench/node: signed events durably accepted per second by dacc serve on
# loopback at 1, 16 and 64 clients (p50/p99), and tile GETs per second,
# against one Ed25519 verification per event (bench/node/bench_node.c).
# Usage: bench/node/run.sh BUILD_DIR [EVENTS]
set -eu
build=${1:?usage: run.sh BUILD_DIR [EVENTS]}
dir="$build/bench-data/node"
rm -rf "$dir"
mkdir -p "$dir"
"$build/bench/node/bench_node" "$build/dacc" "$dir" "${2:-20000}"
