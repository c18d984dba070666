/* Pieces of the file layer shared by single outputs (file.c) and output
 * sets (dirout.c); private to src/base. */
#ifndef DACC_BASE_FILE_INTERNAL_H
#define DACC_BASE_FILE_INTERNAL_H

/* A new name ".BASE.WHAT-XXXXXXXX" beside path, created as a file (returns
 * its descriptor) or, with dir set, a directory (returns 0); -1 with errno
 * on failure. *tmp_out gets the malloc'd name. */
int base_make_temp(const char *path, const char *what, int dir, char **tmp_out);

/* The directory part of path ("." when none), malloc'd; NULL when out of
 * memory. */
char *base_dir_of(const char *path);

/* fsync of the directory holding path, where the file system allows it. */
void base_sync_dir(const char *path);

#endif
