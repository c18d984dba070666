/* Screening receipts: a registry record of kind "screening" whose subject
 * is the salted order digest (docs/screen.md, "Receipts"). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dacc/codec.h"
#include "dacc/registry.h"
#include "dacc/screen.h"

static const char *const result_names[] = { "pass", "hit", "refused" };

const char *dacc_screen_result_name(dacc_screen_result r)
{
    return (unsigned)r < 3 ? result_names[r] : NULL;
}

void dacc_screen_order_digest(const uint8_t salt[32], const uint8_t *order, size_t len,
                              uint8_t out[32])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, salt, 32);
    crypto_auth_hmacsha256_update(&st, order, len);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

/* RFC 3339 UTC, as registry predicates carry times; 0 on a year past 9999. */
static int time_text(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (t < 0 || t > 253402300799 || gmtime_r(&tt, &tm) == NULL)
        return 0;
    return strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 20;
}

static json_t *keyserver_keys(const dacc_screen_receipt *r)
{
    json_t *a = json_array();
    char hex[65];
    for (size_t i = 0; a != NULL && i < r->nkeyservers; i++) {
        const uint8_t *K = dacc_screen_keyset_share_key(r->ks, r->keyservers[i]);
        if (K == NULL || json_array_append_new(a, json_string(dacc_hex_encode(K, 32, hex))) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

dacc_status dacc_screen_receipt_statement(const dacc_screen_receipt *r,
                                          const uint8_t synthesizer[32], json_t **out,
                                          dacc_error *err)
{
    *out = NULL;
    const char *res = dacc_screen_result_name(r->result);
    char when[32], windows[24], epoch[16], synth[65], key[65];
    if (res == NULL)
        return dacc_error_set(err, DACC_ERR_RANGE, "receipt: result %d", (int)r->result);
    if (!time_text(r->screened, when))
        return dacc_error_set(err, DACC_ERR_RANGE, "receipt: time %lld out of range",
                              (long long)r->screened);
    snprintf(windows, sizeof windows, "%llu", (unsigned long long)r->windows);
    snprintf(epoch, sizeof epoch, "%lu", (unsigned long)dacc_screen_keyset_epoch(r->ks));
    json_t *ks =
        r->result == DACC_SCREEN_REFUSED && r->nkeyservers == 0 ? json_array() : keyserver_keys(r);
    json_t *pred = ks == NULL
                       ? NULL
                       : json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "synthesizer",
                                   dacc_hex_encode(synthesizer, 32, synth), "screened", when,
                                   "windows", windows, "database", r->database, "key",
                                   dacc_hex_encode(dacc_screen_keyset_group_key(r->ks), 32, key),
                                   "epoch", epoch, "keyservers", ks, "result", res);
    if (pred == NULL)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "receipt: a keyserver index outside the keyset, or out of memory");
    dacc_status st = dacc_registry_statement_new(DACC_REGISTRY_SCREENING, "order", r->order_digest,
                                                 pred, out, err);
    json_decref(pred);
    return st;
}

dacc_status dacc_screen_receipt_prove(const json_t *statement, const uint8_t salt[32],
                                      const uint8_t *order, size_t len, dacc_error *err)
{
    dacc_registry_kind kind;
    dacc_status st = dacc_registry_statement_check("receipt", statement, &kind, err);
    if (st != DACC_OK)
        return st;
    if (kind != DACC_REGISTRY_SCREENING)
        return dacc_error_set(err, DACC_ERR_INVALID, "receipt: a %s record, not a screening",
                              dacc_registry_kind_name(kind));
    const json_t *subj = json_object_get(statement, "subject");
    const char *hex = json_string_value(
        json_object_get(json_object_get(json_array_get(subj, 0), "digest"), "sha256"));
    uint8_t want[32], got[32];
    dacc_screen_order_digest(salt, order, len, want);
    if (json_array_size(subj) != 1 || hex == NULL ||
        dacc_hex_decode(hex, strlen(hex), got, 32, NULL) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_INVALID, "receipt: expected one order subject");
    if (sodium_memcmp(want, got, 32) != 0)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "receipt: the order under this salt does not have the digest the "
                              "receipt carries");
    return DACC_OK;
}
