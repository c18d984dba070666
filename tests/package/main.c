/* A program of another project using libdacc: exact money, a market's
 * binary128 cost function, and a SQLite-backed log, so that a link that
 * lacks libquadmath, SQLite or the rest fails here. */
#include <stdio.h>
#include <stdlib.h>

#include "dacc/base.h"
#include "dacc/market.h"
#include "dacc/money.h"
#include "dacc/tlog.h"

int main(int argc, char **argv)
{
    char t[DACC_MONEY_STRLEN], path[4096];
    dacc_market *m;
    dacc_u128 cost;
    dacc_error err;
    if (argc != 2 || dacc_init() != DACC_OK)
        return 2;
    dacc_money_format(12345, 2, 0, t);
    if (dacc_market_new_lmsr_funded(2, 10000, &m, &err) != DACC_OK ||
        dacc_market_quote_buy(m, 0, 300, &cost, &err) != DACC_OK)
        return fprintf(stderr, "market: %s\n", err.message), 1;
    dacc_market_free(m);
    snprintf(path, sizeof path, "%s/log.db", argv[1]);
    if (dacc_tlog_log_create(path, "example.org/consumer", &err) != DACC_OK)
        return fprintf(stderr, "log: %s\n", err.message), 1;
    printf("dacc %s: %s; 300 shares cost %llu\n", dacc_version(), t, (unsigned long long)cost);
    return 0;
}
