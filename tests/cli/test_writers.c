/* Golden outputs of the writers the command-line declaration added before
 * the printing rules existed (deepfund graph and sample, market, pause
 * simulate and device, log audit, round show and replay as CSV and text):
 * reals the shortest decimal that reads back, money with the fixed
 * decimals, null for an undefined value in JSON, ids in natural order;
 * and bash completion offering each option's own choices. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/jcs.h"
#include "dacc/json.h"
#include "support.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static void ok(run_result *r)
{
    cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
    run_result_free(r);
}

/* Parents listed as text would order them ("118" before "12"), weights
 * whose sums need the shortest form to read back. */
static const char graph_csv[] = "parent,dependency,weight\n"
                                "118,x,0.1\n118,y,0.2\n118,z,0.8\n"
                                "12,x,0.7\n12,y,0.7\n"
                                "2,z,0.5\n";

Test(writers, deepfund_graph_is_shortest_and_natural_in_every_format)
{
    char *dir = make_temp_dir(), *g = path_join(dir, "g.csv");
    write_text(g, graph_csv);
    run_result r;
    RUN(&r, "deepfund", "graph", "-g", g, "--format", "text");
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_str_eq(r.out, "projects 6\nedges 6\nparents 3\nroots 3\nleaves 3\n"
                            "unweighted edges 0\ncomponents 1\n"
                            "over-weighted parent 12: weights sum to 1.4\n"
                            "over-weighted parent 118: weights sum to 1.1\n");
    run_result_free(&r);
    RUN(&r, "deepfund", "graph", "-g", g, "--format", "csv");
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_str_eq(r.out, "item,name,value\nprojects,,6\nedges,,6\nparents,,3\nroots,,3\n"
                            "leaves,,3\nunweighted edges,,0\ncomponents,,1\n"
                            "over-weighted parent,12,1.4\nover-weighted parent,118,1.1\n");
    run_result_free(&r);
    RUN(&r, "deepfund", "graph", "-g", g, "--format", "json");
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.out, "  \"overweight\": [\n    {\n      \"parent\": \"12\",\n"
                            "      \"weight_sum\": 1.4\n    },\n    {\n"
                            "      \"parent\": \"118\",\n      \"weight_sum\": 1.1\n") != NULL,
              "%s", r.out);
    run_result_free(&r);
    /* projects without an edge, in natural order */
    char *nl = path_join(dir, "g.json");
    write_text(nl, "{\"directed\":true,\"nodes\":[{\"id\":\"p\"},{\"id\":\"a10\"},{\"id\":\"a9\"},"
                   "{\"id\":\"q\"}],\"links\":[{\"source\":\"p\",\"target\":\"q\",\"weight\":1}]}");
    RUN(&r, "deepfund", "graph", "-g", nl, "--format", "csv");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\nisolated,a9,\nisolated,a10,\n") != NULL, "%s", r.out);
    run_result_free(&r);
    RUN(&r, "deepfund", "graph", "-g", nl, "--format", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"isolated\": [\n    \"a9\",\n    \"a10\"\n  ]") != NULL, "%s", r.out);
    run_result_free(&r);
    remove_tree(dir);
    free(g), free(nl), free(dir);
}

Test(writers, deepfund_sample_and_aggregate_json_print_reals_shortest)
{
    char *dir = make_temp_dir(), *g = path_join(dir, "g.csv");
    write_text(g, graph_csv);
    run_result r;
    RUN(&r, "deepfund", "sample", "-g", g, "--format", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "[\n  {\n    \"question\": 1,\n    \"parent\": \"118\",\n"
                            "    \"repo_a\": \"z\",\n    \"repo_b\": \"y\",\n"
                            "    \"disagreement\": 0.0\n  },") != NULL,
              "%s", r.out);
    run_result_free(&r);
    RUN(&r, "deepfund", "sample", "-g", g, "--format", "csv");
    cr_assert_eq(r.status, 0, "%s", r.err);
    static const char head[] = "question,parent,repo_a,repo_b,disagreement\n1,118,z,y,0\n";
    cr_assert_eq(strncmp(r.out, head, sizeof head - 1), 0, "%s", r.out);
    run_result_free(&r);
    RUN(&r, "deepfund", "aggregate", "-g", SOURCE_PATH("examples/deepfund/graph.csv"), "-j",
        SOURCE_PATH("examples/deepfund/jury.csv"), "--format", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* shortest forms (Python's repr), where %.17g would print 179.05251330611958 too
     * but 8.8987632771721409e-14 for the residual */
    cr_assert(strstr(r.out, "\"loss\": 179.05251330611958,\n  \"huber\": 0.0,\n") != NULL, "%s",
              r.out);
    cr_assert(strstr(r.out, "\"residual\": 8.898763277172141e-14,\n") != NULL, "%s", r.out);
    run_result_free(&r);
    remove_tree(dir);
    free(g), free(dir);
}

/* A three-outcome market with one share bought, then resolved. */
static void market_states(const char *dir, char **live, char **resolved)
{
    char *ops = path_join(dir, "ops.jsonl"), *res = path_join(dir, "res.jsonl");
    *live = path_join(dir, "live.json");
    *resolved = path_join(dir, "resolved.json");
    write_text(ops, "{\"op\": \"create\", \"market\": \"m\", \"kind\": \"lmsr\", \"outcomes\": 3, "
                    "\"b\": \"10\"}\n"
                    "{\"op\": \"deposit\", \"account\": \"a\", \"amount\": \"100\"}\n"
                    "{\"op\": \"buy\", \"market\": \"m\", \"account\": \"a\", \"outcome\": 0, "
                    "\"shares\": \"1\"}\n");
    write_text(res, "{\"op\": \"resolve\", \"market\": \"m\", \"outcome\": 0}\n");
    run_result r;
    RUN(&r, "market", "run", "-q", "-o", *live, ops);
    ok(&r);
    RUN(&r, "market", "run", "-q", "--state", *live, "-o", *resolved, res);
    ok(&r);
    free(ops), free(res);
}

Test(writers, market_quote_prices_shortest_payouts_at_fixed_decimals)
{
    char *dir = make_temp_dir(), *live, *resolved;
    market_states(dir, &live, &resolved);
    run_result r;
    RUN(&r, "market", "quote", "--state", live, "--market", "m", "--format", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "{\n  \"market\": \"m\",\n  \"resolved\": false,\n  \"prices\": [\n"
                            "    0.3559130712072203,\n    0.32204346439638987,\n"
                            "    0.32204346439638987\n  ]\n}\n");
    run_result_free(&r);
    RUN(&r, "market", "quote", "--state", live, "--market", "m", "--format", "csv");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "market,prices\n"
                            "m,0.3559130712072203;0.32204346439638987;0.32204346439638987\n");
    run_result_free(&r);
    /* money: "1.000000" at the market's 6 decimals in JSON and CSV alike */
    RUN(&r, "market", "quote", "--state", resolved, "--market", "m", "--format", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "{\n  \"market\": \"m\",\n  \"resolved\": true,\n"
                            "  \"payout_per_share\": [\n    \"1.000000\",\n    \"0.000000\",\n"
                            "    \"0.000000\"\n  ]\n}\n");
    run_result_free(&r);
    RUN(&r, "market", "quote", "--state", resolved, "--market", "m", "--format", "csv");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "market,payout_per_share\nm,1.000000;0.000000;0.000000\n");
    run_result_free(&r);
    remove_tree(dir);
    free(live), free(resolved), free(dir);
}

Test(writers, market_run_json_is_an_array_of_its_lines)
{
    char *dir = make_temp_dir(), *ops = path_join(dir, "ops.jsonl");
    write_text(ops, "{\"op\": \"create\", \"market\": \"m \\\"q\\\"\", \"kind\": \"lmsr\", "
                    "\"outcomes\": 2, \"b\": \"10\"}\n");
    run_result r;
    RUN(&r, "market", "run", "--format", "json", ops);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out,
                     "[\n  \"line 1: created lmsr market m \\\"q\\\" with 2 outcomes\"\n]\n");
    run_result_free(&r);
    RUN(&r, "market", "run", "--format", "csv", ops);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out,
                     "result\n\"line 1: created lmsr market m \"\"q\"\" with 2 outcomes\"\n");
    run_result_free(&r);
    remove_tree(dir);
    free(ops), free(dir);
}

Test(writers, pause_simulate_and_device_json_and_csv)
{
    run_result r;
    RUN(&r, "pause", "simulate", "--weeks", "2", "--devices", "3", "--format", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "[\n  {\"week\":1,\"event\":\"3 of 7 bodies sign\",\"running\":3,"
                            "\"devices\":3,\"reasons\":{\"accepted\":3}},\n"
                            "  {\"week\":2,\"event\":\"3 of 7 bodies sign\",\"running\":3,"
                            "\"devices\":3,\"reasons\":{\"accepted\":3}}\n]\n");
    run_result_free(&r);
    RUN(&r, "pause", "simulate", "--weeks", "2", "--devices", "3", "--format", "csv");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "week,event,running,devices,reasons\n"
                            "1,3 of 7 bodies sign,3,3,accepted:3\n"
                            "2,3 of 7 bodies sign,3,3,accepted:3\n");
    run_result_free(&r);

    char *dir = make_temp_dir();
    char *b0 = path_join(dir, "b0"), *w0 = path_join(dir, "w0"), *log = path_join(dir, "L"),
         *root = path_join(dir, "root"), *dev = path_join(dir, "dev.json");
    char *b0pub = path_join(dir, "b0.pub"), *b0key = path_join(dir, "b0.key"),
         *w0pub = path_join(dir, "w0.pub"), *logpub = path_join(log, "log.pub");
    RUN(&r, "pause", "keygen", "body0.example", b0);
    ok(&r);
    RUN(&r, "pause", "keygen", "--cosign", "w0.example", w0);
    ok(&r);
    RUN(&r, "log", "init", "--origin", "pause.example/log", log);
    ok(&r);
    RUN(&r, "pause", "root", "init", "--domain", "pause.example", "--expires", "1900000000", "-k",
        "1", "--signer", b0pub, "--log", logpub, "--witness", w0pub, "--witness-threshold", "1",
        "-o", root);
    ok(&r);
    RUN(&r, "pause", "root", "sign", "--key", b0key, root, "-o", root);
    ok(&r);
    RUN(&r, "pause", "device", "init", "--state", dev, "--now", "1767225600", root);
    ok(&r);
    /* status verifies no bundle: no reason, null in JSON and empty in CSV */
    RUN(&r, "pause", "device", "status", "--state", dev, "--now", "1767225600", "--format", "json");
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_str_eq(r.out, "{\n  \"reason\": null,\n  \"device\": \"HALTS\",\n  \"epoch\": 0,\n"
                            "  \"runs_until\": 0\n}\n");
    run_result_free(&r);
    RUN(&r, "pause", "device", "status", "--state", dev, "--now", "1767225600", "--format", "csv");
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_str_eq(r.out, "reason,device,epoch,runs_until\n,HALTS,0,0\n");
    run_result_free(&r);
    remove_tree(dir);
    free(b0), free(w0), free(log), free(root), free(dev);
    free(b0pub), free(b0key), free(w0pub), free(logpub), free(dir);
}

/* A closed QF round in a fresh log: project 118's matching is a real that
 * %.17g prints as 4.5825756949558389; its id is returned in round[65]. */
static void qf_round(const char *dir, char **log, char round[65])
{
    char *don = path_join(dir, "d.csv"), *key = path_join(dir, "op"),
         *keyfile = path_join(dir, "op.key");
    *log = path_join(dir, "log");
    write_text(don, "donor,project,amount\nalice,118,5.25\nbob,12,3\ncarol,2,9.5\nbob,118,1\n");
    run_result r;
    RUN(&r, "log", "init", "--origin", "example.org/writers", *log);
    ok(&r);
    RUN(&r, "round", "keygen", key);
    ok(&r);
    RUN(&r, "fund", "qf", "--pool", "100", "--log", *log, "--key", keyfile, don);
    ok(&r);
    RUN(&r, "round", "show", "--log", *log);
    cr_assert_eq(r.status, 0, "%s", r.err);
    snprintf(round, 65, "%.64s", r.out);
    run_result_free(&r);
    free(don), free(key), free(keyfile);
}

Test(writers, round_show_and_replay_flatten_reals_shortest)
{
    char *dir = make_temp_dir(), *log, round[65];
    qf_round(dir, &log, round);
    run_result r;
    RUN(&r, "round", "replay", "--log", log, round, "--format", "csv");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(strncmp(r.out, "key,value\nround,", 16), 0, "%s", r.out);
    cr_assert(strstr(r.out, "\nfinal,true\n") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\nresult.table[0].project,2\n") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\nresult.table[1].project,12\n") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\nresult.table[2].project,118\n") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\nresult.table[2].matching,4.582575694955839\n") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\nresult.table[0].matching,0\n") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "4.58257569495583") == strstr(r.out, "4.582575694955839"));
    run_result_free(&r);
    RUN(&r, "round", "show", "--log", log, round, "--format", "csv");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\nphase,closed\nevents,7\n") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\nstate.projects,3\n") != NULL, "%s", r.out);
    run_result_free(&r);
    remove_tree(dir);
    free(log), free(dir);
}

/* The attested result keeps base units (its hash is in the log); people
 * read the amounts at the round's 2 decimals: the text and CSV tables, and
 * result_decimal beside result in JSON. */
Test(writers, round_results_print_money_at_the_rounds_decimals)
{
    char *dir = make_temp_dir(), *log, round[65];
    qf_round(dir, &log, round);
    run_result r;
    RUN(&r, "round", "result", "--log", log, round, "--format", "csv");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "project,donors,donated,matching,share,payout\n"
                            "2,1,9.50,0,0,0.00\n12,1,3.00,0,0,0.00\n"
                            "118,2,6.25,4.582575694955839,1,100.00\n");
    run_result_free(&r);
    RUN(&r, "round", "result", "--log", log, round);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\npool: 100.00\ndecimals: 2\nundistributed: 0.00\n") != NULL, "%s",
              r.out);
    cr_assert(strstr(r.out, "\ntotal              18.75                            100.00\n") !=
                  NULL,
              "%s", r.out);
    cr_assert(strstr(r.out, "\n118           2     6.25  4.582575694955839      1  100.00\n") !=
                  NULL,
              "%s", r.out);
    run_result_free(&r);
    RUN(&r, "round", "result", "--log", log, round, "--format", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *doc = json_loadb(r.out, r.out_len, 0, NULL);
    cr_assert_not_null(doc, "%s", r.out);
    const json_t *res = json_object_get(doc, "result"),
                 *dec = json_object_get(doc, "result_decimal");
    cr_assert_str_eq(json_string_value(json_object_get(res, "pool")), "10000");
    cr_assert_str_eq(json_string_value(json_object_get(dec, "pool")), "100.00");
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(dec, "table"), 0), "donated")),
                     "9.50");
    /* the hashed member is the one the log attests, byte for byte */
    dacc_buf b;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_jcs_write(res, &b, NULL), DACC_OK);
    uint8_t h[32];
    char hex[65];
    dacc_sha256(b.data, b.len, h);
    cr_assert_str_eq(dacc_hex_encode(h, 32, hex),
                     json_string_value(json_object_get(doc, "attested_sha256")));
    dacc_buf_free(&b);
    json_decref(doc);
    run_result_free(&r);
    RUN(&r, "round", "replay", "--log", log, round);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\npool: 100.00\n") != NULL, "%s", r.out);
    run_result_free(&r);
    RUN(&r, "round", "show", "--log", log, round);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"donated\": \"1875\"") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\"state_decimal\": {") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\"donated\": \"18.75\"") != NULL, "%s", r.out);
    run_result_free(&r);
    remove_tree(dir);
    free(log), free(dir);
}

/* Text tables: each real column at its documented places, so the columns
 * align and a total reads 1.000000000, not 0.9999999999999999. */
Test(writers, deepfund_allocation_text_has_fixed_columns_and_a_total)
{
    char *dir = make_temp_dir(), *g = path_join(dir, "g.csv");
    write_text(g, "parent,dependency,weight\nroot,a,0.25\nroot,b,0.5\na,c,0.1\n");
    run_result r;
    RUN(&r, "deepfund", "allocate", "-g", g, "--pool", "10", "-d", "2");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(
        r.out,
        "a                                                                 2.25  0.225000000\n"
        "b                                                                 5.00  0.500000000\n"
        "c                                                                 0.25  0.025000000\n"
        "root                                                              2.50  0.250000000\n"
        "total                                                            10.00  1.000000000\n");
    run_result_free(&r);
    remove_tree(dir);
    free(g), free(dir);
}

/* fund explain: the sentences' sums and matches shortest, percentages and
 * the donor and pair tables at fixed places. */
Test(writers, fund_explain_text_is_shortest_in_sentences_and_fixed_in_tables)
{
    char *dir = make_temp_dir(), *f = path_join(dir, "d.csv");
    write_text(f, "donor,project,amount\nalice,p1,9.5\nbob,p1,3\ncarol,p2,4\ndave,p2,1\n"
                  "erin,p1,0.1\n");
    run_result r;
    RUN(&r, "fund", "explain", "--pool", "100", f, "p1");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(strncmp(r.out, "project p1: 3 donors gave 12.6\n", 31), 0, "%s", r.out);
    cr_assert(strstr(r.out, "matching: QF 13.721882236003433, pairwise 0.02970044679278674, "
                            "COCM (markov) 0\n") != NULL,
              "%s", r.out);
    cr_assert(strstr(r.out, "qf 77.43 (77.4290%), pairwise 74.91 (74.9052%), cocm_markov 0.00 "
                            "(0.0000%)\n") != NULL,
              "%s", r.out);
    cr_assert(strstr(r.out, "\nerin                                               0.1000     "
                            "11.09%         0.0000\n") != NULL,
              "%s", r.out);
    cr_assert(strstr(r.out, "10.6771   k = 0.00187\n") != NULL, "%s", r.out);
    run_result_free(&r);
    remove_tree(dir);
    free(f), free(dir);
}

/* market: prices in text as in CSV and JSON (shortest), payouts per share
 * as money at the fixed decimals in every format. */
Test(writers, market_text_prices_are_shortest_and_payouts_fixed)
{
    char *dir = make_temp_dir(), *state = path_join(dir, "s.json");
    const char *ops = SOURCE_PATH("examples/market/info-finance.jsonl");
    run_result r;
    RUN(&r, "market", "run", ops);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "line 11: alice buys 120.000000 of ai-incident-2027:1 for 61.247306 "
                            "(price now 0.5207824348180637)\n") != NULL,
              "%s", r.out);
    run_result_free(&r);
    RUN(&r, "market", "run", "-q", "-o", state, ops);
    ok(&r);
    RUN(&r, "market", "quote", "--state", state, "--market", "manifold-style");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out,
                     "market manifold-style is resolved: payout per share 0.250000;0.750000\n");
    run_result_free(&r);
    char *ops2 = path_join(dir, "o.jsonl"), *state2 = path_join(dir, "s2.json");
    write_text(ops2, "{\"op\":\"create\",\"market\":\"m\",\"kind\":\"lmsr\",\"outcomes\":3,"
                     "\"b\":\"100\"}\n{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"100\"}\n"
                     "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":1,"
                     "\"shares\":\"10\"}\n");
    RUN(&r, "market", "run", "-q", "-o", state2, ops2);
    ok(&r);
    RUN(&r, "market", "quote", "--state", state2, "--market", "m");
    cr_assert_str_eq(r.out, "market m: prices 0.32204346439638987;0.3559130712072203;"
                            "0.32204346439638987\n");
    run_result_free(&r);
    RUN(&r, "market", "quote", "--state", state2, "--market", "m", "-f", "csv");
    cr_assert_str_eq(r.out, "market,prices\nm,0.32204346439638987;0.3559130712072203;"
                            "0.32204346439638987\n");
    run_result_free(&r);
    free(ops2), free(state2);
    remove_tree(dir);
    free(state), free(dir);
}

Test(writers, log_audit_as_csv_and_json)
{
    char *dir = make_temp_dir(), *log = path_join(dir, "log");
    run_result r;
    RUN(&r, "log", "init", "--origin", "example.org/audit", log);
    ok(&r);
    run_dacc(&r, "a\nb\nc\n", (const char *const[]){ "log", "append", log, NULL });
    ok(&r);
    RUN(&r, "log", "audit", log, "--format", "csv");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "key,value\naudit,passed\nsize,3\nentries,3\nhashes,4\n"
                            "checkpoints,1\nstore,SQLite quick_check\n");
    run_result_free(&r);
    RUN(&r, "log", "audit", log, "--format", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "{\n  \"audit\": \"passed\",\n  \"size\": 3,\n  \"entries\": 3,\n"
                            "  \"hashes\": 4,\n  \"checkpoints\": 1,\n"
                            "  \"store\": \"SQLite quick_check\"\n}\n");
    run_result_free(&r);
    remove_tree(dir);
    free(log), free(dir);
}

/* The line of the generated script that completes option `opt` given at
 * `where` ("log prove-inclusion"), or NULL. */
static const char *values_line(const char *script, const char *where, const char *opt)
{
    char key[128];
    snprintf(key, sizeof key, "    \"%s --%s\") COMPREPLY=($(compgen -W \"", where, opt);
    const char *p = strstr(script, key);
    return p ? p + strlen(key) : NULL;
}

Test(writers, completion_offers_each_option_its_own_choices)
{
    run_result r;
    RUN(&r, "--completion", "bash");
    cr_assert_eq(r.status, 0, "%s", r.err);
    const char *v = values_line(r.out, "log prove-inclusion", "format");
    cr_assert(v && strncmp(v, "tlog-proof dacc-proof\"", 22) == 0, "%s", r.out);
    v = values_line(r.out, "log audit", "format");
    cr_assert(v && strncmp(v, "text json csv\"", 14) == 0, "%s", r.out);
    v = values_line(r.out, "pause device verify", "format");
    cr_assert(v && strncmp(v, "text json csv\"", 14) == 0, "%s", r.out);
    /* an option that log checkpoint does not take has no values there */
    cr_assert_null(values_line(r.out, "log checkpoint", "format"), "%s", r.out);
    cr_assert(strstr(r.out, "case \"$where $prev\" in\n") != NULL);
    cr_assert(strstr(r.out, "    \"log prove-inclusion\") where=\"log prove-inclusion\" opts=\"") !=
              NULL);
    run_result_free(&r);
}

/* What bash offers after the words of line (the last one being completed),
 * with the generated script loaded. */
static char *complete_in_bash(const char *script_path, const char *words, int cword)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "bash -c 'complete() { :; }; . \"%s\"; COMP_WORDS=(%s); COMP_CWORD=%d; _dacc; "
             "echo \"${COMPREPLY[*]}\"'",
             script_path, words, cword);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char *line = calloc(1, 512);
    cr_assert_not_null(line);
    if (fgets(line, 512, p) == NULL)
        line[0] = '\0';
    cr_assert_eq(pclose(p), 0, "%s", cmd);
    line[strcspn(line, "\n")] = '\0';
    return line;
}

Test(writers, completion_in_bash_completes_values_by_subcommand)
{
    run_result r;
    RUN(&r, "--completion", "bash");
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *dir = make_temp_dir(), *script = path_join(dir, "dacc.bash");
    write_text(script, r.out);
    run_result_free(&r);
    char *got = complete_in_bash(script, "dacc log prove-inclusion --format \"\"", 4);
    cr_assert_str_eq(got, "tlog-proof dacc-proof");
    free(got);
    got = complete_in_bash(script, "dacc log audit --format \"\"", 4);
    cr_assert_str_eq(got, "text json csv");
    free(got);
    got = complete_in_bash(script, "dacc pause device status --format \"\"", 5);
    cr_assert_str_eq(got, "text json csv");
    free(got);
    remove_tree(dir);
    free(script), free(dir);
}
