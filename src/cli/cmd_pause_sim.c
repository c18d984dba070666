/* dacc pause simulate: a fleet of devices over simulated weeks, one line
 * per week (the simulation is the pause module's, dacc_pause_simulate). */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "spec.h"
#include "dacc/pause.h"
#include "pause_cli.h"

static dacc_status print_week(void *ctx, const dacc_pause_sim_week *w, dacc_error *err)
{
    const uint64_t *devices = ctx;
    printf("%-5" PRIu64 " %-38s %5u/%-5zu", w->week, w->event, w->running, (size_t)*devices);
    for (int k = 0; k < DACC_PAUSE_REASON_COUNT; k++)
        if (w->reasons[k])
            printf(" %s (%u)", dacc_pause_reason_name((dacc_pause_reason)k), w->reasons[k]);
    printf("\n");
    (void)err;
    return DACC_OK;
}

static int simulate(const dacc_pause_sim_params *p)
{
    printf("%-5s %-38s %-11s %s\n", "week", "event", "running at", "verifier's reasons (devices)");
    printf("%-5s %-38s %-11s\n", "", "", "week's end");
    dacc_error err;
    if (dacc_pause_simulate(p, print_week, (void *)&p->devices, &err) != DACC_OK)
        return cli_fail("dacc pause simulate", &err);
    return CLI_OK;
}

int cmd_pause_simulate(int argc, char **argv)
{
    static const char prog[] = "dacc pause simulate";
    dacc_pause_sim_params o = { .weeks = 16, .devices = 100, .seed = "dacc" };
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
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    if (rc != CLI_OK)
        return rc;
    return simulate(&o);
}
