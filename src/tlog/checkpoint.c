/* C2SP checkpoints and tlog-tiles paths. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/tlog.h"

static dacc_status bad(dacc_error *err, const char *why)
{
    return dacc_error_set(err, DACC_ERR_PARSE, "malformed checkpoint: %s", why);
}

dacc_status dacc_tlog_checkpoint_parse(const char *text, size_t len, dacc_tlog_checkpoint *cp,
                                       dacc_error *err)
{
    const char *line[3];
    size_t ll[3], pos = 0;
    for (int i = 0; i < 3; i++) {
        const char *nl = pos < len ? memchr(text + pos, '\n', len - pos) : NULL;
        if (nl == NULL)
            return bad(err, "expected origin, size and root hash lines");
        line[i] = text + pos;
        ll[i] = (size_t)(nl - line[i]);
        pos += ll[i] + 1;
    }
    if (ll[0] == 0 || ll[0] > DACC_TLOG_NAME_MAX)
        return bad(err, "empty or overlong origin");
    /* A checkpoint is note text: UTF-8 without control characters. */
    if (!dacc_utf8_valid(text, len, NULL))
        return bad(err, "not UTF-8");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] < 0x20 && text[i] != '\n')
            return bad(err, "control character");
    if (!dacc_decimal_strict(line[1], ll[1], &cp->size))
        return bad(err, "the size is not a decimal without leading zeros");
    size_t got;
    if (dacc_base64_decode(line[2], ll[2], cp->root, sizeof cp->root, &got, NULL) != DACC_OK ||
        got != DACC_TLOG_HASH_BYTES)
        return bad(err, "the root hash is not 32 bytes of base64");
    memcpy(cp->origin, line[0], ll[0]);
    cp->origin[ll[0]] = '\0';
    cp->ext = text + pos;
    cp->ext_len = len - pos;
    /* Extension lines must be non-empty and newline-terminated. */
    for (size_t i = pos; i < len; i++) {
        if (text[i] == '\n' && (i == pos || text[i - 1] == '\n'))
            return bad(err, "empty extension line");
    }
    if (cp->ext_len > 0 && text[len - 1] != '\n')
        return bad(err, "the last line must end in a newline");
    return DACC_OK;
}

size_t dacc_tlog_checkpoint_format(const char *origin, uint64_t size,
                                   const uint8_t root[DACC_TLOG_HASH_BYTES], char *out, size_t cap)
{
    char b64[64];
    int n = snprintf(out, cap, "%s\n%" PRIu64 "\n%s\n", origin, size,
                     dacc_base64_encode(root, DACC_TLOG_HASH_BYTES, b64));
    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

size_t dacc_tlog_tile_path(int level, uint64_t n, unsigned width, char *out, size_t cap)
{
    char groups[64];
    size_t g = sizeof groups;
    groups[--g] = '\0';
    int first = 1;
    do {
        char part[8];
        snprintf(part, sizeof part, first ? "%03u" : "x%03u/", (unsigned)(n % 1000));
        size_t pl = strlen(part);
        g -= pl;
        memcpy(groups + g, part, pl);
        n /= 1000;
        first = 0;
    } while (n > 0);
    int w;
    char lv[16];
    if (level < 0)
        snprintf(lv, sizeof lv, "entries");
    else
        snprintf(lv, sizeof lv, "%d", level);
    if (width > 0 && width < DACC_TLOG_TILE_WIDTH)
        w = snprintf(out, cap, "tile/%s/%s.p/%u", lv, groups + g, width);
    else
        w = snprintf(out, cap, "tile/%s/%s", lv, groups + g);
    return w < 0 || (size_t)w >= cap ? 0 : (size_t)w;
}
