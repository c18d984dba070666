/* dacc market: replay an operations file against a ledger of markets, or
 * answer one quote from the command line. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dacc/file.h"
#include "dacc/json.h"
#include "dacc/market.h"

static const char *const kind_names[] = { "lmsr", "lslmsr", "fpmm", "cpmm" };

static void print_line(void *ctx, const char *line)
{
    (void)ctx;
    puts(line);
}

typedef struct {
    json_t *doc;
    unsigned decimals;
} state_ctx;

static json_t *amount(dacc_u128 v, unsigned decimals)
{
    return dacc_json_money(v, decimals);
}

static void add_market(void *ctx, const char *id, const dacc_market *m)
{
    state_ctx *s = ctx;
    json_t *o = json_object(), *prices = json_array(), *sold = json_array();
    double p[DACC_MARKET_MAX_OUTCOMES];
    dacc_market_prices(m, p);
    for (unsigned i = 0; i < dacc_market_outcomes(m); i++) {
        json_array_append_new(prices, json_real(p[i]));
        json_array_append_new(sold, amount(dacc_market_sold(m, i), s->decimals));
    }
    json_object_set_new(o, "kind", json_string(kind_names[dacc_market_type(m)]));
    json_object_set_new(o, "prices", prices);
    json_object_set_new(o, "shares_held_by_traders", sold);
    json_object_set_new(o, "maker_balance", amount(dacc_market_balance(m), s->decimals));
    json_object_set_new(o, "fees", amount(dacc_market_fees(m), s->decimals));
    json_object_set_new(o, "worst_case_loss", amount(dacc_market_worst_loss(m), s->decimals));
    json_object_set_new(o, "resolved", json_boolean(dacc_market_resolved(m)));
    json_object_set_new(json_object_get(s->doc, "markets"), id, o);
}

static void add_account(void *ctx, const char *name, dacc_u128 balance)
{
    state_ctx *s = ctx;
    json_t *o = json_object();
    json_object_set_new(o, "balance", amount(balance, s->decimals));
    json_object_set_new(o, "positions", json_object());
    json_object_set_new(json_object_get(s->doc, "accounts"), name, o);
}

static void add_position(void *ctx, const char *account, const char *market,
                         const dacc_u128 *shares, unsigned n)
{
    state_ctx *s = ctx;
    json_t *a = json_object_get(json_object_get(s->doc, "accounts"), account), *list = json_array();
    for (unsigned i = 0; i < n; i++)
        json_array_append_new(list, amount(shares[i], s->decimals));
    json_object_set_new(json_object_get(a, "positions"), market, list);
}

static const char run_usage[] =
    "Usage: dacc market run [options] FILE\n\n"
    "Replay an operations file (JSON Lines, or CSV with a header; docs/market.md):\n"
    "create markets (lmsr, lslmsr, fpmm, cpmm), deposit, buy, sell, resolve (an outcome,\n"
    "payouts, a scalar value, or invalid = refund every trade), redeem, and jury-sampled\n"
    "batches (batch, draw from a published seed, settle the rest by refund or time-\n"
    "weighted price). Prints one line per operation; stops at the first bad one with\n"
    "its line and field.\n\n"
    "  -d, --decimals N     decimals of every amount (default 6)\n"
    "  -o, --output FILE    write the final state as JSON (atomically)\n"
    "  -q, --quiet          print nothing but errors\n"
    "  -h, --help           show this help\n\n"
    "Exit status: 0 on success, 1 on a bad operation, 2 on a usage error.\n";

static int cmd_run(int argc, char **argv)
{
    static const char prog[] = "dacc market run";
    static const struct option longs[] = { { "decimals", required_argument, NULL, 'd' },
                                           { "output", required_argument, NULL, 'o' },
                                           { "quiet", no_argument, NULL, 'q' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    uint64_t decimals = 6;
    const char *out = NULL;
    int ch, rc = CLI_OK, quiet = 0;
    while (rc == CLI_OK && (ch = getopt_long(argc, argv, "d:o:qh", longs, NULL)) != -1) {
        if (ch == 'd')
            rc = cli_opt_u64(prog, "--decimals", optarg, 0, 30, &decimals);
        else if (ch == 'o')
            out = optarg;
        else if (ch == 'q')
            quiet = 1;
        else if (ch == 'h')
            return cli_help(run_usage);
        else
            return cli_usage(prog, "unknown option");
    }
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
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_status st = l ? dacc_file_read(argv[optind], (size_t)1 << 32, &data, &len, &err)
                       : dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK) {
        st = dacc_market_ops_run(l, argv[optind], data, len, (unsigned)decimals, NULL,
                                 quiet ? NULL : print_line, &err);
        free(data);
    }
    if (st == DACC_OK && out != NULL) {
        state_ctx s = { json_object(), (unsigned)decimals };
        json_object_set_new(s.doc, "decimals", json_integer((json_int_t)decimals));
        json_object_set_new(s.doc, "markets", json_object());
        json_object_set_new(s.doc, "accounts", json_object());
        dacc_market_ledger_each_market(l, &s, add_market);
        dacc_market_ledger_each_account(l, &s, add_account);
        dacc_market_ledger_each_position(l, &s, add_position);
        st = dacc_json_write_file(out, s.doc, DACC_JSON_PRETTY, &err);
        json_decref(s.doc);
    }
    dacc_market_ledger_free(l);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

static const char quote_usage[] =
    "Usage: dacc market quote --kind KIND [market options] (buy|spend|sell|receive) OUTCOME "
    "AMOUNT\n\n"
    "Answer one question about a market in a given state, with exact money:\n"
    "  buy N      what N shares cost (ceiling)      spend C    shares C buys (floor)\n"
    "  sell N     what N shares return (floor)      receive R  shares to sell for R (ceiling)\n\n"
    "  --kind lmsr|lslmsr|fpmm|cpmm\n"
    "  --outcomes N               outcomes (default: the length of a list option, else 2)\n"
    "  --b B | --funding F        LMSR liquidity, or funding with b = F / ln n\n"
    "  --sold S0;S1;...           LMSR: shares already sold per outcome\n"
    "  --alpha A --q0 Q0;Q1;...   LS-LMSR: alpha and initial quantities\n"
    "  --q LIST                   --sold for lmsr, --q0 for lslmsr\n"
    "  --balances B0;B1;... [--fee F]   FPMM pool and fee (a fraction, e.g. 0.003)\n"
    "  --yes Y --no N --p P       CPMM pool\n"
    "  -d, --decimals N           decimals of amounts (default 6)\n"
    "  -h, --help                 show this help\n\n"
    "Each option applies to one kind and is given once; errors name it as the field of\n"
    "an operations file's create op (docs/market.md).\n";

typedef struct {
    const char *names[16], *values[16];
    size_t n;
} quote_fields;

/* The market options, as the fields of a create op (--q by the kind). */
/* Returns CLI_OK with *help set after printing the help. */
static int quote_options(const char *prog, int argc, char **argv, quote_fields *q,
                         uint64_t *decimals, int *help)
{
    static const struct option longs[] = {
        { "kind", required_argument, NULL, 'k' },     { "b", required_argument, NULL, 'b' },
        { "funding", required_argument, NULL, 'F' },  { "alpha", required_argument, NULL, 'a' },
        { "q", required_argument, NULL, 'Q' },        { "q0", required_argument, NULL, 'Z' },
        { "sold", required_argument, NULL, 'S' },     { "balances", required_argument, NULL, 'B' },
        { "fee", required_argument, NULL, 'f' },      { "yes", required_argument, NULL, 'y' },
        { "no", required_argument, NULL, 'n' },       { "p", required_argument, NULL, 'p' },
        { "decimals", required_argument, NULL, 'd' }, { "outcomes", required_argument, NULL, 'N' },
        { "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
    };
    const char *qlist = NULL;
    int ch, rc = CLI_OK, seen_d = 0;
    while (rc == CLI_OK && (ch = getopt_long(argc, argv, "d:h", longs, NULL)) != -1) {
        const char *name = NULL;
        for (size_t i = 0; longs[i].name != NULL; i++)
            if (longs[i].val == ch)
                name = longs[i].name;
        if (ch == 'h') {
            *help = 1;
            return cli_help(quote_usage);
        }
        if ((ch == 'd' && seen_d++) || (ch == 'Q' && qlist != NULL))
            return cli_usage(prog, "--%s is given twice", name);
        if (ch == 'd')
            rc = cli_opt_u64(prog, "--decimals", optarg, 0, 30, decimals);
        else if (ch == 'Q')
            qlist = optarg;
        else if (name == NULL || q->n == 15)
            return CLI_USAGE; /* getopt has said what is wrong */
        else
            q->names[q->n] = name, q->values[q->n++] = optarg;
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

static int quote_answer(const char *prog, const dacc_market *m, char **args, unsigned decimals)
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
    printf("%s %s shares of outcome %u %s %s\n", buying ? "buying" : "selling", tb, i,
           buying ? "costs" : "returns", ta);
    return CLI_OK;
}

static int cmd_quote(int argc, char **argv)
{
    static const char prog[] = "dacc market quote";
    quote_fields q = { .n = 0 };
    uint64_t decimals = 6;
    int help = 0, rc = quote_options(prog, argc, argv, &q, &decimals, &help);
    if (rc != CLI_OK || help)
        return rc;
    int has_kind = 0;
    for (size_t i = 0; i < q.n; i++)
        has_kind |= strcmp(q.names[i], "kind") == 0;
    if (!has_kind || argc - optind != 3)
        return cli_usage(prog, "expected --kind and: buy|spend|sell|receive OUTCOME AMOUNT");
    dacc_market *m = NULL;
    dacc_error err;
    if (dacc_market_from_fields(q.n, q.names, q.values, (unsigned)decimals, &m, &err) != DACC_OK)
        return cli_fail(prog, &err);
    rc = quote_answer(prog, m, argv + optind, (unsigned)decimals);
    dacc_market_free(m);
    return rc;
}

int cmd_market(int argc, char **argv)
{
    static const cli_command subs[] = {
        { "run", "replay an operations file; print prices and positions", cmd_run },
        { "quote", "answer one question about a market from the command line", cmd_quote },
    };
    static const char about[] =
        "Prediction markets with exact money: LMSR, LS-LMSR, FPMM and CPMM makers, accounts,\n"
        "resolution (categorical, fractional, scalar, invalid) and jury-sampled batches.\n"
        "Formulas, rounding and the operations format: docs/market.md.";
    return cli_dispatch("dacc market", about, subs, 2, argc, argv);
}
