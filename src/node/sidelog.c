/* The node's side logs, DATA/records and DATA/tokens: each a transparency
 * log of its own beside the rounds' (origin ORIGIN/<name>), so that a
 * round's replay never meets an entry that is not a round event. Each is a
 * `dacc log init` directory, made with its own key the first time the node
 * starts, and refused when its key is readable by others. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "../cli/log_keys.h"
#include "internal.h"

static dacc_status create(const dacc_node_opts *o, const char *dir, const char *name,
                          dacc_error *err)
{
    char path[4200], origin[DACC_TLOG_NAME_MAX + 1];
    struct stat st;
    snprintf(path, sizeof path, "%s/log.db", dir);
    if (stat(path, &st) == 0)
        return DACC_OK;
    if ((size_t)snprintf(origin, sizeof origin, "%s/%s", o->origin, name) >= sizeof origin)
        return dacc_error_set(err, DACC_ERR_INVALID, "the origin is too long for %s/%s", o->origin,
                              name);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return dacc_error_at(err, DACC_ERR_IO, dir, 0, 0, "%s", strerror(errno));
    dacc_tlog_signer s;
    dacc_status rc = dacc_tlog_keygen(origin, DACC_TLOG_KEY_ED25519, &s, err);
    if (rc == DACC_OK)
        rc = dacc_tlog_log_create(path, origin, err);
    snprintf(path, sizeof path, "%s/log", dir);
    if (rc == DACC_OK)
        rc = write_key_files(path, &s, err);
    sodium_memzero(&s, sizeof s);
    if (rc == DACC_OK)
        fprintf(stderr, "dacc serve: created the %s log %s in %s\n", name, origin, dir);
    return rc;
}

dacc_status node_side_log_open(const dacc_node_opts *o, const char *name, dacc_tlog_log **log,
                               dacc_tlog_verifier *v, dacc_error *err)
{
    char dir[4096], path[4200];
    struct stat st;
    dacc_tlog_signer s;
    snprintf(dir, sizeof dir, "%s/%s", o->data, name);
    dacc_status rc = create(o, dir, name, err);
    snprintf(path, sizeof path, "%s/log.key", dir);
    if (rc == DACC_OK && stat(path, &st) == 0 && (st.st_mode & 077))
        rc = dacc_error_at(err, DACC_ERR_STATE, path, 0, 0,
                           "the %s log key is readable by others (mode %03o): chmod 600 it", name,
                           (unsigned)(st.st_mode & 0777));
    if (rc == DACC_OK)
        rc = load_signer(path, &s, err);
    snprintf(path, sizeof path, "%s/log.db", dir);
    if (rc == DACC_OK)
        rc = dacc_tlog_log_open(path, &s, log, err);
    if (rc == DACC_OK && v != NULL)
        *v = s.v;
    sodium_memzero(&s, sizeof s);
    return rc;
}
