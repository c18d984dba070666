/* bench/screen: screening throughput, bases per second end to end with
 * 3-of-5 keyservers in process, against the floor of the bare
 * crypto_scalarmult_ristretto255 calls the protocol needs, timed in the
 * same run. Per window: 1 to blind; per keyserver 1 to evaluate and 1 for
 * its proof's composite (the prover's Z is one multiplication per batch);
 * per keyserver 2 for the client's check of the proof's composites; t to
 * combine and 1 to unblind: 2 + 5t in all, 17 for t = 3 (the per-batch
 * constants left out). The synthesizer's own share, with the keyservers
 * running on their own machines in parallel, is 2 + 3t. CPU time of this
 * process (one core), so that other load on a shared machine does not
 * count. The order is a fixed pseudo-random DNA sequence; the database
 * holds a 600-base slice of it, so the run ends in a hit as a real one
 * would. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dacc/screen.h"

#define T 3
#define N 5

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double mul_seconds(void)
{
    uint8_t s[32], p[32], q[32];
    crypto_core_ristretto255_scalar_random(s);
    crypto_scalarmult_ristretto255_base(p, s);
    const int reps = 2000;
    double t0 = now();
    for (int i = 0; i < reps; i++)
        if (crypto_scalarmult_ristretto255(q, s, p) != 0)
            abort();
    return (now() - t0) / reps;
}

static void check(dacc_status st, const dacc_error *e, const char *what)
{
    if (st != DACC_OK) {
        fprintf(stderr, "bench_screen: %s: %s\n", what, e->message);
        exit(1);
    }
}

/* ">order\n" and bases pseudo-random bases from a fixed LCG. */
static char *order_text(size_t bases)
{
    char *t = malloc(bases + 16);
    size_t n = (size_t)sprintf(t, ">order\n");
    uint64_t x = 0x2545f4914f6cdd1dull;
    for (size_t i = 0; i < bases; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        t[n++] = "ACGT"[x >> 62];
    }
    t[n++] = '\n';
    t[n] = '\0';
    return t;
}

typedef struct {
    double windows, oprf, lookup;
} phases;

static size_t screen_once(const char *text, const dacc_screen_keyset *ks, const uint8_t *shares,
                          dacc_screen_db *db, phases *ph)
{
    dacc_error e;
    double t0 = now();
    dacc_screen_seqs *seqs;
    dacc_screen_windows *w;
    check(dacc_screen_seqs_read(text, strlen(text), 0, 0, "order", &seqs, &e), &e, "read");
    check(dacc_screen_windows_new(seqs, DACC_SCREEN_KINDS_ALL, 0, &w, &e), &e, "windows");
    size_t n = dacc_screen_windows_count(w);
    const uint8_t **in = malloc(n * sizeof *in);
    size_t *lens = malloc(n * sizeof *lens);
    uint8_t *out = malloc(64 * n);
    for (size_t i = 0; i < n; i++) {
        in[i] = dacc_screen_windows_get(w, i)->input;
        lens[i] = dacc_screen_windows_get(w, i)->input_len;
    }
    double t1 = now();
    dacc_screen_query *q;
    check(dacc_screen_query_new(ks, in, lens, n, NULL, &q, &e), &e, "blind");
    dacc_buf req, resp;
    for (unsigned k = 1; k <= T; k++) /* keyservers 1, 3, 5 */
        for (size_t b = 0; b < dacc_screen_query_batches(q); b++) {
            unsigned idx = 2 * k - 1;
            dacc_buf_init(&req, 0);
            dacc_buf_init(&resp, 0);
            check(dacc_screen_query_request(q, b, &req, &e), &e, "request");
            check(dacc_screen_keyserver_answer(idx, 1, shares + 32 * (idx - 1),
                                               (const uint8_t *)req.data, req.len, &resp, &e),
                  &e, "evaluate");
            check(dacc_screen_query_answer(q, b, "ks", (const uint8_t *)resp.data, resp.len, &e),
                  &e, "answer");
            dacc_buf_free(&req);
            dacc_buf_free(&resp);
        }
    check(dacc_screen_query_finish(q, out, NULL, &e), &e, "finish");
    double t2 = now();
    dacc_screen_hits *hits;
    check(dacc_screen_db_lookup(db, out, n, NULL, &hits, &e), &e, "lookup");
    if (dacc_screen_hits_count(hits) != 1) {
        fprintf(stderr, "bench_screen: expected one hit\n");
        exit(1);
    }
    double t3 = now();
    ph->windows += t1 - t0;
    ph->oprf += t2 - t1;
    ph->lookup += t3 - t2;
    dacc_screen_hits_free(hits);
    dacc_screen_query_free(q);
    free(in);
    free(lens);
    free(out);
    dacc_screen_windows_free(w);
    dacc_screen_seqs_free(seqs);
    return n;
}

int main(int argc, char **argv)
{
    size_t bases = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 10000;
    if (sodium_init() < 0 || bases < 600)
        return 1;
    uint8_t key[32], pk[32], shares[32 * N];
    dacc_screen_keyset *ks;
    dacc_error e;
    dacc_screen_keygen(key, pk);
    check(dacc_screen_share(key, T, N, 1, shares, &ks, &e), &e, "share");
    char *text = order_text(bases);
    /* the hazard: 600 bases from the middle of the order */
    char hz[700];
    snprintf(hz, sizeof hz, ">hazard\n%.600s\n", text + 7 + bases / 2 - 300);
    dacc_screen_seqs *hs;
    dacc_screen_db *db;
    check(dacc_screen_seqs_read(hz, strlen(hz), 0, 0, "hazard", &hs, &e), &e, "hazard");
    check(dacc_screen_db_create(":memory:", 1, pk, &db, &e), &e, "db");
    check(dacc_screen_db_add(db, hs, key, 0, &e), &e, "db add");
    dacc_screen_seqs_free(hs);

    double mul = mul_seconds();
    phases ph = { 0 };
    const int reps = 2;
    size_t windows = 0;
    double t0 = now();
    for (int r = 0; r < reps; r++)
        windows = screen_once(text, ks, shares, db, &ph);
    double total = (now() - t0) / reps, fl = (double)windows * (2 + 5 * T) * mul;
    double client = (double)windows * (2 + 3 * T) * mul;
    printf("bench/screen: %zu-base order, %zu windows, 3-of-5 keyservers in process, one core\n",
           bases, windows);
    printf("  scalar multiplication                %10.2f us\n", mul * 1e6);
    printf("  end to end                           %10.3f s   %10.0f bases/s\n", total,
           (double)bases / total);
    printf("    windows                            %10.3f s\n", ph.windows / reps);
    printf("    OPRF (blind, 3 x evaluate+prove, check, combine, finalize) %8.3f s\n",
           ph.oprf / reps);
    printf("    lookup                             %10.3f s\n", ph.lookup / reps);
    printf("  floor: %zu x %d multiplications    %10.3f s   ratio %.2fx\n", windows, 2 + 5 * T, fl,
           total / fl);
    printf("  synthesizer's share of the floor (%d per window): %.3f s\n", 2 + 3 * T, client);
    printf("  goal: a 10 kb order in under 1 s: %s (%.2f s for %zu bases)\n",
           bases == 10000 && total < 1 ? "met" : "not met", total, bases);
    sodium_memzero(key, sizeof key);
    sodium_memzero(shares, sizeof shares);
    dacc_screen_db_free(db);
    dacc_screen_keyset_free(ks);
    free(text);
    return 0;
}
