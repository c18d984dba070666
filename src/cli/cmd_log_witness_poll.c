/* dacc log witness: an active witness. It polls a node's checkpoint, and
 * cosigns each new one that a proof built from the node's tiles shows
 * consistent with the last one it cosigned, through the step dacc log
 * cosign takes (log_witness.h), on the same state. A fork stops it; a node
 * that cannot be read is polled again. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "spec.h"
#include "dacc/codec.h"
#include "log_keys.h"
#include "log_source.h"
#include "log_witness.h"

#define HB       DACC_TLOG_HASH_BYTES
#define ROOT_B64 45 /* base64 of a hash, with its NUL */

static const char prog[] = "dacc log witness";

typedef struct {
    const char *url, *out, *state;
    uint64_t interval;
    int once;
    dacc_tlog_signer key;
    dacc_tlog_verifier log_key;
} poll_opts;

typedef enum { POLL_DONE, POLL_RETRY, POLL_STOP } poll_result;

typedef struct {
    log_source *src;
    dacc_tlog_proof p;
} tiles_proof;

/* The proof from old to the source's checkpoint, from its tiles. Tiles
 * that do not lead to the source's own signed root give none: that is a
 * damaged node, not evidence of a fork, so a proof that then fails against
 * the old root is one. */
static dacc_status proof_from_tiles(void *ctx, uint64_t old, const dacc_tlog_proof **proof,
                                    dacc_error *err)
{
    tiles_proof *t = ctx;
    log_source *src = t->src;
    dacc_tlog_hash_fn fn = source_hash_fn(src);
    void *hc = source_hash_ctx(src);
    uint8_t root[HB];
    memset(&t->p, 0, sizeof t->p);
    t->p.consistency = true;
    t->p.a = old;
    t->p.size = src->cp.size;
    t->p.format = DACC_TLOG_PROOF_DACC;
    dacc_status st = dacc_tlog_prove_consistency(fn, hc, old, src->cp.size, t->p.hash, &t->p.n);
    if (st == DACC_OK)
        st = dacc_tlog_tree_hash(fn, hc, src->cp.size, root);
    if (st != DACC_OK)
        return source_hash_failed(src, st, err);
    if (sodium_memcmp(root, src->cp.root, HB) != 0)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "%s: its tiles do not lead to its own checkpoint's root (a tile is "
                              "corrupt), so they prove nothing",
                              src->dir);
    *proof = &t->p;
    return DACC_OK;
}

static char *root_text(const uint8_t root[HB], char out[ROOT_B64])
{
    return dacc_base64_encode(root, HB, out);
}

/* The node could not be read (or proved nothing): a warning, then the next
 * poll; with --once, the failure. */
static poll_result unreadable(const poll_opts *o, const dacc_error *err)
{
    if (o->once) {
        cli_fail(prog, err);
        return POLL_STOP;
    }
    fprintf(stderr, "%s: warning: %s; polling again in %" PRIu64 " s\n", prog,
            dacc_error_message(err), o->interval);
    return POLL_RETRY;
}

static void report_refusal(const poll_opts *o, const witness_result *r, const dacc_error *err)
{
    char was[ROOT_B64], now[ROOT_B64];
    if (!r->had_state || strcmp(r->old.origin, r->cp.origin) != 0) {
        fprintf(stderr, "%s: %s: refused, stopping: %s\n", prog, o->url, dacc_error_message(err));
        return;
    }
    fprintf(stderr,
            "%s: FORK: %s serves size %" PRIu64 " root %s, which does not follow the checkpoint "
            "this witness cosigned, size %" PRIu64 " root %s (%s): %s. Not cosigned, the state is "
            "unchanged, and the witness stops: a log showing two histories needs a human.\n",
            prog, o->url, r->cp.size, root_text(r->cp.root, now), r->old.size,
            root_text(r->old.root, was), o->state, dacc_error_message(err));
}

static poll_result poll_once(const poll_opts *o)
{
    dacc_error err;
    log_source src;
    witness_result r;
    char root[ROOT_B64];
    dacc_status st = source_open(o->url, &o->log_key, &src, &err);
    if (st == DACC_OK && src.empty) {
        source_close(&src);
        st = dacc_error_set(&err, DACC_ERR_NOTFOUND, "%s: no checkpoint yet", o->url);
    }
    if (st != DACC_OK)
        return unreadable(o, &err);
    tiles_proof tp = { .src = &src };
    witness_opts wo = { .key = &o->key,
                        .log_key = &o->log_key,
                        .state = o->state,
                        .time = (uint64_t)time(NULL),
                        .skip_same = true };
    /* r.outcome says what came of it, err why */
    (void)witness_cosign_note(&wo, src.note, src.note_len, proof_from_tiles, &tp, o->out, &r, &err);
    source_close(&src); /* r.cp.ext pointed into it; nothing below reads it */
    switch (r.outcome) {
    case WITNESS_COSIGNED:
        fprintf(stderr, "%s: cosigned %s size %" PRIu64 " root %.16s...%s\n", prog, r.cp.origin,
                r.cp.size, root_text(r.cp.root, root),
                r.had_state ? "" : " (the first: trusted on first use)");
        return POLL_DONE;
    case WITNESS_UNCHANGED:
        return POLL_DONE;
    case WITNESS_NO_PROOF:
        return unreadable(o, &err);
    case WITNESS_REFUSED:
        report_refusal(o, &r, &err);
        return POLL_STOP;
    case WITNESS_FAILED:
        break;
    }
    cli_fail(prog, &err); /* the state or the output: a disk that needs a human */
    return POLL_STOP;
}

/* Polls until a fork or a failure (1) or SIGINT or SIGTERM (0). The two
 * signals stay blocked and are taken only while waiting, so a poll, and
 * above all a cosign between its two writes, is never cut short. */
static int poll_loop(const poll_opts *o)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    if (!o->once)
        sigprocmask(SIG_BLOCK, &stop, NULL);
    for (;;) {
        poll_result pr = poll_once(o);
        if (pr == POLL_STOP)
            return CLI_FAIL;
        if (o->once)
            return CLI_OK;
        struct timespec wait = { .tv_sec = (time_t)o->interval };
        int sig;
        while ((sig = sigtimedwait(&stop, NULL, &wait)) < 0 && errno == EINTR)
            ;
        if (sig > 0) {
            fprintf(stderr, "%s: stopped by %s\n", prog, sig == SIGINT ? "SIGINT" : "SIGTERM");
            return CLI_OK;
        }
    }
}

static int parse(int argc, char **argv, poll_opts *o, const char **key, const char **log_key)
{
    int ch, rc;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_log, "witness", argc, argv);
    while ((ch = cli_next(&p)) > 0) {
        switch (ch) {
        case 'k':
            *key = optarg;
            break;
        case 'l':
            *log_key = optarg;
            break;
        case 's':
            o->state = optarg;
            break;
        case 'N':
            o->url = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'I':
            if ((rc = cli_opt_u64(prog, "--interval", optarg, 1, 86400, &o->interval)))
                return rc;
            break;
        case '1':
            o->once = 1;
            break;
        }
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
    if (*key == NULL || *log_key == NULL || o->state == NULL || o->url == NULL)
        return cli_usage(prog, "expected --key, --log-key, --state and --node");
    if (optind != argc)
        return cli_usage(prog, "unexpected argument '%s'", argv[optind]);
    if (strcmp(o->out, o->state) == 0)
        return cli_usage(prog, "-o names the state file");
    /* the state is read and written by design; the cosigned note must not
     * replace the keys */
    const char *outs[] = { o->out };
    return cli_outputs_distinct(prog, argc, argv, outs, 1, NULL, 0);
}

int cmd_log_witness(int argc, char **argv)
{
    poll_opts o = { .out = "-", .interval = 5 };
    const char *key = NULL, *log_key = NULL;
    int rc = parse(argc, argv, &o, &key, &log_key);
    if (rc < 0)
        return CLI_OK;
    if (rc != CLI_OK)
        return rc;
    dacc_error err;
    dacc_status st = load_signer(key, &o.key, &err);
    if (st == DACC_OK && o.key.v.type != DACC_TLOG_KEY_COSIGN)
        st = dacc_error_at(&err, DACC_ERR_INVALID, key, 0, 0,
                           "not a witness key (make one with dacc log keygen --cosign)");
    if (st == DACC_OK)
        st = load_verifier(log_key, &o.log_key, &err);
    rc = st == DACC_OK ? poll_loop(&o) : cli_fail(prog, &err);
    sodium_memzero(&o.key, sizeof o.key);
    return rc;
}
