#!/bin/sh
# bench/screen: a 10 kb order screened end to end with 3-of-5 keyservers in
# process (windows, blinding, evaluation with proofs, checks, combination,
# unblinding, database lookup), against the floor of the scalar
# multiplications the protocol needs, timed in the same run.
# Usage: bench/screen/run.sh BUILD_DIR [BASES]
set -eu
build=${1:?usage: run.sh BUILD_DIR [BASES]}
"$build/bench/screen/bench_screen" "${2:-10000}"
