#include "dacc/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

const char *dacc_strerror(dacc_status status)
{
    switch (status) {
    case DACC_OK:
        return "success";
    case DACC_END:
        return "end of input";
    case DACC_ERR_NOMEM:
        return "out of memory";
    case DACC_ERR_IO:
        return "input/output error";
    case DACC_ERR_PARSE:
        return "malformed input";
    case DACC_ERR_RANGE:
        return "value out of range";
    case DACC_ERR_INVALID:
        return "invalid input";
    case DACC_ERR_NOTFOUND:
        return "not found";
    case DACC_ERR_LIMIT:
        return "size limit exceeded";
    case DACC_ERR_VERIFY:
        return "verification failed";
    case DACC_ERR_STATE:
        return "operation not allowed in the current state";
    case DACC_ERR_UNSUPPORTED:
        return "not supported";
    case DACC_ERR_REVIEW:
        return "refused for manual review";
    }
    return "unknown status";
}

const char *dacc_error_message(const dacc_error *err)
{
    if (err == NULL)
        return "";
    return err->message[0] != '\0' ? err->message : dacc_strerror(err->status);
}

void dacc_error_clear(dacc_error *err)
{
    if (err == NULL)
        return;
    err->status = DACC_OK;
    err->line = 0;
    err->column = 0;
    err->file[0] = '\0';
    err->field[0] = '\0';
    err->message[0] = '\0';
}

/* snprintf truncates silently; a cut message is still more useful than none. */
static void copy_str(char *dst, size_t cap, const char *src)
{
    if (src == NULL)
        src = "";
    snprintf(dst, cap, "%s", src);
}

static void append_v(char *msg, size_t cap, const char *fmt, va_list ap)
{
    size_t used = strlen(msg);
    if (used + 1 < cap)
        vsnprintf(msg + used, cap - used, fmt, ap);
}

static void append_f(char *msg, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append_f(char *msg, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    append_v(msg, cap, fmt, ap);
    va_end(ap);
}

static void locate(dacc_error *err, dacc_status status, const char *file, unsigned long line,
                   unsigned long column, const char *field)
{
    dacc_error_clear(err);
    err->status = status;
    err->line = line;
    err->column = column;
    copy_str(err->file, sizeof err->file, file);
    copy_str(err->field, sizeof err->field, field);
    if (file != NULL && file[0] != '\0') {
        append_f(err->message, sizeof err->message, "%s", file);
        if (line > 0)
            append_f(err->message, sizeof err->message, ":%lu", line);
        if (column > 0)
            append_f(err->message, sizeof err->message, ":%lu", column);
        append_f(err->message, sizeof err->message, ": ");
    }
}

dacc_status dacc_error_set(dacc_error *err, dacc_status status, const char *fmt, ...)
{
    if (err == NULL)
        return status;
    locate(err, status, NULL, 0, 0, NULL);
    va_list ap;
    va_start(ap, fmt);
    append_v(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

dacc_status dacc_error_at(dacc_error *err, dacc_status status, const char *file, unsigned long line,
                          unsigned long column, const char *fmt, ...)
{
    if (err == NULL)
        return status;
    locate(err, status, file, line, column, NULL);
    va_list ap;
    va_start(ap, fmt);
    append_v(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

dacc_status dacc_error_field(dacc_error *err, dacc_status status, const char *file,
                             unsigned long line, const char *kind, const char *name,
                             const char *fmt, ...)
{
    if (err == NULL)
        return status;
    locate(err, status, file, line, 0, name);
    if (name != NULL) {
        char quoted[DACC_ERROR_FIELD_MAX + 16];
        dacc_error_quote(quoted, sizeof quoted, name, strlen(name), DACC_ERROR_FIELD_MAX);
        append_f(err->message, sizeof err->message, "%s %s: ", kind ? kind : "field", quoted);
    }
    va_list ap;
    va_start(ap, fmt);
    append_v(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

void dacc_error_prefix(dacc_error *err, const char *fmt, ...)
{
    if (err == NULL)
        return;
    char old[DACC_ERROR_MSG_MAX];
    copy_str(old, sizeof old, dacc_error_message(err));
    err->message[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    append_v(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    append_f(err->message, sizeof err->message, "%s", old);
}

char *dacc_error_quote(char *out, size_t out_cap, const char *s, size_t len, size_t max_chars)
{
    static const char ellipsis[] = "...";
    size_t o = 0;
    if (out_cap == 0)
        return out;
    /* Reserve room for the closing quote, a possible ellipsis and the NUL. */
    size_t limit = out_cap > sizeof ellipsis + 2 ? out_cap - sizeof ellipsis - 2 : 0;
    if (limit > 0)
        out[o++] = '"';
    size_t i = 0, shown = 0;
    while (i < len && shown < max_chars) {
        unsigned char c = (unsigned char)s[i];
        size_t n = utf8_seq_len((const unsigned char *)s + i, len - i);
        char piece[8];
        size_t plen;
        if (n == 0 || c < 0x20 || c == 0x7f) {
            plen = (size_t)snprintf(piece, sizeof piece, "\\x%02x", c);
            n = 1;
        } else if (c == '"' || c == '\\') {
            piece[0] = '\\';
            piece[1] = (char)c;
            plen = 2;
        } else {
            memcpy(piece, s + i, n);
            plen = n;
        }
        if (o + plen > limit)
            break;
        memcpy(out + o, piece, plen);
        o += plen;
        i += n;
        shown++;
    }
    if (limit > 0) {
        out[o++] = '"';
        if (i < len) {
            memcpy(out + o, ellipsis, sizeof ellipsis - 1);
            o += sizeof ellipsis - 1;
        }
    }
    out[o] = '\0';
    return out;
}
