/* dacc notes: score Community Notes data with the bridging model, or write
 * synthetic data with planted structure. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "flat.h"
#include "spec.h"
#include "dacc/csv.h"
#include "dacc/file.h"
#include "dacc/notes.h"

typedef struct {
    const char *notes, *ratings, *history, *enrollment, *outdir, *dir;
    bool lenient, quiet;
    cli_format format;
    dacc_notes_params p;
} score_args;

static const char prog_score[] = "dacc notes score";

/* The first file in dir whose name starts with prefix and ends in .tsv. */
static char *find_input(const char *dir, const char *prefix)
{
    char **names;
    size_t n;
    dacc_error err;
    if (dacc_dir_list(dir, prefix, ".tsv", &names, &n, &err) != DACC_OK)
        return NULL;
    char *path = n > 0 ? malloc(strlen(dir) + strlen(names[0]) + 2) : NULL;
    if (path != NULL)
        sprintf(path, "%s/%s", dir, names[0]);
    dacc_dir_list_free(names, n);
    return path;
}

static int opt_double(const char *prog, const char *opt, const char *arg, double lo, double hi,
                      double *out);

static int parse_score(int argc, char **argv, score_args *a)
{
    int ch, rc = CLI_OK;
    cli_getopt_reset();
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_notes, "score", argc, argv);
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
        switch (ch) {
        case 'n':
            a->notes = optarg;
            break;
        case 'r':
            a->ratings = optarg;
            break;
        case 's':
            a->history = optarg;
            break;
        case 'e':
            a->enrollment = optarg;
            break;
        case CLI_KEY_OUT_DIR:
            a->outdir = optarg;
            break;
        case CLI_KEY_QUIET:
            a->quiet = true;
            break;
        case 'f':
            rc = cli_opt_format(prog_score, optarg, CLI_ALLOW_TEXT | CLI_ALLOW_JSON | CLI_ALLOW_CSV,
                                &a->format);
            break;
        case 't':
            rc = opt_double(prog_score, "--epoch-millis", optarg, 0, 9e15, &a->p.epoch_millis);
            break;
        case 'l':
            a->lenient = true;
            break;
        case 'S':
            rc = cli_opt_u64(prog_score, "--seed", optarg, 0, UINT64_MAX, &a->p.seed);
            break;
        case 'X':
            a->p.pseudoraters = false;
            break;
        case 'Y':
            a->p.pseudoraters = true;
            break;
        case 'g':
            a->p.core_groups_only = false;
            break;
        case 'k':
            a->p.filter_not_misleading = false;
            break;
        case 'C':
            a->p.core_only = true;
            break;
        case 'K':
            a->p.post_selection = false;
            break;
        case 'W':
            a->p.low_diligence_threshold = NAN;
            break;
        default:
            return CLI_USAGE;
        }
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
    if (rc != CLI_OK)
        return rc;
    if (optind + 1 < argc)
        return cli_usage(prog_score, "expected at most one directory, got %d arguments",
                         argc - optind);
    a->dir = optind < argc ? argv[optind] : NULL;
    return CLI_OK;
}

/* Where an optional file is looked for when not named: DIR, else the
 * directory of the notes file (the reference looks in the working
 * directory; the published files come together). */
static char *search_dir(const score_args *a)
{
    const char *from = a->dir ? a->dir : a->notes;
    const char *slash = a->dir ? NULL : strrchr(from, '/');
    size_t len = a->dir ? strlen(from) : slash ? (size_t)(slash - from) : 1;
    char *d = malloc(len + 2);
    if (d) {
        memcpy(d, a->dir || slash ? from : ".", len);
        d[len] = '\0';
        if (len == 0)
            strcpy(d, "/");
    }
    return d;
}

static const char *resolve(const char *given, const char *dir, const char *prefix, char **owned)
{
    if (given || !dir)
        return given;
    return *owned = find_input(dir, prefix);
}

/* One file of the given kind. A non-empty regular ratings file is mapped
 * and read in parallel, its pages given back as they are parsed; anything
 * else streams. */
static dacc_status read_one(dacc_notes *nt, char kind, const char *path, unsigned flags,
                            dacc_error *err)
{
    struct stat sb;
    if (kind == 'r' && strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
        sb.st_size > 0) {
        dacc_file_data d;
        dacc_status st = dacc_file_load(path, 0, &d, err);
        if (st != DACC_OK)
            return st;
        st = dacc_notes_read_memory(nt, kind, path, d.data, d.len,
                                    flags | (d.mapped ? DACC_NOTES_MAPPED : 0), err);
        dacc_file_data_release(&d);
        return st;
    }
    int is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (fp == NULL)
        return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    dacc_status st = dacc_notes_read_stream(nt, kind, path, fp, flags, err);
    if (!is_stdin)
        fclose(fp);
    return st;
}

/* A ratings file, or a directory of ratings*.tsv shards read in name order. */
static dacc_status read_ratings(dacc_notes *nt, const char *path, unsigned flags, dacc_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return read_one(nt, 'r', path, flags, err);
    char **names;
    size_t n;
    dacc_status st = dacc_dir_list(path, "ratings", ".tsv", &names, &n, err);
    if (st == DACC_OK && n == 0)
        st = dacc_error_set(err, DACC_ERR_NOTFOUND, "%s: no ratings*.tsv files in the directory",
                            path);
    for (size_t i = 0; st == DACC_OK && i < n; i++) {
        char *full = malloc(strlen(path) + strlen(names[i]) + 2);
        if (full == NULL)
            st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        else {
            sprintf(full, "%s/%s", path, names[i]);
            st = read_one(nt, 'r', full, flags, err);
            free(full);
        }
    }
    dacc_dir_list_free(names, n);
    return st;
}

/* Says on standard error what a missing optional file means, in the
 * reference's terms (docs/notes.md, "Optional inputs"). */
static void say_missing(const char *dir, bool history)
{
    if (history)
        fprintf(stderr,
                "%s: no status history (--status; none in %s): every note is taken as new,\n"
                "  with no earlier status, lock or stabilization period, as the reference\n"
                "  adds a note missing from its history (note_status_history.merge_note_info)\n",
                prog_score, dir);
    else
        fprintf(stderr,
                "%s: no user enrollment (--enrollment; none in %s): every rater is taken as\n"
                "  unassigned to a modeling group, which the core model keeps (scorer.py,\n"
                "  includeUnassigned); with no group-13 raters there is no stable\n"
                "  initialisation, so round 1 starts from seeded random factors\n",
                prog_score, dir);
}

static dacc_status read_all(dacc_notes *nt, score_args *a, dacc_error *err)
{
    char *own[3] = { 0 };
    char *dir = search_dir(a);
    const char *notes = resolve(a->notes, a->dir, "notes", &own[0]);
    const char *hist = resolve(a->history, dir, "noteStatusHistory", &own[1]);
    const char *enr = resolve(a->enrollment, dir, "userEnrollment", &own[2]);
    const char *ratings = a->ratings ? a->ratings : a->dir;
    unsigned flags = a->lenient ? DACC_NOTES_LENIENT : 0;
    dacc_status st = dir ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK && (!notes || !ratings))
        st = dacc_error_set(err, DACC_ERR_NOTFOUND,
                            "missing input: give DIR with the published files, or --notes and "
                            "--ratings (%s not found)",
                            !notes ? "notes" : "ratings");
    if (st == DACC_OK)
        st = read_one(nt, 'n', notes, flags, err);
    if (st == DACC_OK && hist)
        st = read_one(nt, 'h', hist, flags, err);
    if (st == DACC_OK && enr)
        st = read_one(nt, 'e', enr, flags, err);
    if (st == DACC_OK)
        st = read_ratings(nt, ratings, flags, err);
    if (st == DACC_OK && !hist)
        say_missing(dir, true);
    if (st == DACC_OK && !enr)
        say_missing(dir, false);
    for (int k = 0; k < 3; k++)
        free(own[k]);
    free(dir);
    return st;
}

/* --lenient says what it skipped: how many rows, and why the first few. */
static void say_skipped(const dacc_notes *nt)
{
    uint64_t n = dacc_notes_skipped(nt);
    if (n == 0)
        return;
    fprintf(stderr, "%s: --lenient: skipped %llu row%s%s\n", prog_score, (unsigned long long)n,
            n == 1 ? "" : "s", n > dacc_notes_skip_reason_count(nt) ? "; the first:" : ":");
    for (size_t i = 0; i < dacc_notes_skip_reason_count(nt); i++)
        fprintf(stderr, "  %s\n", dacc_error_message(dacc_notes_skip_reason(nt, i)));
}

typedef struct {
    const dacc_notes *nt;
    dacc_notes_output which;
} out_ctx;

static int write_tsv(FILE *fp, void *ctx)
{
    const out_ctx *o = ctx;
    return dacc_notes_write_output(o->nt, o->which, fp);
}

static int write_summary(FILE *fp, void *ctx)
{
    return dacc_notes_write_summary(((const out_ctx *)ctx)->nt, fp);
}

/* The summary on standard output in the format asked for: the library
 * writes it as JSON, which text and CSV flatten. */
typedef struct {
    const dacc_notes *nt;
    cli_format f;
} summary_ctx;

static int write_summary_as(FILE *fp, void *ctx)
{
    const summary_ctx *c = ctx;
    if (c->f == CLI_FORMAT_JSON)
        return dacc_notes_write_summary(c->nt, fp);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    int bad = mem == NULL || dacc_notes_write_summary(c->nt, mem) != 0;
    if (mem != NULL)
        bad |= fclose(mem) != 0;
    json_t *doc = bad ? NULL : json_loadb(buf, len, 0, NULL);
    bad = doc == NULL || cli_write_flat(fp, c->f, doc) != 0;
    json_decref(doc);
    free(buf);
    return bad ? -1 : 0;
}

#define N_OUTPUTS 5
static const char *const score_names[N_OUTPUTS] = { "scored_notes.tsv", "helpfulness_scores.tsv",
                                                    "note_status_history.tsv", "aux_note_info.tsv",
                                                    "summary.json" };

/* The five files appear together or not at all (dacc_dir_out). */
static dacc_status emit_outputs(dacc_notes *nt, const char *outdir, cli_format f, dacc_error *err)
{
    out_ctx ctx[N_OUTPUTS];
    for (int k = 0; k < N_OUTPUTS; k++)
        ctx[k] = (out_ctx){ nt, (dacc_notes_output)k };
    if (!outdir)
        return cli_emit("-", write_summary_as, &(summary_ctx){ nt, f }, err);
    dacc_dir_out *set = NULL;
    dacc_status st = dacc_dir_out_open(outdir, score_names, N_OUTPUTS, &set, err);
    for (int k = 0; st == DACC_OK && k < N_OUTPUTS; k++) {
        const char *tmp = dacc_dir_out_path(set);
        size_t n = strlen(tmp) + strlen(score_names[k]) + 2;
        char *path = malloc(n);
        if (!path) {
            st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
            break;
        }
        snprintf(path, n, "%s/%s", tmp, score_names[k]);
        st = cli_emit(path, k + 1 < N_OUTPUTS ? write_tsv : write_summary, &ctx[k], err);
        free(path);
    }
    if (st == DACC_OK)
        return dacc_dir_out_commit(set, err);
    dacc_dir_out_abort(set);
    return st;
}

static int score_main(int argc, char **argv)
{
    score_args a = { 0 };
    dacc_notes_params_default(&a.p);
    a.format = CLI_FORMAT_JSON;
    int rc = parse_score(argc, argv, &a);
    if (rc < 0)
        return CLI_OK;
    if (rc != CLI_OK)
        return rc;
    if (!a.dir && (!a.notes || !a.ratings))
        return cli_usage(prog_score, "give DIR, or --notes and --ratings (--status and "
                                     "--enrollment are optional)");
    if (a.outdir != NULL && (rc = cli_set_distinct(prog_score, argc, argv, a.outdir, score_names,
                                                   N_OUTPUTS, NULL, 0)) != CLI_OK)
        return rc;
    dacc_error err = { 0 };
    dacc_notes *nt = dacc_notes_new();
    dacc_progress *pr = dacc_progress_new(stderr);
    dacc_status st = nt ? DACC_OK : dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK) {
        dacc_progress_stage(pr, "reading (rows)", 0);
        dacc_notes_set_progress(nt, pr);
        st = read_all(nt, &a, &err);
    }
    if (st == DACC_OK)
        st = dacc_notes_score(nt, &a.p, pr, &err);
    dacc_progress_free(pr);
    if (nt)
        say_skipped(nt);
    if (st == DACC_OK && isnan(a.p.epoch_millis))
        fprintf(stderr, "%s: the run's time is the latest in the data, %.17g ms (--epoch-millis)\n",
                prog_score, dacc_notes_now(nt));
    if (st == DACC_OK)
        st = emit_outputs(nt, a.outdir, a.format, &err);
    if (st == DACC_OK)
        cli_wrote(prog_score, a.quiet, "scored notes, helpfulness, status history, aux, summary",
                  a.outdir);
    dacc_notes_free(nt);
    return st == DACC_OK ? CLI_OK : cli_fail(prog_score, &err);
}

static int opt_double(const char *prog, const char *opt, const char *arg, double lo, double hi,
                      double *out)
{
    dacc_error err = { 0 };
    if (dacc_csv_parse_double(arg, strlen(arg), out, &err) != DACC_OK || *out < lo || *out > hi)
        return cli_usage(prog, "%s: expected a number in [%g, %g], got \"%s\"", opt, lo, hi, arg);
    return CLI_OK;
}

/* The five files under their published names, as one output set: if
 * generating fails, none appears. */
static dacc_status synth_files(const dacc_notes_synth_params *sp, const char *dir,
                               dacc_progress *pr, dacc_error *err)
{
    static const char *const names[] = { "notes-00000.tsv", "ratings-00000.tsv",
                                         "noteStatusHistory-00000.tsv", "userEnrollment-00000.tsv",
                                         "truth.tsv" };
    FILE *f[5] = { 0 };
    dacc_dir_out *set = NULL;
    dacc_status st = dacc_dir_out_open(dir, names, 5, &set, err);
    for (int k = 0; st == DACC_OK && k < 5; k++) {
        const char *tmp = dacc_dir_out_path(set);
        size_t n = strlen(tmp) + strlen(names[k]) + 2;
        char *path = malloc(n);
        if (path)
            snprintf(path, n, "%s/%s", tmp, names[k]);
        f[k] = path ? fopen(path, "wb") : NULL;
        if (f[k] == NULL)
            st = dacc_error_at(err, DACC_ERR_IO, dir, 0, 0, "cannot create %s: %s", names[k],
                               path ? strerror(errno) : "out of memory");
        free(path);
    }
    if (st == DACC_OK) {
        dacc_notes_synth_out out = { f[0], f[1], f[2], f[3], f[4] };
        st = dacc_notes_synth(sp, &out, pr, err);
    }
    for (int k = 0; k < 5; k++)
        if (f[k] != NULL && (fclose(f[k]) != 0) && st == DACC_OK)
            st = dacc_error_at(err, DACC_ERR_IO, dir, 0, 0, "writing %s failed: %s", names[k],
                               strerror(errno));
    if (st == DACC_OK)
        return dacc_dir_out_commit(set, err);
    dacc_dir_out_abort(set);
    return st;
}

static int synth_main(int argc, char **argv)
{
    const char *prog = "dacc notes synth", *outdir = NULL;
    int quiet = 0;
    dacc_notes_synth_params sp = { .ratings = 100000, .camps = 2, .noise = 0.05, .seed = 1 };
    uint64_t camps = 2;
    int ch, rc = CLI_OK;
    cli_getopt_reset();
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_notes, "synth", argc, argv);
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
        switch (ch) {
        case 'n':
            rc = cli_opt_u64(prog, "--ratings", optarg, 100, 1ull << 34, &sp.ratings);
            break;
        case 'c':
            rc = cli_opt_u64(prog, "--camps", optarg, 2, 64, &camps);
            break;
        case 'z':
            rc = opt_double(prog, "--noise", optarg, 0, 1, &sp.noise);
            break;
        case 'P':
            rc = opt_double(prog, "--per-note", optarg, 5, 1e6, &sp.ratings_per_note);
            break;
        case 'Q':
            rc = opt_double(prog, "--per-rater", optarg, 1, 1e6, &sp.ratings_per_rater);
            break;
        case 's':
            rc = cli_opt_u64(prog, "--seed", optarg, 0, UINT64_MAX, &sp.seed);
            break;
        case 'x':
            rc = opt_double(prog, "--expansion", optarg, 0, 0.9, &sp.expansion);
            break;
        case 'X':
            rc = opt_double(prog, "--expansion-plus", optarg, 0, 0.9, &sp.expansion_plus);
            break;
        case 'I':
            sp.incorrect_tags = true;
            break;
        case 'T':
            rc = opt_double(prog, "--topics", optarg, 0, 1, &sp.topics);
            break;
        case 'U':
            rc = opt_double(prog, "--population", optarg, 0, 1, &sp.population);
            break;
        case 'G':
            rc = opt_double(prog, "--nmr-groups", optarg, 0, 0.9, &sp.nmr_groups);
            break;
        case 'L': {
            uint64_t k = 0;
            rc = cli_opt_u64(prog, "--cliques", optarg, 0, 1000, &k);
            sp.cliques = (unsigned)k;
            break;
        }
        case CLI_KEY_OUT_DIR:
            outdir = optarg;
            break;
        case CLI_KEY_QUIET:
            quiet = 1;
            break;
        default:
            return CLI_USAGE;
        }
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    if (rc != CLI_OK)
        return rc;
    if (optind < argc)
        return cli_usage(prog, "unexpected argument \"%s\"", argv[optind]);
    sp.camps = (unsigned)camps;
    if (sp.expansion + sp.expansion_plus + sp.nmr_groups > 0.9)
        return cli_usage(prog,
                         "--expansion, --expansion-plus and --nmr-groups add up to %g, more "
                         "than 0.9",
                         sp.expansion + sp.expansion_plus + sp.nmr_groups);
    dacc_error err = { 0 };
    dacc_progress *pr = dacc_progress_new(stderr);
    dacc_status st = synth_files(&sp, outdir, pr, &err);
    dacc_progress_free(pr);
    if (st == DACC_OK)
        cli_wrote(prog, quiet, "synthetic notes, ratings, status history, enrollment, truth",
                  outdir);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- the declaration ---- */

static const cli_opt notes_opts[] = {
    { "notes", 'n', "FILE", 'n', NULL, "the notes file (required without DIR)", "score", 0, NULL },
    { "ratings", 'r', "PATH", 'r', NULL,
      "a ratings file, or a directory of ratings*.tsv shards (required without DIR)", "score", 0,
      NULL },
    { "status", 's', "FILE", 's', NULL,
      "the note status history: the published file, or the note_status_history.tsv of the "
      "previous run. Optional: without it, noteStatusHistory-00000.tsv in DIR or beside the "
      "notes file, else every note is taken as new (no earlier status, lock or stabilization)",
      "score", 0, NULL },
    { "history", 0, "FILE", 's', NULL, "the same as --status", "score", 0, NULL },
    { "enrollment", 'e', "FILE", 'e', NULL,
      "the user enrollment file. Optional: without it, userEnrollment-00000.tsv in DIR or "
      "beside the notes file, else every rater is taken as unassigned to a modeling group (kept "
      "by the core model; no stable initialisation)",
      "score", 0, NULL },
    { "out-dir", 0, "DIR", CLI_KEY_OUT_DIR, NULL,
      "write scored_notes.tsv, helpfulness_scores.tsv, note_status_history.tsv, "
      "aux_note_info.tsv and summary.json there, all or none (created if missing); without it "
      "the summary goes to standard output. An output may not replace an input",
      "score", 0, NULL },
    { "epoch-millis", 0, "MS", 't', "the latest time in the data",
      "the run's time, for the status history (the default makes runs repeat)", "score", 0, NULL },
    { "lenient", 0, NULL, 'l', NULL,
      "skip malformed rows and conflicting duplicate ratings, saying how many on standard "
      "error, with the first few reasons, instead of stopping",
      "score", 0, NULL },
    { "seed", 0, "N", 'S', "0", "seed of the first fit's starting factors", "score", 0, NULL },
    { "nopseudoraters", 0, NULL, 'X', NULL,
      "no pseudo-rater confidence bounds and no UcbCRNH rule (faster; runner.py's option)", "score",
      0, NULL },
    { "pseudoraters", 0, NULL, 'Y', NULL, "pseudo-rater confidence bounds (the default)", "score",
      0, NULL },
    { "all-groups", 0, NULL, 'g', NULL, "keep raters outside the core modeling groups", "score", 0,
      NULL },
    { "keep-not-misleading", 0, NULL, 'k', NULL, "score every note, not only the reference's set",
      "score", 0, NULL },
    { "core-only", 0, NULL, 'C', NULL,
      "run the core scorer alone (no expansion scorers, no capture threshold), as dacc did "
      "before the whole pipeline",
      "score", 0, NULL },
    { "skip-pss", 0, NULL, 'K', NULL,
      "no rater clustering (post-selection similarity and quasi-cliques): no rating dropped, "
      "no correlated rater (runner.py's option; faster on large data)",
      "score", 0, NULL },
    { "skip-low-diligence", 0, NULL, 'W', NULL,
      "no low-diligence model: FilterLowDiligence never acts and lowDiligenceIntercept is "
      "empty (dacc's option, to see what the filter changed)",
      "score", 0, NULL },
    { "format", 'f', "FORMAT", 'f', "json",
      "how to print the summary on standard output (without --out-dir)", "score", 0,
      "text json csv" },
    { "ratings", 'n', "N", 'n', "100000", "number of ratings, about", "synth", 0, NULL },
    { "camps", 0, "K", 'c', "2", "rater camps", "synth", 0, NULL },
    { "noise", 0, "X", 'z', "0.05", "share of raters answering at random", "synth", 0, NULL },
    { "per-note", 0, "X", 'P', "40", "mean ratings per note", "synth", 0, NULL },
    { "per-rater", 0, "X", 'Q', "30", "mean ratings per rater", "synth", 0, NULL },
    { "seed", 0, "N", 's', "1", "generator seed", "synth", 0, NULL },
    { "expansion", 0, "X", 'x', "0", "share of raters in expansion modeling groups", "synth", 0,
      NULL },
    { "expansion-plus", 0, "X", 'X', "0", "share of raters in expansion-plus modeling groups",
      "synth", 0, NULL },
    { "nmr-groups", 0, "X", 'G', "0",
      "share of raters in modeling groups 33 and 18 (half each), whose group scorers can take "
      "a note back to NMR",
      "synth", 0, NULL },
    { "topics", 0, "X", 'T', "0",
      "share of notes whose summaries are about one of the topic model's topics (seed terms "
      "and words that go with them)",
      "synth", 0, NULL },
    { "population", 0, "X", 'U', "0",
      "share of ratings from population-sampled raters (ratingSourceBucketed "
      "POPULATION_SAMPLED)",
      "synth", 0, NULL },
    { "cliques", 0, "K", 'L', "0",
      "planted rater cliques, each of 8 raters rating 60 bad notes helpful within two minutes "
      "of their writing (what post-selection similarity finds)",
      "synth", 0, NULL },
    { "incorrect-tags", 0, NULL, 'I', NULL,
      "not-helpful answers on every tenth note also tick notHelpfulIncorrect (sets off the "
      "reference's low-diligence filter, which dacc does not run)",
      "synth", 0, NULL },
    { "out-dir", 0, "DIR", CLI_KEY_OUT_DIR, NULL, "output directory (created if missing)", "synth",
      CLI_REQ_ALL, NULL },
    { "outdir", 'o', "DIR", CLI_KEY_OUT_DIR, NULL,
      "--out-dir as the reference scorer (main.py) spells it; -o, the old short form, is "
      "deprecated",
      NULL, 0, NULL },
    CLI_OPT_QUIET(NULL),
};

static const cli_sub notes_subs[] = {
    { "score", "score notes from the published TSV files", "[DIR]",
      "Score notes as the Community Notes scorer does (docs/notes.md): read the\n"
      "published TSV files; assign topics to posts from their notes' text (the\n"
      "topic model); for each scorer (expansion-plus, expansion, groups 1-13, 33\n"
      "and 18, multi-group, core-with-topics, one per topic, core: each on its\n"
      "raters or notes) fit the bridging matrix factorization, rate contributors'\n"
      "helpfulness and give every note a status with the rules that decided it;\n"
      "then the meta-scorer's final status, which scorer decided it, and the\n"
      "updated status history. --core-only runs the core alone, without topics.\n"
      "The options are the reference scorer's (main.py).\n"
      "DIR holds the files under their published names (notes-00000.tsv,\n"
      "ratings-0000N.tsv, noteStatusHistory-00000.tsv, userEnrollment-00000.tsv).\n"
      "\n"
      "What is assumed (a missing file, the time) is said on standard error. A\n"
      "progress line (stage, rows, sweeps) shows on a terminal. Exit status 0, 1 on\n"
      "bad input or I/O failure (with file, line and column), 2 on a usage error.",
      score_main },
    { "synth", "write synthetic data with planted camps and note kinds", "",
      "Write synthetic Community Notes files with planted structure into DIR:\n"
      "raters in camps, bridging notes every camp finds helpful, notes only one camp\n"
      "likes, bad notes, and noisy raters; truth.tsv names each note's kind. The files\n"
      "have the published columns, so the reference scorer reads them too.",
      synth_main },
};

static const cli_section notes_sections[] = {
    { "DESCRIPTION",
      ".B score\n"
      "reads the published Community Notes files (notes, ratings shards, note\n"
      "status history, user enrollment) and, for each of the reference's expansion\\-plus,\n"
      "expansion and core scorers (the raters of their modeling groups), fits the\n"
      "one\\-factor matrix factorization r = mu + i_u + i_n + f_u f_n in its three\n"
      "rounds by alternating exact least squares, computes contributor helpfulness,\n"
      "and gives every note a status (CURRENTLY_RATED_HELPFUL,\n"
      "CURRENTLY_RATED_NOT_HELPFUL, NEEDS_MORE_RATINGS, FIRM_REJECT,\n"
      "NEEDS_YOUR_HELP) with the rules that decided it; then its final status by the\n"
      "reference meta\\-scorer's rules over those scorers (which one decides,\n"
      "stabilization before a note is shown, locked statuses) and its updated status\n"
      "history, which the next run reads.\n"
      ".B \\-\\-core\\-only\n"
      "runs the core scorer alone. The options are those of the reference scorer\n"
      ".RI ( main.py ).\n"
      "The output is the same bytes on any number of threads.\n"
      ".B synth\n"
      "writes the same four files with planted rater camps and note kinds (and\n"
      ".IR truth.tsv ).\n"
      "Model, rules, constants and formats:\n"
      ".IR docs/notes.md .\n" },
    { "EXIT STATUS",
      "0 on success; 1 on bad input (the message names file, line and column; a\n"
      "rater who rated a note twice is named at the second rating, with the line of\n"
      "the first) or an I/O failure; 2 on a usage error.\n" },
    { "ENVIRONMENT", ".TP\n"
                     ".B OMP_NUM_THREADS\n"
                     "Threads for the fits; results do not depend on it.\n" },
    { "SEE ALSO", ".BR dacc (1)\n" },
};

const cli_spec cli_spec_notes = {
    .name = "notes",
    .summary = "bridging-based note scoring (Community Notes): score, synth",
    .description = "Bridging-based note scoring, as the Community Notes core scorer computes it:\n"
                   "a note is shown only when raters who usually disagree both find it helpful.\n"
                   "Model, rules and formats: docs/notes.md.",
    CLI_SUBS(notes_subs),
    CLI_OPTS(notes_opts),
    CLI_SECTIONS(notes_sections),
};

int cmd_notes(int argc, char **argv)
{
    return cli_spec_run(&cli_spec_notes, argc, argv);
}
