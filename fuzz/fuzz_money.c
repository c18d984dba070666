/* Fuzz target: decimal amount parsing. Whatever parses must format and parse
 * back to the same amount. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned decimals = data[0] % (DACC_MONEY_MAX_DECIMALS + 1);
    dacc_u128 v, back;
    dacc_error err;
    if (dacc_money_parse((const char *)data + 1, size - 1, decimals, &v, &err) != DACC_OK)
        return 0;
    char text[DACC_MONEY_STRLEN];
    for (unsigned flags = 0; flags <= DACC_MONEY_TRIM; flags++) {
        size_t n = dacc_money_format(v, decimals, flags, text);
        if (n != strlen(text) || dacc_money_parse(text, n, decimals, &back, &err) != DACC_OK ||
            back != v)
            abort();
    }
    return 0;
}
