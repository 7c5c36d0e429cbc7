/* fma_peak.c — the single-core FP32 ceiling of this CPU: independent AVX2 FMA chains (enough of them to
 * cover the FMA latency on two pipes), no memory traffic. Prints "fma_peak gflops=G" (best of 5), the
 * number the LSTM kernels' GFLOP/s in docs/performance.md are compared with: a training step or an
 * inference pass cannot run faster on one core than its FLOP count divided by this.
 * Build: cc -O2 -mavx2 -mfma bench/fma_peak.c -o build/fma_peak */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(void)
{
    const long iters = 50000000;
    __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    double best = 0;
    float sink = 0;
    for (int rep = 0; rep < 5; rep++) {
        __m256 c[12];
        for (int k = 0; k < 12; k++)
            c[k] = _mm256_set1_ps((float)k);
        double t0 = now();
        for (long i = 0; i < iters; i++) {
#define STEP(k) c[k] = _mm256_fmadd_ps(c[k], a, b)
            STEP(0); STEP(1); STEP(2); STEP(3); STEP(4); STEP(5);
            STEP(6); STEP(7); STEP(8); STEP(9); STEP(10); STEP(11);
#undef STEP
        }
        double dt = now() - t0;
        for (int k = 0; k < 12; k++) {
            float v[8];
            _mm256_storeu_ps(v, c[k]);
            sink += v[0];
        }
        double g = (double)iters * 12 * 8 * 2 / dt / 1e9;
        if (g > best)
            best = g;
    }
    printf("fma_peak gflops=%.1f (sink %g)\n", best, (double)sink);
    return 0;
}
