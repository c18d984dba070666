/* The fleet simulation in the pause module (dacc_pause_simulate): the
 * schedule's weeks do what the schedule says, the same seed gives the same
 * weeks, and the receiver's error stops it. */
#include <criterion/criterion.h>
#include <string.h>

#include "dacc/pause.h"

typedef struct {
    dacc_pause_sim_week w[64];
    size_t n, stop_at;
} weeks;

static dacc_status keep(void *ctx, const dacc_pause_sim_week *week, dacc_error *err)
{
    weeks *k = ctx;
    if (k->stop_at != 0 && k->n + 1 == k->stop_at)
        return dacc_error_set(err, DACC_ERR_IO, "stop");
    cr_assert_lt(k->n, 64);
    k->w[k->n++] = *week;
    return DACC_OK;
}

static unsigned counted(const dacc_pause_sim_week *w)
{
    unsigned s = 0;
    for (int r = 0; r < DACC_PAUSE_REASON_COUNT; r++)
        s += w->reasons[r];
    return s;
}

Test(pause_sim, the_schedule)
{
    dacc_pause_sim_params p = { .weeks = 16, .devices = 10, .seed = "dacc" };
    weeks k = { .n = 0 };
    dacc_error err;
    cr_assert_eq(dacc_pause_simulate(&p, keep, &k, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(k.n, 16);
    for (size_t i = 0; i < k.n; i++) {
        const dacc_pause_sim_week *w = &k.w[i];
        uint64_t kind = w->week % 8;
        cr_assert_eq(w->week, i + 1);
        cr_assert_leq(w->running, 10);
        /* every device gives a reason, except those the bundle is withheld from */
        cr_assert_eq(counted(w), kind == 6 ? 5 : 10, "week %llu", (unsigned long long)w->week);
        if (kind == 3) {
            cr_assert_str_eq(w->event, "pause: only 2 bodies sign");
            cr_assert_eq(w->running, 0, "a pause stops every device");
            cr_assert_eq(w->reasons[DACC_PAUSE_SHORT_SIGNATURES], 10);
        } else if (kind == 5) {
            cr_assert_str_eq(w->event, "attacker forges body0's signature");
            cr_assert_eq(w->reasons[DACC_PAUSE_ACCEPTED], 0, "a forgery is never accepted");
        } else if (kind == 6) {
            cr_assert_str_eq(w->event, "attacker withholds from half");
            cr_assert_leq(w->running, 5, "a device without the week's bundle stops");
        } else if (kind == 7) {
            cr_assert_str_eq(w->event, "attacker replays last week's bundle");
            cr_assert_eq(w->reasons[DACC_PAUSE_ACCEPTED], 5, "only the withheld half move on");
            cr_assert_eq(w->reasons[DACC_PAUSE_REPLAY], 5);
        }
    }
    cr_assert_str_eq(k.w[8].event, "root v2: bodies 0-2 leave, 7-9 join");
    cr_assert_eq(k.w[8].reasons[DACC_PAUSE_ACCEPTED], 10, "the rotated root signs week 9");
}

Test(pause_sim, reproducible_and_stoppable)
{
    dacc_pause_sim_params p = { .weeks = 20, .devices = 3, .seed = "x" };
    weeks a = { .n = 0 }, b = { .n = 0 }, c = { .stop_at = 4 };
    dacc_error err;
    cr_assert_eq(dacc_pause_simulate(&p, keep, &a, &err), DACC_OK);
    cr_assert_eq(dacc_pause_simulate(&p, keep, &b, &err), DACC_OK);
    cr_assert_eq(a.n, b.n);
    for (size_t i = 0; i < a.n; i++) {
        cr_assert_str_eq(a.w[i].event, b.w[i].event);
        cr_assert_eq(a.w[i].running, b.w[i].running);
        cr_assert_arr_eq(a.w[i].reasons, b.w[i].reasons, sizeof a.w[i].reasons);
    }
    cr_assert_eq(dacc_pause_simulate(&p, keep, &c, &err), DACC_ERR_IO);
    cr_assert_eq(c.n, 3);
}
