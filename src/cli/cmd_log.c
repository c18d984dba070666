/* dacc log: a transparency log on disk (DIR/log.db, DIR/log.key,
 * DIR/log.pub) and the client and witness sides of checking one. */
#include <errno.h>
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
#include "flat.h"
#include "spec.h"
#include "log_keys.h"
#include "log_source.h"

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
    return log_keygen_as(&cli_spec_log, argc, argv);
}

int log_keygen_as(const cli_spec *spec, int argc, char **argv)
{
    const char *prog = spec == &cli_spec_log ? "dacc log keygen" : "dacc pause keygen";
    int ch, cosign = 0;
    cli_parser p;
    cli_parse_begin(&p, spec, "keygen", argc, argv);
    while ((ch = cli_next(&p)) > 0) {
        if (ch == 'c')
            cosign = 1;
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
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
    static const char prog[] = "dacc log init";
    const char *origin = NULL, *store = NULL;
    int ch;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_log, "init", argc, argv);
    while ((ch = cli_next(&p)) > 0) {
        if (ch == 'o')
            origin = optarg;
        else if (ch == 's' && source_is_pg(optarg))
            store = optarg;
        else if (ch == 's')
            return cli_usage(prog, "--store: expected a postgres:// URL, got '%s'", optarg);
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    if (origin == NULL || argc - optind != 1)
        return cli_usage(prog, "expected --origin ORIGIN and DIR");
    const char *dir = argv[optind];
    char path[4096];
    dacc_error err;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return fail(prog,
                    (dacc_error_at(&err, DACC_ERR_IO, dir, 0, 0, "%s", strerror(errno)), &err));
    if (store != NULL)
        snprintf(path, sizeof path, "%s", store);
    else
        dir_path(path, sizeof path, dir, "log.db");
    dacc_tlog_signer s;
    dacc_status st = dacc_tlog_keygen(origin, DACC_TLOG_KEY_ED25519, &s, &err);
    if (st == DACC_OK)
        st = dacc_tlog_log_create(path, origin, &err);
    if (st == DACC_OK && store != NULL)
        st = source_write_store(dir, store, &err);
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
    if (st == DACC_OK)
        st = source_store_name(dir, path, sizeof path, err);
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
    static const char prog[] = "dacc log append";
    int ch, mode = 'l', rc;
    uint64_t batch = 100000;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_log, "append", argc, argv);
    while ((ch = cli_next(&p)) > 0) {
        if (ch == 'p' || ch == 'w')
            mode = ch;
        else if (ch == 'b' && (rc = cli_opt_u64(prog, "--batch", optarg, 1, 10000000, &batch)))
            return rc;
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
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

/* ---- the read side: checkpoint, proofs, entries, audit ---- */

/* What DIR may be, in every read-side description. */
#define SOURCE_TEXT                                                                                \
    "\nDIR is a log store (DIR/log.db), a directory written by dacc log tiles\n"                   \
    "(DIR/checkpoint, DIR/tile/...), or a node's URL (http://HOST:PORT, with --key),\n"            \
    "read the same way."

typedef struct {
    const char *key;
    uint64_t size;
    int has_size, format, integrity;
    int out_format; /* audit: a cli_format */
} read_opts;

/* Options of the read-side commands; returns -1 after --help, else a CLI code. */
static int parse_read(const char *prog, int argc, char **argv, int nargs, read_opts *o)
{
    int ch, rc;
    memset(o, 0, sizeof *o);
    o->format = DACC_TLOG_PROOF_C2SP;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_log, prog + strlen("dacc log "), argc, argv);
    while ((ch = cli_next(&p)) > 0) {
        if (ch == 's') {
            if ((rc = cli_opt_u64(prog, "--size", optarg, 1, INT64_MAX, &o->size)))
                return rc;
            o->has_size = 1;
        } else if (ch == 'k') {
            o->key = optarg;
        } else if (ch == 'f' && strcmp(optarg, "tlog-proof") == 0) {
            o->format = DACC_TLOG_PROOF_C2SP;
        } else if (ch == 'f' && strcmp(optarg, "dacc-proof") == 0) {
            o->format = DACC_TLOG_PROOF_DACC;
        } else if (ch == 'f') {
            return cli_usage(prog, "--format is tlog-proof or dacc-proof, not \"%s\"", optarg);
        } else if (ch == 'i') {
            o->integrity = 1;
        } else if (ch == 'F') {
            cli_format f;
            if ((rc = cli_opt_format(prog, optarg, CLI_ALLOW_TEXT | CLI_ALLOW_JSON | CLI_ALLOW_CSV,
                                     &f)))
                return rc;
            o->out_format = (int)f;
        }
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
    if (argc - optind != nargs)
        return cli_usage(prog, nargs == 1 ? "expected DIR" : "expected DIR and a number");
    return CLI_OK;
}

static dacc_status open_source(const char *dir, const char *key_file, log_source *src,
                               dacc_error *err)
{
    dacc_tlog_verifier v;
    dacc_status st = key_file ? load_verifier(key_file, &v, err) : DACC_OK;
    return st == DACC_OK ? source_open(dir, key_file ? &v : NULL, src, err) : st;
}

static int cmd_checkpoint(int argc, char **argv)
{
    static const char prog[] = "dacc log checkpoint";
    read_opts o;
    int rc = parse_read(prog, argc, argv, 1, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    dacc_error err;
    log_source src;
    if (open_source(argv[optind], o.key, &src, &err) != DACC_OK)
        return fail(prog, &err);
    if (src.empty) {
        dacc_error_at(&err, DACC_ERR_NOTFOUND, argv[optind], 0, 0, "no checkpoint yet");
        source_close(&src);
        return fail(prog, &err);
    }
    fwrite(src.note, 1, src.note_len, stdout);
    source_close(&src);
    return CLI_OK;
}

/* Refuses what has no proof: sizes past the log, indices past the size. */
static dacc_status check_prove_range(const log_source *src, int consistency, uint64_t a,
                                     uint64_t size, dacc_error *err)
{
    if (size > src->cp.size)
        return dacc_error_set(err, DACC_ERR_RANGE, "size %" PRIu64 " is past the log (%" PRIu64 ")",
                              size, src->cp.size);
    if (consistency && (a == 0 || a > size))
        return dacc_error_set(err, DACC_ERR_RANGE, "old size %" PRIu64 " must be in 1..%" PRIu64, a,
                              size);
    if (!consistency && a >= size)
        return dacc_error_set(err, DACC_ERR_RANGE, "index %" PRIu64 " is not below size %" PRIu64,
                              a, size);
    return DACC_OK;
}

/* Builds the proof and, at the checkpoint's size, checks it against the
 * checkpoint's root, so a damaged tile or store is refused, not passed on. */
static dacc_status build_proof(log_source *src, dacc_tlog_proof *p, dacc_error *err)
{
    dacc_tlog_hash_fn fn = source_hash_fn(src);
    void *ctx = source_hash_ctx(src);
    uint8_t first[HB];
    dacc_status st = p->consistency
                         ? dacc_tlog_prove_consistency(fn, ctx, p->a, p->size, p->hash, &p->n)
                         : dacc_tlog_prove_inclusion(fn, ctx, p->a, p->size, p->hash, &p->n);
    if (st == DACC_OK)
        st = p->consistency ? dacc_tlog_tree_hash(fn, ctx, p->a, first) : fn(ctx, 0, p->a, first);
    if (st != DACC_OK)
        return source_hash_failed(src, st, err);
    if (p->size != src->cp.size)
        return DACC_OK;
    const uint8_t(*h)[HB] = (const uint8_t(*)[HB])p->hash;
    st = p->consistency ? dacc_tlog_verify_consistency(p->a, p->size, h, p->n, first, src->cp.root)
                        : dacc_tlog_verify_inclusion(first, p->a, p->size, h, p->n, src->cp.root);
    return st == DACC_OK ? DACC_OK
                         : dacc_error_set(err, DACC_ERR_VERIFY,
                                          "%s: the proof built from it does not lead to its "
                                          "checkpoint's root: a %s is corrupt",
                                          src->dir, source_is_tiles(src) ? "tile" : "stored hash");
}

static dacc_status print_proof(const log_source *src, dacc_tlog_proof *p, dacc_error *err)
{
    if (p->format == DACC_TLOG_PROOF_C2SP) {
        if (p->size != src->cp.size)
            return dacc_error_set(err, DACC_ERR_INVALID,
                                  "a tlog-proof carries the checkpoint of its size, and %s has "
                                  "one for size %" PRIu64 " only: use --format dacc-proof for "
                                  "--size %" PRIu64,
                                  src->dir, src->cp.size, p->size);
        p->checkpoint = src->note;
        p->checkpoint_len = src->note_len;
    }
    size_t cap = DACC_TLOG_MAX_PROOF * 52 + 128 + src->note_len;
    char *text = malloc(cap);
    if (text == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    fwrite(text, 1, dacc_tlog_proof_format(p, text, cap), stdout);
    free(text);
    return DACC_OK;
}

static int cmd_prove(int argc, char **argv, int consistency)
{
    const char *prog = consistency ? "dacc log prove-consistency" : "dacc log prove-inclusion";

    read_opts o;
    int rc = parse_read(prog, argc, argv, 2, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    uint64_t a;
    if ((rc = cli_opt_u64(prog, consistency ? "OLD_SIZE" : "INDEX", argv[optind + 1], 0, INT64_MAX,
                          &a)) != CLI_OK)
        return rc;
    dacc_error err;
    log_source src;
    if (open_source(argv[optind], o.key, &src, &err) != DACC_OK)
        return fail(prog, &err);
    dacc_tlog_proof p = { .consistency = consistency != 0,
                          .a = a,
                          .size = o.has_size ? o.size : src.cp.size,
                          .format = consistency ? DACC_TLOG_PROOF_DACC : o.format };
    dacc_status st = check_prove_range(&src, consistency, a, p.size, &err);
    if (st == DACC_OK)
        st = build_proof(&src, &p, &err);
    if (st == DACC_OK)
        st = print_proof(&src, &p, &err);
    source_close(&src);
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

static int cmd_entry(int argc, char **argv)
{
    static const char prog[] = "dacc log entry";
    read_opts o;
    int rc = parse_read(prog, argc, argv, 2, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    uint64_t index;
    if ((rc = cli_opt_u64(prog, "INDEX", argv[optind + 1], 0, INT64_MAX, &index)) != CLI_OK)
        return rc;
    dacc_error err;
    log_source src;
    uint8_t *data = NULL;
    size_t len = 0;
    if (open_source(argv[optind], o.key, &src, &err) != DACC_OK)
        return fail(prog, &err);
    dacc_status st = source_entry(&src, index, &data, &len, &err);
    if (st == DACC_OK)
        fwrite(data, 1, len, stdout);
    free(data);
    source_close(&src);
    return st == DACC_OK ? CLI_OK : fail(prog, &err);
}

/* What the audit checked, in the format asked for. */
static void print_audit(const log_source *src, const dacc_tlog_audit_report *r, int integrity,
                        cli_format f)
{
    const char *what = source_is_tiles(src)             ? "tiles complete"
                       : dacc_tlog_log_shared(src->log) ? "PostgreSQL append-only triggers"
                       : integrity                      ? "SQLite integrity_check"
                                                        : "SQLite quick_check";
    if (f != CLI_FORMAT_TEXT) {
        json_t *doc = json_pack(
            "{s:s,s:I,s:I,s:I,s:I,s:s}", "audit", "passed", "size", (json_int_t)r->size, "entries",
            (json_int_t)r->entries, "hashes", (json_int_t)r->hashes, "checkpoints",
            (json_int_t)(source_is_tiles(src) ? 1 : r->checkpoints), "store", what);
        cli_write_flat(stdout, f, doc);
        json_decref(doc);
    } else if (source_is_tiles(src)) {
        printf("audit passed: %" PRIu64 " entries, %" PRIu64
               " hashes, 1 checkpoint checked; tiles of size %" PRIu64 " complete\n",
               r->entries, r->hashes, r->size);
    } else if (dacc_tlog_log_shared(src->log)) {
        printf("audit passed: %" PRIu64 " entries, %" PRIu64 " hashes, %" PRIu64
               " checkpoints checked; PostgreSQL append-only triggers in place\n",
               r->entries, r->hashes, r->checkpoints);
    } else {
        printf("audit passed: %" PRIu64 " entries, %" PRIu64 " hashes, %" PRIu64
               " checkpoints checked; SQLite %s ok\n",
               r->entries, r->hashes, r->checkpoints,
               integrity ? "integrity_check" : "quick_check");
    }
}

/* The audit, its progress on a terminal (erased before the result). */
static dacc_status audit_source(log_source *src, const dacc_tlog_verifier *v, const read_opts *o,
                                dacc_error *err)
{
    dacc_tlog_audit_report r;
    dacc_status st;
    if (source_is_tiles(src) && o->integrity)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "%s: --integrity is SQLite's check, and this is a tiles directory",
                              src->dir);
    dacc_progress *pr = dacc_progress_new(stderr);
    if (!source_is_tiles(src)) {
        dacc_tlog_log_set_progress(src->log, pr);
        st =
            dacc_tlog_log_audit(src->log, v, o->integrity ? DACC_TLOG_AUDIT_INTEGRITY : 0, &r, err);
        dacc_tlog_log_set_progress(src->log, NULL);
    } else {
        dacc_tlog_tiles_set_progress(src->tiles, pr);
        st = dacc_tlog_tiles_audit(src->tiles, &r, err);
        dacc_tlog_tiles_set_progress(src->tiles, NULL);
        if (st != DACC_OK)
            dacc_error_prefix(err, "%s/", src->dir);
    }
    dacc_progress_free(pr);
    if (st == DACC_OK)
        print_audit(src, &r, o->integrity, (cli_format)o->out_format);
    return st;
}

static int cmd_audit(int argc, char **argv)
{
    static const char prog[] = "dacc log audit";
    read_opts o;
    int rc = parse_read(prog, argc, argv, 1, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    dacc_error err;
    log_source src;
    dacc_tlog_verifier v;
    dacc_status st = source_key(argv[optind], o.key, &v, &err);
    /* A store's audit checks every checkpoint's signature itself, naming
     * the one at fault; a tiles layout's one checkpoint is checked at open. */
    if (st == DACC_OK)
        st = source_open(argv[optind], source_dir_is_store(argv[optind]) ? NULL : &v, &src, &err);
    if (st != DACC_OK)
        return fail(prog, &err);
    st = audit_source(&src, &v, &o, &err);
    source_close(&src);
    return st == DACC_OK ? CLI_OK : fail(prog, &err);
}

/* ---- tiles ---- */

/* The sink of dacc_tlog_tiles_write: rel under the directory ctx, creating
 * the directories on its path. */
typedef struct {
    const char *root;
    dacc_progress *pr;
    uint64_t written;
} tiles_out;

/* The files of a layout of size entries: an entry bundle and a hash tile
 * per 256 entries (or part), and at each higher level a tile per 256 (or
 * part) of the tiles below; then the checkpoint. */
static uint64_t tiles_total(uint64_t size)
{
    uint64_t total = 1, n = size;
    if (n > 0)
        total += (n + 255) / 256; /* entry bundles */
    for (; n > 0; n /= 256)
        total += (n + 255) / 256;
    return total;
}

static dacc_status write_at(void *ctx, const char *rel, const void *data, size_t len,
                            dacc_error *err)
{
    tiles_out *t = ctx;
    const char *root = t->root;
    dacc_progress_update(t->pr, ++t->written);
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
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_log, "tiles", argc, argv);
    int ch;
    while ((ch = cli_next(&p)) > 0) {
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    argc -= optind - 1;
    argv += optind - 1;
    if (argc != 3)
        return cli_usage(prog, "expected DIR and OUT");
    dacc_error err;
    dacc_tlog_log *log;
    if (open_dir(argv[1], 0, &log, &err) != DACC_OK)
        return fail(prog, &err);
    const char *out = argv[2];
    uint64_t size = dacc_tlog_log_size(log), count = 0;
    tiles_out t = { out, dacc_progress_new(stderr), 0 };
    dacc_progress_stage(t.pr, "writing tiles", tiles_total(size));
    dacc_status st = mkdir(out, 0777) != 0 && errno != EEXIST
                         ? dacc_error_at(&err, DACC_ERR_IO, out, 0, 0, "%s", strerror(errno))
                         : dacc_tlog_tiles_write(log, write_at, &t, &count, &err);
    dacc_progress_free(t.pr);
    if (st == DACC_OK)
        printf("wrote %" PRIu64 " tiles and bundles for %" PRIu64 " entries to %s\n", count, size,
               out);
    dacc_tlog_log_free(log);
    return st == DACC_OK ? CLI_OK : fail(prog, &err);
}

/* ---- the declaration ---- */

#define READ_SUBS "checkpoint,prove-inclusion,prove-consistency,entry,audit"

static const cli_opt log_opts[] = {
    { "origin", 0, "ORIGIN", 'o', NULL,
      "the checkpoint origin line, a schema-less URL such as example.org/dacc/round7", "init",
      CLI_REQ_ALL, NULL },
    { "store", 0, "URL", 's', NULL,
      "keep the log in the PostgreSQL database at URL (postgres://...) instead of log.db: DIR "
      "gets the keys and log.store, naming the database for the other commands (docs/scale.md)",
      "init", 0, NULL },
    { "cosign", 0, NULL, 'c', NULL, "a witness key (type 0x04, cosignature/v1)", "keygen", 0,
      NULL },
    { "length-prefixed", 0, NULL, 'p', NULL,
      "entries each preceded by a 2-byte big-endian length (the tlog-tiles entry bundle format)",
      "append", 0, NULL },
    { "whole", 0, NULL, 'w', NULL, "each FILE is one entry", "append", 0, NULL },
    { "batch", 'b', "N", 'b', "100000", "entries per transaction", "append", 0, NULL },
    { "key", 'k', "FILE", 'k', NULL,
      "check DIR's checkpoint against the log's key (from tiles, every hash read is checked "
      "against that checkpoint; audit: default DIR/log.pub)",
      READ_SUBS, 0, NULL },
    { "size", 's', "N", 's', "the current size", "the tree size of the proof",
      "prove-inclusion,prove-consistency", 0, NULL },
    { "format", 'f', "F", 'f', "tlog-proof",
      "tlog-proof (c2sp.org/tlog-proof@v1, with the signed checkpoint, for the latest size only) "
      "or dacc-proof (dacc-proof/v1, any size; docs/tlog.md)",
      "prove-inclusion", 0, "tlog-proof dacc-proof" },
    { "format", 'f', "FORMAT", 'F', "text", "how to print what was checked", "audit", 0,
      "text json csv" },
    { "integrity", 0, NULL, 'i', NULL, "run SQLite's slower integrity_check instead of quick_check",
      "audit", 0, NULL },
    { "key", 'k', "FILE", 'k', NULL, "the log's public key", "verify", CLI_REQ_ALL, NULL },
    { "witness", 'w', "FILE", 'w', NULL, "a witness's cosignature key (repeatable)", "verify",
      CLI_REPEAT, NULL },
    { "quorum", 'q', "K", 'q', "0", "require K witness cosignatures", "verify", 0, NULL },
    { "old", 0, "FILE", 'O', NULL, "a checkpoint seen before: refuse an older or forked one",
      "verify", 0, NULL },
    { "consistency", 0, "FILE", 'C', NULL, "consistency proof from --old to CHECKPOINT", "verify",
      0, NULL },
    { "inclusion", 0, "FILE", 'I', NULL,
      "inclusion proof of --entry in CHECKPOINT (tlog-proof@v1 or dacc-proof/v1; a tlog-proof's "
      "checkpoint must be CHECKPOINT's)",
      "verify", 0, NULL },
    { "index", 0, "N", 'X', NULL, "with DIR: the proof of --entry at N, built from DIR", "verify",
      0, NULL },
    { "entry", 0, "FILE", 'E', NULL, "the entry's bytes", "verify", 0, NULL },
    { "note", 0, NULL, 'N', NULL, "CHECKPOINT is any signed note: check signatures only", "verify",
      0, NULL },
    { "key", 'k', "FILE", 'k', NULL, "the witness's cosignature key (dacc log keygen --cosign)",
      "cosign,witness", CLI_REQ_ALL, NULL },
    { "log-key", 'l', "FILE", 'l', NULL, "the log's public key", "cosign,witness", CLI_REQ_ALL,
      NULL },
    { "state", 's', "FILE", 's', NULL,
      "the last checkpoint cosigned (shared by dacc log cosign and witness)", "cosign,witness",
      CLI_REQ_ALL, NULL },
    { "proof", 'p', "FILE", 'p', NULL, "the consistency proof from the state's checkpoint",
      "cosign", 0, NULL },
    { "time", 't', "T", 't', "now", "the cosignature timestamp, in seconds", "cosign", 0, NULL },
    { "node", 0, "URL", 'N', NULL, "the node (a tiles directory or a log store works too)",
      "witness", CLI_REQ_ALL, NULL },
    { "output", 'o', "FILE", 'o', "-", "the cosigned checkpoint, replaced atomically",
      "cosign,witness", 0, NULL },
    { "interval", 0, "S", 'I', "5", "seconds between polls", "witness", 0, NULL },
    { "once", 0, NULL, '1', NULL, "poll once; a node that cannot be read is then a failure",
      "witness", 0, NULL },
    { "old", 0, "N", 'O', "0", "the size the witness last cosigned", "add-checkpoint", 0, NULL },
    { "key", 'k', "FILE", 'k', NULL, "check DIR's checkpoint against the log's key first",
      "add-checkpoint", 0, NULL },
    { "post", 0, "URL", 'P', NULL, "send the request to a witness (dacc serve --witness-key)",
      "add-checkpoint", 0, NULL },
};

static const cli_sub log_subs[] = {
    { "init", "create a log: database and signing key", "DIR",
      "Create a log in DIR: log.db (SQLite, WAL, synchronous=FULL), log.key and\n"
      "log.pub (the log's Ed25519 note key, named ORIGIN).",
      cmd_init },
    { "keygen", "generate a note or witness (cosignature) key pair", "NAME PREFIX",
      "Generate an Ed25519 key pair in the C2SP signed-note formats: PREFIX.key\n"
      "(PRIVATE+KEY+NAME+HASH+..., mode 0600) and PREFIX.pub (NAME+HASH+...).",
      cmd_log_keygen },
    { "append", "append entries durably, with a new signed checkpoint", "DIR [FILE...]",
      "Append entries from FILEs (or standard input) to the log in DIR, in one\n"
      "transaction with a new signed checkpoint; when the command returns 0 the\n"
      "entries are durable. By default each line is one entry (its ending, \\n or\n"
      "\\r\\n, is not part of it). Entries are at most 65535 bytes. Appends by\n"
      "other processes wait for each other; a store that fails the cheap checks\n"
      "(see dacc log audit) is not extended.",
      cmd_append },
    { "checkpoint", "print the latest signed checkpoint", "DIR",
      "Print the log's latest signed checkpoint (a C2SP signed note)." SOURCE_TEXT,
      cmd_checkpoint },
    { "prove-inclusion", "inclusion proof of an entry", "DIR INDEX",
      "Print the inclusion proof of entry INDEX in the tree of N entries (--size,\n"
      "default: the current size)." SOURCE_TEXT,
      cmd_prove_inclusion },
    { "prove-consistency", "consistency proof between two tree sizes", "DIR OLD_SIZE",
      "Print the consistency proof from the tree of OLD_SIZE entries to the tree\n"
      "of N (--size, default: the current size), in the dacc-proof/v1 form of docs/tlog.md\n"
      "(C2SP has no file form for consistency proofs; the hashes are in the order\n"
      "of tlog-witness's add-checkpoint body and Go's tlog.CheckTree)." SOURCE_TEXT,
      cmd_prove_consistency },
    { "entry", "print one entry (from tiles: checked against the checkpoint)", "DIR INDEX",
      "Write entry INDEX, its bytes exactly, to standard output. From a\n"
      "tiles directory the entry is first checked against its leaf hash\n"
      "and, by an inclusion proof from the tiles, against the checkpoint." SOURCE_TEXT,
      cmd_entry },
    { "verify", "verify a checkpoint, a note, or a proof against a checkpoint",
      "[CHECKPOINT | DIR]",
      "Verify a signed checkpoint, and optionally what it proves. DIR is a log store\n"
      "or a tiles directory: its latest checkpoint is verified, and proofs not given\n"
      "as files are built from it. Without either, the checkpoint is the one inside\n"
      "the --inclusion proof (c2sp.org/tlog-proof@v1).\n"
      "Exit status 1 with a precise message when anything fails.",
      cmd_log_verify },
    { "cosign", "act as a witness: check consistency, then cosign", "CHECKPOINT",
      "Act as a witness (c2sp.org/tlog-witness): verify the log's signature, check\n"
      "that CHECKPOINT is consistent with the last checkpoint this witness cosigned\n"
      "(kept in --state; the first one is trusted on first use), then add a\n"
      "cosignature/v1 line and print the cosigned checkpoint. Refuses a checkpoint\n"
      "older than the state, a second root for one size, or a bad proof. The state\n"
      "is replaced durably before the cosigned checkpoint is written, and FILE.lock\n"
      "beside it is held meanwhile, so that witnesses sharing it (dacc log witness)\n"
      "take turns.",
      cmd_log_cosign },
    { "witness", "a witness that polls a node and cosigns while consistent", "",
      "Act as a witness of a node (dacc serve): read URL/checkpoint every S seconds\n"
      "and cosign each checkpoint larger than the last this witness cosigned (kept\n"
      "in --state, as dacc log cosign keeps it; the first is trusted on first use)\n"
      "once it is signed by LOG.pub and a consistency proof built from the node's\n"
      "tiles verifies against both roots. The state is replaced durably first, then\n"
      "the cosigned checkpoint is written to OUT (replaced atomically; default\n"
      "standard output), with one line on standard error. The same checkpoint again\n"
      "is nothing to do. A checkpoint that does not follow the state (a second root\n"
      "for a size, a smaller size, a proof that fails) is a fork: it is never\n"
      "cosigned, and the witness stops, naming both. A node that cannot be read is\n"
      "warned about and polled again. SIGINT or SIGTERM stop it between polls.\n"
      "Exit status: 0 when stopped by a signal (with --once: cosigned, or nothing\n"
      "new), 1 on a fork or a failure, 2 on usage.",
      cmd_log_witness },
    { "add-checkpoint", "ask a witness to cosign (c2sp.org/tlog-witness)", "DIR",
      "The c2sp.org/tlog-witness add-checkpoint request for DIR's latest checkpoint:\n"
      "\"old N\", the consistency proof from size N, an empty line, the checkpoint.\n"
      "N is the size of the last checkpoint the witness cosigned for this log (0\n"
      "when it never did). Without --post the body goes to standard output; with\n"
      "--post URL it is sent to URL/add-checkpoint, and the witness's cosignature\n"
      "lines are printed. A witness that last cosigned another size answers 409\n"
      "with that size, which is printed with the command to retry.\n"
      "DIR is a log store, a tiles directory or a node's URL.\n"
      "Exit status: 0 when cosigned (or the body written), 1 otherwise, 2 on usage.",
      cmd_log_add_checkpoint },
    { "tiles", "write the log as static C2SP tiles", "DIR OUT",
      "Write the log as static files in the C2SP tlog-tiles layout: OUT/checkpoint,\n"
      "OUT/tile/L/N[.p/W] (hash tiles of height 8) and OUT/tile/entries/N[.p/W]\n"
      "(entry bundles, each entry preceded by its 2-byte big-endian length), for\n"
      "the tree of the latest checkpoint.",
      cmd_tiles },
    { "audit", "recompute everything and check every stored checkpoint", "DIR",
      "Check the whole log without writing to it. From a store, in one consistent\n"
      "snapshot: SQLite's quick_check of the database, then every entry (rehashed),\n"
      "every hash of the tree (none missing, none extra, each equal to the\n"
      "recomputed one) and every stored checkpoint (its signature and its root),\n"
      "counted against the tree size. Safe while others append. From a tiles\n"
      "directory: the checkpoint's signature, every entry bundle (rehashed), every\n"
      "hash tile (each hash equal to the recomputed one) and the root." SOURCE_TEXT,
      cmd_audit },
};

static const cli_section log_sections[] = {
    { "DESCRIPTION",
      "An append\\-only Merkle tree (RFC 6962 hashing, RFC 9162 proofs) stored in\n"
      ".IR DIR/log.db\n"
      "(SQLite, WAL, synchronous=FULL), signed by\n"
      ".IR DIR/log.key ,\n"
      "checked with\n"
      ".IR DIR/log.pub .\n"
      "Checkpoints, keys and cosignatures follow the C2SP signed\\-note,\n"
      "tlog\\-checkpoint and tlog\\-cosignature specifications, inclusion proofs\n"
      "are written as c2sp.org/tlog\\-proof@v1, and\n"
      ".B tiles\n"
      "writes the tlog\\-tiles layout.\n"
      ".PP\n"
      "The read\\-side commands\n"
      ".RB ( checkpoint ,\n"
      ".BR prove\\-inclusion ,\n"
      ".BR prove\\-consistency ,\n"
      ".BR entry ,\n"
      ".BR verify ,\n"
      ".BR audit )\n"
      "take for\n"
      ".I DIR\n"
      "either a store (a directory with\n"
      ".IR log.db )\n"
      "or a tiles directory as\n"
      ".B tiles\n"
      "writes it (with\n"
      ".IR checkpoint ),\n"
      "or the http:// or https:// URL of a node that serves those tiles\n"
      ".RB ( \"dacc serve\" ;\n"
      "the log's key must then be given with\n"
      ".BR \\-\\-key ),\n"
      "and give the same bytes from any of them. From tiles, every hash read is\n"
      "checked against the checkpoint: a proof is checked against its root before\n"
      "it is printed, an entry against its leaf hash and the root. With\n"
      ".BR \\-\\-key ,\n"
      "the checkpoint's signature is checked first.\n"
      ".PP\n"
      "Which other tools check which part, as run by bench/tlog/run.sh: Go's\n"
      "golang.org/x/mod/sumdb/note verifies the checkpoint's Ed25519 signature\n"
      "(not witness cosignatures, which it does not know); Go's sumdb/tlog\n"
      "CheckRecord and CheckTree verify the inclusion and consistency proofs, and\n"
      "its tree hashing gives the same roots. By format only (not run here): tiles\n"
      "for tlog\\-tiles clients such as filippo.io/torchwood (Go's own sumdb tile\n"
      "paths differ), cosignatures for transparency\\-dev/formats, witnessing for\n"
      "tlog\\-witness witnesses such as litewitness. Sigsum's sigsum\\-verify checks\n"
      "only Sigsum's own leaves and does not verify a dacc log. Details:\n"
      ".IR docs/tlog.md .\n" },
    { "EXIT STATUS",
      "0 on success; 1 when anything does not verify or cannot be read (the message\n"
      "names the file and line); 2 on a usage error.\n" },
    { "EXAMPLES",
      ".nf\n"
      "dacc log init \\-\\-origin example.org/dacc/round7 L\n"
      "printf 'answer 1\\\\nanswer 2\\\\n' | dacc log append L\n"
      "dacc log checkpoint L > cp\n"
      "dacc log prove\\-inclusion L 1 > inc.tlog\\-proof\n"
      "dacc log verify \\-\\-key L/log.pub \\-\\-inclusion inc.tlog\\-proof \\-\\-entry "
      "answer2.txt\n"
      "dacc log tiles L public\n"
      "dacc log audit \\-\\-key L/log.pub public\n"
      "dacc log entry public 1\n"
      "dacc log keygen \\-\\-cosign witness.example/w1 w1\n"
      "dacc log cosign \\-\\-key w1.key \\-\\-log\\-key L/log.pub \\-\\-state w1.state cp\n"
      "dacc log witness \\-\\-key w1.key \\-\\-log\\-key L/log.pub \\-\\-state w1.state \\e\n"
      "    \\-\\-node http://127.0.0.1:8080 \\-o w1.checkpoint\n"
      ".fi\n" },
    { "ENVIRONMENT", ".TP\n"
                     ".B DACC_SHA256\n"
                     ".B libsodium\n"
                     "or\n"
                     ".B openssl\n"
                     "picks the SHA\\-256 implementation; by default OpenSSL's where the CPU has\n"
                     "SHA instructions, libsodium's elsewhere. The bytes are the same.\n" },
    { "SEE ALSO", ".BR dacc (1)\n" },
};

const cli_spec cli_spec_log = {
    .name = "log",
    .summary = "transparency log: append, checkpoints, proofs, witnesses, tiles",
    .description = "A transparency log: an append-only Merkle tree (RFC 6962) with C2SP signed\n"
                   "checkpoints, proofs, witness cosignatures and static tiles, stored crash-safe\n"
                   "in SQLite. The read-side commands (checkpoint, prove-*, entry, verify, audit)\n"
                   "read a store or the tiles directory a log publishes. Formats: docs/tlog.md.",
    CLI_SUBS(log_subs),
    CLI_OPTS(log_opts),
    CLI_SECTIONS(log_sections),
    .footer = "Exit status: 0 on success, 1 on a failure, 2 on a usage error.\n",
};

int cmd_log(int argc, char **argv)
{
    return cli_spec_run(&cli_spec_log, argc, argv);
}
