/* Fuzz target: canonical JSON. Traps when a property of RFC 8785 breaks:
 *   - canonicalizing a canonical form gives it back unchanged;
 *   - the strict reader takes a canonical form exactly when it holds no
 *     number but integers within 2^53-1, and what it reads writes back to
 *     the same bytes;
 *   - text the strict reader takes is its own canonical form;
 *   - where jansson reads the input as well, writing jansson's value gives
 *     the same bytes as canonicalizing the text (aside from nesting, which
 *     jansson allows deeper, and NUL bytes, where jansson's reader stops
 *     as at the end of the input);
 *   - the first eight bytes, as a double, format to digits that read back
 *     to the same double. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/jcs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const dacc_buf *b, const void *data, size_t size)
{
    return b->len == size && (size == 0 || memcmp(b->data, data, size) == 0);
}

/* Whether every number in canonical text s is an integer within 2^53-1. */
static int safe_integers_only(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            for (i++; s[i] != '"'; i++)
                i += s[i] == '\\';
        } else if (s[i] == '-' || (s[i] >= '0' && s[i] <= '9')) {
            size_t j = i + (s[i] == '-'), digits = 0;
            uint64_t v = 0;
            for (; j < n && s[j] >= '0' && s[j] <= '9'; j++, digits++)
                v = digits < 17 ? v * 10 + (uint64_t)(s[j] - '0') : v;
            if (j < n && (s[j] == '.' || s[j] == 'e'))
                return 0;
            if (digits > 16 || v > (uint64_t)DACC_JCS_SAFE_INTEGER)
                return 0;
            i = j - 1;
        }
    }
    return 1;
}

static void check_canonical(const dacc_buf *canon)
{
    dacc_buf again;
    dacc_error err;
    dacc_buf_init(&again, 0);
    if (dacc_jcs_canonicalize("canon.json", canon->data, canon->len, &again, &err) != DACC_OK ||
        !same(&again, canon->data, canon->len))
        __builtin_trap();
    dacc_buf_free(&again);
    json_t *v;
    dacc_status st = dacc_jcs_parse_strict("canon.json", canon->data, canon->len, &v, &err);
    if ((st == DACC_OK) != safe_integers_only(canon->data, canon->len))
        __builtin_trap();
    if (st != DACC_OK)
        return;
    dacc_buf back;
    dacc_buf_init(&back, 0);
    if (dacc_jcs_write(v, &back, &err) != DACC_OK || !same(&back, canon->data, canon->len))
        __builtin_trap();
    dacc_buf_free(&back);
    json_decref(v);
}

static void check_against_jansson(const uint8_t *data, size_t size, dacc_status st,
                                  const dacc_buf *canon)
{
    if (memchr(data, 0, size) != NULL)
        return;
    json_error_t je;
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (j == NULL)
        return;
    if (st == DACC_ERR_LIMIT) {
        json_decref(j);
        return;
    }
    dacc_buf b;
    dacc_error err;
    dacc_buf_init(&b, 0);
    if (st != DACC_OK || dacc_jcs_write(j, &b, &err) != DACC_OK ||
        !same(&b, canon->data, canon->len))
        __builtin_trap();
    dacc_buf_free(&b);
    json_decref(j);
}

static void check_number(const uint8_t *data, size_t size)
{
    double d;
    if (size < sizeof d)
        return;
    memcpy(&d, data, sizeof d);
    char text[DACC_JCS_NUMBER_MAX];
    size_t n = dacc_jcs_number(d, text);
    if ((n == 0) != !isfinite(d) || n != strlen(text) || (n > 0 && strtod(text, NULL) != d))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dacc_buf canon;
    dacc_error err;
    dacc_buf_init(&canon, 0);
    dacc_status st = dacc_jcs_canonicalize("fuzz.json", (const char *)data, size, &canon, &err);
    if (st == DACC_OK)
        check_canonical(&canon);
    check_against_jansson(data, size, st, &canon);
    json_t *v;
    if (dacc_jcs_parse_strict("fuzz.json", (const char *)data, size, &v, &err) == DACC_OK) {
        if (st != DACC_OK || !same(&canon, data, size))
            __builtin_trap();
        json_decref(v);
    }
    dacc_buf_free(&canon);
    check_number(data, size);
    return 0;
}
