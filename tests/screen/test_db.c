/* The hazard database, with benign EMBOSS sequences standing in for
 * hazards: built from bluescript.seq, it flags litmus.seq exactly where the
 * two share their insert, in either orientation and translated, and nothing
 * in sequences that share no window with it. Client windows are evaluated
 * with the full key directly (what the threshold OPRF reproduces). */
#include "screen_test.h"

#include <sodium.h>
#include <unistd.h>

#include "dacc/base.h"

typedef struct fixture {
    uint8_t sk[32], pk[32];
    dacc_screen_db *db;
} fixture;

static void key_of(uint8_t seed0, uint8_t sk[32], uint8_t pk[32])
{
    uint8_t seed[32] = { seed0 };
    cr_assert_eq(dacc_anon_oprf_derive_key(DACC_ANON_VOPRF, seed, NULL, 0, sk, pk, NULL), DACC_OK);
}

static void build(fixture *f, const char *path)
{
    cr_assert_eq(dacc_init(), DACC_OK);
    key_of(1, f->sk, f->pk);
    dacc_error e;
    cr_assert_eq(dacc_screen_db_create(path, 7, f->pk, &f->db, &e), DACC_OK, "%s",
                 dacc_error_message(&e));
    dacc_screen_seqs *h = emboss_read("bluescript.seq", DACC_SCREEN_FMT_AUTO);
    cr_assert_eq(dacc_screen_db_add(f->db, h, f->sk, 0, &e), DACC_OK, "%s", dacc_error_message(&e));
    dacc_screen_seqs_free(h);
}

/* The client's side: windows of s, evaluated under sk, looked up. */
typedef struct query {
    dacc_screen_windows *w;
    dacc_screen_hits *hits;
} query;

static query ask(dacc_screen_db *db, const uint8_t sk[32], const dacc_screen_seqs *s,
                 const uint8_t *lab)
{
    query q;
    dacc_error e;
    cr_assert_eq(dacc_screen_windows_new(s, DACC_SCREEN_KINDS_ALL, 0, &q.w, &e), DACC_OK, "%s",
                 dacc_error_message(&e));
    size_t n = dacc_screen_windows_count(q.w);
    uint8_t *h = malloc(DACC_SCREEN_HASH_BYTES * (n ? n : 1));
    cr_assert_eq(dacc_screen_evaluate(sk, q.w, h, &e), DACC_OK, "%s", dacc_error_message(&e));
    cr_assert_eq(dacc_screen_db_lookup(db, h, n, lab, &q.hits, &e), DACC_OK, "%s",
                 dacc_error_message(&e));
    free(h);
    return q;
}

static void query_free(query *q)
{
    dacc_screen_hits_free(q->hits);
    dacc_screen_windows_free(q->w);
}

/* Positions (and strands) of the hit windows of kind k, as a bitmap over
 * positions 0..511; returns how many windows hit. */
static size_t hit_positions(const query *q, dacc_screen_kind k, int strand, unsigned char *at)
{
    memset(at, 0, 512);
    size_t n = 0;
    for (size_t h = 0; h < dacc_screen_hits_count(q->hits); h++) {
        const dacc_screen_hit *hit = dacc_screen_hits_get(q->hits, h);
        for (size_t i = 0; i < hit->nwindows; i++) {
            const dacc_screen_window *x = dacc_screen_windows_get(q->w, hit->windows[i]);
            if (x->kind == k && (strand == 2 || x->strand == strand)) {
                cr_assert(x->pos < 512);
                at[x->pos] = 1;
                n++;
            }
        }
    }
    return n;
}

/* Brute force, independent of the window code: positions p where
 * query[p..p+k) occurs in hazard or in its reverse complement. */
static void shared_kmers(const char *query, const char *hazard, size_t k, unsigned char *at)
{
    memset(at, 0, 512);
    char *rc = revcomp(hazard, strlen(hazard));
    size_t ql = strlen(query);
    char *w = malloc(k + 1);
    for (size_t p = 0; p + k <= ql; p++) {
        memcpy(w, query + p, k);
        w[k] = '\0';
        at[p] = strstr(hazard, w) != NULL || strstr(rc, w) != NULL;
    }
    free(w);
    free(rc);
}

static dacc_screen_seqs *one(const char *name, const char *residues)
{
    size_t n = strlen(name) + strlen(residues) + 8;
    char *t = malloc(n);
    snprintf(t, n, ">%s\n%s\n", name, residues);
    dacc_screen_seqs *s = seqs_of(t);
    free(t);
    return s;
}

Test(screen_db, bluescript_flags_litmus_exactly_at_the_shared_insert)
{
    fixture f;
    build(&f, ":memory:");
    dacc_screen_seqs *blue = emboss_read("bluescript.seq", DACC_SCREEN_FMT_AUTO);
    dacc_screen_seqs *lit = emboss_read("litmus.seq", DACC_SCREEN_FMT_AUTO);
    const char *b = dacc_screen_seqs_get(blue, 0)->residues;
    const char *l = dacc_screen_seqs_get(lit, 0)->residues;
    query q = ask(f.db, f.sk, lit, NULL);
    cr_assert_eq(dacc_screen_hits_count(q.hits), 1);
    cr_assert_str_eq(dacc_screen_hits_get(q.hits, 0)->entry, "pBlueScript");
    cr_assert_eq(dacc_screen_hits_get(q.hits, 0)->exempt, 0);
    /* The shared insert (found independently in Python, the longest common
     * substring): litmus[59..187) = bluescript[81..209), 128 bases, from
     * CCTCGAGAGCCG... to ...CAGATAGCTCGAG. So dna42 windows at 59..145 hit
     * (87 of them) and dna30 at 59..157 (99), and nothing else. */
    cr_assert(strncmp(l + 59, b + 81, 128) == 0);
    cr_assert(strncmp(l + 59, "CCTCGAGAGCCG", 12) == 0);
    unsigned char got[512], want[512];
    cr_assert_eq(hit_positions(&q, DACC_SCREEN_DNA42, 2, got), 87);
    for (size_t p = 0; p < 512; p++)
        cr_assert_eq(got[p], p >= 59 && p <= 145, "dna42 at %zu", p);
    shared_kmers(l, b, 42, want);
    cr_assert(memcmp(got, want, 512) == 0);
    cr_assert_eq(hit_positions(&q, DACC_SCREEN_DNA30, 2, got), 99);
    for (size_t p = 0; p < 512; p++)
        cr_assert_eq(got[p], p >= 59 && p <= 157, "dna30 at %zu", p);
    shared_kmers(l, b, 30, want);
    cr_assert(memcmp(got, want, 512) == 0);
    /* aa20 windows span 60 bases: those inside the insert hit, each on both
     * strands (at least; a translation may also recur by chance). */
    hit_positions(&q, DACC_SCREEN_AA20, 1, got);
    for (size_t p = 59; p + 60 <= 187; p++)
        cr_assert(got[p], "aa20 forward at %zu", p);
    hit_positions(&q, DACC_SCREEN_AA20, -1, got);
    for (size_t p = 59; p + 60 <= 187; p++)
        cr_assert(got[p], "aa20 reverse at %zu", p);
    query_free(&q);
    dacc_screen_seqs_free(lit);
    dacc_screen_seqs_free(blue);
    dacc_screen_db_free(f.db);
}

Test(screen_db, nothing_flagged_without_a_shared_window)
{
    fixture f;
    build(&f, ":memory:");
    dacc_screen_seqs *blue = emboss_read("bluescript.seq", DACC_SCREEN_FMT_AUTO);
    const char *b = dacc_screen_seqs_get(blue, 0)->residues;
    /* Whole small sequences, and the first 2500 bases of two genomic ones
     * (a human clone, a whale mitochondrion), to keep the test quick. */
    const char *files[] = { "z83307.seq", "mito.seq", "dna.embl", "pax6_cdna.fasta" };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        dacc_screen_seqs *whole = emboss_read(files[i], DACC_SCREEN_FMT_AUTO);
        char *prefix = strndup(dacc_screen_seqs_get(whole, 0)->residues, 2500);
        dacc_screen_seqs *s = one(files[i], prefix);
        const char *r = dacc_screen_seqs_get(s, 0)->residues;
        /* The premise, checked by brute force over every 30-mer (so every
         * 42-mer too): no DNA window shared, on either strand. */
        size_t L = strlen(r);
        char *rb = revcomp(b, strlen(b));
        for (size_t p = 0; p + 30 <= L; p++) {
            char w[31];
            memcpy(w, r + p, 30);
            w[30] = '\0';
            cr_assert(strstr(b, w) == NULL && strstr(rb, w) == NULL, "%s shares %s", files[i], w);
        }
        free(rb);
        query q = ask(f.db, f.sk, s, NULL);
        cr_assert_eq(dacc_screen_hits_count(q.hits), 0, "%s: flagged", files[i]);
        cr_assert(dacc_screen_windows_count(q.w) > 0);
        query_free(&q);
        dacc_screen_seqs_free(s);
        dacc_screen_seqs_free(whole);
        free(prefix);
    }
    dacc_screen_seqs_free(blue);
    dacc_screen_db_free(f.db);
}

Test(screen_db, reverse_complemented_order_is_flagged_at_the_mirrored_positions)
{
    fixture f;
    build(&f, ":memory:");
    dacc_screen_seqs *lit = emboss_read("litmus.seq", DACC_SCREEN_FMT_AUTO);
    const dacc_screen_record *r = dacc_screen_seqs_get(lit, 0);
    char *rc = revcomp(r->residues, r->len);
    dacc_screen_seqs *s = one("litmus-rc", rc);
    query q = ask(f.db, f.sk, s, NULL);
    unsigned char got[512];
    cr_assert_eq(hit_positions(&q, DACC_SCREEN_DNA42, 2, got), 87);
    /* Window p of litmus is window 256 - 42 - p of its reverse complement. */
    for (size_t p = 0; p < 512; p++)
        cr_assert_eq(got[p], p + 42 <= 256 && 256 - 42 - p >= 59 && 256 - 42 - p <= 145,
                     "dna42 at %zu", p);
    /* Translated on both strands too: aa20 at p is litmus's at 196 - p with
     * the strands swapped, and the insert's (59..127) hit on each. */
    unsigned char fw[512], rv[512];
    hit_positions(&q, DACC_SCREEN_AA20, 1, fw);
    hit_positions(&q, DACC_SCREEN_AA20, -1, rv);
    for (size_t lp = 59; lp <= 127; lp++)
        cr_assert(fw[196 - lp] && rv[196 - lp], "aa20 at %zu", 196 - lp);
    query_free(&q);
    dacc_screen_seqs_free(s);
    free(rc);
    dacc_screen_seqs_free(lit);
    dacc_screen_db_free(f.db);
}

/* A different codon for the same amino acid, when there is one. */
static int base_ix(char b)
{
    return b == 'T' ? 0 : b == 'C' ? 1 : b == 'A' ? 2 : 3;
}

static const char code[] = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG";

static void synonym(char *c)
{
    int me = 16 * base_ix(c[0]) + 4 * base_ix(c[1]) + base_ix(c[2]);
    for (int o = 0; o < 64; o++)
        if (o != me && code[o] == code[me]) {
            c[0] = "TCAG"[o / 16];
            c[1] = "TCAG"[(o / 4) % 4];
            c[2] = "TCAG"[o % 4];
            return;
        }
}

Test(screen_db, synonymous_codons_are_caught_by_the_translated_windows)
{
    fixture f;
    build(&f, ":memory:");
    dacc_screen_seqs *blue = emboss_read("bluescript.seq", DACC_SCREEN_FMT_AUTO);
    dacc_screen_seqs *lit = emboss_read("litmus.seq", DACC_SCREEN_FMT_AUTO);
    const char *b = dacc_screen_seqs_get(blue, 0)->residues;
    char *v = strdup(dacc_screen_seqs_get(lit, 0)->residues);
    /* Every codon of the insert (frame of position 60) changed to a synonym:
     * the protein is the same, the DNA shares no 30-mer with the hazard. */
    for (size_t p = 60; p + 3 <= 186; p += 3)
        synonym(v + p);
    unsigned char want[512], got[512];
    shared_kmers(v, b, 30, want);
    for (size_t p = 0; p < 512; p++)
        cr_assert_eq(want[p], 0, "the variant still shares the 30-mer at %zu", p);
    dacc_screen_seqs *s = one("litmus-synonymous", v);
    query q = ask(f.db, f.sk, s, NULL);
    cr_assert_eq(hit_positions(&q, DACC_SCREEN_DNA42, 2, got), 0);
    cr_assert_eq(hit_positions(&q, DACC_SCREEN_DNA30, 2, got), 0);
    cr_assert_eq(dacc_screen_hits_count(q.hits), 1);
    cr_assert_str_eq(dacc_screen_hits_get(q.hits, 0)->entry, "pBlueScript");
    /* The forward windows in the recoded frame inside the insert hit. */
    size_t n = hit_positions(&q, DACC_SCREEN_AA20, 1, got);
    cr_assert(n > 0);
    for (size_t p = 60; p + 60 <= 186; p += 3)
        cr_assert(got[p], "aa20 at %zu", p);
    query_free(&q);
    /* A protein order of the insert's translation is found too. */
    char prot[64];
    const char *nt = dacc_screen_seqs_get(lit, 0)->residues + 60;
    for (size_t i = 0; i < 40; i++)
        prot[i] =
            code[16 * base_ix(nt[3 * i]) + 4 * base_ix(nt[3 * i + 1]) + base_ix(nt[3 * i + 2])];
    prot[40] = '\0';
    dacc_screen_seqs *ps = NULL;
    char text[128];
    snprintf(text, sizeof text, ">insert-protein\n%s\n", prot);
    dacc_error e;
    cr_assert_eq(dacc_screen_seqs_read(text, strlen(text), DACC_SCREEN_FMT_FASTA,
                                       DACC_SCREEN_PROTEIN, NULL, &ps, &e),
                 DACC_OK);
    q = ask(f.db, f.sk, ps, NULL);
    cr_assert_eq(hit_positions(&q, DACC_SCREEN_AA20, 1, got), 21); /* 40 - 20 + 1 */
    query_free(&q);
    dacc_screen_seqs_free(ps);
    dacc_screen_seqs_free(s);
    free(v);
    dacc_screen_seqs_free(lit);
    dacc_screen_seqs_free(blue);
    dacc_screen_db_free(f.db);
}

Test(screen_db, other_key_finds_nothing)
{
    fixture f;
    build(&f, ":memory:");
    uint8_t sk2[32], pk2[32];
    key_of(2, sk2, pk2);
    dacc_screen_seqs *lit = emboss_read("litmus.seq", DACC_SCREEN_FMT_AUTO);
    query q = ask(f.db, sk2, lit, NULL);
    cr_assert_eq(dacc_screen_hits_count(q.hits), 0);
    query_free(&q);
    dacc_screen_seqs_free(lit);
    dacc_screen_db_free(f.db);
}

Test(screen_db, exemptions_mark_the_hits_of_an_authorised_lab)
{
    fixture f;
    build(&f, ":memory:");
    uint8_t lab[32] = { 9 }, other[32] = { 8 };
    dacc_error e;
    cr_assert_eq(dacc_screen_db_exempt(f.db, lab, "pBlueScript", &e), DACC_OK);
    cr_assert_eq(dacc_screen_db_exempt(f.db, lab, "pBlueScript", &e), DACC_OK); /* idempotent */
    cr_assert_eq(dacc_screen_db_exempt(f.db, lab, "pUC19", &e), DACC_ERR_NOTFOUND);
    cr_assert(strstr(e.message, "pUC19") != NULL, "%s", e.message);
    dacc_screen_seqs *lit = emboss_read("litmus.seq", DACC_SCREEN_FMT_AUTO);
    query q = ask(f.db, f.sk, lit, lab);
    cr_assert_eq(dacc_screen_hits_count(q.hits), 1);
    cr_assert_eq(dacc_screen_hits_get(q.hits, 0)->exempt, 1);
    query_free(&q);
    q = ask(f.db, f.sk, lit, other);
    cr_assert_eq(dacc_screen_hits_get(q.hits, 0)->exempt, 0);
    query_free(&q);
    dacc_screen_seqs_free(lit);
    dacc_screen_db_free(f.db);
}

Test(screen_db, file_database_reopens_read_only_and_refuses_misuse)
{
    char *dir = make_temp_dir();
    char *path = path_join(dir, "hazards.db");
    fixture f;
    build(&f, path);
    uint64_t entries = 0, hashes = 0;
    dacc_error e;
    cr_assert_eq(dacc_screen_db_stats(f.db, &entries, &hashes, &e), DACC_OK);
    cr_assert_eq(entries, 1);
    cr_assert(hashes > 0);
    /* The same entry again: refused, all or nothing. */
    dacc_screen_seqs *h = emboss_read("bluescript.seq", DACC_SCREEN_FMT_AUTO);
    dacc_screen_seqs *two = seqs_of(">fresh\nACGTTGCAACGTTGCAACGTTGCAACGTTGCAACGTTGCAACGTTGCA\n"
                                    ">pBlueScript\nACGT\n");
    cr_assert_eq(dacc_screen_db_add(f.db, two, f.sk, 0, &e), DACC_ERR_STATE);
    cr_assert(strstr(e.message, "pBlueScript") != NULL, "%s", e.message);
    uint64_t e2 = 0, h2 = 0;
    cr_assert_eq(dacc_screen_db_stats(f.db, &e2, &h2, &e), DACC_OK);
    cr_assert_eq(e2, entries);
    cr_assert_eq(h2, hashes);
    /* A key other than the database's is refused. */
    uint8_t sk2[32], pk2[32];
    key_of(2, sk2, pk2);
    cr_assert_eq(dacc_screen_db_add(f.db, h, sk2, 0, &e), DACC_ERR_INVALID);
    dacc_screen_db_free(f.db);
    /* Creating over it is refused; opening reads version and key back. */
    dacc_screen_db *db = (dacc_screen_db *)1;
    cr_assert_eq(dacc_screen_db_create(path, 8, f.pk, &db, &e), DACC_ERR_STATE);
    cr_assert_null(db);
    cr_assert_eq(dacc_screen_db_open(path, &db, &e), DACC_OK, "%s", dacc_error_message(&e));
    cr_assert_eq(dacc_screen_db_version(db), 7);
    cr_assert(memcmp(dacc_screen_db_key(db), f.pk, 32) == 0);
    cr_assert_eq(dacc_screen_db_add(db, h, f.sk, 0, &e), DACC_ERR_STATE);
    cr_assert_eq(dacc_screen_db_exempt(db, f.pk, "pBlueScript", &e), DACC_ERR_STATE);
    dacc_screen_seqs *lit = emboss_read("litmus.seq", DACC_SCREEN_FMT_AUTO);
    query q = ask(db, f.sk, lit, NULL);
    cr_assert_eq(dacc_screen_hits_count(q.hits), 1);
    query_free(&q);
    dacc_screen_db_free(db);
    /* Files that are not hazard databases. */
    char *junk = path_join(dir, "junk.db");
    write_text(junk, "not a database at all, just text that is long enough to be a header\n");
    cr_assert_eq(dacc_screen_db_open(junk, &db, &e), DACC_ERR_PARSE);
    cr_assert_null(db);
    cr_assert_eq(dacc_screen_db_open("/nonexistent/x.db", &db, &e), DACC_ERR_IO);
    uint8_t zero[32] = { 0 };
    cr_assert_eq(dacc_screen_db_create(":memory:", 1, zero, &db, &e), DACC_ERR_INVALID);
    dacc_screen_db_free(NULL);
    dacc_screen_hits_free(NULL);
    free(junk);
    dacc_screen_seqs_free(lit);
    dacc_screen_seqs_free(two);
    dacc_screen_seqs_free(h);
    free(path);
    remove_tree(dir);
    free(dir);
}

Test(screen_db, lookup_reports_window_indices_per_entry_in_name_order)
{
    cr_assert_eq(dacc_init(), DACC_OK);
    uint8_t sk[32], pk[32];
    key_of(3, sk, pk);
    dacc_screen_db *db;
    cr_assert_eq(dacc_screen_db_create(":memory:", 1, pk, &db, NULL), DACC_OK);
    /* Two entries sharing a 42-mer: both are named for it. */
    const char *x = "GATTACAGATTACAGATTACAGATTACAGATTACAGATTACA";
    char text[256];
    snprintf(text, sizeof text, ">zeta\nCC%sCC\n>alpha\nTT%sTT\n", x, x);
    dacc_screen_seqs *h = seqs_of(text);
    cr_assert_eq(dacc_screen_db_add(db, h, sk, 0, NULL), DACC_OK);
    dacc_screen_seqs *s = one("order", x);
    query q = ask(db, sk, s, NULL);
    cr_assert_eq(dacc_screen_hits_count(q.hits), 2);
    cr_assert_str_eq(dacc_screen_hits_get(q.hits, 0)->entry, "alpha");
    cr_assert_str_eq(dacc_screen_hits_get(q.hits, 1)->entry, "zeta");
    for (size_t i = 0; i < 2; i++) {
        const dacc_screen_hit *hit = dacc_screen_hits_get(q.hits, i);
        cr_assert(hit->nwindows >= 1);
        cr_assert_eq(hit->windows[0], 0); /* the dna42 window, first of the order's */
        for (size_t j = 1; j < hit->nwindows; j++)
            cr_assert(hit->windows[j] > hit->windows[j - 1]);
    }
    cr_assert_null(dacc_screen_hits_get(q.hits, 2));
    query_free(&q);
    /* No hashes: no hits. */
    dacc_screen_hits *none;
    cr_assert_eq(dacc_screen_db_lookup(db, NULL, 0, NULL, &none, NULL), DACC_OK);
    cr_assert_eq(dacc_screen_hits_count(none), 0);
    dacc_screen_hits_free(none);
    dacc_screen_seqs_free(s);
    dacc_screen_seqs_free(h);
    dacc_screen_db_free(db);
}
