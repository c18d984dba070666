"""Runs the Community Notes reference scorer's core model (MFCoreScorer) on a
directory of published-format TSVs and writes its note statuses, for
bench/notes/compare.py and run.sh.

Usage: reference.py DATA_DIR OUT.tsv [HELPFULNESS_OUT.tsv]

SEED (default 42) is the scorer's seed argument, which seeds torch for
every model it creates (random initial factors). Needs a checkout of github.com/twitter/communitynotes (COMMUNITYNOTES=path)
and Debian's python3-torch, python3-pandas, python3-sklearn. What this runs:
preprocess_data, the core scorer's input filter, _prescore_notes_and_users
(stable initialisation, round 1, helpfulness with the harassment tag model,
round 2, low-diligence model) and one _score_notes_and_users pass, with
pseudo-raters (PSEUDORATERS=1, the default, as runner.py has it; 0 turns
them off, and the bound columns are then empty). The extra passes without high-volume and correlated
raters (post-selection similarity) are not run, as dacc leaves them out.
Three local stand-ins make the checkout run on Debian 12: participant ids
use pandas' Python string dtype instead of pyarrow's, wandb is a no-op
module (both set up by run.sh), and value_counts names its result as
pandas 2 does (below). None of them changes the model.
"""
import os
import sys
import time

ref = os.environ.get("COMMUNITYNOTES", "/tmp/cnref")
sys.path.insert(0, os.path.join(ref, "scoring", "src"))

import pandas as pd  # noqa: E402
import torch  # noqa: E402

from scoring import constants as c  # noqa: E402
from scoring import process_data  # noqa: E402
from scoring.mf_core_scorer import MFCoreScorer  # noqa: E402


def pandas2_value_counts():
    """pandas 2 names value_counts' result "count" and its index after the
    column; the reference relies on it and Debian 12 has pandas 1.5."""
    series_vc, frame_vc = pd.Series.value_counts, pd.DataFrame.value_counts

    def s_vc(self, *a, **k):
        r = series_vc(self, *a, **k)
        r.index.name = self.name
        r.name = "proportion" if k.get("normalize") else "count"
        return r

    def f_vc(self, *a, **k):
        r = frame_vc(self, *a, **k)
        r.name = "proportion" if k.get("normalize") else "count"
        return r

    pd.Series.value_counts, pd.DataFrame.value_counts = s_vc, f_vc


def read(path, mapping):
    df = pd.read_csv(path, sep="\t", dtype=mapping, keep_default_na=True)
    return df


def main():
    data, out = sys.argv[1], sys.argv[2]
    if pd.__version__.startswith("1."):
        pandas2_value_counts()
    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    t0 = time.time()
    notes = read(os.path.join(data, "notes-00000.tsv"), c.noteTSVTypeMapping)
    ratings = read(os.path.join(data, "ratings-00000.tsv"), c.publicRatingTSVTypeMapping)
    ratings = ratings.drop(columns=[c.suggestionKey, c.suggestionIdKey])
    nsh = read(os.path.join(data, "noteStatusHistory-00000.tsv"), c.noteStatusHistoryTSVTypeMapping)
    enrollment = read(os.path.join(data, "userEnrollment-00000.tsv"), c.userEnrollmentTSVTypeMapping)
    t1 = time.time()
    notes, ratings, nsh = process_data.preprocess_data(notes, ratings, nsh)
    pseudo = os.environ.get("PSEUDORATERS", "1") == "1"
    scorer = MFCoreScorer(seed=int(os.environ.get("SEED", "42")), pseudoraters=pseudo,
                          useStableInitialization=True, threads=2)
    topics = pd.DataFrame({c.noteIdKey: pd.Series([], dtype="int64"),
                           c.noteTopicKey: pd.Series([], dtype=object)})
    r, h = scorer._filter_input(topics, ratings, nsh, enrollment)
    noteOut, raterOut, meta = scorer._prescore_notes_and_users(r, h, enrollment)
    scored, _ = scorer._score_notes_and_users(r, h, noteOut, raterOut, meta)
    t2 = time.time()
    cols = [c.noteIdKey, c.internalNoteInterceptKey, c.internalNoteFactor1Key,
            c.internalRatingStatusKey, c.internalActiveRulesKey, c.noteInterceptMinKey,
            c.noteInterceptMaxKey]
    scored[cols].sort_values(c.noteIdKey).to_csv(out, sep="\t", index=False)
    if len(sys.argv) > 3:
        rcols = [c.raterParticipantIdKey, c.internalRaterInterceptKey, c.internalRaterFactor1Key,
                 c.aboveHelpfulnessThresholdKey, c.raterAgreeRatioKey]
        raterOut[rcols].sort_values(c.raterParticipantIdKey).to_csv(sys.argv[3], sep="\t",
                                                                     index=False)
    print(f"reference: read {t1 - t0:.2f} s, score {t2 - t1:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
