/* step_parts.c — the parts of one training step of the bench model (2x128 LSTM, 14 inputs, B 64,
 * T 500) timed one by one on the current kernel path (HRCAST_ISA), each the best of many repetitions:
 * the packed recurrent products (forward B x 4H x H, backward B x H x 4H, in blocks of the sweep's rows),
 * the whole-sequence products (input projections with their bias, nn_par_input_proj: the packed kernel
 * on the AVX-512 path, bias rows + OpenBLAS on the others; weight gradients, nn_par_sgemm: the packed
 * kernel on AVX-512, h packed 256 rows at a time, OpenBLAS on the others), the forward and backward cells, and
 * Adam. Prints one
 * line per part: its rate (GFLOP/s and % of the ceiling given as argv[1], for the products; ns per
 * element for the cell and Adam) and its time per training step (the calls one step makes), then the
 * sum. Usage: step_parts CEILING_GFLOPS (bench/step_parts.sh passes fma_peak512's). */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "nn/isa.h"
#include "nn/kernels.h"
#include "nn/optim.h"
#include "nn/par.h"

enum { B = 64, T = 500, H = 128, F = 14, L = 2, REPS = 10 };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double total_ms;
static double ceiling;

/* prints one part: seconds per call (best), calls per step, FLOPs per call (0: an elementwise part of
 * elems elements) */
static void part(const char *name, double sec, double calls, double flop, double elems)
{
    double ms = sec * calls * 1e3;
    total_ms += ms;
    if (flop > 0)
        printf("part %-22s %7.1f GFLOP/s (%3.0f%% of %.0f)  %8.1f ms per step\n", name, flop / sec * 1e-9,
               100 * flop / sec * 1e-9 / ceiling, ceiling, ms);
    else
        printf("part %-22s %7.3f ns/element              %8.1f ms per step\n", name, sec / elems * 1e9, ms);
}

#define BEST(var, stmt)                                                                                       \
    do {                                                                                                      \
        var = 1e30;                                                                                           \
        for (int rep_ = 0; rep_ < REPS; rep_++) {                                                             \
            double t0_ = now();                                                                               \
            stmt;                                                                                             \
            double dt_ = now() - t0_;                                                                         \
            var = dt_ < var ? dt_ : var;                                                                      \
        }                                                                                                     \
    } while (0)

int main(int argc, char **argv)
{
    ceiling = argc > 1 ? atof(argv[1]) : 1;
    nn_set_threads(1);
    size_t TB = (size_t)T * B, G4 = 4 * H;
    float *X = calloc(TB * H, 4), *G = calloc(TB * G4, 4), *W = calloc(G4 * H, 4), *P = malloc(nn_pack_floats(H, G4) * 4);
    float *Pb = malloc(nn_pack_floats(G4, H) * 4), *c = calloc((size_t)B * H, 4), *h = calloc((size_t)B * H, 4);
    float *tc = calloc((size_t)B * H, 4), *cp = calloc((size_t)B * H, 4), *dh = calloc((size_t)B * H, 4);
    for (size_t i = 0; i < TB * H; i++)
        X[i] = (float)(i % 13) * 0.01f - 0.06f;
    for (size_t i = 0; i < G4 * H; i++)
        W[i] = (float)(i % 7) * 0.01f - 0.03f;
    nn_pack_bt(P, W, (int)G4, H);
    nn_pack_b(Pb, W, (int)G4, H);
    printf("step parts on path %s, B %d T %d H %d F %d, %d layers, 1 thread (best of %d)\n",
           nn_isa_name(nn_isa_active()), B, T, H, F, L, REPS);
    double s;
    /* the sweeps call the product on blocks of 8 rows on the AVX-512 path, 6 elsewhere (step_rows in
     * src/nn/lstm.c) */
    const int sr = nn_par_tile_rows();
    BEST(s, for (int r = 0; r < B; r += sr) nn_gemm_packed(B - r < sr ? B - r : sr, (int)G4, H, X + (size_t)r * H, H, P,
                                                           G + (size_t)r * G4, (int)G4));
    part("recurrent fwd product", s, (double)T * L, 2.0 * B * G4 * H, 0);
    BEST(s, for (int r = 0; r < B; r += sr) nn_gemm_packed(B - r < sr ? B - r : sr, H, (int)G4, G + (size_t)r * G4,
                                                           (int)G4, Pb, X + (size_t)r * H, H));
    part("recurrent bwd product", s, 1.0 * T * L + (double)T * (L - 1), 2.0 * B * G4 * H, 0);
    float *bias = calloc(G4, 4);
    BEST(s, nn_par_input_proj((int)TB, (int)G4, F, X, W, bias, G));
    part("input product layer 0", s, 1, 2.0 * TB * G4 * F, 0);
    BEST(s, nn_par_input_proj((int)TB, (int)G4, H, X, W, bias, G));
    part("input product layer 1", s, 1, 2.0 * TB * G4 * H, 0);
    free(bias);
    BEST(s, nn_par_sgemm(1, 0, (int)G4, H, (int)TB, 1.0f, G, (int)G4, X, H, 1.0f, W, H));
    part("weight gradients (x3)", s, 3, 2.0 * TB * G4 * H, 0);
    /* for reference, not in the sum: OpenBLAS alone on the two big shapes */
    double sum = total_ms;
    BEST(s, cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)TB, (int)G4, H, 1.0f, X, H, W, H, 1.0f, G,
                        (int)G4));
    part("(OpenBLAS input l1)", s, 1, 2.0 * TB * G4 * H, 0);
    BEST(s, cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)G4, H, (int)TB, 1.0f, G, (int)G4, X, H, 1.0f, W,
                        H));
    part("(OpenBLAS weight grads)", s, 3, 2.0 * TB * G4 * H, 0);
    total_ms = sum;
    for (size_t i = 0; i < (size_t)B * G4; i++)
        G[i] = (float)(i % 11) * 0.3f - 1.5f;
    BEST(s, for (int t = 0; t < 20; t++) nn_lstm_cell_fwd(B, H, G + (size_t)t * B * G4, cp, c, h, tc));
    part("cell fwd", s / 20, (double)T * L, 0, (double)B * H);
    BEST(s, for (int t = 0; t < 20; t++) nn_lstm_cell_bwd(B, H, G + (size_t)t * B * G4, cp, tc, dh, c));
    part("cell bwd", s / 20, (double)T * L, 0, (double)B * H);
    size_t np = G4 * (F + H + 2) + G4 * (H + H + 2) + H + 1;
    struct nn_adam a;
    struct hr_err e;
    if (nn_adam_init(&a, np, 1e-3f, 0, 0, &e))
        return 1;
    float *prm = calloc(np, 4), *grd = calloc(np, 4);
    BEST(s, nn_adam_step(&a, prm, grd));
    part("adam", s, 1, 0, (double)np);
    printf("sum of parts %.1f ms per step (the step also has the head, loss, clipping, copies)\n", total_ms);
    nn_adam_free(&a);
    free(X), free(G), free(W), free(P), free(Pb), free(c), free(h), free(tc), free(cp), free(dh), free(prm), free(grd);
    return 0;
}
