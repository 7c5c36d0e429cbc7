/* fuzz_serve_predict.c — libFuzzer target for the whole /api/predict body path (multipart parsing,
 * format detection, readers, TEMPORARY prep) with a constant in-memory predictor. The first byte
 * picks the Content-Type: multipart, JSON, or none. */
#include "serve/predict.h"
#include <stdint.h>
#include <string.h>

static int flat(void *impl, const struct series *s, float *hr, float *sigma, struct hr_err *e)
{
    (void)impl; (void)e;
    for (int i = 0; i < s->n; i++) {
        hr[i] = 140;
        if (sigma)
            sigma[i] = 5;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *types[] = {"multipart/form-data; boundary=XyZ", "application/json", NULL,
                                  "multipart/form-data; boundary=\"a b\""};
    struct predictor p;
    memset(&p, 0, sizeof p);
    strcpy(p.kind, "flat");
    p.step = 10;
    p.has_sigma = data[0] & 4;
    p.predict = flat;
    struct sbuf out;
    sbuf_init(&out);
    serve_predict(&p, data + 1, size - 1, types[data[0] & 3], &out);
    sbuf_free(&out);
    return 0;
}
