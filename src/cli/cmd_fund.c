/* dacc fund: public-goods funding rounds from donation exports. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "spec.h"
#include "dacc/csv.h"
#include "dacc/fmt.h"
#include "dacc/json.h"
#include "dacc/pgf.h"
#include "dacc/svg.h"
#include "fund.h"
#include "spec.h"

enum {
    O_DCOL = 256,
    O_PCOL,
    O_ACOL,
    O_MIN,
    O_SELF,
    O_SCORE,
    O_S50,
    O_S100,
    O_CAP,
    O_SAT,
    O_M,
    O_STYLE,
    O_FANCY,
    O_SVG,
    O_FULL,
    O_KIND,
    O_GROUPS,
    O_SCORES,
    O_CLUSTERS,
    O_BLEND,
    O_TARGET,
    O_IGNSAT,
    O_ALLO,
    O_RECIPIENTS,
    O_LOG,
    O_KEY
};

static int opt_double(const char *prog, const char *name, const char *arg, double *out)
{
    dacc_error err;
    if (dacc_csv_parse_double(arg, strlen(arg), out, &err) != DACC_OK)
        return cli_usage(prog, "%s: %s", name, err.message);
    return CLI_OK;
}

/* A share (0.1) or a percentage (10%), as qf-calculator's users write caps;
 * a bare number above 1 is refused, since 10 would otherwise mean 1000%. */
static int parse_cap(const char *prog, const char *arg, double *out)
{
    size_t len = strlen(arg);
    bool pct = len > 0 && arg[len - 1] == '%';
    dacc_error err;
    if (dacc_csv_parse_double(arg, len - pct, out, &err) != DACC_OK)
        return cli_usage(prog, "--cap: %s", err.message);
    if (pct)
        *out /= 100;
    if (!(*out >= 0 && *out <= 1))
        return cli_usage(
            prog,
            pct ? "--cap: a percentage from 0%% to 100%%, got '%s'"
                : "--cap: a share from 0 to 1 (or a percentage such as 10%%), got '%s'",
            arg);
    return CLI_OK;
}

static int parse_style(const char *prog, const char *arg, dacc_pgf_style *out)
{
    if (strcmp(arg, "markov") == 0)
        *out = DACC_PGF_MARKOV;
    else if (strcmp(arg, "pct_friends") == 0)
        *out = DACC_PGF_PCT_FRIENDS;
    else if (strcmp(arg, "og") == 0)
        *out = DACC_PGF_OG;
    else
        return cli_usage(prog, "--style: expected markov, pct_friends or og, got '%s'", arg);
    return CLI_OK;
}

static int parse_more(const char *prog, int ch, fund_opts *o)
{
    switch (ch) {
    case O_DCOL:
        o->read.donor_col = optarg;
        return CLI_OK;
    case O_PCOL:
        o->read.project_col = optarg;
        return CLI_OK;
    case O_ACOL:
        o->read.amount_col = optarg;
        return CLI_OK;
    case O_SELF:
        o->read.self_col = optarg;
        return CLI_OK;
    case O_SCORE:
        o->read.score_col = optarg;
        return CLI_OK;
    case O_MIN:
        return opt_double(prog, "--min-donation", optarg, &o->read.min_donation);
    case O_S50:
        o->thresholds |= 1;
        return opt_double(prog, "--s50", optarg, &o->read.s50);
    case O_S100:
        o->thresholds |= 2;
        return opt_double(prog, "--s100", optarg, &o->read.s100);
    case O_CAP:
        return parse_cap(prog, optarg, &o->cap);
    case O_M:
        return opt_double(prog, "-M", optarg, &o->M);
    case O_SAT:
        o->saturation = true;
        return CLI_OK;
    case O_FANCY:
        o->fancy = true;
        return CLI_OK;
    case O_FULL:
        o->half = false;
        return CLI_OK;
    case O_SVG:
        o->svg = optarg;
        return CLI_OK;
    case O_KIND:
        o->mech = optarg;
        return CLI_OK;
    case O_GROUPS:
        o->groups = optarg;
        return CLI_OK;
    case O_CLUSTERS:
        o->clusters = optarg;
        return CLI_OK;
    case O_SCORES:
        o->scores = optarg;
        return CLI_OK;
    case O_BLEND:
        return opt_double(prog, "--blend", optarg, &o->blend);
    case O_TARGET:
        return opt_double(prog, "--target", optarg, &o->target);
    case O_IGNSAT:
        o->ignore_saturation = true;
        return CLI_OK;
    case O_ALLO:
        o->allo = optarg;
        return CLI_OK;
    case O_RECIPIENTS:
        o->recipients = optarg;
        return CLI_OK;
    case O_LOG:
        o->log = optarg;
        return CLI_OK;
    case O_KEY:
        o->key = optarg;
        return CLI_OK;
    case CLI_KEY_QUIET:
        o->quiet = true;
        return CLI_OK;
    case O_STYLE:
        return parse_style(prog, optarg, &o->style);
    default:
        return cli_usage(prog, "unknown or incomplete option");
    }
}

int fund_parse(const char *prog, int argc, char **argv, fund_opts *o, unsigned flags)
{
    *o = (fund_opts){ .decimals = 2, .M = 0.01, .half = true, .output = "-", .mech = "co" };
    int ch, rc = CLI_OK;
    uint64_t v;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_fund, prog + strlen("dacc fund "), argc, argv);
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
        switch (ch) {
        case 'p':
            o->pool_text = optarg;
            break;
        case 'd':
            rc = cli_opt_u64(prog, "--decimals", optarg, 0, DACC_MONEY_MAX_DECIMALS, &v);
            o->decimals = (unsigned)v;
            o->decimals_given = true;
            break;
        case 'f':
            rc = cli_opt_format(prog, optarg, CLI_ALLOW_TEXT | CLI_ALLOW_CSV | CLI_ALLOW_JSON,
                                &o->format);
            break;
        case 'o':
            o->output = optarg;
            break;
        default:
            rc = parse_more(prog, ch, o);
        }
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
    if (rc != CLI_OK)
        return rc;
    int want_project = (flags & FUND_PROJECT) != 0;
    if ((o->log != NULL || o->key != NULL) && !(flags & FUND_LOG))
        return cli_usage(prog, "--log and --key: only dacc fund qf, cocm and pairwise record "
                               "a round");
    if ((o->log == NULL) != (o->key == NULL))
        return cli_usage(prog, "--log and --key go together");
    if (argc - optind != 1 + want_project)
        return cli_usage(prog, want_project ? "expected a donations FILE and a PROJECT"
                                            : "expected one donations FILE");
    o->input = argv[optind];
    o->project = want_project ? argv[optind + 1] : NULL;
    if (!(o->M > 0) || !(o->blend >= 0 && o->blend <= 1) || !(o->target >= 0))
        return cli_usage(prog, "--target must be >= 0, M > 0, --blend in [0,1]");
    bool scored = o->read.score_col != NULL || o->scores != NULL;
    if (scored != (o->thresholds == 3))
        return cli_usage(prog, scored ? "--score-column and --scores need --s50 and --s100"
                                      : "--s50 and --s100 need --score-column or --scores");
    if (o->read.s100 < o->read.s50)
        return cli_usage(prog, "--s100 (%g) is below --s50 (%g)", o->read.s100, o->read.s50);
    const char *outs[] = { o->output, o->svg, o->allo };
    return cli_outputs_distinct(prog, argc, argv, outs, 3, NULL, 0);
}

/* ---- the table ---- */

typedef struct {
    const fund_opts *o;
    const dacc_pgf_round *r;
    const char *const *names; /* mechanism names, nm of them */
    double *const *match;
    size_t nm;
    dacc_u128 *pay; /* for the first mechanism, when a pool is given */
    double *share;
    dacc_u128 pool, left;
    const char *why_left; /* why left is not paid out */
    fund_recorded *rec;   /* --log: the round, logged once the payouts are known */
    json_t *logged;       /* then: which round, for the JSON table */
} table;

/* Why part of the pool stays undistributed, for the reader of the table. */
static const char *why_left(const fund_opts *o, const double *match, size_t n, double unit,
                            dacc_u128 pool, dacc_u128 left)
{
    double total = 0;
    for (size_t p = 0; p < n; p++)
        total += match[p];
    if (total == 0)
        return "no project has matching";
    if (!o->saturation || total * unit >= (double)pool)
        return "every project with matching is at the cap";
    return pool - left < (dacc_u128)floor(total * unit)
               ? "raw matching is below the pool (--saturation), and the cap keeps the rest"
               : "raw matching is below the pool (--saturation)";
}

size_t *fund_project_order(const dacc_pgf_round *r)
{
    size_t n = dacc_pgf_round_projects(r);
    const char **names = malloc((n ? n : 1) * sizeof *names);
    size_t *ord = malloc((n ? n : 1) * sizeof *ord);
    for (size_t p = 0; names != NULL && p < n; p++)
        names[p] = dacc_pgf_round_project(r, p);
    if (names == NULL || ord == NULL || dacc_fmt_natural_order(names, n, ord, NULL) != DACC_OK) {
        free(ord);
        ord = NULL;
    }
    free(names);
    return ord;
}

static int write_json(FILE *fp, const table *t, const size_t *ord)
{
    size_t n = dacc_pgf_round_projects(t->r);
    json_t *doc = json_object(), *list = json_array();
    for (size_t i = 0; i < n; i++) {
        size_t p = ord[i];
        json_t *e = json_object();
        json_object_set_new(e, "project", json_string(dacc_pgf_round_project(t->r, p)));
        json_object_set_new(e, "donors", json_integer((json_int_t)dacc_pgf_round_count(t->r, p)));
        json_object_set_new(e, "donated", dacc_json_real(dacc_pgf_round_total(t->r, p)));
        for (size_t k = 0; k < t->nm; k++)
            json_object_set_new(e, t->names[k], dacc_json_real(t->match[k][p]));
        if (t->pay != NULL) {
            json_object_set_new(e, "share", dacc_json_real(t->share[p]));
            json_object_set_new(e, "payout", dacc_json_money(t->pay[p], t->o->decimals));
        }
        json_array_append_new(list, e);
    }
    json_object_set_new(doc, "projects", list);
    if (t->pay != NULL) {
        json_object_set_new(doc, "pool", dacc_json_money(t->pool, t->o->decimals));
        json_object_set_new(doc, "undistributed", dacc_json_money(t->left, t->o->decimals));
        if (t->left > 0)
            json_object_set_new(doc, "undistributed_because", json_string(t->why_left));
    }
    if (t->logged != NULL)
        json_object_set(doc, "round", t->logged);
    int bad = dacc_json_write_stream(fp, doc, DACC_JSON_PRETTY, NULL) != DACC_OK;
    json_decref(doc);
    return bad ? -1 : 0;
}

/* One CSV cell of a real: shortest round trip, empty for NaN. */
static void csv_real(FILE *fp, double v)
{
    char text[DACC_FMT_REAL_MAX];
    dacc_fmt_real(v, text);
    fprintf(fp, ",%s", text);
}

static void csv_project(FILE *fp, const table *t, size_t p)
{
    const char *id = dacc_pgf_round_project(t->r, p);
    dacc_csv_write_field(fp, id, strlen(id), ',');
    fprintf(fp, ",%zu", dacc_pgf_round_count(t->r, p));
    csv_real(fp, dacc_pgf_round_total(t->r, p));
    for (size_t k = 0; k < t->nm; k++)
        csv_real(fp, t->match[k][p]);
    if (t->pay != NULL) {
        char amount[DACC_MONEY_STRLEN];
        dacc_money_format(t->pay[p], t->o->decimals, 0, amount);
        csv_real(fp, t->share[p]);
        fprintf(fp, ",%s", amount);
    }
    fputc('\n', fp);
}

/* The text table's last row: what each column adds up to (contributions
 * rather than donors, since a donor to several projects counts once in
 * each). */
static void text_total(FILE *fp, const table *t)
{
    size_t n = dacc_pgf_round_projects(t->r), count = 0;
    double donated = 0, share = 0;
    for (size_t p = 0; p < n; p++) {
        count += dacc_pgf_round_count(t->r, p);
        donated += dacc_pgf_round_total(t->r, p);
        share += t->pay != NULL ? t->share[p] : 0;
    }
    fprintf(fp, "%-28s %7zu %14.2f", "total", count, donated);
    for (size_t k = 0; k < t->nm; k++) {
        double sum = 0;
        for (size_t p = 0; p < n; p++)
            sum += t->match[k][p];
        fprintf(fp, " %16.4f", sum);
    }
    if (t->pay != NULL) {
        char amount[DACC_MONEY_STRLEN];
        dacc_money_format(t->pool - t->left, t->o->decimals, 0, amount);
        fprintf(fp, " %9.4f%% %18s", 100 * share, amount);
    }
    fputc('\n', fp);
}

static void text_project(FILE *fp, const table *t, size_t p)
{
    fprintf(fp, "%-28s %7zu %14.2f", dacc_pgf_round_project(t->r, p), dacc_pgf_round_count(t->r, p),
            dacc_pgf_round_total(t->r, p));
    for (size_t k = 0; k < t->nm; k++)
        fprintf(fp, " %16.4f", t->match[k][p]);
    if (t->pay != NULL) {
        char amount[DACC_MONEY_STRLEN];
        dacc_money_format(t->pay[p], t->o->decimals, 0, amount);
        fprintf(fp, " %9.4f%% %18s", 100 * t->share[p], amount);
    }
    fputc('\n', fp);
}

static int write_table(FILE *fp, void *ctx)
{
    const table *t = ctx;
    size_t n = dacc_pgf_round_projects(t->r), *ord = fund_project_order(t->r);
    if (ord == NULL)
        return -1;
    if (t->o->format == CLI_FORMAT_JSON) {
        int rc = write_json(fp, t, ord);
        free(ord);
        return rc;
    }
    int csv = t->o->format == CLI_FORMAT_CSV;
    fprintf(fp, csv ? "project,donors,donated" : "%-28s %7s %14s", "project", "donors", "donated");
    for (size_t k = 0; k < t->nm; k++)
        fprintf(fp, csv ? ",%s" : " %16s", t->names[k]);
    if (t->pay != NULL)
        fprintf(fp, csv ? ",share,payout" : " %10s %18s", "share", "payout");
    fputc('\n', fp);
    for (size_t i = 0; i < n; i++)
        (csv ? csv_project : text_project)(fp, t, ord[i]);
    free(ord);
    if (!csv)
        text_total(fp, t);
    if (t->pay != NULL && !csv && t->left > 0) {
        char amount[DACC_MONEY_STRLEN];
        dacc_money_format(t->left, t->o->decimals, 0, amount);
        fprintf(fp, "undistributed: %s (%s)\n", amount, t->why_left);
    }
    return ferror(fp) ? -1 : 0;
}

/* Each project's share of matching under each mechanism, one group of
 * bars per project (dacc_svg_groups). */
static int write_svg(FILE *fp, void *ctx)
{
    const table *t = ctx;
    size_t n = dacc_pgf_round_projects(t->r);
    const char **labels = malloc((n ? n : 1) * sizeof *labels);
    double *v = malloc((n ? n : 1) * (t->nm ? t->nm : 1) * sizeof *v);
    dacc_buf out;
    dacc_buf_init(&out, 0);
    dacc_status st = labels && v ? DACC_OK : DACC_ERR_NOMEM;
    for (size_t k = 0; st == DACC_OK && k < t->nm; k++) {
        double tot = 0;
        for (size_t p = 0; p < n; p++)
            tot += t->match[k][p];
        for (size_t p = 0; p < n; p++)
            v[p * t->nm + k] = tot > 0 ? 100 * t->match[k][p] / tot : 0;
    }
    for (size_t p = 0; st == DACC_OK && p < n; p++)
        labels[p] = dacc_pgf_round_project(t->r, p);
    dacc_svg_groups_opts o = { .title = "Each project's share of matching, by mechanism",
                               .axis = "share of matching (%)",
                               .series = t->names,
                               .ns = t->nm,
                               .decimals = 2,
                               .unit = "%" };
    if (st == DACC_OK)
        st = dacc_svg_groups(&o, labels, v, n, &out, NULL);
    int bad = st != DACC_OK || fwrite(out.data, 1, out.len, fp) != out.len;
    dacc_buf_free(&out);
    free(v);
    free(labels);
    return bad || ferror(fp) ? -1 : 0;
}

static int emit(const char *prog, const fund_opts *o, table *t)
{
    dacc_error err;
    size_t n = dacc_pgf_round_projects(t->r);
    dacc_u128 *pay = NULL;
    double *share = NULL;
    if (o->pool_text != NULL) {
        if (cli_opt_money(prog, "--pool", o->pool_text, o->decimals, &t->pool) != CLI_OK)
            return CLI_USAGE;
        double unit = pow(10, o->decimals);
        pay = malloc((n ? n : 1) * sizeof *pay);
        share = malloc((n ? n : 1) * sizeof *share);
        if (pay == NULL || share == NULL ||
            dacc_pgf_distribute(t->match[0], n, t->pool, unit, o->cap,
                                o->saturation ? DACC_PGF_SATURATION : DACC_PGF_BY_SHARE, pay, share,
                                &t->left, &err) != DACC_OK) {
            free(pay);
            free(share);
            if (pay == NULL || share == NULL)
                dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
            return cli_fail(prog, &err);
        }
        t->pay = pay;
        t->share = share;
        t->why_left = why_left(o, t->match[0], n, unit, t->pool, t->left);
    }
    int rc = CLI_OK;
    /* the log first: a table that names a round is written only once the
     * round is in the log */
    if (t->rec != NULL)
        rc = fund_log_commit(prog, o, t->rec, t->r, pay, &t->logged);
    if (rc == CLI_OK && cli_emit(o->output, write_table, t, &err) != DACC_OK)
        rc = cli_fail(prog, &err);
    if (rc == CLI_OK)
        cli_wrote(prog, o->quiet, NULL, o->output);
    if (rc == CLI_OK && o->svg != NULL && cli_emit(o->svg, write_svg, t, &err) != DACC_OK)
        rc = cli_fail(prog, &err);
    if (rc == CLI_OK && o->svg != NULL)
        cli_wrote(prog, o->quiet, "chart", o->svg);
    free(pay);
    free(share);
    json_decref(t->logged);
    return rc;
}

/* ---- commands ---- */

dacc_status fund_read_with(const char *path, fund_reader fn, void *obj, dacc_error *err)
{
    dacc_file_data d;
    dacc_status st = dacc_file_load(path, 0, &d, err);
    if (st != DACC_OK)
        return st;
    st = fn(obj, path, d.data, d.len, err);
    dacc_file_data_release(&d);
    return st;
}

static dacc_status scores_reader(void *obj, const char *name, const char *data, size_t len,
                                 dacc_error *err)
{
    return dacc_pgf_scores_read_memory(obj, name, data, len, err);
}

typedef struct {
    dacc_pgf_round *r;
    dacc_pgf_read_opts *opts;
} round_ctx;

static dacc_status round_reader(void *obj, const char *name, const char *data, size_t len,
                                dacc_error *err)
{
    round_ctx *c = obj;
    return dacc_pgf_round_read_memory(c->r, name, data, len, c->opts, err);
}

static dacc_status clusters_reader(void *obj, const char *name, const char *data, size_t len,
                                   dacc_error *err)
{
    return dacc_pgf_clusters_read_memory(obj, name, data, len, err);
}

/* Donor clusters (--clusters, --groups) from a file; NULL on failure. */
static dacc_pgf_clusters *load_clusters(const char *path, dacc_error *err)
{
    dacc_pgf_clusters *c = dacc_pgf_clusters_new();
    if (c == NULL) {
        dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (fund_read_with(path, clusters_reader, c, err) != DACC_OK) {
        dacc_pgf_clusters_free(c);
        return NULL;
    }
    return c;
}

int fund_load(const char *prog, fund_opts *o, dacc_pgf_round **r)
{
    dacc_error err;
    dacc_pgf_scores *scores = o->scores ? dacc_pgf_scores_new() : NULL;
    *r = dacc_pgf_round_new();
    if (*r == NULL || (o->scores && scores == NULL)) {
        dacc_pgf_round_free(*r);
        dacc_pgf_scores_free(scores);
        return cli_fail(prog, (dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory"), &err));
    }
    dacc_status st = scores ? fund_read_with(o->scores, scores_reader, scores, &err) : DACC_OK;
    if (scores != NULL)
        dacc_pgf_scores_use(scores, &o->read);
    if (st == DACC_OK) {
        /* a large export takes seconds to read: its bytes show on a terminal,
         * erased before the notes below */
        dacc_progress *pr = o->quiet ? NULL : dacc_progress_new(stderr);
        dacc_pgf_round_set_progress(*r, pr);
        st = fund_read_with(o->input, round_reader, &(round_ctx){ *r, &o->read }, &err);
        dacc_pgf_round_set_progress(*r, NULL);
        dacc_progress_free(pr);
    }
    dacc_pgf_scores_free(scores);
    o->read.score_donor = NULL;
    o->read.score_value = NULL;
    o->read.nscores = 0;
    if (st != DACC_OK) {
        dacc_pgf_round_free(*r);
        *r = NULL;
        return cli_fail(prog, &err);
    }
    if (o->read.dropped > 0)
        fprintf(stderr, "%s: %zu donations dropped by the round rules\n", prog, o->read.dropped);
    if (o->read.coefficient_used)
        fprintf(stderr, "%s: donations weighed by the file's coefficient column\n", prog);
    if (dacc_pgf_round_projects(*r) == 0) {
        dacc_error_set(&err, DACC_ERR_INVALID,
                       "%s: no donation is left after the round rules (%zu dropped)", o->input,
                       o->read.dropped);
        dacc_pgf_round_free(*r);
        *r = NULL;
        return cli_fail(prog, &err);
    }
    return CLI_OK;
}

typedef enum { M_QF, M_PAIRWISE, M_COCM, M_COMPARE } mech;

static int run_mech(const char *prog, int argc, char **argv, mech which)
{
    static const char *const methods[] = { "qf", "pairwise", "cocm", NULL };
    fund_opts o;
    int rc = fund_parse(prog, argc, argv, &o, which == M_COMPARE ? 0 : FUND_LOG);
    if (rc < 0)
        return CLI_OK;
    if (rc == CLI_OK && o.log != NULL)
        rc = fund_log_usage(prog, &o, methods[which]);
    dacc_pgf_round *r;
    if (rc != CLI_OK || (rc = fund_load(prog, &o, &r)) != CLI_OK)
        return rc;
    /* --log: the run is computed on the donations as the round holds them */
    fund_recorded rec = { 0 };
    if (o.log != NULL) {
        rc = fund_log_record(prog, &o, r, methods[which], &rec);
        dacc_pgf_round_free(r);
        if (rc != CLI_OK)
            return rc;
        r = rec.keyed;
        rec.keyed = NULL;
    }
    size_t n = dacc_pgf_round_projects(r);
    double *m[5] = { 0 };
    const char *names[5];
    size_t nm = 0;
    dacc_error err;
    dacc_status st = DACC_OK;
    dacc_pgf_clusters *cl = NULL;
    for (size_t k = 0; k < 5; k++)
        if ((m[k] = malloc((n ? n : 1) * sizeof(double))) == NULL)
            st = dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK && o.clusters != NULL && (cl = load_clusters(o.clusters, &err)) == NULL)
        st = DACC_ERR_INVALID;
    /* on a large round COCM and pairwise take seconds: count the mechanisms */
    dacc_progress *pr = st == DACC_OK && !o.quiet ? dacc_progress_new(stderr) : NULL;
    dacc_progress_stage(pr, "computing the matches (mechanisms)", which == M_COMPARE ? 4 : 1);
    double target_M = 0; /* pairwise --target: the M found, said once the line is gone */
    if (st == DACC_OK && (which == M_COCM || which == M_COMPARE)) {
        names[nm] = which == M_COMPARE                ? "cocm_markov"
                    : o.style == DACC_PGF_MARKOV      ? "cocm_markov"
                    : o.style == DACC_PGF_PCT_FRIENDS ? "cocm_pct_friends"
                                                      : "cocm_og";
        st = dacc_pgf_cocm(r, cl, which == M_COMPARE ? DACC_PGF_MARKOV : o.style, !o.fancy, m[nm++],
                           &err);
        if (st == DACC_OK && which == M_COCM && o.blend > 0 && o.blend < 1) {
            /* COCM's share and QF's, crossfaded (qf-calculator's pctCOCM) */
            st = dacc_pgf_qf(r, m[4], &err);
            if (st == DACC_OK)
                dacc_pgf_blend(m[0], m[4], n, o.blend, m[0]);
            names[0] = "cocm_qf_blend";
        }
        dacc_progress_update(pr, nm);
    }
    if (st == DACC_OK && (which == M_QF || which == M_COMPARE)) {
        names[nm] = "qf";
        st = dacc_pgf_qf(r, m[nm++], &err);
        dacc_progress_update(pr, nm);
    }
    if (st == DACC_OK && (which == M_PAIRWISE || which == M_COMPARE)) {
        names[nm] = "pairwise";
        if (o.target > 0 && which == M_PAIRWISE)
            st = dacc_pgf_pairwise_target(r, o.target, o.half, &target_M, m[nm++], &err);
        else
            st = dacc_pgf_pairwise(r, o.M, o.half, m[nm++], &err);
        dacc_progress_update(pr, nm);
    }
    if (st == DACC_OK && which == M_COMPARE) {
        names[nm] = "cocm_pct_friends";
        st = dacc_pgf_cocm(r, cl, DACC_PGF_PCT_FRIENDS, !o.fancy, m[nm++], &err);
        dacc_progress_update(pr, nm);
    }
    dacc_progress_free(pr);
    if (st == DACC_OK && which == M_PAIRWISE && o.target > 0)
        fprintf(stderr, "%s: M = %.12g spends %g\n", prog, target_M, o.target);
    if (st == DACC_OK) {
        table t = { .o = &o, .r = r, .names = names, .match = m, .nm = nm };
        t.rec = o.log != NULL ? &rec : NULL;
        rc = emit(prog, &o, &t);
    } else {
        rc = cli_fail(prog, &err);
    }
    for (size_t k = 0; k < 5; k++)
        free(m[k]);
    dacc_pgf_clusters_free(cl);
    dacc_pgf_round_free(r);
    fund_log_free(&rec);
    return rc;
}

static int cmd_qf(int argc, char **argv)
{
    return run_mech("dacc fund qf", argc, argv, M_QF);
}

static int cmd_pairwise(int argc, char **argv)
{
    return run_mech("dacc fund pairwise", argc, argv, M_PAIRWISE);
}

static int cmd_cocm(int argc, char **argv)
{
    return run_mech("dacc fund cocm", argc, argv, M_COCM);
}

static int cmd_compare(int argc, char **argv)
{
    return run_mech("dacc fund compare", argc, argv, M_COMPARE);
}

/* ---- cluster: the paper's family with explicit groups ---- */

static int cmd_cluster(int argc, char **argv)
{
    static const char prog[] = "dacc fund cluster";
    fund_opts o;
    int rc = fund_parse(prog, argc, argv, &o, 0);
    if (rc < 0)
        return CLI_OK;
    if (rc != CLI_OK)
        return rc;
    dacc_pgf_cluster_kind kind;
    if (strcmp(o.mech, "co") == 0)
        kind = DACC_PGF_CO;
    else if (strcmp(o.mech, "vanilla") == 0)
        kind = DACC_PGF_VANILLA;
    else if (strcmp(o.mech, "squared") == 0)
        kind = DACC_PGF_SQUARED;
    else if (strcmp(o.mech, "pairwise") == 0)
        kind = DACC_PGF_PAIRWISE;
    else
        return cli_usage(prog, "--kind: expected co, vanilla, squared or pairwise");
    dacc_pgf_round *r;
    if ((rc = fund_load(prog, &o, &r)) != CLI_OK)
        return rc;
    dacc_error err;
    size_t n = dacc_pgf_round_projects(r);
    double *m = malloc((n ? n : 1) * sizeof *m);
    dacc_pgf_clusters *g = m ? load_clusters(o.groups, &err) : NULL;
    dacc_status st = g != NULL ? DACC_OK
                     : m       ? DACC_ERR_INVALID
                               : dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK)
        st = dacc_pgf_cluster_round(r, g, kind, o.M, m, &err);
    char name[32];
    snprintf(name, sizeof name, "cluster_%s", o.mech);
    const char *names[1] = { name };
    double *mm[1] = { m };
    if (st == DACC_OK) {
        table t = { .o = &o, .r = r, .names = names, .match = mm, .nm = 1 };
        rc = emit(prog, &o, &t);
    } else {
        rc = cli_fail(prog, &err);
    }
    free(m);
    dacc_pgf_clusters_free(g);
    dacc_pgf_round_free(r);
    return rc;
}

/* ---- the declaration ---- */

#define FUND_ALL      "qf,pairwise,cocm,cluster,compare,explain,linear"
#define FUND_LOG_SUBS "qf,pairwise,cocm"

static const cli_opt fund_opts_table[] = {
    { "donor-column", 0, "NAME", O_DCOL, NULL,
      "the donor column; default: donor, voter, address, contributor, donorAddress or "
      "donor_address",
      FUND_ALL, 0, NULL },
    { "project-column", 0, "NAME", O_PCOL, NULL,
      "the project column; default: project, projectId, project_id, applicationId, "
      "application_id, grant_id, project_name, recipient, ...",
      FUND_ALL, 0, NULL },
    { "amount-column", 0, "NAME", O_ACOL, NULL,
      "the amount column; default: the one USD column (amountUSD, amountInUsd, amount_in_usd, "
      "amount_in_usdt), else amount; a file with several candidate columns is refused as "
      "ambiguous",
      FUND_ALL, 0, NULL },
    { "min-donation", 0, "X", O_MIN, NULL, "drop donations below X", FUND_ALL, 0, NULL },
    { "self-column", 0, "NAME", O_SELF, NULL,
      "drop donations whose recipient address (in column NAME) is the donor's", FUND_ALL, 0, NULL },
    { "score-column", 0, "NAME", O_SCORE, NULL,
      "weight donors by the score in column NAME (needs --s50 and --s100): 0 below s50, 0.5 at "
      "s50 rising linearly to 1 at s100; donors without a score: 0",
      FUND_ALL, 0, NULL },
    { "scores", 0, "FILE", O_SCORES, NULL, "the scores from a CSV donor,score instead of a column",
      FUND_ALL, 0, NULL },
    { "s50", 0, "S", O_S50, NULL, "the score at which a donor counts half", FUND_ALL, 0, NULL },
    { "s100", 0, "S", O_S100, NULL, "the score at which a donor counts fully", FUND_ALL, 0, NULL },
    { "pool", 'p', "AMOUNT", 'p', NULL, "the matching pool (without it, raw matching is printed)",
      "qf,pairwise,cocm,cluster,compare,explain", 0, NULL },
    { "pool", 'p', "AMOUNT", 'p', NULL, "the matching pool, at --decimals", "linear", CLI_REQ_ALL,
      NULL },
    { "decimals", 'd', "N", 'd', "2", "decimals of the pool and payouts",
      "qf,pairwise,cocm,cluster,compare,explain", 0, NULL },
    { "decimals", 'd', "N", 'd', NULL, "the pool token's decimals (18 for ETH and DAI, 6 for USDC)",
      "linear", CLI_REQ_ALL, NULL },
    { "cap", 0, "SHARE", O_CAP, "none",
      "the most one project gets, as a share of the pool: 0.1 or 10%, the excess going to "
      "projects under it",
      "qf,pairwise,cocm,cluster,compare,explain", 0, NULL },
    { "cap", 0, "SHARE", O_CAP, "none",
      "pluralistic's matchingCapAmount, pool x SHARE (exactly, SHARE to 10^-9)", "linear", 0,
      NULL },
    { "saturation", 0, NULL, O_SAT, NULL,
      "pluralistic's rule: a pool larger than raw matching pays raw matching and keeps the rest "
      "(default: the whole pool is paid)",
      "qf,pairwise,cocm,cluster,compare,explain", 0, NULL },
    { "ignore-saturation", 0, NULL, O_IGNSAT, NULL,
      "scale matches to the whole pool even when raw matching is below it", "linear", 0, NULL },
    { "M", 0, "M", O_M, "0.01",
      "pairwise's bound: each pair's subsidy is scaled by k = M / (M + their overlap)",
      "pairwise,compare,cluster,explain", 0, NULL },
    { "all-pairs", 0, NULL, O_FULL, NULL,
      "pairwise: count 2 k sqrt(c_i c_j) per pair (the post); default: each pair once, as "
      "qf-calculator",
      "pairwise,compare,explain", 0, NULL },
    { "target", 0, "T", O_TARGET, NULL, "find the M at which matching totals T (and print it)",
      "pairwise", 0, NULL },
    { "style", 0, "S", O_STYLE, "markov", "COCM's friendship measure", "cocm", 0,
      "markov pct_friends og" },
    { "fancy", 0, NULL, O_FANCY, NULL,
      "COCM's K = k sqrt(c) + (1-k) c instead of the production (1-k) c", "cocm,compare,explain", 0,
      NULL },
    { "blend", 0, "X", O_BLEND, "0",
      "crossfade COCM's matching with QF's: X of COCM, 1-X of QF (qf-calculator's pctCOCM)", "cocm",
      0, NULL },
    { "clusters", 0, "FILE", O_CLUSTERS, NULL,
      "donor clusters (CSV donor,cluster) for COCM instead of every project as the cluster of "
      "its donors: the mode that agrees with Gitcoin's qf-calculator",
      "cocm,compare", 0, NULL },
    { "groups", 0, "FILE", O_GROUPS, NULL, "the explicit groups, CSV donor,cluster", "cluster",
      CLI_REQ_ALL, NULL },
    { "kind", 0, "K", O_KIND, "co",
      "the family member: co (connection-oriented), vanilla, squared (harsh) or pairwise",
      "cluster", 0, "co vanilla squared pairwise" },
    { "svg", 0, "FILE", O_SVG, NULL, "also draw each project's share under each mechanism",
      "compare", 0, NULL },
    { "allo", 0, "FILE", O_ALLO, NULL,
      "write the Merkle distribution: OpenZeppelin's StandardMerkleTree dump (standard-v1) over "
      "(index, recipientId, recipientAddress, amount), its root, and each payout with its proof",
      "linear", 0, NULL },
    { "recipients", 0, "FILE", O_RECIPIENTS, NULL,
      "CSV project,recipientId,recipientAddress; default: the project column is the recipientId "
      "and the file's recipientAddress, recipient_address or grantAddress column (else the "
      "recipientId) the address paid",
      "linear", 0, NULL },
    { "log", 0, "DIR", O_LOG, NULL,
      "also record the run as a pgf round in the log DIR (made by `dacc log init`), so that "
      "`dacc round replay` recomputes the payouts; needs --pool and --key, amounts exact at "
      "--decimals (at most 18); refuses --saturation, scores, a coefficient column and what the "
      "round's method lacks",
      FUND_LOG_SUBS, 0, NULL },
    { "key", 0, "FILE", O_KEY, NULL, "the operator's Ed25519 key (`dacc round keygen`) for --log",
      FUND_LOG_SUBS, 0, NULL },
    { "format", 'f', "FORMAT", 'f', "text",
      "how to print the result (explain: csv prints the donor table)", FUND_ALL, 0,
      "text json csv" },
    CLI_OPT_OUTPUT(FUND_ALL),
    CLI_OPT_QUIET(FUND_ALL),
};

static const cli_sub fund_subs[] = {
    { "qf", "quadratic funding", "FILE",
      "Quadratic funding: each project's matching is (sum of square roots of its\n"
      "donations)^2 minus the donations; one donor gets 0. With --pool, payouts.",
      cmd_qf },
    { "pairwise", "pairwise-bounded QF", "FILE",
      "Pairwise-bounded QF (Buterin 2019): each pair of donors' subsidy is scaled by\n"
      "k = M / (M + their overlap across all projects), so coordinated donors count less.",
      cmd_pairwise },
    { "cocm", "connection-oriented cluster match (Gitcoin's)", "FILE",
      "Connection-oriented cluster match as Gitcoin runs it (qf-calculator COCM), with\n"
      "every project as the cluster of its donors (or the --clusters given): donors\n"
      "connected to another cluster count less towards its pairing.",
      cmd_cocm },
    { "cluster", "the paper's cluster-match family with explicit groups", "FILE",
      "The cluster-matching family of Miller, Weyl and Erichsen (pluralqf.py) with\n"
      "explicit groups (CSV donor,cluster): for each project its donors are the agents,\n"
      "each cluster restricted to them a group, a donor in no cluster a group of one.",
      cmd_cluster },
    { "compare", "mechanisms side by side, with an SVG chart", "FILE",
      "Each project's matching under COCM (markov), QF, pairwise and COCM (pct_friends)\n"
      "side by side; with --pool, payouts by COCM (markov); with --svg, a bar chart of\n"
      "each project's share under each mechanism.",
      cmd_compare },
    { "explain", "which donors and pairs made a project's match", "FILE PROJECT",
      "Which donors and pairs made a project's match: the match under QF, pairwise\n"
      "and COCM (markov); each donor, largest donation first, with its share of\n"
      "the QF match (sqrt(c_i) times the other donors' square roots) and the COCM\n"
      "match lost without it; the largest pairs and what pairwise bounding keeps\n"
      "of them (k = M / (M + the pair's overlap)). With --pool (and --cap,\n"
      "--saturation), the project's payout under each mechanism.",
      cmd_fund_explain },
    { "linear", "Allo's on-chain integer QF, and its Merkle distribution", "FILE",
      "Allo's on-chain integer quadratic funding, bit for bit as pluralistic's\n"
      "linearQF: donations in base units of the pool's token, integer square roots\n"
      "with remainders, matches scaled to the pool with floor division, scaled\n"
      "down to raw matching when the round is not saturated, and the cap's\n"
      "overflow given to the projects under it until none overflows. Amounts come\n"
      "from the round-token column (amountRoundToken, amountInRoundMatchToken,\n"
      "amount_in_round_match_token: base units) when the file has one, else from\n"
      "the amount column as decimal text at --decimals.",
      cmd_fund_linear },
};

static const cli_section fund_sections[] = {
    { "DESCRIPTION",
      "Reads donations (Gitcoin/Allo exports as they are: donor, project and amount\n"
      "columns found by name), applies the round rules, computes each project's\n"
      "matching under quadratic funding, pairwise\\-bounded QF or connection\\-oriented\n"
      "cluster match as Gitcoin runs it, and with\n"
      ".B \\-\\-pool\n"
      "pays a matching pool in integer amounts that sum exactly to it.\n"
      ".B compare\n"
      "shows the mechanisms side by side (and draws them with\n"
      ".BR \\-\\-svg );\n"
      ".B explain\n"
      "shows which donors and pairs made a project's match: donors largest first\n"
      "with their share of the QF match and their COCM marginal, the largest pairs\n"
      "with pairwise's k, and with\n"
      ".B \\-\\-pool\n"
      "the project's payout under each mechanism.\n"
      ".B linear\n"
      "is Allo's on\\-chain integer QF (pluralistic's linearQF) in exact base units,\n"
      "and with\n"
      ".B \\-\\-allo\n"
      "writes the payouts with the Merkle root Allo's DonationVotingMerkleDistribution\n"
      "strategy checks (an OpenZeppelin StandardMerkleTree dump).\n"
      "With\n"
      ".BR \\-\\-log ,\n"
      ".BR qf ,\n"
      ".B pairwise\n"
      "and\n"
      ".B cocm\n"
      "also record the run as a pgf round in a transparency log, so that\n"
      ".B dacc round replay\n"
      "recomputes the payouts.\n"
      "Formulas and references:\n"
      ".IR docs/pgf.md .\n" },
    { "EXIT STATUS",
      "0 on success; 1 on bad input (file, line and column named); 2 on a usage error.\n" },
    { "EXAMPLES", ".nf\n"
                  "dacc fund cocm \\-\\-pool 100000 \\-\\-cap 0.1 donations.csv\n"
                  "dacc fund compare \\-\\-svg compare.svg donations.csv\n"
                  "dacc fund explain donations.csv 'Some Project'\n"
                  "dacc fund qf \\-\\-pool 100000 \\-d 15 \\-\\-log LOG \\-\\-key op.key gr03.csv\n"
                  ".fi\n" },
    { "SEE ALSO", ".BR dacc (1),\n"
                  ".BR dacc\\-round (1)\n" },
};

const cli_spec cli_spec_fund = {
    .name = "fund",
    .summary = "public-goods funding: QF, pairwise QF, COCM, compare, explain",
    .description =
        "Public-goods funding rounds from donation exports. FILE is a CSV/TSV of\n"
        "donations with a header (Gitcoin/Allo exports work as they are; '-' reads\n"
        "standard input). A coefficient column (Grants Stack vote_coefficients)\n"
        "multiplies each donation; docs/pgf.md lists the export layouts read as they are.",
    CLI_SUBS(fund_subs),
    CLI_OPTS(fund_opts_table),
    CLI_SECTIONS(fund_sections),
    .footer = "Exit status: 0 on success, 1 on bad input (file, line and column named), 2 on "
              "usage.\n",
};

int cmd_fund(int argc, char **argv)
{
    return cli_spec_run(&cli_spec_fund, argc, argv);
}
