/* kernels.h — the engine's kernels: fused elementwise LSTM cell forward/backward and activations
 * (kernels.c), the packed-weight recurrent product (gemm_packed.c), with runtime dispatch to AVX-512
 * or AVX2+FMA code when the CPU has it (nn/isa.h), and the thread-count setting. */
#ifndef HRCAST_NN_KERNELS_H
#define HRCAST_NN_KERNELS_H
#include <stddef.h>
#include <stdint.h>

/* Threads of the LSTM's sweeps and large products (nn/par.h), >= 1, default 1; OpenBLAS is kept on one
 * thread (the split is ours). Results do not depend on the thread count (tests/test_nn_threads.c). */
void nn_set_threads(int n);
int nn_get_threads(void);

/* LSTM cell forward for nb rows. g: [nb][4H] pre-activations (gate order i,f,g,o), overwritten by
 * the activations; c_prev: [nb][H] or NULL (zeros); c, h, tc (= tanh c) written [nb][H]. tc may be
 * NULL (inference). */
void nn_lstm_cell_fwd(int nb, int H, float *g, const float *c_prev, float *c, float *h, float *tc);

/* LSTM cell backward for nb rows. g: [nb][4H] activations in, pre-activation gradients out.
 * dh: [nb][H] total gradient into h_t; dc: [nb][H] in: gradient from c_{t+1} (dc_next), out: the
 * gradient into c_{t-1} (dc * f); c_prev may be NULL (zeros). */
void nn_lstm_cell_bwd(int nb, int H, float *g, const float *c_prev, const float *tc, const float *dh,
                      float *dc);

/* Run-time SIMD dispatch (the path itself: nn/isa.h): 1 when an AVX2+FMA or AVX-512 path is used.
 * nn_force_portable(1) (or HRCAST_ISA=portable in the environment) selects the portable C bodies
 * everywhere, for tests and comparisons; nn_force_portable(0) returns to the environment's / CPU's
 * choice (nn_isa_reset). */
int nn_simd_enabled(void);
void nn_force_portable(int on);

/* Packed right-hand side for the recurrent products: C[M][N] += A[M][K] B[K][N] with B packed once
 * into nn_pack_floats(K, N) floats. nn_pack_bt packs B = W^T from W [N][K] (forward: h W_hh^T);
 * nn_pack_b packs B = W from W [K][N] (backward: dG W_hh). Row strides lda, ldc in floats. */
size_t nn_pack_floats(int K, int N);
void nn_pack_bt(float *P, const float *W, int N, int K);
void nn_pack_b(float *P, const float *W, int K, int N);
void nn_gemm_packed(int M, int N, int K, const float *A, int lda, const float *P, float *C, int ldc);
/* C[M][N] = bias[N] (each row) + A P: the same bytes as copying the bias into C's rows and then
 * nn_gemm_packed, which is what the AVX2 and portable paths do; the AVX-512 body adds the bias at the
 * tile's store and never reads C (the input projections: one pass over the gates instead of three). */
void nn_gemm_packed_bias(int M, int N, int K, const float *A, int lda, const float *P, const float *bias, float *C,
                         int ldc);
/* C[M][N] += A^T B, A stored [K][M] (row stride lda), B [K][N] packed by nn_pack_b (the weight
 * gradients dW += dG^T h). The AVX-512 body sums K in blocks of 256 (each block's sum added to C in
 * turn); the portable body one k-ordered sum. Either way a C element does not depend on M's split. */
void nn_gemm_at_packed(int M, int N, int K, const float *A, int lda, const float *P, float *C, int ldc);
/* The same product with B [K][N] as it is (row stride ldb): the same sums in the same order, so the same
 * bytes as nn_pack_b + nn_gemm_at_packed. The AVX-512 body packs 256 rows of B at a time into a buffer
 * that stays in L2 (no packed copy of all of B: 16 MB per weight gradient at B 64, T 500, H 128); if that
 * buffer cannot be allocated, the portable body (the same product within rounding). */
void nn_gemm_at(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc);

/* 8-bit products of the int8 inference path (gemm_q8.c). bits (7 or 8): activations h in [-1, 1] are
 * quantized to q = round(top/2 (h + 1)) in 0..top, top = 2^bits - 1 (h ~ (2q - top) / top), rows of
 * nn_q8_kpad(K) bytes (padding ignored). nn_q8_bits(): 8 on the AVX-512 path of a CPU with
 * AVX512_VNNI (vpdpbusd), else 7 (AVX2's vpmaddubsw saturates past 7 bits); pass the same bits to all
 * three calls. Weights W [N][K] get one scale per output row s_n = max|W[n][.]| / 127 and are packed with
 * nn_q8_pack_bt into nn_q8_pack_bytes(K, N) bytes; alpha[N] and beta[N] are written such that
 * sum_k W[n][k] h[k] ~ alpha[n] * sum_k Wq[n][k] q[k] + beta[n]. nn_q8_gemm adds alpha[n] * (the exact
 * integer sum) to C[M][N] (beta is for the caller to fold into a bias); every body (VNNI, AVX2,
 * portable) gives the same bytes for the same bits. */
int nn_q8_bits(void);
int nn_q8_kpad(int K);
size_t nn_q8_pack_bytes(int K, int N);
void nn_q8_pack_bt(int8_t *P, float *alpha, float *beta, const float *W, int N, int K, int bits);
void nn_q8_quantize(uint8_t *q, int ldq, const float *h, int ldh, int M, int K, int bits);
void nn_q8_gemm(int M, int N, int K, const uint8_t *A, int lda, const int8_t *P, const float *alpha, float *C,
                int ldc, int bits);

/* BF16 products of the bf16 inference path (gemm_bf16.c): C[M][N] += A[M][K] W^T with A rows of
 * nn_bf16_kpad(K) bf16 values (nn_bf16_convert: round to nearest even, denormals to zero, padding 0) and
 * W [N][K] packed once by nn_bf16_pack_bt into nn_bf16_pack_elems(K, N) bf16 values; FP32 sums. On the
 * AVX-512 path of a CPU with AVX512_BF16 (nn_isa_bf16()) vdpbf16ps, else a portable body that
 * multiplies the same bf16 operands in FP32 in the same order (the same numbers within rounding). */
int nn_bf16_kpad(int K);
size_t nn_bf16_pack_elems(int K, int N);
uint16_t nn_bf16_from_float(float f);
float nn_bf16_to_float(uint16_t b);
void nn_bf16_pack_bt(uint16_t *P, const float *W, int N, int K);
void nn_bf16_convert(uint16_t *q, int ldq, const float *h, int ldh, int M, int K);
void nn_bf16_gemm(int M, int N, int K, const uint16_t *A, int lda, const uint16_t *P, float *C, int ldc);

/* Vectorised helpers (reference accuracy: a few ulp). */
void nn_sigmoid(float *x, size_t n);
void nn_tanh(float *x, size_t n);

#endif
