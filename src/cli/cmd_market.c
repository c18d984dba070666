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
    "  --b B | --funding F        LMSR liquidity, or funding with b = F / ln n\n"
    "  --alpha A                  LS-LMSR\n"
    "  --q Q0;Q1;...              shares already sold (LMSR) or initial quantities (LS-LMSR)\n"
    "  --balances B0;B1;... --fee F   FPMM pool and fee (a fraction, e.g. 0.003)\n"
    "  --yes Y --no N --p P       CPMM pool\n"
    "  -d, --decimals N           decimals of amounts (default 6)\n";

/* Outcomes implied by --q or --balances (items separated by ';'), else 2. */
static unsigned count_items(const char *qlist, const char *row)
{
    const char *bal = strstr(row, "\"balances\":\"");
    const char *s = qlist ? qlist : bal ? bal + 12 : NULL;
    unsigned n = 1;
    if (s == NULL)
        return 2;
    for (; *s && *s != '"'; s++)
        n += *s == ';';
    return n;
}

/* Brings an LMSR to the given shares sold per outcome. */
static dacc_status apply_sold(dacc_market *m, const char *list, unsigned decimals, dacc_error *err)
{
    unsigned i = 0;
    for (const char *s = list; *s; i++) {
        const char *end = strchr(s, ';');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        dacc_u128 x, c;
        dacc_status st = dacc_money_parse(s, len, decimals, &x, err);
        if (st == DACC_OK && x > 0)
            st = dacc_market_buy(m, i, x, DACC_U128_MAX, &c, err);
        if (st != DACC_OK)
            return st;
        s = end ? end + 1 : s + len;
    }
    return DACC_OK;
}

static int cmd_quote(int argc, char **argv)
{
    static const char prog[] = "dacc market quote";
    static const struct option longs[] = {
        { "kind", required_argument, NULL, 'k' },     { "b", required_argument, NULL, 'b' },
        { "funding", required_argument, NULL, 'F' },  { "alpha", required_argument, NULL, 'a' },
        { "q", required_argument, NULL, 'Q' },        { "balances", required_argument, NULL, 'B' },
        { "fee", required_argument, NULL, 'f' },      { "yes", required_argument, NULL, 'y' },
        { "no", required_argument, NULL, 'n' },       { "p", required_argument, NULL, 'p' },
        { "decimals", required_argument, NULL, 'd' }, { "outcomes", required_argument, NULL, 'N' },
        { "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
    };
    /* The market options become one "create" row of the operations format,
     * so both paths share the same checks and messages. */
    char row[4096] = "{\"op\":\"create\",\"market\":\"q\"";
    size_t used = strlen(row);
    const char *keys[] = { ['k'] = "kind", ['b'] = "b",        ['F'] = "funding", ['a'] = "alpha",
                           ['Q'] = "q0",   ['B'] = "balances", ['f'] = "fee",     ['y'] = "yes",
                           ['n'] = "no",   ['p'] = "p",        ['N'] = "outcomes" };
    uint64_t decimals = 6;
    const char *qlist = NULL, *kind = NULL;
    int ch, rc = CLI_OK;
    while (rc == CLI_OK && (ch = getopt_long(argc, argv, "d:h", longs, NULL)) != -1) {
        if (ch == 'h')
            return cli_help(quote_usage);
        if (ch == 'd') {
            rc = cli_opt_u64(prog, "--decimals", optarg, 0, 30, &decimals);
            continue;
        }
        if (ch < 0 || ch >= (int)(sizeof keys / sizeof keys[0]) || keys[ch] == NULL)
            return cli_usage(prog, "unknown option");
        if (strchr(optarg, '"') || strchr(optarg, '\\'))
            return cli_usage(prog, "option values cannot contain quotes");
        if (ch == 'Q')
            qlist = optarg;
        if (ch == 'k')
            kind = optarg;
        used += (size_t)snprintf(row + used, sizeof row - used, ",\"%s\":\"%s\"", keys[ch], optarg);
    }
    if (rc != CLI_OK)
        return rc;
    if (kind == NULL || argc - optind != 3)
        return cli_usage(prog, "expected --kind and: buy|spend|sell|receive OUTCOME AMOUNT");
    if (qlist && strcmp(kind, "lmsr") != 0 && strcmp(kind, "lslmsr") != 0)
        return cli_usage(prog, "--q applies to lmsr and lslmsr");
    if (qlist && strcmp(kind, "lmsr") == 0) { /* LMSR's q is shares sold: applied below */
        *strstr(row, ",\"q0\"") = '\0';
        used = strlen(row);
    }
    if (strstr(row, "\"outcomes\"") == NULL)
        used += (size_t)snprintf(row + used, sizeof row - used, ",\"outcomes\":%u",
                                 count_items(qlist, row));
    snprintf(row + used, sizeof row - used, "}\n");
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    dacc_status st =
        dacc_market_ops_run(l, "options", row, strlen(row), (unsigned)decimals, NULL, NULL, &err);
    dacc_market *m = st == DACC_OK ? dacc_market_ledger_market(l, "q") : NULL;
    if (st == DACC_OK && qlist && strcmp(kind, "lmsr") == 0)
        st = apply_sold(m, qlist, (unsigned)decimals, &err);
    const char *what = argv[optind];
    uint64_t outcome = 0;
    dacc_u128 amt = 0, a = 0, b = 0;
    if (st == DACC_OK && (rc = cli_opt_u64(prog, "OUTCOME", argv[optind + 1], 0, 255, &outcome)))
        st = DACC_ERR_INVALID;
    if (st == DACC_OK &&
        (rc = cli_opt_money(prog, "AMOUNT", argv[optind + 2], (unsigned)decimals, &amt)))
        st = DACC_ERR_INVALID;
    if (st == DACC_OK) {
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
            rc = cli_usage(prog, "expected buy, spend, sell or receive, got '%s'", what),
            st = DACC_ERR_INVALID;
    }
    if (st == DACC_OK) {
        char ta[DACC_MONEY_STRLEN], tb[DACC_MONEY_STRLEN];
        dacc_money_format(a, (unsigned)decimals, 0, ta);
        dacc_money_format(b, (unsigned)decimals, 0, tb);
        int buying = strcmp(what, "buy") == 0 || strcmp(what, "spend") == 0;
        printf("%s %s shares of outcome %u %s %s\n", buying ? "buying" : "selling", tb,
               (unsigned)outcome, buying ? "costs" : "returns", ta);
    }
    dacc_market_ledger_free(l);
    if (rc != CLI_OK)
        return rc;
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
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
