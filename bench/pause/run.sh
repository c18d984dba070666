#!/bin/sh
# bench/pause: full bundle verifications (k = 3 of 7, 3 witness cosignatures)
# against the floor of seven bare libsodium Ed25519 verifications.
# Usage: bench/pause/run.sh BUILD_DIR
set -eu
build=${1:?usage: run.sh BUILD_DIR}
"$build/bench/pause/bench_pause"
