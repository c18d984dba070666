/* Anonymous rounds (docs/round.md, "Anonymous rounds"): an end-to-end
 * deep-funding round of 30 jurors in a ring, each answering the questions
 * its pseudonym draws, replayed and compared with the same answers given
 * openly; a ring's root history and its grace window, at the edge; QF
 * donations by pseudonyms through the store; notes ratings scoped to the
 * program epoch; a token round where a token acts once; and the
 * refusals. */
#include <stdio.h>
#include <stdlib.h>

#include "dacc/anon.h"
#include "dacc/jcs.h"
#include "dacc/store.h"
#include "dacc/tlog.h"
#include "fixture.h"
#include "pg.h"
#include "support.h"

/* A ring member: its ristretto255 key from its name. */
typedef struct {
    uint8_t sk[32], pk[32];
    char hex[65];
    uint64_t seq;
} member;

static void member_of(const char *name, member *m)
{
    uint8_t h[64];
    crypto_hash_sha512(h, (const uint8_t *)name, strlen(name));
    crypto_core_ristretto255_scalar_reduce(m->sk, h);
    crypto_scalarmult_ristretto255_base(m->pk, m->sk);
    dacc_hex_encode(m->pk, 32, m->hex);
    m->seq = 0;
}

static json_t *keys_json(const member *m, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(m[i].hex));
    return a;
}

static dacc_anon_ring *ring_of(const member *m, size_t n)
{
    uint8_t *keys = malloc(32 * n);
    for (size_t i = 0; i < n; i++)
        memcpy(keys + 32 * i, m[i].pk, 32);
    dacc_anon_ring *ring = NULL;
    dacc_error err;
    cr_assert_eq(dacc_anon_ring_new(keys, n, &ring, &err), DACC_OK, "%s", err.message);
    free(keys);
    return ring;
}

/* A config by op (body consumed), and the round it makes. */
static dacc_round *start(test_key *op, json_t *body, dacc_buf *config)
{
    dacc_error err;
    dacc_buf_init(config, 0);
    cr_assert_eq(dacc_round_event_sign(NULL, 1, "round/config", body, op->sk, config, &err),
                 DACC_OK, "%s", err.message);
    json_decref(body);
    op->seq = 1;
    dacc_round *r = NULL;
    cr_assert_eq(dacc_round_new(config->data, config->len, &r, &err), DACC_OK, "%s", err.message);
    return r;
}

/* An anonymous event by m against ring (body consumed), seq given or m's next. */
static dacc_buf anon_event(const dacc_round *r, member *m, const dacc_anon_ring *ring,
                           const char *type, json_t *body, uint64_t seq)
{
    uint8_t seed[32];
    randombytes_buf(seed, sizeof seed);
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_error err;
    cr_assert_eq(dacc_round_event_sign_ring(r, seq ? seq : ++m->seq, type, body, ring, m->sk, seed,
                                            &env, &err),
                 DACC_OK, "%s", err.message);
    json_decref(body);
    return env;
}

static dacc_buf op_event(const dacc_round *r, test_key *op, const char *type, json_t *body)
{
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_error err;
    cr_assert_eq(dacc_round_event_sign(dacc_round_id(r), ++op->seq, type, body, op->sk, &env, &err),
                 DACC_OK, "%s", err.message);
    json_decref(body);
    return env;
}

/* The envelopes of a round in order, for replaying it. */
typedef struct {
    dacc_buf env[256];
    size_t n;
} trail;

/* Applies env (kept in t when accepted, freed otherwise). */
static dacc_status keep(dacc_round *r, trail *t, dacc_buf env, dacc_error *err)
{
    dacc_status st = dacc_round_apply(r, env.data, env.len, err);
    if (st == DACC_OK && t != NULL && t->n < 256)
        t->env[t->n++] = env;
    else
        dacc_buf_free(&env);
    return st;
}

static char *canonical_result(const dacc_round *r)
{
    json_t *res = NULL;
    dacc_error err;
    cr_assert_eq(dacc_round_result(r, &res, &err), DACC_OK, "%s", err.message);
    dacc_buf b;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_jcs_write(json_object_get(res, "result"), &b, &err), DACC_OK);
    json_decref(res);
    cr_assert_eq(dacc_buf_putc(&b, '\0'), DACC_OK);
    return b.data;
}

/* ---- deep funding: 30 jurors in a ring ---- */

#define JURORS    30
#define QUESTIONS 3

static json_t *graph(void)
{
    json_t *g = json_array();
    static const char *const kids[] = { "a", "b", "c", "d", "e", "f" };
    for (int i = 0; i < 6; i++)
        json_array_append_new(g, json_pack("[ss]", "root", kids[i]));
    return g;
}

static json_t *phases_df(void)
{
    return json_pack("[{ssss}{ssss}]", "name", "submissions", "close", "operator", "name", "jury",
                     "close", "operator");
}

static const char seed_root[] = "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";

static json_t *close_body(const char *phase)
{
    return json_pack("{sss{sIss}}", "phase", phase, "at", "size", (json_int_t)3, "root", seed_root);
}

/* What a juror answered, to give the same answers openly. */
typedef struct {
    char parent[16], a[16], b[16];
    int choice;
    char mult[8];
} given;

Test(round_anon, a_deepfund_round_of_30_anonymous_jurors_replays_and_equals_the_open_round,
     .timeout = 120)
{
    test_key op;
    test_key_of("anonymous deepfund operator", &op);
    member m[JURORS];
    char name[32];
    for (int i = 0; i < JURORS; i++) {
        snprintf(name, sizeof name, "juror %d", i);
        member_of(name, &m[i]);
    }
    dacc_anon_ring *ring = ring_of(m, JURORS);
    json_t *cfg = json_pack("{sssss{s{soso}}sos{sosososI}}", "mechanism", "deepfund", "title",
                            "anonymous jury", "eligible", "ring", "keys", keys_json(m, JURORS),
                            "grace", json_integer(0), "phases", phases_df(), "params", "graph",
                            graph(), "pool", json_string("1000"), "decimals", json_integer(0),
                            "questions", (json_int_t)QUESTIONS);
    cr_assert_not_null(cfg);
    trail t = { .n = 0 };
    dacc_buf config;
    dacc_round *r = start(&op, cfg, &config);
    dacc_error err;
    cr_assert_eq(keep(r, &t, op_event(r, &op, "round/close", close_body("submissions")), &err),
                 DACC_OK, "%s", err.message);

    given ans[JURORS * QUESTIONS];
    size_t na = 0;
    uint8_t nym[JURORS][32];
    for (int j = 0; j < JURORS; j++) {
        cr_assert_eq(dacc_round_anon_pseudonym(r, "deepfund/answer", m[j].sk, nym[j], &err),
                     DACC_OK, "%s", err.message);
        json_t *v = NULL;
        cr_assert_eq(dacc_round_participant(r, nym[j], &v, &err), DACC_OK, "%s", err.message);
        json_t *qs = json_object_get(json_object_get(v, "state"), "questions");
        cr_assert_eq(json_array_size(qs), QUESTIONS, "juror %d: %s", j, json_dumps(v, 0));
        cr_assert_null(json_object_get(v, "pseudonym"), "before it acted");
        for (int k = 1; k <= QUESTIONS; k++) {
            json_t *q = json_array_get(qs, (size_t)k - 1);
            given *g = &ans[na++];
            snprintf(g->parent, sizeof g->parent, "%s",
                     json_string_value(json_object_get(q, "parent")));
            snprintf(g->a, sizeof g->a, "%s", json_string_value(json_object_get(q, "a")));
            snprintf(g->b, sizeof g->b, "%s", json_string_value(json_object_get(q, "b")));
            g->choice = 1 + (j + k) % 2;
            snprintf(g->mult, sizeof g->mult, "%d", 1 + (j * 7 + k) % 5);
            json_t *b = json_pack("{sIsIss}", "question", (json_int_t)k, "choice",
                                  (json_int_t)g->choice, "multiplier", g->mult);
            cr_assert_eq(keep(r, &t, anon_event(r, &m[j], ring, "deepfund/answer", b, 0), &err),
                         DACC_OK, "juror %d question %d: %s", j, k, err.message);
        }
        json_decref(v);
    }
    json_t *seen = NULL;
    cr_assert_eq(dacc_round_participant(r, nym[3], &seen, &err), DACC_OK);
    cr_assert(json_is_true(json_object_get(seen, "pseudonym")), "%s", json_dumps(seen, 0));
    cr_assert_eq(json_integer_value(json_object_get(seen, "seq")), QUESTIONS);
    json_decref(seen);
    /* a juror answering the same question twice, and a question not drawn */
    json_t *again = json_pack("{sIsIss}", "question", (json_int_t)2, "choice", (json_int_t)1,
                              "multiplier", "2");
    cr_assert_eq(keep(r, NULL, anon_event(r, &m[7], ring, "deepfund/answer", again, 0), &err),
                 DACC_ERR_STATE);
    cr_assert(strstr(err.message, "question 2 answered already"), "%s", err.message);
    cr_assert(strstr(err.message, "pseudonym"), "%s", err.message);
    m[7].seq--;
    json_t *undrawn = json_pack("{sIsIss}", "question", (json_int_t)QUESTIONS + 1, "choice",
                                (json_int_t)1, "multiplier", "2");
    cr_assert_eq(keep(r, NULL, anon_event(r, &m[7], ring, "deepfund/answer", undrawn, 0), &err),
                 DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "field \"question\""), "%s", err.message);
    m[7].seq--;
    /* no member joins once the questions are drawn; removing one is fine */
    member late;
    member_of("late juror", &late);
    cr_assert_eq(
        keep(r, NULL, op_event(r, &op, "round/ring", json_pack("{s[s]}", "add", late.hex)), &err),
        DACC_ERR_STATE);
    cr_assert(strstr(err.message, "no new members once the questions are drawn"), "%s",
              err.message);
    op.seq--;
    /* the same envelope again: the pseudonym already acted with that number */
    cr_assert_eq(dacc_round_apply(r, t.env[3].data, t.env[3].len, &err), DACC_ERR_STATE);
    cr_assert(strstr(err.message, "already acted"), "%s", err.message);
    cr_assert_eq(
        keep(r, &t, op_event(r, &op, "round/close", json_pack("{ss}", "phase", "jury")), &err),
        DACC_OK, "%s", err.message);

    json_t *state = NULL;
    cr_assert_eq(dacc_round_state(r, &state, &err), DACC_OK);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(state, "state"), "jurors")),
                 JURORS);
    json_decref(state);

    /* replay: every ring signature verified again, the same state hash;
     * the trusted path (for entries a writer checked) verifies them too */
    uint8_t live[32], again_hash[32];
    dacc_round_state_hash(r, live);
    for (int trusted = 0; trusted < 2; trusted++) {
        dacc_round *re = NULL;
        cr_assert_eq(dacc_round_new(config.data, config.len, &re, &err), DACC_OK);
        for (size_t i = 0; i < t.n; i++)
            cr_assert_eq(trusted ? dacc_round_apply_trusted(re, t.env[i].data, t.env[i].len, &err)
                                 : dacc_round_apply(re, t.env[i].data, t.env[i].len, &err),
                         DACC_OK, "entry %zu: %s", i, err.message);
        dacc_round_state_hash(re, again_hash);
        cr_assert_eq(memcmp(live, again_hash, 32), 0);
        dacc_round_free(re);
    }
    /* a signature with one bit flipped stops the replay at its entry, on
     * either path */
    {
        dacc_dsse_envelope *e = NULL;
        cr_assert_eq(dacc_dsse_parse("e", t.env[5].data, t.env[5].len, &e, &err), DACC_OK);
        size_t plen, slen;
        const uint8_t *p = dacc_dsse_payload(e, &plen);
        uint8_t *sig = malloc(DACC_DSSE_SIG_MAX);
        memcpy(sig, dacc_dsse_sig_bytes(e, 0, &slen), slen);
        sig[40] ^= 0x10;
        dacc_dsse_envelope *f = NULL;
        cr_assert_eq(dacc_dsse_new(DACC_ROUND_ANON_EVENT_TYPE, p, plen, &f, &err), DACC_OK);
        cr_assert_eq(dacc_dsse_add_sig(f, DACC_ROUND_ANON_RING_KEYID, sig, slen, &err), DACC_OK);
        dacc_buf bad;
        dacc_buf_init(&bad, 0);
        cr_assert_eq(dacc_dsse_write(f, &bad, &err), DACC_OK);
        for (int trusted = 0; trusted < 2; trusted++) {
            dacc_round *re = NULL;
            cr_assert_eq(dacc_round_new(config.data, config.len, &re, &err), DACC_OK);
            for (size_t i = 0; i < 5; i++)
                cr_assert_eq(dacc_round_apply(re, t.env[i].data, t.env[i].len, &err), DACC_OK);
            cr_assert_neq(trusted ? dacc_round_apply_trusted(re, bad.data, bad.len, &err)
                                  : dacc_round_apply(re, bad.data, bad.len, &err),
                          DACC_OK);
            dacc_round_free(re);
        }
        dacc_buf_free(&bad);
        dacc_dsse_free(f);
        dacc_dsse_free(e);
        free(sig);
    }

    /* the same answers given openly, as free questions, by 30 Ed25519 keys */
    test_key open_op, jk[JURORS];
    test_key_of("anonymous deepfund operator", &open_op);
    json_t *keys = json_array();
    for (int j = 0; j < JURORS; j++) {
        snprintf(name, sizeof name, "open juror %d", j);
        test_key_of(name, &jk[j]);
        json_array_append_new(keys, json_string(jk[j].hex));
    }
    json_t *ocfg =
        json_pack("{sssss{so}sos{sososo}}", "mechanism", "deepfund", "title", "open jury",
                  "eligible", "keys", keys, "phases", phases_df(), "params", "graph", graph(),
                  "pool", json_string("1000"), "decimals", json_integer(0));
    dacc_buf oconfig;
    dacc_round *o = start(&open_op, ocfg, &oconfig);
    cr_assert_eq(
        keep(o, NULL, op_event(o, &open_op, "round/close", close_body("submissions")), &err),
        DACC_OK, "%s", err.message);
    for (size_t i = 0; i < na; i++) {
        test_key *k = &jk[i / QUESTIONS];
        json_t *b = json_pack("{sssssssIss}", "parent", ans[i].parent, "a", ans[i].a, "b", ans[i].b,
                              "choice", (json_int_t)ans[i].choice, "multiplier", ans[i].mult);
        dacc_buf env;
        dacc_buf_init(&env, 0);
        cr_assert_eq(dacc_round_event_sign(dacc_round_id(o), ++k->seq, "deepfund/answer", b, k->sk,
                                           &env, &err),
                     DACC_OK);
        json_decref(b);
        cr_assert_eq(keep(o, NULL, env, &err), DACC_OK, "answer %zu: %s", i, err.message);
    }
    cr_assert_eq(keep(o, NULL,
                      op_event(o, &open_op, "round/close", json_pack("{ss}", "phase", "jury")),
                      &err),
                 DACC_OK);
    /* byte for byte: a deep-funding result names no juror */
    char *ra = canonical_result(r), *ro = canonical_result(o);
    cr_assert_str_eq(ra, ro);
    free(ra), free(ro);

    for (size_t i = 0; i < t.n; i++)
        dacc_buf_free(&t.env[i]);
    dacc_buf_free(&config);
    dacc_buf_free(&oconfig);
    dacc_round_free(o);
    dacc_round_free(r);
    dacc_anon_ring_free(ring);
}

/* ---- the ring's root history and grace window ---- */

static json_t *donation(const char *project, const char *amount)
{
    return json_pack("{ssss}", "amount", amount, "project", project);
}

static dacc_round *pgf_ring_round(test_key *op, member *m, size_t n, int64_t grace,
                                  dacc_buf *config)
{
    test_key_of("anonymous pgf operator", op);
    json_t *cfg = json_pack("{sss{s{sosI}}s[{ssss}]s{sssiss}}", "mechanism", "pgf", "eligible",
                            "ring", "keys", keys_json(m, n), "grace", (json_int_t)grace, "phases",
                            "name", "donations", "close", "operator", "params", "pool", "1000",
                            "decimals", 0, "method", "qf");
    cr_assert_not_null(cfg);
    return start(op, cfg, config);
}

Test(round_anon, a_removed_member_acts_within_the_grace_window_and_not_after)
{
    member m[4];
    char name[16];
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "donor %d", i);
        member_of(name, &m[i]);
    }
    test_key op;
    dacc_buf config;
    dacc_round *r = pgf_ring_round(&op, m, 4, 2, &config);
    dacc_anon_ring *old = ring_of(m, 4), *now = ring_of(m + 1, 3);
    dacc_error err;
    cr_assert_eq(
        keep(r, NULL, anon_event(r, &m[0], old, "pgf/donation", donation("p", "5"), 0), &err),
        DACC_OK, "%s", err.message);
    /* the operator removes member 0: the new root takes effect at once */
    json_t *rm = json_pack("{s[s]}", "remove", m[0].hex);
    cr_assert_eq(keep(r, NULL, op_event(r, &op, "round/ring", rm), &err), DACC_OK, "%s",
                 err.message);
    json_t *st = NULL;
    cr_assert_eq(dacc_round_state(r, &st, &err), DACC_OK);
    json_t *ring = json_object_get(json_object_get(st, "anonymous"), "ring");
    char root[129];
    dacc_hex_encode(dacc_anon_ring_hash(now), 64, root);
    cr_assert_str_eq(json_string_value(json_object_get(ring, "root")), root);
    cr_assert_eq(json_array_size(json_object_get(ring, "history")), 2);
    cr_assert_eq(json_integer_value(json_object_get(ring, "previous_good_for")), 2);
    json_decref(st);
    /* member 0 is no member of the new ring: it cannot sign against it */
    uint8_t seed[32] = { 0 }, sig[64 + 32 * 3];
    cr_assert_eq(dacc_anon_ring_sign(now, m[0].sk, (const uint8_t *)"s", 1, (const uint8_t *)"m", 1,
                                     seed, sig, sizeof sig, &err),
                 DACC_ERR_NOTFOUND);
    /* events 1 and 2 after the change may be signed against the old ring
     * (grace 2): the edge is the second; the third is refused */
    cr_assert_eq(
        keep(r, NULL, anon_event(r, &m[0], old, "pgf/donation", donation("q", "5"), 0), &err),
        DACC_OK, "%s", err.message);
    cr_assert_eq(
        keep(r, NULL, anon_event(r, &m[2], old, "pgf/donation", donation("q", "3"), 0), &err),
        DACC_OK, "%s", err.message);
    cr_assert_eq(
        keep(r, NULL, anon_event(r, &m[0], old, "pgf/donation", donation("q", "7"), 0), &err),
        DACC_ERR_STATE);
    cr_assert(strstr(err.message, "grace window is 2 events"), "%s", err.message);
    m[0].seq--;
    /* a remaining member against the old ring is refused as well, and
     * fine against the new one */
    cr_assert_eq(
        keep(r, NULL, anon_event(r, &m[1], old, "pgf/donation", donation("q", "1"), 0), &err),
        DACC_ERR_STATE);
    m[1].seq--;
    cr_assert_eq(
        keep(r, NULL, anon_event(r, &m[1], now, "pgf/donation", donation("q", "1"), 0), &err),
        DACC_OK, "%s", err.message);
    /* the same member keeps its pseudonym from ring to ring: m[2]'s second
     * donation, against the new ring, is its event 2 */
    cr_assert_eq(
        keep(r, NULL, anon_event(r, &m[2], now, "pgf/donation", donation("p", "1"), 1), &err),
        DACC_ERR_STATE);
    cr_assert_eq(
        keep(r, NULL, anon_event(r, &m[2], now, "pgf/donation", donation("p", "1"), 2), &err),
        DACC_OK, "%s", err.message);
    /* a ring of strangers, and changes the operator may not make */
    member x;
    member_of("stranger", &x);
    dacc_anon_ring *alien = ring_of(&x, 1);
    cr_assert_eq(
        keep(r, NULL, anon_event(r, &x, alien, "pgf/donation", donation("p", "1"), 0), &err),
        DACC_ERR_STATE);
    cr_assert(strstr(err.message, "not the round's current ring"), "%s", err.message);
    cr_assert_eq(
        keep(r, NULL, op_event(r, &op, "round/ring", json_pack("{s[s]}", "remove", x.hex)), &err),
        DACC_ERR_INVALID);
    op.seq--;
    cr_assert_eq(
        keep(r, NULL, op_event(r, &op, "round/ring", json_pack("{s[s]}", "add", m[1].hex)), &err),
        DACC_ERR_INVALID);
    op.seq--;
    json_t *bad = json_pack("{s[sss]}", "remove", m[1].hex, m[2].hex, m[3].hex);
    cr_assert_eq(keep(r, NULL, op_event(r, &op, "round/ring", bad), &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "a ring needs a member"), "%s", err.message);
    op.seq--;
    dacc_anon_ring_free(alien);
    dacc_anon_ring_free(old);
    dacc_anon_ring_free(now);
    dacc_buf_free(&config);
    dacc_round_free(r);
}

Test(round_anon, grace_zero_refuses_the_old_ring_at_once_and_two_changes_retire_it)
{
    member m[3];
    member_of("g0", &m[0]), member_of("g1", &m[1]), member_of("g2", &m[2]);
    test_key op;
    dacc_buf config;
    dacc_round *r = pgf_ring_round(&op, m, 2, 0, &config);
    dacc_anon_ring *v1 = ring_of(m, 2), *v2 = ring_of(m, 3), *v3 = ring_of(m + 1, 2);
    dacc_error err;
    cr_assert_eq(
        keep(r, NULL, op_event(r, &op, "round/ring", json_pack("{s[s]}", "add", m[2].hex)), &err),
        DACC_OK, "%s", err.message);
    cr_assert_eq(
        keep(r, NULL, anon_event(r, &m[0], v1, "pgf/donation", donation("p", "1"), 0), &err),
        DACC_ERR_STATE);
    m[0].seq--;
    cr_assert_eq(
        keep(r, NULL, anon_event(r, &m[2], v2, "pgf/donation", donation("p", "1"), 0), &err),
        DACC_OK, "%s", err.message);
    cr_assert_eq(keep(r, NULL,
                      op_event(r, &op, "round/ring", json_pack("{s[s]}", "remove", m[0].hex)),
                      &err),
                 DACC_OK, "%s", err.message);
    /* v1 is two versions back: refused whatever the grace */
    cr_assert_eq(
        keep(r, NULL, anon_event(r, &m[1], v1, "pgf/donation", donation("p", "1"), 0), &err),
        DACC_ERR_STATE);
    cr_assert(strstr(err.message, "nor the previous one"), "%s", err.message);
    m[1].seq--;
    cr_assert_eq(
        keep(r, NULL, anon_event(r, &m[1], v3, "pgf/donation", donation("p", "1"), 0), &err),
        DACC_OK, "%s", err.message);
    dacc_anon_ring_free(v1), dacc_anon_ring_free(v2), dacc_anon_ring_free(v3);
    dacc_buf_free(&config);
    dacc_round_free(r);
}

/* ---- QF donations through the store ---- */

Test(round_anon, anonymous_qf_donations_go_through_the_store_and_cluster_by_pseudonym)
{
    char *dir = make_temp_dir(), *db = test_log_location(dir), *index = path_join(dir, "rounds.db");
    dacc_tlog_signer signer;
    dacc_tlog_log *log = NULL;
    dacc_store *store = NULL;
    dacc_error err;
    cr_assert_eq(dacc_tlog_keygen("example.org/anon", DACC_TLOG_KEY_ED25519, &signer, &err),
                 DACC_OK);
    cr_assert_eq(dacc_tlog_log_create(db, "example.org/anon", &err), DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_tlog_log_open(db, &signer, &log, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_store_open(log, index, &store, &err), DACC_OK, "%s", err.message);

    member m[5];
    char name[16];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "qf donor %d", i);
        member_of(name, &m[i]);
    }
    test_key op;
    test_key_of("anonymous qf operator", &op);
    json_t *cfg =
        json_pack("{sss{s{sosI}}s[{ssss}]s{sssiss}}", "mechanism", "pgf", "eligible", "ring",
                  "keys", keys_json(m, 5), "grace", (json_int_t)0, "phases", "name", "donations",
                  "close", "operator", "params", "pool", "1000", "decimals", 0, "method", "cocm");
    dacc_buf config;
    dacc_round *live = start(&op, cfg, &config);
    dacc_anon_ring *ring = ring_of(m, 5);
    dacc_buf env[12];
    size_t n = 0;
    env[n++] = config;
    static const char *const proj[] = { "p1", "p2", "p3" };
    for (int i = 0; i < 5; i++)
        for (int k = 0; k < (i % 2 ? 2 : 1); k++)
            env[n++] = anon_event(live, &m[i], ring, "pgf/donation",
                                  donation(proj[(i + k) % 3], i == 4 ? "40" : "4"), 0);
    env[n++] = op_event(live, &op, "round/close", json_pack("{ss}", "phase", "donations"));
    const void *p[12];
    size_t lens[12], bad = 0;
    for (size_t i = 0; i < n; i++)
        p[i] = env[i].data, lens[i] = env[i].len;
    uint64_t first;
    cr_assert_eq(dacc_store_append(store, p, lens, n, &first, &bad, &err), DACC_OK, "%s",
                 err.message);
    /* a donation signed twice by one member, the second time with the
     * same number: refused by the store, nothing logged */
    member again = m[3];
    again.seq = 0;
    dacc_buf dup = anon_event(live, &again, ring, "pgf/donation", donation("p1", "9"), 0);
    const void *dp = dup.data;
    size_t dl = dup.len;
    cr_assert_neq(dacc_store_append(store, &dp, &dl, 1, &first, &bad, &err), DACC_OK);
    cr_assert(strstr(err.message, "already acted"), "%s", err.message);
    dacc_buf_free(&dup);

    dacc_round *r = NULL;
    cr_assert_eq(dacc_store_load(store, dacc_round_id(live), &r, &err), DACC_OK, "%s", err.message);
    json_t *res = NULL;
    cr_assert_eq(dacc_round_result(r, &res, &err), DACC_OK, "%s", err.message);
    cr_assert(json_is_true(json_object_get(res, "final")));
    /* the donors are the pseudonyms: five of them, each once however many
     * donations it made */
    json_t *st = NULL;
    cr_assert_eq(dacc_round_state(r, &st, &err), DACC_OK);
    cr_assert_eq(json_integer_value(json_object_get(st, "signers")), 6, "%s", json_dumps(st, 0));
    uint8_t nym[32];
    char hex[65];
    cr_assert_eq(dacc_round_anon_pseudonym(r, "pgf/donation", m[1].sk, nym, &err), DACC_OK);
    cr_assert_eq(dacc_round_seq(r, nym), 2);
    char *text = json_dumps(res, 0);
    cr_assert_null(strstr(text, m[1].hex), "a member key in the result");
    (void)hex;
    free(text);
    /* COCM sees the pseudonyms as it sees keys: the same donations by five
     * Ed25519 donors give the same result, byte for byte */
    test_key oop, od[5];
    test_key_of("open qf operator", &oop);
    json_t *okeys = json_array();
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "open donor %d", i);
        test_key_of(name, &od[i]);
        json_array_append_new(okeys, json_string(od[i].hex));
    }
    json_t *ocfg = json_pack("{sss{so}s[{ssss}]s{sssiss}}", "mechanism", "pgf", "eligible", "keys",
                             okeys, "phases", "name", "donations", "close", "operator", "params",
                             "pool", "1000", "decimals", 0, "method", "cocm");
    dacc_buf oconfig;
    dacc_round *o = start(&oop, ocfg, &oconfig);
    for (int i = 0; i < 5; i++)
        for (int k = 0; k < (i % 2 ? 2 : 1); k++) {
            dacc_buf e;
            dacc_buf_init(&e, 0);
            json_t *b = donation(proj[(i + k) % 3], i == 4 ? "40" : "4");
            cr_assert_eq(dacc_round_event_sign(dacc_round_id(o), ++od[i].seq, "pgf/donation", b,
                                               od[i].sk, &e, &err),
                         DACC_OK);
            json_decref(b);
            cr_assert_eq(keep(o, NULL, e, &err), DACC_OK, "%s", err.message);
        }
    cr_assert_eq(keep(o, NULL,
                      op_event(o, &oop, "round/close", json_pack("{ss}", "phase", "donations")),
                      &err),
                 DACC_OK);
    char *ra = canonical_result(r), *ro = canonical_result(o);
    cr_assert_str_eq(ra, ro);
    free(ra), free(ro);
    dacc_buf_free(&oconfig);
    dacc_round_free(o);
    json_decref(st);
    json_decref(res);
    for (size_t i = 0; i < n; i++)
        dacc_buf_free(&env[i]);
    dacc_round_free(r);
    dacc_round_free(live);
    dacc_anon_ring_free(ring);
    dacc_store_free(store);
    dacc_tlog_log_free(log);
    remove_tree(dir);
    free(dir), free(db), free(index);
}

/* ---- notes ratings scoped to the program epoch ---- */

static dacc_round *notes_round(test_key *op, test_key *author, member *m, size_t n,
                               const char *epoch, const char *nonce, dacc_buf *config)
{
    test_key_of("notes operator", op);
    test_key_of("note author", author);
    json_t *cfg =
        json_pack("{sss{s[s]s{sosI}}s[{ssss}]s{ss}ss}", "mechanism", "notes", "eligible", "keys",
                  author->hex, "ring", "keys", keys_json(m, n), "grace", (json_int_t)0, "phases",
                  "name", "rating", "close", "operator", "params", "epoch", epoch, "nonce", nonce);
    cr_assert_not_null(cfg);
    return start(op, cfg, config);
}

Test(round_anon, anonymous_ratings_are_one_per_member_per_note_and_scoped_to_the_epoch)
{
    member m[3];
    member_of("rater 0", &m[0]), member_of("rater 1", &m[1]), member_of("rater 2", &m[2]);
    test_key op, author;
    dacc_buf config;
    dacc_round *r = notes_round(&op, &author, m, 3, "program-x/2026-12", "a", &config);
    dacc_anon_ring *ring = ring_of(m, 3);
    dacc_error err;
    test_key_of("note author", &author);
    author.seq = 0;
    cr_assert_eq(test_apply(r,
                            test_event(&author, dacc_round_id(r), "notes/note",
                                       "{\"classification\":\"MISINFORMED_OR_POTENTIALLY_"
                                       "MISLEADING\",\"note\":\"1\",\"summary\":\"s\","
                                       "\"tweet\":\"2\"}",
                                       0),
                            &err),
                 DACC_OK, "%s", err.message);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(keep(r, NULL,
                          anon_event(r, &m[i], ring, "notes/rating",
                                     json_pack("{ssss}", "note", "1", "helpfulness",
                                               i ? "HELPFUL" : "NOT_HELPFUL"),
                                     0),
                          &err),
                     DACC_OK, "%s", err.message);
    cr_assert_eq(keep(r, NULL,
                      anon_event(r, &m[1], ring, "notes/rating",
                                 json_pack("{ssss}", "note", "1", "helpfulness", "HELPFUL"), 0),
                      &err),
                 DACC_ERR_STATE);
    cr_assert(strstr(err.message, "note 1 rated twice"), "%s", err.message);
    /* an anonymous note is not an action the round takes: no scope to sign
     * in, and an envelope made by hand is refused */
    json_t *note = json_pack("{ssssssss}", "classification", "NOT_MISLEADING", "note", "3",
                             "summary", "s", "tweet", "4");
    dacc_buf env;
    dacc_buf_init(&env, 0);
    uint8_t seed[32] = { 0 };
    cr_assert_eq(
        dacc_round_event_sign_ring(r, 1, "notes/note", note, ring, m[0].sk, seed, &env, &err),
        DACC_ERR_UNSUPPORTED);
    dacc_buf forged = anon_event(r, &m[0], ring, "notes/rating",
                                 json_pack("{ssss}", "note", "1", "helpfulness", "HELPFUL"), 9);
    dacc_round_event ev;
    cr_assert_eq(dacc_round_event_decode("e", forged.data, forged.len, &ev, &err), DACC_OK, "%s",
                 err.message);
    cr_assert_eq(ev.anon, DACC_ROUND_ANON_RING);
    snprintf(ev.type, sizeof ev.type, "notes/note");
    cr_assert_eq(dacc_round_apply_event(r, &ev, &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "cannot be sent anonymously"), "%s", err.message);
    dacc_round_event_clear(&ev);
    dacc_buf_free(&forged);
    json_decref(note);
    /* the scope is the epoch, not the round: another round of the same
     * epoch gives the same pseudonym, another epoch another */
    test_key op2, author2;
    dacc_buf c2, c3;
    dacc_round *same = notes_round(&op2, &author2, m, 3, "program-x/2026-12", "b", &c2);
    dacc_round *next = notes_round(&op2, &author2, m, 3, "program-x/2027-01", "c", &c3);
    cr_assert_neq(memcmp(dacc_round_id(same), dacc_round_id(r), 32), 0);
    uint8_t a[32], b[32], c[32];
    cr_assert_eq(dacc_round_anon_pseudonym(r, "notes/rating", m[0].sk, a, &err), DACC_OK);
    cr_assert_eq(dacc_round_anon_pseudonym(same, "notes/rating", m[0].sk, b, &err), DACC_OK);
    cr_assert_eq(dacc_round_anon_pseudonym(next, "notes/rating", m[0].sk, c, &err), DACC_OK);
    cr_assert_eq(memcmp(a, b, 32), 0);
    cr_assert_neq(memcmp(a, c, 32), 0);
    cr_assert_eq(dacc_round_seq(r, a), 1);
    json_t *res = NULL;
    cr_assert_eq(dacc_round_result(r, &res, &err), DACC_OK, "%s", err.message);
    json_decref(res);
    dacc_buf_free(&c2), dacc_buf_free(&c3), dacc_buf_free(&config);
    dacc_round_free(same), dacc_round_free(next), dacc_round_free(r);
    dacc_anon_ring_free(ring);
}

/* ---- token eligibility ---- */

typedef struct {
    dacc_anon_issuers *is;
    uint8_t share[3][32];
    char group[65], keys[3][65];
} issuer_set;

static void issuers_2_of_3(issuer_set *s)
{
    uint8_t k[32], coeff[32], gk[32], sk[96];
    dacc_error err;
    dacc_anon_scalar_random(k);
    dacc_anon_scalar_random(coeff);
    cr_assert_eq(dacc_anon_shamir_split(k, 2, 3, coeff, (uint8_t *)s->share, &err), DACC_OK);
    crypto_scalarmult_ristretto255_base(gk, k);
    dacc_hex_encode(gk, 32, s->group);
    for (int i = 0; i < 3; i++) {
        crypto_scalarmult_ristretto255_base(sk + 32 * i, s->share[i]);
        dacc_hex_encode(sk + 32 * i, 32, s->keys[i]);
    }
    cr_assert_eq(dacc_anon_issuers_new(2, 3, gk, sk, &s->is, &err), DACC_OK, "%s", err.message);
}

/* A token for member (an Ed25519 identity) from issuers 1 and 3, and its
 * redemption evaluations by issuers given in which[0..n). */
static void token_for(const issuer_set *s, const test_key *member_key, uint8_t token[64],
                      const unsigned *which, size_t n, uint8_t *evals)
{
    uint8_t x[32], blind[32], req[DACC_ANON_TOKEN_REQUEST_BYTES], resp[2 * 98], r[32];
    dacc_error err;
    randombytes_buf(x, 32);
    dacc_anon_scalar_random(blind);
    cr_assert_eq(dacc_anon_token_request(s->is, (const uint8_t *)"e", 1, member_key->sk, x, blind,
                                         req, &err),
                 DACC_OK, "%s", err.message);
    const unsigned idx[2] = { 1, 3 };
    for (int i = 0; i < 2; i++) {
        dacc_anon_scalar_random(r);
        cr_assert_eq(dacc_anon_token_issue(s->is, idx[i], s->share[idx[i] - 1],
                                           (const uint8_t *)"e", 1, req, r, resp + 98 * i, &err),
                     DACC_OK, "%s", err.message);
    }
    cr_assert_eq(dacc_anon_token_finish(s->is, x, blind, req, resp, 2, token, NULL, &err), DACC_OK,
                 "%s", err.message);
    for (size_t i = 0; i < n; i++) {
        dacc_anon_scalar_random(r);
        cr_assert_eq(dacc_anon_token_evaluate(s->is, which[i], s->share[which[i] - 1], x, r,
                                              evals + 98 * i, &err),
                     DACC_OK);
    }
}

static dacc_buf redeem(const dacc_round *r, const uint8_t token[64], const uint8_t *evals, size_t k,
                       const char *project)
{
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_error err;
    json_t *b = donation(project, "5");
    cr_assert_eq(dacc_round_event_redeem(r, "pgf/donation", b, token, evals, k, &env, &err),
                 DACC_OK, "%s", err.message);
    json_decref(b);
    return env;
}

Test(round_anon, a_token_round_takes_each_token_once)
{
    issuer_set s;
    issuers_2_of_3(&s);
    test_key op, alice, bob;
    test_key_of("token operator", &op);
    test_key_of("alice", &alice), test_key_of("bob", &bob);
    json_t *cfg =
        json_pack("{sss{s{sIsss[sss]}}s[{ssss}]s{sssiss}}", "mechanism", "pgf", "eligible",
                  "tokens", "threshold", (json_int_t)2, "group", s.group, "keys", s.keys[0],
                  s.keys[1], s.keys[2], "phases", "name", "donations", "close", "operator",
                  "params", "pool", "1000", "decimals", 0, "method", "qf");
    cr_assert_not_null(cfg);
    dacc_buf config;
    dacc_round *r = start(&op, cfg, &config);
    uint8_t ta[64], tb[64], ea[2 * 98], eb[2 * 98];
    const unsigned two[2] = { 2, 3 }, one[1] = { 1 };
    token_for(&s, &alice, ta, two, 2, ea);
    token_for(&s, &bob, tb, one, 1, eb);
    dacc_error err;
    cr_assert_eq(keep(r, NULL, redeem(r, ta, ea, 2, "p1"), &err), DACC_OK, "%s", err.message);
    /* the same token again, for another project: refused */
    cr_assert_eq(keep(r, NULL, redeem(r, ta, ea, 2, "p2"), &err), DACC_ERR_STATE);
    cr_assert(strstr(err.message, "already acted"), "%s", err.message);
    /* one issuer's evaluation (t - 1) proves nothing */
    cr_assert_neq(keep(r, NULL, redeem(r, tb, eb, 1, "p2"), &err), DACC_OK);
    /* a forged token: N changed */
    uint8_t forged[64];
    memcpy(forged, ta, 64);
    forged[0] ^= 1;
    cr_assert_neq(keep(r, NULL, redeem(r, forged, ea, 2, "p2"), &err), DACC_OK);
    json_t *st = NULL;
    cr_assert_eq(dacc_round_state(r, &st, &err), DACC_OK);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(st, "anonymous"), "redeemed")),
                 1);
    json_decref(st);
    /* a ring event in a token round is refused */
    member m;
    member_of("ringer", &m);
    dacc_anon_ring *ring = ring_of(&m, 1);
    cr_assert_eq(
        keep(r, NULL, anon_event(r, &m, ring, "pgf/donation", donation("p", "1"), 0), &err),
        DACC_ERR_STATE);
    cr_assert(strstr(err.message, "made with tokens"), "%s", err.message);
    dacc_anon_ring_free(ring);
    dacc_anon_issuers_free(s.is);
    dacc_buf_free(&config);
    dacc_round_free(r);
}

/* ---- refusals ---- */

Test(round_anon, anonymous_events_outside_what_the_round_allows_are_refused)
{
    member m[2];
    member_of("r0", &m[0]), member_of("r1", &m[1]);
    dacc_anon_ring *ring = ring_of(m, 2);
    dacc_error err;
    /* a round without a ring */
    test_key op;
    test_key_of("plain operator", &op);
    dacc_buf config;
    json_t *cfg = json_pack("{sss{sb}s[{ssss}]s{sssiss}}", "mechanism", "pgf", "eligible", "open",
                            1, "phases", "name", "donations", "close", "operator", "params", "pool",
                            "10", "decimals", 0, "method", "qf");
    dacc_round *plain = start(&op, cfg, &config);
    cr_assert_eq(keep(plain, NULL,
                      anon_event(plain, &m[0], ring, "pgf/donation", donation("p", "1"), 0), &err),
                 DACC_ERR_STATE);
    cr_assert(strstr(err.message, "takes no anonymous events"), "%s", err.message);
    cr_assert_eq(keep(plain, NULL,
                      op_event(plain, &op, "round/ring", json_pack("{s[s]}", "add", m[0].hex)),
                      &err),
                 DACC_ERR_STATE);
    dacc_buf_free(&config);
    dacc_round_free(plain);

    /* an anonymous close, and configs the round refuses */
    dacc_round *r = pgf_ring_round(&op, m, 2, 0, &config);
    dacc_buf env;
    dacc_buf_init(&env, 0);
    uint8_t seed[32] = { 1 };
    json_t *close = json_pack("{ss}", "phase", "donations");
    cr_assert_eq(
        dacc_round_event_sign_ring(r, 1, "round/close", close, ring, m[0].sk, seed, &env, &err),
        DACC_ERR_UNSUPPORTED);
    json_decref(close);
    dacc_buf_free(&env);
    dacc_buf_free(&config);
    dacc_round_free(r);
    static const char *const bad[][2] = {
        { "{\"mechanism\":\"pgf\",\"eligible\":{\"open\":true,\"ring\":{\"keys\":[],\"grace\":0}},"
          "\"phases\":[{\"name\":\"donations\",\"close\":\"operator\"}],"
          "\"params\":{\"pool\":\"1\",\"decimals\":0,\"method\":\"qf\"}}",
          "field \"eligible\"" },
        { "{\"mechanism\":\"pgf\",\"eligible\":{\"ring\":{\"keys\":[],\"grace\":0}},"
          "\"phases\":[{\"name\":\"donations\",\"close\":\"operator\"}],"
          "\"params\":{\"pool\":\"1\",\"decimals\":0,\"method\":\"qf\"}}",
          "a ring needs a member" },
        { "{\"mechanism\":\"pgf\",\"eligible\":{\"ring\":{\"keys\":[\"00\"]}},"
          "\"phases\":[{\"name\":\"donations\",\"close\":\"operator\"}],"
          "\"params\":{\"pool\":\"1\",\"decimals\":0,\"method\":\"qf\"}}",
          "field \"grace\"" },
        { "{\"mechanism\":\"deepfund\",\"eligible\":{\"ring\":{\"keys\":[\"%s\"],\"grace\":0}},"
          "\"phases\":[{\"name\":\"submissions\",\"close\":\"operator\"},"
          "{\"name\":\"jury\",\"close\":\"operator\"}],"
          "\"params\":{\"graph\":[[\"r\",\"a\"],[\"r\",\"b\"]],\"pool\":\"1\"}}",
          "params.questions" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, bad[i][0], m[0].hex);
        json_t *b = NULL;
        cr_assert_eq(dacc_json_load_buffer("c", text, strlen(text), &b, &err), DACC_OK, "%s",
                     err.message);
        dacc_buf c;
        dacc_buf_init(&c, 0);
        cr_assert_eq(dacc_round_event_sign(NULL, 1, "round/config", b, op.sk, &c, &err), DACC_OK);
        json_decref(b);
        dacc_round *x = NULL;
        cr_assert_neq(dacc_round_new(c.data, c.len, &x, &err), DACC_OK, "config %zu", i);
        cr_assert(strstr(err.message, bad[i][1]), "config %zu: %s", i, err.message);
        dacc_buf_free(&c);
    }
    dacc_anon_ring_free(ring);
}

/* ---- the command line: a token round ---- */

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static void ok(run_result *r)
{
    cr_assert_eq(r->status, 0, "%s", r->err);
    run_result_free(r);
}

/* A run's standard output into path (token-issue writes its answer there). */
static void save(run_result *r, const char *path)
{
    cr_assert_eq(r->status, 0, "%s", r->err);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp, "%s", path);
    fputs(r->out, fp);
    fclose(fp);
    run_result_free(r);
}

Test(round_anon, dacc_round_event_redeems_a_token_once_and_replay_says_so, .timeout = 120)
{
    char *dir = make_temp_dir();
    char *f[16];
    static const char *const names[] = { "LOG",       "op",          "alice",      "members",
                                         "issuers",   "p.json",      "config.env", "alice.state",
                                         "alice.req", "alice.token", "d1.env",     "d2.env",
                                         "eval-2",    "eval-3",      "answer-1",   "answer-3" };
    for (int i = 0; i < 16; i++)
        f[i] = path_join(dir, names[i]);
    char *opkey = path_join(dir, "op.key"), *alicekey = path_join(dir, "alice.key"),
         *iss = path_join(dir, "issuers/issuers"), *logp = path_join(dir, "issuance.log"), *sh[3];
    for (int i = 0; i < 3; i++) {
        char n[32];
        snprintf(n, sizeof n, "issuers/share-%d", i + 1);
        sh[i] = path_join(dir, n);
    }
    run_result r;
    RUN(&r, "log", "init", "--origin", "example.org/tok", f[0]);
    ok(&r);
    RUN(&r, "round", "keygen", f[1]);
    ok(&r);
    RUN(&r, "round", "keygen", f[2]);
    save(&r, f[3]);
    RUN(&r, "anon", "keygen", "--issuers", "2", "--of", "3", "--out-dir", f[4]);
    ok(&r);
    FILE *pf = fopen(f[5], "w");
    fputs("{\"pool\":\"1000\",\"decimals\":0,\"method\":\"qf\"}", pf);
    fclose(pf);
    RUN(&r, "round", "new", "--key", opkey, "--mechanism", "pgf", "--params", f[5], "--issuers",
        iss, "-o", f[6]);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char id[65];
    cr_assert_eq(sscanf(r.err, "round %64s", id), 1, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "round", "append", "--log", f[0], f[6]);
    ok(&r);
    RUN(&r, "anon", "token-request", "--issuers", iss, "--epoch", "e1", "--identity", alicekey,
        "--state", f[7], "--output", f[8]);
    ok(&r);
    for (int i = 0; i < 3; i += 2) {
        char idx[2] = { (char)('1' + i), 0 };
        run_dacc(&r, NULL,
                 (const char *const[]){ "anon", "token-issue", "--issuers", iss, "--index", idx,
                                        "--share", sh[i], "--epoch", "e1", "--request", f[8],
                                        "--members", f[3], "--log", logp, NULL });
        save(&r, f[14 + i / 2]);
    }
    RUN(&r, "anon", "token-finish", "--issuers", iss, "--state", f[7], "--request", f[8],
        "--response", f[14], "--response", f[15], "--output", f[9]);
    ok(&r);
    for (int i = 1; i < 3; i++) {
        char idx[2] = { (char)('1' + i), 0 };
        run_dacc(&r, NULL,
                 (const char *const[]){ "anon", "token-issue", "--issuers", iss, "--index", idx,
                                        "--share", sh[i], "--redeem", f[9], NULL });
        save(&r, f[11 + i]);
    }
    RUN(&r, "round", "event", "--token", f[9], "--evaluation", f[12], "--evaluation", f[13],
        "--type", "pgf/donation", "--round", id, "--log", f[0], "--body",
        "{\"project\":\"p1\",\"amount\":\"50\"}", "-o", f[10]);
    ok(&r);
    RUN(&r, "round", "event", "--token", f[9], "--evaluation", f[12], "--evaluation", f[13],
        "--type", "pgf/donation", "--round", id, "--log", f[0], "--body",
        "{\"project\":\"p2\",\"amount\":\"50\"}", "-o", f[11]);
    ok(&r);
    RUN(&r, "round", "append", "--log", f[0], f[10]);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "pgf/donation by a token seq 1"), "%s", r.out);
    run_result_free(&r);
    RUN(&r, "round", "append", "--log", f[0], f[11]);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "already acted"), "%s", r.err);
    run_result_free(&r);
    /* a token event needs the round, and goes without --key */
    RUN(&r, "round", "event", "--token", f[9], "--evaluation", f[12], "--type", "pgf/donation",
        "--round", id, "--body", "{}");
    cr_assert_eq(r.status, 2, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "round", "replay", "--log", f[0], id);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "tokens redeemed 1"), "%s", r.out);
    run_result_free(&r);
    for (int i = 0; i < 16; i++)
        free(f[i]);
    for (int i = 0; i < 3; i++)
        free(sh[i]);
    free(opkey), free(alicekey), free(iss), free(logp);
    remove_tree(dir);
    free(dir);
}
