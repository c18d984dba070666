/* The round core: one config, then events checked in a fixed order (the
 * signature, the round, the action and its phase, who may send it, the
 * author's sequence number), handed to the mechanism, and folded into the
 * state hash. Nothing here reads a clock, a file or the network. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/codec.h"
#include "dacc/jcs.h"
#include "internal.h"

#define MAX_PHASES 8

static const round_mech *const mechs[] = { &round_mech_deepfund, &round_mech_pgf,
                                           &round_mech_market, &round_mech_notes,
                                           &round_mech_pause };

/* Authors' sequence numbers: open addressing over keys hashed with a
 * per-round random SipHash key, so nobody can choose keys that collide
 * (the table's order is never observable). */
typedef struct {
    uint8_t key[32];
    uint64_t seq; /* 0: empty slot */
} seq_slot;

typedef struct {
    seq_slot *slot;
    size_t n, cap; /* cap a power of two */
    uint8_t hkey[crypto_shorthash_KEYBYTES];
} seq_map;

struct dacc_round {
    uint8_t id[DACC_ROUND_ID_BYTES];
    uint8_t operator_key[DACC_ROUND_KEY_BYTES];
    uint8_t hash[DACC_SHA256_BYTES];
    const round_mech *mech;
    void *mstate;
    char title[128];
    unsigned phase; /* index into mech->phases; nphases when closed */
    uint64_t phase_events;
    uint64_t close_events[MAX_PHASES]; /* 0: closed by the operator only */
    uint64_t close_size[MAX_PHASES];   /* an operator close must carry at.size >= this */
    int open;                          /* anyone may take part */
    seq_map eligible;                  /* else these keys (seq 1: present) */
    seq_map seqs;
    uint64_t count;
    dacc_round_log log; /* what it may ask of the log it is in; zero: none */
    bool attested;      /* a round/result event fixed the result's hash */
    uint8_t result_hash[DACC_SHA256_BYTES];
    round_anon *anon; /* a ring or token issuer set; NULL: no anonymous events */
    char epoch[129];  /* a notes round's "epoch": its ratings' anonymous scope */
};

/* ---- authors' sequence numbers ---- */

static size_t seq_find(const seq_map *m, const uint8_t key[32])
{
    uint8_t h[crypto_shorthash_BYTES];
    crypto_shorthash(h, key, 32, m->hkey);
    uint64_t v;
    memcpy(&v, h, sizeof v);
    size_t i = (size_t)v & (m->cap - 1);
    while (m->slot[i].seq != 0 && memcmp(m->slot[i].key, key, 32) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

/* Makes room for extra more keys before anything changes, so that the
 * commit after the mechanism's apply cannot fail. */
static dacc_status seq_reserve(seq_map *m, size_t extra, dacc_error *err)
{
    if ((m->n + extra) * 2 <= m->cap)
        return DACC_OK;
    seq_map g = *m;
    g.cap = m->cap ? 2 * m->cap : 64;
    while ((m->n + extra) * 2 > g.cap)
        g.cap *= 2;
    g.n = 0;
    if ((g.slot = calloc(g.cap, sizeof *g.slot)) == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < m->cap; i++)
        if (m->slot[i].seq != 0) {
            g.slot[seq_find(&g, m->slot[i].key)] = m->slot[i];
            g.n++;
        }
    free(m->slot);
    *m = g;
    return DACC_OK;
}

static uint64_t seq_last(const seq_map *m, const uint8_t key[32])
{
    return m->cap ? m->slot[seq_find(m, key)].seq : 0;
}

static void seq_set(seq_map *m, const uint8_t key[32], uint64_t seq)
{
    seq_slot *s = &m->slot[seq_find(m, key)];
    m->n += s->seq == 0;
    memcpy(s->key, key, 32);
    s->seq = seq;
}

/* ---- the config ---- */

/* Adds keys (a JSON list of 64-hex-digit strings) to the eligible set;
 * all or none: a malformed or repeated key refuses the whole list. */
static dacc_status admit_keys(dacc_round *r, const json_t *keys, const char *field, dacc_error *err)
{
    size_t n = json_array_size(keys);
    uint8_t(*k)[32] = calloc(n ? n : 1, 32);
    if (!json_is_array(keys) || k == NULL) {
        free(k);
        return round_refuse(err, DACC_ERR_INVALID, "field \"%s\": expected a list of keys", field);
    }
    dacc_status st = DACC_OK;
    for (size_t i = 0; i < n && st == DACC_OK; i++) {
        const char *s = json_string_value(json_array_get(keys, i));
        if (s == NULL || strlen(s) != 64 || dacc_hex_decode(s, 64, k[i], 32, NULL) != DACC_OK)
            st = round_refuse(err, DACC_ERR_INVALID, "field \"%s\": item %zu is not 64 hex digits",
                              field, i + 1);
        else if (seq_last(&r->eligible, k[i]) != 0)
            st = round_refuse(err, DACC_ERR_INVALID, "field \"%s\": item %zu is eligible already",
                              field, i + 1);
        for (size_t j = 0; j < i && st == DACC_OK; j++)
            if (memcmp(k[j], k[i], 32) == 0)
                st = round_refuse(err, DACC_ERR_INVALID, "field \"%s\": a key twice", field);
    }
    if (st == DACC_OK)
        st = seq_reserve(&r->eligible, n, err);
    /* room is made: past here nothing can fail */
    for (size_t i = 0; i < n && st == DACC_OK; i++)
        seq_set(&r->eligible, k[i], 1);
    free(k);
    return st;
}

/* {"open": true}, or any of "keys" (Ed25519 keys) and one of "ring" or
 * "tokens" (anonymous members, anon.c). */
static dacc_status read_eligible(dacc_round *r, const json_t *el, dacc_error *err)
{
    if (round_only(el, "open keys ring tokens", err) != DACC_OK)
        return DACC_ERR_INVALID;
    const json_t *keys = json_object_get(el, "keys"), *open = json_object_get(el, "open");
    int anon = json_object_get(el, "ring") != NULL || json_object_get(el, "tokens") != NULL;
    if ((open != NULL && (keys != NULL || anon || !json_is_true(open))) ||
        (open == NULL && keys == NULL && !anon))
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"eligible\": give {\"open\": true}, or \"keys\": [...], "
                            "\"ring\" or \"tokens\" (keys beside a ring or tokens)");
    r->open = open != NULL;
    dacc_status st = round_anon_read(el, &r->anon, err);
    if (st == DACC_OK && keys != NULL)
        st = admit_keys(r, keys, "eligible.keys", err);
    return st;
}

/* What anonymity asks of the params: a notes round's epoch (the scope of
 * its anonymous ratings), and a deep-funding round's drawn questions (an
 * anonymous juror must not choose what to answer). */
static dacc_status read_anon_params(dacc_round *r, const json_t *params, dacc_error *err)
{
    const char *epoch;
    if (strcmp(r->mech->name, "notes") == 0 && json_object_get(params, "epoch") != NULL) {
        if (round_string(params, "epoch", sizeof r->epoch - 1, &epoch, err) != DACC_OK)
            return DACC_ERR_INVALID;
        snprintf(r->epoch, sizeof r->epoch, "%s", epoch);
    }
    if (r->anon != NULL && strcmp(r->mech->name, "deepfund") == 0 &&
        json_integer_value(json_object_get(params, "questions")) < 1)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"params.questions\": an anonymous deep-funding round draws "
                            "its jurors' questions (questions >= 1)");
    return DACC_OK;
}

/* "phases": one entry per phase of the mechanism, in its order, each
 * {"name": ..., "close": "operator" | {"events": N} | {"at_size": N}}. */
static dacc_status read_phase(dacc_round *r, size_t i, const json_t *ph, dacc_error *err)
{
    const char *name = json_string_value(json_object_get(ph, "name"));
    const json_t *close = json_object_get(ph, "close");
    int64_t n = 0;
    if (round_only(ph, "name close", err) != DACC_OK)
        return DACC_ERR_INVALID;
    if (name == NULL || strcmp(name, r->mech->phases[i]) != 0)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"phases\": phase %zu of a %s round is \"%s\"", i + 1,
                            r->mech->name, r->mech->phases[i]);
    if (json_is_string(close) && strcmp(json_string_value(close), "operator") == 0)
        return DACC_OK;
    if (json_is_object(close) && json_object_size(close) == 1 &&
        json_object_get(close, "events") != NULL &&
        round_integer(close, "events", 1, INT64_MAX, &n, err) == DACC_OK) {
        r->close_events[i] = (uint64_t)n;
        return DACC_OK;
    }
    if (json_is_object(close) && json_object_size(close) == 1 &&
        json_object_get(close, "at_size") != NULL &&
        round_integer(close, "at_size", 1, INT64_MAX, &n, err) == DACC_OK) {
        r->close_size[i] = (uint64_t)n;
        return DACC_OK;
    }
    return round_refuse(err, DACC_ERR_INVALID,
                        "field \"phases\": phase \"%s\": close must be \"operator\", "
                        "{\"events\": N} or {\"at_size\": N}",
                        name);
}

static dacc_status read_phases(dacc_round *r, const json_t *phases, dacc_error *err)
{
    if (!json_is_array(phases) || json_array_size(phases) != r->mech->nphases)
        return round_refuse(err, DACC_ERR_INVALID, "field \"phases\": a %s round has %zu phases",
                            r->mech->name, r->mech->nphases);
    dacc_status st = DACC_OK;
    for (size_t i = 0; i < r->mech->nphases && st == DACC_OK; i++)
        st = read_phase(r, i, json_array_get(phases, i), err);
    return st;
}

static dacc_status read_config(dacc_round *r, const dacc_round_event *ev, dacc_error *err)
{
    const json_t *b = ev->body;
    const char *mech, *title = "";
    dacc_status st = round_only(b, "mechanism title eligible phases params nonce", err);
    if (st == DACC_OK)
        st = round_string(b, "mechanism", 32, &mech, err);
    for (size_t i = 0; st == DACC_OK && i < sizeof mechs / sizeof mechs[0]; i++)
        if (strcmp(mechs[i]->name, mech) == 0)
            r->mech = mechs[i];
    if (st == DACC_OK && r->mech == NULL)
        return round_refuse(err, DACC_ERR_INVALID, "field \"mechanism\": no mechanism \"%s\"",
                            mech);
    if (st == DACC_OK && json_object_get(b, "title") != NULL)
        st = round_string(b, "title", sizeof r->title - 1, &title, err);
    if (st == DACC_OK && !json_is_object(json_object_get(b, "eligible")))
        return round_refuse(err, DACC_ERR_INVALID, "field \"eligible\": missing");
    if (st == DACC_OK)
        st = read_eligible(r, json_object_get(b, "eligible"), err);
    if (st == DACC_OK)
        st = read_phases(r, json_object_get(b, "phases"), err);
    const json_t *params = json_object_get(b, "params");
    if (st == DACC_OK && !json_is_object(params))
        return round_refuse(err, DACC_ERR_INVALID, "field \"params\": expected an object");
    if (st == DACC_OK)
        st = read_anon_params(r, params, err);
    if (st == DACC_OK)
        st = r->mech->init(&r->mstate, params, err);
    snprintf(r->title, sizeof r->title, "%s", title);
    return st;
}

static void hash_step(uint8_t h[32], const uint8_t *data, size_t len)
{
    crypto_hash_sha256_state s;
    crypto_hash_sha256_init(&s);
    crypto_hash_sha256_update(&s, h, 32);
    crypto_hash_sha256_update(&s, data, len);
    crypto_hash_sha256_final(&s, h);
}

dacc_status dacc_round_new(const void *config, size_t len, dacc_round **out, dacc_error *err)
{
    dacc_round_event ev;
    dacc_status st = dacc_round_event_decode("config", config, len, &ev, err);
    if (st != DACC_OK)
        return st;
    dacc_round *r = calloc(1, sizeof *r);
    if (r == NULL) {
        dacc_round_event_clear(&ev);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    randombytes_buf(r->seqs.hkey, sizeof r->seqs.hkey);
    randombytes_buf(r->eligible.hkey, sizeof r->eligible.hkey);
    if (!ev.is_config)
        st = round_refuse(err, DACC_ERR_INVALID, "a round starts with a round/config event");
    else if (ev.seq != 1)
        st = round_refuse(err, DACC_ERR_INVALID, "the config is its operator's event 1");
    if (st == DACC_OK)
        st = read_config(r, &ev, err);
    if (st == DACC_OK)
        st = seq_reserve(&r->seqs, 1, err);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "config: ");
        dacc_round_event_clear(&ev);
        dacc_round_free(r);
        return st;
    }
    dacc_sha256(ev.payload, ev.payload_len, r->id);
    memcpy(r->operator_key, ev.signer, 32);
    static const char domain[] = "dacc-round/v1\n";
    memset(r->hash, 0, sizeof r->hash);
    crypto_hash_sha256_state s;
    crypto_hash_sha256_init(&s);
    crypto_hash_sha256_update(&s, (const uint8_t *)domain, sizeof domain - 1);
    crypto_hash_sha256_update(&s, ev.payload, ev.payload_len);
    crypto_hash_sha256_final(&s, r->hash);
    hash_step(r->hash, ev.hash, sizeof ev.hash);
    seq_set(&r->seqs, ev.signer, 1);
    r->count = 1;
    dacc_round_event_clear(&ev);
    *out = r;
    return DACC_OK;
}

void dacc_round_free(dacc_round *r)
{
    if (r == NULL)
        return;
    if (r->mech != NULL && r->mstate != NULL)
        r->mech->free(r->mstate);
    free(r->eligible.slot);
    free(r->seqs.slot);
    round_anon_free(r->anon);
    free(r);
}

const uint8_t *dacc_round_id(const dacc_round *r)
{
    return r->id;
}

const char *dacc_round_mechanism(const dacc_round *r)
{
    return r->mech->name;
}

const uint8_t *dacc_round_operator(const dacc_round *r)
{
    return r->operator_key;
}

const char *dacc_round_phase(const dacc_round *r)
{
    return r->phase < r->mech->nphases ? r->mech->phases[r->phase] : "closed";
}

uint64_t dacc_round_count(const dacc_round *r)
{
    return r->count;
}

void dacc_round_state_hash(const dacc_round *r, uint8_t out[DACC_SHA256_BYTES])
{
    memcpy(out, r->hash, DACC_SHA256_BYTES);
}

/* ---- applying events ---- */

static int eligible(const dacc_round *r, const uint8_t key[32])
{
    return r->open || seq_last(&r->eligible, key) != 0;
}

static const round_action *find_action(const round_mech *m, const char *type)
{
    for (size_t i = 0; i < m->nactions; i++)
        if (strcmp(m->actions[i].type, type) == 0)
            return &m->actions[i];
    return NULL;
}

/* Who may send it and when: the action's phase is the open one. */
static dacc_status check_action(const dacc_round *r, const dacc_round_event *ev,
                                const round_action *a, dacc_error *err)
{
    int by_operator = memcmp(ev->signer, r->operator_key, 32) == 0;
    if (a == NULL)
        return round_refuse(err, DACC_ERR_INVALID, "a %s round has no event \"%s\"", r->mech->name,
                            ev->type);
    if (r->phase >= r->mech->nphases)
        return round_refuse(err, DACC_ERR_STATE, "%s after the round closed", ev->type);
    if (strcmp(a->phase, r->mech->phases[r->phase]) != 0)
        return round_refuse(err, DACC_ERR_STATE,
                            "%s belongs to phase \"%s\"; the round is in \"%s\"", ev->type,
                            a->phase, r->mech->phases[r->phase]);
    if (a->who == BY_OPERATOR && !by_operator)
        return round_refuse(err, DACC_ERR_STATE, "only the round's operator sends %s", ev->type);
    if (a->who == BY_PARTICIPANT && !ev->anon && !eligible(r, ev->signer))
        return round_refuse(err, DACC_ERR_STATE, "the signer is not eligible in this round");
    return DACC_OK;
}

/* A close's "at" against the log: a size the log had reached before this
 * event, and its root then, so the operator cannot choose the seed. */
static dacc_status check_at(const dacc_round *r, uint64_t size, const uint8_t root[32],
                            const char *hex, dacc_error *err)
{
    uint8_t want[32];
    uint64_t index = 0;
    char whex[65];
    if (r->log.root == NULL)
        return DACC_OK;
    dacc_status st = r->log.root(r->log.ctx, 0, want, &index, err);
    if (st == DACC_OK && size > index)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"at\": size %llu is beyond this event, entry %llu of the log",
                            (unsigned long long)size, (unsigned long long)index);
    if (st == DACC_OK)
        st = r->log.root(r->log.ctx, size, want, &index, err);
    if (st == DACC_ERR_RANGE)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"at\": the log gives no root at size %llu here",
                            (unsigned long long)size);
    if (st == DACC_OK && memcmp(want, root, 32) != 0)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"at\": the log's root at size %llu is %s, not %s",
                            (unsigned long long)size, dacc_hex_encode(want, 32, whex), hex);
    return st;
}

/* round/close: {"phase": name, "at": {"size": N, "root": hex}?} by the
 * operator, naming the open phase. *seed gets at.root when given. */
static dacc_status check_close(const dacc_round *r, const dacc_round_event *ev, uint8_t seed[32],
                               int *has_seed, dacc_error *err)
{
    const char *phase;
    const json_t *at = json_object_get(ev->body, "at");
    int64_t size = 0;
    *has_seed = 0;
    if (memcmp(ev->signer, r->operator_key, 32) != 0)
        return round_refuse(err, DACC_ERR_STATE, "only the round's operator closes a phase");
    if (round_only(ev->body, "phase at", err) != DACC_OK ||
        round_string(ev->body, "phase", 32, &phase, err) != DACC_OK)
        return DACC_ERR_INVALID;
    if (r->phase >= r->mech->nphases || strcmp(phase, r->mech->phases[r->phase]) != 0)
        return round_refuse(err, DACC_ERR_STATE,
                            "phase \"%s\" is not open (the round is in \"%s\")", phase,
                            dacc_round_phase(r));
    if (at != NULL) {
        const char *root;
        if (!json_is_object(at) || round_only(at, "size root", err) != DACC_OK ||
            round_integer(at, "size", 1, INT64_MAX, &size, err) != DACC_OK ||
            round_string(at, "root", 64, &root, err) != DACC_OK ||
            dacc_hex_decode(root, strlen(root), seed, 32, err) != DACC_OK)
            return DACC_ERR_INVALID;
        *has_seed = 1;
        dacc_status st = check_at(r, (uint64_t)size, seed, root, err);
        if (st != DACC_OK)
            return st;
    }
    if ((uint64_t)size < r->close_size[r->phase])
        return round_refuse(err, DACC_ERR_STATE,
                            "phase \"%s\" closes at log size %llu or later; at.size is %lld", phase,
                            (unsigned long long)r->close_size[r->phase], (long long)size);
    return DACC_OK;
}

/* round/admit: {"keys": [...]} by the operator makes more keys eligible
 * while the round is open (a config holds as many as fit in one log entry). */
static dacc_status admit(dacc_round *r, const dacc_round_event *ev, dacc_error *err)
{
    if (memcmp(ev->signer, r->operator_key, 32) != 0)
        return round_refuse(err, DACC_ERR_STATE, "only the round's operator admits keys");
    if (r->open)
        return round_refuse(err, DACC_ERR_STATE, "the round is open to anyone already");
    if (r->phase >= r->mech->nphases)
        return round_refuse(err, DACC_ERR_STATE, "round/admit after the round closed");
    if (round_only(ev->body, "keys", err) != DACC_OK)
        return DACC_ERR_INVALID;
    return admit_keys(r, json_object_get(ev->body, "keys"), "keys", err);
}

/* round/ring: {"add": [...], "remove": [...]} by the operator while the
 * round is open: the next version of the ring (anon.c). */
static dacc_status change_ring(dacc_round *r, const dacc_round_event *ev, dacc_error *err)
{
    if (memcmp(ev->signer, r->operator_key, 32) != 0)
        return round_refuse(err, DACC_ERR_STATE, "only the round's operator changes the ring");
    if (r->phase >= r->mech->nphases)
        return round_refuse(err, DACC_ERR_STATE, "round/ring after the round closed");
    /* a pseudonym's questions are drawn from its tag and the seed: a member
     * joining after the draw could choose its questions by choosing its key */
    if (strcmp(r->mech->name, "deepfund") == 0 && r->phase > 0 &&
        json_object_get(ev->body, "add") != NULL)
        return round_refuse(err, DACC_ERR_STATE,
                            "a deep-funding ring takes no new members once the questions are "
                            "drawn (a member who knew the seed could choose its questions)");
    return round_anon_ring_event(r->anon, ev->body, r->count, err);
}

/* Closes the open phase (seed NULL: the state hash seeds what the mechanism
 * draws). */
static dacc_status close_phase(dacc_round *r, const uint8_t *seed, dacc_error *err)
{
    round_view v = { r->id, r->operator_key, r->phase, NULL };
    dacc_status st = r->mech->close(r->mstate, &v, seed ? seed : r->hash, err);
    if (st == DACC_OK) {
        r->phase++;
        r->phase_events = 0;
    }
    return st;
}

/* The closed round body's "by_round" names, through the cite function:
 * apply still reads nothing but what it is given, and the log that orders
 * both rounds decides what the cited round's result was at this event. */
static dacc_status cite(const dacc_round *r, const json_t *body, json_t **out, dacc_error *err)
{
    const char *hex;
    uint8_t id[32];
    if (round_string(body, "by_round", 64, &hex, err) != DACC_OK || strlen(hex) != 64 ||
        dacc_hex_decode(hex, 64, id, 32, NULL) != DACC_OK)
        return round_refuse(err, DACC_ERR_INVALID, "field \"by_round\": expected a round id");
    if (memcmp(id, r->id, 32) == 0)
        return round_refuse(err, DACC_ERR_INVALID, "field \"by_round\": the round itself");
    if (r->log.cite == NULL)
        return round_refuse(err, DACC_ERR_STATE,
                            "the event cites round %.8s…, and this round has no log to find it in",
                            hex);
    dacc_status st = r->log.cite(r->log.ctx, id, out, err);
    if (st == DACC_ERR_NOTFOUND)
        return round_refuse(err, DACC_ERR_STATE, "round %.8s… is not in the log before this event",
                            hex);
    if (st == DACC_OK && !json_is_true(json_object_get(*out, "final"))) {
        json_decref(*out);
        *out = NULL;
        return round_refuse(err, DACC_ERR_STATE, "round %.8s… has not closed", hex);
    }
    return st;
}

void dacc_round_set_log(dacc_round *r, const dacc_round_log *log)
{
    if (log != NULL)
        r->log = *log;
    else
        memset(&r->log, 0, sizeof r->log);
}

/* round/result: {"sha256": hex} by the operator once every phase has
 * closed, the hash of the result the round computes: a result published
 * with the round is then checked by every replay, not only by those who
 * compare it by hand. */
static dacc_status attest(dacc_round *r, const dacc_round_event *ev, dacc_error *err)
{
    const char *hex;
    uint8_t want[32], got[32];
    char ghex[65];
    if (memcmp(ev->signer, r->operator_key, 32) != 0)
        return round_refuse(err, DACC_ERR_STATE, "only the round's operator attests its result");
    if (r->phase < r->mech->nphases)
        return round_refuse(err, DACC_ERR_STATE, "round/result before the round closed");
    if (r->attested)
        return round_refuse(err, DACC_ERR_STATE, "the round's result is attested already");
    if (round_only(ev->body, "sha256", err) != DACC_OK ||
        round_string(ev->body, "sha256", 64, &hex, err) != DACC_OK)
        return DACC_ERR_INVALID;
    if (strlen(hex) != 64 || dacc_hex_decode(hex, 64, want, 32, NULL) != DACC_OK)
        return round_refuse(err, DACC_ERR_INVALID, "field \"sha256\": expected 64 hex digits");
    dacc_status st = dacc_round_result_hash(r, got, err);
    if (st != DACC_OK)
        return st;
    if (memcmp(want, got, 32) != 0)
        return round_refuse(err, DACC_ERR_INVALID, "the round's result has SHA-256 %s, not %s",
                            dacc_hex_encode(got, 32, ghex), hex);
    r->attested = true;
    memcpy(r->result_hash, got, 32);
    return DACC_OK;
}

/* An anonymous event's proof, for its round and type: *ev's signer
 * becomes the pseudonym it proves. A token acts once. */
static dacc_status anon_admit(const dacc_round *r, dacc_round_event *ev, dacc_error *err)
{
    dacc_buf scope;
    dacc_buf_init(&scope, 0);
    dacc_status st = memcmp(ev->round, r->id, 32) == 0
                         ? dacc_round_anon_scope(r, ev->type, &scope, err)
                         : round_refuse(err, DACC_ERR_INVALID, "the event is for another round");
    if (st == DACC_ERR_UNSUPPORTED)
        st = round_refuse(err, DACC_ERR_INVALID, "%s cannot be sent anonymously", ev->type);
    if (st == DACC_OK)
        st = round_anon_check(r->anon, (const uint8_t *)scope.data, scope.len, ev, r->count,
                              ev->signer, err);
    dacc_buf_free(&scope);
    if (st == DACC_OK && ev->anon == DACC_ROUND_ANON_TOKEN &&
        (ev->seq != 1 || seq_last(&r->seqs, ev->signer) != 0))
        return round_refuse(err, DACC_ERR_STATE,
                            "already acted: this token was redeemed in the "
                            "round before (a token acts once)");
    return st;
}

static dacc_status apply_event(dacc_round *r, const dacc_round_event *ev, dacc_error *err)
{
    uint64_t expect = seq_last(&r->seqs, ev->signer) + 1;
    if (ev->is_config)
        return round_refuse(err, DACC_ERR_STATE, "the round has its config already");
    if (memcmp(ev->round, r->id, 32) != 0)
        return round_refuse(err, DACC_ERR_INVALID, "the event is for another round");
    if (ev->anon && ev->seq < expect)
        return round_refuse(err, DACC_ERR_STATE,
                            "already acted: the pseudonym's event %llu, where %llu comes next",
                            (unsigned long long)ev->seq, (unsigned long long)expect);
    if (ev->seq != expect)
        return round_refuse(err, DACC_ERR_STATE,
                            "the signer's event %llu, where %llu comes next (a replay, or an "
                            "earlier event missing)",
                            (unsigned long long)ev->seq, (unsigned long long)expect);
    dacc_status st = seq_reserve(&r->seqs, 1, err);
    if (st != DACC_OK)
        return st;
    if (strcmp(ev->type, "round/admit") == 0)
        return admit(r, ev, err);
    if (strcmp(ev->type, "round/ring") == 0)
        return change_ring(r, ev, err);
    if (strcmp(ev->type, "round/result") == 0)
        return attest(r, ev, err);
    if (strcmp(ev->type, "round/close") == 0) {
        uint8_t seed[32];
        int has_seed;
        st = check_close(r, ev, seed, &has_seed, err);
        if (st == DACC_OK)
            st = close_phase(r, has_seed ? seed : NULL, err);
        return st;
    }
    const round_action *a = find_action(r->mech, ev->type);
    st = check_action(r, ev, a, err);
    json_t *cited = NULL;
    if (st == DACC_OK && json_object_get(ev->body, "by_round") != NULL)
        st = cite(r, ev->body, &cited, err);
    round_view v = { r->id, r->operator_key, r->phase, cited };
    if (st == DACC_OK)
        st = r->mech->apply(r->mstate, &v, ev, err);
    json_decref(cited);
    return st;
}

dacc_status dacc_round_apply_event(dacc_round *r, const dacc_round_event *given, dacc_error *err)
{
    int was_round = strncmp(given->type, "round/", 6) == 0; /* admit, close: not the mechanism's */
    dacc_round_event copy = *given, *ev = &copy; /* shallow: the signer may become a pseudonym */
    dacc_status st = ev->anon ? anon_admit(r, ev, err) : DACC_OK;
    if (st == DACC_OK)
        st = apply_event(r, ev, err);
    if (st != DACC_OK) {
        char hex[9];
        dacc_error_prefix(err, "%s by %s%s…: ", ev->type, ev->anon ? "pseudonym " : "",
                          dacc_hex_encode(ev->signer, 4, hex));
        return st;
    }
    if (ev->anon == DACC_ROUND_ANON_TOKEN)
        round_anon_redeemed(r->anon);
    seq_set(&r->seqs, ev->signer, ev->seq);
    hash_step(r->hash, ev->hash, sizeof ev->hash);
    r->count++;
    r->phase_events += !was_round;
    /* A phase that closes after N events closes with the Nth; what it
     * draws is seeded by the state hash, which no single author chooses. */
    if (!was_round && r->phase < r->mech->nphases && r->close_events[r->phase] != 0 &&
        r->phase_events >= r->close_events[r->phase])
        return close_phase(r, NULL, err);
    return DACC_OK;
}

dacc_status dacc_round_apply(dacc_round *r, const void *envelope, size_t len, dacc_error *err)
{
    dacc_round_event ev;
    dacc_status st = dacc_round_event_decode("event", envelope, len, &ev, err);
    if (st != DACC_OK)
        return st;
    st = dacc_round_apply_event(r, &ev, err);
    dacc_round_event_clear(&ev);
    return st;
}

/* ---- views ---- */

static json_t *hex_string(const uint8_t *b, size_t n)
{
    char hex[2 * 64 + 1];
    return json_string(dacc_hex_encode(b, n, hex));
}

dacc_status dacc_round_state(const dacc_round *r, json_t **out, dacc_error *err)
{
    json_t *mine = NULL;
    dacc_status st = r->mech->state(r->mstate, &mine, err);
    if (st != DACC_OK)
        return st;
    json_t *o = json_object();
    json_object_set_new(o, "round", hex_string(r->id, 32));
    json_object_set_new(o, "mechanism", json_string(r->mech->name));
    json_object_set_new(o, "title", json_string(r->title));
    json_object_set_new(o, "operator", hex_string(r->operator_key, 32));
    json_object_set_new(o, "phase", json_string(dacc_round_phase(r)));
    json_object_set_new(o, "events", json_integer((json_int_t)r->count));
    json_object_set_new(o, "signers", json_integer((json_int_t)r->seqs.n));
    json_object_set_new(o, "state_hash", hex_string(r->hash, 32));
    if (r->attested)
        json_object_set_new(o, "attested_sha256", hex_string(r->result_hash, 32));
    if (r->anon != NULL)
        json_object_set_new(o, "anonymous", round_anon_state(r->anon, r->count));
    json_object_set_new(o, "state", mine);
    *out = o;
    return DACC_OK;
}

dacc_status dacc_round_participant(const dacc_round *r, const uint8_t key[DACC_ROUND_KEY_BYTES],
                                   json_t **out, dacc_error *err)
{
    json_t *mine = NULL;
    if (r->mech->participant != NULL) {
        dacc_status st = r->mech->participant(r->mstate, key, &mine, err);
        if (st != DACC_OK)
            return st;
    }
    json_t *o = json_object();
    json_object_set_new(o, "key", hex_string(key, 32));
    json_object_set_new(o, "operator", json_boolean(memcmp(key, r->operator_key, 32) == 0));
    json_object_set_new(o, "eligible", json_boolean(eligible(r, key)));
    json_object_set_new(o, "seq", json_integer((json_int_t)dacc_round_seq(r, key)));
    /* a key that acted without being eligible or the operator can only be
     * a pseudonym of an anonymous member */
    if (r->anon != NULL && dacc_round_seq(r, key) > 0 && !eligible(r, key) &&
        memcmp(key, r->operator_key, 32) != 0)
        json_object_set_new(o, "pseudonym", json_true());
    json_object_set_new(o, "phase", json_string(dacc_round_phase(r)));
    if (mine != NULL)
        json_object_set_new(o, "state", mine);
    *out = o;
    return DACC_OK;
}

dacc_status dacc_round_query(const dacc_round *r, const char *name, const json_t *args,
                             json_t **out, dacc_error *err)
{
    if (!json_is_object(args))
        return dacc_error_set(err, DACC_ERR_INVALID, "a query's arguments are a JSON object");
    if (r->mech->query == NULL)
        return dacc_error_set(err, DACC_ERR_UNSUPPORTED, "a %s round answers no queries",
                              r->mech->name);
    return r->mech->query(r->mstate, name, args, out, err);
}

dacc_status dacc_round_result_hash(const dacc_round *r, uint8_t out[DACC_SHA256_BYTES],
                                   dacc_error *err)
{
    json_t *res = NULL;
    dacc_status st = r->mech->result(r->mstate, &res, err);
    dacc_buf b;
    dacc_buf_init(&b, 0);
    if (st == DACC_OK)
        st = dacc_jcs_write(res, &b, err);
    if (st == DACC_OK)
        dacc_sha256(b.data, b.len, out);
    dacc_buf_free(&b);
    json_decref(res);
    return st;
}

dacc_status dacc_round_result(const dacc_round *r, json_t **out, dacc_error *err)
{
    json_t *res = NULL;
    dacc_status st = r->mech->result(r->mstate, &res, err);
    if (st != DACC_OK)
        return st;
    json_t *o = json_object();
    json_object_set_new(o, "round", hex_string(r->id, 32));
    json_object_set_new(o, "mechanism", json_string(r->mech->name));
    json_object_set_new(o, "phase", json_string(dacc_round_phase(r)));
    json_object_set_new(o, "final", json_boolean(r->phase >= r->mech->nphases));
    if (r->attested)
        json_object_set_new(o, "attested_sha256", hex_string(r->result_hash, 32));
    json_object_set_new(o, "result", res);
    *out = o;
    return DACC_OK;
}

uint64_t dacc_round_seq(const dacc_round *r, const uint8_t key[DACC_ROUND_KEY_BYTES])
{
    return seq_last(&r->seqs, key);
}

const char *const *dacc_round_phases_of(const char *mechanism, size_t *n)
{
    for (size_t i = 0; i < sizeof mechs / sizeof mechs[0]; i++)
        if (strcmp(mechs[i]->name, mechanism) == 0) {
            *n = mechs[i]->nphases;
            return mechs[i]->phases;
        }
    *n = 0;
    return NULL;
}

/* ---- anonymous events ---- */

const round_anon *round_anon_of(const dacc_round *r)
{
    return r->anon;
}

/* The actions a member may take anonymously, and what their tag is one per
 * member of: a deep-funding juror's answers and a donor's donations, the
 * round (one pseudonym a round, so drawn questions and COCM's clusters
 * work on it); a rater's ratings, the notes program's epoch, which spans
 * rounds. */
dacc_status dacc_round_anon_scope(const dacc_round *r, const char *type, dacc_buf *out,
                                  dacc_error *err)
{
    static const char domain[] = "dacc-round-anon-v1";
    static const char *const types[] = { "deepfund/answer", "pgf/donation", "notes/rating" };
    size_t i = 0;
    while (i < 3 && strcmp(types[i], type) != 0)
        i++;
    if (i == 3 || strncmp(type, r->mech->name, strlen(r->mech->name)) != 0 ||
        type[strlen(r->mech->name)] != '/')
        return dacc_error_set(err, DACC_ERR_UNSUPPORTED, "a %s round takes no anonymous %s events",
                              r->mech->name, type);
    if (i == 2 && r->epoch[0] == '\0')
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "anonymous ratings need the notes round's params to name an "
                              "\"epoch\"");
    dacc_status st = dacc_buf_append(out, domain, sizeof domain); /* with its NUL */
    if (st == DACC_OK)
        st = dacc_buf_append(out, type, strlen(type) + 1);
    if (st == DACC_OK)
        st = i == 2 ? dacc_buf_append(out, r->epoch, strlen(r->epoch))
                    : dacc_buf_append(out, r->id, sizeof r->id);
    if (st != DACC_OK)
        dacc_buf_free(out);
    return st == DACC_OK ? DACC_OK : dacc_error_set(err, st, "out of memory");
}

dacc_status dacc_round_anon_pseudonym(const dacc_round *r, const char *type, const uint8_t sk[32],
                                      uint8_t out[DACC_ROUND_KEY_BYTES], dacc_error *err)
{
    uint8_t h[DACC_ANON_POINT_BYTES];
    dacc_buf scope;
    dacc_buf_init(&scope, 0);
    dacc_status st = dacc_anon_scalar_check(sk, "secret key", err);
    if (st == DACC_OK)
        st = dacc_round_anon_scope(r, type, &scope, err);
    if (st == DACC_OK)
        st = dacc_anon_scope_point((const uint8_t *)scope.data, scope.len, h, err);
    if (st == DACC_OK && crypto_scalarmult_ristretto255(out, sk, h) != 0)
        st = dacc_error_set(err, DACC_ERR_INVALID, "the secret key is zero");
    dacc_buf_free(&scope);
    return st;
}
