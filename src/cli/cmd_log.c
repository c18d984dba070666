/* dacc log: a transparency log on disk (DIR/log.db, DIR/log.key,
 * DIR/log.pub) and the client and witness sides of checking one. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dacc/codec.h"
#include "dacc/file.h"
#include "dacc/tlog.h"
#include <sodium.h>

#include "cli.h"
#include "log_keys.h"

#define HB DACC_TLOG_HASH_BYTES

static int fail(const char *prog, const dacc_error *err)
{
    return cli_fail(prog, err);
}

/* A key file: one line, trailing newline optional. */
static dacc_status read_key_text(const char *path, char *out, size_t cap, dacc_error *err)
{
    char *data;
    size_t len;
    dacc_status st = dacc_file_read(path, 4096, &data, &len, err);
    if (st != DACC_OK)
        return st;
    while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
        len--;
    if (len >= cap) {
        free(data);
        return dacc_error_at(err, DACC_ERR_PARSE, path, 0, 0, "not a key file");
    }
    memcpy(out, data, len);
    out[len] = '\0';
    free(data);
    return DACC_OK;
}

dacc_status load_verifier(const char *path, dacc_tlog_verifier *v, dacc_error *err)
{
    char text[DACC_TLOG_KEY_TEXT_MAX];
    dacc_status st = read_key_text(path, text, sizeof text, err);
    if (st == DACC_OK && (st = dacc_tlog_verifier_parse(text, strlen(text), v, err)) != DACC_OK)
        dacc_error_prefix(err, "%s: ", path);
    return st;
}

dacc_status load_signer(const char *path, dacc_tlog_signer *s, dacc_error *err)
{
    char text[DACC_TLOG_KEY_TEXT_MAX];
    dacc_status st = read_key_text(path, text, sizeof text, err);
    if (st == DACC_OK && (st = dacc_tlog_signer_parse(text, strlen(text), s, err)) != DACC_OK)
        dacc_error_prefix(err, "%s: ", path);
    sodium_memzero(text, sizeof text);
    return st;
}

dacc_status write_key_files(const char *prefix, const dacc_tlog_signer *s, dacc_error *err)
{
    char path[4096], text[DACC_TLOG_KEY_TEXT_MAX + 1];
    dacc_tlog_signer_format(s, text);
    strcat(text, "\n");
    snprintf(path, sizeof path, "%s.key", prefix);
    mode_t old = umask(077); /* the private key is readable by its owner only */
    dacc_status st = dacc_file_write(path, text, strlen(text), err);
    umask(old);
    sodium_memzero(text, sizeof text);
    if (st != DACC_OK)
        return st;
    dacc_tlog_verifier_format(&s->v, text);
    strcat(text, "\n");
    snprintf(path, sizeof path, "%s.pub", prefix);
    return dacc_file_write(path, text, strlen(text), err);
}

static void dir_path(char *out, size_t cap, const char *dir, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

/* ---- keygen, init ---- */

int cmd_log_keygen(int argc, char **argv)
{
    static const char
        prog[] = "dacc log keygen",
        usage[] = "Usage: dacc log keygen (or dacc pause keygen) [--cosign] NAME PREFIX\n\n"
                  "Generate an Ed25519 key pair in the C2SP signed-note formats: PREFIX.key\n"
                  "(PRIVATE+KEY+NAME+HASH+..., mode 0600) and PREFIX.pub (NAME+HASH+...).\n"
                  "With --cosign the key is a witness key (type 0x04, cosignature/v1).\n";
    static const struct option longs[] = { { "cosign", no_argument, NULL, 'c' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    int ch, cosign = 0;
    while ((ch = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        if (ch == 'c')
            cosign = 1;
        else if (ch == 'h')
            return cli_help(usage);
        else
            return cli_usage(prog, "unknown option");
    }
    if (argc - optind != 2)
        return cli_usage(prog, "expected NAME and PREFIX");
    dacc_tlog_signer s;
    dacc_error err;
    dacc_status st = dacc_tlog_keygen(
        argv[optind], cosign ? DACC_TLOG_KEY_COSIGN : DACC_TLOG_KEY_ED25519, &s, &err);
    if (st == DACC_OK)
        st = write_key_files(argv[optind + 1], &s, &err);
    sodium_memzero(&s, sizeof s);
    return st == DACC_OK ? CLI_OK : fail(prog, &err);
}

static int cmd_init(int argc, char **argv)
{
    static const char
        prog[] = "dacc log init",
        usage[] = "Usage: dacc log init --origin ORIGIN DIR\n\n"
                  "Create a log in DIR: log.db (SQLite, WAL, synchronous=FULL), log.key and\n"
                  "log.pub (the log's Ed25519 note key, named ORIGIN). ORIGIN is the\n"
                  "checkpoint origin line, a schema-less URL such as example.org/dacc/round7.\n";
    static const struct option longs[] = { { "origin", required_argument, NULL, 'o' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    const char *origin = NULL;
    int ch;
    while ((ch = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
        if (ch == 'o')
            origin = optarg;
        else if (ch == 'h')
            return cli_help(usage);
        else
            return cli_usage(prog, "unknown option");
    }
    if (origin == NULL || argc - optind != 1)
        return cli_usage(prog, "expected --origin ORIGIN and DIR");
    const char *dir = argv[optind];
    char path[4096];
    dacc_error err;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return fail(prog,
                    (dacc_error_at(&err, DACC_ERR_IO, dir, 0, 0, "%s", strerror(errno)), &err));
    dir_path(path, sizeof path, dir, "log.db");
    dacc_tlog_signer s;
    dacc_status st = dacc_tlog_keygen(origin, DACC_TLOG_KEY_ED25519, &s, &err);
    if (st == DACC_OK)
        st = dacc_tlog_log_create(path, origin, &err);
    if (st == DACC_OK) {
        dir_path(path, sizeof path, dir, "log");
        st = write_key_files(path, &s, &err);
    }
    sodium_memzero(&s, sizeof s);
    if (st != DACC_OK)
        return fail(prog, &err);
    printf("created log %s in %s\n", origin, dir);
    return CLI_OK;
}

static dacc_status open_dir(const char *dir, int need_key, dacc_tlog_log **log, dacc_error *err)
{
    char path[4096];
    dacc_tlog_signer s;
    dacc_status st = DACC_OK;
    if (need_key) {
        dir_path(path, sizeof path, dir, "log.key");
        st = load_signer(path, &s, err);
    }
    dir_path(path, sizeof path, dir, "log.db");
    if (st == DACC_OK)
        st = dacc_tlog_log_open(path, need_key ? &s : NULL, log, err);
    sodium_memzero(&s, sizeof s);
    return st;
}

/* ---- append ---- */

typedef struct {
    char *data;
    size_t len;
    const void **ptr;
    size_t *lens;
    size_t n, cap;
} entry_list;

static dacc_status push_entry(entry_list *l, const char *p, size_t len, dacc_error *err)
{
    if (len > DACC_TLOG_ENTRY_MAX)
        return dacc_error_set(err, DACC_ERR_LIMIT, "entry %zu is %zu bytes, above %d", l->n, len,
                              DACC_TLOG_ENTRY_MAX);
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 1024;
        const void **ptr = realloc(l->ptr, cap * sizeof *ptr);
        if (ptr != NULL)
            l->ptr = ptr;
        size_t *lens = realloc(l->lens, cap * sizeof *lens);
        if (lens != NULL)
            l->lens = lens;
        if (ptr == NULL || lens == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        l->cap = cap;
    }
    l->ptr[l->n] = p;
    l->lens[l->n++] = len;
    return DACC_OK;
}

static dacc_status push_cb(void *ctx, const char *p, size_t len, dacc_error *err)
{
    return push_entry(ctx, p, len, err);
}

/* Splits data into entries: lines, u16 big-endian length prefixes, or the
 * whole file. */
static dacc_status split_entries(const char *name, const char *data, size_t len, int mode,
                                 entry_list *l, dacc_error *err)
{
    if (mode == 'w')
        return push_entry(l, data, len, err);
    return dacc_tlog_split_entries(name, data, len,
                                   mode == 'p' ? DACC_TLOG_SPLIT_PREFIXED : DACC_TLOG_SPLIT_LINES,
                                   push_cb, l, err);
}

/* Appends in transactions of batch entries and prints where they went:
 * other writers may append between two batches, so the indices are those
 * each transaction reports, not the size seen at open. */
static dacc_status append_batches(dacc_tlog_log *log, const entry_list *l, uint64_t batch,
                                  dacc_error *err)
{
    uint64_t first = 0, next = 0, f;
    int contiguous = 1;
    dacc_status st = DACC_OK;
    for (size_t done = 0; st == DACC_OK && done < l->n; done += batch) {
        size_t n = l->n - done < batch ? l->n - done : (size_t)batch;
        st = dacc_tlog_log_append(log, l->ptr + done, l->lens + done, n, &f, err);
        if (done == 0)
            first = f;
        contiguous &= done == 0 || f == next;
        next = f + n;
    }
    if (st != DACC_OK)
        return st;
    if (l->n == 0)
        printf("appended 0 entries; log size %" PRIu64 "\n", dacc_tlog_log_size(log));
    else if (contiguous)
        printf("appended %zu entries at %" PRIu64 "..%" PRIu64 "; log size %" PRIu64 "\n", l->n,
               first, next - 1, dacc_tlog_log_size(log));
    else
        printf("appended %zu entries from %" PRIu64 " to %" PRIu64
               ", with other writers' entries between batches; log size %" PRIu64 "\n",
               l->n, first, next - 1, dacc_tlog_log_size(log));
    return DACC_OK;
}

static int cmd_append(int argc, char **argv)
{
    static const char
        prog[] = "dacc log append",
        usage[] = "Usage: dacc log append [--length-prefixed | --whole] DIR [FILE...]\n\n"
                  "Append entries from FILEs (or standard input) to the log in DIR, in one\n"
                  "transaction with a new signed checkpoint; when the command returns 0 the\n"
                  "entries are durable. By default each line is one entry (its ending, \\n or\n"
                  "\\r\\n, is not part of it); --length-prefixed reads entries each preceded by\n"
                  "a 2-byte big-endian length (the tlog-tiles entry bundle format); --whole\n"
                  "makes each FILE one entry. Entries are at most 65535 bytes. Appends by\n"
                  "other processes wait for each other; a store that fails the cheap checks\n"
                  "(see dacc log audit) is not extended.\n"
                  "  -b, --batch N   entries per transaction (default 100000)\n";
    static const struct option longs[] = { { "length-prefixed", no_argument, NULL, 'p' },
                                           { "whole", no_argument, NULL, 'w' },
                                           { "batch", required_argument, NULL, 'b' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    int ch, mode = 'l', rc;
    uint64_t batch = 100000;
    while ((ch = getopt_long(argc, argv, "b:h", longs, NULL)) != -1) {
        if (ch == 'p' || ch == 'w')
            mode = ch;
        else if (ch == 'b' && (rc = cli_opt_u64(prog, "--batch", optarg, 1, 10000000, &batch)))
            return rc;
        else if (ch == 'h')
            return cli_help(usage);
        else if (ch != 'b')
            return cli_usage(prog, "unknown option");
    }
    if (optind >= argc)
        return cli_usage(prog, "expected DIR");
    const char *dir = argv[optind++];
    dacc_error err;
    dacc_tlog_log *log;
    if (open_dir(dir, 1, &log, &err) != DACC_OK)
        return fail(prog, &err);
    char *files[256];
    size_t nf = 0;
    entry_list l = { 0 };
    dacc_status st = DACC_OK;
    const char *stdin_name[] = { "-" };
    int nin = optind < argc ? argc - optind : 1;
    for (int i = 0; i < nin && st == DACC_OK; i++) {
        const char *path = optind < argc ? argv[optind + i] : stdin_name[0];
        size_t len;
        if (nf == 256) {
            st = dacc_error_set(&err, DACC_ERR_LIMIT, "at most 256 files");
            break;
        }
        st = dacc_file_read(path, (size_t)1 << 33, &files[nf], &len, &err);
        if (st == DACC_OK)
            st = split_entries(path, files[nf++], len, mode, &l, &err);
    }
    if (st == DACC_OK)
        st = append_batches(log, &l, batch, &err);
    for (size_t i = 0; i < nf; i++)
        free(files[i]);
    free(l.ptr);
    free(l.lens);
    dacc_tlog_log_free(log);
    return st == DACC_OK ? CLI_OK : fail(prog, &err);
}

/* ---- checkpoint, proofs ---- */

static int cmd_checkpoint(int argc, char **argv)
{
    static const char prog[] = "dacc log checkpoint";
    if (argc == 2 && strcmp(argv[1], "--help") == 0)
        return cli_help("Usage: dacc log checkpoint DIR\n\n"
                        "Print the log's latest signed checkpoint (a C2SP signed note).\n");
    if (argc != 2)
        return cli_usage(prog, "expected DIR");
    dacc_error err;
    dacc_tlog_log *log;
    char *note;
    size_t len;
    dacc_status st = open_dir(argv[1], 0, &log, &err);
    if (st != DACC_OK)
        return fail(prog, &err);
    st = dacc_tlog_log_checkpoint(log, &note, &len, &err);
    if (st == DACC_OK) {
        fwrite(note, 1, len, stdout);
        free(note);
    }
    dacc_tlog_log_free(log);
    return st == DACC_OK ? CLI_OK : fail(prog, &err);
}

static int parse_prove_args(const char *prog, const char *usage, int argc, char **argv, uint64_t *a,
                            uint64_t *size, int *has_size)
{
    static const struct option longs[] = { { "size", required_argument, NULL, 's' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    int ch, rc;
    *has_size = 0;
    while ((ch = getopt_long(argc, argv, "s:h", longs, NULL)) != -1) {
        if (ch == 's') {
            if ((rc = cli_opt_u64(prog, "--size", optarg, 1, INT64_MAX, size)))
                return rc;
            *has_size = 1;
        } else if (ch == 'h') {
            cli_help(usage);
            return -1;
        } else {
            return cli_usage(prog, "unknown option");
        }
    }
    if (argc - optind != 2)
        return cli_usage(prog, "expected DIR and a number");
    return cli_opt_u64(prog, "the index", argv[optind + 1], 0, INT64_MAX, a);
}

static int cmd_prove(int argc, char **argv, int consistency)
{
    const char *prog = consistency ? "dacc log prove-consistency" : "dacc log prove-inclusion";
    const char *usage =
        consistency ? "Usage: dacc log prove-consistency [--size N] DIR OLD_SIZE\n\n"
                      "Print the consistency proof from the tree of OLD_SIZE entries to the tree\n"
                      "of N (default: the current size), in the format of docs/tlog.md.\n"
                    : "Usage: dacc log prove-inclusion [--size N] DIR INDEX\n\n"
                      "Print the inclusion proof of entry INDEX in the tree of N entries\n"
                      "(default: the current size), in the format of docs/tlog.md.\n";
    uint64_t a, size = 0;
    int has_size, rc = parse_prove_args(prog, usage, argc, argv, &a, &size, &has_size);
    if (rc < 0)
        return CLI_OK;
    if (rc != CLI_OK)
        return rc;
    dacc_error err;
    dacc_tlog_log *log;
    if (open_dir(argv[optind], 0, &log, &err) != DACC_OK)
        return fail(prog, &err);
    if (!has_size)
        size = dacc_tlog_log_size(log);
    dacc_status st = DACC_OK;
    uint8_t proof[DACC_TLOG_MAX_PROOF][HB];
    size_t n = 0;
    if (size > dacc_tlog_log_size(log))
        st = dacc_error_set(&err, DACC_ERR_RANGE, "size %" PRIu64 " is past the log (%" PRIu64 ")",
                            size, dacc_tlog_log_size(log));
    else if (consistency && (a == 0 || a > size))
        st = dacc_error_set(&err, DACC_ERR_RANGE, "old size %" PRIu64 " must be in 1..%" PRIu64, a,
                            size);
    else if (!consistency && a >= size)
        st = dacc_error_set(&err, DACC_ERR_RANGE, "index %" PRIu64 " is not below size %" PRIu64, a,
                            size);
    else if ((st = consistency
                       ? dacc_tlog_prove_consistency(dacc_tlog_log_hash, log, a, size, proof, &n)
                       : dacc_tlog_prove_inclusion(dacc_tlog_log_hash, log, a, size, proof, &n)) !=
             DACC_OK)
        dacc_error_set(&err, st, "cannot build the proof from the store");
    if (st == DACC_OK) {
        dacc_tlog_proof p = { .consistency = consistency != 0, .a = a, .size = size, .n = n };
        memcpy(p.hash, proof, n * HB);
        char text[DACC_TLOG_MAX_PROOF * 52 + 128];
        fwrite(text, 1, dacc_tlog_proof_format(&p, text, sizeof text), stdout);
    }
    dacc_tlog_log_free(log);
    return st == DACC_OK ? CLI_OK : fail(prog, &err);
}

static int cmd_prove_inclusion(int argc, char **argv)
{
    return cmd_prove(argc, argv, 0);
}
static int cmd_prove_consistency(int argc, char **argv)
{
    return cmd_prove(argc, argv, 1);
}

/* ---- audit ---- */

static int cmd_audit(int argc, char **argv)
{
    static const char
        prog[] = "dacc log audit",
        usage[] = "Usage: dacc log audit [--integrity] DIR\n\n"
                  "Check the whole log in one consistent snapshot, without writing to it:\n"
                  "SQLite's quick_check of the database, then every entry (rehashed), every\n"
                  "hash of the tree (none missing, none extra, each equal to the recomputed\n"
                  "one) and every stored checkpoint (its signature by DIR/log.pub and its\n"
                  "root), counted against the tree size. Safe while others append.\n"
                  "  --integrity   run SQLite's slower integrity_check instead of quick_check\n";
    static const struct option longs[] = { { "integrity", no_argument, NULL, 'i' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    unsigned flags = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        if (ch == 'i')
            flags |= DACC_TLOG_AUDIT_INTEGRITY;
        else if (ch == 'h')
            return cli_help(usage);
        else
            return cli_usage(prog, "unknown option");
    }
    if (argc - optind != 1)
        return cli_usage(prog, "expected DIR");
    dacc_error err;
    dacc_tlog_log *log;
    dacc_tlog_verifier v;
    char path[4096];
    dir_path(path, sizeof path, argv[optind], "log.pub");
    dacc_status st = load_verifier(path, &v, &err);
    if (st == DACC_OK)
        st = open_dir(argv[optind], 0, &log, &err);
    if (st != DACC_OK)
        return fail(prog, &err);
    dacc_tlog_audit_report r;
    st = dacc_tlog_log_audit(log, &v, flags, &r, &err);
    if (st == DACC_OK)
        printf("audit passed: %" PRIu64 " entries, %" PRIu64 " hashes, %" PRIu64
               " checkpoints checked; SQLite %s ok\n",
               r.entries, r.hashes, r.checkpoints, flags ? "integrity_check" : "quick_check");
    dacc_tlog_log_free(log);
    return st == DACC_OK ? CLI_OK : fail(prog, &err);
}

/* ---- tiles ---- */

/* The sink of dacc_tlog_tiles_write: rel under the directory ctx, creating
 * the directories on its path. */
static dacc_status write_at(void *ctx, const char *rel, const void *data, size_t len,
                            dacc_error *err)
{
    const char *root = ctx;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "%s", strerror(errno));
            return DACC_ERR_IO;
        }
        *p = '/';
    }
    return dacc_file_write(path, data, len, err);
}

static int cmd_tiles(int argc, char **argv)
{
    static const char prog[] = "dacc log tiles";
    if (argc == 2 && strcmp(argv[1], "--help") == 0)
        return cli_help(
            "Usage: dacc log tiles DIR OUT\n\n"
            "Write the log as static files in the C2SP tlog-tiles layout: OUT/checkpoint,\n"
            "OUT/tile/L/N[.p/W] (hash tiles of height 8) and OUT/tile/entries/N[.p/W]\n"
            "(entry bundles, each entry preceded by its 2-byte big-endian length), for\n"
            "the tree of the latest checkpoint.\n");
    if (argc != 3)
        return cli_usage(prog, "expected DIR and OUT");
    dacc_error err;
    dacc_tlog_log *log;
    if (open_dir(argv[1], 0, &log, &err) != DACC_OK)
        return fail(prog, &err);
    const char *out = argv[2];
    uint64_t size = dacc_tlog_log_size(log), count = 0;
    dacc_status st = mkdir(out, 0777) != 0 && errno != EEXIST
                         ? dacc_error_at(&err, DACC_ERR_IO, out, 0, 0, "%s", strerror(errno))
                         : dacc_tlog_tiles_write(log, write_at, (void *)out, &count, &err);
    if (st == DACC_OK)
        printf("wrote %" PRIu64 " tiles and bundles for %" PRIu64 " entries to %s\n", count, size,
               out);
    dacc_tlog_log_free(log);
    return st == DACC_OK ? CLI_OK : fail(prog, &err);
}

static const cli_command subcommands[] = {
    { "init", "create a log: database and signing key", cmd_init },
    { "keygen", "generate a note or witness (cosignature) key pair", cmd_log_keygen },
    { "append", "append entries durably, with a new signed checkpoint", cmd_append },
    { "checkpoint", "print the latest signed checkpoint", cmd_checkpoint },
    { "prove-inclusion", "inclusion proof of an entry", cmd_prove_inclusion },
    { "prove-consistency", "consistency proof between two tree sizes", cmd_prove_consistency },
    { "verify", "verify a checkpoint, a note, or a proof against a checkpoint", cmd_log_verify },
    { "cosign", "act as a witness: check consistency, then cosign", cmd_log_cosign },
    { "tiles", "write the log as static C2SP tiles", cmd_tiles },
    { "audit", "recompute everything and check every stored checkpoint", cmd_audit },
};

int cmd_log(int argc, char **argv)
{
    static const char about[] =
        "A transparency log: an append-only Merkle tree (RFC 6962) with C2SP signed\n"
        "checkpoints, proofs, witness cosignatures and static tiles, stored crash-safe\n"
        "in SQLite. Formats: docs/tlog.md.";
    return cli_dispatch("dacc log", about, subcommands, sizeof subcommands / sizeof subcommands[0],
                        argc, argv);
}
