/* Responses: JSON documents, raw bytes, and RFC 9457 problem details
 * naming the field at fault. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

unsigned node_status_of(dacc_status st)
{
    switch (st) {
    case DACC_ERR_NOTFOUND:
        return 404;
    case DACC_ERR_STATE:
        return 409;
    case DACC_ERR_LIMIT:
        return 413;
    case DACC_ERR_INVALID:
    case DACC_ERR_VERIFY:
    case DACC_ERR_RANGE:
        return 422;
    case DACC_ERR_PARSE:
        return 400;
    default:
        return 500;
    }
}

void node_json(node_answer *a, unsigned status, json_t *doc)
{
    char *text = doc ? dacc_json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    size_t len = text ? strlen(text) : 0;
    char *body = text ? realloc(text, len + 2) : NULL;
    if (body == NULL) {
        free(text);
        *a = (node_answer){ 500, NULL, 0, "application/problem+json", NULL, 0 };
        return;
    }
    body[len] = '\n';
    body[len + 1] = '\0';
    *a = (node_answer){ status, body, len + 1, "application/json", NULL, 0 };
}

void node_bytes(node_answer *a, unsigned status, const char *type, const void *data, size_t len,
                const char *cache)
{
    char *body = malloc(len ? len : 1);
    if (body != NULL && len > 0)
        memcpy(body, data, len);
    *a = body ? (node_answer){ status, body, len, type, cache, 0 }
              : (node_answer){ 500, NULL, 0, "text/plain", NULL, 0 };
}

static const char *reason(unsigned status)
{
    switch (status) {
    case 400:
        return "bad-request";
    case 403:
        return "forbidden";
    case 404:
        return "not-found";
    case 405:
        return "method-not-allowed";
    case 409:
        return "conflict";
    case 413:
        return "too-large";
    case 415:
        return "unsupported-media-type";
    case 422:
        return "refused";
    case 429:
        return "too-many-requests";
    case 503:
        return "unavailable";
    default:
        return "server-error";
    }
}

/* A message may quote the request's bytes: anything that is not UTF-8
 * becomes '?', so that the problem is still a JSON document. */
static json_t *text(const char *s)
{
    json_t *j = json_string(s);
    if (j != NULL)
        return j;
    char *copy = strdup(s);
    if (copy == NULL)
        return json_string("");
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    j = json_string(copy);
    free(copy);
    return j;
}

void node_problem(node_answer *a, unsigned status, const char *title, const char *detail,
                  const char *field)
{
    char type[96];
    snprintf(type, sizeof type, "urn:dacc:problem:%s", reason(status));
    json_t *doc = json_object();
    json_object_set_new(doc, "type", json_string(type));
    json_object_set_new(doc, "title", text(title));
    json_object_set_new(doc, "status", json_integer(status));
    if (detail != NULL)
        json_object_set_new(doc, "detail", text(detail));
    if (field != NULL && field[0] != '\0')
        json_object_set_new(doc, "field", text(field));
    node_json(a, status, doc);
    a->type = "application/problem+json";
}

void node_problem_from(node_answer *a, const dacc_error *err, const char *title)
{
    node_problem(a, node_status_of(err->status), title, dacc_error_message(err), err->field);
}
