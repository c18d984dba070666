/* Fresh PostgreSQL databases for the tests, on the server tests/support/pg.sh
 * started (DACC_TEST_PG names it): one database per log, so that tests
 * running at once never share a log. */
#include "pg.h"

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

bool pg_available(void)
{
    const char *url = getenv("DACC_TEST_PG");
    return url != NULL && url[0] != '\0';
}

/* url with its database (the path after "///" or after the host) replaced. */
static char *with_database(const char *url, const char *db)
{
    const char *scheme = strstr(url, "://");
    cr_assert_not_null(scheme, "DACC_TEST_PG is not a URL: %s", url);
    const char *path = strchr(scheme + 3, '/');
    cr_assert_not_null(path, "DACC_TEST_PG has no database: %s", url);
    const char *query = strchr(path, '?');
    size_t head = (size_t)(path + 1 - url);
    size_t len = head + strlen(db) + (query ? strlen(query) : 0) + 1;
    char *out = malloc(len);
    cr_assert_not_null(out);
    snprintf(out, len, "%.*s%s%s", (int)head, url, db, query ? query : "");
    return out;
}

void pg_exec(const char *url, const char *sql)
{
    PGconn *c = PQconnectdb(url);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s: %s", url, PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    ExecStatusType t = PQresultStatus(r);
    cr_assert(t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK, "%s: %s", sql,
              PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
}

char *pg_value(const char *url, const char *sql)
{
    PGconn *c = PQconnectdb(url);
    char *out = NULL;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
            out = strdup(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    PQfinish(c);
    return out;
}

char *pg_new_database(void)
{
    static unsigned counter;
    const char *base = getenv("DACC_TEST_PG");
    cr_assert(pg_available(), "DACC_TEST_PG is not set (tests/support/pg.sh run ...)");
    char name[64], sql[128];
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    snprintf(name, sizeof name, "t%ld_%u_%ld", (long)getpid(), counter++, (long)t.tv_nsec);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    pg_exec(base, sql);
    return with_database(base, name);
}

char *test_log_location(const char *dir)
{
    return pg_available() ? pg_new_database() : path_join(dir, "log.db");
}
