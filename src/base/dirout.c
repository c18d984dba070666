/* Output sets: several files that appear together or not at all. The set
 * is written into a fresh hidden directory beside the target and put in
 * its place by one rename (a new target) or one atomic exchange (an
 * earlier set), so a reader never sees a new leaderboard beside an old
 * manifest, and a full disk leaves the earlier set as it was. */
#define _GNU_SOURCE /* renameat2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dacc/file.h"
#include "file_internal.h"

struct dacc_dir_out {
    char *dir; /* the target, resolved when it is a symbolic link */
    char *tmp; /* where the set is written */
    char **names;
    size_t n;
    int exists; /* the target holds an earlier set */
    mode_t mode;
};

static int known(const dacc_dir_out *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->names[i], name) == 0)
            return 1;
    return 0;
}

/* An existing target may hold only files of the set (an earlier run's):
 * replacing it must never remove a file dacc did not write. */
static dacc_status check_earlier(const dacc_dir_out *d, dacc_error *err)
{
    DIR *dp = opendir(d->dir);
    if (dp == NULL)
        return dacc_error_at(err, DACC_ERR_IO, d->dir, 0, 0, "cannot read: %s", strerror(errno));
    dacc_status st = DACC_OK;
    struct dirent *e;
    while (st == DACC_OK && (e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (!known(d, e->d_name) || (e->d_type != DT_REG && e->d_type != DT_UNKNOWN))
            st = dacc_error_at(err, DACC_ERR_INVALID, d->dir, 0, 0,
                               "holds \"%s\", which is not one of this command's outputs: give "
                               "a new or empty directory",
                               e->d_name);
    }
    closedir(dp);
    return st;
}

/* The set replaces its directory whole, by a rename, which no system
 * allows for the current directory, one that holds it, or a mount point:
 * refused before anything is written, with what to do instead. */
static dacc_status check_movable(const dacc_dir_out *d, const char *dir, dacc_error *err)
{
    char *real = realpath(d->dir, NULL), *cwd = realpath(".", NULL);
    size_t n = real ? strlen(real) : 0;
    int holds =
        real && cwd && strncmp(cwd, real, n) == 0 && (cwd[n] == '\0' || cwd[n] == '/' || n == 1);
    free(real), free(cwd);
    if (holds)
        return dacc_error_at(err, DACC_ERR_INVALID, dir, 0, 0,
                             "is the current directory or holds it, and an output directory is "
                             "replaced whole: give a directory to create, such as out");
    struct stat self, up;
    char *parent = malloc(strlen(d->dir) + 4);
    if (parent == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    sprintf(parent, "%s/..", d->dir);
    int mount = stat(d->dir, &self) == 0 && stat(parent, &up) == 0 &&
                (self.st_dev != up.st_dev || self.st_ino == up.st_ino);
    free(parent);
    if (mount)
        return dacc_error_at(err, DACC_ERR_INVALID, dir, 0, 0,
                             "is a mount point, and an output directory is replaced whole: give "
                             "a directory inside it, such as %s/out",
                             dir);
    return DACC_OK;
}

static dacc_status resolve_target(dacc_dir_out *d, const char *dir, dacc_error *err)
{
    struct stat sb;
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    d->dir = strndup(dir, len);
    if (d->dir == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (lstat(d->dir, &sb) != 0) {
        if (errno == ENOENT)
            return DACC_OK;
        return dacc_error_at(err, DACC_ERR_IO, dir, 0, 0, "cannot inspect: %s", strerror(errno));
    }
    if (S_ISLNK(sb.st_mode)) {
        char *real = realpath(d->dir, NULL);
        if (real == NULL || stat(real, &sb) != 0) {
            free(real);
            return dacc_error_at(err, DACC_ERR_INVALID, dir, 0, 0,
                                 "a symbolic link to a missing directory");
        }
        free(d->dir);
        d->dir = real;
    }
    if (!S_ISDIR(sb.st_mode))
        return dacc_error_at(err, DACC_ERR_INVALID, dir, 0, 0, "exists and is not a directory");
    d->exists = 1;
    d->mode = sb.st_mode & 07777;
    dacc_status st = check_movable(d, dir, err);
    return st == DACC_OK ? check_earlier(d, err) : st;
}

static dacc_status copy_names(dacc_dir_out *d, const char *const *names, size_t n, dacc_error *err)
{
    d->names = calloc(n ? n : 1, sizeof *d->names);
    if (d->names == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (names[i][0] == '\0' || strchr(names[i], '/') != NULL || names[i][0] == '.')
            return dacc_error_set(err, DACC_ERR_INVALID, "\"%s\" is not a plain file name",
                                  names[i]);
        if ((d->names[i] = strdup(names[i])) == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        d->n = i + 1;
    }
    return DACC_OK;
}

dacc_status dacc_dir_out_open(const char *dir, const char *const *names, size_t n,
                              dacc_dir_out **out, dacc_error *err)
{
    dacc_dir_out *d = calloc(1, sizeof *d);
    if (d == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_status st = dir[0] == '\0' ? dacc_error_set(err, DACC_ERR_INVALID, "no directory name")
                                    : copy_names(d, names, n, err);
    if (st == DACC_OK)
        st = resolve_target(d, dir, err);
    if (st == DACC_OK && base_make_temp(d->dir, "tmp", 1, &d->tmp) != 0)
        st = dacc_error_at(err, DACC_ERR_IO, dir, 0, 0, "cannot create beside it: %s",
                           strerror(errno));
    if (st == DACC_OK && d->exists)
        chmod(d->tmp, d->mode);
    if (st != DACC_OK) {
        dacc_dir_out_abort(d);
        return st;
    }
    *out = d;
    return DACC_OK;
}

const char *dacc_dir_out_path(const dacc_dir_out *d)
{
    return d->tmp;
}

/* Removes the set's files from dir, then dir itself (which stays if
 * something else appeared in it meanwhile). */
static void remove_set(const dacc_dir_out *d, const char *dir)
{
    size_t cap = strlen(dir) + 2;
    for (size_t i = 0; i < d->n; i++) {
        char *path = malloc(cap + strlen(d->names[i]));
        if (path == NULL)
            continue;
        snprintf(path, cap + strlen(d->names[i]), "%s/%s", dir, d->names[i]);
        unlink(path);
        free(path);
    }
    rmdir(dir);
}

/* Every file of the set, then the directory, reaches the disk before the
 * set becomes visible. Entries outside the set are refused, so the next
 * run can replace this one. */
static dacc_status sync_set(const dacc_dir_out *d, dacc_error *err)
{
    DIR *dp = opendir(d->tmp);
    if (dp == NULL)
        return dacc_error_at(err, DACC_ERR_IO, d->tmp, 0, 0, "cannot read: %s", strerror(errno));
    dacc_status st = DACC_OK;
    struct dirent *e;
    while (st == DACC_OK && (e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (!known(d, e->d_name)) {
            st = dacc_error_set(err, DACC_ERR_INVALID, "%s: not one of the set's names", e->d_name);
            break;
        }
        int fd = openat(dirfd(dp), e->d_name, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) != 0)
            st = dacc_error_at(err, DACC_ERR_IO, d->dir, 0, 0, "%s: fsync failed: %s", e->d_name,
                               strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    if (st == DACC_OK)
        fsync(dirfd(dp)); /* some file systems refuse; the files are durable */
    closedir(dp);
    return st;
}

/* Puts the new set in place of an earlier one: an atomic exchange where the
 * file system has it, else two renames, in the window between which the
 * target is briefly absent (never half old, half new). */
static dacc_status replace_earlier(dacc_dir_out *d, dacc_error *err)
{
    if (renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->dir, RENAME_EXCHANGE) == 0) {
        remove_set(d, d->tmp); /* the tmp name now holds the earlier set */
        return DACC_OK;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return dacc_error_at(err, DACC_ERR_IO, d->dir, 0, 0, "cannot replace: %s", strerror(errno));
    char *old = NULL;
    if (base_make_temp(d->dir, "old", 1, &old) != 0 || rmdir(old) != 0 ||
        rename(d->dir, old) != 0) {
        int saved = errno;
        free(old);
        return dacc_error_at(err, DACC_ERR_IO, d->dir, 0, 0, "cannot replace: %s", strerror(saved));
    }
    if (rename(d->tmp, d->dir) != 0) {
        int saved = errno;
        rename(old, d->dir); /* put the earlier set back */
        free(old);
        return dacc_error_at(err, DACC_ERR_IO, d->dir, 0, 0, "cannot replace: %s", strerror(saved));
    }
    remove_set(d, old);
    free(old);
    return DACC_OK;
}

dacc_status dacc_dir_out_commit(dacc_dir_out *d, dacc_error *err)
{
    dacc_status st = sync_set(d, err);
    if (st == DACC_OK && d->exists)
        st = replace_earlier(d, err);
    else if (st == DACC_OK && rename(d->tmp, d->dir) != 0)
        st = dacc_error_at(err, DACC_ERR_IO, d->dir, 0, 0, "cannot create: %s", strerror(errno));
    if (st != DACC_OK) {
        dacc_dir_out_abort(d);
        return st;
    }
    base_sync_dir(d->dir);
    free(d->tmp);
    d->tmp = NULL;
    dacc_dir_out_abort(d);
    return DACC_OK;
}

void dacc_dir_out_abort(dacc_dir_out *d)
{
    if (d == NULL)
        return;
    if (d->tmp != NULL)
        remove_set(d, d->tmp);
    for (size_t i = 0; i < d->n; i++)
        free(d->names[i]);
    free(d->names);
    free(d->tmp);
    free(d->dir);
    free(d);
}
