/* dacc pause device: the device verifier over a state file. */
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

/* ---- device ---- */

static dacc_status load_state(const char *path, dacc_pause_state_file *f, dacc_error *err)
{
    char *data;
    size_t len;
    dacc_status st = dacc_file_read(path, 1 << 16, &data, &len, err);
    if (st == DACC_OK)
        st = dacc_pause_state_file_parse(path, data, len, f, err);
    free(data);
    return st;
}

static dacc_status save_state(const char *path, const dacc_pause_state_file *f, dacc_error *err)
{
    char *text;
    size_t len;
    dacc_status st = dacc_pause_state_file_format(f, &text, &len, err);
    if (st == DACC_OK)
        st = dacc_file_write(path, text, len, err);
    free(text);
    return st;
}

/* The note the state now holds: the one a successful init or rotate took
 * (at most DACC_PAUSE_NOTE_MAX bytes, or the verifier refuses it). */
static void take_root(dacc_pause_state_file *f, const char *note, size_t len)
{
    memcpy(f->root_note, note, len);
    f->root_len = len;
}

typedef struct {
    const char *state, *arg, *sub;
    uint64_t now;
    int force;
} device_opts;

static int print_outcome(const dacc_pause_state_file *d, dacc_pause_reason r, uint64_t now,
                         int status)
{
    printf("%s%sdevice %s (epoch %" PRIu64 ", runs until %" PRIu64 ")\n",
           status ? "" : dacc_pause_reason_name(r), status ? "" : "; ",
           dacc_pause_check(&d->state, now) == DACC_PAUSE_RUN ? "RUNS" : "HALTS", d->state.epoch,
           dacc_pause_runs_until(&d->state));
    return r == DACC_PAUSE_ACCEPTED || r == DACC_PAUSE_REPLAY ? CLI_OK : CLI_FAIL;
}

/* Provisioning again starts from epoch 0 and log size 0, so every bundle
 * the device ever refused as old would be accepted again: only on purpose. */
static dacc_status device_init(const device_opts *o, dacc_pause_state_file *d, const char *root,
                               size_t len, dacc_pause_reason *r, dacc_error *err)
{
    if (!o->force && access(o->state, F_OK) == 0)
        return dacc_error_at(err, DACC_ERR_STATE, o->state, 0, 0,
                             "the device is provisioned already; --force provisions it again "
                             "(back to epoch 0, so old bundles are accepted again)");
    *r = dacc_pause_init(&d->state, root, len, o->now);
    if (*r == DACC_PAUSE_ACCEPTED)
        take_root(d, root, len);
    return DACC_OK;
}

static dacc_status device_step(const device_opts *o, dacc_pause_state_file *d, const char *data,
                               size_t len, dacc_pause_reason *r, dacc_error *err)
{
    if (strcmp(o->sub, "init") == 0)
        return device_init(o, d, data, len, r, err);
    dacc_status st = load_state(o->state, d, err);
    if (st != DACC_OK || strcmp(o->sub, "status") == 0)
        return st;
    if (strcmp(o->sub, "rotate") == 0) {
        *r = dacc_pause_rotate(&d->state, data, len, o->now);
        if (*r == DACC_PAUSE_ACCEPTED)
            take_root(d, data, len);
    } else {
        *r = dacc_pause_verify(&d->state, data, len, o->now);
    }
    return DACC_OK;
}

static int device_run(const char *prog, const device_opts *o)
{
    dacc_pause_state_file d;
    memset(&d, 0, sizeof d);
    dacc_error err;
    char *data = NULL;
    size_t len = 0;
    int status = strcmp(o->sub, "status") == 0;
    dacc_pause_reason r = DACC_PAUSE_ACCEPTED;
    dacc_status st = status ? DACC_OK : pause_read(o->arg, &data, &len, &err);
    if (st == DACC_OK)
        st = device_step(o, &d, data, len, &r, &err);
    /* The state is the device's memory: what it did not save, it has not
     * accepted, so nothing says "accepted" before the save succeeded. */
    if (st == DACC_OK && !status && r == DACC_PAUSE_ACCEPTED &&
        (st = save_state(o->state, &d, &err)) != DACC_OK)
        dacc_error_prefix(&err, "nothing was accepted: the state could not be saved: ");
    free(data);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    int rc = print_outcome(&d, r, o->now, status);
    if (status)
        rc = dacc_pause_check(&d.state, o->now) == DACC_PAUSE_RUN ? CLI_OK : CLI_FAIL;
    return rc;
}

int cmd_pause_device(int argc, char **argv)
{
    static const char prog[] = "dacc pause device";
    static const char usage[] =
        "Usage: dacc pause device init   --state FILE [--now T] [--force] ROOT\n"
        "       dacc pause device rotate --state FILE [--now T] NEW_ROOT\n"
        "       dacc pause device verify --state FILE [--now T] BUNDLE\n"
        "       dacc pause device status --state FILE [--now T]\n\n"
        "Run the device verifier, keeping its state (root, epoch, expiry, log size) in FILE,\n"
        "which stands for the device's protected storage; T is the trusted time (default:\n"
        "now). verify prints the reason code and whether the device runs; the state is\n"
        "written only when it moves forward, and nothing is reported accepted unless it was\n"
        "saved. init refuses to overwrite an existing FILE unless --force (provisioning again\n"
        "goes back to epoch 0, so bundles refused as old would be accepted again). Exit\n"
        "status 0 when accepted (or a replay; for status: when the device runs), 1 otherwise.\n";
    static const struct option longs[] = { { "state", required_argument, NULL, 's' },
                                           { "now", required_argument, NULL, 'n' },
                                           { "force", no_argument, NULL, 'f' },
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
        else if (ch == 'f')
            o.force = 1;
        else if (ch == 'h')
            return cli_help(usage);
        else
            return cli_usage(prog, "unknown option");
    }
    if (rc != CLI_OK)
        return rc;
    if (o.force && strcmp(o.sub, "init") != 0)
        return cli_usage(prog, "--force is only for init");
    int want = strcmp(o.sub, "status") == 0 ? 0 : 1;
    if (o.state == NULL || argc - optind != want)
        return cli_usage(prog, "expected --state FILE%s", want ? " and one file" : "");
    o.arg = want ? argv[optind] : NULL;
    return device_run(prog, &o);
}
