/* Synthetic data (dacc_notes_synth) for the pipeline tests: the four
 * published files in memory, and read into a dacc_notes. */
#ifndef DACC_TESTS_NOTES_SYNTH_FILES_H
#define DACC_TESTS_NOTES_SYNTH_FILES_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

/* Files in dacc_notes_read_memory's kinds: notes, ratings, history, enrollment. */
static const char synth_kinds[] = "nrhe";

static inline void synth_files(const dacc_notes_synth_params *sp, char *buf[4], size_t len[4])
{
    FILE *fp[4];
    for (int f = 0; f < 4; f++)
        buf[f] = NULL, len[f] = 0, fp[f] = open_memstream(&buf[f], &len[f]);
    dacc_notes_synth_out out = { fp[0], fp[1], fp[2], fp[3], NULL };
    dacc_error err = { 0 };
    cr_assert_eq(dacc_notes_synth(sp, &out, NULL, &err), DACC_OK, "%s", err.message);
    for (int f = 0; f < 4; f++)
        cr_assert_eq(fclose(fp[f]), 0);
}

/* Reads the files and frees them. */
static inline void read_files(dacc_notes *nt, char *buf[4], const size_t len[4])
{
    dacc_error err = { 0 };
    for (int f = 0; f < 4; f++) {
        cr_assert_eq(dacc_notes_read_memory(nt, synth_kinds[f], "synth", buf[f], len[f], 0, &err),
                     DACC_OK, "%s", err.message);
        free(buf[f]);
    }
}

static inline void read_synth(dacc_notes *nt, const dacc_notes_synth_params *sp)
{
    char *buf[4];
    size_t len[4];
    synth_files(sp, buf, len);
    read_files(nt, buf, len);
}

/* The whole pipeline on nt with the defaults, without pseudo-raters
 * (faster, and no test here needs them). */
static inline void score_default(dacc_notes *nt)
{
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    p.pseudoraters = false;
    dacc_error err = { 0 };
    cr_assert_eq(dacc_notes_score(nt, &p, NULL, &err), DACC_OK, "%s", err.message);
}

#endif
