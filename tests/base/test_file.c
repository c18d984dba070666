#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dacc/file.h"
#include "support.h"

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

Test(file, atomic_write_creates_and_replaces)
{
    char *dir = make_temp_dir();
    char *path = path_join(dir, "out.txt");
    cr_assert_eq(dacc_file_write(path, "first\n", 6, NULL), DACC_OK);
    char *text = read_text(path, NULL);
    cr_assert_str_eq(text, "first\n");
    free(text);
    cr_assert_eq(dacc_file_write(path, "second\n", 7, NULL), DACC_OK);
    text = read_text(path, NULL);
    cr_assert_str_eq(text, "second\n");
    free(text);
    cr_assert_eq(count_entries(dir), 1, "no temporary file is left behind");
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert(sb.st_mode & S_IRUSR);
    remove_tree(dir);
    free(dir);
    free(path);
}

Test(file, abort_leaves_the_old_file_untouched)
{
    char *dir = make_temp_dir();
    char *path = path_join(dir, "result.csv");
    write_text(path, "old contents\n");
    dacc_file_out *f;
    cr_assert_eq(dacc_file_out_open(path, &f, NULL), DACC_OK);
    fputs("half a new res", dacc_file_out_fp(f));
    cr_assert_eq(count_entries(dir), 2, "the output goes to a temporary file");
    char *text = read_text(path, NULL);
    cr_assert_str_eq(text, "old contents\n", "the target is untouched while writing");
    free(text);
    dacc_file_out_abort(f);
    text = read_text(path, NULL);
    cr_assert_str_eq(text, "old contents\n");
    free(text);
    cr_assert_eq(count_entries(dir), 1);
    dacc_file_out_abort(NULL);
    remove_tree(dir);
    free(dir);
    free(path);
}

Test(file, open_fails_cleanly)
{
    dacc_file_out *f = NULL;
    dacc_error e;
    cr_assert_eq(dacc_file_out_open("/nonexistent/dir/x.csv", &f, &e), DACC_ERR_IO);
    cr_assert(strstr(e.message, "/nonexistent/dir/x.csv: cannot create") == e.message, "%s",
              e.message);
    cr_assert_eq(dacc_file_out_open("", &f, &e), DACC_ERR_INVALID);
    cr_assert_eq(dacc_file_out_open("somedir/", &f, &e), DACC_ERR_INVALID);
}

Test(file, commit_reports_write_errors)
{
    /* /dev/full accepts the open of a temporary file only if its directory
     * is writable, so emulate a failing stream by writing to a closed one:
     * an output whose directory vanished before the rename. */
    char *dir = make_temp_dir();
    char *sub = path_join(dir, "sub");
    cr_assert_eq(mkdir(sub, 0700), 0);
    char *path = path_join(sub, "x.txt");
    dacc_file_out *f;
    cr_assert_eq(dacc_file_out_open(path, &f, NULL), DACC_OK);
    fputs("data", dacc_file_out_fp(f));
    remove_tree(sub); /* removes the temporary file and the directory */
    dacc_error e;
    cr_assert_eq(dacc_file_out_commit(f, &e), DACC_ERR_IO);
    cr_assert(strstr(e.message, "rename failed") != NULL, "%s", e.message);
    remove_tree(dir);
    free(dir);
    free(sub);
    free(path);
}

Test(file, read_whole_file_with_limit)
{
    char *dir = make_temp_dir();
    char *path = path_join(dir, "in.txt");
    write_text(path, "0123456789");
    char *data;
    size_t len;
    cr_assert_eq(dacc_file_read(path, 0, &data, &len, NULL), DACC_OK);
    cr_assert_eq(len, 10);
    cr_assert_str_eq(data, "0123456789");
    free(data);
    dacc_error e;
    cr_assert_eq(dacc_file_read(path, 5, &data, &len, &e), DACC_ERR_LIMIT);
    cr_assert(strstr(e.message, "larger than 5 bytes") != NULL, "%s", e.message);
    cr_assert_eq(dacc_file_read("/nonexistent", 0, &data, &len, &e), DACC_ERR_IO);
    remove_tree(dir);
    free(dir);
    free(path);
}

Test(file, map_regular_and_empty_files)
{
    char *dir = make_temp_dir();
    char *path = path_join(dir, "m.txt");
    write_text(path, "mapped");
    const void *data;
    size_t len;
    cr_assert_eq(dacc_file_map(path, &data, &len, NULL), DACC_OK);
    cr_assert_eq(len, 6);
    cr_assert_eq(memcmp(data, "mapped", 6), 0);
    dacc_file_unmap(data, len);
    write_text(path, "");
    cr_assert_eq(dacc_file_map(path, &data, &len, NULL), DACC_OK);
    cr_assert_eq(len, 0);
    cr_assert_not_null(data);
    dacc_file_unmap(data, len);
    dacc_error e;
    cr_assert_eq(dacc_file_map(dir, &data, &len, &e), DACC_ERR_UNSUPPORTED);
    cr_assert_eq(dacc_file_map("-", &data, &len, &e), DACC_ERR_UNSUPPORTED);
    cr_assert_eq(dacc_file_map("/nonexistent", &data, &len, &e), DACC_ERR_IO);
    remove_tree(dir);
    free(dir);
    free(path);
}

/* A regular file is mapped, a pipe read; both give the same bytes. */
Test(file, load_maps_files_and_reads_pipes)
{
    char *dir = make_temp_dir(), *path = path_join(dir, "in.csv");
    write_text(path, "a,b\n1,2\n");
    dacc_file_data d;
    dacc_error err;
    cr_assert_eq(dacc_file_load(path, 0, &d, &err), DACC_OK, "%s", err.message);
    cr_assert(d.mapped);
    cr_assert_eq(d.len, 8);
    cr_assert_eq(memcmp(d.data, "a,b\n1,2\n", 8), 0);
    dacc_file_data_release(&d);
    cr_assert_null(d.data);
    cr_assert_eq(dacc_file_load(path, 4, &d, &err), DACC_ERR_LIMIT);
    cr_assert_null(d.data);
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    cr_assert_eq(write(fds[1], "x,y\n", 4), 4);
    close(fds[1]);
    char fdpath[64];
    snprintf(fdpath, sizeof fdpath, "/dev/fd/%d", fds[0]);
    cr_assert_eq(dacc_file_load(fdpath, 0, &d, &err), DACC_OK, "%s", err.message);
    cr_assert_not(d.mapped);
    cr_assert_eq(d.len, 4);
    cr_assert_eq(memcmp(d.data, "x,y\n", 4), 0);
    dacc_file_data_release(&d);
    close(fds[0]);
    cr_assert_eq(dacc_file_load(dir, 0, &d, &err), DACC_ERR_IO); /* a directory reads as nothing */
    char *missing = path_join(dir, "missing.csv");
    cr_assert_eq(dacc_file_load(missing, 0, &d, &err), DACC_ERR_IO);
    cr_assert(strstr(err.message, "missing.csv") != NULL, "%s", err.message);
    remove_tree(dir);
    free(dir), free(path), free(missing);
}

Test(file, dir_list_filters_and_sorts)
{
    char *dir = make_temp_dir();
    const char *files[] = { "ratings-00001.tsv", "ratings-00000.tsv", "ratings.tsv.bak",
                            "notes-00000.tsv",   "ratings-b.tsv",     "ratings" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p = path_join(dir, files[i]);
        write_text(p, "");
        free(p);
    }
    char **names;
    size_t n;
    dacc_error err;
    cr_assert_eq(dacc_dir_list(dir, "ratings", ".tsv", &names, &n, &err), DACC_OK);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(names[0], "ratings-00000.tsv");
    cr_assert_str_eq(names[1], "ratings-00001.tsv");
    cr_assert_str_eq(names[2], "ratings-b.tsv");
    dacc_dir_list_free(names, n);
    cr_assert_eq(dacc_dir_list(dir, "votes", ".tsv", &names, &n, &err), DACC_OK);
    cr_assert_eq(n, 0);
    dacc_dir_list_free(names, n);
    char *missing = path_join(dir, "nowhere");
    cr_assert_eq(dacc_dir_list(missing, "", "", &names, &n, &err), DACC_ERR_IO);
    remove_tree(dir);
    free(dir), free(missing);
}
