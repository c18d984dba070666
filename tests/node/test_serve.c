/* dacc serve driven over HTTP only: a QF round from config to result, each
 * receipt verified by `dacc log verify` against the node's own key, the
 * log's tiles equal to what `dacc log tiles` writes, concurrent writers
 * group-committed, refusals that log nothing, and a clean stop and
 * restart. */
#include <pthread.h>
#include <sys/stat.h>

#include "dacc/json.h"
#include "dacc/tlog.h"
#include "node.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

typedef struct {
    char *dir, *data;
    char id[65];
    test_node n;
} world;

static char *at(const world *w, const char *name)
{
    return path_join(w->dir, name);
}

static void run_in(const char *const *args)
{
    run_result r;
    run_dacc(&r, NULL, args);
    cr_assert_eq(r.status, 0, "%s: %s", args[1], r.err);
    run_result_free(&r);
}

/* Keys op, alice and bob; a QF round's config signed by op. */
static void make_round(world *w)
{
    const char *names[] = { "op", "alice", "bob" };
    char eligible[200] = "";
    for (int i = 0; i < 3; i++) {
        char *hex = at(w, names[i]), *key = NULL;
        size_t len = strlen(hex) + 5;
        key = malloc(len);
        snprintf(key, len, "%s.key", hex);
        run_result r;
        RUN(&r, "round", "keygen", hex);
        cr_assert_eq(r.status, 0, "%s", r.err);
        if (i > 0)
            strncat(eligible, r.out, sizeof eligible - strlen(eligible) - 1);
        run_result_free(&r);
        free(hex);
        free(key);
    }
    char *el = at(w, "eligible.txt"), *params = at(w, "params.json"), *cfg = at(w, "config.env"),
         *op = at(w, "op.key");
    write_text(el, eligible);
    write_text(params, "{\"pool\":\"100000\",\"decimals\":2,\"method\":\"qf\"}");
    run_result r;
    RUN(&r, "round", "new", "--key", op, "--mechanism", "pgf", "--params", params, "--eligible", el,
        "--title", "Node round", "-o", cfg);
    cr_assert_eq(r.status, 0, "%s", r.err);
    const char *id = strstr(r.err, "round ");
    cr_assert_not_null(id, "%s", r.err);
    snprintf(w->id, sizeof w->id, "%.64s", id + 6);
    run_result_free(&r);
    free(el);
    free(params);
    free(cfg);
    free(op);
}

/* An event of key (op, alice, bob) signed with seq into file name. */
static char *event(const world *w, const char *key, const char *type, unsigned seq,
                   const char *body, const char *name)
{
    char *k = NULL, *out = at(w, name), s[16];
    size_t len = strlen(w->dir) + strlen(key) + 8;
    k = malloc(len);
    snprintf(k, len, "%s/%s.key", w->dir, key);
    snprintf(s, sizeof s, "%u", seq);
    run_in((const char *const[]){ "round", "event", "--key", k, "--type", type, "--round", w->id,
                                  "--seq", s, "--body", body, "-o", out, NULL });
    free(k);
    return out;
}

static void world_start(world *w)
{
    w->dir = make_temp_dir();
    w->data = at(w, "data");
    make_round(w);
    node_start(&w->n, w->data, NULL);
}

static void world_end(world *w)
{
    if (w->n.log != NULL)
        cr_assert_eq(node_stop(&w->n), 0, "dacc serve did not stop cleanly");
    remove_tree(w->dir);
    free(w->dir);
    free(w->data);
}

static char *events_url(const world *w)
{
    char *u = malloc(128);
    snprintf(u, 128, "/api/v1/rounds/%s/events", w->id);
    return u;
}

/* The receipt's proof, checked by the dacc client against the log's key. */
static void check_receipt(const world *w, const char *receipt, const char *entry_file)
{
    json_error_t je;
    json_t *doc = json_loads(receipt, 0, &je);
    cr_assert_not_null(doc, "%s", receipt);
    const char *proof = json_string_value(json_object_get(doc, "proof"));
    cr_assert_not_null(proof);
    char *pf = at(w, "proof.txt"), *pub = at(w, "data/log.pub"), *ent = at(w, "entry.bin");
    write_text(pf, proof);
    /* the log keeps the envelope as dacc_dsse_write gives it: no final newline */
    size_t len;
    char *text = read_text(entry_file, &len);
    cr_assert(text && len > 0 && text[len - 1] == '\n');
    text[len - 1] = '\0';
    write_text(ent, text);
    free(text);
    run_in((const char *const[]){ "log", "verify", "--key", pub, "--inclusion", pf, "--entry", ent,
                                  NULL });
    json_decref(doc);
    free(ent);
    free(pf);
    free(pub);
}

static uint64_t tree_size(const world *w)
{
    http_result r;
    http(&w->n, "GET", "/checkpoint", NULL, NULL, 0, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    const char *nl = strchr(r.body, '\n');
    uint64_t size = strtoull(nl + 1, NULL, 10);
    http_free(&r);
    return size;
}

Test(serve, a_round_over_http_with_receipts_and_refusals)
{
    world w = { 0 };
    world_start(&w);
    struct stat st;
    char *key = at(&w, "data/log.key");
    cr_assert(stat(key, &st) == 0 && (st.st_mode & 0777) == 0600, "the log key is private");
    free(key);
    http_result r;
    char *cfg = at(&w, "config.env"), *url = events_url(&w);
    http_post_file(&w.n, "/api/v1/rounds", cfg, &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert(strstr(r.body, "\"index\": 0") && strstr(r.body, "c2sp.org/tlog-proof@v1"), "%s",
              r.body);
    check_receipt(&w, r.body, cfg);
    http_free(&r);
    char *a =
        event(&w, "alice", "pgf/donation", 1, "{\"project\":\"p1\",\"amount\":\"500\"}", "a.env");
    char *b =
        event(&w, "bob", "pgf/donation", 1, "{\"project\":\"p1\",\"amount\":\"200\"}", "b.env");
    http_post_file(&w.n, url, a, &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    check_receipt(&w, r.body, a);
    http_free(&r);
    /* A replayed envelope is refused with the round's reason and not logged. */
    http_post_file(&w.n, url, a, &r);
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert(strstr(r.type, "application/problem+json") && strstr(r.body, "replay"), "%s", r.body);
    http_free(&r);
    cr_assert_eq(tree_size(&w), 2);
    http_post_file(&w.n, url, b, &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    http_free(&r);
    /* The operator closes the round; the result is the mechanism's. */
    char *close = event(&w, "op", "round/close", 2, "{\"phase\":\"donations\"}", "close.env");
    http_post_file(&w.n, url, close, &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    http_free(&r);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/rounds/%s/result", w.id);
    http(&w.n, "GET", path, NULL, NULL, 0, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    char *result = strdup(r.body);
    http_free(&r);
    snprintf(path, sizeof path, "/api/v1/rounds/%s", w.id);
    http(&w.n, "GET", path, NULL, NULL, 0, &r);
    cr_assert(strstr(r.body, "\"events\": 4") && strstr(r.body, "\"mechanism\": \"pgf\""), "%s",
              r.body);
    http_free(&r);
    http(&w.n, "GET", "/api/v1/rounds", NULL, NULL, 0, &r);
    cr_assert(strstr(r.body, w.id), "%s", r.body);
    http_free(&r);
    snprintf(path, sizeof path, "/api/v1/rounds/%s/events?after=1&limit=1", w.id);
    http(&w.n, "GET", path, NULL, NULL, 0, &r);
    cr_assert(strstr(r.body, "\"index\": 2") && strstr(r.body, "\"next\": 2"), "%s", r.body);
    http_free(&r);
    /* An auditor needs only the node's URL and the log's key: the log
     * audits over HTTP, and the round replays from its tiles to the
     * node's own result. */
    char *pub = at(&w, "data/log.pub");
    run_in((const char *const[]){ "log", "audit", "--key", pub, w.n.base, NULL });
    run_result rep;
    RUN(&rep, "round", "replay", "--tiles", w.n.base, "--log-key", pub, "-f", "json", w.id);
    cr_assert_eq(rep.status, 0, "%s", rep.err);
    json_t *replayed = json_loads(rep.out, 0, NULL), *served = json_loads(result, 0, NULL);
    cr_assert(
        replayed && served &&
            json_equal(json_object_get(replayed, "result"), json_object_get(served, "result")),
        "replay:\n%s\nnode:\n%s", rep.out, result);
    json_decref(replayed);
    json_decref(served);
    run_result_free(&rep);
    RUN(&rep, "log", "audit", w.n.base);
    cr_assert_eq(rep.status, 1, "a URL's key is never taken from it");
    cr_assert(strstr(rep.err, "--key"), "%s", rep.err);
    run_result_free(&rep);
    free(pub);
    /* The node's result is what anyone replaying its log gets. */
    cr_assert_eq(node_stop(&w.n), 0);
    run_result cli;
    RUN(&cli, "round", "result", "-f", "json", "--log", w.data, w.id);
    cr_assert_eq(cli.status, 0, "%s", cli.err);
    json_t *x = json_loads(result, 0, NULL), *y = json_loads(cli.out, 0, NULL);
    /* the command line adds its decimal view of the amounts, unhashed */
    cr_assert(y && json_object_del(y, "result_decimal") == 0, "%s", cli.out);
    cr_assert(x && y && json_equal(x, y), "node:\n%s\ncli:\n%s", result, cli.out);
    json_decref(x);
    json_decref(y);
    run_result_free(&cli);
    /* A restart serves the same log. */
    node_start(&w.n, w.data, NULL);
    cr_assert_eq(tree_size(&w), 4);
    free(result);
    free(a);
    free(b);
    free(close);
    free(cfg);
    free(url);
    world_end(&w);
}

typedef struct {
    const world *w;
    const char *url;
    char *env;
    long status;
} poster;

static void *post_one(void *arg)
{
    poster *p = arg;
    http_result r;
    http_post_file(&p->w->n, p->url, p->env, &r);
    p->status = r.status;
    http_free(&r);
    return NULL;
}

/* Sixteen writers at once: each gets its own receipt; the log holds them
 * all; `dacc log tiles` of the store gives the node's tiles byte for
 * byte. */
Test(serve, concurrent_writers_and_the_tiles)
{
    world w = { 0 };
    world_start(&w);
    http_result r;
    char *cfg = at(&w, "config.env"), *url = events_url(&w);
    http_post_file(&w.n, "/api/v1/rounds", cfg, &r);
    cr_assert_eq(r.status, 201);
    http_free(&r);
    enum { N = 16 };
    poster p[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        char body[64], name[32];
        snprintf(body, sizeof body, "{\"project\":\"p%d\",\"amount\":\"%d\"}", i % 3, 100 + i);
        snprintf(name, sizeof name, "d%d.env", i);
        p[i] = (poster){
            &w, url,
            event(&w, i % 2 ? "bob" : "alice", "pgf/donation", (unsigned)(i / 2 + 1), body, name), 0
        };
    }
    /* a key's events must arrive in order: alice's and bob's streams each
     * posted by one thread at a time, the two streams in parallel */
    for (int round = 0; round < N / 2; round++) {
        for (int k = 0; k < 2; k++)
            pthread_create(&t[2 * round + k], NULL, post_one, &p[2 * round + k]);
        for (int k = 0; k < 2; k++)
            pthread_join(t[2 * round + k], NULL);
    }
    for (int i = 0; i < N; i++) {
        cr_assert_eq(p[i].status, 201, "writer %d: %ld", i, p[i].status);
        free(p[i].env);
    }
    cr_assert_eq(tree_size(&w), N + 1);
    /* tiles: the entry bundle and the hash tile of the partial tree */
    char *tiles = at(&w, "tiles");
    cr_assert_eq(node_stop(&w.n), 0);
    run_in((const char *const[]){ "log", "tiles", w.data, tiles, NULL });
    node_start(&w.n, w.data, NULL);
    const char *paths[] = { "tile/entries/000.p/17", "tile/0/000.p/17", "checkpoint" };
    for (int k = 0; k < 3; k++) {
        char get[64], *file = path_join(tiles, paths[k]);
        snprintf(get, sizeof get, "/%s", paths[k]);
        size_t len;
        char *want = read_text(file, &len);
        http(&w.n, "GET", get, NULL, NULL, 0, &r);
        cr_assert_eq(r.status, 200, "%s", get);
        cr_assert(want && r.len == len && memcmp(r.body, want, len) == 0, "%s differs", get);
        cr_assert_str_eq(r.cache, "no-cache", "a partial tile changes");
        http_free(&r);
        free(want);
        free(file);
    }
    http(&w.n, "GET", "/tile/0/000.p/18", NULL, NULL, 0, &r);
    cr_assert_eq(r.status, 404, "past the tree");
    http_free(&r);
    free(tiles);
    free(cfg);
    free(url);
    world_end(&w);
}

Test(serve, hostile_requests_get_4xx_and_log_nothing)
{
    world w = { 0 };
    world_start(&w);
    http_result r;
    char *cfg = at(&w, "config.env"), *url = events_url(&w);
    http_post_file(&w.n, "/api/v1/rounds", cfg, &r);
    cr_assert_eq(r.status, 201);
    http_free(&r);
    size_t len;
    char *a =
        event(&w, "alice", "pgf/donation", 1, "{\"project\":\"p1\",\"amount\":\"5\"}", "a.env");
    char *env = read_text(a, &len);
    /* a signature byte changed */
    char *bad = strdup(env), *sig = strstr(bad, "\"sig\":\"");
    sig[7] = sig[7] == 'A' ? 'B' : 'A';
    static const char big_fill = 'x';
    char *huge = malloc(200000);
    memset(huge, big_fill, 200000);
    struct {
        const char *method, *path, *type;
        const char *body;
        size_t len;
        long want;
    } cases[] = {
        { "POST", url, "application/json", "{", 1, 400 },
        { "POST", url, "text/plain", env, len, 415 },
        { "POST", url, NULL, env, len, 415 },
        { "POST", url, "application/json", huge, 200000, 413 },
        { "POST", url, "application/json", bad, len, 403 },
        { "POST", url, "application/json", "\xff\xfe", 2, 400 },
        { "POST", url, "application/json", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 40, 400 },
        { "POST", "/api/v1/rounds", "application/json", env, len, 422 },
        { "POST",
          "/api/v1/rounds/0000000000000000000000000000000000000000000000000000000000000000/events",
          "application/json", env, len, 422 },
        { "POST", "/checkpoint", "application/json", env, len, 405 },
        { "DELETE", url, NULL, NULL, 0, 405 },
        { "GET", "/tile/0/../../log.key", NULL, NULL, 0, 404 },
        { "GET", "/tile/0/x001/000", NULL, NULL, 0, 404 },
        { "GET", "/tile/entries/000.p/0", NULL, NULL, 0, 404 },
        { "GET", "/tile/99/000", NULL, NULL, 0, 404 },
        { "GET", "/api/v1/rounds/zz", NULL, NULL, 0, 404 },
        { "GET", "/api/v1/rounds?limit=0", NULL, NULL, 0, 400 },
        { "GET", "/api/v1/rounds?after=-1", NULL, NULL, 0, 400 },
        { "GET", "/nothing", NULL, NULL, 0, 404 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        http(&w.n, cases[k].method, cases[k].path, cases[k].type, cases[k].body, cases[k].len, &r);
        cr_assert_eq(r.status, cases[k].want, "case %zu (%s %s): %ld %s", k, cases[k].method,
                     cases[k].path, r.status, r.body);
        cr_assert(strstr(r.type, "application/problem+json"), "case %zu: %s", k, r.type);
        json_t *doc = json_loads(r.body, 0, NULL);
        cr_assert(doc && json_integer_value(json_object_get(doc, "status")) == cases[k].want,
                  "case %zu: a problem document: %s", k, r.body);
        json_decref(doc);
        http_free(&r);
    }
    cr_assert_eq(tree_size(&w), 1, "nothing refused was logged");
    /* and the node still takes good events */
    http(&w.n, "POST", url, "application/json", env, len, &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    http_free(&r);
    free(huge);
    free(bad);
    free(env);
    free(a);
    free(cfg);
    free(url);
    world_end(&w);
}

typedef struct {
    const world *w;
    const char *url;
    char **envs;
    size_t n;
    /* out: the receipted events, each with its index */
    size_t acked;
    uint64_t *index;
    size_t *which;
} loader;

/* Posts envs in order until the node stops answering; records every 201. */
static void *load(void *arg)
{
    loader *l = arg;
    for (size_t i = 0; i < l->n; i++) {
        size_t len;
        char *text = read_text(l->envs[i], &len);
        CURL *c = curl_easy_init();
        char url[256];
        snprintf(url, sizeof url, "%s%s", l->w->n.base, l->url);
        http_result r = { 0 };
        struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
        CURLcode rc = curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
        free(text);
        bool ok = rc == CURLE_OK && r.status == 201 && r.body != NULL;
        if (ok) {
            const char *ix = strstr(r.body, "\"index\": ");
            l->index[l->acked] = strtoull(ix + 9, NULL, 10);
            l->which[l->acked++] = i;
        }
        free(r.body);
        if (!ok)
            break;
    }
    return NULL;
}

/* SIGKILL at random moments while a writer posts: every event that got a
 * 201 receipt is in the log at its receipt's index after the restart, and
 * the log audits. */
Test(serve, killed_nodes_keep_every_receipted_event, .timeout = 600)
{
    world w = { 0 };
    world_start(&w);
    http_result r;
    char *cfg = at(&w, "config.env"), *url = events_url(&w), *pub = at(&w, "data/log.pub");
    http_post_file(&w.n, "/api/v1/rounds", cfg, &r);
    cr_assert_eq(r.status, 201);
    http_free(&r);
    enum { EVENTS = 400, KILLS = 50 };
    char **envs = malloc(EVENTS * sizeof *envs);
    for (unsigned i = 0; i < EVENTS; i++) {
        char name[32];
        snprintf(name, sizeof name, "e%u.env", i);
        envs[i] =
            event(&w, "alice", "pgf/donation", i + 1, "{\"project\":\"p\",\"amount\":\"1\"}", name);
    }
    uint64_t *index = malloc(EVENTS * sizeof *index);
    size_t *which = malloc(EVENTS * sizeof *which), next = 0;
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    for (int kill_no = 0; kill_no < KILLS && next < EVENTS; kill_no++) {
        loader l = { &w, url, envs + next, EVENTS - next, 0, index, which };
        pthread_t t;
        pthread_create(&t, NULL, load, &l);
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        sleep_ms(5 + (long)((seed >> 33) % 40));
        node_kill(&w.n);
        pthread_join(t, NULL);
        node_start(&w.n, w.data, NULL);
        /* every receipted event is the log's entry at its index */
        for (size_t k = 0; k < l.acked; k++) {
            char path[64];
            char tile[48];
            dacc_tlog_tile_path(-1, index[k] / 256,
                                (unsigned)(index[k] % 256 + 1) % 256 /* 0: full */, tile,
                                sizeof tile);
            snprintf(path, sizeof path, "/%s", tile);
            http(&w.n, "GET", path, NULL, NULL, 0, &r);
            cr_assert_eq(r.status, 200, "kill %d: entry %llu is gone", kill_no,
                         (unsigned long long)index[k]);
            const unsigned char *b = (const unsigned char *)r.body;
            size_t off = 0, len = 0;
            for (uint64_t e = 0; e <= index[k] % 256; e++) {
                len = (size_t)b[off] << 8 | b[off + 1];
                off += 2 + (e < index[k] % 256 ? len : 0);
            }
            size_t elen;
            char *want = read_text(l.envs[which[k]], &elen);
            cr_assert(want && elen == len + 1 && memcmp(b + off, want, len) == 0,
                      "kill %d: entry %llu is not the receipted event", kill_no,
                      (unsigned long long)index[k]);
            free(want);
            http_free(&r);
        }
        /* the restarted node's checkpoint follows every one it signed before */
        char *old = at(&w, "old-checkpoint");
        if (kill_no > 0)
            run_in(
                (const char *const[]){ "log", "verify", "--key", pub, "--old", old, w.data, NULL });
        http(&w.n, "GET", "/checkpoint", NULL, NULL, 0, &r);
        write_text(old, r.body);
        http_free(&r);
        free(old);
        /* the log goes on from what it holds: the events after its last */
        uint64_t size = tree_size(&w);
        cr_assert(size >= 1 + next + l.acked, "kill %d: %llu entries, %zu receipted", kill_no,
                  (unsigned long long)size, next + l.acked);
        next = (size_t)size - 1;
    }
    cr_assert_eq(node_stop(&w.n), 0);
    run_in((const char *const[]){ "log", "audit", "--key", pub, w.data, NULL });
    for (unsigned i = 0; i < EVENTS; i++)
        free(envs[i]);
    free(envs);
    free(index);
    free(which);
    free(pub);
    free(cfg);
    free(url);
    w.n.log = NULL;
    world_end(&w);
}

/* The command-line client: events posted one by one, every receipt checked
 * against the log key; with --seen, a node that rewrote its log (a copy of
 * its data grown another way, same key) is caught. */
Test(serve, the_client_checks_receipts_and_catches_a_fork)
{
    world w = { 0 };
    world_start(&w);
    char *cfg = at(&w, "config.env"), *pub = at(&w, "data/log.pub"), *seen = at(&w, "seen.txt"),
         *alice = at(&w, "alice.pub");
    run_result r;
    RUN(&r, "round", "append", "--node", w.n.base, "--log-key", pub, "--seen", seen, cfg);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "entry 0: receipt verified"), "%s", r.out);
    run_result_free(&r);
    char *a1 =
        event(&w, "alice", "pgf/donation", 1, "{\"project\":\"p\",\"amount\":\"1\"}", "a1.env");
    char *a2 =
        event(&w, "alice", "pgf/donation", 2, "{\"project\":\"p\",\"amount\":\"2\"}", "a2.env");
    /* a receipt checked with another key is refused, though the event is logged */
    RUN(&r, "round", "append", "--node", w.n.base, "--log-key", alice, a1);
    cr_assert_eq(r.status, 1);
    run_result_free(&r);
    /* the node's data copied at size 2, then each copy grows its own way */
    cr_assert_eq(node_stop(&w.n), 0);
    char *fork = at(&w, "fork"), cmd[8192];
    snprintf(cmd, sizeof cmd, "cp -r %s %s", w.data, fork);
    cr_assert_eq(system(cmd), 0);
    node_start(&w.n, w.data, NULL);
    RUN(&r, "round", "append", "--node", w.n.base, "--log-key", pub, "--seen", seen, a2);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    cr_assert_eq(node_stop(&w.n), 0);
    test_node f;
    node_start(&f, fork, NULL);
    char *b1 =
        event(&w, "bob", "pgf/donation", 1, "{\"project\":\"q\",\"amount\":\"9\"}", "b1.env");
    char *b2 =
        event(&w, "bob", "pgf/donation", 2, "{\"project\":\"q\",\"amount\":\"9\"}", "b2.env");
    RUN(&r, "round", "append", "--node", f.base, "--log-key", pub, b1);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "round", "append", "--node", f.base, "--log-key", pub, "--seen", seen, b2);
    cr_assert_eq(r.status, 1, "the fork went unnoticed: %s", r.out);
    cr_assert(strstr(r.err, "consistency") || strstr(r.err, "fork"), "%s", r.err);
    run_result_free(&r);
    cr_assert_eq(node_stop(&f), 0);
    w.n.log = NULL;
    free(fork);
    free(a1);
    free(a2);
    free(b1);
    free(b2);
    free(alice);
    free(seen);
    free(pub);
    free(cfg);
    world_end(&w);
}

/* Rate limits: a key may post --key-rate events a second in bursts of
 * twice that, an address --address-rate; beyond, 429 and nothing logged. */
Test(serve, rate_limits_per_key_and_per_address)
{
    world w = { 0 };
    w.dir = make_temp_dir();
    w.data = at(&w, "data");
    make_round(&w);
    node_start(&w.n, w.data, (const char *const[]){ "--key-rate", "1", NULL });
    char *cfg = at(&w, "config.env"), *url = events_url(&w);
    http_result r;
    http_post_file(&w.n, "/api/v1/rounds", cfg, &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    http_free(&r);
    long got[4];
    char *es[4];
    for (unsigned i = 0; i < 4; i++) { /* signed first: the posts come within the second */
        char name[16];
        snprintf(name, sizeof name, "k%u.env", i);
        es[i] =
            event(&w, "alice", "pgf/donation", i + 1, "{\"project\":\"p\",\"amount\":\"1\"}", name);
    }
    for (unsigned i = 0; i < 4; i++) {
        http_post_file(&w.n, url, es[i], &r);
        got[i] = r.status;
        if (r.status == 429)
            cr_assert(strstr(r.body, "too many events from this key"), "%s", r.body);
        http_free(&r);
        free(es[i]);
    }
    cr_assert(got[0] == 201 && got[1] == 201 && got[2] == 429, "%ld %ld %ld %ld", got[0], got[1],
              got[2], got[3]);
    cr_assert_eq(tree_size(&w), 3, "a refused event is not logged");
    cr_assert_eq(node_stop(&w.n), 0);
    /* per address: the second post within the second is refused */
    node_start(&w.n, w.data, (const char *const[]){ "--address-rate", "1", NULL });
    char *e = event(&w, "bob", "pgf/donation", 1, "{\"project\":\"p\",\"amount\":\"1\"}", "b.env");
    long statuses[3];
    for (int i = 0; i < 3; i++) {
        http_post_file(&w.n, url, e, &r);
        statuses[i] = r.status;
        http_free(&r);
    }
    cr_assert(statuses[0] == 201 && statuses[2] == 429, "%ld %ld %ld", statuses[0], statuses[1],
              statuses[2]);
    free(e);
    free(cfg);
    free(url);
    world_end(&w);
}

/* A data directory has one writer: a second node, or `dacc round append
 * --log` beside a running node, is refused with the reason (a writer's
 * rounds follow only its own appends), and works once the node stops. */
Test(serve, one_writer_per_data_directory)
{
    world w = { 0 };
    world_start(&w);
    char *cfg = at(&w, "config.env");
    http_result r;
    http_post_file(&w.n, "/api/v1/rounds", cfg, &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    http_free(&r);
    run_result second;
    RUN(&second, "serve", "--listen", "127.0.0.1:0", "--data", w.data, "--quiet");
    cr_assert_eq(second.status, 1, "%s", second.err);
    cr_assert(strstr(second.err, "in use by another writer"), "%s", second.err);
    run_result_free(&second);
    char *e =
        event(&w, "alice", "pgf/donation", 1, "{\"project\":\"p\",\"amount\":\"5\"}", "a.env");
    RUN(&second, "round", "append", "--log", w.data, e);
    cr_assert_eq(second.status, 1, "%s", second.err);
    cr_assert(strstr(second.err, "in use by another writer"), "%s", second.err);
    run_result_free(&second);
    cr_assert_eq(tree_size(&w), 1);
    cr_assert_eq(node_stop(&w.n), 0);
    RUN(&second, "round", "append", "--log", w.data, e);
    cr_assert_eq(second.status, 0, "%s", second.err);
    run_result_free(&second);
    free(e);
    free(cfg);
    remove_tree(w.dir);
    free(w.dir);
    free(w.data);
}
