/* dacc_round_money_view: the base-unit amounts of a result written at the
 * round's decimals, everything else the same, and the input untouched
 * (its canonical bytes are what the log's round/result hash covers). */
#include <criterion/criterion.h>
#include <string.h>

#include "dacc/jcs.h"
#include "dacc/money.h"
#include "dacc/round.h"

static json_t *parse(const char *text)
{
    json_t *v = json_loads(text, 0, NULL);
    cr_assert_not_null(v, "%s", text);
    return v;
}

static char *canonical(const json_t *v)
{
    dacc_buf b;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_jcs_write(v, &b, NULL), DACC_OK);
    return dacc_buf_detach(&b, NULL);
}

static void check_view(const char *mech, unsigned decimals, const char *in, const char *want)
{
    json_t *v = parse(in), *out = NULL, *w = parse(want);
    char *before = canonical(v);
    dacc_error err;
    cr_assert_eq(dacc_round_money_view(mech, decimals, v, &out, &err), DACC_OK, "%s",
                 dacc_error_message(&err));
    char *got = canonical(out), *expect = canonical(w), *after = canonical(v);
    cr_assert_str_eq(got, expect);
    cr_assert_str_eq(after, before, "the input changed");
    free(got), free(expect), free(after), free(before);
    json_decref(v), json_decref(out), json_decref(w);
}

Test(money_view, pgf_amounts_at_the_rounds_decimals)
{
    check_view("pgf", 2,
               "{\"method\":\"qf\",\"pool\":\"10000\",\"decimals\":2,\"undistributed\":\"1\","
               "\"table\":[{\"project\":\"12\",\"donors\":1,\"donated\":\"950\",\"matching\":0.5,"
               "\"share\":0.25,\"payout\":\"0\"}]}",
               "{\"method\":\"qf\",\"pool\":\"100.00\",\"decimals\":2,\"undistributed\":\"0.01\","
               "\"table\":[{\"project\":\"12\",\"donors\":1,\"donated\":\"9.50\",\"matching\":0.5,"
               "\"share\":0.25,\"payout\":\"0.00\"}]}");
    /* the state's total, and no decimals at all */
    check_view("pgf", 0, "{\"donations\":4,\"donated\":\"1875\"}",
               "{\"donations\":4,\"donated\":\"1875\"}");
    check_view("pgf", 3, "{\"donations\":4,\"donated\":\"1875\"}",
               "{\"donations\":4,\"donated\":\"1.875\"}");
}

Test(money_view, market_collateral_fees_and_balances)
{
    check_view("market", 6,
               "{\"decimals\":6,\"markets\":[{\"market\":\"m\",\"prices\":[0.5,0.5],"
               "\"collateral\":\"1000000000\",\"fees\":\"25\",\"resolved\":false}],"
               "\"table\":[{\"account\":\"alice\",\"balance\":"
               "\"340282366920938463463374607431768211455\"}]}",
               "{\"decimals\":6,\"markets\":[{\"market\":\"m\",\"prices\":[0.5,0.5],"
               "\"collateral\":\"1000.000000\",\"fees\":\"0.000025\",\"resolved\":false}],"
               "\"table\":[{\"account\":\"alice\",\"balance\":"
               "\"340282366920938463463374607431768.211455\"}]}");
}

Test(money_view, other_mechanisms_come_back_the_same)
{
    static const char df[] = "{\"pool\":\"100.00\",\"decimals\":2,\"table\":[{\"project\":\"a\","
                             "\"amount\":\"100.00\",\"share\":1.0}]}";
    check_view("deepfund", 2, df, df);
    check_view("notes", 0, "{\"table\":[{\"note\":\"n1\",\"status\":\"HELPFUL\"}]}",
               "{\"table\":[{\"note\":\"n1\",\"status\":\"HELPFUL\"}]}");
}

Test(money_view, refuses_what_is_not_base_units)
{
    json_t *v = parse("{\"pool\":\"1.5\",\"table\":[]}"), *out = (json_t *)1;
    dacc_error err;
    cr_assert_eq(dacc_round_money_view("pgf", 2, v, &out, &err), DACC_ERR_INVALID);
    cr_assert_null(out);
    cr_assert(strstr(dacc_error_message(&err), "pool") != NULL, "%s", dacc_error_message(&err));
    cr_assert_eq(dacc_round_money_view("pgf", DACC_MONEY_MAX_DECIMALS + 1, v, &out, &err),
                 DACC_ERR_RANGE);
    json_decref(v);
}

Test(money_view, the_amount_columns_of_each_table)
{
    const char *const *c = dacc_round_money_columns("pgf");
    cr_assert_str_eq(c[0], "donated");
    cr_assert_str_eq(c[1], "payout");
    cr_assert_null(c[2]);
    cr_assert_str_eq(dacc_round_money_columns("market")[0], "balance");
    cr_assert_str_eq(dacc_round_money_columns("deepfund")[0], "amount");
    cr_assert_null(dacc_round_money_columns("notes")[0]);
    cr_assert_null(dacc_round_money_columns("no such mechanism")[0]);
}
