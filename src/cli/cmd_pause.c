/* dacc pause: the signer tools of the soft pause (roots, heartbeats,
 * publication) and the device side (init, rotate, verify, status) over a
 * state file. The fleet simulation is in cmd_pause_sim.c. */
#include <sodium.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "spec.h"
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
    memset(o, 0, sizeof *o);
    o->version = 1;
    o->out = "-";
    o->now = (uint64_t)time(NULL);
    int ch, rc = CLI_OK;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_pause, prog + strlen("dacc pause "), argc, argv);
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
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
        }
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
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

static int cmd_root_init(int argc, char **argv)
{
    static const char prog[] = "dacc pause root init";
    root_opts o;
    int rc = parse_root_opts(prog, argc, argv, &o);
    if (rc < 0)
        return CLI_OK;
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
    if (rc < 0)
        return CLI_OK;
    if (rc != CLI_OK)
        return rc;
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
    const char *key = NULL, *out = "-";
    int ch;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_pause, prog + strlen("dacc pause "), argc, argv);
    while ((ch = cli_next(&p)) > 0) {
        if (ch == 'k')
            key = optarg;
        else if (ch == 'o')
            out = optarg;
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    if (argc - optind != 1)
        return cli_usage(prog, "expected one %s", what);
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

/* ---- heartbeats ---- */

static int cmd_hb_draft(int argc, char **argv)
{
    static const char prog[] = "dacc pause heartbeat draft";
    const char *root = NULL, *out = "-";
    uint64_t epoch = 0, nb = 0, na = 0;
    int ch, rc = CLI_OK;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_pause, "heartbeat draft", argc, argv);
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
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
        }
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
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
    const char *out = "-";
    int ch;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_pause, "heartbeat combine", argc, argv);
    while ((ch = cli_next(&p)) > 0) {
        if (ch == 'o')
            out = optarg;
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
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

static int cmd_keygen(int argc, char **argv)
{
    return log_keygen_as(&cli_spec_pause, argc, argv);
}

/* ---- the declaration ---- */

#define ROOT_SUBS   "root init,root rotate"
#define DEVICE_SUBS "device init,device rotate,device verify,device status"

static const cli_opt pause_opts[] = {
    { "cosign", 0, NULL, 'c', NULL, "a witness key (type 0x04, cosignature/v1)", "keygen", 0,
      NULL },
    { "domain", 0, "D", 'D', NULL,
      "the pause domain (a name for this pause, e.g. ai-pause.example): 1 to 64 printable ASCII "
      "characters, no spaces (rotate: default the old root's)",
      ROOT_SUBS, 0, NULL },
    { "version", 0, "V", 'V', "1", "the root's version", "root init", 0, NULL },
    { "old", 0, "ROOT", 'O', NULL, "the root this one follows", "root rotate", CLI_REQ_ALL, NULL },
    { "expires", 0, "T", 'E', NULL,
      "the root's expiry, in seconds since the epoch; no device runs after it, whatever "
      "heartbeats say",
      ROOT_SUBS, 0, NULL },
    { "threshold", 'k', "K", 'k', NULL, "signatures a heartbeat needs (k of the N signers)",
      ROOT_SUBS, 0, NULL },
    { "signer", 0, "FILE.pub", 's', NULL, "a signing body's note key (repeat, 1 to 16)", ROOT_SUBS,
      CLI_REPEAT, NULL },
    { "log", 0, "FILE.pub", 'l', NULL, "the pause log's key (its name is the log's origin)",
      ROOT_SUBS, 0, NULL },
    { "witness", 0, "FILE.pub", 'w', NULL, "a witness's cosignature key (repeat, 0 to 8)",
      ROOT_SUBS, CLI_REPEAT, NULL },
    { "witness-threshold", 0, "M", 'm', "0", "witness cosignatures a checkpoint needs", ROOT_SUBS,
      0, NULL },
    { "now", 0, "T", 'N', "now", "the time --expires must lie after", ROOT_SUBS, 0, NULL },
    { "key", 'k', "FILE.key", 'k', NULL, "this body's note key (not a --cosign witness key)",
      "root sign,heartbeat sign", CLI_REQ_ALL, NULL },
    { "root", 0, "ROOT", 'r', NULL, "the root the heartbeat is bound to (by its SHA-256)",
      "heartbeat draft", CLI_REQ_ALL, NULL },
    { "epoch", 0, "E", 'e', NULL, "the heartbeat's epoch", "heartbeat draft", CLI_REQ_ALL, NULL },
    { "not-before", 0, "T1", 'b', NULL, "valid from T1 (seconds since the epoch)",
      "heartbeat draft", CLI_REQ_ALL, NULL },
    { "not-after", 0, "T2", 'a', NULL, "valid until T2", "heartbeat draft", CLI_REQ_ALL, NULL },
    { "log", 0, "DIR", 'l', NULL, "the pause log (made by 'dacc log init')", "publish", CLI_REQ_ALL,
      NULL },
    { "root", 0, "ROOT", 'r', NULL, "the pause root", "publish", CLI_REQ_ALL, NULL },
    { "witness", 0, "W.key", 'w', NULL, "a local witness's cosignature key (repeatable)", "publish",
      CLI_REPEAT, NULL },
    { "state", 0, "DIR", 's', ".", "the witnesses' state directory (created when missing)",
      "publish", 0, NULL },
    { "time", 0, "T", 't', "now", "the witnesses' cosignature time", "publish", 0, NULL },
    { "output", 'o', "FILE", 'o', "-",
      "write the result to FILE (the root, the heartbeat or the bundle)",
      "root init,root rotate,root sign,heartbeat draft,heartbeat sign,heartbeat combine,publish", 0,
      NULL },
    { "state", 0, "FILE", 's', NULL, "the device's state (its protected storage)", DEVICE_SUBS,
      CLI_REQ_ALL, NULL },
    { "now", 0, "T", 'n', "now", "the trusted time", DEVICE_SUBS, 0, NULL },
    { "force", 0, NULL, 'F', NULL,
      "provision again over an existing state (back to epoch 0, so old bundles are accepted "
      "again)",
      "device init", 0, NULL },
    { "format", 'f', "FORMAT", 'f', "text", "how to print the outcome (simulate: the weeks)",
      DEVICE_SUBS ",simulate", 0, "text json csv" },
    { "weeks", 0, "N", 'w', "16", "weeks to simulate", "simulate", 0, NULL },
    { "devices", 0, "N", 'd', "100", "devices in the fleet", "simulate", 0, NULL },
    { "seed", 0, "TEXT", 's', "dacc", "the seed of every random choice", "simulate", 0, NULL },
};

#define DEVICE_TEXT                                                                                \
    "Run the device verifier, keeping its state (root, epoch, expiry, log size) in FILE,\n"        \
    "which stands for the device's protected storage; T is the trusted time (default:\n"           \
    "now). The state is written only when it moves forward, and nothing is reported\n"             \
    "accepted unless it was saved. Exit status 0 when accepted (or a replay; for status:\n"        \
    "when the device runs), 1 otherwise."

static const cli_sub pause_subs[] = {
    { "keygen", "generate a body's, the log's or a witness's key pair", "NAME PREFIX",
      "Generate an Ed25519 key pair in the C2SP signed-note formats: PREFIX.key\n"
      "(PRIVATE+KEY+NAME+HASH+..., mode 0600) and PREFIX.pub (NAME+HASH+...).",
      cmd_keygen },
    { "root init", "write a new root (unsigned)", "",
      "Write an unsigned root (its text); signers then add their signatures with 'root sign'.",
      cmd_root_init },
    { "root sign", "add a signing body's signature to a root", "ROOT",
      "Add this body's signature to the ROOT (a draft or an already signed note).", cmd_root_sign },
    { "root rotate", "write the next root (version + 1)", "",
      "Write the next root: version one above ROOT, the same domain unless --domain. It must be\n"
      "signed by k of the old root's signers and k of its own.",
      cmd_root_rotate },
    { "heartbeat draft", "write the text of an epoch's heartbeat", "",
      "Write the text of the heartbeat for epoch E, valid from T1 to T2 (seconds since the\n"
      "epoch), bound to ROOT by its SHA-256. It names no device.",
      cmd_hb_draft },
    { "heartbeat sign", "add one body's signature", "HEARTBEAT",
      "Add this body's signature to the HEARTBEAT (a draft or an already signed note).",
      cmd_hb_sign },
    { "heartbeat combine", "merge signatures from several bodies", "HEARTBEAT...",
      "Merge the signatures of copies of one heartbeat (or root). Copies with a different\n"
      "text, or one key with two different signatures, are refused.",
      cmd_hb_combine },
    { "publish", "check a heartbeat, log it (once), get it witnessed, write the bundle",
      "HEARTBEAT",
      "Check the signed heartbeat as every device will (apart from the time): a heartbeat\n"
      "of ROOT, signed by k distinct keys of ROOT, and ROOT names the log in DIR (made by\n"
      "'dacc log init'). Only then append it to the log, unless it is there already: a\n"
      "heartbeat is logged once however often it is published, so publishing again after\n"
      "a failure (a witness refusing, say) finishes the job. Each witness key checks\n"
      "consistency with the last checkpoint it cosigned (its state is kept in --state DIR)\n"
      "and cosigns; the bundle a device verifies is the heartbeat, its inclusion proof and\n"
      "the cosigned checkpoint. (Real witnesses are remote services; --witness runs them\n"
      "locally, for tests and simulations.)",
      cmd_pause_publish },
    { "device init", "provision the device verifier with a root", "ROOT",
      DEVICE_TEXT "\ninit refuses to overwrite an existing FILE unless --force.",
      cmd_pause_device_init },
    { "device rotate", "move the device to the next root", "NEW_ROOT", DEVICE_TEXT,
      cmd_pause_device_rotate },
    { "device verify", "verify a bundle: the reason code and whether the device runs", "BUNDLE",
      DEVICE_TEXT, cmd_pause_device_verify },
    { "device status", "whether the device runs, from its state", "", DEVICE_TEXT,
      cmd_pause_device_status },
    { "simulate", "a fleet over simulated weeks, with signers and attackers", "",
      "Simulate a fleet under a 3-of-7 pause root with 2-of-3 witnesses. Each week the\n"
      "bodies sign the heartbeat (each with probability 0.8; fewer than 3 is a pause),\n"
      "and on a fixed schedule: week 3 of each 8 only 2 sign (a pause), week 5 an\n"
      "attacker forges a body's signature, week 6 it withholds the bundle from half the\n"
      "devices, week 7 it replays last week's bundle; in week 9 the root rotates. Each\n"
      "heartbeat is valid for its week plus a day. Every device runs the real verifier;\n"
      "each line counts the devices still running at the end of the week and the\n"
      "verifier's reasons. Reproducible from --seed.",
      cmd_pause_simulate },
};

static const cli_section pause_sections[] = {
    { "DESCRIPTION",
      "A pause root names N signing bodies and the threshold k, the pause log's key\n"
      "and its witnesses. Each epoch the bodies sign a heartbeat that names the\n"
      "epoch, a validity window and the root's hash \\(em never a device. The\n"
      "heartbeat is appended to the pause log, the log's checkpoint is cosigned by\n"
      "witnesses, and the bundle (heartbeat, inclusion proof, cosigned checkpoint)\n"
      "goes to every device, whose verifier accepts it only if every check passes,\n"
      "and lets the hardware run only until the heartbeat's not\\-after.\n"
      "The protocol, every check in order and the threat model are in\n"
      ".IR docs/pause.md .\n" },
    { "ROOTS AND SIGNING", ".B root init\n"
                           "and\n"
                           ".B root rotate\n"
                           "refuse a domain that is empty or holds spaces, control characters or\n"
                           "non\\-ASCII bytes (1 to 64 printable ASCII characters), and an\n"
                           ".B \\-\\-expires\n"
                           "time that is not after\n"
                           ".B \\-\\-now\n"
                           ".I T\n"
                           "(default: the clock): devices refuse an expired root.\n"
                           ".B root sign\n"
                           "signs only a root and\n"
                           ".B heartbeat sign\n"
                           "only a heartbeat, and both only with a signing body's note key, not a\n"
                           ".B \\-\\-cosign\n"
                           "witness key.\n" },
    { "PUBLISH", ".B publish\n"
                 "first checks the heartbeat as every device will, apart from the time: a\n"
                 "heartbeat of\n"
                 ".I ROOT\n"
                 "(its domain and hash), signed by k distinct signer keys of\n"
                 ".IR ROOT ,\n"
                 "and\n"
                 ".I ROOT\n"
                 "names the log in\n"
                 ".IR DIR .\n"
                 "Witness keys must be\n"
                 ".B \\-\\-cosign\n"
                 "keys and their state files (in the\n"
                 ".B \\-\\-state\n"
                 "directory, default\n"
                 ".IR . ,\n"
                 "created when missing) must hold a checkpoint. Only then is the heartbeat\n"
                 "appended, and only if the log does not hold it already: publishing the same\n"
                 "heartbeat again, for instance after a witness refused, does not log it twice\n"
                 "but finishes the job with the existing entry. When anything fails before the\n"
                 "append, the message says that nothing was logged.\n" },
    { "DEVICE", ".B device verify\n"
                "prints the verifier's reason (accepted, replay of the current epoch, too few\n"
                "signatures, old epoch, epoch too far ahead, expired, wrong root, bad\n"
                "inclusion proof, ...) and whether the device runs; the state file changes\n"
                "only when the state moves forward, and nothing is reported accepted unless\n"
                "the new state was saved (when the save fails, the old state stays and the\n"
                "command says that nothing was accepted).\n"
                ".B device init\n"
                "refuses to overwrite an existing state file unless\n"
                ".B \\-\\-force\n"
                "is given: provisioning again goes back to epoch 0, so bundles the device\n"
                "refused as old would be accepted again. The device runs until the earlier of\n"
                "the newest accepted heartbeat's not\\-after and the root's expiry. One\n"
                "heartbeat may move the device's epoch forward by at most 1000000 (so no\n"
                "mistaken epoch, such as 2^63\\-1, can leave no later one).\n"
                ".B device rotate\n"
                "keeps the largest log size seen when the new root names the same log, and\n"
                "resets it when the new root names another log key.\n" },
    { "EXIT STATUS", "0 on success (for device verify: accepted or replay; for device status: the\n"
                     "device runs); 1 otherwise; 2 on a usage error.\n" },
    { "SEE ALSO", ".BR dacc (1),\n"
                  ".BR dacc\\-log (1)\n" },
};

const cli_spec cli_spec_pause = {
    .name = "pause",
    .summary = "soft pause: k-of-N heartbeats, publication, device verifier, simulation",
    .description =
        "The soft pause: AI hardware runs only while it holds a fresh heartbeat signed by k\n"
        "of N bodies, published in a witnessed transparency log. Heartbeats name an epoch,\n"
        "never a device, so the pause is all-or-nothing. Protocol: docs/pause.md.",
    CLI_SUBS(pause_subs),
    CLI_OPTS(pause_opts),
    CLI_SECTIONS(pause_sections),
};

int cmd_pause(int argc, char **argv)
{
    return cli_spec_run(&cli_spec_pause, argc, argv);
}
