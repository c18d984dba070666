#!/bin/sh
# bench/vuln: 10^5 OSV advisories (one zip, as osv.dev publishes them)
# against a 5,000-package dpkg inventory (this machine's status file plus
# generated packages), dacc against a straightforward Python matcher
# (python3-debian, python3-packaging) on the same files, same run. Both print
# a digest of their findings: equal digests mean the same answer.
# Usage: bench/vuln/run.sh BUILD_DIR
set -eu
build=${1:?usage: run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build/bench-data/vuln"
data=$(cd "$build/bench-data/vuln" && pwd)
/usr/bin/python3 "$here/gen.py" /var/lib/dpkg/status "$data"
# CPU seconds (user + system) beside wall seconds: on a shared machine the
# wall time of either side varies with the other jobs, its CPU time less.
cpu() { awk '{ printf "%.2f", $1 + $2 }' "$1"; }
c=$(/usr/bin/time -f "%U %S" -o "$data/c.time" "$build/bench/vuln/bench_vuln" "$data/all.zip" "$data/status" 12)
p=$(/usr/bin/time -f "%U %S" -o "$data/p.time" /usr/bin/python3 "$here/reference.py" "$data/all.zip" "$data/status" 12)
echo "dacc:   $c cpu=$(cpu "$data/c.time")"
echo "python: $p cpu=$(cpu "$data/p.time")"
cd_=$(echo "$c" | sed 's/.*digest=//')
pd=$(echo "$p" | sed 's/.*digest=//')
[ "$cd_" = "$pd" ] || { echo "the findings differ" >&2; exit 1; }
cs=$(echo "$c" | sed 's/^seconds=\([0-9.]*\).*/\1/')
ps=$(echo "$p" | sed 's/^seconds=\([0-9.]*\).*/\1/')
awk -v a="$ps" -v b="$cs" -v ac="$(cpu "$data/p.time")" -v bc="$(cpu "$data/c.time")" \
    'BEGIN { printf "same findings; wall: dacc %.3f s, python %.3f s: %.1fx; cpu: dacc %.2f s, python %.2f s: %.1fx\n", b, a, a / b, bc, ac, ac / bc }'
