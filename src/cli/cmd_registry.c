/* dacc registry: liability records (docs/registry.md). This file holds the
 * model commands (hash, release, verify-model), the record signers and the
 * bundle verifier; registry_model.c walks and hashes model directories. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/file.h"
#include "registry_cli.h"
#include "round_cli.h"

#define MAX_IGNORE 256
#define INPUT_MAX  (32u << 20)

static const char about[] =
    "Liability records: model releases, deployments, incidents, claims, determinations,\n"
    "as signed in-toto statements (docs/registry.md); model-signing manifests and bundles.";

static const char *const git_paths[] = { ".git", ".gitattributes", ".github", ".gitignore" };

typedef struct {
    registry_model_opts m;
    const char *ignore[MAX_IGNORE];
    unsigned threads;
    const char *out, *key, *predicate, *bundle, *subject, *name, *pubkey, *trusted, *log;
    int digest_only;
} reg_opts;

static int add_ignore(const char *prog, reg_opts *o, const char *p)
{
    if (o->m.nignore == MAX_IGNORE)
        return cli_usage(prog, "more than %d ignore paths", MAX_IGNORE);
    o->ignore[o->m.nignore++] = p;
    o->m.ignore = o->ignore;
    return CLI_OK;
}

enum { OPT_SHARD = 256, OPT_SYMLINKS, OPT_NOGIT, OPT_DIGEST, OPT_TRUSTED };

/* The options every registry command shares; positional arguments are
 * left in argv[optind..]. */
static int parse(const char *prog, const char *help, int argc, char **argv, reg_opts *o)
{
    static const struct option longs[] = {
        { "ignore", required_argument, NULL, 'i' },
        { "shard-size", required_argument, NULL, OPT_SHARD },
        { "allow-symlinks", no_argument, NULL, OPT_SYMLINKS },
        { "no-git-ignore", no_argument, NULL, OPT_NOGIT },
        { "digest", no_argument, NULL, OPT_DIGEST },
        { "threads", required_argument, NULL, 'j' },
        { "output", required_argument, NULL, 'o' },
        { "key", required_argument, NULL, 'k' },
        { "predicate", required_argument, NULL, 'p' },
        { "bundle", required_argument, NULL, 'b' },
        { "subject", required_argument, NULL, 's' },
        { "name", required_argument, NULL, 'n' },
        { "public-key", required_argument, NULL, 'P' },
        { "trusted-root", required_argument, NULL, OPT_TRUSTED },
        { "log", required_argument, NULL, 'l' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    memset(o, 0, sizeof *o);
    int git = 1, c;
    uint64_t v;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "i:j:o:k:p:b:s:n:P:l:h", longs, NULL)) != -1) {
        int rc = CLI_OK;
        switch (c) {
        case 'i':
            rc = add_ignore(prog, o, optarg);
            break;
        case OPT_SHARD:
            rc = cli_opt_u64(prog, "--shard-size", optarg, 1, UINT64_C(1) << 40, &v);
            o->m.shards = 1;
            o->m.shard_size = v;
            break;
        case OPT_SYMLINKS:
            o->m.allow_symlinks = 1;
            break;
        case OPT_NOGIT:
            git = 0;
            break;
        case OPT_DIGEST:
            o->digest_only = 1;
            break;
        case 'j':
            rc = cli_opt_u64(prog, "--threads", optarg, 1, 64, &v);
            o->threads = (unsigned)v;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'k':
            o->key = optarg;
            break;
        case 'p':
            o->predicate = optarg;
            break;
        case 'b':
            o->bundle = optarg;
            break;
        case 's':
            o->subject = optarg;
            break;
        case 'n':
            o->name = optarg;
            break;
        case 'P':
            o->pubkey = optarg;
            break;
        case OPT_TRUSTED:
            o->trusted = optarg;
            break;
        case 'l':
            o->log = optarg;
            break;
        case 'h':
            return cli_help(help) == CLI_OK ? -1 : CLI_FAIL;
        default:
            return cli_usage(prog, "unknown option");
        }
        if (rc != CLI_OK)
            return rc;
    }
    for (size_t i = 0; git && i < sizeof git_paths / sizeof *git_paths; i++)
        if (add_ignore(prog, o, git_paths[i]) != CLI_OK)
            return CLI_USAGE;
    return CLI_OK;
}

/* The base name of a model path, as model-signing names its subject. */
static const char *model_name(const char *path, char *buf, size_t cap)
{
    char *real = realpath(path, NULL);
    const char *p = real != NULL ? real : path;
    const char *slash = strrchr(p, '/');
    snprintf(buf, cap, "%s", slash != NULL && slash[1] ? slash + 1 : p);
    free(real);
    return buf;
}

static int write_text(FILE *fp, void *ctx)
{
    const dacc_buf *b = ctx;
    return fwrite(b->data, 1, b->len, fp) != b->len;
}

static int emit_json(const char *path, const json_t *v, dacc_error *err)
{
    char *text = json_dumps(v, DACC_JSON_PRETTY);
    if (text == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "writing JSON") != DACC_OK;
    dacc_buf b = { .data = text, .len = strlen(text) };
    dacc_buf out;
    dacc_buf_init(&out, 0);
    dacc_status st = dacc_buf_append(&out, b.data, b.len);
    if (st == DACC_OK)
        st = dacc_buf_putc(&out, '\n');
    free(text);
    if (st == DACC_OK)
        st = cli_emit(path ? path : "-", write_text, &out, err);
    else
        dacc_error_set(err, st, "writing JSON");
    dacc_buf_free(&out);
    return st != DACC_OK;
}

/* Lists and hashes the model at dir and builds its model-signing statement. */
static dacc_status manifest_of(const char *dir, const reg_opts *o, json_t **st, dacc_error *err)
{
    registry_model m;
    dacc_status s = registry_model_list(dir, &o->m, &m, err);
    if (s != DACC_OK)
        return s;
    s = registry_model_hash(dir, &m, o->threads, err);
    uint8_t root[32];
    if (s == DACC_OK)
        s = dacc_registry_manifest_sort(m.items, m.n, root, err);
    char name[256];
    dacc_registry_manifest_opts mo = {
        .model_name = model_name(dir, name, sizeof name),
        .shards = o->m.shards,
        .shard_size = o->m.shard_size,
        .allow_symlinks = o->m.allow_symlinks,
        .ignore_paths = o->m.ignore,
        .nignore = o->m.nignore,
    };
    if (s == DACC_OK)
        s = dacc_registry_manifest_statement(&mo, m.items, m.n, st, err);
    registry_model_free(&m);
    return s;
}

static const char hash_help[] =
    "Usage: dacc registry hash [OPTIONS] DIR\n"
    "\n"
    "The model-signing v1.0 manifest of the model at DIR (a directory or one file):\n"
    "every file's SHA-256 (or every shard's, with --shard-size), hashed in parallel and\n"
    "streamed, and the manifest digest over them, as an unsigned in-toto statement.\n"
    "\n"
    "  -i, --ignore PATH     leave PATH (relative to DIR; a directory: all below it) out;\n"
    "                        repeatable; .git, .gitattributes, .github, .gitignore are\n"
    "                        always left out unless --no-git-ignore\n"
    "      --shard-size N    serialize by shards of N bytes (method \"shards\")\n"
    "      --allow-symlinks  hash the targets of symbolic links (refused otherwise)\n"
    "      --digest          print only the manifest digest\n"
    "  -j, --threads N       hashing threads (default: one per core)\n"
    "  -o, --output FILE     write the statement to FILE (default standard output)\n";

static int cmd_hash(int argc, char **argv)
{
    const char *prog = "dacc registry hash";
    reg_opts o;
    int rc = parse(prog, hash_help, argc, argv, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (optind != argc - 1)
        return cli_usage(prog, "expected one model directory");
    json_t *st = NULL;
    dacc_error err;
    if (manifest_of(argv[optind], &o, &st, &err) != DACC_OK)
        return cli_fail(prog, &err);
    if (o.digest_only) {
        const char *d = json_string_value(json_object_get(
            json_object_get(json_array_get(json_object_get(st, "subject"), 0), "digest"),
            "sha256"));
        dacc_buf b;
        dacc_buf_init(&b, 0);
        dacc_buf_printf(&b, "%s\n", d);
        dacc_status s = cli_emit(o.out ? o.out : "-", write_text, &b, &err);
        dacc_buf_free(&b);
        json_decref(st);
        return s == DACC_OK ? CLI_OK : cli_fail(prog, &err);
    }
    rc = emit_json(o.out, st, &err) ? cli_fail(prog, &err) : CLI_OK;
    json_decref(st);
    return rc;
}

static dacc_status read_file(const char *path, char **data, size_t *len, dacc_error *err)
{
    return dacc_file_read(path, INPUT_MAX, data, len, err);
}

static const char verify_model_help[] =
    "Usage: dacc registry verify-model [--public-key PEM] [--allow-symlinks] DIR BUNDLE\n"
    "\n"
    "Checks the model at DIR against a model-signing bundle (Sigstore bundle v0.3):\n"
    "the signature by the public key (PEM; ECDSA P-256/P-384 or Ed25519; default: the\n"
    "Ed25519 key the bundle's envelope names as keyid), the manifest digest, and every\n"
    "file: a changed, missing or extra file (not in the signed ignore paths) is refused,\n"
    "naming the file. The bundle file itself is ignored when it lies in DIR.\n";

static dacc_status bundle_key(const char *pubkey, const char *bundle, size_t blen, char **key,
                              size_t *klen, dacc_error *err)
{
    if (pubkey != NULL)
        return read_file(pubkey, key, klen, err);
    /* A dacc bundle: the Ed25519 key is the envelope's keyid. */
    json_t *b = NULL;
    dacc_status s = dacc_json_load_buffer("bundle", bundle, blen, &b, err);
    if (s != DACC_OK)
        return s;
    const char *kid = json_string_value(json_object_get(
        json_array_get(json_object_get(json_object_get(b, "dsseEnvelope"), "signatures"), 0),
        "keyid"));
    uint8_t pk[32];
    if (kid == NULL || dacc_hex_decode(kid, strlen(kid), pk, 32, NULL) != DACC_OK) {
        json_decref(b);
        return dacc_error_set(err, DACC_ERR_NOTFOUND,
                              "the bundle names no Ed25519 key; give --public-key");
    }
    json_decref(b);
    *key = malloc(DACC_REGISTRY_PEM_MAX);
    if (*key == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "key");
    dacc_registry_ed25519_pem(pk, *key);
    *klen = strlen(*key);
    return DACC_OK;
}

/* The bundle's path relative to dir, when it lies in it. */
static char *relative_to(const char *dir, const char *file)
{
    char *d = realpath(dir, NULL), *f = realpath(file, NULL), *rel = NULL;
    size_t n = d ? strlen(d) : 0;
    if (d && f && strncmp(f, d, n) == 0 && f[n] == '/')
        rel = strdup(f + n + 1);
    free(d);
    free(f);
    return rel;
}

static dacc_status verify_model(const char *dir, const char *bpath, reg_opts *o, dacc_error *err)
{
    char *b = NULL, *k = NULL, *rel = NULL;
    size_t bl, kl;
    json_t *st = NULL;
    registry_model m = { 0 };
    dacc_status s = read_file(bpath, &b, &bl, err);
    if (s == DACC_OK)
        s = bundle_key(o->pubkey, b, bl, &k, &kl, err);
    if (s == DACC_OK)
        s = dacc_registry_bundle_verify(bpath, b, bl, k, kl, &st, err);
    const json_t *ign = NULL;
    if (s == DACC_OK)
        s = dacc_registry_manifest_params(st, &o->m.shards, &o->m.shard_size, &o->m.allow_symlinks,
                                          &ign, err);
    /* The signed ignore paths, and the bundle itself, replace the defaults. */
    if (s == DACC_OK && json_array_size(ign) > MAX_IGNORE - 1)
        s = dacc_error_set(err, DACC_ERR_LIMIT, "%s: more than %d ignore paths", bpath,
                           MAX_IGNORE - 1);
    o->m.nignore = 0;
    for (size_t i = 0; s == DACC_OK && i < json_array_size(ign) && i < MAX_IGNORE - 1; i++)
        o->ignore[o->m.nignore++] = json_string_value(json_array_get(ign, i));
    rel = relative_to(dir, bpath);
    if (rel != NULL)
        o->ignore[o->m.nignore++] = rel;
    o->m.ignore = o->ignore;
    if (s == DACC_OK)
        s = registry_model_list(dir, &o->m, &m, err);
    if (s == DACC_OK)
        s = registry_model_hash(dir, &m, o->threads, err);
    uint8_t root[32];
    if (s == DACC_OK)
        s = dacc_registry_manifest_sort(m.items, m.n, root, err);
    if (s == DACC_OK)
        s = dacc_registry_manifest_compare(st, m.items, m.n, err);
    registry_model_free(&m);
    json_decref(st);
    free(rel);
    free(b);
    free(k);
    return s;
}

static int cmd_verify_model(int argc, char **argv)
{
    const char *prog = "dacc registry verify-model";
    reg_opts o;
    int rc = parse(prog, verify_model_help, argc, argv, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (optind != argc - 2)
        return cli_usage(prog, "expected a model directory and a bundle");
    dacc_error err;
    if (verify_model(argv[optind], argv[optind + 1], &o, &err) != DACC_OK)
        return cli_fail(prog, &err);
    printf("OK: %s matches %s\n", argv[optind], argv[optind + 1]);
    return CLI_OK;
}

/* ---- signing records ---------------------------------------------------------- */

static const char sign_help[] =
    "Usage: dacc registry KIND --key KEY --subject DIGEST [--name NAME] --predicate FILE\n"
    "                          [-o OUT] [--log DIR]\n"
    "KIND: deploy, incident, claim, determine, supersede.\n"
    "\n"
    "Signs a record: an in-toto statement whose subject is DIGEST (64 hex: the model's\n"
    "manifest digest for deploy, the record it concerns for the others) and whose\n"
    "predicate is FILE (JSON, docs/registry.md lists its fields; the author's key field\n"
    "is filled with KEY's public key when absent). Writes the DSSE envelope to OUT\n"
    "(default standard output, none with --log alone) and prints its digest on\n"
    "standard error. With --log DIR (made by dacc log init) the record is logged: its\n"
    "leaf appended to DIR's log, its envelope kept in DIR/registry/.\n";

static dacc_status sign_record(dacc_registry_kind kind, const char *name, const uint8_t subj[32],
                               json_t *pred, const uint8_t sk[64], dacc_buf *out, dacc_error *err)
{
    const char *author = dacc_registry_author_field(kind);
    char pkhex[65];
    dacc_hex_encode(sk + 32, 32, pkhex);
    if (author != NULL && json_object_get(pred, author) == NULL)
        json_object_set_new(pred, author, json_string(pkhex));
    json_t *st = NULL;
    dacc_status s = dacc_registry_statement_new(kind, name, subj, pred, &st, err);
    if (s == DACC_OK)
        s = dacc_registry_sign(st, sk, out, err);
    json_decref(st);
    return s;
}

static int sign_kind(const char *prog, dacc_registry_kind kind, const char *dflt_name, int argc,
                     char **argv)
{
    reg_opts o;
    int rc = parse(prog, sign_help, argc, argv, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (optind != argc || o.key == NULL || o.subject == NULL || o.predicate == NULL)
        return cli_usage(prog, "--key, --subject and --predicate are required");
    uint8_t sk[64], subj[32];
    dacc_error err;
    if (dacc_hex_decode(o.subject, strlen(o.subject), subj, 32, &err) != DACC_OK)
        return cli_usage(prog, "--subject: expected 64 hex digits");
    json_t *pred = NULL;
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_status s = round_load_key(o.key, sk, &err);
    if (s == DACC_OK)
        s = dacc_json_load_file(o.predicate, &pred, &err);
    if (s == DACC_OK)
        s = sign_record(kind, o.name ? o.name : dflt_name, subj, pred, sk, &env, &err);
    sodium_memzero(sk, sizeof sk);
    dacc_registry_record *r = NULL;
    if (s == DACC_OK)
        s = dacc_registry_record_open("record", env.data, env.len, &r, &err);
    if (s == DACC_OK)
        s = dacc_buf_putc(&env, '\n');
    if (s == DACC_OK && (o.out != NULL || o.log == NULL))
        s = cli_emit(o.out ? o.out : "-", write_text, &env, &err);
    uint64_t index = 0;
    if (s == DACC_OK && o.log != NULL)
        s = registry_log_append(o.log, r, &index, &err);
    if (s == DACC_OK) {
        char hex[65];
        fprintf(stderr, "%s %s", dacc_registry_kind_name(kind),
                dacc_hex_encode(dacc_registry_record_digest(r), 32, hex));
        if (o.log != NULL)
            fprintf(stderr, " logged at %llu", (unsigned long long)index);
        fputc('\n', stderr);
    }
    dacc_registry_record_free(r);
    dacc_buf_free(&env);
    json_decref(pred);
    return s == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

static int cmd_deploy(int argc, char **argv)
{
    return sign_kind("dacc registry deploy", DACC_REGISTRY_DEPLOYMENT, "model", argc, argv);
}
static int cmd_incident(int argc, char **argv)
{
    return sign_kind("dacc registry incident", DACC_REGISTRY_INCIDENT, "deployment", argc, argv);
}
static int cmd_claim(int argc, char **argv)
{
    return sign_kind("dacc registry claim", DACC_REGISTRY_CLAIM, "incident", argc, argv);
}
static int cmd_determine(int argc, char **argv)
{
    return sign_kind("dacc registry determine", DACC_REGISTRY_DETERMINATION, "claim", argc, argv);
}
static int cmd_supersede(int argc, char **argv)
{
    return sign_kind("dacc registry supersede", DACC_REGISTRY_SUPERSEDE, "record", argc, argv);
}

static const char release_help[] =
    "Usage: dacc registry release --key KEY --predicate FILE --bundle OUT [-o RECORD]\n"
    "                             [--log DIR] [hash options] MODEL\n"
    "\n"
    "Releases the model at DIR: hashes it (as dacc registry hash), signs its\n"
    "model-signing v1.0 statement with KEY and writes it as a Sigstore bundle v0.3 to\n"
    "OUT (what model-signing tools read), then signs dacc's release predicate (FILE,\n"
    "docs/registry.md; developer and model_signing filled in) over the same manifest\n"
    "digest and writes its envelope to RECORD (default standard output, none with\n"
    "--log alone). With --log DIR both records are logged (see dacc registry deploy).\n";

static int cmd_release(int argc, char **argv)
{
    const char *prog = "dacc registry release";
    reg_opts o;
    int rc = parse(prog, release_help, argc, argv, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (optind != argc - 1 || o.key == NULL || o.predicate == NULL || o.bundle == NULL)
        return cli_usage(prog, "expected DIR, --key, --predicate and --bundle");
    char *rel = relative_to(argv[optind], o.bundle);
    if (rel != NULL && add_ignore(prog, &o, rel) != CLI_OK) {
        free(rel);
        return CLI_USAGE;
    }
    uint8_t sk[64];
    dacc_error err;
    json_t *ms = NULL, *pred = NULL, *bundle = NULL;
    dacc_buf env, rec;
    dacc_buf_init(&env, 0);
    dacc_buf_init(&rec, 0);
    dacc_registry_record *r = NULL;
    dacc_status s = round_load_key(o.key, sk, &err);
    if (s == DACC_OK)
        s = dacc_json_load_file(o.predicate, &pred, &err);
    if (s == DACC_OK)
        s = manifest_of(argv[optind], &o, &ms, &err);
    if (s == DACC_OK)
        s = dacc_registry_sign(ms, sk, &env, &err);
    if (s == DACC_OK)
        s = dacc_registry_record_open("model", env.data, env.len, &r, &err);
    if (s == DACC_OK)
        s = dacc_registry_bundle_new(env.data, env.len, sk + 32, &bundle, &err);
    uint8_t root[32];
    const json_t *subj = json_array_get(json_object_get(ms, "subject"), 0);
    if (s == DACC_OK) {
        char hex[65];
        dacc_hex_decode(
            json_string_value(json_object_get(json_object_get(subj, "digest"), "sha256")), 64, root,
            32, NULL);
        json_object_set_new(pred, "model_signing",
                            json_string(dacc_hex_encode(dacc_registry_record_digest(r), 32, hex)));
        s = sign_record(DACC_REGISTRY_RELEASE, json_string_value(json_object_get(subj, "name")),
                        root, pred, sk, &rec, &err);
    }
    sodium_memzero(sk, sizeof sk);
    char *btext = s == DACC_OK ? json_dumps(bundle, DACC_JSON_PRETTY) : NULL;
    dacc_buf bb = { .data = btext, .len = btext ? strlen(btext) : 0 };
    if (s == DACC_OK && btext == NULL)
        s = dacc_error_set(&err, DACC_ERR_NOMEM, "writing the bundle");
    if (s == DACC_OK)
        s = dacc_buf_putc(&rec, '\n');
    cli_output outs[] = { { o.bundle, write_text, &bb },
                          { o.out ? o.out : "-", write_text, &rec } };
    if (s == DACC_OK)
        s = cli_emit_all(outs, o.out != NULL || o.log == NULL ? 2 : 1, &err);
    dacc_registry_record *rr = NULL;
    uint64_t i1 = 0, i2 = 0;
    if (s == DACC_OK && o.log != NULL)
        s = dacc_registry_record_open("release", rec.data, rec.len, &rr, &err);
    if (s == DACC_OK && o.log != NULL)
        s = registry_log_append(o.log, r, &i1, &err);
    if (s == DACC_OK && o.log != NULL)
        s = registry_log_append(o.log, rr, &i2, &err);
    if (s == DACC_OK && o.log != NULL) {
        char h1[65], h2[65];
        fprintf(stderr, "model %s logged at %llu\nrelease %s logged at %llu\n",
                dacc_hex_encode(dacc_registry_record_digest(r), 32, h1), (unsigned long long)i1,
                dacc_hex_encode(dacc_registry_record_digest(rr), 32, h2), (unsigned long long)i2);
    }
    dacc_registry_record_free(rr);
    free(btext);
    free(rel);
    dacc_registry_record_free(r);
    dacc_buf_free(&env);
    dacc_buf_free(&rec);
    json_decref(ms);
    json_decref(pred);
    json_decref(bundle);
    return s == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- verifying bundles made by others ------------------------------------------ */

static const char verify_help[] =
    "Usage: dacc registry verify (--public-key PEM | --trusted-root JSON) BUNDLE\n"
    "       dacc registry verify RECORD\n"
    "\n"
    "Verifies offline: a model-signing bundle by its public key (ECDSA P-256/P-384 or\n"
    "Ed25519, PEM); a bundle with a Rekor v2 entry against the logs of a Sigstore\n"
    "trusted root (signature by the certificate's key, entry body, inclusion proof,\n"
    "checkpoint signature; the certificate's chain to Fulcio is not checked); or a\n"
    "dacc record (an envelope: its statement and its author's signature).\n";

static int cmd_verify(int argc, char **argv)
{
    const char *prog = "dacc registry verify";
    reg_opts o;
    int rc = parse(prog, verify_help, argc, argv, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (optind != argc - 1)
        return cli_usage(prog, "expected one bundle or record");
    const char *path = argv[optind];
    char *b = NULL, *k = NULL;
    size_t bl, kl;
    dacc_error err;
    dacc_status s = read_file(path, &b, &bl, &err);
    if (s == DACC_OK && o.trusted != NULL) {
        dacc_registry_rekor_key keys[32];
        size_t n = 0;
        s = read_file(o.trusted, &k, &kl, &err);
        if (s == DACC_OK)
            s = dacc_registry_trusted_root(o.trusted, k, kl, keys, 32, &n, &err);
        if (s == DACC_OK)
            s = dacc_registry_rekor_verify(path, b, bl, keys, n, NULL, &err);
    } else if (s == DACC_OK && o.pubkey != NULL) {
        s = read_file(o.pubkey, &k, &kl, &err);
        if (s == DACC_OK)
            s = dacc_registry_bundle_verify(path, b, bl, k, kl, NULL, &err);
    } else if (s == DACC_OK) {
        dacc_registry_record *r = NULL;
        s = dacc_registry_record_open(path, b, bl, &r, &err);
        if (s == DACC_OK) {
            char hex[65];
            printf("%s %s\n", dacc_registry_kind_name(dacc_registry_record_kind(r)),
                   dacc_hex_encode(dacc_registry_record_digest(r), 32, hex));
        }
        dacc_registry_record_free(r);
    }
    free(b);
    free(k);
    if (s != DACC_OK)
        return cli_fail(prog, &err);
    printf("OK: %s verifies\n", path);
    return CLI_OK;
}

int cmd_registry(int argc, char **argv)
{
    static const cli_command cmds[] = {
        { "hash", "the model-signing manifest of a model directory", cmd_hash },
        { "release", "hash, sign and bundle a model; sign its release record", cmd_release },
        { "deploy", "sign a deployment record", cmd_deploy },
        { "incident", "sign an incident record", cmd_incident },
        { "claim", "sign a claim record", cmd_claim },
        { "determine", "sign a determination (liability in exact shares)", cmd_determine },
        { "supersede", "sign a record superseding another", cmd_supersede },
        { "verify", "verify a record, a model-signing bundle or a Rekor v2 entry", cmd_verify },
        { "verify-model", "check a model directory against a bundle", cmd_verify_model },
        { "trace", "the accountability trace of a model or record, with proofs and flags",
          cmd_registry_trace },
        { "redact", "erase a logged record's payload; its leaf and proofs stay",
          cmd_registry_redact },
    };
    return cli_dispatch("dacc registry", about, cmds, sizeof cmds / sizeof *cmds, argc, argv);
}
