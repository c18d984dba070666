#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dacc/intern.h"

static uint32_t add(dacc_intern *m, const char *s, bool *added)
{
    uint32_t idx = DACC_INTERN_NONE;
    cr_assert_eq(dacc_intern_add(m, s, strlen(s), &idx, added), DACC_OK, "adding %s", s);
    return idx;
}

Test(intern, indices_follow_insertion_order)
{
    dacc_intern *m = dacc_intern_new(0);
    bool added;
    cr_assert_eq(add(m, "b", &added), 0);
    cr_assert(added);
    cr_assert_eq(add(m, "a", &added), 1);
    cr_assert(added);
    cr_assert_eq(add(m, "c", &added), 2);
    cr_assert_eq(add(m, "a", &added), 1);
    cr_assert_not(added);
    cr_assert_eq(add(m, "b", NULL), 0);
    cr_assert_eq(dacc_intern_count(m), 3);
    size_t len;
    cr_assert_str_eq(dacc_intern_key(m, 0, &len), "b");
    cr_assert_eq(len, 1);
    cr_assert_str_eq(dacc_intern_key(m, 1, NULL), "a");
    cr_assert_str_eq(dacc_intern_key(m, 2, NULL), "c");
    dacc_intern_free(m);
}

Test(intern, growth_keeps_indices_and_copies)
{
    dacc_intern *m = dacc_intern_new(0);
    char key[32];
    add(m, "first", NULL);
    const char *first = dacc_intern_key(m, 0, NULL);
    for (int i = 0; i < 200000; i++) {
        int n = snprintf(key, sizeof key, "key-%d", i);
        uint32_t idx;
        cr_assert_eq(dacc_intern_add(m, key, (size_t)n, &idx, NULL), DACC_OK);
        cr_assert_eq(idx, (uint32_t)i + 1);
    }
    cr_assert_eq(dacc_intern_count(m), 200001);
    /* the copies never move: a pointer taken before growing stays valid */
    cr_assert_eq(dacc_intern_key(m, 0, NULL), first);
    cr_assert_str_eq(first, "first");
    for (int i = 0; i < 200000; i += 7) {
        int n = snprintf(key, sizeof key, "key-%d", i);
        cr_assert_eq(dacc_intern_find(m, key, (size_t)n), (uint32_t)i + 1);
        cr_assert_str_eq(dacc_intern_key(m, (uint32_t)i + 1, NULL), key);
    }
    dacc_intern_free(m);
}

/* Keys whose hashes agree in the low 32 bits (all the table uses) share
 * one probe run; the bytes still tell them apart. */
Test(intern, colliding_hashes_are_told_apart_by_the_bytes)
{
    dacc_intern *m = dacc_intern_new(0);
    char key[32];
    for (uint64_t i = 0; i < 3000; i++) {
        int n = snprintf(key, sizeof key, "c%llu", (unsigned long long)i);
        uint32_t idx;
        uint64_t h = (i << 32) | 0x1234u; /* high bits differ, low bits collide */
        cr_assert_eq(dacc_intern_add_hashed(m, key, (size_t)n, h, &idx, NULL), DACC_OK);
        cr_assert_eq(idx, (uint32_t)i);
    }
    for (uint64_t i = 0; i < 3000; i += 13) {
        int n = snprintf(key, sizeof key, "c%llu", (unsigned long long)i);
        cr_assert_eq(dacc_intern_find_hashed(m, key, (size_t)n, 0x1234u), (uint32_t)i);
    }
    cr_assert_eq(dacc_intern_find_hashed(m, "c3000", 5, 0x1234u), DACC_INTERN_NONE);
    dacc_intern_free(m);
}

Test(intern, missing_keys_are_not_found)
{
    dacc_intern *m = dacc_intern_new(0);
    cr_assert_eq(dacc_intern_find(m, "x", 1), DACC_INTERN_NONE);
    cr_assert_eq(dacc_intern_find(m, "", 0), DACC_INTERN_NONE);
    add(m, "abc", NULL);
    add(m, "abd", NULL);
    cr_assert_eq(dacc_intern_find(m, "ab", 2), DACC_INTERN_NONE);
    cr_assert_eq(dacc_intern_find(m, "abcd", 4), DACC_INTERN_NONE);
    cr_assert_eq(dacc_intern_find(m, "abcd", 3), 0); /* by (bytes, length) */
    cr_assert_eq(dacc_intern_find(m, "ABC", 3), DACC_INTERN_NONE);
    cr_assert_eq(dacc_intern_count(m), 2); /* a find adds nothing */
    dacc_intern_free(m);
}

Test(intern, keys_are_bytes_and_copies_are_c_strings)
{
    dacc_intern *m = dacc_intern_new(0);
    uint32_t a, anul, anulb, empty;
    cr_assert_eq(dacc_intern_add(m, "a", 1, &a, NULL), DACC_OK);
    cr_assert_eq(dacc_intern_add(m, "a\0", 2, &anul, NULL), DACC_OK);
    cr_assert_eq(dacc_intern_add(m, "a\0b", 3, &anulb, NULL), DACC_OK);
    cr_assert_eq(dacc_intern_add(m, "", 0, &empty, NULL), DACC_OK);
    cr_assert(a != anul && anul != anulb && a != anulb);
    size_t len;
    const char *k = dacc_intern_key(m, anulb, &len);
    cr_assert_eq(len, 3);
    cr_assert_eq(memcmp(k, "a\0b", 4), 0); /* with its terminator */
    /* a NUL-free key comes back as a C string of its own length */
    k = dacc_intern_key(m, a, &len);
    cr_assert_eq(strlen(k), len);
    cr_assert_str_eq(dacc_intern_key(m, empty, &len), "");
    cr_assert_eq(len, 0);
    uint64_t pair = ((uint64_t)7 << 32) | 9; /* binary keys, as for (account, market) */
    uint32_t p;
    cr_assert_eq(dacc_intern_add(m, &pair, sizeof pair, &p, NULL), DACC_OK);
    cr_assert_eq(dacc_intern_find(m, &pair, sizeof pair), p);
    dacc_intern_free(m);
}

/* The documented hash, so a reader that hashes on its own threads can rely
 * on it (values computed from the definition in intern.h, in Python). */
Test(intern, hash_follows_its_definition)
{
    cr_assert_eq(dacc_intern_hash("", 0), 0x9ca066f1a4ab2eeaULL);
    cr_assert_eq(dacc_intern_hash("a", 1), 0x97956212fcbbd79aULL);
    cr_assert_eq(dacc_intern_hash("dacc", 4), 0xfed6f91c6ac30578ULL);
    cr_assert_eq(dacc_intern_hash("12345678", 8), 0x196ae35c835e7fe0ULL);
    const char *url = "github.com/ethereum/go-ethereum";
    cr_assert_eq(dacc_intern_hash(url, strlen(url)), 0x6fc430532d147761ULL);
}

Test(intern, a_full_map_refuses_and_stays_as_it_was)
{
    dacc_intern *m = dacc_intern_new(64 * 1024);
    char key[64];
    dacc_status st = DACC_OK;
    int n = 0;
    for (; n < 100000 && st == DACC_OK; n++) {
        int len = snprintf(key, sizeof key, "a-rather-long-key-number-%d", n);
        uint32_t idx;
        st = dacc_intern_add(m, key, (size_t)len, &idx, NULL);
    }
    cr_assert_eq(st, DACC_ERR_LIMIT);
    size_t have = dacc_intern_count(m);
    cr_assert_eq(have, (size_t)n - 1);
    cr_assert_leq(dacc_intern_footprint(m), 64 * 1024);
    cr_assert_eq(dacc_intern_find(m, "a-rather-long-key-number-0", 26), 0);
    int len = snprintf(key, sizeof key, "a-rather-long-key-number-%d", n - 1);
    cr_assert_eq(dacc_intern_find(m, key, (size_t)len), DACC_INTERN_NONE);
    /* an existing key is still found through add, which needs no room */
    uint32_t idx;
    cr_assert_eq(dacc_intern_add(m, "a-rather-long-key-number-1", 26, &idx, NULL), DACC_OK);
    cr_assert_eq(idx, 1);
    dacc_intern_free(m);
}

Test(intern, fixed_width_keys)
{
    cr_assert_null(dacc_intern_new_fixed(0));
    cr_assert_null(dacc_intern_new_fixed(DACC_INTERN_MAX_WIDTH + 1));
    dacc_intern *m = dacc_intern_new_fixed(8);
    for (uint32_t i = 0; i < 100000; i++) {
        uint32_t pair[2] = { i % 317, i }, idx;
        bool added;
        cr_assert_eq(dacc_intern_add(m, pair, sizeof pair, &idx, &added), DACC_OK);
        cr_assert_eq(idx, i);
        cr_assert(added);
    }
    for (uint32_t i = 0; i < 100000; i += 11) {
        uint32_t pair[2] = { i % 317, i }, other[2] = { i % 317 + 1, i };
        cr_assert_eq(dacc_intern_find(m, pair, sizeof pair), i);
        cr_assert_eq(dacc_intern_find(m, other, sizeof other), DACC_INTERN_NONE);
        size_t len;
        cr_assert_eq(memcmp(dacc_intern_key(m, i, &len), pair, 8), 0);
        cr_assert_eq(len, 8);
    }
    /* by value, the same keys */
    for (uint32_t i = 0; i < 100000; i += 7) {
        uint32_t pair[2] = { i % 317, i }, idx;
        uint64_t word;
        memcpy(&word, pair, 8);
        bool added = true;
        cr_assert_eq(dacc_intern_find_u64(m, word), i);
        cr_assert_eq(dacc_intern_add_u64(m, word, &idx, &added), DACC_OK);
        cr_assert_eq(idx, i);
        cr_assert_not(added);
    }
    uint32_t idx;
    bool added;
    cr_assert_eq(dacc_intern_add_u64(m, UINT64_MAX, &idx, &added), DACC_OK);
    cr_assert(added);
    cr_assert_eq(idx, 100000);
    uint64_t last = UINT64_MAX;
    cr_assert_eq(dacc_intern_find(m, &last, 8), 100000);
    cr_assert_eq(dacc_intern_count(m), 100001);
    cr_assert_eq(dacc_intern_add(m, "short", 5, &idx, NULL), DACC_ERR_INVALID);
    cr_assert_eq(dacc_intern_find(m, "short", 5), DACC_INTERN_NONE);
    cr_assert_eq(dacc_intern_count(m), 100001);
    dacc_intern_free(m);
    dacc_intern *names = dacc_intern_new(0); /* by value only for width 8 */
    cr_assert_eq(dacc_intern_add_u64(names, 1, &idx, NULL), DACC_ERR_INVALID);
    cr_assert_eq(dacc_intern_find_u64(names, 1), DACC_INTERN_NONE);
    dacc_intern_free(names);
}

Test(intern, free_null_is_harmless)
{
    dacc_intern_free(NULL);
}
