/* Splitting an entry file into entries, for `dacc log append`: lines, or
 * length-prefixed records as in a tlog-tiles entry bundle. */
#include <string.h>

#include "dacc/tlog.h"

/* A line ends at "\n" or "\r\n", so a file written on Windows gives the
 * same entries as its Unix twin; a lone "\r" is data. */
static dacc_status split_lines(const char *name, const char *data, size_t len,
                               dacc_tlog_entry_fn fn, void *ctx, dacc_error *err)
{
    dacc_status st = DACC_OK;
    for (size_t pos = 0, line = 1; pos < len && st == DACC_OK; line++) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len, n = end - pos;
        if (nl != NULL && n > 0 && data[end - 1] == '\r')
            n--;
        if (n > DACC_TLOG_ENTRY_MAX)
            return dacc_error_at(err, DACC_ERR_LIMIT, name, line, 0,
                                 "the line is %zu bytes, above the entry limit of %d", n,
                                 DACC_TLOG_ENTRY_MAX);
        st = fn(ctx, data + pos, n, err);
        pos = end + 1;
    }
    return st;
}

static dacc_status split_prefixed(const char *name, const char *data, size_t len,
                                  dacc_tlog_entry_fn fn, void *ctx, dacc_error *err)
{
    dacc_status st = DACC_OK;
    for (size_t pos = 0, i = 0; pos < len && st == DACC_OK; i++) {
        if (len - pos < 2)
            return dacc_error_at(err, DACC_ERR_PARSE, name, 0, 0,
                                 "entry %zu: truncated length prefix at byte %zu", i, pos);
        size_t n = (size_t)(unsigned char)data[pos] << 8 | (unsigned char)data[pos + 1];
        if (len - pos - 2 < n)
            return dacc_error_at(err, DACC_ERR_PARSE, name, 0, 0,
                                 "entry %zu at byte %zu needs %zu bytes, %zu left", i, pos, n,
                                 len - pos - 2);
        st = fn(ctx, data + pos + 2, n, err);
        pos += 2 + n;
    }
    return st;
}

dacc_status dacc_tlog_split_entries(const char *name, const char *data, size_t len, int mode,
                                    dacc_tlog_entry_fn fn, void *ctx, dacc_error *err)
{
    if (mode == DACC_TLOG_SPLIT_LINES)
        return split_lines(name, data, len, fn, ctx, err);
    if (mode == DACC_TLOG_SPLIT_PREFIXED)
        return split_prefixed(name, data, len, fn, ctx, err);
    return dacc_error_set(err, DACC_ERR_INVALID, "unknown split mode %d", mode);
}
