/* Tile paths of c2sp.org/tlog-tiles (private to the node). */
#ifndef DACC_NODE_PATHS_H
#define DACC_NODE_PATHS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int level;      /* 0..63, or -1 for an entry bundle */
    uint64_t index; /* the tile's number at its level */
    unsigned width; /* 256 for a full tile, else 1..255 */
} node_tile;

/* A path below "tile/": "L/N[.p/W]" or "entries/N[.p/W]", N as
 * x001/x234/067 groups. False for anything else. */
bool node_tile_parse(const char *path, node_tile *out);

#endif
