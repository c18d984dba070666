/* Full soft-pause bundle verifications per second: k = 3 of N = 7 heartbeat
 * signatures, the pause log's signature and 3 witness cosignatures, and an
 * inclusion proof in a log of 2^20 entries. The reference is the floor: the
 * same seven Ed25519 verifications done directly with libsodium. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dacc/base.h"
#include "dacc/pause.h"

#define T0 1767225600u

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void key(dacc_tlog_signer *s, const char *name, uint8_t type, uint8_t tag)
{
    uint8_t seed[32] = { tag };
    dacc_tlog_signer_from_seed(name, type, seed, s, NULL);
}

static size_t sign(const char *text, size_t len, const dacc_tlog_signer *const *by, size_t n,
                   uint64_t t, char *out)
{
    return dacc_tlog_note_build(text, len, by, n, t, out, 16384);
}

int main(void)
{
    if (dacc_init() != DACC_OK)
        return 1;
    static dacc_tlog_signer body[7], log, wit[3];
    static dacc_pause_root r;
    char name[32];
    for (int i = 0; i < 7; i++) {
        snprintf(name, sizeof name, "body%d.example", i);
        key(&body[i], name, DACC_TLOG_KEY_ED25519, (uint8_t)(i + 1));
        r.signer[r.nsigners++] = body[i].v;
    }
    key(&log, "pause.example/log", DACC_TLOG_KEY_ED25519, 20);
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "witness%d.example", i);
        key(&wit[i], name, DACC_TLOG_KEY_COSIGN, (uint8_t)(30 + i));
        r.witness[r.nwitnesses++] = wit[i].v;
    }
    snprintf(r.domain, sizeof r.domain, "pause.example");
    r.version = 1;
    r.expires = T0 + 86400u * 365;
    r.threshold = 3;
    r.log = log.v;
    r.witness_threshold = 3;
    static char text[8192], root_note[16384], hb[8192], cp[8192], bundle[32768], proof[4096];
    size_t tl = dacc_pause_root_format(&r, text, sizeof text);
    const dacc_tlog_signer *all[7] = { &body[0], &body[1], &body[2], &body[3],
                                       &body[4], &body[5], &body[6] };
    size_t rl = sign(text, tl, all, 7, 0, root_note);
    static dacc_pause_state base, st;
    if (dacc_pause_init(&base, root_note, rl, T0) != DACC_PAUSE_ACCEPTED)
        return 1;
    size_t hl0 = dacc_pause_heartbeat_format(r.domain, 1, T0, T0 + 604800, base.root.hash, text,
                                             sizeof text);
    const dacc_tlog_signer *three[3] = { &body[1], &body[4], &body[6] };
    size_t hl = sign(text, hl0, three, 3, 0, hb);
    dacc_tlog_memtree *t = dacc_tlog_memtree_new();
    uint8_t h[32], root[32];
    for (uint64_t i = 0; i < (1u << 20) - 1; i++) {
        dacc_tlog_leaf_hash(&i, sizeof i, h);
        dacc_tlog_memtree_append(t, h);
    }
    dacc_tlog_leaf_hash(hb, hl, h);
    dacc_tlog_memtree_append(t, h);
    uint64_t size = dacc_tlog_memtree_size(t);
    dacc_tlog_tree_hash(dacc_tlog_memtree_hash, t, size, root);
    size_t cl0 = dacc_tlog_checkpoint_format(log.v.name, size, root, text, sizeof text);
    const dacc_tlog_signer *cs[4] = { &log, &wit[0], &wit[1], &wit[2] };
    size_t cl = sign(text, cl0, cs, 4, T0 + 60, cp);
    static dacc_tlog_proof p;
    p.a = size - 1;
    p.size = size;
    dacc_tlog_prove_inclusion(dacc_tlog_memtree_hash, t, p.a, size, p.hash, &p.n);
    size_t pl = dacc_tlog_proof_format(&p, proof, sizeof proof);
    size_t bl = dacc_pause_bundle_format(hb, hl, proof, pl, cp, cl, bundle, sizeof bundle);

    enum { N = 5000 };
    double t0 = now();
    int bad = 0;
    for (int i = 0; i < N; i++) {
        st = base;
        bad += dacc_pause_verify(&st, bundle, bl, T0 + 100) != DACC_PAUSE_ACCEPTED;
    }
    double t1 = now();
    /* The floor: the seven signature checks alone, on prepared messages. */
    static uint8_t sigs[7][64];
    for (int i = 0; i < 7; i++)
        crypto_sign_detached(sigs[i], NULL, (const uint8_t *)hb, hl0,
                             (i < 3 ? three[i] : cs[i - 3])->sk);
    for (int i = 0; i < N; i++)
        for (int k = 0; k < 7; k++)
            bad += crypto_sign_verify_detached(sigs[k], (const uint8_t *)hb, hl0,
                                               (k < 3 ? three[k] : cs[k - 3])->v.pk) != 0;
    double t2 = now();
    double per = (t1 - t0) / N, floor = (t2 - t1) / N;
    printf("bundle of %zu bytes, proof of %zu hashes, log of %llu entries\n", bl, p.n,
           (unsigned long long)size);
    printf("  dacc_pause_verify: %.1f us per bundle (%.0f per second)\n", per * 1e6, 1 / per);
    printf("  7 bare Ed25519 verifications (libsodium): %.1f us\n", floor * 1e6);
    printf("  ratio: %.2fx the signature floor; failures: %d\n", per / floor, bad);
    dacc_tlog_memtree_free(t);
    return bad != 0;
}
