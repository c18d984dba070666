/* dacc round: keys, round configs and signed events as files; the log
 * side (append, show, result, replay) is in cmd_round_log.c. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "cli.h"
#include "spec.h"
#include "dacc/codec.h"
#include "dacc/file.h"
#include "dacc/json.h"
#include "dacc/round.h"
#include "anon_cli.h"
#include "log_keys.h"
#include "round_cli.h"

/* ---- keys ---- */

dacc_status round_load_key(const char *path, uint8_t sk[64], dacc_error *err)
{
    dacc_tlog_signer s;
    dacc_status st = load_signer(path, &s, err);
    if (st == DACC_OK && s.v.type != DACC_TLOG_KEY_ED25519)
        st = dacc_error_at(err, DACC_ERR_INVALID, path, 0, 0, "not an Ed25519 signing key");
    if (st == DACC_OK)
        memcpy(sk, s.sk, 64);
    sodium_memzero(&s, sizeof s);
    return st;
}

/* A public key: 64 hex digits, or a .pub key text. */
dacc_status round_parse_pub(const char *text, size_t len, uint8_t pk[32], dacc_error *err)
{
    dacc_tlog_verifier v;
    if (len == 64 && dacc_hex_decode(text, 64, pk, 32, NULL) == DACC_OK)
        return DACC_OK;
    if (dacc_tlog_verifier_parse(text, len, &v, NULL) == DACC_OK &&
        v.type == DACC_TLOG_KEY_ED25519) {
        memcpy(pk, v.pk, 32);
        return DACC_OK;
    }
    return dacc_error_set(err, DACC_ERR_PARSE,
                          "expected a public key: 64 hex digits or a .pub key line, got \"%.*s\"",
                          (int)(len > 40 ? 40 : len), text);
}

static int cmd_keygen(int argc, char **argv)
{
    static const char prog[] = "dacc round keygen";
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_round, "keygen", argc, argv);
    int ch;
    while ((ch = cli_next(&p)) > 0) {
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    argc -= optind - 1;
    argv += optind - 1;
    if (argc != 2)
        return cli_usage(prog, "expected one NAME");
    const char *slash = strrchr(argv[1], '/');
    dacc_tlog_signer s;
    dacc_error err;
    dacc_status st = dacc_tlog_keygen(slash ? slash + 1 : argv[1], DACC_TLOG_KEY_ED25519, &s, &err);
    if (st == DACC_OK)
        st = write_key_files(argv[1], &s, &err);
    char hex[65];
    if (st == DACC_OK)
        printf("%s\n", dacc_hex_encode(s.v.pk, 32, hex));
    sodium_memzero(&s, sizeof s);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- configs ---- */

typedef struct {
    const char *key, *mechanism, *params, *eligible, *title, *nonce, *out;
    const char *phase[8];
    size_t nphase;
    int open;
    const char *ring, *issuers; /* anonymous members: a ring, or a token issuer set */
    uint64_t grace;
} new_opts;

/* eligible.ring from a ring file (dacc anon ring: one key in hex a line). */
static dacc_status ring_json(const new_opts *o, json_t *el, dacc_error *err)
{
    uint8_t *keys = NULL;
    size_t n = 0;
    char hex[65];
    dacc_status st = anon_read_hex_lines(o->ring, 32, DACC_ANON_RING_MAX, &keys, &n, err);
    if (st != DACC_OK)
        return st;
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_string(dacc_hex_encode(keys + 32 * i, 32, hex)));
    free(keys);
    json_object_set_new(el, "ring",
                        json_pack("{sosI}", "keys", list, "grace", (json_int_t)o->grace));
    return DACC_OK;
}

/* eligible.tokens from an issuers file (dacc anon keygen --issuers):
 * "threshold T", "issuers N", "group HEX", "key HEX" lines; the round
 * checks the keys when it reads the config. */
static dacc_status issuers_json(const new_opts *o, json_t *el, dacc_error *err)
{
    char *data = NULL;
    size_t len;
    dacc_status st = dacc_file_read(o->issuers, 1u << 20, &data, &len, err);
    if (st != DACC_OK)
        return st;
    json_t *keys = json_array(), *group = NULL;
    unsigned t = 0, n = 0, line = 0;
    for (char *p = data; st == DACC_OK && p < data + len; line++) {
        char *nl = memchr(p, '\n', (size_t)(data + len - p)), *next = nl ? nl + 1 : data + len,
             hex[66];
        if (nl)
            *nl = '\0';
        if (sscanf(p, "key %65s", hex) == 1 && strlen(hex) == 64)
            json_array_append_new(keys, json_string(hex));
        else if (sscanf(p, "group %65s", hex) == 1 && strlen(hex) == 64 && group == NULL)
            group = json_string(hex);
        else if (!(*p == '\0' || *p == '#' || sscanf(p, "threshold %u", &t) == 1 ||
                   sscanf(p, "issuers %u", &n) == 1))
            st = dacc_error_at(err, DACC_ERR_PARSE, o->issuers, line + 1, 0,
                               "expected threshold, issuers, group or key line");
        p = next;
    }
    free(data);
    if (st == DACC_OK && (group == NULL || t == 0 || json_array_size(keys) != n))
        st = dacc_error_set(err, DACC_ERR_PARSE,
                            "%s: needs threshold, issuers N, group and N key lines", o->issuers);
    if (st != DACC_OK) {
        json_decref(keys);
        json_decref(group);
        return st;
    }
    json_object_set_new(
        el, "tokens",
        json_pack("{sIsoso}", "threshold", (json_int_t)t, "group", group, "keys", keys));
    return DACC_OK;
}

static dacc_status eligible_keys(const char *path, json_t *list, dacc_error *err)
{
    char *data = NULL, hex[65];
    size_t len;
    dacc_status st = dacc_file_read(path, 1u << 26, &data, &len, err);
    unsigned long line = 0;
    for (char *p = data; st == DACC_OK && p < data + len; line++) {
        char *nl = memchr(p, '\n', (size_t)(data + len - p)), *next = nl ? nl + 1 : data + len;
        size_t l = (size_t)((nl ? nl : data + len) - p);
        while (l > 0 && (p[l - 1] == '\r' || p[l - 1] == ' '))
            l--;
        uint8_t pk[32];
        if (l > 0 && (st = round_parse_pub(p, l, pk, err)) == DACC_OK)
            json_array_append_new(list, json_string(dacc_hex_encode(pk, 32, hex)));
        else if (l > 0)
            dacc_error_prefix(err, "%s:%lu: ", path, line + 1);
        p = next;
    }
    free(data);
    return st;
}

/* "NAME=CLOSE" into {"name": NAME, "close": ...}. */
static json_t *phase_close(const char *spec)
{
    const char *eq = strchr(spec, '=');
    if (eq == NULL)
        return NULL;
    json_t *ph = json_object(), *close = NULL;
    json_object_set_new(ph, "name", json_stringn(spec, (size_t)(eq - spec)));
    const char *c = eq + 1;
    char *end;
    if (strcmp(c, "operator") == 0) {
        close = json_string("operator");
    } else if (strncmp(c, "events:", 7) == 0 || strncmp(c, "at_size:", 8) == 0) {
        int ev = c[0] == 'e';
        long long n = strtoll(c + (ev ? 7 : 8), &end, 10);
        if (*end == '\0' && n > 0)
            close = json_pack("{sI}", ev ? "events" : "at_size", (json_int_t)n);
    }
    if (close == NULL) {
        json_decref(ph);
        return NULL;
    }
    json_object_set_new(ph, "close", close);
    return ph;
}

/* The phases of the mechanism, each closed by the operator unless given. */
static int build_phases(const char *prog, const new_opts *o, json_t *phases)
{
    size_t n;
    const char *const *names = dacc_round_phases_of(o->mechanism, &n);
    if (names == NULL)
        return cli_usage(prog, "--mechanism: expected pgf, deepfund, market, notes or pause");
    for (size_t i = 0; i < n; i++) {
        json_t *ph = json_pack("{sss s}", "name", names[i], "close", "operator");
        for (size_t k = 0; k < o->nphase; k++)
            if (strncmp(o->phase[k], names[i], strlen(names[i])) == 0 &&
                o->phase[k][strlen(names[i])] == '=') {
                json_decref(ph);
                if ((ph = phase_close(o->phase[k])) == NULL)
                    return cli_usage(prog,
                                     "--phase %s: expected NAME=operator, NAME=events:N "
                                     "or NAME=at_size:N",
                                     o->phase[k]);
            }
        json_array_append_new(phases, ph);
    }
    for (size_t k = 0; k < o->nphase; k++) {
        int known = 0;
        for (size_t i = 0; i < n; i++)
            known |= strncmp(o->phase[k], names[i], strlen(names[i])) == 0 &&
                     o->phase[k][strlen(names[i])] == '=';
        if (!known)
            return cli_usage(prog, "--phase %s: a %s round has no such phase", o->phase[k],
                             o->mechanism);
    }
    return CLI_OK;
}

static int parse_new(const char *prog, int argc, char **argv, new_opts *o)
{
    int ch;
    *o = (new_opts){ .out = "-" };
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_round, "new", argc, argv);
    while ((ch = cli_next(&p)) > 0) {
        const char **slot = ch == 'k'   ? &o->key
                            : ch == 'm' ? &o->mechanism
                            : ch == 'p' ? &o->params
                            : ch == 'e' ? &o->eligible
                            : ch == 't' ? &o->title
                            : ch == 'n' ? &o->nonce
                            : ch == 'o' ? &o->out
                                        : NULL;
        if (ch == 'O')
            o->open = 1;
        else if (ch == ROUND_OPT_RING)
            o->ring = optarg;
        else if (ch == ROUND_OPT_ISSUERS)
            o->issuers = optarg;
        else if (ch == ROUND_OPT_GRACE) {
            if (cli_opt_u64(prog, "--grace", optarg, 0, INT64_MAX, &o->grace) != CLI_OK)
                return CLI_USAGE;
        } else if (ch == 'P' && o->nphase < 8)
            o->phase[o->nphase++] = optarg;
        else if (slot != NULL)
            *slot = optarg;
        else
            return CLI_USAGE;
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
    if (optind != argc)
        return cli_usage(prog, "unexpected argument '%s'", argv[optind]);
    if (o->ring != NULL && o->issuers != NULL)
        return cli_usage(prog, "--ring or --issuers, not both");
    if (o->open ? o->eligible != NULL || o->ring || o->issuers
                : o->eligible == NULL && !o->ring && !o->issuers)
        return cli_usage(prog,
                         "give --open, or --eligible FILE and/or --ring FILE or --issuers FILE");
    const char *outs[] = { o->out };
    return cli_outputs_distinct(prog, argc, argv, outs, 1, NULL, 0);
}

static dacc_status config_body(const new_opts *o, json_t *phases, json_t **out, dacc_error *err)
{
    json_t *params = NULL, *el = json_object();
    dacc_status st = dacc_json_load_file(o->params, &params, err);
    if (st == DACC_OK && o->open)
        json_object_set_new(el, "open", json_true());
    if (st == DACC_OK && o->eligible != NULL) {
        json_t *keys = json_array();
        json_object_set_new(el, "keys", keys);
        st = eligible_keys(o->eligible, keys, err);
    }
    if (st == DACC_OK && o->ring != NULL)
        st = ring_json(o, el, err);
    if (st == DACC_OK && o->issuers != NULL)
        st = issuers_json(o, el, err);
    if (st != DACC_OK) {
        json_decref(params);
        json_decref(el);
        json_decref(phases);
        return st;
    }
    json_t *b = json_pack("{ss so so so}", "mechanism", o->mechanism, "eligible", el, "phases",
                          phases, "params", params);
    if (o->title != NULL)
        json_object_set_new(b, "title", json_string(o->title));
    if (o->nonce != NULL)
        json_object_set_new(b, "nonce", json_string(o->nonce));
    *out = b;
    return DACC_OK;
}

static int cmd_new(int argc, char **argv)
{
    static const char prog[] = "dacc round new";
    new_opts o;
    int rc = parse_new(prog, argc, argv, &o);
    if (rc < 0)
        return CLI_OK;
    json_t *phases = json_array(), *body = NULL;
    if (rc == CLI_OK)
        rc = build_phases(prog, &o, phases);
    if (rc != CLI_OK) {
        json_decref(phases);
        return rc;
    }
    uint8_t sk[64];
    dacc_error err;
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_status st = round_load_key(o.key, sk, &err);
    if (st == DACC_OK)
        st = config_body(&o, phases, &body, &err);
    else
        json_decref(phases);
    if (st == DACC_OK)
        st = dacc_round_event_sign(NULL, 1, "round/config", body, sk, &env, &err);
    sodium_memzero(sk, sizeof sk);
    json_decref(body);
    dacc_round *r = NULL;
    if (st == DACC_OK) /* a config the round would refuse is not written */
        st = dacc_round_new(env.data, env.len, &r, &err);
    if (st == DACC_OK && (st = dacc_buf_putc(&env, '\n')) == DACC_OK)
        st = dacc_file_write(o.out, env.data, env.len, &err);
    char hex[65];
    if (st == DACC_OK)
        fprintf(stderr, "round %s\n", dacc_hex_encode(dacc_round_id(r), 32, hex));
    dacc_round_free(r);
    dacc_buf_free(&env);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- the declaration ---- */

static const cli_opt round_opts[] = {
    { "key", 0, "OPERATOR.key", 'k', NULL, "the operator's key", "new", CLI_REQ_ALL, NULL },
    { "mechanism", 0, "M", 'm', NULL, "the round's mechanism", "new", CLI_REQ_ALL,
      "pgf deepfund market notes pause" },
    { "params", 0, "FILE", 'p', NULL,
      "the mechanism's parameters as JSON (docs/round.md lists them)", "new", CLI_REQ_ALL, NULL },
    { "open", 0, NULL, 'O', NULL, "anyone may take part (else --eligible)", "new", 0, NULL },
    { "eligible", 0, "FILE", 'e', NULL, "the keys that may take part, one per line (hex or .pub)",
      "new", 0, NULL },
    { "ring", 0, "FILE", ROUND_OPT_RING, NULL,
      "anonymous members: a ring of their keys (dacc anon ring files: hex, one a line)", "new", 0,
      NULL },
    { "grace", 0, "N", ROUND_OPT_GRACE, "0",
      "events after a round/ring change for which the previous ring still signs (with --ring)",
      "new", 0, NULL },
    { "issuers", 0, "FILE", ROUND_OPT_ISSUERS, NULL,
      "anonymous members by tokens of this issuer set (dacc anon keygen --issuers)", "new", 0,
      NULL },
    { "phase", 0, "NAME=CLOSE", 'P', "operator",
      "how a phase closes: operator, events:N or at_size:N (an operator close at log size N or "
      "later); repeatable",
      "new", CLI_REPEAT, NULL },
    { "title", 0, "TEXT", 't', NULL, "a title shown with the round", "new", 0, NULL },
    { "nonce", 0, "TEXT", 'n', NULL, "makes two otherwise equal configs two rounds", "new", 0,
      NULL },
    { "key", 0, "KEY.key", 'k', NULL, "the signer's key (or --ring and --anon-key, or --token)",
      "event", 0, NULL },
    { "ring", 0, "FILE", ROUND_OPT_RING, NULL,
      "sign anonymously as a member of this ring (member keys in hex, one a line: the round's "
      "current ring, or the previous one within its grace window)",
      "event", 0, NULL },
    { "anon-key", 0, "FILE", ROUND_OPT_ANON_KEY, NULL,
      "the ring member's secret key (dacc anon keygen --secret)", "event", 0, NULL },
    { "token", 0, "FILE", ROUND_OPT_TOKEN, NULL,
      "act anonymously by redeeming this token (dacc anon token-finish), once", "event", 0, NULL },
    { "evaluation", 0, "FILE", ROUND_OPT_EVALUATION, NULL,
      "issuer evaluations of the token (dacc anon token-issue --redeem); repeat, at least the "
      "issuer set's threshold in all",
      "event", CLI_REPEAT, NULL },
    { "type", 0, "TYPE", 't', NULL, "the event's type (pgf/donation, round/close, ...)", "event",
      CLI_REQ_ALL, NULL },
    { "round", 0, "ID", 'r', NULL, "the round (or --config)", "event", 0, NULL },
    { "config", 0, "FILE", 'c', NULL, "the round's config envelope (or --round)", "event", 0,
      NULL },
    { "seq", 0, "N", 's', NULL, "the event's sequence number (or --log)", "event", 0, NULL },
    { "log", 0, "DIR", 'l', NULL, "the log: the next sequence number of this key in the round",
      "event", 0, NULL },
    { "body", 0, "TEXT", 'b', NULL, "the body as text instead of a file", "event", 0, NULL },
    { "at", 0, NULL, 'a', NULL,
      "put the log's size and root now into the body as \"at\" (a round/close whose phase seeds "
      "a draw; needs --log)",
      "event", 0, NULL },
    { "log", 0, "DIR", 'l', NULL, "the log to append to (or --node)", "append", 0, NULL },
    { "node", 0, "URL", 'n', NULL, "post the events to a node (dacc serve)", "append", 0, NULL },
    { "log-key", 0, "LOG.pub", 'k', NULL, "the node's log key, to check each receipt", "append", 0,
      NULL },
    { "seen", 0, "FILE", 's', NULL,
      "the last checkpoint seen: the node's must follow it, and FILE is updated", "append", 0,
      NULL },
    { "log", 0, "DIR", 'l', NULL, "the log", "show,result", CLI_REQ_ALL, NULL },
    { "for", 0, "KEY", 'w', NULL,
      "what the round holds for one participant instead: whether the key is eligible, its last "
      "sequence number and, in a deep-funding round of drawn questions, the juror's questions; "
      "KEY is 64 hex digits or a .pub file",
      "show", 0, NULL },
    { "log", 0, "DIR", 'l', NULL, "the log store", "replay", 0, NULL },
    { "tiles", 0, "DIR", 't', NULL, "the log's tiles (or a node's URL), with --log-key", "replay",
      0, NULL },
    { "node", 0, "URL", 'n', NULL, "a node's URL, with --log-key", "replay", 0, NULL },
    { "log-key", 0, "FILE", 'k', NULL, "the log's key (default DIR/log.pub)", "replay", 0, NULL },
    { "expect", 0, "FILE", 'e', NULL,
      "compare with a published replay (-f json output): exit 1 on any difference, naming the "
      "first event where they diverge",
      "replay", 0, NULL },
    { "format", 'f', "FORMAT", 'f', "text",
      "how to print the result (show: text is the JSON state; csv flattens it)",
      "show,result,replay", 0, "text json csv" },
    { "output", 'o', "FILE", 'o', "-", "write the result to FILE, atomically",
      "new,event,show,result,replay", 0, NULL },
};

static const cli_sub round_subs[] = {
    { "keygen", "make a participant's or operator's Ed25519 key", "NAME",
      "Write a new Ed25519 key: NAME.key (secret, mode 0600) and NAME.pub, in the\n"
      "signed-note key format of `dacc log` and `dacc pause`; print the public key\n"
      "in hex, the form round configs list eligible keys in.",
      cmd_keygen },
    { "new", "write a round's config, signed by its operator", "",
      "Write a round's config, signed by its operator: the first event of the round,\n"
      "whose SHA-256 is the round id (printed on standard error). Give --open, or\n"
      "--eligible FILE (Ed25519 keys) and/or anonymous members: --ring FILE (with\n"
      "--grace N) or --issuers FILE (a token issuer set).",
      cmd_new },
    { "event", "sign an event of a round from its JSON body", "[BODY.json | -]",
      "Sign one event of a round: the JSON object BODY (a file, - for standard input,\n"
      "or --body TEXT) becomes the body of an event of TYPE (docs/round.md) by KEY's\n"
      "owner, canonicalised (RFC 8785) and put in a DSSE envelope. The event's sequence\n"
      "number is N, or, with --log, the next one of this key in the round as the log\n"
      "holds it.\n\n"
      "Anonymously, in a round whose config names a ring or a token issuer set\n"
      "(--config or --log, which hold it): with --ring and --anon-key the event is\n"
      "signed by a linkable ring signature in the scope its type fixes, and acts\n"
      "under the pseudonym printed on standard error (its sequence number with --log\n"
      "is that pseudonym's next); with --token and --evaluation it redeems the token,\n"
      "once. docs/round.md, \"Anonymous rounds\".",
      cmd_round_event },
    { "append", "check events against their rounds and log the accepted ones", "[FILE...]",
      "Check events against their rounds and log them: every event in the FILEs (one\n"
      "envelope per line; none or - : standard input) must be accepted, in order, by\n"
      "its round as the log holds it; then all are appended to the log in one\n"
      "transaction and each line printed with its log entry. If one is refused,\n"
      "nothing is logged and the refusal is named (exit status 1). A config event\n"
      "creates its round.\n\n"
      "With --node the events are posted to a node (dacc serve), one by one in\n"
      "order, and each receipt is checked before the next is sent: the entry's leaf\n"
      "hash, its inclusion proof, and the checkpoint's signature by --log-key. At\n"
      "the first refusal it stops (the events before it are logged). With --seen\n"
      "FILE, the last checkpoint must follow the one in FILE (a consistency proof\n"
      "from the node's tiles), and FILE is updated: a node that rewrites its log\n"
      "is caught.",
      cmd_round_append },
    { "show", "list a log's rounds, or show one round's state", "[ROUND]",
      "Without ROUND, list the log's rounds; with it (64 hex digits or a unique prefix),\n"
      "show the round's state: phase, events, signers, state hash, and the mechanism's\n"
      "counts.",
      cmd_round_show },
    { "result", "print a round's result (text, json, csv)", "ROUND",
      "Print a round's result as its events so far determine it (final once its last\n"
      "phase closed): payouts, leaderboard and allocation, prices, statuses. CSV is\n"
      "the result's table.",
      cmd_round_result },
    { "replay", "rebuild a round from a log or its tiles and check it", "ROUND",
      "Rebuild a round from the log and check all of it: the checkpoint's signature by\n"
      "the log key (DIR/log.pub, or --log-key), every entry of the round against the\n"
      "checkpoint with an inclusion proof, every event's signature, and every event\n"
      "accepted by the round's rules in log order. From --tiles (the static files\n"
      "`dacc log tiles` writes, or a node's URL: http://HOST:PORT; --node URL is the\n"
      "same) no database is needed: every entry is read and the tree recomputed, so a\n"
      "node's /result can be checked by anyone holding its log key. Prints the state hash\n"
      "and the result; -f json also lists the state hash after each event (the\n"
      "trace). Give one of --log, --tiles and --node.",
      cmd_round_replay },
};

static const cli_section round_sections[] = {
    { "DESCRIPTION",
      "A round is one instance of a mechanism (deepfund, pgf, market, notes, pause): a\n"
      "config signed by its operator, whose SHA\\-256 is the round id, then events,\n"
      "each a participant's action as canonical JSON (RFC 8785) in a DSSE envelope\n"
      "signed with Ed25519. Every accepted event is an entry of a transparency log\n"
      "made by\n"
      ".BR \"dacc log init\" ,\n"
      "and anyone can rebuild and check a round from the log or from the static\n"
      "tiles it publishes.\n"
      ".TP\n"
      ".B keygen\n"
      "Write NAME.key and NAME.pub (signed\\-note key files) and print the public key\n"
      "in hex.\n"
      ".TP\n"
      ".B new\n"
      "Write the config; print the round id on standard error. A config the round\n"
      "would refuse is not written.\n"
      ".TP\n"
      ".B event\n"
      "Sign one event: the body (a JSON object), the type, the round, and the\n"
      "author's next sequence number (given, or read from the log). With\n"
      ".BR \\-\\-at ,\n"
      "the log's size and root are put into the body as \"at\" (a round/close whose\n"
      "phase seeds a draw, such as a deep\\-funding round's juror questions).\n"
      "With\n"
      ".B \\-\\-ring\n"
      "and\n"
      ".BR \\-\\-anon\\-key ,\n"
      "or\n"
      ".B \\-\\-token\n"
      "and\n"
      ".BR \\-\\-evaluation ,\n"
      "the event is anonymous: ring\\-signed by a member, or redeeming a token, in a\n"
      "round whose config names a ring or an issuer set (docs/round.md, \"Anonymous\n"
      "rounds\"); the pseudonym it acts under is printed on standard error.\n"
      ".TP\n"
      ".B append\n"
      "Check every event (one envelope per line of the files, or standard input)\n"
      "against its round as the log holds it and append them all in one\n"
      "transaction, or none: a refused event is named and nothing is logged. With\n"
      ".B \\-\\-node\n"
      "the events are posted to a node one by one, each receipt checked (leaf hash,\n"
      "inclusion proof, the checkpoint's signature by\n"
      ".BR \\-\\-log\\-key )\n"
      "before the next is sent; with\n"
      ".B \\-\\-seen\n"
      "the newest checkpoint must follow the one kept in FILE (consistency proof\n"
      "from the node's tiles), which is then updated.\n"
      ".TP\n"
      ".B show\n"
      "List the log's rounds, or show one round's state and state hash; with\n"
      ".B \\-\\-for\n"
      ".I KEY\n"
      "(64 hex digits or a .pub file), what the round holds for that key: whether\n"
      "it is eligible, its last sequence number, and a deep\\-funding juror's drawn\n"
      "questions.\n"
      ".TP\n"
      ".B result\n"
      "Print a round's result (payouts, balances, statuses, heartbeats); CSV is\n"
      "its table.\n"
      ".TP\n"
      ".B replay\n"
      "Rebuild a round, checking the checkpoint's signature, every entry's\n"
      "inclusion, every event's signature and every rule; print the state hash and\n"
      "the result.\n"
      ".B \\-\\-expect\n"
      "compares with a published replay (\\-f json) and names the first event where\n"
      "they diverge.\n"
      ".B \\-\\-node\n"
      ".I URL\n"
      "(the same as\n"
      ".BI \\-\\-tiles \" URL\" )\n"
      "replays from a running node's tiles, to check its\n"
      ".BR /result .\n"
      ".P\n"
      "ROUND is 64 hex digits, or a unique prefix of at least 8 where a log is\n"
      "given. Formats, rules and each mechanism's events:\n"
      ".IR docs/round.md .\n" },
    { "EXIT STATUS",
      "0 on success; 1 on a refused event, a failed check or bad input (named); 2 on a\n"
      "usage error.\n" },
    { "EXAMPLES",
      ".nf\n"
      "dacc round new \\-\\-key op.key \\-\\-mechanism pgf \\-\\-params p.json \\e\n"
      "    \\-\\-eligible keys.txt \\-o config.env\n"
      "dacc round append \\-\\-log LOG config.env\n"
      "dacc round event \\-\\-key alice.key \\-\\-type pgf/donation \\-\\-round ID \\e\n"
      "    \\-\\-log LOG \\-\\-body '{\"project\":\"p1\",\"amount\":\"500\"}' | \\e\n"
      "    dacc round append \\-\\-log LOG\n"
      "dacc round replay \\-\\-tiles site \\-\\-log\\-key log.pub ID \\-\\-expect published.json\n"
      "dacc round replay \\-\\-node http://127.0.0.1:8080 \\-\\-log\\-key log.pub ID\n"
      ".fi\n" },
    { "SEE ALSO", ".BR dacc (1),\n"
                  ".BR dacc\\-log (1),\n"
                  ".BR dacc\\-pause (1)\n" },
};

const cli_spec cli_spec_round = {
    .name = "round",
    .summary = "rounds: signed events in a log, results, replay by anyone",
    .description =
        "Rounds: every governance action a signed event (DSSE, Ed25519) of a round, every\n"
        "accepted event an entry of a transparency log, and any round rebuilt by anyone\n"
        "from the log or its published tiles. docs/round.md.",
    CLI_SUBS(round_subs),
    CLI_OPTS(round_opts),
    CLI_SECTIONS(round_sections),
};

int cmd_round(int argc, char **argv)
{
    return cli_spec_run(&cli_spec_round, argc, argv);
}
