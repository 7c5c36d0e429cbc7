/* test_api.c — the public API (include/hrcast.h) as an embedding program uses it: load a model file,
 * predict from arrays and from a FIT file, errors as strings. Setup uses internal headers only to
 * write the model and workout files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hrcast.h"
#include "io/fit_write.h"
#include "model/physio.h"
#include "testutil.h"

static char *g_dir;
static char g_model[512], g_fit[512];

static int setup(void **state)
{
    (void)state;
    g_dir = make_temp_dir();
    snprintf(g_model, sizeof g_model, "%s/physio.safetensors", g_dir);
    snprintf(g_fit, sizeof g_fit, "%s/run.fit", g_dir);
    struct physio_model pm;
    physio_model_init(&pm, 10.0f); /* literature defaults */
    struct hr_err e;
    if (physio_model_save(&pm, g_model, NULL, &e))
        return -1;
    physio_model_free(&pm);
    struct workout w;
    workout_init(&w);
    snprintf(w.sport, sizeof w.sport, "running");
    for (int i = 0; i < 1800; i++) {
        long k = workout_push(&w, 1.6e9 + i);
        w.speed[k] = i < 900 ? 2.8f : 3.6f;
        w.alt[k] = 100.0f;
        w.hr[k] = i < 900 ? 140.0f : 160.0f;
    }
    int rc = fit_write_workout(g_fit, &w, &e);
    workout_free(&w);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    remove_temp_dir(g_dir);
    free(g_dir);
    return 0;
}

static void test_load_errors(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(hrcast_model_load("/nonexistent/model.safetensors", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/model.safetensors"));
    assert_null(hrcast_model_load(g_fit, err, sizeof err)); /* a FIT file is no model */
    assert_true(strlen(err) > 0);
    hrcast_model *m = hrcast_model_load(g_model, err, sizeof err);
    assert_non_null(m);
    assert_int_equal(hrcast_model_set_int8(m, 1, err, sizeof err), -1); /* physio: no int8 forward */
    assert_non_null(strstr(err, "int8 inference applies to LSTM models; this is a physio model"));
    assert_int_equal(hrcast_model_set_precision(m, HRCAST_PRECISION_BF16, err, sizeof err), -1);
    assert_non_null(strstr(err, "bf16 inference applies to LSTM models; this is a physio model"));
    assert_int_equal(hrcast_model_set_precision(m, 7, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown precision 7"));
    assert_int_equal(hrcast_model_set_precision(m, HRCAST_PRECISION_FP32, err, sizeof err), 0); /* any model */
    assert_true(hrcast_bf16_native() == 0 || hrcast_bf16_native() == 1);
    hrcast_model_free(m);
}

static void test_predict_arrays(void **state)
{
    (void)state;
    char err[256] = "";
    hrcast_model *m = hrcast_model_load(g_model, err, sizeof err);
    assert_non_null(m);
    assert_string_equal(hrcast_model_kind(m), "physio");
    assert_float_equal(hrcast_model_step(m), 10.0f, 0);
    assert_non_null(strstr(hrcast_model_card(m), "physio"));
    float speed[1200], alt[1200];
    for (int i = 0; i < 1200; i++) {
        speed[i] = i < 600 ? 2.5f : 3.5f; /* 1 s samples: 20 minutes */
        alt[i] = 50.0f;
    }
    hrcast_result r;
    assert_int_equal(hrcast_predict_arrays(m, speed, alt, 1200, 1.0f, 'f', &r, err, sizeof err), 0);
    assert_int_equal(r.n, 120); /* resampled onto the model's 10 s grid */
    assert_float_equal(r.step_s, 10.0f, 0);
    assert_null(r.hr_actual);
    assert_true(isnan(r.mae));
    for (int t = 0; t < r.n; t++)
        assert_true(isfinite(r.hr[t]) && r.hr[t] > 40 && r.hr[t] < 230);
    assert_true(r.hr[110] > r.hr[55]); /* faster in the second half: higher HR */
    hrcast_result_free(&r);
    assert_int_not_equal(hrcast_predict_arrays(m, speed, alt, 1, 1.0f, 'f', &r, err, sizeof err), 0);
    assert_true(strlen(err) > 0);
    /* above 12 m/s prep would make the run standing still: refused, naming km/h (13 m/s gave resting HR) */
    speed[700] = 13.0f;
    assert_int_not_equal(hrcast_predict_arrays(m, speed, alt, 1200, 1.0f, 'f', &r, err, sizeof err), 0);
    assert_string_equal(err, "arrays: speed 13 m/s at sample 700 is outside 0..12 m/s (speeds are m/s: a value in "
                             "km/h? 12 m/s is 43.2 km/h)");
    speed[700] = 3.5f;
    /* a bare code before ("no_time", "no_speed"): a sentence; an infinite step refused up front */
    assert_int_not_equal(hrcast_predict_arrays(m, speed, alt, 1200, INFINITY, 'f', &r, err, sizeof err), 0);
    assert_string_equal(err, "arrays: need at least 2 samples and a positive, finite step");
    float still[3] = {NAN, NAN, NAN};
    assert_int_not_equal(hrcast_predict_arrays(m, still, NULL, 3, 1.0f, 'f', &r, err, sizeof err), 0);
    assert_non_null(strstr(err, "arrays: the run is not usable after cleaning ("));
    hrcast_model_free(m);
}

static void test_predict_file(void **state)
{
    (void)state;
    char err[256] = "";
    hrcast_model *m = hrcast_model_load(g_model, err, sizeof err);
    assert_non_null(m);
    hrcast_result *r;
    int count;
    assert_int_equal(hrcast_predict_file(m, g_fit, &r, &count, err, sizeof err), 0);
    assert_int_equal(count, 1);
    assert_int_equal(r[0].n, 180);
    assert_non_null(r[0].hr_actual);
    assert_true(isfinite(r[0].mae) && r[0].mae < 60);
    hrcast_results_free(r, count);
    assert_int_not_equal(hrcast_predict_file(m, "/nonexistent.fit", &r, &count, err, sizeof err), 0);
    assert_non_null(strstr(err, "/nonexistent.fit"));
    /* a folder: said so (it said "corrupt gzip data: ...: Is a directory") */
    assert_int_not_equal(hrcast_predict_file(m, "/tmp", &r, &count, err, sizeof err), 0);
    assert_string_equal(err, "/tmp: is a folder, not a workout file");
    /* a file that predicts but is not what it seems: its warning reaches the caller (hrcast_warnings), and is
     * off stderr when asked; the next call's replace it (until 2026-12-07 only the host's stderr saw them) */
    char csv[600];
    snprintf(csv, sizeof csv, "%s/kmh.csv", g_dir);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fprintf(f, "time,speed,altitude\n");
    for (int i = 0; i <= 900; i++)
        fprintf(f, "%d,11,100\n", i);
    fclose(f);
    hrcast_set_stderr_warnings(0);
    assert_int_equal(hrcast_predict_file(m, csv, &r, &count, err, sizeof err), 0);
    hrcast_results_free(r, count);
    assert_non_null(strstr(hrcast_warnings(), "km/h"));
    assert_null(strstr(hrcast_warnings(), "warning: "));
    assert_int_equal(hrcast_predict_file(m, g_fit, &r, &count, err, sizeof err), 0);
    hrcast_results_free(r, count);
    assert_string_equal(hrcast_warnings(), "");
    /* a run longer than the grid's 48 h: cut, and said (it was cut without a word) */
    int n49 = 49 * 360;
    float *sp = malloc(sizeof(float) * (size_t)n49);
    assert_non_null(sp);
    for (int i = 0; i < n49; i++)
        sp[i] = 2.5f;
    hrcast_result one;
    assert_int_equal(hrcast_predict_arrays(m, sp, NULL, n49, 10.0f, 'u', &one, err, sizeof err), 0);
    assert_int_equal(one.n, 48 * 360 + 1);
    assert_non_null(strstr(hrcast_warnings(), "49.0 h long: only its first 48.0 h are used"));
    hrcast_result_free(&one);
    free(sp);
    hrcast_set_stderr_warnings(1);
    hrcast_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_predict_arrays),
        cmocka_unit_test(test_predict_file),
    };
    return cmocka_run_group_tests_name("api", tests, setup, teardown);
}
