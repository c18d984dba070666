/* dacc anon: anonymous one-per-member participation (docs/anon.md). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anon_cli.h"
#include "cli.h"
#include "dacc/anon.h"
#include "dacc/codec.h"
#include "dacc/file.h"
#include "spec.h"

#define MESSAGE_MAX (1u << 26)

static int parse_format(const char *prog, const char *arg, cli_format *f)
{
    *f = CLI_FORMAT_TEXT;
    return arg ? cli_opt_format(prog, arg, CLI_ALLOW_TEXT | CLI_ALLOW_JSON, f) : CLI_OK;
}

/* ---- keygen ---- */

static int keygen_issuers(const char *prog, const char *tv, const char *nv, const char *dir,
                          int quiet)
{
    uint64_t t, n;
    int rc;
    if (!tv || !nv || !dir)
        return cli_usage(prog, "an issuer set needs --issuers T, --of N and --out-dir DIR");
    if ((rc = cli_opt_u64(prog, "--issuers", tv, 1, DACC_ANON_ISSUERS_MAX, &t)) != CLI_OK ||
        (rc = cli_opt_u64(prog, "--of", nv, t, DACC_ANON_ISSUERS_MAX, &n)) != CLI_OK)
        return rc;
    uint8_t k[32], coeffs[DACC_ANON_ISSUERS_MAX * 32], shares[DACC_ANON_ISSUERS_MAX * 32], pk[32];
    char *names[DACC_ANON_ISSUERS_MAX + 1], line[80];
    dacc_buf pub;
    dacc_buf_init(&pub, 0);
    dacc_anon_scalar_random(k);
    for (uint64_t i = 0; i + 1 < t; i++)
        dacc_anon_scalar_random(coeffs + 32 * i);
    dacc_error err;
    dacc_status st = dacc_anon_shamir_split(k, (unsigned)t, (unsigned)n, coeffs, shares, &err);
    if (st == DACC_OK)
        st = dacc_anon_public_key(k, pk, &err);
    sodium_memzero(k, sizeof k);
    sodium_memzero(coeffs, sizeof coeffs);
    dacc_buf_printf(&pub, "# dacc anon issuer set\nthreshold %u\nissuers %u\ngroup %s", (unsigned)t,
                    (unsigned)n, anon_hex_line(pk, 32, line));
    names[0] = "issuers";
    for (uint64_t i = 1; i <= n; i++)
        names[i] = NULL;
    for (uint64_t i = 0; i < n && st == DACC_OK; i++) {
        st = dacc_anon_public_key(shares + 32 * i, pk, &err);
        dacc_buf_printf(&pub, "key %s", anon_hex_line(pk, 32, line));
        char nm[32];
        snprintf(nm, sizeof nm, "share-%u", (unsigned)(i + 1));
        if (!(names[i + 1] = strdup(nm)))
            st = dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
    }
    dacc_dir_out *d = NULL;
    if (st == DACC_OK)
        st = dacc_dir_out_open(dir, (const char *const *)names, (size_t)n + 1, &d, &err);
    for (uint64_t i = 0; i <= n && st == DACC_OK; i++) {
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dacc_dir_out_path(d), names[i]) >=
            sizeof path)
            st = dacc_error_set(&err, DACC_ERR_RANGE, "%s: path too long", dir);
        else if (i == 0)
            st = dacc_file_write(path, pub.data, pub.len, &err);
        else {
            char sl[16 + 66];
            snprintf(sl, sizeof sl, "share %s", anon_hex_line(shares + 32 * (i - 1), 32, line));
            st = anon_write(path, sl, 1, &err);
            sodium_memzero(sl, sizeof sl);
        }
    }
    sodium_memzero(line, sizeof line);
    sodium_memzero(shares, sizeof shares);
    if (st == DACC_OK)
        st = dacc_dir_out_commit(d, &err);
    else
        dacc_dir_out_abort(d);
    for (uint64_t i = 1; i <= n; i++)
        free(names[i]);
    dacc_buf_free(&pub);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    cli_wrote(prog, quiet, "issuer set and key shares", dir);
    return CLI_OK;
}

static int cmd_keygen(int argc, char **argv)
{
    const char *secret = NULL, *public = NULL, *format = NULL, *t = NULL, *n = NULL, *dir = NULL;
    int quiet = 0;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_anon, "keygen", argc, argv);
    int ch;
    while ((ch = cli_next(&p)) > 0)
        switch (ch) {
        case ANON_SECRET:
            secret = optarg;
            break;
        case ANON_PUBLIC:
            public
            = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case ANON_ISSUERS:
            t = optarg;
            break;
        case ANON_OF:
            n = optarg;
            break;
        case CLI_KEY_OUT_DIR:
            dir = optarg;
            break;
        case CLI_KEY_QUIET:
            quiet = 1;
            break;
        }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    const char *prog = cli_prog(&p);
    int rc = anon_no_args(prog, argc, argv);
    if (rc != CLI_OK)
        return rc;
    if (t || n || dir) {
        if (secret || public || format)
            return cli_usage(prog, "--issuers makes an issuer set; --secret a member key");
        return keygen_issuers(prog, t, n, dir, quiet);
    }
    cli_format f;
    if (!secret)
        return cli_usage(prog, "expected --secret FILE (a member key) or --issuers T --of N "
                               "--out-dir DIR (an issuer set)");
    if ((rc = parse_format(prog, format, &f)) != CLI_OK)
        return rc;
    uint8_t sk[32], pk[32];
    char sl[66], pl[66], out[128];
    dacc_error err;
    dacc_anon_scalar_random(sk);
    dacc_status st = dacc_anon_public_key(sk, pk, &err);
    anon_hex_line(sk, 32, sl);
    sodium_memzero(sk, sizeof sk);
    anon_hex_line(pk, 32, pl);
    if (st == DACC_OK)
        st = anon_write(secret, sl, 1, &err);
    sodium_memzero(sl, sizeof sl);
    if (f == CLI_FORMAT_JSON) {
        pl[64] = '\0';
        snprintf(out, sizeof out, "{\"public_key\": \"%s\"}\n", pl);
    } else
        snprintf(out, sizeof out, "%s", pl);
    if (st == DACC_OK)
        st = anon_write(public ? public : "-", public ? pl : out, 0, &err);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    cli_wrote(prog, quiet, "secret key", secret);
    cli_wrote(prog, quiet, "public key", public);
    return CLI_OK;
}

/* ---- ring ---- */

dacc_status anon_load_ring(const char *path, dacc_anon_ring **ring, dacc_error *err)
{
    uint8_t *keys;
    size_t n;
    dacc_status st = anon_read_hex_lines(path, 32, DACC_ANON_RING_MAX, &keys, &n, err);
    if (st == DACC_OK && n == 0)
        st = dacc_error_set(err, DACC_ERR_PARSE, "%s: no member keys", path);
    if (st == DACC_OK && (st = dacc_anon_ring_new(keys, n, ring, err)) != DACC_OK)
        dacc_error_prefix(err, "%s: ", path);
    free(keys);
    return st;
}

static int cmd_ring(int argc, char **argv)
{
    const char *path = NULL, *format = NULL;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_anon, "ring", argc, argv);
    int ch;
    while ((ch = cli_next(&p)) > 0)
        switch (ch) {
        case ANON_RING:
            path = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    const char *prog = cli_prog(&p);
    int rc = anon_no_args(prog, argc, argv);
    if (rc != CLI_OK)
        return rc;
    cli_format f;
    if ((rc = parse_format(prog, format, &f)) != CLI_OK)
        return rc;
    dacc_anon_ring *ring;
    dacc_error err;
    if (anon_load_ring(path, &ring, &err) != DACC_OK)
        return cli_fail(prog, &err);
    char hex[129];
    dacc_hex_encode(dacc_anon_ring_hash(ring), 64, hex);
    if (f == CLI_FORMAT_JSON)
        printf("{\"members\": %zu, \"ring_hash\": \"%s\"}\n", dacc_anon_ring_size(ring), hex);
    else
        printf("members %zu\nring_hash %s\n", dacc_anon_ring_size(ring), hex);
    dacc_anon_ring_free(ring);
    return CLI_OK;
}

/* ---- sign, verify ---- */

static int cmd_sign(int argc, char **argv)
{
    const char *rp = NULL, *sp = NULL, *scope = NULL, *mp = NULL, *seedv = NULL, *out = "-";
    int quiet = 0;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_anon, "sign", argc, argv);
    int ch;
    while ((ch = cli_next(&p)) > 0)
        switch (ch) {
        case ANON_RING:
            rp = optarg;
            break;
        case ANON_SECRET:
            sp = optarg;
            break;
        case ANON_SCOPE:
            scope = optarg;
            break;
        case ANON_MESSAGE:
            mp = optarg;
            break;
        case ANON_SEED:
            seedv = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case CLI_KEY_QUIET:
            quiet = 1;
            break;
        }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    const char *prog = cli_prog(&p);
    int rc = anon_no_args(prog, argc, argv);
    if (rc != CLI_OK)
        return rc;
    uint8_t seed[32], sk[32];
    dacc_error err;
    if (seedv && dacc_hex_decode(seedv, strlen(seedv), seed, 32, &err) != DACC_OK)
        return cli_usage(prog, "--seed: expected 64 hex digits");
    if (!seedv)
        randombytes_buf(seed, sizeof seed);
    dacc_anon_ring *ring = NULL;
    char *msg = NULL, *hex = NULL;
    uint8_t *sig = NULL;
    size_t mlen = 0, n = 0;
    dacc_status st = anon_load_ring(rp, &ring, &err);
    if (st == DACC_OK)
        st = anon_read_hex(sp, sk, 32, &err);
    if (st == DACC_OK)
        st = dacc_file_read(mp, MESSAGE_MAX, &msg, &mlen, &err);
    if (st == DACC_OK) {
        n = dacc_anon_ring_sig_bytes(dacc_anon_ring_size(ring));
        sig = malloc(n);
        hex = malloc(2 * n + 2);
        if (!sig || !hex)
            st = dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
    }
    if (st == DACC_OK)
        st = dacc_anon_ring_sign(ring, sk, (const uint8_t *)scope, strlen(scope),
                                 (const uint8_t *)msg, mlen, seed, sig, n, &err);
    sodium_memzero(sk, sizeof sk);
    if (st == DACC_OK)
        st = anon_write(out, anon_hex_line(sig, n, hex), 0, &err);
    free(msg);
    free(sig);
    free(hex);
    dacc_anon_ring_free(ring);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    cli_wrote(prog, quiet, "signature", out);
    return CLI_OK;
}

/* Refuses a tag already in the spent file, else records it there. */
static dacc_status spend(const char *path, const uint8_t *tag, size_t n, dacc_error *err)
{
    uint8_t *seen = NULL;
    size_t count = 0;
    FILE *probe = fopen(path, "r");
    dacc_status st = DACC_OK;
    if (probe) {
        fclose(probe);
        st = anon_read_hex_lines(path, n, SIZE_MAX / 64, &seen, &count, err);
    }
    for (size_t i = 0; i < count && st == DACC_OK; i++)
        if (memcmp(seen + n * i, tag, n) == 0)
            st = dacc_error_set(err, DACC_ERR_STATE,
                                "%s:%zu: already acted in this scope (the same tag or nullifier)",
                                path, i + 1);
    free(seen);
    if (st == DACC_OK)
        st = anon_append_hex(path, tag, n, err);
    return st;
}

static int cmd_verify(int argc, char **argv)
{
    const char *rp = NULL, *scope = NULL, *mp = NULL, *sigp = NULL, *spent = NULL, *format = NULL;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_anon, "verify", argc, argv);
    int ch;
    while ((ch = cli_next(&p)) > 0)
        switch (ch) {
        case ANON_RING:
            rp = optarg;
            break;
        case ANON_SCOPE:
            scope = optarg;
            break;
        case ANON_MESSAGE:
            mp = optarg;
            break;
        case ANON_SIGNATURE:
            sigp = optarg;
            break;
        case ANON_SPENT:
            spent = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    const char *prog = cli_prog(&p);
    int rc = anon_no_args(prog, argc, argv);
    if (rc != CLI_OK)
        return rc;
    cli_format f;
    if ((rc = parse_format(prog, format, &f)) != CLI_OK)
        return rc;
    dacc_anon_ring *ring = NULL;
    char *msg = NULL;
    uint8_t *sig = NULL, tag[32];
    size_t mlen = 0, n = 0;
    dacc_error err;
    dacc_status st = anon_load_ring(rp, &ring, &err);
    if (st == DACC_OK)
        st = dacc_file_read(mp, MESSAGE_MAX, &msg, &mlen, &err);
    if (st == DACC_OK) {
        n = dacc_anon_ring_sig_bytes(dacc_anon_ring_size(ring));
        if (!(sig = malloc(n)))
            st = dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
    }
    if (st == DACC_OK)
        st = anon_read_hex(sigp, sig, n, &err);
    if (st == DACC_OK)
        st = dacc_anon_ring_verify(ring, (const uint8_t *)scope, strlen(scope),
                                   (const uint8_t *)msg, mlen, sig, n, tag, &err);
    if (st == DACC_OK && spent)
        st = spend(spent, tag, 32, &err);
    if (st == DACC_OK) {
        char hex[65];
        dacc_hex_encode(tag, 32, hex);
        if (f == CLI_FORMAT_JSON)
            printf("{\"valid\": true, \"tag\": \"%s\"}\n", hex);
        else
            printf("valid\ntag %s\n", hex);
    }
    free(msg);
    free(sig);
    dacc_anon_ring_free(ring);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- VRF ---- */

static void print_vrf(cli_format f, const uint8_t pi[80], const uint8_t beta[64])
{
    char ph[161], bh[129];
    dacc_hex_encode(pi, 80, ph);
    dacc_hex_encode(beta, 64, bh);
    if (f == CLI_FORMAT_JSON)
        printf("{\"proof\": \"%s\", \"output\": \"%s\"}\n", ph, bh);
    else
        printf("proof %s\noutput %s\n", ph, bh);
}

static int cmd_vrf_prove(int argc, char **argv)
{
    const char *sp = NULL, *input = NULL, *format = NULL;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_anon, "vrf-prove", argc, argv);
    int ch;
    while ((ch = cli_next(&p)) > 0)
        switch (ch) {
        case ANON_SECRET:
            sp = optarg;
            break;
        case ANON_INPUT:
            input = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    const char *prog = cli_prog(&p);
    int rc = anon_no_args(prog, argc, argv);
    if (rc != CLI_OK)
        return rc;
    cli_format f;
    if ((rc = parse_format(prog, format, &f)) != CLI_OK)
        return rc;
    uint8_t sk[32], pi[80], beta[64];
    dacc_error err;
    dacc_status st = anon_read_hex(sp, sk, 32, &err);
    if (st == DACC_OK)
        st = dacc_anon_vrf_prove(sk, (const uint8_t *)input, strlen(input), pi, beta, &err);
    sodium_memzero(sk, sizeof sk);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    print_vrf(f, pi, beta);
    return CLI_OK;
}

static int cmd_vrf_verify(int argc, char **argv)
{
    const char *pp = NULL, *input = NULL, *proof = NULL, *format = NULL;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_anon, "vrf-verify", argc, argv);
    int ch;
    while ((ch = cli_next(&p)) > 0)
        switch (ch) {
        case ANON_PUBLIC:
            pp = optarg;
            break;
        case ANON_INPUT:
            input = optarg;
            break;
        case ANON_PROOF:
            proof = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    const char *prog = cli_prog(&p);
    int rc = anon_no_args(prog, argc, argv);
    if (rc != CLI_OK)
        return rc;
    cli_format f;
    if ((rc = parse_format(prog, format, &f)) != CLI_OK)
        return rc;
    uint8_t pk[32], pi[80], beta[64];
    dacc_error err;
    if (dacc_hex_decode(proof, strlen(proof), pi, 80, &err) != DACC_OK)
        return cli_usage(prog, "--proof: expected 160 hex digits");
    dacc_status st = anon_read_hex(pp, pk, 32, &err);
    if (st == DACC_OK)
        st = dacc_anon_vrf_verify(pk, (const uint8_t *)input, strlen(input), pi, beta, &err);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    print_vrf(f, pi, beta);
    return CLI_OK;
}

/* ---- the declaration ---- */

#define TOKEN_SUBS "token-request,token-issue,token-finish,token-redeem,token-audit"

static const cli_opt anon_opts[] = {
    { "secret", 0, "FILE", ANON_SECRET, NULL,
      "where the new member's secret key goes (hex, mode 0600)", "keygen", 0, NULL },
    { "public", 0, "FILE", ANON_PUBLIC, "-", "where the new public key goes", "keygen", 0, NULL },
    { "issuers", 0, "T", ANON_ISSUERS, NULL,
      "deal a token issuer set instead, any T of whose issuers can answer", "keygen", 0, NULL },
    { "of", 0, "N", ANON_OF, NULL, "how many issuers the set has (T to 255)", "keygen", 0, NULL },
    CLI_OPT_OUT_DIR("keygen"),
    { "public", 0, "FILE", ANON_PUBLIC, NULL, "the prover's public key (a file with its hex line)",
      "vrf-verify", CLI_REQ_ALL, NULL },
    { "ring", 0, "FILE", ANON_RING, NULL,
      "the ring: member public keys, one hex line each, in the published order", "ring,sign,verify",
      CLI_REQ_ALL, NULL },
    { "scope", 0, "TEXT", ANON_SCOPE, NULL,
      "what the signature is for (ROUND|QUESTION, say): one tag per member in a scope",
      "sign,verify", CLI_REQ_ALL, NULL },
    { "message", 0, "FILE", ANON_MESSAGE, NULL, "the signed bytes (-: standard input)",
      "sign,verify", CLI_REQ_ALL, NULL },
    { "secret", 0, "FILE", ANON_SECRET, NULL, "the member's secret key (a keygen --secret file)",
      "sign,vrf-prove", CLI_REQ_ALL, NULL },
    { "seed", 0, "HEX", ANON_SEED, "random",
      "the signing seed, 64 hex digits, for a reproducible signature", "sign", 0, NULL },
    { "signature", 0, "FILE", ANON_SIGNATURE, NULL, "the signature (sign's output)", "verify",
      CLI_REQ_ALL, NULL },
    { "spent", 0, "FILE", ANON_SPENT, NULL,
      "the tags (verify) or nullifiers (token-redeem) already seen: one listed there is "
      "refused, a new one added",
      "verify,token-redeem", 0, NULL },
    { "input", 0, "TEXT", ANON_INPUT, NULL, "the VRF input", "vrf-prove,vrf-verify", CLI_REQ_ALL,
      NULL },
    { "proof", 0, "HEX", ANON_PROOF, NULL, "the proof, 160 hex digits (vrf-prove's proof)",
      "vrf-verify", CLI_REQ_ALL, NULL },
    { "issuers", 0, "FILE", ANON_ISSUERS, NULL, "the issuer set (keygen --out-dir DIR/issuers)",
      TOKEN_SUBS, CLI_REQ_ALL, NULL },
    { "epoch", 0, "TEXT", ANON_EPOCH, NULL, "the epoch the token is for: one token per member",
      "token-request,token-audit", CLI_REQ_ALL, NULL },
    { "epoch", 0, "TEXT", ANON_EPOCH, NULL, "the epoch of the request (not with --redeem)",
      "token-issue", 0, NULL },
    { "identity", 0, "KEY", ANON_IDENTITY, NULL,
      "the member's Ed25519 identity key (a dacc round keygen NAME.key)", "token-request",
      CLI_REQ_ALL, NULL },
    { "state", 0, "FILE", ANON_STATE, NULL,
      "where the token secret and blind go (mode 0600), for token-finish", "token-request",
      CLI_REQ_ALL, NULL },
    { "state", 0, "FILE", ANON_STATE, NULL, "the token-request --state file", "token-finish",
      CLI_REQ_ALL, NULL },
    { "index", 0, "I", ANON_INDEX, NULL, "this issuer's number (1 to N)", "token-issue",
      CLI_REQ_ALL, NULL },
    { "share", 0, "FILE", ANON_SHARE, NULL, "this issuer's key share (DIR/share-I)", "token-issue",
      CLI_REQ_ALL, NULL },
    { "request", 0, "FILE", ANON_REQUEST, NULL, "the member's request (token-request's output)",
      "token-issue", 0, NULL },
    { "request", 0, "FILE", ANON_REQUEST, NULL, "the request the answers are for", "token-finish",
      CLI_REQ_ALL, NULL },
    { "members", 0, "FILE", ANON_MEMBERS, NULL,
      "the members' Ed25519 public keys, one hex line each", "token-issue", 0, NULL },
    { "members", 0, "FILE", ANON_MEMBERS, NULL,
      "the members' Ed25519 public keys, one hex line each", "token-audit", CLI_REQ_ALL, NULL },
    { "log", 0, "FILE", ANON_LOG, NULL,
      "the issuance log the answer is appended to (created when missing)", "token-issue", 0, NULL },
    { "log", 0, "FILE", ANON_LOG, NULL,
      "an issuance log of the epoch (repeat: one per issuer): a token-issue --log file, or an "
      "issuer node's tokens log directory (DATA/tokens: the store, or its tiles with log.pub), "
      "whose entries of other epochs are skipped",
      "token-audit", CLI_REQ_ALL | CLI_REPEAT, NULL },
    { "log-key", 0, "FILE", ANON_LOG_KEY, NULL,
      "the tokens log's public key (DATA/tokens/log.pub, given out of band), for a --log that is "
      "the node's URL/api/v1/tokens/log or a tiles directory without its log.pub",
      "token-audit", 0, NULL },
    { "counts", 0, "FILE", ANON_COUNTS, NULL,
      "a node's GET /api/v1/tokens answer, checked against its --log (one): the issuer set, "
      "members, log size and the epoch's answers must be what the log gives",
      "token-audit", 0, NULL },
    { "redeem", 0, "FILE", ANON_REDEEM, NULL,
      "evaluate the presented token in FILE for its redemption instead of answering a request",
      "token-issue", 0, NULL },
    { "response", 0, "FILE", ANON_RESPONSE, NULL,
      "a file of issuer answers (repeat; at least T answers in all)", "token-finish", CLI_REPEAT,
      NULL },
    { "issuer", 0, "URL", ANON_ISSUER, NULL,
      "ask the issuer node at URL instead (POST URL/api/v1/tokens/request; repeat, at least T "
      "of them): a node that refuses or whose answer's proof fails is named and left out",
      "token-finish", CLI_REPEAT, NULL },
    { "epoch", 0, "TEXT", ANON_EPOCH, NULL, "the request's epoch, for the --issuer nodes",
      "token-finish", 0, NULL },
    { "token", 0, "FILE", ANON_TOKEN, NULL, "the token (token-finish's output)", "token-redeem",
      CLI_REQ_ALL, NULL },
    { "evaluation", 0, "FILE", ANON_EVALUATION, NULL,
      "a file of issuer evaluations, token-issue --redeem (repeat; at least T in all)",
      "token-redeem", CLI_REQ_ALL | CLI_REPEAT, NULL },
    CLI_OPT_FORMAT("keygen,ring,verify,token-redeem,token-audit,vrf-prove,vrf-verify", "text json"),
    CLI_OPT_OUTPUT("sign,token-request,token-issue,token-finish"),
    CLI_OPT_QUIET("keygen,sign,token-request,token-issue,token-finish"),
};

static const cli_sub anon_subs[] = {
    { "keygen", "a member key, or a dealt t-of-n token issuer set", "",
      "With --secret FILE, draw a ristretto255 key for ring signatures and the VRF: FILE\n"
      "gets the secret scalar in hex (mode 0600) and the public key is printed (or written\n"
      "to --public).\n"
      "With --issuers T --of N --out-dir DIR, deal a t-of-n token issuer set instead:\n"
      "DIR/issuers (public: the threshold, group key and share keys) and DIR/share-1 ..\n"
      "DIR/share-N (each issuer's secret key share, mode 0600). The dealt key is wiped at\n"
      "once (the dealer is trusted to have done so); give each share to its issuer and no\n"
      "one else.",
      cmd_keygen },
    { "ring", "check a ring of member keys and print its hash", "",
      "Check a ring (every key canonical, not the identity, no key twice) and print its\n"
      "size and the SHA-512 ring hash every signature binds.",
      cmd_ring },
    { "sign", "sign a message anonymously as a ring member, in a scope", "",
      "Sign the bytes of the message file as an anonymous member of the ring, in the\n"
      "scope. The signature (hex) carries the member's tag for the scope: a second\n"
      "signature by the same member in the same scope has the same tag. Nonces are\n"
      "derived from the key, the seed and every public input, so a fixed --seed gives a\n"
      "reproducible signature.",
      cmd_sign },
    { "verify", "verify a ring signature; print (and optionally spend) its tag", "",
      "Verify an anonymous signature against the ring, scope and message and print the\n"
      "signer's tag for the scope. With --spent, a tag already listed in FILE is refused\n"
      "(\"already acted in this scope\") and a new one is added to it. Exit status 1 when\n"
      "the signature does not verify or the tag was spent.",
      cmd_verify },
    { "token-request", "a member's signed, blinded token request", "",
      "Draw a token secret and a blind and write the member's request (hex), signed with\n"
      "the Ed25519 identity key, for the issuer set and epoch. Send the same request to\n"
      "every issuer. The --state file receives the secret and the blind that token-finish\n"
      "needs.",
      cmd_anon_token_request },
    { "token-issue", "an issuer's proved answer to a request (or a redemption)", "",
      "As issuer I, answer a member's request: check its signature, that the member is in\n"
      "--members and has not asked with another blinded element in the issuance log, then\n"
      "append the request and answer to the log and write the answer (the evaluation with\n"
      "its DLEQ proof). Issuers should share one log, so that a member cannot split them\n"
      "between two tokens. An issuer refuses a share that does not match its published\n"
      "share key.\n"
      "With --redeem, evaluate the secret of the presented token in the clear, with its\n"
      "proof, for token-redeem.",
      cmd_anon_token_issue },
    { "token-finish", "combine t issuer answers into a token", "",
      "Check every issuer's answer (a bad one is refused naming its issuer, for example\n"
      "\"issuer 3: proof does not verify (a bad key share)\") and combine t of them into the\n"
      "token, written in hex (mode 0600: whoever holds it can redeem it).\n"
      "With --issuer URL (repeated) and --epoch instead of --response files, ask the issuer\n"
      "nodes (dacc serve --issuer-set; POST URL/api/v1/tokens/request) for their answers.\n"
      "A node that refuses (\"already issued\", \"not a registered member\"), cannot be\n"
      "reached, or whose answer's proof fails is named by its URL and left out; the token\n"
      "is made when t good answers remain, and the command fails naming the node\n"
      "otherwise. The same request may be sent again: a node answers it with its logged\n"
      "answer.",
      cmd_anon_token_finish },
    { "token-redeem", "verify a token against t evaluations; print its nullifier", "",
      "Verify a token against t issuers' evaluations (token-issue --redeem) and print its\n"
      "nullifier, the RFC 9497 VOPRF output of the token's secret. With --spent, a\n"
      "nullifier already listed in FILE is refused (\"token already redeemed\") and a new\n"
      "one is added to it.",
      cmd_anon_token_redeem },
    { "token-audit", "check an issuance log: tokens issued <= members", "",
      "Check an epoch's issuance logs (every request signature, member and proof; no\n"
      "member with two blinded elements) and print how many tokens were issued, which is\n"
      "then at most the number of members (tokens: requests answered by at least t\n"
      "issuers in the logs given, so give every issuer's log). Exit status 1 naming the\n"
      "first bad record otherwise.\n"
      "A --log may be an issuer node's tokens log: its directory (DATA/tokens), its tiles\n"
      "(dacc log tiles), or the node's URL/api/v1/tokens/log with --log-key; the entries\n"
      "of the epoch are read. With --counts, the node's GET /api/v1/tokens\n"
      "answer must agree with its log (one --log): issuer set, members, log size, answers\n"
      "in all and the epoch's answers; a tampered count fails naming its field.",
      cmd_anon_token_audit },
    { "vrf-prove", "c2sp.org/vrf-r255 proof and output", "",
      "Print the c2sp.org/vrf-r255 proof (80 bytes, hex) and output (64 bytes, hex) of the\n"
      "input under the secret key. The output is fixed by the key and input, so a draw\n"
      "seeded by it cannot be biased.",
      cmd_vrf_prove },
    { "vrf-verify", "check a vrf-r255 proof and print its output", "",
      "Check a c2sp.org/vrf-r255 proof of the input under the public key and print the\n"
      "output. Exit status 1 when it does not verify.",
      cmd_vrf_verify },
};

static const cli_section anon_sections[] = {
    { "DESCRIPTION",
      "A member of a published group acts without saying which member they are,\n"
      "while anyone can check membership and that no member acted twice in one\n"
      ".I scope\n"
      "(a round, a question of a round, an epoch). Everything is on the ristretto255\n"
      "group of libsodium; the constructions, their byte layouts and what they do\n"
      "not give (they are not receipt\\-free) are in\n"
      ".IR docs/anon.md .\n"
      "Every file is written atomically; secret files (keys, key shares, token\n"
      "state, tokens) are created with mode 0600.\n" },
    { "FILES", "All values are lower\\-case hex; blank lines and lines starting with # are\n"
               "ignored.\n"
               ".TP\n"
               "ring, members, spent\n"
               "One key (32 bytes), member identity key, tag (32 bytes) or nullifier\n"
               "(64 bytes) per line. Ring order matters: it is part of the ring hash.\n"
               ".TP\n"
               "key, signature, request, answer, evaluation, token\n"
               "One hex line: a secret scalar (32 bytes), a signature (64 + 32n bytes for a\n"
               "ring of n), a request (128), an answer or evaluation (98), a token (64).\n"
               ".TP\n"
               "issuers\n"
               "Lines \"threshold T\", \"issuers N\", \"group HEX\" and N lines \"key HEX\" (the\n"
               "share keys of issuers 1..N, in order).\n"
               ".TP\n"
               "share, state\n"
               "\"share HEX\"; \"x HEX\" and \"blind HEX\".\n"
               ".TP\n"
               "issuance log\n"
               "One line per issuer answer: the request followed by the answer (226 bytes).\n"
               "An issuer node's tokens log (dacc serve \\-\\-issuer\\-set: DATA/tokens) is a\n"
               "transparency log whose entries are \"dacc\\-anon\\-issuance v1\" and the lines\n"
               "\"epoch HEX\", \"request HEX\" and \"answer HEX\"; token\\-audit reads it too.\n" },
    { "EXIT STATUS", "0 on success; 1 when a signature, proof or token does not verify, a tag or\n"
                     "nullifier was spent, or an input is malformed (the message names the file,\n"
                     "line and field); 2 for a usage error.\n" },
    { "EXAMPLES", ".nf\n"
                  "dacc anon keygen \\-\\-secret alice.key > alice.pub\n"
                  "cat alice.pub bob.pub carol.pub > ring.txt\n"
                  "dacc anon sign \\-\\-ring ring.txt \\-\\-secret alice.key \\e\n"
                  "    \\-\\-scope 'round-7|q1' \\-\\-message vote.txt \\-o vote.sig\n"
                  "dacc anon verify \\-\\-ring ring.txt \\-\\-scope 'round-7|q1' \\e\n"
                  "    \\-\\-message vote.txt \\-\\-signature vote.sig \\-\\-spent tags.txt\n"
                  ".fi\n"
                  "The token walkthrough in\n"
                  ".I docs/anon.md\n"
                  "runs as a test.\n" },
    { "SEE ALSO", ".BR dacc (1),\n"
                  ".BR dacc\\-round (1),\n"
                  ".IR docs/anon.md ,\n"
                  "RFC 9380, RFC 9496, RFC 9497, c2sp.org/vrf\\-r255\n" },
};

const cli_spec cli_spec_anon = {
    .name = "anon",
    .summary = "anonymous participation: ring signatures, threshold tokens, VRF",
    .description =
        "Anonymous one-per-member participation on ristretto255: event-scoped linkable ring\n"
        "signatures, threshold anonymous tokens and a verifiable random function.\n"
        "docs/anon.md.",
    CLI_SUBS(anon_subs),
    CLI_OPTS(anon_opts),
    CLI_SECTIONS(anon_sections),
    .footer = "Exit status: 0 on success, 1 when a check fails or on bad input (named),\n"
              "2 on a usage error.\n",
};

int cmd_anon(int argc, char **argv)
{
    return cli_spec_run(&cli_spec_anon, argc, argv);
}
