#!/bin/sh
# The main job that `make run` shows: the node. A fresh data directory gets
# the example deep-funding round of examples/deepfund recorded as a round
# (every submission and juror answer a signed event in the log), then
# `dacc serve` serves it on 127.0.0.1:8080 until interrupted.
# Usage: scripts/main-job.sh PATH/TO/dacc [ADDR:PORT]
set -eu
dacc=${1:?usage: main-job.sh PATH/TO/dacc [ADDR:PORT]}
listen=${2:-127.0.0.1:8080}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$(dirname "$dacc")" && pwd)
data=$bin/node-data
out=$bin/deepfund-example

"$dacc" --version | head -n 1
rm -rf "$data" "$out"
"$dacc" log init --origin localhost/dacc-example "$data" >/dev/null
"$dacc" round keygen "$data/operator" >/dev/null
echo "== the example deep-funding round, recorded in the node's log"
"$dacc" deepfund run --quiet --log "$data" --key "$data/operator.key" --out "$out" \
    "$here/examples/deepfund/round.json"
id=$("$dacc" round show --log "$data" | awk 'NR == 1 { print $1 }')
url=http://$listen
echo
echo "== serving on $url (Ctrl-C stops)"
echo "   $url/api/v1/rounds                 the rounds"
echo "   $url/api/v1/rounds/$id/result"
echo "   $url/checkpoint                    the log's signed checkpoint (tiles under /tile/)"
echo
exec "$dacc" serve --listen "$listen" --data "$data"
