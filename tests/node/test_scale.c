/* Several dacc serve nodes on one PostgreSQL database (run under
 * tests/support/pg.sh, which starts a private server): two and three nodes
 * under concurrent load from several clients, the sequencer node killed
 * with SIGKILL at random moments under load, and the database stopped
 * under load. Whatever happens, every acknowledged event is in the log
 * exactly once at the index its receipt names, no two checkpoints of one
 * size differ, every node serves the same checkpoint, and dacc log audit
 * passes. Without DACC_TEST_PG the tests skip. */
#include <pthread.h>
#include <sys/stat.h>

#include <sodium.h>

#include "../../bench/round/events.h"
#include "dacc/json.h"
#include "dacc/tlog.h"
#include "node.h"
#include "pg.h"

#define MAX_NODES 3
#define CLIENTS   64

/* The advisory lock the integrating node holds (src/node/sequencer.c). */
#define HOLDER_SQL                                                                                 \
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "          \
    "WHERE l.locktype = 'advisory' AND l.granted AND "                                             \
    "l.classid::bigint * 4294967296 + l.objid::bigint = 7234017357148433523"

typedef struct {
    char *dir, *url;
    char *data[MAX_NODES]; /* node 0's first holds the keys every node copies */
    unsigned starts[MAX_NODES];
    test_node n[MAX_NODES];
    size_t nodes;
    pthread_mutex_t lock; /* guards n[].base while nodes restart */
    bench_round b;
    /* per event: its index when acknowledged (UINT64_MAX: not), and the
     * checkpoint its receipt carried */
    uint64_t *acked;
    char **cp;
    size_t refused, unavailable, failed;
    bool stop;
    unsigned active; /* clients still posting */
    unsigned wrong;  /* answers no node may give, the first in why */
    char why[1024];
} cluster;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *text = read_text(from, &len);
    cr_assert_not_null(text, "%s", from);
    write_text(to, text);
    chmod(to, 0600);
    free(text);
}

/* Node i's data directory for its next start (a restart gets a new one,
 * with a copy of the keys, so that every run's log stays to look at). */
static void next_data(cluster *c, size_t i)
{
    char name[32];
    snprintf(name, sizeof name, "node%zu.%u", i, c->starts[i]++);
    char *dir = path_join(c->dir, name);
    mkdir(dir, 0700);
    const char *files[] = { "log.key", "log.pub" };
    for (int f = 0; f < 2 && c->data[0] != NULL; f++) {
        char *a = path_join(c->data[0], files[f]), *b = path_join(dir, files[f]);
        struct stat sb;
        if (stat(a, &sb) == 0)
            copy_file(a, b);
        free(a), free(b);
    }
    if (i > 0 || c->data[0] == NULL) {
        free(c->data[i]);
        c->data[i] = dir;
    } else {
        free(dir);
    }
}

static void start_node(cluster *c, size_t i)
{
    const char *extra[] = { "--store", c->url, "-q", NULL };
    test_node n;
    node_start(&n, c->data[i], extra);
    pthread_mutex_lock(&c->lock);
    c->n[i] = n;
    pthread_mutex_unlock(&c->lock);
}

/* nodes nodes on a fresh database; node 0 makes the log key, the others
 * are given a copy. */
static void cluster_start(cluster *c, size_t nodes, size_t events)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    c->dir = make_temp_dir();
    c->url = pg_new_database();
    c->nodes = nodes;
    next_data(c, 0);
    start_node(c, 0);
    for (size_t i = 1; i < nodes; i++) {
        next_data(c, i);
        start_node(c, i);
    }
    bench_round_make(&c->b, events, NULL);
    c->acked = malloc(events * sizeof *c->acked);
    c->cp = calloc(events, sizeof *c->cp);
    for (size_t i = 0; i < events; i++)
        c->acked[i] = UINT64_MAX;
}

static void cluster_end(cluster *c)
{
    for (size_t i = 0; i < c->nodes; i++) {
        if (c->n[i].log != NULL)
            cr_assert_eq(node_stop(&c->n[i]), 0, "node %zu did not stop cleanly", i);
        free(c->data[i]);
    }
    for (size_t i = 0; i < c->b.n; i++)
        free(c->cp[i]);
    free(c->cp);
    free(c->acked);
    bench_round_free(&c->b);
    if (getenv("DACC_TEST_KEEP") == NULL) /* the nodes' logs, to look at */
        remove_tree(c->dir);
    else
        cr_log_info("kept %s", c->dir);
    free(c->dir);
    free(c->url);
    pthread_mutex_destroy(&c->lock);
}

static size_t sink(char *p, size_t s, size_t n, void *ctx)
{
    dacc_buf *b = ctx;
    return dacc_buf_append(b, p, s * n) == DACC_OK ? s * n : 0;
}

/* POSTs body to node i: the status (0 when the node cannot be reached)
 * and the answer in *out. */
static long post(cluster *c, size_t i, const char *path, const char *body, size_t len,
                 dacc_buf *out)
{
    char url[256];
    pthread_mutex_lock(&c->lock);
    snprintf(url, sizeof url, "%s%s", c->n[i].base, path);
    pthread_mutex_unlock(&c->lock);
    CURL *h = curl_easy_init();
    struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
    dacc_buf_init(out, 0);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    return status;
}

/* The setup events (config, admits), to node 0, each until accepted. */
static void post_setup(cluster *c)
{
    char path[128];
    dacc_buf out;
    long st = post(c, 0, "/api/v1/rounds", c->b.cfg, c->b.clen, &out);
    cr_assert_eq(st, 201, "config: %ld %.*s", st, (int)out.len, out.data);
    dacc_buf_free(&out);
    char hex[65];
    snprintf(path, sizeof path, "/api/v1/rounds/%s/events", dacc_hex_encode(c->b.id, 32, hex));
    for (int a = 0; a < ADMITS; a++) {
        st = post(c, 0, path, c->b.admit[a], c->b.alen[a], &out);
        cr_assert_eq(st, 201, "admit: %ld %.*s", st, (int)out.len, out.data);
        dacc_buf_free(&out);
    }
}

typedef struct {
    cluster *c;
    size_t me;
} client;

/* A receipt's index and checkpoint note. */
/* An answer no node may give: kept for the main thread to fail on
 * (Criterion's asserts belong to the test's own thread). */
static void wrong(cluster *c, size_t i, long status, const dacc_buf *body)
{
    if (__atomic_add_fetch(&c->wrong, 1, __ATOMIC_ACQ_REL) == 1)
        snprintf(c->why, sizeof c->why, "event %zu: %ld %.*s", i, status, (int)body->len,
                 body->data);
}

static void take_receipt(cluster *c, size_t i, const dacc_buf *body)
{
    json_t *doc = json_loadb(body->data, body->len, 0, NULL);
    json_t *idx = json_object_get(doc, "index");
    const char *cp = json_string_value(json_object_get(doc, "checkpoint"));
    if (!json_is_integer(idx) || cp == NULL) {
        wrong(c, i, 201, body);
        json_decref(doc);
        return;
    }
    c->cp[i] = strdup(cp);
    __atomic_store_n(&c->acked[i], (uint64_t)json_integer_value(idx), __ATOMIC_RELEASE);
    json_decref(doc);
}

/* Posts the events of donors d with d % CLIENTS == me, each donor's in
 * order, to the nodes in turn. A node that cannot be reached or answers 503
 * gets the event again on the next node: a 409 then means it was logged
 * meanwhile (the round refuses a second event of one seq), and either way
 * the donor's next event follows. */
static void *work_all(client *w);

static void *work(void *arg)
{
    client *w = arg;
    work_all(w);
    __atomic_sub_fetch(&w->c->active, 1, __ATOMIC_ACQ_REL);
    return NULL;
}

static void *work_all(client *w)
{
    cluster *c = w->c;
    char path[128], hex[65];
    snprintf(path, sizeof path, "/api/v1/rounds/%s/events", dacc_hex_encode(c->b.id, 32, hex));
    for (size_t i = 0; i < c->b.n && !__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE); i++) {
        if (i % DONORS % CLIENTS != w->me)
            continue;
        size_t node = (w->me + i) % c->nodes;
        for (int attempt = 0; attempt < 200; attempt++, node = (node + 1) % c->nodes) {
            dacc_buf out;
            long st = post(c, node, path, c->b.ev[i], c->b.len[i], &out);
            if (st == 201)
                take_receipt(c, i, &out);
            else if (st == 503) {
                json_t *p = json_loadb(out.data, out.len, 0, NULL);
                if (!json_is_object(p) || json_object_get(p, "title") == NULL)
                    wrong(c, i, st, &out); /* a 503 without a problem document */
                json_decref(p);
                if (__atomic_add_fetch(&c->unavailable, 1, __ATOMIC_ACQ_REL) == 1)
                    cr_log_info("the first 503: %.*s", (int)out.len, out.data);
            } else if (st != 0 && attempt > 0)
                __atomic_add_fetch(&c->refused, 1, __ATOMIC_ACQ_REL);
            else if (st != 0)
                wrong(c, i, st, &out);
            dacc_buf_free(&out);
            if (st != 0 && st != 503)
                break;
            sleep_ms(20);
        }
    }
    return NULL;
}

static void clients_start(cluster *c, pthread_t *t, client *w)
{
    c->active = CLIENTS;
    for (size_t k = 0; k < CLIENTS; k++) {
        w[k] = (client){ c, k };
        cr_assert_eq(pthread_create(&t[k], NULL, work, &w[k]), 0);
    }
}

static void clients_join(cluster *c, pthread_t *t)
{
    for (size_t k = 0; k < CLIENTS; k++)
        pthread_join(t[k], NULL);
    cr_assert_eq(c->wrong, 0, "%u wrong answers; the first: %s", c->wrong, c->why);
}

static int by_hash(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

typedef struct {
    uint64_t size;
    uint8_t root[32];
} seen_cp;

static int by_size(const void *a, const void *b)
{
    uint64_t x = ((const seen_cp *)a)->size, y = ((const seen_cp *)b)->size;
    return (x > y) - (x < y);
}

static size_t count_acked(const cluster *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->b.n; i++)
        n += __atomic_load_n(&c->acked[i], __ATOMIC_ACQUIRE) != UINT64_MAX;
    return n;
}

/* Every acknowledged event at its index, no entry twice, no two
 * checkpoints of one size that differ; the count acknowledged. */
static size_t check_log(cluster *c)
{
    dacc_tlog_log *log;
    dacc_error err;
    cr_assert_eq(dacc_tlog_log_open(c->url, NULL, &log, &err), DACC_OK, "%s", err.message);
    uint64_t size = dacc_tlog_log_size(log);
    uint8_t(*h)[32] = malloc((size ? size : 1) * 32);
    for (uint64_t i = 0; i < size; i++) {
        uint8_t *data;
        size_t len;
        cr_assert_eq(dacc_tlog_log_entry(log, i, &data, &len, &err), DACC_OK, "%s", err.message);
        dacc_sha256(data, len, h[i]);
        free(data);
    }
    size_t acked = 0;
    for (size_t i = 0; i < c->b.n; i++) {
        if (c->acked[i] == UINT64_MAX)
            continue;
        acked++;
        uint8_t want[32];
        dacc_sha256(c->b.ev[i], c->b.len[i], want);
        cr_assert_lt(c->acked[i], size, "event %zu acknowledged at %llu, past the log", i,
                     (unsigned long long)c->acked[i]);
        cr_assert(memcmp(h[c->acked[i]], want, 32) == 0,
                  "event %zu is not at the index %llu its receipt names", i,
                  (unsigned long long)c->acked[i]);
    }
    qsort(h, size, 32, by_hash);
    for (uint64_t i = 1; i < size; i++)
        cr_assert(memcmp(h[i - 1], h[i], 32) != 0, "an entry is in the log twice");
    free(h);
    /* the checkpoints receipts carried: one root per size */
    seen_cp *cps = malloc((acked ? acked : 1) * sizeof *cps);
    size_t ncp = 0;
    for (size_t i = 0; i < c->b.n; i++) {
        if (c->cp[i] == NULL)
            continue;
        dacc_tlog_note note;
        dacc_tlog_checkpoint cp;
        cr_assert_eq(dacc_tlog_note_parse(c->cp[i], strlen(c->cp[i]), &note, NULL), DACC_OK);
        cr_assert_eq(dacc_tlog_checkpoint_parse(note.text, note.text_len, &cp, NULL), DACC_OK);
        cps[ncp].size = cp.size;
        memcpy(cps[ncp++].root, cp.root, 32);
    }
    qsort(cps, ncp, sizeof *cps, by_size);
    for (size_t i = 1; i < ncp; i++)
        cr_assert(cps[i - 1].size != cps[i].size || memcmp(cps[i - 1].root, cps[i].root, 32) == 0,
                  "two checkpoints of size %llu differ", (unsigned long long)cps[i].size);
    free(cps);
    dacc_tlog_log_free(log);
    return acked;
}

/* Every node serves the same checkpoint (once the last outcome reached
 * them all), and dacc log audit passes on the database. */
static void check_nodes(cluster *c)
{
    char *first = NULL;
    for (size_t i = 0; i < c->nodes; i++) {
        http_result r;
        http(&c->n[i], "GET", "/checkpoint", NULL, NULL, 0, &r);
        cr_assert_eq(r.status, 200, "node %zu: %s", i, r.body);
        if (first == NULL)
            first = strdup(r.body);
        else
            cr_assert_str_eq(r.body, first, "node %zu serves another checkpoint", i);
        http_free(&r);
    }
    free(first);
    char *pub = path_join(c->data[0], "log.pub");
    run_result r;
    run_dacc(&r, NULL, (const char *const[]){ "log", "audit", "--key", pub, c->url, NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    free(pub);
}

static void load(size_t nodes, size_t events)
{
    if (!pg_available())
        cr_skip_test("no PostgreSQL (run under tests/support/pg.sh)");
    cluster c;
    cluster_start(&c, nodes, events);
    post_setup(&c);
    pthread_t t[CLIENTS];
    client w[CLIENTS];
    double t0 = now_s();
    clients_start(&c, t, w);
    clients_join(&c, t);
    double wall = now_s() - t0;
    size_t acked = check_log(&c);
    cr_assert_eq(acked, events, "%zu of %zu events acknowledged", acked, events);
    check_nodes(&c);
    cr_log_info("%zu nodes, %d clients: %zu events in %.2f s (%.0f/s)", nodes, CLIENTS, events,
                wall, (double)events / wall);
    cluster_end(&c);
}

Test(scale, two_nodes_one_database, .timeout = 300)
{
    load(2, 3000);
}

Test(scale, three_nodes_one_database, .timeout = 300)
{
    load(3, 20000);
}

/* The pid of the node holding the sequencer lock, or 0. */
static pid_t holder(const cluster *c)
{
    char *app = pg_value(c->url, HOLDER_SQL);
    pid_t pid = app != NULL && strncmp(app, "dacc-sequencer-", 15) == 0 ? atoi(app + 15) : 0;
    free(app);
    return pid;
}

static uint64_t log_size(const cluster *c)
{
    char *v = pg_value(c->url, "SELECT value FROM meta WHERE key = 'size'");
    uint64_t size = v ? strtoull(v, NULL, 10) : 0;
    free(v);
    return size;
}

static int kills_wanted(void)
{
    const char *q = getenv("DACC_QUICK");
    if (getenv("DACC_TEST_KILLS"))
        return atoi(getenv("DACC_TEST_KILLS"));
    return q != NULL && strcmp(q, "1") == 0 ? 10 : 30;
}

Test(scale, sequencer_killed_under_load, .timeout = 600)
{
    if (!pg_available())
        cr_skip_test("no PostgreSQL (run under tests/support/pg.sh)");
    cluster c;
    cluster_start(&c, 3, 120000);
    post_setup(&c);
    pthread_t t[CLIENTS];
    client w[CLIENTS];
    clients_start(&c, t, w);
    srand(4321);
    int kills = kills_wanted();
    double worst = 0, sum = 0, rworst = 0, rsum = 0;
    for (int k = 0; k < kills; k++) {
        pid_t pid = 0;
        for (int i = 0; i < 500 && pid == 0; i++, sleep_ms(10))
            pid = holder(&c);
        cr_assert_neq(pid, 0, "kill %d: no node took the sequencer lock", k);
        size_t victim = c.nodes;
        for (size_t i = 0; i < c.nodes; i++)
            if (c.n[i].pid == pid)
                victim = i;
        cr_assert_lt(victim, c.nodes, "the lock holder %d is none of the nodes", (int)pid);
        sleep_ms(50 + rand() % 250); /* a random moment of its work */
        double t0 = now_s();
        node_kill(&c.n[victim]);
        pid_t next = 0;
        while ((next = holder(&c)) == 0 || next == pid) {
            cr_assert_lt(now_s() - t0, 10.0, "kill %d: no takeover within 10 s", k);
            sleep_ms(10);
        }
        double took = now_s() - t0;
        sum += took;
        worst = took > worst ? took : worst;
        /* and carries on: the next checkpoint, past the size at the kill */
        uint64_t at = log_size(&c);
        for (int spin = 0; log_size(&c) <= at; spin++) {
            cr_assert_gt(__atomic_load_n(&c.active, __ATOMIC_ACQUIRE), 0,
                         "kill %d: the clients ran out of events: make more", k);
            cr_assert_lt(now_s() - t0, 20.0, "kill %d: the log did not grow within 20 s", k);
            sleep_ms(10);
            if (getenv("DACC_TEST_TRACE") && spin % 200 == 199) {
                char *p = pg_value(c.url, "SELECT count(*) FROM pending");
                char *r = pg_value(c.url, "SELECT count(*) FROM results");
                cr_log_info("  %.1f s: %s pending, %s results", now_s() - t0, p, r);
                free(p), free(r);
            }
        }
        double resumed = now_s() - t0;
        rsum += resumed;
        rworst = resumed > rworst ? resumed : rworst;
        if (victim > 0)
            next_data(&c, victim);
        start_node(&c, victim);
        if (getenv("DACC_TEST_TRACE"))
            cr_log_info("kill %d: node %zu, takeover %.0f ms, next checkpoint %.0f ms, %zu "
                        "acknowledged so far",
                        k, victim, 1e3 * took, 1e3 * resumed, count_acked(&c));
    }
    if (getenv("DACC_TEST_PAUSE"))
        sleep_ms(atoi(getenv("DACC_TEST_PAUSE")));
    __atomic_store_n(&c.stop, true, __ATOMIC_RELEASE);
    clients_join(&c, t);
    size_t acked = check_log(&c);
    cr_assert_gt(acked, 0);
    sleep_ms(300); /* the last outcome's notification reaches every node */
    check_nodes(&c);
    cr_log_info("%d SIGKILLs of the sequencer: lock taken over in %.0f ms on average, %.0f ms at "
                "worst; the next checkpoint %.0f ms after the kill on average, %.0f ms at worst; "
                "%zu events acknowledged, %zu retries after a 503, %zu found logged on retry",
                kills, 1e3 * sum / kills, 1e3 * worst, 1e3 * rsum / kills, 1e3 * rworst, acked,
                c.unavailable, c.refused);
    cluster_end(&c);
}

static void server(const char *what)
{
    const char *dir = getenv("DACC_TEST_PG_DIR");
    cr_assert_not_null(dir, "DACC_TEST_PG_DIR is not set (tests/support/pg.sh run)");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sh %s %s %s", SOURCE_PATH("tests/support/pg.sh"), what, dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

Test(scale, database_outage_under_load, .timeout = 300)
{
    if (!pg_available() || getenv("DACC_TEST_PG_DIR") == NULL)
        cr_skip_test("no private PostgreSQL (run under tests/support/pg.sh)");
    cluster c;
    cluster_start(&c, 2, 40000);
    post_setup(&c);
    pthread_t t[CLIENTS];
    client w[CLIENTS];
    clients_start(&c, t, w);
    sleep_ms(1000);
    server("down");
    sleep_ms(2000);
    size_t during = c.unavailable;
    server("up");
    double t0 = now_s();
    size_t before = count_acked(&c), after = before;
    while (after <= before + 100 && now_s() - t0 < 30) {
        sleep_ms(100);
        after = count_acked(&c);
    }
    double recovered = now_s() - t0;
    __atomic_store_n(&c.stop, true, __ATOMIC_RELEASE);
    clients_join(&c, t);
    cr_assert_gt(during, 0, "no 503 while the database was down");
    cr_assert_gt(after, before + 100, "no recovery within 30 s of the database's return");
    check_log(&c);
    sleep_ms(300);
    check_nodes(&c);
    cr_log_info("database down 2 s: %zu answers 503 with a problem document, every 201 "
                "durable at its index; "
                "acknowledging again %.2f s after its return",
                during, recovered);
    cluster_end(&c);
}
