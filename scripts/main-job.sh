#!/bin/sh
# The main job that `make run` shows, on the data embedded in examples/.
# Usage: scripts/main-job.sh PATH/TO/dacc
set -eu
dacc=${1:?usage: main-job.sh PATH/TO/dacc}
here=$(cd "$(dirname "$0")/.." && pwd)

"$dacc" --version
echo
"$dacc" --help
echo
echo "== dacc apportion: a 1,000,000.00 pool split exactly by weight"
"$dacc" apportion --pool 1000000 --decimals 2 --id-column project \
    "$here/examples/base/grants.csv"
