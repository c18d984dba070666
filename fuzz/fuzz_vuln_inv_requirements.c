/* Fuzz target: the requirements inventory reader, then a match (vuln_fuzz.h). */
#include "vuln_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_inventory(DACC_VULN_INV_REQUIREMENTS, data, size);
}
