/* bench/round: signed events of a public-goods funding round checked,
 * applied and durably logged per second (in batches), and replayed from
 * the log with an inclusion proof per entry, against the floor every event
 * pays: one Ed25519 verification (libsodium), timed on the same events.
 * Usage: bench_round DIR [EVENTS] [BATCH] */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "dacc/base.h"
#include "dacc/json.h"
#include "dacc/round.h"
#include "dacc/store.h"
#include "dacc/tlog.h"

#include "events.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct {
    dacc_tlog_log *log;
} src_ctx;

static dacc_status src_entry(void *ctx, uint64_t i, uint8_t **d, size_t *n, dacc_error *err)
{
    return dacc_tlog_log_entry(((src_ctx *)ctx)->log, i, d, n, err);
}

static dacc_status src_hash(void *ctx, unsigned l, uint64_t i, uint8_t out[32])
{
    return dacc_tlog_log_hash(((src_ctx *)ctx)->log, l, i, out);
}

int main(int argc, char **argv)
{
    if (argc < 2 || dacc_init() != DACC_OK)
        return fprintf(stderr, "usage: bench_round DIR [EVENTS] [BATCH]\n"), 2;
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
    size_t batch = argc > 3 ? strtoul(argv[3], NULL, 10) : 1000;
    bench_round b;
    dacc_round *live;
    dacc_error err;
    double t0 = now();
    bench_round_make(&b, n, &live);
    double t_sign = now() - t0;
    char **ev = b.ev, *cfg = b.cfg, **admit = b.admit;
    size_t *len = b.len, clen = b.clen, *alen = b.alen, nadmit = ADMITS;
    uint8_t id[32];
    memcpy(id, b.id, 32);
    double t_floor = bench_floor(&b, now);
    /* checked and applied in memory */
    t0 = now();
    for (size_t i = 0; i < n; i++)
        if (dacc_round_apply(live, ev[i], len[i], &err) != DACC_OK)
            bench_die("apply", &err);
    double t_apply = now() - t0;
    /* checked, applied and durably logged, in batches */
    char path[4096], index[4096];
    snprintf(path, sizeof path, "%s/log.db", argv[1]);
    snprintf(index, sizeof index, "%s/rounds.db", argv[1]);
    remove(path), remove(index);
    dacc_tlog_signer s;
    dacc_tlog_log *log;
    dacc_store *store;
    uint64_t first;
    size_t bad;
    if (dacc_tlog_keygen("bench.example/log", DACC_TLOG_KEY_ED25519, &s, &err) != DACC_OK ||
        dacc_tlog_log_create(path, "bench.example/log", &err) != DACC_OK ||
        dacc_tlog_log_open(path, &s, &log, &err) != DACC_OK ||
        dacc_store_open(log, index, &store, &err) != DACC_OK)
        bench_die("log", &err);
    const void *c = cfg;
    if (dacc_store_append(store, &c, &clen, 1, &first, &bad, &err) != DACC_OK ||
        dacc_store_append(store, (const void *const *)admit, alen, nadmit, &first, &bad, &err) !=
            DACC_OK)
        bench_die("append config", &err);
    t0 = now();
    for (size_t i = 0; i < n; i += batch) {
        size_t k = n - i < batch ? n - i : batch;
        if (dacc_store_append(store, (const void *const *)(ev + i), len + i, k, &first, &bad,
                              &err) != DACC_OK)
            bench_die("append", &err);
    }
    double t_log = now() - t0;
    /* replayed from the log: every entry proved against the checkpoint */
    char *note;
    size_t nl;
    dacc_tlog_note no;
    dacc_tlog_checkpoint cp;
    if (dacc_tlog_log_checkpoint(log, &note, &nl, &err) != DACC_OK ||
        dacc_tlog_note_parse(note, nl, &no, &err) != DACC_OK ||
        dacc_tlog_checkpoint_parse(no.text, no.text_len, &cp, &err) != DACC_OK)
        bench_die("checkpoint", &err);
    src_ctx sc = { log };
    dacc_store_source src = { .size = cp.size, .ctx = &sc, .entry = src_entry, .hash = src_hash };
    memcpy(src.root, cp.root, 32);
    uint64_t *idx;
    size_t ni;
    dacc_round *r;
    if (dacc_store_round_entries(store, id, &idx, &ni, &err) != DACC_OK)
        bench_die("index", &err);
    t0 = now();
    if (dacc_store_replay(&src, id, idx, ni, &r, NULL, NULL, &err) != DACC_OK)
        bench_die("replay", &err);
    double t_replay = now() - t0;
    uint8_t ha[32], hb[32];
    dacc_round_state_hash(live, ha);
    dacc_round_state_hash(r, hb);
    if (memcmp(ha, hb, 32) != 0)
        bench_die("replay differs from the live round", NULL);
    printf("events %zu (%d donors), batches of %zu, one core\n", n, DONORS, batch);
    printf("  signing (not timed below)       %9.0f events/s\n", (double)n / t_sign);
    printf("  Ed25519 verify alone (floor)    %9.0f events/s\n", (double)n / t_floor);
    printf("  check + apply in memory         %9.0f events/s  (%.2fx the floor's time)\n",
           (double)n / t_apply, t_apply / t_floor);
    printf("  check + apply + durable log     %9.0f events/s  (%.2fx)\n", (double)n / t_log,
           t_log / t_floor);
    printf("  replay from the log, proved     %9.0f events/s  (%.2fx)\n", (double)n / t_replay,
           t_replay / t_floor);
    free(note), free(idx);
    bench_round_free(&b);
    dacc_round_free(r), dacc_round_free(live);
    dacc_store_free(store);
    dacc_tlog_log_free(log);
    return 0;
}
