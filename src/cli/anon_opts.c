#include "anon_opts.h"

#include <string.h>

#include "cli.h"

static const anon_opt *find(const anon_opt *opts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(opts[i].name, name) == 0)
            return &opts[i];
    return NULL;
}

int anon_parse(const char *prog, const char *usage, int argc, char **argv, const anon_opt *opts,
               size_t n)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_help(usage);
            return -1;
        }
        if (strncmp(a, "--", 2) != 0)
            return cli_usage(prog, "unexpected argument \"%s\"", a);
        const char *eq = strchr(a + 2, '=');
        char name[64];
        size_t nl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (nl >= sizeof name)
            return cli_usage(prog, "unknown option \"%s\"", a);
        memcpy(name, a + 2, nl);
        name[nl] = '\0';
        const anon_opt *o = find(opts, n, name);
        if (!o)
            return cli_usage(prog, "unknown option \"--%s\"", name);
        if (o->flag) {
            if (eq)
                return cli_usage(prog, "--%s takes no value", name);
            *o->flag = 1;
            continue;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v)
            return cli_usage(prog, "--%s needs a value", name);
        if (o->list) {
            if (*o->count == ANON_MULTI_MAX)
                return cli_usage(prog, "--%s given more than %d times", name, ANON_MULTI_MAX);
            o->list[(*o->count)++] = v;
        } else {
            if (*o->value)
                return cli_usage(prog, "--%s given twice", name);
            *o->value = v;
        }
    }
    return CLI_OK;
}

int anon_need(const char *prog, const char *value, const char *name)
{
    return value ? CLI_OK : cli_usage(prog, "--%s is required", name);
}
