#include "dacc/json.h"

#include <stdlib.h>
#include <string.h>

#include "dacc/file.h"

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

static int dump_cb(const char *buf, size_t size, void *fp)
{
    return fwrite(buf, 1, size, fp) == size ? 0 : -1;
}

dacc_status dacc_json_write_stream(FILE *fp, const json_t *value, size_t flags, dacc_error *err)
{
    if (json_dump_callback(value, dump_cb, fp, flags) != 0 || fputc('\n', fp) == EOF)
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

json_t *dacc_json_money(dacc_u128 v, unsigned decimals)
{
    char text[DACC_MONEY_STRLEN];
    dacc_money_format(v, decimals, DACC_MONEY_TRIM, text);
    return json_string(text);
}
