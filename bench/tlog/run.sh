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
echo "SHA-256 of one 65-byte Merkle node, by each way of calling it (one core)"
"$bin" sha | sed 's/^/  /'
echo "inclusion proofs, one core, with each SHA-256 backend (DACC_SHA256)"
for n in 10000 100000 1000000 10000000; do
    for be in libsodium openssl; do
        echo "  size $n: $(DACC_SHA256=$be "$bin" proofs $n)"
    done
done

gosrc=/usr/share/gocode/src/golang.org/x/mod/sumdb/tlog
if command -v go >/dev/null 2>&1 && [ -d "$gosrc" ]; then
    ref="$data/tlogref"
    mkdir -p "$data/gobuild"
    cp "$here/go/main.go" "$data/gobuild/"
    (cd "$data/gobuild" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$data/gocache" \
        go build -o "$ref" main.go)
    echo "tree hashing of N leaves: dacc (each SHA-256 backend) vs Go sumdb/tlog (StoredHashes + TreeHash)"
    for n in 10000 100000 1000000 10000000; do
        g=$("$ref" hash $n)
        echo "  $n: go   $g"
        for be in libsodium openssl; do
            c=$(DACC_SHA256=$be "$bin" hash $n)
            echo "  $n: dacc $c"
            echo "  speed-up over Go with $be: $(ratio "$(echo "$g" | secs)" "$(echo "$c" | secs)")"
        done
    done
    echo "interoperability: Go's note.Open, tlog.CheckRecord and tlog.CheckTree on dacc files"
    L="$data/L"
    "$dacc" log init --origin bench.example/interop "$L" >/dev/null
    seq 1 1000 | "$dacc" log append "$L" >/dev/null
    "$dacc" log checkpoint "$L" > "$data/old"
    seq 1001 1777 | "$dacc" log append "$L" >/dev/null
    "$dacc" log checkpoint "$L" > "$data/cp"
    "$dacc" log prove-inclusion "$L" 1500 > "$data/inc"   # c2sp.org/tlog-proof@v1
    printf 1501 > "$data/entry"
    "$dacc" log prove-consistency "$L" 1000 > "$data/cons"
    "$ref" verify "$L/log.pub" "$data/cp" "$data/inc" "$data/entry" "$data/old" "$data/cons" |
        sed 's/^/  /'
else
    echo "(no Go toolchain with golang.org/x/mod: install golang-go golang-golang-x-mod-dev" \
         "to compare with the Go reference)"
fi
