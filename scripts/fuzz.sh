#!/bin/sh
# Runs every libFuzzer target of a fuzz build for a bounded time, starting
# from its checked-in corpus (and fuzz/<name>.dict when there is one). New
# inputs go to build/fuzz/corpus/<name>/, so the checked-in corpus only
# changes by hand; findings go to fuzz/artifacts/.
#
# Every input has a time limit of TIMEOUT seconds (default 5): an input that
# runs longer is a finding (libFuzzer writes it as fuzz/artifacts/<name>-
# timeout-*), so a hang cannot hide behind the total time limit.
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS [TIMEOUT] [TARGET...]
set -eu
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS [TIMEOUT] [TARGET...]}
seconds=${2:-60}
timeout=${3:-5}
shift $(($# < 3 ? $# : 3))
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$here/fuzz/artifacts"
status=0
for t in $(find "$build/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x | sort); do
    name=$(basename "$t" | sed 's/^fuzz_//')
    if [ $# -gt 0 ] && ! echo " $* " | grep -q " $name "; then
        continue
    fi
    work="$build/corpus/$name"
    mkdir -p "$work"
    dict=""
    [ -f "$here/fuzz/$name.dict" ] && dict="-dict=$here/fuzz/$name.dict"
    echo "== fuzz $name for ${seconds}s, ${timeout}s per input"
    # shellcheck disable=SC2086
    if "$t" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 \
        -print_final_stats=1 $dict -artifact_prefix="$here/fuzz/artifacts/$name-" \
        "$work" "$here/fuzz/corpus/$name" >"$build/fuzz-$name.log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz-$name.log")
        cov=$(grep -E '^#[0-9]+' "$build/fuzz-$name.log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
        echo "   $name: ${runs:-?} executions, coverage ${cov:-?}, no finding"
    else
        echo "FINDING in $name: see $build/fuzz-$name.log and fuzz/artifacts/"
        tail -n 30 "$build/fuzz-$name.log"
        status=1
    fi
done
exit $status
