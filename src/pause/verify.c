/* The soft-pause device verifier. For firmware: no heap, no stdio, no
 * global state; every buffer has a fixed maximum size; a refusal changes
 * nothing. It reuses tlog's heap-free note, checkpoint and proof code. */
#include <sodium.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/pause.h"

#define HB DACC_TLOG_HASH_BYTES

static const char *const reason_names[DACC_PAUSE_REASON_COUNT] = {
    "accepted",
    "replay of the current epoch",
    "malformed bundle",
    "malformed heartbeat",
    "malformed root",
    "malformed proof",
    "malformed checkpoint",
    "wrong domain",
    "wrong root",
    "root expired",
    "bad signature",
    "too few signatures",
    "not yet valid",
    "expired",
    "old epoch",
    "checkpoint not signed by the pause log",
    "unknown witness",
    "too few witness cosignatures",
    "old checkpoint",
    "bad inclusion proof",
    "root version is not the next one",
    "new root lacks the current root's threshold",
    "new root lacks its own threshold",
    "epoch too far ahead",
};

const char *dacc_pause_reason_name(dacc_pause_reason r)
{
    return (unsigned)r < DACC_PAUSE_REASON_COUNT ? reason_names[r] : "unknown reason";
}

static uint64_t earlier(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* ---- line parsing ---- */

typedef struct {
    const char *p, *end;
} cursor;

/* The next line (without its newline) if it starts with "key "; the value
 * goes to *v, *vl. */
static int field(cursor *c, const char *key, const char **v, size_t *vl)
{
    size_t kl = strlen(key);
    const char *nl = c->p < c->end ? memchr(c->p, '\n', (size_t)(c->end - c->p)) : NULL;
    if (nl == NULL || (size_t)(nl - c->p) <= kl || memcmp(c->p, key, kl) != 0 || c->p[kl] != ' ')
        return 0;
    *v = c->p + kl + 1;
    *vl = (size_t)(nl - *v);
    c->p = nl + 1;
    return 1;
}

static int number_field(cursor *c, const char *key, uint64_t *out)
{
    const char *v;
    size_t vl;
    return field(c, key, &v, &vl) && dacc_decimal_strict(v, vl, out);
}

static int header(cursor *c, const char *line)
{
    size_t n = strlen(line);
    if ((size_t)(c->end - c->p) <= n || memcmp(c->p, line, n) != 0 || c->p[n] != '\n')
        return 0;
    c->p += n + 1;
    return 1;
}

static int key_field(cursor *c, const char *key, uint8_t type, dacc_tlog_verifier *v)
{
    const char *s;
    size_t sl;
    return field(c, key, &s, &sl) && dacc_tlog_verifier_parse(s, sl, v, NULL) == DACC_OK &&
           v->type == type;
}

/* ---- roots ---- */

int dacc_pause_domain_valid(const char *d, size_t len)
{
    /* A name people compare by eye: no space, tab or control character can
     * make two different domains look alike, and an empty one names none. */
    if (len == 0 || len > DACC_PAUSE_DOMAIN_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)d[i] <= ' ' || (unsigned char)d[i] > '~')
            return 0;
    return 1;
}

static int parse_keys(cursor *c, dacc_pause_root *r)
{
    dacc_tlog_verifier v;
    while (r->nsigners < DACC_PAUSE_MAX_SIGNERS &&
           key_field(c, "signer", DACC_TLOG_KEY_ED25519, &v))
        r->signer[r->nsigners++] = v;
    if (!key_field(c, "log", DACC_TLOG_KEY_ED25519, &r->log))
        return 0;
    uint64_t wt;
    if (!number_field(c, "witness-threshold", &wt))
        return 0;
    r->witness_threshold =
        (unsigned)(wt <= DACC_PAUSE_MAX_WITNESSES ? wt : DACC_PAUSE_MAX_WITNESSES + 1);
    while (r->nwitnesses < DACC_PAUSE_MAX_WITNESSES &&
           key_field(c, "witness", DACC_TLOG_KEY_COSIGN, &v))
        r->witness[r->nwitnesses++] = v;
    return 1;
}

static int same_key(const dacc_tlog_verifier *a, const dacc_tlog_verifier *b)
{
    return a->type == b->type && strcmp(a->name, b->name) == 0 && memcmp(a->pk, b->pk, 32) == 0;
}

static int distinct_keys(const dacc_tlog_verifier *k, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < i; j++)
            if (memcmp(k[i].pk, k[j].pk, 32) == 0 || strcmp(k[i].name, k[j].name) == 0)
                return 0;
    return 1;
}

dacc_pause_reason dacc_pause_root_parse(const char *text, size_t len, dacc_pause_root *out)
{
    cursor c = { text, text + len };
    const char *d;
    size_t dl;
    uint64_t k;
    memset(out, 0, sizeof *out);
    if (!header(&c, "dacc-pause-root/v1") || !field(&c, "domain", &d, &dl) ||
        !dacc_pause_domain_valid(d, dl) || !number_field(&c, "version", &out->version) ||
        !number_field(&c, "expires", &out->expires) || !number_field(&c, "threshold", &k) ||
        !parse_keys(&c, out) || c.p != c.end)
        return DACC_PAUSE_MALFORMED_ROOT;
    memcpy(out->domain, d, dl);
    out->domain[dl] = '\0';
    /* k of N with k > N/2 would still let a minority pause; the root only
     * has to be coherent: 1 <= k <= N, witness threshold <= witnesses. */
    if (k == 0 || k > out->nsigners || out->witness_threshold > out->nwitnesses ||
        !distinct_keys(out->signer, out->nsigners) || !distinct_keys(out->witness, out->nwitnesses))
        return DACC_PAUSE_MALFORMED_ROOT;
    out->threshold = (unsigned)k;
    crypto_hash_sha256(out->hash, (const uint8_t *)text, len);
    return DACC_PAUSE_ACCEPTED;
}

/* Distinct keys of keys[0..n) whose valid signatures the note carries; -1
 * when a listed key's signature is invalid. */
static int count_signers(const dacc_tlog_note *note, const dacc_tlog_verifier *keys, unsigned n)
{
    size_t count = 0;
    dacc_status st = dacc_tlog_note_verify(note, keys, n, NULL, NULL, &count, NULL);
    if (st == DACC_OK)
        return (int)count;
    return st == DACC_ERR_NOTFOUND ? 0 : -1;
}

static dacc_pause_reason open_root(const char *note_text, size_t len, dacc_tlog_note *note,
                                   dacc_pause_root *root)
{
    if (len > DACC_PAUSE_NOTE_MAX || dacc_tlog_note_parse(note_text, len, note, NULL) != DACC_OK)
        return DACC_PAUSE_MALFORMED_ROOT;
    return dacc_pause_root_parse(note->text, note->text_len, root);
}

dacc_pause_reason dacc_pause_init(dacc_pause_state *state, const char *root_note, size_t len,
                                  uint64_t now)
{
    dacc_tlog_note note;
    dacc_pause_root root;
    dacc_pause_reason r = open_root(root_note, len, &note, &root);
    if (r != DACC_PAUSE_ACCEPTED)
        return r;
    int own = count_signers(&note, root.signer, root.nsigners);
    if (own < 0)
        return DACC_PAUSE_BAD_SIGNATURE;
    if ((unsigned)own < root.threshold)
        return DACC_PAUSE_ROOT_NEW_THRESHOLD;
    if (now > root.expires)
        return DACC_PAUSE_ROOT_EXPIRED;
    memset(state, 0, sizeof *state);
    state->root = root;
    return DACC_PAUSE_ACCEPTED;
}

dacc_pause_reason dacc_pause_rotate(dacc_pause_state *state, const char *root_note, size_t len,
                                    uint64_t now)
{
    dacc_tlog_note note;
    dacc_pause_root root;
    dacc_pause_reason r = open_root(root_note, len, &note, &root);
    if (r != DACC_PAUSE_ACCEPTED)
        return r;
    if (strcmp(root.domain, state->root.domain) != 0)
        return DACC_PAUSE_WRONG_DOMAIN;
    if (root.version != state->root.version + 1)
        return DACC_PAUSE_ROOT_VERSION;
    int old = count_signers(&note, state->root.signer, state->root.nsigners);
    int own = count_signers(&note, root.signer, root.nsigners);
    if (old < 0 || own < 0)
        return DACC_PAUSE_BAD_SIGNATURE;
    if ((unsigned)old < state->root.threshold)
        return DACC_PAUSE_ROOT_OLD_THRESHOLD;
    if ((unsigned)own < root.threshold)
        return DACC_PAUSE_ROOT_NEW_THRESHOLD;
    if (now > root.expires)
        return DACC_PAUSE_ROOT_EXPIRED;
    state->not_after = earlier(state->not_after, root.expires);
    /* The largest size seen is a fact about one log; a new log starts
     * small, and keeping the old size would refuse all of it. Old bundles
     * cannot come back through the reset: they name the old root. */
    if (!same_key(&root.log, &state->root.log))
        state->log_size = 0;
    state->root = root;
    return DACC_PAUSE_ACCEPTED;
}

/* ---- bundles ---- */

typedef struct {
    const char *heartbeat, *proof, *checkpoint;
    size_t heartbeat_len, proof_len, checkpoint_len;
} bundle_parts;

static int section(cursor *c, const char *key, const char **p, size_t *len)
{
    uint64_t n;
    if (!number_field(c, key, &n) || n > DACC_PAUSE_NOTE_MAX || n > (uint64_t)(c->end - c->p))
        return 0;
    *p = c->p;
    *len = (size_t)n;
    c->p += n;
    return 1;
}

static int split_bundle(const char *b, size_t len, bundle_parts *parts)
{
    cursor c = { b, b + len };
    return header(&c, "dacc-pause-bundle/v1") &&
           section(&c, "heartbeat", &parts->heartbeat, &parts->heartbeat_len) &&
           section(&c, "proof", &parts->proof, &parts->proof_len) &&
           section(&c, "checkpoint", &parts->checkpoint, &parts->checkpoint_len) && c.p == c.end;
}

dacc_pause_reason dacc_pause_heartbeat_parse(const char *text, size_t len, dacc_pause_heartbeat *hb)
{
    cursor c = { text, text + len };
    const char *d, *r;
    size_t dl, rl, got;
    memset(hb, 0, sizeof *hb);
    if (!header(&c, "dacc-pause-heartbeat/v1") || !field(&c, "domain", &d, &dl) ||
        !dacc_pause_domain_valid(d, dl) || !number_field(&c, "epoch", &hb->epoch) ||
        !number_field(&c, "not-before", &hb->not_before) ||
        !number_field(&c, "not-after", &hb->not_after) || !field(&c, "root", &r, &rl) ||
        c.p != c.end || hb->not_before > hb->not_after || hb->epoch == 0)
        return DACC_PAUSE_MALFORMED_HEARTBEAT;
    if (dacc_base64_decode(r, rl, hb->root, HB, &got, NULL) != DACC_OK || got != HB)
        return DACC_PAUSE_MALFORMED_HEARTBEAT;
    memcpy(hb->domain, d, dl);
    hb->domain[dl] = '\0';
    return DACC_PAUSE_ACCEPTED;
}

dacc_pause_reason dacc_pause_heartbeat_verify(const dacc_pause_root *root, const char *note_text,
                                              size_t len, dacc_pause_heartbeat *hb)
{
    dacc_tlog_note note;
    if (len > DACC_PAUSE_NOTE_MAX || dacc_tlog_note_parse(note_text, len, &note, NULL) != DACC_OK ||
        dacc_pause_heartbeat_parse(note.text, note.text_len, hb) != DACC_PAUSE_ACCEPTED)
        return DACC_PAUSE_MALFORMED_HEARTBEAT;
    if (strcmp(hb->domain, root->domain) != 0)
        return DACC_PAUSE_WRONG_DOMAIN;
    if (sodium_memcmp(hb->root, root->hash, HB) != 0)
        return DACC_PAUSE_WRONG_ROOT;
    int k = count_signers(&note, root->signer, root->nsigners);
    if (k < 0)
        return DACC_PAUSE_BAD_SIGNATURE;
    if ((unsigned)k < root->threshold)
        return DACC_PAUSE_SHORT_SIGNATURES;
    return DACC_PAUSE_ACCEPTED;
}

/* The checks that depend on the device's time and epoch (steps 6-7 of
 * docs/pause.md), for a heartbeat of its root. */
static dacc_pause_reason check_current(const dacc_pause_state *st, const dacc_pause_heartbeat *hb,
                                       uint64_t now)
{
    if (now > st->root.expires)
        return DACC_PAUSE_ROOT_EXPIRED;
    if (now < hb->not_before)
        return DACC_PAUSE_NOT_YET_VALID;
    if (now > hb->not_after)
        return DACC_PAUSE_EXPIRED;
    if (hb->epoch < st->epoch)
        return DACC_PAUSE_OLD_EPOCH;
    /* Epochs have no upper end but 2^63: one heartbeat at 2^63 - 1 (or a
     * typo) would leave no later epoch and stop the fleet for good. */
    if (hb->epoch - st->epoch > DACC_PAUSE_EPOCH_STEP_MAX)
        return DACC_PAUSE_EPOCH_TOO_FAR;
    return DACC_PAUSE_ACCEPTED;
}

static int has_unknown_cosigner(const dacc_tlog_note *note, const dacc_pause_root *root)
{
    for (size_t i = 0; i < note->nsigs; i++) {
        const dacc_tlog_sig *s = &note->sigs[i];
        int known = strlen(root->log.name) == s->name_len &&
                    memcmp(root->log.name, s->name, s->name_len) == 0;
        for (unsigned j = 0; j < root->nwitnesses && !known; j++)
            known = strlen(root->witness[j].name) == s->name_len &&
                    memcmp(root->witness[j].name, s->name, s->name_len) == 0 &&
                    root->witness[j].id == s->id;
        if (!known)
            return 1;
    }
    return 0;
}

/* Publication checks (steps 8-11): the checkpoint, its witnesses, and the
 * heartbeat's inclusion. */
static dacc_pause_reason check_published(const dacc_pause_state *st, const bundle_parts *b,
                                         uint64_t *log_size)
{
    dacc_tlog_note note;
    dacc_tlog_checkpoint cp;
    if (dacc_tlog_note_parse(b->checkpoint, b->checkpoint_len, &note, NULL) != DACC_OK ||
        dacc_tlog_checkpoint_parse(note.text, note.text_len, &cp, NULL) != DACC_OK ||
        strcmp(cp.origin, st->root.log.name) != 0)
        return DACC_PAUSE_MALFORMED_CHECKPOINT;
    int signed_by_log = count_signers(&note, &st->root.log, 1);
    if (signed_by_log < 0)
        return DACC_PAUSE_BAD_SIGNATURE;
    if (signed_by_log == 0)
        return DACC_PAUSE_CHECKPOINT_NOT_SIGNED;
    int w = st->root.nwitnesses ? count_signers(&note, st->root.witness, st->root.nwitnesses) : 0;
    if (w < 0)
        return DACC_PAUSE_BAD_SIGNATURE;
    if ((unsigned)w < st->root.witness_threshold)
        return has_unknown_cosigner(&note, &st->root) ? DACC_PAUSE_UNKNOWN_WITNESS
                                                      : DACC_PAUSE_SHORT_WITNESSES;
    if (cp.size < st->log_size)
        return DACC_PAUSE_OLD_CHECKPOINT;
    dacc_tlog_proof proof;
    if (dacc_tlog_proof_parse("proof", b->proof, b->proof_len, &proof, NULL) != DACC_OK ||
        proof.consistency || proof.size != cp.size)
        return DACC_PAUSE_MALFORMED_PROOF;
    uint8_t leaf[HB];
    dacc_tlog_leaf_hash(b->heartbeat, b->heartbeat_len, leaf);
    if (dacc_tlog_verify_inclusion(leaf, proof.a, proof.size, (const uint8_t(*)[HB])proof.hash,
                                   proof.n, cp.root) != DACC_OK)
        return DACC_PAUSE_BAD_PROOF;
    *log_size = cp.size;
    return DACC_PAUSE_ACCEPTED;
}

dacc_pause_reason dacc_pause_verify(dacc_pause_state *state, const char *bundle, size_t len,
                                    uint64_t now)
{
    bundle_parts b;
    dacc_pause_heartbeat hb;
    uint64_t log_size = 0;
    if (!split_bundle(bundle, len, &b))
        return DACC_PAUSE_MALFORMED_BUNDLE;
    dacc_pause_reason r =
        dacc_pause_heartbeat_verify(&state->root, b.heartbeat, b.heartbeat_len, &hb);
    if (r == DACC_PAUSE_ACCEPTED)
        r = check_current(state, &hb, now);
    if (r == DACC_PAUSE_ACCEPTED)
        r = check_published(state, &b, &log_size);
    if (r != DACC_PAUSE_ACCEPTED)
        return r;
    if (hb.epoch == state->epoch)
        return DACC_PAUSE_REPLAY;
    state->epoch = hb.epoch;
    /* The root said no heartbeat counts after its expiry, so the
     * permission it grants cannot outlive it either. */
    state->not_after = earlier(hb.not_after, state->root.expires);
    state->log_size = log_size;
    return DACC_PAUSE_ACCEPTED;
}

uint64_t dacc_pause_runs_until(const dacc_pause_state *state)
{
    /* Also bounded here, not only on acceptance, so that a state saved
     * by an older verifier cannot run past its root. */
    return state->epoch > 0 ? earlier(state->not_after, state->root.expires) : 0;
}

dacc_pause_decision dacc_pause_check(const dacc_pause_state *state, uint64_t now)
{
    return state->epoch > 0 && now <= dacc_pause_runs_until(state) ? DACC_PAUSE_RUN
                                                                   : DACC_PAUSE_HALT;
}
