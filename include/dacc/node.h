/* The node (dacc serve): an HTTP/JSON server over the event store. Every
 * accepted event is appended to the log, durable and under a signed
 * checkpoint, before its 201 receipt; reads come from the same store. The
 * node is a shell (ARCHITECTURE: files, HTTP and time live here): the
 * rounds, the log and the store are libdacc's. docs/node.md.
 *
 * The node links libmicrohttpd and libcurl, which libdacc does not: its
 * objects are built into the dacc executable, not into libdacc. */
#ifndef DACC_NODE_H
#define DACC_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dacc_node_opts {
    const char *data;         /* the data directory (created with a fresh log when new) */
    const char *origin;       /* the log's origin when it is created */
    const char *host;         /* listen address (an IPv4 literal) */
    uint16_t port;            /* 0: any free port (dacc_node_port tells) */
    unsigned threads;         /* HTTP worker threads */
    unsigned max_connections; /* open connections at most */
    unsigned timeout;         /* seconds a connection may idle, and a request take to arrive */
    size_t max_body;          /* bytes of a request body */
    unsigned batch;           /* events per log append at most (group commit) */
    bool quiet;               /* no request log on stderr */
    /* As a witness (c2sp.org/tlog-witness add-checkpoint): its cosignature
     * key file, and the public key files of the logs it witnesses. */
    const char *witness_key;
    const char *witness_logs[16];
    size_t nwitness_logs;
    /* Events per second each signing key and each client address may post
     * (0: no limit), with bursts of that many. */
    double key_rate, address_rate;
    /* Witnesses asked to cosign this node's checkpoints: "URL=WITNESS.pub". */
    const char *witnesses[8];
    size_t nwitnesses;
    /* Open connections from one client address at most (0: no limit). */
    unsigned per_address_connections;
    /* The log and its round index in a PostgreSQL database (a postgres://
     * URL) instead of DATA/log.db, shared by every node given the same
     * URL and the same log key (DATA/log.key): one of them integrates the
     * events all of them accept (docs/scale.md). NULL: SQLite. */
    const char *store;
    /* /checkpoint only with at least this many valid cosignatures by the
     * --witness witnesses (the latest checkpoint that has them); 503
     * otherwise. 0: no threshold. */
    unsigned witness_threshold;
    /* As a token issuer (docs/node.md, "Token issuance"): the issuer set
     * (dacc anon keygen --issuers: DIR/issuers), this node's key share
     * (DIR/share-I, mode 0600; its public key says which issuer it is)
     * and the registered members' Ed25519 keys, one hex line each. All
     * three or none. */
    const char *issuer_set, *issuer_share, *issuer_members;
    /* The epochs it answers (none given: any), so that a member cannot
     * fill its log with epochs no round uses. */
    const char *issuer_epochs[64];
    size_t nissuer_epochs;
} dacc_node_opts;

/* The defaults every field of opts falls back to when zero. */
void dacc_node_defaults(dacc_node_opts *o);

typedef struct dacc_node dacc_node;

/* Opens (or creates) the data directory and starts serving. */
dacc_status dacc_node_start(const dacc_node_opts *o, dacc_node **out, dacc_error *err);
uint16_t dacc_node_port(const dacc_node *n);
/* Stops accepting, answers the events already queued, and closes. */
void dacc_node_stop(dacc_node *n);

#ifdef __cplusplus
}
#endif

#endif
