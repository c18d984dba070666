/* A pause root of three bodies (threshold 2) for the round tests, and a
 * pause round over it. */
#ifndef DACC_TEST_ROUND_PAUSE_ROOT_H
#define DACC_TEST_ROUND_PAUSE_ROOT_H

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
    dacc_buf config; /* the round's config envelope; the test frees it */
} pause_fixture;

static inline void body_key(const char *name, uint8_t tag, dacc_tlog_signer *s, test_key *k)
{
    uint8_t seed[32] = { tag, 0x77 };
    cr_assert_eq(dacc_tlog_signer_from_seed(name, DACC_TLOG_KEY_ED25519, seed, s, NULL), DACC_OK);
    memcpy(k->sk, s->sk, 64);
    memcpy(k->pk, s->v.pk, 32);
    dacc_hex_encode(k->pk, 32, k->hex);
    k->seq = 0;
}

static inline void setup(pause_fixture *f)
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
    f->config = env;
}

#endif
