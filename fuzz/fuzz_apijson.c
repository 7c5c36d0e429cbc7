/* fuzz_apijson.c — libFuzzer target for the parser of hrcast's JSON workout format (src/io/apijson.c). */
#include "io/apijson.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct workout w;
    struct hr_err e;
    workout_init(&w);
    apijson_looks_like(data, size);
    apijson_parse(data, size, "fuzz", &w, &e);
    workout_free(&w);
    return 0;
}
