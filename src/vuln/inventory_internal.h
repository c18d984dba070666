/* Private to src/vuln: the inventory readers and their staging list. */
#ifndef DACC_VULN_INVENTORY_INTERNAL_H
#define DACC_VULN_INVENTORY_INTERNAL_H

#include "vuln_internal.h"

typedef struct {
    vuln_eco eco;
    char *name, *version, *release, *binary;
    unsigned long line;
} vuln_entry;

typedef struct {
    const char *file;    /* the input's name, for messages */
    const char *release; /* the Debian release packages get when none is given */
    vuln_entry *e;
    size_t n, cap;
} vuln_stage;

void vuln_stage_init(vuln_stage *s, const char *file);
void vuln_stage_free(vuln_stage *s);
/* Adds one entry, checking its version in eco's ordering (the message names
 * file, line and field) and normalizing PyPI names. */
dacc_status vuln_stage_add(vuln_stage *s, vuln_eco eco, const char *name, size_t name_n,
                           const char *version, size_t version_n, const char *release,
                           const char *binary, size_t binary_n, unsigned long line,
                           dacc_error *err);
dacc_status vuln_stage_commit(vuln_stage *s, dacc_vuln_inventory *inv, dacc_error *err);

dacc_status vuln_read_dpkg(vuln_stage *s, const char *data, size_t len, dacc_error *err);
dacc_status vuln_read_gomod(vuln_stage *s, const char *data, size_t len, dacc_error *err);
dacc_status vuln_read_gosum(vuln_stage *s, const char *data, size_t len, dacc_error *err);
dacc_status vuln_read_npm_lock(vuln_stage *s, const char *data, size_t len, dacc_error *err);
dacc_status vuln_read_requirements(vuln_stage *s, const char *data, size_t len, dacc_error *err);
dacc_status vuln_read_cyclonedx(vuln_stage *s, const char *data, size_t len, dacc_error *err);

#endif
