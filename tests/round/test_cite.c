/* A market resolved by a deep-funding jury round ("info finance"): the
 * market names the round and one project per outcome; it resolves only
 * once that round has closed, and pays in proportion to the round's
 * allocation, exactly as the same market resolved by hand with those
 * amounts as payouts. Through the log and replay from the tiles, which
 * replays the cited round up to the citing entry. */
#include <stdio.h>
#include <stdlib.h>

#include "fixture.h"
#include "support.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

/* The keys, one copy per round: each counts its own sequence there. */
typedef struct {
    test_key op, juror, trader[2];
} keys;

typedef struct {
    keys k[3]; /* the jury round, the bound market, its twin */
    dacc_buf env[32];
    size_t n;
} events;

static void make_keys(events *e)
{
    keys k;
    test_key_of("cite op", &k.op);
    test_key_of("cite juror", &k.juror);
    test_key_of("cite trader 0", &k.trader[0]);
    test_key_of("cite trader 1", &k.trader[1]);
    for (int i = 0; i < 3; i++)
        e->k[i] = k;
    e->n = 0;
}

static void keep(events *e, dacc_buf env)
{
    cr_assert(e->n < 32);
    e->env[e->n++] = env;
}

static char *keys_json(const test_key *k, size_t n)
{
    static char out[1024];
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(out + used, sizeof out - used, "%s\"%s\"", i ? "," : "", k[i].hex);
    return out;
}

/* The jury round: projects a, b under root; one juror says b is worth 3 a. */
static void jury_round(events *e, uint8_t id[32])
{
    char body[2048];
    snprintf(body, sizeof body,
             "{\"eligible\":{\"keys\":[%s]},\"mechanism\":\"deepfund\",\"params\":{\"graph\":[["
             "\"root\",\"a\"],[\"root\",\"b\"]],\"pool\":\"1000000\"},\"phases\":[{\"close\":"
             "\"operator\",\"name\":\"submissions\"},{\"close\":\"operator\",\"name\":\"jury\"}]}",
             keys_json(&e->k[0].juror, 1));
    dacc_buf cfg = test_event(&e->k[0].op, NULL, "round/config", body, 0);
    dacc_round *r;
    cr_assert_eq(dacc_round_new(cfg.data, cfg.len, &r, NULL), DACC_OK);
    memcpy(id, dacc_round_id(r), 32);
    dacc_round_free(r);
    keep(e, cfg);
    keep(e, test_event(&e->k[0].op, id, "round/close", "{\"phase\":\"submissions\"}", 0));
    keep(e, test_event(&e->k[0].juror, id, "deepfund/answer",
                       "{\"a\":\"a\",\"b\":\"b\",\"choice\":2,\"multiplier\":\"3\",\"parent\":"
                       "\"root\"}",
                       0));
}

/* A market round: market m on outcomes (a, b), bound to the jury round
 * when bind; both traders funded, each buying one outcome. */
static void market_round(events *e, const uint8_t jury[32], int bind, uint8_t id[32])
{
    keys *k = &e->k[bind ? 1 : 2];
    char body[3072], binding[256] = "", hex[65];
    if (bind)
        snprintf(binding, sizeof binding,
                 ",\"resolve_by\":{\"projects\":[\"a\",\"b\"],\"round\":\"%s\"}",
                 dacc_hex_encode(jury, 32, hex));
    snprintf(body, sizeof body,
             "{\"eligible\":{\"keys\":[%s]},\"mechanism\":\"market\",\"nonce\":\"%d\",\"params\":{"
             "\"decimals\":0,\"markets\":[{\"b\":\"100\",\"id\":\"m\",\"kind\":\"lmsr\"%s}]},"
             "\"phases\":[{\"close\":\"operator\",\"name\":\"trading\"}]}",
             keys_json(k->trader, 2), bind, binding);
    dacc_buf cfg = test_event(&k->op, NULL, "round/config", body, 0);
    dacc_round *r;
    dacc_error err;
    cr_assert_eq(dacc_round_new(cfg.data, cfg.len, &r, &err), DACC_OK, "%s", err.message);
    memcpy(id, dacc_round_id(r), 32);
    dacc_round_free(r);
    keep(e, cfg);
    for (int t = 0; t < 2; t++) {
        char dep[160], buy[128];
        snprintf(dep, sizeof dep, "{\"account\":\"%s\",\"amount\":\"1000\"}", k->trader[t].hex);
        keep(e, test_event(&k->op, id, "market/deposit", dep, 0));
        snprintf(buy, sizeof buy, "{\"market\":\"m\",\"outcome\":%d,\"shares\":\"200\"}", t);
        keep(e, test_event(&k->trader[t], id, "market/buy", buy, 0));
    }
}

static void write_events(const char *path, events *e)
{
    dacc_buf all;
    dacc_buf_init(&all, 0);
    for (size_t i = 0; i < e->n; i++) {
        dacc_buf_append(&all, e->env[i].data, e->env[i].len);
        dacc_buf_putc(&all, '\n');
        dacc_buf_free(&e->env[i]);
    }
    e->n = 0;
    write_text(path, all.data);
    dacc_buf_free(&all);
}

static int append(const char *dir, const char *log, events *e, char **err_text)
{
    char *file = path_join(dir, "batch.env");
    write_events(file, e);
    run_result r;
    RUN(&r, "round", "append", "--log", log, file);
    int status = r.status;
    if (err_text != NULL)
        *err_text = strdup(r.err);
    run_result_free(&r);
    free(file);
    return status;
}

static json_t *result_json(const char *log, const uint8_t id[32])
{
    char hex[65];
    run_result r;
    RUN(&r, "round", "replay", "--log", log, dacc_hex_encode(id, 32, hex), "-f", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *doc = NULL;
    cr_assert_eq(dacc_json_load_buffer("replay", r.out, r.out_len, &doc, NULL), DACC_OK);
    run_result_free(&r);
    return doc;
}

/* The jury round's allocation to project p, in base units. */
static long long allocated(const json_t *doc, const char *p)
{
    const json_t *table = json_object_get(json_object_get(doc, "result"), "table");
    for (size_t i = 0; i < json_array_size(table); i++) {
        const json_t *row = json_array_get(table, i);
        if (strcmp(json_string_value(json_object_get(row, "project")), p) == 0)
            return atoll(json_string_value(json_object_get(row, "amount")));
    }
    cr_assert_fail("no project %s", p);
    return 0;
}

Test(round_cite, a_market_resolves_by_a_closed_deepfund_round, .timeout = 120)
{
    events e;
    make_keys(&e);
    char *dir = make_temp_dir(), *log = path_join(dir, "LOG"), *err_text = NULL, hex[65], by[128];
    run_result r;
    RUN(&r, "log", "init", "--origin", "example.org/rounds", log);
    cr_assert_eq(r.status, 0);
    run_result_free(&r);

    uint8_t jury[32], bound[32], twin[32];
    jury_round(&e, jury);
    market_round(&e, jury, 1, bound);
    market_round(&e, jury, 0, twin);
    cr_assert_eq(append(dir, log, &e, NULL), 0);
    snprintf(by, sizeof by, "{\"by_round\":\"%s\",\"market\":\"m\"}",
             dacc_hex_encode(jury, 32, hex));

    /* before the jury round closes, the market cannot resolve by it */
    keep(&e, test_event(&e.k[1].op, bound, "market/resolve", by, 0));
    cr_assert_eq(append(dir, log, &e, &err_text), 1);
    cr_assert(strstr(err_text, "has not closed") != NULL, "%s", err_text);
    free(err_text);
    e.k[1].op.seq--;
    /* nor by hand */
    keep(&e,
         test_event(&e.k[1].op, bound, "market/resolve", "{\"market\":\"m\",\"outcome\":0}", 0));
    cr_assert_eq(append(dir, log, &e, &err_text), 1);
    cr_assert(strstr(err_text, "resolves only by round") != NULL, "%s", err_text);
    free(err_text);
    e.k[1].op.seq--;

    keep(&e, test_event(&e.k[0].op, jury, "round/close", "{\"phase\":\"jury\"}", 0));
    keep(&e, test_event(&e.k[1].op, bound, "market/resolve", by, 0));
    cr_assert_eq(append(dir, log, &e, &err_text), 0, "%s", err_text);
    free(err_text);

    /* the twin market, resolved by hand with the jury round's amounts */
    json_t *jdoc = result_json(log, jury);
    long long a = allocated(jdoc, "a"), b = allocated(jdoc, "b");
    cr_assert(a > 0 && b > 3 * a - 2 && a + b <= 1000000, "a %lld, b %lld", a, b);
    char payouts[128];
    snprintf(payouts, sizeof payouts, "{\"market\":\"m\",\"payouts\":[%lld,%lld]}", a, b);
    keep(&e, test_event(&e.k[2].op, twin, "market/resolve", payouts, 0));
    for (int t = 0; t < 2; t++) {
        keep(&e, test_event(&e.k[1].trader[t], bound, "market/redeem", "{\"market\":\"m\"}", 0));
        keep(&e, test_event(&e.k[2].trader[t], twin, "market/redeem", "{\"market\":\"m\"}", 0));
    }
    cr_assert_eq(append(dir, log, &e, &err_text), 0, "%s", err_text);
    free(err_text);
    json_t *bdoc = result_json(log, bound), *tdoc = result_json(log, twin);
    const json_t *bt = json_object_get(json_object_get(bdoc, "result"), "table");
    cr_assert(json_equal(bt, json_object_get(json_object_get(tdoc, "result"), "table")),
              "the bound market paid otherwise than payouts [a, b]");
    cr_assert_eq(json_array_size(bt), 2);

    /* an auditor replays the market from the tiles alone */
    char *site = path_join(dir, "site"), *pub = path_join(log, "log.pub"),
         *published = path_join(dir, "published.json");
    RUN(&r, "round", "replay", "--log", log, dacc_hex_encode(bound, 32, hex), "-f", "json", "-o",
        published);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "log", "tiles", log, site);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "round", "replay", "--tiles", site, "--log-key", pub, hex, "--expect", published);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);

    json_decref(jdoc), json_decref(bdoc), json_decref(tdoc);
    remove_tree(dir);
    free(site), free(pub), free(published), free(log), free(dir);
}

Test(round_cite, a_round_without_a_log_refuses_to_cite)
{
    events e;
    make_keys(&e);
    uint8_t jury[32], id[32];
    memset(jury, 7, 32);
    market_round(&e, jury, 1, id);
    dacc_round *r;
    dacc_error err;
    cr_assert_eq(dacc_round_new(e.env[0].data, e.env[0].len, &r, &err), DACC_OK);
    for (size_t i = 1; i < e.n; i++)
        cr_assert_eq(dacc_round_apply(r, e.env[i].data, e.env[i].len, &err), DACC_OK, "%s",
                     err.message);
    char by[128], hex[65];
    snprintf(by, sizeof by, "{\"by_round\":\"%s\",\"market\":\"m\"}",
             dacc_hex_encode(jury, 32, hex));
    cr_assert_eq(test_apply(r, test_event(&e.k[1].op, id, "market/resolve", by, 0), &err),
                 DACC_ERR_STATE);
    cr_assert(strstr(err.message, "no log to find it in") != NULL, "%s", err.message);
    dacc_round_free(r);
    for (size_t i = 0; i < e.n; i++)
        dacc_buf_free(&e.env[i]);
}

Test(round_cite, a_binding_needs_one_project_per_outcome)
{
    test_key op;
    test_key_of("cite op", &op);
    char body[1024], hex[65];
    uint8_t jury[32];
    memset(jury, 7, 32);
    snprintf(body, sizeof body,
             "{\"eligible\":{\"open\":true},\"mechanism\":\"market\",\"params\":{\"markets\":[{"
             "\"b\":\"100\",\"id\":\"m\",\"kind\":\"lmsr\",\"resolve_by\":{\"projects\":[\"a\"],"
             "\"round\":\"%s\"}}]},\"phases\":[{\"close\":\"operator\",\"name\":\"trading\"}]}",
             dacc_hex_encode(jury, 32, hex));
    dacc_buf cfg = test_event(&op, NULL, "round/config", body, 0);
    dacc_round *r = NULL;
    dacc_error err;
    cr_assert_eq(dacc_round_new(cfg.data, cfg.len, &r, &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "one project per outcome") != NULL, "%s", err.message);
    dacc_buf_free(&cfg);
}
