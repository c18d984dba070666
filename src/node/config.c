/* dacc serve's options, from its command line or from a config file
 * (--config FILE): one table of their long names, what each takes and its
 * bounds, so that a file and the command line spell and check every
 * option alike. The file's parser takes bytes, not a path, and is fuzzed
 * (fuzz/fuzz_node_bodies.c); docs/node.md, "Configuration file". */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/csv.h"
#include "internal.h"

typedef enum { TEXT, LISTEN, NUMBER, FLAG } option_kind;

static const struct {
    const char *name;
    option_kind kind;
    bool repeatable;
    uint64_t lo, hi; /* a NUMBER's bounds; a repeatable option's count at most (hi) */
} options[NODE_OPTIONS] = {
    [NODE_OPT_LISTEN] = { "listen", LISTEN, false, 0, 0 },
    [NODE_OPT_DATA] = { "data", TEXT, false, 0, 0 },
    [NODE_OPT_ORIGIN] = { "origin", TEXT, false, 0, 0 },
    [NODE_OPT_THREADS] = { "threads", NUMBER, false, 1, 256 },
    [NODE_OPT_MAX_CONNECTIONS] = { "max-connections", NUMBER, false, 1, 100000 },
    [NODE_OPT_PER_ADDRESS_CONNECTIONS] = { "per-address-connections", NUMBER, false, 0, 100000 },
    [NODE_OPT_TIMEOUT] = { "timeout", NUMBER, false, 1, 3600 },
    [NODE_OPT_KEY_RATE] = { "key-rate", NUMBER, false, 0, 1000000 },
    [NODE_OPT_ADDRESS_RATE] = { "address-rate", NUMBER, false, 0, 1000000 },
    [NODE_OPT_WITNESS] = { "witness", TEXT, true, 0, 8 },
    [NODE_OPT_WITNESS_KEY] = { "witness-key", TEXT, false, 0, 0 },
    [NODE_OPT_WITNESS_LOG] = { "witness-log", TEXT, true, 0, 16 },
    [NODE_OPT_QUIET] = { "quiet", FLAG, false, 0, 0 },
    [NODE_OPT_STORE] = { "store", TEXT, false, 0, 0 },
    [NODE_OPT_WITNESS_THRESHOLD] = { "witness-threshold", NUMBER, false, 0, 8 },
    [NODE_OPT_ISSUER_SET] = { "issuer-set", TEXT, false, 0, 0 },
    [NODE_OPT_ISSUER_SHARE] = { "issuer-share", TEXT, false, 0, 0 },
    [NODE_OPT_ISSUER_MEMBERS] = { "issuer-members", TEXT, false, 0, 0 },
    [NODE_OPT_ISSUER_EPOCH] = { "issuer-epoch", TEXT, true, 0, 64 },
};

const char *node_option_name(unsigned i)
{
    return i < NODE_OPTIONS ? options[i].name : NULL;
}

bool node_option_flag(unsigned i)
{
    return i < NODE_OPTIONS && options[i].kind == FLAG;
}

bool node_option_repeatable(unsigned i)
{
    return i < NODE_OPTIONS && options[i].repeatable;
}

unsigned node_option_find(const char *name, size_t len)
{
    for (unsigned i = 0; i < NODE_OPTIONS; i++)
        if (strlen(options[i].name) == len && memcmp(options[i].name, name, len) == 0)
            return i;
    return NODE_OPTIONS;
}

void node_settings_init(node_settings *s)
{
    memset(s, 0, sizeof *s);
    s->o.port = 8080;
}

void node_settings_free(node_settings *s)
{
    free(s->text);
    node_settings_init(s);
}

/* The values of a repeatable option, and how many. */
static const char **list_of(node_settings *s, unsigned i, size_t **count)
{
    if (i == NODE_OPT_WITNESS) {
        *count = &s->o.nwitnesses;
        return s->o.witnesses;
    }
    if (i == NODE_OPT_ISSUER_EPOCH) {
        *count = &s->o.nissuer_epochs;
        return s->o.issuer_epochs;
    }
    *count = &s->o.nwitness_logs;
    return s->o.witness_logs;
}

void node_option_forget(node_settings *s, unsigned i)
{
    size_t *count;
    if (node_option_repeatable(i)) {
        list_of(s, i, &count);
        *count = 0;
    }
}

/* "ADDR:PORT", ADDR an IPv4 literal. */
static dacc_status set_listen(node_settings *s, const char *v, dacc_error *err)
{
    const char *colon = strrchr(v, ':');
    uint64_t port;
    struct in_addr a;
    if (colon == NULL || colon == v || (size_t)(colon - v) >= sizeof s->host ||
        dacc_csv_parse_u64(colon + 1, strlen(colon + 1), &port, NULL) != DACC_OK || port > 65535)
        return dacc_error_set(err, DACC_ERR_PARSE, "expected ADDR:PORT, got '%s'", v);
    char host[sizeof s->host];
    memcpy(host, v, (size_t)(colon - v));
    host[colon - v] = '\0';
    if (inet_pton(AF_INET, host, &a) != 1)
        return dacc_error_set(err, DACC_ERR_INVALID, "'%s' is not an IPv4 address", host);
    memcpy(s->host, host, sizeof host);
    s->o.host = s->host;
    s->o.port = (uint16_t)port;
    return DACC_OK;
}

dacc_status node_option_set(node_settings *s, unsigned i, const char *value, dacc_error *err)
{
    if (i >= NODE_OPTIONS)
        return dacc_error_set(err, DACC_ERR_NOTFOUND, "not an option of dacc serve");
    if (options[i].kind == FLAG) {
        bool on = value == NULL || strcmp(value, "true") == 0;
        if (!on && strcmp(value, "false") != 0)
            return dacc_error_set(err, DACC_ERR_PARSE, "expected true, false or nothing, got '%s'",
                                  value);
        s->o.quiet = on;
        return DACC_OK;
    }
    if (value == NULL || value[0] == '\0')
        return dacc_error_set(err, DACC_ERR_PARSE, "a value is needed");
    uint64_t v = 0;
    if (options[i].kind == NUMBER) {
        dacc_status st = dacc_csv_parse_u64(value, strlen(value), &v, err);
        if (st != DACC_OK)
            return st;
        if (v < options[i].lo || v > options[i].hi)
            return dacc_error_set(err, DACC_ERR_RANGE,
                                  "expected an integer in [%llu, %llu], got %llu",
                                  (unsigned long long)options[i].lo,
                                  (unsigned long long)options[i].hi, (unsigned long long)v);
    }
    if (options[i].repeatable) {
        size_t *count;
        const char **list = list_of(s, i, &count);
        if (*count == options[i].hi)
            return dacc_error_set(err, DACC_ERR_LIMIT, "at most %llu of them",
                                  (unsigned long long)options[i].hi);
        list[(*count)++] = value;
        return DACC_OK;
    }
    switch (i) {
    case NODE_OPT_LISTEN:
        return set_listen(s, value, err);
    case NODE_OPT_DATA:
        s->o.data = value;
        break;
    case NODE_OPT_ORIGIN:
        s->o.origin = value;
        break;
    case NODE_OPT_WITNESS_KEY:
        s->o.witness_key = value;
        break;
    case NODE_OPT_STORE:
        if (strncmp(value, "postgres://", 11) != 0 && strncmp(value, "postgresql://", 13) != 0)
            return dacc_error_set(err, DACC_ERR_PARSE, "expected a postgres:// URL, got '%s'",
                                  value);
        s->o.store = value;
        break;
    case NODE_OPT_WITNESS_THRESHOLD:
        s->o.witness_threshold = (unsigned)v;
        break;
    case NODE_OPT_ISSUER_SET:
        s->o.issuer_set = value;
        break;
    case NODE_OPT_ISSUER_SHARE:
        s->o.issuer_share = value;
        break;
    case NODE_OPT_ISSUER_MEMBERS:
        s->o.issuer_members = value;
        break;
    case NODE_OPT_THREADS:
        s->o.threads = (unsigned)v;
        break;
    case NODE_OPT_MAX_CONNECTIONS:
        s->o.max_connections = (unsigned)v;
        break;
    case NODE_OPT_PER_ADDRESS_CONNECTIONS:
        s->o.per_address_connections = (unsigned)v;
        break;
    case NODE_OPT_TIMEOUT:
        s->o.timeout = (unsigned)v;
        break;
    case NODE_OPT_KEY_RATE:
        s->o.key_rate = (double)v;
        break;
    case NODE_OPT_ADDRESS_RATE:
        s->o.address_rate = (double)v;
        break;
    default:
        break;
    }
    return DACC_OK;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

dacc_status node_config_parse(node_settings *s, const char *file, const char *text, size_t len,
                              dacc_error *err)
{
    if (s->text != NULL)
        return dacc_error_set(err, DACC_ERR_STATE, "%s: the settings hold a file already", file);
    if ((s->text = malloc(len + 1)) == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    memcpy(s->text, text, len);
    s->text[len] = '\0';
    char *p = s->text, *end = s->text + len;
    for (unsigned long line = 1; p < end; line++) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            eol = end;
        char *next = eol + (eol < end);
        if (memchr(p, '\0', (size_t)(eol - p)) != NULL)
            return dacc_error_at(err, DACC_ERR_PARSE, file, line, 0, "a NUL byte");
        while (eol > p && blank(eol[-1]))
            eol--;
        *eol = '\0';
        while (p < eol && blank(*p))
            p++;
        if (p == eol || *p == '#') { /* blank, or a comment */
            p = next;
            continue;
        }
        char *key = p;
        while (p < eol && !blank(*p) && *p != '=')
            p++;
        size_t key_len = (size_t)(p - key);
        while (p < eol && blank(*p))
            p++;
        if (p < eol && *p == '=')
            for (p++; p < eol && blank(*p); p++)
                ;
        char *value = p;
        key[key_len] = '\0'; /* a blank, '=' or the line's end: the key as a string */
        unsigned i = node_option_find(key, key_len);
        if (i == NODE_OPTIONS)
            return dacc_error_field(
                err, DACC_ERR_NOTFOUND, file, line, "key", key, "%s",
                key[0] == '-' ? "keys are the long options without their dashes"
                              : "not an option of dacc serve (its keys are the long options)");
        if (!options[i].repeatable && s->line[i] != 0)
            return dacc_error_field(err, DACC_ERR_INVALID, file, line, "key", key,
                                    "given twice (first on line %lu)", s->line[i]);
        dacc_error why;
        if (node_option_set(s, i, value[0] != '\0' || options[i].kind != FLAG ? value : NULL,
                            &why) != DACC_OK)
            return dacc_error_field(err, why.status, file, line, "key", key, "%s", why.message);
        s->line[i] = line;
        p = next;
    }
    return DACC_OK;
}
