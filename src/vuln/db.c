/* The advisory set: records added from JSON text, files, directories and
 * zips, and the (ecosystem, name) index the matcher looks packages up in. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zip.h>

#include "dacc/file.h"
#include "version_internal.h"
#include "vjson.h"
#include "vuln_internal.h"

dacc_status vuln_osv_parse(dacc_arena *arena, const char *file, const vj_t *j, vuln_record *rec,
                           dacc_error *err);

static dacc_status index_new(dacc_vuln_db *db, size_t from, dacc_error *err);

dacc_vuln_scheme vuln_eco_scheme(vuln_eco e)
{
    switch (e) {
    case ECO_DEBIAN:
        return DACC_VULN_SCHEME_DEBIAN;
    case ECO_PYPI:
        return DACC_VULN_SCHEME_PEP440;
    case ECO_NPM:
        return DACC_VULN_SCHEME_NPM;
    default:
        return DACC_VULN_SCHEME_SEMVER;
    }
}

const char *vuln_eco_name(vuln_eco e)
{
    static const char *const names[] = { "Debian", "Go", "npm", "PyPI", "other" };
    return names[e];
}

vuln_eco vuln_eco_parse(const char *s, dacc_arena *a, const char **release)
{
    *release = NULL;
    if (strncmp(s, "Debian", 6) == 0 && (s[6] == '\0' || s[6] == ':')) {
        if (s[6] == ':' && s[7])
            *release = dacc_arena_strndup(a, s + 7, strlen(s + 7));
        return ECO_DEBIAN;
    }
    if (strcmp(s, "Go") == 0)
        return ECO_GO;
    if (strcmp(s, "npm") == 0)
        return ECO_NPM;
    if (strcmp(s, "PyPI") == 0)
        return ECO_PYPI;
    return ECO_OTHER;
}

char *vuln_pypi_normalize(dacc_arena *a, const char *name, size_t len)
{
    char *out = dacc_arena_alloc(a, len + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (c == '-' || c == '_' || c == '.') {
            if (k == 0 || out[k - 1] != '-')
                out[k++] = '-';
            continue;
        }
        out[k++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    out[k] = '\0';
    return out;
}

int vuln_cmp(dacc_vuln_scheme s, const char *a, const char *b)
{
    switch (s) {
    case DACC_VULN_SCHEME_DEBIAN:
        return vuln_deb_cmp(a, b);
    case DACC_VULN_SCHEME_PEP440:
        return vuln_pep440_cmp(a, b);
    case DACC_VULN_SCHEME_NPM:
        return vuln_npm_cmp(a, b);
    default:
        return vuln_semver_cmp(a, b);
    }
}

dacc_vuln_db *dacc_vuln_db_new(void)
{
    dacc_vuln_db *db = calloc(1, sizeof *db);
    if (db && (!(db->arena = dacc_arena_new(0)) || !(db->scratch = dacc_arena_new(0)) ||
               !(db->keys = dacc_intern_new(0)))) {
        dacc_arena_free(db->arena);
        dacc_arena_free(db->scratch);
        free(db);
        return NULL;
    }
    return db;
}

void dacc_vuln_db_free(dacc_vuln_db *db)
{
    if (!db)
        return;
    dacc_intern_free(db->keys);
    free(db->head);
    free(db->tail);
    free(db->refs);
    dacc_arena_free(db->arena);
    dacc_arena_free(db->scratch);
    free(db->recs);
    free(db);
}

size_t dacc_vuln_db_count(const dacc_vuln_db *db)
{
    return db->n;
}

static dacc_status reserve(dacc_vuln_db *db, size_t more, dacc_error *err)
{
    if (db->n + more > DACC_VULN_DB_MAX_RECS)
        return dacc_error_set(err, DACC_ERR_LIMIT, "more than %u OSV records",
                              DACC_VULN_DB_MAX_RECS);
    if (db->n + more <= db->cap)
        return DACC_OK;
    size_t cap = db->cap ? db->cap : 64;
    while (cap < db->n + more)
        cap *= 2;
    vuln_record *r = realloc(db->recs, cap * sizeof *r);
    if (!r)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    db->recs = r;
    db->cap = cap;
    return DACC_OK;
}

dacc_status dacc_vuln_db_add_json(dacc_vuln_db *db, const char *name, const char *data, size_t len,
                                  dacc_error *err)
{
    vj_t *j;
    if (len > DACC_VULN_RECORD_MAX)
        return dacc_error_set(err, DACC_ERR_LIMIT, "%s: more than %u bytes", name,
                              DACC_VULN_RECORD_MAX);
    /* The tree lives in a scratch arena, reset per input; records copy out. */
    dacc_arena_reset(db->scratch);
    dacc_status st = vj_parse(db->scratch, name, data, len, &j, err);
    if (st != DACC_OK)
        return st;
    size_t n = vj_is_array(j) ? vj_array_size(j) : 1;
    if ((st = reserve(db, n, err)) == DACC_OK) {
        for (size_t i = 0; i < n && st == DACC_OK; i++) {
            vj_t *o = vj_is_array(j) ? vj_array_get(j, i) : j;
            vuln_record *r = &db->recs[db->n + i];
            st = vuln_osv_parse(db->arena, name, o, r, err);
            if (st == DACC_OK)
                r->source = dacc_arena_strndup(db->arena, name, strlen(name));
            if (st == DACC_OK && !r->source)
                st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        }
    }
    if (st == DACC_OK) {
        size_t from = db->n;
        db->n += n;
        st = index_new(db, from, err);
    }
    return st;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

static dacc_status count_bytes(dacc_vuln_db *db, const char *name, size_t len, dacc_error *err)
{
    if (len > DACC_VULN_DB_MAX_BYTES - db->bytes_read)
        return dacc_error_set(err, DACC_ERR_LIMIT, "%s: the advisories pass %u bytes in all", name,
                              DACC_VULN_DB_MAX_BYTES);
    db->bytes_read += len;
    return DACC_OK;
}

/* The zip is mapped and read from memory: libzip reading a file checks
 * it with stat and seeks for every entry, which costs more than inflating
 * a small record. */
static dacc_status load_zip(dacc_vuln_db *db, const char *path, dacc_error *err)
{
    const void *map;
    size_t maplen;
    dacc_status st0 = dacc_file_map(path, &map, &maplen, err);
    if (st0 != DACC_OK)
        return st0;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(map, maplen, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!z) {
        dacc_status st = dacc_error_set(err, DACC_ERR_IO, "%s: cannot open as a zip: %s", path,
                                        zip_error_strerror(&ze));
        zip_error_fini(&ze);
        if (src)
            zip_source_free(src);
        dacc_file_unmap(map, maplen);
        return st;
    }
    zip_error_fini(&ze);
    dacc_status st = DACC_OK;
    zip_int64_t n = zip_get_num_entries(z, 0);
    char *buf = NULL;
    for (zip_int64_t i = 0; i < n && st == DACC_OK; i++) {
        zip_stat_t s;
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &s) != 0 || !(s.valid & ZIP_STAT_SIZE) ||
            !(s.valid & ZIP_STAT_NAME)) {
            st = dacc_error_set(err, DACC_ERR_PARSE, "%s: entry %lld: unreadable", path,
                                (long long)i);
            break;
        }
        if (!ends_with(s.name, ".json"))
            continue;
        char label[DACC_ERROR_FILE_MAX];
        snprintf(label, sizeof label, "%s:%s", path, s.name);
        if (s.size > DACC_VULN_RECORD_MAX) {
            st = dacc_error_set(err, DACC_ERR_LIMIT, "%s: more than %u bytes", label,
                                DACC_VULN_RECORD_MAX);
            break;
        }
        if ((st = count_bytes(db, label, (size_t)s.size, err)) != DACC_OK)
            break;
        char *nb = realloc(buf, (size_t)s.size + 1);
        zip_file_t *f = nb ? zip_fopen_index(z, (zip_uint64_t)i, 0) : NULL;
        buf = nb ? nb : buf;
        zip_int64_t got = f ? zip_fread(f, buf, s.size) : -1;
        if (f)
            zip_fclose(f);
        if (got < 0 || (zip_uint64_t)got != s.size)
            st = dacc_error_set(err, DACC_ERR_IO, "%s: cannot read the entry", label);
        else
            st = dacc_vuln_db_add_json(db, label, buf, (size_t)s.size, err);
    }
    free(buf);
    zip_discard(z); /* frees the source too */
    dacc_file_unmap(map, maplen);
    return st;
}

static dacc_status load_file(dacc_vuln_db *db, const char *path, dacc_error *err)
{
    if (ends_with(path, ".zip"))
        return load_zip(db, path, err);
    char *data;
    size_t len;
    dacc_status st = dacc_file_read(path, DACC_VULN_RECORD_MAX, &data, &len, err);
    if (st != DACC_OK)
        return st;
    if ((st = count_bytes(db, path, len, err)) == DACC_OK)
        st = dacc_vuln_db_add_json(db, path, data, len, err);
    free(data);
    return st;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static dacc_status load_dir(dacc_vuln_db *db, const char *path, int depth, dacc_error *err)
{
    if (depth > 32)
        return dacc_error_set(err, DACC_ERR_LIMIT, "%s: directories nested too deep", path);
    DIR *d = opendir(path);
    if (!d)
        return dacc_error_set(err, DACC_ERR_IO, "%s: %s", path, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    dacc_status st = DACC_OK;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name))) {
            st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (st == DACC_OK)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n && st == DACC_OK; i++) {
        size_t len = strlen(path) + strlen(names[i]) + 2;
        char *full = malloc(len);
        if (!full) {
            st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
            break;
        }
        snprintf(full, len, "%s/%s", path, names[i]);
        struct stat sb;
        if (stat(full, &sb) != 0)
            st = dacc_error_set(err, DACC_ERR_IO, "%s: %s", full, strerror(errno));
        else if (S_ISDIR(sb.st_mode))
            st = load_dir(db, full, depth + 1, err);
        else if (strcmp(names[i], "index.json") != 0 && strcmp(names[i], "aliases.json") != 0 &&
                 (ends_with(names[i], ".json") || ends_with(names[i], ".zip")))
            st = load_file(db, full, err);
        free(full);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

dacc_status dacc_vuln_db_load(dacc_vuln_db *db, const char *path, dacc_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return dacc_error_set(err, DACC_ERR_IO, "%s: %s", path, strerror(errno));
    return S_ISDIR(sb.st_mode) ? load_dir(db, path, 0, err) : load_file(db, path, err);
}

/* The key "eco byte, name"; names are at most DACC_VULN_NAME_MAX bytes. */
static size_t make_key(char *buf, vuln_eco eco, const char *name)
{
    size_t n = strlen(name);
    buf[0] = (char)('0' + eco);
    memcpy(buf + 1, name, n);
    return n + 1;
}

/* Appends records [from, db->n) to the index: each affected entry of a
 * known ecosystem becomes a ref on its key's list, in record order. On
 * failure the index is as it was and the records are dropped again. */
static dacc_status index_new(dacc_vuln_db *db, size_t from, dacc_error *err)
{
    size_t more = 0;
    for (size_t i = from; i < db->n; i++)
        more += db->recs[i].naff;
    if (db->nrefs + more > db->refs_cap) {
        size_t cap = db->refs_cap ? db->refs_cap : 256;
        while (cap < db->nrefs + more)
            cap *= 2;
        vuln_ref *r = realloc(db->refs, cap * sizeof *r);
        if (!r)
            goto nomem;
        db->refs = r;
        db->refs_cap = cap;
    }
    char key[DACC_VULN_NAME_MAX + 2];
    for (size_t i = from; i < db->n; i++)
        for (size_t k = 0; k < db->recs[i].naff; k++) {
            const vuln_affected *a = &db->recs[i].aff[k];
            if (a->eco == ECO_OTHER || !a->name)
                continue;
            uint32_t kid;
            bool added;
            if (dacc_intern_add(db->keys, key, make_key(key, a->eco, a->name), &kid, &added) !=
                DACC_OK)
                goto nomem;
            if (added) {
                if (kid >= db->keys_cap) {
                    size_t cap = db->keys_cap ? 2 * db->keys_cap : 256;
                    uint32_t *h = realloc(db->head, cap * sizeof *h);
                    if (h)
                        db->head = h;
                    uint32_t *t = h ? realloc(db->tail, cap * sizeof *t) : NULL;
                    if (!t)
                        goto nomem;
                    db->tail = t;
                    db->keys_cap = cap;
                }
                db->head[kid] = UINT32_MAX;
            }
            vuln_ref *r = &db->refs[db->nrefs];
            *r = (vuln_ref){ (uint32_t)i, (uint32_t)k, UINT32_MAX };
            if (db->head[kid] == UINT32_MAX)
                db->head[kid] = (uint32_t)db->nrefs;
            else
                db->refs[db->tail[kid]].next = (uint32_t)db->nrefs;
            db->tail[kid] = (uint32_t)db->nrefs++;
        }
    return DACC_OK;
nomem:
    /* Keys added stay (with empty lists at worst); refs past the old count go. */
    db->n = from;
    return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory indexing advisories");
}

/* The first ref naming (eco, name), following .next; NULL if none. */
const vuln_ref *vuln_db_lookup(const dacc_vuln_db *db, vuln_eco eco, const char *name);
const vuln_ref *vuln_db_lookup(const dacc_vuln_db *db, vuln_eco eco, const char *name)
{
    char key[DACC_VULN_NAME_MAX + 2];
    if (!db->keys || strlen(name) > DACC_VULN_NAME_MAX)
        return NULL;
    uint32_t k = dacc_intern_find(db->keys, key, make_key(key, eco, name));
    if (k == DACC_INTERN_NONE || db->head[k] == UINT32_MAX)
        return NULL;
    return &db->refs[db->head[k]];
}
