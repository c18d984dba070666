/* Decoding event bodies: the few field shapes events use, each refusal
 * naming the field. Money is a decimal string of base units, other
 * fractions decimal strings too: canonical events hold no floats. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dacc/csv.h"
#include "internal.h"

dacc_status round_refuse(dacc_error *err, dacc_status st, const char *fmt, ...)
{
    if (err == NULL)
        return st;
    char msg[DACC_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dacc_error_set(err, st, "%s", msg);
}

dacc_status round_at_field(dacc_error *err, dacc_status st, const char *field)
{
    if (st != DACC_OK && err != NULL)
        snprintf(err->field, sizeof err->field, "%s", field);
    return st;
}

static int in_list(const char *list, const char *word)
{
    size_t wl = strlen(word);
    for (const char *s = list; *s;) {
        size_t l = strcspn(s, " ");
        if (l == wl && memcmp(s, word, l) == 0)
            return 1;
        s += l;
        s += *s == ' ';
    }
    return 0;
}

dacc_status round_only(const json_t *body, const char *allowed, dacc_error *err)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        if (!in_list(allowed, key))
            return round_refuse(err, DACC_ERR_INVALID, "field \"%s\": unknown here", key);
    }
    return DACC_OK;
}

dacc_status round_string(const json_t *body, const char *field, size_t max, const char **out,
                         dacc_error *err)
{
    const json_t *v = json_object_get(body, field);
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"%s\": expected a string of 1 to %zu bytes", field, max);
    *out = json_string_value(v);
    return DACC_OK;
}

dacc_status round_amount(const json_t *body, const char *field, dacc_u128 *out, dacc_error *err)
{
    const json_t *v = json_object_get(body, field);
    const char *s = json_string_value(v);
    size_t n = s ? json_string_length(v) : 0;
    int ok = n > 0 && n <= 39 && (n == 1 || s[0] != '0');
    for (size_t i = 0; ok && i < n; i++)
        ok = s[i] >= '0' && s[i] <= '9';
    if (ok && dacc_money_parse(s, n, 0, out, NULL) == DACC_OK)
        return DACC_OK;
    return round_refuse(err, DACC_ERR_INVALID,
                        "field \"%s\": expected an amount in base units, a string of digits "
                        "without sign or leading zeros",
                        field);
}

dacc_status round_decimal(const json_t *body, const char *field, double lo, double hi, double *out,
                          dacc_error *err)
{
    const json_t *v = json_object_get(body, field);
    const char *s = json_string_value(v);
    if (s != NULL && dacc_csv_parse_double(s, json_string_length(v), out, NULL) == DACC_OK &&
        *out >= lo && *out <= hi)
        return DACC_OK;
    return round_refuse(err, DACC_ERR_INVALID,
                        "field \"%s\": expected a decimal string in [%g, %g] (\"0.25\")", field, lo,
                        hi);
}

dacc_status round_integer(const json_t *body, const char *field, int64_t lo, int64_t hi,
                          int64_t *out, dacc_error *err)
{
    const json_t *v = json_object_get(body, field);
    if (json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi) {
        *out = (int64_t)json_integer_value(v);
        return DACC_OK;
    }
    return round_refuse(err, DACC_ERR_INVALID, "field \"%s\": expected an integer in [%lld, %lld]",
                        field, (long long)lo, (long long)hi);
}

dacc_status round_csv_cell(dacc_buf *b, const char *text, char sep, dacc_error *err)
{
    dacc_status st = DACC_OK;
    if (strpbrk(text, ",\"\r\n") == NULL) {
        st = dacc_buf_append(b, text, strlen(text));
    } else {
        st = dacc_buf_putc(b, '"');
        for (const char *p = text; *p && st == DACC_OK; p++)
            st = *p == '"' ? dacc_buf_append(b, "\"\"", 2) : dacc_buf_putc(b, *p);
        if (st == DACC_OK)
            st = dacc_buf_putc(b, '"');
    }
    if (st == DACC_OK)
        st = dacc_buf_putc(b, sep);
    return st == DACC_OK ? DACC_OK : dacc_error_set(err, st, "out of memory writing a CSV cell");
}
