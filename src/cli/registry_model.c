/* Model directories for dacc registry: the walk model-signing does (every
 * regular file below the root, ignore paths, symbolic links refused unless
 * allowed) and the hashing of its files or shards, streamed through a
 * 1 MiB buffer per thread, on every core. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "registry_cli.h"

#define CHUNK     (1u << 20)
#define MAX_ITEMS (1u << 24)

/* a SEP b in a new string ("" SEP b is b), or NULL when out of memory. */
static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s%s%s", a, a[0] ? "/" : "", b);
    return p;
}

void registry_model_free(registry_model *m)
{
    for (size_t i = 0; i < m->n; i++)
        free((char *)m->items[i].path);
    free(m->items);
    free(m->sizes);
    memset(m, 0, sizeof *m);
}

static int ignored(const registry_model_opts *o, const char *rel)
{
    for (size_t i = 0; i < o->nignore; i++) {
        const char *p = o->ignore[i];
        while (p[0] == '.' && p[1] == '/')
            p += 2;
        size_t n = strlen(p);
        while (n > 0 && p[n - 1] == '/')
            n--;
        if (n > 0 && strncmp(rel, p, n) == 0 && (rel[n] == '\0' || rel[n] == '/'))
            return 1;
    }
    return 0;
}

static dacc_status add_items(registry_model *m, const registry_model_opts *o, const char *rel,
                             uint64_t size, dacc_error *err)
{
    uint64_t step = o->shards ? o->shard_size : size;
    uint64_t start = 0;
    /* model-signing gives an empty file no shard (file_shard.py,
     * _get_shards), and one item in files mode. */
    if (o->shards && size == 0)
        return DACC_OK;
    do {
        if (m->n == m->cap) {
            size_t cap = m->cap ? m->cap * 2 : 64;
            if (cap > MAX_ITEMS)
                return dacc_error_set(err, DACC_ERR_LIMIT, "more than %u files or shards",
                                      MAX_ITEMS);
            dacc_registry_item *it = realloc(m->items, cap * sizeof *it);
            uint64_t *sz = it ? realloc(m->sizes, cap * sizeof *sz) : NULL;
            if (it != NULL)
                m->items = it;
            if (sz == NULL)
                return dacc_error_set(err, DACC_ERR_NOMEM, "listing the model");
            m->sizes = sz;
            m->cap = cap;
        }
        uint64_t end = step == 0 || size - start < step ? size : start + step;
        dacc_registry_item *it = &m->items[m->n];
        memset(it, 0, sizeof *it);
        it->path = strdup(rel);
        if (it->path == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "listing the model");
        it->start = o->shards ? start : 0;
        it->end = o->shards ? end : 0;
        m->sizes[m->n++] = size;
        start = end;
    } while (start < size);
    return DACC_OK;
}

static dacc_status walk(registry_model *m, const registry_model_opts *o, const char *root,
                        const char *rel, dacc_error *err);

static dacc_status visit(registry_model *m, const registry_model_opts *o, const char *root,
                         const char *rel, dacc_error *err)
{
    if (ignored(o, rel))
        return DACC_OK;
    char *full = join(root, rel);
    if (full == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "listing the model");
    struct stat st;
    dacc_status s = DACC_OK;
    if (lstat(full, &st) != 0)
        s = dacc_error_set(err, DACC_ERR_IO, "%s: %s", full, strerror(errno));
    else if (S_ISLNK(st.st_mode) && !o->allow_symlinks)
        s = dacc_error_set(err, DACC_ERR_INVALID,
                           "%s: a symbolic link (model-signing refuses them unless "
                           "--allow-symlinks)",
                           rel);
    else if (S_ISLNK(st.st_mode) && stat(full, &st) != 0)
        s = dacc_error_set(err, DACC_ERR_IO, "%s: %s", full, strerror(errno));
    if (s == DACC_OK && S_ISREG(st.st_mode))
        s = add_items(m, o, rel, (uint64_t)st.st_size, err);
    else if (s == DACC_OK && S_ISDIR(st.st_mode)) {
        struct stat l;
        /* A linked directory is not walked: pathlib's glob does not follow links. */
        if (lstat(full, &l) == 0 && S_ISDIR(l.st_mode))
            s = walk(m, o, root, rel, err);
    } else if (s == DACC_OK)
        s = dacc_error_set(err, DACC_ERR_INVALID, "%s: neither a file nor a directory", rel);
    free(full);
    return s;
}

static dacc_status walk(registry_model *m, const registry_model_opts *o, const char *root,
                        const char *rel, dacc_error *err)
{
    char *dir = rel[0] ? join(root, rel) : strdup(root);
    if (dir == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "listing the model");
    DIR *d = opendir(dir);
    if (d == NULL) {
        dacc_status s = dacc_error_set(err, DACC_ERR_IO, "%s: %s", dir, strerror(errno));
        free(dir);
        return s;
    }
    dacc_status s = DACC_OK;
    struct dirent *e;
    while (s == DACC_OK && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child = join(rel, e->d_name);
        if (child == NULL)
            s = dacc_error_set(err, DACC_ERR_NOMEM, "listing the model");
        else
            s = visit(m, o, root, child, err);
        free(child);
    }
    closedir(d);
    free(dir);
    return s;
}

dacc_status registry_model_list(const char *path, const registry_model_opts *o, registry_model *m,
                                dacc_error *err)
{
    memset(m, 0, sizeof *m);
    struct stat st;
    if (lstat(path, &st) != 0)
        return dacc_error_set(err, DACC_ERR_IO, "%s: %s", path, strerror(errno));
    if (S_ISLNK(st.st_mode) && !o->allow_symlinks)
        return dacc_error_set(err, DACC_ERR_INVALID, "%s: a symbolic link", path);
    if (stat(path, &st) != 0)
        return dacc_error_set(err, DACC_ERR_IO, "%s: %s", path, strerror(errno));
    dacc_status s;
    if (S_ISREG(st.st_mode))
        s = add_items(m, o, ".", (uint64_t)st.st_size, err);
    else if (S_ISDIR(st.st_mode))
        s = walk(m, o, path, "", err);
    else
        s = dacc_error_set(err, DACC_ERR_INVALID, "%s: neither a file nor a directory", path);
    m->single_file = S_ISREG(st.st_mode);
    if (s != DACC_OK)
        registry_model_free(m);
    return s;
}

/* ---- hashing ----------------------------------------------------------------- */

typedef struct {
    uint64_t work; /* bytes to read */
    size_t index;
} task;

typedef struct {
    const char *root;
    registry_model *m;
    task *order; /* items, largest first, so the last to finish is small */
    atomic_size_t next;
    atomic_int failed;
    atomic_uint_fast64_t bytes; /* read so far, for the progress line */
    atomic_uint finished;       /* workers returned */
    pthread_mutex_t lock;
    dacc_error err;
} job;

static int hash_one(job *j, size_t i, uint8_t *buf)
{
    dacc_registry_item *it = &j->m->items[i];
    int ok = 0;
    char *full = j->m->single_file ? strdup(j->root) : join(j->root, it->path);
    int fd = full != NULL ? open(full, O_RDONLY | O_CLOEXEC) : -1;
    uint64_t pos = it->start, end = it->end ? it->end : j->m->sizes[i];
    if (fd >= 0) {
        posix_fadvise(fd, (off_t)pos, (off_t)(end - pos), POSIX_FADV_SEQUENTIAL);
        dacc_sha256_ctx c;
        dacc_sha256_init(&c, DACC_SHA256_AUTO);
        ok = 1;
        while (pos < end && ok) {
            size_t want = end - pos < CHUNK ? (size_t)(end - pos) : CHUNK;
            ssize_t got = pread(fd, buf, want, (off_t)pos);
            if (got <= 0)
                ok = 0;
            else {
                dacc_sha256_update(&c, buf, (size_t)got);
                pos += (uint64_t)got;
                atomic_fetch_add(&j->bytes, (uint_fast64_t)got);
            }
        }
        dacc_sha256_final(&c, it->digest);
        /* A file that grew while hashed is caught by the size check below
         * only for shards; for whole files read to the end too. */
        if (ok && !j->m->items[i].end && pread(fd, buf, 1, (off_t)pos) != 0)
            ok = 0;
        close(fd);
    }
    if (!ok) {
        pthread_mutex_lock(&j->lock);
        if (!atomic_exchange(&j->failed, 1))
            dacc_error_set(&j->err, DACC_ERR_IO, "%s: %s", full ? full : it->path,
                           errno ? strerror(errno) : "changed size while being hashed");
        pthread_mutex_unlock(&j->lock);
    }
    free(full);
    return ok;
}

static void *worker(void *arg)
{
    job *j = arg;
    uint8_t *buf = malloc(CHUNK);
    if (buf == NULL) {
        atomic_store(&j->failed, 1);
        return NULL;
    }
    size_t k;
    while (!atomic_load(&j->failed) && (k = atomic_fetch_add(&j->next, 1)) < j->m->n)
        hash_one(j, j->order[k].index, buf);
    free(buf);
    atomic_fetch_add(&j->finished, 1);
    return NULL;
}

/* The display is not thread-safe: the main thread draws the workers'
 * bytes until they are all done, then they are joined. */
static void watch(job *j, unsigned workers, dacc_progress *pr)
{
    const struct timespec tick = { 0, 50 * 1000 * 1000 };
    while (pr != NULL && atomic_load(&j->finished) < workers) {
        dacc_progress_update(pr, atomic_load(&j->bytes));
        nanosleep(&tick, NULL);
    }
    dacc_progress_update(pr, atomic_load(&j->bytes));
}

static int by_work_desc(const void *a, const void *b)
{
    const task *x = a, *y = b;
    if (x->work != y->work)
        return (x->work < y->work) - (x->work > y->work);
    return (x->index > y->index) - (x->index < y->index);
}

dacc_status registry_model_hash(const char *path, registry_model *m, unsigned threads,
                                dacc_progress *pr, dacc_error *err)
{
    job j = { .root = path, .m = m };
    j.order = malloc((m->n + 1) * sizeof *j.order);
    if (j.order == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "hashing the model");
    uint64_t total = 0;
    for (size_t i = 0; i < m->n; i++) {
        j.order[i].index = i;
        j.order[i].work = m->items[i].end ? m->items[i].end - m->items[i].start : m->sizes[i];
        total += j.order[i].work;
    }
    dacc_progress_stage(pr, "hashing the model (bytes)", total);
    qsort(j.order, m->n, sizeof *j.order, by_work_desc);
    pthread_mutex_init(&j.lock, NULL);
    dacc_error_clear(&j.err);
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    if (threads > 64)
        threads = 64;
    pthread_t t[64];
    unsigned started = 0;
    for (unsigned i = 0; i < threads && i < m->n; i++)
        if (pthread_create(&t[started], NULL, worker, &j) == 0)
            started++;
    if (started == 0 && m->n > 0)
        worker(&j);
    watch(&j, started, pr);
    for (unsigned i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    pthread_mutex_destroy(&j.lock);
    free(j.order);
    if (atomic_load(&j.failed)) {
        if (err != NULL)
            *err = j.err;
        return j.err.status != DACC_OK ? j.err.status : DACC_ERR_NOMEM;
    }
    return DACC_OK;
}
