/* The distributed OPRF: the RFC 9497 VOPRF output under the full key is
 * what every t-subset of keyservers computes together; the SecureDNA test
 * shares work as keyservers; a cheating or stale keyserver is named on the
 * query; t-1 keyservers cannot complete one; the decoders refuse bad bytes. */
#include <sodium.h>

#include "../anon/vectors.h"
#include "dacc/anon.h"
#include "dacc/screen.h"

#define T 3
#define N 5

typedef struct {
    uint8_t key[32], shares[32 * N];
    dacc_screen_keyset *ks;
} dealt;

static void deal(dealt *d, uint32_t epoch)
{
    uint8_t pk[32];
    dacc_screen_keygen(d->key, pk);
    dacc_error e;
    cr_assert_eq(dacc_screen_share(d->key, T, N, epoch, d->shares, &d->ks, &e), DACC_OK, "%s",
                 e.message);
    cr_assert(memcmp(dacc_screen_keyset_group_key(d->ks), pk, 32) == 0);
}

/* n windows "window-<i>" of varying length. */
typedef struct {
    char text[64][32];
    const uint8_t *in[64];
    size_t len[64];
    size_t n;
} windows;

static void make_windows(windows *w, size_t n)
{
    w->n = n;
    for (size_t i = 0; i < n; i++) {
        w->len[i] = (size_t)snprintf(w->text[i], sizeof w->text[i], "ACGT-window-%zu%s", i,
                                     i % 3 ? "GATTACA" : "");
        w->in[i] = (const uint8_t *)w->text[i];
    }
}

/* Keyserver index answers batch b of q with share, as the server would. */
static void serve(dacc_screen_query *q, size_t b, unsigned index, uint32_t epoch,
                  const uint8_t share[32], dacc_buf *resp)
{
    dacc_buf req;
    dacc_buf_init(&req, 0);
    dacc_error e;
    cr_assert_eq(dacc_screen_query_request(q, b, &req, &e), DACC_OK, "%s", e.message);
    dacc_buf_reset(resp);
    cr_assert_eq(dacc_screen_keyserver_answer(index, epoch, share, (const uint8_t *)req.data,
                                              req.len, resp, &e),
                 DACC_OK, "%s", e.message);
    dacc_buf_free(&req);
}

static void answer_ok(dacc_screen_query *q, unsigned index, uint32_t epoch, const uint8_t *share)
{
    dacc_buf resp;
    dacc_buf_init(&resp, 0);
    char name[32];
    snprintf(name, sizeof name, "http://ks%u", index);
    for (size_t b = 0; b < dacc_screen_query_batches(q); b++) {
        serve(q, b, index, epoch, share, &resp);
        dacc_error e;
        cr_assert_eq(dacc_screen_query_answer(q, b, name, (const uint8_t *)resp.data, resp.len, &e),
                     DACC_OK, "%s", e.message);
    }
    dacc_buf_free(&resp);
}

Test(doprf, rfc9497_voprf_vectors_full_and_distributed)
{
    char *text = vec_load(SOURCE_PATH("tests/anon/voprf-ristretto255-sha512.txt")), *cur = text;
    vec_record r;
    int checked = 0;
    while (vec_next(&cur, &r)) {
        if (strcmp(vec_get(&r, "mode"), "1") != 0 || strcmp(vec_get(&r, "batch"), "1") != 0)
            continue;
        uint8_t sk[32], input[256], blind[32], out[64], shares[32 * N];
        vec_hex(vec_get(&r, "sk"), sk, 32);
        size_t ilen = vec_hex(vec_get(&r, "input"), input, sizeof input);
        vec_hex(vec_get(&r, "blind"), blind, 32);
        const uint8_t *in[1] = { input };
        dacc_error e;
        cr_assert_eq(dacc_screen_evaluate_full(sk, in, &ilen, 1, out, &e), DACC_OK, "%s",
                     e.message);
        vec_hex_eq(out, 64, vec_get(&r, "output"), "full-key output");
        /* The same key shared 3-of-5: keyservers 2, 4, 5 give the same output,
         * and the blinded element is the vector's. */
        dacc_screen_keyset *ks;
        cr_assert_eq(dacc_screen_share(sk, T, N, 1, shares, &ks, &e), DACC_OK, "%s", e.message);
        dacc_screen_query *q;
        cr_assert_eq(dacc_screen_query_new(ks, in, &ilen, 1, blind, &q, &e), DACC_OK);
        dacc_buf req;
        dacc_buf_init(&req, 0);
        cr_assert_eq(dacc_screen_query_request(q, 0, &req, &e), DACC_OK);
        vec_hex_eq((const uint8_t *)req.data + DACC_SCREEN_REQUEST_HEADER, 32,
                   vec_get(&r, "blinded"), "blinded");
        dacc_buf_free(&req);
        const unsigned who[3] = { 2, 4, 5 };
        for (int i = 0; i < 3; i++)
            answer_ok(q, who[i], 1, shares + 32 * (who[i] - 1));
        memset(out, 0, sizeof out);
        unsigned used[T];
        cr_assert_eq(dacc_screen_query_finish(q, out, used, &e), DACC_OK, "%s", e.message);
        vec_hex_eq(out, 64, vec_get(&r, "output"), "distributed output");
        cr_assert(used[0] == 2 && used[1] == 4 && used[2] == 5);
        dacc_screen_query_free(q);
        dacc_screen_keyset_free(ks);
        checked++;
    }
    cr_assert_geq(checked, 2, "only %d VOPRF vectors", checked);
    free(text);
}

Test(doprf, every_3_of_5_subset_equals_full_key)
{
    dealt d;
    deal(&d, 7);
    windows w;
    make_windows(&w, 12);
    uint8_t want[12 * 64], got[12 * 64];
    cr_assert_eq(dacc_screen_evaluate_full(d.key, w.in, w.len, w.n, want, NULL), DACC_OK);
    int subsets = 0;
    for (unsigned mask = 0; mask < 32; mask++) {
        if (__builtin_popcount(mask) != T)
            continue;
        dacc_screen_query *q;
        cr_assert_eq(dacc_screen_query_new(d.ks, w.in, w.len, w.n, NULL, &q, NULL), DACC_OK);
        for (unsigned i = 1; i <= N; i++)
            if (mask & (1u << (i - 1)))
                answer_ok(q, i, 7, d.shares + 32 * (i - 1));
        dacc_error e;
        cr_assert_eq(dacc_screen_query_finish(q, got, NULL, &e), DACC_OK, "%s", e.message);
        cr_assert(memcmp(got, want, sizeof want) == 0, "subset %#x differs from the full key",
                  mask);
        dacc_screen_query_free(q);
        subsets++;
    }
    cr_assert_eq(subsets, 10);
    /* Distinct windows give distinct outputs (the test is not vacuous). */
    cr_assert(memcmp(want, want + 64, 64) != 0);
    dacc_screen_keyset_free(d.ks);
}

Test(doprf, securedna_test_shares_as_keyservers)
{
    char *text = vec_load(SOURCE_PATH("tests/anon/securedna-keyshares.txt")), *cur = text;
    vec_record r;
    cr_assert(vec_next(&cur, &r));
    uint8_t key[32], shares[96], keys[96], K[32];
    const char *names[3] = { "share1", "share2", "share3" };
    vec_hex(vec_get(&r, "key"), key, 32);
    for (int i = 0; i < 3; i++) {
        vec_hex(vec_get(&r, names[i]), shares + 32 * i, 32);
        cr_assert_eq(dacc_anon_public_key(shares + 32 * i, keys + 32 * i, NULL), DACC_OK);
    }
    cr_assert_eq(dacc_anon_public_key(key, K, NULL), DACC_OK);
    dacc_screen_keyset *ks;
    dacc_error e;
    /* the keyset check: the three share keys lie on a polynomial through K */
    cr_assert_eq(dacc_screen_keyset_new(3, 3, 1, K, keys, &ks, &e), DACC_OK, "%s", e.message);
    windows w;
    make_windows(&w, 4);
    uint8_t want[4 * 64], got[4 * 64];
    cr_assert_eq(dacc_screen_evaluate_full(key, w.in, w.len, w.n, want, NULL), DACC_OK);
    dacc_screen_query *q;
    cr_assert_eq(dacc_screen_query_new(ks, w.in, w.len, w.n, NULL, &q, NULL), DACC_OK);
    for (unsigned i = 1; i <= 3; i++)
        answer_ok(q, i, 1, shares + 32 * (i - 1));
    cr_assert_eq(dacc_screen_query_finish(q, got, NULL, &e), DACC_OK, "%s", e.message);
    cr_assert(memcmp(got, want, sizeof want) == 0);
    dacc_screen_query_free(q);
    dacc_screen_keyset_free(ks);
    /* a share key off the polynomial is refused */
    keys[40] ^= 1;
    crypto_scalarmult_ristretto255_base(keys + 32, shares); /* share 2's key := share 1's */
    cr_assert_neq(dacc_screen_keyset_new(3, 3, 1, K, keys, &ks, NULL), DACC_OK);
    free(text);
}

Test(doprf, t_minus_1_keyservers_cannot_complete)
{
    dealt d;
    deal(&d, 1);
    windows w;
    make_windows(&w, 3);
    dacc_screen_query *q;
    cr_assert_eq(dacc_screen_query_new(d.ks, w.in, w.len, w.n, NULL, &q, NULL), DACC_OK);
    answer_ok(q, 1, 1, d.shares);
    answer_ok(q, 3, 1, d.shares + 64);
    uint8_t out[3 * 64];
    dacc_error e;
    cr_assert_eq(dacc_screen_query_finish(q, out, NULL, &e), DACC_ERR_STATE);
    cr_assert(strstr(e.message, "2 keyservers") != NULL, "%s", e.message);
    /* The same answer twice does not count twice. */
    dacc_buf resp;
    dacc_buf_init(&resp, 0);
    serve(q, 0, 3, 1, d.shares + 64, &resp);
    cr_assert_eq(dacc_screen_query_answer(q, 0, "http://ks3-again", (const uint8_t *)resp.data,
                                          resp.len, &e),
                 DACC_ERR_VERIFY);
    cr_assert_eq(dacc_screen_query_finish(q, out, NULL, NULL), DACC_ERR_STATE);
    /* Two shares combined do not give the full key's output either. */
    uint8_t want[3 * 64];
    dacc_screen_evaluate_full(d.key, w.in, w.len, w.n, want, NULL);
    uint8_t two[32];
    const uint16_t xs[2] = { 1, 3 };
    uint8_t sh[64];
    memcpy(sh, d.shares, 32);
    memcpy(sh + 32, d.shares + 64, 32);
    cr_assert_eq(dacc_anon_shamir_combine(xs, sh, 2, two, NULL), DACC_OK);
    uint8_t got2[3 * 64];
    cr_assert_eq(dacc_screen_evaluate_full(two, w.in, w.len, w.n, got2, NULL), DACC_OK);
    cr_assert(memcmp(got2, want, sizeof want) != 0);
    dacc_buf_free(&resp);
    dacc_screen_query_free(q);
    dacc_screen_keyset_free(d.ks);
}

/* Feeds a response from "http://liar" and expects it refused, named. */
static void expect_named(dacc_screen_query *q, const dacc_buf *resp, const char *why)
{
    dacc_error e;
    cr_assert_eq(dacc_screen_query_answer(q, 0, "http://liar:8102", (const uint8_t *)resp->data,
                                          resp->len, &e),
                 DACC_ERR_VERIFY, "%s accepted", why);
    cr_assert(strstr(e.message, "keyserver http://liar:8102") != NULL, "%s: %s", why, e.message);
    cr_assert(strstr(dacc_screen_query_bad(q), "http://liar:8102") != NULL);
}

Test(doprf, wrong_evaluation_is_named)
{
    dealt d;
    deal(&d, 1);
    windows w;
    make_windows(&w, 5);
    dacc_screen_query *q;
    cr_assert_eq(dacc_screen_query_new(d.ks, w.in, w.len, w.n, NULL, &q, NULL), DACC_OK);
    dacc_buf resp;
    dacc_buf_init(&resp, 0);
    /* keyserver 2 evaluates with some other scalar, and proves it honestly */
    uint8_t other[32];
    dacc_anon_scalar_random(other);
    serve(q, 0, 2, 1, other, &resp);
    expect_named(q, &resp, "a wrong evaluation");
    /* keyserver 2 replaces one evaluated element by a valid point */
    serve(q, 0, 2, 1, d.shares + 32, &resp);
    crypto_core_ristretto255_random((uint8_t *)resp.data + DACC_SCREEN_RESPONSE_HEADER + 64);
    expect_named(q, &resp, "one element replaced");
    /* The others still complete the query, without keyserver 2. */
    answer_ok(q, 1, 1, d.shares);
    answer_ok(q, 3, 1, d.shares + 64);
    answer_ok(q, 4, 1, d.shares + 96);
    uint8_t out[5 * 64], want[5 * 64];
    unsigned used[T];
    dacc_error e;
    cr_assert_eq(dacc_screen_query_finish(q, out, used, &e), DACC_OK, "%s", e.message);
    cr_assert(used[0] == 1 && used[1] == 3 && used[2] == 4);
    dacc_screen_evaluate_full(d.key, w.in, w.len, w.n, want, NULL);
    cr_assert(memcmp(out, want, sizeof out) == 0);
    dacc_buf_free(&resp);
    dacc_screen_query_free(q);
    dacc_screen_keyset_free(d.ks);
}

Test(doprf, liar_among_t_fails_naming_it)
{
    dealt d;
    deal(&d, 1);
    windows w;
    make_windows(&w, 2);
    dacc_screen_query *q;
    cr_assert_eq(dacc_screen_query_new(d.ks, w.in, w.len, w.n, NULL, &q, NULL), DACC_OK);
    answer_ok(q, 1, 1, d.shares);
    answer_ok(q, 2, 1, d.shares + 32);
    dacc_buf resp;
    dacc_buf_init(&resp, 0);
    uint8_t other[32];
    dacc_anon_scalar_random(other);
    serve(q, 0, 5, 1, other, &resp);
    expect_named(q, &resp, "a wrong evaluation");
    dacc_error e;
    cr_assert_eq(dacc_screen_query_finish(q, (uint8_t[128]){ 0 }, NULL, &e), DACC_ERR_STATE);
    cr_assert(strstr(e.message, "http://liar:8102") != NULL, "%s", e.message);
    dacc_buf_free(&resp);
    dacc_screen_query_free(q);
    dacc_screen_keyset_free(d.ks);
}

Test(doprf, stale_share_is_named)
{
    dealt old, cur;
    deal(&old, 1);
    /* epoch 2: the same key shared afresh, so old shares lie on another
     * polynomial */
    cur = old;
    cr_assert_eq(dacc_screen_share(old.key, T, N, 2, cur.shares, &cur.ks, NULL), DACC_OK);
    windows w;
    make_windows(&w, 3);
    dacc_screen_query *q;
    cr_assert_eq(dacc_screen_query_new(cur.ks, w.in, w.len, w.n, NULL, &q, NULL), DACC_OK);
    dacc_buf req, resp;
    dacc_buf_init(&req, 0);
    dacc_buf_init(&resp, 0);
    dacc_screen_query_request(q, 0, &req, NULL);
    dacc_error e;
    /* A keyserver of epoch 1 refuses a request of epoch 2 ... */
    cr_assert_eq(dacc_screen_keyserver_answer(3, 1, old.shares + 64, (const uint8_t *)req.data,
                                              req.len, &resp, &e),
                 DACC_ERR_STATE);
    cr_assert(strstr(e.message, "epoch") != NULL);
    /* ... one that answers with its epoch-1 share and says so is named ... */
    dacc_buf_reset(&resp);
    uint8_t patched[DACC_SCREEN_REQUEST_MAX];
    memcpy(patched, req.data, req.len);
    patched[7] = 1; /* epoch 1 */
    cr_assert_eq(dacc_screen_keyserver_answer(3, 1, old.shares + 64, patched, req.len, &resp, &e),
                 DACC_OK);
    expect_named(q, &resp, "a stale share (epoch 1)");
    dacc_error e2;
    dacc_screen_query_answer(q, 0, "http://liar:8102", (const uint8_t *)resp.data, resp.len, &e2);
    cr_assert(strstr(e2.message, "stale") != NULL, "%s", e2.message);
    /* ... and one that passes the old share off as epoch 2 fails its proof. */
    dacc_buf_reset(&resp);
    cr_assert_eq(dacc_screen_keyserver_answer(3, 2, old.shares + 64, (const uint8_t *)req.data,
                                              req.len, &resp, &e),
                 DACC_OK);
    expect_named(q, &resp, "a stale share passed off as current");
    dacc_buf_free(&req);
    dacc_buf_free(&resp);
    dacc_screen_query_free(q);
    dacc_screen_keyset_free(old.ks);
    dacc_screen_keyset_free(cur.ks);
}

Test(doprf, proof_for_another_element_is_named)
{
    dealt d;
    deal(&d, 1);
    windows w, w2;
    make_windows(&w, 3);
    make_windows(&w2, 3);
    w2.in[1] = (const uint8_t *)"another window";
    w2.len[1] = 14;
    dacc_screen_query *q, *q2;
    cr_assert_eq(dacc_screen_query_new(d.ks, w.in, w.len, w.n, NULL, &q, NULL), DACC_OK);
    cr_assert_eq(dacc_screen_query_new(d.ks, w2.in, w2.len, w2.n, NULL, &q2, NULL), DACC_OK);
    dacc_buf resp, resp2;
    dacc_buf_init(&resp, 0);
    dacc_buf_init(&resp2, 0);
    serve(q, 0, 4, 1, d.shares + 96, &resp);
    serve(q2, 0, 4, 1, d.shares + 96, &resp2);
    /* the honest answer to q with the proof of q2's answer */
    memcpy(resp.data + resp.len - 64, resp2.data + resp2.len - 64, 64);
    expect_named(q, &resp, "a proof for other elements");
    /* q2's whole answer (honest, but for other elements) */
    expect_named(q, &resp2, "an answer for other elements");
    dacc_buf_free(&resp);
    dacc_buf_free(&resp2);
    dacc_screen_query_free(q);
    dacc_screen_query_free(q2);
    dacc_screen_keyset_free(d.ks);
}

Test(doprf, several_batches)
{
    dealt d;
    deal(&d, 1);
    size_t n = DACC_SCREEN_BATCH_MAX + 5;
    uint8_t *buf = malloc(16 * n), *want = malloc(64 * n), *got = malloc(64 * n);
    const uint8_t **in = malloc(n * sizeof *in);
    size_t *len = malloc(n * sizeof *len);
    for (size_t i = 0; i < n; i++) {
        len[i] = (size_t)snprintf((char *)buf + 16 * i, 16, "w%zu", i);
        in[i] = buf + 16 * i;
    }
    dacc_screen_query *q;
    cr_assert_eq(dacc_screen_query_new(d.ks, in, len, n, NULL, &q, NULL), DACC_OK);
    cr_assert_eq(dacc_screen_query_batches(q), 2);
    for (unsigned i = 3; i <= 5; i++)
        answer_ok(q, i, 1, d.shares + 32 * (i - 1));
    dacc_error e;
    cr_assert_eq(dacc_screen_query_finish(q, got, NULL, &e), DACC_OK, "%s", e.message);
    cr_assert_eq(dacc_screen_evaluate_full(d.key, in, len, n, want, NULL), DACC_OK);
    cr_assert(memcmp(got, want, 64 * n) == 0);
    dacc_screen_query_free(q);
    /* a keyserver that answers one batch only does not count */
    cr_assert_eq(dacc_screen_query_new(d.ks, in, len, n, NULL, &q, NULL), DACC_OK);
    answer_ok(q, 1, 1, d.shares);
    answer_ok(q, 2, 1, d.shares + 32);
    dacc_buf resp;
    dacc_buf_init(&resp, 0);
    serve(q, 0, 3, 1, d.shares + 64, &resp);
    cr_assert_eq(dacc_screen_query_answer(q, 0, "ks3", (const uint8_t *)resp.data, resp.len, NULL),
                 DACC_OK);
    cr_assert_eq(dacc_screen_query_finish(q, got, NULL, NULL), DACC_ERR_STATE);
    dacc_buf_free(&resp);
    dacc_screen_query_free(q);
    dacc_screen_keyset_free(d.ks);
    free(buf);
    free(want);
    free(got);
    free(in);
    free(len);
}

Test(doprf, keyset_json_round_trip_and_refusals)
{
    dealt d;
    deal(&d, 42);
    json_t *j;
    cr_assert_eq(dacc_screen_keyset_json(d.ks, &j, NULL), DACC_OK);
    char *s = json_dumps(j, JSON_COMPACT);
    dacc_screen_keyset *back;
    dacc_error e;
    cr_assert_eq(dacc_screen_keyset_parse("ks.json", s, strlen(s), &back, &e), DACC_OK, "%s",
                 e.message);
    cr_assert_eq(dacc_screen_keyset_epoch(back), 42);
    cr_assert_eq(dacc_screen_keyset_threshold(back), T);
    cr_assert_eq(dacc_screen_keyset_count(back), N);
    cr_assert(memcmp(dacc_screen_keyset_share_key(back, 5), dacc_screen_keyset_share_key(d.ks, 5),
                     32) == 0);
    cr_assert_null(dacc_screen_keyset_share_key(back, 6));
    cr_assert_null(dacc_screen_keyset_share_key(back, 0));
    dacc_screen_keyset_free(back);
    free(s);
    /* a share key swapped for another point */
    json_t *bad = json_deep_copy(j);
    json_array_set_new(
        json_object_get(bad, "shares"), 2,
        json_string(json_string_value(json_array_get(json_object_get(j, "shares"), 1))));
    s = json_dumps(bad, JSON_COMPACT);
    cr_assert_neq(dacc_screen_keyset_parse("ks.json", s, strlen(s), &back, &e), DACC_OK);
    cr_assert_null(back);
    free(s);
    json_decref(bad);
    /* the group key with bit 255 set: refused, though libsodium decodes it */
    char hi[65];
    snprintf(hi, sizeof hi, "%s", json_string_value(json_object_get(j, "key")));
    uint8_t top = (uint8_t)(strtoul(hi + 62, NULL, 16) | 0x80);
    snprintf(hi + 62, 3, "%02x", top);
    bad = json_deep_copy(j);
    json_object_set_new(bad, "key", json_string(hi));
    s = json_dumps(bad, JSON_COMPACT);
    cr_assert_eq(dacc_screen_keyset_parse("ks.json", s, strlen(s), &back, &e), DACC_ERR_INVALID);
    cr_assert(strstr(e.message, "bit 255") != NULL, "%s", e.message);
    free(s);
    json_decref(bad);
    /* an unknown field, a bad kind, a threshold above the count */
    const char *cases[][2] = { { "extra", "1" },
                               { "kind", "\"x\"" },
                               { "threshold", "6" },
                               { "epoch", "-1" },
                               { "key", "\"00\"" } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bad = json_deep_copy(j);
        json_object_set_new(bad, cases[i][0], json_loads(cases[i][1], JSON_DECODE_ANY, NULL));
        s = json_dumps(bad, JSON_COMPACT);
        cr_assert_neq(dacc_screen_keyset_parse("ks.json", s, strlen(s), &back, &e), DACC_OK,
                      "case %s accepted", cases[i][0]);
        cr_assert(strstr(e.message, "ks.json") != NULL, "%s", e.message);
        free(s);
        json_decref(bad);
    }
    json_decref(j);
    dacc_screen_keyset_free(d.ks);
}

Test(doprf, decoders_refuse_bad_bytes)
{
    dealt d;
    deal(&d, 1);
    windows w;
    make_windows(&w, 2);
    dacc_screen_query *q;
    cr_assert_eq(dacc_screen_query_new(d.ks, w.in, w.len, w.n, NULL, &q, NULL), DACC_OK);
    dacc_buf req, resp;
    dacc_buf_init(&req, 0);
    dacc_buf_init(&resp, 0);
    dacc_screen_query_request(q, 0, &req, NULL);
    serve(q, 0, 1, 1, d.shares, &resp);
    uint8_t b[1024];
    dacc_screen_request rq;
    dacc_screen_response rs;
    cr_assert_eq(dacc_screen_request_decode("rq", (uint8_t *)req.data, req.len, &rq, NULL),
                 DACC_OK);
    cr_assert_eq(rq.count, 2);
    cr_assert_eq(dacc_screen_response_decode("rs", (uint8_t *)resp.data, resp.len, &rs, NULL),
                 DACC_OK);
    cr_assert(rs.index == 1 && rs.count == 2 && rs.epoch == 1);
    /* every truncation and one byte more */
    for (size_t len = 0; len <= req.len + 1; len++)
        if (len != req.len) {
            memcpy(b, req.data, req.len);
            cr_assert_neq(dacc_screen_request_decode("rq", b, len, &rq, NULL), DACC_OK);
        }
    for (size_t len = 0; len <= resp.len + 1; len++)
        if (len != resp.len) {
            memcpy(b, resp.data, resp.len);
            cr_assert_neq(dacc_screen_response_decode("rs", b, len, &rs, NULL), DACC_OK);
        }
    /* (offset, value) patches each refused */
    struct {
        int resp;
        size_t off;
        uint8_t v;
    } patches[] = {
        { 0, 0, 'X' },        { 0, 9, 0 },
        { 0, 8, 1 },          { 0, 10 + 31, 0xff }, /* magic, count, point */
        { 1, 0, 'X' },        { 1, 9, 0 },
        { 1, 11, 3 },         { 1, 12 + 31, 0xff },
        { 1, 76 + 31, 0xff }, { 1, 108 + 31, 0xff }, /* proof c, s not canonical */
    };
    for (size_t i = 0; i < sizeof patches / sizeof patches[0]; i++) {
        const dacc_buf *src = patches[i].resp ? &resp : &req;
        memcpy(b, src->data, src->len);
        b[patches[i].off] = patches[i].v;
        dacc_error e;
        dacc_status st = patches[i].resp ? dacc_screen_response_decode("rs", b, src->len, &rs, &e)
                                         : dacc_screen_request_decode("rq", b, src->len, &rq, &e);
        cr_assert_neq(st, DACC_OK, "patch %zu accepted", i);
        cr_assert(strncmp(e.message, patches[i].resp ? "rs" : "rq", 2) == 0, "%s", e.message);
    }
    /* bit 255 set on an otherwise valid element: non-canonical (RFC 9496
     * §4.3.1), though libsodium's is_valid_point ignores that bit */
    memcpy(b, req.data, req.len);
    b[10 + 31] |= 0x80;
    cr_assert_eq(crypto_core_ristretto255_is_valid_point(b + 10), 1);
    cr_assert_eq(dacc_screen_request_decode("rq", b, req.len, &rq, NULL), DACC_ERR_INVALID);
    memcpy(b, resp.data, resp.len);
    b[12 + 31] |= 0x80;
    cr_assert_eq(dacc_screen_response_decode("rs", b, resp.len, &rs, NULL), DACC_ERR_INVALID);
    /* the identity as an element */
    memcpy(b, req.data, req.len);
    memset(b + 10, 0, 32);
    cr_assert_eq(dacc_screen_request_decode("rq", b, req.len, &rq, NULL), DACC_ERR_INVALID);
    dacc_buf_free(&req);
    dacc_buf_free(&resp);
    dacc_screen_query_free(q);
    dacc_screen_keyset_free(d.ks);
}
