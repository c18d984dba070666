#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
