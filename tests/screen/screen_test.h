/* Shared by the tests of tests/screen: the EMBOSS test data (Debian
 * emboss-test) and the Biopython oracle (tests/screen/oracle.py). */
#ifndef DACC_TEST_SCREEN_H
#define DACC_TEST_SCREEN_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/mem.h"
#include "dacc/screen.h"
#include "support.h"

#define EMBOSS_DATA "/usr/share/EMBOSS/test/data/"

/* The records of an EMBOSS test file; the test fails when it cannot be read. */
static inline dacc_screen_seqs *emboss_read(const char *name, dacc_screen_format fmt)
{
    char *path = path_join(EMBOSS_DATA, name);
    size_t len = 0;
    char *text = read_text(path, &len);
    cr_assert(text != NULL, "%s: missing (scripts/deps.sh check installs emboss-test)", path);
    dacc_screen_seqs *s = NULL;
    dacc_error e;
    dacc_status st = dacc_screen_seqs_read(text, len, fmt, DACC_SCREEN_AUTO, name, &s, &e);
    cr_assert_eq(st, DACC_OK, "%s: %s", name, dacc_error_message(&e));
    free(text);
    free(path);
    return s;
}

static inline dacc_screen_seqs *seqs_of(const char *text)
{
    dacc_screen_seqs *s = NULL;
    dacc_error e;
    dacc_status st = dacc_screen_seqs_read(text, strlen(text), DACC_SCREEN_FMT_AUTO,
                                           DACC_SCREEN_AUTO, "t", &s, &e);
    cr_assert_eq(st, DACC_OK, "%s", dacc_error_message(&e));
    return s;
}

/* The standard output of the oracle run on args, as one string. */
static inline char *oracle(const char *what, const char *fmt, const char *path)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s %s %s", SOURCE_PATH("tests/screen/oracle.py"),
             what, fmt, path);
    FILE *p = popen(cmd, "r");
    cr_assert(p != NULL);
    dacc_buf b;
    dacc_buf_init(&b, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        cr_assert_eq(dacc_buf_append(&b, chunk, n), DACC_OK);
    cr_assert_eq(pclose(p), 0, "%s failed (is python3-biopython installed?)", cmd);
    size_t len;
    return dacc_buf_detach(&b, &len);
}

static inline char *revcomp(const char *s, size_t n)
{
    char *r = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        char c = s[n - 1 - i];
        r[i] = c == 'A' ? 'T' : c == 'C' ? 'G' : c == 'G' ? 'C' : 'A';
    }
    r[n] = '\0';
    return r;
}

#endif
