"""Runs the reference scorer on a directory of published-format TSVs and
writes its four output files, for compare_outputs.py: with its core model
alone, or with SCORERS (a comma list of MFExpansionPlusScorer,
MFExpansionScorer, MFCoreScorer, MFGroupScorer_N for group N (1 to 13
with the default constants, 33 and 18 with their own),
MFMultiGroupScorer, MFCoreWithTopicsScorer, MFTopicScorer: dacc's whole
pipeline) given, each as run_scoring._get_scorers builds it (MFTopicScorer:
one per topic). With MFCoreWithTopicsScorer or MFTopicScorer among them the
topic model runs first, as run_scoring.run_prescoring runs it (TopicModel's
train_note_topic_classifier and get_note_topics on the notes file);
otherwise no note has a topic.

Usage: reference_outputs.py DATA_DIR STATUS_FILE OUT_DIR EPOCH_MILLIS [SCORERS]

Each scorer runs prescore, then score_final on the prescoring outputs of
all of them combined (combine_prescorer_scorer_results), as run_scoring's
run_prescoring and run_final_note_scoring do; the meta-scorer then has the
rules of the enabled scorers (meta_score).

What it runs is main.py's pipeline (run_scoring.run_scoring) with
--scorers MFCoreScorer --nopseudoraters, seed SEED (environment, default
42; it seeds torch for every model), through the reference's
own functions: preprocess_data; MFCoreScorer.prescore, combine_prescorer_scorer_results and score_final;
combine_final_scorer_results; post_note_scoring (note stats, meta_score with
only the core model's rules, the status history update); and
the first step of run_contributor_scoring for helpfulness_scores.tsv. Left out, because
main.py cannot run them on synthetic data (the topic classifier needs note
texts of at least two topics and fails on "Synthetic note N.") or because
dacc has no counterpart: the topic model (unless asked for), post-selection
similarity (unless PSS=1), and the pflip and PCRH models, whose outputs are given as missing (NaN), which is
what those columns hold when the models score nothing. The note subsets of
rescoringActiveRules are ALL_NOTES only (main.py's others depend on the wall
clock). Needs COMMUNITYNOTES (a checkout of github twitter/communitynotes),
Debian's python3-torch, python3-pandas, python3-sklearn, and the stand-ins
run.sh sets up (see reference.py).
"""
import os
import sys

ref = os.environ.get("COMMUNITYNOTES", "/tmp/cnref")
SEED = int(os.environ.get("SEED", "42"))
sys.path.insert(0, os.path.join(ref, "scoring", "src"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import reference  # noqa: E402  (pandas 2's value_counts on pandas 1.5)
from scoring import constants as c  # noqa: E402
from scoring import process_data, run_scoring  # noqa: E402
from scoring.enums import Scorers  # noqa: E402
from scoring.mf_core_scorer import MFCoreScorer  # noqa: E402
from scoring.mf_expansion_plus_scorer import MFExpansionPlusScorer  # noqa: E402
from scoring.mf_expansion_scorer import MFExpansionScorer  # noqa: E402
from scoring.mf_group_scorer import MFGroupScorer  # noqa: E402
from scoring.mf_group_scorer import coalesce_group_model_helpfulness_scores  # noqa: E402
from scoring.mf_multi_group_scorer import MFMultiGroupScorer  # noqa: E402
from scoring.mf_multi_group_scorer import (  # noqa: E402
    coalesce_multi_group_model_helpfulness_scores)
from scoring.mf_core_with_topics_scorer import MFCoreWithTopicsScorer  # noqa: E402
from scoring.mf_topic_scorer import MFTopicScorer  # noqa: E402
from scoring.enums import Topics  # noqa: E402
from scoring.topic_model import TopicModel  # noqa: E402
from scoring.post_selection_similarity import apply_post_selection_similarity  # noqa: E402
from scoring.run_scoring import PFLIP_LABEL  # noqa: E402


def read(path, mapping):
    return pd.read_csv(path, sep="\t", dtype=mapping, keep_default_na=True)


def main():
    data, status, out, epoch = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    if pd.__version__.startswith("1."):
        reference.pandas2_value_counts()
    c.epochMillis = epoch
    c.useCurrentTimeInsteadOfEpochMillisForNoteStatusHistory = False
    notes = read(os.path.join(data, "notes-00000.tsv"), c.noteTSVTypeMapping)
    ratings = read(os.path.join(data, "ratings-00000.tsv"), c.publicRatingTSVTypeMapping)
    ratings = ratings.drop(columns=[c.suggestionKey, c.suggestionIdKey])
    nsh = read(status, c.noteStatusHistoryTSVTypeMapping)
    enrollment = read(os.path.join(data, "userEnrollment-00000.tsv"),
                      c.userEnrollmentTSVTypeMapping)
    notes, ratings, nsh = process_data.preprocess_data(notes, ratings, nsh)
    # Rater clustering as run_scoring.run_scoring runs it (PSS=1 in the environment), or
    # --skip-pss: an empty table. apply_post_selection_similarity then gets, as main.py's
    # phases give it, run_prescoring's whole table and run_final_note_scoring's rows of
    # prescoringRaterModelOutput with both values (its dropna()); each in the order
    # _run_scorers gives the ratings before every scorer.
    cols = [c.raterParticipantIdKey, c.postSelectionValueKey, c.quasiCliqueValueKey]
    pss = pd.DataFrame(columns=cols)
    if os.environ.get("PSS") == "1":
        pss = run_scoring.run_rater_clustering(notes=notes, ratings=ratings)
        both = pss[cols].dropna()
        print(f"PSS: {pss[c.postSelectionValueKey].notna().sum()} clique raters, "
              f"{pss[c.quasiCliqueValueKey].notna().sum()} quasi-clique raters, "
              f"{len(both)} in both", file=sys.stderr)
    order = [c.highVolumeRaterKey, c.correlatedRaterKey]
    preRatings = apply_post_selection_similarity(notes, ratings.copy(), pss)
    preRatings = preRatings.sort_values(order, ascending=True)
    ratings = apply_post_selection_similarity(notes, ratings.copy(), pss[cols].dropna())
    ratings = ratings.sort_values(order, ascending=True)
    names = sys.argv[5].split(",") if len(sys.argv) > 5 else ["MFCoreScorer"]
    topics = pd.DataFrame({c.noteIdKey: pd.Series([], dtype="int64"),
                           c.noteTopicKey: pd.Series([], dtype=object)})
    if {"MFCoreWithTopicsScorer", "MFTopicScorer"} & set(names):
        model = TopicModel()
        pipe, seeds, conflicted = model.train_note_topic_classifier(notes)
        topics = model.get_note_topics(notes, [pipe], [seeds],
                                       conflictedTextSetsForAccuracyEval=[conflicted])
    # the NMR group scorers' own constants in _get_scorers
    GROUP_CONSTANTS = {
        33: dict(strictInclusion=True, groupThreshold=0.8),
        18: dict(noteInterceptLambda=0.03 * 5, userInterceptLambda=0.03,
                 globalInterceptLambda=0, noteFactorLambda=0.03, userFactorLambda=0.03,
                 crhThreshold=0.2, crhThresholdNoHighVol=0.18,
                 crhThresholdNoCorrelated=0.18, groupThreshold=0.51),
    }
    make = {
        "MFCoreScorer": (Scorers.MFCoreScorer, lambda: MFCoreScorer(
            seed=SEED, pseudoraters=False, useStableInitialization=True, threads=2)),
        "MFExpansionScorer": (Scorers.MFExpansionScorer, lambda: MFExpansionScorer(
            seed=SEED, useStableInitialization=True, threads=2)),
        "MFExpansionPlusScorer": (Scorers.MFExpansionPlusScorer, lambda: MFExpansionPlusScorer(
            seed=SEED, useStableInitialization=True, threads=2)),
        "MFMultiGroupScorer": (Scorers.MFMultiGroupScorer, lambda: MFMultiGroupScorer(
            includedGroups={4, 5, 7, 12, 26}, groupId=1, threads=2, seed=SEED)),
        "MFCoreWithTopicsScorer": (Scorers.MFCoreWithTopicsScorer, lambda: MFCoreWithTopicsScorer(
            seed=SEED, pseudoraters=False, useStableInitialization=True, threads=2)),
    }
    scorers = {}
    for n in names:
        if n.startswith("MFGroupScorer_"):  # as run_scoring._get_scorers builds each
            g = int(n.split("_")[1])
            scorers.setdefault(Scorers.MFGroupScorer, []).append(
                MFGroupScorer(includedGroups={g}, groupId=g, threads=2, seed=SEED,
                              **GROUP_CONSTANTS.get(g, {})))
        elif n == "MFTopicScorer":  # _get_scorers (final=False): InDimensionTwo's own constants
            scorers[Scorers.MFTopicScorer] = [
                MFTopicScorer(topicName=t.name, seed=SEED, useGlobalIntercept=False,
                              userInterceptLambda=5) if t == Topics.InDimensionTwo
                else MFTopicScorer(topicName=t.name, seed=SEED) for t in Topics]
        else:
            scorers[make[n][0]] = [make[n][1]()]
    every = [s for group in scorers.values() for s in group]
    pres = [s.prescore(c.PrescoringArgs(topics, preRatings, nsh, enrollment)) for s in every]
    preNotes, preRaters, meta = run_scoring.combine_prescorer_scorer_results(pres)
    finals = [s.score_final(c.FinalScoringArgs(
        topics, ratings, nsh, enrollment, prescoringNoteModelOutput=preNotes,
        prescoringRaterModelOutput=preRaters, prescoringMetaOutput=meta, empiricalTotals=None))
        for s in every]
    scored, aux = run_scoring.combine_final_scorer_results(finals, nsh)
    for col in (c.coreNegFactorPopulationSampledRatingCountKey,
                c.corePosFactorPopulationSampledRatingCountKey):
        if col in aux.columns:
            aux[col] = aux[col].fillna(0).astype(np.int64)
    scored[PFLIP_LABEL] = np.nan
    scored[c.pflipProbaKey] = np.nan
    scored, aux = run_scoring.merge_pcrh_results(pd.DataFrame(), scored, aux)
    # The meta-scorer's NmrDueToMinStableCrhTime depends on the Gaussian model's rule, and
    # that on the expansion model's, so both are enabled with nothing scored: their status
    # columns are missing, and their rules act on no note. No topic model: no topic.
    for col in (c.expansionRatingStatusKey, c.expansionNoteInterceptKey,
                c.gaussianRatingStatusKey, c.gaussianNoteInterceptKey, c.noteTopicKey,
                c.topicNoteConfidentKey, c.groupRatingStatusKey, c.modelingGroupKey,
                c.multiGroupRatingStatusKey, c.modelingMultiGroupKey):
        if col not in scored.columns:
            scored[col] = np.nan
    enabled = set(scorers) | {Scorers.MFExpansionScorer, Scorers.GaussianScorer}
    subsets = [c.NoteSubset(noteSet=None, maxNewCrhChurnRate=1.0, maxOldCrhChurnRate=1.0,
                            description=c.RescoringRuleID.ALL_NOTES)]
    scored, newNsh, aux = run_scoring.post_note_scoring(
        scorers, scored, aux, ratings, nsh, subsets,
        enabledScorers=enabled, strictColumns=False, checkFlips=False)
    scored = scored.reindex(columns=c.noteModelOutputTSVColumns)
    newNsh = newNsh.reindex(columns=c.noteStatusHistoryTSVColumns)
    aux = aux.reindex(columns=c.auxiliaryScoredNotesTSVColumns)
    # run_contributor_scoring's first steps: the prescoring rater parameters as helpfulness
    # scores, the group scorers' per-group columns coalesced. Its next, the contributor state
    # machine (contributor_state.py), is left out as dacc leaves it out: those columns are
    # empty in both.
    helpful = run_scoring.convert_prescoring_rater_model_output_to_coalesced_helpfulness_scores(
        preRaters, enrollment)
    helpful = coalesce_group_model_helpfulness_scores(helpful)
    helpful = coalesce_multi_group_model_helpfulness_scores(helpful)
    helpful = helpful.reindex(columns=c.raterModelOutputTSVColumns)
    os.makedirs(out, exist_ok=True)
    for df, name in ((scored, "scored_notes.tsv"), (helpful, "helpfulness_scores.tsv"),
                     (newNsh, "note_status_history.tsv"), (aux, "aux_note_info.tsv")):
        process_data.write_tsv_local(df, os.path.join(out, name))


if __name__ == "__main__":
    main()
