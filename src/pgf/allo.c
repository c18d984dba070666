/* Allo v2's Merkle distribution: the tree OpenZeppelin's StandardMerkleTree
 * builds ("standard-v1"), whose root DonationVotingMerkleDistribution
 * checks each payout against. A leaf is keccak256(keccak256(abi.encode(
 * uint256 index, address recipientId, address recipientAddress, uint256
 * amount))); leaves are sorted by hash and laid out from the end of an
 * array heap whose node i has children 2i+1 and 2i+2, each parent the
 * keccak256 of its children in ascending order. */
#include <botan/ffi.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/csv.h"
#include "dacc/pgf.h"

struct dacc_pgf_allo_tree {
    size_t n;            /* leaves */
    uint8_t (*node)[32]; /* 2n - 1 nodes, root first */
    size_t *tree_index;  /* value i -> its node */
};

static dacc_status keccak(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                          uint8_t out[32], dacc_error *err)
{
    botan_hash_t h;
    if (botan_hash_init(&h, "Keccak-1600(256)", 0) != 0)
        return dacc_error_set(err, DACC_ERR_UNSUPPORTED, "Botan has no Keccak-1600(256)");
    int rc = botan_hash_update(h, a, alen);
    if (rc == 0 && blen > 0)
        rc = botan_hash_update(h, b, blen);
    if (rc == 0)
        rc = botan_hash_final(h, out);
    botan_hash_destroy(h);
    return rc == 0 ? DACC_OK : dacc_error_set(err, DACC_ERR_UNSUPPORTED, "Keccak-256 failed");
}

/* abi.encode of a uint256 holding v: 32 bytes, big-endian. */
static void word_u128(uint8_t w[32], dacc_u128 v)
{
    memset(w, 0, 32);
    for (int k = 31; k >= 16; k--, v >>= 8)
        w[k] = (uint8_t)v;
}

static void word_address(uint8_t w[32], const uint8_t a[20])
{
    memset(w, 0, 12);
    memcpy(w + 12, a, 20);
}

dacc_status dacc_pgf_allo_leaf(uint64_t index, const dacc_pgf_allo_payout *p, uint8_t out[32],
                               dacc_error *err)
{
    uint8_t enc[128], inner[32];
    word_u128(enc, index);
    word_address(enc + 32, p->recipient_id);
    word_address(enc + 64, p->recipient_address);
    word_u128(enc + 96, p->amount);
    dacc_status st = keccak(enc, sizeof enc, NULL, 0, inner, err);
    return st == DACC_OK ? keccak(inner, 32, NULL, 0, out, err) : st;
}

typedef struct {
    uint8_t hash[32];
    size_t value;
} leaf;

static int by_hash(const void *a, const void *b)
{
    int c = memcmp(((const leaf *)a)->hash, ((const leaf *)b)->hash, 32);
    return c ? c
             : (((const leaf *)a)->value > ((const leaf *)b)->value) -
                   (((const leaf *)a)->value < ((const leaf *)b)->value);
}

static dacc_status hash_pair(const uint8_t a[32], const uint8_t b[32], uint8_t out[32],
                             dacc_error *err)
{
    return memcmp(a, b, 32) <= 0 ? keccak(a, 32, b, 32, out, err) : keccak(b, 32, a, 32, out, err);
}

static dacc_status build(dacc_pgf_allo_tree *t, const dacc_pgf_allo_payout *p, leaf *l,
                         dacc_error *err)
{
    size_t n = t->n, len = 2 * n - 1;
    dacc_status st = DACC_OK;
    for (size_t i = 0; st == DACC_OK && i < n; i++) {
        l[i].value = i;
        st = dacc_pgf_allo_leaf(i, &p[i], l[i].hash, err);
    }
    if (st != DACC_OK)
        return st;
    qsort(l, n, sizeof *l, by_hash);
    for (size_t i = 0; i < n; i++) {
        memcpy(t->node[len - 1 - i], l[i].hash, 32);
        t->tree_index[l[i].value] = len - 1 - i;
    }
    for (size_t i = len - n; st == DACC_OK && i-- > 0;)
        st = hash_pair(t->node[2 * i + 1], t->node[2 * i + 2], t->node[i], err);
    return st;
}

dacc_status dacc_pgf_allo_tree_new(const dacc_pgf_allo_payout *payouts, size_t n,
                                   dacc_pgf_allo_tree **out, dacc_error *err)
{
    *out = NULL;
    if (n == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "a distribution needs at least one payout");
    if (n > SIZE_MAX / 64)
        return dacc_error_set(err, DACC_ERR_LIMIT, "too many payouts");
    dacc_pgf_allo_tree *t = calloc(1, sizeof *t);
    leaf *l = malloc(n * sizeof *l);
    if (t != NULL) {
        t->n = n;
        t->node = malloc((2 * n - 1) * sizeof *t->node);
        t->tree_index = malloc(n * sizeof *t->tree_index);
    }
    dacc_status st = t && l && t->node && t->tree_index
                         ? build(t, payouts, l, err)
                         : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    free(l);
    if (st != DACC_OK) {
        dacc_pgf_allo_tree_free(t);
        return st;
    }
    *out = t;
    return DACC_OK;
}

void dacc_pgf_allo_tree_free(dacc_pgf_allo_tree *t)
{
    if (t == NULL)
        return;
    free(t->node);
    free(t->tree_index);
    free(t);
}

size_t dacc_pgf_allo_nodes(const dacc_pgf_allo_tree *t)
{
    return 2 * t->n - 1;
}

const uint8_t *dacc_pgf_allo_node(const dacc_pgf_allo_tree *t, size_t i)
{
    return t->node[i];
}

size_t dacc_pgf_allo_tree_index(const dacc_pgf_allo_tree *t, size_t value)
{
    return t->tree_index[value];
}

size_t dacc_pgf_allo_proof(const dacc_pgf_allo_tree *t, size_t value, const uint8_t **proof,
                           size_t cap)
{
    size_t k = 0;
    for (size_t i = t->tree_index[value]; i > 0; i = (i - 1) / 2) {
        if (k < cap)
            proof[k] = t->node[i % 2 ? i + 1 : i - 1];
        k++;
    }
    return k;
}

/* "0x" and 40 hex digits: an Ethereum address. */
static dacc_status parse_address(dacc_csv *csv, size_t col, uint8_t out[20], dacc_error *err)
{
    size_t len;
    const char *s = dacc_csv_field(csv, col, &len);
    if (s == NULL || len != 42 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') ||
        dacc_hex_decode(s + 2, 40, out, 20, NULL) != DACC_OK)
        return dacc_csv_error(csv, col, err, DACC_ERR_PARSE,
                              "expected an address (0x and 40 hex digits)");
    return DACC_OK;
}

static dacc_status recipient_row(dacc_csv *csv, const dacc_pgf_round *r, const size_t col[3],
                                 dacc_pgf_allo_payout *out, unsigned char *found, dacc_error *err)
{
    size_t len;
    const char *name = dacc_csv_field(csv, col[0], &len);
    size_t p = dacc_pgf_round_find_project(r, name ? name : "", name ? len : 0);
    if (p == SIZE_MAX)
        return DACC_OK; /* a project without donations has no payout */
    dacc_pgf_allo_payout row = { .amount = out[p].amount };
    dacc_status st = parse_address(csv, col[1], row.recipient_id, err);
    if (st == DACC_OK)
        st = parse_address(csv, col[2], row.recipient_address, err);
    if (st != DACC_OK)
        return st;
    if (found[p] && memcmp(&row, &out[p], sizeof row) != 0)
        return dacc_csv_error(csv, col[2], err, DACC_ERR_INVALID,
                              "project \"%s\" has another recipient on an earlier line", name);
    out[p] = row;
    found[p] = 1;
    return DACC_OK;
}

dacc_status dacc_pgf_allo_recipients_read_memory(const dacc_pgf_round *r, const char *name,
                                                 const char *data, size_t len,
                                                 const char *const cols[3],
                                                 dacc_pgf_allo_payout *out, dacc_error *err)
{
    size_t n = dacc_pgf_round_projects(r), col[3];
    unsigned char *found = calloc(n ? n : 1, 1);
    dacc_csv *csv = NULL;
    dacc_status st = found ? dacc_csv_open_memory(name, data, len, NULL, &csv, err)
                           : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (int k = 0; st == DACC_OK && k < 3; k++)
        st = dacc_csv_require(csv, cols[k], &col[k], err);
    while (st == DACC_OK && (st = dacc_csv_next(csv, err)) == DACC_OK)
        st = recipient_row(csv, r, col, out, found, err);
    if (st == DACC_END)
        st = DACC_OK;
    for (size_t p = 0; st == DACC_OK && p < n; p++)
        if (!found[p])
            st = dacc_error_at(err, DACC_ERR_NOTFOUND, name, 0, 0,
                               "no recipient for project \"%s\"", dacc_pgf_round_project(r, p));
    dacc_csv_free(csv);
    free(found);
    return st;
}
