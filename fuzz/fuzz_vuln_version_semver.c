/* Fuzz target: the semver version parser and ordering (vuln_fuzz.h). */
#include "vuln_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_versions(DACC_VULN_SCHEME_SEMVER, data, size);
}
