/* Fuzz target: the parallel ratings reader on a mapped file, the path real
 * files take: chunks cut at line ends and parsed in parallel, pages given
 * back as parsed. The chunk size, which is 16 MiB in use, is set from the
 * first byte to a few dozen bytes, so small inputs cross many chunk and
 * batch boundaries. The mapped reading in small chunks must agree with
 * reading the same bytes from memory in one chunk: the same status, the
 * same line at fault, the same ratings and skips. */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dacc/file.h"
#include "dacc/notes.h"
#include "notes/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bytes as a file mapped the way the command line maps one, read with
 * DACC_NOTES_MAPPED so parsed pages are given back. */
static dacc_status read_mapped(dacc_notes *nt, const uint8_t *data, size_t size, unsigned flags,
                               dacc_error *err)
{
    int fd = memfd_create("ratings-00000.tsv", MFD_CLOEXEC);
    if (fd < 0)
        return DACC_ERR_IO;
    dacc_status st = DACC_ERR_IO;
    if (write(fd, data, size) == (ssize_t)size) {
        char path[64];
        dacc_file_data d;
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        if (dacc_file_load(path, 0, &d, err) == DACC_OK) {
            st = dacc_notes_read_memory(nt, 'r', path, d.data, d.len,
                                        flags | (d.mapped ? DACC_NOTES_MAPPED : 0), err);
            dacc_file_data_release(&d);
        }
    }
    close(fd);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned flags = (data[0] & 1) ? DACC_NOTES_LENIENT : 0;
    dacc_notes *a = dacc_notes_new(), *b = dacc_notes_new();
    if (a != NULL && b != NULL) {
        a->chunk_bytes = 1 + (data[0] >> 1);
        dacc_error ea, eb;
        dacc_status sa = read_mapped(a, data + 1, size - 1, flags, &ea);
        dacc_status sb =
            dacc_notes_read_memory(b, 'r', "m", (const char *)data + 1, size - 1, flags, &eb);
        int differ = sa != sb || (sa != DACC_OK && ea.line != eb.line) ||
                     (sa == DACC_OK && (dacc_notes_rating_count(a) != dacc_notes_rating_count(b) ||
                                        dacc_notes_skipped(a) != dacc_notes_skipped(b)));
        if (sa != DACC_ERR_IO && differ)
            __builtin_trap(); /* mapped and in-memory reading disagree */
    }
    dacc_notes_free(a);
    dacc_notes_free(b);
    return 0;
}
