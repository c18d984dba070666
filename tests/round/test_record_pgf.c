/* `dacc fund qf|cocm --log` and dacc_round_record_pgf: a batch funding run
 * recorded as a pgf round. On the 1,931 real donations of Gitcoin GR03 the
 * recorded round pays what `dacc fund` pays on the same donations (each
 * donor named by its key in the round, as the round holds them), to the
 * base unit, and the command's own table is the round's; the donors' keys
 * are the documented derivation; the record replays; and a record that
 * cannot be made (a bad key, an event larger than a log entry, a donation
 * the round refuses, options a round cannot hold) logs nothing. */
#include <stdio.h>
#include <stdlib.h>

#include "dacc/csv.h"
#include "dacc/tlog.h"
#include "fixture.h"
#include "support.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define GR03        SOURCE_PATH("tests/data/gitcoin-gr03-contributions.csv")

/* ---- the library ---- */

static const dacc_round_pgf_spec small_spec = { .method = "qf", .pool = 100000, .decimals = 2 };

/* The derivation docs/pgf.md and round.h give, computed here again. */
Test(round_record_pgf, a_donors_key_is_the_documented_derivation)
{
    test_key op;
    test_key_of("operator", &op);
    uint8_t seed[32], pk[32], sk[64], got[32];
    crypto_generichash_state h;
    crypto_generichash_init(&h, op.sk, 32, sizeof seed);
    crypto_generichash_update(&h, (const uint8_t *)"dacc fund run key\ndonor\0", 24);
    crypto_generichash_update(&h, (const uint8_t *)"0xabc", 5);
    crypto_generichash_final(&h, seed, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
    dacc_round_record_pgf_donor(op.sk, "0xabc", got);
    cr_assert_arr_eq(got, pk, 32);
    /* another name, another operator: another key */
    dacc_round_record_pgf_donor(op.sk, "0xabd", got);
    cr_assert(memcmp(got, pk, 32) != 0);
    test_key other;
    test_key_of("another operator", &other);
    dacc_round_record_pgf_donor(other.sk, "0xabc", got);
    cr_assert(memcmp(got, pk, 32) != 0);
}

/* The record's events, applied in order to a round made from its config,
 * are all accepted and give the live round's state; the last one attests
 * the result. */
static void replay_record(const dacc_round_record *rec)
{
    dacc_round *r;
    dacc_error err;
    cr_assert_eq(dacc_round_new(rec->env[0].data, rec->env[0].len, &r, &err), DACC_OK, "%s",
                 err.message);
    for (size_t i = 1; i < rec->n; i++)
        cr_assert_eq(dacc_round_apply(r, rec->env[i].data, rec->env[i].len, &err), DACC_OK,
                     "event %zu: %s", i, err.message);
    uint8_t a[32], b[32];
    dacc_round_state_hash(r, a);
    dacc_round_state_hash(rec->round, b);
    cr_assert_arr_eq(a, b, 32);
    cr_assert_str_eq(dacc_round_phase(r), "closed");
    json_t *res;
    cr_assert_eq(dacc_round_result(r, &res, &err), DACC_OK);
    uint8_t h[32];
    char hex[65];
    cr_assert_eq(dacc_round_result_hash(r, h, &err), DACC_OK);
    cr_assert_str_eq(json_string_value(json_object_get(res, "attested_sha256")),
                     dacc_hex_encode(h, 32, hex));
    json_decref(res);
    dacc_round_free(r);
}

Test(round_record_pgf, more_donors_than_a_config_lists_are_admitted_and_every_donation_counts)
{
    enum { N = 1201 };
    static char names[N][16];
    static dacc_round_donation d[N + 1];
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "donor%zu", i);
        d[i] = (dacc_round_donation){ names[i], i % 2 ? "p1" : "p2", 100 + i };
    }
    d[N] = (dacc_round_donation){ names[0], "p1", 7 }; /* a donor's second donation */
    test_key op;
    test_key_of("operator", &op);
    dacc_round_record rec;
    dacc_error err;
    cr_assert_eq(dacc_round_record_pgf(d, N + 1, &small_spec, "many", op.sk, &rec, &err), DACC_OK,
                 "%s", err.message);
    /* config (500 keys), two round/admit (500, 201), the donations, close, result */
    cr_assert_eq(rec.n, 3 + N + 1 + 2);
    cr_assert_eq(dacc_round_count(rec.round), rec.n);
    json_t *st;
    cr_assert_eq(dacc_round_state(rec.round, &st, &err), DACC_OK);
    const json_t *mech = json_object_get(st, "state");
    cr_assert_eq(json_integer_value(json_object_get(mech, "donations")), N + 1);
    char want[64];
    snprintf(want, sizeof want, "%llu", (unsigned long long)(100ull * N + N * (N - 1) / 2 + 7));
    cr_assert_str_eq(json_string_value(json_object_get(mech, "donated")), want);
    json_decref(st);
    /* the donor's second donation is signed by the same key, as its seq 2 */
    uint8_t pk[32];
    dacc_round_record_pgf_donor(op.sk, names[0], pk);
    cr_assert_eq(dacc_round_seq(rec.round, pk), 2);
    replay_record(&rec);
    dacc_round_record_free(&rec);
}

static dacc_status record_one(const dacc_round_donation *d, size_t n,
                              const dacc_round_pgf_spec *spec, const char *title,
                              const uint8_t sk[64], dacc_error *err)
{
    dacc_round_record rec;
    dacc_status st = dacc_round_record_pgf(d, n, spec, title, sk, &rec, err);
    if (st != DACC_OK) /* a failed record is empty */
        cr_assert(rec.n == 0 && rec.env == NULL && rec.round == NULL);
    dacc_round_record_free(&rec);
    return st;
}

Test(round_record_pgf, a_record_that_cannot_be_made_is_refused_whole)
{
    test_key op;
    test_key_of("operator", &op);
    const dacc_round_donation two[] = { { "a", "p1", 500 }, { "b", "p1", 300 } };
    dacc_error err;
    cr_assert_eq(record_one(two, 2, &small_spec, "ok", op.sk, &err), DACC_OK, "%s", err.message);

    /* an operator key whose public half is not its seed's */
    uint8_t bad[64];
    memcpy(bad, op.sk, 64);
    bad[40] ^= 1;
    cr_assert_eq(record_one(two, 2, &small_spec, "bad key", bad, &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "the round's config") != NULL, "%s", err.message);

    /* an event larger than a log entry: a config with a 70,000-byte title */
    char *title = malloc(70001);
    memset(title, 't', 70000);
    title[70000] = '\0';
    cr_assert_eq(record_one(two, 2, &small_spec, title, op.sk, &err), DACC_ERR_LIMIT);
    cr_assert(strstr(err.message, "the round's config: its event takes") != NULL, "%s",
              err.message);
    cr_assert(strstr(err.message, "more than a log entry holds (65535)") != NULL, "%s",
              err.message);
    free(title);

    /* donations the round refuses, named by their number */
    char longname[300];
    memset(longname, 'p', 299);
    longname[299] = '\0';
    const dacc_round_donation too_long[] = { { "a", "p1", 5 }, { "b", longname, 5 } };
    cr_assert_eq(record_one(too_long, 2, &small_spec, "x", op.sk, &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "donation 2: pgf/donation by") != NULL, "%s", err.message);
    const dacc_round_donation zero[] = { { "a", "p1", 0 } };
    cr_assert_eq(record_one(zero, 1, &small_spec, "x", op.sk, &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "donation 1") != NULL, "%s", err.message);
    const dacc_round_donation huge[] = { { "a", "p1", (dacc_u128)UINT64_MAX + 1 } };
    cr_assert_eq(record_one(huge, 1, &small_spec, "x", op.sk, &err), DACC_ERR_INVALID);
    const dacc_round_donation not_utf8[] = { { "a", "p\xff", 5 } };
    cr_assert_eq(record_one(not_utf8, 1, &small_spec, "x", op.sk, &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "not UTF-8") != NULL, "%s", err.message);

    /* what a round cannot be */
    cr_assert_eq(record_one(two, 0, &small_spec, "x", op.sk, &err), DACC_ERR_INVALID);
    dacc_round_pgf_spec spec = small_spec;
    spec.method = "linear";
    cr_assert_eq(record_one(two, 2, &spec, "x", op.sk, &err), DACC_ERR_INVALID);
    spec = small_spec;
    spec.decimals = 19;
    cr_assert_eq(record_one(two, 2, &spec, "x", op.sk, &err), DACC_ERR_INVALID);
}

/* ---- the command: GR03 ---- */

typedef struct {
    char *dir, *log, *key;
} bench;

static void setup(bench *b)
{
    b->dir = make_temp_dir();
    b->log = path_join(b->dir, "LOG");
    b->key = path_join(b->dir, "op.key");
    char *name = path_join(b->dir, "op");
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
    free(b->dir), free(b->log), free(b->key);
}

static json_t *parse_json(const char *text)
{
    json_t *doc = NULL;
    cr_assert_eq(dacc_json_load_buffer("json", text, strlen(text), &doc, NULL), DACC_OK, "%s",
                 text);
    return doc;
}

static json_t *load_json(const char *path)
{
    size_t len;
    char *text = read_text(path, &len);
    cr_assert_not_null(text, "%s", path);
    json_t *doc = parse_json(text);
    free(text);
    return doc;
}

/* GR03 with each address replaced by the key the round gives it, for the
 * batch command to read as the round holds the donations. */
static void keyed_gr03(const bench *b, const char *path)
{
    size_t len;
    char *keytext = read_text(b->key, &len);
    while (len > 0 && keytext[len - 1] == '\n')
        len--;
    dacc_tlog_signer op;
    dacc_error err;
    cr_assert_eq(dacc_tlog_signer_parse(keytext, len, &op, &err), DACC_OK, "%s", err.message);
    char *text = read_text(GR03, &len);
    dacc_csv *csv;
    cr_assert_eq(dacc_csv_open_memory("gr03", text, len, NULL, &csv, &err), DACC_OK);
    size_t ca, cg, cm;
    cr_assert_eq(dacc_csv_require(csv, "address", &ca, &err), DACC_OK);
    cr_assert_eq(dacc_csv_require(csv, "grant_id", &cg, &err), DACC_OK);
    cr_assert_eq(dacc_csv_require(csv, "amount_in_usdt", &cm, &err), DACC_OK);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fprintf(fp, "address,grant_id,amount_in_usdt\n");
    size_t rows = 0;
    while (dacc_csv_next(csv, &err) == DACC_OK) {
        uint8_t pk[32];
        char hex[65];
        dacc_round_record_pgf_donor(op.sk, dacc_csv_field(csv, ca, NULL), pk);
        fprintf(fp, "%s,%s,%s\n", dacc_hex_encode(pk, 32, hex), dacc_csv_field(csv, cg, NULL),
                dacc_csv_field(csv, cm, NULL));
        rows++;
    }
    cr_assert_eq(rows, 1931);
    fclose(fp);
    dacc_csv_free(csv);
    free(text);
    free(keytext);
    sodium_memzero(&op, sizeof op);
}

/* The payouts of a `dacc fund -f json` table, in base units at decimals. */
static void table_payouts(const json_t *doc, unsigned decimals, char (*names)[16],
                          char (*units)[64], size_t *n)
{
    const json_t *list = json_object_get(doc, "projects");
    *n = json_array_size(list);
    for (size_t p = 0; p < *n; p++) {
        const json_t *row = json_array_get(list, p);
        const char *pay = json_string_value(json_object_get(row, "payout"));
        cr_assert_not_null(pay);
        dacc_u128 u;
        cr_assert_eq(dacc_money_parse(pay, strlen(pay), decimals, &u, NULL), DACC_OK, "%s", pay);
        dacc_money_format(u, 0, 0, units[p]);
        snprintf(names[p], 16, "%s", json_string_value(json_object_get(row, "project")));
    }
}

static void gr03_recorded(const char *method)
{
    bench b;
    setup(&b);
    char *table = path_join(b.dir, "table.json"), *keyed = path_join(b.dir, "keyed.csv");
    run_result r;
    /* the file's amounts have up to 15 decimals: the round counts them at 15 */
    RUN(&r, "fund", method, "--pool", "100000", "-d", "15", "--log", b.log, "--key", b.key, "-f",
        "json", "-o", table, GR03);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "recorded as round") != NULL, "%s", r.err);
    run_result_free(&r);
    json_t *mine = load_json(table);
    const char *id = json_string_value(json_object_get(json_object_get(mine, "round"), "id"));
    cr_assert_not_null(id);
    /* config, 1,931 donations, close, result */
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(mine, "round"), "events")),
                 1934);

    RUN(&r, "round", "replay", "--log", b.log, id);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "round", "result", "--log", b.log, id, "-f", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *round = parse_json(r.out);
    run_result_free(&r);
    cr_assert_str_eq(json_string_value(json_object_get(round, "mechanism")), "pgf");
    cr_assert(json_is_true(json_object_get(round, "final")));
    cr_assert_str_eq(
        json_string_value(json_object_get(round, "attested_sha256")),
        json_string_value(json_object_get(json_object_get(mine, "round"), "result_sha256")));
    const json_t *rows = json_object_get(json_object_get(round, "result"), "table");

    /* the batch command on the same donations, each donor named by its key */
    keyed_gr03(&b, keyed);
    RUN(&r, "fund", method, "--pool", "100000", "-d", "15", "-f", "json", keyed);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *batch = parse_json(r.out);
    run_result_free(&r);

    static char names[3][128][16], units[3][128][64];
    size_t n[3];
    table_payouts(batch, 15, names[0], units[0], &n[0]);
    table_payouts(mine, 15, names[1], units[1], &n[1]);
    cr_assert_eq(n[0], 75);
    cr_assert_eq(n[1], 75);
    cr_assert_eq(json_array_size(rows), 75);
    dacc_u128 sum = 0;
    for (size_t p = 0; p < 75; p++) {
        const json_t *row = json_array_get(rows, p);
        const char *got = json_string_value(json_object_get(row, "payout"));
        cr_assert_str_eq(json_string_value(json_object_get(row, "project")), names[0][p]);
        cr_assert_str_eq(got, units[0][p], "%s: grant %s", method, names[0][p]);
        cr_assert_str_eq(names[1][p], names[0][p]);
        cr_assert_str_eq(units[1][p], units[0][p], "%s: grant %s", method, names[0][p]);
        dacc_u128 u;
        cr_assert_eq(dacc_money_parse(got, strlen(got), 0, &u, NULL), DACC_OK);
        sum += u;
    }
    /* the whole pool, 100,000 at 15 decimals, paid out exactly */
    const char *left =
        json_string_value(json_object_get(json_object_get(round, "result"), "undistributed"));
    dacc_u128 l;
    cr_assert_eq(dacc_money_parse(left, strlen(left), 0, &l, NULL), DACC_OK);
    cr_assert(sum + l == (dacc_u128)100000 * 1000000000000000ull);
    cr_assert(sum > 0);

    /* the same run again is the same round, refused, and nothing is added */
    RUN(&r, "fund", method, "--pool", "100000", "-d", "15", "--log", b.log, "--key", b.key, GR03);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "nothing logged") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "round", "show", "--log", b.log);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "1934 events") != NULL, "%s", r.out);
    cr_assert_eq(strchr(r.out, '\n') - r.out + 1, (long)strlen(r.out), "one round: %s", r.out);
    run_result_free(&r);

    json_decref(batch);
    json_decref(round);
    json_decref(mine);
    free(table), free(keyed);
    teardown(&b);
}

Test(round_record_pgf, gr03_recorded_by_fund_qf_pays_what_fund_qf_pays, .timeout = 120)
{
    gr03_recorded("qf");
}

Test(round_record_pgf, gr03_recorded_by_fund_cocm_pays_what_fund_cocm_pays, .timeout = 120)
{
    gr03_recorded("cocm");
}

/* The log is empty: nothing was recorded. */
static void assert_nothing_logged(const bench *b)
{
    run_result r;
    RUN(&r, "round", "show", "--log", b->log);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "");
    run_result_free(&r);
}

Test(round_record_pgf, fund_log_refuses_what_a_round_cannot_hold_and_logs_nothing, .timeout = 120)
{
    bench b;
    setup(&b);
    char *donations = path_join(b.dir, "d.csv"), *notakey = path_join(b.dir, "not.key");
    write_text(donations, "donor,project,amount\nalice,p1,5.25\nbob,p1,3\ncarol,p2,9.5\n");
    write_text(notakey, "not a key\n");
    run_result r;
    struct {
        int status;
        const char *why;
        const char *const args[16];
    } cases[] = {
        { 2, "go together", { "fund", "qf", "--pool", "100", "--log", b.log, donations } },
        { 2, "needs --pool", { "fund", "qf", "--log", b.log, "--key", b.key, donations } },
        { 2,
          "no --saturation",
          { "fund", "qf", "--pool", "100", "--saturation", "--log", b.log, "--key", b.key,
            donations } },
        { 2,
          "--style",
          { "fund", "cocm", "--pool", "100", "--style", "og", "--log", b.log, "--key", b.key,
            donations } },
        { 2,
          "--target",
          { "fund", "pairwise", "--pool", "100", "--target", "5", "--log", b.log, "--key", b.key,
            donations } },
        { 2,
          "--log is an option of 'qf', 'pairwise' and 'cocm', not of 'compare'",
          { "fund", "compare", "--pool", "100", "--log", b.log, "--key", b.key, donations } },
        { 2,
          "--log is an option of 'qf', 'pairwise' and 'cocm', not of 'linear'",
          { "fund", "linear", "--pool", "100", "--log", b.log, "--key", b.key, donations } },
        { 2,
          "at most 18 decimals",
          { "fund", "qf", "--pool", "100", "-d", "19", "--log", b.log, "--key", b.key,
            donations } },
        { 2,
          "not standard input",
          { "fund", "qf", "--pool", "100", "--log", b.log, "--key", b.key, "-" } },
        /* a file that is not a key */
        { 1,
          "not.key",
          { "fund", "qf", "--pool", "100", "--log", b.log, "--key", notakey, donations } },
        /* 5.25 is not an amount at 1 decimal: named by its line and column */
        { 1,
          "d.csv:2: column \"amount\"",
          { "fund", "qf", "--pool", "100", "-d", "1", "--log", b.log, "--key", b.key, donations } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_dacc(&r, NULL, cases[i].args);
        cr_assert_eq(r.status, cases[i].status, "case %zu: %s", i, r.err);
        cr_assert(strstr(r.err, cases[i].why) != NULL, "case %zu: %s", i, r.err);
        run_result_free(&r);
        assert_nothing_logged(&b);
    }
    /* and the same file at 2 decimals records, pairwise included */
    RUN(&r, "fund", "pairwise", "--pool", "100", "--log", b.log, "--key", b.key, donations);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "(entries 0 to 5)") != NULL, "%s", r.err);
    run_result_free(&r);
    /* a donation the round rules drop is not recorded: bob's 3 */
    RUN(&r, "fund", "qf", "--pool", "100", "--min-donation", "4", "--log", b.log, "--key", b.key,
        donations);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "(entries 6 to 10)") != NULL, "%s", r.err);
    run_result_free(&r);
    free(donations), free(notakey);
    teardown(&b);
}
