/* Where each rating was read from (file and line) and why rows were
 * skipped: what a message about a rating found faulty after reading needs,
 * kept as runs of consecutive lines so that it costs nothing per rating. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

dacc_status notes_add_file(dacc_notes *nt, const char *name, uint32_t *id)
{
    char **p = realloc(nt->files, (nt->files_n + 1) * sizeof *p);
    if (!p)
        return DACC_ERR_NOMEM;
    nt->files = p;
    size_t len = strlen(name);
    char *copy = malloc(len + 1);
    if (!copy)
        return DACC_ERR_NOMEM;
    memcpy(copy, name, len + 1);
    nt->files[nt->files_n] = copy;
    *id = (uint32_t)nt->files_n++;
    return DACC_OK;
}

dacc_status notes_mark_line(dacc_notes *nt, uint32_t file, unsigned long line)
{
    size_t k = nt->r.n;
    if (nt->runs_n > 0) {
        const line_run *last = &nt->runs[nt->runs_n - 1];
        if (last->file == file && last->line + (k - last->first) == line)
            return DACC_OK;
    }
    if (nt->runs_n == nt->runs_cap) {
        size_t cap = nt->runs_cap ? nt->runs_cap * 2 : 64;
        line_run *p = realloc(nt->runs, cap * sizeof *p);
        if (!p)
            return DACC_ERR_NOMEM;
        nt->runs = p, nt->runs_cap = cap;
    }
    nt->runs[nt->runs_n++] = (line_run){ .first = k, .file = file, .line = line };
    return DACC_OK;
}

void notes_rating_origin(const dacc_notes *nt, size_t k, const char **file, unsigned long *line)
{
    size_t lo = 0, hi = nt->runs_n;
    while (hi - lo > 1) { /* the last run whose first rating is <= k */
        size_t mid = lo + (hi - lo) / 2;
        if (nt->runs[mid].first <= k)
            lo = mid;
        else
            hi = mid;
    }
    if (nt->runs_n == 0 || nt->runs[lo].first > k) {
        *file = "?", *line = 0;
        return;
    }
    *file = nt->files[nt->runs[lo].file];
    *line = nt->runs[lo].line + (unsigned long)(k - nt->runs[lo].first);
}

void notes_note_skip(dacc_notes *nt, const dacc_error *why)
{
    if (nt->skip_why_n < DACC_NOTES_SKIP_REASONS)
        nt->skip_why[nt->skip_why_n++] = *why;
}

void notes_origin_free(dacc_notes *nt)
{
    for (size_t i = 0; i < nt->files_n; i++)
        free(nt->files[i]);
    free(nt->files), free(nt->runs);
    nt->files = NULL, nt->runs = NULL;
    nt->files_n = nt->runs_n = nt->runs_cap = 0;
}

size_t dacc_notes_skip_reason_count(const dacc_notes *nt)
{
    return nt->skip_why_n;
}

const dacc_error *dacc_notes_skip_reason(const dacc_notes *nt, size_t i)
{
    return i < nt->skip_why_n ? &nt->skip_why[i] : NULL;
}
