/* The witness's checks before it cosigns a checkpoint. */
#include <inttypes.h>
#include <sodium.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/tlog.h"

#define HB DACC_TLOG_HASH_BYTES

dacc_status dacc_tlog_checkpoint_follows(const dacc_tlog_checkpoint *old,
                                         const dacc_tlog_checkpoint *cp,
                                         const dacc_tlog_proof *proof, dacc_error *err)
{
    if (strcmp(old->origin, cp->origin) != 0)
        return dacc_error_set(err, DACC_ERR_VERIFY, "origin %s differs from the one cosigned, %s",
                              cp->origin, old->origin);
    if (cp->size < old->size)
        return dacc_error_set(err, DACC_ERR_STATE,
                              "checkpoint older than one already seen: size %" PRIu64 " < %" PRIu64,
                              cp->size, old->size);
    if (cp->size == old->size)
        return sodium_memcmp(cp->root, old->root, HB) == 0
                   ? DACC_OK
                   : dacc_error_set(err, DACC_ERR_VERIFY,
                                    "two different roots for size %" PRIu64 ": the log forked",
                                    cp->size);
    if (proof == NULL)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "a consistency proof from size %" PRIu64 " is needed", old->size);
    if (!proof->consistency || proof->a != old->size || proof->size != cp->size)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "not a consistency proof from %" PRIu64 " to %" PRIu64, old->size,
                              cp->size);
    dacc_status st = dacc_tlog_verify_consistency(
        proof->a, proof->size, (const uint8_t(*)[HB])proof->hash, proof->n, old->root, cp->root);
    if (st != DACC_OK)
        return dacc_error_set(err, st, "%s",
                              st == DACC_ERR_PARSE ? "consistency proof of the wrong length"
                                                   : "the consistency proof does not verify");
    return DACC_OK;
}

dacc_status dacc_tlog_witness_cosign(const dacc_tlog_signer *witness,
                                     const dacc_tlog_verifier *log_key, const char *old_body,
                                     size_t old_len, const char *note, size_t len,
                                     const dacc_tlog_proof *proof, uint64_t time,
                                     char line[DACC_TLOG_KEY_TEXT_MAX], dacc_error *err)
{
    if (witness->v.type != DACC_TLOG_KEY_COSIGN)
        return dacc_error_set(err, DACC_ERR_INVALID, "not a witness (cosignature) key");
    dacc_tlog_note n;
    dacc_tlog_checkpoint cp, old;
    size_t count;
    dacc_status st = dacc_tlog_note_parse(note, len, &n, err);
    if (st == DACC_OK)
        st = dacc_tlog_note_verify(&n, log_key, 1, NULL, NULL, &count, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(n.text, n.text_len, &cp, err);
    if (st == DACC_OK && old_body != NULL) {
        st = dacc_tlog_checkpoint_parse(old_body, old_len, &old, err);
        if (st == DACC_OK)
            st = dacc_tlog_checkpoint_follows(&old, &cp, proof, err);
    }
    if (st == DACC_OK)
        st = dacc_tlog_note_sign(n.text, n.text_len, witness, time, line, err);
    return st;
}

/* ---- add-checkpoint (c2sp.org/tlog-witness) ---- */

static const char *line_end(const char *s, const char *end)
{
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    return nl;
}

dacc_status dacc_tlog_witness_request_parse(const char *body, size_t len,
                                            dacc_tlog_witness_request *r, dacc_error *err)
{
    const char *p = body, *end = body + len, *nl = line_end(p, end);
    memset(r, 0, sizeof *r);
    if (nl == NULL || nl - p < 5 || strncmp(p, "old ", 4) != 0)
        return dacc_error_set(err, DACC_ERR_PARSE, "add-checkpoint: expected \"old SIZE\" first");
    const char *d = p + 4;
    size_t dl = (size_t)(nl - d);
    if (dl == 0 || dl > 20 || (dl > 1 && d[0] == '0') || strspn(d, "0123456789") < dl)
        return dacc_error_set(err, DACC_ERR_PARSE, "add-checkpoint: old size is not a number");
    for (size_t i = 0; i < dl; i++) {
        uint64_t digit = (uint64_t)(d[i] - '0');
        if (r->old > (UINT64_MAX - digit) / 10)
            return dacc_error_set(err, DACC_ERR_PARSE, "add-checkpoint: old size too large");
        r->old = r->old * 10 + digit;
    }
    for (p = nl + 1; (nl = line_end(p, end)) != NULL && nl > p; p = nl + 1) {
        if (r->n == DACC_TLOG_WITNESS_MAX_PROOF)
            return dacc_error_set(err, DACC_ERR_PARSE,
                                  "add-checkpoint: more than 63 consistency proof lines");
        size_t got;
        if (dacc_base64_decode(p, (size_t)(nl - p), r->proof[r->n], HB, &got, NULL) != DACC_OK ||
            got != HB)
            return dacc_error_set(err, DACC_ERR_PARSE,
                                  "add-checkpoint: proof line %zu is not a base64 hash", r->n + 1);
        r->n++;
    }
    if (nl == NULL)
        return dacc_error_set(err, DACC_ERR_PARSE,
                              "add-checkpoint: no empty line before the checkpoint");
    r->note = nl + 1;
    r->note_len = (size_t)(end - r->note);
    return DACC_OK;
}

size_t dacc_tlog_witness_request_format(const dacc_tlog_witness_request *r, char *out, size_t cap)
{
    size_t o = 0;
    int w = snprintf(out, cap, "old %" PRIu64 "\n", r->old);
    if (w < 0 || (size_t)w >= cap)
        return 0;
    o = (size_t)w;
    for (size_t i = 0; i < r->n; i++) {
        if (cap - o < 46)
            return 0;
        dacc_base64_encode(r->proof[i], HB, out + o);
        o += strlen(out + o);
        out[o++] = '\n';
    }
    if (cap - o < r->note_len + 2)
        return 0;
    out[o++] = '\n';
    memcpy(out + o, r->note, r->note_len);
    o += r->note_len;
    out[o] = '\0';
    return o;
}

/* The empty tree's root: SHA-256 of nothing (RFC 6962 2.1). */
static int empty_root(const uint8_t root[HB])
{
    static const uint8_t e[HB] = { 0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
                                   0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
                                   0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55 };
    return sodium_memcmp(root, e, HB) == 0;
}

static unsigned refuse(dacc_error *err, unsigned http, dacc_status st, const char *why)
{
    dacc_error_set(err, st, "%s", why);
    return http;
}

/* The checks of add-checkpoint after the origin is known, in the spec's
 * order; the proof verified against the stored checkpoint's root. */
static unsigned decide(const dacc_tlog_checkpoint *cp, const dacc_tlog_checkpoint *old,
                       const dacc_tlog_witness_request *r, uint64_t *latest, dacc_error *err)
{
    uint64_t have = old ? old->size : 0;
    if (r->old > cp->size)
        return refuse(err, 400, DACC_ERR_INVALID, "old size above the checkpoint's size");
    if (r->old != have) {
        *latest = have;
        dacc_error_set(err, DACC_ERR_STATE,
                       "old size %" PRIu64 " is not the latest cosigned size %" PRIu64, r->old,
                       have);
        return 409;
    }
    if (cp->size == 0 && !empty_root(cp->root))
        return refuse(err, 422, DACC_ERR_VERIFY, "a checkpoint of size 0 with another root");
    if (r->old == 0)
        return r->n == 0 ? 200
                         : refuse(err, 422, DACC_ERR_VERIFY, "a proof from size 0 must be empty");
    if (r->old == cp->size)
        return r->n == 0 && sodium_memcmp(old->root, cp->root, HB) == 0
                   ? 200
                   : refuse(err, 422, DACC_ERR_VERIFY, "two roots for one size: the log forked");
    if (dacc_tlog_verify_consistency(r->old, cp->size, (const uint8_t(*)[HB])r->proof, r->n,
                                     old->root, cp->root) != DACC_OK)
        return refuse(err, 422, DACC_ERR_VERIFY, "the consistency proof does not verify");
    return 200;
}

unsigned dacc_tlog_witness_add(const dacc_tlog_signer *witness, const dacc_tlog_verifier *log_key,
                               const char *stored, size_t stored_len,
                               const dacc_tlog_witness_request *r, uint64_t time,
                               char line[DACC_TLOG_KEY_TEXT_MAX], uint64_t *latest, dacc_error *err)
{
    dacc_tlog_note n;
    dacc_tlog_checkpoint cp, old;
    size_t count;
    if (dacc_tlog_note_parse(r->note, r->note_len, &n, err) != DACC_OK ||
        dacc_tlog_checkpoint_parse(n.text, n.text_len, &cp, err) != DACC_OK)
        return 400;
    if (strcmp(cp.origin, log_key->name) != 0)
        return refuse(err, 404, DACC_ERR_NOTFOUND, "not the origin of this log key");
    if (dacc_tlog_note_verify(&n, log_key, 1, NULL, NULL, &count, err) != DACC_OK)
        return 403;
    if (stored != NULL && dacc_tlog_checkpoint_parse(stored, stored_len, &old, err) != DACC_OK)
        return 500;
    unsigned http = decide(&cp, stored ? &old : NULL, r, latest, err);
    if (http == 200 && dacc_tlog_note_sign(n.text, n.text_len, witness, time, line, err) != DACC_OK)
        return 500;
    return http;
}
