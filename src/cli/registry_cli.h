/* Private to dacc registry (src/cli/cmd_registry*.c, registry_model.c). */
#ifndef DACC_REGISTRY_CLI_H
#define DACC_REGISTRY_CLI_H

#include "cli.h"
#include "dacc/progress.h"
#include "dacc/registry.h"

typedef struct {
    int shards;
    uint64_t shard_size;
    int allow_symlinks;
    const char *const *ignore; /* relative to the model root */
    size_t nignore;
} registry_model_opts;

typedef struct {
    dacc_registry_item *items; /* paths owned */
    uint64_t *sizes;           /* the size of each item's file */
    size_t n, cap;
    int single_file; /* the model is one file, its item "." */
} registry_model;

/* Lists the files (or shards) of the model at path as model-signing does:
 * every regular file below it, ignore paths left out, a symbolic link an
 * error naming it unless allowed (then its target is hashed; a linked
 * directory is not walked), anything else (a socket, a device) an error. */
dacc_status registry_model_list(const char *path, const registry_model_opts *o, registry_model *m,
                                dacc_error *err);
/* Hashes every item on threads threads (0: one per core), each file read
 * in 1 MiB blocks, largest items first; the bytes read show on pr (may be
 * NULL; not owned) as the stage "hashing the model (bytes)". */
dacc_status registry_model_hash(const char *path, registry_model *m, unsigned threads,
                                dacc_progress *pr, dacc_error *err);
void registry_model_free(registry_model *m);

/* Logs record r in the log directory dir (made by dacc log init): its
 * envelope kept as dir/registry/<digest>.dsse, then its leaf appended with
 * a new signed checkpoint; *index gets the leaf's index. */
dacc_status registry_log_append(const char *dir, const dacc_registry_record *r, uint64_t *index,
                                dacc_error *err);
int cmd_registry_trace(int argc, char **argv);
int cmd_registry_redact(int argc, char **argv);

#endif
