#include "dacc/jcs.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "utf8.h"

/* The number writer relies on correctly rounded binary-decimal conversion
 * in printf and strtod, which Annex F (IEC 60559) of C11 requires for the
 * 17 significant digits used here and glibc and musl provide. */
#if !defined(__STDC_IEC_559__)
#error "dacc_jcs_number needs IEC 60559 (Annex F) floating point"
#endif

/* ---- numbers ---------------------------------------------------------- */

static uint64_t pow10_u64(int k)
{
    uint64_t p = 1;
    while (k-- > 0)
        p *= 10;
    return p;
}

/* A decimal s * 10^e with k significant digits (10^(k-1) <= s < 10^k). */
typedef struct decimal {
    uint64_t s;
    int e;
    int k;
} decimal;

/* The double nearest to d. The text has no decimal point, so strtod reads
 * it the same way in every locale. */
static double decimal_value(decimal d)
{
    char text[48];
    snprintf(text, sizeof text, "%" PRIu64 "e%d", d.s, d.e);
    return strtod(text, NULL);
}

/* The k-digit decimal nearest to v > 0: printf rounds correctly, ties to
 * even. Digits are read around whatever decimal point the locale prints. */
static decimal nearest_decimal(double v, int k)
{
    char text[48];
    snprintf(text, sizeof text, "%.*e", k - 1, v);
    decimal d = { 0, 0, k };
    const char *c = text;
    for (; *c != 'e' && *c != '\0'; c++)
        if (*c >= '0' && *c <= '9')
            d.s = d.s * 10 + (uint64_t)(*c - '0');
    d.e = (int)strtol(c + 1, NULL, 10) - (k - 1);
    return d;
}

/* The k-digit decimal next to d, above it or below it. */
static decimal neighbour(decimal d, int up)
{
    if (up && ++d.s == pow10_u64(d.k)) {
        d.s = pow10_u64(d.k - 1);
        d.e++;
    } else if (!up && d.s-- == pow10_u64(d.k - 1)) {
        d.s = pow10_u64(d.k) - 1;
        d.e--;
    }
    return d;
}

/* The k-digit decimal that reads back as v, if any: the nearest, or,
 * where the interval is lopsided, the nearest on the other side. */
static bool reads_back(double v, int k, int lopsided, decimal *out)
{
    decimal d = nearest_decimal(v, k);
    double back = decimal_value(d);
    if (back == v)
        return *out = d, true;
    if (lopsided) {
        decimal other = neighbour(d, back < v);
        if (decimal_value(other) == v)
            return *out = other, true;
    }
    return false;
}

/* ECMA-262 7.1.12.1 step 5 with Note 2: the fewest digits k such that some
 * k-digit decimal reads back as v, and of those decimals the one closest to
 * v. The reals that read back as v form an interval around v, so if any
 * k-digit decimal lies in it, the nearest k-digit decimal n does, or else
 * (when n falls outside on its side) the nearest on the other side of v
 * does. Only where the interval is lopsided can the other side hold one
 * when n misses: at a power of two, whose lower neighbour is twice as close
 * as its upper one. Elsewhere the interval is symmetric, and n, being the
 * nearest, is in it whenever any k-digit decimal is. Seventeen digits
 * always suffice for a double. */
static decimal shortest_decimal(double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int lopsided = (bits & ((1ULL << 52) - 1)) == 0 && (bits >> 52) > 1;
    /* Whether some k-digit decimal reads back as v only grows with k (a
     * k-digit one is a (k+1)-digit one, and the nearest (k+1)-digit one
     * on its side of v is no farther), so the fewest digits are found by
     * bisection: five probes, each a printf and a strtod, where trying
     * every k from 1 took up to seventeen. */
    decimal best = nearest_decimal(v, 17);
    int lo = 1, hi = 17;
    while (lo < hi) {
        int k = (lo + hi) / 2;
        decimal d;
        if (reads_back(v, k, lopsided, &d))
            hi = k, best = d;
        else
            lo = k + 1;
    }
    return best; /* 17 digits always read back: the nearest ones */
}

static size_t put_zeros(char *out, size_t o, int n)
{
    for (int i = 0; i < n; i++)
        out[o++] = '0';
    return o;
}

/* ECMA-262 7.1.12.1 steps 6 to 10: the digits of d laid out with n, the
 * position of the decimal point, being d.e + d.k. */
static size_t layout(decimal d, char *out, size_t o)
{
    char digits[24];
    snprintf(digits, sizeof digits, "%" PRIu64, d.s);
    int k = d.k, n = d.e + d.k;
    if (k <= n && n <= 21) {
        memcpy(out + o, digits, (size_t)k);
        return put_zeros(out, o + (size_t)k, n - k);
    }
    if (0 < n && n <= 21) {
        memcpy(out + o, digits, (size_t)n);
        out[o + (size_t)n] = '.';
        memcpy(out + o + (size_t)n + 1, digits + n, (size_t)(k - n));
        return o + (size_t)k + 1;
    }
    if (-6 < n && n <= 0) {
        out[o++] = '0';
        out[o++] = '.';
        o = put_zeros(out, o, -n);
        memcpy(out + o, digits, (size_t)k);
        return o + (size_t)k;
    }
    out[o++] = digits[0];
    if (k > 1) {
        out[o++] = '.';
        memcpy(out + o, digits + 1, (size_t)(k - 1));
        o += (size_t)(k - 1);
    }
    return o + (size_t)snprintf(out + o, 8, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
}

size_t dacc_jcs_number(double v, char out[DACC_JCS_NUMBER_MAX])
{
    out[0] = '\0';
    if (!isfinite(v))
        return 0;
    if (v == 0) { /* both zeros */
        out[0] = '0';
        out[1] = '\0';
        return 1;
    }
    size_t o = 0;
    if (v < 0) {
        out[o++] = '-';
        v = -v;
    }
    o = layout(shortest_decimal(v), out, o);
    out[o] = '\0';
    return o;
}

/* ---- JSON Pointers for messages ---------------------------------------- */

/* One step of the path from the document to the value at hand, kept on
 * the C stack by the recursion: a member name, or (key NULL) an index. */
typedef struct path {
    const struct path *up;
    const char *key;
    size_t key_len;
    size_t index;
} path;

enum { POINTER_MAX = 256 };

static void pointer_add(char *out, size_t *o, char c)
{
    if (*o + 1 < POINTER_MAX)
        out[(*o)++] = c;
}

/* Writes the pointer of at into out; a pointer too long is cut short. */
static void pointer_walk(const path *at, char *out, size_t *o)
{
    if (at == NULL)
        return;
    pointer_walk(at->up, out, o);
    char index[24];
    const char *s = at->key;
    size_t n = at->key_len;
    if (s == NULL) {
        n = (size_t)snprintf(index, sizeof index, "%zu", at->index);
        s = index;
    }
    pointer_add(out, o, '/');
    for (size_t i = 0; i < n; i++) {
        /* RFC 6901: "~" is written "~0" and "/" is written "~1". */
        if (s[i] == '~' || s[i] == '/') {
            pointer_add(out, o, '~');
            pointer_add(out, o, s[i] == '~' ? '0' : '1');
        } else {
            pointer_add(out, o, s[i]);
        }
    }
}

/* Fills err with `file:line: field "/pointer": message`, line 0 being left
 * out, and the byte position in err->column. */
static dacc_status fail_at(dacc_error *err, dacc_status st, const char *file, unsigned long line,
                           unsigned long column, const path *at, const char *fmt, va_list ap)
{
    if (err == NULL)
        return st;
    char ptr[POINTER_MAX];
    size_t o = 0;
    pointer_walk(at, ptr, &o);
    ptr[o] = '\0';
    char msg[DACC_ERROR_MSG_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    dacc_error_field(err, st, file, line, "field", ptr, "%s", msg);
    err->column = column;
    return st;
}

/* ---- writing ---------------------------------------------------------- */

typedef struct writer {
    dacc_buf *out;
    dacc_error *err;
} writer;

static dacc_status write_fail(writer *w, dacc_status st, const path *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static dacc_status write_fail(writer *w, dacc_status st, const path *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_at(w->err, st, NULL, 0, 0, at, fmt, ap);
    va_end(ap);
    return st;
}

static dacc_status put(writer *w, const void *data, size_t len)
{
    dacc_status st = dacc_buf_append(w->out, data, len);
    if (st == DACC_ERR_LIMIT)
        return dacc_error_set(w->err, st, "canonical JSON exceeds the output cap of %zu bytes",
                              w->out->max);
    if (st != DACC_OK)
        return dacc_error_set(w->err, st, "out of memory writing canonical JSON");
    return DACC_OK;
}

/* The escape of a byte that needs one, in esc; returns its length. */
static size_t escape(unsigned char c, char esc[8])
{
    esc[0] = '\\';
    switch (c) {
    case '"':
    case '\\':
        esc[1] = (char)c;
        return 2;
    case '\b':
        esc[1] = 'b';
        return 2;
    case '\t':
        esc[1] = 't';
        return 2;
    case '\n':
        esc[1] = 'n';
        return 2;
    case '\f':
        esc[1] = 'f';
        return 2;
    case '\r':
        esc[1] = 'r';
        return 2;
    }
    return (size_t)snprintf(esc, 8, "\\u%04x", c);
}

/* RFC 8785 section 3.2.2.2: only '"', '\' and the controls below U+0020
 * are escaped, five of them by their short forms and the rest as \u00xx in
 * lowercase; everything else, U+007F and non-ASCII included, is written as
 * it is. s is valid UTF-8. */
static dacc_status write_string(writer *w, const char *s, size_t len)
{
    dacc_status st = put(w, "\"", 1);
    size_t run = 0; /* start of the bytes not yet written */
    for (size_t i = 0; i < len && st == DACC_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        char esc[8];
        size_t n = escape(c, esc);
        st = put(w, s + run, i - run);
        if (st == DACC_OK)
            st = put(w, esc, n);
        run = i + 1;
    }
    if (st == DACC_OK)
        st = put(w, s + run, len - run);
    return st == DACC_OK ? put(w, "\"", 1) : st;
}

/* The code point of the valid UTF-8 sequence at s. */
static uint32_t decode_utf8(const unsigned char *s)
{
    if (s[0] < 0x80)
        return s[0];
    if (s[0] < 0xE0)
        return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    if (s[0] < 0xF0)
        return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
           (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
}

/* Where c falls in UTF-16 code unit order: code points above U+FFFF begin
 * with a surrogate (U+D800 to U+DBFF), so they sort before U+E000..U+FFFF
 * although UTF-8 (code point) order puts them after. */
static uint32_t utf16_rank(uint32_t c)
{
    return c >= 0xE000 && c <= 0xFFFF ? c + 0x200000 : c;
}

/* RFC 8785 section 3.2.3: names compared as arrays of UTF-16 code units.
 * Both are valid UTF-8. The first differing byte lies in the first
 * differing code point, which decides. */
static int compare_names(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen, i = 0;
    while (i < n && a[i] == b[i])
        i++;
    if (i == n)
        return alen < blen ? -1 : alen > blen;
    /* The bytes before i are shared, so both code points start at i. */
    while (i > 0 && ((unsigned char)a[i] & 0xC0) == 0x80)
        i--;
    uint32_t ra = utf16_rank(decode_utf8((const unsigned char *)a + i));
    uint32_t rb = utf16_rank(decode_utf8((const unsigned char *)b + i));
    return ra < rb ? -1 : ra > rb;
}

typedef struct member {
    const char *key;
    size_t len;
    const json_t *value;
} member;

static int member_order(const void *x, const void *y)
{
    const member *a = x, *b = y;
    return compare_names(a->key, a->len, b->key, b->len);
}

static dacc_status write_value(writer *w, const json_t *v, const path *at, unsigned depth);

/* The members of an object, sorted, in a new array; *n is their count. */
static dacc_status sorted_members(writer *w, const json_t *obj, const path *at, member **out,
                                  size_t *n)
{
    *n = json_object_size(obj);
    member *m = calloc(*n > 0 ? *n : 1, sizeof *m);
    if (m == NULL)
        return dacc_error_set(w->err, DACC_ERR_NOMEM, "out of memory writing canonical JSON");
    size_t i = 0;
    for (void *it = json_object_iter((json_t *)obj); it != NULL && i < *n;
         it = json_object_iter_next((json_t *)obj, it), i++) {
        m[i].key = json_object_iter_key(it);
        m[i].len = json_object_iter_key_len(it);
        m[i].value = json_object_iter_value(it);
        if (!dacc_utf8_valid(m[i].key, m[i].len, NULL)) {
            free(m);
            return write_fail(w, DACC_ERR_INVALID, at, "a member name that is not valid UTF-8");
        }
    }
    qsort(m, *n, sizeof *m, member_order);
    *out = m;
    return DACC_OK;
}

static dacc_status write_object(writer *w, const json_t *obj, const path *at, unsigned depth)
{
    member *m = NULL;
    size_t n;
    dacc_status st = sorted_members(w, obj, at, &m, &n);
    if (st != DACC_OK)
        return st;
    st = put(w, "{", 1);
    for (size_t i = 0; i < n && st == DACC_OK; i++) {
        path here = { at, m[i].key, m[i].len, 0 };
        if (i > 0)
            st = put(w, ",", 1);
        if (st == DACC_OK)
            st = write_string(w, m[i].key, m[i].len);
        if (st == DACC_OK)
            st = put(w, ":", 1);
        if (st == DACC_OK)
            st = write_value(w, m[i].value, &here, depth + 1);
    }
    free(m);
    return st == DACC_OK ? put(w, "}", 1) : st;
}

static dacc_status write_array(writer *w, const json_t *arr, const path *at, unsigned depth)
{
    dacc_status st = put(w, "[", 1);
    for (size_t i = 0; i < json_array_size(arr) && st == DACC_OK; i++) {
        path here = { at, NULL, 0, i };
        if (i > 0)
            st = put(w, ",", 1);
        if (st == DACC_OK)
            st = write_value(w, json_array_get(arr, i), &here, depth + 1);
    }
    return st == DACC_OK ? put(w, "]", 1) : st;
}

/* 2^53: every integer up to it in magnitude is a double, printed as itself. */
#define EXACT_INTEGER 9007199254740992LL

static dacc_status write_number(writer *w, const json_t *v, const path *at)
{
    char text[DACC_JCS_NUMBER_MAX];
    size_t n;
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i >= -EXACT_INTEGER && i <= EXACT_INTEGER)
            n = (size_t)snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, i);
        else /* what an ECMAScript reader gets: the nearest double */
            n = dacc_jcs_number((double)i, text);
    } else {
        n = dacc_jcs_number(json_real_value(v), text);
        if (n == 0)
            return write_fail(w, DACC_ERR_RANGE, at, "NaN or an infinity, which JSON cannot hold");
    }
    return put(w, text, n);
}

/* depth is the nesting level v has if it is an array or object, 1 for the
 * document; the cap also stops a value that contains itself. */
static dacc_status write_value(writer *w, const json_t *v, const path *at, unsigned depth)
{
    if ((json_is_object(v) || json_is_array(v)) && depth > DACC_JCS_MAX_DEPTH)
        return write_fail(w, DACC_ERR_LIMIT, at, "nested deeper than %d", DACC_JCS_MAX_DEPTH);
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return write_object(w, v, at, depth);
    case JSON_ARRAY:
        return write_array(w, v, at, depth);
    case JSON_STRING:
        if (!dacc_utf8_valid(json_string_value(v), json_string_length(v), NULL))
            return write_fail(w, DACC_ERR_INVALID, at, "a string that is not valid UTF-8");
        return write_string(w, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
    case JSON_REAL:
        return write_number(w, v, at);
    case JSON_TRUE:
        return put(w, "true", 4);
    case JSON_FALSE:
        return put(w, "false", 5);
    case JSON_NULL:
        return put(w, "null", 4);
    }
    return write_fail(w, DACC_ERR_INVALID, at, "a value of unknown type");
}

/* Puts the buffer back as it was when our own check fails part way; when
 * the buffer failed itself it has already emptied itself. */
static void rewind_buf(dacc_buf *b, size_t len)
{
    if (b->data != NULL && b->len >= len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

dacc_status dacc_jcs_write(const json_t *v, dacc_buf *out, dacc_error *err)
{
    writer w = { out, err };
    size_t start = out->len;
    dacc_status st = write_value(&w, v, NULL, 1);
    if (st != DACC_OK)
        rewind_buf(out, start);
    return st;
}

/* ---- reading ---------------------------------------------------------- */

/* One parser serves both readers: canonicalize reads any JSON (lenient),
 * parse_strict takes only canonical text and says where it is not. */
typedef struct parser {
    const char *name;
    const unsigned char *start, *p, *end;
    int strict;
    dacc_error *err;
    dacc_buf text;                   /* the string value being decoded */
    unsigned long line;              /* line of p (lenient input may have several) */
    const unsigned char *line_start; /* first byte of that line */
} parser;

static dacc_status parse_fail(parser *ps, dacc_status st, const path *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static dacc_status parse_fail(parser *ps, dacc_status st, const path *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (ps->strict) /* one line: the byte offset is the column, and no line is shown */
        fail_at(ps->err, st, ps->name, 0, (unsigned long)(ps->p - ps->start) + 1, at, fmt, ap);
    else
        fail_at(ps->err, st, ps->name, ps->line, (unsigned long)(ps->p - ps->line_start) + 1, at,
                fmt, ap);
    va_end(ap);
    return st;
}

static dacc_status no_memory(parser *ps)
{
    return dacc_error_set(ps->err, DACC_ERR_NOMEM, "%s: out of memory", ps->name);
}

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Between tokens: skips whitespace, or in strict mode refuses it. */
static dacc_status skip_ws(parser *ps, const path *at)
{
    if (ps->strict)
        return ps->p < ps->end && is_ws(*ps->p)
                   ? parse_fail(ps, DACC_ERR_INVALID, at, "not canonical: whitespace")
                   : DACC_OK;
    for (; ps->p < ps->end && is_ws(*ps->p); ps->p++)
        if (*ps->p == '\n') {
            ps->line++;
            ps->line_start = ps->p + 1;
        }
    return DACC_OK;
}

/* Expects the byte c next. */
static dacc_status expect(parser *ps, const path *at, char c, const char *what)
{
    if (ps->p < ps->end && *ps->p == (unsigned char)c) {
        ps->p++;
        return DACC_OK;
    }
    return parse_fail(ps, DACC_ERR_PARSE, at, ps->p < ps->end ? "expected %s" : "ended before %s",
                      what);
}

static int hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The code unit of \uXXXX at q (pointing at the backslash), or -1. */
static long code_unit(const unsigned char *q, const unsigned char *end)
{
    if (end - q < 6 || q[0] != '\\' || q[1] != 'u')
        return -1;
    long u = 0;
    for (int i = 2; i < 6; i++) {
        int h = hex_digit(q[i]);
        if (h < 0)
            return -1;
        u = u * 16 + h;
    }
    return u;
}

static int lowercase_hex(const unsigned char *q)
{
    for (int i = 2; i < 6; i++)
        if (q[i] >= 'A' && q[i] <= 'F')
            return 0;
    return 1;
}

static dacc_status put_utf8(parser *ps, dacc_buf *out, uint32_t c)
{
    unsigned char b[4];
    size_t n;
    if (c < 0x80) {
        b[0] = (unsigned char)c;
        n = 1;
    } else if (c < 0x800) {
        b[0] = (unsigned char)(0xC0 | c >> 6);
        b[1] = (unsigned char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        b[0] = (unsigned char)(0xE0 | c >> 12);
        b[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
        b[2] = (unsigned char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | c >> 18);
        b[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
        b[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
        b[3] = (unsigned char)(0x80 | (c & 0x3F));
        n = 4;
    }
    return dacc_buf_append(out, b, n) == DACC_OK ? DACC_OK : no_memory(ps);
}

/* In strict mode, the \u escape at ps->p, standing for c, must be
 * the one RFC 8785 writes: \uXXXX only for controls without a short form,
 * in lowercase hex. Short escapes were checked by the caller. */
static dacc_status canonical_u_escape(parser *ps, const path *at, const char *what, uint32_t c)
{
    char esc[8];
    if (c >= 0x20 && c != '"' && c != '\\')
        return parse_fail(ps, DACC_ERR_INVALID, at,
                          "not canonical: %s holds U+%04" PRIX32 " escaped, which is written as %s",
                          what, c, c < 0x80 ? "the character itself" : "UTF-8");
    size_t n = escape((unsigned char)c, esc);
    esc[n] = '\0';
    if (n == 2)
        return parse_fail(ps, DACC_ERR_INVALID, at,
                          "not canonical: %s holds \\u%04" PRIx32 ", which is written %s", what, c,
                          esc);
    if (!lowercase_hex(ps->p))
        return parse_fail(ps, DACC_ERR_INVALID, at,
                          "not canonical: %s holds %.6s; \\u escapes use lowercase hex (%s)", what,
                          (const char *)ps->p, esc);
    return DACC_OK;
}

/* A \uXXXX escape, or a pair of them for a code point above U+FFFF. */
static dacc_status u_escape(parser *ps, const path *at, const char *what, dacc_buf *out)
{
    long u = code_unit(ps->p, ps->end);
    if (u < 0)
        return parse_fail(ps, DACC_ERR_PARSE, at, "%s: \\u needs four hex digits", what);
    if (u == 0)
        return parse_fail(ps, DACC_ERR_PARSE, at, "%s holds NUL (\\u0000), which text may not hold",
                          what);
    uint32_t c = (uint32_t)u;
    size_t n = 6;
    if (u >= 0xD800 && u <= 0xDBFF) {
        long lo = code_unit(ps->p + 6, ps->end);
        if (lo < 0xDC00 || lo > 0xDFFF)
            return parse_fail(ps, DACC_ERR_PARSE, at, "%s holds a lone surrogate \\u%04lx", what,
                              u);
        c = 0x10000 + ((uint32_t)(u - 0xD800) << 10) + (uint32_t)(lo - 0xDC00);
        n = 12;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
        return parse_fail(ps, DACC_ERR_PARSE, at, "%s holds a lone surrogate \\u%04lx", what, u);
    }
    if (ps->strict) {
        dacc_status st = canonical_u_escape(ps, at, what, c);
        if (st != DACC_OK)
            return st;
    }
    ps->p += n;
    return put_utf8(ps, out, c);
}

/* A backslash escape at ps->p. */
static dacc_status escape_seq(parser *ps, const path *at, const char *what, dacc_buf *out)
{
    if (ps->end - ps->p < 2)
        return parse_fail(ps, DACC_ERR_PARSE, at, "%s ends inside an escape", what);
    unsigned char e = ps->p[1];
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *k = e != 0 ? strchr(from, e) : NULL;
    if (e == 'u')
        return u_escape(ps, at, what, out);
    if (k == NULL)
        return parse_fail(ps, DACC_ERR_PARSE, at, "%s holds an unknown escape \\%c", what,
                          e >= 0x20 && e < 0x7F ? e : '?');
    if (ps->strict && e == '/')
        return parse_fail(ps, DACC_ERR_INVALID, at, "not canonical: %s holds \\/, written /", what);
    ps->p += 2;
    return dacc_buf_putc(out, to[k - from]) == DACC_OK ? DACC_OK : no_memory(ps);
}

/* The string at ps->p (its opening quote), decoded into out (reset
 * first). what names it in messages ("a string", "a member name"). */
static dacc_status parse_string(parser *ps, const path *at, const char *what, dacc_buf *out)
{
    dacc_buf_reset(out);
    ps->p++;
    for (;;) {
        const unsigned char *run = ps->p;
        while (ps->p < ps->end && *ps->p >= 0x20 && *ps->p < 0x80 && *ps->p != '"' &&
               *ps->p != '\\')
            ps->p++;
        if (dacc_buf_append(out, run, (size_t)(ps->p - run)) != DACC_OK)
            return no_memory(ps);
        if (ps->p == ps->end)
            return parse_fail(ps, DACC_ERR_PARSE, at, "%s has no closing quote", what);
        unsigned char c = *ps->p;
        dacc_status st = DACC_OK;
        if (c == '"') {
            ps->p++;
            return DACC_OK;
        } else if (c == '\\') {
            st = escape_seq(ps, at, what, out);
        } else if (c < 0x20) {
            st = parse_fail(ps, DACC_ERR_PARSE, at, "%s holds the raw byte 0x%02x%s", what, c,
                            c == 0 ? " (NUL)" : ", which JSON writes escaped");
        } else {
            size_t n = utf8_seq_len(ps->p, (size_t)(ps->end - ps->p));
            if (n == 0)
                return parse_fail(ps, DACC_ERR_PARSE, at, "%s is not valid UTF-8", what);
            if (dacc_buf_append(out, ps->p, n) != DACC_OK)
                return no_memory(ps);
            ps->p += n;
        }
        if (st != DACC_OK)
            return st;
    }
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* The syntax of a JSON number at ps->p (RFC 8259 section 6), which it
 * passes; tells whether it has a fraction or an exponent. */
static dacc_status number_syntax(parser *ps, const path *at, int *frac, int *exp)
{
    const unsigned char *q = ps->p, *end = ps->end;
    *frac = *exp = 0;
    if (q < end && *q == '-')
        q++;
    if (q == end || !is_digit(*q))
        return parse_fail(ps, DACC_ERR_PARSE, at, "a number without digits");
    if (*q == '0' && q + 1 < end && is_digit(q[1]))
        return parse_fail(ps, DACC_ERR_PARSE, at, "a number with a leading zero");
    while (q < end && is_digit(*q))
        q++;
    if (q < end && *q == '.') {
        *frac = 1;
        if (++q == end || !is_digit(*q))
            return parse_fail(ps, DACC_ERR_PARSE, at, "a number without digits after its point");
        while (q < end && is_digit(*q))
            q++;
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        *exp = 1;
        if (++q < end && (*q == '+' || *q == '-'))
            q++;
        if (q == end || !is_digit(*q))
            return parse_fail(ps, DACC_ERR_PARSE, at, "a number without digits in its exponent");
        while (q < end && is_digit(*q))
            q++;
    }
    ps->p = q;
    return DACC_OK;
}

/* The integer s[0..n) (an optional '-' then digits) when its magnitude is
 * at most max; 0 when it is larger. */
static int integer_within(const unsigned char *s, size_t n, uint64_t max, json_int_t *v)
{
    int neg = s[0] == '-';
    uint64_t m = 0;
    for (size_t i = (size_t)neg; i < n; i++) {
        if (m > (max - (uint64_t)(s[i] - '0')) / 10)
            return 0;
        m = m * 10 + (uint64_t)(s[i] - '0');
    }
    /* -m computed in unsigned arithmetic: fine down to -2^63. */
    *v = neg ? (json_int_t)(0 - m) : (json_int_t)m;
    return 1;
}

/* The exponent digits at s[0..n) with their sign, held within +-10^9: a
 * larger one makes every number of any sane length zero or infinite anyway. */
static long exponent_value(const unsigned char *s, size_t n)
{
    int neg = n > 0 && s[0] == '-';
    long e = 0;
    for (size_t i = n > 0 && (s[0] == '-' || s[0] == '+'); i < n; i++)
        e = e < 1000000000L ? e * 10 + (s[i] - '0') : e;
    return neg ? -e : e;
}

/* What JSON.parse reads for the number s[0..n): the nearest double. strtod
 * gets the digits without their point ("12.5e3" as "125e2"), so that the
 * locale's decimal point plays no part. */
static dacc_status number_double(parser *ps, const path *at, const unsigned char *s, size_t n,
                                 double *v)
{
    char small[96];
    char *text = n + 24 <= sizeof small ? small : malloc(n + 24);
    if (text == NULL)
        return no_memory(ps);
    size_t o = 0, i = 0;
    long frac_digits = 0;
    int in_frac = 0;
    for (; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == '.') {
            in_frac = 1;
        } else {
            text[o++] = (char)s[i];
            frac_digits += in_frac;
        }
    }
    long e = i < n ? exponent_value(s + i + 1, n - i - 1) : 0;
    snprintf(text + o, 24, "e%ld", e - frac_digits);
    *v = strtod(text, NULL);
    if (text != small)
        free(text);
    if (!isfinite(*v)) /* an underflow to zero is the nearest double: fine */
        return parse_fail(ps, DACC_ERR_RANGE, at,
                          "a number beyond the range of a double (ECMAScript reads an infinity)");
    return DACC_OK;
}

/* Strict mode takes integers of magnitude up to 2^53 - 1 written as
 * dacc_jcs_write writes them, and nothing else. */
static dacc_status strict_number(parser *ps, const path *at, const unsigned char *s, size_t n,
                                 int frac, int exp, json_int_t *v)
{
    if (frac)
        return parse_fail(ps, DACC_ERR_INVALID, at,
                          "a number with a fraction; money is a decimal string");
    if (exp)
        return parse_fail(ps, DACC_ERR_INVALID, at,
                          "a number with an exponent; money is a decimal string");
    if (n == 2 && s[0] == '-' && s[1] == '0')
        return parse_fail(ps, DACC_ERR_INVALID, at, "not canonical: -0 is written 0");
    if (!integer_within(s, n, (uint64_t)DACC_JCS_SAFE_INTEGER, v))
        return parse_fail(ps, DACC_ERR_RANGE, at,
                          "an integer beyond 2^53-1 in magnitude; large amounts are decimal "
                          "strings");
    return DACC_OK;
}

static dacc_status parse_number(parser *ps, const path *at, json_t **out)
{
    const unsigned char *s = ps->p;
    int frac, exp;
    dacc_status st = number_syntax(ps, at, &frac, &exp);
    size_t n = (size_t)(ps->p - s);
    json_int_t i = 0;
    if (st == DACC_OK && ps->strict) {
        ps->p = s; /* messages point at the number, not past it */
        st = strict_number(ps, at, s, n, frac, exp, &i);
        ps->p = s + n;
        if (st == DACC_OK)
            *out = json_integer(i);
    } else if (st == DACC_OK && !frac && !exp &&
               integer_within(s, n, s[0] == '-' ? (uint64_t)1 << 63 : ((uint64_t)1 << 63) - 1,
                              &i)) {
        *out = json_integer(i); /* exact; dacc_jcs_write rounds it as a double would */
    } else if (st == DACC_OK) {
        double d = 0;
        ps->p = s;
        st = number_double(ps, at, s, n, &d);
        ps->p = s + n;
        if (st == DACC_OK)
            *out = json_real(d);
    }
    if (st == DACC_OK && *out == NULL)
        return no_memory(ps);
    return st;
}

static dacc_status parse_value(parser *ps, const path *at, unsigned depth, json_t **out);

/* The value of a member or element, then the whitespace after it. On
 * failure nothing is left for the caller to release. */
static dacc_status parse_child(parser *ps, const path *at, unsigned depth, json_t **out)
{
    dacc_status st = parse_value(ps, at, depth, out);
    if (st == DACC_OK && (st = skip_ws(ps, at)) != DACC_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return st;
}

/* Reads `"name"` and checks it against the previous name of the object:
 * in strict mode it must sort after it, otherwise it must be new. */
static dacc_status member_name(parser *ps, const path *at, const json_t *obj, const dacc_buf *prev,
                               int first, dacc_buf *name)
{
    if (ps->p == ps->end || *ps->p != '"')
        return expect(ps, at, '"', "a member name");
    const unsigned char *start = ps->p;
    dacc_status st = parse_string(ps, at, "a member name", name);
    if (st != DACC_OK)
        return st;
    const char *key = name->len > 0 ? name->data : "";
    path here = { at, key, name->len, 0 };
    const unsigned char *after = ps->p;
    ps->p = start;
    if (ps->strict && !first) {
        int c = compare_names(prev->len > 0 ? prev->data : "", prev->len, key, name->len);
        if (c == 0)
            st = parse_fail(ps, DACC_ERR_INVALID, &here, "duplicate key");
        else if (c > 0)
            st = parse_fail(ps, DACC_ERR_INVALID, &here, "not canonical: members out of order");
    } else if (!ps->strict && json_object_getn(obj, key, name->len) != NULL) {
        st = parse_fail(ps, DACC_ERR_INVALID, &here, "duplicate key");
    }
    ps->p = after;
    return st;
}

/* One member, from its name to the whitespace after its value. name holds
 * its name afterwards. */
static dacc_status parse_member(parser *ps, const path *at, unsigned depth, json_t *obj,
                                const dacc_buf *prev, int first, dacc_buf *name)
{
    dacc_status st = member_name(ps, at, obj, prev, first, name);
    const char *key = name->len > 0 ? name->data : "";
    path here = { at, key, name->len, 0 };
    if (st == DACC_OK)
        st = skip_ws(ps, &here);
    if (st == DACC_OK)
        st = expect(ps, &here, ':', "':' after the member name");
    if (st == DACC_OK)
        st = skip_ws(ps, &here);
    json_t *v = NULL;
    if (st == DACC_OK)
        st = parse_child(ps, &here, depth + 1, &v);
    if (st == DACC_OK && json_object_setn_new_nocheck(obj, key, name->len, v) != 0)
        return no_memory(ps); /* jansson released v */
    return st;
}

static dacc_status parse_members(parser *ps, const path *at, unsigned depth, json_t *obj)
{
    dacc_buf names[2]; /* this member's name and the one before */
    dacc_buf_init(&names[0], 0);
    dacc_buf_init(&names[1], 0);
    dacc_status st = DACC_OK;
    for (int i = 0; st == DACC_OK; i++) {
        st = parse_member(ps, at, depth, obj, &names[(i + 1) % 2], i == 0, &names[i % 2]);
        if (st != DACC_OK || (ps->p < ps->end && *ps->p == '}'))
            break;
        st = expect(ps, at, ',', "',' or '}' after a member");
        if (st == DACC_OK)
            st = skip_ws(ps, at);
    }
    dacc_buf_free(&names[0]);
    dacc_buf_free(&names[1]);
    return st;
}

static dacc_status parse_object(parser *ps, const path *at, unsigned depth, json_t **out)
{
    json_t *obj = json_object();
    if (obj == NULL)
        return no_memory(ps);
    ps->p++;
    dacc_status st = skip_ws(ps, at);
    if (st == DACC_OK && (ps->p == ps->end || *ps->p != '}'))
        st = parse_members(ps, at, depth, obj);
    if (st == DACC_OK)
        st = expect(ps, at, '}', "'}'");
    if (st != DACC_OK) {
        json_decref(obj);
        return st;
    }
    *out = obj;
    return DACC_OK;
}

static dacc_status parse_elements(parser *ps, const path *at, unsigned depth, json_t *arr)
{
    dacc_status st = DACC_OK;
    for (size_t i = 0; st == DACC_OK; i++) {
        path here = { at, NULL, 0, i };
        json_t *v = NULL;
        st = parse_child(ps, &here, depth + 1, &v);
        if (st == DACC_OK && json_array_append_new(arr, v) != 0)
            return no_memory(ps);
        if (st != DACC_OK || (ps->p < ps->end && *ps->p == ']'))
            break;
        st = expect(ps, at, ',', "',' or ']' after an element");
        if (st == DACC_OK)
            st = skip_ws(ps, at);
    }
    return st;
}

static dacc_status parse_array(parser *ps, const path *at, unsigned depth, json_t **out)
{
    json_t *arr = json_array();
    if (arr == NULL)
        return no_memory(ps);
    ps->p++;
    dacc_status st = skip_ws(ps, at);
    if (st == DACC_OK && (ps->p == ps->end || *ps->p != ']'))
        st = parse_elements(ps, at, depth, arr);
    if (st == DACC_OK)
        st = expect(ps, at, ']', "']'");
    if (st != DACC_OK) {
        json_decref(arr);
        return st;
    }
    *out = arr;
    return DACC_OK;
}

static dacc_status parse_literal(parser *ps, const path *at, json_t **out)
{
    static const char *const words[] = { "true", "false", "null" };
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, words[i], n) == 0) {
            ps->p += n;
            *out = i == 0 ? json_true() : i == 1 ? json_false() : json_null();
            return DACC_OK;
        }
    }
    return parse_fail(ps, DACC_ERR_PARSE, at, "expected a value");
}

/* depth is the nesting level of the value if it is an array or object. */
static dacc_status parse_value(parser *ps, const path *at, unsigned depth, json_t **out)
{
    if (ps->p == ps->end)
        return parse_fail(ps, DACC_ERR_PARSE, at, "ended before a value");
    unsigned char c = *ps->p;
    if ((c == '{' || c == '[') && depth > DACC_JCS_MAX_DEPTH)
        return parse_fail(ps, DACC_ERR_LIMIT, at, "nested deeper than %d", DACC_JCS_MAX_DEPTH);
    if (c == '{')
        return parse_object(ps, at, depth, out);
    if (c == '[')
        return parse_array(ps, at, depth, out);
    if (c == '-' || is_digit(c))
        return parse_number(ps, at, out);
    if (c != '"')
        return parse_literal(ps, at, out);
    dacc_status st = parse_string(ps, at, "a string", &ps->text);
    if (st != DACC_OK)
        return st;
    *out = json_stringn_nocheck(ps->text.len > 0 ? ps->text.data : "", ps->text.len);
    return *out != NULL ? DACC_OK : no_memory(ps);
}

/* The whole document: one value, with nothing but (lenient) whitespace
 * around it. */
static dacc_status parse_document(const char *name, const char *data, size_t len, int strict,
                                  json_t **out, dacc_error *err)
{
    const unsigned char *bytes = (const unsigned char *)data;
    parser ps = { .name = name,
                  .start = bytes,
                  .p = bytes,
                  .end = bytes + len,
                  .strict = strict,
                  .err = err,
                  .line = 1,
                  .line_start = bytes };
    dacc_buf_init(&ps.text, 0);
    json_t *v = NULL;
    dacc_status st = skip_ws(&ps, NULL);
    if (st == DACC_OK)
        st = parse_child(&ps, NULL, 1, &v);
    if (st == DACC_OK && ps.p != ps.end)
        st = parse_fail(&ps, DACC_ERR_PARSE, NULL, "trailing data after the value");
    dacc_buf_free(&ps.text);
    if (st != DACC_OK) {
        json_decref(v);
        return st;
    }
    *out = v;
    return DACC_OK;
}

dacc_status dacc_jcs_canonicalize(const char *name, const char *data, size_t len, dacc_buf *out,
                                  dacc_error *err)
{
    json_t *v;
    dacc_status st = parse_document(name, data, len, 0, &v, err);
    if (st != DACC_OK)
        return st;
    st = dacc_jcs_write(v, out, err);
    json_decref(v);
    if (st != DACC_OK)
        dacc_error_prefix(err, "%s: ", name);
    return st;
}

dacc_status dacc_jcs_parse_strict(const char *name, const char *data, size_t len, json_t **out,
                                  dacc_error *err)
{
    return parse_document(name, data, len, 1, out, err);
}
