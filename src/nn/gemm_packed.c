/* gemm_packed.c — the LSTM recurrence's small matrix product C[M][N] += A[M][K] B[K][N] against a
 * right-hand side packed ONCE (per forward/backward call) into 16-column panels P[N/16][K][16]
 * (zero-padded), so the per-step product streams contiguous weights and pays no re-packing. Two
 * bodies chosen at run time (nn_simd_enabled): AVX2+FMA intrinsics (6x16 register tiles; 1x64 for a
 * single row, the B = 1 inference case) and portable C. Each C element is one k-ordered sum added to
 * C at the end, the same in every tile shape, so results do not depend on M or the row blocking.
 * A third body for AVX-512 (nn_isa_active() == NN_ISA_AVX512): tiles of NN_Z_MR rows x NN_Z_NP
 * panels, one 16-lane register per row and panel (the shape measured fastest on Zen 5 with
 * bench/gemm_tiles.sh), 1 x 8 panels for a single row, column tails under masks. Its FMAs run in the
 * same k order from zero as the AVX2 body's, so the two give the same bytes. */
#include "nn/isa.h"
#include "nn/kernels.h"
#include "nn/tile.h"
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

size_t nn_pack_floats(int K, int N) { return (size_t)((N + NR - 1) / NR) * NR * (size_t)K; }

/* B[k][n] = W[n][k] (W row-major [N][K]) */
void nn_pack_bt(float *P, const float *W, int N, int K)
{
    int np = (N + NR - 1) / NR;
    for (int p = 0; p < np; p++) {
        float *dst = P + (size_t)p * K * NR;
        for (int j = 0; j < NR; j++) {
            int n = p * NR + j;
            for (int k = 0; k < K; k++)
                dst[(size_t)k * NR + j] = n < N ? W[(size_t)n * K + k] : 0.0f;
        }
    }
}

/* B[k][n] = W[k][n] (W row-major [K][N]) */
/* nn_pack_b's panels from W [K][N] with row stride ldw */
static void pack_b_strided(float *P, const float *W, size_t ldw, int K, int N)
{
    int np = (N + NR - 1) / NR;
    for (int p = 0; p < np; p++) {
        float *dst = P + (size_t)p * K * NR;
        int nv = N - p * NR < NR ? N - p * NR : NR;
        for (int k = 0; k < K; k++) {
            memcpy(dst + (size_t)k * NR, W + (size_t)k * ldw + (size_t)p * NR, (size_t)nv * sizeof(float));
            for (int j = nv; j < NR; j++)
                dst[(size_t)k * NR + j] = 0.0f;
        }
    }
}

void nn_pack_b(float *P, const float *W, int K, int N)
{
    pack_b_strided(P, W, (size_t)N, K, N);
}

static void gemm_base(int M, int N, int K, const float *A, int lda, const float *P, float *C, int ldc)
{
    int np = (N + NR - 1) / NR;
    for (int p = 0; p < np; p++) {
        const float *pp = P + (size_t)p * K * NR;
        int nv = N - p * NR < NR ? N - p * NR : NR;
        for (int r = 0; r < M; r++) {
            const float *a = A + (size_t)r * lda;
            float acc[NR] = {0};
            for (int k = 0; k < K; k++)
                for (int j = 0; j < NR; j++)
                    acc[j] += a[k] * pp[(size_t)k * NR + j];
            float *c = C + (size_t)r * ldc + (size_t)p * NR;
            for (int j = 0; j < nv; j++)
                c[j] += acc[j];
        }
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))

/* MR rows (compile-time constant at each call, <= 6) x one 16-column panel; named accumulators so
 * the compiler keeps all twelve in registers */
#define ROW_FMA(r, lo, hi)                                                                                 \
    if (MR > r) {                                                                                          \
        __m256 a = _mm256_broadcast_ss(A + (size_t)r * lda + k);                                           \
        lo = _mm256_fmadd_ps(a, b0, lo);                                                                   \
        hi = _mm256_fmadd_ps(a, b1, hi);                                                                   \
    }
AVX2 INLINE void tile_avx2(const int MR, int K, const float *A, int lda, const float *pp, float *C, int ldc, int nv)
{
    __m256 l0 = _mm256_setzero_ps(), h0 = l0, l1 = l0, h1 = l0, l2 = l0, h2 = l0, l3 = l0, h3 = l0, l4 = l0,
           h4 = l0, l5 = l0, h5 = l0;
    for (int k = 0; k < K; k++) {
        __m256 b0 = _mm256_loadu_ps(pp + (size_t)k * NR), b1 = _mm256_loadu_ps(pp + (size_t)k * NR + 8);
        ROW_FMA(0, l0, h0)
        ROW_FMA(1, l1, h1)
        ROW_FMA(2, l2, h2)
        ROW_FMA(3, l3, h3)
        ROW_FMA(4, l4, h4)
        ROW_FMA(5, l5, h5)
    }
    nn_avx2_add_row(C, l0, h0, nv);
    if (MR > 1)
        nn_avx2_add_row(C + (size_t)ldc, l1, h1, nv);
    if (MR > 2)
        nn_avx2_add_row(C + 2 * (size_t)ldc, l2, h2, nv);
    if (MR > 3)
        nn_avx2_add_row(C + 3 * (size_t)ldc, l3, h3, nv);
    if (MR > 4)
        nn_avx2_add_row(C + 4 * (size_t)ldc, l4, h4, nv);
    if (MR > 5)
        nn_avx2_add_row(C + 5 * (size_t)ldc, l5, h5, nv);
}
#undef ROW_FMA

/* one row x four panels (64 columns): 8 independent accumulators for the single-row case */
AVX2 INLINE void row4_avx2(int K, const float *a, const float *pp, size_t pstride, float *c)
{
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    const float *p0 = pp, *p1 = pp + pstride, *p2 = pp + 2 * pstride, *p3 = pp + 3 * pstride;
    for (int k = 0; k < K; k++) {
        __m256 av = _mm256_broadcast_ss(a + k);
        size_t o = (size_t)k * NR;
        s0 = _mm256_fmadd_ps(av, _mm256_loadu_ps(p0 + o), s0);
        s1 = _mm256_fmadd_ps(av, _mm256_loadu_ps(p0 + o + 8), s1);
        s2 = _mm256_fmadd_ps(av, _mm256_loadu_ps(p1 + o), s2);
        s3 = _mm256_fmadd_ps(av, _mm256_loadu_ps(p1 + o + 8), s3);
        s4 = _mm256_fmadd_ps(av, _mm256_loadu_ps(p2 + o), s4);
        s5 = _mm256_fmadd_ps(av, _mm256_loadu_ps(p2 + o + 8), s5);
        s6 = _mm256_fmadd_ps(av, _mm256_loadu_ps(p3 + o), s6);
        s7 = _mm256_fmadd_ps(av, _mm256_loadu_ps(p3 + o + 8), s7);
    }
    nn_avx2_add_row(c, s0, s1, NR);
    nn_avx2_add_row(c + NR, s2, s3, NR);
    nn_avx2_add_row(c + 2 * NR, s4, s5, NR);
    nn_avx2_add_row(c + 3 * NR, s6, s7, NR);
}

AVX2 static void gemm_avx2(int M, int N, int K, const float *A, int lda, const float *P, float *C, int ldc)
{
    int np = (N + NR - 1) / NR, p = 0;
    size_t ps = (size_t)K * NR;
    if (M == 1) {
        for (; p + 4 <= np && (p + 4) * NR <= N; p += 4)
            row4_avx2(K, A, P + (size_t)p * ps, ps, C + (size_t)p * NR);
        for (; p < np; p++) {
            int nv = N - p * NR < NR ? N - p * NR : NR;
            tile_avx2(1, K, A, lda, P + (size_t)p * ps, C + (size_t)p * NR, ldc, nv);
        }
        return;
    }
    /* row blocks outer: the 6 x K block of A stays in L1 while the panels stream from L2 */
    int r = 0;
    for (; r + 6 <= M; r += 6)
        for (p = 0; p < np; p++)
            tile_avx2(6, K, A + (size_t)r * lda, lda, P + (size_t)p * ps, C + (size_t)r * ldc + (size_t)p * NR, ldc,
                      N - p * NR < NR ? N - p * NR : NR);
    for (p = 0; p < np && r < M; p++) {
        const float *a = A + (size_t)r * lda, *pp = P + (size_t)p * ps;
        float *c = C + (size_t)r * ldc + (size_t)p * NR;
        int nv = N - p * NR < NR ? N - p * NR : NR;
        switch (M - r) {
        case 5: tile_avx2(5, K, a, lda, pp, c, ldc, nv); break;
        case 4: tile_avx2(4, K, a, lda, pp, c, ldc, nv); break;
        case 3: tile_avx2(3, K, a, lda, pp, c, ldc, nv); break;
        case 2: tile_avx2(2, K, a, lda, pp, c, ldc, nv); break;
        default: tile_avx2(1, K, a, lda, pp, c, ldc, nv); break;
        }
    }
}

/* ---- AVX-512 ---- */
#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")))
#ifndef NN_Z_MR
#define NN_Z_MR 8
#endif
#ifndef NN_Z_NP
#define NN_Z_NP 2
#endif
#define Z_MR_MAX (NN_Z_MR > 1 ? NN_Z_MR : 1)
#define Z_NP_MAX (NN_Z_NP > 8 ? NN_Z_NP : 8)

/* MR rows x NP panels (both compile-time constants after inlining); ncols: columns of C from the
 * tile's first one to N (the last panel may be partial). Panel q's row k is at pp + q ps + k NR. bias NULL:
 * C += the sums; else C = bias[column] + the sums (bias from the tile's first column): the same bytes as
 * filling C with the bias first, without the pass over C. */
AVX512 INLINE void ztile_s(const int MR, const int NP, int K, const float *A, size_t ar, size_t ak, const float *pp,
                           size_t ps, const float *bias, float *C, int ldc, int ncols)
{
    __m512 acc[Z_MR_MAX][Z_NP_MAX];
UNROLL
    for (int r = 0; r < MR; r++)
UNROLL
        for (int q = 0; q < NP; q++)
            acc[r][q] = _mm512_setzero_ps();
    for (int k = 0; k < K; k++) {
        __m512 b[Z_NP_MAX];
UNROLL
        for (int q = 0; q < NP; q++)
            b[q] = _mm512_loadu_ps(pp + q * ps + (size_t)k * NR);
UNROLL
        for (int r = 0; r < MR; r++) {
            __m512 a = _mm512_set1_ps(A[(size_t)r * ar + (size_t)k * ak]);
UNROLL
            for (int q = 0; q < NP; q++)
                acc[r][q] = _mm512_fmadd_ps(a, b[q], acc[r][q]);
        }
    }
UNROLL
    for (int q = 0; q < NP; q++) {
        int nv = ncols - q * NR;
        __mmask16 m = nn_tail_mask(nv);
        __m512 bq = bias ? _mm512_maskz_loadu_ps(m, bias + q * NR) : _mm512_setzero_ps();
UNROLL
        for (int r = 0; r < MR; r++) {
            float *c = C + (size_t)r * ldc + (size_t)q * NR;
            _mm512_mask_storeu_ps(c, m, _mm512_add_ps(bias ? bq : _mm512_maskz_loadu_ps(m, c), acc[r][q]));
        }
    }
}

/* A row-major (element (r, k) at A[r lda + k]) */
AVX512 INLINE void ztile(const int MR, const int NP, int K, const float *A, int lda, const float *pp, size_t ps,
                         const float *bias, float *C, int ldc, int ncols)
{
    ztile_s(MR, NP, K, A, (size_t)lda, 1, pp, ps, bias, C, ldc, ncols);
}

/* rows [r, r + MR) against every panel, NP at a time; the last group of fewer panels by a switch */
AVX512 INLINE void zrows(const int MR, int N, int K, const float *A, int lda, const float *P, const float *bias,
                         float *C, int ldc)
{
    int np = (N + NR - 1) / NR, p = 0;
    size_t ps = (size_t)K * NR;
    for (; p + NN_Z_NP <= np; p += NN_Z_NP)
        ztile(MR, NN_Z_NP, K, A, lda, P + p * ps, ps, bias ? bias + p * NR : NULL, C + (size_t)p * NR, ldc, N - p * NR);
    const float *pp = P + p * ps, *bp = bias ? bias + p * NR : NULL;
    float *c = C + (size_t)p * NR;
    switch (np - p) {
#if NN_Z_NP > 4
#error "NN_Z_NP > 4: extend the switch"
#endif
#if NN_Z_NP > 3
    case 3: ztile(MR, 3, K, A, lda, pp, ps, bp, c, ldc, N - p * NR); break;
#endif
#if NN_Z_NP > 2
    case 2: ztile(MR, 2, K, A, lda, pp, ps, bp, c, ldc, N - p * NR); break;
#endif
#if NN_Z_NP > 1
    case 1: ztile(MR, 1, K, A, lda, pp, ps, bp, c, ldc, N - p * NR); break;
#endif
    default: break;
    }
}

AVX512 static void gemm_avx512(int M, int N, int K, const float *A, int lda, const float *P, const float *bias,
                               float *C, int ldc)
{
    if (M == 1) { /* one row: 8 panels (128 columns) per pass, 8 independent accumulators */
        int np = (N + NR - 1) / NR, p = 0;
        size_t ps = (size_t)K * NR;
        for (; p + 8 <= np; p += 8)
            ztile(1, 8, K, A, lda, P + p * ps, ps, bias ? bias + p * NR : NULL, C + (size_t)p * NR, ldc, N - p * NR);
        for (; p < np; p++)
            ztile(1, 1, K, A, lda, P + p * ps, ps, bias ? bias + p * NR : NULL, C + (size_t)p * NR, ldc, N - p * NR);
        return;
    }
    int r = 0;
    for (; r + NN_Z_MR <= M; r += NN_Z_MR)
        zrows(NN_Z_MR, N, K, A + (size_t)r * lda, lda, P, bias, C + (size_t)r * ldc, ldc);
    const float *a = A + (size_t)r * lda;
    float *c = C + (size_t)r * ldc;
    switch (M - r) {
#if NN_Z_MR > 12
#error "NN_Z_MR > 12: extend the switch"
#endif
#define ZCASE(n) case n: zrows(n, N, K, a, lda, P, bias, c, ldc); break;
#if NN_Z_MR > 11
    ZCASE(11)
#endif
#if NN_Z_MR > 10
    ZCASE(10)
#endif
#if NN_Z_MR > 9
    ZCASE(9)
#endif
#if NN_Z_MR > 8
    ZCASE(8)
#endif
#if NN_Z_MR > 7
    ZCASE(7)
#endif
#if NN_Z_MR > 6
    ZCASE(6)
#endif
#if NN_Z_MR > 5
    ZCASE(5)
#endif
#if NN_Z_MR > 4
    ZCASE(4)
#endif
#if NN_Z_MR > 3
    ZCASE(3)
#endif
#if NN_Z_MR > 2
    ZCASE(2)
#endif
#if NN_Z_MR > 1
    ZCASE(1)
#endif
#undef ZCASE
    default: break;
    }
}

/* C[M][N] += A^T B with A stored [K][M] (lda) and B packed by nn_pack_b: K in blocks of AT_KC (a block of A^T and
 * of the panels stays in L2 while every tile of C passes over it), tiles of 8 rows x 2 panels, the rows
 * past the last multiple of 8 one at a time */
#define AT_KC 256
AVX512 static void gemm_at_avx512(int M, int N, int K, const float *A, int lda, const float *P, float *C, int ldc)
{
    int np = (N + NR - 1) / NR;
    size_t ps = (size_t)K * NR;
    for (int k0 = 0; k0 < K; k0 += AT_KC) {
        int kc = K - k0 < AT_KC ? K - k0 : AT_KC;
        const float *a0 = A + (size_t)k0 * lda, *p0 = P + (size_t)k0 * NR;
        int r = 0;
        for (; r + 8 <= M; r += 8) {
            int p = 0;
            for (; p + 2 <= np; p += 2)
                ztile_s(8, 2, kc, a0 + r, 1, (size_t)lda, p0 + p * ps, ps, NULL, C + (size_t)r * ldc + (size_t)p * NR,
                        ldc, N - p * NR);
            if (p < np)
                ztile_s(8, 1, kc, a0 + r, 1, (size_t)lda, p0 + p * ps, ps, NULL, C + (size_t)r * ldc + (size_t)p * NR,
                        ldc, N - p * NR);
        }
        for (; r < M; r++)
            for (int p = 0; p < np; p++)
                ztile_s(1, 1, kc, a0 + r, 1, (size_t)lda, p0 + p * ps, ps, NULL, C + (size_t)r * ldc + (size_t)p * NR,
                        ldc, N - p * NR);
    }
}
#define HAVE_AVX2_GEMM 1
#else
#define HAVE_AVX2_GEMM 0
#endif

void nn_gemm_packed(int M, int N, int K, const float *A, int lda, const float *P, float *C, int ldc)
{
    if (M < 1 || N < 1 || K < 1)
        return;
#if HAVE_AVX2_GEMM
    switch (nn_isa_active()) {
    case NN_ISA_AVX512: gemm_avx512(M, N, K, A, lda, P, NULL, C, ldc); return;
    case NN_ISA_AVX2: gemm_avx2(M, N, K, A, lda, P, C, ldc); return;
    default: break;
    }
#endif
    gemm_base(M, N, K, A, lda, P, C, ldc);
}

void nn_gemm_packed_bias(int M, int N, int K, const float *A, int lda, const float *P, const float *bias, float *C,
                         int ldc)
{
    if (M < 1 || N < 1)
        return;
#if HAVE_AVX2_GEMM
    if (K >= 1 && nn_isa_active() == NN_ISA_AVX512) {
        gemm_avx512(M, N, K, A, lda, P, bias, C, ldc);
        return;
    }
#endif
    for (int r = 0; r < M; r++)
        memcpy(C + (size_t)r * ldc, bias, (size_t)N * sizeof(float));
    nn_gemm_packed(M, N, K, A, lda, P, C, ldc);
}

/* the portable body of the C += A^T B products (panel p, row k at P + p ps + k pk) */
static void gemm_at_base(int M, int N, int K, const float *A, int lda, const float *P, size_t pk, size_t ps, float *C,
                         int ldc)
{
    int np = (N + NR - 1) / NR;
    for (int r = 0; r < M; r++)
        for (int p = 0; p < np; p++) {
            const float *pp = P + (size_t)p * ps;
            int nv = N - p * NR < NR ? N - p * NR : NR;
            float acc[NR] = {0};
            for (int k = 0; k < K; k++)
                for (int j = 0; j < nv; j++)
                    acc[j] += A[(size_t)k * lda + r] * pp[(size_t)k * pk + j];
            for (int j = 0; j < nv; j++)
                C[(size_t)r * ldc + (size_t)p * NR + j] += acc[j];
        }
}

void nn_gemm_at_packed(int M, int N, int K, const float *A, int lda, const float *P, float *C, int ldc)
{
    if (M < 1 || N < 1 || K < 1)
        return;
#if HAVE_AVX2_GEMM
    if (nn_isa_active() == NN_ISA_AVX512) {
        gemm_at_avx512(M, N, K, A, lda, P, C, ldc);
        return;
    }
#endif
    gemm_at_base(M, N, K, A, lda, P, NR, (size_t)K * NR, C, ldc);
}

void nn_gemm_at(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc)
{
    if (M < 1 || N < 1 || K < 1)
        return;
#if HAVE_AVX2_GEMM
    if (nn_isa_active() == NN_ISA_AVX512) {
        /* K in blocks of AT_KC rows of B, each packed into panels in a buffer that stays in L2 (128 KB at
         * N = 128), then the tiles over it: gemm_at_avx512's blocks, without a packed copy of all of B */
        float *buf = malloc(nn_pack_floats(AT_KC, N) * sizeof(float)); /* gemm_at_avx512's blocks: the same sums */
        if (buf) {
            for (int k0 = 0; k0 < K; k0 += AT_KC) {
                int kc = K - k0 < AT_KC ? K - k0 : AT_KC;
                pack_b_strided(buf, B + (size_t)k0 * ldb, (size_t)ldb, kc, N);
                gemm_at_avx512(M, N, kc, A + (size_t)k0 * lda, lda, buf, C, ldc);
            }
            free(buf);
            return;
        }
    }
#endif
    gemm_at_base(M, N, K, A, lda, B, (size_t)ldb, NR, C, ldc); /* also AVX-512 without memory for the buffer */
}
