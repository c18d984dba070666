/* The hex file formats of dacc anon (dacc-anon(1), FILES). */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "anon_cli.h"
#include "cli.h"
#include "dacc/anon.h"
#include "dacc/codec.h"
#include "dacc/file.h"

#define FILE_MAX (1u << 26)

static void trim(const char **p, size_t *l)
{
    while (*l > 0 && (**p == ' ' || **p == '\t'))
        (*p)++, (*l)--;
    while (*l > 0 && ((*p)[*l - 1] == ' ' || (*p)[*l - 1] == '\t' || (*p)[*l - 1] == '\r'))
        (*l)--;
}

/* Calls fn on every non-blank, non-comment line; stops at its first error. */
typedef dacc_status (*line_fn)(const char *line, size_t len, unsigned long no, void *ctx,
                               dacc_error *err);

static dacc_status each_line(const char *path, line_fn fn, void *ctx, dacc_error *err)
{
    char *data = NULL;
    size_t len;
    dacc_status st = dacc_file_read(path, FILE_MAX, &data, &len, err);
    unsigned long no = 0;
    for (const char *p = data; st == DACC_OK && p < data + len; no++) {
        const char *nl = memchr(p, '\n', (size_t)(data + len - p)),
                   *next = nl ? nl + 1 : data + len;
        const char *s = p;
        size_t l = (size_t)((nl ? nl : data + len) - p);
        trim(&s, &l);
        if (l > 0 && *s != '#' && (st = fn(s, l, no + 1, ctx, err)) != DACC_OK)
            dacc_error_prefix(err, "%s:%lu: ", path, no + 1);
        p = next;
    }
    if (data) {
        sodium_memzero(data, len);
        free(data);
    }
    return st;
}

typedef struct {
    size_t each, max, n;
    uint8_t *out;
} lines_ctx;

static dacc_status add_line(const char *line, size_t len, unsigned long no, void *vctx,
                            dacc_error *err)
{
    (void)no;
    lines_ctx *c = vctx;
    if (c->n == c->max)
        return dacc_error_set(err, DACC_ERR_LIMIT, "more than %zu entries", c->max);
    if (len != 2 * c->each)
        return dacc_error_set(err, DACC_ERR_PARSE, "expected %zu hex digits, got %zu", 2 * c->each,
                              len);
    uint8_t *grown = realloc(c->out, c->each * (c->n + 1));
    if (!grown)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    c->out = grown;
    dacc_status st = dacc_hex_decode(line, len, c->out + c->each * c->n, c->each, err);
    if (st == DACC_OK)
        c->n++;
    return st;
}

dacc_status anon_read_hex_lines(const char *path, size_t each, size_t max, uint8_t **out, size_t *n,
                                dacc_error *err)
{
    lines_ctx c = { each, max, 0, NULL };
    dacc_status st = each_line(path, add_line, &c, err);
    if (st != DACC_OK) {
        free(c.out);
        c.out = NULL;
        c.n = 0;
    }
    *out = c.out;
    *n = c.n;
    return st;
}

dacc_status anon_read_hex(const char *path, uint8_t *out, size_t n, dacc_error *err)
{
    uint8_t *v = NULL;
    size_t count;
    dacc_status st = anon_read_hex_lines(path, n, 1, &v, &count, err);
    if (st == DACC_OK && count != 1)
        st = dacc_error_set(err, DACC_ERR_PARSE, "%s: expected one line of %zu hex digits", path,
                            2 * n);
    if (st == DACC_OK)
        memcpy(out, v, n);
    if (v) {
        sodium_memzero(v, n * count);
        free(v);
    }
    return st;
}

typedef struct {
    const char *name;
    uint8_t *out;
    size_t n;
    int found;
} field_ctx;

static dacc_status find_field(const char *line, size_t len, unsigned long no, void *vctx,
                              dacc_error *err)
{
    (void)no;
    field_ctx *c = vctx;
    size_t nl = strlen(c->name);
    if (len <= nl || memcmp(line, c->name, nl) != 0 || line[nl] != ' ')
        return DACC_OK;
    const char *v = line + nl + 1;
    size_t vl = len - nl - 1;
    trim(&v, &vl);
    if (vl != 2 * c->n)
        return dacc_error_set(err, DACC_ERR_PARSE, "%s: expected %zu hex digits", c->name,
                              2 * c->n);
    c->found = 1;
    return dacc_hex_decode(v, vl, c->out, c->n, err);
}

dacc_status anon_read_field(const char *path, const char *name, uint8_t *out, size_t n,
                            dacc_error *err)
{
    field_ctx c = { name, out, n, 0 };
    dacc_status st = each_line(path, find_field, &c, err);
    if (st == DACC_OK && !c.found)
        st = dacc_error_set(err, DACC_ERR_PARSE, "%s: no \"%s\" line", path, name);
    return st;
}

static int put_text(FILE *fp, void *ctx)
{
    return fputs(ctx, fp) < 0;
}

dacc_status anon_write(const char *path, const char *text, int secret, dacc_error *err)
{
    mode_t old = 0;
    if (secret)
        old = umask(077);
    dacc_status st = cli_emit(path, put_text, (void *)text, err);
    if (secret)
        umask(old);
    return st;
}

char *anon_hex_line(const uint8_t *data, size_t n, char *out)
{
    dacc_hex_encode(data, n, out);
    out[2 * n] = '\n';
    out[2 * n + 1] = '\0';
    return out;
}

dacc_status anon_append_hex(const char *path, const uint8_t *data, size_t n, dacc_error *err)
{
    char *old = NULL;
    size_t len = 0;
    FILE *probe = fopen(path, "r");
    dacc_status st = DACC_OK;
    if (probe) {
        fclose(probe);
        st = dacc_file_read(path, FILE_MAX, &old, &len, err);
    }
    char *text = st == DACC_OK ? malloc(len + 2 * n + 3) : NULL;
    if (st == DACC_OK && !text)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK) {
        memcpy(text, old ? old : "", len);
        if (len > 0 && text[len - 1] != '\n')
            text[len++] = '\n';
        anon_hex_line(data, n, text + len);
        st = dacc_file_write(path, text, strlen(text), err);
    }
    free(old);
    free(text);
    return st;
}

int anon_add_file(const char *prog, const char *name, const char *value, const char **list,
                  size_t *n)
{
    if (*n == ANON_FILES_MAX)
        return cli_usage(prog, "--%s given more than %d times", name, ANON_FILES_MAX);
    list[(*n)++] = value;
    return CLI_OK;
}

int anon_no_args(const char *prog, int argc, char **argv)
{
    if (optind < argc)
        return cli_usage(prog, "unexpected argument \"%s\" (every input is an option)",
                         argv[optind]);
    return CLI_OK;
}

/* The issuers file: "threshold T", "issuers N", "group HEX", then N "key HEX". */
static dacc_status parse_issuers(const char *path, char *data, size_t len, dacc_anon_issuers **out,
                                 dacc_error *err)
{
    unsigned t = 0, n = 0, keys = 0, line = 0;
    uint8_t group[32], share_keys[DACC_ANON_ISSUERS_MAX * 32];
    int have_group = 0;
    for (char *p = data; p < data + len; line++) {
        char *nl = memchr(p, '\n', (size_t)(data + len - p)), *next = nl ? nl + 1 : data + len;
        if (nl)
            *nl = '\0';
        char hex[80];
        if (*p == '#' || *p == '\0' || (sscanf(p, "threshold %u", &t) == 1) ||
            (sscanf(p, "issuers %u", &n) == 1)) {
        } else if (sscanf(p, "group %79s", hex) == 1 &&
                   dacc_hex_decode(hex, strlen(hex), group, 32, NULL) == DACC_OK) {
            have_group = 1;
        } else if (sscanf(p, "key %79s", hex) == 1 && keys < DACC_ANON_ISSUERS_MAX &&
                   dacc_hex_decode(hex, strlen(hex), share_keys + 32 * keys, 32, NULL) == DACC_OK) {
            keys++;
        } else
            return dacc_error_at(err, DACC_ERR_PARSE, path, line + 1, 0,
                                 "expected threshold, issuers, group or key line");
        p = next;
    }
    if (!have_group || n == 0 || keys != n)
        return dacc_error_set(err, DACC_ERR_PARSE,
                              "%s: needs threshold, issuers N, group and N key lines (%u given)",
                              path, keys);
    dacc_status st = dacc_anon_issuers_new(t, n, group, share_keys, out, err);
    if (st != DACC_OK)
        dacc_error_prefix(err, "%s: ", path);
    return st;
}

dacc_status anon_load_issuers(const char *path, dacc_anon_issuers **out, dacc_error *err)
{
    char *data = NULL;
    size_t len;
    *out = NULL;
    dacc_status st = dacc_file_read(path, 1u << 20, &data, &len, err);
    if (st == DACC_OK)
        st = parse_issuers(path, data, len, out, err);
    free(data);
    return st;
}

/* ---- the issuance log's entries (the node writes them, token-audit reads them) ---- */

#define ENTRY_HEAD "dacc-anon-issuance v1\n"

int anon_epoch_ok(const char *epoch, size_t len)
{
    if (len == 0 || len > ANON_EPOCH_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (epoch[i] < 0x20 || epoch[i] > 0x7e)
            return 0;
    return 1;
}

dacc_status anon_issuance_entry(const char *epoch, size_t epoch_len,
                                const uint8_t record[ANON_RECORD_BYTES], dacc_buf *out,
                                dacc_error *err)
{
    char eh[2 * ANON_EPOCH_MAX + 1], rq[2 * DACC_ANON_TOKEN_REQUEST_BYTES + 1],
        an[2 * DACC_ANON_TOKEN_RESPONSE_BYTES + 1];
    if (!anon_epoch_ok(epoch, epoch_len))
        return dacc_error_set(err, DACC_ERR_INVALID, "not an epoch");
    dacc_hex_encode((const uint8_t *)epoch, epoch_len, eh);
    dacc_hex_encode(record, DACC_ANON_TOKEN_REQUEST_BYTES, rq);
    dacc_hex_encode(record + DACC_ANON_TOKEN_REQUEST_BYTES, DACC_ANON_TOKEN_RESPONSE_BYTES, an);
    if (dacc_buf_printf(out, ENTRY_HEAD "epoch %s\nrequest %s\nanswer %s\n", eh, rq, an) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    return DACC_OK;
}

static int lower_hex(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return 0;
    return 1;
}

/* The lower-case hex after "name " up to the line's end (the one spelling
 * of an entry: the log's hash is of its bytes), exactly n bytes (max bytes
 * for the epoch, *got its length); *p moves past the line. */
static int entry_field(const char **p, const char *end, const char *name, uint8_t *out, size_t max,
                       size_t *got)
{
    size_t nl = strlen(name);
    const char *eol = memchr(*p, '\n', (size_t)(end - *p));
    if (eol == NULL || (size_t)(eol - *p) < nl + 1 || memcmp(*p, name, nl) != 0 || (*p)[nl] != ' ')
        return 0;
    size_t hl = (size_t)(eol - *p) - nl - 1;
    if (hl % 2 != 0 || hl / 2 > max || (got == NULL && hl / 2 != max) ||
        !lower_hex(*p + nl + 1, hl) ||
        dacc_hex_decode(*p + nl + 1, hl, out, hl / 2, NULL) != DACC_OK)
        return 0;
    if (got)
        *got = hl / 2;
    *p = eol + 1;
    return 1;
}

dacc_status anon_issuance_parse(const uint8_t *entry, size_t len, char epoch[ANON_EPOCH_MAX + 1],
                                size_t *epoch_len, uint8_t record[ANON_RECORD_BYTES],
                                dacc_error *err)
{
    const char *p = (const char *)entry, *end = p + len;
    size_t hl = strlen(ENTRY_HEAD);
    int ok = len > hl && memcmp(p, ENTRY_HEAD, hl) == 0;
    p += ok ? hl : 0;
    ok = ok && entry_field(&p, end, "epoch", (uint8_t *)epoch, ANON_EPOCH_MAX, epoch_len) &&
         anon_epoch_ok(epoch, *epoch_len);
    ok = ok && entry_field(&p, end, "request", record, DACC_ANON_TOKEN_REQUEST_BYTES, NULL) &&
         entry_field(&p, end, "answer", record + DACC_ANON_TOKEN_REQUEST_BYTES,
                     DACC_ANON_TOKEN_RESPONSE_BYTES, NULL) &&
         p == end;
    if (!ok)
        return dacc_error_set(err, DACC_ERR_PARSE,
                              "not an issuance entry (\"" ENTRY_HEAD
                              "\" then epoch, request and answer lines of hex)");
    epoch[*epoch_len] = '\0';
    return DACC_OK;
}
