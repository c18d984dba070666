/* Splitting `dacc log append` input into entries: lines with either line
 * ending, and length-prefixed records, with the limits and the places of
 * faults in the messages. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/tlog.h"

typedef struct {
    char got[8][16];
    size_t n;
} collected;

static dacc_status collect(void *ctx, const char *entry, size_t len, dacc_error *err)
{
    collected *c = ctx;
    cr_assert_lt(c->n, 8);
    cr_assert_lt(len, 16);
    memcpy(c->got[c->n], entry, len);
    c->got[c->n++][len] = '\0';
    (void)err;
    return DACC_OK;
}

static void expect_lines(const char *in, size_t len, const char *const *want, size_t n)
{
    collected c = { 0 };
    dacc_error err;
    cr_assert_eq(dacc_tlog_split_entries("in", in, len, DACC_TLOG_SPLIT_LINES, collect, &c, &err),
                 DACC_OK, "%s", err.message);
    cr_assert_eq(c.n, n, "%zu entries from \"%s\"", c.n, in);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(c.got[i], want[i], "entry %zu of \"%s\"", i, in);
}

#define LINES(in, ...)                                                                             \
    expect_lines(in, sizeof in - 1, (const char *const[]){ __VA_ARGS__ },                          \
                 sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

Test(split, lines_with_either_ending)
{
    LINES("a\nb\n", "a", "b");
    LINES("a\r\nb\r\n", "a", "b");
    LINES("a\r\nb", "a", "b");
    LINES("a\n\r\n\nb", "a", "", "", "b");
    LINES("a\rb\r", "a\rb\r"); /* a lone CR is data */
    LINES("\r\n", "");
    collected c = { 0 };
    cr_assert_eq(dacc_tlog_split_entries("in", "", 0, DACC_TLOG_SPLIT_LINES, collect, &c, NULL),
                 DACC_OK);
    cr_assert_eq(c.n, 0);
}

static dacc_status count(void *ctx, const char *entry, size_t len, dacc_error *err)
{
    (void)entry;
    (void)len;
    (void)err;
    ++*(size_t *)ctx;
    return DACC_OK;
}

Test(split, line_above_the_entry_limit_names_its_line)
{
    size_t n = DACC_TLOG_ENTRY_MAX + 1;
    char *in = malloc(n + 8);
    cr_assert_not_null(in);
    memcpy(in, "ok\r\n", 4);
    memset(in + 4, 'x', n);
    memcpy(in + 4 + n, "\r\n", 2);
    dacc_error err;
    collected c = { 0 };
    cr_assert_eq(
        dacc_tlog_split_entries("in.txt", in, n + 6, DACC_TLOG_SPLIT_LINES, collect, &c, &err),
        DACC_ERR_LIMIT);
    cr_assert(strstr(err.message, "in.txt:2:") != NULL, "%s", err.message);
    /* Exactly at the limit is fine, with its CRLF. */
    size_t seen = 0;
    cr_assert_eq(
        dacc_tlog_split_entries("in.txt", in + 5, n + 1, DACC_TLOG_SPLIT_LINES, count, &seen, &err),
        DACC_OK, "%s", err.message);
    cr_assert_eq(seen, 1);
    free(in);
}

Test(split, length_prefixed_records)
{
    static const char in[] = "\0\5alpha\0\0\0\4beta";
    collected c = { 0 };
    dacc_error err;
    cr_assert_eq(dacc_tlog_split_entries("b", in, sizeof in - 1, DACC_TLOG_SPLIT_PREFIXED, collect,
                                         &c, &err),
                 DACC_OK, "%s", err.message);
    cr_assert_eq(c.n, 3);
    cr_assert_str_eq(c.got[0], "alpha");
    cr_assert_str_eq(c.got[1], "");
    cr_assert_str_eq(c.got[2], "beta");
    size_t seen = 0;
    cr_assert_eq(dacc_tlog_split_entries("b", in, 8, DACC_TLOG_SPLIT_PREFIXED, count, &seen, &err),
                 DACC_ERR_PARSE);
    cr_assert(strstr(err.message, "entry 1: truncated length prefix at byte 7"), "%s", err.message);
    cr_assert_eq(seen, 1);
    cr_assert_eq(dacc_tlog_split_entries("b", in, 6, DACC_TLOG_SPLIT_PREFIXED, count, &seen, &err),
                 DACC_ERR_PARSE);
    cr_assert(strstr(err.message, "needs 5 bytes, 4 left"), "%s", err.message);
    cr_assert_eq(dacc_tlog_split_entries("b", in, 6, 7, count, &seen, &err), DACC_ERR_INVALID);
}
