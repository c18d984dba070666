/* The device verifier must not allocate: this test links a malloc that
 * aborts while the verifier runs. (Sanitizer builds replace malloc
 * themselves, so there the test only reports that it was skipped.) */
#include "fixture.h"

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define NO_OVERRIDE 1
#else
#define NO_OVERRIDE 0
#endif

static volatile int armed;

#if !NO_OVERRIDE
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

void *malloc(size_t n)
{
    if (armed)
        abort();
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
    if (armed)
        abort();
    return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
    if (armed)
        abort();
    return __libc_realloc(p, n);
}
#endif

Test(pause_nomalloc, verifier_never_allocates)
{
    if (NO_OVERRIDE)
        cr_skip_test("malloc is the sanitizer's in this build");
    world w;
    world_init(&w);
    dacc_pause_root root = root_of(&w, 1, 0, 7, 3);
    static const int all[] = { 0, 1, 2, 3, 4, 5, 6, -1 };
    static char note[16384], bundle[16384], next[16384];
    size_t rn = root_note(&w, &root, all, note, sizeof note);
    dacc_pause_root root2 = root_of(&w, 2, 0, 7, 3);
    size_t nn = root_note(&w, &root2, all, next, sizeof next);
    uint8_t rh[32];
    root_hash(&root2, rh);
    bundle_spec b;
    memset(&b, 0, sizeof b);
    b.epoch = 1;
    b.not_before = T0;
    b.not_after = T0 + WEEK;
    b.root = rh;
    b.by[0] = &w.body[0];
    b.by[1] = &w.body[1];
    b.by[2] = &w.body[2];
    b.cosign[0] = &w.witness[0];
    b.cosign[1] = &w.witness[1];
    size_t bn = make_bundle(&w, &b, bundle, sizeof bundle);
    static dacc_pause_state st;
    /* The heartbeat note inside the bundle: "...\nheartbeat N\n" then N bytes. */
    const char *hb_at = strstr(bundle, "\nheartbeat ") + 11;
    size_t hb_len = (size_t)strtoul(hb_at, NULL, 10);
    const char *hb_note = strchr(hb_at, '\n') + 1;
    dacc_pause_heartbeat hb;
    armed = 1;
    dacc_pause_reason r1 = dacc_pause_init(&st, note, rn, T0);
    dacc_pause_reason r2 = dacc_pause_rotate(&st, next, nn, T0);
    dacc_pause_reason r3 = dacc_pause_verify(&st, bundle, bn, T0 + 10);
    dacc_pause_reason r4 = dacc_pause_verify(&st, bundle, bn / 2, T0 + 10);
    dacc_pause_decision d = dacc_pause_check(&st, T0 + 10);
    uint64_t until = dacc_pause_runs_until(&st);
    dacc_pause_reason r5 = dacc_pause_heartbeat_verify(&st.root, hb_note, hb_len, &hb);
    armed = 0;
    cr_assert_eq(r1, DACC_PAUSE_ACCEPTED);
    cr_assert_eq(r2, DACC_PAUSE_ACCEPTED);
    cr_assert_eq(r3, DACC_PAUSE_ACCEPTED);
    cr_assert_eq(r4, DACC_PAUSE_MALFORMED_BUNDLE);
    cr_assert_eq(d, DACC_PAUSE_RUN);
    cr_assert_eq(until, T0 + WEEK);
    cr_assert_eq(r5, DACC_PAUSE_ACCEPTED);
    cr_assert_eq(hb.epoch, 1);
    world_free(&w);
}
