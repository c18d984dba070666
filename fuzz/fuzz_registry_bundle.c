/* Fuzz target: Sigstore bundles, read as a model-signing bundle under a
 * fixed P-384 key and as a Rekor v2 entry under a fixed log key; and the
 * statement reader on the same bytes. Nothing may crash, hang or leak. */
#include <stdint.h>
#include <string.h>

#include "dacc/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char pem[] = "-----BEGIN PUBLIC KEY-----\n"
                          "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEsu6rZGBTjxtvRWPMixT+3HyndV0J0Ybt\n"
                          "aHZUcO4DEK+OJHO/4e32bb/fbJKSpRgcBsIpKLcVijUomyFOERbd7u+BTPSUjGZD\n"
                          "Qq6J7lTvp/EAXQGOKxW9RP0MGX3qAkvi\n"
                          "-----END PUBLIC KEY-----\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *st = NULL;
    if (dacc_registry_bundle_verify("fuzz", data, size, pem, sizeof pem - 1, &st, NULL) == DACC_OK)
        json_decref(st);
    dacc_registry_rekor_key key = { .origin = "log2025-alpha3.rekor.sigstage.dev" };
    memset(key.pk, 7, sizeof key.pk);
    if (dacc_registry_rekor_verify("fuzz", data, size, &key, 1, &st, NULL) == DACC_OK)
        json_decref(st);
    json_t *v = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (v != NULL) {
        dacc_registry_statement_check("fuzz", v, NULL, NULL);
        json_decref(v);
    }
    dacc_registry_rekor_key keys[4];
    size_t n;
    dacc_registry_trusted_root("fuzz", data, size, keys, 4, &n, NULL);
    return 0;
}
