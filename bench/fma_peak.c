/* fma_peak.c — the single-core ceilings of this CPU: independent FMA chains (enough of them to cover
 * the FMA latency on two pipes), no memory traffic, at each width the CPU has: 256-bit FP32 FMAs
 * (AVX2), 512-bit FP32 FMAs (AVX-512F) and 512-bit vdpbf16ps (AVX512_BF16: BF16 pairs, FP32
 * accumulation, 64 FLOP per instruction). Prints one line per ceiling, the best of 400 short runs (under a millisecond each) (a loaded machine
 * lowers it; read it with the load average):
 *   fma_peak gflops=G          (256-bit; the figure bench/train_vs_torch.sh always read)
 *   fma_peak512 gflops=G       (absent when the CPU has no AVX-512)
 *   bf16_peak gflops=G         (absent without AVX512_BF16)
 * The LSTM kernels' GFLOP/s in docs/performance.md are compared with these: a step cannot run faster on
 * one core than its FLOP count divided by the ceiling of the path it takes.
 * Build: cc -O2 bench/fma_peak.c -o build/fma_peak (the wide bodies carry their own target attributes) */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

enum { ITERS = 500000, CHAINS = 12, REPS = 400 };
volatile float fma_sink; /* keeps the chains' results live */

/* best GFLOP/s of 5 runs of ITERS x CHAINS instructions of FLOPS each; BODY updates c[k] */
#define PEAK(NAME, TARGET, T, SET1, STORE, LANES, FLOPS, INIT, BODY)                                  \
    __attribute__((target(TARGET))) static double NAME(void)                                          \
    {                                                                                                 \
        INIT;                                                                                         \
        double best = 0;                                                                              \
        float sink = 0;                                                                               \
        for (int rep = 0; rep < REPS; rep++) {                                                           \
            T c[CHAINS];                                                                              \
            for (int k = 0; k < CHAINS; k++)                                                          \
                c[k] = SET1((float)k);                                                                \
            double t0 = now();                                                                        \
            for (long i = 0; i < ITERS; i++) {                                                        \
                _Pragma("GCC unroll 12") for (int k = 0; k < CHAINS; k++) BODY;                       \
            }                                                                                         \
            double dt = now() - t0;                                                                   \
            for (int k = 0; k < CHAINS; k++) {                                                        \
                float v[LANES];                                                                       \
                STORE(v, c[k]);                                                                       \
                sink += v[0];                                                                         \
            }                                                                                         \
            double g = (double)ITERS * CHAINS * FLOPS / dt / 1e9;                                     \
            best = g > best ? g : best;                                                               \
        }                                                                                             \
        fma_sink = sink;                                                                              \
        return best;                                                                                  \
    }

PEAK(peak256, "avx2,fma", __m256, _mm256_set1_ps, _mm256_storeu_ps, 8, 16,
     __m256 a = _mm256_set1_ps(0.999999f); __m256 b = _mm256_set1_ps(1e-7f), c[k] = _mm256_fmadd_ps(c[k], a, b))
PEAK(peak512, "avx512f", __m512, _mm512_set1_ps, _mm512_storeu_ps, 16, 32,
     __m512 a = _mm512_set1_ps(0.999999f); __m512 b = _mm512_set1_ps(1e-7f), c[k] = _mm512_fmadd_ps(c[k], a, b))
PEAK(peak_bf16, "avx512f,avx512bf16", __m512, _mm512_set1_ps, _mm512_storeu_ps, 16, 64,
     __m512bh a = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-4f), _mm512_set1_ps(1e-4f)); __m512bh b = a,
     c[k] = _mm512_dpbf16_ps(c[k], a, b))

int main(void)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        fprintf(stderr, "fma_peak: this CPU has no AVX2+FMA\n");
        return 1;
    }
    double g = peak256();
    printf("fma_peak gflops=%.1f (256-bit FP32 FMA)\n", g);
    if (__builtin_cpu_supports("avx512f"))
        {
        g = peak512();
        printf("fma_peak512 gflops=%.1f (512-bit FP32 FMA)\n", g);
    }
    if (__builtin_cpu_supports("avx512bf16"))
        {
        g = peak_bf16();
        printf("bf16_peak gflops=%.1f (512-bit vdpbf16ps, FP32 accumulation)\n", g);
    }
    return 0;
}
