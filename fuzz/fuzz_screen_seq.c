/* Fuzz target: the sequence readers of the screen module (the first byte
 * picks the format, AUTO included, and the forced alphabet), then the
 * window cutter on whatever reads, checking the invariants the database
 * and the OPRF rely on. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/screen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_record(const dacc_screen_record *r)
{
    check(r->len > 0 && strlen(r->residues) == r->len);
    check(r->name[0] != '\0' && strlen(r->name) <= 255);
    check(r->alphabet == DACC_SCREEN_DNA || r->alphabet == DACC_SCREEN_PROTEIN);
    const char *allowed =
        r->alphabet == DACC_SCREEN_DNA ? "ACGTRYSWKMBDHVN" : "ACDEFGHIKLMNPQRSTVWYBZJXUO*";
    for (size_t i = 0; i < r->len; i++)
        check(strchr(allowed, r->residues[i]) != NULL);
}

static void check_windows(const dacc_screen_seqs *s, const dacc_screen_windows *w)
{
    for (size_t i = 0; i < dacc_screen_windows_count(w); i++) {
        const dacc_screen_window *x = dacc_screen_windows_get(w, i);
        const dacc_screen_record *r = dacc_screen_seqs_get(s, x->record);
        check(r != NULL && x->pos + x->span <= r->len);
        check(x->input_len > 20 && x->input_len <= DACC_SCREEN_INPUT_MAX);
        check(memcmp(x->input, "dacc-screen-v1:", 15) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 65536)
        return 0;
    dacc_screen_format fmt = (dacc_screen_format)(data[0] % 5);
    dacc_screen_alphabet al = (dacc_screen_alphabet)((data[0] >> 3) % 3);
    dacc_screen_seqs *s = NULL;
    dacc_error err;
    dacc_status st = dacc_screen_seqs_read(data + 1, size - 1, fmt, al, "fuzz.seq", &s, &err);
    check((st == DACC_OK) == (s != NULL));
    if (st != DACC_OK) {
        check(err.message[0] != '\0');
        return 0;
    }
    for (size_t i = 0; i < dacc_screen_seqs_count(s); i++)
        check_record(dacc_screen_seqs_get(s, i));
    dacc_screen_windows *w = NULL;
    st = dacc_screen_windows_new(s, DACC_SCREEN_KINDS_ALL, (size_t)(data[0] >> 5) * 4, &w, &err);
    check(st == DACC_OK || st == DACC_ERR_REVIEW);
    check((st == DACC_OK) == (w != NULL));
    if (w != NULL)
        check_windows(s, w);
    dacc_screen_windows_free(w);
    dacc_screen_seqs_free(s);
    return 0;
}
