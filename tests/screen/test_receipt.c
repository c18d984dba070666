/* Screening receipts: a signed registry record of kind "screening" that
 * proves the order it was made for under its salt, and nothing else; and
 * the database lookup messages. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "dacc/registry.h"
#include "dacc/screen.h"

static const char order[] = ">litmus\nACGTACGTTTGACCA\n";

static void receipt(dacc_screen_result result, const uint8_t salt[32], dacc_buf *env,
                    uint8_t pk[32], uint8_t sk[64])
{
    uint8_t key[32], shares[5 * 32];
    dacc_screen_keyset *ks;
    dacc_screen_keygen(key, pk);
    cr_assert_eq(dacc_screen_share(key, 3, 5, 9, shares, &ks, NULL), DACC_OK);
    crypto_sign_keypair(pk, sk);
    const unsigned used[3] = { 1, 2, 4 };
    dacc_screen_receipt r = { .windows = 40,
                              .database = "7",
                              .ks = ks,
                              .keyservers = used,
                              .nkeyservers = 3,
                              .result = result,
                              .screened = 1764633600 };
    dacc_screen_order_digest(salt, (const uint8_t *)order, sizeof order - 1, r.order_digest);
    json_t *stmt;
    dacc_error e;
    cr_assert_eq(dacc_screen_receipt_statement(&r, pk, &stmt, &e), DACC_OK, "%s", e.message);
    const json_t *pred = json_object_get(stmt, "predicate");
    cr_assert_str_eq(json_string_value(json_object_get(pred, "result")),
                     dacc_screen_result_name(result));
    cr_assert_str_eq(json_string_value(json_object_get(pred, "epoch")), "9");
    cr_assert_str_eq(json_string_value(json_object_get(pred, "screened")), "2025-12-02T00:00:00Z");
    cr_assert_eq(json_array_size(json_object_get(pred, "keyservers")), 3);
    dacc_buf_init(env, 0);
    cr_assert_eq(dacc_registry_sign(stmt, sk, env, &e), DACC_OK, "%s", e.message);
    json_decref(stmt);
    /* a keyserver index outside the keyset is refused */
    const unsigned bad[1] = { 6 };
    r.keyservers = bad;
    r.nkeyservers = 1;
    cr_assert_neq(dacc_screen_receipt_statement(&r, pk, &stmt, NULL), DACC_OK);
    dacc_screen_keyset_free(ks);
}

Test(receipt, signed_logged_record_proves_its_order_only)
{
    uint8_t salt[32], pk[32], sk[64];
    randombytes_buf(salt, sizeof salt);
    dacc_buf env;
    receipt(DACC_SCREEN_HIT, salt, &env, pk, sk);
    dacc_registry_record *rec;
    dacc_error e;
    cr_assert_eq(dacc_registry_record_open("r", env.data, env.len, &rec, &e), DACC_OK, "%s",
                 e.message);
    cr_assert_eq(dacc_registry_record_kind(rec), DACC_REGISTRY_SCREENING);
    cr_assert(memcmp(dacc_registry_record_signer(rec), pk, 32) == 0);
    const json_t *stmt = dacc_registry_record_statement(rec);
    cr_assert_eq(
        dacc_screen_receipt_prove(stmt, salt, (const uint8_t *)order, sizeof order - 1, &e),
        DACC_OK, "%s", e.message);
    /* another order, or the right one under another salt, is not proven */
    cr_assert_eq(
        dacc_screen_receipt_prove(stmt, salt, (const uint8_t *)order, sizeof order - 2, NULL),
        DACC_ERR_VERIFY);
    uint8_t salt2[32];
    memcpy(salt2, salt, 32);
    salt2[0] ^= 1;
    cr_assert_eq(
        dacc_screen_receipt_prove(stmt, salt2, (const uint8_t *)order, sizeof order - 1, NULL),
        DACC_ERR_VERIFY);
    /* the leaf an auditor counts carries the kind and the signer */
    dacc_buf leaf;
    dacc_buf_init(&leaf, 0);
    cr_assert_eq(dacc_registry_leaf_write(rec, &leaf, NULL), DACC_OK);
    dacc_registry_leaf lf;
    cr_assert_eq(dacc_registry_leaf_parse("leaf", leaf.data, leaf.len, &lf, NULL), DACC_OK);
    cr_assert_eq(lf.kind, DACC_REGISTRY_SCREENING);
    cr_assert(memcmp(lf.signer, pk, 32) == 0);
    dacc_registry_leaf_clear(&lf);
    dacc_buf_free(&leaf);
    dacc_registry_record_free(rec);
    dacc_buf_free(&env);
}

Test(receipt, digest_is_hmac_sha256_of_the_order)
{
    /* RFC 4231 test case 2 is HMAC-SHA-256 with a 4-byte key; ours is a
     * 32-byte salt: check against libsodium's one-shot HMAC instead. */
    uint8_t salt[32], got[32], want[32];
    for (int i = 0; i < 32; i++)
        salt[i] = (uint8_t)i;
    dacc_screen_order_digest(salt, (const uint8_t *)order, sizeof order - 1, got);
    crypto_auth_hmacsha256(want, (const uint8_t *)order, sizeof order - 1, salt);
    cr_assert(memcmp(got, want, 32) == 0);
    dacc_screen_order_digest(salt, (const uint8_t *)"", 0, got);
    cr_assert(memcmp(got, want, 32) != 0);
}

Test(receipt, statement_fields_checked_by_the_registry)
{
    uint8_t salt[32] = { 0 }, pk[32], sk[64];
    dacc_buf env;
    receipt(DACC_SCREEN_REFUSED, salt, &env, pk, sk);
    dacc_registry_record *rec;
    cr_assert_eq(dacc_registry_record_open("r", env.data, env.len, &rec, NULL), DACC_OK);
    json_t *stmt = json_deep_copy(dacc_registry_record_statement(rec));
    dacc_registry_kind k;
    dacc_error e;
    json_object_set_new(json_object_get(stmt, "predicate"), "result", json_string("maybe"));
    cr_assert_neq(dacc_registry_statement_check("s", stmt, &k, &e), DACC_OK);
    cr_assert(strstr(e.message, "predicate.result") != NULL, "%s", e.message);
    json_object_del(json_object_get(stmt, "predicate"), "result");
    cr_assert_neq(dacc_registry_statement_check("s", stmt, &k, NULL), DACC_OK);
    json_decref(stmt);
    dacc_registry_record_free(rec);
    dacc_buf_free(&env);
}

Test(lookup, request_round_trip_and_answer_checks)
{
    uint8_t outs[3 * 64];
    for (size_t i = 0; i < sizeof outs; i++)
        outs[i] = (uint8_t)i;
    dacc_buf b;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_screen_lookup_request(outs, 3, &b, NULL), DACC_OK);
    const uint8_t *got;
    size_t n;
    cr_assert_eq(dacc_screen_lookup_request_decode("q", (uint8_t *)b.data, b.len, &got, &n, NULL),
                 DACC_OK);
    cr_assert(n == 3 && memcmp(got, outs, sizeof outs) == 0);
    for (size_t len = 0; len < b.len; len++)
        cr_assert_neq(
            dacc_screen_lookup_request_decode("q", (uint8_t *)b.data, len, &got, &n, NULL),
            DACC_OK);
    b.data[7] = 0; /* count 0 */
    cr_assert_neq(dacc_screen_lookup_request_decode("q", (uint8_t *)b.data, b.len, &got, &n, NULL),
                  DACC_OK);
    dacc_buf_free(&b);
    cr_assert_neq(dacc_screen_lookup_request(outs, 0, &b, NULL), DACC_OK);

    const char *good = "{\"version\":2,\"hits\":[{\"entry\":\"a\",\"windows\":[0,2]}]}";
    json_t *o;
    cr_assert_eq(dacc_screen_lookup_answer_parse("a", good, strlen(good), 3, &o, NULL), DACC_OK);
    json_decref(o);
    const char *bad[] = {
        "{\"version\":2,\"hits\":[{\"entry\":\"a\",\"windows\":[0,3]}]}", /* past the count */
        "{\"version\":2,\"hits\":[{\"entry\":\"a\",\"windows\":[2,1]}]}", /* descending */
        "{\"version\":2,\"hits\":[{\"entry\":\"a\",\"windows\":[]}]}",
        "{\"version\":2,\"hits\":[{\"entry\":\"\",\"windows\":[1]}]}",
        ("{\"version\":2,\"hits\":[{\"entry\":\"a\",\"windows\":[1]},{\"entry\":\"a\","
         "\"windows\":[2]}]}"), /* an entry twice */
        "{\"version\":-1,\"hits\":[]}",
        "{\"version\":1,\"hits\":[],\"x\":1}",
        "{\"version\":1,\"hits\":[{\"entry\":\"a\",\"windows\":[1],\"seq\":\"ACGT\"}]}",
        "[]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dacc_error e;
        cr_assert_neq(dacc_screen_lookup_answer_parse("ans", bad[i], strlen(bad[i]), 3, &o, &e),
                      DACC_OK, "accepted: %s", bad[i]);
        cr_assert_null(o);
        cr_assert(strstr(e.message, "ans") != NULL, "%s", e.message);
    }
}
