/* Printing rules shared by every writer (include/dacc/fmt.h). */
#include "dacc/fmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/jcs.h"

_Static_assert(DACC_FMT_REAL_MAX >= DACC_JCS_NUMBER_MAX, "room for a canonical number");

/* The canonical JSON number (RFC 8785, ECMAScript's shortest round trip)
 * is exactly the rule: one implementation, tested against its vectors. */
size_t dacc_fmt_real(double v, char out[DACC_FMT_REAL_MAX])
{
    return dacc_jcs_number(v, out);
}

size_t dacc_fmt_fixed(double v, unsigned places, char out[DACC_FMT_REAL_MAX])
{
    if (!isfinite(v) || fabs(v) >= 1e15)
        return dacc_fmt_real(v, out);
    int n = snprintf(out, DACC_FMT_REAL_MAX, "%.*f", places > 15 ? 15 : (int)places, v);
    if (n < 0 || n >= DACC_FMT_REAL_MAX) /* not with 15 digits and 15 places; kept safe */
        return dacc_fmt_real(v, out);
    if (out[0] == '-' && strspn(out + 1, "0.") == (size_t)n - 1) {
        memmove(out, out + 1, (size_t)n);
        n--;
    }
    return (size_t)n;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Compares the digit runs at *pa and *pb by value and moves both past
 * them; *zeros gets the leading-zero difference for the final tie. */
static int digits_cmp(const char **pa, const char **pb, int *zeros)
{
    const char *a = *pa, *b = *pb;
    const char *za = a, *zb = b;
    while (*a == '0')
        a++;
    while (*b == '0')
        b++;
    if (*zeros == 0)
        *zeros = (int)(a - za) - (int)(b - zb);
    const char *ea = a, *eb = b;
    while (is_digit(*ea))
        ea++;
    while (is_digit(*eb))
        eb++;
    *pa = ea;
    *pb = eb;
    if (ea - a != eb - b)
        return ea - a < eb - b ? -1 : 1;
    int c = memcmp(a, b, (size_t)(ea - a));
    return c < 0 ? -1 : c > 0;
}

int dacc_fmt_natcmp(const char *a, const char *b)
{
    const char *p = a, *q = b;
    int zeros = 0;
    while (*p != '\0' && *q != '\0') {
        if (is_digit(*p) && is_digit(*q)) {
            int c = digits_cmp(&p, &q, &zeros);
            if (c != 0)
                return c;
            continue;
        }
        if (*p != *q)
            return (unsigned char)*p < (unsigned char)*q ? -1 : 1;
        p++;
        q++;
    }
    if (*p != *q)
        return *p == '\0' ? -1 : 1;
    if (zeros != 0)
        return zeros < 0 ? -1 : 1;
    return strcmp(a, b);
}

typedef struct {
    const char *name;
    size_t i;
} named;

static int by_name(const void *pa, const void *pb)
{
    const named *a = pa, *b = pb;
    int c = dacc_fmt_natcmp(a->name, b->name);
    return c != 0 ? c : a->i < b->i ? -1 : a->i > b->i;
}

dacc_status dacc_fmt_natural_order(const char *const *names, size_t n, size_t *ord, dacc_error *err)
{
    for (size_t i = 0; i < n; i++)
        ord[i] = i;
    named *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory sorting %zu ids", n);
    for (size_t i = 0; i < n; i++)
        v[i] = (named){ names[i], i };
    qsort(v, n, sizeof *v, by_name);
    for (size_t i = 0; i < n; i++)
        ord[i] = v[i].i;
    free(v);
    return DACC_OK;
}
