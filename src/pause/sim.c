/* The fleet simulation of `dacc pause simulate`: signing bodies sign (or
 * skip a week), roots rotate, and an attacker replays old bundles,
 * withholds new ones and forges signatures; every device runs the real
 * verifier (verify.c), and each week reports which devices still run and
 * why. Not part of the device verifier: this side allocates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/pause.h"
#include "dacc/rng.h"

#define BODIES 10
#define WEEK   604800u
#define START  1767225600u

typedef struct {
    dacc_tlog_signer body[BODIES], log, witness[3], attacker;
    dacc_tlog_memtree *tree;
    dacc_pause_root root;
    char root_note[16384];
    size_t root_len;
} sim_world;

static void sim_key(dacc_tlog_signer *s, const char *name, uint8_t type, dacc_rng *r)
{
    uint8_t seed[32];
    dacc_rng_bytes(r, seed, sizeof seed);
    dacc_tlog_signer_from_seed(name, type, seed, s, NULL);
}

/* The root of version v names bodies [first, first + 7), k = 3. */
static void sim_root(sim_world *w, uint64_t v, int first, const int *signers, int nsigners)
{
    memset(&w->root, 0, sizeof w->root);
    snprintf(w->root.domain, sizeof w->root.domain, "sim.pause.example");
    w->root.version = v;
    w->root.expires = START + 200u * WEEK;
    w->root.threshold = 3;
    for (int i = 0; i < 7; i++)
        w->root.signer[w->root.nsigners++] = w->body[first + i].v;
    w->root.log = w->log.v;
    w->root.witness_threshold = 2;
    for (int i = 0; i < 3; i++)
        w->root.witness[w->root.nwitnesses++] = w->witness[i].v;
    char text[DACC_PAUSE_NOTE_MAX];
    size_t n = dacc_pause_root_format(&w->root, text, sizeof text);
    dacc_pause_root_parse(text, n, &w->root);
    const dacc_tlog_signer *by[BODIES];
    for (int i = 0; i < nsigners; i++)
        by[i] = &w->body[signers[i]];
    w->root_len =
        dacc_tlog_note_build(text, n, by, (size_t)nsigners, 0, w->root_note, sizeof w->root_note);
}

/* A bundle for epoch e signed by `by`; published in the simulated log. */
static size_t sim_bundle(sim_world *w, uint64_t e, const dacc_tlog_signer *const *by, size_t n,
                         char *out, size_t cap)
{
    char text[1024], hb[DACC_PAUSE_NOTE_MAX], cp[1024], cpn[DACC_PAUSE_NOTE_MAX];
    size_t tl = dacc_pause_heartbeat_format(w->root.domain, e, START + e * WEEK,
                                            START + (e + 1) * WEEK + WEEK / 7, w->root.hash, text,
                                            sizeof text);
    size_t hl = dacc_tlog_note_build(text, tl, by, n, 0, hb, sizeof hb);
    uint8_t h[32], root[32];
    dacc_tlog_leaf_hash(hb, hl, h);
    uint64_t index = dacc_tlog_memtree_size(w->tree);
    dacc_tlog_memtree_append(w->tree, h);
    uint64_t size = index + 1;
    dacc_tlog_tree_hash(dacc_tlog_memtree_hash, w->tree, size, root);
    size_t cl = dacc_tlog_checkpoint_format(w->log.v.name, size, root, cp, sizeof cp);
    const dacc_tlog_signer *cs[3] = { &w->log, &w->witness[0], &w->witness[1] };
    size_t cpl = dacc_tlog_note_build(cp, cl, cs, 3, START + e * WEEK, cpn, sizeof cpn);
    dacc_tlog_proof p = { .consistency = false, .a = index, .size = size };
    dacc_tlog_prove_inclusion(dacc_tlog_memtree_hash, w->tree, index, size, p.hash, &p.n);
    char proof[4096];
    size_t pl = dacc_tlog_proof_format(&p, proof, sizeof proof);
    return dacc_pause_bundle_format(hb, hl, proof, pl, cpn, cpl, out, cap);
}

static void sim_setup(sim_world *w, dacc_rng *r)
{
    char name[64];
    for (int i = 0; i < BODIES; i++) {
        snprintf(name, sizeof name, "body%d.sim.example", i);
        sim_key(&w->body[i], name, DACC_TLOG_KEY_ED25519, r);
    }
    sim_key(&w->log, "log.sim.example", DACC_TLOG_KEY_ED25519, r);
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "witness%d.sim.example", i);
        sim_key(&w->witness[i], name, DACC_TLOG_KEY_COSIGN, r);
    }
    sim_key(&w->attacker, "body0.sim.example", DACC_TLOG_KEY_ED25519, r); /* a forged "body0" */
    w->tree = dacc_tlog_memtree_new();
}

#define BUNDLE_MAX 16384

/* The bundle of week e: who signs, and what the week is called. */
static const char *week_event(sim_world *w, uint64_t e, dacc_rng *r, const dacc_tlog_signer **by,
                              size_t *n)
{
    int start = e >= 9 ? 3 : 0; /* from week 9 the root has rotated to bodies 3..9 */
    int kind = (int)(e % 8);
    const char *event = e == 9 ? "root v2: bodies 0-2 leave, 7-9 join" : "3 of 7 bodies sign";
    *n = 0;
    if (kind == 3) {
        event = "pause: only 2 bodies sign";
        by[(*n)++] = &w->body[start];
        by[(*n)++] = &w->body[start + 1];
    } else if (kind == 5) {
        event = "attacker forges body0's signature";
        by[(*n)++] = &w->attacker;
        by[(*n)++] = &w->body[start + 1];
        by[(*n)++] = &w->body[start + 2];
    } else {
        for (int i = 0; i < 7 && *n < 3; i++)
            if (dacc_rng_unit(r) < 0.8)
                by[(*n)++] = &w->body[start + i];
        if (*n < 3)
            event = "bodies skip the week";
    }
    return event;
}

typedef struct {
    sim_world w;
    dacc_rng rng;
    dacc_pause_state *dev;
    size_t nd;
    char last[BUNDLE_MAX], cur[BUNDLE_MAX];
    size_t last_len;
} sim;

/* Week e: the bundle, every device's verdict on it, and who runs at the
 * week's end, before the next heartbeat. */
static void run_week(sim *s, uint64_t e, dacc_pause_sim_week *out)
{
    uint64_t now = START + e * WEEK + 3600;
    if (e == 9) {
        static const int both[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9 };
        sim_root(&s->w, 2, 3, both, 9);
        for (size_t d = 0; d < s->nd; d++)
            dacc_pause_rotate(&s->dev[d], s->w.root_note, s->w.root_len, now);
    }
    const dacc_tlog_signer *by[BODIES];
    size_t n;
    int kind = (int)(e % 8);
    memset(out, 0, sizeof *out);
    out->week = e;
    out->event = week_event(&s->w, e, &s->rng, by, &n);
    size_t len = sim_bundle(&s->w, e, by, n, s->cur, BUNDLE_MAX);
    int replay = kind == 7 && s->last_len > 0;
    if (replay)
        out->event = "attacker replays last week's bundle";
    for (size_t d = 0; d < s->nd; d++) {
        int withheld = kind == 6 && d % 2 == 0; /* attacker withholds from half */
        dacc_pause_reason why = withheld ? DACC_PAUSE_REASON_COUNT
                                         : dacc_pause_verify(&s->dev[d], replay ? s->last : s->cur,
                                                             replay ? s->last_len : len, now);
        if (why < DACC_PAUSE_REASON_COUNT)
            out->reasons[why]++;
        out->running +=
            dacc_pause_check(&s->dev[d], START + (e + 1) * WEEK + 3599) == DACC_PAUSE_RUN;
    }
    if (kind == 6)
        out->event = "attacker withholds from half";
    if (!replay) {
        memcpy(s->last, s->cur, len);
        s->last_len = len;
    }
}

static void sim_free(sim *s)
{
    if (s == NULL)
        return;
    dacc_tlog_memtree_free(s->w.tree);
    free(s->dev);
    sodium_memzero(s, sizeof *s); /* the bodies' keys */
    free(s);
}

dacc_status dacc_pause_simulate(const dacc_pause_sim_params *p, dacc_pause_sim_fn fn, void *ctx,
                                dacc_error *err)
{
    sim *s = calloc(1, sizeof *s);
    if (s != NULL)
        s->dev = calloc(p->devices ? p->devices : 1, sizeof *s->dev);
    if (s == NULL || s->dev == NULL) {
        sim_free(s);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    uint8_t seed[DACC_RNG_SEEDBYTES];
    dacc_rng_seed_from_text(p->seed, seed);
    dacc_rng_derive(&s->rng, seed, "pause/simulate");
    sim_setup(&s->w, &s->rng);
    static const int first7[] = { 0, 1, 2, 3, 4, 5, 6 };
    sim_root(&s->w, 1, 0, first7, 7);
    s->nd = (size_t)p->devices;
    for (size_t d = 0; d < s->nd; d++)
        dacc_pause_init(&s->dev[d], s->w.root_note, s->w.root_len, START);
    dacc_status st =
        s->w.tree != NULL ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (uint64_t e = 1; st == DACC_OK && e <= p->weeks; e++) {
        dacc_pause_sim_week week;
        run_week(s, e, &week);
        st = fn(ctx, &week, err);
    }
    sim_free(s);
    return st;
}
