/* gemm_q8.c — the 8-bit product of the int8 inference path (lstm_infer_q8): C[M][N] += alpha[n] *
 * sum_k A[m][k] W[n][k] with A unsigned 7-bit activations (0..127) and W signed 8-bit weights
 * (-127..127), exact int32 sums. Weights are packed once (per model: lstm_q8_prepare) into 16-column
 * panels of 4-k groups, P[N/16][K/4][16][4] bytes, so one AVX2 vpmaddubsw multiplies 32 byte pairs. Because
 * 2 * 127 * 127 = 32258 < 32767, the 16-bit pair sums of vpmaddubsw never saturate: the AVX2 body
 * and the portable C body compute the same integers, and the float result C += (float)acc * alpha
 * (a multiply then an add, no FMA) is the same bytes on both. Also the quantizer of activations.
 * With AVX512_VNNI on the AVX-512 path (nn_q8_bits() == 8), activations get all 8 bits (0..255) and
 * vpdpbusd sums the four byte products of a k group straight into int32, so nothing can saturate: the
 * VNNI body (8-row x 2-panel tiles, one 64-byte panel row per register) and the portable body give the
 * same integers and the same bytes; the AVX2 body keeps the 7-bit scheme (bits = 7). */
#include "nn/isa.h"
#include "nn/kernels.h"
#include "nn/tile.h"
#include <math.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#define KG 4

int nn_q8_kpad(int K) { return (K + KG - 1) / KG * KG; }

size_t nn_q8_pack_bytes(int K, int N) { return (size_t)((N + NR - 1) / NR) * NR * (size_t)nn_q8_kpad(K); }

int nn_q8_bits(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (nn_isa_active() == NN_ISA_AVX512 && __builtin_cpu_supports("avx512vnni"))
        return 8;
#endif
    return 7;
}

/* activation levels - 1 for 7 or 8 bits: h ~ (2q - top) / top */
static int q8_top(int bits) { return bits == 8 ? 255 : 127; }

void nn_q8_pack_bt(int8_t *P, float *alpha, float *beta, const float *W, int N, int K, int bits)
{
    int Kp = nn_q8_kpad(K), np = (N + NR - 1) / NR;
    memset(P, 0, nn_q8_pack_bytes(K, N));
    for (int n = 0; n < np * NR; n++) {
        float mx = 0;
        if (n < N)
            for (int k = 0; k < K; k++)
                mx = fabsf(W[(size_t)n * K + k]) > mx ? fabsf(W[(size_t)n * K + k]) : mx;
        float s = mx > 0 ? mx / 127.0f : 1.0f;
        int32_t rowsum = 0;
        int8_t *panel = P + (size_t)(n / NR) * Kp * NR;
        for (int k = 0; n < N && k < K; k++) {
            long q = lrintf(W[(size_t)n * K + k] / s);
            q = q > 127 ? 127 : q < -127 ? -127 : q;
            panel[(size_t)(k / KG) * NR * KG + (size_t)(n % NR) * KG + (size_t)(k % KG)] = (int8_t)q;
            rowsum += (int32_t)q;
        }
        if (n < N) {
            /* h ~ (2q - top) / top, so sum_k W h = (2 s / top) acc - s rowsum */
            alpha[n] = 2.0f * s / (float)q8_top(bits);
            beta[n] = -s * (float)rowsum;
        }
    }
}

/* q = (int)(clamp(h * top/2 + (top+1)/2, 0.5, top + 0.5)): round half up of top/2 (h + 1) into
 * 0..top (top = 127 or 255); a multiply then an add, as in the AVX2 body, so both give the same bytes */
static void quantize_base(uint8_t *q, int ldq, const float *h, int ldh, int M, int K, int bits)
{
    int Kp = nn_q8_kpad(K), top = q8_top(bits);
    float mul = 0.5f * (float)top, add = 0.5f * (float)(top + 1), hi = (float)top + 0.5f;
    for (int r = 0; r < M; r++) {
        const float *src = h + (size_t)r * ldh;
        uint8_t *dst = q + (size_t)r * ldq;
        for (int k = 0; k < K; k++) {
            float v = src[k] * mul;
            v = v + add;
            v = !(v >= 0.5f) ? 0.5f : v > hi ? hi : v; /* NaN -> 0.5 */
            dst[k] = (uint8_t)(int)v;
        }
        for (int k = K; k < Kp; k++)
            dst[k] = (uint8_t)add;
    }
}

static void q8_base(int M, int N, int K, const uint8_t *A, int lda, const int8_t *P, const float *alpha, float *C,
                    int ldc)
{
    int Kp = nn_q8_kpad(K), np = (N + NR - 1) / NR;
    for (int p = 0; p < np; p++) {
        const int8_t *pp = P + (size_t)p * Kp * NR;
        int nv = N - p * NR < NR ? N - p * NR : NR;
        for (int r = 0; r < M; r++) {
            const uint8_t *a = A + (size_t)r * lda;
            int32_t acc[NR] = {0};
            for (int k = 0; k < Kp; k += KG)
                for (int j = 0; j < NR; j++) {
                    const int8_t *w = pp + (size_t)(k / KG) * NR * KG + (size_t)j * KG;
                    acc[j] += a[k] * w[0] + a[k + 1] * w[1] + a[k + 2] * w[2] + a[k + 3] * w[3];
                }
            float *c = C + (size_t)r * ldc + (size_t)p * NR;
            for (int j = 0; j < nv; j++) {
                float prod = (float)acc[j] * alpha[p * NR + j];
                c[j] = c[j] + prod;
            }
        }
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))

AVX2 INLINE void q8_store(float *c, __m256i lo, __m256i hi, const float *al, int nv)
{
    float at[NR] = {0};
    if (nv < NR) { /* alpha has N entries: the last panel's are copied, not over-read */
        memcpy(at, al, (size_t)nv * sizeof(float));
        al = at;
    }
    __m256 pl = _mm256_mul_ps(_mm256_cvtepi32_ps(lo), _mm256_loadu_ps(al));
    __m256 ph = _mm256_mul_ps(_mm256_cvtepi32_ps(hi), _mm256_loadu_ps(al + 8));
    if (nv == NR) {
        _mm256_storeu_ps(c, _mm256_add_ps(_mm256_loadu_ps(c), pl));
        _mm256_storeu_ps(c + 8, _mm256_add_ps(_mm256_loadu_ps(c + 8), ph));
        return;
    }
    float t[NR];
    _mm256_storeu_ps(t, pl);
    _mm256_storeu_ps(t + 8, ph);
    for (int j = 0; j < nv; j++)
        c[j] = c[j] + t[j];
}

/* one row's four k into both 8-column halves; in assembly because GCC's allocation of the intrinsics
 * version spilled accumulators (measured 135 vs 174 GMAC-equivalent/s for clang's) */
#define ROW_MAC(r, lo, hi)                                                                                 \
    if (MR > r) {                                                                                          \
        __m256i t0, t1;                                                                                    \
        __asm__("vpbroadcastd %[a], %[t0]\n\t"                                                              \
                "vpmaddubsw %[b0], %[t0], %[t1]\n\t"                                                        \
                "vpmaddwd %[ones], %[t1], %[t1]\n\t"                                                        \
                "vpaddd %[t1], %[acc_lo], %[acc_lo]\n\t"                                                            \
                "vpmaddubsw %[b1], %[t0], %[t0]\n\t"                                                        \
                "vpmaddwd %[ones], %[t0], %[t0]\n\t"                                                        \
                "vpaddd %[t0], %[acc_hi], %[acc_hi]"                                                               \
                : [acc_lo] "+x"(lo), [acc_hi] "+x"(hi), [t0] "=&x"(t0), [t1] "=&x"(t1)                             \
                : [a] "m"(*(const int32_t *)(const void *)(A + (size_t)r * lda + k)), [b0] "x"(b0),       \
                  [b1] "x"(b1), [ones] "x"(ones));                                                         \
    }
AVX2 INLINE void q8_tile(const int MR, int Kp, const uint8_t *A, int lda, const int8_t *pp, const float *al,
                         float *C, int ldc, int nv)
{
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i l0 = _mm256_setzero_si256(), h0 = l0, l1 = l0, h1 = l0, l2 = l0, h2 = l0, l3 = l0, h3 = l0;
    for (int k = 0; k < Kp; k += KG) {
        const int8_t *w = pp + (size_t)(k / KG) * NR * KG;
        __m256i b0 = _mm256_loadu_si256((const __m256i *)w), b1 = _mm256_loadu_si256((const __m256i *)(w + 32));
        ROW_MAC(0, l0, h0)
        ROW_MAC(1, l1, h1)
        ROW_MAC(2, l2, h2)
        ROW_MAC(3, l3, h3)
    }
    q8_store(C, l0, h0, al, nv);
    if (MR > 1)
        q8_store(C + (size_t)ldc, l1, h1, al, nv);
    if (MR > 2)
        q8_store(C + 2 * (size_t)ldc, l2, h2, al, nv);
    if (MR > 3)
        q8_store(C + 3 * (size_t)ldc, l3, h3, al, nv);
}
#undef ROW_MAC

AVX2 static void q8_avx2(int M, int N, int K, const uint8_t *A, int lda, const int8_t *P, const float *alpha,
                         float *C, int ldc)
{
    int Kp = nn_q8_kpad(K), np = (N + NR - 1) / NR, r = 0;
    size_t ps = (size_t)Kp * NR;
    for (; r + 4 <= M; r += 4)
        for (int p = 0; p < np; p++)
            q8_tile(4, Kp, A + (size_t)r * lda, lda, P + (size_t)p * ps, alpha + (size_t)p * NR,
                    C + (size_t)r * ldc + (size_t)p * NR, ldc, N - p * NR < NR ? N - p * NR : NR);
    for (int p = 0; p < np && r < M; p++) {
        const uint8_t *a = A + (size_t)r * lda;
        const int8_t *pp = P + (size_t)p * ps;
        const float *al = alpha + (size_t)p * NR;
        float *c = C + (size_t)r * ldc + (size_t)p * NR;
        int nv = N - p * NR < NR ? N - p * NR : NR;
        switch (M - r) {
        case 3: q8_tile(3, Kp, a, lda, pp, al, c, ldc, nv); break;
        case 2: q8_tile(2, Kp, a, lda, pp, al, c, ldc, nv); break;
        default: q8_tile(1, Kp, a, lda, pp, al, c, ldc, nv); break;
        }
    }
}

AVX2 static void quantize_avx2(uint8_t *q, int ldq, const float *h, int ldh, int M, int K, int bits)
{
    int top = q8_top(bits);
    const __m256 mul = _mm256_set1_ps(0.5f * (float)top), add = _mm256_set1_ps(0.5f * (float)(top + 1)),
                 lo = _mm256_set1_ps(0.5f), hi = _mm256_set1_ps((float)top + 0.5f);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    int K32 = K & ~31;
    for (int r = 0; r < M; r++) {
        const float *src = h + (size_t)r * ldh;
        uint8_t *dst = q + (size_t)r * ldq;
        for (int k = 0; k < K32; k += 32) {
            __m256i v[4];
            for (int i = 0; i < 4; i++) {
                __m256 x = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(src + k + 8 * i), mul), add);
                /* max(lo, x) then min(hi, .) also map NaN to 0.5, like the C body's comparisons */
                x = _mm256_min_ps(hi, _mm256_max_ps(x, lo));
                v[i] = _mm256_cvttps_epi32(x);
            }
            __m256i b = _mm256_packus_epi16(_mm256_packs_epi32(v[0], v[1]), _mm256_packs_epi32(v[2], v[3]));
            _mm256_storeu_si256((__m256i *)(dst + k), _mm256_permutevar8x32_epi32(b, order));
        }
        if (K32 < K)
            quantize_base(dst + K32, ldq, src + K32, ldh, 1, K - K32, bits);
        else
            for (int k = K; k < nn_q8_kpad(K); k++)
                dst[k] = (uint8_t)((top + 1) / 2);
    }
}

#define VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma")))
#define QZ_MR 8
#define QZ_NP 2

/* MR rows x NP panels of 8-bit products: per k group one vpdpbusd per row and panel; C += acc * alpha
 * (multiply, then add) under a mask for a partial last panel */
VNNI INLINE void qz_tile(const int MR, const int NP, int Kp, const uint8_t *A, int lda, const int8_t *pp, size_t ps,
                         const float *al, float *C, int ldc, int ncols)
{
    __m512i acc[QZ_MR][QZ_NP];
UNROLL
    for (int r = 0; r < MR; r++)
UNROLL
        for (int q = 0; q < NP; q++)
            acc[r][q] = _mm512_setzero_si512();
    for (int k = 0; k < Kp; k += KG) {
        __m512i b[QZ_NP];
UNROLL
        for (int q = 0; q < NP; q++)
            b[q] = _mm512_loadu_si512((const void *)(pp + q * ps + (size_t)k * NR));
UNROLL
        for (int r = 0; r < MR; r++) {
            int32_t a4;
            memcpy(&a4, A + (size_t)r * lda + k, sizeof a4);
            __m512i a = _mm512_set1_epi32(a4);
UNROLL
            for (int q = 0; q < NP; q++)
                acc[r][q] = _mm512_dpbusd_epi32(acc[r][q], a, b[q]);
        }
    }
UNROLL
    for (int q = 0; q < NP; q++) {
        int nv = ncols - q * NR;
        __mmask16 m = nn_tail_mask(nv);
        __m512 alq = _mm512_maskz_loadu_ps(m, al + q * NR);
UNROLL
        for (int r = 0; r < MR; r++) {
            float *c = C + (size_t)r * ldc + (size_t)q * NR;
            __m512 prod = _mm512_mul_ps(_mm512_cvtepi32_ps(acc[r][q]), alq);
            _mm512_mask_storeu_ps(c, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, c), prod));
        }
    }
}

VNNI INLINE void qz_rows(const int MR, int N, int Kp, const uint8_t *A, int lda, const int8_t *P, const float *alpha,
                         float *C, int ldc)
{
    int np = (N + NR - 1) / NR, p = 0;
    size_t ps = (size_t)Kp * NR;
    for (; p + QZ_NP <= np; p += QZ_NP)
        qz_tile(MR, QZ_NP, Kp, A, lda, P + p * ps, ps, alpha + p * NR, C + (size_t)p * NR, ldc, N - p * NR);
    if (p < np)
        qz_tile(MR, 1, Kp, A, lda, P + p * ps, ps, alpha + p * NR, C + (size_t)p * NR, ldc, N - p * NR);
}

VNNI static void q8_vnni(int M, int N, int K, const uint8_t *A, int lda, const int8_t *P, const float *alpha,
                         float *C, int ldc)
{
    int Kp = nn_q8_kpad(K), r = 0;
    for (; r + QZ_MR <= M; r += QZ_MR)
        qz_rows(QZ_MR, N, Kp, A + (size_t)r * lda, lda, P, alpha, C + (size_t)r * ldc, ldc);
    const uint8_t *a = A + (size_t)r * lda;
    float *c = C + (size_t)r * ldc;
    switch (M - r) {
    case 7: qz_rows(7, N, Kp, a, lda, P, alpha, c, ldc); break;
    case 6: qz_rows(6, N, Kp, a, lda, P, alpha, c, ldc); break;
    case 5: qz_rows(5, N, Kp, a, lda, P, alpha, c, ldc); break;
    case 4: qz_rows(4, N, Kp, a, lda, P, alpha, c, ldc); break;
    case 3: qz_rows(3, N, Kp, a, lda, P, alpha, c, ldc); break;
    case 2: qz_rows(2, N, Kp, a, lda, P, alpha, c, ldc); break;
    case 1: qz_rows(1, N, Kp, a, lda, P, alpha, c, ldc); break;
    default: break;
    }
}
#define HAVE_AVX2_Q8 1
#else
#define HAVE_AVX2_Q8 0
#endif

void nn_q8_quantize(uint8_t *q, int ldq, const float *h, int ldh, int M, int K, int bits)
{
#if HAVE_AVX2_Q8
    if (nn_simd_enabled()) {
        quantize_avx2(q, ldq, h, ldh, M, K, bits);
        return;
    }
#endif
    quantize_base(q, ldq, h, ldh, M, K, bits);
}

void nn_q8_gemm(int M, int N, int K, const uint8_t *A, int lda, const int8_t *P, const float *alpha, float *C,
                int ldc, int bits)
{
    if (M < 1 || N < 1 || K < 1)
        return;
#if HAVE_AVX2_Q8
    if (bits == 8 && nn_q8_bits() == 8) {
        q8_vnni(M, N, K, A, lda, P, alpha, C, ldc);
        return;
    }
    if (bits == 7 && nn_simd_enabled()) { /* 8-bit activations would saturate vpmaddubsw */
        q8_avx2(M, N, K, A, lda, P, alpha, C, ldc);
        return;
    }
#endif
    q8_base(M, N, K, A, lda, P, alpha, C, ldc);
}
