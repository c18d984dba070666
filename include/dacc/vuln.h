/* dacc vuln — matching software inventories against OSV advisories.
 *
 * Four version orderings, each exact to its own specification, carry the
 * matching: Debian's (deb-version(7), as dpkg compares), SemVer 2.0.0 (with
 * Go's "v" prefix and "+incompatible"), PEP 440 (as the `packaging` library
 * orders) and npm's (node-semver's compare). The OSV reader, inventories,
 * matcher and reports follow; docs/vuln.md is the user's page.
 */
#ifndef DACC_VULN_H
#define DACC_VULN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "dacc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Version orderings ---- */

/* Codes are only ever appended. */
typedef enum dacc_vuln_scheme {
    DACC_VULN_SCHEME_DEBIAN = 0, /* deb-version(7), dpkg --compare-versions */
    DACC_VULN_SCHEME_SEMVER = 1, /* SemVer 2.0.0; a leading "v" (Go) is accepted */
    DACC_VULN_SCHEME_PEP440 = 2, /* PEP 440, as packaging.version.Version orders */
    DACC_VULN_SCHEME_NPM = 3     /* node-semver's SemVer.compare (strict parse) */
} dacc_vuln_scheme;

/* Longest version string any scheme accepts, in bytes; longer is DACC_ERR_LIMIT. */
#define DACC_VULN_VERSION_MAX 256

/* The scheme named "debian", "semver", "go", "pypi"/"pep440" or "npm"
 * (case-insensitive), or DACC_ERR_NOTFOUND. */
dacc_status dacc_vuln_scheme_parse(const char *name, dacc_vuln_scheme *out, dacc_error *err);

/* The scheme's canonical name ("debian", "semver", "pep440", "npm"). */
const char *dacc_vuln_scheme_name(dacc_vuln_scheme s);

/* Checks that v is a version of scheme s. Fails with DACC_ERR_PARSE naming
 * what is wrong (dpkg's own wording for Debian: "epoch in version is not
 * number"), DACC_ERR_LIMIT past DACC_VULN_VERSION_MAX bytes.
 *
 * Debian: what dpkg 1.21 refuses with an error is refused, and so is what it
 * only warns about (an upstream part not starting with a digit, characters
 * outside deb-version(7)'s sets), because dpkg then compares a version that
 * Policy forbids. Leading and trailing blanks are trimmed as dpkg does. */
dacc_status dacc_vuln_version_check(dacc_vuln_scheme s, const char *v, dacc_error *err);

/* Compares a and b under scheme s: *cmp is negative, zero or positive as a
 * sorts before, equal to or after b. Both are checked as
 * dacc_vuln_version_check does; on failure *cmp is left alone and the
 * message names the version at fault. */
dacc_status dacc_vuln_compare(dacc_vuln_scheme s, const char *a, const char *b, int *cmp,
                              dacc_error *err);

/* ---- OSV advisories ---- */

/* A set of OSV records (ossf/osv-schema docs/schema.md). Every record is
 * checked against the schema when it is added: id, modified and
 * affected[].package.{ecosystem,name} are strings, ranges[].type is SEMVER,
 * ECOSYSTEM or GIT (GIT with a repo), each event holds exactly one of
 * introduced, fixed, last_affected and limit, a range has an introduced
 * event and not both fixed and last_affected, and range versions parse in
 * their ordering (SEMVER ranges as SemVer, ECOSYSTEM ranges as their
 * ecosystem's: Debian, Go, npm, PyPI; other ecosystems are kept but never
 * match). A record that breaks a rule is refused, the message naming the
 * file, the record's id and the field ("affected[0].ranges[1].events[2]"). */
typedef struct dacc_vuln_db dacc_vuln_db;

/* Caps that keep a hostile feed from exhausting memory. */
#define DACC_VULN_RECORD_MAX   (4u << 20) /* bytes of one record file */
#define DACC_VULN_DB_MAX_BYTES (2u << 30) /* bytes read in all by dacc_vuln_db_load */
#define DACC_VULN_DB_MAX_RECS  (4u << 20) /* records in one set */
#define DACC_VULN_NAME_MAX     512        /* bytes of a package name */

/* An empty set, or NULL when out of memory. */
dacc_vuln_db *dacc_vuln_db_new(void);
/* Releases the set; NULL is a no-op. Results of dacc_vuln_match over it
 * become invalid. */
void dacc_vuln_db_free(dacc_vuln_db *db);

/* Adds the record in data[0..len) (one OSV object, or a JSON array of them
 * as the Go vulnerability database's v0 module files are); name labels
 * messages. On failure nothing of this input is kept. */
dacc_status dacc_vuln_db_add_json(dacc_vuln_db *db, const char *name, const char *data, size_t len,
                                  dacc_error *err);

/* Adds every record under path: a .json file, a .zip of records (as osv.dev
 * publishes an ecosystem's all.zip), or a directory searched recursively
 * for *.json and *.zip files, skipping the Go vulnerability database's
 * index files (index.json, aliases.json). Files are read in name order. */
dacc_status dacc_vuln_db_load(dacc_vuln_db *db, const char *path, dacc_error *err);

/* Records held, withdrawn ones included. */
size_t dacc_vuln_db_count(const dacc_vuln_db *db);

/* What identifies the set a scan used: SHA-256, in hex, of the lines
 * "id TAB modified LF" of every record, sorted by id then modified (the
 * same records give the same digest whatever files held them); and the
 * latest modified time of any record ("" for an empty set; RFC 3339 times
 * in one format order as strings). */
dacc_status dacc_vuln_db_digest(const dacc_vuln_db *db, char hex[65], dacc_error *err);
const char *dacc_vuln_db_last_update(const dacc_vuln_db *db);

/* ---- Inventories ---- */

/* What a machine or a project has installed: (ecosystem, name, version)
 * entries read from the files software leaves behind. */
typedef struct dacc_vuln_inventory dacc_vuln_inventory;

typedef enum dacc_vuln_inventory_kind {
    DACC_VULN_INV_DPKG = 0,         /* /var/lib/dpkg/status */
    DACC_VULN_INV_GOMOD = 1,        /* go.mod: require directives */
    DACC_VULN_INV_GOSUM = 2,        /* go.sum: module hashes (not /go.mod lines) */
    DACC_VULN_INV_NPM_LOCK = 3,     /* package-lock.json, lockfileVersion 2 or 3 */
    DACC_VULN_INV_REQUIREMENTS = 4, /* requirements.txt, every requirement pinned with == */
    DACC_VULN_INV_CYCLONEDX = 5     /* CycloneDX 1.5 JSON, components with purls */
} dacc_vuln_inventory_kind;

dacc_vuln_inventory *dacc_vuln_inventory_new(void);
void dacc_vuln_inventory_free(dacc_vuln_inventory *inv);

/* The kind a file name implies ("status", "go.mod", "go.sum",
 * "package-lock.json", "requirements*.txt", "*.cdx.json", "bom.json");
 * DACC_ERR_NOTFOUND otherwise. Only the last path component is looked at. */
dacc_status dacc_vuln_inventory_kind_guess(const char *path, dacc_vuln_inventory_kind *out,
                                           dacc_error *err);

/* The kind named "dpkg", "gomod", "gosum", "npm", "requirements" or
 * "cyclonedx"; DACC_ERR_NOTFOUND otherwise. */
dacc_status dacc_vuln_inventory_kind_parse(const char *name, dacc_vuln_inventory_kind *out,
                                           dacc_error *err);

/* Reads data[0..len), named name in messages, as a file of kind. Debian
 * packages get release debian_release ("12"; NULL when unknown, in which
 * case only advisories for the whole "Debian" ecosystem apply to them); a
 * CycloneDX purl's distro=debian-N qualifier overrides it. Every version is
 * checked in its ecosystem's ordering; a malformed entry fails the whole
 * input with file:line and field, and nothing of it is kept. dpkg entries
 * are keyed by their Source: package and source version, as Debian's
 * advisories name them, and remember their binary packages. */
dacc_status dacc_vuln_inventory_add(dacc_vuln_inventory *inv, dacc_vuln_inventory_kind kind,
                                    const char *name, const char *data, size_t len,
                                    const char *debian_release, dacc_error *err);

/* Adds one package by hand: ecosystem "Debian", "Debian:12", "Go", "npm"
 * or "PyPI". */
dacc_status dacc_vuln_inventory_add_package(dacc_vuln_inventory *inv, const char *ecosystem,
                                            const char *name, const char *version, dacc_error *err);

/* Distinct packages held. */
size_t dacc_vuln_inventory_count(const dacc_vuln_inventory *inv);

/* ---- Matching ---- */

typedef struct dacc_vuln_result dacc_vuln_result;

/* A severity[] entry of an OSV record: type ("CVSS_V3") and score. */
typedef struct dacc_vuln_severity {
    const char *type, *score;
} dacc_vuln_severity;

/* One advisory that affects one inventory package. Strings belong to the
 * result, db and inventory, valid while all three live. */
typedef struct dacc_vuln_finding {
    const char *id;             /* advisory id */
    const char *const *aliases; /* CVE and other ids, naliases of them */
    size_t naliases;
    const char *summary;   /* may be NULL */
    const char *modified;  /* the record's modified time */
    const char *ecosystem; /* as the advisory's affected[] names it ("Debian:12") */
    const char *package;   /* the name matched (a Debian source package) */
    const char *version;   /* the installed version matched */
    const char *binaries;  /* Debian binary packages, ", "-separated; NULL otherwise */
    const char *origin;    /* the inventory file */
    const char *range;     /* the affected range, "[0, 1.9.3)" or "versions[]" */
    const char *fixed;     /* first fixed version above the installed one; NULL if none */
    const char *reason;    /* why it matched, in words */
    const dacc_vuln_severity *severity; /* the record's severity[], nseverity of them */
    size_t nseverity;
} dacc_vuln_finding;

/* Every (advisory, package) pair where the package's version is affected
 * by the schema's evaluation (IsVulnerable: versions[] or a range whose
 * events, sorted, leave it affected, within its limits), withdrawn records
 * left out, Debian release-scoped ecosystems ("Debian:12") only against
 * packages of that release. Findings are ordered by package (inventory
 * order) then advisory id. The caller frees *out. */
dacc_status dacc_vuln_match(const dacc_vuln_db *db, const dacc_vuln_inventory *inv,
                            dacc_vuln_result **out, dacc_error *err);
void dacc_vuln_result_free(dacc_vuln_result *r);
size_t dacc_vuln_result_count(const dacc_vuln_result *r);
/* The i-th finding, i < dacc_vuln_result_count(r). */
const dacc_vuln_finding *dacc_vuln_result_get(const dacc_vuln_result *r, size_t i);

/* ---- Reports (docs/vuln.md shows each) ---- */

/* The findings as a JSON array of objects (id, aliases, summary, modified,
 * ecosystem, package, version, binaries, origin, range, fixed, reason,
 * severity), or NULL when out of memory. The caller owns the value. */
json_t *dacc_vuln_result_json(const dacc_vuln_result *r);

/* SARIF 2.1.0: one run whose rules are the advisories and whose results
 * are the findings, located at their inventory files; NULL when out of
 * memory. tool_version may be NULL. */
json_t *dacc_vuln_result_sarif(const dacc_vuln_result *r, const char *tool_version);

/* An in-toto Statement v1 whose predicate is a vulns v0.2 report
 * (in-toto/attestation spec/predicates/vulns_02.md). */
typedef struct dacc_vuln_subject {
    const char *name;   /* the inventory file as given */
    const char *sha256; /* its digest, 64 lower-case hex digits */
} dacc_vuln_subject;

typedef struct dacc_vuln_statement_info {
    const char *scanner_uri, *scanner_version; /* version may be NULL */
    const char *db_uri;                        /* where the advisories came from */
    const char *started, *finished;            /* RFC 3339 UTC times */
    const dacc_vuln_subject *subjects;
    size_t nsubjects;
} dacc_vuln_statement_info;

/* The in-toto payload type of a DSSE envelope holding a Statement. */
#define DACC_VULN_INTOTO_TYPE    "application/vnd.in-toto+json"
#define DACC_VULN_PREDICATE_TYPE "https://in-toto.io/attestation/vulns/v0.2"

/* The statement: scanner.db.version is dacc_vuln_db_digest, db.lastUpdate
 * dacc_vuln_db_last_update, and each result an advisory id with its
 * severity[] (method, score) and annotations naming the package, version,
 * range, fixed version and reason. DACC_ERR_INVALID for a subject without
 * a 64-hex-digit digest; the caller owns *out. */
dacc_status dacc_vuln_statement(const dacc_vuln_result *r, const dacc_vuln_db *db,
                                const dacc_vuln_statement_info *info, json_t **out,
                                dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
