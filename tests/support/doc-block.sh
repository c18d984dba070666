#!/bin/sh
# Runs a command block of a docs/*.md page exactly as the page shows it, so
# that a walkthrough cannot drift from what the tool does. A block is marked
# by an HTML comment (invisible when the page is rendered) on the line
# before it:
#
#     <!-- doctest: NAME [PLACEHOLDER=EXPR]... -->
#
# followed, after optional blank lines, by an indented (4 spaces) or fenced
# (```) code block. NAME is [A-Za-z0-9_-]+ and unique in the page. A
# walkthrough told in several blocks with prose between them marks each
# later block `<!-- doctest-continue: NAME -->`: the test runs them all,
# in page order, as one script (placeholders come from the first). Each
# PLACEHOLDER ([A-Z][A-Z0-9_]*) is replaced, as a whole word, by the value
# of EXPR, an integer expression over NOW (the time the test starts, in
# seconds since 1970) such as NOW+604800; the page should say in prose what
# its placeholders stand for. Nothing else is changed.
#
# The block runs under `sh -e -x` in a fresh directory holding a copy of
# the repository's examples/ and of its real data, tests/data/ (so a
# walkthrough can name examples/base/grants.csv or
# tests/data/pond-l1-juror-pairs.csv as it would from the source tree), with `dacc`
# on the PATH being the DACC given here; any command that fails fails the
# test. Every marked block of docs/*.md and examples/*/README.md becomes
# the ctest test docs/NAME (tests/CMakeLists.txt).
#
# Usage: doc-block.sh DACC DOC NAME        run the block
#        doc-block.sh --print DOC NAME     print it, placeholders replaced
set -eu

print_only=0
if [ "${1:-}" = "--print" ]; then
    print_only=1
    dacc=
    shift
else
    dacc=${1:?usage: doc-block.sh DACC DOC NAME}
    shift
fi
doc=${1:?usage: doc-block.sh DACC DOC NAME}
name=${2:?usage: doc-block.sh DACC DOC NAME}
now=$(date +%s)

# The marker's line, the block's text (markers and fences stripped) after it.
marker=$(grep -E "^<!-- doctest: $name( |-->)" "$doc" || true)
[ -n "$marker" ] || { echo "$doc: no block marked '<!-- doctest: $name'" >&2; exit 1; }
[ "$(printf '%s\n' "$marker" | wc -l)" -eq 1 ] ||
    { echo "$doc: two blocks are marked '$name'" >&2; exit 1; }
block=$(awk -v name="$name" '
    function marker(l) {
        return l ~ ("^<!-- doctest: " name "( |-->)") || l ~ ("^<!-- doctest-continue: " name " -->")
    }
    state == "indent" && !/^    / && !/^[ \t]*$/ { state = "" }
    state == "" { if (marker($0)) state = "wait"; next }
    state == "wait" && /^[ \t]*$/ { next }
    state == "wait" && /^```/ { state = "fence"; next }
    state == "wait" && /^    / { state = "indent" }
    state == "wait" { state = ""; next }
    state == "fence" && /^```/ { state = ""; next }
    state == "fence" { print; next }
    state == "indent" && /^    / { print substr($0, 5); next }
    state == "indent" { print ""; next }
' "$doc")
[ -n "$block" ] || { echo "$doc: the block marked '$name' is empty" >&2; exit 1; }

# PLACEHOLDER=EXPR pairs from the marker.
subst=$(printf '%s\n' "$marker" | sed -e "s/^<!-- doctest: $name//" -e 's/-->.*$//')
for pair in $subst; do
    key=${pair%%=*}
    expr=${pair#*=}
    printf '%s\n' "$key" | grep -Eq '^[A-Z][A-Z0-9_]*$' && [ "$key" != "$pair" ] ||
        { echo "$doc: bad placeholder '$pair' in the marker of '$name'" >&2; exit 1; }
    printf '%s\n' "$expr" | grep -Eq '^[0-9NOW+*/() -]+$' ||
        { echo "$doc: '$key': EXPR may use only NOW, digits and + - * / ( )" >&2; exit 1; }
    value=$(NOW=$now; eval "echo \$(( $(printf '%s' "$expr" | sed 's/NOW/$NOW/g') ))")
    # Twice: one pass cannot replace two occurrences one character apart.
    re="(^|[^A-Za-z0-9_])$key([^A-Za-z0-9_]|\$)"
    block=$(printf '%s\n' "$block" | sed -E -e "s/$re/\\1$value\\2/g" -e "s/$re/\\1$value\\2/g")
done

if [ "$print_only" = 1 ]; then
    printf '%s\n' "$block"
    exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/dacc-doc-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin" "$work/run"
ln -s "$dacc" "$work/bin/dacc"
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
cp -R "$source_dir/examples" "$work/run/examples"
mkdir "$work/run/tests"
cp -R "$source_dir/tests/data" "$work/run/tests/data"
printf '%s\n' "$block" >"$work/block.sh"
cd "$work/run"
if PATH="$work/bin:$PATH" sh -e -x "$work/block.sh"; then
    echo "$doc: block '$name' ran as written"
else
    status=$?
    echo "$doc: block '$name' failed (exit status $status); the commands are above" >&2
    exit 1
fi
