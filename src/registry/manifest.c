/* model-signing manifests (github.com/sigstore/model-transparency,
 * src/model_signing/_signing/signing.py and manifest.py): items sorted as
 * its manifest sorts them, the manifest digest, the v1.0 predicate, and
 * the comparison of a directory with a signed manifest. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Paths compare as Python's PurePosixPath does: component by component,
 * a path before the longer paths it is a prefix of. */
static int path_cmp(const char *a, const char *b)
{
    for (;;) {
        size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
        size_t m = la < lb ? la : lb;
        int c = memcmp(a, b, m);
        if (c != 0)
            return c;
        if (la != lb)
            return la < lb ? -1 : 1;
        a += la;
        b += lb;
        if (*a == '\0' || *b == '\0')
            return (*a != '\0') - (*b != '\0');
        a++;
        b++;
    }
}

static int item_cmp(const void *pa, const void *pb)
{
    const dacc_registry_item *a = pa, *b = pb;
    int c = path_cmp(a->path, b->path);
    if (c != 0)
        return c;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return (a->end > b->end) - (a->end < b->end);
}

dacc_status dacc_registry_manifest_sort(dacc_registry_item *items, size_t n,
                                        uint8_t digest[DACC_SHA256_BYTES], dacc_error *err)
{
    qsort(items, n, sizeof *items, item_cmp);
    dacc_sha256_ctx c;
    dacc_sha256_init(&c, DACC_SHA256_AUTO);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && item_cmp(&items[i - 1], &items[i]) == 0)
            return dacc_error_set(err, DACC_ERR_INVALID, "the manifest names \"%s\" twice",
                                  items[i].path);
        dacc_sha256_update(&c, items[i].digest, DACC_SHA256_BYTES);
    }
    dacc_sha256_final(&c, digest);
    return DACC_OK;
}

/* An item's resource name: its path, or "path:start:end" for a shard. */
static void item_name(const dacc_registry_item *it, int shards, dacc_buf *b)
{
    dacc_buf_reset(b);
    if (shards)
        dacc_buf_printf(b, "%s:%" PRIu64 ":%" PRIu64, it->path, it->start, it->end);
    else
        dacc_buf_printf(b, "%s", it->path);
}

dacc_status dacc_registry_manifest_statement(const dacc_registry_manifest_opts *o,
                                             const dacc_registry_item *items, size_t n,
                                             json_t **out, dacc_error *err)
{
    uint8_t root[DACC_SHA256_BYTES];
    dacc_sha256_ctx c;
    dacc_sha256_init(&c, DACC_SHA256_AUTO);
    json_t *res = json_array(), *ign = json_array();
    dacc_buf name;
    dacc_buf_init(&name, 0);
    int oom = res == NULL || ign == NULL;
    for (size_t i = 0; i < n && !oom; i++) {
        char hex[65];
        dacc_hex_encode(items[i].digest, 32, hex);
        dacc_sha256_update(&c, items[i].digest, 32);
        item_name(&items[i], o->shards, &name);
        oom = name.data == NULL ||
              json_array_append_new(res, json_pack("{s:s, s:s, s:s}", "name", name.data,
                                                   "algorithm", "sha256", "digest", hex)) != 0;
    }
    dacc_buf_free(&name);
    for (size_t i = 0; i < o->nignore && !oom; i++)
        oom = json_array_append_new(ign, json_string(o->ignore_paths[i])) != 0;
    dacc_sha256_final(&c, root);
    json_t *ser = oom ? NULL
                      : json_pack("{s:s, s:s, s:b}", "method", o->shards ? "shards" : "files",
                                  "hash_type", "sha256", "allow_symlinks", o->allow_symlinks);
    if (ser != NULL && o->shards)
        oom = json_object_set_new(ser, "shard_size", json_integer((json_int_t)o->shard_size)) != 0;
    if (ser != NULL && o->nignore > 0 && !oom)
        oom = json_object_set(ser, "ignore_paths", ign) != 0;
    json_t *pred =
        ser == NULL || oom ? NULL : json_pack("{s:O, s:O}", "serialization", ser, "resources", res);
    json_decref(ser);
    json_decref(res);
    json_decref(ign);
    if (pred == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "building the manifest");
    dacc_status st =
        dacc_registry_statement_new(DACC_REGISTRY_MODEL, o->model_name, root, pred, out, err);
    json_decref(pred);
    return st;
}

static dacc_status bad(const char *name, const char *field, dacc_error *err, const char *why)
{
    return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", field, "%s", why);
}

static dacc_status check_serialization(const char *name, const json_t *ser, dacc_error *err)
{
    const char *m = json_string_value(json_object_get(ser, "method"));
    const char *h = json_string_value(json_object_get(ser, "hash_type"));
    if (!json_is_object(ser))
        return bad(name, "predicate.serialization", err, "expected an object");
    if (m == NULL || (strcmp(m, "files") != 0 && strcmp(m, "shards") != 0))
        return bad(name, "predicate.serialization.method", err, "expected \"files\" or \"shards\"");
    if (h == NULL || strcmp(h, "sha256") != 0)
        return dacc_error_field(err, DACC_ERR_UNSUPPORTED, name, 0, "field",
                                "predicate.serialization.hash_type",
                                "only \"sha256\" is supported here");
    if (!json_is_boolean(json_object_get(ser, "allow_symlinks")))
        return bad(name, "predicate.serialization.allow_symlinks", err, "expected a boolean");
    const json_t *ss = json_object_get(ser, "shard_size");
    if (strcmp(m, "shards") == 0 && (!json_is_integer(ss) || json_integer_value(ss) <= 0))
        return bad(name, "predicate.serialization.shard_size", err, "expected a positive integer");
    const json_t *ign = json_object_get(ser, "ignore_paths");
    size_t i;
    const json_t *p;
    if (ign != NULL && !json_is_array(ign))
        return bad(name, "predicate.serialization.ignore_paths", err, "expected an array");
    json_array_foreach(ign, i, p) if (!json_is_string(p)) return bad(
        name, "predicate.serialization.ignore_paths", err, "expected strings");
    return DACC_OK;
}

dacc_status registry_check_model_signing(const char *name, const json_t *st, dacc_error *err)
{
    const json_t *subj = json_object_get(st, "subject");
    if (json_array_size(subj) != 1)
        return bad(name, "subject", err, "a model-signing statement has exactly one subject");
    const json_t *pred = json_object_get(st, "predicate");
    dacc_status s = check_serialization(name, json_object_get(pred, "serialization"), err);
    if (s != DACC_OK)
        return s;
    const json_t *res = json_object_get(pred, "resources");
    if (!json_is_array(res))
        return bad(name, "predicate.resources", err, "expected an array");
    dacc_sha256_ctx c;
    dacc_sha256_init(&c, DACC_SHA256_AUTO);
    size_t i;
    const json_t *r;
    char path[DACC_ERROR_FIELD_MAX];
    json_array_foreach(res, i, r)
    {
        const json_t *d = json_object_get(r, "digest");
        const char *alg = json_string_value(json_object_get(r, "algorithm"));
        registry_path(path, sizeof path, "predicate.resources", i, NULL);
        if (!json_is_string(json_object_get(r, "name")) || alg == NULL ||
            strcmp(alg, "sha256") != 0 ||
            !registry_hex64(json_string_value(d), json_string_length(d)))
            return bad(name, path, err,
                       "expected {\"name\", \"algorithm\": \"sha256\", \"digest\": 64 hex}");
        uint8_t b[32];
        dacc_hex_decode(json_string_value(d), 64, b, 32, NULL);
        dacc_sha256_update(&c, b, 32);
    }
    uint8_t root[32], want[32];
    dacc_sha256_final(&c, root);
    dacc_hex_decode(json_string_value(json_object_get(
                        json_object_get(json_array_get(subj, 0), "digest"), "sha256")),
                    64, want, 32, NULL);
    if (memcmp(root, want, 32) != 0)
        return dacc_error_field(err, DACC_ERR_VERIFY, name, 0, "field", "subject[0].digest.sha256",
                                "is not the SHA-256 of the resources' digests (the manifest is "
                                "inconsistent)");
    return DACC_OK;
}

dacc_status dacc_registry_manifest_params(const json_t *st, int *shards, uint64_t *shard_size,
                                          int *allow_symlinks, const json_t **ignore_paths,
                                          dacc_error *err)
{
    dacc_registry_kind k;
    dacc_status s = dacc_registry_statement_check("statement", st, &k, err);
    if (s != DACC_OK)
        return s;
    if (k != DACC_REGISTRY_MODEL)
        return dacc_error_set(err, DACC_ERR_INVALID, "not a model-signing statement");
    const json_t *ser = json_object_get(json_object_get(st, "predicate"), "serialization");
    *shards = strcmp(json_string_value(json_object_get(ser, "method")), "shards") == 0;
    *shard_size = *shards ? (uint64_t)json_integer_value(json_object_get(ser, "shard_size")) : 0;
    *allow_symlinks = json_is_true(json_object_get(ser, "allow_symlinks"));
    *ignore_paths = json_object_get(ser, "ignore_paths");
    return DACC_OK;
}

typedef struct {
    const char *name;
    const uint8_t *digest;
    uint8_t d[32];
} named;

static int named_cmp(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* Merges the two name-sorted lists, naming the first difference. */
static dacc_status merge(const named *want, size_t nw, const named *have, size_t nh,
                         dacc_error *err)
{
    size_t i = 0, j = 0;
    while (i < nw || j < nh) {
        int c = i == nw ? 1 : j == nh ? -1 : strcmp(want[i].name, have[j].name);
        if (c < 0)
            return dacc_error_set(err, DACC_ERR_VERIFY, "%s: missing from the model directory",
                                  want[i].name);
        if (c > 0)
            return dacc_error_set(err, DACC_ERR_VERIFY,
                                  "%s: an extra file, not in the signed manifest nor ignored",
                                  have[j].name);
        if (memcmp(want[i].digest, have[j].digest, 32) != 0)
            return dacc_error_set(err, DACC_ERR_VERIFY,
                                  "%s: changed (its SHA-256 is not the one signed)", have[j].name);
        i++;
        j++;
    }
    return DACC_OK;
}

dacc_status dacc_registry_manifest_compare(const json_t *st, const dacc_registry_item *items,
                                           size_t n, dacc_error *err)
{
    int shards, sym;
    uint64_t ss;
    const json_t *ign;
    dacc_status s = dacc_registry_manifest_params(st, &shards, &ss, &sym, &ign, err);
    if (s != DACC_OK)
        return s;
    const json_t *res = json_object_get(json_object_get(st, "predicate"), "resources");
    size_t nw = json_array_size(res);
    named *want = calloc(nw + 1, sizeof *want), *have = calloc(n + 1, sizeof *have);
    dacc_buf *names = calloc(n + 1, sizeof *names);
    if (want == NULL || have == NULL || names == NULL) {
        s = dacc_error_set(err, DACC_ERR_NOMEM, "comparing manifests");
        goto done;
    }
    for (size_t i = 0; i < nw; i++) {
        const json_t *r = json_array_get(res, i);
        want[i].name = json_string_value(json_object_get(r, "name"));
        dacc_hex_decode(json_string_value(json_object_get(r, "digest")), 64, want[i].d, 32, NULL);
        want[i].digest = want[i].d;
    }
    for (size_t i = 0; i < n; i++) {
        dacc_buf_init(&names[i], 0);
        item_name(&items[i], shards, &names[i]);
        if (names[i].data == NULL) {
            s = dacc_error_set(err, DACC_ERR_NOMEM, "comparing manifests");
            goto done;
        }
        have[i].name = names[i].data;
        have[i].digest = items[i].digest;
    }
    qsort(want, nw, sizeof *want, named_cmp);
    qsort(have, n, sizeof *have, named_cmp);
    for (size_t i = 1; i < nw; i++)
        if (strcmp(want[i - 1].name, want[i].name) == 0) {
            s = dacc_error_set(err, DACC_ERR_INVALID, "%s: named twice in the signed manifest",
                               want[i].name);
            goto done;
        }
    s = merge(want, nw, have, n, err);
done:
    for (size_t i = 0; names != NULL && i < n; i++)
        dacc_buf_free(&names[i]);
    free(names);
    free(want);
    free(have);
    return s;
}
