#!/bin/sh
# bench/market: exact-money LMSR trades per second against the same formulas
# in plain double precision (bench/market/bench_market.c).
# Usage: bench/market/run.sh BUILD_DIR
set -eu
build=${1:?usage: run.sh BUILD_DIR}
"$build/bench/market/bench_market"
