#!/bin/sh
# bench/market: exact-money LMSR trades per second against the same formulas
# in plain double precision (bench/market/bench_market.c); then the ledger
# replaying 80,000 operations over 40,000 accounts and 20 markets
# (bench/market/ledger_ops.py), printing and writing the final state; then
# the ledger itself at scale (bench/market/bench_ledger.c: 15,625 to 10^6
# accounts, ten operations each, with the growth of the time per doubling
# and the heap per position). MAX_ACCOUNTS overrides the top size.
# Usage: bench/market/run.sh BUILD_DIR
set -eu
build=${1:?usage: run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
"$build/bench/market/bench_market"
mkdir -p "$build/bench-data"
ops="$build/bench-data/market-ledger-ops.jsonl"
[ -f "$ops" ] || /usr/bin/python3 "$here/ledger_ops.py" "$ops"
start=$(date +%s.%N)
"$build/dacc" market run -o "$build/bench-data/market-ledger-state.json" "$ops" > /dev/null
end=$(date +%s.%N)
echo "ledger: 80000 operations, 40000 accounts: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s"
"$build/bench/market/bench_ledger" "${MAX_ACCOUNTS:-1000000}"
