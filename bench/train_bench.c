/* train_bench.c — times hrcast training steps (forward + masked MSE backward + clip 1.0 + Adam) or
 * lean inference on a 2x128 LSTM, 14 inputs, batch 64, T 500 by default. Prints one line:
 * "hrcast <mode> threads=N median_ms=X gflops=G" where G counts the LSTM matrix products only:
 * forward 2*4H*(F+H) + 2*4H*(H+H) = 407,552 FLOP per sequence step for 2x128 with 14 inputs, training
 * 3x that (backward = two products per forward one). Mode sgemm: OpenBLAS cblas_sgemm alone on the
 * gate shapes, "sgemm threads=N recurrent_gflops=G input_gflops=G" (M=B, N=4H, K=H: one time step's
 * recurrent product; M=B*T, N=4H, K=H: a layer's input projection over the whole sequence).
 * Mode infer8: the int8 inference forward (lstm_infer_q8, weights packed in every call), the same FLOP
 * count (products done in 8-bit integers count as their FP32 equivalents). Mode inferbf16: the bf16
 * forward (lstm_infer_lowp; weights packed once before the timing, as a loaded model has them; on a CPU
 * without AVX512_BF16 the emulated products), FLOP counted the same way.
 * Usage: train_bench [train|infer|infer8|inferbf16|sgemm] threads iters warmup [B T] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "nn/kernels.h"
#include "nn/lstm.h"
#include "nn/optim.h"
#include <cblas.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "train";
    int threads = argc > 2 ? atoi(argv[2]) : 1, iters = argc > 3 ? atoi(argv[3]) : 5;
    int warm = argc > 4 ? atoi(argv[4]) : 1, B = argc > 5 ? atoi(argv[5]) : 64, T = argc > 6 ? atoi(argv[6]) : 500;
    int F = 14;
    nn_set_threads(threads);
    if (strcmp(mode, "sgemm") == 0) {
        openblas_set_num_threads(threads); /* the reference: OpenBLAS's own threading (hrcast keeps it at 1) */
        int H = 128, M2 = B * T, reps = 200;
        float *A = calloc((size_t)M2 * H, sizeof(float)), *W = calloc((size_t)4 * H * H, sizeof(float));
        float *C = calloc((size_t)M2 * 4 * H, sizeof(float));
        for (size_t k = 0; k < (size_t)M2 * H; k++)
            A[k] = (float)(k % 13) * 0.01f;
        for (size_t k = 0; k < (size_t)4 * H * H; k++)
            W[k] = (float)(k % 7) * 0.01f;
        double best_r = 1e30, best_i = 1e30;
        for (int it = 0; it < iters + warm; it++) {
            double t0 = now_ms();
            for (int r = 0; r < reps; r++)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, 4 * H, H, 1.0f, A, H, W, H, 1.0f, C, 4 * H);
            double t1 = now_ms();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M2, 4 * H, H, 1.0f, A, H, W, H, 1.0f, C, 4 * H);
            double t2 = now_ms();
            if (it >= warm) {
                best_r = (t1 - t0) / reps < best_r ? (t1 - t0) / reps : best_r;
                best_i = t2 - t1 < best_i ? t2 - t1 : best_i;
            }
        }
        double fr = 2.0 * B * 4 * H * H, fi = 2.0 * M2 * 4 * H * H;
        printf("sgemm threads=%d recurrent_gflops=%.1f input_gflops=%.1f\n", threads, fr / best_r / 1e6,
               fi / best_i / 1e6);
        free(A);
        free(W);
        free(C);
        return 0;
    }
    struct lstm_cfg cfg = {F, 128, 2, 1, 0};
    struct lstm_model m;
    struct lstm_ws ws;
    struct nn_adam a;
    struct hr_err e;
    if (lstm_model_init(&m, &cfg, 1, &e) || nn_adam_init(&a, m.n_params, 1e-3f, 0, 0, &e) ||
        (strcmp(mode, "train") == 0 && lstm_ws_init(&ws, &m, B, T, &e))) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    size_t n = (size_t)B * T;
    float *x = malloc(n * F * sizeof(float)), *y = malloc(n * sizeof(float)), *mk = malloc(n * sizeof(float));
    float *out = malloc(n * sizeof(float));
    struct nn_rng r;
    nn_rng_seed(&r, 2);
    for (size_t k = 0; k < n * F; k++)
        x[k] = nn_rng_unif(&r) - 0.5f;
    for (size_t k = 0; k < n; k++) {
        y[k] = nn_rng_unif(&r);
        mk[k] = nn_rng_unif(&r) > 0.1f;
    }
    struct nn_loss loss = {NN_LOSS_MSE, 1};
    double *ms = malloc(sizeof(double) * (size_t)(iters + warm));
    struct lstm_lowp *bf = strcmp(mode, "inferbf16") == 0 ? lstm_lowp_prepare(&m, LSTM_PREC_BF16, &e) : NULL;
    if (strcmp(mode, "inferbf16") == 0 && !bf) {
        fprintf(stderr, "train_bench: %s\n", e.msg);
        return 1;
    }
    for (int it = 0; it < iters + warm; it++) {
        double t0 = now_ms();
        if (strcmp(mode, "train") == 0) {
            lstm_zero_grad(&m);
            lstm_forward(&m, &ws, x, NULL, B, T, 1, NULL, NULL, &e);
            lstm_backward(&m, &ws, &loss, y, mk, NULL);
            nn_clip_grad_norm(m.grads, m.n_params, 1.0f);
            nn_adam_step(&a, m.params, m.grads);
        } else if (strcmp(mode, "infer8") == 0) {
            lstm_infer_q8(&m, NULL, x, NULL, B, T, out, &e);
        } else if (bf) {
            lstm_infer_lowp(&m, bf, x, NULL, B, T, out, &e);
        } else {
            lstm_infer(&m, x, NULL, B, T, out, &e);
        }
        ms[it] = now_ms() - t0;
    }
    qsort(ms + warm, (size_t)iters, sizeof(double), cmp);
    double med = ms[warm + iters / 2];
    double flop = 2.0 * 4 * 128 * (F + 128) + 2.0 * 4 * 128 * (128 + 128); /* 407,552 per sequence step */
    flop *= (double)B * T * (strcmp(mode, "train") == 0 ? 3 : 1);
    printf("hrcast %s threads=%d median_ms=%.2f gflops=%.2f\n", mode, threads, med, flop / med / 1e6);
    return 0;
}
