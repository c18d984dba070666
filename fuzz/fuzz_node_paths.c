/* Fuzz target: the node's tile paths. Whatever parses is the canonical
 * spelling of its tile (formatting it gives the input back), and the
 * canonical spelling of any tile, taken from the input's bytes, parses to
 * that tile. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/tlog.h"
#include "node/paths.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const uint8_t *data, size_t size)
{
    if (size < 10)
        return;
    uint64_t n;
    memcpy(&n, data, 8);
    int level = data[8] % 65 - 1;
    unsigned width = data[9] ? data[9] : 256;
    char path[128];
    size_t len = dacc_tlog_tile_path(level, n, width, path, sizeof path);
    node_tile t;
    if (len == 0 || !node_tile_parse(path + 5, &t) || t.level != level || t.index != n ||
        t.width != width)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    round_trip(data, size);
    if (size > 200 || memchr(data, 0, size) != NULL)
        return 0;
    char path[201], again[160];
    memcpy(path, data, size);
    path[size] = '\0';
    node_tile t;
    if (!node_tile_parse(path, &t))
        return 0;
    if (t.level < -1 || t.level > 63 || t.width == 0 || t.width > 256)
        abort();
    size_t len = dacc_tlog_tile_path(t.level, t.index, t.width, again, sizeof again);
    if (len < 5 || strcmp(again + 5, path) != 0)
        abort();
    return 0;
}
