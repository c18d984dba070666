#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "dacc/mem.h"

Test(arena, allocations_are_aligned_and_distinct)
{
    dacc_arena *a = dacc_arena_new(0);
    cr_assert_not_null(a);
    char *prev = NULL;
    for (size_t i = 0; i < 10000; i++) {
        size_t size = i % 97;
        char *p = dacc_arena_alloc(a, size);
        cr_assert_not_null(p);
        cr_assert_eq((uintptr_t)p % DACC_ARENA_ALIGN, 0);
        cr_assert_neq(p, prev);
        memset(p, (int)(i & 0xff), size);
        prev = p;
    }
    dacc_arena_free(a);
}

Test(arena, large_allocation_gets_its_own_block)
{
    dacc_arena *a = dacc_arena_new(0);
    char *big = dacc_arena_alloc(a, 10u << 20);
    cr_assert_not_null(big);
    memset(big, 1, 10u << 20);
    cr_assert_geq(dacc_arena_footprint(a), 10u << 20);
    dacc_arena_free(a);
}

Test(arena, cap_is_never_exceeded)
{
    const size_t cap = 200000;
    dacc_arena *a = dacc_arena_new(cap);
    size_t got = 0;
    for (int i = 0; i < 1000; i++) {
        void *p = dacc_arena_alloc(a, 1000);
        if (p == NULL)
            break;
        got += 1000;
        cr_assert_leq(dacc_arena_footprint(a), cap);
    }
    cr_assert_gt(got, 100000, "the cap should allow most of its size, got %zu", got);
    cr_assert_null(dacc_arena_alloc(a, cap));
    cr_assert_leq(dacc_arena_footprint(a), cap);
    dacc_arena_free(a);
}

Test(arena, calloc_zeroes_and_checks_overflow)
{
    dacc_arena *a = dacc_arena_new(0);
    unsigned char *p = dacc_arena_calloc(a, 100, 8);
    for (int i = 0; i < 800; i++)
        cr_assert_eq(p[i], 0);
    cr_assert_null(dacc_arena_calloc(a, SIZE_MAX / 2, 4));
    cr_assert_null(dacc_arena_alloc(a, SIZE_MAX));
    dacc_arena_free(a);
}

Test(arena, strndup_and_reset)
{
    dacc_arena *a = dacc_arena_new(0);
    char *s = dacc_arena_strndup(a, "hello world", 5);
    cr_assert_str_eq(s, "hello");
    for (int i = 0; i < 100; i++)
        cr_assert_not_null(dacc_arena_alloc(a, 50000));
    size_t before = dacc_arena_footprint(a);
    dacc_arena_reset(a);
    cr_assert_lt(dacc_arena_footprint(a), before);
    cr_assert_str_eq(dacc_arena_strndup(a, "again", 5), "again");
    dacc_arena_free(a);
    dacc_arena_free(NULL);
}

Test(buf, append_and_printf)
{
    dacc_buf b;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_buf_append(&b, "abc", 3), DACC_OK);
    cr_assert_eq(dacc_buf_putc(&b, '-'), DACC_OK);
    cr_assert_eq(dacc_buf_printf(&b, "%d/%s", 42, "x"), DACC_OK);
    cr_assert_str_eq(b.data, "abc-42/x");
    cr_assert_eq(b.len, 8);
    dacc_buf_reset(&b);
    cr_assert_eq(b.len, 0);
    cr_assert_str_eq(b.data, "");
    for (int i = 0; i < 10000; i++)
        cr_assert_eq(dacc_buf_printf(&b, "%04d", i), DACC_OK);
    cr_assert_eq(b.len, 40000);
    cr_assert_eq(memcmp(b.data + 39996, "9999", 4), 0);
    dacc_buf_free(&b);
}

Test(buf, cap_failure_frees_and_leaves_usable)
{
    dacc_buf b;
    dacc_buf_init(&b, 10);
    cr_assert_eq(dacc_buf_append(&b, "0123456789", 10), DACC_OK);
    cr_assert_eq(dacc_buf_putc(&b, 'x'), DACC_ERR_LIMIT);
    cr_assert_eq(b.len, 0);
    cr_assert_null(b.data);
    cr_assert_eq(dacc_buf_printf(&b, "%s", "short"), DACC_OK);
    cr_assert_str_eq(b.data, "short");
    cr_assert_eq(dacc_buf_printf(&b, "%s", "way too long"), DACC_ERR_LIMIT);
    cr_assert_eq(b.len, 0);
    dacc_buf_free(&b);
}

Test(buf, detach_hands_over_memory)
{
    dacc_buf b;
    dacc_buf_init(&b, 0);
    size_t len = 99;
    char *empty = dacc_buf_detach(&b, &len);
    cr_assert_str_eq(empty, "");
    cr_assert_eq(len, 0);
    free(empty);
    dacc_buf_append(&b, "data", 4);
    char *s = dacc_buf_detach(&b, &len);
    cr_assert_str_eq(s, "data");
    cr_assert_eq(len, 4);
    cr_assert_null(b.data);
    free(s);
}
