/* The accountability trace: each flag fires on the case built for it and
 * on no other; an erased payload leaves the proofs valid; 10^5 records of
 * every kind round trip with every trace exact. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/base.h"
#include "dacc/registry.h"
#include "support.h"

typedef struct {
    uint8_t pk[32], sk[64];
} key;

static void mkkey(unsigned b, key *k)
{
    uint8_t seed[32] = { 0 };
    memcpy(seed, &b, sizeof b);
    crypto_sign_seed_keypair(k->pk, k->sk, seed);
}

static char *hex(const uint8_t d[32])
{
    static char h[8][65];
    static int i;
    i = (i + 1) % 8;
    return dacc_hex_encode(d, 32, h[i]);
}

/* The log under test: an index and an in-memory tree. */
typedef struct {
    dacc_registry_index *ix;
    dacc_tlog_memtree *t;
    uint64_t n;
    /* when keep: every leaf and envelope, for a store to be filled after */
    int keep;
    dacc_buf *leaves, *envs;
    size_t cap;
} reglog;

static void reglog_init(reglog *l)
{
    memset(l, 0, sizeof *l);
    l->ix = dacc_registry_index_new();
    l->t = dacc_tlog_memtree_new();
    l->n = 0;
    cr_assert(l->ix != NULL && l->t != NULL);
}

static void reglog_free(reglog *l)
{
    dacc_registry_index_free(l->ix);
    dacc_tlog_memtree_free(l->t);
    for (size_t i = 0; l->keep && i < l->n; i++) {
        dacc_buf_free(&l->leaves[i]);
        dacc_buf_free(&l->envs[i]);
    }
    free(l->leaves);
    free(l->envs);
}

static void keep(reglog *l, dacc_buf *leaf, dacc_buf *env)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->leaves = realloc(l->leaves, l->cap * sizeof *l->leaves);
        l->envs = realloc(l->envs, l->cap * sizeof *l->envs);
        cr_assert(l->leaves != NULL && l->envs != NULL);
    }
    l->leaves[l->n] = *leaf;
    l->envs[l->n] = *env;
    dacc_buf_init(leaf, 0);
    dacc_buf_init(env, 0);
}

/* Signs and logs a record; returns its digest in out. */
static void put(reglog *l, dacc_registry_kind kind, const uint8_t subj[32], json_t *pred,
                const key *k, int keep_payload, uint8_t out[32])
{
    json_t *st = NULL;
    dacc_error err;
    cr_assert_eq(dacc_registry_statement_new(kind, "s", subj, pred, &st, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    json_decref(pred);
    dacc_buf env, leaf;
    dacc_buf_init(&env, 0);
    dacc_buf_init(&leaf, 0);
    cr_assert_eq(dacc_registry_sign(st, k->sk, &env, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    json_decref(st);
    dacc_registry_record *r = NULL;
    cr_assert_eq(dacc_registry_record_open("r", env.data, env.len, &r, &err), DACC_OK);
    cr_assert_eq(dacc_registry_leaf_write(r, &leaf, &err), DACC_OK);
    memcpy(out, dacc_registry_record_digest(r), 32);
    dacc_registry_record_free(r);
    uint8_t lh[32];
    dacc_tlog_leaf_hash(leaf.data, leaf.len, lh);
    cr_assert_eq(dacc_tlog_memtree_append(l->t, lh), DACC_OK);
    cr_assert_eq(dacc_registry_index_add(l->ix, l->n, leaf.data, leaf.len,
                                         keep_payload ? env.data : NULL, env.len, &err),
                 DACC_OK, "%s", dacc_error_message(&err));
    if (l->keep)
        keep(l, &leaf, &env);
    l->n++;
    dacc_buf_free(&env);
    dacc_buf_free(&leaf);
}

static json_t *release(const key *k, const char *model, const char *parent)
{
    json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "developer", hex(k->pk), "model",
                          model, "version", "1", "released", "2026-01-01T00:00:00Z", "licence",
                          "MIT", "intended_use", "chat", "ai_act_class", "general-purpose");
    if (parent != NULL)
        json_object_set_new(p, "parent", json_string(parent));
    return p;
}

/* n tells deployments of one model apart (records are deterministic: two
 * equal ones are one record, and logging it twice is refused). */
static json_t *deployment(const key *k, const char *end, int n)
{
    char purpose[32];
    snprintf(purpose, sizeof purpose, "chat %d", n);
    json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s}", "deployer", hex(k->pk), "purpose", purpose,
                          "region", "DE", "start", "2026-02-01T00:00:00Z", "oversight", "ops@x");
    if (end != NULL)
        json_object_set_new(p, "end", json_string(end));
    return p;
}

static json_t *incident(const key *k, const char *category, const char *reported)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:s, s:s}", "reporter",
                     hex(k->pk), "title", "t", "description", "d", "date", "2026-03-01T00:00:00Z",
                     "aware", "2026-03-02T00:00:00Z", "reported", reported, "alleged_deployer", "D",
                     "alleged_developer", "V", "harmed_parties", "p", "category", category,
                     "report", "initial");
}

static json_t *claim(const key *k, const char *filed)
{
    return json_pack("{s:s, s:[s], s:s, s:s}", "claimant", hex(k->pk), "respondents", "D", "basis",
                     "fault", "filed", filed);
}

static json_t *determination(const key *k)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s}]}", "adjudicator", hex(k->pk), "decision",
                     "upheld", "decided", "2026-05-01T00:00:00Z", "total", "10", "shares", "party",
                     "D", "amount", "10");
}

static json_t *supersede(const key *k)
{
    return json_pack("{s:s, s:s, s:s}", "issuer", hex(k->pk), "reason", "fix", "issued",
                     "2026-02-15T00:00:00Z");
}

static json_t *trace(reglog *l, const uint8_t d[32])
{
    uint8_t root[32];
    cr_assert_eq(dacc_tlog_tree_hash(dacc_tlog_memtree_hash, l->t, l->n, root), DACC_OK);
    dacc_registry_trace_opts o = { .now = 1782000000, /* 2026-06-21 */
                                   .claim_days = 30,
                                   .hash = dacc_tlog_memtree_hash,
                                   .hash_ctx = l->t,
                                   .size = l->n,
                                   .root = root };
    json_t *out = NULL;
    dacc_error err;
    cr_assert_eq(dacc_registry_trace(l->ix, d, &o, &out, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    return out;
}

/* The flags of a trace, as "name,name,...". */
static void flags_of(const json_t *t, char *out, size_t cap)
{
    size_t i;
    const json_t *f;
    out[0] = '\0';
    json_array_foreach(json_object_get(t, "flags"), i, f)
    {
        strncat(out, json_string_value(json_object_get(f, "flag")), cap - strlen(out) - 2);
        strcat(out, ",");
    }
}

/* A clean chain: release, deployment, incident on time, claim decided. */
static void chain(reglog *l, const uint8_t model[32], const key *k, const char *category,
                  const char *reported, const char *filed, int decide, uint8_t dep[32])
{
    uint8_t inc[32], cl[32], det[32];
    put(l, DACC_REGISTRY_DEPLOYMENT, model, deployment(k, NULL, (int)l->n), k, 1, dep);
    put(l, DACC_REGISTRY_INCIDENT, dep, incident(k, category, reported), k, 1, inc);
    put(l, DACC_REGISTRY_CLAIM, inc, claim(k, filed), k, 1, cl);
    if (decide)
        put(l, DACC_REGISTRY_DETERMINATION, cl, determination(k), k, 1, det);
}

static void expect_flags(void (*build)(reglog *, uint8_t[32]), const char *want)
{
    cr_assert_eq(dacc_init(), DACC_OK);
    reglog l;
    reglog_init(&l);
    uint8_t start[32];
    build(&l, start);
    json_t *t = trace(&l, start);
    char got[256];
    flags_of(t, got, sizeof got);
    cr_assert_str_eq(got, want);
    json_decref(t);
    reglog_free(&l);
}

static const uint8_t model_a[32] = { 0xaa }, model_b[32] = { 0xbb };

static void build_clean(reglog *l, uint8_t start[32])
{
    key k;
    mkkey(1, &k);
    uint8_t r[32], dep[32];
    put(l, DACC_REGISTRY_RELEASE, model_a, release(&k, "a", NULL), &k, 1, r);
    chain(l, model_a, &k, "health", "2026-03-10T00:00:00Z", "2026-06-01T00:00:00Z", 1, dep);
    memcpy(start, model_a, 32);
}

static void build_unreleased(reglog *l, uint8_t start[32])
{
    key k;
    mkkey(1, &k);
    uint8_t dep[32];
    chain(l, model_a, &k, "health", "2026-03-10T00:00:00Z", "2026-06-01T00:00:00Z", 1, dep);
    memcpy(start, dep, 32);
}

static void build_key_change(reglog *l, uint8_t start[32])
{
    key k, k2;
    mkkey(1, &k);
    mkkey(2, &k2);
    uint8_t r[32], r2[32];
    put(l, DACC_REGISTRY_RELEASE, model_a, release(&k, "a", NULL), &k, 1, r);
    put(l, DACC_REGISTRY_RELEASE, model_b, release(&k2, "a", NULL), &k2, 1, r2);
    memcpy(start, model_a, 32);
}

static void build_late(reglog *l, uint8_t start[32])
{
    key k;
    mkkey(1, &k);
    uint8_t r[32], dep[32];
    put(l, DACC_REGISTRY_RELEASE, model_a, release(&k, "a", NULL), &k, 1, r);
    /* critical infrastructure: 2 days; reported 2 days and 1 second after awareness */
    chain(l, model_a, &k, "critical-infrastructure", "2026-03-04T00:00:01Z", "2026-06-01T00:00:00Z",
          1, dep);
    /* death: 10 days, reported on the tenth day exactly: on time */
    chain(l, model_a, &k, "death", "2026-03-12T00:00:00Z", "2026-06-01T00:00:00Z", 1, dep);
    memcpy(start, model_a, 32);
}

static void build_superseded(reglog *l, uint8_t start[32])
{
    key k;
    mkkey(1, &k);
    uint8_t r[32], s[32], dep[32];
    put(l, DACC_REGISTRY_RELEASE, model_a, release(&k, "a", NULL), &k, 1, r);
    put(l, DACC_REGISTRY_SUPERSEDE, r, supersede(&k), &k, 1, s);
    /* one deployment still running, one ended before the supersede */
    put(l, DACC_REGISTRY_DEPLOYMENT, model_a, deployment(&k, NULL, 1), &k, 1, dep);
    put(l, DACC_REGISTRY_DEPLOYMENT, model_a, deployment(&k, "2026-02-10T00:00:00Z", 2), &k, 1,
        dep);
    memcpy(start, model_a, 32);
}

static void build_undetermined(reglog *l, uint8_t start[32])
{
    key k;
    mkkey(1, &k);
    uint8_t r[32], dep[32];
    put(l, DACC_REGISTRY_RELEASE, model_a, release(&k, "a", NULL), &k, 1, r);
    /* filed 2026-04-01, 81 days before "now": undetermined */
    chain(l, model_a, &k, "health", "2026-03-10T00:00:00Z", "2026-04-01T00:00:00Z", 0, dep);
    /* filed 2026-06-01, 20 days before: not yet late */
    chain(l, model_a, &k, "health", "2026-03-10T00:00:00Z", "2026-06-01T00:00:00Z", 0, dep);
    memcpy(start, model_a, 32);
}

Test(trace, a_record_logged_again_keeps_its_first_entry)
{
    cr_assert_eq(dacc_init(), DACC_OK);
    reglog l;
    reglog_init(&l);
    key k;
    mkkey(1, &k);
    uint8_t r[32], r2[32];
    put(&l, DACC_REGISTRY_RELEASE, model_a, release(&k, "a", NULL), &k, 1, r);
    put(&l, DACC_REGISTRY_RELEASE, model_a, release(&k, "a", NULL), &k, 1, r2);
    cr_assert_eq(memcmp(r, r2, 32), 0);
    cr_assert_eq(dacc_registry_index_count(l.ix), 1);
    reglog_free(&l);
}

Test(trace, clean_chain_no_flag)
{
    expect_flags(build_clean, "");
}
Test(trace, unreleased_model)
{
    expect_flags(build_unreleased, "unreleased-model,");
}
Test(trace, developer_key_changed)
{
    expect_flags(build_key_change, "developer-key-changed,");
}
Test(trace, late_incident)
{
    expect_flags(build_late, "late-incident,");
}

Test(trace, late_incident_detail)
{
    cr_assert_eq(dacc_init(), DACC_OK);
    reglog l;
    reglog_init(&l);
    uint8_t start[32];
    build_late(&l, start);
    json_t *t = trace(&l, start);
    const json_t *f = json_array_get(json_object_get(t, "flags"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(f, "detail")),
                     "reported 2.1 days after awareness; Art. 73 allows 2 for category "
                     "critical-infrastructure");
    json_decref(t);
    reglog_free(&l);
}
Test(trace, superseded_deployed)
{
    expect_flags(build_superseded, "superseded-deployed,");
}
Test(trace, claim_undetermined)
{
    expect_flags(build_undetermined, "claim-undetermined,");
}

/* Verifies every proof of a trace against the root, from the tree's own
 * leaf hashes: the proofs the trace gives are the ones a reader checks. */
static void proofs_valid(const json_t *t, reglog *l, const uint8_t root[32])
{
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(t, "records"), i, r)
    {
        uint64_t index = (uint64_t)json_integer_value(json_object_get(r, "index"));
        const json_t *p = json_object_get(r, "proof");
        uint8_t proof[DACC_TLOG_MAX_PROOF][32], leaf[32];
        size_t n = json_array_size(p), len;
        cr_assert(n > 0 && n <= DACC_TLOG_MAX_PROOF);
        for (size_t j = 0; j < n; j++) {
            const char *b = json_string_value(json_array_get(p, j));
            cr_assert_eq(dacc_base64_decode(b, strlen(b), proof[j], 32, &len, NULL), DACC_OK);
        }
        cr_assert_eq(dacc_tlog_memtree_hash(l->t, 0, index, leaf), DACC_OK);
        cr_assert_eq(
            dacc_tlog_verify_inclusion(leaf, index, l->n, (const uint8_t(*)[32])proof, n, root),
            DACC_OK);
        leaf[0] ^= 1;
        cr_assert_neq(
            dacc_tlog_verify_inclusion(leaf, index, l->n, (const uint8_t(*)[32])proof, n, root),
            DACC_OK);
    }
}

Test(trace, fine_tunes_and_redaction)
{
    cr_assert_eq(dacc_init(), DACC_OK);
    reglog l;
    reglog_init(&l);
    key k;
    mkkey(1, &k);
    uint8_t r[32], r2[32], dep[32], inc[32];
    put(&l, DACC_REGISTRY_RELEASE, model_a, release(&k, "a", NULL), &k, 1, r);
    put(&l, DACC_REGISTRY_RELEASE, model_b, release(&k, "a-ft", hex(model_a)), &k, 1, r2);
    put(&l, DACC_REGISTRY_DEPLOYMENT, model_b, deployment(&k, NULL, 0), &k, 1, dep);
    /* the incident's payload erased: the leaf alone is logged and indexed */
    put(&l, DACC_REGISTRY_INCIDENT, dep, incident(&k, "health", "2026-03-03T00:00:00Z"), &k, 0,
        inc);
    json_t *t = trace(&l, model_a);
    const json_t *recs = json_object_get(t, "records");
    cr_assert_eq(json_array_size(recs), 4);
    const json_t *last = json_array_get(recs, 3);
    cr_assert_str_eq(json_string_value(json_object_get(last, "kind")), "incident");
    cr_assert(json_is_true(json_object_get(last, "redacted")));
    cr_assert_str_eq(json_string_value(json_object_get(last, "digest")), hex(inc));
    cr_assert_eq(json_object_get(last, "predicate"), NULL);
    /* the proof of the erased entry still verifies */
    uint8_t root[32];
    cr_assert_eq(dacc_tlog_tree_hash(dacc_tlog_memtree_hash, l.t, l.n, root), DACC_OK);
    proofs_valid(t, &l, root);
    dacc_buf text, svg;
    dacc_buf_init(&text, 0);
    dacc_buf_init(&svg, 0);
    cr_assert_eq(dacc_registry_trace_text(t, &text, NULL), DACC_OK);
    cr_assert(strstr(text.data, "[payload erased]") != NULL);
    cr_assert_eq(dacc_registry_trace_svg(t, &svg, NULL), DACC_OK);
    cr_assert(strstr(svg.data, "<svg") != NULL && strstr(svg.data, "</svg>") != NULL);
    dacc_buf_free(&text);
    dacc_buf_free(&svg);
    json_decref(t);
    reglog_free(&l);
}

Test(trace, scale_1e5, .timeout = 600)
{
    cr_assert_eq(dacc_init(), DACC_OK);
    reglog l;
    reglog_init(&l);
    key k;
    mkkey(7, &k);
    l.keep = 1;
    enum { MODELS = 11112 }; /* 9 records each: 100 008 */
    uint8_t first_dep[32];
    for (unsigned m = 0; m < MODELS; m++) {
        uint8_t model[32] = { 0 }, r[32], dep[32], inc[32], cl[32], det[32];
        memcpy(model, &m, sizeof m);
        model[31] = 1;
        put(&l, DACC_REGISTRY_RELEASE, model, release(&k, hex(model), NULL), &k, 1, r);
        for (int d = 0; d < 2; d++) {
            put(&l, DACC_REGISTRY_DEPLOYMENT, model, deployment(&k, NULL, d), &k, 1, dep);
            put(&l, DACC_REGISTRY_INCIDENT, dep, incident(&k, "health", "2026-03-10T00:00:00Z"), &k,
                1, inc);
            put(&l, DACC_REGISTRY_CLAIM, inc, claim(&k, "2026-06-01T00:00:00Z"), &k, 1, cl);
            put(&l, DACC_REGISTRY_DETERMINATION, cl, determination(&k), &k, 1, det);
            if (m == 0 && d == 0)
                memcpy(first_dep, dep, 32);
        }
    }
    cr_assert_eq(dacc_registry_index_count(l.ix), (size_t)MODELS * 9);
    uint8_t root[32];
    cr_assert_eq(dacc_tlog_tree_hash(dacc_tlog_memtree_hash, l.t, l.n, root), DACC_OK);
    unsigned probes[] = { 0, 1, 4242, MODELS - 1 };
    for (size_t p = 0; p < sizeof probes / sizeof *probes; p++) {
        uint8_t model[32] = { 0 };
        memcpy(model, &probes[p], sizeof probes[p]);
        model[31] = 1;
        json_t *t = trace(&l, model);
        const json_t *recs = json_object_get(t, "records");
        cr_assert_eq(json_array_size(recs), 9);
        cr_assert_eq(json_array_size(json_object_get(t, "flags")), 0);
        /* exactly the chain built: 9 consecutive log entries */
        for (size_t i = 0; i < 9; i++)
            cr_assert_eq(json_integer_value(json_object_get(json_array_get(recs, i), "index")),
                         (json_int_t)(probes[p] * 9 + i));
        proofs_valid(t, &l, root);
        json_decref(t);
    }
    /* from a deployment: the whole chain of its model too */
    json_t *t = trace(&l, first_dep);
    cr_assert_eq(json_array_size(json_object_get(t, "records")), 9);
    /* The same leaves appended to a real log store, in batches, and the
     * index read back from it as dacc registry trace reads it: the same
     * root, and the same trace, proofs included. */
    char *dir = make_temp_dir(), *db = path_join(dir, "log.db");
    dacc_tlog_signer s;
    dacc_error err;
    cr_assert_eq(dacc_tlog_keygen("dacc.test/registry", DACC_TLOG_KEY_ED25519, &s, &err), DACC_OK);
    cr_assert_eq(dacc_tlog_log_create(db, "dacc.test/registry", &err), DACC_OK);
    dacc_tlog_log *log = NULL;
    cr_assert_eq(dacc_tlog_log_open(db, &s, &log, &err), DACC_OK, "%s", err.message);
    for (size_t i = 0; i < l.n; i += 5000) {
        const void *ents[5000];
        size_t lens[5000], n = l.n - i < 5000 ? l.n - i : 5000;
        uint64_t first;
        for (size_t j = 0; j < n; j++) {
            ents[j] = l.leaves[i + j].data;
            lens[j] = l.leaves[i + j].len;
        }
        cr_assert_eq(dacc_tlog_log_append(log, ents, lens, n, &first, &err), DACC_OK, "%s",
                     err.message);
        cr_assert_eq(first, i);
    }
    char *note = NULL;
    size_t nl;
    dacc_tlog_note nt;
    dacc_tlog_checkpoint cp;
    cr_assert_eq(dacc_tlog_log_checkpoint(log, &note, &nl, &err), DACC_OK);
    cr_assert_eq(dacc_tlog_note_parse(note, nl, &nt, &err), DACC_OK);
    cr_assert_eq(dacc_tlog_checkpoint_parse(nt.text, nt.text_len, &cp, &err), DACC_OK);
    cr_assert_eq(cp.size, l.n);
    cr_assert_eq(memcmp(cp.root, root, 32), 0);
    dacc_registry_index *ix = dacc_registry_index_new();
    for (uint64_t i = 0; i < cp.size; i++) {
        uint8_t *e = NULL;
        size_t len;
        cr_assert_eq(dacc_tlog_log_entry(log, i, &e, &len, &err), DACC_OK);
        cr_assert_eq(dacc_registry_index_add(ix, i, e, len, l.envs[i].data, l.envs[i].len, &err),
                     DACC_OK, "%s", err.message);
        free(e);
    }
    dacc_registry_trace_opts o = { .now = 1782000000,
                                   .claim_days = 30,
                                   .hash = dacc_tlog_log_hash,
                                   .hash_ctx = log,
                                   .size = cp.size,
                                   .root = cp.root };
    json_t *t2 = NULL;
    cr_assert_eq(dacc_registry_trace(ix, first_dep, &o, &t2, &err), DACC_OK, "%s", err.message);
    cr_assert(json_equal(t, t2));
    json_decref(t2);
    dacc_registry_index_free(ix);
    free(note);
    dacc_tlog_log_free(log);
    remove_tree(dir);
    free(db);
    free(dir);
    json_decref(t);
    reglog_free(&l);
}
