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

#ifdef __cplusplus
}
#endif

#endif
