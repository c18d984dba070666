#!/bin/sh
# bench/notes: the Community Notes core pipeline (read, three fits, statuses)
# on synthetic data of growing size: wall time and peak memory of
# `dacc notes score`, and beside it the reference scorer (MFCoreScorer) on
# the same files where it finishes, with the ratio and the status agreement.
# Set COMMUNITYNOTES to a checkout of github twitter/communitynotes to
# include the reference (Debian's python3-torch, python3-pandas and
# python3-sklearn); it runs on sizes up to REFERENCE_MAX ratings (default
# 1000000). SIZES lists the sizes (default "1000000 10000000"; the 10^8 run
# needs about 13 GB of disk for its ratings file).
# With COMMUNITYNOTES set it then runs the reference's command line shape
# on OUTPUTS_SIZE ratings (default 200000; synthetic data with expansion
# and expansion-plus raters, topics, the NMR groups, four planted rater
# cliques and incorrect tags for the low-diligence model, --expansion 0.15
# --expansion-plus 0.05 --topics 0.3 --nmr-groups 0.2 --cliques 4
# --incorrect-tags; rater clustering on in both, PSS=1) three
# times, each run reading the status history the last one wrote (at T,
# T + 61 minutes, T + 15 days), dacc's whole pipeline and the reference's
# with the same scorers (reference_outputs.py SCORERS) each on its own
# history, and compares the four output files column by column
# (compare_outputs.py), both without pseudo-raters (reference_outputs.py
# runs the reference's --nopseudoraters shape). The core comparison above
# runs both with them, as runner.py does by default.
# Usage: bench/notes/run.sh BUILD_DIR
set -eu
build=${1:?usage: run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
dacc="$build/dacc"
ref=${COMMUNITYNOTES:-}
refmax=${REFERENCE_MAX:-1000000}
mkdir -p "$build/bench-data"
data=$(cd "$build/bench-data" && pwd)

# Runs "$@", prints "<seconds> <peak MiB>" from GNU time.
measure() {
    /usr/bin/time -f '%e %M' -o "$data/time.txt" "$@" >/dev/null
    awk '{ printf "%s s, %.0f MiB", $1, $2 / 1024 }' "$data/time.txt"
}

stub() { # the reference checkout as it runs on Debian 12 (see reference.py)
    mkdir -p "$data/cnstub"
    cat > "$data/cnstub/wandb.py" <<'PY'
class _Nothing:
    def __init__(self, *a, **k): self.summary = {}
    def __getattr__(self, name): return lambda *a, **k: None
def init(*a, **k): return _Nothing()
def log(*a, **k): pass
def finish(*a, **k): pass
Histogram = Settings = _Nothing
run = _Nothing()
PY
    rm -rf "$data/cnref" && cp -r "$ref" "$data/cnref"
    sed -i 's/pd.StringDtype("pyarrow")/pd.StringDtype()/' "$data/cnref/scoring/src/scoring/constants.py"
    # A group scorer whose group leaves no training ratings: the reference
    # asserts unless the scorer is one of three it names, then scores no
    # note (EmptyRatingException); synthetic data leave core group 6 that
    # small, and dacc scores no note there either.
    sed -i 's/assert self.get_name() in allowedEmptyRatingScorers, .*/pass/' \
        "$data/cnref/scoring/src/scoring/mf_base_scorer.py"
    # A topic scorer keeps its topic's ratings with an inner merge, which
    # keeps the ratings' order (sorted by high-volume rater, as score_final
    # asserts) under pandas 2 but groups them by note under Debian's pandas
    # 1.5; isin keeps the order under both.
    sed -i 's/^      ratings = ratings.merge(notes)$/      ratings = ratings[ratings[c.noteIdKey].isin(notes[c.noteIdKey])]/' \
        "$data/cnref/scoring/src/scoring/scorer.py"
    # strictInclusion (group 33) keeps its notes' ratings with the same
    # kind of merge
    sed -i 's/^        ratings = ratings.merge(ratios\[ratios\[_IN_GROUP\] >= self._captureThreshold\]\[\[c.noteIdKey\]\])$/        ratings = ratings[ratings[c.noteIdKey].isin(ratios[ratios[_IN_GROUP] >= self._captureThreshold][c.noteIdKey])]/' \
        "$data/cnref/scoring/src/scoring/scorer.py"
    # Quasi-cliques (PSS=1): the reference fails when no pair of raters
    # agrees on 5 posts (zip of nothing) and when a clique has no rater
    # left to add (.item() of an empty frame), as on synthetic data whose
    # planted cliques nobody else rates like; dacc finds no clique, or
    # stops growing, there.
    q="$data/cnref/scoring/src/scoring/quasi_clique_detection.py"
    sed -i 's/^    left, right, count = zip($/    left, right, count = ((), (), ()) if max(raterPairCounts.values(), default=0) < minAlignedRatings else zip(/' "$q"
    sed -i 's/^      candidate = ($/      if len(alignedTweetPerRater) == 0:\n        return includedRaters, set(groupRatingCounts[c.tweetIdKey].drop_duplicates())\n      candidate = (/' "$q"
}

[ -z "$ref" ] || stub
for n in ${SIZES:-1000000 10000000}; do
    dir="$data/notes-$n"
    [ -f "$dir/ratings-00000.tsv" ] || "$dacc" notes synth -n "$n" --seed 1 --out-dir "$dir"
    echo "== $n ratings ($(wc -l < "$dir/notes-00000.tsv") notes)"
    echo "  dacc      $(measure "$dacc" notes score --out-dir "$dir/dacc" "$dir")"
    if [ -n "$ref" ] && [ "$n" -le "$refmax" ]; then
        echo "  reference $(measure env PYTHONPATH="$data/cnstub" COMMUNITYNOTES="$data/cnref" \
            /usr/bin/python3 "$here/reference.py" "$dir" "$dir/reference.tsv")"
        /usr/bin/python3 "$here/compare.py" "$dir/dacc/scored_notes.tsv" "$dir/reference.tsv" |
            sed 's/^/  /'
    fi
done
[ -n "$ref" ] || { echo "(COMMUNITYNOTES unset: dacc only)"; exit 0; }

# The four output files, run after run.
n=${OUTPUTS_SIZE:-200000}
dir="$data/notes-whole-c4i-$n"
[ -f "$dir/ratings-00000.tsv" ] ||
    "$dacc" notes synth -n "$n" --seed 1 --expansion 0.15 --expansion-plus 0.05 --topics 0.3 \
        --nmr-groups 0.2 --cliques 4 --incorrect-tags --out-dir "$dir"
scorers=MFExpansionPlusScorer,MFExpansionScorer,MFCoreScorer
for g in 13 12 11 10 9 8 7 6 5 4 3 2 1 33 18; do scorers="$scorers,MFGroupScorer_$g"; done
scorers="$scorers,MFMultiGroupScorer,MFCoreWithTopicsScorer,MFTopicScorer"
prev_d="$dir/noteStatusHistory-00000.tsv" prev_r="$prev_d"
for t in 1700090001000 1700093661000 1701386001000; do
    rm -rf "$dir/dacc-$t" "$dir/ref-$t"
    "$dacc" notes score --enrollment "$dir/userEnrollment-00000.tsv" \
        --notes "$dir/notes-00000.tsv" --ratings "$dir/ratings-00000.tsv" \
        --status "$prev_d" --outdir "$dir/dacc-$t" --epoch-millis "$t" --nopseudoraters 2>/dev/null
    env PSS=1 PYTHONPATH="$data/cnstub" COMMUNITYNOTES="$data/cnref" /usr/bin/python3 \
        "$here/reference_outputs.py" "$dir" "$prev_r" "$dir/ref-$t" "$t" "$scorers" >/dev/null 2>&1
    echo "== outputs at --epoch-millis $t (history of the run before)"
    /usr/bin/python3 "$here/compare_outputs.py" "$dir/dacc-$t" "$dir/ref-$t" | sed 's/^/  /'
    prev_d="$dir/dacc-$t/note_status_history.tsv" prev_r="$dir/ref-$t/note_status_history.tsv"
done
