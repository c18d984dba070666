/* dacc pause: the signer tools of the soft pause (roots, heartbeats,
 * publication) and the device side (init, rotate, verify, status) over a
 * state file. The fleet simulation is in cmd_pause_sim.c. */
#include <getopt.h>
#include <sodium.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "dacc/file.h"
#include "dacc/json.h"
#include "dacc/pause.h"
#include "log_keys.h"
#include "pause_cli.h"

static int fail(const char *prog, const dacc_error *err)
{
    return cli_fail(prog, err);
}

dacc_status pause_read(const char *path, char **data, size_t *len, dacc_error *err)
{
    return dacc_file_read(path, DACC_PAUSE_NOTE_MAX * 4, data, len, err);
}

/* The text of the note in data[0..len), or all of it when it is a draft. */
static size_t note_text_len(const char *data, size_t len)
{
    dacc_tlog_note note;
    return dacc_tlog_note_parse(data, len, &note, NULL) == DACC_OK ? note.text_len : len;
}

dacc_status pause_read_root(const char *path, dacc_pause_root *root, dacc_error *err)
{
    char *data;
    size_t len;
    dacc_status st = pause_read(path, &data, &len, err);
    if (st != DACC_OK)
        return st;
    dacc_pause_reason why = dacc_pause_root_parse(data, note_text_len(data, len), root);
    free(data);
    if (why != DACC_PAUSE_ACCEPTED)
        return dacc_error_at(err, DACC_ERR_PARSE, path, 0, 0, "%s", dacc_pause_reason_name(why));
    return DACC_OK;
}

/* ---- roots ---- */

typedef struct {
    const char *domain, *log, *old, *out;
    const char *signer[DACC_PAUSE_MAX_SIGNERS], *witness[DACC_PAUSE_MAX_WITNESSES];
    unsigned nsigner, nwitness;
    uint64_t version, expires, threshold, wthreshold, now;
} root_opts;

static int parse_root_opts(const char *prog, int argc, char **argv, root_opts *o)
{
    static const struct option longs[] = {
        { "domain", required_argument, NULL, 'D' },
        { "version", required_argument, NULL, 'V' },
        { "expires", required_argument, NULL, 'E' },
        { "threshold", required_argument, NULL, 'k' },
        { "signer", required_argument, NULL, 's' },
        { "log", required_argument, NULL, 'l' },
        { "witness", required_argument, NULL, 'w' },
        { "witness-threshold", required_argument, NULL, 'm' },
        { "old", required_argument, NULL, 'O' },
        { "now", required_argument, NULL, 'N' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    memset(o, 0, sizeof *o);
    o->version = 1;
    o->out = "-";
    o->now = (uint64_t)time(NULL);
    int ch, rc = CLI_OK;
    while (rc == CLI_OK && (ch = getopt_long(argc, argv, "k:o:h", longs, NULL)) != -1) {
        switch (ch) {
        case 'D':
            o->domain = optarg;
            break;
        case 'V':
            rc = cli_opt_u64(prog, "--version", optarg, 1, INT64_MAX, &o->version);
            break;
        case 'E':
            rc = cli_opt_u64(prog, "--expires", optarg, 1, INT64_MAX, &o->expires);
            break;
        case 'k':
            rc = cli_opt_u64(prog, "--threshold", optarg, 1, 16, &o->threshold);
            break;
        case 'm':
            rc = cli_opt_u64(prog, "--witness-threshold", optarg, 0, 8, &o->wthreshold);
            break;
        case 's':
            if (o->nsigner == DACC_PAUSE_MAX_SIGNERS)
                return cli_usage(prog, "at most %d signers", DACC_PAUSE_MAX_SIGNERS);
            o->signer[o->nsigner++] = optarg;
            break;
        case 'w':
            if (o->nwitness == DACC_PAUSE_MAX_WITNESSES)
                return cli_usage(prog, "at most %d witnesses", DACC_PAUSE_MAX_WITNESSES);
            o->witness[o->nwitness++] = optarg;
            break;
        case 'l':
            o->log = optarg;
            break;
        case 'O':
            o->old = optarg;
            break;
        case 'N':
            rc = cli_opt_u64(prog, "--now", optarg, 0, INT64_MAX, &o->now);
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'h':
            return -1;
        default:
            return cli_usage(prog, "unknown option");
        }
    }
    /* --old ROOT -o ROOT would replace the root being rotated from */
    const char *outs[] = { o->out };
    return rc == CLI_OK ? cli_outputs_distinct(prog, argc, argv, outs, 1, NULL, 0) : rc;
}

static dacc_status build_root(const root_opts *o, dacc_pause_root *r, dacc_error *err)
{
    memset(r, 0, sizeof *r);
    if (o->domain == NULL || o->log == NULL || o->expires == 0 || o->threshold == 0 ||
        o->nsigner == 0)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "a root needs --domain, --expires, --threshold, --signer and --log");
    if (!dacc_pause_domain_valid(o->domain, strlen(o->domain)))
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "--domain: expected 1 to %d printable ASCII characters without "
                              "spaces, got \"%s\"",
                              DACC_PAUSE_DOMAIN_MAX, o->domain);
    if (o->expires <= o->now)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "--expires %" PRIu64 ": the root would have expired (it is %" PRIu64
                              " now), and devices refuse an expired root",
                              o->expires, o->now);
    snprintf(r->domain, sizeof r->domain, "%s", o->domain);
    r->version = o->version;
    r->expires = o->expires;
    r->threshold = (unsigned)o->threshold;
    r->witness_threshold = (unsigned)o->wthreshold;
    dacc_status st = load_verifier(o->log, &r->log, err);
    for (unsigned i = 0; i < o->nsigner && st == DACC_OK; i++)
        st = load_verifier(o->signer[i], &r->signer[r->nsigners++], err);
    for (unsigned i = 0; i < o->nwitness && st == DACC_OK; i++)
        st = load_verifier(o->witness[i], &r->witness[r->nwitnesses++], err);
    char text[DACC_PAUSE_NOTE_MAX];
    size_t n = st == DACC_OK ? dacc_pause_root_format(r, text, sizeof text) : 0;
    if (st == DACC_OK && (n == 0 || dacc_pause_root_parse(text, n, r) != DACC_PAUSE_ACCEPTED))
        st = dacc_error_set(err, DACC_ERR_INVALID,
                            "not a valid root: check that 1 <= threshold <= signers, witness "
                            "threshold <= witnesses, keys are distinct, witnesses are --cosign "
                            "keys and the others are not");
    return st;
}

static int write_root(const char *prog, const root_opts *o, const dacc_pause_root *r)
{
    char text[DACC_PAUSE_NOTE_MAX];
    size_t n = dacc_pause_root_format(r, text, sizeof text);
    dacc_error err;
    if (dacc_file_write(o->out, text, n, &err) != DACC_OK)
        return fail(prog, &err);
    return CLI_OK;
}

static const char root_opts_help[] =
    "  --domain D             the pause domain (a name for this pause, e.g. ai-pause.example):\n"
    "                         1 to 64 printable ASCII characters, no spaces\n"
    "  --expires T            the root's expiry, in seconds since the epoch; no device runs\n"
    "                         after it, whatever heartbeats say\n"
    "  -k, --threshold K      signatures a heartbeat needs (k of the N signers)\n"
    "  --signer FILE.pub      a signing body's note key (repeat, 1 to 16)\n"
    "  --log FILE.pub         the pause log's key (its name is the log's origin)\n"
    "  --witness FILE.pub     a witness's cosignature key (repeat, 0 to 8)\n"
    "  --witness-threshold M  witness cosignatures a checkpoint needs (default 0)\n"
    "  --now T                the time --expires must lie after (default: now)\n"
    "  -o, --output FILE      where to write the root text (default: stdout)\n";

static int cmd_root_init(int argc, char **argv)
{
    static const char prog[] = "dacc pause root init";
    root_opts o;
    int rc = parse_root_opts(prog, argc, argv, &o);
    if (rc < 0) {
        fputs("Usage: dacc pause root init [options]\n\nWrite an unsigned root (its text); "
              "signers then add their signatures with 'root sign'.\n"
              "  --version V            the root's version (default 1)\n",
              stdout);
        fputs(root_opts_help, stdout);
        return CLI_OK;
    }
    if (rc != CLI_OK)
        return rc;
    dacc_pause_root r;
    dacc_error err;
    if (build_root(&o, &r, &err) != DACC_OK)
        return fail(prog, &err);
    return write_root(prog, &o, &r);
}

static int cmd_root_rotate(int argc, char **argv)
{
    static const char prog[] = "dacc pause root rotate";
    root_opts o;
    int rc = parse_root_opts(prog, argc, argv, &o);
    if (rc < 0) {
        fputs("Usage: dacc pause root rotate --old ROOT [options]\n\nWrite the next root: "
              "version one above ROOT, the same domain unless --domain. It must be\n"
              "signed by k of the old root's signers and k of its own.\n",
              stdout);
        fputs(root_opts_help, stdout);
        return CLI_OK;
    }
    if (rc != CLI_OK)
        return rc;
    if (o.old == NULL)
        return cli_usage(prog, "--old ROOT is required");
    dacc_error err;
    dacc_pause_root old, r;
    if (pause_read_root(o.old, &old, &err) != DACC_OK)
        return fail(prog, &err);
    o.version = old.version + 1;
    if (o.domain == NULL)
        o.domain = old.domain;
    if (build_root(&o, &r, &err) != DACC_OK)
        return fail(prog, &err);
    return write_root(prog, &o, &r);
}

/* Whether text is what a signer means to sign: a body's signature on the
 * wrong kind of document would still count wherever that document is
 * checked, so roots and heartbeats are told apart before signing. */
static dacc_status check_document(const char *path, const char *text, size_t len, int root,
                                  dacc_error *err)
{
    dacc_pause_root r;
    dacc_pause_heartbeat h;
    dacc_pause_reason why =
        root ? dacc_pause_root_parse(text, len, &r) : dacc_pause_heartbeat_parse(text, len, &h);
    if (why != DACC_PAUSE_ACCEPTED)
        return dacc_error_at(err, DACC_ERR_PARSE, path, 0, 0, "%s: not a %s",
                             dacc_pause_reason_name(why), root ? "root" : "heartbeat");
    return DACC_OK;
}

/* Writes to out the note data[0..len) (text length tl) with the signature
 * line added. */
static dacc_status add_signature(const char *data, size_t len, size_t tl, const char *line,
                                 const char *out, dacc_error *err)
{
    char single[DACC_PAUSE_NOTE_MAX + DACC_TLOG_KEY_TEXT_MAX + 2], *merged;
    size_t mlen;
    if (tl + 1 + strlen(line) >= sizeof single)
        return dacc_error_set(err, DACC_ERR_LIMIT, "note too long");
    memcpy(single, data, tl);
    single[tl] = '\n';
    strcpy(single + tl + 1, line);
    const char *notes[2] = { data, single };
    size_t lens[2] = { len, strlen(single) };
    dacc_status st = dacc_pause_note_merge(notes, lens, 2, &merged, &mlen, err);
    if (st == DACC_OK) {
        st = dacc_file_write(out, merged, mlen, err);
        free(merged);
    }
    return st;
}

/* Adds a signature by the key in key_path to the root or heartbeat (a
 * draft or a signed note) in path. Only a body's note key signs: a
 * witness key's signature would count nowhere. */
static dacc_status sign_document(const char *key_path, const char *path, int root, const char *out,
                                 dacc_error *err)
{
    dacc_tlog_signer s;
    char *data = NULL, line[DACC_TLOG_KEY_TEXT_MAX];
    size_t len = 0, tl = 0;
    dacc_status st = load_signer(key_path, &s, err);
    if (st == DACC_OK && s.v.type != DACC_TLOG_KEY_ED25519)
        st = dacc_error_at(err, DACC_ERR_INVALID, key_path, 0, 0,
                           "a witness (cosignature) key, not a signing body's key");
    if (st == DACC_OK)
        st = pause_read(path, &data, &len, err);
    if (st == DACC_OK) {
        tl = note_text_len(data, len);
        st = check_document(path, data, tl, root, err);
    }
    if (st == DACC_OK)
        st = dacc_tlog_note_sign(data, tl, &s, 0, line, err);
    sodium_memzero(&s, sizeof s);
    if (st == DACC_OK)
        st = add_signature(data, len, tl, line, out, err);
    free(data);
    return st;
}

static int sign_file(const char *prog, int argc, char **argv, const char *what, int root)
{
    static const struct option longs[] = { { "key", required_argument, NULL, 'k' },
                                           { "output", required_argument, NULL, 'o' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    const char *key = NULL, *out = "-";
    int ch;
    while ((ch = getopt_long(argc, argv, "k:o:h", longs, NULL)) != -1) {
        if (ch == 'k')
            key = optarg;
        else if (ch == 'o')
            out = optarg;
        else if (ch == 'h') {
            printf("Usage: %s --key FILE.key [-o OUT] %s\n\nAdd this body's signature to the %s "
                   "(a draft or an already signed note).\nThe key must be a body's note key "
                   "(not a --cosign witness key), and the file a %s.\n",
                   prog, what, what, root ? "root" : "heartbeat");
            return CLI_OK;
        } else
            return cli_usage(prog, "unknown option");
    }
    if (key == NULL || argc - optind != 1)
        return cli_usage(prog, "expected --key FILE.key and one %s", what);
    dacc_error err;
    if (sign_document(key, argv[optind], root, out, &err) != DACC_OK)
        return fail(prog, &err);
    return CLI_OK;
}

static int cmd_root_sign(int argc, char **argv)
{
    return sign_file("dacc pause root sign", argc, argv, "ROOT", 1);
}
static int cmd_hb_sign(int argc, char **argv)
{
    return sign_file("dacc pause heartbeat sign", argc, argv, "HEARTBEAT", 0);
}

static int cmd_root(int argc, char **argv)
{
    static const cli_command subs[] = {
        { "init", "write a new root (unsigned)", cmd_root_init },
        { "sign", "add a signing body's signature to a root", cmd_root_sign },
        { "rotate", "write the next root (version + 1)", cmd_root_rotate },
    };
    return cli_dispatch("dacc pause root",
                        "The pause root: who signs heartbeats, how many must, "
                        "which log and witnesses.",
                        subs, 3, argc, argv);
}

/* ---- heartbeats ---- */

static int cmd_hb_draft(int argc, char **argv)
{
    static const char prog[] = "dacc pause heartbeat draft";
    static const struct option longs[] = {
        { "root", required_argument, NULL, 'r' },
        { "epoch", required_argument, NULL, 'e' },
        { "not-before", required_argument, NULL, 'b' },
        { "not-after", required_argument, NULL, 'a' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *root = NULL, *out = "-";
    uint64_t epoch = 0, nb = 0, na = 0;
    int ch, rc = CLI_OK;
    while (rc == CLI_OK && (ch = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
        switch (ch) {
        case 'r':
            root = optarg;
            break;
        case 'e':
            rc = cli_opt_u64(prog, "--epoch", optarg, 1, INT64_MAX, &epoch);
            break;
        case 'b':
            rc = cli_opt_u64(prog, "--not-before", optarg, 0, INT64_MAX, &nb);
            break;
        case 'a':
            rc = cli_opt_u64(prog, "--not-after", optarg, 0, INT64_MAX, &na);
            break;
        case 'o':
            out = optarg;
            break;
        case 'h':
            return cli_help("Usage: dacc pause heartbeat draft --root ROOT --epoch E --not-before "
                            "T1 --not-after T2 [-o OUT]\n\nWrite the text of the heartbeat for "
                            "epoch E, valid from T1 to T2 (seconds since the\nepoch), bound to "
                            "ROOT by its SHA-256. It names no device.\n");
        default:
            return cli_usage(prog, "unknown option");
        }
    }
    if (rc != CLI_OK)
        return rc;
    if (root == NULL || epoch == 0 || na == 0 || nb > na)
        return cli_usage(prog, "expected --root, --epoch, --not-before <= --not-after");
    const char *outs[] = { out };
    if ((rc = cli_outputs_distinct(prog, argc, argv, outs, 1, NULL, 0)) != CLI_OK)
        return rc;
    char text[1024];
    dacc_error err;
    dacc_pause_root r;
    if (pause_read_root(root, &r, &err) != DACC_OK)
        return fail(prog, &err);
    size_t n = dacc_pause_heartbeat_format(r.domain, epoch, nb, na, r.hash, text, sizeof text);
    return dacc_file_write(out, text, n, &err) == DACC_OK ? CLI_OK : fail(prog, &err);
}

static int cmd_hb_combine(int argc, char **argv)
{
    static const char prog[] = "dacc pause heartbeat combine";
    static const struct option longs[] = { { "output", required_argument, NULL, 'o' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    const char *out = "-";
    int ch;
    while ((ch = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
        if (ch == 'o')
            out = optarg;
        else if (ch == 'h')
            return cli_help("Usage: dacc pause heartbeat combine [-o OUT] HEARTBEAT...\n\n"
                            "Merge the signatures of copies of one heartbeat (or root). Copies "
                            "with a different\ntext, or one key with two different signatures, "
                            "are refused.\n");
        else
            return cli_usage(prog, "unknown option");
    }
    int n = argc - optind;
    if (n < 1 || n > 64)
        return cli_usage(prog, "expected 1 to 64 files");
    char *data[64], *merged;
    size_t lens[64], mlen;
    dacc_error err;
    dacc_status st = DACC_OK;
    int got = 0;
    for (; got < n && st == DACC_OK; got++)
        st = pause_read(argv[optind + got], &data[got], &lens[got], &err);
    if (st != DACC_OK)
        got--;
    if (st == DACC_OK)
        st =
            dacc_pause_note_merge((const char *const *)data, lens, (size_t)n, &merged, &mlen, &err);
    if (st == DACC_OK) {
        st = dacc_file_write(out, merged, mlen, &err);
        free(merged);
    }
    for (int i = 0; i < got; i++)
        free(data[i]);
    return st == DACC_OK ? CLI_OK : fail(prog, &err);
}

static int cmd_heartbeat(int argc, char **argv)
{
    static const cli_command subs[] = {
        { "draft", "write the text of an epoch's heartbeat", cmd_hb_draft },
        { "sign", "add one body's signature", cmd_hb_sign },
        { "combine", "merge signatures from several bodies", cmd_hb_combine },
    };
    return cli_dispatch("dacc pause heartbeat",
                        "Heartbeats: one per epoch, signed by k of the "
                        "root's bodies.",
                        subs, 3, argc, argv);
}

static const cli_command subcommands[] = {
    { "keygen", "generate a body's, the log's or a witness's key pair", cmd_log_keygen },
    { "root", "init, sign and rotate the pause root", cmd_root },
    { "heartbeat", "draft, sign and combine heartbeats", cmd_heartbeat },
    { "publish", "check a heartbeat, log it (once), get it witnessed, write the bundle",
      cmd_pause_publish },
    { "device", "the device verifier over a state file: init, rotate, verify, status",
      cmd_pause_device },
    { "simulate", "a fleet over simulated weeks, with signers and attackers", cmd_pause_simulate },
};

int cmd_pause(int argc, char **argv)
{
    static const char about[] =
        "The soft pause: AI hardware runs only while it holds a fresh heartbeat signed by k\n"
        "of N bodies, published in a witnessed transparency log. Heartbeats name an epoch,\n"
        "never a device, so the pause is all-or-nothing. Protocol: docs/pause.md.";
    return cli_dispatch("dacc pause", about, subcommands,
                        sizeof subcommands / sizeof subcommands[0], argc, argv);
}
