/* dacc: the command-line tool. This file only dispatches; each command lives
 * in its own cmd_*.c file and uses the public library API. */
#include <string.h>

#include "cli.h"

static const cli_command commands[] = {
    { "apportion", "split an integer pool exactly by weights (largest remainder)", cmd_apportion },
    { "deepfund", "deep funding: graph, jury, submissions, mixture, allocation", cmd_deepfund },
    { "fund", "public-goods funding: QF, pairwise QF, COCM, compare, explain", cmd_fund },
    { "log", "transparency log: append, checkpoints, proofs, witnesses, tiles", cmd_log },
    { "market", "prediction markets with exact money: run an operations file, quote", cmd_market },
    { "notes", "bridging-based note scoring (Community Notes): score, synth", cmd_notes },
    { "pause", "soft pause: k-of-N heartbeats, publication, device verifier, simulation",
      cmd_pause },
    { "rng", "reproducible random draws from a published seed", cmd_rng },
};

static const char about[] =
    "dacc: mechanisms for decentralized, defensive AI governance, exact and verifiable.\n"
    "Global options: --help, --version.";

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
        printf("dacc %s\n", dacc_version());
        return CLI_OK;
    }
    if (dacc_init() != DACC_OK) {
        fprintf(stderr, "dacc: cannot initialise libsodium\n");
        return CLI_FAIL;
    }
    return cli_dispatch("dacc", about, commands, sizeof commands / sizeof commands[0], argc, argv);
}
