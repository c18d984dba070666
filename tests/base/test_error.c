#include <criterion/criterion.h>
#include <string.h>

#include "dacc/error.h"

Test(error, strerror_names_every_code_distinctly)
{
    for (int a = DACC_OK; a <= DACC_ERR_REVIEW; a++) {
        const char *sa = dacc_strerror((dacc_status)a);
        cr_assert(sa != NULL && sa[0] != '\0');
        cr_assert_str_neq(sa, "unknown status");
        for (int b = a + 1; b <= DACC_ERR_REVIEW; b++)
            cr_assert_str_neq(sa, dacc_strerror((dacc_status)b));
    }
    cr_assert_str_eq(dacc_strerror((dacc_status)999), "unknown status");
}

Test(error, set_returns_status_and_formats)
{
    dacc_error e;
    cr_assert_eq(dacc_error_set(&e, DACC_ERR_RANGE, "x is %d", 7), DACC_ERR_RANGE);
    cr_assert_eq(e.status, DACC_ERR_RANGE);
    cr_assert_str_eq(e.message, "x is 7");
    cr_assert_eq(e.line, 0);
    cr_assert_str_eq(e.file, "");
}

Test(error, null_error_is_allowed)
{
    cr_assert_eq(dacc_error_set(NULL, DACC_ERR_IO, "ignored"), DACC_ERR_IO);
    cr_assert_eq(dacc_error_at(NULL, DACC_ERR_PARSE, "f", 1, 2, "m"), DACC_ERR_PARSE);
    cr_assert_eq(dacc_error_field(NULL, DACC_ERR_PARSE, "f", 1, "column", "x", "m"),
                 DACC_ERR_PARSE);
    dacc_error_prefix(NULL, "p");
    dacc_error_clear(NULL);
    cr_assert_str_eq(dacc_error_message(NULL), "");
}

Test(error, at_names_file_line_column)
{
    dacc_error e;
    dacc_error_at(&e, DACC_ERR_PARSE, "graph.json", 3, 14, "unexpected '}'");
    cr_assert_str_eq(e.message, "graph.json:3:14: unexpected '}'");
    cr_assert_str_eq(e.file, "graph.json");
    cr_assert_eq(e.line, 3);
    cr_assert_eq(e.column, 14);
    dacc_error_at(&e, DACC_ERR_IO, "out.csv", 0, 0, "cannot open");
    cr_assert_str_eq(e.message, "out.csv: cannot open");
    dacc_error_at(&e, DACC_ERR_IO, NULL, 5, 0, "no file");
    cr_assert_str_eq(e.message, "no file");
}

Test(error, field_message_matches_the_house_style)
{
    dacc_error e;
    dacc_error_field(&e, DACC_ERR_RANGE, "graph.csv", 1832, "column", "weight",
                     "expected a number in [0,1], got \"1.3\"");
    cr_assert_str_eq(e.message,
                     "graph.csv:1832: column \"weight\": expected a number in [0,1], got \"1.3\"");
    cr_assert_str_eq(e.field, "weight");
    dacc_error_field(&e, DACC_ERR_NOTFOUND, "round.json", 0, "field", "jury.path", "missing");
    cr_assert_str_eq(e.message, "round.json: field \"jury.path\": missing");
}

Test(error, prefix_keeps_status_and_location)
{
    dacc_error e;
    dacc_error_at(&e, DACC_ERR_PARSE, "a.csv", 2, 0, "bad");
    dacc_error_prefix(&e, "loading the %s: ", "jury");
    cr_assert_str_eq(e.message, "loading the jury: a.csv:2: bad");
    cr_assert_eq(e.status, DACC_ERR_PARSE);
    cr_assert_eq(e.line, 2);
}

Test(error, message_falls_back_to_strerror)
{
    dacc_error e;
    dacc_error_clear(&e);
    e.status = DACC_ERR_NOMEM;
    cr_assert_str_eq(dacc_error_message(&e), "out of memory");
}

Test(error, long_messages_are_cut_not_overflowed)
{
    dacc_error e;
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    dacc_error_at(&e, DACC_ERR_PARSE, big, 1, 1, "%s", big);
    cr_assert_eq(strlen(e.message), DACC_ERROR_MSG_MAX - 1);
    cr_assert_eq(strlen(e.file), DACC_ERROR_FILE_MAX - 1);
}

Test(error, quote_escapes_and_shortens)
{
    char out[64];
    cr_assert_str_eq(dacc_error_quote(out, sizeof out, "1.3", 3, 40), "\"1.3\"");
    cr_assert_str_eq(dacc_error_quote(out, sizeof out, "a\"b\\", 4, 40), "\"a\\\"b\\\\\"");
    cr_assert_str_eq(dacc_error_quote(out, sizeof out, "t\tn\n", 4, 40), "\"t\\x09n\\x0a\"");
    cr_assert_str_eq(dacc_error_quote(out, sizeof out, "\xff\xfe", 2, 40), "\"\\xff\\xfe\"");
    cr_assert_str_eq(dacc_error_quote(out, sizeof out, "caf\xc3\xa9", 5, 40), "\"caf\xc3\xa9\"");
    cr_assert_str_eq(dacc_error_quote(out, sizeof out, "abcdefgh", 8, 3), "\"abc\"...");
    cr_assert_str_eq(dacc_error_quote(out, sizeof out, "a\0b", 3, 40), "\"a\\x00b\"");
}

Test(error, quote_never_writes_past_the_buffer)
{
    char text[200];
    memset(text, '\x01', sizeof text);
    for (size_t cap = 1; cap < 40; cap++) {
        char out[48];
        memset(out, 'Z', sizeof out);
        dacc_error_quote(out, cap, text, sizeof text, 100);
        cr_assert(strlen(out) < cap, "cap %zu", cap);
        for (size_t k = cap; k < sizeof out; k++)
            cr_assert_eq(out[k], 'Z', "cap %zu wrote byte %zu", cap, k);
    }
}
