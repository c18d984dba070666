/* The node as a witness (c2sp.org/tlog-witness): POST /add-checkpoint
 * cosigns a known log's checkpoint when it is consistent with the last one
 * this witness cosigned for that log. The decision is the library's
 * (dacc_tlog_witness_add); here are the keys, the state files (one per
 * log: the text of the last cosigned checkpoint, DIR/witness/<origin
 * hash>), and the lock that makes reading the state and replacing it one
 * step, so two requests cannot roll a log back. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "../cli/log_keys.h"
#include "dacc/codec.h"
#include "dacc/file.h"
#include "internal.h"

dacc_status node_witness_open(dacc_node *n, dacc_error *err)
{
    pthread_mutex_init(&n->wlock, NULL);
    if (n->o.witness_key == NULL)
        return n->o.nwitness_logs == 0
                   ? DACC_OK
                   : dacc_error_set(err, DACC_ERR_INVALID, "--witness-log needs --witness-key");
    dacc_status st = load_signer(n->o.witness_key, &n->witness, err);
    if (st == DACC_OK && n->witness.v.type != DACC_TLOG_KEY_COSIGN)
        st = dacc_error_at(err, DACC_ERR_INVALID, n->o.witness_key, 0, 0,
                           "not a witness key (make one with dacc log keygen --cosign)");
    for (size_t i = 0; st == DACC_OK && i < n->o.nwitness_logs; i++)
        st = load_verifier(n->o.witness_logs[i], &n->logs[n->nlogs++], err);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/witness", n->o.data);
    if (st == DACC_OK && mkdir(dir, 0700) != 0 && errno != EEXIST)
        st = dacc_error_at(err, DACC_ERR_IO, dir, 0, 0, "%s", strerror(errno));
    n->witnessing = st == DACC_OK;
    return st;
}

static void state_path(const dacc_node *n, const char *origin, char *out, size_t cap)
{
    uint8_t h[DACC_SHA256_BYTES];
    char hex[2 * DACC_SHA256_BYTES + 1];
    dacc_sha256(origin, strlen(origin), h);
    snprintf(out, cap, "%s/witness/%s", n->o.data, dacc_hex_encode(h, 16, hex));
}

static const dacc_tlog_verifier *known_log(const dacc_node *n, const char *origin)
{
    for (size_t i = 0; i < n->nlogs; i++)
        if (strcmp(n->logs[i].name, origin) == 0)
            return &n->logs[i];
    return NULL;
}

/* The checkpoint's origin, before anything is verified: to find its key. */
static bool origin_of(const dacc_tlog_witness_request *r, char *origin, size_t cap)
{
    dacc_tlog_note note;
    dacc_tlog_checkpoint cp;
    if (dacc_tlog_note_parse(r->note, r->note_len, &note, NULL) != DACC_OK ||
        dacc_tlog_checkpoint_parse(note.text, note.text_len, &cp, NULL) != DACC_OK)
        return false;
    snprintf(origin, cap, "%s", cp.origin);
    return true;
}

/* Under the witness lock: the state read, the decision, the new state
 * durable before the answer. */
static void add_locked(dacc_node *n, const dacc_tlog_verifier *log,
                       const dacc_tlog_witness_request *r, const char *path, node_answer *a)
{
    char *stored = NULL, line[DACC_TLOG_KEY_TEXT_MAX];
    size_t stored_len = 0;
    uint64_t latest = 0;
    dacc_error err;
    dacc_status st = dacc_file_read(path, 1u << 16, &stored, &stored_len, &err);
    if (st != DACC_OK && errno != ENOENT) {
        node_problem_from(a, &err, "the witness's state cannot be read");
        return;
    }
    unsigned http = dacc_tlog_witness_add(&n->witness, log, st == DACC_OK ? stored : NULL,
                                          stored_len, r, (uint64_t)time(NULL), line, &latest, &err);
    free(stored);
    if (http == 409) {
        char size[32];
        int len = snprintf(size, sizeof size, "%" PRIu64 "\n", latest);
        node_bytes(a, 409, "text/x.tlog.size", size, (size_t)len, "no-store");
        return;
    }
    if (http != 200) {
        node_problem(a, http, "not cosigned", dacc_error_message(&err), NULL);
        return;
    }
    dacc_tlog_note note;
    dacc_tlog_note_parse(r->note, r->note_len, &note, NULL);
    if (dacc_file_write(path, note.text, note.text_len, &err) != DACC_OK) {
        node_problem_from(a, &err, "the witness's state cannot be kept: not cosigned");
        return;
    }
    node_bytes(a, 200, "text/plain; charset=utf-8", line, strlen(line), "no-store");
}

void node_add_checkpoint(dacc_node *n, const char *body, size_t len, node_answer *a)
{
    if (!n->witnessing) {
        node_problem(a, 404, "this node is not a witness", NULL, NULL);
        return;
    }
    dacc_tlog_witness_request r;
    dacc_error err;
    char origin[DACC_TLOG_NAME_MAX + 1], path[4096];
    if (dacc_tlog_witness_request_parse(body, len, &r, &err) != DACC_OK) {
        node_problem(a, 400, "not an add-checkpoint body", dacc_error_message(&err), NULL);
        return;
    }
    if (!origin_of(&r, origin, sizeof origin)) {
        node_problem(a, 400, "not a checkpoint note", NULL, NULL);
        return;
    }
    const dacc_tlog_verifier *log = known_log(n, origin);
    if (log == NULL) {
        node_problem(a, 404, "unknown log", origin, NULL);
        return;
    }
    state_path(n, origin, path, sizeof path);
    pthread_mutex_lock(&n->wlock);
    add_locked(n, log, &r, path, a);
    pthread_mutex_unlock(&n->wlock);
}
