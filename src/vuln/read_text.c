/* The line-based inventory readers: dpkg's status file, go.mod, go.sum and
 * pinned requirements.txt. Each reads memory, names file:line and field at
 * fault, and never reads past len (inputs need no terminator). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inventory_internal.h"

typedef struct {
    const char *p, *end;
    unsigned long line;
} lines;

/* The next line without its newline (and a CR before it); 0 at the end. */
static int next_line(lines *l, const char **s, size_t *n)
{
    if (l->p >= l->end)
        return 0;
    const char *nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
    const char *e = nl ? nl : l->end;
    *s = l->p;
    *n = (size_t)(e - l->p);
    if (*n && (*s)[*n - 1] == '\r')
        (*n)--;
    l->p = nl ? nl + 1 : l->end;
    l->line++;
    return 1;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *n)
{
    while (*n && is_blank(**s))
        (*s)++, (*n)--;
    while (*n && is_blank((*s)[*n - 1]))
        (*n)--;
}

/* ---- dpkg status ---- */

typedef struct {
    const char *pkg, *ver, *src, *status;
    size_t pkg_n, ver_n, src_n, status_n;
    unsigned long line;
} dpkg_para;

/* Installed enough that its files are on disk: not "not-installed" and
 * not "config-files" (dpkg-query(1), the third word of Status). */
static int has_files(const dpkg_para *p)
{
    const char *s = p->status;
    size_t n = p->status_n;
    if (!s)
        return 0;
    const char *w = s + n;
    while (w > s && !is_blank(w[-1]))
        w--;
    size_t wn = (size_t)(s + n - w);
    return !(wn == 13 && memcmp(w, "not-installed", 13) == 0) &&
           !(wn == 12 && memcmp(w, "config-files", 12) == 0);
}

static dacc_status dpkg_flush(vuln_stage *s, dpkg_para *p, dacc_error *err)
{
    dacc_status st = DACC_OK;
    if (p->pkg && has_files(p)) {
        if (!p->ver)
            return dacc_error_field(err, DACC_ERR_PARSE, s->file, p->line, "field", "Version",
                                    "package %.*s is installed but has no Version", (int)p->pkg_n,
                                    p->pkg);
        const char *name = p->pkg, *ver = p->ver;
        size_t name_n = p->pkg_n, ver_n = p->ver_n;
        if (p->src) {
            /* "Source: name" or "Source: name (version)" */
            const char *open = memchr(p->src, '(', p->src_n);
            name = p->src;
            name_n = open ? (size_t)(open - p->src) : p->src_n;
            trim(&name, &name_n);
            if (open) {
                const char *close = memchr(open, ')', (size_t)(p->src + p->src_n - open));
                if (!close)
                    return dacc_error_field(err, DACC_ERR_PARSE, s->file, p->line, "field",
                                            "Source", "no ')' after the source version");
                ver = open + 1;
                ver_n = (size_t)(close - ver);
                trim(&ver, &ver_n);
            }
        }
        st = vuln_stage_add(s, ECO_DEBIAN, name, name_n, ver, ver_n, s->release, p->pkg, p->pkg_n,
                            p->line, err);
    }
    *p = (dpkg_para){ 0 };
    return st;
}

dacc_status vuln_read_dpkg(vuln_stage *s, const char *data, size_t len, dacc_error *err)
{
    lines l = { data, data + len, 0 };
    dpkg_para p = { 0 };
    const char *t;
    size_t n;
    dacc_status st = DACC_OK;
    while (st == DACC_OK && next_line(&l, &t, &n)) {
        const char *line = t;
        size_t ln = n;
        trim(&line, &ln);
        if (ln == 0) {
            st = dpkg_flush(s, &p, err);
            continue;
        }
        if (is_blank(*t))
            continue; /* a continuation line of a multi-line field */
        const char *colon = memchr(t, ':', n);
        if (!colon)
            return dacc_error_at(err, DACC_ERR_PARSE, s->file, l.line, 0,
                                 "expected \"Field: value\"");
        if (!p.line)
            p.line = l.line;
        size_t fn = (size_t)(colon - t);
        const char *v = colon + 1;
        size_t vn = n - fn - 1;
        trim(&v, &vn);
        struct {
            const char *name;
            const char **val;
            size_t *len;
        } fields[] = {
            { "Package", &p.pkg, &p.pkg_n },
            { "Version", &p.ver, &p.ver_n },
            { "Source", &p.src, &p.src_n },
            { "Status", &p.status, &p.status_n },
        };
        for (size_t i = 0; i < 4; i++)
            if (strlen(fields[i].name) == fn && strncasecmp(t, fields[i].name, fn) == 0) {
                *fields[i].val = v;
                *fields[i].len = vn;
            }
    }
    if (st == DACC_OK)
        st = dpkg_flush(s, &p, err);
    return st;
}

/* ---- go.mod and go.sum ---- */

/* The next blank-separated token of s, quotes ("" or ``) removed. */
static int token(const char **s, size_t *n, const char **tok, size_t *tn)
{
    while (*n && is_blank(**s))
        (*s)++, (*n)--;
    if (*n == 0)
        return 0;
    if (**s == '"' || **s == '`') {
        char q = **s;
        const char *e = memchr(*s + 1, q, *n - 1);
        if (!e)
            return 0;
        *tok = *s + 1;
        *tn = (size_t)(e - *s - 1);
        *n -= (size_t)(e + 1 - *s);
        *s = e + 1;
        return 1;
    }
    *tok = *s;
    while (*n && !is_blank(**s))
        (*s)++, (*n)--;
    *tn = (size_t)(*s - *tok);
    return 1;
}

static void strip_comment(const char *s, size_t *n)
{
    for (size_t i = 0; i + 1 < *n; i++)
        if (s[i] == '/' && s[i + 1] == '/') {
            *n = i;
            return;
        }
}

typedef struct {
    const char *path, *ver;
    size_t path_n, ver_n;
    unsigned long line;
} gomod_req;

typedef struct {
    const char *old, *old_ver, *new_, *new_ver;
    size_t old_n, old_ver_n, new_n, new_ver_n;
} gomod_replace;

#define GOMOD_MAX 65536

static dacc_status gomod_line(vuln_stage *s, const char *verb, const char *t, size_t n,
                              unsigned long line, gomod_req *req, size_t *nreq, gomod_replace *rep,
                              size_t *nrep, dacc_error *err)
{
    const char *a, *b;
    size_t an, bn;
    if (strcmp(verb, "require") == 0) {
        if (!token(&t, &n, &a, &an) || !token(&t, &n, &b, &bn))
            return dacc_error_at(err, DACC_ERR_PARSE, s->file, line, 0,
                                 "require needs a module path and a version");
        if (*nreq == GOMOD_MAX)
            return dacc_error_at(err, DACC_ERR_LIMIT, s->file, line, 0, "too many requirements");
        req[(*nreq)++] = (gomod_req){ a, b, an, bn, line };
    } else if (strcmp(verb, "replace") == 0) {
        gomod_replace r = { 0 };
        if (!token(&t, &n, &r.old, &r.old_n) || !token(&t, &n, &a, &an))
            return dacc_error_at(err, DACC_ERR_PARSE, s->file, line, 0, "replace needs =>");
        if (!(an == 2 && memcmp(a, "=>", 2) == 0)) {
            r.old_ver = a;
            r.old_ver_n = an;
            if (!token(&t, &n, &a, &an) || !(an == 2 && memcmp(a, "=>", 2) == 0))
                return dacc_error_at(err, DACC_ERR_PARSE, s->file, line, 0, "replace needs =>");
        }
        if (!token(&t, &n, &r.new_, &r.new_n))
            return dacc_error_at(err, DACC_ERR_PARSE, s->file, line, 0,
                                 "replace needs a replacement");
        if (token(&t, &n, &r.new_ver, &r.new_ver_n) == 0)
            r.new_ver = NULL; /* a directory: no version to match */
        if (*nrep == GOMOD_MAX)
            return dacc_error_at(err, DACC_ERR_LIMIT, s->file, line, 0, "too many replacements");
        rep[(*nrep)++] = r;
    }
    return DACC_OK;
}

static int same(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && memcmp(a, b, an) == 0;
}

/* The modules of the build list as go.mod records it (Go 1.17 and later
 * list every module the build uses), each through its replace directive if
 * one applies; a replacement by a directory has no version and is left
 * out. The main module and the go and toolchain directives are not
 * dependencies. */
dacc_status vuln_read_gomod(vuln_stage *s, const char *data, size_t len, dacc_error *err)
{
    lines l = { data, data + len, 0 };
    gomod_req *req = malloc(GOMOD_MAX * sizeof *req);
    gomod_replace *rep = malloc(GOMOD_MAX * sizeof *rep);
    size_t nreq = 0, nrep = 0;
    dacc_status st = req && rep ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    char block[16] = "";
    const char *t;
    size_t n;
    while (st == DACC_OK && next_line(&l, &t, &n)) {
        strip_comment(t, &n);
        trim(&t, &n);
        if (n == 0)
            continue;
        if (block[0]) {
            if (n == 1 && *t == ')')
                block[0] = '\0';
            else
                st = gomod_line(s, block, t, n, l.line, req, &nreq, rep, &nrep, err);
            continue;
        }
        const char *verb;
        size_t vn;
        token(&t, &n, &verb, &vn);
        char v[16];
        if (vn >= sizeof v)
            continue; /* not a verb this reader needs */
        memcpy(v, verb, vn);
        v[vn] = '\0';
        trim(&t, &n);
        if (n == 1 && *t == '(')
            memcpy(block, v, vn + 1);
        else
            st = gomod_line(s, v, t, n, l.line, req, &nreq, rep, &nrep, err);
    }
    if (block[0] && st == DACC_OK)
        st = dacc_error_at(err, DACC_ERR_PARSE, s->file, l.line, 0, "%s ( block not closed", block);
    for (size_t i = 0; i < nreq && st == DACC_OK; i++) {
        const gomod_req *r = &req[i];
        const char *path = r->path, *ver = r->ver;
        size_t pn = r->path_n, vn = r->ver_n;
        int dropped = 0;
        for (size_t k = 0; k < nrep; k++) {
            const gomod_replace *x = &rep[k];
            if (!same(x->old, x->old_n, path, pn) ||
                (x->old_ver && !same(x->old_ver, x->old_ver_n, ver, vn)))
                continue;
            dropped = x->new_ver == NULL;
            path = x->new_;
            pn = x->new_n;
            ver = x->new_ver;
            vn = x->new_ver_n;
            break;
        }
        if (!dropped)
            st = vuln_stage_add(s, ECO_GO, path, pn, ver, vn, NULL, NULL, 0, r->line, err);
    }
    free(req);
    free(rep);
    return st;
}

/* go.sum: "path version hash" and "path version/go.mod hash"; the second
 * kind only records a go.mod that was read, not a module in the build, so
 * only the first counts. go.sum may hold versions the build no longer
 * uses: go.mod is the better inventory where both exist. */
dacc_status vuln_read_gosum(vuln_stage *s, const char *data, size_t len, dacc_error *err)
{
    lines l = { data, data + len, 0 };
    const char *t;
    size_t n;
    while (next_line(&l, &t, &n)) {
        const char *path, *ver, *hash;
        size_t pn, vn, hn;
        trim(&t, &n);
        if (n == 0)
            continue;
        if (!token(&t, &n, &path, &pn) || !token(&t, &n, &ver, &vn) || !token(&t, &n, &hash, &hn))
            return dacc_error_at(err, DACC_ERR_PARSE, s->file, l.line, 0,
                                 "expected \"module version hash\"");
        if (vn > 7 && memcmp(ver + vn - 7, "/go.mod", 7) == 0)
            continue;
        dacc_status st = vuln_stage_add(s, ECO_GO, path, pn, ver, vn, NULL, NULL, 0, l.line, err);
        if (st != DACC_OK)
            return st;
    }
    return DACC_OK;
}

/* ---- requirements.txt ---- */

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

/* One requirement "name[extras] == version [; marker] [--hash ...]". */
static dacc_status requirement(vuln_stage *s, const char *t, size_t n, unsigned long line,
                               dacc_error *err)
{
    if (*t == '-')
        return dacc_error_at(err, DACC_ERR_UNSUPPORTED, s->file, line, 0,
                             "option lines (-r, -c, -e, --index-url ...) are not followed: give "
                             "each requirements file, pinned, as its own inventory");
    size_t i = 0;
    while (i < n && is_name_char(t[i]))
        i++;
    size_t name_n = i;
    if (name_n == 0)
        return dacc_error_at(err, DACC_ERR_PARSE, s->file, line, 0, "expected a package name");
    while (i < n && is_blank(t[i]))
        i++;
    if (i < n && t[i] == '[') {
        const char *close = memchr(t + i, ']', n - i);
        if (!close)
            return dacc_error_at(err, DACC_ERR_PARSE, s->file, line, 0, "no ']' after extras");
        i = (size_t)(close - t) + 1;
        while (i < n && is_blank(t[i]))
            i++;
    }
    size_t eq = i + 2 < n && t[i] == '=' && t[i + 1] == '=' ? (t[i + 2] == '=' ? 3 : 2) : 0;
    if (!eq)
        return dacc_error_at(err, DACC_ERR_INVALID, s->file, line, 0,
                             "%.*s is not pinned with ==: only exact versions can be matched",
                             (int)name_n, t);
    i += eq;
    while (i < n && is_blank(t[i]))
        i++;
    size_t vs = i;
    while (i < n && !is_blank(t[i]) && t[i] != ';' && t[i] != ',')
        i++;
    size_t ve = i;
    while (i < n && is_blank(t[i]))
        i++;
    if (i < n && t[i] == ',')
        return dacc_error_at(err, DACC_ERR_INVALID, s->file, line, 0,
                             "%.*s: more than one version clause", (int)name_n, t);
    if (ve > vs && t[ve - 1] == '*')
        return dacc_error_at(err, DACC_ERR_INVALID, s->file, line, 0,
                             "%.*s: a wildcard is not a pinned version", (int)name_n, t);
    return vuln_stage_add(s, ECO_PYPI, t, name_n, t + vs, ve - vs, NULL, NULL, 0, line, err);
}

dacc_status vuln_read_requirements(vuln_stage *s, const char *data, size_t len, dacc_error *err)
{
    lines l = { data, data + len, 0 };
    const char *t;
    size_t n;
    char joined[4096];
    size_t jn = 0;
    unsigned long first = 0;
    while (next_line(&l, &t, &n)) {
        /* pip: a comment starts at '#' at the line start or after a blank */
        for (size_t i = 0; i < n; i++)
            if (t[i] == '#' && (i == 0 || is_blank(t[i - 1]))) {
                n = i;
                break;
            }
        int more = n && t[n - 1] == '\\';
        if (more)
            n--;
        if (!jn)
            first = l.line;
        if (jn + n + 1 > sizeof joined)
            return dacc_error_at(err, DACC_ERR_LIMIT, s->file, first, 0, "line too long");
        memcpy(joined + jn, t, n);
        jn += n;
        if (more) {
            joined[jn++] = ' ';
            continue;
        }
        const char *r = joined;
        size_t rn = jn;
        trim(&r, &rn);
        jn = 0;
        if (rn == 0)
            continue;
        dacc_status st = requirement(s, r, rn, first, err);
        if (st != DACC_OK)
            return st;
    }
    return DACC_OK;
}
