/* dacc registry: records in a log directory (one `dacc log init` made:
 * DIR/log.db, log.key, log.pub). The leaf is the log entry; the envelope
 * is kept beside it in DIR/registry/<digest>.dsse, where redact erases it. */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "dacc/file.h"
#include "dacc/round.h"
#include "log_keys.h"
#include "registry_cli.h"

#define ENVELOPE_MAX (DACC_DSSE_MAX_ENVELOPE)

static void payload_path(char *out, size_t cap, const char *dir, const uint8_t d[32])
{
    char hex[65];
    snprintf(out, cap, "%s/registry/%s.dsse", dir, dacc_hex_encode(d, 32, hex));
}

dacc_status registry_log_append(const char *dir, const dacc_registry_record *r, uint64_t *index,
                                dacc_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/registry", dir);
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return dacc_error_set(err, DACC_ERR_IO, "%s: %s", path, strerror(errno));
    size_t elen;
    const char *env = dacc_registry_record_envelope(r, &elen);
    /* The payload first: a payload without its leaf is never read, a leaf
     * without its payload would read as erased. */
    payload_path(path, sizeof path, dir, dacc_registry_record_digest(r));
    dacc_status st = dacc_file_write(path, env, elen, err);
    dacc_buf leaf;
    dacc_buf_init(&leaf, DACC_TLOG_ENTRY_MAX);
    if (st == DACC_OK)
        st = dacc_registry_leaf_write(r, &leaf, err);
    dacc_tlog_signer s;
    dacc_tlog_log *log = NULL;
    char p2[4096];
    snprintf(p2, sizeof p2, "%s/log.key", dir);
    if (st == DACC_OK)
        st = load_signer(p2, &s, err);
    snprintf(p2, sizeof p2, "%s/log.db", dir);
    if (st == DACC_OK)
        st = dacc_tlog_log_open(p2, &s, &log, err);
    const void *entries[1] = { leaf.data };
    size_t lens[1] = { leaf.len };
    if (st == DACC_OK)
        st = dacc_tlog_log_append(log, entries, lens, 1, index, err);
    dacc_tlog_log_free(log);
    sodium_memzero(&s, sizeof s);
    dacc_buf_free(&leaf);
    return st;
}

#define MAX_WITNESSES 8

/* The checkpoint the trace proves against: the one in cp_file (a witness's
 * cosigned note) or else the log's latest, signed by DIR/log.pub and
 * cosigned by every witness key given, of a tree the log holds (its root
 * equal to the log's at that size: another root is a fork). */
static dacc_status checkpoint(dacc_tlog_log *log, const char *dir, const char *cp_file,
                              const char *const *witnesses, size_t nw, dacc_tlog_checkpoint *cp,
                              char **note, dacc_error *err)
{
    char path[4096];
    size_t len = 0, count = 0;
    dacc_tlog_verifier v[1 + MAX_WITNESSES];
    bool ok[1 + MAX_WITNESSES] = { false };
    snprintf(path, sizeof path, "%s/log.pub", dir);
    dacc_status st = load_verifier(path, &v[0], err);
    for (size_t i = 0; st == DACC_OK && i < nw; i++)
        st = load_verifier(witnesses[i], &v[1 + i], err);
    if (st == DACC_OK)
        st = cp_file ? dacc_file_read(cp_file, 1 << 16, note, &len, err)
                     : dacc_tlog_log_checkpoint(log, note, &len, err);
    dacc_tlog_note n;
    if (st == DACC_OK)
        st = dacc_tlog_note_parse(*note, len, &n, err);
    if (st == DACC_OK)
        st = dacc_tlog_note_verify(&n, v, 1 + nw, ok, NULL, &count, err);
    for (size_t i = 0; st == DACC_OK && i < 1 + nw; i++)
        if (!ok[i])
            st = dacc_error_set(err, DACC_ERR_VERIFY, "the checkpoint carries no signature by %s",
                                i == 0 ? path : witnesses[i - 1]);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(n.text, n.text_len, cp, err);
    uint8_t root[32];
    if (st == DACC_OK && cp->size > dacc_tlog_log_size(log))
        st = dacc_error_set(err, DACC_ERR_STATE,
                            "the checkpoint's %llu entries are more than the "
                            "log holds",
                            (unsigned long long)cp->size);
    if (st == DACC_OK)
        st = dacc_tlog_tree_hash(dacc_tlog_log_hash, log, cp->size, root);
    if (st == DACC_OK && memcmp(root, cp->root, 32) != 0)
        st = dacc_error_set(err, DACC_ERR_VERIFY,
                            "the checkpoint's root is not the log's at its size (a fork)");
    return st;
}

/* Every registry leaf of the log up to the checkpoint, with the payloads
 * still kept; entries that are not registry leaves are skipped. */
static dacc_status load_index(dacc_tlog_log *log, const char *dir, uint64_t size,
                              dacc_registry_index *ix, size_t *skipped, dacc_error *err)
{
    *skipped = 0;
    for (uint64_t i = 0; i < size; i++) {
        uint8_t *leaf = NULL;
        size_t len;
        dacc_status st = dacc_tlog_log_entry(log, i, &leaf, &len, err);
        if (st != DACC_OK)
            return st;
        dacc_registry_leaf lf;
        if (dacc_registry_leaf_parse("leaf", leaf, len, &lf, NULL) != DACC_OK) {
            free(leaf);
            ++*skipped;
            continue;
        }
        char path[4096];
        payload_path(path, sizeof path, dir, lf.digest);
        dacc_registry_leaf_clear(&lf);
        char *env = NULL;
        size_t elen = 0;
        st = dacc_file_read(path, ENVELOPE_MAX, &env, &elen, err);
        if (st == DACC_ERR_IO && access(path, F_OK) != 0) {
            st = DACC_OK; /* erased */
            env = NULL;
        }
        if (st == DACC_OK)
            st = dacc_registry_index_add(ix, i, leaf, len, env, elen, err);
        free(leaf);
        free(env);
        if (st != DACC_OK)
            return st;
    }
    return DACC_OK;
}

static int write_buf(FILE *fp, void *ctx)
{
    const dacc_buf *b = ctx;
    return fwrite(b->data, 1, b->len, fp) != b->len;
}

static const char trace_help[] =
    "Usage: dacc registry trace --log DIR [--format text|json|svg] [--claim-days N]\n"
    "                           [--now TIME] [--checkpoint FILE] [--witness VKEY]...\n"
    "                           [-o OUT] DIGEST\n"
    "\n"
    "The accountability trace of a model (its manifest digest) or of a record: its\n"
    "releases and fine-tunes, deployments, incidents, claims, determinations and\n"
    "supersedes, each with an inclusion proof verified against the log's checkpoint\n"
    "(signed by DIR/log.pub), and the flags: unreleased-model, developer-key-changed,\n"
    "late-incident (Art. 73 deadlines), superseded-deployed, claim-undetermined (no\n"
    "determination after --claim-days, default 90, counted to --now, an RFC 3339 UTC\n"
    "time, default the clock). With --checkpoint, the proofs are against that\n"
    "checkpoint (a witness's cosigned note) instead of the log's latest; each\n"
    "--witness key (a cosignature vkey file) must have cosigned it. docs/registry.md.\n";

int cmd_registry_trace(int argc, char **argv)
{
    const char *prog = "dacc registry trace";
    static const struct option longs[] = {
        { "log", required_argument, NULL, 'l' },
        { "format", required_argument, NULL, 'f' },
        { "claim-days", required_argument, NULL, 'c' },
        { "now", required_argument, NULL, 'N' },
        { "output", required_argument, NULL, 'o' },
        { "checkpoint", required_argument, NULL, 'C' },
        { "witness", required_argument, NULL, 'w' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *dir = NULL, *format = "text", *out = "-", *cp_file = NULL;
    const char *witnesses[MAX_WITNESSES];
    size_t nw = 0;
    uint64_t days = 90;
    int64_t now = (int64_t)time(NULL);
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "l:f:c:N:o:C:w:h", longs, NULL)) != -1) {
        switch (c) {
        case 'C':
            cp_file = optarg;
            break;
        case 'w':
            if (nw == MAX_WITNESSES)
                return cli_usage(prog, "at most %d --witness keys", MAX_WITNESSES);
            witnesses[nw++] = optarg;
            break;
        case 'l':
            dir = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'c':
            if (cli_opt_u64(prog, "--claim-days", optarg, 0, 100000, &days) != CLI_OK)
                return CLI_USAGE;
            break;
        case 'N':
            if (dacc_registry_time_parse(optarg, &now) != DACC_OK)
                return cli_usage(prog, "--now: expected YYYY-MM-DDTHH:MM:SSZ");
            break;
        case 'o':
            out = optarg;
            break;
        case 'h':
            return cli_help(trace_help);
        default:
            return cli_usage(prog, "unknown option");
        }
    }
    if (dir == NULL || optind != argc - 1)
        return cli_usage(prog, "expected --log DIR and one digest");
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 && strcmp(format, "svg") != 0)
        return cli_usage(prog, "--format: text, json or svg");
    uint8_t digest[32];
    dacc_error err;
    if (dacc_hex_decode(argv[optind], strlen(argv[optind]), digest, 32, &err) != DACC_OK)
        return cli_usage(prog, "the digest is 64 hex digits");
    char path[4096], *note = NULL;
    snprintf(path, sizeof path, "%s/log.db", dir);
    dacc_tlog_log *log = NULL;
    dacc_registry_index *ix = dacc_registry_index_new();
    dacc_tlog_checkpoint cp;
    json_t *t = NULL;
    dacc_buf b;
    dacc_buf_init(&b, 0);
    size_t skipped = 0;
    dacc_status st = ix ? dacc_tlog_log_open(path, NULL, &log, &err)
                        : dacc_error_set(&err, DACC_ERR_NOMEM, "index");
    if (st == DACC_OK)
        st = checkpoint(log, dir, cp_file, witnesses, nw, &cp, &note, &err);
    if (st == DACC_OK)
        st = load_index(log, dir, cp.size, ix, &skipped, &err);
    dacc_registry_trace_opts o = { .now = now,
                                   .claim_days = (int64_t)days,
                                   .hash = dacc_tlog_log_hash,
                                   .hash_ctx = log,
                                   .size = cp.size,
                                   .root = cp.root };
    if (st == DACC_OK)
        st = dacc_registry_trace(ix, digest, &o, &t, &err);
    if (st == DACC_OK && strcmp(format, "json") == 0) {
        json_object_set_new(t, "checkpoint", json_string(note));
        char *s = json_dumps(t, DACC_JSON_PRETTY);
        st = s ? dacc_buf_printf(&b, "%s\n", s) : DACC_ERR_NOMEM;
        free(s);
    } else if (st == DACC_OK && strcmp(format, "svg") == 0)
        st = dacc_registry_trace_svg(t, &b, &err);
    else if (st == DACC_OK)
        st = dacc_registry_trace_text(t, &b, &err);
    if (st == DACC_OK)
        st = cli_emit(out, write_buf, &b, &err);
    dacc_buf_free(&b);
    json_decref(t);
    free(note);
    dacc_registry_index_free(ix);
    dacc_tlog_log_free(log);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

static const char redact_help[] =
    "Usage: dacc registry redact --log DIR DIGEST\n"
    "\n"
    "Erases the envelope of record DIGEST kept beside the log (an erasure request).\n"
    "The leaf stays: the tree, every checkpoint and every proof still verify, and\n"
    "the trace shows the record's kind, signer and subjects, marked erased.\n";

int cmd_registry_redact(int argc, char **argv)
{
    const char *prog = "dacc registry redact";
    static const struct option longs[] = {
        { "log", required_argument, NULL, 'l' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *dir = NULL;
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "l:h", longs, NULL)) != -1) {
        if (c == 'l')
            dir = optarg;
        else if (c == 'h')
            return cli_help(redact_help);
        else
            return cli_usage(prog, "unknown option");
    }
    if (dir == NULL || optind != argc - 1)
        return cli_usage(prog, "expected --log DIR and one digest");
    uint8_t d[32];
    dacc_error err;
    if (dacc_hex_decode(argv[optind], strlen(argv[optind]), d, 32, &err) != DACC_OK)
        return cli_usage(prog, "the digest is 64 hex digits");
    char path[4096];
    payload_path(path, sizeof path, dir, d);
    if (unlink(path) != 0) {
        dacc_error_set(&err, DACC_ERR_IO, "%s: %s", path,
                       errno == ENOENT ? "no such payload (never logged, or erased already)"
                                       : strerror(errno));
        return cli_fail(prog, &err);
    }
    printf("erased %s; its leaf stays in the log\n", argv[optind]);
    return CLI_OK;
}
