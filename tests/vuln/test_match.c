/* The OSV reader, the inventories and the matcher: the schema's rules and
 * its Evaluation algorithm, Debian's false-positive cases, and Debian's own
 * OSV test data from golang-golang-x-vuln-dev. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/vuln.h"
#include "support.h"

static dacc_vuln_db *db_of(const char *json)
{
    dacc_vuln_db *db = dacc_vuln_db_new();
    dacc_error e;
    cr_assert(db);
    cr_assert_eq(dacc_vuln_db_add_json(db, "t.json", json, strlen(json), &e), DACC_OK, "%s",
                 e.message);
    return db;
}

static dacc_status db_try(const char *json, dacc_error *e)
{
    dacc_vuln_db *db = dacc_vuln_db_new();
    dacc_status st = dacc_vuln_db_add_json(db, "t.json", json, strlen(json), e);
    cr_assert_eq(dacc_vuln_db_count(db), st == DACC_OK ? 1 : 0);
    dacc_vuln_db_free(db);
    return st;
}

/* The ids of the findings, "A B C", for pkg at version in ecosystem. */
static char *ids_for(dacc_vuln_db *db, dacc_vuln_inventory *inv)
{
    dacc_vuln_result *r;
    dacc_error e;
    cr_assert_eq(dacc_vuln_match(db, inv, &r, &e), DACC_OK, "%s", e.message);
    static char buf[4096];
    buf[0] = '\0';
    for (size_t i = 0; i < dacc_vuln_result_count(r); i++) {
        if (i)
            strcat(buf, " ");
        strcat(buf, dacc_vuln_result_get(r, i)->id);
    }
    dacc_vuln_result_free(r);
    return buf;
}

static char *match_one(dacc_vuln_db *db, const char *eco, const char *name, const char *ver)
{
    dacc_vuln_inventory *inv = dacc_vuln_inventory_new();
    dacc_error e;
    cr_assert_eq(dacc_vuln_inventory_add_package(inv, eco, name, ver, &e), DACC_OK, "%s",
                 e.message);
    char *s = ids_for(db, inv);
    dacc_vuln_inventory_free(inv);
    return s;
}

#define REC(id, eco, name, ranges)                                                                 \
    "{\"id\":\"" id "\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2024-1\"],"       \
    "\"affected\":[{\"package\":{\"ecosystem\":\"" eco "\",\"name\":\"" name "\"},"                \
    "\"ranges\":[" ranges "]}]}"
#define RANGE(type, events) "{\"type\":\"" type "\",\"events\":[" events "]}"

/* ---- the reader refuses, naming the field ---- */

static void refused_naming(const char *json, const char *field)
{
    dacc_error e;
    cr_expect_neq(db_try(json, &e), DACC_OK, "accepted: %s", json);
    cr_expect(strstr(e.message, field) != NULL, "message \"%s\" does not name %s", e.message,
              field);
}

Test(osv, refuses_malformed_records_naming_the_field)
{
    refused_naming("{\"modified\":\"x\"}", "\"id\"");
    refused_naming("{\"id\":\"A\"}", "\"modified\"");
    refused_naming("{\"id\":5,\"modified\":\"x\"}", "\"id\"");
    refused_naming(
        REC("A", "Go", "m", RANGE("SEMVER", "{\"introduced\":\"0\",\"fixed\":\"1.0.0\"}")),
        "events[0]");
    refused_naming(REC("A", "Go", "m", RANGE("SEMVER", "{\"fixed\":\"1.0.0\"}")), "events");
    refused_naming(
        REC("A", "Go", "m", RANGE("SEMVER", "{\"introduced\":\"0\"},{\"fixed\":\"1.0\"}")),
        "affected[0].ranges[0].events[1]");
    refused_naming(REC("A", "Go", "m", RANGE("SEMVR", "{\"introduced\":\"0\"}")), "ranges[0].type");
    refused_naming(REC("A", "Go", "m", RANGE("GIT", "{\"introduced\":\"abc\"}")), "ranges[0].repo");
    refused_naming(REC("A", "Debian:12", "m",
                       RANGE("ECOSYSTEM", "{\"introduced\":\"0\"},{\"fixed\":\"a:1\"}")),
                   "events[1]");
    refused_naming(REC("A", "Go", "m",
                       RANGE("SEMVER", "{\"introduced\":\"0\"},{\"fixed\":\"1.0.0\"},"
                                       "{\"last_affected\":\"1.1.0\"}")),
                   "both fixed and last_affected");
    refused_naming(
        "{\"id\":\"A\",\"modified\":\"x\",\"affected\":[{\"package\":{\"name\":\"m\"}}]}",
        "affected[0].package.ecosystem");
    refused_naming("{\"id\":\"A\",\"modified\":\"x\",\"aliases\":[1]}", "aliases[0]");
    refused_naming("{\"id\":\"A\",\"modified\":\"x\",\"database_specific\":[]}",
                   "database_specific");
    refused_naming("[{\"id\":\"A\",\"modified\":\"x\"},{\"id\":\"B\"}]", "record B");
}

Test(osv, reads_the_full_schema)
{
    const char *json =
        "{\"schema_version\":\"1.6.0\",\"id\":\"GHSA-x\",\"modified\":\"2024-01-01T00:00:00Z\","
        "\"published\":\"2023-01-01T00:00:00Z\",\"aliases\":[\"CVE-2023-9\"],\"summary\":\"s\","
        "\"details\":\"d\",\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N\"}],"
        "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"elliptic\","
        "\"purl\":\"pkg:npm/elliptic\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":["
        "{\"introduced\":\"0\"},{\"fixed\":\"6.5.4\"}]},{\"type\":\"GIT\",\"repo\":\"https://x\","
        "\"events\":[{\"introduced\":\"abc\"},{\"limit\":\"def\"}]}],\"versions\":[\"7.0.0\"],"
        "\"database_specific\":{\"a\":1},\"ecosystem_specific\":{\"b\":2}}],"
        "\"references\":[{\"type\":\"WEB\",\"url\":\"https://x\"}],\"credits\":[{\"name\":\"n\"}],"
        "\"database_specific\":{\"c\":3}}";
    dacc_vuln_db *db = db_of(json);
    cr_expect_str_eq(match_one(db, "npm", "elliptic", "6.5.3"), "GHSA-x");
    cr_expect_str_eq(match_one(db, "npm", "elliptic", "6.5.4"), "");
    cr_expect_str_eq(match_one(db, "npm", "elliptic", "7.0.0"), "GHSA-x"); /* versions[] */
    cr_expect_str_eq(match_one(db, "npm", "other", "1.0.0"), "");
    cr_expect_str_eq(match_one(db, "PyPI", "elliptic", "1.0"), "");
    dacc_vuln_db_free(db);
}

/* ---- the Evaluation section ---- */

Test(evaluate, events_are_sorted_before_evaluation)
{
    /* written out of order: [1.0.0, 1.0.2) and [3.0.0, 3.2.5) */
    dacc_vuln_db *db =
        db_of(REC("A", "Go", "m",
                  RANGE("SEMVER", "{\"fixed\":\"3.2.5\"},{\"introduced\":\"1.0.0\"},"
                                  "{\"introduced\":\"3.0.0\"},{\"fixed\":\"1.0.2\"}")));
    cr_expect_str_eq(match_one(db, "Go", "m", "v0.9.0"), "");
    cr_expect_str_eq(match_one(db, "Go", "m", "v1.0.0"), "A");
    cr_expect_str_eq(match_one(db, "Go", "m", "v1.0.1"), "A");
    cr_expect_str_eq(match_one(db, "Go", "m", "v1.0.2"), "");
    cr_expect_str_eq(match_one(db, "Go", "m", "v2.9.9"), "");
    cr_expect_str_eq(match_one(db, "Go", "m", "v3.1.0"), "A");
    cr_expect_str_eq(match_one(db, "Go", "m", "v3.2.5"), "");
    dacc_vuln_db_free(db);
}

Test(evaluate, last_affected_is_inclusive_and_limit_bounds)
{
    dacc_vuln_db *db =
        db_of(REC("A", "PyPI", "Pkg_Name",
                  RANGE("ECOSYSTEM", "{\"introduced\":\"0\"},{\"last_affected\":\"2.1.214\"}")));
    cr_expect_str_eq(match_one(db, "PyPI", "pkg-name", "2.1.214"), "A");
    cr_expect_str_eq(match_one(db, "PyPI", "PKG.name", "2.1.214.post1"), "");
    cr_expect_str_eq(match_one(db, "PyPI", "pkg-name", "2.1.215"), "");
    dacc_vuln_db_free(db);
    db = db_of(
        REC("B", "npm", "x", RANGE("SEMVER", "{\"introduced\":\"1.0.0\"},{\"limit\":\"2.0.0\"}")));
    cr_expect_str_eq(match_one(db, "npm", "x", "1.5.0"), "B");
    cr_expect_str_eq(match_one(db, "npm", "x", "2.0.0"), "");
    cr_expect_str_eq(match_one(db, "npm", "x", "0.9.0"), "");
    dacc_vuln_db_free(db);
}

Test(evaluate, withdrawn_records_do_not_match)
{
    dacc_vuln_db *db = db_of(
        "{\"id\":\"W\",\"modified\":\"x\",\"withdrawn\":\"2024-02-02T00:00:00Z\",\"affected\":[{"
        "\"package\":{\"ecosystem\":\"Go\",\"name\":\"m\"},\"ranges\":[{\"type\":\"SEMVER\","
        "\"events\":[{\"introduced\":\"0\"}]}]}]}");
    cr_expect_str_eq(match_one(db, "Go", "m", "v1.0.0"), "");
    dacc_vuln_db_free(db);
}

/* A package's findings in the natural order of their ids, as every list of
 * ids dacc prints: GO-2021-9 before GO-2021-10 (strcmp has them reversed). */
Test(evaluate, findings_are_in_natural_order_of_id)
{
#define ALL RANGE("SEMVER", "{\"introduced\":\"0\"}")
    dacc_vuln_db *db = db_of("[" REC("GO-2021-10", "Go", "m", ALL) "," REC(
        "GO-2022-1", "Go", "m", ALL) "," REC("GO-2021-9", "Go", "m", ALL) "]");
#undef ALL
    cr_expect_str_eq(match_one(db, "Go", "m", "v1.0.0"), "GO-2021-9 GO-2021-10 GO-2022-1");
    dacc_vuln_db_free(db);
}

/* ---- Debian: the false positives scanners are known for ---- */

static const char dsa[] =
    "{\"id\":\"DSA-5000-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2024-2\"],"
    "\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"openssl\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
    "{\"fixed\":\"3.0.11-1~deb12u2\"}]}]},"
    "{\"package\":{\"ecosystem\":\"Debian:11\",\"name\":\"openssl\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
    "{\"fixed\":\"1.1.1w-0+deb11u1\"}]}]}]}";

Test(debian, exact_fixed_deb12u_version_is_not_flagged)
{
    dacc_vuln_db *db = db_of(dsa);
    cr_expect_str_eq(match_one(db, "Debian:12", "openssl", "3.0.11-1~deb12u2"), "");
    cr_expect_str_eq(match_one(db, "Debian:12", "openssl", "3.0.11-1~deb12u3"), "");
    cr_expect_str_eq(match_one(db, "Debian:12", "openssl", "3.0.11-1~deb12u1"), "DSA-5000-1");
    /* a later point-release upload is newer than the fix too */
    cr_expect_str_eq(match_one(db, "Debian:12", "openssl", "3.0.13-1~deb12u1"), "");
    dacc_vuln_db_free(db);
}

Test(debian, backport_orders_below_the_release_it_backports)
{
    dacc_vuln_db *db =
        db_of(REC("DSA-1", "Debian:12", "foo",
                  RANGE("ECOSYSTEM", "{\"introduced\":\"0\"},{\"fixed\":\"2.0-1\"}")));
    cr_expect_str_eq(match_one(db, "Debian:12", "foo", "2.0-1~bpo12+1"), "DSA-1");
    cr_expect_str_eq(match_one(db, "Debian:12", "foo", "2.0-1"), "");
    cr_expect_str_eq(match_one(db, "Debian:12", "foo", "2.1-1~bpo12+1"), "");
    dacc_vuln_db_free(db);
}

Test(debian, epoch_beats_any_upstream)
{
    dacc_vuln_db *db =
        db_of(REC("DSA-2", "Debian:12", "bar",
                  RANGE("ECOSYSTEM", "{\"introduced\":\"0\"},{\"fixed\":\"1:1.0-1\"}")));
    cr_expect_str_eq(match_one(db, "Debian:12", "bar", "99.0-1"), "DSA-2");
    cr_expect_str_eq(match_one(db, "Debian:12", "bar", "1:0.9-1"), "DSA-2");
    cr_expect_str_eq(match_one(db, "Debian:12", "bar", "1:1.0-1"), "");
    cr_expect_str_eq(match_one(db, "Debian:12", "bar", "2:0.1-1"), "");
    dacc_vuln_db_free(db);
}

Test(debian, advisory_for_debian_11_does_not_match_debian_12)
{
    dacc_vuln_db *db =
        db_of(REC("DLA-3", "Debian:11", "baz",
                  RANGE("ECOSYSTEM", "{\"introduced\":\"0\"},{\"fixed\":\"2.0-1\"}")));
    cr_expect_str_eq(match_one(db, "Debian:12", "baz", "1.0-1"), "");
    cr_expect_str_eq(match_one(db, "Debian:11", "baz", "1.0-1"), "DLA-3");
    /* unknown release: a scoped advisory cannot be said to apply */
    cr_expect_str_eq(match_one(db, "Debian", "baz", "1.0-1"), "");
    dacc_vuln_db_free(db);
    /* an advisory for the whole ecosystem applies to every release */
    db = db_of(REC("DEBIAN-CVE-1", "Debian", "baz",
                   RANGE("ECOSYSTEM", "{\"introduced\":\"0\"},{\"fixed\":\"2.0-1\"}")));
    cr_expect_str_eq(match_one(db, "Debian:12", "baz", "1.0-1"), "DEBIAN-CVE-1");
    dacc_vuln_db_free(db);
}

static const char status[] = "Package: libssl3\n"
                             "Status: install ok installed\n"
                             "Architecture: amd64\n"
                             "Source: openssl\n"
                             "Version: 3.0.11-1~deb12u1\n"
                             "Description: Secure Sockets Layer toolkit\n"
                             " continuation line: with a colon\n"
                             "\n"
                             "Package: openssl\n"
                             "Status: install ok installed\n"
                             "Version: 3.0.11-1~deb12u1\n"
                             "\n"
                             "Package: libfoo1\n"
                             "Status: install ok installed\n"
                             "Source: foo (2.0-1)\n"
                             "Version: 2.0-1+b1\n"
                             "\n"
                             "Package: removed\n"
                             "Status: deinstall ok config-files\n"
                             "Version: 1.0-1\n";

Test(debian, binary_package_is_matched_through_its_source)
{
    dacc_vuln_db *db = db_of(dsa);
    dacc_error e;
    cr_assert_eq(
        dacc_vuln_db_add_json(
            db, "b.json",
            REC("DSA-1", "Debian:12", "foo",
                RANGE("ECOSYSTEM", "{\"introduced\":\"0\"},{\"fixed\":\"2.0-2\"}")),
            strlen(REC("DSA-1", "Debian:12", "foo",
                       RANGE("ECOSYSTEM", "{\"introduced\":\"0\"},{\"fixed\":\"2.0-2\"}"))),
            &e),
        DACC_OK, "%s", e.message);
    dacc_vuln_inventory *inv = dacc_vuln_inventory_new();
    cr_assert_eq(dacc_vuln_inventory_add(inv, DACC_VULN_INV_DPKG, "status", status, strlen(status),
                                         "12", &e),
                 DACC_OK, "%s", e.message);
    cr_expect_eq(dacc_vuln_inventory_count(inv), 2); /* openssl and foo, sources */
    dacc_vuln_result *r;
    cr_assert_eq(dacc_vuln_match(db, inv, &r, &e), DACC_OK);
    cr_assert_eq(dacc_vuln_result_count(r), 2);
    const dacc_vuln_finding *f = dacc_vuln_result_get(r, 0);
    cr_expect_str_eq(f->id, "DSA-5000-1");
    cr_expect_str_eq(f->package, "openssl");
    cr_expect_str_eq(f->binaries, "libssl3, openssl");
    cr_expect_str_eq(f->fixed, "3.0.11-1~deb12u2");
    cr_expect_str_eq(f->ecosystem, "Debian:12");
    cr_expect_str_eq(f->aliases[0], "CVE-2024-2");
    cr_expect(strstr(f->reason, "on Debian 12"), "%s", f->reason);
    f = dacc_vuln_result_get(r, 1);
    cr_expect_str_eq(f->id, "DSA-1");
    cr_expect_str_eq(f->package, "foo");
    cr_expect_str_eq(f->version, "2.0-1"); /* the source version, not 2.0-1+b1 */
    cr_expect_str_eq(f->binaries, "libfoo1");
    dacc_vuln_result_free(r);
    /* the same machine as Debian 11 matches neither scoped advisory's 12 entry */
    dacc_vuln_inventory_free(inv);
    inv = dacc_vuln_inventory_new();
    cr_assert_eq(dacc_vuln_inventory_add(inv, DACC_VULN_INV_DPKG, "status", status, strlen(status),
                                         "11", &e),
                 DACC_OK);
    cr_expect_str_eq(ids_for(db, inv), "");
    dacc_vuln_inventory_free(inv);
    dacc_vuln_db_free(db);
}

/* ---- inventories ---- */

static dacc_status inv_try(dacc_vuln_inventory_kind k, const char *text, dacc_vuln_inventory **out,
                           dacc_error *e)
{
    *out = dacc_vuln_inventory_new();
    return dacc_vuln_inventory_add(*out, k, "in", text, strlen(text), "12", e);
}

Test(inventory, refuses_bad_input_with_the_place)
{
    dacc_vuln_inventory *inv;
    dacc_error e;
    cr_expect_neq(inv_try(DACC_VULN_INV_DPKG,
                          "Package: a\nStatus: install ok installed\nVersion: x1\n", &inv, &e),
                  DACC_OK);
    cr_expect(strstr(e.message, "in:1") && strstr(e.message, "version"), "%s", e.message);
    cr_expect_eq(dacc_vuln_inventory_count(inv), 0);
    dacc_vuln_inventory_free(inv);
    cr_expect_neq(inv_try(DACC_VULN_INV_REQUIREMENTS, "a==1.0\nrequests>=2.0\n", &inv, &e),
                  DACC_OK);
    cr_expect(strstr(e.message, "in:2") && strstr(e.message, "pinned"), "%s", e.message);
    cr_expect_eq(dacc_vuln_inventory_count(inv), 0); /* nothing of a failed input is kept */
    dacc_vuln_inventory_free(inv);
    cr_expect_neq(inv_try(DACC_VULN_INV_GOMOD, "module x\nrequire (\n a v1.0\n)\n", &inv, &e),
                  DACC_OK);
    cr_expect(strstr(e.message, "in:3"), "%s", e.message);
    dacc_vuln_inventory_free(inv);
    cr_expect_neq(
        inv_try(DACC_VULN_INV_NPM_LOCK, "{\"lockfileVersion\":1,\"dependencies\":{}}", &inv, &e),
        DACC_OK);
    cr_expect(strstr(e.message, "lockfileVersion"), "%s", e.message);
    dacc_vuln_inventory_free(inv);
    cr_expect_neq(inv_try(DACC_VULN_INV_CYCLONEDX,
                          "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":["
                          "{\"purl\":\"pkg:npm/a@1.0\"}]}",
                          &inv, &e),
                  DACC_OK);
    cr_expect(strstr(e.message, "components[0]"), "%s", e.message);
    dacc_vuln_inventory_free(inv);
}

Test(inventory, reads_each_kind)
{
    dacc_vuln_db *db = db_of(
        "[" REC("GO-1", "Go", "example.com/b", RANGE("SEMVER", "{\"introduced\":\"0\"},{\"fixed\":\"1.2.0\"}")) "," REC(
            "NPM-1", "npm", "@scope/pkg",
            RANGE(
                "SEMVER",
                "{\"introduced\":\"0\"},{\"fixed\":\"2.0.0\"}")) "," REC("PY-1", "PyPI", "Django",
                                                                         RANGE(
                                                                             "ECOSYSTEM",
                                                                             "{\"introduced\":\"4."
                                                                             "0\"},{\"fixed\":\"4."
                                                                             "2."
                                                                             "1\"}")) "," REC("DEB-"
                                                                                              "1",
                                                                                              "Debi"
                                                                                              "an"
                                                                                              ":12",
                                                                                              "open"
                                                                                              "ss"
                                                                                              "l",
                                                                                              RANGE(
                                                                                                  "EC"
                                                                                                  "OS"
                                                                                                  "YS"
                                                                                                  "TE"
                                                                                                  "M",
                                                                                                  "{"
                                                                                                  "\""
                                                                                                  "in"
                                                                                                  "tr"
                                                                                                  "od"
                                                                                                  "uc"
                                                                                                  "ed"
                                                                                                  "\""
                                                                                                  ":"
                                                                                                  "\""
                                                                                                  "0"
                                                                                                  "\""
                                                                                                  "},"
                                                                                                  "{"
                                                                                                  "\""
                                                                                                  "fi"
                                                                                                  "xe"
                                                                                                  "d"
                                                                                                  "\""
                                                                                                  ":"
                                                                                                  "\""
                                                                                                  "3."
                                                                                                  "0."
                                                                                                  "12"
                                                                                                  "-1"
                                                                                                  "\""
                                                                                                  "}")) "]");
    struct {
        dacc_vuln_inventory_kind k;
        const char *text, *want;
        size_t count;
    } cases[] = {
        { DACC_VULN_INV_GOMOD,
          "module example.com/a\n\ngo 1.21\n\nrequire example.com/b v1.1.0 // indirect\n"
          "require (\n\t\"example.com/c\" v0.1.0\n\texample.com/d v1.0.0\n)\n"
          "replace example.com/c => example.com/b v1.1.5\nreplace example.com/d => ../d\n",
          "GO-1 GO-1", 2 }, /* b v1.1.0, and c replaced by b v1.1.5 */
        { DACC_VULN_INV_GOSUM,
          "example.com/b v1.1.0 h1:abc=\nexample.com/b v1.1.0/go.mod h1:def=\n"
          "example.com/b v1.3.0/go.mod h1:ghi=\n",
          "GO-1", 1 },
        { DACC_VULN_INV_NPM_LOCK,
          "{\"name\":\"app\",\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"app\"},"
          "\"node_modules/@scope/pkg\":{\"version\":\"1.9.0\"},"
          "\"node_modules/x/node_modules/@scope/pkg\":{\"version\":\"2.0.0\"},"
          "\"node_modules/ws\":{\"link\":true}}}",
          "NPM-1", 2 },
        { DACC_VULN_INV_REQUIREMENTS,
          "# pinned\ndjango==4.1.0 ; python_version >= \"3.8\" \\\n    --hash=sha256:abc\n"
          "requests[socks] == 2.31.0  # comment\n\n",
          "PY-1", 2 },
        { DACC_VULN_INV_CYCLONEDX,
          "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":["
          "{\"type\":\"library\",\"purl\":\"pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64"
          "&upstream=openssl&distro=debian-12\"},"
          "{\"type\":\"library\",\"purl\":\"pkg:npm/%40scope/pkg@1.0.0\",\"components\":["
          "{\"purl\":\"pkg:golang/example.com/b@v1.0.0\"}]},"
          "{\"type\":\"library\",\"purl\":\"pkg:maven/org.x/y@1.0\"},{\"type\":\"library\"}]}",
          "DEB-1 NPM-1 GO-1", 3 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dacc_vuln_inventory *inv;
        dacc_error e;
        cr_assert_eq(inv_try(cases[i].k, cases[i].text, &inv, &e), DACC_OK, "case %zu: %s", i,
                     e.message);
        cr_expect_eq(dacc_vuln_inventory_count(inv), cases[i].count, "case %zu: %zu packages", i,
                     dacc_vuln_inventory_count(inv));
        cr_expect_str_eq(ids_for(db, inv), cases[i].want, "case %zu", i);
        dacc_vuln_inventory_free(inv);
    }
    dacc_vuln_db_free(db);
}

Test(inventory, kind_from_file_name)
{
    dacc_vuln_inventory_kind k;
    dacc_error e;
    cr_expect(dacc_vuln_inventory_kind_guess("/var/lib/dpkg/status", &k, &e) == DACC_OK &&
              k == DACC_VULN_INV_DPKG);
    cr_expect(dacc_vuln_inventory_kind_guess("x/requirements-dev.txt", &k, &e) == DACC_OK &&
              k == DACC_VULN_INV_REQUIREMENTS);
    cr_expect(dacc_vuln_inventory_kind_guess("sbom.cdx.json", &k, &e) == DACC_OK &&
              k == DACC_VULN_INV_CYCLONEDX);
    cr_expect_eq(dacc_vuln_inventory_kind_guess("notes.txt", &k, &e), DACC_ERR_NOTFOUND);
}

/* ---- Debian's golang-golang-x-vuln-dev: govulncheck's own test data ---- */

#define GOVULN "/usr/share/gocode/src/golang.org/x/vuln/cmd/govulncheck/testdata"

static char *slurp(const char *path, size_t *len)
{
    char *t = read_text(path, len);
    cr_assert(t, "cannot read %s (package golang-golang-x-vuln-dev, scripts/deps.sh check)", path);
    return t;
}

/* Module-level matching of testdata/modules/vuln/go.mod against
 * testdata/vulndb. The expected list comes from reading that test data
 * (golang-golang-x-vuln-dev 0.0~git20230201.4c848ed-1):
 *   vulndb/golang.org/x/text.json: GO-2020-0015 (fixed 0.3.3) and
 *     GO-2021-0113 (fixed 0.3.7), both affecting golang.org/x/text v0.3.0;
 *   vulndb/github.com/tidwall/gjson.json: GO-2021-0265 and GO-2022-0592
 *     (fixed 1.9.3) affect v1.9.2; GO-2021-0054 (fixed 1.6.6) and
 *     GO-2021-0059 (fixed 1.6.4) do not.
 * testdata/source.ct, govulncheck's expected output for that module, names
 * GO-2021-0113 (called), GO-2022-0592 and GO-2021-0265 (imported, not
 * called); GO-2020-0015 affects the module too, in a package it does not
 * import, which only the module-level view reports. */
Test(govulncheck, module_level_matching_of_its_test_module)
{
    dacc_vuln_db *db = dacc_vuln_db_new();
    dacc_error e;
    cr_assert_eq(dacc_vuln_db_load(db, GOVULN "/vulndb", &e), DACC_OK, "%s", e.message);
    cr_expect_eq(dacc_vuln_db_count(db), 6);
    size_t len;
    char *gomod = slurp(GOVULN "/modules/vuln/go.mod", &len);
    dacc_vuln_inventory *inv = dacc_vuln_inventory_new();
    cr_assert_eq(dacc_vuln_inventory_add(inv, DACC_VULN_INV_GOMOD, "go.mod", gomod, len, NULL, &e),
                 DACC_OK, "%s", e.message);
    cr_expect_eq(dacc_vuln_inventory_count(inv), 4);
    cr_expect_str_eq(ids_for(db, inv), "GO-2021-0265 GO-2022-0592 GO-2020-0015 GO-2021-0113");
    free(gomod);
    /* go.sum lists the same modules at the same versions */
    char *gosum = slurp(GOVULN "/modules/vuln/go.sum", &len);
    dacc_vuln_inventory_free(inv);
    inv = dacc_vuln_inventory_new();
    cr_assert_eq(dacc_vuln_inventory_add(inv, DACC_VULN_INV_GOSUM, "go.sum", gosum, len, NULL, &e),
                 DACC_OK, "%s", e.message);
    cr_expect_str_eq(ids_for(db, inv), "GO-2021-0265 GO-2022-0592 GO-2020-0015 GO-2021-0113");
    free(gosum);
    dacc_vuln_inventory_free(inv);
    dacc_vuln_db_free(db);
}

/* Every OSV record the package ships reads (the client's test database too,
 * with its ID/ directory and index files). */
Test(govulncheck, every_shipped_record_reads)
{
    dacc_vuln_db *db = dacc_vuln_db_new();
    dacc_error e;
    cr_assert_eq(
        dacc_vuln_db_load(db, "/usr/share/gocode/src/golang.org/x/vuln/client/testdata/vulndb", &e),
        DACC_OK, "%s", e.message);
    cr_expect_geq(dacc_vuln_db_count(db), 5);
    cr_expect_str_eq(match_one(db, "Go", "github.com/tidwall/gjson", "v1.6.5"),
                     "GO-2021-0054 GO-2021-0265 GO-2022-0592", "gjson 1.6.5");
    dacc_vuln_db_free(db);
}

Test(osv, reads_a_zip_of_records)
{
    char *dir = make_temp_dir();
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd %s && mkdir r && cp " GOVULN "/vulndb/golang.org/x/text.json r/a.json && "
             "cp " GOVULN "/vulndb/github.com/tidwall/gjson.json r/b.json && "
             "/usr/bin/python3 -c 'import zipfile,sys; z=zipfile.ZipFile(\"all.zip\",\"w\","
             "zipfile.ZIP_DEFLATED); [z.write(\"r/\"+n, n) for n in (\"a.json\",\"b.json\")]' && "
             "printf 'not a zip' > bad.zip",
             dir);
    cr_assert_eq(system(cmd), 0);
    char *zip = path_join(dir, "all.zip"), *bad = path_join(dir, "bad.zip");
    dacc_vuln_db *db = dacc_vuln_db_new();
    dacc_error e;
    cr_assert_eq(dacc_vuln_db_load(db, zip, &e), DACC_OK, "%s", e.message);
    cr_expect_eq(dacc_vuln_db_count(db), 6);
    cr_expect_str_eq(match_one(db, "Go", "golang.org/x/text", "v0.3.5"), "GO-2021-0113");
    cr_expect_neq(dacc_vuln_db_load(db, bad, &e), DACC_OK);
    cr_expect(strstr(e.message, "bad.zip"), "%s", e.message);
    dacc_vuln_db_free(db);
    remove_tree(dir);
    free(dir);
    free(zip);
    free(bad);
}

/* The record reader's JSON: what jansson (as dacc's other readers use it,
 * duplicates refused, no NUL) accepts and refuses, it does too. */
Test(osv, json_syntax_agrees_with_jansson)
{
    static const char *const docs[] = {
        "{\"id\":\"A\",\"modified\":\"x\"}",
        "{\"id\":\"A\",\"modified\":\"x\",\"n\":-0.5e+3,\"t\":[true,false,null,{}]}",
        "{\"id\":\"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"modified\":\"x\"}",
        "{\"id\":\"\xc3\xa9\",\"modified\":\"x\"}",
        " \n{\"id\":\"A\",\"modified\":\"x\"}\r\n ",
        "{\"id\":\"A\",\"modified\":\"x\",\"id\":\"B\"}",
        "{\"id\":\"A\",\"modified\":\"x\",\"d\":{\"k\":1,\"k\":2}}",
        "{\"id\":\"A\\u0000\",\"modified\":\"x\"}",
        "{\"id\":\"\\ud800\",\"modified\":\"x\"}",
        "{\"id\":\"\xc0\xaf\",\"modified\":\"x\"}",
        "{\"id\":\"\xed\xa0\x80\",\"modified\":\"x\"}",
        "{\"id\":\"a\tb\",\"modified\":\"x\"}",
        "{\"id\":\"A\",\"modified\":\"x\",}",
        "{\"id\":\"A\",\"modified\":\"x\"} x",
        "{\"id\":\"A\",\"modified\":\"x\",\"n\":01}",
        "{\"id\":\"A\",\"modified\":\"x\",\"n\":1.}",
        "{\"id\":\"A\",\"modified\":\"x\",\"n\":tru}",
        "{\"id\":\"A\",\"modified\":\"x\",\"s\":\"\\x\"}",
        "{\"id\":\"A\",\"modified\":\"x\"",
        "{\"id\":\"A\",\"modified\":\"x\\",
        "",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        json_error_t je;
        json_t *j = json_loadb(docs[i], strlen(docs[i]), JSON_REJECT_DUPLICATES, &je);
        dacc_error e;
        dacc_status st = db_try(docs[i], &e);
        cr_expect_eq(st == DACC_OK, j != NULL, "doc %zu [%s]: jansson %s, dacc %s", i, docs[i],
                     j ? "accepts" : je.text, st == DACC_OK ? "accepts" : e.message);
        json_decref(j);
    }
}
