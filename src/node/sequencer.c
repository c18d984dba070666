/* Group commit: one thread takes every queued event at once and appends
 * them in one log transaction under one signed checkpoint, so that many
 * writers pay for one fsync. An event its round refuses is answered with
 * the refusal and left out, and the rest are appended without it; each
 * caller is answered only when its own event is durable.
 *
 * Several nodes on one PostgreSQL database (--store) work the same way
 * with one more step: each node's sequencer thread hands its events over
 * to the database (the pending table, one insert per batch), and exactly
 * one node at a time, the one holding the sequencer's advisory lock,
 * integrates them: it takes the pending rows in order, appends them as
 * above, and in the same transaction deletes them and records each
 * outcome in the results table, so that an event is integrated once or
 * not at all whoever dies when. LISTEN/NOTIFY wakes the integrator when
 * events are pending and every node when outcomes are written; each node
 * then answers its own callers, a 201 with the receipt built from the
 * durable checkpoint. When the integrator dies its session ends, the lock
 * is free, and the next node to take it carries on from the database. */
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "dacc/codec.h"
#include "internal.h"

void node_job_free(node_job *job)
{
    if (job == NULL)
        return;
    free(job->env);
    free(job->body);
    dacc_round_event_clear(&job->ev);
    free(job);
}

bool node_enqueue(dacc_node *n, node_job *job)
{
    pthread_mutex_lock(&n->qlock);
    bool ok = !n->stopping;
    if (ok) {
        job->next = NULL;
        if (n->tail)
            n->tail->next = job;
        else
            n->head = job;
        n->tail = job;
        n->queued++;
        pthread_cond_signal(&n->qcond);
    }
    pthread_mutex_unlock(&n->qlock);
    return ok;
}

/* Up to max queued jobs, in arrival order; 0 once stopping with none left. */
static size_t take(dacc_node *n, node_job **jobs, size_t max)
{
    pthread_mutex_lock(&n->qlock);
    while (n->head == NULL && !n->stopping)
        pthread_cond_wait(&n->qcond, &n->qlock);
    size_t k = 0;
    while (n->head != NULL && k < max) {
        jobs[k++] = n->head;
        n->head = n->head->next;
        n->queued--;
    }
    if (n->head == NULL)
        n->tail = NULL;
    pthread_mutex_unlock(&n->qlock);
    return k;
}

static void answer(node_job *job, const node_answer *a)
{
    job->status = a->status;
    job->body = a->body;
    job->body_len = a->len;
    job->problem = strcmp(a->type, "application/problem+json") == 0;
}

static void refuse(node_job *job, const dacc_error *err, const char *title)
{
    node_answer a;
    node_problem_from(&a, err, title);
    answer(job, &a);
}

/* A round's refusal of one event: the kinds of error apply gives, as
 * opposed to the store failing (I/O, memory), which fails them all. */
static bool is_refusal(dacc_status st)
{
    return st == DACC_ERR_INVALID || st == DACC_ERR_STATE || st == DACC_ERR_VERIFY ||
           st == DACC_ERR_NOTFOUND || st == DACC_ERR_PARSE || st == DACC_ERR_RANGE ||
           st == DACC_ERR_LIMIT;
}

static void receipts(dacc_node *n, node_job **jobs, size_t k, uint64_t first)
{
    for (size_t i = 0; i < k; i++) {
        dacc_error err;
        json_t *r = node_receipt(n, first + i, &err);
        node_answer a;
        if (r == NULL)
            node_problem(&a, 500, "the event is logged but its receipt failed",
                         dacc_error_message(&err), NULL);
        else
            node_json(&a, 201, r);
        answer(jobs[i], &a);
    }
}

/* The sequencer's scratch, allocated once for the largest batch. */
typedef struct {
    node_job **jobs, **all;
    const void **envs;
    const dacc_round_event **evs;
    size_t *lens;
} batch;

/* Appends jobs[0..k), leaving out the refused ones; every job is answered. */
static void commit(dacc_node *n, batch *b, size_t k)
{
    node_job **jobs = b->jobs;
    while (k > 0) {
        for (size_t i = 0; i < k; i++) {
            b->envs[i] = jobs[i]->env;
            b->lens[i] = jobs[i]->len;
            b->evs[i] = &jobs[i]->ev;
        }
        dacc_error err;
        uint64_t first = 0;
        size_t bad = SIZE_MAX;
        pthread_mutex_lock(&n->store);
        /* decoded and verified in the HTTP threads: not again here, in the
         * one thread every event passes through */
        dacc_status st =
            dacc_store_append_decoded(n->rl.store, b->evs, b->envs, b->lens, k, &first, &bad, &err);
        if (st == DACC_OK)
            receipts(n, jobs, k, first);
        pthread_mutex_unlock(&n->store);
        if (st == DACC_OK) {
            node_cosign_grown(n);
            return;
        }
        if (bad >= k || !is_refusal(st)) {
            for (size_t i = 0; i < k; i++)
                refuse(jobs[i], &err, "the log could not take the event");
            return;
        }
        refuse(jobs[bad], &err, "the round refuses the event");
        memmove(jobs + bad, jobs + bad + 1, (k - bad - 1) * sizeof *jobs);
        k--;
    }
}

/* Hands an answered job back to its HTTP thread; job is not ours after. */
static void finish(node_job *job)
{
    struct MHD_Connection *c = job->conn;
    __atomic_store_n(&job->done, true, __ATOMIC_RELEASE);
    MHD_resume_connection(c);
}

static void forward(dacc_node *n, node_job **jobs, size_t k);
static bool integrating(dacc_node *n);
static void integrate_local(dacc_node *n, node_job **jobs, size_t k);

static void *run(void *arg)
{
    dacc_node *n = arg;
    batch *b = n->batch;
    for (size_t k; (k = take(n, b->jobs, n->o.batch)) > 0;) {
        /* the integrator appends its own events itself, as a lone node
         * does; the others hand theirs over */
        if (n->shared != NULL) {
            if (integrating(n))
                integrate_local(n, b->jobs, k);
            else
                forward(n, b->jobs, k);
            continue;
        }
        memcpy(b->all, b->jobs, k * sizeof *b->all);
        commit(n, b, k);
        for (size_t i = 0; i < k; i++)
            finish(b->all[i]);
    }
    return NULL;
}

static void batch_free(batch *b)
{
    if (b == NULL)
        return;
    free(b->jobs);
    free(b->all);
    free(b->envs);
    free(b->evs);
    free(b->lens);
    free(b);
}

dacc_status node_sequencer_start(dacc_node *n, dacc_error *err)
{
    size_t m = n->o.batch;
    batch *b = calloc(1, sizeof *b);
    if (b != NULL) {
        b->jobs = malloc(m * sizeof *b->jobs);
        b->all = malloc(m * sizeof *b->all);
        b->envs = malloc(m * sizeof *b->envs);
        b->evs = malloc(m * sizeof *b->evs);
        b->lens = malloc(m * sizeof *b->lens);
    }
    if (b == NULL || !b->jobs || !b->all || !b->envs || !b->evs || !b->lens) {
        batch_free(b);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    n->batch = b;
    if (pthread_create(&n->sequencer, NULL, run, n) != 0) {
        batch_free(b);
        n->batch = NULL;
        return dacc_error_set(err, DACC_ERR_NOMEM, "cannot start the sequencer thread");
    }
    n->sequencer_started = true;
    return DACC_OK;
}

void node_sequencer_stop(dacc_node *n)
{
    if (!n->sequencer_started)
        return;
    pthread_mutex_lock(&n->qlock);
    n->stopping = true;
    pthread_cond_broadcast(&n->qcond);
    pthread_mutex_unlock(&n->qlock);
    pthread_join(n->sequencer, NULL);
    n->sequencer_started = false;
    batch_free(n->batch);
    n->batch = NULL;
}

/* ---- several nodes, one database ---- */

#define SEQUENCER_LOCK "7234017357148433523" /* pg_advisory_lock key: 'dacctlog' + 12 */
#define WAIT_MAX       15.0         /* seconds an event waits for its outcome before a 503 */
#define OUTAGE_WAIT    1.0          /* the same while the database cannot be reached */
#define RESULTS_KEEP   "10 minutes" /* outcomes nobody collected (their node died) */
#define VACUUM_EVERY   2.0          /* seconds between vacuums of pending and results */

/* The node's tables, one step per version of the component 'node' in
 * dacc_schema, each applied once (under the log's write lock). */
typedef struct {
    int version;
    const char *sql;
} schema_step;
static const schema_step node_schema[] = {
    { 1, "CREATE TABLE pending(id bigserial PRIMARY KEY, node text NOT NULL, seq bigint NOT NULL,"
         " env bytea NOT NULL, at timestamptz NOT NULL DEFAULT now(), UNIQUE(node, seq))" },
    { 1, "CREATE TABLE results(node text NOT NULL, seq bigint NOT NULL, status integer NOT NULL,"
         " idx bigint, body text, at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY(node, seq))" },
    { 1, "INSERT INTO dacc_schema VALUES ('node', 1)" },
    /* the witness's state (witness.c): the last checkpoint it cosigned of
     * each log it witnesses, shared by the nodes of this log */
    { 2, "CREATE TABLE witnessed(origin text PRIMARY KEY, note text NOT NULL,"
         " at timestamptz NOT NULL DEFAULT now())" },
    { 2, "UPDATE dacc_schema SET version = 2 WHERE component = 'node'" },
};
#define NODE_SCHEMA_VERSION 2

struct node_shared {
    char id[33]; /* this node's name in the tables: random, new at each start */
    PGconn *c;   /* the coordinator's own session: the lock, LISTEN, outcomes */
    PGconn *fwd; /* the sequencer thread's: handing events over */
    bool held;   /* this node is the integrator */
    bool warm;   /* its rounds are live: it may take the lock */
    bool stop;   /* stop once no handed-over event waits */
    uint64_t next_seq;
    pthread_t thread;
    bool started;
    pthread_mutex_t lock; /* guards the waiting list and stop */
    node_job *waiting;
    double last_gc, last_vacuum;
};

/* Whether this node holds the sequencer lock, as its coordinator last saw. */
static bool integrating(dacc_node *n)
{
    return __atomic_load_n(&n->shared->held, __ATOMIC_ACQUIRE);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void answer_problem(node_job *job, unsigned status, const char *title, const char *detail)
{
    node_answer a;
    node_problem(&a, status, title, detail, NULL);
    answer(job, &a);
}

/* ---- handing events over (the sequencer thread, every node) ---- */

/* A growable text buffer for the array literals of one statement. */
typedef struct {
    char *p;
    size_t len, cap;
} text_buf;

/* Room for n more bytes and a NUL. */
static bool text_reserve(text_buf *t, size_t n)
{
    if (t->len + n + 1 <= t->cap)
        return true;
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->len + n + 1)
        cap *= 2;
    char *q = realloc(t->p, cap);
    if (q == NULL)
        return false;
    t->p = q, t->cap = cap;
    return true;
}

static bool text_add(text_buf *t, const char *s, size_t n)
{
    if (!text_reserve(t, n))
        return false;
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
    return true;
}

/* '{1,2,3}' and '{hex,hex}': the seqs and envelopes of jobs. */
static bool job_arrays(node_job **jobs, size_t k, text_buf *seqs, text_buf *envs)
{
    bool ok = text_add(seqs, "{", 1) && text_add(envs, "{", 1);
    for (size_t i = 0; ok && i < k; i++) {
        char num[32];
        int nl =
            snprintf(num, sizeof num, "%s%llu", i ? "," : "", (unsigned long long)jobs[i]->seq);
        ok = text_add(seqs, num, (size_t)nl) && (i == 0 || text_add(envs, ",", 1)) &&
             text_reserve(envs, 2 * jobs[i]->len);
        if (ok) {
            dacc_hex_encode(jobs[i]->env, jobs[i]->len, envs->p + envs->len);
            envs->len += 2 * jobs[i]->len;
        }
    }
    return ok && text_add(seqs, "}", 1) && text_add(envs, "}", 1);
}

static bool session(PGconn **c, const char *url, const char *name, const char *listen);

/* The insert of a batch, on the sequencer thread's own session (not the
 * store's: the integrator holds that one while it appends), reconnected
 * when lost. */
static dacc_status hand_over(dacc_node *n, const char *const *params, dacc_error *err)
{
    node_shared *sh = n->shared;
    if (!session(&sh->fwd, n->o.store, "dacc-forward", NULL))
        return dacc_error_set(err, DACC_ERR_IO, "%s", PQerrorMessage(sh->fwd));
    PGresult *r = PQexecParams(sh->fwd,
                               "WITH i AS (INSERT INTO pending(node, seq, env) SELECT $1, t.s, "
                               "decode(t.e, 'hex') FROM unnest($2::bigint[], $3::text[]) AS "
                               "t(s, e) RETURNING 1) SELECT pg_notify('dacc_pending', '')",
                               3, NULL, params, NULL, NULL, 0);
    dacc_status st =
        PQresultStatus(r) == PGRES_TUPLES_OK
            ? DACC_OK
            : dacc_error_set(err, DACC_ERR_IO, "handing events over: %s", PQresultErrorMessage(r));
    PQclear(r);
    return st;
}

/* Hands jobs to the database: they wait (in sh->waiting, before the rows
 * exist, so that no outcome can come back before its job is found) until
 * the integrator's outcome, or get a 503 now when the insert fails. */
static void forward(dacc_node *n, node_job **jobs, size_t k)
{
    node_shared *sh = n->shared;
    double t = now_s();
    pthread_mutex_lock(&sh->lock);
    for (size_t i = 0; i < k; i++) {
        jobs[i]->seq = ++sh->next_seq;
        jobs[i]->handed = t;
        jobs[i]->next = sh->waiting;
        sh->waiting = jobs[i];
    }
    pthread_mutex_unlock(&sh->lock);
    text_buf seqs = { 0 }, envs = { 0 };
    dacc_error err;
    dacc_status st = job_arrays(jobs, k, &seqs, &envs)
                         ? DACC_OK
                         : dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
    const char *params[3] = { sh->id, seqs.p, envs.p };
    if (st == DACC_OK)
        st = hand_over(n, params, &err);
    free(seqs.p);
    free(envs.p);
    if (st == DACC_OK)
        return;
    /* nothing was handed over: take them back and say so */
    pthread_mutex_lock(&sh->lock);
    for (size_t i = 0; i < k; i++) {
        node_job **p = &sh->waiting;
        while (*p != NULL && *p != jobs[i])
            p = &(*p)->next;
        if (*p != NULL)
            *p = jobs[i]->next;
    }
    pthread_mutex_unlock(&sh->lock);
    for (size_t i = 0; i < k; i++) {
        answer_problem(jobs[i], 503, "the database cannot be reached", dacc_error_message(&err));
        finish(jobs[i]);
    }
}

/* A receipt for an event whose bytes the node holds (the job's), against
 * the checkpoint read once for the batch (c->note NULL: none could be
 * read): two reads of the database fewer per event. NULL when it cannot
 * be built so: node_receipt then tries on its own. */
static json_t *batch_receipt(dacc_node *n, const node_checkpoint *c, const node_job *job,
                             uint64_t index)
{
    return c->note != NULL ? node_receipt_at(n, index, job->env, job->len, c, NULL) : NULL;
}

/* ---- integrating (the node holding the lock) ---- */

/* An event to integrate: a pending row (another node's, or this node's
 * handed over before it held the lock), or one of this node's own queued
 * events (job: answered here, with no row in the tables). */
typedef struct {
    int64_t id;
    char node[33];
    uint64_t seq;
    dacc_buf env; /* the envelope as logged */
    dacc_round_event ev;
    bool decoded;
    node_job *job; /* this node's own event, not a row */
    bool logged;   /* job: at index, once committed */
    uint64_t index;
} pending_row;

typedef struct {
    pending_row *rows;
    size_t n, cap;
    dacc_error err;
    bool failed;
} pending_list;

static dacc_status take_row(void *ctx, size_t ncols, const char *const *v, const size_t *lens,
                            dacc_error *err)
{
    pending_list *l = ctx;
    if (ncols < 4 || v[0] == NULL || v[1] == NULL || v[2] == NULL || v[3] == NULL || lens[1] > 32 ||
        lens[3] % 2 != 0)
        return dacc_error_set(err, DACC_ERR_VERIFY, "a malformed pending row");
    pending_row *r = &l->rows[l->n];
    memset(r, 0, sizeof *r);
    r->id = strtoll(v[0], NULL, 10);
    memcpy(r->node, v[1], lens[1]);
    r->seq = strtoull(v[2], NULL, 10);
    uint8_t *raw = malloc(lens[3] / 2 + 1);
    if (raw == NULL || dacc_hex_decode(v[3], lens[3], raw, lens[3] / 2, NULL) != DACC_OK) {
        free(raw);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    dacc_buf_init(&r->env, 0);
    /* the node of this log that wrote the row verified the event as it
     * arrived, before handing it over: decoded here, not verified again */
    dacc_status st = dacc_round_event_decode_trusted("pending event", raw, lens[3] / 2, &r->ev,
                                                     &r->env, &l->err);
    free(raw);
    r->decoded = st == DACC_OK;
    l->n++;
    return DACC_OK;
}

static void rows_free(pending_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        dacc_buf_free(&l->rows[i].env);
        if (l->rows[i].decoded && l->rows[i].job == NULL) /* a job's event stays the job's */
            dacc_round_event_clear(&l->rows[i].ev);
    }
    l->n = 0;
}

/* The outcome of one row that is not logged (a refusal): its row goes,
 * its outcome comes, in one statement. */
static dacc_status refuse_row(dacc_node *n, const pending_row *r, const node_answer *a,
                              dacc_error *err)
{
    char id[24], status[8];
    snprintf(id, sizeof id, "%lld", (long long)r->id);
    snprintf(status, sizeof status, "%u", a->status);
    const char *params[3] = { id, status, a->body ? a->body : "" };
    return dacc_tlog_log_sql(n->rl.log,
                             "WITH d AS (DELETE FROM pending WHERE id = $1::bigint RETURNING node,"
                             " seq) INSERT INTO results(node, seq, status, body) SELECT node, seq,"
                             " $2::int, $3 FROM d",
                             3, params, NULL, NULL, err);
}

/* A refusal found while the batch is checked, recorded with the rest. */
typedef struct {
    size_t i;
    node_answer a;
} refusal;

typedef struct {
    dacc_node *n;
    pending_row **rows;
    size_t k;
    refusal *refused;
    size_t nrefused;
    uint64_t deleted;
} logged_ctx;

static void note_refusal(void *ctx, size_t i, const dacc_error *why)
{
    logged_ctx *c = ctx;
    if (c->rows[i]->job != NULL) { /* this node's own: answered here, no row */
        node_answer a;
        node_problem_from(&a, why, "the round refuses the event");
        answer(c->rows[i]->job, &a);
        return;
    }
    refusal *r = &c->refused[c->nrefused++];
    r->i = i;
    node_problem_from(&r->a, why, "the round refuses the event");
}

static dacc_status count_row(void *ctx, size_t ncols, const char *const *v, const size_t *lens,
                             dacc_error *err)
{
    (void)lens, (void)err;
    *(uint64_t *)ctx = ncols > 0 && v[0] ? strtoull(v[0], NULL, 10) : 0;
    return DACC_OK;
}

/* '{a,b,...}' of the rows' ids, or of the kept rows' nodes or seqs: the
 * pending rows only (this node's own events have none). */
static bool row_array(text_buf *t, pending_row **rows, const size_t *pick, size_t n, int what)
{
    bool ok = text_add(t, "{", 1);
    bool any = false;
    for (size_t j = 0; ok && j < n; j++) {
        const pending_row *r = rows[pick ? pick[j] : j];
        if (r->job != NULL)
            continue;
        char num[32];
        int len = what == 0   ? snprintf(num, sizeof num, "%lld", (long long)r->id)
                  : what == 2 ? snprintf(num, sizeof num, "%llu", (unsigned long long)r->seq)
                              : 0;
        ok = (!any || text_add(t, ",", 1)) &&
             (what == 1 ? text_add(t, r->node, strlen(r->node)) : text_add(t, num, (size_t)len));
        any = true;
    }
    return ok && text_add(t, "}", 1);
}

static dacc_status record_refusals(logged_ctx *c, dacc_error *err)
{
    dacc_status st = DACC_OK;
    for (size_t j = 0; j < c->nrefused && st == DACC_OK; j++) {
        const pending_row *r = c->rows[c->refused[j].i];
        char seq[24], status[8];
        snprintf(seq, sizeof seq, "%llu", (unsigned long long)r->seq);
        snprintf(status, sizeof status, "%u", c->refused[j].a.status);
        const char *body = c->refused[j].a.body ? c->refused[j].a.body : "{}";
        const char *params[4] = { r->node, seq, status, body };
        st = dacc_tlog_log_sql(c->n->rl.log,
                               "INSERT INTO results(node, seq, status, body) VALUES ($1, "
                               "$2::bigint, $3::int, $4)",
                               4, params, NULL, NULL, err);
    }
    return st;
}

/* In the append's transaction: every row of the batch goes and its
 * outcome comes (an index or a refusal), or, when another integrator took
 * any of them meanwhile, nothing at all. */
static dacc_status record_logged(void *ctx, uint64_t first, const size_t *kept, size_t nkept,
                                 dacc_error *err)
{
    logged_ctx *c = ctx;
    size_t rows = 0, kept_rows = 0;
    for (size_t i = 0; i < c->k; i++)
        rows += c->rows[i]->job == NULL;
    for (size_t j = 0; j < nkept; j++) {
        pending_row *r = c->rows[kept[j]];
        kept_rows += r->job == NULL;
        r->logged = r->job != NULL; /* once committed */
        r->index = first + j;
    }
    text_buf ids = { 0 }, nodes = { 0 }, seqs = { 0 };
    bool ok = row_array(&ids, c->rows, NULL, c->k, 0) &&
              row_array(&nodes, c->rows, kept, nkept, 1) &&
              row_array(&seqs, c->rows, kept, nkept, 2);
    char from[24];
    snprintf(from, sizeof from, "%llu", (unsigned long long)first);
    dacc_status st = ok ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    const char *del[1] = { ids.p }, *ins[3] = { nodes.p, seqs.p, from };
    if (st == DACC_OK)
        st = dacc_tlog_log_sql(c->n->rl.log,
                               "WITH d AS (DELETE FROM pending WHERE id = ANY($1::bigint[]) "
                               "RETURNING 1) SELECT count(*) FROM d",
                               1, del, count_row, &c->deleted, err);
    if (st == DACC_OK && c->deleted != rows)
        st = dacc_error_set(err, DACC_ERR_STATE,
                            "another node integrated these events meanwhile (%llu of %zu left)",
                            (unsigned long long)c->deleted, rows);
    if (st == DACC_OK && kept_rows > 0)
        st = dacc_tlog_log_sql(c->n->rl.log,
                               "INSERT INTO results(node, seq, status, idx) SELECT t.n, t.s, 201,"
                               " $3::bigint + t.o - 1 FROM unnest($1::text[], $2::bigint[]) WITH "
                               "ORDINALITY AS t(n, s, o)",
                               3, ins, NULL, NULL, err);
    if (st == DACC_OK)
        st = record_refusals(c, err);
    if (st == DACC_OK)
        st = dacc_tlog_log_sql(c->n->rl.log, "SELECT pg_notify('dacc_done', '')", 0, NULL, NULL,
                               NULL, err);
    free(ids.p);
    free(nodes.p);
    free(seqs.p);
    return st;
}

/* Appends the decoded rows in one transaction, the ones their rounds
 * refuse left out and their refusals recorded with the rest. false when
 * the database failed: the rows stay pending for the next attempt, here
 * or on another node. */
static bool integrate_rows(dacc_node *n, pending_row **rows, size_t k)
{
    size_t m = k ? k : 1;
    const void **envs = malloc(m * sizeof *envs);
    const dacc_round_event **evs = malloc(m * sizeof *evs);
    size_t *lens = malloc(m * sizeof *lens);
    logged_ctx c = { n, rows, k, calloc(m, sizeof(refusal)), 0, 0 };
    bool ok = envs && evs && lens && c.refused;
    for (size_t i = 0; ok && i < k; i++) {
        envs[i] = rows[i]->env.data;
        lens[i] = rows[i]->env.len;
        evs[i] = &rows[i]->ev;
    }
    dacc_error err;
    uint64_t first;
    size_t bad = SIZE_MAX;
    dacc_store_also also = { record_logged, note_refusal, &c };
    if (ok && dacc_store_append_also(n->rl.store, evs, envs, lens, k, &also, &first, &bad, &err) !=
                  DACC_OK) {
        /* worth a line even when quiet: the events wait meanwhile */
        fprintf(stderr, "dacc serve: integrating %zu events failed: %s\n", k,
                dacc_error_message(&err));
        ok = false;
        for (size_t i = 0; i < k; i++)
            rows[i]->logged = false; /* rolled back */
    }
    for (size_t j = 0; c.refused != NULL && j < c.nrefused; j++)
        free(c.refused[j].a.body);
    free(c.refused);
    free(envs);
    free(evs);
    free(lens);
    return ok;
}

/* This node's own events, appended after the pending rows, as rows that
 * are answered here. */
static bool add_jobs(pending_list *l, node_job **jobs, size_t njobs)
{
    for (size_t i = 0; i < njobs; i++) {
        pending_row *r = &l->rows[l->n++];
        memset(r, 0, sizeof *r);
        r->job = jobs[i];
        r->ev = jobs[i]->ev;
        r->decoded = true;
        dacc_buf_init(&r->env, 0);
        if (dacc_buf_append(&r->env, jobs[i]->env, jobs[i]->len) != DACC_OK)
            return false;
    }
    return true;
}

/* The answers of this node's own events in the batch, under the store
 * lock: a receipt for each logged one (refusals were answered when found),
 * 503 for all when the batch failed. */
static void answer_jobs(dacc_node *n, pending_list *l, bool fine)
{
    node_checkpoint cp = { 0 };
    bool read = false;
    for (size_t i = 0; i < l->n; i++) {
        pending_row *r = &l->rows[i];
        if (r->job == NULL || r->job->body != NULL) /* not ours, or refused: answered */
            continue;
        if (!fine || !r->logged) {
            answer_problem(r->job, 503, "the database cannot be reached", NULL);
            continue;
        }
        if (!read)
            node_checkpoint_read(n, &cp, NULL), read = true;
        json_t *receipt = batch_receipt(n, &cp, r->job, r->index);
        dacc_error err;
        if (receipt == NULL)
            receipt = node_receipt(n, r->index, &err);
        node_answer a;
        if (receipt == NULL)
            node_problem(&a, 503, "the event is logged but its receipt cannot be built now", NULL,
                         NULL);
        else
            node_json(&a, 201, receipt);
        answer(r->job, &a);
    }
    free(cp.note);
}

/* One batch: the pending events, oldest first, then this node's own jobs
 * (may be none), in one transaction. How many pending rows were taken, or
 * -1 when the database failed. Every job is answered (not finished). */
static long integrate_batch(dacc_node *n, pending_list *l, node_job **jobs, size_t njobs)
{
    char limit[16];
    snprintf(limit, sizeof limit, "%u", n->o.batch);
    const char *params[1] = { limit };
    pthread_mutex_lock(&n->store);
    dacc_status st = dacc_tlog_log_sql(n->rl.log,
                                       "SELECT id, node, seq, encode(env, 'hex') FROM pending "
                                       "ORDER BY id LIMIT $1::int",
                                       1, params, take_row, l, NULL);
    size_t pending = l->n;
    bool fine = st == DACC_OK && add_jobs(l, jobs, njobs);
    pending_row **ok = malloc((l->n ? l->n : 1) * sizeof *ok);
    size_t k = 0;
    fine = fine && ok != NULL;
    for (size_t i = 0; fine && i < l->n; i++) {
        if (l->rows[i].decoded) {
            ok[k++] = &l->rows[i];
            continue;
        }
        node_answer a; /* the accepting node checked it: a row someone else wrote */
        node_problem(&a, 400, "the pending event does not decode", NULL, NULL);
        fine = refuse_row(n, &l->rows[i], &a, NULL) == DACC_OK;
        free(a.body);
    }
    if (fine && k > 0)
        fine = integrate_rows(n, ok, k);
    answer_jobs(n, l, fine);
    pthread_mutex_unlock(&n->store);
    long taken = fine ? (long)pending : -1;
    free(ok);
    rows_free(l);
    if (fine && k > 0)
        node_cosign_grown(n);
    return taken;
}

/* The sequencer thread of the node holding the lock: its own events go
 * into the log with whatever is pending, in one transaction. */
static void integrate_local(dacc_node *n, node_job **jobs, size_t k)
{
    pending_list l = { 0 };
    l.rows = malloc((n->o.batch + k) * sizeof *l.rows);
    if (l.rows == NULL) {
        for (size_t i = 0; i < k; i++)
            answer_problem(jobs[i], 500, "out of memory", NULL);
    } else {
        integrate_batch(n, &l, jobs, k);
    }
    free(l.rows);
    for (size_t i = 0; i < k; i++)
        finish(jobs[i]);
}

static void integrate(dacc_node *n)
{
    pending_list l = { 0 };
    l.rows = malloc(n->o.batch * sizeof *l.rows);
    if (l.rows == NULL)
        return;
    long taken;
    while ((taken = integrate_batch(n, &l, NULL, 0)) == (long)n->o.batch)
        ;
    free(l.rows);
    if (taken < 0) /* the database failed: give it a moment */
        nanosleep(&(struct timespec){ 0, 200000000L }, NULL);
}

/* ---- answering this node's events ---- */

static node_job *unwait(node_shared *sh, uint64_t seq)
{
    for (node_job **p = &sh->waiting; *p != NULL; p = &(*p)->next)
        if ((*p)->seq == seq) {
            node_job *j = *p;
            *p = j->next;
            return j;
        }
    return NULL;
}

/* One outcome, taken from the results table. */
typedef struct {
    node_job *job;
    unsigned status;
    uint64_t idx;
    char *body;
} outcome;

typedef struct {
    dacc_node *n;
    outcome *v;
    size_t len, cap;
} outcomes;

static dacc_status take_outcome(void *ctx, size_t ncols, const char *const *v, const size_t *lens,
                                dacc_error *err)
{
    outcomes *o = ctx;
    (void)lens, (void)err;
    if (ncols < 4 || v[0] == NULL || v[1] == NULL)
        return DACC_OK;
    if (o->len == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 64;
        outcome *w = realloc(o->v, cap * sizeof *w);
        if (w == NULL)
            return DACC_OK; /* answered 503 on the wait's bound */
        o->v = w, o->cap = cap;
    }
    pthread_mutex_lock(&o->n->shared->lock);
    node_job *job = unwait(o->n->shared, strtoull(v[0], NULL, 10));
    pthread_mutex_unlock(&o->n->shared->lock);
    if (job == NULL)
        return DACC_OK; /* answered 503 already, on the wait's bound */
    o->v[o->len++] = (outcome){ job, (unsigned)atoi(v[1]), v[2] ? strtoull(v[2], NULL, 10) : 0,
                                v[3] ? strdup(v[3]) : NULL };
    return DACC_OK;
}

/* An outcome's answer: a 201 with its receipt, from the log as it now
 * stands (the checkpoint that made it durable, or a later one), under the
 * store lock the caller holds; or the refusal the integrator recorded. */
static void answer_outcome(dacc_node *n, const node_checkpoint *c, outcome *o)
{
    node_answer a;
    if (o->status == 201) {
        json_t *r = batch_receipt(n, c, o->job, o->idx);
        if (r != NULL) {
            node_json(&a, 201, r);
            answer(o->job, &a);
            return;
        }
    }
    if (o->status != 201) {
        a = (node_answer){
            o->status, o->body, o->body ? strlen(o->body) : 0, "application/problem+json", NULL, 0
        };
        o->body = NULL;
        answer(o->job, &a);
        return;
    }
    dacc_error err;
    dacc_error_clear(&err);
    json_t *r = node_receipt(n, o->idx, &err);
    /* a proof whose hashes could not be read leaves err unset: the same
     * failure of the database */
    if (r == NULL && err.status == DACC_OK)
        dacc_error_set(&err, DACC_ERR_IO, "the log's hashes cannot be read");
    /* the store's session may have been cut since (the database came
     * back): the next statement reconnects */
    if (r == NULL && err.status == DACC_ERR_IO && dacc_store_refresh(n->rl.store, NULL) == DACC_OK)
        r = node_receipt(n, o->idx, &err);
    if (r == NULL && err.status == DACC_OK)
        dacc_error_set(&err, DACC_ERR_IO, "the log's hashes cannot be read");
    char why[DACC_ERROR_MSG_MAX + 64];
    snprintf(why, sizeof why, "logged at index %llu; %s", (unsigned long long)o->idx,
             dacc_error_message(&err));
    if (r == NULL) /* durable, but no receipt to show for it now */
        node_problem(&a, err.status == DACC_ERR_IO ? 503 : 500,
                     "the event is logged but its receipt cannot be built now", why, NULL);
    else
        node_json(&a, 201, r);
    answer(o->job, &a);
}

static void coord_sql(node_shared *sh, const char *q, size_t n, const char *const *params,
                      dacc_tlog_row_fn fn, void *ctx)
{
    PGresult *r = PQexecParams(sh->c, q, (int)n, NULL, params, NULL, NULL, 0);
    ExecStatusType t = PQresultStatus(r);
    size_t lens[8];
    const char *vals[8];
    int cols = PQnfields(r) < 8 ? PQnfields(r) : 8;
    for (int i = 0; t == PGRES_TUPLES_OK && fn != NULL && i < PQntuples(r); i++) {
        for (int k = 0; k < cols; k++) {
            vals[k] = PQgetisnull(r, i, k) ? NULL : PQgetvalue(r, i, k);
            lens[k] = (size_t)PQgetlength(r, i, k);
        }
        fn(ctx, (size_t)cols, vals, lens, NULL);
    }
    PQclear(r);
}

/* Outcomes for this node's events: taken (deleted: the rows are this
 * node's alone, so nothing races for them), then answered together, the
 * receipts under one hold of the store lock. */
static void deliver(dacc_node *n)
{
    /* a node none of whose events waits has no outcome to take: no
     * statement (every node runs this at every wake-up) */
    pthread_mutex_lock(&n->shared->lock);
    bool waiting = n->shared->waiting != NULL;
    pthread_mutex_unlock(&n->shared->lock);
    if (!waiting)
        return;
    const char *params[1] = { n->shared->id };
    outcomes o = { n, NULL, 0, 0 };
    coord_sql(n->shared, "DELETE FROM results WHERE node = $1 RETURNING seq, status, idx, body", 1,
              params, take_outcome, &o);
    if (o.len == 0)
        return;
    node_checkpoint cp = { 0 };
    pthread_mutex_lock(&n->store);
    dacc_store_refresh(n->rl.store, NULL);
    node_checkpoint_read(n, &cp, NULL);
    for (size_t i = 0; i < o.len; i++)
        answer_outcome(n, &cp, &o.v[i]);
    pthread_mutex_unlock(&n->store);
    free(cp.note);
    for (size_t i = 0; i < o.len; i++) {
        free(o.v[i].body);
        finish(o.v[i].job);
    }
    free(o.v);
}

/* Events waiting past the bound are answered 503: the integrator is down
 * or the database unreachable. Such an event may still be logged later
 * (its row stays pending): the caller may look for it, not assume it is
 * lost. */
static void expire(dacc_node *n, double bound)
{
    node_shared *sh = n->shared;
    double t = now_s();
    node_job *late = NULL;
    pthread_mutex_lock(&sh->lock);
    for (node_job **p = &sh->waiting; *p != NULL;) {
        node_job *j = *p;
        if (t - j->handed >= bound) {
            *p = j->next;
            j->next = late;
            late = j;
        } else {
            p = &j->next;
        }
    }
    pthread_mutex_unlock(&sh->lock);
    while (late != NULL) {
        node_job *j = late;
        late = j->next;
        answer_problem(j, 503, "no integrator answered in time; the event may yet be logged",
                       bound < WAIT_MAX ? "the database cannot be reached"
                                        : "the sequencer node or the database is unavailable");
        finish(j);
    }
}

/* ---- the coordinator thread ---- */

/* *c connected (again, after a loss), named with the process id so that
 * an operator, or a test, sees in pg_stat_activity which node holds the
 * lock; with listen, that LISTEN command run. */
static bool session(PGconn **c, const char *url, const char *name, const char *listen)
{
    if (*c != NULL && PQstatus(*c) == CONNECTION_OK)
        return true;
    PQfinish(*c);
    char app[48];
    snprintf(app, sizeof app, "%s-%ld", name, (long)getpid());
    const char *keys[] = { "connect_timeout", "application_name", "dbname", NULL };
    const char *vals[] = { "5", app, url, NULL };
    *c = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(*c) != CONNECTION_OK)
        return false;
    /* Neither session's commits need their own flush: a pending row lost
     * in a crash of the server was never answered 201 (the integrator's
     * commit, synchronous, flushes the log up to and past it), and an
     * outcome's deletion lost only leaves a row for the clean-up. */
    PGresult *r = PQexec(*c, "SET synchronous_commit = off");
    PQclear(r);
    if (listen == NULL)
        return true;
    r = PQexec(*c, listen);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok;
}

static bool coord_connect(dacc_node *n)
{
    node_shared *sh = n->shared;
    if (sh->c != NULL && PQstatus(sh->c) == CONNECTION_OK)
        return true;
    __atomic_store_n(&sh->held, false, __ATOMIC_RELEASE);
    return session(&sh->c, n->o.store, "dacc-sequencer", "LISTEN dacc_pending; LISTEN dacc_done");
}

static void try_lock(dacc_node *n)
{
    node_shared *sh = n->shared;
    PGresult *r = PQexec(sh->c, "SELECT pg_try_advisory_lock(" SEQUENCER_LOCK ")");
    bool held = PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 0)[0] == 't';
    __atomic_store_n(&sh->held, held, __ATOMIC_RELEASE);
    PQclear(r);
    if (sh->held) /* an event worth a line even when quiet */
        fprintf(stderr, "dacc serve: this node integrates the events now (node %s)\n", sh->id);
}

/* Sleeps until a notification or ms; true when outcomes were written. */
static bool wait_notify(node_shared *sh, int ms)
{
    struct pollfd p = { PQsocket(sh->c), POLLIN, 0 };
    if (p.fd >= 0)
        poll(&p, 1, ms);
    if (!PQconsumeInput(sh->c))
        return false; /* the connection is gone: coord_connect sees it */
    bool done = false;
    PGnotify *note;
    while ((note = PQnotifies(sh->c)) != NULL) {
        done |= strcmp(note->relname, "dacc_done") == 0;
        PQfreemem(note);
    }
    return done;
}

/* Another node appended: reads (tiles, rounds, receipts) follow, and so
 * do the live rounds, so that this node can take over integrating at
 * once. */
static void follow(dacc_node *n)
{
    pthread_mutex_lock(&n->store);
    dacc_store_follow(n->rl.store, NULL);
    pthread_mutex_unlock(&n->store);
    node_cosign_grown(n);
}

/* A node competes for the lock only once its rounds are live: a cold
 * integrator would replay whole rounds while every caller waits. */
static bool warm(dacc_node *n)
{
    dacc_error err;
    pthread_mutex_lock(&n->store);
    dacc_status st = dacc_store_warm(n->rl.store, &err);
    pthread_mutex_unlock(&n->store);
    if (st != DACC_OK)
        fprintf(stderr, "dacc serve: loading the rounds: %s\n", dacc_error_message(&err));
    return st == DACC_OK;
}

static bool keep_going(node_shared *sh, double *deadline)
{
    pthread_mutex_lock(&sh->lock);
    bool stop = sh->stop, idle = sh->waiting == NULL;
    pthread_mutex_unlock(&sh->lock);
    if (stop && *deadline == 0)
        *deadline = now_s() + 5;
    return !stop || (!idle && now_s() < *deadline);
}

static void *coordinate(void *arg)
{
    dacc_node *n = arg;
    node_shared *sh = n->shared;
    double deadline = 0;
    while (keep_going(sh, &deadline)) {
        if (!coord_connect(n)) {
            /* the database is gone: say so soon rather than at the bound */
            expire(n, OUTAGE_WAIT);
            nanosleep(&(struct timespec){ 0, 200000000L }, NULL);
            continue;
        }
        if (!sh->warm)
            sh->warm = warm(n);
        if (!sh->held && sh->warm)
            try_lock(n);
        if (sh->held)
            integrate(n);
        deliver(n);
        expire(n, WAIT_MAX);
        /* the two tables every event passes through, vacuumed by the
         * integrator: their dead rows would otherwise slow each scan of
         * them until autovacuum comes by (once a minute at most) */
        if (sh->held && now_s() - sh->last_vacuum > VACUUM_EVERY) {
            coord_sql(sh, "VACUUM pending, results", 0, NULL, NULL, NULL);
            sh->last_vacuum = now_s();
        }
        if (sh->held && now_s() - sh->last_gc > 60) {
            coord_sql(sh, "DELETE FROM results WHERE at < now() - interval '" RESULTS_KEEP "'", 0,
                      NULL, NULL, NULL);
            sh->last_gc = now_s();
        }
        if (wait_notify(sh, sh->held ? 100 : 50))
            follow(n);
    }
    expire(n, 0);
    PQfinish(sh->c); /* ends the session: the lock goes to another node */
    sh->c = NULL;
    return NULL;
}

static dacc_status schema_row(void *ctx, size_t ncols, const char *const *v, const size_t *lens,
                              dacc_error *err)
{
    (void)lens, (void)err;
    *(long *)ctx = ncols > 0 && v[0] != NULL ? strtol(v[0], NULL, 10) : 0;
    return DACC_OK;
}

/* The node's tables at the version this node knows, in one of the log's
 * write transactions so that nodes starting together migrate once. A
 * database a newer node migrated further is refused, not written. */
static dacc_status node_migrate(dacc_node *n, dacc_error *err)
{
    long have = 0;
    dacc_status st = dacc_tlog_log_begin(n->rl.log, err);
    if (st == DACC_OK)
        st =
            dacc_tlog_log_sql(n->rl.log, "SELECT version FROM dacc_schema WHERE component = 'node'",
                              0, NULL, schema_row, &have, err);
    if (st == DACC_OK && have > NODE_SCHEMA_VERSION)
        st = dacc_error_set(err, DACC_ERR_UNSUPPORTED,
                            "the database's node tables are at version %ld; this dacc knows %d",
                            have, NODE_SCHEMA_VERSION);
    for (size_t i = 0; st == DACC_OK && i < sizeof node_schema / sizeof *node_schema; i++)
        if (node_schema[i].version > have)
            st = dacc_tlog_log_sql(n->rl.log, node_schema[i].sql, 0, NULL, NULL, NULL, err);
    if (st == DACC_OK)
        return dacc_tlog_log_commit(n->rl.log, err);
    dacc_tlog_log_rollback(n->rl.log);
    return st;
}

dacc_status node_shared_start(dacc_node *n, dacc_error *err)
{
    node_shared *sh = calloc(1, sizeof *sh);
    if (sh == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    uint8_t id[16];
    randombytes_buf(id, sizeof id);
    dacc_hex_encode(id, sizeof id, sh->id);
    pthread_mutex_init(&sh->lock, NULL);
    n->shared = sh;
    pthread_mutex_lock(&n->store); /* the cosigner may be reading already */
    dacc_status st = node_migrate(n, err);
    pthread_mutex_unlock(&n->store);
    if (st == DACC_OK && pthread_create(&sh->thread, NULL, coordinate, n) != 0)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "cannot start the coordinator thread");
    sh->started = st == DACC_OK;
    return st;
}

void node_shared_stop(dacc_node *n)
{
    node_shared *sh = n->shared;
    if (sh == NULL)
        return;
    if (sh->started) {
        pthread_mutex_lock(&sh->lock);
        sh->stop = true;
        pthread_mutex_unlock(&sh->lock);
        pthread_join(sh->thread, NULL);
    }
    PQfinish(sh->c);
    PQfinish(sh->fwd);
    pthread_mutex_destroy(&sh->lock);
    free(sh);
    n->shared = NULL;
}
