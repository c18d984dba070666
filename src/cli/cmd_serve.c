/* dacc serve: the node, until SIGINT or SIGTERM. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/node.h"
#include "cli.h"

static const char help[] =
    "Usage: dacc serve [--listen ADDR:PORT] [--data DIR] [options]\n\n"
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
    "  --store URL         keep the log and its round index in the PostgreSQL\n"
    "                      database at URL (postgres://...) rather than in DIR;\n"
    "                      every node given the same URL and log key (DIR/log.key,\n"
    "                      copied from the first node's) serves the same log, and\n"
    "                      one at a time integrates the events all of them accept\n"
    "                      (docs/scale.md)\n"
    "  --origin ORIGIN     the log's origin when the directory is created\n"
    "                      (default localhost/dacc)\n"
    "  --threads N         HTTP worker threads (default 4)\n"
    "  --max-connections N open connections at most (default 1024)\n"
    "  --timeout SECONDS   idle connection timeout (default 30)\n"
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
    "Standard error gets one line per request: method, path, status, bytes and\n"
    "microseconds. SIGINT or SIGTERM stops the node after answering the events\n"
    "it has queued.\n"
    "Exit status: 0 after a clean stop, 1 when the node cannot start, 2 on usage.\n";

static int parse_listen(const char *prog, const char *arg, char *host, size_t cap, uint16_t *port)
{
    const char *colon = strrchr(arg, ':');
    uint64_t p;
    if (colon == NULL || (size_t)(colon - arg) >= cap || colon == arg ||
        cli_opt_u64(prog, "--listen port", colon + 1, 0, 65535, &p) != CLI_OK)
        return cli_usage(prog, "--listen: expected ADDR:PORT, got '%s'", arg);
    memcpy(host, arg, (size_t)(colon - arg));
    host[colon - arg] = '\0';
    *port = (uint16_t)p;
    return CLI_OK;
}

static int parse(int argc, char **argv, dacc_node_opts *o, char *host, size_t cap)
{
    static const char prog[] = "dacc serve";
    static const struct option longs[] = {
        { "listen", required_argument, NULL, 'l' },
        { "data", required_argument, NULL, 'D' },
        { "origin", required_argument, NULL, 'O' },
        { "threads", required_argument, NULL, 'T' },
        { "max-connections", required_argument, NULL, 'C' },
        { "timeout", required_argument, NULL, 't' },
        { "quiet", no_argument, NULL, 'q' },
        { "witness-key", required_argument, NULL, 'W' },
        { "witness-log", required_argument, NULL, 'L' },
        { "witness", required_argument, NULL, 'w' },
        { "key-rate", required_argument, NULL, 'K' },
        { "address-rate", required_argument, NULL, 'A' },
        { "store", required_argument, NULL, 'S' },
        { "witness-threshold", required_argument, NULL, 'H' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    *o = (dacc_node_opts){ .port = 8080 };
    int ch, rc = CLI_OK;
    uint64_t v;
    while (rc == CLI_OK && (ch = getopt_long(argc, argv, "qh", longs, NULL)) != -1) {
        switch (ch) {
        case 'l':
            rc = parse_listen(prog, optarg, host, cap, &o->port);
            o->host = host;
            break;
        case 'D':
            o->data = optarg;
            break;
        case 'O':
            o->origin = optarg;
            break;
        case 'H':
            rc = cli_opt_u64(prog, "--witness-threshold", optarg, 0, 8, &v);
            o->witness_threshold = (unsigned)v;
            break;
        case 'S':
            if (strncmp(optarg, "postgres://", 11) != 0 &&
                strncmp(optarg, "postgresql://", 13) != 0)
                rc = cli_usage(prog, "--store: expected a postgres:// URL, got '%s'", optarg);
            o->store = optarg;
            break;
        case 'T':
            rc = cli_opt_u64(prog, "--threads", optarg, 1, 256, &v);
            o->threads = (unsigned)v;
            break;
        case 'C':
            rc = cli_opt_u64(prog, "--max-connections", optarg, 1, 100000, &v);
            o->max_connections = (unsigned)v;
            break;
        case 't':
            rc = cli_opt_u64(prog, "--timeout", optarg, 1, 3600, &v);
            o->timeout = (unsigned)v;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'W':
            o->witness_key = optarg;
            break;
        case 'K':
        case 'A':
            rc = cli_opt_u64(prog, ch == 'K' ? "--key-rate" : "--address-rate", optarg, 0, 1000000,
                             &v);
            *(ch == 'K' ? &o->key_rate : &o->address_rate) = (double)v;
            break;
        case 'w':
            if (o->nwitnesses == sizeof o->witnesses / sizeof *o->witnesses)
                rc = cli_usage(prog, "at most 8 --witness");
            else
                o->witnesses[o->nwitnesses++] = optarg;
            break;
        case 'L':
            if (o->nwitness_logs == sizeof o->witness_logs / sizeof *o->witness_logs)
                rc = cli_usage(prog, "at most 16 --witness-log keys");
            else
                o->witness_logs[o->nwitness_logs++] = optarg;
            break;
        case 'h':
            return -1;
        default:
            rc = cli_usage(prog, "unknown option");
        }
    }
    if (rc == CLI_OK && o->witness_threshold > o->nwitnesses)
        rc =
            cli_usage(prog, "--witness-threshold %u needs as many --witness", o->witness_threshold);
    if (rc == CLI_OK && optind != argc)
        rc = cli_usage(prog, "unexpected argument '%s'", argv[optind]);
    return rc;
}

int cmd_serve(int argc, char **argv)
{
    dacc_node_opts o;
    char host[64];
    int rc = parse(argc, argv, &o, host, sizeof host);
    if (rc < 0)
        return cli_help(help);
    if (rc != CLI_OK)
        return rc;
    /* Signals go to sigwait below, not to the server's threads. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    dacc_node *n;
    dacc_error err;
    if (dacc_node_start(&o, &n, &err) != DACC_OK)
        return cli_fail("dacc serve", &err);
    dacc_node_defaults(&o);
    fprintf(stderr, "dacc serve: listening on http://%s:%u (data %s)\n", o.host,
            (unsigned)dacc_node_port(n), o.data);
    int sig;
    sigwait(&stop, &sig);
    fprintf(stderr, "dacc serve: %s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    dacc_node_stop(n);
    return CLI_OK;
}
