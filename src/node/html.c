/* Server-rendered HTML for the node's pages (docs/web.md): one writer
 * whose %s escapes (dacc_svg_text, the charts' escaping), so that text from
 * an event can never become markup; the page frame with its assets under
 * their versioned URLs; and the pieces several pages show (amounts, times,
 * a checkpoint with its signatures). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dacc/base.h"
#include "dacc/codec.h"
#include "dacc/svg.h"
#include "internal.h"

/* Everything a page may load comes from this node, and scripts only from
 * its files: no inline script, no other origin, no framing. */
const char node_csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
                        "img-src 'self'; connect-src 'self'; form-action 'self'; "
                        "base-uri 'none'; frame-ancestors 'none'";

void html_init(node_html *h)
{
    dacc_buf_init(&h->b, 0);
    h->st = DACC_OK;
}

static void put(node_html *h, dacc_status st)
{
    if (h->st == DACC_OK)
        h->st = st;
}

/* One conversion of html_printf at *fmt (after its '%'): flags, width and
 * precision as printf's, forwarded to dacc_buf_printf for numbers; %s
 * (escaped) and %r (raw) take a precision as a byte count. */
static const char *convert(node_html *h, const char *fmt, va_list *ap)
{
    char spec[24] = "%";
    size_t k = 1;
    while (k < 16 && strchr("-+ #0123456789.", *fmt) != NULL && *fmt != '\0')
        spec[k++] = *fmt++;
    while (k < 20 && (*fmt == 'z' || *fmt == 'l'))
        spec[k++] = *fmt++;
    char conv = *fmt;
    if (conv == '\0') { /* a '%' ends the format: a page's bug */
        put(h, DACC_ERR_INVALID);
        return fmt;
    }
    fmt++;
    spec[k++] = conv;
    spec[k] = '\0';
    const char *len = spec + strcspn(spec, "zl");
    if (conv == 's' || conv == 'r') {
        const char *dot = strchr(spec, '.');
        const char *s = va_arg(*ap, const char *);
        size_t max = dot ? strtoul(dot + 1, NULL, 10) : (size_t)-1;
        char *cut = s && strlen(s) > max ? strndup(s, max) : NULL;
        s = cut ? cut : s ? s : "";
        put(h, conv == 's' ? dacc_svg_text(&h->b, s) : dacc_buf_append(&h->b, s, strlen(s)));
        free(cut);
    } else if (conv == 'f') {
        put(h, dacc_buf_printf(&h->b, spec, va_arg(*ap, double)));
    } else if (strchr("diux", conv) == NULL) {
        put(h,
            conv == '%' ? dacc_buf_putc(&h->b, '%') : DACC_ERR_INVALID); /* a page's bug: a 500 */
    } else if (strncmp(len, "zu", 2) == 0) {
        put(h, dacc_buf_printf(&h->b, spec, va_arg(*ap, size_t)));
    } else if (strncmp(len, "ll", 2) == 0 && conv == 'd') {
        put(h, dacc_buf_printf(&h->b, spec, va_arg(*ap, long long)));
    } else if (strncmp(len, "ll", 2) == 0) {
        put(h, dacc_buf_printf(&h->b, spec, va_arg(*ap, unsigned long long)));
    } else if (*len == '\0') {
        put(h, dacc_buf_printf(&h->b, spec, va_arg(*ap, int)));
    } else {
        put(h, DACC_ERR_INVALID);
    }
    return fmt;
}

void html_printf(node_html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    while (*fmt != '\0' && h->st == DACC_OK) {
        const char *pct = strchr(fmt, '%');
        size_t n = pct ? (size_t)(pct - fmt) : strlen(fmt);
        put(h, dacc_buf_append(&h->b, fmt, n));
        fmt += n;
        if (pct != NULL)
            fmt = convert(h, fmt + 1, &ap);
    }
    va_end(ap);
}

void html_begin(node_html *h, const char *title, const char *script, const char *round_hex,
                const char *mechanism)
{
    const char *v = node_assets_version;
    html_init(h);
    html_printf(h,
                "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>%s · dacc</title>\n"
                "<link rel=\"icon\" href=\"/assets/%r/favicon.svg\" type=\"image/svg+xml\">\n"
                "<link rel=\"stylesheet\" href=\"/assets/%r/app.css\">\n",
                title, v, v);
    if (script != NULL)
        html_printf(h, "<script type=\"module\" src=\"/assets/%r/js/%r\"></script>\n", v, script);
    html_printf(h, "</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to the content</a>\n"
                   "<header class=\"top\"><a class=\"brand\" href=\"/\">dacc</a>"
                   "<nav aria-label=\"Pages\"><ul><li><a href=\"/\">Rounds</a></li>"
                   "<li><a href=\"/audit\">Audit the log</a></li>"
                   "<li><a href=\"/key\">Your key</a></li></ul></nav></header>\n<main id=\"main\"");
    if (round_hex != NULL)
        html_printf(h, " data-round=\"%s\" data-mechanism=\"%s\"", round_hex, mechanism);
    html_printf(h, ">\n");
}

void html_end(node_html *h, node_answer *a, unsigned status)
{
    html_printf(h,
                "</main>\n<footer><p>dacc %s · every action on these pages is a signed event "
                "in a transparency log · the <a href=\"/api/v1/rounds\">API</a> and the "
                "<a href=\"/checkpoint\">checkpoint</a></p></footer>\n</body>\n</html>\n",
                dacc_version());
    size_t len;
    char *body = h->st == DACC_OK ? dacc_buf_detach(&h->b, &len) : NULL;
    dacc_buf_free(&h->b);
    if (body == NULL) {
        node_problem(a, 500, "the page could not be written", dacc_strerror(h->st), NULL);
        return;
    }
    *a = (node_answer){ status, body, len, "text/html; charset=utf-8", "no-cache", 0 };
}

void html_chart(node_html *h, dacc_status st, dacc_buf *svg, const dacc_error *err)
{
    if (st == DACC_OK) {
        /* the chart is markup, its text escaped by the SVG writer; on a
         * narrow screen it keeps its size and scrolls (so its text stays
         * readable), and a region that scrolls takes the keyboard's focus */
        html_printf(h, "<figure class=\"chart\" tabindex=\"0\">");
        put(h, dacc_buf_append(&h->b, svg->data ? svg->data : "", svg->len));
        html_printf(h, "</figure>\n");
    } else {
        html_printf(h, "<p class=\"bad\">The chart could not be drawn: %s</p>\n",
                    dacc_error_message(err));
    }
    dacc_buf_free(svg);
}

const char *html_units(const char *units, int decimals, char out[HTML_UNITS_MAX])
{
    size_t n = units ? strlen(units) : 0;
    if (n == 0 || n >= HTML_UNITS_MAX - 24 || decimals <= 0 || decimals > 18) {
        snprintf(out, HTML_UNITS_MAX, "%s", units ? units : "");
        return out;
    }
    char padded[HTML_UNITS_MAX];
    size_t d = (size_t)decimals, pad = n <= d ? d + 1 - n : 0;
    memset(padded, '0', pad);
    memcpy(padded + pad, units, n + 1);
    n += pad;
    snprintf(out, HTML_UNITS_MAX, "%.*s.%s", (int)(n - d), padded, padded + n - d);
    return out;
}

const char *html_time(uint64_t unix_seconds, char out[32])
{
    time_t t = (time_t)unix_seconds;
    struct tm tm;
    if (unix_seconds > 253402300799ULL || gmtime_r(&t, &tm) == NULL)
        snprintf(out, 32, "%llu", (unsigned long long)unix_seconds);
    else
        strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return out;
}

/* One signature line: the log's own, or a witness's cosignature and when. */
static void signature_row(node_html *h, const dacc_tlog_sig *s, const char *origin)
{
    char name[DACC_TLOG_NAME_MAX + 1], when[32];
    snprintf(name, sizeof name, "%.*s", (int)s->name_len, s->name);
    bool cosig = s->sig_len == 72;
    uint64_t t = 0;
    for (int i = 0; cosig && i < 8; i++)
        t = t << 8 | s->sig[i];
    html_printf(h, "<tr><td>%s</td><td><code>%08x</code></td><td>%s</td><td>%s</td></tr>\n", name,
                (unsigned)s->id,
                cosig                       ? "witness cosignature"
                : strcmp(name, origin) == 0 ? "the log's signature"
                                            : "signature",
                cosig ? html_time(t, when) : "—");
}

void html_checkpoint(node_html *h, const char *note, size_t len, bool details)
{
    dacc_tlog_note parsed;
    dacc_tlog_checkpoint cp;
    dacc_error err;
    if (dacc_tlog_note_parse(note, len, &parsed, &err) != DACC_OK ||
        dacc_tlog_checkpoint_parse(parsed.text, parsed.text_len, &cp, &err) != DACC_OK) {
        html_printf(h, "<p class=\"bad\">The checkpoint does not parse: %s</p>\n",
                    dacc_error_message(&err));
        return;
    }
    char root[64];
    dacc_base64_encode(cp.root, sizeof cp.root, root);
    html_printf(h,
                "<dl class=\"facts\"><dt>Log</dt><dd><code>%s</code></dd><dt>Size</dt>"
                "<dd id=\"cp-size\">%llu entries</dd><dt>Root hash</dt><dd><code>%s</code>"
                "</dd></dl>\n<table class=\"sigs\"><caption>Signatures on this checkpoint "
                "(%zu)</caption>\n<thead><tr><th scope=\"col\">Signer</th><th scope=\"col\">"
                "Key hash</th><th scope=\"col\">Kind</th><th scope=\"col\">Cosigned at</th>"
                "</tr></thead>\n<tbody>\n",
                cp.origin, (unsigned long long)cp.size, root, parsed.nsigs);
    for (size_t i = 0; i < parsed.nsigs; i++)
        signature_row(h, &parsed.sigs[i], cp.origin);
    html_printf(h, "</tbody></table>\n");
    if (details) {
        html_printf(h, "<h3>The note, as served</h3>\n<pre id=\"cp-text\">");
        char *copy = strndup(note, len);
        html_printf(h, "%s</pre>\n", copy ? copy : "");
        free(copy);
    }
}
