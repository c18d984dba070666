/* A round's config (`dacc deepfund run`): JSON parsed from memory into the
 * round it describes. File names stay as written; the caller resolves them
 * against the config's directory. */
#include <stdlib.h>
#include <string.h>

#include "dacc/deepfund.h"
#include "dacc/json.h"

#define MAX_SUBS  1024
#define MAX_SEEDS 256

struct dacc_deepfund_config {
    json_t *root; /* owns every string of spec */
    dacc_deepfund_round_spec spec;
    const char *sub_names[MAX_SUBS], *sub_files[MAX_SUBS];
    const char *seed_nodes[MAX_SEEDS];
};

/* A misspelt key ("orginality") would silently run a different round, so
 * every key must be one of the documented ones. */
static dacc_status known_keys(const json_t *obj, const char *const *keys, size_t n,
                              const char *file, const char *within, dacc_error *err)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        size_t i = 0;
        while (i < n && strcmp(keys[i], key) != 0)
            i++;
        if (i == n)
            return dacc_error_field(err, DACC_ERR_INVALID, file, 0, "key", key,
                                    "unknown %s (docs/deepfund.md lists the keys)", within);
    }
    return DACC_OK;
}

static dacc_status check_keys(const json_t *config, const char *file, dacc_error *err)
{
    static const char *const top[] = { "graph",    "jury",        "submissions", "pool",
                                       "decimals", "originality", "seed_nodes",  "split",
                                       "huber",    "normalize",   "lenient",     "parent" };
    static const char *const split[] = { "seed", "private" };
    dacc_status st = known_keys(config, top, sizeof top / sizeof top[0], file, "key", err);
    const json_t *sp = json_object_get(config, "split");
    if (st == DACC_OK && sp != NULL && !json_is_object(sp))
        return dacc_error_field(err, DACC_ERR_INVALID, file, 0, "key", "split",
                                "expected an object {\"seed\": ..., \"private\": ...}");
    if (st == DACC_OK && sp != NULL)
        st = known_keys(sp, split, 2, file, "key of split", err);
    return st;
}

static dacc_status read_submissions(dacc_deepfund_config *c, const char *file, dacc_error *err)
{
    const json_t *subs = json_object_get(c->root, "submissions");
    if (subs == NULL || json_is_null(subs))
        return DACC_OK;
    if (!json_is_object(subs))
        return dacc_error_field(err, DACC_ERR_INVALID, file, 0, "key", "submissions",
                                "expected an object {\"name\": \"file.csv\", ...}");
    const char *name;
    const json_t *v;
    json_object_foreach((json_t *)subs, name, v)
    {
        if (!json_is_string(v) || json_string_length(v) == 0)
            return dacc_error_field(err, DACC_ERR_INVALID, file, 0, "key", name,
                                    "expected a file name");
        if (strchr(name, '=') != NULL || name[0] == '\0')
            return dacc_error_field(err, DACC_ERR_INVALID, file, 0, "key", name,
                                    "a submission name must be non-empty without '='");
        if (c->spec.nsubs == MAX_SUBS)
            return dacc_error_set(err, DACC_ERR_LIMIT, "%s: more than %d submissions", file,
                                  MAX_SUBS);
        c->sub_names[c->spec.nsubs] = name;
        c->sub_files[c->spec.nsubs++] = json_string_value(v);
    }
    return DACC_OK;
}

static dacc_status read_seed_nodes(dacc_deepfund_config *c, const char *file, dacc_error *err)
{
    const json_t *s = json_object_get(c->root, "seed_nodes");
    if (s == NULL || json_is_null(s))
        return DACC_OK;
    if (!json_is_array(s) || json_array_size(s) > MAX_SEEDS)
        return dacc_error_field(err, DACC_ERR_INVALID, file, 0, "key", "seed_nodes",
                                "expected an array of at most %d project names", MAX_SEEDS);
    for (size_t i = 0; i < json_array_size(s); i++) {
        const json_t *v = json_array_get(s, i);
        if (!json_is_string(v))
            return dacc_error_field(err, DACC_ERR_INVALID, file, 0, "key", "seed_nodes",
                                    "entry %zu is not a string", i);
        c->seed_nodes[c->spec.nseed_nodes++] = json_string_value(v);
    }
    return DACC_OK;
}

static dacc_status read_flags(dacc_deepfund_config *c, const char *file, dacc_error *err)
{
    int64_t decimals = 0;
    dacc_status st = dacc_json_get_bool(c->root, "normalize", false, file, &c->spec.normalize, err);
    if (st == DACC_OK)
        st = dacc_json_get_bool(c->root, "lenient", false, file, &c->spec.lenient, err);
    if (st == DACC_OK)
        st = dacc_json_get_int(c->root, "decimals", false, file, &decimals, err);
    if (st == DACC_OK && (decimals < 0 || decimals > DACC_MONEY_MAX_DECIMALS))
        st = dacc_error_field(err, DACC_ERR_RANGE, file, 0, "key", "decimals", "expected 0 to %d",
                              DACC_MONEY_MAX_DECIMALS);
    c->spec.decimals = (unsigned)decimals;
    return st;
}

static dacc_status read_numbers(dacc_deepfund_config *c, const char *file, dacc_error *err)
{
    dacc_deepfund_round_spec *s = &c->spec;
    dacc_status st =
        dacc_json_get_double(c->root, "originality", false, file, &s->originality, err);
    if (st == DACC_OK)
        st = dacc_json_get_double(c->root, "huber", false, file, &s->huber, err);
    if (st == DACC_OK)
        st = dacc_json_get_double(c->root, "split.private", false, file, &s->private_fraction, err);
    if (st == DACC_OK)
        st = dacc_json_get_string(c->root, "split.seed", false, file, &s->split_seed, err);
    if (st == DACC_OK && !(s->originality >= 0 && s->originality <= 1))
        st = dacc_error_field(err, DACC_ERR_RANGE, file, 0, "key", "originality",
                              "expected a number in [0,1]");
    if (st == DACC_OK && !(s->private_fraction >= 0 && s->private_fraction <= 1))
        st = dacc_error_field(err, DACC_ERR_RANGE, file, 0, "key", "split.private",
                              "expected a number in [0,1]");
    if (st == DACC_OK && !(s->huber >= 0 && s->huber <= 1e6))
        st = dacc_error_field(err, DACC_ERR_RANGE, file, 0, "key", "huber",
                              "expected a number in [0, 10^6]");
    return st;
}

static dacc_status read_all(dacc_deepfund_config *c, const char *file, dacc_error *err)
{
    dacc_deepfund_round_spec *s = &c->spec;
    if (!json_is_object(c->root))
        return dacc_error_at(err, DACC_ERR_INVALID, file, 0, 0, "expected a JSON object");
    dacc_status st = check_keys(c->root, file, err);
    if (st == DACC_OK)
        st = dacc_json_get_string(c->root, "graph", false, file, &s->graph, err);
    if (st == DACC_OK)
        st = dacc_json_get_string(c->root, "jury", true, file, &s->jury, err);
    if (st == DACC_OK)
        st = dacc_json_get_string(c->root, "pool", true, file, &s->pool, err);
    if (st == DACC_OK)
        st = dacc_json_get_string(c->root, "parent", false, file, &s->parent, err);
    if (st == DACC_OK)
        st = read_flags(c, file, err);
    if (st == DACC_OK)
        st = read_numbers(c, file, err);
    if (st == DACC_OK)
        st = read_submissions(c, file, err);
    if (st == DACC_OK)
        st = read_seed_nodes(c, file, err);
    return st;
}

dacc_status dacc_deepfund_config_parse(const char *name, const char *data, size_t len,
                                       dacc_deepfund_config **out, dacc_error *err)
{
    dacc_deepfund_config *c = calloc(1, sizeof *c);
    if (c == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    c->spec.split_seed = "dacc";
    c->spec.sub_names = c->sub_names;
    c->spec.sub_files = c->sub_files;
    c->spec.seed_nodes = c->seed_nodes;
    dacc_status st = dacc_json_load_buffer(name, data, len, &c->root, err);
    if (st == DACC_OK)
        st = read_all(c, name, err);
    if (st != DACC_OK) {
        dacc_deepfund_config_free(c);
        return st;
    }
    *out = c;
    return DACC_OK;
}

const dacc_deepfund_round_spec *dacc_deepfund_config_spec(const dacc_deepfund_config *c)
{
    return &c->spec;
}

void dacc_deepfund_config_free(dacc_deepfund_config *c)
{
    if (c == NULL)
        return;
    json_decref(c->root);
    free(c);
}
