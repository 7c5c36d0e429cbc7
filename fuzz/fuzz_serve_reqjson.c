/* fuzz_serve_reqjson.c — libFuzzer target for the /api/predict JSON body parser (src/serve/reqjson.c). */
#include "serve/reqjson.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct workout w;
    struct hr_err e;
    workout_init(&w);
    reqjson_looks_like_api(data, size);
    reqjson_parse(data, size, "fuzz", &w, &e);
    workout_free(&w);
    return 0;
}
