/* The index of a registry log and the accountability trace: from a model
 * or a record, the releases, fine-tunes, deployments, incidents, claims,
 * determinations and supersedes, each proved in the log, and the flags. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/svg.h"
#include "internal.h"

typedef struct {
    uint64_t index;
    dacc_registry_leaf leaf;
    dacc_registry_record *rec; /* NULL when the payload was erased */
    uint8_t leaf_hash[DACC_TLOG_HASH_BYTES];
    size_t next_by_subject; /* chain of entries naming the same subject; SIZE_MAX ends */
} entry;

/* Open addressing on the first 8 bytes of a digest (uniform: SHA-256). */
typedef struct {
    uint8_t key[32];
    size_t head; /* entry index + 1; 0: empty slot */
} slot;

struct dacc_registry_index {
    entry *e;
    size_t n, cap;
    slot *by_digest, *by_subject;
    size_t nslots; /* a power of two, at least twice the entries */
};

dacc_registry_index *dacc_registry_index_new(void)
{
    return calloc(1, sizeof(dacc_registry_index));
}

void dacc_registry_index_free(dacc_registry_index *ix)
{
    if (ix == NULL)
        return;
    for (size_t i = 0; i < ix->n; i++) {
        dacc_registry_leaf_clear(&ix->e[i].leaf);
        dacc_registry_record_free(ix->e[i].rec);
    }
    free(ix->e);
    free(ix->by_digest);
    free(ix->by_subject);
    free(ix);
}

size_t dacc_registry_index_count(const dacc_registry_index *ix)
{
    return ix->n;
}

static size_t slot_of(const slot *t, size_t nslots, const uint8_t key[32])
{
    uint64_t h;
    memcpy(&h, key, sizeof h);
    size_t i = (size_t)h & (nslots - 1);
    while (t[i].head != 0 && memcmp(t[i].key, key, 32) != 0)
        i = (i + 1) & (nslots - 1);
    return i;
}

/* The first entry whose digest (or, by subject, naming key) is key;
 * SIZE_MAX when none. */
static size_t lookup(const slot *t, size_t nslots, const uint8_t key[32])
{
    if (nslots == 0)
        return SIZE_MAX;
    size_t i = slot_of(t, nslots, key);
    return t[i].head ? t[i].head - 1 : SIZE_MAX;
}

static void link_subjects(dacc_registry_index *ix, size_t k)
{
    entry *e = &ix->e[k];
    e->next_by_subject = SIZE_MAX;
    for (size_t s = 0; s < e->leaf.nsubjects; s++) {
        size_t i = slot_of(ix->by_subject, ix->nslots, e->leaf.subjects[s]);
        if (ix->by_subject[i].head == 0)
            memcpy(ix->by_subject[i].key, e->leaf.subjects[s], 32);
        /* Only the first subject chains: registry records have one, and a
         * model record's one subject is the model. */
        if (s == 0) {
            e->next_by_subject = ix->by_subject[i].head ? ix->by_subject[i].head - 1 : SIZE_MAX;
            ix->by_subject[i].head = k + 1;
        }
    }
    size_t i = slot_of(ix->by_digest, ix->nslots, e->leaf.digest);
    if (ix->by_digest[i].head == 0) {
        memcpy(ix->by_digest[i].key, e->leaf.digest, 32);
        ix->by_digest[i].head = k + 1;
    }
}

static dacc_status rehash(dacc_registry_index *ix, dacc_error *err)
{
    size_t ns = ix->nslots ? ix->nslots * 2 : 1024;
    slot *a = calloc(ns, sizeof *a), *b = calloc(ns, sizeof *b);
    if (a == NULL || b == NULL) {
        free(a);
        free(b);
        return dacc_error_set(err, DACC_ERR_NOMEM, "the registry index");
    }
    free(ix->by_digest);
    free(ix->by_subject);
    ix->by_digest = a;
    ix->by_subject = b;
    ix->nslots = ns;
    /* Chains are rebuilt newest-first per subject; the trace sorts by index. */
    for (size_t k = 0; k < ix->n; k++)
        link_subjects(ix, k);
    return DACC_OK;
}

dacc_status dacc_registry_index_add(dacc_registry_index *ix, uint64_t index, const void *leaf,
                                    size_t leaf_len, const void *envelope, size_t env_len,
                                    dacc_error *err)
{
    if (ix->n > 0 && index <= ix->e[ix->n - 1].index)
        return dacc_error_set(err, DACC_ERR_STATE, "entry %llu: not after the last one added",
                              (unsigned long long)index);
    if (ix->n == ix->cap) {
        size_t cap = ix->cap ? ix->cap * 2 : 256;
        entry *e = realloc(ix->e, cap * sizeof *e);
        if (e == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "the registry index");
        ix->e = e;
        ix->cap = cap;
    }
    entry *e = &ix->e[ix->n];
    memset(e, 0, sizeof *e);
    e->index = index;
    char name[40];
    snprintf(name, sizeof name, "entry %llu", (unsigned long long)index);
    dacc_status st = dacc_registry_leaf_parse(name, leaf, leaf_len, &e->leaf, err);
    if (st == DACC_OK && envelope != NULL)
        st = dacc_registry_record_open(name, envelope, env_len, &e->rec, err);
    if (st == DACC_OK && e->rec != NULL)
        st = dacc_registry_leaf_match(&e->leaf, e->rec, err);
    /* A record logged again (a resubmission) is the same record: its first
     * entry stands, and the trace proves that one. */
    int again = st == DACC_OK && lookup(ix->by_digest, ix->nslots, e->leaf.digest) != SIZE_MAX;
    if (st != DACC_OK || again) {
        dacc_registry_leaf_clear(&e->leaf);
        dacc_registry_record_free(e->rec);
        return st;
    }
    dacc_tlog_leaf_hash(leaf, leaf_len, e->leaf_hash);
    ix->n++;
    if (ix->n * 2 > ix->nslots)
        return rehash(ix, err);
    link_subjects(ix, ix->n - 1);
    return DACC_OK;
}

/* ---- the walk ----------------------------------------------------------------- */

typedef struct {
    const dacc_registry_index *ix;
    unsigned char *in; /* entries in the trace */
    uint8_t (*models)[32];
    size_t nmodels, capmodels;
} walk;

static const json_t *pred_of(const entry *e)
{
    return e->rec ? json_object_get(dacc_registry_record_statement(e->rec), "predicate") : NULL;
}

static const char *pstr(const entry *e, const char *f)
{
    return json_string_value(json_object_get(pred_of(e), f));
}

static int ptime(const entry *e, const char *f, int64_t *t)
{
    const char *s = pstr(e, f);
    return s != NULL && dacc_registry_time_parse(s, t) == DACC_OK;
}

static dacc_status add_model(walk *w, const uint8_t m[32], dacc_error *err)
{
    for (size_t i = 0; i < w->nmodels; i++)
        if (memcmp(w->models[i], m, 32) == 0)
            return DACC_OK;
    if (w->nmodels == w->capmodels) {
        size_t cap = w->capmodels ? w->capmodels * 2 : 8;
        void *p = realloc(w->models, cap * 32);
        if (p == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "the trace");
        w->models = p;
        w->capmodels = cap;
    }
    memcpy(w->models[w->nmodels++], m, 32);
    return DACC_OK;
}

/* Marks every entry naming subject d, and what names those, down the
 * chain deployment -> incident -> claim -> determination (supersedes of a
 * release too). */
static void mark_below(walk *w, const uint8_t d[32], unsigned depth)
{
    if (depth > 8)
        return;
    for (size_t k = lookup(w->ix->by_subject, w->ix->nslots, d); k != SIZE_MAX;
         k = w->ix->e[k].next_by_subject) {
        if (w->in[k])
            continue;
        w->in[k] = 1;
        mark_below(w, w->ix->e[k].leaf.digest, depth + 1);
    }
}

/* The model a record is about: up its subjects to a model digest. */
static void model_of(const dacc_registry_index *ix, const uint8_t d[32], uint8_t out[32])
{
    memcpy(out, d, 32);
    for (unsigned hop = 0; hop < 8; hop++) {
        size_t k = lookup(ix->by_digest, ix->nslots, out);
        if (k == SIZE_MAX)
            return;
        memcpy(out, ix->e[k].leaf.subjects[0], 32);
        dacc_registry_kind kd = ix->e[k].leaf.kind;
        if (kd == DACC_REGISTRY_MODEL || kd == DACC_REGISTRY_RELEASE ||
            kd == DACC_REGISTRY_DEPLOYMENT)
            return;
    }
}

/* The models of the trace: the start and its fine-tunes, transitively
 * (releases whose parent is one of them). */
static dacc_status collect_models(walk *w, const uint8_t start[32], dacc_error *err)
{
    dacc_status st = add_model(w, start, err);
    for (size_t i = 0; st == DACC_OK && i < w->nmodels; i++) {
        char hex[65];
        dacc_hex_encode(w->models[i], 32, hex);
        for (size_t k = 0; st == DACC_OK && k < w->ix->n; k++) {
            const entry *e = &w->ix->e[k];
            const char *parent = e->leaf.kind == DACC_REGISTRY_RELEASE ? pstr(e, "parent") : NULL;
            if (parent != NULL && strcmp(parent, hex) == 0)
                st = add_model(w, e->leaf.subjects[0], err);
        }
    }
    return st;
}

/* ---- output ------------------------------------------------------------------- */

static json_t *hexj(const uint8_t d[32])
{
    char h[65];
    return json_string(dacc_hex_encode(d, 32, h));
}

static dacc_status proof_json(const entry *e, const dacc_registry_trace_opts *o, json_t **out,
                              dacc_error *err)
{
    if (e->index >= o->size)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "entry %llu is beyond the checkpoint's %llu entries",
                              (unsigned long long)e->index, (unsigned long long)o->size);
    uint8_t proof[DACC_TLOG_MAX_PROOF][32];
    size_t n = 0;
    dacc_status st = dacc_tlog_prove_inclusion(o->hash, o->hash_ctx, e->index, o->size, proof, &n);
    if (st != DACC_OK)
        return dacc_error_set(err, st, "entry %llu: no inclusion proof from the log",
                              (unsigned long long)e->index);
    if (dacc_tlog_verify_inclusion(e->leaf_hash, e->index, o->size, (const uint8_t(*)[32])proof, n,
                                   o->root) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "entry %llu: its inclusion proof does not verify against the "
                              "checkpoint",
                              (unsigned long long)e->index);
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < n; i++) {
        char b64[45];
        dacc_base64_encode(proof[i], 32, b64);
        json_array_append_new(a, json_string(b64));
    }
    *out = a;
    return a ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "the trace");
}

static json_t *record_json(const entry *e, json_t *proof)
{
    json_t *subj = json_array();
    for (size_t i = 0; i < e->leaf.nsubjects; i++)
        json_array_append_new(subj, hexj(e->leaf.subjects[i]));
    json_t *r = json_pack("{s:I, s:s, s:o, s:o, s:o, s:b, s:o}", "index", (json_int_t)e->index,
                          "kind", dacc_registry_kind_name(e->leaf.kind), "digest",
                          hexj(e->leaf.digest), "signer", hexj(e->leaf.signer), "subjects", subj,
                          "redacted", e->rec == NULL, "proof", proof);
    if (r != NULL && e->rec != NULL && e->leaf.kind != DACC_REGISTRY_MODEL)
        json_object_set_new(r, "predicate", json_deep_copy(pred_of(e)));
    return r;
}

static void flag(json_t *flags, const char *name, const entry *e, const char *detail)
{
    json_array_append_new(flags, json_pack("{s:s, s:I, s:o, s:s}", "flag", name, "index",
                                           (json_int_t)e->index, "record", hexj(e->leaf.digest),
                                           "detail", detail));
}

/* Art. 73(2)-(4): days from awareness to the first report, by category. */
static int64_t deadline_days(const char *category)
{
    if (strcmp(category, "death") == 0)
        return 10;
    if (strcmp(category, "critical-infrastructure") == 0 ||
        strcmp(category, "widespread-infringement") == 0)
        return 2;
    return 15;
}

static int has_release(const dacc_registry_index *ix, const uint8_t m[32])
{
    for (size_t k = lookup(ix->by_subject, ix->nslots, m); k != SIZE_MAX;
         k = ix->e[k].next_by_subject)
        if (ix->e[k].leaf.kind == DACC_REGISTRY_RELEASE ||
            ix->e[k].leaf.kind == DACC_REGISTRY_MODEL)
            return 1;
    return 0;
}

/* Whether record d is named by a supersede; *when its issue time. */
static int superseded_record(const dacc_registry_index *ix, const uint8_t d[32], int64_t *when)
{
    int found = 0;
    for (size_t k = lookup(ix->by_subject, ix->nslots, d); k != SIZE_MAX;
         k = ix->e[k].next_by_subject) {
        int64_t t = INT64_MAX;
        if (ix->e[k].leaf.kind != DACC_REGISTRY_SUPERSEDE)
            continue;
        ptime(&ix->e[k], "issued", &t);
        if (!found || t < *when)
            *when = t;
        found = 1;
    }
    return found;
}

/* The earliest time model m was superseded (directly or through one of its
 * release records); 0 when it was not. */
static int superseded(const dacc_registry_index *ix, const uint8_t m[32], int64_t *when)
{
    int found = 0;
    for (size_t k = lookup(ix->by_subject, ix->nslots, m); k != SIZE_MAX;
         k = ix->e[k].next_by_subject) {
        const entry *e = &ix->e[k];
        int64_t t = INT64_MAX;
        if (e->leaf.kind == DACC_REGISTRY_SUPERSEDE) {
            ptime(e, "issued", &t);
        } else if (e->leaf.kind == DACC_REGISTRY_RELEASE || e->leaf.kind == DACC_REGISTRY_MODEL) {
            if (!superseded_record(ix, e->leaf.digest, &t))
                continue;
        } else
            continue;
        if (!found || t < *when)
            *when = t;
        found = 1;
    }
    return found;
}

/* Releases of one model name by another developer than its first: every
 * version of a name in the trace is added to it, and each one signed by
 * another key than the name's first release is flagged. */
static void key_changes(walk *w, json_t *flags)
{
    const dacc_registry_index *ix = w->ix;
    for (size_t k = 0; k < ix->n; k++) {
        const entry *e = &ix->e[k];
        if (!w->in[k] || e->leaf.kind != DACC_REGISTRY_RELEASE || pstr(e, "model") == NULL)
            continue;
        /* Every version of the model's name belongs to its trace. */
        const char *name = pstr(e, "model");
        for (size_t j = 0; j < ix->n; j++) {
            const entry *f = &ix->e[j];
            if (!w->in[j] && f->leaf.kind == DACC_REGISTRY_RELEASE && pstr(f, "model") != NULL &&
                strcmp(pstr(f, "model"), name) == 0)
                w->in[j] = 1;
        }
    }
    for (size_t k = 0; k < ix->n; k++) {
        const entry *e = &ix->e[k];
        if (!w->in[k] || e->leaf.kind != DACC_REGISTRY_RELEASE || pstr(e, "model") == NULL)
            continue;
        for (size_t j = 0; j < k; j++) {
            const entry *f = &ix->e[j];
            if (f->leaf.kind == DACC_REGISTRY_RELEASE && pstr(f, "model") != NULL &&
                strcmp(pstr(f, "model"), pstr(e, "model")) == 0) {
                if (memcmp(f->leaf.signer, e->leaf.signer, 32) != 0)
                    flag(flags, "developer-key-changed", e,
                         "a release of this model name by another developer key than its first "
                         "release's");
                break;
            }
        }
    }
}

static void record_flags(walk *w, const dacc_registry_trace_opts *o, json_t *flags)
{
    const dacc_registry_index *ix = w->ix;
    char detail[160];
    for (size_t k = 0; k < ix->n; k++) {
        const entry *e = &ix->e[k];
        int64_t a, b, t;
        if (!w->in[k])
            continue;
        if (e->leaf.kind == DACC_REGISTRY_DEPLOYMENT) {
            if (!has_release(ix, e->leaf.subjects[0]))
                flag(flags, "unreleased-model", e, "the model deployed has no release record");
            if (superseded(ix, e->leaf.subjects[0], &t) && (!ptime(e, "end", &b) || b > t) &&
                e->rec != NULL)
                flag(flags, "superseded-deployed", e,
                     "the model was superseded while this deployment went on");
        } else if (e->leaf.kind == DACC_REGISTRY_INCIDENT && e->rec != NULL &&
                   strcmp(pstr(e, "report"), "update") != 0 && ptime(e, "aware", &a) &&
                   ptime(e, "reported", &b)) {
            int64_t days = deadline_days(pstr(e, "category"));
            if (b - a > days * 86400) {
                /* tenths of a day, rounded up: "2.1 days" is never on time */
                long long tenths = (long long)((b - a + 8639) / 8640);
                snprintf(detail, sizeof detail,
                         "reported %lld.%lld days after awareness; Art. 73 allows %lld for "
                         "category %s",
                         tenths / 10, tenths % 10, (long long)days, pstr(e, "category"));
                flag(flags, "late-incident", e, detail);
            }
        } else if (e->leaf.kind == DACC_REGISTRY_CLAIM && e->rec != NULL && ptime(e, "filed", &a) &&
                   o->now - a > o->claim_days * 86400) {
            int decided = 0;
            for (size_t j = lookup(ix->by_subject, ix->nslots, e->leaf.digest); j != SIZE_MAX;
                 j = ix->e[j].next_by_subject)
                decided |= ix->e[j].leaf.kind == DACC_REGISTRY_DETERMINATION;
            if (!decided) {
                snprintf(detail, sizeof detail, "no determination %lld days after filing",
                         (long long)((o->now - a) / 86400));
                flag(flags, "claim-undetermined", e, detail);
            }
        }
    }
    key_changes(w, flags);
}

dacc_status dacc_registry_trace(const dacc_registry_index *ix,
                                const uint8_t digest[DACC_SHA256_BYTES],
                                const dacc_registry_trace_opts *o, json_t **out, dacc_error *err)
{
    uint8_t model[32];
    model_of(ix, digest, model);
    if (lookup(ix->by_digest, ix->nslots, digest) == SIZE_MAX &&
        lookup(ix->by_subject, ix->nslots, digest) == SIZE_MAX)
        return dacc_error_set(err, DACC_ERR_NOTFOUND, "no record is or names this digest");
    walk w = { .ix = ix, .in = calloc(ix->n + 1, 1) };
    if (w.in == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "the trace");
    dacc_status st = collect_models(&w, model, err);
    for (size_t i = 0; st == DACC_OK && i < w.nmodels; i++)
        mark_below(&w, w.models[i], 0);
    json_t *flags = json_array(), *recs = json_array();
    if (st == DACC_OK && (flags == NULL || recs == NULL))
        st = dacc_error_set(err, DACC_ERR_NOMEM, "the trace");
    if (st == DACC_OK)
        record_flags(&w, o, flags);
    for (size_t k = 0; st == DACC_OK && k < ix->n; k++) {
        json_t *proof = NULL;
        if (!w.in[k])
            continue;
        st = proof_json(&ix->e[k], o, &proof, err);
        if (st == DACC_OK && json_array_append_new(recs, record_json(&ix->e[k], proof)) != 0)
            st = dacc_error_set(err, DACC_ERR_NOMEM, "the trace");
    }
    json_t *models = json_array();
    for (size_t i = 0; models != NULL && i < w.nmodels; i++)
        json_array_append_new(models, hexj(w.models[i]));
    if (st == DACC_OK) {
        *out = json_pack("{s:o, s:o, s:I, s:O, s:O}", "model", hexj(model), "models", models,
                         "size", (json_int_t)o->size, "records", recs, "flags", flags);
        models = NULL;
        if (*out == NULL)
            st = dacc_error_set(err, DACC_ERR_NOMEM, "the trace");
    }
    json_decref(models);
    json_decref(recs);
    json_decref(flags);
    free(w.models);
    free(w.in);
    return st;
}

/* ---- text and SVG --------------------------------------------------------------- */

dacc_status dacc_registry_trace_text(const json_t *t, dacc_buf *out, dacc_error *err)
{
    size_t i;
    const json_t *r;
    dacc_buf_printf(out, "model %s: %zu records in a log of %lld entries, %zu flags\n",
                    json_string_value(json_object_get(t, "model")),
                    json_array_size(json_object_get(t, "records")),
                    (long long)json_integer_value(json_object_get(t, "size")),
                    json_array_size(json_object_get(t, "flags")));
    json_array_foreach(json_object_get(t, "records"), i, r)
    {
        dacc_buf_printf(out, "%8lld  %-13s %s -> %s%s (proof: %zu hashes)\n",
                        (long long)json_integer_value(json_object_get(r, "index")),
                        json_string_value(json_object_get(r, "kind")),
                        json_string_value(json_object_get(r, "digest")),
                        json_string_value(json_array_get(json_object_get(r, "subjects"), 0)),
                        json_is_true(json_object_get(r, "redacted")) ? " [payload erased]" : "",
                        json_array_size(json_object_get(r, "proof")));
    }
    json_array_foreach(json_object_get(t, "flags"), i, r)
    {
        dacc_buf_printf(out, "FLAG %s at entry %lld (%s): %s\n",
                        json_string_value(json_object_get(r, "flag")),
                        (long long)json_integer_value(json_object_get(r, "index")),
                        json_string_value(json_object_get(r, "record")),
                        json_string_value(json_object_get(r, "detail")));
    }
    return out->data != NULL ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "the trace text");
}

/* Whether the graph draws an edge from a to b: b's subject is a's digest,
 * or (a deployment or supersede of a model) a is a release or model record
 * of the model b names. */
static int svg_edge(const json_t *a, const json_t *b)
{
    const char *sb = json_string_value(json_array_get(json_object_get(b, "subjects"), 0));
    const char *ka = json_string_value(json_object_get(a, "kind"));
    if (sb == NULL || ka == NULL)
        return 0;
    if (strcmp(json_string_value(json_object_get(a, "digest")), sb) == 0)
        return 1;
    const char *sa = json_string_value(json_array_get(json_object_get(a, "subjects"), 0));
    return (strcmp(ka, "release") == 0 || strcmp(ka, "model") == 0) && sa != NULL &&
           strcmp(sa, sb) == 0 &&
           strcmp(json_string_value(json_object_get(b, "kind")), "release") != 0 &&
           strcmp(json_string_value(json_object_get(b, "kind")), "model") != 0;
}

/* Whether a flag names record d. */
static int svg_flagged(const json_t *t, const char *d)
{
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(t, "flags"), i, f)
    {
        if (strcmp(json_string_value(json_object_get(f, "record")), d) == 0)
            return 1;
    }
    return 0;
}

/* One column per kind, records in log order down each; an edge from each
 * record to what it is about when that is in the trace; flagged records
 * outlined in red, erased ones grey. */
dacc_status dacc_registry_trace_svg(const json_t *t, dacc_buf *out, dacc_error *err)
{
    static const int col[DACC_REGISTRY_KINDS] = { 0, 0, 1, 2, 3, 4, 5, 5 };
    static const char *const head[6] = { "releases", "deployments",    "incidents",
                                         "claims",   "determinations", "supersedes" };
    const json_t *recs = json_object_get(t, "records");
    size_t n = json_array_size(recs);
    int *x = calloc(n + 1, sizeof *x), *y = calloc(n + 1, sizeof *y), rows[6] = { 0 };
    if (x == NULL || y == NULL) {
        free(x);
        free(y);
        return dacc_error_set(err, DACC_ERR_NOMEM, "the trace graph");
    }
    for (size_t i = 0; i < n; i++) {
        dacc_registry_kind k = DACC_REGISTRY_RELEASE;
        dacc_registry_kind_parse(
            json_string_value(json_object_get(json_array_get(recs, i), "kind")), &k);
        x[i] = 20 + 190 * col[k];
        y[i] = 60 + 40 * rows[col[k]]++;
    }
    int h = 100;
    for (int c = 0; c < 6; c++)
        h = rows[c] * 40 + 100 > h ? rows[c] * 40 + 100 : h;
    dacc_buf_printf(out,
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1160\" height=\"%d\" "
                    "font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%%\" "
                    "height=\"100%%\" fill=\"#fff\"/>\n<text x=\"20\" y=\"22\" "
                    "font-size=\"14\">Accountability trace of model ",
                    h);
    dacc_svg_text(out, json_string_value(json_object_get(t, "model")));
    dacc_buf_printf(out, "</text>\n");
    for (int c = 0; c < 6; c++)
        dacc_buf_printf(out, "<text x=\"%d\" y=\"46\" font-weight=\"bold\">%s</text>\n",
                        20 + 190 * c, head[c]);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (j != i && svg_edge(json_array_get(recs, j), json_array_get(recs, i)))
                dacc_buf_printf(out,
                                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                                "stroke=\"#888\"/>\n",
                                x[j] + 170, y[j] + 14, x[i], y[i] + 14);
    for (size_t i = 0; i < n; i++) {
        const json_t *r = json_array_get(recs, i);
        const char *d = json_string_value(json_object_get(r, "digest"));
        char label[48];
        snprintf(label, sizeof label, "#%lld %s %.10s",
                 (long long)json_integer_value(json_object_get(r, "index")),
                 json_string_value(json_object_get(r, "kind")), d);
        dacc_buf_printf(out,
                        "<g><title>%s%s</title><rect x=\"%d\" y=\"%d\" width=\"170\" "
                        "height=\"28\" rx=\"4\" fill=\"%s\" stroke=\"%s\" "
                        "stroke-width=\"%d\"/><text x=\"%d\" y=\"%d\">",
                        d, json_is_true(json_object_get(r, "redacted")) ? " (payload erased)" : "",
                        x[i], y[i], json_is_true(json_object_get(r, "redacted")) ? "#ddd" : "#eef",
                        svg_flagged(t, d) ? "#c00" : "#333", svg_flagged(t, d) ? 3 : 1, x[i] + 6,
                        y[i] + 18);
        dacc_svg_text(out, label);
        dacc_buf_printf(out, "</text></g>\n");
    }
    dacc_buf_printf(out, "</svg>\n");
    free(x);
    free(y);
    return out->data != NULL ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "the trace graph");
}
