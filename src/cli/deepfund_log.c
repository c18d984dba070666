/* dacc deepfund run --log: the run recorded as a round in a log, so that a
 * published allocation is checked by `dacc round replay` rather than by
 * trust in whoever ran it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/codec.h"
#include "dacc/round.h"
#include "deepfund.h"
#include "round_cli.h"

/* The round's allocation must be the run's, amount for amount: both are
 * computed from the same values, so a difference is a defect, and the
 * round is not logged. The round's table lists the projects in natural
 * order of their ids, as the run's allocation.csv does. */
static dacc_status same_allocation(const dacc_round *r, const dacc_deepfund_graph *g,
                                   const dacc_deepfund_round_result *res, dacc_error *err)
{
    size_t n = dacc_deepfund_graph_nodes(g), *ord = malloc((n ? n : 1) * sizeof *ord);
    json_t *doc = NULL;
    dacc_status st = ord ? dacc_deepfund_graph_node_order(g, ord, err)
                         : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK)
        st = dacc_round_result(r, &doc, err);
    const json_t *table = json_object_get(json_object_get(doc, "result"), "table");
    for (size_t i = 0; st == DACC_OK && i < n; i++) {
        uint32_t v = (uint32_t)ord[i];
        char want[DACC_MONEY_STRLEN];
        dacc_money_format(res->amounts[v], res->decimals, 0, want);
        const json_t *row = json_array_get(table, i);
        const char *got = json_string_value(json_object_get(row, "amount"));
        const char *name = json_string_value(json_object_get(row, "project"));
        if (got == NULL || name == NULL || strcmp(got, want) != 0 ||
            strcmp(name, dacc_deepfund_graph_name(g, v)) != 0)
            st = dacc_error_set(err, DACC_ERR_STATE,
                                "the round allocates %s to %s where the run allocates %s to %s; "
                                "nothing logged",
                                got ? got : "nothing", name ? name : "?", want,
                                dacc_deepfund_graph_name(g, v));
    }
    json_decref(doc);
    free(ord);
    return st;
}

dacc_status df_record_run(const df_inputs *in, const dacc_deepfund_round_spec *spec,
                          const dacc_deepfund_round_result *res, const char *config,
                          const char *log_dir, const char *key_file, df_logged *out,
                          dacc_error *err)
{
    uint8_t sk[64];
    dacc_status st = round_load_key(key_file, sk, err);
    if (st != DACC_OK)
        return st;
    const char *base = strrchr(config, '/');
    char title[128];
    snprintf(title, sizeof title, "dacc deepfund run %.100s", base ? base + 1 : config);
    dacc_round_record rec;
    st = dacc_round_record_deepfund(in->g, in->jury,
                                    (const dacc_deepfund_submission *const *)in->sub, in->nsubs,
                                    spec, title, sk, &rec, err);
    sodium_memzero(sk, sizeof sk);
    if (st != DACC_OK)
        return st;
    st = same_allocation(rec.round, in->g, res, err);
    if (st == DACC_OK)
        st = round_log_append_record(log_dir, &rec, &out->first, err);
    if (st == DACC_OK) {
        memcpy(out->id, dacc_round_id(rec.round), 32);
        out->events = rec.n;
        st = dacc_round_result_hash(rec.round, out->result_sha256, err);
    }
    dacc_round_record_free(&rec);
    return st;
}

json_t *df_logged_json(const df_logged *l, const char *log_dir)
{
    char id[65], h[65];
    return json_pack("{sssssIsIss}", "id", dacc_hex_encode(l->id, 32, id), "log", log_dir,
                     "first_entry", (json_int_t)l->first, "events", (json_int_t)l->events,
                     "result_sha256", dacc_hex_encode(l->result_sha256, 32, h));
}
