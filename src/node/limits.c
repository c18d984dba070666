/* Rate limits: a token bucket per signing key and per client address, so
 * that one participant or one machine cannot fill the log or the
 * sequencer's queue. Buckets live in one bounded table: when it is full it
 * starts over (every bucket full again), which can only be generous, never
 * refuse an honest client twice. */
#include <stdlib.h>
#include <string.h>
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
