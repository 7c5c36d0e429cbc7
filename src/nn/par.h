/* par.h — splits the rows of a batch over threads for the LSTM recurrence (par.c). Rows of a batch
 * are independent sequences, so each thread runs a whole sweep (all steps) over its own contiguous
 * block of rows with no per-step synchronisation; the caller joins at the end. Never call OpenBLAS
 * from inside fn: the BLAS products stay outside the sweeps. */
#ifndef HRCAST_NN_PAR_H
#define HRCAST_NN_PAR_H

/* Rows per thread at least this many (about the recurrent kernel's row block), so small batches
 * (B = 1 in predict/serve) stay on the calling thread. */
#define NN_PAR_MIN_ROWS 6 /* the AVX2 tile; blocks are larger where B allows (nn_par_tile_rows) */

/* Rows of the recurrent product's register tile on the active kernel path (8 on AVX-512, 6 elsewhere):
 * the sweeps' step blocks (lstm.c) and the unit of nn_par_rows' blocks. */
int nn_par_tile_rows(void);

/* Calls fn(arg, w, r0, r1) for contiguous blocks [r0, r1) covering [0, B), on up to
 * nn_par_threads(B) threads; w in [0, nn_par_threads(B)) names the calling thread (for per-thread
 * scratch; one thread never runs two blocks at once). Returns after all blocks are done. One thread:
 * a single call with [0, B). Otherwise a multiple of the thread count of nearly equal blocks of at
 * least 2 nn_par_tile_rows() rows where B allows, never under NN_PAR_MIN_ROWS (nn_par_block: the
 * largest). fn must give each row the same result whatever block it is in, so results do not depend
 * on the thread count. */
void nn_par_rows(int B, void (*fn)(void *arg, int w, int r0, int r1), void *arg);

/* C[M][N] = alpha op(A) op(B) + beta C (row-major cblas_sgemm), with the M rows of C split into
 * contiguous parts (multiples of 16 rows) computed on up to nn_get_threads() threads, each part one
 * single-threaded OpenBLAS call. transa/transb: 0 no, 1 transposed. OpenBLAS's rounding depends on the
 * parts (up to ~1e-7 relative), so unlike the sweeps this split is not bitwise thread-count independent;
 * nn_par_override does not apply to it. On the AVX-512 path, C += A B^T (alpha = beta = 1, transb, at
 * least 64 rows and K >= 32: below that the product is bound by C's memory traffic, where OpenBLAS
 * measured faster) runs on the packed kernel instead (thread-count independent there). */
void nn_par_sgemm(int transa, int transb, int M, int N, int K, float alpha, const float *A, int lda,
                  const float *B, int ldb, float beta, float *C, int ldc);

/* The input projection of a whole sequence: C[M][N] = bias[N] (each row) + A[M][K] W[N][K]^T, rows split
 * as nn_par_sgemm's. On the AVX-512 path the packed kernel adds the bias as it stores (the gates are
 * written once, never read: nn_gemm_packed_bias), for any K; elsewhere the bias rows are written and
 * nn_par_sgemm (OpenBLAS) adds the product. On the AVX-512 path the result does not depend on the
 * thread count; elsewhere it varies within OpenBLAS's rounding, as nn_par_sgemm's does. */
void nn_par_input_proj(int M, int N, int K, const float *A, const float *W, const float *bias, float *C);

/* The largest block nn_par_rows hands out for B rows (B itself on one thread). */
int nn_par_block(int B);

/* Threads nn_par_rows would use for B rows. */
int nn_par_threads(int B);

/* The thread count `--threads auto` stands for: the CPUs this process may run on (its affinity mask,
 * which also reflects taskset and cgroup cpusets), at most NN_THREADS_AUTO_MAX (the sweeps split the
 * batch's rows; past 8 threads a 64-row batch has blocks of under 8 rows, below the kernel's tile). */
#define NN_THREADS_AUTO_MAX 8
int nn_threads_auto(void);

/* Tests: n >= 1 uses n threads for the sweeps (nn_par_rows) whatever nn_get_threads() says (the split
 * products of nn_par_sgemm round differently per thread count, so this separates the two); 0 returns
 * to nn_get_threads(). */
void nn_par_override(int n);

#endif
