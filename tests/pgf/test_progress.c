/* The reader's progress hook (dacc_pgf_round_set_progress): the stage and
 * the bytes of the file, and the same round with or without it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/pgf.h"
#include "dacc/progress.h"

static char *donations(size_t rows, size_t *len)
{
    char *buf = NULL;
    FILE *w = open_memstream(&buf, len);
    fputs("donor,project,amount\n", w);
    for (size_t i = 0; i < rows; i++)
        fprintf(w, "d%zu,p%zu,%zu.25\n", i % 997, i % 13, 1 + i % 50);
    fclose(w);
    return buf;
}

static void qf_of(const char *data, size_t len, dacc_progress *pr, double *match)
{
    dacc_pgf_round *r = dacc_pgf_round_new();
    dacc_pgf_round_set_progress(r, pr);
    dacc_error err;
    cr_assert_eq(dacc_pgf_round_read_memory(r, "d.csv", data, len, NULL, &err), DACC_OK, "%s",
                 err.message);
    cr_assert_eq(dacc_pgf_round_projects(r), 13);
    cr_assert_eq(dacc_pgf_qf(r, match, &err), DACC_OK);
    dacc_pgf_round_free(r);
}

Test(progress, reading_reports_the_bytes_and_changes_nothing)
{
    size_t len;
    char *data = donations(100000, &len);
    setenv("DACC_PROGRESS", "1", 1);
    char *out = NULL;
    size_t olen = 0;
    FILE *fp = open_memstream(&out, &olen);
    dacc_progress *pr = dacc_progress_new(fp);
    cr_assert_not_null(pr);
    double with[13], without[13];
    qf_of(data, len, pr, with);
    qf_of(data, len, NULL, without);
    dacc_progress_free(pr);
    fclose(fp);
    char stage[80];
    snprintf(stage, sizeof stage, "\rreading donations (bytes): 0 / %zu (0%%)", len);
    cr_assert(strstr(out, stage) != NULL, "%s", out);
    cr_assert(memcmp(with, without, sizeof with) == 0, "the hook changed the round");
    free(out);
    free(data);
}
