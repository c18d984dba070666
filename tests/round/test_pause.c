/* A soft-pause round: the bodies of a pause root sign the operator's
 * heartbeat drafts, one event per signature; the note the round gathers is
 * one a device accepts, and every wrong signature is refused. */
#include <stdio.h>

#include "dacc/pause.h"
#include "fixture.h"

#define NB 3

typedef struct {
    dacc_tlog_signer body[NB], log, stranger;
    test_key op, bk[NB], sk_stranger;
    dacc_pause_root root;
    dacc_round *r;
    uint8_t id[32];
} pause_fixture;

static void body_key(const char *name, uint8_t tag, dacc_tlog_signer *s, test_key *k)
{
    uint8_t seed[32] = { tag, 0x77 };
    cr_assert_eq(dacc_tlog_signer_from_seed(name, DACC_TLOG_KEY_ED25519, seed, s, NULL), DACC_OK);
    memcpy(k->sk, s->sk, 64);
    memcpy(k->pk, s->v.pk, 32);
    dacc_hex_encode(k->pk, 32, k->hex);
    k->seq = 0;
}

static void setup(pause_fixture *f)
{
    char name[32];
    for (int i = 0; i < NB; i++) {
        snprintf(name, sizeof name, "body%d.example", i);
        body_key(name, (uint8_t)(i + 1), &f->body[i], &f->bk[i]);
    }
    body_key("stranger.example", 9, &f->stranger, &f->sk_stranger);
    uint8_t seed[32] = { 42 };
    cr_assert_eq(
        dacc_tlog_signer_from_seed("pause.example/log", DACC_TLOG_KEY_ED25519, seed, &f->log, NULL),
        DACC_OK);
    test_key_of("pause operator", &f->op);
    memset(&f->root, 0, sizeof f->root);
    snprintf(f->root.domain, sizeof f->root.domain, "pause.example");
    f->root.version = 1;
    f->root.expires = 1900000000;
    f->root.threshold = 2;
    for (int i = 0; i < NB; i++)
        f->root.signer[f->root.nsigners++] = f->body[i].v;
    f->root.log = f->log.v;
    char text[DACC_PAUSE_NOTE_MAX], note[DACC_PAUSE_NOTE_MAX];
    size_t n = dacc_pause_root_format(&f->root, text, sizeof text);
    const dacc_tlog_signer *by[] = { &f->body[0], &f->body[1] };
    size_t nl = dacc_tlog_note_build(text, n, by, 2, 0, note, sizeof note);
    cr_assert_gt(nl, 0);
    dacc_sha256(text, n, f->root.hash);
    json_t *cfg = json_pack("{ss s{s[sss]} s[{ssss}] s{ss#}}", "mechanism", "pause", "eligible",
                            "keys", f->bk[0].hex, f->bk[1].hex, f->bk[2].hex, "phases", "name",
                            "signing", "close", "operator", "params", "root", note, nl);
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_error err;
    cr_assert_eq(dacc_round_event_sign(NULL, 1, "round/config", cfg, f->op.sk, &env, &err),
                 DACC_OK);
    json_decref(cfg);
    f->op.seq = 1;
    cr_assert_eq(dacc_round_new(env.data, env.len, &f->r, &err), DACC_OK, "%s", err.message);
    memcpy(f->id, dacc_round_id(f->r), 32);
    dacc_buf_free(&env);
}

/* body k's signature line over epoch e's heartbeat text. */
static void signature(pause_fixture *f, const dacc_tlog_signer *s, uint64_t e, char *line)
{
    char text[512];
    size_t n = dacc_pause_heartbeat_format("pause.example", e, 1800000000, 1800604800, f->root.hash,
                                           text, sizeof text);
    cr_assert_eq(dacc_tlog_note_sign(text, n, s, 0, line, NULL), DACC_OK);
    line[strcspn(line, "\n")] = '\0';
}

static dacc_status sign_event(pause_fixture *f, test_key *k, uint64_t e, const char *line,
                              dacc_error *err)
{
    json_t *b = json_pack("{sIss}", "epoch", (json_int_t)e, "signature", line);
    char *text = json_dumps(b, 0);
    dacc_status st = test_apply(f->r, test_event(k, f->id, "pause/sign", text, 0), err);
    if (st != DACC_OK)
        k->seq--;
    free(text);
    json_decref(b);
    return st;
}

Test(round_pause, the_gathered_note_is_one_a_device_accepts)
{
    pause_fixture f;
    setup(&f);
    dacc_error err;
    cr_assert_eq(test_apply(f.r,
                            test_event(&f.op, f.id, "pause/heartbeat",
                                       "{\"epoch\":1,\"not_after\":1800604800,"
                                       "\"not_before\":1800000000}",
                                       0),
                            &err),
                 DACC_OK, "%s", err.message);
    char line[DACC_TLOG_KEY_TEXT_MAX];
    signature(&f, &f.body[0], 1, line);
    cr_assert_eq(sign_event(&f, &f.bk[0], 1, line, &err), DACC_OK, "%s", err.message);
    /* refused: twice, another body's line, the wrong epoch, a stranger */
    cr_assert_eq(sign_event(&f, &f.bk[0], 1, line, &err), DACC_ERR_STATE);
    cr_assert_eq(sign_event(&f, &f.bk[1], 1, line, &err), DACC_ERR_VERIFY, "%s", err.message);
    signature(&f, &f.body[1], 2, line);
    cr_assert_eq(sign_event(&f, &f.bk[1], 1, line, &err), DACC_ERR_VERIFY);
    cr_assert_eq(sign_event(&f, &f.bk[1], 2, line, &err), DACC_ERR_INVALID, "%s", err.message);
    signature(&f, &f.stranger, 1, line);
    cr_assert_eq(sign_event(&f, &f.sk_stranger, 1, line, &err), DACC_ERR_STATE);
    signature(&f, &f.body[2], 1, line);
    cr_assert_eq(sign_event(&f, &f.bk[2], 1, line, &err), DACC_OK, "%s", err.message);
    json_t *res;
    cr_assert_eq(dacc_round_result(f.r, &res, &err), DACC_OK);
    const json_t *row = json_array_get(json_object_get(json_object_get(res, "result"), "table"), 0);
    cr_assert(json_is_true(json_object_get(row, "ready")));
    const char *note = json_string_value(json_object_get(row, "note"));
    dacc_pause_heartbeat hb;
    cr_assert_eq(dacc_pause_heartbeat_verify(&f.root, note, strlen(note), &hb), DACC_PAUSE_ACCEPTED,
                 "%s", note);
    cr_assert_eq(hb.epoch, 1);
    json_decref(res);
    dacc_round_free(f.r);
}

Test(round_pause, epochs_move_forward_by_a_bounded_step)
{
    pause_fixture f;
    setup(&f);
    dacc_error err;
    cr_assert_eq(test_apply(f.r,
                            test_event(&f.op, f.id, "pause/heartbeat",
                                       "{\"epoch\":5,\"not_after\":2,\"not_before\":1}", 0),
                            &err),
                 DACC_OK);
    cr_assert_eq(test_apply(f.r,
                            test_event(&f.op, f.id, "pause/heartbeat",
                                       "{\"epoch\":5,\"not_after\":2,\"not_before\":1}", 0),
                            &err),
                 DACC_ERR_INVALID);
    f.op.seq--;
    /* a step past DACC_PAUSE_EPOCH_STEP_MAX, and an epoch of 2^63 - 1 (which
     * no canonical event can even carry) */
    cr_assert_eq(test_apply(f.r,
                            test_event(&f.op, f.id, "pause/heartbeat",
                                       "{\"epoch\":1000006,\"not_after\":2,\"not_before\":1}", 0),
                            &err),
                 DACC_ERR_INVALID);
    f.op.seq--;
    cr_assert_neq(test_apply(f.r,
                             test_event(&f.op, f.id, "pause/heartbeat",
                                        "{\"epoch\":9223372036854775807,\"not_after\":2,"
                                        "\"not_before\":1}",
                                        0),
                             &err),
                  DACC_OK, "an epoch of 2^63 - 1 would brick every device");
    dacc_round_free(f.r);
}
