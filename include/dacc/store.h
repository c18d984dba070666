/* dacc — the event store: rounds kept in a transparency log.
 *
 * Every accepted event of a round is one entry of a tlog log: its envelope,
 * byte for byte as dacc_dsse_write gives it. Nothing is appended before the
 * round has accepted it, and an append reports success only once the
 * entry is durable. An index beside the log (a SQLite file) finds a
 * round's entries without reading the whole log; it is only a finder,
 * rebuilt from the entries whenever it is missing or behind, and replay
 * never trusts it: every entry is checked against a signed checkpoint.
 *
 * Replay works from anything that gives entries and a checkpoint: the
 * operator's store, or (dacc_store_replay_source) the C2SP tiles the log
 * publishes, so an auditor needs no database. docs/round.md.
 */
#ifndef DACC_STORE_H
#define DACC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"
#include "dacc/round.h"
#include "dacc/tlog.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dacc_store dacc_store;

/* Opens the store of log (opened by the caller, for appending if events
 * will be appended) with its index at index_path (created when missing;
 * read-only when the log is; ignored for a PostgreSQL log, whose index is
 * in its own database). Brings the index up to the log's size. */
dacc_status dacc_store_open(dacc_tlog_log *log, const char *index_path, dacc_store **out,
                            dacc_error *err);
void dacc_store_free(dacc_store *s);

/* The log indices of a round's entries, its config first, ascending; the
 * caller frees *idx. DACC_ERR_NOTFOUND for an unknown round. */
dacc_status dacc_store_round_entries(dacc_store *s, const uint8_t id[DACC_ROUND_ID_BYTES],
                                     uint64_t **idx, size_t *n, dacc_error *err);

/* Calls fn for every round, in the order they were created. */
dacc_status dacc_store_each_round(dacc_store *s, void *ctx,
                                  void (*fn)(void *ctx, const uint8_t id[DACC_ROUND_ID_BYTES],
                                             const char *mechanism, uint64_t first,
                                             uint64_t entries),
                                  dacc_error *err);

/* Appends events, all or none, in one log transaction: each must be
 * accepted by its round (a config creates a round, refused when it exists)
 * as the store holds it after the events before it in the batch; the
 * first refused one stops the batch and nothing is appended (*bad gets its
 * position, err its reason). On success first gets the log index of
 * envs[0]. Another process appending to the same store waits: the check and
 * the append happen under one lock. */
dacc_status dacc_store_append(dacc_store *s, const void *const *envs, const size_t *lens, size_t n,
                              uint64_t *first, size_t *bad, dacc_error *err);

/* As dacc_store_append, for events the caller decoded once with
 * dacc_round_event_decode_logged: evs[i] from it, envs[i] its logged
 * bytes. They are applied with dacc_round_apply_event, neither decoded nor
 * verified again. */
dacc_status dacc_store_append_decoded(dacc_store *s, const dacc_round_event *const *evs,
                                      const void *const *envs, const size_t *lens, size_t n,
                                      uint64_t *first, size_t *bad, dacc_error *err);

/* What dacc_store_append_also does beside the append, in its transaction. */
typedef struct dacc_store_also {
    /* Runs after the index rows: the entries are logged from first, the
     * j-th of them being envs[kept[j]]. Its statements (dacc_tlog_log_sql)
     * commit with the events or not at all, and its failing fails the
     * append. May be NULL. */
    dacc_status (*fn)(void *ctx, uint64_t first, const size_t *kept, size_t nkept, dacc_error *err);
    /* With refused set, an event its round refuses is left out, the
     * reason given to refused, and the rest are logged (without it, the
     * first refusal stops the batch, as in dacc_store_append). */
    void (*refused)(void *ctx, size_t i, const dacc_error *why);
    void *ctx;
} dacc_store_also;

/* As dacc_store_append_decoded, for a log several processes share
 * (PostgreSQL: dacc_tlog_log_shared), with the index rows and also's work
 * inside the log's own transaction. evs may be NULL (the envelopes are
 * decoded). The batch is checked against the rounds as the log holds them
 * under its write lock, whatever other processes appended before; a batch
 * whose every event is refused logs nothing and adds no checkpoint, and
 * *first is then the log's size. DACC_ERR_UNSUPPORTED for a SQLite log. */
dacc_status dacc_store_append_also(dacc_store *s, const dacc_round_event *const *evs,
                                   const void *const *envs, const size_t *lens, size_t n,
                                   const dacc_store_also *also, uint64_t *first, size_t *bad,
                                   dacc_error *err);

/* For a shared log, reads the size other processes' appends reached, so
 * that the next reads (peek, load, entries) see them; nothing otherwise. */
dacc_status dacc_store_refresh(dacc_store *s, dacc_error *err);

/* As dacc_store_refresh, and the rounds the store keeps live are brought up
 * to the log too: a node that follows another's appends this way can take
 * over appending without replaying what it missed first. The new entries'
 * signatures are not checked again (dacc_round_apply_trusted): the process
 * that appended them checked each before logging it. A round loaded for
 * the first time (dacc_store_warm, a read) is verified in full. */
dacc_status dacc_store_follow(dacc_store *s, dacc_error *err);

/* Makes every round of the log live, replayed up to the log's size: the
 * work a node does once before it may append for others (several nodes:
 * the first append of a cold node would otherwise replay whole rounds
 * while every caller waits). */
dacc_status dacc_store_warm(dacc_store *s, dacc_error *err);

/* The store's own live round, brought up to the log as s's log handle
 * knows it (its own appends; a log handle reads its size when it opens and
 * appends): read it (state, result, queries) without the copy
 * dacc_store_load replays, for a process that is its log's one writer, as
 * the node is. *out is the store's, valid until the next call on s; the
 * caller must not apply to it and, when threads share s, reads it under
 * the lock that serialises s. */
dacc_status dacc_store_peek(dacc_store *s, const uint8_t id[DACC_ROUND_ID_BYTES],
                            const dacc_round **out, dacc_error *err);

/* The round as the store holds it now (caller frees). */
dacc_status dacc_store_load(dacc_store *s, const uint8_t id[DACC_ROUND_ID_BYTES], dacc_round **out,
                            dacc_error *err);

/* ---- replay --------------------------------------------------------------------- */

/* Where replay reads: a log of size entries with root (both from a signed
 * checkpoint the caller verified), entry(i) giving entry i, and hash (over
 * ctx) giving the tree's hashes for inclusion proofs. */
typedef struct dacc_store_source {
    uint64_t size;
    uint8_t root[DACC_TLOG_HASH_BYTES];
    void *ctx;
    dacc_status (*entry)(void *ctx, uint64_t i, uint8_t **data, size_t *len, dacc_error *err);
    dacc_tlog_hash_fn hash;
} dacc_store_source;

/* One step of a replay: the entry, and the state hash after it. */
typedef struct dacc_store_step {
    uint64_t entry;
    uint8_t state[DACC_SHA256_BYTES];
} dacc_store_step;

/* Replays round id from src: reads the entries (those in idx[0..n), or,
 * with idx NULL, every entry of the log, keeping the round's), checks each
 * against the root with an inclusion proof, decodes and applies it. Every
 * entry of the round must be accepted: a refused one is an error naming its
 * index. *out gets the round; *steps (may be NULL) one step per event,
 * caller frees. */
dacc_status dacc_store_replay(const dacc_store_source *src, const uint8_t id[DACC_ROUND_ID_BYTES],
                              const uint64_t *idx, size_t n, dacc_round **out,
                              dacc_store_step **steps, size_t *nsteps, dacc_error *err);

/* The round an entry belongs to: DACC_OK with *id set for an event
 * envelope (a config gives its own id), DACC_ERR_NOTFOUND for an entry
 * that is not a round event. Checks only the shape, not signatures. */
dacc_status dacc_store_entry_round(const void *entry, size_t len, uint8_t id[DACC_ROUND_ID_BYTES],
                                   int *is_config);

#ifdef __cplusplus
}
#endif

#endif
