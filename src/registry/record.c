/* Records: a statement in a one-signature DSSE envelope, and the log leaf
 * that stands for it when its payload is kept (or erased) beside the log. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/jcs.h"
#include "internal.h"

struct dacc_registry_record {
    dacc_registry_kind kind;
    json_t *statement;
    uint8_t digest[DACC_SHA256_BYTES];
    uint8_t signer[32];
    uint8_t sig[64];
    uint8_t (*subjects)[DACC_SHA256_BYTES];
    size_t nsubjects;
    dacc_buf envelope;
};

void dacc_registry_record_free(dacc_registry_record *r)
{
    if (r == NULL)
        return;
    json_decref(r->statement);
    free(r->subjects);
    dacc_buf_free(&r->envelope);
    free(r);
}

dacc_registry_kind dacc_registry_record_kind(const dacc_registry_record *r)
{
    return r->kind;
}
const json_t *dacc_registry_record_statement(const dacc_registry_record *r)
{
    return r->statement;
}
const uint8_t *dacc_registry_record_digest(const dacc_registry_record *r)
{
    return r->digest;
}
const uint8_t *dacc_registry_record_signer(const dacc_registry_record *r)
{
    return r->signer;
}
const char *dacc_registry_record_envelope(const dacc_registry_record *r, size_t *len)
{
    *len = r->envelope.len;
    return r->envelope.data;
}

dacc_status registry_pae_hash(const char *type, const void *payload, size_t len,
                              uint8_t out[DACC_SHA256_BYTES], dacc_error *err)
{
    dacc_buf pae;
    dacc_buf_init(&pae, 0);
    dacc_status st = dacc_dsse_pae(type, payload, len, &pae, err);
    if (st == DACC_OK)
        dacc_sha256(pae.data, pae.len, out);
    dacc_buf_free(&pae);
    return st;
}

dacc_status registry_subjects(const json_t *st, uint8_t (**out)[DACC_SHA256_BYTES], size_t *n,
                              dacc_error *err)
{
    const json_t *subj = json_object_get(st, "subject");
    size_t k = json_array_size(subj);
    uint8_t(*d)[DACC_SHA256_BYTES] = calloc(k ? k : 1, sizeof *d);
    if (d == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "subjects");
    for (size_t i = 0; i < k; i++) {
        const char *h = json_string_value(
            json_object_get(json_object_get(json_array_get(subj, i), "digest"), "sha256"));
        dacc_hex_decode(h, 64, d[i], 32, NULL);
    }
    *out = d;
    *n = k;
    return DACC_OK;
}

/* The key a statement names as its author, as hex; for a model-signing
 * statement (no author field) NULL: its signer is the keyid. */
static const char *author_hex(dacc_registry_kind k, const json_t *st)
{
    const char *f = dacc_registry_author_field(k);
    return f == NULL ? NULL
                     : json_string_value(json_object_get(json_object_get(st, "predicate"), f));
}

dacc_status dacc_registry_sign(const json_t *statement, const uint8_t sk[64], dacc_buf *out,
                               dacc_error *err)
{
    dacc_registry_kind kind;
    dacc_status st = dacc_registry_statement_check("statement", statement, &kind, err);
    if (st != DACC_OK)
        return st;
    char pkhex[65];
    dacc_hex_encode(sk + 32, 32, pkhex);
    const char *author = author_hex(kind, statement);
    if (author != NULL && strcmp(author, pkhex) != 0)
        return dacc_error_field(err, DACC_ERR_INVALID, "statement", 0, "field",
                                dacc_registry_author_field(kind),
                                "is not the signing key's public key %s", pkhex);
    dacc_buf payload;
    dacc_buf_init(&payload, DACC_DSSE_MAX_PAYLOAD);
    st = dacc_jcs_write(statement, &payload, err);
    dacc_dsse_envelope *e = NULL;
    if (st == DACC_OK)
        st = dacc_dsse_new(DACC_REGISTRY_PAYLOAD_TYPE, payload.data, payload.len, &e, err);
    if (st == DACC_OK)
        st = dacc_dsse_sign(e, sk, pkhex, err);
    if (st == DACC_OK)
        st = dacc_dsse_write(e, out, err);
    dacc_dsse_free(e);
    dacc_buf_free(&payload);
    return st;
}

static dacc_status open_envelope(const char *name, dacc_dsse_envelope *e, dacc_registry_record *r,
                                 dacc_error *err)
{
    if (strcmp(dacc_dsse_type(e), DACC_REGISTRY_PAYLOAD_TYPE) != 0)
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", "payloadType",
                                "expected \"" DACC_REGISTRY_PAYLOAD_TYPE "\"");
    if (dacc_dsse_nsigs(e) != 1)
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", "signatures",
                                "a record carries exactly one signature, its author's");
    size_t plen, slen;
    const uint8_t *payload = dacc_dsse_payload(e, &plen);
    dacc_status st = dacc_jcs_parse_strict(name, (const char *)payload, plen, &r->statement, err);
    if (st != DACC_OK)
        return st;
    st = dacc_registry_statement_check(name, r->statement, &r->kind, err);
    if (st != DACC_OK)
        return st;
    const char *author = author_hex(r->kind, r->statement);
    if (author == NULL)
        author = dacc_dsse_sig_keyid(e, 0);
    if (!registry_hex64(author, strlen(author)))
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", "signatures[0].keyid",
                                "a model-signing record names its Ed25519 key in hex");
    dacc_hex_decode(author, 64, r->signer, 32, NULL);
    const uint8_t *sig = dacc_dsse_sig_bytes(e, 0, &slen);
    size_t valid = 0;
    if (slen != 64 ||
        dacc_dsse_verify(e, (const uint8_t(*)[32])r->signer, 1, 1, &valid, NULL) != DACC_OK)
        return dacc_error_field(err, DACC_ERR_VERIFY, name, 0, "field", "signatures[0].sig",
                                "not a valid Ed25519 signature by the author %s", author);
    memcpy(r->sig, sig, 64);
    st = registry_pae_hash(DACC_REGISTRY_PAYLOAD_TYPE, payload, plen, r->digest, err);
    if (st == DACC_OK)
        st = registry_subjects(r->statement, &r->subjects, &r->nsubjects, err);
    if (st == DACC_OK)
        st = dacc_dsse_write(e, &r->envelope, err);
    return st;
}

dacc_status dacc_registry_record_open(const char *name, const void *envelope, size_t len,
                                      dacc_registry_record **out, dacc_error *err)
{
    dacc_registry_record *r = calloc(1, sizeof *r);
    if (r == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "record");
    dacc_buf_init(&r->envelope, DACC_DSSE_MAX_ENVELOPE);
    dacc_dsse_envelope *e = NULL;
    dacc_status st = dacc_dsse_parse(name, envelope, len, &e, err);
    if (st == DACC_OK)
        st = open_envelope(name, e, r, err);
    dacc_dsse_free(e);
    if (st != DACC_OK) {
        dacc_registry_record_free(r);
        return st;
    }
    *out = r;
    return DACC_OK;
}

/* ---- leaves ----------------------------------------------------------------- */

dacc_status dacc_registry_leaf_write(const dacc_registry_record *r, dacc_buf *out, dacc_error *err)
{
    char d[65], s[65], b64[89];
    dacc_hex_encode(r->digest, 32, d);
    dacc_hex_encode(r->signer, 32, s);
    dacc_base64_encode(r->sig, 64, b64);
    json_t *subj = json_array();
    for (size_t i = 0; subj != NULL && i < r->nsubjects; i++) {
        char h[65];
        dacc_hex_encode(r->subjects[i], 32, h);
        if (json_array_append_new(subj, json_string(h)) != 0) {
            json_decref(subj);
            subj = NULL;
        }
    }
    json_t *leaf = subj == NULL ? NULL
                                : json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "kind",
                                            DACC_REGISTRY_LEAF_KIND, "pae_sha256", d,
                                            "predicate_type", dacc_registry_predicate_type(r->kind),
                                            "signature", b64, "signer", s, "subjects", subj);
    if (leaf == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "building the leaf");
    dacc_status st = dacc_jcs_write(leaf, out, err);
    json_decref(leaf);
    return st;
}

void dacc_registry_leaf_clear(dacc_registry_leaf *leaf)
{
    free(leaf->subjects);
    memset(leaf, 0, sizeof *leaf);
}

static dacc_status leaf_hex(const char *name, const json_t *o, const char *f, uint8_t out[32],
                            dacc_error *err)
{
    const json_t *v = json_object_get(o, f);
    if (!registry_hex64(json_string_value(v), json_string_length(v)))
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", f,
                                "expected 64 lowercase hex digits");
    return dacc_hex_decode(json_string_value(v), 64, out, 32, err);
}

static dacc_status leaf_fields(const char *name, const json_t *o, dacc_registry_leaf *leaf,
                               dacc_error *err)
{
    if (!json_is_object(o) || json_object_size(o) != 6)
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", "",
                                "a leaf is an object of exactly six members");
    const char *k = json_string_value(json_object_get(o, "kind"));
    if (k == NULL || strcmp(k, DACC_REGISTRY_LEAF_KIND) != 0)
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", "kind",
                                "expected \"" DACC_REGISTRY_LEAF_KIND "\"");
    const char *pt = json_string_value(json_object_get(o, "predicate_type"));
    if (pt == NULL || dacc_registry_kind_of_type(pt, &leaf->kind) != DACC_OK)
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", "predicate_type",
                                "not a predicate type of the registry");
    dacc_status st = leaf_hex(name, o, "pae_sha256", leaf->digest, err);
    if (st == DACC_OK)
        st = leaf_hex(name, o, "signer", leaf->signer, err);
    if (st != DACC_OK)
        return st;
    const json_t *sig = json_object_get(o, "signature");
    size_t n = 0;
    if (!json_is_string(sig) ||
        dacc_base64_decode(json_string_value(sig), json_string_length(sig), leaf->sig, 64, &n,
                           NULL) != DACC_OK ||
        n != 64)
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", "signature",
                                "expected the base64 of a 64-byte Ed25519 signature");
    const json_t *subj = json_object_get(o, "subjects");
    size_t ns = json_array_size(subj);
    if (!json_is_array(subj) || ns == 0 || ns > DACC_REGISTRY_MAX_SUBJECTS)
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", "subjects",
                                "expected 1 to %d digests", DACC_REGISTRY_MAX_SUBJECTS);
    leaf->subjects = calloc(ns, sizeof *leaf->subjects);
    if (leaf->subjects == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "leaf subjects");
    leaf->nsubjects = ns;
    for (size_t i = 0; i < ns; i++) {
        const json_t *h = json_array_get(subj, i);
        if (!registry_hex64(json_string_value(h), json_string_length(h)))
            return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", "subjects",
                                    "expected 64 lowercase hex digits");
        dacc_hex_decode(json_string_value(h), 64, leaf->subjects[i], 32, NULL);
    }
    return DACC_OK;
}

dacc_status dacc_registry_leaf_parse(const char *name, const void *data, size_t len,
                                     dacc_registry_leaf *leaf, dacc_error *err)
{
    memset(leaf, 0, sizeof *leaf);
    json_t *o = NULL;
    dacc_status st = dacc_jcs_parse_strict(name, data, len, &o, err);
    if (st == DACC_OK)
        st = leaf_fields(name, o, leaf, err);
    json_decref(o);
    if (st != DACC_OK)
        dacc_registry_leaf_clear(leaf);
    return st;
}

dacc_status dacc_registry_leaf_match(const dacc_registry_leaf *leaf, const dacc_registry_record *r,
                                     dacc_error *err)
{
    const char *what = NULL;
    if (memcmp(leaf->digest, r->digest, 32) != 0)
        what = "the payload's PAE hash";
    else if (memcmp(leaf->signer, r->signer, 32) != 0)
        what = "the signer";
    else if (sodium_memcmp(leaf->sig, r->sig, 64) != 0)
        what = "the signature";
    else if (leaf->kind != r->kind)
        what = "the predicate type";
    else if (leaf->nsubjects != r->nsubjects ||
             memcmp(leaf->subjects, r->subjects, 32 * r->nsubjects) != 0)
        what = "the subjects";
    if (what != NULL)
        return dacc_error_set(err, DACC_ERR_VERIFY, "the record does not match its leaf: %s", what);
    return DACC_OK;
}
