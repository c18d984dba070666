#!/bin/sh
# Runs every libFuzzer target of a fuzz build for a bounded time, starting
# from its checked-in corpus. New inputs go to build/fuzz/corpus/<name>/, so
# the checked-in corpus only changes by hand; findings go to fuzz/artifacts/.
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS
set -eu
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS}
seconds=${2:-60}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$here/fuzz/artifacts"
status=0
for t in $(find "$build/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x | sort); do
    name=$(basename "$t" | sed 's/^fuzz_//')
    work="$build/corpus/$name"
    mkdir -p "$work"
    echo "== fuzz $name for ${seconds}s"
    if "$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$here/fuzz/artifacts/$name-" "$work" "$here/fuzz/corpus/$name" \
        >"$build/fuzz-$name.log" 2>&1; then
        grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$build/fuzz-$name.log" | tail -n 2
    else
        echo "FINDING in $name: see $build/fuzz-$name.log and fuzz/artifacts/"
        tail -n 30 "$build/fuzz-$name.log"
        status=1
    fi
done
exit $status
