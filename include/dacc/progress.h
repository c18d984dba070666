/* dacc — a progress line on the terminal for long work.
 *
 * Shown only when the stream is a terminal (or DACC_PROGRESS=1 forces it;
 * DACC_PROGRESS=0 turns it off), redrawn at most ten times a second, and
 * erased when done, so piped output and logs never see it. Not thread-safe:
 * update it from one thread. Every function accepts NULL (the disabled
 * display), so callers need no checks.
 */
#ifndef DACC_PROGRESS_H
#define DACC_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dacc_progress dacc_progress;

/* A display on out (usually stderr), or NULL when it is disabled or memory
 * is short. */
dacc_progress *dacc_progress_new(FILE *out);

/* Starts a named stage ("reading ratings") of total units (0: unknown). */
void dacc_progress_stage(dacc_progress *p, const char *stage, uint64_t total);

/* Reports done units of the current stage; cheap when nothing is redrawn.
 * With a total, the line shows done / total, the share and, once units
 * are done, an estimate of the time left at the rate so far. */
void dacc_progress_update(dacc_progress *p, uint64_t done);

/* Erases the line and releases the display. */
void dacc_progress_free(dacc_progress *p);

#ifdef __cplusplus
}
#endif

#endif
