#!/bin/sh
# The four example rounds `make run` serves, recorded as signed events into
# a new node data directory (a dacc log):
#  1. a QF round on the 1,931 real donations of Gitcoin Grants Round 3
#     (`dacc fund qf --log`: every donation an event signed by a key derived
#     from the operator's and the donor's address);
#  2. a prediction market on what the deep-funding jury will fund, whose
#     forecasters trade before the jury's round is in the log;
#  3. the deep-funding round of the Pond Level-1 contest: the 593 real juror
#     answers and the three real model submissions (`dacc deepfund run
#     --log`), after which the market resolves by its allocation;
#  4. a Community Notes programme on `dacc notes synth` data: the operator
#     enrolls the raters, participants write notes and rate them; it stays
#     open for more.
# The real data are the copies in tests/data (its README says where they
# come from). Inputs and outputs stay in DATA_DIR/examples, keys in
# DATA_DIR/keys, and DATA_DIR/examples/rounds.txt lists "MECHANISM ID" per
# round. Everything is signed by the dacc CLI; nothing is fetched.
# Usage: scripts/example-rounds.sh PATH/TO/dacc DATA_DIR
set -eu
dacc=${1:?usage: example-rounds.sh PATH/TO/dacc DATA_DIR}
data=${2:?usage: example-rounds.sh PATH/TO/dacc DATA_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
real=$here/tests/data
if [ -e "$data" ]; then
    echo "example-rounds.sh: $data exists; give a directory to create" >&2
    exit 2
fi

"$dacc" log init --origin localhost/dacc-example "$data" >/dev/null
data=$(cd "$data" && pwd)
keys=$data/keys
work=$data/examples
mkdir "$keys" "$work"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dacc-rounds-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
op=$keys/operator.key
"$dacc" round keygen "$keys/operator" >/dev/null

# The round id `dacc round new` prints on standard error ("round ID").
new_round() {
    "$dacc" round new --key "$op" "$@" 2>"$tmp/id.txt"
    cut -d' ' -f2 "$tmp/id.txt"
}

# ---- 1. quadratic funding on GR03 ------------------------------------------
# Amounts have up to 15 decimals, which a round counts exactly: 100,000 USD
# at 15 decimals.
echo "== 1. QF on Gitcoin GR03 (1,931 donations), dacc fund qf --log"
"$dacc" fund qf --pool 100000 --decimals 15 --log "$data" --key "$op" -f csv \
    -o "$work/gr03-qf.csv" "$real/gitcoin-gr03-contributions.csv" 2>"$tmp/qf.txt"
qf=$(sed -n 's/.*recorded as round \([0-9a-f]*\) .*/\1/p' "$tmp/qf.txt")
echo "pgf $qf" >"$work/rounds.txt"

# ---- the deep-funding round's config ----------------------------------------
# The three published submissions of the Pond Level-1 round, with the
# jury's parent. One weight of final_seer_weights is published as
# "0.02853076603930131C"; without the stray C the file's weights sum to 1,
# so the copy here drops it (the original is refused as it stands:
# tests/round/test_real.c).
pond=$work/pond-l1
mkdir "$pond"
sed '21s/^\(https:\/\/github.com\/ethers-io\/ethers.js,ethereum,0.02853076603930131\)C$/\1/' \
    "$real/model-final_seer_weights.csv" >"$pond/model-final_seer_weights.csv"
if grep -q 'C$' "$pond/model-final_seer_weights.csv"; then
    echo "example-rounds.sh: model-final_seer_weights.csv is not the file expected" >&2
    exit 1
fi
cat >"$pond/pond-l1.json" <<EOF
{
  "jury": "$real/pond-l1-juror-pairs.csv",
  "submissions": {
    "arbitron": "$real/model-arbitron.csv",
    "composite_model": "$real/model-composite_model.csv",
    "final_seer_weights": "model-final_seer_weights.csv"
  },
  "parent": "ethereum",
  "normalize": true,
  "pool": "1000000.00",
  "decimals": 2
}
EOF
# A round's id is its config's hash, known before the round is logged: a
# run into a scratch log gives it, so the market can name the round it
# resolves by while the jury is still out.
"$dacc" log init --origin localhost/scratch "$tmp/scratch" >/dev/null
"$dacc" deepfund run -q --log "$tmp/scratch" --key "$op" --out "$tmp/scratch-out" \
    "$pond/pond-l1.json"
df=$("$dacc" round show --log "$tmp/scratch" | awk 'NR == 1 { print $1 }')

# ---- 2. a market on the jury's decision -------------------------------------
echo "== 2. a market on what the Pond L1 jury will fund: five execution clients"
m=$work/market
mkdir "$m"
for k in alice bob carol; do "$dacc" round keygen "$keys/$k" >"$m/$k.hex"; done
cat "$m/alice.hex" "$m/bob.hex" "$m/carol.hex" >"$m/eligible.txt"
echo '{"decimals":2}' >"$m/params.json"
market=$(new_round --mechanism market --params "$m/params.json" --eligible "$m/eligible.txt" \
    --title "What will the Pond L1 jury fund? Five execution clients" -o "$tmp/m.env")
echo "market $market" >>"$work/rounds.txt"
gh=https://github.com
clients="\"$gh/ethereum/go-ethereum\",\"$gh/nethermindeth/nethermind\",\"$gh/hyperledger/besu\""
clients="$clients,\"$gh/erigontech/erigon\",\"$gh/paradigmxyz/reth\""
# event KEY TYPE SEQ BODY: one signed event of the market, appended to $tmp/m.env
event() {
    "$dacc" round event --key "$keys/$1.key" --type "$2" --round "$market" --seq "$3" \
        --body "$4" >>"$tmp/m.env"
}
event operator market/create 2 "{\"id\":\"execution-clients\",\"kind\":\"lmsr\",
    \"outcomes\":\"5\",\"b\":\"1000\",\"resolve_by\":{\"round\":\"$df\",\"projects\":[$clients]}}"
seq=3
for k in alice bob carol; do
    event operator market/deposit $seq "{\"account\":\"$(cat "$m/$k.hex")\",\"amount\":\"100000\"}"
    seq=$((seq + 1))
done
# outcomes: 0 go-ethereum, 1 nethermind, 2 besu, 3 erigon, 4 reth (money at 2 decimals)
event alice market/buy 1 '{"market":"execution-clients","outcome":0,"spend":"30000"}'
event bob market/buy 1 '{"market":"execution-clients","outcome":4,"spend":"25000"}'
event carol market/buy 1 '{"market":"execution-clients","outcome":1,"spend":"20000"}'
event bob market/buy 2 '{"market":"execution-clients","outcome":0,"spend":"10000"}'
event alice market/sell 2 '{"market":"execution-clients","outcome":0,"shares":"5000"}'
event carol market/buy 2 '{"market":"execution-clients","outcome":3,"spend":"8000"}'
"$dacc" round append --log "$data" "$tmp/m.env" >/dev/null

# ---- 3. the deep-funding round ----------------------------------------------
echo "== 3. deep funding on the Pond L1 jury (593 answers, 3 submissions), deepfund run --log"
"$dacc" deepfund run -q --log "$data" --key "$op" --out "$pond/out" "$pond/pond-l1.json"
if ! "$dacc" round show --log "$data" | grep -q "^$df "; then
    echo "example-rounds.sh: the deep-funding round is not the one the market names" >&2
    exit 1
fi
echo "deepfund $df" >>"$work/rounds.txt"

# The jury has decided: the market resolves by the round's allocation, the
# forecasters redeem, and trading closes.
: >"$tmp/m.env"
event operator market/resolve $seq "{\"market\":\"execution-clients\",\"by_round\":\"$df\"}"
event alice market/redeem 3 '{"market":"execution-clients"}'
event bob market/redeem 3 '{"market":"execution-clients"}'
event carol market/redeem 3 '{"market":"execution-clients"}'
event operator round/close $((seq + 1)) '{"phase":"trading"}'
"$dacc" round append --log "$data" "$tmp/m.env" >/dev/null

# ---- 4. a Community Notes programme -----------------------------------------
# `dacc notes synth` data (raters in two camps, notes that bridge them,
# notes one camp likes, bad notes): each participant gets a key, the
# operator enrolls the raters, authors sign their notes, raters their
# ratings. The round stays open (more ratings through the node).
echo "== 4. a Community Notes programme (dacc notes synth data)"
n=$work/notes
mkdir "$n" "$keys/notes"
"$dacc" notes synth -n 600 --per-note 20 --seed 7 --out-dir "$n/synth" >/dev/null
echo '{}' >"$n/params.json"
notes=$(new_round --mechanism notes --params "$n/params.json" --open \
    --title "Notes on synthetic posts: two camps of raters" -o "$tmp/n.env")
echo "notes $notes" >>"$work/rounds.txt"
# every participant's key: synth's id, then the key in hex
{
    tail -n +2 "$n/synth/userEnrollment-00000.tsv" | cut -f1
    tail -n +2 "$n/synth/notes-00000.tsv" | cut -f2
    tail -n +2 "$n/synth/ratings-00000.tsv" | cut -f2
} | sort -u | while read -r id; do
    printf '%s %s\n' "$id" "$("$dacc" round keygen "$keys/notes/$id")"
done >"$n/participants.txt"
# the events in order, one per line: KEY, TYPE, SEQ and BODY, tab-separated
# (the operator's config is its event 1)
awk -F'\t' -v OFS='\t' '
    BEGIN { seq["operator"] = 1 }
    FNR == 1 { file++ }
    file == 1 { split($0, kv, " "); hex[kv[1]] = kv[2]; next }
    FNR == 1 { next }
    file == 2 {
        print "operator", "notes/enroll", ++seq["operator"],
            "{\"group\":" $7 ",\"participant\":\"" hex[$1] "\"}"
    }
    file == 3 {
        summary = $22; gsub(/\\/, "\\\\", summary); gsub(/"/, "\\\"", summary)
        print "notes/" $2, "notes/note", ++seq[$2], "{\"classification\":\"" $5 \
            "\",\"note\":\"" $1 "\",\"summary\":\"" summary "\",\"tweet\":\"" $4 "\"}"
    }
    file == 4 {
        print "notes/" $2, "notes/rating", ++seq[$2], "{\"helpfulness\":\"" $9 \
            "\",\"note\":\"" $1 "\"}"
    }' "$n/participants.txt" "$n/synth/userEnrollment-00000.tsv" \
    "$n/synth/notes-00000.tsv" "$n/synth/ratings-00000.tsv" >"$tmp/plan.tsv"
tab=$(printf '\t')
while IFS=$tab read -r key type s body; do
    "$dacc" round event --key "$keys/$key.key" --type "$type" --round "$notes" --seq "$s" \
        --body "$body"
done <"$tmp/plan.tsv" >>"$tmp/n.env"
"$dacc" round append --log "$data" "$tmp/n.env" >/dev/null

echo
"$dacc" round show --log "$data"
