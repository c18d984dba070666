#!/bin/sh
# Runs every test executable of a build under valgrind's memcheck.
# Usage: scripts/valgrind.sh BUILD_DIR
set -eu
build=${1:?usage: valgrind.sh BUILD_DIR}
status=0
for t in $(find "$build/tests" -maxdepth 1 -type f -name 'test_*' -perm -u+x | sort); do
    printf '%s ... ' "$(basename "$t")"
    log="$build/valgrind-$(basename "$t").log"
    # Criterion runs each test in a child process: follow the children. A
    # child's error does not reach the parent's exit status, but with --quiet
    # valgrind logs only errors, so any line in the log is a failure.
    if valgrind --quiet --trace-children=yes --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --log-file="$log" "$t" --jobs=1 >/dev/null 2>&1 \
        && [ ! -s "$log" ]; then
        echo ok
    else
        echo "FAILED (see $log)"
        status=1
    fi
done
exit $status
