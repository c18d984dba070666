/* Rounds in a log: appends are checked before they are logged and all or
 * nothing; the index finds a round's entries and is rebuilt when lost;
 * replay from the log equals the live round after every event, a flipped
 * byte in any logged entry stops replay at that entry, and reordering two
 * authors' events gives the same result or the same refusal. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dacc/store.h"
#include "dacc/tlog.h"
#include "fixture.h"
#include "pg.h"
#include "support.h"

typedef struct {
    char *dir, *db, *index;
    dacc_tlog_signer signer;
    dacc_tlog_log *log;
    dacc_store *store;
} log_fixture;

static void open_log(log_fixture *f)
{
    dacc_error err;
    cr_assert_eq(dacc_tlog_log_open(f->db, &f->signer, &f->log, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_store_open(f->log, f->index, &f->store, &err), DACC_OK, "%s", err.message);
}

static void close_log(log_fixture *f)
{
    dacc_store_free(f->store);
    dacc_tlog_log_free(f->log);
    f->store = NULL;
    f->log = NULL;
}

static void make_log(log_fixture *f)
{
    f->dir = make_temp_dir();
    f->db = test_log_location(f->dir);
    f->index = path_join(f->dir, "rounds.db");
    dacc_error err;
    cr_assert_eq(dacc_tlog_keygen("example.org/rounds", DACC_TLOG_KEY_ED25519, &f->signer, &err),
                 DACC_OK);
    cr_assert_eq(dacc_tlog_log_create(f->db, "example.org/rounds", &err), DACC_OK, "%s",
                 err.message);
    open_log(f);
}

static void drop_log(log_fixture *f)
{
    close_log(f);
    remove_tree(f->dir);
    free(f->dir), free(f->db), free(f->index);
}

static dacc_status append(log_fixture *f, dacc_buf env, uint64_t *entry, dacc_error *err)
{
    const void *p = env.data;
    size_t len = env.len, bad;
    dacc_status st = dacc_store_append(f->store, &p, &len, 1, entry, &bad, err);
    dacc_buf_free(&env);
    return st;
}

static test_key op, donors[4];
static const char *const names[] = { "alice", "bob", "carol", "dave" };

static dacc_buf pgf_config(void)
{
    test_key_of("operator", &op);
    char body[2048];
    int n = snprintf(body, sizeof body, "{\"mechanism\":\"pgf\",\"eligible\":{\"keys\":[");
    for (int i = 0; i < 4; i++) {
        test_key_of(names[i], &donors[i]);
        n += snprintf(body + n, sizeof body - (size_t)n, "%s\"%s\"", i ? "," : "", donors[i].hex);
    }
    snprintf(body + n, sizeof body - (size_t)n,
             "]},\"phases\":[{\"name\":\"donations\",\"close\":\"operator\"}],"
             "\"params\":{\"pool\":\"1000000\",\"decimals\":2}}");
    return test_event(&op, NULL, "round/config", body, 0);
}

static dacc_buf donation(int who, uint64_t units, const uint8_t id[32], uint64_t seq)
{
    char body[128];
    snprintf(body, sizeof body, "{\"amount\":\"%llu\",\"project\":\"p%d\"}",
             (unsigned long long)units, (int)(units % 5));
    return test_event(&donors[who], id, "pgf/donation", body, seq);
}

/* A source over the open log for replay, checked against its checkpoint. */
typedef struct {
    dacc_tlog_log *log;
} src_ctx;

static dacc_status src_entry(void *ctx, uint64_t i, uint8_t **data, size_t *len, dacc_error *err)
{
    return dacc_tlog_log_entry(((src_ctx *)ctx)->log, i, data, len, err);
}

static dacc_status src_hash(void *ctx, unsigned level, uint64_t index, uint8_t out[32])
{
    return dacc_tlog_log_hash(((src_ctx *)ctx)->log, level, index, out);
}

static dacc_store_source source(log_fixture *f, src_ctx *c)
{
    c->log = f->log;
    char *note;
    size_t len;
    dacc_tlog_note n;
    dacc_tlog_checkpoint cp;
    cr_assert_eq(dacc_tlog_log_checkpoint(f->log, &note, &len, NULL), DACC_OK);
    cr_assert_eq(dacc_tlog_note_parse(note, len, &n, NULL), DACC_OK);
    cr_assert_eq(dacc_tlog_checkpoint_parse(n.text, n.text_len, &cp, NULL), DACC_OK);
    free(note);
    dacc_store_source s = { .size = cp.size, .ctx = c, .entry = src_entry, .hash = src_hash };
    memcpy(s.root, cp.root, 32);
    return s;
}

Test(round_store, appends_are_checked_logged_and_replayed, .timeout = 120)
{
    log_fixture f;
    make_log(&f);
    dacc_error err;
    uint64_t entry;
    dacc_buf cfg = pgf_config();
    dacc_round *live;
    cr_assert_eq(dacc_round_new(cfg.data, cfg.len, &live, &err), DACC_OK, "%s", err.message);
    uint8_t id[32];
    memcpy(id, dacc_round_id(live), 32);
    cr_assert_eq(append(&f, cfg, &entry, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(entry, 0);
    /* a log holds other entries too: the index skips them */
    const void *plain = "not an event";
    size_t plain_len = 12;
    uint64_t first;
    cr_assert_eq(dacc_tlog_log_append(f.log, &plain, &plain_len, 1, &first, &err), DACC_OK);
    dacc_rng rng;
    uint8_t seed[32] = { 7 };
    dacc_rng_init(&rng, seed);
    uint8_t states[64][32];
    uint64_t entries[64];
    size_t nstates = 0;
    for (int k = 0; k < 40; k++) {
        int who = (int)dacc_rng_below(&rng, 4);
        dacc_buf env = donation(who, 1 + dacc_rng_below(&rng, 100000), id, 0);
        cr_assert_eq(dacc_round_apply(live, env.data, env.len, &err), DACC_OK, "%s", err.message);
        cr_assert_eq(append(&f, env, &entries[nstates], &err), DACC_OK, "%s", err.message);
        dacc_round_state_hash(live, states[nstates++]);
    }
    /* a refused event is not logged */
    uint64_t size = dacc_tlog_log_size(f.log);
    cr_assert_eq(append(&f, donation(0, 5, id, 1), &entry, &err), DACC_ERR_STATE);
    cr_assert_eq(dacc_tlog_log_size(f.log), size, "a refused event was logged");
    /* replay equals the live round after every event */
    uint64_t *idx;
    size_t n;
    cr_assert_eq(dacc_store_round_entries(f.store, id, &idx, &n, &err), DACC_OK);
    cr_assert_eq(n, 41);
    src_ctx c;
    dacc_store_source src = source(&f, &c);
    dacc_round *r;
    dacc_store_step *steps;
    size_t ns;
    cr_assert_eq(dacc_store_replay(&src, id, idx, n, &r, &steps, &ns, &err), DACC_OK, "%s",
                 err.message);
    cr_assert_eq(ns, 41);
    for (size_t k = 0; k < nstates; k++) {
        cr_assert_eq(steps[k + 1].entry, entries[k]);
        cr_assert(memcmp(steps[k + 1].state, states[k], 32) == 0, "step %zu differs", k);
    }
    /* and the whole log scanned (as from tiles) gives the same */
    dacc_round *r2;
    cr_assert_eq(dacc_store_replay(&src, id, NULL, 0, &r2, NULL, NULL, &err), DACC_OK, "%s",
                 err.message);
    uint8_t a[32], b[32];
    dacc_round_state_hash(r, a);
    dacc_round_state_hash(r2, b);
    cr_assert(memcmp(a, b, 32) == 0);
    dacc_round_free(r2);
    free(steps);
    free(idx);
    dacc_round_free(r);
    dacc_round_free(live);
    drop_log(&f);
}

Test(round_store, a_batch_is_all_or_nothing)
{
    log_fixture f;
    make_log(&f);
    dacc_error err;
    uint64_t entry;
    dacc_buf cfg = pgf_config();
    dacc_round *r;
    cr_assert_eq(dacc_round_new(cfg.data, cfg.len, &r, &err), DACC_OK);
    uint8_t id[32];
    memcpy(id, dacc_round_id(r), 32);
    dacc_round_free(r);
    cr_assert_eq(append(&f, cfg, &entry, &err), DACC_OK);
    dacc_buf e[3] = { donation(0, 10, id, 1), donation(1, 20, id, 1), donation(0, 30, id, 1) };
    const void *p[3] = { e[0].data, e[1].data, e[2].data };
    size_t len[3] = { e[0].len, e[1].len, e[2].len }, bad = 99;
    uint64_t size = dacc_tlog_log_size(f.log);
    cr_assert_eq(dacc_store_append(f.store, p, len, 3, &entry, &bad, &err), DACC_ERR_STATE);
    cr_assert_eq(bad, 2, "the third event repeats alice's seq 1");
    cr_assert_eq(dacc_tlog_log_size(f.log), size);
    /* the first two alone are fine: the refused batch left nothing behind */
    cr_assert_eq(dacc_store_append(f.store, p, len, 2, &entry, &bad, &err), DACC_OK, "%s",
                 err.message);
    for (int i = 0; i < 3; i++)
        dacc_buf_free(&e[i]);
    drop_log(&f);
}

Test(round_store, a_lost_index_is_rebuilt_from_the_entries)
{
    log_fixture f;
    make_log(&f);
    dacc_error err;
    uint64_t entry;
    dacc_buf cfg = pgf_config();
    dacc_round *r;
    cr_assert_eq(dacc_round_new(cfg.data, cfg.len, &r, &err), DACC_OK);
    uint8_t id[32];
    memcpy(id, dacc_round_id(r), 32);
    dacc_round_free(r);
    cr_assert_eq(append(&f, cfg, &entry, &err), DACC_OK);
    for (uint64_t k = 1; k <= 5; k++)
        cr_assert_eq(append(&f, donation((int)(k % 4), k, id, (k + 3) / 4), &entry, &err), DACC_OK,
                     "%s", err.message);
    close_log(&f);
    if (pg_available()) /* the index is tables in the log's database */
        pg_exec(f.db, "DELETE FROM events; DELETE FROM rounds; "
                      "UPDATE round_index SET value = 0 WHERE key = 'covered'");
    else
        unlink(f.index);
    open_log(&f);
    uint64_t *idx;
    size_t n;
    cr_assert_eq(dacc_store_round_entries(f.store, id, &idx, &n, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(n, 6);
    free(idx);
    cr_assert_eq(dacc_store_load(f.store, id, &r, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_round_count(r), 6);
    dacc_round_free(r);
    drop_log(&f);
}

/* A source that hands out entry `at` with one byte flipped. */
typedef struct {
    src_ctx base;
    uint64_t at;
    size_t byte;
} flip_ctx;

static dacc_status flip_entry(void *ctx, uint64_t i, uint8_t **data, size_t *len, dacc_error *err)
{
    flip_ctx *f = ctx;
    dacc_status st = dacc_tlog_log_entry(f->base.log, i, data, len, err);
    if (st == DACC_OK && i == f->at)
        (*data)[f->byte % *len] ^= 0x20;
    return st;
}

static dacc_status flip_hash(void *ctx, unsigned level, uint64_t index, uint8_t out[32])
{
    return dacc_tlog_log_hash(((flip_ctx *)ctx)->base.log, level, index, out);
}

Test(round_store, a_flipped_byte_in_any_entry_stops_replay_there, .timeout = 120)
{
    log_fixture f;
    make_log(&f);
    dacc_error err;
    uint64_t entry;
    dacc_buf cfg = pgf_config();
    dacc_round *r;
    cr_assert_eq(dacc_round_new(cfg.data, cfg.len, &r, &err), DACC_OK);
    uint8_t id[32];
    memcpy(id, dacc_round_id(r), 32);
    dacc_round_free(r);
    cr_assert_eq(append(&f, cfg, &entry, &err), DACC_OK);
    for (uint64_t k = 1; k <= 8; k++)
        cr_assert_eq(append(&f, donation((int)(k % 4), k * 7, id, (k + 3) / 4), &entry, &err),
                     DACC_OK);
    src_ctx c;
    dacc_store_source src = source(&f, &c);
    uint64_t *idx;
    size_t n;
    cr_assert_eq(dacc_store_round_entries(f.store, id, &idx, &n, &err), DACC_OK);
    for (size_t t = 0; t < n; t++)
        for (size_t b = 0; b < 600; b += 37) {
            flip_ctx fc = { c, idx[t], b };
            dacc_store_source bad = src;
            bad.ctx = &fc;
            bad.entry = flip_entry;
            bad.hash = flip_hash;
            char want[32];
            snprintf(want, sizeof want, "entry %llu ", (unsigned long long)idx[t]);
            cr_assert_eq(dacc_store_replay(&bad, id, idx, n, &r, NULL, NULL, &err), DACC_ERR_VERIFY,
                         "a flip in entry %zu byte %zu went unnoticed", t, b);
            cr_assert(strstr(err.message, want) != NULL, "%s (want %s)", err.message, want);
        }
    free(idx);
    drop_log(&f);
}

Test(round_store, reordering_two_authors_gives_the_same_result)
{
    /* alice's and bob's donations in either order: the same payouts */
    dacc_buf cfg = pgf_config();
    dacc_round *x, *y;
    dacc_error err;
    cr_assert_eq(dacc_round_new(cfg.data, cfg.len, &x, &err), DACC_OK);
    cr_assert_eq(dacc_round_new(cfg.data, cfg.len, &y, &err), DACC_OK);
    const uint8_t *id = dacc_round_id(x);
    dacc_buf a = donation(0, 100, id, 1), b = donation(1, 300, id, 1);
    cr_assert_eq(dacc_round_apply(x, a.data, a.len, &err), DACC_OK);
    cr_assert_eq(dacc_round_apply(x, b.data, b.len, &err), DACC_OK);
    cr_assert_eq(dacc_round_apply(y, b.data, b.len, &err), DACC_OK);
    cr_assert_eq(dacc_round_apply(y, a.data, a.len, &err), DACC_OK);
    json_t *rx, *ry;
    cr_assert_eq(dacc_round_result(x, &rx, &err), DACC_OK);
    cr_assert_eq(dacc_round_result(y, &ry, &err), DACC_OK);
    cr_assert(json_equal(rx, ry), "the order of two authors changed the result");
    /* one author's two events swapped: refused the same way each time */
    dacc_buf a2 = donation(0, 50, id, 2);
    dacc_round *z;
    cr_assert_eq(dacc_round_new(cfg.data, cfg.len, &z, &err), DACC_OK);
    cr_assert_eq(dacc_round_apply(z, a2.data, a2.len, &err), DACC_ERR_STATE);
    json_decref(rx), json_decref(ry);
    dacc_buf_free(&a), dacc_buf_free(&b), dacc_buf_free(&a2), dacc_buf_free(&cfg);
    dacc_round_free(x), dacc_round_free(y), dacc_round_free(z);
}

/* The live round a reader peeks at is the round a replay gives, after
 * every append. */
Test(round_store, a_peek_is_the_loaded_round_after_every_append)
{
    log_fixture f;
    make_log(&f);
    dacc_error err;
    uint64_t entry;
    dacc_buf cfg = pgf_config();
    dacc_round *r;
    cr_assert_eq(dacc_round_new(cfg.data, cfg.len, &r, &err), DACC_OK);
    uint8_t id[32], a[32], b[32];
    memcpy(id, dacc_round_id(r), 32);
    dacc_round_free(r);
    cr_assert_eq(append(&f, cfg, &entry, &err), DACC_OK);
    const dacc_round *live;
    for (uint64_t k = 1; k <= 4; k++) {
        cr_assert_eq(append(&f, donation((int)(k % 4), 10 * k, id, 1), &entry, &err), DACC_OK);
        cr_assert_eq(dacc_store_peek(f.store, id, &live, &err), DACC_OK, "%s", err.message);
        cr_assert_eq(dacc_store_load(f.store, id, &r, &err), DACC_OK);
        dacc_round_state_hash(live, a);
        dacc_round_state_hash(r, b);
        cr_assert_arr_eq(a, b, 32);
        cr_assert_eq(dacc_round_count(live), k + 1);
        dacc_round_free(r);
    }
    uint8_t unknown[32] = { 1 };
    cr_assert_eq(dacc_store_peek(f.store, unknown, &live, &err), DACC_ERR_NOTFOUND);
    drop_log(&f);
}

/* Events decoded once (dacc_round_event_decode_logged) and appended with
 * dacc_store_append_decoded log the same bytes, reach the same state and
 * refuse the same events as the envelopes appended whole. */
Test(round_store, decoded_appends_equal_whole_ones)
{
    log_fixture f[2];
    dacc_error err;
    uint8_t id[32], hash[2][32];
    for (int k = 0; k < 2; k++) {
        make_log(&f[k]);
        dacc_buf cfg = pgf_config(); /* same keys, same bytes: the same round id */
        dacc_round *r;
        cr_assert_eq(dacc_round_new(cfg.data, cfg.len, &r, &err), DACC_OK);
        memcpy(id, dacc_round_id(r), 32);
        dacc_round_free(r);
        uint64_t entry;
        cr_assert_eq(append(&f[k], cfg, &entry, &err), DACC_OK);
        /* the third repeats alice's seq 1 */
        dacc_buf e[3] = { donation(0, 10, id, 1), donation(1, 20, id, 1), donation(0, 30, id, 1) };
        const void *p[3];
        size_t len[3], bad = 99;
        dacc_round_event ev[3];
        const dacc_round_event *evs[3];
        dacc_buf logged[3];
        for (int i = 0; i < 3; i++) {
            p[i] = e[i].data, len[i] = e[i].len;
            if (k == 1) {
                dacc_buf_init(&logged[i], 0);
                cr_assert_eq(dacc_round_event_decode_logged("e", e[i].data, e[i].len, &ev[i],
                                                            &logged[i], &err),
                             DACC_OK, "%s", err.message);
                uint8_t h[32];
                dacc_sha256(logged[i].data, logged[i].len, h);
                cr_assert_arr_eq(h, ev[i].hash, 32, "the hash is of the logged bytes");
                p[i] = logged[i].data, len[i] = logged[i].len;
                evs[i] = &ev[i];
            }
        }
        dacc_status st =
            k == 0 ? dacc_store_append(f[k].store, p, len, 3, &entry, &bad, &err)
                   : dacc_store_append_decoded(f[k].store, evs, p, len, 3, &entry, &bad, &err);
        cr_assert_eq(st, DACC_ERR_STATE);
        cr_assert_eq(bad, 2);
        st = k == 0 ? dacc_store_append(f[k].store, p, len, 2, &entry, &bad, &err)
                    : dacc_store_append_decoded(f[k].store, evs, p, len, 2, &entry, &bad, &err);
        cr_assert_eq(st, DACC_OK, "%s", err.message);
        const dacc_round *live;
        cr_assert_eq(dacc_store_peek(f[k].store, id, &live, &err), DACC_OK);
        dacc_round_state_hash(live, hash[k]);
        for (int i = 0; i < 3; i++) {
            dacc_buf_free(&e[i]);
            if (k == 1) {
                dacc_buf_free(&logged[i]);
                dacc_round_event_clear(&ev[i]);
            }
        }
    }
    cr_assert_arr_eq(hash[0], hash[1], 32);
    for (uint64_t i = 0; i < 3; i++) {
        uint8_t *a, *b;
        size_t la, lb;
        cr_assert_eq(dacc_tlog_log_entry(f[0].log, i, &a, &la, NULL), DACC_OK);
        cr_assert_eq(dacc_tlog_log_entry(f[1].log, i, &b, &lb, NULL), DACC_OK);
        cr_assert(la == lb && memcmp(a, b, la) == 0, "entry %llu differs", (unsigned long long)i);
        free(a), free(b);
    }
    drop_log(&f[0]);
    drop_log(&f[1]);
}
