/* bench/scale: signed events durably accepted per second by 1, 2 and 3
 * `dacc serve --store` nodes on one PostgreSQL server, against one SQLite
 * node, in the same run on the same workload: a fresh public-goods
 * funding round per configuration (bench/round/events.h), its donations
 * posted by CLIENTS clients spread over the nodes (a client posts its own
 * donors' events in order, one kept-alive connection per node). Where the
 * time goes: the CPU seconds each party used during the run (the nodes,
 * the PostgreSQL server's processes, this load generator), and the log
 * transactions (checkpoints) the events were grouped into.
 *
 * Usage: bench_scale DACC DIR PG_URL PG_PIDFILE [EVENTS] — run.sh starts
 * the server (tests/support/pg.sh, fsync and synchronous_commit on).
 * BENCH_SCALE_NODES=3 runs the SQLite node and only the 3-node
 * configuration (any of the digits 1 to 3). */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <dirent.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../round/events.h"

#define CLIENTS   64
#define MAX_NODES 3

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

/* dacc serve with extra arguments, its standard error in DIR/serve.log. */
static void node_start(node *n, const char *dacc, const char *dir, const char *store)
{
    char data[4096], log[4096];
    if (snprintf(data, sizeof data, "%s/data", dir) >= (int)sizeof data ||
        snprintf(log, sizeof log, "%s/serve.log", dir) >= (int)sizeof log)
        bench_die("the directory's name is too long", NULL);
    mkdir(dir, 0700);
    if ((n->pid = fork()) == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600), null = open("/dev/null", O_RDWR);
        dup2(fd, 2);
        dup2(null, 1);
        if (store != NULL)
            execl(dacc, dacc, "serve", "--listen", "127.0.0.1:0", "--data", data, "--quiet",
                  "--max-connections", "4096", "--store", store, (char *)NULL);
        else
            execl(dacc, dacc, "serve", "--listen", "127.0.0.1:0", "--data", data, "--quiet",
                  "--max-connections", "4096", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 1000; i++) {
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

static void node_stop(node *n)
{
    kill(n->pid, SIGTERM);
    waitpid(n->pid, NULL, 0);
}

static size_t sink(char *p, size_t s, size_t n, void *ctx)
{
    (void)p, (void)ctx;
    return s * n;
}

static long post(CURL *c, struct curl_slist *h, const char *url, const char *body, size_t len)
{
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

typedef struct {
    const bench_round *b;
    char url[MAX_NODES][256];
    size_t nodes, me;
} worker;

/* The events of donors d with d % CLIENTS == me, in order, to the nodes in
 * turn (a kept-alive connection to each). */
static void *work(void *arg)
{
    worker *w = arg;
    CURL *c[MAX_NODES];
    for (size_t k = 0; k < w->nodes; k++)
        c[k] = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    for (size_t i = 0; i < w->b->n; i++) {
        if (i % DONORS % CLIENTS != w->me)
            continue;
        size_t k = (i / DONORS + w->me) % w->nodes;
        long status = post(c[k], h, w->url[k], w->b->ev[i], w->b->len[i]);
        if (status != 201) {
            fprintf(stderr, "bench: event %zu answered %ld\n", i, status);
            exit(1);
        }
    }
    curl_slist_free_all(h);
    for (size_t k = 0; k < w->nodes; k++)
        curl_easy_cleanup(c[k]);
    return NULL;
}

/* CPU seconds (user + system) of process pid so far; 0 when gone. */
static double cpu_of(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    unsigned long ut = 0, st = 0;
    if (p != NULL)
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* The PostgreSQL server's CPU: the postmaster (its pid file's first line)
 * and every process whose parent it is (the backends, the WAL writer). */
static double pg_cpu(const char *pidfile)
{
    FILE *f = fopen(pidfile, "r");
    long pm = 0;
    if (f == NULL || fscanf(f, "%ld", &pm) != 1) {
        if (f)
            fclose(f);
        return 0;
    }
    fclose(f);
    double sum = cpu_of((pid_t)pm);
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        long pid = strtol(e->d_name, NULL, 10), ppid = 0;
        char path[64], buf[512];
        if (pid <= 0)
            continue;
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        FILE *s = fopen(path, "r");
        if (s == NULL)
            continue;
        size_t n = fread(buf, 1, sizeof buf - 1, s);
        fclose(s);
        buf[n] = '\0';
        char *p = strrchr(buf, ')');
        if (p != NULL && sscanf(p + 2, "%*c %ld", &ppid) == 1 && ppid == pm)
            sum += cpu_of((pid_t)pid);
    }
    if (d)
        closedir(d);
    return sum;
}

static double self_cpu(void)
{
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return (double)r.ru_utime.tv_sec + 1e-6 * (double)r.ru_utime.tv_usec +
           (double)r.ru_stime.tv_sec + 1e-6 * (double)r.ru_stime.tv_usec;
}

static long long pg_count(const char *url, const char *sql)
{
    PGconn *c = PQconnectdb(url);
    long long v = -1;
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
        v = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    return v;
}

/* A fresh database for one configuration, as url with its name. */
static void new_database(const char *base, const char *name, char *out, size_t cap)
{
    PGconn *c = PQconnectdb(base);
    char sql[128];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", name);
    PQclear(PQexec(c, sql));
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        bench_die(PQresultErrorMessage(r), NULL);
    PQclear(r);
    PQfinish(c);
    const char *path = strstr(base, ":///");
    const char *q = strchr(base, '?');
    if (path == NULL || q == NULL)
        bench_die("PG_URL must look like postgresql:///DB?host=...", NULL);
    snprintf(out, cap, "%.*s:///%s%s", (int)(path - base), base, name, q);
}

typedef struct {
    double rate, node_cpu, pg_cpu, load_cpu, wall;
    long long commits;
} result;

/* One configuration: nodes nodes (0: a SQLite node), a fresh round. */
static result configuration(const char *dacc, const char *dir, const char *pg_base,
                            const char *pidfile, size_t nodes, size_t events)
{
    bench_round b;
    bench_round_make(&b, events, NULL);
    char store[1024] = "", sub[4096];
    size_t count = nodes ? nodes : 1;
    node n[MAX_NODES];
    if (nodes > 0) {
        char name[32];
        snprintf(name, sizeof name, "bench_scale_%zu", nodes);
        new_database(pg_base, name, store, sizeof store);
    }
    for (size_t k = 0; k < count; k++) {
        snprintf(sub, sizeof sub, "%s/%s%zu-%zu", dir, nodes ? "pg" : "sqlite", nodes, k);
        if (k > 0) { /* the first node's key, shared */
            char from[4200], to[4200], cmd[8600];
            if (snprintf(from, sizeof from, "%s/pg%zu-0/data", dir, nodes) >= (int)sizeof from ||
                snprintf(to, sizeof to, "%s/data", sub) >= (int)sizeof to)
                bench_die("the directory's name is too long", NULL);
            mkdir(sub, 0700);
            if (snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp -p '%s/log.key' '%s/log.pub' '%s/'",
                         to, from, from, to) >= (int)sizeof cmd ||
                system(cmd) != 0)
                bench_die("copying the log key", NULL);
        }
        node_start(&n[k], dacc, sub, nodes ? store : NULL);
    }
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    char url[256], hex[65];
    snprintf(url, sizeof url, "%s/api/v1/rounds", n[0].base);
    if (post(c, h, url, b.cfg, b.clen) != 201)
        bench_die("config", NULL);
    snprintf(url, sizeof url, "%s/api/v1/rounds/%s/events", n[0].base,
             dacc_hex_encode(b.id, 32, hex));
    for (int a = 0; a < ADMITS; a++)
        if (post(c, h, url, b.admit[a], b.alen[a]) != 201)
            bench_die("admit", NULL);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (nodes > 1)
        nanosleep(&(struct timespec){ 0, 300000000 }, NULL); /* the others follow the admits */
    worker w[CLIENTS];
    pthread_t t[CLIENTS];
    double cpu0[MAX_NODES], pg0 = nodes ? pg_cpu(pidfile) : 0, self0 = self_cpu(), t0 = now();
    long long cp0 = nodes ? pg_count(store, "SELECT count(*) FROM checkpoints") : 0;
    for (size_t k = 0; k < count; k++)
        cpu0[k] = cpu_of(n[k].pid);
    for (size_t k = 0; k < CLIENTS; k++) {
        w[k] = (worker){ &b, { "" }, count, k };
        for (size_t j = 0; j < count; j++)
            snprintf(w[k].url[j], sizeof w[k].url[j], "%s/api/v1/rounds/%s/events", n[j].base, hex);
        pthread_create(&t[k], NULL, work, &w[k]);
    }
    for (size_t k = 0; k < CLIENTS; k++)
        pthread_join(t[k], NULL);
    result r = { 0 };
    r.wall = now() - t0;
    r.rate = (double)events / r.wall;
    for (size_t k = 0; k < count; k++)
        r.node_cpu += cpu_of(n[k].pid) - cpu0[k];
    r.pg_cpu = nodes ? pg_cpu(pidfile) - pg0 : 0;
    r.load_cpu = self_cpu() - self0;
    r.commits = nodes ? pg_count(store, "SELECT count(*) FROM checkpoints") - cp0 : -1;
    for (size_t k = 0; k < count; k++)
        node_stop(&n[k]);
    bench_round_free(&b);
    return r;
}

static void report(const char *what, const result *r, double base)
{
    printf("  %-22s %7.0f events/s (%.2fx the SQLite node), %.1f s; CPU: nodes %.1f s, "
           "PostgreSQL %.1f s, load generator %.1f s",
           what, r->rate, r->rate / base, r->wall, r->node_cpu, r->pg_cpu, r->load_cpu);
    if (r->commits > 0)
        printf("; %lld log transactions, %.0f events each", r->commits,
               r->rate * r->wall / (double)r->commits);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 5 || dacc_init() != DACC_OK)
        return fprintf(stderr, "usage: bench_scale DACC DIR PG_URL PG_PIDFILE [EVENTS]\n"), 2;
    size_t events = argc > 5 ? strtoul(argv[5], NULL, 10) : 20000;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    printf("events %zu per configuration (%d donors), %d clients, one machine (%ld cores "
           "shared by the nodes, the database and the load generator)\n",
           events, DONORS, CLIENTS, sysconf(_SC_NPROCESSORS_ONLN));
    result sqlite = configuration(argv[1], argv[2], argv[3], argv[4], 0, events);
    report("SQLite, 1 node", &sqlite, sqlite.rate);
    /* BENCH_SCALE_NODES (e.g. "3"): only those PostgreSQL configurations,
     * for a profile of one of them */
    const char *only = getenv("BENCH_SCALE_NODES");
    for (size_t nodes = 1; nodes <= MAX_NODES; nodes++) {
        char digit[2] = { (char)('0' + nodes), '\0' };
        if (only != NULL && strstr(only, digit) == NULL)
            continue;
        result r = configuration(argv[1], argv[2], argv[3], argv[4], nodes, events);
        char what[64];
        snprintf(what, sizeof what, "PostgreSQL, %zu node%s", nodes, nodes > 1 ? "s" : "");
        report(what, &r, sqlite.rate);
    }
    curl_global_cleanup();
    return 0;
}
