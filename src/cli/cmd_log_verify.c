/* dacc log verify and dacc log cosign: the client's and the witness's
 * checks, from files, with no access to the log's database. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "spec.h"
#include "dacc/file.h"
#include "dacc/tlog.h"
#include "log_keys.h"
#include "log_source.h"
#include "log_witness.h"

#define HB            DACC_TLOG_HASH_BYTES
#define MAX_WITNESSES 32

/* A note read from a file, with its parse pointing into text. */
typedef struct {
    char *text;
    size_t len;
    dacc_tlog_note note;
    dacc_tlog_checkpoint cp;
} note_file;

static dacc_status read_note(const char *path, int checkpoint, note_file *nf, dacc_error *err)
{
    dacc_status st = dacc_file_read(path, 1 << 20, &nf->text, &nf->len, err);
    if (st != DACC_OK)
        return st;
    st = dacc_tlog_note_parse(nf->text, nf->len, &nf->note, err);
    if (st == DACC_OK && checkpoint)
        st = dacc_tlog_checkpoint_parse(nf->note.text, nf->note.text_len, &nf->cp, err);
    if (st != DACC_OK)
        dacc_error_prefix(err, "%s: ", path);
    return st;
}

/* Checks the log's signature; counts witness cosignatures. */
static dacc_status check_signed(const note_file *nf, const char *path,
                                const dacc_tlog_verifier *known, size_t nknown, size_t *witnesses,
                                dacc_error *err)
{
    bool ok[1 + MAX_WITNESSES];
    size_t count;
    dacc_status st = dacc_tlog_note_verify(&nf->note, known, nknown, ok, NULL, &count, err);
    if (st == DACC_OK && !ok[0])
        st = dacc_error_set(err, DACC_ERR_VERIFY, "not signed by the log key %s", known[0].name);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "%s: ", path);
        return st;
    }
    *witnesses = count - 1;
    return DACC_OK;
}

/* A proof file. A tlog-proof points into its text: with keep, *keep gets
 * the text (the caller frees it after using p); without, the text is freed
 * and p's checkpoint and extra are cleared rather than left dangling. */
static dacc_status read_proof(const char *path, dacc_tlog_proof *p, char **keep, dacc_error *err)
{
    char *text;
    size_t len;
    dacc_status st = dacc_file_read(path, 1 << 16, &text, &len, err);
    if (st != DACC_OK)
        return st;
    st = dacc_tlog_proof_parse(path, text, len, p, err);
    if (keep != NULL && st == DACC_OK) {
        *keep = text;
        return DACC_OK;
    }
    free(text);
    p->checkpoint = p->extra = NULL;
    p->checkpoint_len = p->extra_len = 0;
    return st;
}

/* The proof of kind for a (index or old size) in the tree of cp, built
 * from the log src rather than read from a file. */
static dacc_status proof_from(log_source *src, const dacc_tlog_checkpoint *cp, int consistency,
                              uint64_t a, dacc_tlog_proof *p, dacc_error *err)
{
    memset(p, 0, sizeof *p);
    p->consistency = consistency != 0;
    p->a = a;
    p->size = cp->size;
    if (cp->size != src->cp.size || memcmp(cp->root, src->cp.root, HB) != 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "%s holds another tree than the checkpoint",
                              src->dir);
    if (consistency ? (a == 0 || a > cp->size) : a >= cp->size)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "%s %" PRIu64 " is outside the tree of size %" PRIu64,
                              consistency ? "old size" : "index", a, cp->size);
    dacc_status st = consistency
                         ? dacc_tlog_prove_consistency(source_hash_fn(src), source_hash_ctx(src), a,
                                                       p->size, p->hash, &p->n)
                         : dacc_tlog_prove_inclusion(source_hash_fn(src), source_hash_ctx(src), a,
                                                     p->size, p->hash, &p->n);
    return st == DACC_OK ? DACC_OK : source_hash_failed(src, st, err);
}

/* old -> new: refuses a rollback, a fork at one size, or a bad proof (from
 * proof_path, or built from src). */
static dacc_status check_newer(const dacc_tlog_checkpoint *old, const dacc_tlog_checkpoint *cp,
                               const char *proof_path, log_source *src, dacc_error *err)
{
    dacc_tlog_proof p;
    int have = proof_path != NULL || (src != NULL && cp->size > old->size);
    dacc_status st = DACC_OK;
    if (proof_path != NULL && cp->size > old->size)
        st = read_proof(proof_path, &p, NULL, err);
    else if (have && cp->size > old->size)
        st = proof_from(src, cp, 1, old->size, &p, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_follows(old, cp, have ? &p : NULL, err);
    if (st != DACC_OK && proof_path != NULL && st != DACC_ERR_STATE)
        dacc_error_prefix(err, "%s: ", proof_path);
    return st;
}

/* A tlog-proof's own checkpoint must be the one verified. */
static dacc_status same_checkpoint(const dacc_tlog_proof *p, const char *proof_path,
                                   const dacc_tlog_note *checked, dacc_error *err)
{
    dacc_tlog_note n;
    dacc_status st = dacc_tlog_note_parse(p->checkpoint, p->checkpoint_len, &n, err);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "%s: its checkpoint: ", proof_path);
        return st;
    }
    if (n.text_len != checked->text_len || memcmp(n.text, checked->text, n.text_len) != 0)
        return dacc_error_at(err, DACC_ERR_INVALID, proof_path, 0, 0,
                             "its checkpoint is not the checkpoint being verified");
    return DACC_OK;
}

static dacc_status check_inclusion(const note_file *nf, const char *proof_path, log_source *src,
                                   uint64_t index, const char *entry_path, dacc_error *err)
{
    const dacc_tlog_checkpoint *cp = &nf->cp;
    dacc_tlog_proof p;
    char *entry, *text = NULL;
    size_t len;
    dacc_status st = proof_path ? read_proof(proof_path, &p, &text, err)
                                : proof_from(src, cp, 0, index, &p, err);
    if (st != DACC_OK)
        return st;
    if (proof_path == NULL)
        proof_path = src->dir;
    if (p.consistency || p.size != cp->size)
        st = dacc_error_at(err, DACC_ERR_INVALID, proof_path, 0, 0,
                           "not an inclusion proof for size %" PRIu64, cp->size);
    else if (p.format == DACC_TLOG_PROOF_C2SP)
        st = same_checkpoint(&p, proof_path, &nf->note, err);
    free(text);
    if (st != DACC_OK)
        return st;
    if ((st = dacc_file_read(entry_path, DACC_TLOG_ENTRY_MAX, &entry, &len, err)) != DACC_OK)
        return st;
    uint8_t leaf[HB];
    dacc_tlog_leaf_hash(entry, len, leaf);
    free(entry);
    st = dacc_tlog_verify_inclusion(leaf, p.a, p.size, (const uint8_t(*)[HB])p.hash, p.n, cp->root);
    return st == DACC_OK
               ? DACC_OK
               : dacc_error_at(err, st, proof_path, 0, 0, "%s",
                               st == DACC_ERR_PARSE ? "wrong number of hashes for the size"
                                                    : "the entry is not in the tree");
}

typedef struct {
    const char *key, *old, *consistency, *inclusion, *entry, *checkpoint;
    uint64_t index;
    int has_index;
    const char *witness[MAX_WITNESSES];
    size_t nwitness;
    uint64_t quorum;
    int note_only;
} verify_opts;

static int parse_verify(int argc, char **argv, verify_opts *o)
{
    static const char prog[] = "dacc log verify";
    memset(o, 0, sizeof *o);
    int ch, rc;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_log, "verify", argc, argv);
    while ((ch = cli_next(&p)) > 0) {
        switch (ch) {
        case 'k':
            o->key = optarg;
            break;
        case 'w':
            if (o->nwitness == MAX_WITNESSES)
                return cli_usage(prog, "at most %d witnesses", MAX_WITNESSES);
            o->witness[o->nwitness++] = optarg;
            break;
        case 'q':
            if ((rc = cli_opt_u64(prog, "--quorum", optarg, 0, MAX_WITNESSES, &o->quorum)))
                return rc;
            break;
        case 'O':
            o->old = optarg;
            break;
        case 'C':
            o->consistency = optarg;
            break;
        case 'I':
            o->inclusion = optarg;
            break;
        case 'E':
            o->entry = optarg;
            break;
        case 'N':
            o->note_only = 1;
            break;
        case 'X':
            if ((rc = cli_opt_u64(prog, "--index", optarg, 0, INT64_MAX, &o->index)))
                return rc;
            o->has_index = 1;
            break;
        }
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
    if (o->key == NULL || argc - optind > 1 || (argc - optind == 0 && o->inclusion == NULL))
        return cli_usage(prog, "expected --key FILE and a CHECKPOINT, a DIR, or --inclusion");
    if (o->inclusion != NULL && o->has_index)
        return cli_usage(prog, "--inclusion or --index, not both");
    if ((o->inclusion == NULL && !o->has_index) != (o->entry == NULL))
        return cli_usage(prog, "--entry goes with --inclusion or --index");
    if (o->consistency != NULL && o->old == NULL)
        return cli_usage(prog, "--consistency needs --old");
    if (o->quorum > o->nwitness)
        return cli_usage(prog, "--quorum %" PRIu64 " with only %zu witnesses", o->quorum,
                         o->nwitness);
    o->checkpoint = optind < argc ? argv[optind] : NULL;
    return CLI_OK;
}

static int is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* nf gets a copy of note as if read from name. */
static dacc_status note_from(const char *name, const char *note, size_t len, int checkpoint,
                             note_file *nf, dacc_error *err)
{
    nf->text = malloc(len + 1);
    if (nf->text == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    memcpy(nf->text, note, len);
    nf->len = len;
    dacc_status st = dacc_tlog_note_parse(nf->text, nf->len, &nf->note, err);
    if (st == DACC_OK && checkpoint)
        st = dacc_tlog_checkpoint_parse(nf->note.text, nf->note.text_len, &nf->cp, err);
    if (st != DACC_OK)
        dacc_error_prefix(err, "%s: ", name);
    return st;
}

/* The checkpoint to verify: a file, a directory's latest (src is then
 * open), or the one inside a tlog-proof. *name names it in messages. */
static dacc_status load_checkpoint(const verify_opts *o, note_file *nf, log_source *src,
                                   int *src_open, const char **name, dacc_error *err)
{
    *name = o->checkpoint;
    if (o->checkpoint != NULL && !is_dir(o->checkpoint)) {
        if (o->has_index)
            return dacc_error_set(err, DACC_ERR_INVALID,
                                  "--index needs a DIR to build the proof from");
        return read_note(o->checkpoint, !o->note_only, nf, err);
    }
    if (o->checkpoint != NULL) {
        dacc_status st = source_open(o->checkpoint, NULL, src, err);
        if (st != DACC_OK)
            return st;
        *src_open = 1;
        return note_from(o->checkpoint, src->note, src->note_len, !o->note_only, nf, err);
    }
    dacc_tlog_proof p;
    char *text = NULL;
    dacc_status st = read_proof(o->inclusion, &p, &text, err);
    if (st == DACC_OK && p.format != DACC_TLOG_PROOF_C2SP)
        st = dacc_error_at(err, DACC_ERR_INVALID, o->inclusion, 0, 0,
                           "a dacc-proof/v1 proof carries no checkpoint: give the CHECKPOINT");
    *name = o->inclusion;
    if (st == DACC_OK)
        st = note_from(o->inclusion, p.checkpoint, p.checkpoint_len, 1, nf, err);
    free(text);
    return st;
}

static dacc_status run_verify(const verify_opts *o, dacc_error *err)
{
    dacc_tlog_verifier known[1 + MAX_WITNESSES];
    dacc_status st = load_verifier(o->key, &known[0], err);
    for (size_t i = 0; i < o->nwitness && st == DACC_OK; i++)
        st = load_verifier(o->witness[i], &known[1 + i], err);
    note_file nf = { 0 }, old = { 0 };
    log_source src;
    int src_open = 0;
    const char *name = o->checkpoint;
    size_t witnesses = 0, ow;
    if (st == DACC_OK)
        st = load_checkpoint(o, &nf, &src, &src_open, &name, err);
    if (st == DACC_OK)
        st = check_signed(&nf, name, known, 1 + o->nwitness, &witnesses, err);
    if (st == DACC_OK && witnesses < o->quorum)
        st = dacc_error_at(err, DACC_ERR_VERIFY, name, 0, 0,
                           "%zu witness cosignatures, %" PRIu64 " required", witnesses, o->quorum);
    if (st == DACC_OK && o->note_only)
        printf("note signed by %s and %zu witnesses\n", known[0].name, witnesses);
    if (st == DACC_OK && !o->note_only && o->old != NULL) {
        st = read_note(o->old, 1, &old, err);
        if (st == DACC_OK)
            st = check_signed(&old, o->old, known, 1, &ow, err);
        if (st == DACC_OK)
            st = check_newer(&old.cp, &nf.cp, o->consistency, src_open ? &src : NULL, err);
    }
    if (st == DACC_OK && !o->note_only && o->entry != NULL)
        st = check_inclusion(&nf, o->inclusion, src_open ? &src : NULL, o->index, o->entry, err);
    if (st == DACC_OK && !o->note_only) {
        printf("checkpoint verified: %s, size %" PRIu64 ", %zu witness cosignature%s\n",
               nf.cp.origin, nf.cp.size, witnesses, witnesses == 1 ? "" : "s");
        if (o->old != NULL)
            printf("consistent with the checkpoint of size %" PRIu64 "\n", old.cp.size);
        if (o->entry != NULL)
            printf("entry %s is included\n", o->entry);
    }
    if (src_open)
        source_close(&src);
    free(nf.text);
    free(old.text);
    return st;
}

int cmd_log_verify(int argc, char **argv)
{
    verify_opts o;
    int rc = parse_verify(argc, argv, &o);
    if (rc < 0)
        return CLI_OK;
    if (rc != CLI_OK)
        return rc;
    dacc_error err;
    return run_verify(&o, &err) == DACC_OK ? CLI_OK : cli_fail("dacc log verify", &err);
}

/* ---- cosign ---- */

/* STATE.lock, taken exclusively: the descriptor to close, or -1. */
static int lock_state(const char *state, dacc_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s.lock", state);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "cannot lock: %s", strerror(errno));
            close(fd);
            return -1;
        }
    }
    return fd;
}

/* The state's checkpoint text (*text NULL when there is no state yet). */
static dacc_status read_state(const char *state, char **text, size_t *len, dacc_error *err)
{
    *text = NULL;
    *len = 0;
    if (access(state, F_OK) != 0 && errno == ENOENT)
        return DACC_OK;
    return dacc_file_read(state, 1 << 16, text, len, err);
}

/* note and its cosignature line, atomically to out. */
static dacc_status publish(const char *out, const char *note, size_t len, const char *line,
                           dacc_error *err)
{
    size_t ll = strlen(line);
    char *full = malloc(len + ll);
    if (full == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    memcpy(full, note, len);
    memcpy(full + len, line, ll);
    dacc_status st = dacc_file_write(out, full, len + ll, err);
    free(full);
    return st;
}

/* Under the lock: the decision, then the state, then the output. */
static dacc_status decide_and_write(const witness_opts *o, const char *note, size_t len,
                                    const dacc_tlog_note *n, witness_proof_fn proof, void *ctx,
                                    const char *out, witness_result *r, dacc_error *err)
{
    char *old = NULL, line[DACC_TLOG_KEY_TEXT_MAX];
    size_t old_len;
    const dacc_tlog_proof *p = NULL;
    dacc_status st = read_state(o->state, &old, &old_len, err);
    if (st == DACC_OK && old != NULL &&
        (st = dacc_tlog_checkpoint_parse(old, old_len, &r->old, err)) != DACC_OK)
        dacc_error_prefix(err, "%s: ", o->state);
    r->had_state = st == DACC_OK && old != NULL;
    r->old.ext = NULL;
    r->old.ext_len = 0;
    if (st != DACC_OK) {
        free(old);
        return st;
    }
    if (o->skip_same && r->had_state && r->old.size == r->cp.size &&
        memcmp(r->old.root, r->cp.root, HB) == 0 && strcmp(r->old.origin, r->cp.origin) == 0) {
        free(old);
        r->outcome = WITNESS_UNCHANGED;
        return DACC_OK;
    }
    if (r->had_state && r->cp.size > r->old.size && r->old.size > 0 &&
        (st = proof(ctx, r->old.size, &p, err)) != DACC_OK) {
        free(old);
        r->outcome = WITNESS_NO_PROOF;
        return st;
    }
    r->outcome = WITNESS_REFUSED;
    st = dacc_tlog_witness_cosign(o->key, o->log_key, old, old_len, note, len, p, o->time, line,
                                  err);
    free(old);
    if (st != DACC_OK)
        return st;
    r->outcome = WITNESS_FAILED;
    /* durable before the cosignature exists anywhere: a crash between the
     * two loses a cosignature, never lets a second one contradict it */
    if ((st = dacc_file_write(o->state, n->text, n->text_len, err)) != DACC_OK)
        return st;
    if ((st = publish(out, note, len, line, err)) != DACC_OK)
        return st;
    r->outcome = WITNESS_COSIGNED;
    return DACC_OK;
}

dacc_status witness_cosign_note(const witness_opts *o, const char *note, size_t len,
                                witness_proof_fn proof, void *ctx, const char *out,
                                witness_result *r, dacc_error *err)
{
    dacc_tlog_note n;
    memset(r, 0, sizeof *r);
    r->outcome = WITNESS_REFUSED;
    dacc_status st = dacc_tlog_note_parse(note, len, &n, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(n.text, n.text_len, &r->cp, err);
    if (st != DACC_OK)
        return st;
    r->outcome = WITNESS_FAILED;
    int fd = lock_state(o->state, err);
    if (fd < 0)
        return DACC_ERR_IO;
    st = decide_and_write(o, note, len, &n, proof, ctx, out, r, err);
    close(fd);
    return st;
}

/* dacc log cosign's proof: the --proof file, read before (or none). */
static dacc_status given_proof(void *ctx, uint64_t old, const dacc_tlog_proof **proof,
                               dacc_error *err)
{
    (void)old;
    (void)err;
    *proof = ctx;
    return DACC_OK;
}

static dacc_status cosign_run(const char *key, const char *log_key, const char *state,
                              const char *proof, uint64_t t, const char *out, const char *path,
                              dacc_error *err)
{
    dacc_tlog_signer w;
    dacc_tlog_verifier lv;
    dacc_tlog_proof p;
    witness_result r;
    char *note = NULL;
    size_t len = 0;
    dacc_status st = load_signer(key, &w, err);
    if (st == DACC_OK)
        st = load_verifier(log_key, &lv, err);
    if (st == DACC_OK)
        st = dacc_file_read(path, 1 << 20, &note, &len, err);
    if (st == DACC_OK && proof != NULL)
        st = read_proof(proof, &p, NULL, err);
    if (st == DACC_OK) {
        witness_opts o = { .key = &w, .log_key = &lv, .state = state, .time = t };
        st = witness_cosign_note(&o, note, len, given_proof, proof ? &p : NULL, out, &r, err);
    }
    if (st != DACC_OK)
        dacc_error_prefix(err, "%s: ", path);
    sodium_memzero(&w, sizeof w);
    free(note);
    return st;
}

int cmd_log_cosign(int argc, char **argv)
{
    static const char prog[] = "dacc log cosign";
    const char *key = NULL, *log_key = NULL, *state = NULL, *proof = NULL, *out = "-";
    uint64_t t = (uint64_t)time(NULL);
    int ch, rc;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_log, "cosign", argc, argv);
    while ((ch = cli_next(&p)) > 0) {
        switch (ch) {
        case 'k':
            key = optarg;
            break;
        case 'l':
            log_key = optarg;
            break;
        case 's':
            state = optarg;
            break;
        case 'p':
            proof = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 't':
            if ((rc = cli_opt_u64(prog, "--time", optarg, 0, INT64_MAX, &t)))
                return rc;
            break;
        }
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    if (key == NULL || log_key == NULL || state == NULL || argc - optind != 1)
        return cli_usage(prog, "expected --key, --log-key, --state and a CHECKPOINT");
    /* the state is read and written by design; the cosigned note must not
     * replace the key, the checkpoint or a proof */
    const char *outs[] = { out };
    if ((rc = cli_outputs_distinct(prog, argc, argv, outs, 1, NULL, 0)) != CLI_OK)
        return rc;
    dacc_error err;
    return cosign_run(key, log_key, state, proof, t, out, argv[optind], &err) == DACC_OK
               ? CLI_OK
               : cli_fail(prog, &err);
}
