/* A JSON document as text or CSV: for commands whose result is a JSON
 * object (a summary), the other two formats of the output contract. */
#include "flat.h"

#include <string.h>

#include "dacc/fmt.h"

/* The scalar v as text, without quotes: a string as it is, a real as
 * the shortest decimal that reads back (dacc_fmt_real), null (the JSON
 * form of an undefined value) as the empty field in CSV and "-" in text,
 * as every other table of the project prints it. */
static char *scalar_text(const json_t *v, cli_format f)
{
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (v == NULL || json_is_null(v))
        return strdup(f == CLI_FORMAT_CSV ? "" : "-");
    if (json_is_real(v)) {
        char t[DACC_FMT_REAL_MAX];
        if (dacc_fmt_real(json_real_value(v), t) == 0)
            return strdup(f == CLI_FORMAT_CSV ? "" : "-");
        return strdup(t);
    }
    if (json_is_integer(v)) {
        char t[32];
        snprintf(t, sizeof t, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return strdup(t);
    }
    if (json_is_object(v) || json_is_array(v)) /* only empty ones come here */
        return strdup(json_is_object(v) ? "{}" : "[]");
    return strdup(json_is_true(v) ? "true" : "false");
}

static int flat(FILE *fp, cli_format f, const char *key, const json_t *v)
{
    size_t n = json_is_object(v) ? json_object_size(v) : json_is_array(v) ? json_array_size(v) : 0;
    if (n > 0) { /* an empty one is printed as it is, {} or [] */
        const char *k;
        json_t *item;
        size_t i;
        int bad = 0;
        if (json_is_object(v)) {
            json_object_foreach((json_t *)v, k, item)
            {
                char sub[512];
                snprintf(sub, sizeof sub, "%s%s%s", key, key[0] ? "." : "", k);
                bad |= flat(fp, f, sub, item);
            }
        } else {
            json_array_foreach(v, i, item)
            {
                char sub[512];
                snprintf(sub, sizeof sub, "%s[%zu]", key, i);
                bad |= flat(fp, f, sub, item);
            }
        }
        return bad;
    }
    char *text = scalar_text(v, f);
    if (text == NULL)
        return -1;
    if (f == CLI_FORMAT_CSV) {
        const char *row[] = { key, text };
        dacc_csv_write_row(fp, ',', row, 2);
    } else {
        fprintf(fp, "%s: %s\n", key, text);
    }
    free(text);
    return ferror(fp) ? -1 : 0;
}

int cli_write_flat(FILE *fp, cli_format f, const json_t *doc)
{
    if (f == CLI_FORMAT_JSON)
        return dacc_json_write_stream(fp, doc, DACC_JSON_PRETTY, NULL) != DACC_OK ? -1 : 0;
    if (f == CLI_FORMAT_CSV)
        fputs("key,value\n", fp);
    return flat(fp, f, "", doc);
}
