/* dacc round event|append|show|result|replay: signing events, and rounds
 * in a log directory. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "spec.h"
#include "dacc/codec.h"
#include "dacc/file.h"
#include "dacc/jcs.h"
#include "dacc/json.h"
#include "round_cli.h"

static char *hex8(const uint8_t *b, char out[17])
{
    return dacc_hex_encode(b, 8, out);
}

/* ---- event ---- */

typedef struct {
    const char *key, *type, *round, *config, *log, *body_text, *out;
    uint64_t seq;
    int at;
    round_anon_opts anon;
} event_opts;

static int parse_event(const char *prog, int argc, char **argv, event_opts *o)
{
    int ch, rc = CLI_OK;
    *o = (event_opts){ .out = "-" };
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_round, "event", argc, argv);
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
        switch (ch) {
        case 'k':
            o->key = optarg;
            break;
        case 't':
            o->type = optarg;
            break;
        case 'r':
            o->round = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'l':
            o->log = optarg;
            break;
        case 'b':
            o->body_text = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'a':
            o->at = 1;
            break;
        case 's':
            rc = cli_opt_u64(prog, "--seq", optarg, 1, INT64_MAX, &o->seq);
            break;
        case ROUND_OPT_RING:
            o->anon.ring = optarg;
            break;
        case ROUND_OPT_ANON_KEY:
            o->anon.key = optarg;
            break;
        case ROUND_OPT_TOKEN:
            o->anon.token = optarg;
            break;
        case ROUND_OPT_EVALUATION:
            if (o->anon.nevals == ROUND_EVALS_MAX)
                return cli_usage(prog, "--evaluation: at most %d files", ROUND_EVALS_MAX);
            o->anon.evals[o->anon.nevals++] = optarg;
            break;
        default:
            return CLI_USAGE;
        }
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
    if (rc != CLI_OK)
        return rc;
    int ring = o->anon.ring != NULL || o->anon.key != NULL, token = o->anon.token != NULL;
    if ((o->key != NULL) + ring + token != 1 || o->type == NULL ||
        (o->round == NULL) == (o->config == NULL))
        return cli_usage(prog, "expected --type, one of --round or --config, and --key (or, "
                               "anonymously, --ring and --anon-key, or --token)");
    if (ring && (o->anon.ring == NULL || o->anon.key == NULL))
        return cli_usage(prog, "an anonymous event by a ring member needs --ring and --anon-key");
    if ((o->anon.nevals > 0) != token)
        return cli_usage(prog, "--token and --evaluation go together");
    if ((ring || token) && o->config == NULL && o->log == NULL)
        return cli_usage(prog, "an anonymous event needs the round: --config or --log");
    if (token && o->seq > 1)
        return cli_usage(prog, "a token acts once: its event is number 1");
    if (token && o->seq == 0)
        o->seq = 1;
    if (!token && (o->seq == 0) == (o->log == NULL))
        return cli_usage(prog, "give --seq N or --log DIR (not both)");
    if ((o->body_text != NULL) + (argc - optind) != 1)
        return cli_usage(prog, "expected one BODY (a file, -, or --body TEXT)");
    if (o->at && o->log == NULL)
        return cli_usage(prog, "--at needs --log DIR");
    const char *outs[] = { o->out };
    return cli_outputs_distinct(prog, argc, argv, outs, 1, NULL, 0);
}

/* The round id, and the round itself when --log is given (for the seq),
 * or, for an anonymous event, from --config (for its scope and ring). */
static dacc_status event_round(const event_opts *o, uint8_t id[32], round_log *l, dacc_round **r,
                               dacc_error *err)
{
    int anon = o->key == NULL;
    dacc_status st = DACC_OK;
    *r = NULL;
    if (o->config != NULL) {
        char *data;
        size_t len;
        dacc_round *c = NULL;
        st = dacc_file_read(o->config, 1u << 20, &data, &len, err);
        if (st == DACC_OK) {
            st = dacc_round_new(data, len, &c, err);
            free(data);
        }
        if (st == DACC_OK)
            memcpy(id, dacc_round_id(c), 32);
        if (st == DACC_OK && anon && o->log == NULL)
            *r = c; /* the config's round: it holds the ring and the scopes */
        else
            dacc_round_free(c);
    }
    if (st == DACC_OK && o->log != NULL && (st = round_log_open(o->log, 0, l, err)) == DACC_OK &&
        o->round != NULL)
        st = round_log_find(l, o->round, id, err);
    else if (st == DACC_OK && o->round != NULL &&
             (strlen(o->round) != 64 || dacc_hex_decode(o->round, 64, id, 32, err) != DACC_OK))
        st = dacc_error_set(err, DACC_ERR_INVALID, "--round: expected 64 hex digits");
    if (st == DACC_OK && o->log != NULL)
        st = dacc_store_load(l->store, id, r, err);
    return st;
}

static dacc_status event_body(const event_opts *o, const char *path, json_t **body, dacc_error *err)
{
    dacc_status st = o->body_text != NULL ? dacc_json_load_buffer("--body", o->body_text,
                                                                  strlen(o->body_text), body, err)
                                          : dacc_json_load_file(path, body, err);
    if (st == DACC_OK && !json_is_object(*body)) {
        json_decref(*body);
        return dacc_error_set(err, DACC_ERR_INVALID, "the body must be a JSON object");
    }
    return st;
}

/* "at": the log's size and root as the log holds them now. */
static dacc_status add_at(const round_log *l, json_t *body, dacc_error *err)
{
    uint64_t size = dacc_tlog_log_size(l->log);
    uint8_t root[32];
    char hex[65];
    if (size == 0)
        return dacc_error_set(err, DACC_ERR_STATE, "--at: the log is empty");
    if (dacc_tlog_tree_hash(dacc_tlog_log_hash, l->log, size, root) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_IO, "--at: reading the log's hashes");
    json_object_set_new(
        body, "at",
        json_pack("{sIss}", "size", (json_int_t)size, "root", dacc_hex_encode(root, 32, hex)));
    return DACC_OK;
}

int cmd_round_event(int argc, char **argv)
{
    static const char prog[] = "dacc round event";
    event_opts o;
    int rc = parse_event(prog, argc, argv, &o);
    if (rc < 0)
        return CLI_OK;
    if (rc != CLI_OK)
        return rc;
    uint8_t sk[64], id[32];
    round_log l = { 0 };
    dacc_round *r = NULL;
    json_t *body = NULL;
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_error err;
    dacc_status st = o.key != NULL ? round_load_key(o.key, sk, &err) : DACC_OK;
    if (st == DACC_OK)
        st = event_round(&o, id, &l, &r, &err);
    if (st == DACC_OK)
        st = event_body(&o, argv[optind], &body, &err);
    if (st == DACC_OK && o.at)
        st = add_at(&l, body, &err);
    if (st == DACC_OK && o.key == NULL) {
        /* --seq, or with --log the pseudonym's next */
        o.anon.seq = o.log != NULL ? 0 : o.seq;
        st = round_anon_event(prog, r, &o.anon, o.type, body, &env, &err);
    } else if (st == DACC_OK) {
        uint64_t seq = r != NULL ? dacc_round_seq(r, sk + 32) + 1 : o.seq;
        st = dacc_round_event_sign(id, seq, o.type, body, sk, &env, &err);
    }
    sodium_memzero(sk, sizeof sk);
    if (st == DACC_OK && (st = dacc_buf_putc(&env, '\n')) == DACC_OK)
        st = dacc_file_write(o.out, env.data, env.len, &err);
    json_decref(body);
    dacc_round_free(r);
    round_log_close(&l);
    dacc_buf_free(&env);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- append ---- */

typedef struct {
    char **data;
    size_t *lens, n, cap;
    dacc_buf text;
} env_list;

static dacc_status take_line(env_list *l, const char *p, size_t len, dacc_error *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        char **d = realloc(l->data, cap * sizeof *d);
        size_t *ln = d ? realloc(l->lens, cap * sizeof *ln) : NULL;
        if (d != NULL)
            l->data = d;
        if (ln == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        l->lens = ln, l->cap = cap;
    }
    if ((l->data[l->n] = malloc(len ? len : 1)) == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    memcpy(l->data[l->n], p, len);
    l->lens[l->n++] = len;
    return DACC_OK;
}

static dacc_status read_envelopes(const char *path, env_list *l, dacc_error *err)
{
    char *data;
    size_t len;
    dacc_status st = dacc_file_read(path, 1u << 30, &data, &len, err);
    for (size_t pos = 0; st == DACC_OK && pos < len;) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - (data + pos)) : len - pos, k = ll;
        while (k > 0 && (data[pos + k - 1] == '\r' || data[pos + k - 1] == ' '))
            k--;
        if (k > 0)
            st = take_line(l, data + pos, k, err);
        pos += ll + 1;
    }
    if (st == DACC_OK || data != NULL)
        free(data);
    return st;
}

static void free_envelopes(env_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->data[i]);
    free(l->data);
    free(l->lens);
}

static void print_appended(const env_list *l, uint64_t first)
{
    for (size_t i = 0; i < l->n; i++) {
        dacc_round_event ev;
        char a[17], b[17];
        if (dacc_round_event_decode("event", l->data[i], l->lens[i], &ev, NULL) != DACC_OK)
            continue;
        /* a token's pseudonym is its nullifier, which only the round's
         * check computes: the line says a token acted */
        char who[40];
        if (ev.anon == DACC_ROUND_ANON_TOKEN)
            snprintf(who, sizeof who, "a token");
        else
            snprintf(who, sizeof who, "%s%s…", ev.anon ? "pseudonym " : "", hex8(ev.signer, a));
        printf("entry %" PRIu64 ": %s by %s seq %" PRIu64 " (round %s…)\n", first + i, ev.type, who,
               ev.seq, ev.is_config ? "new" : hex8(ev.round, b));
        dacc_round_event_clear(&ev);
    }
}

int cmd_round_append(int argc, char **argv)
{
    static const char prog[] = "dacc round append";
    const char *dir = NULL, *node = NULL, *key = NULL, *seen = NULL;
    int ch;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_round, "append", argc, argv);
    while ((ch = cli_next(&p)) > 0) {
        if (ch == 'l')
            dir = optarg;
        else if (ch == 'n')
            node = optarg;
        else if (ch == 'k')
            key = optarg;
        else if (ch == 's')
            seen = optarg;
        else
            return CLI_USAGE;
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    if ((dir == NULL) == (node == NULL))
        return cli_usage(prog, "give --log DIR or --node URL");
    if (node == NULL && (key != NULL || seen != NULL))
        return cli_usage(prog, "--log-key and --seen go with --node");
    env_list l = { 0 };
    dacc_error err;
    dacc_status st = DACC_OK;
    for (int i = optind; i < argc && st == DACC_OK; i++)
        st = read_envelopes(argv[i], &l, &err);
    if (st == DACC_OK && optind == argc)
        st = read_envelopes("-", &l, &err);
    if (st == DACC_OK && l.n == 0)
        st = dacc_error_set(&err, DACC_ERR_INVALID, "no events to append");
    if (st == DACC_OK && node != NULL) {
        int rc = round_append_node(node, key, seen, l.data, l.lens, l.n);
        free_envelopes(&l);
        return rc;
    }
    round_log rl = { 0 };
    uint64_t first = 0;
    size_t bad = 0;
    if (st == DACC_OK)
        st = round_log_open(dir, 1, &rl, &err);
    if (st == DACC_OK &&
        (st = dacc_store_append(rl.store, (const void *const *)l.data, l.lens, l.n, &first, &bad,
                                &err)) != DACC_OK &&
        l.n > 1)
        dacc_error_prefix(&err, "event %zu of %zu, nothing logged: ", bad + 1, l.n);
    if (st == DACC_OK)
        print_appended(&l, first);
    round_log_close(&rl);
    free_envelopes(&l);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}
