/* bench/node: signed events accepted durably per second by a real `dacc
 * serve` on loopback, at 1, 16 and 64 concurrent clients, with p50/p99
 * latency, and tile GETs per second; against two floors, in this process
 * on the same events: one Ed25519 verification per event, and the node's
 * whole work without HTTP (decode and verify, apply, append durably in
 * batches of 64, one thread), each as a ratio. Each concurrency level gets its own fresh round; a
 * client posts the events of its own donors in order (a key's events must arrive in sequence),
 * reusing one connection. Usage: bench_node DACC DIR [EVENTS] */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../round/events.h"
#include "dacc/store.h"
#include "dacc/tlog.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct {
    pid_t pid;
    char base[64];
} node;

static void node_start(node *n, const char *dacc, const char *dir)
{
    char data[4096], log[4096];
    snprintf(data, sizeof data, "%s/data", dir);
    snprintf(log, sizeof log, "%s/serve.log", dir);
    if ((n->pid = fork()) == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600), null = open("/dev/null", O_RDWR);
        dup2(fd, 2);
        dup2(null, 1); /* the caller's pipe stays the caller's */
        execl(dacc, dacc, "serve", "--listen", "127.0.0.1:0", "--data", data, "--quiet",
              "--max-connections", "4096", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) {
        nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
        FILE *f = fopen(log, "r");
        char line[512];
        while (f && fgets(line, sizeof line, f))
            if (strstr(line, "listening on ")) {
                sscanf(strstr(line, "http://"), "%63s", n->base);
                fclose(f);
                return;
            }
        if (f)
            fclose(f);
    }
    bench_die("dacc serve did not start", NULL);
}

static size_t sink(char *p, size_t s, size_t n, void *ctx)
{
    (void)p, (void)ctx;
    return s * n;
}

static CURL *client(void)
{
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    return c;
}

static long post(CURL *c, struct curl_slist *h, const char *url, const char *body, size_t len)
{
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

typedef struct {
    const node *n;
    const bench_round *b;
    size_t clients, me, done;
    double *lat; /* per event */
    char url[256];
} worker;

/* Posts the events of donors d with d % clients == me, each donor's in
 * order (event i is donor i % DONORS's). */
static void *work(void *arg)
{
    worker *w = arg;
    CURL *c = client();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    for (size_t i = 0; i < w->b->n; i++) {
        if (i % DONORS % w->clients != w->me)
            continue;
        double t = now();
        long status = post(c, h, w->url, w->b->ev[i], w->b->len[i]);
        if (status != 201) {
            fprintf(stderr, "bench: event %zu answered %ld\n", i, status);
            exit(1);
        }
        w->lat[i] = now() - t;
        w->done++;
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One level: a fresh round posted by clients threads. */
static void level(const node *n, size_t events, size_t clients, double floor_rate, double lib_rate)
{
    bench_round b;
    bench_round_make(&b, events, NULL);
    CURL *c = client();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    char url[256], hex[65];
    snprintf(url, sizeof url, "%s/api/v1/rounds", n->base);
    if (post(c, h, url, b.cfg, b.clen) != 201)
        bench_die("config", NULL);
    snprintf(url, sizeof url, "%s/api/v1/rounds/%s/events", n->base,
             dacc_hex_encode(b.id, 32, hex));
    for (int a = 0; a < ADMITS; a++)
        if (post(c, h, url, b.admit[a], b.alen[a]) != 201)
            bench_die("admit", NULL);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    worker *w = calloc(clients, sizeof *w);
    pthread_t *t = calloc(clients, sizeof *t);
    double *lat = calloc(events, sizeof *lat), t0 = now();
    for (size_t k = 0; k < clients; k++) {
        w[k] = (worker){ n, &b, clients, k, 0, lat, "" };
        snprintf(w[k].url, sizeof w[k].url, "%s", url);
        pthread_create(&t[k], NULL, work, &w[k]);
    }
    for (size_t k = 0; k < clients; k++)
        pthread_join(t[k], NULL);
    double wall = now() - t0;
    qsort(lat, events, sizeof *lat, by_value);
    double rate = (double)events / wall;
    printf("  %2zu clients: %8.0f events/s durably accepted (%.2fx verify alone, %.2fx the "
           "library's), p50 %.2f ms, p99 %.2f ms\n",
           clients, rate, rate / floor_rate, rate / lib_rate, 1e3 * lat[events / 2],
           1e3 * lat[events * 99 / 100]);
    free(lat);
    free(w);
    free(t);
    bench_round_free(&b);
}

typedef struct {
    const node *n;
    size_t gets;
} getter;

static void *get_tiles(void *arg)
{
    getter *g = arg;
    CURL *c = client();
    char url[256];
    snprintf(url, sizeof url, "%s/tile/0/000", g->n->base);
    curl_easy_setopt(c, CURLOPT_URL, url);
    for (size_t i = 0; i < g->gets; i++) {
        long status = 0;
        if (curl_easy_perform(c) != CURLE_OK ||
            (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status), status != 200))
            bench_die("a tile GET failed", NULL);
    }
    curl_easy_cleanup(c);
    return NULL;
}

static void tiles(const node *n, size_t clients, size_t each)
{
    pthread_t t[64];
    getter g = { n, each };
    double t0 = now();
    for (size_t k = 0; k < clients; k++)
        pthread_create(&t[k], NULL, get_tiles, &g);
    for (size_t k = 0; k < clients; k++)
        pthread_join(t[k], NULL);
    double wall = now() - t0;
    printf("  tile GETs (a full hash tile, 8 KiB), %zu clients: %.0f/s\n", clients,
           (double)(clients * each) / wall);
}

#define FLOOR_BATCH 64

static void floor_append(dacc_store *st, const char *const *env, const size_t *len, size_t n)
{
    dacc_round_event ev[FLOOR_BATCH];
    const dacc_round_event *evs[FLOOR_BATCH];
    dacc_buf logged[FLOOR_BATCH];
    const void *data[FLOOR_BATCH];
    size_t lens[FLOOR_BATCH], bad;
    uint64_t first;
    dacc_error err;
    for (size_t i = 0; i < n; i++) {
        dacc_buf_init(&logged[i], 0);
        if (dacc_round_event_decode_logged("e", env[i], len[i], &ev[i], &logged[i], &err) !=
            DACC_OK)
            bench_die("decode", &err);
        evs[i] = &ev[i], data[i] = logged[i].data, lens[i] = logged[i].len;
    }
    if (dacc_store_append_decoded(st, evs, data, lens, n, &first, &bad, &err) != DACC_OK)
        bench_die("append", &err);
    for (size_t i = 0; i < n; i++) {
        dacc_round_event_clear(&ev[i]);
        dacc_buf_free(&logged[i]);
    }
}

/* The node's work on every event, in this process: decode and verify once,
 * apply, append durably (one log transaction and fsync per batch). */
static double library_floor(const bench_round *b, const char *dir)
{
    char db[4096], index[4096];
    snprintf(db, sizeof db, "%s/floor.db", dir);
    snprintf(index, sizeof index, "%s/floor-rounds.db", dir);
    dacc_tlog_signer signer;
    dacc_tlog_log *log;
    dacc_store *st;
    dacc_error err;
    if (dacc_tlog_keygen("bench/floor", DACC_TLOG_KEY_ED25519, &signer, &err) != DACC_OK ||
        dacc_tlog_log_create(db, "bench/floor", &err) != DACC_OK ||
        dacc_tlog_log_open(db, &signer, &log, &err) != DACC_OK ||
        dacc_store_open(log, index, &st, &err) != DACC_OK)
        bench_die("the floor's log", &err);
    floor_append(st, (const char *const *)&b->cfg, &b->clen, 1);
    floor_append(st, (const char *const *)b->admit, b->alen, ADMITS);
    double t0 = now();
    for (size_t i = 0; i < b->n; i += FLOOR_BATCH)
        floor_append(st, (const char *const *)b->ev + i, b->len + i,
                     b->n - i < FLOOR_BATCH ? b->n - i : FLOOR_BATCH);
    double rate = (double)b->n / (now() - t0);
    dacc_store_free(st);
    dacc_tlog_log_free(log);
    return rate;
}

int main(int argc, char **argv)
{
    if (argc < 3 || dacc_init() != DACC_OK)
        return fprintf(stderr, "usage: bench_node DACC DIR [EVENTS]\n"), 2;
    size_t events = argc > 3 ? strtoul(argv[3], NULL, 10) : 20000;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    bench_round ref;
    bench_round_make(&ref, events, NULL);
    double floor_rate = (double)events / bench_floor(&ref, now);
    double lib_rate = library_floor(&ref, argv[2]);
    bench_round_free(&ref);
    printf("events %zu per level (%d donors), floors on one core: Ed25519 verify alone "
           "%.0f events/s; verify + apply + durable append (batches of %d, no HTTP) "
           "%.0f events/s\n",
           events, DONORS, floor_rate, FLOOR_BATCH, lib_rate);
    node n;
    node_start(&n, argv[1], argv[2]);
    static const size_t levels[] = { 1, 16, 64 };
    for (size_t k = 0; k < 3; k++)
        level(&n, events, levels[k], floor_rate, lib_rate);
    tiles(&n, 16, 2000);
    kill(n.pid, SIGTERM);
    waitpid(n.pid, NULL, 0);
    curl_global_cleanup();
    return 0;
}
