/* Group commit: one thread takes every queued event at once and appends
 * them in one log transaction under one signed checkpoint, so that many
 * writers pay for one fsync. An event its round refuses is answered with
 * the refusal and left out, and the rest are appended without it; each
 * caller is answered only when its own event is durable. */
#include <stdlib.h>
#include <string.h>

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

static void *run(void *arg)
{
    dacc_node *n = arg;
    batch *b = n->batch;
    for (size_t k; (k = take(n, b->jobs, n->o.batch)) > 0;) {
        memcpy(b->all, b->jobs, k * sizeof *b->all);
        commit(n, b, k);
        for (size_t i = 0; i < k; i++) {
            struct MHD_Connection *c = b->all[i]->conn;
            __atomic_store_n(&b->all[i]->done, true, __ATOMIC_RELEASE);
            MHD_resume_connection(c);
        }
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
