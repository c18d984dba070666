/* The web pages (docs/web.md): the node's home, a page per round that
 * dispatches by mechanism, a note's page, the auditor's page and the key
 * page, server-rendered from the same library calls the API answers from
 * (dacc_store_peek, dacc_round_state, dacc_round_result, dacc_round_query),
 * so reading works without JavaScript; the scripts under /assets/ add what
 * needs the participant's key (signing, in the browser) or the browser's
 * own checks (receipts, consistency). The assets are compiled in
 * (cmake/embed_web.cmake) under a versioned path and cached as immutable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/csv.h"
#include "dacc/file.h"
#include "dacc/fmt.h"
#include "dacc/money.h"
#include "dacc/round.h"
#include "dacc/svg.h"
#include "internal.h"

#define TABLE_ROWS   100  /* rows of a first view; ?rows=all for every one */
#define CHART_BARS   30   /* bars of an allocation chart, the last "others" */
#define HISTORY_MAX  5000 /* a market's events replayed for its price history */
#define HOME_ROUNDS  500  /* rounds listed on the home page */
#define MARKETS_MAX  16   /* markets of one round drawn with a history */
#define OUTCOMES_MAX 8

static const char immutable[] = "public, max-age=31536000, immutable";

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static long long jint(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

static double jnum(const json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

/* A figure at the pages' 4 places (docs/web.md), or a dash where there is
 * none (null, or left out: a model's error on an empty part). */
static const char *figure(const json_t *o, const char *k, char out[DACC_FMT_REAL_MAX])
{
    const json_t *v = json_object_get(o, k);
    if (!json_is_number(v) || dacc_fmt_fixed(json_number_value(v), 4, out) == 0)
        return "—";
    return out;
}

/* ---- assets ---- */

static void asset(const char *path, node_answer *a)
{
    size_t vl = strlen(node_assets_version);
    if (strncmp(path, node_assets_version, vl) != 0 || path[vl] != '/') {
        node_problem(a, 404, "no such asset (a page of another version of this node?)", path, NULL);
        return;
    }
    for (size_t i = 0; i < node_nassets; i++)
        if (strcmp(node_assets[i].path, path + vl + 1) == 0) {
            node_bytes(a, 200, node_assets[i].type, node_assets[i].data, node_assets[i].len,
                       immutable);
            return;
        }
    node_problem(a, 404, "no such asset", path, NULL);
}

/* ---- what several pages read ---- */

/* The event object in the envelope at index (payload JSON), or NULL. */
static json_t *entry_event(dacc_node *n, uint64_t index)
{
    uint8_t *data;
    size_t len, plen;
    dacc_dsse_envelope *e;
    if (dacc_tlog_log_entry(n->rl.log, index, &data, &len, NULL) != DACC_OK)
        return NULL;
    json_t *ev = NULL;
    if (dacc_dsse_parse("entry", (const char *)data, len, &e, NULL) == DACC_OK) {
        const uint8_t *p = dacc_dsse_payload(e, &plen);
        ev = json_loadb((const char *)p, plen, 0, NULL);
        dacc_dsse_free(e);
    }
    free(data);
    return ev;
}

/* The round's config event (its body holds phases, params, title). */
static json_t *round_config(dacc_node *n, const uint8_t id[32])
{
    uint64_t *idx;
    size_t count;
    if (dacc_store_round_entries(n->rl.store, id, &idx, &count, NULL) != DACC_OK)
        return NULL;
    json_t *ev = count > 0 ? entry_event(n, idx[0]) : NULL;
    free(idx);
    return ev;
}

static char *log_pub(dacc_node *n)
{
    char path[4096], *text = NULL;
    size_t len;
    snprintf(path, sizeof path, "%s/log.pub", n->o.data);
    if (dacc_file_read(path, 4096, &text, &len, NULL) != DACC_OK)
        return NULL;
    text[strcspn(text, "\r\n")] = '\0';
    return text;
}

/* The node's URL as the browser reached it, for commands to copy. */
static void node_url(dacc_node *n, struct MHD_Connection *c, char out[300])
{
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if (host != NULL && strlen(host) < 256 &&
        strspn(host, "abcdefghijklmnopqrstuvwxyz"
                     "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789.-:[]") == strlen(host))
        snprintf(out, 300, "http://%s", host);
    else
        snprintf(out, 300, "http://%s:%u", n->o.host, (unsigned)n->port);
}

static const char *mechanism_name(const char *m)
{
    static const char *const names[][2] = { { "deepfund", "Deep funding" },
                                            { "pgf", "Quadratic funding" },
                                            { "market", "Prediction market" },
                                            { "notes", "Community notes" },
                                            { "pause", "Soft pause" } };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(m, names[i][0]) == 0)
            return names[i][1];
    return m;
}

/* How a phase closes, from its config entry, in words. */
static void close_rule(node_html *h, const json_t *close)
{
    if (json_is_object(close) && json_object_get(close, "events"))
        html_printf(h, "after its %lld-th event", jint(close, "events"));
    else if (json_is_object(close) && json_object_get(close, "at_size"))
        html_printf(h, "by the operator once the log holds %lld entries", jint(close, "at_size"));
    else
        html_printf(h, "by the operator");
}

static void phases(node_html *h, const json_t *config, const char *now)
{
    const json_t *list = json_object_get(json_object_get(config, "body"), "phases"), *p;
    size_t i;
    bool passed = true;
    html_printf(h, "<ol class=\"phases\">");
    json_array_foreach(list, i, p)
    {
        bool current = strcmp(jstr(p, "name"), now) == 0;
        passed = passed && !current;
        html_printf(h, "<li%r><strong>%s</strong>%r: closes ",
                    current ? " aria-current=\"step\"" : "", jstr(p, "name"),
                    current  ? " (open now)"
                    : passed ? " (closed)"
                             : "");
        close_rule(h, json_object_get(p, "close"));
        html_printf(h, "</li>");
    }
    html_printf(h, "</ol>");
}

/* A table's rows sorted by a number member, largest first (ties: by a
 * name member), as a new array of borrowed rows. */
typedef struct {
    const json_t *row;
    double v;
    const char *name;
} sort_row;

static int by_number(const void *pa, const void *pb)
{
    const sort_row *a = pa, *b = pb;
    if (a->v != b->v)
        return a->v > b->v ? -1 : 1;
    return strcmp(a->name, b->name);
}

static sort_row *sorted(const json_t *table, const char *num, const char *name, size_t *n)
{
    *n = json_array_size(table);
    sort_row *rows = malloc((*n ? *n : 1) * sizeof *rows);
    if (rows == NULL) {
        *n = 0;
        return NULL;
    }
    for (size_t i = 0; i < *n; i++) {
        const json_t *r = json_array_get(table, i), *v = json_object_get(r, num);
        double x = json_is_string(v) ? strtod(json_string_value(v), NULL) : json_number_value(v);
        rows[i] = (sort_row){ r, x, jstr(r, name) };
    }
    qsort(rows, *n, sizeof *rows, by_number);
    return rows;
}

/* "Showing 100 of 10000 — all rows" under a cut table. */
static void more_rows(node_html *h, size_t shown, size_t all, const char *round_hex)
{
    if (shown < all)
        html_printf(h,
                    "<p class=\"more\">The first %zu of %zu rows. <a href=\"/rounds/%s?rows=all\">"
                    "Every row</a>, or the <a href=\"/api/v1/rounds/%s/result\">result as JSON</a>."
                    "</p>\n",
                    shown, all, round_hex, round_hex);
}

/* A project name, linked when it is a web address (the deep-funding graph
 * names projects by their repositories' URLs). */
static void project_name(node_html *h, const char *name)
{
    if (strncmp(name, "https://", 8) == 0 || strncmp(name, "http://", 7) == 0)
        html_printf(h, "<a href=\"%s\" rel=\"noreferrer\">%s</a>", name, name);
    else
        html_printf(h, "%s", name);
}

/* Amounts as bars: table rows' amount member (base units at decimals, or
 * an amount with its point already), labelled by name. */
static void amount_chart(node_html *h, const sort_row *rows, size_t n, const char *amount,
                         int decimals, const char *title, const char *id)
{
    dacc_svg_bar *bars = malloc((n ? n : 1) * sizeof *bars);
    char(*texts)[HTML_UNITS_MAX] = malloc((n ? n : 1) * HTML_UNITS_MAX);
    dacc_buf svg;
    dacc_buf_init(&svg, 0);
    dacc_error err;
    dacc_status st =
        bars && texts ? DACC_OK : dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n && st == DACC_OK; i++) {
        const char *units = jstr(rows[i].row, amount);
        bool has_point = strchr(units, '.') != NULL;
        const char *text =
            has_point ? strcpy(texts[i], units) : html_units(units, decimals, texts[i]);
        /* a repository's URL is its name on the axis (whole in the tooltip) */
        const char *label = rows[i].name;
        if (strncmp(label, "https://github.com/", 19) == 0 && label[19] != '\0')
            label += 19;
        bars[i] = (dacc_svg_bar){ label, strtod(text, NULL), text };
    }
    if (st == DACC_OK) {
        dacc_svg_bars_opts o = {
            .title = title, .axis = "amount", .max_bars = CHART_BARS, .decimals = decimals, .id = id
        };
        st = dacc_svg_bars(&o, bars, n, &svg, &err);
    }
    html_chart(h, st, &svg, &err);
    free(bars);
    free(texts);
}

/* ---- a round's page: its header, its mechanism's part, replay ---- */

typedef struct {
    dacc_node *n;
    struct MHD_Connection *c;
    const dacc_round *r;
    const uint8_t *id;
    char hex[65];
    json_t *state, *config, *result; /* result NULL: none yet (result_why) */
    char result_why[256];
    bool all_rows;
} round_view_t;

static void round_header(node_html *h, const round_view_t *v)
{
    const json_t *st = v->state;
    char op[65];
    html_printf(h,
                "<p class=\"kind\">%s round</p>\n<h1>%s</h1>\n<dl class=\"facts\">"
                "<dt>Phase</dt><dd><span id=\"phase\">%s</span></dd><dt>Phases</dt><dd>",
                mechanism_name(jstr(st, "mechanism")),
                jstr(st, "title")[0] ? jstr(st, "title") : mechanism_name(jstr(st, "mechanism")),
                jstr(st, "phase"));
    phases(h, v->config, jstr(st, "phase"));
    html_printf(h,
                "</dd><dt>Events</dt><dd>%lld accepted, from %lld signers</dd></dl>\n"
                "<details class=\"ids\"><summary>Round id, operator and state hash</summary>"
                "<dl class=\"facts\"><dt>Round id</dt><dd><code class=\"id\">%s</code></dd>"
                "<dt>Operator</dt><dd><code class=\"id\">%s</code></dd>"
                "<dt>State hash</dt><dd><code class=\"id\">%s</code></dd></dl></details>\n",
                jint(st, "events"), jint(st, "signers"), v->hex,
                dacc_hex_encode(dacc_round_operator(v->r), 32, op), jstr(st, "state_hash"));
}

static void replay_section(node_html *h, const round_view_t *v)
{
    char url[300];
    node_url(v->n, v->c, url);
    char *pub = log_pub(v->n);
    html_printf(
        h,
        "<section aria-labelledby=\"replay-h\"><h2 id=\"replay-h\">Replay it yourself</h2>\n"
        "<p>Every number on this page is recomputed from the signed events in the log. "
        "Take the log's public key from its operator (this node says it is "
        "<code>%s</code>), save it as <code>log.pub</code>, and run:</p>\n"
        "<pre class=\"cmd\"><code id=\"replay-cmd\">dacc round replay --node %s "
        "--log-key log.pub %s</code></pre>\n<p>It checks every event's inclusion in "
        "the signed checkpoint and prints the same result, byte for byte: compare it "
        "with <a href=\"/api/v1/rounds/%s/result\">this node's</a>.</p></section>\n",
        pub ? pub : "unknown", url, v->hex, v->hex);
    free(pub);
}

/* Where the scripts put a participant's forms; what to do without them. */
static void participate(node_html *h, const char *heading, const char *what)
{
    html_printf(h,
                "<section class=\"participate\" aria-labelledby=\"take-h\"><h2 id=\"take-h\">%s"
                "</h2>\n<div id=\"participate\" data-action=\"%s\"><p class=\"nojs\">Taking part "
                "needs JavaScript: your key stays in this browser and signs each event here, so "
                "the node never sees it. Everything else on this page works without it.</p>"
                "</div></section>\n",
                heading, what);
}

/* ---- deep funding ---- */

static void leaderboard(node_html *h, const json_t *res)
{
    const json_t *lb = json_object_get(res, "leaderboard"), *m;
    if (json_array_size(lb) == 0) {
        html_printf(h, "<p>No model has submitted weights: the allocation follows the jury "
                       "alone.</p>\n");
        return;
    }
    size_t n, i;
    sort_row *rows = sorted(lb, "rank", "model", &n);
    html_printf(h,
                "<table id=\"leaderboard\"><caption>Model submissions scored against the jury "
                "(ranked on %s answers; lower error is better)</caption>\n<thead><tr>"
                "<th scope=\"col\">Rank</th><th scope=\"col\">Model (its key)</th>"
                "<th scope=\"col\">Error, all answers</th><th scope=\"col\">Public</th>"
                "<th scope=\"col\">Private</th><th scope=\"col\">Weight in the mixture</th>"
                "</tr></thead><tbody>\n",
                jstr(res, "ranked_on"));
    for (i = n; i-- > 0;) { /* rank 1 first: sorted() puts the largest first */
        m = rows[i].row;
        char f[4][DACC_FMT_REAL_MAX];
        html_printf(h,
                    "<tr><td>%lld</td><td><code title=\"%s\">%.16r…</code></td><td>%s</td>"
                    "<td>%s</td><td>%s</td><td>%s</td></tr>\n",
                    jint(m, "rank"), jstr(m, "model"), jstr(m, "model"), figure(m, "mse", f[0]),
                    figure(m, "public_mse", f[1]), figure(m, "private_mse", f[2]),
                    figure(m, "mixture", f[3]));
    }
    free(rows);
    char cost[DACC_FMT_REAL_MAX];
    html_printf(h,
                "</tbody></table>\n<p>The mixture is the weighting of the models that fits the "
                "jury best (its error: %s); the allocation below uses it.</p>\n",
                figure(res, "mixture_cost", cost));
}

static void allocation_table(node_html *h, const round_view_t *v, const sort_row *rows, size_t n,
                             int decimals)
{
    size_t shown = v->all_rows || n <= TABLE_ROWS ? n : TABLE_ROWS;
    char amount[HTML_UNITS_MAX];
    html_printf(h, "<table id=\"allocation\"><caption>Allocation through the graph, largest first"
                   "</caption>\n<thead><tr><th scope=\"col\">Project</th><th scope=\"col\" "
                   "class=\"num\">Amount</th><th scope=\"col\" class=\"num\">Share</th></tr>"
                   "</thead><tbody>\n");
    for (size_t i = 0; i < shown; i++) {
        html_printf(h, "<tr><td>");
        project_name(h, jstr(rows[i].row, "project"));
        const char *units = jstr(rows[i].row, "amount");
        html_printf(h, "</td><td class=\"num\">%s</td><td class=\"num\">%.2f%%</td></tr>\n",
                    strchr(units, '.') ? units : html_units(units, decimals, amount),
                    100 * jnum(rows[i].row, "share"));
    }
    html_printf(h, "</tbody></table>\n");
    more_rows(h, shown, n, v->hex);
}

static void deepfund_page(node_html *h, const round_view_t *v)
{
    const json_t *s = json_object_get(v->state, "state");
    html_printf(h,
                "<section aria-labelledby=\"graph-h\"><h2 id=\"graph-h\">The round</h2>\n"
                "<p>Models submit weights for the edges of a dependency graph; jurors compare "
                "pairs of projects; the models are scored against the jurors and mixed, and the "
                "pool flows through the graph by the mixture's weights.</p>\n<dl class=\"facts\">"
                "<dt>Projects</dt><dd>%lld in a graph of %lld edges</dd><dt>Model submissions</dt>"
                "<dd>%lld</dd><dt>Jurors</dt><dd>%lld, with %lld answers</dd><dt>Questions</dt>"
                "<dd>%r</dd></dl></section>\n",
                jint(s, "projects"), jint(s, "edges"), jint(s, "models"), jint(s, "jurors"),
                jint(s, "answers"),
                jint(s, "questions") ? "drawn for each juror when the submissions close"
                                     : "free: a juror compares any two siblings");
    participate(h, "Your questions, as a juror", "deepfund");
    html_printf(h, "<section id=\"results\" aria-labelledby=\"res-h\"><h2 id=\"res-h\">Results"
                   "</h2>\n");
    if (v->result == NULL) {
        html_printf(h, "<p>No result yet: %s.</p>\n", v->result_why);
    } else {
        const json_t *res = json_object_get(v->result, "result");
        int d = (int)jint(res, "decimals");
        char pool[HTML_UNITS_MAX];
        const char *p = jstr(res, "pool");
        html_printf(h, "<p>%r Pool: <strong>%s</strong>, from %lld answers.</p>\n",
                    json_is_true(json_object_get(v->result, "final"))
                        ? "The jury has closed: this is the final result."
                        : "The round is open: this is the result so far.",
                    strchr(p, '.') ? p : html_units(p, d, pool), jint(res, "answers"));
        leaderboard(h, res);
        size_t n;
        sort_row *rows = sorted(json_object_get(res, "table"), "share", "project", &n);
        amount_chart(h, rows, n, "amount", d, "Allocation through the graph", "alloc");
        allocation_table(h, v, rows, n, d);
        free(rows);
    }
    html_printf(h, "</section>\n");
}

/* ---- quadratic funding ---- */

static void pgf_sum(node_html *h, const json_t *res, const sort_row *rows, size_t n, int d)
{
    dacc_u128 sum = 0, v, pool = 0, left = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = jstr(rows[i].row, "payout");
        if (dacc_money_parse(s, strlen(s), 0, &v, NULL) == DACC_OK)
            sum += v;
    }
    const char *ps = jstr(res, "pool"), *ls = jstr(res, "undistributed");
    dacc_money_parse(ps, strlen(ps), 0, &pool, NULL);
    dacc_money_parse(ls, strlen(ls), 0, &left, NULL);
    char a[DACC_MONEY_STRLEN], b[HTML_UNITS_MAX], c[HTML_UNITS_MAX], e[HTML_UNITS_MAX];
    dacc_money_format(sum, 0, 0, a);
    html_printf(
        h,
        "<p id=\"pool-check\">The payouts add up to <strong>%s</strong>; with %s left "
        "undistributed that is <strong>%s</strong>, the pool %s %r</p>\n",
        html_units(a, d, b), html_units(ls, d, c), html_units(a, d, b), html_units(ps, d, e),
        sum + left == pool ? "exactly (to the base unit)." : "— <strong>NOT</strong> the pool.");
}

static void pgf_table(node_html *h, const round_view_t *v, const sort_row *rows, size_t n, int d,
                      bool closed)
{
    size_t shown = v->all_rows || n <= TABLE_ROWS ? n : TABLE_ROWS;
    char x[HTML_UNITS_MAX], y[HTML_UNITS_MAX];
    html_printf(h,
                "<table id=\"projects\"><caption>Projects, by %r</caption>\n<thead><tr>"
                "<th scope=\"col\">Project</th><th scope=\"col\" class=\"num\">Donors</th>"
                "<th scope=\"col\" class=\"num\">Donated</th><th scope=\"col\" class=\"num\">"
                "Matching%r</th><th scope=\"col\" class=\"num\">Share of the pool</th>"
                "<th scope=\"col\" class=\"num\">%r</th></tr></thead><tbody>\n",
                closed ? "payout" : "payout if the round closed now", closed ? "" : " (estimate)",
                closed ? "Payout" : "Payout now");
    for (size_t i = 0; i < shown; i++) {
        const json_t *r = rows[i].row;
        html_printf(h,
                    "<tr><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%s</td>"
                    "<td class=\"num\">%.2f</td><td class=\"num\">%.2f%%</td>"
                    "<td class=\"num\">%s</td></tr>\n",
                    jstr(r, "project"), jint(r, "donors"), html_units(jstr(r, "donated"), d, x),
                    jnum(r, "matching"), 100 * jnum(r, "share"),
                    html_units(jstr(r, "payout"), d, y));
    }
    html_printf(h, "</tbody></table>\n");
    more_rows(h, shown, n, v->hex);
}

static void pgf_page(node_html *h, const round_view_t *v)
{
    const json_t *s = json_object_get(v->state, "state");
    const json_t *params = json_object_get(json_object_get(v->config, "body"), "params");
    bool closed = strcmp(jstr(v->state, "phase"), "closed") == 0;
    const json_t *res = v->result ? json_object_get(v->result, "result") : NULL;
    int d = (int)jint(res, "decimals");
    html_printf(h,
                "<section id=\"results\" aria-labelledby=\"res-h\" data-decimals=\"%d\">"
                "<h2 id=\"res-h\">%r</h2>\n",
                d, closed ? "Payouts" : "Donations so far, and the matching they would get");
    if (res == NULL) {
        html_printf(h, "<p>No result: %s.</p></section>\n", v->result_why);
        return;
    }
    char pool[HTML_UNITS_MAX], donated[HTML_UNITS_MAX];
    html_printf(
        h,
        "<dl class=\"facts\"><dt>Pool</dt><dd>%s</dd><dt>Method</dt><dd>%s</dd>"
        "<dt>Donations</dt><dd id=\"donations\">%lld donations, %s in all, to %lld projects</dd>"
        "</dl>\n",
        html_units(jstr(res, "pool"), d, pool), jstr(res, "method"), jint(s, "donations"),
        html_units(jstr(s, "donated"), d, donated), jint(s, "projects"));
    size_t n;
    sort_row *rows = sorted(json_object_get(res, "table"), "share", "project", &n);
    amount_chart(h, rows, n, "payout", d,
                 closed ? "Payouts by project" : "Payout by project if the round closed now",
                 "pay");
    pgf_table(h, v, rows, n, d, closed);
    pgf_sum(h, res, rows, n, d);
    free(rows);
    html_printf(h,
                "<details><summary>How each row is computed</summary><p>A project's matching is "
                "quadratic funding's (the square of the sum of the square roots of each donor's "
                "total, less the donations%r); its share of the pool is its share of all the "
                "matching%r; the payout is that share of the pool in base units, rounded so that "
                "the payouts and what is left sum to the pool exactly. The "
                "<a href=\"/api/v1/rounds/%s/result\">result</a> is what <code>dacc fund</code> "
                "computes on the same donations.</p></details></section>\n",
                strcmp(jstr(res, "method"), "qf") == 0 ? "" : ", then the method's corrections",
                json_object_get(params, "cap") ? ", no project above the cap" : "", v->hex);
    if (!closed)
        participate(h, "Donate", "pgf");
}

/* ---- prediction markets ---- */

typedef struct {
    char id[64];
    unsigned outcomes;
    double *y[OUTCOMES_MAX];
    size_t n, cap;
} price_history;

static void history_point(price_history *hs, size_t nh, const json_t *markets)
{
    const json_t *m;
    size_t i;
    json_array_foreach(markets, i, m)
    {
        for (size_t k = 0; k < nh; k++) {
            price_history *p = &hs[k];
            if (strcmp(p->id, jstr(m, "market")) != 0)
                continue;
            if (p->n == p->cap) {
                size_t cap = p->cap ? 2 * p->cap : 64;
                for (unsigned o = 0; o < p->outcomes; o++) {
                    double *y = realloc(p->y[o], cap * sizeof *y);
                    if (y == NULL)
                        return;
                    p->y[o] = y;
                }
                p->cap = cap;
            }
            for (unsigned o = 0; o < p->outcomes; o++)
                p->y[o][p->n] = json_real_value(json_array_get(json_object_get(m, "prices"), o));
            p->n++;
        }
    }
}

static bool is_trade(const char *type)
{
    return strcmp(type, "market/buy") == 0 || strcmp(type, "market/sell") == 0 ||
           strcmp(type, "market/create") == 0;
}

/* The round replayed from its entries (at most HISTORY_MAX), the prices of
 * every market after each trade; stops at the first event a round without
 * the log refuses (a resolution by another round: trading is over then). */
static size_t replay_prices(dacc_node *n, const uint8_t *id, price_history *hs, size_t nh)
{
    uint64_t *idx;
    size_t count, done = 0;
    if (dacc_store_round_entries(n->rl.store, id, &idx, &count, NULL) != DACC_OK)
        return 0;
    dacc_round *r = NULL;
    for (size_t i = 0; i < count && i < HISTORY_MAX; i++, done++) {
        uint8_t *data;
        size_t len;
        dacc_round_event ev;
        if (dacc_tlog_log_entry(n->rl.log, idx[i], &data, &len, NULL) != DACC_OK)
            break;
        dacc_status st = i == 0 ? dacc_round_new(data, len, &r, NULL)
                                : dacc_round_event_decode("entry", data, len, &ev, NULL);
        free(data);
        if (st == DACC_OK && i > 0) {
            st = dacc_round_apply_event(r, &ev, NULL);
            bool trade = is_trade(ev.type);
            dacc_round_event_clear(&ev);
            if (!trade)
                continue;
        }
        json_t *res;
        if (st != DACC_OK || dacc_round_result(r, &res, NULL) != DACC_OK)
            break;
        history_point(hs, nh, json_object_get(json_object_get(res, "result"), "markets"));
        json_decref(res);
    }
    dacc_round_free(r);
    free(idx);
    return done;
}

static void history_charts(node_html *h, const round_view_t *v, const json_t *markets)
{
    price_history hs[MARKETS_MAX] = { 0 };
    size_t nh = 0, i;
    const json_t *m;
    json_array_foreach(markets, i, m)
    {
        if (nh == MARKETS_MAX)
            break;
        snprintf(hs[nh].id, sizeof hs[nh].id, "%s", jstr(m, "market"));
        size_t k = json_array_size(json_object_get(m, "prices"));
        hs[nh++].outcomes = (unsigned)(k > OUTCOMES_MAX ? OUTCOMES_MAX : k);
    }
    size_t replayed = replay_prices(v->n, v->id, hs, nh);
    for (size_t k = 0; k < nh; k++) {
        char title[160], names[OUTCOMES_MAX][32], chart_id[32];
        dacc_svg_series s[OUTCOMES_MAX];
        for (unsigned o = 0; o < hs[k].outcomes; o++) {
            snprintf(names[o], sizeof names[o], "outcome %u", o);
            s[o] = (dacc_svg_series){ names[o], hs[k].y[o] };
        }
        snprintf(title, sizeof title, "Prices of market %.63s, after each trade", hs[k].id);
        snprintf(chart_id, sizeof chart_id, "hist%zu", k);
        dacc_svg_lines_opts o = { .title = title,
                                  .x_axis = "trade",
                                  .y_axis = "price",
                                  .y_min = 0,
                                  .y_max = 1,
                                  .id = chart_id };
        dacc_buf svg;
        dacc_buf_init(&svg, 0);
        dacc_error err;
        dacc_status st = hs[k].n > 0 ? dacc_svg_lines(&o, s, hs[k].outcomes, hs[k].n, &svg, &err)
                                     : dacc_error_set(&err, DACC_ERR_NOTFOUND, "no trade yet");
        html_chart(h, st, &svg, &err);
        for (unsigned u = 0; u < hs[k].outcomes; u++)
            free(hs[k].y[u]);
    }
    if (replayed == HISTORY_MAX)
        html_printf(h, "<p>The history shows the first %d events.</p>\n", HISTORY_MAX);
}

static void market_source(node_html *h, const json_t *m)
{
    const json_t *by = json_object_get(m, "resolve_by"), *p;
    size_t i;
    if (by == NULL) {
        html_printf(h, "<p>Resolves by the operator's signed <code>market/resolve</code> event, "
                       "naming the outcome that happened (or payouts, or invalid).</p>\n");
        return;
    }
    html_printf(h,
                "<p>Resolves by the jury of the deep-funding round <a href=\"/rounds/%s\">"
                "<code>%.16s…</code></a>, once it closes: outcome <var>i</var> pays in "
                "proportion to what that round allocates its project:</p><ul>",
                jstr(by, "round"), jstr(by, "round"));
    json_array_foreach(json_object_get(by, "projects"), i, p)
    {
        html_printf(h, "<li>outcome %zu: ", i);
        project_name(h, json_string_value(p) ? json_string_value(p) : "");
        html_printf(h, "</li>");
    }
    html_printf(h, "</ul>\n");
}

static void market_one(node_html *h, const json_t *m, int d)
{
    const json_t *p;
    size_t i;
    char col[HTML_UNITS_MAX], fees[HTML_UNITS_MAX];
    html_printf(h,
                "<section class=\"market\" aria-labelledby=\"m-%s\"><h3 id=\"m-%s\">Market %s</h3>"
                "\n<dl class=\"facts\"><dt>Kind</dt><dd>%s</dd><dt>Collateral</dt><dd>%s</dd>"
                "<dt>Fees</dt><dd>%s</dd><dt>Status</dt><dd>%r</dd></dl>\n"
                "<table class=\"prices\" data-market=\"%s\" data-resolved=\"%r\"><caption>Outcomes "
                "and their prices"
                "</caption><thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\" "
                "class=\"num\">Price</th></tr></thead><tbody>\n",
                jstr(m, "market"), jstr(m, "market"), jstr(m, "market"), jstr(m, "kind"),
                html_units(jstr(m, "collateral"), d, col), html_units(jstr(m, "fees"), d, fees),
                json_is_true(json_object_get(m, "resolved")) ? "<strong>resolved</strong>"
                                                             : "trading",
                jstr(m, "market"), json_is_true(json_object_get(m, "resolved")) ? "1" : "0");
    json_array_foreach(json_object_get(m, "prices"), i, p)
    {
        char price[DACC_FMT_REAL_MAX];
        html_printf(h, "<tr><td>outcome %zu</td><td class=\"num\">%s</td></tr>\n", i,
                    dacc_fmt_fixed(json_number_value(p), 4, price) ? price : "—");
    }
    html_printf(h, "</tbody></table>\n<h4>Resolution: criteria and source</h4>\n");
    market_source(h, m);
    html_printf(h, "</section>\n");
}

static void accounts_table(node_html *h, const json_t *res, int d, bool resolved)
{
    const json_t *row;
    size_t i;
    char b[HTML_UNITS_MAX];
    html_printf(h,
                "<table id=\"accounts\"><caption>%r</caption><thead><tr><th scope=\"col\">"
                "Account (its key)</th><th scope=\"col\" class=\"num\">Balance</th></tr></thead>"
                "<tbody>\n",
                resolved ? "Balances, with the payouts of redeemed shares"
                         : "Accounts' money, not counting shares held");
    json_array_foreach(json_object_get(res, "table"), i, row)
    {
        html_printf(h,
                    "<tr data-account=\"%s\"><td><code title=\"%s\">%.16r…</code></td>"
                    "<td class=\"num\">%s</td></tr>\n",
                    jstr(row, "account"), jstr(row, "account"), jstr(row, "account"),
                    html_units(jstr(row, "balance"), d, b));
    }
    html_printf(h, "</tbody></table>\n");
}

static void market_page(node_html *h, const round_view_t *v)
{
    const json_t *res = v->result ? json_object_get(v->result, "result") : NULL, *m;
    int d = (int)jint(res, "decimals");
    html_printf(h,
                "<section id=\"results\" aria-labelledby=\"res-h\" data-decimals=\"%d\">"
                "<h2 id=\"res-h\">Markets</h2>\n",
                d);
    if (res == NULL) {
        html_printf(h, "<p>No markets yet: %s.</p></section>\n", v->result_why);
        return;
    }
    size_t i;
    bool resolved = false;
    json_array_foreach(json_object_get(res, "markets"), i, m)
    {
        market_one(h, m, d);
        resolved = resolved || json_is_true(json_object_get(m, "resolved"));
    }
    history_charts(h, v, json_object_get(res, "markets"));
    accounts_table(h, res, d, resolved);
    html_printf(h, "</section>\n");
    if (strcmp(jstr(v->state, "phase"), "closed") != 0)
        participate(h, "Trade", "market");
}

/* ---- community notes ---- */

/* The notes of the round as their authors wrote them: note id to its
 * event body, from the log, with "received", the ratings it was given
 * (the scorer counts only those its filters keep). */
static json_t *note_bodies(dacc_node *n, const uint8_t *id)
{
    uint64_t *idx;
    size_t count;
    json_t *map = json_object();
    if (dacc_store_round_entries(n->rl.store, id, &idx, &count, NULL) != DACC_OK)
        return map;
    for (size_t i = 1; i < count; i++) {
        json_t *ev = entry_event(n, idx[i]), *body = json_object_get(ev, "body"), *note;
        if (ev != NULL && strcmp(jstr(ev, "type"), "notes/note") == 0) {
            json_object_set_new(body, "author", json_string(jstr(ev, "signer")));
            json_object_set_new(body, "received", json_integer(0));
            json_object_set(map, jstr(body, "note"), body);
        } else if (ev != NULL && strcmp(jstr(ev, "type"), "notes/rating") == 0 &&
                   (note = json_object_get(map, jstr(body, "note"))) != NULL) {
            json_object_set_new(note, "received", json_integer(jint(note, "received") + 1));
        }
        json_decref(ev);
    }
    free(idx);
    return map;
}

static void notes_page(node_html *h, const round_view_t *v)
{
    html_printf(h, "<section id=\"results\" aria-labelledby=\"res-h\"><h2 id=\"res-h\">Notes"
                   "</h2>\n");
    const json_t *res = v->result ? json_object_get(v->result, "result") : NULL, *row;
    if (res == NULL || json_array_size(json_object_get(res, "table")) == 0) {
        html_printf(h, "<p>No notes yet.</p></section>\n");
        return;
    }
    if (json_object_get(res, "unscored"))
        html_printf(h, "<p>Not scored yet: %s.</p>\n", jstr(res, "unscored"));
    json_t *bodies = note_bodies(v->n, v->id);
    size_t i, n = json_array_size(json_object_get(res, "table"));
    size_t shown = v->all_rows || n <= TABLE_ROWS ? n : TABLE_ROWS;
    html_printf(h,
                "<p>%lld notes, %lld ratings. A note's status is the Community Notes scorer's on "
                "every rating; open a note to see why, and to rate it.</p>\n<table id=\"notes\">"
                "<caption>Notes and their status</caption><thead><tr><th scope=\"col\">Note</th>"
                "<th scope=\"col\">Says</th><th scope=\"col\">Status</th><th scope=\"col\" "
                "class=\"num\">Ratings</th><th scope=\"col\" class=\"num\">Intercept</th>"
                "<th scope=\"col\" class=\"num\">Factor</th></tr></thead><tbody>\n",
                jint(res, "notes"), jint(res, "ratings"));
    json_array_foreach(json_object_get(res, "table"), i, row)
    {
        if (i == shown)
            break;
        const json_t *b = json_object_get(bodies, jstr(row, "note"));
        char fa[32], fb[32];
        html_printf(h,
                    "<tr><td><a href=\"/rounds/%s/notes/%s\">%s</a></td><td>%s</td><td>%s</td>"
                    "<td class=\"num\">%lld</td><td class=\"num\">%s</td><td class=\"num\">%s"
                    "</td></tr>\n",
                    v->hex, jstr(row, "note"), jstr(row, "note"), jstr(b, "summary"),
                    jstr(row, "status"), jint(row, "ratings"), figure(row, "intercept", fa),
                    figure(row, "factor", fb));
    }
    html_printf(h, "</tbody></table>\n");
    more_rows(h, shown, n, v->hex);
    html_printf(h, "</section>\n");
    json_decref(bodies);
}

static void note_page(node_html *h, const round_view_t *v, const char *note)
{
    json_t *args = json_pack("{ss}", "note", note), *doc = NULL, *bodies = note_bodies(v->n, v->id);
    dacc_error err;
    dacc_status st = dacc_round_query(v->r, "note", args, &doc, &err);
    json_decref(args);
    const json_t *b = json_object_get(bodies, note), *why;
    char fa[32], fb[32];
    html_printf(h,
                "<section id=\"results\" aria-labelledby=\"note-h\"><h2 id=\"note-h\">Note %s"
                "</h2>\n",
                note);
    if (st != DACC_OK) {
        html_printf(h, "<p class=\"bad\">%s</p></section>\n", dacc_error_message(&err));
        json_decref(bodies);
        return;
    }
    html_printf(
        h,
        "<blockquote id=\"summary\">%s</blockquote>\n<dl class=\"facts\"><dt>Classified as"
        "</dt><dd>%s</dd><dt>On post</dt><dd>%s</dd><dt>Status</dt><dd id=\"status\">"
        "<strong>%s</strong></dd><dt>Ratings</dt><dd><span id=\"ratings\">%lld</span> received, "
        "%lld counted by the scorer</dd>"
        "<dt>Intercept</dt><dd>%s</dd><dt>Factor</dt><dd>%s</dd></dl>\n"
        "<h3>Why</h3>\n<ol id=\"reasons\">",
        jstr(b, "summary"), jstr(b, "classification"), jstr(b, "tweet"), jstr(doc, "status"),
        jint(b, "received"), jint(doc, "ratings"), figure(doc, "intercept", fa),
        figure(doc, "factor", fb));
    size_t i;
    json_array_foreach(json_object_get(doc, "reasons"), i, why)
    {
        html_printf(h, "<li><strong>%s</strong>: %s</li>", jstr(why, "rule"), jstr(why, "says"));
    }
    html_printf(h, "</ol>\n<p><a href=\"/rounds/%s\">Every note of the round</a></p></section>\n",
                v->hex);
    json_decref(doc);
    json_decref(bodies);
    participate(h, "Rate this note", "rating");
}

/* ---- the soft pause ---- */

static void signer_names(node_html *h, const char *note)
{
    const char *p = strstr(note, "\n\n");
    html_printf(h, "<ul class=\"signers\">");
    for (p = p ? p + 2 : note + strlen(note); *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "") {
        const char *sp = strchr(p + 4, ' '), *nl = strchr(p, '\n');
        if (strncmp(p, "\xE2\x80\x94 ", 4) != 0 || sp == NULL || (nl && sp > nl))
            break;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(sp - p - 4), p + 4);
        html_printf(h, "<li>%s</li>", name);
    }
    html_printf(h, "</ul>");
}

static void pause_page(node_html *h, const round_view_t *v)
{
    html_printf(h, "<section id=\"results\" aria-labelledby=\"res-h\"><h2 id=\"res-h\">"
                   "Heartbeats</h2>\n");
    const json_t *res = v->result ? json_object_get(v->result, "result") : NULL, *row;
    size_t n = res ? json_array_size(json_object_get(res, "table")) : 0, i;
    if (n == 0) {
        html_printf(h, "<p>No heartbeat yet: devices of this domain run only while they hold a "
                       "fresh one.</p></section>\n");
        return;
    }
    const json_t *last = json_array_get(json_object_get(res, "table"), n - 1);
    char from[32], to[32];
    html_printf(h,
                "<p>Devices of <strong>%s</strong> run only while they hold a heartbeat signed "
                "by %lld of its %lld signers, inside its validity window.</p>\n"
                "<dl class=\"facts\"><dt>Current epoch</dt><dd id=\"epoch\">%lld</dd>"
                "<dt>Signatures</dt><dd>%lld of the %lld needed%r</dd><dt>Signed by</dt><dd>",
                jstr(res, "domain"), jint(res, "threshold"), jint(res, "signers"),
                jint(last, "epoch"), jint(last, "signatures"), jint(res, "threshold"),
                json_is_true(json_object_get(last, "ready")) ? ": ready" : ": not yet valid");
    signer_names(h, jstr(last, "note"));
    html_printf(h,
                "</dd><dt>Valid</dt><dd>from %s to %s</dd></dl>\n<p id=\"countdown\" "
                "data-not-after=\"%lld\" data-ready=\"%r\">Without a new heartbeat, devices halt "
                "at <strong>%s</strong>.</p>\n<h3>The heartbeat note</h3>\n<pre>%s</pre>\n"
                "<table id=\"epochs\"><caption>Every epoch</caption><thead><tr><th scope=\"col\">"
                "Epoch</th><th scope=\"col\">Not before</th><th scope=\"col\">Not after</th>"
                "<th scope=\"col\" class=\"num\">Signatures</th><th scope=\"col\">Ready</th></tr>"
                "</thead><tbody>\n",
                html_time((uint64_t)jint(last, "not_before"), from),
                html_time((uint64_t)jint(last, "not_after"), to), jint(last, "not_after"),
                json_is_true(json_object_get(last, "ready")) ? "1" : "0", to, jstr(last, "note"));
    json_array_foreach(json_object_get(res, "table"), i, row)
    {
        html_printf(h,
                    "<tr><td>%lld</td><td>%s</td><td>%s</td><td class=\"num\">%lld</td><td>%r</td>"
                    "</tr>\n",
                    jint(row, "epoch"), html_time((uint64_t)jint(row, "not_before"), from),
                    html_time((uint64_t)jint(row, "not_after"), to), jint(row, "signatures"),
                    json_is_true(json_object_get(row, "ready")) ? "yes" : "no");
    }
    html_printf(h, "</tbody></table></section>\n");
}

/* ---- dispatch ---- */

static void round_body(node_html *h, const round_view_t *v, const char *note)
{
    const char *m = dacc_round_mechanism(v->r);
    round_header(h, v);
    if (note != NULL && strcmp(m, "notes") == 0)
        note_page(h, v, note);
    else if (strcmp(m, "deepfund") == 0)
        deepfund_page(h, v);
    else if (strcmp(m, "pgf") == 0)
        pgf_page(h, v);
    else if (strcmp(m, "market") == 0)
        market_page(h, v);
    else if (strcmp(m, "notes") == 0)
        notes_page(h, v);
    else if (strcmp(m, "pause") == 0)
        pause_page(h, v);
    replay_section(h, v);
}

static void round_page(dacc_node *n, struct MHD_Connection *c, const char *rest, node_answer *a)
{
    uint8_t id[32];
    round_view_t v = { .n = n, .c = c, .id = id };
    const char *note = NULL;
    if (strspn(rest, "0123456789abcdef") != 64 ||
        dacc_hex_decode(rest, 64, id, 32, NULL) != DACC_OK ||
        (rest[64] != '\0' && strncmp(rest + 64, "/notes/", 7) != 0)) {
        node_problem(a, 404, "no such page: a round's is /rounds/ and its 64-digit id", rest, NULL);
        return;
    }
    if (rest[64] != '\0')
        note = rest + 64 + 7;
    const char *rows = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "rows");
    v.all_rows = rows != NULL && strcmp(rows, "all") == 0;
    snprintf(v.hex, sizeof v.hex, "%.64s", rest);
    dacc_error err;
    pthread_mutex_lock(&n->store);
    if (dacc_store_peek(n->rl.store, id, &v.r, &err) != DACC_OK ||
        dacc_round_state(v.r, &v.state, &err) != DACC_OK) {
        pthread_mutex_unlock(&n->store);
        node_problem_from(a, &err, "no such round");
        return;
    }
    v.config = round_config(n, id);
    if (dacc_round_result(v.r, &v.result, &err) != DACC_OK) {
        v.result = NULL;
        snprintf(v.result_why, sizeof v.result_why, "%s", dacc_error_message(&err));
    }
    node_html h;
    const char *title = jstr(v.state, "title");
    html_begin(&h, title[0] ? title : mechanism_name(dacc_round_mechanism(v.r)), "round.js", v.hex,
               dacc_round_mechanism(v.r));
    round_body(&h, &v, note);
    pthread_mutex_unlock(&n->store);
    json_decref(v.state);
    json_decref(v.config);
    json_decref(v.result);
    html_end(&h, a, 200);
}

/* ---- home ---- */

typedef struct {
    dacc_node *n;
    node_html *h;
    const char *mechanism;
    size_t listed;
} home_list;

static void home_round(void *ctx, const uint8_t id[DACC_ROUND_ID_BYTES], const char *mechanism,
                       uint64_t first, uint64_t entries)
{
    home_list *l = ctx;
    const dacc_round *r;
    json_t *st;
    (void)first, (void)entries;
    if (strcmp(mechanism, l->mechanism) != 0 || l->listed >= HOME_ROUNDS ||
        dacc_store_peek(l->n->rl.store, id, &r, NULL) != DACC_OK ||
        dacc_round_state(r, &st, NULL) != DACC_OK)
        return;
    char hex[65];
    dacc_hex_encode(id, 32, hex);
    json_t *config = round_config(l->n, id);
    const char *phase = jstr(st, "phase"), *title = jstr(st, "title");
    html_printf(l->h, "<tr><td><a href=\"/rounds/%s\">%s</a></td><td>%s</td><td>", hex,
                title[0] ? title : hex, phase);
    const json_t *p;
    size_t i;
    json_array_foreach(json_object_get(json_object_get(config, "body"), "phases"), i, p)
    {
        if (strcmp(jstr(p, "name"), phase) == 0)
            close_rule(l->h, json_object_get(p, "close"));
    }
    html_printf(l->h, "%r</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>\n",
                strcmp(phase, "closed") == 0 ? "closed" : "", jint(st, "events"),
                jint(st, "signers"));
    json_decref(config);
    json_decref(st);
    l->listed++;
}

static void home_rounds(node_html *h, dacc_node *n)
{
    static const char *const order[] = { "deepfund", "pgf", "market", "notes", "pause" };
    size_t all = 0;
    for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
        home_list l = { n, h, order[k], 0 };
        node_html part;
        html_init(&part);
        l.h = &part;
        dacc_store_each_round(n->rl.store, &l, home_round, NULL);
        if (l.listed > 0)
            html_printf(h,
                        "<table class=\"rounds\" data-mechanism=\"%s\"><caption>%s (%zu)</caption>"
                        "<thead><tr><th scope=\"col\">Round</th><th scope=\"col\">Phase</th>"
                        "<th scope=\"col\">The phase closes</th><th scope=\"col\" class=\"num\">"
                        "Events</th><th scope=\"col\" class=\"num\">Signers</th></tr></thead>"
                        "<tbody>\n%r</tbody></table>\n",
                        order[k], mechanism_name(order[k]), l.listed,
                        part.st == DACC_OK && part.b.data ? part.b.data : "");
        all += l.listed;
        dacc_buf_free(&part.b);
    }
    if (all == 0)
        html_printf(h, "<p>No rounds yet. An operator creates one by posting its signed config "
                       "to <code>/api/v1/rounds</code> (docs/node.md).</p>\n");
}

static void home_page(dacc_node *n, node_answer *a)
{
    node_html h;
    html_begin(&h, "Rounds", NULL, NULL, NULL);
    html_printf(&h, "<h1>Rounds on this node</h1>\n<p>Each round is a mechanism run in the open: "
                    "every action in it is an event its author signed, kept in a transparency "
                    "log anyone can check.</p>\n");
    pthread_mutex_lock(&n->store);
    home_rounds(&h, n);
    char *note = NULL;
    size_t len = 0;
    node_answer cp = { 0 };
    if (node_cosigned(n, dacc_tlog_log_size(n->rl.log), &cp)) {
        note = cp.body;
        len = cp.len;
    } else if (dacc_tlog_log_checkpoint(n->rl.log, &note, &len, NULL) != DACC_OK) {
        note = NULL;
    }
    pthread_mutex_unlock(&n->store);
    html_printf(&h,
                "<section aria-labelledby=\"cp-h\"><h2 id=\"cp-h\">The log's checkpoint</h2>\n");
    if (note != NULL)
        html_checkpoint(&h, note, len, false);
    else
        html_printf(&h, "<p>The log is empty: it has no checkpoint until its first entry.</p>\n");
    html_printf(&h, "<p><a href=\"/audit\">Audit it</a>: verify a receipt and this checkpoint in "
                    "your browser.</p></section>\n");
    if (n->tokens != NULL) /* set once at start */
        html_printf(&h, "<p>This node is an anonymous token issuer: <a href=\"/tokens\">its "
                        "keys and what it has issued</a>.</p>\n");
    free(note);
    html_end(&h, a, 200);
}

/* ---- the auditor's page ---- */

static void audit_entry(node_html *h, dacc_node *n, const char *arg)
{
    uint64_t index;
    html_printf(h, "<section id=\"entry\" aria-labelledby=\"entry-h\"><h2 id=\"entry-h\">An entry "
                   "of the log</h2>\n");
    if (dacc_csv_parse_u64(arg, strlen(arg), &index, NULL) != DACC_OK ||
        index >= dacc_tlog_log_size(n->rl.log)) {
        html_printf(h, "<p class=\"bad\">No entry %s: the log has %llu.</p></section>\n", arg,
                    (unsigned long long)dacc_tlog_log_size(n->rl.log));
        return;
    }
    uint8_t *data, leaf[32];
    size_t len;
    char hex[65];
    if (dacc_tlog_log_entry(n->rl.log, index, &data, &len, NULL) != DACC_OK) {
        html_printf(h, "<p class=\"bad\">Entry %s could not be read.</p></section>\n", arg);
        return;
    }
    dacc_tlog_leaf_hash(data, len, leaf);
    json_t *ev = entry_event(n, index);
    char *pretty = ev ? dacc_json_dumps(ev, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    char *raw = strndup((const char *)data, len);
    html_printf(h,
                "<dl class=\"facts\"><dt>Index</dt><dd>%llu</dd><dt>Leaf hash</dt><dd><code "
                "class=\"id\">%s</code></dd><dt>Type</dt><dd>%s</dd><dt>Signer</dt><dd><code "
                "class=\"id\">%s</code></dd></dl>\n<h3>The event, decoded</h3>\n<pre "
                "id=\"entry-json\">%s</pre>\n<h3>The entry as logged</h3>\n<pre class=\"wrap\">%s"
                "</pre></section>\n",
                (unsigned long long)index, dacc_hex_encode(leaf, 32, hex), jstr(ev, "type"),
                jstr(ev, "signer"), pretty ? pretty : "(not a dacc event)", raw ? raw : "");
    free(pretty);
    free(raw);
    free(data);
    json_decref(ev);
}

static void audit_page(dacc_node *n, struct MHD_Connection *c, node_answer *a)
{
    node_html h;
    char *pub = log_pub(n), *note = NULL;
    size_t len = 0;
    node_answer cp = { 0 };
    html_begin(&h, "Audit the log", "audit.js", NULL, NULL);
    html_printf(&h,
                "<h1>Audit the log</h1>\n<p>Check, in this browser, that an event is in the log "
                "and that the log only grows. The checks use the log's public key, which you "
                "should take from the log's operator; this node says it is</p>\n<pre "
                "id=\"node-key\" class=\"wrap\">%s</pre>\n",
                pub ? pub : "unknown");
    pthread_mutex_lock(&n->store);
    if (node_cosigned(n, dacc_tlog_log_size(n->rl.log), &cp)) {
        note = cp.body;
        len = cp.len;
    } else if (dacc_tlog_log_checkpoint(n->rl.log, &note, &len, NULL) != DACC_OK) {
        note = NULL;
    }
    html_printf(&h,
                "<section aria-labelledby=\"cp-h\"><h2 id=\"cp-h\">The latest checkpoint</h2>\n");
    if (note != NULL)
        html_checkpoint(&h, note, len, true);
    else
        html_printf(&h, "<p>The log is empty.</p>\n");
    html_printf(&h, "<div id=\"consistency\" aria-live=\"polite\"></div></section>\n");
    const char *entry = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "entry");
    if (entry != NULL)
        audit_entry(&h, n, entry);
    pthread_mutex_unlock(&n->store);
    html_printf(
        &h, "<section aria-labelledby=\"verify-h\"><h2 id=\"verify-h\">Verify a receipt</h2>\n"
            "<div id=\"verify\"><p class=\"nojs\">Verifying a receipt here needs JavaScript "
            "(the browser computes the hashes and checks the signature itself). Without it, "
            "run <code>dacc log verify --key log.pub --inclusion proof.txt --entry "
            "event.env</code>.</p></div></section>\n"
            "<section aria-labelledby=\"lookup-h\"><h2 id=\"lookup-h\">Read an entry</h2>\n"
            "<form method=\"get\" action=\"/audit\" class=\"inline\"><label for=\"entry-index\">"
            "Entry index</label> <input id=\"entry-index\" name=\"entry\" inputmode=\"numeric\" "
            "pattern=\"[0-9]+\" required> <button type=\"submit\">Show the entry</button></form>"
            "</section>\n");
    free(note);
    free(pub);
    html_end(&h, a, 200);
}

static void key_page(node_answer *a)
{
    node_html h;
    html_begin(&h, "Your key", "key.js", NULL, NULL);
    html_printf(&h,
                "<h1>Your key</h1>\n<p>Every event you send is signed with your Ed25519 key. It "
                "is made and kept in this browser (its local storage for this site) and never "
                "sent anywhere: the node only ever sees your public key and your signatures. "
                "Keep a copy of the secret key somewhere safe; whoever holds it can act as you."
                "</p>\n<div id=\"key-app\"><p class=\"nojs\">Making or importing a key needs "
                "JavaScript.</p></div>\n");
    html_end(&h, a, 200);
}

static bool wants_html(struct MHD_Connection *c)
{
    const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
    return accept != NULL && strstr(accept, "text/html") != NULL;
}

bool node_route_web(dacc_node *n, struct MHD_Connection *c, const char *url, node_answer *a)
{
    if (strncmp(url, "/assets/", 8) == 0)
        asset(url + 8, a);
    else if (strcmp(url, "/") == 0 && wants_html(c))
        home_page(n, a);
    else if (strncmp(url, "/rounds/", 8) == 0)
        round_page(n, c, url + 8, a);
    else if (strcmp(url, "/audit") == 0)
        audit_page(n, c, a);
    else if (strcmp(url, "/key") == 0)
        key_page(a);
    else
        return false;
    return true;
}
