/* A soft-pause world for the tests: seven signing bodies (k = 3), a pause
 * log with its key, three witnesses (2 required), strangers, and helpers
 * that build roots, heartbeats and bundles, correct or broken on purpose. */
#ifndef DACC_TEST_PAUSE_FIXTURE_H
#define DACC_TEST_PAUSE_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/base.h"
#include "dacc/pause.h"

#define NSIGN 10
#define T0    1767225600u /* 2026-01-01 */
#define WEEK  604800u

typedef struct {
    dacc_tlog_signer body[NSIGN]; /* 0..6 in the first root, 7..9 join later */
    dacc_tlog_signer log, witness[3], stranger, stranger_witness;
    dacc_tlog_memtree *tree;
    uint64_t filler;
} world;

static inline void key(dacc_tlog_signer *s, const char *name, uint8_t type, uint8_t tag)
{
    uint8_t seed[32] = { tag, 0x5a, type };
    cr_assert_eq(dacc_tlog_signer_from_seed(name, type, seed, s, NULL), DACC_OK);
}

static inline void world_init(world *w)
{
    char name[64];
    for (int i = 0; i < NSIGN; i++) {
        snprintf(name, sizeof name, "body%d.example", i);
        key(&w->body[i], name, DACC_TLOG_KEY_ED25519, (uint8_t)(10 + i));
    }
    key(&w->log, "pause.example/log", DACC_TLOG_KEY_ED25519, 1);
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "witness%d.example", i);
        key(&w->witness[i], name, DACC_TLOG_KEY_COSIGN, (uint8_t)(40 + i));
    }
    key(&w->stranger, "stranger.example", DACC_TLOG_KEY_ED25519, 90);
    key(&w->stranger_witness, "witness9.example", DACC_TLOG_KEY_COSIGN, 91);
    w->tree = dacc_tlog_memtree_new();
    w->filler = 0;
}

static inline void world_free(world *w)
{
    dacc_tlog_memtree_free(w->tree);
}

/* text + blank line + one signature line per signer (NULL-terminated). */
static inline size_t sign_note(const char *text, size_t len, const dacc_tlog_signer *const *by,
                               uint64_t time, char *out, size_t cap)
{
    size_t n = 0;
    while (by[n] != NULL)
        n++;
    size_t used = dacc_tlog_note_build(text, len, by, n, time, out, cap);
    cr_assert_gt(used, 0);
    return used;
}

/* A root with bodies [first, first + n), threshold k. */
static inline dacc_pause_root root_of(const world *w, uint64_t version, int first, int n,
                                      unsigned k)
{
    dacc_pause_root r;
    memset(&r, 0, sizeof r);
    snprintf(r.domain, sizeof r.domain, "pause.example");
    r.version = version;
    r.expires = T0 + 400u * 86400u;
    r.threshold = k;
    for (int i = 0; i < n; i++)
        r.signer[r.nsigners++] = w->body[first + i].v;
    r.log = w->log.v;
    r.witness_threshold = 2;
    for (int i = 0; i < 3; i++)
        r.witness[r.nwitnesses++] = w->witness[i].v;
    return r;
}

/* The root note signed by bodies listed in idx (-1 ends). */
static inline size_t root_note(const world *w, const dacc_pause_root *r, const int *idx, char *out,
                               size_t cap)
{
    char text[DACC_PAUSE_NOTE_MAX];
    size_t n = dacc_pause_root_format(r, text, sizeof text);
    cr_assert_gt(n, 0);
    const dacc_tlog_signer *by[NSIGN + 1];
    size_t m = 0;
    for (; idx[m] >= 0; m++)
        by[m] = &w->body[idx[m]];
    by[m] = NULL;
    return sign_note(text, n, by, 0, out, cap);
}

static inline void root_hash(const dacc_pause_root *r, uint8_t out[32])
{
    char text[DACC_PAUSE_NOTE_MAX];
    size_t n = dacc_pause_root_format(r, text, sizeof text);
    crypto_hash_sha256(out, (const uint8_t *)text, n);
}

typedef struct {
    const char *domain; /* NULL: "pause.example" */
    uint64_t epoch, not_before, not_after;
    const uint8_t *root;                   /* root hash */
    const dacc_tlog_signer *by[NSIGN + 3]; /* heartbeat signers, NULL-terminated */
    const dacc_tlog_signer *log_key;       /* NULL: the world's log key */
    const dacc_tlog_signer *cosign[5];     /* witnesses, NULL-terminated */
    int corrupt_proof, proof_for_other_size;
} bundle_spec;

/* Publishes the heartbeat in the world's pause log (after a few filler
 * entries) and frames the bundle. */
static inline size_t make_bundle(world *w, const bundle_spec *s, char *out, size_t cap)
{
    char text[1024], hb[DACC_PAUSE_NOTE_MAX], cp[DACC_PAUSE_NOTE_MAX], cpn[DACC_PAUSE_NOTE_MAX];
    size_t tl =
        dacc_pause_heartbeat_format(s->domain ? s->domain : "pause.example", s->epoch,
                                    s->not_before, s->not_after, s->root, text, sizeof text);
    size_t hl = sign_note(text, tl, s->by, 0, hb, sizeof hb);
    uint8_t h[32];
    for (int i = 0; i < 3; i++, w->filler++) {
        dacc_tlog_leaf_hash(&w->filler, sizeof w->filler, h);
        dacc_tlog_memtree_append(w->tree, h);
    }
    uint64_t index = dacc_tlog_memtree_size(w->tree);
    dacc_tlog_leaf_hash(hb, hl, h);
    dacc_tlog_memtree_append(w->tree, h);
    uint64_t size = dacc_tlog_memtree_size(w->tree);
    uint8_t root[32];
    dacc_tlog_tree_hash(dacc_tlog_memtree_hash, w->tree, size, root);
    size_t cl = dacc_tlog_checkpoint_format(w->log.v.name, size, root, cp, sizeof cp);
    const dacc_tlog_signer *signers[8] = { s->log_key ? s->log_key : &w->log };
    size_t k = 1;
    for (size_t i = 0; s->cosign[i] != NULL; i++)
        signers[k++] = s->cosign[i];
    signers[k] = NULL;
    size_t cpl = sign_note(cp, cl, signers, T0 + 1000, cpn, sizeof cpn);
    dacc_tlog_proof p = { .consistency = false, .a = index, .size = size };
    cr_assert_eq(
        dacc_tlog_prove_inclusion(dacc_tlog_memtree_hash, w->tree, index, size, p.hash, &p.n),
        DACC_OK);
    if (s->corrupt_proof && p.n > 0)
        p.hash[p.n - 1][3] ^= 0x10;
    if (s->proof_for_other_size)
        p.size = size + 1;
    char proof[4096];
    size_t pl = dacc_tlog_proof_format(&p, proof, sizeof proof);
    size_t n = dacc_pause_bundle_format(hb, hl, proof, pl, cpn, cpl, out, cap);
    cr_assert_gt(n, 0);
    return n;
}

#endif
