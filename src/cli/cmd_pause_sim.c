/* dacc pause simulate: a fleet of devices over simulated weeks, one line
 * per week (the simulation is the pause module's, dacc_pause_simulate). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
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
    static const struct option longs[] = { { "weeks", required_argument, NULL, 'w' },
                                           { "devices", required_argument, NULL, 'd' },
                                           { "seed", required_argument, NULL, 's' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    dacc_pause_sim_params o = { .weeks = 16, .devices = 100, .seed = "dacc" };
    int ch, rc = CLI_OK;
    while (rc == CLI_OK && (ch = getopt_long(argc, argv, "w:d:s:h", longs, NULL)) != -1) {
        if (ch == 'w')
            rc = cli_opt_u64(prog, "--weeks", optarg, 1, 520, &o.weeks);
        else if (ch == 'd')
            rc = cli_opt_u64(prog, "--devices", optarg, 1, 100000, &o.devices);
        else if (ch == 's')
            o.seed = optarg;
        else if (ch == 'h')
            return cli_help(
                "Usage: dacc pause simulate [--weeks N] [--devices N] [--seed TEXT]\n\n"
                "Simulate a fleet under a 3-of-7 pause root with 2-of-3 witnesses. Each week the\n"
                "bodies sign the heartbeat (each with probability 0.8; fewer than 3 is a pause),\n"
                "and on a fixed schedule: week 3 of each 8 only 2 sign (a pause), week 5 an\n"
                "attacker forges a body's signature, week 6 it withholds the bundle from half the\n"
                "devices, week 7 it replays last week's bundle; in week 9 the root rotates. Each\n"
                "heartbeat is valid for its week plus a day. Every device runs the real verifier;\n"
                "each line counts the devices still running at the end of the week and the\n"
                "verifier's reasons. Reproducible from --seed.\n");
        else
            return cli_usage(prog, "unknown option");
    }
    if (rc != CLI_OK)
        return rc;
    return simulate(&o);
}
