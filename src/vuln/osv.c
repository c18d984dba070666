/* The OSV reader: one record, checked against the schema, into the set's
 * arena. A record that breaks a rule is refused whole, with its id and the
 * field at fault named. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version_internal.h"
#include "vjson.h"
#include "vuln_internal.h"

#define STR_(x)                #x
#define STR(x)                 STR_(x)
#define DACC_VULN_NAME_MAX_STR STR(DACC_VULN_NAME_MAX)

/* Field paths ("affected[0].ranges[1].events[2]") are cut at this length. */
#define OSV_PATH_MAX 128

/* out = path + suffix + "[i]" (no index when i is SIZE_MAX), cut to fit;
 * out may be path. */
static void join(char *out, const char *path, const char *suffix, size_t i)
{
    char tmp[OSV_PATH_MAX];
    size_t n = 0;
    for (const char *s = path; *s && n + 1 < sizeof tmp; s++)
        tmp[n++] = *s;
    for (const char *s = suffix; *s && n + 1 < sizeof tmp; s++)
        tmp[n++] = *s;
    if (i != SIZE_MAX) {
        char idx[24];
        int k = (int)sizeof idx;
        idx[--k] = ']';
        do
            idx[--k] = (char)('0' + i % 10);
        while ((i /= 10) != 0);
        idx[--k] = '[';
        for (int j = k; j < (int)sizeof idx && n + 1 < sizeof tmp; j++)
            tmp[n++] = idx[j];
    }
    tmp[n] = '\0';
    memcpy(out, tmp, n + 1);
}

typedef struct {
    dacc_arena *a;
    const char *file, *id;
    dacc_error *err;
} osv_ctx;

static dacc_status field_err(osv_ctx *c, const char *field, const char *fmt, const char *detail)
{
    char msg[DACC_ERROR_MSG_MAX];
    snprintf(msg, sizeof msg, fmt, detail);
    return dacc_error_field(c->err, DACC_ERR_PARSE, c->file, 0, "field", field, "%s%s%s%s", msg,
                            c->id ? " (record " : "", c->id ? c->id : "", c->id ? ")" : "");
}

static dacc_status nomem(osv_ctx *c)
{
    return dacc_error_set(c->err, DACC_ERR_NOMEM, "%s: out of memory reading OSV records", c->file);
}

/* The string at key of obj into the arena; missing is *out = NULL unless
 * required. */
static dacc_status get_str(osv_ctx *c, const vj_t *obj, const char *key, const char *path,
                           int required, const char **out)
{
    vj_t *v = vj_object_get(obj, key);
    *out = NULL;
    if (v == NULL || vj_is_null(v)) {
        if (required)
            return field_err(c, path, "%s", "is required");
        return DACC_OK;
    }
    if (!vj_is_string(v))
        return field_err(c, path, "%s", "must be a string");
    *out = dacc_arena_strndup(c->a, vj_string_value(v), vj_string_length(v));
    return *out ? DACC_OK : nomem(c);
}

/* An array of strings (missing: none). */
static dacc_status get_strs(osv_ctx *c, const vj_t *obj, const char *key, const char *path,
                            const char ***out, size_t *n)
{
    vj_t *v = vj_object_get(obj, key);
    *out = NULL;
    *n = 0;
    if (v == NULL || vj_is_null(v))
        return DACC_OK;
    if (!vj_is_array(v))
        return field_err(c, path, "%s", "must be an array of strings");
    size_t k = vj_array_size(v);
    const char **s = dacc_arena_calloc(c->a, k ? k : 1, sizeof *s);
    if (!s)
        return nomem(c);
    for (size_t i = 0; i < k; i++) {
        vj_t *e = vj_array_get(v, i);
        if (!vj_is_string(e)) {
            char p[OSV_PATH_MAX];
            join(p, path, "", i);
            return field_err(c, p, "%s", "must be a string");
        }
        if (!(s[i] = dacc_arena_strndup(c->a, vj_string_value(e), vj_string_length(e))))
            return nomem(c);
    }
    *out = s;
    *n = k;
    return DACC_OK;
}

static dacc_status parse_event(osv_ctx *c, const vj_t *e, const char *path, vuln_event *out)
{
    static const char *const keys[] = { "introduced", "fixed", "last_affected", "limit" };
    if (!vj_is_object(e))
        return field_err(c, path, "%s", "must be an object");
    int found = 0;
    for (int k = 0; k < 4; k++) {
        vj_t *v = vj_object_get(e, keys[k]);
        if (!v)
            continue;
        if (found++)
            return field_err(c, path, "%s",
                             "holds more than one of introduced, fixed, "
                             "last_affected and limit");
        if (!vj_is_string(v) || vj_string_length(v) == 0)
            return field_err(c, path, "%s must be a non-empty string", keys[k]);
        out->kind = (vuln_event_kind)k;
        out->version = dacc_arena_strndup(c->a, vj_string_value(v), vj_string_length(v));
        if (!out->version)
            return nomem(c);
    }
    if (!found)
        return field_err(c, path, "%s", "needs one of introduced, fixed, last_affected or limit");
    return DACC_OK;
}

/* Checks an event's version in the range's ordering. */
static dacc_status check_event_version(osv_ctx *c, const char *path, vuln_range_type t,
                                       vuln_eco eco, const vuln_event *e)
{
    if (t == RANGE_GIT || (t == RANGE_ECOSYSTEM && eco == ECO_OTHER))
        return DACC_OK;
    if (e->kind == EV_INTRODUCED && strcmp(e->version, "0") == 0)
        return DACC_OK;
    dacc_vuln_scheme s = t == RANGE_SEMVER ? DACC_VULN_SCHEME_SEMVER : vuln_eco_scheme(eco);
    dacc_error ve;
    if (dacc_vuln_version_check(s, e->version, &ve) == DACC_OK)
        return DACC_OK;
    return field_err(c, path, "%s", ve.message);
}

typedef struct {
    vuln_event ev;
    dacc_vuln_scheme s;
    size_t order;
} sort_item;

static int is_zero(const vuln_event *e)
{
    return e->kind == EV_INTRODUCED && strcmp(e->version, "0") == 0;
}

/* sorted(range.events) of the Evaluation section: by version, "0" first;
 * equal versions keep the record's order. */
static int event_cmp(const void *pa, const void *pb)
{
    const sort_item *a = pa, *b = pb;
    int za = is_zero(&a->ev), zb = is_zero(&b->ev), c;
    if (za || zb)
        c = zb - za;
    else
        c = vuln_cmp(a->s, a->ev.version, b->ev.version);
    if (c)
        return c;
    return a->order < b->order ? -1 : a->order > b->order;
}

static dacc_status sort_events(osv_ctx *c, vuln_range *r, vuln_eco eco)
{
    if (r->type == RANGE_GIT || (r->type == RANGE_ECOSYSTEM && eco == ECO_OTHER))
        return DACC_OK; /* no ordering: never evaluated */
    sort_item *items = malloc(r->nev * sizeof *items);
    if (!items)
        return nomem(c);
    dacc_vuln_scheme s = r->type == RANGE_SEMVER ? DACC_VULN_SCHEME_SEMVER : vuln_eco_scheme(eco);
    for (size_t i = 0; i < r->nev; i++)
        items[i] = (sort_item){ r->ev[i], s, i };
    qsort(items, r->nev, sizeof *items, event_cmp);
    for (size_t i = 0; i < r->nev; i++)
        r->ev[i] = items[i].ev;
    free(items);
    return DACC_OK;
}

static dacc_status parse_range(osv_ctx *c, const vj_t *j, const char *path, vuln_eco eco,
                               vuln_range *r)
{
    char p[OSV_PATH_MAX];
    if (!vj_is_object(j))
        return field_err(c, path, "%s", "must be an object");
    const char *type;
    join(p, path, ".type", SIZE_MAX);
    dacc_status st = get_str(c, j, "type", p, 1, &type);
    if (st != DACC_OK)
        return st;
    if (strcmp(type, "SEMVER") == 0)
        r->type = RANGE_SEMVER;
    else if (strcmp(type, "ECOSYSTEM") == 0)
        r->type = RANGE_ECOSYSTEM;
    else if (strcmp(type, "GIT") == 0)
        r->type = RANGE_GIT;
    else
        return field_err(c, p, "must be SEMVER, ECOSYSTEM or GIT, not \"%s\"", type);
    join(p, path, ".repo", SIZE_MAX);
    if ((st = get_str(c, j, "repo", p, r->type == RANGE_GIT, &r->repo)) != DACC_OK)
        return st;
    vj_t *evs = vj_object_get(j, "events");
    join(p, path, ".events", SIZE_MAX);
    if (!vj_is_array(evs) || vj_array_size(evs) == 0)
        return field_err(c, p, "%s", "must be a non-empty array");
    r->nev = vj_array_size(evs);
    if (!(r->ev = dacc_arena_calloc(c->a, r->nev, sizeof *r->ev)))
        return nomem(c);
    int seen[4] = { 0 };
    for (size_t i = 0; i < r->nev; i++) {
        join(p, path, ".events", i);
        if ((st = parse_event(c, vj_array_get(evs, i), p, &r->ev[i])) != DACC_OK ||
            (st = check_event_version(c, p, r->type, eco, &r->ev[i])) != DACC_OK)
            return st;
        seen[r->ev[i].kind] = 1;
    }
    join(p, path, ".events", SIZE_MAX);
    if (!seen[EV_INTRODUCED])
        return field_err(c, p, "%s", "has no introduced event");
    if (seen[EV_FIXED] && seen[EV_LAST_AFFECTED])
        return field_err(c, p, "%s", "holds both fixed and last_affected events");
    return sort_events(c, r, eco);
}

static dacc_status parse_package(osv_ctx *c, const vj_t *j, const char *path, vuln_affected *a)
{
    char p[OSV_PATH_MAX];
    vj_t *pkg = vj_object_get(j, "package");
    join(p, path, ".package", SIZE_MAX);
    a->eco = ECO_OTHER;
    if (pkg == NULL || vj_is_null(pkg))
        return DACC_OK; /* allowed: a GIT-only entry names no package */
    if (!vj_is_object(pkg))
        return field_err(c, p, "%s", "must be an object");
    dacc_status st;
    join(p, path, ".package.ecosystem", SIZE_MAX);
    if ((st = get_str(c, pkg, "ecosystem", p, 1, &a->ecosystem)) != DACC_OK)
        return st;
    join(p, path, ".package.name", SIZE_MAX);
    if ((st = get_str(c, pkg, "name", p, 1, &a->name)) != DACC_OK)
        return st;
    if (strlen(a->name) > DACC_VULN_NAME_MAX)
        return field_err(c, p, "is longer than %s bytes", DACC_VULN_NAME_MAX_STR);
    join(p, path, ".package.purl", SIZE_MAX);
    if ((st = get_str(c, pkg, "purl", p, 0, &a->purl)) != DACC_OK)
        return st;
    a->eco = vuln_eco_parse(a->ecosystem, c->a, &a->release);
    if (a->eco == ECO_PYPI && !(a->name = vuln_pypi_normalize(c->a, a->name, strlen(a->name))))
        return nomem(c);
    return DACC_OK;
}

static dacc_status parse_affected(osv_ctx *c, const vj_t *j, const char *path, vuln_affected *a)
{
    char p[OSV_PATH_MAX];
    if (!vj_is_object(j))
        return field_err(c, path, "%s", "must be an object");
    dacc_status st = parse_package(c, j, path, a);
    if (st != DACC_OK)
        return st;
    join(p, path, ".versions", SIZE_MAX);
    if ((st = get_strs(c, j, "versions", p, &a->versions, &a->nversions)) != DACC_OK)
        return st;
    vj_t *rs = vj_object_get(j, "ranges");
    join(p, path, ".ranges", SIZE_MAX);
    if (rs == NULL || vj_is_null(rs))
        return DACC_OK;
    if (!vj_is_array(rs))
        return field_err(c, p, "%s", "must be an array");
    a->nranges = vj_array_size(rs);
    if (!(a->ranges = dacc_arena_calloc(c->a, a->nranges ? a->nranges : 1, sizeof *a->ranges)))
        return nomem(c);
    for (size_t i = 0; i < a->nranges; i++) {
        join(p, path, ".ranges", i);
        if ((st = parse_range(c, vj_array_get(rs, i), p, a->eco, &a->ranges[i])) != DACC_OK)
            return st;
    }
    return DACC_OK;
}

/* severity[]: objects with string type and score. */
static dacc_status parse_severity(osv_ctx *c, const vj_t *j, vuln_record *rec)
{
    vj_t *v = vj_object_get(j, "severity");
    if (v == NULL || vj_is_null(v))
        return DACC_OK;
    if (!vj_is_array(v))
        return field_err(c, "severity", "%s", "must be an array");
    rec->nseverity = vj_array_size(v);
    rec->severity =
        dacc_arena_calloc(c->a, rec->nseverity ? rec->nseverity : 1, sizeof *rec->severity);
    if (!rec->severity)
        return nomem(c);
    for (size_t i = 0; i < rec->nseverity; i++) {
        char p[OSV_PATH_MAX];
        vj_t *e = vj_array_get(v, i);
        join(p, "severity", "", i);
        if (!vj_is_object(e))
            return field_err(c, p, "%s", "must be an object");
        char q[OSV_PATH_MAX];
        dacc_status st;
        join(q, p, ".type", SIZE_MAX);
        if ((st = get_str(c, e, "type", q, 1, &rec->severity[i].type)) != DACC_OK)
            return st;
        join(q, p, ".score", SIZE_MAX);
        if ((st = get_str(c, e, "score", q, 1, &rec->severity[i].score)) != DACC_OK)
            return st;
    }
    return DACC_OK;
}

/* Reads one record object into rec (strings in c->a). */
dacc_status vuln_osv_parse(dacc_arena *arena, const char *file, const vj_t *j, vuln_record *rec,
                           dacc_error *err);
dacc_status vuln_osv_parse(dacc_arena *arena, const char *file, const vj_t *j, vuln_record *rec,
                           dacc_error *err)
{
    osv_ctx c = { arena, file, NULL, err };
    memset(rec, 0, sizeof *rec);
    if (!vj_is_object(j))
        return dacc_error_set(err, DACC_ERR_PARSE, "%s: an OSV record must be a JSON object", file);
    dacc_status st;
    if ((st = get_str(&c, j, "id", "id", 1, &rec->id)) != DACC_OK)
        return st;
    c.id = rec->id;
    if ((st = get_str(&c, j, "modified", "modified", 1, &rec->modified)) != DACC_OK ||
        (st = get_str(&c, j, "published", "published", 0, &rec->published)) != DACC_OK ||
        (st = get_str(&c, j, "withdrawn", "withdrawn", 0, &rec->withdrawn)) != DACC_OK ||
        (st = get_str(&c, j, "summary", "summary", 0, &rec->summary)) != DACC_OK ||
        (st = get_strs(&c, j, "aliases", "aliases", &rec->aliases, &rec->naliases)) != DACC_OK)
        return st;
    if ((st = parse_severity(&c, j, rec)) != DACC_OK)
        return st;
    static const char *const objects[] = { "database_specific", "ecosystem_specific" };
    for (size_t i = 0; i < 2; i++) {
        vj_t *v = vj_object_get(j, objects[i]);
        if (v && !vj_is_object(v) && !vj_is_null(v))
            return field_err(&c, objects[i], "%s", "must be an object");
    }
    vj_t *affs = vj_object_get(j, "affected");
    if (affs == NULL || vj_is_null(affs))
        return DACC_OK;
    if (!vj_is_array(affs))
        return field_err(&c, "affected", "%s", "must be an array");
    rec->naff = vj_array_size(affs);
    if (!(rec->aff = dacc_arena_calloc(arena, rec->naff ? rec->naff : 1, sizeof *rec->aff)))
        return nomem(&c);
    for (size_t i = 0; i < rec->naff; i++) {
        char p[OSV_PATH_MAX];
        join(p, "affected", "", i);
        vj_t *a = vj_array_get(affs, i);
        if ((st = parse_affected(&c, a, p, &rec->aff[i])) != DACC_OK)
            return st;
        vj_t *ds = vj_is_object(a) ? vj_object_get(a, "database_specific") : NULL;
        if (ds && !vj_is_object(ds) && !vj_is_null(ds)) {
            join(p, "affected", "", i);
            join(p, p, ".database_specific", SIZE_MAX);
            return field_err(&c, p, "%s", "must be an object");
        }
    }
    return DACC_OK;
}
