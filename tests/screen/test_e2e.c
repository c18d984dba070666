/* dacc screen end to end, as the parties run it: 3-of-5 keyservers and the
 * database server on loopback HTTP, a database built from EMBOSS's
 * bluescript.seq (a benign stand-in for a hazard), litmus.seq flagged at
 * the insert it shares with it, a lying keyserver named, receipts logged,
 * proven and counted. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dacc/screen.h"
#include "support.h"

#define EMBOSS   "/usr/share/EMBOSS/test/data/"
#define NSERVERS 7 /* 5 keyservers, a liar, the database */

static char *dir;
static pid_t pids[NSERVERS];
static char urls[NSERVERS][64];
static size_t nservers;

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static void ok(const char *const *args)
{
    run_result r;
    run_dacc(&r, NULL, args);
    cr_assert_eq(r.status, 0, "%s: %s", args[1], r.err);
    run_result_free(&r);
}
#define OK(...) ok((const char *const[]){ __VA_ARGS__, NULL })

/* Starts `dacc screen SUB OPT FILE --port 0` and reads the URL it prints. */
static const char *spawn(const char *sub, const char *opt, const char *file)
{
    int fd[2];
    cr_assert_eq(pipe(fd), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execl(DACC_EXE, DACC_EXE, "screen", sub, opt, file, "--port", "0", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    FILE *in = fdopen(fd[0], "r");
    char *url = urls[nservers];
    cr_assert_not_null(fgets(url, sizeof urls[0], in), "%s %s printed no URL", sub, file);
    fclose(in);
    url[strcspn(url, "\n")] = '\0';
    cr_assert(strncmp(url, "http://127.0.0.1:", 17) == 0, "%s", url);
    pids[nservers++] = pid;
    return url;
}

static void setup(void)
{
    dir = make_temp_dir();
    cr_assert_eq(chdir(dir), 0);
}

static void teardown(void)
{
    for (size_t i = 0; i < nservers; i++) {
        kill(pids[i], SIGTERM);
        waitpid(pids[i], NULL, 0);
    }
    remove_tree(dir);
    free(dir);
}

TestSuite(screen_e2e, .init = setup, .fini = teardown, .timeout = 300);

/* The canonical (smaller of itself and its reverse complement) k-mer at p. */
static void canonical(const char *s, size_t k, char *out)
{
    static const char comp[256] = { ['A'] = 'T', ['C'] = 'G', ['G'] = 'C', ['T'] = 'A' };
    char rc[64];
    for (size_t i = 0; i < k; i++)
        rc[i] = comp[(unsigned char)s[k - 1 - i]];
    memcpy(out, memcmp(s, rc, k) <= 0 ? s : rc, k);
    out[k] = '\0';
}

/* Independently of dacc's windows: the positions of litmus whose 42-mer
 * occurs in bluescript on either strand, by brute force. */
static size_t shared_42mers(size_t *first, size_t *last)
{
    char *a = read_text(EMBOSS "bluescript.seq", NULL), *b = read_text(EMBOSS "litmus.seq", NULL);
    cr_assert(a && b);
    dacc_screen_seqs *sa, *sb;
    cr_assert_eq(dacc_screen_seqs_read(a, strlen(a), 0, 0, "a", &sa, NULL), DACC_OK);
    cr_assert_eq(dacc_screen_seqs_read(b, strlen(b), 0, 0, "b", &sb, NULL), DACC_OK);
    const dacc_screen_record *ra = dacc_screen_seqs_get(sa, 0), *rb = dacc_screen_seqs_get(sb, 0);
    size_t n = 0;
    char x[43], y[43];
    for (size_t i = 0; i + 42 <= rb->len; i++) {
        canonical(rb->residues + i, 42, x);
        for (size_t j = 0; j + 42 <= ra->len; j++) {
            canonical(ra->residues + j, 42, y);
            if (strcmp(x, y) == 0) {
                if (n++ == 0)
                    *first = i;
                *last = i;
                break;
            }
        }
    }
    dacc_screen_seqs_free(sa);
    dacc_screen_seqs_free(sb);
    free(a);
    free(b);
    return n;
}

static json_t *query_json(int want_status, char **err, const char *const *args)
{
    run_result r;
    run_dacc(&r, NULL, args);
    cr_assert_eq(r.status, want_status, "query: %d %s", r.status, r.err);
    json_t *o = json_loads(r.out, 0, NULL);
    cr_assert_not_null(o, "%s", r.out);
    if (err != NULL)
        *err = strdup(r.err);
    run_result_free(&r);
    return o;
}

Test(screen_e2e, three_of_five_over_http)
{
    OK("screen", "keygen", "-o", "key.json", "-q");
    OK("screen", "share", "--key", "key.json", "-t", "3", "-n", "5", "--out-dir", "ks", "-q");
    OK("screen", "build-db", "--key", "key.json", "--version", "4", "-o", "hazards.db",
       EMBOSS "bluescript.seq", "-q");
    /* a liar: keyserver 2's place, with a share of another key */
    OK("screen", "keygen", "-o", "other.json", "-q");
    OK("screen", "share", "--key", "other.json", "-t", "3", "-n", "5", "--out-dir", "other", "-q");
    OK("log", "init", "--origin", "example.org/screening", "log");
    OK("log", "keygen", "synth", "synth");
    const char *ks[5];
    char file[32];
    for (int i = 0; i < 5; i++) {
        snprintf(file, sizeof file, "ks/share-%d.json", i + 1);
        ks[i] = spawn("keyserver", "--share", file);
    }
    const char *liar = spawn("keyserver", "--share", "other/share-2.json");
    const char *db = spawn("db-server", "--db", "hazards.db");

    /* litmus.seq: a hit exactly where it shares bluescript's sequence */
    json_t *q = query_json(
        3, NULL,
        (const char *const[]){
            "screen", "query", "--keyset",  "ks/keyset.json", "-K", ks[0],    "-K",
            ks[2],    "-K",    ks[4],       "--db",           db,   "--sign", "synth.key",
            "--log",  "log",   "--receipt", "litmus.dsse",    "-f", "json",   EMBOSS "litmus.seq",
            NULL });
    cr_assert_str_eq(json_string_value(json_object_get(q, "result")), "hit");
    cr_assert_eq(json_integer_value(json_object_get(q, "database_version")), 4);
    json_t *hits = json_object_get(q, "hits");
    cr_assert_eq(json_array_size(hits), 1);
    json_t *regions = json_object_get(json_array_get(hits, 0), "regions");
    cr_assert_eq(json_array_size(regions), 1, "one shared insert");
    json_t *g = json_array_get(regions, 0);
    size_t first = 0, last = 0, n42 = shared_42mers(&first, &last);
    cr_assert_gt(n42, 0);
    /* the dna42 hits are exactly the positions the brute force finds, and
     * the region is the insert: bases 59-188 of litmus (1-based) */
    cr_assert_eq(
        (size_t)json_integer_value(json_object_get(json_object_get(g, "windows"), "dna42")), n42);
    cr_assert_eq(json_integer_value(json_object_get(g, "start")), 58);
    cr_assert_eq(json_integer_value(json_object_get(g, "end")), 188);
    cr_assert_eq(last + 42 - first, n42 + 41, "the shared 42-mers are contiguous");
    cr_assert_geq(first, 58);
    cr_assert_leq(last + 42, 188);
    cr_assert_gt(json_integer_value(json_object_get(json_object_get(g, "windows"), "aa20")), 0,
                 "translated matches found");
    char salt[65];
    snprintf(salt, sizeof salt, "%s", json_string_value(json_object_get(q, "salt")));
    json_decref(q);

    /* a sequence sharing no 42-mer with bluescript passes, through a liar
     * that is named while the three honest keyservers complete the query */
    char *err = NULL;
    q = query_json(0, &err,
                   (const char *const[]){ "screen",
                                          "query",
                                          "--keyset",
                                          "ks/keyset.json",
                                          "-K",
                                          ks[0],
                                          "-K",
                                          liar,
                                          "-K",
                                          ks[2],
                                          "-K",
                                          ks[3],
                                          "--db",
                                          "hazards.db",
                                          "--sign",
                                          "synth.key",
                                          "--log",
                                          "log",
                                          "-f",
                                          "json",
                                          EMBOSS "pax6_cdna.fasta",
                                          NULL });
    cr_assert_str_eq(json_string_value(json_object_get(q, "result")), "pass");
    cr_assert(strstr(err, liar) != NULL, "the liar is not named: %s", err);
    cr_assert_eq(json_array_size(json_object_get(q, "keyservers_failed")), 1);
    free(err);
    json_decref(q);

    /* the liar among three: the query cannot complete, and names it */
    run_result r;
    RUN(&r, "screen", "query", "--keyset", "ks/keyset.json", "-K", ks[0], "-K", liar, "-K", ks[1],
        "--db", db, EMBOSS "litmus.seq");
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, liar) != NULL && strstr(r.err, "3 needed") != NULL, "%s", r.err);
    cr_assert_eq(r.out_len, 0);
    run_result_free(&r);
    /* t-1 keyservers given: refused before any work */
    RUN(&r, "screen", "query", "--keyset", "ks/keyset.json", "-K", ks[0], "-K", ks[1], "--db", db,
        EMBOSS "litmus.seq");
    cr_assert_eq(r.status, 2, "%s", r.err);
    run_result_free(&r);

    /* the receipt proves litmus.seq under its salt, nothing else */
    OK("screen", "receipt", "prove", "--order", EMBOSS "litmus.seq", "--salt", salt, "litmus.dsse");
    RUN(&r, "screen", "receipt", "prove", "--order", EMBOSS "pax6_cdna.fasta", "--salt", salt,
        "litmus.dsse");
    cr_assert_eq(r.status, 1);
    run_result_free(&r);
    RUN(&r, "screen", "receipt", "verify", "-f", "json", "litmus.dsse");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *v = json_loads(r.out, 0, NULL);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(v, "predicate"), "result")),
                     "hit");
    json_decref(v);
    run_result_free(&r);

    /* the auditor counts two screenings by the synthesizer, one hit */
    RUN(&r, "screen", "receipt", "count", "--log", "log", "-f", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *c = json_loads(r.out, 0, NULL);
    cr_assert_eq(json_object_size(c), 1, "%s", r.out);
    const char *k;
    json_t *per;
    json_object_foreach(c, k, per)
    {
        cr_assert_eq(json_integer_value(json_object_get(per, "screenings")), 2);
        cr_assert_eq(json_integer_value(json_object_get(per, "hit")), 1);
        cr_assert_eq(json_integer_value(json_object_get(per, "pass")), 1);
    }
    json_decref(c);
    run_result_free(&r);
}

Test(screen_e2e, stale_keyserver_after_resharing_is_named)
{
    OK("screen", "keygen", "-o", "key.json", "-q");
    OK("screen", "share", "--key", "key.json", "-t", "2", "-n", "3", "--out-dir", "e1", "-q");
    OK("screen", "share", "--key", "key.json", "-t", "2", "-n", "3", "--epoch", "2", "--out-dir",
       "e2", "-q");
    OK("screen", "build-db", "--key", "key.json", "--version", "1", "-o", "h.db",
       EMBOSS "bluescript.seq", "-q");
    const char *stale = spawn("keyserver", "--share", "e1/share-1.json");
    const char *fresh = spawn("keyserver", "--share", "e2/share-2.json");
    run_result r;
    RUN(&r, "screen", "query", "--keyset", "e2/keyset.json", "-K", stale, "-K", fresh, "--db",
        "h.db", EMBOSS "litmus.seq");
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, stale) != NULL && strstr(r.err, "epoch") != NULL, "%s", r.err);
    run_result_free(&r);
}

Test(screen_e2e, refused_for_review_is_exit_4)
{
    OK("screen", "keygen", "-o", "key.json", "-q");
    OK("screen", "share", "--key", "key.json", "-t", "1", "-n", "1", "--out-dir", "ks", "-q");
    OK("screen", "build-db", "--key", "key.json", "--version", "1", "-o", "h.db",
       EMBOSS "bluescript.seq", "-q");
    /* 60 Ns: far more expansions than the bound */
    write_text("n.fasta", ">ambiguous\nACGTACGTAC"
                          "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN\n");
    const char *k1 = spawn("keyserver", "--share", "ks/share-1.json");
    run_result r;
    RUN(&r, "screen", "query", "--keyset", "ks/keyset.json", "-K", k1, "--db", "h.db", "n.fasta");
    cr_assert_eq(r.status, 4, "%d %s", r.status, r.err);
    cr_assert(strstr(r.out, "refused") != NULL, "%s", r.out);
    run_result_free(&r);
}
