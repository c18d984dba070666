#!/bin/sh
# bench/pgf: QF, pairwise and COCM (markov, pct_friends) in dacc against
# Gitcoin's qf-calculator on the same files: the real GR03 round and
# synthetic rounds of 10^4 to 10^6 donations. Set QF_CALCULATOR to a
# checkout of github gitcoinco/qf-calculator to include the reference (it
# runs only where it finishes in reasonable time).
# Usage: bench/pgf/run.sh BUILD_DIR
set -eu
build=${1:?usage: run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
bin="$build/bench/pgf/bench_pgf"
ref=${QF_CALCULATOR:-}
mkdir -p "$build/bench-data"
data=$(cd "$build/bench-data" && pwd)

one() { # FILE MECHANISMS-FOR-THE-REFERENCE [MECHANISMS-FOR-DACC]
    echo "== $1"
    "$bin" run "$1" ${3:-} | sed 's/^/  dacc      /'
    if [ -n "$ref" ] && [ -n "$2" ]; then
        timeout "${REFERENCE_TIMEOUT:-900}" /usr/bin/python3 -u "$here/reference.py" "$ref" "$1" $2 |
            sed 's/^/  reference /' || echo "  reference did not finish within ${REFERENCE_TIMEOUT:-900} s"
    fi
}

gr03="$data/gr03.csv"
awk -F, 'NR == 1 { print "donor,project,amount"; next } { print $1","$2","$3 }' \
    "$here/../../tests/data/gitcoin-gr03-contributions.csv" > "$gr03"
one "$gr03" "qf pairwise cocm_markov cocm_pct_friends"
for n in 10000 100000 1000000; do
    f="$data/pgf-$n.csv"
    [ -f "$f" ] || "$bin" gen "$f" $n 1000
    case $n in
        10000) one "$f" "qf pairwise cocm_markov cocm_pct_friends" ;;
        100000) one "$f" "qf cocm_markov" ;;
        *) one "$f" "" "qf cocm_markov" ;; # pairwise and pct_friends grow with
                                               # the square of the largest project
    esac
done
[ -n "$ref" ] || echo "(QF_CALCULATOR unset: dacc only)"
