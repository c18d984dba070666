/* Every mechanism's round end to end through the log: events appended by
 * the store, the log published as tiles by `dacc log tiles`, and `dacc
 * round replay --tiles` (which reads only the published files and the log's
 * public key) giving the live round's state hash and result; a tile
 * changed by one byte makes the replay fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/store.h"
#include "dacc/tlog.h"
#include "fixture.h"
#include "support.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

typedef struct {
    char *dir, *log, *tiles;
    dacc_round *live;
    dacc_buf env[64];
    size_t n;
} scenario;

static void start(scenario *s, test_key *op, const char *config_body)
{
    s->dir = make_temp_dir();
    s->log = path_join(s->dir, "log");
    s->tiles = path_join(s->dir, "site");
    s->n = 0;
    run_result r;
    RUN(&r, "log", "init", "--origin", "example.org/rounds", s->log);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    s->env[s->n] = test_event(op, NULL, "round/config", config_body, 0);
    dacc_error err;
    cr_assert_eq(dacc_round_new(s->env[0].data, s->env[0].len, &s->live, &err), DACC_OK, "%s",
                 err.message);
    s->n++;
}

/* An event that must be accepted, kept for the log. */
static void add(scenario *s, test_key *k, const char *type, const char *body)
{
    dacc_buf env = test_event(k, dacc_round_id(s->live), type, body, 0);
    dacc_error err;
    cr_assert_eq(dacc_round_apply(s->live, env.data, env.len, &err), DACC_OK, "%s %s: %s", type,
                 body, err.message);
    cr_assert(s->n < 64);
    s->env[s->n++] = env;
}

/* Logs the events (with `dacc round append`), publishes the tiles, replays
 * from them and compares with the live round. */
static void check(scenario *s)
{
    char *file = path_join(s->dir, "events.env");
    dacc_buf all;
    dacc_buf_init(&all, 0);
    for (size_t i = 0; i < s->n; i++) {
        dacc_buf_append(&all, s->env[i].data, s->env[i].len);
        dacc_buf_putc(&all, '\n');
        dacc_buf_free(&s->env[i]);
    }
    write_text(file, all.data);
    dacc_buf_free(&all);
    run_result r;
    RUN(&r, "round", "append", "--log", s->log, file);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "log", "tiles", s->log, s->tiles);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    char id[65], *pub = path_join(s->log, "log.pub");
    dacc_hex_encode(dacc_round_id(s->live), 32, id);
    RUN(&r, "round", "replay", "--tiles", s->tiles, "--log-key", pub, id, "-f", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *doc = NULL;
    cr_assert_eq(dacc_json_load_buffer("replay", r.out, r.out_len, &doc, NULL), DACC_OK);
    uint8_t h[32];
    char want[65];
    dacc_round_state_hash(s->live, h);
    dacc_hex_encode(h, 32, want);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "state_hash")), want);
    json_t *res = NULL;
    cr_assert_eq(dacc_round_result(s->live, &res, NULL), DACC_OK);
    cr_assert(json_equal(json_object_get(doc, "result"), json_object_get(res, "result")),
              "the replayed result differs from the live one");
    json_decref(res);
    json_decref(doc);
    cr_assert(memchr(r.err, '\r', r.err_len) == NULL, "a progress line off a terminal: %s", r.err);
    /* forced on, the bundles read show on standard error; the replay is the same bytes */
    run_result forced;
    setenv("DACC_PROGRESS", "1", 1);
    RUN(&forced, "round", "replay", "--tiles", s->tiles, "--log-key", pub, id, "-f", "json");
    unsetenv("DACC_PROGRESS");
    cr_assert_eq(forced.status, 0, "%s", forced.err);
    cr_assert(strstr(forced.err, "reading entry bundles (entries): 0 / ") != NULL, "%s",
              forced.err);
    cr_assert(forced.out_len == r.out_len && memcmp(forced.out, r.out, r.out_len) == 0,
              "the replay changed with the progress line");
    run_result_free(&forced);
    run_result_free(&r);
    /* one byte of the published entries changed: the replay fails */
    char *bundle = path_join(s->tiles, "tile/entries/000.p/");
    size_t len;
    char name[16];
    snprintf(name, sizeof name, "%zu", s->n);
    char *path = path_join(bundle, name);
    char *text = read_text(path, &len);
    cr_assert_not_null(text, "%s", path);
    text[len / 2] ^= 0x01;
    FILE *fp = fopen(path, "wb");
    fwrite(text, 1, len, fp);
    fclose(fp);
    RUN(&r, "round", "replay", "--tiles", s->tiles, "--log-key", pub, id);
    cr_assert_eq(r.status, 1, "a changed tile replayed: %s", r.out);
    run_result_free(&r);
    free(text), free(path), free(bundle), free(pub), free(file);
    dacc_round_free(s->live);
    remove_tree(s->dir);
    free(s->dir), free(s->log), free(s->tiles);
}

static char *keys_body(const char *mech, const char *phase, const char *params, test_key *k, int n)
{
    static char body[4096];
    int used = snprintf(body, sizeof body, "{\"mechanism\":\"%s\",\"eligible\":{\"keys\":[", mech);
    for (int i = 0; i < n; i++)
        used +=
            snprintf(body + used, sizeof body - (size_t)used, "%s\"%s\"", i ? "," : "", k[i].hex);
    snprintf(body + used, sizeof body - (size_t)used,
             "]},\"phases\":[{\"name\":\"%s\",\"close\":\"operator\"}],\"params\":%s}", phase,
             params);
    return body;
}

Test(round_tiles, pgf)
{
    test_key op, k[3];
    test_key_of("tiles op", &op);
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        test_key_of(name, &k[i]);
    }
    scenario s;
    start(&s, &op, keys_body("pgf", "donations", "{\"pool\":\"5000\"}", k, 3));
    add(&s, &k[0], "pgf/donation", "{\"amount\":\"100\",\"project\":\"a\"}");
    add(&s, &k[1], "pgf/donation", "{\"amount\":\"400\",\"project\":\"a\"}");
    add(&s, &k[2], "pgf/donation", "{\"amount\":\"900\",\"project\":\"b\"}");
    add(&s, &k[2], "pgf/donation", "{\"amount\":\"100\",\"project\":\"a\"}");
    add(&s, &op, "round/close", "{\"phase\":\"donations\"}");
    check(&s);
}

Test(round_tiles, market)
{
    test_key op, k[3];
    test_key_of("tiles market op", &op);
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "m%d", i);
        test_key_of(name, &k[i]);
    }
    scenario s;
    start(&s, &op,
          keys_body("market", "trading",
                    "{\"decimals\":0,\"markets\":[{\"id\":\"m\",\"kind\":\"lmsr\",\"b\":\"50\"}]}",
                    k, 3));
    char body[256];
    for (int i = 0; i < 3; i++) {
        snprintf(body, sizeof body, "{\"account\":\"%s\",\"amount\":\"500\"}", k[i].hex);
        add(&s, &op, "market/deposit", body);
    }
    add(&s, &k[0], "market/buy", "{\"market\":\"m\",\"outcome\":0,\"shares\":\"30\"}");
    add(&s, &k[1], "market/buy", "{\"market\":\"m\",\"outcome\":1,\"spend\":\"20\"}");
    add(&s, &k[2], "market/buy", "{\"market\":\"m\",\"outcome\":0,\"shares\":\"5\"}");
    add(&s, &k[0], "market/sell", "{\"market\":\"m\",\"outcome\":0,\"shares\":\"10\"}");
    add(&s, &op, "market/resolve", "{\"market\":\"m\",\"outcome\":1}");
    add(&s, &k[1], "market/redeem", "{\"market\":\"m\"}");
    add(&s, &op, "round/close", "{\"phase\":\"trading\"}");
    check(&s);
}

Test(round_tiles, notes)
{
    test_key op, k[4];
    test_key_of("tiles notes op", &op);
    for (int i = 0; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        test_key_of(name, &k[i]);
    }
    scenario s;
    start(&s, &op, keys_body("notes", "rating", "{}", k, 4));
    char body[256];
    for (int i = 0; i < 4; i++) {
        snprintf(body, sizeof body, "{\"group\":13,\"participant\":\"%s\"}", k[i].hex);
        add(&s, &op, "notes/enroll", body);
    }
    add(&s, &k[0], "notes/note",
        "{\"classification\":\"MISINFORMED_OR_POTENTIALLY_MISLEADING\",\"note\":\"1\","
        "\"summary\":\"Context.\",\"tweet\":\"100\"}");
    add(&s, &k[1], "notes/note",
        "{\"classification\":\"NOT_MISLEADING\",\"note\":\"2\",\"summary\":\"Fine.\",\"tweet\":"
        "\"101\"}");
    static const char *const levels[] = { "HELPFUL", "NOT_HELPFUL", "SOMEWHAT_HELPFUL" };
    for (int i = 0; i < 4; i++)
        for (int n = 1; n <= 2; n++) {
            snprintf(body, sizeof body, "{\"helpfulness\":\"%s\",\"note\":\"%d\"}",
                     levels[(i + n) % 3], n);
            add(&s, &k[i], "notes/rating", body);
        }
    add(&s, &op, "round/close", "{\"phase\":\"rating\"}");
    check(&s);
}

#include "pause_root.h"

Test(round_tiles, pause)
{
    pause_fixture f;
    setup(&f); /* the round's config, kept for the log */
    scenario s;
    s.dir = make_temp_dir();
    s.log = path_join(s.dir, "log");
    s.tiles = path_join(s.dir, "site");
    run_result r;
    RUN(&r, "log", "init", "--origin", "example.org/rounds", s.log);
    cr_assert_eq(r.status, 0);
    run_result_free(&r);
    s.live = f.r;
    dacc_buf_init(&s.env[0], 0);
    dacc_buf_append(&s.env[0], f.config.data, f.config.len);
    s.n = 1;
    add(&s, &f.op, "pause/heartbeat",
        "{\"epoch\":1,\"not_after\":1800604800,\"not_before\":1800000000}");
    for (int b = 0; b < NB; b++) {
        char text[512], line[DACC_TLOG_KEY_TEXT_MAX], body[600];
        size_t n = dacc_pause_heartbeat_format("pause.example", 1, 1800000000, 1800604800,
                                               f.root.hash, text, sizeof text);
        cr_assert_eq(dacc_tlog_note_sign(text, n, &f.body[b], 0, line, NULL), DACC_OK);
        line[strcspn(line, "\n")] = '\0';
        json_t *o = json_pack("{sIss}", "epoch", (json_int_t)1, "signature", line);
        char *t = json_dumps(o, 0);
        snprintf(body, sizeof body, "%s", t);
        free(t);
        json_decref(o);
        add(&s, &f.bk[b], "pause/sign", body);
    }
    dacc_buf_free(&f.config);
    check(&s);
}

Test(round_tiles, deepfund)
{
    test_key op, k[4]; /* two models, two jurors */
    test_key_of("tiles deepfund op", &op);
    for (int i = 0; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof name, "d%d", i);
        test_key_of(name, &k[i]);
    }
    char body[4096];
    int used = snprintf(body, sizeof body, "{\"mechanism\":\"deepfund\",\"eligible\":{\"keys\":[");
    for (int i = 0; i < 4; i++)
        used +=
            snprintf(body + used, sizeof body - (size_t)used, "%s\"%s\"", i ? "," : "", k[i].hex);
    snprintf(body + used, sizeof body - (size_t)used,
             "]},\"phases\":[{\"name\":\"submissions\",\"close\":\"operator\"},{\"name\":\"jury\","
             "\"close\":\"operator\"}],\"params\":{\"graph\":[[\"root\",\"a\"],[\"root\",\"b\"]],"
             "\"pool\":\"10000\",\"decimals\":2}}");
    scenario s;
    start(&s, &op, body);
    add(&s, &op, "deepfund/graph", "{\"edges\":[[\"root\",\"c\"],[\"a\",\"c\"]]}");
    add(&s, &k[0], "deepfund/submission",
        "{\"weights\":[[\"a\",\"root\",\"0.5\"],[\"b\",\"root\",\"0.25\"],[\"c\",\"root\","
        "\"0.25\"],[\"c\",\"a\",\"1\"]]}");
    add(&s, &k[1], "deepfund/submission",
        "{\"weights\":[[\"a\",\"root\",\"0.2\"],[\"b\",\"root\",\"0.2\"],[\"c\",\"root\","
        "\"0.6\"],[\"c\",\"a\",\"1\"]]}");
    add(&s, &op, "round/close", "{\"phase\":\"submissions\"}");
    add(&s, &k[2], "deepfund/answer",
        "{\"a\":\"a\",\"b\":\"c\",\"choice\":2,\"multiplier\":\"3\",\"parent\":\"root\"}");
    add(&s, &k[3], "deepfund/answer",
        "{\"a\":\"b\",\"b\":\"a\",\"choice\":2,\"multiplier\":\"1.5\",\"parent\":\"root\"}");
    add(&s, &k[2], "deepfund/answer",
        "{\"a\":\"a\",\"b\":\"c\",\"choice\":2,\"multiplier\":\"2\",\"parent\":\"root\"}");
    add(&s, &op, "round/close", "{\"phase\":\"jury\"}");
    check(&s);
}
