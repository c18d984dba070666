/* dacc vuln as a user runs it: exit statuses, the three report formats, and
 * a signed statement that verifies and lands in a log. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/round.h"
#include "support.h"

#define TD "/usr/share/gocode/src/golang.org/x/vuln/cmd/govulncheck/testdata"

static json_t *parse(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    cr_assert(j, "not JSON: %s\n%.500s", je.text, text);
    return j;
}

Test(cli, scan_exit_status_and_json)
{
    run_result r;
    run_dacc(&r, NULL,
             (const char *const[]){ "vuln", "scan", "--db", TD "/vulndb", "--format", "json",
                                    TD "/modules/vuln/go.mod", NULL });
    cr_assert_eq(r.status, 3, "%s", r.err);
    json_t *j = parse(r.out);
    json_t *f = json_object_get(j, "findings");
    cr_assert_eq(json_array_size(f), 4);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(f, 0), "id")),
                     "GO-2021-0265");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(f, 0), "fixed")), "1.9.3");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "advisories"), "count")), 6);
    json_decref(j);
    run_result_free(&r);
    /* a version past every fix: exit 0 */
    run_dacc(&r, NULL,
             (const char *const[]){ "vuln", "match", "--db", TD "/vulndb", "Go",
                                    "golang.org/x/text", "v0.3.7", NULL });
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "0 findings"), "%s", r.out);
    run_result_free(&r);
}

Test(cli, sarif_report)
{
    run_result r;
    run_dacc(&r, NULL,
             (const char *const[]){ "vuln", "match", "--db", TD "/vulndb", "--format", "sarif",
                                    "Go", "golang.org/x/text", "v0.3.5", NULL });
    cr_assert_eq(r.status, 3, "%s", r.err);
    json_t *j = parse(r.out);
    cr_expect_str_eq(json_string_value(json_object_get(j, "version")), "2.1.0");
    json_t *run = json_array_get(json_object_get(j, "runs"), 0);
    json_t *res = json_object_get(run, "results");
    cr_assert_eq(json_array_size(res), 1);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(res, 0), "ruleId")),
                     "GO-2021-0113");
    json_decref(j);
    run_result_free(&r);
}

Test(cli, errors_and_usage)
{
    run_result r;
    run_dacc(&r, NULL, (const char *const[]){ "vuln", "scan", TD "/modules/vuln/go.mod", NULL });
    cr_expect_eq(r.status, 2, "no --db is a usage error");
    run_result_free(&r);
    run_dacc(&r, NULL,
             (const char *const[]){ "vuln", "scan", "--db", "/nonexistent",
                                    TD "/modules/vuln/go.mod", NULL });
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "/nonexistent"), "%s", r.err);
    run_result_free(&r);
    run_dacc(&r, NULL,
             (const char *const[]){ "vuln", "compare-versions", "debian", "1:2.0~rc1-1", "1:2.0-1",
                                    NULL });
    cr_expect_eq(r.status, 0);
    cr_expect_str_eq(r.out, "<\n");
    run_result_free(&r);
    run_dacc(
        &r, NULL,
        (const char *const[]){ "vuln", "compare-versions", "pypi", "1.0", "french toast", NULL });
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "french toast"), "%s", r.err);
    run_result_free(&r);
}

Test(cli, signed_statement_verifies_and_is_logged)
{
    char *dir = make_temp_dir();
    char *key = path_join(dir, "k"), *log = path_join(dir, "L"), *keyfile = path_join(dir, "k.key");
    char *pubfile = path_join(dir, "k.pub");
    run_result r;
    run_dacc(&r, NULL, (const char *const[]){ "log", "keygen", "scanner", key, NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    run_dacc(&r, NULL,
             (const char *const[]){ "log", "init", "--origin", "example.org/v", log, NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    run_dacc(&r, NULL,
             (const char *const[]){ "vuln", "scan", "--db", TD "/vulndb", "--sign", keyfile,
                                    "--log", log, TD "/modules/vuln/go.mod", NULL });
    cr_assert_eq(r.status, 3, "%s", r.err);
    cr_expect(strstr(r.err, "logged at index 0"), "%s", r.err);
    dacc_dsse_envelope *env;
    dacc_error e;
    cr_assert_eq(dacc_dsse_parse("out", r.out, strlen(r.out), &env, &e), DACC_OK, "%s", e.message);
    cr_expect_str_eq(dacc_dsse_type(env), "application/vnd.in-toto+json");
    /* the key id is the public key, which verifies the signature */
    uint8_t pk[32];
    cr_assert_eq(dacc_hex_decode(dacc_dsse_sig_keyid(env, 0), 64, pk, 32, &e), DACC_OK);
    size_t valid = 0;
    cr_expect_eq(dacc_dsse_verify(env, (const uint8_t(*)[32])pk, 1, 1, &valid, &e), DACC_OK, "%s",
                 e.message);
    size_t plen;
    const uint8_t *payload = dacc_dsse_payload(env, &plen);
    char *ptext = strndup((const char *)payload, plen);
    json_t *st = parse(ptext);
    cr_expect_str_eq(json_string_value(json_object_get(st, "predicateType")),
                     "https://in-toto.io/attestation/vulns/v0.2");
    json_t *subj = json_array_get(json_object_get(st, "subject"), 0);
    cr_expect_eq(
        strlen(json_string_value(json_object_get(json_object_get(subj, "digest"), "sha256"))), 64);
    json_t *scanner = json_object_get(json_object_get(st, "predicate"), "scanner");
    cr_expect_eq(json_array_size(json_object_get(scanner, "result")), 4);
    cr_expect_str_eq(
        json_string_value(json_object_get(json_object_get(scanner, "db"), "lastUpdate")),
        "2022-08-19T22:21:47Z");
    json_decref(st);
    free(ptext);
    dacc_dsse_free(env);
    /* the logged entry is the envelope, byte for byte */
    char *first = strdup(r.out);
    run_result_free(&r);
    run_dacc(&r, NULL, (const char *const[]){ "log", "entry", log, "0", NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strncmp(r.out, first, strlen(first) - 1) == 0, "entry differs");
    run_result_free(&r);
    free(first);
    /* --log without --sign is a usage error */
    run_dacc(&r, NULL,
             (const char *const[]){ "vuln", "scan", "--db", TD "/vulndb", "--log", log,
                                    TD "/modules/vuln/go.mod", NULL });
    cr_expect_eq(r.status, 2);
    run_result_free(&r);
    remove_tree(dir);
    free(dir);
    free(key);
    free(log);
    free(keyfile);
    free(pubfile);
}

/* A Debian machine: the dpkg status by source package, the release from
 * --debian-release, advisories from a directory. */
Test(cli, dpkg_scan_by_source_and_release)
{
    char *dir = make_temp_dir();
    char *db = path_join(dir, "db"), *status = path_join(dir, "status");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "mkdir %s", db);
    cr_assert_eq(system(cmd), 0);
    char *rec = path_join(db, "DSA-5000-1.json");
    write_text(rec, "{\"id\":\"DSA-5000-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":["
                    "\"CVE-2024-2\"],\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\","
                    "\"name\":\"openssl\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":["
                    "{\"introduced\":\"0\"},{\"fixed\":\"3.0.11-1~deb12u2\"}]}]}]}");
    write_text(status, "Package: libssl3\nStatus: install ok installed\nSource: openssl\n"
                       "Version: 3.0.11-1~deb12u1\n");
    run_result r;
    run_dacc(&r, NULL,
             (const char *const[]){ "vuln", "scan", "--db", db, "--debian-release", "12", status,
                                    NULL });
    cr_expect_eq(r.status, 3, "%s", r.err);
    cr_expect(strstr(r.out, "DSA-5000-1 (CVE-2024-2)  openssl 3.0.11-1~deb12u1"), "%s", r.out);
    cr_expect(strstr(r.out, "[binary packages: libssl3]"), "%s", r.out);
    cr_expect(strstr(r.out, "fixed in 3.0.11-1~deb12u2"), "%s", r.out);
    run_result_free(&r);
    run_dacc(&r, NULL,
             (const char *const[]){ "vuln", "scan", "--db", db, "--debian-release", "11", status,
                                    NULL });
    cr_expect_eq(r.status, 0, "a Debian 12 advisory on Debian 11: %s", r.out);
    run_result_free(&r);
    /* a round log is not where statements go */
    char *rounds = path_join(dir, "rounds.db"), *key = path_join(dir, "k"),
         *keyfile = path_join(dir, "k.key");
    write_text(rounds, "");
    run_dacc(&r, NULL, (const char *const[]){ "log", "keygen", "scanner", key, NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    run_dacc(&r, NULL,
             (const char *const[]){ "vuln", "scan", "--db", db, "--debian-release", "12", "--sign",
                                    keyfile, "--log", dir, status, NULL });
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "round log"), "%s", r.err);
    cr_expect_eq(r.out_len, 0, "nothing written when the log refuses");
    run_result_free(&r);
    free(key);
    free(keyfile);
    remove_tree(dir);
    free(dir);
    free(db);
    free(status);
    free(rec);
    free(rounds);
}
