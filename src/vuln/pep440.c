/* PEP 440 versions, parsed as packaging.version.VERSION_PATTERN reads them
 * (case-insensitive, blanks around, the alternate spellings of
 * "Normalization") and ordered by packaging's _cmpkey: epoch, release
 * without trailing zeros, pre (a < b < rc; a dev-only release sorts before
 * its pre-releases), post, dev, local. Numbers compare by value at any size,
 * as Python's integers do. The greedy reading below finds what the pattern's
 * backtracking finds: no optional part that it consumes can be needed by
 * the part after it (each later part starts with a letter, '-' + digits
 * that the earlier part would have taken, or '+'). */
#include <string.h>

#include "version_internal.h"

#define PEP_PARTS_MAX (DACC_VULN_VERSION_MAX / 2 + 1)

typedef struct {
    vuln_num epoch;
    size_t nrel, nlocal;
    vuln_num rel[PEP_PARTS_MAX];
    int has_pre, has_post, has_dev;
    int pre_l; /* 0 a, 1 b, 2 rc */
    vuln_num pre_n, post_n, dev_n;
    struct {
        const char *p;
        size_t n;
        int numeric;
    } local[PEP_PARTS_MAX];
} pep_version;

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}
static int is_alnum_l(char c)
{
    return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'z');
}
static int is_sep(char c)
{
    return c == '-' || c == '_' || c == '.';
}
static int is_space(char c)
{
    return c && strchr(" \t\n\v\f\r", c) != NULL;
}

/* Case-insensitive "does s start with word"; returns its length or 0. */
static size_t word(const char *s, const char *w)
{
    size_t i = 0;
    for (; w[i]; i++)
        if (lower(s[i]) != w[i])
            return 0;
    return i;
}

static size_t digits(const char *s)
{
    size_t n = 0;
    while (is_digit(s[n]))
        n++;
    return n;
}

/* The first of words that s starts with, its index in *which; 0 if none. */
static size_t one_of(const char *s, const char *const *words, size_t n, size_t *which)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = word(s, words[i]);
        if (k) {
            *which = i;
            return k;
        }
    }
    return 0;
}

/* [-_.]? LABEL [-_.]? N? at *s; returns whether it matched. */
static int labelled(const char **s, const char *const *words, size_t nwords, size_t *which,
                    vuln_num *num)
{
    const char *p = *s;
    if (is_sep(*p))
        p++;
    size_t k = one_of(p, words, nwords, which);
    if (!k)
        return 0;
    p += k;
    const char *q = p;
    if (is_sep(*q))
        q++;
    size_t d = digits(q);
    if (d) {
        *num = vuln_num_of(q, d);
        p = q + d;
    } else {
        *num = vuln_num_of(p, 0);
        p = q; /* the trailing separator is part of the match */
    }
    *s = p;
    return 1;
}

static dacc_status bad(dacc_error *err, const char *why)
{
    return dacc_error_set(err, DACC_ERR_PARSE, "%s", why);
}

static void parse_pre_post_dev(const char **s, pep_version *v)
{
    static const char *const pre_w[] = { "alpha", "a", "beta", "b", "preview", "pre", "c", "rc" };
    static const int pre_map[] = { 0, 0, 1, 1, 2, 2, 2, 2 };
    static const char *const post_w[] = { "post", "rev", "r" };
    static const char *const dev_w[] = { "dev" };
    size_t which;
    v->has_pre = labelled(s, pre_w, 8, &which, &v->pre_n);
    if (v->has_pre)
        v->pre_l = pre_map[which];
    size_t d = **s == '-' ? digits(*s + 1) : 0;
    if (d) {
        v->has_post = 1;
        v->post_n = vuln_num_of(*s + 1, d);
        *s += 1 + d;
    } else {
        v->has_post = labelled(s, post_w, 3, &which, &v->post_n);
    }
    v->has_dev = labelled(s, dev_w, 1, &which, &v->dev_n);
}

static dacc_status parse_local(const char **s, pep_version *v, dacc_error *err)
{
    const char *p = *s;
    for (;;) {
        const char *start = p;
        int numeric = 1;
        for (; is_alnum_l(*p); p++)
            numeric &= is_digit(*p);
        if (p == start)
            return bad(err, "empty local version segment");
        v->local[v->nlocal].p = start;
        v->local[v->nlocal].n = (size_t)(p - start);
        v->local[v->nlocal].numeric = numeric;
        v->nlocal++;
        if (!is_sep(*p) || !is_alnum_l(p[1]))
            break;
        p++;
    }
    *s = p;
    return DACC_OK;
}

static dacc_status pep_parse(const char *s, pep_version *v, dacc_error *err)
{
    if (strlen(s) > DACC_VULN_VERSION_MAX)
        return dacc_error_set(err, DACC_ERR_LIMIT, "version longer than %d bytes",
                              DACC_VULN_VERSION_MAX);
    v->nrel = v->nlocal = 0;
    while (is_space(*s))
        s++;
    if (lower(*s) == 'v')
        s++;
    size_t d = digits(s);
    if (d && s[d] == '!') {
        v->epoch = vuln_num_of(s, d);
        s += d + 1;
    } else {
        v->epoch = vuln_num_of(s, 0);
    }
    for (;;) {
        d = digits(s);
        if (!d)
            return bad(err, v->nrel ? "release segment after '.' is not a number"
                                    : "version does not start with a release number");
        v->rel[v->nrel++] = vuln_num_of(s, d);
        s += d;
        if (*s != '.' || !is_digit(s[1]))
            break;
        s++;
    }
    parse_pre_post_dev(&s, v);
    if (*s == '+') {
        s++;
        dacc_status st = parse_local(&s, v, err);
        if (st != DACC_OK)
            return st;
    }
    while (is_space(*s))
        s++;
    if (*s)
        return bad(err, "not a PEP 440 version");
    while (v->nrel > 0 && v->rel[v->nrel - 1].n == 0)
        v->nrel--;
    return DACC_OK;
}

static int cmp_int(int a, int b)
{
    return a < b ? -1 : a > b;
}

static int cmp_release(const pep_version *x, const pep_version *y)
{
    for (size_t i = 0; i < x->nrel && i < y->nrel; i++) {
        int c = vuln_num_cmp(x->rel[i], y->rel[i]);
        if (c)
            return c;
    }
    return x->nrel == y->nrel ? 0 : x->nrel < y->nrel ? -1 : 1;
}

/* -1 for "-Infinity", 1 for "+Infinity", 0 for a real pre-release. */
static int pre_rank(const pep_version *v)
{
    if (!v->has_pre && !v->has_post && v->has_dev)
        return -1;
    return v->has_pre ? 0 : 1;
}

static int cmp_local_part(const pep_version *x, const pep_version *y, size_t i)
{
    int xn = x->local[i].numeric, yn = y->local[i].numeric;
    if (xn != yn)
        return xn ? 1 : -1; /* a string segment sorts before a number */
    if (xn)
        return vuln_num_cmp(vuln_num_of(x->local[i].p, x->local[i].n),
                            vuln_num_of(y->local[i].p, y->local[i].n));
    size_t an = x->local[i].n, bn = y->local[i].n;
    for (size_t k = 0; k < an && k < bn; k++) {
        char a = lower(x->local[i].p[k]), b = lower(y->local[i].p[k]);
        if (a != b)
            return a < b ? -1 : 1;
    }
    return an == bn ? 0 : an < bn ? -1 : 1;
}

static int cmp_local(const pep_version *x, const pep_version *y)
{
    if (!x->nlocal || !y->nlocal)
        return cmp_int(x->nlocal != 0, y->nlocal != 0);
    for (size_t i = 0; i < x->nlocal && i < y->nlocal; i++) {
        int c = cmp_local_part(x, y, i);
        if (c)
            return c;
    }
    return x->nlocal == y->nlocal ? 0 : x->nlocal < y->nlocal ? -1 : 1;
}

static int pep_order(const pep_version *x, const pep_version *y)
{
    int c = vuln_num_cmp(x->epoch, y->epoch);
    if (!c)
        c = cmp_release(x, y);
    if (c)
        return c;
    int xr = pre_rank(x), yr = pre_rank(y);
    if (xr != yr)
        return cmp_int(xr, yr);
    if (xr == 0 && (c = cmp_int(x->pre_l, y->pre_l)) == 0)
        c = vuln_num_cmp(x->pre_n, y->pre_n);
    if (c)
        return c;
    if (x->has_post != y->has_post)
        return cmp_int(x->has_post, y->has_post);
    if (x->has_post && (c = vuln_num_cmp(x->post_n, y->post_n)) != 0)
        return c;
    if (x->has_dev != y->has_dev)
        return cmp_int(y->has_dev, x->has_dev); /* no dev part is +Infinity */
    if (x->has_dev && (c = vuln_num_cmp(x->dev_n, y->dev_n)) != 0)
        return c;
    return cmp_local(x, y);
}

dacc_status vuln_pep440_check(const char *v, dacc_error *err)
{
    pep_version p;
    return pep_parse(v, &p, err);
}

int vuln_pep440_cmp(const char *a, const char *b)
{
    pep_version x, y;
    if (pep_parse(a, &x, NULL) != DACC_OK || pep_parse(b, &y, NULL) != DACC_OK)
        return strcmp(a, b);
    return pep_order(&x, &y);
}
