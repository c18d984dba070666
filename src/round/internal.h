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
