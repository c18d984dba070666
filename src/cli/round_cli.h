/* Shared pieces of dacc round (private to src/cli). */
#ifndef DACC_ROUND_CLI_H
#define DACC_ROUND_CLI_H

#include <stdint.h>

#include "dacc/error.h"
#include "dacc/json.h"
#include "dacc/mem.h"
#include "dacc/round.h"
#include "dacc/store.h"

/* An Ed25519 signing key from a .key file (the signed-note key format). */
dacc_status round_load_key(const char *path, uint8_t sk[64], dacc_error *err);
/* A public key from 64 hex digits or a .pub key line. */
dacc_status round_parse_pub(const char *text, size_t len, uint8_t pk[32], dacc_error *err);

/* A log directory (DIR/log.db, log.key, log.pub) and its round index
 * (DIR/rounds.db); writable needs log.key, and holds DIR/log.lock (an
 * exclusive flock) until closed: one writer at a time, because a writer's
 * live rounds follow only its own appends. */
typedef struct {
    dacc_tlog_log *log;
    dacc_store *store;
    int lock; /* the lock's descriptor + 1; 0: none */
} round_log;
dacc_status round_log_open(const char *dir, int writable, round_log *out, dacc_error *err);
void round_log_close(round_log *l);

/* Appends every event of a recorded run to the log directory dir in one
 * transaction of its store, all or none; *first is the first's index. */
dacc_status round_log_append_record(const char *dir, const dacc_round_record *rec, uint64_t *first,
                                    dacc_error *err);

/* A round id: 64 hex digits, or a unique prefix of at least 8 among the
 * log's rounds. */
dacc_status round_log_find(round_log *l, const char *text, uint8_t id[32], dacc_error *err);

/* A replay source over a log directory's store, or over tiles as `dacc log
 * tiles` writes them (DIR/checkpoint, DIR/tile/entries/...); the
 * checkpoint is verified with the log's public key either way. */
typedef struct round_source round_source;
dacc_status round_source_store(round_log *l, const char *pubkey, round_source **out,
                               dacc_error *err);
dacc_status round_source_tiles(const char *dir, const char *pubkey, round_source **out,
                               dacc_error *err);
const dacc_store_source *round_source_get(const round_source *s);
void round_source_free(round_source *s);

/* dacc round append --node: envs posted in order, each receipt checked. */
int round_append_node(const char *node, const char *key, const char *seen, char **envs,
                      const size_t *lens, size_t n);

/* The options of an anonymous `dacc round event` (cmd_round_anon.c). */
enum {
    ROUND_OPT_RING = 300,
    ROUND_OPT_ANON_KEY,
    ROUND_OPT_TOKEN,
    ROUND_OPT_EVALUATION,
    ROUND_OPT_GRACE,
    ROUND_OPT_ISSUERS
};
#define ROUND_EVALS_MAX 255
typedef struct {
    const char *ring, *key; /* a ring file and a member's secret key file */
    const char *token;      /* or a token file (dacc anon token-finish) */
    const char *evals[ROUND_EVALS_MAX];
    size_t nevals; /* and its evaluation files (token-issue --redeem) */
    uint64_t seq;  /* 0: the pseudonym's next in r */
} round_anon_opts;

/* Makes the anonymous event of type with body in r as o says: ring-signed
 * by the member, or redeeming the token; appends the envelope to env and
 * names the pseudonym on standard error (prog's line), so the member can
 * look up its drawn questions and sequence number. */
dacc_status round_anon_event(const char *prog, const dacc_round *r, const round_anon_opts *o,
                             const char *type, const json_t *body, dacc_buf *env, dacc_error *err);

int cmd_round_event(int argc, char **argv);
int cmd_round_append(int argc, char **argv);
int cmd_round_show(int argc, char **argv);
int cmd_round_result(int argc, char **argv);
int cmd_round_replay(int argc, char **argv);

#endif
