/* fuzz_safetensors.c — libFuzzer target for the safetensors reader; touches every tensor byte. */
#include <stdint.h>
#include <string.h>
#include "util/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct safetensors st;
    struct hr_err e;
    if (st_parse(data, size, "fuzz", &st, &e))
        return 0;
    volatile uint8_t acc = 0;
    for (int k = 0; k < st.n; k++) {
        size_t nb = (size_t)(st.t[k].end - st.t[k].begin);
        for (size_t i = 0; i < nb; i++)
            acc ^= st.t[k].data[i];
    }
    for (int k = 0; k < st.n_meta; k++)
        acc ^= (uint8_t)strlen(st.meta[k].value);
    (void)st_meta_get(&st, "x");
    st_free(&st);
    return 0;
}
