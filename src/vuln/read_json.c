/* The JSON inventory readers: npm's package-lock.json (lockfileVersion 2
 * and 3) and CycloneDX 1.x JSON SBOMs, whose components name packages by
 * purl (github.com/package-url/purl-spec). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/json.h"
#include "inventory_internal.h"

/* package-lock.json: every "packages" key but the root "" is a path
 * "node_modules/a/node_modules/@s/b"; the package is the part after the
 * last "node_modules/" unless the entry names itself (an alias). Links
 * (workspaces) have no version of their own and are left out. */
dacc_status vuln_read_npm_lock(vuln_stage *s, const char *data, size_t len, dacc_error *err)
{
    json_t *j;
    dacc_status st = dacc_json_load_buffer(s->file, data, len, &j, err);
    if (st != DACC_OK)
        return st;
    json_t *lv = json_object_get(j, "lockfileVersion");
    json_t *pk = json_object_get(j, "packages");
    if (!json_is_integer(lv) || (json_integer_value(lv) != 2 && json_integer_value(lv) != 3))
        st = dacc_error_field(err, DACC_ERR_UNSUPPORTED, s->file, 0, "field", "lockfileVersion",
                              "must be 2 or 3 (npm 7 and later); run npm install to upgrade a "
                              "version 1 lockfile");
    else if (!json_is_object(pk))
        st = dacc_error_field(err, DACC_ERR_PARSE, s->file, 0, "field", "packages",
                              "must be an object");
    const char *key;
    json_t *v;
    json_object_foreach(pk, key, v)
    {
        if (st != DACC_OK)
            break;
        if (*key == '\0')
            continue;
        char field[DACC_ERROR_FIELD_MAX];
        snprintf(field, sizeof field, "packages.%s", key);
        if (!json_is_object(v)) {
            st = dacc_error_field(err, DACC_ERR_PARSE, s->file, 0, "field", field,
                                  "must be an object");
            break;
        }
        if (json_is_true(json_object_get(v, "link")))
            continue;
        json_t *ver = json_object_get(v, "version"), *nm = json_object_get(v, "name");
        if (!json_is_string(ver)) {
            st = dacc_error_field(err, DACC_ERR_PARSE, s->file, 0, "field", field,
                                  "has no version string");
            break;
        }
        const char *name = key, *last;
        while ((last = strstr(name, "node_modules/")) != NULL)
            name = last + 13;
        if (json_is_string(nm))
            name = json_string_value(nm);
        st = vuln_stage_add(s, ECO_NPM, name, strlen(name), json_string_value(ver),
                            json_string_length(ver), NULL, NULL, 0, 0, err);
    }
    json_decref(j);
    return st;
}

/* ---- purls ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Copies src into dst of cap bytes, cut to fit. */
static void cpy(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Percent-decodes s[0..n) into out (at least n + 1 bytes); -1 on a bad
 * escape or an encoded NUL. */
static int pct_decode(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            out[k++] = s[i];
            continue;
        }
        if (i + 2 >= n)
            return -1;
        int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
        if (h < 0 || l < 0 || (h == 0 && l == 0))
            return -1;
        out[k++] = (char)(h * 16 + l);
        i += 2;
    }
    out[k] = '\0';
    return (int)k;
}

typedef struct {
    char type[32];
    char ns[DACC_VULN_NAME_MAX + 1], name[DACC_VULN_NAME_MAX + 1];
    char version[DACC_VULN_VERSION_MAX + 1];
    char distro[64], upstream[DACC_VULN_NAME_MAX + DACC_VULN_VERSION_MAX + 2];
} purl;

static int copy_decoded(const char *s, size_t n, char *out, size_t cap)
{
    if (n >= cap)
        return -1;
    return pct_decode(s, n, out) < 0 ? -1 : 0;
}

/* pkg:type/namespace/name@version?qualifiers#subpath, as far as matching
 * needs: the namespace is everything between type and name. */
static int purl_parse(const char *s, purl *p)
{
    memset(p, 0, sizeof *p);
    if (strncmp(s, "pkg:", 4) != 0)
        return -1;
    s += 4;
    size_t n = strcspn(s, "#");
    const char *q = memchr(s, '?', n);
    size_t main_n = q ? (size_t)(q - s) : n;
    if (q) {
        const char *qs = q + 1, *qe = s + n;
        while (qs < qe) {
            const char *amp = memchr(qs, '&', (size_t)(qe - qs));
            const char *end = amp ? amp : qe;
            const char *eq = memchr(qs, '=', (size_t)(end - qs));
            if (eq) {
                size_t kn = (size_t)(eq - qs);
                if (kn == 6 && memcmp(qs, "distro", 6) == 0 &&
                    copy_decoded(eq + 1, (size_t)(end - eq - 1), p->distro, sizeof p->distro))
                    return -1;
                if (kn == 8 && memcmp(qs, "upstream", 8) == 0 &&
                    copy_decoded(eq + 1, (size_t)(end - eq - 1), p->upstream, sizeof p->upstream))
                    return -1;
            }
            qs = end + 1;
        }
    }
    const char *slash = memchr(s, '/', main_n);
    if (!slash || (size_t)(slash - s) >= sizeof p->type)
        return -1;
    for (size_t i = 0; s + i < slash; i++)
        p->type[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    const char *rest = slash + 1, *end = s + main_n;
    const char *at = NULL;
    for (const char *c = rest; c < end; c++)
        if (*c == '@')
            at = c; /* versions hold no '@' unencoded; names may (npm scope is %40) */
    const char *name_end = at ? at : end;
    if (at && copy_decoded(at + 1, (size_t)(end - at - 1), p->version, sizeof p->version))
        return -1;
    const char *last = name_end;
    while (last > rest && last[-1] != '/')
        last--;
    if (copy_decoded(last, (size_t)(name_end - last), p->name, sizeof p->name))
        return -1;
    if (last > rest && copy_decoded(rest, (size_t)(last - 1 - rest), p->ns, sizeof p->ns))
        return -1;
    return p->name[0] ? 0 : -1;
}

/* One component's purl into the staging list; purls of other types are
 * not ours to order and are skipped. */
static dacc_status add_purl(vuln_stage *s, const char *purl_s, const char *field, dacc_error *err)
{
    purl p;
    if (purl_parse(purl_s, &p) != 0)
        return dacc_error_field(err, DACC_ERR_PARSE, s->file, 0, "field", field,
                                "malformed purl \"%.200s\"", purl_s);
    char name[2 * DACC_VULN_NAME_MAX + 2];
    vuln_eco eco;
    const char *release = NULL;
    char rel[64];
    if (strcmp(p.type, "deb") == 0 && strcmp(p.ns, "debian") == 0) {
        eco = ECO_DEBIAN;
        release = s->release;
        if (strncmp(p.distro, "debian-", 7) == 0) {
            cpy(rel, sizeof rel, p.distro + 7);
            release = rel;
        }
    } else if (strcmp(p.type, "golang") == 0) {
        eco = ECO_GO;
    } else if (strcmp(p.type, "npm") == 0) {
        eco = ECO_NPM;
    } else if (strcmp(p.type, "pypi") == 0) {
        eco = ECO_PYPI;
    } else {
        return DACC_OK;
    }
    if (!p.version[0])
        return dacc_error_field(err, DACC_ERR_PARSE, s->file, 0, "field", field,
                                "purl \"%.200s\" has no version", purl_s);
    snprintf(name, sizeof name, "%s%s%s", eco == ECO_DEBIAN ? "" : p.ns,
             p.ns[0] && eco != ECO_DEBIAN ? "/" : "", p.name);
    const char *version = p.version, *binary = NULL;
    if (eco == ECO_DEBIAN) {
        binary = p.name;
        if (p.upstream[0]) {
            /* upstream=source or upstream=source@version: the source package */
            char *at = strchr(p.upstream, '@');
            if (at) {
                *at = '\0';
                version = at + 1;
            }
            cpy(name, sizeof name, p.upstream);
        }
    }
    dacc_status st = vuln_stage_add(s, eco, name, strlen(name), version, strlen(version), release,
                                    binary, binary ? strlen(binary) : 0, 0, err);
    if (st != DACC_OK)
        dacc_error_prefix(err, "%s: ", field);
    return st;
}

static dacc_status components(vuln_stage *s, const json_t *list, const char *path, int depth,
                              dacc_error *err)
{
    if (list == NULL || json_is_null(list))
        return DACC_OK;
    if (!json_is_array(list))
        return dacc_error_field(err, DACC_ERR_PARSE, s->file, 0, "field", path, "must be an array");
    if (depth > 64)
        return dacc_error_field(err, DACC_ERR_LIMIT, s->file, 0, "field", path,
                                "components nested too deep");
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *c = json_array_get(list, i);
        char field[DACC_ERROR_FIELD_MAX];
        snprintf(field, sizeof field, "%s[%zu]", path, i);
        if (!json_is_object(c))
            return dacc_error_field(err, DACC_ERR_PARSE, s->file, 0, "field", field,
                                    "must be an object");
        json_t *pu = json_object_get(c, "purl");
        dacc_status st = DACC_OK;
        if (pu && !json_is_string(pu))
            return dacc_error_field(err, DACC_ERR_PARSE, s->file, 0, "field", field,
                                    "purl must be a string");
        if (pu)
            st = add_purl(s, json_string_value(pu), field, err);
        if (st == DACC_OK) {
            char sub[DACC_ERROR_FIELD_MAX];
            cpy(sub, sizeof sub - 11, field);
            strcat(sub, ".components");
            st = components(s, json_object_get(c, "components"), sub, depth + 1, err);
        }
        if (st != DACC_OK)
            return st;
    }
    return DACC_OK;
}

/* CycloneDX JSON, spec versions 1.2 to 1.6 (1.5 is the one this reader is
 * written against; the component and purl fields are the same in all). */
dacc_status vuln_read_cyclonedx(vuln_stage *s, const char *data, size_t len, dacc_error *err)
{
    json_t *j;
    dacc_status st = dacc_json_load_buffer(s->file, data, len, &j, err);
    if (st != DACC_OK)
        return st;
    json_t *fmt = json_object_get(j, "bomFormat"), *sv = json_object_get(j, "specVersion");
    if (!json_is_string(fmt) || strcmp(json_string_value(fmt), "CycloneDX") != 0)
        st = dacc_error_field(err, DACC_ERR_PARSE, s->file, 0, "field", "bomFormat",
                              "must be \"CycloneDX\"");
    else if (!json_is_string(sv) || strncmp(json_string_value(sv), "1.", 2) != 0 ||
             json_string_value(sv)[2] < '2' || json_string_value(sv)[2] > '6' ||
             json_string_value(sv)[3] != '\0')
        st = dacc_error_field(err, DACC_ERR_UNSUPPORTED, s->file, 0, "field", "specVersion",
                              "must be \"1.2\" to \"1.6\"");
    else {
        json_t *meta = json_object_get(j, "metadata");
        json_t *comp = json_is_object(meta) ? json_object_get(meta, "component") : NULL;
        if (json_is_object(comp)) {
            json_t *one = json_array();
            json_array_append(one, comp);
            st = components(s, one, "metadata.component", 0, err);
            json_decref(one);
        }
        if (st == DACC_OK)
            st = components(s, json_object_get(j, "components"), "components", 0, err);
    }
    json_decref(j);
    return st;
}
