/* Statements: the in-toto Statement v1 shape and each kind's predicate,
 * checked field by field (docs/registry.md is the reference). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dacc/money.h"
#include "internal.h"

static const char *const kind_names[DACC_REGISTRY_KINDS] = {
    "model", "release",       "deployment", "incident",
    "claim", "determination", "supersede",  "screening",
};
static const char *const kind_types[DACC_REGISTRY_KINDS] = {
    DACC_REGISTRY_MODEL_SIGNING,
    DACC_REGISTRY_PREDICATE_BASE "release/v1",
    DACC_REGISTRY_PREDICATE_BASE "deployment/v1",
    DACC_REGISTRY_PREDICATE_BASE "incident/v1",
    DACC_REGISTRY_PREDICATE_BASE "claim/v1",
    DACC_REGISTRY_PREDICATE_BASE "determination/v1",
    DACC_REGISTRY_PREDICATE_BASE "supersede/v1",
    DACC_REGISTRY_PREDICATE_BASE "screening/v1",
};

const char *dacc_registry_kind_name(dacc_registry_kind k)
{
    return (unsigned)k < DACC_REGISTRY_KINDS ? kind_names[k] : NULL;
}

const char *dacc_registry_predicate_type(dacc_registry_kind k)
{
    return (unsigned)k < DACC_REGISTRY_KINDS ? kind_types[k] : NULL;
}

dacc_status dacc_registry_kind_parse(const char *name, dacc_registry_kind *out)
{
    for (unsigned k = 0; k < DACC_REGISTRY_KINDS; k++)
        if (strcmp(name, kind_names[k]) == 0) {
            *out = (dacc_registry_kind)k;
            return DACC_OK;
        }
    return DACC_ERR_NOTFOUND;
}

dacc_status dacc_registry_kind_of_type(const char *type, dacc_registry_kind *out)
{
    for (unsigned k = 0; k < DACC_REGISTRY_KINDS; k++)
        if (strcmp(type, kind_types[k]) == 0) {
            *out = (dacc_registry_kind)k;
            return DACC_OK;
        }
    return DACC_ERR_NOTFOUND;
}

/* ---- field rules ------------------------------------------------------------ */

typedef enum { F_STR, F_HEX, F_TIME, F_HEXLIST, F_STRLIST, F_ENUM, F_UINT } ftype;

typedef struct {
    const char *name;
    ftype type;
    int required;
    const char *const *values; /* F_ENUM: NULL-terminated */
} fieldrule;

static const char *const ai_act_classes[] = { "general-purpose", "systemic-risk",
                                              "high-risk-annex-iii", "other", NULL };
static const char *const categories[] = { "death",
                                          "health",
                                          "critical-infrastructure",
                                          "fundamental-rights",
                                          "property-environment",
                                          "widespread-infringement",
                                          NULL };
static const char *const reports[] = { "initial", "complete", "update", NULL };
static const char *const decisions[] = { "upheld", "partly-upheld", "dismissed", NULL };
static const char *const screen_results[] = { "pass", "hit", "refused", NULL };

static const fieldrule release_fields[] = {
    { "developer", F_HEX, 1, NULL },       { "model", F_STR, 1, NULL },
    { "version", F_STR, 1, NULL },         { "released", F_TIME, 1, NULL },
    { "parent", F_HEX, 0, NULL },          { "model_card", F_HEX, 0, NULL },
    { "licence", F_STR, 1, NULL },         { "intended_use", F_STR, 1, NULL },
    { "evaluations", F_HEXLIST, 0, NULL }, { "ai_act_class", F_ENUM, 1, ai_act_classes },
    { "model_signing", F_HEX, 0, NULL },   { NULL, F_STR, 0, NULL },
};
static const fieldrule deployment_fields[] = {
    { "deployer", F_HEX, 1, NULL }, { "purpose", F_STR, 1, NULL }, { "region", F_STR, 1, NULL },
    { "start", F_TIME, 1, NULL },   { "end", F_TIME, 0, NULL },    { "oversight", F_STR, 1, NULL },
    { NULL, F_STR, 0, NULL },
};
static const fieldrule incident_fields[] = {
    { "reporter", F_HEX, 1, NULL },
    { "title", F_STR, 1, NULL },
    { "description", F_STR, 1, NULL },
    { "date", F_TIME, 1, NULL },
    { "aware", F_TIME, 1, NULL },
    { "reported", F_TIME, 1, NULL },
    { "alleged_deployer", F_STR, 1, NULL },
    { "alleged_developer", F_STR, 1, NULL },
    { "harmed_parties", F_STRLIST, 1, NULL },
    { "category", F_ENUM, 1, categories },
    { "report", F_ENUM, 1, reports },
    { "initial", F_HEX, 0, NULL },
    { "evidence", F_HEXLIST, 0, NULL },
    { NULL, F_STR, 0, NULL },
};
static const fieldrule claim_fields[] = {
    { "claimant", F_HEX, 1, NULL },     { "respondents", F_STRLIST, 1, NULL },
    { "basis", F_STR, 1, NULL },        { "filed", F_TIME, 1, NULL },
    { "evidence", F_HEXLIST, 0, NULL }, { NULL, F_STR, 0, NULL },
};
static const fieldrule determination_fields[] = {
    { "adjudicator", F_HEX, 1, NULL }, { "decision", F_ENUM, 1, decisions },
    { "decided", F_TIME, 1, NULL },    { "total", F_UINT, 1, NULL },
    { "by_round", F_HEX, 0, NULL },    { "reasons", F_STR, 0, NULL },
    { NULL, F_STR, 0, NULL },
};
static const fieldrule supersede_fields[] = {
    { "issuer", F_HEX, 1, NULL },      { "reason", F_STR, 1, NULL }, { "issued", F_TIME, 1, NULL },
    { "replacement", F_HEX, 0, NULL }, { NULL, F_STR, 0, NULL },
};

/* A screening receipt (docs/screen.md): the order is the subject, as a
 * salted digest; keyservers are the share keys that evaluated it. */
static const fieldrule screening_fields[] = {
    { "synthesizer", F_HEX, 1, NULL },
    { "screened", F_TIME, 1, NULL },
    { "windows", F_UINT, 1, NULL },
    { "database", F_STR, 1, NULL },
    { "key", F_HEX, 1, NULL },
    { "epoch", F_UINT, 1, NULL },
    { "keyservers", F_HEXLIST, 1, NULL },
    { "result", F_ENUM, 1, screen_results },
    { NULL, F_STR, 0, NULL },
};

static const fieldrule *const kind_fields[DACC_REGISTRY_KINDS] = {
    NULL,         release_fields,       deployment_fields, incident_fields,
    claim_fields, determination_fields, supersede_fields,  screening_fields,
};
/* The author of each kind: the field naming the key that must sign. */
static const char *const authors[DACC_REGISTRY_KINDS] = {
    NULL, "developer", "deployer", "reporter", "claimant", "adjudicator", "issuer", "synthesizer",
};

const char *dacc_registry_author_field(dacc_registry_kind k)
{
    return (unsigned)k < DACC_REGISTRY_KINDS ? authors[k] : NULL;
}

void registry_path(char *p, size_t cap, const char *base, size_t i, const char *suffix)
{
    int n = i == SIZE_MAX ? snprintf(p, cap, "%s%s", base, suffix ? suffix : "")
                          : snprintf(p, cap, "%s[%zu]%s", base, i, suffix ? suffix : "");
    if (n < 0 && cap > 0)
        p[0] = '\0';
}

static dacc_status bad(const char *name, const char *field, dacc_error *err, const char *why)
{
    return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", field, "%s", why);
}

int registry_hex64(const char *s, size_t len)
{
    if (s == NULL || len != 64)
        return 0;
    for (size_t i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static int nonempty_text(const json_t *v)
{
    return json_is_string(v) && json_string_length(v) > 0 &&
           dacc_text_valid(json_string_value(v), json_string_length(v), NULL);
}

/* A decimal integer in a string: 1 to 39 digits, no leading zero. */
int registry_uint_text(const char *s, size_t len, dacc_u128 *out)
{
    if (s == NULL || len == 0 || len > 39 || (len > 1 && s[0] == '0'))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return dacc_money_parse(s, len, 0, out, NULL) == DACC_OK;
}

static dacc_status check_field(const char *name, const char *path, const fieldrule *f,
                               const json_t *v, dacc_error *err)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    int64_t t;
    dacc_u128 u;
    switch (f->type) {
    case F_STR:
        return nonempty_text(v) ? DACC_OK : bad(name, path, err, "expected a non-empty string");
    case F_HEX:
        return registry_hex64(s, n) ? DACC_OK
                                    : bad(name, path, err, "expected 64 lowercase hex digits");
    case F_TIME:
        return s != NULL && dacc_registry_time_parse(s, &t) == DACC_OK
                   ? DACC_OK
                   : bad(name, path, err, "expected an RFC 3339 UTC time YYYY-MM-DDTHH:MM:SSZ");
    case F_UINT:
        return registry_uint_text(s, n, &u)
                   ? DACC_OK
                   : bad(name, path, err, "expected a decimal integer in a string");
    case F_ENUM:
        for (size_t i = 0; s != NULL && f->values[i] != NULL; i++)
            if (strcmp(s, f->values[i]) == 0)
                return DACC_OK;
        return bad(name, path, err, "not one of the values docs/registry.md lists");
    case F_HEXLIST:
    case F_STRLIST: {
        if (!json_is_array(v) || (f->type == F_STRLIST && json_array_size(v) == 0))
            return bad(name, path, err,
                       f->type == F_STRLIST ? "expected a non-empty array of strings"
                                            : "expected an array of 64-hex digests");
        if (json_array_size(v) > DACC_REGISTRY_MAX_SUBJECTS)
            return dacc_error_field(err, DACC_ERR_LIMIT, name, 0, "field", path,
                                    "more than %d items", DACC_REGISTRY_MAX_SUBJECTS);
        size_t i;
        const json_t *x;
        json_array_foreach(v, i, x)
        {
            int ok = f->type == F_STRLIST
                         ? nonempty_text(x)
                         : registry_hex64(json_string_value(x), json_string_length(x));
            if (!ok) {
                char p[DACC_ERROR_FIELD_MAX];
                registry_path(p, sizeof p, path, i, NULL);
                return bad(name, p, err,
                           f->type == F_STRLIST ? "expected a non-empty string"
                                                : "expected 64 lowercase hex digits");
            }
        }
        return DACC_OK;
    }
    }
    return bad(name, path, err, "unknown field type");
}

/* The shares of a determination: [{"party", "amount"}], amounts summing
 * exactly to total. */
static dacc_status check_shares(const char *name, const json_t *pred, dacc_error *err)
{
    const json_t *shares = json_object_get(pred, "shares");
    if (!json_is_array(shares) || json_array_size(shares) == 0)
        return bad(name, "predicate.shares", err, "expected a non-empty array");
    if (json_array_size(shares) > DACC_REGISTRY_MAX_SHARES)
        return dacc_error_field(err, DACC_ERR_LIMIT, name, 0, "field", "predicate.shares",
                                "more than %d shares", DACC_REGISTRY_MAX_SHARES);
    const json_t *tv = json_object_get(pred, "total");
    dacc_u128 total, sum = 0, a;
    registry_uint_text(json_string_value(tv), json_string_length(tv), &total);
    size_t i;
    const json_t *s;
    char p[DACC_ERROR_FIELD_MAX];
    json_array_foreach(shares, i, s)
    {
        registry_path(p, sizeof p, "predicate.shares", i, NULL);
        const json_t *party = json_object_get(s, "party"), *amt = json_object_get(s, "amount");
        if (!json_is_object(s) || json_object_size(s) != 2 || !nonempty_text(party))
            return bad(name, p, err, "expected {\"party\": string, \"amount\": string}");
        for (size_t j = 0; j < i; j++)
            if (strcmp(json_string_value(json_object_get(json_array_get(shares, j), "party")),
                       json_string_value(party)) == 0)
                return bad(name, p, err, "a party named twice");
        if (!registry_uint_text(json_string_value(amt), json_string_length(amt), &a)) {
            registry_path(p, sizeof p, "predicate.shares", i, ".amount");
            return bad(name, p, err, "expected a decimal integer in a string");
        }
        if (dacc_money_add(sum, a, &sum) != DACC_OK)
            return dacc_error_field(err, DACC_ERR_RANGE, name, 0, "field", p,
                                    "the shares overflow 128 bits");
    }
    if (sum != total)
        return bad(name, "predicate.shares", err,
                   "the shares do not sum exactly to predicate.total");
    return DACC_OK;
}

static dacc_status check_dacc_predicate(const char *name, dacc_registry_kind kind,
                                        const json_t *pred, dacc_error *err)
{
    const fieldrule *fs = kind_fields[kind];
    char path[DACC_ERROR_FIELD_MAX];
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)pred, key, v)
    {
        int known = kind == DACC_REGISTRY_DETERMINATION && strcmp(key, "shares") == 0;
        for (size_t i = 0; fs[i].name != NULL && !known; i++)
            known = strcmp(fs[i].name, key) == 0;
        if (!known) {
            registry_path(path, sizeof path, "predicate.", SIZE_MAX, key);
            return bad(name, path, err, "not a field of this predicate");
        }
    }
    for (size_t i = 0; fs[i].name != NULL; i++) {
        registry_path(path, sizeof path, "predicate.", SIZE_MAX, fs[i].name);
        v = json_object_get(pred, fs[i].name);
        if (v == NULL) {
            if (fs[i].required)
                return dacc_error_field(err, DACC_ERR_NOTFOUND, name, 0, "field", path, "missing");
            continue;
        }
        dacc_status st = check_field(name, path, &fs[i], v, err);
        if (st != DACC_OK)
            return st;
    }
    if (kind == DACC_REGISTRY_DETERMINATION)
        return check_shares(name, pred, err);
    if (kind == DACC_REGISTRY_INCIDENT &&
        strcmp(json_string_value(json_object_get(pred, "report")), "update") == 0 &&
        json_object_get(pred, "initial") == NULL)
        return dacc_error_field(err, DACC_ERR_NOTFOUND, name, 0, "field", "predicate.initial",
                                "an update names the initial report (Art. 73(5))");
    return DACC_OK;
}

static dacc_status check_subjects(const char *name, const json_t *subj, dacc_error *err)
{
    if (!json_is_array(subj) || json_array_size(subj) == 0)
        return bad(name, "subject", err, "expected a non-empty array");
    if (json_array_size(subj) > DACC_REGISTRY_MAX_SUBJECTS)
        return dacc_error_field(err, DACC_ERR_LIMIT, name, 0, "field", "subject",
                                "more than %d subjects", DACC_REGISTRY_MAX_SUBJECTS);
    size_t i;
    const json_t *s;
    char p[DACC_ERROR_FIELD_MAX];
    json_array_foreach(subj, i, s)
    {
        const json_t *d = json_object_get(s, "digest");
        const json_t *h = json_object_get(d, "sha256");
        registry_path(p, sizeof p, "subject", i, ".digest.sha256");
        if (!json_is_object(s) || !json_is_string(json_object_get(s, "name")))
            return bad(name, p, err, "a subject is {\"name\": string, \"digest\": {...}}");
        if (!registry_hex64(json_string_value(h), json_string_length(h)))
            return bad(name, p, err, "expected 64 lowercase hex digits");
    }
    return DACC_OK;
}

dacc_status dacc_registry_statement_check(const char *name, const json_t *st,
                                          dacc_registry_kind *kind, dacc_error *err)
{
    if (!json_is_object(st))
        return bad(name, "", err, "a statement is a JSON object");
    const char *type = json_string_value(json_object_get(st, "_type"));
    if (type == NULL || strcmp(type, DACC_REGISTRY_STATEMENT) != 0)
        return bad(name, "_type", err, "expected \"" DACC_REGISTRY_STATEMENT "\"");
    dacc_status s = check_subjects(name, json_object_get(st, "subject"), err);
    if (s != DACC_OK)
        return s;
    const char *ptype = json_string_value(json_object_get(st, "predicateType"));
    dacc_registry_kind k;
    if (ptype == NULL || dacc_registry_kind_of_type(ptype, &k) != DACC_OK)
        return bad(name, "predicateType", err, "not a predicate type of the registry");
    const json_t *pred = json_object_get(st, "predicate");
    if (!json_is_object(pred))
        return bad(name, "predicate", err, "expected an object");
    s = k == DACC_REGISTRY_MODEL ? registry_check_model_signing(name, st, err)
                                 : check_dacc_predicate(name, k, pred, err);
    if (s == DACC_OK && kind != NULL)
        *kind = k;
    return s;
}

dacc_status dacc_registry_statement_new(dacc_registry_kind kind, const char *subject_name,
                                        const uint8_t digest[DACC_SHA256_BYTES],
                                        const json_t *predicate, json_t **out, dacc_error *err)
{
    char hex[DACC_SHA256_HEXLEN + 1];
    dacc_hex_encode(digest, DACC_SHA256_BYTES, hex);
    const char *ptype = dacc_registry_predicate_type(kind);
    if (ptype == NULL)
        return dacc_error_set(err, DACC_ERR_INVALID, "no such record kind");
    json_t *st = json_pack("{s:s, s:[{s:s, s:{s:s}}], s:s, s:O}", "_type", DACC_REGISTRY_STATEMENT,
                           "subject", "name", subject_name, "digest", "sha256", hex,
                           "predicateType", ptype, "predicate", predicate);
    if (st == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "building the statement");
    dacc_status s = dacc_registry_statement_check("statement", st, NULL, err);
    if (s != DACC_OK) {
        json_decref(st);
        return s;
    }
    *out = st;
    return DACC_OK;
}

/* ---- times ------------------------------------------------------------------ */

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

dacc_status dacc_registry_time_parse(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, se;
    if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || s[19] != 'Z' || !digits(s, 4, &y) || !digits(s + 5, 2, &mo) ||
        !digits(s + 8, 2, &d) || !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) ||
        !digits(s + 17, 2, &se))
        return DACC_ERR_PARSE;
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
        h > 23 || mi > 59 || se > 59)
        return DACC_ERR_RANGE;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return DACC_OK;
}
