#!/bin/sh
# bench/round: signed round events checked, applied, logged and replayed per
# second, against one Ed25519 verification per event (bench/round/bench_round.c).
# Usage: bench/round/run.sh BUILD_DIR [EVENTS] [BATCH]
set -eu
build=${1:?usage: run.sh BUILD_DIR [EVENTS] [BATCH]}
dir="$build/bench-data/round"
mkdir -p "$dir"
"$build/bench/round/bench_round" "$dir" "${2:-100000}" "${3:-1000}"
