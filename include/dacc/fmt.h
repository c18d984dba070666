/* dacc — how results are printed, the same in every command and format:
 * reals as the shortest decimal that reads back to the same double,
 * never NaN or infinity, and project ids in natural order ("12" before
 * "118"), so a table reads the way a person counts. */
#ifndef DACC_FMT_H
#define DACC_FMT_H

#include <stddef.h>

#include "dacc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Room for any real dacc_fmt_real writes, NUL included. */
#define DACC_FMT_REAL_MAX 32

/* Writes v as the shortest decimal that strtod reads back as exactly v
 * (the closest to v among those): "0.1", "12523.79", "1e-7", "1e+21";
 * plain from 1e-6 to below 1e21, -0 as "0". Returns the length written,
 * NUL-terminated, or 0 (out = "") for NaN and infinities: callers refuse
 * those or write the empty field their format documents. */
size_t dacc_fmt_real(double v, char out[DACC_FMT_REAL_MAX]);

/* Writes v rounded to places decimals (at most 15), for the aligned
 * columns of a text table, where each column documents its precision:
 * "0.100000000" at 9. Never "-0.000..." (a negative that rounds to zero
 * prints unsigned); a value too large for the room (|v| >= 1e15) is
 * written as dacc_fmt_real writes it. Returns the length, or 0 (out = "")
 * for NaN and infinities, as dacc_fmt_real. */
size_t dacc_fmt_fixed(double v, unsigned places, char out[DACC_FMT_REAL_MAX]);

/* Orders two ids naturally: runs of ASCII digits compare by their value
 * ("item2" < "item10", "12" < "118"), everything else byte by byte; ids
 * that differ only in leading zeros order the shorter first, and any
 * other tie falls back to strcmp, so the order is total and the same on
 * every run. Returns < 0, 0 or > 0 as strcmp does. */
int dacc_fmt_natcmp(const char *a, const char *b);

/* Fills ord[0..n) with 0..n-1 sorted by names[ord[i]] under
 * dacc_fmt_natcmp (equal names by index). DACC_ERR_NOMEM leaves ord
 * as 0..n-1. Allocates n pairs for the sort. */
dacc_status dacc_fmt_natural_order(const char *const *names, size_t n, size_t *ord,
                                   dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
