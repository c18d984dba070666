/* Shared pieces of dacc screen (private to src/cli/cmd_screen*.c): the key
 * and share files, and the exit statuses of a screening. */
#ifndef DACC_SCREEN_CLI_H
#define DACC_SCREEN_CLI_H

#include "cli.h"
#include "dacc/screen.h"

/* Exit statuses of dacc screen query (beside CLI_OK = pass, CLI_FAIL,
 * CLI_USAGE). */
enum { SCREEN_EXIT_HIT = 3, SCREEN_EXIT_REFUSED = 4 };

#define SCREEN_KEY_KIND   "dacc-screen-key/v1"
#define SCREEN_SHARE_KIND "dacc-screen-share/v1"
#define SCREEN_FILE_MAX   (1u << 20)

/* The option keys of dacc screen (its table is in cmd_screen.c). */
enum {
    OPT_KEY = 'k',
    OPT_THRESHOLD = 't',
    OPT_COUNT = 'n',
    OPT_EPOCH = 256,
    OPT_LISTEN,
    OPT_PORT,
    OPT_KEYSET,
    OPT_KEYSERVER,
    OPT_DB,
    OPT_VERSION,
    OPT_SIGN,
    OPT_LOG,
    OPT_NODE,
    OPT_RECEIPT,
    OPT_EXPANSIONS,
    OPT_ORDER,
    OPT_SALT,
    OPT_DATABASE_NAME,
};

/* The paths a keyserver and a database server answer on. */
#define SCREEN_PATH_EVALUATE "/screen/v1/evaluate"
#define SCREEN_PATH_KEYSET   "/screen/v1/keyset"
#define SCREEN_PATH_LOOKUP   "/screen/v1/lookup"

/* A key file (dacc screen keygen): the full key and its public key. The
 * caller wipes key. */
dacc_status screen_load_key(const char *path, uint8_t key[32], uint8_t pk[32], dacc_error *err);
/* A share file (dacc screen share): keyserver index, its share (checked
 * against the keyset's share key) and the keyset (*ks new). */
dacc_status screen_load_share(const char *path, unsigned *index, uint8_t share[32],
                              dacc_screen_keyset **ks, dacc_error *err);
/* A keyset file, or the "keyset" of a share file. */
dacc_status screen_load_keyset(const char *path, dacc_screen_keyset **ks, dacc_error *err);

/* JSON written atomically to path, mode 0600 when secret. */
dacc_status screen_write_json(const char *path, const json_t *v, int secret, dacc_error *err);

int cmd_screen_keyserver(int argc, char **argv);
int cmd_screen_db_server(int argc, char **argv);
int cmd_screen_query(int argc, char **argv);
int cmd_screen_build_db(int argc, char **argv);
int cmd_screen_receipt_verify(int argc, char **argv);
int cmd_screen_receipt_prove(int argc, char **argv);
int cmd_screen_receipt_count(int argc, char **argv);

#endif
