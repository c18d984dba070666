/* Inputs of several files for one fuzz target: the parts are separated by
 * a line "----" (the bytes "\n----\n"), so a corpus file stays readable. */
#ifndef DACC_FUZZ_SPLIT_H
#define DACC_FUZZ_SPLIT_H

#include <stddef.h>
#include <string.h>

/* Splits data into at most max parts; returns how many. Parts point into
 * data and are not NUL-terminated. */
static inline size_t fuzz_split(const char *data, size_t size, const char **part, size_t *len,
                                size_t max)
{
    static const char sep[] = "\n----\n";
    size_t n = 0;
    const char *p = data, *end = data + size;
    while (n < max) {
        const char *hit = NULL;
        for (const char *q = p; n + 1 < max && q + sizeof sep - 1 <= end; q++)
            if (memcmp(q, sep, sizeof sep - 1) == 0) {
                hit = q;
                break;
            }
        part[n] = p;
        len[n++] = hit ? (size_t)(hit - p) + 1 : (size_t)(end - p); /* keep the line end */
        if (hit == NULL)
            break;
        p = hit + sizeof sep - 1;
    }
    return n;
}

#endif
