/* Fuzz target: market operations files (JSON Lines and CSV) replayed on a
 * fresh ledger, at a decimals count chosen by the first byte. Whatever the
 * operations do, and wherever they stop, money must be conserved to the
 * base unit: a wrapped balance or a credit without its debit is a finding. */
#include <stdint.h>

#include "dacc/market.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    dacc_market_ledger *l = dacc_market_ledger_new();
    if (l == NULL)
        return 0;
    dacc_error err;
    (void)dacc_market_ops_run(l, "fuzz", (const char *)data + 1, size - 1, data[0] % 19, NULL, NULL,
                              &err);
    if (dacc_market_ledger_audit(l, &err) != DACC_OK)
        __builtin_trap();
    dacc_market_ledger_free(l);
    return 0;
}
