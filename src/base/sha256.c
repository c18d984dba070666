/* SHA-256 behind dacc_sha256: OpenSSL libcrypto where the CPU has SHA
 * instructions (its assembly uses them), libsodium's portable C elsewhere.
 * Both give the same bytes (tests/base/test_sha256.c); only speed differs.
 *
 * The low-level SHA256_Init/Update/Final calls are used rather than
 * SHA256() or EVP_Digest(): OpenSSL 3 looks the algorithm up again in every
 * one-shot call, which costs more than hashing the 65 bytes of a Merkle
 * node (bench/README.md has the figures). They are deprecated in OpenSSL 3
 * but still declared; asking for the 1.1.1 API declares them without the
 * deprecation attribute, so -Werror holds without silencing warnings. */
#define OPENSSL_API_COMPAT 10101

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
/* DACC_SHA256_SODIUM_ONLY: the build of the soft-pause device verifier
 * (libdacc-pause), which firmware links with libsodium alone. */
#ifndef DACC_SHA256_SODIUM_ONLY
#include <openssl/sha.h>
#endif

#include "dacc/codec.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1 << 6)
#endif
#endif

#ifndef DACC_SHA256_SODIUM_ONLY
_Static_assert(sizeof(SHA256_CTX) <= sizeof(((dacc_sha256_ctx *)0)->opaque),
               "dacc_sha256_ctx holds an OpenSSL SHA256_CTX");
#define OSSL(call) call
#else
#define OSSL(call) ((void)0)
#endif
_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(((dacc_sha256_ctx *)0)->opaque),
               "dacc_sha256_ctx holds a libsodium state");

int dacc_sha256_cpu_has_sha(void)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29)) != 0;
#elif defined(__aarch64__) && defined(__linux__)
    return (getauxval(AT_HWCAP) & HWCAP_SHA2) != 0;
#else
    return 0;
#endif
}

static dacc_sha256_backend choose(void)
{
#ifdef DACC_SHA256_SODIUM_ONLY
    return DACC_SHA256_LIBSODIUM;
#endif
    const char *env = getenv("DACC_SHA256");
    if (env != NULL && strcmp(env, "libsodium") == 0)
        return DACC_SHA256_LIBSODIUM;
    if (env != NULL && strcmp(env, "openssl") == 0)
        return DACC_SHA256_OPENSSL;
    return dacc_sha256_cpu_has_sha() ? DACC_SHA256_OPENSSL : DACC_SHA256_LIBSODIUM;
}

dacc_sha256_backend dacc_sha256_default(void)
{
    /* The one piece of mutable static state here, on purpose: CPUID is a
     * serialising instruction that costs more than a node hash, so the
     * answer is computed once. It is a fact about the machine and the
     * process environment, the same on every call, so racing first callers
     * store the same value and no lock is needed. */
    static atomic_int cached;
    int b = atomic_load_explicit(&cached, memory_order_relaxed);
    if (b == 0) {
        b = (int)choose();
        atomic_store_explicit(&cached, b, memory_order_relaxed);
    }
    return (dacc_sha256_backend)b;
}

const char *dacc_sha256_backend_name(dacc_sha256_backend b)
{
    if (b == DACC_SHA256_AUTO)
        b = dacc_sha256_default();
#ifdef DACC_SHA256_SODIUM_ONLY
    b = DACC_SHA256_LIBSODIUM;
#endif
    return b == DACC_SHA256_OPENSSL ? "openssl" : "libsodium";
}

void dacc_sha256_init(dacc_sha256_ctx *c, dacc_sha256_backend backend)
{
    c->backend = backend == DACC_SHA256_AUTO ? dacc_sha256_default() : backend;
#ifdef DACC_SHA256_SODIUM_ONLY
    c->backend = DACC_SHA256_LIBSODIUM;
#endif
    if (c->backend == DACC_SHA256_OPENSSL)
        OSSL(SHA256_Init((SHA256_CTX *)(void *)c->opaque));
    else
        crypto_hash_sha256_init((crypto_hash_sha256_state *)(void *)c->opaque);
}

void dacc_sha256_update(dacc_sha256_ctx *c, const void *data, size_t len)
{
    if (len == 0)
        return; /* data may then be NULL, which neither library promises to accept */
    if (c->backend == DACC_SHA256_OPENSSL)
        OSSL(SHA256_Update((SHA256_CTX *)(void *)c->opaque, data, len));
    else
        crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)c->opaque, data, len);
}

void dacc_sha256_final(dacc_sha256_ctx *c, uint8_t out[DACC_SHA256_BYTES])
{
    if (c->backend == DACC_SHA256_OPENSSL)
        OSSL(SHA256_Final(out, (SHA256_CTX *)(void *)c->opaque));
    else
        crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)c->opaque, out);
}

void dacc_sha256_with(dacc_sha256_backend backend, const void *data, size_t len,
                      uint8_t out[DACC_SHA256_BYTES])
{
    dacc_sha256_ctx c;
    dacc_sha256_init(&c, backend);
    dacc_sha256_update(&c, data, len);
    dacc_sha256_final(&c, out);
}

void dacc_sha256(const void *data, size_t len, uint8_t out[DACC_SHA256_BYTES])
{
    dacc_sha256_with(DACC_SHA256_AUTO, data, len, out);
}
