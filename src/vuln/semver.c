/* SemVer 2.0.0 precedence (semver.org, section 11) and npm's, which is the
 * same ordering read the way node-semver reads it: main numbers at most
 * Number.MAX_SAFE_INTEGER, and numeric pre-release identifiers compared as
 * the JavaScript numbers they become. */
#include <stdlib.h>
#include <string.h>

#include "version_internal.h"

#define SEMVER_IDS_MAX (DACC_VULN_VERSION_MAX / 2 + 1)

typedef struct {
    vuln_num major, minor, patch;
    size_t npre;
    struct {
        const char *p;
        size_t n;
        int numeric;
    } pre[SEMVER_IDS_MAX];
} semver;

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static int is_ident(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

vuln_num vuln_num_of(const char *p, size_t n)
{
    while (n > 0 && *p == '0')
        p++, n--;
    return (vuln_num){ p, n };
}

int vuln_num_cmp(vuln_num a, vuln_num b)
{
    if (a.n != b.n)
        return a.n < b.n ? -1 : 1;
    int c = a.n ? memcmp(a.p, b.p, a.n) : 0;
    return c < 0 ? -1 : c > 0;
}

static dacc_status bad(dacc_error *err, const char *why)
{
    return dacc_error_set(err, DACC_ERR_PARSE, "%s", why);
}

/* A numeric identifier: "0" or digits without a leading zero. */
static dacc_status parse_number(const char **s, vuln_num *out, const char *what, dacc_error *err)
{
    const char *p = *s;
    while (is_digit(*p))
        p++;
    if (p == *s)
        return dacc_error_set(err, DACC_ERR_PARSE, "%s version is not a number", what);
    if (p - *s > 1 && **s == '0')
        return dacc_error_set(err, DACC_ERR_PARSE, "%s version has a leading zero", what);
    *out = vuln_num_of(*s, (size_t)(p - *s));
    *s = p;
    return DACC_OK;
}

/* Dot-separated non-empty identifiers up to '+' or the end. */
static dacc_status parse_ids(const char **s, semver *v, int is_pre, dacc_error *err)
{
    const char *p = *s;
    for (;;) {
        const char *start = p;
        int numeric = 1;
        for (; is_ident(*p); p++)
            numeric &= is_digit(*p);
        size_t n = (size_t)(p - start);
        if (n == 0)
            return bad(err, is_pre ? "empty pre-release identifier" : "empty build identifier");
        if (is_pre) {
            if (numeric && n > 1 && *start == '0')
                return bad(err, "numeric pre-release identifier has a leading zero");
            v->pre[v->npre].p = start;
            v->pre[v->npre].n = n;
            v->pre[v->npre].numeric = numeric;
            v->npre++;
        }
        if (*p != '.')
            break;
        p++;
    }
    *s = p;
    return DACC_OK;
}

static dacc_status semver_parse(const char *s, int allow_v, semver *v, dacc_error *err)
{
    if (strlen(s) > DACC_VULN_VERSION_MAX)
        return dacc_error_set(err, DACC_ERR_LIMIT, "version longer than %d bytes",
                              DACC_VULN_VERSION_MAX);
    if (allow_v && *s == 'v')
        s++;
    dacc_status st;
    v->npre = 0;
    if ((st = parse_number(&s, &v->major, "major", err)) != DACC_OK)
        return st;
    if (*s++ != '.')
        return bad(err, "expected MAJOR.MINOR.PATCH");
    if ((st = parse_number(&s, &v->minor, "minor", err)) != DACC_OK)
        return st;
    if (*s++ != '.')
        return bad(err, "expected MAJOR.MINOR.PATCH");
    if ((st = parse_number(&s, &v->patch, "patch", err)) != DACC_OK)
        return st;
    if (*s == '-') {
        s++;
        if ((st = parse_ids(&s, v, 1, err)) != DACC_OK)
            return st;
    }
    if (*s == '+') {
        s++;
        if ((st = parse_ids(&s, v, 0, err)) != DACC_OK)
            return st;
    }
    if (*s != '\0')
        return bad(err, "unexpected character after the version");
    return DACC_OK;
}

typedef int (*id_cmp_fn)(const char *a, size_t an, const char *b, size_t bn);

static int ascii_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c)
        return c < 0 ? -1 : 1;
    return an == bn ? 0 : an < bn ? -1 : 1;
}

static int semver_num_id(const char *a, size_t an, const char *b, size_t bn)
{
    return vuln_num_cmp(vuln_num_of(a, an), vuln_num_of(b, bn));
}

/* JavaScript's +"digits": the nearest double, which strtod also gives. */
static int npm_num_id(const char *a, size_t an, const char *b, size_t bn)
{
    char x[DACC_VULN_VERSION_MAX + 1], y[DACC_VULN_VERSION_MAX + 1];
    memcpy(x, a, an);
    x[an] = '\0';
    memcpy(y, b, bn);
    y[bn] = '\0';
    double dx = strtod(x, NULL), dy = strtod(y, NULL);
    return dx < dy ? -1 : dx > dy;
}

static int semver_order(const semver *x, const semver *y, id_cmp_fn num_id)
{
    int c = vuln_num_cmp(x->major, y->major);
    if (!c)
        c = vuln_num_cmp(x->minor, y->minor);
    if (!c)
        c = vuln_num_cmp(x->patch, y->patch);
    if (c)
        return c;
    if (!x->npre || !y->npre)
        return x->npre == y->npre ? 0 : x->npre ? -1 : 1;
    for (size_t i = 0; i < x->npre && i < y->npre; i++) {
        int xn = x->pre[i].numeric, yn = y->pre[i].numeric;
        if (xn != yn)
            return xn ? -1 : 1;
        c = xn ? num_id(x->pre[i].p, x->pre[i].n, y->pre[i].p, y->pre[i].n)
               : ascii_cmp(x->pre[i].p, x->pre[i].n, y->pre[i].p, y->pre[i].n);
        if (c)
            return c;
    }
    return x->npre == y->npre ? 0 : x->npre < y->npre ? -1 : 1;
}

dacc_status vuln_semver_check(const char *v, dacc_error *err)
{
    semver s;
    return semver_parse(v, 1, &s, err);
}

int vuln_semver_cmp(const char *a, const char *b)
{
    semver x, y;
    if (semver_parse(a, 1, &x, NULL) != DACC_OK || semver_parse(b, 1, &y, NULL) != DACC_OK)
        return strcmp(a, b);
    return semver_order(&x, &y, semver_num_id);
}

/* node-semver trims with String.prototype.trim; ASCII blanks are what
 * version strings carry. */
static const char *npm_trim(const char *v, char *buf)
{
    size_t n = strlen(v);
    while (n && strchr(" \t\n\v\f\r", v[n - 1]))
        n--;
    while (n && strchr(" \t\n\v\f\r", *v))
        v++, n--;
    memcpy(buf, v, n);
    buf[n] = '\0';
    return buf;
}

/* Number.MAX_SAFE_INTEGER, 2^53 - 1, as digits. */
static const char max_safe[] = "9007199254740991";

static dacc_status npm_parse(const char *v, semver *s, char *buf, dacc_error *err)
{
    if (strlen(v) > DACC_VULN_VERSION_MAX)
        return dacc_error_set(err, DACC_ERR_LIMIT, "version longer than %d bytes",
                              DACC_VULN_VERSION_MAX);
    dacc_status st = semver_parse(npm_trim(v, buf), 1, s, err);
    if (st != DACC_OK)
        return st;
    vuln_num lim = { max_safe, sizeof max_safe - 1 };
    if (vuln_num_cmp(s->major, lim) > 0 || vuln_num_cmp(s->minor, lim) > 0 ||
        vuln_num_cmp(s->patch, lim) > 0)
        return bad(err, "a main version number is above Number.MAX_SAFE_INTEGER");
    return DACC_OK;
}

dacc_status vuln_npm_check(const char *v, dacc_error *err)
{
    semver s;
    char buf[DACC_VULN_VERSION_MAX + 1];
    return npm_parse(v, &s, buf, err);
}

int vuln_npm_cmp(const char *a, const char *b)
{
    semver x, y;
    char bx[DACC_VULN_VERSION_MAX + 1], by[DACC_VULN_VERSION_MAX + 1];
    if (npm_parse(a, &x, bx, NULL) != DACC_OK || npm_parse(b, &y, by, NULL) != DACC_OK)
        return strcmp(a, b);
    return semver_order(&x, &y, npm_num_id);
}
