/* A small option table for the dacc anon subcommands: every option is
 * --NAME VALUE (or a --NAME flag), so one parser serves them all. */
#ifndef DACC_ANON_OPTS_H
#define DACC_ANON_OPTS_H

#include <stddef.h>

#define ANON_MULTI_MAX 255

typedef struct {
    const char *name;   /* long option name, without "--" */
    const char **value; /* where a single value goes; NULL for flags and lists */
    int *flag;          /* set to 1 by a flag option */
    const char **list;  /* repeated values, ANON_MULTI_MAX at most */
    size_t *count;
} anon_opt;

/* Parses argv[1..] against opts (and -h/--help, which prints usage).
 * Returns CLI_OK, CLI_USAGE after an error message, or -1 after --help
 * (the caller then returns CLI_OK). Positional arguments are refused. */
int anon_parse(const char *prog, const char *usage, int argc, char **argv, const anon_opt *opts,
               size_t n);

/* Usage error unless value is set. */
int anon_need(const char *prog, const char *value, const char *name);

#endif
