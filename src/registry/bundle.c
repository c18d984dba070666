/* Sigstore bundles v0.3 (github.com/sigstore/protobuf-specs,
 * sigstore_bundle.proto) as model-signing writes them and as a Rekor v2 log
 * entry proves them, verified offline. ECDSA (P-256, P-384) and the X.509
 * and SubjectPublicKeyInfo decoding come from OpenSSL libcrypto, which
 * libsodium has no equivalent of; Ed25519 stays libsodium's. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "internal.h"

#define BUNDLE_MAX (32u << 20)
#define BLOB_MAX   (1u << 20)

static dacc_status bad(const char *name, const char *field, dacc_error *err, const char *why)
{
    return dacc_error_field(err, DACC_ERR_VERIFY, name, 0, "field", field, "%s", why);
}

/* Standard base64 (padded) of a JSON string into a new buffer. */
static dacc_status b64_field(const char *name, const char *field, const json_t *v, uint8_t **out,
                             size_t *len, dacc_error *err)
{
    const char *s = json_string_value(v);
    if (s == NULL)
        return dacc_error_field(err, DACC_ERR_NOTFOUND, name, 0, "field", field,
                                "missing or not a string");
    size_t n = json_string_length(v);
    uint8_t *b = malloc(n / 4 * 3 + 3);
    if (b == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "decoding %s", field);
    if (dacc_base64_decode(s, n, b, n / 4 * 3 + 3, len, NULL) != DACC_OK) {
        free(b);
        return dacc_error_field(err, DACC_ERR_PARSE, name, 0, "field", field, "malformed base64");
    }
    *out = b;
    return DACC_OK;
}

/* A public key from PEM or DER SubjectPublicKeyInfo. */
static EVP_PKEY *load_key(const void *key, size_t len)
{
    if (len > BLOB_MAX)
        return NULL;
    BIO *bio = BIO_new_mem_buf(key, (int)len);
    EVP_PKEY *k = bio != NULL ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (k == NULL) {
        const unsigned char *p = key;
        k = d2i_PUBKEY(NULL, &p, (long)len);
    }
    return k;
}

/* SHA-256 of the key's PEM SubjectPublicKeyInfo: model-signing's hint. */
static int key_hint(EVP_PKEY *k, uint8_t out[32])
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *p;
    int ok = bio != NULL && PEM_write_bio_PUBKEY(bio, k) == 1;
    long n = ok ? BIO_get_mem_data(bio, &p) : 0;
    if (n > 0)
        dacc_sha256(p, (size_t)n, out);
    BIO_free(bio);
    return n > 0;
}

/* Verifies sig over msg with k: ECDSA P-256 with SHA-256, P-384 with
 * SHA-384 (Sigstore's key details), or Ed25519. */
static dacc_status sig_verify(EVP_PKEY *k, const uint8_t *sig, size_t slen, const uint8_t *msg,
                              size_t mlen, const char *name, dacc_error *err)
{
    if (EVP_PKEY_get_base_id(k) == EVP_PKEY_ED25519) {
        uint8_t pk[32];
        size_t n = sizeof pk;
        if (EVP_PKEY_get_raw_public_key(k, pk, &n) != 1 || n != 32 || slen != 64 ||
            crypto_sign_verify_detached(sig, msg, mlen, pk) != 0)
            return bad(name, "signatures[0].sig", err, "the Ed25519 signature does not verify");
        return DACC_OK;
    }
    char group[64] = "";
    size_t glen = 0;
    if (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC ||
        EVP_PKEY_get_group_name(k, group, sizeof group, &glen) != 1)
        return dacc_error_set(err, DACC_ERR_UNSUPPORTED,
                              "%s: the key is neither ECDSA P-256/P-384 nor Ed25519", name);
    const EVP_MD *md = strcmp(group, "prime256v1") == 0  ? EVP_sha256()
                       : strcmp(group, "secp384r1") == 0 ? EVP_sha384()
                                                         : NULL;
    if (md == NULL)
        return dacc_error_set(err, DACC_ERR_UNSUPPORTED, "%s: ECDSA curve %s is not supported",
                              name, group);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c != NULL && EVP_DigestVerifyInit(c, NULL, md, NULL, k) == 1 &&
             EVP_DigestVerify(c, sig, slen, msg, mlen) == 1;
    EVP_MD_CTX_free(c);
    return ok ? DACC_OK
              : bad(name, "signatures[0].sig", err, "the ECDSA signature does not verify");
}

typedef struct {
    json_t *bundle;
    dacc_dsse_envelope *env;
    dacc_buf pae;
    json_t *statement;
} parsed;

static void parsed_clear(parsed *p)
{
    json_decref(p->bundle);
    dacc_dsse_free(p->env);
    dacc_buf_free(&p->pae);
    json_decref(p->statement);
}

static dacc_status parse_bundle(const char *name, const void *data, size_t len, parsed *p,
                                dacc_error *err)
{
    memset(p, 0, sizeof *p);
    dacc_buf_init(&p->pae, 0);
    if (len > BUNDLE_MAX)
        return dacc_error_set(err, DACC_ERR_LIMIT, "%s: a bundle over %u bytes", name, BUNDLE_MAX);
    dacc_status st = dacc_json_load_buffer(name, data, len, &p->bundle, err);
    if (st != DACC_OK)
        return st;
    const char *mt = json_string_value(json_object_get(p->bundle, "mediaType"));
    if (mt == NULL || strcmp(mt, DACC_REGISTRY_BUNDLE_TYPE) != 0)
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", "mediaType",
                                "expected \"" DACC_REGISTRY_BUNDLE_TYPE "\"");
    const json_t *env = json_object_get(p->bundle, "dsseEnvelope");
    if (!json_is_object(env))
        return dacc_error_field(err, DACC_ERR_NOTFOUND, name, 0, "field", "dsseEnvelope",
                                "missing (only DSSE bundles are read)");
    char *text = json_dumps(env, JSON_COMPACT);
    if (text == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "%s: the envelope", name);
    st = dacc_dsse_parse(name, text, strlen(text), &p->env, err);
    free(text);
    if (st != DACC_OK)
        return st;
    if (dacc_dsse_nsigs(p->env) != 1)
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", "dsseEnvelope.signatures",
                                "expected exactly one signature");
    size_t plen;
    const uint8_t *payload = dacc_dsse_payload(p->env, &plen);
    st = dacc_dsse_pae(dacc_dsse_type(p->env), payload, plen, &p->pae, err);
    if (st == DACC_OK)
        st = dacc_json_load_buffer(name, (const char *)payload, plen, &p->statement, err);
    return st;
}

static dacc_status check_envelope_sig(const char *name, parsed *p, EVP_PKEY *k, dacc_error *err)
{
    size_t slen;
    const uint8_t *sig = dacc_dsse_sig_bytes(p->env, 0, &slen);
    return sig_verify(k, sig, slen, (const uint8_t *)p->pae.data, p->pae.len, name, err);
}

dacc_status dacc_registry_bundle_verify(const char *name, const void *bundle, size_t len,
                                        const void *public_key, size_t key_len, json_t **statement,
                                        dacc_error *err)
{
    parsed p;
    dacc_status st = parse_bundle(name, bundle, len, &p, err);
    EVP_PKEY *k = st == DACC_OK ? load_key(public_key, key_len) : NULL;
    if (st == DACC_OK && k == NULL)
        st = dacc_error_set(err, DACC_ERR_PARSE,
                            "%s: the public key is not a PEM or DER SubjectPublicKeyInfo", name);
    const char *hint = json_string_value(json_object_get(
        json_object_get(json_object_get(p.bundle, "verificationMaterial"), "publicKey"), "hint"));
    if (st == DACC_OK && hint != NULL) {
        uint8_t h[32];
        char hex[65];
        if (!key_hint(k, h) || strcmp(dacc_hex_encode(h, 32, hex), hint) != 0)
            st = bad(name, "verificationMaterial.publicKey.hint", err,
                     "is not the SHA-256 of the key given (another key signed)");
    }
    if (st == DACC_OK)
        st = check_envelope_sig(name, &p, k, err);
    if (st == DACC_OK && strcmp(dacc_dsse_type(p.env), DACC_REGISTRY_PAYLOAD_TYPE) != 0)
        st = dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", "dsseEnvelope.payloadType",
                              "expected \"" DACC_REGISTRY_PAYLOAD_TYPE "\"");
    if (st == DACC_OK)
        st = dacc_registry_statement_check(name, p.statement, NULL, err);
    EVP_PKEY_free(k);
    if (st == DACC_OK && statement != NULL) {
        *statement = p.statement;
        p.statement = NULL;
    }
    parsed_clear(&p);
    return st;
}

/* ---- Rekor v2 ---------------------------------------------------------------- */

dacc_status dacc_registry_trusted_root(const char *name, const void *data, size_t len,
                                       dacc_registry_rekor_key *keys, size_t cap, size_t *n,
                                       dacc_error *err)
{
    json_t *root = NULL;
    dacc_status st = dacc_json_load_buffer(name, data, len, &root, err);
    if (st != DACC_OK)
        return st;
    *n = 0;
    size_t i;
    const json_t *t;
    json_array_foreach(json_object_get(root, "tlogs"), i, t)
    {
        const json_t *pk = json_object_get(t, "publicKey");
        const char *kd = json_string_value(json_object_get(pk, "keyDetails"));
        const char *url = json_string_value(json_object_get(t, "baseUrl"));
        if (kd == NULL || strcmp(kd, "PKIX_ED25519") != 0 || url == NULL)
            continue;
        uint8_t *der = NULL;
        size_t dlen = 0;
        st = b64_field(name, "tlogs[].publicKey.rawBytes", json_object_get(pk, "rawBytes"), &der,
                       &dlen, err);
        if (st != DACC_OK)
            break;
        const char *origin = strstr(url, "://") ? strstr(url, "://") + 3 : url;
        if (*n < cap && dlen == 44 && strlen(origin) <= DACC_TLOG_NAME_MAX) {
            dacc_registry_rekor_key *k = &keys[(*n)++];
            strcpy(k->origin, origin);
            memcpy(k->pk, der + 12, 32);
            uint8_t buf[DACC_TLOG_NAME_MAX + 34];
            size_t ol = strlen(origin);
            memcpy(buf, origin, ol);
            buf[ol] = '\n';
            buf[ol + 1] = DACC_TLOG_KEY_ED25519;
            memcpy(buf + ol + 2, k->pk, 32);
            dacc_sha256(buf, ol + 34, k->log_id);
        }
        free(der);
    }
    json_decref(root);
    return st;
}

/* The entry's body (hashedrekord 0.0.2) against the bundle: the digest of
 * PAE, the signature and the verifier's certificate. */
static dacc_status check_body(const char *name, const json_t *body, parsed *p, const uint8_t *cert,
                              size_t cert_len, dacc_error *err)
{
    const json_t *spec = json_object_get(json_object_get(body, "spec"), "hashedRekordV002");
    const char *kind = json_string_value(json_object_get(body, "kind"));
    const char *ver = json_string_value(json_object_get(body, "apiVersion"));
    if (kind == NULL || strcmp(kind, "hashedrekord") != 0 || ver == NULL ||
        strcmp(ver, "0.0.2") != 0 || spec == NULL)
        return dacc_error_set(err, DACC_ERR_UNSUPPORTED,
                              "%s: the tlog entry is not a hashedrekord 0.0.2 (Rekor v2)", name);
    const json_t *data = json_object_get(spec, "data");
    const char *alg = json_string_value(json_object_get(data, "algorithm"));
    uint8_t *d = NULL, *sig = NULL, *c = NULL;
    size_t dl = 0, sl = 0, cl = 0, esl;
    uint8_t pae_hash[32];
    dacc_sha256(p->pae.data, p->pae.len, pae_hash);
    const uint8_t *esig = dacc_dsse_sig_bytes(p->env, 0, &esl);
    const json_t *sj = json_object_get(spec, "signature");
    dacc_status st = b64_field(name, "canonicalizedBody.data.digest",
                               json_object_get(data, "digest"), &d, &dl, err);
    if (st == DACC_OK)
        st = b64_field(name, "canonicalizedBody.signature.content", json_object_get(sj, "content"),
                       &sig, &sl, err);
    if (st == DACC_OK)
        st = b64_field(
            name, "canonicalizedBody.signature.verifier.x509Certificate.rawBytes",
            json_object_get(json_object_get(json_object_get(sj, "verifier"), "x509Certificate"),
                            "rawBytes"),
            &c, &cl, err);
    if (st == DACC_OK &&
        (alg == NULL || strcmp(alg, "SHA2_256") != 0 || dl != 32 || memcmp(d, pae_hash, 32) != 0))
        st = bad(name, "canonicalizedBody.data.digest", err,
                 "is not the SHA-256 of the envelope's PAE (the payload or its type changed)");
    if (st == DACC_OK && (sl != esl || memcmp(sig, esig, sl) != 0))
        st = bad(name, "canonicalizedBody.signature.content", err,
                 "is not the envelope's signature");
    if (st == DACC_OK && (cl != cert_len || memcmp(c, cert, cl) != 0))
        st = bad(name, "canonicalizedBody.signature.verifier", err,
                 "is not the bundle's certificate");
    free(d);
    free(sig);
    free(c);
    return st;
}

static dacc_status decimal(const char *name, const char *field, const json_t *v, uint64_t *out,
                           dacc_error *err)
{
    const char *s = json_string_value(v);
    if (s == NULL || !dacc_decimal_strict(s, strlen(s), out))
        return dacc_error_field(err, DACC_ERR_PARSE, name, 0, "field", field,
                                "expected a decimal integer in a string");
    return DACC_OK;
}

/* The inclusion proof of the body's leaf and the checkpoint that signs
 * its root. */
static dacc_status check_proof(const char *name, const json_t *entry, const uint8_t *body,
                               size_t blen, const dacc_registry_rekor_key *keys, size_t nkeys,
                               dacc_error *err)
{
    const json_t *ip = json_object_get(entry, "inclusionProof");
    uint64_t index, size, eindex;
    dacc_status st =
        decimal(name, "inclusionProof.logIndex", json_object_get(ip, "logIndex"), &index, err);
    if (st == DACC_OK)
        st = decimal(name, "inclusionProof.treeSize", json_object_get(ip, "treeSize"), &size, err);
    if (st == DACC_OK)
        st = decimal(name, "logIndex", json_object_get(entry, "logIndex"), &eindex, err);
    if (st != DACC_OK)
        return st;
    if (eindex != index)
        return bad(name, "logIndex", err, "differs from the inclusion proof's");
    const json_t *hs = json_object_get(ip, "hashes");
    size_t n = json_array_size(hs);
    if (n > DACC_TLOG_MAX_PROOF)
        return bad(name, "inclusionProof.hashes", err, "too many hashes");
    uint8_t proof[DACC_TLOG_MAX_PROOF][32], root[32], leaf[32];
    size_t l;
    for (size_t i = 0; i < n; i++) {
        const char *h = json_string_value(json_array_get(hs, i));
        if (h == NULL || dacc_base64_decode(h, strlen(h), proof[i], 32, &l, NULL) != DACC_OK ||
            l != 32)
            return bad(name, "inclusionProof.hashes", err, "expected base64 of 32 bytes");
    }
    const char *rh = json_string_value(json_object_get(ip, "rootHash"));
    if (rh == NULL || dacc_base64_decode(rh, strlen(rh), root, 32, &l, NULL) != DACC_OK || l != 32)
        return bad(name, "inclusionProof.rootHash", err, "expected base64 of 32 bytes");
    dacc_tlog_leaf_hash(body, blen, leaf);
    if (dacc_tlog_verify_inclusion(leaf, index, size, (const uint8_t(*)[32])proof, n, root) !=
        DACC_OK)
        return bad(name, "inclusionProof", err,
                   "the entry's leaf hash is not in the tree of that root at that index");
    const char *note =
        json_string_value(json_object_get(json_object_get(ip, "checkpoint"), "envelope"));
    if (note == NULL)
        return dacc_error_field(err, DACC_ERR_NOTFOUND, name, 0, "field",
                                "inclusionProof.checkpoint.envelope", "missing");
    dacc_tlog_note nt;
    dacc_tlog_checkpoint cp;
    if (dacc_tlog_note_parse(note, strlen(note), &nt, NULL) != DACC_OK ||
        dacc_tlog_checkpoint_parse(nt.text, nt.text_len, &cp, NULL) != DACC_OK)
        return bad(name, "inclusionProof.checkpoint", err, "not a signed checkpoint note");
    if (cp.size != size || memcmp(cp.root, root, 32) != 0)
        return bad(name, "inclusionProof.checkpoint", err, "its size and root are not the proof's");
    uint8_t log_id[32];
    const char *lid = json_string_value(json_object_get(json_object_get(entry, "logId"), "keyId"));
    if (lid == NULL || dacc_base64_decode(lid, strlen(lid), log_id, 32, &l, NULL) != DACC_OK ||
        l != 32)
        return bad(name, "logId.keyId", err, "expected base64 of 32 bytes");
    for (size_t i = 0; i < nkeys; i++) {
        if (memcmp(keys[i].log_id, log_id, 32) != 0 || strcmp(keys[i].origin, cp.origin) != 0)
            continue;
        dacc_tlog_verifier v = { .type = DACC_TLOG_KEY_ED25519 };
        strcpy(v.name, keys[i].origin);
        v.id = (uint32_t)log_id[0] << 24 | (uint32_t)log_id[1] << 16 | (uint32_t)log_id[2] << 8 |
               log_id[3];
        memcpy(v.pk, keys[i].pk, 32);
        size_t count = 0;
        if (dacc_tlog_note_verify(&nt, &v, 1, NULL, NULL, &count, NULL) != DACC_OK || count != 1)
            return bad(name, "inclusionProof.checkpoint", err,
                       "the log's signature on the checkpoint does not verify");
        return DACC_OK;
    }
    return bad(name, "logId", err, "no trusted Rekor v2 key has this log id and origin");
}

static dacc_status rekor_entry(const char *name, parsed *p, const dacc_registry_rekor_key *keys,
                               size_t nkeys, dacc_error *err)
{
    const json_t *vm = json_object_get(p->bundle, "verificationMaterial");
    const json_t *entries = json_object_get(vm, "tlogEntries");
    if (json_array_size(entries) != 1)
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field",
                                "verificationMaterial.tlogEntries", "expected exactly one entry");
    uint8_t *cert = NULL, *body = NULL;
    size_t cl = 0, bl = 0;
    json_t *bj = NULL;
    const json_t *entry = json_array_get(entries, 0);
    dacc_status st =
        b64_field(name, "verificationMaterial.certificate.rawBytes",
                  json_object_get(json_object_get(vm, "certificate"), "rawBytes"), &cert, &cl, err);
    const unsigned char *cp = cert;
    X509 *x = st == DACC_OK ? d2i_X509(NULL, &cp, (long)cl) : NULL;
    EVP_PKEY *k = x != NULL ? X509_get0_pubkey(x) : NULL;
    if (st == DACC_OK && k == NULL)
        st = dacc_error_set(err, DACC_ERR_PARSE, "%s: the certificate is not X.509 DER", name);
    if (st == DACC_OK)
        st = check_envelope_sig(name, p, k, err);
    if (st == DACC_OK)
        st = b64_field(name, "canonicalizedBody", json_object_get(entry, "canonicalizedBody"),
                       &body, &bl, err);
    if (st == DACC_OK)
        st = dacc_json_load_buffer(name, (const char *)body, bl, &bj, err);
    if (st == DACC_OK)
        st = check_body(name, bj, p, cert, cl, err);
    if (st == DACC_OK)
        st = check_proof(name, entry, body, bl, keys, nkeys, err);
    json_decref(bj);
    X509_free(x);
    free(cert);
    free(body);
    return st;
}

dacc_status dacc_registry_rekor_verify(const char *name, const void *bundle, size_t len,
                                       const dacc_registry_rekor_key *keys, size_t nkeys,
                                       json_t **statement, dacc_error *err)
{
    parsed p;
    dacc_status st = parse_bundle(name, bundle, len, &p, err);
    if (st == DACC_OK)
        st = rekor_entry(name, &p, keys, nkeys, err);
    if (st == DACC_OK && statement != NULL) {
        *statement = p.statement;
        p.statement = NULL;
    }
    parsed_clear(&p);
    return st;
}

/* ---- bundles dacc writes ---------------------------------------------------- */

void dacc_registry_ed25519_pem(const uint8_t pk[32], char out[DACC_REGISTRY_PEM_MAX])
{
    /* SubjectPublicKeyInfo of an Ed25519 key (RFC 8410): a fixed prefix. */
    static const uint8_t prefix[12] = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                        0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };
    uint8_t der[44];
    char b64[61];
    memcpy(der, prefix, 12);
    memcpy(der + 12, pk, 32);
    dacc_base64_encode(der, 44, b64);
    snprintf(out, DACC_REGISTRY_PEM_MAX,
             "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n", b64);
}

dacc_status dacc_registry_bundle_new(const char *envelope, size_t len, const uint8_t pk[32],
                                     json_t **out, dacc_error *err)
{
    json_t *env = NULL;
    dacc_status st = dacc_json_load_buffer("envelope", envelope, len, &env, err);
    if (st != DACC_OK)
        return st;
    char pem[DACC_REGISTRY_PEM_MAX], hex[65];
    uint8_t h[32];
    dacc_registry_ed25519_pem(pk, pem);
    dacc_sha256(pem, strlen(pem), h);
    json_t *b = json_pack("{s:s, s:{s:{s:s}, s:[]}, s:o}", "mediaType", DACC_REGISTRY_BUNDLE_TYPE,
                          "verificationMaterial", "publicKey", "hint", dacc_hex_encode(h, 32, hex),
                          "tlogEntries", "dsseEnvelope", env);
    if (b == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "building the bundle");
    *out = b;
    return DACC_OK;
}
