#!/bin/sh
# bench/deepfund: score + mix + allocate of a round with 20 submissions, dacc
# against the deep-funding reference scorer (scoring.py, SLSQP) and a plain
# Python flow, on the same generated data (bench/deepfund/reference.py).
# The reference is pure Python, so it runs only at the small sizes; dacc runs
# them all. Set DEEPFUND_REFERENCE to the directory holding the reference's
# scoring.py (github deepfunding/scoring) to include it.
# Usage: bench/deepfund/run.sh BUILD_DIR
set -eu
build=${1:?usage: run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
bin="$build/bench/deepfund/bench_deepfund"
py=/usr/bin/python3
ref=${DEEPFUND_REFERENCE:-}
k=20

secs() { sed -n 's/.*seconds=\([0-9.]*\).*/\1/p'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0fx", (b > 0 ? a / b : 0) }'; }

one() { # EDGES SAMPLES WITH_REFERENCE
    data="$build/bench-data/deepfund-$1-$2"
    mkdir -p "$data"
    [ -f "$data/logits.bin" ] || "$bin" gen "$data" "$1" "$2" $k
    echo "edges $1, juror rows $2, $k submissions"
    c=$("$bin" run "$data"); echo "  dacc        $c"
    if [ "$3" = yes ] && [ -n "$ref" ]; then
        r=$("$py" "$here/reference.py" "$ref" "$data"); echo "  reference   $r"
        echo "  speed-up: $(ratio "$(echo "$r" | secs)" "$(echo "$c" | secs)")"
    fi
}

[ -n "$ref" ] || echo "(DEEPFUND_REFERENCE unset: dacc only)"
one 1000 10000 yes
one 10000 100000 yes
one 10000 1000000 no
one 100000 1000000 no
one 1000000 1000000 no
