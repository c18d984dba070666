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

#define DONORS 1000

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct {
    uint8_t pk[32], sk[64];
} key;

static void die(const char *what, const dacc_error *err)
{
    fprintf(stderr, "bench_round: %s: %s\n", what, err ? dacc_error_message(err) : "");
    exit(1);
}

static char *sign(const key *k, const uint8_t *round, uint64_t seq, const char *type, json_t *body,
                  size_t *len)
{
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_error err;
    if (dacc_round_event_sign(round, seq, type, body, k->sk, &env, &err) != DACC_OK)
        die("sign", &err);
    json_decref(body);
    return dacc_buf_detach(&env, len);
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
    key op, *donor = malloc(DONORS * sizeof *donor);
    crypto_sign_keypair(op.pk, op.sk);
    char hex[65];
    for (int i = 0; i < DONORS; i++)
        crypto_sign_keypair(donor[i].pk, donor[i].sk);
    size_t clen;
    char *cfg = sign(&op, NULL, 1, "round/config",
                     json_pack("{ss s{s[]} s[{ssss}] s{ssss}}", "mechanism", "pgf", "eligible",
                               "keys", "phases", "name", "donations", "close", "operator", "params",
                               "pool", "1000000000", "method", "qf"),
                     &clen);
    dacc_round *live;
    dacc_error err;
    if (dacc_round_new(cfg, clen, &live, &err) != DACC_OK)
        die("config", &err);
    uint8_t id[32];
    memcpy(id, dacc_round_id(live), 32);
    /* the donors, admitted 500 keys an event (a log entry holds 64 KiB) */
    char *admit[DONORS / 500 + 1];
    size_t alen[DONORS / 500 + 1], nadmit = 0;
    for (int i = 0; i < DONORS; i += 500) {
        json_t *list = json_array();
        for (int k = i; k < i + 500 && k < DONORS; k++)
            json_array_append_new(list, json_string(dacc_hex_encode(donor[k].pk, 32, hex)));
        admit[nadmit] = sign(&op, id, 2 + nadmit, "round/admit", json_pack("{so}", "keys", list),
                             &alen[nadmit]);
        if (dacc_round_apply(live, admit[nadmit], alen[nadmit], &err) != DACC_OK)
            die("admit", &err);
        nadmit++;
    }
    /* the events, signed ahead of the timing */
    char **ev = malloc(n * sizeof *ev);
    size_t *len = malloc(n * sizeof *len);
    uint64_t *seq = calloc(DONORS, sizeof *seq);
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        size_t d = i % DONORS;
        char amount[24];
        snprintf(amount, sizeof amount, "%zu", 1 + (i * 7919) % 100000);
        ev[i] =
            sign(&donor[d], id, ++seq[d], "pgf/donation",
                 json_pack("{ssss}", "amount", amount, "project", d % 3 ? "p1" : "p2"), &len[i]);
    }
    double t_sign = now() - t0;
    /* the floor: one Ed25519 verification per event, of its own signature */
    t0 = now();
    for (size_t i = 0; i < n; i++) {
        dacc_dsse_envelope *e;
        size_t sl;
        if (dacc_dsse_parse("e", ev[i], len[i], &e, NULL) != DACC_OK)
            die("parse", NULL);
        size_t pl;
        const uint8_t *p = dacc_dsse_payload(e, &pl), *sig = dacc_dsse_sig_bytes(e, 0, &sl);
        dacc_buf pae;
        dacc_buf_init(&pae, 0);
        dacc_dsse_pae(DACC_ROUND_EVENT_TYPE, p, pl, &pae, NULL);
        if (crypto_sign_verify_detached(sig, (const uint8_t *)pae.data, pae.len,
                                        donor[i % DONORS].pk) != 0)
            die("verify", NULL);
        dacc_buf_free(&pae);
        dacc_dsse_free(e);
    }
    double t_floor = now() - t0;
    /* checked and applied in memory */
    t0 = now();
    for (size_t i = 0; i < n; i++)
        if (dacc_round_apply(live, ev[i], len[i], &err) != DACC_OK)
            die("apply", &err);
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
        die("log", &err);
    const void *c = cfg;
    if (dacc_store_append(store, &c, &clen, 1, &first, &bad, &err) != DACC_OK ||
        dacc_store_append(store, (const void *const *)admit, alen, nadmit, &first, &bad, &err) !=
            DACC_OK)
        die("append config", &err);
    t0 = now();
    for (size_t i = 0; i < n; i += batch) {
        size_t k = n - i < batch ? n - i : batch;
        if (dacc_store_append(store, (const void *const *)(ev + i), len + i, k, &first, &bad,
                              &err) != DACC_OK)
            die("append", &err);
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
        die("checkpoint", &err);
    src_ctx sc = { log };
    dacc_store_source src = { .size = cp.size, .ctx = &sc, .entry = src_entry, .hash = src_hash };
    memcpy(src.root, cp.root, 32);
    uint64_t *idx;
    size_t ni;
    dacc_round *r;
    if (dacc_store_round_entries(store, id, &idx, &ni, &err) != DACC_OK)
        die("index", &err);
    t0 = now();
    if (dacc_store_replay(&src, id, idx, ni, &r, NULL, NULL, &err) != DACC_OK)
        die("replay", &err);
    double t_replay = now() - t0;
    uint8_t a[32], b[32];
    dacc_round_state_hash(live, a);
    dacc_round_state_hash(r, b);
    if (memcmp(a, b, 32) != 0)
        die("replay differs from the live round", NULL);
    printf("events %zu (%d donors), batches of %zu, one core\n", n, DONORS, batch);
    printf("  signing (not timed below)       %9.0f events/s\n", (double)n / t_sign);
    printf("  Ed25519 verify alone (floor)    %9.0f events/s\n", (double)n / t_floor);
    printf("  check + apply in memory         %9.0f events/s  (%.2fx the floor's time)\n",
           (double)n / t_apply, t_apply / t_floor);
    printf("  check + apply + durable log     %9.0f events/s  (%.2fx)\n", (double)n / t_log,
           t_log / t_floor);
    printf("  replay from the log, proved     %9.0f events/s  (%.2fx)\n", (double)n / t_replay,
           t_replay / t_floor);
    free(note), free(idx), free(cfg), free(seq), free(donor);
    for (size_t i = 0; i < nadmit; i++)
        free(admit[i]);
    for (size_t i = 0; i < n; i++)
        free(ev[i]);
    free(ev), free(len);
    dacc_round_free(r), dacc_round_free(live);
    dacc_store_free(store);
    dacc_tlog_log_free(log);
    return 0;
}
