/* A public-goods funding round end to end through the round core: three
 * donors, every kind of refusal (each leaving the state as it was), and a
 * result equal to the batch mechanism's on the same donations. */
#include <math.h>
#include <stdio.h>

#include "dacc/pgf.h"
#include "fixture.h"

typedef struct {
    test_key op, alice, bob, carol, dave;
    dacc_round *r;
    uint8_t id[32];
} pgf_fixture;

static void setup(pgf_fixture *f, const char *close)
{
    test_key_of("operator", &f->op);
    test_key_of("alice", &f->alice);
    test_key_of("bob", &f->bob);
    test_key_of("carol", &f->carol);
    test_key_of("dave", &f->dave);
    char body[1024];
    snprintf(body, sizeof body,
             "{\"mechanism\":\"pgf\",\"title\":\"test round\",\"eligible\":{\"keys\":[\"%s\","
             "\"%s\",\"%s\"]},\"phases\":[{\"name\":\"donations\",\"close\":%s}],"
             "\"params\":{\"pool\":\"100000\",\"decimals\":2,\"method\":\"qf\"}}",
             f->alice.hex, f->bob.hex, f->carol.hex, close);
    dacc_buf env = test_event(&f->op, NULL, "round/config", body, 0);
    dacc_error err;
    cr_assert_eq(dacc_round_new(env.data, env.len, &f->r, &err), DACC_OK, "%s", err.message);
    memcpy(f->id, dacc_round_id(f->r), 32);
    dacc_round_event ev;
    cr_assert_eq(dacc_round_event_decode("config", env.data, env.len, &ev, &err), DACC_OK);
    uint8_t want[32];
    dacc_sha256(ev.payload, ev.payload_len, want);
    cr_assert(memcmp(want, f->id, 32) == 0, "the id is not SHA-256 of the payload");
    dacc_round_event_clear(&ev);
    dacc_buf_free(&env);
}

static void donate(pgf_fixture *f, test_key *k, const char *project, const char *amount)
{
    char body[256];
    snprintf(body, sizeof body, "{\"amount\":\"%s\",\"project\":\"%s\"}", amount, project);
    dacc_error err;
    cr_assert_eq(test_apply(f->r, test_event(k, f->id, "pgf/donation", body, 0), &err), DACC_OK,
                 "%s", err.message);
}

static const struct {
    const char *who, *project, *amount;
} gifts[] = {
    { "alice", "p1", "500" }, { "alice", "p2", "100" }, { "bob", "p1", "300" },
    { "bob", "p3", "1" },     { "carol", "p2", "900" }, { "carol", "p1", "250" },
};

static test_key *key_of(pgf_fixture *f, const char *who)
{
    return who[0] == 'a' ? &f->alice : who[0] == 'b' ? &f->bob : &f->carol;
}

Test(round_pgf, the_round_id_is_the_hash_of_the_config_payload)
{
    pgf_fixture f;
    setup(&f, "\"operator\"");
    cr_assert_str_eq(dacc_round_mechanism(f.r), "pgf");
    cr_assert_str_eq(dacc_round_phase(f.r), "donations");
    cr_assert_eq(dacc_round_count(f.r), 1);
    /* rebuilding the same config gives the same id */
    pgf_fixture g;
    setup(&g, "\"operator\"");
    cr_assert(memcmp(f.id, g.id, 32) == 0);
    dacc_round_free(f.r);
    dacc_round_free(g.r);
}

/* Applies env, which must be refused with st and a message containing
 * want, leaving the state hash as it was. */
static void refused(pgf_fixture *f, dacc_buf env, dacc_status st, const char *want)
{
    uint8_t before[32], after[32];
    dacc_round_state_hash(f->r, before);
    uint64_t n = dacc_round_count(f->r);
    dacc_error err;
    cr_assert_eq(test_apply(f->r, env, &err), st, "expected a refusal containing \"%s\"", want);
    cr_assert(strstr(err.message, want) != NULL, "\"%s\" lacks \"%s\"", err.message, want);
    dacc_round_state_hash(f->r, after);
    cr_assert(memcmp(before, after, 32) == 0 && dacc_round_count(f->r) == n,
              "a refusal changed the round");
}

Test(round_pgf, every_refusal_names_its_rule_and_changes_nothing)
{
    pgf_fixture f;
    setup(&f, "\"operator\"");
    donate(&f, &f.alice, "p1", "500");
    /* a replay of alice's event: the same envelope again */
    dacc_buf first =
        test_event(&f.alice, f.id, "pgf/donation", "{\"amount\":\"5\",\"project\":\"p1\"}", 2);
    dacc_buf copy;
    dacc_buf_init(&copy, 0);
    dacc_buf_append(&copy, first.data, first.len);
    dacc_error err;
    cr_assert_eq(test_apply(f.r, first, &err), DACC_OK, "%s", err.message);
    refused(&f, copy, DACC_ERR_STATE, "where 3 comes next");
    /* an ineligible key */
    refused(&f,
            test_event(&f.dave, f.id, "pgf/donation", "{\"amount\":\"5\",\"project\":\"p1\"}", 0),
            DACC_ERR_STATE, "not eligible");
    /* bad fields */
    refused(&f,
            test_event(&f.bob, f.id, "pgf/donation", "{\"amount\":\"1.5\",\"project\":\"p1\"}", 1),
            DACC_ERR_INVALID, "field \"amount\"");
    refused(&f, test_event(&f.bob, f.id, "pgf/donation", "{\"amout\":\"5\",\"project\":\"p1\"}", 1),
            DACC_ERR_INVALID, "field \"amout\"");
    refused(&f,
            test_event(&f.bob, f.id, "pgf/donation", "{\"amount\":\"0\",\"project\":\"p1\"}", 1),
            DACC_ERR_INVALID, "field \"amount\"");
    refused(&f, test_event(&f.bob, f.id, "pgf/trade", "{\"amount\":\"5\"}", 1), DACC_ERR_INVALID,
            "no event \"pgf/trade\"");
    /* another round's event */
    uint8_t other[32];
    memcpy(other, f.id, 32);
    other[0] ^= 1;
    refused(&f,
            test_event(&f.bob, other, "pgf/donation", "{\"amount\":\"5\",\"project\":\"p1\"}", 1),
            DACC_ERR_INVALID, "another round");
    /* only the operator closes */
    refused(&f, test_event(&f.bob, f.id, "round/close", "{\"phase\":\"donations\"}", 1),
            DACC_ERR_STATE, "only the round's operator");
    refused(&f, test_event(&f.op, f.id, "round/close", "{\"phase\":\"jury\"}", 2), DACC_ERR_STATE,
            "not open");
    cr_assert_eq(test_apply(f.r,
                            test_event(&f.op, f.id, "round/close", "{\"phase\":\"donations\"}", 2),
                            &err),
                 DACC_OK, "%s", err.message);
    cr_assert_str_eq(dacc_round_phase(f.r), "closed");
    /* the wrong phase: after the close */
    refused(&f,
            test_event(&f.bob, f.id, "pgf/donation", "{\"amount\":\"5\",\"project\":\"p1\"}", 1),
            DACC_ERR_STATE, "after the round closed");
    dacc_round_free(f.r);
}

Test(round_pgf, a_signature_by_another_key_is_refused)
{
    pgf_fixture f;
    setup(&f, "\"operator\"");
    /* a payload naming alice as its signer, signed by bob */
    char hex[65], payload[512];
    snprintf(payload, sizeof payload,
             "{\"body\":{\"amount\":\"5\",\"project\":\"p1\"},\"round\":\"%s\",\"seq\":1,"
             "\"signer\":\"%s\",\"type\":\"pgf/donation\"}",
             dacc_hex_encode(f.id, 32, hex), f.alice.hex);
    dacc_dsse_envelope *e;
    dacc_error err;
    cr_assert_eq(dacc_dsse_new(DACC_ROUND_EVENT_TYPE, payload, strlen(payload), &e, &err), DACC_OK);
    cr_assert_eq(dacc_dsse_sign(e, f.bob.sk, NULL, &err), DACC_OK, "%s", err.message);
    dacc_buf env;
    dacc_buf_init(&env, 0);
    cr_assert_eq(dacc_dsse_write(e, &env, &err), DACC_OK);
    dacc_dsse_free(e);
    refused(&f, env, DACC_ERR_VERIFY, "no valid signature");
    dacc_round_free(f.r);
}

/* The batch mechanism on the same donations: `dacc fund qf` reads this CSV
 * (donor = the key in hex, amounts in money units) and pays by share. */
static void batch_payouts(pgf_fixture *f, char names[][8], dacc_u128 *pay, size_t *n)
{
    char csv[4096] = "address,grant_id,amount_in_usdt\n";
    for (size_t i = 0; i < sizeof gifts / sizeof gifts[0]; i++) {
        uint64_t units = strtoull(gifts[i].amount, NULL, 10);
        snprintf(csv + strlen(csv), sizeof csv - strlen(csv), "%s,%s,%llu.%02llu\n",
                 key_of(f, gifts[i].who)->hex, gifts[i].project, (unsigned long long)(units / 100),
                 (unsigned long long)(units % 100));
    }
    dacc_pgf_round *r = dacc_pgf_round_new();
    dacc_error err;
    cr_assert_eq(dacc_pgf_round_read_memory(r, "batch.csv", csv, strlen(csv), NULL, &err), DACC_OK,
                 "%s", err.message);
    *n = dacc_pgf_round_projects(r);
    double m[8], share[8];
    dacc_u128 left;
    cr_assert_eq(dacc_pgf_qf(r, m, &err), DACC_OK);
    cr_assert_eq(
        dacc_pgf_distribute(m, *n, 100000, 100, 0, DACC_PGF_BY_SHARE, pay, share, &left, &err),
        DACC_OK);
    for (size_t p = 0; p < *n; p++)
        snprintf(names[p], 8, "%s", dacc_pgf_round_project(r, p));
    dacc_pgf_round_free(r);
}

Test(round_pgf, the_result_is_the_batch_mechanism_s)
{
    pgf_fixture f;
    setup(&f, "\"operator\"");
    for (size_t i = 0; i < sizeof gifts / sizeof gifts[0]; i++)
        donate(&f, key_of(&f, gifts[i].who), gifts[i].project, gifts[i].amount);
    dacc_error err;
    cr_assert_eq(test_apply(f.r,
                            test_event(&f.op, f.id, "round/close", "{\"phase\":\"donations\"}", 0),
                            &err),
                 DACC_OK, "%s", err.message);
    json_t *res = NULL;
    cr_assert_eq(dacc_round_result(f.r, &res, &err), DACC_OK, "%s", err.message);
    cr_assert(json_is_true(json_object_get(res, "final")));
    const json_t *table = json_object_get(json_object_get(res, "result"), "table");
    char names[8][8];
    dacc_u128 pay[8];
    size_t n;
    batch_payouts(&f, names, pay, &n);
    cr_assert_eq(json_array_size(table), n);
    for (size_t p = 0; p < n; p++) {
        const json_t *row = json_array_get(table, p);
        char want[DACC_MONEY_STRLEN];
        dacc_money_format(pay[p], 0, 0, want);
        cr_assert_str_eq(json_string_value(json_object_get(row, "project")), names[p]);
        cr_assert_str_eq(json_string_value(json_object_get(row, "payout")), want, "project %s",
                         names[p]);
    }
    json_decref(res);
    dacc_round_free(f.r);
}

Test(round_pgf, a_phase_closes_itself_after_its_event_count)
{
    pgf_fixture f;
    setup(&f, "{\"events\":2}");
    donate(&f, &f.alice, "p1", "10");
    cr_assert_str_eq(dacc_round_phase(f.r), "donations");
    donate(&f, &f.bob, "p1", "10");
    cr_assert_str_eq(dacc_round_phase(f.r), "closed");
    dacc_round_free(f.r);
}

Test(round_pgf, the_operator_admits_more_keys_while_the_round_is_open)
{
    pgf_fixture f;
    setup(&f, "\"operator\"");
    dacc_error err;
    char body[256];
    snprintf(body, sizeof body, "{\"keys\":[\"%s\"]}", f.dave.hex);
    refused(&f,
            test_event(&f.dave, f.id, "pgf/donation", "{\"amount\":\"5\",\"project\":\"p1\"}", 1),
            DACC_ERR_STATE, "not eligible");
    refused(&f, test_event(&f.alice, f.id, "round/admit", body, 1), DACC_ERR_STATE,
            "only the round's operator");
    cr_assert_eq(test_apply(f.r, test_event(&f.op, f.id, "round/admit", body, 0), &err), DACC_OK,
                 "%s", err.message);
    refused(&f, test_event(&f.op, f.id, "round/admit", body, 3), DACC_ERR_INVALID,
            "eligible already");
    cr_assert_eq(test_apply(f.r,
                            test_event(&f.dave, f.id, "pgf/donation",
                                       "{\"amount\":\"5\",\"project\":\"p1\"}", 1),
                            &err),
                 DACC_OK, "%s", err.message);
    dacc_round_free(f.r);
}
