/* Fuzz target: `dacc market quote`'s market options (dacc_market_from_fields)
 * and the four quotes on the market they build. The input is lines of
 * NAME=VALUE; the first byte picks the decimals, the last line's value is
 * the amount every quote asks about, so searches meet huge budgets. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/market.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES 16

static size_t split(char *text, const char **names, const char **values)
{
    size_t n = 0;
    for (char *line = strtok(text, "\n"); line != NULL && n < MAX_LINES;
         line = strtok(NULL, "\n")) {
        char *eq = strchr(line, '=');
        if (eq == NULL)
            continue;
        *eq = '\0';
        names[n] = line;
        values[n++] = eq + 1;
    }
    return n;
}

static void ask(const dacc_market *m, dacc_u128 amount)
{
    dacc_u128 a, b;
    for (unsigned i = 0; i < dacc_market_outcomes(m) && i < 3; i++) {
        (void)dacc_market_quote_buy(m, i, amount, &a, NULL);
        (void)dacc_market_quote_spend(m, i, amount, &a, &b, NULL);
        (void)dacc_market_quote_sell(m, i, amount, &a, NULL);
        (void)dacc_market_quote_receive(m, i, amount, &a, &b, NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char *text = malloc(size);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    const char *names[MAX_LINES], *values[MAX_LINES];
    size_t n = split(text, names, values);
    unsigned decimals = data[0] % 19;
    dacc_market *m = NULL;
    if (n > 0 && dacc_market_from_fields(n - 1, names, values, decimals, &m, NULL) == DACC_OK) {
        dacc_u128 amount = 0;
        if (dacc_money_parse(values[n - 1], strlen(values[n - 1]), decimals, &amount, NULL) ==
            DACC_OK)
            ask(m, amount);
        dacc_market_free(m);
    }
    free(text);
    return 0;
}
