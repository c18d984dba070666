/* The arena JSON reader (vjson.h). */
#include <stdlib.h>
#include <string.h>

#include "vjson.h"

typedef struct {
    dacc_arena *a;
    const char *file, *start, *p, *end;
    dacc_error *err;
    int nomem;
} vj_ctx;

static dacc_status fail(vj_ctx *c, const char *why)
{
    unsigned long line = 1, col = 1;
    for (const char *q = c->start; q < c->p && q < c->end; q++) {
        if (*q == '\n')
            line++, col = 1;
        else
            col++;
    }
    if (c->nomem)
        return dacc_error_set(c->err, DACC_ERR_NOMEM, "%s: out of memory", c->file);
    return dacc_error_at(c->err, DACC_ERR_PARSE, c->file, line, col, "%s", why);
}

static void blanks(vj_ctx *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static vj_t *node(vj_ctx *c, vj_type t)
{
    vj_t *v = dacc_arena_alloc(c->a, sizeof *v);
    if (!v) {
        c->nomem = 1;
        return NULL;
    }
    *v = (vj_t){ .type = t };
    return v;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        int d = ch >= '0' && ch <= '9'   ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                         : -1;
        if (d < 0)
            return -1;
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return 0;
}

/* Length of the UTF-8 sequence at p (RFC 3629: no overlongs, no
 * surrogates, at most U+10FFFF), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned char b = p[0];
    size_t n = b < 0x80             ? 1
               : (b & 0xE0) == 0xC0 ? 2
               : (b & 0xF0) == 0xE0 ? 3
               : (b & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (!n || (size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if (n == 2 && b < 0xC2)
        return 0;
    if (n == 3) {
        unsigned cp = ((b & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
    }
    if (n == 4) {
        unsigned cp =
            ((b & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
        if (cp < 0x10000 || cp > 0x10FFFF)
            return 0;
    }
    return n;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string at c->p (on its opening quote) into the arena; an escape never
 * makes the text longer than its source, so the source length bounds it. */
static const char *string(vj_ctx *c, size_t *n)
{
    const char *q = ++c->p;
    int plain = 1;
    while (q < c->end && *q != '"') {
        unsigned char b = (unsigned char)*q;
        if (b == '\\') {
            plain = 0;
            if (c->end - q < 2)
                break;
            q += 2;
        } else if (b < 0x20) {
            c->p = q;
            fail(c, "control character in a string");
            return NULL;
        } else {
            size_t k =
                b < 0x80 ? 1 : utf8_len((const unsigned char *)q, (const unsigned char *)c->end);
            if (!k) {
                c->p = q;
                fail(c, "invalid UTF-8 in a string");
                return NULL;
            }
            q += k;
        }
    }
    if (q >= c->end) {
        fail(c, "unterminated string");
        return NULL;
    }
    size_t src = (size_t)(q - c->p);
    char *out = dacc_arena_alloc(c->a, src + 1);
    if (!out) {
        c->nomem = 1;
        fail(c, "");
        return NULL;
    }
    if (plain) {
        memcpy(out, c->p, src);
        out[src] = '\0';
        *n = src;
        c->p = q + 1;
        return out;
    }
    size_t k = 0;
    for (const char *s = c->p; s < q;) {
        if (*s != '\\') {
            out[k++] = *s++;
            continue;
        }
        c->p = s;
        char e = s[1];
        const char *map = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *m = strchr(map, e);
        if (e && m) {
            out[k++] = to[m - map];
            s += 2;
            continue;
        }
        unsigned cp, lo;
        if (e != 'u' || q - s < 6 || hex4(s + 2, &cp)) {
            fail(c, "invalid escape in a string");
            return NULL;
        }
        s += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (q - s < 6 || s[0] != '\\' || s[1] != 'u' || hex4(s + 2, &lo) || lo < 0xDC00 ||
                lo > 0xDFFF) {
                fail(c, "unpaired surrogate in a string");
                return NULL;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            s += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail(c, "unpaired surrogate in a string");
            return NULL;
        }
        if (cp == 0) {
            fail(c, "\\u0000 is not allowed in a string");
            return NULL;
        }
        k += put_utf8(out + k, cp);
    }
    out[k] = '\0';
    *n = k;
    c->p = q + 1;
    return out;
}

static int digits(vj_ctx *c)
{
    const char *s = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
    return c->p > s;
}

static int number(vj_ctx *c)
{
    if (*c->p == '-')
        c->p++;
    if (c->p < c->end && *c->p == '0')
        c->p++;
    else if (!digits(c))
        return 0;
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        if (!digits(c))
            return 0;
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
            c->p++;
        if (!digits(c))
            return 0;
    }
    return 1;
}

static vj_t *value(vj_ctx *c, int depth);

/* The members being read: the first MEMBERS_INLINE in the container's
 * own frame (most OSV objects and arrays are small), more on the heap;
 * copied into the arena when the container closes. */
#define MEMBERS_INLINE 16
typedef struct {
    vj_t **v;
    const char **k;
    size_t n, cap;
    vj_t *v0[MEMBERS_INLINE];
    const char *k0[MEMBERS_INLINE];
} members;

static int push(vj_ctx *c, members *m, const char *key, vj_t *v)
{
    if (m->n == m->cap) {
        size_t cap = 4 * m->cap;
        int inline_ = m->v == m->v0;
        vj_t **nv = inline_ ? malloc(cap * sizeof *nv) : realloc(m->v, cap * sizeof *nv);
        if (nv) {
            if (inline_)
                memcpy(nv, m->v0, m->n * sizeof *nv);
            m->v = nv;
        }
        const char **nk = !nv       ? NULL
                          : inline_ ? malloc(cap * sizeof *nk)
                                    : realloc(m->k, cap * sizeof *nk);
        if (!nk) {
            c->nomem = 1;
            return -1;
        }
        if (inline_)
            memcpy(nk, m->k0, m->n * sizeof *nk);
        m->k = nk;
        m->cap = cap;
    }
    m->k[m->n] = key;
    m->v[m->n++] = v;
    return 0;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether two members share a key: pairwise for small objects, sorted
 * for large ones, so a hostile object cannot make this quadratic. */
static int has_duplicate(vj_ctx *c, const members *m)
{
    if (m->n <= 16) {
        for (size_t i = 1; i < m->n; i++)
            for (size_t j = 0; j < i; j++)
                if (strcmp(m->k[i], m->k[j]) == 0)
                    return 1;
        return 0;
    }
    const char **k = malloc(m->n * sizeof *k);
    if (!k) {
        c->nomem = 1;
        return 1;
    }
    memcpy(k, m->k, m->n * sizeof *k);
    qsort(k, m->n, sizeof *k, key_cmp);
    int dup = 0;
    for (size_t i = 1; i < m->n && !dup; i++)
        dup = strcmp(k[i], k[i - 1]) == 0;
    free(k);
    return dup;
}

static vj_t *close_container(vj_ctx *c, vj_t *v, members *m)
{
    v->n = m->n;
    v->items = dacc_arena_alloc(c->a, (m->n ? m->n : 1) * sizeof *v->items);
    if (v->type == VJ_OBJECT)
        v->keys = dacc_arena_alloc(c->a, (m->n ? m->n : 1) * sizeof *v->keys);
    if (!v->items || (v->type == VJ_OBJECT && !v->keys)) {
        c->nomem = 1;
        return NULL;
    }
    if (m->n) {
        memcpy(v->items, m->v, m->n * sizeof *v->items);
        if (v->type == VJ_OBJECT)
            memcpy(v->keys, m->k, m->n * sizeof *v->keys);
    }
    return v;
}

static vj_t *container(vj_ctx *c, int depth, int is_obj)
{
    if (depth >= VJ_MAX_DEPTH) {
        fail(c, "nested too deep");
        return NULL;
    }
    vj_t *v = node(c, is_obj ? VJ_OBJECT : VJ_ARRAY);
    members m;
    m.v = m.v0;
    m.k = m.k0;
    m.n = 0;
    m.cap = MEMBERS_INLINE;
    char close = is_obj ? '}' : ']';
    c->p++;
    blanks(c);
    int ok = v != NULL;
    if (ok && c->p < c->end && *c->p == close) {
        c->p++;
    } else {
        while (ok) {
            const char *key = NULL;
            size_t kn;
            blanks(c);
            if (is_obj) {
                if (c->p >= c->end || *c->p != '"') {
                    ok = 0, fail(c, "expected a string key");
                    break;
                }
                if (!(key = string(c, &kn))) {
                    ok = 0;
                    break;
                }
                blanks(c);
                if (c->p >= c->end || *c->p != ':') {
                    ok = 0, fail(c, "expected ':'");
                    break;
                }
                c->p++;
            }
            vj_t *item = value(c, depth + 1);
            if (!item || push(c, &m, key, item) != 0) {
                ok = 0;
                if (c->nomem)
                    fail(c, "");
                break;
            }
            blanks(c);
            if (c->p < c->end && *c->p == ',') {
                c->p++;
                continue;
            }
            if (c->p < c->end && *c->p == close) {
                c->p++;
                break;
            }
            ok = 0, fail(c, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    if (ok && is_obj && has_duplicate(c, &m))
        ok = 0, fail(c, "duplicate object key");
    if (ok)
        v = close_container(c, v, &m);
    if (ok && !v)
        fail(c, "");
    if (m.v != m.v0)
        free(m.v);
    if (m.k != m.k0)
        free(m.k);
    return ok ? v : NULL;
}

static vj_t *literal(vj_ctx *c, const char *word, vj_type t)
{
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0) {
        fail(c, "invalid literal");
        return NULL;
    }
    c->p += n;
    vj_t *v = node(c, t);
    if (!v)
        fail(c, "");
    return v;
}

static vj_t *value(vj_ctx *c, int depth)
{
    blanks(c);
    if (c->p >= c->end) {
        fail(c, "unexpected end of input");
        return NULL;
    }
    switch (*c->p) {
    case '{':
        return container(c, depth, 1);
    case '[':
        return container(c, depth, 0);
    case '"': {
        vj_t *v = node(c, VJ_STRING);
        if (!v) {
            fail(c, "");
            return NULL;
        }
        return (v->s = string(c, &v->n)) ? v : NULL;
    }
    case 't':
        return literal(c, "true", VJ_TRUE);
    case 'f':
        return literal(c, "false", VJ_FALSE);
    case 'n':
        return literal(c, "null", VJ_NULL);
    default:
        if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) {
            if (!number(c)) {
                fail(c, "invalid number");
                return NULL;
            }
            vj_t *v = node(c, VJ_NUMBER);
            if (!v)
                fail(c, "");
            return v;
        }
        fail(c, "unexpected character");
        return NULL;
    }
}

dacc_status vj_parse(dacc_arena *a, const char *file, const char *data, size_t len, vj_t **out,
                     dacc_error *err)
{
    vj_ctx c = { a, file, data, data, data + len, err, 0 };
    dacc_error local;
    dacc_error_clear(&local);
    if (!c.err)
        c.err = &local;
    vj_t *v = value(&c, 0);
    if (!v)
        return c.err->status == DACC_OK ? DACC_ERR_PARSE : c.err->status;
    blanks(&c);
    if (c.p != c.end)
        return fail(&c, "text after the JSON value");
    *out = v;
    return DACC_OK;
}

vj_t *vj_object_get(const vj_t *o, const char *key)
{
    if (!vj_is_object(o))
        return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0)
            return o->items[i];
    return NULL;
}
