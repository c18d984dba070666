/* Reports over a result: JSON, SARIF 2.1.0 and the in-toto vulns
 * statement, and the digest that names an advisory set. */
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "vuln_internal.h"

static int set_str(json_t *o, const char *k, const char *v)
{
    return json_object_set_new(o, k, v ? json_string(v) : json_null());
}

static json_t *str_array(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_string(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* "libssl3, openssl" as ["libssl3", "openssl"]. */
static json_t *binaries(const char *s)
{
    json_t *a = json_array();
    if (!s || !a)
        return a;
    while (*s) {
        size_t n = strcspn(s, ",");
        json_array_append_new(a, json_stringn(s, n));
        s += n;
        s += strspn(s, ", ");
    }
    return a;
}

static json_t *severity(const dacc_vuln_finding *f, const char *tkey, const char *skey)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < f->nseverity; i++)
        json_array_append_new(
            a, json_pack("{s:s,s:s}", tkey, f->severity[i].type, skey, f->severity[i].score));
    return a;
}

static json_t *finding_json(const dacc_vuln_finding *f)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = set_str(o, "id", f->id);
    bad |= json_object_set_new(o, "aliases", str_array(f->aliases, f->naliases));
    bad |= set_str(o, "summary", f->summary);
    bad |= set_str(o, "modified", f->modified);
    bad |= set_str(o, "ecosystem", f->ecosystem);
    bad |= set_str(o, "package", f->package);
    bad |= set_str(o, "version", f->version);
    bad |= json_object_set_new(o, "binaries", binaries(f->binaries));
    bad |= set_str(o, "origin", f->origin);
    bad |= set_str(o, "range", f->range);
    bad |= set_str(o, "fixed", f->fixed);
    bad |= set_str(o, "reason", f->reason);
    bad |= json_object_set_new(o, "severity", severity(f, "type", "score"));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *dacc_vuln_result_json(const dacc_vuln_result *r)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < dacc_vuln_result_count(r); i++)
        if (json_array_append_new(a, finding_json(dacc_vuln_result_get(r, i))) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static char *message(const dacc_vuln_finding *f)
{
    size_t n = strlen(f->id) + strlen(f->reason) + strlen(f->package) + strlen(f->version) + 64 +
               (f->fixed ? strlen(f->fixed) : 0);
    char *m = malloc(n);
    if (m)
        snprintf(m, n, "%s: %s %s is affected (%s)%s%s", f->id, f->package, f->version, f->reason,
                 f->fixed ? "; fixed in " : "", f->fixed ? f->fixed : "");
    return m;
}

json_t *dacc_vuln_result_sarif(const dacc_vuln_result *r, const char *tool_version)
{
    json_t *rules = json_array(), *results = json_array(), *seen = json_object();
    json_t *driver = json_pack("{s:s,s:s}", "name", "dacc vuln", "informationUri",
                               "https://github.com/ossf/osv-schema");
    int bad = !rules || !results || !seen || !driver;
    if (!bad && tool_version)
        bad |= set_str(driver, "version", tool_version);
    for (size_t i = 0; !bad && i < dacc_vuln_result_count(r); i++) {
        const dacc_vuln_finding *f = dacc_vuln_result_get(r, i);
        if (!json_object_get(seen, f->id)) {
            json_object_set_new(seen, f->id, json_true());
            json_t *rule = json_pack("{s:s,s:{s:s}}", "id", f->id, "shortDescription", "text",
                                     f->summary ? f->summary : f->id);
            bad |= !rule || json_object_set_new(
                                rule, "properties",
                                json_pack("{s:o}", "aliases", str_array(f->aliases, f->naliases)));
            bad |= json_array_append_new(rules, rule);
        }
        char *m = message(f);
        json_t *res =
            m ? json_pack("{s:s,s:s,s:{s:s},s:[{s:{s:{s:s}}}],s:{s:s,s:s,s:s*}}", "ruleId", f->id,
                          "level", "error", "message", "text", m, "locations", "physicalLocation",
                          "artifactLocation", "uri", f->origin, "properties", "package", f->package,
                          "version", f->version, "fixed", f->fixed)
              : NULL;
        free(m);
        bad |= !res || json_array_append_new(results, res);
    }
    json_decref(seen);
    if (!bad)
        bad |= json_object_set_new(driver, "rules", rules);
    else
        json_decref(rules);
    json_t *doc = NULL;
    if (!bad)
        doc = json_pack("{s:s,s:s,s:[{s:{s:o},s:o}]}", "$schema",
                        "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs",
                        "tool", "driver", driver, "results", results);
    else {
        json_decref(driver);
        json_decref(results);
    }
    return doc;
}

static int id_cmp(const void *pa, const void *pb)
{
    const vuln_record *a = *(const vuln_record *const *)pa, *b = *(const vuln_record *const *)pb;
    int c = strcmp(a->id, b->id);
    return c ? c : strcmp(a->modified, b->modified);
}

dacc_status dacc_vuln_db_digest(const dacc_vuln_db *db, char hex[65], dacc_error *err)
{
    const vuln_record **v = malloc((db->n ? db->n : 1) * sizeof *v);
    if (!v)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < db->n; i++)
        v[i] = &db->recs[i];
    qsort(v, db->n, sizeof *v, id_cmp);
    dacc_sha256_ctx c;
    dacc_sha256_init(&c, dacc_sha256_default());
    for (size_t i = 0; i < db->n; i++) {
        dacc_sha256_update(&c, v[i]->id, strlen(v[i]->id));
        dacc_sha256_update(&c, "\t", 1);
        dacc_sha256_update(&c, v[i]->modified, strlen(v[i]->modified));
        dacc_sha256_update(&c, "\n", 1);
    }
    uint8_t d[DACC_SHA256_BYTES];
    dacc_sha256_final(&c, d);
    dacc_hex_encode(d, sizeof d, hex);
    free(v);
    return DACC_OK;
}

const char *dacc_vuln_db_last_update(const dacc_vuln_db *db)
{
    const char *last = "";
    for (size_t i = 0; i < db->n; i++)
        if (strcmp(db->recs[i].modified, last) > 0)
            last = db->recs[i].modified;
    return last;
}

static json_t *annotations(const dacc_vuln_finding *f)
{
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "ecosystem", f->ecosystem, "package",
                          f->package, "version", f->version, "range", f->range, "reason", f->reason,
                          "origin", f->origin);
    if (o && f->fixed)
        set_str(o, "fixed", f->fixed);
    if (o && f->binaries)
        json_object_set_new(o, "binaries", binaries(f->binaries));
    if (o && f->naliases)
        json_object_set_new(o, "aliases", str_array(f->aliases, f->naliases));
    return o ? json_pack("[o]", o) : NULL;
}

static int is_hex64(const char *s)
{
    return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

dacc_status dacc_vuln_statement(const dacc_vuln_result *r, const dacc_vuln_db *db,
                                const dacc_vuln_statement_info *info, json_t **out, dacc_error *err)
{
    char digest[65];
    dacc_status st = dacc_vuln_db_digest(db, digest, err);
    if (st != DACC_OK)
        return st;
    json_t *subjects = json_array(), *result = json_array();
    int bad = !subjects || !result;
    for (size_t i = 0; !bad && i < info->nsubjects; i++) {
        if (!is_hex64(info->subjects[i].sha256)) {
            json_decref(subjects);
            json_decref(result);
            return dacc_error_set(err, DACC_ERR_INVALID,
                                  "subject %zu: a sha256 digest is 64 lower-case hex digits", i);
        }
        bad |= json_array_append_new(subjects,
                                     json_pack("{s:s,s:{s:s}}", "name", info->subjects[i].name,
                                               "digest", "sha256", info->subjects[i].sha256));
    }
    for (size_t i = 0; !bad && i < dacc_vuln_result_count(r); i++) {
        const dacc_vuln_finding *f = dacc_vuln_result_get(r, i);
        bad |= json_array_append_new(result, json_pack("{s:s,s:o,s:o}", "id", f->id, "severity",
                                                       severity(f, "method", "score"),
                                                       "annotations", annotations(f)));
    }
    json_t *db_o = bad ? NULL
                       : json_pack("{s:s,s:s,s:s}", "uri", info->db_uri, "version", digest,
                                   "lastUpdate", dacc_vuln_db_last_update(db));
    json_t *scanner =
        db_o ? json_pack("{s:s,s:o,s:o}", "uri", info->scanner_uri, "db", db_o, "result", result)
             : NULL;
    if (scanner && info->scanner_version)
        set_str(scanner, "version", info->scanner_version);
    json_t *st_o =
        scanner ? json_pack("{s:s,s:o,s:s,s:{s:o,s:{s:s,s:s}}}", "_type",
                            "https://in-toto.io/Statement/v1", "subject", subjects, "predicateType",
                            DACC_VULN_PREDICATE_TYPE, "predicate", "scanner", scanner, "metadata",
                            "scanStartedOn", info->started, "scanFinishedOn", info->finished)
                : NULL;
    if (!st_o) {
        if (!scanner) {
            json_decref(db_o);
            json_decref(result);
        }
        if (!scanner || !st_o)
            json_decref(subjects);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory building the statement");
    }
    *out = st_o;
    return DACC_OK;
}
