/* Shamir sharing of ristretto255 scalars: share x is f(x) for a polynomial
 * f of degree t-1 with f(0) the secret; any t shares give f(0) back by
 * Lagrange interpolation at zero. x runs 1..n (as SecureDNA's keyshares). */
#include <string.h>

#include "internal.h"

static void scalar_of(uint8_t out[32], unsigned v)
{
    memset(out, 0, 32);
    out[0] = (uint8_t)v;
    out[1] = (uint8_t)(v >> 8);
}

dacc_status dacc_anon_shamir_split(const uint8_t secret[32], unsigned t, unsigned n,
                                   const uint8_t *coeffs, uint8_t *shares, dacc_error *err)
{
    if (t < 1 || t > n || n > 0xffff)
        return dacc_error_set(err, DACC_ERR_RANGE, "shares: %u of %u is not 1 <= t <= n <= 65535",
                              t, n);
    if (!anon_scalar_ok(secret))
        return dacc_error_set(err, DACC_ERR_INVALID, "secret: scalar not reduced");
    for (unsigned j = 0; j + 1 < t; j++)
        if (!anon_scalar_ok(coeffs + 32 * j))
            return dacc_error_set(err, DACC_ERR_INVALID, "coefficient %u: scalar not reduced",
                                  j + 1);
    uint8_t x[32], acc[32];
    for (unsigned i = 1; i <= n; i++) {
        /* Horner: f(x) = (...(a_{t-1}·x + a_{t-2})·x + ...)·x + secret. */
        scalar_of(x, i);
        memset(acc, 0, 32);
        for (unsigned j = t - 1; j >= 1; j--) {
            crypto_core_ristretto255_scalar_add(acc, acc, coeffs + 32 * (j - 1));
            crypto_core_ristretto255_scalar_mul(acc, acc, x);
        }
        crypto_core_ristretto255_scalar_add(shares + 32 * (i - 1), acc, secret);
    }
    sodium_memzero(acc, sizeof acc);
    return DACC_OK;
}

dacc_status anon_lagrange_at(const uint16_t *xs, size_t k, size_t i, unsigned x, uint8_t coeff[32],
                             dacc_error *err)
{
    /* lambda_i(x) = prod_{j != i} (x - x_j) / (x_i - x_j). */
    uint8_t num[32], den[32], xi[32], xj[32], xx[32], d[32], inv[32];
    scalar_of(num, 1);
    scalar_of(den, 1);
    scalar_of(xi, xs[i]);
    scalar_of(xx, x);
    for (size_t j = 0; j < k; j++) {
        if (xs[j] == 0)
            return dacc_error_set(err, DACC_ERR_INVALID, "share %zu: index 0 is the secret", j);
        if (j == i)
            continue;
        if (xs[j] == xs[i])
            return dacc_error_set(err, DACC_ERR_INVALID, "shares %zu and %zu: same index %u", i, j,
                                  (unsigned)xs[i]);
        scalar_of(xj, xs[j]);
        crypto_core_ristretto255_scalar_sub(d, xx, xj);
        crypto_core_ristretto255_scalar_mul(num, num, d);
        crypto_core_ristretto255_scalar_sub(d, xi, xj);
        crypto_core_ristretto255_scalar_mul(den, den, d);
    }
    crypto_core_ristretto255_scalar_invert(inv, den);
    crypto_core_ristretto255_scalar_mul(coeff, num, inv);
    return DACC_OK;
}

dacc_status dacc_anon_lagrange_at_zero(const uint16_t *xs, size_t k, size_t i, uint8_t coeff[32],
                                       dacc_error *err)
{
    if (i >= k)
        return dacc_error_set(err, DACC_ERR_RANGE, "share %zu of %zu", i, k);
    return anon_lagrange_at(xs, k, i, 0, coeff, err);
}

dacc_status dacc_anon_shamir_combine(const uint16_t *xs, const uint8_t *shares, size_t k,
                                     uint8_t secret[32], dacc_error *err)
{
    if (k == 0)
        return dacc_error_set(err, DACC_ERR_RANGE, "shares: none given");
    uint8_t acc[32] = { 0 }, l[32], term[32];
    dacc_status st = DACC_OK;
    for (size_t i = 0; i < k && st == DACC_OK; i++) {
        if (!anon_scalar_ok(shares + 32 * i)) {
            st = dacc_error_set(err, DACC_ERR_INVALID, "share %zu: scalar not reduced", i);
            break;
        }
        if ((st = dacc_anon_lagrange_at_zero(xs, k, i, l, err)) != DACC_OK)
            break;
        crypto_core_ristretto255_scalar_mul(term, l, shares + 32 * i);
        crypto_core_ristretto255_scalar_add(acc, acc, term);
    }
    if (st == DACC_OK)
        memcpy(secret, acc, 32);
    sodium_memzero(acc, sizeof acc);
    sodium_memzero(term, sizeof term);
    return st;
}
