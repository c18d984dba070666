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
