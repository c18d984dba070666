/* The files of a tiles layout, from a directory or over HTTP(S): the
 * read-side commands take a node's URL wherever they take a tiles
 * directory. Whatever comes over the network is checked by the caller
 * against a checkpoint signed by a key the user gave, never trusted. */
#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "dacc/file.h"
#include "dacc/mem.h"

int cli_is_url(const char *s)
{
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

typedef struct {
    dacc_buf b;
    int over;
} sink;

static size_t take(char *p, size_t size, size_t n, void *ctx)
{
    sink *s = ctx;
    if (s->over || dacc_buf_append(&s->b, p, size * n) != DACC_OK) {
        s->over = 1;
        return 0; /* stops the transfer */
    }
    return size * n;
}

static dacc_status fetch_url(const char *base, const char *rel, size_t max, uint8_t **data,
                             size_t *len, dacc_error *err)
{
    char url[8192];
    size_t bl = strlen(base);
    snprintf(url, sizeof url, "%.*s/%s", (int)(bl && base[bl - 1] == '/' ? bl - 1 : bl), base, rel);
    CURL *c = curl_easy_init();
    if (c == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "cannot start an HTTP client");
    sink s = { .over = 0 };
    dacc_buf_init(&s.b, max);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "dacc");
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    dacc_status st = DACC_OK;
    if (s.over)
        st = dacc_error_at(err, DACC_ERR_LIMIT, url, 0, 0, "larger than %zu bytes", max);
    else if (rc != CURLE_OK)
        st = dacc_error_at(err, DACC_ERR_IO, url, 0, 0, "%s", curl_easy_strerror(rc));
    else if (status == 404)
        st = DACC_ERR_NOTFOUND;
    else if (status != 200)
        st = dacc_error_at(err, DACC_ERR_IO, url, 0, 0, "HTTP status %ld", status);
    if (st != DACC_OK) {
        dacc_buf_free(&s.b);
        return st;
    }
    *data = (uint8_t *)dacc_buf_detach(&s.b, len);
    return *data ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

dacc_status cli_fetch(const char *base, const char *rel, size_t max, uint8_t **data, size_t *len,
                      dacc_error *err)
{
    if (cli_is_url(base))
        return fetch_url(base, rel, max, data, len, err);
    char path[4096];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", base, rel);
    if (stat(path, &sb) != 0 && errno == ENOENT)
        return DACC_ERR_NOTFOUND;
    char *text;
    dacc_status st = dacc_file_read(path, max, &text, len, err);
    *data = (uint8_t *)text;
    return st;
}

dacc_status cli_http_post(const char *url, const char *type, const void *body, size_t len,
                          size_t max, long timeout, long *status, dacc_buf *answer, dacc_error *err)
{
    CURL *c = curl_easy_init();
    if (c == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "cannot start an HTTP client");
    char header[160];
    snprintf(header, sizeof header, "Content-Type: %s", type);
    struct curl_slist *h = curl_slist_append(NULL, header);
    sink s = { .over = 0 };
    dacc_buf_init(&s.b, max);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(c);
    *status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK && !s.over) {
        dacc_buf_free(&s.b);
        return dacc_error_at(err, DACC_ERR_IO, url, 0, 0, "%s", curl_easy_strerror(rc));
    }
    if (s.over) {
        dacc_buf_free(&s.b);
        return dacc_error_at(err, DACC_ERR_LIMIT, url, 0, 0, "answer larger than %zu bytes", max);
    }
    *answer = s.b;
    return DACC_OK;
}
