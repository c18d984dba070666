/* The registry: records of every kind signed and reopened, their leaves,
 * model-signing manifests and the bundles of model-transparency's own
 * tests, and a real Rekor v2 entry, each tampered copy refused (assets
 * and their source in tests/registry/SOURCE). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/base.h"
#include "dacc/file.h"
#include "dacc/registry.h"
#include "support.h"

static void keypair(uint8_t b, uint8_t pk[32], uint8_t sk[64])
{
    uint8_t seed[32];
    memset(seed, b, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
}

static char *hex32(const uint8_t k[32])
{
    static char h[4][65];
    static int i;
    i = (i + 1) % 4;
    return dacc_hex_encode(k, 32, h[i]);
}

static json_t *claim_predicate(const uint8_t pk[32])
{
    return json_pack("{s:s, s:[s], s:s, s:s}", "claimant", hex32(pk), "respondents", "Acme",
                     "basis", "product liability", "filed", "2026-03-01T00:00:00Z");
}

static dacc_registry_record *sign_open(const json_t *st, const uint8_t sk[64])
{
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_error err;
    cr_assert_eq(dacc_registry_sign(st, sk, &env, &err), DACC_OK, "%s", dacc_error_message(&err));
    dacc_registry_record *r = NULL;
    cr_assert_eq(dacc_registry_record_open("r", env.data, env.len, &r, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    dacc_buf_free(&env);
    return r;
}

Test(registry, claim_round_trip_and_leaf)
{
    cr_assert_eq(dacc_init(), DACC_OK);
    uint8_t pk[32], sk[64], d[32];
    keypair(1, pk, sk);
    memset(d, 7, 32);
    json_t *pred = claim_predicate(pk), *st = NULL;
    dacc_error err;
    cr_assert_eq(dacc_registry_statement_new(DACC_REGISTRY_CLAIM, "incident", d, pred, &st, &err),
                 DACC_OK, "%s", dacc_error_message(&err));
    dacc_registry_record *r = sign_open(st, sk);
    cr_assert_eq(dacc_registry_record_kind(r), DACC_REGISTRY_CLAIM);
    cr_assert_eq(memcmp(dacc_registry_record_signer(r), pk, 32), 0);
    dacc_buf leaf;
    dacc_buf_init(&leaf, 0);
    cr_assert_eq(dacc_registry_leaf_write(r, &leaf, &err), DACC_OK);
    dacc_registry_leaf lf;
    cr_assert_eq(dacc_registry_leaf_parse("leaf", leaf.data, leaf.len, &lf, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    cr_assert_eq(lf.nsubjects, 1);
    cr_assert_eq(memcmp(lf.subjects[0], d, 32), 0);
    cr_assert_eq(dacc_registry_leaf_match(&lf, r, &err), DACC_OK);
    lf.subjects[0][0] ^= 1;
    cr_assert_eq(dacc_registry_leaf_match(&lf, r, &err), DACC_ERR_VERIFY);
    cr_assert(strstr(err.message, "subjects") != NULL);
    dacc_registry_leaf_clear(&lf);
    dacc_buf_free(&leaf);
    dacc_registry_record_free(r);
    json_decref(st);
    json_decref(pred);
}

Test(registry, author_must_sign)
{
    cr_assert_eq(dacc_init(), DACC_OK);
    uint8_t pk[32], sk[64], pk2[32], sk2[64], d[32] = { 0 };
    keypair(1, pk, sk);
    keypair(2, pk2, sk2);
    json_t *pred = claim_predicate(pk), *st = NULL;
    dacc_error err;
    cr_assert_eq(dacc_registry_statement_new(DACC_REGISTRY_CLAIM, "incident", d, pred, &st, &err),
                 DACC_OK);
    dacc_buf env;
    dacc_buf_init(&env, 0);
    cr_assert_eq(dacc_registry_sign(st, sk2, &env, &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "claimant") != NULL, "%s", err.message);
    /* A signature by someone else over the same statement does not open. */
    cr_assert_eq(dacc_registry_sign(st, sk, &env, &err), DACC_OK);
    dacc_registry_record *r = NULL;
    char *tampered = strdup(env.data);
    char *sig = strstr(tampered, "\"sig\":\"") + 7;
    sig[3] = sig[3] == 'A' ? 'B' : 'A';
    cr_assert_eq(dacc_registry_record_open("t", tampered, strlen(tampered), &r, &err),
                 DACC_ERR_VERIFY);
    free(tampered);
    dacc_buf_free(&env);
    json_decref(st);
    json_decref(pred);
}

Test(registry, determination_shares_sum_exactly)
{
    uint8_t pk[32], sk[64], d[32] = { 1 };
    keypair(3, pk, sk);
    json_t *pred = json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s}, {s:s, s:s}]}", "adjudicator",
                             hex32(pk), "decision", "partly-upheld", "decided",
                             "2026-04-01T00:00:00Z", "total", "1000", "shares", "party",
                             "developer", "amount", "700", "party", "deployer", "amount", "300");
    json_t *st = NULL;
    dacc_error err;
    cr_assert_eq(
        dacc_registry_statement_new(DACC_REGISTRY_DETERMINATION, "claim", d, pred, &st, &err),
        DACC_OK, "%s", dacc_error_message(&err));
    json_decref(st);
    json_object_set_new(pred, "total", json_string("1001"));
    cr_assert_eq(
        dacc_registry_statement_new(DACC_REGISTRY_DETERMINATION, "claim", d, pred, &st, &err),
        DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "sum exactly") != NULL, "%s", err.message);
    json_object_set_new(pred, "total", json_string("01000"));
    cr_assert_eq(
        dacc_registry_statement_new(DACC_REGISTRY_DETERMINATION, "claim", d, pred, &st, &err),
        DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "predicate.total") != NULL, "%s", err.message);
    json_decref(pred);
}

Test(registry, unknown_and_missing_fields)
{
    uint8_t pk[32], sk[64], d[32] = { 1 };
    keypair(3, pk, sk);
    json_t *pred = claim_predicate(pk), *st = NULL;
    dacc_error err;
    json_object_set_new(pred, "colour", json_string("red"));
    cr_assert_eq(dacc_registry_statement_new(DACC_REGISTRY_CLAIM, "i", d, pred, &st, &err),
                 DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "predicate.colour") != NULL, "%s", err.message);
    json_object_del(pred, "colour");
    json_object_del(pred, "basis");
    cr_assert_eq(dacc_registry_statement_new(DACC_REGISTRY_CLAIM, "i", d, pred, &st, &err),
                 DACC_ERR_NOTFOUND);
    cr_assert(strstr(err.message, "predicate.basis") != NULL, "%s", err.message);
    json_object_set_new(pred, "basis", json_string("b"));
    json_object_set_new(pred, "filed", json_string("2026-02-30T00:00:00Z"));
    cr_assert_eq(dacc_registry_statement_new(DACC_REGISTRY_CLAIM, "i", d, pred, &st, &err),
                 DACC_ERR_INVALID);
    json_decref(pred);
}

Test(registry, time_parse)
{
    int64_t t;
    cr_assert_eq(dacc_registry_time_parse("1970-01-01T00:00:00Z", &t), DACC_OK);
    cr_assert_eq(t, 0);
    cr_assert_eq(dacc_registry_time_parse("2000-03-01T00:00:01Z", &t), DACC_OK);
    cr_assert_eq(t, 951868801);
    cr_assert_eq(dacc_registry_time_parse("2024-02-29T23:59:59Z", &t), DACC_OK);
    cr_assert_eq(t, 1709251199);
    cr_assert_neq(dacc_registry_time_parse("2023-02-29T00:00:00Z", &t), DACC_OK);
    cr_assert_neq(dacc_registry_time_parse("2023-01-01 00:00:00Z", &t), DACC_OK);
}

/* ---- model-signing ---------------------------------------------------------- */

static char *slurp(const char *rel, size_t *len)
{
    char *data = NULL, *path = path_join(DACC_SOURCE_DIR, rel);
    dacc_error err;
    cr_assert_eq(dacc_file_read(path, 1 << 20, &data, len, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    free(path);
    return data;
}

static void file_item(dacc_registry_item *it, const char *path, const char *rel)
{
    dacc_error err;
    char *full = path_join(DACC_SOURCE_DIR, rel);
    it->path = path;
    cr_assert_eq(dacc_sha256_file(full, it->digest, &err), DACC_OK);
    free(full);
}

static json_t *verify_mt(const char *bundle_rel)
{
    size_t bl, kl;
    char *b = slurp(bundle_rel, &bl), *k = slurp("tests/registry/mt/signing-key-pub.pem", &kl);
    json_t *st = NULL;
    dacc_error err;
    cr_assert_eq(dacc_registry_bundle_verify("model.sig", b, bl, k, kl, &st, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    free(b);
    free(k);
    return st;
}

Test(registry, model_signing_v1_0_single_file)
{
    json_t *st = verify_mt("tests/registry/mt/v1.0.0-elliptic-key/model.sig");
    dacc_registry_item it = { 0 };
    dacc_error err;
    file_item(&it, ".", "tests/registry/mt/v1.0.0-elliptic-key/signme-1");
    cr_assert_eq(dacc_registry_manifest_compare(st, &it, 1, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    it.digest[0] ^= 1;
    cr_assert_eq(dacc_registry_manifest_compare(st, &it, 1, &err), DACC_ERR_VERIFY);
    cr_assert(strstr(err.message, ".: changed") != NULL, "%s", err.message);
    json_decref(st);
}

Test(registry, model_signing_v1_1_directory)
{
    json_t *st = verify_mt("tests/registry/mt/v1.1.0-elliptic-key/model.sig");
    dacc_registry_item it[3] = { { 0 } };
    uint8_t root[32];
    dacc_error err;
    file_item(&it[1], "signme-1", "tests/registry/mt/v1.1.0-elliptic-key/signme-1");
    file_item(&it[0], "signme-2", "tests/registry/mt/v1.1.0-elliptic-key/signme-2");
    cr_assert_eq(dacc_registry_manifest_sort(it, 2, root, &err), DACC_OK);
    cr_assert_str_eq(hex32(root),
                     "92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4");
    cr_assert_eq(dacc_registry_manifest_compare(st, it, 2, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    /* changed */
    it[1].digest[5] ^= 0x80;
    cr_assert_eq(dacc_registry_manifest_compare(st, it, 2, &err), DACC_ERR_VERIFY);
    cr_assert(strstr(err.message, "signme-2: changed") != NULL, "%s", err.message);
    it[1].digest[5] ^= 0x80;
    /* missing */
    cr_assert_eq(dacc_registry_manifest_compare(st, it, 1, &err), DACC_ERR_VERIFY);
    cr_assert(strstr(err.message, "signme-2: missing") != NULL, "%s", err.message);
    /* extra */
    file_item(&it[2], "signme-3", "tests/registry/mt/v1.1.0-elliptic-key/signme-2");
    cr_assert_eq(dacc_registry_manifest_compare(st, it, 3, &err), DACC_ERR_VERIFY);
    cr_assert(strstr(err.message, "signme-3: an extra file") != NULL, "%s", err.message);
    json_decref(st);
}

Test(registry, model_signing_wrong_key_and_tampered)
{
    size_t bl, kl;
    char *b = slurp("tests/registry/mt/v1.1.0-elliptic-key/model.sig", &bl);
    char *k = slurp("tests/registry/mt/signing-key-pub.pem", &kl);
    dacc_error err;
    /* Another P-256 key: the hint no longer matches. */
    uint8_t pk[32], sk[64];
    keypair(9, pk, sk);
    char pem[DACC_REGISTRY_PEM_MAX];
    dacc_registry_ed25519_pem(pk, pem);
    cr_assert_eq(dacc_registry_bundle_verify("m", b, bl, pem, strlen(pem), NULL, &err),
                 DACC_ERR_VERIFY);
    cr_assert(strstr(err.message, "hint") != NULL, "%s", err.message);
    /* A changed signature byte. */
    char *sig = strchr(strstr(b, "\"sig\"") + 5, '"') + 1;
    sig[10] = sig[10] == 'A' ? 'B' : 'A';
    cr_assert_eq(dacc_registry_bundle_verify("m", b, bl, k, kl, NULL, &err), DACC_ERR_VERIFY);
    free(b);
    free(k);
}

Test(registry, manifest_order_is_by_components)
{
    dacc_registry_item it[3] = { { .path = "a.txt" }, { .path = "a/b" }, { .path = "a" } };
    uint8_t root[32];
    cr_assert_eq(dacc_registry_manifest_sort(it, 3, root, NULL), DACC_OK);
    cr_assert_str_eq(it[0].path, "a");
    cr_assert_str_eq(it[1].path, "a/b");
    cr_assert_str_eq(it[2].path, "a.txt");
}

Test(registry, shards_order_by_integer_offsets)
{
    /* "f:10:20" sorts after "f:2:10" as model-signing's _Shard does (ints),
     * though it is smaller as a string. */
    dacc_registry_item it[3] = { { .path = "f", .start = 10, .end = 20 },
                                 { .path = "f", .start = 2, .end = 10 },
                                 { .path = "e", .start = 30, .end = 31 } };
    uint8_t root[32];
    cr_assert_eq(dacc_registry_manifest_sort(it, 3, root, NULL), DACC_OK);
    cr_assert_str_eq(it[0].path, "e");
    cr_assert_eq(it[1].start, 2);
    cr_assert_eq(it[2].start, 10);
    it[0] = it[1];
    cr_assert_eq(dacc_registry_manifest_sort(it, 3, root, NULL), DACC_ERR_INVALID);
}

Test(registry, manifest_statement_round_trip)
{
    uint8_t pk[32], sk[64];
    keypair(4, pk, sk);
    dacc_registry_item it[2] = { { .path = "w.bin" }, { .path = "config.json" } };
    memset(it[0].digest, 1, 32);
    memset(it[1].digest, 2, 32);
    uint8_t root[32];
    cr_assert_eq(dacc_registry_manifest_sort(it, 2, root, NULL), DACC_OK);
    const char *ign[] = { "model.sig", ".git" };
    dacc_registry_manifest_opts o = { .model_name = "m", .ignore_paths = ign, .nignore = 2 };
    json_t *st = NULL;
    dacc_error err;
    cr_assert_eq(dacc_registry_manifest_statement(&o, it, 2, &st, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    cr_assert_eq(dacc_registry_manifest_compare(st, it, 2, &err), DACC_OK);
    dacc_registry_record *r = sign_open(st, sk);
    cr_assert_eq(dacc_registry_record_kind(r), DACC_REGISTRY_MODEL);
    size_t el;
    const char *env = dacc_registry_record_envelope(r, &el);
    json_t *bundle = NULL;
    cr_assert_eq(dacc_registry_bundle_new(env, el, pk, &bundle, &err), DACC_OK);
    char *text = json_dumps(bundle, JSON_COMPACT);
    char pem[DACC_REGISTRY_PEM_MAX];
    dacc_registry_ed25519_pem(pk, pem);
    json_t *st2 = NULL;
    cr_assert_eq(dacc_registry_bundle_verify("b", text, strlen(text), pem, strlen(pem), &st2, &err),
                 DACC_OK, "%s", dacc_error_message(&err));
    cr_assert(json_equal(st, st2));
    free(text);
    json_decref(st2);
    json_decref(bundle);
    dacc_registry_record_free(r);
    json_decref(st);
}

/* ---- Rekor v2 --------------------------------------------------------------- */

static size_t rekor_keys(dacc_registry_rekor_key keys[8])
{
    size_t len, n = 0;
    char *tr = slurp("tests/registry/rekor2-dsse-happy-path/trusted_root.json", &len);
    dacc_error err;
    cr_assert_eq(dacc_registry_trusted_root("trusted_root.json", tr, len, keys, 8, &n, &err),
                 DACC_OK);
    free(tr);
    cr_assert_eq(n, 3);
    return n;
}

static dacc_status rekor(const json_t *bundle, dacc_error *err)
{
    dacc_registry_rekor_key keys[8];
    size_t n = rekor_keys(keys);
    char *text = json_dumps(bundle, JSON_COMPACT);
    dacc_status st = dacc_registry_rekor_verify("bundle", text, strlen(text), keys, n, NULL, err);
    free(text);
    return st;
}

static json_t *rekor_bundle(void)
{
    json_t *b = NULL;
    dacc_error err;
    cr_assert_eq(
        dacc_json_load_file(
            SOURCE_PATH("tests/registry/rekor2-dsse-happy-path/bundle.sigstore.json"), &b, &err),
        DACC_OK);
    return b;
}

/* Flips one character of the string at obj[key]. */
static void flip(json_t *obj, const char *key, size_t at)
{
    char *s = strdup(json_string_value(json_object_get(obj, key)));
    s[at] = s[at] == 'A' ? 'B' : 'A';
    json_object_set_new(obj, key, json_string(s));
    free(s);
}

static json_t *entry0(json_t *b)
{
    return json_array_get(
        json_object_get(json_object_get(b, "verificationMaterial"), "tlogEntries"), 0);
}

Test(registry, rekor_v2_happy_path)
{
    json_t *b = rekor_bundle();
    dacc_error err;
    cr_assert_eq(rekor(b, &err), DACC_OK, "%s", dacc_error_message(&err));
    json_decref(b);
}

Test(registry, rekor_v2_tampered)
{
    dacc_error err;
    /* the signature */
    json_t *b = rekor_bundle();
    json_t *sig =
        json_array_get(json_object_get(json_object_get(b, "dsseEnvelope"), "signatures"), 0);
    flip(sig, "sig", 20);
    cr_assert_eq(rekor(b, &err), DACC_ERR_VERIFY);
    cr_assert(strstr(err.message, "signature") != NULL, "%s", err.message);
    json_decref(b);
    /* the envelope's payload */
    b = rekor_bundle();
    flip(json_object_get(b, "dsseEnvelope"), "payload", 40);
    cr_assert_neq(rekor(b, &err), DACC_OK);
    json_decref(b);
    /* a proof hash */
    b = rekor_bundle();
    json_t *ip = json_object_get(entry0(b), "inclusionProof");
    json_t *hs = json_object_get(ip, "hashes");
    char *h = strdup(json_string_value(json_array_get(hs, 3)));
    h[0] = h[0] == 'A' ? 'B' : 'A';
    json_array_set_new(hs, 3, json_string(h));
    free(h);
    cr_assert_eq(rekor(b, &err), DACC_ERR_VERIFY);
    cr_assert(strstr(err.message, "inclusionProof") != NULL, "%s", err.message);
    json_decref(b);
    /* the checkpoint's signature */
    b = rekor_bundle();
    ip = json_object_get(entry0(b), "inclusionProof");
    json_t *cp = json_object_get(ip, "checkpoint");
    const char *note = json_string_value(json_object_get(cp, "envelope"));
    char *n2 = strdup(note);
    char *line = strstr(n2, "09OnD") + 10;
    *line = *line == 'A' ? 'B' : 'A';
    json_object_set_new(cp, "envelope", json_string(n2));
    free(n2);
    cr_assert_eq(rekor(b, &err), DACC_ERR_VERIFY);
    cr_assert(strstr(err.message, "checkpoint") != NULL, "%s", err.message);
    json_decref(b);
    /* a swapped entry: the index moved to the neighbour's */
    b = rekor_bundle();
    json_object_set_new(entry0(b), "logIndex", json_string("4026477"));
    json_object_set_new(json_object_get(entry0(b), "inclusionProof"), "logIndex",
                        json_string("4026477"));
    cr_assert_eq(rekor(b, &err), DACC_ERR_VERIFY);
    json_decref(b);
    /* a swapped entry: another body */
    b = rekor_bundle();
    flip(entry0(b), "canonicalizedBody", 100);
    cr_assert_neq(rekor(b, &err), DACC_OK);
    json_decref(b);
}
