#include "dacc/codec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "utf8.h"

dacc_status dacc_sha256_file(const char *path, uint8_t out[DACC_SHA256_BYTES], dacc_error *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (fp == NULL)
        return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    dacc_sha256_ctx st;
    dacc_sha256_init(&st, DACC_SHA256_AUTO);
    unsigned char block[1 << 16];
    size_t n;
    while ((n = fread(block, 1, sizeof block, fp)) > 0)
        dacc_sha256_update(&st, block, n);
    int failed = ferror(fp);
    int saved = errno;
    if (!is_stdin)
        fclose(fp);
    if (failed)
        return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "read failed: %s", strerror(saved));
    dacc_sha256_final(&st, out);
    return DACC_OK;
}

char *dacc_hex_encode(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
    return out;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

dacc_status dacc_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t out_len,
                            dacc_error *err)
{
    if (hex_len != 2 * out_len)
        return dacc_error_set(err, DACC_ERR_PARSE, "expected %zu hex digits, got %zu", 2 * out_len,
                              hex_len);
    for (size_t i = 0; i < out_len; i++) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            size_t at = hi < 0 ? 2 * i : 2 * i + 1;
            char q[16];
            dacc_error_quote(q, sizeof q, hex + at, 1, 1);
            return dacc_error_set(err, DACC_ERR_PARSE,
                                  "expected a hex digit at position %zu, got %s", at + 1, q);
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return DACC_OK;
}

size_t dacc_base64_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

char *dacc_base64_encode(const uint8_t *in, size_t n, char *out)
{
    sodium_bin2base64(out, dacc_base64_len(n) + 1, in, n, sodium_base64_VARIANT_ORIGINAL);
    return out;
}

dacc_status dacc_base64_decode(const char *b64, size_t b64_len, uint8_t *out, size_t out_cap,
                               size_t *out_len, dacc_error *err)
{
    /* libsodium 1.0.18 takes some bytes >= 0x80 for base64 digits (so
     * "Gru\x90\x8a..." decodes): only the alphabet gets through to it. */
    for (size_t i = 0; i < b64_len; i++) {
        unsigned char c = (unsigned char)b64[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '='))
            return dacc_error_set(err, DACC_ERR_PARSE, "malformed base64: byte 0x%02x at %zu", c,
                                  i);
    }
    if (b64_len % 4 != 0)
        return dacc_error_set(err, DACC_ERR_PARSE,
                              "base64 length %zu is not a multiple of 4 (padding missing?)",
                              b64_len);
    size_t pad = 0;
    while (pad < 2 && pad < b64_len && b64[b64_len - 1 - pad] == '=')
        pad++;
    if (b64_len / 4 * 3 - pad > out_cap)
        return dacc_error_set(err, DACC_ERR_LIMIT, "base64 decodes to %zu bytes, more than %zu",
                              b64_len / 4 * 3 - pad, out_cap);
    const char *end = NULL;
    size_t n = 0;
    /* libsodium refuses bad padding and non-zero spare bits. */
    if (sodium_base642bin(out, out_cap, b64, b64_len, NULL, &n, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != b64 + b64_len)
        return dacc_error_set(err, DACC_ERR_PARSE, "malformed base64");
    *out_len = n;
    return DACC_OK;
}

int dacc_utf8_valid(const void *s, size_t len, size_t *bad_offset)
{
    const unsigned char *p = s;
    size_t i = 0;
    while (i < len) {
        /* Skip ASCII eight bytes at a time. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        size_t n = utf8_seq_len(p + i, len - i);
        if (n == 0) {
            if (bad_offset != NULL)
                *bad_offset = i;
            return 0;
        }
        i += n;
    }
    return 1;
}

int dacc_text_valid(const void *s, size_t len, size_t *bad_offset)
{
    const unsigned char *p = s;
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    size_t i = 0;
    while (i < len) {
        /* Skip ASCII without NUL eight bytes at a time: (w - ones) & ~w has
         * a high bit set exactly where w has a zero byte. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if ((w & highs) || ((w - ones) & ~w & highs))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        size_t n = p[i] == 0 ? 0 : utf8_seq_len(p + i, len - i);
        if (n == 0) {
            if (bad_offset != NULL)
                *bad_offset = i;
            return 0;
        }
        i += n;
    }
    return 1;
}

int dacc_decimal_strict(const char *s, size_t len, uint64_t *out)
{
    if (len == 0 || len > 19 || (len > 1 && s[0] == '0'))
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > INT64_MAX)
        return 0;
    *out = v;
    return 1;
}
