/* dacc — arena allocator and growable byte buffer, both with hard caps.
 *
 * Arena: many small allocations that live and die together (a parsed graph,
 * a note's strings). Memory comes in blocks; nothing is freed one by one;
 * dacc_arena_free releases everything. A cap bounds the total so that hostile
 * input cannot exhaust memory.
 *
 * Buffer: a byte string that grows by doubling up to its cap. On any failure
 * (cap reached or allocation failed) the buffer releases its memory and is
 * left empty but usable, as curl's dynbuf does, so a caller cannot keep going
 * with half an output by mistake.
 */
#ifndef DACC_MEM_H
#define DACC_MEM_H

#include <stdarg.h>
#include <stddef.h>

#include "dacc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- arena ------------------------------------------------------------ */

typedef struct dacc_arena dacc_arena;

/* Every allocation is aligned to this many bytes. */
#define DACC_ARENA_ALIGN 16

/* Creates an arena that never holds more than cap bytes in all (blocks
 * included); cap 0 means no cap. Returns NULL when out of memory. */
dacc_arena *dacc_arena_new(size_t cap);

/* Releases the arena and every allocation made from it. NULL is a no-op. */
void dacc_arena_free(dacc_arena *a);

/* size bytes, aligned to DACC_ARENA_ALIGN, valid until dacc_arena_free or
 * dacc_arena_reset. Returns NULL when the cap would be exceeded or memory is
 * exhausted; the arena is unchanged then. size 0 returns a unique pointer. */
void *dacc_arena_alloc(dacc_arena *a, size_t size);

/* As dacc_arena_alloc for n elements of size bytes, zeroed; NULL also when
 * n * size overflows. */
void *dacc_arena_calloc(dacc_arena *a, size_t n, size_t size);

/* A NUL-terminated copy of s[0..len) in the arena, or NULL. */
char *dacc_arena_strndup(dacc_arena *a, const char *s, size_t len);

/* Forgets every allocation but keeps the first block for reuse; pointers
 * from the arena become invalid. */
void dacc_arena_reset(dacc_arena *a);

/* Bytes obtained from the system so far (the quantity the cap bounds). */
size_t dacc_arena_footprint(const dacc_arena *a);

/* ---- buffer ----------------------------------------------------------- */

typedef struct dacc_buf {
    char *data; /* NUL-terminated when len > 0; NULL when nothing was ever added */
    size_t len; /* bytes held, terminator excluded */
    size_t cap; /* bytes allocated */
    size_t max; /* hard cap on len */
} dacc_buf;

/* Prepares an empty buffer that may hold up to max bytes (0: SIZE_MAX / 2). */
void dacc_buf_init(dacc_buf *b, size_t max);

/* Releases the memory; the buffer is empty and usable again. */
void dacc_buf_free(dacc_buf *b);

/* Empties the buffer but keeps its memory. */
void dacc_buf_reset(dacc_buf *b);

/* Appends bytes. DACC_ERR_LIMIT when len would exceed max, DACC_ERR_NOMEM
 * when growing fails; in both cases the buffer is freed (left empty). */
dacc_status dacc_buf_append(dacc_buf *b, const void *data, size_t len);
dacc_status dacc_buf_putc(dacc_buf *b, char c);
dacc_status dacc_buf_printf(dacc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
dacc_status dacc_buf_vprintf(dacc_buf *b, const char *fmt, va_list ap);

/* Makes room for at least extra more bytes without changing len; same
 * failure rule as dacc_buf_append. */
dacc_status dacc_buf_reserve(dacc_buf *b, size_t extra);

/* Hands the memory to the caller (who frees it with free()) and leaves the
 * buffer empty. Returns a NUL-terminated string, "" allocated when empty, or
 * NULL when out of memory. */
char *dacc_buf_detach(dacc_buf *b, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
