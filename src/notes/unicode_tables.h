/* Unicode facts for the topic model's text handling, generated from
   Python's Unicode database by bench/notes/unicode_tables.py (the reference
   tokenizes with Python's re and str). Every table is sorted by code point. */
#ifndef DACC_NOTES_UNICODE_TABLES_H
#define DACC_NOTES_UNICODE_TABLES_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t cp;
    const char *to; /* UTF-8 of lower, NFKD, combining marks dropped */
} notes_uc_fold_entry;

extern const uint32_t notes_uc_word[][2]; /* str.isalnum() above U+007F */
extern const size_t notes_uc_word_n;
extern const uint32_t notes_uc_combining[][2]; /* unicodedata.combining() != 0 */
extern const size_t notes_uc_combining_n;
extern const int32_t notes_uc_lower[][4]; /* first, last, delta, step */
extern const size_t notes_uc_lower_n;
extern const notes_uc_fold_entry notes_uc_fold[]; /* U+00A0-024F, U+1E00-1EFF */
extern const size_t notes_uc_fold_n;

#endif
