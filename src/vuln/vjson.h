/* Private to src/vuln: a small JSON reader for OSV records, into an arena.
 *
 * osv.dev publishes hundreds of thousands of records; a general JSON
 * library spends most of a scan allocating and freeing one node at a time.
 * This reader builds the same tree in an arena that the caller resets per
 * file, validating what jansson validates for dacc (RFC 8259 syntax, UTF-8,
 * no "\u0000", no duplicate keys in any object) and nothing less. */
#ifndef DACC_VULN_VJSON_H
#define DACC_VULN_VJSON_H

#include <stddef.h>

#include "dacc/error.h"
#include "dacc/mem.h"

typedef enum { VJ_NULL, VJ_FALSE, VJ_TRUE, VJ_NUMBER, VJ_STRING, VJ_ARRAY, VJ_OBJECT } vj_type;

typedef struct vj_t vj_t;
struct vj_t {
    vj_type type;
    size_t n;          /* string bytes, array items or object members */
    const char *s;     /* string: NUL-terminated (no NUL inside) */
    vj_t **items;      /* array items; object values */
    const char **keys; /* object keys */
};

/* Nesting deeper than this is refused. */
#define VJ_MAX_DEPTH 64

/* Parses data[0..len) (one value, blanks around) into a; errors name file,
 * line and column. */
dacc_status vj_parse(dacc_arena *a, const char *file, const char *data, size_t len, vj_t **out,
                     dacc_error *err);

/* The jansson-like accessors osv.c reads with; NULL-safe. */
vj_t *vj_object_get(const vj_t *o, const char *key);
static inline int vj_is_null(const vj_t *v)
{
    return v && v->type == VJ_NULL;
}
static inline int vj_is_string(const vj_t *v)
{
    return v && v->type == VJ_STRING;
}
static inline int vj_is_array(const vj_t *v)
{
    return v && v->type == VJ_ARRAY;
}
static inline int vj_is_object(const vj_t *v)
{
    return v && v->type == VJ_OBJECT;
}
static inline const char *vj_string_value(const vj_t *v)
{
    return vj_is_string(v) ? v->s : NULL;
}
static inline size_t vj_string_length(const vj_t *v)
{
    return vj_is_string(v) ? v->n : 0;
}
static inline size_t vj_array_size(const vj_t *v)
{
    return vj_is_array(v) ? v->n : 0;
}
static inline vj_t *vj_array_get(const vj_t *v, size_t i)
{
    return vj_is_array(v) && i < v->n ? v->items[i] : NULL;
}

#endif
