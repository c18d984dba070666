/* The public face of the version orderings: scheme names, checks that say
 * which version is wrong, and the comparison dispatch. */
#include <string.h>
#include <strings.h>

#include "version_internal.h"

static const char *const scheme_names[] = { "debian", "semver", "pep440", "npm" };

const char *dacc_vuln_scheme_name(dacc_vuln_scheme s)
{
    return (unsigned)s < 4 ? scheme_names[s] : "unknown";
}

dacc_status dacc_vuln_scheme_parse(const char *name, dacc_vuln_scheme *out, dacc_error *err)
{
    static const struct {
        const char *name;
        dacc_vuln_scheme s;
    } names[] = {
        { "debian", DACC_VULN_SCHEME_DEBIAN }, { "dpkg", DACC_VULN_SCHEME_DEBIAN },
        { "semver", DACC_VULN_SCHEME_SEMVER }, { "go", DACC_VULN_SCHEME_SEMVER },
        { "pep440", DACC_VULN_SCHEME_PEP440 }, { "pypi", DACC_VULN_SCHEME_PEP440 },
        { "npm", DACC_VULN_SCHEME_NPM },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0) {
            *out = names[i].s;
            return DACC_OK;
        }
    return dacc_error_set(err, DACC_ERR_NOTFOUND,
                          "unknown version scheme \"%s\" (debian, semver, go, pep440, pypi, npm)",
                          name);
}

dacc_status dacc_vuln_version_check(dacc_vuln_scheme s, const char *v, dacc_error *err)
{
    dacc_status st;
    switch (s) {
    case DACC_VULN_SCHEME_DEBIAN:
        st = vuln_deb_check(v, err);
        break;
    case DACC_VULN_SCHEME_SEMVER:
        st = vuln_semver_check(v, err);
        break;
    case DACC_VULN_SCHEME_PEP440:
        st = vuln_pep440_check(v, err);
        break;
    case DACC_VULN_SCHEME_NPM:
        st = vuln_npm_check(v, err);
        break;
    default:
        return dacc_error_set(err, DACC_ERR_INVALID, "unknown version scheme %d", (int)s);
    }
    if (st != DACC_OK)
        dacc_error_prefix(err, "%s version \"%.*s\": ", dacc_vuln_scheme_name(s),
                          DACC_VULN_VERSION_MAX, v);
    return st;
}

dacc_status dacc_vuln_compare(dacc_vuln_scheme s, const char *a, const char *b, int *cmp,
                              dacc_error *err)
{
    dacc_status st = dacc_vuln_version_check(s, a, err);
    if (st == DACC_OK)
        st = dacc_vuln_version_check(s, b, err);
    if (st != DACC_OK)
        return st;
    switch (s) {
    case DACC_VULN_SCHEME_DEBIAN:
        *cmp = vuln_deb_cmp(a, b);
        break;
    case DACC_VULN_SCHEME_SEMVER:
        *cmp = vuln_semver_cmp(a, b);
        break;
    case DACC_VULN_SCHEME_PEP440:
        *cmp = vuln_pep440_cmp(a, b);
        break;
    default:
        *cmp = vuln_npm_cmp(a, b);
        break;
    }
    return DACC_OK;
}
