/* dacc log add-checkpoint: a log's client side of c2sp.org/tlog-witness.
 * It writes the add-checkpoint body for the log's latest checkpoint (with
 * the consistency proof from the size the witness last cosigned), and with
 * --post sends it to a witness and prints the cosignature. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "spec.h"
#include "dacc/mem.h"
#include "log_keys.h"
#include "log_source.h"

static dacc_status body_of(log_source *src, uint64_t old, dacc_buf *out, dacc_error *err)
{
    dacc_tlog_witness_request r = { .old = old, .note = src->note, .note_len = src->note_len };
    if (src->empty || src->note == NULL)
        return dacc_error_set(err, DACC_ERR_STATE, "%s has no checkpoint yet", src->dir);
    if (old > src->cp.size)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "--old %" PRIu64 " is above the log's size %" PRIu64, old,
                              src->cp.size);
    if (old > 0 && old < src->cp.size) {
        dacc_status st = dacc_tlog_prove_consistency(source_hash_fn(src), source_hash_ctx(src), old,
                                                     src->cp.size, r.proof, &r.n);
        if (st != DACC_OK)
            return source_hash_failed(src, st, err);
    }
    size_t cap = src->note_len + 32 + DACC_TLOG_WITNESS_MAX_PROOF * 46 + 8;
    if (dacc_buf_reserve(out, cap) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    out->len = dacc_tlog_witness_request_format(&r, out->data, out->cap);
    return out->len > 0 ? DACC_OK : dacc_error_set(err, DACC_ERR_LIMIT, "the request does not fit");
}

/* POSTs body to url/add-checkpoint: the witness's status and its answer. */
static dacc_status post(const char *url, const dacc_buf *body, long *status, dacc_buf *answer,
                        dacc_error *err)
{
    char full[4096];
    size_t ul = strlen(url);
    snprintf(full, sizeof full, "%.*s/add-checkpoint",
             (int)(ul && url[ul - 1] == '/' ? ul - 1 : ul), url);
    return cli_http_post(full, "text/plain", body->data, body->len, 1u << 16, 30, status, answer,
                         err);
}

static int report(const char *prog, const char *url, long status, const dacc_buf *answer)
{
    const char *text = answer->data ? answer->data : "";
    if (status == 200) {
        fwrite(text, 1, answer->len, stdout);
        return CLI_OK;
    }
    if (status == 409)
        fprintf(stderr, "%s: %s last cosigned size %.*s; retry with --old %.*s\n", prog, url,
                (int)strcspn(text, "\n"), text, (int)strcspn(text, "\n"), text);
    else
        fprintf(stderr, "%s: %s refused it (HTTP %ld): %s\n", prog, url, status, text);
    return CLI_FAIL;
}

int cmd_log_add_checkpoint(int argc, char **argv)
{
    static const char prog[] = "dacc log add-checkpoint";
    uint64_t old = 0;
    const char *key = NULL, *url = NULL;
    int ch, rc = CLI_OK;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_log, "add-checkpoint", argc, argv);
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
        if (ch == 'O')
            rc = cli_opt_u64(prog, "--old", optarg, 0, INT64_MAX, &old);
        else if (ch == 'k')
            key = optarg;
        else if (ch == 'P')
            url = optarg;
        else
            rc = cli_usage(prog, "unknown option");
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    if (rc == CLI_OK && argc - optind != 1)
        rc = cli_usage(prog, "expected DIR");
    if (rc != CLI_OK)
        return rc;
    dacc_error err;
    dacc_tlog_verifier v;
    log_source src;
    dacc_buf body, answer;
    dacc_buf_init(&body, 0);
    dacc_buf_init(&answer, 0);
    dacc_status st = key ? load_verifier(key, &v, &err) : DACC_OK;
    if (st == DACC_OK)
        st = source_open(argv[optind], key ? &v : NULL, &src, &err);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    st = body_of(&src, old, &body, &err);
    long status = 0;
    if (st == DACC_OK && url == NULL)
        fwrite(body.data, 1, body.len, stdout);
    else if (st == DACC_OK)
        st = post(url, &body, &status, &answer, &err);
    source_close(&src);
    rc = st != DACC_OK ? cli_fail(prog, &err) : url ? report(prog, url, status, &answer) : CLI_OK;
    dacc_buf_free(&body);
    dacc_buf_free(&answer);
    return rc;
}
