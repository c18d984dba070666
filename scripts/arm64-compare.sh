#!/bin/sh
# The same commands on the same inputs, natively and cross-built for arm64
# under qemu-user, must print the same bytes: mechanisms are deterministic on
# any machine (long double binary128 on aarch64 against __float128 with
# libquadmath on x86-64, OpenMP sums in fixed order, no FMA contraction).
# Usage: arm64-compare.sh NATIVE_DACC ARM64_DACC_WRAPPER SOURCE_DIR
set -eu
# OpenMP's worker threads hang under qemu-user 7.2 (as Criterion's runner
# does): the emulated side runs on one thread, the native side on its
# default, which results must not depend on either.
native=$1
arm=$2
src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
same() {
    name=$1
    shift
    mkdir -p "$tmp/x86/$name" "$tmp/arm/$name"
    if ! (cd "$tmp/x86/$name" && "$native" "$@" >out 2>err); then
        echo "  FAILED natively: $name: $(cat "$tmp/x86/$name/err")" >&2
        fail=1
        return
    fi
    (cd "$tmp/arm/$name" && OMP_NUM_THREADS=1 "$arm" "$@" >out 2>err) || echo "exit $?" >>"$tmp/arm/$name/out"
    # a run's manifest names the build (commit, compiler, paths): not output
    if diff -r -x manifest.json "$tmp/x86/$name" "$tmp/arm/$name" >"$tmp/$name.diff"; then
        echo "  same: $name"
    else
        echo "  DIFFERENT: $name" >&2
        head -20 "$tmp/$name.diff" >&2
        fail=1
    fi
}
echo "== native and arm64 outputs"
same market-run market run "$src/examples/market/info-finance.jsonl"
same market-quote-lmsr market quote --kind lmsr --outcomes 3 --funding 1000000 --sold "5;700;12" buy 1 12345
same market-quote-lslmsr market quote --kind lslmsr --alpha 0.05 --q0 "100;200;300" spend 2 777.5
same market-quote-cpmm market quote --kind cpmm --yes 1000 --no 3000 --p 0.4 buy 0 12.25
same pause-simulate pause simulate --weeks 20 --devices 50 --seed arm64
same fund-qf fund qf --pool 100000 -f json "$src/tests/data/gitcoin-gr03-contributions.csv"
same fund-cocm fund cocm --pool 100000 -f csv "$src/tests/data/gitcoin-gr03-contributions.csv"
same deepfund-run deepfund run --quiet --out run "$src/examples/deepfund/round.json"
exit $fail
