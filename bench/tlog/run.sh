#!/bin/sh
# bench/tlog: durable appends, inclusion proofs, and tree hashing against the
# Go reference (golang.org/x/mod/sumdb/tlog) when a Go toolchain and Debian's
# golang-golang-x-mod-dev are present; the Go side also verifies a dacc
# checkpoint and proofs with Go's own note and tlog code.
# Usage: bench/tlog/run.sh BUILD_DIR
set -eu
build=${1:?usage: run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
bin="$build/bench/tlog/bench_tlog"
dacc="$build/dacc"
mkdir -p "$build/bench-data"
data=$(cd "$build/bench-data" && pwd)/tlog
rm -rf "$data"
mkdir -p "$data"

secs() { sed -n 's/.*seconds=\([0-9.]*\).*/\1/p'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }

echo "durable appends (SQLite WAL, synchronous=FULL, one signed checkpoint per batch)"
for batch in 1000 10000 100000; do
    echo "  1000000 entries, batch $batch: $("$bin" append "$data/log.db" 1000000 $batch)"
done
echo "inclusion proofs, one core"
for n in 10000 100000 1000000 10000000; do
    echo "  size $n: $("$bin" proofs $n)"
done

gosrc=/usr/share/gocode/src/golang.org/x/mod/sumdb/tlog
if command -v go >/dev/null 2>&1 && [ -d "$gosrc" ]; then
    ref="$data/tlogref"
    mkdir -p "$data/gobuild"
    cp "$here/go/main.go" "$data/gobuild/"
    (cd "$data/gobuild" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$data/gocache" \
        go build -o "$ref" main.go)
    echo "tree hashing of N leaves: dacc vs Go sumdb/tlog (StoredHashes + TreeHash)"
    for n in 10000 100000 1000000 10000000; do
        c=$("$bin" hash $n); g=$("$ref" hash $n)
        echo "  $n: dacc $c"
        echo "  $n: go   $g"
        echo "  speed-up: $(ratio "$(echo "$g" | secs)" "$(echo "$c" | secs)")"
    done
    echo "interoperability: Go's note.Open, tlog.CheckRecord and tlog.CheckTree on dacc files"
    L="$data/L"
    "$dacc" log init --origin bench.example/interop "$L" >/dev/null
    seq 1 1000 | "$dacc" log append "$L" >/dev/null
    "$dacc" log checkpoint "$L" > "$data/old"
    seq 1001 1777 | "$dacc" log append "$L" >/dev/null
    "$dacc" log checkpoint "$L" > "$data/cp"
    "$dacc" log prove-inclusion "$L" 1500 > "$data/inc"
    printf 1501 > "$data/entry"
    "$dacc" log prove-consistency "$L" 1000 > "$data/cons"
    "$ref" verify "$L/log.pub" "$data/cp" "$data/inc" "$data/entry" "$data/old" "$data/cons" |
        sed 's/^/  /'
else
    echo "(no Go toolchain with golang.org/x/mod: install golang-go golang-golang-x-mod-dev" \
         "to compare with the Go reference)"
fi
