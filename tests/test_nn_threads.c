/* test_nn_threads.c — the LSTM recurrence split over threads by batch rows (src/nn/par.c): forward
 * outputs, lstm_infer outputs and every gradient are the same bytes with 1 and 2 recurrence threads
 * (batches not divisible by the 6-row block, B 1, ragged and zero lengths, dropout); with the whole
 * thread setting (nn_set_threads, OpenBLAS included) 1 vs 2 they agree to 1e-6 relative (OpenBLAS's
 * sgemm rounds differently with 2 threads); the AVX2 and portable bodies still agree at 2 threads;
 * the row blocking covers every row exactly once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nn/isa.h"
#include "nn/kernels.h"
#include "nn/lstm.h"
#include "nn/par.h"

enum { TT = 29, FF = 5, HH = 20 };

struct run {
    float *y, *yi, *g; /* forward outputs [B][T][O], inference outputs, gradients [n_params] */
    double loss;
};

static void run_free(struct run *r) { free(r->y), free(r->yi), free(r->g); }

/* one forward + backward + inference at the current thread count */
static void run_once(struct lstm_model *m, int Bn, const float *x, const int *lens, const float *tg, const float *mk,
                     float dropout, struct run *out)
{
    struct lstm_ws ws;
    struct hr_err e;
    int O = m->cfg.out;
    assert_int_equal(lstm_ws_init(&ws, m, Bn, TT, &e), 0);
    out->y = malloc((size_t)Bn * TT * O * sizeof(float));
    out->yi = malloc((size_t)Bn * TT * O * sizeof(float));
    out->g = malloc(m->n_params * sizeof(float));
    struct nn_rng r;
    nn_rng_seed(&r, 3);
    lstm_zero_grad(m);
    assert_int_equal(lstm_forward(m, &ws, x, lens, Bn, TT, dropout > 0, &r, out->y, &e), 0);
    struct nn_loss loss = {O == 2 ? NN_LOSS_GNLL : NN_LOSS_MSE, 1};
    out->loss = lstm_backward(m, &ws, &loss, tg, mk, NULL);
    memcpy(out->g, m->grads, m->n_params * sizeof(float));
    assert_int_equal(lstm_infer(m, x, lens, Bn, TT, out->yi, &e), 0);
    lstm_ws_free(&ws);
}

static double max_rel(const float *a, const float *b, size_t n)
{
    double maxabs = 0, worst = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(b[i]))
            maxabs = fmax(maxabs, fabs(b[i]));
    for (size_t i = 0; i < n; i++) {
        if (isnan(a[i]) || isnan(b[i])) {
            if (isnan(a[i]) != isnan(b[i]))
                return INFINITY;
            continue;
        }
        worst = fmax(worst, fabs((double)a[i] - b[i]) / (fabs(b[i]) + 1e-2 * maxabs + 1e-12));
    }
    return worst;
}

/* max |a - b| / (|b| + 1): outputs are of order 1 or smaller (normalised targets); against |b|
 * alone, rounding of ~1e-7 on outputs near 0.01 would read as 1e-5 */
static double max_err1(const float *a, const float *b, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(a[i]) || isnan(b[i])) {
            if (isnan(a[i]) != isnan(b[i]))
                return INFINITY;
            continue;
        }
        worst = fmax(worst, fabs((double)a[i] - b[i]) / (fabs(b[i]) + 1.0));
    }
    return worst;
}

/* threads 1 vs 2 (same bytes), and at 2 threads the AVX2 vs portable bodies (1e-5) */
static void check_batch(int Bn, int out, float dropout, int layers)
{
    struct lstm_cfg cfg = {FF, HH, layers, out, dropout};
    struct lstm_model m;
    struct hr_err e;
    assert_int_equal(lstm_model_init(&m, &cfg, 11 + (uint64_t)Bn, &e), 0);
    for (size_t k = 0; k < m.n_params; k++)
        m.params[k] *= 2.0f; /* gates away from their linear region */
    size_t n = (size_t)Bn * TT;
    float *x = malloc(n * FF * sizeof(float)), *tg = malloc(n * sizeof(float)), *mk = malloc(n * sizeof(float));
    int *lens = malloc((size_t)Bn * sizeof(int));
    struct nn_rng r;
    nn_rng_seed(&r, 17);
    for (size_t i = 0; i < n * FF; i++)
        x[i] = 2 * nn_rng_unif(&r) - 1;
    for (size_t i = 0; i < n; i++) {
        tg[i] = 2 * nn_rng_unif(&r) - 1;
        mk[i] = nn_rng_unif(&r) > 0.1f ? 1.0f : 0.0f;
    }
    for (int b = 0; b < Bn; b++) /* ragged, one empty sequence when B > 2, the longest in the middle */
        lens[b] = Bn == 1 ? TT - 4 : b == 1 ? 0 : b == Bn / 2 ? TT : 1 + (b * 7) % TT;
    struct run a, b2, p2, all2;
    nn_set_threads(1); /* OpenBLAS on 1 thread; the sweeps on 1, then 2 */
    nn_par_override(1);
    run_once(&m, Bn, x, lens, tg, mk, dropout, &a);
    nn_par_override(2);
    int used = nn_par_threads(Bn);
    run_once(&m, Bn, x, lens, tg, mk, dropout, &b2);
    nn_force_portable(1);
    run_once(&m, Bn, x, lens, tg, mk, dropout, &p2);
    nn_force_portable(0);
    nn_par_override(0);
    nn_set_threads(2); /* everything on 2 threads */
    run_once(&m, Bn, x, lens, tg, mk, dropout, &all2);
    nn_set_threads(1);
    size_t ny = n * (size_t)out;
    double ea = fmax(max_err1(all2.y, a.y, ny), fmax(max_err1(all2.yi, a.yi, ny), max_rel(all2.g, a.g, m.n_params)));
    fprintf(stderr, "B %2d out %d dropout %.1f: sweep threads %d; 1 vs 2: %s; nn_set_threads 1 vs 2: %.1e; avx2 vs "
                    "portable at 2: outputs %.1e inference %.1e gradients %.1e\n",
            Bn, out, dropout, used,
            memcmp(a.y, b2.y, ny * 4) || memcmp(a.yi, b2.yi, ny * 4) || memcmp(a.g, b2.g, m.n_params * 4) ? "DIFFER"
                                                                                                            : "same bytes",
            ea, max_err1(p2.y, b2.y, ny), max_err1(p2.yi, b2.yi, ny), max_rel(p2.g, b2.g, m.n_params));
    assert_memory_equal(a.y, b2.y, ny * sizeof(float));
    assert_memory_equal(a.yi, b2.yi, ny * sizeof(float));
    assert_memory_equal(a.g, b2.g, m.n_params * sizeof(float));
    assert_true(a.loss == b2.loss);
    assert_int_equal(used, Bn >= 2 * NN_PAR_MIN_ROWS ? 2 : 1);
    assert_true(ea < 1e-6); /* OpenBLAS alone: its sgemm rounds differently on 2 threads */
    assert_true(max_err1(p2.y, b2.y, ny) < 1e-5);
    assert_true(max_err1(p2.yi, b2.yi, ny) < 1e-5);
    assert_true(max_rel(p2.g, b2.g, m.n_params) < 1e-5);
    /* inference agrees with the training forward (no dropout): on the AVX-512 path to the byte (both run
     * the input projection and the head inside the sweep with the same kernels), elsewhere within
     * rounding (the forward's input products are OpenBLAS's there) */
    if (dropout == 0)
        assert_true(max_err1(b2.yi, b2.y, ny) < 1e-6);
    if (dropout == 0 && nn_isa_active() == NN_ISA_AVX512)
        assert_memory_equal(b2.yi, b2.y, ny * sizeof(float));
    double gmax = 0;
    for (size_t k = 0; k < m.n_params; k++)
        gmax = fmax(gmax, fabs(a.g[k]));
    assert_true(gmax > 0 && isfinite(a.loss));
    run_free(&a), run_free(&b2), run_free(&p2), run_free(&all2);
    free(x), free(tg), free(mk), free(lens);
    lstm_model_free(&m);
}

static void test_threads_b13(void **s) { (void)s; check_batch(13, 1, 0, 2); }
static void test_threads_b40_gnll(void **s) { (void)s; check_batch(40, 2, 0, 2); }
static void test_threads_b64_dropout(void **s) { (void)s; check_batch(64, 1, 0.3f, 3); }
static void test_threads_b1(void **s) { (void)s; check_batch(1, 1, 0, 2); }
static void test_threads_b7(void **s) { (void)s; check_batch(7, 2, 0, 1); }

/* every row in exactly one block; on several threads, blocks of at least 6 rows, none larger than
 * nn_par_block, sizes within one row of each other (balanced); blocks of at least two kernel tiles
 * (nn_par_tile_rows) where the rows allow two per thread */
static int *hits, *sizes, nrows; /* sizes[r0]: the block starting at row r0 (each r0 is one block's) */
static void count_rows(void *arg, int w, int r0, int r1)
{
    (void)arg;
    assert_true(w >= 0 && w < 3);
    assert_true(r0 < r1 && r1 - r0 <= nn_par_block(nrows));
    assert_true(r1 - r0 >= NN_PAR_MIN_ROWS || (r0 == 0 && r1 == nrows && nn_par_threads(nrows) == 1));
    if (nrows >= 2 * nn_par_tile_rows() * nn_par_threads(nrows))
        assert_true(r1 - r0 >= 2 * nn_par_tile_rows());
    sizes[r0] = r1 - r0;
    for (int r = r0; r < r1; r++)
        __atomic_fetch_add(&hits[r], 1, __ATOMIC_RELAXED);
}

static void test_row_blocks(void **s)
{
    (void)s;
    static const int Bs[] = {1, 5, 6, 11, 12, 13, 64, 65, 200};
    nn_set_threads(2);
    for (size_t i = 0; i < sizeof Bs / sizeof *Bs; i++) {
        int Bn = Bs[i];
        hits = calloc((size_t)Bn, sizeof(int));
        sizes = calloc((size_t)Bn, sizeof(int));
        nrows = Bn;
        nn_par_rows(Bn, count_rows, NULL);
        int min_block = 1 << 30, max_block = 0;
        for (int r = 0; r < Bn; r++) {
            assert_int_equal(hits[r], 1);
            if (sizes[r]) {
                min_block = sizes[r] < min_block ? sizes[r] : min_block;
                max_block = sizes[r] > max_block ? sizes[r] : max_block;
            }
        }
        assert_true(max_block - min_block <= 1);
        free(hits);
        free(sizes);
    }
    nrows = 64; /* 2 threads, 64 rows: 4 blocks of 16 (two 8-row tiles on AVX-512; 6 + 6 + 4 elsewhere) */
    assert_int_equal(nn_par_block(64), 16);
    nrows = 200; /* 2 threads, 200 rows: 200 / (2 tiles x 2 threads) blocks per thread */
    assert_int_equal(nn_par_block(200), nn_par_tile_rows() == 8 ? 17 : 13); /* 12 or 16 blocks */
    assert_int_equal(nn_par_block(24), 12); /* 2 blocks: one per thread */
    nn_set_threads(1);
    assert_int_equal(nn_par_threads(200), 1);
    nn_par_override(3);
    assert_int_equal(nn_par_threads(200), 3);
    assert_int_equal(nn_par_threads(13), 2);
    assert_int_equal(nn_par_threads(11), 1);
    hits = calloc(200, sizeof(int));
    sizes = calloc(200, sizeof(int));
    nrows = 200;
    nn_par_rows(200, count_rows, NULL);
    for (int r = 0; r < 200; r++)
        assert_int_equal(hits[r], 1);
    free(hits);
    free(sizes);
    nn_par_override(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_row_blocks),
        cmocka_unit_test(test_threads_b13),
        cmocka_unit_test(test_threads_b40_gnll),
        cmocka_unit_test(test_threads_b64_dropout),
        cmocka_unit_test(test_threads_b1),
        cmocka_unit_test(test_threads_b7),
    };
    return cmocka_run_group_tests_name("nn_threads", tests, NULL, NULL);
}
