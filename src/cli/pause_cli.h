/* Shared parts of dacc pause (private to src/cli). */
#ifndef DACC_CLI_PAUSE_H
#define DACC_CLI_PAUSE_H

#include "dacc/pause.h"

dacc_status pause_read(const char *path, char **data, size_t *len, dacc_error *err);
/* The root in a file, a signed note or its bare text (signatures are not
 * checked); errors name the file. */
dacc_status pause_read_root(const char *path, dacc_pause_root *root, dacc_error *err);
int cmd_pause_publish(int argc, char **argv);
int cmd_pause_device_init(int argc, char **argv);
int cmd_pause_device_rotate(int argc, char **argv);
int cmd_pause_device_verify(int argc, char **argv);
int cmd_pause_device_status(int argc, char **argv);
int cmd_pause_simulate(int argc, char **argv);

#endif
