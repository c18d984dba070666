/* dacc registry: liability records (docs/registry.md). This file holds the
 * model commands (hash, release, verify-model), the record signers and the
 * bundle verifier; registry_model.c walks and hashes model directories. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/file.h"
#include "registry_cli.h"
#include "round_cli.h"
#include "spec.h"

#define MAX_IGNORE 256
#define INPUT_MAX  (32u << 20)

static const char *const git_paths[] = { ".git", ".gitattributes", ".github", ".gitignore" };

typedef struct {
    registry_model_opts m;
    const char *ignore[MAX_IGNORE];
    unsigned threads;
    const char *out, *key, *predicate, *bundle, *subject, *name, *pubkey, *trusted, *log;
    int digest_only, quiet;
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

/* The options of subcommand sub (declared in registry_opts below);
 * positional arguments are left in argv[optind..]. Returns CLI_OK,
 * CLI_USAGE, or -1 once help is printed. */
static int parse(const char *sub, int argc, char **argv, reg_opts *o)
{
    memset(o, 0, sizeof *o);
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_registry, sub, argc, argv);
    const char *prog = cli_prog(&p);
    int git = 1, c;
    uint64_t v;
    while ((c = cli_next(&p)) > 0) {
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
        case CLI_KEY_QUIET:
            o->quiet = 1;
            break;
        }
        if (rc != CLI_OK)
            return rc;
    }
    if (c < 0)
        return c == CLI_NEXT_HELP ? -1 : CLI_USAGE;
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
    dacc_progress *pr = o->quiet ? NULL : dacc_progress_new(stderr);
    s = registry_model_hash(dir, &m, o->threads, pr, err);
    dacc_progress_free(pr);
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

static int cmd_hash(int argc, char **argv)
{
    const char *prog = "dacc registry hash";
    reg_opts o;
    int rc = parse("hash", argc, argv, &o);
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
        if (s != DACC_OK)
            return cli_fail(prog, &err);
        cli_wrote(prog, o.quiet, "manifest digest", o.out);
        return CLI_OK;
    }
    rc = emit_json(o.out, st, &err) ? cli_fail(prog, &err) : CLI_OK;
    if (rc == CLI_OK)
        cli_wrote(prog, o.quiet, "manifest statement", o.out);
    json_decref(st);
    return rc;
}

static dacc_status read_file(const char *path, char **data, size_t *len, dacc_error *err)
{
    return dacc_file_read(path, INPUT_MAX, data, len, err);
}

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
    if (s == DACC_OK) {
        dacc_progress *pr = o->quiet ? NULL : dacc_progress_new(stderr);
        s = registry_model_hash(dir, &m, o->threads, pr, err);
        dacc_progress_free(pr);
    }
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
    int rc = parse("verify-model", argc, argv, &o);
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

static int sign_kind(const char *sub, dacc_registry_kind kind, const char *dflt_name, int argc,
                     char **argv)
{
    char prog[64];
    snprintf(prog, sizeof prog, "dacc registry %s", sub);
    reg_opts o;
    int rc = parse(sub, argc, argv, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (optind != argc)
        return cli_usage(prog, "unexpected argument '%s'", argv[optind]);
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
    if (s == DACC_OK)
        cli_wrote(prog, o.quiet, "envelope", o.out);
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
    return sign_kind("deploy", DACC_REGISTRY_DEPLOYMENT, "model", argc, argv);
}
static int cmd_incident(int argc, char **argv)
{
    return sign_kind("incident", DACC_REGISTRY_INCIDENT, "deployment", argc, argv);
}
static int cmd_claim(int argc, char **argv)
{
    return sign_kind("claim", DACC_REGISTRY_CLAIM, "incident", argc, argv);
}
static int cmd_determine(int argc, char **argv)
{
    return sign_kind("determine", DACC_REGISTRY_DETERMINATION, "claim", argc, argv);
}
static int cmd_supersede(int argc, char **argv)
{
    return sign_kind("supersede", DACC_REGISTRY_SUPERSEDE, "record", argc, argv);
}

static int cmd_release(int argc, char **argv)
{
    const char *prog = "dacc registry release";
    reg_opts o;
    int rc = parse("release", argc, argv, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (optind != argc - 1)
        return cli_usage(prog, "expected one model directory");
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
    if (s == DACC_OK) {
        cli_wrote(prog, o.quiet, "model-signing bundle", o.bundle);
        cli_wrote(prog, o.quiet, "release record", o.out);
    }
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

static int cmd_verify(int argc, char **argv)
{
    const char *prog = "dacc registry verify";
    reg_opts o;
    int rc = parse("verify", argc, argv, &o);
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

/* ---- the declaration ----------------------------------------------------------- */

#define MODEL_SUBS "hash,release"
#define SIGN_SUBS  "deploy,incident,claim,determine,supersede"

static const cli_opt registry_opts[] = {
    { "ignore", 'i', "PATH", 'i', NULL,
      "leave PATH (relative to DIR; a directory: everything below it) out of the manifest; .git, "
      ".gitattributes, .github and .gitignore are left out too unless --no-git-ignore",
      MODEL_SUBS, CLI_REPEAT, NULL },
    { "no-git-ignore", 0, NULL, OPT_NOGIT, NULL,
      "hash .git, .gitattributes, .github and .gitignore like any other file", MODEL_SUBS, 0,
      NULL },
    { "shard-size", 0, "N", OPT_SHARD, NULL,
      "serialize by shards of N bytes (method \"shards\", each named path:start:end) instead of "
      "whole files",
      MODEL_SUBS, 0, NULL },
    { "allow-symlinks", 0, NULL, OPT_SYMLINKS, NULL,
      "hash the targets of symbolic links (a link is refused otherwise; a linked directory is "
      "not walked)",
      MODEL_SUBS, 0, NULL },
    { "digest", 0, NULL, OPT_DIGEST, NULL, "print only the manifest digest (64 hex digits)", "hash",
      0, NULL },
    { "threads", 'j', "N", 'j', "one per core", "hashing threads, 1 to 64",
      MODEL_SUBS ",verify-model", 0, NULL },
    { "key", 'k', "KEY", 'k', NULL, "the signer's Ed25519 key file (dacc log keygen)",
      "release," SIGN_SUBS, CLI_REQ_ALL, NULL },
    { "predicate", 'p', "FILE", 'p', NULL,
      "the record's predicate, a JSON object (docs/registry.md lists its fields; the author's key "
      "field is filled in from KEY when absent)",
      "release," SIGN_SUBS, CLI_REQ_ALL, NULL },
    { "bundle", 'b', "OUT", 'b', NULL,
      "write the signed model-signing statement to OUT as a Sigstore bundle v0.3 (what "
      "model-signing tools read); left out of the manifest when it lies in DIR",
      "release", CLI_REQ_ALL, NULL },
    { "subject", 's', "DIGEST", 's', NULL,
      "what the record concerns, 64 hex digits: the model's manifest digest for deploy, the "
      "record's digest for the others",
      SIGN_SUBS, CLI_REQ_ALL, NULL },
    { "name", 'n', "NAME", 'n', NULL,
      "the subject's name in the statement (default: what DIGEST names: model, deployment, "
      "incident, claim or record)",
      SIGN_SUBS, 0, NULL },
    { "output", 'o', "FILE", 'o', NULL,
      "write the record's envelope to FILE, atomically (default: standard output, or nothing "
      "when --log is given alone)",
      "release," SIGN_SUBS, 0, NULL },
    CLI_OPT_OUTPUT("hash,trace"),
    { "log", 'l', "DIR", 'l', NULL,
      "log the record too in DIR (made by dacc log init): its leaf appended to DIR/log.db with a "
      "new signed checkpoint, its envelope kept in DIR/registry/",
      "release," SIGN_SUBS, 0, NULL },
    { "log", 'l', "DIR", 'l', NULL, "the log directory holding the records (made by dacc log init)",
      "trace,redact", CLI_REQ_ALL, NULL },
    { "public-key", 'P', "PEM", 'P', NULL,
      "the signer's public key, PEM: ECDSA P-256/P-384 or Ed25519", "verify", 0, NULL },
    { "public-key", 'P', "PEM", 'P', "the Ed25519 key a dacc bundle names as its keyid",
      "the signer's public key, PEM: ECDSA P-256/P-384 or Ed25519", "verify-model", 0, NULL },
    { "trusted-root", 0, "JSON", OPT_TRUSTED, NULL,
      "a Sigstore trusted root: verify the bundle's Rekor v2 entry against the logs it lists",
      "verify", 0, NULL },
    CLI_OPT_FORMAT("trace", "text json svg"),
    { "claim-days", 0, "N", 'c', "90",
      "flag a claim with no determination N days after it was filed (claim-undetermined)", "trace",
      0, NULL },
    { "now", 0, "TIME", 'N', "the clock",
      "count those days up to TIME, an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)", "trace", 0,
      NULL },
    { "checkpoint", 0, "FILE", 'C', "the log's latest",
      "prove every hop against the checkpoint in FILE (a witness's cosigned note, whose root must "
      "be the log's at its size)",
      "trace", 0, NULL },
    { "witness", 0, "VKEY", 'w', NULL,
      "a witness's cosignature key (dacc log keygen --cosign) that must have cosigned the "
      "checkpoint; up to 8",
      "trace", CLI_REPEAT, NULL },
    CLI_OPT_QUIET("hash,release," SIGN_SUBS ",trace"),
};

#define SIGN_TEXT(what, subject)                                                                   \
    "Sign " what ". Its in-toto statement v1 has for subject\n"                                    \
    "DIGEST (" subject ") and for predicate FILE;\n"                                               \
    "its DSSE envelope is signed with KEY (Ed25519) and written to --output, and\n"                \
    "its record digest (with the log index under --log) to standard error:\n"                      \
    "\"KIND DIGEST [logged at N]\"."

static const cli_sub registry_subs[] = {
    { "hash", "the model-signing manifest of a model directory", "DIR",
      "The model-signing v1.0 manifest of the model at DIR (a directory or one file),\n"
      "as an unsigned in-toto statement: every regular file (or shard) hashed with\n"
      "SHA-256 in parallel, largest first, each streamed in 1 MiB blocks, and the\n"
      "manifest digest over them. Sockets and devices are refused.",
      cmd_hash },
    { "release", "hash, sign and bundle a model; sign its release record", "DIR",
      "Release the model at DIR: hash it (as dacc registry hash), sign its\n"
      "model-signing v1.0 statement with KEY and write it as a Sigstore bundle v0.3\n"
      "to --bundle OUT; then sign dacc's release predicate (FILE; developer and\n"
      "model_signing filled in) over the same manifest digest and write its envelope\n"
      "to --output. Both files are written as one set: both appear or neither. With\n"
      "--log both records are logged, and their digests and indices printed on\n"
      "standard error.",
      cmd_release },
    { "deploy", "sign a deployment record", "",
      SIGN_TEXT("a deployment record", "the model's manifest digest"), cmd_deploy },
    { "incident", "sign an incident record", "",
      SIGN_TEXT("an incident record", "the deployment's record digest"), cmd_incident },
    { "claim", "sign a claim record", "",
      SIGN_TEXT("a claim record", "the incident's record digest"), cmd_claim },
    { "determine", "sign a determination (liability in exact shares)", "",
      SIGN_TEXT("a determination", "the claim's record digest") "\n"
                                                                "Its shares are amounts in "
                                                                "integer base units summing "
                                                                "exactly to its total.",
      cmd_determine },
    { "supersede", "sign a record superseding another", "",
      SIGN_TEXT("a supersede record", "the digest of the record superseded"), cmd_supersede },
    { "verify", "verify a record, a model-signing bundle or a Rekor v2 entry", "FILE",
      "Verify FILE offline. With --public-key: a model-signing bundle (Sigstore bundle\n"
      "v0.3), its signature over the statement. With --trusted-root: a bundle with a\n"
      "Rekor v2 entry: the signature by the certificate's key, the entry body, the\n"
      "inclusion proof and the checkpoint's signature by a log of the trusted root\n"
      "(the certificate's chain to Fulcio is not checked). Without either: a dacc\n"
      "record (an envelope), its statement and its author's signature; its kind and\n"
      "digest are printed.",
      cmd_verify },
    { "verify-model", "check a model directory against a bundle", "DIR BUNDLE",
      "Check the model at DIR against a model-signing bundle: the signature, the\n"
      "manifest digest and every file, hashed with the serialization the bundle signs\n"
      "(its shards, symbolic links and ignore paths; the bundle itself is left out\n"
      "when it lies in DIR). A changed, missing or extra file is refused, naming it.",
      cmd_verify_model },
    { "trace", "the accountability trace of a model or record, with proofs and flags", "DIGEST",
      "The accountability trace of a model (its manifest digest) or of a record in the\n"
      "log at DIR: its releases and fine-tunes, deployments, incidents, claims,\n"
      "determinations and supersedes, each with an inclusion proof verified against\n"
      "the log's checkpoint (signed by DIR/log.pub), and the flags unreleased-model,\n"
      "developer-key-changed, late-incident (the AI Act's Art. 73 deadlines),\n"
      "superseded-deployed and claim-undetermined. Log entries that are not registry\n"
      "records are skipped; an erased record shows its kind, signer and subjects.",
      cmd_registry_trace },
    { "redact", "erase a logged record's payload; its leaf and proofs stay", "DIGEST",
      "Erase the envelope of record DIGEST kept beside the log,\n"
      "DIR/registry/DIGEST.dsse (an erasure request). The leaf stays: the tree,\n"
      "every checkpoint and every proof still verify, and the trace shows the\n"
      "record's kind, signer and subjects, marked erased.",
      cmd_registry_redact },
};

static const cli_section registry_sections[] = {
    { "DESCRIPTION",
      "Records of who released which model, who deployed it where, what went wrong,\n"
      "who claimed what and what was decided: in\\-toto Statements v1 in DSSE\n"
      "envelopes signed with Ed25519, logged as leaves of a transparency log\n"
      ".RB ( \"dacc log\" ).\n"
      "Every predicate and its fields are in\n"
      ".IR docs/registry.md .\n"
      ".PP\n"
      "Models are hashed as model\\-signing v1.0 manifests, and their bundles (Sigstore\n"
      "bundle v0.3) are the ones model\\-signing tools make and read.\n" },
    { "EXIT STATUS", "0 on success, 1 on a failure (a signature, file or proof that does not\n"
                     "verify, named on standard error), 2 on a usage error.\n" },
    { "EXAMPLES", ".nf\n"
                  "dacc log keygen dev dev\n"
                  "dacc log init \\-\\-origin example.org/registry L\n"
                  "dacc registry release \\-\\-key dev.key \\-\\-predicate rel.json \\e\n"
                  "    \\-\\-bundle model/model.sig \\-\\-log L model\n"
                  "dacc registry verify\\-model model model/model.sig\n"
                  "M=$(dacc registry hash \\-\\-digest \\-\\-ignore model.sig model)\n"
                  "dacc registry deploy \\-\\-key dev.key \\-\\-subject $M \\-\\-predicate "
                  "dep.json \\-\\-log L\n"
                  "dacc registry trace \\-\\-log L $M\n"
                  ".fi\n" },
    { "SEE ALSO", ".BR dacc (1),\n"
                  ".BR dacc\\-log (1),\n"
                  ".BR dacc\\-round (1),\n"
                  ".I docs/registry.md\n" },
};

const cli_spec cli_spec_registry = {
    .name = "registry",
    .summary = "liability records: releases, deployments, incidents, claims, model signing",
    .description = "Liability records: model releases, deployments, incidents, claims,\n"
                   "determinations, as signed in-toto statements (docs/registry.md);\n"
                   "model-signing manifests and bundles.",
    CLI_SUBS(registry_subs),
    CLI_OPTS(registry_opts),
    CLI_SECTIONS(registry_sections),
    .footer = "Exit status: 0 on success, 1 on a failure, 2 on a usage error.\n",
};

int cmd_registry(int argc, char **argv)
{
    return cli_spec_run(&cli_spec_registry, argc, argv);
}
