/* dacc pause device: the device verifier over a state file. */
#include <dirent.h>
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
    cli_format format;
} device_opts;

static int print_outcome(const dacc_pause_state_file *d, dacc_pause_reason r, uint64_t now,
                         int status, cli_format f)
{
    const char *runs = dacc_pause_check(&d->state, now) == DACC_PAUSE_RUN ? "RUNS" : "HALTS";
    const char *reason = status ? "" : dacc_pause_reason_name(r);
    uint64_t until = dacc_pause_runs_until(&d->state);
    if (f == CLI_FORMAT_JSON) {
        /* status checks no bundle: no reason, null as every JSON output's empty value */
        json_t *doc = json_pack("{s:o,s:s,s:I,s:I}", "reason",
                                status ? json_null() : json_string(reason), "device", runs, "epoch",
                                (json_int_t)d->state.epoch, "runs_until", (json_int_t)until);
        dacc_json_write_stream(stdout, doc, DACC_JSON_PRETTY, NULL);
        json_decref(doc);
    } else if (f == CLI_FORMAT_CSV) {
        char epoch[24], when[24];
        snprintf(epoch, sizeof epoch, "%" PRIu64, d->state.epoch);
        snprintf(when, sizeof when, "%" PRIu64, until);
        static const char *const head[] = { "reason", "device", "epoch", "runs_until" };
        const char *row[] = { reason, runs, epoch, when };
        dacc_csv_write_row(stdout, ',', head, 4);
        dacc_csv_write_row(stdout, ',', row, 4);
    }
    if (f != CLI_FORMAT_TEXT)
        return r == DACC_PAUSE_ACCEPTED || r == DACC_PAUSE_REPLAY ? CLI_OK : CLI_FAIL;
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
    int rc = print_outcome(&d, r, o->now, status, o->format);
    if (status)
        rc = dacc_pause_check(&d.state, o->now) == DACC_PAUSE_RUN ? CLI_OK : CLI_FAIL;
    return rc;
}

/* dacc pause device SUB, the subcommand named by sub. */
static int device_main(const char *sub, int argc, char **argv)
{
    char prog[64];
    snprintf(prog, sizeof prog, "dacc pause device %s", sub);
    char name[32];
    snprintf(name, sizeof name, "device %s", sub);
    device_opts o = { .sub = sub, .now = (uint64_t)time(NULL) };
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_pause, name, argc, argv);
    int ch, rc = CLI_OK;
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
        if (ch == 's')
            o.state = optarg;
        else if (ch == 'n')
            rc = cli_opt_u64(prog, "--now", optarg, 0, INT64_MAX, &o.now);
        else if (ch == 'F')
            o.force = 1;
        else if (ch == 'f')
            rc = cli_opt_format(prog, optarg, CLI_ALLOW_TEXT | CLI_ALLOW_JSON | CLI_ALLOW_CSV,
                                &o.format);
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    if (rc != CLI_OK)
        return rc;
    int want = strcmp(o.sub, "status") == 0 ? 0 : 1;
    if (argc - optind != want)
        return cli_usage(prog, want ? "expected one file" : "expected no argument");
    o.arg = want ? argv[optind] : NULL;
    return device_run(prog, &o);
}

int cmd_pause_device_init(int argc, char **argv)
{
    return device_main("init", argc, argv);
}

int cmd_pause_device_rotate(int argc, char **argv)
{
    return device_main("rotate", argc, argv);
}

int cmd_pause_device_verify(int argc, char **argv)
{
    return device_main("verify", argc, argv);
}

int cmd_pause_device_status(int argc, char **argv)
{
    return device_main("status", argc, argv);
}
