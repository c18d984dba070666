/* dacc round: keys, round configs and signed events as files; the log
 * side (append, show, result, replay) is in cmd_round_log.c. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "cli.h"
#include "dacc/codec.h"
#include "dacc/file.h"
#include "dacc/json.h"
#include "dacc/round.h"
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

static const char keygen_usage[] =
    "Usage: dacc round keygen NAME\n\n"
    "Write a new Ed25519 key: NAME.key (secret, mode 0600) and NAME.pub, in the\n"
    "signed-note key format of `dacc log` and `dacc pause`; print the public key\n"
    "in hex, the form round configs list eligible keys in.\n";

static int cmd_keygen(int argc, char **argv)
{
    static const char prog[] = "dacc round keygen";
    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
        return cli_help(keygen_usage);
    if (argc != 2 || argv[1][0] == '-')
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

static const char new_usage[] =
    "Usage: dacc round new --key OPERATOR.key --mechanism M --params FILE [options]\n\n"
    "Write a round's config, signed by its operator: the first event of the round,\n"
    "whose SHA-256 is the round id (printed on standard error). M is pgf, deepfund,\n"
    "market, notes or pause; FILE holds the mechanism's parameters as JSON\n"
    "(docs/round.md lists them).\n\n"
    "  --open                  anyone may take part (default: --eligible)\n"
    "  --eligible FILE         the keys that may take part, one per line (hex or .pub)\n"
    "  --phase NAME=CLOSE      how a phase closes: operator (default), events:N or\n"
    "                          at_size:N (an operator close at log size N or later)\n"
    "  --title TEXT            a title shown with the round\n"
    "  --nonce TEXT            makes two otherwise equal configs two rounds\n"
    "  -o, --output FILE       where to write the envelope (default: stdout)\n"
    "  -h, --help              show this help\n";

typedef struct {
    const char *key, *mechanism, *params, *eligible, *title, *nonce, *out;
    const char *phase[8];
    size_t nphase;
    int open;
} new_opts;

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
    static const struct option longs[] = {
        { "key", required_argument, NULL, 'k' },
        { "mechanism", required_argument, NULL, 'm' },
        { "params", required_argument, NULL, 'p' },
        { "eligible", required_argument, NULL, 'e' },
        { "open", no_argument, NULL, 'O' },
        { "phase", required_argument, NULL, 'P' },
        { "title", required_argument, NULL, 't' },
        { "nonce", required_argument, NULL, 'n' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int ch;
    *o = (new_opts){ .out = "-" };
    while ((ch = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
        const char **slot = ch == 'k'   ? &o->key
                            : ch == 'm' ? &o->mechanism
                            : ch == 'p' ? &o->params
                            : ch == 'e' ? &o->eligible
                            : ch == 't' ? &o->title
                            : ch == 'n' ? &o->nonce
                            : ch == 'o' ? &o->out
                                        : NULL;
        if (ch == 'h')
            return -1;
        if (ch == 'O')
            o->open = 1;
        else if (ch == 'P' && o->nphase < 8)
            o->phase[o->nphase++] = optarg;
        else if (slot != NULL)
            *slot = optarg;
        else
            return CLI_USAGE;
    }
    if (optind != argc)
        return cli_usage(prog, "unexpected argument '%s'", argv[optind]);
    if (o->key == NULL || o->mechanism == NULL || o->params == NULL)
        return cli_usage(prog, "--key, --mechanism and --params are required");
    if (o->open == (o->eligible != NULL))
        return cli_usage(prog, "give --open or --eligible FILE");
    const char *outs[] = { o->out };
    return cli_outputs_distinct(prog, argc, argv, outs, 1, NULL, 0);
}

static dacc_status config_body(const new_opts *o, json_t *phases, json_t **out, dacc_error *err)
{
    json_t *params = NULL, *el = json_object();
    dacc_status st = dacc_json_load_file(o->params, &params, err);
    if (st == DACC_OK && o->open)
        json_object_set_new(el, "open", json_true());
    if (st == DACC_OK && !o->open) {
        json_t *keys = json_array();
        json_object_set_new(el, "keys", keys);
        st = eligible_keys(o->eligible, keys, err);
    }
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
        return cli_help(new_usage);
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

int cmd_round(int argc, char **argv)
{
    static const cli_command subs[] = {
        { "keygen", "make a participant's or operator's Ed25519 key", cmd_keygen },
        { "new", "write a round's config, signed by its operator", cmd_new },
        { "event", "sign an event of a round from its JSON body", cmd_round_event },
        { "append", "check events against their rounds and log the accepted ones",
          cmd_round_append },
        { "show", "list a log's rounds, or show one round's state", cmd_round_show },
        { "result", "print a round's result (text, json, csv)", cmd_round_result },
        { "replay", "rebuild a round from a log or its tiles and check it", cmd_round_replay },
    };
    static const char about[] =
        "Rounds: every governance action a signed event (DSSE, Ed25519) of a round, every\n"
        "accepted event an entry of a transparency log, and any round rebuilt by anyone\n"
        "from the log or its published tiles. docs/round.md.";
    return cli_dispatch("dacc round", about, subs, sizeof subs / sizeof subs[0], argc, argv);
}
