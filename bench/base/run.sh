#!/bin/sh
# bench/base: CSV reading with exact money parsing, and apportionment, against
# Python references doing the same work on the same data (bench/base/reference.py).
# Usage: bench/base/run.sh BUILD_DIR [ROWS]
set -eu
build=${1:?usage: run.sh BUILD_DIR [ROWS]}
rows=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
bin="$build/bench/base/bench_base"
data="$build/bench-data"
mkdir -p "$data"
file="$data/donations-$rows.csv"
[ -f "$file" ] || "$bin" gen "$file" "$rows"
py=/usr/bin/python3

secs() { sed -n 's/.*seconds=\([0-9.]*\).*/\1/p'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }'; }

echo "CSV: $rows rows, $(du -h "$file" | cut -f1), sum of an amount column at 6 decimals"
c_map=$("$bin" csv "$file"); echo "  dacc (mmap)    $c_map"
c_stream=$("$bin" csv-stream "$file"); echo "  dacc (stream)  $c_stream"
ref=$("$py" "$here/reference.py" csv "$file"); echo "  python csv     $ref"
echo "  speed-up vs python csv+decimal: mmap $(ratio "$(echo "$ref" | secs)" "$(echo "$c_map" | secs)"), stream $(ratio "$(echo "$ref" | secs)" "$(echo "$c_stream" | secs)")"

n=1000000
echo "Apportionment: $n weights, pool 10^24 base units"
c=$("$bin" apportion $n); echo "  dacc           $c"
ref=$("$py" "$here/reference.py" apportion $n); echo "  python ints    $ref"
echo "  speed-up vs python: $(ratio "$(echo "$ref" | secs)" "$(echo "$c" | secs)")"
