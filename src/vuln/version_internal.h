/* Private to src/vuln: the version orderings without the public checks. */
#ifndef DACC_VULN_VERSION_INTERNAL_H
#define DACC_VULN_VERSION_INTERNAL_H

#include <stddef.h>

#include "dacc/vuln.h"

/* A run of decimal digits without its leading zeros ("" stands for 0). */
typedef struct {
    const char *p;
    size_t n;
} vuln_num;

/* Orders two digit runs by value, whatever their length. */
int vuln_num_cmp(vuln_num a, vuln_num b);
/* Strips leading zeros from the n digits at p. */
vuln_num vuln_num_of(const char *p, size_t n);

/* Each parser fills err (naming what is wrong, not which input: the caller
 * prefixes that) and returns DACC_ERR_PARSE or DACC_ERR_LIMIT; each
 * comparator expects versions its parser accepted. */
dacc_status vuln_deb_check(const char *v, dacc_error *err);
int vuln_deb_cmp(const char *a, const char *b);
dacc_status vuln_semver_check(const char *v, dacc_error *err);
int vuln_semver_cmp(const char *a, const char *b);
dacc_status vuln_npm_check(const char *v, dacc_error *err);
int vuln_npm_cmp(const char *a, const char *b);
dacc_status vuln_pep440_check(const char *v, dacc_error *err);
int vuln_pep440_cmp(const char *a, const char *b);

#endif
