/* Signed notes, checkpoints, cosignatures and tile paths against the Go
 * reference (tests/tlog/go-sumdb.txt) and the C2SP specifications. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/base.h"
#include "dacc/tlog.h"
#include "support.h"

typedef struct {
    char vkey[2][128], skey[128], badkey[2][128], text[256], sig[2][160], record[64],
        recordhash[64], tree[256];
    int nv, nb, ns;
} go_vectors;

static void unbar(char *s)
{
    for (; *s; s++)
        if (*s == '|')
            *s = '\n';
}

static void load(go_vectors *g)
{
    memset(g, 0, sizeof *g);
    FILE *fp = fopen(SOURCE_PATH("tests/tlog/go-sumdb.txt"), "r");
    cr_assert_not_null(fp);
    char line[512];
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        char *v = strchr(line, ' ');
        if (line[0] == '#' || v == NULL)
            continue;
        *v++ = '\0';
        if (strcmp(line, "vkey") == 0)
            snprintf(g->vkey[g->nv++], 128, "%s", v);
        else if (strcmp(line, "skey") == 0)
            snprintf(g->skey, 128, "%s", v);
        else if (strcmp(line, "badkey") == 0)
            snprintf(g->badkey[g->nb++], 128, "%s", v);
        else if (strcmp(line, "text") == 0)
            snprintf(g->text, 256, "%s", v);
        else if (strcmp(line, "sig") == 0)
            snprintf(g->sig[g->ns++], 160, "%s\n", v);
        else if (strcmp(line, "record") == 0)
            snprintf(g->record, 64, "%s", v);
        else if (strcmp(line, "recordhash") == 0)
            snprintf(g->recordhash, 64, "%s", v);
        else if (strcmp(line, "tree") == 0)
            snprintf(g->tree, 256, "%s", v);
    }
    fclose(fp);
    unbar(g->text);
    unbar(g->tree);
}

Test(note, go_keys_parse_and_manglings_fail)
{
    go_vectors g;
    load(&g);
    dacc_tlog_verifier v;
    dacc_error err;
    cr_assert_eq(dacc_tlog_verifier_parse(g.vkey[0], strlen(g.vkey[0]), &v, &err), DACC_OK, "%s",
                 err.message);
    cr_assert_str_eq(v.name, "PeterNeumann");
    cr_assert_eq(v.id, 0xc74f20a3u);
    char text[DACC_TLOG_KEY_TEXT_MAX];
    dacc_tlog_verifier_format(&v, text);
    cr_assert_str_eq(text, g.vkey[0]);
    for (int i = 0; i < g.nb; i++)
        cr_assert_neq(dacc_tlog_verifier_parse(g.badkey[i], strlen(g.badkey[i]), &v, NULL),
                      DACC_OK);
    /* Every proper substring and every single-byte change fails, as in Go. */
    char buf[128];
    size_t n = strlen(g.vkey[0]);
    for (size_t i = 0; i <= n; i++)
        for (size_t j = i + 1; j <= n; j++)
            if (i != 0 || j != n)
                cr_assert_neq(dacc_tlog_verifier_parse(g.vkey[0] + i, j - i, &v, NULL), DACC_OK,
                              "%.*s", (int)(j - i), g.vkey[0] + i);
    for (size_t i = 0; i < n; i++) {
        memcpy(buf, g.vkey[0], n + 1);
        buf[i]++;
        cr_assert_neq(dacc_tlog_verifier_parse(buf, n, &v, NULL), DACC_OK, "%s", buf);
    }
    dacc_tlog_signer s;
    cr_assert_eq(dacc_tlog_signer_parse(g.skey, strlen(g.skey), &s, &err), DACC_OK, "%s",
                 err.message);
    cr_assert_eq(s.v.id, 0xc74f20a3u);
    cr_assert(memcmp(s.v.pk, v.pk, 32) == 0);
    dacc_tlog_signer_format(&s, text);
    cr_assert_str_eq(text, g.skey);
    n = strlen(g.skey);
    for (size_t i = 0; i < n; i++) {
        memcpy(buf, g.skey, n + 1);
        buf[i]++;
        cr_assert_neq(dacc_tlog_signer_parse(buf, n, &s, NULL), DACC_OK, "%s", buf);
    }
}

Test(note, go_sign_is_byte_for_byte)
{
    go_vectors g;
    load(&g);
    dacc_tlog_signer s;
    cr_assert_eq(dacc_tlog_signer_parse(g.skey, strlen(g.skey), &s, NULL), DACC_OK);
    char line[DACC_TLOG_KEY_TEXT_MAX];
    cr_assert_eq(dacc_tlog_note_sign(g.text, strlen(g.text), &s, 0, line, NULL), DACC_OK);
    cr_assert_str_eq(line, g.sig[0]);
    cr_assert_eq(dacc_tlog_note_sign("abc", 3, &s, 0, line, NULL), DACC_ERR_PARSE);
}

static char *note_of(const go_vectors *g, const char *sigs)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "%s\n%s", g->text, sigs);
    return buf;
}

Test(note, go_open_cases)
{
    go_vectors g;
    load(&g);
    dacc_tlog_verifier known[2];
    dacc_tlog_verifier_parse(g.vkey[0], strlen(g.vkey[0]), &known[0], NULL);
    dacc_tlog_verifier_parse(g.vkey[1], strlen(g.vkey[1]), &known[1], NULL);
    char both[512];
    snprintf(both, sizeof both, "%s%s", g.sig[0], g.sig[1]);
    const char *msg = note_of(&g, both);
    dacc_tlog_note n;
    dacc_error err;
    size_t count;
    bool ok[2];
    cr_assert_eq(dacc_tlog_note_parse(msg, strlen(msg), &n, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(n.nsigs, 2);
    cr_assert_eq(n.text_len, strlen(g.text));
    cr_assert_eq(dacc_tlog_note_verify(&n, known, 1, ok, NULL, &count, &err), DACC_OK);
    cr_assert_eq(count, 1);
    cr_assert_eq(dacc_tlog_note_verify(&n, known, 2, ok, NULL, &count, &err), DACC_OK);
    cr_assert(count == 2 && ok[0] && ok[1]);
    cr_assert_eq(dacc_tlog_note_verify(&n, known, 0, NULL, NULL, &count, &err), DACC_ERR_NOTFOUND);
    cr_assert(strstr(err.message, "no verifiable signature") != NULL);
    /* 101 signatures are too many. */
    char *many = malloc(101 * 160 + 1);
    many[0] = '\0';
    for (int i = 0; i < 101; i++)
        strcat(many, g.sig[0]);
    char *big = malloc(strlen(many) + 300);
    sprintf(big, "%s\n%s", g.text, many);
    cr_assert_eq(dacc_tlog_note_parse(big, strlen(big), &n, &err), DACC_ERR_PARSE);
    free(many);
    free(big);
    /* A corrupted signature for a known key is an error naming the key. */
    char bad[1024];
    snprintf(bad, sizeof bad, "%.60sABCD%s", g.sig[0], g.sig[0] + 60);
    msg = note_of(&g, bad);
    cr_assert_eq(dacc_tlog_note_parse(msg, strlen(msg), &n, &err), DACC_OK);
    cr_assert_eq(dacc_tlog_note_verify(&n, known, 1, NULL, NULL, &count, &err), DACC_ERR_VERIFY);
    cr_assert_str_eq(err.message, "invalid signature for key PeterNeumann+c74f20a3");
    /* Go's malformed messages. */
    char sig_noeol[160];
    snprintf(sig_noeol, sizeof sig_noeol, "%.*s", (int)strlen(g.sig[0]) - 1, g.sig[0]);
    char cases[7][1024];
    snprintf(cases[0], 1024, "%s", g.text);
    snprintf(cases[1], 1024, "%s\n", g.text);
    snprintf(cases[2], 1024, "%s\n%s", g.text, sig_noeol);
    snprintf(cases[3], 1024, "\x01%s\n%s", g.text, g.sig[0]);
    snprintf(cases[4], 1024, "\xff%s\n%s", g.text, g.sig[0]);
    snprintf(cases[5], 1024,
             "%s\n\xE2\x80\x94 Bad Name "
             "x08go/ZJkuBS9UG/"
             "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
             g.text);
    snprintf(cases[6], 1024, "%s\n%sUnexpected line.\n", g.text, g.sig[0]);
    for (int i = 0; i < 7; i++)
        cr_assert_eq(dacc_tlog_note_parse(cases[i], strlen(cases[i]), &n, NULL), DACC_ERR_PARSE,
                     "case %d", i);
}

Test(note, go_tree_note_and_record_hash)
{
    go_vectors g;
    load(&g);
    uint8_t h[32], want[32];
    size_t got;
    dacc_tlog_leaf_hash(g.record, strlen(g.record), h);
    dacc_base64_decode(g.recordhash, strlen(g.recordhash), want, 32, &got, NULL);
    cr_assert(memcmp(h, want, 32) == 0);
    dacc_tlog_checkpoint cp;
    cr_assert_eq(dacc_tlog_checkpoint_parse(g.tree, strlen(g.tree), &cp, NULL), DACC_OK);
    cr_assert_str_eq(cp.origin, "go.sum database tree");
    cr_assert_eq(cp.size, 123456789012ull);
    cr_assert(memcmp(cp.root, want, 32) == 0);
    char out[256];
    size_t n = dacc_tlog_checkpoint_format(cp.origin, cp.size, cp.root, out, sizeof out);
    cr_assert_eq(n, strlen(g.tree));
    cr_assert_str_eq(out, g.tree);
    const char *bad[] = {
        "go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
        "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n",
        "go.sum database tree\n0123\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
        "\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
        "o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\next\n\n",
        "o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(dacc_tlog_checkpoint_parse(bad[i], strlen(bad[i]), &cp, NULL), DACC_ERR_PARSE,
                     "%zu", i);
    const char *ext = "o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\nextension one\n";
    cr_assert_eq(dacc_tlog_checkpoint_parse(ext, strlen(ext), &cp, NULL), DACC_OK);
    cr_assert_eq(cp.ext_len, 14);
}

Test(note, cosignature_v1)
{
    /* The signed message is "cosignature/v1\ntime T\n" + the checkpoint
     * body; the key ID uses type 0x04 (c2sp.org/tlog-cosignature). */
    uint8_t seed[32] = { 1, 2, 3 };
    dacc_tlog_signer w, log;
    cr_assert_eq(
        dacc_tlog_signer_from_seed("witness.example.com/w1", DACC_TLOG_KEY_COSIGN, seed, &w, NULL),
        DACC_OK);
    seed[0] = 9;
    dacc_tlog_signer_from_seed("example.com/behind-the-sofa", DACC_TLOG_KEY_ED25519, seed, &log,
                               NULL);
    const char *body = "example.com/behind-the-sofa\n20852163\n"
                       "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    char l1[DACC_TLOG_KEY_TEXT_MAX], l2[DACC_TLOG_KEY_TEXT_MAX], note[2048];
    cr_assert_eq(dacc_tlog_note_sign(body, strlen(body), &log, 0, l1, NULL), DACC_OK);
    cr_assert_eq(dacc_tlog_note_sign(body, strlen(body), &w, 1679315147, l2, NULL), DACC_OK);
    snprintf(note, sizeof note, "%s\n%s%s", body, l1, l2);
    dacc_tlog_note n;
    cr_assert_eq(dacc_tlog_note_parse(note, strlen(note), &n, NULL), DACC_OK);
    dacc_tlog_verifier known[2] = { log.v, w.v };
    bool ok[2];
    uint64_t t[2] = { 0, 0 };
    size_t count;
    cr_assert_eq(dacc_tlog_note_verify(&n, known, 2, ok, t, &count, NULL), DACC_OK);
    cr_assert_eq(count, 2);
    cr_assert_eq(t[1], 1679315147u);
    /* Verify the cosignature by hand with libsodium over the spec's message. */
    uint8_t raw[80];
    size_t got;
    const char *b64 = strchr(l2 + 4, ' ') + 1;
    dacc_base64_decode(b64, strlen(b64) - 1, raw, sizeof raw, &got, NULL);
    cr_assert_eq(got, 4 + 8 + 64);
    char msg[512];
    int ml = snprintf(msg, sizeof msg, "cosignature/v1\ntime 1679315147\n%s", body);
    cr_assert_eq(crypto_sign_verify_detached(raw + 12, (const uint8_t *)msg, (size_t)ml, w.v.pk),
                 0);
    cr_assert_eq(raw[4 + 7], 1679315147u & 0xff);
    /* The same key as a plain note key has another ID: no match. */
    dacc_tlog_verifier plain = w.v;
    dacc_tlog_signer tmp;
    seed[0] = 1;
    dacc_tlog_signer_from_seed("witness.example.com/w1", DACC_TLOG_KEY_ED25519, seed, &tmp, NULL);
    plain = tmp.v;
    cr_assert_neq(plain.id, w.v.id);
}

Test(tiles, c2sp_paths)
{
    char p[128];
    dacc_tlog_tile_path(0, 1234067, 0, p, sizeof p);
    cr_assert_str_eq(p, "tile/0/x001/x234/067");
    dacc_tlog_tile_path(1, 3057500, 0, p, sizeof p);
    cr_assert_str_eq(p, "tile/1/x003/x057/500");
    dacc_tlog_tile_path(5, 123456078, 2, p, sizeof p);
    cr_assert_str_eq(p, "tile/5/x123/x456/078.p/2");
    dacc_tlog_tile_path(-1, 0, 17, p, sizeof p);
    cr_assert_str_eq(p, "tile/entries/000.p/17");
    dacc_tlog_tile_path(2, 1000, 256, p, sizeof p);
    cr_assert_str_eq(p, "tile/2/x001/000");
}

Test(note, a_key_name_with_a_nul_is_refused)
{
    /* A consistent key (its id hashes the whole name) whose name holds a
     * NUL: C callers would see the name "a" and trust it as that key. */
    static const char name[] = "a\0b";
    const size_t name_len = sizeof name - 1;
    dacc_tlog_signer s;
    cr_assert_eq(dacc_tlog_keygen("ab", 1, &s, NULL), DACC_OK);
    uint8_t buf[64], h[32], raw[33];
    memcpy(buf, name, name_len);
    buf[name_len] = '\n';
    buf[name_len + 1] = 1;
    memcpy(buf + name_len + 2, s.v.pk, 32);
    crypto_hash_sha256(h, buf, name_len + 34);
    raw[0] = 1;
    memcpy(raw + 1, s.v.pk, 32);
    char b64[64], text[128];
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
    memcpy(text, name, name_len);
    int n = snprintf(text + name_len, sizeof text - name_len, "+%02x%02x%02x%02x+%s", h[0], h[1],
                     h[2], h[3], b64);
    dacc_tlog_verifier v;
    dacc_error err;
    cr_assert_eq(dacc_tlog_verifier_parse(text, name_len + (size_t)n, &v, &err), DACC_ERR_PARSE,
                 "a NUL inside a key name was accepted");
}
