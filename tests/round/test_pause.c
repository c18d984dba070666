/* A soft-pause round: the bodies of a pause root sign the operator's
 * heartbeat drafts, one event per signature; the note the round gathers is
 * one a device accepts, and every wrong signature is refused. */
#include <stdio.h>

#include "pause_root.h"

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
    dacc_buf_free(&f.config);
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
    dacc_buf_free(&f.config);
}
