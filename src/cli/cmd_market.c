/* dacc market: replay an operations file against a ledger of markets, or
 * answer one quote from the command line. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dacc/csv.h"
#include "spec.h"
#include "dacc/file.h"
#include "dacc/fmt.h"
#include "dacc/json.h"
#include "dacc/market.h"
#include "dacc/progress.h"

/* One result line of market run, as text, a JSON array element or a CSV
 * row; *count says how many came before. Each line is one operation done,
 * which the progress line counts. */
typedef struct {
    cli_format f;
    size_t count;
    int quiet;
    dacc_progress *pr;
    uint64_t total; /* operations in the file, about: its lines */
} line_sink;

static void print_line(void *ctx, const char *line)
{
    line_sink *k = ctx;
    dacc_progress_update(k->pr, k->count + 1 < k->total ? k->count + 1 : k->total);
    if (k->quiet) {
        k->count++;
        return;
    }
    if (k->f == CLI_FORMAT_JSON) {
        json_t *s = json_string(line);
        char *text = s ? dacc_json_dumps(s, JSON_ENCODE_ANY) : NULL;
        printf("%s\n  %s", k->count ? "," : "[", text ? text : "null");
        free(text);
        json_decref(s);
    } else if (k->f == CLI_FORMAT_CSV) {
        if (k->count == 0)
            puts("result");
        dacc_csv_write_row(stdout, ',', &line, 1);
    } else {
        puts(line);
    }
    k->count++;
}

/* The ledger to run on: a new one, or the one a state file holds (whose
 * decimals win; a different -d is a mistake worth refusing). */
static dacc_status start_ledger(const char *state, int seen_d, uint64_t *decimals,
                                dacc_market_ledger **l, dacc_error *err)
{
    if (state == NULL) {
        *l = dacc_market_ledger_new();
        return *l ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    char *data;
    size_t len;
    unsigned d;
    dacc_status st = dacc_file_read(state, (size_t)1 << 34, &data, &len, err);
    if (st != DACC_OK)
        return st;
    st = dacc_market_ledger_load(state, data, len, l, &d, err);
    free(data);
    if (st == DACC_OK && seen_d && d != *decimals) {
        dacc_market_ledger_free(*l);
        *l = NULL;
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "%s: its amounts are at %u decimals, --decimals says %u", state, d,
                              (unsigned)*decimals);
    }
    *decimals = d;
    return st;
}

/* The operations a file holds, for the progress line: its non-blank
 * lines, less a CSV header (a quoted newline makes it an estimate). */
static uint64_t count_ops(const char *data, size_t len)
{
    uint64_t n = 0;
    int blank = 1, jsonl = -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if (jsonl < 0 && c > ' ')
            jsonl = c == '{';
        if (c == '\n') {
            n += !blank;
            blank = 1;
        } else if (c > ' ') {
            blank = 0;
        }
    }
    n += !blank;
    return jsonl == 0 && n > 0 ? n - 1 : n;
}

/* A line drawn on the terminal the results stream to would be overdrawn
 * by them: progress only when they go elsewhere (or nowhere). */
static dacc_progress *ops_progress(int quiet, uint64_t total)
{
    dacc_progress *pr = quiet || !isatty(STDOUT_FILENO) ? dacc_progress_new(stderr) : NULL;
    dacc_progress_stage(pr, "replaying operations (operations)", total);
    return pr;
}

static dacc_status save_state(const dacc_market_ledger *l, unsigned decimals, const char *out,
                              dacc_error *err)
{
    char *text;
    size_t len;
    dacc_status st = dacc_market_ledger_save(l, decimals, &text, &len, err);
    if (st == DACC_OK) {
        st = dacc_file_write(out, text, len, err);
        free(text);
    }
    return st;
}

static int cmd_run(int argc, char **argv)
{
    static const char prog[] = "dacc market run";
    uint64_t decimals = 6;
    const char *out = NULL, *state = NULL;
    int ch, rc = CLI_OK, quiet = 0, seen_d = 0;
    line_sink sink = { CLI_FORMAT_TEXT, 0, 0, NULL, 0 };
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_market, "run", argc, argv);
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
        if (ch == 'F')
            rc = cli_opt_format(prog, optarg, CLI_ALLOW_TEXT | CLI_ALLOW_JSON | CLI_ALLOW_CSV,
                                &sink.f);
        else if (ch == 'd')
            rc = cli_opt_u64(prog, "--decimals", optarg, 0, 30, &decimals), seen_d = 1;
        else if (ch == 'o')
            out = optarg;
        else if (ch == 's')
            state = optarg;
        else if (ch == 'q')
            quiet = 1;
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    if (rc != CLI_OK)
        return rc;
    if (argc - optind != 1)
        return cli_usage(prog, "expected one operations FILE");
    const char *outs[] = { out };
    if ((rc = cli_outputs_distinct(prog, argc, argv, outs, 1, NULL, 0)) != CLI_OK)
        return rc;
    char *data;
    size_t len;
    dacc_error err;
    dacc_market_ledger *l = NULL;
    dacc_status st = start_ledger(state, seen_d, &decimals, &l, &err);
    if (st == DACC_OK &&
        (st = dacc_file_read(argv[optind], (size_t)1 << 32, &data, &len, &err)) == DACC_OK) {
        sink.quiet = quiet;
        sink.total = count_ops(data, len);
        sink.pr = ops_progress(quiet, sink.total);
        /* quiet without a progress line: no lines made at all (the fast path) */
        st = dacc_market_ops_run(l, argv[optind], data, len, (unsigned)decimals, &sink,
                                 quiet && sink.pr == NULL ? NULL : print_line, &err);
        dacc_progress_free(sink.pr);
        free(data);
    }
    if (!quiet && sink.f == CLI_FORMAT_JSON)
        puts(sink.count ? "\n]" : "[]");
    if (st == DACC_OK && out != NULL)
        st = save_state(l, (unsigned)decimals, out, &err);
    dacc_market_ledger_free(l);
    if (st == DACC_OK) {
        cli_wrote(prog, quiet, "state", out);
        return CLI_OK;
    }
    int fail = cli_fail(prog, &err);
    if (out != NULL && l != NULL) /* the lines printed before the failure took no effect */
        fprintf(stderr, "%s: nothing written: no operation of %s is applied%s%s\n", prog,
                argv[optind], state ? "; the state stays " : "", state ? state : "");
    return fail;
}

typedef struct {
    const char *names[16], *values[16];
    size_t n;
    const char *state, *market; /* --state FILE --market ID */
    cli_format f;
} quote_fields;

/* One answer of quote as a JSON object or a CSV header and row; the
 * fields alternate names and values (money as decimal strings). */
static void print_answer(cli_format f, const char *const *kv, size_t n)
{
    if (f == CLI_FORMAT_JSON) {
        json_t *doc = json_object();
        for (size_t i = 0; i + 1 < n; i += 2)
            json_object_set_new(doc, kv[i], json_string(kv[i + 1]));
        dacc_json_write_stream(stdout, doc, DACC_JSON_PRETTY, NULL);
        json_decref(doc);
        return;
    }
    const char *head[8], *row[8];
    for (size_t i = 0; i + 1 < n && i / 2 < 8; i += 2)
        head[i / 2] = kv[i], row[i / 2] = kv[i + 1];
    dacc_csv_write_row(stdout, ',', head, n / 2);
    dacc_csv_write_row(stdout, ',', row, n / 2);
}

/* The market options, as the fields of a create op (--q by the kind). */
/* Returns CLI_OK with *help set once the help is printed. */
static int quote_options(const char *prog, int argc, char **argv, quote_fields *q,
                         uint64_t *decimals, int *help)
{
    const char *qlist = NULL;
    int ch, rc = CLI_OK, seen_d = 0;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_market, "quote", argc, argv);
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
        const char *name = NULL;
        for (size_t i = 0; p.longs[i].name != NULL && name == NULL; i++)
            if (p.longs[i].val == ch)
                name = p.longs[i].name;
        if ((ch == 'd' && seen_d++) || (ch == 'Q' && qlist != NULL))
            return cli_usage(prog, "--%s is given twice", name);
        if ((ch == 's' && q->state != NULL) || (ch == 'm' && q->market != NULL))
            return cli_usage(prog, "--%s is given twice", name);
        if (ch == 'd')
            rc = cli_opt_u64(prog, "--decimals", optarg, 0, 30, decimals);
        else if (ch == 's')
            q->state = optarg;
        else if (ch == 'm')
            q->market = optarg;
        else if (ch == 'Q')
            qlist = optarg;
        else if (ch == 'T')
            rc = cli_opt_format(prog, optarg, CLI_ALLOW_TEXT | CLI_ALLOW_JSON | CLI_ALLOW_CSV,
                                &q->f);
        else if (name == NULL || q->n == 15)
            return cli_usage(prog, "too many market options");
        else
            q->names[q->n] = name, q->values[q->n++] = optarg;
    }
    if (ch < 0) {
        *help = ch == CLI_NEXT_HELP;
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    }
    if (rc != CLI_OK || qlist == NULL)
        return rc;
    const char *kind = NULL;
    for (size_t i = 0; i < q->n; i++)
        kind = strcmp(q->names[i], "kind") == 0 ? q->values[i] : kind;
    if (kind == NULL || (strcmp(kind, "lmsr") != 0 && strcmp(kind, "lslmsr") != 0))
        return cli_usage(prog, "--q applies to lmsr (shares sold) and lslmsr (q0)");
    q->names[q->n] = strcmp(kind, "lmsr") == 0 ? "sold" : "q0";
    q->values[q->n++] = qlist;
    return CLI_OK;
}

/* trade AMOUNTS: the net cost of a vector, as the trade op charges it. */
static int quote_vector(const char *prog, const dacc_market *m, const char *list, unsigned decimals,
                        cli_format f)
{
    dacc_u128 amount[DACC_MARKET_MAX_OUTCOMES], cost, proceeds;
    bool sell[DACC_MARKET_MAX_OUTCOMES];
    unsigned n = dacc_market_outcomes(m), k = 0;
    for (const char *s = list;; k++) {
        const char *end = strchr(s, ';');
        char item[DACC_MONEY_STRLEN + 2];
        size_t len = end ? (size_t)(end - s) : strlen(s);
        if (k == n || len >= sizeof item)
            return cli_usage(prog, "AMOUNTS: one signed amount per outcome (%u)", n);
        memcpy(item, s, len);
        item[len] = '\0';
        sell[k] = item[0] == '-';
        int rc = cli_opt_money(prog, "AMOUNTS", item + sell[k], decimals, &amount[k]);
        if (rc != CLI_OK)
            return rc;
        sell[k] = sell[k] && amount[k] != 0;
        if (end == NULL)
            break;
        s = end + 1;
    }
    if (k + 1 != n)
        return cli_usage(prog, "AMOUNTS: one signed amount per outcome (%u)", n);
    dacc_error err;
    if (dacc_market_quote_vector(m, amount, sell, &cost, &proceeds, &err) != DACC_OK)
        return cli_fail(prog, &err);
    char t[DACC_MONEY_STRLEN];
    dacc_money_format(proceeds ? proceeds : cost, decimals, 0, t);
    if (f != CLI_FORMAT_TEXT)
        print_answer(f, (const char *const[]){ "trade", list, proceeds ? "returns" : "costs", t },
                     4);
    else
        printf("trading %s %s %s\n", list, proceeds ? "returns" : "costs", t);
    return CLI_OK;
}

static int quote_answer(const char *prog, const dacc_market *m, char **args, unsigned decimals,
                        cli_format f)
{
    const char *what = args[0];
    uint64_t outcome = 0;
    dacc_u128 amt = 0, a = 0, b = 0;
    dacc_error err;
    dacc_status st;
    int rc = cli_opt_u64(prog, "OUTCOME", args[1], 0, DACC_MARKET_MAX_OUTCOMES - 1, &outcome);
    if (rc == CLI_OK)
        rc = cli_opt_money(prog, "AMOUNT", args[2], decimals, &amt);
    if (rc != CLI_OK)
        return rc;
    unsigned i = (unsigned)outcome;
    if (strcmp(what, "buy") == 0)
        st = dacc_market_quote_buy(m, i, amt, &a, &err), b = amt;
    else if (strcmp(what, "spend") == 0)
        st = dacc_market_quote_spend(m, i, amt, &b, &a, &err);
    else if (strcmp(what, "sell") == 0)
        st = dacc_market_quote_sell(m, i, amt, &a, &err), b = amt;
    else if (strcmp(what, "receive") == 0)
        st = dacc_market_quote_receive(m, i, amt, &b, &a, &err);
    else
        return cli_usage(prog, "expected buy, spend, sell or receive, got '%s'", what);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    char ta[DACC_MONEY_STRLEN], tb[DACC_MONEY_STRLEN];
    dacc_money_format(a, decimals, 0, ta);
    dacc_money_format(b, decimals, 0, tb);
    int buying = strcmp(what, "buy") == 0 || strcmp(what, "spend") == 0;
    char outcome_text[16];
    snprintf(outcome_text, sizeof outcome_text, "%u", i);
    if (f != CLI_FORMAT_TEXT) {
        print_answer(f,
                     (const char *const[]){ "question", what, "outcome", outcome_text, "shares", tb,
                                            buying ? "costs" : "returns", ta },
                     8);
        return CLI_OK;
    }
    printf("%s %s shares of outcome %u %s %s\n", buying ? "buying" : "selling", tb, i,
           buying ? "costs" : "returns", ta);
    return CLI_OK;
}

/* What a market in a state file stands at: its prices, or once resolved
 * its payout per share (what redeeming one share pays). */
static void print_standing_as(const char *id, const dacc_market *m, unsigned decimals, cli_format f)
{
    unsigned n = dacc_market_outcomes(m);
    int resolved = dacc_market_resolved(m);
    json_t *values = json_array();
    char list[DACC_MARKET_MAX_OUTCOMES * (DACC_MONEY_STRLEN + 1)] = "";
    size_t len = 0;
    double p[DACC_MARKET_MAX_OUTCOMES];
    dacc_u128 one = 1, pay;
    for (unsigned i = 0; i < decimals; i++)
        one *= 10;
    if (!resolved)
        dacc_market_prices(m, p);
    for (unsigned i = 0; i < n; i++) {
        char t[DACC_MONEY_STRLEN];
        if (resolved) {
            dacc_market_payout(m, i, one, &pay);
            dacc_money_format(pay, decimals, 0, t); /* money: the fixed decimals */
            json_array_append_new(values, json_string(t));
        } else {
            char r[DACC_FMT_REAL_MAX];
            snprintf(t, sizeof t, "%s", dacc_fmt_real(p[i], r) ? r : "");
            json_array_append_new(values, dacc_json_real(p[i]));
        }
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ";" : "", t);
    }
    const char *what = resolved ? "payout_per_share" : "prices";
    if (f == CLI_FORMAT_JSON) {
        json_t *doc = json_pack("{s:s,s:b}", "market", id, "resolved", resolved);
        json_object_set_new(doc, what, values);
        dacc_json_write_stream(stdout, doc, DACC_JSON_PRETTY, NULL);
        json_decref(doc);
        return;
    }
    json_decref(values);
    print_answer(f, (const char *const[]){ "market", id, what, list }, 4);
}

static void print_standing(const char *id, const dacc_market *m, unsigned decimals, cli_format f)
{
    unsigned n = dacc_market_outcomes(m);
    if (f != CLI_FORMAT_TEXT) {
        print_standing_as(id, m, decimals, f);
        return;
    }
    if (!dacc_market_resolved(m)) {
        double p[DACC_MARKET_MAX_OUTCOMES];
        dacc_market_prices(m, p);
        printf("market %s: prices", id);
        for (unsigned i = 0; i < n; i++) { /* as the JSON and CSV forms: shortest */
            char r[DACC_FMT_REAL_MAX];
            dacc_fmt_real(p[i], r);
            printf("%s%s", i ? ";" : " ", r);
        }
        putchar('\n');
        return;
    }
    dacc_u128 one = 1, pay;
    for (unsigned i = 0; i < decimals; i++)
        one *= 10;
    printf("market %s is resolved: payout per share", id);
    for (unsigned i = 0; i < n; i++) {
        char t[DACC_MONEY_STRLEN];
        dacc_market_payout(m, i, one, &pay);
        dacc_money_format(pay, decimals, 0, t); /* money: the fixed decimals, as CSV */
        printf("%s%s", i ? ";" : " ", t);
    }
    putchar('\n');
}

/* quote --state FILE --market ID [QUESTION]: the market as the live
 * ledger holds it. */
static int quote_state(const char *prog, const quote_fields *q, int seen_d, uint64_t decimals,
                       int nargs, char **args)
{
    if (q->n != 0 || q->market == NULL ||
        (nargs != 0 && nargs != 3 && !(nargs == 2 && strcmp(args[0], "trade") == 0)))
        return cli_usage(prog, "with --state: --market ID and optionally "
                               "buy|spend|sell|receive OUTCOME AMOUNT, no market options");
    char *data;
    size_t len;
    unsigned d;
    dacc_error err;
    dacc_market_ledger *l = NULL;
    dacc_status st = dacc_file_read(q->state, (size_t)1 << 34, &data, &len, &err);
    if (st == DACC_OK) {
        st = dacc_market_ledger_load(q->state, data, len, &l, &d, &err);
        free(data);
    }
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    int rc = CLI_OK;
    const dacc_market *m = dacc_market_ledger_market(l, q->market);
    if (seen_d && d != decimals)
        rc = cli_usage(prog, "%s: its amounts are at %u decimals, --decimals says %u", q->state, d,
                       (unsigned)decimals);
    else if (m == NULL)
        rc = cli_fail(
            prog, (dacc_error_set(&err, DACC_ERR_NOTFOUND, "%s: no market %s", q->state, q->market),
                   &err));
    else if (nargs == 0 || dacc_market_resolved(m))
        print_standing(q->market, m, d, q->f);
    if (rc == CLI_OK && m != NULL && nargs != 0 && dacc_market_resolved(m))
        rc = cli_fail(prog, (dacc_error_set(&err, DACC_ERR_STATE,
                                            "market %s is resolved: trading is closed", q->market),
                             &err));
    else if (rc == CLI_OK && nargs != 0)
        rc = nargs == 2 ? quote_vector(prog, m, args[1], d, q->f)
                        : quote_answer(prog, m, args, d, q->f);
    dacc_market_ledger_free(l);
    return rc;
}

static int cmd_quote(int argc, char **argv)
{
    static const char prog[] = "dacc market quote";
    quote_fields q = { .n = 0 };
    uint64_t decimals = UINT64_MAX; /* not given */
    int help = 0, rc = quote_options(prog, argc, argv, &q, &decimals, &help);
    if (rc != CLI_OK || help)
        return rc;
    int seen_d = decimals != UINT64_MAX;
    decimals = seen_d ? decimals : 6;
    if (q.state != NULL)
        return quote_state(prog, &q, seen_d, decimals, argc - optind, argv + optind);
    if (q.market != NULL)
        return cli_usage(prog, "--market applies with --state");
    int has_kind = 0;
    for (size_t i = 0; i < q.n; i++)
        has_kind |= strcmp(q.names[i], "kind") == 0;
    int vector = argc - optind == 2 && strcmp(argv[optind], "trade") == 0;
    if (!has_kind || (argc - optind != 3 && !vector))
        return cli_usage(
            prog, "expected --kind and: buy|spend|sell|receive OUTCOME AMOUNT, or trade AMOUNTS");
    dacc_market *m = NULL;
    dacc_error err;
    if (dacc_market_from_fields(q.n, q.names, q.values, (unsigned)decimals, &m, &err) != DACC_OK)
        return cli_fail(prog, &err);
    rc = vector ? quote_vector(prog, m, argv[optind + 1], (unsigned)decimals, q.f)
                : quote_answer(prog, m, argv + optind, (unsigned)decimals, q.f);
    dacc_market_free(m);
    return rc;
}

/* ---- the declaration ---- */

static const cli_opt market_opts[] = {
    { "state", 's', "IN", 's', NULL,
      "start from the state IN (written by -o), not from nothing; all or nothing: when an "
      "operation fails, nothing is written and IN still holds the state before FILE",
      "run", 0, NULL },
    { "decimals", 'd', "N", 'd', "6",
      "decimals of every amount (with --state, the state's, and a different N is refused)", NULL, 0,
      NULL },
    { "output", 'o', "FILE", 'o', NULL,
      "write the final state as JSON (atomically; a new file, not IN)", "run", 0, NULL },
    { "format", 'f', "FORMAT", 'F', "text",
      "the result lines: text (one a line), json (an array of strings) or csv (a column "
      "'result')",
      "run", 0, "text json csv" },
    { "quiet", 'q', NULL, 'q', NULL, "print nothing but errors", "run", 0, NULL },
    { "state", 0, "STATE", 's', NULL,
      "with --market ID: the market ID of a state `market run -o` wrote; without a question, "
      "print its prices, or once it is resolved its payout per share",
      "quote", 0, NULL },
    { "market", 0, "ID", 'm', NULL, "the market in --state", "quote", 0, NULL },
    { "kind", 0, "KIND", 'k', NULL, "the market maker", "quote", 0, "lmsr lslmsr fpmm cpmm" },
    { "outcomes", 0, "N", 'N', NULL, "outcomes (default: the length of a list option, else 2)",
      "quote", 0, NULL },
    { "b", 0, "B", 'b', NULL, "LMSR liquidity", "quote", 0, NULL },
    { "funding", 0, "F", 'F', NULL, "LMSR funding, with b = F / ln n", "quote", 0, NULL },
    { "sold", 0, "S0;S1;...", 'S', NULL, "LMSR: shares already sold per outcome", "quote", 0,
      NULL },
    { "alpha", 0, "A", 'a', NULL, "LS-LMSR: alpha", "quote", 0, NULL },
    { "q0", 0, "Q0;Q1;...", 'Z', NULL, "LS-LMSR: initial quantities", "quote", 0, NULL },
    { "q", 0, "LIST", 'Q', NULL, "--sold for lmsr, --q0 for lslmsr", "quote", 0, NULL },
    { "balances", 0, "B0;B1;...", 'B', NULL, "FPMM pool", "quote", 0, NULL },
    { "fee", 0, "F", 'f', NULL, "FPMM fee (a fraction, e.g. 0.003)", "quote", 0, NULL },
    { "yes", 0, "Y", 'y', NULL, "CPMM pool: YES shares", "quote", 0, NULL },
    { "no", 0, "N", 'n', NULL, "CPMM pool: NO shares", "quote", 0, NULL },
    { "p", 0, "P", 'p', NULL, "CPMM probability", "quote", 0, NULL },
    { "format", 'f', "FORMAT", 'T', "text", "how to print the answer (money as decimal strings)",
      "quote", 0, "text json csv" },
};

static const cli_sub market_subs[] = {
    { "run", "replay an operations file; print prices and positions", "FILE",
      "Replay an operations file (JSON Lines, or CSV with a header; docs/market.md):\n"
      "create markets (lmsr, lslmsr, fpmm, cpmm), deposit, buy, sell, trade (a signed\n"
      "amount per outcome at once, one rounding), split and merge complete sets, resolve\n"
      "(an outcome, payouts, a scalar value, or invalid = refund every trade), redeem, and\n"
      "jury-sampled batches (batch, draw from a published seed, settle the rest by refund\n"
      "or time-weighted price). Prints one line per operation; stops at the first bad one\n"
      "with its line and field.\n\n"
      "Exit status: 0 on success, 1 on a bad operation or state, 2 on a usage error.",
      cmd_run },
    { "quote", "answer one question about a market from the command line",
      "(buy|spend|sell|receive) OUTCOME AMOUNT | trade AMOUNTS",
      "Answer one question about a market in a given state, with exact money:\n"
      "  buy N      what N shares cost (ceiling)      spend C    shares C buys (floor)\n"
      "  sell N     what N shares return (floor)      receive R  shares to sell for R (ceiling)\n"
      "  trade A0;A1;...  (no OUTCOME) the net cost of a vector, positive buys, negative\n"
      "             sells: its ceiling is charged, or a net sale returns the floor\n"
      "The answer is what `market run` would do: a trade executes its quote. The market is\n"
      "given by --kind and its options, or by --state and --market. Each option applies to\n"
      "one kind and is given once; errors name it as the field of an operations file's\n"
      "create op (docs/market.md).",
      cmd_quote },
};

static const cli_section market_sections[] = {
    { "DESCRIPTION", ".B run\n"
                     "replays an operations file (JSON Lines or CSV): create markets, deposit,\n"
                     "buy, sell, resolve (categorical, fractional payouts, scalar, invalid with\n"
                     "refunds), redeem, and jury\\-sampled batches whose judged markets are drawn\n"
                     "reproducibly from a published seed while the rest settle by refund or\n"
                     "time\\-weighted price. Traders pay ceilings and receive floors; money is\n"
                     "conserved to the base unit.\n"
                     "Vector trades (an amount per outcome, positive buys, negative sells, one\n"
                     "rounding: the ceiling of the exact net cost is charged) and complete sets\n"
                     "(split money into a share of every outcome, merge back) are operations too.\n"
                     ".B quote\n"
                     "answers one question about one market, with the very computation the trade\n"
                     "executes: a trade in\n"
                     ".B run\n"
                     "charges and pays exactly what its quote says.\n"
                     "Formats, formulas and rounding:\n"
                     ".IR docs/market.md .\n" },
    { "OPERATIONS FILES",
      "Ops: create, deposit, buy, sell,\n"
      ".B trade\n"
      "(account, market, amounts: one signed amount per outcome such as\n"
      "5;\\-3;0;\\-2; an optional limit, the most to pay or, negative, the least to\n"
      "receive),\n"
      ".B split\n"
      "and\n"
      ".B merge\n"
      "(account, market, amount of complete sets), resolve, redeem, batch, draw,\n"
      "settle.\n"
      "Fields an op does not take, unknown fields, contradictory fields\n"
      ".RB ( shares \" with \" spend ,\n"
      "two ways to resolve) and zero trades are refused with the file, line and\n"
      "field named.\n"
      ".B invalid\n"
      "is a boolean: JSON true or false, or the text true or false in CSV; any other\n"
      "spelling is refused. No amount wraps: a credit that would pass 2^128 \\- 1 is\n"
      "refused and changes nothing.\n" },
    { "EXIT STATUS", "0 on success; 1 on a bad operation (file, line and field named); 2 on a\n"
                     "usage error.\n" },
    { "EXAMPLES",
      ".nf\n"
      "dacc market run \\-o state.json examples/market/info\\-finance.jsonl\n"
      "dacc market quote \\-\\-kind lmsr \\-\\-funding 10 \\-\\-decimals 0 buy 0 5\n"
      "dacc market quote \\-\\-kind fpmm \\-\\-balances '10;10' \\-\\-fee 0.003 \\-d 18 spend 1 1\n"
      "dacc market run \\-\\-state day0.json \\-o day1.json day1.jsonl\n"
      "dacc market quote \\-\\-state day1.json \\-\\-market rain spend 1 10\n"
      ".fi\n" },
    { "SEE ALSO", ".BR dacc (1),\n"
                  ".BR dacc\\-rng (1)\n" },
};

const cli_spec cli_spec_market = {
    .name = "market",
    .summary = "prediction markets with exact money: run an operations file, quote",
    .description =
        "Prediction markets with exact money: LMSR, LS-LMSR, FPMM and CPMM makers, accounts,\n"
        "resolution (categorical, fractional, scalar, invalid) and jury-sampled batches.\n"
        "Formulas, rounding and the operations format: docs/market.md.",
    CLI_SUBS(market_subs),
    CLI_OPTS(market_opts),
    CLI_SECTIONS(market_sections),
};

int cmd_market(int argc, char **argv)
{
    return cli_spec_run(&cli_spec_market, argc, argv);
}
