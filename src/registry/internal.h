/* Private to src/registry. */
#ifndef DACC_REGISTRY_INTERNAL_H
#define DACC_REGISTRY_INTERNAL_H

#include "dacc/money.h"
#include "dacc/registry.h"
#include "dacc/round.h"

/* 1 when s[0..len) is 64 lowercase hex digits. */
int registry_hex64(const char *s, size_t len);
/* 1 when s[0..len) is a decimal integer without leading zeros below 2^128. */
int registry_uint_text(const char *s, size_t len, dacc_u128 *out);
/* The model-signing v1.0 predicate's rules (manifest.c). */
dacc_status registry_check_model_signing(const char *name, const json_t *st, dacc_error *err);
/* SHA-256 of PAE(type, payload). */
dacc_status registry_pae_hash(const char *type, const void *payload, size_t len,
                              uint8_t out[DACC_SHA256_BYTES], dacc_error *err);
/* The subject digests of a checked statement, into a new array. */
dacc_status registry_subjects(const json_t *st, uint8_t (**out)[DACC_SHA256_BYTES], size_t *n,
                              dacc_error *err);

/* "base[i]suffix" (i == SIZE_MAX: "base" "suffix"; suffix may be NULL)
 * into p, cut short past cap: the name of a field in a message. */
void registry_path(char *p, size_t cap, const char *base, size_t i, const char *suffix);

#endif
