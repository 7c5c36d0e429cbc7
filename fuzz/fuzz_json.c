/* fuzz_json.c — libFuzzer target for the JSON parser; re-serialises what parses and parses it again. */
#include <stdint.h>
#include <stdlib.h>
#include "util/json.h"

static void emit(struct jw *w, const struct json *j)
{
    switch (j->type) {
    case JSON_NULL: jw_null(w); break;
    case JSON_BOOL: jw_bool(w, j->boolean); break;
    case JSON_NUM: jw_num(w, j->num); break;
    case JSON_STR: jw_strn(w, j->str, j->str_len); break;
    case JSON_ARR:
        jw_arr_begin(w);
        for (size_t k = 0; k < j->n; k++)
            emit(w, &j->items[k]);
        jw_arr_end(w);
        break;
    case JSON_OBJ:
        jw_obj_begin(w);
        for (size_t k = 0; k < j->n; k++) {
            jw_key(w, j->items[k].key);
            emit(w, &j->items[k]);
        }
        jw_obj_end(w);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json *j;
    struct hr_err e;
    if (json_parse((const char *)data, size, "fuzz", &j, &e))
        return 0;
    struct jw w;
    jw_init_buf(&w, 0);
    emit(&w, j);
    size_t n;
    char *s = jw_take(&w, &n);
    if (s) {
        struct json *k;
        if (json_parse(s, n, "again", &k, &e) == 0)
            json_free(k);
        free(s);
    }
    json_free(j);
    return 0;
}
