/* dacc anon token-finish --issuer URL: the member's request sent to
 * issuer nodes over HTTP (POST URL/api/v1/tokens/request, docs/node.md)
 * and their answers combined, an issuer whose answer is not proved named
 * by its URL. Nothing a node answers is trusted: every answer's DLEQ proof
 * is checked against the issuer set the member holds. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anon_cli.h"
#include "cli.h"
#include "dacc/codec.h"
#include "dacc/json.h"

#define ANSWER_MAX (1u << 16)
#define TIMEOUT    30L

/* What a refusal said: its problem title and detail, else the body's start. */
static void refusal(const dacc_buf *body, char *out, size_t cap)
{
    json_t *doc = body->len ? json_loadb(body->data, body->len, 0, NULL) : NULL;
    const char *title = json_string_value(json_object_get(doc, "title"));
    const char *detail = json_string_value(json_object_get(doc, "detail"));
    if (title != NULL)
        snprintf(out, cap, "%s%s%s", title, detail ? ": " : "", detail ? detail : "");
    else
        snprintf(out, cap, "%.*s", (int)(body->len < 200 ? body->len : 200),
                 body->data ? body->data : "");
    json_decref(doc);
}

/* One issuer's answer (98 bytes) to req, or an error naming url. */
static dacc_status ask(const char *url, const char *epoch,
                       const uint8_t req[DACC_ANON_TOKEN_REQUEST_BYTES],
                       uint8_t answer[DACC_ANON_TOKEN_RESPONSE_BYTES], dacc_error *err)
{
    char full[4096], hex[2 * DACC_ANON_TOKEN_REQUEST_BYTES + 1], why[400];
    size_t ul = strlen(url);
    while (ul > 0 && url[ul - 1] == '/')
        ul--;
    if ((size_t)snprintf(full, sizeof full, "%.*s/api/v1/tokens/request", (int)ul, url) >=
        sizeof full)
        return dacc_error_set(err, DACC_ERR_RANGE, "%s: the URL is too long", url);
    json_t *doc = json_pack("{s:s,s:s}", "epoch", epoch, "request",
                            dacc_hex_encode(req, DACC_ANON_TOKEN_REQUEST_BYTES, hex));
    char *body = doc ? dacc_json_dumps(doc, 0) : NULL;
    json_decref(doc);
    if (body == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    long status = 0;
    dacc_buf got;
    dacc_status st = cli_http_post(full, "application/json", body, strlen(body), ANSWER_MAX,
                                   TIMEOUT, &status, &got, err);
    free(body);
    if (st != DACC_OK)
        return st;
    json_t *ans = NULL;
    const char *a = NULL;
    if (status == 200 || status == 201) {
        ans = json_loadb(got.data ? got.data : "", got.len, 0, NULL);
        a = json_string_value(json_object_get(ans, "answer"));
    }
    if (status != 200 && status != 201) {
        refusal(&got, why, sizeof why);
        st = dacc_error_set(err, status == 409 || status == 403 ? DACC_ERR_STATE : DACC_ERR_IO,
                            "%s: HTTP %ld: %s", url, status, why);
    } else if (a == NULL || dacc_hex_decode(a, strlen(a), answer, DACC_ANON_TOKEN_RESPONSE_BYTES,
                                            NULL) != DACC_OK)
        st = dacc_error_set(err, DACC_ERR_PARSE,
                            "%s: the answer is not {\"answer\": 196 hex digits, ...}", url);
    json_decref(ans);
    dacc_buf_free(&got);
    return st;
}

static unsigned issuer_of(const uint8_t *answer)
{
    return (unsigned)answer[0] << 8 | answer[1];
}

dacc_status anon_ask_issuers(const char *prog, const dacc_anon_issuers *is, const char *const *urls,
                             size_t nurls, const char *epoch,
                             const uint8_t req[DACC_ANON_TOKEN_REQUEST_BYTES], uint8_t *answers,
                             const char **from, size_t *k, dacc_error *err)
{
    *k = 0;
    if (!anon_epoch_ok(epoch, strlen(epoch)))
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "--epoch: expected 1 to %d printable ASCII characters",
                              ANON_EPOCH_MAX);
    for (size_t i = 0; i < nurls; i++) {
        dacc_error e;
        uint8_t *a = answers + DACC_ANON_TOKEN_RESPONSE_BYTES * *k;
        if (ask(urls[i], epoch, req, a, &e) != DACC_OK) {
            fprintf(stderr, "%s: %s\n", prog, dacc_error_message(&e));
            continue;
        }
        unsigned idx = issuer_of(a);
        size_t j = 0;
        while (j < *k && issuer_of(answers + DACC_ANON_TOKEN_RESPONSE_BYTES * j) != idx)
            j++;
        if (idx == 0 || idx > dacc_anon_issuers_count(is) || j < *k) {
            fprintf(stderr, "%s: %s: answers as issuer %u, %s; left out\n", prog, urls[i], idx,
                    j < *k ? "as another URL did" : "which the set does not have");
            continue;
        }
        from[(*k)++] = urls[i];
    }
    if (*k < dacc_anon_issuers_threshold(is))
        return dacc_error_set(err, DACC_ERR_STATE, "%zu of the %zu issuers answered; %u needed", *k,
                              nurls, dacc_anon_issuers_threshold(is));
    return DACC_OK;
}

dacc_status anon_finish_from(const char *prog, const dacc_anon_issuers *is, const uint8_t x[32],
                             const uint8_t blind[32],
                             const uint8_t req[DACC_ANON_TOKEN_REQUEST_BYTES], uint8_t *answers,
                             const char **from, size_t k, uint8_t token[DACC_ANON_TOKEN_BYTES],
                             dacc_error *err)
{
    char bad[600] = "";
    for (;;) {
        unsigned which = 0;
        dacc_status st = dacc_anon_token_finish(is, x, blind, req, answers, k, token, &which, err);
        if (st != DACC_ERR_VERIFY || which == 0) {
            if (st != DACC_OK && bad[0] != '\0')
                dacc_error_prefix(err, "%s; ", bad);
            return st;
        }
        size_t j = 0;
        while (j < k && issuer_of(answers + DACC_ANON_TOKEN_RESPONSE_BYTES * j) != which)
            j++;
        if (j == k) /* the library named an issuer that did not answer: cannot be */
            return st;
        fprintf(stderr, "%s: %s: %s; its answer is left out\n", prog, from[j],
                dacc_error_message(err));
        if (bad[0] == '\0')
            snprintf(bad, sizeof bad, "%s: %s", from[j], dacc_error_message(err));
        /* the rest may still make t */
        memmove(answers + DACC_ANON_TOKEN_RESPONSE_BYTES * j,
                answers + DACC_ANON_TOKEN_RESPONSE_BYTES * (j + 1),
                DACC_ANON_TOKEN_RESPONSE_BYTES * (k - j - 1));
        memmove(from + j, from + j + 1, sizeof *from * (k - j - 1));
        k--;
    }
}
