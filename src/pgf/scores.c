/* Donor scores from a separate table, sorted by donor for the round reader's
 * lookups. */
#include <stdlib.h>
#include <string.h>

#include "dacc/csv.h"
#include "internal.h"

struct dacc_pgf_scores {
    dacc_arena *arena;
    const char **donor; /* ascending (strcmp) once read */
    double *score;
    size_t n, cap;
};

dacc_pgf_scores *dacc_pgf_scores_new(void)
{
    dacc_pgf_scores *s = calloc(1, sizeof *s);
    if (s != NULL && (s->arena = dacc_arena_new(0)) == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

void dacc_pgf_scores_free(dacc_pgf_scores *s)
{
    if (s == NULL)
        return;
    dacc_arena_free(s->arena);
    free(s->donor);
    free(s->score);
    free(s);
}

static dacc_status push(dacc_pgf_scores *s, const char *d, size_t dl, double v, dacc_error *err)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        const char **dd = realloc(s->donor, cap * sizeof *dd);
        if (dd != NULL)
            s->donor = dd;
        double *vv = dd ? realloc(s->score, cap * sizeof *vv) : NULL;
        if (vv == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        s->score = vv;
        s->cap = cap;
    }
    if ((s->donor[s->n] = dacc_arena_strndup(s->arena, d, dl)) == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    s->score[s->n++] = v;
    return DACC_OK;
}

typedef struct {
    const char *donor;
    double score;
    unsigned long line;
} entry;

static int by_donor(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->donor, y->donor);
    return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/* Sorts donors and scores together; a repeated donor is an error naming
 * both lines. */
static dacc_status sort_scores(dacc_pgf_scores *s, const char *name, const unsigned long *lines,
                               dacc_error *err)
{
    entry *e = malloc((s->n ? s->n : 1) * sizeof *e);
    if (e == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < s->n; i++)
        e[i] = (entry){ s->donor[i], s->score[i], lines[i] };
    if (s->n > 1)
        qsort(e, s->n, sizeof *e, by_donor);
    dacc_status st = DACC_OK;
    for (size_t i = 0; i < s->n && st == DACC_OK; i++) {
        if (i > 0 && strcmp(e[i].donor, e[i - 1].donor) == 0)
            st = dacc_error_at(err, DACC_ERR_INVALID, name, e[i].line, 0,
                               "donor %s is scored twice (first on line %lu)", e[i].donor,
                               e[i - 1].line);
        s->donor[i] = e[i].donor;
        s->score[i] = e[i].score;
    }
    free(e);
    return st;
}

static dacc_status scores_from(dacc_pgf_scores *s, dacc_csv *csv, unsigned long **lines,
                               size_t *cap, dacc_error *err)
{
    static const char *const dn[] = { "donor", "address", "voter" };
    static const char *const sn[] = { "score", "rawScore", "passport_score" };
    size_t dc, sc;
    dacc_status st = dacc_csv_require_any(csv, dn, 3, &dc, err);
    if (st == DACC_OK)
        st = dacc_csv_require_any(csv, sn, 3, &sc, err);
    while (st == DACC_OK && (st = dacc_csv_next(csv, err)) == DACC_OK) {
        const char *d;
        size_t dl;
        double v;
        if ((st = dacc_csv_get_str(csv, dc, &d, &dl, err)) != DACC_OK ||
            (st = dacc_csv_get_double(csv, sc, &v, err)) != DACC_OK)
            break;
        if (s->n == *cap) {
            size_t c2 = *cap ? 2 * *cap : 256;
            unsigned long *l = realloc(*lines, c2 * sizeof *l);
            if (l == NULL)
                return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
            *lines = l, *cap = c2;
        }
        (*lines)[s->n] = dacc_csv_line(csv);
        st = push(s, d, dl, v, err);
    }
    return st == DACC_END ? DACC_OK : st;
}

dacc_status dacc_pgf_scores_read_memory(dacc_pgf_scores *s, const char *name, const char *data,
                                        size_t len, dacc_error *err)
{
    dacc_csv *csv;
    dacc_status st = dacc_csv_open_memory(name, data, len, NULL, &csv, err);
    if (st != DACC_OK)
        return st;
    unsigned long *lines = NULL;
    size_t cap = 0;
    st = scores_from(s, csv, &lines, &cap, err);
    if (st == DACC_OK)
        st = sort_scores(s, name, lines, err);
    free(lines);
    dacc_csv_free(csv);
    return st;
}

void dacc_pgf_scores_use(const dacc_pgf_scores *s, dacc_pgf_read_opts *opts)
{
    opts->score_donor = s->donor;
    opts->score_value = s->score;
    opts->nscores = s->n;
}
