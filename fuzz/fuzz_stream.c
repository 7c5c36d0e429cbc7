/* fuzz_stream.c — libFuzzer target for the live stream (model/stream.h) with a small in-memory LSTM
 * (2x8, pre-roll, physio prior column): the input is a list of 17-byte records, an operation byte and four
 * floats taken raw (NaN, infinities, huge and negative values included): push (time as a step from the
 * last time, or absolute), HR now, all predictions, a forecast of up to 64 steps, reset. Checks that
 * refused samples leave the step count as it was and that predictions are finite. */
#include "model/lstm_model.h"
#include "model/stream.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct hr_lstm g_m;
static struct predictor g_p;
static struct hr_stream *g_s;
static float g_buf[4 * 3600 / 10 + 64];

static void init(void)
{
    struct hr_err e;
    g_m.fs = feature_set_get("default+physio");
    struct lstm_cfg cfg = {.in = g_m.fs->n, .hidden = 8, .layers = 2, .out = 1, .dropout = 0};
    if (lstm_model_init(&g_m.net, &cfg, 3, &e))
        abort();
    g_m.nz.n = g_m.fs->n;
    for (int f = 0; f < g_m.fs->n; f++)
        g_m.nz.std[f] = 50;
    g_m.step = 10;
    g_m.preroll = 6;
    physio_model_init(&g_m.prior, 10);
    strcpy(g_p.kind, "lstm");
    g_p.step = 10;
    g_p.impl = &g_m;
    g_s = hr_stream_open(&g_p, 'f', NULL, 4, &e);
    if (!g_s)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_s)
        init();
    hr_stream_reset(g_s);
    double t = 0;
    struct hr_err e;
    for (size_t off = 0; off + 17 <= size; off += 17) {
        float f[4];
        memcpy(f, data + off + 1, sizeof f);
        int op = data[off] % 6, before = hr_stream_steps(g_s);
        if (op <= 1) {
            double tn = op == 0 ? t + f[0] : f[0];
            if (hr_stream_push(g_s, tn, f[1], f[2], f[3], &e) == STREAM_OK)
                t = tn;
            else if (hr_stream_steps(g_s) != before)
                abort(); /* a refused sample changed the stream */
        } else if (op == 2) {
            float h = hr_stream_now(g_s);
            if (before > 0 && !isfinite(h))
                abort();
        } else if (op == 3) {
            int n = hr_stream_predict(g_s, g_buf, NULL, NULL, NULL);
            for (int k = 0; k < n; k++)
                if (!isfinite(g_buf[k]))
                    abort();
        } else if (op == 4) {
            float sp[64];
            int n = 1 + (data[off + 1] & 63);
            for (int k = 0; k < n; k++)
                sp[k] = fabsf(f[1]) < 12 ? fabsf(f[1]) : 3;
            hr_stream_forecast(g_s, sp, NULL, n, g_buf, &e);
        } else {
            hr_stream_reset(g_s);
            t = 0;
        }
    }
    return 0;
}
