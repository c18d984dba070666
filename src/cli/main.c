/* dacc: the command-line tool. This file only dispatches; each command lives
 * in its own cmd_*.c file and uses the public library API. */
#include <errno.h>
#include <string.h>

#include "cli.h"

static const cli_command commands[] = {
    { "anon", "anonymous participation: ring signatures, threshold tokens, VRF", cmd_anon },
    { "apportion", "split an integer pool exactly by weights (largest remainder)", cmd_apportion },
    { "deepfund", "deep funding: graph, jury, submissions, mixture, allocation", cmd_deepfund },
    { "fund", "public-goods funding: QF, pairwise QF, COCM, compare, explain", cmd_fund },
    { "log", "transparency log: append, checkpoints, proofs, witnesses, tiles", cmd_log },
    { "market", "prediction markets with exact money: run an operations file, quote", cmd_market },
    { "notes", "bridging-based note scoring (Community Notes): score, synth", cmd_notes },
    { "pause", "soft pause: k-of-N heartbeats, publication, device verifier, simulation",
      cmd_pause },
    { "rng", "reproducible random draws from a published seed", cmd_rng },
    { "round", "rounds: signed events in a log, results, replay by anyone", cmd_round },
    { "serve", "the node: an HTTP/JSON API over the rounds and the log", cmd_serve },
};

static const char about[] =
    "dacc: mechanisms for decentralized, defensive AI governance, exact and verifiable.\n"
    "Global options: --help, --version.";

/* Results printed to standard output count only once they are out: a full
 * disk or a closed terminal turns success into a failure, checked once here
 * for every command rather than after each printf. */
static int finish_stdout(int rc)
{
    errno = 0;
    int bad = fflush(stdout) != 0;
    int saved = errno;
    bad |= ferror(stdout) != 0;
    if (fclose(stdout) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    if (!bad)
        return rc;
    fprintf(stderr, "dacc: writing standard output failed: %s\n",
            saved ? strerror(saved) : "an earlier write failed");
    return rc == CLI_OK ? CLI_FAIL : rc;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
        printf("dacc %s\ncommit %s\ncompiler %s\n", dacc_version(), dacc_commit(), dacc_compiler());
        return finish_stdout(CLI_OK);
    }
    if (dacc_init() != DACC_OK) {
        fprintf(stderr, "dacc: cannot initialise libsodium\n");
        return CLI_FAIL;
    }
    return finish_stdout(
        cli_dispatch("dacc", about, commands, sizeof commands / sizeof commands[0], argc, argv));
}
