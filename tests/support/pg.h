/* The tests' PostgreSQL: tests/support/pg.sh starts a private server and
 * sets DACC_TEST_PG to its URL; a test suite run under it puts its logs in
 * fresh databases there, and the same suite run without it uses SQLite
 * files. */
#ifndef DACC_TEST_PG_H
#define DACC_TEST_PG_H

#include <stdbool.h>

/* Whether DACC_TEST_PG names a server. */
bool pg_available(void);
/* The URL of a new, empty database on that server (caller frees). */
char *pg_new_database(void);
/* Where a test's log goes: a new PostgreSQL database when DACC_TEST_PG is
 * set, else dir/log.db (caller frees). */
char *test_log_location(const char *dir);
/* Runs sql on the database at url; fails the test on error. */
void pg_exec(const char *url, const char *sql);

/* The first column of the first row of sql on url (caller frees), or NULL
 * when there is none or the server cannot be reached. */
char *pg_value(const char *url, const char *sql);

#endif
