/* Strict number parsing and the CSV reader's typed getters. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_internal.h"

static dacc_status expected(dacc_error *err, dacc_status st, const char *what, const char *s,
                            size_t len)
{
    char q[96];
    dacc_error_quote(q, sizeof q, s, len, 40);
    return dacc_error_set(err, st, "expected %s, got %s", what, q);
}

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

dacc_status dacc_csv_parse_u64(const char *s, size_t len, uint64_t *v, dacc_error *err)
{
    size_t i = 0;
    if (len > 0 && s[0] == '+')
        i++;
    if (i == len)
        return expected(err, DACC_ERR_PARSE, "a non-negative integer", s, len);
    uint64_t x = 0;
    for (; i < len; i++) {
        if (!is_digit(s[i]))
            return expected(err, DACC_ERR_PARSE, "a non-negative integer", s, len);
        unsigned d = (unsigned)(s[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return expected(err, DACC_ERR_RANGE, "an integer in [0, 18446744073709551615]", s, len);
        x = x * 10 + d;
    }
    *v = x;
    return DACC_OK;
}

dacc_status dacc_csv_parse_i64(const char *s, size_t len, int64_t *v, dacc_error *err)
{
    int neg = len > 0 && s[0] == '-';
    size_t skip = len > 0 && (s[0] == '-' || s[0] == '+');
    uint64_t mag = 0;
    dacc_status st = DACC_ERR_PARSE;
    if (skip < len && s[skip] != '+')
        st = dacc_csv_parse_u64(s + skip, len - skip, &mag, NULL);
    if (st == DACC_ERR_PARSE)
        return expected(err, DACC_ERR_PARSE, "an integer", s, len);
    if (st != DACC_OK || mag > (uint64_t)INT64_MAX + (uint64_t)neg)
        return expected(err, DACC_ERR_RANGE,
                        "an integer in [-9223372036854775808, 9223372036854775807]", s, len);
    /* -2^63 has no positive counterpart: negate in unsigned arithmetic. */
    *v = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return DACC_OK;
}

/* [+-]digits[.digits][(e|E)[+-]digits] with at least one mantissa digit. */
static int decimal_syntax(const char *s, size_t len)
{
    size_t i = 0, digits = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    for (; i < len && is_digit(s[i]); i++)
        digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && is_digit(s[i]); i++)
            digits++;
    if (digits == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t ed = 0;
        for (; i < len && is_digit(s[i]); i++)
            ed++;
        if (ed == 0)
            return 0;
    }
    return i == len;
}

dacc_status dacc_csv_parse_double(const char *s, size_t len, double *v, dacc_error *err)
{
    char buf[320];
    if (len >= sizeof buf || !decimal_syntax(s, len))
        return expected(err, DACC_ERR_PARSE, "a number", s, len);
    memcpy(buf, s, len);
    buf[len] = '\0';
    /* strtod reads the locale's decimal point; the syntax is fixed to '.'. */
    const char *point = localeconv()->decimal_point;
    char *dot = strchr(buf, '.');
    if (dot != NULL && point != NULL && point[0] != '.' && point[0] != '\0' && point[1] == '\0')
        *dot = point[0];
    errno = 0;
    char *end;
    double x = strtod(buf, &end);
    if (*end != '\0')
        return expected(err, DACC_ERR_PARSE, "a number", s, len);
    if (!isfinite(x))
        return expected(err, DACC_ERR_RANGE, "a finite number", s, len);
    *v = x; /* underflow to a subnormal or zero is the nearest value: accepted */
    return DACC_OK;
}

/* ---- getters ---------------------------------------------------------- */

static dacc_status missing(const dacc_csv *c, size_t col, dacc_error *err)
{
    return dacc_csv_error(c, col, err, DACC_ERR_PARSE, "missing (the record has %zu fields)",
                          c->nf);
}

/* The field without surrounding spaces, or NULL when absent. */
static const char *trimmed(const dacc_csv *c, size_t col, size_t *len)
{
    const char *s = dacc_csv_field(c, col, len);
    if (s == NULL)
        return NULL;
    while (*len > 0 && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        (*len)--;
    }
    while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
        (*len)--;
    return s;
}

/* Runs a strict parser on a field and locates its message. */
#define GET_WITH(parse, c, col, out, err)                                                          \
    do {                                                                                           \
        size_t len_;                                                                               \
        const char *s_ = trimmed(c, col, &len_);                                                   \
        if (s_ == NULL)                                                                            \
            return missing(c, col, err);                                                           \
        dacc_error e_;                                                                             \
        dacc_status st_ = parse(s_, len_, out, &e_);                                               \
        if (st_ != DACC_OK)                                                                        \
            return dacc_csv_error(c, col, err, st_, "%s", e_.message);                             \
        return DACC_OK;                                                                            \
    } while (0)

dacc_status dacc_csv_get_str(const dacc_csv *c, size_t col, const char **s, size_t *len,
                             dacc_error *err)
{
    size_t n;
    const char *f = dacc_csv_field(c, col, &n);
    if (f == NULL)
        return missing(c, col, err);
    *s = f;
    if (len != NULL)
        *len = n;
    return DACC_OK;
}

dacc_status dacc_csv_get_i64(const dacc_csv *c, size_t col, int64_t *v, dacc_error *err)
{
    GET_WITH(dacc_csv_parse_i64, c, col, v, err);
}

dacc_status dacc_csv_get_u64(const dacc_csv *c, size_t col, uint64_t *v, dacc_error *err)
{
    GET_WITH(dacc_csv_parse_u64, c, col, v, err);
}

dacc_status dacc_csv_get_double(const dacc_csv *c, size_t col, double *v, dacc_error *err)
{
    GET_WITH(dacc_csv_parse_double, c, col, v, err);
}

dacc_status dacc_csv_get_double_in(const dacc_csv *c, size_t col, double lo, double hi, double *v,
                                   dacc_error *err)
{
    double x;
    dacc_status st = dacc_csv_get_double(c, col, &x, err);
    if (st != DACC_OK)
        return st;
    if (!(x >= lo && x <= hi)) {
        size_t len;
        const char *s = trimmed(c, col, &len);
        char q[96];
        dacc_error_quote(q, sizeof q, s, len, 40);
        return dacc_csv_error(c, col, err, DACC_ERR_RANGE, "expected a number in [%g,%g], got %s",
                              lo, hi, q);
    }
    *v = x;
    return DACC_OK;
}

dacc_status dacc_csv_get_money(const dacc_csv *c, size_t col, unsigned decimals, dacc_u128 *v,
                               dacc_error *err)
{
    size_t len;
    const char *s = trimmed(c, col, &len);
    if (s == NULL)
        return missing(c, col, err);
    dacc_error e;
    dacc_status st = dacc_money_parse(s, len, decimals, v, &e);
    if (st != DACC_OK)
        return dacc_csv_error(c, col, err, st, "%s", e.message);
    return DACC_OK;
}

/* ---- writing ---------------------------------------------------------- */

int dacc_csv_write_field(FILE *fp, const char *s, size_t len, char delimiter)
{
    int quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == delimiter || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote)
        return fwrite(s, 1, len, fp) == len ? 0 : -1;
    if (fputc('"', fp) == EOF)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"' && fputc('"', fp) == EOF)
            return -1;
        if (fputc(s[i], fp) == EOF)
            return -1;
    }
    return fputc('"', fp) == EOF ? -1 : 0;
}

int dacc_csv_write_row(FILE *fp, char delimiter, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && fputc(delimiter, fp) == EOF)
            return -1;
        if (dacc_csv_write_field(fp, fields[i], strlen(fields[i]), delimiter) != 0)
            return -1;
    }
    return fputc('\n', fp) == EOF ? -1 : 0;
}
