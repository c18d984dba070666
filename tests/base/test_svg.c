/* The SVG charts: escaping, order, the folded tail, sizes at 75 bars,
 * refusals, and the same bytes on every run. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/svg.h"
#include "support.h"

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static char *text_of(const char *s)
{
    dacc_buf b;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_svg_text(&b, s), DACC_OK);
    dacc_buf_putc(&b, '\0');
    return dacc_buf_detach(&b, NULL);
}

Test(svg, text_is_escaped_and_kept_well_formed)
{
    char *t = text_of("<a href=\"x\">Tom & Jerry's</a>");
    cr_assert_str_eq(t, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    free(t);
    /* a stray byte, a control character and DEL become U+FFFD; tab, newline
     * and well-formed UTF-8 (2, 3 and 4 bytes) stay */
    t = text_of("a\xff"
                "b\x01"
                "c\x7f"
                "d\te\n\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    cr_assert_str_eq(t, "a\xEF\xBF\xBD"
                        "b\xEF\xBF\xBD"
                        "c\xEF\xBF\xBD"
                        "d\te\n\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    free(t);
    t = text_of("\xed\xa0\x80"); /* a surrogate is not UTF-8: three replacements */
    cr_assert_eq(count(t, "\xEF\xBF\xBD"), 3);
    free(t);
    t = text_of(NULL);
    cr_assert_str_eq(t, "");
    free(t);
}

static char *bars(const dacc_svg_bars_opts *o, const dacc_svg_bar *b, size_t n)
{
    dacc_buf out;
    dacc_buf_init(&out, 0);
    dacc_error err;
    cr_assert_eq(dacc_svg_bars(o, b, n, &out, &err), DACC_OK, "%s", err.message);
    dacc_buf_putc(&out, '\0');
    return dacc_buf_detach(&out, NULL);
}

Test(svg, bars_are_sorted_largest_first_with_title_axis_and_values)
{
    dacc_svg_bar b[] = { { "small", 1, NULL },
                         { "large", 30, "30.00 exact" },
                         { "mid", 2.5, NULL },
                         { "tie-b", 2.5, NULL } };
    dacc_svg_bars_opts o = { .title = "Allocation <by project>", .axis = "amount", .decimals = 2 };
    char *s = bars(&o, b, 4);
    const char *large = strstr(s, ">large<"), *mid = strstr(s, ">mid<"),
               *tie = strstr(s, ">tie-b<"), *small = strstr(s, ">small<");
    cr_assert(large && mid && tie && small, "%s", s);
    cr_assert(large < mid && mid < tie && tie < small, "largest first, ties by label: %s", s);
    cr_assert(strstr(s, "<title id=\"c-title\">Allocation &lt;by project&gt;</title>"), "%s", s);
    cr_assert(strstr(s, ">30.00 exact</text>"), "the value's own label: %s", s);
    cr_assert(strstr(s, ">2.50</text>"), "a printed value at 2 decimals: %s", s);
    cr_assert(strstr(s, ">amount</text>"), "the axis caption: %s", s);
    cr_assert(strstr(s, "fill=\"#ffffff\""), "a background: %s", s);
    cr_assert(strstr(s, "role=\"img\""));
    /* ticks 0, 10, 20, 30 for a largest value of 30 */
    cr_assert(strstr(s, ">0</text>") && strstr(s, ">10</text>") && strstr(s, ">30</text>"), "%s",
              s);
    cr_assert_eq(count(s, "<g>"), count(s, "</g>"));
    cr_assert_eq(count(s, "<g>"), 4);
    free(s);
}

Test(svg, a_long_tail_is_folded_into_others_and_75_bars_stay_readable)
{
    dacc_svg_bar b[100];
    char names[100][16];
    double tail = 0;
    for (int i = 0; i < 100; i++) {
        snprintf(names[i], sizeof names[i], "p%03d", i);
        b[i] = (dacc_svg_bar){ names[i], 100 - i, NULL };
        tail += i >= 74 ? 100 - i : 0;
    }
    dacc_svg_bars_opts o = { .title = "t", .max_bars = 75 };
    char *s = bars(&o, b, 100);
    cr_assert_eq(count(s, "<g>"), 75, "74 bars and one for the rest");
    cr_assert(strstr(s, ">others (26)<"), "%s", s);
    char want[64];
    snprintf(want, sizeof want, ">%.0f</text></g>\n</svg>", tail);
    cr_assert(strstr(s, want), "the others bar holds the sum %.0f: %s", tail, s);
    cr_assert_null(strstr(s, ">p074<"), "folded bars are not drawn");
    /* 18 pixels a bar: 12-pixel text on rows that do not overlap */
    snprintf(want, sizeof want, "height=\"%d\"", 52 + 75 * 18 + 34);
    cr_assert(strstr(s, want), "%s", want);
    free(s);
}

Test(svg, labels_are_cut_for_the_axis_and_whole_in_the_tooltip)
{
    const char *name = "https://github.com/example/a-very-long-repository-name";
    dacc_svg_bar b[] = { { name, 1, NULL } };
    char *s = bars(&(dacc_svg_bars_opts){ .title = "t" }, b, 1);
    cr_assert(strstr(s, "<title>https://github.com/example/a-very-long-repository-name: 1</title>"),
              "%s", s);
    cr_assert(strstr(s, ">https://github.com/example/a-ve\xE2\x80\xA6</text>"), "%s", s);
    free(s);
}

Test(svg, the_same_chart_is_the_same_bytes)
{
    dacc_svg_bar b[] = { { "a", 0.25, NULL }, { "b", 0.75, NULL }, { "c", 0, NULL } };
    dacc_svg_bars_opts o = { .title = "shares", .decimals = 3, .id = "x" };
    char *one = bars(&o, b, 3), *two = bars(&o, b, 3);
    cr_assert_str_eq(one, two);
    cr_assert(strstr(one, "aria-labelledby=\"x-title x-desc\""));
    free(one);
    free(two);
    /* all zero, and no bars: still a chart with an axis */
    dacc_svg_bar z[] = { { "a", 0, NULL } };
    char *s = bars(&o, z, 1);
    cr_assert(strstr(s, "</svg>"));
    free(s);
    s = bars(&o, NULL, 0);
    cr_assert(strstr(s, "0 bars"), "%s", s);
    free(s);
}

Test(svg, bad_bars_are_refused_naming_the_bar_and_leave_the_buffer_alone)
{
    dacc_svg_bar b[] = { { "ok", 1, NULL }, { "neg", -1, NULL } };
    dacc_buf out;
    dacc_buf_init(&out, 0);
    dacc_buf_printf(&out, "before");
    dacc_error err;
    cr_assert_eq(dacc_svg_bars(&(dacc_svg_bars_opts){ .title = "t" }, b, 2, &out, &err),
                 DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "bar 2 (\"neg\")"), "%s", err.message);
    cr_assert_eq(out.len, 6);
    b[1].value = 0.0 / 0.0;
    cr_assert_eq(dacc_svg_bars(&(dacc_svg_bars_opts){ .title = "t" }, b, 2, &out, &err),
                 DACC_ERR_INVALID);
    b[1].label = NULL;
    b[1].value = 1;
    cr_assert_eq(dacc_svg_bars(&(dacc_svg_bars_opts){ .title = "t" }, b, 2, &out, &err),
                 DACC_ERR_INVALID);
    cr_assert_eq(dacc_svg_bars(&(dacc_svg_bars_opts){ 0 }, b, 1, &out, &err), DACC_ERR_INVALID);
    /* a capped buffer that fills is released, as every dacc_buf */
    dacc_buf small;
    dacc_buf_init(&small, 64);
    cr_assert_eq(dacc_svg_bars(&(dacc_svg_bars_opts){ .title = "t" }, b, 1, &small, &err),
                 DACC_ERR_LIMIT);
    cr_assert_eq(small.len, 0);
    dacc_buf_free(&out);
}

Test(svg, lines_have_one_path_per_series_and_end_values)
{
    double y0[] = { 0.5, 0.6, 0.7 }, y1[] = { 0.5, 0.4, 0.3 };
    dacc_svg_series s[] = { { "yes", y0 }, { "no & maybe", y1 } };
    dacc_svg_lines_opts o = {
        .title = "Prices", .x_axis = "trade", .y_axis = "price", .y_min = 0, .y_max = 1
    };
    dacc_buf out;
    dacc_buf_init(&out, 0);
    dacc_error err;
    cr_assert_eq(dacc_svg_lines(&o, s, 2, 3, &out, &err), DACC_OK, "%s", err.message);
    dacc_buf_putc(&out, '\0');
    const char *t = out.data;
    cr_assert_eq(count(t, "<polyline"), 2, "%s", t);
    cr_assert(strstr(t, ">yes 0.700</text>") && strstr(t, ">no &amp; maybe 0.300</text>"), "%s", t);
    cr_assert(strstr(t, ">trade</text>") && strstr(t, ">price</text>"), "%s", t);
    cr_assert(strstr(t, "stroke-dasharray=\"6 3\""), "the second series is dashed: %s", t);
    dacc_buf_free(&out);
    /* refusals */
    o.y_min = 1;
    cr_assert_eq(dacc_svg_lines(&o, s, 2, 3, &out, &err), DACC_ERR_INVALID);
    o.y_min = 0;
    cr_assert_eq(dacc_svg_lines(&o, s, 2, 0, &out, &err), DACC_ERR_INVALID);
    cr_assert_eq(dacc_svg_lines(&o, s, 9, 3, &out, &err), DACC_ERR_INVALID);
    y1[1] = 0.0 / 0.0;
    cr_assert_eq(dacc_svg_lines(&o, s, 2, 3, &out, &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "series 2, point 1"), "%s", err.message);
    /* one point is a dot */
    dacc_buf_init(&out, 0);
    cr_assert_eq(dacc_svg_lines(&o, s, 1, 1, &out, &err), DACC_OK);
    dacc_buf_free(&out);
}

static char *groups(const dacc_svg_groups_opts *o, const char *const *labels, const double *v,
                    size_t n)
{
    dacc_buf out;
    dacc_buf_init(&out, 0);
    dacc_error err;
    cr_assert_eq(dacc_svg_groups(o, labels, v, n, &out, &err), DACC_OK, "%s", err.message);
    dacc_buf_putc(&out, '\0');
    return dacc_buf_detach(&out, NULL);
}

Test(svg, groups_have_a_legend_axes_values_and_a_background)
{
    const char *series[] = { "qf", "cocm & friends" };
    const char *labels[] = { "small", "<big>" };
    double v[] = { 1, 2, 30, 10 };
    dacc_svg_groups_opts o = { .title = "Shares \"by\" mechanism",
                               .axis = "share (%)",
                               .series = series,
                               .ns = 2,
                               .decimals = 1,
                               .unit = "%" };
    char *s = groups(&o, labels, v, 2);
    cr_assert_null(xml_check(s), "%s: %s", xml_check(s), s);
    cr_assert(strstr(s, "<title id=\"c-title\">Shares &quot;by&quot; mechanism</title>"), "%s", s);
    cr_assert(strstr(s, ">cocm &amp; friends</text>"), "the legend: %s", s);
    cr_assert(strstr(s, ">share (%)</text>"), "the axis caption: %s", s);
    cr_assert(strstr(s, ">30.0%</text>") && strstr(s, ">2.0%</text>"), "values: %s", s);
    cr_assert(strstr(s, "fill=\"#ffffff\""), "a background: %s", s);
    const char *big = strstr(s, ">&lt;big&gt;<"), *small = strstr(s, ">small<");
    cr_assert(big && small && big < small, "largest first value first: %s", s);
    cr_assert_eq(count(s, "<g>"), 2);
    free(s);
}

Test(svg, groups_of_75_projects_stay_readable)
{
    static char names[75][16];
    const char *labels[75], *series[] = { "a", "b", "c" };
    double v[75 * 3];
    for (int i = 0; i < 75; i++) {
        snprintf(names[i], sizeof names[i], "%d", i + 1);
        labels[i] = names[i];
        for (int k = 0; k < 3; k++)
            v[i * 3 + k] = (double)(i * (k + 1) % 17);
    }
    dacc_svg_groups_opts o = { .title = "t", .series = series, .ns = 3 };
    char *s = groups(&o, labels, v, 75);
    cr_assert_null(xml_check(s), "%s", xml_check(s));
    cr_assert_eq(count(s, "<g>"), 75);
    /* 7 pixels a bar and 8 between groups: rows that do not overlap */
    char want[64];
    snprintf(want, sizeof want, "height=\"%d\"", 72 + 75 * (3 * 7 + 8) + 34);
    cr_assert(strstr(s, want), "%s", want);
    free(s);
}

Test(svg, bad_groups_are_refused)
{
    const char *series[] = { "a" }, *labels[] = { "x" };
    double v[] = { 0.0 / 0.0 };
    dacc_buf out;
    dacc_buf_init(&out, 0);
    dacc_error err;
    dacc_svg_groups_opts o = { .title = "t", .series = series, .ns = 1 };
    cr_assert_eq(dacc_svg_groups(&o, labels, v, 1, &out, &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "group 1 (\"x\"), a"), "%s", err.message);
    v[0] = 1;
    o.ns = 0;
    cr_assert_eq(dacc_svg_groups(&o, labels, v, 1, &out, &err), DACC_ERR_INVALID);
    o.ns = 1;
    o.title = NULL;
    cr_assert_eq(dacc_svg_groups(&o, labels, v, 1, &out, &err), DACC_ERR_INVALID);
    cr_assert_eq(out.len, 0);
    dacc_buf_free(&out);
}

Test(svg, every_chart_is_well_formed_xml_whatever_its_labels)
{
    dacc_svg_bar b[] = { { "a & <b> \"c\" 'd'\x01\xff", 1, "1 < 2" }, { "e", 2, NULL } };
    char *s = bars(&(dacc_svg_bars_opts){ .title = "<&>", .axis = "\"'" }, b, 2);
    cr_assert_null(xml_check(s), "%s: %s", xml_check(s), s);
    free(s);
    cr_assert_not_null(xml_check("<a><b></a></b>"), "the checker itself fails bad XML");
    cr_assert_not_null(xml_check("<a>&</a>"));
    cr_assert_not_null(xml_check("<a x=1/>"));
    cr_assert_null(xml_check("<a x=\"&amp;\"><b/>t&#39;</a>\n"));
}
