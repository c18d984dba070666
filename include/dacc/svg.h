/* dacc — SVG charts for pages and reports: a horizontal bar chart (sorted,
 * its long tail folded into one "others" bar) and a line chart of a few
 * series, and a grouped bar chart (several values per label, as one
 * project under several mechanisms), each with a title, axes, value labels
 * and a background, so a
 * chart read on its own (a screenshot, a file) still says what it shows.
 *
 * The text escaping used here is the one the node's HTML pages use too
 * (dacc_svg_text): a chart embedded in a page and the page around it
 * escape the same way. */
#ifndef DACC_SVG_H
#define DACC_SVG_H

#include <stddef.h>

#include "dacc/error.h"
#include "dacc/mem.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Appends s as XML/HTML character data or attribute text: & < > " ' as
 * entities; bytes that are not well-formed UTF-8, and control characters
 * other than tab and newline (which XML 1.0 cannot carry), as U+FFFD, so
 * the document stays well-formed whatever the input. NULL appends
 * nothing. The dacc_buf rule on failure (the buffer is left empty). */
dacc_status dacc_svg_text(dacc_buf *out, const char *s);

typedef struct {
    const char *label; /* UTF-8; shown cut to 32 characters, whole in a tooltip */
    double value;      /* finite and >= 0 */
    const char *text;  /* the value's label (e.g. an exact amount); NULL: value printed */
} dacc_svg_bar;

typedef struct {
    const char *title; /* required */
    const char *axis;  /* what the values are, under the axis ("amount", "share") */
    size_t max_bars;   /* bars drawn, the last one "others (K)" when more; 0: 25 */
    unsigned width;    /* pixels; 0: 760 */
    int decimals;      /* digits after the point of printed values; 0 to 18 */
    const char *id;    /* prefix of the element ids (several charts in a page); NULL: "c" */
} dacc_svg_bars_opts;

/* Appends a horizontal bar chart of bars[0..n): sorted by value, largest
 * first (equal values by label, so the order is the same on every run);
 * when n > max_bars the max_bars - 1 largest are drawn and the rest are one
 * bar "others (K)" holding their sum. A bar is 18 pixels high, so 75 bars
 * are about 1,400 pixels; the value axis starts at 0 and has 4 to 6 round
 * ticks. Refused (DACC_ERR_INVALID, naming the bar): a negative, NaN or
 * infinite value, a NULL label; DACC_ERR_NOMEM. The dacc_buf rule on
 * failure. Allocates n indices for the sort. */
dacc_status dacc_svg_bars(const dacc_svg_bars_opts *o, const dacc_svg_bar *bars, size_t n,
                          dacc_buf *out, dacc_error *err);

typedef struct {
    const char *title;         /* required */
    const char *axis;          /* what the values are, under the axis */
    const char *const *series; /* the legend: ns names, one per bar of a group */
    size_t ns;                 /* 1 to 8 */
    unsigned width;            /* pixels; 0: 760 */
    int decimals;              /* digits after the point of printed values; 0 to 18 */
    const char *unit;          /* after each printed value ("%"); NULL: nothing */
    const char *id;            /* as in dacc_svg_bars_opts */
} dacc_svg_groups_opts;

/* Appends a grouped horizontal bar chart: n groups (labels[i]), each of
 * o->ns bars values[i * ns + k] in the series' colours, with a legend;
 * groups sorted by their first value, largest first (ties by label). A
 * group is 7 pixels per bar plus 8, so 75 groups of 3 are about 2,200
 * pixels. Refused (DACC_ERR_INVALID): no title, 0 or more than 8 series, a
 * NULL label or series name, a negative, NaN or infinite value;
 * DACC_ERR_NOMEM. The dacc_buf rule on failure. */
dacc_status dacc_svg_groups(const dacc_svg_groups_opts *o, const char *const *labels,
                            const double *values, size_t n, dacc_buf *out, dacc_error *err);

typedef struct {
    const char *name; /* the legend's text */
    const double *y;  /* npoints values */
} dacc_svg_series;

typedef struct {
    const char *title;      /* required */
    const char *x_axis;     /* what the points are ("trade") */
    const char *y_axis;     /* what the values are ("price") */
    double y_min, y_max;    /* the value axis; y_min < y_max */
    unsigned width, height; /* pixels; 0: 760 by 320 */
    const char *id;         /* as in dacc_svg_bars_opts */
} dacc_svg_lines_opts;

/* Appends a line chart: series s[0..ns) (at most 8; each drawn in its own
 * colour and dash pattern, so colour is not the only difference) over
 * points 0..npoints-1 on the x axis, values clamped to [y_min, y_max],
 * with the last value of each series printed at its end. Refused
 * (DACC_ERR_INVALID): no points, more than 8 series, y_min >= y_max, a
 * NaN value. The dacc_buf rule on failure. */
dacc_status dacc_svg_lines(const dacc_svg_lines_opts *o, const dacc_svg_series *s, size_t ns,
                           size_t npoints, dacc_buf *out, dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
