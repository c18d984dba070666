/* dacc — public-goods funding: quadratic funding (QF), pairwise-bounded QF
 * and connection-oriented cluster matching (COCM), on sparse donations.
 *
 * A round is a sparse matrix of donations c[i][p] >= 0 (donor i, project
 * p), repeated (donor, project) pairs summed. Mechanisms return each
 * project's raw matching as real numbers; dacc_pgf_distribute turns them
 * into integer payouts of a pool that sum exactly to it (largest
 * remainder), with an optional cap. docs/pgf.md has the formulas and the
 * references each one follows.
 */
#ifndef DACC_PGF_H
#define DACC_PGF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"
#include "dacc/money.h"
#include "dacc/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dacc_pgf_round dacc_pgf_round;

dacc_pgf_round *dacc_pgf_round_new(void);
void dacc_pgf_round_free(dacc_pgf_round *r);

/* Adds amount (finite, >= 0) from donor to project; repeats are summed. */
dacc_status dacc_pgf_round_add(dacc_pgf_round *r, const char *donor, size_t dlen,
                               const char *project, size_t plen, double amount, dacc_error *err);

/* Adds a donation in base units at `decimals` decimals, for an exact round
 * (on-chain integer QF reads these units, never a rounded double). A round
 * is exact from its first donation: it then refuses dacc_pgf_round_add and
 * other decimals, and an inexact round refuses this (DACC_ERR_STATE). */
dacc_status dacc_pgf_round_add_units(dacc_pgf_round *r, const char *donor, size_t dlen,
                                     const char *project, size_t plen, dacc_u128 units,
                                     unsigned decimals, dacc_error *err);

/* Column names and round rules for reading exports. Zero-initialised means:
 * the columns of the known export layouts (docs/pgf.md "Export layouts"),
 * amounts from the one USD column (refused as ambiguous when several
 * amount columns and no single USD one could be meant); no minimum; no
 * scores; a "coefficient" column (Grants Stack's vote_coefficients)
 * multiplying each donation. */
typedef struct dacc_pgf_read_opts {
    const char *donor_col, *project_col, *amount_col;
    double min_donation;   /* donations below it are dropped (qf-calculator's rule) */
    const char *self_col;  /* column with the recipient's address: self-donations dropped */
    const char *score_col; /* donor score column: linear weight 0.5 at s50 to 1 at s100 */
    double s50, s100;      /* thresholds, required with scores; s50 <= s100 */
    /* Scores from a separate (donor, score) table instead of a column:
     * score_donor sorted ascending (strcmp), nscores entries. */
    const char *const *score_donor;
    const double *score_value;
    size_t nscores;
    bool ignore_coefficient; /* do not apply a "coefficient" column */
    /* Exact rounds for integer QF: amounts read as decimal text at
     * exact_decimals into base units (dacc_pgf_round_add_units); a weight w
     * (coefficient, score) multiplies them as the Grants Stack calculator
     * does, by floor(units * trunc(w * 10^4) / 10^4). Without amount_col,
     * the round-token column (amountRoundToken, amountInRoundMatchToken,
     * amount_in_round_match_token, base units: read at 0 decimals) comes
     * before the USD and token columns. */
    bool exact;
    unsigned exact_decimals;
    size_t dropped;        /* out: rows dropped by the rules */
    char amount_used[64];  /* out: the amount column read */
    char project_used[64]; /* out: the project column read */
    bool amount_in_units;  /* out: exact, and that column held base units */
    bool coefficient_used; /* out: a coefficient column weighed the donations */
} dacc_pgf_read_opts;

/* Reads CSV/TSV donations from data[0..len), a file's bytes the caller
 * keeps for the call (the module opens no file); name is the file's name
 * in messages. Errors name file, line and column. */
dacc_status dacc_pgf_round_read_memory(dacc_pgf_round *r, const char *name, const char *data,
                                       size_t len, dacc_pgf_read_opts *opts, dacc_error *err);

/* Where dacc_pgf_round_read_memory reports its stage ("reading donations
 * (bytes)") and the bytes read of len; NULL (the default) for none. The
 * display is not owned by the round. */
void dacc_pgf_round_set_progress(dacc_pgf_round *r, dacc_progress *progress);

size_t dacc_pgf_round_donors(const dacc_pgf_round *r);
size_t dacc_pgf_round_projects(const dacc_pgf_round *r);
const char *dacc_pgf_round_donor(const dacc_pgf_round *r, size_t i);
const char *dacc_pgf_round_project(const dacc_pgf_round *r, size_t p);
/* Total donated to project p, and its number of donors. */
double dacc_pgf_round_total(const dacc_pgf_round *r, size_t p);
size_t dacc_pgf_round_count(const dacc_pgf_round *r, size_t p);
/* Donation of donor i to project p (0 when none). */
double dacc_pgf_round_get(const dacc_pgf_round *r, size_t i, size_t p);
/* The number of the project named name[0..len), or SIZE_MAX. */
size_t dacc_pgf_round_find_project(const dacc_pgf_round *r, const char *name, size_t len);

/* ---- mechanisms: raw matching per project ------------------------------------ */

/* QF: m_p = (sum_i sqrt c_ip)^2 - sum_i c_ip (0 with one donor). */
dacc_status dacc_pgf_qf(const dacc_pgf_round *r, double *match, dacc_error *err);

/* Pairwise-bounded QF (Buterin 2019): k_ij = M / (M + sum_q sqrt(c_iq c_jq)),
 * m_p = sum_{i<j} 2 k_ij sqrt(c_ip c_jp). (qf-calculator's `pairwise` uses
 * the same k and counts each pair once; pass half_pairs to match it.) */
dacc_status dacc_pgf_pairwise(const dacc_pgf_round *r, double M, bool half_pairs, double *match,
                              dacc_error *err);

/* The M at which pairwise matching totals target (the total grows with M),
 * found by bisection on log M to 1e-12 relative; match gets that matching.
 * DACC_ERR_RANGE when target is not below the M -> infinity limit. */
dacc_status dacc_pgf_pairwise_target(const dacc_pgf_round *r, double target, bool half_pairs,
                                     double *M, double *match, dacc_error *err);

/* qf-calculator's crossfade: each mechanism's matching normalised to sum 1,
 * then weight * a + (1 - weight) * b (the "half-and-half" and pctCOCM
 * blends). */
void dacc_pgf_blend(const double *a, const double *b, size_t n, double weight, double *out);

typedef enum { DACC_PGF_MARKOV, DACC_PGF_PCT_FRIENDS, DACC_PGF_OG } dacc_pgf_style;

/* Donor clusters (qf-calculator's cluster_df): (donor, cluster, weight > 0)
 * rows, repeated pairs summed. */
typedef struct dacc_pgf_clusters dacc_pgf_clusters;
dacc_pgf_clusters *dacc_pgf_clusters_new(void);
void dacc_pgf_clusters_free(dacc_pgf_clusters *c);
dacc_status dacc_pgf_clusters_add(dacc_pgf_clusters *c, const char *donor, size_t dlen,
                                  const char *cluster, size_t clen, double weight, dacc_error *err);
/* CSV with columns donor (or address, voter), cluster, and optional weight
 * (default 1), from memory as dacc_pgf_round_read_memory. */
dacc_status dacc_pgf_clusters_read_memory(dacc_pgf_clusters *c, const char *name, const char *data,
                                          size_t len, dacc_error *err);
/* The rows as read, in file order; the strings live as long as c. */
size_t dacc_pgf_clusters_count(const dacc_pgf_clusters *c);
void dacc_pgf_clusters_row(const dacc_pgf_clusters *c, size_t i, const char **donor,
                           const char **cluster, double *weight);

/* Donor scores from a separate table (Passport exports): CSV with a donor
 * column (donor, address or voter) and a score column (score, rawScore or
 * passport_score). A donor listed twice is refused rather than scored by
 * whichever row a lookup happens to find. */
typedef struct dacc_pgf_scores dacc_pgf_scores;
dacc_pgf_scores *dacc_pgf_scores_new(void);
void dacc_pgf_scores_free(dacc_pgf_scores *s);
dacc_status dacc_pgf_scores_read_memory(dacc_pgf_scores *s, const char *name, const char *data,
                                        size_t len, dacc_error *err);
/* Points opts at the table (score_donor, score_value, nscores), which must
 * outlive the reads that use opts. */
void dacc_pgf_scores_use(const dacc_pgf_scores *s, dacc_pgf_read_opts *opts);

/* COCM as Gitcoin runs it (qf-calculator COCM). clusters NULL: the donation
 * matrix is the cluster matrix (every project a cluster of its donors), as
 * Gitcoin calls it; otherwise donors in no cluster are left out, as the
 * reference's align step does. harsh: K = (1 - k) c (production); else
 * K = k sqrt(c) + (1 - k) c. */
dacc_status dacc_pgf_cocm(const dacc_pgf_round *r, const dacc_pgf_clusters *clusters,
                          dacc_pgf_style style, bool harsh, double *match, dacc_error *err);

/* The paper's cluster-matching family for one project (Miller, Weyl,
 * Erichsen, pluralqf.py): groups of agent indices, contributions per agent.
 * Returns total funding (contributions plus subsidy), as the reference. */
typedef enum {
    DACC_PGF_VANILLA,  /* vanilla cluster match */
    DACC_PGF_SQUARED,  /* squared cluster match */
    DACC_PGF_CO,       /* connection-oriented cluster match */
    DACC_PGF_PAIRWISE, /* pairwise matching with M */
} dacc_pgf_cluster_kind;

dacc_status dacc_pgf_cluster_match(dacc_pgf_cluster_kind kind, const size_t *const *groups,
                                   const size_t *group_sizes, size_t ngroups,
                                   const double *contributions, size_t nagents, double M,
                                   double *funding, dacc_error *err);

/* Every project's subsidy under the paper's family with explicit groups
 * (`dacc fund cluster`): a project's donors are the agents; each cluster
 * of groups, restricted to them, is a group, listing a member once per row
 * (weights are not used); groups come in the order their cluster first
 * appears in groups, then each donor in no cluster alone. match[p] (one
 * per project) is the funding above the donations, at least 0. Time grows
 * with the donations times the clusters per donor, and memory with the
 * rows, not with their product. */
dacc_status dacc_pgf_cluster_round(const dacc_pgf_round *r, const dacc_pgf_clusters *groups,
                                   dacc_pgf_cluster_kind kind, double M, double *match,
                                   dacc_error *err);

/* ---- explaining one project's match ------------------------------------------ */

/* Pairs are listed only for projects with at most this many donors (their
 * number grows with its square). */
#define DACC_PGF_EXPLAIN_MAX_DONORS 2000

typedef struct dacc_pgf_explain_donor {
    size_t donor;  /* round donor number */
    double amount; /* given to the project */
    double
        qf_share; /* percent of the QF match: 100 sqrt(c_i) (sum_j sqrt(c_j) - sqrt(c_i)) / match */
    /* COCM (markov) match lost without the donor's own terms in the
     * project's P', the others' k unchanged; these need not sum to the
     * match. NAN past DACC_PGF_EXPLAIN_MAX_DONORS donors. */
    double cocm_marginal;
} dacc_pgf_explain_donor;

typedef struct dacc_pgf_explain_pair {
    size_t a, b; /* donor numbers, a < b */
    double raw;  /* QF's term for the pair, 2 sqrt(c_a c_b) */
    double k;    /* what pairwise bounding keeps of it: M / (M + overlap of a and b) */
} dacc_pgf_explain_pair;

/* Owned by the explanation; dacc_pgf_explanation_free releases it. */
typedef struct dacc_pgf_explanation {
    size_t project, ndonors;
    double donated;
    double qf, pairwise, cocm;      /* the project's matching: QF, pairwise, COCM (markov) */
    dacc_pgf_explain_donor *donors; /* ndonors, largest donation first, ties in donor order */
    dacc_pgf_explain_pair *pairs;   /* the npairs largest raw terms, largest first */
    size_t npairs;
} dacc_pgf_explanation;

/* Which donors and pairs made project's match (`dacc fund explain`): the
 * matchings under QF, pairwise (M, half_pairs) and COCM markov (harsh as
 * for dacc_pgf_cocm), each donor's share of the QF match, and up to
 * max_pairs pairs (ties in donor order), when the project has 2 to
 * DACC_PGF_EXPLAIN_MAX_DONORS donors. On failure *out is empty. */
dacc_status dacc_pgf_explain(const dacc_pgf_round *r, size_t project, double M, bool half_pairs,
                             bool harsh, size_t max_pairs, dacc_pgf_explanation *out,
                             dacc_error *err);
void dacc_pgf_explanation_free(dacc_pgf_explanation *e);

/* ---- the pool ------------------------------------------------------------------ */

typedef enum {
    DACC_PGF_BY_SHARE,   /* the whole pool, by share of matching (qf-calculator) */
    DACC_PGF_SATURATION, /* pluralistic: raw matching when it is below the pool */
} dacc_pgf_pool_rule;

/* floor(pool x cap) exactly, so that an 18-decimal pool is not rounded
 * through a double: a cap that is a decimal of at most 9 digits (15%,
 * 0.125) is taken as that decimal, any other as the double's exact value;
 * 0 unless 0 < cap < 1. */
dacc_u128 dacc_pgf_cap_amount(dacc_u128 pool, double cap);

/* Integer payouts of pool (base units) from raw matching in the same money
 * unit scaled by unit (base units per matching unit, for the saturation
 * rule). Each project's share of the pool is its share of matching
 * (BY_SHARE) or, under SATURATION when raw matching totals less than the
 * pool, its raw matching over the pool. cap: the most a project may get, as
 * a share of the pool (0 or >= 1: no cap); the excess is spread over the
 * projects under it in proportion, repeatedly (strict inequalities, as
 * qf-calculator's check_matching_cap and pluralistic's absolute cap).
 * Payouts never exceed the cap; share[p] (may be NULL) is the real share
 * of the pool before rounding. What is not paid -- the pool above raw
 * matching under SATURATION, what the cap keeps when every project with
 * matching is at it, the whole pool when nothing has matching -- goes to
 * *left (may be NULL): payouts + *left = pool, exactly. */
dacc_status dacc_pgf_distribute(const double *match, size_t n, dacc_u128 pool, double unit,
                                double cap, dacc_pgf_pool_rule rule, dacc_u128 *payouts,
                                double *share, dacc_u128 *left, dacc_error *err);

/* Gitcoin's integer linear QF (pluralistic.js linearQF), bit for bit:
 * amounts in base units, integer square roots with remainders, the match
 * scaled to the pool, scaled down to raw matching when the round is not
 * saturated (unless ignore_saturation), and an absolute cap (0: none)
 * redistributed to uncapped projects. */
dacc_status dacc_pgf_linear_qf(const dacc_pgf_round *r, unsigned decimals, dacc_u128 pool,
                               dacc_u128 cap, bool ignore_saturation, dacc_u128 *matched,
                               dacc_error *err);

/* Each project's figures in pluralistic's Calculation: base units received,
 * donors, the sum of integer square roots, the raw QF match (qf), the match
 * before the cap and after it; pluralistic's capOverflow is
 * matched_without_cap - cap. */
typedef struct {
    dacc_u128 received, count, sqrt_sum, qf, matched_without_cap, matched;
} dacc_pgf_linear_row;

/* As dacc_pgf_linear_qf, filling rows[0 .. projects) with the figures. */
dacc_status dacc_pgf_linear_qf_rows(const dacc_pgf_round *r, unsigned decimals, dacc_u128 pool,
                                    dacc_u128 cap, bool ignore_saturation,
                                    dacc_pgf_linear_row *rows, dacc_error *err);

/* ---- Allo v2's Merkle distribution ---------------------------------------------- */

/* One payout of DonationVotingMerkleDistribution: its index is its place
 * in the list given to dacc_pgf_allo_tree_new. */
typedef struct {
    uint8_t recipient_id[20], recipient_address[20];
    dacc_u128 amount; /* base units of the pool's token */
} dacc_pgf_allo_payout;

/* The leaf the strategy checks: keccak256(keccak256(abi.encode(index,
 * recipientId, recipientAddress, amount))). */
dacc_status dacc_pgf_allo_leaf(uint64_t index, const dacc_pgf_allo_payout *p, uint8_t out[32],
                               dacc_error *err);

/* OpenZeppelin's StandardMerkleTree ("standard-v1", leaves sorted) over
 * the payouts (n >= 1): node 0 is the root the strategy is given (its
 * updateDistribution), nodes 0 .. 2n-2 the dump's "tree". */
typedef struct dacc_pgf_allo_tree dacc_pgf_allo_tree;
dacc_status dacc_pgf_allo_tree_new(const dacc_pgf_allo_payout *payouts, size_t n,
                                   dacc_pgf_allo_tree **out, dacc_error *err);
void dacc_pgf_allo_tree_free(dacc_pgf_allo_tree *t);
size_t dacc_pgf_allo_nodes(const dacc_pgf_allo_tree *t);
const uint8_t *dacc_pgf_allo_node(const dacc_pgf_allo_tree *t, size_t i);
/* The node of payout `value` (the dump's "treeIndex"). */
size_t dacc_pgf_allo_tree_index(const dacc_pgf_allo_tree *t, size_t value);
/* Payout value's Merkle proof (OpenZeppelin's getProof): its length, with
 * up to cap sibling hashes, leaf level first, in proof[]. */
size_t dacc_pgf_allo_proof(const dacc_pgf_allo_tree *t, size_t value, const uint8_t **proof,
                           size_t cap);

/* Fills each project's recipientId and recipientAddress (out[p], amounts
 * kept) from a CSV with the columns cols[0] (the project, as the round
 * names it), cols[1] and cols[2] (addresses, 0x and 40 hex digits); rows
 * of projects outside the round are skipped. The donations file itself
 * serves, with cols[0] == cols[1] when the project key is the recipientId.
 * Refuses a project given two recipients or none. */
dacc_status dacc_pgf_allo_recipients_read_memory(const dacc_pgf_round *r, const char *name,
                                                 const char *data, size_t len,
                                                 const char *const cols[3],
                                                 dacc_pgf_allo_payout *out, dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
