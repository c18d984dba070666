/* Both SHA-256 backends give the same bytes: the FIPS 180-2 / NIST CAVS
 * vectors through each backend by name (so OpenSSL's and libsodium's are
 * both run whatever the CPU), random lengths 0..10000 one-shot and split
 * at random points, and the Merkle hashes under each process default. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "support.h"

static const dacc_sha256_backend backends[] = { DACC_SHA256_LIBSODIUM, DACC_SHA256_OPENSSL };

/* FIPS 180-2 appendix B.1-B.3 and the empty string; B.3 is a million "a". */
Test(sha256, nist_vectors_through_each_backend)
{
    static const struct {
        const char *msg;
        size_t repeat;
        const char *hex;
    } v[] = {
        { "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
        { "a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
    };
    for (size_t b = 0; b < 2; b++)
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            dacc_sha256_ctx c;
            uint8_t d[32];
            char hex[65];
            dacc_sha256_init(&c, backends[b]);
            cr_assert_eq(c.backend, backends[b]);
            for (size_t r = 0; r < v[i].repeat; r++)
                dacc_sha256_update(&c, v[i].msg, strlen(v[i].msg));
            dacc_sha256_final(&c, d);
            cr_assert_str_eq(dacc_hex_encode(d, 32, hex), v[i].hex, "%s, vector %zu",
                             dacc_sha256_backend_name(backends[b]), i);
        }
}

Test(sha256, backends_agree_on_random_lengths_and_splits)
{
    enum { MAX = 10000 };
    uint8_t *data = malloc(MAX);
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < MAX; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        data[i] = (uint8_t)(x >> 56);
    }
    for (size_t len = 0; len <= MAX; len += (len < 300 ? 1 : 97)) {
        uint8_t a[32], b[32], c[32];
        dacc_sha256_with(DACC_SHA256_LIBSODIUM, data, len, a);
        dacc_sha256_with(DACC_SHA256_OPENSSL, data, len, b);
        cr_assert_arr_eq(a, b, 32, "length %zu: libsodium and OpenSSL differ", len);
        x = x * 6364136223846793005u + 1442695040888963407u;
        size_t cut = len ? (size_t)(x >> 33) % (len + 1) : 0;
        for (size_t k = 0; k < 2; k++) {
            dacc_sha256_ctx ctx;
            dacc_sha256_init(&ctx, backends[k]);
            dacc_sha256_update(&ctx, data, cut);
            dacc_sha256_update(&ctx, data + cut, len - cut);
            dacc_sha256_final(&ctx, c);
            cr_assert_arr_eq(a, c, 32, "length %zu split at %zu (%s)", len, cut,
                             dacc_sha256_backend_name(backends[k]));
        }
    }
    free(data);
}

/* The default follows the CPU, and DACC_SHA256 overrides it: the tree of a
 * log built under each backend has the same root. */
Test(sha256, default_backend_and_override)
{
    dacc_sha256_backend d = dacc_sha256_default();
    const char *env = getenv("DACC_SHA256");
    if (env == NULL)
        cr_assert_eq(d, dacc_sha256_cpu_has_sha() ? DACC_SHA256_OPENSSL : DACC_SHA256_LIBSODIUM);
    char *dir = make_temp_dir();
    char *root[2];
    for (int k = 0; k < 2; k++) {
        setenv("DACC_SHA256", k ? "openssl" : "libsodium", 1);
        char *L = path_join(dir, k ? "o" : "s");
        run_result r;
        run_dacc(&r, NULL,
                 (const char *const[]){ "log", "init", "--origin", "x.example/l", L, NULL });
        cr_assert_eq(r.status, 0, "%s", r.err);
        run_result_free(&r);
        char in[8000] = "";
        for (int i = 0; i < 700; i++)
            sprintf(in + strlen(in), "%d\n", i);
        run_dacc(&r, in, (const char *const[]){ "log", "append", L, NULL });
        cr_assert_eq(r.status, 0, "%s", r.err);
        run_result_free(&r);
        run_dacc(&r, NULL, (const char *const[]){ "log", "checkpoint", L, NULL });
        cr_assert_eq(r.status, 0, "%s", r.err);
        root[k] = strdup(r.out);
        *strchr(strchr(strchr(root[k], '\n') + 1, '\n') + 1, '\n') = '\0'; /* origin, size, root */
        run_result_free(&r);
        free(L);
    }
    unsetenv("DACC_SHA256");
    cr_assert_str_eq(root[0], root[1]);
    free(root[0]);
    free(root[1]);
    remove_tree(dir);
    free(dir);
}
