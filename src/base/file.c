#include "dacc/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "dacc/codec.h"
#include "dacc/mem.h"
#include "file_internal.h"

dacc_status dacc_file_read(const char *path, size_t max, char **data, size_t *len, dacc_error *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (fp == NULL)
        return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    dacc_buf b;
    dacc_buf_init(&b, max);
    dacc_status st = DACC_OK;
    char block[1 << 16];
    size_t n;
    while (st == DACC_OK && (n = fread(block, 1, sizeof block, fp)) > 0)
        st = dacc_buf_append(&b, block, n);
    int saved = errno;
    int failed = ferror(fp);
    if (!is_stdin)
        fclose(fp);
    if (st == DACC_ERR_LIMIT)
        return dacc_error_at(err, st, path, 0, 0, "file is larger than %zu bytes", max);
    if (st != DACC_OK)
        return dacc_error_at(err, st, path, 0, 0, "out of memory reading the file");
    if (failed) {
        dacc_buf_free(&b);
        return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "read failed: %s", strerror(saved));
    }
    *data = dacc_buf_detach(&b, len);
    if (*data == NULL)
        return dacc_error_at(err, DACC_ERR_NOMEM, path, 0, 0, "out of memory reading the file");
    return DACC_OK;
}

/* A static empty object stands in for the mapping of an empty file, since
 * mmap refuses length 0. */
static const char empty_map[1] = "";

dacc_status dacc_file_map(const char *path, const void **data, size_t *len, dacc_error *err)
{
    if (strcmp(path, "-") == 0)
        return dacc_error_at(err, DACC_ERR_UNSUPPORTED, path, 0, 0,
                             "standard input cannot be mapped");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return dacc_error_at(err, DACC_ERR_UNSUPPORTED, path, 0, 0, "not a regular file");
    }
    if (sb.st_size == 0) {
        close(fd);
        *data = empty_map;
        *len = 0;
        return DACC_OK;
    }
    void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int saved = errno;
    close(fd);
    if (p == MAP_FAILED)
        return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "cannot map: %s", strerror(saved));
    madvise(p, (size_t)sb.st_size, MADV_SEQUENTIAL);
    *data = p;
    *len = (size_t)sb.st_size;
    return DACC_OK;
}

void dacc_file_unmap(const void *data, size_t len)
{
    if (data != NULL && data != empty_map && len > 0)
        munmap((void *)data, len);
}

/* ---- atomic output ---------------------------------------------------- */

/* How an output reaches its path: a new or regular file is replaced
 * atomically; anything else that can be opened for writing (a device such
 * as /dev/null, a FIFO, a terminal) is written through, since renaming over
 * it would destroy it. */
typedef enum { OUT_STDOUT, OUT_ATOMIC, OUT_THROUGH, OUT_FD } out_kind;

struct dacc_file_out {
    FILE *fp;
    out_kind kind;
    int fd;     /* OUT_FD: the descriptor named */
    char *path; /* the file replaced: a symbolic link's target, resolved */
    char *tmp;
    int keep_mode; /* the replaced file's mode goes to the new one */
    mode_t mode;
    uid_t uid;
    gid_t gid;
};

char *base_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

int base_make_temp(const char *path, const char *what, int dir, char **tmp_out)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    size_t cap = strlen(path) + 32;
    char *tmp = malloc(cap);
    if (tmp == NULL) {
        errno = ENOMEM;
        return -1;
    }
    for (int attempt = 0; attempt < 16; attempt++) {
        uint8_t r[4];
        char hex[9];
        randombytes_buf(r, sizeof r);
        snprintf(tmp, cap, "%.*s.%s.%s-%s", (int)dir_len, path, base, what,
                 dacc_hex_encode(r, 4, hex));
        int fd = dir ? mkdir(tmp, 0777) : open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            *tmp_out = tmp;
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    int saved = errno;
    free(tmp);
    errno = saved;
    return -1;
}

/* The descriptor a path names directly, -1 for other paths: /dev/stdout,
 * /dev/stderr, /dev/fd/N, /proc/self/fd/N. Writing to a duplicate keeps
 * the stream's own mode and offset (`>> log` appends); resolving the link
 * and replacing the file behind it would wipe what the shell appended to. */
static int fd_path(const char *path)
{
    if (strcmp(path, "/dev/stdout") == 0)
        return 1;
    if (strcmp(path, "/dev/stderr") == 0)
        return 2;
    const char *num = strncmp(path, "/dev/fd/", 8) == 0          ? path + 8
                      : strncmp(path, "/proc/self/fd/", 14) == 0 ? path + 14
                                                                 : NULL;
    uint64_t n;
    if (num == NULL || !dacc_decimal_strict(num, strlen(num), &n) || n > 1 << 20)
        return -1;
    return (int)n;
}

/* Whether the symbolic link at path may be followed, by the kernel's
 * protected_symlinks rule, applied whatever the machine's setting: a link in
 * a sticky, world-writable directory (/tmp) is followed only when its owner
 * is the writer or owns the directory, so another user's link cannot aim a
 * root run at root's files. */
static int link_trusted(const char *path, const struct stat *link)
{
    char *dir = base_dir_of(path);
    struct stat ds;
    int ok = dir != NULL && stat(dir, &ds) == 0 &&
             (!(ds.st_mode & S_ISVTX) || !(ds.st_mode & S_IWOTH) || link->st_uid == geteuid() ||
              link->st_uid == ds.st_uid);
    free(dir);
    return ok;
}

/* The path a link at p with the given target names. */
static char *link_next(const char *p, const char *target)
{
    char *dir = base_dir_of(p);
    size_t cap = (dir ? strlen(dir) : 0) + strlen(target) + 2;
    char *next = dir != NULL ? malloc(cap) : NULL;
    if (next != NULL && target[0] == '/')
        snprintf(next, cap, "%s", target);
    else if (next != NULL)
        snprintf(next, cap, "%s/%s", dir, target);
    free(dir);
    return next;
}

/* Follows path's symbolic links (at most 40, each trusted) to what they
 * name; *real is the final path, malloc'd, and sb what lstat says of it
 * (errno set when nothing is there). */
static dacc_status follow(const char *path, char **real, struct stat *sb, dacc_error *err)
{
    char *p = strdup(path);
    for (int hop = 0; p != NULL && hop < 40; hop++) {
        if (lstat(p, sb) != 0 || !S_ISLNK(sb->st_mode)) {
            *real = p;
            return DACC_OK;
        }
        char target[4096];
        ssize_t n = link_trusted(p, sb) ? readlink(p, target, sizeof target - 1) : -2;
        int saved = errno;
        char *next = NULL;
        if (n >= 0) {
            target[n] = '\0';
            next = link_next(p, target);
        }
        free(p);
        if (n == -2)
            return dacc_error_at(err, DACC_ERR_INVALID, path, 0, 0,
                                 "a symbolic link another user owns in a shared directory: "
                                 "give the file itself");
        if (n < 0)
            return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "cannot read the link: %s",
                                 strerror(saved));
        p = next;
    }
    if (p == NULL)
        return dacc_error_at(err, DACC_ERR_NOMEM, path, 0, 0, "out of memory");
    free(p);
    return dacc_error_at(err, DACC_ERR_INVALID, path, 0, 0, "too many levels of symbolic links");
}

/* Decides how to write path: replaced atomically (a new path, a regular
 * file, or a trusted link to one, which stays a link), written through (a
 * device, a FIFO, a descriptor), or refused. */
static dacc_status out_target(const char *path, dacc_file_out *f, dacc_error *err)
{
    struct stat sb;
    int fd = fd_path(path);
    if (fd >= 0) {
        f->kind = OUT_FD;
        f->fd = fd;
        f->path = strdup(path);
        return f->path ? DACC_OK : dacc_error_at(err, DACC_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    char *real;
    dacc_status st = follow(path, &real, &sb, err);
    if (st != DACC_OK)
        return st;
    f->path = real;
    int missing = lstat(real, &sb) != 0;
    if (missing && errno != ENOENT)
        return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "cannot create: %s", strerror(errno));
    if (missing && strcmp(real, path) != 0)
        return dacc_error_at(err, DACC_ERR_INVALID, path, 0, 0,
                             "a symbolic link to a missing file: give the file itself");
    if (missing) {
        f->kind = OUT_ATOMIC;
        return DACC_OK;
    }
    if (S_ISDIR(sb.st_mode))
        return dacc_error_at(err, DACC_ERR_INVALID, path, 0, 0, "is a directory");
    f->kind = S_ISREG(sb.st_mode) ? OUT_ATOMIC : OUT_THROUGH;
    f->keep_mode = S_ISREG(sb.st_mode);
    f->mode = sb.st_mode & 07777;
    f->uid = sb.st_uid;
    f->gid = sb.st_gid;
    return DACC_OK;
}

static dacc_status out_open_fd(dacc_file_out *f, const char *path, dacc_error *err)
{
    int fd;
    if (f->kind == OUT_FD) {
        fd = fcntl(f->fd, F_DUPFD_CLOEXEC, 3);
    } else if (f->kind == OUT_THROUGH) {
        /* O_NONBLOCK so that a FIFO nobody reads fails (ENXIO) instead of
         * waiting forever; writes block as usual afterwards. */
        fd = open(f->path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd >= 0)
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        else if (errno == ENXIO)
            return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "no process reads this FIFO");
    } else {
        fd = base_make_temp(f->path, "tmp", 0, &f->tmp);
        /* The replacement keeps the mode (and, where allowed, the owner) of
         * the file it replaces, as an edit in place would. */
        if (fd >= 0 && f->keep_mode) {
            /* only root may give a file away; a file that stays the
             * writer's must not inherit set-id bits */
            int given = fchown(fd, f->uid, f->gid) == 0;
            if (fchmod(fd, given ? f->mode : f->mode & 0777) != 0) {
                int saved = errno;
                close(fd);
                errno = saved;
                fd = -1;
            }
        }
    }
    if (fd < 0)
        return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "cannot create: %s", strerror(errno));
    f->fp = fdopen(fd, "wb");
    if (f->fp == NULL) {
        close(fd);
        return dacc_error_at(err, DACC_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    return DACC_OK;
}

dacc_status dacc_file_out_open(const char *path, dacc_file_out **out, dacc_error *err)
{
    dacc_file_out *f = calloc(1, sizeof *f);
    if (f == NULL)
        return dacc_error_at(err, DACC_ERR_NOMEM, path, 0, 0, "out of memory");
    if (strcmp(path, "-") == 0) {
        f->fp = stdout;
        f->kind = OUT_STDOUT;
        *out = f;
        return DACC_OK;
    }
    if (path[0] == '\0' || path[strlen(path) - 1] == '/') {
        free(f);
        return dacc_error_at(err, DACC_ERR_INVALID, path, 0, 0, "not a file name");
    }
    dacc_status st = out_target(path, f, err);
    if (st == DACC_OK)
        st = out_open_fd(f, path, err);
    if (st != DACC_OK) {
        dacc_file_out_abort(f);
        return st;
    }
    *out = f;
    return DACC_OK;
}

FILE *dacc_file_out_fp(dacc_file_out *f)
{
    return f->fp;
}

static void out_free(dacc_file_out *f)
{
    free(f->tmp);
    free(f->path);
    free(f);
}

void dacc_file_out_abort(dacc_file_out *f)
{
    if (f == NULL)
        return;
    if (f->kind != OUT_STDOUT && f->fp != NULL)
        fclose(f->fp);
    if (f->tmp != NULL)
        unlink(f->tmp);
    out_free(f);
}

void base_sync_dir(const char *path)
{
    char *dir = base_dir_of(path);
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd >= 0) {
        fsync(fd); /* some file systems refuse; the rename itself already happened */
        close(fd);
    }
}

/* Flushes and closes f's stream; the reason and errno of the first failure. */
static const char *out_close(dacc_file_out *f, int *saved)
{
    const char *why = NULL;
    if (fflush(f->fp) != 0 || ferror(f->fp))
        why = "write failed";
    else if (f->kind == OUT_ATOMIC && fsync(fileno(f->fp)) != 0)
        why = "fsync failed";
    *saved = errno;
    int closed = fclose(f->fp);
    f->fp = NULL;
    if (why == NULL && closed != 0) {
        why = "close failed";
        *saved = errno;
    }
    return why;
}

dacc_status dacc_file_out_prepare(dacc_file_out *f, dacc_error *err)
{
    if (f->kind == OUT_STDOUT || f->fp == NULL)
        return DACC_OK;
    int saved = 0;
    const char *why = out_close(f, &saved);
    if (why != NULL)
        return dacc_error_at(err, DACC_ERR_IO, f->path, 0, 0, "%s: %s", why, strerror(saved));
    return DACC_OK;
}

dacc_status dacc_file_out_commit(dacc_file_out *f, dacc_error *err)
{
    if (f->kind == OUT_STDOUT) {
        int bad = fflush(stdout) != 0 || ferror(stdout);
        free(f);
        return bad ? dacc_error_set(err, DACC_ERR_IO, "writing standard output failed") : DACC_OK;
    }
    int saved = 0;
    const char *why = f->fp != NULL ? out_close(f, &saved) : NULL;
    if (why == NULL && f->kind == OUT_ATOMIC && rename(f->tmp, f->path) != 0) {
        why = "rename failed";
        saved = errno;
    }
    if (why != NULL) {
        dacc_error_at(err, DACC_ERR_IO, f->path, 0, 0, "%s: %s", why, strerror(saved));
        dacc_file_out_abort(f);
        return DACC_ERR_IO;
    }
    if (f->kind == OUT_ATOMIC)
        base_sync_dir(f->path);
    free(f->tmp);
    f->tmp = NULL;
    out_free(f);
    return DACC_OK;
}

dacc_status dacc_file_write(const char *path, const void *data, size_t len, dacc_error *err)
{
    dacc_file_out *f;
    dacc_status st = dacc_file_out_open(path, &f, err);
    if (st != DACC_OK)
        return st;
    if (len > 0 && fwrite(data, 1, len, f->fp) != len) {
        int saved = errno;
        dacc_file_out_abort(f);
        return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "write failed: %s", strerror(saved));
    }
    return dacc_file_out_commit(f, err);
}

dacc_status dacc_file_same(const char *a, const char *b, int *same, dacc_error *err)
{
    struct stat sa, sb;
    *same = 0;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return DACC_OK;
        return dacc_error_at(err, DACC_ERR_IO, a, 0, 0, "cannot inspect: %s", strerror(errno));
    }
    *same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return DACC_OK;
}
