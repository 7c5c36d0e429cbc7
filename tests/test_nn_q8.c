/* test_nn_q8.c — the int8 inference path: the quantizer and the 8-bit product (gemm_q8.c), with 7-bit
 * and 8-bit activations, give the same bytes in their VNNI / AVX2 and portable bodies and equal an
 * independent integer recomputation; 8-bit activations (AVX512_VNNI) bring lstm_infer_q8 closer to
 * FP32 than 7-bit ones; the
 * product is within the quantization bound of the exact FP32 one; lstm_infer_q8 stays close to
 * lstm_infer (and far closer than a wrong packing would). That its outputs keep the NaN padding and do
 * not depend on the thread count, the row block, the time chunking or on weights prepared once vs packed
 * per call: tests/test_nn_bf16.c, for both low precisions. */
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

static void test_quantize(void **state)
{
    (void)state;
    static const int Ks[] = {5, 32, 37, 128};
    struct nn_rng r;
    nn_rng_seed(&r, 11);
    for (int bits = 7; bits <= 8; bits++)
    for (size_t ki = 0; ki < sizeof Ks / sizeof *Ks; ki++) {
        int top = bits == 8 ? 255 : 127;
        float half = 0.5f * (float)top;
        int K = Ks[ki], Kp = nn_q8_kpad(K), M = 3;
        float *h = malloc(sizeof(float) * (size_t)M * K);
        uint8_t *qa = malloc((size_t)M * Kp), *qp = malloc((size_t)M * Kp);
        for (int i = 0; i < M * K; i++)
            h[i] = frand(&r, -1.2f, 1.2f);
        /* the edges: both ends, zero, outside [-1, 1], NaN, and exact grid midpoints */
        h[0] = -1, h[1] = 1, h[2] = 0, h[3] = -3, h[4] = NAN;
        if (K > 8)
            h[5] = (10.5f - half) / half, h[6] = (100.5f - half) / half, h[7] = 3, h[8] = -0.0f;
        nn_force_portable(1);
        nn_q8_quantize(qp, Kp, h, K, M, K, bits);
        nn_force_portable(0);
        nn_q8_quantize(qa, Kp, h, K, M, K, bits);
        assert_memory_equal(qa, qp, (size_t)M * Kp);
        for (int m = 0; m < M; m++)
            for (int k = 0; k < Kp; k++) {
                int q = qp[m * Kp + k];
                if (k >= K) {
                    assert_int_equal(q, (top + 1) / 2);
                    continue;
                }
                float v = h[m * K + k];
                assert_true(q >= 0 && q <= top);
                if (isnan(v))
                    assert_int_equal(q, 0);
                else if (v <= -1)
                    assert_int_equal(q, 0);
                else if (v >= 1)
                    assert_int_equal(q, top);
                else
                    assert_true(fabs(q - (half * v + half)) <= 0.5 + 1e-4);
            }
        free(h), free(qa), free(qp);
    }
}

/* one product shape: the CPU's body (VNNI for 8 bits on the AVX-512 path, AVX2 for 7) = portable =
 * integer recomputation, and within the quantization bound */
static void check_gemm(int M, int N, int K, struct nn_rng *r, int bits)
{
    int top = bits == 8 ? 255 : 127;
    int Kp = nn_q8_kpad(K);
    float *W = malloc(sizeof(float) * (size_t)N * K), *h = malloc(sizeof(float) * (size_t)M * K);
    float *C0 = malloc(sizeof(float) * (size_t)M * N), *Ca = malloc(sizeof(float) * (size_t)M * N);
    float *Cp = malloc(sizeof(float) * (size_t)M * N), *alpha = malloc(sizeof(float) * (size_t)N);
    float *beta = malloc(sizeof(float) * (size_t)N);
    int8_t *P = malloc(nn_q8_pack_bytes(K, N));
    uint8_t *A = malloc((size_t)M * Kp);
    for (int i = 0; i < N * K; i++)
        W[i] = frand(r, -0.3f, 0.3f);
    for (int k = 0; k < K; k++) /* one row of zeros: scale 1, all weights 0 */
        W[(size_t)(N / 2) * K + k] = 0;
    for (int i = 0; i < M * K; i++)
        h[i] = frand(r, -1, 1);
    for (int i = 0; i < M * N; i++)
        C0[i] = frand(r, -2, 2);
    nn_q8_pack_bt(P, alpha, beta, W, N, K, bits);
    nn_q8_quantize(A, Kp, h, K, M, K, bits);
    memcpy(Ca, C0, sizeof(float) * (size_t)M * N);
    memcpy(Cp, C0, sizeof(float) * (size_t)M * N);
    nn_q8_gemm(M, N, K, A, Kp, P, alpha, Ca, N, bits);
    nn_force_portable(1);
    nn_q8_gemm(M, N, K, A, Kp, P, alpha, Cp, N, bits);
    nn_force_portable(0);
    assert_memory_equal(Ca, Cp, sizeof(float) * (size_t)M * N);
    for (int n = 0; n < N; n++) {
        double mx = 0;
        for (int k = 0; k < K; k++)
            mx = fmax(mx, fabs(W[(size_t)n * K + k]));
        float s = mx > 0 ? (float)mx / 127.0f : 1.0f;
        int32_t rowsum = 0;
        for (int k = 0; k < K; k++)
            rowsum += (int32_t)lrintf(W[(size_t)n * K + k] / s);
        assert_float_equal(alpha[n], 2.0f * s / (float)top, 0);
        assert_float_equal(beta[n], -s * (float)rowsum, 0);
        for (int m = 0; m < M; m++) {
            /* the integer sum recomputed from the definitions, not from the packed bytes */
            int64_t acc = 0;
            double exact = 0, sum_abs_w = 0, sum_abs_h = 0;
            for (int k = 0; k < K; k++) {
                float w = W[(size_t)n * K + k], v = h[(size_t)m * K + k];
                acc += (int64_t)lrintf(w / s) * A[(size_t)m * Kp + k];
                exact += (double)w * v;
                sum_abs_w += fabs(w);
                sum_abs_h += fabs(v);
            }
            float prod = (float)acc * alpha[n];
            float want = C0[(size_t)m * N + n] + prod;
            assert_memory_equal(&Cp[(size_t)m * N + n], &want, sizeof want);
            /* |h - h_q| <= 1/top and |w - w_q| <= s/2 bound the error of the dequantized sum */
            double got = (double)Cp[(size_t)m * N + n] - C0[(size_t)m * N + n] + beta[n];
            double bound = sum_abs_w / top + 0.5 * s * sum_abs_h + 1e-5 * (fabs(exact) + 1);
            assert_true(fabs(got - exact) <= bound);
        }
    }
    free(W), free(h), free(C0), free(Ca), free(Cp), free(alpha), free(beta), free(P), free(A);
}

static void test_gemm(void **state)
{
    (void)state;
    static const int Ms[] = {1, 2, 3, 4, 5, 7, 13}, Ns[] = {16, 40, 512}, Ks[] = {5, 14, 128, 130};
    struct nn_rng r;
    nn_rng_seed(&r, 12);
    printf("8-bit activations on this CPU's default path: %s\n", nn_q8_bits() == 8 ? "yes (VNNI)" : "no");
    for (int bits = 7; bits <= 8; bits++)
        for (size_t a = 0; a < sizeof Ms / sizeof *Ms; a++)
            for (size_t b = 0; b < sizeof Ns / sizeof *Ns; b++)
                for (size_t c = 0; c < sizeof Ks / sizeof *Ks; c++)
                    check_gemm(Ms[a], Ns[b], Ks[c], &r, bits);
}

/* int8 inference with 8-bit activations (AVX-512 + VNNI) vs 7-bit (the AVX2 path) against FP32 on the
 * reference shape: the extra bit halves the activation error, so the outputs move closer to FP32 */
static double q8_error(int path, const float *x, int B, int T, const float *y, struct lstm_model *m)
{
    struct hr_err e;
    float *yq = malloc(sizeof(float) * (size_t)B * T);
    assert_int_equal(nn_isa_set((enum nn_isa)path), 0);
    assert_int_equal(nn_q8_bits(), path == NN_ISA_AVX512 ? 8 : 7);
    assert_int_equal(lstm_infer_q8(m, NULL, x, NULL, B, T, yq, &e), 0);
    nn_isa_reset();
    double s = 0;
    for (int i = 0; i < B * T; i++)
        s += fabs((double)yq[i] - y[i]);
    free(yq);
    return s / (B * T);
}


static void test_vnni_8bit_closer(void **state)
{
    (void)state;
    __builtin_cpu_init();
    if (!nn_isa_cpu_has(NN_ISA_AVX512) || !__builtin_cpu_supports("avx512vnni")) {
        printf("vnni: this CPU lacks AVX-512 VNNI; skipped\n");
        skip();
    }
    enum { B = 7, T = 120, F = 14, H = 128 };
    struct lstm_model m;
    struct hr_err e;
    lowp_make_model(&m, F, H, 1, 21);
    float *x = lowp_make_inputs(B, T, F, 22), *y = malloc(sizeof(float) * B * T);
    assert_int_equal(lstm_infer(&m, x, NULL, B, T, y, &e), 0);
    double e7 = q8_error(NN_ISA_AVX2, x, B, T, y, &m), e8 = q8_error(NN_ISA_AVX512, x, B, T, y, &m);
    printf("int8 vs fp32, mean |dy|: 7-bit activations %.5f, 8-bit (VNNI) %.5f\n", e7, e8);
    assert_true(e8 < 0.8 * e7);
    lstm_model_free(&m);
    free(x), free(y);
}

static void check_close(int F, int H, int O, int B, int T, const int *lens)
{
    struct lstm_model m;
    struct hr_err e;
    lowp_make_model(&m, F, H, O, 21);
    float *x = lowp_make_inputs(B, T, F, 22);
    size_t n = (size_t)B * T * O;
    float *y = malloc(n * sizeof(float)), *yq = malloc(n * sizeof(float)), *yw = malloc(n * sizeof(float));
    assert_int_equal(lstm_infer(&m, x, lens, B, T, y, &e), 0);
    assert_int_equal(lstm_infer_q8(&m, NULL, x, lens, B, T, yq, &e), 0);
    double d = lowp_diff(yq, y, n, NULL), spread = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(y[i]))
            spread = fmax(spread, fabs(y[i]));
    /* a wrong quantization, not just a coarse one, moves outputs by a fair part of their range:
     * the same model with W_hh of layer 1 shifted by one row stands for that */
    memcpy(yw, yq, n * sizeof(float));
    struct lstm_model bad;
    lowp_make_model(&bad, F, H, O, 21);
    memmove(bad.p[1].w_hh, bad.p[1].w_hh + H, sizeof(float) * (size_t)(4 * H - 1) * H);
    assert_int_equal(lstm_infer(&bad, x, lens, B, T, yw, &e), 0);
    double dbad = lowp_diff(yw, y, n, NULL);
    printf("int8 vs fp32 F=%d H=%d O=%d B=%d T=%d: max |dy| %.4f (outputs up to %.3f; a shifted W_hh row: %.3f)\n",
           F, H, O, B, T, d, spread, dbad);
    assert_true(d <= 0.05);
    assert_true(dbad > 4 * d);
    lstm_model_free(&m);
    lstm_model_free(&bad);
    free(x), free(y), free(yq), free(yw);
}

static void test_infer_close_small(void **state)
{
    (void)state;
    static const int lens[13] = {29, 1, 0, 17, 29, 28, 5, 29, 11, 2, 29, 23, 9};
    check_close(5, 20, 1, 13, 29, lens);
    check_close(5, 20, 2, 13, 29, lens);
}

static void test_infer_close_reference_shape(void **state)
{
    (void)state;
    check_close(14, 128, 1, 7, 120, NULL);
}

/* the portable bodies (no AVX2 cell, portable quantizer and product) stay as close to FP32 */
static void test_infer_portable(void **state)
{
    (void)state;
    enum { B = 5, T = 33, F = 5, H = 20 };
    struct lstm_model m;
    struct hr_err e;
    lowp_make_model(&m, F, H, 1, 41);
    float *x = lowp_make_inputs(B, T, F, 42), y[B * T], ya[B * T], yp[B * T];
    assert_int_equal(lstm_infer(&m, x, NULL, B, T, y, &e), 0);
    assert_int_equal(lstm_infer_q8(&m, NULL, x, NULL, B, T, ya, &e), 0);
    nn_force_portable(1);
    assert_int_equal(lstm_infer_q8(&m, NULL, x, NULL, B, T, yp, &e), 0);
    nn_force_portable(0);
    printf("int8 portable vs AVX2: max |dy| %.5f; portable vs FP32 %.4f\n", lowp_diff(yp, ya, B * T, NULL), lowp_diff(yp, y, B * T, NULL));
    assert_true(lowp_diff(yp, y, B * T, NULL) <= 0.05);
    assert_true(lowp_diff(yp, ya, B * T, NULL) <= 0.05);
    lstm_model_free(&m);
    free(x);
}

static void test_infer_bad_shape(void **state)
{
    (void)state;
    struct lstm_model m;
    struct hr_err e;
    lowp_make_model(&m, 3, 8, 1, 1);
    float x[3] = {0}, y[1];
    assert_int_not_equal(lstm_infer_q8(&m, NULL, x, NULL, 0, 1, y, &e), 0);
    assert_non_null(strstr(e.msg, "bad inference batch"));
    assert_int_equal(lstm_infer_q8(&m, NULL, x, NULL, 1, 0, y, &e), 0);
    lstm_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantize),
        cmocka_unit_test(test_gemm),
        cmocka_unit_test(test_vnni_8bit_closer),
        cmocka_unit_test(test_infer_close_small),
        cmocka_unit_test(test_infer_close_reference_shape),
        cmocka_unit_test(test_infer_portable),
        cmocka_unit_test(test_infer_bad_shape),
    };
    return cmocka_run_group_tests_name("nn_q8", tests, NULL, NULL);
}
