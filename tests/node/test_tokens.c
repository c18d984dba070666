/* Threshold token issuance on the node: three issuer nodes on loopback
 * (2 of 3) answer a registered member through HTTP, refuse a non-member
 * and a second request (logging neither), and the member finishes with 2
 * of the 3 answers and redeems the token in dacc anon token-redeem, once.
 * An issuer with a wrong share (a fake node here: a real node refuses to
 * start with a share that is not its published one) is named by its URL.
 * token-audit recomputes a node's counts from its tokens log and refuses a
 * tampered count. The page /tokens shows the issuer's share key. */
#include <pthread.h>
#include <sodium.h>
#include <sys/stat.h>

#include "dacc/anon.h"
#include "dacc/codec.h"
#include "dacc/json.h"
#include "node.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static char *dir;
static test_node nodes[3];

static void ok(run_result *r, const char *const *args)
{
    run_dacc(r, NULL, args);
    cr_assert_eq(r->status, 0, "%s: %s%s", args[1], r->out, r->err);
}
#define OK(r, ...) ok(r, (const char *const[]){ __VA_ARGS__, NULL })

/* The issuer set, members alice and carol (bob is not one), and the
 * three issuer nodes. */
static void setup(void)
{
    dir = make_temp_dir();
    cr_assert_eq(chdir(dir), 0);
    run_result r;
    OK(&r, "anon", "keygen", "--issuers", "2", "--of", "3", "--out-dir", "iss", "--quiet");
    run_result_free(&r);
    char *members = NULL;
    size_t len = 0;
    const char *names[3] = { "alice", "carol", "bob" };
    for (int i = 0; i < 3; i++) {
        OK(&r, "round", "keygen", names[i]);
        if (i < 2) {
            members = realloc(members, len + r.out_len + 1);
            memcpy(members + len, r.out, r.out_len + 1);
            len += r.out_len;
        }
        run_result_free(&r);
    }
    write_text("members", members);
    free(members);
    for (int i = 0; i < 3; i++) {
        char data[16], share[32];
        snprintf(data, sizeof data, "n%d", i + 1);
        snprintf(share, sizeof share, "iss/share-%d", i + 1);
        const char *extra[] = { "--issuer-set",     "iss/issuers", "--issuer-share", share,
                                "--issuer-members", "members",     "--quiet",        NULL };
        node_start(&nodes[i], data, extra);
    }
}

static void teardown(void)
{
    for (int i = 0; i < 3; i++)
        if (nodes[i].log != NULL)
            cr_expect_eq(node_stop(&nodes[i]), 0);
    cr_assert_eq(chdir("/"), 0);
    remove_tree(dir);
    free(dir);
}

TestSuite(node_tokens, .init = setup, .fini = teardown, .timeout = 120);

static void request(const char *who, const char *name)
{
    char key[64], state[64], req[64];
    snprintf(key, sizeof key, "%s.key", who);
    snprintf(state, sizeof state, "%s.state", name);
    snprintf(req, sizeof req, "%s.req", name);
    run_result r;
    OK(&r, "anon", "token-request", "--issuers", "iss/issuers", "--epoch", "round-1", "--identity",
       key, "--state", state, "-o", req, "--quiet");
    run_result_free(&r);
}

/* token-finish for name's request, asking the issuers at urls. */
static void finish(run_result *r, const char *name, const char *const *urls, size_t n)
{
    char state[64], req[64], token[64];
    snprintf(state, sizeof state, "%s.state", name);
    snprintf(req, sizeof req, "%s.req", name);
    snprintf(token, sizeof token, "%s.token", name);
    const char *args[32] = { "anon",     "token-finish", "--issuers", "iss/issuers", "--state",
                             state,      "--request",    req,         "--epoch",     "round-1",
                             "--output", token,          "--quiet" };
    size_t k = 13;
    for (size_t i = 0; i < n; i++) {
        args[k++] = "--issuer";
        args[k++] = urls[i];
    }
    args[k] = NULL;
    run_dacc(r, NULL, args);
}

/* POSTs name's request to node i as token-finish does. */
static void post_request(int i, const char *name, http_result *h)
{
    char path[64], body[512];
    snprintf(path, sizeof path, "%s.req", name);
    char *hex = read_text(path, NULL);
    cr_assert_not_null(hex);
    hex[strcspn(hex, "\n")] = '\0';
    snprintf(body, sizeof body, "{\"epoch\": \"round-1\", \"request\": \"%s\"}", hex);
    free(hex);
    http(&nodes[i], "POST", "/api/v1/tokens/request", "application/json", body, strlen(body), h);
}

static json_t *get_json(int i, const char *path)
{
    http_result h;
    http(&nodes[i], "GET", path, NULL, NULL, 0, &h);
    cr_assert_eq(h.status, 200, "%s: %s", path, h.body);
    json_t *doc = json_loads(h.body, 0, NULL);
    cr_assert_not_null(doc, "%s", h.body);
    http_free(&h);
    return doc;
}

static long long log_size(int i)
{
    json_t *doc = get_json(i, "/api/v1/tokens");
    long long n = json_integer_value(json_object_get(doc, "log_size"));
    json_decref(doc);
    return n;
}

Test(node_tokens, issue_refuse_finish_redeem)
{
    const char *urls[3] = { nodes[0].base, nodes[1].base, nodes[2].base };
    run_result r;
    http_result h;
    /* 2 of 3: issuers 1 and 3 answer; 2 is never asked */
    request("alice", "alice");
    const char *two[2] = { urls[0], urls[2] };
    finish(&r, "alice", two, 2);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    cr_expect_eq(log_size(0), 1);
    cr_expect_eq(log_size(1), 0);
    cr_expect_eq(log_size(2), 1);

    /* the same request again: the logged answer, not a second entry */
    post_request(0, "alice", &h);
    cr_expect_eq(h.status, 200, "%s", h.body);
    cr_expect(strstr(h.body, "\"duplicate\": true") != NULL, "%s", h.body);
    http_free(&h);
    cr_expect_eq(log_size(0), 1);

    /* a second request of alice in the epoch: already issued, not logged */
    request("alice", "again");
    post_request(0, "again", &h);
    cr_expect_eq(h.status, 409, "%s", h.body);
    cr_expect(strstr(h.body, "already issued") != NULL, "%s", h.body);
    http_free(&h);
    finish(&r, "again", two, 2);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "already issued") != NULL, "%s", r.err);
    run_result_free(&r);
    cr_expect_eq(log_size(0), 1);
    cr_expect_eq(log_size(2), 1);

    /* bob is no member: refused by every node, logged by none */
    request("bob", "bob");
    post_request(1, "bob", &h);
    cr_expect_eq(h.status, 403, "%s", h.body);
    cr_expect(strstr(h.body, "not a registered member") != NULL, "%s", h.body);
    http_free(&h);
    finish(&r, "bob", urls, 3);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "not a registered member") != NULL, "%s", r.err);
    run_result_free(&r);
    cr_expect_eq(log_size(1), 0);

    /* redeemed with evaluations of issuers 2 and 3, once */
    OK(&r, "anon", "token-issue", "--issuers", "iss/issuers", "--index", "2", "--share",
       "iss/share-2", "--redeem", "alice.token", "-o", "ev-2", "--quiet");
    run_result_free(&r);
    OK(&r, "anon", "token-issue", "--issuers", "iss/issuers", "--index", "3", "--share",
       "iss/share-3", "--redeem", "alice.token", "-o", "ev-3", "--quiet");
    run_result_free(&r);
    OK(&r, "anon", "token-redeem", "--issuers", "iss/issuers", "--token", "alice.token",
       "--evaluation", "ev-2", "--evaluation", "ev-3", "--spent", "nullifiers");
    cr_expect(strstr(r.out, "valid\nnullifier ") != NULL, "%s", r.out);
    run_result_free(&r);
    RUN(&r, "anon", "token-redeem", "--issuers", "iss/issuers", "--token", "alice.token",
        "--evaluation", "ev-2", "--evaluation", "ev-3", "--spent", "nullifiers");
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "already redeemed") != NULL, "%s", r.err);
    run_result_free(&r);

    /* the answers are durable: a restarted node still refuses alice */
    cr_assert_eq(node_stop(&nodes[0]), 0);
    const char *extra[] = { "--issuer-set",     "iss/issuers", "--issuer-share", "iss/share-1",
                            "--issuer-members", "members",     "--quiet",        NULL };
    node_start(&nodes[0], "n1", extra);
    post_request(0, "again", &h);
    cr_expect_eq(h.status, 409, "%s", h.body);
    http_free(&h);
    cr_expect_eq(log_size(0), 1);
}

/* ---- an issuer with a wrong share: a fake node answering with a
 * proved evaluation under a key that is not its published share key ---- */

typedef struct {
    int fd;
    unsigned port;
    uint8_t wrong[32];
    pthread_t thread;
} fake_issuer;

/* The bad answer to the request hex in body: I2OSP(2, 2) || w·B || a DLEQ
 * proof of w (valid for w·G, which is not K_2). */
static void bad_answer(const fake_issuer *f, const char *body, char out[2 * 98 + 1])
{
    const char *at = strstr(body, "\"request\"");
    cr_assert_not_null(at);
    at = strchr(at + 9, '"');
    uint8_t req[128], one[32] = { 1 }, G[32], W[32], E[32], r[32], ans[98];
    cr_assert_eq(dacc_hex_decode(at + 1, 256, req, sizeof req, NULL), DACC_OK);
    cr_assert_eq(dacc_anon_public_key(one, G, NULL), DACC_OK);
    cr_assert_eq(dacc_anon_public_key(f->wrong, W, NULL), DACC_OK);
    cr_assert_eq(crypto_scalarmult_ristretto255(E, f->wrong, req + 32), 0);
    dacc_anon_scalar_random(r);
    ans[0] = 0;
    ans[1] = 2;
    memcpy(ans + 2, E, 32);
    cr_assert_eq(
        dacc_anon_dleq_prove(DACC_ANON_VOPRF, f->wrong, G, W, req + 32, E, 1, r, ans + 34, NULL),
        DACC_OK);
    dacc_hex_encode(ans, sizeof ans, out);
}

static void *fake_serve(void *arg)
{
    fake_issuer *f = arg;
    for (;;) {
        int c = accept(f->fd, NULL, NULL);
        if (c < 0)
            return NULL; /* the listening socket was shut down */
        char req[8192];
        size_t got = 0;
        const char *body = NULL;
        long want = -1;
        while (got + 1 < sizeof req) {
            ssize_t k = recv(c, req + got, sizeof req - 1 - got, 0);
            if (k <= 0)
                break;
            got += (size_t)k;
            req[got] = '\0';
            char *end = strstr(req, "\r\n\r\n");
            const char *cl = strstr(req, "Content-Length:");
            if (end != NULL && cl != NULL) {
                body = end + 4;
                want = strtol(cl + 15, NULL, 10);
                if ((long)(got - (size_t)(body - req)) >= want)
                    break;
            }
        }
        char hex[2 * 98 + 1], resp[1024];
        if (body != NULL && want >= 0) {
            bad_answer(f, body, hex);
            char json[512];
            int jl = snprintf(json, sizeof json,
                              "{\"issuer\": 2, \"epoch\": \"round-1\", \"answer\": \"%s\"}", hex);
            int rl = snprintf(resp, sizeof resp,
                              "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                              "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
                              jl, json);
            node_send_all(c, resp, (size_t)rl);
        }
        close(c);
    }
}

static void fake_start(fake_issuer *f)
{
    dacc_anon_scalar_random(f->wrong);
    f->fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(f->fd >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    cr_assert_eq(bind(f->fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(f->fd, 8), 0);
    cr_assert_eq(getsockname(f->fd, (struct sockaddr *)&a, &al), 0);
    f->port = ntohs(a.sin_port);
    cr_assert_eq(pthread_create(&f->thread, NULL, fake_serve, f), 0);
}

static void fake_stop(fake_issuer *f)
{
    shutdown(f->fd, SHUT_RDWR);
    pthread_join(f->thread, NULL);
    close(f->fd);
}

Test(node_tokens, wrong_share_named_by_url)
{
    fake_issuer f;
    fake_start(&f);
    char fake[64];
    snprintf(fake, sizeof fake, "http://127.0.0.1:%u", f.port);
    run_result r;
    /* issuers 1 and 3 are still two good answers: a token, the fake named */
    request("alice", "alice");
    const char *three[3] = { nodes[0].base, fake, nodes[2].base };
    finish(&r, "alice", three, 3);
    cr_expect_eq(r.status, 0, "%s", r.err);
    char needle[128];
    snprintf(needle, sizeof needle, "%s: issuer 2: proof does not verify", fake);
    cr_expect(strstr(r.err, needle) != NULL, "expected \"%s\" in: %s", needle, r.err);
    run_result_free(&r);
    /* with only one other answer, no token: the fake is named in the error */
    request("carol", "carol");
    const char *two[2] = { nodes[0].base, fake };
    finish(&r, "carol", two, 2);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, needle) != NULL, "expected \"%s\" in: %s", needle, r.err);
    struct stat st;
    cr_expect_neq(stat("carol.token", &st), 0, "no token is written");
    run_result_free(&r);
    fake_stop(&f);
}

Test(node_tokens, audit_counts_from_the_log)
{
    const char *urls[3] = { nodes[0].base, nodes[1].base, nodes[2].base };
    run_result r;
    request("alice", "alice");
    request("carol", "carol");
    finish(&r, "alice", urls, 3);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    finish(&r, "carol", urls, 2);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);

    http_result h;
    http(&nodes[0], "GET", "/api/v1/tokens", NULL, NULL, 0, &h);
    cr_assert_eq(h.status, 200);
    write_text("counts.json", h.body);
    json_t *doc = json_loads(h.body, 0, NULL);
    cr_expect_eq(json_integer_value(json_object_get(doc, "members")), 2);
    cr_expect_eq(json_integer_value(json_object_get(doc, "answers")), 2);
    cr_expect_eq(json_integer_value(json_object_get(doc, "issuer")), 1);
    char share_key[65];
    snprintf(share_key, sizeof share_key, "%s",
             json_string_value(json_object_get(doc, "share_key")));
    json_decref(doc);
    http_free(&h);

    /* the node's counts are what its log gives */
    OK(&r, "anon", "token-audit", "--issuers", "iss/issuers", "--epoch", "round-1", "--members",
       "members", "--log", "n1/tokens", "--counts", "counts.json", "--format", "json");
    doc = json_loads(r.out, 0, NULL);
    cr_expect_eq(json_integer_value(json_object_get(doc, "records")), 2, "%s", r.out);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "counts")), "match");
    json_decref(doc);
    run_result_free(&r);
    /* the same from its tiles, checked against the log's key */
    OK(&r, "log", "tiles", "n1/tokens", "tiles-1");
    run_result_free(&r);
    char *pub = read_text("n1/tokens/log.pub", NULL);
    cr_assert_not_null(pub);
    write_text("tiles-1/log.pub", pub);
    free(pub);
    OK(&r, "anon", "token-audit", "--issuers", "iss/issuers", "--epoch", "round-1", "--members",
       "members", "--log", "tiles-1", "--counts", "counts.json");
    cr_expect(strstr(r.out, "records 2\n") != NULL && strstr(r.out, "counts match\n") != NULL, "%s",
              r.out);
    run_result_free(&r);
    /* and from the node itself, its tiles checked against the key the
     * auditor holds (a key the node serves would prove nothing) */
    char url[128];
    snprintf(url, sizeof url, "%s/api/v1/tokens/log", nodes[0].base);
    OK(&r, "anon", "token-audit", "--issuers", "iss/issuers", "--epoch", "round-1", "--members",
       "members", "--log", url, "--log-key", "n1/tokens/log.pub", "--counts", "counts.json");
    cr_expect(strstr(r.out, "records 2\n") != NULL && strstr(r.out, "counts match\n") != NULL, "%s",
              r.out);
    run_result_free(&r);
    RUN(&r, "anon", "token-audit", "--issuers", "iss/issuers", "--epoch", "round-1", "--members",
        "members", "--log", url, "--log-key", "n2/tokens/log.pub");
    cr_expect_eq(r.status, 1, "another log's key: %s", r.out);
    run_result_free(&r);
    RUN(&r, "anon", "token-audit", "--issuers", "iss/issuers", "--epoch", "round-1", "--members",
        "members", "--log", url);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "give the tokens log's key with --log-key") != NULL, "%s", r.err);
    run_result_free(&r);
    /* over every issuer's log: 2 tokens for 2 members */
    OK(&r, "anon", "token-audit", "--issuers", "iss/issuers", "--epoch", "round-1", "--members",
       "members", "--log", "n1/tokens", "--log", "n2/tokens", "--log", "n3/tokens");
    cr_expect(strstr(r.out, "records 5\nmembers 2\ntokens 2\n") != NULL, "%s", r.out);
    run_result_free(&r);

    /* a tampered count is refused, naming the field */
    char *text = read_text("counts.json", NULL);
    char *at = strstr(text, "\"epoch\": \"round-1\"");
    cr_assert_not_null(at, "%s", text);
    at = strstr(at, "\"answers\": 2");
    cr_assert_not_null(at, "%s", text);
    at[11] = '1';
    write_text("tampered.json", text);
    free(text);
    RUN(&r, "anon", "token-audit", "--issuers", "iss/issuers", "--epoch", "round-1", "--members",
        "members", "--log", "n1/tokens", "--counts", "tampered.json");
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "\"answers\": the node counts 1, the log gives 2") != NULL, "%s",
              r.err);
    run_result_free(&r);

    /* the page: the share key and the members, for a browser */
    http(&nodes[0], "GET", "/tokens", NULL, NULL, 0, &h);
    cr_expect_eq(h.status, 200);
    cr_expect(strncmp(h.type, "text/html", 9) == 0, "%s", h.type);
    cr_expect(strstr(h.body, share_key) != NULL, "no share key in: %s", h.body);
    cr_expect(strstr(h.body, "<dd id=\"members\">2 ") != NULL, "%s", h.body);
    cr_expect(strstr(h.body, "<tr><td>round-1</td><td>2</td></tr>") != NULL, "%s", h.body);
    http_free(&h);
    /* the home page links it, for a browser */
    int fd = node_connect(&nodes[0]);
    static const char get_home[] = "GET / HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n"
                                   "Connection: close\r\n\r\n";
    cr_assert(node_send_all(fd, get_home, strlen(get_home)));
    static char home[1 << 16];
    bool closed;
    node_read_until_closed(fd, home, sizeof home, 10000, &closed);
    close(fd);
    cr_expect(strstr(home, "<a href=\"/tokens\">") != NULL, "%s", home);
    /* the member list and the issuer set, as dacc anon reads them */
    http(&nodes[0], "GET", "/api/v1/tokens/members", NULL, NULL, 0, &h);
    char *members = read_text("members", NULL);
    cr_expect_eq(h.status, 200);
    cr_expect_eq(strlen(h.body), strlen(members));
    free(members);
    http_free(&h);
    http(&nodes[0], "GET", "/api/v1/tokens/issuers", NULL, NULL, 0, &h);
    write_text("served-issuers", h.body);
    http_free(&h);
    OK(&r, "anon", "token-request", "--issuers", "served-issuers", "--epoch", "round-2",
       "--identity", "alice.key", "--state", "s2", "-o", "r2", "--quiet");
    run_result_free(&r);
}

/* --issuer-epoch: only the epochs listed are answered */
Test(node_tokens, open_epochs_only)
{
    test_node only;
    const char *extra[] = { "--issuer-set",     "iss/issuers", "--issuer-share", "iss/share-1",
                            "--issuer-members", "members",     "--issuer-epoch", "round-2",
                            "--quiet",          NULL };
    node_start(&only, "only", extra);
    request("alice", "alice");
    char *hex = read_text("alice.req", NULL);
    hex[strcspn(hex, "\n")] = '\0';
    char body[512];
    snprintf(body, sizeof body, "{\"epoch\": \"round-1\", \"request\": \"%s\"}", hex);
    free(hex);
    http_result h;
    http(&only, "POST", "/api/v1/tokens/request", "application/json", body, strlen(body), &h);
    cr_expect_eq(h.status, 403, "%s", h.body);
    cr_expect(strstr(h.body, "not an epoch this issuer answers") != NULL, "%s", h.body);
    http_free(&h);
    http(&only, "GET", "/api/v1/tokens", NULL, NULL, 0, &h);
    json_t *doc = json_loads(h.body, 0, NULL);
    json_t *open = json_object_get(doc, "open_epochs");
    cr_expect_eq(json_array_size(open), 1, "%s", h.body);
    cr_expect_str_eq(json_string_value(json_array_get(open, 0)), "round-2");
    cr_expect_eq(json_integer_value(json_object_get(doc, "log_size")), 0);
    json_decref(doc);
    http_free(&h);
    cr_expect_eq(node_stop(&only), 0);
}

/* ---- what a node that is not, or cannot be, an issuer says ---- */

Test(node_tokens, not_an_issuer_and_bad_config)
{
    test_node plain;
    node_start(&plain, "plain", NULL);
    http_result h;
    http(&plain, "GET", "/api/v1/tokens", NULL, NULL, 0, &h);
    cr_expect_eq(h.status, 404);
    cr_expect(strstr(h.body, "issues no tokens") != NULL, "%s", h.body);
    http_free(&h);
    cr_expect_eq(node_stop(&plain), 0);

    run_result r;
    RUN(&r, "serve", "--listen", "127.0.0.1:0", "--data", "bad", "--issuer-set", "iss/issuers");
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "--issuer-set, --issuer-share and --issuer-members together") != NULL,
              "%s", r.err);
    run_result_free(&r);
    cr_assert_eq(chmod("iss/share-1", 0644), 0);
    RUN(&r, "serve", "--listen", "127.0.0.1:0", "--data", "bad", "--issuer-set", "iss/issuers",
        "--issuer-share", "iss/share-1", "--issuer-members", "members");
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "readable by others") != NULL, "%s", r.err);
    run_result_free(&r);
    /* a share that is none of the set's */
    write_text("other-share",
               "share 0100000000000000000000000000000000000000000000000000000000000000\n");
    cr_assert_eq(chmod("other-share", 0600), 0);
    RUN(&r, "serve", "--listen", "127.0.0.1:0", "--data", "bad", "--issuer-set", "iss/issuers",
        "--issuer-share", "other-share", "--issuer-members", "members");
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "none of the issuer set's share keys") != NULL, "%s", r.err);
    run_result_free(&r);
}
