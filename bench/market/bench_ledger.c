/* The ledger at scale (issue 12, item 8): A accounts, 20 binary LMSR
 * markets, 10 operations per account (deposits, buys, sells of shares held,
 * then resolution and a redemption per position), through the library's
 * ledger calls on one core. Prints operations per second, the heap per
 * position and per account, and the growth of the time per doubling of the
 * size, up to the largest A given (default 10^6 accounts, 10^7
 * operations). Names are made before the clock starts; nothing else is.
 * With --state, also the time to save each ledger as a state file and load
 * it back (what `market run --state` costs per file of a live market). */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dacc/base.h"
#include "dacc/market.h"

#define MARKETS 20

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Heap in use: small blocks and the large ones malloc maps on their own. */
static size_t heap_now(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

typedef struct {
    double seconds;
    size_t ops, positions;
    double heap_per_position, heap_per_account;
} result;

static void fail(const char *what, const dacc_error *err)
{
    fprintf(stderr, "bench_ledger: %s: %s\n", what, err->message);
    exit(1);
}

static void count(void *ctx, const char *acct, const char *market, const dacc_u128 *s, unsigned n)
{
    (void)acct, (void)market, (void)s, (void)n;
    ((size_t *)ctx)[0]++;
}

/* A live market's cost per file: writing its state and reading it back. */
static void state_cost(const dacc_market_ledger *l)
{
    char *text;
    size_t len;
    unsigned d;
    dacc_error err;
    dacc_market_ledger *back;
    double t0 = now();
    if (dacc_market_ledger_save(l, 6, &text, &len, &err) != DACC_OK)
        fail("save", &err);
    double t1 = now();
    if (dacc_market_ledger_load("state", text, len, &back, &d, &err) != DACC_OK)
        fail("load", &err);
    double t2 = now();
    printf("state: %.1f MB, save %.2f s, load %.2f s\n", (double)len / 1e6, t1 - t0, t2 - t1);
    dacc_market_ledger_free(back);
    free(text);
}

static int with_state;

static result run(size_t accounts)
{
    const size_t ops_target = 10 * accounts;
    char(*names)[32] = malloc(accounts * sizeof *names);
    char mk[MARKETS][8];
    for (size_t a = 0; a < accounts; a++)
        snprintf(names[a], sizeof names[a], "acct-%07zu", a);
    for (int m = 0; m < MARKETS; m++)
        snprintf(mk[m], sizeof mk[m], "m%d", m);
    dacc_rng r;
    uint8_t seed[32] = { 8 };
    dacc_rng_init(&r, seed);
    dacc_error err;
    size_t heap0 = heap_now();
    double t0 = now();
    dacc_market_ledger *l = dacc_market_ledger_new();
    for (int m = 0; m < MARKETS; m++) {
        dacc_market *x;
        if (dacc_market_new_lmsr(2, 5e9, &x, &err) != DACC_OK ||
            dacc_market_ledger_add(l, mk[m], x, 0, &err) != DACC_OK)
            fail("create", &err);
    }
    size_t ops = MARKETS;
    for (size_t a = 0; a < accounts; a++, ops++)
        if (dacc_market_ledger_deposit(l, names[a], 1000000000, &err) != DACC_OK)
            fail("deposit", &err);
    size_t heap_accounts = heap_now();
    /* trades: 4 buys of 3 shares for each sale of 1 share of a random
     * earlier buy not sold from yet (so every sale is of shares held, and
     * no lookup beyond the trade's own is timed) */
    size_t trades = ops_target - ops - MARKETS - accounts * 2, nheld = 0;
    if (trades > ops_target) {
        fprintf(stderr, "bench_ledger: too few accounts\n");
        exit(1);
    }
    uint64_t t = 0, *held = malloc((trades + 1) * sizeof *held);
    for (size_t k = 0; k < trades; k++, ops++) {
        size_t a = (size_t)dacc_rng_below(&r, accounts);
        unsigned m = (unsigned)dacc_rng_below(&r, MARKETS), o = (unsigned)dacc_rng_below(&r, 2);
        dacc_u128 moved, traded;
        if (k % 5 == 4 && nheld > 0) {
            size_t h = (size_t)dacc_rng_below(&r, nheld);
            uint64_t e = held[h];
            held[h] = held[--nheld];
            a = (size_t)(e >> 8), m = (unsigned)(e >> 1 & 127), o = (unsigned)(e & 1);
            if (dacc_market_ledger_sell(l, names[a], mk[m], o, 1000000, 0, 0, ++t, &moved, &traded,
                                        &err) != DACC_OK)
                fail("sell", &err);
            continue;
        }
        if (dacc_market_ledger_buy(l, names[a], mk[m], o, 3000000, 0, 0, ++t, &moved, &traded,
                                   &err) != DACC_OK)
            fail("buy", &err);
        held[nheld++] = (uint64_t)a << 8 | m << 1 | o;
    }
    free(held);
    size_t heap_all = heap_now();
    for (int m = 0; m < MARKETS; m++, ops++) {
        uint64_t num[2] = { (uint64_t)(m % 2), (uint64_t)(1 - m % 2) };
        if (dacc_market_ledger_resolve(l, mk[m], num, &err) != DACC_OK)
            fail("resolve", &err);
    }
    /* a redemption per account and market it may hold, up to the target */
    for (size_t a = 0; ops < ops_target; a = (a + 1) % accounts, ops++) {
        dacc_u128 pay;
        if (dacc_market_ledger_redeem(l, names[a], mk[(a + ops) % MARKETS], &pay, &err) != DACC_OK)
            fail("redeem", &err);
    }
    double t1 = now();
    if (dacc_market_ledger_audit(l, &err) != DACC_OK)
        fail("audit", &err);
    result res = { .seconds = t1 - t0, .ops = ops };
    size_t npos = 0;
    dacc_market_ledger_each_position(l, &npos, count);
    res.positions = npos;
    res.heap_per_position = (double)(heap_all - heap_accounts) / (double)npos;
    res.heap_per_account = (double)(heap_accounts - heap0) / (double)accounts;
    if (with_state)
        state_cost(l);
    dacc_market_ledger_free(l);
    free(names);
    return res;
}

int main(int argc, char **argv)
{
    if (dacc_init() != DACC_OK)
        return 1;
    size_t top = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    with_state = argc > 2 && strcmp(argv[2], "--state") == 0;
    size_t start = top;
    while (start / 2 >= 15625)
        start /= 2;
    double prev = 0;
    printf("%10s %11s %9s %12s %10s %12s %11s %8s\n", "accounts", "operations", "seconds", "ops/s",
           "positions", "B/position", "B/account", "x/2x");
    for (size_t a = start; a <= top; a *= 2) {
        result r = run(a);
        char growth[16] = "";
        if (prev > 0)
            snprintf(growth, sizeof growth, "%.2f", r.seconds / prev);
        printf("%10zu %11zu %9.3f %12.0f %10zu %12.1f %11.1f %8s\n", a, r.ops, r.seconds,
               (double)r.ops / r.seconds, r.positions, r.heap_per_position, r.heap_per_account,
               growth);
        fflush(stdout);
        prev = r.seconds;
        if (a == top)
            break;
        if (a * 2 > top)
            a = top / 2;
    }
    return 0;
}
