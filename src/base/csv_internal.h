/* The CSV reader's state, shared by the reader and the typed getters (private). */
#ifndef DACC_BASE_CSV_INTERNAL_H
#define DACC_BASE_CSV_INTERNAL_H

#include <stdio.h>

#include "dacc/csv.h"

struct dacc_csv {
    char *name; /* for messages */
    dacc_csv_options opt;
    int quote; /* the quote byte, or -1 when quoting is off */

    /* The window being parsed: a whole mapping, a caller's buffer, or sbuf. */
    const unsigned char *data;
    size_t len, pos;
    size_t shifted; /* bytes of a stream dropped from the window before pos */
    int eof;        /* nothing follows the window */

    FILE *fp;   /* streaming input, else NULL */
    int own_fp; /* fp was opened here (closed by dacc_csv_free) */
    unsigned char *sbuf;
    size_t scap;
    const void *map; /* mapping to release, else NULL */
    size_t map_len;

    /* The current record: fields unescaped and NUL-terminated in rec. */
    char *rec;
    size_t rec_len, rec_cap;
    size_t *fofs, *flen;
    size_t nf, fcap;
    unsigned long line;     /* line number at pos */
    unsigned long rec_line; /* line where the current record starts */

    char **cols; /* header names */
    size_t ncols;
    size_t ncols_unnamed; /* fields of the first record without a header */
    size_t expect_fields; /* 0 until known */
    dacc_status status;   /* sticky error */
};

#endif
