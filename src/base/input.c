/* Inputs for the shells (the command line, the node): a whole file in
 * memory, mapped when it can be, and the names in a directory. Readers in
 * the modules take what these return, never a path. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/file.h"

dacc_status dacc_file_load(const char *path, size_t max, dacc_file_data *out, dacc_error *err)
{
    const void *map;
    size_t len;
    *out = (dacc_file_data){ 0 };
    dacc_status st = dacc_file_map(path, &map, &len, err);
    if (st == DACC_OK && max != 0 && len > max) {
        dacc_file_unmap(map, len);
        return dacc_error_at(err, DACC_ERR_LIMIT, path, 0, 0, "file is larger than %zu bytes", max);
    }
    if (st == DACC_OK) {
        *out = (dacc_file_data){ map, len, true };
        return DACC_OK;
    }
    if (st != DACC_ERR_UNSUPPORTED)
        return st;
    dacc_error_clear(err);
    char *data;
    st = dacc_file_read(path, max, &data, &len, err);
    if (st == DACC_OK)
        *out = (dacc_file_data){ data, len, false };
    return st;
}

void dacc_file_data_release(dacc_file_data *d)
{
    if (d->mapped)
        dacc_file_unmap(d->data, d->len);
    else
        free((void *)d->data);
    *d = (dacc_file_data){ 0 };
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int wanted(const char *name, const char *prefix, const char *suffix)
{
    size_t len = strlen(name), pl = strlen(prefix), sl = strlen(suffix);
    return len >= pl + sl && strncmp(name, prefix, pl) == 0 && strcmp(name + len - sl, suffix) == 0;
}

static dacc_status push_name(char ***names, size_t *n, size_t *cap, const char *name)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        char **p = realloc(*names, c * sizeof *p);
        if (p == NULL)
            return DACC_ERR_NOMEM;
        *names = p;
        *cap = c;
    }
    if (((*names)[*n] = strdup(name)) == NULL)
        return DACC_ERR_NOMEM;
    (*n)++;
    return DACC_OK;
}

dacc_status dacc_dir_list(const char *dir, const char *prefix, const char *suffix, char ***names,
                          size_t *n, dacc_error *err)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        return dacc_error_set(err, DACC_ERR_IO, "%s: cannot open the directory", dir);
    size_t cap = 0;
    dacc_status st = DACC_OK;
    for (struct dirent *e; st == DACC_OK && (e = readdir(d)) != NULL;)
        if (wanted(e->d_name, prefix, suffix))
            st = push_name(names, n, &cap, e->d_name);
    closedir(d);
    if (st != DACC_OK) {
        dacc_dir_list_free(*names, *n);
        *names = NULL;
        *n = 0;
        return dacc_error_set(err, st, "out of memory listing %s", dir);
    }
    if (*n > 0)
        qsort(*names, *n, sizeof **names, by_name);
    return DACC_OK;
}

void dacc_dir_list_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}
