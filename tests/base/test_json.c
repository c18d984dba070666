#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/json.h"
#include "support.h"

static json_t *load(const char *text)
{
    json_t *j;
    dacc_error e;
    cr_assert_eq(dacc_json_load_buffer("c.json", text, strlen(text), &j, &e), DACC_OK, "%s",
                 e.message);
    return j;
}

Test(json, syntax_errors_are_located)
{
    json_t *j;
    dacc_error e;
    const char *text = "{\n  \"a\": 1,\n  \"b\": }\n";
    cr_assert_eq(dacc_json_load_buffer("c.json", text, strlen(text), &j, &e), DACC_ERR_PARSE);
    cr_assert_eq(e.line, 3);
    cr_assert(strncmp(e.message, "c.json:3:", 9) == 0, "%s", e.message);
    text = "{\"a\": 1, \"a\": 2}";
    cr_assert_eq(dacc_json_load_buffer("d.json", text, strlen(text), &j, &e), DACC_ERR_PARSE);
    cr_assert(strstr(e.message, "duplicate") != NULL, "%s", e.message);
}

Test(json, getters_by_dotted_path)
{
    json_t *j = load("{\"name\":\"round 7\",\"pool\":{\"amount\":\"12.5\",\"units\":3},"
                     "\"ratio\":0.25,\"on\":true,\"nothing\":null}");
    const char *s = NULL;
    int64_t n = 0;
    double d = 0;
    bool b = false;
    dacc_u128 m = 0;
    dacc_error e;
    cr_assert_eq(dacc_json_get_string(j, "name", true, "c.json", &s, &e), DACC_OK);
    cr_assert_str_eq(s, "round 7");
    cr_assert_eq(dacc_json_get_int(j, "pool.units", true, "c.json", &n, &e), DACC_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(dacc_json_get_double(j, "ratio", true, "c.json", &d, &e), DACC_OK);
    cr_assert_eq(d, 0.25);
    cr_assert_eq(dacc_json_get_double(j, "pool.units", true, "c.json", &d, &e), DACC_OK);
    cr_assert_eq(d, 3.0, "integers are numbers too");
    cr_assert_eq(dacc_json_get_bool(j, "on", true, "c.json", &b, &e), DACC_OK);
    cr_assert(b);
    cr_assert_eq(dacc_json_get_money(j, "pool.amount", true, "c.json", 6, &m, &e), DACC_OK);
    cr_assert(m == 12500000);
    cr_assert_eq(dacc_json_get_money(j, "pool.units", true, "c.json", 6, &m, &e), DACC_OK);
    cr_assert(m == 3000000);
    json_decref(j);
}

Test(json, missing_and_optional_fields)
{
    json_t *j = load("{\"a\":{\"b\":1},\"nothing\":null}");
    int64_t n = 42;
    dacc_error e;
    cr_assert_eq(dacc_json_get_int(j, "a.c", false, "c.json", &n, &e), DACC_OK);
    cr_assert_eq(n, 42, "a missing optional field keeps the default");
    cr_assert_eq(dacc_json_get_int(j, "nothing", false, "c.json", &n, &e), DACC_OK);
    cr_assert_eq(n, 42, "null counts as missing");
    cr_assert_eq(dacc_json_get_int(j, "a.c", true, "c.json", &n, &e), DACC_ERR_NOTFOUND);
    cr_assert_str_eq(e.message, "c.json: field \"a.c\": missing");
    cr_assert_eq(dacc_json_get_int(j, "a.b.c", true, "c.json", &n, &e), DACC_ERR_NOTFOUND);
    cr_assert_null(dacc_json_find(j, "a.b.c"));
    json_decref(j);
}

Test(json, wrong_types_are_named)
{
    json_t *j = load("{\"pool\":[1],\"name\":5,\"neg\":-3,\"amt\":\"1.2345\"}");
    const char *s;
    dacc_u128 m;
    bool b;
    dacc_error e;
    cr_assert_eq(dacc_json_get_string(j, "name", true, "c.json", &s, &e), DACC_ERR_INVALID);
    cr_assert_str_eq(e.message, "c.json: field \"name\": expected a string, got an integer");
    cr_assert_eq(dacc_json_get_money(j, "pool", true, "c.json", 2, &m, &e), DACC_ERR_INVALID);
    cr_assert_str_eq(e.message, "c.json: field \"pool\": expected an amount (a decimal string or a "
                                "non-negative integer), got an array");
    cr_assert_eq(dacc_json_get_money(j, "neg", true, "c.json", 2, &m, &e), DACC_ERR_INVALID);
    cr_assert_eq(dacc_json_get_money(j, "amt", true, "c.json", 2, &m, &e), DACC_ERR_RANGE);
    cr_assert_str_eq(e.message, "c.json: field \"amt\": expected an amount with at most 2 "
                                "decimals, got \"1.2345\"");
    cr_assert_eq(dacc_json_get_bool(j, "name", true, "c.json", &b, &e), DACC_ERR_INVALID);
    json_decref(j);
}

Test(json, write_is_deterministic_and_atomic)
{
    char *dir = make_temp_dir();
    char *path = path_join(dir, "out.json");
    json_t *j = json_object();
    json_object_set_new(j, "z", json_integer(1));
    json_object_set_new(j, "a", json_real(0.1));
    json_object_set_new(j, "amount", dacc_json_money(12500000, 6));
    cr_assert_eq(dacc_json_write_file(path, j, DACC_JSON_PRETTY, NULL), DACC_OK);
    char *text = read_text(path, NULL);
    cr_assert_str_eq(text, "{\n  \"z\": 1,\n  \"a\": 0.1,\n  \"amount\": \"12.500000\"\n}\n");
    free(text);
    json_t *back;
    cr_assert_eq(dacc_json_load_file(path, &back, NULL), DACC_OK);
    cr_assert(json_equal(j, back));
    json_decref(back);
    json_decref(j);
    dacc_error e;
    cr_assert_eq(dacc_json_load_file("/nonexistent.json", &back, &e), DACC_ERR_IO);
    remove_tree(dir);
    free(dir);
    free(path);
}
