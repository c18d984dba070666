/* Fuzz target: reading a tiles layout. The input is the checkpoint note,
 * a line "--", then the bytes every other file fetched is cut from, each
 * file its 2-byte big-endian length then its bytes, in fetch order (so a
 * file can be missing, short, long or garbage). The checkpoint is not
 * signature-checked (no key), so any tree size is reached; entries,
 * proofs and, for small trees, the audit run over whatever arrives. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/tlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const uint8_t *cp, *rest;
    size_t cp_len, rest_len, pos;
} feed;

static dacc_status fetch(void *ctx, const char *path, uint8_t **out, size_t *len, dacc_error *err)
{
    feed *f = ctx;
    (void)err;
    const uint8_t *src;
    size_t n;
    if (strcmp(path, "checkpoint") == 0) {
        src = f->cp, n = f->cp_len;
    } else {
        if (f->rest_len - f->pos < 2)
            return DACC_ERR_NOTFOUND;
        n = (size_t)f->rest[f->pos] << 8 | f->rest[f->pos + 1];
        f->pos += 2;
        if (n > f->rest_len - f->pos)
            n = f->rest_len - f->pos;
        src = f->rest + f->pos;
        f->pos += n;
    }
    *out = malloc(n ? n : 1);
    if (*out == NULL)
        return DACC_ERR_NOMEM;
    memcpy(*out, src, n);
    *len = n;
    return DACC_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = NULL;
    for (size_t i = 0; i + 4 <= size && sep == NULL; i++)
        if (memcmp(data + i, "\n--\n", 4) == 0)
            sep = data + i;
    if (sep == NULL)
        return 0;
    feed f = { data, sep + 4, (size_t)(sep + 1 - data), size - (size_t)(sep + 4 - data), 0 };
    dacc_tlog_tiles *t;
    dacc_error err;
    if (dacc_tlog_tiles_open(fetch, &f, NULL, &t, &err) != DACC_OK)
        return 0;
    uint64_t n = dacc_tlog_tiles_checkpoint(t, NULL, NULL)->size;
    if (n > 0) {
        uint8_t *e, proof[DACC_TLOG_MAX_PROOF][DACC_TLOG_HASH_BYTES];
        size_t len, np;
        if (dacc_tlog_tiles_entry(t, n - 1, &e, &len, &err) == DACC_OK)
            free(e);
        (void)dacc_tlog_prove_inclusion(dacc_tlog_tiles_hash, t, n / 2, n, proof, &np);
        (void)dacc_tlog_prove_consistency(dacc_tlog_tiles_hash, t, n / 3 + 1, n, proof, &np);
    }
    if (n <= 4096) {
        dacc_tlog_audit_report r;
        (void)dacc_tlog_tiles_audit(t, &r, &err);
    }
    dacc_tlog_tiles_free(t);
    return 0;
}
