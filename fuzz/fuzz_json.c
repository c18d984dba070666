/* Fuzz target: JSON loading and the typed getters on whatever comes out. */
#include <stdint.h>

#include "dacc/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *root;
    dacc_error err;
    if (dacc_json_load_buffer("fuzz.json", (const char *)data, size, &root, &err) != DACC_OK)
        return 0;
    static const char *const paths[] = { "pool", "a.b", "a.b.c", "", "." };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        const char *s;
        int64_t n;
        double d;
        bool b;
        dacc_u128 m;
        (void)dacc_json_get_string(root, paths[i], true, "fuzz.json", &s, &err);
        (void)dacc_json_get_int(root, paths[i], false, "fuzz.json", &n, &err);
        (void)dacc_json_get_double(root, paths[i], true, "fuzz.json", &d, &err);
        (void)dacc_json_get_bool(root, paths[i], false, "fuzz.json", &b, &err);
        (void)dacc_json_get_money(root, paths[i], true, "fuzz.json", 18, &m, &err);
    }
    json_decref(root);
    return 0;
}
