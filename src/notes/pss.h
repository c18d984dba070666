/* Rater clustering (run_scoring.run_rater_clustering): post-selection
 * similarity (post_selection_similarity.py) and quasi-cliques
 * (quasi_clique_detection.py), and what the scorers do with them
 * (apply_post_selection_similarity). */
#ifndef DACC_NOTES_PSS_H
#define DACC_NOTES_PSS_H

#include "internal.h"

/* Per participant: the post-selection similarity clique (1, 2, ...; 0:
 * none) and whether the participant is in a quasi-clique. Clique numbers
 * only tell raters apart: the reference compares them for equality and
 * quasi-clique numbers with >= 1. */
typedef struct notes_cliques {
    uint32_t *pss;
    uint8_t *qc;
    size_t pss_raters, pss_cliques, qc_raters, qc_cliques;
} notes_cliques;

/* Both clusterings over the ratings sel marks (preprocessed: answered,
 * deduplicated, on notes in scope). */
dacc_status notes_find_cliques(const dacc_notes *nt, const uint8_t *sel, notes_cliques *out,
                               dacc_error *err);
void notes_cliques_free(notes_cliques *c);

/* apply_post_selection_similarity on the ratings sel marks, into keep:
 * a rating by a rater of clique[rater] != 0 is dropped when the note's
 * author is in the same clique, and otherwise kept only when it is the
 * clique's first on the note (by createdAtMillis, ties in reading order).
 * Nothing is dropped when the notes file has fewer than 200 notes
 * (constants.minNumNotesForProdData). Returns the ratings dropped. */
dacc_status notes_apply_pss(const dacc_notes *nt, const uint8_t *sel, const uint32_t *clique,
                            uint8_t *keep, size_t *dropped);

#endif
