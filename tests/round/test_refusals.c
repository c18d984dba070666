/* The five kinds of refusal, for every mechanism: a signature by another
 * key, an ineligible key, the same event twice, an event of a closed phase,
 * a bad field. Each leaves the round exactly as it was. */
#include <stdio.h>

#include "pause_root.h"

typedef struct {
    const char *mech, *phase, *params;
    const char *type, *body, *bad_body, *want_bad; /* a participant's action */
} mech_case;

static const mech_case cases[] = {
    { "pgf", "donations", "{\"pool\":\"100\"}", "pgf/donation",
      "{\"amount\":\"5\",\"project\":\"p\"}", "{\"amount\":\"-5\",\"project\":\"p\"}",
      "field \"amount\"" },
    { "market", "trading",
      "{\"decimals\":0,\"markets\":[{\"id\":\"m\",\"kind\":\"lmsr\",\"b\":\"10\"}]}",
      "market/redeem", NULL /* redeem needs a resolution: the valid event is a buy with money */,
      NULL, NULL },
    { "notes", "rating", "{}", "notes/note",
      "{\"classification\":\"NOT_MISLEADING\",\"note\":\"1\",\"summary\":\"s\",\"tweet\":\"2\"}",
      "{\"classification\":\"MAYBE\",\"note\":\"1\",\"summary\":\"s\",\"tweet\":\"2\"}",
      "field \"classification\"" },
};

typedef struct {
    test_key op, p, q, outsider;
    dacc_round *r;
} ctx;

static void begin(ctx *c, const mech_case *m)
{
    test_key_of("refusal op", &c->op);
    test_key_of("refusal p", &c->p);
    test_key_of("refusal q", &c->q);
    test_key_of("refusal outsider", &c->outsider);
    char body[1024];
    snprintf(body, sizeof body,
             "{\"mechanism\":\"%s\",\"eligible\":{\"keys\":[\"%s\",\"%s\"]},\"phases\":[{\"name\":"
             "\"%s\",\"close\":\"operator\"}],\"params\":%s}",
             m->mech, c->p.hex, c->q.hex, m->phase, m->params);
    dacc_buf env = test_event(&c->op, NULL, "round/config", body, 0);
    dacc_error err;
    cr_assert_eq(dacc_round_new(env.data, env.len, &c->r, &err), DACC_OK, "%s", err.message);
    dacc_buf_free(&env);
}

/* env must be refused with st, naming want, and change nothing. */
static void refused(ctx *c, dacc_buf env, dacc_status st, const char *want)
{
    uint8_t a[32], b[32];
    dacc_round_state_hash(c->r, a);
    uint64_t n = dacc_round_count(c->r);
    dacc_error err;
    cr_assert_eq(dacc_round_apply(c->r, env.data, env.len, &err), st, "expected \"%s\"", want);
    cr_assert(strstr(err.message, want) != NULL, "\"%s\" lacks \"%s\"", err.message, want);
    dacc_round_state_hash(c->r, b);
    cr_assert(memcmp(a, b, 32) == 0 && dacc_round_count(c->r) == n);
    dacc_buf_free(&env);
}

/* A payload naming `as` as the signer, signed by `by`. */
static dacc_buf forged(const ctx *c, const test_key *as, const test_key *by, const char *type,
                       const char *body)
{
    char hex[65], payload[2048];
    snprintf(payload, sizeof payload,
             "{\"body\":%s,\"round\":\"%s\",\"seq\":1,\"signer\":\"%s\",\"type\":\"%s\"}", body,
             dacc_hex_encode(dacc_round_id(c->r), 32, hex), as->hex, type);
    /* the body is written canonically in the cases above, so this payload is
     * canonical as long as its members are in order: body, round, seq, ... */
    dacc_dsse_envelope *e;
    dacc_buf env;
    dacc_buf_init(&env, 0);
    cr_assert_eq(dacc_dsse_new(DACC_ROUND_EVENT_TYPE, payload, strlen(payload), &e, NULL), DACC_OK);
    cr_assert_eq(dacc_dsse_sign(e, by->sk, NULL, NULL), DACC_OK);
    cr_assert_eq(dacc_dsse_write(e, &env, NULL), DACC_OK);
    dacc_dsse_free(e);
    return env;
}

static void five_refusals(const mech_case *m, const char *type, const char *body,
                          const char *bad_body, const char *want_bad)
{
    ctx c;
    begin(&c, m);
    const uint8_t *id = dacc_round_id(c.r);
    dacc_error err;
    refused(&c, forged(&c, &c.p, &c.q, type, body), DACC_ERR_VERIFY, "no valid signature");
    refused(&c, test_event(&c.outsider, id, type, body, 1), DACC_ERR_STATE, "not eligible");
    refused(&c, test_event(&c.p, id, type, bad_body, 1), DACC_ERR_INVALID, want_bad);
    dacc_buf ok = test_event(&c.p, id, type, body, 1), again;
    dacc_buf_init(&again, 0);
    dacc_buf_append(&again, ok.data, ok.len);
    cr_assert_eq(test_apply(c.r, ok, &err), DACC_OK, "%s %s: %s", m->mech, body, err.message);
    refused(&c, again, DACC_ERR_STATE, "where 2 comes next");
    char close[128];
    snprintf(close, sizeof close, "{\"phase\":\"%s\"}", m->phase);
    cr_assert_eq(test_apply(c.r, test_event(&c.op, id, "round/close", close, 0), &err), DACC_OK,
                 "%s", err.message);
    refused(&c, test_event(&c.q, id, type, body, 1), DACC_ERR_STATE, "after the round closed");
    dacc_round_free(c.r);
}

Test(round_refusals, pgf)
{
    five_refusals(&cases[0], cases[0].type, cases[0].body, cases[0].bad_body, cases[0].want_bad);
}

Test(round_refusals, market)
{
    /* a buy needs money and the accounts start empty, so the participant's
     * event here is a redeem of a resolved market, and the bad field a
     * redeem naming no market */
    mech_case m = cases[1];
    dacc_error err;
    const uint8_t *id;
    ctx d;
    begin(&d, &m);
    id = dacc_round_id(d.r);
    char deposit[160];
    snprintf(deposit, sizeof deposit, "{\"account\":\"%s\",\"amount\":\"10\"}", d.p.hex);
    cr_assert_eq(test_apply(d.r, test_event(&d.op, id, "market/deposit", deposit, 0), &err),
                 DACC_OK, "%s", err.message);
    cr_assert_eq(
        test_apply(d.r,
                   test_event(&d.op, id, "market/resolve", "{\"market\":\"m\",\"outcome\":0}", 0),
                   &err),
        DACC_OK);
    refused(&d, forged(&d, &d.p, &d.q, "market/redeem", "{\"market\":\"m\"}"), DACC_ERR_VERIFY,
            "no valid signature");
    refused(&d, test_event(&d.outsider, id, "market/redeem", "{\"market\":\"m\"}", 1),
            DACC_ERR_STATE, "not eligible");
    refused(&d, test_event(&d.p, id, "market/redeem", "{\"market\":\"x\"}", 1), DACC_ERR_INVALID,
            "no market");
    dacc_buf ok = test_event(&d.p, id, "market/redeem", "{\"market\":\"m\"}", 1), again;
    dacc_buf_init(&again, 0);
    dacc_buf_append(&again, ok.data, ok.len);
    cr_assert_eq(test_apply(d.r, ok, &err), DACC_OK, "%s", err.message);
    refused(&d, again, DACC_ERR_STATE, "where 2 comes next");
    cr_assert_eq(
        test_apply(d.r, test_event(&d.op, id, "round/close", "{\"phase\":\"trading\"}", 0), &err),
        DACC_OK);
    refused(&d, test_event(&d.q, id, "market/redeem", "{\"market\":\"m\"}", 1), DACC_ERR_STATE,
            "after the round closed");
    dacc_round_free(d.r);
}

Test(round_refusals, notes)
{
    five_refusals(&cases[2], cases[2].type, cases[2].body, cases[2].bad_body, cases[2].want_bad);
}

Test(round_refusals, pause)
{
    pause_fixture f;
    setup(&f);
    dacc_error err;
    cr_assert_eq(test_apply(f.r,
                            test_event(&f.op, f.id, "pause/heartbeat",
                                       "{\"epoch\":1,\"not_after\":2,\"not_before\":1}", 0),
                            &err),
                 DACC_OK);
    char text[512], line[DACC_TLOG_KEY_TEXT_MAX];
    size_t n =
        dacc_pause_heartbeat_format("pause.example", 1, 1, 2, f.root.hash, text, sizeof text);
    cr_assert_eq(dacc_tlog_note_sign(text, n, &f.body[0], 0, line, NULL), DACC_OK);
    line[strcspn(line, "\n")] = '\0';
    json_t *o = json_pack("{sIss}", "epoch", (json_int_t)1, "signature", line);
    char *body = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    ctx c = { .op = f.op, .p = f.bk[0], .q = f.bk[1], .r = f.r };
    test_key_of("refusal outsider", &c.outsider);
    refused(&c, forged(&c, &f.bk[0], &f.bk[1], "pause/sign", body), DACC_ERR_VERIFY,
            "no valid signature");
    refused(&c, test_event(&c.outsider, f.id, "pause/sign", body, 1), DACC_ERR_STATE,
            "not eligible");
    refused(&c, test_event(&f.bk[0], f.id, "pause/sign", "{\"epoch\":1,\"signature\":\"x\"}", 1),
            DACC_ERR_VERIFY, "field \"signature\"");
    dacc_buf ok = test_event(&f.bk[0], f.id, "pause/sign", body, 1), again;
    dacc_buf_init(&again, 0);
    dacc_buf_append(&again, ok.data, ok.len);
    cr_assert_eq(test_apply(f.r, ok, &err), DACC_OK, "%s", err.message);
    refused(&c, again, DACC_ERR_STATE, "where 2 comes next");
    cr_assert_eq(
        test_apply(f.r, test_event(&f.op, f.id, "round/close", "{\"phase\":\"signing\"}", 0), &err),
        DACC_OK);
    refused(&c, test_event(&f.bk[2], f.id, "pause/sign", body, 1), DACC_ERR_STATE,
            "after the round closed");
    free(body);
    dacc_round_free(f.r);
    dacc_buf_free(&f.config);
}

Test(round_refusals, deepfund)
{
    ctx c;
    test_key_of("refusal op", &c.op);
    test_key_of("refusal p", &c.p);
    test_key_of("refusal q", &c.q);
    test_key_of("refusal outsider", &c.outsider);
    char body[1024];
    snprintf(body, sizeof body,
             "{\"eligible\":{\"keys\":[\"%s\",\"%s\"]},\"mechanism\":\"deepfund\",\"params\":{"
             "\"graph\":[[\"root\",\"a\"],[\"root\",\"b\"]],\"pool\":\"100\"},\"phases\":[{"
             "\"close\":\"operator\",\"name\":\"submissions\"},{\"close\":\"operator\",\"name\":"
             "\"jury\"}]}",
             c.p.hex, c.q.hex);
    dacc_buf env = test_event(&c.op, NULL, "round/config", body, 0);
    dacc_error err;
    cr_assert_eq(dacc_round_new(env.data, env.len, &c.r, &err), DACC_OK, "%s", err.message);
    dacc_buf_free(&env);
    const uint8_t *id = dacc_round_id(c.r);
    const char *w = "{\"weights\":[[\"a\",\"root\",\"0.5\"],[\"b\",\"root\",\"0.5\"]]}";
    const char *bad = "{\"weights\":[[\"a\",\"root\",\"1\"]]}";
    refused(&c, forged(&c, &c.p, &c.q, "deepfund/submission", w), DACC_ERR_VERIFY,
            "no valid signature");
    refused(&c, test_event(&c.outsider, id, "deepfund/submission", w, 1), DACC_ERR_STATE,
            "not eligible");
    refused(&c, test_event(&c.p, id, "deepfund/submission", bad, 1), DACC_ERR_INVALID,
            "field \"weights\"");
    dacc_buf ok = test_event(&c.p, id, "deepfund/submission", w, 1), again;
    dacc_buf_init(&again, 0);
    dacc_buf_append(&again, ok.data, ok.len);
    cr_assert_eq(test_apply(c.r, ok, &err), DACC_OK, "%s", err.message);
    refused(&c, again, DACC_ERR_STATE, "where 2 comes next");
    cr_assert_eq(test_apply(c.r,
                            test_event(&c.op, id, "round/close", "{\"phase\":\"submissions\"}", 0),
                            &err),
                 DACC_OK, "%s", err.message);
    refused(&c, test_event(&c.q, id, "deepfund/submission", w, 1), DACC_ERR_STATE,
            "belongs to phase \"submissions\"");
    dacc_round_free(c.r);
}

/* The trusted path (a log's entries, verified by the process that logged
 * them) skips the signature check and nothing else: a forged signature
 * decodes, a malformed or ineligible event is still refused, and an event
 * applied either way leaves the same state hash. */
Test(round_refusals, trusted_skips_only_the_signature)
{
    ctx c, twin;
    begin(&c, &cases[0]);
    begin(&twin, &cases[0]);
    const uint8_t *id = dacc_round_id(c.r);
    dacc_round_event ev;
    dacc_error err;
    dacc_buf f = forged(&c, &c.p, &c.q, cases[0].type, cases[0].body);
    cr_assert_eq(dacc_round_event_decode("e", f.data, f.len, &ev, &err), DACC_ERR_VERIFY);
    dacc_buf logged;
    dacc_buf_init(&logged, 0);
    cr_assert_eq(dacc_round_event_decode_trusted("e", f.data, f.len, &ev, &logged, &err), DACC_OK,
                 "%s", err.message);
    cr_assert(logged.len == f.len && memcmp(logged.data, f.data, f.len) == 0);
    dacc_round_event_clear(&ev);
    dacc_buf_free(&logged);
    dacc_buf_free(&f);
    dacc_buf bad = test_event(&c.p, id, cases[0].type, cases[0].bad_body, 1);
    cr_assert_eq(dacc_round_apply_trusted(c.r, bad.data, bad.len, &err), DACC_ERR_INVALID);
    dacc_buf_free(&bad);
    dacc_buf out = test_event(&c.outsider, id, cases[0].type, cases[0].body, 1);
    cr_assert_eq(dacc_round_apply_trusted(c.r, out.data, out.len, &err), DACC_ERR_STATE);
    dacc_buf_free(&out);
    cr_assert_neq(dacc_round_apply_trusted(c.r, "{}", 2, &err), DACC_OK);
    dacc_buf ok = test_event(&c.p, id, cases[0].type, cases[0].body, 1);
    cr_assert_eq(dacc_round_apply_trusted(c.r, ok.data, ok.len, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_round_apply(twin.r, ok.data, ok.len, &err), DACC_OK, "%s", err.message);
    uint8_t a[32], b[32];
    dacc_round_state_hash(c.r, a);
    dacc_round_state_hash(twin.r, b);
    cr_assert(memcmp(a, b, 32) == 0 && dacc_round_count(c.r) == 2);
    dacc_buf_free(&ok);
    dacc_round_free(c.r);
    dacc_round_free(twin.r);
}
