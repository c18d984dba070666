/* The registry on the node: a record of every kind posted and logged
 * (201), a duplicate answered with its first receipt (200), a bad
 * signature refused (400 naming it), the trace's proofs checked here
 * against the records log's checkpoint and key, its flags and hops equal
 * to the library's own trace of the same records, and everything still
 * there after a restart. A node on a shared database keeps no records:
 * 501, saying so (run under tests/support/pg.sh; skipped otherwise). */
#include <sodium.h>

#include "dacc/base.h"
#include "dacc/registry.h"
#include "dacc/round.h"
#include "node.h"
#include "pg.h"

#define NOW "2026-06-21T00:00:00Z"

typedef struct {
    uint8_t pk[32], sk[64];
} key;

static char *hex(const uint8_t d[32])
{
    static char h[8][65];
    static int i;
    i = (i + 1) % 8;
    return dacc_hex_encode(d, 32, h[i]);
}

/* The records posted, in order, as the library's own index and tree keep
 * them: the trace the node answers must be the one computed here. */
typedef struct {
    dacc_buf env[8];
    uint8_t digest[8][32];
    size_t n;
} posted;

static void sign(posted *p, const key *k, dacc_registry_kind kind, const uint8_t subj[32],
                 json_t *pred)
{
    json_t *st = NULL;
    dacc_error err;
    if (kind == DACC_REGISTRY_MODEL) {
        st = pred;
    } else {
        cr_assert_eq(dacc_registry_statement_new(kind, "s", subj, pred, &st, &err), DACC_OK, "%s",
                     dacc_error_message(&err));
        json_decref(pred);
    }
    dacc_buf_init(&p->env[p->n], 0);
    cr_assert_eq(dacc_registry_sign(st, k->sk, &p->env[p->n], &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    json_decref(st);
    dacc_registry_record *r = NULL;
    cr_assert_eq(dacc_registry_record_open("r", p->env[p->n].data, p->env[p->n].len, &r, &err),
                 DACC_OK);
    memcpy(p->digest[p->n], dacc_registry_record_digest(r), 32);
    dacc_registry_record_free(r);
    p->n++;
}

static json_t *model_statement(uint8_t model[32])
{
    dacc_registry_item it[2] = { { .path = "w.bin" }, { .path = "config.json" } };
    memset(it[0].digest, 1, 32);
    memset(it[1].digest, 2, 32);
    cr_assert_eq(dacc_registry_manifest_sort(it, 2, model, NULL), DACC_OK);
    dacc_registry_manifest_opts o = { .model_name = "m" };
    json_t *st = NULL;
    cr_assert_eq(dacc_registry_manifest_statement(&o, it, 2, &st, NULL), DACC_OK);
    return st;
}

/* model, release, deployment, incident (reported late), claim, its
 * determination, and a supersede of the release. */
static void build(posted *p, const key *k)
{
    uint8_t model[32];
    const char *me = hex(k->pk);
    sign(p, k, DACC_REGISTRY_MODEL, NULL, model_statement(model));
    sign(p, k, DACC_REGISTRY_RELEASE, model,
         json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "developer", me, "model", "m", "version",
                   "1", "released", "2026-01-01T00:00:00Z", "licence", "MIT", "intended_use",
                   "chat", "ai_act_class", "general-purpose"));
    sign(p, k, DACC_REGISTRY_DEPLOYMENT, model,
         json_pack("{s:s, s:s, s:s, s:s, s:s}", "deployer", me, "purpose", "chat", "region", "DE",
                   "start", "2026-02-01T00:00:00Z", "oversight", "ops@example.org"));
    sign(p, k, DACC_REGISTRY_INCIDENT, p->digest[2],
         json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:s, s:s}", "reporter", me,
                   "title", "t", "description", "d", "date", "2026-03-01T00:00:00Z", "aware",
                   "2026-03-02T00:00:00Z", "reported", "2026-03-30T00:00:00Z", "alleged_deployer",
                   "D", "alleged_developer", "V", "harmed_parties", "p", "category", "health",
                   "report", "initial"));
    sign(p, k, DACC_REGISTRY_CLAIM, p->digest[3],
         json_pack("{s:s, s:[s], s:s, s:s}", "claimant", me, "respondents", "D", "basis", "fault",
                   "filed", "2026-04-01T00:00:00Z"));
    sign(p, k, DACC_REGISTRY_DETERMINATION, p->digest[4],
         json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s}]}", "adjudicator", me, "decision", "upheld",
                   "decided", "2026-05-01T00:00:00Z", "total", "10", "shares", "party", "D",
                   "amount", "10"));
    sign(p, k, DACC_REGISTRY_SUPERSEDE, p->digest[1],
         json_pack("{s:s, s:s, s:s}", "issuer", me, "reason", "fix", "issued",
                   "2026-02-15T00:00:00Z"));
}

static json_t *request(const test_node *n, const char *method, const char *url, const void *body,
                       size_t len, long want)
{
    http_result r;
    http(n, method, url, body ? "application/json" : NULL, body, len, &r);
    cr_assert_eq(r.status, want, "%s %s: %ld %s", method, url, r.status, r.body);
    if (want >= 400)
        cr_assert(strstr(r.type, "application/problem+json"), "%s", r.type);
    json_t *doc = json_loads(r.body, 0, NULL);
    cr_assert_not_null(doc, "%s %s: %s", method, url, r.body);
    http_free(&r);
    return doc;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    cr_assert_not_null(s, "no %s", k);
    return s;
}

/* The checkpoint note, verified with the records log's key. */
static void checked_checkpoint(const char *note, const char *pub, dacc_tlog_checkpoint *cp)
{
    char *text = read_text(pub, NULL);
    cr_assert_not_null(text);
    dacc_tlog_verifier v;
    dacc_error err;
    cr_assert_eq(dacc_tlog_verifier_parse(text, strcspn(text, "\n"), &v, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    free(text);
    dacc_tlog_note nt;
    bool ok = false;
    size_t count = 0;
    cr_assert_eq(dacc_tlog_note_parse(note, strlen(note), &nt, &err), DACC_OK);
    cr_assert_eq(dacc_tlog_note_verify(&nt, &v, 1, &ok, NULL, &count, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    cr_assert(ok, "the checkpoint is not signed by the records log's key");
    cr_assert_eq(dacc_tlog_checkpoint_parse(nt.text, nt.text_len, cp, &err), DACC_OK);
}

/* A receipt: its leaf is the record's (digest), and its tlog-proof holds
 * against its checkpoint. */
static void check_receipt(const json_t *rc, const uint8_t digest[32], const char *pub)
{
    cr_assert_str_eq(str(rc, "digest"), hex(digest));
    const char *leaf = str(rc, "leaf");
    dacc_registry_leaf lf;
    cr_assert_eq(dacc_registry_leaf_parse("leaf", leaf, strlen(leaf), &lf, NULL), DACC_OK);
    cr_assert_eq(memcmp(lf.digest, digest, 32), 0);
    dacc_registry_leaf_clear(&lf);
    dacc_tlog_checkpoint cp;
    checked_checkpoint(str(rc, "checkpoint"), pub, &cp);
    dacc_tlog_proof p;
    const char *proof = str(rc, "proof");
    dacc_error err;
    cr_assert_eq(dacc_tlog_proof_parse("proof", proof, strlen(proof), &p, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    uint8_t lh[32];
    dacc_tlog_leaf_hash(leaf, strlen(leaf), lh);
    cr_assert_eq(p.a, (uint64_t)json_integer_value(json_object_get(rc, "index")));
    cr_assert_eq(p.size, cp.size);
    cr_assert_eq(
        dacc_tlog_verify_inclusion(lh, p.a, p.size, (const uint8_t(*)[32])p.hash, p.n, cp.root),
        DACC_OK);
}

/* Every hop of a trace proved against its checkpoint, here. */
static void check_trace(const json_t *t, const char *pub)
{
    dacc_tlog_checkpoint cp;
    checked_checkpoint(str(t, "checkpoint"), pub, &cp);
    cr_assert_eq((uint64_t)json_integer_value(json_object_get(t, "size")), cp.size);
    size_t i;
    const json_t *rec;
    json_array_foreach(json_object_get(t, "records"), i, rec)
    {
        const char *leaf = str(rec, "leaf");
        uint8_t lh[32], proof[64][32], d[32];
        dacc_tlog_leaf_hash(leaf, strlen(leaf), lh);
        dacc_registry_leaf lf;
        cr_assert_eq(dacc_registry_leaf_parse("leaf", leaf, strlen(leaf), &lf, NULL), DACC_OK);
        cr_assert_eq(dacc_hex_decode(str(rec, "digest"), 64, d, 32, NULL), DACC_OK);
        cr_assert_eq(memcmp(lf.digest, d, 32), 0, "hop %zu: the leaf is another record's", i);
        dacc_registry_leaf_clear(&lf);
        const json_t *pr = json_object_get(rec, "proof"), *h;
        size_t k;
        json_array_foreach(pr, k, h)
        {
            size_t len;
            cr_assert_eq(dacc_base64_decode(json_string_value(h), strlen(json_string_value(h)),
                                            proof[k], 32, &len, NULL),
                         DACC_OK);
            cr_assert_eq(len, 32);
        }
        uint64_t index = (uint64_t)json_integer_value(json_object_get(rec, "index"));
        cr_assert_eq(dacc_tlog_verify_inclusion(lh, index, cp.size, (const uint8_t(*)[32])proof,
                                                json_array_size(pr), cp.root),
                     DACC_OK, "hop %zu (entry %llu): the proof does not verify", i,
                     (unsigned long long)index);
    }
}

/* The library's trace of the same records in the same order, proofs and
 * flags as it computes them. */
static json_t *library_trace(const posted *p, size_t n, const uint8_t d[32])
{
    dacc_registry_index *ix = dacc_registry_index_new();
    dacc_tlog_memtree *t = dacc_tlog_memtree_new();
    dacc_error err;
    for (size_t i = 0; i < n; i++) {
        dacc_registry_record *r = NULL;
        dacc_buf leaf;
        dacc_buf_init(&leaf, 0);
        cr_assert_eq(dacc_registry_record_open("r", p->env[i].data, p->env[i].len, &r, &err),
                     DACC_OK);
        cr_assert_eq(dacc_registry_leaf_write(r, &leaf, &err), DACC_OK);
        uint8_t lh[32];
        dacc_tlog_leaf_hash(leaf.data, leaf.len, lh);
        cr_assert_eq(dacc_tlog_memtree_append(t, lh), DACC_OK);
        cr_assert_eq(dacc_registry_index_add(ix, i, leaf.data, leaf.len, p->env[i].data,
                                             p->env[i].len, &err),
                     DACC_OK);
        dacc_buf_free(&leaf);
        dacc_registry_record_free(r);
    }
    uint8_t root[32];
    cr_assert_eq(dacc_tlog_tree_hash(dacc_tlog_memtree_hash, t, n, root), DACC_OK);
    int64_t now;
    cr_assert_eq(dacc_registry_time_parse(NOW, &now), DACC_OK);
    dacc_registry_trace_opts o = { .now = now,
                                   .claim_days = 30,
                                   .hash = dacc_tlog_memtree_hash,
                                   .hash_ctx = t,
                                   .size = n,
                                   .root = root };
    json_t *out = NULL;
    cr_assert_eq(dacc_registry_trace(ix, d, &o, &out, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    dacc_registry_index_free(ix);
    dacc_tlog_memtree_free(t);
    return out;
}

/* The node's trace without what only the node adds (each hop's leaf, the
 * checkpoint) is the library's. */
static void same_as_library(const json_t *node, const posted *p, size_t n, const uint8_t d[32])
{
    json_t *mine = json_deep_copy(node), *lib = library_trace(p, n, d), *rec;
    size_t i;
    json_object_del(mine, "checkpoint");
    json_array_foreach(json_object_get(mine, "records"), i, rec) json_object_del(rec, "leaf");
    char *a = json_dumps(mine, JSON_SORT_KEYS), *b = json_dumps(lib, JSON_SORT_KEYS);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    json_decref(mine);
    json_decref(lib);
}

static json_t *trace(const test_node *n, const uint8_t d[32])
{
    char url[256];
    snprintf(url, sizeof url, "/api/v1/records/%s/trace?claim_days=30&now=%s", hex(d), NOW);
    return request(n, "GET", url, NULL, 0, 200);
}

static void flags_are(const json_t *t, const char *want)
{
    char got[256] = "";
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(t, "flags"), i, f)
    {
        strcat(got, str(f, "flag"));
        strcat(got, ",");
    }
    cr_assert_str_eq(got, want);
}

Test(records, every_kind_duplicate_bad_signature_trace_restart, .timeout = 120)
{
    cr_assert_eq(dacc_init(), DACC_OK);
    char *dir = make_temp_dir(), *data = path_join(dir, "data");
    char *pub = path_join(data, "records/log.pub");
    test_node n;
    node_start(&n, data, (const char *const[]){ "--quiet", NULL });
    key k;
    crypto_sign_keypair(k.pk, k.sk);
    posted p = { .n = 0 };
    build(&p, &k);
    const char *kinds[] = { "model", "release",       "deployment", "incident",
                            "claim", "determination", "supersede" };
    for (size_t i = 0; i < p.n; i++) {
        json_t *rc = request(&n, "POST", "/api/v1/records", p.env[i].data, p.env[i].len, 201);
        cr_assert_eq(json_integer_value(json_object_get(rc, "index")), (json_int_t)i);
        cr_assert_str_eq(str(rc, "kind"), kinds[i]);
        cr_assert(json_is_false(json_object_get(rc, "duplicate")));
        check_receipt(rc, p.digest[i], pub);
        json_decref(rc);
    }

    /* the same record again: its first receipt, nothing appended */
    json_t *dup = request(&n, "POST", "/api/v1/records", p.env[1].data, p.env[1].len, 200);
    cr_assert(json_is_true(json_object_get(dup, "duplicate")));
    cr_assert_eq(json_integer_value(json_object_get(dup, "index")), 1);
    cr_assert_eq(json_integer_value(json_object_get(dup, "tree_size")), (json_int_t)p.n);
    check_receipt(dup, p.digest[1], pub);
    json_decref(dup);

    /* a signature by nobody: refused, naming the signature */
    json_t *env = json_loadb(p.env[2].data, p.env[2].len, 0, NULL);
    json_t *sig0 = json_array_get(json_object_get(env, "signatures"), 0);
    char *bad = strdup(str(sig0, "sig"));
    bad[3] = bad[3] == 'A' ? 'B' : 'A';
    json_object_set_new(sig0, "sig", json_string(bad));
    free(bad);
    char *text = json_dumps(env, JSON_COMPACT);
    json_decref(env);
    json_t *pb = request(&n, "POST", "/api/v1/records", text, strlen(text), 400);
    free(text);
    cr_assert(strstr(str(pb, "detail"), "not a valid Ed25519 signature"), "%s", str(pb, "detail"));
    cr_assert_str_eq(str(pb, "field"), "signatures[0].sig");
    json_decref(pb);
    /* not an envelope at all, and not JSON at all */
    json_decref(request(&n, "POST", "/api/v1/records", "{}", 2, 400));
    http_result r;
    http(&n, "POST", "/api/v1/records", "text/plain", "x", 1, &r);
    cr_assert_eq(r.status, 415, "%ld %s", r.status, r.body);
    http_free(&r);
    /* a body above the node's limit, as for events */
    size_t big = (1u << 16) + 1;
    char *huge = malloc(big);
    memset(huge, ' ', big);
    http(&n, "POST", "/api/v1/records", "application/json", huge, big, &r);
    cr_assert_eq(r.status, 413, "%ld %s", r.status, r.body);
    http_free(&r);
    free(huge);

    /* the record and its envelope; unknown digests and paths */
    char url[256];
    snprintf(url, sizeof url, "/api/v1/records/%s", hex(p.digest[3]));
    json_t *got = request(&n, "GET", url, NULL, 0, 200);
    json_t *want = json_loadb(p.env[3].data, p.env[3].len, 0, NULL);
    cr_assert(json_equal(json_object_get(got, "envelope"), want));
    cr_assert(json_is_false(json_object_get(got, "redacted")));
    check_receipt(got, p.digest[3], pub);
    json_decref(want);
    json_decref(got);
    uint8_t none[32] = { 7 };
    snprintf(url, sizeof url, "/api/v1/records/%s", hex(none));
    json_decref(request(&n, "GET", url, NULL, 0, 404));
    json_decref(request(&n, "GET", "/api/v1/records/abc", NULL, 0, 404));
    snprintf(url, sizeof url, "/api/v1/records/%s/trace", hex(none));
    json_decref(request(&n, "GET", url, NULL, 0, 404));
    snprintf(url, sizeof url, "/api/v1/records/%s/trace?claim_days=x", hex(p.digest[0]));
    json_decref(request(&n, "GET", url, NULL, 0, 400));

    /* the trace from the model and from the incident: proved here, and the
     * library's to the byte (hops, proofs, flags) */
    uint8_t model[32];
    json_decref(model_statement(model));
    json_t *t = trace(&n, model);
    cr_assert_geq(json_array_size(json_object_get(t, "records")), 6);
    check_trace(t, pub);
    same_as_library(t, &p, p.n, model);
    flags_are(t, "superseded-deployed,late-incident,");
    json_t *from_incident = trace(&n, p.digest[3]);
    check_trace(from_incident, pub);
    same_as_library(from_incident, &p, p.n, p.digest[3]);
    json_decref(from_incident);

    /* a restart: the records, their receipts and the trace are still there */
    cr_assert_eq(node_stop(&n), 0);
    node_start(&n, data, (const char *const[]){ "--quiet", NULL });
    json_t *again = trace(&n, model);
    check_trace(again, pub);
    same_as_library(again, &p, p.n, model);
    json_decref(again);
    json_decref(t);
    dup = request(&n, "POST", "/api/v1/records", p.env[6].data, p.env[6].len, 200);
    cr_assert_eq(json_integer_value(json_object_get(dup, "index")), 6);
    json_decref(dup);
    /* a new claim after the restart: the next entry */
    sign(&p, &k, DACC_REGISTRY_CLAIM, p.digest[3],
         json_pack("{s:s, s:[s], s:s, s:s}", "claimant", hex(k.pk), "respondents", "V", "basis",
                   "defect", "filed", "2026-06-01T00:00:00Z"));
    json_t *rc = request(&n, "POST", "/api/v1/records", p.env[7].data, p.env[7].len, 201);
    cr_assert_eq(json_integer_value(json_object_get(rc, "index")), 7);
    json_decref(rc);
    t = trace(&n, model);
    check_trace(t, pub);
    same_as_library(t, &p, p.n, model);
    json_decref(t);

    cr_assert_eq(node_stop(&n), 0);
    for (size_t i = 0; i < p.n; i++)
        dacc_buf_free(&p.env[i]);
    remove_tree(dir);
    free(pub);
    free(data);
    free(dir);
}

Test(records, shared_store_answers_501, .timeout = 60)
{
    if (!pg_available())
        cr_skip_test("no PostgreSQL (run under tests/support/pg.sh)");
    cr_assert_eq(dacc_init(), DACC_OK);
    char *dir = make_temp_dir(), *data = path_join(dir, "data"), *url = pg_new_database();
    test_node n;
    node_start(&n, data, (const char *const[]){ "--store", url, "--quiet", NULL });
    key k;
    crypto_sign_keypair(k.pk, k.sk);
    posted p = { .n = 0 };
    build(&p, &k);
    json_t *pb = request(&n, "POST", "/api/v1/records", p.env[0].data, p.env[0].len, 501);
    cr_assert(strstr(str(pb, "detail"), "--store"), "%s", str(pb, "detail"));
    json_decref(pb);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/records/%s/trace", hex(p.digest[0]));
    json_decref(request(&n, "GET", path, NULL, 0, 501));
    cr_assert_eq(node_stop(&n), 0);
    for (size_t i = 0; i < p.n; i++)
        dacc_buf_free(&p.env[i]);
    remove_tree(dir);
    free(url);
    free(data);
    free(dir);
}
