/* The decimal view of a round's amounts: what people read beside what the
 * round hashes. The pgf and market results keep base units ("950"), the
 * attested form (round/result carries the hash of those bytes, so it
 * cannot change); the view writes them at the round's decimals ("9.50").
 * Which members hold base units is a fact of each mechanism's result,
 * listed here in one place. */
#include <string.h>

#include "dacc/money.h"
#include "dacc/round.h"

/* Members holding base units: at the top of the object, in each row of
 * its "table", in each row of its "markets". */
typedef struct {
    const char *mechanism;
    const char *const *top, *const *table, *const *markets;
    const char *const *columns; /* the table's amounts, in either form */
} money_members;

static const char *const pgf_top[] = { "pool", "undistributed", "donated", NULL };
static const char *const pgf_table[] = { "donated", "payout", NULL };
static const char *const market_table[] = { "balance", NULL };
static const char *const market_rows[] = { "collateral", "fees", NULL };
static const char *const deepfund_table[] = { "amount", NULL };
static const char *const none[] = { NULL };

static const money_members members[] = {
    { "pgf", pgf_top, pgf_table, none, pgf_table },
    { "market", none, market_table, market_rows, market_table },
    { "deepfund", none, none, none, deepfund_table },
};

const char *const *dacc_round_money_columns(const char *mechanism)
{
    for (size_t m = 0; m < sizeof members / sizeof members[0]; m++)
        if (strcmp(members[m].mechanism, mechanism) == 0)
            return members[m].columns;
    return none;
}

static dacc_status rewrite(json_t *o, const char *const *keys, unsigned decimals, dacc_error *err)
{
    for (size_t i = 0; json_is_object(o) && keys[i] != NULL; i++) {
        const char *v = json_string_value(json_object_get(o, keys[i]));
        if (v == NULL)
            continue;
        dacc_u128 units;
        if (dacc_money_parse(v, strlen(v), 0, &units, err) != DACC_OK)
            return dacc_error_set(err, DACC_ERR_INVALID, "%s: expected base units, got \"%s\"",
                                  keys[i], v);
        char text[DACC_MONEY_STRLEN];
        dacc_money_format(units, decimals, 0, text);
        if (json_object_set_new(o, keys[i], json_string(text)) != 0)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    return DACC_OK;
}

static dacc_status rewrite_rows(json_t *rows, const char *const *keys, unsigned decimals,
                                dacc_error *err)
{
    dacc_status st = DACC_OK;
    for (size_t i = 0; st == DACC_OK && i < json_array_size(rows); i++)
        st = rewrite(json_array_get(rows, i), keys, decimals, err);
    return st;
}

dacc_status dacc_round_money_view(const char *mechanism, unsigned decimals, const json_t *v,
                                  json_t **out, dacc_error *err)
{
    *out = NULL;
    if (decimals > DACC_MONEY_MAX_DECIMALS)
        return dacc_error_set(err, DACC_ERR_RANGE, "decimals: at most %d, not %u",
                              DACC_MONEY_MAX_DECIMALS, decimals);
    json_t *copy = json_deep_copy(v);
    if (copy == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_status st = DACC_OK;
    for (size_t m = 0; m < sizeof members / sizeof members[0] && st == DACC_OK; m++) {
        const money_members *mm = &members[m];
        if (strcmp(mm->mechanism, mechanism) != 0)
            continue;
        st = rewrite(copy, mm->top, decimals, err);
        if (st == DACC_OK)
            st = rewrite_rows(json_object_get(copy, "table"), mm->table, decimals, err);
        if (st == DACC_OK)
            st = rewrite_rows(json_object_get(copy, "markets"), mm->markets, decimals, err);
    }
    if (st != DACC_OK) {
        json_decref(copy);
        return st;
    }
    *out = copy;
    return DACC_OK;
}
