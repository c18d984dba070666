/* A full round of each mechanism through HTTP only: deep funding with
 * drawn questions (GET /questions), a market bound to that round's jury
 * (GET /quote before each trade, resolved by the round), a notes program
 * (GET /notes/{id} with the rules that decided), and a soft pause (the
 * heartbeat note gathered from signatures). Every event is posted as a
 * participant would post it, every result read from the node, and every
 * round replayed from the node's tiles by `dacc round replay --node` to
 * the same result. */
#define _GNU_SOURCE /* open_memstream */
#include <stdio.h>

#include "../round/pause_root.h"
#include "dacc/notes.h"
#include "node.h"

typedef struct {
    char *dir, *data, *pub;
    test_node n;
} world;

static void world_start(world *w)
{
    w->dir = make_temp_dir();
    w->data = path_join(w->dir, "data");
    w->pub = path_join(w->data, "log.pub");
    node_start(&w->n, w->data, (const char *const[]){ "--quiet", NULL });
}

static void world_end(world *w)
{
    cr_assert_eq(node_stop(&w->n), 0, "dacc serve did not stop cleanly");
    remove_tree(w->dir);
    free(w->dir);
    free(w->data);
    free(w->pub);
}

/* POSTs env (freed) to round id's events (id NULL: a config); the status. */
static long post(const world *w, const uint8_t *id, dacc_buf env, char **body)
{
    char url[128] = "/api/v1/rounds", hex[65];
    if (id != NULL)
        snprintf(url, sizeof url, "/api/v1/rounds/%s/events", dacc_hex_encode(id, 32, hex));
    http_result r;
    http(&w->n, "POST", url, "application/json", env.data, env.len, &r);
    dacc_buf_free(&env);
    if (body != NULL)
        *body = strdup(r.body);
    long st = r.status;
    http_free(&r);
    return st;
}

static void posted(const world *w, const uint8_t *id, dacc_buf env)
{
    char *body;
    long st = post(w, id, env, &body);
    cr_assert_eq(st, 201, "%ld: %s", st, body);
    free(body);
}

/* A config by op: the round's id from the receipt's envelope. */
static void created(const world *w, test_key *op, const char *config, uint8_t id[32])
{
    dacc_buf env = test_event(op, NULL, "round/config", config, 0);
    size_t len;
    dacc_dsse_envelope *e;
    cr_assert_eq(dacc_dsse_parse("config", env.data, env.len, &e, NULL), DACC_OK);
    const uint8_t *p = dacc_dsse_payload(e, &len);
    dacc_sha256(p, len, id);
    dacc_dsse_free(e);
    posted(w, NULL, env);
}

static json_t *get(const world *w, const char *fmt, const uint8_t *id, const char *rest, long want)
{
    char url[512], hex[65];
    snprintf(url, sizeof url, fmt, dacc_hex_encode(id, 32, hex), rest ? rest : "");
    http_result r;
    http(&w->n, "GET", url, NULL, NULL, 0, &r);
    cr_assert_eq(r.status, want, "GET %s: %ld %s", url, r.status, r.body);
    json_t *doc = json_loads(r.body, 0, NULL);
    cr_assert_not_null(doc, "GET %s: %s", url, r.body);
    if (want >= 400)
        cr_assert(strstr(r.type, "application/problem+json"), "%s", r.type);
    http_free(&r);
    return doc;
}

#define ROUND "/api/v1/rounds/%s%s"

/* `dacc round replay --node` gives the node's own /result. */
static void replays_to_result(const world *w, const uint8_t *id)
{
    char hex[65];
    run_result rep;
    run_dacc(&rep, NULL,
             (const char *const[]){ "round", "replay", "--node", w->n.base, "--log-key", w->pub,
                                    "-f", "json", dacc_hex_encode(id, 32, hex), NULL });
    cr_assert_eq(rep.status, 0, "%s", rep.err);
    json_t *replayed = json_loads(rep.out, 0, NULL), *served = get(w, ROUND, id, "/result", 200);
    cr_assert(replayed && json_equal(json_object_get(replayed, "result"),
                                     json_object_get(served, "result")),
              "replay:\n%s", rep.out);
    json_decref(replayed);
    json_decref(served);
    run_result_free(&rep);
}

static const char *str(const json_t *o, const char *path)
{
    return json_string_value(json_object_get(o, path));
}

/* ---- deep funding, and a market on its jury ---- */

typedef struct {
    test_key op, mop, model, juror[2], trader; /* mop: the market's operator */
    uint8_t df[32], mk[32];
} info_finance;

static void deepfund_round(const world *w, info_finance *f)
{
    char config[2048];
    snprintf(config, sizeof config,
             "{\"mechanism\":\"deepfund\",\"eligible\":{\"keys\":[\"%s\",\"%s\",\"%s\"]},"
             "\"phases\":[{\"name\":\"submissions\",\"close\":\"operator\"},{\"name\":\"jury\","
             "\"close\":\"operator\"}],\"params\":{\"graph\":[[\"root\",\"a\"],[\"root\",\"b\"],"
             "[\"root\",\"c\"]],\"pool\":\"100000\",\"decimals\":2,\"questions\":2}}",
             f->model.hex, f->juror[0].hex, f->juror[1].hex);
    created(w, &f->op, config, f->df);
    json_t *q = get(w, ROUND, f->df, "/questions", 400);
    json_decref(q);
    char who[160];
    snprintf(who, sizeof who, "/questions?key=%s", f->juror[0].hex);
    q = get(w, ROUND, f->df, who, 200);
    cr_assert(json_is_false(json_object_get(q, "drawn")), "no draw before the submissions close");
    cr_assert_not_null(str(q, "why"));
    json_decref(q);
    posted(w, f->df,
           test_event(&f->model, f->df, "deepfund/submission",
                      "{\"weights\":[[\"a\",\"root\",\"0.5\"],[\"b\",\"root\",\"0.3\"],[\"c\","
                      "\"root\",\"0.2\"]]}",
                      0));
    posted(w, f->df, test_event(&f->op, f->df, "round/close", "{\"phase\":\"submissions\"}", 0));
    /* each juror is asked its two drawn questions, and after answering one,
     * only the other */
    for (int j = 0; j < 2; j++) {
        snprintf(who, sizeof who, "/questions?key=%s", f->juror[j].hex);
        q = get(w, ROUND, f->df, who, 200);
        json_t *open = json_object_get(q, "questions");
        cr_assert_eq(json_array_size(open), 2, "%s", json_dumps(q, 0));
        cr_assert_eq(json_integer_value(json_object_get(q, "answered")), 0);
        json_int_t k = json_integer_value(json_object_get(json_array_get(open, 1), "question"));
        json_decref(q);
        char body[128];
        snprintf(body, sizeof body, "{\"choice\":%d,\"multiplier\":\"3\",\"question\":%lld}", 1 + j,
                 (long long)k);
        posted(w, f->df, test_event(&f->juror[j], f->df, "deepfund/answer", body, 0));
        q = get(w, ROUND, f->df, who, 200);
        open = json_object_get(q, "questions");
        cr_assert_eq(json_array_size(open), 1);
        cr_assert_eq(json_integer_value(json_object_get(q, "answered")), 1);
        cr_assert_neq(json_integer_value(json_object_get(json_array_get(open, 0), "question")), k);
        json_decref(q);
    }
    /* a key that is no juror is asked nothing; a market read on a
     * deep-funding round is no resource */
    snprintf(who, sizeof who, "/questions?key=%s", f->trader.hex);
    q = get(w, ROUND, f->df, who, 200);
    json_decref(q);
    q = get(w, ROUND, f->df, "/quote?market=m&outcome=0&buy=1", 404);
    json_decref(q);
}

/* /quote for a trade (side buy or sell, by "shares", "spend" or
 * "receive"), then the trade with the quote as its limit: what it paid or
 * got, into money. */
static void quoted_trade(const world *w, info_finance *f, const char *side, const char *by,
                         const char *amount, char *money)
{
    static const char *const param[][2] = { { "shares", "buy" }, { "shares", "sell" } };
    const char *q_param = strcmp(by, "shares") != 0 ? by : param[side[0] == 's'][1];
    char query[128], body[256];
    snprintf(query, sizeof query, "/quote?market=jury&outcome=0&%s=%s", q_param, amount);
    json_t *q = get(w, ROUND, f->mk, query, 200);
    const char *got = str(q, side[0] == 'b' ? "cost" : "proceeds");
    cr_assert(got && str(q, "shares"), "%s", json_dumps(q, 0));
    snprintf(body, sizeof body,
             "{\"limit\":\"%s\",\"market\":\"jury\",\"outcome\":0,\"%s\":\"%s\"}", got, by, amount);
    posted(w, f->mk,
           test_event(&f->trader, f->mk, side[0] == 'b' ? "market/buy" : "market/sell", body, 0));
    strcpy(money, got);
    json_decref(q);
}

static dacc_u128 units(const char *s)
{
    dacc_u128 v;
    cr_assert_eq(dacc_money_parse(s, strlen(s), 0, &v, NULL), DACC_OK, "%s", s);
    return v;
}

static const char *balance_of(const json_t *result, const char *account)
{
    const json_t *row;
    size_t i;
    json_array_foreach(json_object_get(json_object_get(result, "result"), "table"), i, row)
    {
        if (strcmp(str(row, "account"), account) == 0)
            return str(row, "balance");
    }
    return NULL;
}

static void market_round(const world *w, info_finance *f)
{
    char config[2048], hex[65];
    snprintf(config, sizeof config,
             "{\"mechanism\":\"market\",\"eligible\":{\"keys\":[\"%s\"]},\"phases\":[{\"name\":"
             "\"trading\",\"close\":\"operator\"}],\"params\":{\"decimals\":0,\"markets\":[{"
             "\"id\":\"jury\",\"kind\":\"lmsr\",\"outcomes\":\"2\",\"funding\":\"10000\","
             "\"resolve_by\":{\"round\":\"%s\",\"projects\":[\"a\",\"b\"]}}]}}",
             f->trader.hex, dacc_hex_encode(f->df, 32, hex));
    created(w, &f->mop, config, f->mk);
    char body[256];
    snprintf(body, sizeof body, "{\"account\":\"%s\",\"amount\":\"5000\"}", f->trader.hex);
    posted(w, f->mk, test_event(&f->mop, f->mk, "market/deposit", body, 0));
    /* refused quotes name the parameter at fault */
    static const struct {
        const char *query, *field;
        long status;
    } bad[] = {
        { "/quote?market=jury&outcome=0", "buy", 400 },
        { "/quote?market=jury&outcome=0&buy=1&spend=2", "buy", 400 },
        { "/quote?market=jury&buy=1", "outcome", 400 },
        { "/quote?market=jury&outcome=7&buy=1", "outcome", 422 },
        { "/quote?market=nope&outcome=0&buy=1", "market", 404 },
        { "/quote?market=jury&outcome=0&buy=01", "shares", 422 },
        { "/quote?market=jury&outcome=0&sell=0", "shares", 422 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_t *p = get(w, ROUND, f->mk, bad[i].query, bad[i].status);
        cr_assert_str_eq(str(p, "field"), bad[i].field, "%s: %s", bad[i].query, json_dumps(p, 0));
        json_decref(p);
    }
    char paid[3][64];
    quoted_trade(w, f, "buy", "shares", "300", paid[0]);
    quoted_trade(w, f, "buy", "spend", "700", paid[1]);
    quoted_trade(w, f, "sell", "shares", "100", paid[2]);
    json_t *res = get(w, ROUND, f->mk, "/result", 200);
    dacc_u128 left = 5000 - units(paid[0]) - units(paid[1]) + units(paid[2]);
    cr_assert(units(balance_of(res, f->trader.hex)) == left,
              "the trades cost what their quotes said: %s", json_dumps(res, 0));
    json_decref(res);
    /* the trader's own view: its money and its shares of outcome 0 */
    char who[160];
    snprintf(who, sizeof who, "/participant?key=%s", f->trader.hex);
    json_t *me = get(w, ROUND, f->mk, who, 200), *mine = json_object_get(me, "state");
    cr_assert(units(str(mine, "balance")) == left, "%s", json_dumps(me, 0));
    json_t *pos = json_array_get(json_object_get(mine, "positions"), 0);
    cr_assert_eq(json_array_size(json_object_get(mine, "positions")), 1, "%s", json_dumps(me, 0));
    cr_assert_str_eq(str(pos, "market"), "jury");
    cr_assert_eq(json_integer_value(json_object_get(pos, "outcome")), 0);
    cr_assert(units(str(pos, "shares")) > 200, "300 bought, more for 700, 100 sold: %s",
              json_dumps(me, 0));
    json_decref(me);
    /* a quote moves the prices it reports, not the market's */
    json_t *a = get(w, ROUND, f->mk, "/quote?market=jury&outcome=1&buy=50", 200),
           *b = get(w, ROUND, f->mk, "/quote?market=jury&outcome=1&buy=50", 200);
    cr_assert(json_equal(a, b));
    cr_assert(json_real_value(json_array_get(json_object_get(a, "prices_after"), 1)) >
              json_real_value(json_array_get(json_object_get(a, "prices"), 1)));
    json_decref(a);
    json_decref(b);
}

static void resolve_by_the_jury(const world *w, info_finance *f)
{
    char body[160], hex[65];
    snprintf(body, sizeof body, "{\"by_round\":\"%s\",\"market\":\"jury\"}",
             dacc_hex_encode(f->df, 32, hex));
    /* before the jury closes, the market cannot resolve by it */
    char *why;
    long st = post(w, f->mk, test_event(&f->mop, f->mk, "market/resolve", body, 0), &why);
    cr_assert(st >= 400 && st < 500, "%ld %s", st, why);
    free(why);
    f->mop.seq--;
    posted(w, f->df, test_event(&f->op, f->df, "round/close", "{\"phase\":\"jury\"}", 0));
    posted(w, f->mk, test_event(&f->mop, f->mk, "market/resolve", body, 0));
    json_t *q = get(w, ROUND, f->mk, "/quote?market=jury&outcome=0&buy=1", 409);
    json_decref(q);
    json_t *before = get(w, ROUND, f->mk, "/result", 200);
    posted(w, f->mk, test_event(&f->trader, f->mk, "market/redeem", "{\"market\":\"jury\"}", 0));
    json_t *df = get(w, ROUND, f->df, "/result", 200), *mk = get(w, ROUND, f->mk, "/result", 200);
    /* outcome 0 is project a, which the jury funds: its shares pay */
    cr_assert(units(balance_of(mk, f->trader.hex)) > units(balance_of(before, f->trader.hex)));
    json_decref(before);
    /* root, a, b, c */
    cr_assert_eq(json_array_size(json_object_get(json_object_get(df, "result"), "table")), 4, "%s",
                 json_dumps(df, 0));
    cr_assert(json_is_true(json_object_get(
        json_array_get(json_object_get(json_object_get(mk, "result"), "markets"), 0), "resolved")));
    json_decref(df);
    json_decref(mk);
}

Test(mechanisms, deep_funding_and_a_market_on_its_jury, .timeout = 300)
{
    world w;
    world_start(&w);
    info_finance f;
    test_key_of("df operator", &f.op);
    test_key_of("market operator", &f.mop);
    test_key_of("df model", &f.model);
    test_key_of("df juror 0", &f.juror[0]);
    test_key_of("df juror 1", &f.juror[1]);
    test_key_of("forecaster", &f.trader);
    deepfund_round(&w, &f);
    market_round(&w, &f);
    resolve_by_the_jury(&w, &f);
    replays_to_result(&w, f.df);
    replays_to_result(&w, f.mk);
    world_end(&w);
}

/* ---- a notes program ---- */

/* Field i of a tab-separated line, copied. */
static char *field(const char *line, int i)
{
    for (; i > 0; i--)
        line = strchr(line, '\t') + 1;
    return strndup(line, strcspn(line, "\t\n"));
}

typedef struct {
    char *id[4096];
    test_key key[4096];
    size_t n;
} key_book;

static test_key *key_for(key_book *b, const char *id)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->id[i], id) == 0)
            return &b->key[i];
    cr_assert(b->n < 4096);
    b->id[b->n] = strdup(id);
    test_key_of(id, &b->key[b->n]);
    return &b->key[b->n++];
}

/* Each line after the header of text, as f(line). */
#define EACH_LINE(text, line)                                                                      \
    for (char *line = strchr(text, '\n') + 1; *line; line = strchr(line, '\n') + 1)

static void synth(char *text[5], size_t len[5])
{
    FILE *fp[5];
    for (int k = 0; k < 5; k++)
        fp[k] = open_memstream(&text[k], &len[k]);
    dacc_notes_synth_params sp = { .ratings = 1200, .camps = 2, .noise = 0.05, .seed = 11 };
    dacc_notes_synth_out out = { fp[0], fp[1], fp[2], fp[3], fp[4] };
    cr_assert_eq(dacc_notes_synth(&sp, &out, NULL, NULL), DACC_OK);
    for (int k = 0; k < 5; k++)
        fclose(fp[k]);
}

/* The synthetic program's enrollments, notes and ratings, as events. */
static void notes_events(const world *w, test_key *op, const uint8_t *id, key_book *book,
                         char *text[5])
{
    char body[512];
    EACH_LINE(text[3], line)
    {
        char *pid = field(line, 0), *group = field(line, 6);
        snprintf(body, sizeof body, "{\"group\":%s,\"participant\":\"%s\"}", group,
                 key_for(book, pid)->hex);
        posted(w, id, test_event(op, id, "notes/enroll", body, 0));
        free(pid), free(group);
    }
    EACH_LINE(text[0], line)
    {
        char *nid = field(line, 0), *author = field(line, 1), *tweet = field(line, 3),
             *summary = field(line, 21);
        snprintf(body, sizeof body,
                 "{\"classification\":\"MISINFORMED_OR_POTENTIALLY_MISLEADING\",\"note\":\"%s\","
                 "\"summary\":\"%s\",\"tweet\":\"%s\"}",
                 nid, summary, tweet);
        posted(w, id, test_event(key_for(book, author), id, "notes/note", body, 0));
        free(nid), free(author), free(tweet), free(summary);
    }
    EACH_LINE(text[1], line)
    {
        char *nid = field(line, 0), *rater = field(line, 1), *level = field(line, 8);
        snprintf(body, sizeof body, "{\"helpfulness\":\"%s\",\"note\":\"%s\"}", level, nid);
        posted(w, id, test_event(key_for(book, rater), id, "notes/rating", body, 0));
        free(nid), free(rater), free(level);
    }
}

Test(mechanisms, a_notes_program_with_its_reasons, .timeout = 600)
{
    world w;
    world_start(&w);
    char *text[5];
    size_t len[5];
    synth(text, len);
    static key_book book;
    test_key op;
    test_key_of("notes operator", &op);
    uint8_t id[32];
    created(&w, &op,
            "{\"mechanism\":\"notes\",\"eligible\":{\"open\":true},\"phases\":[{\"name\":"
            "\"rating\",\"close\":\"operator\"}],\"params\":{}}",
            id);
    notes_events(&w, &op, id, &book, text);
    json_t *res = get(&w, ROUND, id, "/result", 200);
    const json_t *row;
    size_t i, decided = 0;
    json_array_foreach(json_object_get(json_object_get(res, "result"), "table"), i, row)
    {
        /* each note's own read says what the table says, and why */
        char rest[64];
        snprintf(rest, sizeof rest, "/notes/%s", str(row, "note"));
        json_t *one = get(&w, ROUND, id, rest, 200);
        cr_assert_str_eq(str(one, "status"), str(row, "status"), "%s", json_dumps(one, 0));
        cr_assert_str_eq(str(one, "note"), str(row, "note"));
        json_t *reasons = json_object_get(one, "reasons");
        cr_assert_geq(json_array_size(reasons), 1);
        cr_assert(strncmp(str(json_array_get(reasons, 0), "rule"), "InitialNMR", 10) == 0, "%s",
                  json_dumps(one, 0));
        if (strcmp(str(row, "status"), "NEEDS_MORE_RATINGS") != 0) {
            decided++;
            cr_assert_geq(json_array_size(reasons), 2, "%s", json_dumps(one, 0));
        }
        json_decref(one);
    }
    cr_assert_gt(decided, 0, "the program decides some notes: %s", json_dumps(res, 0));
    json_decref(res);
    json_t *p = get(&w, ROUND, id, "/notes/99999999", 404);
    cr_assert_str_eq(str(p, "field"), "note");
    json_decref(p);
    p = get(&w, ROUND, id, "/notes/x1", 422);
    json_decref(p);
    replays_to_result(&w, id);
    for (int k = 0; k < 5; k++)
        free(text[k]);
    for (size_t k = 0; k < book.n; k++)
        free(book.id[k]);
    world_end(&w);
}

/* ---- the soft pause ---- */

Test(mechanisms, a_soft_pause_heartbeat_gathered_over_http)
{
    world w;
    world_start(&w);
    pause_fixture f;
    setup(&f);
    posted(&w, NULL, f.config);
    posted(&w, f.id,
           test_event(&f.op, f.id, "pause/heartbeat",
                      "{\"epoch\":1,\"not_after\":1800604800,\"not_before\":1800000000}", 0));
    char text[512], line[DACC_TLOG_KEY_TEXT_MAX];
    size_t n = dacc_pause_heartbeat_format("pause.example", 1, 1800000000, 1800604800, f.root.hash,
                                           text, sizeof text);
    for (int b = 0; b < 2; b++) {
        cr_assert_eq(dacc_tlog_note_sign(text, n, &f.body[b], 0, line, NULL), DACC_OK);
        line[strcspn(line, "\n")] = '\0';
        json_t *body = json_pack("{sIss}", "epoch", (json_int_t)1, "signature", line);
        char *bt = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
        posted(&w, f.id, test_event(&f.bk[b], f.id, "pause/sign", bt, 0));
        free(bt);
        json_decref(body);
    }
    json_t *res = get(&w, ROUND, f.id, "/result", 200);
    const json_t *row = json_array_get(json_object_get(json_object_get(res, "result"), "table"), 0);
    cr_assert(json_is_true(json_object_get(row, "ready")), "%s", json_dumps(res, 0));
    const char *note = str(row, "note");
    dacc_pause_heartbeat hb;
    cr_assert_eq(dacc_pause_heartbeat_verify(&f.root, note, strlen(note), &hb),
                 DACC_PAUSE_ACCEPTED);
    json_decref(res);
    json_t *q = get(&w, ROUND, f.id, "/quote?market=m&outcome=0&buy=1", 404);
    json_decref(q);
    replays_to_result(&w, f.id);
    dacc_round_free(f.r);
    world_end(&w);
}
