/* dacc screen: private DNA-synthesis screening (docs/screen.md). The key
 * ceremony here; the servers in cmd_screen_serve.c, the query and the
 * database build in cmd_screen_query.c, receipts in cmd_screen_receipt.c.
 * The declaration of the command. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dacc/codec.h"
#include "screen_cli.h"
#include "spec.h"

static int cmd_keygen(int argc, char **argv)
{
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_screen, "keygen", argc, argv);
    const char *out = "-";
    int quiet = 0, ch;
    while ((ch = cli_next(&p)) > 0)
        if (ch == 'o')
            out = optarg;
        else if (ch == 'q')
            quiet = 1;
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    const char *prog = cli_prog(&p);
    if (optind != argc)
        return cli_usage(prog, "unexpected argument '%s'", argv[optind]);
    uint8_t key[32], pk[32];
    char kh[65], ph[65];
    dacc_screen_keygen(key, pk);
    json_t *o = json_pack("{s:s, s:s, s:s}", "kind", SCREEN_KEY_KIND, "key",
                          dacc_hex_encode(key, 32, kh), "public", dacc_hex_encode(pk, 32, ph));
    sodium_memzero(key, sizeof key);
    dacc_error err;
    dacc_status st =
        o ? screen_write_json(out, o, 1, &err) : dacc_error_set(&err, DACC_ERR_NOMEM, "key");
    if (o != NULL) {
        sodium_memzero((char *)json_string_value(json_object_get(o, "key")), 64);
        json_decref(o);
    }
    sodium_memzero(kh, sizeof kh);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    cli_wrote(prog, quiet, "full key", out);
    return CLI_OK;
}

/* DIR/share-I.json for every keyserver, then DIR/keyset.json; a failure
 * removes what was written. */
static dacc_status write_shares(const char *dir, const dacc_screen_keyset *ks,
                                const uint8_t *shares, dacc_error *err)
{
    json_t *pub = NULL;
    dacc_status st = dacc_screen_keyset_json(ks, &pub, err);
    unsigned n = dacc_screen_keyset_count(ks), done = 0;
    char path[4096], hex[65];
    for (unsigned i = 1; st == DACC_OK && i <= n; i++, done++) {
        json_t *o =
            json_pack("{s:s, s:i, s:s, s:O}", "kind", SCREEN_SHARE_KIND, "index", (int)i, "share",
                      dacc_hex_encode(shares + 32 * (i - 1), 32, hex), "keyset", pub);
        snprintf(path, sizeof path, "%s/share-%u.json", dir, i);
        st = o ? screen_write_json(path, o, 1, err) : dacc_error_set(err, DACC_ERR_NOMEM, "share");
        if (o != NULL)
            sodium_memzero((char *)json_string_value(json_object_get(o, "share")), 64);
        json_decref(o);
    }
    sodium_memzero(hex, sizeof hex);
    snprintf(path, sizeof path, "%s/keyset.json", dir);
    if (st == DACC_OK)
        st = screen_write_json(path, pub, 0, err);
    json_decref(pub);
    for (unsigned i = 1; st != DACC_OK && i <= done; i++) {
        snprintf(path, sizeof path, "%s/share-%u.json", dir, i);
        unlink(path);
    }
    return st;
}

static int cmd_share(int argc, char **argv)
{
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_screen, "share", argc, argv);
    const char *keyfile = NULL, *dir = NULL;
    uint64_t t = 0, n = 0, epoch = 1;
    int quiet = 0, ch;
    const char *prog = cli_prog(&p);
    while ((ch = cli_next(&p)) > 0)
        switch (ch) {
        case OPT_KEY:
            keyfile = optarg;
            break;
        case OPT_THRESHOLD:
            if (cli_opt_u64(prog, "--threshold", optarg, 1, DACC_SCREEN_KEYSERVERS_MAX, &t))
                return CLI_USAGE;
            break;
        case OPT_COUNT:
            if (cli_opt_u64(prog, "--count", optarg, 1, DACC_SCREEN_KEYSERVERS_MAX, &n))
                return CLI_USAGE;
            break;
        case OPT_EPOCH:
            if (cli_opt_u64(prog, "--epoch", optarg, 0, UINT32_MAX, &epoch))
                return CLI_USAGE;
            break;
        case CLI_KEY_OUT_DIR:
            dir = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    if (optind != argc)
        return cli_usage(prog, "unexpected argument '%s'", argv[optind]);
    if (t > n)
        return cli_usage(prog, "--threshold %llu is above --count %llu", (unsigned long long)t,
                         (unsigned long long)n);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: %s: %s\n", prog, dir, strerror(errno));
        return CLI_FAIL;
    }
    uint8_t key[32], pk[32], shares[32 * DACC_SCREEN_KEYSERVERS_MAX];
    dacc_screen_keyset *ks = NULL;
    dacc_error err;
    dacc_status st = screen_load_key(keyfile, key, pk, &err);
    if (st == DACC_OK)
        st = dacc_screen_share(key, (unsigned)t, (unsigned)n, (uint32_t)epoch, shares, &ks, &err);
    sodium_memzero(key, sizeof key);
    if (st == DACC_OK)
        st = write_shares(dir, ks, shares, &err);
    sodium_memzero(shares, sizeof shares);
    dacc_screen_keyset_free(ks);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    cli_wrote(prog, quiet, "keyset.json and one share-I.json per keyserver", dir);
    return CLI_OK;
}

static const cli_opt screen_opts[] = {
    CLI_OPT_OUTPUT("keygen,query,receipt count,receipt verify"),
    { "output", 'o', "FILE", 'o', NULL, "the new hazard database (SQLite; must not exist)",
      "build-db", CLI_REQ_ALL, NULL },
    { "key", 'k', "FILE", OPT_KEY, NULL, "the full key (a dacc screen keygen file)",
      "share,build-db", CLI_REQ_ALL, NULL },
    { "threshold", 't', "T", OPT_THRESHOLD, NULL, "keyservers needed to evaluate", "share",
      CLI_REQ_ALL, NULL },
    { "count", 'n', "N", OPT_COUNT, NULL, "keyservers holding a share (at most 255)", "share",
      CLI_REQ_ALL, NULL },
    { "epoch", 0, "E", OPT_EPOCH, "1",
      "the key epoch: raise it at each new sharing, so a keyserver left with an old share is "
      "caught",
      "share", 0, NULL },
    CLI_OPT_OUT_DIR("share"),
    { "share", 's', "FILE", 's', NULL, "the keyserver's share (a dacc screen share file)",
      "keyserver", CLI_REQ_ALL, NULL },
    { "db", 'd', "FILE", 'd', NULL, "the hazard database (dacc screen build-db)", "db-server",
      CLI_REQ_ALL, NULL },
    { "db", 'd', "FILE|URL", 'd', NULL,
      "the hazard database: a file (dacc screen build-db) or a db-server's URL", "query",
      CLI_REQ_ALL, NULL },
    { "listen", 0, "ADDR", OPT_LISTEN, "127.0.0.1", "the IPv4 address to listen on",
      "keyserver,db-server", 0, NULL },
    { "port", 0, "PORT", OPT_PORT, "8100 (keyserver), 8200 (db-server)",
      "the TCP port (0: any free port); the URL served is printed on standard output",
      "keyserver,db-server", 0, NULL },
    { "keyset", 0, "FILE", OPT_KEYSET, NULL,
      "the keyservers' published keys (keyset.json of dacc screen share)", "query", CLI_REQ_ALL,
      NULL },
    { "keyserver", 'K', "URL", OPT_KEYSERVER, NULL,
      "a keyserver's base URL (at least the threshold of them; each is asked, and one that "
      "cheats is named)",
      "query", CLI_REQ_ALL | CLI_REPEAT, NULL },
    { "version", 0, "N", OPT_VERSION, NULL, "the database version the operator publishes",
      "build-db", CLI_REQ_ALL, NULL },
    { "max-expansions", 0, "N", OPT_EXPANSIONS, "16",
      "ambiguous bases: a window standing for more sequences than N refuses the order for "
      "review",
      "query,build-db", 0, NULL },
    { "sign", 0, "KEY", OPT_SIGN, NULL,
      "sign a screening receipt with the synthesizer's Ed25519 key (dacc log keygen)", "query", 0,
      NULL },
    { "log", 0, "DIR", OPT_LOG, NULL,
      "with --sign: log the receipt in the log directory DIR (dacc log init), as dacc registry "
      "log does",
      "query", 0, NULL },
    { "log", 0, "DIR", OPT_LOG, NULL, "the log directory holding the receipts", "receipt count",
      CLI_REQ_ALL, NULL },
    { "node", 0, "URL", OPT_NODE, NULL,
      "with --sign: post the receipt to a node's POST /api/v1/records", "query", 0, NULL },
    { "receipt", 0, "FILE", OPT_RECEIPT, NULL, "with --sign: write the receipt (a DSSE envelope)",
      "query", 0, NULL },
    { "order", 0, "FILE", OPT_ORDER, NULL, "the order the receipt is claimed for", "receipt prove",
      CLI_REQ_ALL, NULL },
    { "salt", 0, "HEX", OPT_SALT, NULL, "the salt the query printed (32 bytes in hex)",
      "receipt prove", CLI_REQ_ALL, NULL },
    { "format", 'f', "FORMAT", 'f', "text", "how to print the result", "query,receipt verify", 0,
      "text json" },
    CLI_OPT_FORMAT("receipt count", "text json csv"),
    CLI_OPT_QUIET("keygen,share,keyserver,db-server,build-db,query"),
};

static const cli_sub screen_subs[] = {
    { "keygen", "draw the full OPRF key (the database operator's)", "",
      "Draw the full key k of the screening OPRF (a random ristretto255 scalar) and write\n"
      "it with its public key k·G as JSON (mode 0600). The database operator keeps it to\n"
      "build the database, and deals it to the keyservers with share.",
      cmd_keygen },
    { "share", "deal the key to t-of-n keyservers", "",
      "Split the full key into --count Shamir shares of which any --threshold evaluate it,\n"
      "and write DIR/share-I.json for keyserver I (mode 0600: give each to its keyserver\n"
      "only) and DIR/keyset.json, the public keys every client checks the keyservers\n"
      "against: the full key's and each share's, with the key epoch.",
      cmd_share },
    { "build-db", "build a hazard database from hazard sequences", "HAZARD...",
      "Read the hazard sequences (FASTA, EMBL, GenBank or plain; docs/screen-sequences.md),\n"
      "evaluate every window of each under the full key and store the keyed hashes, one\n"
      "entry per record, in a new SQLite database. The sequences are not stored.",
      cmd_screen_build_db },
    { "keyserver", "serve one key share over HTTP", "",
      "Serve the share of a share file: POST /screen/v1/evaluate takes a request of\n"
      "blinded elements and answers their evaluation under the share with a batched DLEQ\n"
      "proof against the share's published key; GET /screen/v1/keyset returns the keyset.\n"
      "Loopback only unless --listen says otherwise; runs until SIGINT or SIGTERM.",
      cmd_screen_keyserver },
    { "db-server", "serve a hazard database over HTTP", "",
      "Serve a hazard database: POST /screen/v1/lookup takes a client's unblinded OPRF\n"
      "outputs and answers which of them match which entry, never a sequence. A process of\n"
      "its own because the database operator and the keyservers are different parties.",
      cmd_screen_db_server },
    { "query", "screen an order", "ORDER",
      "Cut the order into windows, blind each, have every --keyserver evaluate them (each\n"
      "answer's proof checked against that keyserver's share key: a keyserver that answers\n"
      "wrongly, with a stale share or for other elements is named), combine any threshold\n"
      "of the honest answers, unblind, and look the outputs up in the database. With\n"
      "--sign, a receipt is signed (and logged with --log, posted with --node); the salt\n"
      "it needs to prove the order later is printed with the result: keep it.",
      cmd_screen_query },
    { "receipt verify", "check a receipt and print it", "RECEIPT",
      "Open a receipt (a DSSE envelope): its signature by the synthesizer it names and its\n"
      "fields; print them.",
      cmd_screen_receipt_verify },
    { "receipt prove", "prove a receipt is of an order", "RECEIPT",
      "Check that RECEIPT was made for the order in --order under --salt: the salted\n"
      "digest it carries is HMAC-SHA-256(salt, order). Exit 0 when it is, 1 when not.",
      cmd_screen_receipt_prove },
    { "receipt count", "count screenings per synthesizer in a log", "",
      "Read every screening receipt of a log directory and count them per synthesizer, and\n"
      "per result where the receipt is still kept beside its leaf.",
      cmd_screen_receipt_count },
};

static const cli_section screen_sections[] = {
    { "EXIT STATUS",
      "dacc screen query: 0 the order passed, 3 it hit a hazard entry, 4 it was refused for\n"
      "manual review (too ambiguous), 1 failure (including fewer honest keyservers than the\n"
      "threshold), 2 usage. Other subcommands: 0 success, 1 failure, 2 usage.\n" },
};

const cli_spec cli_spec_screen = {
    .name = "screen",
    .summary = "private DNA-synthesis screening with a threshold OPRF",
    .description =
        "Screen DNA-synthesis orders against a hazard database without the synthesizer\n"
        "revealing the order or the database revealing the hazards, as SecureDNA does: the\n"
        "order's windows are evaluated under a key that t of n keyservers hold in shares\n"
        "(a distributed RFC 9497 VOPRF, each answer proven), and compared with keyed hashes.\n"
        "Every screening can leave a signed receipt in a log. docs/screen.md.",
    CLI_SUBS(screen_subs),
    CLI_OPTS(screen_opts),
    CLI_SECTIONS(screen_sections),
    .footer = "Exit status (query): 0 pass, 3 hit, 4 refused for review, 1 failure, 2 usage.\n",
};

int cmd_screen(int argc, char **argv)
{
    return cli_spec_run(&cli_spec_screen, argc, argv);
}
