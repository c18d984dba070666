/* dacc pause simulate: a fleet of devices over simulated weeks, one line
 * per week (the simulation is the pause module's, dacc_pause_simulate). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "spec.h"
#include "dacc/csv.h"
#include "dacc/json.h"
#include "dacc/pause.h"
#include "pause_cli.h"

typedef struct {
    uint64_t devices, weeks, printed;
    cli_format f;
} sim_out;

/* A week as a JSON array element or a CSV row; the reasons as an object
 * of counts, or in CSV name:count pairs separated by ';'. */
static void print_week_as(sim_out *o, const dacc_pause_sim_week *w)
{
    char reasons[1024] = "", num[3][24];
    size_t n = 0;
    json_t *doc = json_pack("{s:I,s:s,s:I,s:I}", "week", (json_int_t)w->week, "event", w->event,
                            "running", (json_int_t)w->running, "devices", (json_int_t)o->devices),
           *by = json_object();
    for (int k = 0; k < DACC_PAUSE_REASON_COUNT; k++) {
        if (!w->reasons[k])
            continue;
        const char *name = dacc_pause_reason_name((dacc_pause_reason)k);
        json_object_set_new(by, name, json_integer(w->reasons[k]));
        if (n < sizeof reasons)
            n += (size_t)snprintf(reasons + n, sizeof reasons - n, "%s%s:%u", n ? ";" : "", name,
                                  w->reasons[k]);
    }
    json_object_set_new(doc, "reasons", by);
    if (o->f == CLI_FORMAT_JSON) {
        char *text = dacc_json_dumps(doc, JSON_PRESERVE_ORDER | JSON_COMPACT);
        printf("%s\n  %s", o->printed ? "," : "[", text ? text : "null");
        free(text);
    } else {
        snprintf(num[0], sizeof num[0], "%" PRIu64, w->week);
        snprintf(num[1], sizeof num[1], "%u", w->running);
        snprintf(num[2], sizeof num[2], "%" PRIu64, o->devices);
        const char *row[] = { num[0], w->event, num[1], num[2], reasons };
        dacc_csv_write_row(stdout, ',', row, 5);
    }
    o->printed++;
    json_decref(doc);
}

static dacc_status print_week(void *ctx, const dacc_pause_sim_week *w, dacc_error *err)
{
    sim_out *o = ctx;
    const uint64_t *devices = &o->devices;
    if (o->f != CLI_FORMAT_TEXT) {
        print_week_as(o, w);
        return DACC_OK;
    }
    printf("%-5" PRIu64 " %-38s %5u/%-5zu", w->week, w->event, w->running, (size_t)*devices);
    for (int k = 0; k < DACC_PAUSE_REASON_COUNT; k++)
        if (w->reasons[k])
            printf(" %s (%u)", dacc_pause_reason_name((dacc_pause_reason)k), w->reasons[k]);
    printf("\n");
    (void)err;
    return DACC_OK;
}

static int simulate(const dacc_pause_sim_params *p, cli_format f)
{
    sim_out o = { p->devices, p->weeks, 0, f };
    if (f == CLI_FORMAT_TEXT) {
        printf("%-5s %-38s %-11s %s\n", "week", "event", "running at",
               "verifier's reasons (devices)");
        printf("%-5s %-38s %-11s\n", "", "", "week's end");
    } else if (f == CLI_FORMAT_CSV) {
        puts("week,event,running,devices,reasons");
    }
    dacc_error err;
    if (dacc_pause_simulate(p, print_week, &o, &err) != DACC_OK)
        return cli_fail("dacc pause simulate", &err);
    if (f == CLI_FORMAT_JSON)
        puts(o.printed ? "\n]" : "[]");
    return CLI_OK;
}

int cmd_pause_simulate(int argc, char **argv)
{
    static const char prog[] = "dacc pause simulate";
    dacc_pause_sim_params o = { .weeks = 16, .devices = 100, .seed = "dacc" };
    cli_format f = CLI_FORMAT_TEXT;
    int ch, rc = CLI_OK;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_pause, "simulate", argc, argv);
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
        if (ch == 'w')
            rc = cli_opt_u64(prog, "--weeks", optarg, 1, 520, &o.weeks);
        else if (ch == 'd')
            rc = cli_opt_u64(prog, "--devices", optarg, 1, 100000, &o.devices);
        else if (ch == 's')
            o.seed = optarg;
        else if (ch == 'f')
            rc = cli_opt_format(prog, optarg, CLI_ALLOW_TEXT | CLI_ALLOW_JSON | CLI_ALLOW_CSV, &f);
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    if (rc != CLI_OK)
        return rc;
    return simulate(&o, f);
}
