/* Fuzz target: the config of `dacc deepfund run` (keys, types, ranges,
 * submissions and seed nodes). */
#include <stdint.h>

#include "dacc/deepfund.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dacc_deepfund_config *c = NULL;
    dacc_error err;
    if (dacc_deepfund_config_parse("fuzz.json", (const char *)data, size, &c, &err) == DACC_OK) {
        const dacc_deepfund_round_spec *s = dacc_deepfund_config_spec(c);
        if (s->jury == NULL || s->pool == NULL || !(s->originality >= 0 && s->originality <= 1))
            __builtin_trap(); /* the parser let through what it promises to refuse */
        dacc_deepfund_config_free(c);
    }
    return 0;
}
