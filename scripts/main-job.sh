#!/bin/sh
# The main job that `make run` shows: the node. A fresh data directory gets
# the four example rounds of scripts/example-rounds.sh (deep funding on the
# real Pond L1 jury, QF on the real Gitcoin GR03 donations, a market
# resolved by the deep-funding jury, a Community Notes programme), every
# action a signed event in the log; then `dacc serve` serves them on
# 127.0.0.1:8080 until interrupted.
# Usage: scripts/main-job.sh PATH/TO/dacc [ADDR:PORT]
set -eu
dacc=${1:?usage: main-job.sh PATH/TO/dacc [ADDR:PORT]}
listen=${2:-127.0.0.1:8080}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$(dirname "$dacc")" && pwd)
data=$bin/node-data

"$dacc" --version | head -n 1
rm -rf "$data"
start=$(date +%s)
"$here/scripts/example-rounds.sh" "$dacc" "$data"
echo "loaded in $(($(date +%s) - start)) s into $data"

url=http://$listen
id() { awk -v m="$1" '$1 == m { print $2 }' "$data/examples/rounds.txt"; }
echo
echo "== serving on $url (Ctrl-C stops)"
echo "   $url/api/v1/rounds    the four rounds"
printf '   %s/api/v1/rounds/%s/result\n      %s\n' \
    "$url" "$(id deepfund)" "deep funding on the Pond L1 jury: leaderboard, mixture, allocation" \
    "$url" "$(id pgf)" "QF on Gitcoin GR03: each grant's matching and payout" \
    "$url" "$(id market)" "the market on the jury's decision, resolved by its allocation" \
    "$url" "$(id notes)" "the notes programme: each note's status (open for more ratings)"
echo "   $url/checkpoint    the log's signed checkpoint (tiles under /tile/)"
echo "   keys to take part with: $data/keys (docs/node.md, docs/round.md)"
echo
exec "$dacc" serve --listen "$listen" --data "$data"
