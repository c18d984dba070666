#include "dacc/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/file.h"
#include "dacc/fmt.h"
#include "dacc/mem.h"

/* JSON documents are configuration and results, not bulk data. */
enum { JSON_MAX_BYTES = 256u << 20 };

dacc_status dacc_json_load_buffer(const char *name, const char *data, size_t len, json_t **out,
                                  dacc_error *err)
{
    json_error_t je;
    /* No JSON_ALLOW_NUL: a "\u0000" inside a name or an amount would cut it
     * short for C code, so what a reviewer reads would differ from what
     * runs ("100\u0000999" read as 100). The text rule of every reader. */
    json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (v == NULL)
        return dacc_error_at(err, DACC_ERR_PARSE, name, je.line > 0 ? (unsigned long)je.line : 0,
                             je.column > 0 ? (unsigned long)je.column : 0, "%s", je.text);
    *out = v;
    return DACC_OK;
}

dacc_status dacc_json_load_file(const char *path, json_t **out, dacc_error *err)
{
    char *data;
    size_t len;
    dacc_status st = dacc_file_read(path, JSON_MAX_BYTES, &data, &len, err);
    if (st != DACC_OK)
        return st;
    st = dacc_json_load_buffer(strcmp(path, "-") == 0 ? "(stdin)" : path, data, len, out, err);
    free(data);
    return st;
}

/* ---- writing ----
 * jansson's layout (its indent, separators, escapes, key order), with one
 * difference: a real is the shortest decimal that reads back to the same
 * double (dacc_fmt_real), where jansson prints 17 digits of noise
 * ("12523.790000000001"). A real keeps a point or exponent ("2.0"), so a
 * reader gets a real back. */

typedef struct {
    dacc_buf *out;
    size_t flags;
} dumper;

static dacc_status dump_value(const dumper *d, const json_t *v, size_t depth);

static dacc_status dump_newline(const dumper *d, size_t depth, int space)
{
    size_t indent = d->flags & JSON_MAX_INDENT;
    if (indent == 0)
        return space && !(d->flags & JSON_COMPACT) ? dacc_buf_putc(d->out, ' ') : DACC_OK;
    dacc_status st = dacc_buf_putc(d->out, '\n');
    for (size_t i = 0; i < indent * depth && st == DACC_OK; i++)
        st = dacc_buf_putc(d->out, ' ');
    return st;
}

static dacc_status dump_string(const dumper *d, const char *s, size_t len)
{
    dacc_status st = dacc_buf_putc(d->out, '"');
    for (size_t i = 0; i < len && st == DACC_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *e = c == '"'                                     ? "\\\""
                        : c == '\\'                                  ? "\\\\"
                        : c == '\b'                                  ? "\\b"
                        : c == '\f'                                  ? "\\f"
                        : c == '\n'                                  ? "\\n"
                        : c == '\r'                                  ? "\\r"
                        : c == '\t'                                  ? "\\t"
                        : c == '/' && (d->flags & JSON_ESCAPE_SLASH) ? "\\/"
                                                                     : NULL;
        if (e != NULL)
            st = dacc_buf_append(d->out, e, strlen(e));
        else if (c < 0x20)
            st = dacc_buf_printf(d->out, "\\u%04X", c);
        else
            st = dacc_buf_putc(d->out, (char)c);
    }
    return st == DACC_OK ? dacc_buf_putc(d->out, '"') : st;
}

static dacc_status dump_real(const dumper *d, double x)
{
    char text[DACC_FMT_REAL_MAX + 2];
    size_t n = dacc_fmt_real(x, text);
    if (n == 0) /* json_real refuses these; a _nocheck value or a bug */
        return DACC_ERR_INVALID;
    if (strpbrk(text, ".e") == NULL)
        memcpy(text + n, ".0", 3), n += 2;
    return dacc_buf_append(d->out, text, n);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static dacc_status dump_object(const dumper *d, const json_t *v, size_t depth)
{
    size_t n = json_object_size(v), i = 0;
    if (n == 0)
        return dacc_buf_append(d->out, "{}", 2);
    const char **keys = malloc(n * sizeof *keys);
    if (keys == NULL)
        return DACC_ERR_NOMEM;
    const char *k;
    json_t *m;
    json_object_foreach((json_t *)v, k, m) keys[i++] = k;
    if (d->flags & JSON_SORT_KEYS)
        qsort(keys, n, sizeof *keys, by_key);
    dacc_status st = dacc_buf_putc(d->out, '{');
    for (i = 0; i < n && st == DACC_OK; i++) {
        st = dump_newline(d, depth + 1, i > 0);
        if (st == DACC_OK)
            st = dump_string(d, keys[i], strlen(keys[i]));
        if (st == DACC_OK)
            st = d->flags & JSON_COMPACT ? dacc_buf_putc(d->out, ':')
                                         : dacc_buf_append(d->out, ": ", 2);
        if (st == DACC_OK)
            st = dump_value(d, json_object_get(v, keys[i]), depth + 1);
        if (st == DACC_OK && i + 1 < n)
            st = dacc_buf_putc(d->out, ',');
    }
    free(keys);
    if (st == DACC_OK)
        st = dump_newline(d, depth, 0);
    return st == DACC_OK ? dacc_buf_putc(d->out, '}') : st;
}

static dacc_status dump_array(const dumper *d, const json_t *v, size_t depth)
{
    size_t n = json_array_size(v);
    if (n == 0)
        return dacc_buf_append(d->out, "[]", 2);
    dacc_status st = dacc_buf_putc(d->out, '[');
    for (size_t i = 0; i < n && st == DACC_OK; i++) {
        st = dump_newline(d, depth + 1, i > 0);
        if (st == DACC_OK)
            st = dump_value(d, json_array_get(v, i), depth + 1);
        if (st == DACC_OK && i + 1 < n)
            st = dacc_buf_putc(d->out, ',');
    }
    if (st == DACC_OK)
        st = dump_newline(d, depth, 0);
    return st == DACC_OK ? dacc_buf_putc(d->out, ']') : st;
}

static dacc_status dump_value(const dumper *d, const json_t *v, size_t depth)
{
    if (depth > 2048) /* jansson's own parse depth limit; a cycle otherwise */
        return DACC_ERR_LIMIT;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return dump_object(d, v, depth);
    case JSON_ARRAY:
        return dump_array(d, v, depth);
    case JSON_STRING:
        return dump_string(d, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return dacc_buf_printf(d->out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    case JSON_REAL:
        return dump_real(d, json_real_value(v));
    case JSON_TRUE:
        return dacc_buf_append(d->out, "true", 4);
    case JSON_FALSE:
        return dacc_buf_append(d->out, "false", 5);
    default:
        return dacc_buf_append(d->out, "null", 4);
    }
}

char *dacc_json_dumps(const json_t *value, size_t flags)
{
    dacc_buf b;
    dacc_buf_init(&b, 0);
    dumper d = { &b, flags };
    if (value == NULL || dump_value(&d, value, 0) != DACC_OK ||
        dacc_buf_putc(&b, '\0') != DACC_OK) {
        dacc_buf_free(&b);
        return NULL;
    }
    return dacc_buf_detach(&b, NULL);
}

dacc_status dacc_json_write_stream(FILE *fp, const json_t *value, size_t flags, dacc_error *err)
{
    char *text = dacc_json_dumps(value, flags);
    if (text == NULL)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "writing JSON failed (out of memory, or a value JSON cannot hold)");
    size_t len = strlen(text);
    int bad = fwrite(text, 1, len, fp) != len || fputc('\n', fp) == EOF;
    free(text);
    if (bad)
        return dacc_error_set(err, DACC_ERR_IO, "writing JSON failed");
    return DACC_OK;
}

dacc_status dacc_json_write_file(const char *path, const json_t *value, size_t flags,
                                 dacc_error *err)
{
    dacc_file_out *f;
    dacc_status st = dacc_file_out_open(path, &f, err);
    if (st != DACC_OK)
        return st;
    st = dacc_json_write_stream(dacc_file_out_fp(f), value, flags, err);
    if (st != DACC_OK) {
        dacc_file_out_abort(f);
        dacc_error_prefix(err, "%s: ", path);
        return st;
    }
    return dacc_file_out_commit(f, err);
}

json_t *dacc_json_find(const json_t *obj, const char *path)
{
    const json_t *cur = obj;
    const char *p = path;
    while (cur != NULL) {
        if (!json_is_object(cur))
            return NULL;
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        cur = json_object_getn(cur, p, n);
        if (dot == NULL)
            break;
        p = dot + 1;
    }
    return json_is_null(cur) ? NULL : (json_t *)cur;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a real number";
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_NULL:
        return "null";
    }
    return "an unknown value";
}

static int is_string(const json_t *v)
{
    return json_is_string(v);
}

static int is_integer(const json_t *v)
{
    return json_is_integer(v);
}

static int is_number(const json_t *v)
{
    return json_is_number(v);
}

static int is_boolean(const json_t *v)
{
    return json_is_boolean(v);
}

static int is_amount(const json_t *v)
{
    return json_is_string(v) || (json_is_integer(v) && json_integer_value(v) >= 0);
}

/* Finds path and checks its type with is(); DACC_END stands for "missing and
 * optional", which the getters turn into DACC_OK with the default kept. */
static dacc_status typed(const json_t *obj, const char *path, bool required, const char *file,
                         int (*is)(const json_t *), const char *want, const json_t **v,
                         dacc_error *err)
{
    *v = dacc_json_find(obj, path);
    if (*v == NULL)
        return required
                   ? dacc_error_field(err, DACC_ERR_NOTFOUND, file, 0, "field", path, "missing")
                   : DACC_END;
    if (!is(*v))
        return dacc_error_field(err, DACC_ERR_INVALID, file, 0, "field", path,
                                "expected %s, got %s", want, type_name(*v));
    return DACC_OK;
}

dacc_status dacc_json_get_string(const json_t *obj, const char *path, bool required,
                                 const char *file, const char **out, dacc_error *err)
{
    const json_t *v;
    dacc_status st = typed(obj, path, required, file, is_string, "a string", &v, err);
    if (st == DACC_OK)
        *out = json_string_value(v);
    return st == DACC_END ? DACC_OK : st;
}

dacc_status dacc_json_get_int(const json_t *obj, const char *path, bool required, const char *file,
                              int64_t *out, dacc_error *err)
{
    const json_t *v;
    dacc_status st = typed(obj, path, required, file, is_integer, "an integer", &v, err);
    if (st == DACC_OK)
        *out = (int64_t)json_integer_value(v);
    return st == DACC_END ? DACC_OK : st;
}

dacc_status dacc_json_get_double(const json_t *obj, const char *path, bool required,
                                 const char *file, double *out, dacc_error *err)
{
    const json_t *v;
    dacc_status st = typed(obj, path, required, file, is_number, "a number", &v, err);
    if (st == DACC_OK)
        *out = json_number_value(v);
    return st == DACC_END ? DACC_OK : st;
}

dacc_status dacc_json_get_bool(const json_t *obj, const char *path, bool required, const char *file,
                               bool *out, dacc_error *err)
{
    const json_t *v;
    dacc_status st = typed(obj, path, required, file, is_boolean, "true or false", &v, err);
    if (st == DACC_OK)
        *out = json_is_true(v);
    return st == DACC_END ? DACC_OK : st;
}

dacc_status dacc_json_get_money(const json_t *obj, const char *path, bool required,
                                const char *file, unsigned decimals, dacc_u128 *out,
                                dacc_error *err)
{
    const json_t *v;
    dacc_status st = typed(obj, path, required, file, is_amount,
                           "an amount (a decimal string or a non-negative integer)", &v, err);
    if (st != DACC_OK)
        return st == DACC_END ? DACC_OK : st;
    char text[32];
    const char *s = text;
    size_t len;
    if (json_is_string(v)) {
        s = json_string_value(v);
        len = json_string_length(v);
    } else {
        len = (size_t)snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    }
    dacc_error e;
    st = dacc_money_parse(s, len, decimals, out, &e);
    if (st != DACC_OK)
        return dacc_error_field(err, st, file, 0, "field", path, "%s", e.message);
    return DACC_OK;
}

json_t *dacc_json_real(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *dacc_json_money(dacc_u128 v, unsigned decimals)
{
    char text[DACC_MONEY_STRLEN];
    dacc_money_format(v, decimals, 0, text);
    return json_string(text);
}
