/* SVG charts (include/dacc/svg.h): text escaped once, here, for the charts
 * and for the node's HTML around them. Coordinates are printed with one
 * decimal, so the same chart is the same bytes on every run. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/svg.h"
#include "utf8.h"

#define LABEL_CHARS 32
#define ROW         18.0 /* pixels per bar */
#define BAR         12.0
#define MAX_SERIES  8

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Series colours, told apart by more than hue (lines also by dash). */
static const char *const palette[MAX_SERIES] = { "#1f4e9c", "#b3261e", "#1b7a3a", "#8a4b00",
                                                 "#6b2c91", "#006d77", "#444444", "#9c2f6b" };
static const char *const dashes[MAX_SERIES] = { "none", "6 3", "2 3",      "8 3 2 3",
                                                "1 2",  "4 4", "10 2 2 2", "3 6" };

static const char *entity(unsigned char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return NULL;
    }
}

dacc_status dacc_svg_text(dacc_buf *out, const char *s)
{
    dacc_status st = DACC_OK;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t left = strlen((const char *)p);
    while (left > 0 && st == DACC_OK) {
        size_t n = utf8_seq_len(p, left);
        const char *e = n == 1 ? entity(*p) : NULL;
        if (e != NULL)
            st = dacc_buf_append(out, e, strlen(e));
        else if (n == 0 || (n == 1 && *p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f)
            st = dacc_buf_append(out, replacement, 3);
        else
            st = dacc_buf_append(out, p, n);
        n = n ? n : 1;
        p += n;
        left -= n;
    }
    return st;
}

/* s cut to its first LABEL_CHARS characters, with an ellipsis when cut
 * (into buf, which has room for LABEL_CHARS four-byte characters). */
static const char *short_label(const char *s, char *buf, size_t cap)
{
    size_t chars = 0, i = 0;
    for (; s[i] != '\0'; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && chars++ == LABEL_CHARS - 1)
            break;
    }
    if (s[i] == '\0')
        return s;
    snprintf(buf, cap, "%.*s\xE2\x80\xA6", (int)i, s); /* … */
    return buf;
}

/* A round step near range / parts: 1, 2 or 5 times a power of ten. */
static double nice_step(double range, double parts)
{
    double raw = range / parts, p = pow(10, floor(log10(raw))), f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/* Digits after the point that a tick of this step needs. */
static int step_digits(double step)
{
    int d = (int)-floor(log10(step) + 1e-9);
    return d < 0 ? 0 : d > 12 ? 12 : d;
}

/* ---- bars ---- */

typedef struct {
    const dacc_svg_bar *bars;
    size_t i;
} ranked;

static int by_value(const void *pa, const void *pb)
{
    const dacc_svg_bar *a = ((const ranked *)pa)->bars + ((const ranked *)pa)->i;
    const dacc_svg_bar *b = ((const ranked *)pb)->bars + ((const ranked *)pb)->i;
    if (a->value != b->value)
        return a->value > b->value ? -1 : 1;
    int c = strcmp(a->label, b->label);
    if (c != 0)
        return c;
    return ((const ranked *)pa)->i < ((const ranked *)pb)->i ? -1 : 1;
}

static dacc_status check_bars(const dacc_svg_bar *bars, size_t n, dacc_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (bars[i].label == NULL)
            return dacc_error_set(err, DACC_ERR_INVALID, "bar %zu: no label", i + 1);
        if (!isfinite(bars[i].value) || bars[i].value < 0)
            return dacc_error_set(err, DACC_ERR_INVALID,
                                  "bar %zu (\"%s\"): the value %g is not a finite number >= 0",
                                  i + 1, bars[i].label, bars[i].value);
    }
    return DACC_OK;
}

typedef struct {
    dacc_buf *out;
    const char *id;
    double width, height, left, plot, top; /* the plot area: x from left, plot wide */
    double top_value, step;
    int decimals;
} bar_frame;

static dacc_status frame_open(const bar_frame *f, const char *title, const char *desc)
{
    dacc_status st = dacc_buf_printf(
        f->out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
        "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-labelledby=\"%s-title %s-desc\" "
        "font-family=\"DejaVu Sans, sans-serif\" font-size=\"12\">\n<title id=\"%s-title\">",
        f->width, f->height, f->width, f->height, f->id, f->id, f->id);
    if (st == DACC_OK)
        st = dacc_svg_text(f->out, title);
    if (st == DACC_OK)
        st = dacc_buf_printf(f->out, "</title>\n<desc id=\"%s-desc\">", f->id);
    if (st == DACC_OK)
        st = dacc_svg_text(f->out, desc);
    if (st == DACC_OK)
        st = dacc_buf_printf(f->out,
                             "</desc>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n"
                             "<text x=\"8\" y=\"22\" font-size=\"15\" font-weight=\"bold\" "
                             "fill=\"#1a202c\">");
    if (st == DACC_OK)
        st = dacc_svg_text(f->out, title);
    if (st == DACC_OK)
        st = dacc_buf_printf(f->out, "</text>\n");
    return st;
}

/* Vertical grid lines with their values above the bars, and the axis's
 * caption below. */
static dacc_status bar_axis(const bar_frame *f, double bottom, const char *axis)
{
    dacc_status st = DACC_OK;
    int d = step_digits(f->step);
    for (double v = 0; v <= f->top_value * (1 + 1e-9) && st == DACC_OK; v += f->step) {
        double x = f->left + f->plot * v / f->top_value;
        st = dacc_buf_printf(f->out,
                             "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                             "stroke=\"#cbd5e0\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
                             "text-anchor=\"middle\" fill=\"#2d3748\">%.*f</text>\n",
                             x, f->top - 4, x, bottom, x, f->top - 8, d, v);
    }
    if (st == DACC_OK)
        st = dacc_buf_printf(f->out,
                             "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                             "stroke=\"#1a202c\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
                             "text-anchor=\"middle\" fill=\"#2d3748\">",
                             f->left, f->top - 4, f->left, bottom, f->left + f->plot / 2,
                             bottom + 22);
    if (st == DACC_OK)
        st = dacc_svg_text(f->out, axis);
    if (st == DACC_OK)
        st = dacc_buf_printf(f->out, "</text>\n");
    return st;
}

static dacc_status bar_row(const bar_frame *f, size_t row, const char *label, double value,
                           const char *text, bool others)
{
    char cut[4 * LABEL_CHARS + 4], num[64];
    double y = f->top + (double)row * ROW, w = f->plot * value / f->top_value;
    if (text == NULL) {
        snprintf(num, sizeof num, "%.*f", f->decimals, value);
        text = num;
    }
    dacc_status st = dacc_buf_printf(f->out, "<g><title>");
    if (st == DACC_OK)
        st = dacc_svg_text(f->out, label);
    if (st == DACC_OK)
        st = dacc_buf_printf(f->out, ": ");
    if (st == DACC_OK)
        st = dacc_svg_text(f->out, text);
    if (st == DACC_OK)
        st = dacc_buf_printf(f->out,
                             "</title><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                             "fill=\"#1a202c\">",
                             f->left - 6, y + BAR);
    if (st == DACC_OK)
        st = dacc_svg_text(f->out, short_label(label, cut, sizeof cut));
    if (st == DACC_OK)
        st = dacc_buf_printf(f->out,
                             "</text><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                             "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" fill=\"#1a202c\">",
                             f->left, y + 2, w, BAR, others ? "#718096" : "#2b6cb0",
                             f->left + w + 4, y + BAR);
    if (st == DACC_OK)
        st = dacc_svg_text(f->out, text);
    if (st == DACC_OK)
        st = dacc_buf_printf(f->out, "</text></g>\n");
    return st;
}

static dacc_status bars_body(const dacc_svg_bars_opts *o, const dacc_svg_bar *bars,
                             const ranked *ord, size_t n, bar_frame *f)
{
    size_t max = o->max_bars ? o->max_bars : 25;
    size_t shown = n > max ? max - 1 : n, folded = n - shown;
    double vmax = 0, rest = 0;
    for (size_t i = 0; i < n; i++) {
        double v = bars[ord[i].i].value;
        vmax = v > vmax ? v : vmax;
        rest += i >= shown ? v : 0;
    }
    vmax = rest > vmax ? rest : vmax;
    f->step = vmax > 0 ? nice_step(vmax, 5) : 0.2;
    f->top_value = vmax > 0 ? ceil(vmax / f->step - 1e-9) * f->step : 1;
    double rows = (double)(shown + (folded > 0));
    f->height = f->top + rows * ROW + 34;
    char desc[160];
    snprintf(desc, sizeof desc, "%zu bars, largest first%s", n,
             folded ? "; the smallest are folded into one bar, others" : "");
    dacc_status st = frame_open(f, o->title, desc);
    if (st == DACC_OK)
        st = bar_axis(f, f->top + rows * ROW, o->axis ? o->axis : "value");
    for (size_t i = 0; i < shown && st == DACC_OK; i++) {
        const dacc_svg_bar *b = &bars[ord[i].i];
        st = bar_row(f, i, b->label, b->value, b->text, false);
    }
    if (folded > 0 && st == DACC_OK) {
        char label[64];
        snprintf(label, sizeof label, "others (%zu)", folded);
        st = bar_row(f, shown, label, rest, NULL, true);
    }
    if (st == DACC_OK)
        st = dacc_buf_printf(f->out, "</svg>\n");
    return st;
}

dacc_status dacc_svg_bars(const dacc_svg_bars_opts *o, const dacc_svg_bar *bars, size_t n,
                          dacc_buf *out, dacc_error *err)
{
    if (o->title == NULL)
        return dacc_error_set(err, DACC_ERR_INVALID, "a chart needs a title");
    if (o->decimals < 0 || o->decimals > 18)
        return dacc_error_set(err, DACC_ERR_INVALID, "decimals %d: 0 to 18", o->decimals);
    dacc_status st = check_bars(bars, n, err);
    if (st != DACC_OK)
        return st;
    ranked *ord = malloc((n ? n : 1) * sizeof *ord);
    if (ord == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory sorting %zu bars", n);
    for (size_t i = 0; i < n; i++)
        ord[i] = (ranked){ bars, i };
    qsort(ord, n, sizeof *ord, by_value);
    double width = o->width ? o->width : 760;
    bar_frame f = { .out = out,
                    .id = o->id ? o->id : "c",
                    .width = width,
                    .left = 240,
                    .plot = width - 240 - 120,
                    .top = 52,
                    .decimals = o->decimals };
    st = bars_body(o, bars, ord, n, &f);
    free(ord);
    if (st != DACC_OK)
        return dacc_error_set(err, st, "out of memory writing a chart");
    return DACC_OK;
}

/* ---- groups ---- */

#define GROUP_BAR   7.0 /* pixels per bar of a group */
#define GROUP_GAP   8.0 /* pixels between groups */
#define LEGEND_ITEM 180.0

typedef struct {
    const char *const *labels;
    const double *values;
    size_t ns, i;
} group_ranked;

static int by_first(const void *pa, const void *pb)
{
    const group_ranked *a = pa, *b = pb;
    double x = a->values[a->i * a->ns], y = b->values[b->i * b->ns];
    if (x != y)
        return x > y ? -1 : 1;
    int c = strcmp(a->labels[a->i], b->labels[b->i]);
    return c != 0 ? c : a->i < b->i ? -1 : 1;
}

static dacc_status check_groups(const dacc_svg_groups_opts *o, const char *const *labels,
                                const double *values, size_t n, dacc_error *err)
{
    if (o->title == NULL)
        return dacc_error_set(err, DACC_ERR_INVALID, "a chart needs a title");
    if (o->ns == 0 || o->ns > MAX_SERIES)
        return dacc_error_set(err, DACC_ERR_INVALID, "a grouped chart has 1 to %d series, not %zu",
                              MAX_SERIES, o->ns);
    if (o->decimals < 0 || o->decimals > 18)
        return dacc_error_set(err, DACC_ERR_INVALID, "decimals %d: 0 to 18", o->decimals);
    for (size_t k = 0; k < o->ns; k++)
        if (o->series[k] == NULL)
            return dacc_error_set(err, DACC_ERR_INVALID, "series %zu: no name", k + 1);
    for (size_t i = 0; i < n; i++) {
        if (labels[i] == NULL)
            return dacc_error_set(err, DACC_ERR_INVALID, "group %zu: no label", i + 1);
        for (size_t k = 0; k < o->ns; k++) {
            double v = values[i * o->ns + k];
            if (!isfinite(v) || v < 0)
                return dacc_error_set(err, DACC_ERR_INVALID,
                                      "group %zu (\"%s\"), %s: the value %g is not a finite "
                                      "number >= 0",
                                      i + 1, labels[i], o->series[k], v);
        }
    }
    return DACC_OK;
}

/* Legend entries per line: LEGEND_ITEM pixels each across the chart. */
static size_t legend_per_line(double width)
{
    size_t k = (size_t)((width - 16) / LEGEND_ITEM);
    return k ? k : 1;
}

/* The legend under the title: a swatch and the name of each series,
 * wrapped onto as many lines as the width needs. */
static dacc_status groups_legend(const bar_frame *f, const dacc_svg_groups_opts *o)
{
    dacc_status st = DACC_OK;
    size_t per = legend_per_line(f->width);
    for (size_t k = 0; k < o->ns && st == DACC_OK; k++) {
        double x = 8 + LEGEND_ITEM * (double)(k % per), y = 30 + 16 * (double)(k / per);
        st = dacc_buf_printf(f->out,
                             "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" "
                             "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" fill=\"#1a202c\">",
                             x, y, palette[k], x + 14, y + 9);
        if (st == DACC_OK)
            st = dacc_svg_text(f->out, o->series[k]);
        if (st == DACC_OK)
            st = dacc_buf_printf(f->out, "</text>\n");
    }
    return st;
}

static dacc_status groups_row(const bar_frame *f, const dacc_svg_groups_opts *o, double y,
                              const char *label, const double *v)
{
    char cut[4 * LABEL_CHARS + 4];
    double h = GROUP_BAR * (double)o->ns;
    dacc_status st = dacc_buf_printf(f->out, "<g><title>");
    if (st == DACC_OK)
        st = dacc_svg_text(f->out, label);
    for (size_t k = 0; k < o->ns && st == DACC_OK; k++) {
        st = dacc_buf_printf(f->out, "%s", k ? ", " : ": ");
        if (st == DACC_OK)
            st = dacc_svg_text(f->out, o->series[k]);
        if (st == DACC_OK)
            st = dacc_buf_printf(f->out, " %.*f", o->decimals, v[k]);
        if (st == DACC_OK)
            st = dacc_svg_text(f->out, o->unit);
    }
    if (st == DACC_OK)
        st = dacc_buf_printf(f->out,
                             "</title><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                             "fill=\"#1a202c\">",
                             f->left - 6, y + h / 2 + 4);
    if (st == DACC_OK)
        st = dacc_svg_text(f->out, short_label(label, cut, sizeof cut));
    if (st == DACC_OK)
        st = dacc_buf_printf(f->out, "</text>\n");
    for (size_t k = 0; k < o->ns && st == DACC_OK; k++) {
        double w = f->plot * v[k] / f->top_value, by = y + GROUP_BAR * (double)k;
        st = dacc_buf_printf(f->out,
                             "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                             "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"8\" "
                             "fill=\"#1a202c\">%.*f",
                             f->left, by, w, GROUP_BAR - 1, palette[k], f->left + w + 3,
                             by + GROUP_BAR - 1, o->decimals, v[k]);
        if (st == DACC_OK)
            st = dacc_svg_text(f->out, o->unit);
        if (st == DACC_OK)
            st = dacc_buf_printf(f->out, "</text>\n");
    }
    return st == DACC_OK ? dacc_buf_printf(f->out, "</g>\n") : st;
}

static dacc_status groups_body(const dacc_svg_groups_opts *o, const group_ranked *ord, size_t n,
                               bar_frame *f)
{
    double vmax = 0, pitch = GROUP_BAR * (double)o->ns + GROUP_GAP;
    for (size_t i = 0; i < n * o->ns; i++)
        vmax = ord->values[i] > vmax ? ord->values[i] : vmax;
    f->step = vmax > 0 ? nice_step(vmax, 5) : 0.2;
    f->top_value = vmax > 0 ? ceil(vmax / f->step - 1e-9) * f->step : 1;
    double bottom = f->top + pitch * (double)n;
    f->height = bottom + 34;
    char desc[160];
    snprintf(desc, sizeof desc, "%zu groups of %zu bars, largest first by the first series", n,
             o->ns);
    dacc_status st = frame_open(f, o->title, desc);
    if (st == DACC_OK)
        st = groups_legend(f, o);
    if (st == DACC_OK)
        st = bar_axis(f, bottom, o->axis ? o->axis : "value");
    for (size_t i = 0; i < n && st == DACC_OK; i++)
        st = groups_row(f, o, f->top + pitch * (double)i + GROUP_GAP / 2, ord[i].labels[ord[i].i],
                        ord->values + ord[i].i * o->ns);
    return st == DACC_OK ? dacc_buf_printf(f->out, "</svg>\n") : st;
}

dacc_status dacc_svg_groups(const dacc_svg_groups_opts *o, const char *const *labels,
                            const double *values, size_t n, dacc_buf *out, dacc_error *err)
{
    dacc_status st = check_groups(o, labels, values, n, err);
    if (st != DACC_OK)
        return st;
    group_ranked *ord = malloc((n ? n : 1) * sizeof *ord);
    if (ord == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory sorting %zu groups", n);
    for (size_t i = 0; i < n; i++)
        ord[i] = (group_ranked){ labels, values, o->ns, i };
    qsort(ord, n, sizeof *ord, by_first);
    double width = o->width ? o->width : 760;
    bar_frame f = { .out = out,
                    .id = o->id ? o->id : "c",
                    .width = width,
                    .left = 240,
                    .plot = width - 240 - 120,
                    .decimals = o->decimals };
    f.top = 72 + 16 * (double)((o->ns - 1) / legend_per_line(width));
    st = groups_body(o, ord, n, &f);
    free(ord);
    if (st != DACC_OK)
        return dacc_error_set(err, st, "out of memory writing a chart");
    return DACC_OK;
}

/* ---- lines ---- */

typedef struct {
    double left, top, plot_w, plot_h;
    double y_min, y_max;
    size_t npoints;
} line_frame;

static double px(const line_frame *f, size_t i)
{
    return f->npoints < 2 ? f->left + f->plot_w / 2
                          : f->left + f->plot_w * (double)i / (double)(f->npoints - 1);
}

static double py(const line_frame *f, double v)
{
    v = v < f->y_min ? f->y_min : v > f->y_max ? f->y_max : v;
    return f->top + f->plot_h * (1 - (v - f->y_min) / (f->y_max - f->y_min));
}

static dacc_status line_axes(dacc_buf *out, const line_frame *f, const dacc_svg_lines_opts *o)
{
    dacc_status st = DACC_OK;
    double ys = nice_step(f->y_max - f->y_min, 4), bottom = f->top + f->plot_h;
    int d = step_digits(ys);
    for (double v = ceil(f->y_min / ys - 1e-9) * ys; v <= f->y_max + ys * 1e-9 && st == DACC_OK;
         v += ys)
        st = dacc_buf_printf(out,
                             "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                             "stroke=\"#cbd5e0\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
                             "text-anchor=\"end\" fill=\"#2d3748\">%.*f</text>\n",
                             f->left, py(f, v), f->left + f->plot_w, py(f, v), f->left - 6,
                             py(f, v) + 4, d, fabs(v) < ys * 1e-9 ? 0.0 : v);
    double xs = f->npoints > 1 ? nice_step((double)(f->npoints - 1), 6) : 1;
    xs = xs < 1 ? 1 : xs;
    for (double i = 0; i <= (double)(f->npoints - 1) && st == DACC_OK; i += xs)
        st = dacc_buf_printf(out,
                             "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                             "fill=\"#2d3748\">%.0f</text>\n",
                             px(f, (size_t)i), bottom + 16, i);
    if (st == DACC_OK)
        st = dacc_buf_printf(out,
                             "<path d=\"M%.1f %.1fV%.1fH%.1f\" fill=\"none\" stroke=\"#1a202c\"/>\n"
                             "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                             "fill=\"#2d3748\">",
                             f->left, f->top, bottom, f->left + f->plot_w, f->left + f->plot_w / 2,
                             bottom + 34);
    if (st == DACC_OK)
        st = dacc_svg_text(out, o->x_axis ? o->x_axis : "point");
    if (st == DACC_OK)
        st = dacc_buf_printf(out,
                             "</text>\n<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" "
                             "fill=\"#2d3748\" transform=\"rotate(-90 14 %.1f)\">",
                             f->top + f->plot_h / 2, f->top + f->plot_h / 2);
    if (st == DACC_OK)
        st = dacc_svg_text(out, o->y_axis ? o->y_axis : "value");
    if (st == DACC_OK)
        st = dacc_buf_printf(out, "</text>\n");
    return st;
}

static dacc_status line_series(dacc_buf *out, const line_frame *f, const dacc_svg_series *s,
                               size_t k)
{
    dacc_status st = dacc_buf_printf(out, "<g><title>");
    if (st == DACC_OK)
        st = dacc_svg_text(out, s->name);
    if (st == DACC_OK)
        st = dacc_buf_printf(out,
                             "</title><polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                             "stroke-dasharray=\"%s\" points=\"",
                             palette[k], dashes[k]);
    for (size_t i = 0; i < f->npoints && st == DACC_OK; i++)
        st = dacc_buf_printf(out, "%s%.1f,%.1f", i ? " " : "", px(f, i), py(f, s->y[i]));
    double last = s->y[f->npoints - 1], x = px(f, f->npoints - 1), y = py(f, last);
    if (st == DACC_OK)
        st = dacc_buf_printf(out,
                             "\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>"
                             "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">",
                             x, y, palette[k], x + 6, y + 4 + 12.0 * (double)k, palette[k]);
    if (st == DACC_OK)
        st = dacc_svg_text(out, s->name);
    if (st == DACC_OK)
        st = dacc_buf_printf(out, " %.3f</text></g>\n", last);
    return st;
}

static dacc_status check_lines(const dacc_svg_lines_opts *o, const dacc_svg_series *s, size_t ns,
                               size_t npoints, dacc_error *err)
{
    if (o->title == NULL)
        return dacc_error_set(err, DACC_ERR_INVALID, "a chart needs a title");
    if (npoints == 0 || ns == 0 || ns > MAX_SERIES)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "a line chart has 1 to %d series of at least one point (%zu, %zu)",
                              MAX_SERIES, ns, npoints);
    if (!(o->y_min < o->y_max))
        return dacc_error_set(err, DACC_ERR_INVALID, "y_min %g is not below y_max %g", o->y_min,
                              o->y_max);
    for (size_t k = 0; k < ns; k++)
        for (size_t i = 0; i < npoints; i++)
            if (isnan(s[k].y[i]))
                return dacc_error_set(err, DACC_ERR_INVALID, "series %zu, point %zu: NaN", k + 1,
                                      i);
    return DACC_OK;
}

dacc_status dacc_svg_lines(const dacc_svg_lines_opts *o, const dacc_svg_series *s, size_t ns,
                           size_t npoints, dacc_buf *out, dacc_error *err)
{
    dacc_status st = check_lines(o, s, ns, npoints, err);
    if (st != DACC_OK)
        return st;
    double width = o->width ? o->width : 760, height = o->height ? o->height : 320;
    line_frame f = { 60, 40, width - 60 - 150, height - 40 - 48, o->y_min, o->y_max, npoints };
    bar_frame fr = { .out = out, .id = o->id ? o->id : "c", .width = width, .height = height };
    char desc[160];
    snprintf(desc, sizeof desc, "%zu series over %zu points", ns, npoints);
    st = frame_open(&fr, o->title, desc);
    if (st == DACC_OK)
        st = line_axes(out, &f, o);
    for (size_t k = 0; k < ns && st == DACC_OK; k++)
        st = line_series(out, &f, &s[k], k);
    if (st == DACC_OK)
        st = dacc_buf_printf(out, "</svg>\n");
    if (st != DACC_OK)
        return dacc_error_set(err, st, "out of memory writing a chart");
    return DACC_OK;
}
