/* bench/anon: each operation against the floor of the bare scalar
 * multiplications it needs, timed in the same run with libsodium's
 * crypto_scalarmult_ristretto255 (variable base) and _base. The ratio says
 * how much the protocol costs beyond its group operations (hashing,
 * encoding, checks). One core; CPU time of this process, so that other
 * load on a shared machine does not count. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dacc/anon.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct {
    double var, base; /* seconds per multiplication */
} floor_t;

static floor_t measure_floor(void)
{
    uint8_t s[32], p[32], q[32];
    dacc_anon_scalar_random(s);
    crypto_scalarmult_ristretto255_base(p, s);
    const int reps = 2000;
    double t0 = now();
    for (int i = 0; i < reps; i++)
        if (crypto_scalarmult_ristretto255(q, s, p) != 0)
            abort();
    double t1 = now();
    for (int i = 0; i < reps; i++)
        if (crypto_scalarmult_ristretto255_base(q, s) != 0)
            abort();
    double t2 = now();
    return (floor_t){ (t1 - t0) / reps, (t2 - t1) / reps };
}

static void report(const char *what, double secs, double floor_secs, const char *count)
{
    printf("  %-32s %10.3f ms   floor %10.3f ms (%s)   ratio %.2fx\n", what, secs * 1e3,
           floor_secs * 1e3, count, floor_secs > 0 ? secs / floor_secs : 0);
}

static void bench_ring(size_t n, floor_t f)
{
    uint8_t *sks = malloc(32 * n), *pks = malloc(32 * n), *sig = malloc(64 + 32 * n),
            seed[32] = { 1 };
    for (size_t i = 0; i < n; i++) {
        dacc_anon_scalar_random(sks + 32 * i);
        crypto_scalarmult_ristretto255_base(pks + 32 * i, sks + 32 * i);
    }
    dacc_anon_ring *ring;
    if (dacc_anon_ring_new(pks, n, &ring, NULL) != DACC_OK)
        abort();
    int reps = n <= 16 ? 50 : n <= 256 ? 4 : 2;
    const uint8_t scope[] = "round-1|q-1", msg[] = "answer";
    double t0 = now();
    for (int i = 0; i < reps; i++)
        if (dacc_anon_ring_sign(ring, sks + 32 * (n / 2), scope, sizeof scope - 1, msg,
                                sizeof msg - 1, seed, sig, 64 + 32 * n, NULL) != DACC_OK)
            abort();
    double t1 = now();
    for (int i = 0; i < reps; i++)
        if (dacc_anon_ring_verify(ring, scope, sizeof scope - 1, msg, sizeof msg - 1, sig,
                                  64 + 32 * n, NULL, NULL) != DACC_OK)
            abort();
    double t2 = now();
    /* Per member: r·G (base) and c·P, r·Hs, c·T (variable). */
    double fl = (double)n * (f.base + 3 * f.var);
    char what[64], count[64];
    snprintf(count, sizeof count, "%zu base + %zu var", n, 3 * n);
    snprintf(what, sizeof what, "ring %zu: sign", n);
    report(what, (t1 - t0) / reps, fl, count);
    snprintf(what, sizeof what, "ring %zu: verify", n);
    report(what, (t2 - t1) / reps, fl, count);
    dacc_anon_ring_free(ring);
    free(sks);
    free(pks);
    free(sig);
}

static void bench_tokens(floor_t f)
{
    enum { T = 3, N = 5, REPS = 200 };
    uint8_t k[32], coeffs[(T - 1) * 32], shares[N * 32], keys[N * 32], group[32];
    dacc_anon_scalar_random(k);
    for (int i = 0; i < T - 1; i++)
        dacc_anon_scalar_random(coeffs + 32 * i);
    dacc_anon_shamir_split(k, T, N, coeffs, shares, NULL);
    for (int i = 0; i < N; i++)
        crypto_scalarmult_ristretto255_base(keys + 32 * i, shares + 32 * i);
    crypto_scalarmult_ristretto255_base(group, k);
    dacc_anon_issuers *is;
    if (dacc_anon_issuers_new(T, N, group, keys, &is, NULL) != DACC_OK)
        abort();
    uint8_t pk[32], sk[64], x[32], blind[32], req[128], resp[T * 98], token[64], evs[T * 98],
        nul[64], r[32];
    crypto_sign_keypair(pk, sk);
    randombytes_buf(x, 32);
    dacc_anon_scalar_random(blind);
    dacc_anon_scalar_random(r);
    dacc_anon_token_request(is, (const uint8_t *)"e", 1, sk, x, blind, req, NULL);
    double t0 = now();
    for (int i = 0; i < REPS; i++)
        if (dacc_anon_token_issue(is, 1, shares, (const uint8_t *)"e", 1, req, r, resp, NULL) !=
            DACC_OK)
            abort();
    double t1 = now();
    /* Issue: share check (base), E = k_i·B, DLEQ: M, Z, t2, t3 (4 var). */
    report("token issue (one issuer)", (t1 - t0) / REPS, f.base + 5 * f.var, "1 base + 5 var");
    for (int i = 0; i < T; i++)
        dacc_anon_token_issue(is, (unsigned)i + 1, shares + 32 * i, (const uint8_t *)"e", 1, req, r,
                              resp + 98 * i, NULL);
    if (dacc_anon_token_finish(is, x, blind, req, resp, T, token, NULL, NULL) != DACC_OK)
        abort();
    for (int i = 0; i < T; i++)
        dacc_anon_token_evaluate(is, (unsigned)i + 1, shares + 32 * i, x, r, evs + 98 * i, NULL);
    t0 = now();
    for (int i = 0; i < REPS; i++)
        if (dacc_anon_token_verify(is, token, evs, T, nul, NULL, NULL) != DACC_OK)
            abort();
    t1 = now();
    /* Per evaluation: DLEQ verify (M, Z: 2 var; t2, t3: 4 var) and λ·E (1 var). */
    report("token redeem (t = 3)", (t1 - t0) / REPS, 7 * T * f.var, "21 var");
    dacc_anon_issuers_free(is);
}

static void bench_voprf(floor_t f)
{
    enum { REPS = 200 };
    uint8_t sk[32], pk[32], seed[32] = { 3 }, bl[32], blinded[32], ev[32], proof[64], r[32];
    dacc_anon_oprf_derive_key(DACC_ANON_VOPRF, seed, NULL, 0, sk, pk, NULL);
    dacc_anon_scalar_random(bl);
    dacc_anon_scalar_random(r);
    dacc_anon_oprf_blind(DACC_ANON_VOPRF, (const uint8_t *)"input", 5, bl, blinded, NULL);
    double t0 = now();
    for (int i = 0; i < REPS; i++)
        if (dacc_anon_oprf_evaluate(DACC_ANON_VOPRF, sk, blinded, 1, NULL, 0, r, ev, proof, NULL) !=
            DACC_OK)
            abort();
    double t1 = now();
    /* sk·B, pk (base), M, Z, t2, t3. */
    report("VOPRF BlindEvaluate + proof", (t1 - t0) / REPS, f.base + 5 * f.var, "1 base + 5 var");
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    floor_t f = measure_floor();
    printf("anon (one core); floor: variable-base scalar mult %.1f us, base %.1f us\n", f.var * 1e6,
           f.base * 1e6);
    bench_ring(16, f);
    bench_ring(256, f);
    bench_ring(1024, f);
    bench_tokens(f);
    bench_voprf(f);
    return 0;
}
