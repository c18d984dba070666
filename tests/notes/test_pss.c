/* Rater clustering (post_selection_similarity.py, quasi_clique_detection.py)
 * at each of its thresholds on small hand-written data, what
 * apply_post_selection_similarity drops, and planted cliques through the
 * whole pipeline. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "pss.h"
#include "synth_files.h"
#include "tsv_headers.h"

#define MIN (60LL * 1000)
#define T0  1700000000000LL
#define NOTE                                                                                       \
    "\tMISINFORMED_OR_POTENTIALLY_"                                                                \
    "MISLEADING\t\t\t\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t1\tx\t0\t0\n"
#define NOT_MISLEADING "\tNOT_MISLEADING\t\t\t\t0\t0\t0\t0\t0\t0\t0\t1\t0\t0\t0\t0\t1\tx\t0\t0\n"
#define TAGS           "\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"

typedef struct {
    char *buf;
    size_t len;
    FILE *fp;
} mem;

static void mem_open(mem *m, const char *header)
{
    m->buf = NULL, m->len = 0, m->fp = open_memstream(&m->buf, &m->len);
    cr_assert(m->fp);
    fputs(header, m->fp);
}

/* Note id on its own post (tweet 1000 + id) unless post is given. */
static void note_row(mem *m, int id, const char *author, int64_t created, int post, bool nm)
{
    fprintf(m->fp, "%d\t%s\t%lld\t%d%s", id, author, (long long)created, post ? post : 1000 + id,
            nm ? NOT_MISLEADING : NOTE);
}

static void rating_row(mem *m, int note, const char *rater, int64_t created, const char *level)
{
    fprintf(m->fp, "%d\t%s\t%lld\t2\t0\t0\t\t\t%s" TAGS "\t%d\tDEFAULT\n", note, rater,
            (long long)created, level, 1000 + note);
}

static void read_into(dacc_notes *nt, char kind, mem *m)
{
    cr_assert_eq(fclose(m->fp), 0);
    dacc_error err = { 0 };
    cr_assert_eq(dacc_notes_read_memory(nt, kind, "t.tsv", m->buf, m->len, 0, &err), DACC_OK, "%s",
                 err.message);
    free(m->buf);
}

static uint32_t part(const dacc_notes *nt, const char *name)
{
    uint32_t u = dacc_intern_find(nt->parts, name, strlen(name));
    cr_assert_neq(u, DACC_INTERN_NONE, "%s", name);
    return u;
}

/* Every rating read, as preprocessing would keep them here. */
static void find(const dacc_notes *nt, notes_cliques *c)
{
    uint8_t *sel = malloc(nt->r.n);
    for (size_t k = 0; k < nt->r.n; k++)
        sel[k] = nt->r.helpful[k] != 255;
    dacc_error err = { 0 };
    cr_assert_eq(notes_find_cliques(nt, sel, c, &err), DACC_OK, "%s", err.message);
    free(sel);
}

/* Reads the files, clusters, and says whether participants x and y are in
 * one post-selection similarity clique; *cliques: how many there are. */
static bool one_clique(mem *n, mem *r, const char *x, const char *y, size_t *cliques)
{
    dacc_notes *nt = dacc_notes_new();
    read_into(nt, 'n', n), read_into(nt, 'r', r);
    notes_cliques c;
    find(nt, &c);
    uint32_t cx = c.pss[part(nt, x)];
    bool same = cx && cx == c.pss[part(nt, y)];
    *cliques = c.pss_cliques;
    notes_cliques_free(&c);
    dacc_notes_free(nt);
    return same;
}

/* Raters a and b rate 10 posts each: `together` of them within `gap` of
 * each other, the others alone. minSim is together / (10 + 10): 8
 * together is 0.4 exactly. */
static bool linked(int together, int64_t gap)
{
    mem n, r;
    mem_open(&n, note_header), mem_open(&r, rating_header);
    int alone = 10 - together;
    for (int id = 1; id <= 2 * alone + together; id++)
        note_row(&n, id, "w", T0 + id * MIN, 0, false);
    for (int k = 0; k < alone; k++) {
        rating_row(&r, 1 + k, "a", T0 + 100 * MIN, "HELPFUL");
        rating_row(&r, 1 + alone + k, "b", T0 + 100 * MIN, "HELPFUL");
    }
    for (int k = 0; k < together; k++) {
        rating_row(&r, 1 + 2 * alone + k, "a", T0 + 200 * MIN, "NOT_HELPFUL");
        rating_row(&r, 1 + 2 * alone + k, "b", T0 + 200 * MIN + gap, "NOT_HELPFUL");
    }
    size_t cliques;
    bool same = one_clique(&n, &r, "a", "b", &cliques);
    cr_expect_eq(cliques, same ? 1u : 0u);
    return same;
}

/* minSim >= 0.4 links a pair (NPMI, below 0 on so few ratings, cannot);
 * co-ratings count within 20 minutes, both ends included. */
Test(notes_pss, min_sim_links_at_its_threshold)
{
    cr_expect(linked(8, 0));
    cr_expect(!linked(7, 0));
    cr_expect(linked(8, 20 * MIN));
    cr_expect(linked(8, -20 * MIN));
    cr_expect(!linked(8, 20 * MIN + 1));
}

/* A rater with fewer than 10 posts is not paired (minUniquePosts). */
Test(notes_pss, raters_need_ten_posts)
{
    mem n, r;
    mem_open(&n, note_header), mem_open(&r, rating_header);
    for (int id = 1; id <= 9; id++) {
        note_row(&n, id, "w", T0, 0, false);
        rating_row(&r, id, "a", T0 + MIN, "HELPFUL");
        rating_row(&r, id, "b", T0 + MIN, "HELPFUL");
    }
    dacc_notes *nt = dacc_notes_new();
    read_into(nt, 'n', &n), read_into(nt, 'r', &r);
    notes_cliques c;
    find(nt, &c);
    cr_expect_eq(c.pss_raters, 0);
    notes_cliques_free(&c);
    dacc_notes_free(nt);
}

/* Author w writes 10 notes; rater v rates `helpful` of them HELPFUL and
 * the rest SOMEWHAT_HELPFUL, each `latency` after it was written, among 30
 * other HELPFUL ratings long after (so that v's affinity stays low):
 * writerCoverage at 20 minutes is helpful / 10, linked from 0.4. */
static bool covered(int helpful, int64_t latency)
{
    mem n, r;
    mem_open(&n, note_header), mem_open(&r, rating_header);
    for (int id = 1; id <= 10; id++) {
        note_row(&n, id, "w", T0 + id * MIN, 0, false);
        rating_row(&r, id, "v", T0 + id * MIN + latency,
                   id <= helpful ? "HELPFUL" : "SOMEWHAT_HELPFUL");
    }
    for (int id = 11; id <= 40; id++) {
        note_row(&n, id, "x", T0, 0, false);
        rating_row(&r, id, "v", T0 + 1000 * MIN, "HELPFUL");
    }
    size_t cliques;
    return one_clique(&n, &r, "v", "w", &cliques);
}

/* get_suspect_pairs' writerCoverage thresholds: 0.4 at 20 minutes, 0.3 at
 * 5, 0.2 at 1; only helpfulnessLevel HELPFUL counts. */
Test(notes_pss, writer_coverage_at_its_thresholds)
{
    cr_expect(covered(4, 20 * MIN));
    cr_expect(!covered(3, 20 * MIN));
    cr_expect(!covered(4, 20 * MIN + 1));
    cr_expect(covered(3, 5 * MIN));
    cr_expect(!covered(2, 5 * MIN));
    cr_expect(covered(2, MIN));
    cr_expect(!covered(1, MIN));
}

/* raterAffinity: v rates 10 HELPFUL within 1 minute of their writing, of
 * which `own` are w's (the others by 10 different authors): linked from
 * 0.2 at 1 minute. */
static bool affine(int own)
{
    mem n, r;
    mem_open(&n, note_header), mem_open(&r, rating_header);
    char name[8];
    for (int id = 1; id <= 10; id++) {
        snprintf(name, sizeof name, "o%d", id);
        note_row(&n, id, id <= own ? "w" : name, T0 + id * MIN, 0, false);
        rating_row(&r, id, "v", T0 + id * MIN + 30000, "HELPFUL");
    }
    size_t cliques;
    return one_clique(&n, &r, "v", "w", &cliques);
}

Test(notes_pss, rater_affinity_at_its_threshold)
{
    cr_expect(affine(2));
    cr_expect(!affine(1));
}

/* size raters rate `posts` notes, each on its own post, the same way
 * within minutes; classification misleading unless nm. */
static dacc_notes *group_data(int size, int posts, bool nm)
{
    mem n, r;
    mem_open(&n, note_header), mem_open(&r, rating_header);
    char name[8];
    for (int id = 1; id <= posts; id++) {
        note_row(&n, id, "w", T0 + id * MIN, 0, nm);
        for (int m = 0; m < size; m++) {
            snprintf(name, sizeof name, "g%d", m);
            rating_row(&r, id, name, T0 + id * MIN + m * 1000, id % 3 ? "HELPFUL" : "NOT_HELPFUL");
        }
    }
    dacc_notes *nt = dacc_notes_new();
    read_into(nt, 'n', &n), read_into(nt, 'r', &r);
    return nt;
}

static size_t quasi_members(int size, int posts, bool nm)
{
    dacc_notes *nt = group_data(size, posts, nm);
    notes_cliques c;
    find(nt, &c);
    size_t members = c.qc_raters;
    cr_expect_eq(c.qc_cliques, members ? 1u : 0u);
    notes_cliques_free(&c);
    dacc_notes_free(nt);
    return members;
}

/* A quasi-clique grows from a pair with more than 50 posts alike
 * (minRaterPairCount), needs 5 raters (minCliqueRaters), and counts
 * ratings of notes classified misleading only. */
Test(notes_pss, quasi_cliques_at_their_thresholds)
{
    cr_expect_eq(quasi_members(6, 51, false), 6);
    cr_expect_eq(quasi_members(6, 50, false), 0);
    cr_expect_eq(quasi_members(5, 60, false), 5);
    cr_expect_eq(quasi_members(4, 60, false), 0);
    cr_expect_eq(quasi_members(6, 60, true), 0);
}

/* A candidate joins when the group's actions still cover 25 posts and
 * every member is on a quarter of them: a rater who rates 14 of 60 the
 * group's way stays out (14 < 15), one who rates 15 joins. */
static size_t with_follower(int alike)
{
    mem n, r;
    mem_open(&n, note_header), mem_open(&r, rating_header);
    char name[8];
    for (int id = 1; id <= 60; id++) {
        note_row(&n, id, "w", T0 + id * MIN, 0, false);
        for (int m = 0; m < 6; m++) {
            snprintf(name, sizeof name, "g%d", m);
            rating_row(&r, id, name, T0 + id * MIN, "HELPFUL");
        }
        rating_row(&r, id, "f", T0 + id * MIN, id <= alike ? "HELPFUL" : "NOT_HELPFUL");
    }
    dacc_notes *nt = dacc_notes_new();
    read_into(nt, 'n', &n), read_into(nt, 'r', &r);
    notes_cliques c;
    find(nt, &c);
    size_t members = c.qc_raters;
    cr_expect_eq(c.qc[part(nt, "f")], members == 7);
    notes_cliques_free(&c);
    dacc_notes_free(nt);
    return members;
}

Test(notes_pss, rater_inclusion_at_its_threshold)
{
    cr_expect_eq(with_follower(15), 7);
    cr_expect_eq(with_follower(14), 6);
}

/* notes notes by "w" ("a" writes note 2); a, b (a clique) and c rate
 * notes 1 and 2, b before a on note 1. */
static dacc_notes *drop_data(int notes)
{
    mem n, r;
    mem_open(&n, note_header), mem_open(&r, rating_header);
    for (int id = 1; id <= notes; id++)
        note_row(&n, id, id == 2 ? "a" : "w", T0, 0, false);
    rating_row(&r, 1, "a", T0 + 2 * MIN, "HELPFUL");
    rating_row(&r, 1, "b", T0 + MIN, "HELPFUL");
    rating_row(&r, 1, "c", T0 + 3 * MIN, "HELPFUL");
    rating_row(&r, 2, "b", T0 + MIN, "HELPFUL");
    rating_row(&r, 2, "c", T0 + MIN, "HELPFUL");
    dacc_notes *nt = dacc_notes_new();
    read_into(nt, 'n', &n), read_into(nt, 'r', &r);
    return nt;
}

/* apply_post_selection_similarity: a clique keeps its first rating of a
 * note, none of a note one of its members wrote; others keep theirs; with
 * fewer than 200 notes nothing is dropped. */
Test(notes_pss, a_clique_keeps_one_rating_per_note)
{
    for (int notes = 199; notes <= 200; notes++) {
        dacc_notes *nt = drop_data(notes);
        uint32_t *clique = calloc(notes_nparts(nt), sizeof *clique);
        clique[part(nt, "a")] = clique[part(nt, "b")] = 7;
        uint8_t sel[5] = { 1, 1, 1, 1, 1 }, keep[5];
        size_t dropped;
        cr_assert_eq(nt->r.n, 5);
        cr_assert_eq(notes_apply_pss(nt, sel, clique, keep, &dropped), DACC_OK);
        if (notes == 199) {
            cr_expect_eq(dropped, 0);
            cr_expect_arr_eq(keep, sel, 5);
        } else {
            uint8_t want[5] = { 0, 1, 1, 0, 1 };
            cr_expect_eq(dropped, 2);
            cr_expect_arr_eq(keep, want, 5);
        }
        free(clique);
        dacc_notes_free(nt);
    }
}

/* Over the notes at least 4 correlated raters rated (the brigaded ones):
 * how many, and how many more ratings the rules count in off than in nt. */
static size_t brigaded(const dacc_notes *nt, const dacc_notes *off, long *more)
{
    size_t nn = notes_nnotes(nt), n = 0;
    uint32_t *count = calloc(nn, sizeof *count);
    for (size_t k = 0; k < nt->r.n; k++)
        count[nt->r.note[k]] += nt->correlated[nt->r.rater[k]];
    *more = 0;
    for (size_t j = 0; j < nn; j++)
        if (count[j] >= 4)
            n++, *more += (long)off->fin.num[j] - (long)nt->fin.num[j];
    free(count);
    return n;
}

/* Two planted cliques of 8 (synth --cliques 2), each rating 60 bad notes
 * helpful within two minutes: both clusterings find exactly them; each
 * keeps one rating per note in both phases, so the notes they rated count
 * 7 ratings fewer than without the clustering; their members are the
 * correlated raters. (Their intercepts hardly move: the helpfulness filter
 * already leaves raters who call bad notes helpful out of the final fit.) */
Test(notes_pss, planted_cliques_through_the_pipeline)
{
    dacc_notes_synth_params sp = { .ratings = 40000, .camps = 2, .seed = 3, .cliques = 2 };
    dacc_notes *nt = dacc_notes_new(), *off = dacc_notes_new();
    read_synth(nt, &sp), read_synth(off, &sp);
    score_default(nt);
    cr_expect(nt->pss.run);
    cr_expect_eq(nt->pss.cliques, 2);
    cr_expect_eq(nt->pss.raters, 16);
    cr_expect_eq(nt->pss.qc_cliques, 2);
    cr_expect_eq(nt->pss.qc_raters, 16);
    cr_expect_eq(nt->pss.correlated, 16);
    cr_expect_geq(nt->pss.dropped_pre, 2 * 60 * 7 - 20);
    cr_expect_eq(nt->pss.dropped_final, nt->pss.dropped_pre);
    /* the last 16 raters, the planted members */
    size_t np = notes_nparts(nt), members = 0;
    for (size_t u = 0; u < np; u++)
        members += nt->correlated[u];
    cr_expect_eq(members, 16);
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    p.pseudoraters = false, p.post_selection = false;
    dacc_error err = { 0 };
    cr_assert_eq(dacc_notes_score(off, &p, NULL, &err), DACC_OK, "%s", err.message);
    cr_expect(!off->pss.run);
    long more;
    size_t notes = brigaded(nt, off, &more);
    cr_expect_geq(notes, 118);
    cr_expect_leq(notes, 125);
    cr_expect_geq(more, 7 * 118, "%ld", more);
    dacc_notes_free(nt), dacc_notes_free(off);
}

/* Times at the ends of int64 (a file may hold them): windows and
 * latencies are compared without overflow (the sanitizer build checks),
 * and ratings a whole range apart are not together. */
Test(notes_pss, extreme_times)
{
    mem n, r;
    mem_open(&n, note_header), mem_open(&r, rating_header);
    for (int id = 1; id <= 12; id++) {
        note_row(&n, id, "w", id % 2 ? INT64_MIN : INT64_MAX, 0, false);
        rating_row(&r, id, "a", INT64_MAX, "HELPFUL");
        rating_row(&r, id, "b", INT64_MIN, "HELPFUL");
    }
    dacc_notes *nt = dacc_notes_new();
    read_into(nt, 'n', &n), read_into(nt, 'r', &r);
    notes_cliques c;
    find(nt, &c);
    /* a rates the six notes written at INT64_MAX at once (writer coverage
     * 0.5 within a minute), the others a whole range later; b rates every
     * note at or before its writing: both are w's */
    uint32_t w = c.pss[part(nt, "w")];
    cr_expect(w && c.pss[part(nt, "a")] == w && c.pss[part(nt, "b")] == w);
    cr_expect_eq(c.pss_cliques, 1);
    notes_cliques_free(&c);
    dacc_notes_free(nt);
}

/* The prescoring rater output (mf_base_scorer.prescore) has the raters
 * with round-2 parameters or a helpfulness row; a rater with round-1
 * parameters alone (no valid rating, no scored note) has none, and
 * coreNumFinalRoundRatings counts the ratings of that output's raters
 * only, as in the reference. */
static bool core_rater(const part_info *pi)
{
    static const int core[] = { 1, 2, 3, 6, 8, 9, 10, 11, 13, 14, 19, 21, 25 };
    if (!pi->enrolled)
        return true;
    for (size_t k = 0; k < sizeof core / sizeof *core; k++)
        if (pi->group == core[k])
            return true;
    return false;
}

Test(notes_pss, final_round_counts_rater_output_rows)
{
    /* the whole-pipeline benchmark's data, which has such raters */
    dacc_notes_synth_params sp = { .ratings = 200000,
                                   .camps = 2,
                                   .seed = 1,
                                   .expansion = 0.15,
                                   .expansion_plus = 0.05,
                                   .topics = 0.3,
                                   .nmr_groups = 0.2 };
    dacc_notes *nt = dacc_notes_new();
    read_synth(nt, &sp);
    score_default(nt);
    size_t nn = notes_nnotes(nt), differ = 0, wrong = 0;
    uint32_t *rows = calloc(nn, sizeof *rows), *round1 = calloc(nn, sizeof *round1);
    for (size_t k = 0; k < nt->r.n; k++) {
        uint32_t n = nt->r.note[k], u = nt->r.rater[k];
        if (nt->note[n].topic || !core_rater(&nt->part[u]))
            continue;
        rows[n] += !isnan(nt->r2_i[u]) || nt->above[u] >= 0;
        round1[n] += !isnan(nt->r1_i[u]);
    }
    for (size_t n = 0; n < nn; n++) {
        if (nt->fin.status[n] == NOTES_UNSCORED)
            continue;
        differ += rows[n] != round1[n];
        wrong += nt->final_round[n] != rows[n];
    }
    cr_expect_gt(differ, 0, "the data should have round-1-only raters on core notes");
    cr_expect_eq(wrong, 0);
    free(rows), free(round1);
    dacc_notes_free(nt);
}
