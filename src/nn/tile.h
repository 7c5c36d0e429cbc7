/* tile.h — what the packed product kernels (gemm_packed.c, gemm_q8.c, gemm_bf16.c) share about their
 * register tiles: the panel width, forced inlining of the tile bodies, full unrolling of their loops
 * (constant trip counts after inlining), the lane mask of a partial last panel, and the store of one
 * AVX2 tile row. Internal to src/nn. */
#ifndef HRCAST_NN_TILE_H
#define HRCAST_NN_TILE_H

#define NR 16 /* columns per packed panel: one 16-lane AVX-512 register */
#define INLINE static inline __attribute__((always_inline))
#ifdef __clang__
#define UNROLL _Pragma("unroll")
#else
#define UNROLL _Pragma("GCC unroll 16")
#endif

/* the first min(nv, 16) lanes, as an AVX-512 __mmask16 */
static inline unsigned short nn_tail_mask(int nv) { return nv >= NR ? 0xffff : (unsigned short)((1u << nv) - 1); }

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* c[0 .. nv) += one 16-column row of an AVX2 tile held as two 8-lane halves (nv <= 16) */
__attribute__((target("avx2,fma"))) INLINE void nn_avx2_add_row(float *c, __m256 lo, __m256 hi, int nv)
{
    if (nv == NR) {
        _mm256_storeu_ps(c, _mm256_add_ps(_mm256_loadu_ps(c), lo));
        _mm256_storeu_ps(c + 8, _mm256_add_ps(_mm256_loadu_ps(c + 8), hi));
        return;
    }
    float t[NR];
    _mm256_storeu_ps(t, lo);
    _mm256_storeu_ps(t + 8, hi);
    for (int j = 0; j < nv; j++)
        c[j] += t[j];
}
#endif

#endif
