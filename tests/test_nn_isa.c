/* test_nn_isa.c — every kernel path this CPU has (AVX-512, AVX2+FMA, portable; nn/isa.h) against the
 * others and against OpenBLAS: the packed product on ragged shapes (AVX-512 and AVX2 give the same
 * bytes, both within 1e-5 of cblas_sgemm), the forward and backward cells (within a few 1e-7 of the
 * portable cell), Adam (the same bytes on every path), a whole LSTM forward + backward + inference per
 * path (the same bytes run twice and on 1 vs 2 threads, within 1e-5 of portable), and HRCAST_ISA's
 * checks (unknown names, a path the CPU lacks); nn_par_sgemm's input projection on the AVX-512 path; the
 * fused forms (the bias added by the input projection, the weight gradient's B packed in blocks) against
 * the plain ones, byte for byte. A path the CPU lacks is reported and skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nn/isa.h"
#include "nn/kernels.h"
#include "nn/lstm.h"
#include "nn/optim.h"
#include "nn/par.h"
#include "nn/rng.h"

static void fill(float *x, size_t n, struct nn_rng *r, float scale)
{
    for (size_t i = 0; i < n; i++)
        x[i] = scale * (2 * nn_rng_unif(r) - 1);
}

static int use(enum nn_isa isa)
{
    if (nn_isa_set(isa)) {
        fprintf(stderr, "isa: this CPU lacks %s; skipped\n", nn_isa_name(isa));
        return 0;
    }
    return 1;
}

static void test_gemm_paths_vs_openblas(void **state)
{
    (void)state;
    static const int Ms[] = {1, 2, 7, 8, 9, 16, 17, 31, 64}, Ns[] = {5, 16, 33, 48, 64, 130, 512}, Ks[] = {1, 7, 128};
    struct nn_rng r;
    nn_rng_seed(&r, 17);
    int tested[NN_ISA_COUNT] = {0};
    for (size_t im = 0; im < sizeof Ms / sizeof *Ms; im++)
        for (size_t in = 0; in < sizeof Ns / sizeof *Ns; in++)
            for (size_t ik = 0; ik < sizeof Ks / sizeof *Ks; ik++) {
                int M = Ms[im], N = Ns[in], K = Ks[ik], lda = K + 1, ldc = N + 3;
                float *A = malloc((size_t)M * lda * 4), *W = malloc((size_t)N * K * 4), *P = malloc(nn_pack_floats(K, N) * 4);
                float *C0 = malloc((size_t)M * ldc * 4), *Cb = malloc((size_t)M * ldc * 4), *C[NN_ISA_COUNT];
                fill(A, (size_t)M * lda, &r, 1), fill(W, (size_t)N * K, &r, 1), fill(C0, (size_t)M * ldc, &r, 1);
                nn_pack_bt(P, W, N, K);
                memcpy(Cb, C0, (size_t)M * ldc * 4);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, A, lda, W, K, 1.0f, Cb, ldc);
                for (int v = 0; v < NN_ISA_COUNT; v++) {
                    C[v] = NULL;
                    if (!nn_isa_cpu_has((enum nn_isa)v))
                        continue;
                    assert_int_equal(nn_isa_set((enum nn_isa)v), 0);
                    tested[v]++;
                    C[v] = malloc((size_t)M * ldc * 4);
                    memcpy(C[v], C0, (size_t)M * ldc * 4);
                    nn_gemm_packed(M, N, K, A, lda, P, C[v], ldc);
                    for (int i = 0; i < M; i++)
                        for (int n = 0; n < ldc; n++) {
                            float got = C[v][i * ldc + n], want = Cb[i * ldc + n];
                            if (n >= N) /* columns past N untouched */
                                assert_true(got == C0[i * ldc + n]);
                            else if (!(fabsf(got - want) <= 1e-5f * (fabsf(want) + 1) * (K > 8 ? 4 : 1))) {
                                fprintf(stderr, "%s M%d N%d K%d [%d][%d]: %.8g vs OpenBLAS %.8g\n",
                                        nn_isa_name((enum nn_isa)v), M, N, K, i, n, got, want);
                                fail();
                            }
                        }
                }
                if (C[NN_ISA_AVX2] && C[NN_ISA_AVX512]) /* the same FMAs in the same order */
                    assert_memory_equal(C[NN_ISA_AVX2], C[NN_ISA_AVX512], (size_t)M * ldc * 4);
                for (int v = 0; v < NN_ISA_COUNT; v++)
                    free(C[v]);
                free(A), free(W), free(P), free(C0), free(Cb);
            }
    nn_isa_reset();
    fprintf(stderr, "gemm shapes tested: portable %d, avx2 %d, avx512 %d\n", tested[0], tested[1], tested[2]);
    assert_true(tested[0] > 0);
}

/* nn_par_sgemm's input projection (C += A B^T) and weight gradient (C += A^T B) on the AVX-512 path:
 * the packed kernels, within 1e-5 of OpenBLAS and the same bytes on 1 and 2 threads */
static void test_par_sgemm_avx512(void **state)
{
    (void)state;
    if (!use(NN_ISA_AVX512))
        return;
    enum { M = 300, N = 512, K = 128 };
    struct nn_rng r;
    nn_rng_seed(&r, 23);
    float *A = malloc(sizeof(float) * M * K), *W = malloc(sizeof(float) * N * K), *Cb = malloc(sizeof(float) * M * N);
    float *C1 = malloc(sizeof(float) * M * N), *C2 = malloc(sizeof(float) * M * N);
    fill(A, (size_t)M * K, &r, 1), fill(W, (size_t)N * K, &r, 1), fill(Cb, (size_t)M * N, &r, 1);
    memcpy(C1, Cb, sizeof(float) * M * N);
    memcpy(C2, Cb, sizeof(float) * M * N);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, A, K, W, K, 1.0f, Cb, N);
    nn_set_threads(1);
    nn_par_sgemm(0, 1, M, N, K, 1.0f, A, K, W, K, 1.0f, C1, N);
    nn_set_threads(2);
    nn_par_sgemm(0, 1, M, N, K, 1.0f, A, K, W, K, 1.0f, C2, N);
    nn_set_threads(1);
    assert_memory_equal(C1, C2, sizeof(float) * M * N);
    for (int i = 0; i < M * N; i++)
        assert_true(fabsf(C1[i] - Cb[i]) <= 4e-5f * (fabsf(Cb[i]) + 1));
    free(A), free(W), free(Cb), free(C1), free(C2);
    /* the weight gradient C[Mg][Ng] += G^T X, G [Kg][Mg], X [Kg][Ng]: K over several blocks of 256, a row
     * tail (Mg not a multiple of 8) and a partial panel (Ng) */
    enum { Mg = 37, Ng = 40, Kg = 1500 };
    float *G = malloc(sizeof(float) * Kg * Mg), *X = malloc(sizeof(float) * Kg * Ng);
    float *Db = malloc(sizeof(float) * Mg * Ng), *D1 = malloc(sizeof(float) * Mg * Ng), *D2 = malloc(sizeof(float) * Mg * Ng);
    fill(G, (size_t)Kg * Mg, &r, 1), fill(X, (size_t)Kg * Ng, &r, 1), fill(Db, (size_t)Mg * Ng, &r, 1);
    float *D0 = malloc(sizeof(float) * Mg * Ng);
    memcpy(D0, Db, sizeof(float) * Mg * Ng);
    memcpy(D1, Db, sizeof(float) * Mg * Ng);
    memcpy(D2, Db, sizeof(float) * Mg * Ng);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Mg, Ng, Kg, 1.0f, G, Mg, X, Ng, 1.0f, Db, Ng);
    nn_par_sgemm(1, 0, Mg, Ng, Kg, 1.0f, G, Mg, X, Ng, 1.0f, D1, Ng);
    nn_set_threads(2);
    nn_par_sgemm(1, 0, Mg, Ng, Kg, 1.0f, G, Mg, X, Ng, 1.0f, D2, Ng);
    nn_set_threads(1);
    assert_memory_equal(D1, D2, sizeof(float) * Mg * Ng);
    double worst = 0;
    for (int i = 0; i < Mg * Ng; i++)
        worst = fmax(worst, fabs(D1[i] - Db[i]) / (fabs(Db[i]) + 1));
    fprintf(stderr, "weight gradient product (AVX-512 packed) vs OpenBLAS: %.2e\n", worst);
    assert_true(worst < 1e-5 * 10);
    /* the portable body of the same product, directly */
    float *P = malloc(nn_pack_floats(Kg, Ng) * sizeof(float));
    nn_pack_b(P, X, Kg, Ng);
    memcpy(D2, D0, sizeof(float) * Mg * Ng);
    assert_int_equal(nn_isa_set(NN_ISA_PORTABLE), 0);
    nn_gemm_at_packed(Mg, Ng, Kg, G, Mg, P, D2, Ng);
    worst = 0;
    for (int i = 0; i < Mg * Ng; i++)
        worst = fmax(worst, fabs(D2[i] - Db[i]) / (fabs(Db[i]) + 1));
    fprintf(stderr, "weight gradient product (portable) vs OpenBLAS: %.2e\n", worst);
    assert_true(worst < 1e-5 * 10);
    nn_isa_reset();
    free(G), free(X), free(D0), free(Db), free(D1), free(D2), free(P);
}

/* the fused forms on every path: nn_gemm_packed_bias gives the bytes of bias rows + nn_gemm_packed and
 * leaves the columns past N alone; nn_gemm_at (B with ldb > N, packed 256 rows at a time on AVX-512, a partial last panel, K over
 * several 256-row blocks) the bytes of nn_pack_b + nn_gemm_at_packed; nn_par_input_proj the same bytes on
 * 1 and 2 threads, within 4e-5 of bias + OpenBLAS */
static void test_fused_products(void **state)
{
    (void)state;
    struct nn_rng r;
    nn_rng_seed(&r, 29);
    int tested = 0;
    for (int v = 0; v < NN_ISA_COUNT; v++) {
        if (!nn_isa_cpu_has((enum nn_isa)v))
            continue;
        assert_int_equal(nn_isa_set((enum nn_isa)v), 0);
        tested++;
        static const int Ms[] = {1, 5, 8, 21}, Ns[] = {16, 40, 512}, Ks[] = {3, 14, 128};
        for (size_t im = 0; im < 4; im++)
            for (size_t in = 0; in < 3; in++)
                for (size_t ik = 0; ik < 3; ik++) {
                    int M = Ms[im], N = Ns[in], K = Ks[ik], ldc = N + 5;
                    float *A = malloc((size_t)M * K * 4), *W = malloc((size_t)N * K * 4), *P = malloc(nn_pack_floats(K, N) * 4);
                    float *bias = malloc((size_t)N * 4), *C1 = malloc((size_t)M * ldc * 4), *C2 = malloc((size_t)M * ldc * 4);
                    fill(A, (size_t)M * K, &r, 1), fill(W, (size_t)N * K, &r, 1), fill(bias, (size_t)N, &r, 1);
                    fill(C1, (size_t)M * ldc, &r, 1);
                    memcpy(C2, C1, (size_t)M * ldc * 4);
                    nn_pack_bt(P, W, N, K);
                    for (int i = 0; i < M; i++)
                        memcpy(C1 + (size_t)i * ldc, bias, (size_t)N * 4);
                    nn_gemm_packed(M, N, K, A, K, P, C1, ldc);
                    nn_gemm_packed_bias(M, N, K, A, K, P, bias, C2, ldc);
                    assert_memory_equal(C1, C2, (size_t)M * ldc * 4);
                    free(A), free(W), free(P), free(bias), free(C1), free(C2);
                }
        enum { Mg = 37, Ng = 40, Kg = 700, ldb = 45 };
        float *G = malloc(sizeof(float) * Kg * Mg), *X = malloc(sizeof(float) * Kg * ldb), *Xc = malloc(sizeof(float) * Kg * Ng);
        float *D1 = malloc(sizeof(float) * Mg * Ng), *D2 = malloc(sizeof(float) * Mg * Ng);
        float *P = malloc(nn_pack_floats(Kg, Ng) * sizeof(float));
        fill(G, (size_t)Kg * Mg, &r, 1), fill(X, (size_t)Kg * ldb, &r, 1), fill(D1, (size_t)Mg * Ng, &r, 1);
        memcpy(D2, D1, sizeof(float) * Mg * Ng);
        for (int k = 0; k < Kg; k++)
            memcpy(Xc + (size_t)k * Ng, X + (size_t)k * ldb, sizeof(float) * Ng);
        nn_pack_b(P, Xc, Kg, Ng);
        nn_gemm_at_packed(Mg, Ng, Kg, G, Mg, P, D1, Ng);
        nn_gemm_at(Mg, Ng, Kg, G, Mg, X, ldb, D2, Ng);
        assert_memory_equal(D1, D2, sizeof(float) * Mg * Ng);
        free(G), free(X), free(Xc), free(D1), free(D2), free(P);
    }
    nn_isa_reset();
    assert_true(tested > 0);
    if (!use(NN_ISA_AVX512))
        return;
    enum { M = 300, N = 512 };
    for (int K = 14; K <= 128; K += 114) {
        float *A = malloc(sizeof(float) * M * K), *W = malloc(sizeof(float) * N * K), *bias = malloc(sizeof(float) * N);
        float *Cb = malloc(sizeof(float) * M * N), *C1 = malloc(sizeof(float) * M * N), *C2 = malloc(sizeof(float) * M * N);
        fill(A, (size_t)M * K, &r, 1), fill(W, (size_t)N * K, &r, 1), fill(bias, N, &r, 1);
        for (int i = 0; i < M; i++)
            memcpy(Cb + (size_t)i * N, bias, sizeof(float) * N);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, A, K, W, K, 1.0f, Cb, N);
        nn_set_threads(1);
        nn_par_input_proj(M, N, K, A, W, bias, C1);
        nn_set_threads(2);
        nn_par_input_proj(M, N, K, A, W, bias, C2);
        nn_set_threads(1);
        assert_memory_equal(C1, C2, sizeof(float) * M * N);
        for (int i = 0; i < M * N; i++)
            assert_true(fabsf(C1[i] - Cb[i]) <= 4e-5f * (fabsf(Cb[i]) + 1));
        free(A), free(W), free(bias), free(Cb), free(C1), free(C2);
    }
    nn_isa_reset();
}

static void test_cells_vs_portable(void **state)
{
    (void)state;
    static const int Hs[] = {1, 5, 16, 20, 37, 128};
    struct nn_rng r;
    nn_rng_seed(&r, 5);
    for (size_t ih = 0; ih < sizeof Hs / sizeof *Hs; ih++) {
        int H = Hs[ih], nb = 3;
        size_t n4 = (size_t)nb * 4 * H, n1 = (size_t)nb * H;
        float *g0 = malloc(n4 * 4), *cp = malloc(n1 * 4), *dh = malloc(n1 * 4), *dc0 = malloc(n1 * 4);
        fill(g0, n4, &r, 6), fill(cp, n1, &r, 2), fill(dh, n1, &r, 1), fill(dc0, n1, &r, 1);
        float *out[NN_ISA_COUNT] = {0};
        size_t nout = 2 * n4 + 4 * n1;
        for (int v = 0; v < NN_ISA_COUNT; v++) {
            if (!use((enum nn_isa)v))
                continue;
            float *o = out[v] = malloc(nout * 4);
            float *g = o, *c = o + n4, *h = c + n1, *tc = h + n1, *gb = tc + n1, *dc = gb + n4;
            memcpy(g, g0, n4 * 4);
            nn_lstm_cell_fwd(nb, H, g, cp, c, h, tc);
            memcpy(gb, g, n4 * 4);
            memcpy(dc, dc0, n1 * 4);
            nn_lstm_cell_bwd(nb, H, gb, cp, tc, dh, dc);
            if (v == 0)
                continue;
            double worst = 0;
            for (size_t i = 0; i < nout; i++)
                worst = fmax(worst, fabs(o[i] - out[0][i]) / (fabs(out[0][i]) + 1));
            fprintf(stderr, "cell H %d %s vs portable: %.2e\n", H, nn_isa_name((enum nn_isa)v), worst);
            assert_true(worst < 2e-6);
        }
        for (int v = 0; v < NN_ISA_COUNT; v++)
            free(out[v]);
        free(g0), free(cp), free(dh), free(dc0);
    }
    nn_isa_reset();
}

static void test_adam_same_bytes(void **state)
{
    (void)state;
    enum { N = 101 };
    struct nn_rng r;
    nn_rng_seed(&r, 8);
    float p0[N], g[N];
    fill(p0, N, &r, 1);
    for (int mode = 0; mode < 3; mode++) {
        float p[NN_ISA_COUNT][N];
        int have[NN_ISA_COUNT] = {0};
        for (int v = 0; v < NN_ISA_COUNT; v++) {
            if (!use((enum nn_isa)v))
                continue;
            have[v] = 1;
            struct nn_adam a;
            struct hr_err e;
            assert_int_equal(nn_adam_init(&a, N, 1e-2f, mode ? 0.1f : 0, mode == 1, &e), 0);
            memcpy(p[v], p0, sizeof p0);
            struct nn_rng gr;
            nn_rng_seed(&gr, 9);
            for (int s = 0; s < 5; s++) {
                fill(g, N, &gr, 1);
                nn_adam_step(&a, p[v], g);
            }
            nn_adam_free(&a);
            assert_true(memcmp(p[v], p0, sizeof p0) != 0);
            if (v > 0)
                assert_memory_equal(p[v], p[0], sizeof p0);
        }
        assert_true(have[0]);
    }
    nn_isa_reset();
}

enum { BB = 13, TT = 17, FF = 5, HH = 20 };

struct run {
    float y[BB * TT * 2], yi[BB * TT * 2], *g;
};

static void run_lstm(struct lstm_model *m, const float *x, const int *lens, const float *tg, const float *mk, struct run *o)
{
    struct lstm_ws ws;
    struct hr_err e;
    assert_int_equal(lstm_ws_init(&ws, m, BB, TT, &e), 0);
    lstm_zero_grad(m);
    assert_int_equal(lstm_forward(m, &ws, x, lens, BB, TT, 0, NULL, o->y, &e), 0);
    struct nn_loss loss = {NN_LOSS_GNLL, 1};
    lstm_backward(m, &ws, &loss, tg, mk, NULL);
    o->g = malloc(m->n_params * 4);
    memcpy(o->g, m->grads, m->n_params * 4);
    assert_int_equal(lstm_infer(m, x, lens, BB, TT, o->yi, &e), 0);
    lstm_ws_free(&ws);
}

static double rel_err(const float *a, const float *b, size_t n)
{
    double scale = 0, worst = 0;
    for (size_t i = 0; i < n; i++)
        scale = isnan(b[i]) ? scale : fmax(scale, fabs(b[i]));
    for (size_t i = 0; i < n; i++)
        if (!isnan(a[i]) || !isnan(b[i]))
            worst = fmax(worst, isnan(a[i]) != isnan(b[i]) ? INFINITY : fabs(a[i] - b[i]) / (scale + 1e-30));
    return worst;
}

static void test_lstm_per_path(void **state)
{
    (void)state;
    struct lstm_cfg cfg = {FF, HH, 2, 2, 0};
    struct lstm_model m;
    struct hr_err e;
    assert_int_equal(lstm_model_init(&m, &cfg, 3, &e), 0);
    static float x[BB * TT * FF], tg[BB * TT], mk[BB * TT];
    int lens[BB];
    struct nn_rng r;
    nn_rng_seed(&r, 4);
    fill(x, BB * TT * FF, &r, 1);
    for (int i = 0; i < BB * TT; i++)
        tg[i] = nn_rng_unif(&r), mk[i] = 1;
    for (int b = 0; b < BB; b++)
        lens[b] = TT - b;
    static struct run base, a, b2, c;
    for (int v = 0; v < NN_ISA_COUNT; v++) {
        if (!use((enum nn_isa)v))
            continue;
        nn_par_override(1);
        run_lstm(&m, x, lens, tg, mk, &a);
        run_lstm(&m, x, lens, tg, mk, &b2);
        nn_par_override(2);
        run_lstm(&m, x, lens, tg, mk, &c);
        nn_par_override(0);
        /* deterministic per path: twice, and on 2 recurrence threads, the same bytes */
        assert_memory_equal(a.y, b2.y, sizeof a.y);
        assert_memory_equal(a.g, b2.g, m.n_params * 4);
        assert_memory_equal(a.y, c.y, sizeof a.y);
        assert_memory_equal(a.yi, c.yi, sizeof a.yi);
        assert_memory_equal(a.g, c.g, m.n_params * 4);
        free(b2.g), free(c.g);
        if (v == 0) {
            base = a;
            continue;
        }
        double ey = rel_err(a.y, base.y, BB * TT * 2), ei = rel_err(a.yi, base.yi, BB * TT * 2),
               eg = rel_err(a.g, base.g, m.n_params);
        fprintf(stderr, "lstm %s vs portable: outputs %.2e, inference %.2e, gradients %.2e\n",
                nn_isa_name((enum nn_isa)v), ey, ei, eg);
        assert_true(ey < 1e-5 && ei < 1e-5 && eg < 1e-5);
        free(a.g);
    }
    free(base.g);
    nn_isa_reset();
    lstm_model_free(&m);
}

static void test_isa_env_checks(void **state)
{
    (void)state;
    char err[200];
    unsetenv("HRCAST_ISA");
    assert_int_equal(nn_isa_check_env(err, sizeof err), 0);
    setenv("HRCAST_ISA", "sse9", 1);
    assert_int_equal(nn_isa_check_env(err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown kernel path"));
    setenv("HRCAST_ISA", "portable", 1);
    assert_int_equal(nn_isa_check_env(err, sizeof err), 0);
    nn_isa_reset();
    assert_int_equal(nn_isa_active(), NN_ISA_PORTABLE);
    /* a CPU without AVX-512: forcing it is refused with a clear line, the default falls to AVX2 or below */
    nn_isa_limit_cpu(NN_ISA_AVX2);
    setenv("HRCAST_ISA", "avx512", 1);
    assert_int_equal(nn_isa_check_env(err, sizeof err), -1);
    assert_non_null(strstr(err, "this CPU lacks AVX-512"));
    assert_int_equal(nn_isa_set(NN_ISA_AVX512), -1);
    assert_true(nn_isa_active() != NN_ISA_AVX512);
    nn_isa_limit_cpu(NN_ISA_PORTABLE);
    setenv("HRCAST_ISA", "avx2", 1);
    assert_int_equal(nn_isa_check_env(err, sizeof err), -1);
    assert_int_equal(nn_isa_active(), NN_ISA_PORTABLE);
    unsetenv("HRCAST_ISA");
    nn_isa_limit_cpu(NN_ISA_AVX512);
    fprintf(stderr, "this CPU: avx512 %d avx2 %d; default path %s\n", nn_isa_cpu_has(NN_ISA_AVX512),
            nn_isa_cpu_has(NN_ISA_AVX2), nn_isa_name(nn_isa_active()));
}

int main(void)
{
    unsetenv("HRCAST_ISA");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemm_paths_vs_openblas), cmocka_unit_test(test_par_sgemm_avx512),
        cmocka_unit_test(test_cells_vs_portable),      cmocka_unit_test(test_fused_products),
        cmocka_unit_test(test_adam_same_bytes),        cmocka_unit_test(test_lstm_per_path),
        cmocka_unit_test(test_isa_env_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
