/* test_nn.c — the numerical engine: finite-difference gradient checks over every parameter tensor and
 * every loss (masks, variable lengths, dropout), length invariance, inference == training forward,
 * determinism, optimizer steps by hand, parity with PyTorch golden files (tests/golden/), and the
 * AVX2+FMA kernels against the portable ones (nn_force_portable), and the fused kernel and the
 * row-split products (nn_par_sgemm) against OpenBLAS cblas_sgemm on the LSTM's own shapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nn/kernels.h"
#include "nn/lstm.h"
#include "nn/optim.h"
#include "nn/par.h"
#include "util/safetensors.h"
#include <cblas.h>

enum { B = 3, T = 6, F = 3, H = 4 };
static const int LENS[B] = {6, 3, 5};

struct problem {
    float x[B * T * F], target[B * T], mask[B * T];
};

static void make_problem(struct problem *p, uint64_t seed)
{
    struct nn_rng r;
    nn_rng_seed(&r, seed);
    for (int k = 0; k < B * T * F; k++)
        p->x[k] = 2 * nn_rng_unif(&r) - 1;
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++) {
            p->target[b * T + t] = 2 * nn_rng_unif(&r) - 1;
            p->mask[b * T + t] = (t < LENS[b] && nn_rng_unif(&r) > 0.2f) ? 1.0f : 0.0f;
            if (t >= LENS[b]) /* beyond the length: garbage that must not matter */
                for (int f = 0; f < F; f++)
                    p->x[(b * T + t) * F + f] = NAN;
        }
    p->target[1] = NAN;
    p->mask[1] = 0; /* a missing target under a zero mask */
}

static double run_loss(struct lstm_model *m, struct lstm_ws *ws, const struct problem *p, const struct nn_loss *l,
                       int train, uint64_t drop_seed)
{
    struct nn_rng r;
    nn_rng_seed(&r, drop_seed);
    struct hr_err e;
    assert_int_equal(lstm_forward(m, ws, p->x, LENS, B, T, train, &r, NULL, &e), 0);
    return lstm_loss(m, ws, l, p->target, p->mask, NULL);
}

static void gradcheck(int out, enum nn_loss_kind kind, float dropout)
{
    struct lstm_cfg cfg = {F, H, 2, out, dropout};
    struct lstm_model m;
    struct lstm_ws ws;
    struct hr_err e;
    assert_int_equal(lstm_model_init(&m, &cfg, 7, &e), 0);
    assert_int_equal(lstm_ws_init(&ws, &m, B, T, &e), 0);
    /* larger weights make the gates work away from their linear region */
    for (size_t k = 0; k < m.n_params; k++)
        m.params[k] *= 2.0f;
    struct problem p;
    make_problem(&p, 99);
    struct nn_loss l = {kind, 0.3f};
    int train = dropout > 0;
    struct nn_rng r;
    nn_rng_seed(&r, 5);
    lstm_zero_grad(&m);
    assert_int_equal(lstm_forward(&m, &ws, p.x, LENS, B, T, train, &r, NULL, &e), 0);
    size_t nv;
    double l0 = lstm_backward(&m, &ws, &l, p.target, p.mask, &nv);
    assert_true(isfinite(l0));
    assert_true(nv > 5);
    struct nn_param ps[LSTM_MAX_PARAMS];
    int np = lstm_params(&m, ps);
    assert_int_equal(np, 10);
    double worst = 0;
    for (int k = 0; k < np; k++) {
        double gnorm = 0;
        for (size_t i = 0; i < ps[k].numel; i++)
            gnorm = fmax(gnorm, fabs(ps[k].grad[i]));
        assert_true(gnorm > 0); /* every tensor receives gradient */
        for (size_t i = 0; i < ps[k].numel; i++) {
            float save = ps[k].data[i], h = 1e-2f;
            ps[k].data[i] = save + h;
            double lp = run_loss(&m, &ws, &p, &l, train, 5);
            ps[k].data[i] = save - h;
            double lm = run_loss(&m, &ws, &p, &l, train, 5);
            ps[k].data[i] = save;
            double num = (lp - lm) / (2.0 * h), ana = ps[k].grad[i];
            double err = fabs(num - ana) / (fabs(num) + fabs(ana) + 1e-3);
            if (err > worst)
                worst = err;
            if (err > 2e-2)
                fprintf(stderr, "%s loss %s[%zu]: numeric %.6g analytic %.6g\n", nn_loss_name(kind), ps[k].name, i, num, ana);
            assert_true(err <= 2e-2);
        }
    }
    fprintf(stderr, "gradcheck %-5s out=%d dropout=%.1f: worst relative error %.2e\n", nn_loss_name(kind), out,
            dropout, worst);
    lstm_ws_free(&ws);
    lstm_model_free(&m);
}

static void test_gradcheck_mse(void **s) { (void)s; gradcheck(1, NN_LOSS_MSE, 0); }
static void test_gradcheck_mae(void **s) { (void)s; gradcheck(1, NN_LOSS_MAE, 0); }
static void test_gradcheck_huber(void **s) { (void)s; gradcheck(1, NN_LOSS_HUBER, 0); }
static void test_gradcheck_gnll(void **s) { (void)s; gradcheck(2, NN_LOSS_GNLL, 0); }
static void test_gradcheck_dropout(void **s) { (void)s; gradcheck(1, NN_LOSS_MSE, 0.4f); }

static void test_lengths_infer_determinism(void **state)
{
    (void)state;
    struct lstm_cfg cfg = {F, H, 2, 2, 0.3f};
    struct lstm_model m;
    struct lstm_ws ws;
    struct hr_err e;
    assert_int_equal(lstm_model_init(&m, &cfg, 3, &e), 0);
    assert_int_equal(lstm_ws_init(&ws, &m, B, T, &e), 0);
    struct problem p;
    make_problem(&p, 1);
    float y1[B * T * 2], y2[B * T * 2];
    assert_int_equal(lstm_forward(&m, &ws, p.x, LENS, B, T, 0, NULL, y1, &e), 0);
    assert_int_equal(lstm_infer(&m, p.x, LENS, B, T, y2, &e), 0);
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++)
            for (int o = 0; o < 2; o++) {
                int k = (b * T + t) * 2 + o;
                if (t < LENS[b]) {
                    assert_true(isfinite(y1[k]));
                    assert_true(fabsf(y1[k] - y2[k]) <= 1e-6f);
                } else {
                    assert_true(isnan(y1[k]) && isnan(y2[k]));
                }
            }
    /* a sequence's outputs do not depend on the other sequences or on its own padding */
    float y3[1 * T * 2];
    int len1 = LENS[1];
    assert_int_equal(lstm_infer(&m, p.x + 1 * T * F, &len1, 1, T, y3, &e), 0);
    for (int t = 0; t < len1; t++)
        assert_true(fabsf(y3[t * 2] - y1[(1 * T + t) * 2]) <= 1e-6f);
    /* dropout: same seed -> same bytes; other seed -> different; eval ignores it */
    struct nn_rng r1, r2, r3;
    nn_rng_seed(&r1, 11);
    nn_rng_seed(&r2, 11);
    nn_rng_seed(&r3, 12);
    float d1[B * T * 2], d2[B * T * 2], d3[B * T * 2];
    assert_int_equal(lstm_forward(&m, &ws, p.x, LENS, B, T, 1, &r1, d1, &e), 0);
    assert_int_equal(lstm_forward(&m, &ws, p.x, LENS, B, T, 1, &r2, d2, &e), 0);
    assert_int_equal(lstm_forward(&m, &ws, p.x, LENS, B, T, 1, &r3, d3, &e), 0);
    assert_memory_equal(d1, d2, sizeof d1);
    assert_true(memcmp(d1, d3, sizeof d1) != 0);
    assert_true(memcmp(d1, y1, sizeof d1) != 0);
    /* batch beyond capacity is an error */
    assert_int_equal(lstm_forward(&m, &ws, p.x, LENS, B + 1, T, 0, NULL, NULL, &e), -1);
    lstm_ws_free(&ws);
    lstm_model_free(&m);
}

static void test_param_names_and_bias_init(void **state)
{
    (void)state;
    struct lstm_cfg cfg = {14, 8, 3, 2, 0};
    struct lstm_model m;
    struct hr_err e;
    assert_int_equal(lstm_model_init(&m, &cfg, 1, &e), 0);
    struct nn_param ps[LSTM_MAX_PARAMS];
    int n = lstm_params(&m, ps);
    assert_int_equal(n, 14);
    assert_string_equal(ps[0].name, "lstm.weight_ih_l0");
    assert_int_equal(ps[0].shape[0], 32);
    assert_int_equal(ps[0].shape[1], 14);
    assert_string_equal(ps[5].name, "lstm.weight_hh_l1");
    assert_string_equal(ps[11].name, "lstm.bias_hh_l2");
    assert_string_equal(ps[12].name, "fc.weight");
    assert_string_equal(ps[13].name, "fc.bias");
    size_t total = 0;
    float k = 1.0f / sqrtf(8.0f);
    for (int i = 0; i < n; i++) {
        assert_ptr_equal(ps[i].data, m.params + total); /* one buffer, state_dict order */
        total += ps[i].numel;
    }
    assert_int_equal(total, m.n_params);
    for (size_t i = 0; i < m.n_params; i++)
        assert_true(fabsf(m.params[i]) <= k);
    lstm_init_output_bias(&m, 142.5f, -1.0f);
    assert_true(m.fc_b[0] == 142.5f && m.fc_b[1] == -1.0f);
    struct lstm_model m2;
    assert_int_equal(lstm_model_init(&m2, &cfg, 1, &e), 0);
    assert_memory_equal(m.params, m2.params, (m.n_params - 2) * sizeof(float));
    lstm_model_free(&m2);
    lstm_model_free(&m);
    struct lstm_cfg bad = {14, 8, 0, 1, 0};
    assert_int_equal(lstm_model_init(&m, &bad, 1, &e), -1);
}

static void test_optimizers_by_hand(void **state)
{
    (void)state;
    struct hr_err e;
    struct nn_adam a;
    float p[2] = {1.0f, -2.0f}, g[2] = {0.5f, -0.25f};
    assert_int_equal(nn_adam_init(&a, 2, 0.1f, 0, 0, &e), 0);
    nn_adam_step(&a, p, g);
    /* first step: m_hat = g, v_hat = g^2 -> p -= lr * sign(g) (up to eps) */
    assert_true(fabsf(p[0] - 0.9f) < 1e-6f && fabsf(p[1] + 1.9f) < 1e-6f);
    nn_adam_step(&a, p, g);
    assert_true(fabsf(p[0] - 0.8f) < 1e-6f);
    nn_adam_free(&a);
    /* Adam with L2: g' = g + wd p = 0.5 + 0.5*1 = 1 -> still lr*sign; AdamW: p *= 1 - lr*wd first */
    float q[1] = {1.0f}, gq[1] = {0.5f};
    assert_int_equal(nn_adam_init(&a, 1, 0.1f, 0.5f, 1, &e), 0);
    nn_adam_step(&a, q, gq);
    assert_true(fabsf(q[0] - (1.0f * (1 - 0.05f) - 0.1f)) < 1e-6f);
    nn_adam_free(&a);
    float c[2] = {3, 4};
    assert_true(fabsf(nn_clip_grad_norm(c, 2, 1.0f) - 5.0f) < 1e-6f);
    assert_true(fabsf(c[0] - 0.6f) < 1e-5f && fabsf(c[1] - 0.8f) < 1e-5f);
    float d[2] = {0.3f, 0.4f};
    nn_clip_grad_norm(d, 2, 1.0f);
    assert_true(d[0] == 0.3f && d[1] == 0.4f);
    struct nn_plateau pl;
    nn_plateau_init(&pl, 0.5f, 1, 1e-4f);
    float lr = 1e-3f;
    lr = nn_plateau_step(&pl, 1.0f, lr);
    lr = nn_plateau_step(&pl, 1.0f, lr);
    assert_true(lr == 1e-3f);
    lr = nn_plateau_step(&pl, 1.0f, lr);
    assert_true(lr == 5e-4f);
    lr = nn_plateau_step(&pl, 0.5f, lr);
    assert_true(lr == 5e-4f);
    struct nn_early_stop es;
    nn_early_stop_init(&es, 2, 0);
    int imp;
    assert_int_equal(nn_early_stop_update(&es, 1.0f, &imp), 0);
    assert_int_equal(imp, 1);
    assert_int_equal(nn_early_stop_update(&es, 0.9f, &imp), 0);
    assert_int_equal(nn_early_stop_update(&es, 0.95f, &imp), 0);
    assert_int_equal(imp, 0);
    assert_int_equal(nn_early_stop_update(&es, 0.91f, &imp), 1);
    assert_int_equal(es.best_epoch, 1);
}

/* ---- PyTorch parity ---- */

static double max_rel_err(const float *a, const float *ref, size_t n)
{
    double maxabs = 0, worst = 0;
    for (size_t i = 0; i < n; i++)
        maxabs = fmax(maxabs, fabs(ref[i]));
    for (size_t i = 0; i < n; i++) {
        double err = fabs((double)a[i] - ref[i]) / (fabs(ref[i]) + 1e-2 * maxabs + 1e-12);
        worst = fmax(worst, err);
    }
    return worst;
}

static void parity_file(const char *file)
{
    char path[512];
    const char *dir = getenv("HRCAST_GOLDEN_DIR");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/golden", file);
    struct safetensors st;
    struct hr_err e;
    if (st_read_file(path, 0, &st, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        fail_msg("golden file missing: %s", path);
    }
    int b_ = atoi(st_meta_get(&st, "B")), t_ = atoi(st_meta_get(&st, "T")), f_ = atoi(st_meta_get(&st, "F"));
    int h_ = atoi(st_meta_get(&st, "H")), l_ = atoi(st_meta_get(&st, "L")), o_ = atoi(st_meta_get(&st, "O"));
    struct lstm_cfg cfg = {f_, h_, l_, o_, 0};
    struct lstm_model m;
    struct lstm_ws ws;
    assert_int_equal(lstm_model_init(&m, &cfg, 0, &e), 0);
    assert_int_equal(lstm_ws_init(&ws, &m, b_, t_, &e), 0);
    struct nn_param ps[LSTM_MAX_PARAMS];
    int np = lstm_params(&m, ps);
    for (int k = 0; k < np; k++)
        if (st_copy_f32(&st, ps[k].name, ps[k].ndim, ps[k].shape, ps[k].data, ps[k].numel, &e))
            fail_msg("%s", e.msg);
    size_t nx = (size_t)b_ * t_ * f_, nt = (size_t)b_ * t_, ny = nt * (size_t)o_;
    float *x = malloc(nx * 4), *tg = malloc(nt * 4), *mk = malloc(nt * 4), *yref = malloc(ny * 4), *y = malloc(ny * 4);
    int lens[16];
    assert_int_equal(st_copy_f32(&st, "x", 0, NULL, x, nx, &e), 0);
    assert_int_equal(st_copy_f32(&st, "target", 0, NULL, tg, nt, &e), 0);
    assert_int_equal(st_copy_f32(&st, "mask", 0, NULL, mk, nt, &e), 0);
    assert_int_equal(st_copy_f32(&st, "y", 0, NULL, yref, ny, &e), 0);
    const struct st_tensor *lt = st_find(&st, "lengths");
    assert_non_null(lt);
    for (int b = 0; b < b_; b++) {
        int64_t v;
        memcpy(&v, lt->data + 8 * b, 8);
        lens[b] = (int)v;
    }
    assert_int_equal(lstm_forward(&m, &ws, x, lens, b_, t_, 0, NULL, y, &e), 0);
    double worst = 0;
    for (int b = 0; b < b_; b++)
        for (int t = 0; t < lens[b]; t++)
            for (int o = 0; o < o_; o++) {
                size_t k = ((size_t)b * t_ + t) * o_ + o;
                worst = fmax(worst, fabs(y[k] - yref[k]) / (fabs(yref[k]) + 1e-3));
            }
    fprintf(stderr, "parity %s: outputs max rel err %.2e\n", file, worst);
    assert_true(worst < 1e-5);
    const char *kinds[] = {"mse", "mae", "huber", "gnll"};
    const char *first = NULL;
    for (int kk = 0; kk < 4; kk++) {
        char key[64];
        snprintf(key, sizeof key, "loss.%s", kinds[kk]);
        const char *lv = st_meta_get(&st, key);
        if (!lv)
            continue;
        if (!first)
            first = kinds[kk];
        struct nn_loss loss = {(enum nn_loss_kind)nn_loss_parse(kinds[kk]), 1.5f};
        lstm_zero_grad(&m);
        assert_int_equal(lstm_forward(&m, &ws, x, lens, b_, t_, 0, NULL, NULL, &e), 0);
        double L = lstm_backward(&m, &ws, &loss, tg, mk, NULL);
        double ref = atof(lv);
        fprintf(stderr, "parity %s %s: loss %.8g torch %.8g", file, kinds[kk], L, ref);
        assert_true(fabs(L - ref) <= 1e-5 * fabs(ref));
        double gw = 0;
        for (int k = 0; k < np; k++) {
            char gname[128];
            snprintf(gname, sizeof gname, "grad.%s.%s", kinds[kk], ps[k].name);
            float *gref = malloc(ps[k].numel * 4);
            assert_int_equal(st_copy_f32(&st, gname, ps[k].ndim, ps[k].shape, gref, ps[k].numel, &e), 0);
            double err = max_rel_err(ps[k].grad, gref, ps[k].numel);
            if (err > 1e-4)
                fprintf(stderr, "\n  %s: max rel err %.2e", gname, err);
            gw = fmax(gw, err);
            free(gref);
        }
        fprintf(stderr, "; gradients max rel err %.2e\n", gw);
        assert_true(gw < 1e-4);
    }
    /* one clipped Adam step from the first loss's gradients */
    struct nn_loss loss = {(enum nn_loss_kind)nn_loss_parse(first), 1.5f};
    lstm_zero_grad(&m);
    assert_int_equal(lstm_forward(&m, &ws, x, lens, b_, t_, 0, NULL, NULL, &e), 0);
    lstm_backward(&m, &ws, &loss, tg, mk, NULL);
    float norm = nn_clip_grad_norm(m.grads, m.n_params, 1.0f);
    assert_true(fabs(norm - atof(st_meta_get(&st, "clip_norm"))) <= 1e-5 * norm);
    struct nn_adam a;
    assert_int_equal(nn_adam_init(&a, m.n_params, 1e-2f, 0, 0, &e), 0);
    nn_adam_step(&a, m.params, m.grads);
    double pw = 0;
    for (int k = 0; k < np; k++) {
        char pname[128];
        snprintf(pname, sizeof pname, "adam.%s", ps[k].name);
        float *pref = malloc(ps[k].numel * 4);
        assert_int_equal(st_copy_f32(&st, pname, ps[k].ndim, ps[k].shape, pref, ps[k].numel, &e), 0);
        pw = fmax(pw, max_rel_err(ps[k].data, pref, ps[k].numel));
        free(pref);
    }
    fprintf(stderr, "parity %s: after clip+Adam params max rel err %.2e\n", file, pw);
    assert_true(pw < 1e-5);
    nn_adam_free(&a);
    free(x), free(tg), free(mk), free(yref), free(y);
    lstm_ws_free(&ws);
    lstm_model_free(&m);
    st_free(&st);
}

/* ---- SIMD vs portable bodies ---- */

/* the packed recurrent product against a double reference, both dispatch paths, both packings */
static void test_gemm_packed_paths(void **state)
{
    (void)state;
    static const int Ms[] = {1, 2, 5, 6, 7, 13, 64}, Ns[] = {5, 16, 37, 64, 80, 512}, Ks[] = {1, 3, 128};
    struct nn_rng r;
    nn_rng_seed(&r, 77);
    for (size_t im = 0; im < sizeof Ms / sizeof *Ms; im++)
        for (size_t in = 0; in < sizeof Ns / sizeof *Ns; in++)
            for (size_t ik = 0; ik < sizeof Ks / sizeof *Ks; ik++) {
                int M = Ms[im], N = Ns[in], K = Ks[ik], lda = K + 3, ldc = N + 2;
                float *A = malloc((size_t)M * lda * 4), *W = malloc((size_t)N * K * 4), *Wt = malloc((size_t)N * K * 4);
                float *P = malloc(nn_pack_floats(K, N) * 4), *C0 = malloc((size_t)M * ldc * 4);
                float *C[4];
                double *ref = malloc((size_t)M * ldc * sizeof(double));
                for (int i = 0; i < M * lda; i++)
                    A[i] = 2 * nn_rng_unif(&r) - 1;
                for (int i = 0; i < N * K; i++)
                    W[i] = 2 * nn_rng_unif(&r) - 1;
                for (int n = 0; n < N; n++) /* Wt [K][N] = W^T */
                    for (int k = 0; k < K; k++)
                        Wt[(size_t)k * N + n] = W[(size_t)n * K + k];
                for (int i = 0; i < M * ldc; i++)
                    C0[i] = 2 * nn_rng_unif(&r) - 1;
                for (int i = 0; i < M; i++)
                    for (int n = 0; n < ldc; n++) {
                        double s = C0[i * ldc + n];
                        for (int k = 0; n < N && k < K; k++)
                            s += (double)A[i * lda + k] * W[(size_t)n * K + k];
                        ref[i * ldc + n] = s;
                    }
                for (int v = 0; v < 4; v++) { /* v: bit 0 portable, bit 1 pack from [K][N] */
                    C[v] = malloc((size_t)M * ldc * 4);
                    memcpy(C[v], C0, (size_t)M * ldc * 4);
                    nn_force_portable(v & 1);
                    if (v & 2)
                        nn_pack_b(P, Wt, K, N);
                    else
                        nn_pack_bt(P, W, N, K);
                    nn_gemm_packed(M, N, K, A, lda, P, C[v], ldc);
                    for (int i = 0; i < M * ldc; i++) {
                        double tol = 1e-5 * (fabs(ref[i]) + 1.0) * (K > 8 ? 4 : 1);
                        if (!(fabs(C[v][i] - ref[i]) <= tol))
                            fprintf(stderr, "gemm M%d N%d K%d v%d [%d]: %.8g vs %.8g\n", M, N, K, v, i, C[v][i], ref[i]);
                        assert_true(fabs(C[v][i] - ref[i]) <= tol);
                    }
                }
                nn_force_portable(0);
                /* the two packings give the same bytes; the columns past N are untouched */
                assert_memory_equal(C[0], C[2], (size_t)M * ldc * 4);
                assert_memory_equal(C[1], C[3], (size_t)M * ldc * 4);
                for (int i = 0; i < M; i++)
                    for (int n = N; n < ldc; n++)
                        assert_true(C[0][i * ldc + n] == C0[i * ldc + n] && C[1][i * ldc + n] == C0[i * ldc + n]);
                for (int v = 0; v < 4; v++)
                    free(C[v]);
                free(A), free(W), free(Wt), free(P), free(C0), free(ref);
            }
}

/* a whole forward + backward on the AVX2 bodies and on the portable ones agree to 1e-5 relative
 * (on a CPU without AVX2+FMA both runs take the portable path and must match exactly) */
static void test_simd_vs_portable_lstm(void **state)
{
    (void)state;
    enum { BB = 9, TT = 23, FF = 5, HH = 20 };
    struct lstm_cfg cfg = {FF, HH, 2, 2, 0};
    struct lstm_model m;
    struct lstm_ws ws;
    struct hr_err e;
    assert_int_equal(lstm_model_init(&m, &cfg, 9, &e), 0);
    assert_int_equal(lstm_ws_init(&ws, &m, BB, TT, &e), 0);
    static float x[BB * TT * FF], tg[BB * TT], mk[BB * TT], y[2][BB * TT * 2], yi[2][BB * TT * 2];
    int lens[BB];
    struct nn_rng r;
    nn_rng_seed(&r, 4);
    for (int i = 0; i < BB * TT * FF; i++)
        x[i] = 2 * nn_rng_unif(&r) - 1;
    for (int i = 0; i < BB * TT; i++) {
        tg[i] = nn_rng_unif(&r);
        mk[i] = 1;
    }
    for (int b = 0; b < BB; b++)
        lens[b] = TT - 2 * b;
    float *g[2];
    struct nn_loss loss = {NN_LOSS_GNLL, 1};
    for (int v = 0; v < 2; v++) {
        nn_force_portable(v);
        lstm_zero_grad(&m);
        assert_int_equal(lstm_forward(&m, &ws, x, lens, BB, TT, 0, NULL, y[v], &e), 0);
        lstm_backward(&m, &ws, &loss, tg, mk, NULL);
        assert_int_equal(lstm_infer(&m, x, lens, BB, TT, yi[v], &e), 0);
        g[v] = malloc(m.n_params * 4);
        memcpy(g[v], m.grads, m.n_params * 4);
    }
    nn_force_portable(0);
    size_t ny = 0;
    float ya[BB * TT * 2], yb[BB * TT * 2], yc[BB * TT * 2], yd[BB * TT * 2];
    for (int i = 0; i < BB * TT * 2; i++)
        if (!isnan(y[0][i])) {
            ya[ny] = y[0][i], yb[ny] = y[1][i], yc[ny] = yi[0][i], yd[ny] = yi[1][i];
            ny++;
        }
    double ey = max_rel_err(ya, yb, ny), ei = max_rel_err(yc, yd, ny), eg = max_rel_err(g[0], g[1], m.n_params);
    fprintf(stderr, "simd %d vs portable: outputs %.2e, inference %.2e, gradients %.2e\n", nn_simd_enabled(), ey, ei, eg);
    assert_true(ey < 1e-5 && ei < 1e-5 && eg < 1e-5);
    free(g[0]), free(g[1]);
    lstm_ws_free(&ws);
    lstm_model_free(&m);
}

/* a batch large enough that lstm_infer works in several time chunks (16 steps at B 80) */
static void test_infer_chunks(void **state)
{
    (void)state;
    enum { BB = 80, TT = 40, FF = 3, HH = 8 };
    struct lstm_cfg cfg = {FF, HH, 2, 1, 0};
    struct lstm_model m;
    struct lstm_ws ws;
    struct hr_err e;
    assert_int_equal(lstm_model_init(&m, &cfg, 21, &e), 0);
    assert_int_equal(lstm_ws_init(&ws, &m, BB, TT, &e), 0);
    static float x[BB * TT * FF], y1[BB * TT], y2[BB * TT];
    int lens[BB];
    struct nn_rng r;
    nn_rng_seed(&r, 8);
    for (int i = 0; i < BB * TT * FF; i++)
        x[i] = 2 * nn_rng_unif(&r) - 1;
    for (int b = 0; b < BB; b++)
        lens[b] = TT - b % 37;
    assert_int_equal(lstm_forward(&m, &ws, x, lens, BB, TT, 0, NULL, y1, &e), 0);
    assert_int_equal(lstm_infer(&m, x, lens, BB, TT, y2, &e), 0);
    for (int b = 0; b < BB; b++)
        for (int t = 0; t < TT; t++) {
            int k = b * TT + t;
            if (t < lens[b])
                assert_true(isfinite(y1[k]) && fabsf(y1[k] - y2[k]) <= 1e-6f);
            else
                assert_true(isnan(y1[k]) && isnan(y2[k]));
        }
    lstm_ws_free(&ws);
    lstm_model_free(&m);
}

static void test_parity_torch_o1(void **s) { (void)s; parity_file("lstm_o1.safetensors"); }
static void test_parity_torch_o2(void **s) { (void)s; parity_file("lstm_o2.safetensors"); }


/* the packed kernel (AVX2 and portable) and nn_par_sgemm on 1 and 2 threads against OpenBLAS on the
 * recurrent shape (B x 4H x H), the first layer's input shape (K = 14) and one row: 1e-5 relative */
static void test_fused_vs_openblas(void **state)
{
    (void)state;
    static const int shapes[][3] = {{64, 512, 128}, {13, 512, 14}, {1, 512, 128}, {200, 512, 128}};
    struct nn_rng r;
    nn_rng_seed(&r, 77);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
        float *A = malloc(sizeof(float) * (size_t)M * K), *W = malloc(sizeof(float) * (size_t)N * K);
        float *C0 = malloc(sizeof(float) * (size_t)M * N), *Cb = malloc(sizeof(float) * (size_t)M * N);
        float *Cx = malloc(sizeof(float) * (size_t)M * N), *P = malloc(sizeof(float) * nn_pack_floats(K, N));
        for (int i = 0; i < M * K; i++)
            A[i] = 2 * nn_rng_unif(&r) - 1;
        for (int i = 0; i < N * K; i++)
            W[i] = 2 * nn_rng_unif(&r) - 1;
        for (int i = 0; i < M * N; i++)
            C0[i] = 2 * nn_rng_unif(&r) - 1;
        memcpy(Cb, C0, sizeof(float) * (size_t)M * N);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, A, K, W, K, 1.0f, Cb, N);
        double worst = 0;
        for (int v = 0; v < 4; v++) { /* 0, 1: packed AVX2 / portable; 2, 3: nn_par_sgemm on 1 / 2 threads */
            memcpy(Cx, C0, sizeof(float) * (size_t)M * N);
            if (v < 2) {
                nn_force_portable(v);
                nn_pack_bt(P, W, N, K);
                nn_gemm_packed(M, N, K, A, K, P, Cx, N);
                nn_force_portable(0);
            } else {
                nn_set_threads(v - 1);
                nn_par_sgemm(0, 1, M, N, K, 1.0f, A, K, W, K, 1.0f, Cx, N);
                nn_set_threads(1);
            }
            for (int i = 0; i < M * N; i++) {
                double d = fabs((double)Cx[i] - Cb[i]) / (fabs(Cb[i]) + 1.0);
                worst = d > worst ? d : worst;
            }
        }
        fprintf(stderr, "fused/split vs OpenBLAS %dx%dx%d: %.1e\n", M, N, K, worst);
        assert_true(worst < 1e-5);
        free(A), free(W), free(C0), free(Cb), free(Cx), free(P);
    }
}

/* the stepper runs infer_rows' step (step_fwd with the input projection and its bias): stepping a sequence
 * gives lstm_infer's bytes, on every path */
static void test_stepper_matches_infer(void **state)
{
    (void)state;
    struct lstm_cfg cfg = {5, 12, 2, 2, 0};
    struct lstm_model m;
    struct lstm_stepper st;
    struct hr_err e;
    enum { T = 40 };
    assert_int_equal(lstm_model_init(&m, &cfg, 4, &e), 0);
    assert_int_equal(lstm_stepper_init(&st, &m, &e), 0);
    float x[T * 5], y[T * 2], yi[T * 2];
    for (int k = 0; k < T * 5; k++)
        x[k] = (float)((k * 7) % 11) * 0.1f - 0.5f;
    for (int t = 0; t < T; t++)
        lstm_stepper_step(&st, x + t * 5, y + t * 2);
    assert_int_equal(lstm_infer(&m, x, NULL, 1, T, yi, &e), 0);
    assert_memory_equal(y, yi, sizeof y);
    lstm_stepper_free(&st);
    lstm_model_free(&m);
}

int main(void)
{
    nn_set_threads(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gradcheck_mse),
        cmocka_unit_test(test_gradcheck_mae),
        cmocka_unit_test(test_gradcheck_huber),
        cmocka_unit_test(test_gradcheck_gnll),
        cmocka_unit_test(test_gradcheck_dropout),
        cmocka_unit_test(test_lengths_infer_determinism),
        cmocka_unit_test(test_param_names_and_bias_init),
        cmocka_unit_test(test_optimizers_by_hand),
        cmocka_unit_test(test_parity_torch_o1),
        cmocka_unit_test(test_parity_torch_o2),
        cmocka_unit_test(test_gemm_packed_paths),
        cmocka_unit_test(test_simd_vs_portable_lstm),
        cmocka_unit_test(test_infer_chunks),
        cmocka_unit_test(test_fused_vs_openblas),
        cmocka_unit_test(test_stepper_matches_infer),
    };
    return cmocka_run_group_tests_name("nn", tests, NULL, NULL);
}
