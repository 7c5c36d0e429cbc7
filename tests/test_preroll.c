/* test_preroll.c — the start of an LSTM prediction. With a zero state at the first step the first outputs
 * sit near the head's bias (the training mean HR) and then dip while the state charges: at a constant
 * 3 m/s a model predicted 139, 134, 131, 129 bpm and only then rose. A model with a pre-roll (rest rows
 * before every sequence, in training and prediction) starts from a learned rest state: its prediction at
 * constant pace starts below the steady value and does not dip. Model files without "preroll_steps" (from
 * before) load with none and predict exactly as before; --resume keeps the pre-roll of the run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/lstm_model.h"
#include "prep/prep.h"
#include "train/trainer.h"
#include "util/safetensors.h"
#include "simdata.h"
#include "testutil.h"

static struct sim_fixture g_fx;

static int setup(void **state)
{
    (void)state;
    return sim_fixture_open(&g_fx, 16, 8, 3, 0.5);
}

static int teardown(void **state)
{
    (void)state;
    sim_fixture_close(&g_fx);
    return 0;
}

static void train_small(const char *path, float preroll_s)
{
    struct dataset ds;
    struct hr_err e = {{0}};
    assert_int_equal(dataset_open(g_fx.path, &ds, &e), 0);
    struct train_opts o;
    train_opts_default(&o);
    o.hidden = 32;
    o.batch = 8;
    o.epochs = 15;
    o.patience = 15;
    o.lr = 3e-3f;
    o.dropout = 0.1f;
    o.seed = 3;
    o.preroll_s = preroll_s;
    snprintf(o.features, sizeof o.features, "default"); /* the network's own start, no physiological prior */
    struct train_result r;
    assert_int_equal(train_lstm(&ds, &o, path, &r, &e), 0);
    dataset_close(&ds);
}

/* 30 minutes at a constant 3 m/s on the flat, on the model's grid. */
static void constant_run(struct series *s, float step)
{
    int n = (int)(1800 / step);
    float *v = malloc(sizeof(float) * n);
    for (int i = 0; i < n; i++)
        v[i] = 3.0f;
    assert_int_equal(series_from_profile(v, NULL, n, step, 'u', s), 0);
    free(v);
}

static void test_constant_pace_starts_low_without_a_dip(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/pre.safetensors", g_fx.dir);
    train_small(path, LSTM_PREROLL_S);
    struct hr_lstm m;
    struct hr_err e = {{0}};
    assert_int_equal(hr_lstm_load(path, &m, &e), 0);
    assert_int_equal(m.preroll, hr_lstm_preroll_steps(m.step, LSTM_PREROLL_S));
    struct series s;
    constant_run(&s, m.step);
    float *hr = malloc(sizeof(float) * s.n);
    assert_int_equal(hr_lstm_predict(&m, &s, hr, NULL, &e), 0);
    int k2 = (int)(120 / m.step), k10 = (int)(600 / m.step);
    float lo = hr[0];
    for (int t = 0; t <= k2; t++)
        lo = fminf(lo, hr[t]);
    printf("constant 3 m/s: %.1f, %.1f, %.1f ... %.1f at 2 min, %.1f at 10 min; lowest in the first 2 min %.1f\n",
           hr[0], hr[1], hr[2], hr[k2], hr[k10], lo);
    assert_true(lo >= hr[0] - 3.0f);      /* no dip below where it started */
    assert_true(hr[0] <= hr[k10] - 10.0f); /* it starts well below the steady state, as HR does */
    free(hr);
    series_free(&s);
    hr_lstm_free(&m);
}

/* A model saved with no pre-roll has no "preroll_steps" key (the format from before), loads with 0, and
 * its predictions are the network run from the zero state on the feature rows alone. */
static void test_model_without_preroll_predicts_as_before(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/old.safetensors", g_fx.dir);
    train_small(path, 0);
    struct safetensors st;
    struct hr_err e = {{0}};
    assert_int_equal(st_read_file(path, 0, &st, &e), 0);
    assert_null(strstr(st_meta_get(&st, "model"), "preroll"));
    st_free(&st);
    struct hr_lstm m;
    assert_int_equal(hr_lstm_load(path, &m, &e), 0);
    assert_int_equal(m.preroll, 0);
    struct series s;
    constant_run(&s, m.step);
    float *hr = malloc(sizeof(float) * s.n), *x = malloc(sizeof(float) * s.n * m.fs->n),
          *y = malloc(sizeof(float) * s.n * m.net.cfg.out);
    assert_int_equal(hr_lstm_predict(&m, &s, hr, NULL, &e), 0);
    assert_int_equal(hr_lstm_features(&m, &s, x, 1, &e), 0);
    assert_int_equal(lstm_infer(&m.net, x, &s.n, 1, s.n, y, &e), 0);
    for (int t = 0; t < s.n; t++)
        assert_float_equal(hr[t], y[(size_t)t * m.net.cfg.out], 1e-4);
    free(hr);
    free(x);
    free(y);
    series_free(&s);
    hr_lstm_free(&m);
}

/* --resume continues with the pre-roll of the run it resumes, whatever the options say now. */
static void test_resume_keeps_the_runs_preroll(void **state)
{
    (void)state;
    struct dataset ds;
    struct hr_err e = {{0}};
    assert_int_equal(dataset_open(g_fx.path, &ds, &e), 0);
    struct train_opts o;
    train_opts_default(&o);
    o.hidden = 4;
    o.batch = 8;
    o.epochs = 2;
    o.lr = 1e-2f; /* large steps: epoch 2 improves, so the resumed part writes the model */
    o.time_budget = 1e-6; /* stops after epoch 1, leaving the resume file */
    char path[600];
    snprintf(path, sizeof path, "%s/res.safetensors", g_fx.dir);
    struct train_result r;
    assert_int_equal(train_lstm(&ds, &o, path, &r, &e), 0);
    assert_int_equal(r.epochs_run, 1);
    o.time_budget = 0;
    o.resume = 1;
    o.preroll_s = 0;
    assert_int_equal(train_lstm(&ds, &o, path, &r, &e), 0);
    assert_int_equal(r.best_epoch, 2); /* the file was written by the resumed part */
    struct hr_lstm m;
    assert_int_equal(hr_lstm_load(path, &m, &e), 0);
    assert_int_equal(m.preroll, hr_lstm_preroll_steps(m.step, LSTM_PREROLL_S));
    hr_lstm_free(&m);
    dataset_close(&ds);
}

/* The rest row: speed columns and grade 0; altitude, gender and the workout constants kept. */
static void test_rest_row(void **state)
{
    (void)state;
    const struct feature_set *fs = feature_set_get("default+pace");
    float row[FEAT_MAX], rest[FEAT_MAX];
    for (int f = 0; f < fs->n; f++)
        row[f] = (float)(f + 1);
    features_rest_row(fs, row, rest);
    for (int f = 0; f < fs->n; f++) {
        int zero = !strncmp(fs->names[f], "speed", 5) || !strcmp(fs->names[f], "grade");
        assert_float_equal(rest[f], zero ? 0.0f : row[f], 0);
    }
    assert_float_equal(rest[1], 2.0f, 0);   /* altitude */
    assert_float_equal(rest[14], 15.0f, 0); /* workout_median_speed */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rest_row),
        cmocka_unit_test(test_constant_pace_starts_low_without_a_dip),
        cmocka_unit_test(test_model_without_preroll_predicts_as_before),
        cmocka_unit_test(test_resume_keeps_the_runs_preroll),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
