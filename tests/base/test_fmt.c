/* The printing rules: shortest reals that read back exactly, no NaN, the
 * natural order of ids, and the JSON writer (jansson's layout, shortest
 * reals, money with its fixed decimals). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/fmt.h"
#include "dacc/json.h"
#include "dacc/rng.h"

static const char *real(double v)
{
    static char out[DACC_FMT_REAL_MAX];
    dacc_fmt_real(v, out);
    return out;
}

Test(fmt, reals_are_the_shortest_that_read_back)
{
    cr_assert_str_eq(real(12523.79), "12523.79");
    cr_assert_str_eq(real(0.1), "0.1");
    cr_assert_str_eq(real(0.1 + 0.2), "0.30000000000000004"); /* 17 digits only when needed */
    cr_assert_str_eq(real(1.0 / 3), "0.3333333333333333");
    cr_assert_str_eq(real(2), "2");
    cr_assert_str_eq(real(-0.0), "0");
    cr_assert_str_eq(real(1e-7), "1e-7");
    cr_assert_str_eq(real(0.000001), "0.000001");
    cr_assert_str_eq(real(1e21), "1e+21");
    cr_assert_str_eq(real(5e-324), "5e-324");
    cr_assert_str_eq(real(1.7976931348623157e308), "1.7976931348623157e+308");
}

Test(fmt, every_real_reads_back_and_no_shorter_one_does)
{
    uint8_t seed[DACC_RNG_SEEDBYTES];
    dacc_rng_seed_from_text("fmt", seed);
    dacc_rng rs, *r = &rs;
    dacc_rng_init(r, seed);
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = dacc_rng_u64(r);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        char out[DACC_FMT_REAL_MAX];
        cr_assert_gt(dacc_fmt_real(v, out), 0);
        cr_assert_eq(strtod(out, NULL), v, "%s", out);
        /* a digit fewer (%.{k-1}g) does not read back */
        char sig[DACC_FMT_REAL_MAX];
        size_t digits = 0;
        for (const char *p = out; *p && *p != 'e'; p++)
            if ((*p >= '1' && *p <= '9') || (*p == '0' && digits > 0))
                sig[digits++] = *p;
        while (digits > 0 && sig[digits - 1] == '0')
            digits--;
        char shorter[400];
        snprintf(shorter, sizeof shorter, "%.*g", (int)digits - 1, v);
        if (digits > 1 && v != 0)
            cr_assert_neq(strtod(shorter, NULL), v, "%s vs %s", out, shorter);
    }
}

Test(fmt, nan_and_infinities_are_not_written)
{
    char out[DACC_FMT_REAL_MAX] = "x";
    cr_assert_eq(dacc_fmt_real(NAN, out), 0);
    cr_assert_str_eq(out, "");
    cr_assert_eq(dacc_fmt_real(INFINITY, out), 0);
    cr_assert_eq(dacc_fmt_real(-INFINITY, out), 0);
}

Test(fmt, ids_sort_naturally)
{
    cr_assert_lt(dacc_fmt_natcmp("12", "118"), 0);
    cr_assert_gt(dacc_fmt_natcmp("118", "12"), 0);
    cr_assert_lt(dacc_fmt_natcmp("item2", "item10"), 0);
    cr_assert_lt(dacc_fmt_natcmp("a", "b"), 0);
    cr_assert_lt(dacc_fmt_natcmp("a", "a1"), 0);
    cr_assert_lt(dacc_fmt_natcmp("7", "007"), 0); /* same value: fewer zeros first */
    cr_assert_lt(dacc_fmt_natcmp("x1y2", "x1y10"), 0);
    cr_assert_lt(dacc_fmt_natcmp("99999999999999999999999", "100000000000000000000000"), 0);
    cr_assert_eq(dacc_fmt_natcmp("same", "same"), 0);
    const char *ids[] = { "118", "12", "b", "2", "a10", "a9", "", "007", "7" };
    size_t ord[9];
    cr_assert_eq(dacc_fmt_natural_order(ids, 9, ord, NULL), DACC_OK);
    const char *want[] = { "", "2", "7", "007", "12", "118", "a9", "a10", "b" };
    for (size_t i = 0; i < 9; i++)
        cr_assert_str_eq(ids[ord[i]], want[i], "place %zu", i);
}

static char *dump(json_t *v, size_t flags)
{
    char *s = dacc_json_dumps(v, flags);
    cr_assert_not_null(s);
    json_decref(v);
    return s;
}

Test(fmt, json_is_jansson_s_layout_with_shortest_reals)
{
    /* without reals the bytes are jansson's own, escapes included */
    json_t *doc = json_pack("{s:s,s:[i,b,n,{}],s:{s:s},s:[]}", "name", "a\"b\\c\n\x01/é", "list",
                            -3, 1, "o", "k", "v", "e");
    for (size_t flags = 0; flags < 3; flags++) {
        size_t f = flags == 0 ? DACC_JSON_PRETTY : flags == 1 ? DACC_JSON_COMPACT : 0;
        char *ours = dacc_json_dumps(doc, f), *theirs = json_dumps(doc, f);
        cr_assert_str_eq(ours, theirs);
        free(ours);
        free(theirs);
    }
    json_decref(doc);
    char *s = dump(json_pack("{s:f,s:f,s:f,s:f}", "a", 12523.79, "b", 2.0, "c", 1e-7, "d", 0.1),
                   DACC_JSON_COMPACT);
    cr_assert_str_eq(s, "{\"a\":12523.79,\"b\":2.0,\"c\":1e-7,\"d\":0.1}");
    free(s);
    s = dump(json_pack("{s:i,s:i}", "b", 1, "a", 2), JSON_COMPACT | JSON_SORT_KEYS);
    cr_assert_str_eq(s, "{\"a\":2,\"b\":1}");
    free(s);
}

Test(fmt, json_money_keeps_its_fixed_decimals)
{
    json_t *m = dacc_json_money(1360, 2);
    cr_assert_str_eq(json_string_value(m), "13.60");
    json_decref(m);
    m = dacc_json_money(1300, 2);
    cr_assert_str_eq(json_string_value(m), "13.00");
    json_decref(m);
    m = dacc_json_money(7, 0);
    cr_assert_str_eq(json_string_value(m), "7");
    json_decref(m);
}

Test(fmt, fixed_columns_round_and_never_print_a_negative_zero)
{
    static const struct {
        double v;
        unsigned places;
        const char *want;
    } cases[] = {
        { 0.1, 9, "0.100000000" },
        { 12523.790000000001, 2, "12523.79" },
        { 1.11e-16, 9, "0.000000000" },
        { -1.11e-16, 9, "0.000000000" }, /* a root share's rounding error */
        { -0.0, 4, "0.0000" },
        { -0.00004, 4, "0.0000" },
        { -0.00006, 4, "-0.0001" },
        { 2.5, 0, "2" },                                   /* to even, as printf rounds */
        { 0.123456789012345678, 20, "0.123456789012346" }, /* at most 15 places */
        { 1e15, 2, "1000000000000000" },                   /* too large: shortest */
        { -3e21, 4, "-3e+21" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[DACC_FMT_REAL_MAX];
        size_t n = dacc_fmt_fixed(cases[i].v, cases[i].places, out);
        cr_assert_str_eq(out, cases[i].want, "case %zu", i);
        cr_assert_eq(n, strlen(cases[i].want), "case %zu", i);
    }
    char out[DACC_FMT_REAL_MAX];
    cr_assert_eq(dacc_fmt_fixed(NAN, 4, out), 0);
    cr_assert_str_eq(out, "");
    cr_assert_eq(dacc_fmt_fixed(-INFINITY, 4, out), 0);
    cr_assert_str_eq(out, "");
}
