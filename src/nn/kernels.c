/* kernels.c — fused elementwise LSTM kernels. The bodies are written once as always-inline functions
 * and compiled twice: a baseline version and an AVX2+FMA version chosen at run time. The exp used by
 * sigmoid and tanh is a Cephes-style range reduction + polynomial so the loops vectorise. The AVX2
 * forward cell is written in intrinsics instead: the same exp with FMAs, and reciprocals as rcp + one
 * Newton step in place of divisions (about 2x faster; within a few 1e-7 of the portable cell). The
 * AVX-512 forward cell is the same code 16 lanes wide (rcp14 + one Newton step; the tails of H not a
 * multiple of 16 under masks); the backward cell and the activations are the portable bodies compiled
 * for each target. The path is nn_isa_active() (isa.c). */
#include "nn/kernels.h"
#include "nn/isa.h"
#include <cblas.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3", "no-trapping-math")
#endif

#define INLINE static inline __attribute__((always_inline))

INLINE float fexp(float x)
{
    x = x > 88.0f ? 88.0f : x;
    x = x < -87.0f ? -87.0f : x;
    float kf = x * 1.44269504088896341f;
    int ki = (int)(kf + 128.5f) - 128; /* round to nearest (argument positive before truncation) */
    float k = (float)ki;
    float r = x - k * 0.693359375f;
    r = r - k * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t bits = (ki + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

INLINE float fsigmoid(float x) { return 1.0f / (1.0f + fexp(-x)); }
INLINE float ftanh(float x)
{
    /* tanh x = sign(x) (1 - e^{-2|x|}) / (1 + e^{-2|x|}) */
    float e = fexp(-2.0f * __builtin_fabsf(x));
    float t = (1.0f - e) / (1.0f + e);
    return __builtin_copysignf(t, x);
}

/* One row; has_cp / has_tc are compile-time constants at each call so the loop is branch-free. */
INLINE void cell_fwd_row(int H, float *restrict gi, const float *restrict cp, float *restrict cb,
                         float *restrict hb, float *restrict tb, const int has_cp, const int has_tc)
{
    float *restrict gf = gi + H, *restrict gg = gi + 2 * H, *restrict go = gi + 3 * H;
    for (int j = 0; j < H; j++) {
        float i_ = fsigmoid(gi[j]), f_ = fsigmoid(gf[j]), g_ = ftanh(gg[j]), o_ = fsigmoid(go[j]);
        float cv = i_ * g_;
        if (has_cp)
            cv += f_ * cp[j];
        float t = ftanh(cv);
        gi[j] = i_;
        gf[j] = f_;
        gg[j] = g_;
        go[j] = o_;
        cb[j] = cv;
        hb[j] = o_ * t;
        if (has_tc)
            tb[j] = t;
    }
}

INLINE void cell_fwd_body(int nb, int H, float *restrict g, const float *restrict c_prev,
                          float *restrict c, float *restrict h, float *restrict tc)
{
    for (int b = 0; b < nb; b++) {
        size_t o4 = (size_t)b * 4 * H, o1 = (size_t)b * H;
        if (c_prev && tc)
            cell_fwd_row(H, g + o4, c_prev + o1, c + o1, h + o1, tc + o1, 1, 1);
        else if (c_prev)
            cell_fwd_row(H, g + o4, c_prev + o1, c + o1, h + o1, NULL, 1, 0);
        else if (tc)
            cell_fwd_row(H, g + o4, NULL, c + o1, h + o1, tc + o1, 0, 1);
        else
            cell_fwd_row(H, g + o4, NULL, c + o1, h + o1, NULL, 0, 0);
    }
}

INLINE void cell_bwd_row(int H, float *restrict gi, const float *restrict cp, const float *restrict tb,
                         const float *restrict dhb, float *restrict dcb, const int has_cp)
{
    float *restrict gf = gi + H, *restrict gg = gi + 2 * H, *restrict go = gi + 3 * H;
    for (int j = 0; j < H; j++) {
        float i_ = gi[j], f_ = gf[j], g_ = gg[j], o_ = go[j], t = tb[j], d = dhb[j];
        float dcv = d * o_ * (1.0f - t * t) + dcb[j];
        float cpv = has_cp ? cp[j] : 0.0f;
        gi[j] = dcv * g_ * i_ * (1.0f - i_);
        gf[j] = dcv * cpv * f_ * (1.0f - f_);
        gg[j] = dcv * i_ * (1.0f - g_ * g_);
        go[j] = d * t * o_ * (1.0f - o_);
        dcb[j] = dcv * f_;
    }
}

INLINE void cell_bwd_body(int nb, int H, float *restrict g, const float *restrict c_prev,
                          const float *restrict tc, const float *restrict dh, float *restrict dc)
{
    for (int b = 0; b < nb; b++) {
        size_t o4 = (size_t)b * 4 * H, o1 = (size_t)b * H;
        if (c_prev)
            cell_bwd_row(H, g + o4, c_prev + o1, tc + o1, dh + o1, dc + o1, 1);
        else
            cell_bwd_row(H, g + o4, NULL, tc + o1, dh + o1, dc + o1, 0);
    }
}

INLINE void sigmoid_body(float *restrict x, size_t n)
{
    for (size_t k = 0; k < n; k++)
        x[k] = fsigmoid(x[k]);
}
INLINE void tanh_body(float *restrict x, size_t n)
{
    for (size_t k = 0; k < n; k++)
        x[k] = ftanh(x[k]);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_AVX2_PATH 1
#define AVX2 __attribute__((target("avx2,fma")))
#include <immintrin.h>

/* exp, 1/d, sigmoid and tanh for one vector width W (256 or 512 bits, L lanes), named exp##L etc.
 * exp: the same range reduction and polynomial as fexp, with FMAs; NaN stays NaN. 1/d: the approximate
 * reciprocal RCP (12 bits for AVX2's rcp, 14 for rcp14) and one Newton step. */
#define DEF_ACTIVATIONS(TARGET, L, W, ROUND, RCP, SCALE)                                                      \
    TARGET INLINE __m##W exp##L(__m##W x)                                                                  \
    {                                                                                                      \
        x = _mm##W##_min_ps(_mm##W##_set1_ps(88.0f), x); /* min(a, b) returns b when either is NaN */     \
        x = _mm##W##_max_ps(_mm##W##_set1_ps(-87.0f), x);                                                  \
        __m##W k = ROUND(_mm##W##_mul_ps(x, _mm##W##_set1_ps(1.44269504088896341f)),                       \
                         _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);                                   \
        __m##W r = _mm##W##_fnmadd_ps(k, _mm##W##_set1_ps(0.693359375f), x);                               \
        r = _mm##W##_fnmadd_ps(k, _mm##W##_set1_ps(-2.12194440e-4f), r);                                   \
        __m##W p = _mm##W##_set1_ps(1.9875691500e-4f);                                                     \
        p = _mm##W##_fmadd_ps(p, r, _mm##W##_set1_ps(1.3981999507e-3f));                                   \
        p = _mm##W##_fmadd_ps(p, r, _mm##W##_set1_ps(8.3334519073e-3f));                                   \
        p = _mm##W##_fmadd_ps(p, r, _mm##W##_set1_ps(4.1665795894e-2f));                                   \
        p = _mm##W##_fmadd_ps(p, r, _mm##W##_set1_ps(1.6666665459e-1f));                                   \
        p = _mm##W##_fmadd_ps(p, r, _mm##W##_set1_ps(5.0000001201e-1f));                                   \
        p = _mm##W##_fmadd_ps(_mm##W##_mul_ps(p, r), r, _mm##W##_add_ps(r, _mm##W##_set1_ps(1.0f)));       \
        return SCALE(p, k);                                                                                \
    }                                                                                                      \
    TARGET INLINE __m##W recip##L(__m##W d)                                                                \
    {                                                                                                      \
        __m##W y = RCP(d);                                                                                 \
        return _mm##W##_mul_ps(y, _mm##W##_fnmadd_ps(d, y, _mm##W##_set1_ps(2.0f)));                       \
    }                                                                                                      \
    TARGET INLINE __m##W sigmoid##L(__m##W x)                                                              \
    {                                                                                                      \
        return recip##L(                                                                                   \
            _mm##W##_add_ps(_mm##W##_set1_ps(1.0f), exp##L(_mm##W##_sub_ps(_mm##W##_setzero_ps(), x))));   \
    }                                                                                                      \
    TARGET INLINE __m##W tanh##L(__m##W x)                                                                 \
    {                                                                                                      \
        const __m##W sign = _mm##W##_set1_ps(-0.0f), one = _mm##W##_set1_ps(1.0f);                        \
        __m##W e = exp##L(_mm##W##_mul_ps(_mm##W##_set1_ps(-2.0f), _mm##W##_andnot_ps(sign, x)));          \
        __m##W t = _mm##W##_mul_ps(_mm##W##_sub_ps(one, e), recip##L(_mm##W##_add_ps(one, e)));            \
        return _mm##W##_or_ps(t, _mm##W##_and_ps(sign, x));                                               \
    }
/* p 2^k, k an integral float in [-126, 127] (the clamps): the exponent bits built by hand on AVX2 */
AVX2 INLINE __m256 scale_avx2(__m256 p, __m256 k)
{
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}
DEF_ACTIVATIONS(AVX2, 8, 256, _mm256_round_ps, _mm256_rcp_ps, scale_avx2)

/* The forward cell in 8-lane intrinsics (the transcendental part is most of the cell's time), in two
 * passes per row: the gate activations in place, then c, tanh c and h. Each element's activation is a
 * dependency chain of ~20 operations; short loop bodies let the out-of-order core overlap many of them
 * (one fused body per 8 columns, ~150 operations with a ~170-cycle chain, ran latency-bound at ~14
 * cycles per element). The same arithmetic per element either way. Columns past the last multiple of 8
 * take the scalar row code. */
AVX2 static void cell_fwd_avx2(int nb, int H, float *g, const float *cp, float *c, float *h, float *tc)
{
    int H8 = H & ~7;
    for (int b = 0; b < nb; b++) {
        float *gi = g + (size_t)b * 4 * H, *gf = gi + H, *gg = gi + 2 * H, *go = gi + 3 * H;
        const float *cpb = cp ? cp + (size_t)b * H : NULL;
        float *cb = c + (size_t)b * H, *hb = h + (size_t)b * H, *tb = tc ? tc + (size_t)b * H : NULL;
        for (int j = 0; j < H8; j += 8) {
            _mm256_storeu_ps(gi + j, sigmoid8(_mm256_loadu_ps(gi + j)));
            _mm256_storeu_ps(gf + j, sigmoid8(_mm256_loadu_ps(gf + j)));
        }
        for (int j = 0; j < H8; j += 8)
            _mm256_storeu_ps(gg + j, tanh8(_mm256_loadu_ps(gg + j)));
        for (int j = 0; j < H8; j += 8)
            _mm256_storeu_ps(go + j, sigmoid8(_mm256_loadu_ps(go + j)));
        for (int j = 0; j < H8; j += 8) {
            __m256 cv = _mm256_mul_ps(_mm256_loadu_ps(gi + j), _mm256_loadu_ps(gg + j));
            if (cpb)
                cv = _mm256_fmadd_ps(_mm256_loadu_ps(gf + j), _mm256_loadu_ps(cpb + j), cv);
            __m256 t = tanh8(cv);
            _mm256_storeu_ps(cb + j, cv);
            _mm256_storeu_ps(hb + j, _mm256_mul_ps(_mm256_loadu_ps(go + j), t));
            if (tb)
                _mm256_storeu_ps(tb + j, t);
        }
        if (H8 < H) { /* the tail: the row code on columns [H8, H) of each gate */
            for (int j = H8; j < H; j++) {
                float i_ = fsigmoid(gi[j]), f_ = fsigmoid(gf[j]), g_ = ftanh(gg[j]), o_ = fsigmoid(go[j]);
                float cv = i_ * g_ + (cpb ? f_ * cpb[j] : 0.0f), t = ftanh(cv);
                gi[j] = i_, gf[j] = f_, gg[j] = g_, go[j] = o_;
                cb[j] = cv;
                hb[j] = o_ * t;
                if (tb)
                    tb[j] = t;
            }
        }
    }
}
AVX2 static void cell_bwd_avx2(int nb, int H, float *g, const float *cp, const float *tc, const float *dh, float *dc)
{
    cell_bwd_body(nb, H, g, cp, tc, dh, dc);
}
AVX2 static void sigmoid_avx2(float *x, size_t n) { sigmoid_body(x, n); }
AVX2 static void tanh_avx2(float *x, size_t n) { tanh_body(x, n); }

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")))

/* the same p 2^k in one vscalefps (exact for these k, so the same numbers as the AVX2 form) */
DEF_ACTIVATIONS(AVX512, 16, 512, _mm512_roundscale_ps, _mm512_rcp14_ps, _mm512_scalef_ps)
#undef DEF_ACTIVATIONS

/* cell_fwd_avx2's passes, 16 columns at a time; the last partial group of each gate under a mask */
AVX512 static void cell_fwd_avx512(int nb, int H, float *g, const float *cp, float *c, float *h, float *tc)
{
    for (int b = 0; b < nb; b++) {
        float *gi = g + (size_t)b * 4 * H, *gf = gi + H, *gg = gi + 2 * H, *go = gi + 3 * H;
        const float *cpb = cp ? cp + (size_t)b * H : NULL;
        float *cb = c + (size_t)b * H, *hb = h + (size_t)b * H, *tb = tc ? tc + (size_t)b * H : NULL;
        for (int j = 0; j < H; j += 16) {
            __mmask16 m = H - j >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (H - j)) - 1);
            _mm512_mask_storeu_ps(gi + j, m, sigmoid16(_mm512_maskz_loadu_ps(m, gi + j)));
            _mm512_mask_storeu_ps(gf + j, m, sigmoid16(_mm512_maskz_loadu_ps(m, gf + j)));
        }
        for (int j = 0; j < H; j += 16) {
            __mmask16 m = H - j >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (H - j)) - 1);
            _mm512_mask_storeu_ps(gg + j, m, tanh16(_mm512_maskz_loadu_ps(m, gg + j)));
            _mm512_mask_storeu_ps(go + j, m, sigmoid16(_mm512_maskz_loadu_ps(m, go + j)));
        }
        for (int j = 0; j < H; j += 16) {
            __mmask16 m = H - j >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (H - j)) - 1);
            __m512 cv = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, gi + j), _mm512_maskz_loadu_ps(m, gg + j));
            if (cpb)
                cv = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, gf + j), _mm512_maskz_loadu_ps(m, cpb + j), cv);
            __m512 t = tanh16(cv);
            _mm512_mask_storeu_ps(cb + j, m, cv);
            _mm512_mask_storeu_ps(hb + j, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, go + j), t));
            if (tb)
                _mm512_mask_storeu_ps(tb + j, m, t);
        }
    }
}
AVX512 static void cell_bwd_avx512(int nb, int H, float *g, const float *cp, const float *tc, const float *dh,
                                   float *dc)
{
    cell_bwd_body(nb, H, g, cp, tc, dh, dc);
}
AVX512 static void sigmoid_avx512(float *x, size_t n) { sigmoid_body(x, n); }
AVX512 static void tanh_avx512(float *x, size_t n) { tanh_body(x, n); }
#else
#define HAVE_AVX2_PATH 0
#endif

static void cell_fwd_base(int nb, int H, float *g, const float *cp, float *c, float *h, float *tc)
{
    cell_fwd_body(nb, H, g, cp, c, h, tc);
}
static void cell_bwd_base(int nb, int H, float *g, const float *cp, const float *tc, const float *dh, float *dc)
{
    cell_bwd_body(nb, H, g, cp, tc, dh, dc);
}

void nn_lstm_cell_fwd(int nb, int H, float *g, const float *c_prev, float *c, float *h, float *tc)
{
#if HAVE_AVX2_PATH
    switch (nn_isa_active()) {
    case NN_ISA_AVX512: cell_fwd_avx512(nb, H, g, c_prev, c, h, tc); return;
    case NN_ISA_AVX2: cell_fwd_avx2(nb, H, g, c_prev, c, h, tc); return;
    default: break;
    }
#endif
    cell_fwd_base(nb, H, g, c_prev, c, h, tc);
}

void nn_lstm_cell_bwd(int nb, int H, float *g, const float *c_prev, const float *tc, const float *dh, float *dc)
{
#if HAVE_AVX2_PATH
    switch (nn_isa_active()) {
    case NN_ISA_AVX512: cell_bwd_avx512(nb, H, g, c_prev, tc, dh, dc); return;
    case NN_ISA_AVX2: cell_bwd_avx2(nb, H, g, c_prev, tc, dh, dc); return;
    default: break;
    }
#endif
    cell_bwd_base(nb, H, g, c_prev, tc, dh, dc);
}

void nn_sigmoid(float *x, size_t n)
{
#if HAVE_AVX2_PATH
    switch (nn_isa_active()) {
    case NN_ISA_AVX512: sigmoid_avx512(x, n); return;
    case NN_ISA_AVX2: sigmoid_avx2(x, n); return;
    default: break;
    }
#endif
    sigmoid_body(x, n);
}

void nn_tanh(float *x, size_t n)
{
#if HAVE_AVX2_PATH
    switch (nn_isa_active()) {
    case NN_ISA_AVX512: tanh_avx512(x, n); return;
    case NN_ISA_AVX2: tanh_avx2(x, n); return;
    default: break;
    }
#endif
    tanh_body(x, n);
}

int nn_simd_enabled(void) { return nn_isa_active() != NN_ISA_PORTABLE; }

void nn_force_portable(int on)
{
    if (on)
        nn_isa_set(NN_ISA_PORTABLE);
    else
        nn_isa_reset();
}

/* hrcast's own thread count (nn_par_rows, nn_par_sgemm). OpenBLAS itself always runs on the calling
 * thread: its idle workers spin on sched_yield for a long while after each call, and on a 2-core machine
 * they took a quarter of the CPU from the recurrence sweeps that follow. */
static int nn_threads = 1;
void nn_set_threads(int n)
{
    nn_threads = n < 1 ? 1 : n;
    openblas_set_num_threads(1);
}
int nn_get_threads(void) { return nn_threads; }
