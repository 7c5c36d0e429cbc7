/* gemm_bf16.c — the BF16 product of the bf16 inference path (lstm_lowp.c): C[M][N] += sum_k A[m][k] W[n][k]
 * with both operands in bfloat16 (FP32's sign, exponent and top 7 mantissa bits) and the sums in FP32.
 * Weights are packed once (per model) into 16-column panels of k pairs, P[N/16][K/2][16][2], so one 64-byte
 * panel row is one register for vdpbf16ps (AVX512_BF16: per FP32 lane, acc += a[2i+1] w[2i+1], then
 * acc += a[2i] w[2i]). A product of two bf16 values is exact in FP32, so each of those steps is one FP32
 * rounding; the portable body performs the same two additions in the same order from zero, so it gives
 * the native body's numbers (bitwise where the CPU follows Intel's definition; tests/test_nn_bf16.c holds
 * the two within a tight bound and reports whether they were equal). Where the CPU lacks AVX512_BF16 (or
 * HRCAST_ISA picks avx2), an AVX2 body emulates the products with FMAs on the bf16 values widened to FP32:
 * the portable body's bytes, 4-row x 16-column tiles. Also the float -> bf16 conversion
 * (round to nearest even, denormals to signed zero, as vcvtne2ps2bf16 does) of weights and activations. */
#include "nn/isa.h"
#include "nn/kernels.h"
#include "nn/tile.h"
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#define KG 2

int nn_bf16_kpad(int K) { return (K + KG - 1) / KG * KG; }

size_t nn_bf16_pack_elems(int K, int N) { return (size_t)((N + NR - 1) / NR) * NR * (size_t)nn_bf16_kpad(K); }

uint16_t nn_bf16_from_float(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if ((u & 0x7f800000u) == 0) /* zero or denormal: signed zero */
        return (uint16_t)((u >> 16) & 0x8000u);
    if ((u & 0x7fffffffu) > 0x7f800000u) /* NaN: quiet, sign kept */
        return (uint16_t)((u >> 16) | 0x0040u);
    u += 0x7fffu + ((u >> 16) & 1u); /* round to nearest even (infinity stays infinity) */
    return (uint16_t)(u >> 16);
}

float nn_bf16_to_float(uint16_t b)
{
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

void nn_bf16_pack_bt(uint16_t *P, const float *W, int N, int K)
{
    int Kp = nn_bf16_kpad(K);
    memset(P, 0, nn_bf16_pack_elems(K, N) * sizeof *P);
    for (int n = 0; n < N; n++) {
        uint16_t *panel = P + (size_t)(n / NR) * Kp * NR;
        for (int k = 0; k < K; k++)
            panel[(size_t)(k / KG) * NR * KG + (size_t)(n % NR) * KG + (size_t)(k % KG)] =
                nn_bf16_from_float(W[(size_t)n * K + k]);
    }
}

static void convert_base(uint16_t *q, int ldq, const float *h, int ldh, int M, int K)
{
    int Kp = nn_bf16_kpad(K);
    for (int r = 0; r < M; r++) {
        for (int k = 0; k < K; k++)
            q[(size_t)r * ldq + k] = nn_bf16_from_float(h[(size_t)r * ldh + k]);
        for (int k = K; k < Kp; k++)
            q[(size_t)r * ldq + k] = 0;
    }
}

static void bf16_base(int M, int N, int K, const uint16_t *A, int lda, const uint16_t *P, float *C, int ldc)
{
    int Kp = nn_bf16_kpad(K), np = (N + NR - 1) / NR;
    for (int p = 0; p < np; p++) {
        const uint16_t *pp = P + (size_t)p * Kp * NR;
        int nv = N - p * NR < NR ? N - p * NR : NR;
        for (int r = 0; r < M; r++) {
            const uint16_t *a = A + (size_t)r * lda;
            float acc[NR] = {0};
            for (int k = 0; k < Kp; k += KG) {
                float a0 = nn_bf16_to_float(a[k]), a1 = nn_bf16_to_float(a[k + 1]);
                const uint16_t *w = pp + (size_t)(k / KG) * NR * KG;
                for (int j = 0; j < NR; j++) {
                    float p1 = a1 * nn_bf16_to_float(w[j * KG + 1]); /* exact: 8-bit x 8-bit mantissas */
                    acc[j] = acc[j] + p1;
                    float p0 = a0 * nn_bf16_to_float(w[j * KG]);
                    acc[j] = acc[j] + p0;
                }
            }
            float *c = C + (size_t)r * ldc + (size_t)p * NR;
            for (int j = 0; j < nv; j++)
                c[j] += acc[j];
        }
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))

/* ---- the emulation in AVX2 (a CPU without AVX512_BF16, or HRCAST_ISA=avx2): a 32-bit lane holds one output
 * column's pair, so its even element is the lane shifted up 16 bits and its odd one the lane's top half;
 * each product is exact, so an FMA adds it with the one rounding of the portable body's addition ---- */
#define BE_MR 4

/* MR rows (<= BE_MR) x one 16-column panel */
AVX2 INLINE void be_tile(const int MR, int Kp, const uint16_t *A, int lda, const uint16_t *pp, float *C, int ldc, int nv)
{
    const __m256i top = _mm256_set1_epi32((int)0xffff0000u);
    __m256 lo[BE_MR], hi[BE_MR];
UNROLL
    for (int r = 0; r < MR; r++)
        lo[r] = hi[r] = _mm256_setzero_ps();
    for (int k = 0; k < Kp; k += KG) {
        __m256i wl = _mm256_loadu_si256((const __m256i *)(pp + (size_t)k * NR));
        __m256i wh = _mm256_loadu_si256((const __m256i *)(pp + (size_t)k * NR + NR));
        __m256 el = _mm256_castsi256_ps(_mm256_slli_epi32(wl, 16)), ol = _mm256_castsi256_ps(_mm256_and_si256(wl, top));
        __m256 eh = _mm256_castsi256_ps(_mm256_slli_epi32(wh, 16)), oh = _mm256_castsi256_ps(_mm256_and_si256(wh, top));
UNROLL
        for (int r = 0; r < MR; r++) {
            int32_t pair;
            memcpy(&pair, A + (size_t)r * lda + k, sizeof pair);
            __m256i a2 = _mm256_set1_epi32(pair);
            __m256 a1 = _mm256_castsi256_ps(_mm256_and_si256(a2, top)), a0 = _mm256_castsi256_ps(_mm256_slli_epi32(a2, 16));
            lo[r] = _mm256_fmadd_ps(a0, el, _mm256_fmadd_ps(a1, ol, lo[r]));
            hi[r] = _mm256_fmadd_ps(a0, eh, _mm256_fmadd_ps(a1, oh, hi[r]));
        }
    }
UNROLL
    for (int r = 0; r < MR; r++)
        nn_avx2_add_row(C + (size_t)r * ldc, lo[r], hi[r], nv);
}

AVX2 static void bf16_emul_avx2(int M, int N, int K, const uint16_t *A, int lda, const uint16_t *P, float *C, int ldc)
{
    int Kp = nn_bf16_kpad(K), np = (N + NR - 1) / NR, r = 0;
    size_t ps = (size_t)Kp * NR;
    for (; r + BE_MR <= M; r += BE_MR)
        for (int p = 0; p < np; p++)
            be_tile(BE_MR, Kp, A + (size_t)r * lda, lda, P + p * ps, C + (size_t)r * ldc + (size_t)p * NR, ldc,
                    N - p * NR < NR ? N - p * NR : NR);
    for (int p = 0; p < np && r < M; p++) {
        const uint16_t *a = A + (size_t)r * lda, *pp = P + p * ps;
        float *c = C + (size_t)r * ldc + (size_t)p * NR;
        int nv = N - p * NR < NR ? N - p * NR : NR;
        switch (M - r) {
        case 3: be_tile(3, Kp, a, lda, pp, c, ldc, nv); break;
        case 2: be_tile(2, Kp, a, lda, pp, c, ldc, nv); break;
        default: be_tile(1, Kp, a, lda, pp, c, ldc, nv); break;
        }
    }
}

/* ---- vdpbf16ps ---- */
#define BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,avx2,fma")))
#define BZ_MR 8
#define BZ_NP 2
#define BZ_NP_MAX 8 /* the single-row tile */

/* MR rows x NP panels: per k pair one vdpbf16ps per row and panel (a row's pair broadcast as one 32-bit
 * lane); C += acc under a mask for a partial last panel */
BF16 INLINE void bz_tile(const int MR, const int NP, int Kp, const uint16_t *A, int lda, const uint16_t *pp, size_t ps,
                         float *C, int ldc, int ncols)
{
    __m512 acc[BZ_MR][BZ_NP_MAX];
UNROLL
    for (int r = 0; r < MR; r++)
UNROLL
        for (int q = 0; q < NP; q++)
            acc[r][q] = _mm512_setzero_ps();
    for (int k = 0; k < Kp; k += KG) {
        __m512bh b[BZ_NP_MAX];
UNROLL
        for (int q = 0; q < NP; q++)
            b[q] = (__m512bh)_mm512_loadu_si512((const void *)(pp + q * ps + (size_t)k * NR));
UNROLL
        for (int r = 0; r < MR; r++) {
            int32_t a2;
            memcpy(&a2, A + (size_t)r * lda + k, sizeof a2);
            __m512bh a = (__m512bh)_mm512_set1_epi32(a2);
UNROLL
            for (int q = 0; q < NP; q++)
                acc[r][q] = _mm512_dpbf16_ps(acc[r][q], a, b[q]);
        }
    }
UNROLL
    for (int q = 0; q < NP; q++) {
        int nv = ncols - q * NR;
        __mmask16 m = nn_tail_mask(nv);
UNROLL
        for (int r = 0; r < MR; r++) {
            float *c = C + (size_t)r * ldc + (size_t)q * NR;
            _mm512_mask_storeu_ps(c, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, c), acc[r][q]));
        }
    }
}

BF16 INLINE void bz_rows(const int MR, int N, int Kp, const uint16_t *A, int lda, const uint16_t *P, float *C, int ldc)
{
    int np = (N + NR - 1) / NR, p = 0;
    size_t ps = (size_t)Kp * NR;
    if (MR == 1) /* one row (a single sequence): 8 panels per pass, 8 independent accumulators */
        for (; p + 8 <= np; p += 8)
            bz_tile(1, 8, Kp, A, lda, P + p * ps, ps, C + (size_t)p * NR, ldc, N - p * NR);
    for (; p + BZ_NP <= np; p += BZ_NP)
        bz_tile(MR, BZ_NP, Kp, A, lda, P + p * ps, ps, C + (size_t)p * NR, ldc, N - p * NR);
    if (p < np)
        bz_tile(MR, 1, Kp, A, lda, P + p * ps, ps, C + (size_t)p * NR, ldc, N - p * NR);
}

BF16 static void bf16_native(int M, int N, int K, const uint16_t *A, int lda, const uint16_t *P, float *C, int ldc)
{
    int Kp = nn_bf16_kpad(K), r = 0;
    for (; r + BZ_MR <= M; r += BZ_MR)
        bz_rows(BZ_MR, N, Kp, A + (size_t)r * lda, lda, P, C + (size_t)r * ldc, ldc);
    const uint16_t *a = A + (size_t)r * lda;
    float *c = C + (size_t)r * ldc;
    switch (M - r) {
    case 7: bz_rows(7, N, Kp, a, lda, P, c, ldc); break;
    case 6: bz_rows(6, N, Kp, a, lda, P, c, ldc); break;
    case 5: bz_rows(5, N, Kp, a, lda, P, c, ldc); break;
    case 4: bz_rows(4, N, Kp, a, lda, P, c, ldc); break;
    case 3: bz_rows(3, N, Kp, a, lda, P, c, ldc); break;
    case 2: bz_rows(2, N, Kp, a, lda, P, c, ldc); break;
    case 1: bz_rows(1, N, Kp, a, lda, P, c, ldc); break;
    default: break;
    }
}

/* 32 floats of a row at a time with vcvtne2ps2bf16 (the same rounding as nn_bf16_from_float) */
BF16 static void convert_native(uint16_t *q, int ldq, const float *h, int ldh, int M, int K)
{
    int K32 = K & ~31;
    for (int r = 0; r < M; r++) {
        const float *src = h + (size_t)r * ldh;
        uint16_t *dst = q + (size_t)r * ldq;
        for (int k = 0; k < K32; k += 32) {
            __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(src + k + 16), _mm512_loadu_ps(src + k));
            _mm512_storeu_si512((void *)(dst + k), (__m512i)v);
        }
        convert_base(dst + K32, ldq, src + K32, ldh, 1, K - K32);
    }
}
#define HAVE_BF16_NATIVE 1
#else
#define HAVE_BF16_NATIVE 0
#endif

void nn_bf16_convert(uint16_t *q, int ldq, const float *h, int ldh, int M, int K)
{
#if HAVE_BF16_NATIVE
    if (nn_isa_bf16()) {
        convert_native(q, ldq, h, ldh, M, K);
        return;
    }
#endif
    convert_base(q, ldq, h, ldh, M, K);
}

void nn_bf16_gemm(int M, int N, int K, const uint16_t *A, int lda, const uint16_t *P, float *C, int ldc)
{
    if (M < 1 || N < 1 || K < 1)
        return;
#if HAVE_BF16_NATIVE
    if (nn_isa_bf16()) {
        bf16_native(M, N, K, A, lda, P, C, ldc);
        return;
    }
    if (nn_isa_active() != NN_ISA_PORTABLE) { /* AVX2, or AVX-512 without AVX512_BF16 */
        bf16_emul_avx2(M, N, K, A, lda, P, C, ldc);
        return;
    }
#endif
    bf16_base(M, N, K, A, lda, P, C, ldc);
}
