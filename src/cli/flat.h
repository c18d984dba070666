/* A JSON result printed in any of the three formats (flat.c). */
#ifndef DACC_CLI_FLAT_H
#define DACC_CLI_FLAT_H

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "dacc/csv.h"
#include "dacc/json.h"

/* doc as JSON, as "key: value" lines (text) or as a CSV key,value table,
 * nested keys joined with '.' and array items numbered ("a.b[2]");
 * nonzero on a write error. */
int cli_write_flat(FILE *fp, cli_format f, const json_t *doc);

#endif
