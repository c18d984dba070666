/* Tile paths as c2sp.org/tlog-tiles spells them, parsed strictly: the
 * only accepted spelling of a tile is the one dacc_tlog_tile_path writes,
 * so "tile/../x" or a leading zero is simply not a tile. Kept apart from
 * the HTTP glue so that a fuzz target can reach it. */
#include <string.h>

#include "dacc/tlog.h"
#include "paths.h"

/* Digits of s[0..len) as a number without leading zeros (a lone 0 is
 * fine); false on anything else or above max. */
static bool number(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (max - (uint64_t)(s[i] - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* Groups of three digits, all but the last prefixed with "x"
 * ("x001/x234/067"), then optionally ".p/W" with 1 <= W < 256. */
static bool tile_index(const char *s, uint64_t *n, unsigned *width)
{
    uint64_t v = 0;
    for (;;) {
        bool last = s[0] != 'x';
        const char *d = last ? s : s + 1;
        if (strspn(d, "0123456789") < 3 || v > UINT64_MAX / 1000)
            return false;
        uint64_t group = (uint64_t)((d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0'));
        if (v * 1000 > UINT64_MAX - group)
            return false;
        v = v * 1000 + group;
        s = d + 3;
        if (last)
            break;
        if (*s++ != '/')
            return false;
    }
    *n = v;
    *width = 256;
    if (*s != '\0') {
        uint64_t w;
        if (strncmp(s, ".p/", 3) != 0 || !number(s + 3, strlen(s + 3), 255, &w) || w == 0)
            return false;
        *width = (unsigned)w;
    }
    return true;
}

bool node_tile_parse(const char *path, node_tile *out)
{
    const char *rest;
    if (strncmp(path, "entries/", 8) == 0) {
        out->level = -1;
        rest = path + 8;
    } else {
        const char *slash = strchr(path, '/');
        uint64_t level;
        if (slash == NULL || !number(path, (size_t)(slash - path), 63, &level))
            return false;
        out->level = (int)level;
        rest = slash + 1;
    }
    if (!tile_index(rest, &out->index, &out->width))
        return false;
    /* one spelling per tile: "x000/001" is tile 1 with a needless group */
    char canonical[128];
    size_t len = dacc_tlog_tile_path(out->level, out->index, out->width == 256 ? 0 : out->width,
                                     canonical, sizeof canonical);
    return len > 5 && strcmp(canonical + 5, path) == 0;
}
