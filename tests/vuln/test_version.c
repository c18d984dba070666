/* The four version orderings against their references: dpkg itself on every
 * version of this machine's dpkg status file, dpkg's own test cases,
 * python3-packaging on its own test versions, and the SemVer specification's
 * precedence examples. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dacc/vuln.h"
#include "support.h"

static int cmp_ok(dacc_vuln_scheme s, const char *a, const char *b)
{
    dacc_error e;
    int c = 99;
    cr_assert_eq(dacc_vuln_compare(s, a, b, &c, &e), DACC_OK, "%s", e.message);
    return c < 0 ? -1 : c > 0;
}

static void assert_chain(dacc_vuln_scheme s, const char *const *v, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        cr_expect_eq(cmp_ok(s, v[i], v[i + 1]), -1, "%s < %s", v[i], v[i + 1]);
        cr_expect_eq(cmp_ok(s, v[i + 1], v[i]), 1, "%s > %s", v[i + 1], v[i]);
    }
}

static int refused(dacc_vuln_scheme s, const char *v)
{
    dacc_error e;
    return dacc_vuln_version_check(s, v, &e) != DACC_OK;
}

/* ---- Debian against dpkg ---- */

typedef struct {
    char **v;
    size_t n, cap;
} strvec;

static void push(strvec *sv, const char *s, size_t n)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strlen(sv->v[i]) == n && memcmp(sv->v[i], s, n) == 0)
            return;
    if (sv->n == sv->cap) {
        sv->cap = sv->cap ? 2 * sv->cap : 256;
        sv->v = realloc(sv->v, sv->cap * sizeof *sv->v);
        cr_assert(sv->v);
    }
    sv->v[sv->n] = strndup(s, n);
    cr_assert(sv->v[sv->n]);
    sv->n++;
}

/* Every Version: and every "Source: name (version)" of the status file. */
static strvec live_versions(void)
{
    size_t len;
    char *text = read_text("/var/lib/dpkg/status", &len);
    cr_assert(text, "cannot read /var/lib/dpkg/status");
    strvec sv = { 0 };
    for (char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : 0) {
        size_t n = strcspn(line, "\n");
        if (strncmp(line, "Version: ", 9) == 0)
            push(&sv, line + 9, n - 9);
        else if (strncmp(line, "Source: ", 8) == 0) {
            char *open = memchr(line, '(', n), *close = memchr(line, ')', n);
            if (open && close && close > open)
                push(&sv, open + 1, (size_t)(close - open - 1));
        }
    }
    free(text);
    return sv;
}

static int deb_qsort(const void *a, const void *b)
{
    return cmp_ok(DACC_VULN_SCHEME_DEBIAN, *(char *const *)a, *(char *const *)b);
}

static uint64_t next_rand(uint64_t *s)
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return *s >> 33;
}

/* Runs the checks in one shell, one dpkg --compare-versions each, and
 * returns what it printed for the failures. */
static char *run_dpkg_script(const char *script)
{
    char *dir = make_temp_dir(), *path = path_join(dir, "cmp.sh"), *outp = path_join(dir, "out");
    size_t n = strlen(script);
    char *all = malloc(n + 8);
    cr_assert(all);
    memcpy(all, script, n);
    memcpy(all + n, "exit 0\n", 8);
    write_text(path, all);
    free(all);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sh %s > %s 2>&1", path, outp);
    cr_assert_eq(system(cmd), 0, "the dpkg script could not run");
    char *out = read_text(outp, NULL);
    remove_tree(dir);
    free(dir);
    free(path);
    free(outp);
    return out;
}

static void append(char **buf, size_t *len, size_t *cap, const char *fmt, const char *a,
                   const char *op, const char *b)
{
    size_t need = strlen(fmt) + strlen(a) + strlen(b) + strlen(op) + 2 * (strlen(a) + strlen(b));
    if (*len + need + 1 > *cap) {
        *cap = 2 * (*cap + need);
        *buf = realloc(*buf, *cap);
        cr_assert(*buf);
    }
    *len += (size_t)sprintf(*buf + *len, fmt, a, op, b, a, op, b);
}

static const char *op_of(int c)
{
    return c < 0 ? "lt" : c > 0 ? "gt" : "eq";
}

/* Sorted by our ordering, the versions' neighbours are checked by dpkg: if
 * dpkg agrees on every neighbouring pair (strictly less where we say less,
 * equal where we say equal) then, its ordering being a total preorder, it
 * agrees with ours on every one of the n^2 pairs. A random sample of 10^5
 * pairs is then checked against the sorted ranks (our comparator must be
 * consistent with its own sort), and 3000 of them again by dpkg directly. */
Test(debian, agrees_with_dpkg_on_the_live_status_file, .timeout = 600)
{
    strvec sv = live_versions();
    cr_assert_gt(sv.n, 100, "only %zu versions in the status file", sv.n);
    qsort(sv.v, sv.n, sizeof *sv.v, deb_qsort);
    size_t *cls = calloc(sv.n, sizeof *cls); /* equivalence-class rank */
    for (size_t i = 1; i < sv.n; i++)
        cls[i] = cls[i - 1] + (cmp_ok(DACC_VULN_SCHEME_DEBIAN, sv.v[i - 1], sv.v[i]) != 0);
    char *script = NULL;
    size_t len = 0, cap = 0;
    static const char fmt[] = "dpkg --compare-versions '%s' %s '%s' || echo 'disagree: %s %s %s'\n";
    for (size_t i = 1; i < sv.n; i++)
        append(&script, &len, &cap, fmt, sv.v[i - 1], cls[i] != cls[i - 1] ? "lt" : "eq", sv.v[i]);
    uint64_t seed = 20;
    size_t pairs = 100000, direct = 3000;
    for (size_t k = 0; k < pairs; k++) {
        size_t i = next_rand(&seed) % sv.n, j = next_rand(&seed) % sv.n;
        int want = cls[i] < cls[j] ? -1 : cls[i] > cls[j];
        cr_assert_eq(cmp_ok(DACC_VULN_SCHEME_DEBIAN, sv.v[i], sv.v[j]), want, "%s vs %s", sv.v[i],
                     sv.v[j]);
        if (k < direct)
            append(&script, &len, &cap, fmt, sv.v[i], op_of(want), sv.v[j]);
    }
    char *out = run_dpkg_script(script);
    cr_assert(out);
    cr_expect_str_empty(out, "dpkg disagrees:\n%.2000s", out);
    cr_log_info("%zu distinct versions, %zu classes, %zu sampled pairs", sv.n, cls[sv.n - 1] + 1,
                pairs);
    free(out);
    free(script);
    free(cls);
    for (size_t i = 0; i < sv.n; i++)
        free(sv.v[i]);
    free(sv.v);
}

/* lib/dpkg/t/t-version.c (guillemj/dpkg, commit 0d609e2c8c0070310b531d2d470f79044121bea8),
 * its version objects written as strings. Its "a" vs "b" upstream cases start
 * with a letter, which parseversion warns about; here they are "0a" vs "0b". */
Test(debian, dpkg_t_version_compare_cases)
{
    dacc_vuln_scheme d = DACC_VULN_SCHEME_DEBIAN;
    cr_expect_eq(cmp_ok(d, "1:0", "2:0"), -1);
    cr_expect_eq(cmp_ok(d, "1-1", "2-1"), -1);
    cr_expect_eq(cmp_ok(d, "1-1", "1-2"), -1);
    cr_expect_eq(cmp_ok(d, "0-0", "0-0"), 0);
    cr_expect_eq(cmp_ok(d, "0-00", "00-0"), 0);
    cr_expect_eq(cmp_ok(d, "1:2-3", "1:2-3"), 0);
    cr_expect_eq(cmp_ok(d, "0:0-0", "1:0-0"), -1);
    cr_expect_eq(cmp_ok(d, "1:0-0", "0:0-0"), 1);
    cr_expect_eq(cmp_ok(d, "0a-0", "0b-0"), -1);
    cr_expect_eq(cmp_ok(d, "0-a", "0-b"), -1);
    cr_expect_eq(cmp_ok(d, "0-b", "0-a"), 1);
}

typedef struct {
    const char *v, *same_as; /* same_as NULL: refused */
} parse_case;

/* The parse cases of t-version.c. "0:0-" passes there (dpkg 1.22 allows an
 * empty revision); dpkg 1.21, this machine's oracle, refuses it, and so do
 * we: the test asks the installed dpkg too and fails if they part. */
Test(debian, dpkg_t_version_parse_cases)
{
    static const parse_case cases[] = {
        { "0", "0" },
        { "0:0", "0" },
        { "0:0-0", "0-0" },
        { "0:0.0-0.0", "0.0-0.0" },
        { "1:0", "1:0" },
        { "5:1", "5:1" },
        { "0:0-0-0", "0-0-0" },
        { "0:0-0-0-0", "0-0-0-0" },
        { "0:0:0-0", "0:0:0-0" },
        { "0:0:0:0-0", "0:0:0:0-0" },
        { "0:0:0-0-0", "0:0:0-0-0" },
        { "0:0-0:0-0", "0:0-0:0-0" },
        { "0:09azAZ.-+~:-0", "0:09azAZ.-+~:-0" },
        { "0:0-azAZ09.+~", "0-azAZ09.+~" },
        { "  \t0:0-1", "0-1" },
        { "0:0-1\t  ", "0-1" },
        { "\t  0:0-1  \t", "0-1" },
        { "", NULL },
        { "  ", NULL },
        { "0:", NULL },
        { "0:0 0-1", NULL },
        { "-1:0-1", NULL },
        { "999999999999999999999999:0-1", NULL },
        { "a:0-0", NULL },
        { "A:0-0", NULL },
        { "-0", NULL },
        { "0:-0", NULL },
        { "0:abc3-0", NULL },
        { "0:0-0:0", NULL },
        { "0:0-", NULL },
    };
    char *script = NULL;
    size_t len = 0, cap = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const parse_case *c = &cases[i];
        if (c->same_as) {
            cr_expect_eq(cmp_ok(DACC_VULN_SCHEME_DEBIAN, c->v, c->same_as), 0, "[%s]", c->v);
            append(&script, &len, &cap,
                   "dpkg --compare-versions '%s' %s '%s' 2>/dev/null || echo 'dpkg: %s %s %s'\n",
                   c->v, "eq", c->same_as);
        } else {
            cr_expect(refused(DACC_VULN_SCHEME_DEBIAN, c->v), "[%s] should be refused", c->v);
            if (*c->v && c->v[0] != '-') /* dpkg would read a leading '-' as an option */
                append(&script, &len, &cap,
                       "[ -z \"$(dpkg --compare-versions '%s' %s '%s' 2>&1)\" ] && echo 'dpkg "
                       "accepts: %s %s %s'\n",
                       c->v, "eq", "0");
        }
    }
    static const char bad_up[] = "!#@$%&/|\\<>()[]{};,_=*^'";
    static const char bad_rev[] = "!#@$%&/|\\<>()[]{}:;,_=*^'";
    for (const char *p = bad_up; *p; p++) {
        char v[] = "0:0a-0";
        v[3] = *p;
        cr_expect(refused(DACC_VULN_SCHEME_DEBIAN, v), "[%s]", v);
    }
    for (const char *p = bad_rev; *p; p++) {
        char v[] = "0:0-0";
        v[4] = *p;
        cr_expect(refused(DACC_VULN_SCHEME_DEBIAN, v), "[%s]", v);
    }
    char *out = run_dpkg_script(script);
    cr_expect_str_empty(out, "%s", out);
    free(out);
    free(script);
}

/* The orderings Debian advisories hinge on. */
Test(debian, tilde_epoch_and_backports)
{
    static const char *const chain[] = {
        "1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a", "1.0+b1",
    };
    assert_chain(DACC_VULN_SCHEME_DEBIAN, chain, sizeof chain / sizeof chain[0]);
    static const char *const deb12[] = {
        "2.36-9",
        "2.36-9+deb12u1",
        "2.36-9+deb12u3",
        "2.36-9+deb12u10",
    };
    assert_chain(DACC_VULN_SCHEME_DEBIAN, deb12, 4);
    static const char *const bpo[] = {
        "1.2.3-1~bpo12+1",
        "1.2.3-1",
        "1.2.3-1+deb12u1",
        "1.2.4-1~bpo12+1",
    };
    assert_chain(DACC_VULN_SCHEME_DEBIAN, bpo, 4);
    cr_expect_eq(cmp_ok(DACC_VULN_SCHEME_DEBIAN, "1:0.1-1", "999.9-9"), 1);
    cr_expect_eq(cmp_ok(DACC_VULN_SCHEME_DEBIAN, "1.0", "1.0-0"), 0);
}

/* ---- SemVer: semver.org 2.0.0, section 11 ---- */

Test(semver, specification_precedence_examples)
{
    static const char *const main_[] = { "1.0.0", "2.0.0", "2.1.0", "2.1.1" };
    assert_chain(DACC_VULN_SCHEME_SEMVER, main_, 4);
    static const char *const pre[] = {
        "1.0.0-alpha",  "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
        "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",       "1.0.0",
    };
    assert_chain(DACC_VULN_SCHEME_SEMVER, pre, 8);
    cr_expect_eq(cmp_ok(DACC_VULN_SCHEME_SEMVER, "1.0.0+20130313144700", "1.0.0+exp.sha.5114f85"),
                 0);
    cr_expect_eq(cmp_ok(DACC_VULN_SCHEME_SEMVER, "1.0.0-alpha+001", "1.0.0-alpha"), 0);
    cr_expect_eq(cmp_ok(DACC_VULN_SCHEME_SEMVER, "1.10.0", "1.9.0"), 1);
    cr_expect_eq(cmp_ok(DACC_VULN_SCHEME_SEMVER, "99999999999999999999999.0.0", "1.0.0"), 1);
}

Test(semver, go_prefix_and_incompatible)
{
    cr_expect_eq(cmp_ok(DACC_VULN_SCHEME_SEMVER, "v0.3.0", "0.3.3"), -1);
    cr_expect_eq(cmp_ok(DACC_VULN_SCHEME_SEMVER, "v2.0.0+incompatible", "2.0.0"), 0);
    cr_expect_eq(cmp_ok(DACC_VULN_SCHEME_SEMVER, "v0.0.0-20220315150346-0d5ec6a77d3b",
                        "v0.0.0-20220314234659-1baeb1ce4c0b"),
                 1);
    cr_expect_eq(cmp_ok(DACC_VULN_SCHEME_SEMVER, "v0.0.0-20220315150346-0d5ec6a77d3b", "0.0.1"),
                 -1);
}

Test(semver, refuses_what_the_grammar_does_not_allow)
{
    static const char *const bad[] = {
        "",        "1",         "1.0",      "01.0.0",     "1.01.0",    "1.0.00",
        "1.0.0-",  "1.0.0+",    "1.0.0-01", "1.0.0-a..b", "1.0.0-a_b", "1.0.0 ",
        "vv1.0.0", "1.0.0+a+b", "-1.0.0",   "1.0.0.0",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect(refused(DACC_VULN_SCHEME_SEMVER, bad[i]), "[%s]", bad[i]);
}

/* ---- npm: node-semver's reading of the same grammar ---- */

Test(npm, node_semver_reading)
{
    static const char *const pre[] = {
        "1.0.0-alpha",  "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
        "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",       "1.0.0",
    };
    assert_chain(DACC_VULN_SCHEME_NPM, pre, 8);
    cr_expect_eq(cmp_ok(DACC_VULN_SCHEME_NPM, "  v1.2.3\t", "1.2.3"), 0);
    /* 2^53 + 1 and 2^53 are the same JavaScript number. */
    cr_expect_eq(cmp_ok(DACC_VULN_SCHEME_NPM, "1.0.0-9007199254740993", "1.0.0-9007199254740992"),
                 0);
    cr_expect_eq(
        cmp_ok(DACC_VULN_SCHEME_SEMVER, "1.0.0-9007199254740993", "1.0.0-9007199254740992"), 1);
    cr_expect_eq(cmp_ok(DACC_VULN_SCHEME_NPM, "9007199254740991.0.0", "1.0.0"), 1);
    cr_expect(refused(DACC_VULN_SCHEME_NPM, "9007199254740992.0.0"));
    cr_expect(refused(DACC_VULN_SCHEME_NPM, "=1.2.3"));
}

/* ---- PEP 440 against python3-packaging ---- */

Test(pep440, agrees_with_packaging_on_its_test_versions, .timeout = 120)
{
    const char *path = SOURCE_PATH("tests/data/vuln/pep440_versions.txt");
    char *text = read_text(path, NULL);
    cr_assert(text);
    strvec ok = { 0 }, bad = { 0 };
    int invalid = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (*line == '#')
            continue;
        if (strcmp(line, "invalid") == 0) {
            invalid = 1;
            continue;
        }
        push(invalid ? &bad : &ok, line, strlen(line));
    }
    free(text);
    static const char prog[] =
        "/usr/bin/python3 -c 'import sys\n"
        "from packaging.version import Version\n"
        "L=[l.rstrip(\"\\n\") for l in open(sys.argv[1]) if not l.startswith(\"#\")]\n"
        "V=[Version(v) for v in dict.fromkeys(L[:L.index(\"invalid\")])]\n"
        "print(\"\".join(\"<=>\"[(a>b)-(a<b)+1] for a in V for b in V))' %s";
    char cmd[2048];
    snprintf(cmd, sizeof cmd, prog, path);
    FILE *p = popen(cmd, "r");
    cr_assert(p);
    char *matrix = malloc(ok.n * ok.n + 2);
    size_t got = fread(matrix, 1, ok.n * ok.n + 1, p);
    cr_assert_eq(pclose(p), 0, "python3-packaging did not run");
    cr_assert_eq(got, ok.n * ok.n + 1, "packaging gave %zu answers", got);
    size_t disagree = 0;
    for (size_t i = 0; i < ok.n; i++)
        for (size_t j = 0; j < ok.n; j++) {
            int want = "<=>"[0] == matrix[i * ok.n + j] ? -1 : matrix[i * ok.n + j] == '=' ? 0 : 1;
            int c = cmp_ok(DACC_VULN_SCHEME_PEP440, ok.v[i], ok.v[j]);
            if (c != want && disagree++ < 20)
                cr_log_error("%s vs %s: packaging %d, dacc %d", ok.v[i], ok.v[j], want, c);
        }
    cr_expect_eq(disagree, 0, "%zu of %zu pairs disagree", disagree, ok.n * ok.n);
    for (size_t i = 0; i < bad.n; i++)
        cr_expect(refused(DACC_VULN_SCHEME_PEP440, bad.v[i]), "[%s] should be refused", bad.v[i]);
    free(matrix);
    for (size_t i = 0; i < ok.n; i++)
        free(ok.v[i]);
    for (size_t i = 0; i < bad.n; i++)
        free(bad.v[i]);
    free(ok.v);
    free(bad.v);
}

Test(scheme, names)
{
    dacc_vuln_scheme s;
    dacc_error e;
    cr_expect_eq(dacc_vuln_scheme_parse("PyPI", &s, &e), DACC_OK);
    cr_expect_eq(s, DACC_VULN_SCHEME_PEP440);
    cr_expect_eq(dacc_vuln_scheme_parse("rpm", &s, &e), DACC_ERR_NOTFOUND);
    cr_expect_str_eq(dacc_vuln_scheme_name(DACC_VULN_SCHEME_NPM), "npm");
    cr_expect_eq(dacc_vuln_compare(DACC_VULN_SCHEME_DEBIAN, "1.0", "a:1", &(int){ 0 }, &e),
                 DACC_ERR_PARSE);
    cr_expect(strstr(e.message, "\"a:1\"") && strstr(e.message, "epoch"), "%s", e.message);
}
