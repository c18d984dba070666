/* dacc serve: the node, until SIGINT or SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../node/internal.h"
#include "cli.h"
#include "spec.h"
#include "dacc/file.h"

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
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_serve, NULL, argc, argv);
    int ch;
    *n = 0;
    *config = NULL;
    while ((ch = cli_next(&p)) > 0) {
        if (ch == 'c') {
            if (*config != NULL)
                return cli_usage(prog, "one --config at most");
            *config = optarg;
        } else if (ch == 'q' || ch >= 256) {
            cli[*n].option = ch == 'q' ? NODE_OPT_QUIET : (unsigned)(ch - 256);
            cli[(*n)++].value = ch == 'q' ? NULL : optarg;
        }
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
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
        return rc < 0 ? CLI_OK : rc;
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

/* ---- the declaration ---- */

/* The node's options, keyed by their index in src/node/config.c's table
 * (256 + NODE_OPT_*): that table checks values and bounds for the command
 * line and the config file alike, this one says what each means; the
 * contract test checks that both name the same options. */
#define NODE_KEY(o) (256 + (o))

static const cli_opt serve_opts[] = {
    { "listen", 0, "ADDR:PORT", NODE_KEY(NODE_OPT_LISTEN), "127.0.0.1:8080",
      "where to listen (port 0: any)", NULL, 0, NULL },
    { "data", 0, "DIR", NODE_KEY(NODE_OPT_DATA), "./dacc-data",
      "the data directory: log.db, log.key, log.pub, rounds.db (created with a fresh log key)",
      NULL, 0, NULL },
    { "config", 0, "FILE", 'c', NULL,
      "options from FILE, one a line: the long option's name, then its value (\"threads 8\" or "
      "\"threads = 8\"), '#' comments; options given here override the file's",
      NULL, 0, NULL },
    { "store", 0, "URL", NODE_KEY(NODE_OPT_STORE), NULL,
      "keep the log and its round index in the PostgreSQL database at URL (postgres://...) "
      "rather than in DIR; every node given the same URL and log key (DIR/log.key, copied from "
      "the first node's) serves the same log, and one at a time integrates the events all of "
      "them accept (docs/scale.md)",
      NULL, 0, NULL },
    { "origin", 0, "ORIGIN", NODE_KEY(NODE_OPT_ORIGIN), "localhost/dacc",
      "the log's origin when the directory is created", NULL, 0, NULL },
    { "threads", 0, "N", NODE_KEY(NODE_OPT_THREADS), "4", "HTTP worker threads", NULL, 0, NULL },
    { "max-connections", 0, "N", NODE_KEY(NODE_OPT_MAX_CONNECTIONS), "1024",
      "open connections at most; beyond, connections wait to be accepted", NULL, 0, NULL },
    { "per-address-connections", 0, "N", NODE_KEY(NODE_OPT_PER_ADDRESS_CONNECTIONS), "0: no limit",
      "open connections from one client address at most; beyond, closed at once", NULL, 0, NULL },
    { "timeout", 0, "SECONDS", NODE_KEY(NODE_OPT_TIMEOUT), "30",
      "a connection is closed when idle this long, or when it has not sent a whole request "
      "within it",
      NULL, 0, NULL },
    { "key-rate", 0, "N", NODE_KEY(NODE_OPT_KEY_RATE), "0: no limit",
      "events per second one signing key may post, in bursts of 2N; beyond it, 429", NULL, 0,
      NULL },
    { "address-rate", 0, "N", NODE_KEY(NODE_OPT_ADDRESS_RATE), "0: no limit",
      "the same per client address (behind a proxy, that is the proxy's: limit there)", NULL, 0,
      NULL },
    { "witness", 0, "URL=PUB", NODE_KEY(NODE_OPT_WITNESS), NULL,
      "a witness asked to cosign this node's checkpoints (repeatable; PUB its cosignature key): "
      "/checkpoint then carries every valid cosignature",
      NULL, CLI_REPEAT, NULL },
    { "witness-threshold", 0, "N", NODE_KEY(NODE_OPT_WITNESS_THRESHOLD), "0",
      "serve /checkpoint only once N of the --witness witnesses have cosigned it (the latest "
      "checkpoint that has them; 503 until one has)",
      NULL, 0, NULL },
    { "witness-key", 0, "FILE", NODE_KEY(NODE_OPT_WITNESS_KEY), NULL,
      "act as a witness (c2sp.org/tlog-witness: POST /add-checkpoint) with this cosignature key "
      "(dacc log keygen --cosign); its state, the last checkpoint it cosigned of each log, is "
      "kept in DIR/witness, or with --store in the log's database (one state for every node of "
      "the log); GET /witness/logs lists the logs it witnesses and the size last cosigned",
      NULL, 0, NULL },
    { "witness-log", 0, "FILE", NODE_KEY(NODE_OPT_WITNESS_LOG), NULL,
      "the public key of a log it witnesses (repeatable)", NULL, CLI_REPEAT, NULL },
    { "issuer-set", 0, "FILE", NODE_KEY(NODE_OPT_ISSUER_SET), NULL,
      "act as a threshold token issuer of this issuer set (dacc anon keygen --issuers T --of N: "
      "DIR/issuers): POST /api/v1/tokens/request answers registered members once per epoch, "
      "each answer logged in DIR/tokens before it is sent; needs --issuer-share and "
      "--issuer-members",
      NULL, 0, NULL },
    { "issuer-share", 0, "FILE", NODE_KEY(NODE_OPT_ISSUER_SHARE), NULL,
      "this issuer's key share (DIR/share-I, mode 0600): its public key must be one of the "
      "set's share keys, which says the issuer's number",
      NULL, 0, NULL },
    { "issuer-members", 0, "FILE", NODE_KEY(NODE_OPT_ISSUER_MEMBERS), NULL,
      "the registered members' Ed25519 public keys, one hex line each (dacc round keygen "
      "prints one), served at /api/v1/tokens/members",
      NULL, 0, NULL },
    { "issuer-epoch", 0, "TEXT", NODE_KEY(NODE_OPT_ISSUER_EPOCH), "any",
      "an epoch this issuer answers (repeatable, at most 64; none given: any epoch of 1 to 128 "
      "printable ASCII characters), so that a member cannot fill its log with epochs no round "
      "uses",
      NULL, CLI_REPEAT, NULL },
    { "quiet", 'q', NULL, 'q', NULL, "no request log on standard error", NULL, 0, NULL },
};

static const cli_section serve_sections[] = {
    { "DESCRIPTION",
      "Serves the rounds of the log in\n"
      ".I DIR\n"
      "over HTTP. A participant posts a DSSE envelope (as\n"
      ".B dacc round event\n"
      "writes it) to\n"
      ".BI /api/v1/rounds/ ID /events\n"
      "(a config to\n"
      ".BR /api/v1/rounds );\n"
      "the node checks its signature, lets the round apply it, appends it to the\n"
      "log with the other events queued at the same moment (one transaction, one\n"
      "signed checkpoint), and only then answers 201 with a receipt: the log index,\n"
      "the leaf hash, a c2sp.org/tlog\\-proof@v1 inclusion proof and the checkpoint.\n"
      "A refused event is not logged and gets an RFC 9457 problem document. Anyone\n"
      "reads\n"
      ".BR /api/v1/rounds ,\n"
      "a round's\n"
      ".BR /state ,\n"
      ".BR /result ,\n"
      ".B /events\n"
      "and\n"
      ".BR /participant?key= ,\n"
      "and the log as c2sp.org/tlog\\-tiles:\n"
      ".B /checkpoint\n"
      "and\n"
      ".BR /tile/... .\n"
      "Registry records\n"
      ".RB ( dacc\\-registry (1))\n"
      "are posted to\n"
      ".B /api/v1/records\n"
      "and read at\n"
      ".BI /api/v1/records/ DIGEST\n"
      "and its\n"
      ".BR /trace ,\n"
      "kept in a log of their own in\n"
      ".IR DIR/records .\n"
      "API reference:\n"
      ".IR docs/node.md .\n" },
    { "CONFIGURATION FILE",
      "One option a line: its long name without the dashes, then its value after\n"
      "blanks or\n"
      ".BR = ,\n"
      "as in\n"
      ".B threads 8\n"
      "or\n"
      ".BR \"listen = 127.0.0.1:8080\" .\n"
      "The value is the rest of the line with its blanks trimmed, unquoted;\n"
      ".B quiet\n"
      "stands alone (or takes\n"
      ".B true\n"
      "or\n"
      ".BR false ).\n"
      "Blank lines and lines whose first non\\-blank character is\n"
      ".B #\n"
      "are ignored.\n"
      ".B witness\n"
      "and\n"
      ".B witness\\-log\n"
      "may be repeated; another key given twice is an error. A repeatable option\n"
      "given on the command line replaces the file's whole list. An unknown key,\n"
      "a bad value, a repeated key or a NUL byte is a usage error naming the file,\n"
      "line and key:\n"
      ".IP\n"
      ".nf\n"
      "dacc serve: node.conf:4: key \"threads\": expected an integer in [1, 256], got 0\n"
      ".fi\n" },
    { "LIMITS", "A request's line and headers are at most 64 KiB (beyond: 414 or 431); its\n"
                "body at most 65535 bytes: a longer Content\\-Length is answered 413 before\n"
                "any of the body is read, a chunked body as soon as it passes the limit, and\n"
                "the connection closed. A body with two Content\\-Lengths, with one and\n"
                "chunked, or with another transfer coding is a 400. Malformed HTTP gets 400\n"
                "(a first line that is not HTTP is closed unanswered); no refused request\n"
                "logs anything.\n" },
    { "OUTPUT", "Standard error: the address it listens on, then one line per request:\n"
                "method, path, status, body bytes, microseconds.\n" },
    { "SIGNALS", "SIGINT and SIGTERM stop the node after it has answered every queued event.\n" },
    { "EXIT STATUS", "0 after a clean stop, 1 when the node cannot start (with the reason) or\n"
                     "cannot read the configuration file, 2 on a usage error (a bad option, or a\n"
                     "bad line of the configuration file).\n" },
    { "EXAMPLE", ".nf\n"
                 "dacc serve \\-\\-listen 127.0.0.1:8080 \\-\\-data node\n"
                 "dacc serve \\-\\-config /etc/dacc/node.conf \\-\\-quiet\n"
                 "curl \\-H 'Content\\-Type: application/json' \\-\\-data\\-binary @a.env \\e\n"
                 "    http://127.0.0.1:8080/api/v1/rounds/$ID/events\n"
                 ".fi\n" },
    { "SEE ALSO", ".BR dacc\\-round (1),\n"
                  ".BR dacc\\-log (1)\n" },
};

const cli_spec cli_spec_serve = {
    .name = "serve",
    .summary = "the node: an HTTP/JSON API over the rounds and the log",
    .description = "The node: an HTTP/JSON server where participants post signed round events\n"
                   "and anyone reads the rounds, their results and the log. An event is\n"
                   "answered 201 with a receipt (its log index, leaf hash, an inclusion proof\n"
                   "in c2sp.org/tlog-proof@v1 form and the signed checkpoint) only once it is\n"
                   "durable in the log; a refused event gets the round's refusal and is not\n"
                   "logged. The log is served as c2sp.org/tlog-tiles (/checkpoint, /tile/...).\n"
                   "API reference: docs/node.md.",
    CLI_OPTS(serve_opts),
    CLI_SECTIONS(serve_sections),
    .footer = "A request's body is at most 65535 bytes (beyond: 413, before it is read),\n"
              "its line and headers at most 64 KiB (beyond: 414 or 431).\n"
              "Standard error gets one line per request: method, path, status, bytes and\n"
              "microseconds. SIGINT or SIGTERM stops the node after answering the events\n"
              "it has queued.\n"
              "Exit status: 0 after a clean stop, 1 when the node cannot start (or read\n"
              "FILE), 2 on usage (a bad option, or a bad line in FILE).\n",
    .run = cmd_serve,
};
