/* Key files and subcommands shared by cmd_log.c and cmd_log_verify.c
 * (private to src/cli). */
#ifndef DACC_CLI_LOG_KEYS_H
#define DACC_CLI_LOG_KEYS_H

#include "dacc/tlog.h"

/* A one-line key file (C2SP vkey or skey text); errors name the file. */
dacc_status load_verifier(const char *path, dacc_tlog_verifier *v, dacc_error *err);
dacc_status load_signer(const char *path, dacc_tlog_signer *s, dacc_error *err);
/* PREFIX.key (the secret key, readable by its owner only) and PREFIX.pub,
 * each written atomically. */
dacc_status write_key_files(const char *prefix, const dacc_tlog_signer *s, dacc_error *err);

int cmd_log_verify(int argc, char **argv);
int cmd_log_cosign(int argc, char **argv);
int cmd_log_keygen(int argc, char **argv);
/* The same for a command whose declaration has its own keygen (pause). */
struct cli_spec;
int log_keygen_as(const struct cli_spec *spec, int argc, char **argv);
int cmd_log_add_checkpoint(int argc, char **argv);
int cmd_log_witness(int argc, char **argv);

#endif
