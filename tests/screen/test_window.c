/* Windows: the Biopython oracle cuts and translates the same sequences;
 * SecureDNA's own window vectors pin the amino-acid frames; ambiguity
 * expands up to the bound and is refused for review beyond it. */
#include "screen_test.h"

#include <sodium.h>

#include "dacc/base.h"

static const char *kind_name(dacc_screen_kind k)
{
    return k == DACC_SCREEN_DNA42 ? "dna42" : k == DACC_SCREEN_DNA30 ? "dna30" : "aa20";
}

static const char *tag_of(dacc_screen_kind k)
{
    return k == DACC_SCREEN_DNA42   ? DACC_SCREEN_TAG_DNA42
           : k == DACC_SCREEN_DNA30 ? DACC_SCREEN_TAG_DNA30
                                    : DACC_SCREEN_TAG_AA20;
}

/* The window's letters (its input without the tag). */
static void letters(const dacc_screen_window *w, char *out)
{
    size_t tl = strlen(tag_of(w->kind));
    cr_assert(w->input_len > tl && w->input_len <= DACC_SCREEN_INPUT_MAX);
    cr_assert(memcmp(w->input, tag_of(w->kind), tl) == 0);
    memcpy(out, w->input + tl, w->input_len - tl);
    out[w->input_len - tl] = '\0';
}

static dacc_screen_windows *cut(const dacc_screen_seqs *s, unsigned mask, size_t bound)
{
    dacc_screen_windows *w = NULL;
    dacc_error e;
    dacc_status st = dacc_screen_windows_new(s, mask, bound, &w, &e);
    cr_assert_eq(st, DACC_OK, "%s", dacc_error_message(&e));
    return w;
}

/* Every window in the oracle's line form. */
static char *listing(const dacc_screen_windows *w)
{
    dacc_buf b;
    dacc_buf_init(&b, 0);
    char l[DACC_SCREEN_INPUT_MAX + 1];
    for (size_t i = 0; i < dacc_screen_windows_count(w); i++) {
        const dacc_screen_window *x = dacc_screen_windows_get(w, i);
        letters(x, l);
        cr_assert_eq(
            dacc_buf_printf(&b, "%s %zu %d %s\n", kind_name(x->kind), x->pos, x->strand, l),
            DACC_OK);
    }
    size_t len;
    return dacc_buf_detach(&b, &len);
}

static void same_as_biopython(const char *name)
{
    dacc_screen_seqs *s = emboss_read(name, DACC_SCREEN_FMT_AUTO);
    dacc_screen_windows *w = cut(s, DACC_SCREEN_KINDS_ALL, 0);
    char *path = path_join(EMBOSS_DATA, name);
    char *want = oracle("windows", "fasta", path);
    char *got = listing(w);
    cr_assert(strcmp(got, want) == 0, "%s: the windows differ from Biopython's", name);
    free(got);
    free(want);
    free(path);
    dacc_screen_windows_free(w);
    dacc_screen_seqs_free(s);
}

Test(screen_window, windows_and_six_frame_translation_match_biopython)
{
    same_as_biopython("litmus.seq");
    same_as_biopython("bluescript.seq");
    same_as_biopython("pTYB1.seq");
    same_as_biopython("z83307.seq");
}

Test(screen_window, counts_and_spans)
{
    dacc_screen_seqs *s = emboss_read("litmus.seq", DACC_SCREEN_FMT_AUTO);
    size_t L = dacc_screen_seqs_get(s, 0)->len;
    cr_assert_eq(L, 256);
    dacc_screen_windows *w = cut(s, DACC_SCREEN_KINDS_ALL, 0);
    size_t n[3] = { 0 };
    for (size_t i = 0; i < dacc_screen_windows_count(w); i++) {
        const dacc_screen_window *x = dacc_screen_windows_get(w, i);
        n[x->kind]++;
        size_t span = x->kind == DACC_SCREEN_DNA42 ? 42 : x->kind == DACC_SCREEN_DNA30 ? 30 : 60;
        cr_assert_eq(x->span, span);
        cr_assert(x->pos + x->span <= L);
        cr_assert_eq(x->record, 0);
        cr_assert_eq(x->strand, x->kind == DACC_SCREEN_AA20 ? (i % 2 ? -1 : 1) : 0);
    }
    cr_assert_eq(n[0], L - 41);
    cr_assert_eq(n[1], L - 29);
    cr_assert_eq(n[2], 2 * (L - 59));
    cr_assert_null(dacc_screen_windows_get(w, dacc_screen_windows_count(w)));
    dacc_screen_windows_free(w);
    /* A mask selects kinds. */
    w = cut(s, 1u << DACC_SCREEN_DNA30, 0);
    cr_assert_eq(dacc_screen_windows_count(w), L - 29);
    dacc_screen_windows_free(w);
    dacc_screen_windows_free(NULL);
    dacc_screen_seqs_free(s);
}

/* A window and its reverse complement are one canonical DNA window. */
Test(screen_window, both_strands_hash_alike)
{
    dacc_screen_seqs *s = emboss_read("litmus.seq", DACC_SCREEN_FMT_AUTO);
    const dacc_screen_record *r = dacc_screen_seqs_get(s, 0);
    char *rc = revcomp(r->residues, r->len);
    char *text = malloc(r->len + 8);
    snprintf(text, r->len + 8, ">rc\n%s\n", rc);
    dacc_screen_seqs *s2 = seqs_of(text);
    dacc_screen_windows *a = cut(s, 3, 0), *b = cut(s2, 3, 0);
    size_t n = dacc_screen_windows_count(a);
    cr_assert_eq(dacc_screen_windows_count(b), n);
    for (size_t i = 0; i < n; i++) {
        const dacc_screen_window *x = dacc_screen_windows_get(a, i);
        size_t span = x->span,
               j = i < r->len - 41 ? r->len - 42 - x->pos : (r->len - 41) + (r->len - 30 - x->pos);
        const dacc_screen_window *y = dacc_screen_windows_get(b, j);
        cr_assert_eq(y->span, span);
        cr_assert_eq(x->input_len, y->input_len);
        cr_assert(memcmp(x->input, y->input, x->input_len) == 0, "window %zu", i);
    }
    dacc_screen_windows_free(a);
    dacc_screen_windows_free(b);
    dacc_screen_seqs_free(s2);
    dacc_screen_seqs_free(s);
    free(text);
    free(rc);
}

/* Vectors from SecureDNA's sanity_check_windows test
 * (crates/doprf_client/src/windows/mod.rs, github.com/SecureDNA/SecureDNA
 * at the fetched snapshot): aa windows at offsets 0 and 4, both strands.
 * (Its DNA windows use quickdna's own canonical encoding, not ours.) */
Test(screen_window, securedna_amino_acid_vectors)
{
    dacc_screen_seqs *s =
        seqs_of(">v\nAAGCAAGAGAGATTTTCGCTGCTGCGCGGCAGAGAGCGCGGCCTGAGTTACTATGGCTTGTCTA\n");
    dacc_screen_windows *w = cut(s, 1u << DACC_SCREEN_AA20, 0);
    char l[DACC_SCREEN_INPUT_MAX + 1];
    const char *want[] = { "KQERFSLLRGRERGLSYYGL", "QAIVTQAALSAAQQRKSLLL" };
    const char *want4[] = { "KRDFRCCAAESAA*VTMACL", "*TSHSNSGRALCRAAAKISL" };
    for (int k = 0; k < 2; k++) {
        letters(dacc_screen_windows_get(w, (size_t)k), l);
        cr_assert_str_eq(l, want[k]);
        letters(dacc_screen_windows_get(w, 8 + (size_t)k), l);
        cr_assert_eq(dacc_screen_windows_get(w, 8 + (size_t)k)->pos, 4);
        cr_assert_str_eq(l, want4[k]);
    }
    dacc_screen_windows_free(w);
    dacc_screen_seqs_free(s);
}

static char *random_dna(size_t n, uint32_t seed)
{
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        s[i] = "ACGT"[(seed >> 16) & 3];
    }
    s[n] = '\0';
    return s;
}

static size_t count_at(const dacc_screen_windows *w, dacc_screen_kind k, size_t pos)
{
    size_t n = 0;
    for (size_t i = 0; i < dacc_screen_windows_count(w); i++)
        n += dacc_screen_windows_get(w, i)->kind == k && dacc_screen_windows_get(w, i)->pos == pos;
    return n;
}

Test(screen_window, ambiguous_bases_expand_within_the_bound)
{
    char *d = random_dna(100, 7);
    d[50] = 'N';
    d[52] = 'R';
    char text[128];
    snprintf(text, sizeof text, ">amb\n%s\n", d);
    dacc_screen_seqs *s = seqs_of(text);
    dacc_screen_windows *w = cut(s, DACC_SCREEN_KINDS_ALL, 0);
    /* dna42 at 9..10 covers only N (4), at 11..50 both (8), at 51..52 only R. */
    cr_assert_eq(count_at(w, DACC_SCREEN_DNA42, 8), 1);
    cr_assert_eq(count_at(w, DACC_SCREEN_DNA42, 9), 4);
    cr_assert_eq(count_at(w, DACC_SCREEN_DNA42, 11), 8);
    cr_assert_eq(count_at(w, DACC_SCREEN_DNA42, 50), 8);
    cr_assert_eq(count_at(w, DACC_SCREEN_DNA42, 51), 2);
    cr_assert_eq(count_at(w, DACC_SCREEN_DNA42, 53), 1);
    cr_assert_eq(count_at(w, DACC_SCREEN_AA20, 0), 16); /* 8 expansions, two strands */
    /* The expansions of dna42 at 11 are exactly the 8 substitutions. */
    char l[DACC_SCREEN_INPUT_MAX + 1];
    int seen = 0;
    for (size_t i = 0; i < dacc_screen_windows_count(w); i++) {
        const dacc_screen_window *x = dacc_screen_windows_get(w, i);
        if (x->kind != DACC_SCREEN_DNA42 || x->pos != 11)
            continue;
        letters(x, l);
        char e[43];
        memcpy(e, d + 11, 42);
        e[42] = '\0';
        e[50 - 11] = "ACGT"[(seen >> 1) & 3];
        e[52 - 11] = "AG"[seen & 1];
        char *rc = revcomp(e, 42);
        cr_assert_str_eq(l, strcmp(e, rc) <= 0 ? e : rc, "expansion %d", seen);
        free(rc);
        seen++;
    }
    cr_assert_eq(seen, 8);
    dacc_screen_windows_free(w);
    dacc_screen_seqs_free(s);
    free(d);
}

Test(screen_window, beyond_the_bound_the_order_is_refused_for_review)
{
    char *d = random_dna(200, 9);
    d[120] = 'N';
    d[125] = 'N';
    d[140] = 'Y'; /* 4 * 4 * 2 = 32 > 16 in the windows covering all three */
    char text[256];
    snprintf(text, sizeof text, ">order-7\n%s\n", d);
    dacc_screen_seqs *s = seqs_of(text);
    dacc_screen_windows *w = (dacc_screen_windows *)1;
    dacc_error e;
    cr_assert_eq(dacc_screen_windows_new(s, DACC_SCREEN_KINDS_ALL, 0, &w, &e), DACC_ERR_REVIEW);
    cr_assert_null(w);
    /* The first dna42 window holding all three starts at 140 - 41 = 99. */
    cr_assert(strstr(e.message, "record \"order-7\": dna42 window at position 99") != NULL, "%s",
              e.message);
    cr_assert(strstr(e.message, "manual review") != NULL);
    cr_assert_str_eq(dacc_strerror(DACC_ERR_REVIEW), "refused for manual review");
    /* Two Ns only (16) are within the default bound; a raised bound admits 32. */
    w = cut(s, DACC_SCREEN_KINDS_ALL, 32);
    cr_assert_eq(count_at(w, DACC_SCREEN_DNA42, 99), 32);
    dacc_screen_windows_free(w);
    cr_assert_eq(
        dacc_screen_windows_new(s, DACC_SCREEN_KINDS_ALL, DACC_SCREEN_EXPANSIONS_MAX + 1, &w, &e),
        DACC_ERR_RANGE);
    cr_assert_eq(dacc_screen_windows_new(s, 8, 0, &w, &e), DACC_ERR_RANGE);
    dacc_screen_seqs_free(s);
    free(d);
}

Test(screen_window, protein_records_give_amino_acid_windows)
{
    dacc_screen_seqs *s = seqs_of(">p\nMKVLAAGIVGLLLAQWERTYB\n");
    dacc_screen_windows *w = cut(s, DACC_SCREEN_KINDS_ALL, 0);
    /* 21 residues: windows at 0 (1) and 1 (B: D or N, 2); no DNA windows. */
    cr_assert_eq(dacc_screen_windows_count(w), 3);
    char l[DACC_SCREEN_INPUT_MAX + 1];
    letters(dacc_screen_windows_get(w, 0), l);
    cr_assert_str_eq(l, "MKVLAAGIVGLLLAQWERTY");
    letters(dacc_screen_windows_get(w, 2), l);
    cr_assert_str_eq(l, "KVLAAGIVGLLLAQWERTYN");
    cr_assert_eq(dacc_screen_windows_get(w, 2)->span, 20);
    cr_assert_eq(dacc_screen_windows_get(w, 2)->strand, 1);
    dacc_screen_windows_free(w);
    dacc_screen_seqs_free(s);
    /* X stands for 20 residues: beyond the default bound of 16. */
    s = seqs_of(">p\nMKVLAAGIVGLLLAQWERTX\n");
    dacc_error e;
    cr_assert_eq(dacc_screen_windows_new(s, DACC_SCREEN_KINDS_ALL, 0, &w, &e), DACC_ERR_REVIEW);
    dacc_screen_seqs_free(s);
    /* Shorter than every window: no windows, not an error. */
    s = seqs_of(">short\nACGTACGT\n");
    w = cut(s, DACC_SCREEN_KINDS_ALL, 0);
    cr_assert_eq(dacc_screen_windows_count(w), 0);
    dacc_screen_windows_free(w);
    dacc_screen_seqs_free(s);
}

/* The direct full-key evaluation equals a blinded VOPRF run with the same
 * key, proof checked: what every keyserver arrangement must reproduce. */
Test(screen_window, direct_evaluation_equals_the_blinded_voprf)
{
    cr_assert_eq(dacc_init(), DACC_OK);
    dacc_screen_seqs *s = emboss_read("litmus.seq", DACC_SCREEN_FMT_AUTO);
    dacc_screen_windows *w = cut(s, DACC_SCREEN_KINDS_ALL, 0);
    size_t n = 40;
    uint8_t seed[32] = { 42 }, sk[32], pk[32], r[32], proof[64];
    cr_assert_eq(dacc_anon_oprf_derive_key(DACC_ANON_VOPRF, seed, NULL, 0, sk, pk, NULL), DACC_OK);
    size_t all = dacc_screen_windows_count(w);
    uint8_t *direct = malloc(DACC_SCREEN_HASH_BYTES * all);
    cr_assert_eq(dacc_screen_evaluate(sk, w, direct, NULL), DACC_OK);
    uint8_t *blinds = malloc(32 * n), *blinded = malloc(32 * n), *ev = malloc(32 * n);
    uint8_t *out = malloc(64 * n);
    const uint8_t *inputs[40];
    size_t lens[40];
    for (size_t i = 0; i < n; i++) {
        /* Windows from every kind: spread over the whole set. */
        const dacc_screen_window *x = dacc_screen_windows_get(w, i * (all / n));
        inputs[i] = x->input;
        lens[i] = x->input_len;
        dacc_anon_scalar_random(blinds + 32 * i);
        cr_assert_eq(dacc_anon_oprf_blind(DACC_SCREEN_OPRF_MODE, inputs[i], lens[i],
                                          blinds + 32 * i, blinded + 32 * i, NULL),
                     DACC_OK);
    }
    dacc_anon_scalar_random(r);
    cr_assert_eq(
        dacc_anon_oprf_evaluate(DACC_SCREEN_OPRF_MODE, sk, blinded, n, NULL, 0, r, ev, proof, NULL),
        DACC_OK);
    cr_assert_eq(dacc_anon_oprf_finalize(DACC_SCREEN_OPRF_MODE, pk, inputs, lens, blinds, blinded,
                                         ev, n, NULL, 0, proof, out, NULL),
                 DACC_OK);
    for (size_t i = 0; i < n; i++)
        cr_assert(memcmp(out + 64 * i, direct + DACC_SCREEN_HASH_BYTES * (i * (all / n)), 64) == 0,
                  "window %zu", i * (all / n));
    /* Another key gives other hashes. */
    seed[0] = 43;
    uint8_t sk2[32], *other = malloc(DACC_SCREEN_HASH_BYTES * all);
    cr_assert_eq(dacc_anon_oprf_derive_key(DACC_ANON_VOPRF, seed, NULL, 0, sk2, pk, NULL), DACC_OK);
    cr_assert_eq(dacc_screen_evaluate(sk2, w, other, NULL), DACC_OK);
    cr_assert(memcmp(other, direct, 64) != 0);
    free(other);
    free(out);
    free(ev);
    free(blinded);
    free(blinds);
    free(direct);
    dacc_screen_windows_free(w);
    dacc_screen_seqs_free(s);
}
