/* The distributed OPRF's keys: the keyset a keyserver set publishes, the
 * ceremony that makes it, and the full-key evaluation the database operator
 * runs. The group arithmetic is the anon module's (RFC 9497, Shamir). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/anon.h"
#include "dacc/codec.h"
#include "dacc/json.h"
#include "dacc/screen.h"
#include "doprf.h"

#define KEYSET_KIND "dacc-screen-keyset/v1"

struct dacc_screen_keyset {
    unsigned t, n;
    uint32_t epoch;
    uint8_t group_key[32];
    uint8_t *share_keys; /* n × 32 */
};

dacc_status dacc_screen_keyset_new(unsigned t, unsigned n, uint32_t epoch,
                                   const uint8_t group_key[32], const uint8_t *share_keys,
                                   dacc_screen_keyset **out, dacc_error *err)
{
    *out = NULL;
    if (t < 1 || n < t || n > DACC_SCREEN_KEYSERVERS_MAX)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "keyset: threshold %u of %u keyservers, need 1 <= t <= n <= %d", t, n,
                              DACC_SCREEN_KEYSERVERS_MAX);
    dacc_status st = screen_point_check(group_key, "keyset: key", err);
    for (unsigned i = 0; st == DACC_OK && i < n; i++)
        if (share_keys[32 * i + 31] & 0x80)
            st = dacc_error_set(err, DACC_ERR_INVALID,
                                "keyset: share key %u: not a canonical encoding (bit 255 set)",
                                i + 1);
    if (st != DACC_OK)
        return st;
    /* The issuer set of threshold tokens checks the rest of what a keyset
     * must be: valid keys, none the identity, all on one polynomial. */
    dacc_anon_issuers *is = NULL;
    st = dacc_anon_issuers_new(t, n, group_key, share_keys, &is, err);
    dacc_anon_issuers_free(is);
    if (st != DACC_OK)
        return st;
    dacc_screen_keyset *ks = calloc(1, sizeof *ks);
    uint8_t *keys = malloc(32 * (size_t)n);
    if (ks == NULL || keys == NULL) {
        free(ks);
        free(keys);
        return dacc_error_set(err, DACC_ERR_NOMEM, "keyset");
    }
    ks->t = t;
    ks->n = n;
    ks->epoch = epoch;
    memcpy(ks->group_key, group_key, 32);
    memcpy(keys, share_keys, 32 * (size_t)n);
    ks->share_keys = keys;
    *out = ks;
    return DACC_OK;
}

void dacc_screen_keyset_free(dacc_screen_keyset *ks)
{
    if (ks == NULL)
        return;
    free(ks->share_keys);
    free(ks);
}

unsigned dacc_screen_keyset_threshold(const dacc_screen_keyset *ks)
{
    return ks->t;
}

unsigned dacc_screen_keyset_count(const dacc_screen_keyset *ks)
{
    return ks->n;
}

uint32_t dacc_screen_keyset_epoch(const dacc_screen_keyset *ks)
{
    return ks->epoch;
}

const uint8_t *dacc_screen_keyset_group_key(const dacc_screen_keyset *ks)
{
    return ks->group_key;
}

const uint8_t *dacc_screen_keyset_share_key(const dacc_screen_keyset *ks, unsigned index)
{
    return index >= 1 && index <= ks->n ? ks->share_keys + 32 * (size_t)(index - 1) : NULL;
}

static dacc_status hex_key(const char *name, const char *field, const json_t *v, uint8_t out[32],
                           dacc_error *err)
{
    if (!json_is_string(v) ||
        dacc_hex_decode(json_string_value(v), json_string_length(v), out, 32, NULL) != DACC_OK)
        return dacc_error_field(err, DACC_ERR_PARSE, name, 0, "field", field,
                                "expected 64 hex digits");
    return DACC_OK;
}

static dacc_status small_uint(const char *name, const char *field, const json_t *v, json_int_t max,
                              json_int_t min, json_int_t *out, dacc_error *err)
{
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return dacc_error_field(err, DACC_ERR_RANGE, name, 0, "field", field,
                                "expected an integer in [%lld, %lld]", (long long)min,
                                (long long)max);
    *out = json_integer_value(v);
    return DACC_OK;
}

static dacc_status keyset_from_json(const char *name, const json_t *o, dacc_screen_keyset **out,
                                    dacc_error *err)
{
    static const char *const fields[] = { "kind", "epoch", "threshold", "key", "shares" };
    const char *k;
    const json_t *v;
    if (!json_is_object(o))
        return dacc_error_set(err, DACC_ERR_PARSE, "%s: expected a JSON object", name);
    json_object_foreach((json_t *)o, k, v)
    {
        size_t i = 0;
        while (i < 5 && strcmp(fields[i], k) != 0)
            i++;
        if (i == 5)
            return dacc_error_field(err, DACC_ERR_PARSE, name, 0, "field", k,
                                    "not a field of a keyset");
    }
    const char *kind = json_string_value(json_object_get(o, "kind"));
    if (kind == NULL || strcmp(kind, KEYSET_KIND) != 0)
        return dacc_error_field(err, DACC_ERR_PARSE, name, 0, "field", "kind",
                                "expected \"" KEYSET_KIND "\"");
    json_int_t epoch, t;
    uint8_t K[32];
    const json_t *shares = json_object_get(o, "shares");
    dacc_status st =
        small_uint(name, "epoch", json_object_get(o, "epoch"), UINT32_MAX, 0, &epoch, err);
    if (st == DACC_OK)
        st = small_uint(name, "threshold", json_object_get(o, "threshold"),
                        DACC_SCREEN_KEYSERVERS_MAX, 1, &t, err);
    if (st == DACC_OK)
        st = hex_key(name, "key", json_object_get(o, "key"), K, err);
    if (st != DACC_OK)
        return st;
    size_t n = json_array_size(shares);
    if (!json_is_array(shares) || n < (size_t)t || n > DACC_SCREEN_KEYSERVERS_MAX)
        return dacc_error_field(err, DACC_ERR_RANGE, name, 0, "field", "shares",
                                "expected an array of %lld to %d share keys", (long long)t,
                                DACC_SCREEN_KEYSERVERS_MAX);
    uint8_t keys[32 * DACC_SCREEN_KEYSERVERS_MAX];
    for (size_t i = 0; i < n && st == DACC_OK; i++) {
        char f[DACC_ERROR_FIELD_MAX];
        snprintf(f, sizeof f, "shares[%zu]", i);
        st = hex_key(name, f, json_array_get(shares, i), keys + 32 * i, err);
    }
    if (st == DACC_OK)
        st = dacc_screen_keyset_new((unsigned)t, (unsigned)n, (uint32_t)epoch, K, keys, out, err);
    return st;
}

dacc_status dacc_screen_keyset_parse(const char *name, const char *text, size_t len,
                                     dacc_screen_keyset **out, dacc_error *err)
{
    *out = NULL;
    json_t *o = NULL;
    dacc_status st = dacc_json_load_buffer(name, text, len, &o, err);
    if (st == DACC_OK)
        st = keyset_from_json(name, o, out, err);
    json_decref(o);
    return st;
}

dacc_status dacc_screen_keyset_json(const dacc_screen_keyset *ks, json_t **out, dacc_error *err)
{
    char hex[65];
    json_t *shares = json_array();
    for (unsigned i = 0; shares != NULL && i < ks->n; i++)
        if (json_array_append_new(
                shares, json_string(dacc_hex_encode(ks->share_keys + 32 * i, 32, hex))) != 0) {
            json_decref(shares);
            shares = NULL;
        }
    json_t *o = shares == NULL
                    ? NULL
                    : json_pack("{s:s, s:I, s:i, s:s, s:o}", "kind", KEYSET_KIND, "epoch",
                                (json_int_t)ks->epoch, "threshold", (int)ks->t, "key",
                                dacc_hex_encode(ks->group_key, 32, hex), "shares", shares);
    if (o == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "keyset JSON");
    *out = o;
    return DACC_OK;
}

void dacc_screen_keygen(uint8_t key[32], uint8_t pk[32])
{
    dacc_anon_scalar_random(key);
    /* a non-zero scalar: pk is never the identity */
    crypto_scalarmult_ristretto255_base(pk, key);
}

dacc_status dacc_screen_share(const uint8_t key[32], unsigned t, unsigned n, uint32_t epoch,
                              uint8_t *shares, dacc_screen_keyset **out, dacc_error *err)
{
    *out = NULL;
    if (t < 1 || n < t || n > DACC_SCREEN_KEYSERVERS_MAX)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "share: threshold %u of %u keyservers, need 1 <= t <= n <= %d", t, n,
                              DACC_SCREEN_KEYSERVERS_MAX);
    dacc_status st = dacc_anon_scalar_check(key, "key", err);
    if (st != DACC_OK)
        return st;
    uint8_t coeffs[32 * DACC_SCREEN_KEYSERVERS_MAX], K[32], keys[32 * DACC_SCREEN_KEYSERVERS_MAX];
    for (unsigned i = 0; i + 1 < t; i++)
        dacc_anon_scalar_random(coeffs + 32 * i);
    st = dacc_anon_shamir_split(key, t, n, coeffs, shares, err);
    sodium_memzero(coeffs, sizeof coeffs);
    if (st == DACC_OK && crypto_scalarmult_ristretto255_base(K, key) != 0)
        st = dacc_error_set(err, DACC_ERR_INVALID, "key: zero");
    for (unsigned i = 0; st == DACC_OK && i < n; i++)
        if (crypto_scalarmult_ristretto255_base(keys + 32 * i, shares + 32 * i) != 0)
            st = dacc_error_set(err, DACC_ERR_INVALID, "share %u: zero (draw again)", i + 1);
    if (st == DACC_OK)
        st = dacc_screen_keyset_new(t, n, epoch, K, keys, out, err);
    if (st != DACC_OK)
        sodium_memzero(shares, 32 * (size_t)n);
    return st;
}

/* Finalize with blind 1 hashes the unblinded element: the VOPRF output. */
const uint8_t screen_one[32] = { 1 };

/* RFC 9497 3.1, 4.1: "HashToGroup-" || contextString, where
 * contextString = "OPRFV1-" || I2OSP(mode, 1) || "-" || "ristretto255-SHA512"
 * for the mode of DACC_SCREEN_OPRF_MODE (VOPRF, 0x01). */
static const uint8_t h2g_dst[] = "HashToGroup-OPRFV1-\x01-ristretto255-SHA512";
_Static_assert(DACC_SCREEN_OPRF_MODE == 1, "h2g_dst is the VOPRF context");

/* Inputs per OPRF batch (the anon batch limit is 65535). */
#define EVAL_BATCH 4096

dacc_status dacc_screen_evaluate_full(const uint8_t key[32], const uint8_t *const *inputs,
                                      const size_t *lens, size_t count, uint8_t *outputs,
                                      dacc_error *err)
{
    /* The direct evaluation is a run with blind 1: HashToGroup under the
     * mode's context (what blind(1) gives, without its multiplication by
     * 1), evaluate multiplies by the key, and finalize (unblinding by 1^-1)
     * hashes what a blinded, threshold or single-server run yields.
     * OPRF-mode evaluate and finalize skip the proof, which the key holder
     * does not need; neither hashes the context string, so the outputs are
     * those of DACC_SCREEN_OPRF_MODE (a test checks it against a blinded
     * VOPRF run). */
    dacc_status st = dacc_anon_scalar_check(key, "key", err);
    size_t cap = count < EVAL_BATCH ? count : EVAL_BATCH;
    if (st != DACC_OK || cap == 0)
        return st;
    uint8_t *blinds = malloc(32 * cap), *blinded = malloc(32 * cap), *ev = malloc(32 * cap);
    if (!blinds || !blinded || !ev)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory evaluating %zu inputs", count);
    for (size_t i = 0; st == DACC_OK && i < cap; i++)
        memcpy(blinds + 32 * i, screen_one, 32);
    for (size_t at = 0; st == DACC_OK && at < count; at += cap) {
        size_t n = count - at < cap ? count - at : cap;
        for (size_t i = 0; i < n && st == DACC_OK; i++)
            st = dacc_anon_hash_to_group(blinded + 32 * i, inputs[at + i], lens[at + i], h2g_dst,
                                         sizeof h2g_dst - 1, err);
        if (st == DACC_OK)
            st = dacc_anon_oprf_evaluate(DACC_ANON_OPRF, key, blinded, n, NULL, 0, NULL, ev, NULL,
                                         err);
        if (st == DACC_OK)
            st = dacc_anon_oprf_finalize(DACC_ANON_OPRF, NULL, inputs + at, lens + at, blinds,
                                         blinded, ev, n, NULL, 0, NULL,
                                         outputs + DACC_SCREEN_HASH_BYTES * at, err);
    }
    if (ev)
        sodium_memzero(ev, 32 * cap);
    if (st != DACC_OK)
        sodium_memzero(outputs, DACC_SCREEN_HASH_BYTES * count);
    free(blinds);
    free(blinded);
    free(ev);
    return st;
}
