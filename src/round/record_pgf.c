/* A batch public-goods funding run (`dacc fund qf|cocm|pairwise --log`)
 * recorded as a round: the donations it read become the events of a round
 * of the pgf mechanism, each signed by a key derived from the operator's
 * and the donor's name, and the last event attests the result's hash, so
 * anyone who replays the round from the log recomputes the payouts.
 *
 * Amounts go into events as base units at the round's decimals, and the
 * round reads each back through its decimal text (mech_pgf.c), so a
 * donation the export gave as exact decimal text is the same double in
 * the round as in the batch command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/intern.h"
#include "dacc/tlog.h"
#include "internal.h"

/* Keys a config or a round/admit event lists: 500 keys in hex take about
 * 34,000 bytes, which with the rest of the config fits one log entry. */
#define KEYS_PER_EVENT 500
#define PGF_DOMAIN     "dacc fund run key\n" /* of the donors' keys */
/* The mechanism's limits (mech_pgf.c). */
#define MAX_DECIMALS 18

static dacc_status nomem(dacc_error *err)
{
    return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

void dacc_round_record_pgf_donor(const uint8_t op_sk[64], const char *donor, uint8_t pk[32])
{
    uint8_t sk[64];
    round_record_key(op_sk, PGF_DOMAIN, "donor", donor, sk);
    memcpy(pk, sk + 32, 32);
    sodium_memzero(sk, sizeof sk);
}

static json_t *units_json(dacc_u128 v)
{
    char t[DACC_MONEY_STRLEN];
    dacc_money_format(v, 0, 0, t);
    return json_string(t);
}

/* A real as the text that reads back to the same double. */
static json_t *decimal_json(double v)
{
    char t[40];
    snprintf(t, sizeof t, "%.17g", v);
    return json_string(t);
}

static json_t *hex_key(const uint8_t sk[64])
{
    char hex[65];
    return json_string(dacc_hex_encode(sk + 32, 32, hex));
}

static json_t *params_of(const dacc_round_pgf_spec *spec)
{
    json_t *p = json_object();
    if (p == NULL)
        return NULL;
    json_object_set_new(p, "pool", units_json(spec->pool));
    json_object_set_new(p, "decimals", json_integer(spec->decimals));
    json_object_set_new(p, "method", json_string(spec->method));
    if (spec->cap > 0 && spec->cap < 1)
        json_object_set_new(p, "cap", decimal_json(spec->cap));
    if (strcmp(spec->method, "pairwise") == 0)
        json_object_set_new(p, "M", decimal_json(spec->M));
    return p;
}

/* The config, with the first keys; round/admit events with the rest. */
static dacc_status config_and_admit(dacc_round_record *rec, const dacc_round_pgf_spec *spec,
                                    const char *title, const uint8_t (*keys)[64], size_t nkeys,
                                    const uint8_t op_sk[64], dacc_error *err)
{
    json_t *eligible = json_array();
    for (size_t i = 0; eligible != NULL && i < nkeys && i < KEYS_PER_EVENT; i++)
        json_array_append_new(eligible, hex_key(keys[i]));
    json_t *body = json_pack("{sssss{so}s[{ssss}]so}", "mechanism", "pgf", "title", title,
                             "eligible", "keys", eligible, "phases", "name", "donations", "close",
                             "operator", "params", params_of(spec));
    dacc_status st = round_record_emit(rec, op_sk, "round/config", body, "the round's config", err);
    for (size_t i = KEYS_PER_EVENT; i < nkeys && st == DACC_OK; i += KEYS_PER_EVENT) {
        json_t *list = json_array();
        for (size_t k = i; list != NULL && k < nkeys && k < i + KEYS_PER_EVENT; k++)
            json_array_append_new(list, hex_key(keys[k]));
        st = round_record_emit(rec, op_sk, "round/admit", json_pack("{so}", "keys", list),
                               "round/admit", err);
    }
    return st;
}

static dacc_status donation(dacc_round_record *rec, const dacc_round_donation *d, size_t i,
                            const uint8_t sk[64], dacc_error *err)
{
    char what[64];
    snprintf(what, sizeof what, "donation %zu", i + 1);
    if (!dacc_utf8_valid(d->project, strlen(d->project), NULL))
        return dacc_error_set(err, DACC_ERR_INVALID, "%s: the project's name is not UTF-8", what);
    return round_record_emit(
        rec, sk, "pgf/donation",
        json_pack("{ssso}", "project", d->project, "amount", units_json(d->units)), what, err);
}

static dacc_status attest(dacc_round_record *rec, const uint8_t op_sk[64], dacc_error *err)
{
    uint8_t h[32];
    char hex[65];
    dacc_status st = dacc_round_result_hash(rec->round, h, err);
    return st == DACC_OK
               ? round_record_emit(rec, op_sk, "round/result",
                                   json_pack("{ss}", "sha256", dacc_hex_encode(h, 32, hex)),
                                   "round/result", err)
               : st;
}

static dacc_status check_spec(size_t n, const dacc_round_pgf_spec *spec, dacc_error *err)
{
    if (n == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "no donations to record");
    if (spec->method == NULL ||
        (strcmp(spec->method, "qf") != 0 && strcmp(spec->method, "cocm") != 0 &&
         strcmp(spec->method, "pairwise") != 0))
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "method: a round pays by qf, cocm or pairwise, not \"%s\"",
                              spec->method ? spec->method : "");
    if (spec->decimals > MAX_DECIMALS)
        return dacc_error_set(err, DACC_ERR_INVALID, "decimals: a pgf round has at most %d, not %u",
                              MAX_DECIMALS, spec->decimals);
    return DACC_OK;
}

/* Each donation's donor as an index into the distinct donors, in
 * first-seen order, and those donors' keys. */
static dacc_status donors(const dacc_round_donation *d, size_t n, const uint8_t op_sk[64],
                          uint32_t *who, uint8_t (**keys)[64], size_t *nkeys, dacc_error *err)
{
    dacc_intern *names = dacc_intern_new(0);
    dacc_status st = names ? DACC_OK : nomem(err);
    for (size_t i = 0; i < n && st == DACC_OK; i++)
        if ((st = dacc_intern_add(names, d[i].donor, strlen(d[i].donor), &who[i], NULL)) != DACC_OK)
            st = st == DACC_ERR_NOMEM ? nomem(err)
                                      : dacc_error_set(err, st,
                                                       "donation %zu: too many donors, "
                                                       "or a donor's name too long",
                                                       i + 1);
    size_t k = names ? dacc_intern_count(names) : 0;
    *keys = st == DACC_OK ? malloc((k ? k : 1) * sizeof **keys) : NULL;
    if (st == DACC_OK && *keys == NULL)
        st = nomem(err);
    for (size_t i = 0; i < n && st == DACC_OK; i++)
        if (who[i] == *nkeys) /* first seen: new donors take the next index */
            round_record_key(op_sk, PGF_DOMAIN, "donor", d[i].donor, (*keys)[(*nkeys)++]);
    dacc_intern_free(names);
    return st;
}

dacc_status dacc_round_record_pgf(const dacc_round_donation *d, size_t n,
                                  const dacc_round_pgf_spec *spec, const char *title,
                                  const uint8_t op_sk[64], dacc_round_record *out, dacc_error *err)
{
    memset(out, 0, sizeof *out);
    dacc_status st = check_spec(n, spec, err);
    if (st != DACC_OK)
        return st;
    uint32_t *who = malloc(n * sizeof *who);
    uint8_t(*keys)[64] = NULL;
    size_t nkeys = 0;
    st = who ? donors(d, n, op_sk, who, &keys, &nkeys, err) : nomem(err);
    if (st == DACC_OK)
        st = config_and_admit(out, spec, title, (const uint8_t(*)[64])keys, nkeys, op_sk, err);
    for (size_t i = 0; i < n && st == DACC_OK; i++)
        st = donation(out, &d[i], i, keys[who[i]], err);
    if (st == DACC_OK)
        st = round_record_emit(out, op_sk, "round/close", json_pack("{ss}", "phase", "donations"),
                               "round/close", err);
    if (st == DACC_OK)
        st = attest(out, op_sk, err);
    if (keys != NULL)
        sodium_memzero(keys, nkeys * sizeof *keys);
    free(keys);
    free(who);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "recording the run as a round: ");
        dacc_round_record_free(out);
    }
    return st;
}
