/* The hex file formats of dacc anon (dacc-anon(1), FILES). */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "anon_cli.h"
#include "cli.h"
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
