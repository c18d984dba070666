/* The node's own checkpoints, cosigned: a thread that, whenever the log
 * has grown, sends each witness of --witness its add-checkpoint request
 * (c2sp.org/tlog-witness) with the consistency proof from the size that
 * witness last cosigned, checks the cosignature against the witness's key,
 * and keeps the checkpoint with every valid cosignature for /checkpoint.
 * A witness that is down or refuses only leaves its line out; appends never
 * wait for witnesses. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../cli/log_keys.h"
#include "dacc/mem.h"
#include "internal.h"

dacc_status node_cosign_add(dacc_node *n, const char *spec, dacc_error *err)
{
    const char *eq = strrchr(spec, '=');
    if (eq == NULL || eq == spec || n->npeers == NODE_MAX_WITNESSES)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "--witness: expected URL=WITNESS.pub (at most %d), got %s",
                              NODE_MAX_WITNESSES, spec);
    node_peer *p = &n->peers[n->npeers];
    snprintf(p->url, sizeof p->url, "%.*s", (int)(eq - spec), spec);
    dacc_status st = load_verifier(eq + 1, &p->key, err);
    if (st == DACC_OK && p->key.type != DACC_TLOG_KEY_COSIGN)
        st = dacc_error_set(err, DACC_ERR_INVALID, "%s: not a witness (cosignature) key", eq + 1);
    if (st == DACC_OK)
        n->npeers++;
    return st;
}

static long post(const char *base, const char *body, size_t len, dacc_buf *answer)
{
    char url[600];
    long status = 0;
    snprintf(url, sizeof url, "%s/add-checkpoint", base);
    return cli_http_post(url, "text/plain", body, len, 1u << 16, 10, &status, answer, NULL) ==
                   DACC_OK
               ? status
               : 0;
}

/* The request for the checkpoint note of size, from old (the proof read
 * under the store lock); false when it cannot be built. */
static bool request(dacc_node *n, const char *note, size_t note_len, uint64_t old, uint64_t size,
                    dacc_buf *out)
{
    dacc_tlog_witness_request r = { .old = old, .note = note, .note_len = note_len };
    if (old > 0 && old < size) {
        pthread_mutex_lock(&n->store);
        dacc_status st =
            dacc_tlog_prove_consistency(dacc_tlog_log_hash, n->rl.log, old, size, r.proof, &r.n);
        pthread_mutex_unlock(&n->store);
        if (st != DACC_OK)
            return false;
    }
    if (dacc_buf_reserve(out, note_len + 64 + DACC_TLOG_WITNESS_MAX_PROOF * 46) != DACC_OK)
        return false;
    out->len = dacc_tlog_witness_request_format(&r, out->data, out->cap);
    return out->len > 0;
}

/* An honest log's witnesses never refuse it: worth a line even when
 * quiet (once per witness and checkpoint), with the witness's reason. */
static void refused(const node_peer *p, uint64_t size, long status, const dacc_buf *answer)
{
    json_t *doc = answer->data ? json_loadb(answer->data, answer->len, 0, NULL) : NULL;
    const char *title = json_string_value(json_object_get(doc, "title"));
    const char *detail = json_string_value(json_object_get(doc, "detail"));
    fprintf(stderr, "dacc serve: the witness %s refused the checkpoint of size %llu: %ld %s%s%s\n",
            p->url, (unsigned long long)size, status, title ? title : "(no reason given)",
            detail ? ": " : "", detail ? detail : "");
    json_decref(doc);
}

/* What a witness made of a checkpoint: a cosignature, nothing, or a
 * newer checkpoint of this log cosigned already (another node of the log
 * asked for it meanwhile: this one is stale, not refused). */
typedef enum { ASK_COSIGNED, ASK_NOT, ASK_STALE } ask_outcome;

/* One witness's cosignature line for the note, checked, into lines. */
static ask_outcome ask(dacc_node *n, node_peer *p, const char *note, size_t note_len, uint64_t size,
                       dacc_buf *lines)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        dacc_buf body, answer;
        dacc_buf_init(&body, 0);
        dacc_buf_init(&answer, 0);
        long status = request(n, note, note_len, p->size, size, &body)
                          ? post(p->url, body.data, body.len, &answer)
                          : 0;
        if (status == 409 && answer.data != NULL) /* it knows another size: once more */
            p->size = strtoull(answer.data, NULL, 10);
        if (status == 409 && p->size > size) {
            dacc_buf_free(&body);
            dacc_buf_free(&answer);
            return ASK_STALE;
        }
        if (status >= 400 && status != 409 && p->refused != size) {
            refused(p, size, status, &answer);
            p->refused = size;
        }
        bool ok = status == 200 && answer.len > 0;
        dacc_tlog_note parsed;
        size_t count = 0;
        dacc_buf whole;
        dacc_buf_init(&whole, 0);
        if (ok && dacc_buf_append(&whole, note, note_len) == DACC_OK &&
            dacc_buf_append(&whole, answer.data, answer.len) == DACC_OK &&
            dacc_tlog_note_parse(whole.data, whole.len, &parsed, NULL) == DACC_OK &&
            dacc_tlog_note_verify(&parsed, &p->key, 1, NULL, NULL, &count, NULL) == DACC_OK &&
            count == 1) {
            p->size = size;
            ok = dacc_buf_append(lines, answer.data, answer.len) == DACC_OK;
        } else {
            ok = false;
        }
        dacc_buf_free(&whole);
        dacc_buf_free(&body);
        dacc_buf_free(&answer);
        if (status != 409 || ok)
            return ok ? ASK_COSIGNED : ASK_NOT;
    }
    return ASK_NOT;
}

/* The latest checkpoint and the size it signs, read together: the size is
 * the note's own, never the log handle's, which on a node sharing its log
 * lags the database's latest checkpoint until the node follows the
 * integrator's appends (a request for one size with the note of another
 * is refused by every witness, and the cosigned note is then never the
 * one /checkpoint serves). */
static bool cosign_once(dacc_node *n)
{
    node_checkpoint c;
    pthread_mutex_lock(&n->store);
    dacc_status st = node_checkpoint_read(n, &c, NULL);
    pthread_mutex_unlock(&n->store);
    if (st != DACC_OK)
        return false;
    char *note = c.note;
    size_t len = c.len;
    uint64_t size = c.cp.size;
    dacc_buf lines;
    dacc_buf_init(&lines, 0);
    unsigned count = 0;
    bool stale = false;
    for (size_t i = 0; i < n->npeers && !stale; i++) {
        ask_outcome o = ask(n, &n->peers[i], note, len, size, &lines);
        count += o == ASK_COSIGNED;
        stale = o == ASK_STALE;
    }
    dacc_buf whole;
    dacc_buf_init(&whole, 0);
    /* with --witness-threshold, a newer checkpoint fewer witnesses cosigned
     * (one was down, or busy) does not replace one enough did: the node
     * goes on serving that one rather than none */
    if (count > 0 && count >= n->o.witness_threshold &&
        dacc_buf_append(&whole, note, len) == DACC_OK &&
        dacc_buf_append(&whole, lines.data, lines.len) == DACC_OK) {
        pthread_mutex_lock(&n->cosigned_lock);
        free(n->cosigned);
        n->cosigned = dacc_buf_detach(&whole, &n->cosigned_len);
        n->cosigned_size = size;
        pthread_mutex_unlock(&n->cosigned_lock);
    }
    dacc_buf_free(&whole);
    dacc_buf_free(&lines);
    free(note);
    return stale;
}

/* A node sharing its log with others may find that a witness cosigned a
 * newer checkpoint for another node meanwhile: it reads the latest again
 * (committed, since a witness saw it) and asks for that, a few times. */
static void cosign_latest(dacc_node *n)
{
    for (int round = 0; round < 4 && cosign_once(n); round++)
        ;
}

static void *run(void *arg)
{
    dacc_node *n = arg;
    uint64_t done = UINT64_MAX;
    for (;;) {
        pthread_mutex_lock(&n->cosign_lock);
        while (!n->cosign_stop && n->grown == done)
            pthread_cond_wait(&n->cosign_cond, &n->cosign_lock);
        bool stop = n->cosign_stop;
        done = n->grown;
        pthread_mutex_unlock(&n->cosign_lock);
        if (stop)
            return NULL;
        cosign_latest(n);
    }
}

void node_cosign_grown(dacc_node *n)
{
    if (n->npeers == 0)
        return;
    pthread_mutex_lock(&n->cosign_lock);
    n->grown++;
    pthread_cond_signal(&n->cosign_cond);
    pthread_mutex_unlock(&n->cosign_lock);
}

dacc_status node_cosign_start(dacc_node *n, dacc_error *err)
{
    pthread_mutex_init(&n->cosign_lock, NULL);
    pthread_mutex_init(&n->cosigned_lock, NULL);
    pthread_cond_init(&n->cosign_cond, NULL);
    n->cosign_ready = true;
    if (n->npeers == 0)
        return DACC_OK;
    if (pthread_create(&n->cosigner, NULL, run, n) != 0)
        return dacc_error_set(err, DACC_ERR_NOMEM, "cannot start the cosigning thread");
    n->cosigner_started = true;
    node_cosign_grown(n); /* the checkpoint the node starts with */
    return DACC_OK;
}

void node_cosign_stop(dacc_node *n)
{
    if (!n->cosign_ready)
        return;
    if (n->cosigner_started) {
        pthread_mutex_lock(&n->cosign_lock);
        n->cosign_stop = true;
        pthread_cond_signal(&n->cosign_cond);
        pthread_mutex_unlock(&n->cosign_lock);
        pthread_join(n->cosigner, NULL);
    }
    free(n->cosigned);
    pthread_cond_destroy(&n->cosign_cond);
    pthread_mutex_destroy(&n->cosigned_lock);
    pthread_mutex_destroy(&n->cosign_lock);
    n->cosign_ready = false;
}

bool node_cosigned(dacc_node *n, uint64_t size, node_answer *a)
{
    pthread_mutex_lock(&n->cosigned_lock);
    bool have = n->cosigned != NULL && n->cosigned_size == size;
    if (have)
        node_bytes(a, 200, "text/plain; charset=utf-8", n->cosigned, n->cosigned_len, "no-cache");
    pthread_mutex_unlock(&n->cosigned_lock);
    return have;
}
