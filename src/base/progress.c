#include "dacc/progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { REDRAW_NS = 100 * 1000 * 1000, STAGE_MAX = 48 };

struct dacc_progress {
    FILE *out;
    char stage[STAGE_MAX];
    uint64_t total, done;
    int64_t started_ns, drawn_ns;
    int width; /* characters of the last line drawn, to blank it */
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

dacc_progress *dacc_progress_new(FILE *out)
{
    const char *env = getenv("DACC_PROGRESS");
    int on = env != NULL && env[0] != '\0' ? strcmp(env, "0") != 0 : isatty(fileno(out));
    if (!on)
        return NULL;
    dacc_progress *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->out = out;
    p->started_ns = now_ns();
    return p;
}

static void draw(dacc_progress *p, int64_t t)
{
    double secs = (double)(t - p->started_ns) / 1e9;
    char line[160];
    int n;
    /* the time left, from the rate so far, once there is a rate */
    double left = p->done > 0 && p->done < p->total
                      ? secs * (double)(p->total - p->done) / (double)p->done
                      : -1;
    if (p->total > 0 && left >= 0)
        n = snprintf(line, sizeof line, "%s: %llu / %llu (%.0f%%) %.1fs, about %.0fs left",
                     p->stage, (unsigned long long)p->done, (unsigned long long)p->total,
                     100.0 * (double)p->done / (double)p->total, secs, left + 0.5);
    else if (p->total > 0)
        n = snprintf(line, sizeof line, "%s: %llu / %llu (%.0f%%) %.1fs", p->stage,
                     (unsigned long long)p->done, (unsigned long long)p->total,
                     100.0 * (double)p->done / (double)p->total, secs);
    else
        n = snprintf(line, sizeof line, "%s: %llu %.1fs", p->stage, (unsigned long long)p->done,
                     secs);
    if (n < 0)
        return;
    fprintf(p->out, "\r%s%*s", line, p->width > n ? p->width - n : 0, "");
    fflush(p->out);
    p->width = n;
    p->drawn_ns = t;
}

void dacc_progress_stage(dacc_progress *p, const char *stage, uint64_t total)
{
    if (p == NULL)
        return;
    snprintf(p->stage, sizeof p->stage, "%s", stage);
    p->total = total;
    p->done = 0;
    p->started_ns = now_ns();
    draw(p, p->started_ns);
}

void dacc_progress_update(dacc_progress *p, uint64_t done)
{
    if (p == NULL)
        return;
    p->done = done;
    int64_t t = now_ns();
    if (t - p->drawn_ns >= REDRAW_NS)
        draw(p, t);
}

void dacc_progress_free(dacc_progress *p)
{
    if (p == NULL)
        return;
    if (p->width > 0) {
        fprintf(p->out, "\r%*s\r", p->width, "");
        fflush(p->out);
    }
    free(p);
}
