/* Private to src/vuln: the records, inventory entries and findings behind
 * the opaque types of dacc/vuln.h. */
#ifndef DACC_VULN_INTERNAL_H
#define DACC_VULN_INTERNAL_H

#include <stdint.h>

#include "dacc/intern.h"
#include "dacc/mem.h"
#include "dacc/vuln.h"

/* The ecosystems whose versions can be ordered; others are kept, unmatched. */
typedef enum { ECO_DEBIAN, ECO_GO, ECO_NPM, ECO_PYPI, ECO_OTHER } vuln_eco;

typedef enum { EV_INTRODUCED, EV_FIXED, EV_LAST_AFFECTED, EV_LIMIT } vuln_event_kind;
typedef enum { RANGE_SEMVER, RANGE_ECOSYSTEM, RANGE_GIT } vuln_range_type;

typedef struct {
    vuln_event_kind kind;
    const char *version; /* "0" for introduced: every version */
} vuln_event;

typedef struct {
    vuln_range_type type;
    const char *repo; /* GIT only */
    vuln_event *ev;   /* sorted by version (introduced "0" first) */
    size_t nev;
} vuln_range;

typedef struct {
    const char *ecosystem; /* as written: "Debian:12" */
    const char *release;   /* the part after ':' for Debian, or NULL */
    vuln_eco eco;
    const char *name; /* PyPI names normalized (PEP 503) */
    const char *purl;
    vuln_range *ranges;
    size_t nranges;
    const char **versions;
    size_t nversions;
} vuln_affected;

typedef struct {
    const char *id, *modified, *published, *withdrawn, *summary, *source;
    const char **aliases;
    size_t naliases;
    dacc_vuln_severity *severity;
    size_t nseverity;
    vuln_affected *aff;
    size_t naff;
} vuln_record;

/* The key under which advisories and packages meet. */
typedef struct {
    uint32_t rec, aff;
    uint32_t next; /* the next ref of the same key, UINT32_MAX at the end */
} vuln_ref;

struct dacc_vuln_db {
    dacc_arena *arena;   /* the records' strings and arrays */
    dacc_arena *scratch; /* one input's JSON tree */
    vuln_record *recs;
    size_t n, cap;
    size_t bytes_read; /* dacc_vuln_db_load's running total */
    /* The index, kept as records are added: key "eco byte, name" k has
     * the list refs[head[k]], refs[that.next], ... */
    dacc_intern *keys;
    uint32_t *head, *tail;
    size_t keys_cap;
    vuln_ref *refs;
    size_t nrefs, refs_cap;
};

typedef struct {
    vuln_eco eco;
    const char *name, *version, *release, *binaries, *origin;
} vuln_pkg;

struct dacc_vuln_inventory {
    dacc_arena *arena;
    dacc_intern *seen; /* "eco\0name\0version\0release" -> entry */
    vuln_pkg *pkgs;
    char **bins; /* growing binary lists of dpkg entries, malloc'd */
    size_t n, cap;
};

/* The ordering of an ecosystem; ECO_OTHER has none. */
dacc_vuln_scheme vuln_eco_scheme(vuln_eco e);
/* The ecosystem an OSV ecosystem string names ("Debian:12" is ECO_DEBIAN
 * with release "12", put in *release, arena-copied; NULL if none). */
vuln_eco vuln_eco_parse(const char *s, dacc_arena *a, const char **release);
const char *vuln_eco_name(vuln_eco e);
/* PEP 503 normalization of a PyPI name into the arena, or NULL. */
char *vuln_pypi_normalize(dacc_arena *a, const char *name, size_t len);
/* Versions compare under s; both were checked when they were read. */
int vuln_cmp(dacc_vuln_scheme s, const char *a, const char *b);

#endif
