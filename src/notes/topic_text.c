/* The topic model's text handling (topic_text.h). Python matches on code
 * points; here the text stays UTF-8 and every test that Python makes on a
 * character (\w, \s, lower(), strip_accents) is made on the decoded code
 * point, with the tables bench/notes/unicode_tables.py takes from Python. */
#include "topic_text.h"

#include <stdlib.h>
#include <string.h>

#include "topics.h"
#include "unicode_tables.h"

/* topic_model.seedTerms, topic by topic (enums.Topics order). */
static const char *const seed_terms[NOTES_TOPIC_COUNT][14] = {
    [NOTES_TOPIC_UKRAINE] = { "ukrain", "russia", "kiev", "kyiv", "moscow", "zelensky", "putin" },
    [NOTES_TOPIC_GAZA] = { "israel", "palestin", "gaza", "jerusalem", "\\bhamas\\b" },
    [NOTES_TOPIC_MESSI_RONALDO] = { "messi\\b", "ronaldo" },
    [NOTES_TOPIC_SCAMS] = { "scam", "undisclosed\\sad", "terms\\sof\\sservice", "help\\.x\\.com",
                            "x\\.com/tos", "engagement\\sfarm", "spam", "gambling", "apostas",
                            "apuestas", "dropship", "drop\\sship", "promotion" },
    [NOTES_TOPIC_IN_DIM_TWO] = { "\\bugc\\b", "\\bgc\\b", "\\bobc\\b", "\\bsc\\b",
                                 "\\bsc[,\\s]+st\\b", "\\bst[,\\s]+sc\\b",
                                 "\xe0\xa4\x86\xe0\xa4\xb0\xe0\xa4\x95\xe0\xa5\x8d\xe0\xa4\xb7"
                                 "\xe0\xa4\xa3" },
};

void text_put(text_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->n + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

/* The code point at s[i] (U+FFFD for a malformed sequence) and its width. */
static uint32_t decode(const char *str, size_t n, size_t i, size_t *w)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned c = s[i], len = c < 0x80         ? 1
                             : (c >> 5) == 6  ? 2
                             : (c >> 4) == 14 ? 3
                             : (c >> 3) == 30 ? 4
                                              : 0;
    *w = 1;
    if (len == 1 || !len || i + len > n)
        return len == 1 ? c : 0xfffd;
    uint32_t cp = c & (0x7f >> len);
    for (unsigned k = 1; k < len; k++) {
        if ((s[i + k] & 0xc0) != 0x80)
            return 0xfffd;
        cp = cp << 6 | (s[i + k] & 0x3f);
    }
    *w = len;
    return cp;
}

static size_t encode(uint32_t cp, char *out)
{
    if (cp < 0x80)
        return out[0] = (char)cp, 1;
    if (cp < 0x800)
        return out[0] = (char)(0xc0 | cp >> 6), out[1] = (char)(0x80 | (cp & 0x3f)), 2;
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12), out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18), out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f)), out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

static int in_ranges(const uint32_t (*r)[2], size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < r[mid][0])
            hi = mid;
        else if (cp > r[mid][1])
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

static int is_word(uint32_t cp)
{
    if (cp < 0x80)
        return (cp | 0x20) - 'a' < 26 || cp - '0' < 10 || cp == '_';
    return in_ranges(notes_uc_word, notes_uc_word_n, cp);
}

static int is_space(uint32_t cp)
{
    static const uint32_t wide[] = { 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000 };
    if (cp < 0x80)
        return cp == ' ' || (cp >= 9 && cp <= 13) || (cp >= 0x1c && cp <= 0x1f);
    if (cp >= 0x2000 && cp <= 0x200a)
        return 1;
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (cp == wide[i])
            return 1;
    return 0;
}

static uint32_t lower(uint32_t cp)
{
    if (cp < 0x80)
        return cp - 'A' < 26 ? cp + 32 : cp;
    size_t lo = 0, hi = notes_uc_lower_n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const int32_t *r = notes_uc_lower[mid];
        if (cp < (uint32_t)r[0])
            hi = mid;
        else if (cp > (uint32_t)r[1])
            lo = mid + 1;
        else
            return (cp - (uint32_t)r[0]) % (uint32_t)r[3] ? cp : (uint32_t)((int32_t)cp + r[2]);
    }
    return cp;
}

static const char *fold(uint32_t cp)
{
    size_t lo = 0, hi = notes_uc_fold_n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < notes_uc_fold[mid].cp)
            hi = mid;
        else if (cp > notes_uc_fold[mid].cp)
            lo = mid + 1;
        else
            return notes_uc_fold[mid].to;
    }
    return NULL;
}

static int starts(const char *s, size_t n, size_t i, const char *lit)
{
    size_t l = strlen(lit);
    return i + l <= n && memcmp(s + i, lit, l) == 0;
}

/* _filter_url_tokens on one URL s[0, n): kept whole when it names a seed
 * URL, else only its ASCII letter runs of four or more, space-separated. */
static void filter_url(const char *s, size_t n, text_buf *out)
{
    for (size_t i = 0; i < n; i++)
        if (starts(s, n, i, "help.x.com") || starts(s, n, i, "x.com/tos")) {
            text_put(out, s, n);
            return;
        }
    int first = 1;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && ((unsigned)(s[j] | 0x20) - 'a') < 26)
            j++;
        if (j - i >= 4) {
            if (!first)
                text_put(out, " ", 1);
            text_put(out, s + i, j - i), first = 0;
        }
        i = j > i ? j : i + 1;
    }
}

/* The end of a URL of https?://[^\s)\]]+ starting at i, or i when none. */
static size_t url_end(const char *s, size_t n, size_t i)
{
    size_t j = starts(s, n, i, "https://") ? i + 8 : starts(s, n, i, "http://") ? i + 7 : i;
    size_t k = j, w;
    while (k < n && s[k] != ')' && s[k] != ']' && !is_space(decode(s, n, k, &w)))
        k += w;
    return j > i && k > j ? k : i;
}

void topic_text_prepare(const char *s, size_t n, text_buf *out)
{
    size_t from = out->n;
    for (size_t i = 0; i < n;) {
        size_t e = url_end(s, n, i);
        if (e > i) {
            filter_url(s + i, e - i, out);
            i = e;
        } else
            text_put(out, s + i++, 1);
    }
    for (size_t i = from; !out->failed && i < out->n; i++)
        if (out->p[i] == '_' || out->p[i] == '/')
            out->p[i] = ' ';
}

static int boundary(const char *s, size_t n, size_t i)
{
    size_t w, b = i;
    int left = 0, right = i < n && is_word(decode(s, n, i, &w));
    if (i > 0) {
        do
            b--;
        while (b > 0 && ((unsigned char)s[b] & 0xc0) == 0x80);
        left = is_word(decode(s, n, b, &w));
    }
    return left != right;
}

/* One seed pattern (the subset of regex syntax seedTerms uses: literals,
 * \b, \s, \., [,\s]+) matched at i; its end, or SIZE_MAX. */
static size_t match_here(const char *pat, const char *s, size_t n, size_t i)
{
    size_t w;
    while (*pat) {
        if (starts(pat, strlen(pat), 0, "\\b")) {
            if (!boundary(s, n, i))
                return SIZE_MAX;
            pat += 2;
        } else if (starts(pat, strlen(pat), 0, "\\s")) {
            if (i >= n || !is_space(decode(s, n, i, &w)))
                return SIZE_MAX;
            i += w, pat += 2;
        } else if (starts(pat, strlen(pat), 0, "[,\\s]+")) {
            size_t j = i;
            while (j < n && (s[j] == ',' || is_space(decode(s, n, j, &w))))
                j += s[j] == ',' ? 1 : w;
            if (j == i)
                return SIZE_MAX;
            i = j, pat += 6;
        } else {
            char c = pat[0] == '\\' ? pat[1] : pat[0];
            if (i >= n || s[i] != c)
                return SIZE_MAX;
            i++, pat += pat[0] == '\\' ? 2 : 1;
        }
    }
    return i;
}

/* _compile_regex: a pattern without its own boundary or a URL's period
 * must follow whitespace or the start of the text. */
static size_t match_seed(const char *pat, const char *s, size_t n, size_t i)
{
    if (strstr(pat, "\\.") || starts(pat, strlen(pat), 0, "\\b") ||
        starts(pat, strlen(pat), 0, "\\s"))
        return match_here(pat, s, n, i);
    size_t w, e = SIZE_MAX;
    if (i < n && is_space(decode(s, n, i, &w)))
        e = match_here(pat, s, n, i + w);
    return e == SIZE_MAX && i == 0 ? match_here(pat, s, n, 0) : e;
}

static void put_cp(text_buf *b, uint32_t cp)
{
    char u[4];
    text_put(b, u, encode(cp, u));
}

unsigned topic_text_seed_bits(const char *s, size_t n, text_buf *scratch)
{
    scratch->n = 0;
    for (size_t i = 0, w; i < n; i += w)
        put_cp(scratch, lower(decode(s, n, i, &w)));
    if (scratch->failed)
        return 0;
    const char *l = scratch->p ? scratch->p : "";
    size_t ln = scratch->n;
    unsigned bits = 0;
    for (size_t i = 0, w; i <= ln;) {
        size_t e = SIZE_MAX;
        for (unsigned t = 1; e == SIZE_MAX && t < NOTES_TOPIC_COUNT; t++)
            for (unsigned k = 0; e == SIZE_MAX && seed_terms[t][k]; k++)
                if ((e = match_seed(seed_terms[t][k], l, ln, i)) != SIZE_MAX)
                    bits |= 1u << t;
        if (e != SIZE_MAX && e > i)
            i = e;
        else if (i == ln)
            break;
        else
            decode(l, ln, i, &w), i += w;
    }
    return bits;
}

/* lower(), then NFKD with the combining marks dropped (strip_accents). */
static void preprocess(const char *s, size_t n, text_buf *out)
{
    out->n = 0;
    for (size_t i = 0, w; i < n; i += w) {
        uint32_t cp = decode(s, n, i, &w);
        const char *f = cp >= 0x80 ? fold(cp) : NULL;
        if (f)
            text_put(out, f, strlen(f));
        else if (!in_ranges(notes_uc_combining, notes_uc_combining_n, cp = lower(cp)))
            put_cp(out, cp);
    }
}

void topic_text_tokens(const char *s, size_t n, text_buf *out,
                       void (*emit)(void *ctx, const char *tok, size_t len), void *ctx)
{
    preprocess(s, n, out);
    if (out->failed)
        return;
    const char *p = out->p ? out->p : "";
    size_t pn = out->n, w;
    for (size_t i = 0; i < pn;) {
        if (starts(p, pn, i, "help.x.com")) {
            emit(ctx, p + i, 10);
            i += 10;
            continue;
        }
        size_t j = i;
        if (boundary(p, pn, i))
            while (j < pn && is_word(decode(p, pn, j, &w)))
                j += w;
        size_t first = j > i ? (decode(p, pn, i, &w), w) : 0;
        if (j > i && j - i > first) {
            emit(ctx, p + i, j - i);
            i = j;
        } else
            i += j > i ? j - i : (decode(p, pn, i, &w), w);
    }
}

static void add_blocked(topic_blocklist *b, const char *t, int periods)
{
    char *o = b->s[b->n];
    size_t k = 0;
    for (size_t i = 0; t[i] && k + 1 < sizeof b->s[0];) {
        if (t[i] == '\\' && t[i + 1]) {
            if (periods)
                o[k++] = '.';
            else if (t[i + 1] != 's' && t[i + 1] != 'b')
                o[k++] = t[i], o[k++] = t[i + 1];
            i += 2;
        } else
            o[k++] = t[i++];
    }
    o[k] = '\0';
    b->n++;
}

void topic_blocklist_init(topic_blocklist *b)
{
    b->n = 0;
    for (unsigned t = 1; t < NOTES_TOPIC_COUNT; t++)
        for (unsigned k = 0; seed_terms[t][k]; k++) {
            add_blocked(b, seed_terms[t][k], 0);
            add_blocked(b, seed_terms[t][k], 1);
        }
}

int topic_blocked(const topic_blocklist *b, const char *tok, size_t len)
{
    for (unsigned i = 0; i < b->n; i++) {
        size_t l = strlen(b->s[i]);
        for (size_t j = 0; l <= len && j + l <= len; j++)
            if (memcmp(tok + j, b->s[i], l) == 0)
                return 1;
    }
    return 0;
}
