/* test_stream.c — the live predictor (hrcast_stream_*): streaming a recording's samples one at a time gives
 * hrcast_predict_file's numbers (LSTM with pre-roll, LSTM with the physio prior column, physio, constant),
 * at the end and for a prefix, and an LSTM with an HR scale gives the athlete's scale; the LSTM stepper equals
 * lstm_infer; bad samples get a code and leave the
 * stream usable; a forecast leaves the state as it was. Setup writes small models and a CSV with irregular
 * times, a pause and missing altitude/HR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hrcast.h"
#include "model/constant.h"
#include "model/lstm_model.h"
#include "model/physio.h"
#include "testutil.h"

static char *g_dir;
static char g_lstm[512], g_lstm_prior[512], g_lstm_res[512], g_lstm_eff[512], g_lstm_rel[512], g_physio[512], g_const[512];
static char g_lstm_scale[512];
#define NS 2600
static double g_t[NS];
static float g_v[NS], g_a[NS], g_h[NS];

/* scaled 1: an HR scale (population 150 +- 15; "runner1" 160 +- 20) on the same weights */
static int write_lstm_scaled(const char *path, const char *set, int preroll, int scaled)
{
    struct hr_lstm m;
    memset(&m, 0, sizeof m);
    m.fs = feature_set_get(set);
    struct lstm_cfg cfg = {.in = m.fs->n, .hidden = 16, .layers = 2, .out = 1, .dropout = 0};
    struct hr_err e;
    if (lstm_model_init(&m.net, &cfg, 7, &e))
        return -1;
    lstm_init_output_bias(&m.net, 140.0f, 0.0f);
    m.nz.n = m.fs->n;
    for (int f = 0; f < m.fs->n; f++) { /* scales that keep every input near unit size */
        const char *n = m.fs->names[f];
        m.nz.mean[f] = 0;
        m.nz.std[f] = strstr(n, "alt") || strstr(n, "gain") ? 100 : !strcmp(n, "elapsed_time") ? 3000
                      : !strcmp(n, "distance") ? 8000 : strstr(n, "prior") ? 150 : 3;
    }
    m.step = 10;
    snprintf(m.loss, sizeof m.loss, "mse");
    m.hr_mean = 140;
    m.preroll = preroll;
    physio_model_init(&m.prior, 10);
    blend_init(&m.blend);
    m.blend.alpha = 0.45f; /* physio-residual: HR = prior + 0.45 x network, streamed as predicted */
    hr_scale_init(&m.scale);
    if (scaled) {
        m.scale.on = 1;
        if (hr_scale_set(&m.scale, "runner1", 160.0f, 20.0f, 1000))
            return -1;
    }
    int rc = hr_lstm_save(&m, path, NULL, &e);
    hr_lstm_free(&m);
    return rc;
}

static int write_lstm(const char *path, const char *set, int preroll)
{
    return write_lstm_scaled(path, set, preroll, 0);
}

static int setup(void **state)
{
    (void)state;
    g_dir = make_temp_dir();
    snprintf(g_lstm, sizeof g_lstm, "%s/lstm.safetensors", g_dir);
    snprintf(g_lstm_prior, sizeof g_lstm_prior, "%s/lstm_prior.safetensors", g_dir);
    snprintf(g_physio, sizeof g_physio, "%s/physio.safetensors", g_dir);
    snprintf(g_const, sizeof g_const, "%s/const.safetensors", g_dir);
    snprintf(g_lstm_res, sizeof g_lstm_res, "%s/lstm_res.safetensors", g_dir);
    snprintf(g_lstm_eff, sizeof g_lstm_eff, "%s/lstm_eff.safetensors", g_dir);
    snprintf(g_lstm_rel, sizeof g_lstm_rel, "%s/lstm_rel.safetensors", g_dir);
    snprintf(g_lstm_scale, sizeof g_lstm_scale, "%s/lstm_scale.safetensors", g_dir);
    if (write_lstm_scaled(g_lstm_scale, "default", 6, 1))
        return -1;
    if (write_lstm(g_lstm, "default", 6) || write_lstm(g_lstm_prior, "default+physio", 6) ||
        write_lstm(g_lstm_res, "physio-residual", 6) || write_lstm(g_lstm_eff, "default+effort", 6) ||
        write_lstm(g_lstm_rel, "default+relalt", 6))
        return -1;
    struct physio_model pm;
    physio_model_init(&pm, 10.0f);
    struct hr_err e;
    if (physio_model_save(&pm, g_physio, NULL, &e))
        return -1;
    physio_model_free(&pm);
    struct constant_model cm = {.step = 10, .mean = 141.5f, .sd = 12, .n_ath = 0, .ath = NULL};
    if (constant_model_save(&cm, g_const, NULL, &e))
        return -1;
    /* irregular samples (1-3 s, sometimes 7 s or 40 s: interpolated steps), a 140 s pause, hills, missing altitude and HR */
    unsigned r = 12345;
    double t = 0;
    int alt_gap = 0;
    for (int i = 0; i < NS; i++) {
        r = r * 1103515245u + 12345u;
        int dt_ms = 1000 + (int)((r >> 8) % 2000) + ((r >> 20) % 50 == 0 ? 5000 : 0) + ((r >> 20) % 150 == 7 ? 38000 : 0);
        if (i == 1200)
            dt_ms = 140000;
        t += dt_ms / 1000.0;
        g_t[i] = t;
        g_v[i] = (float)(2.6 + 0.8 * sin(t / 300.0) + 0.05 * ((r >> 4) % 7));
        if ((r >> 12) % 60 == 0)
            alt_gap = 1 + (int)((r >> 4) % 30); /* a run of samples without altitude */
        g_a[i] = alt_gap-- > 0 ? NAN : (float)(120 + 25 * sin(t / 700.0));
        g_h[i] = (r >> 16) % 30 == 0 ? NAN : (float)(130 + 20 * sin(t / 500.0));
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove_temp_dir(g_dir);
    free(g_dir);
    return 0;
}

/* The first n samples as a CSV file, written with the precision the stream is fed. */
static void write_csv(const char *path, int n)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "elapsed,speed_mps,altitude,heart_rate\n");
    for (int i = 0; i < n; i++) {
        fprintf(f, "%.3f,%.9g,", g_t[i], g_v[i]);
        if (!isnan(g_a[i]))
            fprintf(f, "%.9g", g_a[i]);
        fprintf(f, ",");
        if (!isnan(g_h[i]))
            fprintf(f, "%.9g", g_h[i]);
        fprintf(f, "\n");
    }
    fclose(f);
}

/* Stream the first n samples (no HR) and compare every step with hrcast_predict_file on the same samples. */
static void check_equal(const char *model, int n)
{
    char err[256] = "", csv[600];
    hrcast_model *m = hrcast_model_load(model, err, sizeof err);
    assert_non_null(m);
    snprintf(csv, sizeof csv, "%s/run%d.csv", g_dir, n);
    write_csv(csv, n);
    hrcast_result *res = NULL;
    int count = 0;
    assert_int_equal(hrcast_predict_file(m, csv, &res, &count, err, sizeof err), 0);
    assert_int_equal(count, 1);
    hrcast_stream *s = hrcast_stream_open(m, 'u', NULL, 4, err, sizeof err);
    assert_non_null(s);
    for (int i = 0; i < n; i++)
        assert_int_equal(hrcast_stream_push(s, g_t[i], g_v[i], g_a[i], NAN, err, sizeof err), 0);
    int steps = hrcast_stream_steps(s);
    assert_int_equal(steps, res[0].n);
    float *hr = malloc(sizeof(float) * (size_t)steps), *v = malloc(sizeof(float) * (size_t)steps);
    float *a = malloc(sizeof(float) * (size_t)steps);
    assert_int_equal(hrcast_stream_predictions(s, hr, v, a, NULL), steps);
    double worst = 0;
    for (int k = 0; k < steps; k++) {
        assert_float_equal(v[k], res[0].speed[k], 1e-6);
        assert_float_equal(a[k], res[0].altitude[k], 1e-4);
        double d = fabs(hr[k] - res[0].hr[k]);
        worst = d > worst ? d : worst;
    }
    assert_true(worst <= 1e-4);
    assert_float_equal(hrcast_stream_hr_now(s), res[0].hr[steps - 1], 1e-4);
    free(hr);
    free(v);
    free(a);
    hrcast_stream_free(s);
    hrcast_results_free(res, count);
    hrcast_model_free(m);
}

static void test_stream_equals_predict_lstm(void **state)
{
    (void)state;
    check_equal(g_lstm, NS);
    check_equal(g_lstm, 1250); /* just after the pause: provisional steps at the end */
    check_equal(g_lstm, 37);
}

/* default+effort: the effort averages carry state from step to step (provisional steps run on a copy) */
static void test_stream_equals_predict_lstm_effort(void **state)
{
    (void)state;
    check_equal(g_lstm_eff, NS);
    check_equal(g_lstm_eff, 1250);
    check_equal(g_lstm_eff, 37);
}

/* default+relalt: the altitude columns are relative to the first step's altitude, which the stream keeps */
static void test_stream_equals_predict_lstm_relalt(void **state)
{
    (void)state;
    check_equal(g_lstm_rel, NS);
    check_equal(g_lstm_rel, 1250);
    check_equal(g_lstm_rel, 37);
}

static void test_stream_equals_predict_lstm_prior(void **state)
{
    (void)state;
    check_equal(g_lstm_prior, NS);
    check_equal(g_lstm_res, NS); /* the blend of a physio-residual model */
}

/* An HR scale: a runner the model does not know gets the population's (the network's output, so predict and
 * stream agree as for any model); "runner1" streams 160 + 20 x (network - 150) / 15. */
static void test_stream_hr_scale(void **state)
{
    (void)state;
    check_equal(g_lstm_scale, NS);
    char err[256] = "", csv[600];
    hrcast_model *plain = hrcast_model_load(g_lstm, err, sizeof err), *m = hrcast_model_load(g_lstm_scale, err,
                                                                                              sizeof err);
    assert_non_null(plain);
    assert_non_null(m);
    snprintf(csv, sizeof csv, "%s/run%d.csv", g_dir, NS);
    hrcast_result *res = NULL;
    int count = 0;
    assert_int_equal(hrcast_predict_file(plain, csv, &res, &count, err, sizeof err), 0);
    hrcast_stream *s = hrcast_stream_open(m, 'u', "runner1", 4, err, sizeof err);
    assert_non_null(s);
    for (int i = 0; i < NS; i++)
        assert_int_equal(hrcast_stream_push(s, g_t[i], g_v[i], g_a[i], NAN, err, sizeof err), 0);
    int steps = hrcast_stream_steps(s);
    assert_int_equal(steps, res[0].n);
    float *hr = malloc(sizeof(float) * (size_t)steps);
    assert_int_equal(hrcast_stream_predictions(s, hr, NULL, NULL, NULL), steps);
    double worst = 0, moved = 0;
    for (int k = 0; k < steps; k++) {
        double want = 160.0 + 20.0 * (res[0].hr[k] - 150.0) / 15.0;
        worst = fmax(worst, fabs(hr[k] - want));
        moved = fmax(moved, fabs(hr[k] - res[0].hr[k]));
    }
    assert_true(worst <= 1e-3);
    assert_true(moved > 5); /* the scale did change the prediction */
    free(hr);
    hrcast_stream_free(s);
    /* an id the model has no parameters for is refused, naming the ones it has (a typo streamed as the
     * population before); so is a gender that is not m, f or u (it meant "unknown"); upper case is fine */
    assert_null(hrcast_stream_open(m, 'u', "Runner1", 4, err, sizeof err));
    assert_non_null(strstr(err, "the model has no parameters for 'Runner1'; its 1 athlete(s): runner1"));
    assert_null(hrcast_stream_open(plain, 'u', "runner1", 4, err, sizeof err));
    assert_non_null(strstr(err, "(lstm) has no per-athlete parameters"));
    assert_null(hrcast_stream_open(m, 'x', NULL, 4, err, sizeof err));
    assert_non_null(strstr(err, "gender 'x' (120) is not m, f or u"));
    s = hrcast_stream_open(m, 'F', "", 4, err, sizeof err);
    assert_non_null(s);
    hrcast_stream_free(s);
    float sp[30];
    for (int i = 0; i < 30; i++)
        sp[i] = 3.0f;
    hrcast_result r;
    assert_int_not_equal(hrcast_predict_arrays(m, sp, NULL, 30, 10, 'w', &r, err, sizeof err), 0);
    assert_non_null(strstr(err, "gender 'w' (119) is not m, f or u"));
    assert_int_equal(hrcast_predict_arrays(m, sp, NULL, 30, 10, 'M', &r, err, sizeof err), 0);
    hrcast_result_free(&r);
    hrcast_results_free(res, count);
    hrcast_model_free(plain);
    hrcast_model_free(m);
}

static void test_stream_equals_predict_physio_constant(void **state)
{
    (void)state;
    check_equal(g_physio, NS);
    check_equal(g_const, 800);
}

static void test_stream_bad_samples(void **state)
{
    (void)state;
    char err[256] = "";
    hrcast_model *m = hrcast_model_load(g_lstm, err, sizeof err);
    hrcast_stream *s = hrcast_stream_open(m, 'm', NULL, 1, err, sizeof err);
    assert_non_null(s);
    assert_true(isnan(hrcast_stream_hr_now(s)));
    assert_int_equal(hrcast_stream_push(s, NAN, 3, 100, NAN, err, sizeof err), HRCAST_STREAM_BAD_TIME);
    assert_non_null(strstr(err, "time is not a number"));
    assert_int_equal(hrcast_stream_push(s, 0, 3, 100, NAN, err, sizeof err), 0);
    assert_int_equal(hrcast_stream_push(s, 1, 3, 100, NAN, err, sizeof err), 0);
    float before = hrcast_stream_hr_now(s);
    assert_int_equal(hrcast_stream_push(s, 0.5, 3, 100, NAN, err, sizeof err), HRCAST_STREAM_BACKWARDS);
    assert_int_equal(hrcast_stream_push(s, 1, 3, 100, NAN, err, sizeof err), HRCAST_STREAM_BACKWARDS);
    assert_int_equal(hrcast_stream_push(s, 2, -1, 100, NAN, err, sizeof err), HRCAST_STREAM_BAD_VALUE);
    assert_int_equal(hrcast_stream_push(s, 2, 40, 100, NAN, err, sizeof err), HRCAST_STREAM_BAD_VALUE);
    assert_int_equal(hrcast_stream_push(s, 2, INFINITY, 100, NAN, err, sizeof err), HRCAST_STREAM_BAD_VALUE);
    assert_int_equal(hrcast_stream_push(s, 2, 3, 20000, NAN, err, sizeof err), HRCAST_STREAM_BAD_VALUE);
    assert_non_null(strstr(err, "altitude 20000"));
    assert_int_equal(hrcast_stream_push(s, 2, 3, 100, INFINITY, err, sizeof err), HRCAST_STREAM_BAD_VALUE);
    assert_int_equal(hrcast_stream_push(s, 3 * 3600, 3, 100, NAN, err, sizeof err), HRCAST_STREAM_GAP);
    assert_non_null(strstr(err, "new session"));
    assert_non_null(strstr(err, "(time 10800.000 s)")); /* which sample: its time (the count stays put) */
    assert_int_equal(hrcast_stream_push(s, 1500, 3, 100, NAN, err, sizeof err), 0); /* under 30 min: a pause */
    assert_int_equal(hrcast_stream_push(s, 3000, 3, 100, NAN, err, sizeof err), 0);
    assert_int_equal(hrcast_stream_push(s, 4000, 3, 100, NAN, err, sizeof err), HRCAST_STREAM_FULL);
    /* refused samples changed nothing: the same pushes on a fresh stream give the same state */
    hrcast_stream *t = hrcast_stream_open(m, 'm', NULL, 1, err, sizeof err);
    double tt[4] = {0, 1, 1500, 3000};
    for (int i = 0; i < 4; i++)
        assert_int_equal(hrcast_stream_push(t, tt[i], 3, 100, NAN, err, sizeof err), 0);
    assert_int_equal(hrcast_stream_steps(s), hrcast_stream_steps(t));
    assert_float_equal(hrcast_stream_hr_now(s), hrcast_stream_hr_now(t), 0);
    hrcast_stream_reset(s);
    assert_int_equal(hrcast_stream_steps(s), 0);
    assert_int_equal(hrcast_stream_push(s, 0, 3, 100, NAN, err, sizeof err), 0);
    assert_int_equal(hrcast_stream_push(s, 1, 3, 100, NAN, err, sizeof err), 0);
    assert_float_equal(hrcast_stream_hr_now(s), before, 0);
    hrcast_stream_free(s);
    hrcast_stream_free(t);
    hrcast_model_free(m);
}

/* A forecast is the batch prediction of the samples so far followed by the plan, and changes nothing. */
static void test_stream_forecast(void **state)
{
    (void)state;
    char err[256] = "";
    hrcast_model *m = hrcast_model_load(g_lstm, err, sizeof err);
    hrcast_stream *s = hrcast_stream_open(m, 'u', NULL, 4, err, sizeof err);
    for (int i = 0; i < 900; i++)
        assert_int_equal(hrcast_stream_push(s, i, 3.0f, 100.0f, NAN, err, sizeof err), 0);
    float now = hrcast_stream_hr_now(s), fc[60], fc2[60];
    assert_int_equal(hrcast_stream_forecast_pace(s, 4.0f, 600, fc, err, sizeof err), 0);
    assert_float_equal(hrcast_stream_hr_now(s), now, 0);
    assert_int_equal(hrcast_stream_forecast_pace(s, 4.0f, 600, fc2, err, sizeof err), 0);
    assert_memory_equal(fc, fc2, sizeof fc);
    float none[1] = {3.0f};
    assert_int_not_equal(hrcast_stream_forecast(s, none, NULL, 0, fc2, err, sizeof err), 0);
    assert_non_null(strstr(err, "the plan is empty")); /* not "a plan of 0 steps does not fit" */
    /* the same run as one array predicted in batch: 900 s at 3 m/s (steps 0..89), then 60 steps at 4 m/s */
    float sp[150], al[150];
    for (int k = 0; k < 150; k++) {
        sp[k] = k < 90 ? 3.0f : 4.0f;
        al[k] = 100.0f;
    }
    hrcast_result r;
    assert_int_equal(hrcast_predict_arrays(m, sp, al, 150, 10, 'u', &r, err, sizeof err), 0);
    assert_int_equal(r.n, 150);
    for (int k = 0; k < 60; k++)
        assert_float_equal(fc[k], r.hr[90 + k], 1e-4);
    hrcast_result_free(&r);
    assert_int_equal(hrcast_stream_forecast_pace(s, 4.0f, 5 * 3600, fc, err, sizeof err), -1);
    hrcast_stream_free(s);
    hrcast_model_free(m);
}

/* A reset forgets the last run's pauses: a run after a reset is predicted as on a fresh stream (until 2026-12-07
 * the steps where the last run had stopped were predicted at speed 0). */
static void test_stream_reset_forgets_pauses(void **state)
{
    (void)state;
    char err[256] = "";
    const char *models[] = {g_lstm, g_physio};
    for (int mi = 0; mi < 2; mi++) {
        hrcast_model *m = hrcast_model_load(models[mi], err, sizeof err);
        assert_non_null(m);
        hrcast_stream *s = hrcast_stream_open(m, 'u', NULL, 1, err, sizeof err);
        hrcast_stream *fresh = hrcast_stream_open(m, 'u', NULL, 1, err, sizeof err);
        for (int i = 0; i <= 100; i++) /* 100 s, a 5 min stop, 100 s */
            assert_int_equal(hrcast_stream_push(s, i, 3.0f, 100.0f, NAN, err, sizeof err), 0);
        for (int i = 400; i <= 500; i++)
            assert_int_equal(hrcast_stream_push(s, i, 3.0f, 100.0f, NAN, err, sizeof err), 0);
        hrcast_stream_reset(s);
        for (int i = 0; i <= 1000; i++) {
            assert_int_equal(hrcast_stream_push(s, i, 3.0f, 100.0f, NAN, err, sizeof err), 0);
            assert_int_equal(hrcast_stream_push(fresh, i, 3.0f, 100.0f, NAN, err, sizeof err), 0);
        }
        int n = hrcast_stream_steps(s);
        assert_int_equal(n, hrcast_stream_steps(fresh));
        float *a = malloc(4 * sizeof(float) * (size_t)n), *b = a + n, *va = b + n, *vb = va + n;
        assert_non_null(a);
        assert_int_equal(hrcast_stream_predictions(s, a, va, NULL, NULL), n);
        assert_int_equal(hrcast_stream_predictions(fresh, b, vb, NULL, NULL), n);
        assert_memory_equal(va, vb, sizeof(float) * (size_t)n);
        assert_memory_equal(a, b, sizeof(float) * (size_t)n);
        free(a);
        hrcast_stream_free(s);
        hrcast_stream_free(fresh);
        hrcast_model_free(m);
    }
}

/* A run whose first sample had no altitude is level at 0 m; a forecast up a hill still climbs: the plan's
 * altitudes count from its first one, as for the same run recorded at 0 m with the plan shifted to start there
 * (until 2026-12-07 the plan's altitudes were all set to 0 m: the forecast was the flat's). */
static void test_stream_forecast_without_altitude(void **state)
{
    (void)state;
    char err[256] = "";
    const char *models[] = {g_lstm, g_physio};
    for (int mi = 0; mi < 2; mi++) {
        hrcast_model *m = hrcast_model_load(models[mi], err, sizeof err);
        hrcast_stream *noalt = hrcast_stream_open(m, 'u', NULL, 2, err, sizeof err);
        hrcast_stream *zero = hrcast_stream_open(m, 'u', NULL, 2, err, sizeof err);
        for (int i = 0; i < 600; i++) {
            assert_int_equal(hrcast_stream_push(noalt, i, 3.0f, NAN, NAN, err, sizeof err), 0);
            assert_int_equal(hrcast_stream_push(zero, i, 3.0f, 0.0f, NAN, err, sizeof err), 0);
        }
        float sp[60], up[60], up0[60], flat[60], a[60], b[60], c[60];
        for (int k = 0; k < 60; k++) {
            sp[k] = 3.0f;
            up[k] = 500.0f + 2.0f * (float)k; /* 120 m in 10 min */
            up0[k] = up[k] - 500.0f;
            flat[k] = 500.0f;
        }
        assert_int_equal(hrcast_stream_forecast(noalt, sp, up, 60, a, err, sizeof err), 0);
        assert_int_equal(hrcast_stream_forecast(zero, sp, up0, 60, b, err, sizeof err), 0);
        assert_int_equal(hrcast_stream_forecast(noalt, sp, flat, 60, c, err, sizeof err), 0);
        for (int k = 0; k < 60; k++)
            assert_float_equal(a[k], b[k], 1e-4);
        if (models[mi] == g_physio)
            assert_true(a[59] > c[59] + 0.5); /* the climb counts (the test LSTM's weights are random) */
        else
            assert_true(fabsf(a[59] - c[59]) > 1e-3f);
        hrcast_stream_free(noalt);
        hrcast_stream_free(zero);
        hrcast_model_free(m);
    }
}

/* A feed faster than the raw window holds (128 samples a second without HR: the window holds about 85) is taken,
 * gives the batch path's numbers, and a normal feed after it goes on (until 2026-12-07 the sample that filled
 * the window was refused as FULL, and every later one too, at any rate). */
static void test_stream_fast_feed(void **state)
{
    (void)state;
    char err[256] = "";
    hrcast_model *m = hrcast_model_load(g_lstm, err, sizeof err);
    hrcast_stream *s = hrcast_stream_open(m, 'u', NULL, 1, err, sizeof err);
    const int rate = 128, n = 300 * rate;
    float *sp = malloc(sizeof(float) * (size_t)n), *al = malloc(sizeof(float) * (size_t)n);
    assert_non_null(sp);
    assert_non_null(al);
    for (int i = 0; i < n; i++) {
        double t = (double)i / rate;
        sp[i] = (float)(3.0 + sin(t / 7.0));
        al[i] = (float)(100.0 + 5.0 * sin(t / 40.0));
        assert_int_equal(hrcast_stream_push(s, t, sp[i], al[i], NAN, err, sizeof err), 0);
    }
    int k = hrcast_stream_steps(s);
    float *hr = malloc(sizeof(float) * (size_t)k);
    assert_non_null(hr);
    assert_int_equal(hrcast_stream_predictions(s, hr, NULL, NULL, NULL), k);
    hrcast_result r;
    assert_int_equal(hrcast_predict_arrays(m, sp, al, n, 1.0f / rate, 'u', &r, err, sizeof err), 0);
    assert_int_equal(r.n, k);
    for (int i = 0; i < k; i++)
        assert_float_equal(hr[i], r.hr[i], 1e-4);
    hrcast_result_free(&r);
    for (int i = 301; i < 400; i++) /* then once a second */
        assert_int_equal(hrcast_stream_push(s, i, 3.0f, 100.0f, NAN, err, sizeof err), 0);
    assert_int_equal(hrcast_stream_steps(s), 40);
    free(hr);
    free(sp);
    free(al);
    hrcast_stream_free(s);
    hrcast_model_free(m);
}

/* Bad arguments to open and load: refused with a message, no undefined behaviour (NaN max_hours was converted to
 * an int) and no crash (a NULL path). */
static void test_stream_bad_open(void **state)
{
    (void)state;
    char err[256] = "";
    hrcast_model *m = hrcast_model_load(g_lstm, err, sizeof err);
    const float bad[] = {NAN, 1e30f, -1, 0, 49};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = 0;
        assert_null(hrcast_stream_open(m, 'u', NULL, bad[i], err, sizeof err));
        assert_non_null(strstr(err, "max_hours"));
    }
    assert_null(hrcast_model_load(NULL, err, sizeof err));
    assert_non_null(strstr(err, "no model file given"));
    assert_null(hrcast_model_load("", err, sizeof err));
    assert_non_null(strstr(err, "no model file given"));
    hrcast_result *r;
    int count;
    assert_int_not_equal(hrcast_predict_file(m, NULL, &r, &count, err, sizeof err), 0);
    assert_non_null(strstr(err, "no workout file given"));
    hrcast_stream *s = hrcast_stream_open(m, 'u', NULL, 1, err, sizeof err);
    assert_int_equal(hrcast_stream_push(s, INFINITY, 3, 100, NAN, err, sizeof err), HRCAST_STREAM_BAD_TIME);
    assert_non_null(strstr(err, "time is infinite"));
    hrcast_stream_free(s);
    hrcast_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_equals_predict_lstm),
        cmocka_unit_test(test_stream_equals_predict_lstm_effort),
        cmocka_unit_test(test_stream_equals_predict_lstm_relalt),
        cmocka_unit_test(test_stream_equals_predict_lstm_prior),
        cmocka_unit_test(test_stream_hr_scale),
        cmocka_unit_test(test_stream_equals_predict_physio_constant),
        cmocka_unit_test(test_stream_bad_samples),
        cmocka_unit_test(test_stream_forecast),
        cmocka_unit_test(test_stream_reset_forgets_pauses),
        cmocka_unit_test(test_stream_forecast_without_altitude),
        cmocka_unit_test(test_stream_fast_feed),
        cmocka_unit_test(test_stream_bad_open),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
