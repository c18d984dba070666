/* dacc fund linear: Allo's integer QF from the command line, to the base
 * unit of pluralistic's linear.test.ts, and the Merkle distribution whose
 * root an independent script (tests/pgf/allo_root.py: pycryptodome's
 * Keccak, OpenZeppelin's tree rules, checked on their README's example)
 * recomputes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dacc/pgf.h"
#include "support.h"

#define VOTES       SOURCE_PATH("tests/pgf/layouts/grants-stack-votes.csv")
#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

/* The toy round in USD with six decimals, as pluralistic's test gives it. */
static char *toy_usd(const char *dir)
{
    static const int p1[] = { 1, 4, 1, 9 }, p2[] = { 1, 1, 1, 1, 1, 1, 4 },
                     p3[] = { 1, 9, 1, 9, 1, 9, 4 };
    const int *ps[3] = { p1, p2, p3 };
    const size_t ns[3] = { 4, 7, 7 };
    char *path = path_join(dir, "toy.csv"), text[2048] = "donor,project,amountUSD\n";
    for (int p = 0; p < 3; p++)
        for (size_t i = 0; i < ns[p]; i++) {
            size_t o = strlen(text);
            snprintf(text + o, sizeof text - o, "sender_%zu,project_%d,%d.000000\n", i + 1, p + 1,
                     ps[p][i]);
        }
    write_text(path, text);
    return path;
}

Test(linear, pluralistic_to_the_base_unit)
{
    char *dir = make_temp_dir(), *toy = toy_usd(dir);
    run_result r;
    RUN(&r, "fund", "linear", "--pool", "100", "--decimals", "6", "-f", "csv", toy);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "project_1,4,15000000,7000,13600000,0,13600000\n") &&
                  strstr(r.out, "project_3,7,34000000,14000,64800000,0,64800000\n"),
              "%s", r.out);
    run_result_free(&r);
    /* Not saturated: raw matching, the rest undistributed. */
    RUN(&r, "fund", "linear", "--pool", "1000", "--decimals", "6", "-f", "json", toy);
    cr_assert(strstr(r.out, "\"matched\": \"162000000\"") &&
                  strstr(r.out, "\"undistributed\": \"750000000\""),
              "%s", r.out);
    run_result_free(&r);
    /* The 50% cap with forced saturation, and pluralistic's capOverflow. */
    RUN(&r, "fund", "linear", "--pool", "100", "--decimals", "6", "--cap", "50%",
        "--ignore-saturation", "-f", "csv", toy);
    cr_assert(strstr(r.out, "project_1,4,15000000,7000,13600000,-36400000,19318181\n") &&
                  strstr(r.out, "project_2,7,10000000,8000,21600000,-28400000,30681818\n") &&
                  strstr(r.out, "project_3,7,34000000,14000,64800000,14800000,50000000\n"),
              "%s", r.out);
    run_result_free(&r);
    RUN(&r, "fund", "linear", "--pool", "100", toy);
    cr_assert_eq(r.status, 2, "the token's decimals are required");
    run_result_free(&r);
    remove_tree(dir);
    free(toy);
    free(dir);
}

/* amountRoundToken holds 10^18 base units per token, beyond a double's
 * 2^53: the round must keep them exact. */
Test(linear, base_units_stay_exact)
{
    char *dir = make_temp_dir(), *f = path_join(dir, "wei.csv");
    write_text(f, "voter,projectId,amountUSD,amountRoundToken\n"
                  "a,p,1,1000000000000000001\nb,p,1,1000000000000000003\n"
                  "a,q,1,3\nb,q,1,5\n");
    run_result r;
    RUN(&r, "fund", "linear", "--pool", "0.000000000000001", "--decimals", "18", "-f", "csv", f);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* sqrt(10^18 + 1) = 10^9 rem 1, sqrt(10^18 + 3) = 10^9 rem 3: qf = 4*10^18
     * + 4 - 2*10^18 - 4 = 2*10^18; q: sqrt 3 = 1 rem 2, sqrt 5 = 2 rem 1:
     * 9 + 3 - 8 = 4. */
    cr_assert(strstr(r.out, "p,2,2000000000000000004,2000000000,"), "%s", r.out);
    cr_assert(strstr(r.err, "amountRoundToken (base units)"), "%s", r.err);
    run_result_free(&r);
    remove_tree(dir);
    free(f);
    free(dir);
}

static void check_with_script(const char *json)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s >/dev/null",
             SOURCE_PATH("tests/pgf/allo_root.py"), json);
    cr_assert_eq(system(cmd), 0, "allo_root.py refused %s", json);
}

Test(linear, the_distribution_is_what_openzeppelin_builds)
{
    char *dir = make_temp_dir(), *out = path_join(dir, "dist.json");
    run_result r;
    RUN(&r, "fund", "linear", "--pool", "100", "--decimals", "18", "--project-column",
        "grantAddress", "--allo", out, VOTES);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "3 payouts, Merkle root 0x"), "%s", r.err);
    run_result_free(&r);
    check_with_script(out);
    char *doc = read_text(out, NULL);
    cr_assert(doc && strstr(doc, "\"format\": \"standard-v1\"") &&
              strstr(doc, "\"recipientAddress\": \"0x00000000000000000000000000000000000000b3\"") &&
              strstr(doc, "\"amount\": \"64800000000000000000\""));
    free(doc);
    /* Eleven recipients from a recipients file: an odd, unbalanced tree. */
    char *don = path_join(dir, "d.csv"), *rec = path_join(dir, "r.csv");
    char dt[4096] = "voter,application_id,amount_in_usd\n",
         rt[4096] = "project,recipientId,recipientAddress\n";
    for (int p = 0; p < 11; p++) {
        for (int i = 0; i <= p % 4 + 1; i++) {
            size_t o = strlen(dt);
            snprintf(dt + o, sizeof dt - o, "donor%d,app%d,%d.5\n", i, p, p + i + 1);
        }
        size_t o = strlen(rt);
        snprintf(rt + o, sizeof rt - o, "app%d,0x%040x,0x%040x\n", p, 0xa00 + p, 0xb00 + p);
    }
    write_text(don, dt);
    write_text(rec, rt);
    RUN(&r, "fund", "linear", "--pool", "1000", "--decimals", "6", "--allo", out, "--recipients",
        rec, don);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "11 payouts"), "%s", r.err);
    run_result_free(&r);
    check_with_script(out);
    /* A project key that is not an address, and no recipients file. */
    unlink(out);
    RUN(&r, "fund", "linear", "--pool", "100", "--decimals", "18", "--allo", out, VOTES);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "projectId") && strstr(r.err, "--recipients"), "%s", r.err);
    cr_assert_null(read_text(out, NULL), "nothing written on failure");
    run_result_free(&r);
    remove_tree(dir);
    free(don);
    free(rec);
    free(out);
    free(dir);
}

Test(linear, the_leaf_is_allo_s)
{
    /* keccak256(keccak256(abi.encode(0, 0x11.., 0x22.., 5 * 10^18))), recomputed
     * by tests/pgf/allo_root.py's functions. */
    dacc_pgf_allo_payout p = { .amount = (dacc_u128)5000000000000000000ull };
    memset(p.recipient_id, 0x11, 20);
    memset(p.recipient_address, 0x22, 20);
    uint8_t h[32];
    cr_assert_eq(dacc_pgf_allo_leaf(0, &p, h, NULL), DACC_OK);
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import sys; sys.argv=[\"x\"]; exec(open(\"%s\").read().split("
             "\"def main\")[0]); import sys; sys.exit(leaf([\"uint256\",\"address\",\"address\","
             "\"uint256\"], [\"0\",\"0x%s\",\"0x%s\",\"5000000000000000000\"]).hex() != \"%s\")'",
             SOURCE_PATH("tests/pgf/allo_root.py"), "1111111111111111111111111111111111111111",
             "2222222222222222222222222222222222222222", hex);
    cr_assert_eq(system(cmd), 0, "leaf %s", hex);
    dacc_pgf_allo_tree *t;
    cr_assert_eq(dacc_pgf_allo_tree_new(&p, 0, &t, NULL), DACC_ERR_INVALID);
    cr_assert_eq(dacc_pgf_allo_tree_new(&p, 1, &t, NULL), DACC_OK);
    cr_assert(memcmp(dacc_pgf_allo_node(t, 0), h, 32) == 0, "one leaf is the root");
    dacc_pgf_allo_tree_free(t);
}

/* pluralistic.js at its current head (322323c, linearQFWithAggregates)
 * keeps the remainders of the integer square roots: qf = (sum s_i)^2 +
 * sum r_i - received. Donations 2 and 2: s = 1, r = 1 each: 4 + 2 - 4 = 2
 * (the version before the remainders gave 0). */
Test(linear, remainders_as_pluralistic_keeps_them)
{
    char *dir = make_temp_dir(), *f = path_join(dir, "two.csv");
    write_text(f, "voter,projectId,amountRoundToken\na,p,2\nb,p,2\na,q,3\nb,q,6\n");
    run_result r;
    RUN(&r, "fund", "linear", "--pool", "0.000000000000001", "--decimals", "18", "-f", "csv", f);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* q: sqrt 3 = 1 rem 2, sqrt 6 = 2 rem 2: 9 + 4 - 9 = 4 */
    cr_assert(strstr(r.out, "p,2,4,2,") && strstr(r.out, "q,2,9,3,"), "%s", r.out);
    run_result_free(&r);
    /* the cap is pool x share exactly: 57% is not 56.99% */
    RUN(&r, "fund", "linear", "--pool", "1", "--decimals", "6", "--cap", "57%", "-f", "json", f);
    cr_assert(strstr(r.out, "\"cap\": \"570000\""), "%s", r.out);
    run_result_free(&r);
    remove_tree(dir);
    free(f);
    free(dir);
}

/* --min-donation compares USD when the amounts are the round token's base
 * units, as the Grants Stack calculator's minimumAmountUSD does. */
Test(linear, the_minimum_is_in_usd)
{
    char *dir = make_temp_dir(), *f = path_join(dir, "m.csv");
    write_text(f, "voter,projectId,amountUSD,amountRoundToken\na,p,0.5,500000\nb,p,2,2000000\n"
                  "c,p,3,3000000\n");
    run_result r;
    RUN(&r, "fund", "linear", "--pool", "10", "--decimals", "6", "--min-donation", "1", f);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "1 donations dropped"), "%s", r.err);
    run_result_free(&r);
    remove_tree(dir);
    free(f);
    free(dir);
}
