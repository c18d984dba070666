/* Fuzz target: registry records (the envelope, the statement and its
 * predicate) and leaves. A record that opens must give a leaf that parses
 * back and matches it; a leaf that parses must write nothing else. */
#include <stdint.h>
#include <string.h>

#include "dacc/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dacc_registry_record *r = NULL;
    if (dacc_registry_record_open("fuzz", data, size, &r, NULL) == DACC_OK) {
        dacc_buf leaf;
        dacc_buf_init(&leaf, 0);
        dacc_registry_leaf lf;
        if (dacc_registry_leaf_write(r, &leaf, NULL) != DACC_OK ||
            dacc_registry_leaf_parse("leaf", leaf.data, leaf.len, &lf, NULL) != DACC_OK ||
            dacc_registry_leaf_match(&lf, r, NULL) != DACC_OK)
            __builtin_trap();
        dacc_registry_leaf_clear(&lf);
        dacc_buf_free(&leaf);
        dacc_registry_record_free(r);
    }
    dacc_registry_leaf lf;
    if (dacc_registry_leaf_parse("fuzz", data, size, &lf, NULL) == DACC_OK)
        dacc_registry_leaf_clear(&lf);
    return 0;
}
