/* dacc pause publish: append a heartbeat to the pause log, have local
 * witnesses cosign, and write the bundle devices verify. */
#include <getopt.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dacc/file.h"
#include "dacc/pause.h"
#include "log_keys.h"
#include "pause_cli.h"

#define MAX_W DACC_PAUSE_MAX_WITNESSES

typedef struct {
    const char *log_dir, *state_dir, *out, *heartbeat;
    const char *witness[MAX_W];
    unsigned nwitness;
    uint64_t time;
} publish_opts;

/* One local witness: its state file is STATE_DIR/NAME.state (slashes in the
 * name become '_'). */
static dacc_status witness_cosign(dacc_tlog_log *log, const publish_opts *o,
                                  const dacc_tlog_verifier *log_key, const char *key,
                                  const char *note, size_t len, char line[DACC_TLOG_KEY_TEXT_MAX],
                                  dacc_error *err)
{
    dacc_tlog_signer w;
    dacc_status st = load_signer(key, &w, err);
    if (st != DACC_OK)
        return st;
    char path[4096], *old = NULL;
    size_t old_len = 0;
    int n = snprintf(path, sizeof path, "%s/%s.state", o->state_dir, w.v.name);
    for (char *p = path + strlen(o->state_dir) + 1; p < path + n; p++)
        if (*p == '/')
            *p = '_';
    if (access(path, F_OK) == 0)
        st = dacc_file_read(path, 1 << 16, &old, &old_len, err);
    dacc_tlog_proof proof = { .consistency = true };
    dacc_tlog_checkpoint oc;
    if (st == DACC_OK && old != NULL &&
        dacc_tlog_checkpoint_parse(old, old_len, &oc, NULL) == DACC_OK && oc.size > 0 &&
        oc.size < dacc_tlog_log_size(log)) {
        proof.a = oc.size;
        proof.size = dacc_tlog_log_size(log);
        st = dacc_tlog_prove_consistency(dacc_tlog_log_hash, log, proof.a, proof.size, proof.hash,
                                         &proof.n);
    }
    if (st == DACC_OK)
        st = dacc_tlog_witness_cosign(&w, log_key, old, old_len, note, len, &proof, o->time, line,
                                      err);
    if (st == DACC_OK) {
        dacc_tlog_note nn;
        dacc_tlog_note_parse(note, len, &nn, NULL);
        st = dacc_file_write(path, nn.text, nn.text_len, err);
    }
    if (st != DACC_OK)
        dacc_error_prefix(err, "witness %s: ", w.v.name);
    sodium_memzero(&w, sizeof w);
    free(old);
    return st;
}

static dacc_status publish(const publish_opts *o, dacc_error *err)
{
    char path[4096], *hb = NULL, *note = NULL;
    size_t hl = 0, nl = 0;
    dacc_tlog_signer ls;
    dacc_tlog_log *log = NULL;
    snprintf(path, sizeof path, "%s/log.key", o->log_dir);
    dacc_status st = load_signer(path, &ls, err);
    snprintf(path, sizeof path, "%s/log.db", o->log_dir);
    if (st == DACC_OK)
        st = dacc_tlog_log_open(path, &ls, &log, err);
    if (st == DACC_OK)
        st = pause_read(o->heartbeat, &hb, &hl, err);
    uint64_t index = 0;
    const void *entries[1] = { hb };
    if (st == DACC_OK)
        st = dacc_tlog_log_append(log, entries, &hl, 1, &index, err);
    if (st == DACC_OK)
        st = dacc_tlog_log_checkpoint(log, &note, &nl, err);
    /* The witnesses' lines go after the log's signature. */
    dacc_buf cp;
    dacc_buf_init(&cp, 1 << 20);
    if (st == DACC_OK)
        st = dacc_buf_append(&cp, note, nl);
    for (unsigned i = 0; i < o->nwitness && st == DACC_OK; i++) {
        char line[DACC_TLOG_KEY_TEXT_MAX];
        st = witness_cosign(log, o, &ls.v, o->witness[i], note, nl, line, err);
        if (st == DACC_OK)
            st = dacc_buf_append(&cp, line, strlen(line));
    }
    dacc_tlog_proof p = { .consistency = false, .a = index };
    char ptext[DACC_TLOG_MAX_PROOF * 52 + 128];
    size_t pl = 0;
    if (st == DACC_OK) {
        p.size = dacc_tlog_log_size(log);
        st = dacc_tlog_prove_inclusion(dacc_tlog_log_hash, log, index, p.size, p.hash, &p.n);
        pl = dacc_tlog_proof_format(&p, ptext, sizeof ptext);
    }
    if (st == DACC_OK) {
        size_t cap = hl + pl + cp.len + 128;
        char *bundle = malloc(cap);
        size_t bl =
            bundle ? dacc_pause_bundle_format(hb, hl, ptext, pl, cp.data, cp.len, bundle, cap) : 0;
        st = bl ? dacc_file_write(o->out, bundle, bl, err)
                : dacc_error_set(err, DACC_ERR_LIMIT, "bundle too large");
        free(bundle);
    }
    if (st == DACC_OK && strcmp(o->out, "-") != 0)
        printf("published heartbeat as entry %" PRIu64 " of %s (size %" PRIu64 "), %u witness "
               "cosignature%s; bundle in %s\n",
               index, dacc_tlog_log_origin(log), p.size, o->nwitness, o->nwitness == 1 ? "" : "s",
               o->out);
    dacc_buf_free(&cp);
    sodium_memzero(&ls, sizeof ls);
    dacc_tlog_log_free(log);
    free(hb);
    free(note);
    return st;
}

int cmd_pause_publish(int argc, char **argv)
{
    static const char prog[] = "dacc pause publish";
    static const struct option longs[] = {
        { "log", required_argument, NULL, 'l' },
        { "witness", required_argument, NULL, 'w' },
        { "state", required_argument, NULL, 's' },
        { "time", required_argument, NULL, 't' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    publish_opts o = { .out = "-", .state_dir = ".", .time = (uint64_t)time(NULL) };
    int ch, rc = CLI_OK;
    while (rc == CLI_OK && (ch = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
        switch (ch) {
        case 'l':
            o.log_dir = optarg;
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
        case 'h':
            return cli_help(
                "Usage: dacc pause publish --log DIR [--witness W.key --state DIR]... -o BUNDLE "
                "HEARTBEAT\n\nAppend the signed heartbeat to the pause log in DIR (made by 'dacc "
                "log "
                "init'),\nhave each witness key check consistency with the last checkpoint it "
                "cosigned\n(state kept in --state DIR) and cosign, and write the bundle a device "
                "verifies:\nthe heartbeat, its inclusion proof and the cosigned checkpoint. (Real "
                "witnesses are\nremote services; --witness runs them locally, for tests and "
                "simulations.)\n");
        default:
            return cli_usage(prog, "unknown option");
        }
    }
    if (rc != CLI_OK)
        return rc;
    if (o.log_dir == NULL || argc - optind != 1)
        return cli_usage(prog, "expected --log DIR and a HEARTBEAT");
    o.heartbeat = argv[optind];
    dacc_error err;
    return publish(&o, &err) == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}
