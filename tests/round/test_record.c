/* `dacc deepfund run --log`: the run recorded as a round. The round's
 * allocation table is the run's allocation.csv byte for byte, an auditor's
 * replay from the published tiles passes with the published result, the
 * manifest names the round and the hash its round/result event attests;
 * the example round and the Pond L1 jury both. And round/result itself:
 * only the operator's, only after the round closed, only the true hash. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fixture.h"
#include "support.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

typedef struct {
    char *dir, *log, *key, *out;
} bench;

static void setup(bench *b)
{
    b->dir = make_temp_dir();
    b->log = path_join(b->dir, "LOG");
    b->out = path_join(b->dir, "out");
    char *name = path_join(b->dir, "op");
    b->key = path_join(b->dir, "op.key");
    run_result r;
    RUN(&r, "log", "init", "--origin", "example.org/rounds", b->log);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "round", "keygen", name);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    free(name);
}

static void teardown(bench *b)
{
    remove_tree(b->dir);
    free(b->dir), free(b->log), free(b->key), free(b->out);
}

static json_t *load_json(const char *path)
{
    size_t len;
    char *text = read_text(path, &len);
    cr_assert_not_null(text, "%s", path);
    json_t *doc = NULL;
    cr_assert_eq(dacc_json_load_buffer(path, text, len, &doc, NULL), DACC_OK, "%s", path);
    free(text);
    return doc;
}

/* Runs config with --log; checks the recorded round against the outputs,
 * through the store and through the published tiles. */
static void run_and_replay(bench *b, const char *config, size_t events)
{
    run_result r;
    RUN(&r, "deepfund", "run", "-q", "--log", b->log, "--key", b->key, "-o", b->out, config);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    char *manifest = path_join(b->out, "manifest.json");
    json_t *man = load_json(manifest);
    const json_t *round = json_object_get(man, "round");
    const char *id = json_string_value(json_object_get(round, "id"));
    cr_assert_not_null(id, "the manifest names no round");
    cr_assert_eq(json_integer_value(json_object_get(round, "events")), (json_int_t)events);

    RUN(&r, "round", "result", "--log", b->log, id, "-f", "csv");
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *alloc = path_join(b->out, "allocation.csv");
    size_t len;
    char *want = read_text(alloc, &len);
    cr_assert_eq(r.out_len, len);
    cr_assert(memcmp(r.out, want, len) == 0, "the round's table is not allocation.csv");
    run_result_free(&r);

    char *site = path_join(b->dir, "site"), *pub = path_join(b->log, "log.pub"),
         *published = path_join(b->dir, "published.json");
    RUN(&r, "round", "replay", "--log", b->log, id, "-f", "json", "-o", published);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "log", "tiles", b->log, site);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "round", "replay", "--tiles", site, "--log-key", pub, id, "--expect", published);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    json_t *rep = load_json(published);
    cr_assert_str_eq(json_string_value(json_object_get(rep, "attested_sha256")),
                     json_string_value(json_object_get(round, "result_sha256")));
    json_decref(rep);
    json_decref(man);
    free(want), free(alloc), free(manifest), free(site), free(pub), free(published);
}

Test(round_record, the_example_run_recorded_replays_to_its_allocation, .timeout = 120)
{
    bench b;
    setup(&b);
    /* config + close + 3 submissions + close + 320 answers + close + result */
    run_and_replay(&b, SOURCE_PATH("examples/deepfund/round.json"), 327);
    /* the same run again is the same round: refused, and nothing written */
    run_result r;
    char *out2 = path_join(b.dir, "out2");
    RUN(&r, "deepfund", "run", "-q", "--log", b.log, "--key", b.key, "-o", out2,
        SOURCE_PATH("examples/deepfund/round.json"));
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "exists already") != NULL, "%s", r.err);
    cr_assert_eq(access(out2, F_OK), -1, "outputs written for a run that was not logged");
    run_result_free(&r);
    free(out2);
    teardown(&b);
}

Test(round_record, the_pond_jury_run_recorded_replays_to_its_allocation, .timeout = 120)
{
    bench b;
    setup(&b);
    char *config = path_join(b.dir, "pond.json"), text[2048];
    snprintf(text, sizeof text,
             "{\"jury\": \"%s\", \"submissions\": {\"arbitron\": \"%s\", \"composite\": \"%s\"},"
             " \"normalize\": true, \"pool\": \"250000\", \"decimals\": 2}",
             SOURCE_PATH("tests/data/pond-l1-juror-pairs.csv"),
             SOURCE_PATH("tests/data/model-arbitron.csv"),
             SOURCE_PATH("tests/data/model-composite_model.csv"));
    write_text(config, text);
    run_and_replay(&b, config, 1 + 2 + 1 + 593 + 1 + 1);
    free(config);
    teardown(&b);
}

Test(round_record, log_needs_key)
{
    run_result r;
    RUN(&r, "deepfund", "run", "--log", "LOG", SOURCE_PATH("examples/deepfund/round.json"));
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "--log and --key go together") != NULL, "%s", r.err);
    run_result_free(&r);
}

/* ---- round/result ---- */

Test(round_record, round_result_is_the_operators_after_the_close_and_true)
{
    test_key op, p;
    test_key_of("attest op", &op);
    test_key_of("attest p", &p);
    char body[512];
    snprintf(body, sizeof body,
             "{\"eligible\":{\"keys\":[\"%s\"]},\"mechanism\":\"pgf\",\"params\":{\"pool\":"
             "\"100\"},\"phases\":[{\"close\":\"operator\",\"name\":\"donations\"}]}",
             p.hex);
    dacc_buf env = test_event(&op, NULL, "round/config", body, 0);
    dacc_round *r;
    dacc_error err;
    cr_assert_eq(dacc_round_new(env.data, env.len, &r, &err), DACC_OK, "%s", err.message);
    dacc_buf_free(&env);
    const uint8_t *id = dacc_round_id(r);
    cr_assert_eq(
        test_apply(r, test_event(&p, id, "pgf/donation", "{\"amount\":\"9\",\"project\":\"x\"}", 0),
                   &err),
        DACC_OK);
    uint8_t h[32];
    char hex[65], good[128], bad[128];
    cr_assert_eq(dacc_round_result_hash(r, h, &err), DACC_OK);
    snprintf(good, sizeof good, "{\"sha256\":\"%s\"}", dacc_hex_encode(h, 32, hex));
    h[0] ^= 1;
    snprintf(bad, sizeof bad, "{\"sha256\":\"%s\"}", dacc_hex_encode(h, 32, hex));

    cr_assert_eq(test_apply(r, test_event(&op, id, "round/result", good, 2), &err), DACC_ERR_STATE);
    cr_assert(strstr(err.message, "before the round closed"), "%s", err.message);
    cr_assert_eq(
        test_apply(r, test_event(&op, id, "round/close", "{\"phase\":\"donations\"}", 2), &err),
        DACC_OK);
    cr_assert_eq(test_apply(r, test_event(&p, id, "round/result", good, 2), &err), DACC_ERR_STATE);
    cr_assert(strstr(err.message, "only the round's operator"), "%s", err.message);
    cr_assert_eq(test_apply(r, test_event(&op, id, "round/result", bad, 3), &err),
                 DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "has SHA-256"), "%s", err.message);
    cr_assert_eq(test_apply(r, test_event(&op, id, "round/result", good, 3), &err), DACC_OK, "%s",
                 err.message);
    cr_assert_eq(test_apply(r, test_event(&op, id, "round/result", good, 4), &err), DACC_ERR_STATE);
    cr_assert(strstr(err.message, "attested already"), "%s", err.message);
    json_t *res;
    cr_assert_eq(dacc_round_result(r, &res, &err), DACC_OK);
    snprintf(good, sizeof good, "%s", json_string_value(json_object_get(res, "attested_sha256")));
    h[0] ^= 1;
    cr_assert_str_eq(good, dacc_hex_encode(h, 32, hex));
    json_decref(res);
    dacc_round_free(r);
}
