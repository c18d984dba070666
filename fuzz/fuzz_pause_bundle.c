/* Fuzz target: the soft-pause device verifier on arbitrary bundles, roots
 * and heartbeat notes (a device provisioned with a fixed 2-of-3 root),
 * checking that a refusal never changes the state. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dacc/pause.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int provision(dacc_pause_state *st)
{
    dacc_pause_root r;
    memset(&r, 0, sizeof r);
    snprintf(r.domain, sizeof r.domain, "pause.example");
    r.version = 1;
    r.expires = 1900000000;
    r.threshold = 2;
    dacc_tlog_signer s[3], log, w;
    static const char *const names[3] = { "body0.example", "body1.example", "body2.example" };
    for (int i = 0; i < 3; i++) {
        uint8_t seed[32] = { (uint8_t)(i + 1) };
        dacc_tlog_signer_from_seed(names[i], DACC_TLOG_KEY_ED25519, seed, &s[i], NULL);
        r.signer[r.nsigners++] = s[i].v;
    }
    uint8_t seed[32] = { 9 };
    dacc_tlog_signer_from_seed("pause.example/log", DACC_TLOG_KEY_ED25519, seed, &log, NULL);
    seed[0] = 10;
    dacc_tlog_signer_from_seed("w0.example", DACC_TLOG_KEY_COSIGN, seed, &w, NULL);
    r.log = log.v;
    r.witness[r.nwitnesses++] = w.v;
    r.witness_threshold = 1;
    char text[DACC_PAUSE_NOTE_MAX], note[DACC_PAUSE_NOTE_MAX * 2];
    size_t n = dacc_pause_root_format(&r, text, sizeof text);
    const dacc_tlog_signer *by[3] = { &s[0], &s[1], &s[2] };
    size_t used = dacc_tlog_note_build(text, n, by, 3, 0, note, sizeof note);
    return dacc_pause_init(st, note, used, 1767225600) == DACC_PAUSE_ACCEPTED;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dacc_pause_state base;
    static int ready;
    if (!ready)
        ready = provision(&base);
    if (!ready)
        __builtin_trap();
    dacc_pause_state st = base;
    dacc_pause_reason r = dacc_pause_verify(&st, (const char *)data, size, 1767300000);
    if (r != DACC_PAUSE_ACCEPTED && memcmp(&st, &base, sizeof st) != 0)
        __builtin_trap(); /* a refusal changed the state */
    st = base;
    r = dacc_pause_rotate(&st, (const char *)data, size, 1767300000);
    if (r != DACC_PAUSE_ACCEPTED && memcmp(&st, &base, sizeof st) != 0)
        __builtin_trap();
    dacc_pause_root root;
    (void)dacc_pause_root_parse((const char *)data, size, &root);
    dacc_pause_heartbeat hb; /* the publisher's check, on a heartbeat note */
    (void)dacc_pause_heartbeat_verify(&base.root, (const char *)data, size, &hb);
    return 0;
}
