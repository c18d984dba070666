/* Signer-side helpers of the soft pause: formatting roots, heartbeats and
 * bundles, and merging signatures. Not part of the device verifier. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/mem.h"
#include "dacc/pause.h"

/* snprintf appending at *used; 0 once anything did not fit. */
static int add(char *out, size_t cap, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int add(char *out, size_t cap, size_t *used, const char *fmt, ...)
{
    if (*used >= cap)
        return 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + *used, cap - *used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap - *used) {
        *used = cap;
        return 0;
    }
    *used += (size_t)n;
    return 1;
}

size_t dacc_pause_root_format(const dacc_pause_root *r, char *out, size_t cap)
{
    size_t used = 0;
    char key[DACC_TLOG_KEY_TEXT_MAX];
    add(out, cap, &used,
        "dacc-pause-root/v1\ndomain %s\nversion %" PRIu64 "\nexpires %" PRIu64 "\nthreshold %u\n",
        r->domain, r->version, r->expires, r->threshold);
    for (unsigned i = 0; i < r->nsigners; i++) {
        dacc_tlog_verifier_format(&r->signer[i], key);
        add(out, cap, &used, "signer %s\n", key);
    }
    dacc_tlog_verifier_format(&r->log, key);
    add(out, cap, &used, "log %s\nwitness-threshold %u\n", key, r->witness_threshold);
    for (unsigned i = 0; i < r->nwitnesses; i++) {
        dacc_tlog_verifier_format(&r->witness[i], key);
        add(out, cap, &used, "witness %s\n", key);
    }
    return used < cap ? used : 0;
}

size_t dacc_pause_heartbeat_format(const char *domain, uint64_t epoch, uint64_t not_before,
                                   uint64_t not_after,
                                   const uint8_t root_hash[DACC_TLOG_HASH_BYTES], char *out,
                                   size_t cap)
{
    char b64[64];
    size_t used = 0;
    add(out, cap, &used,
        "dacc-pause-heartbeat/v1\ndomain %s\nepoch %" PRIu64 "\nnot-before %" PRIu64
        "\nnot-after %" PRIu64 "\nroot %s\n",
        domain, epoch, not_before, not_after,
        dacc_base64_encode(root_hash, DACC_TLOG_HASH_BYTES, b64));
    return used < cap ? used : 0;
}

size_t dacc_pause_bundle_format(const char *heartbeat, size_t hlen, const char *proof, size_t plen,
                                const char *checkpoint, size_t clen, char *out, size_t cap)
{
    size_t used = 0;
    const char *parts[3] = { heartbeat, proof, checkpoint };
    const size_t lens[3] = { hlen, plen, clen };
    static const char *const names[3] = { "heartbeat", "proof", "checkpoint" };
    add(out, cap, &used, "dacc-pause-bundle/v1\n");
    for (int i = 0; i < 3; i++) {
        if (!add(out, cap, &used, "%s %zu\n", names[i], lens[i]) || cap - used <= lens[i])
            return 0;
        memcpy(out + used, parts[i], lens[i]);
        used += lens[i];
    }
    return used < cap ? used : 0;
}

/* Text of a note, or the whole input when it has no signature block yet. */
static dacc_status note_text(const char *note, size_t len, dacc_tlog_note *n, size_t *text_len,
                             dacc_error *err)
{
    if (dacc_tlog_note_parse(note, len, n, NULL) == DACC_OK) {
        *text_len = n->text_len;
        return DACC_OK;
    }
    if (len == 0 || note[len - 1] != '\n')
        return dacc_error_set(err, DACC_ERR_PARSE, "not a note: it must end in a newline");
    n->nsigs = 0;
    *text_len = len;
    return DACC_OK;
}

static int same_key(const dacc_tlog_sig *a, const dacc_tlog_sig *b)
{
    return a->name_len == b->name_len && memcmp(a->name, b->name, a->name_len) == 0 &&
           a->id == b->id;
}

static int same_sig(const dacc_tlog_sig *a, const dacc_tlog_sig *b)
{
    return same_key(a, b) && a->sig_len == b->sig_len && memcmp(a->sig, b->sig, a->sig_len) == 0;
}

/* Appends the signature line of s (as it was written) to buf. */
static dacc_status copy_line(dacc_buf *b, const dacc_tlog_sig *s)
{
    dacc_status st = dacc_buf_append(b, s->line, s->line_len);
    return st == DACC_OK ? dacc_buf_putc(b, '\n') : st;
}

dacc_status dacc_pause_note_merge(const char *const *notes, const size_t *lens, size_t n,
                                  char **out, size_t *out_len, dacc_error *err)
{
    dacc_tlog_note *all = calloc(n ? n : 1, sizeof *all);
    size_t *tl = calloc(n ? n : 1, sizeof *tl);
    dacc_buf b;
    dacc_buf_init(&b, (size_t)1 << 20);
    dacc_status st = all && tl ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n && st == DACC_OK; i++) {
        st = note_text(notes[i], lens[i], &all[i], &tl[i], err);
        if (st == DACC_OK && (tl[i] != tl[0] || memcmp(notes[i], notes[0], tl[0]) != 0))
            st = dacc_error_set(err, DACC_ERR_INVALID, "note %zu has a different text", i + 1);
    }
    if (st == DACC_OK && n > 0)
        st = dacc_buf_append(&b, notes[0], tl[0]);
    if (st == DACC_OK)
        st = dacc_buf_putc(&b, '\n');
    size_t kept = 0;
    for (size_t i = 0; i < n && st == DACC_OK; i++)
        for (size_t j = 0; j < all[i].nsigs && st == DACC_OK; j++) {
            const dacc_tlog_sig *s = &all[i].sigs[j];
            int dup = 0;
            for (size_t a = 0; a <= i && !dup && st == DACC_OK; a++)
                for (size_t c = 0; c < (a == i ? j : all[a].nsigs); c++) {
                    if (same_sig(&all[a].sigs[c], s)) {
                        dup = 1;
                        break;
                    }
                    if (same_key(&all[a].sigs[c], s))
                        st = dacc_error_set(err, DACC_ERR_INVALID,
                                            "key %.*s signed twice with different signatures",
                                            (int)s->name_len, s->name);
                }
            if (!dup && st == DACC_OK) {
                st = copy_line(&b, s);
                kept++;
            }
        }
    if (st == DACC_OK && kept == 0)
        st = dacc_error_set(err, DACC_ERR_INVALID, "no signatures to merge");
    free(all);
    free(tl);
    if (st != DACC_OK) {
        dacc_buf_free(&b);
        return st;
    }
    *out = dacc_buf_detach(&b, out_len);
    return DACC_OK;
}
