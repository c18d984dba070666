/* dacc pause publish and dacc pause device. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dacc/file.h"
#include "dacc/json.h"
#include "dacc/pause.h"
#include "log_keys.h"
#include "pause_cli.h"

#define MAX_W DACC_PAUSE_MAX_WITNESSES

/* ---- publish ---- */

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

/* ---- device ---- */

typedef struct {
    dacc_pause_state st;
    char *root_note;
    size_t root_len;
} device_file;

static dacc_status load_state(const char *path, device_file *d, dacc_error *err)
{
    json_t *j;
    const char *root = NULL;
    int64_t epoch = 0, na = 0, ls = 0;
    dacc_status st = dacc_json_load_file(path, &j, err);
    if (st != DACC_OK)
        return st;
    st = dacc_json_get_string(j, "root", true, path, &root, err);
    if (st == DACC_OK)
        st = dacc_json_get_int(j, "epoch", true, path, &epoch, err);
    if (st == DACC_OK)
        st = dacc_json_get_int(j, "not_after", true, path, &na, err);
    if (st == DACC_OK)
        st = dacc_json_get_int(j, "log_size", true, path, &ls, err);
    dacc_tlog_note note;
    if (st == DACC_OK &&
        (dacc_tlog_note_parse(root, strlen(root), &note, NULL) != DACC_OK ||
         dacc_pause_root_parse(note.text, note.text_len, &d->st.root) != DACC_PAUSE_ACCEPTED))
        st = dacc_error_field(err, DACC_ERR_PARSE, path, 0, "key", "root", "not a pause root");
    if (st == DACC_OK && (epoch < 0 || na < 0 || ls < 0))
        st = dacc_error_at(err, DACC_ERR_RANGE, path, 0, 0, "negative counters");
    if (st == DACC_OK) {
        d->st.epoch = (uint64_t)epoch;
        d->st.not_after = (uint64_t)na;
        d->st.log_size = (uint64_t)ls;
        d->root_note = strdup(root);
        d->root_len = strlen(root);
    }
    json_decref(j);
    return st;
}

static dacc_status save_state(const char *path, const device_file *d, dacc_error *err)
{
    json_t *j = json_object();
    json_object_set_new(j, "root", json_stringn(d->root_note, d->root_len));
    json_object_set_new(j, "epoch", json_integer((json_int_t)d->st.epoch));
    json_object_set_new(j, "not_after", json_integer((json_int_t)d->st.not_after));
    json_object_set_new(j, "log_size", json_integer((json_int_t)d->st.log_size));
    dacc_status st = dacc_json_write_file(path, j, DACC_JSON_PRETTY, err);
    json_decref(j);
    return st;
}

typedef struct {
    const char *state, *arg, *sub;
    uint64_t now;
} device_opts;

static int print_outcome(const device_file *d, dacc_pause_reason r, uint64_t now, int status)
{
    printf("%s%sdevice %s (epoch %" PRIu64 ", runs until %" PRIu64 ")\n",
           status ? "" : dacc_pause_reason_name(r), status ? "" : "; ",
           dacc_pause_check(&d->st, now) == DACC_PAUSE_RUN ? "RUNS" : "HALTS", d->st.epoch,
           dacc_pause_runs_until(&d->st));
    return r == DACC_PAUSE_ACCEPTED || r == DACC_PAUSE_REPLAY ? CLI_OK : CLI_FAIL;
}

static int device_run(const char *prog, const device_opts *o)
{
    device_file d = { 0 };
    dacc_error err;
    char *data = NULL;
    size_t len = 0;
    dacc_status st = DACC_OK;
    if (strcmp(o->sub, "status") != 0 && (st = pause_read(o->arg, &data, &len, &err)) != DACC_OK)
        return cli_fail(prog, &err);
    dacc_pause_reason r = DACC_PAUSE_ACCEPTED;
    if (strcmp(o->sub, "init") == 0) {
        r = dacc_pause_init(&d.st, data, len, o->now);
        d.root_note = data;
        d.root_len = len;
        data = NULL;
    } else if ((st = load_state(o->state, &d, &err)) == DACC_OK) {
        if (strcmp(o->sub, "rotate") == 0) {
            r = dacc_pause_rotate(&d.st, data, len, o->now);
            if (r == DACC_PAUSE_ACCEPTED) {
                free(d.root_note);
                d.root_note = data;
                d.root_len = len;
                data = NULL;
            }
        } else if (strcmp(o->sub, "verify") == 0) {
            r = dacc_pause_verify(&d.st, data, len, o->now);
        }
    }
    int rc = st == DACC_OK ? print_outcome(&d, r, o->now, strcmp(o->sub, "status") == 0)
                           : cli_fail(prog, &err);
    if (st == DACC_OK && r == DACC_PAUSE_ACCEPTED && strcmp(o->sub, "status") != 0 &&
        save_state(o->state, &d, &err) != DACC_OK)
        rc = cli_fail(prog, &err);
    if (strcmp(o->sub, "status") == 0 && rc == CLI_OK)
        rc = dacc_pause_check(&d.st, o->now) == DACC_PAUSE_RUN ? CLI_OK : CLI_FAIL;
    free(data);
    free(d.root_note);
    return rc;
}

int cmd_pause_device(int argc, char **argv)
{
    static const char prog[] = "dacc pause device";
    static const char usage[] =
        "Usage: dacc pause device init   --state FILE [--now T] ROOT\n"
        "       dacc pause device rotate --state FILE [--now T] NEW_ROOT\n"
        "       dacc pause device verify --state FILE [--now T] BUNDLE\n"
        "       dacc pause device status --state FILE [--now T]\n\n"
        "Run the device verifier, keeping its state (root, epoch, expiry, log size) in FILE,\n"
        "which stands for the device's protected storage; T is the trusted time (default:\n"
        "now). verify prints the reason code and whether the device runs; the state is\n"
        "written only when it moves forward. Exit status 0 when accepted (or a replay; for\n"
        "status: when the device runs), 1 otherwise.\n";
    static const struct option longs[] = { { "state", required_argument, NULL, 's' },
                                           { "now", required_argument, NULL, 'n' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return argc < 2 ? cli_usage(prog, "expected init, rotate, verify or status")
                        : cli_help(usage);
    device_opts o = { .sub = argv[1], .now = (uint64_t)time(NULL) };
    if (strcmp(o.sub, "init") && strcmp(o.sub, "rotate") && strcmp(o.sub, "verify") &&
        strcmp(o.sub, "status"))
        return cli_usage(prog, "unknown subcommand '%s'", o.sub);
    argc--;
    argv++;
    cli_getopt_reset();
    int ch, rc = CLI_OK;
    while (rc == CLI_OK && (ch = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        if (ch == 's')
            o.state = optarg;
        else if (ch == 'n')
            rc = cli_opt_u64(prog, "--now", optarg, 0, INT64_MAX, &o.now);
        else if (ch == 'h')
            return cli_help(usage);
        else
            return cli_usage(prog, "unknown option");
    }
    if (rc != CLI_OK)
        return rc;
    int want = strcmp(o.sub, "status") == 0 ? 0 : 1;
    if (o.state == NULL || argc - optind != want)
        return cli_usage(prog, "expected --state FILE%s", want ? " and one file" : "");
    o.arg = want ? argv[optind] : NULL;
    return device_run(prog, &o);
}
