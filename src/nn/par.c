/* par.c — nn_par_rows: the rows are cut into nblocks blocks of nearly equal size (B / nblocks rounded
 * down or up, at least two of the recurrent kernel's register tiles, nn_par_tile_rows: 16 rows on the
 * AVX-512 path, 12 elsewhere), nblocks a multiple of the thread count, and up to nn_get_threads() threads
 * take blocks from a shared counter until none is left. Equal blocks, as many per thread, balance an idle
 * machine (fixed blocks with a remainder could leave one thread a block behind); taking them dynamically
 * keeps both cores busy when one is slowed by other work. Blocks of one tile or less (10 blocks of 6-7
 * rows for B 64 on 2 threads, as before 2026-12-06) left part of the 8-row AVX-512 tile empty and measured
 * 12-15 % slower per training step at 2 threads than 4 blocks of 16 (docs/performance.md). No row's
 * result depends on its block. One pthread per extra thread is created and joined per call (a sweep
 * runs for milliseconds; create + join costs ~40 us here). If a thread cannot be
 * created, the others (at least the caller) take its blocks: same results.
 * nn_par_sgemm: the large one-shot products split by rows of C over the same threads. On the AVX-512
 * path, C += A B^T (the input projections) and C += A^T B (the weight gradients, K >= 1024) go to the
 * packed kernels instead of OpenBLAS (whose build the environment may hold to AVX2 code:
 * OPENBLAS_CORETYPE): B^T packed once, or, for A^T B, B packed 256 rows at a time; rows split
 * the same way; the packed kernel's rows do not depend on the split, so that product is thread-count
 * independent. nn_par_input_proj: the input projection with its bias, fused on the AVX-512 path. */
#include "nn/par.h"
#include <cblas.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "nn/isa.h"
#include "nn/kernels.h"

#define MAX_THREADS 64

struct pool {
    void (*fn)(void *, int, int, int);
    void *arg;
    int B, nblocks;
    atomic_int next;
};

struct worker {
    struct pool *q;
    int w;
};

static void *worker(void *p)
{
    struct pool *q = ((struct worker *)p)->q;
    int w = ((struct worker *)p)->w;
    for (;;) {
        int i = atomic_fetch_add(&q->next, 1);
        if (i >= q->nblocks)
            return NULL;
        int r0 = (int)((long long)q->B * i / q->nblocks), r1 = (int)((long long)q->B * (i + 1) / q->nblocks);
        q->fn(q->arg, w, r0, r1);
    }
}

int nn_threads_auto(void)
{
    int n = 0;
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
#endif
    if (n < 1) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        n = c > 0 ? (int)(c < 1024 ? c : 1024) : 1;
    }
    return n > NN_THREADS_AUTO_MAX ? NN_THREADS_AUTO_MAX : n;
}

static int override_threads; /* set by tests before any sweep runs */

void nn_par_override(int n) { override_threads = n > 0 ? n : 0; }

int nn_par_threads(int B)
{
    int nt = override_threads ? override_threads : nn_get_threads(), most = B / NN_PAR_MIN_ROWS;
    nt = nt > most ? most : nt;
    nt = nt > MAX_THREADS ? MAX_THREADS : nt;
    return nt < 1 ? 1 : nt;
}

int nn_par_tile_rows(void) { return nn_isa_active() == NN_ISA_AVX512 ? 8 : 6; }

static int blocks_for(int B, int nt)
{
    if (nt == 1)
        return 1;
    int per = B / (2 * nn_par_tile_rows() * nt); /* blocks per thread, each >= two tiles */
    return nt * (per > 1 ? per : 1);
}

int nn_par_block(int B)
{
    int nb = blocks_for(B, nn_par_threads(B));
    return (B + nb - 1) / nb;
}

void nn_par_rows(int B, void (*fn)(void *arg, int w, int r0, int r1), void *arg)
{
    int nt = nn_par_threads(B);
    if (nt == 1) {
        fn(arg, 0, 0, B);
        return;
    }
    struct pool q = {fn, arg, B, blocks_for(B, nt), 0};
    pthread_t tid[MAX_THREADS];
    struct worker ws[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int i = 0; i < nt; i++)
        ws[i] = (struct worker){&q, i};
    for (int i = 1; i < nt; i++)
        started[i] = pthread_create(&tid[i], NULL, worker, &ws[i]) == 0;
    worker(&ws[0]);
    for (int i = 1; i < nt; i++)
        if (started[i])
            pthread_join(tid[i], NULL);
}

struct gemm_job {
    int ta, tb, N, K;
    float alpha, beta;
    const float *A, *B;
    int lda, ldb, ldc;
    float *C;
    int m0, m1;
    const float *packed; /* B^T packed for nn_gemm_packed, or NULL: OpenBLAS */
    const float *bias;   /* with packed (not ta): C = bias + A P */
    int at_blocked;      /* ta: C += A^T B, B packed a block of K at a time (nn_gemm_at) */
};

static void *gemm_part(void *p)
{
    const struct gemm_job *j = p;
    if (j->m1 <= j->m0)
        return NULL;
    if (j->at_blocked) { /* C += A^T B */
        nn_gemm_at(j->m1 - j->m0, j->N, j->K, j->A + j->m0, j->lda, j->B, j->ldb, j->C + (size_t)j->m0 * (size_t)j->ldc,
                   j->ldc);
        return NULL;
    }
    if (j->packed && j->bias) { /* C = bias + A P */
        nn_gemm_packed_bias(j->m1 - j->m0, j->N, j->K, j->A + (size_t)j->m0 * (size_t)j->lda, j->lda, j->packed, j->bias,
                            j->C + (size_t)j->m0 * (size_t)j->ldc, j->ldc);
        return NULL;
    }
    if (j->packed && j->ta) { /* C += A^T P, P = B packed */
        nn_gemm_at_packed(j->m1 - j->m0, j->N, j->K, j->A + j->m0, j->lda, j->packed,
                          j->C + (size_t)j->m0 * (size_t)j->ldc, j->ldc);
        return NULL;
    }
    if (j->packed) { /* C += A P, P = B^T packed */
        nn_gemm_packed(j->m1 - j->m0, j->N, j->K, j->A + (size_t)j->m0 * (size_t)j->lda, j->lda, j->packed,
                       j->C + (size_t)j->m0 * (size_t)j->ldc, j->ldc);
        return NULL;
    }
    /* rows m0.. of op(A): row offset for A as stored, column offset when it is transposed */
    const float *a = j->ta ? j->A + j->m0 : j->A + (size_t)j->m0 * (size_t)j->lda;
    cblas_sgemm(CblasRowMajor, j->ta ? CblasTrans : CblasNoTrans, j->tb ? CblasTrans : CblasNoTrans, j->m1 - j->m0,
                j->N, j->K, j->alpha, a, j->lda, j->B, j->ldb, j->beta, j->C + (size_t)j->m0 * (size_t)j->ldc, j->ldc);
    return NULL;
}

/* runs job's row parts (multiples of 16 rows of C's M) on up to nn_get_threads() threads */
static void run_parts(struct gemm_job *proto, int M)
{
    int nt = nn_get_threads(); /* not nn_par_override: OpenBLAS rounds the parts differently */
    int parts = (M + 15) / 16;
    nt = nt > parts ? parts : nt;
    nt = nt > MAX_THREADS ? MAX_THREADS : nt < 1 ? 1 : nt;
    struct gemm_job job[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int i = 0; i < nt; i++) {
        job[i] = *proto;
        job[i].m0 = (int)((long long)parts * i / nt) * 16;
        job[i].m1 = (int)((long long)parts * (i + 1) / nt) * 16;
        if (job[i].m1 > M)
            job[i].m1 = M;
    }
    for (int i = 1; i < nt; i++)
        started[i] = pthread_create(&tid[i], NULL, gemm_part, &job[i]) == 0;
    gemm_part(&job[0]);
    for (int i = 1; i < nt; i++) {
        if (started[i])
            pthread_join(tid[i], NULL);
        else
            gemm_part(&job[i]);
    }
}

static void blas_single_thread(void)
{
    static int blas_single; /* first call comes from the main thread, before any worker exists */
    if (!blas_single) {
        openblas_set_num_threads(1);
        blas_single = 1;
    }
}

void nn_par_sgemm(int transa, int transb, int M, int N, int K, float alpha, const float *A, int lda,
                  const float *B, int ldb, float beta, float *C, int ldc)
{
    blas_single_thread();
    int avx512 = nn_isa_active() == NN_ISA_AVX512, ones = alpha == 1.0f && beta == 1.0f;
    struct gemm_job job = {transa, transb, N, K, alpha, beta, A, B, lda, ldb, ldc, C, 0, 0, NULL, NULL, 0};
    float *packed = NULL;
    if (!transa && transb && ones && ldb == K && M >= 64 && K >= 32 && avx512 &&
        (packed = malloc(nn_pack_floats(K, N) * sizeof(float))))
        nn_pack_bt(packed, B, N, K); /* B [N][K] row-major; without memory: OpenBLAS */
    else if (transa && !transb && ones && K >= 1024 && avx512)
        job.at_blocked = 1; /* the weight gradients: B [K][N] packed block by block (nn_gemm_at) */
    job.packed = packed;
    run_parts(&job, M);
    free(packed);
}

void nn_par_input_proj(int M, int N, int K, const float *A, const float *W, const float *bias, float *C)
{
    blas_single_thread();
    float *packed = NULL;
    if (nn_isa_active() == NN_ISA_AVX512 && (packed = malloc(nn_pack_floats(K, N) * sizeof(float)))) {
        nn_pack_bt(packed, W, N, K);
        struct gemm_job job = {0, 1, N, K, 1.0f, 1.0f, A, W, K, K, N, C, 0, 0, packed, bias, 0};
        run_parts(&job, M);
        free(packed);
        return;
    }
    for (int r = 0; r < M; r++) /* elsewhere (or without memory): the bias rows, then OpenBLAS adds */
        memcpy(C + (size_t)r * N, bias, (size_t)N * sizeof(float));
    nn_par_sgemm(0, 1, M, N, K, 1.0f, A, K, W, K, 1.0f, C, N);
}
