/* Reading the key = value vector files of tests/anon/: records are blocks
 * separated by blank lines, '#' starts a comment line. */
#ifndef DACC_TEST_ANON_VECTORS_H
#define DACC_TEST_ANON_VECTORS_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define VEC_MAX_FIELDS 24

typedef struct {
    char *key[VEC_MAX_FIELDS], *val[VEC_MAX_FIELDS];
    size_t n;
} vec_record;

/* The next record of the text at *cursor (modified in place), or 0 at the end. */
static inline int vec_next(char **cursor, vec_record *r)
{
    r->n = 0;
    char *line;
    while ((line = *cursor) != NULL && *line != '\0') {
        char *nl = strchr(line, '\n');
        *cursor = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        if (*line == '#')
            continue;
        if (*line == '\0') {
            if (r->n > 0)
                return 1;
            continue;
        }
        char *eq = strstr(line, " = ");
        if (!eq)
            eq = strstr(line, " =");
        cr_assert_not_null(eq, "vector line without ' = ': %s", line);
        cr_assert_lt(r->n, VEC_MAX_FIELDS);
        *eq = '\0';
        r->key[r->n] = line;
        r->val[r->n] = eq[2] == ' ' ? eq + 3 : eq + 2;
        r->n++;
    }
    return r->n > 0;
}

static inline const char *vec_get(const vec_record *r, const char *key)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->key[i], key) == 0)
            return r->val[i];
    cr_assert_fail("vector record without %s", key);
    return NULL;
}

/* Decodes hex (up to a ',' or the end) into out; returns the byte count. */
static inline size_t vec_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (hex[0] && hex[0] != ',' && hex[0] != ' ') {
        cr_assert(hex[1], "odd hex: %s", hex);
        cr_assert_lt(n, cap, "hex longer than %zu bytes", cap);
        char b[3] = { hex[0], hex[1], 0 }, *end;
        out[n++] = (uint8_t)strtoul(b, &end, 16);
        cr_assert_eq(*end, '\0', "bad hex: %s", hex);
        hex += 2;
    }
    return n;
}

/* The i-th comma-separated item of a list. */
static inline const char *vec_item(const char *list, size_t i)
{
    while (i-- > 0) {
        list = strchr(list, ',');
        cr_assert_not_null(list, "list too short");
        list++;
    }
    return list;
}

static inline char *vec_load(const char *rel_path)
{
    char *text = read_text(rel_path, NULL);
    cr_assert_not_null(text, "cannot read %s", rel_path);
    return text;
}

static inline void vec_hex_eq(const uint8_t *got, size_t n, const char *want_hex, const char *what)
{
    uint8_t want[4096];
    size_t wn = vec_hex(want_hex, want, sizeof want);
    cr_assert_eq(wn, n, "%s: length %zu, expected %zu", what, n, wn);
    cr_assert(memcmp(got, want, n) == 0, "%s differs from %s", what, want_hex);
}

#endif
