/* The parser, help, man pages and completion made from the command
 * declarations (spec.h). */
#include "spec.h"

#include <stdbool.h>
#include <string.h>

#include "dacc/base.h"

/* Help: option names left, their help from a column as wide as the names
 * need up to COL_MAX; a longer name gets its help on the next line. */
enum { HELP_KEY = 'h', COL_MIN = 16, COL_MAX = 30, WIDTH = 79 };

/* Whether the comma-separated list names word. */
static bool in_list(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *s = list; s != NULL && *s != '\0';) {
        const char *end = strchr(s, ',');
        size_t len = end != NULL ? (size_t)(end - s) : strlen(s);
        if (len == n && memcmp(s, word, n) == 0)
            return true;
        s = end != NULL ? end + 1 : NULL;
    }
    return false;
}

static bool applies(const cli_opt *o, const cli_sub *sub)
{
    return o->subs == NULL || sub == NULL || in_list(o->subs, sub->name);
}

const cli_sub *cli_spec_sub(const cli_spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->n_subs; i++)
        if (strcmp(spec->subs[i].name, name) == 0)
            return &spec->subs[i];
    return NULL;
}

static void add_long(cli_parser *p, size_t *n, const cli_opt *o)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(p->longs[i].name, o->name) == 0)
            return; /* the applicable entry came first */
    p->by_long[*n] = o;
    p->longs[(*n)++] =
        (struct option){ o->name, o->arg ? required_argument : no_argument, NULL, o->key };
}

void cli_parse_begin(cli_parser *p, const cli_spec *spec, const char *sub, int argc, char **argv)
{
    memset(p, 0, sizeof *p);
    p->spec = spec;
    p->sub = sub != NULL ? cli_spec_sub(spec, sub) : NULL;
    p->argc = argc;
    p->argv = argv;
    snprintf(p->prog, sizeof p->prog, "dacc %s%s%s", spec->name, sub ? " " : "", sub ? sub : "");
    size_t n = 0, s = 0;
    p->shorts[s++] = ':';
    for (int pass = 0; pass < 2; pass++) /* this subcommand's options first, then the others' */
        for (size_t i = 0; i < spec->n_opts && n < CLI_MAX_OPTS; i++) {
            const cli_opt *o = &spec->opts[i];
            if (applies(o, p->sub) != (pass == 0))
                continue;
            add_long(p, &n, o);
            if (pass == 0 && o->short_name) {
                p->shorts[s++] = o->short_name;
                if (o->arg)
                    p->shorts[s++] = ':';
            }
        }
    p->longs[n++] = (struct option){ "help", no_argument, NULL, HELP_KEY };
    p->shorts[s++] = 'h';
    p->shorts[s] = '\0';
    cli_getopt_reset();
    opterr = 0;
}

const char *cli_prog(const cli_parser *p)
{
    return p->prog;
}

static const cli_opt *find_key(const cli_parser *p, int key, bool applicable)
{
    for (size_t i = 0; i < p->spec->n_opts; i++)
        if (p->spec->opts[i].key == key && applies(&p->spec->opts[i], p->sub) == applicable)
            return &p->spec->opts[i];
    return NULL;
}

/* The option of this subcommand spelt -c (getopt returns the letter, which
 * need not be the option's key). */
static const cli_opt *find_short(const cli_parser *p, int c)
{
    for (size_t i = 0; i < p->spec->n_opts; i++)
        if (p->spec->opts[i].short_name == c && applies(&p->spec->opts[i], p->sub))
            return &p->spec->opts[i];
    return NULL;
}

int cli_given(const cli_parser *p, const char *name)
{
    for (size_t i = 0; i < p->spec->n_opts; i++)
        if (p->seen[i] && strcmp(p->spec->opts[i].name, name) == 0)
            return 1;
    return 0;
}

/* "qf, cocm and pairwise": the subcommands taking o. */
static void list_subs(const cli_opt *o, char *buf, size_t size)
{
    size_t len = 0, count = 0;
    buf[0] = '\0';
    for (const char *s = o->subs; s != NULL && *s != '\0' && len < size;) {
        const char *end = strchr(s, ',');
        int w = end != NULL ? (int)(end - s) : (int)strlen(s);
        const char *sep = count == 0 ? "" : (end == NULL ? " and " : ", ");
        len += (size_t)snprintf(buf + len, size - len, "%s'%.*s'", sep, w, s);
        count++;
        s = end != NULL ? end + 1 : NULL;
    }
}

static int foreign(cli_parser *p, const cli_opt *o)
{
    char subs[256];
    list_subs(o, subs, sizeof subs);
    cli_usage(p->prog, "--%s is an option of %s, not of '%s'", o->name, subs,
              p->sub ? p->sub->name : p->spec->name);
    return CLI_NEXT_ERROR;
}

/* Whether the abbreviation arg ("--s") fits several long options; which
 * gets them. */
static bool ambiguous(const cli_parser *p, const char *arg, char *which, size_t size)
{
    if (strncmp(arg, "--", 2) != 0)
        return false;
    size_t len = strcspn(arg + 2, "="), n = 0, used = 0;
    which[0] = '\0';
    for (size_t i = 0; p->longs[i].name != NULL; i++)
        if (strncmp(p->longs[i].name, arg + 2, len) == 0 && used < size) {
            used += (size_t)snprintf(which + used, size - used, "%s--%s", n ? ", " : "",
                                     p->longs[i].name);
            n++;
        }
    return n > 1;
}

static int refuse(cli_parser *p, int ch)
{
    const char *arg = optind > 0 && optind <= p->argc ? p->argv[optind - 1] : "?";
    const cli_opt *mine = optopt == 0                  ? NULL
                          : strncmp(arg, "--", 2) == 0 ? find_key(p, optopt, true)
                                                       : find_short(p, optopt);
    if (ch == ':') {
        if (mine != NULL)
            cli_usage(p->prog, "--%s needs an argument (%s)", mine->name, mine->arg);
        else
            cli_usage(p->prog, "option '%s' needs an argument", arg);
    } else if (mine != NULL && strncmp(arg, "--", 2) == 0) {
        cli_usage(p->prog, "--%s takes no argument", mine->name);
    } else if (optopt != 0 && optopt < 256 && strncmp(arg, "--", 2) != 0) {
        cli_usage(p->prog, "unknown option '-%c'", optopt);
    } else {
        const cli_opt *other = optopt ? find_key(p, optopt, false) : NULL;
        if (other != NULL)
            return foreign(p, other);
        char which[256];
        if (ambiguous(p, arg, which, sizeof which))
            cli_usage(p->prog, "option '%s' is ambiguous: %s", arg, which);
        else
            cli_usage(p->prog, "unknown option '%s'", arg);
    }
    return CLI_NEXT_ERROR;
}

static int check_required(cli_parser *p)
{
    for (size_t i = 0; i < p->spec->n_opts; i++) {
        const cli_opt *o = &p->spec->opts[i];
        bool given = false; /* under any spelling: an old one has the same key */
        for (size_t k = 0; k < p->spec->n_opts; k++)
            given |= p->seen[k] && p->spec->opts[k].key == o->key;
        if ((o->flags & CLI_REQ_ALL) && applies(o, p->sub) && !given) {
            cli_usage(p->prog, "--%s%s%s is required", o->name, o->arg ? " " : "",
                      o->arg ? o->arg : "");
            return CLI_NEXT_ERROR;
        }
    }
    return CLI_NEXT_END;
}

int cli_next(cli_parser *p)
{
    if (p->done)
        return CLI_NEXT_END;
    int idx = -1;
    int ch = getopt_long(p->argc, p->argv, p->shorts, p->longs, &idx);
    if (ch == -1) {
        p->done = 1;
        return check_required(p);
    }
    if (ch == HELP_KEY) {
        cli_spec_help(stdout, p->spec, p->sub);
        return CLI_NEXT_HELP;
    }
    if (ch == '?' || ch == ':')
        return refuse(p, ch);
    const cli_opt *o = idx >= 0 ? p->by_long[idx] : find_short(p, ch);
    if (o == NULL || !applies(o, p->sub))
        return foreign(p, o != NULL ? o : find_key(p, ch, false));
    p->seen[o - p->spec->opts] = 1;
    return o->key;
}

void cli_wrote(const char *prog, int quiet, const char *what, const char *path)
{
    if (!quiet && path != NULL && strcmp(path, "-") != 0)
        fprintf(stderr, "%s: wrote %s%s%s%s\n", prog, path, what ? " (" : "", what ? what : "",
                what ? ")" : "");
}

/* ---- help ---- */

/* Writes text from column col, wrapped at WIDTH, words never split. */
static void wrap(FILE *fp, const char *text, int col, int at)
{
    int x = at;
    for (const char *s = text; *s != '\0';) {
        while (*s == ' ')
            s++;
        size_t w = strcspn(s, " ");
        if (w == 0)
            break;
        if (x > col && x + 1 + (int)w > WIDTH) {
            fprintf(fp, "\n%*s", col, "");
            x = col;
        } else if (x > col) {
            fputc(' ', fp);
            x++;
        }
        fprintf(fp, "%.*s", (int)w, s);
        x += (int)w;
        s += w;
    }
    fputc('\n', fp);
}

static void opt_help_text(const cli_opt *o, char *buf, size_t size)
{
    /* "help (text, json or csv; default text)" */
    char choices[256] = "";
    size_t n = 0, words = 0;
    for (const char *c = o->choices; c != NULL && *c != '\0'; c++)
        words += *c == ' ';
    for (const char *c = o->choices; c != NULL && *c != '\0' && n + 8 < sizeof choices; c++) {
        if (*c == ' ')
            n += (size_t)snprintf(choices + n, sizeof choices - n, "%s", --words ? ", " : " or ");
        else
            choices[n++] = *c;
    }
    choices[n] = '\0';
    const char *def = o->def;
    snprintf(buf, size, "%s%s%s%s%s%s%s%s", o->help, n || def ? " (" : "", choices,
             n && def ? "; " : "", def ? "default " : "", def ? def : "", n || def ? ")" : "",
             o->flags & CLI_DEPRECATED ? " (deprecated)" : "");
}

static int opt_left(char *left, size_t size, const cli_opt *o)
{
    return snprintf(left, size, "  %c%c%s--%s%s%s", o->short_name ? '-' : ' ',
                    o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
                    o->arg ? " " : "", o->arg ? o->arg : "");
}

/* Starts the help text of an item whose name took n columns. */
static void to_column(FILE *fp, int n, int col)
{
    if (n + 2 > col)
        fprintf(fp, "\n%*s", col, "");
    else
        fprintf(fp, "%*s", col - n, "");
}

static void opt_line(FILE *fp, const cli_opt *o, int col)
{
    char left[160], text[1024];
    int n = opt_left(left, sizeof left, o);
    opt_help_text(o, text, sizeof text);
    fputs(left, fp);
    to_column(fp, n, col);
    wrap(fp, text, col, col);
}

/* The synopsis of sub: required options, then [options], then arguments. */
static void synopsis_words(FILE *fp, const cli_spec *spec, const cli_sub *sub, int troff)
{
    const char *b = troff ? "\\fB" : "", *r = troff ? "\\fR" : "", *dash = troff ? "\\-" : "-";
    fprintf(fp, "%sdacc %s%s%s%s", b, spec->name, sub ? " " : "", sub ? sub->name : "", r);
    for (size_t i = 0; i < spec->n_opts; i++) {
        const cli_opt *o = &spec->opts[i];
        if ((o->flags & CLI_REQ_ALL) && applies(o, sub))
            fprintf(fp, " %s%s%s%s%s%s", dash, dash, o->name, o->arg ? " " : "",
                    o->arg ? o->arg : "", "");
    }
    fputs(" [options]", fp);
    const char *args = sub ? sub->args : spec->args;
    if (args != NULL && args[0] != '\0') {
        fputc(' ', fp);
        for (const char *c = args; *c; c++)
            fputs(troff && *c == '-' ? "\\-" : (char[]){ *c, 0 }, fp);
    }
    fputc('\n', fp);
}

void cli_spec_synopsis(FILE *fp, const cli_spec *spec, const cli_sub *sub, int troff)
{
    if (sub != NULL || spec->n_subs == 0) {
        synopsis_words(fp, spec, sub, troff);
        return;
    }
    for (size_t i = 0; i < spec->n_subs; i++)
        synopsis_words(fp, spec, &spec->subs[i], troff);
}

static bool in_group(const cli_sub *s, const char *group)
{
    size_t glen = group ? strlen(group) : 0;
    return group == NULL || (strncmp(s->name, group, glen) == 0 && s->name[glen] == ' ');
}

/* The column for items whose names take up to widest columns. */
static int column(int widest)
{
    return widest + 2 < COL_MIN ? COL_MIN : widest + 2 > COL_MAX ? COL_MAX : widest + 2;
}

static void list_subcommands(FILE *fp, const cli_spec *spec, const char *group)
{
    int widest = 0;
    for (size_t i = 0; i < spec->n_subs; i++)
        if (in_group(&spec->subs[i], group) && (int)strlen(spec->subs[i].name) + 2 > widest)
            widest = (int)strlen(spec->subs[i].name) + 2;
    int col = column(widest);
    fputs("Commands:\n", fp);
    for (size_t i = 0; i < spec->n_subs; i++) {
        const cli_sub *s = &spec->subs[i];
        if (!in_group(s, group))
            continue;
        to_column(fp, fprintf(fp, "  %s", s->name), col);
        wrap(fp, s->summary, col, col);
    }
}

static void help_options(FILE *fp, const cli_spec *spec, const cli_sub *sub)
{
    static const cli_opt help = { "help", 'h', NULL, 'h', NULL, "show this help", NULL, 0, NULL };
    char left[160];
    int widest = 0;
    for (size_t i = 0; i < spec->n_opts; i++) {
        int n = opt_left(left, sizeof left, &spec->opts[i]);
        if (applies(&spec->opts[i], sub) && !(spec->opts[i].flags & CLI_HIDDEN) &&
            n <= COL_MAX - 2 && n > widest)
            widest = n;
    }
    int col = column(widest);
    fputs("\nOptions:\n", fp);
    for (size_t i = 0; i < spec->n_opts; i++)
        if (applies(&spec->opts[i], sub) && !(spec->opts[i].flags & CLI_HIDDEN))
            opt_line(fp, &spec->opts[i], col);
    opt_line(fp, &help, col);
}

void cli_spec_help(FILE *fp, const cli_spec *spec, const cli_sub *sub)
{
    if (sub == NULL && spec->n_subs > 0) {
        fprintf(fp, "Usage: dacc %s <command> [options]\n\n%s\n\n", spec->name, spec->description);
        list_subcommands(fp, spec, NULL);
        fprintf(fp, "\nRun 'dacc %s <command> --help' for the options of a command.\n", spec->name);
        return;
    }
    fputs("Usage: ", fp);
    synopsis_words(fp, spec, sub, 0);
    const char *about =
        sub ? (sub->description ? sub->description : sub->summary) : spec->description;
    if (about != NULL && about[0] != '\0')
        fprintf(fp, "\n%s\n", about);
    help_options(fp, spec, sub);
    if (spec->footer != NULL)
        fprintf(fp, "\n%s", spec->footer);
}

/* ---- dispatch ---- */

static bool is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* The subcommand of argv[1] (and argv[2]); *words gets how many it used,
 * *group the first word when it names a group of nested subcommands. */
static const cli_sub *lookup(const cli_spec *spec, int argc, char **argv, int *words,
                             const char **group)
{
    *group = NULL;
    *words = 1;
    const cli_sub *s = cli_spec_sub(spec, argv[1]);
    if (s != NULL)
        return s;
    size_t len = strlen(argv[1]);
    for (size_t i = 0; i < spec->n_subs; i++)
        if (strncmp(spec->subs[i].name, argv[1], len) == 0 && spec->subs[i].name[len] == ' ')
            *group = argv[1];
    if (*group == NULL || argc < 3)
        return NULL;
    char name[96];
    snprintf(name, sizeof name, "%s %s", argv[1], argv[2]);
    *words = 2;
    return cli_spec_sub(spec, name);
}

static void group_help(FILE *fp, const cli_spec *spec, const char *group)
{
    fprintf(fp, "Usage: dacc %s %s <command> [options]\n\n", spec->name, group);
    list_subcommands(fp, spec, group);
    fprintf(fp, "\nRun 'dacc %s %s <command> --help' for the options of a command.\n", spec->name,
            group);
}

static int run_sub(const cli_spec *spec, const cli_sub *sub, int argc, char **argv)
{
    if (argc == 2 && is_help(argv[1])) {
        cli_spec_help(stdout, spec, sub);
        return CLI_OK;
    }
    cli_getopt_reset();
    return sub->run(argc, argv);
}

int cli_spec_run(const cli_spec *spec, int argc, char **argv)
{
    char prog[64];
    snprintf(prog, sizeof prog, "dacc %s", spec->name);
    if (spec->n_subs == 0) {
        if (argc == 2 && is_help(argv[1])) {
            cli_spec_help(stdout, spec, NULL);
            return CLI_OK;
        }
        cli_getopt_reset();
        return spec->run(argc, argv);
    }
    if (argc < 2) {
        cli_spec_help(stderr, spec, NULL);
        return CLI_USAGE;
    }
    if (is_help(argv[1]) || (strcmp(argv[1], "help") == 0 && argc == 2)) {
        cli_spec_help(stdout, spec, NULL);
        return CLI_OK;
    }
    bool asked = strcmp(argv[1], "help") == 0;
    if (asked) {
        argv++;
        argc--;
    }
    if (argv[1][0] == '-')
        return cli_usage(prog, "unknown option '%s' (a command comes first)", argv[1]);
    int words;
    const char *group;
    const cli_sub *sub = lookup(spec, argc, argv, &words, &group);
    if (sub == NULL && group != NULL && (argc == 2 || is_help(argv[2]))) {
        group_help(argc == 2 && !asked ? stderr : stdout, spec, group);
        return argc == 2 && !asked ? CLI_USAGE : CLI_OK;
    }
    if (sub == NULL)
        return cli_usage(prog, "unknown command '%s%s%s'", argv[1], group ? " " : "",
                         group ? argv[2] : "");
    if (asked) {
        cli_spec_help(stdout, spec, sub);
        return CLI_OK;
    }
    return run_sub(spec, sub, argc - words, argv + words);
}

/* ---- man pages ---- */

/* text as troff: backslashes and hyphens escaped, a leading dot or quote
 * neutralised, a blank line a new paragraph. */
static void roff(FILE *fp, const char *text)
{
    bool bol = true;
    for (const char *c = text; *c != '\0'; c++) {
        if (bol && *c == '\n') {
            fputs(".PP\n", fp);
            continue;
        }
        if (bol && (*c == '.' || *c == '\''))
            fputs("\\&", fp);
        if (*c == '\\')
            fputs("\\e", fp);
        else if (*c == '-')
            fputs("\\-", fp);
        else
            fputc(*c, fp);
        bol = *c == '\n';
    }
    if (!bol)
        fputc('\n', fp);
}

static void man_option(FILE *fp, const cli_spec *spec, const cli_opt *o)
{
    char text[1024];
    fputs(".TP\n", fp);
    if (o->short_name)
        fprintf(fp, "\\fB\\-%c\\fR, ", o->short_name);
    fputs("\\fB\\-\\-", fp);
    for (const char *c = o->name; *c; c++)
        fputs(*c == '-' ? "\\-" : (char[]){ *c, 0 }, fp);
    fputs("\\fR", fp);
    if (o->arg)
        fprintf(fp, " \\fI%s\\fR", o->arg);
    fputc('\n', fp);
    opt_help_text(o, text, sizeof text);
    roff(fp, text);
    if (o->subs != NULL && spec->n_subs > 0) {
        char subs[256];
        list_subs(o, subs, sizeof subs);
        fputs(o->flags & CLI_REQ_ALL ? "Required by " : "Taken by ", fp);
        roff(fp, subs);
    } else if (o->flags & CLI_REQ_ALL) {
        fputs("Required.\n", fp);
    }
}

/* The old pages' longer prose: a section titled DESCRIPTION continues the
 * generated one; the others follow the options. */
static void sections(FILE *fp, const cli_spec *spec, bool description)
{
    for (size_t i = 0; i < spec->n_sections; i++) {
        bool d = strcmp(spec->sections[i].title, "DESCRIPTION") == 0;
        if (d && description)
            fprintf(fp, ".PP\n%s", spec->sections[i].troff);
        else if (!d && !description)
            fprintf(fp, ".SH %s\n%s", spec->sections[i].title, spec->sections[i].troff);
    }
}

static void upper(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

static void man_command(FILE *fp, const cli_spec *spec)
{
    char title[64];
    snprintf(title, sizeof title, "DACC-%s", spec->name);
    upper(title);
    fprintf(fp, ".TH %s 1 \"\" \"dacc %s\" \"dacc manual\"\n.SH NAME\ndacc\\-%s \\- ", title,
            dacc_version(), spec->name);
    roff(fp, spec->summary);
    fputs(".SH SYNOPSIS\n.nf\n", fp);
    cli_spec_synopsis(fp, spec, NULL, 1);
    fputs(".fi\n.SH DESCRIPTION\n", fp);
    roff(fp, spec->description);
    sections(fp, spec, true);
    if (spec->n_subs > 0)
        fputs(".SH COMMANDS\n", fp);
    for (size_t i = 0; i < spec->n_subs; i++) {
        fprintf(fp, ".TP\n.B %s\n", spec->subs[i].name);
        roff(fp, spec->subs[i].description ? spec->subs[i].description : spec->subs[i].summary);
    }
    fputs(".SH OPTIONS\n", fp);
    for (size_t i = 0; i < spec->n_opts; i++)
        if (!(spec->opts[i].flags & CLI_HIDDEN))
            man_option(fp, spec, &spec->opts[i]);
    fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nShow the help and exit.\n", fp);
    sections(fp, spec, false);
}

int cli_spec_man(FILE *fp, const cli_spec *const *specs, size_t n, const char *page)
{
    for (size_t i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, i == 0 ? "dacc" : "dacc-%s", specs[i]->name);
        if (strcmp(page, name) != 0 && strcmp(page, specs[i]->name) != 0)
            continue;
        if (i > 0) {
            man_command(fp, specs[i]);
            return CLI_OK;
        }
        /* specs[0]: the tool itself, its commands the others */
        const cli_spec *top = specs[0];
        fprintf(fp, ".TH DACC 1 \"\" \"dacc %s\" \"dacc manual\"\n.SH NAME\ndacc \\- ",
                dacc_version());
        roff(fp, top->summary);
        fputs(".SH SYNOPSIS\n.nf\n\\fBdacc\\fR \\fICOMMAND\\fR [options]\n\\fBdacc\\fR "
              "\\-\\-help | \\-\\-version\n.fi\n.SH DESCRIPTION\n",
              fp);
        roff(fp, top->description);
        sections(fp, top, true);
        fputs(".SH COMMANDS\n", fp);
        for (size_t k = 1; k < n; k++) {
            fprintf(fp, ".TP\n.BR dacc\\-%s (1)\n", specs[k]->name);
            roff(fp, specs[k]->summary);
        }
        sections(fp, top, false);
        return CLI_OK;
    }
    return CLI_USAGE;
}

/* ---- bash completion ---- */

static void words_of(FILE *fp, const cli_spec *spec, const cli_sub *sub)
{
    for (size_t i = 0; i < spec->n_opts; i++) {
        const cli_opt *o = &spec->opts[i];
        if (applies(o, sub) && !(o->flags & CLI_HIDDEN))
            fprintf(fp, "--%s ", o->name);
    }
    fputs("--help", fp);
}

/* The values of the options that declare choices, by the place they are
 * given in ($where, set by completion_subs: "command" or "command sub"),
 * so that two options of one name with different choices (log's
 * --format, tlog-proof|dacc-proof for prove-inclusion, text|json|csv for
 * audit) each complete with their own. */
static void values_of(FILE *fp, const cli_spec *spec, const cli_sub *sub)
{
    for (size_t k = 0; k < spec->n_opts; k++) {
        const cli_opt *o = &spec->opts[k];
        if (o->choices == NULL || !applies(o, sub) || (o->flags & CLI_HIDDEN))
            continue;
        fprintf(fp,
                "    \"%s%s%s --%s\") COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return ;;\n",
                spec->name, sub ? " " : "", sub ? sub->name : "", o->name, o->choices);
    }
}

static void completion_values(FILE *fp, const cli_spec *const *specs, size_t n)
{
    fputs("    case \"$where $prev\" in\n", fp);
    for (size_t i = 1; i < n; i++) {
        if (specs[i]->n_subs == 0)
            values_of(fp, specs[i], NULL);
        for (size_t k = 0; k < specs[i]->n_subs; k++)
            values_of(fp, specs[i], &specs[i]->subs[k]);
    }
    fputs("    esac\n", fp);
}

/* Whether the first word of sub k of s is new (not that of an earlier one). */
static bool first_word_new(const cli_spec *s, size_t k, size_t *len)
{
    const char *name = s->subs[k].name, *sp = strchr(name, ' ');
    *len = sp != NULL ? (size_t)(sp - name) : strlen(name);
    for (size_t j = 0; j < k; j++)
        if (strncmp(s->subs[j].name, name, *len) == 0 &&
            (s->subs[j].name[*len] == ' ' || s->subs[j].name[*len] == '\0'))
            return false;
    return true;
}

static void completion_subs(FILE *fp, const cli_spec *const *specs, size_t n)
{
    fputs("    case ${COMP_WORDS[1]} in\n", fp);
    for (size_t i = 1; i < n; i++) {
        const cli_spec *s = specs[i];
        if (s->n_subs == 0) {
            fprintf(fp, "    %s) where=%s opts=\"", s->name, s->name);
            words_of(fp, s, NULL);
            fputs("\" ;;\n", fp);
            continue;
        }
        fprintf(fp, "    %s) subs=\"", s->name);
        for (size_t k = 0; k < s->n_subs; k++) {
            size_t len;
            if (first_word_new(s, k, &len))
                fprintf(fp, "%s%.*s", k ? " " : "", (int)len, s->subs[k].name);
        }
        fputs("\" ;;\n", fp);
    }
    fputs("    esac\n    case \"$key2\" in\n", fp);
    for (size_t i = 1; i < n; i++)
        for (size_t k = 0; k < specs[i]->n_subs; k++) {
            const cli_sub *sub = &specs[i]->subs[k];
            const char *sp = strchr(sub->name, ' ');
            if (sp == NULL) {
                fprintf(fp, "    \"%s %s\") where=\"%s %s\" opts=\"", specs[i]->name, sub->name,
                        specs[i]->name, sub->name);
                words_of(fp, specs[i], sub);
                fputs("\" ;;\n", fp);
            } else if (first_word_new(specs[i], k, &(size_t){ 0 })) {
                fprintf(fp, "    \"%s %.*s\") groups=\"", specs[i]->name, (int)(sp - sub->name),
                        sub->name);
                for (size_t j = k; j < specs[i]->n_subs; j++)
                    if (strncmp(specs[i]->subs[j].name, sub->name, (size_t)(sp - sub->name) + 1) ==
                        0)
                        fprintf(fp, "%s ", specs[i]->subs[j].name + (sp - sub->name) + 1);
                fputs("\" ;;\n", fp);
            }
        }
    fputs("    esac\n    case \"$key2 ${COMP_WORDS[3]}\" in\n", fp);
    for (size_t i = 1; i < n; i++)
        for (size_t k = 0; k < specs[i]->n_subs; k++)
            if (strchr(specs[i]->subs[k].name, ' ') != NULL) {
                fprintf(fp, "    \"%s %s\") where=\"%s %s\" opts=\"", specs[i]->name,
                        specs[i]->subs[k].name, specs[i]->name, specs[i]->subs[k].name);
                words_of(fp, specs[i], &specs[i]->subs[k]);
                fputs("\" ;;\n", fp);
            }
    fputs("    esac\n", fp);
}

void cli_spec_completion(FILE *fp, const cli_spec *const *specs, size_t n)
{
    fputs("# bash completion for dacc; generated by `dacc --completion bash`.\n"
          "_dacc()\n{\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
          "    local key2=\"${COMP_WORDS[1]} ${COMP_WORDS[2]}\" opts=\"\" subs=\"\" groups=\"\" "
          "where=\"\"\n"
          "    if [[ $COMP_CWORD -eq 1 ]]; then\n"
          "        COMPREPLY=($(compgen -W \"",
          fp);
    for (size_t i = 1; i < n; i++)
        fprintf(fp, "%s ", specs[i]->name);
    fputs("help --help --version\" -- \"$cur\"))\n        return\n    fi\n", fp);
    completion_subs(fp, specs, n);
    completion_values(fp, specs, n);
    fputs("    if [[ $COMP_CWORD -eq 2 && -n $subs ]]; then\n"
          "        COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n"
          "    elif [[ $COMP_CWORD -eq 3 && -n $groups ]]; then\n"
          "        COMPREPLY=($(compgen -W \"$groups\" -- \"$cur\"))\n"
          "    elif [[ $cur == -* ]]; then\n"
          "        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
          "    else\n"
          "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
          "    fi\n"
          "}\n"
          "complete -o filenames -F _dacc dacc\n",
          fp);
}
