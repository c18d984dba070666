#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/csv.h"
#include "dacc/file.h"
#include "support.h"

static dacc_csv *open_text(const char *name, const char *text, const dacc_csv_options *o)
{
    dacc_csv *csv = NULL;
    dacc_error e;
    dacc_status st = dacc_csv_open_memory(name, text, strlen(text), o, &csv, &e);
    cr_assert_eq(st, DACC_OK, "%s", e.message);
    return csv;
}

static void next_ok(dacc_csv *csv)
{
    dacc_error e;
    dacc_status st = dacc_csv_next(csv, &e);
    cr_assert_eq(st, DACC_OK, "%s", e.message);
}

static void next_end(dacc_csv *csv)
{
    cr_assert_eq(dacc_csv_next(csv, NULL), DACC_END);
}

static const char *field(dacc_csv *csv, size_t col)
{
    const char *f = dacc_csv_field(csv, col, NULL);
    cr_assert_not_null(f, "no field %zu", col);
    return f;
}

/* The error message of the first failing dacc_csv_next, or of opening. */
static void expect_error(const char *text, unsigned flags, dacc_status want, const char *message)
{
    dacc_csv_options o = { .flags = flags };
    dacc_csv *csv;
    dacc_error e;
    dacc_status st = dacc_csv_open_memory("t.csv", text, strlen(text), &o, &csv, &e);
    if (st == DACC_OK) {
        while ((st = dacc_csv_next(csv, &e)) == DACC_OK)
            ;
        dacc_csv_free(csv);
    }
    cr_assert_eq(st, want, "status %d (%s)", st, st == DACC_END ? "end" : e.message);
    cr_assert_str_eq(e.message, message);
}

Test(csv, header_lookup_and_fields)
{
    dacc_csv *csv = open_text("g.csv", "parent,dependency,weight\na,b,0.5\nc,d,1\n", NULL);
    cr_assert_eq(dacc_csv_ncols(csv), 3);
    cr_assert_str_eq(dacc_csv_colname(csv, 1), "dependency");
    cr_assert_eq(dacc_csv_find(csv, "weight"), 2);
    cr_assert_eq(dacc_csv_find(csv, "Weight"), -1);
    next_ok(csv);
    cr_assert_eq(dacc_csv_line(csv), 2);
    cr_assert_eq(dacc_csv_nfields(csv), 3);
    cr_assert_str_eq(field(csv, 0), "a");
    cr_assert_null(dacc_csv_field(csv, 3, NULL));
    next_ok(csv);
    cr_assert_eq(dacc_csv_line(csv), 3);
    cr_assert_str_eq(field(csv, 2), "1");
    next_end(csv);
    next_end(csv);
    dacc_csv_free(csv);
}

Test(csv, rfc4180_quoting)
{
    dacc_csv *csv = open_text("q.csv",
                              "a,b,c\n"
                              "\"x, y\",\"say \"\"hi\"\"\",\"\"\n"
                              "\"multi\nline\r\nfield\",2,3\n"
                              "plain\"quote,\"\"\"SAI\"\"\",z\n",
                              NULL);
    next_ok(csv);
    cr_assert_str_eq(field(csv, 0), "x, y");
    cr_assert_str_eq(field(csv, 1), "say \"hi\"");
    cr_assert_str_eq(field(csv, 2), "");
    next_ok(csv);
    cr_assert_eq(dacc_csv_line(csv), 3);
    cr_assert_str_eq(field(csv, 0), "multi\nline\r\nfield");
    next_ok(csv);
    cr_assert_eq(dacc_csv_line(csv), 6, "lines inside quotes count");
    cr_assert_str_eq(field(csv, 0), "plain\"quote");
    cr_assert_str_eq(field(csv, 1), "\"SAI\"");
    next_end(csv);
    dacc_csv_free(csv);
}

Test(csv, line_ends_bom_blank_lines_and_no_final_newline)
{
    dacc_csv *csv = open_text("e.csv", "\xEF\xBB\xBFid,v\r\n1,a\r\n\r\n\n2,b\r3,c", NULL);
    cr_assert_str_eq(dacc_csv_colname(csv, 0), "id", "the BOM is not part of the name");
    next_ok(csv);
    cr_assert_str_eq(field(csv, 1), "a");
    cr_assert_eq(dacc_csv_line(csv), 2);
    next_ok(csv);
    cr_assert_str_eq(field(csv, 1), "b");
    cr_assert_eq(dacc_csv_line(csv), 5);
    next_ok(csv);
    cr_assert_str_eq(field(csv, 1), "c");
    cr_assert_eq(dacc_csv_line(csv), 6);
    next_end(csv);
    dacc_csv_free(csv);
}

Test(csv, empty_fields_and_trailing_delimiter)
{
    dacc_csv *csv = open_text("e.csv", "a,b,c\n,,\nx,,\n", NULL);
    next_ok(csv);
    cr_assert_eq(dacc_csv_nfields(csv), 3);
    cr_assert_str_eq(field(csv, 2), "");
    next_ok(csv);
    cr_assert_str_eq(field(csv, 0), "x");
    dacc_csv_free(csv);
}

Test(csv, tsv_by_file_name_and_explicit_delimiter)
{
    dacc_csv *csv = open_text("notes.tsv", "noteId\tsummary\n1\ta, b\n", NULL);
    next_ok(csv);
    cr_assert_str_eq(field(csv, 1), "a, b");
    dacc_csv_free(csv);
    dacc_csv_options o = { .delimiter = ';' };
    csv = open_text("x.csv", "a;b\n1;2\n", &o);
    next_ok(csv);
    cr_assert_str_eq(field(csv, 1), "2");
    dacc_csv_free(csv);
}

Test(csv, no_header_and_no_quotes)
{
    dacc_csv_options o = { .flags = DACC_CSV_NO_HEADER | DACC_CSV_NO_QUOTES };
    dacc_csv *csv = open_text("raw.csv", "\"a,b\nc,d\n", &o);
    next_ok(csv);
    cr_assert_eq(dacc_csv_ncols(csv), 2);
    cr_assert_str_eq(field(csv, 0), "\"a");
    cr_assert_str_eq(dacc_csv_colname(csv, 0), "");
    next_ok(csv);
    int64_t v;
    dacc_error e;
    cr_assert_eq(dacc_csv_get_i64(csv, 1, &v, &e), DACC_ERR_PARSE);
    cr_assert_str_eq(e.message, "raw.csv:2: field \"2\": expected an integer, got \"d\"");
    dacc_csv_free(csv);
}

Test(csv, nul_bytes_inside_fields_are_refused_with_their_position)
{
    /* A NUL would end a name early for C code, merging "d\0a" and "d\0b"
     * into one donor: text never holds one, with or without the UTF-8 check. */
    static const char text[] = "a,b\nx\0y,2\n";
    dacc_csv_options raw = { .flags = DACC_CSV_NO_UTF8_CHECK };
    const dacc_csv_options *opts[] = { NULL, &raw };
    for (int k = 0; k < 2; k++) {
        dacc_csv *csv;
        dacc_error err;
        cr_assert_eq(dacc_csv_open_memory("n.csv", text, sizeof text - 1, opts[k], &csv, NULL),
                     DACC_OK);
        cr_assert_eq(dacc_csv_next(csv, &err), DACC_ERR_PARSE);
        cr_assert_str_eq(err.message, "n.csv:2: column \"a\": a NUL byte at byte 2 of the field");
        dacc_csv_free(csv);
    }
    static const char header[] = "a\0,b\nx,2\n";
    dacc_csv *csv;
    dacc_error err;
    cr_assert_eq(dacc_csv_open_memory("h.csv", header, sizeof header - 1, NULL, &csv, &err),
                 DACC_ERR_PARSE);
    cr_assert(strstr(err.message, "NUL") != NULL, "%s", err.message);
}

Test(csv, first_line_offsets_line_numbers)
{
    dacc_csv_options o = { .flags = DACC_CSV_NO_HEADER, .first_line = 1001 };
    dacc_csv *csv = open_text("chunk.csv", "a\nb\n", &o);
    next_ok(csv);
    cr_assert_eq(dacc_csv_line(csv), 1001);
    next_ok(csv);
    cr_assert_eq(dacc_csv_line(csv), 1002);
    dacc_csv_free(csv);
}

Test(csv, unterminated_quote_is_an_error)
{
    expect_error("a,b\n1,\"open\n\n", 0, DACC_ERR_PARSE,
                 "t.csv:2: field 2: unterminated quoted field");
}

Test(csv, truncated_record_has_too_few_fields)
{
    expect_error("a,b,c\n1,2,3\n4,5", 0, DACC_ERR_PARSE, "t.csv:3: expected 3 fields, got 2");
    expect_error("a,b\n1,2,3\n", 0, DACC_ERR_PARSE, "t.csv:2: expected 2 fields, got 3");
}

Test(csv, ragged_records_when_allowed)
{
    dacc_csv_options o = { .flags = DACC_CSV_ALLOW_RAGGED };
    dacc_csv *csv = open_text("r.csv", "a,b,c\n1\n1,2,3,4\n", &o);
    next_ok(csv);
    cr_assert_eq(dacc_csv_nfields(csv), 1);
    const char *s;
    dacc_error e;
    cr_assert_eq(dacc_csv_get_str(csv, 2, &s, NULL, &e), DACC_ERR_PARSE);
    cr_assert_str_eq(e.message, "r.csv:2: column \"c\": missing (the record has 1 fields)");
    next_ok(csv);
    cr_assert_eq(dacc_csv_nfields(csv), 4);
    dacc_csv_free(csv);
}

Test(csv, text_after_closing_quote)
{
    expect_error("a,b\n\"x\"y,2\n", 0, DACC_ERR_PARSE,
                 "t.csv:2: field 1: unexpected \"y\" after a closing quote (quote the whole field "
                 "and double any quote inside)");
    dacc_csv_options o = { .flags = DACC_CSV_LAZY_QUOTES };
    dacc_csv *csv = open_text("l.csv", "a,b\n\"x\"y z,2\n", &o);
    next_ok(csv);
    cr_assert_str_eq(field(csv, 0), "xy z");
    dacc_csv_free(csv);
}

Test(csv, invalid_utf8_names_the_column)
{
    expect_error("name,v\nok,1\nbad\xff,2\n", 0, DACC_ERR_PARSE,
                 "t.csv:3: column \"name\": invalid UTF-8 at byte 4 of the field (byte 0xff)");
    expect_error("name,v\n\xc0\x80,1\n", 0, DACC_ERR_PARSE,
                 "t.csv:2: column \"name\": invalid UTF-8 at byte 1 of the field (byte 0xc0)");
    expect_error("n\xe9,v\n", 0, DACC_ERR_PARSE,
                 "t.csv:1: field \"1\": invalid UTF-8 at byte 2 of the field (byte 0xe9)");
    dacc_csv_options o = { .flags = DACC_CSV_NO_UTF8_CHECK };
    dacc_csv *csv = open_text("latin1.csv", "n,v\ncaf\xe9,1\n", &o);
    next_ok(csv);
    cr_assert_str_eq(field(csv, 0), "caf\xe9");
    dacc_csv_free(csv);
}

Test(csv, empty_input_has_no_header)
{
    expect_error("", 0, DACC_ERR_PARSE, "t.csv: the file is empty: expected a header line");
    expect_error("\n\n", 0, DACC_ERR_PARSE, "t.csv: the file is empty: expected a header line");
    dacc_csv *csv = open_text("h.csv", "a,b\n", NULL);
    next_end(csv);
    dacc_csv_free(csv);
}

Test(csv, missing_column_lists_what_is_there)
{
    dacc_csv *csv = open_text("g.csv", "parent,child,w\n", NULL);
    size_t col = 99;
    dacc_error e;
    cr_assert_eq(dacc_csv_require(csv, "weight", &col, &e), DACC_ERR_NOTFOUND);
    cr_assert_str_eq(e.message, "g.csv:1: missing column \"weight\" (columns: parent, child, w)");
    cr_assert_eq(col, 99);
    static const char *const names[] = { "dependency", "child" };
    cr_assert_eq(dacc_csv_require_any(csv, names, 2, &col, &e), DACC_OK);
    cr_assert_eq(col, 1);
    static const char *const none[] = { "x", "y" };
    cr_assert_eq(dacc_csv_require_any(csv, none, 2, &col, &e), DACC_ERR_NOTFOUND);
    cr_assert_str_eq(e.message,
                     "g.csv:1: missing column \"x\" or \"y\" (columns: parent, child, w)");
    dacc_csv_free(csv);
}

Test(csv, limits_on_record_size_and_field_count)
{
    char big[300];
    memset(big, 'x', sizeof big);
    big[sizeof big - 1] = '\0';
    char text[400];
    snprintf(text, sizeof text, "a\n%s\n", big);
    dacc_csv_options o = { .max_record = 100 };
    dacc_csv *csv = open_text("big.csv", text, &o);
    dacc_error e;
    cr_assert_eq(dacc_csv_next(csv, &e), DACC_ERR_LIMIT);
    cr_assert_str_eq(e.message, "big.csv:2: record longer than 100 bytes (or out of memory)");
    cr_assert_eq(dacc_csv_next(csv, &e), DACC_ERR_STATE, "the reader stays stopped");
    dacc_csv_free(csv);
    dacc_csv_options f = { .max_fields = 3, .flags = DACC_CSV_NO_HEADER };
    csv = open_text("wide.csv", "1,2,3,4\n", &f);
    cr_assert_eq(dacc_csv_next(csv, &e), DACC_ERR_LIMIT);
    cr_assert_str_eq(e.message, "wide.csv:1: more than 3 fields in a record");
    dacc_csv_free(csv);
}

Test(csv, integer_getters)
{
    dacc_csv *csv = open_text("x.csv",
                              "n\n42\n -7 \n4.5\n\n9223372036854775807\n-9223372036854775808\n"
                              "9223372036854775808\n+3\n-\n",
                              NULL);
    int64_t v;
    uint64_t u;
    dacc_error e;
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_i64(csv, 0, &v, &e), DACC_OK);
    cr_assert_eq(v, 42);
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_i64(csv, 0, &v, &e), DACC_OK, "spaces around are ignored");
    cr_assert_eq(v, -7);
    cr_assert_eq(dacc_csv_get_u64(csv, 0, &u, &e), DACC_ERR_PARSE);
    cr_assert_str_eq(e.message,
                     "x.csv:3: column \"n\": expected a non-negative integer, got \"-7\"");
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_i64(csv, 0, &v, &e), DACC_ERR_PARSE);
    cr_assert_str_eq(e.message, "x.csv:4: column \"n\": expected an integer, got \"4.5\"");
    next_ok(csv); /* line 6: the blank line 5 is skipped */
    cr_assert_eq(dacc_csv_get_i64(csv, 0, &v, &e), DACC_OK);
    cr_assert_eq(v, INT64_MAX);
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_i64(csv, 0, &v, &e), DACC_OK);
    cr_assert_eq(v, INT64_MIN);
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_i64(csv, 0, &v, &e), DACC_ERR_RANGE);
    cr_assert_str_eq(e.message, "x.csv:8: column \"n\": expected an integer in "
                                "[-9223372036854775808, 9223372036854775807], got "
                                "\"9223372036854775808\"");
    cr_assert_eq(dacc_csv_get_u64(csv, 0, &u, &e), DACC_OK);
    cr_assert_eq(u, 9223372036854775808ull);
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_i64(csv, 0, &v, &e), DACC_OK);
    cr_assert_eq(v, 3);
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_i64(csv, 0, &v, &e), DACC_ERR_PARSE);
    dacc_csv_free(csv);
}

Test(csv, empty_numeric_field_is_an_error)
{
    dacc_csv *csv = open_text("x.csv", "a,b\n,1\n", NULL);
    next_ok(csv);
    double d;
    dacc_error e;
    cr_assert_eq(dacc_csv_get_double(csv, 0, &d, &e), DACC_ERR_PARSE);
    cr_assert_str_eq(e.message, "x.csv:2: column \"a\": expected a number, got \"\"");
    dacc_csv_free(csv);
}

Test(csv, float_getters)
{
    dacc_csv *csv =
        open_text("w.csv", "weight\n0.5\n1.3\n-2e-3\nnan\ninf\n0x1p3\n1e999\n.5\n5.\n", NULL);
    double d;
    dacc_error e;
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_double_in(csv, 0, 0, 1, &d, &e), DACC_OK);
    cr_assert_eq(d, 0.5);
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_double_in(csv, 0, 0, 1, &d, &e), DACC_ERR_RANGE);
    cr_assert_str_eq(e.message,
                     "w.csv:3: column \"weight\": expected a number in [0,1], got \"1.3\"");
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_double(csv, 0, &d, &e), DACC_OK);
    cr_assert_eq(d, -2e-3);
    for (int i = 0; i < 3; i++) {
        next_ok(csv);
        cr_assert_eq(dacc_csv_get_double(csv, 0, &d, &e), DACC_ERR_PARSE, "%s", field(csv, 0));
    }
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_double(csv, 0, &d, &e), DACC_ERR_RANGE);
    cr_assert_str_eq(e.message,
                     "w.csv:8: column \"weight\": expected a finite number, got \"1e999\"");
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_double(csv, 0, &d, &e), DACC_OK);
    cr_assert_eq(d, 0.5);
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_double(csv, 0, &d, &e), DACC_OK);
    cr_assert_eq(d, 5.0);
    dacc_csv_free(csv);
}

Test(csv, money_getter)
{
    dacc_csv *csv = open_text("d.csv", "amount\n12.5\n0.0000001\n-3\n", NULL);
    dacc_u128 v;
    dacc_error e;
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_money(csv, 0, 6, &v, &e), DACC_OK);
    cr_assert(v == 12500000);
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_money(csv, 0, 6, &v, &e), DACC_ERR_RANGE);
    cr_assert_str_eq(e.message, "d.csv:3: column \"amount\": expected an amount with at most 6 "
                                "decimals, got \"0.0000001\"");
    next_ok(csv);
    cr_assert_eq(dacc_csv_get_money(csv, 0, 6, &v, &e), DACC_ERR_PARSE);
    dacc_csv_free(csv);
}

Test(csv, custom_located_error)
{
    dacc_csv *csv = open_text("j.csv", "a,b\nx,y\n", NULL);
    next_ok(csv);
    dacc_error e;
    cr_assert_eq(dacc_csv_error(csv, 1, &e, DACC_ERR_NOTFOUND, "unknown project %s", "y"),
                 DACC_ERR_NOTFOUND);
    cr_assert_str_eq(e.message, "j.csv:2: column \"b\": unknown project y");
    cr_assert_eq(e.line, 2);
    cr_assert_str_eq(e.field, "b");
    dacc_csv_free(csv);
}

/* Writes a file with records that cross the streaming block boundaries in
 * every way: long quoted fields with line breaks, CRLF, a field larger than
 * one block. */
static char *write_tricky_file(char **dir_out)
{
    char *dir = make_temp_dir();
    char *path = path_join(dir, "tricky.csv");
    FILE *fp = fopen(path, "wb");
    fputs("id,text,n\r\n", fp);
    for (int i = 0; i < 5000; i++) {
        if (i % 7 == 0)
            fprintf(fp, "%d,\"line one\nline \"\"two\"\" %d\",%d\r\n", i, i, i * 3);
        else if (i == 2500) {
            fprintf(fp, "%d,\"", i);
            for (int k = 0; k < 200000; k++)
                fputc('a' + k % 26, fp);
            fprintf(fp, "\",%d\n", i * 3);
        } else
            fprintf(fp, "%d,plain text %d,%d\n", i, i, i * 3);
    }
    fclose(fp);
    *dir_out = dir;
    return path;
}

static void read_all(const char *path, unsigned flags, char ***texts, unsigned long **lines)
{
    dacc_csv_options o = { .flags = flags };
    dacc_csv *csv;
    dacc_error e;
    cr_assert_eq(dacc_csv_open(path, &o, &csv, &e), DACC_OK, "%s", e.message);
    *texts = calloc(5000, sizeof **texts);
    *lines = calloc(5000, sizeof **lines);
    size_t n = 0;
    dacc_status st;
    while ((st = dacc_csv_next(csv, &e)) == DACC_OK) {
        int64_t id, v;
        cr_assert_eq(dacc_csv_get_i64(csv, 0, &id, &e), DACC_OK, "%s", e.message);
        cr_assert_eq(dacc_csv_get_i64(csv, 2, &v, &e), DACC_OK, "%s", e.message);
        cr_assert_eq(id, (int64_t)n);
        cr_assert_eq(v, id * 3);
        (*texts)[n] = strdup(field(csv, 1));
        (*lines)[n] = dacc_csv_line(csv);
        n++;
    }
    cr_assert_eq(st, DACC_END, "%s", e.message);
    cr_assert_eq(n, 5000);
    dacc_csv_free(csv);
}

Test(csv, streaming_and_mapping_read_the_same_records)
{
    char *dir;
    char *path = write_tricky_file(&dir);
    char **a, **b;
    unsigned long *la, *lb;
    read_all(path, 0, &a, &la);
    read_all(path, DACC_CSV_NO_MMAP, &b, &lb);
    for (size_t i = 0; i < 5000; i++) {
        cr_assert_str_eq(a[i], b[i], "record %zu", i);
        cr_assert_eq(la[i], lb[i], "line of record %zu", i);
        free(a[i]);
        free(b[i]);
    }
    cr_assert_eq(la[7], 10, "record 7 follows the two-line record 0");
    free(a);
    free(b);
    free(la);
    free(lb);
    remove_tree(dir);
    free(dir);
    free(path);
}

Test(csv, open_reports_missing_files)
{
    dacc_csv *csv = (dacc_csv *)1;
    dacc_error e;
    cr_assert_eq(dacc_csv_open("/nonexistent/x.csv", NULL, &csv, &e), DACC_ERR_IO);
    cr_assert_null(csv);
    cr_assert(strstr(e.message, "/nonexistent/x.csv: cannot open") == e.message, "%s", e.message);
}

Test(csv, writer_round_trips_through_the_reader)
{
    static const char *const tricky[] = { "plain",    "with,comma", "with \"quote\"", "two\nlines",
                                          " padded ", "",           "cr\rhere",       "tab\there" };
    size_t n = sizeof tricky / sizeof tricky[0];
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    const char *head[] = { "a", "b", "c", "d", "e", "f", "g", "h" };
    cr_assert_eq(dacc_csv_write_row(fp, ',', head, n), 0);
    cr_assert_eq(dacc_csv_write_row(fp, ',', tricky, n), 0);
    fclose(fp);
    dacc_csv *csv = open_text("w.csv", buf, NULL);
    next_ok(csv);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(field(csv, i), tricky[i]);
    dacc_csv_free(csv);
    free(buf);
}

Test(csv, real_gitcoin_round_3_export)
{
    dacc_csv *csv;
    dacc_error e;
    cr_assert_eq(
        dacc_csv_open(SOURCE_PATH("tests/data/gitcoin-gr03-contributions.csv"), NULL, &csv, &e),
        DACC_OK, "%s", e.message);
    size_t addr, token, usd;
    cr_assert_eq(dacc_csv_require(csv, "address", &addr, &e), DACC_OK);
    cr_assert_eq(dacc_csv_require(csv, "token", &token, &e), DACC_OK);
    cr_assert_eq(dacc_csv_require(csv, "amount_in_usdt", &usd, &e), DACC_OK);
    size_t rows = 0;
    dacc_u128 total = 0;
    dacc_status st;
    while ((st = dacc_csv_next(csv, &e)) == DACC_OK) {
        dacc_u128 units;
        cr_assert_eq(dacc_csv_get_money(csv, usd, 18, &units, &e), DACC_OK, "%s", e.message);
        total += units;
        if (rows == 0)
            cr_assert_str_eq(field(csv, token), "\"SAI\"");
        rows++;
    }
    cr_assert_eq(st, DACC_END, "%s", e.message);
    cr_assert_eq(rows, 1931);
    /* sum(decimal.Decimal(amount_in_usdt)) with Python: 96377.010043331359319 */
    char text[DACC_MONEY_STRLEN];
    dacc_money_format(total, 18, DACC_MONEY_TRIM, text);
    cr_assert_str_eq(text, "96377.010043331359319");
    dacc_csv_free(csv);
}

Test(csv, real_model_submission_with_crlf)
{
    dacc_csv *csv;
    dacc_error e;
    cr_assert_eq(dacc_csv_open(SOURCE_PATH("tests/data/model-arbitron.csv"), NULL, &csv, &e),
                 DACC_OK, "%s", e.message);
    size_t w;
    cr_assert_eq(dacc_csv_require(csv, "weight", &w, &e), DACC_OK);
    double sum = 0;
    size_t rows = 0;
    while (dacc_csv_next(csv, &e) == DACC_OK) {
        double x;
        cr_assert_eq(dacc_csv_get_double_in(csv, w, 0, 1, &x, &e), DACC_OK, "%s", e.message);
        sum += x;
        rows++;
        cr_assert_null(strchr(field(csv, 0), '\r'));
    }
    cr_assert_eq(rows, 45);
    cr_assert_float_eq(sum, 1.0, 1e-6);
    dacc_csv_free(csv);
}

/* A stream the caller opened is read in blocks and left open. */
Test(csv, caller_opened_stream)
{
    FILE *fp = tmpfile();
    cr_assert_not_null(fp);
    fputs("name\tn\n", fp);
    for (int i = 0; i < 50000; i++)
        fprintf(fp, "row%d\t%d\n", i, i);
    rewind(fp);
    dacc_csv *csv;
    dacc_error err;
    cr_assert_eq(dacc_csv_open_stream("in.tsv", fp, NULL, &csv, &err), DACC_OK, "%s", err.message);
    int64_t v, sum = 0;
    size_t rows = 0;
    while (dacc_csv_next(csv, &err) == DACC_OK) {
        cr_assert_eq(dacc_csv_get_i64(csv, 1, &v, &err), DACC_OK, "%s", err.message);
        sum += v;
        rows++;
    }
    cr_assert_eq(rows, 50000);
    cr_assert_eq(sum, (int64_t)50000 * 49999 / 2);
    cr_assert_eq(dacc_csv_line(csv), 50001);
    dacc_csv_free(csv);
    cr_assert_eq(fseek(fp, 0, SEEK_SET), 0, "the stream is still the caller's");
    fclose(fp);
}

/* The offset a progress display compares with the input's size: the end of
 * the current record, the same from memory and from a stream read in
 * blocks (the window shifts, the count does not). */
Test(csv, offset_counts_the_bytes_read_from_memory_and_streams)
{
    enum { ROWS = 40000 };
    char *buf = NULL;
    size_t len = 0;
    FILE *w = open_memstream(&buf, &len);
    fputs("\xEF\xBB\xBFk,v\n", w);
    for (int i = 0; i < ROWS; i++)
        fprintf(w, "%d,\"x\ny\"\n", i);
    fclose(w);
    dacc_csv *m, *s;
    FILE *r = fmemopen(buf, len, "r");
    cr_assert_eq(dacc_csv_open_memory("m.csv", buf, len, NULL, &m, NULL), DACC_OK);
    cr_assert_eq(dacc_csv_open_stream("s.csv", r, NULL, &s, NULL), DACC_OK);
    size_t first = strlen("\xEF\xBB\xBFk,v\n") + strlen("0,\"x\ny\"\n");
    for (int i = 0; i < ROWS; i++) {
        cr_assert_eq(dacc_csv_next(m, NULL), DACC_OK);
        cr_assert_eq(dacc_csv_next(s, NULL), DACC_OK);
        cr_assert_eq(dacc_csv_offset(m), dacc_csv_offset(s), "row %d", i);
        if (i == 0)
            cr_assert_eq(dacc_csv_offset(m), first);
    }
    cr_assert_eq(dacc_csv_offset(m), len);
    cr_assert_eq(dacc_csv_next(s, NULL), DACC_END);
    cr_assert_eq(dacc_csv_offset(s), len);
    dacc_csv_free(m);
    dacc_csv_free(s);
    fclose(r);
    free(buf);
}
