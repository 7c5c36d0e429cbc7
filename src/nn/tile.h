/* tile.h — what the packed product kernels (gemm_packed.c, gemm_q8.c, gemm_bf16.c) share about their
 * register tiles: the panel width, forced inlining of the tile bodies, full unrolling of their loops
 * (constant trip counts after inlining), and the lane mask of a partial last panel. Internal to src/nn. */
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

#endif
