/* A prediction-market round: the operator creates markets, credits and
 * resolves, three traders trade and redeem; refusals change nothing; the
 * balances equal those of `dacc market run` on the same operations. */
#include <stdio.h>

#include "dacc/market.h"
#include "fixture.h"

typedef struct {
    test_key op, t[3], outsider;
    dacc_round *r;
    uint8_t id[32];
} market_fixture;

static void setup(market_fixture *f)
{
    static const char *const who[] = { "ann", "ben", "cat" };
    test_key_of("market operator", &f->op);
    test_key_of("outsider", &f->outsider);
    for (int i = 0; i < 3; i++)
        test_key_of(who[i], &f->t[i]);
    char body[1024];
    snprintf(
        body, sizeof body,
        "{\"mechanism\":\"market\",\"eligible\":{\"keys\":[\"%s\",\"%s\",\"%s\"]},"
        "\"phases\":[{\"name\":\"trading\",\"close\":\"operator\"}],\"params\":{\"decimals\":0,"
        "\"markets\":[{\"id\":\"m\",\"kind\":\"lmsr\",\"b\":\"100\"},"
        "{\"id\":\"f\",\"kind\":\"fpmm\",\"balances\":\"100;100\",\"fee\":\"0.01\"}]}}",
        f->t[0].hex, f->t[1].hex, f->t[2].hex);
    dacc_buf env = test_event(&f->op, NULL, "round/config", body, 0);
    dacc_error err;
    cr_assert_eq(dacc_round_new(env.data, env.len, &f->r, &err), DACC_OK, "%s", err.message);
    memcpy(f->id, dacc_round_id(f->r), 32);
    dacc_buf_free(&env);
}

static dacc_status ev(market_fixture *f, test_key *k, const char *type, const char *body,
                      dacc_error *err)
{
    return test_apply(f->r, test_event(k, f->id, type, body, 0), err);
}

static void ok(market_fixture *f, test_key *k, const char *type, const char *body)
{
    dacc_error err;
    cr_assert_eq(ev(f, k, type, body, &err), DACC_OK, "%s %s: %s", type, body, err.message);
}

static void no(market_fixture *f, test_key *k, const char *type, const char *body, const char *want)
{
    uint8_t a[32], b[32];
    dacc_round_state_hash(f->r, a);
    dacc_error err;
    cr_assert_neq(ev(f, k, type, body, &err), DACC_OK, "%s %s was accepted", type, body);
    cr_assert(strstr(err.message, want) != NULL, "\"%s\" lacks \"%s\"", err.message, want);
    k->seq--; /* the refused event's number is still free */
    dacc_round_state_hash(f->r, b);
    cr_assert(memcmp(a, b, 32) == 0);
}

Test(round_market, trading_resolution_and_refusals)
{
    market_fixture f;
    setup(&f);
    char body[256];
    for (int i = 0; i < 3; i++) {
        snprintf(body, sizeof body, "{\"account\":\"%s\",\"amount\":\"1000\"}", f.t[i].hex);
        ok(&f, &f.op, "market/deposit", body);
    }
    ok(&f, &f.t[0], "market/buy", "{\"market\":\"m\",\"outcome\":0,\"shares\":\"50\"}");
    ok(&f, &f.t[1], "market/buy", "{\"market\":\"m\",\"outcome\":1,\"spend\":\"40\"}");
    ok(&f, &f.t[2], "market/buy", "{\"market\":\"f\",\"outcome\":0,\"spend\":\"30\"}");
    ok(&f, &f.t[0], "market/sell", "{\"market\":\"m\",\"outcome\":0,\"shares\":\"10\"}");
    no(&f, &f.outsider, "market/buy", "{\"market\":\"m\",\"outcome\":0,\"shares\":\"1\"}",
       "not eligible");
    snprintf(body, sizeof body, "{\"account\":\"%s\",\"amount\":\"5\"}", f.t[0].hex);
    no(&f, &f.t[0], "market/deposit", body, "only the round's operator");
    no(&f, &f.t[1], "market/buy", "{\"market\":\"m\",\"outcome\":0,\"shares\":\"100000\"}",
       "less money");
    no(&f, &f.t[1], "market/buy", "{\"market\":\"x\",\"outcome\":0,\"shares\":\"1\"}", "no market");
    no(&f, &f.t[1], "market/buy",
       "{\"market\":\"m\",\"outcome\":0,\"shares\":\"1\",\"spend\":\"1\"}", "give one of");
    no(&f, &f.t[1], "market/resolve", "{\"market\":\"m\",\"outcome\":0}", "only the round's");
    ok(&f, &f.op, "market/resolve", "{\"market\":\"m\",\"outcome\":0}");
    no(&f, &f.t[1], "market/buy", "{\"market\":\"m\",\"outcome\":0,\"shares\":\"1\"}", "resolved");
    ok(&f, &f.t[0], "market/redeem", "{\"market\":\"m\"}");
    ok(&f, &f.op, "market/resolve", "{\"market\":\"f\",\"invalid\":true}");
    json_t *res;
    dacc_error err;
    cr_assert_eq(dacc_round_result(f.r, &res, &err), DACC_OK, "%s", err.message);
    /* the same operations through `dacc market run` (time = the event count) */
    char ops[4096];
    int n =
        snprintf(ops, sizeof ops,
                 "{\"op\":\"create\",\"market\":\"m\",\"kind\":\"lmsr\",\"b\":\"100\"}\n"
                 "{\"op\":\"create\",\"market\":\"f\",\"kind\":\"fpmm\",\"balances\":\"100;100\","
                 "\"fee\":\"0.01\"}\n");
    for (int i = 0; i < 3; i++)
        n += snprintf(ops + n, sizeof ops - (size_t)n,
                      "{\"op\":\"deposit\",\"account\":\"%s\",\"amount\":\"1000\"}\n", f.t[i].hex);
    snprintf(
        ops + n, sizeof ops - (size_t)n,
        "{\"op\":\"buy\",\"account\":\"%s\",\"market\":\"m\",\"outcome\":0,\"shares\":\"50\"}\n"
        "{\"op\":\"buy\",\"account\":\"%s\",\"market\":\"m\",\"outcome\":1,\"spend\":\"40\"}\n"
        "{\"op\":\"buy\",\"account\":\"%s\",\"market\":\"f\",\"outcome\":0,\"spend\":\"30\"}\n"
        "{\"op\":\"sell\",\"account\":\"%s\",\"market\":\"m\",\"outcome\":0,\"shares\":\"10\"}\n"
        "{\"op\":\"resolve\",\"market\":\"m\",\"outcome\":0}\n"
        "{\"op\":\"redeem\",\"account\":\"%s\",\"market\":\"m\"}\n"
        "{\"op\":\"resolve\",\"market\":\"f\",\"invalid\":true}\n",
        f.t[0].hex, f.t[1].hex, f.t[2].hex, f.t[0].hex, f.t[0].hex);
    dacc_market_ledger *l = dacc_market_ledger_new();
    cr_assert_eq(dacc_market_ops_run(l, "ops", ops, strlen(ops), 0, NULL, NULL, &err), DACC_OK,
                 "%s", err.message);
    const json_t *table = json_object_get(json_object_get(res, "result"), "table");
    cr_assert_eq(json_array_size(table), 3);
    for (size_t i = 0; i < 3; i++) {
        const json_t *row = json_array_get(table, i);
        const char *acct = json_string_value(json_object_get(row, "account"));
        char want[DACC_MONEY_STRLEN];
        dacc_money_format(dacc_market_ledger_balance(l, acct), 0, 0, want);
        cr_assert_str_eq(json_string_value(json_object_get(row, "balance")), want, "%s", acct);
    }
    dacc_market_ledger_free(l);
    json_decref(res);
    dacc_round_free(f.r);
}
