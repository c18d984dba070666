/* The matcher: the schema's Evaluation section (IsVulnerable) for every
 * inventory package against the advisories naming it, with Debian's
 * release-scoped ecosystems held to their release. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/fmt.h"

#include "vuln_internal.h"

const vuln_ref *vuln_db_lookup(const dacc_vuln_db *db, vuln_eco eco, const char *name);

struct dacc_vuln_result {
    dacc_arena *arena;
    dacc_vuln_finding *f;
    size_t n, cap;
};

/* Why a range holds a version: the event that opened it and the one that
 * closes it (NULL: open-ended). */
typedef struct {
    const vuln_range *range;
    const vuln_event *intro, *close;
    int listed; /* matched through versions[] */
} vuln_hit;

static int before_limits(dacc_vuln_scheme s, const char *v, const vuln_range *r)
{
    int any = 0;
    for (size_t i = 0; i < r->nev; i++) {
        if (r->ev[i].kind != EV_LIMIT)
            continue;
        any = 1;
        if (vuln_cmp(s, v, r->ev[i].version) < 0)
            return 1;
    }
    return !any;
}

static int at_least(dacc_vuln_scheme s, const char *v, const vuln_event *e)
{
    if (e->kind == EV_INTRODUCED && strcmp(e->version, "0") == 0)
        return 1;
    return vuln_cmp(s, v, e->version) >= 0;
}

/* IncludedInRanges for one range whose events are sorted. */
static int in_range(dacc_vuln_scheme s, const char *v, const vuln_range *r, vuln_hit *hit)
{
    if (!before_limits(s, v, r))
        return 0;
    int vulnerable = 0;
    const vuln_event *intro = NULL;
    for (size_t i = 0; i < r->nev; i++) {
        const vuln_event *e = &r->ev[i];
        if (e->kind == EV_INTRODUCED && at_least(s, v, e)) {
            vulnerable = 1;
            intro = e;
        } else if (e->kind == EV_FIXED && at_least(s, v, e)) {
            vulnerable = 0;
        } else if (e->kind == EV_LAST_AFFECTED && vuln_cmp(s, v, e->version) > 0) {
            vulnerable = 0;
        }
    }
    if (!vulnerable)
        return 0;
    hit->listed = 0;
    hit->range = r;
    hit->intro = intro;
    hit->close = NULL;
    for (const vuln_event *e = intro + 1; e < r->ev + r->nev; e++)
        if (e->kind == EV_FIXED || e->kind == EV_LAST_AFFECTED) {
            hit->close = e;
            break;
        }
    return 1;
}

static int release_applies(const vuln_affected *a, const vuln_pkg *p)
{
    if (a->eco != ECO_DEBIAN || a->release == NULL)
        return 1;
    if (p->release == NULL)
        return 0;
    size_t n = strcspn(p->release, "."); /* a machine on 12.5 runs Debian 12 */
    return strlen(a->release) == n && strncmp(a->release, p->release, n) == 0;
}

static int is_vulnerable(const vuln_affected *a, const vuln_pkg *p, vuln_hit *hit)
{
    dacc_vuln_scheme eco_s = vuln_eco_scheme(a->eco);
    for (size_t i = 0; i < a->nversions; i++)
        if (vuln_cmp(eco_s, p->version, a->versions[i]) == 0) {
            *hit = (vuln_hit){ .listed = 1 };
            return 1;
        }
    for (size_t i = 0; i < a->nranges; i++) {
        const vuln_range *r = &a->ranges[i];
        if (r->type == RANGE_GIT)
            continue; /* commits, not versions: nothing to compare with */
        dacc_vuln_scheme s = r->type == RANGE_SEMVER ? DACC_VULN_SCHEME_SEMVER : eco_s;
        if (in_range(s, p->version, r, hit))
            return 1;
    }
    return 0;
}

static const char *range_type_name(vuln_range_type t)
{
    return t == RANGE_SEMVER ? "SEMVER" : t == RANGE_ECOSYSTEM ? "ECOSYSTEM" : "GIT";
}

static char *afmt(dacc_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *afmt(dacc_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? dacc_arena_alloc(a, (size_t)n + 1) : NULL;
    if (s) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return s;
}

static dacc_status add_finding(dacc_vuln_result *res, const vuln_record *rec,
                               const vuln_affected *a, const vuln_pkg *p, const vuln_hit *h,
                               dacc_error *err)
{
    if (res->n == res->cap) {
        size_t cap = res->cap ? 2 * res->cap : 16;
        dacc_vuln_finding *f = realloc(res->f, cap * sizeof *f);
        if (!f)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        res->f = f;
        res->cap = cap;
    }
    dacc_vuln_finding *f = &res->f[res->n];
    *f = (dacc_vuln_finding){
        .id = rec->id,
        .aliases = rec->aliases,
        .naliases = rec->naliases,
        .summary = rec->summary,
        .modified = rec->modified,
        .ecosystem = a->ecosystem,
        .package = p->name,
        .version = p->version,
        .binaries = p->binaries,
        .origin = p->origin,
    };
    const char *scheme = dacc_vuln_scheme_name(h->listed || h->range->type == RANGE_ECOSYSTEM
                                                   ? vuln_eco_scheme(a->eco)
                                                   : DACC_VULN_SCHEME_SEMVER);
    const char *scope = "";
    if (a->eco == ECO_DEBIAN)
        scope = a->release ? afmt(res->arena, " on Debian %s", a->release)
                           : " (advisory for every Debian release)";
    if (!scope)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (h->listed) {
        f->range = "versions[]";
        f->reason = afmt(res->arena, "%s %s is listed in the advisory's versions[]%s", p->name,
                         p->version, scope);
    } else {
        const char *intro = h->intro->version, *cv = h->close ? h->close->version : NULL;
        int last = h->close && h->close->kind == EV_LAST_AFFECTED;
        f->fixed = h->close && !last ? cv : NULL;
        f->range = afmt(res->arena, "%s [%s, %s%s", range_type_name(h->range->type), intro,
                        cv ? cv : "*", last ? "]" : ")");
        f->reason =
            afmt(res->arena, "%s %s >= introduced %s%s%s%s in the %s ordering%s", p->name,
                 p->version, intro, cv ? (last ? " and <= last_affected " : " and < fixed ") : "",
                 cv ? cv : "", cv ? "" : ", no fix after it", scheme, scope);
    }
    if (!f->range || !f->reason)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    res->n++;
    return DACC_OK;
}

static int finding_cmp(const void *pa, const void *pb)
{
    const dacc_vuln_finding *a = pa, *b = pb;
    return dacc_fmt_natcmp(a->id, b->id);
}

dacc_status dacc_vuln_match(const dacc_vuln_db *db, const dacc_vuln_inventory *inv,
                            dacc_vuln_result **out, dacc_error *err)
{
    dacc_vuln_result *res = calloc(1, sizeof *res);
    if (!res || !(res->arena = dacc_arena_new(0))) {
        free(res);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    dacc_status st = DACC_OK;
    for (size_t i = 0; i < inv->n && st == DACC_OK; i++) {
        const vuln_pkg *p = &inv->pkgs[i];
        size_t first = res->n;
        for (const vuln_ref *r = vuln_db_lookup(db, p->eco, p->name); r && st == DACC_OK;
             r = r->next == UINT32_MAX ? NULL : &db->refs[r->next]) {
            const vuln_record *rec = &db->recs[r->rec];
            const vuln_affected *a = &rec->aff[r->aff];
            vuln_hit h;
            if (rec->withdrawn || !release_applies(a, p) || !is_vulnerable(a, p, &h))
                continue;
            /* One finding per advisory and package, from its first entry that holds. */
            int dup = 0;
            for (size_t k = first; k < res->n && !dup; k++)
                dup = res->f[k].id == rec->id;
            if (!dup)
                st = add_finding(res, rec, a, p, &h, err);
        }
        if (st == DACC_OK && res->n - first > 1)
            qsort(res->f + first, res->n - first, sizeof *res->f, finding_cmp);
    }
    if (st != DACC_OK) {
        dacc_vuln_result_free(res);
        return st;
    }
    *out = res;
    return DACC_OK;
}

void dacc_vuln_result_free(dacc_vuln_result *r)
{
    if (!r)
        return;
    dacc_arena_free(r->arena);
    free(r->f);
    free(r);
}

size_t dacc_vuln_result_count(const dacc_vuln_result *r)
{
    return r->n;
}

const dacc_vuln_finding *dacc_vuln_result_get(const dacc_vuln_result *r, size_t i)
{
    return i < r->n ? &r->f[i] : NULL;
}
