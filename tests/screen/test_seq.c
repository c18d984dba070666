/* The sequence readers against the EMBOSS test data, with Biopython
 * (tests/screen/oracle.py) reading the same files as the oracle. */
#include "screen_test.h"

/* Every record as "name length residues" lines, the oracle's form. */
static char *listing(const dacc_screen_seqs *s)
{
    dacc_buf b;
    dacc_buf_init(&b, 0);
    for (size_t i = 0; i < dacc_screen_seqs_count(s); i++) {
        const dacc_screen_record *r = dacc_screen_seqs_get(s, i);
        cr_assert_eq(dacc_buf_printf(&b, "%s %zu %s\n", r->name, r->len, r->residues), DACC_OK);
    }
    size_t len;
    return dacc_buf_detach(&b, &len);
}

static void same_as_biopython(const char *name, dacc_screen_format fmt, const char *biofmt,
                              size_t nrec, dacc_screen_alphabet al)
{
    dacc_screen_seqs *s = emboss_read(name, DACC_SCREEN_FMT_AUTO);
    cr_assert_eq(dacc_screen_seqs_count(s), nrec, "%s", name);
    for (size_t i = 0; i < nrec; i++)
        cr_assert_eq(dacc_screen_seqs_get(s, i)->alphabet, al, "%s record %zu", name, i);
    char *path = path_join(EMBOSS_DATA, name);
    char *want = oracle("records", biofmt, path);
    char *got = listing(s);
    cr_assert_str_eq(got, want, "%s", name);
    dacc_screen_seqs *s2 = emboss_read(name, fmt); /* the format named agrees with AUTO */
    char *got2 = listing(s2);
    cr_assert_str_eq(got2, got);
    free(got2);
    free(got);
    free(want);
    free(path);
    dacc_screen_seqs_free(s2);
    dacc_screen_seqs_free(s);
}

Test(screen_seq, fasta_records_match_biopython)
{
    same_as_biopython("illumina_adapter_primer.fa", DACC_SCREEN_FMT_FASTA, "fasta", 31,
                      DACC_SCREEN_DNA);
    same_as_biopython("litmus.seq", DACC_SCREEN_FMT_FASTA, "fasta", 1, DACC_SCREEN_DNA);
    same_as_biopython("z83307.seq", DACC_SCREEN_FMT_FASTA, "fasta", 1, DACC_SCREEN_DNA);
    same_as_biopython("prot.fasta", DACC_SCREEN_FMT_FASTA, "fasta", 1, DACC_SCREEN_PROTEIN);
    same_as_biopython("globins.fasta", DACC_SCREEN_FMT_FASTA, "fasta", 7, DACC_SCREEN_PROTEIN);
}

Test(screen_seq, embl_records_match_biopython)
{
    same_as_biopython("dna.embl", DACC_SCREEN_FMT_EMBL, "embl", 1, DACC_SCREEN_DNA);
    same_as_biopython("emblfeat.embl", DACC_SCREEN_FMT_EMBL, "embl", 1, DACC_SCREEN_DNA);
    /* Swiss-Prot has the EMBL line structure; its "AA." makes it protein. */
    same_as_biopython("prot.swiss", DACC_SCREEN_FMT_EMBL, "swiss", 1, DACC_SCREEN_PROTEIN);
    same_as_biopython("prot.m-swiss", DACC_SCREEN_FMT_EMBL, "swiss", 3, DACC_SCREEN_PROTEIN);
    same_as_biopython("uniprotft.sw", DACC_SCREEN_FMT_EMBL, "swiss", 25, DACC_SCREEN_PROTEIN);
}

Test(screen_seq, genbank_records_match_biopython)
{
    same_as_biopython("dna.genbank", DACC_SCREEN_FMT_GENBANK, "genbank", 1, DACC_SCREEN_DNA);
    same_as_biopython("pao-short.refseq", DACC_SCREEN_FMT_GENBANK, "genbank", 1, DACC_SCREEN_DNA);
    same_as_biopython("acn78416.genpept", DACC_SCREEN_FMT_GENBANK, "genbank", 1,
                      DACC_SCREEN_PROTEIN);
}

Test(screen_seq, plain_text_is_one_record_named_by_the_file)
{
    dacc_screen_seqs *s = emboss_read("dna.text", DACC_SCREEN_FMT_AUTO);
    cr_assert_eq(dacc_screen_seqs_count(s), 1);
    const dacc_screen_record *r = dacc_screen_seqs_get(s, 0);
    cr_assert_str_eq(r->name, "dna.text");
    cr_assert_eq(r->alphabet, DACC_SCREEN_DNA);
    cr_assert_eq(r->len, 100);
    cr_assert(strncmp(r->residues, "ACGTACGTAC", 10) == 0);
    dacc_screen_seqs_free(s);
}

Test(screen_seq, iupac_codes_and_rna)
{
    /* ambignuc.fasta: every IUPAC nucleotide code, U among them, twice. */
    dacc_screen_seqs *s = emboss_read("ambignuc.fasta", DACC_SCREEN_FMT_AUTO);
    const dacc_screen_record *r = dacc_screen_seqs_get(s, 0);
    cr_assert_eq(r->alphabet, DACC_SCREEN_DNA);
    cr_assert_str_eq(r->residues, "ABCDGHKMNRSTTVWYABCDGHKMNRSTTVWY"); /* U read as T */
    dacc_screen_seqs_free(s);
    /* ambigprot.fasta: every letter and '*': protein, kept as written. */
    s = emboss_read("ambigprot.fasta", DACC_SCREEN_FMT_AUTO);
    r = dacc_screen_seqs_get(s, 0);
    cr_assert_eq(r->alphabet, DACC_SCREEN_PROTEIN);
    cr_assert_eq(r->len, 54);
    cr_assert(strchr(r->residues, 'U') != NULL);
    dacc_screen_seqs_free(s);
}

Test(screen_seq, forced_alphabet)
{
    const char *t = ">p\nACGTACGT\n";
    dacc_screen_seqs *s = NULL;
    dacc_error e;
    cr_assert_eq(dacc_screen_seqs_read(t, strlen(t), DACC_SCREEN_FMT_AUTO, DACC_SCREEN_PROTEIN,
                                       NULL, &s, &e),
                 DACC_OK);
    cr_assert_eq(dacc_screen_seqs_get(s, 0)->alphabet, DACC_SCREEN_PROTEIN);
    dacc_screen_seqs_free(s);
    const char *p = ">x\nACGT\nACQT\n";
    cr_assert_eq(
        dacc_screen_seqs_read(p, strlen(p), DACC_SCREEN_FMT_AUTO, DACC_SCREEN_DNA, "o.fa", &s, &e),
        DACC_ERR_PARSE);
    cr_assert_null(s);
    cr_assert_eq(e.line, 3);
    cr_assert_eq(e.column, 3);
    cr_assert(strstr(e.message, "o.fa:3:3:") != NULL, "%s", e.message);
}

static void refused(const char *text, dacc_status want, unsigned long line, unsigned long col,
                    const char *words)
{
    dacc_screen_seqs *s = (dacc_screen_seqs *)1;
    dacc_error e;
    dacc_error_clear(&e);
    dacc_status st = dacc_screen_seqs_read(text, strlen(text), DACC_SCREEN_FMT_AUTO,
                                           DACC_SCREEN_AUTO, "in.seq", &s, &e);
    cr_assert_eq(st, want, "%s: got %d (%s)", text, st, dacc_error_message(&e));
    cr_assert_null(s);
    cr_assert_eq(e.line, line, "%s: line %lu (%s)", text, e.line, e.message);
    cr_assert_eq(e.column, col, "%s: column %lu (%s)", text, e.column, e.message);
    cr_assert(strstr(e.message, words) != NULL, "%s: %s", text, e.message);
}

Test(screen_seq, errors_name_line_and_field)
{
    refused(">a\nACGT\nAC#GT\n", DACC_ERR_PARSE, 3, 3, "not a residue letter");
    refused(">a\nACGT\nAC-GT\n", DACC_ERR_PARSE, 3, 3, "alignment gap '-'");
    refused(">a\nAC.GT\n", DACC_ERR_PARSE, 2, 3, "alignment gap");
    refused(">a\nAC1GT\n", DACC_ERR_PARSE, 2, 3, "not a residue letter");
    refused("ACGT\n>a\nACGT\n", DACC_ERR_PARSE, 2, 1, "not a residue letter"); /* plain */
    refused("\n>a\nACGT\n>b\n>c\nAA\n", DACC_ERR_INVALID, 4, 0, "has no residues");
    refused(">\nACGT\n", DACC_ERR_INVALID, 1, 0, "no name");
    refused(">a\nACGT\n>a\nACGT\n", DACC_ERR_INVALID, 3, 0, "at line 1 too");
    refused(">z\nA\n>b\nA\n>z\nA\n>b\nA\n>z\nA\n", DACC_ERR_INVALID, 5, 0,
            "record \"z\": the name of the record at line 1 too");
    refused("", DACC_ERR_INVALID, 0, 0, "no sequence records");
    refused("\n\n", DACC_ERR_INVALID, 0, 0, "no sequence records");
    refused("ID   X; DNA.\nSQ   Sequence\n     acgt\n", DACC_ERR_PARSE, 3, 0,
            "not ended by \"//\"");
    refused("ID   X; DNA.\nDE   x\n//\n", DACC_ERR_INVALID, 3, 1, "without a \"SQ \"");
    refused("ID   X; DNA.\nSQ   S\n  acgt 4\n//\nXX\n", DACC_ERR_PARSE, 5, 1,
            "expected a \"ID\" line");
    refused("LOCUS       X  4 bp\nORIGIN\n     1 acgt ac%t\n//\n", DACC_ERR_PARSE, 3, 15,
            "not a residue letter");
    refused("LOCUS       X  4 aa\nORIGIN\n     1 acgt acgt\n//\nLOCUS       X  4 bp\nORIGIN\n"
            "     1 acgt\n//\n",
            DACC_ERR_INVALID, 5, 0, "too");
    refused(">na\xc3\xa9me\nACGT\n", DACC_ERR_PARSE, 1, 0, "printable ASCII");
}

Test(screen_seq, alignments_are_refused)
{
    /* dna.m-fasta and dna.m-embl are alignments: gaps are not bases to
     * synthesize. */
    const char *files[] = { "dna.m-fasta", "dna.m-embl" };
    const char *want[] = {
        "dna.m-fasta:6:21: alignment gap '.': an order is an ungapped sequence",
        "dna.m-embl:12:28: alignment gap '.': an order is an ungapped sequence"
    };
    for (size_t i = 0; i < 2; i++) {
        char *path = path_join(EMBOSS_DATA, files[i]);
        size_t len = 0;
        char *text = read_text(path, &len);
        cr_assert_not_null(text);
        dacc_screen_seqs *s = NULL;
        dacc_error e;
        cr_assert_eq(dacc_screen_seqs_read(text, len, DACC_SCREEN_FMT_AUTO, DACC_SCREEN_AUTO,
                                           files[i], &s, &e),
                     DACC_ERR_PARSE);
        cr_assert_str_eq(e.message, want[i]);
        free(text);
        free(path);
    }
}

Test(screen_seq, nul_byte_is_refused_with_its_place)
{
    dacc_screen_seqs *s = NULL;
    dacc_error e;
    cr_assert_eq(dacc_screen_seqs_read(">a\nAC\0GT\n", 10, DACC_SCREEN_FMT_AUTO, DACC_SCREEN_AUTO,
                                       NULL, &s, &e),
                 DACC_ERR_PARSE);
    cr_assert_eq(e.line, 2);
    cr_assert_eq(e.column, 3);
    cr_assert(strstr(e.message, "\\x00") != NULL, "%s", e.message);
}

Test(screen_seq, alphabet_is_declared_after_the_name)
{
    /* Records named "AA" and "aa" are DNA: the name is not the declaration. */
    dacc_screen_seqs *s = seqs_of("ID   AA; SV 1; linear; genomic DNA; STD; PRO; 8 BP.\nSQ   S\n"
                                  "     acgtacgt 8\n//\n");
    cr_assert_eq(dacc_screen_seqs_get(s, 0)->alphabet, DACC_SCREEN_DNA);
    dacc_screen_seqs_free(s);
    s = seqs_of("LOCUS       aa  8 bp    DNA\nORIGIN\n        1 acgtacgt\n//\n");
    cr_assert_eq(dacc_screen_seqs_get(s, 0)->alphabet, DACC_SCREEN_DNA);
    dacc_screen_seqs_free(s);
    /* Declared protein, all nucleotide letters: protein still. */
    s = seqs_of("LOCUS       P1  8 aa\nORIGIN\n        1 acgtacgt\n//\n");
    cr_assert_eq(dacc_screen_seqs_get(s, 0)->alphabet, DACC_SCREEN_PROTEIN);
    dacc_screen_seqs_free(s);
}

Test(screen_seq, many_records_read_quickly)
{
    /* 20000 records: the name check must not be quadratic. */
    dacc_buf b;
    dacc_buf_init(&b, 0);
    for (int i = 0; i < 20000; i++)
        cr_assert_eq(dacc_buf_printf(&b, ">r%d\nACGT\n", i), DACC_OK);
    dacc_screen_seqs *s = seqs_of(b.data);
    cr_assert_eq(dacc_screen_seqs_count(s), 20000);
    dacc_screen_seqs_free(s);
    dacc_buf_free(&b);
}

Test(screen_seq, line_endings_and_case)
{
    dacc_screen_seqs *s = seqs_of(">a desc\r\nacgt\r\nNNry\r\n\r\n>b\nMKV*\n");
    cr_assert_eq(dacc_screen_seqs_count(s), 2);
    cr_assert_str_eq(dacc_screen_seqs_get(s, 0)->name, "a");
    cr_assert_str_eq(dacc_screen_seqs_get(s, 0)->residues, "ACGTNNRY");
    cr_assert_eq(dacc_screen_seqs_get(s, 0)->line, 1);
    cr_assert_str_eq(dacc_screen_seqs_get(s, 1)->residues, "MKV*");
    cr_assert_eq(dacc_screen_seqs_get(s, 1)->alphabet, DACC_SCREEN_PROTEIN);
    cr_assert_eq(dacc_screen_seqs_get(s, 1)->line, 5);
    cr_assert_null(dacc_screen_seqs_get(s, 2));
    dacc_screen_seqs_free(s);
    dacc_screen_seqs_free(NULL);
}
