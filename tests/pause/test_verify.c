/* Scenario tests of the device verifier, one per attack or rule, in the
 * style of the TUF conformance suite: each asserts the reason code and
 * that a refusal leaves the state byte for byte unchanged. */
#include "fixture.h"

typedef struct {
    world w;
    dacc_pause_state st;
    dacc_pause_root root;
    uint8_t rh[32];
    char buf[16384];
} scene;

static void scene_init(scene *s)
{
    world_init(&s->w);
    s->root = root_of(&s->w, 1, 0, 7, 3);
    static const int all[] = { 0, 1, 2, 3, 4, 5, 6, -1 };
    size_t n = root_note(&s->w, &s->root, all, s->buf, sizeof s->buf);
    cr_assert_eq(dacc_pause_init(&s->st, s->buf, n, T0), DACC_PAUSE_ACCEPTED);
    root_hash(&s->root, s->rh);
    cr_assert(memcmp(s->st.root.hash, s->rh, 32) == 0);
    cr_assert_eq(dacc_pause_check(&s->st, T0), DACC_PAUSE_HALT, "no heartbeat yet: halted");
}

/* A correct spec for epoch e, valid for the week starting at T0 + e weeks. */
static bundle_spec good(scene *s, uint64_t e)
{
    bundle_spec b;
    memset(&b, 0, sizeof b);
    b.epoch = e;
    b.not_before = T0 + e * WEEK;
    b.not_after = T0 + (e + 1) * WEEK;
    b.root = s->rh;
    b.by[0] = &s->w.body[0];
    b.by[1] = &s->w.body[3];
    b.by[2] = &s->w.body[6];
    b.cosign[0] = &s->w.witness[0];
    b.cosign[1] = &s->w.witness[2];
    return b;
}

static dacc_pause_reason feed(scene *s, const bundle_spec *b, uint64_t now)
{
    size_t n = make_bundle(&s->w, b, s->buf, sizeof s->buf);
    return dacc_pause_verify(&s->st, s->buf, n, now);
}

/* Asserts reason r and an unchanged state. */
static void refused(scene *s, const bundle_spec *b, uint64_t now, dacc_pause_reason r)
{
    dacc_pause_state before = s->st;
    dacc_pause_reason got = feed(s, b, now);
    cr_assert_eq(got, r, "expected \"%s\", got \"%s\"", dacc_pause_reason_name(r),
                 dacc_pause_reason_name(got));
    cr_assert(memcmp(&before, &s->st, sizeof before) == 0, "the state changed on a refusal");
}

static void accepted(scene *s, const bundle_spec *b, uint64_t now)
{
    dacc_pause_reason got = feed(s, b, now);
    cr_assert_eq(got, DACC_PAUSE_ACCEPTED, "got \"%s\"", dacc_pause_reason_name(got));
    cr_assert_eq(s->st.epoch, b->epoch);
    cr_assert_eq(s->st.not_after, b->not_after);
}

Test(pause, exactly_k_signatures_pass_and_k_minus_1_fail)
{
    scene s;
    scene_init(&s);
    bundle_spec b = good(&s, 1);
    b.by[2] = NULL;
    refused(&s, &b, T0 + WEEK + 10, DACC_PAUSE_SHORT_SIGNATURES);
    b = good(&s, 1);
    accepted(&s, &b, T0 + WEEK + 10);
    cr_assert_eq(dacc_pause_check(&s.st, T0 + WEEK + 10), DACC_PAUSE_RUN);
    cr_assert_eq(dacc_pause_check(&s.st, T0 + 2 * WEEK), DACC_PAUSE_RUN);
    cr_assert_eq(dacc_pause_check(&s.st, T0 + 2 * WEEK + 1), DACC_PAUSE_HALT,
                 "past not-after the device must halt");
    world_free(&s.w);
}

Test(pause, the_same_key_twice_counts_once)
{
    scene s;
    scene_init(&s);
    bundle_spec b = good(&s, 1);
    b.by[2] = &s.w.body[0];
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_SHORT_SIGNATURES);
    world_free(&s.w);
}

Test(pause, a_signer_not_in_the_root_does_not_count)
{
    scene s;
    scene_init(&s);
    bundle_spec b = good(&s, 1);
    b.by[2] = &s.w.stranger;
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_SHORT_SIGNATURES);
    b.by[2] = &s.w.body[8]; /* a body that is not (yet) in the root */
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_SHORT_SIGNATURES);
    world_free(&s.w);
}

Test(pause, expired_and_not_yet_valid)
{
    scene s;
    scene_init(&s);
    bundle_spec b = good(&s, 1);
    refused(&s, &b, T0 + 2 * WEEK + 1, DACC_PAUSE_EXPIRED);
    refused(&s, &b, T0 + WEEK - 1, DACC_PAUSE_NOT_YET_VALID);
    world_free(&s.w);
}

Test(pause, rollback_to_an_older_epoch)
{
    scene s;
    scene_init(&s);
    bundle_spec b5 = good(&s, 5), b4 = good(&s, 4);
    b4.not_after = T0 + 10 * WEEK; /* still valid, but older */
    accepted(&s, &b5, T0 + 5 * WEEK);
    refused(&s, &b4, T0 + 5 * WEEK, DACC_PAUSE_OLD_EPOCH);
    world_free(&s.w);
}

Test(pause, replay_of_the_current_heartbeat_changes_nothing)
{
    scene s;
    scene_init(&s);
    bundle_spec b = good(&s, 2);
    size_t n = make_bundle(&s.w, &b, s.buf, sizeof s.buf);
    cr_assert_eq(dacc_pause_verify(&s.st, s.buf, n, T0 + 2 * WEEK), DACC_PAUSE_ACCEPTED);
    dacc_pause_state before = s.st;
    cr_assert_eq(dacc_pause_verify(&s.st, s.buf, n, T0 + 2 * WEEK + 5), DACC_PAUSE_REPLAY);
    cr_assert(memcmp(&before, &s.st, sizeof before) == 0);
    world_free(&s.w);
}

static size_t rotated(scene *s, const int *signers, char *out, size_t cap, uint64_t version,
                      dacc_pause_root *next)
{
    *next = root_of(&s->w, version, 3, 7, 3); /* bodies 3..9: 0, 1, 2 leave */
    return root_note(&s->w, next, signers, out, cap);
}

Test(pause, root_rotation_needs_both_thresholds)
{
    scene s;
    scene_init(&s);
    dacc_pause_root next;
    char note[16384];
    dacc_pause_state before = s.st;
    static const int old_only[] = { 0, 1, 2, -1 }; /* 3 old keys, none of the new root */
    size_t n = rotated(&s, old_only, note, sizeof note, 2, &next);
    cr_assert_eq(dacc_pause_rotate(&s.st, note, n, T0), DACC_PAUSE_ROOT_NEW_THRESHOLD);
    static const int new_only[] = { 7, 8, 9, -1 }; /* 3 new keys, none of the old root */
    n = rotated(&s, new_only, note, sizeof note, 2, &next);
    cr_assert_eq(dacc_pause_rotate(&s.st, note, n, T0), DACC_PAUSE_ROOT_OLD_THRESHOLD);
    cr_assert(memcmp(&before, &s.st, sizeof before) == 0);
    static const int both[] = { 0, 1, 2, 7, 8, 9, -1 };
    n = rotated(&s, both, note, sizeof note, 3, &next);
    cr_assert_eq(dacc_pause_rotate(&s.st, note, n, T0), DACC_PAUSE_ROOT_VERSION);
    n = rotated(&s, both, note, sizeof note, 2, &next);
    cr_assert_eq(dacc_pause_rotate(&s.st, note, n, T0), DACC_PAUSE_ACCEPTED);
    cr_assert_eq(s.st.root.version, 2);
    /* A revoked key no longer counts, and the old root's hash is refused. */
    uint8_t nh[32];
    root_hash(&next, nh);
    bundle_spec b = good(&s, 1);
    b.root = nh;
    b.by[0] = &s.w.body[0]; /* revoked */
    b.by[1] = &s.w.body[3];
    b.by[2] = &s.w.body[6];
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_SHORT_SIGNATURES);
    b = good(&s, 1); /* names the old root */
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_WRONG_ROOT);
    b.root = nh;
    b.by[0] = &s.w.body[9];
    accepted(&s, &b, T0 + WEEK);
    world_free(&s.w);
}

Test(pause, a_heartbeat_for_another_root_or_domain)
{
    scene s;
    scene_init(&s);
    bundle_spec b = good(&s, 1);
    uint8_t other[32];
    memcpy(other, s.rh, 32);
    other[0] ^= 1;
    b.root = other;
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_WRONG_ROOT);
    b = good(&s, 1);
    b.domain = "other.example";
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_WRONG_DOMAIN);
    world_free(&s.w);
}

Test(pause, a_bad_inclusion_proof)
{
    scene s;
    scene_init(&s);
    bundle_spec b = good(&s, 1);
    b.corrupt_proof = 1;
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_BAD_PROOF);
    b = good(&s, 1);
    b.proof_for_other_size = 1;
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_MALFORMED_PROOF);
    world_free(&s.w);
}

Test(pause, witnesses_below_threshold_or_unknown)
{
    scene s;
    scene_init(&s);
    bundle_spec b = good(&s, 1);
    b.cosign[1] = NULL;
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_SHORT_WITNESSES);
    b.cosign[1] = &s.w.witness[0]; /* the same witness twice */
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_SHORT_WITNESSES);
    b.cosign[1] = &s.w.stranger_witness;
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_UNKNOWN_WITNESS);
    b = good(&s, 1);
    b.log_key = &s.w.stranger;
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_CHECKPOINT_NOT_SIGNED);
    world_free(&s.w);
}

Test(pause, an_older_checkpoint_of_the_log)
{
    scene s;
    scene_init(&s);
    bundle_spec b3 = good(&s, 3), b2 = good(&s, 2);
    b2.not_after = b3.not_after;
    char early[16384];
    size_t ne = make_bundle(&s.w, &b3, early, sizeof early); /* published first: small log */
    accepted(&s, &b2, T0 + 3 * WEEK);                        /* a bigger log */
    dacc_pause_state before = s.st;
    cr_assert_eq(dacc_pause_verify(&s.st, early, ne, T0 + 3 * WEEK), DACC_PAUSE_OLD_CHECKPOINT);
    cr_assert(memcmp(&before, &s.st, sizeof before) == 0);
    world_free(&s.w);
}

Test(pause, a_forged_signature_by_a_root_key)
{
    scene s;
    scene_init(&s);
    bundle_spec b = good(&s, 1);
    size_t n = make_bundle(&s.w, &b, s.buf, sizeof s.buf);
    /* Flip one base64 character of the first heartbeat signature. */
    char *sig = strstr(s.buf, "\xE2\x80\x94 body0.example ");
    cr_assert_not_null(sig);
    char *c = sig + strlen("\xE2\x80\x94 body0.example ") + 20;
    *c = *c == 'A' ? 'B' : 'A';
    dacc_pause_state before = s.st;
    dacc_pause_reason r = dacc_pause_verify(&s.st, s.buf, n, T0 + WEEK);
    cr_assert(r == DACC_PAUSE_BAD_SIGNATURE || r == DACC_PAUSE_BAD_PROOF, "%s",
              dacc_pause_reason_name(r));
    cr_assert(memcmp(&before, &s.st, sizeof before) == 0);
    world_free(&s.w);
}

Test(pause, the_root_expires)
{
    scene s;
    scene_init(&s);
    bundle_spec b = good(&s, 60);
    b.not_after = T0 + 500u * 86400u;
    refused(&s, &b, T0 + 401u * 86400u, DACC_PAUSE_ROOT_EXPIRED);
    world_free(&s.w);
}

Test(pause, every_malformed_field)
{
    scene s;
    scene_init(&s);
    bundle_spec b = good(&s, 1);
    size_t n = make_bundle(&s.w, &b, s.buf, sizeof s.buf);
    char *copy = malloc(n + 64);
    const struct {
        const char *from, *to;
        dacc_pause_reason r;
    } edits[] = {
        { "dacc-pause-bundle/v1", "dacc-pause-bundle/v2", DACC_PAUSE_MALFORMED_BUNDLE },
        { "\nheartbeat ", "\nheartbeaT ", DACC_PAUSE_MALFORMED_BUNDLE },
        { "dacc-pause-heartbeat/v1", "dacc-pause-heartbeat/v9", DACC_PAUSE_MALFORMED_HEARTBEAT },
        { "\nepoch 1\n", "\nepoch -\n", DACC_PAUSE_MALFORMED_HEARTBEAT },
        { "\nepoch 1\n", "\nepoch 0\n", DACC_PAUSE_MALFORMED_HEARTBEAT },
        { "\nnot-before ", "\nnot_before ", DACC_PAUSE_MALFORMED_HEARTBEAT },
        { "\nroot ", "\nRoot ", DACC_PAUSE_MALFORMED_HEARTBEAT },
        { "dacc-proof/v1 inclusion", "dacc-proof/v1 inclusiom", DACC_PAUSE_MALFORMED_PROOF },
        { "\npause.example/log\n", "\npause.example/lag\n", DACC_PAUSE_MALFORMED_CHECKPOINT },
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        memcpy(copy, s.buf, n);
        copy[n] = '\0';
        char *at = strstr(copy, edits[i].from);
        cr_assert_not_null(at, "%s", edits[i].from);
        cr_assert_eq(strlen(edits[i].from), strlen(edits[i].to));
        memcpy(at, edits[i].to, strlen(edits[i].to));
        dacc_pause_state before = s.st;
        dacc_pause_reason r = dacc_pause_verify(&s.st, copy, n, T0 + WEEK);
        cr_assert_eq(r, edits[i].r, "edit %zu: %s", i, dacc_pause_reason_name(r));
        cr_assert(memcmp(&before, &s.st, sizeof before) == 0);
    }
    /* Truncations at every length are malformed (or fail a later check). */
    for (size_t cut = 0; cut < n; cut += 7) {
        dacc_pause_state before = s.st;
        cr_assert_neq(dacc_pause_verify(&s.st, s.buf, cut, T0 + WEEK), DACC_PAUSE_ACCEPTED);
        cr_assert(memcmp(&before, &s.st, sizeof before) == 0);
    }
    /* A window that ends before it starts. */
    b = good(&s, 1);
    b.not_before = T0 + 3 * WEEK;
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_MALFORMED_HEARTBEAT);
    free(copy);
    world_free(&s.w);
}

Test(pause, malformed_roots)
{
    world w;
    world_init(&w);
    dacc_pause_state st;
    char note[16384];
    dacc_pause_root r = root_of(&w, 1, 0, 7, 8); /* k > N */
    static const int all[] = { 0, 1, 2, 3, 4, 5, 6, -1 };
    size_t n = root_note(&w, &r, all, note, sizeof note);
    cr_assert_eq(dacc_pause_init(&st, note, n, T0), DACC_PAUSE_MALFORMED_ROOT);
    r = root_of(&w, 1, 0, 7, 3);
    static const int two[] = { 0, 1, -1 };
    n = root_note(&w, &r, two, note, sizeof note);
    cr_assert_eq(dacc_pause_init(&st, note, n, T0), DACC_PAUSE_ROOT_NEW_THRESHOLD);
    r.signer[1] = r.signer[0]; /* one key twice */
    n = root_note(&w, &r, all, note, sizeof note);
    cr_assert_eq(dacc_pause_init(&st, note, n, T0), DACC_PAUSE_MALFORMED_ROOT);
    cr_assert_str_eq(dacc_pause_reason_name(DACC_PAUSE_OLD_EPOCH), "old epoch");
    world_free(&w);
}

/* Random sequences of good, stale, replayed and broken bundles: the
 * accepted epoch never decreases and the device never runs past the newest
 * accepted not-after. */
Test(pause, property_epochs_only_go_forward, .timeout = 600)
{
    scene s;
    scene_init(&s);
    dacc_rng r;
    uint8_t seed[32] = { 77 };
    dacc_rng_init(&r, seed);
    uint64_t now = T0, max_not_after = 0;
    for (int step = 0; step < 120; step++) {
        now += dacc_rng_below(&r, WEEK / 2);
        uint64_t e = now > T0 ? (now - T0) / WEEK : 0;
        e = e + 1 > 3 ? e + 1 - dacc_rng_below(&r, 3) : e + 1;
        bundle_spec b = good(&s, e);
        b.not_before = now - dacc_rng_below(&r, WEEK);
        b.not_after = now + dacc_rng_below(&r, 2 * WEEK) - WEEK / 4;
        if (b.not_after < b.not_before)
            b.not_after = b.not_before;
        switch (dacc_rng_below(&r, 6)) {
        case 0:
            b.by[2] = NULL;
            break;
        case 1:
            b.cosign[1] = NULL;
            break;
        case 2:
            b.corrupt_proof = 1;
            break;
        default:
            break;
        }
        uint64_t before = s.st.epoch;
        dacc_pause_reason got = feed(&s, &b, now);
        cr_assert_geq(s.st.epoch, before);
        if (got == DACC_PAUSE_ACCEPTED)
            max_not_after = b.not_after;
        cr_assert_eq(s.st.not_after, max_not_after);
        uint64_t probe = now + dacc_rng_below(&r, WEEK);
        cr_assert(dacc_pause_check(&s.st, probe) == DACC_PAUSE_HALT || probe <= max_not_after);
    }
    world_free(&s.w);
}

/* Item 10 of the safety issue: a heartbeat that outlives its root must not
 * let the device run past the root's expiry, whichever way the state got
 * there. */
Test(pause, the_root_expiry_ends_the_permission)
{
    scene s;
    scene_init(&s);
    uint64_t expires = s.root.expires;
    bundle_spec b = good(&s, 1);
    b.not_after = expires + 100u * 86400u;
    cr_assert_eq(feed(&s, &b, T0 + WEEK), DACC_PAUSE_ACCEPTED);
    cr_assert_eq(s.st.not_after, expires, "the permission is capped at the root's expiry");
    cr_assert_eq(dacc_pause_runs_until(&s.st), expires);
    cr_assert_eq(dacc_pause_check(&s.st, expires), DACC_PAUSE_RUN);
    cr_assert_eq(dacc_pause_check(&s.st, expires + 1), DACC_PAUSE_HALT);
    /* A state whose not-after lies past its root's expiry (as an older
     * verifier saved it) still halts at the expiry. */
    s.st.not_after = 3999999999u;
    cr_assert_eq(dacc_pause_check(&s.st, expires + 1), DACC_PAUSE_HALT);
    cr_assert_eq(dacc_pause_check(&s.st, 3999999999u), DACC_PAUSE_HALT);
    world_free(&s.w);
}

Test(pause, a_rotation_to_an_earlier_expiry_shortens_the_permission)
{
    scene s;
    scene_init(&s);
    bundle_spec b = good(&s, 1);
    accepted(&s, &b, T0 + WEEK);
    dacc_pause_root next = root_of(&s.w, 2, 0, 7, 3);
    next.expires = T0 + WEEK + 3600;
    static const int all[] = { 0, 1, 2, 3, 4, 5, 6, -1 };
    char note[16384];
    size_t n = root_note(&s.w, &next, all, note, sizeof note);
    cr_assert_eq(dacc_pause_rotate(&s.st, note, n, T0 + WEEK), DACC_PAUSE_ACCEPTED);
    cr_assert_eq(s.st.not_after, next.expires);
    cr_assert_eq(dacc_pause_check(&s.st, next.expires), DACC_PAUSE_RUN);
    cr_assert_eq(dacc_pause_check(&s.st, next.expires + 1), DACC_PAUSE_HALT);
    world_free(&s.w);
}

/* Item 11: the largest checkpoint size is per log. A rotation to a root
 * with a new log key must not measure the new log against the old one,
 * and a rotation that keeps the log must keep its rollback protection. */
Test(pause, a_rotation_to_a_new_log_starts_its_log_state_afresh)
{
    scene s;
    scene_init(&s);
    for (uint64_t e = 1; e <= 3; e++) {
        bundle_spec b = good(&s, e);
        accepted(&s, &b, T0 + e * WEEK);
    }
    cr_assert_eq(s.st.log_size, 12);
    /* The same log in the next root: its size is kept. */
    static const int all[] = { 0, 1, 2, 3, 4, 5, 6, -1 };
    char note[16384];
    dacc_pause_root next = root_of(&s.w, 2, 0, 7, 3);
    size_t n = root_note(&s.w, &next, all, note, sizeof note);
    cr_assert_eq(dacc_pause_rotate(&s.st, note, n, T0 + 3 * WEEK), DACC_PAUSE_ACCEPTED);
    cr_assert_eq(s.st.log_size, 12);
    /* A new log (another key and origin) in the root after that. */
    dacc_tlog_signer new_log;
    key(&new_log, "pause.example/log2", DACC_TLOG_KEY_ED25519, 2);
    dacc_pause_root third = root_of(&s.w, 3, 0, 7, 3);
    third.log = new_log.v;
    n = root_note(&s.w, &third, all, note, sizeof note);
    cr_assert_eq(dacc_pause_rotate(&s.st, note, n, T0 + 3 * WEEK), DACC_PAUSE_ACCEPTED);
    dacc_tlog_memtree_free(s.w.tree);
    s.w.tree = dacc_tlog_memtree_new();
    s.w.log = new_log;
    root_hash(&third, s.rh);
    bundle_spec b = good(&s, 4); /* the new log's first heartbeat: size 4 < 12 */
    accepted(&s, &b, T0 + 4 * WEEK);
    cr_assert_eq(s.st.log_size, 4);
    world_free(&s.w);
}

/* Item 12: an epoch of 2^63 - 1 with k signatures used to be accepted and
 * leave no later epoch; one heartbeat now moves the epoch by at most
 * DACC_PAUSE_EPOCH_STEP_MAX, so no mistake can brick the fleet. */
Test(pause, an_epoch_too_far_ahead_is_refused)
{
    scene s;
    scene_init(&s);
    bundle_spec b = good(&s, 1);
    b.epoch = INT64_MAX;
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_EPOCH_TOO_FAR);
    b.epoch = DACC_PAUSE_EPOCH_STEP_MAX + 1; /* from 0 on a new device */
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_EPOCH_TOO_FAR);
    b.epoch = 5;
    accepted(&s, &b, T0 + WEEK);
    b.epoch = 5 + DACC_PAUSE_EPOCH_STEP_MAX + 1;
    refused(&s, &b, T0 + WEEK, DACC_PAUSE_EPOCH_TOO_FAR);
    b.epoch = 5 + DACC_PAUSE_EPOCH_STEP_MAX;
    accepted(&s, &b, T0 + WEEK);
    b.epoch++; /* and later epochs still exist */
    accepted(&s, &b, T0 + WEEK);
    cr_assert_str_eq(dacc_pause_reason_name(DACC_PAUSE_EPOCH_TOO_FAR), "epoch too far ahead");
    world_free(&s.w);
}

Test(pause, a_root_needs_a_domain_one_can_read)
{
    world w;
    world_init(&w);
    dacc_pause_root r = root_of(&w, 1, 0, 7, 3);
    char text[DACC_PAUSE_NOTE_MAX];
    dacc_pause_root parsed;
    const char *bad[] = { "", "pause example", "pause.example\r", "p\xc3\xa4use.example" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(r.domain, sizeof r.domain, "%s", bad[i]);
        size_t n = dacc_pause_root_format(&r, text, sizeof text);
        cr_assert_eq(dacc_pause_root_parse(text, n, &parsed), DACC_PAUSE_MALFORMED_ROOT, "\"%s\"",
                     bad[i]);
        cr_assert_not(dacc_pause_domain_valid(bad[i], strlen(bad[i])));
    }
    cr_assert(dacc_pause_domain_valid("pause.example", 13));
    world_free(&w);
}
