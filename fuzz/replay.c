/* Runs a fuzz target over files and directories of inputs, without libFuzzer:
 * the corpus becomes a regression test in every test build. Each input has
 * a time limit (DACC_FUZZ_TIMEOUT seconds, default 10), as libFuzzer's
 * -timeout gives it, so a hang is a failure that names its input (the last
 * one printed) rather than a test that runs until ctest gives up. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dacc/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned time_limit(void)
{
    const char *s = getenv("DACC_FUZZ_TIMEOUT");
    long v = s != NULL ? strtol(s, NULL, 10) : 0;
    return v > 0 && v < 86400 ? (unsigned)v : 10;
}

static int replay_file(const char *path)
{
    char *data;
    size_t len;
    dacc_error err;
    if (dacc_file_read(path, 0, &data, &len, &err) != DACC_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 0;
    }
    printf("input %s\n", path);
    fflush(stdout);
    alarm(time_limit()); /* SIGALRM's default action ends the run as a failure */
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    alarm(0);
    free(data);
    return 1;
}

static int replay_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        perror(dir);
        return 0;
    }
    struct dirent *e;
    int ok = 1;
    while (ok && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(n);
        if (path == NULL)
            break;
        snprintf(path, n, "%s/%s", dir, e->d_name);
        ok = replay_file(path);
        *count += ok;
        free(path);
    }
    closedir(d);
    return ok;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0) {
            perror(argv[i]);
            return 1;
        }
        if (S_ISDIR(sb.st_mode) ? !replay_dir(argv[i], &count) : !replay_file(argv[i]))
            return 1;
        count += !S_ISDIR(sb.st_mode);
    }
    printf("replayed %zu inputs\n", count);
    return count > 0 ? 0 : 1;
}
