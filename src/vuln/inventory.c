/* Inventories: the staging of entries a reader finds, and their commit
 * into the set of distinct packages. A reader fills a staging list; only a
 * reader that succeeds commits, so a failed input leaves nothing behind. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inventory_internal.h"

dacc_vuln_inventory *dacc_vuln_inventory_new(void)
{
    dacc_vuln_inventory *inv = calloc(1, sizeof *inv);
    if (inv && (!(inv->arena = dacc_arena_new(0)) || !(inv->seen = dacc_intern_new(0)))) {
        dacc_arena_free(inv->arena);
        free(inv);
        return NULL;
    }
    return inv;
}

void dacc_vuln_inventory_free(dacc_vuln_inventory *inv)
{
    if (!inv)
        return;
    for (size_t i = 0; i < inv->n; i++)
        free(inv->bins[i]);
    free(inv->bins);
    free(inv->pkgs);
    dacc_intern_free(inv->seen);
    dacc_arena_free(inv->arena);
    free(inv);
}

size_t dacc_vuln_inventory_count(const dacc_vuln_inventory *inv)
{
    return inv->n;
}

void vuln_stage_init(vuln_stage *s, const char *file)
{
    *s = (vuln_stage){ .file = file };
}

void vuln_stage_free(vuln_stage *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->e[i].name);
        free(s->e[i].version);
        free(s->e[i].release);
        free(s->e[i].binary);
    }
    free(s->e);
    *s = (vuln_stage){ 0 };
}

static char *dup_n(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

dacc_status vuln_stage_add(vuln_stage *s, vuln_eco eco, const char *name, size_t name_n,
                           const char *version, size_t version_n, const char *release,
                           const char *binary, size_t binary_n, unsigned long line, dacc_error *err)
{
    if (name_n == 0 || name_n > DACC_VULN_NAME_MAX)
        return dacc_error_field(err, DACC_ERR_PARSE, s->file, line, "field", "name",
                                "a package name must have 1 to %d bytes", DACC_VULN_NAME_MAX);
    if (memchr(name, '\0', name_n) || memchr(version, '\0', version_n))
        return dacc_error_field(err, DACC_ERR_PARSE, s->file, line, "field", "name",
                                "holds a NUL byte");
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        vuln_entry *e = realloc(s->e, cap * sizeof *e);
        if (!e)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        s->e = e;
        s->cap = cap;
    }
    vuln_entry *e = &s->e[s->n];
    *e = (vuln_entry){ .eco = eco, .line = line };
    e->name = dup_n(name, name_n);
    e->version = dup_n(version, version_n);
    e->release = release ? dup_n(release, strlen(release)) : NULL;
    e->binary = binary ? dup_n(binary, binary_n) : NULL;
    if (!e->name || !e->version || (release && !e->release) || (binary && !e->binary)) {
        free(e->name);
        free(e->version);
        free(e->release);
        free(e->binary);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    s->n++;
    dacc_vuln_scheme scheme = vuln_eco_scheme(eco);
    dacc_error ve;
    if (dacc_vuln_version_check(scheme, e->version, &ve) != DACC_OK)
        return dacc_error_field(err, DACC_ERR_PARSE, s->file, line, "field", "version",
                                "package %s: %s", e->name, ve.message);
    if (eco == ECO_PYPI) {
        /* PEP 503: runs of -_. are one '-', case is not significant */
        size_t k = 0;
        for (size_t i = 0; e->name[i]; i++) {
            char c = e->name[i];
            if (c == '-' || c == '_' || c == '.') {
                if (k == 0 || e->name[k - 1] != '-')
                    e->name[k++] = '-';
            } else {
                e->name[k++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
            }
        }
        e->name[k] = '\0';
    }
    return DACC_OK;
}

static dacc_status append_binary(dacc_vuln_inventory *inv, size_t i, const char *bin)
{
    char *old = inv->bins[i];
    size_t a = old ? strlen(old) : 0, b = strlen(bin);
    if (old) {
        /* the same binary twice (two architectures) is listed once */
        for (const char *p = old; (p = strstr(p, bin)) != NULL; p += b)
            if ((p == old || p[-1] == ' ') && (p[b] == ',' || p[b] == '\0'))
                return DACC_OK;
    }
    char *s = realloc(old, a + b + 3);
    if (!s)
        return DACC_ERR_NOMEM;
    if (a)
        memcpy(s + a, ", ", 2), a += 2;
    memcpy(s + a, bin, b + 1);
    inv->bins[i] = s;
    inv->pkgs[i].binaries = s;
    return DACC_OK;
}

static char *arena_dup(dacc_arena *a, const char *s)
{
    return s ? dacc_arena_strndup(a, s, strlen(s)) : NULL;
}

dacc_status vuln_stage_commit(vuln_stage *s, dacc_vuln_inventory *inv, dacc_error *err)
{
    if (inv->n + s->n > inv->cap) {
        size_t cap = inv->cap ? inv->cap : 64;
        while (cap < inv->n + s->n)
            cap *= 2;
        vuln_pkg *p = realloc(inv->pkgs, cap * sizeof *p);
        if (p)
            inv->pkgs = p;
        char **b = p ? realloc(inv->bins, cap * sizeof *b) : NULL;
        if (!b)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        inv->bins = b;
        inv->cap = cap;
    }
    const char *origin = arena_dup(inv->arena, s->file);
    for (size_t i = 0; i < s->n; i++) {
        const vuln_entry *e = &s->e[i];
        size_t nn = strlen(e->name), vn = strlen(e->version),
               rn = e->release ? strlen(e->release) : 0;
        char *key = malloc(nn + vn + rn + 4);
        if (!key)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        key[0] = (char)('0' + e->eco);
        memcpy(key + 1, e->name, nn + 1);
        memcpy(key + 2 + nn, e->version, vn + 1);
        if (rn)
            memcpy(key + 3 + nn + vn, e->release, rn);
        uint32_t idx;
        bool added;
        dacc_status st = dacc_intern_add(inv->seen, key, nn + vn + rn + 3, &idx, &added);
        free(key);
        if (st != DACC_OK)
            return dacc_error_set(err, st, "out of memory");
        if (added) {
            vuln_pkg *p = &inv->pkgs[inv->n];
            *p = (vuln_pkg){ .eco = e->eco, .origin = origin };
            p->name = arena_dup(inv->arena, e->name);
            p->version = arena_dup(inv->arena, e->version);
            p->release = arena_dup(inv->arena, e->release);
            inv->bins[inv->n] = NULL;
            inv->n++;
            if (!p->name || !p->version || (e->release && !p->release))
                return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        }
        if (e->binary && append_binary(inv, idx, e->binary) != DACC_OK)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    return DACC_OK;
}

dacc_status dacc_vuln_inventory_kind_parse(const char *name, dacc_vuln_inventory_kind *out,
                                           dacc_error *err)
{
    static const char *const names[] = { "dpkg", "gomod",        "gosum",
                                         "npm",  "requirements", "cyclonedx" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (dacc_vuln_inventory_kind)i;
            return DACC_OK;
        }
    return dacc_error_set(err, DACC_ERR_NOTFOUND,
                          "unknown inventory kind \"%s\" (dpkg, gomod, gosum, npm, requirements, "
                          "cyclonedx)",
                          name);
}

dacc_status dacc_vuln_inventory_kind_guess(const char *path, dacc_vuln_inventory_kind *out,
                                           dacc_error *err)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (strcmp(base, "status") == 0)
        *out = DACC_VULN_INV_DPKG;
    else if (strcmp(base, "go.mod") == 0)
        *out = DACC_VULN_INV_GOMOD;
    else if (strcmp(base, "go.sum") == 0)
        *out = DACC_VULN_INV_GOSUM;
    else if (strcmp(base, "package-lock.json") == 0)
        *out = DACC_VULN_INV_NPM_LOCK;
    else if (strncmp(base, "requirements", 12) == 0 && n > 4 && strcmp(base + n - 4, ".txt") == 0)
        *out = DACC_VULN_INV_REQUIREMENTS;
    else if ((n > 9 && strcasecmp(base + n - 9, ".cdx.json") == 0) || strcmp(base, "bom.json") == 0)
        *out = DACC_VULN_INV_CYCLONEDX;
    else
        return dacc_error_set(err, DACC_ERR_NOTFOUND,
                              "%s: cannot tell the inventory kind from the name; give it with "
                              "--kind",
                              path);
    return DACC_OK;
}

dacc_status dacc_vuln_inventory_add(dacc_vuln_inventory *inv, dacc_vuln_inventory_kind kind,
                                    const char *name, const char *data, size_t len,
                                    const char *debian_release, dacc_error *err)
{
    vuln_stage s;
    vuln_stage_init(&s, name);
    s.release = debian_release;
    dacc_status st;
    switch (kind) {
    case DACC_VULN_INV_DPKG:
        st = vuln_read_dpkg(&s, data, len, err);
        break;
    case DACC_VULN_INV_GOMOD:
        st = vuln_read_gomod(&s, data, len, err);
        break;
    case DACC_VULN_INV_GOSUM:
        st = vuln_read_gosum(&s, data, len, err);
        break;
    case DACC_VULN_INV_NPM_LOCK:
        st = vuln_read_npm_lock(&s, data, len, err);
        break;
    case DACC_VULN_INV_REQUIREMENTS:
        st = vuln_read_requirements(&s, data, len, err);
        break;
    case DACC_VULN_INV_CYCLONEDX:
        st = vuln_read_cyclonedx(&s, data, len, err);
        break;
    default:
        st = dacc_error_set(err, DACC_ERR_INVALID, "unknown inventory kind %d", (int)kind);
    }
    if (st == DACC_OK)
        st = vuln_stage_commit(&s, inv, err);
    vuln_stage_free(&s);
    return st;
}

dacc_status dacc_vuln_inventory_add_package(dacc_vuln_inventory *inv, const char *ecosystem,
                                            const char *name, const char *version, dacc_error *err)
{
    dacc_arena *tmp = dacc_arena_new(0);
    if (!tmp)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    const char *release;
    vuln_eco eco = vuln_eco_parse(ecosystem, tmp, &release);
    dacc_status st = DACC_OK;
    if (eco == ECO_OTHER)
        st = dacc_error_set(err, DACC_ERR_UNSUPPORTED,
                            "ecosystem \"%s\": only Debian, Debian:N, Go, npm and PyPI have an "
                            "ordering here",
                            ecosystem);
    vuln_stage s;
    vuln_stage_init(&s, "command line");
    if (st == DACC_OK)
        st = vuln_stage_add(&s, eco, name, strlen(name), version, strlen(version), release, NULL, 0,
                            0, err);
    if (st == DACC_OK)
        st = vuln_stage_commit(&s, inv, err);
    vuln_stage_free(&s);
    dacc_arena_free(tmp);
    return st;
}
