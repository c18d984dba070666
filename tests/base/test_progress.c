#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/progress.h"

Test(progress, disabled_off_a_terminal_and_null_safe)
{
    unsetenv("DACC_PROGRESS");
    FILE *fp = tmpfile();
    cr_assert_null(dacc_progress_new(fp), "a file is not a terminal");
    dacc_progress_stage(NULL, "x", 1);
    dacc_progress_update(NULL, 1);
    dacc_progress_free(NULL);
    setenv("DACC_PROGRESS", "0", 1);
    cr_assert_null(dacc_progress_new(fp));
    fclose(fp);
}

Test(progress, forced_display_draws_and_erases)
{
    setenv("DACC_PROGRESS", "1", 1);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    dacc_progress *p = dacc_progress_new(fp);
    cr_assert_not_null(p);
    dacc_progress_stage(p, "reading ratings", 200);
    dacc_progress_update(p, 100);
    dacc_progress_free(p);
    fclose(fp);
    cr_assert(strstr(buf, "\rreading ratings: 0 / 200 (0%)") != NULL, "%s", buf);
    cr_assert_eq(buf[len - 1], '\r', "the line is erased at the end");
    free(buf);
    unsetenv("DACC_PROGRESS");
}
