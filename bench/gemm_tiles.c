/* gemm_tiles.c — microbenchmark of the packed recurrent product's register tiles (bench/gemm_tiles.sh
 * builds it once per AVX-512 tile shape with -DNN_Z_MR=.. -DNN_Z_NP=..): GFLOP/s of the AVX-512 and
 * AVX2 bodies on the LSTM's shapes (forward B x 4H x H, backward B x H x 4H, B = 1 inference), each the
 * best of many timed repetitions so a loaded machine disturbs it less (it still does: read with the
 * load printed next to it). */
#include "../src/nn/gemm_packed.c"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef void (*gemm_fn)(int, int, int, const float *, int, const float *, float *, int);

static double best_gflops(gemm_fn f, int M, int N, int K, const float *A, const float *P, float *C)
{
    double best = 1e30;
    int inner = (int)(2e7 / ((double)M * N * K)) + 1;
    for (int rep = 0; rep < 200; rep++) {
        double t0 = now();
        for (int i = 0; i < inner; i++)
            f(M, N, K, A, K, P, C, N);
        double dt = (now() - t0) / inner;
        best = dt < best ? dt : best;
    }
    return 2.0 * M * N * K / best * 1e-9;
}

int main(int argc, char **argv)
{
    int H = argc > 1 ? atoi(argv[1]) : 128, B = argc > 2 ? atoi(argv[2]) : 64;
    if (!nn_isa_cpu_has(NN_ISA_AVX512)) {
        fprintf(stderr, "gemm_tiles: this CPU has no AVX-512\n");
        return 1;
    }
    struct { const char *name; int M, N, K; } shapes[] = {
        {"fwd", B, 4 * H, H}, {"bwd", B, H, 4 * H}, {"fwd/2", B / 2, 4 * H, H}, {"row1", 1, 4 * H, H}};
    float *A = malloc((size_t)B * 4 * H * 4), *W = malloc((size_t)16 * H * H * 4),
          *P = malloc(nn_pack_floats(4 * H, 4 * H) * 4), *C = calloc((size_t)B * 4 * H, 4);
    for (int i = 0; i < B * 4 * H; i++)
        A[i] = (float)(i % 7) * 0.01f;
    for (int i = 0; i < 16 * H * H; i++)
        W[i] = (float)(i % 5) * 0.01f;
    printf("tile %dx%d", NN_Z_MR, NN_Z_NP);
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        int M = shapes[s].M, N = shapes[s].N, K = shapes[s].K;
        nn_pack_bt(P, W, N, K);
        printf("  %s %dx%dx%d avx512 %.1f avx2 %.1f", shapes[s].name, M, N, K, best_gflops(gemm_avx512, M, N, K, A, P, C),
               best_gflops(gemm_avx2, M, N, K, A, P, C));
    }
    printf(" GFLOP/s\n");
    free(A), free(W), free(P), free(C);
    return 0;
}
