/* The hazard-database lookup messages: the outputs a client sends and the
 * hits the database answers (docs/screen.md, "Messages"). */
#include <stdio.h>
#include <string.h>

#include "dacc/json.h"
#include "dacc/screen.h"
#include "doprf.h"

#define LOOKUP_MAGIC "DSL1"

dacc_status dacc_screen_lookup_request(const uint8_t *outputs, size_t n, dacc_buf *out,
                                       dacc_error *err)
{
    if (n < 1 || n > DACC_SCREEN_LOOKUP_BATCH_MAX)
        return dacc_error_set(err, DACC_ERR_RANGE, "lookup of %zu outputs, not in [1, %zu]", n,
                              DACC_SCREEN_LOOKUP_BATCH_MAX);
    uint8_t head[8];
    memcpy(head, LOOKUP_MAGIC, 4);
    screen_put32(head + 4, (uint32_t)n);
    dacc_status st = dacc_buf_append(out, head, 8);
    if (st == DACC_OK)
        st = dacc_buf_append(out, outputs, 64 * n);
    return st == DACC_OK ? DACC_OK : dacc_error_set(err, st, "lookup request: out of memory");
}

dacc_status dacc_screen_lookup_request_decode(const char *name, const uint8_t *data, size_t len,
                                              const uint8_t **outputs, size_t *n, dacc_error *err)
{
    *outputs = NULL;
    *n = 0;
    if (len < 8 || memcmp(data, LOOKUP_MAGIC, 4) != 0)
        return dacc_error_set(err, DACC_ERR_PARSE, "%s: not a lookup request (magic DSL1)", name);
    size_t count = (size_t)data[4] << 24 | (size_t)data[5] << 16 | (size_t)data[6] << 8 | data[7];
    if (count < 1 || count > DACC_SCREEN_LOOKUP_BATCH_MAX)
        return dacc_error_set(err, DACC_ERR_PARSE, "%s: %zu outputs, not in [1, %zu]", name, count,
                              DACC_SCREEN_LOOKUP_BATCH_MAX);
    if (len != 8 + 64 * count)
        return dacc_error_set(err, DACC_ERR_PARSE, "%s: %zu bytes, %zu expected for %zu outputs",
                              name, len, 8 + 64 * count, count);
    *outputs = data + 8;
    *n = count;
    return DACC_OK;
}

static dacc_status bad(const char *name, const char *field, const char *why, dacc_error *err)
{
    return dacc_error_field(err, DACC_ERR_PARSE, name, 0, "field", field, "%s", why);
}

static dacc_status check_hit(const char *name, const json_t *hits, size_t i, size_t n,
                             dacc_error *err)
{
    char f[DACC_ERROR_FIELD_MAX];
    const json_t *h = json_array_get(hits, i);
    const json_t *entry = json_object_get(h, "entry"), *w = json_object_get(h, "windows");
    snprintf(f, sizeof f, "hits[%zu]", i);
    if (!json_is_object(h) || json_object_size(h) != 2 || !json_is_string(entry) ||
        json_string_length(entry) == 0 ||
        strlen(json_string_value(entry)) != json_string_length(entry))
        return bad(name, f, "expected {\"entry\": non-empty string, \"windows\": [...]}", err);
    for (size_t j = 0; j < i; j++)
        if (strcmp(json_string_value(json_object_get(json_array_get(hits, j), "entry")),
                   json_string_value(entry)) == 0)
            return bad(name, f, "an entry named twice", err);
    snprintf(f, sizeof f, "hits[%zu].windows", i);
    if (!json_is_array(w) || json_array_size(w) == 0 || json_array_size(w) > n)
        return bad(name, f, "expected a non-empty array of window indices", err);
    json_int_t prev = -1;
    for (size_t j = 0; j < json_array_size(w); j++) {
        const json_t *x = json_array_get(w, j);
        if (!json_is_integer(x) || json_integer_value(x) <= prev ||
            (uint64_t)json_integer_value(x) >= n)
            return bad(name, f, "window indices must be ascending integers below the count", err);
        prev = json_integer_value(x);
    }
    return DACC_OK;
}

dacc_status dacc_screen_lookup_answer_parse(const char *name, const char *text, size_t len,
                                            size_t n, json_t **out, dacc_error *err)
{
    *out = NULL;
    json_t *o = NULL;
    dacc_status st = dacc_json_load_buffer(name, text, len, &o, err);
    if (st != DACC_OK)
        return st;
    const json_t *v = json_object_get(o, "version"), *hits = json_object_get(o, "hits");
    if (!json_is_object(o) || json_object_size(o) != 2)
        st = bad(name, "", "expected {\"version\": N, \"hits\": [...]}", err);
    else if (!json_is_integer(v) || json_integer_value(v) < 0)
        st = bad(name, "version", "expected a non-negative integer", err);
    else if (!json_is_array(hits))
        st = bad(name, "hits", "expected an array", err);
    for (size_t i = 0; st == DACC_OK && i < json_array_size(hits); i++)
        st = check_hit(name, hits, i, n, err);
    if (st != DACC_OK) {
        json_decref(o);
        return st;
    }
    *out = o;
    return DACC_OK;
}
