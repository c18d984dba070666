/* dacc serve: the node, until SIGINT or SIGTERM. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../node/internal.h"
#include "cli.h"
#include "dacc/file.h"

static const char help[] =
    "Usage: dacc serve [--listen ADDR:PORT] [--data DIR] [--config FILE] [options]\n\n"
    "The node: an HTTP/JSON server where participants post signed round events\n"
    "and anyone reads the rounds, their results and the log. An event is\n"
    "answered 201 with a receipt (its log index, leaf hash, an inclusion proof\n"
    "in c2sp.org/tlog-proof@v1 form and the signed checkpoint) only once it is\n"
    "durable in the log; a refused event gets the round's refusal and is not\n"
    "logged. The log is served as c2sp.org/tlog-tiles (/checkpoint, /tile/...).\n"
    "API reference: docs/node.md.\n\n"
    "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; port 0: any)\n"
    "  --data DIR          the data directory: log.db, log.key, log.pub, rounds.db\n"
    "                      (default ./dacc-data; created with a fresh log key)\n"
    "  --config FILE       options from FILE, one a line: the long option's name,\n"
    "                      then its value (\"threads 8\" or \"threads = 8\"), '#'\n"
    "                      comments; options given here override the file's\n"
    "  --store URL         keep the log and its round index in the PostgreSQL\n"
    "                      database at URL (postgres://...) rather than in DIR;\n"
    "                      every node given the same URL and log key (DIR/log.key,\n"
    "                      copied from the first node's) serves the same log, and\n"
    "                      one at a time integrates the events all of them accept\n"
    "                      (docs/scale.md)\n"
    "  --origin ORIGIN     the log's origin when the directory is created\n"
    "                      (default localhost/dacc)\n"
    "  --threads N         HTTP worker threads (default 4)\n"
    "  --max-connections N open connections at most (default 1024); beyond,\n"
    "                      connections wait to be accepted\n"
    "  --per-address-connections N\n"
    "                      open connections from one client address at most\n"
    "                      (default 0: no limit); beyond, closed at once\n"
    "  --timeout SECONDS   a connection is closed when idle this long, or when it\n"
    "                      has not sent a whole request within it (default 30)\n"
    "  --key-rate N        events per second one signing key may post, in bursts\n"
    "                      of 2N (default 0: no limit); beyond it, 429\n"
    "  --address-rate N    the same per client address (behind a proxy, that is\n"
    "                      the proxy's: limit there)\n"
    "  --witness URL=PUB   a witness asked to cosign this node's checkpoints\n"
    "                      (repeatable; PUB its cosignature key): /checkpoint\n"
    "                      then carries every valid cosignature\n"
    "  --witness-threshold N  serve /checkpoint only once N of the --witness\n"
    "                      witnesses have cosigned it (the latest checkpoint that\n"
    "                      has them; 503 until one has)\n"
    "  --witness-key FILE  act as a witness (c2sp.org/tlog-witness: POST\n"
    "                      /add-checkpoint) with this cosignature key\n"
    "                      (dacc log keygen --cosign)\n"
    "  --witness-log FILE  the public key of a log it witnesses (repeatable)\n"
    "  -q, --quiet         no request log on standard error\n"
    "  -h, --help          show this help\n\n"
    "A request's body is at most 65535 bytes (beyond: 413, before it is read),\n"
    "its line and headers at most 64 KiB (beyond: 414 or 431).\n"
    "Standard error gets one line per request: method, path, status, bytes and\n"
    "microseconds. SIGINT or SIGTERM stops the node after answering the events\n"
    "it has queued.\n"
    "Exit status: 0 after a clean stop, 1 when the node cannot start (or read\n"
    "FILE), 2 on usage (a bad option, or a bad line in FILE).\n";

/* An option of the command line, kept until the config file is read. */
typedef struct {
    unsigned option;
    const char *value;
} given;

/* The command line into *cli (its options, in order) and *config;
 * -1 for --help. */
static int parse(int argc, char **argv, given *cli, size_t *n, const char **config)
{
    static const char prog[] = "dacc serve";
    struct option longs[NODE_OPTIONS + 3];
    for (unsigned i = 0; i < NODE_OPTIONS; i++)
        longs[i] = (struct option){ node_option_name(i),
                                    node_option_flag(i) ? no_argument : required_argument, NULL,
                                    256 + (int)i };
    longs[NODE_OPTIONS] = (struct option){ "config", required_argument, NULL, 'c' };
    longs[NODE_OPTIONS + 1] = (struct option){ "help", no_argument, NULL, 'h' };
    longs[NODE_OPTIONS + 2] = (struct option){ NULL, 0, NULL, 0 };
    int ch;
    *n = 0;
    *config = NULL;
    while ((ch = getopt_long(argc, argv, "qh", longs, NULL)) != -1) {
        if (ch == 'h')
            return -1;
        if (ch == 'c') {
            if (*config != NULL)
                return cli_usage(prog, "one --config at most");
            *config = optarg;
        } else if (ch == 'q' || ch >= 256) {
            cli[*n].option = ch == 'q' ? NODE_OPT_QUIET : (unsigned)(ch - 256);
            cli[(*n)++].value = ch == 'q' ? NULL : optarg;
        } else {
            return cli_usage(prog, "unknown option");
        }
    }
    if (optind != argc)
        return cli_usage(prog, "unexpected argument '%s'", argv[optind]);
    return CLI_OK;
}

/* The settings: the config file's, then the command line's over them (a
 * repeatable option given there replaces the file's list). */
static int settle(node_settings *s, const given *cli, size_t n, const char *config)
{
    static const char prog[] = "dacc serve";
    dacc_error err;
    if (config != NULL) {
        char *text;
        size_t len;
        if (dacc_file_read(config, 1u << 20, &text, &len, &err) != DACC_OK)
            return cli_fail(prog, &err);
        dacc_status st = node_config_parse(s, config, text, len, &err);
        free(text);
        if (st != DACC_OK)
            return cli_usage(prog, "%s", err.message);
    }
    bool replaced[NODE_OPTIONS] = { false };
    for (size_t k = 0; k < n; k++) {
        unsigned i = cli[k].option;
        if (node_option_repeatable(i) && !replaced[i]) {
            node_option_forget(s, i);
            replaced[i] = true;
        }
        if (node_option_set(s, i, cli[k].value, &err) != DACC_OK)
            return cli_usage(prog, "--%s: %s", node_option_name(i), err.message);
    }
    return CLI_OK;
}

int cmd_serve(int argc, char **argv)
{
    given *cli = malloc((size_t)argc * sizeof *cli);
    node_settings s;
    node_settings_init(&s);
    size_t n;
    const char *config;
    int rc = cli ? parse(argc, argv, cli, &n, &config) : CLI_FAIL;
    if (rc == CLI_OK)
        rc = settle(&s, cli, n, config);
    free(cli);
    if (rc != CLI_OK) {
        node_settings_free(&s);
        return rc < 0 ? cli_help(help) : rc;
    }
    dacc_node_opts *o = &s.o;
    /* Signals go to sigwait below, not to the server's threads. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    dacc_node *node;
    dacc_error err;
    if (dacc_node_start(o, &node, &err) != DACC_OK) {
        node_settings_free(&s);
        return cli_fail("dacc serve", &err);
    }
    dacc_node_defaults(o);
    fprintf(stderr, "dacc serve: listening on http://%s:%u (data %s)\n", o->host,
            (unsigned)dacc_node_port(node), o->data);
    int sig;
    sigwait(&stop, &sig);
    fprintf(stderr, "dacc serve: %s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    dacc_node_stop(node);
    node_settings_free(&s);
    return CLI_OK;
}
