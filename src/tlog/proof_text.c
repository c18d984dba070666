/* The text form of inclusion and consistency proofs (docs/tlog.md). */
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

dacc_status dacc_tlog_proof_parse(const char *name, const char *text, size_t len,
                                  dacc_tlog_proof *p, dacc_error *err)
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
                   "expected \"dacc-proof/v1 inclusion\" or \"dacc-proof/v1 consistency\"");
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

size_t dacc_tlog_proof_format(const dacc_tlog_proof *p, char *out, size_t cap)
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
