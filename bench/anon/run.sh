#!/bin/sh
# bench/anon: ring signatures (16, 256, 1024 members), threshold tokens and
# VOPRF evaluation, each against the floor of the same number of bare
# libsodium scalar multiplications timed in the same run.
# Usage: bench/anon/run.sh BUILD_DIR
set -eu
build=${1:?usage: run.sh BUILD_DIR}
"$build/bench/anon/bench_anon"
