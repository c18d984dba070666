/* The soft pause as a round: the round holds a pause root (the bodies'
 * keys and their threshold); the operator drafts each epoch's heartbeat,
 * and each body signs it with its own key, one event per signature. The
 * result is, per epoch, the heartbeat note with the signatures gathered
 * and whether the root's threshold is met: the note `dacc pause publish`
 * logs for devices (docs/pause.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/pause.h"
#include "internal.h"

#define MAX_EPOCHS 4096

typedef struct {
    uint64_t epoch, not_before, not_after;
    char text[512]; /* the heartbeat text */
    size_t len;
    char lines[DACC_PAUSE_MAX_SIGNERS][DACC_TLOG_KEY_TEXT_MAX]; /* by root signer */
    int has[DACC_PAUSE_MAX_SIGNERS];
    unsigned nsigs;
} beat;

typedef struct {
    dacc_pause_root root;
    beat *b;
    size_t nb, capb;
} pause_state;

static const char *const pause_phases[] = { "signing" };
static const round_action pause_actions[] = {
    { "pause/heartbeat", "signing", BY_OPERATOR },
    { "pause/sign", "signing", BY_PARTICIPANT },
};

static void pause_free(void *state)
{
    pause_state *s = state;
    if (s != NULL)
        free(s->b);
    free(s);
}

/* params: {"root": the signed root note, as `dacc pause root` writes it} */
static dacc_status pause_init(void **state, const json_t *params, dacc_error *err)
{
    const char *note;
    dacc_pause_state ps;
    dacc_status st = round_only(params, "root", err);
    if (st == DACC_OK)
        st = round_string(params, "root", DACC_PAUSE_NOTE_MAX, &note, err);
    if (st != DACC_OK)
        return st;
    /* its own threshold of its own keys; expiry is the devices' to judge */
    dacc_pause_reason why = dacc_pause_init(&ps, note, strlen(note), 0);
    if (why != DACC_PAUSE_ACCEPTED)
        return round_refuse(err, DACC_ERR_INVALID, "params: field \"root\": %s",
                            dacc_pause_reason_name(why));
    pause_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    s->root = ps.root;
    *state = s;
    return DACC_OK;
}

static dacc_status draft(pause_state *s, const json_t *b, dacc_error *err)
{
    int64_t e, nb, na;
    dacc_status st = round_only(b, "epoch not_before not_after", err);
    if (st == DACC_OK)
        st = round_integer(b, "epoch", 1, INT64_MAX, &e, err);
    if (st == DACC_OK)
        st = round_integer(b, "not_before", 0, INT64_MAX, &nb, err);
    if (st == DACC_OK)
        st = round_integer(b, "not_after", nb, INT64_MAX, &na, err);
    if (st != DACC_OK)
        return st;
    uint64_t last = s->nb ? s->b[s->nb - 1].epoch : 0;
    if ((uint64_t)e <= last || (uint64_t)e - last > DACC_PAUSE_EPOCH_STEP_MAX)
        return round_refuse(err, DACC_ERR_INVALID, "field \"epoch\": must follow %llu by 1 to %d",
                            (unsigned long long)last, DACC_PAUSE_EPOCH_STEP_MAX);
    if (s->nb == MAX_EPOCHS)
        return round_refuse(err, DACC_ERR_LIMIT, "more than %d heartbeats", MAX_EPOCHS);
    if (s->nb == s->capb) {
        size_t cap = s->capb ? 2 * s->capb : 16;
        beat *p = realloc(s->b, cap * sizeof *p);
        if (p == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        s->b = p, s->capb = cap;
    }
    beat *x = &s->b[s->nb];
    memset(x, 0, sizeof *x);
    x->epoch = (uint64_t)e, x->not_before = (uint64_t)nb, x->not_after = (uint64_t)na;
    x->len = dacc_pause_heartbeat_format(s->root.domain, x->epoch, x->not_before, x->not_after,
                                         s->root.hash, x->text, sizeof x->text);
    s->nb++;
    return DACC_OK;
}

/* The root signer whose Ed25519 key is the event's signer, or -1. */
static int signer_index(const pause_state *s, const uint8_t key[32])
{
    for (unsigned i = 0; i < s->root.nsigners; i++)
        if (memcmp(s->root.signer[i].pk, key, 32) == 0)
            return (int)i;
    return -1;
}

/* {"epoch": E, "signature": "— NAME BASE64"}: a valid note signature of
 * epoch E's heartbeat by the root key that is the event's signer. */
static dacc_status sign(pause_state *s, const dacc_round_event *ev, dacc_error *err)
{
    int64_t e;
    const char *line;
    dacc_status st = round_only(ev->body, "epoch signature", err);
    if (st == DACC_OK)
        st = round_integer(ev->body, "epoch", 1, INT64_MAX, &e, err);
    if (st == DACC_OK)
        st = round_string(ev->body, "signature", DACC_TLOG_KEY_TEXT_MAX - 2, &line, err);
    if (st != DACC_OK)
        return st;
    int k = signer_index(s, ev->signer);
    beat *x = NULL;
    for (size_t i = 0; i < s->nb; i++)
        if (s->b[i].epoch == (uint64_t)e)
            x = &s->b[i];
    if (k < 0)
        return round_refuse(err, DACC_ERR_STATE, "the signer is not a key of the pause root");
    if (x == NULL)
        return round_refuse(err, DACC_ERR_INVALID, "no heartbeat for epoch %lld", (long long)e);
    if (x->has[k])
        return round_refuse(err, DACC_ERR_STATE, "epoch %lld signed twice by this key",
                            (long long)e);
    char note[1024];
    dacc_tlog_note n;
    bool ok = false;
    size_t count;
    int len = snprintf(note, sizeof note, "%.*s\n%s\n", (int)x->len, x->text, line);
    if (len < 0 || (size_t)len >= sizeof note ||
        dacc_tlog_note_parse(note, (size_t)len, &n, NULL) != DACC_OK || n.nsigs != 1 ||
        dacc_tlog_note_verify(&n, &s->root.signer[k], 1, &ok, NULL, &count, NULL) != DACC_OK || !ok)
        return round_refuse(err, DACC_ERR_VERIFY,
                            "field \"signature\": not a valid signature of epoch %lld's heartbeat "
                            "by this key",
                            (long long)e);
    snprintf(x->lines[k], sizeof x->lines[k], "%s\n", line);
    x->has[k] = 1;
    x->nsigs++;
    return DACC_OK;
}

static dacc_status pause_apply(void *state, const round_view *v, const dacc_round_event *ev,
                               dacc_error *err)
{
    (void)v;
    return strcmp(ev->type, "pause/heartbeat") == 0 ? draft(state, ev->body, err)
                                                    : sign(state, ev, err);
}

static dacc_status pause_close(void *state, const round_view *v, const uint8_t *seed,
                               dacc_error *err)
{
    (void)state, (void)v, (void)seed, (void)err;
    return DACC_OK;
}

/* The heartbeat note: the text, a blank line, the signatures in the
 * root's key order. */
static json_t *note_json(const beat *x)
{
    char note[DACC_PAUSE_NOTE_MAX];
    size_t n = (size_t)snprintf(note, sizeof note, "%.*s\n", (int)x->len, x->text);
    for (unsigned k = 0; k < DACC_PAUSE_MAX_SIGNERS && n < sizeof note; k++)
        if (x->has[k])
            n += (size_t)snprintf(note + n, sizeof note - n, "%s", x->lines[k]);
    return json_stringn(note, n < sizeof note ? n : sizeof note - 1);
}

static dacc_status pause_result(const void *state, json_t **out, dacc_error *err)
{
    const pause_state *s = state;
    json_t *rows = json_array();
    if (rows == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < s->nb; i++) {
        const beat *x = &s->b[i];
        json_array_append_new(rows, json_pack("{sI sI sI sI sb so}", "epoch", (json_int_t)x->epoch,
                                              "not_before", (json_int_t)x->not_before, "not_after",
                                              (json_int_t)x->not_after, "signatures",
                                              (json_int_t)x->nsigs, "ready",
                                              x->nsigs >= s->root.threshold, "note", note_json(x)));
    }
    *out = json_pack("{sssIsIso}", "domain", s->root.domain, "threshold",
                     (json_int_t)s->root.threshold, "signers", (json_int_t)s->root.nsigners,
                     "table", rows);
    return DACC_OK;
}

static dacc_status pause_state_json(const void *state, json_t **out, dacc_error *err)
{
    const pause_state *s = state;
    (void)err;
    *out = json_pack("{sssI}", "domain", s->root.domain, "heartbeats", (json_int_t)s->nb);
    return DACC_OK;
}

const round_mech round_mech_pause = {
    .name = "pause",
    .phases = pause_phases,
    .nphases = 1,
    .actions = pause_actions,
    .nactions = sizeof pause_actions / sizeof pause_actions[0],
    .init = pause_init,
    .apply = pause_apply,
    .close = pause_close,
    .state = pause_state_json,
    .result = pause_result,
    .free = pause_free,
};
