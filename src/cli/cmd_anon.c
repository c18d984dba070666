/* dacc anon: anonymous one-per-member participation (docs/anon.md). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anon_cli.h"
#include "anon_opts.h"
#include "cli.h"
#include "dacc/anon.h"
#include "dacc/codec.h"
#include "dacc/file.h"

#define N_OPTS(a)   (sizeof(a) / sizeof(a)[0])
#define MESSAGE_MAX (1u << 26)

static int parse_format(const char *prog, const char *arg, cli_format *f)
{
    *f = CLI_FORMAT_TEXT;
    return arg ? cli_opt_format(prog, arg, CLI_ALLOW_TEXT | CLI_ALLOW_JSON, f) : CLI_OK;
}

/* ---- keygen ---- */

static const char keygen_usage[] =
    "Usage: dacc anon keygen --secret FILE [--public FILE] [--format text|json]\n"
    "       dacc anon keygen --issuers T --of N --dir DIR\n"
    "\n"
    "The first form draws a ristretto255 key for ring signatures and the VRF:\n"
    "FILE gets the secret scalar in hex (mode 0600), and the public key is\n"
    "printed (or written to --public).\n"
    "\n"
    "The second deals a t-of-n token issuer set: DIR/issuers (public: the\n"
    "threshold, group key and share keys) and DIR/share-1 .. DIR/share-N (each\n"
    "issuer's secret key share, mode 0600). The dealt key is wiped at once;\n"
    "give each share to its issuer and no one else.\n";

static int keygen_issuers(const char *prog, const char *tv, const char *nv, const char *dir)
{
    uint64_t t, n;
    int rc;
    if ((rc = cli_opt_u64(prog, "--issuers", tv, 1, DACC_ANON_ISSUERS_MAX, &t)) != CLI_OK ||
        (rc = cli_opt_u64(prog, "--of", nv, t, DACC_ANON_ISSUERS_MAX, &n)) != CLI_OK ||
        (rc = anon_need(prog, dir, "dir")) != CLI_OK)
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
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

static int cmd_keygen(int argc, char **argv)
{
    static const char prog[] = "dacc anon keygen";
    const char *secret = NULL, *public = NULL, *format = NULL, *t = NULL, *n = NULL, *dir = NULL;
    const anon_opt opts[] = { { "secret", &secret, 0, 0, 0 }, { "public", &public, 0, 0, 0 },
                              { "format", &format, 0, 0, 0 }, { "issuers", &t, 0, 0, 0 },
                              { "of", &n, 0, 0, 0 },          { "dir", &dir, 0, 0, 0 } };
    cli_format f;
    int rc = anon_parse(prog, keygen_usage, argc, argv, opts, N_OPTS(opts));
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (t || n || dir) {
        if (secret || public)
            return cli_usage(prog, "--issuers makes an issuer set; --secret a member key");
        return keygen_issuers(prog, t, n, dir);
    }
    if ((rc = anon_need(prog, secret, "secret")) != CLI_OK ||
        (rc = parse_format(prog, format, &f)) != CLI_OK)
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
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- ring ---- */

static dacc_status load_ring(const char *path, dacc_anon_ring **ring, dacc_error *err)
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

static const char ring_usage[] =
    "Usage: dacc anon ring --ring FILE [--format text|json]\n"
    "\n"
    "Check a ring (member public keys, one hex line each, in the published\n"
    "order) and print its size and the SHA-512 ring hash every signature binds.\n";

static int cmd_ring(int argc, char **argv)
{
    static const char prog[] = "dacc anon ring";
    const char *path = NULL, *format = NULL;
    const anon_opt opts[] = { { "ring", &path, 0, 0, 0 }, { "format", &format, 0, 0, 0 } };
    cli_format f;
    int rc = anon_parse(prog, ring_usage, argc, argv, opts, N_OPTS(opts));
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = anon_need(prog, path, "ring")) != CLI_OK ||
        (rc = parse_format(prog, format, &f)) != CLI_OK)
        return rc;
    dacc_anon_ring *ring;
    dacc_error err;
    if (load_ring(path, &ring, &err) != DACC_OK)
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

static const char sign_usage[] =
    "Usage: dacc anon sign --ring FILE --secret FILE --scope TEXT --message FILE\n"
    "                      [--seed HEX] [--output FILE]\n"
    "\n"
    "Sign the bytes of the message file (\"-\": standard input) as an anonymous\n"
    "member of the ring, in the scope (for example ROUND|QUESTION). The\n"
    "signature (hex) carries the member's tag for the scope: a second signature\n"
    "by the same member in the same scope has the same tag. --seed (64 hex\n"
    "digits) fixes the signing seed for a reproducible signature; by default it\n"
    "is random.\n";

static int cmd_sign(int argc, char **argv)
{
    static const char prog[] = "dacc anon sign";
    const char *rp = NULL, *sp = NULL, *scope = NULL, *mp = NULL, *seedv = NULL, *out = NULL;
    const anon_opt opts[] = { { "ring", &rp, 0, 0, 0 },     { "secret", &sp, 0, 0, 0 },
                              { "scope", &scope, 0, 0, 0 }, { "message", &mp, 0, 0, 0 },
                              { "seed", &seedv, 0, 0, 0 },  { "output", &out, 0, 0, 0 } };
    int rc = anon_parse(prog, sign_usage, argc, argv, opts, N_OPTS(opts));
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = anon_need(prog, rp, "ring")) != CLI_OK || (rc = anon_need(prog, sp, "secret")) ||
        (rc = anon_need(prog, scope, "scope")) || (rc = anon_need(prog, mp, "message")))
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
    dacc_status st = load_ring(rp, &ring, &err);
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
        st = anon_write(out ? out : "-", anon_hex_line(sig, n, hex), 0, &err);
    free(msg);
    free(sig);
    free(hex);
    dacc_anon_ring_free(ring);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
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

static const char verify_usage[] =
    "Usage: dacc anon verify --ring FILE --scope TEXT --message FILE --signature FILE\n"
    "                        [--spent FILE] [--format text|json]\n"
    "\n"
    "Verify an anonymous signature and print the signer's tag for the scope.\n"
    "With --spent, a tag already listed in FILE is refused (\"already acted\")\n"
    "and a new one is added to it. Exit status 1 when the signature does not\n"
    "verify or the tag was spent.\n";

static int cmd_verify(int argc, char **argv)
{
    static const char prog[] = "dacc anon verify";
    const char *rp = NULL, *scope = NULL, *mp = NULL, *sigp = NULL, *spent = NULL, *format = NULL;
    const anon_opt opts[] = { { "ring", &rp, 0, 0, 0 },     { "scope", &scope, 0, 0, 0 },
                              { "message", &mp, 0, 0, 0 },  { "signature", &sigp, 0, 0, 0 },
                              { "spent", &spent, 0, 0, 0 }, { "format", &format, 0, 0, 0 } };
    cli_format f;
    int rc = anon_parse(prog, verify_usage, argc, argv, opts, N_OPTS(opts));
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = anon_need(prog, rp, "ring")) || (rc = anon_need(prog, scope, "scope")) ||
        (rc = anon_need(prog, mp, "message")) || (rc = anon_need(prog, sigp, "signature")) ||
        (rc = parse_format(prog, format, &f)))
        return rc;
    dacc_anon_ring *ring = NULL;
    char *msg = NULL;
    uint8_t *sig = NULL, tag[32];
    size_t mlen = 0, n = 0;
    dacc_error err;
    dacc_status st = load_ring(rp, &ring, &err);
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

static const char vrf_prove_usage[] =
    "Usage: dacc anon vrf-prove --secret FILE --input TEXT [--format text|json]\n"
    "\n"
    "c2sp.org/vrf-r255: print the proof (80 bytes, hex) and the output\n"
    "(64 bytes, hex) of the VRF of TEXT under the secret key. The output is\n"
    "fixed by the key and input, so a draw seeded by it cannot be biased.\n";

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
    static const char prog[] = "dacc anon vrf-prove";
    const char *sp = NULL, *input = NULL, *format = NULL;
    const anon_opt opts[] = { { "secret", &sp, 0, 0, 0 },
                              { "input", &input, 0, 0, 0 },
                              { "format", &format, 0, 0, 0 } };
    cli_format f;
    int rc = anon_parse(prog, vrf_prove_usage, argc, argv, opts, N_OPTS(opts));
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = anon_need(prog, sp, "secret")) || (rc = anon_need(prog, input, "input")) ||
        (rc = parse_format(prog, format, &f)))
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

static const char vrf_verify_usage[] =
    "Usage: dacc anon vrf-verify --public FILE --input TEXT --proof HEX [--format text|json]\n"
    "\n"
    "Check a c2sp.org/vrf-r255 proof of TEXT under the public key (a file with\n"
    "its hex line) and print the output. Exit status 1 when it does not verify.\n";

static int cmd_vrf_verify(int argc, char **argv)
{
    static const char prog[] = "dacc anon vrf-verify";
    const char *pp = NULL, *input = NULL, *proof = NULL, *format = NULL;
    const anon_opt opts[] = { { "public", &pp, 0, 0, 0 },
                              { "input", &input, 0, 0, 0 },
                              { "proof", &proof, 0, 0, 0 },
                              { "format", &format, 0, 0, 0 } };
    cli_format f;
    int rc = anon_parse(prog, vrf_verify_usage, argc, argv, opts, N_OPTS(opts));
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = anon_need(prog, pp, "public")) || (rc = anon_need(prog, input, "input")) ||
        (rc = anon_need(prog, proof, "proof")) || (rc = parse_format(prog, format, &f)))
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

static const cli_command subcommands[] = {
    { "keygen", "a member key, or a dealt t-of-n token issuer set", cmd_keygen },
    { "ring", "check a ring of member keys and print its hash", cmd_ring },
    { "sign", "sign a message anonymously as a ring member, in a scope", cmd_sign },
    { "verify", "verify a ring signature; print (and optionally spend) its tag", cmd_verify },
    { "token-request", "a member's signed, blinded token request", cmd_anon_token_request },
    { "token-issue", "an issuer's proved answer to a request (or a redemption)",
      cmd_anon_token_issue },
    { "token-finish", "combine t issuer answers into a token", cmd_anon_token_finish },
    { "token-redeem", "verify a token against t evaluations; print its nullifier",
      cmd_anon_token_redeem },
    { "token-audit", "check an issuance log: tokens issued <= members", cmd_anon_token_audit },
    { "vrf-prove", "c2sp.org/vrf-r255 proof and output", cmd_vrf_prove },
    { "vrf-verify", "check a vrf-r255 proof and print its output", cmd_vrf_verify },
};

int cmd_anon(int argc, char **argv)
{
    static const char about[] =
        "Anonymous one-per-member participation on ristretto255 (docs/anon.md):\n"
        "event-scoped linkable ring signatures, threshold anonymous tokens and a\n"
        "verifiable random function.\n";
    return cli_dispatch("dacc anon", about, subcommands, N_OPTS(subcommands), argc, argv);
}
