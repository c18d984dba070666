/* The node as a witness (c2sp.org/tlog-witness): POST /add-checkpoint
 * cosigns a known log's checkpoint when it is consistent with the last one
 * this witness cosigned for that log. The decision is the library's
 * (dacc_tlog_witness_add); here are the keys, the state (per log, the text
 * of the last cosigned checkpoint), and the lock that makes reading the
 * state and replacing it one step, so two requests cannot roll a log back.
 *
 * A node on PostgreSQL (--store) keeps the state in its log's database,
 * table witnessed, read and replaced in one of the log's write
 * transactions: every node of the log is then one witness with one state
 * (two nodes behind a load balancer, each with a file of its own, could
 * each be walked back to a different fork), and the state is backed up
 * and restored with the log. A SQLite node keeps a file per log,
 * DIR/witness/<origin hash>; a PostgreSQL node that has no row for a log
 * yet takes that file's state, once, so that moving a witness to a
 * database cannot roll it back. */
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

static dacc_status note_row(void *ctx, size_t ncols, const char *const *v, const size_t *lens,
                            dacc_error *err)
{
    dacc_buf *b = ctx;
    if (ncols < 1 || v[0] == NULL)
        return DACC_OK;
    b->len = 0;
    return dacc_buf_append(b, v[0], lens[0]) == DACC_OK && dacc_buf_append(b, "", 1) == DACC_OK
               ? DACC_OK
               : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

/* The state of origin's log: *stored NULL when there is none. From the
 * database (in its transaction) or the file. */
static dacc_status state_read(dacc_node *n, const char *origin, const char *path, char **stored,
                              size_t *len, dacc_error *err)
{
    *stored = NULL, *len = 0;
    if (n->shared != NULL) {
        dacc_buf b;
        dacc_buf_init(&b, 0);
        const char *params[1] = { origin };
        dacc_status st =
            dacc_tlog_log_sql(n->rl.log, "SELECT note FROM witnessed WHERE origin = $1", 1, params,
                              note_row, &b, err);
        if (st == DACC_OK && b.len > 0) {
            *len = b.len - 1;
            *stored = dacc_buf_detach(&b, NULL);
            return DACC_OK;
        }
        dacc_buf_free(&b);
        if (st != DACC_OK)
            return st;
    }
    dacc_status st = dacc_file_read(path, 1u << 16, stored, len, err);
    if (st != DACC_OK && errno == ENOENT) {
        *stored = NULL, *len = 0;
        return DACC_OK;
    }
    return st;
}

static dacc_status state_write(dacc_node *n, const char *origin, const char *path, const char *text,
                               size_t len, dacc_error *err)
{
    if (n->shared == NULL)
        return dacc_file_write(path, text, len, err);
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    memcpy(copy, text, len);
    copy[len] = '\0';
    const char *params[2] = { origin, copy };
    dacc_status st = dacc_tlog_log_sql(n->rl.log,
                                       "INSERT INTO witnessed(origin, note) VALUES ($1, $2) "
                                       "ON CONFLICT (origin) DO UPDATE SET note = excluded.note, "
                                       "at = now()",
                                       2, params, NULL, NULL, err);
    free(copy);
    return st;
}

/* Under the witness lock (and, on a database, in one of the log's write
 * transactions, which serialise every node of the log): the state read,
 * the decision, the new state durable before the answer. */
static void add_locked(dacc_node *n, const char *origin, const dacc_tlog_verifier *log,
                       const dacc_tlog_witness_request *r, const char *path, node_answer *a)
{
    char *stored = NULL, line[DACC_TLOG_KEY_TEXT_MAX];
    size_t stored_len = 0;
    uint64_t latest = 0;
    dacc_error err;
    if (state_read(n, origin, path, &stored, &stored_len, &err) != DACC_OK) {
        node_problem_from(a, &err, "the witness's state cannot be read");
        return;
    }
    unsigned http = dacc_tlog_witness_add(&n->witness, log, stored, stored_len, r,
                                          (uint64_t)time(NULL), line, &latest, &err);
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
    if (state_write(n, origin, path, note.text, note.text_len, &err) != DACC_OK) {
        node_problem_from(a, &err, "the witness's state cannot be kept: not cosigned");
        return;
    }
    node_bytes(a, 200, "text/plain; charset=utf-8", line, strlen(line), "no-store");
}

/* add_locked inside a transaction of the log's database: its answer
 * stands only once the new state has committed. */
static void add_in_database(dacc_node *n, const char *origin, const dacc_tlog_verifier *log,
                            const dacc_tlog_witness_request *r, const char *path, node_answer *a)
{
    dacc_error err;
    pthread_mutex_lock(&n->store);
    if (dacc_tlog_log_begin(n->rl.log, &err) != DACC_OK) {
        pthread_mutex_unlock(&n->store);
        node_problem(a, 503, "the witness's state cannot be read", dacc_error_message(&err), NULL);
        return;
    }
    add_locked(n, origin, log, r, path, a);
    if (a->status != 200) {
        dacc_tlog_log_rollback(n->rl.log);
    } else if (dacc_tlog_log_commit(n->rl.log, &err) != DACC_OK) {
        free(a->body);
        node_problem(a, 503, "the witness's state cannot be kept: not cosigned",
                     dacc_error_message(&err), NULL);
    }
    pthread_mutex_unlock(&n->store);
}

bool node_witness_cosigned(dacc_node *n, const char *origin, uint64_t *size)
{
    char path[4096], *stored;
    size_t len;
    state_path(n, origin, path, sizeof path);
    pthread_mutex_lock(&n->wlock);
    if (n->shared != NULL)
        pthread_mutex_lock(&n->store);
    bool have = state_read(n, origin, path, &stored, &len, NULL) == DACC_OK && stored != NULL;
    if (n->shared != NULL)
        pthread_mutex_unlock(&n->store);
    pthread_mutex_unlock(&n->wlock);
    dacc_tlog_checkpoint cp;
    have = have && dacc_tlog_checkpoint_parse(stored, len, &cp, NULL) == DACC_OK;
    if (have)
        *size = cp.size;
    free(stored);
    return have;
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
    if (n->shared != NULL)
        add_in_database(n, origin, log, &r, path, a);
    else
        add_locked(n, origin, log, &r, path, a);
    pthread_mutex_unlock(&n->wlock);
}
