/* C2SP signed notes: keys, parsing, verification and signing, with the
 * checks of Go's golang.org/x/mod/sumdb/note. No heap use. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/tlog.h"

static const char dash[] = "\xE2\x80\x94 "; /* "— " */

static uint32_t key_id(const char *name, size_t len, uint8_t type, const uint8_t pk[32])
{
    crypto_hash_sha256_state st;
    uint8_t h[32], nl = '\n';
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)name, len);
    crypto_hash_sha256_update(&st, &nl, 1);
    crypto_hash_sha256_update(&st, &type, 1);
    crypto_hash_sha256_update(&st, pk, 32);
    crypto_hash_sha256_final(&st, h);
    return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

/* Unicode White_Space in UTF-8 (Go's unicode.IsSpace), at s[0..avail). */
static size_t space_len(const unsigned char *s, size_t avail)
{
    static const char *const wide[] = {
        "\xC2\x85",     "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\xA8",
        "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80",
    };
    if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        return 1;
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++) {
        size_t n = strlen(wide[i]);
        if (avail >= n && memcmp(s, wide[i], n) == 0)
            return n;
    }
    if (avail >= 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] >= 0x80 && s[2] <= 0x8A)
        return 3; /* U+2000..U+200A */
    return 0;
}

/* Go's isValidName (non-empty UTF-8 without spaces or '+'), and no NUL,
 * which would cut the name short for C callers. */
static int valid_name(const char *name, size_t len)
{
    if (len == 0 || len > DACC_TLOG_NAME_MAX || !dacc_text_valid(name, len, NULL))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (name[i] == '+' || space_len((const unsigned char *)name + i, len - i))
            return 0;
    return 1;
}

static dacc_status fill_verifier(const char *name, size_t len, uint8_t type, const uint8_t pk[32],
                                 dacc_tlog_verifier *v, dacc_error *err)
{
    if (!valid_name(name, len))
        return dacc_error_set(err, DACC_ERR_PARSE, "invalid key name");
    if (type != DACC_TLOG_KEY_ED25519 && type != DACC_TLOG_KEY_COSIGN)
        return dacc_error_set(err, DACC_ERR_UNSUPPORTED, "unknown key type 0x%02x", type);
    /* All of it, padding and the bytes after the name's NUL included: a
     * key is copied whole into roots and device states, which are compared
     * and stored byte for byte, and must not carry stale stack bytes. */
    memset(v, 0, sizeof *v);
    memcpy(v->name, name, len);
    v->name[len] = '\0';
    v->type = type;
    memcpy(v->pk, pk, 32);
    v->id = key_id(name, len, type, pk);
    return DACC_OK;
}

dacc_status dacc_tlog_signer_from_seed(const char *name, uint8_t type, const uint8_t seed[32],
                                       dacc_tlog_signer *out, dacc_error *err)
{
    uint8_t pk[32];
    crypto_sign_ed25519_seed_keypair(pk, out->sk, seed);
    return fill_verifier(name, strlen(name), type, pk, &out->v, err);
}

dacc_status dacc_tlog_keygen(const char *name, uint8_t type, dacc_tlog_signer *out, dacc_error *err)
{
    uint8_t seed[32];
    randombytes_buf(seed, sizeof seed);
    dacc_status st = dacc_tlog_signer_from_seed(name, type, seed, out, err);
    sodium_memzero(seed, sizeof seed);
    return st;
}

/* Splits "NAME+HEX8+BASE64" (after any prefix) and decodes the key bytes. */
static dacc_status split_key(const char *s, size_t len, const char **name, size_t *name_len,
                             uint32_t *id, uint8_t key[33], dacc_error *err)
{
    const char *p1 = memchr(s, '+', len);
    const char *p2 = p1 ? memchr(p1 + 1, '+', len - (size_t)(p1 + 1 - s)) : NULL;
    if (p2 == NULL || p2 - p1 != 9)
        return dacc_error_set(err, DACC_ERR_PARSE, "malformed key: expected NAME+HASH+KEY");
    uint8_t idb[4];
    if (dacc_hex_decode(p1 + 1, 8, idb, 4, NULL) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_PARSE, "malformed key: bad key hash");
    size_t klen;
    if (dacc_base64_decode(p2 + 1, len - (size_t)(p2 + 1 - s), key, 33, &klen, NULL) != DACC_OK ||
        klen != 33)
        return dacc_error_set(err, DACC_ERR_PARSE, "malformed key: bad key data");
    *name = s;
    *name_len = (size_t)(p1 - s);
    *id = (uint32_t)idb[0] << 24 | (uint32_t)idb[1] << 16 | (uint32_t)idb[2] << 8 | idb[3];
    return DACC_OK;
}

dacc_status dacc_tlog_verifier_parse(const char *vkey, size_t len, dacc_tlog_verifier *out,
                                     dacc_error *err)
{
    const char *name;
    size_t nlen;
    uint32_t id;
    uint8_t key[33];
    dacc_tlog_verifier v;
    dacc_status st = split_key(vkey, len, &name, &nlen, &id, key, err);
    if (st == DACC_OK)
        st = fill_verifier(name, nlen, key[0], key + 1, &v, err);
    if (st == DACC_OK && v.id != id)
        st = dacc_error_set(
            err, DACC_ERR_VERIFY,
            "malformed key: hash %08" PRIx32 " does not match the key (%08" PRIx32 ")", id, v.id);
    if (st == DACC_OK)
        *out = v; /* untouched on failure */
    return st;
}

dacc_status dacc_tlog_signer_parse(const char *skey, size_t len, dacc_tlog_signer *out,
                                   dacc_error *err)
{
    static const char prefix[] = "PRIVATE+KEY+";
    if (len < sizeof prefix - 1 || memcmp(skey, prefix, sizeof prefix - 1) != 0)
        return dacc_error_set(err, DACC_ERR_PARSE, "malformed private key: no PRIVATE+KEY+");
    const char *name;
    size_t nlen;
    uint32_t id;
    uint8_t key[33], pk[32];
    dacc_tlog_signer s;
    dacc_status st =
        split_key(skey + sizeof prefix - 1, len - (sizeof prefix - 1), &name, &nlen, &id, key, err);
    if (st == DACC_OK) {
        crypto_sign_ed25519_seed_keypair(pk, s.sk, key + 1);
        st = fill_verifier(name, nlen, key[0], pk, &s.v, err);
    }
    if (st == DACC_OK && s.v.id != id)
        st = dacc_error_set(err, DACC_ERR_VERIFY, "malformed private key: hash does not match");
    if (st == DACC_OK)
        *out = s;
    sodium_memzero(key, sizeof key);
    sodium_memzero(&s, sizeof s);
    return st;
}

void dacc_tlog_verifier_format(const dacc_tlog_verifier *v, char out[DACC_TLOG_KEY_TEXT_MAX])
{
    uint8_t key[33];
    char b64[64];
    key[0] = v->type;
    memcpy(key + 1, v->pk, 32);
    snprintf(out, DACC_TLOG_KEY_TEXT_MAX, "%s+%08" PRIx32 "+%s", v->name, v->id,
             dacc_base64_encode(key, 33, b64));
}

void dacc_tlog_signer_format(const dacc_tlog_signer *s, char out[DACC_TLOG_KEY_TEXT_MAX])
{
    uint8_t key[33];
    char b64[64];
    key[0] = s->v.type;
    memcpy(key + 1, s->sk, 32); /* the seed */
    snprintf(out, DACC_TLOG_KEY_TEXT_MAX, "PRIVATE+KEY+%s+%08" PRIx32 "+%s", s->v.name, s->v.id,
             dacc_base64_encode(key, 33, b64));
    sodium_memzero(key, sizeof key);
    sodium_memzero(b64, sizeof b64);
}

static dacc_status malformed(dacc_error *err, const char *why)
{
    return dacc_error_set(err, DACC_ERR_PARSE, "malformed note: %s", why);
}

static dacc_status parse_sig_line(const char *line, size_t len, dacc_tlog_sig *sig, dacc_error *err)
{
    size_t dl = sizeof dash - 1;
    sig->line = line;
    sig->line_len = len;
    if (len < dl || memcmp(line, dash, dl) != 0)
        return malformed(err, "a signature line must start with an em dash and a space");
    line += dl;
    len -= dl;
    const char *sp = memchr(line, ' ', len);
    if (sp == NULL || !valid_name(line, (size_t)(sp - line)))
        return malformed(err, "bad signer name");
    const char *b64 = sp + 1;
    size_t blen = len - (size_t)(b64 - line);
    uint8_t raw[4 + DACC_TLOG_SIG_MAX];
    size_t n = 0;
    dacc_status st = dacc_base64_decode(b64, blen, raw, sizeof raw, &n, NULL);
    if (st == DACC_ERR_LIMIT) {
        n = sizeof raw + 1; /* longer than any signature a known key makes */
    } else if (st != DACC_OK || blen == 0 || n < 5) {
        return malformed(err, "bad signature encoding");
    }
    sig->name = line;
    sig->name_len = (size_t)(sp - line);
    if (n > sizeof raw) {
        uint8_t head[4];
        size_t got;
        /* Only the key ID is needed from an oversized signature. */
        if (dacc_base64_decode(b64, 8, head, sizeof head, &got, NULL) != DACC_OK || got < 4)
            return malformed(err, "bad signature encoding");
        memcpy(raw, head, 4);
        sig->sig_len = 0;
    } else {
        sig->sig_len = n - 4;
        memcpy(sig->sig, raw + 4, n - 4);
    }
    sig->id = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 | (uint32_t)raw[2] << 8 | raw[3];
    return DACC_OK;
}

dacc_status dacc_tlog_note_parse(const char *msg, size_t len, dacc_tlog_note *note, dacc_error *err)
{
    if (!dacc_utf8_valid(msg, len, NULL))
        return malformed(err, "not UTF-8");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)msg[i] < 0x20 && msg[i] != '\n')
            return malformed(err, "control character");
    size_t split = len;
    for (size_t i = len; i-- > 1;)
        if (msg[i] == '\n' && msg[i - 1] == '\n') {
            split = i - 1;
            break;
        }
    if (split == len)
        return malformed(err, "no blank line before the signatures");
    note->text = msg;
    note->text_len = split + 1;
    const char *sigs = msg + split + 2;
    size_t slen = len - (split + 2);
    if (slen == 0 || sigs[slen - 1] != '\n')
        return malformed(err, "the signature block must end in a newline");
    note->nsigs = 0;
    while (slen > 0) {
        const char *nl = memchr(sigs, '\n', slen);
        size_t ll = (size_t)(nl - sigs);
        if (note->nsigs == DACC_TLOG_NOTE_SIGS)
            return malformed(err, "more than 100 signatures");
        dacc_status st = parse_sig_line(sigs, ll, &note->sigs[note->nsigs], err);
        if (st != DACC_OK)
            return st;
        note->nsigs++;
        sigs += ll + 1;
        slen -= ll + 1;
    }
    return DACC_OK;
}

static int name_is(const dacc_tlog_sig *s, const dacc_tlog_verifier *v)
{
    return strlen(v->name) == s->name_len && memcmp(v->name, s->name, s->name_len) == 0 &&
           v->id == s->id;
}

/* "cosignature/v1\ntime T\n" into msg (64 bytes); no stdio, so the
 * soft-pause device verifier can use it. Returns the length. */
static size_t cosign_header(char *msg, uint64_t t)
{
    static const char head[] = "cosignature/v1\ntime ";
    char digits[24];
    size_t n = 0, len = sizeof head - 1;
    do {
        digits[n++] = (char)('0' + t % 10);
        t /= 10;
    } while (t > 0);
    memcpy(msg, head, len);
    while (n > 0)
        msg[len++] = digits[--n];
    msg[len++] = '\n';
    return len;
}

static int check_one(const dacc_tlog_note *note, const dacc_tlog_sig *s,
                     const dacc_tlog_verifier *v, uint64_t *time)
{
    if (v->type == DACC_TLOG_KEY_ED25519)
        return s->sig_len == 64 && crypto_sign_verify_detached(s->sig, (const uint8_t *)note->text,
                                                               note->text_len, v->pk) == 0;
    if (s->sig_len != 72 || note->text_len > DACC_TLOG_COSIGN_TEXT_MAX)
        return 0;
    uint64_t t = 0;
    for (int i = 0; i < 8; i++)
        t = t << 8 | s->sig[i];
    if (t > INT64_MAX)
        return 0;
    char msg[64 + DACC_TLOG_COSIGN_TEXT_MAX];
    size_t head = cosign_header(msg, t);
    memcpy(msg + head, note->text, note->text_len);
    *time = t;
    return crypto_sign_verify_detached(s->sig + 8, (const uint8_t *)msg, head + note->text_len,
                                       v->pk) == 0;
}

dacc_status dacc_tlog_note_verify(const dacc_tlog_note *note, const dacc_tlog_verifier *known,
                                  size_t nknown, bool *verified, uint64_t *cosign_time,
                                  size_t *count, dacc_error *err)
{
    size_t good = 0;
    *count = 0;
    if (verified != NULL)
        memset(verified, 0, nknown * sizeof *verified);
    for (size_t i = 0; i < note->nsigs; i++) {
        const dacc_tlog_sig *s = &note->sigs[i];
        size_t k = nknown;
        for (size_t j = 0; j < nknown && k == nknown; j++)
            if (name_is(s, &known[j]))
                k = j;
        if (k == nknown)
            continue; /* an unknown key: an unverified signature */
        uint64_t t = 0;
        if (!check_one(note, s, &known[k], &t))
            return dacc_error_set(err, DACC_ERR_VERIFY, "invalid signature for key %s+%08" PRIx32,
                                  known[k].name, known[k].id);
        int dup = 0;
        for (size_t j = 0; j < i; j++)
            dup |= name_is(&note->sigs[j], &known[k]);
        if (dup)
            continue;
        good++;
        if (verified != NULL)
            verified[k] = true;
        if (cosign_time != NULL)
            cosign_time[k] = t;
    }
    *count = good;
    return good > 0 ? DACC_OK : dacc_error_set(err, DACC_ERR_NOTFOUND, "no verifiable signature");
}

dacc_status dacc_tlog_note_sign(const char *text, size_t len, const dacc_tlog_signer *s,
                                uint64_t time, char line[DACC_TLOG_KEY_TEXT_MAX], dacc_error *err)
{
    if (len == 0 || text[len - 1] != '\n')
        return malformed(err, "the text must end in a newline");
    uint8_t raw[4 + DACC_TLOG_SIG_MAX];
    size_t n;
    raw[0] = (uint8_t)(s->v.id >> 24);
    raw[1] = (uint8_t)(s->v.id >> 16);
    raw[2] = (uint8_t)(s->v.id >> 8);
    raw[3] = (uint8_t)s->v.id;
    if (s->v.type == DACC_TLOG_KEY_COSIGN) {
        if (len > DACC_TLOG_COSIGN_TEXT_MAX || time > INT64_MAX)
            return dacc_error_set(err, DACC_ERR_LIMIT, "checkpoint too long to cosign");
        char msg[64 + DACC_TLOG_COSIGN_TEXT_MAX];
        size_t head = cosign_header(msg, time);
        memcpy(msg + head, text, len);
        for (int i = 0; i < 8; i++)
            raw[4 + i] = (uint8_t)(time >> (56 - 8 * i));
        crypto_sign_detached(raw + 12, NULL, (const uint8_t *)msg, head + len, s->sk);
        n = 4 + 72;
    } else {
        crypto_sign_detached(raw + 4, NULL, (const uint8_t *)text, len, s->sk);
        n = 4 + 64;
    }
    char b64[128];
    snprintf(line, DACC_TLOG_KEY_TEXT_MAX, "%s%s %s\n", dash, s->v.name,
             dacc_base64_encode(raw, n, b64));
    return DACC_OK;
}

size_t dacc_tlog_note_build(const char *text, size_t len, const dacc_tlog_signer *const *signers,
                            size_t n, uint64_t time, char *out, size_t cap)
{
    if (len + 2 > cap)
        return 0;
    memcpy(out, text, len);
    out[len] = '\n';
    size_t used = len + 1;
    for (size_t i = 0; i < n; i++) {
        char line[DACC_TLOG_KEY_TEXT_MAX];
        if (dacc_tlog_note_sign(text, len, signers[i], time, line, NULL) != DACC_OK)
            return 0;
        size_t ll = strlen(line);
        if (used + ll >= cap)
            return 0;
        memcpy(out + used, line, ll);
        used += ll;
    }
    out[used] = '\0';
    return used;
}
