/* Fuzz target: checkpoint bodies, round-tripped through the formatter. */
#include <stdint.h>
#include <string.h>

#include "dacc/tlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dacc_tlog_checkpoint cp;
    dacc_error err;
    if (dacc_tlog_checkpoint_parse((const char *)data, size, &cp, &err) != DACC_OK)
        return 0;
    char out[512];
    size_t n = dacc_tlog_checkpoint_format(cp.origin, cp.size, cp.root, out, sizeof out);
    dacc_tlog_checkpoint again;
    if (n == 0 || dacc_tlog_checkpoint_parse(out, n, &again, &err) != DACC_OK ||
        again.size != cp.size || memcmp(again.root, cp.root, sizeof cp.root) != 0 ||
        strcmp(again.origin, cp.origin) != 0)
        __builtin_trap();
    return 0;
}
