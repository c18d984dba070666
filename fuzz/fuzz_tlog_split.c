/* Fuzz target: splitting `dacc log append` input into entries. The first
 * byte picks the mode ("p": length-prefixed, else lines), the rest is the
 * file. Every entry must lie inside the input, in order, within the entry limit,
 * and a successful split must account for every byte: entries plus their
 * line endings or length prefixes are the whole input. */
#include <stdint.h>
#include <string.h>

#include "dacc/tlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const char *data;
    size_t len;
    int mode;
    size_t pos; /* where the next entry's record starts */
} split_check;

/* In lines mode an entry ends at "\n", at "\r\n" or at the end of the
 * input, and holds no "\n"; a "\r" before the "\n" is never kept. */
static size_t line_record(const split_check *c, const char *entry, size_t len)
{
    size_t end = (size_t)(entry - c->data) + len;
    if (memchr(entry, '\n', len) != NULL)
        __builtin_trap();
    if (end == c->len)
        return len;
    if (c->data[end] == '\n' && (len == 0 || entry[len - 1] != '\r'))
        return len + 1;
    if (c->data[end] == '\r' && end + 1 < c->len && c->data[end + 1] == '\n')
        return len + 2;
    __builtin_trap();
}

static dacc_status check_entry(void *ctx, const char *entry, size_t len, dacc_error *err)
{
    split_check *c = ctx;
    (void)err;
    if (len > DACC_TLOG_ENTRY_MAX || entry < c->data || entry + len > c->data + c->len)
        __builtin_trap();
    size_t at = (size_t)(entry - c->data);
    if (c->mode == DACC_TLOG_SPLIT_LINES) {
        if (at != c->pos)
            __builtin_trap();
        c->pos += line_record(c, entry, len);
    } else {
        if (at != c->pos + 2 ||
            (size_t)((unsigned char)entry[-2] << 8 | (unsigned char)entry[-1]) != len)
            __builtin_trap();
        c->pos += 2 + len;
    }
    return DACC_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    split_check c = { (const char *)data + 1, size - 1,
                      data[0] == 'p' ? DACC_TLOG_SPLIT_PREFIXED : DACC_TLOG_SPLIT_LINES, 0 };
    dacc_error err;
    dacc_status st = dacc_tlog_split_entries("fuzz", c.data, c.len, c.mode, check_entry, &c, &err);
    if (st == DACC_OK && c.pos != c.len)
        __builtin_trap(); /* bytes neither in an entry nor a separator */
    if (st != DACC_OK && (st != DACC_ERR_PARSE && st != DACC_ERR_LIMIT))
        __builtin_trap();
    return 0;
}
