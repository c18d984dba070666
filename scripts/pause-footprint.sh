#!/bin/sh
# Reports the soft-pause device verifier's footprint: code size of the
# verifier and the tlog verification code it uses, and its worst-case stack
# (the deepest call chain from dacc_pause_init/_rotate/_verify/_check, from
# GCC's -fcallgraph-info=su; libsodium's own frames are not included).
# Usage: scripts/pause-footprint.sh [CC]   (needs GCC 10 or later)
set -eu
cc=${1:-gcc}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
srcs="src/pause/verify.c src/tlog/merkle.c src/tlog/note.c src/tlog/checkpoint.c
      src/tlog/proof_text.c src/base/codec.c src/base/sha256.c src/base/error.c"
for f in $srcs; do
    "$cc" -std=c11 -D_DEFAULT_SOURCE -Os -I"$here/include" -I"$here/src/base" \
        -fstack-usage -fcallgraph-info=su -c "$here/$f" -o "$out/$(basename "$f" .c).o"
done
text=$(size "$out/verify.o" | awk 'NR == 2 { print $1 }')
all=$(size "$out"/*.o | awk 'NR > 1 { t += $1 } END { print t }')
cat "$out"/*.ci | awk '
    function short(t) { sub(/^.*:/, "", t); return t }
    /^node:/ {
        match($0, /title: "[^"]*"/); t = short(substr($0, RSTART + 8, RLENGTH - 9))
        if (match($0, /\\n[0-9]+ bytes/)) {
            b = substr($0, RSTART + 2, RLENGTH - 2) + 0
            if (b > stack[t]) stack[t] = b
        }
    }
    /^edge:/ {
        match($0, /sourcename: "[^"]*"/); s = short(substr($0, RSTART + 13, RLENGTH - 14))
        match($0, /targetname: "[^"]*"/); d = short(substr($0, RSTART + 13, RLENGTH - 14))
        n[s]++; callee[s, n[s]] = d
    }
    function worst(f, depth,    i, w, best) {
        if (f in memo) return memo[f]
        if (depth > 64 || (f in onpath)) { recursive = recursive " " f; return 0 }
        onpath[f] = 1; best = 0
        for (i = 1; i <= n[f]; i++) { w = worst(callee[f, i], depth + 1); if (w > best) best = w }
        delete onpath[f]
        memo[f] = stack[f] + best
        return memo[f]
    }
    END {
        split("dacc_pause_init dacc_pause_rotate dacc_pause_verify dacc_pause_check", e, " ")
        for (i = 1; i <= 4; i++) {
            w = worst(e[i], 0)
            printf "  %-20s worst-case stack %6d bytes\n", e[i], w
        }
        if (recursive != "") print "  recursion found:" recursive
    }' > "$out/stack.txt"
echo "pause device verifier footprint ($cc -Os):"
echo "  code: verify.o $text bytes; with the tlog verification code it calls: $all bytes"
cat "$out/stack.txt"
