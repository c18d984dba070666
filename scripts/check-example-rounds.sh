#!/bin/sh
# The test of the rounds `make run` serves (ctest examples/rounds): loads
# scripts/example-rounds.sh into a fresh directory and checks that the four
# rounds exist with their mechanisms, replay from the log (and the market,
# which cites the deep-funding round, from the published tiles), and have
# their results: QF payouts equal to the command's table, the deep-funding
# allocation equal to deepfund run's allocation.csv byte for byte, the
# market resolved by the jury, a note with a status; then that a node
# serves each round's result.
# Usage: scripts/check-example-rounds.sh PATH/TO/dacc
set -eu
dacc=${1:?usage: check-example-rounds.sh PATH/TO/dacc}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dacc-examples-XXXXXX")
node=
cleanup() {
    if [ -n "$node" ]; then kill "$node" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
    echo "check-example-rounds.sh: $*" >&2
    exit 1
}

data=$tmp/data
start=$(date +%s)
"$here/scripts/example-rounds.sh" "$dacc" "$data"
echo "loaded in $(($(date +%s) - start)) s"

# the four rounds, each once, in the log with its mechanism
test "$(wc -l <"$data/examples/rounds.txt")" -eq 4 || fail "rounds.txt: not four rounds"
"$dacc" round show --log "$data" >"$tmp/rounds.txt"
test "$(wc -l <"$tmp/rounds.txt")" -eq 4 || fail "the log does not hold four rounds"
round_id() { awk -v m="$1" '$1 == m { print $2 }' "$data/examples/rounds.txt"; }
deepfund=$(round_id deepfund) pgf=$(round_id pgf) market=$(round_id market) notes=$(round_id notes)
for mech in deepfund pgf market notes; do
    id=$(round_id $mech)
    test -n "$id" || fail "no $mech round in rounds.txt"
    grep -q "^$id  *$mech " "$tmp/rounds.txt" || fail "$mech round $id is not in the log"
    "$dacc" round replay --log "$data" "$id" >/dev/null || fail "$mech round does not replay"
    "$dacc" round result --log "$data" "$id" -f json >"$tmp/$mech.json"
    "$dacc" round result --log "$data" "$id" -f csv >"$tmp/$mech.csv"
    test "$(wc -l <"$tmp/$mech.csv")" -gt 1 || fail "$mech round: an empty result table"
done

# deep funding and QF closed, with the result attested by the operator
for mech in deepfund pgf; do
    grep -q '"final": true' "$tmp/$mech.json" || fail "$mech round is not closed"
    grep -q '"attested_sha256"' "$tmp/$mech.json" || fail "$mech round has no attested result"
done
grep -q '"answers": 593' "$tmp/deepfund.json" || fail "deepfund: not the 593 answers"
grep -q '"models": 3' "$tmp/deepfund.json" || fail "deepfund: not three submissions"
cmp "$tmp/deepfund.csv" "$data/examples/pond-l1/out/allocation.csv" ||
    fail "deepfund: the round's allocation is not deepfund run's"
# QF: 75 grants, each paid what `fund qf --log` printed (15 decimals; the
# round's CSV prints its amounts at the round's decimals too)
test "$(wc -l <"$tmp/pgf.csv")" -eq 76 || fail "pgf: not 75 grants"
tail -n +2 "$data/examples/gr03-qf.csv" | awk -F, '{ print $1 "," $6 }' >"$tmp/want.csv"
tail -n +2 "$tmp/pgf.csv" | awk -F, '{ print $1 "," $6 }' >"$tmp/got.csv"
cmp "$tmp/want.csv" "$tmp/got.csv" || fail "pgf: the round does not pay what fund qf printed"
# the market: closed and resolved by the deep-funding round
grep -q '"final": true' "$tmp/market.json" || fail "market round is not closed"
grep -q '"resolved": true' "$tmp/market.json" || fail "the market is not resolved"
grep -q "\"round\": \"$deepfund\"" "$tmp/market.json" || fail "the market names no jury"
# the notes: some note has a status other than NEEDS_MORE_RATINGS
cut -d, -f2 "$tmp/notes.csv" | tail -n +2 | grep -qv '^NEEDS_MORE_RATINGS$' ||
    fail "notes: every note needs more ratings"

# an auditor's replay of the market from the published tiles: the cited
# jury is replayed from the same entries
"$dacc" log tiles "$data" "$tmp/site" >/dev/null
"$dacc" round replay --tiles "$tmp/site" --log-key "$data/log.pub" "$market" >/dev/null ||
    fail "the market does not replay from the tiles"

# a node serves every round's result
"$dacc" serve --listen 127.0.0.1:0 --data "$data" 2>"$tmp/serve.log" &
node=$!
tries=0
while ! grep -q listening "$tmp/serve.log"; do
    tries=$((tries + 1))
    test "$tries" -lt 100 || fail "the node did not start: $(cat "$tmp/serve.log")"
    sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*' "$tmp/serve.log")
for id in $deepfund $pgf $market $notes; do
    curl -sf "$url/api/v1/rounds/$id/result" >"$tmp/served.json" || fail "$url: no result of $id"
    grep -q "\"round\": \"$id\"" "$tmp/served.json" || fail "$url: another round's result for $id"
done
curl -sf "$url/checkpoint" | head -n 1 | grep -q '^localhost/dacc-example$' ||
    fail "$url/checkpoint: not the log's"
kill "$node"
wait "$node" || true
node=
echo "the four example rounds load, replay and are served"
