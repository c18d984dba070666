/* Rate limits: a token bucket per signing key and per client address, so
 * that one participant or one machine cannot fill the log or the
 * sequencer's queue. Buckets live in one bounded table: when it is full it
 * starts over (every bucket full again), which can only be generous, never
 * refuse an honest client twice.
 *
 * Connection deadlines: every open connection has --timeout seconds to
 * send a whole request, however slowly it trickles it in. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "internal.h"

#define LIMIT_SLOTS 65536 /* open addressing; starts over at three quarters */

dacc_status node_limiter_init(node_limiter *l, double rate, double burst, dacc_error *err)
{
    memset(l, 0, sizeof *l);
    l->rate = rate;
    l->burst = burst > 0 ? burst : rate;
    pthread_mutex_init(&l->lock, NULL);
    if (rate <= 0)
        return DACC_OK; /* no limit */
    l->slots = calloc(LIMIT_SLOTS, sizeof *l->slots);
    return l->slots ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

void node_limiter_free(node_limiter *l)
{
    free(l->slots);
    pthread_mutex_destroy(&l->lock);
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static node_bucket *find(node_limiter *l, const uint8_t id[32])
{
    uint64_t h;
    memcpy(&h, id, sizeof h); /* ids are hashes or keys: already uniform */
    for (size_t i = 0, at = (size_t)(h % LIMIT_SLOTS); i < LIMIT_SLOTS;
         i++, at = (at + 1) % LIMIT_SLOTS) {
        node_bucket *b = &l->slots[at];
        if (b->used && memcmp(b->id, id, 32) == 0)
            return b;
        if (!b->used) {
            if (l->used >= LIMIT_SLOTS / 4 * 3) {
                memset(l->slots, 0, LIMIT_SLOTS * sizeof *l->slots);
                l->used = 0;
                return find(l, id);
            }
            memcpy(b->id, id, 32);
            b->used = true;
            b->tokens = l->burst;
            b->at = seconds();
            l->used++;
            return b;
        }
    }
    return NULL;
}

double node_limit_take(node_limiter *l, const uint8_t id[32])
{
    if (l->slots == NULL)
        return 0;
    pthread_mutex_lock(&l->lock);
    node_bucket *b = find(l, id);
    double wait = 0, now = seconds();
    b->tokens += (now - b->at) * l->rate;
    if (b->tokens > l->burst)
        b->tokens = l->burst;
    b->at = now;
    if (b->tokens >= 1)
        b->tokens -= 1;
    else
        wait = (1 - b->tokens) / l->rate;
    pthread_mutex_unlock(&l->lock);
    return wait;
}

/* ---- connection deadlines ---- */

#define REAP_EVERY_NS 250000000L /* how often the deadlines are checked */

static int64_t millis(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void *reap(void *arg)
{
    node_conns *t = arg;
    pthread_mutex_lock(&t->lock);
    while (!t->stop) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += REAP_EVERY_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&t->cond, &t->lock, &until);
        int64_t now = millis();
        for (size_t i = 0; i < t->cap; i++) {
            node_conn *c = &t->slots[i];
            if (c->fd < 0 || !__atomic_load_n(&c->reading, __ATOMIC_ACQUIRE) ||
                now - __atomic_load_n(&c->since_ms, __ATOMIC_RELAXED) <= t->deadline_ms)
                continue;
            /* The daemon sees the end of the stream and closes the
             * connection; the fd stays this connection's until
             * node_conns_close, which waits for this lock. */
            shutdown(c->fd, SHUT_RDWR);
            __atomic_store_n(&c->reading, false, __ATOMIC_RELAXED);
        }
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

dacc_status node_conns_start(node_conns *t, size_t cap, unsigned deadline, dacc_error *err)
{
    memset(t, 0, sizeof *t);
    pthread_mutex_init(&t->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&t->cond, &attr);
    pthread_condattr_destroy(&attr);
    t->deadline_ms = (int64_t)deadline * 1000;
    t->slots = malloc(cap * sizeof *t->slots);
    t->spare = malloc(cap * sizeof *t->spare);
    if (t->slots == NULL || t->spare == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    t->cap = cap;
    for (size_t i = 0; i < cap; i++) {
        t->slots[i] = (node_conn){ .fd = -1 };
        t->spare[i] = cap - 1 - i;
    }
    t->nspare = cap;
    if (pthread_create(&t->thread, NULL, reap, t) != 0)
        return dacc_error_set(err, DACC_ERR_IO, "cannot start the connection reaper");
    t->started = true;
    return DACC_OK;
}

void node_conns_stop(node_conns *t)
{
    if (t->started) {
        pthread_mutex_lock(&t->lock);
        t->stop = true;
        pthread_cond_signal(&t->cond);
        pthread_mutex_unlock(&t->lock);
        pthread_join(t->thread, NULL);
    }
    free(t->slots);
    free(t->spare);
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->lock);
    memset(t, 0, sizeof *t);
}

node_conn *node_conns_open(node_conns *t, int fd)
{
    node_conn *c = NULL;
    pthread_mutex_lock(&t->lock);
    if (t->nspare > 0) {
        c = &t->slots[t->spare[--t->nspare]];
        __atomic_store_n(&c->since_ms, millis(), __ATOMIC_RELAXED);
        __atomic_store_n(&c->reading, true, __ATOMIC_RELEASE);
        c->fd = fd;
    }
    pthread_mutex_unlock(&t->lock);
    return c;
}

void node_conns_close(node_conns *t, node_conn *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&t->lock);
    c->fd = -1;
    __atomic_store_n(&c->reading, false, __ATOMIC_RELAXED);
    t->spare[t->nspare++] = (size_t)(c - t->slots);
    pthread_mutex_unlock(&t->lock);
}

/* The two below run for every request, in its worker: no lock. */
void node_conns_answered(node_conns *t, node_conn *c)
{
    (void)t;
    if (c != NULL)
        __atomic_store_n(&c->reading, false, __ATOMIC_RELAXED);
}

void node_conns_next(node_conns *t, node_conn *c)
{
    (void)t;
    if (c == NULL)
        return;
    __atomic_store_n(&c->since_ms, millis(), __ATOMIC_RELAXED);
    __atomic_store_n(&c->reading, true, __ATOMIC_RELEASE);
}
