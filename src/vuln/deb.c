/* Debian version ordering, deb-version(7), as dpkg 1.21 parses and compares.
 *
 * The parse follows dpkg's parseversion step by step so that a version is
 * refused for the reason dpkg gives, in dpkg's words; what dpkg only warns
 * about is refused too (vuln.h says why). The comparison is verrevcmp's:
 * alternating non-digit and digit runs, letters before other characters,
 * '~' before everything, even the end of the string. */
#include <limits.h>
#include <string.h>

#include "version_internal.h"

typedef struct {
    long epoch;
    const char *up, *rev; /* rev is "" when there is no hyphen */
    size_t up_n, rev_n;
} deb_version;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static dacc_status bad(dacc_error *err, const char *why)
{
    return dacc_error_set(err, DACC_ERR_PARSE, "%s", why);
}

/* The epoch as dpkg reads it with strtol: an optional sign, then digits,
 * ending exactly at the colon. */
static dacc_status parse_epoch(const char *s, const char *colon, long *out, dacc_error *err)
{
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (!is_digit(*p))
        return bad(err, "epoch in version is empty");
    unsigned long long v = 0;
    int big = 0;
    for (; is_digit(*p); p++) {
        if (v > (unsigned long long)INT_MAX)
            big = 1;
        else
            v = v * 10 + (unsigned)(*p - '0');
    }
    if (p != colon)
        return bad(err, "epoch in version is not number");
    if (neg && v != 0)
        return bad(err, "epoch in version is negative");
    if (big || v > (unsigned long long)INT_MAX)
        return bad(err, "epoch in version is too big");
    *out = (long)v;
    return DACC_OK;
}

static dacc_status deb_parse(const char *v, deb_version *out, dacc_error *err)
{
    size_t len = strlen(v);
    if (len > DACC_VULN_VERSION_MAX)
        return dacc_error_set(err, DACC_ERR_LIMIT, "version longer than %d bytes",
                              DACC_VULN_VERSION_MAX);
    const char *s = v, *end = v + len;
    while (s < end && is_space(*s))
        s++;
    while (end > s && is_space(end[-1]))
        end--;
    if (s == end)
        return bad(err, "version string is empty");
    for (const char *p = s; p < end; p++)
        if (is_space(*p))
            return bad(err, "version string has embedded spaces");
    out->epoch = 0;
    const char *colon = memchr(s, ':', (size_t)(end - s));
    if (colon) {
        dacc_status st = parse_epoch(s, colon, &out->epoch, err);
        if (st != DACC_OK)
            return st;
        if (colon + 1 == end)
            return bad(err, "nothing after colon in version number");
        s = colon + 1;
    }
    const char *hyphen = NULL;
    for (const char *p = s; p < end; p++)
        if (*p == '-')
            hyphen = p;
    out->up = s;
    out->up_n = (size_t)((hyphen ? hyphen : end) - s);
    out->rev = hyphen ? hyphen + 1 : "";
    out->rev_n = hyphen ? (size_t)(end - hyphen - 1) : 0;
    if (hyphen && out->rev_n == 0)
        return bad(err, "revision number is empty");
    if (out->up_n == 0)
        return bad(err, "upstream version is empty");
    if (!is_digit(out->up[0]))
        return bad(err, "version number does not start with digit");
    for (size_t i = 1; i < out->up_n; i++) {
        char c = out->up[i];
        if (!is_digit(c) && !is_alpha(c) && !strchr(".-+~:", c))
            return bad(err, "invalid character in version number");
    }
    for (size_t i = 0; i < out->rev_n; i++) {
        char c = out->rev[i];
        if (!is_digit(c) && !is_alpha(c) && !strchr(".+~", c))
            return bad(err, "invalid character in revision number");
    }
    return DACC_OK;
}

/* A character's weight in a non-digit run; the end of the string is 0. */
static int order(const char *p, const char *end)
{
    if (p == end || is_digit(*p))
        return 0;
    if (is_alpha(*p))
        return (unsigned char)*p;
    if (*p == '~')
        return -1;
    return (unsigned char)*p + 256;
}

static int verrevcmp(const char *a, size_t an, const char *b, size_t bn)
{
    const char *ae = a + an, *be = b + bn;
    while (a < ae || b < be) {
        while ((a < ae && !is_digit(*a)) || (b < be && !is_digit(*b))) {
            int ac = order(a, ae), bc = order(b, be);
            if (ac != bc)
                return ac < bc ? -1 : 1;
            a++;
            b++;
        }
        while (a < ae && *a == '0')
            a++;
        while (b < be && *b == '0')
            b++;
        int first_diff = 0;
        while (a < ae && b < be && is_digit(*a) && is_digit(*b)) {
            if (!first_diff)
                first_diff = *a - *b;
            a++;
            b++;
        }
        if (a < ae && is_digit(*a))
            return 1;
        if (b < be && is_digit(*b))
            return -1;
        if (first_diff)
            return first_diff < 0 ? -1 : 1;
    }
    return 0;
}

dacc_status vuln_deb_check(const char *v, dacc_error *err)
{
    deb_version d;
    return deb_parse(v, &d, err);
}

int vuln_deb_cmp(const char *a, const char *b)
{
    deb_version x, y;
    /* Callers checked both; a failure here would be a broken invariant. */
    if (deb_parse(a, &x, NULL) != DACC_OK || deb_parse(b, &y, NULL) != DACC_OK)
        return strcmp(a, b);
    if (x.epoch != y.epoch)
        return x.epoch < y.epoch ? -1 : 1;
    int c = verrevcmp(x.up, x.up_n, y.up, y.up_n);
    return c ? c : verrevcmp(x.rev, x.rev_n, y.rev, y.rev_n);
}
