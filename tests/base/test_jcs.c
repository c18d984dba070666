/* Canonical JSON (RFC 8785): the published vectors byte for byte, vectors
 * from node as an independent implementation, and the strict reader's
 * refusals with the JSON Pointer they name. tests/base/jcs/README.md says
 * where every vector file comes from. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/jcs.h"
#include "support.h"

#define VECTORS DACC_SOURCE_DIR "/tests/base/jcs/"

static char *vector_file(const char *name, size_t *len)
{
    char *text = read_text(name, len);
    cr_assert_not_null(text, "cannot read %s", name);
    return text;
}

/* The next line of *text (without its newline), or NULL at the end. */
static char *next_line(char **text)
{
    if (**text == '\0')
        return NULL;
    char *line = *text, *nl = strchr(line, '\n');
    cr_assert_not_null(nl, "a vector file ends without a newline");
    *nl = '\0';
    *text = nl + 1;
    return line;
}

/* canonicalize(text) must give want, and so must canonicalize(want). */
static void assert_canonical(const char *what, const char *text, size_t len, const char *want,
                             size_t want_len)
{
    dacc_buf b;
    dacc_error e;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_jcs_canonicalize(what, text, len, &b, &e), DACC_OK, "%s", e.message);
    cr_assert(b.len == want_len && memcmp(b.data, want, want_len) == 0, "%s:\n got %.*s\nwant %.*s",
              what, (int)b.len, b.data, (int)want_len, want);
    dacc_buf_reset(&b);
    cr_assert_eq(dacc_jcs_canonicalize(what, want, want_len, &b, &e), DACC_OK, "%s", e.message);
    cr_assert(b.len == want_len && memcmp(b.data, want, want_len) == 0,
              "%s: canonicalizing the canonical form changed it", what);
    dacc_buf_free(&b);
}

static char *canonical(const char *text)
{
    dacc_buf b;
    dacc_error e;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_jcs_canonicalize("t.json", text, strlen(text), &b, &e), DACC_OK, "%s: %s",
                 text, e.message);
    return dacc_buf_detach(&b, NULL);
}

static double from_bits(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* ---- numbers ------------------------------------------------------------ */

/* Checks every `hex-ieee,expected` line of a file; returns the count. */
static size_t check_number_file(const char *name)
{
    size_t len, n = 0;
    char *text = vector_file(name, &len), *cur = text, *line;
    while ((line = next_line(&cur)) != NULL) {
        char *comma = strchr(line, ',');
        cr_assert_not_null(comma, "%s: %s", name, line);
        *comma = '\0';
        double d = from_bits(strtoull(line, NULL, 16));
        char got[DACC_JCS_NUMBER_MAX];
        size_t glen = dacc_jcs_number(d, got);
        if (strcmp(comma + 1, "error") == 0) {
            cr_assert_eq(glen, 0, "%s: %s has no JSON form, got %s", name, line, got);
        } else {
            cr_assert_str_eq(got, comma + 1, "%s: %s", name, line);
            cr_assert_eq(glen, strlen(got));
            assert_canonical(line, comma + 1, glen, got, glen);
        }
        n++;
    }
    free(text);
    return n;
}

Test(jcs, rfc8785_appendix_b_numbers)
{
    cr_assert_eq(check_number_file(VECTORS "rfc8785-numbers.txt"), 26);
}

Test(jcs, es6_number_file_edge_cases_and_sample)
{
    cr_assert_eq(check_number_file(VECTORS "es6-head.txt"), 2168);
    cr_assert_eq(check_number_file(VECTORS "es6-sample.txt"), 10000);
}

Test(jcs, powers_of_two_look_below_too)
{
    cr_assert_eq(check_number_file(VECTORS "pow2-numbers.txt"), 2046);
}

/* The first 100000 lines of es6testfile100m.txt, regenerated as its README
 * describes (the fixed values of es6-head.txt, then doubles from a SHA-256
 * chain) with our own formatting, against the SHA-256 the README records. */
Test(jcs, es6_number_file_first_100000_lines_hash_as_published)
{
    static const char published[] =
        "22776e6d4b49fa294a0d0f349268e5c28808fe7e0cb2bcbe28f63894e494d4c7";
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    size_t len, n = 0;
    char *text = vector_file(VECTORS "es6-head.txt", &len), *cur = text, *line;
    char out[64 + DACC_JCS_NUMBER_MAX];
    while ((line = next_line(&cur)) != NULL) {
        uint64_t u = strtoull(line, NULL, 16);
        int k = snprintf(out, sizeof out, "%" PRIx64 ",", u);
        k += (int)dacc_jcs_number(from_bits(u), out + k);
        out[k++] = '\n';
        crypto_hash_sha256_update(&h, (const unsigned char *)out, (unsigned long long)k);
        n++;
    }
    free(text);
    unsigned char block[32] = { 0 };
    while (n < 100000) {
        crypto_hash_sha256(block, block, sizeof block);
        for (int i = 0; i < 4 && n < 100000; i++) {
            uint64_t u = 0;
            for (int b = 7; b >= 0; b--)
                u = u << 8 | block[8 * i + b]; /* little-endian, as the generator reads it */
            double d = from_bits(u);
            if (d == 0 || !isfinite(d))
                continue;
            int k = snprintf(out, sizeof out, "%" PRIx64 ",", u);
            k += (int)dacc_jcs_number(d, out + k);
            out[k++] = '\n';
            crypto_hash_sha256_update(&h, (const unsigned char *)out, (unsigned long long)k);
            n++;
        }
    }
    unsigned char sum[32];
    char hex[65];
    crypto_hash_sha256_final(&h, sum);
    sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);
    cr_assert_str_eq(hex, published);
}

Test(jcs, number_layout)
{
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        { 1, "1" },           { -1.5, "-1.5" },
        { 100, "100" },       { 1e20, "100000000000000000000" },
        { 1e21, "1e+21" },    { 1.5e21, "1.5e+21" },
        { 1e-6, "0.000001" }, { 1.5e-7, "1.5e-7" },
        { 0.1, "0.1" },       { -0.0, "0" },
        { 5e-324, "5e-324" }, { 123456789.125, "123456789.125" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char got[DACC_JCS_NUMBER_MAX];
        dacc_jcs_number(cases[i].v, got);
        cr_assert_str_eq(got, cases[i].want);
    }
    char got[DACC_JCS_NUMBER_MAX];
    cr_assert_eq(dacc_jcs_number(NAN, got), 0);
    cr_assert_eq(dacc_jcs_number(-INFINITY, got), 0);
    cr_assert_str_eq(got, "");
}

/* ---- published documents ------------------------------------------------- */

static void check_pair(const char *in_path, const char *out_path)
{
    size_t in_len, out_len;
    char *in = vector_file(in_path, &in_len), *out = vector_file(out_path, &out_len);
    assert_canonical(in_path, in, in_len, out, out_len);
    free(in);
    free(out);
}

Test(jcs, cyberphone_testdata)
{
    static const char *const names[] = { "arrays",  "french", "structures",
                                         "unicode", "values", "weird" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char in[256], out[256];
        snprintf(in, sizeof in, VECTORS "cyberphone/input/%s.json", names[i]);
        snprintf(out, sizeof out, VECTORS "cyberphone/output/%s.json", names[i]);
        check_pair(in, out);
    }
}

Test(jcs, rfc8785_sorting_example)
{
    check_pair(VECTORS "rfc8785-sorting-input.json", VECTORS "rfc8785-sorting-output.json");
    /* The order section 3.2.3 states, independently of the output file. */
    static const char *const order[] = { "Carriage Return",
                                         "One",
                                         "Control",
                                         "Latin Small Letter O With Diaeresis",
                                         "Euro Sign",
                                         "Emoji: Grinning Face",
                                         "Hebrew Letter Dalet With Dagesh" };
    size_t len;
    char *out = vector_file(VECTORS "rfc8785-sorting-output.json", &len);
    const char *at = out;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *found = strstr(at, order[i]);
        cr_assert_not_null(found, "%s is not after the previous value", order[i]);
        at = found;
    }
    free(out);
}

/* ---- node's vectors ------------------------------------------------------- */

/* The strict reader on a canonical form node computed: accepted when node
 * found no float, else refused at the pointer node gives. */
static void check_strict(size_t i, const char *canon, const char *verdict)
{
    json_t *v = NULL;
    dacc_error e;
    dacc_status st = dacc_jcs_parse_strict("r.json", canon, strlen(canon), &v, &e);
    if (strcmp(verdict, "ok") == 0) {
        cr_assert_eq(st, DACC_OK, "case %zu: %s", i + 1, e.message);
        dacc_buf b;
        dacc_buf_init(&b, 0);
        cr_assert_eq(dacc_jcs_write(v, &b, &e), DACC_OK);
        cr_assert(b.len == strlen(canon) && memcmp(b.data, canon, b.len) == 0,
                  "case %zu: writing what the strict reader read changed it", i + 1);
        dacc_buf_free(&b);
        json_decref(v);
        return;
    }
    cr_assert(st == DACC_ERR_INVALID || st == DACC_ERR_RANGE, "case %zu: %d", i + 1, st);
    json_error_t je;
    json_t *ptr = json_loads(verdict + strlen("float "), JSON_DECODE_ANY, &je);
    cr_assert(json_is_string(ptr), "case %zu: %s", i + 1, verdict);
    char want[DACC_ERROR_FIELD_MAX];
    snprintf(want, sizeof want, "%s", json_string_value(ptr)); /* err.field is as short */
    cr_assert_str_eq(e.field, want, "case %zu: %s", i + 1, e.message);
    cr_assert(strstr(e.message, "number") != NULL || strstr(e.message, "integer") != NULL, "%s",
              e.message);
    json_decref(ptr);
}

Test(jcs, node_random_vectors)
{
    size_t len, n = 0;
    char *in = vector_file(VECTORS "random-input.txt", &len);
    char *out = vector_file(VECTORS "random-output.txt", &len);
    char *strict = vector_file(VECTORS "random-strict.txt", &len);
    char *ci = in, *co = out, *cs = strict, *a, *b, *s;
    while ((a = next_line(&ci)) != NULL) {
        cr_assert((b = next_line(&co)) != NULL && (s = next_line(&cs)) != NULL);
        char what[32];
        snprintf(what, sizeof what, "random case %zu", n + 1);
        assert_canonical(what, a, strlen(a), b, strlen(b));
        check_strict(n, b, s);
        n++;
    }
    cr_assert_eq(n, 400);
    free(in);
    free(out);
    free(strict);
}

/* ---- the strict reader ------------------------------------------------------ */

static json_t *strict_ok(const char *text)
{
    json_t *v = NULL;
    dacc_error e;
    cr_assert_eq(dacc_jcs_parse_strict("event.json", text, strlen(text), &v, &e), DACC_OK, "%s: %s",
                 text, e.message);
    dacc_buf b;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_jcs_write(v, &b, &e), DACC_OK);
    cr_assert(b.len == strlen(text) && memcmp(b.data, text, b.len) == 0, "%s", text);
    dacc_buf_free(&b);
    return v;
}

/* parse_strict(text) fails with st at pointer, the message holding words. */
static void strict_refuses_n(const char *text, size_t len, dacc_status st, const char *pointer,
                             const char *words)
{
    json_t *v = (json_t *)&v; /* must stay untouched */
    dacc_error e;
    cr_assert_eq(dacc_jcs_parse_strict("event.json", text, len, &v, &e), st, "%.*s: %s", (int)len,
                 text, e.message);
    cr_assert_eq(v, (json_t *)&v);
    cr_assert_str_eq(e.field, pointer, "%.*s: %s", (int)len, text, e.message);
    cr_assert(strstr(e.message, words) != NULL, "%.*s: %s", (int)len, text, e.message);
    cr_assert_str_eq(e.file, "event.json");
}

static void strict_refuses(const char *text, dacc_status st, const char *pointer, const char *words)
{
    strict_refuses_n(text, strlen(text), st, pointer, words);
}

Test(jcs, strict_accepts_canonical_forms)
{
    static const char *const docs[] = {
        "{}",
        "[]",
        "0",
        "-1",
        "9007199254740991",
        "-9007199254740991",
        "\"\"",
        "true",
        "null",
        "{\"\":0,\"a\":[1,{\"b\":false}],\"b\":\"x\"}",
        "{\"a\":\"\\u001f\\b\\t\\n\\f\\r\\\"\\\\/\x7f\"}",
        "{\"a\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbf\"}",
        /* UTF-16 order: U+1F600 (D83D DE00) before U+FFFF, unlike UTF-8. */
        "{\"\xf0\x9f\x98\x80\":1,\"\xef\xbf\xbf\":2}",
        "{\"a\":1,\"aa\":2,\"b\":3}",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        json_decref(strict_ok(docs[i]));
    json_t *v = strict_ok("{\"n\":-9007199254740991}");
    cr_assert(json_is_integer(json_object_get(v, "n")));
    cr_assert_eq(json_integer_value(json_object_get(v, "n")), -9007199254740991LL);
    json_decref(v);
}

Test(jcs, strict_refuses_floats_and_large_integers)
{
    json_t *v;
    dacc_error e;
    const char *text = "{\"trade\":{\"amount\":1.5}}";
    cr_assert_eq(dacc_jcs_parse_strict("event.json", text, strlen(text), &v, &e), DACC_ERR_INVALID);
    cr_assert_str_eq(e.message, "event.json: field \"/trade/amount\": a number with a fraction; "
                                "money is a decimal string");
    cr_assert_eq(e.column, 20, "the byte where the number starts");
    strict_refuses("{\"a\":1e3}", DACC_ERR_INVALID, "/a", "exponent");
    strict_refuses("{\"a\":1e+21}", DACC_ERR_INVALID, "/a", "exponent");
    strict_refuses("{\"a\":9007199254740992}", DACC_ERR_RANGE, "/a", "2^53-1");
    strict_refuses("[-9007199254740992]", DACC_ERR_RANGE, "/0", "2^53-1");
    strict_refuses("[99999999999999999999999]", DACC_ERR_RANGE, "/0", "2^53-1");
    strict_refuses("[1,-0]", DACC_ERR_INVALID, "/1", "-0 is written 0");
    strict_refuses("1.0", DACC_ERR_INVALID, "", "fraction");
}

Test(jcs, strict_refuses_duplicates_and_disorder)
{
    json_t *v;
    dacc_error e;
    const char *text = "{\"a\":1,\"c\":2,\"b\":3}";
    cr_assert_eq(dacc_jcs_parse_strict("event.json", text, strlen(text), &v, &e), DACC_ERR_INVALID);
    cr_assert_str_eq(e.message, "event.json: field \"/b\": not canonical: members out of order");
    strict_refuses("{\"a\":1,\"a\":2}", DACC_ERR_INVALID, "/a", "duplicate key");
    strict_refuses("{\"x\":{\"b\":1,\"a\":2}}", DACC_ERR_INVALID, "/x/a", "out of order");
    /* Code point (UTF-8 byte) order is not UTF-16 order. */
    strict_refuses("{\"\xef\xbf\xbf\":2,\"\xf0\x9f\x98\x80\":1}", DACC_ERR_INVALID,
                   "/\xf0\x9f\x98\x80", "out of order");
    strict_refuses("{\"b\":1,\"a~/\":2}", DACC_ERR_INVALID, "/a~0~1", "out of order");
}

Test(jcs, strict_refuses_whitespace_and_trailing_data)
{
    strict_refuses("{\"a\": 1}", DACC_ERR_INVALID, "/a", "not canonical: whitespace");
    strict_refuses("{\"a\":1 }", DACC_ERR_INVALID, "/a", "not canonical: whitespace");
    strict_refuses("{ \"a\":1}", DACC_ERR_INVALID, "", "not canonical: whitespace");
    strict_refuses("[1, 2]", DACC_ERR_INVALID, "", "not canonical: whitespace");
    strict_refuses("[1 ,2]", DACC_ERR_INVALID, "/0", "not canonical: whitespace");
    strict_refuses("[[\"x\"\t]]", DACC_ERR_INVALID, "/0/0", "not canonical: whitespace");
    strict_refuses(" {}", DACC_ERR_INVALID, "", "not canonical: whitespace");
    strict_refuses("{}\n", DACC_ERR_INVALID, "", "not canonical: whitespace");
    strict_refuses("{}x", DACC_ERR_PARSE, "", "trailing data");
    strict_refuses("{}{}", DACC_ERR_PARSE, "", "trailing data");
    strict_refuses("", DACC_ERR_PARSE, "", "ended before a value");
    strict_refuses("{\"a\":[1,2}", DACC_ERR_PARSE, "/a", "expected ',' or ']'");
    strict_refuses("[01]", DACC_ERR_PARSE, "/0", "leading zero");
}

Test(jcs, strict_refuses_needless_escapes)
{
    strict_refuses("{\"a\":\"\\u0041\"}", DACC_ERR_INVALID, "/a", "written as the character");
    strict_refuses("\"\\u00e9\"", DACC_ERR_INVALID, "", "written as UTF-8");
    strict_refuses("[\"\\ud83d\\ude00\"]", DACC_ERR_INVALID, "/0", "U+1F600");
    strict_refuses("{\"a\":\"\\/\"}", DACC_ERR_INVALID, "/a", "\\/, written /");
    strict_refuses("{\"a\":\"\\u000a\"}", DACC_ERR_INVALID, "/a", "written \\n");
    strict_refuses("{\"a\":\"\\u0022\"}", DACC_ERR_INVALID, "/a", "written \\\"");
    strict_refuses("{\"a\":\"\\u005c\"}", DACC_ERR_INVALID, "/a", "written \\\\");
    strict_refuses("{\"a\":\"\\u001F\"}", DACC_ERR_INVALID, "/a", "lowercase hex");
    strict_refuses("{\"\\u0061\":1}", DACC_ERR_INVALID, "", "a member name holds U+0061");
    json_decref(strict_ok("{\"a\":\"\\u001f\"}"));
}

Test(jcs, strict_refuses_bad_text)
{
    strict_refuses("{\"a\":\"\xff\"}", DACC_ERR_PARSE, "/a", "not valid UTF-8");
    strict_refuses("{\"a\":\"\xc0\xaf\"}", DACC_ERR_PARSE, "/a", "not valid UTF-8");
    strict_refuses("{\"a\":\"\xed\xa0\x80\"}", DACC_ERR_PARSE, "/a", "not valid UTF-8");
    strict_refuses("{\"a\":\"\xe2\x82", DACC_ERR_PARSE, "/a", "not valid UTF-8");
    strict_refuses("{\"\xff\":1}", DACC_ERR_PARSE, "", "a member name is not valid UTF-8");
    strict_refuses("{\"a\":\"\\u0000\"}", DACC_ERR_PARSE, "/a", "NUL");
    strict_refuses_n("{\"a\":\"\0\"}", sizeof "{\"a\":\"\0\"}" - 1, DACC_ERR_PARSE, "/a", "NUL");
    strict_refuses("{\"a\":\"\n\"}", DACC_ERR_PARSE, "/a", "raw byte 0x0a");
    strict_refuses("{\"a\":\"\\ud800\"}", DACC_ERR_PARSE, "/a", "lone surrogate \\ud800");
    strict_refuses("{\"a\":\"\\udc00\"}", DACC_ERR_PARSE, "/a", "lone surrogate");
    strict_refuses("{\"a\":\"\\ud800\\u0041\"}", DACC_ERR_PARSE, "/a", "lone surrogate");
    strict_refuses("{\"a\":\"\\ud800\\ud800\"}", DACC_ERR_PARSE, "/a", "lone surrogate");
    strict_refuses("{\"\\udead\":1}", DACC_ERR_PARSE, "", "a member name holds a lone surrogate");
    strict_refuses("{\"a\":\"\\x\"}", DACC_ERR_PARSE, "/a", "unknown escape");
    strict_refuses("{\"a\":\"\\u12\"}", DACC_ERR_PARSE, "/a", "four hex digits");
    strict_refuses("{\"a\":\"abc", DACC_ERR_PARSE, "/a", "no closing quote");
}

static char *nested(size_t depth)
{
    char *s = malloc(2 * depth + 1);
    cr_assert_not_null(s);
    memset(s, '[', depth);
    memset(s + depth, ']', depth);
    s[2 * depth] = '\0';
    return s;
}

Test(jcs, nesting_is_capped)
{
    char *ok = nested(DACC_JCS_MAX_DEPTH), *deep = nested(DACC_JCS_MAX_DEPTH + 1);
    json_decref(strict_ok(ok));
    free(canonical(ok));
    json_t *v;
    dacc_buf b;
    dacc_error e;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_jcs_parse_strict("d.json", deep, strlen(deep), &v, &e), DACC_ERR_LIMIT);
    cr_assert_eq(dacc_jcs_canonicalize("d.json", deep, strlen(deep), &b, &e), DACC_ERR_LIMIT);
    cr_assert(strstr(e.message, "nested deeper than 512") != NULL, "%s", e.message);
    free(ok);
    free(deep);
    /* A value that holds itself ends at the cap too, rather than the stack. */
    json_t *a = json_array(), *c = json_array();
    json_array_append(a, c);
    json_array_append(c, a);
    cr_assert_eq(dacc_jcs_write(a, &b, &e), DACC_ERR_LIMIT);
    cr_assert_eq(b.len, 0);
    json_array_clear(c);
    json_decref(c);
    json_decref(a);
    dacc_buf_free(&b);
}

/* ---- canonicalize ---------------------------------------------------------- */

Test(jcs, canonicalize_reads_numbers_as_json_parse_does)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        { "[1.50, 15e-1, 0.15E+1, 150e-2]", "[1.5,1.5,1.5,1.5]" },
        { "[-0, -0.0, 0e5, -0E-3]", "[0,0,0,0]" },
        { "123456789012345678901", "123456789012345680000" },
        { "[9007199254740993, 9223372036854775807, -9223372036854775808]",
          "[9007199254740992,9223372036854776000,-9223372036854776000]" },
        { "[99999999999999999999999999999999]", "[1e+32]" },
        { "1e-400", "0" },
        { "0.1000000000000000055511151231257827021181583404541015625", "0.1" },
        { " \t\r\n{ \"b\" :\r\n[ ] , \"a\":{}}\n", "{\"a\":{},\"b\":[]}" },
        { "\"\\u00e9\\/\\u0041\\uD83D\\uDE00\"", "\"\xc3\xa9/A\xf0\x9f\x98\x80\"" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = canonical(cases[i].in);
        cr_assert_str_eq(got, cases[i].want, "%s", cases[i].in);
        free(got);
    }
}

static void canonicalize_refuses(const char *text, dacc_status st, const char *pointer,
                                 const char *words)
{
    dacc_buf b;
    dacc_error e;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_buf_append(&b, "kept", 4), DACC_OK);
    cr_assert_eq(dacc_jcs_canonicalize("in.json", text, strlen(text), &b, &e), st, "%s: %s", text,
                 e.message);
    cr_assert_str_eq(e.field, pointer, "%s: %s", text, e.message);
    cr_assert(strstr(e.message, words) != NULL, "%s: %s", text, e.message);
    cr_assert(b.len == 4 && memcmp(b.data, "kept", 4) == 0, "the output was touched");
    dacc_buf_free(&b);
}

Test(jcs, canonicalize_refuses_what_jcs_cannot_hold)
{
    canonicalize_refuses("{\"a\":1,\"\\u0061\":2}", DACC_ERR_INVALID, "/a", "duplicate key");
    canonicalize_refuses("[1e400]", DACC_ERR_RANGE, "/0", "beyond the range of a double");
    canonicalize_refuses("{\"x\":[-1e309]}", DACC_ERR_RANGE, "/x/0", "range");
    canonicalize_refuses("[\"\\ud800\"]", DACC_ERR_PARSE, "/0", "lone surrogate");
    canonicalize_refuses("[\"\\u0000\"]", DACC_ERR_PARSE, "/0", "NUL");
    canonicalize_refuses("[\"\xed\xb2\x80\"]", DACC_ERR_PARSE, "/0", "UTF-8");
    canonicalize_refuses("\xef\xbb\xbf{}", DACC_ERR_PARSE, "", "expected a value");
    canonicalize_refuses("[1,]", DACC_ERR_PARSE, "/1", "expected a value");
    canonicalize_refuses("{\"a\":tru}", DACC_ERR_PARSE, "/a", "expected a value");
    canonicalize_refuses("[.5]", DACC_ERR_PARSE, "/0", "expected a value");
    canonicalize_refuses("[1.]", DACC_ERR_PARSE, "/0", "after its point");
    canonicalize_refuses("[1e]", DACC_ERR_PARSE, "/0", "exponent");
    canonicalize_refuses("{} []", DACC_ERR_PARSE, "", "trailing data");
}

Test(jcs, canonicalize_locates_lines)
{
    const char *text = "{\n  \"a\": 1,\n  \"a\": 2\n}\n";
    dacc_buf b;
    dacc_error e;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_jcs_canonicalize("c.json", text, strlen(text), &b, &e), DACC_ERR_INVALID);
    cr_assert_str_eq(e.message, "c.json:3: field \"/a\": duplicate key");
    cr_assert_eq(e.line, 3);
    cr_assert_eq(e.column, 3);
    dacc_buf_free(&b);
}

/* ---- write ------------------------------------------------------------------ */

static void assert_written(const json_t *v, const char *want)
{
    dacc_buf b;
    dacc_error e;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_jcs_write(v, &b, &e), DACC_OK, "%s", e.message);
    cr_assert_str_eq(b.len > 0 ? b.data : "", want);
    dacc_buf_free(&b);
}

Test(jcs, write_sorts_members_by_utf16_and_escapes_minimally)
{
    json_t *o = json_object();
    json_object_set_new(o, "\xef\xbf\xbf", json_integer(1));
    json_object_set_new(o, "b", json_integer(2));
    json_object_set_new(o, "\xf0\x9f\x98\x80", json_integer(3));
    json_object_set_new(o, "a", json_integer(4));
    json_object_set_new(o, "ab", json_integer(5));
    json_object_set_new(o, "\xc3\xa9", json_integer(6));
    assert_written(o, "{\"a\":4,\"ab\":5,\"b\":2,\"\xc3\xa9\":6,\"\xf0\x9f\x98\x80\":3,"
                      "\"\xef\xbf\xbf\":1}");
    json_decref(o);

    char all[0x20 + 4];
    for (int c = 1; c < 0x20; c++)
        all[c - 1] = (char)c;
    memcpy(all + 0x1f, "\"\\/\x7f", 4);
    json_t *s = json_stringn(all, sizeof all - 1);
    assert_written(s, "\"\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
                      "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017"
                      "\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\\"\\\\/\x7f\"");
    json_decref(s);
    /* A NUL the caller put in is written as the RFC says (no reader takes it). */
    s = json_stringn("a\0b", 3);
    assert_written(s, "\"a\\u0000b\"");
    json_decref(s);
}

Test(jcs, write_numbers)
{
    json_t *a = json_pack("[IIIIIfffi]", (json_int_t)9007199254740992LL,
                          (json_int_t)9007199254740993LL, (json_int_t)-9007199254740993LL,
                          (json_int_t)INT64_MAX, (json_int_t)INT64_MIN, 1e21, -0.0, 0.000001, 7);
    cr_assert_not_null(a);
    assert_written(a, "[9007199254740992,9007199254740992,-9007199254740992,9223372036854776000,"
                      "-9223372036854776000,1e+21,0,0.000001,7]");
    json_decref(a);
}

Test(jcs, write_refuses_invalid_utf8_and_keeps_the_output)
{
    json_t *o = json_pack("{s:[i,o]}", "list", 1, json_stringn_nocheck("\xff", 1));
    dacc_buf b;
    dacc_error e;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_buf_append(&b, "kept", 4), DACC_OK);
    cr_assert_eq(dacc_jcs_write(o, &b, &e), DACC_ERR_INVALID);
    cr_assert_str_eq(e.message, "field \"/list/1\": a string that is not valid UTF-8");
    cr_assert(b.len == 4 && strcmp(b.data, "kept") == 0);
    json_decref(o);
    o = json_object();
    json_object_setn_new_nocheck(o, "\xc3", 1, json_null());
    cr_assert_eq(dacc_jcs_write(o, &b, &e), DACC_ERR_INVALID);
    cr_assert(strstr(e.message, "member name") != NULL, "%s", e.message);
    json_decref(o);
    dacc_buf_free(&b);
}

Test(jcs, write_stops_at_the_output_cap)
{
    json_t *o = json_pack("{s:i}", "abc", 1);
    dacc_buf b;
    dacc_error e;
    dacc_buf_init(&b, 8);
    cr_assert_eq(dacc_jcs_write(o, &b, &e), DACC_ERR_LIMIT);
    cr_assert_eq(b.len, 0, "a buffer that fails empties itself");
    dacc_buf_init(&b, 9);
    cr_assert_eq(dacc_jcs_write(o, &b, &e), DACC_OK);
    cr_assert_str_eq(b.data, "{\"abc\":1}");
    dacc_buf_free(&b);
    json_decref(o);
}
