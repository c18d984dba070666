/* Regression tests for outputs that destroyed files: -o renamed over
 * devices and links and reset modes, an output named like an input
 * replaced it, a failed write to standard output exited 0, multi-file
 * outputs were half new and half old after a full disk. And the readers'
 * one rule for text: NUL and invalid UTF-8 are refused where they stand. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dacc/codec.h"
#include "dacc/json.h"
#include "support.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static const char grants[] = "id,weight\na,1\nb,2\nc,3\n";

static char *dir_file(const char *dir, const char *name, const char *text)
{
    char *p = path_join(dir, name);
    if (text != NULL)
        write_text(p, text);
    return p;
}

/* ---- 14. what -o replaces ---- */

Test(outputs, a_replaced_file_keeps_its_mode)
{
    char *dir = make_temp_dir(), *in = dir_file(dir, "g.csv", grants);
    char *out = dir_file(dir, "out.csv", "old\n");
    cr_assert_eq(chmod(out, 0600), 0);
    run_result r;
    RUN(&r, "apportion", "--pool", "60", "-o", out, in);
    cr_assert_eq(r.status, 0, "%s", r.err);
    struct stat sb;
    cr_assert_eq(stat(out, &sb), 0);
    cr_assert_eq(sb.st_mode & 07777, 0600, "mode %o", sb.st_mode & 07777);
    char *text = read_text(out, NULL);
    cr_assert(strstr(text, "30") != NULL, "%s", text);
    free(text);
    run_result_free(&r);
    remove_tree(dir);
    free(in), free(out), free(dir);
}

Test(outputs, a_link_output_replaces_its_target_and_stays_a_link)
{
    char *dir = make_temp_dir(), *in = dir_file(dir, "g.csv", grants);
    char *target = dir_file(dir, "target.csv", "old\n"), *link = path_join(dir, "link.csv");
    cr_assert_eq(symlink("target.csv", link), 0);
    run_result r;
    RUN(&r, "apportion", "--pool", "60", "-o", link, in);
    cr_assert_eq(r.status, 0, "%s", r.err);
    struct stat sb;
    cr_assert_eq(lstat(link, &sb), 0);
    cr_assert(S_ISLNK(sb.st_mode), "the link was replaced by a file");
    char *text = read_text(target, NULL);
    cr_assert(strstr(text, "30") != NULL, "%s", text);
    free(text);
    run_result_free(&r);
    char *dangling = path_join(dir, "dangling.csv");
    cr_assert_eq(symlink("missing/x.csv", dangling), 0);
    RUN(&r, "apportion", "--pool", "60", "-o", dangling, in);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "symbolic link") != NULL, "%s", r.err);
    run_result_free(&r);
    remove_tree(dir);
    free(in), free(target), free(link), free(dangling), free(dir);
}

Test(outputs, a_device_is_written_through_never_renamed_over)
{
    char *dir = make_temp_dir(), *in = dir_file(dir, "g.csv", grants);
    char *dev = path_join(dir, "null");
    if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) != 0) {
        remove_tree(dir);
        cr_skip_test("cannot make a device node here: %s", strerror(errno));
    }
    run_result r;
    RUN(&r, "apportion", "--pool", "60", "-o", dev, in);
    cr_assert_eq(r.status, 0, "%s", r.err);
    struct stat sb;
    cr_assert_eq(stat(dev, &sb), 0);
    cr_assert(S_ISCHR(sb.st_mode), "the device was replaced by a regular file");
    cr_assert_eq(sb.st_rdev, makedev(1, 3));
    run_result_free(&r);
    RUN(&r, "apportion", "--pool", "60", "-o", dir, in);
    cr_assert_eq(r.status, 1, "a directory is not an output file");
    run_result_free(&r);
    remove_tree(dir);
    free(in), free(dev), free(dir);
}

/* ---- 15. an output that is an input ---- */

Test(outputs, an_output_that_is_an_input_is_refused)
{
    char *dir = make_temp_dir();
    char *don = dir_file(dir, "don.csv", "address,grant_id,amount_in_usdt\nx,1,5\ny,1,5\nx,2,1\n");
    char *again = path_join(dir, "./don.csv"), *hard = path_join(dir, "hard.csv");
    cr_assert_eq(link(don, hard), 0);
    const char *outs[] = { don, again, hard };
    for (size_t i = 0; i < 3; i++) {
        run_result r;
        RUN(&r, "fund", "qf", "-p", "100", "-o", outs[i], don);
        cr_assert_eq(r.status, 2, "%s: %s", outs[i], r.err);
        cr_assert(strstr(r.err, "would destroy the input") != NULL, "%s", r.err);
        run_result_free(&r);
        RUN(&r, "fund", "qf", "-p", "100", "--svg", outs[i], don);
        cr_assert_eq(r.status, 2, "--svg %s", outs[i]);
        run_result_free(&r);
    }
    char *text = read_text(don, NULL);
    cr_assert_str_eq(text, "address,grant_id,amount_in_usdt\nx,1,5\ny,1,5\nx,2,1\n");
    free(text);
    remove_tree(dir);
    free(don), free(again), free(hard), free(dir);
}

/* ---- 16. standard output on a full device ---- */

Test(outputs, a_failed_write_to_standard_output_fails_the_command)
{
    const run_opts full = { .stdout_path = "/dev/full" };
    const char *const *cmds[] = {
        (const char *const[]){ "market", "run", SOURCE_PATH("examples/market/info-finance.jsonl"),
                               NULL },
        (const char *const[]){ "market", "quote", "--kind", "lmsr", "--b", "10", "buy", "0", "1",
                               NULL },
        (const char *const[]){ "fund", "explain", "-p", "100",
                               SOURCE_PATH("tests/data/gitcoin-gr03-contributions.csv"), "138",
                               NULL },
        (const char *const[]){ "pause", "simulate", "--weeks", "2", "--devices", "3", NULL },
        (const char *const[]){ "rng", "--seed", "s", "--below", "10", NULL },
        (const char *const[]){ "--version", NULL },
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        run_result r;
        run_dacc_with(&r, NULL, &full, cmds[i]);
        cr_assert_eq(r.status, 1, "dacc %s %s: exit %d (%s)", cmds[i][0],
                     cmds[i][1] ? cmds[i][1] : "", r.status, r.err);
        cr_assert(strstr(r.err, "standard output") != NULL, "%s", r.err);
        run_result_free(&r);
    }
}

Test(outputs, log_and_round_reports_fail_on_a_full_standard_output)
{
    char *dir = make_temp_dir(), *log = path_join(dir, "log"), *out = path_join(dir, "out");
    run_result r;
    RUN(&r, "log", "init", "--origin", "example.org/t", log);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    run_dacc(&r, "a\nb\nc\n", (const char *const[]){ "log", "append", log, NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    const run_opts full = { .stdout_path = "/dev/full" };
    const char *const *cmds[] = {
        (const char *const[]){ "log", "checkpoint", log, NULL },
        (const char *const[]){ "log", "prove-inclusion", log, "1", NULL },
        (const char *const[]){ "log", "audit", log, NULL },
        (const char *const[]){ "deepfund", "run", "--out", out,
                               SOURCE_PATH("examples/deepfund/round.json"), NULL },
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        run_dacc_with(&r, NULL, &full, cmds[i]);
        cr_assert_eq(r.status, 1, "dacc %s %s: exit %d (%s)", cmds[i][0], cmds[i][1], r.status,
                     r.err);
        cr_assert(strstr(r.err, "standard output") != NULL, "%s", r.err);
        run_result_free(&r);
    }
    remove_tree(dir);
    free(log), free(out), free(dir);
}

/* ---- 17. output sets ---- */

static size_t count_hidden(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* Every output the manifest names has the hash it records. */
static void check_manifest(const char *out)
{
    char *mpath = path_join(out, "manifest.json");
    json_t *man = NULL;
    cr_assert_eq(dacc_json_load_file(mpath, &man, NULL), DACC_OK);
    json_t *outputs = json_object_get(man, "outputs");
    cr_assert(json_array_size(outputs) >= 3);
    for (size_t i = 0; i < json_array_size(outputs); i++) {
        json_t *e = json_array_get(outputs, i);
        char *p = path_join(out, json_string_value(json_object_get(e, "name")));
        uint8_t h[DACC_SHA256_BYTES];
        char hex[2 * DACC_SHA256_BYTES + 1];
        cr_assert_eq(dacc_sha256_file(p, h, NULL), DACC_OK, "%s", p);
        cr_assert_str_eq(dacc_hex_encode(h, sizeof h, hex),
                         json_string_value(json_object_get(e, "sha256")), "%s changed alone", p);
        free(p);
    }
    json_decref(man);
    free(mpath);
}

static char *copy_round(const char *dir, const char *pool)
{
    const char *files[] = { "graph.csv", "jury.csv", "model-careful.csv", "model-bold.csv",
                            "model-lazy.csv" };
    for (size_t i = 0; i < 5; i++) {
        char src[512];
        snprintf(src, sizeof src, "%s/%s", SOURCE_PATH("examples/deepfund"), files[i]);
        char *text = read_text(src, NULL);
        cr_assert_not_null(text);
        char *dst = dir_file(dir, files[i], text);
        free(text), free(dst);
    }
    char cfg[512];
    snprintf(cfg, sizeof cfg,
             "{\"graph\": \"graph.csv\", \"jury\": \"jury.csv\", \"submissions\": "
             "{\"careful\": \"model-careful.csv\", \"bold\": \"model-bold.csv\", "
             "\"lazy\": \"model-lazy.csv\"}, \"pool\": \"%s\", \"decimals\": 2}",
             pool);
    return dir_file(dir, "round.json", cfg);
}

Test(outputs, a_round_s_outputs_appear_together_or_not_at_all)
{
    char *dir = make_temp_dir(), *out = path_join(dir, "out");
    char *cfg = copy_round(dir, "1000000.00");
    run_result r;
    const run_opts tight = { .fsize_limit = 4096 };
    /* a disk that fills up part way: nothing appears */
    run_dacc_with(&r, NULL, &tight,
                  (const char *const[]){ "deepfund", "run", "-q", "--out", out, cfg, NULL });
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_eq(access(out, F_OK), -1, "a partial set appeared");
    cr_assert_eq(count_hidden(dir), 0, "a temporary directory was left behind");
    run_result_free(&r);
    RUN(&r, "deepfund", "run", "-q", "--out", out, cfg);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    char *alloc = path_join(out, "allocation.csv"), *before = read_text(alloc, NULL);
    check_manifest(out);
    /* a new pool, then a full disk: the earlier set stays whole */
    free(cfg);
    cfg = copy_round(dir, "5.00");
    run_dacc_with(&r, NULL, &tight,
                  (const char *const[]){ "deepfund", "run", "-q", "--out", out, cfg, NULL });
    cr_assert_eq(r.status, 1);
    run_result_free(&r);
    char *after = read_text(alloc, NULL);
    cr_assert_str_eq(after, before, "the earlier allocation was replaced");
    check_manifest(out);
    cr_assert_eq(count_hidden(dir), 0);
    /* and a complete run replaces the whole set */
    RUN(&r, "deepfund", "run", "-q", "--out", out, cfg);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    free(after);
    after = read_text(alloc, NULL);
    cr_assert_str_neq(after, before);
    check_manifest(out);
    cr_assert_eq(count_hidden(dir), 0);
    free(before), free(after), free(alloc);
    remove_tree(dir);
    free(cfg), free(out), free(dir);
}

Test(outputs, an_output_directory_with_other_files_is_refused_and_kept)
{
    char *dir = make_temp_dir(), *out = path_join(dir, "out");
    char *cfg = copy_round(dir, "10.00");
    cr_assert_eq(mkdir(out, 0777), 0);
    char *mine = dir_file(out, "notes.txt", "mine\n");
    run_result r;
    RUN(&r, "deepfund", "run", "-q", "--out", out, cfg);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "notes.txt") != NULL, "%s", r.err);
    run_result_free(&r);
    char *text = read_text(mine, NULL);
    cr_assert_str_eq(text, "mine\n");
    free(text);
    /* an input among the files an earlier set would remove */
    char *jury = path_join(dir, "jury.csv"), *moved = path_join(out, "weights.csv");
    cr_assert_eq(unlink(mine), 0);
    cr_assert_eq(rename(jury, moved), 0);
    char cfg2[256];
    snprintf(cfg2, sizeof cfg2,
             "{\"graph\": \"graph.csv\", \"jury\": \"out/weights.csv\", "
             "\"pool\": \"1\"}");
    char *cfgp = dir_file(dir, "round2.json", cfg2);
    RUN(&r, "deepfund", "run", "-q", "--out", out, cfgp);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, "would destroy the input") != NULL, "%s", r.err);
    cr_assert_eq(access(moved, F_OK), 0);
    run_result_free(&r);
    remove_tree(dir);
    free(jury), free(moved), free(cfgp), free(mine), free(cfg), free(out), free(dir);
}

Test(outputs, notes_outputs_appear_together)
{
    char *dir = make_temp_dir(), *data = path_join(dir, "data"), *out = path_join(dir, "out");
    run_result r;
    RUN(&r, "notes", "synth", "--ratings", "2000", "--outdir", data);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    const run_opts tight = { .fsize_limit = 2048 };
    run_dacc_with(&r, NULL, &tight,
                  (const char *const[]){ "notes", "score", "--outdir", out, data, NULL });
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_eq(access(out, F_OK), -1);
    run_result_free(&r);
    RUN(&r, "notes", "score", "--outdir", out, data);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    /* the input directory is not an output set: it holds other files */
    RUN(&r, "notes", "score", "--outdir", data, data);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "not one of this command's outputs") != NULL, "%s", r.err);
    run_result_free(&r);
    cr_assert_eq(count_hidden(dir), 0);
    remove_tree(dir);
    free(data), free(out), free(dir);
}

/* An output directory is replaced by a rename, which the current
 * directory refuses (EBUSY): said before anything is written, with the
 * way out, and nothing left behind. */
Test(outputs, the_current_directory_is_refused_as_an_output_directory)
{
    char *dir = make_temp_dir();
    cr_assert_eq(chdir(dir), 0);
    run_result r;
    const char *spellings[] = { ".", "./", dir };
    for (int i = 0; i < 3; i++) {
        RUN(&r, "notes", "synth", "--ratings", "2000", "--out-dir", spellings[i]);
        cr_assert_eq(r.status, 1, "%s", r.err);
        cr_assert(strstr(r.err, "is the current directory or holds it") != NULL, "%s", r.err);
        cr_assert(strstr(r.err, "such as out") != NULL, "%s", r.err);
        run_result_free(&r);
    }
    DIR *dp = opendir(".");
    cr_assert_not_null(dp);
    for (struct dirent *e; (e = readdir(dp)) != NULL;)
        cr_assert(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0, "left %s",
                  e->d_name);
    closedir(dp);
    RUN(&r, "notes", "synth", "--ratings", "2000", "--out-dir", "out");
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    cr_assert_eq(chdir("/"), 0);
    remove_tree(dir);
    free(dir);
}

/* ---- 18. NUL and invalid UTF-8 ---- */

static void write_bytes(const char *path, const char *bytes, size_t n)
{
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(bytes, 1, n, fp), n);
    cr_assert_eq(fclose(fp), 0);
}

Test(outputs, nul_in_a_donor_is_refused_with_its_place)
{
    static const char don[] = "address,grant_id,amount_in_usdt\nd\0a,1,5\nd\0b,1,5\n";
    char *dir = make_temp_dir(), *p = path_join(dir, "don.csv");
    write_bytes(p, don, sizeof don - 1);
    run_result r;
    RUN(&r, "fund", "qf", "-p", "100", p);
    cr_assert_eq(r.status, 1, "%s", r.out);
    cr_assert(strstr(r.err, "don.csv:2") && strstr(r.err, "NUL"), "%s", r.err);
    run_result_free(&r);
    remove_tree(dir);
    free(p), free(dir);
}

Test(outputs, nul_in_a_project_name_is_refused)
{
    static const char graph[] = "parent,dependency,weight\nroot,p\0one,0.5\nroot,p\0two,0.5\n";
    char *dir = make_temp_dir(), *p = path_join(dir, "graph.csv");
    write_bytes(p, graph, sizeof graph - 1);
    run_result r;
    RUN(&r, "deepfund", "graph", "--graph", p);
    cr_assert_eq(r.status, 1, "%s", r.out);
    cr_assert(strstr(r.err, "graph.csv:2") && strstr(r.err, "NUL"), "%s", r.err);
    run_result_free(&r);
    remove_tree(dir);
    free(p), free(dir);
}

Test(outputs, the_ratings_reader_refuses_what_the_others_refuse)
{
    char *dir = make_temp_dir(), *data = path_join(dir, "data");
    run_result r;
    RUN(&r, "notes", "synth", "--ratings", "2000", "--outdir", data);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    char *ratings = path_join(data, "ratings-00000.tsv");
    size_t len;
    char *text = read_text(ratings, &len);
    char *second = strchr(text, '\n') + 1, *tab = strchr(second, '\t') + 1;
    const char bad[] = { '\0', (char)0xC3 };
    for (size_t k = 0; k < 2; k++) {
        tab[1] = bad[k]; /* inside the rater id of line 2 */
        write_bytes(ratings, text, len);
        RUN(&r, "notes", "score", data);
        cr_assert_eq(r.status, 1, "%s", r.err);
        cr_assert(strstr(r.err, ":2: column \"raterParticipantId\"") != NULL, "%s", r.err);
        cr_assert(strstr(r.err, k == 0 ? "NUL" : "UTF-8") != NULL, "%s", r.err);
        run_result_free(&r);
    }
    free(text), free(ratings);
    remove_tree(dir);
    free(data), free(dir);
}

/* ---- 19. repeated edges and unknown keys ---- */

Test(outputs, repeated_weights_and_unknown_config_keys_are_refused)
{
    char *dir = make_temp_dir();
    char *g = dir_file(dir, "g.csv", "parent,dependency\nroot,a\nroot,b\n");
    char *w =
        dir_file(dir, "w.csv", "parent,dependency,weight\nroot,a,0.5\nroot,b,0.2\nroot,a,0.1\n");
    run_result r;
    RUN(&r, "deepfund", "allocate", "--graph", g, "--weights", w, "--pool", "10");
    cr_assert_eq(r.status, 1, "%s", r.out);
    cr_assert(strstr(r.err, "w.csv:4") && strstr(r.err, "twice"), "%s", r.err);
    run_result_free(&r);
    char *cfg = copy_round(dir, "10.00");
    char *bad = dir_file(dir, "bad.json",
                         "{\"graph\": \"graph.csv\", \"jury\": \"jury.csv\", \"pool\": \"1\", "
                         "\"orginality\": 0.3}");
    RUN(&r, "deepfund", "run", "-q", bad);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "\"orginality\"") && strstr(r.err, "unknown"), "%s", r.err);
    run_result_free(&r);
    free(cfg), free(bad), free(g), free(w);
    remove_tree(dir);
    free(dir);
}

/* ---- links, descriptors and FIFOs (review findings) ---- */

Test(outputs, dev_stdout_appended_to_keeps_what_was_there)
{
    char *dir = make_temp_dir(), *in = dir_file(dir, "g.csv", grants);
    char *log = dir_file(dir, "log.txt", "earlier line\n");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' apportion --pool 60 -f csv -o /dev/stdout '%s' >> '%s'",
             DACC_EXE, in, log);
    cr_assert_eq(system(cmd), 0);
    char *text = read_text(log, NULL);
    cr_assert(strncmp(text, "earlier line\n", 13) == 0, "the appended file was replaced: %s", text);
    cr_assert(strstr(text, "c,3,30") != NULL, "%s", text);
    free(text);
    remove_tree(dir);
    free(in), free(log), free(dir);
}

Test(outputs, a_fifo_nobody_reads_is_an_error_not_a_hang, .timeout = 20)
{
    char *dir = make_temp_dir(), *in = dir_file(dir, "g.csv", grants);
    char *fifo = path_join(dir, "fifo"), *link = path_join(dir, "link");
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    cr_assert_eq(symlink("fifo", link), 0);
    run_result r;
    RUN(&r, "apportion", "--pool", "60", "-o", link, in);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "FIFO") != NULL, "%s", r.err);
    run_result_free(&r);
    remove_tree(dir);
    free(in), free(fifo), free(link), free(dir);
}

Test(outputs, another_users_link_in_a_shared_directory_is_not_followed)
{
    if (geteuid() != 0)
        cr_skip_test("needs root to give a link to another user");
    char *dir = make_temp_dir(), *in = dir_file(dir, "g.csv", grants);
    char *secret = dir_file(dir, "secret", "root's\n"), *shared = path_join(dir, "shared");
    cr_assert_eq(mkdir(shared, 0777), 0);
    cr_assert_eq(chmod(shared, 01777), 0);
    char *theirs = path_join(shared, "theirs"), *mine = path_join(shared, "mine");
    cr_assert_eq(symlink(secret, theirs), 0);
    cr_assert_eq(lchown(theirs, 65534, 65534), 0);
    cr_assert_eq(symlink(secret, mine), 0);
    run_result r;
    RUN(&r, "apportion", "--pool", "60", "-o", theirs, in);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "another user") != NULL, "%s", r.err);
    run_result_free(&r);
    char *text = read_text(secret, NULL);
    cr_assert_str_eq(text, "root's\n");
    free(text);
    RUN(&r, "apportion", "--pool", "60", "-o", mine, in);
    cr_assert_eq(r.status, 0, "one's own link is followed: %s", r.err);
    run_result_free(&r);
    remove_tree(dir);
    free(in), free(secret), free(shared), free(theirs), free(mine), free(dir);
}

Test(outputs, every_spelling_of_an_input_is_guarded)
{
    char *dir = make_temp_dir();
    char *g = dir_file(dir, "g.csv", "parent,dependency,weight\nroot,a,0.5\nroot,b,0.5\n");
    char *j = dir_file(dir, "j.csv", "parent,a,b,choice,multiplier\nroot,a,b,1,2\n");
    char *s = dir_file(dir, "s.csv", "repo,parent,weight\na,root,0.4\nb,root,0.6\n");
    char named[512], attached[512];
    snprintf(named, sizeof named, "bold=%s", s);
    snprintf(attached, sizeof attached, "-g%s", g);
    run_result r;
    /* a named submission NAME=FILE */
    RUN(&r, "deepfund", "score", "-g", g, "-j", j, named, "-o", s);
    cr_assert_eq(r.status, 2, "%s", r.err);
    run_result_free(&r);
    /* a short option with its value attached */
    RUN(&r, "deepfund", "graph", attached, "-o", g);
    cr_assert_eq(r.status, 2, "%s", r.err);
    run_result_free(&r);
    /* standard input opened on the file */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' deepfund graph -g - -o /dev/stdin < '%s' 2>/dev/null", DACC_EXE,
             g);
    int ws = system(cmd);
    cr_assert(WIFEXITED(ws) && WEXITSTATUS(ws) == 2, "status %d", ws);
    char *text = read_text(g, NULL);
    cr_assert_str_eq(text, "parent,dependency,weight\nroot,a,0.5\nroot,b,0.5\n");
    free(text);
    text = read_text(s, NULL);
    cr_assert_str_eq(text, "repo,parent,weight\na,root,0.4\nb,root,0.6\n");
    free(text);
    remove_tree(dir);
    free(g), free(j), free(s), free(dir);
}

Test(outputs, a_file_of_an_input_directory_is_guarded)
{
    char *dir = make_temp_dir(), *log = path_join(dir, "log"), *db = path_join(log, "log.db");
    char *key = path_join(log, "log.key");
    run_result r;
    RUN(&r, "log", "init", "--origin", "example.org/t", log);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    /* any writer given the log directory must not replace the database (as
     * `pause publish --log L -o L/log.db` did); the guard runs before any
     * reading, so any command with a directory argument shows it */
    char *in = dir_file(dir, "g.csv", grants);
    RUN(&r, "market", "run", "-o", db, log);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, "inside the input directory") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "log", "audit", log);
    cr_assert_eq(r.status, 0, "the log survived: %s", r.err);
    run_result_free(&r);
    /* an output directory below an input directory is fine */
    char *below = path_join(log, "reports"), *out = path_join(below, "x.csv");
    cr_assert_eq(mkdir(below, 0777), 0);
    write_text(out, "old\n");
    RUN(&r, "market", "run", "-o", out, log);
    cr_assert(r.status != 2, "%s", r.err);
    run_result_free(&r);
    remove_tree(dir);
    free(log), free(db), free(key), free(in), free(below), free(out), free(dir);
}

/* ---- more review findings: lookups, repeats, NUL in JSON ---- */

Test(outputs, a_long_donor_name_matches_only_its_own_score)
{
    char name[520];
    memset(name, 'd', 511);
    name[511] = '\0';
    char *dir = make_temp_dir(), scores[1200], don[2400];
    snprintf(scores, sizeof scores, "donor,score\n%s,100\nz,100\n", name);
    snprintf(don, sizeof don, "address,grant_id,amount_in_usdt\n%sX,1,50\n%sY,1,50\nz,2,1\n", name,
             name);
    char *s = dir_file(dir, "s.csv", scores), *d = dir_file(dir, "d.csv", don);
    run_result r;
    RUN(&r, "fund", "qf", "-p", "100", "--scores", s, "--s50", "10", "--s100", "20", "-f", "csv",
        d);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* the two donors named like the scored one plus a letter have no score:
     * they count for nothing, and project 1 gets no matching */
    cr_assert(strstr(r.out, "\n1,") == NULL, "%s", r.out);
    cr_assert(strstr(r.err, "2 donations dropped") != NULL, "%s", r.err);
    run_result_free(&r);
    remove_tree(dir);
    free(s), free(d), free(dir);
}

Test(outputs, repeated_options_and_seed_nodes_are_refused)
{
    run_result r;
    RUN(&r, "market", "quote", "--kind", "lmsr", "--b", "1", "--q", "1;1", "--q", "2;2", "buy", "0",
        "1");
    cr_assert_eq(r.status, 2, "%s", r.err);
    run_result_free(&r);
    char *dir = make_temp_dir(), *cfg = copy_round(dir, "10.00");
    RUN(&r, "deepfund", "run", "-q", "--out", dir, cfg);
    run_result_free(&r);
    char *out = path_join(dir, "out"), *w = path_join(out, "weights.csv");
    RUN(&r, "deepfund", "run", "-q", cfg);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    char *g = path_join(dir, "graph.csv");
    RUN(&r, "deepfund", "allocate", "--graph", g, "--weights", w, "--pool", "100", "--seed-node",
        "ethereum", "--seed-node", "ETHEREUM");
    cr_assert_eq(r.status, 1, "%s", r.out);
    cr_assert(strstr(r.err, "same project") != NULL, "%s", r.err);
    run_result_free(&r);
    remove_tree(dir);
    free(cfg), free(out), free(w), free(g), free(dir);
}

Test(outputs, nul_escapes_in_json_are_refused)
{
    char *dir = make_temp_dir();
    char *g =
        dir_file(dir, "g.json",
                 "{\"nodes\": [{\"id\": \"r\"}, {\"id\": \"a\\u0000x\"}, {\"id\": \"a\\u0000y\"}],"
                 " \"links\": [{\"source\": \"r\", \"target\": \"a\\u0000x\"},"
                 " {\"source\": \"r\", \"target\": \"a\\u0000y\"}]}\n");
    run_result r;
    RUN(&r, "deepfund", "graph", "--graph", g);
    cr_assert_eq(r.status, 1, "%s", r.out);
    cr_assert(strstr(r.err, "u0000") != NULL, "%s", r.err);
    run_result_free(&r);
    char *cfg = dir_file(dir, "round.json", "{\"jury\": \"j.csv\", \"pool\": \"100\\u0000999\"}");
    RUN(&r, "deepfund", "run", cfg);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "u0000") != NULL, "%s", r.err);
    run_result_free(&r);
    remove_tree(dir);
    free(g), free(cfg), free(dir);
}
