"""Writes tests/notes/vectors/tag_filters.txt: a small random set of
ratings with not-helpful tags, note and rater factors, and what the
reference's own functions compute from them: tag_filter.
get_note_tag_aggregates (weights and adjusted tag totals), tag_filter.
get_tag_thresholds over a set of CRH notes, and incorrect_filter.
get_incorrect_aggregates. tests/notes/test_filters.c checks dacc's
tag_filter.c and incorrect_filter.c against them.

Usage: COMMUNITYNOTES=checkout python3 filter_vectors.py OUT.txt
"""
import os
import sys

import numpy as np
import pandas as pd

ref = os.environ.get("COMMUNITYNOTES", "/tmp/cnref")
sys.path.insert(0, os.path.join(ref, "scoring", "src"))

from scoring import constants as c  # noqa: E402
from scoring import incorrect_filter, tag_filter  # noqa: E402


def main():
    rng = np.random.default_rng(7)
    notes, raters = 12, 30
    rows = []
    for u in range(raters):
        for n in rng.choice(notes, size=8, replace=False):
            tags = (rng.random(len(c.notHelpfulTagsTSVOrder)) < 0.25).astype(int)
            if rng.random() < 0.4:
                tags[:] = 0
            if rng.random() < 0.3:
                tags[1] = 1  # notHelpfulIncorrect
            rows.append([int(n) + 1, f"r{u:02d}"] + list(tags))
    ratings = pd.DataFrame(rows, columns=[c.noteIdKey, c.raterParticipantIdKey]
                           + c.notHelpfulTagsTSVOrder)
    # note 12 and rater r29 have no factor: the reference's inner merges drop them
    noteParams = pd.DataFrame({c.noteIdKey: np.arange(1, notes),
                               c.internalNoteFactor1Key: rng.normal(0, 0.4, notes - 1)})
    raterParams = pd.DataFrame({c.raterParticipantIdKey: [f"r{u:02d}" for u in range(raters - 1)],
                                c.internalRaterFactor1Key: rng.normal(0, 0.4, raters - 1)})
    agg = tag_filter.get_note_tag_aggregates(ratings, noteParams, raterParams)
    crh = [1, 2, 4, 5, 7, 8, 10]
    thr = tag_filter.get_tag_thresholds(agg[agg[c.noteIdKey].isin(crh)], 95)
    inc = incorrect_filter.get_incorrect_aggregates(ratings, noteParams, raterParams)
    with open(sys.argv[1], "w") as out:
        out.write("# github twitter/communitynotes 273c895, written by bench/notes/filter_vectors.py\n")
        out.write("# R note rater tags (13 not-helpful tags, notHelpfulTagsTSVOrder)\n")
        for r in rows:
            out.write("R %d %s %s\n" % (r[0], r[1], "".join(str(t) for t in r[2:])))
        for n, f in zip(noteParams[c.noteIdKey], noteParams[c.internalNoteFactor1Key]):
            out.write("N %d %.17g\n" % (n, f))
        for u, f in zip(raterParams[c.raterParticipantIdKey], raterParams[c.internalRaterFactor1Key]):
            out.write("U %s %.17g\n" % (u, f))
        out.write("# A note weight adjusted[13]: get_note_tag_aggregates\n")
        for _, a in agg.iterrows():
            out.write("A %d %.17g %s\n" % (a[c.noteIdKey], a[c.ratingWeightKey], " ".join(
                "%.17g" % a[k] for k in c.notHelpfulTagsAdjustedColumns)))
        out.write("# C crh notes; T thresholds[13]: get_tag_thresholds(95)\n")
        out.write("C %s\n" % " ".join(str(n) for n in crh))
        out.write("T %s\n" % " ".join("%.17g" % thr[k] for k in c.notHelpfulTagsAdjustedRatioColumns))
        out.write("# I note notHelpfulIncorrect_interval num_voters_interval "
                  "p_incorrect_user_interval tf_idf_incorrect_interval\n")
        for _, a in inc.iterrows():
            out.write("I %d %d %d %.17g %.17g\n" % (
                a[c.noteIdKey], a[c.notHelpfulIncorrectIntervalKey], a[c.numVotersIntervalKey],
                a[c.sumOfIncorrectTagRateByRaterIntervalKey], a[c.noteTfIdfIncorrectScoreIntervalKey]))


if __name__ == "__main__":
    main()
