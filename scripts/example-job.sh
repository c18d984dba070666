#!/bin/sh
# The batch example (`make example`), on the data embedded in examples/:
# a whole deep-funding round (graph, jury, three model submissions) from
# examples/deepfund/round.json, with its outputs and manifest written next
# to the binary.
# Usage: scripts/example-job.sh PATH/TO/dacc
set -eu
dacc=${1:?usage: example-job.sh PATH/TO/dacc}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(cd "$(dirname "$dacc")" && pwd)/deepfund-example

"$dacc" --version
echo
echo "== dacc deepfund run: the example round of examples/deepfund"
"$dacc" deepfund run --out-dir "$out" "$here/examples/deepfund/round.json"
echo
echo "== the ten largest amounts (of $(($(wc -l < "$out/allocation.csv") - 1)) projects)"
tail -n +2 "$out/allocation.csv" | sort -t, -k2 -g -r | head -n 10 |
    awk -F, '{ printf "%14s  %s\n", $2, $1 }'
echo
echo "Every input and output is hashed in $out/manifest.json;"
echo "re-run the same command anywhere and compare."
