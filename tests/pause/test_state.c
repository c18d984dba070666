/* The device state file (dacc_pause_state_file_parse/_format): what a
 * `dacc pause device` state holds, read back exactly, and every malformed
 * file refused with a message naming the file and the field. */
#include "fixture.h"

static size_t provisioned(world *w, dacc_pause_state_file *f)
{
    dacc_pause_root r = root_of(w, 1, 0, 7, 3);
    static const int all[] = { 0, 1, 2, 3, 4, 5, 6, -1 };
    f->root_len = root_note(w, &r, all, f->root_note, sizeof f->root_note);
    cr_assert_eq(dacc_pause_init(&f->state, f->root_note, f->root_len, T0), DACC_PAUSE_ACCEPTED);
    return f->root_len;
}

Test(pause_state, a_state_reads_back_exactly)
{
    world w;
    world_init(&w);
    static dacc_pause_state_file f, g;
    provisioned(&w, &f);
    f.state.epoch = 7;
    f.state.not_after = T0 + WEEK;
    f.state.log_size = 40;
    char *text;
    size_t len;
    cr_assert_eq(dacc_pause_state_file_format(&f, &text, &len, NULL), DACC_OK);
    cr_assert_eq(text[len - 1], '\n');
    cr_assert_eq(dacc_pause_state_file_parse("dev.json", text, len, &g, NULL), DACC_OK);
    cr_assert(memcmp(&f.state, &g.state, sizeof f.state) == 0, "the state changed on the way");
    cr_assert_eq(g.root_len, f.root_len);
    cr_assert(memcmp(g.root_note, f.root_note, f.root_len) == 0);
    free(text);
    world_free(&w);
}

Test(pause_state, malformed_files_name_the_field)
{
    world w;
    world_init(&w);
    static dacc_pause_state_file f;
    provisioned(&w, &f);
    char *text;
    size_t len;
    cr_assert_eq(dacc_pause_state_file_format(&f, &text, &len, NULL), DACC_OK);
    const struct {
        const char *from, *to, *message;
    } edits[] = {
        { "\"epoch\": 0", "\"epoch\": -1", "epoch" },
        { "\"epoch\": 0", "\"epoch\": \"0\"", "epoch" },
        { "\"log_size\": 0", "\"log_sizes\": 0", "log_sizes" },
        { "\"log_size\": 0", "\"log_size\": 0, \"x\": 1", "\"x\"" },
        { "dacc-pause-root/v1", "dacc-pause-root/v2", "root" },
        { "\\n\\n", "\\n", "root" }, /* no signatures: not a note */
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char buf[16384];
        const char *at = strstr(text, edits[i].from);
        cr_assert_not_null(at, "%s", edits[i].from);
        size_t pre = (size_t)(at - text), fl = strlen(edits[i].from), tl = strlen(edits[i].to);
        memcpy(buf, text, pre);
        memcpy(buf + pre, edits[i].to, tl);
        memcpy(buf + pre + tl, at + fl, len - pre - fl);
        dacc_error err;
        cr_assert_neq(dacc_pause_state_file_parse("dev.json", buf, len - fl + tl, &f, &err),
                      DACC_OK, "edit %zu accepted", i);
        cr_assert(strstr(err.message, "dev.json") && strstr(err.message, edits[i].message),
                  "edit %zu: %s", i, err.message);
    }
    dacc_error err;
    cr_assert_neq(dacc_pause_state_file_parse("dev.json", "[]", 2, &f, &err), DACC_OK);
    cr_assert_neq(dacc_pause_state_file_parse("dev.json", "garbage", 7, &f, &err), DACC_OK);
    free(text);
    world_free(&w);
}
