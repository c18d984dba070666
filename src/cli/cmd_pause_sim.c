/* dacc pause simulate: a fleet of devices over simulated weeks. Signing
 * bodies sign (or skip a week), roots rotate, and an attacker replays old
 * bundles, withholds new ones and forges signatures; every device runs the
 * real verifier and the table says which run and why. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dacc/pause.h"
#include "dacc/rng.h"
#include "pause_cli.h"

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

typedef struct {
    uint64_t weeks, devices;
    const char *seed;
} sim_opts;

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

static int simulate(const sim_opts *o)
{
    uint8_t seed[DACC_RNG_SEEDBYTES];
    dacc_rng_seed_from_text(o->seed, seed);
    dacc_rng r;
    dacc_rng_derive(&r, seed, "pause/simulate");
    static sim_world w;
    sim_setup(&w, &r);
    static const int first7[] = { 0, 1, 2, 3, 4, 5, 6 };
    sim_root(&w, 1, 0, first7, 7);
    size_t nd = (size_t)o->devices;
    dacc_pause_state *dev = calloc(nd, sizeof *dev);
    char *last = malloc(16384), *cur = malloc(16384);
    size_t last_len = 0;
    for (size_t d = 0; d < nd; d++)
        dacc_pause_init(&dev[d], w.root_note, w.root_len, START);
    printf("%-5s %-38s %-11s %s\n", "week", "event", "running at", "verifier's reasons (devices)");
    printf("%-5s %-38s %-11s\n", "", "", "week's end");
    for (uint64_t e = 1; e <= o->weeks; e++) {
        uint64_t now = START + e * WEEK + 3600;
        const char *event = "3 of 7 bodies sign";
        const dacc_tlog_signer *by[BODIES];
        size_t n = 0;
        int start = e >= 9 ? 3 : 0; /* from week 9 the root has rotated to bodies 3..9 */
        if (e == 9) {
            static const int both[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9 };
            sim_root(&w, 2, 3, both, 9);
            for (size_t d = 0; d < nd; d++)
                dacc_pause_rotate(&dev[d], w.root_note, w.root_len, now);
            event = "root v2: bodies 0-2 leave, 7-9 join";
        }
        int kind = (int)(e % 8);
        size_t len = 0;
        if (kind == 3) {
            event = "pause: only 2 bodies sign";
            by[n++] = &w.body[start];
            by[n++] = &w.body[start + 1];
        } else if (kind == 5) {
            event = "attacker forges body0's signature";
            by[n++] = &w.attacker;
            by[n++] = &w.body[start + 1];
            by[n++] = &w.body[start + 2];
        } else {
            for (int i = 0; i < 7 && n < 3; i++)
                if (dacc_rng_unit(&r) < 0.8)
                    by[n++] = &w.body[start + i];
            if (n < 3)
                event = "bodies skip the week";
        }
        len = sim_bundle(&w, e, by, n, cur, 16384);
        int replay = kind == 7 && last_len > 0;
        if (replay)
            event = "attacker replays last week's bundle";
        unsigned counts[DACC_PAUSE_REASON_COUNT] = { 0 }, running = 0;
        for (size_t d = 0; d < nd; d++) {
            int withheld = kind == 6 && d % 2 == 0; /* attacker withholds from half */
            dacc_pause_reason why = withheld ? DACC_PAUSE_REASON_COUNT
                                             : dacc_pause_verify(&dev[d], replay ? last : cur,
                                                                 replay ? last_len : len, now);
            if (why < DACC_PAUSE_REASON_COUNT)
                counts[why]++;
            /* Whether it still runs at the end of the week, before the next heartbeat. */
            running += dacc_pause_check(&dev[d], START + (e + 1) * WEEK + 3599) == DACC_PAUSE_RUN;
        }
        if (kind == 6)
            event = "attacker withholds from half";
        printf("%-5" PRIu64 " %-38s %5u/%-5zu", e, event, running, nd);
        for (int k = 0; k < DACC_PAUSE_REASON_COUNT; k++)
            if (counts[k])
                printf(" %s (%u)", dacc_pause_reason_name((dacc_pause_reason)k), counts[k]);
        printf("\n");
        if (!replay) {
            memcpy(last, cur, len);
            last_len = len;
        }
    }
    free(dev);
    free(last);
    free(cur);
    dacc_tlog_memtree_free(w.tree);
    return CLI_OK;
}

int cmd_pause_simulate(int argc, char **argv)
{
    static const char prog[] = "dacc pause simulate";
    static const struct option longs[] = { { "weeks", required_argument, NULL, 'w' },
                                           { "devices", required_argument, NULL, 'd' },
                                           { "seed", required_argument, NULL, 's' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    sim_opts o = { .weeks = 16, .devices = 100, .seed = "dacc" };
    int ch, rc = CLI_OK;
    while (rc == CLI_OK && (ch = getopt_long(argc, argv, "w:d:s:h", longs, NULL)) != -1) {
        if (ch == 'w')
            rc = cli_opt_u64(prog, "--weeks", optarg, 1, 520, &o.weeks);
        else if (ch == 'd')
            rc = cli_opt_u64(prog, "--devices", optarg, 1, 100000, &o.devices);
        else if (ch == 's')
            o.seed = optarg;
        else if (ch == 'h')
            return cli_help(
                "Usage: dacc pause simulate [--weeks N] [--devices N] [--seed TEXT]\n\n"
                "Simulate a fleet under a 3-of-7 pause root with 2-of-3 witnesses. Each week the\n"
                "bodies sign the heartbeat (each with probability 0.8; fewer than 3 is a pause),\n"
                "and on a fixed schedule: week 3 of each 8 only 2 sign (a pause), week 5 an\n"
                "attacker forges a body's signature, week 6 it withholds the bundle from half the\n"
                "devices, week 7 it replays last week's bundle; in week 9 the root rotates. Each\n"
                "heartbeat is valid for its week plus a day. Every device runs the real verifier;\n"
                "each line counts the devices still running at the end of the week and the\n"
                "verifier's reasons. Reproducible from --seed.\n");
        else
            return cli_usage(prog, "unknown option");
    }
    if (rc != CLI_OK)
        return rc;
    return simulate(&o);
}
