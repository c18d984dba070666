/* dacc screen: reading and writing its key, share and keyset files. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "anon_cli.h"
#include "dacc/codec.h"
#include "dacc/file.h"
#include "dacc/json.h"
#include "screen_cli.h"

static dacc_status load(const char *path, const char *kind, json_t **out, dacc_error *err)
{
    char *text = NULL;
    size_t len;
    dacc_status st = dacc_file_read(path, SCREEN_FILE_MAX, &text, &len, err);
    if (st == DACC_OK)
        st = dacc_json_load_buffer(path, text, len, out, err);
    if (text != NULL)
        sodium_memzero(text, len);
    free(text);
    if (st != DACC_OK)
        return st;
    const char *k = json_string_value(json_object_get(*out, "kind"));
    if (kind != NULL && (k == NULL || strcmp(k, kind) != 0)) {
        json_decref(*out);
        *out = NULL;
        return dacc_error_field(err, DACC_ERR_PARSE, path, 0, "field", "kind", "expected \"%s\"",
                                kind);
    }
    return DACC_OK;
}

static dacc_status hex32(const char *path, const json_t *o, const char *field, uint8_t out[32],
                         dacc_error *err)
{
    const json_t *v = json_object_get(o, field);
    if (!json_is_string(v) ||
        dacc_hex_decode(json_string_value(v), json_string_length(v), out, 32, NULL) != DACC_OK)
        return dacc_error_field(err, DACC_ERR_PARSE, path, 0, "field", field,
                                "expected 64 hex digits");
    return DACC_OK;
}

/* Wipes the secret strings of a parsed secret file before freeing it. */
static void wipe_free(json_t *o, const char *field)
{
    json_t *v = json_object_get(o, field);
    if (json_is_string(v))
        sodium_memzero((char *)json_string_value(v), json_string_length(v));
    json_decref(o);
}

dacc_status screen_load_key(const char *path, uint8_t key[32], uint8_t pk[32], dacc_error *err)
{
    json_t *o;
    dacc_status st = load(path, SCREEN_KEY_KIND, &o, err);
    if (st != DACC_OK)
        return st;
    uint8_t check[32];
    st = hex32(path, o, "key", key, err);
    if (st == DACC_OK)
        st = hex32(path, o, "public", pk, err);
    if (st == DACC_OK &&
        (dacc_anon_public_key(key, check, NULL) != DACC_OK || sodium_memcmp(check, pk, 32) != 0))
        st = dacc_error_field(err, DACC_ERR_INVALID, path, 0, "field", "public",
                              "not the public key of \"key\"");
    wipe_free(o, "key");
    if (st != DACC_OK)
        sodium_memzero(key, 32);
    return st;
}

static dacc_status keyset_of(const char *path, const json_t *o, dacc_screen_keyset **ks,
                             dacc_error *err)
{
    char *text = json_dumps(o, JSON_COMPACT);
    if (text == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "%s", path);
    dacc_status st = dacc_screen_keyset_parse(path, text, strlen(text), ks, err);
    free(text);
    return st;
}

dacc_status screen_load_share(const char *path, unsigned *index, uint8_t share[32],
                              dacc_screen_keyset **ks, dacc_error *err)
{
    *ks = NULL;
    json_t *o;
    dacc_status st = load(path, SCREEN_SHARE_KIND, &o, err);
    if (st != DACC_OK)
        return st;
    const json_t *ix = json_object_get(o, "index");
    st = hex32(path, o, "share", share, err);
    if (st == DACC_OK)
        st = keyset_of(path, json_object_get(o, "keyset"), ks, err);
    if (st == DACC_OK && (!json_is_integer(ix) || json_integer_value(ix) < 1 ||
                          json_integer_value(ix) > dacc_screen_keyset_count(*ks)))
        st = dacc_error_field(err, DACC_ERR_RANGE, path, 0, "field", "index",
                              "expected a keyserver index of the keyset");
    uint8_t K[32];
    if (st == DACC_OK) {
        *index = (unsigned)json_integer_value(ix);
        if (dacc_anon_public_key(share, K, NULL) != DACC_OK ||
            sodium_memcmp(K, dacc_screen_keyset_share_key(*ks, *index), 32) != 0)
            st = dacc_error_field(err, DACC_ERR_INVALID, path, 0, "field", "share",
                                  "not the share whose key the keyset publishes for index %u",
                                  *index);
    }
    wipe_free(o, "share");
    if (st != DACC_OK) {
        sodium_memzero(share, 32);
        dacc_screen_keyset_free(*ks);
        *ks = NULL;
    }
    return st;
}

dacc_status screen_load_keyset(const char *path, dacc_screen_keyset **ks, dacc_error *err)
{
    json_t *o;
    dacc_status st = load(path, NULL, &o, err);
    if (st != DACC_OK)
        return st;
    const char *k = json_string_value(json_object_get(o, "kind"));
    if (k != NULL && strcmp(k, SCREEN_SHARE_KIND) == 0)
        st = keyset_of(path, json_object_get(o, "keyset"), ks, err);
    else
        st = keyset_of(path, o, ks, err);
    wipe_free(o, "share");
    return st;
}

dacc_status screen_write_json(const char *path, const json_t *v, int secret, dacc_error *err)
{
    char *text = dacc_json_dumps(v, JSON_INDENT(2));
    if (text == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "%s", path);
    size_t n = strlen(text);
    char *line = malloc(n + 2);
    dacc_status st = DACC_ERR_NOMEM;
    if (line != NULL) {
        memcpy(line, text, n);
        memcpy(line + n, "\n", 2);
        st = anon_write(path, line, secret, err);
        sodium_memzero(line, n + 1);
    }
    sodium_memzero(text, n);
    free(text);
    free(line);
    return st == DACC_ERR_NOMEM ? dacc_error_set(err, st, "%s", path) : st;
}
