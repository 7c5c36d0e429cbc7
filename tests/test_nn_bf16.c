/* test_nn_bf16.c — the bf16 inference path: the float -> bf16 conversion (round to nearest even, denormals
 * to zero, NaN kept) in its portable and vcvtne2ps2bf16 bodies; the BF16 product (gemm_bf16.c) against a
 * double-precision reference on the same bf16 operands and within the bf16 rounding bound of the FP32
 * product, its vdpbf16ps body against the portable emulation (HRCAST_ISA=portable's path), the AVX2
 * emulation equal to the portable one byte for byte; and
 * lstm_infer_lowp(bf16) close to lstm_infer, closer than int8 on the same model, with the NaN padding,
 * independent of threads, row blocks and chunking, and the same (within rounding) on the emulated path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nn/isa.h"
#include "nn/kernels.h"
#include "nn/lstm.h"
#include "nn/par.h"
#include "lowp_models.h"

static float frand(struct nn_rng *r, float lo, float hi) { return lo + (hi - lo) * nn_rng_unif(r); }

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static void test_convert(void **state)
{
    (void)state;
    /* exact cases of the definition */
    assert_int_equal(nn_bf16_from_float(1.0f), 0x3f80);
    assert_int_equal(nn_bf16_from_float(-2.0f), 0xc000);
    assert_int_equal(nn_bf16_from_float(from_bits(0x3f808000u)), 0x3f80); /* tie, even below: down */
    assert_int_equal(nn_bf16_from_float(from_bits(0x3f818000u)), 0x3f82); /* tie, odd below: up */
    assert_int_equal(nn_bf16_from_float(from_bits(0x3f808001u)), 0x3f81); /* above the tie: up */
    assert_int_equal(nn_bf16_from_float(from_bits(0x00000123u)), 0x0000); /* denormal: zero */
    assert_int_equal(nn_bf16_from_float(from_bits(0x80400000u)), 0x8000); /* negative denormal: -0 */
    assert_int_equal(nn_bf16_from_float(INFINITY), 0x7f80);
    assert_true(isnan(nn_bf16_to_float(nn_bf16_from_float(NAN))));
    assert_int_equal(nn_bf16_from_float(from_bits(0x7f7fffffu)), 0x7f80); /* FLT_MAX rounds to infinity */
    /* the native body gives the portable bytes (rows of 37: a 32-wide block and a tail, odd K padded) */
    enum { M = 4, K = 37, KP = 38 };
    struct nn_rng r;
    nn_rng_seed(&r, 5);
    float h[M * K];
    for (int i = 0; i < M * K; i++)
        h[i] = frand(&r, -1.5f, 1.5f);
    h[3] = from_bits(0x3f808000u), h[4] = from_bits(0x00000123u), h[5] = -0.0f, h[6] = 1e-39f, h[7] = 3e38f;
    uint16_t qa[M * KP], qp[M * KP];
    memset(qa, 0xff, sizeof qa);
    memset(qp, 0xff, sizeof qp);
    nn_bf16_convert(qa, KP, h, K, M, K);
    nn_force_portable(1);
    nn_bf16_convert(qp, KP, h, K, M, K);
    nn_force_portable(0);
    assert_memory_equal(qa, qp, sizeof qa);
    for (int m = 0; m < M; m++) {
        for (int k = 0; k < K; k++) {
            float v = h[m * K + k], b = nn_bf16_to_float(qp[m * KP + k]);
            assert_int_equal(qp[m * KP + k], nn_bf16_from_float(v));
            if (fabsf(v) > 1e-37f && fabsf(v) < 1e38f)
                assert_true(fabsf(b - v) <= fabsf(v) * (1.0f / 256)); /* half an ulp of 8 bits */
        }
        assert_int_equal(qp[m * KP + K], 0);
    }
}

/* one product shape: C0 + the product on the bf16 operands, as the kernel computes it, vs a double sum
 * of the same operands (tight), vs the FP32 operands (the bf16 bound), native vs portable */
static void check_gemm(int M, int N, int K, struct nn_rng *r, double *native_vs_portable, int *bitwise)
{
    int Kp = nn_bf16_kpad(K);
    float *W = malloc(sizeof(float) * (size_t)N * K), *h = malloc(sizeof(float) * (size_t)M * K);
    float *C0 = malloc(sizeof(float) * (size_t)M * N), *Ca = malloc(sizeof(float) * (size_t)M * N);
    float *Cp = malloc(sizeof(float) * (size_t)M * N);
    uint16_t *P = malloc(nn_bf16_pack_elems(K, N) * sizeof(uint16_t)), *A = malloc((size_t)M * Kp * sizeof(uint16_t));
    for (int i = 0; i < N * K; i++)
        W[i] = frand(r, -0.3f, 0.3f);
    for (int i = 0; i < M * K; i++)
        h[i] = frand(r, -1, 1);
    for (int i = 0; i < M * N; i++)
        C0[i] = frand(r, -2, 2);
    nn_bf16_pack_bt(P, W, N, K);
    nn_bf16_convert(A, Kp, h, K, M, K);
    memcpy(Ca, C0, sizeof(float) * (size_t)M * N);
    memcpy(Cp, C0, sizeof(float) * (size_t)M * N);
    nn_bf16_gemm(M, N, K, A, Kp, P, Ca, N);
    nn_force_portable(1);
    nn_bf16_gemm(M, N, K, A, Kp, P, Cp, N);
    nn_force_portable(0);
    if (memcmp(Ca, Cp, sizeof(float) * (size_t)M * N))
        *bitwise = 0;
    if (nn_isa_cpu_has(NN_ISA_AVX2)) { /* the AVX2 emulation: the portable body's bytes */
        float *Cv = malloc(sizeof(float) * (size_t)M * N);
        memcpy(Cv, C0, sizeof(float) * (size_t)M * N);
        assert_int_equal(nn_isa_set(NN_ISA_AVX2), 0);
        nn_bf16_gemm(M, N, K, A, Kp, P, Cv, N);
        nn_isa_reset();
        assert_memory_equal(Cv, Cp, sizeof(float) * (size_t)M * N);
        free(Cv);
    }
    for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++) {
            double same = 0, exact = 0, sum_abs = 0;
            for (int k = 0; k < K; k++) {
                float w = W[(size_t)n * K + k], v = h[(size_t)m * K + k];
                same += (double)nn_bf16_to_float(nn_bf16_from_float(w)) * nn_bf16_to_float(nn_bf16_from_float(v));
                exact += (double)w * v;
                sum_abs += fabs((double)w * v);
            }
            size_t i = (size_t)m * N + n;
            double gp = (double)Cp[i] - C0[i], ga = (double)Ca[i] - C0[i];
            /* FP32 sums of K exact products: K roundings of at most 2^-24 of the running sum */
            double fp32 = (K + 2) * 6e-8 * (sum_abs + fabs(C0[i]));
            assert_true(fabs(gp - same) <= fp32);
            assert_true(fabs(ga - same) <= fp32);
            /* both operands rounded to 8 significant bits (2^-8 relative each): each product within 2^-7 + 2^-16 */
            assert_true(fabs(gp - exact) <= sum_abs * (2.0 / 256 + 1.0 / 65536) + fp32);
            *native_vs_portable = fmax(*native_vs_portable, fabs((double)Ca[i] - Cp[i]));
        }
    free(W), free(h), free(C0), free(Ca), free(Cp), free(P), free(A);
}

static void test_gemm(void **state)
{
    (void)state;
    static const int Ms[] = {1, 2, 3, 7, 8, 9, 13, 16}, Ns[] = {16, 40, 512}, Ks[] = {5, 14, 128, 129};
    struct nn_rng r;
    nn_rng_seed(&r, 12);
    double d = 0;
    int bitwise = 1;
    for (size_t a = 0; a < sizeof Ms / sizeof *Ms; a++)
        for (size_t b = 0; b < sizeof Ns / sizeof *Ns; b++)
            for (size_t c = 0; c < sizeof Ks / sizeof *Ks; c++)
                check_gemm(Ms[a], Ns[b], Ks[c], &r, &d, &bitwise);
    printf("bf16 products: %s; native vs emulated: max |dC| %.3g (%s)\n",
           nn_isa_bf16() ? "vdpbf16ps (AVX512_BF16)" : "emulated (no AVX512_BF16 on this path)", d,
           bitwise ? "bitwise equal" : "not bitwise equal");
}

static int infer(const struct lstm_model *m, enum lstm_precision p, const float *x, const int *lens, int B, int T,
                 float *y)
{
    struct hr_err e;
    struct lstm_lowp *q = lstm_lowp_prepare(m, p, &e);
    assert_non_null(q);
    assert_int_equal(lstm_lowp_precision(q), p);
    int rc = lstm_infer_lowp(m, q, x, lens, B, T, y, &e);
    lstm_lowp_free(q);
    return rc;
}

/* bf16 vs FP32 on the reference shape (2 x 128, 14 inputs) and a small one with lengths: close, and
 * closer than int8 (8 bits of mantissa against 8 bits over the whole range) */
static void check_close(int F, int H, int O, int B, int T, const int *lens)
{
    struct lstm_model m;
    struct hr_err e;
    lowp_make_model(&m, F, H, O, 21);
    float *x = lowp_make_inputs(B, T, F, 22);
    size_t n = (size_t)B * T * O;
    float *y = malloc(n * sizeof(float)), *yb = malloc(n * sizeof(float)), *yq = malloc(n * sizeof(float));
    assert_int_equal(lstm_infer(&m, x, lens, B, T, y, &e), 0);
    assert_int_equal(infer(&m, LSTM_PREC_BF16, x, lens, B, T, yb), 0);
    assert_int_equal(infer(&m, LSTM_PREC_INT8, x, lens, B, T, yq), 0);
    double mb, mq, db = lowp_diff(yb, y, n, &mb), dq = lowp_diff(yq, y, n, &mq);
    printf("bf16 vs fp32 F=%d H=%d O=%d B=%d T=%d: mean |dy| %.5f max %.4f (int8: mean %.5f max %.4f)\n", F, H, O, B,
           T, mb, db, mq, dq);
    assert_true(db <= 0.05);
    assert_true(mb > 0); /* the products did change */
    assert_true(mb < mq);
    lstm_model_free(&m);
    free(x), free(y), free(yb), free(yq);
}

static void test_infer_close(void **state)
{
    (void)state;
    static const int lens[13] = {29, 1, 0, 17, 29, 28, 5, 29, 11, 2, 29, 23, 9};
    check_close(5, 20, 1, 13, 29, lens);
    check_close(5, 20, 2, 13, 29, lens);
    check_close(14, 128, 1, 7, 120, NULL);
}

/* both low precisions: rows alone = rows in a batch (other block, other chunking) = rows at 2 threads,
 * bytes; int8's weights packed per call (lstm_infer_q8 with NULL) = prepared once; NaN beyond each length */
static void check_rows_threads(enum lstm_precision p)
{
    enum { B = 80, T = 29, F = 5, H = 20 };
    struct lstm_model m;
    struct hr_err e;
    lowp_make_model(&m, F, H, 1, 31);
    float *x = lowp_make_inputs(B, T, F, 32);
    int lens[B];
    for (int b = 0; b < B; b++)
        lens[b] = b % 9 == 0 ? T : (b * 7) % (T + 1);
    float *y1 = malloc(sizeof(float) * B * T), *y2 = malloc(sizeof(float) * B * T), *yr = malloc(sizeof(float) * T);
    struct lstm_lowp *q = lstm_lowp_prepare(&m, p, &e);
    assert_non_null(q);
    nn_par_override(1);
    assert_int_equal(lstm_infer_lowp(&m, q, x, lens, B, T, y1, &e), 0);
    nn_par_override(2);
    if (p == LSTM_PREC_INT8)
        assert_int_equal(lstm_infer_q8(&m, NULL, x, lens, B, T, y2, &e), 0);
    else
        assert_int_equal(lstm_infer_lowp(&m, q, x, lens, B, T, y2, &e), 0);
    nn_par_override(0);
    assert_memory_equal(y1, y2, sizeof(float) * B * T);
    for (int b = 0; b < B; b += 13) {
        assert_int_equal(lstm_infer_lowp(&m, q, x + (size_t)b * T * F, &lens[b], 1, T, yr, &e), 0);
        assert_memory_equal(yr, y1 + (size_t)b * T, sizeof(float) * T);
    }
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++)
            assert_int_equal(isnan(y1[(size_t)b * T + t]), t >= lens[b]);
    lstm_lowp_free(q);
    lstm_model_free(&m);
    free(x), free(y1), free(y2), free(yr);
}

static void test_infer_rows_threads(void **state)
{
    (void)state;
    check_rows_threads(LSTM_PREC_BF16);
    check_rows_threads(LSTM_PREC_INT8);
}

/* the emulated path (HRCAST_ISA=portable, and what a CPU without AVX512_BF16 runs) agrees with the native
 * one on the reference shape: the bf16 products are the same numbers (test_gemm), so what differs is the
 * FP32 part (cell, layer 0's product: a few ulp between paths, as in FP32 itself, which a bf16 rounding
 * of h can turn into one bf16 ulp); well below the distance of either from FP32 */
static void test_portable_agrees(void **state)
{
    (void)state;
    enum { B = 9, T = 150, F = 14, H = 128 };
    struct lstm_model m;
    struct hr_err e;
    lowp_make_model(&m, F, H, 1, 41);
    float *x = lowp_make_inputs(B, T, F, 42), *y = malloc(sizeof(float) * B * T), *ya = malloc(sizeof(float) * B * T),
          *yp = malloc(sizeof(float) * B * T), *yv = malloc(sizeof(float) * B * T);
    assert_int_equal(lstm_infer(&m, x, NULL, B, T, y, &e), 0);
    assert_int_equal(infer(&m, LSTM_PREC_BF16, x, NULL, B, T, ya), 0);
    int native = nn_isa_bf16();
    nn_force_portable(1);
    assert_int_equal(nn_isa_bf16(), 0);
    assert_int_equal(infer(&m, LSTM_PREC_BF16, x, NULL, B, T, yp), 0);
    nn_force_portable(0);
    nn_force_portable(1);
    assert_int_equal(lstm_infer(&m, x, NULL, B, T, yv, &e), 0);
    nn_force_portable(0);
    double mp, mf, m32, dp = lowp_diff(ya, yp, (size_t)B * T, &mp), df = lowp_diff(ya, y, (size_t)B * T, &mf);
    double d32 = lowp_diff(y, yv, (size_t)B * T, &m32);
    printf("bf16 %s vs emulated (portable): max |dy| %.3g, mean %.3g; vs fp32 max %.4f, mean %.5f; fp32 default vs "
           "portable: max %.3g, mean %.3g\n",
           native ? "native" : "default path", dp, mp, df, mf, d32, m32);
    assert_true(dp <= 1e-3);
    assert_true(mp <= 0.25 * mf);
    if (nn_isa_cpu_has(NN_ISA_AVX2)) { /* the AVX2 path (cell and FP32 products in AVX2) emulates too */
        assert_int_equal(nn_isa_set(NN_ISA_AVX2), 0);
        assert_int_equal(nn_isa_bf16(), 0);
        assert_int_equal(infer(&m, LSTM_PREC_BF16, x, NULL, B, T, yv), 0);
        nn_isa_reset();
        assert_true(lowp_diff(ya, yv, (size_t)B * T, NULL) <= 1e-3);
    }
    lstm_model_free(&m);
    free(x), free(y), free(ya), free(yp), free(yv);
}

static void test_bad(void **state)
{
    (void)state;
    struct lstm_model m;
    struct hr_err e;
    lowp_make_model(&m, 3, 8, 1, 1);
    assert_null(lstm_lowp_prepare(&m, LSTM_PREC_FP32, &e));
    assert_non_null(strstr(e.msg, "no low-precision forward for fp32"));
    struct lstm_lowp *q = lstm_lowp_prepare(&m, LSTM_PREC_BF16, &e);
    float x[3] = {0}, y[1];
    assert_int_not_equal(lstm_infer_lowp(&m, q, x, NULL, 0, 1, y, &e), 0);
    assert_non_null(strstr(e.msg, "bad inference batch"));
    assert_int_equal(lstm_infer_lowp(&m, q, x, NULL, 1, 0, y, &e), 0);
    assert_int_not_equal(lstm_infer_lowp(&m, NULL, x, NULL, 1, 1, y, &e), 0);
    assert_string_equal(lstm_precision_name(LSTM_PREC_BF16), "bf16");
    lstm_lowp_free(q);
    lstm_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_convert),          cmocka_unit_test(test_gemm),
        cmocka_unit_test(test_infer_close),      cmocka_unit_test(test_infer_rows_threads),
        cmocka_unit_test(test_portable_agrees),  cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests_name("nn_bf16", tests, NULL, NULL);
}
