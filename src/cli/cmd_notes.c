/* dacc notes: score Community Notes data with the bridging model, or write
 * synthetic data with planted structure. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "dacc/csv.h"
#include "dacc/file.h"
#include "dacc/notes.h"

static const char score_usage[] =
    "Usage: dacc notes score [options] [DIR]\n"
    "       dacc notes score --enrollment F --notes F --ratings F --status F --outdir D\n\n"
    "Score notes as the Community Notes scorer does with its core model alone\n"
    "(docs/notes.md): read the published TSV files, fit the bridging matrix\n"
    "factorization in its three rounds, rate contributors' helpfulness, give every\n"
    "note a core status with the rules that decided it, then its final status and\n"
    "its updated status history. The options are the reference scorer's (main.py).\n"
    "DIR holds the files under their published names (notes-00000.tsv,\n"
    "ratings-0000N.tsv, noteStatusHistory-00000.tsv, userEnrollment-00000.tsv).\n\n"
    "  -n, --notes FILE        the notes file (required without DIR)\n"
    "  -r, --ratings PATH      a ratings file, or a directory of ratings*.tsv shards\n"
    "                          (required without DIR)\n"
    "  -s, --status FILE       the note status history: the published file, or the\n"
    "                          note_status_history.tsv of the previous run\n"
    "                          (--history is the same option). Optional: without it,\n"
    "                          noteStatusHistory-00000.tsv in DIR or beside the notes\n"
    "                          file, else every note is taken as new (no earlier\n"
    "                          status, lock or stabilization)\n"
    "  -e, --enrollment FILE   the user enrollment file. Optional: without it,\n"
    "                          userEnrollment-00000.tsv in DIR or beside the notes\n"
    "                          file, else every rater is taken as unassigned to a\n"
    "                          modeling group (kept by the core model; no stable\n"
    "                          initialisation)\n"
    "  -o, --outdir DIR        write scored_notes.tsv, helpfulness_scores.tsv,\n"
    "                          note_status_history.tsv, aux_note_info.tsv and\n"
    "                          summary.json there, all or none (created if\n"
    "                          missing); without it the summary goes to standard\n"
    "                          output. An output may not replace an input\n"
    "  --epoch-millis MS       the run's time, for the status history (default: the\n"
    "                          latest time in the data, so that runs repeat)\n"
    "  --lenient               skip malformed rows and conflicting duplicate ratings,\n"
    "                          saying how many on standard error, with the first few\n"
    "                          reasons, instead of stopping\n"
    "  --seed N                seed of the first fit's starting factors (default 0)\n"
    "  --all-groups            keep raters outside the core modeling groups\n"
    "  --keep-not-misleading   score every note, not only the reference's set\n"
    "  -h, --help              show this help\n\n"
    "What is assumed (a missing file, the time) is said on standard error. A\n"
    "progress line (stage, rows, sweeps) shows on a terminal. Exit status 0, 1 on\n"
    "bad input or I/O failure (with file, line and column), 2 on a usage error.\n";

static const char synth_usage[] =
    "Usage: dacc notes synth [options] -o DIR\n\n"
    "Write synthetic Community Notes files with planted structure into DIR:\n"
    "raters in camps, bridging notes every camp finds helpful, notes only one camp\n"
    "likes, bad notes, and noisy raters; truth.tsv names each note's kind. The files\n"
    "have the published columns, so the reference scorer reads them too.\n\n"
    "  -n, --ratings N      number of ratings, about (default 100000)\n"
    "  --camps K            rater camps (default 2)\n"
    "  --noise X            share of raters answering at random (default 0.05)\n"
    "  --per-note X         mean ratings per note (default 40)\n"
    "  --per-rater X        mean ratings per rater (default 30)\n"
    "  --seed N             generator seed (default 1)\n"
    "  -o, --outdir DIR     output directory (created if missing)\n"
    "  -h, --help           show this help\n";

typedef struct {
    const char *notes, *ratings, *history, *enrollment, *outdir, *dir;
    bool lenient;
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
    static const struct option longs[] = { { "notes", required_argument, NULL, 'n' },
                                           { "ratings", required_argument, NULL, 'r' },
                                           { "status", required_argument, NULL, 's' },
                                           { "history", required_argument, NULL, 's' },
                                           { "enrollment", required_argument, NULL, 'e' },
                                           { "outdir", required_argument, NULL, 'o' },
                                           { "epoch-millis", required_argument, NULL, 't' },
                                           { "lenient", no_argument, NULL, 'l' },
                                           { "seed", required_argument, NULL, 'S' },
                                           { "all-groups", no_argument, NULL, 'g' },
                                           { "keep-not-misleading", no_argument, NULL, 'k' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    int ch, rc = CLI_OK;
    cli_getopt_reset();
    while (rc == CLI_OK && (ch = getopt_long(argc, argv, "n:r:s:e:o:h", longs, NULL)) != -1) {
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
        case 'o':
            a->outdir = optarg;
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
        case 'g':
            a->p.core_groups_only = false;
            break;
        case 'k':
            a->p.filter_not_misleading = false;
            break;
        case 'h':
            return -1;
        default:
            return CLI_USAGE;
        }
    }
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

#define N_OUTPUTS 5
static const char *const score_names[N_OUTPUTS] = { "scored_notes.tsv", "helpfulness_scores.tsv",
                                                    "note_status_history.tsv", "aux_note_info.tsv",
                                                    "summary.json" };

/* The five files appear together or not at all (dacc_dir_out). */
static dacc_status emit_outputs(dacc_notes *nt, const char *outdir, dacc_error *err)
{
    out_ctx ctx[N_OUTPUTS];
    for (int k = 0; k < N_OUTPUTS; k++)
        ctx[k] = (out_ctx){ nt, (dacc_notes_output)k };
    if (!outdir)
        return cli_emit("-", write_summary, &ctx[0], err);
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
    int rc = parse_score(argc, argv, &a);
    if (rc < 0)
        return cli_help(score_usage);
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
        st = emit_outputs(nt, a.outdir, &err);
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
    static const struct option longs[] = { { "ratings", required_argument, NULL, 'n' },
                                           { "camps", required_argument, NULL, 'c' },
                                           { "noise", required_argument, NULL, 'z' },
                                           { "per-note", required_argument, NULL, 'P' },
                                           { "per-rater", required_argument, NULL, 'Q' },
                                           { "seed", required_argument, NULL, 's' },
                                           { "outdir", required_argument, NULL, 'o' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    const char *prog = "dacc notes synth", *outdir = NULL;
    dacc_notes_synth_params sp = { .ratings = 100000, .camps = 2, .noise = 0.05, .seed = 1 };
    uint64_t camps = 2;
    int ch, rc = CLI_OK;
    cli_getopt_reset();
    while (rc == CLI_OK && (ch = getopt_long(argc, argv, "n:o:h", longs, NULL)) != -1) {
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
        case 'o':
            outdir = optarg;
            break;
        case 'h':
            return cli_help(synth_usage);
        default:
            return CLI_USAGE;
        }
    }
    if (rc != CLI_OK)
        return rc;
    if (!outdir || optind < argc)
        return cli_usage(prog, outdir ? "unexpected argument \"%s\"" : "-o DIR is required%s",
                         outdir ? argv[optind] : "");
    sp.camps = (unsigned)camps;
    dacc_error err = { 0 };
    dacc_progress *pr = dacc_progress_new(stderr);
    dacc_status st = synth_files(&sp, outdir, pr, &err);
    dacc_progress_free(pr);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

static const cli_command subcommands[] = {
    { "score", "score notes from the published TSV files", score_main },
    { "synth", "write synthetic data with planted camps and note kinds", synth_main },
};

int cmd_notes(int argc, char **argv)
{
    static const char about[] =
        "Bridging-based note scoring, as the Community Notes core scorer computes it:\n"
        "a note is shown only when raters who usually disagree both find it helpful.\n"
        "Model, rules and formats: docs/notes.md.";
    return cli_dispatch("dacc notes", about, subcommands,
                        sizeof subcommands / sizeof subcommands[0], argc, argv);
}
