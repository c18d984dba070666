/* Rater clustering: raters who act together. Post-selection similarity
 * (post_selection_similarity.PostSelectionSimilarity) links raters who
 * rate the same posts within minutes of each other more often than chance
 * allows, and raters who rate one author's notes soon after they are
 * written; linked raters form cliques. Quasi-cliques
 * (quasi_clique_detection.QuasiCliqueDetection) are groups grown greedily
 * from the pairs that most often give the same answer on the same post.
 * Everything here is counting: no fit, no random draw.
 *
 * Pairs are counted per rater against a dense scratch array (each pair
 * once, from its lower-indexed rater), not in a table of every pair seen
 * as the reference does, so memory stays linear in the ratings. */
#include <stdlib.h>
#include <string.h>

#include "pss.h"

#define MINUTE (60LL * 1000)

/* PostSelectionSimilarity.__init__'s defaults. */
#define PSS_PMI_PSEUDOCOUNTS    500
#define PSS_NPMI_THRESHOLD      0.55
#define PSS_MIN_SIM_THRESHOLD   0.4
#define PSS_MIN_UNIQUE_POSTS    10
#define PSS_MIN_SIM_PSEUDOCOUNT 10
#define PSS_WINDOW              (20 * MINUTE)
#define PSS_MIN_DENOM           10 /* compute_affinity_and_coverage's minDenom */

/* QuasiCliqueDetection.__init__'s defaults, and _get_pair_counts'. */
#define QC_RECENCY         (13LL * 7 * 24 * 60 * MINUTE)
#define QC_NOTE_INCLUSION  0.25
#define QC_RATER_INCLUSION 0.25
#define QC_MIN_TWEETS      25
#define QC_MIN_RATERS      5
#define QC_MAX_SIZE        2000
#define QC_MIN_INCLUSION   4
#define QC_MIN_PAIR_COUNT  50 /* seeds need more co-ratings than this */
#define QC_MIN_ALIGNED     5  /* pairs kept for the candidate pool */

#define NOTES_MIN_PROD_NOTES 200 /* constants.minNumNotesForProdData */

/* b - a > w for times a and b, without the overflow b - a could give on
 * the extreme times a file may hold. */
static bool later_by_more(int64_t a, int64_t b, int64_t w)
{
    return b > a && (uint64_t)b - (uint64_t)a > (uint64_t)w;
}

/* Items grouped by key, in their order within a key. */
typedef struct {
    size_t *off; /* nkeys + 1 */
    uint32_t *at;
} csr;

static void csr_free(csr *c)
{
    free(c->off), free(c->at);
    c->off = NULL, c->at = NULL;
}

static dacc_status csr_group(const uint32_t *item, const uint32_t *key, size_t n, size_t nkeys,
                             csr *c)
{
    c->off = calloc(nkeys + 1, sizeof *c->off), c->at = malloc((n ? n : 1) * sizeof *c->at);
    if (!c->off || !c->at)
        return csr_free(c), DACC_ERR_NOMEM;
    for (size_t j = 0; j < n; j++)
        c->off[key[j] + 1]++;
    for (size_t k = 0; k < nkeys; k++)
        c->off[k + 1] += c->off[k];
    for (size_t j = 0; j < n; j++)
        c->at[c->off[key[j]]++] = item[j];
    for (size_t k = nkeys; k > 0; k--)
        c->off[k] = c->off[k - 1];
    c->off[0] = 0;
    return DACC_OK;
}

/* What the clusterings share: the ratings of each note in time order, the
 * notes on posts in post order, and a scratch list. */
typedef struct {
    const dacc_notes *nt;
    size_t nn, np;
    csr note;         /* per note: its ratings in sel, by createdAtMillis */
    uint32_t *order;  /* notes of the notes file on a post, by tweetId */
    size_t norder;    /* their number */
    uint32_t *tweet;  /* per note: dense post index, NOTES_NONE when none */
    uint32_t *list;   /* scratch: rating indices */
    uint32_t *key;    /* scratch: one key per list entry */
    uint32_t *parent; /* union-find over participants */
} ctx;

static bool on_post(const note_info *ni)
{
    return ni->in_notes && ni->tweet != -1 && ni->tweet != INT64_MIN;
}

typedef struct {
    int64_t tweet;
    uint32_t n;
} tweet_note;

static int by_tweet(const void *a, const void *b)
{
    const tweet_note *x = a, *y = b;
    if (x->tweet != y->tweet)
        return x->tweet < y->tweet ? -1 : 1;
    return x->n < y->n ? -1 : x->n > y->n;
}

static dacc_status post_order(ctx *c)
{
    tweet_note *t = malloc((c->nn ? c->nn : 1) * sizeof *t);
    c->order = malloc((c->nn ? c->nn : 1) * sizeof *c->order);
    c->tweet = malloc((c->nn ? c->nn : 1) * sizeof *c->tweet);
    if (!t || !c->order || !c->tweet)
        return free(t), DACC_ERR_NOMEM;
    size_t m = 0;
    for (size_t n = 0; n < c->nn; n++) {
        c->tweet[n] = NOTES_NONE;
        if (on_post(&c->nt->note[n]))
            t[m++] = (tweet_note){ c->nt->note[n].tweet, (uint32_t)n };
    }
    qsort(t, m, sizeof *t, by_tweet);
    uint32_t post = 0;
    for (size_t j = 0; j < m; j++) {
        post += j > 0 && t[j].tweet != t[j - 1].tweet;
        c->order[j] = t[j].n, c->tweet[t[j].n] = post;
    }
    c->norder = m;
    free(t);
    return DACC_OK;
}

static dacc_status ctx_new(ctx *c, const dacc_notes *nt, const uint8_t *sel)
{
    memset(c, 0, sizeof *c);
    c->nt = nt, c->nn = notes_nnotes(nt), c->np = notes_nparts(nt);
    size_t n = 0, cap = nt->r.n ? nt->r.n : 1;
    c->list = malloc(cap * sizeof *c->list), c->key = malloc(cap * sizeof *c->key);
    c->parent = malloc((c->np ? c->np : 1) * sizeof *c->parent);
    if (!c->list || !c->key || !c->parent)
        return DACC_ERR_NOMEM;
    for (size_t u = 0; u < c->np; u++)
        c->parent[u] = NOTES_NONE;
    for (size_t k = 0; k < nt->r.n; k++)
        if (sel[k])
            c->list[n++] = (uint32_t)k;
    dacc_status st = notes_sort_by_time(nt, c->list, n);
    for (size_t j = 0; st == DACC_OK && j < n; j++)
        c->key[j] = nt->r.note[c->list[j]];
    if (st == DACC_OK)
        st = csr_group(c->list, c->key, n, c->nn, &c->note);
    return st == DACC_OK ? post_order(c) : st;
}

static void ctx_free(ctx *c)
{
    csr_free(&c->note);
    free(c->order), free(c->tweet), free(c->list), free(c->key), free(c->parent);
}

/* ---- union-find: aggregate_into_cliques ---------------------------------- */

static uint32_t find(uint32_t *parent, uint32_t u)
{
    while (parent[u] != u)
        u = parent[u] = parent[parent[u]];
    return u;
}

static void link_pair(uint32_t *parent, uint32_t a, uint32_t b)
{
    if (parent[a] == NOTES_NONE)
        parent[a] = a;
    if (parent[b] == NOTES_NONE)
        parent[b] = b;
    a = find(parent, a), b = find(parent, b);
    if (a != b)
        parent[a > b ? a : b] = a < b ? a : b;
}

/* ---- writer affinity and coverage ---------------------------------------- */

static const int64_t latency_mins[3] = { 1, 5, 20 };
/* get_suspect_pairs: thresholds on writerCoverage and raterAffinity at
 * 1, 5 and 20 minutes. */
static const double coverage_min[3] = { 0.2, 0.3, 0.4 }, affinity_min[3] = { 0.2, 0.45, 0.7 };

/* Ratings helpfulnessLevel HELPFUL on a note of the notes file:
 * compute_affinity_and_coverage's input (a note without an author counts
 * in its rater's totals, in no pair). */
static bool affinity_rating(const dacc_notes *nt, size_t k)
{
    const note_info *ni = &nt->note[nt->r.note[k]];
    return nt->r.tags[k] >> NOTES_LEVEL_HELPFUL & 1 && ni->in_notes && ni->created != INT64_MIN;
}

static bool suspect(uint32_t writer_total, const uint32_t rater_total[3], const uint32_t pair[3])
{
    for (int l = 0; l < 3; l++) {
        /* pair 0: not in that window's table, NA */
        if (!pair[l])
            continue;
        if (writer_total >= PSS_MIN_DENOM &&
            (double)pair[l] / (double)writer_total >= coverage_min[l])
            return true;
        if (rater_total[l] >= PSS_MIN_DENOM &&
            (double)pair[l] / (double)rater_total[l] >= affinity_min[l])
            return true;
    }
    return false;
}

/* One rater's helpful ratings by author, within each latency. */
static void rater_affinity(ctx *c, const csr *by_rater, uint32_t u, const uint32_t *writer_total,
                           uint32_t (*pair)[3], uint32_t *touched)
{
    const dacc_notes *nt = c->nt;
    uint32_t total[3] = { 0, 0, 0 };
    size_t m = 0;
    for (size_t j = by_rater->off[u]; j < by_rater->off[u + 1]; j++) {
        size_t k = by_rater->at[j];
        const note_info *ni = &nt->note[nt->r.note[k]];
        int64_t at = nt->r.created[k];
        bool author = ni->author != NOTES_NONE;
        /* the windows nest: a pair is in the 20-minute table when in any */
        if (author && !later_by_more(ni->created, at, latency_mins[2] * MINUTE) &&
            !pair[ni->author][2])
            touched[m++] = ni->author;
        for (int l = 0; l < 3; l++)
            if (!later_by_more(ni->created, at, latency_mins[l] * MINUTE)) {
                total[l]++;
                if (author)
                    pair[ni->author][l]++;
            }
    }
    for (size_t j = 0; j < m; j++) {
        uint32_t a = touched[j];
        if (suspect(writer_total[a], total, pair[a]))
            link_pair(c->parent, a, u);
        pair[a][0] = pair[a][1] = pair[a][2] = 0;
    }
}

static dacc_status writer_pairs(ctx *c, const uint8_t *sel)
{
    const dacc_notes *nt = c->nt;
    size_t n = 0;
    for (size_t k = 0; k < nt->r.n; k++)
        if (sel[k] && affinity_rating(nt, k))
            c->list[n] = (uint32_t)k, c->key[n++] = nt->r.rater[k];
    csr by_rater = { 0 };
    uint32_t *writer_total = calloc(c->np ? c->np : 1, sizeof *writer_total);
    uint32_t(*pair)[3] = calloc(c->np ? c->np : 1, sizeof *pair);
    uint32_t *touched = malloc((c->np ? c->np : 1) * sizeof *touched);
    dacc_status st = writer_total && pair && touched ? DACC_OK : DACC_ERR_NOMEM;
    if (st == DACC_OK)
        st = csr_group(c->list, c->key, n, c->np, &by_rater);
    for (size_t m = 0; st == DACC_OK && m < c->nn; m++)
        if (nt->note[m].in_notes && nt->note[m].author != NOTES_NONE)
            writer_total[nt->note[m].author]++;
    for (size_t u = 0; st == DACC_OK && u < c->np; u++)
        rater_affinity(c, &by_rater, (uint32_t)u, writer_total, pair, touched);
    csr_free(&by_rater);
    free(writer_total), free(pair), free(touched);
    return st;
}

/* ---- co-ratings within 20 minutes: NPMI and minSim ------------------------ */

/* Each rater's ratings on posts, in post order, and the number of posts
 * each rated (uniqueRatingsOnTweets per rater). */
static dacc_status by_rater_on_posts(ctx *c, csr *by_rater, uint32_t *posts, size_t *total)
{
    size_t n = 0;
    for (size_t j = 0; j < c->norder; j++) {
        uint32_t note = c->order[j];
        for (size_t i = c->note.off[note]; i < c->note.off[note + 1]; i++)
            c->list[n] = c->note.at[i], c->key[n++] = c->nt->r.rater[c->note.at[i]];
    }
    dacc_status st = csr_group(c->list, c->key, n, c->np, by_rater);
    *total = 0;
    for (size_t u = 0; st == DACC_OK && u < c->np; u++) {
        uint32_t last = NOTES_NONE, m = 0;
        for (size_t j = by_rater->off[u]; j < by_rater->off[u + 1]; j++) {
            uint32_t t = c->tweet[c->nt->r.note[by_rater->at[j]]];
            m += t != last, last = t;
        }
        posts[u] = m, *total += m;
    }
    return st;
}

static bool similar(uint64_t co, uint64_t n, uint64_t left, uint64_t right)
{
    double pmi = log((double)(co * n) /
                     (double)((left + PSS_PMI_PSEUDOCOUNTS) * (right + PSS_PMI_PSEUDOCOUNTS)));
    /* -log(1) is -0.0 when a pair rated every post: the reference's numpy
     * division gives an infinity or NaN then, and so does this one */
    double npmi = pmi / -log((double)co / (double)n);
    uint64_t least = left < right ? left : right;
    return npmi >= PSS_NPMI_THRESHOLD ||
           (double)co / (double)(least + PSS_MIN_SIM_PSEUDOCOUNT) >= PSS_MIN_SIM_THRESHOLD;
}

/* Partners of rating k on its note within the window, each higher-indexed
 * rater counted once per post (stamp: the post they were last counted on). */
static size_t window_partners(const ctx *c, size_t k, uint32_t u, const uint32_t *posts,
                              uint32_t *count, uint32_t *stamp, uint32_t *touched, size_t m)
{
    const dacc_notes *nt = c->nt;
    uint32_t note = nt->r.note[k], post = c->tweet[note];
    int64_t t = nt->r.created[k];
    size_t lo = c->note.off[note], hi = c->note.off[note + 1];
    while (lo < hi) { /* first rating at or after t - window */
        size_t mid = lo + (hi - lo) / 2;
        if (later_by_more(nt->r.created[c->note.at[mid]], t, PSS_WINDOW))
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t j = lo; j < c->note.off[note + 1]; j++) {
        size_t i = c->note.at[j];
        if (later_by_more(t, nt->r.created[i], PSS_WINDOW))
            break;
        uint32_t v = nt->r.rater[i];
        if (v <= u || posts[v] < PSS_MIN_UNIQUE_POSTS || stamp[v] == post)
            continue;
        if (!count[v]++)
            touched[m++] = v;
        stamp[v] = post;
    }
    return m;
}

static dacc_status window_pairs(ctx *c)
{
    csr by_rater = { 0 };
    size_t total;
    uint32_t *posts = calloc(c->np ? c->np : 1, sizeof *posts);
    uint32_t *count = calloc(c->np ? c->np : 1, sizeof *count);
    uint32_t *stamp = malloc((c->np ? c->np : 1) * sizeof *stamp);
    uint32_t *touched = malloc((c->np ? c->np : 1) * sizeof *touched);
    dacc_status st = posts && count && stamp && touched ? DACC_OK : DACC_ERR_NOMEM;
    if (st == DACC_OK)
        st = by_rater_on_posts(c, &by_rater, posts, &total);
    for (size_t v = 0; st == DACC_OK && v < c->np; v++)
        stamp[v] = NOTES_NONE;
    for (size_t u = 0; st == DACC_OK && u < c->np; u++) {
        if (posts[u] < PSS_MIN_UNIQUE_POSTS)
            continue;
        size_t m = 0;
        for (size_t j = by_rater.off[u]; j < by_rater.off[u + 1]; j++)
            m = window_partners(c, by_rater.at[j], (uint32_t)u, posts, count, stamp, touched, m);
        for (size_t j = 0; j < m; j++) {
            uint32_t v = touched[j];
            if (similar(count[v], total, posts[u], posts[v]))
                link_pair(c->parent, (uint32_t)u, v);
            count[v] = 0, stamp[v] = NOTES_NONE;
        }
    }
    csr_free(&by_rater);
    free(posts), free(count), free(stamp), free(touched);
    return st;
}

/* Components of the linked pairs, numbered from 1 in participant order. */
static void number_cliques(ctx *c, notes_cliques *out)
{
    uint32_t next = 0;
    for (size_t u = 0; u < c->np; u++) {
        if (c->parent[u] == NOTES_NONE)
            continue;
        uint32_t r = find(c->parent, (uint32_t)u);
        if (r == u)
            out->pss[u] = ++next;
        else
            out->pss[u] = out->pss[r];
        out->pss_raters++;
    }
    out->pss_cliques = next;
}

/* ---- quasi-cliques ------------------------------------------------------- */

/* Rating events (_get_pair_counts): a post, a note on it and a helpfulNum,
 * numbered post-major, so that events in number order come post by post. */
typedef struct {
    ctx *c;
    csr ev;         /* per event: its raters (of the candidate pool) */
    csr rater;      /* per rater: its events, ascending */
    uint32_t *post; /* per event */
    size_t nev;
    uint8_t *pool;   /* per rater: in a pair with QC_MIN_ALIGNED co-ratings */
    uint8_t *in;     /* per rater: 1 in the clique, 2 the candidate */
    uint32_t *count; /* per event: clique raters on it */
    uint32_t *rank;  /* per rater: its place in participant id order */
    uint32_t *ev_list, *tally, *stamp, *rlist;
    size_t ev_n;
} qc_state;

/* The ratings _get_pair_counts keeps: recent notes (created after the
 * latest rated note's createdAtMillis minus 13 weeks) on posts, classified
 * misleading. */
static dacc_status qc_events(qc_state *q)
{
    ctx *c = q->c;
    const dacc_notes *nt = c->nt;
    int64_t latest = INT64_MIN;
    for (size_t n = 0; n < c->nn; n++)
        if (nt->note[n].in_notes && c->note.off[n + 1] > c->note.off[n] &&
            nt->note[n].created > latest)
            latest = nt->note[n].created;
    size_t m = 0;
    for (size_t j = 0; j < c->norder; j++) {
        uint32_t n = c->order[j];
        const note_info *ni = &nt->note[n];
        /* kept when created after latest - QC_RECENCY */
        if (ni->cls != CLS_MISLEADING || later_by_more(ni->created, latest, QC_RECENCY - 1))
            continue;
        for (size_t i = c->note.off[n]; i < c->note.off[n + 1]; i++) {
            uint32_t k = c->note.at[i];
            c->list[m] = k, c->key[m++] = (uint32_t)(3 * j + nt->r.helpful[k]);
        }
    }
    q->nev = 3 * c->norder;
    q->post = malloc((q->nev ? q->nev : 1) * sizeof *q->post);
    if (!q->post)
        return DACC_ERR_NOMEM;
    for (size_t e = 0; e < q->nev; e++)
        q->post[e] = c->tweet[c->order[e / 3]];
    for (size_t j = 0; j < m; j++) /* the event's raters, not its ratings */
        c->list[j] = nt->r.rater[c->list[j]];
    dacc_status st = csr_group(c->list, c->key, m, q->nev, &q->ev);
    for (size_t j = 0; j < m; j++) /* swap: rater -> event */
    {
        uint32_t t = c->list[j];
        c->list[j] = c->key[j], c->key[j] = t;
    }
    return st == DACC_OK ? csr_group(c->list, c->key, m, c->np, &q->rater) : st;
}

typedef struct {
    uint32_t a, b, count;
    uint32_t lo, hi; /* the pair's ranks, smaller first */
} qc_pair;

/* Pairs of raters with the same answer on the same post, each post
 * counted once per pair; those with at least QC_MIN_ALIGNED. */
static dacc_status qc_pairs(qc_state *q, qc_pair **out, size_t *n_out)
{
    ctx *c = q->c;
    size_t cap = 64, n = 0, m;
    qc_pair *p = malloc(cap * sizeof *p);
    uint32_t *count = q->tally, *stamp = q->stamp, *touched = q->rlist;
    if (!p)
        return DACC_ERR_NOMEM;
    for (size_t u = 0; u < c->np; u++) {
        m = 0;
        for (size_t j = q->rater.off[u]; j < q->rater.off[u + 1]; j++) {
            uint32_t e = q->rater.at[j];
            for (size_t i = q->ev.off[e]; i < q->ev.off[e + 1]; i++) {
                uint32_t v = q->ev.at[i];
                if (v <= u || stamp[v] == q->post[e])
                    continue;
                if (!count[v]++)
                    touched[m++] = v;
                stamp[v] = q->post[e];
            }
        }
        for (size_t j = 0; j < m; j++) {
            uint32_t v = touched[j];
            if (count[v] >= QC_MIN_ALIGNED) {
                if (n == cap) {
                    qc_pair *g = realloc(p, (cap *= 2) * sizeof *p);
                    if (!g)
                        return free(p), DACC_ERR_NOMEM;
                    p = g;
                }
                uint32_t ru = q->rank[u], rv = q->rank[v];
                p[n++] =
                    (qc_pair){ (uint32_t)u, v, count[v], ru < rv ? ru : rv, ru < rv ? rv : ru };
                q->pool[u] = q->pool[v] = 1;
            }
            count[v] = 0, stamp[v] = NOTES_NONE;
        }
    }
    *out = p, *n_out = n;
    return DACC_OK;
}

/* An event counts as the group's action when enough of the group took it
 * (_grow_clique: noteInclusionThreshold and minInclusionRatings). */
static bool group_action(uint32_t count, size_t size)
{
    size_t least = size < QC_MIN_INCLUSION ? size : QC_MIN_INCLUSION;
    return (double)count >= (double)size * QC_NOTE_INCLUSION && count >= least;
}

static int by_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void add_events(qc_state *q, uint32_t u)
{
    for (size_t j = q->rater.off[u]; j < q->rater.off[u + 1]; j++) {
        uint32_t e = q->rater.at[j];
        if (!q->count[e]++)
            q->ev_list[q->ev_n++] = e;
    }
}

/* The rater outside the group on most posts of the group's actions; ties
 * go to the smaller participant id (the reference takes whichever its
 * unstable sort puts first). NOTES_NONE when nobody is. */
static uint32_t best_candidate(qc_state *q, size_t size)
{
    size_t m = 0;
    for (size_t j = 0; j < q->ev_n; j++) {
        uint32_t e = q->ev_list[j];
        if (!group_action(q->count[e], size))
            continue;
        for (size_t i = q->ev.off[e]; i < q->ev.off[e + 1]; i++) {
            uint32_t v = q->ev.at[i];
            if (!q->pool[v] || q->in[v] || q->stamp[v] == q->post[e])
                continue;
            if (!q->tally[v]++)
                q->rlist[m++] = v;
            q->stamp[v] = q->post[e];
        }
    }
    uint32_t best = NOTES_NONE;
    for (size_t j = 0; j < m; j++) {
        uint32_t v = q->rlist[j];
        if (best == NOTES_NONE || q->tally[v] > q->tally[best] ||
            (q->tally[v] == q->tally[best] && q->rank[v] < q->rank[best]))
            best = v;
    }
    for (size_t j = 0; j < m; j++)
        q->tally[q->rlist[j]] = 0, q->stamp[q->rlist[j]] = NOTES_NONE;
    return best;
}

/* With the candidate counted in: the group's actions cover at least
 * QC_MIN_TWEETS posts, and every member with any of them is on at least
 * raterInclusionThreshold of those posts (a member on none is not counted,
 * as the reference's value_counts has no row for it). */
static bool dense_enough(qc_state *q, const uint32_t *members, size_t size)
{
    uint32_t posts = 0, last = NOTES_NONE;
    for (size_t j = 0; j < q->ev_n; j++) {
        uint32_t e = q->ev_list[j];
        if (!group_action(q->count[e], size))
            continue;
        posts += q->post[e] != last, last = q->post[e];
        for (size_t i = q->ev.off[e]; i < q->ev.off[e + 1]; i++) {
            uint32_t v = q->ev.at[i];
            if (q->in[v] && q->stamp[v] != q->post[e])
                q->tally[v]++, q->stamp[v] = q->post[e];
        }
    }
    bool ok = posts >= QC_MIN_TWEETS;
    for (size_t j = 0; j < size; j++) {
        uint32_t v = members[j];
        ok = ok && !(q->tally[v] && (double)q->tally[v] < QC_RATER_INCLUSION * posts);
        q->tally[v] = 0, q->stamp[v] = NOTES_NONE;
    }
    return ok;
}

/* _grow_clique from the seed pair: members[0..*size). */
static void grow_clique(qc_state *q, uint32_t *members, size_t *size)
{
    size_t m = 2;
    q->in[members[0]] = q->in[members[1]] = 1;
    add_events(q, members[0]), add_events(q, members[1]);
    for (int step = 0; step < QC_MAX_SIZE; step++) {
        qsort(q->ev_list, q->ev_n, sizeof *q->ev_list, by_u32);
        uint32_t cand = best_candidate(q, m);
        if (cand == NOTES_NONE)
            break;
        members[m] = cand, q->in[cand] = 2;
        add_events(q, cand);
        qsort(q->ev_list, q->ev_n, sizeof *q->ev_list, by_u32);
        if (dense_enough(q, members, m + 1)) {
            q->in[cand] = 1, m++;
            continue;
        }
        q->in[cand] = 0;
        for (size_t j = q->rater.off[cand]; j < q->rater.off[cand + 1]; j++)
            q->count[q->rater.at[j]]--;
        /* drop the events only the candidate brought */
        size_t k = 0;
        for (size_t j = 0; j < q->ev_n; j++)
            if (q->count[q->ev_list[j]])
                q->ev_list[k++] = q->ev_list[j];
        q->ev_n = k;
        break;
    }
    for (size_t j = 0; j < q->ev_n; j++)
        q->count[q->ev_list[j]] = 0;
    for (size_t j = 0; j < m; j++)
        q->in[members[j]] = 0;
    q->ev_n = 0, *size = m;
}

/* Seeds by co-ratings, most first; ties by the pair's participant ids (the
 * reference's sort is not stable: it takes one of them). */
static int by_seed(const void *a, const void *b)
{
    const qc_pair *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return x->hi < y->hi ? -1 : x->hi > y->hi;
}

typedef struct {
    const char *name;
    uint32_t u;
} named;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

static dacc_status rank_by_id(const dacc_notes *nt, uint32_t *rank)
{
    size_t np = notes_nparts(nt);
    named *v = malloc((np ? np : 1) * sizeof *v);
    if (!v)
        return DACC_ERR_NOMEM;
    for (size_t u = 0; u < np; u++)
        v[u] = (named){ notes_part_id(nt, u), (uint32_t)u };
    qsort(v, np, sizeof *v, by_name);
    for (size_t j = 0; j < np; j++)
        rank[v[j].u] = (uint32_t)j;
    free(v);
    return DACC_OK;
}

/* _build_clusters: grow a clique from each remaining pair with more than
 * QC_MIN_PAIR_COUNT co-ratings, most first; a clique's raters leave every
 * pair; cliques of QC_MIN_RATERS or more are kept. A rater a later clique
 * takes in again stays in a quasi-clique: only membership matters. */
static dacc_status build_clusters(qc_state *q, qc_pair *p, size_t n, notes_cliques *out)
{
    size_t seeds = 0;
    for (size_t j = 0; j < n; j++)
        if (p[j].count > QC_MIN_PAIR_COUNT)
            p[seeds++] = p[j];
    qsort(p, seeds, sizeof *p, by_seed);
    uint8_t *gone = calloc(q->c->np ? q->c->np : 1, 1);
    uint32_t *members = malloc((QC_MAX_SIZE + 2) * sizeof *members);
    if (!gone || !members)
        return free(gone), free(members), DACC_ERR_NOMEM;
    for (size_t j = 0; j < seeds; j++) {
        if (gone[p[j].a] || gone[p[j].b])
            continue;
        size_t size;
        members[0] = p[j].a, members[1] = p[j].b;
        grow_clique(q, members, &size);
        for (size_t i = 0; i < size; i++) {
            gone[members[i]] = 1;
            if (size >= QC_MIN_RATERS && !out->qc[members[i]])
                out->qc[members[i]] = 1, out->qc_raters++;
        }
        out->qc_cliques += size >= QC_MIN_RATERS;
    }
    free(gone), free(members);
    return DACC_OK;
}

static void qc_free(qc_state *q)
{
    csr_free(&q->ev), csr_free(&q->rater);
    free(q->post), free(q->pool), free(q->in), free(q->count), free(q->rank);
    free(q->ev_list), free(q->tally), free(q->stamp), free(q->rlist);
}

static dacc_status qc_new(qc_state *q, ctx *c)
{
    memset(q, 0, sizeof *q);
    q->c = c;
    size_t np = c->np ? c->np : 1;
    dacc_status st = qc_events(q);
    size_t nev = q->nev ? q->nev : 1;
    q->pool = calloc(np, 1), q->in = calloc(np, 1), q->count = calloc(nev, sizeof *q->count);
    q->rank = malloc(np * sizeof *q->rank), q->ev_list = malloc(nev * sizeof *q->ev_list);
    q->tally = calloc(np, sizeof *q->tally), q->stamp = malloc(np * sizeof *q->stamp);
    q->rlist = malloc(np * sizeof *q->rlist);
    if (st == DACC_OK && (!q->pool || !q->in || !q->count || !q->rank || !q->ev_list || !q->tally ||
                          !q->stamp || !q->rlist))
        st = DACC_ERR_NOMEM;
    for (size_t u = 0; st == DACC_OK && u < c->np; u++)
        q->stamp[u] = NOTES_NONE;
    return st == DACC_OK ? rank_by_id(c->nt, q->rank) : st;
}

static dacc_status quasi_cliques(ctx *c, notes_cliques *out)
{
    qc_state q;
    qc_pair *p = NULL;
    size_t n = 0;
    dacc_status st = qc_new(&q, c);
    if (st == DACC_OK)
        st = qc_pairs(&q, &p, &n);
    if (st == DACC_OK)
        st = build_clusters(&q, p, n, out);
    free(p);
    qc_free(&q);
    return st;
}

/* ---- the module's entry points -------------------------------------------- */

void notes_cliques_free(notes_cliques *c)
{
    free(c->pss), free(c->qc);
    memset(c, 0, sizeof *c);
}

dacc_status notes_find_cliques(const dacc_notes *nt, const uint8_t *sel, notes_cliques *out,
                               dacc_error *err)
{
    size_t np = notes_nparts(nt) ? notes_nparts(nt) : 1;
    memset(out, 0, sizeof *out);
    out->pss = calloc(np, sizeof *out->pss), out->qc = calloc(np, 1);
    ctx c;
    memset(&c, 0, sizeof c);
    dacc_status st = out->pss && out->qc ? ctx_new(&c, nt, sel) : DACC_ERR_NOMEM;
    if (st == DACC_OK)
        st = writer_pairs(&c, sel);
    if (st == DACC_OK)
        st = window_pairs(&c);
    if (st == DACC_OK)
        number_cliques(&c, out);
    if (st == DACC_OK)
        st = quasi_cliques(&c, out);
    ctx_free(&c);
    if (st != DACC_OK) {
        notes_cliques_free(out);
        return dacc_error_set(err, st, "out of memory for post-selection similarity");
    }
    return DACC_OK;
}

dacc_status notes_apply_pss(const dacc_notes *nt, const uint8_t *sel, const uint32_t *clique,
                            uint8_t *keep, size_t *dropped)
{
    size_t nn = notes_nnotes(nt), np = notes_nparts(nt), notes = 0, n = 0;
    memcpy(keep, sel, nt->r.n);
    *dropped = 0;
    for (size_t m = 0; m < nn; m++)
        notes += nt->note[m].in_notes;
    if (notes < NOTES_MIN_PROD_NOTES)
        return DACC_OK;
    size_t cap = nt->r.n ? nt->r.n : 1;
    uint32_t most = 0;
    for (size_t u = 0; u < np; u++)
        most = clique[u] > most ? clique[u] : most;
    uint32_t *list = malloc(cap * sizeof *list), *key = malloc(cap * sizeof *key);
    uint32_t *seen = calloc((size_t)most + 1, sizeof *seen); /* per clique: its note + 1 */
    csr by_note = { 0 };
    dacc_status st = list && key && seen ? DACC_OK : DACC_ERR_NOMEM;
    for (size_t k = 0; st == DACC_OK && k < nt->r.n; k++)
        if (sel[k] && clique[nt->r.rater[k]])
            list[n++] = (uint32_t)k;
    if (st == DACC_OK)
        st = notes_sort_by_time(nt, list, n);
    for (size_t j = 0; st == DACC_OK && j < n; j++)
        key[j] = nt->r.note[list[j]];
    if (st == DACC_OK)
        st = csr_group(list, key, n, nn, &by_note);
    for (size_t note = 0; st == DACC_OK && note < nn; note++) {
        const note_info *ni = &nt->note[note];
        uint32_t author = ni->in_notes && ni->author != NOTES_NONE ? clique[ni->author] : 0;
        for (size_t j = by_note.off[note]; j < by_note.off[note + 1]; j++) {
            uint32_t k = by_note.at[j], p = clique[nt->r.rater[k]];
            if (p == author || seen[p] == note + 1)
                keep[k] = 0, ++*dropped;
            else
                seen[p] = (uint32_t)note + 1;
        }
    }
    csr_free(&by_note);
    free(list), free(key), free(seen);
    return st;
}
