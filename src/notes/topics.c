/* The topic model (topics.h): posts, seed labels, the vectorizer and
 * TF-IDF of the reference's pipeline, the classifier, and the merge of its
 * predictions with the seed labels (TopicModel._merge_predictions_and_labels). */
#include "topics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "logreg.h"
#include "topic_text.h"

const char *const notes_topic_names[NOTES_TOPIC_COUNT] = {
    "Unassigned", "UkraineConflict", "GazaConflict", "MessiRonaldo", "Scams", "InDimensionTwo",
};

#define CONFLICTED NOTES_TOPIC_COUNT

/* TopicModel.__init__: a seed label stands unless the classifier puts more
 * than this on the other classes. */
static double unassigned_threshold(unsigned topic)
{
    return topic == NOTES_TOPIC_IN_DIM_TWO ? 0.98 : 0.99;
}

typedef struct {
    size_t off; /* into the arena */
    uint32_t len;
    uint32_t df;   /* training posts that hold it */
    uint32_t last; /* the last post that counted toward df */
    uint8_t stop;  /* holds a blocked token */
} token;

typedef struct {
    text_buf arena; /* token bytes */
    token *tok;
    uint32_t *slots; /* open addressing: token ids, UINT32_MAX empty */
    size_t n, cap, nslots;
    uint32_t *occ; /* token ids of every post, post after post */
    size_t nocc, occcap;
    size_t post;  /* the post being tokenized */
    int training; /* whether it counts toward document frequencies */
    int failed;
    const topic_blocklist *blocked;
} vocab;

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static int grow_tokens(vocab *v)
{
    size_t cap = v->cap ? v->cap * 2 : 1024;
    token *t = realloc(v->tok, cap * sizeof *t);
    if (!t)
        return -1;
    v->tok = t, v->cap = cap;
    return 0;
}

static int rehash(vocab *v)
{
    size_t ns = v->nslots ? v->nslots * 2 : 4096;
    uint32_t *slots = malloc(ns * sizeof *slots);
    if (!slots)
        return -1;
    memset(slots, 0xff, ns * sizeof *slots);
    for (size_t id = 0; id < v->n; id++) {
        size_t s = hash(v->arena.p + v->tok[id].off, v->tok[id].len) & (ns - 1);
        while (slots[s] != UINT32_MAX)
            s = (s + 1) & (ns - 1);
        slots[s] = (uint32_t)id;
    }
    free(v->slots);
    v->slots = slots, v->nslots = ns;
    return 0;
}

static uint32_t intern(vocab *v, const char *tok, size_t len)
{
    if (2 * (v->n + 1) > v->nslots && rehash(v))
        return UINT32_MAX;
    size_t s = hash(tok, len) & (v->nslots - 1);
    for (; v->slots[s] != UINT32_MAX; s = (s + 1) & (v->nslots - 1)) {
        uint32_t id = v->slots[s];
        if (v->tok[id].len == len && memcmp(v->arena.p + v->tok[id].off, tok, len) == 0)
            return id;
    }
    if ((v->n == v->cap && grow_tokens(v)) || v->n >= UINT32_MAX - 1)
        return UINT32_MAX;
    size_t id = v->n++;
    v->tok[id] = (token){ v->arena.n, (uint32_t)len, 0, UINT32_MAX,
                          (uint8_t)topic_blocked(v->blocked, tok, len) };
    text_put(&v->arena, tok, len);
    v->slots[s] = (uint32_t)id;
    return v->arena.failed ? UINT32_MAX : (uint32_t)id;
}

static void count_token(void *ctx, const char *tok, size_t len)
{
    vocab *v = ctx;
    uint32_t id = v->failed ? UINT32_MAX : intern(v, tok, len);
    if (id == UINT32_MAX) {
        v->failed = 1;
        return;
    }
    if (v->tok[id].stop)
        return;
    if (v->nocc == v->occcap) {
        size_t cap = v->occcap ? v->occcap * 2 : 4096;
        uint32_t *o = realloc(v->occ, cap * sizeof *o);
        if (!o) {
            v->failed = 1;
            return;
        }
        v->occ = o, v->occcap = cap;
    }
    v->occ[v->nocc++] = id;
    if (v->training && v->tok[id].last != (uint32_t)v->post)
        v->tok[id].last = (uint32_t)v->post, v->tok[id].df++;
}

static void vocab_free(vocab *v)
{
    free(v->arena.p), free(v->tok), free(v->slots), free(v->occ);
}

typedef struct {
    int64_t tweet;
    size_t note;
} keyed;

static int by_tweet(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->tweet != y->tweet)
        return x->tweet < y->tweet ? -1 : 1;
    return (x->note > y->note) - (x->note < y->note);
}

/* One model's state: posts in tweet order, their notes, labels, tokens. */
typedef struct {
    keyed *order;         /* notes by (tweet, position) */
    size_t posts, *first; /* posts + 1 offsets into order */
    uint8_t *seed;        /* per post: its seed label, CONFLICTED when several */
    uint8_t *bits;        /* per post: the topics its seeds name */
    size_t *occ_start;    /* posts + 1 offsets into the vocabulary's occ */
    vocab v;
    uint32_t *feature; /* per token id: its column, UINT32_MAX when pruned */
    size_t features, training;
    double *idf;
    notes_csr all, train;
    size_t *all_start, *train_start;
    uint32_t *all_col, *train_col;
    double *all_val, *train_val;
    uint8_t *y, classes[NOTES_TOPIC_COUNT], nclass;
    double *coef, bias[NOTES_TOPIC_COUNT];
} model;

static void model_free(model *m)
{
    free(m->order), free(m->first), free(m->seed), free(m->bits), free(m->occ_start);
    vocab_free(&m->v);
    free(m->feature), free(m->idf), free(m->all_start), free(m->train_start);
    free(m->all_col), free(m->train_col), free(m->all_val), free(m->train_val);
    free(m->y), free(m->coef);
}

static dacc_status nomem(dacc_error *err, const char *what)
{
    return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for the topic model's %s", what);
}

static dacc_status group_posts(model *m, const notes_topic_note *in, size_t n, dacc_error *err)
{
    m->order = malloc((n ? n : 1) * sizeof *m->order);
    m->first = malloc((n + 1) * sizeof *m->first);
    if (!m->order || !m->first)
        return nomem(err, "posts");
    for (size_t i = 0; i < n; i++)
        m->order[i] = (keyed){ in[i].tweet, i };
    qsort(m->order, n, sizeof *m->order, by_tweet);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || m->order[i].tweet != m->order[i - 1].tweet)
            m->first[m->posts++] = i;
    m->first[m->posts] = n;
    return DACC_OK;
}

/* The post's notes joined by spaces (_prepare_post_text), prepared. */
static void post_text(const model *m, const notes_topic_note *in, size_t p, text_buf *raw,
                      text_buf *out)
{
    raw->n = out->n = 0;
    for (size_t i = m->first[p]; i < m->first[p + 1]; i++) {
        if (i > m->first[p])
            text_put(raw, " ", 1);
        text_put(raw, in[m->order[i].note].text, in[m->order[i].note].len);
    }
    topic_text_prepare(raw->p ? raw->p : "", raw->n, out);
}

static unsigned label_of(unsigned bits)
{
    if (!bits)
        return NOTES_TOPIC_NONE;
    if (bits & (bits - 1))
        return CONFLICTED;
    unsigned t = 0;
    while (!(bits >> t & 1))
        t++;
    return t;
}

/* Seed labels and tokens of every post; conflicted posts stay out of the
 * document frequencies, as they stay out of training. */
static dacc_status read_posts(model *m, const notes_topic_note *in, const topic_blocklist *bl,
                              dacc_error *err)
{
    text_buf raw = { 0 }, text = { 0 }, scratch = { 0 };
    m->seed = malloc(m->posts ? m->posts : 1);
    m->bits = malloc(m->posts ? m->posts : 1);
    m->occ_start = malloc((m->posts + 1) * sizeof *m->occ_start);
    m->v.blocked = bl;
    int bad = !m->seed || !m->bits || !m->occ_start;
    for (size_t p = 0; !bad && p < m->posts; p++) {
        post_text(m, in, p, &raw, &text);
        m->bits[p] = (uint8_t)topic_text_seed_bits(text.p ? text.p : "", text.n, &scratch);
        m->seed[p] = (uint8_t)label_of(m->bits[p]);
        m->occ_start[p] = m->v.nocc;
        m->v.post = p, m->v.training = m->seed[p] != CONFLICTED;
        m->training += m->v.training;
        topic_text_tokens(text.p ? text.p : "", text.n, &scratch, count_token, &m->v);
        bad = raw.failed || text.failed || scratch.failed || m->v.failed;
    }
    if (!bad)
        m->occ_start[m->posts] = m->v.nocc;
    free(raw.p), free(text.p), free(scratch.p);
    return bad ? nomem(err, "post texts") : DACC_OK;
}

/* CountVectorizer's min_df and max_df as train_individual_note_topic_classifier
 * sets them (counts, from the number of posts), then the smoothed idf of
 * TfidfTransformer over the training posts. */
static dacc_status choose_features(model *m, dacc_error *err)
{
    size_t min_df = m->posts < 2000 ? 1 : 25, max_df = (size_t)(0.25 * (double)m->posts);
    max_df = max_df > 1000 ? max_df : 1000;
    m->feature = malloc((m->v.n ? m->v.n : 1) * sizeof *m->feature);
    m->idf = malloc((m->v.n ? m->v.n : 1) * sizeof *m->idf);
    if (!m->feature || !m->idf)
        return nomem(err, "vocabulary");
    for (size_t id = 0; id < m->v.n; id++) {
        size_t df = m->v.tok[id].df;
        m->feature[id] = df >= min_df && df <= max_df ? (uint32_t)m->features : UINT32_MAX;
        if (m->feature[id] != UINT32_MAX)
            m->idf[m->features++] = log((1.0 + (double)m->training) / (1.0 + (double)df)) + 1.0;
    }
    return DACC_OK;
}

static int by_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* One post's TF-IDF row, l2-normalised, appended at *nnz. */
static void post_row(model *m, size_t p, uint32_t *col, double *val, size_t *nnz)
{
    size_t from = *nnz;
    for (size_t o = m->occ_start[p]; o < m->occ_start[p + 1]; o++)
        if (m->feature[m->v.occ[o]] != UINT32_MAX)
            col[(*nnz)++] = m->feature[m->v.occ[o]];
    qsort(col + from, *nnz - from, sizeof *col, by_u32);
    size_t k = from;
    double norm = 0;
    for (size_t e = from; e < *nnz; k++) {
        size_t f = e;
        while (e < *nnz && col[e] == col[f])
            e++;
        col[k] = col[f];
        val[k] = (double)(e - f) * m->idf[col[f]];
        norm += val[k] * val[k];
    }
    *nnz = k;
    for (size_t e = from; norm > 0 && e < k; e++)
        val[e] /= sqrt(norm);
}

static dacc_status build_rows(model *m, dacc_error *err)
{
    size_t cap = m->v.nocc ? m->v.nocc : 1, nnz = 0, tn = 0, tr = 0;
    m->all_start = malloc((m->posts + 1) * sizeof *m->all_start);
    m->train_start = malloc((m->training + 1) * sizeof *m->train_start);
    m->all_col = malloc(cap * sizeof *m->all_col),
    m->train_col = malloc(cap * sizeof *m->train_col);
    m->all_val = malloc(cap * sizeof *m->all_val),
    m->train_val = malloc(cap * sizeof *m->train_val);
    m->y = malloc(m->training ? m->training : 1);
    if (!m->all_start || !m->train_start || !m->all_col || !m->train_col || !m->all_val ||
        !m->train_val || !m->y)
        return nomem(err, "feature matrix");
    uint8_t cls[CONFLICTED + 1] = { 0 };
    for (size_t p = 0; p < m->posts; p++)
        cls[m->seed[p]] = 1;
    for (unsigned t = 0; t < CONFLICTED; t++)
        if (cls[t])
            cls[t] = m->nclass, m->classes[m->nclass++] = (uint8_t)t;
    for (size_t p = 0; p < m->posts; p++) {
        m->all_start[p] = nnz;
        post_row(m, p, m->all_col, m->all_val, &nnz);
        if (m->seed[p] == CONFLICTED)
            continue;
        m->train_start[tr] = tn;
        m->y[tr++] = cls[m->seed[p]];
        memcpy(m->train_col + tn, m->all_col + m->all_start[p],
               (nnz - m->all_start[p]) * sizeof *m->train_col);
        memcpy(m->train_val + tn, m->all_val + m->all_start[p],
               (nnz - m->all_start[p]) * sizeof *m->train_val);
        tn += nnz - m->all_start[p];
    }
    m->all_start[m->posts] = nnz, m->train_start[tr] = tn;
    m->all = (notes_csr){ m->posts, m->features, m->all_start, m->all_col, m->all_val };
    m->train = (notes_csr){ tr, m->features, m->train_start, m->train_col, m->train_val };
    return DACC_OK;
}

/* Every post's probability of each topic (0 for topics the classifier
 * never saw, as get_note_topics widens its columns). */
static void topic_probs(const model *m, size_t p, double *full)
{
    double pr[NOTES_TOPIC_COUNT];
    notes_logreg_proba(&m->all, p, m->nclass, m->coef, m->bias, pr);
    memset(full, 0, NOTES_TOPIC_COUNT * sizeof *full);
    for (unsigned c = 0; c < m->nclass; c++)
        full[m->classes[c]] = pr[c];
}

static unsigned argmax(const double *p)
{
    unsigned best = 0;
    for (unsigned t = 1; t < NOTES_TOPIC_COUNT; t++)
        best = p[t] > p[best] ? t : best;
    return best;
}

/* _merge_predictions_and_labels for one post. */
static unsigned merge(const double *p, unsigned seed, unsigned bits)
{
    if (seed != CONFLICTED)
        return seed != NOTES_TOPIC_NONE && 1.0 - p[seed] <= unassigned_threshold(seed) ? seed
                                                                                       : argmax(p);
    unsigned best = NOTES_TOPIC_COUNT;
    for (unsigned t = 1; t < NOTES_TOPIC_COUNT; t++)
        if (bits >> t & 1 && (best == NOTES_TOPIC_COUNT || p[t] > p[best]))
            best = t;
    return 1.0 - p[best] <= unassigned_threshold(best) ? best : argmax(p);
}

/* validate_note_topic_accuracy_on_seed_labels: the mean recall of the
 * seed labels by the raw predictions, over the labelled posts. */
static double balanced_accuracy(const model *m, const uint8_t *pred)
{
    size_t hit[NOTES_TOPIC_COUNT] = { 0 }, all[NOTES_TOPIC_COUNT] = { 0 };
    for (size_t p = 0; p < m->posts; p++)
        if (m->seed[p] != CONFLICTED)
            all[m->seed[p]]++, hit[m->seed[p]] += pred[p] == m->seed[p];
    double sum = 0;
    for (unsigned c = 0; c < m->nclass; c++)
        sum += (double)hit[m->classes[c]] / (double)all[m->classes[c]];
    return sum / m->nclass;
}

static dacc_status classify(model *m, uint8_t *post_topic, dacc_error *err)
{
    unsigned w = m->nclass == 2 ? 1 : m->nclass;
    m->coef = malloc((m->features ? m->features : 1) * w * sizeof *m->coef);
    uint8_t *pred = malloc(m->posts ? m->posts : 1);
    dacc_status st = m->coef && pred ? DACC_OK : nomem(err, "classifier");
    if (st == DACC_OK)
        st = notes_logreg_fit(&m->train, m->y, m->nclass, m->coef, m->bias, err);
    for (size_t p = 0; st == DACC_OK && p < m->posts; p++) {
        double full[NOTES_TOPIC_COUNT];
        topic_probs(m, p, full);
        pred[p] = (uint8_t)argmax(full);
        post_topic[p] = (uint8_t)merge(full, m->seed[p], m->bits[p]);
    }
    double acc = st == DACC_OK ? balanced_accuracy(m, pred) : 1;
    if (!(acc > 0.35))
        st = dacc_error_set(err, DACC_ERR_INVALID,
                            "topic model: balanced accuracy %.4f on the seed labels is not above "
                            "0.35, where the reference stops (topic_model.py "
                            "validate_note_topic_accuracy_on_seed_labels)",
                            acc);
    free(pred);
    return st;
}

dacc_status notes_topics_assign(const notes_topic_note *in, size_t n, uint8_t *topic,
                                dacc_error *err)
{
    model m = { 0 };
    topic_blocklist bl;
    topic_blocklist_init(&bl);
    if (n)
        memset(topic, NOTES_TOPIC_NONE, n);
    dacc_status st = group_posts(&m, in, n, err);
    if (st == DACC_OK)
        st = read_posts(&m, in, &bl, err);
    if (st == DACC_OK)
        st = choose_features(&m, err);
    if (st == DACC_OK)
        st = build_rows(&m, err);
    /* sklearn refuses to fit one class or no features: no post has a topic */
    uint8_t *post_topic = NULL;
    if (st == DACC_OK && m.nclass >= 2 && m.features > 0) {
        post_topic = malloc(m.posts);
        st = post_topic ? classify(&m, post_topic, err) : nomem(err, "assignments");
    }
    for (size_t p = 0; st == DACC_OK && post_topic && p < m.posts; p++)
        for (size_t i = m.first[p]; i < m.first[p + 1]; i++)
            topic[m.order[i].note] = post_topic[p];
    free(post_topic);
    model_free(&m);
    return st;
}

unsigned notes_topics_seed_label(const char *text, size_t len)
{
    text_buf prepared = { 0 }, scratch = { 0 };
    topic_text_prepare(text, len, &prepared);
    unsigned label =
        label_of(topic_text_seed_bits(prepared.p ? prepared.p : "", prepared.n, &scratch));
    free(prepared.p), free(scratch.p);
    return label;
}
