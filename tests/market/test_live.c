/* Live markets (issue 12, item 6): `market run --state IN -o OUT` applies a
 * new operations file to a saved state. A market run over 100 files,
 * resumed from its state after each, ends in the byte-identical state of
 * one run over their concatenation; a failing file writes nothing; a state
 * that was edited is refused; `market quote --state` answers from it. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/base.h"
#include "dacc/market.h"
#include "support.h"

#define NFILES 100

typedef struct {
    char *text;
    size_t len, cap;
} sbuf;

static void put(sbuf *b, const char *line)
{
    size_t n = strlen(line);
    if (b->len + n + 1 > b->cap) {
        b->cap = 2 * (b->len + n + 1);
        b->text = realloc(b->text, b->cap);
        cr_assert_not_null(b->text);
    }
    memcpy(b->text + b->len, line, n + 1);
    b->len += n;
}

/* Keeps op (one JSON line) when it succeeds on the scratch ledger, so the
 * stream holds only operations that are valid where they stand. */
static int keep(dacc_market_ledger *scratch, sbuf *ops, const char *op)
{
    if (dacc_market_ops_run(scratch, "gen", op, strlen(op), 6, NULL, NULL, NULL) != DACC_OK)
        return 0;
    put(ops, op);
    return 1;
}

static const char *const markets[] = { "l", "s", "f", "c", "b1", "b2", "b3" };

/* A deterministic stream: every maker, deposits, buys and sells by shares
 * and by sums, time that sometimes advances and sometimes is left to
 * continue, a jury-sampled batch drawn and settled, resolutions of every
 * kind, redemptions. */
static void generate(sbuf *ops)
{
    dacc_market_ledger *scratch = dacc_market_ledger_new();
    dacc_rng r;
    uint8_t seed[32] = { 12 };
    dacc_rng_init(&r, seed);
    char op[512];
    const char *const creates[] = {
        ("{\"op\":\"create\",\"time\":1,\"market\":\"l\",\"kind\":\"lmsr\",\"b\":\"50\","
         "\"outcomes\":3}\n"),
        ("{\"op\":\"create\",\"market\":\"s\",\"kind\":\"lslmsr\",\"alpha\":0.05,\"q0\":\"40;40\"}"
         "\n"),
        ("{\"op\":\"create\",\"market\":\"f\",\"kind\":\"fpmm\",\"balances\":\"30;30;30\","
         "\"fee\":\"0.003\"}\n"),
        ("{\"op\":\"create\",\"market\":\"c\",\"kind\":\"cpmm\",\"yes\":\"50\",\"no\":\"50\","
         "\"p\":0.5}\n"),
        "{\"op\":\"create\",\"market\":\"b1\",\"kind\":\"lmsr\",\"funding\":\"20\"}\n",
        "{\"op\":\"create\",\"market\":\"b2\",\"kind\":\"lmsr\",\"funding\":\"20\"}\n",
        "{\"op\":\"create\",\"market\":\"b3\",\"kind\":\"lmsr\",\"funding\":\"20\"}\n",
        ("{\"op\":\"batch\",\"batch\":\"jury\",\"markets\":\"b1;b2;b3\",\"choose\":1,"
         "\"rule\":\"twap\"}\n"),
    };
    for (size_t i = 0; i < sizeof creates / sizeof creates[0]; i++)
        cr_assert(keep(scratch, ops, creates[i]), "%s", creates[i]);
    for (int a = 0; a < 12; a++) {
        snprintf(op, sizeof op, "{\"op\":\"deposit\",\"account\":\"acct%02d\",\"amount\":\"%d\"}\n",
                 a, 200 + 17 * a);
        cr_assert(keep(scratch, ops, op));
    }
    uint64_t t = 1;
    int need_time = 0;
    for (int k = 0; k < 700; k++) {
        int a = (int)dacc_rng_below(&r, 12), m = (int)dacc_rng_below(&r, 7);
        unsigned n = m == 0 || m == 2 ? 3 : 2, o = (unsigned)dacc_rng_below(&r, n);
        char when[48] = "";
        if (need_time || dacc_rng_below(&r, 3) != 0) {
            t += dacc_rng_below(&r, 50);
            snprintf(when, sizeof when, "\"time\":%" PRIu64 ",", t);
        }
        int buy = dacc_rng_below(&r, 3) != 0, by_sum = dacc_rng_below(&r, 3) == 0;
        unsigned amt = 1 + (unsigned)dacc_rng_below(&r, 9),
                 frac = (unsigned)dacc_rng_below(&r, 1000);
        snprintf(op, sizeof op,
                 "{\"op\":\"%s\",%s\"account\":\"acct%02d\",\"market\":\"%s\",\"outcome\":%u,"
                 "\"%s\":\"%u.%03u\"}\n",
                 buy ? "buy" : "sell", when, a, markets[m], o,
                 by_sum ? (buy ? "spend" : "receive") : "shares", amt, frac);
        /* a refused op with a time moved the scratch clock: the next states its own */
        need_time = !keep(scratch, ops, op) && when[0] != '\0';
    }
    const char *const ends[] = {
        "{\"op\":\"draw\",\"batch\":\"jury\",\"seed\":\"a published checkpoint\"}\n",
        "{\"op\":\"resolve\",\"market\":\"b1\",\"outcome\":0}\n",
        "{\"op\":\"resolve\",\"market\":\"b2\",\"outcome\":1}\n",
        "{\"op\":\"resolve\",\"market\":\"b3\",\"outcome\":0}\n",
        "{\"op\":\"settle\",\"batch\":\"jury\",\"time\":999999}\n",
        "{\"op\":\"resolve\",\"market\":\"l\",\"payouts\":\"1;2;0\"}\n",
        "{\"op\":\"resolve\",\"market\":\"s\",\"invalid\":true}\n",
        "{\"op\":\"resolve\",\"market\":\"f\",\"outcome\":2}\n",
        "{\"op\":\"resolve\",\"market\":\"c\",\"value\":0.3,\"lo\":0,\"hi\":1}\n",
    };
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        keep(scratch, ops, ends[i]); /* the batch's own resolutions may be refused: settled */
    for (int a = 0; a < 12; a++)
        for (int m = 0; m < 7; m += 2) {
            snprintf(op, sizeof op,
                     "{\"op\":\"redeem\",\"account\":\"acct%02d\",\"market\":\"%s\"}\n", a,
                     markets[m]);
            keep(scratch, ops, op);
        }
    dacc_market_ledger_free(scratch);
}

static void run_ok(const char *const *args)
{
    run_result r;
    run_dacc(&r, NULL, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
}

Test(live, resumed_after_each_of_100_files_equals_one_run, .timeout = 300)
{
    sbuf ops = { 0 };
    generate(&ops);
    char *dir = make_temp_dir(), *all = path_join(dir, "all.jsonl"),
         *whole = path_join(dir, "whole.json");
    write_text(all, ops.text);
    const char *one[] = { "market", "run", "-q", "-o", whole, all, NULL };
    run_ok(one);
    /* 100 files of uneven sizes, cut at line ends */
    size_t lines = 0;
    for (size_t i = 0; i < ops.len; i++)
        lines += ops.text[i] == '\n';
    cr_assert_gt(lines, 3 * NFILES, "only %zu operations", lines);
    const char *p = ops.text;
    char prev[4096] = "";
    for (int f = 0; f < NFILES; f++) {
        size_t take = f == NFILES - 1 ? lines : 1 + (size_t)(f * 7) % 5;
        const char *q = p;
        for (size_t k = 0; k < take && *q; k++)
            q = strchr(q, '\n') + 1;
        lines -= take;
        char name[64], state[64];
        snprintf(name, sizeof name, "part%03d.jsonl", f);
        snprintf(state, sizeof state, "state%03d.json", f);
        char *part = path_join(dir, name), *out = path_join(dir, state);
        char *chunk = strndup(p, (size_t)(q - p));
        write_text(part, chunk);
        if (f == 0) {
            const char *args[] = { "market", "run", "-q", "-o", out, part, NULL };
            run_ok(args);
        } else {
            const char *args[] = { "market", "run", "-q", "--state", prev, "-o", out, part, NULL };
            run_ok(args);
        }
        snprintf(prev, sizeof prev, "%s", out);
        free(chunk);
        free(part);
        free(out);
        p = q;
    }
    size_t la, lb;
    char *a = read_text(whole, &la), *b = read_text(prev, &lb);
    cr_assert(la == lb && memcmp(a, b, la) == 0, "the resumed state differs from one run");
    /* the stream reached every kind of step */
    cr_assert(strstr(a, "\"payouts\"") != NULL && strstr(a, "\"prices\"") == NULL);
    free(a);
    free(b);
    remove_tree(dir);
    free(dir);
    free(all);
    free(whole);
    free(ops.text);
}

static const char start[] =
    "{\"op\":\"create\",\"time\":5,\"market\":\"m\",\"kind\":\"lmsr\",\"b\":\"100\"}\n"
    "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"100\"}\n"
    "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"shares\":\"10\"}\n";

/* A file whose third operation fails writes no state, and the state it
 * started from still takes the corrected file. */
Test(live, a_failing_file_writes_nothing)
{
    char *dir = make_temp_dir(), *f0 = path_join(dir, "0.jsonl"), *f1 = path_join(dir, "1.jsonl"),
         *s0 = path_join(dir, "s0.json"), *s1 = path_join(dir, "s1.json");
    write_text(f0, start);
    const char *a0[] = { "market", "run", "-q", "-o", s0, f0, NULL };
    run_ok(a0);
    size_t before_len;
    char *before = read_text(s0, &before_len);
    write_text(
        f1, "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":1,\"shares\":\"1\"}\n"
            "{\"op\":\"deposit\",\"account\":\"b\",\"amount\":\"1\"}\n"
            "{\"op\":\"sell\",\"account\":\"b\",\"market\":\"m\",\"outcome\":0,"
            "\"shares\":\"1\"}\n");
    run_result r;
    const char *a1[] = { "market", "run", "-q", "--state", s0, "-o", s1, f1, NULL };
    run_dacc(&r, NULL, a1);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "1.jsonl:3") != NULL, "%s", r.err);
    run_result_free(&r);
    cr_assert_null(read_text(s1, NULL), "a failed file wrote a state");
    size_t after_len;
    char *after = read_text(s0, &after_len);
    cr_assert(after_len == before_len && memcmp(before, after, after_len) == 0);
    write_text(
        f1, "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":1,\"shares\":\"1\"}\n");
    run_ok(a1);
    char *text = read_text(s1, NULL);
    cr_assert(strstr(text, "\"clock\": \"5\"") != NULL, "the clock did not carry on: %s", text);
    free(text);
    free(before);
    free(after);
    remove_tree(dir);
    free(dir);
    free(f0);
    free(f1);
    free(s0);
    free(s1);
}

/* An edited state (a balance raised by hand) is refused with the field. */
Test(live, an_edited_state_is_refused)
{
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    cr_assert_eq(dacc_market_ops_run(l, "ops", start, strlen(start), 6, NULL, NULL, &err), DACC_OK,
                 "%s", err.message);
    char *text;
    size_t len;
    cr_assert_eq(dacc_market_ledger_save(l, 6, &text, &len, &err), DACC_OK);
    dacc_market_ledger *back;
    unsigned d;
    cr_assert_eq(dacc_market_ledger_load("state.json", text, len, &back, &d, &err), DACC_OK, "%s",
                 err.message);
    char *again;
    size_t again_len;
    cr_assert_eq(dacc_market_ledger_save(back, d, &again, &again_len, &err), DACC_OK);
    cr_assert(again_len == len && memcmp(text, again, len) == 0, "save, load, save differs");
    dacc_market_ledger_free(back);
    /* the account's exact balance, in base units, is "[\"a\", \"..."]" */
    char *at = strstr(text, "\"a\",\n");
    cr_assert_not_null(at);
    char *digit = strchr(at + 4, '"') + 1;
    *digit = *digit == '9' ? '8' : (char)(*digit + 1);
    cr_assert_neq(dacc_market_ledger_load("state.json", text, len, &back, &d, &err), DACC_OK);
    cr_assert(strstr(err.message, "conserved") != NULL, "%s", err.message);
    cr_assert_eq(dacc_market_ledger_load("state.json", "{\"decimals\":6}", 14, &back, &d, &err),
                 DACC_ERR_PARSE);
    cr_assert(strstr(err.message, "ledger") != NULL, "%s", err.message);
    free(text);
    free(again);
    dacc_market_ledger_free(l);
}

/* quote --state answers as the live market stands; once resolved it shows
 * the payout per share and refuses to quote a trade. */
Test(live, quote_from_a_state)
{
    char *dir = make_temp_dir(), *f0 = path_join(dir, "0.jsonl"), *s0 = path_join(dir, "s0.json"),
         *f1 = path_join(dir, "1.jsonl"), *s1 = path_join(dir, "s1.json");
    write_text(f0, start);
    const char *a0[] = { "market", "run", "-q", "-o", s0, f0, NULL };
    run_ok(a0);
    run_result q, b;
    const char *qa[] = { "market", "quote", "--state", s0, "--market", "m", "buy", "0", "5", NULL };
    run_dacc(&q, NULL, qa);
    cr_assert_eq(q.status, 0, "%s", q.err);
    /* the same market built from options: 10 shares of 0 sold */
    const char *ba[] = { "market", "quote", "--kind", "lmsr", "--b", "100",
                         "--sold", "10;0",  "buy",    "0",    "5",   NULL };
    run_dacc(&b, NULL, ba);
    cr_assert_str_eq(q.out, b.out);
    run_result_free(&q);
    run_result_free(&b);
    write_text(f1, "{\"op\":\"resolve\",\"market\":\"m\",\"payouts\":\"3;1\"}\n");
    const char *a1[] = { "market", "run", "-q", "--state", s0, "-o", s1, f1, NULL };
    run_ok(a1);
    const char *sa[] = { "market", "quote", "--state", s1, "--market", "m", NULL };
    run_dacc(&q, NULL, sa);
    cr_assert_eq(q.status, 0, "%s", q.err);
    cr_assert_str_eq(q.out, "market m is resolved: payout per share 0.750000;0.250000\n");
    run_result_free(&q);
    const char *ta[] = { "market", "quote", "--state", s1, "--market", "m", "buy", "0", "1", NULL };
    run_dacc(&q, NULL, ta);
    cr_assert_eq(q.status, 1);
    cr_assert(strstr(q.err, "trading is closed") != NULL, "%s", q.err);
    run_result_free(&q);
    char *text = read_text(s1, NULL);
    cr_assert(
        strstr(text, "\"payouts\": [\n        \"0.750000\",\n        \"0.250000\"\n      ]") !=
            NULL,
        "%s", text);
    free(text);
    remove_tree(dir);
    free(dir);
    free(f0);
    free(s0);
    free(f1);
    free(s1);
}
