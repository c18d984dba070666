/* The device state file of `dacc pause device`: JSON standing in for a
 * device's protected storage. Host side (jansson allocates), so it is not
 * part of the heap-free verifier; it lives in the library so that the
 * parser can be fuzzed and reused. */
#include <stdlib.h>
#include <string.h>

#include "dacc/json.h"
#include "dacc/pause.h"

static const char *const state_keys[] = { "root", "epoch", "not_after", "log_size" };

/* Any key but the four is refused: a field the verifier does not know
 * about would be silently dropped by the next save. */
static dacc_status only_known_keys(json_t *j, const char *name, dacc_error *err)
{
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        int known = 0;
        for (size_t i = 0; i < sizeof state_keys / sizeof state_keys[0]; i++)
            known |= strcmp(k, state_keys[i]) == 0;
        if (!known)
            return dacc_error_field(err, DACC_ERR_PARSE, name, 0, "key", k, "not a state field");
    }
    return DACC_OK;
}

static dacc_status counter(const json_t *j, const char *key, const char *name, uint64_t *out,
                           dacc_error *err)
{
    int64_t v = 0;
    dacc_status st = dacc_json_get_int(j, key, true, name, &v, err);
    if (st == DACC_OK && v < 0)
        return dacc_error_field(err, DACC_ERR_RANGE, name, 0, "key", key,
                                "expected an integer >= 0, got %lld", (long long)v);
    *out = (uint64_t)v;
    return st;
}

/* The root note: a whole signed note of at most DACC_PAUSE_NOTE_MAX bytes
 * whose text is a root (a note has no NUL, so the JSON length is its
 * length). Its signatures were checked when the verifier took it, and only
 * the verifier writes the file. */
static dacc_status root_note(const json_t *j, const char *name, dacc_pause_state_file *out,
                             dacc_error *err)
{
    const char *s = NULL;
    dacc_status st = dacc_json_get_string(j, "root", true, name, &s, err);
    if (st != DACC_OK)
        return st;
    size_t len = json_string_length(json_object_get(j, "root"));
    dacc_tlog_note note;
    if (len > DACC_PAUSE_NOTE_MAX || dacc_tlog_note_parse(s, len, &note, NULL) != DACC_OK ||
        dacc_pause_root_parse(note.text, note.text_len, &out->state.root) != DACC_PAUSE_ACCEPTED)
        return dacc_error_field(err, DACC_ERR_PARSE, name, 0, "key", "root",
                                "not a signed pause root of at most %d bytes", DACC_PAUSE_NOTE_MAX);
    memcpy(out->root_note, s, len);
    out->root_len = len;
    return DACC_OK;
}

dacc_status dacc_pause_state_file_parse(const char *name, const char *json, size_t len,
                                        dacc_pause_state_file *out, dacc_error *err)
{
    json_t *j;
    memset(out, 0, sizeof *out);
    dacc_status st = dacc_json_load_buffer(name, json, len, &j, err);
    if (st != DACC_OK)
        return st;
    if (!json_is_object(j))
        st = dacc_error_at(err, DACC_ERR_PARSE, name, 0, 0, "expected a JSON object");
    if (st == DACC_OK)
        st = only_known_keys(j, name, err);
    if (st == DACC_OK)
        st = root_note(j, name, out, err);
    if (st == DACC_OK)
        st = counter(j, "epoch", name, &out->state.epoch, err);
    if (st == DACC_OK)
        st = counter(j, "not_after", name, &out->state.not_after, err);
    if (st == DACC_OK)
        st = counter(j, "log_size", name, &out->state.log_size, err);
    json_decref(j);
    if (st != DACC_OK)
        memset(out, 0, sizeof *out);
    return st;
}

dacc_status dacc_pause_state_file_format(const dacc_pause_state_file *f, char **out, size_t *len,
                                         dacc_error *err)
{
    const dacc_pause_state *s = &f->state;
    if (s->epoch > INT64_MAX || s->not_after > INT64_MAX || s->log_size > INT64_MAX)
        return dacc_error_set(err, DACC_ERR_RANGE, "state counters must be below 2^63");
    json_t *j = json_pack("{s:s%,s:I,s:I,s:I}", "root", f->root_note, f->root_len, "epoch",
                          (json_int_t)s->epoch, "not_after", (json_int_t)s->not_after, "log_size",
                          (json_int_t)s->log_size);
    if (j == NULL) /* only when the root note is not UTF-8, or out of memory */
        return dacc_error_set(err, DACC_ERR_INVALID, "cannot encode the state as JSON");
    char *text = json_dumps(j, DACC_JSON_PRETTY);
    json_decref(j);
    size_t n = text ? strlen(text) : 0;
    char *buf = text ? realloc(text, n + 2) : NULL;
    if (buf == NULL) {
        free(text);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    buf[n] = '\n';
    buf[n + 1] = '\0';
    *out = buf;
    *len = n + 1;
    return DACC_OK;
}
