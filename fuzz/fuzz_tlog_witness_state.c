/* Fuzz target: a witness's state (the text of the last checkpoint it
 * cosigned, as `dacc pause publish` and `dacc log cosign` keep it), read
 * by dacc_tlog_witness_cosign before it cosigns a checkpoint of size 8 of
 * a fixed log, with a consistency proof from the state's size when that is
 * smaller. The witness must never cosign a checkpoint its state is not a
 * prefix of. */
#include <stdint.h>
#include <string.h>

#include "dacc/tlog.h"

#define SIZE 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    dacc_tlog_signer log, witness;
    dacc_tlog_memtree *tree;
    char note[1024];
    size_t note_len;
} world;

static int setup(world *w)
{
    uint8_t seed[32] = { 1 }, h[DACC_TLOG_HASH_BYTES], root[DACC_TLOG_HASH_BYTES];
    dacc_tlog_signer_from_seed("pause.example/log", DACC_TLOG_KEY_ED25519, seed, &w->log, NULL);
    seed[0] = 2;
    dacc_tlog_signer_from_seed("w0.example", DACC_TLOG_KEY_COSIGN, seed, &w->witness, NULL);
    w->tree = dacc_tlog_memtree_new();
    for (uint64_t i = 0; i < SIZE; i++) {
        dacc_tlog_leaf_hash(&i, sizeof i, h);
        if (w->tree == NULL || dacc_tlog_memtree_append(w->tree, h) != DACC_OK)
            return 0;
    }
    char cp[512];
    dacc_tlog_tree_hash(dacc_tlog_memtree_hash, w->tree, SIZE, root);
    size_t cl = dacc_tlog_checkpoint_format(w->log.v.name, SIZE, root, cp, sizeof cp);
    const dacc_tlog_signer *by[1] = { &w->log };
    w->note_len = dacc_tlog_note_build(cp, cl, by, 1, 0, w->note, sizeof w->note);
    return w->note_len > 0;
}

/* Whether the state names a tree this log really had. */
static int is_prefix(const world *w, const dacc_tlog_checkpoint *old)
{
    uint8_t root[DACC_TLOG_HASH_BYTES];
    return strcmp(old->origin, w->log.v.name) == 0 && old->size <= SIZE &&
           dacc_tlog_tree_hash(dacc_tlog_memtree_hash, w->tree, old->size, root) == DACC_OK &&
           memcmp(root, old->root, sizeof root) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static world w;
    static int ready;
    if (!ready)
        ready = setup(&w);
    if (!ready)
        __builtin_trap();
    dacc_tlog_checkpoint old;
    dacc_tlog_proof proof = { .consistency = true, .size = SIZE };
    if (dacc_tlog_checkpoint_parse((const char *)data, size, &old, NULL) == DACC_OK &&
        old.size > 0 && old.size < SIZE) {
        proof.a = old.size;
        dacc_tlog_prove_consistency(dacc_tlog_memtree_hash, w.tree, old.size, SIZE, proof.hash,
                                    &proof.n);
    }
    char line[DACC_TLOG_KEY_TEXT_MAX];
    dacc_status st = dacc_tlog_witness_cosign(&w.witness, &w.log.v, (const char *)data, size,
                                              w.note, w.note_len, &proof, 1767225600, line, NULL);
    if (st == DACC_OK &&
        (dacc_tlog_checkpoint_parse((const char *)data, size, &old, NULL) != DACC_OK ||
         !is_prefix(&w, &old)))
        __builtin_trap(); /* cosigned against a state that is not this log's past */
    return 0;
}
