/* The published files' columns, for writers outside the module (a notes
 * round builds the files its events make). */
#include "internal.h"

const char *const *dacc_notes_columns(char kind, size_t *n)
{
    return notes_columns(kind, n);
}
