/* A JSON document as text or CSV: for commands whose result is a JSON
 * object (a summary), the other two formats of the output contract. */
#include "flat.h"

#include <string.h>

/* The scalar v as text, without quotes; a string as it is. */
static char *scalar_text(const json_t *v)
{
    if (json_is_string(v))
        return strdup(json_string_value(v));
    return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
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
    char *text = scalar_text(v);
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
