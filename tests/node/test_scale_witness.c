/* A witness network: three nodes, each on its own PostgreSQL database,
 * each a witness of the other two and cosigned by them, each serving
 * /checkpoint only once two witnesses cosigned it. An operator who
 * rewrites its own history (the test edits its database, re-signing a
 * different tree with the log's key) is caught: its witnesses refuse to
 * cosign, saying why — even a witness whose data directory was wiped, since
 * its state is in its database — and its node then serves no checkpoint.
 * And a log served by two nodes on one database, under load, is cosigned
 * as it grows whichever node serves it. Run under tests/support/pg.sh;
 * skips without DACC_TEST_PG. */
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "../../bench/round/events.h"
#include "dacc/file.h"
#include "dacc/json.h"
#include "dacc/tlog.h"
#include "node.h"
#include "pg.h"

#define NODES 3

typedef struct {
    char *dir, *url[NODES], *data[NODES], *pub[NODES], *wkey[NODES], *wpub[NODES];
    unsigned port[NODES];
    test_node n[NODES];
    bench_round b;
} network;

static void ok(const char *const *args)
{
    run_result r;
    run_dacc(&r, NULL, args);
    cr_assert_eq(r.status, 0, "%s %s: %s", args[0], args[1], r.err);
    run_result_free(&r);
}

static char *name_of(const char *dir, const char *fmt, int i)
{
    char name[64];
    snprintf(name, sizeof name, fmt, i);
    return path_join(dir, name);
}

/* Ports fixed before any node starts: each names the others as witnesses.
 * One the kernel has just handed out and taken back (a port computed from
 * the pid collided with other tests' connections). */
static unsigned free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
              getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    close(fd);
    return ntohs(a.sin_port);
}

static void start(network *w, int i)
{
    char listen[32], threshold[] = "2";
    snprintf(listen, sizeof listen, "127.0.0.1:%u", w->port[i]);
    const char *args[24] = { "--listen",      listen,     "--store",
                             w->url[i],       "--origin", NULL,
                             "--witness-key", w->wkey[i], "--witness-threshold",
                             threshold,       "-q" };
    char origin[32], spec[NODES][600];
    snprintf(origin, sizeof origin, "n%d.example/log", i);
    args[5] = origin;
    size_t k = 11;
    for (int j = 0; j < NODES; j++) {
        if (j == i)
            continue;
        snprintf(spec[j], sizeof spec[j], "http://127.0.0.1:%u=%s", w->port[j], w->wpub[j]);
        args[k++] = "--witness";
        args[k++] = spec[j];
        args[k++] = "--witness-log";
        args[k++] = w->pub[j];
    }
    args[k] = NULL;
    node_start(&w->n[i], w->data[i], args);
}

static void network_start(network *w)
{
    memset(w, 0, sizeof *w);
    w->dir = make_temp_dir();
    for (int i = 0; i < NODES; i++) {
        w->url[i] = pg_new_database();
        w->data[i] = name_of(w->dir, "n%d", i);
        w->pub[i] = name_of(w->dir, "n%d/log.pub", i);
        w->wkey[i] = name_of(w->dir, "w%d.key", i);
        w->wpub[i] = name_of(w->dir, "w%d.pub", i);
        for (int j = 0; j == 0 || (i > 0 && w->port[i] == w->port[i - 1]) ||
                        (i > 1 && w->port[i] == w->port[i - 2]);
             j++)
            w->port[i] = free_port(); /* three different ports */
        char origin[32], *log = name_of(w->dir, "n%d/log", i), *wit = name_of(w->dir, "w%d", i);
        snprintf(origin, sizeof origin, "n%d.example/log", i);
        mkdir(w->data[i], 0700);
        /* the log key first: the others' witnesses need its public half */
        ok((const char *const[]){ "log", "keygen", origin, log, NULL });
        snprintf(origin, sizeof origin, "w%d.example/witness", i);
        ok((const char *const[]){ "log", "keygen", "--cosign", origin, wit, NULL });
        free(log), free(wit);
    }
    for (int i = 0; i < NODES; i++)
        start(w, i);
    bench_round_make(&w->b, 20, NULL);
}

static void network_end(network *w)
{
    for (int i = 0; i < NODES; i++) {
        if (w->n[i].log != NULL)
            node_stop(&w->n[i]);
        free(w->url[i]), free(w->data[i]), free(w->pub[i]), free(w->wkey[i]), free(w->wpub[i]);
    }
    bench_round_free(&w->b);
    remove_tree(w->dir);
    free(w->dir);
}

static void post_round(network *w, int i)
{
    char path[128], hex[65];
    http_result r;
    http(&w->n[i], "POST", "/api/v1/rounds", "application/json", w->b.cfg, w->b.clen, &r);
    cr_assert_eq(r.status, 201, "node %d: %s", i, r.body);
    http_free(&r);
    snprintf(path, sizeof path, "/api/v1/rounds/%s/events", dacc_hex_encode(w->b.id, 32, hex));
    for (int a = 0; a < ADMITS; a++) {
        http(&w->n[i], "POST", path, "application/json", w->b.admit[a], w->b.alen[a], &r);
        cr_assert_eq(r.status, 201, "node %d: %s", i, r.body);
        http_free(&r);
    }
    for (size_t e = 0; e < w->b.n; e++) {
        http(&w->n[i], "POST", path, "application/json", w->b.ev[e], w->b.len[e], &r);
        cr_assert_eq(r.status, 201, "node %d: %s", i, r.body);
        http_free(&r);
    }
}

/* Node i's /checkpoint once it carries want signature lines (10 s at most). */
static char *witnessed(network *w, int i, size_t want)
{
    for (int t = 0; t < 1000; t++) {
        http_result r;
        http(&w->n[i], "GET", "/checkpoint", NULL, NULL, 0, &r);
        dacc_tlog_note note;
        if (r.status == 200 && dacc_tlog_note_parse(r.body, r.len, &note, NULL) == DACC_OK &&
            note.nsigs >= want) {
            char *body = r.body;
            r.body = NULL;
            http_free(&r);
            return body;
        }
        http_free(&r);
        sleep_ms(10);
    }
    cr_assert_fail("node %d: no checkpoint with %zu signatures within 10 s", i, want);
    return NULL;
}

/* The operator of node 0 rewrites its log from entry 1 on: the guards
 * off, the rows from there on gone, different entries appended and signed
 * with the log's own key, the guards on again. Internally the forged log
 * is sound (dacc log audit passes on it): only those who saw the first one
 * can tell. */
static void rewrite_history(network *w)
{
    pg_exec(w->url[0], "ALTER TABLE entries DISABLE TRIGGER USER;"
                       "ALTER TABLE hashes DISABLE TRIGGER USER;"
                       "ALTER TABLE checkpoints DISABLE TRIGGER USER;"
                       "ALTER TABLE meta DISABLE TRIGGER USER;"
                       "DELETE FROM entries WHERE idx >= 1;"
                       "DELETE FROM hashes WHERE (idx + 1) << level > 1;"
                       "DELETE FROM checkpoints WHERE size > 1;"
                       "UPDATE meta SET value = '1' WHERE key = 'size';"
                       "UPDATE meta SET value = (SELECT count(*) FROM checkpoints)::text "
                       "WHERE key = 'checkpoints';"
                       "DELETE FROM events; UPDATE round_index SET value = 1;"
                       "ALTER TABLE entries ENABLE TRIGGER USER;"
                       "ALTER TABLE hashes ENABLE TRIGGER USER;"
                       "ALTER TABLE checkpoints ENABLE TRIGGER USER;"
                       "ALTER TABLE meta ENABLE TRIGGER USER;");
    char *lines = malloc(64 * 40);
    lines[0] = '\0';
    for (int i = 0; i < 40; i++)
        snprintf(lines + strlen(lines), 64, "a rewritten entry %d\n", i);
    run_result r;
    run_dacc(&r, lines, (const char *const[]){ "log", "append", w->data[0], NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    run_dacc(&r, NULL, (const char *const[]){ "log", "audit", w->data[0], NULL });
    cr_assert_eq(r.status, 0, "the forged log is sound on its own: %s", r.err);
    run_result_free(&r);
    free(lines);
}

Test(witness_network, a_rewritten_history_is_caught_by_the_witnesses, .timeout = 120)
{
    if (!pg_available())
        cr_skip_test("no PostgreSQL (run under tests/support/pg.sh)");
    network w;
    network_start(&w);
    /* until two witnesses cosigned, no node serves a checkpoint */
    http_result r;
    http(&w.n[0], "GET", "/checkpoint", NULL, NULL, 0, &r);
    cr_assert_eq(r.status, 503, "%s", r.body);
    cr_assert(strstr(r.type, "problem+json") && strstr(r.body, "0 of the 2"), "%s", r.body);
    http_free(&r);
    for (int i = 0; i < NODES; i++)
        post_round(&w, i);
    char *seen[NODES];
    for (int i = 0; i < NODES; i++)
        seen[i] = witnessed(&w, i, 3); /* the log's signature and two cosignatures */
    /* each publishes the logs it witnesses */
    http(&w.n[1], "GET", "/witness/logs", NULL, NULL, 0, &r);
    cr_assert_eq(r.status, 200);
    cr_assert(strstr(r.body, "n0.example/log") && strstr(r.body, "n2.example/log"), "%s", r.body);
    http_free(&r);
    /* the witnesses' state is in their databases: node 1's data directory
     * loses its witness files, and the node, restarted, still knows */
    char *row = pg_value(w.url[1], "SELECT note FROM witnessed WHERE origin = 'n0.example/log'");
    cr_assert(row != NULL && strstr(row, "\n23\n"), "node 1's state of n0's log: %s", row);
    free(row);
    cr_assert_eq(node_stop(&w.n[1]), 0);
    char *files = name_of(w.dir, "n%d/witness", 1);
    remove_tree(files);
    free(files);
    start(&w, 1);
    http(&w.n[1], "GET", "/witness/logs", NULL, NULL, 0, &r);
    cr_assert(strstr(r.body, "\"cosigned_size\": 23"), "%s", r.body);
    http_free(&r);
    /* node 0's operator rewrites its history and restarts the node */
    cr_assert_eq(node_stop(&w.n[0]), 0);
    rewrite_history(&w);
    start(&w, 0);
    /* its witnesses refuse the forged checkpoint, and say why */
    for (int i = 1; i < NODES; i++) {
        char old[24] = "23"; /* what it cosigned last: 1 config, 2 admits, 20 donations */
        run_result cli;
        for (int attempt = 0; attempt < 2; attempt++) {
            run_dacc(
                &cli, NULL,
                (const char *const[]){ "log", "add-checkpoint", "--old", old, w.data[0], NULL });
            cr_assert_eq(cli.status, 0, "%s", cli.err);
            http(&w.n[i], "POST", "/add-checkpoint", "text/plain", cli.out, cli.out_len, &r);
            run_result_free(&cli);
            if (r.status != 409)
                break;
            snprintf(old, sizeof old, "%llu", strtoull(r.body, NULL, 10)); /* its size */
            http_free(&r);
        }
        cr_assert_eq(r.status, 422, "witness %d cosigned a rewritten history: %s", i, r.body);
        cr_assert(strstr(r.body, "consistency") || strstr(r.body, "fork"), "%s", r.body);
        cr_log_info("witness %d on the rewritten log: %ld %s", i, r.status, r.body);
        http_free(&r);
    }
    /* and so the rewritten node serves no checkpoint: none has two
     * cosignatures, while the honest nodes still serve theirs */
    sleep_ms(500);
    http(&w.n[0], "GET", "/checkpoint", NULL, NULL, 0, &r);
    cr_assert_eq(r.status, 503, "a rewritten log served a checkpoint: %s", r.body);
    http_free(&r);
    /* and its operator is told why */
    char *log = read_text(w.n[0].log, NULL);
    cr_assert(log != NULL && strstr(log, "refused the checkpoint") && strstr(log, "consistency"),
              "%s", log);
    free(log);
    for (int i = 1; i < NODES; i++) {
        char *now = witnessed(&w, i, 3);
        free(now);
    }
    for (int i = 0; i < NODES; i++)
        free(seen[i]);
    network_end(&w);
}

/* ---- two nodes of one log, cosigned under load ---- */

#define LOAD_EVENTS  600
#define LOAD_CLIENTS 4

typedef struct {
    network *w;
    test_node *node;
    bench_round *b;
    size_t from, step;
    size_t created, failed; /* 201s, and anything else */
} loader;

static void *load(void *arg)
{
    loader *l = arg;
    char path[128], hex[65];
    snprintf(path, sizeof path, "/api/v1/rounds/%s/events", dacc_hex_encode(l->b->id, 32, hex));
    for (size_t e = l->from; e < l->b->n; e += l->step) {
        http_result r;
        http(l->node, "POST", path, "application/json", l->b->ev[e], l->b->len[e], &r);
        if (r.status == 201)
            l->created++;
        else
            l->failed++;
        http_free(&r);
    }
    return NULL;
}

static void copy_key(network *w, const char *name, const char *to)
{
    char from[4096], dest[4096], *data;
    size_t len;
    snprintf(from, sizeof from, "%s/%s", w->data[0], name);
    snprintf(dest, sizeof dest, "%s/%s", to, name);
    dacc_error err;
    cr_assert_eq(dacc_file_read(from, 1u << 16, &data, &len, &err), DACC_OK);
    FILE *f = fopen(dest, "wb");
    cr_assert(f != NULL && fwrite(data, 1, len, f) == len && fclose(f) == 0);
    chmod(dest, 0600);
    free(data);
}

/* The size a checkpoint note signs, when /checkpoint served one with the
 * log's signature and at least two cosignatures; 0 otherwise. */
static uint64_t cosigned_size(const http_result *r)
{
    dacc_tlog_note note;
    dacc_tlog_checkpoint cp;
    if (r->status != 200 || dacc_tlog_note_parse(r->body, r->len, &note, NULL) != DACC_OK ||
        note.nsigs < 3 ||
        dacc_tlog_checkpoint_parse(note.text, note.text_len, &cp, NULL) != DACC_OK)
        return 0;
    return cp.size;
}

Test(witness_network, two_nodes_of_one_log_are_cosigned_under_load, .timeout = 180)
{
    if (!pg_available())
        cr_skip_test("no PostgreSQL (run under tests/support/pg.sh)");
    network w;
    network_start(&w);
    /* a second node of node 0's log: its key, its database, its witnesses */
    test_node twin;
    char *data = name_of(w.dir, "n%d-twin", 0);
    mkdir(data, 0700);
    copy_key(&w, "log.key", data);
    copy_key(&w, "log.pub", data);
    char listen[32], spec[2][600];
    unsigned port = free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
    for (int j = 1; j < NODES; j++)
        snprintf(spec[j - 1], sizeof spec[j - 1], "http://127.0.0.1:%u=%s", w.port[j], w.wpub[j]);
    node_start(&twin, data,
               (const char *const[]){ "--listen", listen, "--store", w.url[0], "--origin",
                                      "n0.example/log", "--witness", spec[0], "--witness", spec[1],
                                      "--witness-threshold", "2", "-q", NULL });
    bench_round b;
    bench_round_make(&b, LOAD_EVENTS, NULL);
    http_result r;
    http(&w.n[0], "POST", "/api/v1/rounds", "application/json", b.cfg, b.clen, &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    http_free(&r);
    char path[128], hex[65];
    snprintf(path, sizeof path, "/api/v1/rounds/%s/events", dacc_hex_encode(b.id, 32, hex));
    for (int a = 0; a < ADMITS; a++) {
        http(&twin, "POST", path, "application/json", b.admit[a], b.alen[a], &r);
        cr_assert_eq(r.status, 201, "%s", r.body);
        http_free(&r);
    }
    /* half the clients post to each node, while both are asked for their
     * checkpoint: once cosigned, every answer is a checkpoint two
     * witnesses cosigned, and what each node serves only grows */
    pthread_t t[LOAD_CLIENTS];
    loader l[LOAD_CLIENTS];
    for (size_t i = 0; i < LOAD_CLIENTS; i++) {
        l[i] = (loader){ &w, i % 2 ? &twin : &w.n[0], &b, i, LOAD_CLIENTS, 0, 0 };
        cr_assert_eq(pthread_create(&t[i], NULL, load, &l[i]), 0);
    }
    test_node *nodes[2] = { &w.n[0], &twin };
    uint64_t last[2] = { 0, 0 };
    size_t samples = 0, advanced = 0;
    for (bool busy = true; busy; samples++) {
        busy = false;
        for (size_t i = 0; i < LOAD_CLIENTS; i++)
            busy |= l[i].created + l[i].failed < (b.n - i + LOAD_CLIENTS - 1) / LOAD_CLIENTS;
        for (int k = 0; k < 2; k++) {
            http(nodes[k], "GET", "/checkpoint", NULL, NULL, 0, &r);
            uint64_t size = cosigned_size(&r);
            cr_assert(size > 0 || (r.status == 503 && last[k] == 0),
                      "node %d: %ld %s (after a cosigned size %llu)", k, r.status, r.body,
                      (unsigned long long)last[k]);
            cr_assert_geq(size, last[k], "node %d went back from %llu", k,
                          (unsigned long long)last[k]);
            advanced += size > last[k] && last[k] > 0;
            last[k] = size;
            http_free(&r);
        }
        sleep_ms(20);
    }
    size_t created = 0;
    for (size_t i = 0; i < LOAD_CLIENTS; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(l[i].failed, 0, "client %zu: %zu events not logged", i, l[i].failed);
        created += l[i].created;
    }
    cr_assert_eq(created, LOAD_EVENTS);
    cr_log_info("%zu samples, the cosigned checkpoint advanced %zu times under load", samples,
                advanced);
    cr_assert_gt(advanced, 0, "no node's cosigned checkpoint advanced under load");
    /* and, once the load stops, both serve the final checkpoint cosigned
     * (10 s at most), as both witnesses' states in their databases say */
    uint64_t want = 1 + ADMITS + LOAD_EVENTS;
    for (int k = 0; k < 2; k++) {
        uint64_t size = 0;
        for (int tries = 0; tries < 500 && size != want; tries++) {
            http(nodes[k], "GET", "/checkpoint", NULL, NULL, 0, &r);
            size = cosigned_size(&r);
            http_free(&r);
            if (size != want)
                sleep_ms(20);
        }
        cr_assert_eq(size, want, "node %d: the cosigned size is %llu", k, (unsigned long long)size);
    }
    for (int j = 1; j < NODES; j++) {
        char *note =
            pg_value(w.url[j], "SELECT note FROM witnessed WHERE origin = 'n0.example/log'");
        char size[32];
        snprintf(size, sizeof size, "\n%llu\n", (unsigned long long)want);
        cr_assert(note != NULL && strstr(note, size), "witness %d's state: %s", j, note);
        free(note);
    }
    /* and no witness ever refused an honest log's checkpoint (the node
     * says so on its standard error when one does) */
    for (int k = 0; k < 2; k++) {
        char *log = read_text(nodes[k]->log, NULL);
        cr_assert(log != NULL && strstr(log, "refused the checkpoint") == NULL, "node %d: %s", k,
                  log);
        free(log);
    }
    cr_assert_eq(node_stop(&twin), 0);
    bench_round_free(&b);
    remove_tree(data);
    free(data);
    network_end(&w);
}
