#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/file.h"
#include "support.h"

static const char *sha_hex(const char *msg, char *hex)
{
    uint8_t d[DACC_SHA256_BYTES];
    dacc_sha256(msg, strlen(msg), d);
    return dacc_hex_encode(d, sizeof d, hex);
}

/* Test vectors: FIPS 180-2, appendix B (one- and two-block messages) and the
 * SHA-256 of the empty string. */
Test(codec, sha256_fips_vectors)
{
    char hex[DACC_SHA256_HEXLEN + 1];
    cr_assert_str_eq(sha_hex("abc", hex),
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    cr_assert_str_eq(sha_hex("", hex),
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    cr_assert_str_eq(sha_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", hex),
                     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(codec, sha256_file_equals_buffer)
{
    char *dir = make_temp_dir();
    char *path = path_join(dir, "data.bin");
    size_t n = 300000;
    char *data = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (char)(i * 31 + 7);
    cr_assert_eq(dacc_file_write(path, data, n, NULL), DACC_OK);
    uint8_t a[32], b[32];
    dacc_sha256(data, n, a);
    cr_assert_eq(dacc_sha256_file(path, b, NULL), DACC_OK);
    cr_assert_arr_eq(a, b, 32);
    dacc_error e;
    cr_assert_eq(dacc_sha256_file("/nonexistent/file", b, &e), DACC_ERR_IO);
    cr_assert(strstr(e.message, "/nonexistent/file: cannot open") != NULL);
    free(data);
    remove_tree(dir);
    free(dir);
    free(path);
}

Test(codec, hex_round_trip_and_errors)
{
    uint8_t in[] = { 0x00, 0x01, 0xab, 0xff };
    char hex[9];
    cr_assert_str_eq(dacc_hex_encode(in, 4, hex), "0001abff");
    uint8_t out[4];
    cr_assert_eq(dacc_hex_decode("0001ABff", 8, out, 4, NULL), DACC_OK);
    cr_assert_arr_eq(in, out, 4);
    dacc_error e;
    cr_assert_eq(dacc_hex_decode("0001abf", 7, out, 4, &e), DACC_ERR_PARSE);
    cr_assert_str_eq(e.message, "expected 8 hex digits, got 7");
    cr_assert_eq(dacc_hex_decode("0001abgf", 8, out, 4, &e), DACC_ERR_PARSE);
    cr_assert_str_eq(e.message, "expected a hex digit at position 7, got \"g\"");
}

/* RFC 4648 section 10 test vectors. */
Test(codec, base64_rfc4648_vectors)
{
    static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
    static const char *const coded[] = { "",         "Zg==",     "Zm8=",    "Zm9v",
                                         "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
    for (size_t i = 0; i < 7; i++) {
        size_t n = strlen(plain[i]);
        char out[16];
        cr_assert_eq(dacc_base64_len(n), strlen(coded[i]));
        cr_assert_str_eq(dacc_base64_encode((const uint8_t *)plain[i], n, out), coded[i]);
        uint8_t back[16];
        size_t len = 99;
        cr_assert_eq(dacc_base64_decode(coded[i], strlen(coded[i]), back, sizeof back, &len, NULL),
                     DACC_OK);
        cr_assert_eq(len, n);
        cr_assert_eq(memcmp(back, plain[i], n), 0);
    }
}

Test(codec, base64_is_strict)
{
    uint8_t out[32];
    size_t len;
    dacc_error e;
    static const char *const bad[] = { "Zg", "Zg=", "Zg=a", "Z===", "Zm9v!A==", "Zh==", "Zm9 v" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(dacc_base64_decode(bad[i], strlen(bad[i]), out, sizeof out, &len, &e),
                     DACC_ERR_PARSE, "%s", bad[i]);
    cr_assert_eq(dacc_base64_decode("Zm9vYmFy", 8, out, 5, &len, &e), DACC_ERR_LIMIT);
    cr_assert_eq(dacc_base64_decode("Zm9vYmE=", 8, out, 5, &len, &e), DACC_OK);
    cr_assert_eq(len, 5);
    /* bytes above 0x7f, which libsodium 1.0.18 reads as digits (found by the
     * tlog_witness_request fuzz target): every byte of every position */
    static const char good[] = "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=";
    char t[sizeof good];
    for (size_t at = 0; at + 1 < sizeof good; at++)
        for (int c = 0x80; c <= 0xff; c++) {
            memcpy(t, good, sizeof good);
            t[at] = (char)c;
            cr_assert_eq(dacc_base64_decode(t, strlen(t), out, sizeof out, &len, &e),
                         DACC_ERR_PARSE, "byte 0x%02x at %zu taken for base64", c, at);
        }
}

Test(codec, utf8_validation)
{
    size_t bad = 99;
    cr_assert(dacc_utf8_valid("plain ascii text, long enough for the word loop", 47, &bad));
    cr_assert(dacc_utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, &bad));
    cr_assert(dacc_utf8_valid("\xf4\x8f\xbf\xbf", 4, &bad), "U+10FFFF is the last code point");
    struct {
        const char *s;
        size_t len, at;
    } cases[] = {
        { "ab\x80", 3, 2 },            /* stray continuation */
        { "\xc0\x80", 2, 0 },          /* overlong NUL */
        { "\xe0\x80\x80", 3, 0 },      /* overlong */
        { "x\xed\xa0\x80", 4, 1 },     /* surrogate U+D800 */
        { "\xf4\x90\x80\x80", 4, 0 },  /* above U+10FFFF */
        { "12345678\xe2\x82", 10, 8 }, /* truncated after the fast path */
        { "\xff", 1, 0 },              /* never valid */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_not(dacc_utf8_valid(cases[i].s, cases[i].len, &bad), "case %zu", i);
        cr_assert_eq(bad, cases[i].at, "case %zu", i);
    }
}
