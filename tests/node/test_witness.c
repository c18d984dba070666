/* The node as a witness (c2sp.org/tlog-witness add-checkpoint): every
 * status the spec names, checkpoints of another dacc node read over its
 * URL, a forked log caught, and the cosignature checked by dacc log verify
 * with the witness key. */
#include "dacc/json.h"
#include "node.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static void ok(const char *const *args)
{
    run_result r;
    run_dacc(&r, NULL, args);
    cr_assert_eq(r.status, 0, "%s %s: %s", args[0], args[1], r.err);
    run_result_free(&r);
}

static void append(const char *log, const char *lines)
{
    run_result r;
    run_dacc(&r, lines, (const char *const[]){ "log", "append", log, NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
}

/* The add-checkpoint body for log at old (dacc's client). */
static char *body(const char *log, const char *pub, const char *old)
{
    run_result r;
    RUN(&r, "log", "add-checkpoint", "--key", pub, "--old", old, log);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *b = r.out;
    r.out = NULL;
    run_result_free(&r);
    return b;
}

static long add(const test_node *w, const char *text, http_result *r)
{
    http(w, "POST", "/add-checkpoint", "text/plain", text, strlen(text), r);
    return r->status;
}

Test(witness, the_status_matrix_of_add_checkpoint)
{
    char *dir = make_temp_dir(), *A = path_join(dir, "A"), *F = path_join(dir, "F"),
         *B = path_join(dir, "B"), *W = path_join(dir, "W"), *wit = path_join(dir, "wit"),
         *apub = path_join(dir, "A/log.pub"), *bpub = path_join(dir, "B/log.pub"),
         *wkey = path_join(dir, "wit.key"), *wpub = path_join(dir, "wit.pub");
    ok((const char *const[]){ "log", "init", "--origin", "a.example/log", A, NULL });
    ok((const char *const[]){ "log", "init", "--origin", "b.example/log", B, NULL });
    ok((const char *const[]){ "log", "keygen", "--cosign", "w.example/w", wit, NULL });
    append(A, "one\ntwo\n");
    append(B, "x\n");
    test_node w;
    node_start(&w, W, (const char *const[]){ "--witness-key", wkey, "--witness-log", apub, NULL });
    http_result r;
    char *b0 = body(A, apub, "0");
    /* a proof line with old 0 (the empty tree needs none): 422 */
    char *extra = malloc(strlen(b0) + 64);
    snprintf(extra, strlen(b0) + 64, "old 0\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n%s",
             strchr(b0, '\n') + 1);
    cr_assert_eq(add(&w, extra, &r), 422, "%s", r.body);
    http_free(&r);
    cr_assert_eq(add(&w, b0, &r), 200, "%s", r.body);
    cr_assert(strncmp(r.body, "\xe2\x80\x94 w.example/w ", 16) == 0, "%s", r.body);
    /* the cosigned note verifies with the witness key, as a client checks it */
    char *cp = strstr(b0, "\n\n") + 2, *note = malloc(strlen(cp) + r.len + 1),
         *nf = path_join(dir, "cosigned.txt");
    strcpy(note, cp);
    strcat(note, r.body);
    write_text(nf, note);
    ok((const char *const[]){ "log", "verify", "--key", apub, "--witness", wpub, "--quorum", "1",
                              nf, NULL });
    http_free(&r);
    /* a stale old size: 409 with the size the witness has */
    cr_assert_eq(add(&w, b0, &r), 409);
    cr_assert_str_eq(r.type, "text/x.tlog.size");
    cr_assert_str_eq(r.body, "2\n");
    http_free(&r);
    /* the log grows: the proof from 2 */
    ok((const char *const[]){ "log", "tiles", A, path_join(dir, "tiles-unused"), NULL });
    char *copy = path_join(dir, "F");
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cp -r %s %s", A, F);
    cr_assert_eq(system(cmd), 0);
    append(A, "three\n");
    char *b2 = body(A, apub, "2");
    cr_assert_eq(add(&w, b2, &r), 200, "%s", r.body);
    http_free(&r);
    /* a fork: the copy taken at size 2 grows another way */
    append(F, "evil\nmore\n");
    char *bf = body(F, apub, "3");
    cr_assert_eq(add(&w, bf, &r), 422, "%s", r.body);
    cr_assert(strstr(r.body, "consistency"), "%s", r.body);
    http_free(&r);
    /* old above the size: 400; a malformed body: 400 */
    char *high = body(A, apub, "3"), *p = strstr(high, "old 3");
    p[4] = '9';
    cr_assert_eq(add(&w, high, &r), 400, "%s", r.body);
    http_free(&r);
    cr_assert_eq(add(&w, "old x\n\nnothing", &r), 400);
    http_free(&r);
    /* an unknown log: 404; a bad signature of the known one: 403 */
    char *bb = body(B, bpub, "0");
    cr_assert_eq(add(&w, bb, &r), 404, "%s", r.body);
    http_free(&r);
    char *bad = strdup(b2), *sig = strstr(bad, "\xe2\x80\x94 a.example/log ") + 20;
    sig[0] = sig[0] == 'A' ? 'B' : 'A';
    cr_assert_eq(add(&w, bad, &r), 403, "%s", r.body);
    http_free(&r);
    cr_assert_eq(node_stop(&w), 0);
    /* a node that is not a witness has no add-checkpoint */
    test_node plain;
    node_start(&plain, B, NULL);
    cr_assert_eq(add(&plain, b0, &r), 404);
    http_free(&r);
    cr_assert_eq(node_stop(&plain), 0);
    free(b0);
    free(b2);
    free(bf);
    free(high);
    free(extra);
    free(bb);
    free(bad);
    free(note);
    free(nf);
    free(copy);
    remove_tree(dir);
    free(dir);
    free(A);
    free(F);
    free(B);
    free(W);
    free(wit);
    free(apub);
    free(bpub);
    free(wkey);
    free(wpub);
}

/* A second dacc node's checkpoints, read over its URL by the client, and
 * cosigned by the witness node; the witness's state survives its restart. */
Test(witness, another_node_s_checkpoints_over_http)
{
    char *dir = make_temp_dir(), *A = path_join(dir, "A"), *W = path_join(dir, "W"),
         *wit = path_join(dir, "wit"), *wkey = path_join(dir, "wit.key"),
         *apub = path_join(dir, "A/log.pub");
    ok((const char *const[]){ "log", "init", "--origin", "a.example/log", A, NULL });
    append(A, "one\n");
    ok((const char *const[]){ "log", "keygen", "--cosign", "w.example/w", wit, NULL });
    test_node a, w;
    node_start(&a, A, NULL);
    node_start(&w, W, (const char *const[]){ "--witness-key", wkey, "--witness-log", apub, NULL });
    run_result r;
    RUN(&r, "log", "add-checkpoint", "--key", apub, "--post", w.base, a.base);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "w.example/w"), "%s", r.out);
    run_result_free(&r);
    cr_assert_eq(node_stop(&w), 0);
    node_start(&w, W, (const char *const[]){ "--witness-key", wkey, "--witness-log", apub, NULL });
    RUN(&r, "log", "add-checkpoint", "--key", apub, "--post", w.base, a.base);
    cr_assert_eq(r.status, 1, "the witness remembers size 1");
    cr_assert(strstr(r.err, "retry with --old 1"), "%s", r.err);
    run_result_free(&r);
    cr_assert_eq(node_stop(&w), 0);
    cr_assert_eq(node_stop(&a), 0);
    remove_tree(dir);
    free(dir);
    free(A);
    free(W);
    free(wit);
    free(wkey);
    free(apub);
}

/* The node asks its --witness to cosign each new checkpoint and serves
 * the checkpoint with the cosignature, which dacc log verify accepts with
 * a quorum of one; a witness that is down leaves the plain checkpoint. */
Test(witness, a_node_serves_its_cosigned_checkpoint)
{
    char *dir = make_temp_dir(), *A = path_join(dir, "A"), *W = path_join(dir, "W"),
         *wit = path_join(dir, "wit"), *wkey = path_join(dir, "wit.key"),
         *wpub = path_join(dir, "wit.pub"), *apub = path_join(dir, "A/log.pub"),
         *op = path_join(dir, "op"), *opkey = path_join(dir, "op.key"),
         *params = path_join(dir, "params.json"), *cfg = path_join(dir, "config.env"),
         *cp = path_join(dir, "cp.txt"), *el = path_join(dir, "eligible.txt");
    ok((const char *const[]){ "log", "init", "--origin", "a.example/log", A, NULL });
    ok((const char *const[]){ "log", "keygen", "--cosign", "w.example/w", wit, NULL });
    run_result r;
    RUN(&r, "round", "keygen", op);
    cr_assert_eq(r.status, 0);
    write_text(el, r.out);
    run_result_free(&r);
    write_text(params, "{\"pool\":\"1000\",\"decimals\":2,\"method\":\"qf\"}");
    ok((const char *const[]){ "round", "new", "--key", opkey, "--mechanism", "pgf", "--params",
                              params, "--eligible", el, "-o", cfg, NULL });
    test_node w, a;
    node_start(&w, W, (const char *const[]){ "--witness-key", wkey, "--witness-log", apub, NULL });
    char spec[512];
    snprintf(spec, sizeof spec, "%s=%s", w.base, wpub);
    node_start(&a, A, (const char *const[]){ "--witness", spec, NULL });
    http_result h;
    http_post_file(&a, "/api/v1/rounds", cfg, &h);
    cr_assert_eq(h.status, 201, "%s", h.body);
    http_free(&h);
    bool cosigned = false;
    for (int i = 0; i < 500 && !cosigned; i++) {
        http(&a, "GET", "/checkpoint", NULL, NULL, 0, &h);
        cosigned = strstr(h.body, "\xe2\x80\x94 w.example/w ") != NULL;
        if (cosigned)
            write_text(cp, h.body);
        http_free(&h);
        if (!cosigned)
            sleep_ms(10);
    }
    cr_assert(cosigned, "no cosignature within 5 s");
    ok((const char *const[]){ "log", "verify", "--key", apub, "--witness", wpub, "--quorum", "1",
                              cp, NULL });
    cr_assert_eq(node_stop(&w), 0);
    cr_assert_eq(node_stop(&a), 0);
    remove_tree(dir);
    free(dir);
    free(A);
    free(W);
    free(wit);
    free(wkey);
    free(wpub);
    free(apub);
    free(op);
    free(opkey);
    free(params);
    free(cfg);
    free(cp);
    free(el);
}
