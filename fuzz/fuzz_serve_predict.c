/* fuzz_serve_predict.c — libFuzzer target for the whole /api/predict body path (multipart parsing,
 * format detection, readers, TEMPORARY prep) with a constant in-memory predictor. The first byte
 * picks the Content-Type: multipart, JSON, or none; with its bit 3 set, the next 12 bytes are the
 * ?calibrate= value (serve/live.h) and an accepted one calibrates the result, written out whole, with the
 * default trust of a model that knows the runner (bit 4 set) or of a general one. */
#include "serve/live.h"
#include "serve/predict.h"
#include "serve/result_json.h"
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
    if (!(data[0] & 8)) {
        serve_predict(&p, data + 1, size - 1, types[data[0] & 3], &out);
        sbuf_free(&out);
        return 0;
    }
    char q[13] = {0}, why[160];
    size_t nq = size - 1 < 12 ? size - 1 : 12;
    memcpy(q, data + 1, nq);
    float w;
    if (serve_calib_param(q, &w, why, sizeof why) == 0) {
        struct predict_result res;
        if (serve_predict_run(&p, data + 1 + nq, size - 1 - nq, types[data[0] & 3], NULL, &res, &out) == 200) {
            const struct calib_trust trust = calib_default_trust((data[0] >> 4) & 1);
            if (serve_predict_calibrate(&res, w, &trust, &out) == 200) {
                struct result_writer rw;
                result_writer_init(&rw, &res);
                char chunk[4096];
                while (result_writer_read(&rw, chunk, sizeof chunk) > 0)
                    ;
                result_writer_free(&rw);
            }
            predict_result_free(&res);
        }
    }
    sbuf_free(&out);
    return 0;
}
