#include "dacc/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ------------------------------------------------------------ */

enum { ARENA_MIN_BLOCK = 64 * 1024 };

typedef struct arena_block {
    struct arena_block *prev;
    size_t size; /* usable bytes after the header */
    size_t used;
    _Alignas(DACC_ARENA_ALIGN) unsigned char data[];
} arena_block;

struct dacc_arena {
    arena_block *head; /* current block; older blocks chain through prev */
    size_t cap;        /* 0: no cap */
    size_t footprint;  /* bytes obtained from malloc, headers included */
};

dacc_arena *dacc_arena_new(size_t cap)
{
    dacc_arena *a = calloc(1, sizeof *a);
    if (a != NULL)
        a->cap = cap;
    return a;
}

void dacc_arena_free(dacc_arena *a)
{
    if (a == NULL)
        return;
    arena_block *b = a->head;
    while (b != NULL) {
        arena_block *prev = b->prev;
        free(b);
        b = prev;
    }
    free(a);
}

static size_t align_up(size_t n)
{
    return (n + DACC_ARENA_ALIGN - 1) & ~(size_t)(DACC_ARENA_ALIGN - 1);
}

/* Adds a block large enough for size bytes: at least double the last block so
 * that the number of blocks stays logarithmic in the total. */
static arena_block *arena_grow(dacc_arena *a, size_t size)
{
    size_t want = a->head != NULL ? a->head->size * 2 : ARENA_MIN_BLOCK;
    if (want < size)
        want = size;
    if (want > SIZE_MAX / 2 - sizeof(arena_block))
        return NULL;
    size_t total = sizeof(arena_block) + want;
    if (a->cap != 0 && a->footprint + total > a->cap) {
        /* Try the smallest block that fits before giving up on the cap. */
        total = sizeof(arena_block) + size;
        if (a->footprint + total > a->cap)
            return NULL;
        want = size;
    }
    arena_block *b = malloc(total);
    if (b == NULL)
        return NULL;
    b->prev = a->head;
    b->size = want;
    b->used = 0;
    a->head = b;
    a->footprint += total;
    return b;
}

void *dacc_arena_alloc(dacc_arena *a, size_t size)
{
    if (size > SIZE_MAX / 2)
        return NULL;
    size_t need = align_up(size == 0 ? 1 : size);
    arena_block *b = a->head;
    if (b == NULL || b->size - b->used < need) {
        b = arena_grow(a, need);
        if (b == NULL)
            return NULL;
    }
    void *p = b->data + b->used;
    b->used += need;
    return p;
}

void *dacc_arena_calloc(dacc_arena *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    void *p = dacc_arena_alloc(a, n * size);
    if (p != NULL)
        memset(p, 0, n * size);
    return p;
}

char *dacc_arena_strndup(dacc_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = dacc_arena_alloc(a, len + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void dacc_arena_reset(dacc_arena *a)
{
    arena_block *b = a->head;
    if (b == NULL)
        return;
    /* Keep the oldest block (the first allocated), release the rest. */
    while (b->prev != NULL) {
        arena_block *prev = b->prev;
        a->footprint -= sizeof(arena_block) + b->size;
        free(b);
        b = prev;
    }
    b->used = 0;
    a->head = b;
}

size_t dacc_arena_footprint(const dacc_arena *a)
{
    return a->footprint;
}

/* ---- buffer ----------------------------------------------------------- */

void dacc_buf_init(dacc_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max != 0 ? max : SIZE_MAX / 2;
}

void dacc_buf_free(dacc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void dacc_buf_reset(dacc_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

static dacc_status buf_fail(dacc_buf *b, dacc_status st)
{
    dacc_buf_free(b);
    return st;
}

dacc_status dacc_buf_reserve(dacc_buf *b, size_t extra)
{
    if (extra > b->max - b->len)
        return buf_fail(b, DACC_ERR_LIMIT);
    size_t need = b->len + extra + 1; /* room for the terminator */
    if (need <= b->cap)
        return DACC_OK;
    size_t cap = b->cap != 0 ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    char *p = realloc(b->data, cap);
    if (p == NULL)
        return buf_fail(b, DACC_ERR_NOMEM);
    b->data = p;
    b->cap = cap;
    return DACC_OK;
}

dacc_status dacc_buf_append(dacc_buf *b, const void *data, size_t len)
{
    dacc_status st = dacc_buf_reserve(b, len);
    if (st != DACC_OK)
        return st;
    if (len > 0)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return DACC_OK;
}

dacc_status dacc_buf_putc(dacc_buf *b, char c)
{
    return dacc_buf_append(b, &c, 1);
}

dacc_status dacc_buf_vprintf(dacc_buf *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) {
        va_end(again);
        return buf_fail(b, DACC_ERR_INVALID);
    }
    dacc_status st = dacc_buf_reserve(b, (size_t)n);
    if (st == DACC_OK) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
    return st;
}

dacc_status dacc_buf_printf(dacc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dacc_status st = dacc_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return st;
}

char *dacc_buf_detach(dacc_buf *b, size_t *len)
{
    char *p = b->data;
    size_t n = b->len;
    if (p == NULL) {
        p = calloc(1, 1);
        n = 0;
    }
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    if (len != NULL)
        *len = p != NULL ? n : 0;
    return p;
}
