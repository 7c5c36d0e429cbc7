/* test_features.c — feature sets: definitions in seconds, no dependence on heart rate, the effort averages,
 * relative altitude, normaliser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include "prep/features.h"
#include "prep/prep.h"

static void profile(struct series *s, float step, float seconds)
{
    int n = (int)(seconds / step);
    float *spd = malloc(sizeof(float) * n), *alt = malloc(sizeof(float) * n);
    for (int i = 0; i < n; i++) {
        float t = i * step;
        spd[i] = t < 600 ? 2.5f : 3.5f;
        alt[i] = 50.0f + 0.02f * t;
    }
    assert_int_equal(series_from_profile(spd, alt, n, step, 'f', s), 0);
    free(spd);
    free(alt);
}

static void test_lags_are_in_seconds(void **state)
{
    (void)state;
    const struct feature_set *fs = feature_set_get("default");
    assert_non_null(fs);
    assert_int_equal(fs->n, 14);
    struct series a, b;
    profile(&a, 1.0f, 1200);
    profile(&b, 10.0f, 1200);
    float *fa = malloc(sizeof(float) * a.n * fs->n), *fb = malloc(sizeof(float) * b.n * fs->n);
    assert_int_equal(features_compute(fs, &a, NULL, fa, NULL), 0);
    assert_int_equal(features_compute(fs, &b, NULL, fb, NULL), 0);
    /* at t = 640 s: speed lagged 50 s is still 2.5; at t = 660 s it is 3.5 — on both grids */
    assert_float_equal(fa[640 * 14 + 4], 2.5f, 1e-6);
    assert_float_equal(fb[64 * 14 + 4], 2.5f, 1e-6);
    assert_float_equal(fa[660 * 14 + 4], 3.5f, 1e-6);
    assert_float_equal(fb[66 * 14 + 4], 3.5f, 1e-6);
    /* elapsed time and gender */
    assert_float_equal(fb[66 * 14 + 11], 660.0f, 1e-3);
    assert_float_equal(fb[66 * 14 + 13], -1.0f, 0);
    free(fa);
    free(fb);
    series_free(&a);
    series_free(&b);
}

static void test_features_ignore_heart_rate(void **state)
{
    (void)state;
    for (int set = 0; set < 2; set++) {
        const struct feature_set *fs = feature_set_get(set ? "seed11" : "default");
        struct series s;
        profile(&s, 10.0f, 900);
        float *f1 = malloc(sizeof(float) * s.n * fs->n), *f2 = malloc(sizeof(float) * s.n * fs->n);
        features_compute(fs, &s, NULL, f1, NULL);
        for (int i = 0; i < s.n; i++)
            S_HR(&s)[i] = 100.0f + (float)(i % 17);
        features_compute(fs, &s, NULL, f2, NULL);
        assert_memory_equal(f1, f2, sizeof(float) * s.n * fs->n);
        free(f1);
        free(f2);
        series_free(&s);
    }
    assert_null(feature_set_get("hr_lags"));
}

/* default+effort: the 14 default columns unchanged, then speed x (1 + 5 grade) averaged from 0 with time
 * constants of 30, 120, 600 and 1800 s: on a flat run at constant speed v, column k after i + 1 steps of
 * step seconds is v (1 - (1 - a_k)^(i + 1)), a_k = step / (tau_k + step). */
static void test_effort_averages(void **state)
{
    (void)state;
    const struct feature_set *fe = feature_set_get("default+effort"), *fd = feature_set_get("default");
    assert_non_null(fe);
    assert_int_equal(fe->n, 18);
    assert_string_equal(fe->names[17], "effort_ema_1800s");
    enum { N = 400 };
    float spd[N], alt[N];
    for (int i = 0; i < N; i++) {
        spd[i] = 3.0f;
        alt[i] = 100.0f;
    }
    struct series s;
    assert_int_equal(series_from_profile(spd, alt, N, 10.0f, 'm', &s), 0);
    float *x = malloc(sizeof(float) * N * 18), *d = malloc(sizeof(float) * N * 14);
    assert_int_equal(features_compute(fe, &s, NULL, x, NULL), 0);
    assert_int_equal(features_compute(fd, &s, NULL, d, NULL), 0);
    static const float taus[4] = FEAT_EFFORT_TAUS;
    for (int i = 0; i < N; i += 37) {
        assert_memory_equal(x + i * 18, d + i * 14, sizeof(float) * 14);
        for (int k = 0; k < 4; k++) {
            double a = 10.0 / (taus[k] + 10.0), want = 3.0 * (1.0 - pow(1.0 - a, i + 1));
            assert_float_equal(x[i * 18 + 14 + k], want, 1e-4);
        }
    }
    /* the pre-roll's row: rested, every effort column 0 */
    float rest[18];
    features_rest_row(fe, x, rest);
    for (int k = 14; k < 18; k++)
        assert_float_equal(rest[k], 0.0f, 0);
    series_free(&s);
    /* uphill counts more, a steep descent nothing: a 10 % climb at 3 m/s is an effort of 4.5, a 30 %
     * descent 0; the fastest average follows within 1 % after 10 time constants */
    for (int i = 0; i < N; i++)
        alt[i] = i < N / 2 ? 100.0f + 0.3f * 10.0f * i : 100.0f + 0.3f * 10.0f * (N / 2) - 0.9f * 10.0f * (i - N / 2);
    assert_int_equal(series_from_profile(spd, alt, N, 10.0f, 'm', &s), 0);
    assert_int_equal(features_compute(fe, &s, NULL, x, NULL), 0);
    assert_float_equal(x[(N / 2 - 10) * 18 + 14], 4.5f, 0.05);
    assert_float_equal(x[(N - 10) * 18 + 14], 0.0f, 0.05);
    series_free(&s);
    free(x);
    free(d);
}

/* default+relalt: the default's 14 columns with the two altitude columns measured from the first step's
 * altitude, so the same course run at sea level and at 1,600 m gives the same rows, and a run without
 * altitude (0 m throughout) looks like a flat run wherever it was. */
static void test_relative_altitude(void **state)
{
    (void)state;
    const struct feature_set *fr = feature_set_get("default+relalt"), *fd = feature_set_get("default");
    assert_non_null(fr);
    assert_int_equal(fr->n, 14);
    assert_string_equal(fr->names[1], "altitude_rel");
    assert_string_equal(fr->names[5], "altitude_rel_lag_300s");
    struct series low, high;
    profile(&low, 10.0f, 1200); /* 50 m + 0.02 m/s */
    float *spd = malloc(sizeof(float) * low.n), *alt = malloc(sizeof(float) * low.n);
    for (int i = 0; i < low.n; i++) {
        spd[i] = S_SPEED(&low)[i];
        alt[i] = S_ALT(&low)[i] + 1550.0f;
    }
    assert_int_equal(series_from_profile(spd, alt, low.n, 10.0f, 'f', &high), 0);
    int n = low.n;
    float *r = malloc(sizeof(float) * n * 14), *h = malloc(sizeof(float) * n * 14), *d = malloc(sizeof(float) * n * 14);
    assert_int_equal(features_compute(fr, &low, NULL, r, NULL), 0);
    assert_int_equal(features_compute(fr, &high, NULL, h, NULL), 0);
    assert_int_equal(features_compute(fd, &low, NULL, d, NULL), 0);
    float a0 = S_ALT(&low)[0];
    for (int i = 0; i < n; i++) {
        for (int f = 0; f < 14; f++) {
            float want = f == 1 || f == 5 ? d[i * 14 + f] - a0 : d[i * 14 + f];
            assert_float_equal(r[i * 14 + f], want, 1e-3);
            assert_float_equal(h[i * 14 + f], r[i * 14 + f], 2e-3); /* the place does not matter */
        }
    }
    assert_float_equal(r[0 * 14 + 1], 0.0f, 0);
    assert_float_equal(r[60 * 14 + 1], 0.02f * 600.0f, 1e-2); /* 10 min at +0.02 m/s: 12 m above the start */
    assert_float_equal(r[60 * 14 + 5], 0.02f * 300.0f, 1e-2); /* 5 min earlier: 6 m */
    /* the pre-roll's row keeps row 0's altitude columns: 0 above the start */
    float rest[14];
    features_rest_row(fr, r, rest);
    assert_float_equal(rest[1], 0.0f, 0);
    assert_float_equal(rest[5], 0.0f, 0);
    /* a run without altitude: both columns 0 throughout */
    struct series flat;
    assert_int_equal(series_from_profile(spd, NULL, n, 10.0f, 'f', &flat), 0);
    assert_int_equal(features_compute(fr, &flat, NULL, r, NULL), 0);
    for (int i = 0; i < n; i++) {
        assert_float_equal(r[i * 14 + 1], 0.0f, 0);
        assert_float_equal(r[i * 14 + 5], 0.0f, 0);
    }
    series_free(&flat);
    series_free(&low);
    series_free(&high);
    free(spd);
    free(alt);
    free(r);
    free(h);
    free(d);
}

static void test_normalizer(void **state)
{
    (void)state;
    float x[] = {1, 10, 3, 10, 5, 10};
    struct norm_acc a;
    norm_acc_init(&a, 2);
    norm_acc_add(&a, x, 3);
    struct normalizer nz;
    norm_acc_finish(&a, &nz);
    assert_float_equal(nz.mean[0], 3.0f, 1e-6);
    assert_float_equal(nz.std[0], sqrtf(8.0f / 3.0f), 1e-5);
    assert_float_equal(nz.std[1], 1.0f, 0); /* constant feature: unit std */
    normalize_rows(&nz, x, 3);
    assert_float_equal(x[0], -2.0f / sqrtf(8.0f / 3.0f), 1e-5);
    assert_float_equal(x[1], 0.0f, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lags_are_in_seconds),
        cmocka_unit_test(test_features_ignore_heart_rate),
        cmocka_unit_test(test_effort_averages),
        cmocka_unit_test(test_relative_altitude),
        cmocka_unit_test(test_normalizer),
    };
    return cmocka_run_group_tests_name("features", tests, NULL, NULL);
}
