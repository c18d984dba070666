/* dacc pause publish: append a heartbeat to the pause log, have local
 * witnesses cosign, and write the bundle devices verify.
 *
 * Nothing is logged before it is valid: the heartbeat must pass every
 * check a device makes that does not depend on its clock, against the
 * root, and the log, witness keys and witness states must be usable. And
 * publishing is idempotent: a heartbeat already in the log (byte for byte)
 * is not appended again, so a retry after a failed witness step only
 * finishes the job. */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "spec.h"
#include "dacc/file.h"
#include "dacc/pause.h"
#include "log_keys.h"
#include "pause_cli.h"

#define MAX_W DACC_PAUSE_MAX_WITNESSES

typedef struct {
    const char *log_dir, *state_dir, *out, *heartbeat, *root;
    const char *witness[MAX_W];
    unsigned nwitness;
    uint64_t time;
} publish_opts;

/* A local witness: its key, and its state file STATE_DIR/NAME.state
 * (slashes in the name become '_'), the text of the last checkpoint it
 * cosigned; no file the first time. */
typedef struct {
    dacc_tlog_signer key;
    char path[4096];
    char *old; /* NULL: no state yet */
    size_t old_len;
    dacc_tlog_checkpoint last;
} local_witness;

static dacc_status witness_open(const publish_opts *o, const char *key, local_witness *w,
                                dacc_error *err)
{
    dacc_status st = load_signer(key, &w->key, err);
    if (st == DACC_OK && w->key.v.type != DACC_TLOG_KEY_COSIGN)
        return dacc_error_at(err, DACC_ERR_INVALID, key, 0, 0,
                             "not a witness key (make one with 'keygen --cosign')");
    if (st != DACC_OK)
        return st;
    int n = snprintf(w->path, sizeof w->path, "%s/%s.state", o->state_dir, w->key.v.name);
    if (n < 0 || (size_t)n >= sizeof w->path)
        return dacc_error_set(err, DACC_ERR_LIMIT, "%s: path too long", o->state_dir);
    for (char *p = w->path + strlen(o->state_dir) + 1; p < w->path + n; p++)
        if (*p == '/')
            *p = '_';
    if (access(w->path, F_OK) != 0)
        return DACC_OK;
    st = dacc_file_read(w->path, 1 << 16, &w->old, &w->old_len, err);
    if (st == DACC_OK &&
        (st = dacc_tlog_checkpoint_parse(w->old, w->old_len, &w->last, err)) != DACC_OK)
        dacc_error_prefix(err, "%s: not a witness state (a checkpoint's text): ", w->path);
    return st;
}

static void witness_close(local_witness *w)
{
    sodium_memzero(&w->key, sizeof w->key);
    free(w->old);
    w->old = NULL;
}

static dacc_status save_witness_state(const publish_opts *o, const local_witness *w,
                                      const char *note, size_t len, dacc_error *err)
{
    if (mkdir(o->state_dir, 0777) != 0 && errno != EEXIST)
        return dacc_error_at(err, DACC_ERR_IO, o->state_dir, 0, 0, "cannot create: %s",
                             strerror(errno));
    dacc_tlog_note n;
    dacc_status st = dacc_tlog_note_parse(note, len, &n, err);
    return st == DACC_OK ? dacc_file_write(w->path, n.text, n.text_len, err) : st;
}

/* The witness checks the checkpoint note against its state (with a
 * consistency proof from the size it last cosigned) and cosigns. */
static dacc_status witness_cosign(dacc_tlog_log *log, const publish_opts *o,
                                  const dacc_tlog_verifier *log_key, const local_witness *w,
                                  const char *note, size_t len, char line[DACC_TLOG_KEY_TEXT_MAX],
                                  dacc_error *err)
{
    dacc_tlog_proof proof = { .consistency = true };
    dacc_status st = DACC_OK;
    if (w->old != NULL && w->last.size > 0 && w->last.size < dacc_tlog_log_size(log)) {
        proof.a = w->last.size;
        proof.size = dacc_tlog_log_size(log);
        st = dacc_tlog_prove_consistency(dacc_tlog_log_hash, log, proof.a, proof.size, proof.hash,
                                         &proof.n);
    }
    if (st == DACC_OK)
        st = dacc_tlog_witness_cosign(&w->key, log_key, w->old, w->old_len, note, len, &proof,
                                      o->time, line, err);
    if (st == DACC_OK)
        st = save_witness_state(o, w, note, len, err);
    if (st != DACC_OK)
        dacc_error_prefix(err, "witness %s: ", w->key.v.name);
    return st;
}

/* The heartbeat must count under the root, and the root must name this
 * log: a bundle that no device can accept is not worth logging. */
static dacc_status check_heartbeat(const publish_opts *o, const dacc_pause_root *root,
                                   const dacc_tlog_verifier *log_key, const char *hb, size_t hl,
                                   dacc_error *err)
{
    if (strcmp(root->log.name, log_key->name) != 0 || memcmp(root->log.pk, log_key->pk, 32) != 0)
        return dacc_error_at(err, DACC_ERR_INVALID, o->root, 0, 0,
                             "the root names the pause log %s, but %s holds the log %s",
                             root->log.name, o->log_dir, log_key->name);
    dacc_pause_heartbeat h;
    dacc_pause_reason why = dacc_pause_heartbeat_verify(root, hb, hl, &h);
    if (why == DACC_PAUSE_ACCEPTED)
        return DACC_OK;
    if (why == DACC_PAUSE_MALFORMED_HEARTBEAT &&
        dacc_pause_heartbeat_parse(hb, hl, &h) == DACC_PAUSE_ACCEPTED)
        return dacc_error_at(err, DACC_ERR_VERIFY, o->heartbeat, 0, 0,
                             "an unsigned draft (malformed heartbeat): sign it first");
    return dacc_error_at(err, DACC_ERR_VERIFY, o->heartbeat, 0, 0,
                         "%s (checked against the root in %s)", dacc_pause_reason_name(why),
                         o->root);
}

/* The index of the entry holding exactly hb, newest first (a retry finds
 * it at the end); *found 0 when the log has none. */
static dacc_status find_entry(dacc_tlog_log *log, const char *hb, size_t hl, uint64_t *index,
                              int *found, dacc_error *err)
{
    uint8_t want[DACC_TLOG_HASH_BYTES], got[DACC_TLOG_HASH_BYTES];
    dacc_tlog_leaf_hash(hb, hl, want);
    *found = 0;
    for (uint64_t i = dacc_tlog_log_size(log); i-- > 0;) {
        dacc_status st = dacc_tlog_log_hash(log, 0, i, got);
        if (st != DACC_OK)
            return dacc_error_set(err, st, "cannot read the hash of entry %" PRIu64, i);
        if (sodium_memcmp(want, got, sizeof want) == 0) {
            *index = i;
            *found = 1;
            return DACC_OK;
        }
    }
    return DACC_OK;
}

static dacc_status write_bundle(dacc_tlog_log *log, const publish_opts *o, const char *hb,
                                size_t hl, uint64_t index, const dacc_buf *cp, uint64_t *size,
                                dacc_error *err)
{
    dacc_tlog_proof p = { .consistency = false, .a = index, .size = dacc_tlog_log_size(log) };
    char ptext[DACC_TLOG_MAX_PROOF * 52 + 128];
    dacc_status st =
        dacc_tlog_prove_inclusion(dacc_tlog_log_hash, log, index, p.size, p.hash, &p.n);
    size_t pl = st == DACC_OK ? dacc_tlog_proof_format(&p, ptext, sizeof ptext) : 0;
    *size = p.size;
    if (st != DACC_OK)
        return dacc_error_set(err, st, "cannot prove the inclusion of entry %" PRIu64, index);
    size_t cap = hl + pl + cp->len + 128;
    char *bundle = malloc(cap);
    size_t bl =
        bundle ? dacc_pause_bundle_format(hb, hl, ptext, pl, cp->data, cp->len, bundle, cap) : 0;
    st = bl ? dacc_file_write(o->out, bundle, bl, err)
            : dacc_error_set(err, DACC_ERR_LIMIT, "bundle too large");
    free(bundle);
    return st;
}

/* Logs hb unless it is there already, then has it witnessed and bundled. */
static dacc_status log_and_bundle(dacc_tlog_log *log, const publish_opts *o,
                                  const dacc_tlog_verifier *log_key, const local_witness *w,
                                  const char *hb, size_t hl, dacc_error *err)
{
    uint64_t index = 0, size = 0;
    int found = 0;
    const void *entries[1] = { hb };
    dacc_status st = find_entry(log, hb, hl, &index, &found, err);
    if (st == DACC_OK && !found)
        st = dacc_tlog_log_append(log, entries, &hl, 1, &index, err);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "nothing was logged: ");
        return st;
    }
    char *note = NULL;
    size_t nl = 0;
    dacc_buf cp; /* the witnesses' lines go after the log's signature */
    dacc_buf_init(&cp, 1 << 20);
    st = dacc_tlog_log_checkpoint(log, &note, &nl, err);
    if (st == DACC_OK)
        st = dacc_buf_append(&cp, note, nl);
    for (unsigned i = 0; i < o->nwitness && st == DACC_OK; i++) {
        char line[DACC_TLOG_KEY_TEXT_MAX];
        st = witness_cosign(log, o, log_key, &w[i], note, nl, line, err);
        if (st == DACC_OK)
            st = dacc_buf_append(&cp, line, strlen(line));
    }
    if (st == DACC_OK)
        st = write_bundle(log, o, hb, hl, index, &cp, &size, err);
    if (st != DACC_OK)
        dacc_error_prefix(err,
                          "the heartbeat is entry %" PRIu64 " of the log; publish it again "
                          "once this is fixed (it will not be logged twice): ",
                          index);
    else if (strcmp(o->out, "-") != 0)
        printf("%s heartbeat as entry %" PRIu64 " of %s (size %" PRIu64 "), %u witness "
               "cosignature%s; bundle in %s\n",
               found ? "already published" : "published", index, dacc_tlog_log_origin(log), size,
               o->nwitness, o->nwitness == 1 ? "" : "s", o->out);
    dacc_buf_free(&cp);
    free(note);
    return st;
}

static dacc_status publish(const publish_opts *o, dacc_error *err)
{
    char path[4096], *hb = NULL;
    size_t hl = 0;
    dacc_tlog_signer ls;
    dacc_tlog_log *log = NULL;
    dacc_pause_root root;
    local_witness w[MAX_W];
    memset(w, 0, sizeof w);
    snprintf(path, sizeof path, "%s/log.key", o->log_dir);
    dacc_status st = load_signer(path, &ls, err);
    snprintf(path, sizeof path, "%s/log.db", o->log_dir);
    if (st == DACC_OK)
        st = dacc_tlog_log_open(path, &ls, &log, err);
    if (st == DACC_OK)
        st = pause_read_root(o->root, &root, err);
    if (st == DACC_OK)
        st = pause_read(o->heartbeat, &hb, &hl, err);
    if (st == DACC_OK)
        st = check_heartbeat(o, &root, &ls.v, hb, hl, err);
    for (unsigned i = 0; i < o->nwitness && st == DACC_OK; i++)
        st = witness_open(o, o->witness[i], &w[i], err);
    if (st != DACC_OK)
        dacc_error_prefix(err, "nothing was logged: ");
    else
        st = log_and_bundle(log, o, &ls.v, w, hb, hl, err);
    for (unsigned i = 0; i < o->nwitness; i++)
        witness_close(&w[i]);
    sodium_memzero(&ls, sizeof ls);
    dacc_tlog_log_free(log);
    free(hb);
    return st;
}

int cmd_pause_publish(int argc, char **argv)
{
    static const char prog[] = "dacc pause publish";
    publish_opts o = { .out = "-", .state_dir = ".", .time = (uint64_t)time(NULL) };
    int ch, rc = CLI_OK;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_pause, "publish", argc, argv);
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
        switch (ch) {
        case 'l':
            o.log_dir = optarg;
            break;
        case 'r':
            o.root = optarg;
            break;
        case 's':
            o.state_dir = optarg;
            break;
        case 'o':
            o.out = optarg;
            break;
        case 't':
            rc = cli_opt_u64(prog, "--time", optarg, 0, INT64_MAX, &o.time);
            break;
        case 'w':
            if (o.nwitness == MAX_W)
                return cli_usage(prog, "at most %d witnesses", MAX_W);
            o.witness[o.nwitness++] = optarg;
            break;
        }
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    if (rc != CLI_OK)
        return rc;
    if (o.log_dir == NULL || o.root == NULL || argc - optind != 1)
        return cli_usage(prog, "expected --log DIR, --root ROOT and a HEARTBEAT");
    const char *outs[] = { o.out };
    if ((rc = cli_outputs_distinct(prog, argc, argv, outs, 1, NULL, 0)) != CLI_OK)
        return rc;
    o.heartbeat = argv[optind];
    dacc_error err;
    return publish(&o, &err) == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}
