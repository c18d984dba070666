/* The round core and the mechanisms it drives (private to src/round). */
#ifndef DACC_ROUND_INTERNAL_H
#define DACC_ROUND_INTERNAL_H

#include "dacc/round.h"

/* Who may send an event type. */
enum { BY_OPERATOR = 1, BY_PARTICIPANT = 2, BY_ANYONE = 3 };

typedef struct {
    const char *type;  /* "pgf/donation" */
    const char *phase; /* the phase it belongs to */
    int who;
} round_action;

/* What a mechanism sees of the round when it applies an event. */
typedef struct {
    const uint8_t *id;
    const uint8_t *operator_key;
    unsigned phase; /* index into the mechanism's phases */
    /* The closed round an event's "by_round" cites, as dacc_round_result
     * gives it (mechanism, final, result); NULL when it cites none. */
    const json_t *cited;
} round_view;

/* A mechanism: its phases and actions, and a state behind four pure
 * functions. apply must check everything before it changes anything: a
 * refusal leaves the state as it was (the round core relies on it). */
typedef struct round_mech {
    const char *name;
    const char *const *phases;
    size_t nphases;
    const round_action *actions;
    size_t nactions;
    dacc_status (*init)(void **state, const json_t *params, dacc_error *err);
    dacc_status (*apply)(void *state, const round_view *v, const dacc_round_event *ev,
                         dacc_error *err);
    /* The phase v->phase closes; seed is the log root carried by the close
     * event ("at".root), or NULL. */
    dacc_status (*close)(void *state, const round_view *v, const uint8_t *seed, dacc_error *err);
    dacc_status (*state)(const void *state, json_t **out, dacc_error *err);
    dacc_status (*result)(const void *state, json_t **out, dacc_error *err);
    /* What the mechanism holds for one key (a juror's drawn questions);
     * may be NULL. */
    dacc_status (*participant)(const void *state, const uint8_t key[32], json_t **out,
                               dacc_error *err);
    /* A named read (dacc_round_query); may be NULL (no queries). A name
     * the mechanism does not know is DACC_ERR_UNSUPPORTED. */
    dacc_status (*query)(const void *state, const char *name, const json_t *args, json_t **out,
                         dacc_error *err);
    void (*free)(void *state);
} round_mech;

extern const round_mech round_mech_deepfund;
extern const round_mech round_mech_pgf;
extern const round_mech round_mech_market;
extern const round_mech round_mech_notes;
extern const round_mech round_mech_pause;

/* The four published files a notes round's events make (notes, ratings,
 * noteStatusHistory, userEnrollment), for tests and `dacc round export`. */
dacc_status round_notes_files(const void *state, dacc_buf files[4], dacc_error *err);

/* ---- anonymous eligibility (anon.c) ---- */

/* A round's ring (with its root history and grace window) or token issuer
 * set. */
typedef struct round_anon round_anon;

/* Reads eligible.ring or eligible.tokens (docs/round.md); *out is NULL
 * when the round names neither. */
dacc_status round_anon_read(const json_t *eligible, round_anon **out, dacc_error *err);
void round_anon_free(round_anon *a);
/* DACC_ROUND_ANON_*; NONE for NULL. */
int round_anon_kind(const round_anon *a);
/* The round's anonymous eligibility (NULL: none), for making events. */
const round_anon *round_anon_of(const dacc_round *r);
/* round/ring {"add": [...], "remove": [...]}: the next ring version, in
 * effect from the event after this one (count: the events accepted before
 * it). All or nothing. */
dacc_status round_anon_ring_event(round_anon *a, const json_t *body, uint64_t count,
                                  dacc_error *err);
/* Verifies an anonymous event's proof in scope against the current ring,
 * the previous one within the grace window (count: the events accepted
 * before it), or the issuer set, and gives its pseudonym: the ring tag, or
 * the token nullifier's first 32 bytes. */
dacc_status round_anon_check(const round_anon *a, const uint8_t *scope, size_t scope_len,
                             const dacc_round_event *ev, uint64_t count, uint8_t pseudonym[32],
                             dacc_error *err);
/* Counts a token redeemed (after the event is accepted). */
void round_anon_redeemed(round_anon *a);
/* {"ring": {...}} or {"tokens": {...}, "redeemed": n} for the round state. */
json_t *round_anon_state(const round_anon *a, uint64_t count);

/* ---- recording batch runs (record.c) ---- */

/* A participant's key for a recorded run: its seed is BLAKE2b-256 keyed
 * with the operator's seed over domain, role with its NUL, and name, so
 * only the operator can make it and the same name gives the same key. */
void round_record_key(const uint8_t op_sk[64], const char *domain, const char *role,
                      const char *name, uint8_t sk[64]);
/* Signs body (consumed) as sk's next event of type, applies it to the live
 * round (the config creates it) and keeps the envelope; a failure names
 * the event by what. On failure the record is as it was. */
dacc_status round_record_emit(dacc_round_record *rec, const uint8_t sk[64], const char *type,
                              json_t *body, const char *what, dacc_error *err);

/* ---- helpers for the mechanisms' decoders ---- */

/* The fields of body must be among the space-separated names of allowed. */
dacc_status round_only(const json_t *body, const char *allowed, dacc_error *err);
/* A required string field, non-empty, at most max bytes. */
dacc_status round_string(const json_t *body, const char *field, size_t max, const char **out,
                         dacc_error *err);
/* A required decimal amount in base units (a string of digits, no sign,
 * no leading zeros, at most 2^128 - 1). */
dacc_status round_amount(const json_t *body, const char *field, dacc_u128 *out, dacc_error *err);
/* A required decimal number written as a string ("0.25"), finite. */
dacc_status round_decimal(const json_t *body, const char *field, double lo, double hi, double *out,
                          dacc_error *err);
/* A required integer in [lo, hi]. */
dacc_status round_integer(const json_t *body, const char *field, int64_t lo, int64_t hi,
                          int64_t *out, dacc_error *err);
/* st, with err->field set to field (when st is a failure and err not
 * NULL): for a query's refusal, which a node answers naming the member. */
dacc_status round_at_field(dacc_error *err, dacc_status st, const char *field);
/* Appends text as one CSV field (quoted when it holds a comma, a quote or a
 * line break) and then sep. */
dacc_status round_csv_cell(dacc_buf *b, const char *text, char sep, dacc_error *err);
/* A refusal: DACC_ERR_INVALID with a message (the round core adds which
 * event it was). */
dacc_status round_refuse(dacc_error *err, dacc_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
