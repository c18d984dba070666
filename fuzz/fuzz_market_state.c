/* Fuzz target: market state files (what `market run -o` writes and
 * `--state` reads). Whatever the input, loading either refuses it or gives
 * a ledger that conserves money and saves to a state that loads back and
 * saves to the same bytes: a state that resumes differently from how it
 * was written is a finding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/market.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dacc_market_ledger *l, *back;
    dacc_error err;
    unsigned d, d2;
    if (dacc_market_ledger_load("fuzz", (const char *)data, size, &l, &d, &err) != DACC_OK)
        return 0;
    char *a, *b;
    size_t la, lb;
    if (dacc_market_ledger_audit(l, &err) != DACC_OK ||
        dacc_market_ledger_save(l, d, &a, &la, &err) != DACC_OK)
        __builtin_trap();
    if (dacc_market_ledger_load("again", a, la, &back, &d2, &err) != DACC_OK ||
        dacc_market_ledger_save(back, d2, &b, &lb, &err) != DACC_OK || la != lb ||
        memcmp(a, b, la) != 0)
        __builtin_trap();
    free(a);
    free(b);
    dacc_market_ledger_free(back);
    dacc_market_ledger_free(l);
    return 0;
}
