/* The text forms of proofs (docs/tlog.md): c2sp.org/tlog-proof@v1 for
 * inclusion, and dacc-proof/v1, the form dacc wrote first, for both kinds.
 * No heap: the soft-pause verifier parses proofs on devices. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/tlog.h"

static dacc_status bad(dacc_error *err, const char *name, unsigned long line, const char *why)
{
    return dacc_error_at(err, DACC_ERR_PARSE, name, line, 0, "%s", why);
}

/* The next line of text without its newline; 0 at the end or when the last
 * line lacks its newline (*truncated then set). */
static int next_line(const char **p, const char *end, const char **line, size_t *len,
                     int *truncated)
{
    if (*p >= end)
        return 0;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    if (nl == NULL) {
        *truncated = 1;
        return 0;
    }
    *line = *p;
    *len = (size_t)(nl - *p);
    *p = nl + 1;
    return 1;
}

static int number_after(const char *line, size_t len, const char *key, uint64_t *out)
{
    size_t kl = strlen(key);
    if (len <= kl + 1 || memcmp(line, key, kl) != 0 || line[kl] != ' ')
        return 0;
    return dacc_decimal_strict(line + kl + 1, len - kl - 1, out);
}

static dacc_status parse_dacc(const char *name, const char *text, size_t len, dacc_tlog_proof *p,
                              dacc_error *err)
{
    const char *cur = text, *end = text + len, *line;
    size_t ll;
    int trunc = 0;
    if (!next_line(&cur, end, &line, &ll, &trunc))
        return bad(err, name, 1, "empty or truncated proof");
    if (ll == 23 && memcmp(line, "dacc-proof/v1 inclusion", 23) == 0)
        p->consistency = false;
    else if (ll == 25 && memcmp(line, "dacc-proof/v1 consistency", 25) == 0)
        p->consistency = true;
    else
        return bad(err, name, 1,
                   "expected \"c2sp.org/tlog-proof@v1\", \"dacc-proof/v1 inclusion\" or "
                   "\"dacc-proof/v1 consistency\"");
    if (!next_line(&cur, end, &line, &ll, &trunc) ||
        !number_after(line, ll, p->consistency ? "old" : "index", &p->a))
        return bad(err, name, 2, p->consistency ? "expected \"old N\"" : "expected \"index N\"");
    if (!next_line(&cur, end, &line, &ll, &trunc) || !number_after(line, ll, "size", &p->size))
        return bad(err, name, 3, "expected \"size N\"");
    p->n = 0;
    unsigned long no = 4;
    while (next_line(&cur, end, &line, &ll, &trunc)) {
        size_t got;
        if (p->n == DACC_TLOG_MAX_PROOF)
            return bad(err, name, no, "more than 64 hashes");
        char canon[64];
        if (ll < 5 || memcmp(line, "hash ", 5) != 0 ||
            dacc_base64_decode(line + 5, ll - 5, p->hash[p->n], DACC_TLOG_HASH_BYTES, &got, NULL) !=
                DACC_OK ||
            got != DACC_TLOG_HASH_BYTES)
            return bad(err, name, no, "expected \"hash\" and 32 bytes of base64");
        /* One spelling per proof: base64 whose unused bits are not zero is refused. */
        dacc_base64_encode(p->hash[p->n], DACC_TLOG_HASH_BYTES, canon);
        if (ll - 5 != strlen(canon) || memcmp(line + 5, canon, ll - 5) != 0)
            return bad(err, name, no, "non-canonical base64");
        p->n++;
        no++;
    }
    if (trunc)
        return bad(err, name, no, "truncated: the last line has no newline");
    if (!p->consistency && p->a >= p->size)
        return dacc_error_at(err, DACC_ERR_RANGE, name, 2, 0,
                             "index %" PRIu64 " is not below size %" PRIu64, p->a, p->size);
    if (p->consistency && (p->a == 0 || p->a > p->size))
        return dacc_error_at(err, DACC_ERR_RANGE, name, 2, 0,
                             "old size %" PRIu64 " must be in 1..%" PRIu64, p->a, p->size);
    return DACC_OK;
}

static size_t format_dacc(const dacc_tlog_proof *p, char *out, size_t cap)
{
    int n = snprintf(out, cap, "dacc-proof/v1 %s\n%s %" PRIu64 "\nsize %" PRIu64 "\n",
                     p->consistency ? "consistency" : "inclusion", p->consistency ? "old" : "index",
                     p->a, p->size);
    if (n < 0 || (size_t)n >= cap)
        return 0;
    size_t used = (size_t)n;
    for (size_t i = 0; i < p->n; i++) {
        char b64[64];
        n = snprintf(out + used, cap - used, "hash %s\n",
                     dacc_base64_encode(p->hash[i], DACC_TLOG_HASH_BYTES, b64));
        if (n < 0 || (size_t)n >= cap - used)
            return 0;
        used += (size_t)n;
    }
    return used;
}

/* ---- c2sp.org/tlog-proof@v1 ---- */

static const char c2sp_magic[] = "c2sp.org/tlog-proof@v1";

/* A hash line: canonical base64 of exactly 32 bytes. */
static int hash_line(const char *line, size_t ll, uint8_t out[DACC_TLOG_HASH_BYTES])
{
    size_t got;
    char canon[64];
    if (ll != 44 ||
        dacc_base64_decode(line, ll, out, DACC_TLOG_HASH_BYTES, &got, NULL) != DACC_OK ||
        got != DACC_TLOG_HASH_BYTES)
        return 0;
    dacc_base64_encode(out, DACC_TLOG_HASH_BYTES, canon);
    return memcmp(line, canon, ll) == 0;
}

/* Canonical padded base64 of any length, checked four characters at a
 * time so that no buffer of the decoded size is needed. */
static int base64_valid(const char *s, size_t len)
{
    if (len % 4 != 0)
        return 0;
    for (size_t i = 0; i < len; i += 4) {
        uint8_t buf[3];
        size_t got;
        if ((i + 4 < len && memchr(s + i, '=', 4) != NULL) ||
            dacc_base64_decode(s + i, 4, buf, sizeof buf, &got, NULL) != DACC_OK)
            return 0;
    }
    return 1;
}

/* The note after the proof: a checkpoint text, a blank line and at least
 * one signature line ("— " then the rest), every line ending in a newline. */
static dacc_status check_note(const char *name, unsigned long no, const char *note, size_t len,
                              uint64_t *size, dacc_error *err)
{
    const char *blank = NULL;
    for (size_t i = 0; i + 1 < len && blank == NULL; i++)
        if (note[i] == '\n' && note[i + 1] == '\n')
            blank = note + i + 1;
    if (blank == NULL)
        return bad(err, name, no, "expected a checkpoint note: text, a blank line, signatures");
    dacc_tlog_checkpoint cp;
    dacc_status st = dacc_tlog_checkpoint_parse(note, (size_t)(blank - note), &cp, err);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "%s:%lu: ", name, no);
        return st;
    }
    const char *sig = blank + 1, *end = note + len;
    if (sig >= end || end[-1] != '\n')
        return bad(err, name, no,
                   "the checkpoint has no signature lines, or the last lacks its newline");
    for (const char *l = sig; l < end; l = (const char *)memchr(l, '\n', (size_t)(end - l)) + 1)
        if ((size_t)(end - l) < 4 || memcmp(l, "\xe2\x80\x94 ", 4) != 0)
            return bad(err, name, no,
                       "a checkpoint signature line must start with \"\xe2\x80\x94 \"");
    *size = cp.size;
    return DACC_OK;
}

static dacc_status parse_c2sp(const char *name, const char *text, size_t len, dacc_tlog_proof *p,
                              dacc_error *err)
{
    const char *cur = text, *end = text + len, *line;
    size_t ll;
    int trunc = 0;
    unsigned long no = 2;
    memset(p, 0, sizeof *p);
    p->format = DACC_TLOG_PROOF_C2SP;
    next_line(&cur, end, &line, &ll, &trunc); /* the magic line, matched by the caller */
    if (!next_line(&cur, end, &line, &ll, &trunc))
        return bad(err, name, no, "expected \"extra B64\" or \"index N\"");
    if (ll >= 6 && memcmp(line, "extra ", 6) == 0) {
        if (!base64_valid(line + 6, ll - 6))
            return bad(err, name, no, "the extra data is not canonical base64");
        p->extra = line + 6;
        p->extra_len = ll - 6;
        no++;
        if (!next_line(&cur, end, &line, &ll, &trunc))
            return bad(err, name, no, "expected \"index N\"");
    }
    if (!number_after(line, ll, "index", &p->a))
        return bad(err, name, no, "expected \"index N\" (decimal, no leading zeros)");
    for (no++;; no++) {
        if (!next_line(&cur, end, &line, &ll, &trunc))
            return bad(err, name, no, "expected an empty line, then the checkpoint");
        if (ll == 0)
            break;
        if (p->n == DACC_TLOG_MAX_PROOF)
            return bad(err, name, no, "more than 64 hashes");
        if (!hash_line(line, ll, p->hash[p->n]))
            return bad(err, name, no, "expected a hash: canonical base64 of 32 bytes");
        p->n++;
    }
    p->checkpoint = cur;
    p->checkpoint_len = (size_t)(end - cur);
    dacc_status st = check_note(name, no + 1, cur, p->checkpoint_len, &p->size, err);
    if (st != DACC_OK)
        return st;
    if (p->a >= p->size)
        return dacc_error_at(err, DACC_ERR_RANGE, name, 0, 0,
                             "index %" PRIu64 " is not below the checkpoint's size %" PRIu64, p->a,
                             p->size);
    return DACC_OK;
}

static size_t format_c2sp(const dacc_tlog_proof *p, char *out, size_t cap)
{
    if (p->consistency || p->checkpoint == NULL)
        return 0;
    size_t used = 0;
    int n = snprintf(out, cap, "%s\n", c2sp_magic);
    if (n < 0 || (size_t)n >= cap)
        return 0;
    used = (size_t)n;
    if (p->extra != NULL) {
        if (cap - used <= p->extra_len + 7)
            return 0;
        memcpy(out + used, "extra ", 6);
        memcpy(out + used + 6, p->extra, p->extra_len);
        used += 6 + p->extra_len;
        out[used++] = '\n';
    }
    n = snprintf(out + used, cap - used, "index %" PRIu64 "\n", p->a);
    if (n < 0 || (size_t)n >= cap - used)
        return 0;
    used += (size_t)n;
    for (size_t i = 0; i < p->n; i++) {
        if (cap - used <= 45)
            return 0;
        dacc_base64_encode(p->hash[i], DACC_TLOG_HASH_BYTES, out + used);
        used += 44;
        out[used++] = '\n';
    }
    if (cap - used <= p->checkpoint_len + 1)
        return 0;
    out[used++] = '\n';
    memcpy(out + used, p->checkpoint, p->checkpoint_len);
    used += p->checkpoint_len;
    out[used] = '\0';
    return used;
}

dacc_status dacc_tlog_proof_parse(const char *name, const char *text, size_t len,
                                  dacc_tlog_proof *p, dacc_error *err)
{
    size_t ml = sizeof c2sp_magic - 1;
    if (len > ml && memcmp(text, c2sp_magic, ml) == 0 && text[ml] == '\n')
        return parse_c2sp(name, text, len, p, err);
    p->format = DACC_TLOG_PROOF_DACC;
    p->extra = p->checkpoint = NULL;
    p->extra_len = p->checkpoint_len = 0;
    return parse_dacc(name, text, len, p, err);
}

size_t dacc_tlog_proof_format(const dacc_tlog_proof *p, char *out, size_t cap)
{
    return p->format == DACC_TLOG_PROOF_C2SP ? format_c2sp(p, out, cap) : format_dacc(p, out, cap);
}
