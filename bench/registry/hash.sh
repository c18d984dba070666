#!/bin/sh
# dacc registry hash on a generated model directory against sha256sum of the
# same files in the same run, all from a warm page cache: one sha256sum (one
# core) and two in parallel (the read-to-SHA-256 floor on both cores), with
# dacc's peak memory.
# Usage: bench/registry/hash.sh DACC [GiB]   (files are made in a fresh
# directory under /tmp and deleted at the end)
set -eu
dacc=$1
gib=${2:-4}
dir=$(mktemp -d /tmp/dacc-regbench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/model"
n=$((gib * 2))
i=1
while [ $i -le $n ]; do
    head -c 536870912 /dev/urandom >"$dir/model/model-$(printf %05d $i)-of-$(printf %05d $n).safetensors"
    i=$((i + 1))
done
printf '{"architectures":["Bench"]}\n' >"$dir/model/config.json"
sync
now() { date +%s.%N; }
# Every run reads the same warm page cache: the files are read once first
# (4 GiB fits in memory here), so no run pays for the disk the one before
# it loaded. The read itself, timed, is the floor of moving the bytes.
cat "$dir"/model/* >/dev/null
r0=$(now); cat "$dir"/model/* >/dev/null; r1=$(now)
t0=$(now); (cd "$dir/model" && sha256sum -- * >/dev/null); t1=$(now)
t2=$(now); (cd "$dir/model" && ls | xargs -P 2 -n 1 sha256sum >/dev/null); t3=$(now)
/usr/bin/time -f '%M' -o "$dir/rss" "$dacc" registry hash --digest "$dir/model" >/dev/null
t4=$(now)
/usr/bin/time -f '%M' -o "$dir/rss" "$dacc" registry hash --digest "$dir/model" >/dev/null
t5=$(now)
awk -v r0="$r0" -v r1="$r1" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" -v f="$t5" -v g="$gib" -v rss="$(cat "$dir/rss")" 'BEGIN {
    one = b - a; two = d - c; dacc = f - e; rd = r1 - r0;
    printf "cat > /dev/null (warm read):    %.2f s (%.0f MB/s)\n", rd, g * 1073.741824 / rd;
    printf "sha256sum, one process:        %.2f s (%.0f MB/s)\n", one, g * 1073.741824 / one;
    printf "sha256sum, two in parallel:    %.2f s (%.0f MB/s)  <- the floor on both cores\n", two, g * 1073.741824 / two;
    printf "dacc registry hash:            %.2f s (%.0f MB/s), peak RSS %d KiB\n", dacc, g * 1073.741824 / dacc, rss;
    printf "ratio dacc / floor:            %.2f\n", dacc / two;
}'
