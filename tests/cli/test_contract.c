/* The command-line contract, walked over every command and subcommand as
 * the tool lists them: --help exits 0 and its usage line is the man page's
 * synopsis; every option the help lists is accepted; an option of another
 * subcommand is refused with exit status 2; a missing required option is
 * exit status 2; --format json parses and --format csv has a header. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

#define MAX_ITEMS   128
#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

typedef struct {
    char *name[MAX_ITEMS];
    int has_arg[MAX_ITEMS];
    size_t n;
} list;

static void list_free(list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->name[i]);
    l->n = 0;
}

static int list_has(const list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->name[i], name) == 0)
            return 1;
    return 0;
}

static void list_add(list *l, const char *s, size_t len, int has_arg)
{
    cr_assert_lt(l->n, MAX_ITEMS);
    l->name[l->n] = strndup(s, len);
    l->has_arg[l->n++] = has_arg;
}

/* The names listed under "Commands:": two spaces, the name (one or two
 * words), then two spaces or the end of the line. */
static void commands_of(const char *help, list *out)
{
    const char *p = strstr(help, "\nCommands:\n");
    cr_assert(p != NULL, "%s", help);
    for (p = strchr(p + 1, '\n') + 1; strncmp(p, "  ", 2) == 0; p = strchr(p, '\n') + 1) {
        if (p[2] != ' ') {
            const char *end = strstr(p + 2, "  "), *nl = strchr(p, '\n');
            list_add(out, p + 2, (size_t)((end && end < nl ? end : nl) - (p + 2)), 0);
        }
    }
}

/* The long options under "Options:", and whether each takes an argument. */
static void options_of(const char *help, list *out)
{
    const char *p = strstr(help, "\nOptions:\n");
    cr_assert(p != NULL, "%s", help);
    for (p = strchr(p + 1, '\n') + 1; *p == ' '; p = strchr(p, '\n') + 1) {
        const char *dd = strstr(p, "--"), *nl = strchr(p, '\n');
        if (strncmp(p, "  -", 3) != 0 && strncmp(p, "      --", 8) != 0)
            continue; /* a continuation line */
        cr_assert(dd != NULL && dd < nl, "%.*s", (int)(nl - p), p);
        size_t len = strcspn(dd + 2, " \n");
        int has_arg = dd[2 + len] == ' ' && dd[3 + len] != ' ';
        if (strncmp(dd + 2, "help", len) != 0 || len != 4)
            list_add(out, dd + 2, len, has_arg);
    }
}

/* The man page's synopsis lines, troff removed. */
static char *synopsis_of(const char *page)
{
    const char *p = strstr(page, ".SH SYNOPSIS\n.nf\n"), *end = p ? strstr(p, "\n.fi\n") : NULL;
    cr_assert(end != NULL, "no SYNOPSIS in\n%s", page);
    p += strlen(".SH SYNOPSIS\n.nf\n");
    char *out = malloc((size_t)(end - p) + 2), *o = out;
    for (; p <= end; p++) {
        if (p[0] == '\\' && p[1] == 'f' && p[2] != '\0')
            p += 2;
        else if (p[0] == '\\' && p[1] == '-')
            *o++ = '-', p++;
        else
            *o++ = *p;
    }
    *o = '\0';
    return out;
}

/* argv for dacc CMD [SUB words] then extra. */
static size_t words(const char **argv, const char *cmd, const char *sub)
{
    static char buf[2][64];
    size_t n = 0;
    argv[n++] = cmd;
    if (sub != NULL) {
        const char *sp = strchr(sub, ' ');
        if (sp == NULL) {
            argv[n++] = sub;
        } else {
            snprintf(buf[0], sizeof buf[0], "%.*s", (int)(sp - sub), sub);
            snprintf(buf[1], sizeof buf[1], "%s", sp + 1);
            argv[n++] = buf[0];
            argv[n++] = buf[1];
        }
    }
    return n;
}

static void run_with(run_result *r, const char *cmd, const char *sub, const char *const *extra)
{
    const char *argv[2 * MAX_ITEMS + 8];
    size_t n = words(argv, cmd, sub);
    for (size_t i = 0; extra[i] != NULL; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    run_dacc(r, NULL, argv);
}

/* The subcommands whose --format json and csv the format tests below run
 * on real inputs; every subcommand that lists json and csv must be here.
 * pause device init, rotate and verify print the record status prints
 * (one function, print_outcome). */
static const char *const format_tested[] = {
    "apportion",           "deepfund graph",
    "deepfund sample",     "deepfund score",
    "deepfund mix",        "deepfund aggregate",
    "deepfund allocate",   "fund qf",
    "fund pairwise",       "fund cocm",
    "fund cluster",        "fund compare",
    "fund explain",        "fund linear",
    "market run",          "market quote",
    "notes score",         "rng",
    "round show",          "round result",
    "round replay",        "pause simulate",
    "pause device status", "pause device init",
    "pause device rotate", "pause device verify",
    "log audit",           "screen receipt count",
};

static void check_format_tested(const char *cmd, const char *sub, const char *help)
{
    const char *f = strstr(help, "--format FORMAT"), *next = f ? strstr(f, "\n  -") : NULL;
    if (f == NULL)
        return;
    char *text = strndup(f, next ? (size_t)(next - f) : strlen(f)); /* the option's help */
    int both = strstr(text, "json") != NULL && strstr(text, "csv") != NULL;
    free(text);
    if (!both)
        return;
    char name[96];
    snprintf(name, sizeof name, "%s%s%s", cmd, sub ? " " : "", sub ? sub : "");
    for (size_t i = 0; i < sizeof format_tested / sizeof format_tested[0]; i++)
        if (strcmp(format_tested[i], name) == 0)
            return;
    cr_assert_fail("%s takes --format json|csv and no test runs it", name);
}

/* The parts of the contract one subcommand's help shows. */
static void check_sub(const char *cmd, const char *sub, const char *synopsis, const list *all)
{
    run_result r;
    run_with(&r, cmd, sub, (const char *const[]){ "--help", NULL });
    cr_assert_eq(r.status, 0, "%s %s --help: %s", cmd, sub ? sub : "", r.err);
    cr_assert(strncmp(r.out, "Usage: ", 7) == 0, "%s", r.out);
    char *usage = strndup(r.out + 7, strcspn(r.out + 7, "\n") + 1);
    cr_assert(strstr(synopsis, usage) != NULL, "usage '%s' is not in the man synopsis:\n%s", usage,
              synopsis);
    list opts = { .n = 0 };
    options_of(r.out, &opts);
    check_format_tested(cmd, sub, r.out);
    run_result_free(&r);
    /* all of them at once (then --help, so that nothing runs); when a
     * value is refused, one at a time, to tell a value from an option */
    const char *argv[2 * MAX_ITEMS + 2];
    char names[MAX_ITEMS][96];
    size_t n = 0;
    for (size_t i = 0; i < opts.n; i++) {
        snprintf(names[i], sizeof names[i], "--%s", opts.name[i]);
        argv[n++] = names[i];
        if (opts.has_arg[i])
            argv[n++] = strcmp(opts.name[i], "format") == 0 ? "text" : "1";
    }
    argv[n++] = "--help";
    argv[n] = NULL;
    run_with(&r, cmd, sub, argv);
    int together = r.status == 0;
    run_result_free(&r);
    for (size_t i = 0; i < opts.n && !together; i++) {
        const char *value = strcmp(opts.name[i], "format") == 0 ? "text" : "1";
        run_with(&r, cmd, sub,
                 opts.has_arg[i] ? (const char *const[]){ names[i], value, "--help", NULL }
                                 : (const char *const[]){ names[i], "--help", NULL });
        cr_assert(strstr(r.err, "unknown option") == NULL && strstr(r.err, "option of") == NULL &&
                      strstr(r.err, "argument") == NULL,
                  "%s %s %s: %s", cmd, sub ? sub : "", names[i], r.err);
        cr_assert(r.status == 0 || r.status == 2, "%s %s %s: %d", cmd, sub ? sub : "", names[i],
                  r.status);
        run_result_free(&r);
    }
    /* an option of a sibling is refused, naming who takes it (a few of
     * them, spread over the list, keep the walk quick) */
    size_t tried = 0;
    for (size_t i = 0; i < all->n && tried < 4; i += 3) {
        if (list_has(&opts, all->name[i]))
            continue;
        tried++;
        char name[96];
        snprintf(name, sizeof name, "--%s", all->name[i]);
        run_with(&r, cmd, sub, (const char *const[]){ name, "1", "--help", NULL });
        cr_assert_eq(r.status, 2, "%s %s %s: %d", cmd, sub, name, r.status);
        cr_assert(strstr(r.err, "is an option of") != NULL, "%s %s %s: %s", cmd, sub, name, r.err);
        cr_assert(strstr(r.err, "\ndacc ") == NULL, "more than one message: %s", r.err);
        run_result_free(&r);
    }
    /* required options stand before [options] in the usage line */
    if (strstr(usage, " --") != NULL && strstr(usage, " --") < strstr(usage, "[options]")) {
        run_with(&r, cmd, sub, (const char *const[]){ NULL });
        cr_assert_eq(r.status, 2, "%s %s without its required options: %d %s", cmd, sub, r.status,
                     r.err);
        cr_assert(strstr(r.err, "is required") != NULL, "%s %s: %s", cmd, sub, r.err);
        run_result_free(&r);
    }
    free(usage);
    list_free(&opts);
}

Test(contract, every_command_and_subcommand)
{
    run_result r;
    RUN(&r, "--help");
    cr_assert_eq(r.status, 0);
    list cmds = { .n = 0 };
    commands_of(r.out, &cmds);
    run_result_free(&r);
    cr_assert_geq(cmds.n, 10);
    size_t walked = 0;
    for (size_t c = 0; c < cmds.n; c++) {
        char page[64];
        snprintf(page, sizeof page, "dacc-%s", cmds.name[c]);
        RUN(&r, "--man", page);
        cr_assert_eq(r.status, 0, "%s: %s", page, r.err);
        char *synopsis = synopsis_of(r.out);
        run_result_free(&r);
        RUN(&r, cmds.name[c], "--help");
        cr_assert_eq(r.status, 0);
        list subs = { .n = 0 }, all = { .n = 0 };
        if (strstr(r.out, "\nCommands:\n") != NULL)
            commands_of(r.out, &subs);
        run_result_free(&r);
        /* the options of the whole command, for the refusals */
        for (size_t s = 0; s < subs.n; s++) {
            run_with(&r, cmds.name[c], subs.name[s], (const char *const[]){ "--help", NULL });
            list o = { .n = 0 };
            options_of(r.out, &o);
            for (size_t i = 0; i < o.n; i++)
                if (!list_has(&all, o.name[i]))
                    list_add(&all, o.name[i], strlen(o.name[i]), o.has_arg[i]);
            list_free(&o);
            run_result_free(&r);
        }
        if (subs.n == 0) {
            check_sub(cmds.name[c], NULL, synopsis, &all);
            walked++;
        }
        for (size_t s = 0; s < subs.n; s++, walked++)
            check_sub(cmds.name[c], subs.name[s], synopsis, &all);
        free(synopsis);
        list_free(&subs);
        list_free(&all);
    }
    list_free(&cmds);
    cr_assert_geq(walked, 50, "only %zu subcommands walked", walked);
}

Test(contract, one_message_per_error)
{
    run_result r;
    RUN(&r, "deepfund", "score", "--bogus");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.err, "dacc deepfund score: unknown option '--bogus'\n"
                            "Try 'dacc deepfund score --help' for more information.\n");
    run_result_free(&r);
    RUN(&r, "deepfund", "score", "submission0.csv");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "--jury FILE is required") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "fund", "qf", "--style", "og", "x.csv");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.err, "dacc fund qf: --style is an option of 'cocm', not of 'qf'\n"
                            "Try 'dacc fund qf --help' for more information.\n");
    run_result_free(&r);
    RUN(&r, "fund", "explain", "--M");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "--M needs an argument (M)") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "fund", "qf", "--s", "x.csv");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "option '--s' is ambiguous: --self-column, ") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "rng", "-Z");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "unknown option '-Z'") != NULL, "%s", r.err);
    run_result_free(&r);
}

Test(contract, help_never_overflows_its_column)
{
    run_result r;
    RUN(&r, "log", "--help");
    for (const char *p = r.out; *p; p = strchr(p, '\n') + 1)
        cr_assert_leq(strcspn(p, "\n"), 79, "%.*s", (int)strcspn(p, "\n"), p);
    cr_assert(strstr(r.out, "  prove-consistency  consistency proof") != NULL, "%s", r.out);
    run_result_free(&r);
    RUN(&r, "serve", "--help");
    cr_assert(strstr(r.out, "--per-address-connections N\n") != NULL, "%s", r.out);
    run_result_free(&r);
}

/* ---- formats ---- */

static void json_parses(const char *what, const char *text)
{
    json_error_t e;
    json_t *doc = json_loads(text, JSON_DECODE_ANY, &e);
    cr_assert(doc != NULL, "%s: %s at %d in\n%s", what, e.text, e.line, text);
    json_decref(doc);
}

static void csv_has_header(const char *what, const char *text)
{
    size_t len = strcspn(text, "\n");
    cr_assert(len > 0 && text[len] == '\n', "%s: no header line in\n%s", what, text);
    for (size_t i = 0; i < len; i++)
        cr_assert(text[i] < '0' || text[i] > '9' || i > 0, "%s: a number for a header: %.*s", what,
                  (int)len, text);
}

typedef struct {
    const char *args[24];
} invocation;

/* Runs args with --format json and --format csv appended. */
static void formats(const invocation *inv, int csv)
{
    const char *argv[32];
    size_t n = 0;
    while (inv->args[n] != NULL)
        argv[n] = inv->args[n], n++;
    char what[256] = "";
    for (size_t i = 0; i < n && i < 3; i++)
        snprintf(what + strlen(what), sizeof what - strlen(what), "%s ", argv[i]);
    for (int k = 0; k < 1 + csv; k++) {
        argv[n] = "--format";
        argv[n + 1] = k == 0 ? "json" : "csv";
        argv[n + 2] = NULL;
        run_result r;
        run_dacc(&r, NULL, argv);
        cr_assert(r.status == 0 || (r.status == 1 && r.out_len > 0), "%s%s: %d %s", what,
                  argv[n + 1], r.status, r.err);
        if (k == 0)
            json_parses(what, r.out);
        else
            csv_has_header(what, r.out);
        run_result_free(&r);
    }
}

static char *at(const char *dir, const char *name)
{
    return path_join(dir, name);
}

Test(contract, format_json_parses_and_csv_has_a_header, .timeout = 120)
{
    char *d = make_temp_dir();
    char *don = at(d, "d.csv"), *groups = at(d, "g.csv"), *log = at(d, "log"), *key = at(d, "op"),
         *keyfile = at(d, "op.key"), *notes = at(d, "notes");
    write_text(don, "donor,project,amount\nalice,p1,5.25\nbob,p1,3\ncarol,p2,9.5\nbob,p2,1\n");
    write_text(groups, "donor,cluster\nalice,a\nbob,a\ncarol,b\n");
    run_result r;
    RUN(&r, "log", "init", "--origin", "example.org/contract", log);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "round", "keygen", key);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "fund", "qf", "--pool", "100", "--log", log, "--key", keyfile, don);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "round", "show", "--log", log);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char round[65];
    snprintf(round, sizeof round, "%.64s", r.out);
    run_result_free(&r);
    RUN(&r, "notes", "synth", "--ratings", "2000", "--out-dir", notes, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    const char *g = SOURCE_PATH("examples/deepfund/graph.csv"),
               *j = SOURCE_PATH("examples/deepfund/jury.csv"),
               *m1 = SOURCE_PATH("examples/deepfund/model-bold.csv"),
               *m2 = SOURCE_PATH("examples/deepfund/model-careful.csv");
    const invocation both[] = {
        { { "apportion", "--pool", "100", SOURCE_PATH("examples/base/grants.csv"), "--id-column",
            "project" } },
        { { "deepfund", "graph", "-g", g } },
        { { "deepfund", "sample", "-g", g, "-j", j } },
        { { "deepfund", "score", "-g", g, "-j", j, m1, m2 } },
        { { "deepfund", "mix", "-g", g, "-j", j, m1, m2 } },
        { { "deepfund", "aggregate", "-g", g, "-j", j } },
        { { "deepfund", "allocate", "-g", g, "--pool", "1000" } },
        { { "fund", "qf", don } },
        { { "fund", "pairwise", "--pool", "10", don } },
        { { "fund", "cocm", don } },
        { { "fund", "cluster", "--groups", groups, don } },
        { { "fund", "compare", don } },
        { { "fund", "explain", don, "p1" } },
        { { "fund", "linear", "--pool", "10", "--decimals", "2", don } },
        { { "market", "run", SOURCE_PATH("examples/market/info-finance.jsonl") } },
        { { "market", "quote", "--kind", "lmsr", "--b", "100", "buy", "0", "10" } },
        { { "market", "quote", "--kind", "lmsr", "--b", "100", "trade", "5;3" } },
        { { "pause", "simulate", "--weeks", "3", "--devices", "4" } },
        { { "log", "audit", log } },
        { { "notes", "score", notes } },
        { { "rng", "--seed", "x", "--below", "10", "--count", "3" } },
        { { "rng", "--seed", "x", "--bytes", "4" } },
        { { "round", "show", "--log", log, round } },
        { { "round", "result", "--log", log, round } },
        { { "round", "replay", "--log", log, round } },
    };
    for (size_t i = 0; i < sizeof both / sizeof both[0]; i++)
        formats(&both[i], 1);
    free(don);
    free(groups);
    free(log);
    free(key);
    free(keyfile);
    free(notes);
    remove_tree(d);
    free(d);
}

/* vuln scan and match print JSON (and SARIF, which tests/vuln checks), no
 * CSV; run on the Go vulnerability database's test data
 * (golang-golang-x-vuln-dev), with versions past every fix so that the
 * exit status is 0 rather than 3 (affected). */
Test(contract, vuln_json_formats, .timeout = 60)
{
#define VULN_TD "/usr/share/gocode/src/golang.org/x/vuln/cmd/govulncheck/testdata"
    char *d = make_temp_dir(), *gomod = at(d, "go.mod");
    write_text(gomod, "module example.org/m\n\ngo 1.18\n\nrequire golang.org/x/text v0.3.7\n");
    const invocation json_only[] = {
        { { "vuln", "scan", "--db", VULN_TD "/vulndb", gomod } },
        { { "vuln", "match", "--db", VULN_TD "/vulndb", "Go", "golang.org/x/text", "v0.3.7" } },
    };
#undef VULN_TD
    for (size_t i = 0; i < sizeof json_only / sizeof json_only[0]; i++)
        formats(&json_only[i], 0);
    free(gomod);
    remove_tree(d);
    free(d);
}

/* anon prints text or json: every subcommand with --format, in json. */
Test(contract, anon_json_formats, .timeout = 60)
{
    char *d = make_temp_dir(), *key = at(d, "m.key"), *pub = at(d, "m.pub"), *ring = at(d, "ring"),
         *msg = at(d, "msg"), *sig = at(d, "sig"), *iss = at(d, "iss"), *members = at(d, "members"),
         *log = at(d, "log");
    run_result r;
    RUN(&r, "anon", "keygen", "--secret", key, "--public", pub);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    char *pk = read_text(pub, NULL);
    write_text(ring, pk);
    free(pk);
    write_text(msg, "yes");
    RUN(&r, "anon", "sign", "--ring", ring, "--secret", key, "--scope", "s", "--message", msg, "-o",
        sig, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "anon", "vrf-prove", "--secret", key, "--input", "x");
    cr_assert_eq(r.status, 0, "%s", r.err);
    char proof[161];
    cr_assert(strncmp(r.out, "proof ", 6) == 0, "%s", r.out);
    snprintf(proof, sizeof proof, "%.160s", r.out + 6);
    run_result_free(&r);
    RUN(&r, "anon", "keygen", "--issuers", "1", "--of", "1", "--out-dir", iss, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    write_text(members, "");
    write_text(log, "");
    char *issuers = at(iss, "issuers");
    const invocation json[] = {
        { { "anon", "keygen", "--secret", key } },
        { { "anon", "ring", "--ring", ring } },
        { { "anon", "verify", "--ring", ring, "--scope", "s", "--message", msg, "--signature",
            sig } },
        { { "anon", "vrf-prove", "--secret", key, "--input", "x" } },
        { { "anon", "vrf-verify", "--public", pub, "--input", "x", "--proof", proof } },
        { { "anon", "token-audit", "--issuers", issuers, "--epoch", "e", "--members", members,
            "--log", log } },
    };
    for (size_t i = 0; i < sizeof json / sizeof json[0]; i++)
        formats(&json[i], 0);
    free(issuers);
    free(key);
    free(pub);
    free(ring);
    free(msg);
    free(sig);
    free(iss);
    free(members);
    free(log);
    remove_tree(d);
    free(d);
}

/* pause device's outcome in every format, on a provisioned device. */
Test(contract, pause_device_formats, .timeout = 60)
{
    char *d = make_temp_dir();
    char *body = at(d, "body"), *bkey = at(d, "body.key"), *bpub = at(d, "body.pub"),
         *lg = at(d, "log"), *lpub = at(d, "log.pub"), *root = at(d, "root"),
         *signed_root = at(d, "root.signed"), *state = at(d, "state");
    run_result r;
    RUN(&r, "pause", "keygen", "body", body);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "pause", "keygen", "example.org/pause", lg);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "pause", "root", "init", "--domain", "contract.example", "--expires", "4000000000",
        "-k", "1", "--signer", bpub, "--log", lpub, "-o", root);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "pause", "root", "sign", "--key", bkey, "-o", signed_root, root);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "pause", "device", "init", "--state", state, signed_root);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    invocation status = { { "pause", "device", "status", "--state", state } };
    formats(&status, 1);
    free(body);
    free(bkey);
    free(bpub);
    free(lg);
    free(lpub);
    free(root);
    free(signed_root);
    free(state);
    remove_tree(d);
    free(d);
}

/* registry trace prints json (and text, svg; no csv), on a logged deployment. */
Test(contract, registry_trace_json, .timeout = 60)
{
    char *d = make_temp_dir();
    char *model = at(d, "model"), *w = at(d, "model/w.bin"), *lg = at(d, "L"), *dev = at(d, "dev"),
         *devkey = at(d, "dev.key"), *dep = at(d, "dep.json");
    cr_assert_eq(mkdir(model, 0755), 0);
    write_text(w, "weights\n");
    write_text(dep, "{\"purpose\":\"chat\",\"region\":\"DE\",\"start\":\"2026-02-01T00:00:00Z\","
                    "\"oversight\":\"ops@example.org\"}");
    run_result r;
    RUN(&r, "log", "keygen", "dev", dev);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "log", "init", "--origin", "example.org/contract-registry", lg);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "registry", "hash", "--digest", model);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char digest[65];
    snprintf(digest, sizeof digest, "%.64s", r.out);
    run_result_free(&r);
    RUN(&r, "registry", "deploy", "--key", devkey, "--subject", digest, "--predicate", dep, "--log",
        lg);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    invocation trace = { { "registry", "trace", "--log", lg, "--now", "2026-03-01T00:00:00Z",
                           digest } };
    formats(&trace, 0);
    free(model);
    free(w);
    free(lg);
    free(dev);
    free(devkey);
    free(dep);
    remove_tree(d);
    free(d);
}

/* screen receipt count prints json and csv (tests/screen/test_e2e.c runs
 * it on a log of real receipts; here the formats on an empty log). */
Test(contract, screen_receipt_count_formats, .timeout = 60)
{
    char *d = make_temp_dir(), *lg = at(d, "L");
    run_result r;
    RUN(&r, "log", "init", "--origin", "example.org/contract-screen", lg);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    invocation count = { { "screen", "receipt", "count", "--log", lg } };
    formats(&count, 1);
    free(lg);
    remove_tree(d);
    free(d);
}

/* serve's options are the node's config table's: the same names. */
Test(contract, serve_declares_every_node_option)
{
    static const char *const node[] = { "listen",
                                        "data",
                                        "origin",
                                        "threads",
                                        "max-connections",
                                        "per-address-connections",
                                        "timeout",
                                        "key-rate",
                                        "address-rate",
                                        "witness",
                                        "witness-key",
                                        "witness-log",
                                        "quiet",
                                        "store",
                                        "witness-threshold" };
    run_result r;
    RUN(&r, "serve", "--help");
    list o = { .n = 0 };
    options_of(r.out, &o);
    for (size_t i = 0; i < sizeof node / sizeof node[0]; i++)
        cr_assert(list_has(&o, node[i]), "serve --help lacks --%s", node[i]);
    list_free(&o);
    run_result_free(&r);
}

Test(contract, completion_and_wrote_lines)
{
    run_result r;
    RUN(&r, "--completion", "bash");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "complete -o filenames -F _dacc dacc") != NULL);
    cr_assert(strstr(r.out, "\"fund qf\") where=\"fund qf\" opts=\"") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "\"pause root init\") where=\"pause root init\" opts=\"") != NULL);
    run_result_free(&r);
    char *d = make_temp_dir(), *out = path_join(d, "a.csv");
    RUN(&r, "rng", "--seed", "x", "--unit");
    cr_assert_eq(r.status, 0);
    run_result_free(&r);
    RUN(&r, "apportion", "--pool", "10", "-o", out, SOURCE_PATH("examples/base/grants.csv"),
        "--id-column", "project");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "dacc apportion: wrote ") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "apportion", "--pool", "10", "-o", out, SOURCE_PATH("examples/base/grants.csv"),
        "--id-column", "project", "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(r.err_len, 0, "%s", r.err);
    run_result_free(&r);
    free(out);
    remove_tree(d);
    free(d);
}
